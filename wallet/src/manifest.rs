//! The sealed manifest: which documents the wallet holds, and the highest
//! version of each it ever held.
//!
//! One sealed row in `meta` lists every document by blind index: its number,
//! type, version, the key id of the issuer key that signed that version, and
//! whether it is still held. Every write of the document table updates it in
//! the same transaction, so a document row deleted, inserted, rolled back or
//! damaged with a tool outside the wallet no longer matches it and is
//! reported as damaged ([`Damage`]), while every other document keeps
//! working.
//!
//! The entry of a deleted document stays as a version mark: an older (or the
//! same) version cannot be imported again, so a superseded credential cannot
//! come back. A mark holds only while the key that signed it is in the trust
//! list the new credential is checked against: a version number set by a key
//! later removed from the list (a compromised key, a forged backup restored
//! by an older app) never blocks the genuine issuer's reissue.
//!
//! Wallets from before schema 3 kept only the marks (`meta.marks`); the
//! first unlock after the upgrade builds the manifest from them and from
//! the rows then in the file (see [`upgrade`]).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use hawiya_core::cbor::{self, Value};
use hawiya_core::{DocumentType, FormatError, HeldCredential, TrustList, UnixTime};
use rand_core::OsRng;
use rusqlite::{Connection, OptionalExtension};
use zeroize::Zeroizing;

use crate::db::{immediate, read_snapshot};
use crate::error::{storage_error, WalletError};
use crate::held::document_number;
use crate::records::DocumentRecord;
use crate::schema::{document_row, meta, DOCUMENT_INDEX, MARKS_ROW};
use crate::seal::{RowId, Sealer, INDEX_LEN};
use crate::{records, schema};

/// Record version of the manifest's plaintext.
const MANIFEST_VERSION: u64 = 1;

const MANIFEST_ROW: RowId<'static> = RowId {
    table: "meta",
    id: b"manifest",
    version: 0,
};

/// What the manifest knows of one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Its number (`None` only for marks of documents deleted before the
    /// manifest existed).
    pub number: Option<u64>,
    /// Its type (`None` as for `number`).
    pub document_type: Option<DocumentType>,
    /// The version held, or for a deleted document the highest version held.
    pub version: u64,
    /// The key id of the issuer key that signed `version` (empty when not
    /// known, for marks from before the manifest).
    pub kid: Vec<u8>,
    /// Whether the wallet holds it now.
    pub present: bool,
}

impl Entry {
    /// The version this entry forbids going below (or repeating), checked
    /// against `trust`: none when the key that signed it is not trusted.
    pub(crate) fn mark(&self, trust: &TrustList) -> Option<u64> {
        (!self.kid.is_empty() && trust.issuer(&self.kid).is_some()).then_some(self.version)
    }
}

/// Every document the wallet holds or held, by blind index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Manifest(pub BTreeMap<[u8; INDEX_LEN], Entry>);

impl Manifest {
    /// `[1, {blind index: [number / null, type / null, version, kid, present]}]`.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let or_null = |n: Option<u64>| n.map_or(Value::Null, Value::Unsigned);
        Value::Array(vec![
            Value::Unsigned(MANIFEST_VERSION),
            Value::Map(
                self.0
                    .iter()
                    .map(|(id, e)| {
                        (
                            Value::bytes(id),
                            Value::Array(vec![
                                or_null(e.number),
                                or_null(e.document_type.map(DocumentType::code)),
                                Value::Unsigned(e.version),
                                Value::bytes(&e.kid),
                                Value::Bool(e.present),
                            ]),
                        )
                    })
                    .collect(),
            ),
        ])
        .to_bytes()
    }

    pub(crate) fn decode(bytes: &[u8]) -> Option<Manifest> {
        let value = cbor::decode(bytes).ok()?;
        let [version, map] = value.as_array()? else {
            return None;
        };
        if version.as_u64() != Some(MANIFEST_VERSION) {
            return None;
        }
        let or_null = |v: &Value| match v {
            Value::Null => Some(None),
            other => other.as_u64().map(Some),
        };
        let mut entries = BTreeMap::new();
        for (id, entry) in map.as_map()? {
            let [number, doc_type, version, kid, present] = entry.as_array()? else {
                return None;
            };
            let document_type = match or_null(doc_type)? {
                Some(code) => Some(DocumentType::from_code(code)?),
                None => None,
            };
            let present = match present {
                Value::Bool(b) => *b,
                _ => return None,
            };
            entries.insert(
                id.as_bytes()?.try_into().ok()?,
                Entry {
                    number: or_null(number)?,
                    document_type,
                    version: version.as_u64()?,
                    kid: kid.as_bytes()?.to_vec(),
                    present,
                },
            );
        }
        Some(Manifest(entries))
    }

    /// Records `held` as the document stored under `id`.
    pub(crate) fn hold(&mut self, id: [u8; INDEX_LEN], held: &HeldCredential) {
        let info = held.info();
        self.0.insert(
            id,
            Entry {
                number: document_number(held).ok(),
                document_type: Some(info.document_type),
                version: u64::from(info.document_version),
                kid: info.kid.clone(),
                present: true,
            },
        );
    }

    /// Records that the document under `id` was deleted; its entry stays as
    /// a version mark.
    pub(crate) fn release(&mut self, id: &[u8; INDEX_LEN]) {
        if let Some(entry) = self.0.get_mut(id) {
            entry.present = false;
        }
    }
}

