//! Backups: the whole wallet in one passphrase-sealed file, to restore on
//! another device.
//!
//! A backup holds the documents (with their claims and disclosure seeds, and
//! their print credentials) and the presentation log, but never the device
//! secret keys: a key that proves "this phone" must not be copyable to
//! another phone. A restored wallet shows its documents and the printed codes
//! of those with a print credential; for device-bound codes each document
//! must be re-bound (a new binding request, then the issuer's reissue is
//! imported as a renewal).
//!
//! Each document in the payload is the phone credential's bytes, or
//! `[phone, print]` when the wallet holds its print credential.
//!
//! A backup comes from outside, so restoring it passes the same checks as an
//! import: every credential is verified against the trust list the holder
//! gives, and one that fails is skipped and reported while the others are
//! restored ([`RestoreReport::skipped`]). Its key derivation settings are
//! checked against what a phone can afford before any work is done.
//!
//! File layout: `BACKUP_MAGIC || CBOR [kdf settings, sealed payload] ||
//! SHA-256 of everything before it`, where the payload is sealed with
//! XChaCha20-Poly1305 under Argon2id(passphrase) with the magic and the
//! settings as associated data. The checksum tells a damaged file from a
//! wrong passphrase. Backups of the first format (`HWYBAK01`, no checksum)
//! are still read.

use sha2::{Digest, Sha256};

use super::store::{check_trusted, checked_print, guardian_of};
use super::*;
use hawiya_core::cbor::{self, Value};

/// The first bytes of every backup file this version writes.
pub const BACKUP_MAGIC: &[u8; 8] = b"HWYBAK02";
/// The first bytes of backups from before the checksum.
const BACKUP_MAGIC_V1: &[u8; 8] = b"HWYBAK01";
/// Length of the trailing checksum.
const CHECKSUM_LEN: usize = 32;
/// Largest backup accepted (1,000 documents with portraits fit well below).
const MAX_BACKUP_BYTES: usize = 256 * 1024 * 1024;
const PAYLOAD_VERSION: u64 = 1;

/// What a restore brought back, and what it left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestoreReport {
    /// Documents restored.
    pub documents: usize,
    /// Presentation log entries restored.
    pub log_entries: usize,
    /// Documents that must be re-bound before device-bound presentation
    /// (all of them: device keys are never in a backup).
    pub needs_rebinding: usize,
    /// Documents in the backup that were not restored, and why.
    pub skipped: Vec<SkippedDocument>,
}

/// A document a restore left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedDocument {
    /// The number it claims (as read from the backup: not verified).
    pub number: Option<u64>,
    /// The version it claims.
    pub version: Option<u32>,
    /// Why it was left out.
    pub reason: SkipReason,
}

/// Why a restore left a document out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum SkipReason {
    /// Another copy of the document, of the same or a newer version, was
    /// restored from the backup.
    #[error("a copy of the same or a newer version is in the backup")]
    Duplicate,
    /// The credential expired.
    #[error("it expired; ask the issuer for a renewal")]
    Expired,
    /// A dependent's document whose guardian's document was not restored.
    #[error("it is a dependent's document and the guardian's own document was not restored")]
    GuardianNotRestored,
    /// The issuer key was not valid when the credential was issued.
    #[error("the issuer's key was not valid when it was issued")]
    IssuerKeyNotValid,
    /// Not signed by an issuer in the trust list: forged, or signed by a key
    /// the list no longer names.
    #[error("it is not signed by an issuer in the trust list")]
    NotTrusted,
    /// A print-only credential where the phone's belongs, or a print
    /// credential kept with it that is not the print credential of the same
    /// document, version and claims.
    #[error("its print credential does not match it, or it is a print credential alone")]
    PrintCredential,
    /// A credential of an earlier wire format (docs/FORMAT.md §5.2), which
    /// verifiers no longer accept.
    #[error(
        "it is of an earlier format that verifiers no longer accept; ask the issuer to reissue it"
    )]
    OldFormat,
    /// Not a readable credential.
    #[error("it is not a readable credential")]
    Unreadable,
}

fn backup_context(magic: &[u8], kdf: &[u8]) -> Vec<u8> {
    [magic, kdf].concat()
}

