//! The plaintext inside sealed rows and the clear settings rows, each a small
//! deterministic CBOR array starting with its record version.

use std::collections::BTreeMap;

use zeroize::Zeroizing;

use hawiya_core::cbor::{self, Value};
use hawiya_core::Mode;
use hawiya_core::UnixTime;
use hawiya_core::{ClaimKey, DocumentType};

use super::passcode::{AttemptState, UnlockPolicy};
use super::seal::{INDEX_LEN, KEY_LEN};

const RECORD_VERSION: u64 = 1;

fn versioned(fields: Vec<Value>) -> Vec<u8> {
    let mut all = Vec::with_capacity(fields.len() + 1);
    all.push(Value::Unsigned(RECORD_VERSION));
    all.extend(fields);
    Value::Array(all).to_bytes()
}

/// Decodes a record and returns its fields after the version.
fn fields(bytes: &[u8]) -> Option<Vec<Value>> {
    let value = cbor::decode(bytes).ok()?;
    let Value::Array(mut items) = value else {
        return None;
    };
    if items.is_empty() || items[0].as_u64() != Some(RECORD_VERSION) {
        return None;
    }
    items.remove(0);
    Some(items)
}

fn time(v: &Value) -> Option<UnixTime> {
    v.as_i64().map(UnixTime)
}

/// A device key held by the wallet.
pub(crate) struct KeyRecord {
    /// The Ed25519 public key.
    pub public: [u8; 32],
    /// The secret key, or `None` for a platform (hardware) key the app signs with.
    pub secret: Option<Zeroizing<[u8; KEY_LEN]>>,
}

impl KeyRecord {
    pub(crate) fn encode(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(versioned(vec![
            Value::bytes(&self.public),
            self.secret
                .as_ref()
                .map_or(Value::Null, |s| Value::bytes(s.as_ref())),
        ]))
    }

    pub(crate) fn decode(bytes: &[u8]) -> Option<KeyRecord> {
        let mut items = fields(bytes)?;
        let record = KeyRecord::from_fields(&items);
        // The decoded CBOR held a copy of the secret: wipe it.
        if let Some(Value::Bytes(secret)) = items.get_mut(1) {
            zeroize::Zeroize::zeroize(secret);
        }
        record
    }

    fn from_fields(items: &[Value]) -> Option<KeyRecord> {
        let [public, secret] = items else {
            return None;
        };
        let public = public.as_bytes()?.try_into().ok()?;
        let secret = match secret {
            Value::Null => None,
            other => {
                let mut key = Zeroizing::new([0u8; KEY_LEN]);
                key.copy_from_slice(other.as_bytes().filter(|b| b.len() == KEY_LEN)?);
                Some(key)
            }
        };
        Some(KeyRecord { public, secret })
    }
}

/// A stored document: the holder's credential copy, when it was imported,
/// and the document's print credential (the printable card's) when the
/// wallet has one: `[1, held, imported_at, ? print]`. The print credential is
/// the same document and version; a renewal replaces the whole record.
pub(crate) struct DocumentRecord {
    /// `HeldCredential::to_bytes` of the phone-bound credential.
    pub held: Zeroizing<Vec<u8>>,
    /// When it was imported.
    pub imported_at: UnixTime,
    /// `HeldCredential::to_bytes` of the print-only credential, if any.
    pub print: Option<Zeroizing<Vec<u8>>>,
}

impl DocumentRecord {
    pub(crate) fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut items = vec![Value::bytes(&self.held), Value::int(self.imported_at.0)];
        // Absent rather than null, so records without one keep their bytes.
        items.extend(self.print.as_ref().map(|p| Value::bytes(p)));
        Zeroizing::new(versioned(items))
    }

    pub(crate) fn decode(bytes: &[u8]) -> Option<DocumentRecord> {
        let mut items = fields(bytes)?;
        let record = match items.as_slice() {
            [held, imported_at] => Some((held, imported_at, None)),
            [held, imported_at, print] => Some((held, imported_at, Some(print))),
            _ => None,
        }
        .and_then(|(held, imported_at, print)| {
            Some(DocumentRecord {
                held: Zeroizing::new(held.as_bytes()?.to_vec()),
                imported_at: time(imported_at)?,
                print: match print {
                    None => None,
                    Some(p) => Some(Zeroizing::new(p.as_bytes()?.to_vec())),
                },
            })
        });
        for item in &mut items {
            if let Value::Bytes(bytes) = item {
                zeroize::Zeroize::zeroize(bytes);
            }
        }
        record
    }
}

