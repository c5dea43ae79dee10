//! Passcode strength and unlock throttling: the wallet's half of "protect the
//! device with a strong passcode".
//!
//! [`PasscodeRules::check`] refuses trivial PINs and passphrases when one is
//! set. [`UnlockPolicy`] and [`AttemptState`] count failed unlock attempts,
//! impose a growing delay between them and lock the wallet out after a limit.
//! Both are pure logic: the wallet persists [`AttemptState`] in its file and
//! passes the time in; nothing here reads the clock or keeps the passcode.

use thiserror::Error;
use zeroize::Zeroizing;

use hawiya_core::{Date, UnixTime};

/// Minimum lengths for passcodes.
///
/// A PIN is a passcode made only of ASCII digits; anything else is a
/// passphrase. The app can raise the minimums; the defaults are a 6-digit PIN
/// and a 10-character passphrase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasscodeRules {
    /// Fewest digits a PIN may have. Default 6.
    pub min_pin_digits: usize,
    /// Fewest characters a passphrase may have, counted in Unicode scalar
    /// values after trimming whitespace at both ends. Default 10.
    pub min_passphrase_chars: usize,
}

impl Default for PasscodeRules {
    /// A 6-digit PIN or a 10-character passphrase.
    fn default() -> PasscodeRules {
        PasscodeRules {
            min_pin_digits: 6,
            min_passphrase_chars: 10,
        }
    }
}

/// Why a new passcode is refused.
///
/// Messages tell the user what to choose instead. They never include the
/// passcode or the birth date it matched, so they are safe to show and log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum WeakPasscode {
    /// It is one of the holder's birth dates written as digits (with or
    /// without separators), which anyone holding the ID card can read.
    #[error(
        "a birth date is easy to guess from the ID itself: choose a passcode that is not a date from your life"
    )]
    BirthDate,
    /// It is on the built-in list of the most used PINs and passwords.
    #[error("this is one of the most used passcodes: choose something less common")]
    Common,
    /// It is one character repeated (ignoring case and separators).
    #[error("a single character repeated is easy to guess: use several different characters")]
    RepeatedCharacter,
    /// It is a short block repeated, such as two or three characters over and over.
    #[error("a short block repeated is easy to guess: avoid repeating patterns")]
    RepeatingPattern,
    /// It is a run of consecutive digits or letters, up or down, or a run of
    /// neighbouring keys on a keyboard row.
    #[error(
        "consecutive digits, letters or keyboard keys are easy to guess: choose characters that do not follow each other"
    )]
    Sequence,
    /// It is shorter than the minimum, or empty, or only whitespace.
    #[error("too short: use at least {minimum} {unit}", unit = if *.pin { "digits" } else { "characters" })]
    TooShort {
        /// The fewest digits (PIN) or characters (passphrase) accepted.
        minimum: usize,
        /// Whether the passcode was read as a PIN (only ASCII digits).
        pin: bool,
    },
}

impl PasscodeRules {
    /// Checks a new PIN (all ASCII digits) or passphrase (anything else)
    /// before the wallet accepts it, so trivial passcodes are never set.
    ///
    /// Letters are compared ignoring case, and Arabic-Indic digits count as
    /// the digits they stand for. The checks are a floor, not a strength
    /// meter: a passcode that passes is not thereby strong. `birth_dates` are
    /// the holder's (from their credentials); none may be the passcode.
    ///
    /// # Errors
    /// The first [`WeakPasscode`] reason that applies, checked in this order:
    /// [`TooShort`](WeakPasscode::TooShort),
    /// [`RepeatedCharacter`](WeakPasscode::RepeatedCharacter),
    /// [`Sequence`](WeakPasscode::Sequence),
    /// [`RepeatingPattern`](WeakPasscode::RepeatingPattern),
    /// [`BirthDate`](WeakPasscode::BirthDate), [`Common`](WeakPasscode::Common).
    pub fn check(&self, passcode: &str, birth_dates: &[Date]) -> Result<(), WeakPasscode> {
        let pin = !passcode.is_empty() && passcode.bytes().all(|b| b.is_ascii_digit());
        let trimmed = passcode.trim();
        let (minimum, length) = if pin {
            (self.min_pin_digits, passcode.len())
        } else {
            (self.min_passphrase_chars, trimmed.chars().count())
        };
        if trimmed.is_empty() || length < minimum {
            return Err(WeakPasscode::TooShort {
                minimum: minimum.max(1),
                pin,
            });
        }

        // The passcode as compared: case folded, digits made ASCII; and the
        // same without separators. Both are wiped when dropped.
        let folded = fold(trimmed);
        let bare = without_separators(&folded);
        let forms = [&folded[..], &bare[..]];
        let forms = || forms.into_iter().filter(|form| !form.is_empty());

        if forms().any(is_one_character) {
            return Err(WeakPasscode::RepeatedCharacter);
        }
        if forms().any(|form| is_run(form) || (!pin && is_keyboard_run(form))) {
            return Err(WeakPasscode::Sequence);
        }
        if forms().any(is_repeating) {
            return Err(WeakPasscode::RepeatingPattern);
        }
        if birth_dates.iter().any(|date| is_date(&bare, *date)) {
            return Err(WeakPasscode::BirthDate);
        }
        if forms().any(is_common) {
            return Err(WeakPasscode::Common);
        }
        Ok(())
    }
}

/// Whether a passcode is one of these birth dates in a common digit form,
/// whatever else is wrong with it: the wallet asks again at unlock, once it
/// knows the birth dates of the people it holds.
pub(crate) fn is_birth_date(passcode: &str, birth_dates: &[Date]) -> bool {
    let folded = fold(passcode.trim());
    let bare = without_separators(&folded);
    birth_dates.iter().any(|date| is_date(&bare, *date))
}

