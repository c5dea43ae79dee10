//! Typed errors, one enum per concern, as Kotlin exceptions
//! (`WalletException`, `VerifyException`, …) and Swift `Error`s.
//!
//! Messages say what went wrong and what to do next. They never contain a
//! passphrase, a key, a document number, a name or a file path, so an app may
//! log them; the few numbers they carry (attempts left, seconds to wait,
//! versions) are not personal data.
//!
//! A sentence lives in one place: where a variant means what a core error
//! means, its message is that core error's `Display` (`#[error("{}", …)]`,
//! a path given as "that path"). The façade writes its own only where core's
//! would carry a document number, merges several core errors, or has none.

use hawiya_core as core;
use hawiya_wallet as wallet;

/// Why a wallet operation failed.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum WalletError {
    /// There is no wallet file at the path.
    #[error("{}", hawiya_wallet::WalletError::NotFound("that path".into()))]
    NotFound,
    /// `create` or `restore` was asked to overwrite an existing file (for a
    /// restore, also the temporary file it builds under, `PATH.restoring`).
    #[error("{}", hawiya_wallet::WalletError::AlreadyExists("that path".into()))]
    AlreadyExists,
    /// The file is not a hawiya wallet (or its creation was interrupted).
    #[error("{}", hawiya_wallet::WalletError::NotAWallet)]
    NotAWallet,
    /// The file was written by a newer version of the app.
    #[error("{}", hawiya_wallet::WalletError::NewerSchema { found: *found, supported: *supported })]
    NewerSchema {
        /// Schema version in the file.
        found: u32,
        /// Newest schema this build knows.
        supported: u32,
    },
    /// The database is damaged.
    #[error("the wallet file is damaged; restore it from a backup")]
    Corrupt,
    /// Another process or handle kept the wallet busy past the timeout.
    #[error("{}", hawiya_wallet::WalletError::Busy)]
    Busy,
    /// The disk is full. Nothing was changed; unlocking, reading and
    /// presenting keep working, other changes wait for free space.
    #[error("{}", hawiya_wallet::WalletError::DiskFull)]
    DiskFull,
    /// Any other storage failure (permissions, I/O).
    #[error("the wallet file could not be read or written ({reason})")]
    Storage {
        /// What the storage layer reported (no path, no data).
        reason: String,
    },
    /// A sealed row failed to open or was rolled back: someone altered the file.
    #[error("the wallet file was altered ({what}); restore it from a backup")]
    Tampered {
        /// Which part of the file.
        what: String,
    },
    /// The wallet is locked; unlock it first.
    #[error("{}", hawiya_wallet::WalletError::Locked)]
    Locked,
    /// A live code's showing ended: the wallet was locked or its documents
    /// changed since it began, or it was ended. Stop showing the code; the
    /// holder shows the document again.
    #[error("{}", hawiya_wallet::WalletError::ShowingEnded)]
    ShowingEnded,
    /// The passphrase or PIN is wrong. Nothing changed except the failure count.
    #[error("{}", hawiya_wallet::WalletError::WrongPassphrase { remaining: *remaining })]
    WrongPassphrase {
        /// Attempts left before lockout.
        remaining: u32,
    },
    /// Too many recent failures: wait before the next attempt.
    #[error("{}", hawiya_wallet::UnlockBlocked::RetryAfter { seconds: *seconds })]
    RetryLater {
        /// Seconds until an attempt is allowed.
        seconds: u64,
    },
    /// Too many consecutive failures: the wallet stays locked.
    #[error("{}", hawiya_wallet::UnlockBlocked::LockedOut { failures: *failures })]
    LockedOut {
        /// The consecutive failures recorded.
        failures: u32,
    },
    /// The wallet is protected the other way (passphrase vs. key source).
    #[error("this wallet is protected by {expected}; unlock it that way")]
    WrongProtection {
        /// "a passphrase" or "the device key store".
        expected: String,
    },
    /// The app's key source refused: the holder presented a wrong secret.
    /// Counted as a failed unlock.
    #[error("{}", hawiya_wallet::KeySourceError::Rejected)]
    KeySourceRejected,
    /// The app's key source's prompt was cancelled (by the holder or the
    /// system) or timed out. Not counted as a failed unlock.
    #[error("{}", hawiya_wallet::KeySourceError::Cancelled)]
    KeySourceCancelled,
    /// The app's key source failed (key invalidated, hardware error, or the
    /// app's implementation threw). Not counted as a failed unlock.
    #[error("{}", hawiya_wallet::KeySourceError::Unavailable(reason.clone()))]
    KeySourceUnavailable {
        /// What the key source reported.
        reason: String,
    },
    /// The new PIN or passphrase is too easy to guess.
    #[error("{reason}")]
    WeakPasscode {
        /// Which rule it broke.
        kind: WeakPasscodeKind,
        /// A sentence to show the holder (never contains the passcode).
        reason: String,
    },
    /// Argon2id settings below OWASP's minimum or beyond sane limits.
    // Core's sentence names a Rust constant (`KdfParams::OWASP_MINIMUM`).
    #[error("key derivation settings are below OWASP's Argon2id minimum or too large")]
    WeakKdf,
    /// Invalid options.
    #[error("invalid wallet options: {reason}")]
    InvalidOptions {
        /// What is wrong.
        reason: String,
    },
    /// The bytes are not a readable hawiya credential.
    #[error("not a hawiya credential ({reason})")]
    InvalidCredential {
        /// What is wrong with the format.
        reason: String,
    },
    /// The issuer is not in the trust list, or the signature does not verify.
    #[error("{}", hawiya_wallet::WalletError::NotTrusted)]
    NotTrusted,
    /// The issuer key was not valid when the credential was issued.
    #[error("{}", hawiya_wallet::WalletError::IssuerKeyNotValid)]
    IssuerKeyNotValid,
    /// The credential has expired.
    #[error("{}", hawiya_wallet::WalletError::Expired)]
    Expired,
    /// The credential is bound to a device key this wallet does not hold.
    #[error("{}", hawiya_wallet::WalletError::NotBoundToWallet)]
    NotBoundToWallet,
    /// A dependent's credential names a guardian whose document is not here.
    #[error("this dependent's credential names a guardian document that is not in this wallet; import your own document first")]
    GuardianNotInWallet,
    /// The same version of this document is already stored.
    #[error("version {version} of this document is already in the wallet")]
    AlreadyStored {
        /// Its version.
        version: u32,
    },
    /// The offered version is older than (or equal to a purged) stored one.
    #[error("this credential is version {offered}, older than the stored version {stored}; only renewals can replace a document")]
    OlderVersion {
        /// Version in the wallet.
        stored: u64,
        /// Version offered.
        offered: u32,
    },
    /// `renew` was given a document the wallet does not hold yet.
    #[error(
        "not a renewal: the wallet holds no older version of this document; import it instead"
    )]
    NotARenewal,
    /// No document with that number.
    #[error("no such document in the wallet")]
    NoSuchDocument,
    /// The document is bound to a key this wallet no longer holds (restored
    /// from backup): only its printed code (with a print credential) until
    /// it is re-bound.
    #[error("this document needs re-binding on this device: make a binding request and ask the issuer to reissue it")]
    NeedsRebinding,
    /// A printed code was asked for a document the wallet holds no print
    /// credential for.
    #[error("this document has no print credential in the wallet: ask the issuer for its print credential to print the card or show a printed code")]
    NoPrintCredential,
    /// The credential given as a print credential is bound to a phone.
    #[error("{}", hawiya_wallet::WalletError::NotAPrintCredential)]
    NotAPrintCredential,
    /// A print credential was given where the phone's credential belongs.
    #[error("{}", hawiya_wallet::WalletError::PrintOnlyCredential)]
    PrintOnlyCredential,
    /// The print credential is not of the same document and version, or its
    /// claims differ.
    #[error("{}", hawiya_wallet::WalletError::PrintCredentialMismatch)]
    PrintCredentialMismatch,
    /// The challenge the holder typed or scanned is not a verifier's
    /// challenge: six digits (100000 to 999999), or its QR text (`HWC:…`).
    #[error("not a verifier's challenge: type the 6 digits the verifier shows, or scan its challenge QR code")]
    InvalidChallenge,
    /// No device key with that public key, or its platform signer is not attached.
    #[error("{}", hawiya_wallet::WalletError::UnknownDeviceKey(fingerprint.clone()))]
    UnknownDeviceKey {
        /// The key's short fingerprint (public data).
        fingerprint: String,
    },
    /// The presentation request is not valid (empty or foreign disclosure).
    #[error("cannot make this presentation: {reason}")]
    InvalidPresentation {
        /// What is wrong with the request.
        reason: String,
    },
    /// A device signer (in the wallet, or the app's hardware signer) failed.
    #[error("the device signer failed; unlock the device key and try again")]
    SignerFailed,
    /// A public key given by the app is not an Ed25519 key.
    #[error("{}", hawiya_core::KeyError::InvalidPublicKey)]
    InvalidPublicKey,
    /// The file is not a hawiya backup at all.
    #[error("{}", hawiya_wallet::WalletError::NotABackup)]
    NotABackup,
    /// The backup file is damaged (checksum or structure): no passphrase
    /// would open it.
    #[error("the backup file is damaged ({reason}); use another copy of it")]
    BackupDamaged {
        /// What is damaged.
        reason: String,
    },
    /// The backup asks for more key-derivation memory or passes than a phone
    /// can afford; refused before any work.
    #[error("{}", hawiya_wallet::WalletError::BackupTooCostly { memory_mib: *memory_mib, passes: *passes })]
    BackupTooCostly {
        /// Memory it asks for, in MiB.
        memory_mib: u32,
        /// Passes it asks for.
        passes: u32,
    },
    /// Wrong backup passphrase.
    #[error("{}", hawiya_wallet::WalletError::WrongBackupPassphrase)]
    WrongBackupPassphrase,
    /// The app's clock failed (its implementation threw).
    #[error("the clock is unavailable ({reason})")]
    ClockUnavailable {
        /// What the clock reported.
        reason: String,
    },
    /// A failure this version of the bindings does not know how to name.
    #[error("unexpected wallet failure: {reason}")]
    Other {
        /// A description without personal data.
        reason: String,
    },
}

