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

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch_db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = open_connection(&dir.path().join("db"), true, Duration::from_secs(1)).unwrap();
        conn.execute_batch("CREATE TABLE t (v INTEGER)").unwrap();
        (dir, conn)
    }

    #[test]
    fn a_snapshot_inside_a_transaction_reads_that_transaction() {
        let (_dir, mut conn) = scratch_db();
        let tx = immediate(&mut conn).unwrap();
        tx.execute("INSERT INTO t VALUES (1)", []).unwrap();
        let seen: i64 = read_snapshot(&tx, |c| {
            c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                .map_err(storage_error)
        })
        .unwrap();
        assert_eq!(
            seen, 1,
            "the uncommitted row is visible to its own transaction"
        );
        drop(tx);
        let after: i64 = read_snapshot(&conn, |c| {
            c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                .map_err(storage_error)
        })
        .unwrap();
        assert_eq!(after, 0, "a dropped transaction rolled back");
    }

    #[test]
    fn a_second_writer_waits_then_is_told_the_wallet_is_busy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let mut first = open_connection(&path, true, Duration::from_millis(50)).unwrap();
        let mut second = open_connection(&path, false, Duration::from_millis(50)).unwrap();
        let _held = immediate(&mut first).unwrap();
        assert!(matches!(immediate(&mut second), Err(WalletError::Busy)));
    }

    #[test]
    fn a_checkpoint_empties_the_write_ahead_log() {
        let (dir, conn) = scratch_db();
        for v in 0..100 {
            conn.execute("INSERT INTO t VALUES (?1)", [v]).unwrap();
        }
        let wal = dir.path().join("db-wal");
        assert!(std::fs::metadata(&wal).unwrap().len() > 0);
        checkpoint(&conn);
        assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
    }
}
