//! Unlocking, with guess counting that cannot be raced or killed away.
//!
//! An attempt is two short `BEGIN IMMEDIATE` transactions around the slow
//! part (Argon2id, or the platform's prompt):
//!
//! 1. **begin**: read the policy and the attempt record, check the throttle,
//!    and record the attempt as unresolved. Threads and processes guessing at
//!    once queue on SQLite's write lock here, so each one sees the attempts
//!    before it: they are throttled exactly like guesses made in turn.
//! 2. **settle**: record the outcome (a failure, a success that clears the
//!    record, or a withdrawal for a cancelled prompt or an unavailable key
//!    store), durably, *before* the caller learns it. Killing the app after
//!    seeing a wrong answer therefore cannot undo its count; killing it
//!    earlier leaves an unresolved attempt, which is throttled like a failure
//!    (see [`AttemptState`]) but never locks the holder out.
//!
//! No lock is held while the secret is tried, so a biometric prompt left
//! open never blocks other processes.

use super::*;

/// What the begin step read, in the transaction that counted the attempt.
struct Begun {
    policy: UnlockPolicy,
    wallet_id: [u8; WALLET_ID_LEN],
    wrapped: Vec<u8>,
    kdf: Option<Vec<u8>>,
}

/// How a tried secret ended, before it is recorded.
enum Tried {
    /// The data key, checked against the wallet's sealed rows.
    Key(DataKey),
    /// A wrong secret: counted.
    Wrong,
    /// No guess was made (cancelled prompt, unavailable key store, a damaged
    /// file): not counted; the error is returned as it is.
    Withdrawn(WalletError),
}

pub(super) fn read_attempts(conn: &Connection) -> Result<AttemptState, WalletError> {
    schema::get_meta(conn, meta::ATTEMPTS)?
        .and_then(|b| records::decode_attempts(&b))
        .ok_or(WalletError::Tampered("failed-attempt counter"))
}

fn read_policy(conn: &Connection) -> Result<UnlockPolicy, WalletError> {
    schema::get_meta(conn, meta::POLICY)?
        .and_then(|b| records::decode_policy(&b))
        .ok_or(WalletError::Tampered("unlock policy"))
}

/// Step 1: checks the throttle and the protection, and counts the attempt
/// as unresolved, all in one `BEGIN IMMEDIATE` transaction.
fn begin(
    conn: &mut Connection,
    protection: &Protection<'_>,
    now: UnixTime,
) -> Result<Begun, WalletError> {
    let tx = immediate(conn)?;
    let policy = read_policy(&tx)?;
    let attempts = read_attempts(&tx)?;
    policy.check(&attempts, now)?;
    let stored = schema::get_meta(&tx, meta::PROTECTION)?.ok_or(WalletError::NotAWallet)?;
    if stored != protection.tag() {
        return Err(WalletError::WrongProtection {
            expected: if stored == b"passphrase" {
                "a passphrase"
            } else {
                "the device key store"
            },
        });
    }
    let wallet_id = schema::get_meta(&tx, meta::WALLET_ID)?
        .and_then(|id| id.try_into().ok())
        .ok_or(WalletError::NotAWallet)?;
    let wrapped = schema::get_meta(&tx, meta::WRAPPED_KEY)?.ok_or(WalletError::NotAWallet)?;
    let kdf = match protection {
        Protection::Passphrase(_) => {
            Some(schema::get_meta(&tx, meta::KDF)?.ok_or(WalletError::NotAWallet)?)
        }
        Protection::KeySource(_) => None,
    };
    schema::set_meta(
        &tx,
        meta::ATTEMPTS,
        &records::encode_attempts(&attempts.begun(now)),
    )?;
    tx.commit().map_err(storage_error)?;
    Ok(Begun {
        policy,
        wallet_id,
        wrapped,
        kdf,
    })
}

/// The slow part: derives or asks for the data key, with no lock held.
fn try_secret(conn: &Connection, protection: &Protection<'_>, begun: &Begun) -> Tried {
    let unwrapped: Zeroizing<Vec<u8>> = match protection {
        Protection::Passphrase(passphrase) => {
            let kdf_bytes = begun.kdf.as_deref().unwrap_or_default();
            let Some((params, salt)) = KdfParams::decode_with_salt(kdf_bytes) else {
                return Tried::Withdrawn(WalletError::Tampered("key derivation settings"));
            };
            let Some(kek) = params.derive(passphrase, &salt) else {
                return Tried::Withdrawn(WalletError::WeakKdf);
            };
            match seal::unwrap_with(
                &kek,
                &passphrase_context(&begun.wallet_id, kdf_bytes),
                &begun.wrapped,
            ) {
                Some(key) => key,
                None => return Tried::Wrong,
            }
        }
        Protection::KeySource(source) => match source.unwrap(&begun.wrapped) {
            Ok(key) => Zeroizing::new(key),
            Err(KeySourceError::Rejected) => return Tried::Wrong,
            Err(other) => return Tried::Withdrawn(other.into()),
        },
    };
    // A passphrase's key is authenticated by its wrapping; a key source
    // answers with bytes, and only the wallet's own sealed rows can tell
    // whether they are its data key.
    match DataKey::from_slice(&unwrapped) {
        Some(key)
            if matches!(protection, Protection::Passphrase(_))
                || opens_this_wallet(conn, &key, begun.wallet_id) =>
        {
            Tried::Key(key)
        }
        _ => Tried::Withdrawn(WalletError::KeySource(KeySourceError::Unavailable(
            "the key store answered with a key that does not open this wallet".into(),
        ))),
    }
}

