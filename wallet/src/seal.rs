//! Row sealing: every secret row is XChaCha20-Poly1305 ciphertext under the
//! wallet's data key, with the row's identity (table, id, version) as
//! associated data, so a row copied to another place or version fails to open.
//! Lookups by document number go through a keyed blind index, so the file
//! never holds a document number in clear.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand_core::CryptoRngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

/// Length of the data key and of every derived key.
pub(crate) const KEY_LEN: usize = 32;
/// Length of the random wallet id.
pub(crate) const WALLET_ID_LEN: usize = 16;
/// Length of a blind index.
pub(crate) const INDEX_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Domain separation for row associated data.
const ROW_DOMAIN: &[u8] = b"hawiya-wallet/1 row";

type HmacSha256 = Hmac<Sha256>;

/// The random key that seals every row; itself stored only wrapped.
pub(crate) struct DataKey(Zeroizing<[u8; KEY_LEN]>);

impl DataKey {
    /// A fresh random data key.
    pub(crate) fn generate(rng: &mut impl CryptoRngCore) -> DataKey {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        rng.fill_bytes(key.as_mut());
        DataKey(key)
    }

    /// A data key from unwrapped bytes; `None` unless exactly 32 bytes.
    pub(crate) fn from_slice(bytes: &[u8]) -> Option<DataKey> {
        let array: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(DataKey(Zeroizing::new(array)))
    }

    /// The raw key, for wrapping.
    pub(crate) fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// A subkey for one purpose (HMAC-SHA256 of the label under the data key).
    fn derive(&self, label: &[u8]) -> Zeroizing<[u8; KEY_LEN]> {
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        out.copy_from_slice(&mac(self.0.as_ref(), &[label]));
        out
    }
}

/// HMAC-SHA256 over the concatenation of `parts`.
fn mac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut m = <HmacSha256 as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| <HmacSha256 as Mac>::new(&Default::default()));
    for part in parts {
        m.update(part);
    }
    m.finalize().into_bytes().into()
}

/// Where a sealed value lives: its table, row id and row version.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RowId<'a> {
    /// Table name.
    pub table: &'static str,
    /// Row id bytes (blind index, integer as big-endian, or a meta key name).
    pub id: &'a [u8],
    /// Row version (document version; 0 where rows are never updated).
    pub version: u64,
}

impl RowId<'_> {
    /// The associated data: domain, wallet id, then each field length-prefixed.
    fn associated_data(&self, wallet_id: &[u8; WALLET_ID_LEN]) -> Vec<u8> {
        let mut ad = Vec::with_capacity(ROW_DOMAIN.len() + WALLET_ID_LEN + 48);
        ad.extend_from_slice(ROW_DOMAIN);
        ad.extend_from_slice(wallet_id);
        for field in [self.table.as_bytes(), self.id] {
            ad.extend_from_slice(&(field.len() as u32).to_be_bytes());
            ad.extend_from_slice(field);
        }
        ad.extend_from_slice(&self.version.to_be_bytes());
        ad
    }
}

/// Seals and opens rows of one unlocked wallet. Holds only derived keys; the
/// cipher zeroizes its key on drop.
pub(crate) struct Sealer {
    cipher: XChaCha20Poly1305,
    index_key: Zeroizing<[u8; KEY_LEN]>,
    wallet_id: [u8; WALLET_ID_LEN],
    /// The last manifest opened: `(sealed bytes, contents)`.
    pub(crate) manifest_cache: ManifestCache,
}

/// See `manifest::read`.
pub(crate) type ManifestCache =
    std::sync::Mutex<Option<(Vec<u8>, std::sync::Arc<super::manifest::Manifest>)>>;

impl Sealer {
    /// The sealer for a wallet's data key.
    pub(crate) fn new(data_key: &DataKey, wallet_id: [u8; WALLET_ID_LEN]) -> Sealer {
        let seal_key = data_key.derive(b"seal rows");
        Sealer {
            cipher: XChaCha20Poly1305::new(seal_key.as_ref().into()),
            index_key: data_key.derive(b"blind index"),
            wallet_id,
            manifest_cache: std::sync::Mutex::new(None),
        }
    }

