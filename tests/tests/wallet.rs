//! The encrypted wallet end to end: create, unlock, import, renew, present,
//! dependents, log, backup, and every error path the holder can meet.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hawiya_core::{ClaimKey, Disclosure, Mode, PublicKey, SecretKey, UnixTime, Verifier};
use hawiya_tests::*;
use hawiya_wallet::{
    Damage, ImportOutcome, KdfParams, KeySourceError, Protection, UnlockBlocked, UnlockPolicy,
    Wallet, WalletError, WalletOptions, WeakPasscode,
};

/// A time during the fixture credentials' validity.
const NOW: UnixTime = PRESENTED_AT;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hawiya-wallet-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn options() -> WalletOptions {
    WalletOptions::default()
}

/// A new passphrase wallet with one device key.
fn new_wallet(dir: &Path) -> (Wallet, PublicKey) {
    let wallet = Wallet::create(
        &dir.join("wallet.db"),
        Protection::Passphrase(PASSPHRASE),
        &options(),
    )
    .unwrap();
    let key = wallet.create_device_key().unwrap();
    (wallet, key)
}

fn reopen(dir: &Path) -> Wallet {
    let wallet = Wallet::open(&dir.join("wallet.db"), &options()).unwrap();
    wallet
        .unlock(Protection::Passphrase(PASSPHRASE), NOW)
        .unwrap();
    wallet
}

fn verify(text: &str) -> hawiya_core::Verdict {
    let mut verifier = Verifier::new(trust_list(), hawiya_core::Policy::default());
    verifier.verify(text, NOW, None)
}

#[test]
fn create_import_present_verify_and_reopen() {
    let dir = temp_dir("flow");
    let (wallet, key) = new_wallet(&dir);
    let bytes = issue_to_wallet(&wallet, &key, &national_id(), None);
    let outcome = wallet.import(&bytes, &trust_list(), NOW).unwrap();
    assert!(
        matches!(outcome, ImportOutcome::Added(ref d) if d.number == 1_234_567_890 && !d.needs_rebinding)
    );
    let p = wallet
        .present(1_234_567_890, &Disclosure::Identity, None, &PHONE_CLOCK)
        .unwrap();
    let verdict = verify(&p.qr_text());
    assert!(verdict.is_accepted(), "{:?}", verdict.failures);
    drop(wallet);

    let wallet = reopen(&dir);
    let docs = wallet.documents().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].name_en, "Mohammed Abdullah Alahmad");
    let log = wallet.presentation_log().unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].document_number, 1_234_567_890);
    assert_eq!(log[0].mode, Mode::DeviceBound);
    assert!(log[0].disclosed.contains(&ClaimKey::NameAr));
}

/// Imports the holder's national ID with its print credential.
fn import_own_id(wallet: &Wallet, key: &PublicKey) {
    let bytes = issue_to_wallet(wallet, key, &national_id(), None);
    let print = issue_print_to_wallet(&national_id(), None);
    wallet
        .import_with_print(&bytes, &print, &trust_list(), NOW)
        .unwrap();
}

fn national_id_version(version: u32) -> hawiya_core::Claims {
    hawiya_core::Claims {
        document_version: version,
        ..national_id()
    }
}

#[test]
fn wrong_passphrase_is_counted_changes_nothing_and_survives_restart() {
    let dir = temp_dir("wrong");
    let (wallet, key) = new_wallet(&dir);
    import_own_id(&wallet, &key);
    drop(wallet);
    let path = dir.join("wallet.db");
    let wallet = Wallet::open(&path, &options()).unwrap();
    let err = wallet
        .unlock(Protection::Passphrase("olive-harbour-lantern-43"), NOW)
        .unwrap_err();
    assert!(
        matches!(err, WalletError::WrongPassphrase { remaining: 9 }),
        "{err}"
    );
    assert!(!wallet.is_unlocked());
    assert!(matches!(wallet.documents(), Err(WalletError::Locked)));
    assert_eq!(wallet.failed_attempts().unwrap().failures, 1);
    drop(wallet);
    // The count survives a restart; the right passphrase resets it.
    let wallet = Wallet::open(&path, &options()).unwrap();
    assert_eq!(wallet.failed_attempts().unwrap().failures, 1);
    wallet
        .unlock(Protection::Passphrase(PASSPHRASE), NOW)
        .unwrap();
    assert_eq!(wallet.failed_attempts().unwrap().failures, 0);
    assert_eq!(wallet.documents().unwrap().len(), 1);
}

