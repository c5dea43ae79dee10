//! The SQLite connection under a wallet: opening it configured, write
//! transactions that take the lock at once, read snapshots, and
//! checkpoints that keep purged pages off the disk.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{storage_error, WalletError};
use crate::schema;

pub(crate) fn open_connection(
    path: &Path,
    create: bool,
    busy_timeout: Duration,
) -> Result<Connection, WalletError> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags).map_err(storage_error)?;
    schema::configure(&conn, busy_timeout)?;
    Ok(conn)
}

pub(crate) fn immediate(conn: &mut Connection) -> Result<rusqlite::Transaction<'_>, WalletError> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(storage_error)
}

/// Runs `read` in one read transaction (one snapshot), unless the caller
/// already holds a transaction.
pub(crate) fn read_snapshot<T>(
    conn: &Connection,
    read: impl FnOnce(&Connection) -> Result<T, WalletError>,
) -> Result<T, WalletError> {
    if !conn.is_autocommit() {
        return read(conn);
    }
    let tx = conn.unchecked_transaction().map_err(storage_error)?;
    let out = read(&tx)?;
    tx.commit().map_err(storage_error)?;
    Ok(out)
}

/// Copies the write-ahead log into the main file and truncates it, so old
/// page images (with purged ciphertext) leave the disk files. Best effort:
/// a reader in another process can delay it to the next write.
pub(crate) fn checkpoint(conn: &Connection) {
    // Without the busy handler: a TRUNCATE checkpoint holds the write lock
    // while it waits for readers, which would stall every other writer.
    let Ok(timeout) = conn.query_row("PRAGMA busy_timeout", [], |r| r.get::<_, i64>(0)) else {
        return;
    };
    let _ = conn.execute_batch("PRAGMA busy_timeout = 0");
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    let _ = conn.execute_batch(&format!("PRAGMA busy_timeout = {timeout}"));
}
