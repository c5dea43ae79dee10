//! Someone with the wallet file deletes or damages rows with sqlite3: the
//! wallet notices, reports it as tampering, and keeps serving every document
//! the damage did not touch.

use std::path::{Path, PathBuf};

use hawiya_core::{Disclosure, DocumentType, PublicKey, UnixTime};
use hawiya_tests::*;
use hawiya_wallet::{
    Damage, DamagedDocument, ImportOutcome, Protection, Wallet, WalletError, WalletOptions,
};

/// A time during the fixture credentials' validity.
const NOW: UnixTime = PRESENTED_AT;
/// The fixture national ID's number.
const ID: u64 = 1_234_567_890;
/// The fixture resident permit's number.
const PERMIT: u64 = 2_345_678_901;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hawiya-tamper-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn options() -> WalletOptions {
    WalletOptions::default()
}

fn reopen(path: &Path) -> Wallet {
    let wallet = Wallet::open(path, &options()).unwrap();
    wallet
        .unlock(Protection::Passphrase(PASSPHRASE), NOW)
        .unwrap();
    wallet
}

/// A wallet holding the national ID and then the resident permit; returns
/// its path and the blind id of the permit's row.
fn two_documents(dir: &Path) -> (PathBuf, Vec<u8>) {
    let path = dir.join("wallet.db");
    let wallet = Wallet::create(&path, Protection::Passphrase(PASSPHRASE), &options()).unwrap();
    let key: PublicKey = wallet.create_device_key().unwrap();
    let id = issue_to_wallet(&wallet, &key, &national_id(), None);
    wallet
        .import_with_print(
            &id,
            &issue_print_to_wallet(&national_id(), None),
            &trust_list(),
            NOW,
        )
        .unwrap();
    let before = row_ids(&path);
    let permit = issue_to_wallet(&wallet, &key, &resident_permit(), None);
    wallet
        .import_with_print(
            &permit,
            &issue_print_to_wallet(&resident_permit(), None),
            &trust_list(),
            NOW,
        )
        .unwrap();
    drop(wallet);
    let permit_row = row_ids(&path)
        .into_iter()
        .find(|id| !before.contains(id))
        .unwrap();
    (path, permit_row)
}

fn row_ids(path: &Path) -> Vec<Vec<u8>> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT id FROM documents").unwrap();
    let ids = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    ids
}

fn sql(path: &Path, statement: &str, id: &[u8]) {
    let conn = rusqlite::Connection::open(path).unwrap();
    assert_eq!(conn.execute(statement, [id]).unwrap(), 1, "{statement}");
}

/// The national ID still lists, shows, presents (both ways) and exports.
fn the_national_id_still_works(wallet: &Wallet) {
    let listed = wallet.documents().unwrap();
    assert!(listed.iter().any(|d| d.number == ID), "{listed:?}");
    assert_eq!(wallet.document(ID).unwrap().info().document_version, 1);
    let p = wallet
        .present(ID, &Disclosure::Identity, None, &PHONE_CLOCK)
        .unwrap();
    let mut verifier = hawiya_core::Verifier::new(trust_list(), hawiya_core::Policy::default());
    assert!(verifier.verify(&p.qr_text(), NOW, None).is_accepted());
    wallet
        .present_static(ID, &Disclosure::Identity, NOW)
        .unwrap();
    let backup = wallet
        .export_backup("cedar-meadow-river-77", &options(), NOW)
        .unwrap();
    assert!(backup.starts_with(b"HWYBAK"));
}

#[test]
fn a_document_row_deleted_outside_the_wallet_is_reported_as_tampered() {
    let dir = temp_dir("deleted-row");
    let (path, permit_row) = two_documents(&dir);
    sql(&path, "DELETE FROM documents WHERE id = ?1", &permit_row);
    let wallet = reopen(&path);
    for result in [
        wallet.document(PERMIT).map(|_| ()),
        wallet
            .present_static(PERMIT, &Disclosure::Identity, NOW)
            .map(|_| ()),
    ] {
        assert!(
            matches!(result, Err(WalletError::Tampered(_))),
            "a deleted row must not pass for a document never stored: {result:?}"
        );
    }
    the_national_id_still_works(&wallet);
    only_the_permit_is_damaged(&wallet, Damage::Deleted);
    // Importing the document again puts it back.
    let key = wallet.device_keys().unwrap()[0].public_key;
    let permit = issue_to_wallet(&wallet, &key, &resident_permit(), None);
    assert!(matches!(
        wallet.import_with_print(
            &permit,
            &issue_print_to_wallet(&resident_permit(), None),
            &trust_list(),
            NOW
        ),
        Ok(ImportOutcome::Added(_))
    ));
    assert!(wallet.damaged_documents().unwrap().is_empty());
    assert_eq!(wallet.documents().unwrap().len(), 2);
}