#[test]
fn lockout_grows_and_holds_across_restarts() {
    let dir = temp_dir("lockout");
    let policy = UnlockPolicy {
        free_attempts: 2,
        base_delay_secs: 10,
        max_delay_secs: 40,
        max_attempts: 5,
    };
    let opts = WalletOptions {
        unlock_policy: policy,
        ..options()
    };
    let path = dir.join("wallet.db");
    drop(Wallet::create(&path, Protection::Passphrase(PASSPHRASE), &opts).unwrap());
    let wrong = Protection::Passphrase("not-the-passphrase-9");
    let mut now = NOW;
    let mut waits = Vec::new();
    for attempt in 1..=5u32 {
        let wallet = Wallet::open(&path, &opts).unwrap();
        let err = wallet.unlock(wrong, now).unwrap_err();
        match err {
            WalletError::WrongPassphrase { remaining } => assert_eq!(remaining, 5 - attempt),
            WalletError::Blocked(UnlockBlocked::LockedOut { failures }) => {
                assert_eq!((attempt, failures), (5, 5))
            }
            other => panic!("attempt {attempt}: {other}"),
        }
        // Even the right passphrase is refused while the delay runs.
        match wallet.unlock(Protection::Passphrase(PASSPHRASE), now) {
            Err(WalletError::Blocked(UnlockBlocked::RetryAfter { seconds })) => {
                waits.push(seconds);
                now = UnixTime(now.0 + seconds as i64);
            }
            Err(WalletError::Blocked(UnlockBlocked::LockedOut { .. })) => assert_eq!(attempt, 5),
            Ok(_) => assert!(attempt < 2, "attempt {attempt} unlocked during a delay"),
            Err(other) => panic!("{other}"),
        }
        if wallet.is_unlocked() {
            // A success resets the count; start over from a locked wallet.
            wallet.lock();
            for _ in 0..attempt {
                let _ = wallet.unlock(wrong, now);
            }
        }
    }
    assert_eq!(waits, vec![10, 20, 40], "delays after failures 2, 3, 4");
    // Locked out for good, whatever the time.
    let wallet = Wallet::open(&path, &opts).unwrap();
    let far = UnixTime(now.0 + 10 * 365 * 86_400);
    assert!(matches!(
        wallet.unlock(Protection::Passphrase(PASSPHRASE), far),
        Err(WalletError::Blocked(UnlockBlocked::LockedOut { .. }))
    ));
}

#[test]
fn trivial_pins_and_birth_dates_are_refused() {
    let dir = temp_dir("trivial");
    for pin in [
        "000000",
        "123456",
        "654321",
        "1234",
        "aaaaaaaaaaaa",
        "password",
    ] {
        let path = dir.join(format!("w-{pin}.db"));
        let err = Wallet::create(&path, Protection::Passphrase(pin), &options()).unwrap_err();
        assert!(matches!(err, WalletError::WeakPasscode(_)), "{pin}: {err}");
        assert!(
            !path.exists() || std::fs::metadata(&path).unwrap().len() == 0,
            "{pin}: file left behind"
        );
    }
    // A birth-date passphrase cannot be refused before the wallet knows the
    // birth date: unlock then reports it, and changing to it is refused.
    let path = dir.join("birth.db");
    let wallet = Wallet::create(&path, Protection::Passphrase("17051990"), &options()).unwrap();
    let key = wallet.create_device_key().unwrap();
    import_own_id(&wallet, &key);
    wallet.lock();
    let outcome = wallet
        .unlock(Protection::Passphrase("17051990"), NOW)
        .unwrap();
    assert_eq!(outcome.weak_passcode, Some(WeakPasscode::BirthDate));
    let err = wallet
        .change_protection(Protection::Passphrase("1990-05-17"), &options())
        .unwrap_err();
    assert!(
        matches!(err, WalletError::WeakPasscode(WeakPasscode::BirthDate)),
        "{err}"
    );
    wallet
        .change_protection(Protection::Passphrase(PASSPHRASE), &options())
        .unwrap();
    wallet.lock();
    assert!(wallet
        .unlock(Protection::Passphrase("17051990"), NOW)
        .is_err());
    let outcome = wallet
        .unlock(Protection::Passphrase(PASSPHRASE), NOW)
        .unwrap();
    assert_eq!(outcome.weak_passcode, None);
}

#[test]
fn weak_kdf_settings_are_refused() {
    let dir = temp_dir("kdf");
    let opts = WalletOptions {
        kdf: KdfParams {
            memory_kib: 4096,
            iterations: 1,
            parallelism: 1,
        },
        ..options()
    };
    let err =
        Wallet::create(&dir.join("w.db"), Protection::Passphrase(PASSPHRASE), &opts).unwrap_err();
    assert!(matches!(err, WalletError::WeakKdf), "{err}");
}

