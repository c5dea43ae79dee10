//! Ed25519 keys: secret keys that zeroize and never print, public keys that
//! verify strictly, and the signer trait a hardware-backed key can implement.

use std::fmt;

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use rand_core::CryptoRngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use thiserror::Error;
use zeroize::Zeroizing;

/// Length of an Ed25519 public key.
pub const PUBLIC_KEY_LEN: usize = 32;
/// Length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;

/// An Ed25519 public key that is a valid, non-small-order curve point. Keeps
/// the decompressed point, so verifying with it does not decode it again.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Reads a public key, refusing bytes that are not a curve point.
    ///
    /// # Errors
    /// [`KeyError::InvalidPublicKey`] if the bytes are not 32 bytes of a valid point.
    pub fn from_bytes(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        let raw: [u8; PUBLIC_KEY_LEN] = bytes.try_into().map_err(|_| KeyError::InvalidPublicKey)?;
        let key = VerifyingKey::from_bytes(&raw).map_err(|_| KeyError::InvalidPublicKey)?;
        if key.is_weak() {
            return Err(KeyError::InvalidPublicKey);
        }
        Ok(PublicKey(key))
    }

    /// The 32 key bytes.
    pub fn as_bytes(&self) -> &[u8; PUBLIC_KEY_LEN] {
        self.0.as_bytes()
    }

    /// A short fingerprint for humans: the first 8 bytes of SHA-256, in hex.
    pub fn fingerprint(&self) -> String {
        Sha256::digest(self.0.as_bytes())[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Checks a signature with strict Ed25519 rules (no malleable or
    /// small-order forms).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = <[u8; SIGNATURE_LEN]>::try_from(signature) else {
            return false;
        };
        self.0
            .verify_strict(message, &Signature::from_bytes(&sig))
            .is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.fingerprint())
    }
}

/// An Ed25519 secret key. Zeroized on drop; `Debug` never shows it;
/// comparison is constant-time.
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// Makes a new key from a cryptographic random source.
    pub fn generate(rng: &mut impl CryptoRngCore) -> SecretKey {
        SecretKey(SigningKey::generate(rng))
    }

    /// Rebuilds a key from its 32 secret bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> SecretKey {
        SecretKey(SigningKey::from_bytes(bytes))
    }

    /// The secret bytes, in a buffer that is wiped when dropped. Only for
    /// storing the key; never log or display them.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs a message.
    pub fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_LEN] {
        self.0.sign(message).to_bytes()
    }
}

impl PartialEq for SecretKey {
    fn eq(&self, other: &SecretKey) -> bool {
        self.0.to_bytes().ct_eq(&other.0.to_bytes()).into()
    }
}

impl Eq for SecretKey {}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SecretKey(public {}, secret redacted)",
            self.public_key().fingerprint()
        )
    }
}

/// Something that signs with a device key: a [`SecretKey`] in memory, or a
/// hardware-backed key the app provides (Android Keystore, Secure Enclave).
pub trait DeviceSigner: Send + Sync {
    /// The public key that verifiers find in the credential's `cnf`.
    fn public_key(&self) -> PublicKey;

    /// Signs a message with Ed25519.
    ///
    /// # Errors
    /// [`KeyError::SignerFailed`] if the platform refused (e.g. user
    /// cancelled biometrics, key invalidated).
    fn sign(&self, message: &[u8]) -> Result<[u8; SIGNATURE_LEN], KeyError>;
}

impl DeviceSigner for SecretKey {
    fn public_key(&self) -> PublicKey {
        SecretKey::public_key(self)
    }

    fn sign(&self, message: &[u8]) -> Result<[u8; SIGNATURE_LEN], KeyError> {
        Ok(SecretKey::sign(self, message))
    }
}

/// Why a key could not be used.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The bytes are not an Ed25519 public key.
    #[error("not a valid Ed25519 public key (32 bytes of a curve point)")]
    InvalidPublicKey,
    /// A platform signer refused or failed.
    #[error("the device signer failed; unlock the device key and try again")]
    SignerFailed,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn sign_verify_and_reject() {
        let key = SecretKey::generate(&mut OsRng);
        let sig = key.sign(b"hello");
        assert!(key.public_key().verify(b"hello", &sig));
        assert!(!key.public_key().verify(b"hellp", &sig));
        assert!(!key.public_key().verify(b"hello", &sig[..63]));
    }

    #[test]
    fn debug_never_shows_secret() {
        let key = SecretKey::from_bytes(&[7u8; 32]);
        let shown = format!("{key:?}");
        assert!(!shown.contains("0707"));
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn invalid_public_keys_are_refused() {
        assert_eq!(
            PublicKey::from_bytes(&[0u8; 31]),
            Err(KeyError::InvalidPublicKey)
        );
        // The identity point is small-order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            PublicKey::from_bytes(&identity),
            Err(KeyError::InvalidPublicKey)
        );
    }
}
