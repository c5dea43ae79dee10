//! Deterministic CBOR (RFC 8949 §4.2.1): the one encoder and the one strict
//! decoder every hawiya structure goes through.
//!
//! The encoder always writes the core deterministic form (shortest heads,
//! definite lengths, map keys sorted by their encoded bytes). The decoder
//! accepts *only* that form, so every value has exactly one byte string and a
//! changed byte can never decode to an equivalent value. Floats, undefined and
//! other simple values are not part of any hawiya structure and are refused.

use thiserror::Error;

/// Nesting deeper than this is refused (hawiya structures nest at most 5 deep).
const MAX_DEPTH: usize = 16;

/// Most array or map slots reserved up front, whatever length a head claims:
/// a hostile head must not make the decoder reserve memory it never fills.
const PREALLOCATE_MAX: usize = 64;

/// A decoded CBOR data item restricted to what hawiya structures use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Major type 0: an unsigned integer.
    Unsigned(u64),
    /// Major type 1: the integer `-1 - n`.
    Negative(u64),
    /// Major type 2: a byte string.
    Bytes(Vec<u8>),
    /// Major type 3: a UTF-8 text string.
    Text(String),
    /// Major type 4: an array.
    Array(Vec<Value>),
    /// Major type 5: a map; encoding sorts the entries, decoding checks order.
    Map(Vec<(Value, Value)>),
    /// Major type 6: a tagged item.
    Tag(u64, Box<Value>),
    /// Simple values 20 and 21.
    Bool(bool),
    /// Simple value 22.
    Null,
}

/// Why bytes are not a deterministic CBOR item this crate accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CborError {
    /// A length or head was written in a longer form than needed, or indefinite.
    #[error("CBOR at byte {offset} is not in deterministic (shortest, definite-length) form")]
    NonCanonical {
        /// Byte offset of the offending head.
        offset: usize,
    },
    /// Map keys are not in strictly ascending encoded order (or repeat).
    #[error("CBOR map at byte {offset} has keys out of order or repeated")]
    MapKeysOutOfOrder {
        /// Byte offset of the offending key.
        offset: usize,
    },
    /// Extra bytes follow the single top-level item.
    #[error("{count} unexpected bytes after the CBOR item at byte {offset}")]
    TrailingBytes {
        /// Byte offset where the trailing data begins.
        offset: usize,
        /// How many bytes trail.
        count: usize,
    },
    /// Nesting goes deeper than any hawiya structure does.
    #[error("CBOR nesting deeper than {MAX_DEPTH} at byte {offset}")]
    TooDeep {
        /// Byte offset where the limit was crossed.
        offset: usize,
    },
    /// The input ended inside an item.
    #[error("CBOR input ends early at byte {offset}")]
    Truncated {
        /// Byte offset where more input was expected.
        offset: usize,
    },
    /// A text string is not valid UTF-8.
    #[error("CBOR text at byte {offset} is not valid UTF-8")]
    InvalidUtf8 {
        /// Byte offset of the text string head.
        offset: usize,
    },
    /// Floats, undefined, break codes and other simple values are not used.
    #[error("CBOR item at byte {offset} has a type hawiya does not use")]
    Unsupported {
        /// Byte offset of the head.
        offset: usize,
    },
}

impl Value {
    /// Builds an integer value from an `i64`.
    pub fn int(n: i64) -> Value {
        if n >= 0 {
            Value::Unsigned(n.unsigned_abs())
        } else {
            Value::Negative(n.unsigned_abs() - 1)
        }
    }

    /// Builds a text value.
    pub fn text(s: &str) -> Value {
        Value::Text(s.to_owned())
    }

    /// Builds a byte-string value.
    pub fn bytes(b: &[u8]) -> Value {
        Value::Bytes(b.to_vec())
    }