/// Reads the sealed manifest. The sealer keeps the last decoded copy with
/// the sealed bytes it came from ([`Sealer::open_memo`]), so a wallet that
/// reads it on every call decrypts it once per change.
pub(crate) fn read(conn: &Connection, sealer: &Sealer) -> Result<Arc<Manifest>, WalletError> {
    let sealed = sealed_bytes(conn)?;
    sealer
        .open_memo(MANIFEST_ROW, &sealed, Manifest::decode)
        .ok_or(WalletError::Tampered("the document manifest"))
}

/// The sealed manifest's bytes as stored: every change of the documents
/// rewrites them under a fresh nonce, so comparing them tells whether the
/// documents changed without opening anything (a live code's showing does).
pub(crate) fn sealed_bytes(conn: &Connection) -> Result<Vec<u8>, WalletError> {
    schema::get_meta(conn, meta::MANIFEST)?
        .ok_or(WalletError::Tampered("the document manifest is missing"))
}

/// Writes the sealed manifest (inside the caller's transaction).
pub(crate) fn write(
    conn: &Connection,
    sealer: &Sealer,
    manifest: &Manifest,
) -> Result<(), WalletError> {
    schema::set_meta(
        conn,
        meta::MANIFEST,
        &sealer.seal(MANIFEST_ROW, &manifest.encode(), &mut OsRng),
    )
}

/// Whether a data key opens this wallet's sealed manifest (or, before the
/// first unlock after an upgrade, its version marks).
pub(crate) fn opens(conn: &Connection, sealer: &Sealer) -> bool {
    let open = |name, row| matches!(schema::get_meta(conn, name), Ok(Some(sealed)) if sealer.open(row, &sealed).is_some());
    open(meta::MANIFEST, MANIFEST_ROW) || open(meta::MARKS, MARKS_ROW)
}

/// What is wrong with a document the wallet cannot show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Damage {
    /// Its row was deleted with a tool outside the wallet.
    Deleted,
    /// Its row holds a row the manifest does not list: inserted or copied in
    /// from elsewhere.
    NotListed,
    /// Its row was put back to an older version.
    RolledBack,
    /// Its row does not open: its bytes were altered or damaged.
    Unreadable,
    /// Its credential is of an earlier wire format (docs/FORMAT.md §5.2:
    /// version 1), which verifiers no longer accept: the issuer must reissue
    /// the document.
    OldFormat,
}

impl Damage {
    /// One sentence saying what happened (also the [`WalletError::Tampered`]
    /// text for this document).
    pub fn reason(self) -> &'static str {
        match self {
            Damage::Deleted => "the document was deleted outside the wallet",
            Damage::NotListed => "a document the wallet never stored was put into the file",
            Damage::RolledBack => "the document was put back to an older version",
            Damage::Unreadable => "the document's stored bytes were altered or damaged",
            Damage::OldFormat => {
                "the document is of an earlier format that verifiers no longer accept: ask the issuer to reissue it"
            }
        }
    }
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason())
    }
}

/// A document the wallet holds (by its manifest) but cannot show, or a row
/// it does not hold, and why. The other documents are not affected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DamagedDocument {
    /// Its number, when the manifest names it.
    pub number: Option<u64>,
    /// Its type, when the manifest names it.
    pub document_type: Option<DocumentType>,
    /// The version the manifest holds, when it lists the document.
    pub version: Option<u32>,
    /// What is wrong.
    pub damage: Damage,
}

impl DamagedDocument {
    fn new(entry: Option<&Entry>, damage: Damage) -> DamagedDocument {
        DamagedDocument {
            number: entry.and_then(|e| e.number),
            document_type: entry.and_then(|e| e.document_type),
            version: entry.and_then(|e| u32::try_from(e.version).ok()),
            damage,
        }
    }
}

