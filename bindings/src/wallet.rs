//! The holder's encrypted wallet, as one object the app keeps for as long as
//! the wallet screen lives.

use std::path::PathBuf;
use std::sync::Arc;

use hawiya_card as card;
use hawiya_core as core;
use hawiya_wallet as wallet;

use crate::card::Card;
use crate::error::{QrError, WalletError};
use crate::model::{
    Claim, DamagedDocument, DeviceKeyInfo, DocumentDetails, ImportOutcome, SkippedDocument,
    UnlockOutcome, WalletOptions,
};
use crate::platform::{
    Clock, DeviceSigner, KeySource, KeySourceAdapter, Secret, SignerAdapter, TimeSource,
};
use crate::presentation::Presentation;
use crate::trust::TrustList;
use core::Disclosure;
use wallet::{AttemptState, DocumentSummary, LogEntry, Person};

/// An open wallet file. Safe to call from any thread: each call takes the
/// wallet's internal lock (calls run one at a time), and other processes are
/// coordinated by SQLite. Close it (Kotlin `close()`/`use {}`, Swift: drop
/// the last reference) to release the file; locking it forgets the data key.
#[derive(uniffi::Object)]
pub struct Wallet {
    pub(crate) inner: wallet::Wallet,
    options: wallet::WalletOptions,
    time: TimeSource,
}

fn clock_error(reason: String) -> WalletError {
    WalletError::ClockUnavailable { reason }
}

impl Wallet {
    fn wrap(
        inner: wallet::Wallet,
        options: wallet::WalletOptions,
        time: TimeSource,
    ) -> Arc<Wallet> {
        Arc::new(Wallet {
            inner,
            options,
            time,
        })
    }

    pub(crate) fn now(&self) -> Result<core::UnixTime, WalletError> {
        self.time.now().map_err(clock_error)
    }

    fn outcome(outcome: wallet::ImportOutcome) -> ImportOutcome {
        match outcome {
            wallet::ImportOutcome::Added(document) => ImportOutcome::Added { document },
            wallet::ImportOutcome::Renewed {
                document,
                replaced_version,
            } => ImportOutcome::Renewed {
                document,
                replaced_version,
            },
        }
    }
}

/// Reads the challenge the holder typed or scanned, if any.
pub(crate) fn parse_challenge(
    challenge: Option<String>,
) -> Result<Option<core::ChallengeCode>, WalletError> {
    challenge
        .as_deref()
        .map(core::ChallengeCode::parse)
        .transpose()
        .map_err(|_| WalletError::InvalidChallenge)
}

/// Reads a public key the app passes in.
fn public_key(bytes: &[u8]) -> Result<core::PublicKey, WalletError> {
    core::PublicKey::from_bytes(bytes).map_err(|_| WalletError::InvalidPublicKey)
}

#[uniffi::export]
impl Wallet {
    /// Creates a new wallet file protected by a PIN or passphrase (Argon2id),
    /// unlocked. Trivial passcodes are refused (`WeakPasscode`). The
    /// passphrase is zeroized in Rust memory after use. `clock`: `null`/`nil`
    /// for the system clock.
    #[uniffi::constructor]
    pub fn create_with_passphrase(
        path: String,
        passphrase: String,
        options: WalletOptions,
        clock: Option<Arc<dyn Clock>>,
    ) -> Result<Arc<Wallet>, WalletError> {
        let passphrase = Secret::new(passphrase);
        let options = options.to_core();
        let inner = wallet::Wallet::create(
            &PathBuf::from(path),
            wallet::Protection::Passphrase(&passphrase),
            &options,
        )?;
        Ok(Wallet::wrap(inner, options, TimeSource::from_option(clock)))
    }

    /// Creates a new wallet file whose data key is wrapped by the app's key
    /// source (Android Keystore, iOS Keychain), unlocked.
    #[uniffi::constructor]
    pub fn create_with_key_source(
        path: String,
        key_source: Arc<dyn KeySource>,
        options: WalletOptions,
        clock: Option<Arc<dyn Clock>>,
    ) -> Result<Arc<Wallet>, WalletError> {
        let options = options.to_core();
        let source = KeySourceAdapter(key_source);
        let inner = wallet::Wallet::create(
            &PathBuf::from(path),
            wallet::Protection::KeySource(&source),
            &options,
        )?;
        Ok(Wallet::wrap(inner, options, TimeSource::from_option(clock)))
    }

