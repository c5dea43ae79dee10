//! How the data key is protected: wrapped by the app's key source, or by
//! a key derived from the holder's passphrase through Argon2id.

use rand_core::OsRng;

use crate::error::WalletError;
use crate::key_source::KeySource;
use crate::options::WalletOptions;
use crate::seal::{random, DataKey, WALLET_ID_LEN};
use crate::{key_source, seal};

/// Context bound to the passphrase-wrapped data key.
const PASSPHRASE_WRAP_CONTEXT: &[u8] = b"hawiya-wallet/1 data key";

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
    pub(crate) fn tag(&self) -> &'static [u8] {
        match self {
            Protection::Passphrase(_) => b"passphrase",
            Protection::KeySource(_) => b"key source",
        }
    }
}

pub(crate) fn passphrase_context(wallet_id: &[u8], kdf: &[u8]) -> Vec<u8> {
    [PASSPHRASE_WRAP_CONTEXT, wallet_id, kdf].concat()
}

/// Wraps the data key for storage: `(kdf settings, wrapped key)`.
pub(crate) fn wrap_data_key(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::WalletError;
    use crate::seal::DataKey;
    use crate::testing::PadKeySource;

    #[test]
    fn a_trivial_passphrase_is_refused_before_any_key_is_derived() {
        let key = DataKey::generate(&mut rand_core::OsRng);
        let wrapped = wrap_data_key(
            &key,
            &[1; WALLET_ID_LEN],
            Protection::Passphrase("1234"),
            &WalletOptions::default(),
        );
        assert!(matches!(wrapped, Err(WalletError::WeakPasscode(_))));
    }

    #[test]
    fn a_key_source_wraps_without_kdf_settings_and_the_tags_differ() {
        let key = DataKey::generate(&mut rand_core::OsRng);
        let (kdf, wrapped) = wrap_data_key(
            &key,
            &[1; WALLET_ID_LEN],
            Protection::KeySource(&PadKeySource),
            &WalletOptions::default(),
        )
        .unwrap();
        assert!(kdf.is_none());
        assert_eq!(PadKeySource.unwrap(&wrapped).unwrap(), key.as_bytes());
        assert_ne!(
            Protection::KeySource(&PadKeySource).tag(),
            Protection::Passphrase("x").tag()
        );
        assert_eq!(
            format!("{:?}", Protection::Passphrase("olive-harbour")),
            "Passphrase(redacted)"
        );
    }

    #[test]
    fn the_passphrase_wrap_is_bound_to_the_wallet_and_its_kdf_settings() {
        assert_ne!(
            passphrase_context(&[1; 16], b"kdf"),
            passphrase_context(&[2; 16], b"kdf")
        );
        assert_ne!(
            passphrase_context(&[1; 16], b"kdf"),
            passphrase_context(&[1; 16], b"kdg")
        );
    }
}
