//! Backups from outside: a hostile backup cannot make a phone spend minutes
//! and gigabytes before it fails, and a damaged backup is reported as
//! damaged, not as a wrong passphrase.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hawiya_core::internal::CborValue;
use hawiya_core::UnixTime;
use hawiya_tests::*;
use hawiya_wallet::{Protection, Wallet, WalletError, WalletOptions};

/// A time during the fixture credentials' validity.
const NOW: UnixTime = PRESENTED_AT;
/// The backup passphrase of these tests.
const BACKUP_PASSPHRASE: &str = "cedar-meadow-river-77";
/// The restored wallet's passphrase.
const NEW_PASSPHRASE: &str = "quiet-dune-falcon-18";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hawiya-backup-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn options() -> WalletOptions {
    WalletOptions::default()
}

/// A backup file in the documented layout whose key derivation asks for
/// `memory_kib` and `passes`, with a payload that opens under no passphrase.
fn backup_asking_for(memory_kib: u64, passes: u64) -> Vec<u8> {
    let kdf = CborValue::Array(vec![
        CborValue::Unsigned(memory_kib),
        CborValue::Unsigned(passes),
        CborValue::Unsigned(1),
        CborValue::Bytes(vec![7; 16]),
    ])
    .to_bytes();
    let mut file = b"HWYBAK01".to_vec();
    file.extend(
        CborValue::Array(vec![
            CborValue::Bytes(kdf),
            CborValue::Bytes(vec![0x5a; 120]),
        ])
        .to_bytes(),
    );
    file
}

