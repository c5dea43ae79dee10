//! The device keys credentials are bound to: generated inside the wallet
//! (sealed secret) or held by the platform (Android Keystore, Secure
//! Enclave), and the binding requests signed with them.

use std::sync::Arc;

use hawiya_core::{BindingRequest, DeviceSigner, PublicKey, SecretKey};
use rand_core::OsRng;
use rusqlite::{params, Connection};

use crate::db::immediate;
use crate::error::{storage_error, WalletError};
use crate::handle::{Inner, Wallet};
use crate::records::KeyRecord;
use crate::schema::key_row;
use crate::seal::Sealer;

/// A device key the wallet can sign with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceKeyInfo {
    /// Its public key (what credentials are bound to).
    pub public_key: PublicKey,
    /// Whether the app's platform signer holds it (hardware-backed).
    pub platform: bool,
}

impl Wallet {
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

pub(crate) fn load_keys(conn: &Connection, sealer: &Sealer) -> Result<Vec<KeyRecord>, WalletError> {
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

#[cfg(test)]
mod tests {
    use hawiya_core::SecretKey;

    use crate::error::WalletError;
    use crate::testing::Scratch;

    #[test]
    fn a_key_made_inside_the_wallet_is_listed_and_signs_binding_requests() {
        let scratch = Scratch::new();
        let wallet = scratch.wallet();
        let key = wallet.create_device_key().unwrap();
        let keys = wallet.device_keys().unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].public_key, key);
        assert!(!keys[0].platform);
        let request = wallet.binding_request(&key, &[9; 16]).unwrap();
        assert_eq!(request.device_key(), &key);
        assert!(request.check(&[9; 16]).is_ok());
    }

    #[test]
    fn an_unknown_key_signs_nothing_and_cannot_be_attached() {
        let scratch = Scratch::new();
        let wallet = scratch.wallet();
        let stranger = SecretKey::from_bytes(&[8; 32]);
        assert!(matches!(
            wallet.binding_request(&stranger.public_key(), &[9; 16]),
            Err(WalletError::UnknownDeviceKey(_))
        ));
        assert!(matches!(
            wallet.attach_platform_signer(std::sync::Arc::new(stranger)),
            Err(WalletError::UnknownDeviceKey(_))
        ));
    }
}
