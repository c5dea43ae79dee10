//! The documents of an unlocked wallet: import, renewal, print
//! credentials, lists and deletion.
//!
//! Each document is its phone-bound credential and, optionally, its print
//! credential (the printable card's), kept in one record: imported together,
//! replaced together on renewal.

use hawiya_core::{ClaimKey, Date, DocumentType, HeldCredential, TrustList, UnixTime};
use rand_core::OsRng;
use rusqlite::{params, Connection, OptionalExtension};
use zeroize::Zeroizing;

use crate::db::{checkpoint, immediate};
use crate::device_keys::load_keys;
use crate::error::{storage_error, WalletError};
use crate::handle::{load_documents, Inner, Wallet};
use crate::held::{birth_date, document_number, guardian_of, text_claim};
use crate::manifest;
use crate::manifest::{DamagedDocument, StoredDocument};
use crate::records::{DocumentRecord, KeyRecord};
use crate::schema::{document_row, DOCUMENT_INDEX};
use crate::seal::Sealer;

/// A stored document, without its secrets, for lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSummary {
    /// Document number.
    pub number: u64,
    /// National ID or resident permit.
    pub document_type: DocumentType,
    /// Document version (renewals are higher).
    pub version: u32,
    /// Holder's name in Arabic.
    pub name_ar: String,
    /// Holder's name in English.
    pub name_en: String,
    /// Holder's date of birth.
    pub birth_date: Option<Date>,
    /// When the credential expires.
    pub expires_at: UnixTime,
    /// The guardian's document number, for a dependent's document.
    pub guardian: Option<u64>,
    /// Whether this wallet lacks the device key the credential is bound to.
    pub needs_rebinding: bool,
    /// Whether the wallet holds the document's print credential, so its card
    /// can be printed and its printed code shown.
    pub printable: bool,
    /// When it was imported.
    pub imported_at: UnixTime,
}

/// A person whose documents the wallet holds: the holder or a dependent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// Name in English (from the newest document).
    pub name_en: String,
    /// Name in Arabic.
    pub name_ar: String,
    /// Date of birth, if on the documents.
    pub birth_date: Option<Date>,
    /// Whether this is a dependent held under a guardian's key.
    pub is_dependent: bool,
    /// Their documents.
    pub documents: Vec<DocumentSummary>,
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    /// A new document.
    Added(DocumentSummary),
    /// A renewal replaced (and purged) an older version.
    Renewed {
        /// The new version.
        document: DocumentSummary,
        /// The version it replaced.
        replaced_version: u32,
    },
}

/// Checks a credential as an import does: signed by an issuer in the trust
/// list, with a key valid when it was issued, and not expired at `now`.
pub(crate) fn check_trusted(
    held: &HeldCredential,
    trust: &TrustList,
    now: UnixTime,
) -> Result<(), WalletError> {
    let info = held.info();
    if !held.credential().is_signed_by_trusted_issuer(trust) {
        return Err(WalletError::NotTrusted);
    }
    let entry = trust.issuer(&info.kid).ok_or(WalletError::NotTrusted)?;
    let issued = info.issued_at();
    if issued < entry.not_before || issued > entry.not_after {
        return Err(WalletError::IssuerKeyNotValid);
    }
    if info.expires_at() <= now {
        return Err(WalletError::Expired);
    }
    Ok(())
}

fn summary(
    held: &HeldCredential,
    imported_at: UnixTime,
    printable: bool,
    keys: &[KeyRecord],
) -> Result<DocumentSummary, WalletError> {
    let info = held.info();
    let bound_to = info.device_key.map(|k| *k.as_bytes());
    Ok(DocumentSummary {
        number: document_number(held)?,
        document_type: info.document_type,
        version: info.document_version,
        name_ar: text_claim(held, ClaimKey::NameAr),
        name_en: text_claim(held, ClaimKey::NameEn),
        birth_date: birth_date(held),
        expires_at: info.expires_at(),
        guardian: guardian_of(held),
        needs_rebinding: !keys.iter().any(|k| Some(k.public) == bound_to),
        printable,
        imported_at,
    })
}

