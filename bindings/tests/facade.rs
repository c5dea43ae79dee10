//! The exported API exercised from Rust exactly as Kotlin and Swift call it:
//! the whole flow, the error mapping, foreign traits that fail or "throw",
//! and one wallet shared by ten threads.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, Ordering};
use std::sync::Arc;

use hawiya_ffi::*;
use uniffi::UnexpectedUniFFICallbackError;

/// 2024-06-10, inside every validity window below.
const NOW: i64 = 1_718_000_000;
const NUMBER: u64 = 1_234_567_890;

struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now_unix_seconds(&self) -> Result<i64, ClockError> {
        Ok(self.0.load(Ordering::SeqCst))
    }
}

fn clock() -> Arc<TestClock> {
    Arc::new(TestClock(AtomicI64::new(NOW)))
}

/// A key source as an app would write one, with a switch for each failure.
#[derive(Default)]
struct PadKeySource {
    reject: AtomicBool,
    /// Answers as a prompt the holder dismissed.
    cancel: AtomicBool,
    /// Behaves like an implementation that throws an undeclared exception.
    throw: AtomicBool,
    unwraps: AtomicU32,
}

const PAD: u8 = 0x5a;

impl KeySource for PadKeySource {
    fn wrap(&self, data_key: Vec<u8>) -> Result<Vec<u8>, KeySourceError> {
        Ok(data_key.iter().map(|b| b ^ PAD).collect())
    }

    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, KeySourceError> {
        self.unwraps.fetch_add(1, Ordering::SeqCst);
        if self.throw.load(Ordering::SeqCst) {
            // What uniffi hands Rust when a Kotlin implementation throws
            // something other than KeySourceException: the stack trace.
            return Err(UnexpectedUniFFICallbackError::new(
                "java.lang.IllegalStateException: keystore exploded\n\tat App.unwrap(App.kt:12)",
            )
            .into());
        }
        if self.reject.load(Ordering::SeqCst) {
            return Err(KeySourceError::Rejected);
        }
        if self.cancel.load(Ordering::SeqCst) {
            return Err(KeySourceError::Cancelled);
        }
        Ok(wrapped.iter().map(|b| b ^ PAD).collect())
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = tempfile::Builder::new()
        .prefix(&format!("hawiya-ffi-{name}-"))
        .tempdir()
        .unwrap()
        .keep();
    dir
}

fn path(dir: &std::path::Path) -> String {
    dir.join("wallet.db").to_string_lossy().into_owned()
}

fn issuer() -> Arc<TestIssuer> {
    TestIssuer::new(
        "Test Civil Registry".into(),
        "test-1".into(),
        "https://status.example/1".into(),
        1_700_000_000,
        2_000_000_000,
    )
    .unwrap()
}

fn national_id(version: u32) -> DocumentClaims {
    DocumentClaims {
        document_type: DocumentType::NationalId,
        document_number: NUMBER,
        document_version: version,
        name_ar: "محمد عبدالله الأحمد".into(),
        name_en: "Mohammed Abdullah Alahmad".into(),
        birth_date: CalendarDate {
            year: 1990,
            month: 5,
            day: 17,
        },
        sex: Sex::Male,
        nationality: "SAU".into(),
        place_of_birth: "Riyadh".into(),
        occupation: None,
        employer: None,
        issue_date: CalendarDate {
            year: 2024,
            month: 1,
            day: 10,
        },
        expiry_date: CalendarDate {
            year: 2034,
            month: 1,
            day: 9,
        },
        portrait: None,
    }
}

/// Binds the wallet's (new) device key and issues `claims` to it.
fn issue_to(wallet: &Wallet, issuer: &TestIssuer, claims: DocumentClaims) -> Vec<u8> {
    let key = wallet.create_device_key().unwrap();
    let nonce = issuer.binding_nonce();
    let request = wallet.binding_request(key, nonce.clone()).unwrap();
    issuer.issue(claims, request, nonce, 7, NOW).unwrap()
}

fn key_source_wallet(dir: &std::path::Path, source: Arc<PadKeySource>) -> Arc<Wallet> {
    Wallet::create_with_key_source(path(dir), source, default_wallet_options(), Some(clock()))
        .unwrap()
}

#[test]
fn whole_flow_issue_import_unlock_present_verify() {
    let dir = temp_dir("flow");
    let issuer = issuer();
    let trust = issuer.trust_list(1, NOW).unwrap();
    let wallet = Wallet::create_with_passphrase(
        path(&dir),
        "correct horse battery".into(),
        default_wallet_options(),
        Some(clock()),
    )
    .unwrap();
    let credential = issue_to(&wallet, &issuer, national_id(1));
    match wallet
        .import_credential(credential, Arc::clone(&trust))
        .unwrap()
    {
        ImportOutcome::Added { document } => {
            assert_eq!((document.number, document.version), (NUMBER, 1));
        }
        other => panic!("{other:?}"),
    }
    wallet.lock();
    assert!(matches!(wallet.documents(), Err(WalletError::Locked)));
    drop(wallet);

    let wallet = Wallet::open(path(&dir), default_wallet_options(), Some(clock())).unwrap();
    wallet
        .unlock_with_passphrase("correct horse battery".into())
        .unwrap();
    let details = wallet.show(NUMBER).unwrap();
    assert_eq!(details.issuer, "Test Civil Registry");
    assert!(details
        .claims
        .iter()
        .any(|c| c.key == ClaimKey::NameEn && c.display == "Mohammed Abdullah Alahmad"));

    let presentation = wallet.present(NUMBER, Disclosure::Identity, None).unwrap();
    assert!(presentation.qr_text.starts_with("HW2:"));
    assert_eq!(presentation.challenge, None);
    assert_eq!(
        presentation.qr.modules.len(),
        (presentation.qr.size * presentation.qr.size) as usize
    );
    // The SVG is opt-in: made from the QR text only when the app asks.
    let svg = qr_svg_for_text(presentation.qr_text.clone(), 8).unwrap();
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"));
    assert_eq!(presentation.mode, Mode::DeviceBound);
    assert_eq!(presentation.created_at, NOW);
    assert_eq!(
        presentation.expires_at,
        NOW + i64::from(default_policy().freshness_secs)
    );
    assert_eq!(
        qr_code_for_text(presentation.qr_text.clone()).unwrap(),
        presentation.qr
    );

    let verifier = Verifier::new(trust, default_policy(), Some(clock()));
    verifier
        .add_status_list(issuer.signed_status_list(NOW, 86_400))
        .unwrap();
    let verdict = verifier.verify(presentation.qr_text.clone(), None).unwrap();
    assert!(verdict.accepted, "{:?}", verdict.failures);
    assert_eq!(verdict.assurance, Some(Assurance::Timed));
    assert_eq!(verdict.issuer.as_deref(), Some("Test Civil Registry"));
    let shown: Vec<ClaimKey> = verdict.claims.iter().map(|c| c.key).collect();
    assert!(shown.contains(&ClaimKey::NameAr) && shown.contains(&ClaimKey::DocumentNumber));
    assert!(!shown.contains(&ClaimKey::BirthDate), "not disclosed");

    // The same code again is a replay.
    let again = verifier.verify(presentation.qr_text, None).unwrap();
    assert!(!again.accepted);
    assert_eq!(again.failures[0].code, "replayed");

    // The normal path: the verifier shows a challenge, the holder types it
    // (or the app scans its QR code), the phone signs over it.
    let challenge = verifier.new_challenge().unwrap();
    assert_eq!(challenge.issued_at, NOW);
    assert_eq!(
        challenge.answerable_until,
        NOW + i64::from(default_policy().freshness_secs + default_policy().clock_skew_secs)
    );
    assert_eq!(challenge.qr_text, format!("HWC:{}", challenge.code));
    assert_eq!(
        read_challenge_code(challenge.grouped.clone()).unwrap(),
        challenge.code
    );
    // (Two disclosures: at one fixed time the same answer would be the same
    // bytes, a replay.)
    for (typed, disclosure) in [
        (challenge.grouped.clone(), Disclosure::AgeOver18),
        (challenge.qr_text.clone(), Disclosure::Identity),
    ] {
        let answer = wallet.present(NUMBER, disclosure, Some(typed)).unwrap();
        assert_eq!(answer.challenge.as_deref(), Some(challenge.code.as_str()));
        let verdict = verifier
            .verify(answer.qr_text, Some(challenge.clone()))
            .unwrap();
        assert!(verdict.accepted, "{:?}", verdict.failures);
        assert_eq!(verdict.assurance, Some(Assurance::Challenged));
    }
    // A typo: the phone signs what was typed; the verifier says it is not its challenge.
    let typo = format!(
        "{}",
        100_000 + (challenge.code.parse::<u32>().unwrap() - 99_999) % 900_000
    );
    let answer = wallet
        .present(NUMBER, Disclosure::AgeOver18, Some(typo))
        .unwrap();
    let verdict = verifier
        .verify(answer.qr_text, Some(challenge.clone()))
        .unwrap();
    assert_eq!(verdict.failures[0].code, "challenge_mismatch");
    assert_eq!(verdict.assurance, None);
    for junk in ["12345", "abcdef", "HWC:12345", ""] {
        assert!(matches!(
            wallet.present(NUMBER, Disclosure::AgeOver18, Some(junk.into())),
            Err(WalletError::InvalidChallenge)
        ));
        assert!(matches!(
            read_challenge_code(junk.into()),
            Err(WalletError::InvalidChallenge)
        ));
    }
    let forged = Challenge {
        code: "12345".into(),
        ..challenge
    };
    assert!(matches!(
        verifier.verify("HW2:00".into(), Some(forged)),
        Err(VerifyError::InvalidChallenge)
    ));

    let log = wallet.presentation_log().unwrap();
    assert_eq!(log.len(), 4);
    assert_eq!(log[0].document_number, NUMBER);
    assert_eq!(wallet.clear_presentation_log().unwrap(), 4);
}

#[test]
fn a_verifier_can_require_challenged_codes() {
    let issuer = issuer();
    let trust = issuer.trust_list(1, NOW).unwrap();
    let wallet = key_source_wallet(
        &temp_dir("min-assurance"),
        Arc::new(PadKeySource::default()),
    );
    wallet
        .import_credential_with_print(
            issue_to(&wallet, &issuer, national_id(1)),
            issuer.issue_print(national_id(1), None, 8, NOW).unwrap(),
            Arc::clone(&trust),
        )
        .unwrap();
    let strict = Verifier::new(
        trust,
        Policy {
            min_assurance: Assurance::Challenged,
            ..default_policy()
        },
        Some(clock()),
    );
    let timed = wallet.present(NUMBER, Disclosure::Identity, None).unwrap();
    let printed = wallet.present_static(NUMBER, Disclosure::Identity).unwrap();
    for (code, found) in [(timed, "timed"), (printed, "printed")] {
        let verdict = strict.verify(code.qr_text, None).unwrap();
        assert!(!verdict.accepted);
        assert_eq!(verdict.failures[0].code, "assurance_below_minimum");
        assert!(
            verdict.failures[0].message.contains(found),
            "{:?}",
            verdict.failures
        );
    }
    let challenge = strict.new_challenge().unwrap();
    let answer = wallet
        .present(NUMBER, Disclosure::Identity, Some(challenge.code.clone()))
        .unwrap();
    let verdict = strict.verify(answer.qr_text, Some(challenge)).unwrap();
    assert_eq!(
        verdict.assurance,
        Some(Assurance::Challenged),
        "{:?}",
        verdict.failures
    );
    assert!(describe_assurance(Assurance::Challenged).contains("challenge"));
}

#[test]
fn wrong_passphrase_trivial_pin_and_lockout_are_typed() {
    let dir = temp_dir("unlock");
    let err = Wallet::create_with_passphrase(
        path(&dir),
        "123456".into(),
        default_wallet_options(),
        Some(clock()),
    )
    .err()
    .unwrap();
    assert!(
        matches!(
            err,
            WalletError::WeakPasscode {
                kind: WeakPasscodeKind::Sequence | WeakPasscodeKind::Common,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!describe_wallet_error(err).contains("123456"));

    let mut options = default_wallet_options();
    options.unlock_policy = UnlockPolicy {
        free_attempts: 1,
        base_delay_secs: 30,
        max_delay_secs: 60,
        max_attempts: 3,
    };
    let time = clock();
    let created = Wallet::create_with_passphrase(
        path(&dir),
        "a long enough phrase".into(),
        options.clone(),
        Some(time.clone()),
    )
    .unwrap();
    drop(created);
    let wallet = Wallet::open(path(&dir), options, Some(time.clone())).unwrap();
    let err = wallet
        .unlock_with_passphrase("wrong guess here".into())
        .unwrap_err();
    assert!(
        matches!(err, WalletError::WrongPassphrase { remaining: 2 }),
        "{err:?}"
    );
    let err = wallet
        .unlock_with_passphrase("wrong guess here".into())
        .unwrap_err();
    assert!(matches!(err, WalletError::RetryLater { .. }), "{err:?}");
    assert_eq!(
        wallet.failed_attempts().unwrap().failures,
        1,
        "a refused attempt is not counted"
    );
    time.0.fetch_add(3_600, Ordering::SeqCst);
    let err = wallet
        .unlock_with_passphrase("wrong again".into())
        .unwrap_err();
    assert!(
        matches!(err, WalletError::WrongPassphrase { remaining: 1 }),
        "{err:?}"
    );
    time.0.fetch_add(3_600, Ordering::SeqCst);
    let err = wallet
        .unlock_with_passphrase("still wrong".into())
        .unwrap_err();
    assert!(
        matches!(err, WalletError::LockedOut { failures: 3 }),
        "{err:?}"
    );
    time.0.fetch_add(3_600, Ordering::SeqCst);
    let err = wallet
        .unlock_with_passphrase("a long enough phrase".into())
        .unwrap_err();
    assert!(
        matches!(err, WalletError::LockedOut { failures: 3 }),
        "{err:?}"
    );
    assert_eq!(wallet.failed_attempts().unwrap().failures, 3);
}

#[test]
fn key_source_rejects_and_throws_become_typed_errors() {
    let dir = temp_dir("keysource");
    let source = Arc::new(PadKeySource::default());
    let wallet = key_source_wallet(&dir, Arc::clone(&source));
    wallet.lock();

    source.throw.store(true, Ordering::SeqCst);
    match wallet.unlock_with_key_source(source.clone()).unwrap_err() {
        WalletError::KeySourceUnavailable { reason } => {
            assert!(reason.contains("IllegalStateException"), "{reason}");
            assert!(!reason.contains("App.kt"), "only the first line: {reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        wallet.failed_attempts().unwrap().failures,
        0,
        "a platform failure is not a wrong guess"
    );

    source.throw.store(false, Ordering::SeqCst);
    source.reject.store(true, Ordering::SeqCst);
    assert!(matches!(
        wallet.unlock_with_key_source(source.clone()),
        Err(WalletError::KeySourceRejected)
    ));
    assert_eq!(wallet.failed_attempts().unwrap().failures, 1);

    source.reject.store(false, Ordering::SeqCst);
    // A prompt cancelled fifty times counts nothing and delays nothing.
    source.cancel.store(true, Ordering::SeqCst);
    for _ in 0..50 {
        assert!(matches!(
            wallet.unlock_with_key_source(source.clone()),
            Err(WalletError::KeySourceCancelled)
        ));
    }
    let state = wallet.failed_attempts().unwrap();
    assert_eq!((state.failures, state.unresolved), (1, 0));
    source.cancel.store(false, Ordering::SeqCst);
    wallet.unlock_with_key_source(source.clone()).unwrap();
    assert!(wallet.is_unlocked());
    assert!(matches!(
        wallet.unlock_with_passphrase("a long enough phrase".into()),
        Err(WalletError::WrongProtection { .. })
    ));
    assert!(source.unwraps.load(Ordering::SeqCst) >= 3);
}

#[test]
fn failing_clock_and_signer_are_errors_not_panics() {
    struct BrokenClock;
    impl Clock for BrokenClock {
        fn now_unix_seconds(&self) -> Result<i64, ClockError> {
            Err(UnexpectedUniFFICallbackError::new("java.lang.RuntimeException: no time").into())
        }
    }
    struct BrokenSigner;
    impl DeviceSigner for BrokenSigner {
        fn public_key(&self) -> Result<Vec<u8>, SignerError> {
            Ok(vec![0; 5])
        }
        fn sign(&self, _: Vec<u8>) -> Result<Vec<u8>, SignerError> {
            Err(SignerError::Rejected)
        }
    }
    let dir = temp_dir("broken");
    let source = Arc::new(PadKeySource::default());
    let wallet = Wallet::create_with_key_source(
        path(&dir),
        source,
        default_wallet_options(),
        Some(Arc::new(BrokenClock)),
    )
    .unwrap();
    assert!(matches!(
        wallet.present(NUMBER, Disclosure::Full, None),
        Err(WalletError::ClockUnavailable { .. })
    ));
    assert!(matches!(
        wallet.add_platform_signer(Arc::new(BrokenSigner)),
        Err(WalletError::InvalidPublicKey)
    ));
    let issuer = issuer();
    let verifier = Verifier::new(
        issuer.trust_list(1, NOW).unwrap(),
        default_policy(),
        Some(Arc::new(BrokenClock)),
    );
    assert!(matches!(
        verifier.verify("HW2:anything".into(), None),
        Err(VerifyError::ClockUnavailable { .. })
    ));
}

#[test]
fn foreign_device_key_tampered_code_and_stale_code_are_refused() {
    let issuer = issuer();
    let trust = issuer.trust_list(1, NOW).unwrap();
    let ours = key_source_wallet(&temp_dir("ours"), Arc::new(PadKeySource::default()));
    let theirs = key_source_wallet(&temp_dir("theirs"), Arc::new(PadKeySource::default()));
    let foreign = issue_to(&theirs, &issuer, national_id(1));
    assert!(matches!(
        ours.import_credential(foreign, Arc::clone(&trust)),
        Err(WalletError::NotBoundToWallet)
    ));
    assert!(matches!(
        ours.renew(issue_to(&ours, &issuer, national_id(2)), Arc::clone(&trust)),
        Err(WalletError::NotARenewal)
    ));
    ours.import_credential(issue_to(&ours, &issuer, national_id(1)), Arc::clone(&trust))
        .unwrap();

    let time = clock();
    let verifier = Verifier::new(trust, default_policy(), Some(time.clone()));
    let code = ours.present(NUMBER, Disclosure::AgeOver18, None).unwrap();
    let mut tampered: Vec<char> = code.qr_text.chars().collect();
    let middle = tampered.len() / 2;
    tampered[middle] = if tampered[middle] == 'A' { 'B' } else { 'A' };
    let verdict = verifier
        .verify(tampered.into_iter().collect(), None)
        .unwrap();
    assert!(!verdict.accepted);
    assert!(verdict.claims.is_empty());

    time.0.fetch_add(3_600, Ordering::SeqCst);
    let verdict = verifier.verify(code.qr_text, None).unwrap();
    assert!(!verdict.accepted);
    assert!(
        verdict
            .failures
            .iter()
            .any(|f| f.code == "presentation_stale"),
        "{:?}",
        verdict.failures
    );
}

#[test]
fn ten_threads_share_one_wallet_and_one_verifier() {
    let issuer = issuer();
    let trust = issuer.trust_list(1, NOW).unwrap();
    let wallet = key_source_wallet(&temp_dir("threads"), Arc::new(PadKeySource::default()));
    wallet
        .import_credential(
            issue_to(&wallet, &issuer, national_id(1)),
            Arc::clone(&trust),
        )
        .unwrap();
    let verifier = Verifier::new(trust, default_policy(), Some(clock()));
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let wallet = Arc::clone(&wallet);
            let verifier = Arc::clone(&verifier);
            std::thread::spawn(move || {
                let challenge = verifier.new_challenge().unwrap();
                let code = wallet
                    .present(
                        NUMBER,
                        Disclosure::Identity,
                        Some(challenge.grouped.clone()),
                    )
                    .unwrap();
                let docs = wallet.documents().unwrap();
                assert_eq!(docs.len(), 1);
                let verdict = verifier.verify(code.qr_text, Some(challenge)).unwrap();
                verdict.accepted && verdict.assurance == Some(Assurance::Challenged)
            })
        })
        .collect();
    let accepted = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|a| *a)
        .count();
    assert_eq!(accepted, 10);
    assert_eq!(wallet.presentation_log().unwrap().len(), 10);
}

#[test]
fn backup_restores_and_printed_codes_still_verify() {
    let issuer = issuer();
    let trust = issuer.trust_list(1, NOW).unwrap();
    let wallet = key_source_wallet(&temp_dir("backup"), Arc::new(PadKeySource::default()));
    wallet
        .import_credential(
            issue_to(&wallet, &issuer, national_id(1)),
            Arc::clone(&trust),
        )
        .unwrap();
    // No print credential yet: no printed code.
    assert!(!wallet.documents().unwrap()[0].printable);
    assert!(matches!(
        wallet.present_static(NUMBER, Disclosure::Full),
        Err(WalletError::NoPrintCredential)
    ));
    let print = issuer.issue_print(national_id(1), None, 8, NOW).unwrap();
    assert!(matches!(
        wallet.import_credential(print.clone(), Arc::clone(&trust)),
        Err(WalletError::PrintOnlyCredential)
    ));
    assert!(matches!(
        wallet.add_print_credential(
            issuer.issue_print(national_id(2), None, 9, NOW).unwrap(),
            Arc::clone(&trust)
        ),
        Err(WalletError::PrintCredentialMismatch)
    ));
    assert!(
        wallet
            .add_print_credential(print, Arc::clone(&trust))
            .unwrap()
            .printable
    );
    let backup = wallet
        .export_backup("backup phrase for tests".into())
        .unwrap();
    let target = temp_dir("restored");
    assert!(matches!(
        restore_backup_with_key_source(
            path(&target),
            backup.clone(),
            "not the phrase".into(),
            Arc::new(PadKeySource::default()),
            Arc::clone(&trust),
            default_wallet_options(),
            Some(clock()),
        ),
        Err(WalletError::WrongBackupPassphrase)
    ));
    let mut damaged = backup.clone();
    damaged[40] ^= 1;
    assert!(matches!(
        restore_backup_with_key_source(
            path(&target),
            damaged,
            "backup phrase for tests".into(),
            Arc::new(PadKeySource::default()),
            Arc::clone(&trust),
            default_wallet_options(),
            Some(clock()),
        ),
        Err(WalletError::BackupDamaged { .. })
    ));
    // Another authority's trust list: the document is left out, with why.
    let stranger = TestIssuer::new(
        "Another Authority".into(),
        "other".into(),
        "https://status.example/other".into(),
        NOW - 86_400,
        NOW + 86_400 * 365,
    )
    .unwrap()
    .trust_list(1, NOW)
    .unwrap();
    let elsewhere = temp_dir("restored-elsewhere");
    let untrusted = restore_backup_with_key_source(
        path(&elsewhere),
        backup.clone(),
        "backup phrase for tests".into(),
        Arc::new(PadKeySource::default()),
        stranger,
        default_wallet_options(),
        Some(clock()),
    )
    .unwrap();
    assert_eq!(untrusted.documents, 0);
    assert_eq!(untrusted.skipped.len(), 1);
    assert_eq!(untrusted.skipped[0].number, Some(NUMBER));
    assert_eq!(untrusted.skipped[0].reason, SkipReason::NotTrusted);
    assert!(untrusted.skipped[0].explanation.contains("trust list"));
    let restored = restore_backup_with_key_source(
        path(&target),
        backup,
        "backup phrase for tests".into(),
        Arc::new(PadKeySource::default()),
        Arc::clone(&trust),
        default_wallet_options(),
        Some(clock()),
    )
    .unwrap();
    assert_eq!((restored.documents, restored.needs_rebinding), (1, 1));
    assert!(restored.skipped.is_empty());
    let wallet = restored.wallet;
    assert!(matches!(
        wallet.present(NUMBER, Disclosure::Full, None),
        Err(WalletError::NeedsRebinding)
    ));
    let printed = wallet.present_static(NUMBER, Disclosure::Full).unwrap();
    assert_eq!(printed.mode, Mode::Static);
    // A printed code is accepted until its credential expires.
    assert_eq!(
        printed.expires_at,
        wallet.documents().unwrap()[0].expires_at.0
    );
    let verdict = Verifier::new(Arc::clone(&trust), default_policy(), Some(clock()))
        .verify(printed.qr_text, None)
        .unwrap();
    assert!(verdict.accepted);
    assert_eq!(verdict.assurance, Some(Assurance::Printed));
    assert!(verdict
        .warnings
        .iter()
        .any(|w| w.code == "static_lower_assurance"));
    // A renewal with its print credential replaces both.
    let key = wallet.create_device_key().unwrap();
    let nonce = issuer.binding_nonce();
    let request = wallet.binding_request(key, nonce.clone()).unwrap();
    let v2 = issuer
        .issue(national_id(2), request, nonce, 10, NOW)
        .unwrap();
    let v2_print = issuer.issue_print(national_id(2), None, 11, NOW).unwrap();
    assert!(matches!(
        wallet
            .renew_with_print(v2, v2_print, Arc::clone(&trust))
            .unwrap(),
        ImportOutcome::Renewed {
            replaced_version: 1,
            ..
        }
    ));
    let docs = wallet.documents().unwrap();
    assert!(docs[0].printable && !docs[0].needs_rebinding);
}

#[test]
fn card_has_bilingual_fields_hijri_dates_and_validity() {
    let issuer = issuer();
    let wallet = key_source_wallet(&temp_dir("card"), Arc::new(PadKeySource::default()));
    wallet
        .import_credential(
            issue_to(&wallet, &issuer, national_id(1)),
            issuer.trust_list(1, NOW).unwrap(),
        )
        .unwrap();
    let card = wallet.card(NUMBER).unwrap();
    assert_eq!(card.status, CardStatus::Valid);
    assert_eq!(card.document_number, NUMBER.to_string());
    let name_ar = card
        .fields
        .iter()
        .find(|f| f.key == ClaimKey::NameAr)
        .unwrap();
    assert_eq!(name_ar.direction, TextDirection::Rtl);
    let birth = card
        .fields
        .iter()
        .find(|f| f.key == ClaimKey::BirthDate)
        .unwrap();
    assert_eq!(birth.value, "1990-05-17");
    let hijri = hijri_date(CalendarDate {
        year: 1990,
        month: 5,
        day: 17,
    })
    .unwrap();
    assert_eq!(
        birth.value_hijri.as_deref(),
        Some(hijri.display_ar.as_str())
    );
    assert_eq!(hijri.year, 1410);
    assert!(hijri_date(CalendarDate {
        year: 2024,
        month: 2,
        day: 30
    })
    .is_none());
    assert!(matches!(wallet.card(42), Err(WalletError::NoSuchDocument)));
}

#[test]
fn every_error_type_has_a_sentence_for_the_app() {
    assert_eq!(
        describe_key_source_error(KeySourceError::Rejected),
        "the device key store refused: authenticate and try again"
    );
    assert_eq!(
        describe_key_source_error(KeySourceError::Cancelled),
        "unlocking was cancelled; nothing was counted, try again when ready"
    );
    assert_eq!(
        describe_signer_error(SignerError::Unavailable {
            reason: "key invalidated".into()
        }),
        "the device signer is unavailable (key invalidated)"
    );
    assert_eq!(
        describe_clock_error(ClockError::Unavailable {
            reason: "no network time".into()
        }),
        "the clock is unavailable (no network time)"
    );
    assert_eq!(
        describe_wallet_error(WalletError::WrongPassphrase { remaining: 2 }),
        "wrong passphrase; 2 attempts left before the wallet locks"
    );
}

#[test]
fn a_locked_out_wallet_is_reset_and_damaged_documents_are_listed() {
    let dir = temp_dir("reset");
    let issuer = issuer();
    let trust = issuer.trust_list(1, NOW).unwrap();
    let mut options = default_wallet_options();
    options.unlock_policy = UnlockPolicy {
        free_attempts: 2,
        base_delay_secs: 1,
        max_delay_secs: 1,
        max_attempts: 2,
    };
    let wallet = Wallet::create_with_passphrase(
        path(&dir),
        "a long enough phrase".into(),
        options,
        Some(clock()),
    )
    .unwrap();
    wallet
        .import_credential(
            issue_to(&wallet, &issuer, national_id(1)),
            Arc::clone(&trust),
        )
        .unwrap();
    // Someone deletes the document's row with sqlite3: it is listed as damaged.
    rusqlite::Connection::open(path(&dir))
        .unwrap()
        .execute("DELETE FROM documents", [])
        .unwrap();
    assert!(wallet.documents().unwrap().is_empty());
    let damaged = wallet.damaged_documents().unwrap();
    assert_eq!(damaged.len(), 1);
    assert_eq!(damaged[0].number, Some(NUMBER));
    assert_eq!(damaged[0].damage, Damage::Deleted);
    assert!(damaged[0]
        .explanation
        .contains("deleted outside the wallet"));
    assert!(matches!(
        wallet.show(NUMBER),
        Err(WalletError::Tampered { .. })
    ));

    // Locked out, then reset: a fresh, empty, unlocked wallet.
    wallet.lock();
    for _ in 0..2 {
        let _ = wallet.unlock_with_passphrase("not the phrase at all".into());
    }
    assert!(matches!(
        wallet.unlock_with_passphrase("a long enough phrase".into()),
        Err(WalletError::LockedOut { failures: 2 })
    ));
    assert!(matches!(
        wallet.reset_with_passphrase("123456".into()),
        Err(WalletError::WeakPasscode { .. })
    ));
    wallet
        .reset_with_passphrase("a new long enough phrase".into())
        .unwrap();
    assert!(wallet.is_unlocked());
    assert!(wallet.documents().unwrap().is_empty());
    assert!(wallet.damaged_documents().unwrap().is_empty());
    assert!(wallet.device_keys().unwrap().is_empty());
    assert_eq!(wallet.failed_attempts().unwrap().failures, 0);
    wallet
        .import_credential(issue_to(&wallet, &issuer, national_id(1)), trust)
        .unwrap();
    wallet.lock();
    wallet
        .unlock_with_passphrase("a new long enough phrase".into())
        .unwrap();
    assert_eq!(wallet.documents().unwrap().len(), 1);
}

#[test]
fn a_live_showing_is_one_log_entry_and_ends_with_lock_or_end() {
    let dir = temp_dir("showing");
    let issuer = issuer();
    let trust = issuer.trust_list(1, NOW).unwrap();
    let time = clock();
    let wallet = Wallet::create_with_key_source(
        path(&dir),
        Arc::new(PadKeySource::default()),
        default_wallet_options(),
        Some(Arc::clone(&time) as Arc<dyn Clock>),
    )
    .unwrap();
    let credential = issue_to(&wallet, &issuer, national_id(1));
    wallet
        .import_credential(credential, Arc::clone(&trust))
        .unwrap();
    let verifier = Verifier::new(
        trust,
        default_policy(),
        Some(Arc::clone(&time) as Arc<dyn Clock>),
    );

    let showing = Arc::clone(&wallet)
        .begin_showing(NUMBER, Disclosure::Identity, Some("HWC:493817".into()))
        .unwrap();
    assert_eq!(showing.document_number(), NUMBER);
    let first = showing.current();
    assert_eq!(
        (first.created_at, first.challenge.as_deref()),
        (NOW, Some("493817"))
    );
    for step in 1..=3 {
        time.0.store(NOW + 25 * step, Ordering::SeqCst);
        let fresh = showing.refresh().unwrap();
        assert_eq!(fresh.created_at, NOW + 25 * step);
        // Over the verifier's challenge: no refresh outlasts the first
        // code's window (the challenge opened before it).
        assert_eq!(fresh.expires_at, first.expires_at);
        assert_eq!(showing.current(), fresh);
        let verdict = verifier.verify(fresh.qr_text.clone(), None).unwrap();
        assert!(verdict.accepted, "{:?}", verdict.failures);
    }
    assert_eq!(wallet.presentation_log().unwrap().len(), 1);
    // Past the challenge's window the showing is over.
    time.0.store(first.expires_at + 1, Ordering::SeqCst);
    assert!(matches!(showing.refresh(), Err(WalletError::ShowingEnded)));

    // A timed showing's codes each have their own window.
    let timed = Arc::clone(&wallet)
        .begin_showing(NUMBER, Disclosure::Identity, None)
        .unwrap();
    time.0.store(first.expires_at + 31, Ordering::SeqCst);
    let later = timed.refresh().unwrap();
    assert_eq!(
        later.expires_at,
        first.expires_at + 31 + i64::from(default_policy().freshness_secs)
    );
    timed.end();

    // Ending forgets it; ending again does nothing.
    showing.end();
    showing.end();
    assert!(matches!(showing.refresh(), Err(WalletError::ShowingEnded)));

    // Locking ends a showing in progress.
    let second = Arc::clone(&wallet)
        .begin_showing(NUMBER, Disclosure::Full, None)
        .unwrap();
    second.refresh().unwrap();
    wallet.lock();
    assert!(matches!(second.refresh(), Err(WalletError::ShowingEnded)));
    assert!(matches!(
        Arc::clone(&wallet).begin_showing(NUMBER, Disclosure::Full, None),
        Err(WalletError::Locked)
    ));
    assert!(matches!(
        Arc::clone(&wallet).begin_showing(NUMBER, Disclosure::Full, Some("12".into())),
        Err(WalletError::InvalidChallenge)
    ));
}