/// Which passcode rule a new PIN or passphrase broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum WeakPasscodeKind {
    /// A birth date of someone in the wallet.
    BirthDate,
    /// One of the most used PINs and passwords.
    Common,
    /// One character repeated.
    RepeatedCharacter,
    /// A short block repeated.
    RepeatingPattern,
    /// Consecutive digits, letters or keyboard keys.
    Sequence,
    /// Shorter than the minimum.
    TooShort,
    /// A rule this version of the bindings does not know.
    Other,
}

impl From<wallet::WeakPasscode> for WeakPasscodeKind {
    fn from(weak: wallet::WeakPasscode) -> Self {
        match weak {
            wallet::WeakPasscode::BirthDate => WeakPasscodeKind::BirthDate,
            wallet::WeakPasscode::Common => WeakPasscodeKind::Common,
            wallet::WeakPasscode::RepeatedCharacter => WeakPasscodeKind::RepeatedCharacter,
            wallet::WeakPasscode::RepeatingPattern => WeakPasscodeKind::RepeatingPattern,
            wallet::WeakPasscode::Sequence => WeakPasscodeKind::Sequence,
            wallet::WeakPasscode::TooShort { .. } => WeakPasscodeKind::TooShort,
        }
    }
}

impl From<wallet::WalletError> for WalletError {
    fn from(error: wallet::WalletError) -> Self {
        use wallet::WalletError as E;
        match error {
            E::NotFound(_) => WalletError::NotFound,
            E::AlreadyExists(_) | E::RestoreInTheWay(_) => WalletError::AlreadyExists,
            E::NotAWallet => WalletError::NotAWallet,
            E::NewerSchema { found, supported } => WalletError::NewerSchema { found, supported },
            E::Corrupt(_) => WalletError::Corrupt,
            E::Busy => WalletError::Busy,
            E::DiskFull => WalletError::DiskFull,
            E::Storage(reason) => WalletError::Storage { reason },
            E::Tampered(what) => WalletError::Tampered { what: what.into() },
            E::Locked => WalletError::Locked,
            E::ShowingEnded => WalletError::ShowingEnded,
            E::WrongPassphrase { remaining } => WalletError::WrongPassphrase { remaining },
            E::Blocked(wallet::UnlockBlocked::RetryAfter { seconds }) => {
                WalletError::RetryLater { seconds }
            }
            E::Blocked(wallet::UnlockBlocked::LockedOut { failures }) => {
                WalletError::LockedOut { failures }
            }
            E::WrongProtection { expected } => WalletError::WrongProtection {
                expected: expected.into(),
            },
            E::KeySource(wallet::KeySourceError::Rejected) => WalletError::KeySourceRejected,
            E::KeySource(wallet::KeySourceError::Cancelled) => WalletError::KeySourceCancelled,
            E::KeySource(wallet::KeySourceError::Unavailable(reason)) => {
                WalletError::KeySourceUnavailable { reason }
            }
            E::KeySource(other) => WalletError::KeySourceUnavailable {
                reason: other.to_string(),
            },
            E::WeakPasscode(weak) => WalletError::WeakPasscode {
                kind: weak.into(),
                reason: weak.to_string(),
            },
            E::WeakKdf => WalletError::WeakKdf,
            E::InvalidOptions(reason) => WalletError::InvalidOptions {
                reason: reason.into(),
            },
            E::Format(format) => WalletError::InvalidCredential {
                reason: format.to_string(),
            },
            E::NotTrusted => WalletError::NotTrusted,
            E::IssuerKeyNotValid => WalletError::IssuerKeyNotValid,
            E::Expired => WalletError::Expired,
            E::NotBoundToWallet => WalletError::NotBoundToWallet,
            E::GuardianNotInWallet(_) => WalletError::GuardianNotInWallet,
            E::AlreadyStored { version, .. } => WalletError::AlreadyStored { version },
            E::OlderVersion {
                stored, offered, ..
            } => WalletError::OlderVersion { stored, offered },
            E::NotARenewal(_) => WalletError::NotARenewal,
            E::NoSuchDocument(_) => WalletError::NoSuchDocument,
            E::NeedsRebinding(_) => WalletError::NeedsRebinding,
            E::NoPrintCredential(_) => WalletError::NoPrintCredential,
            E::NotAPrintCredential => WalletError::NotAPrintCredential,
            E::PrintOnlyCredential => WalletError::PrintOnlyCredential,
            E::PrintCredentialMismatch => WalletError::PrintCredentialMismatch,
            E::UnknownDeviceKey(fingerprint) => WalletError::UnknownDeviceKey { fingerprint },
            E::Present(present) => present_error(present),
            E::Key(core::KeyError::InvalidPublicKey) => WalletError::InvalidPublicKey,
            E::Key(_) => WalletError::SignerFailed,
            E::NotABackup => WalletError::NotABackup,
            E::BackupDamaged(reason) => WalletError::BackupDamaged {
                reason: reason.into(),
            },
            E::BackupTooCostly { memory_mib, passes } => {
                WalletError::BackupTooCostly { memory_mib, passes }
            }
            E::WrongBackupPassphrase => WalletError::WrongBackupPassphrase,
            other => WalletError::Other {
                reason: other.to_string(),
            },
        }
    }
}

