//! Settings an app chooses when creating or opening a wallet.

use std::time::Duration;

use crate::key_source::KdfParams;
use crate::passcode::{PasscodeRules, UnlockPolicy};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_a_valid_policy_and_an_acceptable_kdf() {
        let options = WalletOptions::default();
        assert!(options.unlock_policy.validate().is_ok());
        assert!(options.kdf.is_acceptable());
        assert!(options.kdf.is_affordable_on_a_phone());
        assert_eq!(options.busy_timeout, Duration::from_secs(5));
    }
}