    /// Opens an existing wallet file, locked.
    #[uniffi::constructor]
    pub fn open(
        path: String,
        options: WalletOptions,
        clock: Option<Arc<dyn Clock>>,
    ) -> Result<Arc<Wallet>, WalletError> {
        let options = options.to_core();
        let inner = wallet::Wallet::open(&PathBuf::from(path), &options)?;
        Ok(Wallet::wrap(inner, options, TimeSource::from_option(clock)))
    }

    /// Whether the wallet is unlocked.
    pub fn is_unlocked(&self) -> bool {
        self.inner.is_unlocked()
    }

    /// Forgets the data key until the next unlock (call when the app goes to
    /// the background).
    pub fn lock(&self) {
        self.inner.lock();
    }

    /// Unlocks with the PIN or passphrase. A wrong one is counted in the
    /// file (surviving restarts); further attempts are throttled
    /// (`RetryLater`) and finally refused (`LockedOut`).
    pub fn unlock_with_passphrase(&self, passphrase: String) -> Result<UnlockOutcome, WalletError> {
        let passphrase = Secret::new(passphrase);
        let outcome = self
            .inner
            .unlock(wallet::Protection::Passphrase(&passphrase), self.now()?)?;
        Ok(UnlockOutcome {
            weak_passcode: outcome.weak_passcode.map(Into::into),
        })
    }

    /// Unlocks with the app's key source. A `Rejected` answer counts as a
    /// failed attempt; `Cancelled` and `Unavailable` (or a throwing
    /// implementation) do not.
    pub fn unlock_with_key_source(
        &self,
        key_source: Arc<dyn KeySource>,
    ) -> Result<UnlockOutcome, WalletError> {
        let source = KeySourceAdapter(key_source);
        let outcome = self
            .inner
            .unlock(wallet::Protection::KeySource(&source), self.now()?)?;
        Ok(UnlockOutcome {
            weak_passcode: outcome.weak_passcode.map(Into::into),
        })
    }

    /// Failed unlock attempts so far.
    pub fn failed_attempts(&self) -> Result<AttemptState, WalletError> {
        Ok(self.inner.failed_attempts()?)
    }

    /// Destroys everything in the wallet (documents, device keys, the log,
    /// the data key), leaving nothing readable in the file, and makes it a
    /// fresh, empty wallet protected by `new_passphrase`, unlocked. Works
    /// when locked out: it is the way out. Ask the holder to confirm first.
    /// Other `Wallet` objects on the file must be opened again.
    pub fn reset_with_passphrase(&self, new_passphrase: String) -> Result<(), WalletError> {
        let passphrase = Secret::new(new_passphrase);
        Ok(self
            .inner
            .reset(wallet::Protection::Passphrase(&passphrase), &self.options)?)
    }

    /// As `resetWithPassphrase`, protecting the fresh wallet with the app's
    /// key source.
    pub fn reset_with_key_source(&self, key_source: Arc<dyn KeySource>) -> Result<(), WalletError> {
        let source = KeySourceAdapter(key_source);
        Ok(self
            .inner
            .reset(wallet::Protection::KeySource(&source), &self.options)?)
    }

    /// Replaces the protection with a new PIN or passphrase (trivial ones and
    /// birth dates of anyone in the wallet are refused). Needs an unlocked wallet.
    pub fn change_passphrase(&self, new_passphrase: String) -> Result<(), WalletError> {
        let passphrase = Secret::new(new_passphrase);
        Ok(self
            .inner
            .change_protection(wallet::Protection::Passphrase(&passphrase), &self.options)?)
    }

    /// Moves the wallet's protection to the app's key source. Needs an
    /// unlocked wallet.
    pub fn change_to_key_source(&self, key_source: Arc<dyn KeySource>) -> Result<(), WalletError> {
        let source = KeySourceAdapter(key_source);
        Ok(self
            .inner
            .change_protection(wallet::Protection::KeySource(&source), &self.options)?)
    }

    /// Generates a device key inside the wallet; returns its 32-byte public
    /// key (what the issuer binds credentials to).
    pub fn create_device_key(&self) -> Result<Vec<u8>, WalletError> {
        Ok(self.inner.create_device_key()?.as_bytes().to_vec())
    }