/// Reads and checks the print credential offered with `held`: issuer-signed
/// and trusted, print-only, and the same document, version, guardian and
/// claims.
pub(crate) fn checked_print(
    held: &HeldCredential,
    print: &[u8],
    trust: &TrustList,
    now: UnixTime,
) -> Result<HeldCredential, WalletError> {
    let print = HeldCredential::from_bytes(print)?;
    matches_phone_credential(held, &print)?;
    check_trusted(&print, trust, now)?;
    Ok(print)
}

/// Whether `print` is a print-only credential of the same document, version,
/// guardian and claims as the phone credential `held`.
fn matches_phone_credential(
    held: &HeldCredential,
    print: &HeldCredential,
) -> Result<(), WalletError> {
    let (phone, card) = (held.info(), print.info());
    if !card.is_print_only() {
        return Err(WalletError::NotAPrintCredential);
    }
    if (card.document_type, card.document_version, card.guardian)
        != (phone.document_type, phone.document_version, phone.guardian)
        || print.claims() != held.claims()
    {
        return Err(WalletError::PrintCredentialMismatch);
    }
    Ok(())
}

impl Wallet {
    /// Imports a credential the issuer delivered (`HeldCredential` bytes):
    /// verifies it against the trust list, requires it to be bound to one of
    /// this wallet's device keys, and stores it sealed. A higher version of a
    /// stored document replaces and purges the old one in one transaction.
    ///
    /// # Errors
    /// [`WalletError::Format`], [`WalletError::NotTrusted`],
    /// [`WalletError::IssuerKeyNotValid`], [`WalletError::Expired`],
    /// [`WalletError::NotBoundToWallet`], [`WalletError::GuardianNotInWallet`],
    /// [`WalletError::AlreadyStored`], [`WalletError::OlderVersion`],
    /// [`WalletError::Locked`], storage errors.
    pub fn import(
        &self,
        credential: &[u8],
        trust: &TrustList,
        now: UnixTime,
    ) -> Result<ImportOutcome, WalletError> {
        self.import_checked(credential, None, trust, now, false)
    }

    /// Imports a credential with its print credential (the printable card's,
    /// issued with it): both are checked against the trust list, the print
    /// credential must be print-only and of the same document, version and
    /// claims, and both are stored in one record. A renewal replaces both.
    ///
    /// # Errors
    /// As [`Wallet::import`], and [`WalletError::NotAPrintCredential`] or
    /// [`WalletError::PrintCredentialMismatch`] for the print credential.
    pub fn import_with_print(
        &self,
        credential: &[u8],
        print: &[u8],
        trust: &TrustList,
        now: UnixTime,
    ) -> Result<ImportOutcome, WalletError> {
        self.import_checked(credential, Some(print), trust, now, false)
    }

    /// Imports a renewal: as [`Wallet::import`], but refuses a document the
    /// wallet does not hold yet, so a renewal screen cannot add a stranger's
    /// document by mistake. The check and the replacement are one transaction.
    ///
    /// # Errors
    /// [`WalletError::NotARenewal`] when no version of the document is
    /// stored, and the errors of [`Wallet::import`].
    pub fn renew(
        &self,
        credential: &[u8],
        trust: &TrustList,
        now: UnixTime,
    ) -> Result<ImportOutcome, WalletError> {
        self.import_checked(credential, None, trust, now, true)
    }

    /// Imports a renewal with the new version's print credential: as
    /// [`Wallet::renew`], with the checks of [`Wallet::import_with_print`].
    ///
    /// # Errors
    /// As [`Wallet::renew`] and [`Wallet::import_with_print`].
    pub fn renew_with_print(
        &self,
        credential: &[u8],
        print: &[u8],
        trust: &TrustList,
        now: UnixTime,
    ) -> Result<ImportOutcome, WalletError> {
        self.import_checked(credential, Some(print), trust, now, true)
    }