/// A stored document and its blind id.
pub(crate) type Stored = ([u8; INDEX_LEN], StoredDocument);

/// Every document row checked against the manifest.
pub(crate) struct Scan {
    /// The documents that are as the manifest says.
    pub good: Vec<Stored>,
    /// Everything else.
    pub damaged: Vec<DamagedDocument>,
}

/// Reads every document row and the manifest in one snapshot (the caller's
/// transaction, if any).
pub(crate) fn scan(conn: &Connection, sealer: &Sealer) -> Result<Scan, WalletError> {
    read_snapshot(conn, |conn| {
        let manifest = read(conn, sealer)?;
        let mut stmt = conn
            .prepare_cached("SELECT id, version, sealed FROM documents")
            .map_err(storage_error)?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, Vec<u8>>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, Vec<u8>>(2)?,
                ))
            })
            .map_err(storage_error)?;
        let mut out = Scan {
            good: Vec::new(),
            damaged: Vec::new(),
        };
        let mut seen = std::collections::BTreeSet::new();
        for row in rows {
            let (id, version, sealed) = row.map_err(storage_error)?;
            let Ok(id) = <[u8; INDEX_LEN]>::try_from(id) else {
                out.damaged
                    .push(DamagedDocument::new(None, Damage::NotListed));
                continue;
            };
            seen.insert(id);
            let entry = manifest.0.get(&id);
            match open_row(sealer, entry, &id, version, &sealed) {
                Ok(document) => out.good.push((id, document)),
                Err(damage) => out.damaged.push(DamagedDocument::new(entry, damage)),
            }
        }
        for (id, entry) in &manifest.0 {
            if entry.present && !seen.contains(id) {
                out.damaged
                    .push(DamagedDocument::new(Some(entry), Damage::Deleted));
            }
        }
        Ok(out)
    })
}

/// Opens one document row, checking it against its manifest entry.
pub(crate) fn open_row(
    sealer: &Sealer,
    entry: Option<&Entry>,
    id: &[u8; INDEX_LEN],
    version: i64,
    sealed: &[u8],
) -> Result<StoredDocument, Damage> {
    let entry = entry.filter(|e| e.present).ok_or(Damage::NotListed)?;
    let version = u64::try_from(version).map_err(|_| Damage::Unreadable)?;
    if version != entry.version {
        return Err(Damage::RolledBack);
    }
    let plain = sealer
        .open(document_row(id, version), sealed)
        .ok_or(Damage::Unreadable)?;
    let record = DocumentRecord::decode(&plain).ok_or(Damage::Unreadable)?;
    let held = HeldCredential::from_bytes(&record.held).map_err(|e| match e {
        // Stored intact, but of a format this version no longer reads.
        FormatError::UnsupportedVersion { .. } => Damage::OldFormat,
        _ => Damage::Unreadable,
    })?;
    if u64::from(held.info().document_version) != version {
        return Err(Damage::Unreadable);
    }
    Ok(StoredDocument {
        held,
        imported_at: record.imported_at,
        print: record.print,
    })
}