    /// Registers the app's hardware-backed signer; returns its public key.
    /// Attach it again with `attachPlatformSigner` after reopening.
    pub fn add_platform_signer(
        &self,
        signer: Arc<dyn DeviceSigner>,
    ) -> Result<Vec<u8>, WalletError> {
        let signer = SignerAdapter::new(signer).map_err(wallet::WalletError::from)?;
        Ok(self
            .inner
            .add_platform_signer(Arc::new(signer))?
            .as_bytes()
            .to_vec())
    }

    /// Attaches a platform signer registered earlier, for this session.
    pub fn attach_platform_signer(&self, signer: Arc<dyn DeviceSigner>) -> Result<(), WalletError> {
        let signer = SignerAdapter::new(signer).map_err(wallet::WalletError::from)?;
        Ok(self.inner.attach_platform_signer(Arc::new(signer))?)
    }

    /// The device keys credentials can be bound to.
    pub fn device_keys(&self) -> Result<Vec<DeviceKeyInfo>, WalletError> {
        Ok(self
            .inner
            .device_keys()?
            .into_iter()
            .map(|k| DeviceKeyInfo {
                public_key: k.public_key.as_bytes().to_vec(),
                fingerprint: k.public_key.fingerprint(),
                platform: k.platform,
            })
            .collect())
    }

    /// A binding request for the issuer: proof, signed inside the wallet with
    /// `device_key`, that this wallet holds the key, over the issuer's nonce.
    pub fn binding_request(
        &self,
        device_key: Vec<u8>,
        nonce: Vec<u8>,
    ) -> Result<Vec<u8>, WalletError> {
        let key = public_key(&device_key)?;
        Ok(self.inner.binding_request(&key, &nonce)?.to_bytes())
    }

    /// Imports a credential the issuer delivered: checked against the trust
    /// list and this wallet's device keys, stored sealed. A higher version of
    /// a stored document replaces and purges the old one in one transaction.
    pub fn import_credential(
        &self,
        credential: Vec<u8>,
        trust_list: Arc<TrustList>,
    ) -> Result<ImportOutcome, WalletError> {
        let credential = zeroize::Zeroizing::new(credential);
        let outcome = self
            .inner
            .import(&credential, trust_list.core(), self.now()?)?;
        Ok(Wallet::outcome(outcome))
    }

    /// Imports a credential with its print credential (the printable card's,
    /// issued with it): both checked against the trust list, the print
    /// credential must be of the same document, version and claims. Both are
    /// kept in one record; a renewal replaces both.
    pub fn import_credential_with_print(
        &self,
        credential: Vec<u8>,
        print_credential: Vec<u8>,
        trust_list: Arc<TrustList>,
    ) -> Result<ImportOutcome, WalletError> {
        let credential = zeroize::Zeroizing::new(credential);
        let print = zeroize::Zeroizing::new(print_credential);
        let outcome =
            self.inner
                .import_with_print(&credential, &print, trust_list.core(), self.now()?)?;
        Ok(Wallet::outcome(outcome))
    }

    /// Adds (or replaces, e.g. after a lost card was revoked and reissued)
    /// the print credential of a stored document of the same version.
    pub fn add_print_credential(
        &self,
        print_credential: Vec<u8>,
        trust_list: Arc<TrustList>,
    ) -> Result<DocumentSummary, WalletError> {
        let print = zeroize::Zeroizing::new(print_credential);
        Ok(self
            .inner
            .add_print_credential(&print, trust_list.core(), self.now()?)?)
    }

    /// Imports a renewal of a stored document (new version replaces and
    /// purges the old); refuses a document the wallet does not hold (`NotARenewal`).
    pub fn renew(
        &self,
        credential: Vec<u8>,
        trust_list: Arc<TrustList>,
    ) -> Result<ImportOutcome, WalletError> {
        let credential = zeroize::Zeroizing::new(credential);
        let outcome = self
            .inner
            .renew(&credential, trust_list.core(), self.now()?)?;
        Ok(Wallet::outcome(outcome))
    }

    /// Imports a renewal with the new version's print credential: as
    /// `renew`, with the checks of `importCredentialWithPrint`.
    pub fn renew_with_print(
        &self,
        credential: Vec<u8>,
        print_credential: Vec<u8>,
        trust_list: Arc<TrustList>,
    ) -> Result<ImportOutcome, WalletError> {
        let credential = zeroize::Zeroizing::new(credential);
        let print = zeroize::Zeroizing::new(print_credential);
        let outcome =
            self.inner
                .renew_with_print(&credential, &print, trust_list.core(), self.now()?)?;
        Ok(Wallet::outcome(outcome))
    }