/// The permit is not listed as a document, but as damaged, with the reason.
fn only_the_permit_is_damaged(wallet: &Wallet, damage: Damage) {
    let listed = wallet.documents().unwrap();
    assert_eq!(
        listed.iter().map(|d| d.number).collect::<Vec<_>>(),
        vec![ID],
        "only the untouched document is listed as a document"
    );
    let damaged = wallet.damaged_documents().unwrap();
    assert_eq!(
        damaged,
        vec![DamagedDocument {
            number: Some(PERMIT),
            document_type: Some(DocumentType::ResidentPermit),
            version: Some(3),
            damage,
        }]
    );
    // The backup holds the intact document only.
    let backup = wallet
        .export_backup("cedar-meadow-river-77", &options(), NOW)
        .unwrap();
    let dir = temp_dir(&format!("restore-{damage:?}"));
    let (restored, report) = Wallet::restore(
        &dir.join("restored.db"),
        &backup,
        "cedar-meadow-river-77",
        Protection::Passphrase(PASSPHRASE),
        &trust_list(),
        &options(),
        NOW,
    )
    .unwrap();
    assert_eq!((report.documents, report.skipped.len()), (1, 0));
    assert_eq!(restored.documents().unwrap()[0].number, ID);
    drop(restored);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn one_damaged_document_row_does_not_hide_the_others() {
    let dir = temp_dir("damaged-row");
    let (path, permit_row) = two_documents(&dir);
    // Flip one byte of the permit's ciphertext.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut sealed: Vec<u8> = conn
        .query_row(
            "SELECT sealed FROM documents WHERE id = ?1",
            [&permit_row],
            |r| r.get(0),
        )
        .unwrap();
    sealed[40] ^= 1;
    conn.execute(
        "UPDATE documents SET sealed = ?2 WHERE id = ?1",
        rusqlite::params![permit_row, sealed],
    )
    .unwrap();
    drop(conn);
    let wallet = reopen(&path);
    assert!(matches!(
        wallet.document(PERMIT),
        Err(WalletError::Tampered(_))
    ));
    the_national_id_still_works(&wallet);
    only_the_permit_is_damaged(&wallet, Damage::Unreadable);
    // A damaged row is never silently overwritten; the holder deletes it
    // and imports the document again.
    let key = wallet.device_keys().unwrap()[0].public_key;
    let permit = issue_to_wallet(&wallet, &key, &resident_permit(), None);
    assert!(
        matches!(
            wallet.import_with_print(
                &permit,
                &issue_print_to_wallet(&resident_permit(), None),
                &trust_list(),
                NOW
            ),
            Err(WalletError::Tampered(_))
        ),
        "imported over a damaged row"
    );
    wallet.delete(PERMIT).unwrap();
    assert!(matches!(
        wallet.import_with_print(
            &permit,
            &issue_print_to_wallet(&resident_permit(), None),
            &trust_list(),
            NOW
        ),
        Ok(ImportOutcome::Added(_))
    ));
    assert!(wallet.damaged_documents().unwrap().is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn presentation_log_rows_deleted_outside_the_wallet_are_reported_as_tampered() {
    let dir = temp_dir("log");
    let (path, _) = two_documents(&dir);
    let wallet = reopen(&path);
    for _ in 0..4 {
        wallet
            .present_static(ID, &Disclosure::AgeOver18, NOW)
            .unwrap();
    }
    assert_eq!(wallet.presentation_log().unwrap().len(), 4);
    drop(wallet);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM presentation_log ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // One from the middle, then (on a copy) the newest one.
    let copy = dir.join("copy.db");
    std::fs::copy(&path, &copy).unwrap();
    conn.execute("DELETE FROM presentation_log WHERE id = ?1", [ids[1]])
        .unwrap();
    drop(conn);
    rusqlite::Connection::open(&copy)
        .unwrap()
        .execute("DELETE FROM presentation_log WHERE id = ?1", [ids[3]])
        .unwrap();
    for file in [&path, &copy] {
        let wallet = reopen(file);
        let log = wallet.presentation_log();
        assert!(
            matches!(log, Err(WalletError::Tampered(_))),
            "{}: {log:?}",
            file.display()
        );
        // Documents are not affected by a damaged log.
        the_national_id_still_works(&wallet);
    }
    // Clearing the log through the wallet is not tampering.
    let wallet = reopen(&path);
    wallet.clear_presentation_log().unwrap();
    assert!(wallet.presentation_log().unwrap().is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
