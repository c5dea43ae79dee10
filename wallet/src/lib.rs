//! The holder's encrypted offline wallet on SQLite.
//!
//! One file holds the holder's documents and their dependents', the device
//! keys and the presentation log. Every secret row is sealed under a random
//! data key (see `seal`); the data key is stored only wrapped by a
//! [`KeySource`] the app implements or by a passphrase through Argon2id.
//! Renewals replace the old version in one transaction and purge it. Time is
//! passed in; randomness comes from the operating system.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub(crate) mod backup;
mod key_source;
mod log_head;
pub(crate) mod manifest;
mod passcode;
pub(crate) mod records;
mod reset;
mod schema;
mod seal;
mod space;
mod store;
mod unlock;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rand_core::OsRng;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use thiserror::Error;
use zeroize::Zeroizing;

use hawiya_core::BindingRequest;
use hawiya_core::ChallengeCode;
use hawiya_core::Clock;
use hawiya_core::FormatError;
use hawiya_core::HeldCredential;
use hawiya_core::TrustList;
use hawiya_core::{ClaimKey, ClaimValue, DocumentType};
use hawiya_core::{Date, UnixTime};
use hawiya_core::{DeviceSigner, KeyError, PublicKey, SecretKey};
use hawiya_core::{Disclosure, PresentError, Presentation};

pub use backup::{RestoreReport, SkipReason, SkippedDocument, BACKUP_MAGIC};
pub use key_source::{KdfParams, KeySource, KeySourceError};
pub(crate) use log_head::LogHead;
pub use manifest::{Damage, DamagedDocument};
pub use passcode::{AttemptState, PasscodeRules, UnlockBlocked, UnlockPolicy, WeakPasscode};
pub use records::LogEntry;
pub use schema::SCHEMA_VERSION;

use records::{DocumentRecord, KeyRecord};
use seal::{DataKey, RowId, Sealer, INDEX_LEN, WALLET_ID_LEN};

/// Context bound to the passphrase-wrapped data key.
const PASSPHRASE_WRAP_CONTEXT: &[u8] = b"hawiya-wallet/1 data key";
/// Blind-index label for document numbers.
const DOCUMENT_INDEX: &[u8] = b"document number";

/// Names of the clear and sealed settings rows in `meta`.
mod meta {
    pub const WALLET_ID: &str = "wallet_id";
    pub const PROTECTION: &str = "protection";
    pub const KDF: &str = "kdf";
    pub const WRAPPED_KEY: &str = "wrapped_key";
    pub const ATTEMPTS: &str = "attempts";
    pub const POLICY: &str = "unlock_policy";
    /// Sealed version marks of schemas 1 and 2 (replaced by the manifest).
    pub const MARKS: &str = "marks";
    /// Sealed document manifest (schema 3).
    pub const MANIFEST: &str = "manifest";
    /// Sealed head of the presentation log (schema 3).
    pub const LOG_HEAD: &str = "log_head";
}

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
    /// [`Wallet::renew`] was given a document the wallet does not hold yet.
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

/// Settings an app chooses when creating or opening a wallet.
#[derive(Clone, Debug)]
pub struct WalletOptions {
    /// Throttling of failed unlocks (stored in the file at creation).
    pub unlock_policy: UnlockPolicy,
    /// Minimum PIN and passphrase strength.
    pub passcode_rules: PasscodeRules,
    /// Argon2id settings for a passphrase-protected wallet.
    pub kdf: KdfParams,
    /// How long to wait for another process holding the write lock.
    pub busy_timeout: Duration,
}

impl Default for WalletOptions {
    fn default() -> WalletOptions {
        WalletOptions {
            unlock_policy: UnlockPolicy::default(),
            passcode_rules: PasscodeRules::default(),
            kdf: KdfParams::default(),
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// How the data key is protected, given at creation and at each unlock.
#[derive(Clone, Copy)]
pub enum Protection<'a> {
    /// A PIN or passphrase (CLI, desktop).
    Passphrase(&'a str),
    /// A platform key store the app implements.
    KeySource(&'a dyn KeySource),
}

impl std::fmt::Debug for Protection<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Protection::Passphrase(_) => "Passphrase(redacted)",
            Protection::KeySource(_) => "KeySource",
        })
    }
}

