//! Base45 text encoding of binary data (RFC 9285).
//!
//! Base45 turns bytes into characters from the 45-character QR code
//! alphanumeric set, so a signed presentation can be carried in a QR symbol's
//! compact alphanumeric mode (5.5 bits per character) instead of byte mode.
//! Every two bytes become three characters; a final odd byte becomes two.
//!
//! [`decode`] is strict: it accepts exactly the strings that [`encode`]
//! produces, so every byte string has a single textual form.

/// The Base45 alphabet: index = digit value (RFC 9285, section 4).
const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Largest value a full three-character group may carry (two bytes).
const MAX_PAIR_VALUE: u32 = 0xFFFF;
/// Largest value a final two-character group may carry (one byte).
const MAX_SINGLE_VALUE: u32 = 0xFF;

/// Why a string could not be decoded as Base45.
///
/// Positions are byte offsets into the input `&str` (the same offsets
/// `str::get` uses); for valid Base45 input every character is one byte.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Base45Error {
    /// A character outside the Base45 alphabet (`0-9`, `A-Z`, space and
    /// `$%*+-./:`) was found; lowercase letters are not allowed either.
    #[error(
        "invalid Base45 character {character:?} at byte {position}: only 0-9, A-Z, space and $%*+-./: \
         are allowed; check that the text was not lowercased, trimmed or altered in transit"
    )]
    InvalidCharacter {
        /// Byte offset of the offending character in the input.
        position: usize,
        /// The offending character.
        character: char,
    },

    /// The input length leaves a single character in the final group; valid
    /// Base45 always ends in a group of 2 or 3 characters.
    #[error(
        "dangling Base45 character at byte {position}: the text length leaves a group of one \
         character, so it is truncated or has a stray character; rescan or re-request it"
    )]
    DanglingCharacter {
        /// Byte offset of the lone trailing character.
        position: usize,
    },

    /// A group of characters decodes to a number too large for the bytes it
    /// stands for (above 65535 for a 3-character group, above 255 for a final
    /// 2-character group).
    #[error(
        "Base45 group at byte {position} decodes to {value}, above the maximum {max}: the text \
         is corrupted or not Base45; rescan or re-request it"
    )]
    GroupOutOfRange {
        /// Byte offset of the first character of the offending group.
        position: usize,
        /// The value the group decodes to.
        value: u32,
        /// The largest value allowed for a group of this length.
        max: u32,
    },
}

/// Encodes `bytes` as Base45 text (RFC 9285).
///
/// The output uses only the QR alphanumeric character set, which is why the
/// wallet uses it for QR payloads. Output length is `3 * (n / 2) + 2 * (n % 2)`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() / 2 * 3 + 2);
    let mut chunks = bytes.chunks_exact(2);
    for pair in &mut chunks {
        let value = pair.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        push_digits(&mut out, value, 3);
    }
    for &single in chunks.remainder() {
        push_digits(&mut out, u32::from(single), 2);
    }
    out
}

/// Decodes Base45 text (RFC 9285) back to bytes.
///
/// Strict: rejects characters outside the alphabet, a one-character final
/// group, and groups whose value exceeds what they encode, so only canonical
/// output of [`encode`] is accepted. Never panics, whatever the input.
pub fn decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    let mut digits = Vec::with_capacity(text.len());
    for (position, character) in text.char_indices() {
        match digit_value(character) {
            Some(value) => digits.push(value),
            None => {
                return Err(Base45Error::InvalidCharacter {
                    position,
                    character,
                })
            }
        }
    }
    // From here on every character is one ASCII byte, so digit index == byte offset.
    let mut out = Vec::with_capacity(digits.len() / 3 * 2 + 1);
    for (index, group) in digits.chunks(3).enumerate() {
        let position = index * 3;
        let value = group.iter().rev().fold(0u32, |acc, &d| acc * 45 + d);
        match group.len() {
            3 if value <= MAX_PAIR_VALUE => {
                out.extend_from_slice(&[(value >> 8) as u8, value as u8])
            }
            2 if value <= MAX_SINGLE_VALUE => out.push(value as u8),
            3 | 2 => {
                let max = if group.len() == 3 {
                    MAX_PAIR_VALUE
                } else {
                    MAX_SINGLE_VALUE
                };
                return Err(Base45Error::GroupOutOfRange {
                    position,
                    value,
                    max,
                });
            }
            _ => return Err(Base45Error::DanglingCharacter { position }),
        }
    }
    Ok(out)
}

/// Appends `count` Base45 digits of `value`, least significant first (RFC 9285 order).
fn push_digits(out: &mut String, mut value: u32, count: usize) {
    for _ in 0..count {
        // `value % 45` is always < 45, so the lookup cannot miss.
        if let Some(&c) = ALPHABET.get((value % 45) as usize) {
            out.push(char::from(c));
        }
        value /= 45;
    }
}