#[test]
fn renewal_replaces_purges_and_older_versions_are_refused() {
    let dir = temp_dir("renew");
    let (wallet, key) = new_wallet(&dir);
    let v1 = issue_to_wallet(&wallet, &key, &national_id_version(1), None);
    let v2 = issue_to_wallet(&wallet, &key, &national_id_version(2), None);
    wallet.import(&v1, &trust_list(), NOW).unwrap();
    // The sealed v1 row as stored, to look for it after the purge.
    let old_row = sealed_document_row(&dir.join("wallet.db"));
    let err = wallet.import(&v1, &trust_list(), NOW).unwrap_err();
    assert!(
        matches!(err, WalletError::AlreadyStored { version: 1, .. }),
        "{err}"
    );
    match wallet.import(&v2, &trust_list(), NOW).unwrap() {
        ImportOutcome::Renewed {
            document,
            replaced_version,
        } => assert_eq!((document.version, replaced_version), (2, 1)),
        other => panic!("{other:?}"),
    }
    let err = wallet.import(&v1, &trust_list(), NOW).unwrap_err();
    assert!(
        matches!(
            err,
            WalletError::OlderVersion {
                stored: 2,
                offered: 1,
                ..
            }
        ),
        "{err}"
    );
    let docs = wallet.documents().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].version, 2);
    // Neither the old plaintext nor its ciphertext remain in the files.
    drop(wallet);
    for file in wallet_files(&dir.join("wallet.db")) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !bytes.windows(48).any(|w| w == &old_row[24..72]),
            "old ciphertext still in {}",
            file.display()
        );
    }
    // Deleting and importing the older version again is still refused.
    let wallet = reopen(&dir);
    wallet.delete(1_234_567_890).unwrap();
    assert!(wallet.documents().unwrap().is_empty());
    assert!(matches!(
        wallet.import(&v1, &trust_list(), NOW),
        Err(WalletError::OlderVersion { .. })
    ));
    assert!(matches!(
        wallet.import(&v2, &trust_list(), NOW),
        Ok(ImportOutcome::Added(_))
    ));
    assert!(matches!(
        wallet.delete(42),
        Err(WalletError::NoSuchDocument(42))
    ));
}

#[test]
fn renew_refuses_a_document_not_yet_stored_and_renews_a_stored_one() {
    let dir = temp_dir("renew-only");
    let (wallet, key) = new_wallet(&dir);
    let v1 = issue_to_wallet(&wallet, &key, &national_id_version(1), None);
    let v2 = issue_to_wallet(&wallet, &key, &national_id_version(2), None);
    let err = wallet.renew(&v2, &trust_list(), NOW).unwrap_err();
    assert!(
        matches!(err, WalletError::NotARenewal(1_234_567_890)),
        "{err}"
    );
    assert!(wallet.documents().unwrap().is_empty(), "nothing was added");
    wallet.import(&v1, &trust_list(), NOW).unwrap();
    assert!(matches!(
        wallet.renew(&v1, &trust_list(), NOW),
        Err(WalletError::AlreadyStored { version: 1, .. })
    ));
    match wallet.renew(&v2, &trust_list(), NOW).unwrap() {
        ImportOutcome::Renewed {
            document,
            replaced_version,
        } => assert_eq!((document.version, replaced_version), (2, 1)),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        wallet.renew(&v1, &trust_list(), NOW),
        Err(WalletError::OlderVersion { .. })
    ));
}

fn wallet_files(db: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", db.display())))
        .filter(|p| p.exists())
        .collect()
}

fn sealed_document_row(db: &Path) -> Vec<u8> {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT sealed FROM documents", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn credentials_from_elsewhere_are_refused() {
    let dir = temp_dir("refused");
    let (wallet, key) = new_wallet(&dir);
    // Bound to another device's key.
    let foreign = issue(&national_id(), 1).to_bytes();
    assert!(matches!(
        wallet.import(&foreign, &trust_list(), NOW),
        Err(WalletError::NotBoundToWallet)
    ));
    // Issuer not in the trust list.
    let bytes = issue_to_wallet(&wallet, &key, &national_id(), None);
    let empty = hawiya_core::TrustList {
        issuers: vec![],
        ..trust_list()
    };
    assert!(matches!(
        wallet.import(&bytes, &empty, NOW),
        Err(WalletError::NotTrusted)
    ));
    // Expired by the time of import.
    let later = UnixTime(2_100_000_000);
    assert!(matches!(
        wallet.import(&bytes, &trust_list(), later),
        Err(WalletError::Expired)
    ));
    // Not a credential at all.
    assert!(matches!(
        wallet.import(b"not a credential", &trust_list(), NOW),
        Err(WalletError::Format(_))
    ));
    // A dependent before the guardian's own document.
    let child = issue_to_wallet(&wallet, &key, &dependent(), Some(GUARDIAN));
    assert!(matches!(
        wallet.import(&child, &trust_list(), NOW),
        Err(WalletError::GuardianNotInWallet(1_234_567_890))
    ));
    assert!(wallet.documents().unwrap().is_empty());
}

