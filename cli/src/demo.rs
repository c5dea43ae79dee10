//! `hawiya demo`: the whole flow, offline, in one folder: keys, trust list,
//! status list, a national ID, a resident permit and a dependent's ID issued
//! to the device key of the holder's encrypted wallet (`wallet.db`), each
//! with its print credential for the printed card, and imported into it, a
//! renewal, presentations made by the wallet (answering the verifier's
//! challenge, timed, and printed), rendered as QR images, read back from the
//! images and verified, the ID card drawn as SVG, PNG and a printable PDF,
//! the attacks a verifier must catch, and a backup restored into a second
//! wallet.

use std::fmt::Write as _;
use std::path::Path;

use hawiya_card::CardRenderer;
use hawiya_core::{
    decode_png, Assurance, BindingRequest, Challenge, ChallengeCode, Claims, Clock, Date,
    Disclosure, DocumentType, EccLevel, FixedClock, Issuer, Mode, Policy, Presentation, QrMatrix,
    SecretKey, Sex, SignedStatusList, StatusList, SystemClock, TrustList, UnixTime, Verifier,
    SECONDS_PER_DAY,
};
use hawiya_wallet::{ImportOutcome, WalletOptions};
use rand_core::OsRng;
use serde_json::json;
use zeroize::Zeroizing;

use crate::card_cmd::{self, CardFormat};
use crate::demo_folder::DemoFolder;
use crate::output::{Access, Force};
use crate::report::{self, Sizes};
use crate::{files, wallet_cmd, CliError};

const ISSUER_NAME: &str = "National Identity Authority (demo)";
const STATUS_URI: &str = "https://id.example/status/1";
const PNG_MODULE_PX: u32 = 6;
/// The holder's wallet (the embedded default).
const WALLET_FILE: &str = "wallet.db";
/// The wallet a backup is restored into.
const RESTORED_WALLET_FILE: &str = "restored-wallet.db";
/// The encrypted backup of the wallet.
const BACKUP_FILE: &str = "wallet.backup";
/// The generated passphrase, when HAWIYA_PASSPHRASE is not set.
const PASSPHRASE_FILE: &str = "wallet-passphrase.txt";
/// Every other file the demo writes (each presentation as .txt and .png).
const FILES: [&str; 16] = [
    "root.key",
    "root.pub",
    "issuer.key",
    "issuer.pub",
    "trust-list.cbor",
    "national-id.json",
    "portrait.png",
    "status-list.cbor",
    "card.svg",
    "card.png",
    "card.pdf",
    "card-permit.png",
    BACKUP_FILE,
    "report.txt",
    "report.json",
    PASSPHRASE_FILE,
];
/// The presentations the demo writes, as `NAME.txt` and `NAME.png`.
const PRESENTATIONS: [&str; 7] = [
    "presentation",
    "presentation-minimal",
    "presentation-age",
    "presentation-timed",
    "presentation-static",
    "presentation-permit",
    "presentation-dependent",
];

/// One presentation the demo makes and checks, with the challenge it
/// answers (the verifier showed it just before).
struct Shown {
    file: &'static str,
    title: &'static str,
    presentation: Presentation,
    challenge: Option<Challenge>,
}

fn input(e: impl std::fmt::Display) -> CliError {
    CliError::Input(e.to_string())
}

fn years_after(d: Date, years: i32) -> Result<Date, CliError> {
    let day = if d.month() == 2 && d.day() == 29 {
        28
    } else {
        d.day()
    };
    Date::new(d.year() + years, d.month(), day).map_err(input)
}

/// What the issuer hands the holder for one document: the phone's
/// credential and the print credential of its card, both secret.
struct Issued {
    phone: Zeroizing<Vec<u8>>,
    print: Zeroizing<Vec<u8>>,
}

/// The demo's documents.
struct Samples {
    /// The holder's national ID, version 2 (the renewal).
    national_id: Claims,
    /// Version 1 of the same ID, superseded by the renewal.
    previous_version: Claims,
    /// A resident permit.
    permit: Claims,
    /// The holder's child's national ID, held under the holder's key.
    child: Claims,
}