/// Finds a document by number through its blind index, in one snapshot.
pub(crate) fn find(
    conn: &Connection,
    sealer: &Sealer,
    number: u64,
) -> Result<StoredDocument, WalletError> {
    read_snapshot(conn, |conn| {
        let id = sealer.blind_index(DOCUMENT_INDEX, &number.to_be_bytes());
        let row: Option<(i64, Vec<u8>)> = conn
            .prepare_cached("SELECT version, sealed FROM documents WHERE id = ?1")
            .and_then(|mut stmt| {
                stmt.query_row([&id[..]], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(storage_error)?;
        let manifest = read(conn, sealer)?;
        let entry = manifest.0.get(&id);
        let Some((version, sealed)) = row else {
            return Err(match entry {
                Some(e) if e.present => WalletError::Tampered(Damage::Deleted.reason()),
                _ => WalletError::NoSuchDocument(number),
            });
        };
        open_row(sealer, entry, &id, version, &sealed)
            .map_err(|damage| WalletError::Tampered(damage.reason()))
    })
}

/// Brings a wallet from before schema 3 up to date at its first unlock: the
/// manifest is built from the sealed version marks and the document rows
/// then in the file, the presentation log gets its sealed head, and the marks
/// row goes, all in one transaction. A row that did not match its mark is
/// listed at the mark's version, so it shows as damaged afterwards, as it
/// did before.
pub(crate) fn upgrade(conn: &mut Connection, sealer: &Sealer) -> Result<(), WalletError> {
    let tx = immediate(conn)?;
    let Some(sealed_marks) = schema::get_meta(&tx, meta::MARKS)? else {
        // Nothing to upgrade (or another handle did it meanwhile).
        return Ok(());
    };
    if schema::get_meta(&tx, meta::MANIFEST)?.is_some() {
        return Err(WalletError::Tampered(
            "both the version marks and the manifest are in the file",
        ));
    }
    let marks = sealer
        .open(MARKS_ROW, &sealed_marks)
        .and_then(|plain| records::Marks::decode(&plain))
        .ok_or(WalletError::Tampered("version marks"))?;
    let mut manifest = Manifest::default();
    for (id, version) in &marks.0 {
        manifest.0.insert(
            *id,
            Entry {
                number: None,
                document_type: None,
                version: *version,
                kid: Vec::new(),
                present: false,
            },
        );
    }
    let rows: Vec<(Vec<u8>, i64, Vec<u8>)> = tx
        .prepare("SELECT id, version, sealed FROM documents")
        .and_then(|mut stmt| {
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .map_err(storage_error)?;
    for (id, _, _) in &rows {
        // A row with a mark was held; one without stays unlisted.
        if let Some(entry) = <[u8; INDEX_LEN]>::try_from(id.as_slice())
            .ok()
            .and_then(|id| manifest.0.get_mut(&id))
        {
            entry.present = true;
        }
    }
    for (id, version, sealed) in &rows {
        let Ok(id) = <[u8; INDEX_LEN]>::try_from(id.as_slice()) else {
            continue;
        };
        if let Ok(document) = open_row(sealer, manifest.0.get(&id), &id, *version, sealed) {
            manifest.hold(id, &document.held);
        }
    }
    write(&tx, sealer, &manifest)?;
    super::log_head::upgrade(&tx, sealer)?;
    tx.execute("DELETE FROM meta WHERE name = ?1", [meta::MARKS])
        .map_err(storage_error)?;
    tx.commit().map_err(storage_error)
}

/// A stored document, opened: the phone's credential, when it was imported,
/// and the print credential's bytes (read only when a printed code is made).
pub(crate) struct StoredDocument {
    /// The phone-bound credential.
    pub held: HeldCredential,
    /// When it was imported.
    pub imported_at: UnixTime,
    /// `HeldCredential::to_bytes` of the print credential, if the wallet has one.
    pub print: Option<Zeroizing<Vec<u8>>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use hawiya_core::SecretKey;
    use proptest::prelude::*;

    fn any_entry() -> impl Strategy<Value = Entry> {
        (
            proptest::option::of(any::<u64>()),
            proptest::option::of(prop_oneof![
                Just(DocumentType::NationalId),
                Just(DocumentType::ResidentPermit)
            ]),
            any::<u64>(),
            proptest::collection::vec(any::<u8>(), 0..17),
            any::<bool>(),
        )
            .prop_map(|(number, document_type, version, kid, present)| Entry {
                number,
                document_type,
                version,
                kid,
                present,
            })
    }

    proptest! {
        #[test]
        fn manifests_round_trip(entries in proptest::collection::btree_map(any::<[u8; 16]>(), any_entry(), 0..20)) {
            let manifest = Manifest(entries);
            prop_assert_eq!(Manifest::decode(&manifest.encode()), Some(manifest));
        }

        #[test]
        fn the_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = Manifest::decode(&bytes);
        }
    }

    #[test]
    fn a_mark_holds_only_while_its_key_is_trusted() {
        let trusted = hawiya_core::TrustList {
            version: 1,
            issued_at: UnixTime(0),
            issuers: vec![hawiya_core::TrustedIssuer {
                kid: vec![1],
                name: "issuer".into(),
                public_key: SecretKey::from_bytes(&[2; 32]).public_key(),
                not_before: UnixTime(0),
                not_after: UnixTime(i64::MAX),
                status_uri: "https://status.example/1".into(),
            }],
        };
        let entry = |kid: &[u8]| Entry {
            number: Some(1),
            document_type: Some(DocumentType::NationalId),
            version: 99,
            kid: kid.to_vec(),
            present: false,
        };
        assert_eq!(entry(&[1]).mark(&trusted), Some(99));
        assert_eq!(entry(&[2]).mark(&trusted), None, "key left the list");
        assert_eq!(entry(&[]).mark(&trusted), None, "signer not known");
    }
}