/// How failed unlock attempts are throttled. The app can configure it.
///
/// After `free_attempts` consecutive failures each further attempt waits
/// `base_delay_secs`, doubling per failure up to `max_delay_secs`; after
/// `max_attempts` consecutive failures the wallet is locked out for good.
/// Attempts whose outcome was never recorded (the app was killed while one
/// ran) count towards the wait but never towards the lockout: see
/// [`AttemptState`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnlockPolicy {
    /// Consecutive failures allowed without any wait. Default 3.
    pub free_attempts: u32,
    /// The first wait, in seconds, once the free attempts are used. Default 30.
    pub base_delay_secs: u64,
    /// The longest wait, in seconds. Default 3600 (one hour).
    pub max_delay_secs: u64,
    /// Consecutive failures after which the wallet is locked out and must be
    /// restored from a backup or reset. Default 10.
    pub max_attempts: u32,
}

impl Default for UnlockPolicy {
    /// Three free attempts, then 30 s doubling up to one hour, locked out
    /// after ten failures.
    fn default() -> UnlockPolicy {
        UnlockPolicy {
            free_attempts: 3,
            base_delay_secs: 30,
            max_delay_secs: 3600,
            max_attempts: 10,
        }
    }
}

/// The persisted attempt record: what the wallet stores between unlocks.
///
/// Every attempt is recorded as *unresolved* before the secret is tried, in
/// the same transaction that checks the throttle, so attempts made at once by
/// several threads or processes are counted one by one. Its outcome is
/// recorded before the caller learns it: a wrong secret turns it into a
/// failure, a success clears the record, a cancelled prompt or an unavailable
/// key store just removes it. An attempt still unresolved afterwards was cut
/// short by a crash or a kill, before anyone learned its outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AttemptState {
    /// Consecutive failed unlock attempts (wrong secrets) since the last success.
    pub failures: u32,
    /// When the latest failure happened (the latest clock reading seen, if the
    /// clock moved back between failures). `None` before any failure.
    pub last_failure: Option<UnixTime>,
    /// Attempts begun since the last success whose outcome was never
    /// recorded: running now, or cut short by a crash.
    pub unresolved: u32,
    /// When the latest unresolved attempt began (kept like `last_failure`).
    pub last_begun: Option<UnixTime>,
}

/// Why an unlock attempt may not be made now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum UnlockBlocked {
    /// Too many consecutive failures: the wallet stays locked.
    #[error(
        "locked after {failures} failed attempts: restore the wallet from a backup or reset it"
    )]
    LockedOut {
        /// The consecutive failures recorded.
        failures: u32,
    },
    /// Too many recent failures: the next attempt must wait.
    #[error("too many failed attempts: wait {seconds} seconds before trying again")]
    RetryAfter {
        /// Seconds, by the clock passed in, until an attempt is allowed.
        seconds: u64,
    },
}

impl UnlockPolicy {
    /// Validates settings an app configured, so a typo cannot disable the
    /// throttle. [`check`](UnlockPolicy::check) never panics even on settings
    /// this refuses.
    ///
    /// # Errors
    /// A description of the first bad setting: `max_attempts` of 0,
    /// `free_attempts` above `max_attempts`, `base_delay_secs` of 0, or
    /// `base_delay_secs` above `max_delay_secs`.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.max_attempts == 0 {
            return Err("max_attempts must be at least 1");
        }
        if self.free_attempts > self.max_attempts {
            return Err("free_attempts must not be more than max_attempts");
        }
        if self.base_delay_secs == 0 {
            return Err("base_delay_secs must be at least 1");
        }
        if self.base_delay_secs > self.max_delay_secs {
            return Err("base_delay_secs must not be more than max_delay_secs");
        }
        Ok(())
    }

    /// The wait, in seconds, imposed after `failures` consecutive failures: 0
    /// while `failures < free_attempts`, then
    /// `base_delay_secs * 2^(failures - free_attempts)`, capped at
    /// `max_delay_secs`. Saturating, so it never overflows for any `u32`.
    pub fn delay_after(&self, failures: u32) -> u64 {
        let Some(doublings) = failures.checked_sub(self.free_attempts) else {
            return 0;
        };
        let factor = 1u64.checked_shl(doublings).unwrap_or(0);
        let delay = if factor == 0 {
            // 2^doublings does not fit in a u64.
            if self.base_delay_secs == 0 {
                0
            } else {
                u64::MAX
            }
        } else {
            self.base_delay_secs.saturating_mul(factor)
        };
        delay.min(self.max_delay_secs)
    }

    /// Whether an unlock attempt may be made at `now`.
    ///
    /// The wait is `delay_after(failures + unresolved)` seconds and ends that
    /// long after the latest failure or unresolved attempt: an attempt whose
    /// outcome is unknown (still running, or cut short by a kill) is throttled
    /// like a wrong one, so neither guessers running at once nor a guesser
    /// who kills the app mid-attempt gets a free, fast guess. Lockout counts
    /// only failures, so crashes alone never lock the holder out.
    ///
    /// If the clock reads earlier than the latest attempt (it moved back), the
    /// wait still counts from that attempt, so moving the clock back never
    /// shortens it. A state with attempts but no recorded time has no wait to
    /// date, so only the lockout applies to it.
    ///
    /// # Errors
    /// [`UnlockBlocked::LockedOut`] once `failures >= max_attempts`;
    /// [`UnlockBlocked::RetryAfter`] with the seconds left while waiting.
    pub fn check(&self, state: &AttemptState, now: UnixTime) -> Result<(), UnlockBlocked> {
        if state.failures >= self.max_attempts {
            return Err(UnlockBlocked::LockedOut {
                failures: state.failures,
            });
        }
        let delay = self.delay_after(state.counted());
        let Some(last) = state.latest() else {
            return Ok(());
        };
        // i128 holds any i64 time plus any u64 delay without overflow.
        let left = i128::from(last.0) + i128::from(delay) - i128::from(now.0);
        if left <= 0 {
            return Ok(());
        }
        Err(UnlockBlocked::RetryAfter {
            seconds: u64::try_from(left).unwrap_or(u64::MAX),
        })
    }
}

