//! What the platform owns, implemented by the app in Kotlin or Swift: the key
//! store that protects the wallet's data key ([`KeySource`]), an optional
//! hardware-backed device signer ([`DeviceSigner`]), and the clock
//! ([`Clock`]).
//!
//! Every method returns a typed error. If the app's implementation throws
//! anything else, uniffi hands Rust an `UnexpectedUniFFICallbackError`, which
//! becomes the "unavailable" variant here: a failed call, never a crash.

use std::sync::Arc;

use hawiya_core as core;
use hawiya_wallet as wallet;
use uniffi::UnexpectedUniFFICallbackError;
use zeroize::Zeroizing;

/// Longest reason kept from a foreign exception.
const MAX_THROWN_REASON: usize = 160;

/// The first line of what a foreign implementation threw (Kotlin sends the
/// whole stack trace), shortened: enough to name the exception, without
/// filling logs.
fn thrown(error: &UnexpectedUniFFICallbackError) -> String {
    let first = error.reason.lines().next().unwrap_or("").trim();
    match first.char_indices().nth(MAX_THROWN_REASON) {
        Some((cut, _)) => format!("{}…", &first[..cut]),
        None => first.to_owned(),
    }
}

/// Why the app's key source could not wrap or unwrap the data key. Only
/// `Rejected` (a wrong secret) counts as a failed unlock.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum KeySourceError {
    /// The prompt ended without an answer from the holder: they cancelled,
    /// the system cancelled it (another app came to the front, the screen
    /// locked), or it timed out. Not counted as a failed unlock.
    #[error("unlocking was cancelled; nothing was counted, try again when ready")]
    Cancelled,
    /// The holder presented a wrong secret (biometrics or passcode not
    /// accepted) and the prompt ended. Counted as a failed unlock.
    #[error("the device key store refused: authenticate and try again")]
    Rejected,
    /// The platform key is missing, invalidated or the hardware failed, or
    /// the platform is throttling its own prompt after failures. Not counted
    /// as a failed unlock.
    #[error("the device key store is unavailable ({reason})")]
    Unavailable {
        /// What failed (no key material).
        reason: String,
    },
}

impl From<UnexpectedUniFFICallbackError> for KeySourceError {
    fn from(error: UnexpectedUniFFICallbackError) -> Self {
        KeySourceError::Unavailable {
            reason: format!("the key source threw {}", thrown(&error)),
        }
    }
}

/// A platform key store (Android Keystore, iOS Keychain / Secure Enclave)
/// that wraps and unwraps the wallet's 32-byte data key, typically with a key
/// that needs biometrics or the device passcode for each use. The wallet
/// stores only what `wrap` returns.
#[uniffi::export(foreign)]
pub trait KeySource: Send + Sync {
    /// Encrypts the data key with a key that never leaves the platform.
    fn wrap(&self, data_key: Vec<u8>) -> Result<Vec<u8>, KeySourceError>;
    /// Decrypts a data key this source wrapped. Throw `Rejected` only when
    /// the holder presented a wrong secret, `Cancelled` when the prompt ended
    /// without an answer (the holder or the system cancelled, a timeout), and
    /// `Unavailable` when the key is gone, the hardware failed or the
    /// platform is throttling its prompt. Show no verdict before returning.
    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, KeySourceError>;
}

/// Adapts the app's key source to the core's trait.
pub(crate) struct KeySourceAdapter(pub(crate) Arc<dyn KeySource>);

impl wallet::KeySource for KeySourceAdapter {
    fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, wallet::KeySourceError> {
        self.0.wrap(data_key.to_vec()).map_err(to_core)
    }

    fn unwrap(&self, wrapped: &[u8]) -> Result<Vec<u8>, wallet::KeySourceError> {
        // The core zeroizes what this returns once it has used it.
        self.0.unwrap(wrapped.to_vec()).map_err(to_core)
    }
}

fn to_core(error: KeySourceError) -> wallet::KeySourceError {
    match error {
        KeySourceError::Cancelled => wallet::KeySourceError::Cancelled,
        KeySourceError::Rejected => wallet::KeySourceError::Rejected,
        KeySourceError::Unavailable { reason } => wallet::KeySourceError::Unavailable(reason),
    }
}

