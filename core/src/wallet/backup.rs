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
//! File layout: `BACKUP_MAGIC || CBOR [kdf settings, sealed payload]`, where
//! the payload is sealed with XChaCha20-Poly1305 under Argon2id(passphrase)
//! with the magic and the settings as associated data.

use super::*;
use crate::cbor::{self, Value};

/// The first bytes of every backup file.
pub const BACKUP_MAGIC: &[u8; 8] = b"HWYBAK01";
/// Largest backup accepted (1,000 documents with portraits fit well below).
const MAX_BACKUP_BYTES: usize = 256 * 1024 * 1024;
const PAYLOAD_VERSION: u64 = 1;

/// What a restore brought back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestoreReport {
    /// Documents restored.
    pub documents: usize,
    /// Presentation log entries restored.
    pub log_entries: usize,
    /// Documents that must be re-bound before device-bound presentation
    /// (all of them: device keys are never in a backup).
    pub needs_rebinding: usize,
}

fn backup_context(kdf: &[u8]) -> Vec<u8> {
    [BACKUP_MAGIC.as_slice(), kdf].concat()
}

impl Wallet {
    /// Exports the documents and the presentation log into one file sealed
    /// with `passphrase` (Argon2id at [`KdfParams::BACKUP`] or the options'
    /// settings if stronger). Device keys are left out.
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
        drop(inner);
        let log = self.presentation_log()?;
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
        let sealed = seal::wrap_with(&kek, &backup_context(&kdf), &payload, &mut OsRng);
        let mut out = BACKUP_MAGIC.to_vec();
        Value::Array(vec![Value::Bytes(kdf), Value::Bytes(sealed)]).encode_into(&mut out);
        Ok(out)
    }

    /// Restores a backup into a new wallet at `path`, protected by
    /// `protection`, and returns it unlocked. The file appears only once the
    /// restore is complete. Documents come back awaiting re-binding.
    ///
    /// # Errors
    /// [`WalletError::NotABackup`], [`WalletError::WrongBackupPassphrase`],
    /// [`WalletError::AlreadyExists`], the errors of [`Wallet::create`].
    pub fn restore(
        path: &Path,
        backup: &[u8],
        backup_passphrase: &str,
        protection: Protection<'_>,
        options: &WalletOptions,
        now: UnixTime,
    ) -> Result<(Wallet, RestoreReport), WalletError> {
        if path.exists() {
            return Err(WalletError::AlreadyExists(path.to_path_buf()));
        }
        let (documents, log) = open_backup(backup, backup_passphrase)?;
        let mut partial = path.as_os_str().to_owned();
        partial.push(".restoring");
        let partial = PathBuf::from(partial);
        for suffix in ["", "-wal", "-shm"] {
            let mut stale = partial.as_os_str().to_owned();
            stale.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(stale));
        }
        let report = {
            let wallet = Wallet::create(&partial, protection, options)?;
            let mut inner = wallet.lock_inner();
            let Inner { conn, session, .. } = &mut *inner;
            let session = session.as_ref().ok_or(WalletError::Locked)?;
            for (held, print) in &documents {
                let document = store::Document {
                    held,
                    print: print.as_ref(),
                };
                store::store(conn, &session.sealer, &document, &[], now, false, false)?;
            }
            for entry in &log {
                store::append_log(conn, &session.sealer, entry)?;
            }
            RestoreReport {
                documents: documents.len(),
                log_entries: log.len(),
                needs_rebinding: documents.len(),
            }
        };
        // The connection is closed: SQLite has folded the log into the file.
        std::fs::rename(&partial, path).map_err(|e| WalletError::Storage(e.to_string()))?;
        let wallet = Wallet::open(path, options)?;
        wallet.unlock(protection, now)?;
        Ok((wallet, report))
    }
}

/// Documents (each with its print credential, if any) and log entries
/// inside a backup.
type BackupContents = (Vec<(HeldCredential, Option<HeldCredential>)>, Vec<LogEntry>);