impl Protection<'_> {
    fn tag(&self) -> &'static [u8] {
        match self {
            Protection::Passphrase(_) => b"passphrase",
            Protection::KeySource(_) => b"key source",
        }
    }
}

/// What an unlock found worth telling the holder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnlockOutcome {
    /// Set when the passphrase turned out trivial for what the wallet now
    /// holds (e.g. a stored birth date): ask the holder to change it.
    pub weak_passcode: Option<WeakPasscode>,
}

/// A device key the wallet can sign with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceKeyInfo {
    /// Its public key (what credentials are bound to).
    pub public_key: PublicKey,
    /// Whether the app's platform signer holds it (hardware-backed).
    pub platform: bool,
}

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

/// The unlocked state: derived keys only, zeroized on lock or drop.
struct Session {
    sealer: Sealer,
    data_key: DataKey,
    /// The wallet id the rows are sealed to (read at unlock: a reset changes it).
    wallet_id: [u8; WALLET_ID_LEN],
}

struct Inner {
    conn: Connection,
    session: Option<Session>,
    signers: HashMap<[u8; 32], Arc<dyn DeviceSigner>>,
}

/// An open wallet file. Safe to share between threads; each call takes an
/// internal lock, and other processes are coordinated by SQLite.
pub struct Wallet {
    inner: Mutex<Inner>,
    path: PathBuf,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet")
            .field("path", &self.path)
            .field("unlocked", &self.is_unlocked())
            .finish()
    }
}

fn open_connection(
    path: &Path,
    create: bool,
    busy_timeout: Duration,
) -> Result<Connection, WalletError> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags).map_err(storage_error)?;
    schema::configure(&conn, busy_timeout)?;
    Ok(conn)
}

fn immediate(conn: &mut Connection) -> Result<rusqlite::Transaction<'_>, WalletError> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(storage_error)
}

fn random<const N: usize>() -> [u8; N] {
    use rand_core::RngCore;
    let mut out = [0u8; N];
    OsRng.fill_bytes(&mut out);
    out
}

fn passphrase_context(wallet_id: &[u8], kdf: &[u8]) -> Vec<u8> {
    [PASSPHRASE_WRAP_CONTEXT, wallet_id, kdf].concat()
}

/// The document number claim of a held credential.
fn document_number(held: &HeldCredential) -> Result<u64, WalletError> {
    match held.claim(ClaimKey::DocumentNumber) {
        Some(ClaimValue::Number(n)) => Ok(*n),
        _ => Err(WalletError::Format(FormatError::field(
            "held credential",
            "document number",
        ))),
    }
}

