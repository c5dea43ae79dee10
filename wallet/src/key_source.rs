//! Where the wallet's data key comes from: a platform key store the app
//! implements ([`KeySource`], e.g. Android Keystore or the iOS Keychain behind
//! biometrics), or a passphrase stretched with Argon2id ([`KdfParams`]) for the
//! CLI and desktop.

use argon2::{Algorithm, Argon2, Params, Version};
use thiserror::Error;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use hawiya_core::cbor::{self, Value};

use super::seal::KEY_LEN;

/// A platform key store that wraps and unwraps the wallet's 32-byte data key.
/// Apps implement it over Android Keystore / iOS Keychain, typically with a
/// key that needs biometrics or the device passcode for each use. The wallet
/// stores only what [`KeySource::wrap`] returns.
///
/// The wallet records an unlock attempt before it calls
/// [`KeySource::unwrap`] and its outcome before it returns, so a source that
/// checks a secret itself (an app PIN) must not show its verdict to the
/// holder before returning: an app killed between the two would otherwise
/// leave a guess whose outcome someone saw but the wallet did not record.
pub trait KeySource: Send + Sync {
    /// Encrypts the data key with a key that never leaves the platform.
    ///
    /// # Errors
    /// [`KeySourceError`] if the platform refused or failed.
    fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, KeySourceError>;

    /// Decrypts a data key this source wrapped. The wallet zeroizes the result.
    ///
    /// Only a wrong secret counts as a failed unlock, so tell the outcomes
    /// apart: the holder (or the system) ending the prompt without an answer
    /// is not a guess.
    ///
    /// # Errors
    /// [`KeySourceError::Rejected`] if the holder presented a wrong secret
    /// and the prompt ended (counted as a failed unlock);
    /// [`KeySourceError::Cancelled`] if the prompt ended without an answer:
    /// the holder cancelled, the system cancelled it (another app, the screen
    /// locked), or it timed out (not counted);
    /// [`KeySourceError::Unavailable`] if the platform key is gone, the
    /// hardware failed, or the platform is throttling its own prompt after
    /// too many failures (not counted).
    fn unwrap(&self, wrapped: &[u8]) -> Result<Vec<u8>, KeySourceError>;
}

/// Why a [`KeySource`] could not wrap or unwrap.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeySourceError {
    /// The prompt ended without an answer from the holder: cancelled by the
    /// holder or the system, or timed out. Not a failed unlock.
    #[error("unlocking was cancelled; nothing was counted, try again when ready")]
    Cancelled,
    /// The holder presented a wrong secret (biometrics or passcode not
    /// accepted). Counted as a failed unlock.
    #[error("the device key store refused: authenticate and try again")]
    Rejected,
    /// The platform key is missing, invalidated or the hardware failed.
    #[error("the device key store is unavailable ({0}); restore the wallet from a backup if the key was invalidated")]
    Unavailable(String),
}

/// Argon2id cost settings, stored in the wallet file beside the salt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Number of passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

/// OWASP's equivalent minimum Argon2id settings (memory KiB, passes), one lane.
const OWASP_MINIMUMS: [(u32, u32); 5] = [
    (47_104, 1),
    (19_456, 2),
    (12_288, 3),
    (9_216, 4),
    (7_168, 5),
];
/// Upper bounds, so a tampered file cannot make unlocking take hours.
const MAX_MEMORY_KIB: u32 = 1 << 21; // 2 GiB
const MAX_ITERATIONS: u32 = 64;
const MAX_PARALLELISM: u32 = 16;
/// What a backup restored on a phone may ask for: 256 MiB, 10 passes, 4
/// lanes, and at most four times the cost of [`KdfParams::BACKUP`] (memory
/// times passes). A mid-range phone derives that in a few seconds.
const PHONE_MAX_MEMORY_KIB: u32 = 256 * 1024;
const PHONE_MAX_ITERATIONS: u32 = 10;
const PHONE_MAX_PARALLELISM: u32 = 4;
const PHONE_MAX_COST: u64 = 4 * 65_536 * 3;
/// Salt length for every Argon2id derivation.
pub(crate) const SALT_LEN: usize = 16;

