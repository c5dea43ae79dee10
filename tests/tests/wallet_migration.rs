//! A wallet file written at schema 2 (`tests/data/wallet-schema-2`, made by
//! `hawiya demo` before the manifest existed) opens, unlocks and keeps every
//! document row and log entry; its first unlock seals the manifest and the
//! log head, after which deletions are detected as in a new wallet. Its
//! credentials are of wire format 1, which verifiers no longer accept
//! (docs/FORMAT.md §5.2): each is listed as damaged with
//! [`Damage::OldFormat`] (ask the issuer to reissue), never as altered. Its
//! backup, in the first backup format, still opens, and reports each
//! credential as of the old format.

use std::path::{Path, PathBuf};

use hawiya_core::{Disclosure, DocumentType, PublicKey, TrustList, UnixTime};
use hawiya_wallet::{Damage, Protection, Wallet, WalletError, WalletOptions};

/// The fixture wallet's passphrase.
const PASSPHRASE: &str = "olive-harbour-lantern-42";
/// The fixture backup's passphrase.
const BACKUP_PASSPHRASE: &str = "cedar-meadow-river-77";
/// A day after the fixture was made, inside every credential's validity.
const NOW: UnixTime = UnixTime(1_796_515_200);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/wallet-schema-2")
        .join(name)
}

fn temp_copy(test: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("hawiya-migrate-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("wallet.db");
    std::fs::copy(fixture("wallet.db"), &path).unwrap();
    (dir, path)
}

fn user_version(path: &Path) -> u32 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

fn meta_names(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT name FROM meta ORDER BY name").unwrap();
    let names = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    names
}

fn trust_list() -> TrustList {
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("root.pub")).unwrap()).unwrap();
    let key = hex::decode(file["public_key"].as_str().unwrap()).unwrap();
    let root = PublicKey::from_bytes(&key).unwrap();
    TrustList::from_signed(&std::fs::read(fixture("trust-list.cbor")).unwrap(), &root).unwrap()
}

fn unlocked(path: &Path) -> Wallet {
    let wallet = Wallet::open(path, &WalletOptions::default()).unwrap();
    wallet
        .unlock(Protection::Passphrase(PASSPHRASE), NOW)
        .unwrap();
    wallet
}

fn listed(wallet: &Wallet) -> Vec<(u64, DocumentType, u32)> {
    let mut docs: Vec<_> = wallet
        .documents()
        .unwrap()
        .iter()
        .map(|d| (d.number, d.document_type, d.version))
        .collect();
    docs.sort_by_key(|d| d.0);
    docs
}