fn present_error(error: core::PresentError) -> WalletError {
    match error {
        core::PresentError::Signer(core::KeyError::InvalidPublicKey) => {
            WalletError::InvalidPublicKey
        }
        core::PresentError::Signer(_) => WalletError::SignerFailed,
        other => WalletError::InvalidPresentation {
            reason: other.to_string(),
        },
    }
}

/// Why a trust list or status list was refused, or a verifier could not run.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The bytes are not a trust list or status list.
    #[error("not a hawiya trust list or status list ({reason})")]
    Malformed {
        /// What is wrong with the format.
        reason: String,
    },
    /// The root (trust list) or issuer (status list) signature does not verify.
    #[error(
        "the signature does not verify with the pinned key; get the list from your issuer again"
    )]
    BadSignature,
    /// The trust list is older than one already accepted.
    #[error("{}", hawiya_core::TrustListError::Rollback { offered: *offered, seen: *seen })]
    Rollback {
        /// The version offered.
        offered: u64,
        /// The newest version seen.
        seen: u64,
    },
    /// The trust list names one key id twice.
    #[error("the trust list names a key id twice")]
    DuplicateKeyId,
    /// The status list is signed by a key the trust list does not have.
    #[error("{}", hawiya_core::StatusListError::UnknownIssuerKey)]
    UnknownIssuerKey,
    /// The status list was signed outside its key's validity period.
    #[error("{}", hawiya_core::StatusListError::KeyNotValid)]
    KeyNotValid,
    /// The status list's address is not its issuer's.
    #[error("{}", hawiya_core::StatusListError::WrongAddress)]
    WrongAddress,
    /// A public key given by the app is not an Ed25519 key.
    #[error("{}", hawiya_core::KeyError::InvalidPublicKey)]
    InvalidPublicKey,
    /// The challenge passed to `verify` is not one `newChallenge` made (its
    /// code is not six digits 100000 to 999999).
    #[error("not a challenge this verifier made: pass the Challenge newChallenge returned")]
    InvalidChallenge,
    /// The app's clock failed (its implementation threw).
    #[error("the clock is unavailable ({reason})")]
    ClockUnavailable {
        /// What the clock reported.
        reason: String,
    },
    /// A failure this version of the bindings does not know how to name.
    #[error("unexpected verifier failure: {reason}")]
    Other {
        /// A description without personal data.
        reason: String,
    },
}