/// Whether `key` opens the wallet's sealed manifest.
fn opens_this_wallet(conn: &Connection, key: &DataKey, wallet_id: [u8; WALLET_ID_LEN]) -> bool {
    manifest::opens(conn, &Sealer::new(key, wallet_id))
}

/// Step 2: records how the attempt ended, in one `BEGIN IMMEDIATE`
/// transaction, and returns the record as it now stands.
fn settle(
    conn: &mut Connection,
    change: impl FnOnce(AttemptState) -> AttemptState,
) -> Result<AttemptState, WalletError> {
    let tx = immediate(conn)?;
    let state = change(read_attempts(&tx)?);
    schema::set_meta(&tx, meta::ATTEMPTS, &records::encode_attempts(&state))?;
    tx.commit().map_err(storage_error)?;
    Ok(state)
}

impl Wallet {
    /// Unlocks with the passphrase or key source the wallet was created with.
    /// A wrong passphrase (or a key source's `Rejected`) is counted in the
    /// file, surviving restarts, and further attempts are throttled by the
    /// wallet's [`UnlockPolicy`]; a cancelled prompt or an unavailable key
    /// store is not counted. Attempts from several threads or processes at
    /// once are counted one by one (see the module documentation).
    ///
    /// # Errors
    /// [`WalletError::Blocked`] while throttled or locked out,
    /// [`WalletError::WrongPassphrase`], [`WalletError::WrongProtection`],
    /// [`WalletError::KeySource`], [`WalletError::Tampered`], storage errors.
    pub fn unlock(
        &self,
        protection: Protection<'_>,
        now: UnixTime,
    ) -> Result<UnlockOutcome, WalletError> {
        let mut inner = self.lock_inner();
        // Recording the attempt and its outcome may use the reserve: a full
        // disk must not keep the holder out (nor let a guess go uncounted).
        let path = self.path.as_path();
        let begun = space::with_reserve(path, || begin(&mut inner.conn, &protection, now))?;
        let data_key = match try_secret(&inner.conn, &protection, &begun) {
            Tried::Key(key) => key,
            Tried::Wrong => {
                let state =
                    space::with_reserve(path, || settle(&mut inner.conn, |s| s.failed(now)))?;
                if let Err(blocked @ UnlockBlocked::LockedOut { .. }) =
                    begun.policy.check(&state, now)
                {
                    return Err(blocked.into());
                }
                return Err(match protection {
                    Protection::Passphrase(_) => WalletError::WrongPassphrase {
                        remaining: begun.policy.max_attempts.saturating_sub(state.failures),
                    },
                    Protection::KeySource(_) => WalletError::KeySource(KeySourceError::Rejected),
                });
            }
            Tried::Withdrawn(error) => {
                space::with_reserve(path, || settle(&mut inner.conn, AttemptState::withdrawn))?;
                return Err(error);
            }
        };
        space::with_reserve(path, || settle(&mut inner.conn, AttemptState::succeeded))?;
        let sealer = Sealer::new(&data_key, begun.wallet_id);
        // The first unlock after an upgrade from schema 1 or 2 seals the
        // manifest and the log head, which need the key.
        if schema::get_meta(&inner.conn, meta::MARKS)?.is_some() {
            space::with_reserve(path, || manifest::upgrade(&mut inner.conn, &sealer))?;
        }
        let mut outcome = UnlockOutcome::default();
        if let Protection::Passphrase(passphrase) = protection {
            // Only the birth-date rule is new information at unlock; the
            // other rules were checked when the passphrase was set. A damaged
            // document must not keep the holder out: its error shows later.
            let births = load_documents(&inner.conn, &sealer)
                .unwrap_or_default()
                .iter()
                .filter_map(|(_, doc)| birth_date(&doc.held))
                .collect::<Vec<_>>();
            if passcode::is_birth_date(passphrase, &births) {
                outcome.weak_passcode = Some(WeakPasscode::BirthDate);
            }
        }
        inner.session = Some(Session {
            sealer,
            data_key,
            wallet_id: begun.wallet_id,
        });
        Ok(outcome)
    }
}