    /// Every stored document, the holder's first, then dependents'.
    pub fn documents(&self) -> Result<Vec<DocumentSummary>, WalletError> {
        Ok(self.inner.documents()?)
    }

    /// The documents the wallet should hold but cannot show (deleted, altered
    /// or rolled back outside the wallet), each with what is wrong; empty for
    /// an intact wallet. `documents()` leaves them out; the others keep
    /// working. Show them so the holder can restore from a backup or import
    /// them again.
    pub fn damaged_documents(&self) -> Result<Vec<DamagedDocument>, WalletError> {
        Ok(self
            .inner
            .damaged_documents()?
            .into_iter()
            .map(DamagedDocument::from)
            .collect())
    }

    /// The documents grouped per person: the holder first, then each dependent.
    pub fn people(&self) -> Result<Vec<Person>, WalletError> {
        Ok(self.inner.people()?)
    }

    /// The dependents: people whose documents are held under this wallet's key.
    pub fn dependents(&self) -> Result<Vec<Person>, WalletError> {
        Ok(self.inner.dependents()?)
    }

    /// One document with all its claims, to show on screen.
    pub fn show(&self, number: u64) -> Result<DocumentDetails, WalletError> {
        let (held, summary) = self.inner.document_with_summary(number)?;
        let info = held.info();
        Ok(DocumentDetails {
            summary,
            issuer: info.issuer.clone(),
            issued_at: info.issued_at().0,
            claims: held
                .claims()
                .iter()
                .map(|(key, value)| Claim::new(*key, value))
                .collect(),
        })
    }

    /// The card of a stored document, to draw: bilingual fields, Gregorian
    /// and Hijri dates, text directions, and its validity today (by the
    /// wallet's clock).
    pub fn card(&self, number: u64) -> Result<Card, WalletError> {
        let today =
            core::Date::from_unix(self.now()?).map_err(|_| WalletError::ClockUnavailable {
                reason: "the clock's time is outside the calendar's range".into(),
            })?;
        let held = self.inner.document(number)?;
        Ok(card::Card::from_held(&held, today).into())
    }

    /// Deletes a document and purges it from the file.
    pub fn delete(&self, number: u64) -> Result<(), WalletError> {
        Ok(self.inner.delete(number)?)
    }

    /// Makes a device-bound presentation of a stored document, signed now by
    /// the wallet's clock (there is no signing for another time), and
    /// records it in the log. `challenge`: what the holder typed or scanned
    /// when the verifier showed a challenge (`"493 817"`, `"493817"` or the
    /// challenge QR's text `"HWC:493817"`), or `null`/`nil` for a timed code.
    /// Make a new one when `expiresAt` nears.
    pub fn present(
        &self,
        number: u64,
        disclosure: Disclosure,
        challenge: Option<String>,
    ) -> Result<Presentation, WalletError> {
        let challenge = parse_challenge(challenge)?;
        // The wallet's own clock, read now: the app's clock cannot fail
        // inside the core, so it is read here and handed over as is.
        let now = self.now()?;
        let made = self
            .inner
            .present(number, &disclosure, challenge, &core::FixedClock(now))?;
        Presentation::new(&made, now).map_err(qr_to_wallet)
    }

    /// Makes the printed code of a stored document: the static
    /// (issuer-signed only) presentation of its print credential, as its
    /// card carries, and records it (`NoPrintCredential` without one). Works
    /// for documents awaiting re-binding too. Verifiers treat it as
    /// `Printed`, the lowest assurance.
    pub fn present_static(
        &self,
        number: u64,
        disclosure: Disclosure,
    ) -> Result<Presentation, WalletError> {
        let now = self.now()?;
        let made = self.inner.present_static(number, &disclosure, now)?;
        Presentation::new(&made, now).map_err(qr_to_wallet)
    }

    /// The presentation log, oldest first.
    pub fn presentation_log(&self) -> Result<Vec<LogEntry>, WalletError> {
        Ok(self.inner.presentation_log()?)
    }

    /// Deletes the whole presentation log; returns how many entries went.
    pub fn clear_presentation_log(&self) -> Result<u64, WalletError> {
        Ok(self.inner.clear_presentation_log()? as u64)
    }