impl KdfParams {
    /// OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane): about 50 ms
    /// on a phone-class core, the wallet's default.
    pub const OWASP_MINIMUM: KdfParams = KdfParams {
        memory_kib: 19_456,
        iterations: 2,
        parallelism: 1,
    };

    /// Stronger settings for backup files, which leave the phone: 64 MiB, 3 passes.
    pub const BACKUP: KdfParams = KdfParams {
        memory_kib: 65_536,
        iterations: 3,
        parallelism: 1,
    };

    /// Whether these settings are at least one of OWASP's minimum
    /// configurations and below the sanity limits.
    pub fn is_acceptable(&self) -> bool {
        let strong_enough = OWASP_MINIMUMS
            .iter()
            .any(|&(m, t)| self.memory_kib >= m && self.iterations >= t);
        strong_enough
            && self.memory_kib <= MAX_MEMORY_KIB
            && self.iterations <= MAX_ITERATIONS
            && (1..=MAX_PARALLELISM).contains(&self.parallelism)
    }

    /// Whether a phone can afford these settings: at most 256 MiB, 10
    /// passes and 4 lanes, and at most four times the cost (memory × passes)
    /// of [`KdfParams::BACKUP`]. Backups, which come from outside, are
    /// refused beyond this before any derivation.
    pub fn is_affordable_on_a_phone(&self) -> bool {
        self.memory_kib <= PHONE_MAX_MEMORY_KIB
            && self.iterations <= PHONE_MAX_ITERATIONS
            && self.parallelism <= PHONE_MAX_PARALLELISM
            && u64::from(self.memory_kib) * u64::from(self.iterations) <= PHONE_MAX_COST
    }

    /// Derives a 32-byte key from a passphrase and salt, as unlocking does.
    /// The passphrase is first put in Unicode NFC, so the same Arabic or
    /// accented passphrase typed on another keyboard (e.g. when restoring a
    /// backup on a new phone) gives the same key. Public so apps can time
    /// these settings on their devices. `None` if the settings are
    /// unacceptable or Argon2 refuses them.
    pub fn derive(&self, passphrase: &str, salt: &[u8]) -> Option<Zeroizing<[u8; KEY_LEN]>> {
        if !self.is_acceptable() {
            return None;
        }
        let params = Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .ok()?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let normalized: Zeroizing<String> = Zeroizing::new(passphrase.nfc().collect());
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        argon
            .hash_password_into(normalized.as_bytes(), salt, out.as_mut())
            .ok()?;
        Some(out)
    }

    /// CBOR form stored in the file: `[memory_kib, iterations, parallelism, salt]`.
    pub(crate) fn encode_with_salt(&self, salt: &[u8]) -> Vec<u8> {
        Value::Array(vec![
            Value::Unsigned(u64::from(self.memory_kib)),
            Value::Unsigned(u64::from(self.iterations)),
            Value::Unsigned(u64::from(self.parallelism)),
            Value::bytes(salt),
        ])
        .to_bytes()
    }

    /// Reads [`KdfParams::encode_with_salt`].
    pub(crate) fn decode_with_salt(bytes: &[u8]) -> Option<(KdfParams, Vec<u8>)> {
        let value = cbor::decode(bytes).ok()?;
        let [m, t, p, salt] = value.as_array()? else {
            return None;
        };
        let field = |v: &Value| v.as_u64().and_then(|n| u32::try_from(n).ok());
        let params = KdfParams {
            memory_kib: field(m)?,
            iterations: field(t)?,
            parallelism: field(p)?,
        };
        let salt = salt.as_bytes()?;
        (salt.len() == SALT_LEN).then(|| (params, salt.to_vec()))
    }
}

