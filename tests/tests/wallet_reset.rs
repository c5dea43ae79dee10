//! Reset, the way out of a lockout: everything is destroyed, nothing of it
//! can be found in the file, its write-ahead log or journal afterwards, and
//! a fresh wallet is ready to be provisioned again.

use std::path::{Path, PathBuf};

use hawiya_core::{Disclosure, UnixTime};
use hawiya_tests::*;
use hawiya_wallet::{
    AttemptState, ImportOutcome, Protection, UnlockBlocked, Wallet, WalletError, WalletOptions,
    WeakPasscode,
};

/// A time during the fixture credentials' validity.
const NOW: UnixTime = PRESENTED_AT;
/// The passphrase after the reset.
const NEW_PASSPHRASE: &str = "quiet-dune-falcon-18";
/// Shortest run of a secret value looked for in the files.
const WINDOW: usize = 12;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hawiya-reset-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every value of the old wallet someone could learn anything from: sealed
/// rows, blind indexes, the wrapped key, the wallet id, the KDF salt.
fn stored_values(path: &Path) -> Vec<(String, Vec<u8>)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut values = Vec::new();
    for (table, columns) in [
        ("documents", "id, sealed"),
        ("device_keys", "sealed, sealed"),
        ("presentation_log", "sealed, sealed"),
        ("meta", "name, value"),
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT {columns} FROM {table}"))
            .unwrap();
        let rows: Vec<(rusqlite::types::Value, Vec<u8>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (first, value) in rows {
            if let rusqlite::types::Value::Blob(id) = &first {
                values.push((format!("{table} id"), id.clone()));
            }
            // Settings that any wallet has alike are no secret.
            if matches!(&first, rusqlite::types::Value::Text(name)
                if ["protection", "attempts", "unlock_policy"].contains(&name.as_str()))
            {
                continue;
            }
            values.push((format!("{table} value"), value));
        }
    }
    assert!(values.len() > 10, "{} values", values.len());
    values
}

/// The wallet's files: the database, its write-ahead log, its shared-memory
/// index and any rollback journal.
fn files_of(path: &Path) -> Vec<(String, Vec<u8>)> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| PathBuf::from(format!("{}{suffix}", path.display())))
        .filter(|file| file.exists())
        .map(|file| (file.display().to_string(), std::fs::read(&file).unwrap()))
        .collect()
}

/// Fails if any `WINDOW` bytes of any old value appear in any file.
fn assert_nothing_left(path: &Path, old: &[(String, Vec<u8>)]) {
    let files = files_of(path);
    assert!(!files.is_empty());
    for (name, bytes) in &files {
        for (what, value) in old {
            for window in value.windows(WINDOW.min(value.len())) {
                if window.iter().all(|&b| b == 0) {
                    continue;
                }
                assert!(
                    !bytes.windows(window.len()).any(|w| w == window),
                    "{what} of the old wallet is still in {name}"
                );
            }
        }
    }
}