#[test]
fn files_that_are_not_wallets_give_typed_errors() {
    let dir = temp_dir("files");
    let missing = dir.join("missing.db");
    assert!(matches!(
        Wallet::open(&missing, &options()),
        Err(WalletError::NotFound(_))
    ));
    let garbage = dir.join("garbage.db");
    std::fs::write(&garbage, vec![0x5a; 8192]).unwrap();
    let err = Wallet::open(&garbage, &options()).unwrap_err();
    assert!(matches!(err, WalletError::NotAWallet), "{err}");
    // Another application's SQLite database.
    let other = dir.join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('hi');")
        .unwrap();
    assert!(matches!(
        Wallet::open(&other, &options()),
        Err(WalletError::NotAWallet)
    ));
    // Create refuses to overwrite.
    assert!(matches!(
        Wallet::create(&other, Protection::Passphrase(PASSPHRASE), &options()),
        Err(WalletError::AlreadyExists(_))
    ));
    // A newer schema.
    let (wallet, _) = new_wallet(&dir);
    drop(wallet);
    let path = dir.join("wallet.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99;")
        .unwrap();
    let err = Wallet::open(&path, &options()).unwrap_err();
    assert!(
        matches!(
            err,
            WalletError::NewerSchema {
                found: 99,
                supported: hawiya_wallet::SCHEMA_VERSION
            }
        ),
        "{err}"
    );
}

#[test]
fn damaged_files_are_reported_not_panicked_on() {
    let dir = temp_dir("corrupt");
    let (wallet, key) = new_wallet(&dir);
    import_own_id(&wallet, &key);
    wallet
        .present(1_234_567_890, &Disclosure::Full, None, &PHONE_CLOCK)
        .unwrap();
    drop(wallet);
    let path = dir.join("wallet.db");
    let good = std::fs::read(&path).unwrap();
    let page = 4096;
    let mut seen = std::collections::BTreeSet::new();
    // Overwrite each page after the header page in turn with garbage.
    for start in (page..good.len()).step_by(page) {
        let mut bad = good.clone();
        for b in &mut bad[start..(start + page).min(good.len())] {
            *b ^= 0xa5;
        }
        std::fs::write(&path, &bad).unwrap();
        let result = Wallet::open(&path, &options()).and_then(|w| {
            w.unlock(Protection::Passphrase(PASSPHRASE), NOW)?;
            w.documents()?;
            w.presentation_log()?;
            Ok(())
        });
        match result {
            Ok(()) => seen.insert("ok (page unused)".to_owned()),
            Err(
                e @ (WalletError::Corrupt(_) | WalletError::Tampered(_) | WalletError::NotAWallet),
            ) => seen.insert(format!("{e:?}").split('(').next().unwrap().to_owned()),
            Err(other) => panic!("page at {start}: unexpected {other:?}"),
        };
    }
    // Truncation.
    std::fs::write(&path, &good[..good.len() / 2]).unwrap();
    let truncated = Wallet::open(&path, &options()).and_then(|w| {
        w.unlock(Protection::Passphrase(PASSPHRASE), NOW)?;
        w.documents().map(|_| ())
    });
    assert!(truncated.is_err());
    assert!(
        seen.iter()
            .any(|s| s.starts_with("Corrupt") || s.starts_with("Tampered")),
        "{seen:?}"
    );
}