fn text_claim(held: &HeldCredential, key: ClaimKey) -> String {
    match held.claim(key) {
        Some(ClaimValue::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

fn birth_date(held: &HeldCredential) -> Option<Date> {
    match held.claim(ClaimKey::BirthDate) {
        Some(ClaimValue::Date(d)) => Some(*d),
        _ => None,
    }
}

impl Wallet {
    /// Creates a new wallet file protected by `protection`, unlocked.
    ///
    /// # Errors
    /// [`WalletError::AlreadyExists`] if the path holds a file;
    /// [`WalletError::WeakPasscode`] for a trivial PIN or passphrase;
    /// [`WalletError::WeakKdf`] or [`WalletError::InvalidOptions`] for bad options;
    /// storage and key-source errors.
    pub fn create(
        path: &Path,
        protection: Protection<'_>,
        options: &WalletOptions,
    ) -> Result<Wallet, WalletError> {
        options
            .unlock_policy
            .validate()
            .map_err(WalletError::InvalidOptions)?;
        if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
            return Err(WalletError::AlreadyExists(path.to_path_buf()));
        }
        let data_key = DataKey::generate(&mut OsRng);
        let wallet_id: [u8; WALLET_ID_LEN] = random();
        let (kdf, wrapped) = wrap_data_key(&data_key, &wallet_id, protection, options)?;
        let mut conn = open_connection(path, true, options.busy_timeout)?;
        if schema::version(&conn)?.is_some() {
            return Err(WalletError::AlreadyExists(path.to_path_buf()));
        }
        let sealer = Sealer::new(&data_key, wallet_id);
        let tx = immediate(&mut conn)?;
        for version in 1..=SCHEMA_VERSION {
            schema::apply(&tx, version)?;
        }
        reset::write_fresh_meta(
            &tx,
            &sealer,
            wallet_id,
            protection,
            kdf.as_deref(),
            &wrapped,
            options,
        )?;
        tx.commit().map_err(storage_error)?;
        space::ensure_reserve(path);
        Ok(Wallet {
            inner: Mutex::new(Inner {
                conn,
                session: Some(Session {
                    sealer,
                    data_key,
                    wallet_id,
                }),
                signers: HashMap::new(),
            }),
            path: path.to_path_buf(),
        })
    }

    /// Opens an existing wallet, locked, migrating an older schema forward.
    ///
    /// # Errors
    /// [`WalletError::NotFound`], [`WalletError::NotAWallet`],
    /// [`WalletError::NewerSchema`], [`WalletError::Corrupt`], [`WalletError::Busy`].
    pub fn open(path: &Path, options: &WalletOptions) -> Result<Wallet, WalletError> {
        if !path.is_file() {
            return Err(WalletError::NotFound(path.to_path_buf()));
        }
        space::ensure_reserve(path);
        let mut conn =
            space::with_reserve(path, || open_connection(path, false, options.busy_timeout))?;
        let version = schema::version(&conn)?.ok_or(WalletError::NotAWallet)?;
        if version > SCHEMA_VERSION {
            return Err(WalletError::NewerSchema {
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |row| row.get(0))
            .map_err(storage_error)?;
        if check != "ok" {
            return Err(WalletError::Corrupt(check));
        }
        space::with_reserve(path, || schema::migrate(&mut conn, version))?;
        schema::get_meta(&conn, meta::WALLET_ID)?
            .filter(|id| id.len() == WALLET_ID_LEN)
            .ok_or(WalletError::NotAWallet)?;
        Ok(Wallet {
            inner: Mutex::new(Inner {
                conn,
                session: None,
                signers: HashMap::new(),
            }),
            path: path.to_path_buf(),
        })
    }

    /// The file this wallet lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock_inner(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock cannot leave SQLite state
        // half-written (transactions roll back on drop), so carry on.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether the wallet is unlocked.
    pub fn is_unlocked(&self) -> bool {
        self.lock_inner().session.is_some()
    }

    /// Forgets the data key until the next unlock.
    pub fn lock(&self) {
        self.lock_inner().session = None;
    }

    /// Failed and unresolved unlock attempts since the last success, and when
    /// the latest of each happened.
    ///
    /// # Errors
    /// Storage errors.
    pub fn failed_attempts(&self) -> Result<AttemptState, WalletError> {
        unlock::read_attempts(&self.lock_inner().conn)
    }

    /// Replaces the passphrase (or moves a wallet to a passphrase), refusing
    /// trivial ones, including the birth date of anyone in the wallet.
    ///
    /// # Errors
    /// [`WalletError::Locked`], [`WalletError::WeakPasscode`], storage errors.
    pub fn change_protection(
        &self,
        protection: Protection<'_>,
        options: &WalletOptions,
    ) -> Result<(), WalletError> {
        let mut inner = self.lock_inner();
        let Inner { conn, session, .. } = &mut *inner;
        let session = session.as_ref().ok_or(WalletError::Locked)?;
        if let Protection::Passphrase(passphrase) = protection {
            let births = load_documents(conn, &session.sealer)?
                .iter()
                .filter_map(|(_, doc)| birth_date(&doc.held))
                .collect::<Vec<_>>();
            options.passcode_rules.check(passphrase, &births)?;
        }
        let (kdf, wrapped) =
            wrap_data_key(&session.data_key, &session.wallet_id, protection, options)?;
        let tx = immediate(conn)?;
        schema::set_meta(&tx, meta::PROTECTION, protection.tag())?;
        match &kdf {
            Some(kdf) => schema::set_meta(&tx, meta::KDF, kdf)?,
            None => {
                tx.execute("DELETE FROM meta WHERE name = ?1", [meta::KDF])
                    .map_err(storage_error)?;
            }
        }
        schema::set_meta(&tx, meta::WRAPPED_KEY, &wrapped)?;
        tx.commit().map_err(storage_error)?;
        checkpoint(conn);
        Ok(())
    }

    /// Changes how failed unlocks are throttled (needs an unlocked wallet).
    ///
    /// # Errors
    /// [`WalletError::Locked`], [`WalletError::InvalidOptions`], storage errors.
    pub fn set_unlock_policy(&self, policy: &UnlockPolicy) -> Result<(), WalletError> {
        policy.validate().map_err(WalletError::InvalidOptions)?;
        let inner = self.lock_inner();
        if inner.session.is_none() {
            return Err(WalletError::Locked);
        }
        schema::set_meta(&inner.conn, meta::POLICY, &records::encode_policy(policy))
    }

    // ---------------------------------------------------------------- keys

    /// Generates a new device key inside the wallet (OS randomness). Its
    /// secret is stored sealed and never leaves the wallet.
    ///
    /// # Errors
    /// [`WalletError::Locked`], storage errors.
    pub fn create_device_key(&self) -> Result<PublicKey, WalletError> {
        let secret = SecretKey::generate(&mut OsRng);
        let record = KeyRecord {
            public: *secret.public_key().as_bytes(),
            secret: Some(secret.to_bytes()),
        };
        self.insert_key(&record)?;
        Ok(secret.public_key())
    }

    /// Registers a hardware-backed signer the app provides (Android Keystore,
    /// Secure Enclave); only its public key is stored. Attach it again with
    /// [`Wallet::attach_platform_signer`] after reopening.
    ///
    /// # Errors
    /// [`WalletError::Locked`], storage errors.
    pub fn add_platform_signer(
        &self,
        signer: Arc<dyn DeviceSigner>,
    ) -> Result<PublicKey, WalletError> {
        let public = signer.public_key();
        let known = self.device_keys()?.iter().any(|k| k.public_key == public);
        if !known {
            self.insert_key(&KeyRecord {
                public: *public.as_bytes(),
                secret: None,
            })?;
        }
        self.lock_inner().signers.insert(*public.as_bytes(), signer);
        Ok(public)
    }

    /// Attaches a platform signer registered earlier, for this session.
    ///
    /// # Errors
    /// [`WalletError::UnknownDeviceKey`] if it was never registered.
    pub fn attach_platform_signer(&self, signer: Arc<dyn DeviceSigner>) -> Result<(), WalletError> {
        let public = signer.public_key();
        if !self
            .device_keys()?
            .iter()
            .any(|k| k.platform && k.public_key == public)
        {
            return Err(WalletError::UnknownDeviceKey(public.fingerprint()));
        }
        self.lock_inner().signers.insert(*public.as_bytes(), signer);
        Ok(())
    }

    fn insert_key(&self, record: &KeyRecord) -> Result<(), WalletError> {
        let mut inner = self.lock_inner();
        let Inner { conn, session, .. } = &mut *inner;
        let session = session.as_ref().ok_or(WalletError::Locked)?;
        let tx = immediate(conn)?;
        let id: i64 = tx
            .query_row(
                "SELECT coalesce(max(id), 0) + 1 FROM device_keys",
                [],
                |r| r.get(0),
            )
            .map_err(storage_error)?;
        let sealed = session
            .sealer
            .seal(key_row(&id.to_be_bytes()), &record.encode(), &mut OsRng);
        tx.execute(
            "INSERT INTO device_keys (id, sealed) VALUES (?1, ?2)",
            params![id, sealed],
        )
        .map_err(storage_error)?;
        tx.commit().map_err(storage_error)
    }

    /// The device keys this wallet can bind credentials to.
    ///
    /// # Errors
    /// [`WalletError::Locked`], [`WalletError::Tampered`], storage errors.
    pub fn device_keys(&self) -> Result<Vec<DeviceKeyInfo>, WalletError> {
        let inner = self.lock_inner();
        let session = inner.session.as_ref().ok_or(WalletError::Locked)?;
        load_keys(&inner.conn, &session.sealer)?
            .into_iter()
            .map(|record| {
                Ok(DeviceKeyInfo {
                    public_key: PublicKey::from_bytes(&record.public)
                        .map_err(|_| WalletError::Tampered("device key"))?,
                    platform: record.secret.is_none(),
                })
            })
            .collect()
    }

    /// A binding request for the issuer, signed inside the wallet with one of
    /// its device keys over the issuer's nonce.
    ///
    /// # Errors
    /// [`WalletError::UnknownDeviceKey`], [`WalletError::Locked`], key errors.
    pub fn binding_request(
        &self,
        device_key: &PublicKey,
        nonce: &[u8],
    ) -> Result<BindingRequest, WalletError> {
        let signer = self.signer_for(device_key)?;
        Ok(BindingRequest::new(signer.as_ref(), nonce)?)
    }

    /// The signer for a device key: a platform signer, or the sealed secret.
    fn signer_for(&self, public: &PublicKey) -> Result<Arc<dyn DeviceSigner>, WalletError> {
        let inner = self.lock_inner();
        let session = inner.session.as_ref().ok_or(WalletError::Locked)?;
        if let Some(signer) = inner.signers.get(public.as_bytes()) {
            return Ok(Arc::clone(signer));
        }
        let record = load_keys(&inner.conn, &session.sealer)?
            .into_iter()
            .find(|k| k.public == *public.as_bytes())
            .ok_or_else(|| WalletError::UnknownDeviceKey(public.fingerprint()))?;
        let secret = record
            .secret
            .ok_or_else(|| WalletError::UnknownDeviceKey(public.fingerprint()))?;
        Ok(Arc::new(SecretKey::from_bytes(&secret)))
    }
}

fn key_row(id: &[u8]) -> RowId<'_> {
    RowId {
        table: "device_keys",
        id,
        version: 0,
    }
}

fn document_row(id: &[u8], version: u64) -> RowId<'_> {
    RowId {
        table: "documents",
        id,
        version,
    }
}

fn log_row(id: &[u8]) -> RowId<'_> {
    RowId {
        table: "presentation_log",
        id,
        version: 0,
    }
}

/// Where schemas 1 and 2 kept the sealed version marks.
const MARKS_ROW: RowId<'static> = RowId {
    table: "meta",
    id: b"marks",
    version: 0,
};