    /// Exports documents and log into one file sealed with `passphrase`
    /// (device keys stay behind). Returns the file's bytes.
    pub fn export_backup(&self, passphrase: String) -> Result<Vec<u8>, WalletError> {
        let passphrase = Secret::new(passphrase);
        Ok(self
            .inner
            .export_backup(&passphrase, &self.options, self.now()?)?)
    }
}

pub(crate) fn qr_to_wallet(error: QrError) -> WalletError {
    WalletError::InvalidPresentation {
        reason: error.to_string(),
    }
}

/// Restores a backup into a new wallet at `path`, protected by a new
/// passphrase; the wallet comes back unlocked, its documents awaiting
/// re-binding. Every credential is checked against `trust_list` as an import
/// checks it; one that fails is left out and listed in `skipped`. Both
/// passphrases are zeroized in Rust memory after use.
#[uniffi::export]
pub fn restore_backup_with_passphrase(
    path: String,
    backup: Vec<u8>,
    backup_passphrase: String,
    new_passphrase: String,
    trust_list: Arc<TrustList>,
    options: WalletOptions,
    clock: Option<Arc<dyn Clock>>,
) -> Result<RestoredWallet, WalletError> {
    let backup_passphrase = Secret::new(backup_passphrase);
    let new_passphrase = Secret::new(new_passphrase);
    let time = TimeSource::from_option(clock);
    let now = time.now().map_err(clock_error)?;
    let options = options.to_core();
    let (inner, report) = wallet::Wallet::restore(
        &PathBuf::from(path),
        &backup,
        &backup_passphrase,
        wallet::Protection::Passphrase(&new_passphrase),
        trust_list.core(),
        &options,
        now,
    )?;
    Ok(restored(inner, report, options, time))
}

/// Restores a backup into a new wallet at `path`, protected by the app's key
/// source; the wallet comes back unlocked, its documents awaiting re-binding.
/// Every credential is checked against `trust_list`, as for
/// `restoreBackupWithPassphrase`.
#[uniffi::export]
pub fn restore_backup_with_key_source(
    path: String,
    backup: Vec<u8>,
    backup_passphrase: String,
    key_source: Arc<dyn KeySource>,
    trust_list: Arc<TrustList>,
    options: WalletOptions,
    clock: Option<Arc<dyn Clock>>,
) -> Result<RestoredWallet, WalletError> {
    let backup_passphrase = Secret::new(backup_passphrase);
    let time = TimeSource::from_option(clock);
    let now = time.now().map_err(clock_error)?;
    let options = options.to_core();
    let source = KeySourceAdapter(key_source);
    let (inner, report) = wallet::Wallet::restore(
        &PathBuf::from(path),
        &backup,
        &backup_passphrase,
        wallet::Protection::KeySource(&source),
        trust_list.core(),
        &options,
        now,
    )?;
    Ok(restored(inner, report, options, time))
}

/// A restored wallet and what the restore brought back.
#[derive(uniffi::Record)]
pub struct RestoredWallet {
    /// The new wallet, unlocked.
    pub wallet: Arc<Wallet>,
    /// Documents restored.
    pub documents: u32,
    /// Log entries restored.
    pub log_entries: u32,
    /// Documents that must be re-bound before device-bound presentation
    /// (all of them: device keys are never in a backup).
    pub needs_rebinding: u32,
    /// Documents in the backup that were left out (not signed by an issuer
    /// in the trust list, expired, ...), each with why.
    pub skipped: Vec<SkippedDocument>,
}

fn restored(
    inner: wallet::Wallet,
    report: wallet::RestoreReport,
    options: wallet::WalletOptions,
    time: TimeSource,
) -> RestoredWallet {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    RestoredWallet {
        wallet: Wallet::wrap(inner, options, time),
        documents: count(report.documents),
        log_entries: count(report.log_entries),
        needs_rebinding: count(report.needs_rebinding),
        skipped: report.skipped.iter().map(SkippedDocument::from).collect(),
    }
}

/// Reads what the holder typed or the wallet app scanned as a verifier's
/// challenge (`"493 817"`, `"493817"`, Arabic-Indic digits, or the
/// challenge QR's text `"HWC:493817"`) and returns its six digits, so a
/// "type the code" screen can check the input before presenting.
#[uniffi::export]
pub fn read_challenge_code(text: String) -> Result<String, WalletError> {
    core::ChallengeCode::parse(&text)
        .map(|code| code.to_string())
        .map_err(|_| WalletError::InvalidChallenge)
}