fn sample_documents(today: Date) -> Result<Samples, CliError> {
    let portrait = placeholder_portrait().map_err(input)?;
    let national_id = Claims {
        document_type: DocumentType::NationalId,
        document_number: 1_087_654_321,
        document_version: 2,
        name_ar: "محمد عبدالله الأحمد".into(),
        name_en: "Mohammed Abdullah Alahmad".into(),
        birth_date: Date::new(1990, 5, 17).map_err(input)?,
        sex: Sex::Male,
        nationality: "SAU".into(),
        place_of_birth: "Riyadh".into(),
        occupation: None,
        employer: None,
        issue_date: today,
        expiry_date: years_after(today, 10)?,
        portrait: Some(portrait),
    };
    let previous_version = Claims {
        document_version: 1,
        issue_date: years_after(today, -5)?,
        expiry_date: years_after(today, 5)?,
        ..national_id.clone()
    };
    let permit = Claims {
        document_type: DocumentType::ResidentPermit,
        document_number: 2_345_678_901,
        document_version: 1,
        name_ar: "أنيتا كومار".into(),
        name_en: "Anita Kumar".into(),
        birth_date: Date::new(1994, 3, 2).map_err(input)?,
        sex: Sex::Female,
        nationality: "IND".into(),
        place_of_birth: "Kochi".into(),
        occupation: Some("Nurse".into()),
        employer: Some("King Fahd Hospital".into()),
        issue_date: today,
        expiry_date: years_after(today, 2)?,
        portrait: None,
    };
    let child = Claims {
        document_type: DocumentType::NationalId,
        document_number: 1_122_334_455,
        document_version: 1,
        name_ar: "ليان محمد الأحمد".into(),
        name_en: "Layan Mohammed Alahmad".into(),
        birth_date: Date::new(2016, 9, 3).map_err(input)?,
        sex: Sex::Female,
        nationality: "SAU".into(),
        place_of_birth: "Jeddah".into(),
        occupation: None,
        employer: None,
        issue_date: today,
        expiry_date: years_after(today, 5)?,
        portrait: None,
    };
    Ok(Samples {
        national_id,
        previous_version,
        permit,
        child,
    })
}

/// Runs the demo, writing into `out`: files an earlier run wrote there are
/// replaced, any other file of the demo's names only with `--force`.
pub fn run(out: &Path, force: Force) -> Result<(), CliError> {
    let from_env = wallet_cmd::passphrase_from_env(wallet_cmd::PASSPHRASE_ENV)?;
    let mut names: Vec<String> = FILES
        .iter()
        .filter(|f| from_env.is_none() || **f != PASSPHRASE_FILE)
        .map(|f| f.to_string())
        .collect();
    for p in PRESENTATIONS {
        names.extend([format!("{p}.txt"), format!("{p}.png")]);
    }
    let mut folder = DemoFolder::open(out, force, &names, &[WALLET_FILE, RESTORED_WALLET_FILE])?;
    let result = run_in(out, &mut folder, from_env);
    // Recorded after a failure too: the files written so far are the demo's.
    let saved = folder.save();
    result.and(saved)
}

