//! The wallet file's SQLite schema and its forward migrations.
//!
//! `PRAGMA application_id` marks a hawiya wallet; `PRAGMA user_version` is the
//! schema version. Each migration runs inside the transaction that records
//! its version, so a kill during a migration leaves the previous version.

use rusqlite::{Connection, OptionalExtension};

use super::{storage_error, WalletError};

/// `PRAGMA application_id` of a wallet file: "HWYA".
pub(crate) const APPLICATION_ID: i32 = 0x4857_5941;

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = 3;

/// Migration `n` (1-based) brings the schema from version `n - 1` to `n`.
const MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [
    // 1: settings, device keys, documents.
    "CREATE TABLE meta (
         name  TEXT PRIMARY KEY NOT NULL,
         value BLOB NOT NULL
     ) STRICT;
     CREATE TABLE device_keys (
         id     INTEGER PRIMARY KEY,
         sealed BLOB NOT NULL
     ) STRICT;
     CREATE TABLE documents (
         id      BLOB PRIMARY KEY NOT NULL,
         version INTEGER NOT NULL,
         sealed  BLOB NOT NULL
     ) STRICT;",
    // 2: the presentation log.
    "CREATE TABLE presentation_log (
         id     INTEGER PRIMARY KEY AUTOINCREMENT,
         sealed BLOB NOT NULL
     ) STRICT;",
    // 3: the sealed document manifest and log head in `meta`. They need the
    // data key, so the first unlock writes them (from the version marks and
    // the rows); raising the version here keeps older apps, which would
    // write documents without updating the manifest, away from the file.
    "",
];

/// Per-connection settings: WAL with durable commits, purge-on-delete, and
/// how long to wait for another writer.
pub(crate) fn configure(
    conn: &Connection,
    busy_timeout: std::time::Duration,
) -> Result<(), WalletError> {
    conn.busy_timeout(busy_timeout).map_err(storage_error)?;
    // journal_mode answers with a row; the others answer with none.
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(storage_error)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(WalletError::Storage(format!(
            "the file system does not support write-ahead logging (journal mode {mode})"
        )));
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA foreign_keys = ON;
         PRAGMA trusted_schema = OFF;",
    )
    .map_err(storage_error)
}

/// Reads the file's identity and schema version: `Ok(None)` for an empty,
/// new file.
pub(crate) fn version(conn: &Connection) -> Result<Option<u32>, WalletError> {
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |row| row.get(0))
        .map_err(storage_error)?;
    let user_version: u32 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(storage_error)?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
        .map_err(storage_error)?;
    match (app_id, user_version, tables) {
        (0, 0, 0) => Ok(None),
        (APPLICATION_ID, v, _) if v >= 1 => Ok(Some(v)),
        _ => Err(WalletError::NotAWallet),
    }
}

/// Applies migration `version` inside the caller's transaction.
pub(crate) fn apply(tx: &rusqlite::Transaction<'_>, version: u32) -> Result<(), WalletError> {
    let sql =
        MIGRATIONS
            .get((version as usize).wrapping_sub(1))
            .ok_or(WalletError::NewerSchema {
                found: version,
                supported: SCHEMA_VERSION,
            })?;
    tx.execute_batch(sql).map_err(storage_error)?;
    tx.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {version};"
    ))
    .map_err(storage_error)
}

/// Brings an existing wallet from schema `from` to the current one, one
/// transaction per step.
pub(crate) fn migrate(conn: &mut Connection, from: u32) -> Result<(), WalletError> {
    if from > SCHEMA_VERSION {
        return Err(WalletError::NewerSchema {
            found: from,
            supported: SCHEMA_VERSION,
        });
    }
    for version in from + 1..=SCHEMA_VERSION {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(storage_error)?;
        // Another process may have migrated while this one waited for the lock.
        let current: u32 = tx
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(storage_error)?;
        if current < version {
            apply(&tx, version)?;
        }
        tx.commit().map_err(storage_error)?;
    }
    Ok(())
}

/// Reads one `meta` value.
pub(crate) fn get_meta(conn: &Connection, name: &str) -> Result<Option<Vec<u8>>, WalletError> {
    conn.prepare_cached("SELECT value FROM meta WHERE name = ?1")
        .and_then(|mut stmt| stmt.query_row([name], |row| row.get(0)).optional())
        .map_err(storage_error)
}

/// Writes one `meta` value (inside the caller's transaction, if any).
pub(crate) fn set_meta(conn: &Connection, name: &str, value: &[u8]) -> Result<(), WalletError> {
    conn.prepare_cached("INSERT INTO meta (name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value")
        .and_then(|mut stmt| stmt.execute(rusqlite::params![name, value]))
        .map(|_| ())
        .map_err(storage_error)
}