impl From<core::TrustListError> for VerifyError {
    fn from(error: core::TrustListError) -> Self {
        use core::TrustListError as E;
        match error {
            E::DuplicateKid { .. } => VerifyError::DuplicateKeyId,
            E::Format(format) => VerifyError::Malformed {
                reason: format.to_string(),
            },
            E::Rollback { offered, seen } => VerifyError::Rollback { offered, seen },
            E::Signature => VerifyError::BadSignature,
            other => VerifyError::Other {
                reason: other.to_string(),
            },
        }
    }
}

impl From<core::StatusListError> for VerifyError {
    fn from(error: core::StatusListError) -> Self {
        use core::StatusListError as E;
        match error {
            E::Format(format) => VerifyError::Malformed {
                reason: format.to_string(),
            },
            E::UnknownIssuerKey => VerifyError::UnknownIssuerKey,
            E::KeyNotValid => VerifyError::KeyNotValid,
            E::Signature => VerifyError::BadSignature,
            E::WrongAddress => VerifyError::WrongAddress,
            other => VerifyError::Other {
                reason: other.to_string(),
            },
        }
    }
}

#[cfg(feature = "test-issuer")]
/// Why the test issuer could not issue or sign.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The binding request is not readable.
    #[error("not a binding request ({reason})")]
    MalformedBindingRequest {
        /// What is wrong with the format.
        reason: String,
    },
    /// The binding request's signature does not verify with its key.
    #[error("{}", hawiya_core::IssueError::BindingSignature)]
    BindingSignature,
    /// The binding request answers a different nonce.
    #[error("{}", hawiya_core::IssueError::NonceMismatch)]
    NonceMismatch,
    /// The claims are not a valid document.
    #[error("invalid claims: {reason}")]
    InvalidClaims {
        /// Which field is wrong and why (field names only, never values).
        reason: String,
    },
    /// The document's expiry date is already past at issuance.
    #[error("{}", hawiya_core::IssueError::AlreadyExpired)]
    AlreadyExpired,
    /// The guardian's document number is not valid, or is the dependent's own.
    #[error("the guardian's document number is not a valid guardian for this document")]
    InvalidGuardian,
    /// Issuer settings, a status index or a time value are out of range.
    #[error("invalid issuer input: {reason}")]
    InvalidInput {
        /// What is wrong.
        reason: String,
    },
    /// A failure this version of the bindings does not know how to name.
    #[error("unexpected issuer failure: {reason}")]
    Other {
        /// A description without personal data.
        reason: String,
    },
}