#[test]
fn a_schema_2_wallet_keeps_everything_and_is_sealed_at_its_first_unlock() {
    let (dir, path) = temp_copy("keeps");
    assert_eq!(user_version(&path), 2);
    assert!(meta_names(&path).contains(&"marks".to_owned()));

    // Opening raises the schema version at once, so an older app can no
    // longer write documents the manifest would not know.
    drop(Wallet::open(&path, &WalletOptions::default()).unwrap());
    assert_eq!(user_version(&path), hawiya_wallet::SCHEMA_VERSION);

    let wallet = unlocked(&path);
    assert_eq!(listed(&wallet), []);
    assert_old_format(&wallet, 3);
    let log = wallet.presentation_log().unwrap();
    assert_eq!(
        log.iter().map(|e| e.id).collect::<Vec<_>>(),
        (1..=11).collect::<Vec<_>>()
    );
    assert_eq!(wallet.device_keys().unwrap().len(), 1);
    // A format-1 document cannot be presented; the error says why.
    match wallet.present(
        1_087_654_321,
        &Disclosure::AgeOver18,
        None,
        &hawiya_core::FixedClock(NOW),
    ) {
        Err(WalletError::Tampered(reason)) => {
            assert_eq!(reason, Damage::OldFormat.reason())
        }
        other => panic!("a format-1 document was presented: {other:?}"),
    }
    drop(wallet);
    let names = meta_names(&path);
    assert!(names.contains(&"manifest".to_owned()), "{names:?}");
    assert!(names.contains(&"log_head".to_owned()), "{names:?}");
    assert!(!names.contains(&"marks".to_owned()), "{names:?}");

    // From now on a deleted document row or log row is noticed.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "DELETE FROM documents WHERE rowid = (SELECT min(rowid) FROM documents)",
        [],
    )
    .unwrap();
    conn.execute("DELETE FROM presentation_log WHERE id = 5", [])
        .unwrap();
    drop(conn);
    let wallet = unlocked(&path);
    let damaged = wallet.damaged_documents().unwrap();
    assert_eq!(damaged.len(), 3, "{damaged:?}");
    assert_eq!(
        damaged
            .iter()
            .filter(|d| d.damage == Damage::Deleted)
            .count(),
        1,
        "{damaged:?}"
    );
    assert_eq!(
        damaged
            .iter()
            .filter(|d| d.damage == Damage::OldFormat)
            .count(),
        2,
        "{damaged:?}"
    );
    assert!(wallet.documents().unwrap().is_empty());
    assert!(matches!(
        wallet.presentation_log(),
        Err(WalletError::Tampered(_))
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_schema_2_wallet_opened_by_two_handles_is_upgraded_once() {
    let (dir, path) = temp_copy("twice");
    let first = Wallet::open(&path, &WalletOptions::default()).unwrap();
    let second = Wallet::open(&path, &WalletOptions::default()).unwrap();
    std::thread::scope(|s| {
        for wallet in [&first, &second] {
            s.spawn(move || {
                wallet
                    .unlock(Protection::Passphrase(PASSPHRASE), NOW)
                    .unwrap()
            });
        }
    });
    for wallet in [&first, &second] {
        assert_eq!(listed(wallet), []);
        assert_old_format(wallet, 3);
    }
    assert_eq!(second.presentation_log().unwrap().len(), 11);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_backup_in_the_first_format_restores_checked_against_the_trust_list() {
    let (dir, _) = temp_copy("backup");
    let backup = std::fs::read(fixture("wallet.backup")).unwrap();
    assert!(backup.starts_with(b"HWYBAK01"));
    let (restored, report) = Wallet::restore(
        &dir.join("restored.db"),
        &backup,
        BACKUP_PASSPHRASE,
        Protection::Passphrase("quiet-dune-falcon-18"),
        &trust_list(),
        &WalletOptions::default(),
        NOW,
    )
    .unwrap();
    // Every credential in it is of format 1: none is restored, and each is
    // reported as of the old format (not as forged or unreadable).
    assert_eq!(report.documents, 0);
    assert_eq!(report.log_entries, 11);
    assert_eq!(report.skipped.len(), 3);
    assert!(report
        .skipped
        .iter()
        .all(|s| s.reason == hawiya_wallet::SkipReason::OldFormat));
    assert_eq!(listed(&restored), []);
    // With another authority's trust list, likewise.
    let stranger = hawiya_tests::trust_list();
    let (empty, report) = Wallet::restore(
        &dir.join("stranger.db"),
        &backup,
        BACKUP_PASSPHRASE,
        Protection::Passphrase("quiet-dune-falcon-18"),
        &stranger,
        &WalletOptions::default(),
        NOW,
    )
    .unwrap();
    assert!(empty.documents().unwrap().is_empty());
    assert_eq!(report.skipped.len(), 3);
    assert!(report
        .skipped
        .iter()
        .all(|s| s.reason == hawiya_wallet::SkipReason::OldFormat));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `count` documents listed as damaged, each of the old format.
fn assert_old_format(wallet: &Wallet, count: usize) {
    let damaged = wallet.damaged_documents().unwrap();
    assert_eq!(damaged.len(), count, "{damaged:?}");
    assert!(
        damaged.iter().all(|d| d.damage == Damage::OldFormat),
        "{damaged:?}"
    );
}
