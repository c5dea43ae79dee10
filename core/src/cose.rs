//! COSE_Sign1 (RFC 9052) with EdDSA over Ed25519: the signed envelope of
//! credentials, trust lists and status lists.

use crate::cbor::{self, Value};
use crate::error::FormatError;
use crate::keys::{PublicKey, SecretKey, SIGNATURE_LEN};

/// COSE algorithm identifier for EdDSA.
pub(crate) const ALG_EDDSA: i64 = -8;
/// CBOR tag of a COSE_Sign1 message.
pub(crate) const TAG_SIGN1: u64 = 18;
/// COSE header labels.
const HDR_ALG: i64 = 1;
const HDR_KID: i64 = 4;

/// Longest key id (`kid`) accepted, in bytes. Short ids keep QR codes small.
pub const MAX_KID_LEN: usize = 16;
const HDR_TYP: i64 = 16;

/// The encoded protected header `{1: -8, ?4: kid, ?16: typ}`.
pub(crate) fn protected_header(kid: Option<&[u8]>, typ: Option<&str>) -> Vec<u8> {
    let mut map = vec![(Value::int(HDR_ALG), Value::int(ALG_EDDSA))];
    if let Some(kid) = kid {
        map.push((Value::int(HDR_KID), Value::bytes(kid)));
    }
    if let Some(typ) = typ {
        map.push((Value::int(HDR_TYP), Value::text(typ)));
    }
    Value::Map(map).to_bytes()
}

/// The bytes an Ed25519 key signs: `["Signature1", protected, h'', payload]`.
pub(crate) fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + protected.len() + 24);
    cbor::array_head(4, &mut out);
    Value::text("Signature1").encode_into(&mut out);
    cbor::bytes_into(protected, &mut out);
    cbor::bytes_into(&[], &mut out);
    cbor::bytes_into(payload, &mut out);
    out
}

/// A parsed COSE_Sign1 message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sign1 {
    /// Encoded protected header.
    pub protected: Vec<u8>,
    /// Payload bytes.
    pub payload: Vec<u8>,
    /// Ed25519 signature.
    pub signature: [u8; SIGNATURE_LEN],
}

impl Sign1 {
    /// Signs `payload` under `protected`.
    pub fn sign(protected: Vec<u8>, payload: Vec<u8>, key: &SecretKey) -> Sign1 {
        let signature = key.sign(&sig_structure(&protected, &payload));
        Sign1 {
            protected,
            payload,
            signature,
        }
    }

    /// The tagged COSE_Sign1 encoding with an empty unprotected header.
    pub fn to_bytes(&self) -> Vec<u8> {
        Value::Tag(
            TAG_SIGN1,
            Box::new(Value::Array(vec![
                Value::bytes(&self.protected),
                Value::Map(vec![]),
                Value::bytes(&self.payload),
                Value::bytes(&self.signature),
            ])),
        )
        .to_bytes()
    }

    /// Reads a tagged COSE_Sign1, checking the algorithm is EdDSA and, when
    /// `typ` is given, that the protected header names it.
    pub fn from_bytes(
        bytes: &[u8],
        structure: &'static str,
        typ: Option<&str>,
    ) -> Result<Sign1, FormatError> {
        let bad = |field| FormatError::field(structure, field);
        let value = cbor::decode(bytes)?;
        let Value::Tag(TAG_SIGN1, inner) = value else {
            return Err(bad("COSE_Sign1 tag 18"));
        };
        let [protected, unprotected, payload, signature] =
            inner.as_array().ok_or(bad("COSE_Sign1 array"))?
        else {
            return Err(bad("COSE_Sign1 array"));
        };
        let protected = protected
            .as_bytes()
            .ok_or(bad("protected header"))?
            .to_vec();
        // hawiya puts every header in the protected bucket; an unprotected
        // entry would give the same message a second encoding.
        if unprotected.as_map().is_none_or(|m| !m.is_empty()) {
            return Err(bad("unprotected header (must be empty)"));
        }
        let payload = payload.as_bytes().ok_or(bad("payload"))?.to_vec();
        let signature: [u8; SIGNATURE_LEN] = signature
            .as_bytes()
            .and_then(|s| s.try_into().ok())
            .ok_or(bad("signature"))?;
        let header = cbor::decode(&protected)?;
        if header.map_get(HDR_ALG).and_then(Value::as_i64) != Some(ALG_EDDSA) {
            return Err(bad("alg (must be EdDSA, -8)"));
        }
        if let Some(typ) = typ {
            if header.map_get(HDR_TYP).and_then(Value::as_text) != Some(typ) {
                return Err(bad("typ"));
            }
        }
        Ok(Sign1 {
            protected,
            payload,
            signature,
        })
    }

    /// The key id in the protected header, if any.
    pub fn kid(&self) -> Option<Vec<u8>> {
        let header = cbor::decode(&self.protected).ok()?;
        header.map_get(HDR_KID)?.as_bytes().map(<[u8]>::to_vec)
    }

    /// Checks the signature with `key`.
    pub fn verify(&self, key: &PublicKey) -> bool {
        key.verify(
            &sig_structure(&self.protected, &self.payload),
            &self.signature,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_encode_decode_verify() {
        let key = SecretKey::from_bytes(&[1u8; 32]);
        let msg = Sign1::sign(
            protected_header(Some(b"k1"), Some("x")),
            b"payload".to_vec(),
            &key,
        );
        let bytes = msg.to_bytes();
        let back = Sign1::from_bytes(&bytes, "test", Some("x")).unwrap();
        assert_eq!(back, msg);
        assert!(back.verify(&key.public_key()));
        assert_eq!(back.kid(), Some(b"k1".to_vec()));
        assert!(Sign1::from_bytes(&bytes, "test", Some("y")).is_err());
        // A non-empty unprotected header is refused: one message, one encoding.
        let mut with_header = bytes.clone();
        let at = with_header.iter().position(|b| *b == 0xa0).unwrap();
        with_header.splice(at..=at, [0xa1, 0x04, 0x41, 0x7a]);
        let err = Sign1::from_bytes(&with_header, "test", Some("x")).unwrap_err();
        assert!(err.to_string().contains("unprotected header"), "{err}");
        let other = SecretKey::from_bytes(&[2u8; 32]);
        assert!(!back.verify(&other.public_key()));
    }
}