#[test]
fn swapped_or_rolled_back_rows_are_detected() {
    let dir = temp_dir("rollback");
    let (wallet, key) = new_wallet(&dir);
    let v1 = issue_to_wallet(&wallet, &key, &national_id_version(1), None);
    let v2 = issue_to_wallet(&wallet, &key, &national_id_version(2), None);
    wallet.import(&v1, &trust_list(), NOW).unwrap();
    let path = dir.join("wallet.db");
    let old: (Vec<u8>, i64, Vec<u8>) = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT id, version, sealed FROM documents", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    wallet.import(&v2, &trust_list(), NOW).unwrap();
    drop(wallet);
    // Put the authentic old v1 row back in place of v2.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE documents SET version = ?2, sealed = ?3 WHERE id = ?1",
        rusqlite::params![old.0, old.1, old.2],
    )
    .unwrap();
    drop(conn);
    let wallet = reopen(&dir);
    assert!(wallet.documents().unwrap().is_empty());
    let damaged = wallet.damaged_documents().unwrap();
    assert_eq!(damaged.len(), 1, "{damaged:?}");
    assert_eq!(
        (damaged[0].number, damaged[0].version, damaged[0].damage),
        (Some(1_234_567_890), Some(2), Damage::RolledBack)
    );
    assert!(matches!(
        wallet.present(1_234_567_890, &Disclosure::Full, None, &PHONE_CLOCK),
        Err(WalletError::Tampered(_))
    ));
    // Importing anything over the rolled-back row is refused too.
    assert!(matches!(
        wallet.import(&v2, &trust_list(), NOW),
        Err(WalletError::Tampered(_))
    ));
    drop(wallet);
    // A sealed row moved to another document's slot does not open either.
    let dir = temp_dir("swap");
    let (wallet, key) = new_wallet(&dir);
    import_own_id(&wallet, &key);
    let child = issue_to_wallet(&wallet, &key, &dependent(), Some(GUARDIAN));
    wallet.import(&child, &trust_list(), NOW).unwrap();
    drop(wallet);
    let conn = rusqlite::Connection::open(dir.join("wallet.db")).unwrap();
    conn.execute_batch(
        "UPDATE documents SET sealed = (SELECT sealed FROM documents ORDER BY id LIMIT 1)
         WHERE id = (SELECT id FROM documents ORDER BY id DESC LIMIT 1);",
    )
    .unwrap();
    drop(conn);
    let wallet = reopen(&dir);
    // The untouched row is still listed; the overwritten one is damaged.
    assert_eq!(wallet.documents().unwrap().len(), 1);
    let damaged = wallet.damaged_documents().unwrap();
    assert_eq!(damaged.len(), 1, "{damaged:?}");
    assert_eq!(damaged[0].damage, Damage::Unreadable);
    assert!(damaged[0].number.is_some());
}

#[test]
fn previous_schema_is_migrated_with_its_data() {
    let dir = temp_dir("migrate");
    let (wallet, key) = new_wallet(&dir);
    import_own_id(&wallet, &key);
    drop(wallet);
    // Schema 1 had no presentation log.
    let path = dir.join("wallet.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("DROP TABLE presentation_log; PRAGMA user_version = 1;")
        .unwrap();
    let wallet = reopen(&dir);
    assert_eq!(wallet.documents().unwrap().len(), 1);
    wallet
        .present(1_234_567_890, &Disclosure::AgeOver18, None, &PHONE_CLOCK)
        .unwrap();
    assert_eq!(wallet.presentation_log().unwrap().len(), 1);
    drop(wallet);
    let version: u32 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, hawiya_wallet::SCHEMA_VERSION);
}

#[test]
fn dependents_are_listed_per_person_and_presented_by_the_guardian() {
    let dir = temp_dir("dependents");
    let (wallet, key) = new_wallet(&dir);
    import_own_id(&wallet, &key);
    let child = issue_to_wallet(&wallet, &key, &dependent(), Some(GUARDIAN));
    wallet.import(&child, &trust_list(), NOW).unwrap();
    let people = wallet.people().unwrap();
    assert_eq!(people.len(), 2);
    assert!(!people[0].is_dependent);
    assert_eq!(people[1].name_en, "Sara Mohammed Alahmad");
    assert_eq!(people[1].documents[0].guardian, Some(1_234_567_890));
    assert_eq!(wallet.dependents().unwrap().len(), 1);
    let p = wallet
        .present(1_098_765_432, &Disclosure::Identity, None, &PHONE_CLOCK)
        .unwrap();
    let verdict = verify(&p.qr_text());
    assert!(verdict.is_accepted(), "{:?}", verdict.failures);
    assert_eq!(verdict.guardian, Some(GUARDIAN));
    let own = wallet
        .present(1_234_567_890, &Disclosure::Identity, None, &PHONE_CLOCK)
        .unwrap();
    assert_eq!(verify(&own.qr_text()).guardian, None);
}

#[test]
fn presentation_log_records_lists_and_clears() {
    let dir = temp_dir("log");
    let (wallet, key) = new_wallet(&dir);
    import_own_id(&wallet, &key);
    wallet
        .present(
            1_234_567_890,
            &Disclosure::AgeOver18,
            Some(challenge().code()),
            &PHONE_CLOCK,
        )
        .unwrap();
    let later = UnixTime(NOW.0 + 60);
    wallet
        .present_static(1_234_567_890, &Disclosure::Full, later)
        .unwrap();
    let log = wallet.presentation_log().unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!((log[0].mode, log[0].at), (Mode::DeviceBound, NOW));
    assert_eq!(log[0].disclosed, vec![ClaimKey::AgeOver18]);
    assert_eq!((log[1].mode, log[1].at), (Mode::Static, later));
    assert!(log[0].id < log[1].id);
    assert!(matches!(
        wallet.present(5, &Disclosure::Full, None, &PHONE_CLOCK),
        Err(WalletError::NoSuchDocument(5))
    ));
    assert_eq!(
        wallet.presentation_log().unwrap().len(),
        2,
        "failed presentations are not logged"
    );
    assert_eq!(wallet.clear_presentation_log().unwrap(), 2);
    assert!(wallet.presentation_log().unwrap().is_empty());
    // Entries stay sealed: the log table holds no readable claim names.
    drop(wallet);
    let wallet = reopen(&dir);
    wallet
        .present(1_234_567_890, &Disclosure::Identity, None, &PHONE_CLOCK)
        .unwrap();
    let log = wallet.presentation_log().unwrap();
    assert_eq!(log.len(), 1);
    assert!(log[0].id > 2, "ids are not reused after clearing");
}

