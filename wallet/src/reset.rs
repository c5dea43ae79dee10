//! Reset: the way out of a lockout, and a clean slate before handing a phone
//! on.
//!
//! A reset destroys every document, device key and log entry and the data
//! key itself, and leaves a fresh, empty wallet in the same file, protected
//! by a new passphrase or key source and ready to be provisioned again (a new
//! device key, a binding request, the issuer's credentials). It needs no
//! unlock: that is its point when the holder is locked out.
//!
//! Nothing of the old wallet can be read from the file afterwards, not even
//! ciphertext: the rows are deleted with `secure_delete` on (deleted content
//! is overwritten with zeros), `VACUUM` rebuilds the file from the fresh
//! wallet alone, and a `TRUNCATE` checkpoint empties the write-ahead log of
//! the old page images. Flash storage may still hold older physical copies of
//! a page, as for any overwrite; they were ciphertext under a data key that
//! no longer exists anywhere.

use rusqlite::Connection;

use crate::db::immediate;
use crate::error::{storage_error, WalletError};
use crate::handle::{FreshKeys, Wallet};
use crate::options::WalletOptions;
use crate::protection::Protection;

impl Wallet {
    /// Destroys everything in the wallet (documents, device keys, the
    /// presentation log, the data key) and makes it a fresh, empty wallet
    /// protected by `protection`, unlocked on this handle. Works on a locked
    /// or locked-out wallet. Other handles on the file must be opened again.
    ///
    /// The new passphrase (or the key source's wrap) is checked before
    /// anything is destroyed, so a refused passphrase changes nothing.
    ///
    /// # Errors
    /// [`WalletError::WeakPasscode`], [`WalletError::WeakKdf`],
    /// [`WalletError::InvalidOptions`] and key-source errors before anything
    /// changed; [`WalletError::Busy`] if another process kept reading the old
    /// wallet so that its pages could not be wiped from the write-ahead log
    /// (the fresh wallet is in place: close the other process and reset
    /// again); storage errors.
    pub fn reset(
        &self,
        protection: Protection<'_>,
        options: &WalletOptions,
    ) -> Result<(), WalletError> {
        let keys = FreshKeys::new(protection, options)?;
        let mut inner = self.lock_inner();
        inner.session = None;
        inner.signers.clear();
        inner.showings.end_all();
        let conn = &mut inner.conn;
        let tx = immediate(conn)?;
        tx.execute_batch(
            "DELETE FROM documents;
             DELETE FROM device_keys;
             DELETE FROM presentation_log;
             DELETE FROM meta;
             DELETE FROM sqlite_sequence;",
        )
        .map_err(storage_error)?;
        let session = keys.write(&tx, protection, options)?;
        tx.commit().map_err(storage_error)?;
        wipe(conn)?;
        inner.session = Some(session);
        Ok(())
    }
}

/// Rebuilds the file from what it holds now and empties the write-ahead
/// log, waiting (up to the busy timeout) for readers of older pages.
pub(crate) fn wipe(conn: &Connection) -> Result<(), WalletError> {
    conn.execute_batch("VACUUM").map_err(storage_error)?;
    let (busy, _, _): (i64, i64, i64) = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .map_err(storage_error)?;
    if busy != 0 {
        return Err(WalletError::Busy);
    }
    Ok(())
}
