//! Revocation: a Token Status List (IETF OAuth draft) with one bit per
//! credential, zlib-compressed, signed by the issuer, with a time to live.

use miniz_oxide::deflate::compress_to_vec_zlib;
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;
use thiserror::Error;

use crate::cbor::{self, Value};
use crate::cose::{self, Sign1, MAX_KID_LEN};
use crate::date::UnixTime;
use crate::error::FormatError;
use crate::keys::SecretKey;
use crate::trust_list::TrustList;

/// COSE `typ` of a status list token, as the draft registers it.
pub const STATUS_LIST_TYP: &str = "application/statuslist+cwt";
const S: &str = "status list";
const CWT_SUB: i64 = 2;
const CWT_EXP: i64 = 4;
const CWT_IAT: i64 = 6;
const CWT_STATUS_LIST: i64 = 65533;
const CWT_TTL: i64 = 65534;
/// Largest list accepted: 2^27 credentials (16 MiB of bits) after inflation.
pub const MAX_STATUS_LIST_BYTES: usize = 16 << 20;
/// Largest signed status list token accepted, in bytes.
pub const MAX_SIGNED_STATUS_LIST_BYTES: usize = 16 << 20;

/// One status bit per credential: 0 valid, 1 invalid (revoked or superseded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusList {
    bits: Vec<u8>,
}

/// Why a status list operation failed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum StatusListError {
    /// The bytes are not a status list token.
    #[error("not a status list: {0}")]
    Format(#[from] FormatError),
    /// The index is beyond the list.
    #[error("status index {index} is beyond the list of {capacity} entries")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// How many entries the list has.
        capacity: u64,
    },
    /// Signed by a key the trust list does not have.
    #[error("status list is signed by a key not in the trust list")]
    UnknownIssuerKey,
    /// Signed at a time outside the signing key's validity in the trust list.
    #[error(
        "status list was signed outside its key's validity period in the trust list; refusing it"
    )]
    KeyNotValid,
    /// The signature does not verify.
    #[error("status list signature does not verify; fetch it again from the issuer")]
    Signature,
    /// The list's address is not the one the trust list gives its issuer.
    #[error("status list address does not match the trust list entry of its signing key")]
    WrongAddress,
}

impl StatusList {
    /// A list of `capacity` entries (rounded up to whole bytes), all valid.
    pub fn new(capacity: u64) -> StatusList {
        let bytes = usize::try_from(capacity.div_ceil(8))
            .unwrap_or(MAX_STATUS_LIST_BYTES)
            .min(MAX_STATUS_LIST_BYTES);
        StatusList {
            bits: vec![0; bytes],
        }
    }

    /// How many entries the list holds.
    pub fn capacity(&self) -> u64 {
        self.bits.len() as u64 * 8
    }

    fn locate(&self, index: u64) -> Result<(usize, u8), StatusListError> {
        usize::try_from(index / 8)
            .ok()
            .filter(|byte| *byte < self.bits.len())
            .map(|byte| (byte, 1u8 << (index % 8)))
            .ok_or(StatusListError::IndexOutOfRange {
                index,
                capacity: self.capacity(),
            })
    }

    /// Marks a credential invalid (revoked or superseded). Never undone.
    ///
    /// # Errors
    /// [`StatusListError::IndexOutOfRange`] beyond the list.
    pub fn set_invalid(&mut self, index: u64) -> Result<(), StatusListError> {
        let (byte, mask) = self.locate(index)?;
        self.bits[byte] |= mask;
        Ok(())
    }

    /// Whether a credential is marked invalid.
    ///
    /// # Errors
    /// [`StatusListError::IndexOutOfRange`] beyond the list.
    pub fn is_invalid(&self, index: u64) -> Result<bool, StatusListError> {
        let (byte, mask) = self.locate(index)?;
        Ok(self.bits[byte] & mask != 0)
    }

