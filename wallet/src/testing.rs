//! What the wallet's unit tests share: a wallet in a fresh folder, protected
//! by a stand-in key source (no Argon2 cost), and credentials issued to it.

use std::path::PathBuf;

use hawiya_core::{fixtures, Issuer, PublicKey, SecretKey, TrustList, UnixTime};
use rand_core::OsRng;

use crate::handle::Wallet;
use crate::key_source::{KeySource, KeySourceError};
use crate::options::WalletOptions;
use crate::protection::Protection;

/// 2024-01-10T00:00:00Z, when the fixture documents are issued.
pub(crate) const ISSUED_AT: UnixTime = UnixTime(1_704_844_800);
/// A moment after issuance, when tests import and present.
pub(crate) const NOW: UnixTime = UnixTime(1_704_844_900);
/// The fixture national ID's number.
pub(crate) const NUMBER: u64 = 1_234_567_890;

/// Wraps by XOR with a fixed pad; refuses anything not of its own making.
pub(crate) struct PadKeySource;

const PAD: u8 = 0x5a;

impl KeySource for PadKeySource {
    fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, KeySourceError> {
        Ok([
            b"pad".as_slice(),
            &data_key.iter().map(|b| b ^ PAD).collect::<Vec<_>>(),
        ]
        .concat())
    }

    fn unwrap(&self, wrapped: &[u8]) -> Result<Vec<u8>, KeySourceError> {
        match wrapped.strip_prefix(b"pad".as_slice()) {
            Some(body) => Ok(body.iter().map(|b| b ^ PAD).collect()),
            None => Err(KeySourceError::Rejected),
        }
    }
}

/// A fresh folder that is removed when dropped.
pub(crate) struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    pub(crate) fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// `name` inside the folder.
    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A new wallet, unlocked, protected by [`PadKeySource`].
    pub(crate) fn wallet(&self) -> Wallet {
        Wallet::create(
            &self.path("wallet.db"),
            Protection::KeySource(&PadKeySource),
            &WalletOptions::default(),
        )
        .unwrap()
    }
}

/// The fixture issuer.
pub(crate) fn issuer() -> Issuer {
    Issuer::new(
        SecretKey::from_bytes(&[2; 32]),
        b"\x01",
        "Test issuer",
        "https://status.example/1",
    )
    .unwrap()
}

/// A trust list holding [`issuer`] from 2020 to 2040.
pub(crate) fn trust() -> TrustList {
    TrustList {
        version: 1,
        issued_at: UnixTime(1_700_000_000),
        issuers: vec![issuer().trust_entry(UnixTime(1_577_836_800), UnixTime(2_208_988_800))],
    }
}

/// The fixture national ID issued to `device_key` of `wallet`, as the bytes
/// the wallet imports.
pub(crate) fn issue_to(wallet: &Wallet, device_key: &PublicKey) -> Vec<u8> {
    let nonce = [4; 16];
    let binding = wallet
        .binding_request(device_key, &nonce)
        .unwrap()
        .check(&nonce)
        .unwrap();
    issuer()
        .issue(&fixtures::national_id(), &binding, 7, ISSUED_AT, &mut OsRng)
        .unwrap()
        .to_bytes()
}

/// A wallet holding the fixture national ID, bound to a key made inside it.
pub(crate) fn wallet_with_document(scratch: &Scratch) -> Wallet {
    let wallet = scratch.wallet();
    let key = wallet.create_device_key().unwrap();
    wallet
        .import(&issue_to(&wallet, &key), &trust(), NOW)
        .unwrap();
    wallet
}