/// One recorded presentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// Position in the log (increasing).
    pub id: i64,
    /// The presented document's number.
    pub document_number: u64,
    /// Its type.
    pub document_type: DocumentType,
    /// The claims shown.
    pub disclosed: Vec<ClaimKey>,
    /// When it was made.
    pub at: UnixTime,
    /// Device-bound or static.
    pub mode: Mode,
}

impl LogEntry {
    pub(crate) fn encode(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(versioned(vec![
            Value::Unsigned(self.document_number),
            Value::Unsigned(self.document_type.code()),
            Value::Array(
                self.disclosed
                    .iter()
                    .map(|k| Value::Unsigned(k.code()))
                    .collect(),
            ),
            Value::int(self.at.0),
            Value::Unsigned(match self.mode {
                Mode::DeviceBound => 0,
                Mode::Static => 1,
            }),
        ]))
    }

    pub(crate) fn decode(id: i64, bytes: &[u8]) -> Option<LogEntry> {
        let items = fields(bytes)?;
        let [number, doc, disclosed, at, mode] = items.as_slice() else {
            return None;
        };
        let disclosed = disclosed
            .as_array()?
            .iter()
            .map(|v| v.as_u64().and_then(ClaimKey::from_code))
            .collect::<Option<Vec<_>>>()?;
        Some(LogEntry {
            id,
            document_number: number.as_u64()?,
            document_type: doc.as_u64().and_then(DocumentType::from_code)?,
            disclosed,
            at: time(at)?,
            mode: match mode.as_u64()? {
                0 => Mode::DeviceBound,
                1 => Mode::Static,
                _ => return None,
            },
        })
    }
}

/// The highest version ever stored for each document (by blind index), as
/// schemas 1 and 2 sealed it in `meta`; read once, when the first unlock after
/// the upgrade to schema 3 builds the manifest from it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Marks(pub BTreeMap<[u8; INDEX_LEN], u64>);

impl Marks {
    pub(crate) fn encode(&self) -> Vec<u8> {
        versioned(vec![Value::Map(
            self.0
                .iter()
                .map(|(id, v)| (Value::bytes(id), Value::Unsigned(*v)))
                .collect(),
        )])
    }

    pub(crate) fn decode(bytes: &[u8]) -> Option<Marks> {
        let items = fields(bytes)?;
        let [map] = items.as_slice() else {
            return None;
        };
        let mut marks = BTreeMap::new();
        for (k, v) in map.as_map()? {
            marks.insert(k.as_bytes()?.try_into().ok()?, v.as_u64()?);
        }
        Some(Marks(marks))
    }
}

/// Unlock attempts, kept in clear so they count before unlocking:
/// `[1, failures, last failure / null]`, followed by `unresolved, last begun /
/// null` when there is anything to say about unresolved attempts (files from
/// before schema 3 have only the first two fields).
pub(crate) fn encode_attempts(state: &AttemptState) -> Vec<u8> {
    let time_or_null = |t: Option<UnixTime>| t.map_or(Value::Null, |t| Value::int(t.0));
    let mut fields = vec![
        Value::Unsigned(u64::from(state.failures)),
        time_or_null(state.last_failure),
    ];
    if state.unresolved != 0 || state.last_begun.is_some() {
        fields.push(Value::Unsigned(u64::from(state.unresolved)));
        fields.push(time_or_null(state.last_begun));
    }
    versioned(fields)
}

pub(crate) fn decode_attempts(bytes: &[u8]) -> Option<AttemptState> {
    let items = fields(bytes)?;
    let time_or_null = |v: &Value| match v {
        Value::Null => Some(None),
        other => time(other).map(Some),
    };
    let count = |v: &Value| u32::try_from(v.as_u64()?).ok();
    let (failures, last, unresolved, begun) = match items.as_slice() {
        [failures, last] => (failures, last, None, None),
        // The long form only when it says something (one encoding per state).
        [_, _, Value::Unsigned(0), Value::Null] => return None,
        [failures, last, unresolved, begun] => (failures, last, Some(unresolved), Some(begun)),
        _ => return None,
    };
    Some(AttemptState {
        failures: count(failures)?,
        last_failure: time_or_null(last)?,
        unresolved: unresolved.map_or(Some(0), count)?,
        last_begun: match begun {
            Some(begun) => time_or_null(begun)?,
            None => None,
        },
    })
}

/// The app's unlock throttling settings.
pub(crate) fn encode_policy(policy: &UnlockPolicy) -> Vec<u8> {
    versioned(vec![
        Value::Unsigned(u64::from(policy.free_attempts)),
        Value::Unsigned(policy.base_delay_secs),
        Value::Unsigned(policy.max_delay_secs),
        Value::Unsigned(u64::from(policy.max_attempts)),
    ])
}