impl Wallet {
    /// Exports the documents and the presentation log into one file sealed
    /// with `passphrase` (Argon2id at [`KdfParams::BACKUP`], or the options'
    /// settings if stronger and still affordable on a phone). Device keys
    /// are left out, and so are documents damaged outside the wallet
    /// ([`Wallet::damaged_documents`]).
    ///
    /// # Errors
    /// [`WalletError::WeakPasscode`] (including birth dates of anyone in the
    /// wallet), [`WalletError::Locked`], storage errors.
    pub fn export_backup(
        &self,
        passphrase: &str,
        options: &WalletOptions,
        now: UnixTime,
    ) -> Result<Vec<u8>, WalletError> {
        let inner = self.lock_inner();
        let session = inner.session.as_ref().ok_or(WalletError::Locked)?;
        let documents = load_documents(&inner.conn, &session.sealer)?;
        let births: Vec<Date> = documents
            .iter()
            .filter_map(|(_, doc)| birth_date(&doc.held))
            .collect();
        options.passcode_rules.check(passphrase, &births)?;
        // The entries that open, even from a log damaged outside the
        // wallet: the documents must still be exportable.
        let log = store::readable_log(&inner.conn, &session.sealer)?;
        drop(inner);
        let payload = Zeroizing::new(
            Value::Array(vec![
                Value::Unsigned(PAYLOAD_VERSION),
                Value::int(now.0),
                Value::Array(
                    documents
                        .iter()
                        .map(|(_, doc)| {
                            let phone = Value::Bytes(doc.held.to_bytes());
                            match &doc.print {
                                None => phone,
                                Some(print) => Value::Array(vec![phone, Value::bytes(print)]),
                            }
                        })
                        .collect(),
                ),
                Value::Array(
                    log.iter()
                        .map(|e| Value::Bytes(e.encode().to_vec()))
                        .collect(),
                ),
            ])
            .to_bytes(),
        );
        let params = if options.kdf.memory_kib >= KdfParams::BACKUP.memory_kib
            && options.kdf.iterations >= KdfParams::BACKUP.iterations
            && options.kdf.is_acceptable()
            && options.kdf.is_affordable_on_a_phone()
        {
            options.kdf
        } else {
            KdfParams::BACKUP
        };
        let salt: [u8; key_source::SALT_LEN] = random();
        let kdf = params.encode_with_salt(&salt);
        let kek = params
            .derive(passphrase, &salt)
            .ok_or(WalletError::WeakKdf)?;
        let sealed = seal::wrap_with(
            &kek,
            &backup_context(BACKUP_MAGIC, &kdf),
            &payload,
            &mut OsRng,
        );
        let mut out = BACKUP_MAGIC.to_vec();
        Value::Array(vec![Value::Bytes(kdf), Value::Bytes(sealed)]).encode_into(&mut out);
        let checksum = Sha256::digest(&out);
        out.extend_from_slice(&checksum);
        Ok(out)
    }

    /// Restores a backup into a new wallet at `path`, protected by
    /// `protection`, and returns it unlocked. The file appears only once the
    /// restore is complete. Documents come back awaiting re-binding.
    ///
    /// Every credential is checked against `trust` as [`Wallet::import`]
    /// checks it (issuer signature, the key's validity when it was issued,
    /// expiry), and a dependent's document needs its guardian's document
    /// restored too. A document that fails is skipped and reported in
    /// [`RestoreReport::skipped`]; the others are restored. The log comes
    /// back whole.
    ///
    /// # Errors
    /// [`WalletError::NotABackup`], [`WalletError::BackupDamaged`],
    /// [`WalletError::BackupTooCostly`], [`WalletError::WrongBackupPassphrase`],
    /// [`WalletError::AlreadyExists`], the errors of [`Wallet::create`].
    pub fn restore(
        path: &Path,
        backup: &[u8],
        backup_passphrase: &str,
        protection: Protection<'_>,
        trust: &TrustList,
        options: &WalletOptions,
        now: UnixTime,
    ) -> Result<(Wallet, RestoreReport), WalletError> {
        if path.exists() {
            return Err(WalletError::AlreadyExists(path.to_path_buf()));
        }
        let (documents, log) = open_backup(backup, backup_passphrase)?;
        let mut skipped = Vec::new();
        let mut checked = Vec::new();
        for (bytes, print) in &documents {
            let held = match HeldCredential::from_bytes(bytes) {
                Ok(held) => held,
                Err(error) => {
                    skipped.push(SkippedDocument {
                        number: None,
                        version: None,
                        reason: match error {
                            FormatError::UnsupportedVersion { .. } => SkipReason::OldFormat,
                            _ => SkipReason::Unreadable,
                        },
                    });
                    continue;
                }
            };
            // The same checks as at import, for the phone credential and for
            // the print credential kept with it.
            let checked_pair = if held.info().is_print_only() {
                Err(WalletError::PrintOnlyCredential)
            } else {
                check_trusted(&held, trust, now).and_then(|()| {
                    print
                        .as_deref()
                        .map(|print| checked_print(&held, print, trust, now))
                        .transpose()
                })
            };
            match checked_pair {
                Ok(print) => checked.push((held, print)),
                Err(error) => skipped.push(skip(&held, skip_reason(&error))),
            }
        }
        // Own documents before dependents' (their guardian must be there),
        // newest version first (an older copy is then a duplicate).
        checked.sort_by_key(|(held, _)| {
            (
                guardian_of(held).is_some(),
                std::cmp::Reverse(held.info().document_version),
            )
        });
        // The new wallet is built under a temporary name. A file already
        // there (or one of its companions) is not ours: refuse rather than
        // delete or reuse it.
        let partial = with_suffix(path, ".restoring");
        let partial_files = PARTIAL_COMPANIONS.map(|suffix| with_suffix(&partial, suffix));
        if let Some(in_the_way) = partial_files.iter().find(|p| p.symlink_metadata().is_ok()) {
            return Err(WalletError::RestoreInTheWay(in_the_way.clone()));
        }
        let built = build_restored(&partial, &checked, &log, protection, trust, options, now)
            .and_then(|(restored, mut late_skips)| {
                // The connection is closed: SQLite has folded the log into the file.
                std::fs::rename(&partial, path).map_err(|e| WalletError::Storage(e.to_string()))?;
                skipped.append(&mut late_skips);
                Ok(restored)
            });
        // Whatever happened, nothing of the temporary wallet stays: these
        // files did not exist before this restore made them.
        for file in &partial_files {
            let _ = std::fs::remove_file(file);
        }
        let restored = built?;
        let report = RestoreReport {
            documents: restored,
            log_entries: log.len(),
            needs_rebinding: restored,
            skipped,
        };
        let wallet = Wallet::open(path, options)?;
        wallet.unlock(protection, now)?;
        Ok((wallet, report))
    }
}

