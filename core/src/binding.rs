//! Device binding at issuance: the holder proves it holds the device key by
//! signing the issuer's fresh nonce; the issuer puts that key in `cnf`.

use subtle::ConstantTimeEq;

use crate::cbor::{self, Value};
use crate::error::FormatError;
use crate::keys::{DeviceSigner, KeyError, PublicKey, SIGNATURE_LEN};

/// Shortest issuer nonce accepted (128 bits).
pub const MIN_NONCE_LEN: usize = 16;
/// Longest issuer nonce accepted.
pub const MAX_NONCE_LEN: usize = 64;
const S: &str = "binding request";
const CONTEXT: &str = "hawiya binding v1";

/// A holder's request to bind a credential to its device key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BindingRequest {
    device_key: PublicKey,
    nonce: Vec<u8>,
    signature: [u8; SIGNATURE_LEN],
}

fn signed_bytes(nonce: &[u8], key: &PublicKey) -> Vec<u8> {
    Value::Array(vec![
        Value::text(CONTEXT),
        Value::bytes(nonce),
        Value::bytes(key.as_bytes()),
    ])
    .to_bytes()
}

impl BindingRequest {
    /// Signs the issuer's nonce with the device key.
    ///
    /// # Errors
    /// [`KeyError::SignerFailed`] if the device signer refuses.
    pub fn new(signer: &dyn DeviceSigner, nonce: &[u8]) -> Result<BindingRequest, KeyError> {
        let device_key = signer.public_key();
        let signature = signer.sign(&signed_bytes(nonce, &device_key))?;
        Ok(BindingRequest {
            device_key,
            nonce: nonce.to_vec(),
            signature,
        })
    }

    /// The device key to bind.
    pub fn device_key(&self) -> &PublicKey {
        &self.device_key
    }

    /// Encoding: `[1, device_key, nonce, signature]`.
    pub fn to_bytes(&self) -> Vec<u8> {
        Value::Array(vec![
            Value::Unsigned(1),
            Value::bytes(self.device_key.as_bytes()),
            Value::bytes(&self.nonce),
            Value::bytes(&self.signature),
        ])
        .to_bytes()
    }

    /// Reads a binding request (does not check it; see [`Self::check`]).
    ///
    /// # Errors
    /// [`FormatError`] if the bytes are not a binding request.
    pub fn from_bytes(bytes: &[u8]) -> Result<BindingRequest, FormatError> {
        let bad = |field| FormatError::field(S, field);
        let value = cbor::decode(bytes)?;
        let [version, key, nonce, sig] = value.as_array().ok_or(bad("array"))? else {
            return Err(bad("array"));
        };
        if version.as_u64() != Some(1) {
            return Err(bad("version"));
        }
        Ok(BindingRequest {
            device_key: key
                .as_bytes()
                .and_then(|k| PublicKey::from_bytes(k).ok())
                .ok_or(bad("device key"))?,
            nonce: nonce
                .as_bytes()
                .filter(|n| (MIN_NONCE_LEN..=MAX_NONCE_LEN).contains(&n.len()))
                .ok_or(bad("nonce"))?
                .to_vec(),
            signature: sig
                .as_bytes()
                .and_then(|s| s.try_into().ok())
                .ok_or(bad("signature"))?,
        })
    }

    /// Whether the request answers `nonce`, compared in constant time.
    pub(crate) fn answers(&self, nonce: &[u8]) -> bool {
        self.nonce.len() == nonce.len() && bool::from(self.nonce.ct_eq(nonce))
    }

    /// Whether the signature proves possession of the device key.
    pub(crate) fn proves_possession(&self) -> bool {
        self.device_key.verify(
            &signed_bytes(&self.nonce, &self.device_key),
            &self.signature,
        )
    }
}

/// A device key whose holder proved possession over a fresh issuer nonce.
/// Only [`BindingRequest::check`] (the issuer's check, in `issuer.rs`)
/// makes one, so an issuer cannot bind a credential to an unchecked key by
/// mistake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceBinding {
    device_key: PublicKey,
}

impl DeviceBinding {
    /// A binding for a key whose request was checked.
    pub(crate) fn checked(request: &BindingRequest) -> DeviceBinding {
        DeviceBinding {
            device_key: *request.device_key(),
        }
    }

    /// The checked device key, which goes into the credential's `cnf`.
    pub fn device_key(&self) -> PublicKey {
        self.device_key
    }
}