pub(crate) fn decode_policy(bytes: &[u8]) -> Option<UnlockPolicy> {
    let items = fields(bytes)?;
    let [free, base, max_delay, max_attempts] = items.as_slice() else {
        return None;
    };
    let policy = UnlockPolicy {
        free_attempts: u32::try_from(free.as_u64()?).ok()?,
        base_delay_secs: base.as_u64()?,
        max_delay_secs: max_delay.as_u64()?,
        max_attempts: u32::try_from(max_attempts.as_u64()?).ok()?,
    };
    policy.validate().ok()?;
    Some(policy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn log_entries_round_trip(number in any::<u64>(), at in any::<i64>(), codes in proptest::collection::btree_set(1u64..=14, 0..14), stat in any::<bool>()) {
            let entry = LogEntry {
                id: 7,
                document_number: number,
                document_type: DocumentType::ResidentPermit,
                disclosed: codes.into_iter().filter_map(ClaimKey::from_code).collect(),
                at: UnixTime(at),
                mode: if stat { Mode::Static } else { Mode::DeviceBound },
            };
            prop_assert_eq!(LogEntry::decode(7, &entry.encode()), Some(entry));
        }

        #[test]
        fn marks_round_trip(marks in proptest::collection::btree_map(any::<[u8; 16]>(), any::<u64>(), 0..20)) {
            let marks = Marks(marks);
            prop_assert_eq!(Marks::decode(&marks.encode()), Some(marks));
        }

        #[test]
        fn attempts_round_trip(
            failures in any::<u32>(),
            last in proptest::option::of(any::<i64>()),
            unresolved in prop_oneof![Just(0u32), any::<u32>()],
            begun in proptest::option::of(any::<i64>()),
        ) {
            let state = AttemptState {
                failures,
                last_failure: last.map(UnixTime),
                unresolved,
                last_begun: begun.map(UnixTime),
            };
            prop_assert_eq!(decode_attempts(&encode_attempts(&state)), Some(state));
        }

        #[test]
        fn documents_and_keys_round_trip(held in proptest::collection::vec(any::<u8>(), 0..300), at in any::<i64>(), print in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..300)), public in any::<[u8; 32]>(), secret in proptest::option::of(any::<[u8; 32]>())) {
            let doc = DocumentRecord { held: Zeroizing::new(held.clone()), imported_at: UnixTime(at), print: print.clone().map(Zeroizing::new) };
            let encoded = doc.encode();
            let back = DocumentRecord::decode(&encoded).unwrap();
            prop_assert_eq!(back.held.as_slice(), held.as_slice());
            prop_assert_eq!(back.imported_at, UnixTime(at));
            prop_assert_eq!(back.print.as_deref().map(|p| p.to_vec()), print.clone());
            let again = back.encode();
            prop_assert_eq!(again.as_slice(), encoded.as_slice());
            if print.is_none() {
                // A record without a print credential is the two-field record
                // wallets wrote before print credentials existed.
                let two_fields = versioned(vec![Value::bytes(&held), Value::int(at)]);
                prop_assert_eq!(encoded.as_slice(), two_fields.as_slice());
            }
            let key = KeyRecord { public, secret: secret.map(Zeroizing::new) };
            let back = KeyRecord::decode(&key.encode()).unwrap();
            prop_assert_eq!(back.public, public);
            prop_assert_eq!(back.secret.map(|s| *s), secret);
        }

        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = KeyRecord::decode(&bytes);
            let _ = DocumentRecord::decode(&bytes);
            let _ = LogEntry::decode(0, &bytes);
            let _ = Marks::decode(&bytes);
            let _ = decode_attempts(&bytes);
            let _ = decode_policy(&bytes);
        }
    }

    #[test]
    fn a_document_record_takes_only_bytes_as_its_print_credential() {
        for third in [Value::Null, Value::Unsigned(1), Value::text("print")] {
            let bytes = versioned(vec![Value::bytes(b"held"), Value::int(5), third.clone()]);
            assert!(DocumentRecord::decode(&bytes).is_none(), "{third:?}");
        }
        let four = versioned(vec![
            Value::bytes(b"held"),
            Value::int(5),
            Value::bytes(b"print"),
            Value::bytes(b"more"),
        ]);
        assert!(DocumentRecord::decode(&four).is_none());
    }

    #[test]
    fn policy_round_trip_and_invalid_policy_refused() {
        let policy = UnlockPolicy::default();
        assert_eq!(decode_policy(&encode_policy(&policy)), Some(policy));
        let bad = UnlockPolicy {
            max_attempts: 0,
            ..policy
        };
        assert_eq!(decode_policy(&encode_policy(&bad)), None);
    }
}