/// The files SQLite and the wallet may make beside a wallet file being built.
const PARTIAL_COMPANIONS: [&str; 5] = ["", "-wal", "-shm", "-journal", "-reserve"];

/// `path` with `suffix` appended to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Creates the wallet at `partial` and stores the checked documents and the
/// log; returns how many documents were stored and those skipped on the way
/// (duplicates, a guardian left out). The wallet is closed on return.
fn build_restored(
    partial: &Path,
    checked: &[(HeldCredential, Option<HeldCredential>)],
    log: &[LogEntry],
    protection: Protection<'_>,
    trust: &TrustList,
    options: &WalletOptions,
    now: UnixTime,
) -> Result<(usize, Vec<SkippedDocument>), WalletError> {
    let wallet = Wallet::create(partial, protection, options)?;
    let mut inner = wallet.lock_inner();
    let Inner { conn, session, .. } = &mut *inner;
    let session = session.as_ref().ok_or(WalletError::Locked)?;
    let mut restored = 0;
    let mut skipped = Vec::new();
    for (held, print) in checked {
        let document = store::Document {
            held,
            print: print.as_ref(),
        };
        match store::store(
            conn,
            &session.sealer,
            &document,
            &[],
            trust,
            now,
            true,
            false,
        ) {
            Ok(_) => restored += 1,
            Err(error) => match skip_reason(&error) {
                SkipReason::Unreadable => return Err(error),
                reason => skipped.push(skip(held, reason)),
            },
        }
    }
    for entry in log {
        store::append_log(conn, &session.sealer, entry)?;
    }
    Ok((restored, skipped))
}

fn skip(held: &HeldCredential, reason: SkipReason) -> SkippedDocument {
    SkippedDocument {
        number: document_number(held).ok(),
        version: Some(held.info().document_version),
        reason,
    }
}

/// Why a document is skipped, for the errors checking or storing it can
/// give; `Unreadable` for anything else (which then fails the restore when
/// it comes from storing).
fn skip_reason(error: &WalletError) -> SkipReason {
    match error {
        WalletError::NotTrusted => SkipReason::NotTrusted,
        WalletError::IssuerKeyNotValid => SkipReason::IssuerKeyNotValid,
        WalletError::Expired => SkipReason::Expired,
        WalletError::GuardianNotInWallet(_) => SkipReason::GuardianNotRestored,
        WalletError::AlreadyStored { .. } | WalletError::OlderVersion { .. } => {
            SkipReason::Duplicate
        }
        WalletError::PrintOnlyCredential
        | WalletError::NotAPrintCredential
        | WalletError::PrintCredentialMismatch => SkipReason::PrintCredential,
        _ => SkipReason::Unreadable,
    }
}

/// Documents (credential bytes, not yet checked, each with its print
/// credential's bytes if the backup holds one) and log entries inside a
/// backup.
type BackupContents = (Vec<(Vec<u8>, Option<Vec<u8>>)>, Vec<LogEntry>);

