//! Fixtures shared by the fuzz targets: the root key, the issuer and the
//! trust list the verifier and status-list targets check against, plus a
//! COSE_Sign1 signer so the targets can wrap fuzz input as a correctly signed
//! payload and reach the parsers behind the signature checks.

use std::sync::LazyLock;

use hawiya_core::internal::CborValue;
use hawiya_core::{Issuer, PublicKey, SecretKey, TrustList, UnixTime};

/// The issuer's key id.
pub const KID: &[u8] = b"\x01";
/// The issuer's status list address.
pub const STATUS_URI: &str = "https://status.example/1";
/// "Now" for the verifier target: 2024-01-10T00:01:40Z.
pub const NOW: UnixTime = UnixTime(1_704_844_900);

/// The root key that signs the trust list.
pub fn root_key() -> SecretKey {
    SecretKey::from_bytes(&[1; 32])
}

/// The issuer's signing key.
pub fn issuer_key() -> SecretKey {
    SecretKey::from_bytes(&[2; 32])
}

/// The root public key a verifier pins.
pub static ROOT_PUBLIC: LazyLock<PublicKey> = LazyLock::new(|| root_key().public_key());

/// The trust list: one issuer, valid from 1970 to 2096.
pub static TRUST: LazyLock<TrustList> = LazyLock::new(|| {
    let issuer = match Issuer::new(issuer_key(), KID, "Test Issuer", STATUS_URI) {
        Ok(issuer) => issuer,
        Err(e) => panic!("fixture issuer: {e}"),
    };
    TrustList {
        version: 1,
        issued_at: UnixTime(0),
        issuers: vec![issuer.trust_entry(UnixTime(0), UnixTime(4_000_000_000))],
    }
});

/// The encoded protected header `{1: -8, ?4: kid, ?16: typ}`.
pub fn protected_header(kid: Option<&[u8]>, typ: &str) -> Vec<u8> {
    let mut map = vec![(CborValue::Unsigned(1), CborValue::Negative(7))];
    if let Some(kid) = kid {
        map.push((CborValue::Unsigned(4), CborValue::Bytes(kid.to_vec())));
    }
    map.push((CborValue::Unsigned(16), CborValue::Text(typ.to_owned())));
    CborValue::Map(map).to_bytes()
}

/// A tagged COSE_Sign1 `[protected, {}, payload, signature]` signed by `key`.
pub fn sign1(protected: &[u8], payload: &[u8], key: &SecretKey) -> Vec<u8> {
    let to_sign = CborValue::Array(vec![
        CborValue::Text("Signature1".to_owned()),
        CborValue::Bytes(protected.to_vec()),
        CborValue::Bytes(Vec::new()),
        CborValue::Bytes(payload.to_vec()),
    ])
    .to_bytes();
    let signature = key.sign(&to_sign);
    CborValue::Tag(
        18,
        Box::new(CborValue::Array(vec![
            CborValue::Bytes(protected.to_vec()),
            CborValue::Map(Vec::new()),
            CborValue::Bytes(payload.to_vec()),
            CborValue::Bytes(signature.to_vec()),
        ])),
    )
    .to_bytes()
}