/// Why the app's device signer could not sign.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum SignerError {
    /// The user cancelled or failed authentication for the key.
    #[error("the device signer refused: authenticate and try again")]
    Rejected,
    /// The key is gone or the hardware failed.
    #[error("the device signer is unavailable ({reason})")]
    Unavailable {
        /// What failed (no key material).
        reason: String,
    },
}

impl From<UnexpectedUniFFICallbackError> for SignerError {
    fn from(error: UnexpectedUniFFICallbackError) -> Self {
        SignerError::Unavailable {
            reason: format!("the device signer threw {}", thrown(&error)),
        }
    }
}

/// A hardware-backed Ed25519 device key the app holds (e.g. Android
/// StrongBox or a Secure Enclave-backed key). Optional: by default the wallet
/// keeps its own device key sealed in the database.
#[uniffi::export(foreign)]
pub trait DeviceSigner: Send + Sync {
    /// The 32-byte Ed25519 public key.
    fn public_key(&self) -> Result<Vec<u8>, SignerError>;
    /// A 64-byte Ed25519 signature over `message`.
    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, SignerError>;
}

/// Adapts the app's signer to the core's trait; the public key is read once.
pub(crate) struct SignerAdapter {
    signer: Arc<dyn DeviceSigner>,
    public: core::PublicKey,
}

impl SignerAdapter {
    /// Reads the signer's public key; `None` if the signer fails or returns
    /// something that is not an Ed25519 key.
    pub(crate) fn new(signer: Arc<dyn DeviceSigner>) -> Result<SignerAdapter, core::KeyError> {
        let bytes = signer
            .public_key()
            .map_err(|_| core::KeyError::SignerFailed)?;
        let public = core::PublicKey::from_bytes(&bytes)?;
        Ok(SignerAdapter { signer, public })
    }
}

impl core::DeviceSigner for SignerAdapter {
    fn public_key(&self) -> core::PublicKey {
        self.public
    }

    fn sign(&self, message: &[u8]) -> Result<[u8; core::SIGNATURE_LEN], core::KeyError> {
        let signature = self
            .signer
            .sign(message.to_vec())
            .map_err(|_| core::KeyError::SignerFailed)?;
        signature
            .as_slice()
            .try_into()
            .map_err(|_| core::KeyError::SignerFailed)
    }
}

/// Why the app's clock could not tell the time.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ClockError {
    /// The clock failed.
    #[error("the clock is unavailable ({reason})")]
    Unavailable {
        /// What failed.
        reason: String,
    },
}

impl From<UnexpectedUniFFICallbackError> for ClockError {
    fn from(error: UnexpectedUniFFICallbackError) -> Self {
        ClockError::Unavailable {
            reason: format!("the clock threw {}", thrown(&error)),
        }
    }
}

/// The sentence for a key source error (as Kotlin's `explanation` and
/// Swift's `localizedDescription` show it).
#[uniffi::export]
pub fn describe_key_source_error(error: KeySourceError) -> String {
    error.to_string()
}

/// The sentence for a device signer error.
#[uniffi::export]
pub fn describe_signer_error(error: SignerError) -> String {
    error.to_string()
}

/// The sentence for a clock error.
#[uniffi::export]
pub fn describe_clock_error(error: ClockError) -> String {
    error.to_string()
}

/// Where "now" comes from, when the app wants to decide (tests, a trusted
/// network time). Without one, the operating system's clock is used.
#[uniffi::export(foreign)]
pub trait Clock: Send + Sync {
    /// Seconds since 1970-01-01T00:00:00Z.
    fn now_unix_seconds(&self) -> Result<i64, ClockError>;
}

/// The clock a wallet or verifier uses: the app's or the system's.
#[derive(Clone)]
pub(crate) enum TimeSource {
    /// The operating system's clock.
    System,
    /// The app's clock.
    App(Arc<dyn Clock>),
}

impl TimeSource {
    pub(crate) fn from_option(clock: Option<Arc<dyn Clock>>) -> TimeSource {
        clock.map_or(TimeSource::System, TimeSource::App)
    }

    /// The current time, or the clock's failure reason.
    pub(crate) fn now(&self) -> Result<core::UnixTime, String> {
        use core::Clock as _;
        match self {
            TimeSource::System => Ok(core::SystemClock.now()),
            TimeSource::App(clock) => clock
                .now_unix_seconds()
                .map(core::UnixTime)
                .map_err(|e| e.to_string()),
        }
    }
}

/// A passphrase the host passed in, zeroized when dropped.
pub(crate) type Secret = Zeroizing<String>;