/// Wraps the data key for storage: `(kdf settings, wrapped key)`.
fn wrap_data_key(
    data_key: &DataKey,
    wallet_id: &[u8; WALLET_ID_LEN],
    protection: Protection<'_>,
    options: &WalletOptions,
) -> Result<(Option<Vec<u8>>, Vec<u8>), WalletError> {
    match protection {
        Protection::Passphrase(passphrase) => {
            options.passcode_rules.check(passphrase, &[])?;
            if !options.kdf.is_acceptable() {
                return Err(WalletError::WeakKdf);
            }
            let salt: [u8; key_source::SALT_LEN] = random();
            let kdf = options.kdf.encode_with_salt(&salt);
            let kek = options
                .kdf
                .derive(passphrase, &salt)
                .ok_or(WalletError::WeakKdf)?;
            let wrapped = seal::wrap_with(
                &kek,
                &passphrase_context(wallet_id, &kdf),
                data_key.as_bytes(),
                &mut OsRng,
            );
            Ok((Some(kdf), wrapped))
        }
        Protection::KeySource(source) => Ok((None, source.wrap(data_key.as_bytes())?)),
    }
}

fn load_keys(conn: &Connection, sealer: &Sealer) -> Result<Vec<KeyRecord>, WalletError> {
    let mut stmt = conn
        .prepare_cached("SELECT id, sealed FROM device_keys ORDER BY id")
        .map_err(storage_error)?;
    let rows = stmt
        .query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?))
        })
        .map_err(storage_error)?;
    let mut keys = Vec::new();
    for row in rows {
        let (id, sealed) = row.map_err(storage_error)?;
        let plain = sealer
            .open(key_row(&id.to_be_bytes()), &sealed)
            .ok_or(WalletError::Tampered("device key"))?;
        keys.push(KeyRecord::decode(&plain).ok_or(WalletError::Tampered("device key record"))?);
    }
    Ok(keys)
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