    /// [`Wallet::import`], [`Wallet::renew`] and their `_with_print` forms:
    /// checks the credential against the trust list and this wallet's device
    /// keys (and the print credential against the trust list and the
    /// credential), then stores them; `renewal_only` refuses a document that
    /// is not stored yet.
    fn import_checked(
        &self,
        credential: &[u8],
        print: Option<&[u8]>,
        trust: &TrustList,
        now: UnixTime,
        renewal_only: bool,
    ) -> Result<ImportOutcome, WalletError> {
        let held = HeldCredential::from_bytes(credential)?;
        let bound_to = held
            .info()
            .device_key
            .ok_or(WalletError::PrintOnlyCredential)?;
        check_trusted(&held, trust, now)?;
        let print = print
            .map(|bytes| checked_print(&held, bytes, trust, now))
            .transpose()?;
        let mut inner = self.lock_inner();
        let Inner {
            conn,
            session,
            showings,
            ..
        } = &mut *inner;
        let session = session.as_ref().ok_or(WalletError::Locked)?;
        let keys = load_keys(conn, &session.sealer)?;
        if !keys.iter().any(|k| k.public == *bound_to.as_bytes()) {
            return Err(WalletError::NotBoundToWallet);
        }
        let document = Document {
            held: &held,
            print: print.as_ref(),
        };
        let outcome = store(
            conn,
            &session.sealer,
            &document,
            &keys,
            trust,
            now,
            true,
            renewal_only,
        );
        // A renewal replaced a document that may be on screen.
        showings.end_stale(conn);
        outcome
    }

    /// Adds the print credential of a stored document, or replaces it (e.g.
    /// after a lost card was revoked and a new one issued). It must be of the
    /// stored version; after a renewal, import the new version's print
    /// credential with the renewal.
    ///
    /// # Errors
    /// [`WalletError::NoSuchDocument`], [`WalletError::PrintCredentialMismatch`]
    /// (another version or other claims), [`WalletError::NotAPrintCredential`],
    /// the trust errors of [`Wallet::import`], [`WalletError::Locked`],
    /// storage errors.
    pub fn add_print_credential(
        &self,
        print: &[u8],
        trust: &TrustList,
        now: UnixTime,
    ) -> Result<DocumentSummary, WalletError> {
        let offered = HeldCredential::from_bytes(print)?;
        let number = document_number(&offered)?;
        let mut inner = self.lock_inner();
        let Inner { conn, session, .. } = &mut *inner;
        let session = session.as_ref().ok_or(WalletError::Locked)?;
        let sealer = &session.sealer;
        let keys = load_keys(conn, sealer)?;
        let tx = immediate(conn)?;
        // Read and rewrite in one transaction: a renewal in another process
        // cannot slip in between.
        let stored = find_document(&tx, sealer, number)?;
        let checked = checked_print(&stored.held, print, trust, now)?;
        let id = sealer.blind_index(DOCUMENT_INDEX, &number.to_be_bytes());
        let version = u64::from(stored.held.info().document_version);
        let record = DocumentRecord {
            held: Zeroizing::new(stored.held.to_bytes()),
            imported_at: stored.imported_at,
            print: Some(Zeroizing::new(checked.to_bytes())),
        };
        let sealed = sealer.seal(document_row(&id, version), &record.encode(), &mut OsRng);
        tx.execute(
            "UPDATE documents SET sealed = ?1 WHERE id = ?2 AND version = ?3",
            params![sealed, &id[..], version as i64],
        )
        .map_err(storage_error)?;
        tx.commit().map_err(storage_error)?;
        checkpoint(conn);
        summary(&stored.held, stored.imported_at, true, &keys)
    }

