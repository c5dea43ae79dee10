//! The trust list: which issuer keys a verifier accepts, for which period,
//! signed by a root key the verifier pins, versioned so it never goes back.

use thiserror::Error;

use crate::cbor::{self, Value};
use crate::cose::{self, Sign1, MAX_KID_LEN};
use crate::date::UnixTime;
use crate::error::FormatError;
use crate::keys::{PublicKey, SecretKey};

/// COSE `typ` of a signed trust list.
pub const TRUST_LIST_TYP: &str = "application/hawiya-trust-list+cwt";
const S: &str = "trust list";
/// Largest signed trust list accepted, in bytes (docs/FORMAT.md §10).
pub const MAX_TRUST_LIST_BYTES: usize = 1 << 20;

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
    /// An entry would not be read back: a key id empty or longer than 16
    /// bytes, an empty name or status address, or a validity window that
    /// ends before it starts.
    #[error("trust list entry {kid}: {problem}")]
    InvalidEntry {
        /// The entry's key id, in hex.
        kid: String,
        /// What is wrong with it.
        problem: &'static str,
    },
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
        for entry in &self.issuers {
            let problem = if entry.kid.is_empty() || entry.kid.len() > MAX_KID_LEN {
                "key id must be 1 to 16 bytes"
            } else if entry.name.is_empty() || entry.status_uri.is_empty() {
                "name and status address must not be empty"
            } else if entry.not_before > entry.not_after {
                "validity ends before it starts"
            } else {
                continue;
            };
            return Err(TrustListError::InvalidEntry {
                kid: hex(&entry.kid),
                problem,
            });
        }
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
    /// [`TrustListError::DuplicateKid`] if two entries share a key id,
    /// [`TrustListError::InvalidEntry`] for an entry verifiers would refuse.
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
        // Exactly alg and typ: no kid, no other parameter (docs/FORMAT.md §7).
        if sign1.protected != cose::protected_header(None, Some(TRUST_LIST_TYP)) {
            return Err(
                FormatError::field(S, "protected header (must be exactly alg and typ)").into(),
            );
        }
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
        if !map.has_exactly_keys(&[1, 2, 3]) {
            return Err(bad("payload (exactly version, issued_at and issuers)"));
        }
        let mut issuers = Vec::new();
        for e in map
            .map_get(3)
            .and_then(Value::as_array)
            .ok_or(bad("issuers"))?
        {
            if !e.has_exactly_keys(&[1, 2, 3, 4, 5, 6]) {
                return Err(bad(
                    "issuer entry (exactly kid, public key, name, status uri, not before, not after)",
                ));
            }
            let time = |k, f| {
                e.map_get(k)
                    .and_then(Value::as_i64)
                    .map(UnixTime)
                    .ok_or(bad(f))
            };
            let text = |k, f| {
                e.map_get(k)
                    .and_then(Value::as_text)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .ok_or(bad(f))
            };
            let entry = TrustedIssuer {
                kid: e
                    .map_get(1)
                    .and_then(Value::as_bytes)
                    .filter(|k| !k.is_empty() && k.len() <= MAX_KID_LEN)
                    .ok_or(bad("kid (1 to 16 bytes)"))?
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
            };
            if entry.not_before > entry.not_after {
                return Err(bad("validity (not before is after not after)"));
            }
            issuers.push(entry);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> SecretKey {
        SecretKey::from_bytes(&[1; 32])
    }

    fn entry(kid: &[u8]) -> Vec<(Value, Value)> {
        vec![
            (Value::int(1), Value::bytes(kid)),
            (
                Value::int(2),
                Value::bytes(SecretKey::from_bytes(&[2; 32]).public_key().as_bytes()),
            ),
            (Value::int(3), Value::text("Authority")),
            (Value::int(4), Value::text("https://status.example/1")),
            (Value::int(5), Value::int(0)),
            (Value::int(6), Value::int(2_000_000_000)),
        ]
    }

    fn payload(entries: Vec<Vec<(Value, Value)>>, extra: Option<(Value, Value)>) -> Vec<u8> {
        let mut map = vec![
            (Value::int(1), Value::Unsigned(3)),
            (Value::int(2), Value::int(1_700_000_000)),
            (
                Value::int(3),
                Value::Array(entries.into_iter().map(Value::Map).collect()),
            ),
        ];
        map.extend(extra);
        Value::Map(map).to_bytes()
    }

    fn signed(protected: Vec<u8>, payload: Vec<u8>) -> Vec<u8> {
        Sign1::sign(protected, payload, &root()).to_bytes()
    }

    fn read(bytes: &[u8]) -> Result<TrustList, TrustListError> {
        TrustList::from_signed(bytes, &root().public_key())
    }

    #[test]
    fn trust_lists_are_closed_like_presentations() {
        let header = || cose::protected_header(None, Some(TRUST_LIST_TYP));
        let good = signed(header(), payload(vec![entry(b"\x01")], None));
        let list = read(&good).unwrap();
        assert_eq!(list.version, 3);
        assert_eq!(list.issuers[0].kid, b"\x01");
        // The same list signed by `sign` has the same bytes.
        assert_eq!(list.sign(&root()).unwrap(), good);

        let mut extra_entry_key = entry(b"\x01");
        extra_entry_key.push((Value::int(7), Value::Unsigned(0)));
        let mut missing_entry_key = entry(b"\x01");
        missing_entry_key.pop();
        let mut inverted = entry(b"\x01");
        inverted[4].1 = Value::int(2_000_000_001);
        let mut empty_name = entry(b"\x01");
        empty_name[2].1 = Value::text("");
        let bad_payloads = [
            (
                "an extra payload key",
                payload(
                    vec![entry(b"\x01")],
                    Some((Value::int(4), Value::Unsigned(0))),
                ),
            ),
            (
                "a text payload key",
                payload(
                    vec![entry(b"\x01")],
                    Some((Value::text("x"), Value::Unsigned(0))),
                ),
            ),
            ("an extra entry key", payload(vec![extra_entry_key], None)),
            (
                "a missing entry key",
                payload(vec![missing_entry_key], None),
            ),
            ("an empty kid", payload(vec![entry(b"")], None)),
            ("a 17-byte kid", payload(vec![entry(&[7; 17])], None)),
            ("an inverted validity", payload(vec![inverted], None)),
            ("an empty name", payload(vec![empty_name], None)),
        ];
        for (what, bad) in bad_payloads {
            assert!(
                matches!(read(&signed(header(), bad)), Err(TrustListError::Format(_))),
                "{what} was accepted"
            );
        }
        // A 16-byte kid is the longest accepted.
        assert!(read(&signed(header(), payload(vec![entry(&[7; 16])], None))).is_ok());
        // Any protected parameter beyond alg and typ.
        for header in [
            cose::protected_header(Some(b"\x01"), Some(TRUST_LIST_TYP)),
            Value::Map(vec![
                (Value::int(1), Value::int(-8)),
                (Value::int(3), Value::text("application/cbor")),
                (Value::int(16), Value::text(TRUST_LIST_TYP)),
            ])
            .to_bytes(),
        ] {
            let bytes = signed(header, payload(vec![entry(b"\x01")], None));
            assert!(matches!(read(&bytes), Err(TrustListError::Format(_))));
        }
    }

    #[test]
    fn issued_at_is_informational_and_never_compared_with_a_clock() {
        // docs/FORMAT.md §7: lists are ordered by version alone; a list
        // dated in the far future reads like any other.
        let mut map = cbor::decode(&payload(vec![entry(b"\x01")], None))
            .unwrap()
            .as_map()
            .unwrap()
            .to_vec();
        map[1].1 = Value::int(i64::MAX);
        let list = read(&signed(
            cose::protected_header(None, Some(TRUST_LIST_TYP)),
            Value::Map(map).to_bytes(),
        ))
        .unwrap();
        assert_eq!(list.issued_at, UnixTime(i64::MAX));
        assert!(list.check_not_older_than(3).is_ok());
        assert!(matches!(
            list.check_not_older_than(4),
            Err(TrustListError::Rollback { .. })
        ));
    }

    #[test]
    fn signing_refuses_entries_verifiers_would_refuse() {
        let good = read(&signed(
            cose::protected_header(None, Some(TRUST_LIST_TYP)),
            payload(vec![entry(b"\x01")], None),
        ))
        .unwrap();
        type Spoil = fn(&mut TrustedIssuer);
        let spoils: [Spoil; 4] = [
            |e| e.kid.clear(),
            |e| e.kid = vec![1; 17],
            |e| e.name.clear(),
            |e| e.not_after = UnixTime(e.not_before.0 - 1),
        ];
        for spoil in spoils {
            let mut list = good.clone();
            spoil(&mut list.issuers[0]);
            assert!(matches!(
                list.sign(&root()),
                Err(TrustListError::InvalidEntry { .. })
            ));
        }
    }
}