/// Every stored document that is as the manifest says, with its blind id.
/// Damaged ones are left out (see [`Wallet::damaged_documents`]).
fn load_documents(
    conn: &Connection,
    sealer: &Sealer,
) -> Result<Vec<manifest::Stored>, WalletError> {
    Ok(manifest::scan(conn, sealer)?.good)
}

/// Runs `read` in one read transaction (one snapshot), unless the caller
/// already holds a transaction.
pub(crate) fn read_snapshot<T>(
    conn: &Connection,
    read: impl FnOnce(&Connection) -> Result<T, WalletError>,
) -> Result<T, WalletError> {
    if !conn.is_autocommit() {
        return read(conn);
    }
    let tx = conn.unchecked_transaction().map_err(storage_error)?;
    let out = read(&tx)?;
    tx.commit().map_err(storage_error)?;
    Ok(out)
}

/// Copies the write-ahead log into the main file and truncates it, so old
/// page images (with purged ciphertext) leave the disk files. Best effort:
/// a reader in another process can delay it to the next write.
fn checkpoint(conn: &Connection) {
    // Without the busy handler: a TRUNCATE checkpoint holds the write lock
    // while it waits for readers, which would stall every other writer.
    let Ok(timeout) = conn.query_row("PRAGMA busy_timeout", [], |r| r.get::<_, i64>(0)) else {
        return;
    };
    let _ = conn.execute_batch("PRAGMA busy_timeout = 0");
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    let _ = conn.execute_batch(&format!("PRAGMA busy_timeout = {timeout}"));
}

