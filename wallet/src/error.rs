//! Why a wallet operation failed.

use std::path::PathBuf;

use hawiya_core::{FormatError, KeyError, PresentError};
use thiserror::Error;

use crate::key_source::KeySourceError;
use crate::passcode::{UnlockBlocked, WeakPasscode};

/// Why a wallet operation failed. Each message says what to do next.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WalletError {
    // ---- the file ----
    /// There is no file at the path.
    #[error("no wallet at {0}; create one first")]
    NotFound(PathBuf),
    /// `create` was asked to overwrite an existing file.
    #[error("a file already exists at {0}; open it, or choose another path")]
    AlreadyExists(PathBuf),
    /// `restore` builds the new wallet under a temporary name beside the
    /// target (`PATH.restoring` and its companions), and a file of that name
    /// exists. It is never overwritten or deleted.
    #[error("{0} already exists, and a restore builds the new wallet under that name first: move it away or delete it (a restore that was killed can leave it behind), then try again")]
    RestoreInTheWay(PathBuf),
    /// The file is not a hawiya wallet (or its creation was interrupted).
    #[error("this file is not a hawiya wallet (or its creation was interrupted); choose the right file or create a new wallet")]
    NotAWallet,
    /// The file was written by a newer version of the app.
    #[error("the wallet uses schema {found}, newer than this app's {supported}; update the app")]
    NewerSchema {
        /// Schema version in the file.
        found: u32,
        /// Newest schema this build knows.
        supported: u32,
    },
    /// The database is damaged.
    #[error("the wallet file is damaged ({0}); restore it from a backup")]
    Corrupt(String),
    /// Another process or handle kept the wallet busy past the timeout.
    #[error("the wallet is busy in another process or thread; try again")]
    Busy,
    /// The disk is full. The operation changed nothing; unlocking, reading
    /// and presenting keep working (see the wallet's reserve), other
    /// changes wait for free space.
    #[error("the disk is full: free some space on the device and try again; nothing was changed")]
    DiskFull,
    /// Any other storage failure (permissions, I/O).
    #[error("the wallet file could not be read or written: {0}")]
    Storage(String),
    /// A sealed row failed to open or was rolled back: someone altered the file.
    #[error("the wallet file was altered ({0}); restore it from a backup")]
    Tampered(&'static str),

    // ---- unlocking ----
    /// The wallet is locked; unlock it first.
    #[error("the wallet is locked; unlock it first")]
    Locked,
    /// A live code's showing ended: the wallet was locked or its documents
    /// changed since the showing began (or it was ended). Nothing was signed.
    #[error("this code is no longer being shown (the wallet was locked or its documents changed); show the document again")]
    ShowingEnded,
    /// The passphrase or PIN is wrong. Nothing changed except the failure count.
    #[error("wrong passphrase; {remaining} attempts left before the wallet locks")]
    WrongPassphrase {
        /// Attempts left before lockout.
        remaining: u32,
    },
    /// Unlocking is throttled or locked out after failed attempts.
    #[error(transparent)]
    Blocked(#[from] UnlockBlocked),
    /// The wallet is protected differently (passphrase vs. device key store).
    #[error("this wallet is protected by {expected}; unlock it that way")]
    WrongProtection {
        /// How the wallet is protected.
        expected: &'static str,
    },
    /// The platform key store failed.
    #[error(transparent)]
    KeySource(#[from] KeySourceError),
    /// The new PIN or passphrase is too easy to guess.
    #[error(transparent)]
    WeakPasscode(#[from] WeakPasscode),
    /// Argon2id settings below OWASP's minimum or beyond sane limits.
    #[error("key derivation settings are below OWASP's Argon2id minimum or too large; use KdfParams::OWASP_MINIMUM or stronger")]
    WeakKdf,
    /// Invalid options.
    #[error("invalid wallet options: {0}")]
    InvalidOptions(&'static str),

    // ---- documents ----
    /// The credential is not a readable hawiya credential.
    #[error("not a hawiya credential: {0}")]
    Format(#[from] FormatError),
    /// The issuer is not in the trust list, or the signature does not verify.
    #[error("the credential is not signed by an issuer in the trust list; update the trust list or ask the issuer again")]
    NotTrusted,
    /// The issuer key was not valid when the credential was issued.
    #[error("the issuer's key was not valid when this credential was issued")]
    IssuerKeyNotValid,
    /// The credential has expired.
    #[error("the credential expired; ask the issuer for a renewal")]
    Expired,
    /// The credential is bound to a device key this wallet does not hold.
    #[error("the credential is bound to another device's key; bind this wallet (binding request) and ask the issuer again")]
    NotBoundToWallet,
    /// A dependent's credential names a guardian whose document is not in this wallet.
    #[error("this dependent's credential names guardian document {0}, which is not in this wallet; import your own document first")]
    GuardianNotInWallet(u64),
    /// The same version of this document is already stored.
    #[error("document {number} version {version} is already in the wallet")]
    AlreadyStored {
        /// Document number.
        number: u64,
        /// Its version.
        version: u32,
    },
    /// The offered version is older than (or equal to a purged) stored one.
    #[error("document {number} version {offered} is older than the stored version {stored}; only renewals can replace a document")]
    OlderVersion {
        /// Document number.
        number: u64,
        /// Version in the wallet.
        stored: u64,
        /// Version offered.
        offered: u32,
    },
    /// `Wallet::renew` was given a document the wallet does not hold yet.
    #[error(
        "not a renewal: the wallet holds no version of document {0}; import it as a new document"
    )]
    NotARenewal(u64),
    /// No document with that number.
    #[error("no document {0} in the wallet")]
    NoSuchDocument(u64),
    /// A printed code was asked for a document the wallet holds no print
    /// credential for.
    #[error("document {0} has no print credential in this wallet: ask the issuer for the document's print credential to print its card or show a printed code")]
    NoPrintCredential(u64),
    /// The credential given as a print credential is bound to a phone.
    #[error("the credential given as the print credential is bound to a phone: ask the issuer for the document's print credential")]
    NotAPrintCredential,
    /// A print credential was given where the phone's credential belongs.
    #[error("this is a print credential (the printable card's), not the phone's: import it together with the document's phone credential, or as the print credential of a stored document")]
    PrintOnlyCredential,
    /// The print credential is not of the same document and version, or its
    /// claims differ.
    #[error("the print credential is not for this document (its number, version, guardian or claims differ): ask the issuer for the print credential issued with this version")]
    PrintCredentialMismatch,
    /// The document is bound to a key this wallet no longer holds (restored
    /// from backup): it can be shown in static form until re-bound.
    #[error("document {0} needs re-binding on this device: make a binding request and ask the issuer to reissue it")]
    NeedsRebinding(u64),
    /// No device key with that public key, or its platform signer is not attached.
    #[error(
        "this wallet has no usable device key {0}; attach the platform signer or create a key"
    )]
    UnknownDeviceKey(String),
    /// Making the presentation failed.
    #[error(transparent)]
    Present(#[from] PresentError),
    /// A device key operation failed.
    #[error(transparent)]
    Key(#[from] KeyError),

    // ---- backups ----
    /// The file is not a hawiya backup at all.
    #[error("not a hawiya wallet backup; choose the backup file")]
    NotABackup,
    /// The backup file is damaged (its checksum or structure is wrong): no
    /// passphrase would open it.
    #[error("the backup file is damaged ({0}); use another copy of it")]
    BackupDamaged(&'static str),
    /// The backup asks for more key-derivation memory or passes than a phone
    /// can afford; it was refused before any work was done.
    #[error("the backup asks for Argon2id with {memory_mib} MiB and {passes} passes, more than a phone can afford; hawiya never writes such backups, so it was refused")]
    BackupTooCostly {
        /// Memory it asks for, in MiB.
        memory_mib: u32,
        /// Passes it asks for.
        passes: u32,
    },
    /// Wrong backup passphrase.
    #[error("wrong backup passphrase")]
    WrongBackupPassphrase,
}

/// Maps SQLite errors to typed wallet errors.
pub(crate) fn storage_error(error: rusqlite::Error) -> WalletError {
    use rusqlite::ErrorCode;
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => WalletError::Busy,
        Some(ErrorCode::NotADatabase) => WalletError::NotAWallet,
        Some(ErrorCode::DatabaseCorrupt) => WalletError::Corrupt(error.to_string()),
        Some(ErrorCode::DiskFull) => WalletError::DiskFull,
        _ => WalletError::Storage(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::ffi;

    fn sqlite(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(ffi::Error::new(code), None)
    }

    #[test]
    fn sqlite_failures_become_errors_the_holder_can_act_on() {
        assert!(matches!(
            storage_error(sqlite(ffi::SQLITE_BUSY)),
            WalletError::Busy
        ));
        assert!(matches!(
            storage_error(sqlite(ffi::SQLITE_LOCKED)),
            WalletError::Busy
        ));
        assert!(matches!(
            storage_error(sqlite(ffi::SQLITE_FULL)),
            WalletError::DiskFull
        ));
        assert!(matches!(
            storage_error(sqlite(ffi::SQLITE_NOTADB)),
            WalletError::NotAWallet
        ));
        assert!(matches!(
            storage_error(sqlite(ffi::SQLITE_CORRUPT)),
            WalletError::Corrupt(_)
        ));
        assert!(matches!(
            storage_error(sqlite(ffi::SQLITE_IOERR)),
            WalletError::Storage(_)
        ));
        assert!(WalletError::DiskFull.to_string().contains("space"));
    }
}
