//! Verifier challenges: six random digits a verifier shows, which the
//! holder's phone signs over, so a code cannot have been made before the
//! verifier asked for it.
//!
//! A challenge reaches the phone either as a QR code the wallet app scans
//! (`HWC:` and the six digits) or as the six digits the holder types. Both
//! carry the same code, so the phone's answer is the same either way. The
//! verifier keeps the code and the time it showed it; an answer is a
//! device-bound presentation whose device part carries the code under the
//! device signature. docs/FORMAT.md §11 specifies it.

use std::fmt;

use rand_core::CryptoRngCore;
use thiserror::Error;

use crate::date::UnixTime;

/// Prefix of a challenge's QR text.
pub const CHALLENGE_QR_PREFIX: &str = "HWC:";
/// Digits in a challenge code.
pub const CHALLENGE_DIGITS: usize = 6;
/// The smallest code: codes never start with 0, so a dropped leading zero
/// cannot make a different code, and every code encodes in the same 5 CBOR
/// bytes.
const MIN_CODE: u32 = 100_000;
/// The largest code.
const MAX_CODE: u32 = 999_999;

/// The six digits a verifier shows and a phone signs over: 100000 to 999999,
/// drawn uniformly (about 19.8 bits).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChallengeCode(u32);

/// Why text is not a challenge code.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ChallengeError {
    /// The text has no digits, other characters, or not exactly six digits
    /// starting with 1 to 9.
    #[error("a challenge code is the 6 digits the verifier shows (100000 to 999999, spaces and dashes allowed), or its QR text starting with HWC:")]
    Invalid,
}

impl ChallengeCode {
    /// The code with this value, if it is one (100000 to 999999).
    pub fn from_value(value: u32) -> Option<ChallengeCode> {
        (MIN_CODE..=MAX_CODE)
            .contains(&value)
            .then_some(ChallengeCode(value))
    }

    /// A uniformly random code.
    pub fn random(rng: &mut impl CryptoRngCore) -> ChallengeCode {
        // Rejection sampling over the largest multiple of the range below
        // 2^32, so every code is equally likely.
        const SPAN: u32 = MAX_CODE - MIN_CODE + 1;
        const LIMIT: u32 = u32::MAX - u32::MAX % SPAN;
        loop {
            let draw = rng.next_u32();
            if draw < LIMIT {
                return ChallengeCode(MIN_CODE + draw % SPAN);
            }
        }
    }

    /// Reads what a holder typed or what the wallet app scanned: six digits,
    /// optionally grouped with spaces or dashes (`123 456`, `123-456`), or
    /// the challenge's QR text (`HWC:123456`). Typed digits may be ASCII or
    /// Arabic-Indic (`١٢٣٤٥٦`, as an Arabic keyboard types them, and the
    /// Eastern forms `۱۲۳۴۵۶`); the QR text is ASCII only. Surrounding
    /// whitespace is ignored.
    ///
    /// # Errors
    /// [`ChallengeError::Invalid`] for anything else.
    pub fn parse(text: &str) -> Result<ChallengeCode, ChallengeError> {
        let text = text.trim();
        if let Some(digits) = text.strip_prefix(CHALLENGE_QR_PREFIX) {
            // The QR text has exactly one spelling: the prefix and six digits.
            return ChallengeCode::from_digits(digits).ok_or(ChallengeError::Invalid);
        }
        let mut digits = String::with_capacity(CHALLENGE_DIGITS);
        for c in text.chars() {
            match (c, typed_digit(c)) {
                (_, Some(digit)) if digits.len() < CHALLENGE_DIGITS => digits.push(digit),
                (' ' | '-', _) => {}
                _ => return Err(ChallengeError::Invalid),
            }
        }
        ChallengeCode::from_digits(&digits).ok_or(ChallengeError::Invalid)
    }

    /// Exactly six ASCII digits, the first not 0.
    fn from_digits(digits: &str) -> Option<ChallengeCode> {
        if digits.len() != CHALLENGE_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().and_then(ChallengeCode::from_value)
    }

    /// The code as a number (what the device part carries).
    pub fn value(self) -> u32 {
        self.0
    }

    /// The six digits grouped for reading aloud and typing: `123 456`.
    pub fn grouped(self) -> String {
        format!("{:03} {:03}", self.0 / 1000, self.0 % 1000)
    }

    /// The text of the challenge's QR code: `HWC:123456` (alphanumeric mode,
    /// QR version 1).
    pub fn qr_text(self) -> String {
        format!("{CHALLENGE_QR_PREFIX}{}", self.0)
    }
}

impl fmt::Display for ChallengeCode {
    /// The six digits, ungrouped: `123456`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for ChallengeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChallengeCode({})", self.0)
    }
}

/// The ASCII digit of a typed digit: ASCII, Arabic-Indic (U+0660–U+0669)
/// or Extended Arabic-Indic (U+06F0–U+06F9).
fn typed_digit(c: char) -> Option<char> {
    let value = match c {
        '0'..='9' => u32::from(c) - u32::from('0'),
        '\u{0660}'..='\u{0669}' => u32::from(c) - 0x0660,
        '\u{06F0}'..='\u{06F9}' => u32::from(c) - 0x06F0,
        _ => return None,
    };
    char::from_digit(value, 10)
}