/// A wallet with documents, a dependent, a device key and a log, whose last
/// writes are still in the write-ahead log, locked out by wrong guesses.
fn full_wallet_locked_out(dir: &Path) -> (PathBuf, Wallet) {
    let path = dir.join("wallet.db");
    let wallet = Wallet::create(
        &path,
        Protection::Passphrase(PASSPHRASE),
        &WalletOptions::default(),
    )
    .unwrap();
    let key = wallet.create_device_key().unwrap();
    wallet
        .import(
            &issue_to_wallet(&wallet, &key, &national_id(), None),
            &trust_list(),
            NOW,
        )
        .unwrap();
    wallet
        .import(
            &issue_to_wallet(&wallet, &key, &dependent(), Some(GUARDIAN)),
            &trust_list(),
            NOW,
        )
        .unwrap();
    for disclosure in [
        Disclosure::Identity,
        Disclosure::AgeOver18,
        Disclosure::Full,
    ] {
        wallet
            .present(GUARDIAN, &disclosure, None, &PHONE_CLOCK)
            .unwrap();
    }
    wallet.lock();
    let mut now = NOW;
    loop {
        match wallet.unlock(Protection::Passphrase("not-the-passphrase-9"), now) {
            Err(WalletError::WrongPassphrase { .. }) => {}
            Err(WalletError::Blocked(UnlockBlocked::RetryAfter { seconds })) => {
                now = UnixTime(now.0 + seconds as i64);
            }
            Err(WalletError::Blocked(UnlockBlocked::LockedOut { .. })) => break,
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(
        wallet.unlock(Protection::Passphrase(PASSPHRASE), UnixTime(now.0 + 86_400)),
        Err(WalletError::Blocked(UnlockBlocked::LockedOut { .. }))
    ));
    (path, wallet)
}

#[test]
fn reset_destroys_everything_leaves_nothing_in_the_files_and_gives_a_fresh_wallet() {
    let dir = temp_dir("passphrase");
    let (path, locked_out) = full_wallet_locked_out(&dir);
    assert!(
        std::fs::metadata(format!("{}-wal", path.display()))
            .unwrap()
            .len()
            > 0,
        "the old wallet's last writes should still be in the write-ahead log"
    );
    let old = stored_values(&path);

    // A trivial new passphrase is refused before anything is destroyed.
    assert!(matches!(
        locked_out.reset(Protection::Passphrase("123456"), &WalletOptions::default()),
        Err(WalletError::WeakPasscode(WeakPasscode::Sequence))
    ));
    assert_eq!(
        stored_values(&path),
        old,
        "a refused reset changed the file"
    );

    locked_out
        .reset(
            Protection::Passphrase(NEW_PASSPHRASE),
            &WalletOptions::default(),
        )
        .unwrap();
    assert!(locked_out.is_unlocked());
    assert!(locked_out.documents().unwrap().is_empty());
    assert!(locked_out.device_keys().unwrap().is_empty());
    assert!(locked_out.presentation_log().unwrap().is_empty());
    assert!(locked_out.damaged_documents().unwrap().is_empty());
    assert_eq!(
        locked_out.failed_attempts().unwrap(),
        AttemptState::default()
    );
    assert_nothing_left(&path, &old);

    // Ready to be provisioned again: a new device key, a binding, the
    // issuer's credentials, presentations, a log that numbers from 1.
    let key = locked_out.create_device_key().unwrap();
    assert!(matches!(
        locked_out.import(
            &issue_to_wallet(&locked_out, &key, &national_id(), None),
            &trust_list(),
            NOW
        ),
        Ok(ImportOutcome::Added(_))
    ));
    locked_out
        .present(GUARDIAN, &Disclosure::Identity, None, &PHONE_CLOCK)
        .unwrap();
    assert_eq!(locked_out.presentation_log().unwrap()[0].id, 1);
    drop(locked_out);
    assert_nothing_left(&path, &old);

    // The old passphrase opens nothing; the new one opens the new wallet.
    let wallet = Wallet::open(&path, &WalletOptions::default()).unwrap();
    assert!(matches!(
        wallet.unlock(Protection::Passphrase(PASSPHRASE), NOW),
        Err(WalletError::WrongPassphrase { .. })
    ));
    wallet
        .unlock(Protection::Passphrase(NEW_PASSPHRASE), NOW)
        .unwrap();
    assert_eq!(wallet.documents().unwrap().len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reset_moves_a_wallet_to_a_key_source_and_other_handles_follow_after_reopening() {
    let dir = temp_dir("key-source");
    let (path, locked_out) = full_wallet_locked_out(&dir);
    let other = Wallet::open(&path, &WalletOptions::default()).unwrap();
    let source = TestKeySource::new("hawiya reset test key store");
    locked_out
        .reset(Protection::KeySource(&source), &WalletOptions::default())
        .unwrap();
    // A handle opened before the reset unlocks the fresh wallet too.
    other.unlock(Protection::KeySource(&source), NOW).unwrap();
    assert!(other.documents().unwrap().is_empty());
    assert!(matches!(
        other.unlock(Protection::Passphrase(PASSPHRASE), NOW),
        Err(WalletError::WrongProtection { .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
}