impl AttemptState {
    /// The attempts the wait counts: failures and unresolved attempts.
    pub fn counted(&self) -> u32 {
        self.failures.saturating_add(self.unresolved)
    }

    /// The time the wait counts from: the latest failure, or the latest
    /// unresolved attempt while there is one.
    fn latest(&self) -> Option<UnixTime> {
        let begun = self.last_begun.filter(|_| self.unresolved > 0);
        match (self.last_failure, begun) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// The state after an attempt begins at `now`: one more unresolved
    /// attempt, dated now (or kept at the latest one's time if the clock
    /// reads earlier).
    pub fn begun(self, now: UnixTime) -> AttemptState {
        AttemptState {
            unresolved: self.unresolved.saturating_add(1),
            last_begun: Some(self.last_begun.map_or(now, |last| last.max(now))),
            ..self
        }
    }

    /// The state after a begun attempt turned out to be a wrong secret at
    /// `now`: one unresolved attempt fewer, one failure more.
    pub fn failed(self, now: UnixTime) -> AttemptState {
        AttemptState {
            failures: self.failures.saturating_add(1),
            last_failure: Some(self.last_failure.map_or(now, |last| last.max(now))),
            unresolved: self.unresolved.saturating_sub(1),
            ..self
        }
    }

    /// The state after a begun attempt ended without a guess (the holder
    /// cancelled, the key store was unavailable): it no longer counts.
    pub fn withdrawn(self) -> AttemptState {
        AttemptState {
            unresolved: self.unresolved.saturating_sub(1),
            ..self
        }
    }

    /// The state after a successful unlock: nothing counts any more, neither
    /// failures nor what crashes left unresolved.
    pub fn succeeded(self) -> AttemptState {
        AttemptState::default()
    }
}

/// Characters dropped before comparing with dates (and checked again for
/// patterns): whitespace and `-` `/` `.`.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '/' | '.')
}

/// Keyboard rows (and the shifted digit row) whose neighbouring keys make
/// easy passphrases, read forwards or backwards. Small on purpose: QWERTY,
/// AZERTY and QWERTZ top rows, QWERTY home and bottom rows, Arabic top and
/// home rows.
const KEYBOARD_ROWS: [&str; 8] = [
    "qwertyuiop",
    "asdfghjkl;",
    "zxcvbnm,./",
    "!@#$%^&*()",
    "azertyuiop",
    "qwertzuiop",
    "ضصثقفغعهخحجد",
    "شسيبلاتنمكط",
];

/// The most used PINs and passwords (lowercase; compared ignoring case, with
/// and without separators). A floor against the very worst choices, not a
/// dictionary: anything matched by the other checks (123456, 000000, qwerty…)
/// is left out.
const COMMON: [&str; 48] = [
    // PINs: keypad shapes, pairs, famous numbers.
    "102030",
    "112233",
    "121314",
    "123321",
    "123654",
    "142536",
    "147258",
    "147258369",
    "147852",
    "159357",
    "159753",
    "258456",
    "741852",
    "753951",
    "789456",
    "789456123",
    "852456",
    "963852",
    "112358",
    "314159",
    "5201314",
    "123456789a",
    // Passwords.
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "1qaz2wsx3edc",
    "a123456789",
    "abc123456",
    "admin123",
    "asdf1234",
    "bismillah",
    "changeme",
    "iloveyou",
    "iloveyou1",
    "iloveyou123",
    "letmein",
    "p@ssw0rd",
    "passw0rd",
    "password",
    "password1",
    "password12",
    "password123",
    "qazwsxedc",
    "qwer1234",
    "qwerty123",
    "qwerty1234",
    "trustno1",
    "zaq12wsx",
];