#[test]
fn backup_restores_elsewhere_and_asks_for_rebinding() {
    let dir = temp_dir("backup");
    let (wallet, key) = new_wallet(&dir);
    import_own_id(&wallet, &key);
    let child = issue_to_wallet(&wallet, &key, &dependent(), Some(GUARDIAN));
    wallet.import(&child, &trust_list(), NOW).unwrap();
    wallet
        .present(1_234_567_890, &Disclosure::Identity, None, &PHONE_CLOCK)
        .unwrap();
    let backup_pass = "cedar-meadow-river-77";
    assert!(matches!(
        wallet.export_backup("111111", &options(), NOW),
        Err(WalletError::WeakPasscode(_))
    ));
    let backup = wallet.export_backup(backup_pass, &options(), NOW).unwrap();
    assert!(backup.starts_with(hawiya_wallet::BACKUP_MAGIC));
    for needle in ["Mohammed", "Sara", "1234567890"] {
        assert!(!backup.windows(needle.len()).any(|w| w == needle.as_bytes()));
    }
    let target = dir.join("restored.db");
    let new_pass = Protection::Passphrase("quiet-dune-falcon-18");
    assert!(matches!(
        Wallet::restore(
            &target,
            &backup,
            "wrong-backup-pass-1",
            new_pass,
            &trust_list(),
            &options(),
            NOW
        ),
        Err(WalletError::WrongBackupPassphrase)
    ));
    assert!(matches!(
        Wallet::restore(
            &target,
            b"HWYBAK01garbage",
            backup_pass,
            new_pass,
            &trust_list(),
            &options(),
            NOW
        ),
        Err(WalletError::BackupDamaged(_))
    ));
    assert!(matches!(
        Wallet::restore(
            &target,
            b"PK\x03\x04 not a backup",
            backup_pass,
            new_pass,
            &trust_list(),
            &options(),
            NOW
        ),
        Err(WalletError::NotABackup)
    ));
    let mut altered = backup.clone();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    assert!(Wallet::restore(
        &target,
        &altered,
        backup_pass,
        new_pass,
        &trust_list(),
        &options(),
        NOW
    )
    .is_err());
    assert!(!target.exists(), "a failed restore leaves no wallet");

    let (restored, report) = Wallet::restore(
        &target,
        &backup,
        backup_pass,
        new_pass,
        &trust_list(),
        &options(),
        NOW,
    )
    .unwrap();
    assert_eq!(
        (report.documents, report.log_entries, report.needs_rebinding),
        (2, 1, 2)
    );
    assert!(
        restored.device_keys().unwrap().is_empty(),
        "device keys never travel"
    );
    let docs = restored.documents().unwrap();
    assert!(docs.iter().all(|d| d.needs_rebinding));
    assert!(matches!(
        restored.present(1_234_567_890, &Disclosure::Identity, None, &PHONE_CLOCK),
        Err(WalletError::NeedsRebinding(1_234_567_890))
    ));
    // The printed card's code still works: its print credential travelled
    // in the backup and needs no device key. The dependent has none.
    let printed = restored
        .present_static(1_234_567_890, &Disclosure::Identity, NOW)
        .unwrap();
    assert!(verify(&printed.qr_text()).is_accepted());
    assert!(matches!(
        restored.present_static(1_098_765_432, &Disclosure::Identity, NOW),
        Err(WalletError::NoPrintCredential(1_098_765_432))
    ));
    // Re-binding: a new key, a reissue at a higher version, imported as a renewal.
    let new_key = restored.create_device_key().unwrap();
    let reissued = issue_to_wallet(&restored, &new_key, &national_id_version(2), None);
    assert!(matches!(
        restored.import(&reissued, &trust_list(), NOW),
        Ok(ImportOutcome::Renewed {
            replaced_version: 1,
            ..
        })
    ));
    let p = restored
        .present(1_234_567_890, &Disclosure::Identity, None, &PHONE_CLOCK)
        .unwrap();
    assert!(verify(&p.qr_text()).is_accepted());
    // The renewal replaced the whole document: version 1's print credential
    // went with it, until version 2's is added.
    assert!(matches!(
        restored.present_static(1_234_567_890, &Disclosure::Identity, NOW),
        Err(WalletError::NoPrintCredential(1_234_567_890))
    ));
    // The original wallet's key cannot sign for the restored wallet.
    assert!(wallet.binding_request(&new_key, &NONCE).is_err());
    // The restored wallet is protected by its new passphrase.
    drop(restored);
    let reopened = Wallet::open(&target, &options()).unwrap();
    assert!(reopened
        .unlock(Protection::Passphrase(PASSPHRASE), NOW)
        .is_err());
    reopened.unlock(new_pass, NOW).unwrap();
    assert_eq!(reopened.documents().unwrap().len(), 2);
}

