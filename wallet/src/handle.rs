//! The open wallet file: creating and opening it, the unlocked session
//! (derived keys, zeroized on lock), the connection and its transactions.
//! Every job of the wallet (documents, presenting, keys, settings, unlock,
//! backup, reset) works through this handle.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use hawiya_core::DeviceSigner;
use rand_core::OsRng;
use rusqlite::Connection;

use crate::db::{immediate, open_connection};
use crate::error::{storage_error, WalletError};
use crate::live_showings::Showings;
use crate::options::WalletOptions;
use crate::passcode::AttemptState;
use crate::protection::{wrap_data_key, Protection};
use crate::schema::{meta, SCHEMA_VERSION};
use crate::seal::{random, DataKey, Sealer, WALLET_ID_LEN};
use crate::{log_head, manifest, records, schema, space};

/// The unlocked state: derived keys only, zeroized on lock or drop.
pub(crate) struct Session {
    pub(crate) sealer: Sealer,
    pub(crate) data_key: DataKey,
    /// The wallet id the rows are sealed to (read at unlock: a reset changes it).
    pub(crate) wallet_id: [u8; WALLET_ID_LEN],
}

pub(crate) struct Inner {
    pub(crate) conn: Connection,
    pub(crate) session: Option<Session>,
    pub(crate) signers: HashMap<[u8; 32], Arc<dyn DeviceSigner>>,
    /// The showings in progress (their signer and credential, kept while
    /// unlocked only): see [`crate::live_showings`].
    pub(crate) showings: Showings,
}

/// An open wallet file. Safe to share between threads; each call takes an
/// internal lock, and other processes are coordinated by SQLite.
pub struct Wallet {
    pub(crate) inner: Mutex<Inner>,
    pub(crate) path: PathBuf,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet")
            .field("path", &self.path)
            .field("unlocked", &self.is_unlocked())
            .finish()
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
        if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
            return Err(WalletError::AlreadyExists(path.to_path_buf()));
        }
        let keys = FreshKeys::new(protection, options)?;
        let mut conn = open_connection(path, true, options.busy_timeout)?;
        if schema::version(&conn)?.is_some() {
            return Err(WalletError::AlreadyExists(path.to_path_buf()));
        }
        let tx = immediate(&mut conn)?;
        for version in 1..=SCHEMA_VERSION {
            schema::apply(&tx, version)?;
        }
        let session = keys.write(&tx, protection, options)?;
        tx.commit().map_err(storage_error)?;
        space::ensure_reserve(path);
        Ok(Wallet {
            inner: Mutex::new(Inner {
                conn,
                session: Some(session),
                signers: HashMap::new(),
                showings: Showings::default(),
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
                showings: Showings::default(),
            }),
            path: path.to_path_buf(),
        })
    }

    /// The file this wallet lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn lock_inner(&self) -> MutexGuard<'_, Inner> {
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

    /// Forgets the data key until the next unlock, and ends every showing
    /// (their signing keys are forgotten with it).
    pub fn lock(&self) {
        let mut inner = self.lock_inner();
        inner.session = None;
        inner.showings.end_all();
    }
}

/// Every stored document that is as the manifest says, with its blind id.
/// Damaged ones are left out (see [`Wallet::damaged_documents`]).
pub(crate) fn load_documents(
    conn: &Connection,
    sealer: &Sealer,
) -> Result<Vec<manifest::Stored>, WalletError> {
    Ok(manifest::scan(conn, sealer)?.good)
}

/// A new wallet's keys, made and wrapped before any row is touched (a key
/// source may prompt the holder, and a refused passphrase must change
/// nothing): creation and reset both start from one.
pub(crate) struct FreshKeys {
    data_key: DataKey,
    wallet_id: [u8; WALLET_ID_LEN],
    kdf: Option<Vec<u8>>,
    wrapped: Vec<u8>,
}

impl FreshKeys {
    /// A random data key and wallet id, the data key wrapped by
    /// `protection`, once the options are known to be valid.
    pub(crate) fn new(
        protection: Protection<'_>,
        options: &WalletOptions,
    ) -> Result<FreshKeys, WalletError> {
        options
            .unlock_policy
            .validate()
            .map_err(WalletError::InvalidOptions)?;
        let data_key = DataKey::generate(&mut OsRng);
        let wallet_id: [u8; WALLET_ID_LEN] = random();
        let (kdf, wrapped) = wrap_data_key(&data_key, &wallet_id, protection, options)?;
        Ok(FreshKeys {
            data_key,
            wallet_id,
            kdf,
            wrapped,
        })
    }

    /// Writes the settings rows of an empty wallet in `tx` and returns the
    /// unlocked session over them.
    pub(crate) fn write(
        self,
        tx: &Connection,
        protection: Protection<'_>,
        options: &WalletOptions,
    ) -> Result<Session, WalletError> {
        let sealer = Sealer::new(&self.data_key, self.wallet_id);
        schema::set_meta(tx, meta::WALLET_ID, &self.wallet_id)?;
        schema::set_meta(tx, meta::PROTECTION, protection.tag())?;
        if let Some(kdf) = &self.kdf {
            schema::set_meta(tx, meta::KDF, kdf)?;
        }
        schema::set_meta(tx, meta::WRAPPED_KEY, &self.wrapped)?;
        schema::set_meta(
            tx,
            meta::ATTEMPTS,
            &records::encode_attempts(&AttemptState::default()),
        )?;
        schema::set_meta(
            tx,
            meta::POLICY,
            &records::encode_policy(&options.unlock_policy),
        )?;
        manifest::write(tx, &sealer, &manifest::Manifest::default())?;
        log_head::write(tx, &sealer, log_head::LogHead::EMPTY)?;
        Ok(Session {
            sealer,
            data_key: self.data_key,
            wallet_id: self.wallet_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::error::WalletError;
    use crate::handle::Wallet;
    use crate::options::WalletOptions;
    use crate::protection::Protection;
    use crate::testing::{PadKeySource, Scratch};

    #[test]
    fn a_new_wallet_is_unlocked_and_locks_until_the_next_unlock() {
        let scratch = Scratch::new();
        let wallet = scratch.wallet();
        assert!(wallet.is_unlocked());
        assert_eq!(wallet.path(), scratch.path("wallet.db"));
        wallet.lock();
        assert!(!wallet.is_unlocked());
        assert!(matches!(wallet.device_keys(), Err(WalletError::Locked)));
        let reopened = Wallet::open(wallet.path(), &WalletOptions::default()).unwrap();
        assert!(!reopened.is_unlocked(), "a wallet opens locked");
    }

    #[test]
    fn create_never_replaces_a_file_and_open_refuses_what_is_not_a_wallet() {
        let scratch = Scratch::new();
        let path = scratch.path("notes.txt");
        std::fs::write(&path, b"the holder's shopping list").unwrap();
        let created = Wallet::create(
            &path,
            Protection::KeySource(&PadKeySource),
            &WalletOptions::default(),
        );
        assert!(matches!(created, Err(WalletError::AlreadyExists(_))));
        assert_eq!(std::fs::read(&path).unwrap(), b"the holder's shopping list");
        assert!(matches!(
            Wallet::open(&path, &WalletOptions::default()),
            Err(WalletError::NotAWallet)
        ));
        assert!(matches!(
            Wallet::open(&scratch.path("missing.db"), &WalletOptions::default()),
            Err(WalletError::NotFound(_))
        ));
    }
}