    /// The raw bit array (least significant bit first), for issuer storage.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bits
    }

    /// A list from a raw bit array.
    ///
    /// # Errors
    /// [`FormatError::TooLarge`] beyond 2^27 entries.
    pub fn from_raw(bits: Vec<u8>) -> Result<StatusList, StatusListError> {
        if bits.len() > MAX_STATUS_LIST_BYTES {
            return Err(FormatError::TooLarge {
                structure: S,
                limit: MAX_STATUS_LIST_BYTES,
            }
            .into());
        }
        Ok(StatusList { bits })
    }
}

/// A status list as signed and published by an issuer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedStatusList {
    /// Address of the list (CWT `sub`); credentials point to it.
    pub uri: String,
    /// When it was signed.
    pub issued_at: UnixTime,
    /// Seconds after `issued_at` that the list may be cached.
    pub ttl: u64,
    /// The bits.
    pub list: StatusList,
}

impl SignedStatusList {
    /// Signs a status list token (COSE_Sign1 over a CWT).
    pub fn sign(&self, issuer_key: &SecretKey, kid: &[u8]) -> Vec<u8> {
        let compressed = compress_to_vec_zlib(&self.list.bits, 9);
        let ttl = i64::try_from(self.ttl).unwrap_or(i64::MAX);
        let payload = Value::Map(vec![
            (Value::int(CWT_SUB), Value::text(&self.uri)),
            (Value::int(CWT_IAT), Value::int(self.issued_at.0)),
            (
                Value::int(CWT_EXP),
                Value::int(self.issued_at.0.saturating_add(ttl)),
            ),
            (Value::int(CWT_TTL), Value::Unsigned(self.ttl)),
            (
                Value::int(CWT_STATUS_LIST),
                Value::Map(vec![
                    (Value::text("bits"), Value::Unsigned(1)),
                    (Value::text("lst"), Value::Bytes(compressed)),
                ]),
            ),
        ])
        .to_bytes();
        let protected = cose::protected_header(Some(kid), Some(STATUS_LIST_TYP));
        Sign1::sign(protected, payload, issuer_key).to_bytes()
    }

    /// Reads a status list token, checks it is signed by a trusted issuer key
    /// and that its address is that issuer's.
    ///
    /// # Errors
    /// [`StatusListError`] naming what is wrong.
    pub fn from_signed(
        bytes: &[u8],
        trust: &TrustList,
    ) -> Result<SignedStatusList, StatusListError> {
        if bytes.len() > MAX_SIGNED_STATUS_LIST_BYTES {
            return Err(FormatError::TooLarge {
                structure: S,
                limit: MAX_SIGNED_STATUS_LIST_BYTES,
            }
            .into());
        }
        let bad = |field| StatusListError::Format(FormatError::field(S, field));
        let sign1 = Sign1::from_bytes(bytes, S, Some(STATUS_LIST_TYP))?;
        let kid = sign1
            .kid()
            .filter(|k| !k.is_empty() && k.len() <= MAX_KID_LEN)
            .ok_or(bad("kid (1 to 16 bytes)"))?;
        // Exactly alg, kid and typ: no other parameter (docs/FORMAT.md §7).
        if sign1.protected != cose::protected_header(Some(&kid), Some(STATUS_LIST_TYP)) {
            return Err(bad("protected header (must be exactly alg, kid and typ)"));
        }
        let issuer = trust
            .issuer(&kid)
            .ok_or(StatusListError::UnknownIssuerKey)?;
        if !sign1.verify(&issuer.public_key) {
            return Err(StatusListError::Signature);
        }
        let map = cbor::decode(&sign1.payload).map_err(FormatError::from)?;
        if !map.has_exactly_keys(&[CWT_SUB, CWT_EXP, CWT_IAT, CWT_STATUS_LIST, CWT_TTL]) {
            return Err(bad("payload (exactly sub, exp, iat, status_list and ttl)"));
        }
        let uri = map
            .map_get(CWT_SUB)
            .and_then(Value::as_text)
            .ok_or(bad("sub"))?
            .to_owned();
        if uri != issuer.status_uri {
            return Err(StatusListError::WrongAddress);
        }
        let issued_at = map
            .map_get(CWT_IAT)
            .and_then(Value::as_i64)
            .map(UnixTime)
            .ok_or(bad("iat"))?;
        let ttl = map
            .map_get(CWT_TTL)
            .and_then(Value::as_u64)
            .ok_or(bad("ttl"))?;
        let expected_exp = i64::try_from(ttl)
            .ok()
            .and_then(|t| issued_at.0.checked_add(t));
        if map.map_get(CWT_EXP).and_then(Value::as_i64) != expected_exp {
            return Err(bad("exp (must be iat + ttl)"));
        }
        // A retired or not-yet-valid key must not speak for the issuer: it
        // could otherwise publish a newer list that clears revocations.
        if issued_at < issuer.not_before || issued_at > issuer.not_after {
            return Err(StatusListError::KeyNotValid);
        }
        // Exactly {"bits": 1, "lst": bstr}; encoded, "lst" sorts first (a
        // shorter head).
        let Some([(Value::Text(lst_key), lst), (Value::Text(bits_key), bits)]) =
            map.map_get(CWT_STATUS_LIST).and_then(Value::as_map)
        else {
            return Err(bad("status_list (exactly bits and lst)"));
        };
        if bits_key != "bits" || lst_key != "lst" {
            return Err(bad("status_list (exactly bits and lst)"));
        }
        if bits.as_u64() != Some(1) {
            return Err(bad("bits (only 1 bit per entry is supported)"));
        }
        let compressed = lst.as_bytes().ok_or(bad("lst"))?;
        let bits = inflate_zlib_exact(compressed, MAX_STATUS_LIST_BYTES).ok_or(bad(
            "lst (one zlib stream, nothing after it, at most 16 MiB inflated)",
        ))?;
        Ok(SignedStatusList {
            uri,
            issued_at,
            ttl,
            list: StatusList { bits },
        })
    }
}