    /// Encrypts a row: `nonce (24) || ciphertext || tag (16)`.
    pub(crate) fn seal(
        &self,
        row: RowId<'_>,
        plaintext: &[u8],
        rng: &mut impl CryptoRngCore,
    ) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill_bytes(&mut nonce);
        let aad = row.associated_data(&self.wallet_id);
        let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
        out.extend_from_slice(&nonce);
        // Encryption into a Vec only fails on absurd lengths (over 256 GiB).
        if let Ok(ciphertext) = self.cipher.encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        ) {
            out.extend_from_slice(&ciphertext);
        }
        out
    }

    /// Decrypts a row; `None` if it was altered, moved, or sealed for another
    /// row, version or wallet.
    pub(crate) fn open(&self, row: RowId<'_>, sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let aad = row.associated_data(&self.wallet_id);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .ok()
            .map(Zeroizing::new)
    }

    /// The blind index of a value (e.g. a document number) under a label.
    pub(crate) fn blind_index(&self, label: &[u8], value: &[u8]) -> [u8; INDEX_LEN] {
        let full = mac(self.index_key.as_ref(), &[label, &[0], value]);
        let mut out = [0u8; INDEX_LEN];
        out.copy_from_slice(&full[..INDEX_LEN]);
        out
    }
}

/// Wraps or unwraps a key with a key-encryption key (used for the passphrase
/// and backup layers): XChaCha20-Poly1305 with `context` as associated data.
pub(crate) fn wrap_with(
    kek: &[u8; KEY_LEN],
    context: &[u8],
    plaintext: &[u8],
    rng: &mut impl CryptoRngCore,
) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(kek.into());
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut nonce);
    let mut out = nonce.to_vec();
    if let Ok(ciphertext) = cipher.encrypt(
        XNonce::from_slice(&nonce),
        Payload {
            msg: plaintext,
            aad: context,
        },
    ) {
        out.extend_from_slice(&ciphertext);
    }
    out
}

/// Reverses [`wrap_with`]; `None` for a wrong key, context or altered bytes.
pub(crate) fn unwrap_with(
    kek: &[u8; KEY_LEN],
    context: &[u8],
    wrapped: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    if wrapped.len() < NONCE_LEN + TAG_LEN {
        return None;
    }
    let cipher = XChaCha20Poly1305::new(kek.into());
    let (nonce, ciphertext) = wrapped.split_at(NONCE_LEN);
    cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: context,
            },
        )
        .ok()
        .map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    fn sealer(id: u8) -> Sealer {
        Sealer::new(&DataKey::from_slice(&[9; 32]).unwrap(), [id; WALLET_ID_LEN])
    }

    const ROW: RowId<'static> = RowId {
        table: "documents",
        id: b"abc",
        version: 2,
    };

    #[test]
    fn round_trip() {
        let s = sealer(1);
        let sealed = s.seal(ROW, b"claims", &mut OsRng);
        assert_eq!(s.open(ROW, &sealed).unwrap().as_slice(), b"claims");
        assert!(!sealed.windows(6).any(|w| w == b"claims"));
    }

    #[test]
    fn moved_rolled_back_or_foreign_rows_do_not_open() {
        let s = sealer(1);
        let sealed = s.seal(ROW, b"claims", &mut OsRng);
        let other_id = RowId { id: b"abd", ..ROW };
        let other_version = RowId { version: 1, ..ROW };
        let other_table = RowId {
            table: "device_keys",
            ..ROW
        };
        for row in [other_id, other_version, other_table] {
            assert!(s.open(row, &sealed).is_none(), "{row:?}");
        }
        assert!(sealer(2).open(ROW, &sealed).is_none(), "other wallet");
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 1;
            assert!(s.open(ROW, &bad).is_none(), "byte {i}");
        }
        assert!(s.open(ROW, &sealed[..39]).is_none());
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        // ("ab", "c") and ("a", "bc") must not share associated data.
        let a = RowId {
            table: "documents",
            id: b"",
            version: 0,
        };
        let b = RowId {
            table: "documents",
            id: b"\0\0\0\0",
            version: 0,
        };
        assert_ne!(a.associated_data(&[0; 16]), b.associated_data(&[0; 16]));
    }

    #[test]
    fn blind_index_is_keyed_and_labelled() {
        let s = sealer(1);
        let other = Sealer::new(&DataKey::from_slice(&[8; 32]).unwrap(), [1; 16]);
        assert_eq!(s.blind_index(b"doc", b"1"), s.blind_index(b"doc", b"1"));
        assert_ne!(s.blind_index(b"doc", b"1"), s.blind_index(b"doc", b"2"));
        assert_ne!(s.blind_index(b"doc", b"1"), s.blind_index(b"person", b"1"));
        assert_ne!(s.blind_index(b"doc", b"1"), other.blind_index(b"doc", b"1"));
    }

    #[test]
    fn wrap_needs_the_same_key_and_context() {
        let kek = [5u8; 32];
        let wrapped = wrap_with(&kek, b"ctx", b"secret", &mut OsRng);
        assert_eq!(
            unwrap_with(&kek, b"ctx", &wrapped).unwrap().as_slice(),
            b"secret"
        );
        assert!(unwrap_with(&[6; 32], b"ctx", &wrapped).is_none());
        assert!(unwrap_with(&kek, b"ctz", &wrapped).is_none());
    }
}