fn run_in(
    out: &Path,
    folder: &mut DemoFolder,
    from_env: Option<Zeroizing<String>>,
) -> Result<(), CliError> {
    let now = SystemClock.now();
    let today = Date::from_unix(now).map_err(input)?;
    let mut log = String::new();
    let mut say = |line: String| {
        println!("{line}");
        log.push_str(&line);
        log.push('\n');
    };
    say(format!(
        "hawiya demo — offline ID issue, present, verify — {today}, output in {}",
        out.display()
    ));
    let wallet_path = folder.fresh_wallet(WALLET_FILE)?;
    let restored_path = folder.fresh_wallet(RESTORED_WALLET_FILE)?;
    let (passphrase, passphrase_from) = demo_passphrase(folder, from_env)?;

    // 1. Keys: root (signs trust lists), issuer (signs credentials); the
    // device key is made inside the holder's wallet and never leaves it.
    let root = SecretKey::generate(&mut OsRng);
    let issuer_key = SecretKey::generate(&mut OsRng);
    let profile = files::IssuerProfile {
        kid: "01".into(),
        name: ISSUER_NAME.into(),
        status_uri: STATUS_URI.into(),
    };
    folder.write_key_pair("root.key", "root", &root, None)?;
    folder.write_key_pair("issuer.key", "issuer", &issuer_key, Some(profile))?;
    let issuer = Issuer::new(issuer_key, b"\x01", ISSUER_NAME, STATUS_URI).map_err(input)?;
    let wallet = wallet_cmd::create_wallet(&wallet_path, &passphrase)?;
    folder.record(WALLET_FILE, true);
    let device = wallet.create_device_key().map_err(input)?;
    say(format!(
        "\n1. keys: root {}, issuer {} (kid 01) — secret files written 0600\n   \
         holder wallet {WALLET_FILE} (encrypted, 0600; passphrase {passphrase_from}) \
         with device key {} generated inside it",
        root.public_key().fingerprint(),
        issuer.public_key().fingerprint(),
        device.fingerprint()
    ));

    // 2. Trust list, signed by the root.
    let year = 365 * SECONDS_PER_DAY;
    let trust = TrustList {
        version: 1,
        issued_at: now,
        issuers: vec![issuer.trust_entry(UnixTime(now.0 - year), UnixTime(now.0 + 10 * year))],
    };
    let trust_bytes = trust.sign(&root).map_err(input)?;
    folder.write("trust-list.cbor", &trust_bytes, Access::Public)?;
    say(format!(
        "2. trust-list.cbor: version 1, 1 issuer key, {} bytes, signed by the root",
        trust_bytes.len()
    ));
    let root_pub = root.public_key();
    let trust = TrustList::from_signed(&trust_bytes, &root_pub).map_err(input)?;

    // 3. Issuance into the wallet: issuer nonce → the wallet's binding request
    // (proof of possession of its device key) → credential → wallet import,
    // which verifies it against the trust list and stores it encrypted.
    // Each document is issued twice: the phone's credential, bound to the
    // wallet's device key, and the print credential of its printed card
    // (no device key, a status index of its own).
    let docs = sample_documents(today)?;
    let issue = |claims: &Claims,
                 index: u64,
                 print_index: u64,
                 guardian: Option<u64>|
     -> Result<Issued, CliError> {
        let nonce = Issuer::binding_nonce(&mut OsRng);
        let request = wallet.binding_request(&device, &nonce).map_err(input)?;
        // What the issuer receives is the request's bytes.
        let received = BindingRequest::from_bytes(&request.to_bytes()).map_err(input)?;
        let binding = received.check(&nonce).map_err(input)?;
        let held = match guardian {
            None => issuer.issue(claims, &binding, index, now, &mut OsRng),
            Some(g) => issuer.issue_to_guardian(claims, &binding, g, index, now, &mut OsRng),
        }
        .map_err(input)?;
        let print = issuer
            .issue_print(claims, guardian, print_index, now, &mut OsRng)
            .map_err(input)?;
        Ok(Issued {
            phone: Zeroizing::new(held.to_bytes()),
            print: Zeroizing::new(print.to_bytes()),
        })
    };
    let import = |issued: &Issued| {
        wallet
            .import_with_print(&issued.phone, &issued.print, &trust, now)
            .map_err(input)
    };
    let nid_number = docs.national_id.document_number;
    let guardian = nid_number;
    let old_version = issue(&docs.previous_version, 0, 4, None)?;
    let mut imports = vec![import(&old_version)?];
    imports.push(import(&issue(&docs.permit, 2, 5, None)?)?);
    imports.push(import(&issue(&docs.child, 3, 7, Some(guardian))?)?);
    folder.write(
        "national-id.json",
        &serde_json::to_vec_pretty(&files::claims_json(&docs.national_id))
            .map_err(CliError::json)?,
        Access::Public,
    )?;
    folder.write(
        "portrait.png",
        docs.national_id.portrait.as_deref().unwrap_or_default(),
        Access::Public,
    )?;
    say(format!(
        "3. issued to the wallet's device key, each with the print credential of its printed card, and imported into {WALLET_FILE} (each checked against the trust list):"
    ));
    for outcome in &imports {
        say(format!(
            "   {}, with its print credential",
            wallet_cmd::outcome_text(outcome)
        ));
    }
    say(format!(
        "   (status indices: national ID v1 0 and its card 4, the permit 2 and its card 5, the dependent's ID 3 and its card 7, issued to guardian {guardian})"
    ));

    // The wallet signs only at its own clock's present: here the demo's
    // single instant.
    let phone_clock = FixedClock(now);

    // 4. Renewal: version 2 replaces version 1 in the wallet, print
    // credential included. The holder showed version 1, phone and card,
    // once before (kept for the attack checks in step 7).
    let old = wallet
        .present(nid_number, &Disclosure::Identity, None, &phone_clock)
        .map_err(input)?;
    let old_card = wallet
        .present_static(nid_number, &Disclosure::Identity, now)
        .map_err(input)?;
    let renewed = import(&issue(&docs.national_id, 1, 6, None)?)?;
    let ImportOutcome::Renewed {
        replaced_version: 1,
        ..
    } = renewed
    else {
        return Err(CliError::Input(format!(
            "the renewal was not recorded as one: {renewed:?}"
        )));
    };
    let stored: Vec<u32> = wallet
        .documents()
        .map_err(input)?
        .iter()
        .filter(|d| d.number == nid_number)
        .map(|d| d.version)
        .collect();
    if stored != [2] {
        return Err(CliError::Input(format!(
            "after renewal the wallet holds versions {stored:?} of the national ID"
        )));
    }
    let again = match wallet.import(&old_version.phone, &trust, now) {
        Ok(outcome) => {
            return Err(CliError::Input(format!(
                "the wallet took back the old version: {outcome:?}"
            )))
        }
        Err(e) => e.to_string(),
    };
    drop(old_version);
    say(format!(
        "4. renewal through the wallet: {}\n   \
         the wallet now holds only version 2 of {nid_number} (versions stored: {stored:?}); \
         importing version 1 again: refused — {again}",
        wallet_cmd::outcome_text(&renewed)
    ));

    // 5. Status list: v1 and its card superseded on renewal.
    let mut bits = StatusList::new(1 << 20);
    bits.set_invalid(0).map_err(input)?;
    bits.set_invalid(4).map_err(input)?;
    let status = SignedStatusList {
        uri: STATUS_URI.into(),
        issued_at: now,
        ttl: SECONDS_PER_DAY as u64,
        list: bits,
    };
    let status_bytes = issuer.sign_status_list(&status);
    folder.write("status-list.cbor", &status_bytes, Access::Public)?;
    say(format!(
        "5. status-list.cbor: {} entries, indices 0 and 4 set (version 1 and its card, superseded), {} bytes compressed, time to live 1 day",
        status.list.capacity(),
        status_bytes.len()
    ));

    // 6. Presentations, every one made by the wallet from its store. The
    // normal path: the verifier shows a challenge (here typed as six
    // digits), the phone signs over it.
    let challenged = |number: u64, d: Disclosure| -> Result<(Presentation, Challenge), CliError> {
        let shown = Challenge::generate(&mut OsRng, now);
        let typed = ChallengeCode::parse(&shown.code().grouped()).map_err(input)?;
        let p = wallet
            .present(number, &d, Some(typed), &phone_clock)
            .map_err(input)?;
        Ok((p, shown))
    };
    let shown_with = |file, title, (presentation, challenge): (Presentation, Challenge)| Shown {
        file,
        title,
        presentation,
        challenge: Some(challenge),
    };
    let permit_number = docs.permit.document_number;
    let child_number = docs.child.document_number;
    let shown = vec![
        shown_with(
            "presentation",
            "national ID, full, answering the verifier's challenge",
            challenged(nid_number, Disclosure::Full)?,
        ),
        shown_with(
            "presentation-minimal",
            "national ID, name + number + expiry, answering the verifier's challenge",
            challenged(nid_number, Disclosure::Identity)?,
        ),
        shown_with(
            "presentation-age",
            "national ID, 18 or over only, answering the verifier's challenge",
            challenged(nid_number, Disclosure::AgeOver18)?,
        ),
        Shown {
            file: "presentation-timed",
            title: "national ID, full, signed by the phone without a challenge",
            presentation: wallet
                .present(nid_number, &Disclosure::Full, None, &phone_clock)
                .map_err(input)?,
            challenge: None,
        },
        Shown {
            file: "presentation-static",
            title: "national ID, full, printed (the print credential's static code)",
            presentation: wallet
                .present_static(nid_number, &Disclosure::Full, now)
                .map_err(input)?,
            challenge: None,
        },
        shown_with(
            "presentation-permit",
            "resident permit, full, answering the verifier's challenge",
            challenged(permit_number, Disclosure::Full)?,
        ),
        shown_with(
            "presentation-dependent",
            "dependent's national ID, name + number + expiry, signed by the guardian's phone over the verifier's challenge",
            challenged(child_number, Disclosure::Identity)?,
        ),
    ];

    // 7. Verification, from the PNG images, as a scanner would.
    let mut verifier = Verifier::new(trust.clone(), Policy::default());
    verifier.add_status_list(SignedStatusList::from_signed(&status_bytes, &trust).map_err(input)?);
    say(format!(
        "\n6. presentations made by the wallet from {WALLET_FILE}, written as QR (PNG, ECC M) and read back from the image by the verifier:"
    ));
    let mut table = Vec::new();
    for s in &shown {
        let text = s.presentation.qr_text();
        let qr = QrMatrix::encode(&text, EccLevel::M).map_err(input)?;
        let png = qr.to_png(PNG_MODULE_PX).map_err(input)?;
        folder.write(
            &format!("{}.txt", s.file),
            format!("{text}\n").as_bytes(),
            Access::Public,
        )?;
        folder.write(&format!("{}.png", s.file), &png, Access::Public)?;
        let scanned = decode_png(&png).map_err(input)?;
        if scanned != text {
            return Err(CliError::Input(format!(
                "{}: QR image did not read back",
                s.file
            )));
        }
        let verdict = verifier.verify(&scanned, now, s.challenge.as_ref());
        let sizes = Sizes::of(&s.presentation).map_err(input)?;
        say(format!("\n── {} ({}.png)", s.title, s.file));
        if let Some(challenge) = &s.challenge {
            say(format!(
                "   the verifier showed challenge {} (QR {}); the holder typed it into the wallet",
                challenge.code().grouped(),
                challenge.code().qr_text()
            ));
        }
        say(format!(
            "   disclosed: {}",
            report::claim_list(s.presentation.disclosed())
        ));
        say(format!(
            "   {} bytes → {} QR chars → QR version {} (floor {} bytes, ratio {:.2})",
            sizes.bytes,
            sizes.chars,
            sizes.qr_version,
            sizes.floor,
            sizes.ratio()
        ));
        for line in report::verdict_text(&verdict).lines() {
            say(format!("   {line}"));
        }
        if !verdict.is_accepted() {
            return Err(CliError::Input(format!(
                "demo presentation {} was rejected",
                s.file
            )));
        }
        let expected = match (s.presentation.mode(), &s.challenge) {
            (Mode::Static, _) => Assurance::Printed,
            (Mode::DeviceBound, None) => Assurance::Timed,
            (Mode::DeviceBound, Some(_)) => Assurance::Challenged,
        };
        if verdict.assurance != Some(expected) {
            return Err(CliError::Input(format!(
                "demo presentation {} verified as {:?}, not {}",
                s.file,
                verdict.assurance,
                expected.code()
            )));
        }
        table.push(json!({
            "file": s.file, "title": s.title, "bytes": sizes.bytes, "qr_chars": sizes.chars,
            "challenge": s.challenge.as_ref().map(crate::challenge_cmd::challenge_json),
            "qr_version": sizes.qr_version, "floor_bytes": sizes.floor, "ratio": sizes.ratio(),
            "disclosed": s.presentation.disclosed().iter().map(|k| k.name()).collect::<Vec<_>>(),
            "verdict": report::verdict_json(&verdict),
        }));
    }

    // 7b. The ID card as the holder sees and prints it; its QR is a static
    // presentation made by the wallet, read back from the PNG and verified.
    let renderer = CardRenderer::new().map_err(input)?;
    say("\n6b. the ID card (bilingual, Gregorian and Umm al-Qura Hijri dates), QR = a fresh static code of the print credential:".into());
    let mut cards = Vec::new();
    for (file, number, format) in [
        ("card.svg", nid_number, CardFormat::Svg),
        ("card.png", nid_number, CardFormat::Png),
        ("card.pdf", nid_number, CardFormat::Pdf),
        ("card-permit.png", permit_number, CardFormat::Png),
    ] {
        let started = std::time::Instant::now();
        let bytes = card_cmd::render(&wallet, &renderer, number, format, now)?;
        let millis = started.elapsed().as_secs_f64() * 1000.0;
        folder.write(file, &bytes, Access::Public)?;
        let mut line = format!("   {file}: {} bytes, drawn in {millis:.0} ms", bytes.len());
        if format == CardFormat::Png {
            let scanned = decode_png(&bytes).map_err(input)?;
            let verdict = verifier.verify(&scanned, now, None);
            if verdict.assurance != Some(Assurance::Printed) {
                return Err(CliError::Input(format!(
                    "the QR on {file} did not verify as printed: {:?}",
                    verdict.failures
                )));
            }
            let _ = write!(line, "; its QR read from the image: {}", summary(&verdict));
        }
        say(line);
        cards.push(json!({"file": file, "document_number": number.to_string(), "bytes": bytes.len(), "millis": millis}));
    }

    // 8. What must fail.
    say("\n7. attacks the verifier must catch:".into());
    let full = &shown[0];
    let full_challenge = full.challenge.as_ref();
    let mut forged = full.presentation.bytes().to_vec();
    let name = "Mohammed".as_bytes();
    if let Some(at) = forged.windows(name.len()).position(|w| w == name) {
        forged[at] = b'A'; // "Ahammed": one changed byte in the disclosed name
    }
    let forged_text = qr_text_of(&forged);
    let mut attacks = Vec::new();
    let status = SignedStatusList::from_signed(&status_bytes, &trust).map_err(input)?;
    let mut fresh = Verifier::new(trust.clone(), Policy::default());
    fresh.add_status_list(status.clone());
    // The holder's honest scan comes first, so the replay below has
    // something to replay; every attack must then fail on its first scan.
    let honest = fresh.verify(&full.presentation.qr_text(), now, full_challenge);
    say(format!(
        "   (the holder shows the full code to this clerk, answering the clerk's challenge: {})",
        summary(&honest)
    ));
    if !honest.is_accepted() {
        return Err(CliError::Input("the honest scan was rejected".into()));
    }
    let another_challenge = Challenge::generate(&mut OsRng, now);
    let timed = &shown[3].presentation;
    let printed = &shown[4].presentation;
    // The replay comes before the later-time case: verifying at a later time
    // rightly forgets codes that have gone stale.
    let cases: [(&str, String, UnixTime, Option<&Challenge>); 7] = [
        (
            "one byte of the name changed",
            forged_text,
            now,
            full_challenge,
        ),
        (
            "the full code scanned a second time (replay)",
            full.presentation.qr_text(),
            now,
            full_challenge,
        ),
        (
            "the full code shown again 10 minutes later (screenshot)",
            full.presentation.qr_text(),
            UnixTime(now.0 + 600),
            full_challenge,
        ),
        (
            "the full code with its phone signature cut off, to pass as a printed card",
            stripped(&full.presentation)?,
            now,
            None,
        ),
        (
            "a code the phone made for another challenge (another verifier's, or a typo)",
            shown[1].presentation.qr_text(),
            now,
            Some(&another_challenge),
        ),
        (
            "the superseded version 1 of the ID (shown before the renewal)",
            old.qr_text(),
            now,
            None,
        ),
        (
            "the superseded version 1's printed card",
            old_card.qr_text(),
            now,
            None,
        ),
    ];
    let mut check = |what: &str, verdict: &hawiya_core::Verdict, log: &mut dyn FnMut(String)| {
        attacks.push(json!({"attack": what, "verdict": report::verdict_json(verdict)}));
        log(format!("   {what}: {}", summary(verdict)));
        if verdict.is_accepted() {
            return Err(CliError::Input(format!("attack not caught: {what}")));
        }
        Ok(())
    };
    for (what, text, at, challenge) in cases {
        let verdict = fresh.verify(&text, at, challenge);
        check(what, &verdict, &mut say)?;
    }
    // Where the verifier asks for more than a code can give.
    let shown_now = Challenge::generate(&mut OsRng, now);
    let verdict = fresh.verify(&timed.qr_text(), now, Some(&shown_now));
    check(
        "a code signed without this verifier's challenge (it could have been made in advance), where the clerk showed one",
        &verdict,
        &mut say,
    )?;
    let mut phones_only = Verifier::new(
        trust.clone(),
        Policy {
            min_assurance: Assurance::Timed,
            ..Policy::default()
        },
    );
    phones_only.add_status_list(status.clone());
    let verdict = phones_only.verify(&printed.qr_text(), now, None);
    check(
        "the printed card where only phones are accepted (--min-assurance timed)",
        &verdict,
        &mut say,
    )?;
    // Every phone code of step 6, with its device part cut off, is refused.
    let mut cut = 0;
    for s in shown
        .iter()
        .filter(|s| s.presentation.mode() == Mode::DeviceBound)
    {
        let verdict = fresh.verify(&stripped(&s.presentation)?, now, None);
        if verdict.failures != [hawiya_core::Failure::DeviceSignatureRequired] {
            return Err(CliError::Input(format!(
                "{} without its device part was not refused as device_signature_required: {:?}",
                s.file, verdict.failures
            )));
        }
        cut += 1;
    }
    say(format!(
        "   every one of the {cut} phone codes above with its phone signature cut off: REJECTED [device_signature_required]"
    ));

    // 9. The wallet: what it holds, its log, a backup and a restore.
    let people = wallet.people().map_err(input)?;
    let documents = wallet.documents().map_err(input)?;
    let log_entries = wallet.presentation_log().map_err(input)?.len();
    say(format!(
        "\n8. the wallet {WALLET_FILE}: {} document(s), {log_entries} presentations in its encrypted log; \
         no holder secret is written anywhere else in {}",
        documents.len(),
        out.display()
    ));
    for line in wallet_cmd::people_text(&people).lines() {
        say(format!("   {line}"));
    }
    let backup_passphrase =
        match wallet_cmd::passphrase_from_env(wallet_cmd::BACKUP_PASSPHRASE_ENV)? {
            Some(p) => p,
            None => passphrase.clone(),
        };
    let backup_from = if std::env::var_os(wallet_cmd::BACKUP_PASSPHRASE_ENV).is_some() {
        wallet_cmd::BACKUP_PASSPHRASE_ENV
    } else {
        "the wallet passphrase"
    };
    let backup = wallet
        .export_backup(&backup_passphrase, &WalletOptions::default(), now)
        .map_err(input)?;
    folder.write(BACKUP_FILE, &backup, Access::Secret)?;
    drop(wallet);
    // Built aside and moved into place when complete, as `wallet restore`
    // does, each credential checked against the trust list.
    let staged = folder.outputs().stage(&restored_path)?;
    let (restored, restore_report) = wallet_cmd::restore_staged(
        &staged,
        &backup,
        &backup_passphrase,
        &passphrase,
        &trust,
        now,
    )?;
    if !restore_report.skipped.is_empty() {
        return Err(CliError::Input(format!(
            "the restore left out documents of the demo's own backup: {:?}",
            restore_report.skipped
        )));
    }
    let restored_docs = restored.documents().map_err(input)?;
    let refused = match restored.present(nid_number, &Disclosure::Identity, None, &phone_clock) {
        Ok(_) => {
            return Err(CliError::Input(
                "a restored wallet made a device-bound code without its device key".into(),
            ))
        }
        Err(e) => e.to_string(),
    };
    // The printed card's code needs no device key: its print credential
    // travelled in the backup.
    let restored_card = restored
        .present_static(nid_number, &Disclosure::Full, now)
        .map_err(input)?;
    let restored_card = verifier.verify(&restored_card.qr_text(), now, None);
    if restored_card.assurance != Some(Assurance::Printed) {
        return Err(CliError::Input(format!(
            "the restored wallet's printed code did not verify as printed: {:?}",
            restored_card.failures
        )));
    }
    drop(restored);
    folder.outputs().commit_staged(staged, &restored_path)?;
    folder.record(RESTORED_WALLET_FILE, true);
    say(format!(
        "9. backup: {BACKUP_FILE} ({} bytes, sealed with {backup_from}; device keys are never in a backup)\n   \
         restored into {RESTORED_WALLET_FILE}, each credential checked against the trust list: \
         {} document(s), {} log entries, {} need re-binding:",
        backup.len(),
        restore_report.documents,
        restore_report.log_entries,
        restore_report.needs_rebinding
    ));
    for d in &restored_docs {
        say(format!("   {}", wallet_cmd::document_line(d)));
    }
    say(format!(
        "   a device-bound code from the restored wallet: refused — {refused}\n   \
         its printed code (the print credential travelled in the backup): {}",
        summary(&restored_card)
    ));
    if restored_docs.iter().any(|d| !d.needs_rebinding) {
        return Err(CliError::Input(
            "a restored document did not need re-binding".into(),
        ));
    }

    say(format!(
        "\nfiles in {}: trust-list.cbor, status-list.cbor, root.pub, presentation*.txt/.png, \
         card.svg/.png/.pdf and card-permit.png (the ID cards), {WALLET_FILE} (the holder's encrypted wallet, 0600){}, {BACKUP_FILE} (encrypted backup, 0600), \
         {RESTORED_WALLET_FILE} (0600), root.key/issuer.key (0600), national-id.json, portrait.png, report.txt, report.json",
        out.display(),
        if passphrase_from == PASSPHRASE_FILE_NOTE {
            format!(", {PASSPHRASE_FILE} (its passphrase, 0600)")
        } else {
            String::new()
        }
    ));
    say(format!(
        "try: hawiya verify --trust-list {0}/trust-list.cbor --status-list {0}/status-list.cbor --image {0}/presentation-static.png",
        out.display()
    ));
    say("     (device-bound codes are fresh for 2 minutes; after that verify rejects them as stale, as a scanner should)".into());
    say(if passphrase_from == PASSPHRASE_FILE_NOTE {
        format!(
            "     HAWIYA_PASSPHRASE=\"$(cat {0}/{PASSPHRASE_FILE})\" hawiya wallet list --wallet {0}/{WALLET_FILE}",
            out.display()
        )
    } else {
        format!(
            "     hawiya wallet list --wallet {}/{WALLET_FILE}   (with HAWIYA_PASSPHRASE set as for this run)",
            out.display()
        )
    });

    folder.write("report.txt", log.as_bytes(), Access::Public)?;
    let report = json!({
        "date": today.to_string(),
        "presentations": table,
        "attacks": attacks,
        "cards": cards,
        "wallet": {
            "file": WALLET_FILE,
            "passphrase": passphrase_from,
            "device_key": device.fingerprint(),
            "imports": imports.iter().map(wallet_cmd::outcome_text).collect::<Vec<_>>(),
            "renewal": {
                "document_number": nid_number.to_string(),
                "outcome": wallet_cmd::outcome_text(&renewed),
                "versions_stored": stored,
                "old_version_reimport": again,
            },
            "documents": documents.iter().map(wallet_cmd::document_line).collect::<Vec<_>>(),
            "log_entries": log_entries,
            "backup": {"file": BACKUP_FILE, "bytes": backup.len(), "passphrase": backup_from},
            "restore": {
                "file": RESTORED_WALLET_FILE,
                "documents": restore_report.documents,
                "log_entries": restore_report.log_entries,
                "needs_rebinding": restore_report.needs_rebinding,
                "device_bound_presentation": refused,
                "printed_code": report::verdict_json(&restored_card),
            },
        },
    });
    folder.write(
        "report.json",
        &serde_json::to_vec_pretty(&report).map_err(CliError::json)?,
        Access::Public,
    )?;
    Ok(())
}