impl Default for KdfParams {
    fn default() -> KdfParams {
        KdfParams::OWASP_MINIMUM
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owasp_minimum_and_limits() {
        assert!(KdfParams::OWASP_MINIMUM.is_acceptable());
        assert!(KdfParams::BACKUP.is_acceptable());
        for (m, t) in OWASP_MINIMUMS {
            let p = KdfParams {
                memory_kib: m,
                iterations: t,
                parallelism: 1,
            };
            assert!(p.is_acceptable());
            assert!(!KdfParams {
                memory_kib: m - 1,
                ..p
            }
            .is_acceptable());
        }
        let weak = KdfParams {
            memory_kib: 19_455,
            iterations: 2,
            parallelism: 1,
        };
        assert!(!weak.is_acceptable());
        assert!(weak.derive("x", &[0; 16]).is_none());
        let huge = KdfParams {
            memory_kib: u32::MAX,
            ..KdfParams::OWASP_MINIMUM
        };
        assert!(!huge.is_acceptable());
        let no_lanes = KdfParams {
            parallelism: 0,
            ..KdfParams::OWASP_MINIMUM
        };
        assert!(!no_lanes.is_acceptable());
    }

    #[test]
    fn what_a_phone_can_afford() {
        assert!(KdfParams::OWASP_MINIMUM.is_affordable_on_a_phone());
        assert!(KdfParams::BACKUP.is_affordable_on_a_phone());
        let affordable = KdfParams {
            memory_kib: 256 * 1024,
            iterations: 3,
            parallelism: 4,
        };
        assert!(affordable.is_affordable_on_a_phone());
        for costly in [
            KdfParams {
                memory_kib: 256 * 1024 + 1,
                ..affordable
            },
            KdfParams {
                iterations: 4,
                ..affordable
            },
            KdfParams {
                memory_kib: 65_536,
                iterations: 11,
                parallelism: 1,
            },
            KdfParams {
                parallelism: 5,
                ..affordable
            },
            KdfParams {
                memory_kib: MAX_MEMORY_KIB,
                iterations: MAX_ITERATIONS,
                parallelism: 1,
            },
        ] {
            assert!(costly.is_acceptable(), "{costly:?}");
            assert!(!costly.is_affordable_on_a_phone(), "{costly:?}");
        }
    }

    #[test]
    fn derivation_depends_on_passphrase_and_salt() {
        let p = KdfParams::OWASP_MINIMUM;
        let a = p.derive("correct horse", &[1; 16]).unwrap();
        assert_eq!(*a, *p.derive("correct horse", &[1; 16]).unwrap());
        assert_ne!(*a, *p.derive("correct horsf", &[1; 16]).unwrap());
        assert_ne!(*a, *p.derive("correct horse", &[2; 16]).unwrap());
    }

    #[test]
    fn composed_and_decomposed_passphrases_derive_the_same_key() {
        let p = KdfParams::OWASP_MINIMUM;
        // "é" precomposed vs "e" + combining acute; Arabic "آ" vs "ا" + madda.
        let composed = p.derive("caf\u{e9} \u{622}", &[3; 16]).unwrap();
        let decomposed = p.derive("cafe\u{301} \u{627}\u{653}", &[3; 16]).unwrap();
        assert_eq!(*composed, *decomposed);
    }

    #[test]
    fn params_round_trip_and_reject_garbage() {
        let p = KdfParams::BACKUP;
        let bytes = p.encode_with_salt(&[7; SALT_LEN]);
        assert_eq!(
            KdfParams::decode_with_salt(&bytes),
            Some((p, vec![7; SALT_LEN]))
        );
        assert!(KdfParams::decode_with_salt(&p.encode_with_salt(&[7; 15])).is_none());
        assert!(KdfParams::decode_with_salt(b"\x80").is_none());
        assert!(KdfParams::decode_with_salt(&[]).is_none());
    }
}