#[test]
fn platform_key_source_and_signer() {
    let dir = temp_dir("platform");
    let path = dir.join("wallet.db");
    let source = TestKeySource::new("keystore");
    let wallet = Wallet::create(&path, Protection::KeySource(&source), &options()).unwrap();
    // A hardware-backed signer the app supplies.
    let signer = Arc::new(SecretKey::from_bytes(&[42; 32]));
    let key = wallet.add_platform_signer(signer.clone()).unwrap();
    assert!(wallet.device_keys().unwrap()[0].platform);
    import_own_id(&wallet, &key);
    drop(wallet);

    let wallet = Wallet::open(&path, &options()).unwrap();
    // A passphrase does not open a key-store wallet.
    assert!(matches!(
        wallet.unlock(Protection::Passphrase(PASSPHRASE), NOW),
        Err(WalletError::WrongProtection { .. })
    ));
    // A refused biometric prompt counts as a failed attempt.
    source
        .refuse
        .store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(matches!(
        wallet.unlock(Protection::KeySource(&source), NOW),
        Err(WalletError::KeySource(KeySourceError::Rejected))
    ));
    assert_eq!(wallet.failed_attempts().unwrap().failures, 1);
    source
        .refuse
        .store(false, std::sync::atomic::Ordering::SeqCst);
    // A platform failure is not the user's guess: not counted.
    source
        .unavailable
        .store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(matches!(
        wallet.unlock(Protection::KeySource(&source), NOW),
        Err(WalletError::KeySource(KeySourceError::Unavailable(_)))
    ));
    assert_eq!(wallet.failed_attempts().unwrap().failures, 1);
    source
        .unavailable
        .store(false, std::sync::atomic::Ordering::SeqCst);
    wallet.unlock(Protection::KeySource(&source), NOW).unwrap();
    // The signer must be attached again after reopening.
    assert!(matches!(
        wallet.present(1_234_567_890, &Disclosure::Identity, None, &PHONE_CLOCK),
        Err(WalletError::UnknownDeviceKey(_))
    ));
    assert!(wallet
        .attach_platform_signer(Arc::new(SecretKey::from_bytes(&[43; 32])))
        .is_err());
    wallet.attach_platform_signer(signer).unwrap();
    let p = wallet
        .present(1_234_567_890, &Disclosure::Identity, None, &PHONE_CLOCK)
        .unwrap();
    assert!(verify(&p.qr_text()).is_accepted());
    // Another key store cannot unwrap it.
    wallet.lock();
    let other = TestKeySource::new("another phone");
    assert!(wallet.unlock(Protection::KeySource(&other), NOW).is_err());
}

