//! Changing how an unlocked wallet is protected and how failed unlocks
//! are throttled, and reading the failed-attempt count.

use crate::db::{checkpoint, immediate};
use crate::error::{storage_error, WalletError};
use crate::handle::{load_documents, Inner, Wallet};
use crate::held::birth_date;
use crate::options::WalletOptions;
use crate::passcode::{AttemptState, UnlockPolicy};
use crate::protection::{wrap_data_key, Protection};
use crate::schema::meta;
use crate::{records, schema, unlock};

impl Wallet {
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
}

#[cfg(test)]
mod tests {
    use crate::error::WalletError;
    use crate::options::WalletOptions;
    use crate::passcode::UnlockPolicy;
    use crate::protection::Protection;
    use crate::testing::{wallet_with_document, Scratch};

    #[test]
    fn settings_change_only_on_an_unlocked_wallet() {
        let scratch = Scratch::new();
        let wallet = scratch.wallet();
        wallet.lock();
        assert!(matches!(
            wallet.set_unlock_policy(&UnlockPolicy::default()),
            Err(WalletError::Locked)
        ));
        assert!(matches!(
            wallet.change_protection(
                Protection::Passphrase("olive-harbour-lantern-42"),
                &WalletOptions::default()
            ),
            Err(WalletError::Locked)
        ));
        assert_eq!(wallet.failed_attempts().unwrap().failures, 0);
    }

    #[test]
    fn the_birth_date_of_someone_in_the_wallet_is_refused_as_a_passphrase() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        // The fixture holder was born on 1990-05-17.
        let changed = wallet.change_protection(
            Protection::Passphrase("17051990"),
            &WalletOptions::default(),
        );
        assert!(
            matches!(changed, Err(WalletError::WeakPasscode(_))),
            "{changed:?}"
        );
    }

    #[test]
    fn an_invalid_unlock_policy_is_refused() {
        let scratch = Scratch::new();
        let wallet = scratch.wallet();
        let policy = UnlockPolicy {
            max_attempts: 0,
            ..UnlockPolicy::default()
        };
        assert!(matches!(
            wallet.set_unlock_policy(&policy),
            Err(WalletError::InvalidOptions(_))
        ));
    }
}