/// Where the demo's wallet passphrase came from, as the report says it.
const PASSPHRASE_FILE_NOTE: &str = "in wallet-passphrase.txt (0600)";

/// The wallet passphrase: `HAWIYA_PASSPHRASE` if set (an earlier run's
/// `wallet-passphrase.txt`, for the wallet being replaced, then goes), else a
/// random one written to `wallet-passphrase.txt` (0600). Returns it and where
/// it is, never to be printed itself.
fn demo_passphrase(
    folder: &mut DemoFolder,
    from_env: Option<Zeroizing<String>>,
) -> Result<(Zeroizing<String>, &'static str), CliError> {
    if let Some(p) = from_env {
        folder.remove_own(PASSPHRASE_FILE);
        return Ok((p, "from HAWIYA_PASSPHRASE"));
    }
    let mut bytes = Zeroizing::new([0u8; 16]);
    rand_core::RngCore::fill_bytes(&mut OsRng, bytes.as_mut());
    let hex = Zeroizing::new(hex::encode(bytes.as_ref()));
    // Five groups of four hex digits are easy to type: 80 bits.
    let passphrase = Zeroizing::new(
        hex.as_bytes()[..20]
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-"),
    );
    let mut line = Zeroizing::new(passphrase.to_string());
    line.push('\n');
    folder.write(PASSPHRASE_FILE, line.as_bytes(), Access::Secret)?;
    Ok((passphrase, PASSPHRASE_FILE_NOTE))
}