/// Inflates one zlib stream (RFC 1950, checksum checked) that must span all
/// of `input`: bytes after the stream's end make it invalid, so one list has
/// one encoding. `None` if it is not such a stream or inflates past `limit`.
fn inflate_zlib_exact(input: &[u8], limit: usize) -> Option<Vec<u8>> {
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let mut out = vec![0; input.len().saturating_mul(4).clamp(64, limit)];
    let mut state = Box::<DecompressorOxide>::default();
    let (mut in_pos, mut out_pos) = (0, 0);
    loop {
        let (status, consumed, written) =
            decompress(&mut state, input.get(in_pos..)?, &mut out, out_pos, flags);
        in_pos += consumed;
        out_pos += written;
        match status {
            TINFLStatus::Done => {
                out.truncate(out_pos);
                return (in_pos == input.len()).then_some(out);
            }
            TINFLStatus::HasMoreOutput if out.len() < limit => {
                let grown = out.len().saturating_mul(2).min(limit);
                out.resize(grown, 0);
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_least_significant_first() {
        let mut list = StatusList::new(16);
        list.set_invalid(0).unwrap();
        list.set_invalid(9).unwrap();
        assert_eq!(list.as_bytes(), &[0b0000_0001, 0b0000_0010]);
        assert!(list.is_invalid(9).unwrap());
        assert!(!list.is_invalid(8).unwrap());
        assert!(matches!(
            list.set_invalid(16),
            Err(StatusListError::IndexOutOfRange { .. })
        ));
        assert!(list.is_invalid(u64::MAX).is_err());
    }

    #[test]
    fn a_million_entries_compress_small() {
        let mut list = StatusList::new(1 << 20);
        for i in (0..1 << 20).step_by(1000) {
            list.set_invalid(i).unwrap();
        }
        let compressed = compress_to_vec_zlib(list.as_bytes(), 9);
        assert!(compressed.len() < 8 * 1024, "{}", compressed.len());
    }

    use crate::trust_list::TrustedIssuer;

    const URI: &str = "https://status.example/1";

    fn issuer_key() -> SecretKey {
        SecretKey::from_bytes(&[2; 32])
    }

    fn trust() -> TrustList {
        TrustList {
            version: 1,
            issued_at: UnixTime(0),
            issuers: vec![TrustedIssuer {
                kid: vec![1],
                public_key: issuer_key().public_key(),
                name: "Authority".into(),
                status_uri: URI.into(),
                not_before: UnixTime(0),
                not_after: UnixTime(2_000_000_000),
            }],
        }
    }

    /// A status list payload with `lst` as given and `extra` entries added
    /// to the payload and to the status_list map.
    fn payload(lst: Vec<u8>, extra: Option<(Value, Value)>, inner_extra: bool) -> Vec<u8> {
        let mut inner = vec![
            (Value::text("bits"), Value::Unsigned(1)),
            (Value::text("lst"), Value::Bytes(lst)),
        ];
        if inner_extra {
            inner.push((Value::text("aggregation_uri"), Value::text("x")));
        }
        let mut map = vec![
            (Value::int(CWT_SUB), Value::text(URI)),
            (Value::int(CWT_IAT), Value::int(1_700_000_000)),
            (Value::int(CWT_EXP), Value::int(1_700_086_400)),
            (Value::int(CWT_TTL), Value::Unsigned(86_400)),
            (Value::int(CWT_STATUS_LIST), Value::Map(inner)),
        ];
        map.extend(extra);
        Value::Map(map).to_bytes()
    }

    fn signed(protected: Vec<u8>, payload: Vec<u8>) -> Vec<u8> {
        Sign1::sign(protected, payload, &issuer_key()).to_bytes()
    }

    #[test]
    fn status_lists_are_closed_like_presentations() {
        let mut list = StatusList::new(64);
        list.set_invalid(7).unwrap();
        let lst = compress_to_vec_zlib(list.as_bytes(), 9);
        let header = |kid: &[u8]| cose::protected_header(Some(kid), Some(STATUS_LIST_TYP));
        let read = |bytes: &[u8]| SignedStatusList::from_signed(bytes, &trust());
        let good = signed(header(b"\x01"), payload(lst.clone(), None, false));
        let read_back = read(&good).unwrap();
        assert!(read_back.list.is_invalid(7).unwrap());
        // `sign` writes exactly these bytes.
        assert_eq!(read_back.sign(&issuer_key(), b"\x01"), good);

        let with_tail = [lst.as_slice(), &[0]].concat();
        let bad = [
            (
                "an extra payload key",
                signed(
                    header(b"\x01"),
                    payload(
                        lst.clone(),
                        Some((Value::int(1), Value::text("iss"))),
                        false,
                    ),
                ),
            ),
            (
                "an extra status_list key",
                signed(header(b"\x01"), payload(lst.clone(), None, true)),
            ),
            (
                "a byte after the zlib stream",
                signed(header(b"\x01"), payload(with_tail, None, false)),
            ),
            (
                "a truncated zlib stream",
                signed(
                    header(b"\x01"),
                    payload(lst[..lst.len() - 1].to_vec(), None, false),
                ),
            ),
            (
                "an empty kid",
                signed(header(b""), payload(lst.clone(), None, false)),
            ),
            (
                "a 17-byte kid",
                signed(header(&[1; 17]), payload(lst.clone(), None, false)),
            ),
            (
                "no kid",
                signed(
                    cose::protected_header(None, Some(STATUS_LIST_TYP)),
                    payload(lst.clone(), None, false),
                ),
            ),
            (
                "an extra protected parameter",
                signed(
                    Value::Map(vec![
                        (Value::int(1), Value::int(-8)),
                        (Value::int(3), Value::text("application/cbor")),
                        (Value::int(4), Value::bytes(b"\x01")),
                        (Value::int(16), Value::text(STATUS_LIST_TYP)),
                    ])
                    .to_bytes(),
                    payload(lst.clone(), None, false),
                ),
            ),
        ];
        for (what, bytes) in bad {
            assert!(
                matches!(read(&bytes), Err(StatusListError::Format(_))),
                "{what}: {:?}",
                read(&bytes)
            );
        }
    }

    #[test]
    fn inflation_stops_at_the_limit() {
        let zeros = compress_to_vec_zlib(&vec![0; 1 << 16], 9);
        assert_eq!(
            inflate_zlib_exact(&zeros, 1 << 16).map(|v| v.len()),
            Some(1 << 16)
        );
        assert_eq!(inflate_zlib_exact(&zeros, (1 << 16) - 1), None);
        assert_eq!(inflate_zlib_exact(&[], 64), None);
    }
}