    /// Every stored document, the holder's and dependents', newest first
    /// within each type. Documents damaged outside the wallet are left out
    /// and listed by [`Wallet::damaged_documents`].
    ///
    /// # Errors
    /// [`WalletError::Locked`], [`WalletError::Tampered`], storage errors.
    pub fn documents(&self) -> Result<Vec<DocumentSummary>, WalletError> {
        let inner = self.lock_inner();
        let session = inner.session.as_ref().ok_or(WalletError::Locked)?;
        let keys = load_keys(&inner.conn, &session.sealer)?;
        let mut out = load_documents(&inner.conn, &session.sealer)?
            .iter()
            .map(|(_, doc)| summary(&doc.held, doc.imported_at, doc.print.is_some(), &keys))
            .collect::<Result<Vec<_>, _>>()?;
        out.sort_by(|a, b| {
            (a.guardian.is_some(), &a.name_en, a.number).cmp(&(
                b.guardian.is_some(),
                &b.name_en,
                b.number,
            ))
        });
        Ok(out)
    }

    /// The documents the wallet should hold but cannot show (deleted,
    /// altered or rolled back with a tool outside the wallet), and rows it
    /// never stored, each with what is wrong. The other documents keep
    /// working: [`Wallet::documents`] lists them, and they can be shown,
    /// presented and exported. Empty for an intact wallet.
    ///
    /// # Errors
    /// [`WalletError::Locked`], [`WalletError::Tampered`] if the manifest
    /// itself is damaged, storage errors.
    pub fn damaged_documents(&self) -> Result<Vec<DamagedDocument>, WalletError> {
        let inner = self.lock_inner();
        let session = inner.session.as_ref().ok_or(WalletError::Locked)?;
        Ok(manifest::scan(&inner.conn, &session.sealer)?.damaged)
    }

    /// The documents grouped per person: the holder first, then each
    /// dependent (grouped by name and date of birth).
    ///
    /// # Errors
    /// As [`Wallet::documents`].
    pub fn people(&self) -> Result<Vec<Person>, WalletError> {
        let mut people: Vec<Person> = Vec::new();
        for doc in self.documents()? {
            let is_dependent = doc.guardian.is_some();
            let same = |p: &Person| {
                p.is_dependent == is_dependent
                    && (!is_dependent
                        || (p.name_en == doc.name_en && p.birth_date == doc.birth_date))
            };
            match people.iter_mut().find(|p| same(p)) {
                Some(person) => person.documents.push(doc),
                None => people.push(Person {
                    name_en: doc.name_en.clone(),
                    name_ar: doc.name_ar.clone(),
                    birth_date: doc.birth_date,
                    is_dependent,
                    documents: vec![doc],
                }),
            }
        }
        Ok(people)
    }

    /// The dependents: people whose documents are held under this wallet's key.
    ///
    /// # Errors
    /// As [`Wallet::documents`].
    pub fn dependents(&self) -> Result<Vec<Person>, WalletError> {
        Ok(self
            .people()?
            .into_iter()
            .filter(|p| p.is_dependent)
            .collect())
    }

    /// One stored document with every claim, for the card screen. It holds
    /// secrets: show it, do not store it.
    ///
    /// # Errors
    /// [`WalletError::NoSuchDocument`], [`WalletError::Locked`],
    /// [`WalletError::Tampered`] if this document was deleted, altered or
    /// rolled back outside the wallet.
    pub fn document(&self, number: u64) -> Result<HeldCredential, WalletError> {
        let inner = self.lock_inner();
        let session = inner.session.as_ref().ok_or(WalletError::Locked)?;
        find_document(&inner.conn, &session.sealer, number).map(|doc| doc.held)
    }