#[cfg(feature = "test-issuer")]
impl From<core::IssueError> for IssueError {
    fn from(error: core::IssueError) -> Self {
        use core::IssueError as E;
        match error {
            E::BindingSignature => IssueError::BindingSignature,
            E::Claims(claims) => IssueError::InvalidClaims {
                reason: claims.to_string(),
            },
            E::AlreadyExpired => IssueError::AlreadyExpired,
            E::Config(reason) => IssueError::InvalidInput {
                reason: reason.into(),
            },
            E::GuardianIsDependent | E::GuardianNumber => IssueError::InvalidGuardian,
            E::NonceMismatch => IssueError::NonceMismatch,
            E::TimeBeforeEpoch => IssueError::InvalidInput {
                reason: "issuance time is before 1970-01-01".into(),
            },
            other => IssueError::Other {
                reason: other.to_string(),
            },
        }
    }
}

#[cfg(feature = "test-issuer")]
impl From<core::StatusListError> for IssueError {
    fn from(error: core::StatusListError) -> Self {
        IssueError::InvalidInput {
            reason: error.to_string(),
        }
    }
}

#[cfg(feature = "test-issuer")]
impl From<core::TrustListError> for IssueError {
    fn from(error: core::TrustListError) -> Self {
        IssueError::InvalidInput {
            reason: error.to_string(),
        }
    }
}

/// Why a QR code could not be rendered or read.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[non_exhaustive]
pub enum QrError {
    /// The text does not fit a QR code, or is not QR alphanumeric text.
    #[error("cannot encode this text as a QR code ({reason})")]
    Encode {
        /// What is wrong.
        reason: String,
    },
    /// The image is not a PNG, holds no QR code, or the code is unreadable.
    #[error("no readable QR code in this image ({reason})")]
    Decode {
        /// What went wrong.
        reason: String,
    },
}

/// The sentence for a wallet error, for screens and logs (Kotlin's generated
/// `message` lists only the fields).
#[uniffi::export]
pub fn describe_wallet_error(error: WalletError) -> String {
    error.to_string()
}

/// The sentence for a verifier error.
#[uniffi::export]
pub fn describe_verify_error(error: VerifyError) -> String {
    error.to_string()
}

#[cfg(feature = "test-issuer")]
/// The sentence for a test issuer error.
#[uniffi::export]
pub fn describe_issue_error(error: IssueError) -> String {
    error.to_string()
}

/// The sentence for a QR error.
#[uniffi::export]
pub fn describe_qr_error(error: QrError) -> String {
    error.to_string()
}