/// A backup file's clear parts.
pub(crate) struct BackupOuter {
    /// The encoded KDF row (bound into the associated data).
    kdf_row: Vec<u8>,
    params: KdfParams,
    salt: Vec<u8>,
    sealed: Vec<u8>,
}

/// Splits a backup file into its KDF row (encoded and decoded) and the
/// sealed payload, without any key.
pub(crate) fn parse_outer(backup: &[u8]) -> Result<BackupOuter, WalletError> {
    let body = backup
        .strip_prefix(BACKUP_MAGIC.as_slice())
        .filter(|_| backup.len() <= MAX_BACKUP_BYTES)
        .ok_or(WalletError::NotABackup)?;
    let outer = cbor::decode(body).map_err(|_| WalletError::NotABackup)?;
    let [kdf, sealed] = outer.as_array().ok_or(WalletError::NotABackup)? else {
        return Err(WalletError::NotABackup);
    };
    let kdf = kdf.as_bytes().ok_or(WalletError::NotABackup)?;
    let sealed = sealed.as_bytes().ok_or(WalletError::NotABackup)?;
    let (params, salt) = KdfParams::decode_with_salt(kdf).ok_or(WalletError::NotABackup)?;
    if !params.is_acceptable() {
        return Err(WalletError::NotABackup);
    }
    Ok(BackupOuter {
        kdf_row: kdf.to_vec(),
        params,
        salt,
        sealed: sealed.to_vec(),
    })
}

/// Reads a decrypted backup payload.
pub(crate) fn decode_payload(payload: &[u8]) -> Result<BackupContents, WalletError> {
    let value = cbor::decode(payload).map_err(|_| WalletError::NotABackup)?;
    let [version, _created, documents, log] = value.as_array().ok_or(WalletError::NotABackup)?
    else {
        return Err(WalletError::NotABackup);
    };
    if version.as_u64() != Some(PAYLOAD_VERSION) {
        return Err(WalletError::NotABackup);
    }
    let documents = documents
        .as_array()
        .ok_or(WalletError::NotABackup)?
        .iter()
        .map(|v| {
            let (phone, print) = match v {
                Value::Bytes(phone) => (phone, None),
                Value::Array(pair) => match pair.as_slice() {
                    [Value::Bytes(phone), Value::Bytes(print)] => (phone, Some(print)),
                    _ => return Err(WalletError::NotABackup),
                },
                _ => return Err(WalletError::NotABackup),
            };
            let held = HeldCredential::from_bytes(phone)?;
            // The same checks as at import: a phone credential, and a print
            // credential of the same document, version and claims.
            if held.info().is_print_only() {
                return Err(WalletError::PrintOnlyCredential);
            }
            let print = print
                .map(|bytes| {
                    let print = HeldCredential::from_bytes(bytes)?;
                    store::matches_phone_credential(&held, &print)?;
                    Ok::<_, WalletError>(print)
                })
                .transpose()?;
            Ok((held, print))
        })
        .collect::<Result<Vec<_>, WalletError>>()?;
    let log = log
        .as_array()
        .ok_or(WalletError::NotABackup)?
        .iter()
        .map(|v| {
            v.as_bytes()
                .and_then(|b| LogEntry::decode(0, b))
                .ok_or(WalletError::NotABackup)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((documents, log))
}

/// Decrypts and reads a backup.
fn open_backup(backup: &[u8], passphrase: &str) -> Result<BackupContents, WalletError> {
    let outer = parse_outer(backup)?;
    let kek = outer
        .params
        .derive(passphrase, &outer.salt)
        .ok_or(WalletError::WeakKdf)?;
    let payload = seal::unwrap_with(&kek, &backup_context(&outer.kdf_row), &outer.sealed)
        .ok_or(WalletError::WrongBackupPassphrase)?;
    decode_payload(&payload)
}