    /// One stored document with its summary as [`Wallet::documents`] lists
    /// it, for a details screen: opens only this document (and the device
    /// keys, for `needs_rebinding`), not every one the wallet holds.
    ///
    /// # Errors
    /// As [`Wallet::document`].
    pub fn document_with_summary(
        &self,
        number: u64,
    ) -> Result<(HeldCredential, DocumentSummary), WalletError> {
        let inner = self.lock_inner();
        let session = inner.session.as_ref().ok_or(WalletError::Locked)?;
        let doc = find_document(&inner.conn, &session.sealer, number)?;
        let keys = load_keys(&inner.conn, &session.sealer)?;
        let summary = summary(&doc.held, doc.imported_at, doc.print.is_some(), &keys)?;
        Ok((doc.held, summary))
    }

    /// Deletes a document and purges it from the file.
    ///
    /// # Errors
    /// [`WalletError::NoSuchDocument`], [`WalletError::Locked`], storage errors.
    pub fn delete(&self, number: u64) -> Result<(), WalletError> {
        let mut inner = self.lock_inner();
        let Inner {
            conn,
            session,
            showings,
            ..
        } = &mut *inner;
        let session = session.as_ref().ok_or(WalletError::Locked)?;
        let id = session
            .sealer
            .blind_index(DOCUMENT_INDEX, &number.to_be_bytes());
        let tx = immediate(conn)?;
        let deleted = tx
            .execute("DELETE FROM documents WHERE id = ?1", [&id[..]])
            .map_err(storage_error)?;
        if deleted == 0 {
            return Err(WalletError::NoSuchDocument(number));
        }
        let mut listed = manifest::Manifest::clone(manifest::read(&tx, &session.sealer)?.as_ref());
        listed.release(&id);
        manifest::write(&tx, &session.sealer, &listed)?;
        tx.commit().map_err(storage_error)?;
        checkpoint(conn);
        showings.end_stale(conn);
        Ok(())
    }
}

/// Finds a document by number through its blind index.
pub(crate) fn find_document(
    conn: &Connection,
    sealer: &Sealer,
    number: u64,
) -> Result<StoredDocument, WalletError> {
    manifest::find(conn, sealer, number)
}

/// A checked document to store: the phone's credential and, if given, its
/// print credential of the same version.
pub(crate) struct Document<'a> {
    pub held: &'a HeldCredential,
    pub print: Option<&'a HeldCredential>,
}