/// A backup file's clear parts.
pub(crate) struct BackupOuter {
    /// The format's magic (bound into the associated data).
    magic: &'static [u8],
    /// The encoded KDF row (bound into the associated data).
    kdf_row: Vec<u8>,
    params: KdfParams,
    salt: Vec<u8>,
    sealed: Vec<u8>,
}

/// Splits a backup file into its KDF row (encoded and decoded) and the
/// sealed payload, without any key, and checks that the key derivation it
/// asks for is within what a phone can afford, before any work is done.
pub(crate) fn parse_outer(backup: &[u8]) -> Result<BackupOuter, WalletError> {
    let damaged = WalletError::BackupDamaged;
    if backup.len() > MAX_BACKUP_BYTES {
        return Err(WalletError::NotABackup);
    }
    let (magic, body): (&'static [u8], &[u8]) =
        if let Some(rest) = backup.strip_prefix(BACKUP_MAGIC.as_slice()) {
            let split = rest
                .len()
                .checked_sub(CHECKSUM_LEN)
                .ok_or(damaged("it is cut short"))?;
            let (body, checksum) = rest.split_at(split);
            let expected = Sha256::digest(&backup[..backup.len() - CHECKSUM_LEN]);
            if !bool::from(subtle::ConstantTimeEq::ct_eq(checksum, expected.as_slice())) {
                return Err(damaged("its checksum does not match"));
            }
            (BACKUP_MAGIC, body)
        } else if let Some(body) = backup.strip_prefix(BACKUP_MAGIC_V1.as_slice()) {
            (BACKUP_MAGIC_V1, body)
        } else {
            return Err(WalletError::NotABackup);
        };
    let outer = cbor::decode(body).map_err(|_| damaged("its structure is unreadable"))?;
    let [kdf, sealed] = outer
        .as_array()
        .ok_or(damaged("its structure is unreadable"))?
    else {
        return Err(damaged("its structure is unreadable"));
    };
    let kdf = kdf
        .as_bytes()
        .ok_or(damaged("its key settings are unreadable"))?;
    let sealed = sealed
        .as_bytes()
        .ok_or(damaged("its structure is unreadable"))?;
    let (params, salt) =
        KdfParams::decode_with_salt(kdf).ok_or(damaged("its key settings are unreadable"))?;
    if !params.is_affordable_on_a_phone() {
        return Err(WalletError::BackupTooCostly {
            memory_mib: params.memory_kib / 1024,
            passes: params.iterations,
        });
    }
    if !params.is_acceptable() {
        return Err(damaged("its key settings are below the minimum"));
    }
    Ok(BackupOuter {
        magic,
        kdf_row: kdf.to_vec(),
        params,
        salt,
        sealed: sealed.to_vec(),
    })
}

/// Reads a decrypted backup payload: its structure only, the credentials
/// are checked when they are restored.
pub(crate) fn decode_payload(payload: &[u8]) -> Result<BackupContents, WalletError> {
    let unreadable = || WalletError::BackupDamaged("its contents are unreadable");
    let value = cbor::decode(payload).map_err(|_| unreadable())?;
    let [version, _created, documents, log] = value.as_array().ok_or_else(unreadable)? else {
        return Err(unreadable());
    };
    if version.as_u64() != Some(PAYLOAD_VERSION) {
        return Err(unreadable());
    }
    let documents = documents
        .as_array()
        .ok_or_else(unreadable)?
        .iter()
        .map(|v| match v {
            // A phone credential alone, or `[phone, print]`.
            Value::Bytes(phone) => Some((phone.clone(), None)),
            Value::Array(pair) => match pair.as_slice() {
                [Value::Bytes(phone), Value::Bytes(print)] => {
                    Some((phone.clone(), Some(print.clone())))
                }
                _ => None,
            },
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(unreadable)?;
    let log = log
        .as_array()
        .ok_or_else(unreadable)?
        .iter()
        .map(|v| v.as_bytes().and_then(|b| LogEntry::decode(0, b)))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(unreadable)?;
    Ok((documents, log))
}

/// Decrypts and reads a backup.
fn open_backup(backup: &[u8], passphrase: &str) -> Result<BackupContents, WalletError> {
    let outer = parse_outer(backup)?;
    let kek = outer
        .params
        .derive(passphrase, &outer.salt)
        .ok_or(WalletError::WeakKdf)?;
    let payload = seal::unwrap_with(
        &kek,
        &backup_context(outer.magic, &outer.kdf_row),
        &outer.sealed,
    )
    .ok_or(WalletError::WrongBackupPassphrase)?;
    decode_payload(&payload)
}