/// The QR text of presentation bytes.
fn qr_text_of(bytes: &[u8]) -> String {
    format!(
        "{}{}",
        hawiya_core::QR_PREFIX,
        hawiya_core::internal::base45_encode(bytes)
    )
}

/// A phone code's QR text with its device part removed, as an attacker
/// would cut it.
fn stripped(p: &Presentation) -> Result<String, CliError> {
    let value = hawiya_core::internal::cbor_decode(p.bytes()).map_err(input)?;
    let mut fields = value.as_array().unwrap_or_default().to_vec();
    match fields.pop() {
        Some(hawiya_core::internal::CborValue::Array(_)) => {}
        _ => return Err(CliError::Input("not a phone code".into())),
    }
    Ok(qr_text_of(
        &hawiya_core::internal::CborValue::Array(fields).to_bytes(),
    ))
}

fn summary(v: &hawiya_core::Verdict) -> String {
    let mut s = match v.assurance {
        Some(level) if v.is_accepted() => format!("ACCEPTED ({})", level.code()),
        _ if v.is_accepted() => "ACCEPTED".to_owned(),
        _ => "REJECTED".to_owned(),
    };
    for f in &v.failures {
        let _ = write!(s, " — {} [{}]", f.explain(), f.code());
    }
    s
}

/// A neutral head-and-shoulders silhouette, 96×128 grey PNG, as the demo portrait.
fn placeholder_portrait() -> Result<Vec<u8>, png::EncodingError> {
    const W: u32 = 96;
    const H: u32 = 128;
    let mut pixels = Vec::with_capacity((W * H) as usize);
    for y in 0..H {
        for x in 0..W {
            let (fx, fy) = (x as f32, y as f32);
            let head = (fx - 48.0).powi(2) / 22.0f32.powi(2)
                + (fy - 48.0).powi(2) / 27.0f32.powi(2)
                <= 1.0;
            let shoulders = fy >= 88.0
                && (fx - 48.0).powi(2) / 44.0f32.powi(2) + (fy - 128.0).powi(2) / 40.0f32.powi(2)
                    <= 1.0;
            pixels.push(if head || shoulders { 0x9a } else { 0xe6 });
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, W, H);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&pixels)?;
    }
    Ok(out)
}