/// Stores a checked document: add, or renew (replace and purge, the print
/// credential included) in one transaction, with the manifest.
/// `check_guardian` requires a dependent's guardian document to be in the
/// wallet. `renewal_only` refuses a document with no stored version. Version
/// marks hold against `trust` (see `manifest`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn store(
    conn: &mut Connection,
    sealer: &Sealer,
    document: &Document<'_>,
    keys: &[KeyRecord],
    trust: &TrustList,
    now: UnixTime,
    check_guardian: bool,
    renewal_only: bool,
) -> Result<ImportOutcome, WalletError> {
    let held = document.held;
    let number = document_number(held)?;
    let version = held.info().document_version;
    let id = sealer.blind_index(DOCUMENT_INDEX, &number.to_be_bytes());
    let tx = immediate(conn)?;
    if let (Some(guardian), true) = (guardian_of(held), check_guardian) {
        let own = load_documents(&tx, sealer)?.iter().any(|(_, doc)| {
            guardian_of(&doc.held).is_none() && document_number(&doc.held).ok() == Some(guardian)
        });
        if !own {
            return Err(WalletError::GuardianNotInWallet(guardian));
        }
    }
    let mut listed = manifest::Manifest::clone(manifest::read(&tx, sealer)?.as_ref());
    let row: Option<(i64, Vec<u8>)> = tx
        .query_row(
            "SELECT version, sealed FROM documents WHERE id = ?1",
            [&id[..]],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(storage_error)?;
    let entry = listed.0.get(&id);
    // A row that is there must be the one the manifest lists, intact, before
    // it is replaced. (A listed row deleted outside the wallet may be put
    // back.)
    if let Some((version, sealed)) = &row {
        manifest::open_row(sealer, entry, &id, *version, sealed)
            .map_err(|damage| WalletError::Tampered(damage.reason()))?;
    }
    let existing = row.map(|(version, _)| version);
    let mark = entry.and_then(|e| e.mark(trust));
    let offered = u64::from(version);
    match (existing, mark) {
        (Some(_), Some(stored)) if offered == stored => {
            return Err(WalletError::AlreadyStored { number, version })
        }
        (_, Some(stored)) if offered < stored => {
            return Err(WalletError::OlderVersion {
                number,
                stored,
                offered: version,
            })
        }
        (None, _) if renewal_only => return Err(WalletError::NotARenewal(number)),
        _ => {}
    }
    let replaced = match existing {
        Some(old) => {
            tx.execute("DELETE FROM documents WHERE id = ?1", [&id[..]])
                .map_err(storage_error)?;
            Some(u32::try_from(old).map_err(|_| WalletError::Tampered("document version"))?)
        }
        None => None,
    };
    let record = DocumentRecord {
        held: Zeroizing::new(held.to_bytes()),
        imported_at: now,
        print: document.print.map(|p| Zeroizing::new(p.to_bytes())),
    };
    let sealed = sealer.seal(document_row(&id, offered), &record.encode(), &mut OsRng);
    tx.execute(
        "INSERT INTO documents (id, version, sealed) VALUES (?1, ?2, ?3)",
        params![&id[..], offered as i64, sealed],
    )
    .map_err(storage_error)?;
    listed.hold(id, held);
    manifest::write(&tx, sealer, &listed)?;
    tx.commit().map_err(storage_error)?;
    let document = summary(held, now, document.print.is_some(), keys)?;
    Ok(match replaced {
        Some(replaced_version) => {
            checkpoint(conn);
            ImportOutcome::Renewed {
                document,
                replaced_version,
            }
        }
        None => ImportOutcome::Added(document),
    })
}

#[cfg(test)]
mod tests {
    use hawiya_core::TrustList;

    use crate::error::WalletError;
    use crate::testing::{issue_to, trust, wallet_with_document, Scratch, NOW, NUMBER};

    #[test]
    fn an_imported_document_is_listed_shown_and_deleted() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let documents = wallet.documents().unwrap();
        assert_eq!(documents.len(), 1);
        assert_eq!(documents[0].number, NUMBER);
        assert_eq!(documents[0].name_en, "Mohammed Abdullah Alahmad");
        assert!(!documents[0].needs_rebinding);
        assert_eq!(wallet.people().unwrap().len(), 1);
        assert_eq!(wallet.document(NUMBER).unwrap().info().status_index, 7);
        wallet.delete(NUMBER).unwrap();
        assert!(wallet.documents().unwrap().is_empty());
        assert!(matches!(
            wallet.document(NUMBER),
            Err(WalletError::NoSuchDocument(_))
        ));
    }

    #[test]
    fn a_credential_from_an_issuer_outside_the_trust_list_is_refused() {
        let scratch = Scratch::new();
        let wallet = scratch.wallet();
        let key = wallet.create_device_key().unwrap();
        let nobody = TrustList {
            issuers: Vec::new(),
            ..trust()
        };
        let imported = wallet.import(&issue_to(&wallet, &key), &nobody, NOW);
        assert!(
            matches!(imported, Err(WalletError::NotTrusted)),
            "{imported:?}"
        );
        assert!(wallet.documents().unwrap().is_empty());
    }

    #[test]
    fn the_same_version_twice_is_refused() {
        let scratch = Scratch::new();
        let wallet = scratch.wallet();
        let key = wallet.create_device_key().unwrap();
        let credential = issue_to(&wallet, &key);
        wallet.import(&credential, &trust(), NOW).unwrap();
        assert!(matches!(
            wallet.import(&credential, &trust(), NOW),
            Err(WalletError::AlreadyStored { .. })
        ));
    }
}