/// The passcode as compared: letters lowercased, Arabic-Indic and Persian
/// digits turned into ASCII digits. Sized up front (lowercasing yields at most
/// three characters per character) so no reallocation leaves a copy behind.
fn fold(passcode: &str) -> Zeroizing<Vec<char>> {
    let mut out = Zeroizing::new(Vec::with_capacity(passcode.chars().count() * 3));
    for c in passcode.chars() {
        match ascii_digit(c) {
            Some(digit) => out.push(digit),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The ASCII digit a decimal digit stands for, for the digit sets an ID
/// holder is likely to type.
fn ascii_digit(c: char) -> Option<char> {
    let zero = match c {
        '0'..='9' => '0',
        '\u{660}'..='\u{669}' => '\u{660}', // Arabic-Indic
        '\u{6F0}'..='\u{6F9}' => '\u{6F0}', // Extended Arabic-Indic (Persian, Urdu)
        _ => return None,
    };
    let value = u32::from(c) - u32::from(zero);
    char::from_digit(value, 10)
}

/// `folded` with separators removed.
fn without_separators(folded: &[char]) -> Zeroizing<Vec<char>> {
    let mut out = Zeroizing::new(Vec::with_capacity(folded.len()));
    out.extend(folded.iter().copied().filter(|c| !is_separator(*c)));
    out
}

/// Whether every character is the same one.
fn is_one_character(form: &[char]) -> bool {
    form.iter().all(|c| Some(c) == form.first())
}

/// Whether the whole form (three or more characters) is a run of digits
/// stepping by +1 or -1, wrapping from 9 to 0, or of letters stepping by +1
/// or -1 in code point order.
fn is_run(form: &[char]) -> bool {
    if form.len() < 3 {
        return false;
    }
    let pairs = || form.iter().zip(form.iter().skip(1));
    if form.iter().all(char::is_ascii_digit) {
        // Both are ASCII digits, so b + 10 - a cannot underflow.
        let step = |(a, b): (&char, &char)| (u32::from(*b) + 10 - u32::from(*a)) % 10;
        pairs().all(|pair| step(pair) == 1) || pairs().all(|pair| step(pair) == 9)
    } else if form.iter().all(|c| c.is_alphabetic()) {
        let step = |(a, b): (&char, &char)| i64::from(u32::from(*b)) - i64::from(u32::from(*a));
        pairs().all(|pair| step(pair) == 1) || pairs().all(|pair| step(pair) == -1)
    } else {
        false
    }
}

/// Whether the whole form (three or more characters) is neighbouring keys of
/// one keyboard row, forwards or backwards.
fn is_keyboard_run(form: &[char]) -> bool {
    if form.len() < 3 {
        return false;
    }
    KEYBOARD_ROWS.iter().any(|row| {
        let forwards: Vec<char> = row.chars().collect();
        let backwards: Vec<char> = row.chars().rev().collect();
        forwards.windows(form.len()).any(|keys| keys == form)
            || backwards.windows(form.len()).any(|keys| keys == form)
    })
}

/// Whether the form is a block of two or more characters repeated, the last
/// copy possibly cut short: it equals itself shifted by a period of at most
/// half its length.
fn is_repeating(form: &[char]) -> bool {
    (2..=form.len() / 2).any(|period| {
        form.iter()
            .skip(period)
            .zip(form.iter())
            .all(|(later, earlier)| later == earlier)
    })
}

/// Whether `bare` (separators removed) is `date` as YYYYMMDD, DDMMYYYY,
/// MMDDYYYY, YYMMDD, DDMMYY or MMDDYY.
fn is_date(bare: &[char], date: Date) -> bool {
    let year = u32::try_from(date.year()).unwrap_or(0);
    let yyyy: [u8; 4] = digits(year);
    let yy: [u8; 2] = digits(year);
    let mm: [u8; 2] = digits(date.month());
    let dd: [u8; 2] = digits(date.day());
    let forms: [[&[u8]; 3]; 6] = [
        [&yyyy, &mm, &dd],
        [&dd, &mm, &yyyy],
        [&mm, &dd, &yyyy],
        [&yy, &mm, &dd],
        [&dd, &mm, &yy],
        [&mm, &dd, &yy],
    ];
    forms.iter().any(|parts| {
        parts
            .iter()
            .flat_map(|part| part.iter())
            .map(|digit| char::from(*digit))
            .eq(bare.iter().copied())
    })
}

/// The last `N` decimal digits of `value`, zero-padded, as ASCII.
fn digits<const N: usize>(mut value: u32) -> [u8; N] {
    let mut out = [b'0'; N];
    for slot in out.iter_mut().rev() {
        // value % 10 < 10, so the cast is exact.
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
    out
}

/// Whether the form is on the built-in list of most used passcodes.
fn is_common(form: &[char]) -> bool {
    COMMON
        .iter()
        .any(|common| common.chars().eq(form.iter().copied()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(year: i32, month: u32, day: u32) -> Date {
        Date::new(year, month, day).unwrap()
    }

    fn refused(passcode: &str) -> Option<WeakPasscode> {
        PasscodeRules::default().check(passcode, &[]).err()
    }

    fn all_refused_as(expected: WeakPasscode, passcodes: &[&str]) {
        for passcode in passcodes {
            assert_eq!(refused(passcode), Some(expected), "{passcode:?}");
        }
    }

    #[test]
    fn defaults_are_six_digits_and_ten_characters() {
        let rules = PasscodeRules::default();
        assert_eq!(rules.min_pin_digits, 6);
        assert_eq!(rules.min_passphrase_chars, 10);
    }

    #[test]
    fn strong_passcodes_are_accepted() {
        let dates = [date(1990, 5, 15), date(2016, 11, 3)];
        for passcode in [
            "583920",
            "20481937",
            "Tulip-river-47",
            "correct horse battery staple",
            "نخلة على الشاطئ ٧",
            "قهوة-الصباح-2024",
            "1990may15th!",
        ] {
            assert_eq!(
                PasscodeRules::default().check(passcode, &dates),
                Ok(()),
                "{passcode:?}"
            );
        }
    }

    #[test]
    fn short_empty_and_blank_passcodes_are_too_short() {
        let pin = WeakPasscode::TooShort {
            minimum: 6,
            pin: true,
        };
        let phrase = WeakPasscode::TooShort {
            minimum: 10,
            pin: false,
        };
        for (passcode, expected) in [
            ("", phrase),
            ("   ", phrase),
            ("\t\n          \u{3000}", phrase),
            ("5", pin),
            ("58392", pin),
            ("Tulip-47", phrase),
            ("نخلة-٧", phrase),
            // Spaces at the ends do not count, and make it a passphrase.
            ("   583920   ", phrase),
            ("Tulip-47          ", phrase),
        ] {
            assert_eq!(refused(passcode), Some(expected), "{passcode:?}");
        }
        // Counted in Unicode scalar values, not bytes: 9 Arabic letters are
        // 18 bytes but still too short.
        assert_eq!(refused("نخلةعلىشط"), Some(phrase));
    }

    #[test]
    fn a_zero_minimum_still_refuses_empty() {
        let rules = PasscodeRules {
            min_pin_digits: 0,
            min_passphrase_chars: 0,
        };
        let expected = Err(WeakPasscode::TooShort {
            minimum: 1,
            pin: false,
        });
        assert_eq!(rules.check("", &[]), expected);
        assert_eq!(rules.check("  ", &[]), expected);
    }

    #[test]
    fn raised_minimums_apply() {
        let rules = PasscodeRules {
            min_pin_digits: 8,
            min_passphrase_chars: 16,
        };
        assert_eq!(
            rules.check("583920", &[]),
            Err(WeakPasscode::TooShort {
                minimum: 8,
                pin: true
            })
        );
        assert_eq!(
            rules.check("Tulip-river-47", &[]),
            Err(WeakPasscode::TooShort {
                minimum: 16,
                pin: false
            })
        );
        assert_eq!(rules.check("58392071", &[]), Ok(()));
    }

    #[test]
    fn one_repeated_character_is_refused() {
        all_refused_as(
            WeakPasscode::RepeatedCharacter,
            &[
                "000000",
                "99999999",
                "aaaaaaaaaa",
                "AAAAAaaaaa",
                "----------",
                "a a a a a a",
                "x---------",
                "٧٧٧٧٧٧٧٧٧٧",
                "ببببببببببب",
            ],
        );
    }

    #[test]
    fn runs_are_refused() {
        all_refused_as(
            WeakPasscode::Sequence,
            &[
                "123456",
                "654321",
                "890123",
                "321098",
                "0123456789",
                "9876543210",
                "12345678901234",
                "abcdefghij",
                "ABCDEFGHIJK",
                "zyxwvutsrq",
                "1-2-3-4-5-6-7",
                "12 34 56 78 90",
                "٠١٢٣٤٥٦٧٨٩",
                "ابةتثجحخدذ",
            ],
        );
    }

    #[test]
    fn keyboard_rows_are_refused_for_passphrases() {
        all_refused_as(
            WeakPasscode::Sequence,
            &[
                "qwertyuiop",
                "QWERTYUIOP",
                "poiuytrewq",
                "asdfghjkl;",
                "zxcvbnm,./",
                "!@#$%^&*()",
                "azertyuiop",
                "qwertzuiop",
                "ضصثقفغعهخحجد",
                "شسيبلاتنمكط",
            ],
        );
        // A shorter minimum lets a partial row through the length check.
        let rules = PasscodeRules {
            min_pin_digits: 6,
            min_passphrase_chars: 6,
        };
        assert_eq!(rules.check("qwerty", &[]), Err(WeakPasscode::Sequence));
        assert_eq!(rules.check("lkjhgf", &[]), Err(WeakPasscode::Sequence));
    }

    #[test]
    fn near_runs_are_not_runs() {
        let rules = PasscodeRules {
            min_pin_digits: 6,
            min_passphrase_chars: 6,
        };
        for passcode in ["124567", "135790", "abcdeg", "qwerty7", "a1b2c3d4"] {
            assert_ne!(
                rules.check(passcode, &[]),
                Err(WeakPasscode::Sequence),
                "{passcode:?}"
            );
        }
    }

    #[test]
    fn repeating_blocks_are_refused() {
        all_refused_as(
            WeakPasscode::RepeatingPattern,
            &[
                "121212",
                "123123",
                "12341234",
                "909090909",
                "abcabcabca",
                "AbAbAbAbAb",
                "ab-ab-ab-ab",
                "ha ha ha ha ha",
                "love-love-love",
                "سلامسلامسلام",
            ],
        );
        // The block may be up to half the length, not more.
        assert_eq!(refused("1234512345"), Some(WeakPasscode::RepeatingPattern));
        assert_eq!(refused("123451234"), None);
    }

    #[test]
    fn birth_dates_are_refused_in_common_forms() {
        let dates = [date(2001, 7, 4), date(1990, 5, 15)];
        let rules = PasscodeRules::default();
        for passcode in [
            "19900515",
            "15051990",
            "05151990",
            "900515",
            "150590",
            "051590",
            "1990-05-15",
            "15/05/1990",
            "15.05.1990",
            "05 15 1990",
            " 1990 05 15 ",
            "١٥/٠٥/١٩٩٠",
            "20010704",
            "040701",
        ] {
            assert_eq!(
                rules.check(passcode, &dates),
                Err(WeakPasscode::BirthDate),
                "{passcode:?}"
            );
        }
        // Short slashed forms pass the length check only with a lower minimum.
        let lenient = PasscodeRules {
            min_pin_digits: 6,
            min_passphrase_chars: 6,
        };
        assert_eq!(
            lenient.check("15/05/90", &dates),
            Err(WeakPasscode::BirthDate)
        );
        assert_eq!(
            lenient.check("05.15.90", &dates),
            Err(WeakPasscode::BirthDate)
        );
        // Other dates and other orders are not the holder's.
        for passcode in ["19900516", "19901505", "151990", "15051991"] {
            assert_eq!(rules.check(passcode, &dates), Ok(()), "{passcode:?}");
        }
        // Without birth dates a date-shaped PIN is not refused as one.
        assert_eq!(rules.check("15051990", &[]), Ok(()));
    }

    #[test]
    fn early_years_are_zero_padded() {
        let dates = [date(999, 1, 2)];
        let rules = PasscodeRules::default();
        assert_eq!(
            rules.check("09990102", &dates),
            Err(WeakPasscode::BirthDate)
        );
        assert_eq!(rules.check("990102", &dates), Err(WeakPasscode::BirthDate));
    }

    #[test]
    fn common_passcodes_are_refused_ignoring_case() {
        all_refused_as(
            WeakPasscode::Common,
            &[
                "147258",
                "159753",
                "112233",
                "121314",
                "PassWord123",
                "PASSWORD12",
                "1q2w3e4r5t",
                "1QAZ2WSX3EDC",
                "qwerty1234",
                "iloveyou123",
                "pass.word.123",
            ],
        );
        let lenient = PasscodeRules {
            min_pin_digits: 4,
            min_passphrase_chars: 6,
        };
        for passcode in [
            "password",
            "Passw0rd",
            "iloveyou",
            "qwerty123",
            "1q2w3e4r",
            "BISMILLAH",
        ] {
            assert_eq!(
                lenient.check(passcode, &[]),
                Err(WeakPasscode::Common),
                "{passcode:?}"
            );
        }
    }

    #[test]
    fn common_list_is_lowercase_and_not_caught_earlier() {
        let lenient = PasscodeRules {
            min_pin_digits: 1,
            min_passphrase_chars: 1,
        };
        for common in COMMON {
            assert_eq!(common, common.to_lowercase(), "{common:?}");
            assert_eq!(
                lenient.check(common, &[]),
                Err(WeakPasscode::Common),
                "{common:?}"
            );
        }
    }

    #[test]
    fn messages_never_show_the_passcode() {
        let dates = [date(1990, 5, 15)];
        for passcode in [
            "583",
            "000000",
            "123456",
            "121212",
            "19900515",
            "147258",
            "password123",
            "qwertyuiop",
        ] {
            let err = PasscodeRules::default()
                .check(passcode, &dates)
                .unwrap_err();
            assert!(!err.to_string().contains(passcode), "{err}");
            assert!(!format!("{err:?}").contains(passcode), "{err:?}");
        }
        assert_eq!(
            WeakPasscode::TooShort {
                minimum: 6,
                pin: true
            }
            .to_string(),
            "too short: use at least 6 digits"
        );
        assert_eq!(
            WeakPasscode::TooShort {
                minimum: 10,
                pin: false
            }
            .to_string(),
            "too short: use at least 10 characters"
        );
    }

    #[test]
    fn default_policy_and_validation() {
        let policy = UnlockPolicy::default();
        assert_eq!(
            policy,
            UnlockPolicy {
                free_attempts: 3,
                base_delay_secs: 30,
                max_delay_secs: 3600,
                max_attempts: 10,
            }
        );
        assert_eq!(policy.validate(), Ok(()));
        let only_a_limit = UnlockPolicy {
            free_attempts: 5,
            max_attempts: 5,
            ..policy
        };
        assert_eq!(only_a_limit.validate(), Ok(()));
        for bad in [
            UnlockPolicy {
                max_attempts: 0,
                free_attempts: 0,
                ..policy
            },
            UnlockPolicy {
                free_attempts: 11,
                ..policy
            },
            UnlockPolicy {
                base_delay_secs: 0,
                ..policy
            },
            UnlockPolicy {
                base_delay_secs: 3601,
                ..policy
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn default_delay_schedule() {
        let policy = UnlockPolicy::default();
        let table: [(u32, u64); 13] = [
            (0, 0),
            (1, 0),
            (2, 0),
            (3, 30),
            (4, 60),
            (5, 120),
            (6, 240),
            (7, 480),
            (8, 960),
            (9, 1920),
            (10, 3600),
            (20, 3600),
            (u32::MAX, 3600),
        ];
        for (failures, delay) in table {
            assert_eq!(policy.delay_after(failures), delay, "{failures} failures");
        }
    }

    #[test]
    fn delay_saturates_without_overflow() {
        let huge = UnlockPolicy {
            free_attempts: 0,
            base_delay_secs: u64::MAX,
            max_delay_secs: u64::MAX,
            max_attempts: u32::MAX,
        };
        assert_eq!(huge.delay_after(0), u64::MAX);
        assert_eq!(huge.delay_after(63), u64::MAX);
        assert_eq!(huge.delay_after(64), u64::MAX);
        assert_eq!(huge.delay_after(u32::MAX), u64::MAX);
        let uncapped = UnlockPolicy {
            base_delay_secs: 1,
            ..huge
        };
        assert_eq!(uncapped.delay_after(63), 1 << 63);
        assert_eq!(uncapped.delay_after(64), u64::MAX);
        assert_eq!(uncapped.delay_after(u32::MAX), u64::MAX);
        let no_base = UnlockPolicy {
            base_delay_secs: 0,
            ..huge
        };
        assert_eq!(no_base.delay_after(u32::MAX), 0);

        let state = AttemptState {
            failures: u32::MAX,
            last_failure: Some(UnixTime(i64::MAX)),
            ..AttemptState::default()
        };
        assert_eq!(state.failed(UnixTime(0)), state);
        assert_eq!(
            huge.check(&state, UnixTime(0)),
            Err(UnlockBlocked::LockedOut { failures: u32::MAX })
        );
        let one_short = AttemptState {
            failures: u32::MAX - 1,
            ..state
        };
        assert_eq!(
            huge.check(&one_short, UnixTime(i64::MIN)),
            Err(UnlockBlocked::RetryAfter { seconds: u64::MAX })
        );
        assert_eq!(
            UnlockPolicy::default().check(&state, UnixTime(i64::MIN)),
            Err(UnlockBlocked::LockedOut { failures: u32::MAX })
        );
    }

    #[test]
    fn walking_the_schedule_to_lockout() {
        let policy = UnlockPolicy::default();
        let mut state = AttemptState::default();
        let mut now = UnixTime(1_700_000_000);
        let waits = [0, 0, 0, 30, 60, 120, 240, 480, 960, 1920];
        for (failures, wait) in waits.into_iter().enumerate() {
            assert_eq!(state.failures as usize, failures);
            if wait > 0 {
                assert_eq!(
                    policy.check(&state, now),
                    Err(UnlockBlocked::RetryAfter { seconds: wait })
                );
                let almost = UnixTime(now.0 + wait as i64 - 1);
                assert_eq!(
                    policy.check(&state, almost),
                    Err(UnlockBlocked::RetryAfter { seconds: 1 })
                );
                now = UnixTime(now.0 + wait as i64);
            }
            assert_eq!(policy.check(&state, now), Ok(()), "{failures} failures");
            state = state.failed(now);
            assert_eq!(state.last_failure, Some(now));
        }
        assert_eq!(state.failures, 10);
        let lockout = UnlockBlocked::LockedOut { failures: 10 };
        let blocked = Err(lockout);
        assert_eq!(policy.check(&state, now), blocked);
        assert_eq!(policy.check(&state, UnixTime(i64::MAX)), blocked);
        assert_eq!(
            lockout.to_string(),
            "locked after 10 failed attempts: restore the wallet from a backup or reset it"
        );

        let state = state.succeeded();
        assert_eq!(state, AttemptState::default());
        assert_eq!(policy.check(&state, now), Ok(()));
    }

    #[test]
    fn retry_after_counts_down_exactly() {
        let policy = UnlockPolicy::default();
        let t = 1_000_000;
        let state = AttemptState {
            failures: 3,
            last_failure: Some(UnixTime(t)),
            ..AttemptState::default()
        };
        for (now, left) in [(t, 30), (t + 1, 29), (t + 10, 20), (t + 29, 1)] {
            assert_eq!(
                policy.check(&state, UnixTime(now)),
                Err(UnlockBlocked::RetryAfter { seconds: left })
            );
        }
        assert_eq!(policy.check(&state, UnixTime(t + 30)), Ok(()));
        assert_eq!(policy.check(&state, UnixTime(t + 1_000_000)), Ok(()));
        assert_eq!(
            UnlockBlocked::RetryAfter { seconds: 30 }.to_string(),
            "too many failed attempts: wait 30 seconds before trying again"
        );
    }

    #[test]
    fn moving_the_clock_back_never_shortens_the_wait() {
        let policy = UnlockPolicy::default();
        let t = 1_000_000;
        let state = AttemptState {
            failures: 4,
            last_failure: Some(UnixTime(t)),
            ..AttemptState::default()
        };
        // The wait still ends at t + 60 by the clock.
        assert_eq!(
            policy.check(&state, UnixTime(t - 100)),
            Err(UnlockBlocked::RetryAfter { seconds: 160 })
        );
        assert_eq!(
            policy.check(&state, UnixTime(i64::MIN)),
            Err(UnlockBlocked::RetryAfter {
                seconds: (i128::from(t) + 60 - i128::from(i64::MIN)) as u64
            })
        );
        // A failure recorded with the clock moved back keeps the later time.
        let later = state.failed(UnixTime(t - 5000));
        assert_eq!(later.failures, 5);
        assert_eq!(later.last_failure, Some(UnixTime(t)));
        assert_eq!(
            policy.check(&later, UnixTime(t)),
            Err(UnlockBlocked::RetryAfter { seconds: 120 })
        );
    }

    #[test]
    fn failures_without_a_time_only_count_towards_lockout() {
        let policy = UnlockPolicy::default();
        let undated = AttemptState {
            failures: 5,
            last_failure: None,
            ..AttemptState::default()
        };
        assert_eq!(policy.check(&undated, UnixTime(0)), Ok(()));
        let undated = AttemptState {
            failures: 10,
            last_failure: None,
            ..AttemptState::default()
        };
        assert_eq!(
            policy.check(&undated, UnixTime(0)),
            Err(UnlockBlocked::LockedOut { failures: 10 })
        );
    }

    #[test]
    fn unresolved_attempts_are_throttled_but_never_lock_out() {
        let policy = UnlockPolicy::default();
        let t = UnixTime(1_000_000);
        // Three attempts running at once: the fourth must wait like the
        // fourth of three wrong guesses in a row.
        let running = AttemptState::default().begun(t).begun(t).begun(t);
        assert_eq!(running.counted(), 3);
        assert_eq!(
            policy.check(&running, t),
            Err(UnlockBlocked::RetryAfter { seconds: 30 })
        );
        // Their outcomes: one wrong, one cancelled, one still unknown.
        let settled = running.failed(t).withdrawn();
        assert_eq!(
            settled,
            AttemptState {
                failures: 1,
                last_failure: Some(t),
                unresolved: 1,
                last_begun: Some(t),
            }
        );
        assert_eq!(policy.check(&settled, t), Ok(()));
        // Any number of crashes is never a lockout, only the longest wait.
        let mut crashed = AttemptState::default();
        for _ in 0..1000 {
            crashed = crashed.begun(t);
        }
        assert_eq!(
            policy.check(&crashed, t),
            Err(UnlockBlocked::RetryAfter { seconds: 3600 })
        );
        assert_eq!(policy.check(&crashed, UnixTime(t.0 + 3600)), Ok(()));
        // A cancelled attempt leaves no trace in the wait.
        let cancelled = AttemptState::default().begun(t).withdrawn();
        assert_eq!(cancelled.counted(), 0);
        assert_eq!(policy.check(&cancelled, t), Ok(()));
        // A success clears everything.
        assert_eq!(crashed.succeeded(), AttemptState::default());
    }

    proptest! {
        #[test]
        fn crashes_and_cancels_between_correct_unlocks_never_lock_out(
            steps in proptest::collection::vec(0u8..3, 0..200),
            policy in small_policy().prop_filter("valid", |p| p.validate().is_ok()),
        ) {
            // 0: an attempt killed before its outcome was recorded,
            // 1: an attempt the holder cancelled, 2: a correct unlock.
            let mut state = AttemptState::default();
            let mut now = UnixTime(1_700_000_000);
            for step in steps {
                // The holder's attempts come after any wait is over.
                now = UnixTime(now.0 + policy.max_delay_secs as i64 + 1);
                prop_assert!(policy.check(&state, now).is_ok(), "{state:?}");
                state = state.begun(now);
                state = match step {
                    0 => state,
                    1 => state.withdrawn(),
                    _ => state.succeeded(),
                };
                prop_assert_eq!(state.failures, 0);
            }
        }
    }

    fn any_policy() -> impl Strategy<Value = UnlockPolicy> {
        (any::<u32>(), any::<u64>(), any::<u64>(), any::<u32>()).prop_map(
            |(free_attempts, base_delay_secs, max_delay_secs, max_attempts)| UnlockPolicy {
                free_attempts,
                base_delay_secs,
                max_delay_secs,
                max_attempts,
            },
        )
    }

    fn small_policy() -> impl Strategy<Value = UnlockPolicy> {
        (0u32..6, 1u64..1000, 0u64..100_000, 0u32..40).prop_map(
            |(free_attempts, base_delay_secs, max_delay_secs, max_attempts)| UnlockPolicy {
                free_attempts,
                base_delay_secs,
                max_delay_secs,
                max_attempts,
            },
        )
    }

    proptest! {
        #[test]
        fn check_never_panics(
            passcode in any::<String>(),
            days in proptest::collection::vec(-719_162i64..=2_932_896, 0..4),
            min_pin_digits in 0usize..20,
            min_passphrase_chars in 0usize..40,
        ) {
            let dates: Vec<Date> = days
                .into_iter()
                .map(|d| Date::from_days_since_epoch(d).unwrap())
                .collect();
            let rules = PasscodeRules { min_pin_digits, min_passphrase_chars };
            let _ = rules.check(&passcode, &dates);
            let _ = PasscodeRules::default().check(&passcode, &dates);
        }

        #[test]
        fn check_never_panics_on_digits_and_separators(passcode in "[0-9 ./-]{0,16}") {
            let dates = [date(1990, 5, 15)];
            let _ = PasscodeRules::default().check(&passcode, &dates);
        }

        #[test]
        fn delay_never_decreases(policy in any_policy(), a in any::<u32>(), b in any::<u32>()) {
            let (fewer, more) = (a.min(b), a.max(b));
            prop_assert!(policy.delay_after(fewer) <= policy.delay_after(more));
            prop_assert!(policy.delay_after(more) <= policy.max_delay_secs);
        }

        #[test]
        fn delay_steps_never_decrease(policy in small_policy(), failures in 0u32..80) {
            prop_assert!(policy.delay_after(failures) <= policy.delay_after(failures + 1));
        }

        #[test]
        fn no_attempt_before_the_wait_ends(
            policy in prop_oneof![small_policy(), any_policy()],
            failures in prop_oneof![0u32..40, any::<u32>()],
            last in proptest::option::of(any::<i64>()),
            failed_at in any::<i64>(),
            offset in any::<u64>(),
            now in any::<i64>(),
        ) {
            let state = AttemptState { failures, last_failure: last.map(UnixTime), ..AttemptState::default() }
                .failed(UnixTime(failed_at));
            let last = state.last_failure.unwrap().0;
            let delay = policy.delay_after(state.failures);
            let end = i128::from(last) + i128::from(delay);
            // A moment inside the wait, counted from the last failure.
            if delay > 0 {
                if let Ok(inside) = i64::try_from(i128::from(last) + i128::from(offset % delay)) {
                    prop_assert!(policy.check(&state, UnixTime(inside)).is_err());
                }
            }
            // Any clock reading, including ones before the last failure.
            let verdict = policy.check(&state, UnixTime(now));
            if i128::from(now) < end || state.failures >= policy.max_attempts {
                prop_assert!(verdict.is_err());
            } else {
                prop_assert_eq!(verdict, Ok(()));
            }
            if let Err(UnlockBlocked::RetryAfter { seconds }) = verdict {
                prop_assert!(seconds > 0);
                prop_assert_eq!(i128::from(seconds), (end - i128::from(now)).min(i128::from(u64::MAX)));
            }
        }
    }

    #[test]
    fn birth_dates_are_found_even_when_another_rule_fires_first() {
        let born = date(2012, 12, 12);
        // "121212" is also a repeating pattern, which `check` reports first.
        assert_eq!(
            PasscodeRules::default().check("121212", &[born]),
            Err(WeakPasscode::RepeatingPattern)
        );
        assert!(is_birth_date("121212", &[born]));
        assert!(is_birth_date(" 2012-12-12 ", &[born]));
        assert!(!is_birth_date("583920", &[born]));
        assert!(!is_birth_date("121212", &[]));
    }
}