#[test]
fn a_print_credential_is_checked_kept_with_its_document_and_replaced_on_renewal() {
    let dir = temp_dir("print");
    let (wallet, key) = new_wallet(&dir);
    let phone = issue_to_wallet(&wallet, &key, &national_id(), None);
    let print = issue_print_to_wallet(&national_id(), None);
    // The wrong kind in either place.
    assert!(matches!(
        wallet.import(&print, &trust_list(), NOW),
        Err(WalletError::PrintOnlyCredential)
    ));
    assert!(matches!(
        wallet.import_with_print(&phone, &phone, &trust_list(), NOW),
        Err(WalletError::NotAPrintCredential)
    ));
    // Another document's, or another version's, print credential.
    for other in [
        issue_print_to_wallet(&dependent(), None),
        issue_print_to_wallet(&national_id_version(2), None),
        issue_print_to_wallet(&national_id(), Some(GUARDIAN + 1)),
    ] {
        assert!(matches!(
            wallet.import_with_print(&phone, &other, &trust_list(), NOW),
            Err(WalletError::PrintCredentialMismatch)
        ));
    }
    assert!(
        wallet.documents().unwrap().is_empty(),
        "nothing half-imported"
    );
    // Imported without one: the document is there, its printed code is not.
    wallet.import(&phone, &trust_list(), NOW).unwrap();
    assert!(!wallet.documents().unwrap()[0].printable);
    assert!(matches!(
        wallet.present_static(1_234_567_890, &Disclosure::Full, NOW),
        Err(WalletError::NoPrintCredential(1_234_567_890))
    ));
    // Added afterwards; a second one (a lost card reissued) replaces it.
    let summary = wallet
        .add_print_credential(&print, &trust_list(), NOW)
        .unwrap();
    assert!(summary.printable);
    let first = wallet
        .present_static(1_234_567_890, &Disclosure::Full, NOW)
        .unwrap();
    let reissued = issue_print_to_wallet(&national_id(), None);
    wallet
        .add_print_credential(&reissued, &trust_list(), NOW)
        .unwrap();
    let second = wallet
        .present_static(1_234_567_890, &Disclosure::Full, NOW)
        .unwrap();
    assert_ne!(first.qr_text(), second.qr_text(), "a new card, new salts");
    for code in [&first, &second] {
        let verdict = verify(&code.qr_text());
        assert!(verdict.is_accepted(), "{:?}", verdict.failures);
        assert_eq!(verdict.assurance, Some(hawiya_core::Assurance::Printed));
    }
    assert!(matches!(
        wallet.add_print_credential(
            &issue_print_to_wallet(&national_id_version(2), None),
            &trust_list(),
            NOW
        ),
        Err(WalletError::PrintCredentialMismatch)
    ));
    assert!(matches!(
        wallet.add_print_credential(
            &issue_print_to_wallet(&dependent(), None),
            &trust_list(),
            NOW
        ),
        Err(WalletError::NoSuchDocument(1_098_765_432))
    ));
    // Kept across a restart, sealed like the rest of the record.
    drop(wallet);
    let wallet = reopen(&dir);
    assert!(wallet.documents().unwrap()[0].printable);
    // A renewal with its own print credential replaces both at once.
    let v2 = issue_to_wallet(&wallet, &key, &national_id_version(2), None);
    let v2_print = issue_print_to_wallet(&national_id_version(2), None);
    assert!(matches!(
        wallet.renew_with_print(&v2, &print, &trust_list(), NOW),
        Err(WalletError::PrintCredentialMismatch)
    ));
    assert!(matches!(
        wallet.renew_with_print(&v2, &v2_print, &trust_list(), NOW),
        Ok(ImportOutcome::Renewed {
            replaced_version: 1,
            ..
        })
    ));
    let code = wallet
        .present_static(1_234_567_890, &Disclosure::Identity, NOW)
        .unwrap();
    let fields = hawiya_core::internal::cbor_decode(code.bytes()).unwrap();
    assert_eq!(
        fields.as_array().unwrap()[6].as_u64(),
        Some(2),
        "version 2's card"
    );
    assert!(verify(&code.qr_text()).is_accepted());
}

#[test]
fn the_wallet_signs_at_its_clock_and_answers_challenges() {
    let dir = temp_dir("challenge");
    let (wallet, key) = new_wallet(&dir);
    import_own_id(&wallet, &key);
    let clock = hawiya_core::FixedClock(UnixTime(NOW.0 + 40));
    let shown = hawiya_core::Challenge::new(challenge().code(), UnixTime(NOW.0 + 30));
    let p = wallet
        .present(
            1_234_567_890,
            &Disclosure::Identity,
            Some(shown.code()),
            &clock,
        )
        .unwrap();
    assert_eq!(p.presented_at(), Some(clock.0));
    assert_eq!(p.challenge(), Some(shown.code()));
    let mut verifier = Verifier::new(trust_list(), hawiya_core::Policy::default());
    let verdict = verifier.verify(&p.qr_text(), UnixTime(NOW.0 + 45), Some(&shown));
    assert_eq!(
        verdict.assurance,
        Some(hawiya_core::Assurance::Challenged),
        "{:?}",
        verdict.failures
    );
    assert_eq!(verdict.presented_at, Some(clock.0));
    let log = wallet.presentation_log().unwrap();
    assert_eq!(
        log.last().unwrap().at,
        clock.0,
        "logged at the signing time"
    );
    // A phone code made by the wallet, stripped of its device part, is refused.
    let mut fields = hawiya_core::internal::cbor_decode(p.bytes())
        .unwrap()
        .as_array()
        .unwrap()
        .to_vec();
    fields.pop();
    let stripped = format!(
        "{}{}",
        hawiya_core::QR_PREFIX,
        hawiya_core::internal::base45_encode(
            &hawiya_core::internal::CborValue::Array(fields).to_bytes()
        )
    );
    let verdict = verify(&stripped);
    assert_eq!(
        verdict.failures,
        vec![hawiya_core::Failure::DeviceSignatureRequired]
    );
}