#[test]
fn a_backup_asking_for_more_than_a_phone_can_afford_is_refused_before_any_work() {
    let dir = temp_dir("costly");
    // 512 MiB and 4 passes: within what a desktop wallet file may ask, far
    // beyond what a backup restored on a phone may.
    for (memory_kib, passes) in [(512 * 1024, 4), (65_536, 40), (2 * 1024 * 1024, 64)] {
        let target = dir.join("restored.db");
        let started = Instant::now();
        let err = Wallet::restore(
            &target,
            &backup_asking_for(memory_kib, passes),
            BACKUP_PASSPHRASE,
            Protection::Passphrase(NEW_PASSPHRASE),
            &trust_list(),
            &options(),
            NOW,
        )
        .unwrap_err();
        let spent = started.elapsed();
        assert!(
            spent < Duration::from_secs(1),
            "{memory_kib} KiB x {passes}: {spent:?} spent before refusing"
        );
        assert!(
            !matches!(err, WalletError::WrongBackupPassphrase),
            "{memory_kib} KiB x {passes}: reported as a wrong passphrase"
        );
        assert!(
            err.to_string().contains("phone"),
            "{memory_kib} KiB x {passes}: {err}"
        );
        assert!(!target.exists());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_damaged_backup_is_reported_as_damaged_not_as_a_wrong_passphrase() {
    let dir = temp_dir("damaged");
    let wallet = Wallet::create(
        &dir.join("wallet.db"),
        Protection::Passphrase(PASSPHRASE),
        &options(),
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
    let backup = wallet
        .export_backup(BACKUP_PASSPHRASE, &options(), NOW)
        .unwrap();
    let target = dir.join("restored.db");
    // One flipped bit anywhere after the header, and the file cut short.
    let mut damaged: Vec<Vec<u8>> = [20, backup.len() / 2, backup.len() - 40]
        .into_iter()
        .map(|at| {
            let mut bad = backup.clone();
            bad[at] ^= 0x10;
            bad
        })
        .collect();
    damaged.push(backup[..backup.len() - 100].to_vec());
    for (n, bad) in damaged.iter().enumerate() {
        let err = Wallet::restore(
            &target,
            bad,
            BACKUP_PASSPHRASE,
            Protection::Passphrase(NEW_PASSPHRASE),
            &trust_list(),
            &options(),
            NOW,
        )
        .unwrap_err();
        assert!(
            !matches!(err, WalletError::WrongBackupPassphrase),
            "damage {n}: reported as a wrong passphrase"
        );
        assert!(err.to_string().contains("damaged"), "damage {n}: {err}");
        assert!(!target.exists());
    }
    // A wrong passphrase on the intact file is still called that.
    assert!(matches!(
        Wallet::restore(
            &target,
            &backup,
            "wrong-backup-pass-1",
            Protection::Passphrase(NEW_PASSPHRASE),
            &trust_list(),
            &options(),
            NOW
        ),
        Err(WalletError::WrongBackupPassphrase)
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

/// An issuer key made at home, under the authority's own name.
fn home_made_issuer() -> hawiya_core::Issuer {
    hawiya_core::Issuer::new(
        hawiya_core::SecretKey::from_bytes(&[66; 32]),
        b"\x09",
        ISSUER_NAME,
        STATUS_URI,
    )
    .unwrap()
}

/// A trust list naming the fixture issuer and `extra`.
fn trust_list_with(extra: &hawiya_core::Issuer, version: u64) -> hawiya_core::TrustList {
    let mut list = trust_list();
    list.version = version;
    list.issuers
        .push(extra.trust_entry(UnixTime(1_577_836_800), UnixTime(2_208_988_800)));
    list
}

/// `claims` at `version`, issued by `issuer` to a device key of `wallet`.
fn issued_by(
    issuer: &hawiya_core::Issuer,
    wallet: &Wallet,
    key: &hawiya_core::PublicKey,
    claims: &hawiya_core::Claims,
    version: u32,
) -> Vec<u8> {
    let binding = wallet
        .binding_request(key, &NONCE)
        .unwrap()
        .check(&NONCE)
        .unwrap();
    let claims = hawiya_core::Claims {
        document_version: version,
        ..claims.clone()
    };
    issuer
        .issue(&claims, &binding, 7, ISSUED_AT, &mut rand_core::OsRng)
        .unwrap()
        .to_bytes()
}

#[test]
fn a_forged_document_in_a_backup_is_skipped_and_reported_and_never_blocks_the_genuine_one() {
    let dir = temp_dir("forged");
    // Someone builds a backup holding the holder's ID number at version 99,
    // signed by a key of their own under the authority's name, beside a
    // genuine permit.
    let forger = home_made_issuer();
    let theirs = Wallet::create(
        &dir.join("forger.db"),
        Protection::Passphrase(PASSPHRASE),
        &options(),
    )
    .unwrap();
    let key = theirs.create_device_key().unwrap();
    let their_trust = trust_list_with(&forger, 1);
    theirs
        .import(
            &issued_by(&forger, &theirs, &key, &national_id(), 99),
            &their_trust,
            NOW,
        )
        .unwrap();
    theirs
        .import(
            &issued_by(&issuer(), &theirs, &key, &resident_permit(), 3),
            &their_trust,
            NOW,
        )
        .unwrap();
    let backup = theirs
        .export_backup(BACKUP_PASSPHRASE, &options(), NOW)
        .unwrap();

    // The holder restores it with the authority's trust list.
    let (restored, report) = Wallet::restore(
        &dir.join("restored.db"),
        &backup,
        BACKUP_PASSPHRASE,
        Protection::Passphrase(NEW_PASSPHRASE),
        &trust_list(),
        &options(),
        NOW,
    )
    .unwrap();
    assert_eq!(report.documents, 1);
    assert_eq!(
        report.skipped,
        vec![hawiya_wallet::SkippedDocument {
            number: Some(national_id().document_number),
            version: Some(99),
            reason: hawiya_wallet::SkipReason::NotTrusted,
        }]
    );
    let listed = restored.documents().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].number, resident_permit().document_number);
    assert!(matches!(
        restored.document(national_id().document_number),
        Err(WalletError::NoSuchDocument(_))
    ));
    // The genuine ID, reissued at version 2 to the restored wallet, goes in.
    let key = restored.create_device_key().unwrap();
    let genuine = issued_by(&issuer(), &restored, &key, &national_id(), 2);
    assert!(matches!(
        restored.import(&genuine, &trust_list(), NOW),
        Ok(hawiya_wallet::ImportOutcome::Added(_))
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_version_mark_set_by_a_key_since_removed_from_the_trust_list_does_not_block_the_reissue() {
    let dir = temp_dir("marks");
    let wallet = Wallet::create(
        &dir.join("wallet.db"),
        Protection::Passphrase(PASSPHRASE),
        &options(),
    )
    .unwrap();
    let key = wallet.create_device_key().unwrap();
    // A key the list trusted once (later found compromised) signed version 99
    // of the holder's ID, which went into the wallet and was deleted.
    let compromised = home_made_issuer();
    let old_list = trust_list_with(&compromised, 1);
    let number = national_id().document_number;
    wallet
        .import(
            &issued_by(&compromised, &wallet, &key, &national_id(), 99),
            &old_list,
            NOW,
        )
        .unwrap();
    wallet.delete(number).unwrap();
    let genuine_v1 = issued_by(&issuer(), &wallet, &key, &national_id(), 1);
    let genuine_v2 = issued_by(&issuer(), &wallet, &key, &national_id(), 2);
    // While that key is trusted, its mark holds (no going back below 99).
    assert!(matches!(
        wallet.import(&genuine_v2, &old_list, NOW),
        Err(WalletError::OlderVersion { stored: 99, .. })
    ));
    // The next trust list drops the key: the authority's reissue goes in.
    let new_list = trust_list_with(&home_made_issuer(), 2);
    let new_list = hawiya_core::TrustList {
        issuers: new_list
            .issuers
            .into_iter()
            .filter(|i| i.kid != b"\x09")
            .collect(),
        ..new_list
    };
    assert!(matches!(
        wallet.import(&genuine_v2, &new_list, NOW),
        Ok(hawiya_wallet::ImportOutcome::Added(_))
    ));
    // Rollback protection holds for the genuine versions.
    assert!(matches!(
        wallet.import(&genuine_v1, &new_list, NOW),
        Err(WalletError::OlderVersion {
            stored: 2,
            offered: 1,
            ..
        })
    ));
    wallet.delete(number).unwrap();
    assert!(matches!(
        wallet.import(&genuine_v1, &new_list, NOW),
        Err(WalletError::OlderVersion { stored: 2, .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_in_the_way_of_the_restore_is_refused_never_deleted_and_a_failed_restore_leaves_nothing() {
    let dir = temp_dir("in-the-way");
    let wallet = Wallet::create(
        &dir.join("wallet.db"),
        Protection::Passphrase(PASSPHRASE),
        &options(),
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
    let backup = wallet
        .export_backup(BACKUP_PASSPHRASE, &options(), NOW)
        .unwrap();
    let target = dir.join("restored.db");
    let restore = || {
        Wallet::restore(
            &target,
            &backup,
            BACKUP_PASSPHRASE,
            Protection::Passphrase(NEW_PASSPHRASE),
            &trust_list(),
            &options(),
            NOW,
        )
    };
    let leftovers = || -> Vec<String> {
        std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("restored.db"))
            .collect()
    };

    // The holder's own file, of the name the restore builds under (and of
    // each companion's name): refused with a clear error, kept as it was.
    for suffix in ["", "-wal", "-shm", "-journal", "-reserve"] {
        let theirs = dir.join(format!("restored.db.restoring{suffix}"));
        std::fs::write(&theirs, b"someone's notes, not a wallet").unwrap();
        let err = restore().unwrap_err();
        assert!(
            matches!(&err, WalletError::RestoreInTheWay(p) if *p == theirs),
            "{suffix}: {err:?}"
        );
        assert!(
            err.to_string().contains("move it away or delete it"),
            "{err}"
        );
        assert_eq!(
            std::fs::read(&theirs).unwrap(),
            b"someone's notes, not a wallet",
            "{suffix}: the file in the way was changed"
        );
        assert!(!target.exists(), "{suffix}");
        std::fs::remove_file(&theirs).unwrap();
    }

    // A restore that fails (here the new passphrase is refused) leaves
    // nothing behind.
    let err = Wallet::restore(
        &target,
        &backup,
        BACKUP_PASSPHRASE,
        Protection::Passphrase("123456"),
        &trust_list(),
        &options(),
        NOW,
    )
    .unwrap_err();
    assert!(matches!(err, WalletError::WeakPasscode(_)), "{err:?}");
    assert_eq!(leftovers(), Vec::<String>::new());

    // With the way clear it restores, and leaves only the wallet's own files.
    let (restored, report) = restore().unwrap();
    assert_eq!(report.documents, 1);
    drop(restored);
    assert!(target.exists());
    assert!(
        leftovers().iter().all(|name| !name.contains(".restoring")),
        "{:?}",
        leftovers()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A print credential kept with a document in a backup is checked as an
/// import checks it: one signed by a home-made key leaves its document out
/// (reported), and a genuine pair comes back with its printed code.
#[test]
fn a_forged_print_credential_in_a_backup_leaves_its_document_out() {
    let dir = temp_dir("forged-print");
    let forger = home_made_issuer();
    let theirs = Wallet::create(
        &dir.join("forger.db"),
        Protection::Passphrase(PASSPHRASE),
        &options(),
    )
    .unwrap();
    let key = theirs.create_device_key().unwrap();
    let their_trust = trust_list_with(&forger, 1);
    let id = national_id();
    let permit = resident_permit();
    // The genuine phone credential, with a print credential made at home.
    let forged_print = forger
        .issue_print(&id, None, 8, ISSUED_AT, &mut rand_core::OsRng)
        .unwrap()
        .to_bytes();
    theirs
        .import_with_print(
            &issued_by(&issuer(), &theirs, &key, &id, id.document_version),
            &forged_print,
            &their_trust,
            NOW,
        )
        .unwrap();
    theirs
        .import_with_print(
            &issued_by(&issuer(), &theirs, &key, &permit, permit.document_version),
            &issue_print_to_wallet(&permit, None),
            &their_trust,
            NOW,
        )
        .unwrap();
    let backup = theirs
        .export_backup(BACKUP_PASSPHRASE, &options(), NOW)
        .unwrap();

    let (restored, report) = Wallet::restore(
        &dir.join("restored.db"),
        &backup,
        BACKUP_PASSPHRASE,
        Protection::Passphrase(NEW_PASSPHRASE),
        &trust_list(),
        &options(),
        NOW,
    )
    .unwrap();
    assert_eq!(report.documents, 1);
    assert_eq!(
        report.skipped,
        vec![hawiya_wallet::SkippedDocument {
            number: Some(id.document_number),
            version: Some(id.document_version),
            reason: hawiya_wallet::SkipReason::NotTrusted,
        }]
    );
    let listed = restored.documents().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].number, permit.document_number);
    assert!(listed[0].printable);
    let printed = restored
        .present_static(
            permit.document_number,
            &hawiya_core::Disclosure::Identity,
            NOW,
        )
        .unwrap();
    let verdict = hawiya_core::Verifier::new(trust_list(), hawiya_core::Policy::default()).verify(
        &printed.qr_text(),
        NOW,
        None,
    );
    assert_eq!(
        verdict.assurance,
        Some(hawiya_core::Assurance::Printed),
        "{:?}",
        verdict.failures
    );
    let _ = std::fs::remove_dir_all(&dir);
}