/// A challenge a verifier showed: its code and when it was shown, by the
/// verifier's clock. The verifier keeps it until the answer is scanned and
/// passes it to [`crate::Verifier::verify`]; it is answerable for the
/// freshness window of the verifier's policy after `issued_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Challenge {
    code: ChallengeCode,
    issued_at: UnixTime,
}

impl Challenge {
    /// A fresh challenge shown at `now`, with a code from `rng` (use the
    /// operating system's random source).
    pub fn generate(rng: &mut impl CryptoRngCore, now: UnixTime) -> Challenge {
        Challenge {
            code: ChallengeCode::random(rng),
            issued_at: now,
        }
    }

    /// A challenge shown earlier, e.g. read back from a verifier's state file.
    pub fn new(code: ChallengeCode, issued_at: UnixTime) -> Challenge {
        Challenge { code, issued_at }
    }

    /// The code the phone signs over.
    pub fn code(&self) -> ChallengeCode {
        self.code
    }

    /// When the verifier showed it.
    pub fn issued_at(&self) -> UnixTime {
        self.issued_at
    }

    /// Whether an answer scanned at `now` is in time: from `skew` seconds
    /// before `issued_at` to `window + skew` seconds after it.
    pub(crate) fn is_open_at(&self, now: UnixTime, window: u32, skew: u32) -> bool {
        let skew = i64::from(skew);
        now.0 >= self.issued_at.0.saturating_sub(skew)
            && now.0 <= self.issued_at.0.saturating_add(i64::from(window) + skew)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand_core::OsRng;

    #[test]
    fn codes_are_six_digits_not_starting_with_zero() {
        assert_eq!(ChallengeCode::from_value(99_999), None);
        assert_eq!(ChallengeCode::from_value(1_000_000), None);
        assert_eq!(ChallengeCode::from_value(100_000).unwrap().value(), 100_000);
        assert_eq!(ChallengeCode::from_value(999_999).unwrap().value(), 999_999);
        for _ in 0..1000 {
            let code = ChallengeCode::random(&mut OsRng);
            assert!((100_000..=999_999).contains(&code.value()));
            assert_eq!(code.to_string().len(), 6);
        }
    }

    #[test]
    fn typed_and_scanned_forms_are_read() {
        let code = ChallengeCode::from_value(123_456).unwrap();
        for text in [
            "123456",
            "123 456",
            "123-456",
            " 123 456\n",
            "1 2 3 4 5 6",
            "HWC:123456",
            " HWC:123456 ",
            "١٢٣٤٥٦",
            "١٢٣ ٤٥٦",
            "۱۲۳۴۵۶",
        ] {
            assert_eq!(ChallengeCode::parse(text), Ok(code), "{text:?}");
        }
        assert_eq!(code.grouped(), "123 456");
        assert_eq!(code.qr_text(), "HWC:123456");
        assert_eq!(ChallengeCode::parse(&code.qr_text()), Ok(code));
    }

    #[test]
    fn anything_else_is_refused() {
        for text in [
            "",
            "12345",
            "1234567",
            "023456",
            "12345a",
            "１２３４５６", // full-width digits
            "HWC:١٢٣٤٥٦",   // the QR text is ASCII only
            "123_456",
            "+123456",
            "HWC:12345",
            "HWC:1234567",
            "HWC:023456",
            "HWC:123 456",
            "hwc:123456",
            "HW2:123456",
            "HWC:",
        ] {
            assert_eq!(
                ChallengeCode::parse(text),
                Err(ChallengeError::Invalid),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_challenge_is_open_for_the_window_with_skew_on_both_sides() {
        let challenge = Challenge::new(
            ChallengeCode::from_value(500_000).unwrap(),
            UnixTime(10_000),
        );
        assert!(challenge.is_open_at(UnixTime(10_000), 120, 30));
        assert!(challenge.is_open_at(UnixTime(9_970), 120, 30));
        assert!(!challenge.is_open_at(UnixTime(9_969), 120, 30));
        assert!(challenge.is_open_at(UnixTime(10_150), 120, 30));
        assert!(!challenge.is_open_at(UnixTime(10_151), 120, 30));
        let far = Challenge::new(challenge.code(), UnixTime(i64::MAX - 5));
        assert!(far.is_open_at(UnixTime(i64::MAX), 120, 30));
    }

    #[test]
    fn random_codes_are_not_biased_towards_the_low_end() {
        // 20,000 draws: each of the 9 leading digits should get about 1/9.
        let mut counts = [0u32; 9];
        let mut rng = OsRng;
        for _ in 0..20_000 {
            let lead = ChallengeCode::random(&mut rng).value() / 100_000;
            counts[(lead - 1) as usize] += 1;
        }
        for (digit, count) in counts.iter().enumerate() {
            assert!(
                (1_900..=2_550).contains(count),
                "leading digit {} drawn {count} times",
                digit + 1
            );
        }
    }

    proptest! {
        #[test]
        fn every_code_round_trips_through_each_form(value in 100_000u32..=999_999) {
            let code = ChallengeCode::from_value(value).unwrap();
            prop_assert_eq!(ChallengeCode::parse(&code.to_string()), Ok(code));
            prop_assert_eq!(ChallengeCode::parse(&code.grouped()), Ok(code));
            prop_assert_eq!(ChallengeCode::parse(&code.qr_text()), Ok(code));
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(text in ".{0,20}") {
            let _ = ChallengeCode::parse(&text);
        }
    }
}