    /// The value as an unsigned integer, if it is one.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Unsigned(n) => Some(*n),
            _ => None,
        }
    }

    /// The value as a signed integer, if it is one that fits `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Unsigned(n) => i64::try_from(*n).ok(),
            Value::Negative(n) => i64::try_from(*n).ok().map(|n| -1 - n),
            _ => None,
        }
    }

    /// The value as bytes, if it is a byte string.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The value as text, if it is a text string.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The items, if the value is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The entries, if the value is a map.
    pub fn as_map(&self) -> Option<&[(Value, Value)]> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Whether the value is a map whose keys are exactly the integers `keys`
    /// (in any order): closed maps refuse a missing or an extra key.
    pub fn has_exactly_keys(&self, keys: &[i64]) -> bool {
        self.as_map().is_some_and(|entries| {
            entries.len() == keys.len()
                && entries
                    .iter()
                    .all(|(k, _)| k.as_i64().is_some_and(|k| keys.contains(&k)))
        })
    }

    /// Looks up an integer key in a map value.
    pub fn map_get(&self, key: i64) -> Option<&Value> {
        let wanted = Value::int(key);
        self.as_map()?
            .iter()
            .find(|(k, _)| *k == wanted)
            .map(|(_, v)| v)
    }

    /// The deterministic encoding of this value.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        encode_into(self, &mut out);
        out
    }

    /// Appends the deterministic encoding of this value to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        encode_into(self, out);
    }
}

/// Appends a text string (head and content).
pub(crate) fn text_into(text: &str, out: &mut Vec<u8>) {
    head(3, text.len() as u64, out);
    out.extend_from_slice(text.as_bytes());
}