/// Low-level pieces for fuzzing the wallet's decoders. Not a stable API.
#[doc(hidden)]
pub mod internal {
    /// Runs every wallet record decoder on `bytes`. Returns how many
    /// accepted, or the name of a decoder that accepted bytes it would not
    /// write itself (non-canonical input).
    pub fn wallet_records(bytes: &[u8]) -> Result<usize, &'static str> {
        use crate::manifest::Manifest;
        use crate::records::{self, DocumentRecord, KeyRecord, LogEntry, Marks};
        use crate::LogHead;
        let decoded: [(&'static str, Option<Vec<u8>>); 8] = [
            ("key", KeyRecord::decode(bytes).map(|r| r.encode().to_vec())),
            (
                "document",
                DocumentRecord::decode(bytes).map(|r| r.encode().to_vec()),
            ),
            (
                "log entry",
                LogEntry::decode(0, bytes).map(|r| r.encode().to_vec()),
            ),
            ("marks", Marks::decode(bytes).map(|r| r.encode())),
            ("manifest", Manifest::decode(bytes).map(|r| r.encode())),
            ("log head", LogHead::decode(bytes).map(|r| r.encode())),
            (
                "attempts",
                records::decode_attempts(bytes).map(|r| records::encode_attempts(&r)),
            ),
            (
                "policy",
                records::decode_policy(bytes).map(|r| records::encode_policy(&r)),
            ),
        ];
        let mut accepted = 0;
        for (name, again) in decoded {
            match again {
                Some(again) if again != bytes => return Err(name),
                Some(_) => accepted += 1,
                None => {}
            }
        }
        Ok(accepted)
    }

    /// Parses a wallet backup's clear header and, separately, `payload` as
    /// a decrypted backup payload. Neither needs a key.
    pub fn wallet_backup(file: &[u8], payload: &[u8]) -> (bool, bool) {
        (
            crate::backup::parse_outer(file).is_ok(),
            crate::backup::decode_payload(payload).is_ok(),
        )
    }
}
