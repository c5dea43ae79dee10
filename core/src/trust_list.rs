//! The trust list: which issuer keys a verifier accepts, for which period,
//! signed by a root key the verifier pins, versioned so it never goes back.

use thiserror::Error;

use crate::cbor::{self, Value};
use crate::cose::{self, Sign1};
use crate::date::UnixTime;
use crate::error::FormatError;
use crate::keys::{PublicKey, SecretKey};

/// COSE `typ` of a signed trust list.
pub const TRUST_LIST_TYP: &str = "application/hawiya-trust-list+cwt";
const S: &str = "trust list";
const MAX_TRUST_LIST_BYTES: usize = 1 << 20;

/// One issuer key a verifier trusts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedIssuer {
    /// Key id, as in credential headers.
    pub kid: Vec<u8>,
    /// The issuer's Ed25519 public key.
    pub public_key: PublicKey,
    /// Issuer name; credentials carry it as `iss`.
    pub name: String,
    /// Address of this issuer's status list; credentials carry it.
    pub status_uri: String,
    /// First moment credentials signed with this key are accepted.
    pub not_before: UnixTime,
    /// Last moment credentials signed with this key are accepted.
    pub not_after: UnixTime,
}

/// A versioned list of trusted issuer keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustList {
    /// Monotonic version; verifiers refuse a list older than one they saw.
    pub version: u64,
    /// When the root signed the list.
    pub issued_at: UnixTime,
    /// The trusted keys.
    pub issuers: Vec<TrustedIssuer>,
}

/// Why a trust list was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TrustListError {
    /// Two entries share a key id.
    #[error("trust list lists key id {kid} twice; key ids must be unique")]
    DuplicateKid {
        /// The repeated key id, in hex.
        kid: String,
    },
    /// The bytes are not a trust list.
    #[error("not a hawiya trust list: {0}")]
    Format(#[from] FormatError),
    /// The list is older than one already accepted.
    #[error("trust list version {offered} is older than version {seen} already in use; refusing to roll back")]
    Rollback {
        /// The version offered.
        offered: u64,
        /// The newest version seen.
        seen: u64,
    },
    /// The root signature does not verify with the pinned root key.
    #[error("trust list signature does not verify with the pinned root key; get the list from your issuer again")]
    Signature,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl TrustList {
    /// The entry for a key id.
    pub fn issuer(&self, kid: &[u8]) -> Option<&TrustedIssuer> {
        self.issuers.iter().find(|i| i.kid == kid)
    }

    fn check_unique(&self) -> Result<(), TrustListError> {
        for (i, a) in self.issuers.iter().enumerate() {
            if self.issuers[..i].iter().any(|b| b.kid == a.kid) {
                return Err(TrustListError::DuplicateKid { kid: hex(&a.kid) });
            }
        }
        Ok(())
    }

    /// Signs the list with the root key: a tagged COSE_Sign1.
    ///
    /// # Errors
    /// [`TrustListError::DuplicateKid`] if two entries share a key id.
    pub fn sign(&self, root: &SecretKey) -> Result<Vec<u8>, TrustListError> {
        self.check_unique()?;
        let entries = self
            .issuers
            .iter()
            .map(|i| {
                Value::Map(vec![
                    (Value::int(1), Value::bytes(&i.kid)),
                    (Value::int(2), Value::bytes(i.public_key.as_bytes())),
                    (Value::int(3), Value::text(&i.name)),
                    (Value::int(4), Value::text(&i.status_uri)),
                    (Value::int(5), Value::int(i.not_before.0)),
                    (Value::int(6), Value::int(i.not_after.0)),
                ])
            })
            .collect();
        let payload = Value::Map(vec![
            (Value::int(1), Value::Unsigned(self.version)),
            (Value::int(2), Value::int(self.issued_at.0)),
            (Value::int(3), Value::Array(entries)),
        ])
        .to_bytes();
        let protected = cose::protected_header(None, Some(TRUST_LIST_TYP));
        Ok(Sign1::sign(protected, payload, root).to_bytes())
    }

    /// Reads a signed trust list and checks the root signature.
    ///
    /// # Errors
    /// [`TrustListError`] if the bytes are not a trust list, the signature is
    /// not the pinned root's, or key ids repeat.
    pub fn from_signed(bytes: &[u8], root: &PublicKey) -> Result<TrustList, TrustListError> {
        if bytes.len() > MAX_TRUST_LIST_BYTES {
            return Err(FormatError::TooLarge {
                structure: S,
                limit: MAX_TRUST_LIST_BYTES,
            }
            .into());
        }
        let sign1 = Sign1::from_bytes(bytes, S, Some(TRUST_LIST_TYP))?;
        if !sign1.verify(root) {
            return Err(TrustListError::Signature);
        }
        let list = Self::from_payload(&sign1.payload)?;
        list.check_unique()?;
        Ok(list)
    }

    fn from_payload(payload: &[u8]) -> Result<TrustList, FormatError> {
        let bad = |field| FormatError::field(S, field);
        let map = cbor::decode(payload)?;
        let mut issuers = Vec::new();
        for e in map
            .map_get(3)
            .and_then(Value::as_array)
            .ok_or(bad("issuers"))?
        {
            let time = |k, f| {
                e.map_get(k)
                    .and_then(Value::as_i64)
                    .map(UnixTime)
                    .ok_or(bad(f))
            };
            let text = |k, f| {
                e.map_get(k)
                    .and_then(Value::as_text)
                    .map(str::to_owned)
                    .ok_or(bad(f))
            };
            issuers.push(TrustedIssuer {
                kid: e
                    .map_get(1)
                    .and_then(Value::as_bytes)
                    .ok_or(bad("kid"))?
                    .to_vec(),
                public_key: e
                    .map_get(2)
                    .and_then(Value::as_bytes)
                    .and_then(|k| PublicKey::from_bytes(k).ok())
                    .ok_or(bad("public key"))?,
                name: text(3, "name")?,
                status_uri: text(4, "status uri")?,
                not_before: time(5, "not before")?,
                not_after: time(6, "not after")?,
            });
        }
        Ok(TrustList {
            version: map
                .map_get(1)
                .and_then(Value::as_u64)
                .ok_or(bad("version"))?,
            issued_at: map
                .map_get(2)
                .and_then(Value::as_i64)
                .map(UnixTime)
                .ok_or(bad("issued at"))?,
            issuers,
        })
    }

    /// Refuses this list if it is older than `seen_version`.
    ///
    /// # Errors
    /// [`TrustListError::Rollback`] when `self.version < seen_version`.
    pub fn check_not_older_than(&self, seen_version: u64) -> Result<(), TrustListError> {
        if self.version < seen_version {
            return Err(TrustListError::Rollback {
                offered: self.version,
                seen: seen_version,
            });
        }
        Ok(())
    }
}