/// Appends a byte string (head and content).
pub(crate) fn bytes_into(bytes: &[u8], out: &mut Vec<u8>) {
    head(2, bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

/// Appends the head of an array of `len` items.
pub(crate) fn array_head(len: usize, out: &mut Vec<u8>) {
    head(4, len as u64, out);
}

/// Appends the head of a map of `len` entries. The caller writes the
/// entries in canonical key order.
pub(crate) fn map_head(len: usize, out: &mut Vec<u8>) {
    head(5, len as u64, out);
}

/// Appends an unsigned integer.
pub(crate) fn int_into_unsigned(n: u64, out: &mut Vec<u8>) {
    head(0, n, out);
}

/// Appends an integer, as [`Value::int`] encodes it.
pub(crate) fn int_into(n: i64, out: &mut Vec<u8>) {
    if n >= 0 {
        head(0, n.unsigned_abs(), out);
    } else {
        head(1, n.unsigned_abs() - 1, out);
    }
}

/// Appends a head (major type + argument) in its shortest form.
fn head(major: u8, arg: u64, out: &mut Vec<u8>) {
    let mt = major << 5;
    match arg {
        0..=23 => out.push(mt | arg as u8),
        24..=0xff => {
            out.push(mt | 24);
            out.push(arg as u8);
        }
        0x100..=0xffff => {
            out.push(mt | 25);
            out.extend_from_slice(&(arg as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(mt | 26);
            out.extend_from_slice(&(arg as u32).to_be_bytes());
        }
        _ => {
            out.push(mt | 27);
            out.extend_from_slice(&arg.to_be_bytes());
        }
    }
}

fn encode_into(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Unsigned(n) => head(0, *n, out),
        Value::Negative(n) => head(1, *n, out),
        Value::Bytes(b) => {
            head(2, b.len() as u64, out);
            out.extend_from_slice(b);
        }
        Value::Text(s) => {
            head(3, s.len() as u64, out);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Array(items) => {
            head(4, items.len() as u64, out);
            for item in items {
                encode_into(item, out);
            }
        }
        Value::Map(entries) => {
            // Sort by encoded key (RFC 8949 §4.2.1); only keys need encoding
            // up front, values are written in place.
            let mut keyed: Vec<(Vec<u8>, &Value)> =
                entries.iter().map(|(k, v)| (k.to_bytes(), v)).collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            keyed.dedup_by(|a, b| a.0 == b.0);
            head(5, keyed.len() as u64, out);
            for (k, v) in keyed {
                out.extend_from_slice(&k);
                encode_into(v, out);
            }
        }
        Value::Tag(tag, inner) => {
            head(6, *tag, out);
            encode_into(inner, out);
        }
        Value::Bool(false) => out.push(0xf4),
        Value::Bool(true) => out.push(0xf5),
        Value::Null => out.push(0xf6),
    }
}

/// Decodes exactly one deterministic CBOR item spanning all of `bytes`.
///
/// # Errors
/// Any deviation from deterministic encoding, truncation, trailing data,
/// unsupported types or excessive nesting gives a [`CborError`].
pub fn decode(bytes: &[u8]) -> Result<Value, CborError> {
    let mut reader = Reader { bytes, pos: 0 };
    let value = reader.item(0)?;
    if reader.pos != bytes.len() {
        return Err(CborError::TrailingBytes {
            offset: reader.pos,
            count: bytes.len() - reader.pos,
        });
    }
    Ok(value)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], CborError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(CborError::Truncated { offset: self.pos })?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn byte(&mut self) -> Result<u8, CborError> {
        Ok(self.take(1)?[0])
    }

    /// Reads a head's argument, refusing non-shortest forms.
    fn argument(&mut self, info: u8, offset: usize) -> Result<u64, CborError> {
        let (value, min) = match info {
            0..=23 => return Ok(u64::from(info)),
            24 => (u64::from(self.byte()?), 24),
            25 => {
                let b = self.take(2)?;
                (u64::from(u16::from_be_bytes([b[0], b[1]])), 0x100)
            }
            26 => {
                let b = self.take(4)?;
                (
                    u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])),
                    0x1_0000,
                )
            }
            27 => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                (u64::from_be_bytes(a), 0x1_0000_0000)
            }
            _ => return Err(CborError::NonCanonical { offset }),
        };
        if value < min {
            return Err(CborError::NonCanonical { offset });
        }
        Ok(value)
    }

    /// A length that must fit in the remaining input (each element needs ≥ 1 byte).
    fn length(&mut self, info: u8, offset: usize) -> Result<usize, CborError> {
        let n = self.argument(info, offset)?;
        let remaining = self.bytes.len() - self.pos;
        usize::try_from(n)
            .ok()
            .filter(|n| *n <= remaining)
            .ok_or(CborError::Truncated { offset })
    }

    fn item(&mut self, depth: usize) -> Result<Value, CborError> {
        let offset = self.pos;
        if depth > MAX_DEPTH {
            return Err(CborError::TooDeep { offset });
        }
        let initial = self.byte()?;
        let major = initial >> 5;
        let info = initial & 0x1f;
        match major {
            0 => Ok(Value::Unsigned(self.argument(info, offset)?)),
            1 => Ok(Value::Negative(self.argument(info, offset)?)),
            2 => {
                let n = self.length(info, offset)?;
                Ok(Value::Bytes(self.take(n)?.to_vec()))
            }
            3 => {
                let n = self.length(info, offset)?;
                let raw = self.take(n)?;
                let text =
                    std::str::from_utf8(raw).map_err(|_| CborError::InvalidUtf8 { offset })?;
                Ok(Value::Text(text.to_owned()))
            }
            4 => {
                let n = self.length(info, offset)?;
                let mut items = Vec::with_capacity(n.min(PREALLOCATE_MAX));
                for _ in 0..n {
                    items.push(self.item(depth + 1)?);
                }
                Ok(Value::Array(items))
            }
            5 => {
                let n = self.length(info, offset)?;
                let mut entries = Vec::with_capacity(n.min(PREALLOCATE_MAX));
                let mut previous: Option<&[u8]> = None;
                for _ in 0..n {
                    let key_start = self.pos;
                    let key = self.item(depth + 1)?;
                    let key_bytes = &self.bytes[key_start..self.pos];
                    if previous.is_some_and(|p| p >= key_bytes) {
                        return Err(CborError::MapKeysOutOfOrder { offset: key_start });
                    }
                    previous = Some(key_bytes);
                    let value = self.item(depth + 1)?;
                    entries.push((key, value));
                }
                Ok(Value::Map(entries))
            }
            6 => {
                let tag = self.argument(info, offset)?;
                let inner = self.item(depth + 1)?;
                Ok(Value::Tag(tag, Box::new(inner)))
            }
            _ => match info {
                20 => Ok(Value::Bool(false)),
                21 => Ok(Value::Bool(true)),
                22 => Ok(Value::Null),
                _ => Err(CborError::Unsupported { offset }),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(v: &Value) -> String {
        hex::encode(v.to_bytes())
    }

    #[test]
    fn rfc8949_appendix_a_examples() {
        assert_eq!(hex(&Value::int(0)), "00");
        assert_eq!(hex(&Value::int(23)), "17");
        assert_eq!(hex(&Value::int(24)), "1818");
        assert_eq!(hex(&Value::int(1000)), "1903e8");
        assert_eq!(hex(&Value::int(1_000_000)), "1a000f4240");
        assert_eq!(hex(&Value::int(-1)), "20");
        assert_eq!(hex(&Value::int(-1000)), "3903e7");
        assert_eq!(hex(&Value::text("IETF")), "6449455446");
        assert_eq!(hex(&Value::Null), "f6");
    }

    #[test]
    fn map_keys_are_sorted_by_encoding() {
        let map = Value::Map(vec![
            (Value::int(-1), Value::int(1)),
            (Value::int(10), Value::int(2)),
            (Value::int(1), Value::int(3)),
        ]);
        // 01 < 0a < 20
        assert_eq!(hex(&map), "a301030a022001");
    }

    #[test]
    fn non_shortest_forms_are_refused() {
        for bad in [
            "1817",
            "190017",
            "1a00000017",
            "1b0000000000000017",
            "5f",
            "9f",
            "bf",
        ] {
            let bytes = hex::decode(bad).unwrap();
            assert!(
                matches!(decode(&bytes), Err(CborError::NonCanonical { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn unsorted_or_duplicate_keys_are_refused() {
        for bad in ["a2020101 01", "a201010101"] {
            let bytes = hex::decode(bad.replace(' ', "")).unwrap();
            assert!(matches!(
                decode(&bytes),
                Err(CborError::MapKeysOutOfOrder { .. })
            ));
        }
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn other_failures_are_typed() {
        let cases: [(&str, fn(&CborError) -> bool); 5] = [
            ("0000", |e| matches!(e, CborError::TrailingBytes { .. })),
            ("59ffff00", |e| matches!(e, CborError::Truncated { .. })),
            ("62c328", |e| matches!(e, CborError::InvalidUtf8 { .. })),
            ("f93c00", |e| matches!(e, CborError::Unsupported { .. })),
            ("f7", |e| matches!(e, CborError::Unsupported { .. })),
        ];
        for (bad, check) in cases {
            let err = decode(&hex::decode(bad).unwrap()).unwrap_err();
            assert!(check(&err), "{bad}: {err:?}");
        }
        let deep = [vec![0x81u8; 40], vec![0]].concat();
        assert!(matches!(decode(&deep), Err(CborError::TooDeep { .. })));
        assert!(matches!(decode(&[]), Err(CborError::Truncated { .. })));
    }

    #[test]
    fn claimed_lengths_never_reserve_memory_up_front() {
        // Fifteen nested maps each claiming 2^32 - 1 entries inside a 1 MiB
        // input: must fail, not try to reserve gigabytes first.
        let mut hostile = vec![0xd2];
        for _ in 0..15 {
            hostile.extend_from_slice(&[0xba, 0xff, 0xff, 0xff, 0xff, 0x00]);
        }
        hostile.resize(1 << 20, 0);
        assert!(decode(&hostile).is_err());
        let huge_array = [vec![0x9a, 0x00, 0x0f, 0xff, 0xff], vec![0; 1 << 20]].concat();
        assert!(decode(&huge_array).is_err());
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<u64>().prop_map(Value::Unsigned),
            any::<u64>().prop_map(Value::Negative),
            proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
            ".{0,20}".prop_map(Value::Text),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((inner.clone(), inner.clone()), 0..6)
                    .prop_map(Value::Map),
                (0u64..100_000, inner).prop_map(|(t, v)| Value::Tag(t, Box::new(v))),
            ]
        })
    }

    proptest! {
        #[test]
        fn encode_then_decode_is_identity_up_to_map_order(v in arb_value()) {
            let bytes = v.to_bytes();
            let decoded = decode(&bytes).unwrap();
            prop_assert_eq!(decoded.to_bytes(), bytes);
        }

        #[test]
        fn arbitrary_bytes_never_panic_and_accepted_input_is_canonical(
            bytes in proptest::collection::vec(any::<u8>(), 0..200)
        ) {
            if let Ok(v) = decode(&bytes) {
                prop_assert_eq!(v.to_bytes(), bytes);
            }
        }
    }
}