/// The digit value of a Base45 character, or `None` if it is not in the alphabet.
fn digit_value(c: char) -> Option<u32> {
    let byte = u8::try_from(c).ok()?;
    ALPHABET.iter().position(|&a| a == byte).map(|i| i as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc9285_encode_examples() {
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"base-45"), "UJCLQE7W581");
    }

    #[test]
    fn rfc9285_decode_examples() {
        assert_eq!(decode("QED8WEX0"), Ok(b"ietf!".to_vec()));
        assert_eq!(decode("BB8"), Ok(b"AB".to_vec()));
        assert_eq!(decode("%69 VD92EX0"), Ok(b"Hello!!".to_vec()));
        assert_eq!(decode("UJCLQE7W581"), Ok(b"base-45".to_vec()));
    }

    #[test]
    fn empty_round_trips() {
        assert_eq!(encode(b""), "");
        assert_eq!(decode(""), Ok(Vec::new()));
    }

    #[test]
    fn extremes_round_trip() {
        assert_eq!(encode(&[0xFF, 0xFF]), "FGW");
        assert_eq!(decode("FGW"), Ok(vec![0xFF, 0xFF]));
        assert_eq!(encode(&[0xFF]), "U5");
        assert_eq!(decode("U5"), Ok(vec![0xFF]));
        assert_eq!(encode(&[0, 0]), "000");
        assert_eq!(decode("00"), Ok(vec![0]));
    }

    #[test]
    fn rejects_character_outside_alphabet() {
        assert_eq!(
            decode("BB8a"),
            Err(Base45Error::InvalidCharacter {
                position: 3,
                character: 'a'
            })
        );
        assert_eq!(
            decode("=BB"),
            Err(Base45Error::InvalidCharacter {
                position: 0,
                character: '='
            })
        );
        // Non-ASCII: position is a byte offset.
        assert_eq!(
            decode("BB8é"),
            Err(Base45Error::InvalidCharacter {
                position: 3,
                character: 'é'
            })
        );
        assert_eq!(
            decode("ééX"),
            Err(Base45Error::InvalidCharacter {
                position: 0,
                character: 'é'
            })
        );
    }

    #[test]
    fn rejects_dangling_character() {
        assert_eq!(
            decode("A"),
            Err(Base45Error::DanglingCharacter { position: 0 })
        );
        assert_eq!(
            decode("BB8A"),
            Err(Base45Error::DanglingCharacter { position: 3 })
        );
    }

    #[test]
    fn rejects_three_char_group_out_of_range() {
        // "GGW" = 16 + 16*45 + 32*2025 = 65536.
        assert_eq!(
            decode("BB8GGW"),
            Err(Base45Error::GroupOutOfRange {
                position: 3,
                value: 65_536,
                max: 65_535
            })
        );
        assert_eq!(
            decode(":::"),
            Err(Base45Error::GroupOutOfRange {
                position: 0,
                value: 91_124,
                max: 65_535
            })
        );
    }

    #[test]
    fn rejects_two_char_group_out_of_range() {
        // "V5" = 31 + 5*45 = 256.
        assert_eq!(
            decode("BB8V5"),
            Err(Base45Error::GroupOutOfRange {
                position: 3,
                value: 256,
                max: 255
            })
        );
        assert_eq!(
            decode("::"),
            Err(Base45Error::GroupOutOfRange {
                position: 0,
                value: 2_024,
                max: 255
            })
        );
    }

    #[test]
    fn error_messages_say_what_and_what_to_do() {
        let msg = Base45Error::DanglingCharacter { position: 3 }.to_string();
        assert!(msg.contains("byte 3") && msg.contains("rescan"), "{msg}");
        let msg = Base45Error::InvalidCharacter {
            position: 1,
            character: 'a',
        }
        .to_string();
        assert!(msg.contains("'a'") && msg.contains("lowercased"), "{msg}");
    }

    proptest! {
        #[test]
        fn round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let text = encode(&bytes);
            prop_assert_eq!(text.len(), bytes.len() / 2 * 3 + bytes.len() % 2 * 2);
            prop_assert!(text.bytes().all(|b| ALPHABET.contains(&b)));
            prop_assert_eq!(decode(&text), Ok(bytes));
        }

        #[test]
        fn decode_arbitrary_text_never_panics(text in any::<String>()) {
            let _ = decode(&text);
        }

        #[test]
        fn accepted_text_is_canonical(text in "[0-9A-Z $%*+./:-]{0,64}") {
            if let Ok(bytes) = decode(&text) {
                prop_assert_eq!(encode(&bytes), text);
            }
        }

        #[test]
        fn accepted_arbitrary_text_is_canonical(text in any::<String>()) {
            if let Ok(bytes) = decode(&text) {
                prop_assert_eq!(encode(&bytes), text);
            }
        }
    }
}
