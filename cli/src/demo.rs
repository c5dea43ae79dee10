//! `hawiya demo`: the whole flow, offline, in one folder: keys, trust list,
//! status list, a national ID and a resident permit issued to one device,
//! presentations rendered as QR images, read back from the images and
//! verified, and the attacks a verifier must catch.

use std::fmt::Write as _;
use std::path::Path;

use hawiya_core::{
    decode_png, BindingRequest, Claims, Clock, Date, Disclosure, DocumentType, EccLevel,
    HeldCredential, Issuer, Policy, Presentation, QrMatrix, SecretKey, Sex, SignedStatusList,
    StatusList, SystemClock, TrustList, UnixTime, Verifier, SECONDS_PER_DAY,
};
use rand_core::OsRng;
use serde_json::json;

use crate::report::{self, Sizes};
use crate::{files, CliError};

const ISSUER_NAME: &str = "National Identity Authority (demo)";
const STATUS_URI: &str = "https://id.example/status/1";
const PNG_MODULE_PX: u32 = 6;

/// One presentation the demo makes and checks.
struct Shown {
    file: &'static str,
    title: &'static str,
    presentation: Presentation,
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

fn sample_documents(today: Date) -> Result<(Claims, Claims, Claims), CliError> {
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
    Ok((national_id, previous_version, permit))
}

/// Runs the demo, writing into `out`.
pub fn run(out: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(out).map_err(|e| CliError::io(out, e))?;
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

    // 1. Keys: root (signs trust lists), issuer (signs credentials), device (holder's phone).
    let root = SecretKey::generate(&mut OsRng);
    let issuer_key = SecretKey::generate(&mut OsRng);
    let device = SecretKey::generate(&mut OsRng);
    let profile = files::IssuerProfile {
        kid: "01".into(),
        name: ISSUER_NAME.into(),
        status_uri: STATUS_URI.into(),
    };
    files::write_key_pair(&out.join("root.key"), "root", &root, None)?;
    files::write_key_pair(
        &out.join("issuer.key"),
        "issuer",
        &issuer_key,
        Some(profile),
    )?;
    files::write_key_pair(&out.join("device.key"), "device", &device, None)?;
    let issuer = Issuer::new(issuer_key, b"\x01", ISSUER_NAME, STATUS_URI).map_err(input)?;
    say(format!(
        "\n1. keys: root {}, issuer {} (kid 01), device {} — secret files written 0600",
        root.public_key().fingerprint(),
        issuer.public_key().fingerprint(),
        device.public_key().fingerprint()
    ));

    // 2. Trust list, signed by the root.
    let year = 365 * SECONDS_PER_DAY;
    let trust = TrustList {
        version: 1,
        issued_at: now,
        issuers: vec![issuer.trust_entry(UnixTime(now.0 - year), UnixTime(now.0 + 10 * year))],
    };
    let trust_bytes = trust.sign(&root).map_err(input)?;
    files::write_public(&out.join("trust-list.cbor"), &trust_bytes)?;
    say(format!(
        "2. trust-list.cbor: version 1, 1 issuer key, {} bytes, signed by the root",
        trust_bytes.len()
    ));

    // 3. Issuance: nonce → binding request (proof of possession) → credentials.
    let (national_id, old_version, permit) = sample_documents(today)?;
    let issue = |claims: &Claims, index: u64, at: UnixTime| -> Result<HeldCredential, CliError> {
        let nonce = Issuer::binding_nonce(&mut OsRng);
        let request = BindingRequest::new(&device, &nonce).map_err(input)?;
        issuer
            .issue(
                claims,
                &request.check(&nonce).map_err(input)?,
                index,
                at,
                &mut OsRng,
            )
            .map_err(input)
    };
    let superseded = issue(&old_version, 0, now)?;
    let nid = issue(&national_id, 1, now)?;
    let iqama = issue(&permit, 2, now)?;
    files::write_secret(&out.join("national-id.hwy"), &nid.to_bytes())?;
    files::write_secret(&out.join("resident-permit.hwy"), &iqama.to_bytes())?;
    files::write_public(
        &out.join("national-id.json"),
        &serde_json::to_vec_pretty(&files::claims_json(&national_id)).map_err(CliError::json)?,
    )?;
    files::write_public(
        &out.join("portrait.png"),
        national_id.portrait.as_deref().unwrap_or_default(),
    )?;
    say(format!(
        "3. issued to the device: national ID v2 (status index 1, {} bytes signed), resident permit (index 2); \
         national ID v1 (index 0) is superseded by v2",
        nid.credential().to_bytes().len()
    ));

    // 4. Status list: v1 superseded on renewal.
    let mut bits = StatusList::new(1 << 20);
    bits.set_invalid(0).map_err(input)?;
    let status = SignedStatusList {
        uri: STATUS_URI.into(),
        issued_at: now,
        ttl: SECONDS_PER_DAY as u64,
        list: bits,
    };
    let status_bytes = issuer.sign_status_list(&status);
    files::write_public(&out.join("status-list.cbor"), &status_bytes)?;
    say(format!(
        "4. status-list.cbor: {} entries, index 0 set (superseded), {} bytes compressed, time to live 1 day",
        status.list.capacity(),
        status_bytes.len()
    ));

    // 5. Presentations.
    let device_bound = |held: &HeldCredential, d: Disclosure| {
        Presentation::device_bound(held, &d, &device, now, None).map_err(input)
    };
    let shown = vec![
        Shown {
            file: "presentation",
            title: "national ID, full, device-bound",
            presentation: device_bound(&nid, Disclosure::Full)?,
        },
        Shown {
            file: "presentation-minimal",
            title: "national ID, name + number + expiry, device-bound",
            presentation: device_bound(&nid, Disclosure::Identity)?,
        },
        Shown {
            file: "presentation-age",
            title: "national ID, 18 or over only, device-bound",
            presentation: device_bound(&nid, Disclosure::AgeOver18)?,
        },
        Shown {
            file: "presentation-static",
            title: "national ID, full, static (for print)",
            presentation: Presentation::static_form(&nid, &Disclosure::Full).map_err(input)?,
        },
        Shown {
            file: "presentation-permit",
            title: "resident permit, full, device-bound",
            presentation: device_bound(&iqama, Disclosure::Full)?,
        },
    ];

    // 6. Verification, from the PNG images, as a scanner would.
    let root_pub = root.public_key();
    let trust = TrustList::from_signed(&trust_bytes, &root_pub).map_err(input)?;
    let mut verifier = Verifier::new(trust.clone(), Policy::default());
    verifier.add_status_list(SignedStatusList::from_signed(&status_bytes, &trust).map_err(input)?);
    say("\n5. presentations, written as QR (PNG, ECC M) and read back from the image by the verifier:".into());
    let mut table = Vec::new();
    for s in &shown {
        let text = s.presentation.qr_text();
        let qr = QrMatrix::encode(&text, EccLevel::M).map_err(input)?;
        let png = qr.to_png(PNG_MODULE_PX).map_err(input)?;
        files::write_public(
            &out.join(format!("{}.txt", s.file)),
            format!("{text}\n").as_bytes(),
        )?;
        files::write_public(&out.join(format!("{}.png", s.file)), &png)?;
        let scanned = decode_png(&png).map_err(input)?;
        if scanned != text {
            return Err(CliError::Input(format!(
                "{}: QR image did not read back",
                s.file
            )));
        }
        let verdict = verifier.verify(&scanned, now, None);
        let sizes = Sizes::of(&s.presentation).map_err(input)?;
        say(format!("\n── {} ({}.png)", s.title, s.file));
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
        table.push(json!({
            "file": s.file, "title": s.title, "bytes": sizes.bytes, "qr_chars": sizes.chars,
            "qr_version": sizes.qr_version, "floor_bytes": sizes.floor, "ratio": sizes.ratio(),
            "disclosed": s.presentation.disclosed().iter().map(|k| k.name()).collect::<Vec<_>>(),
            "verdict": report::verdict_json(&verdict),
        }));
    }

    // 7. What must fail.
    say("\n6. attacks the verifier must catch:".into());
    let full = &shown[0].presentation;
    let mut forged = full.bytes().to_vec();
    let name = "Mohammed".as_bytes();
    if let Some(at) = forged.windows(name.len()).position(|w| w == name) {
        forged[at] = b'A'; // "Ahammed": one changed byte in the disclosed name
    }
    let forged_text = format!("HW1:{}", hawiya_core::internal::base45_encode(&forged));
    let mut attacks = Vec::new();
    let mut fresh = Verifier::new(trust.clone(), Policy::default());
    fresh.add_status_list(SignedStatusList::from_signed(&status_bytes, &trust).map_err(input)?);
    let old = Presentation::device_bound(&superseded, &Disclosure::Identity, &device, now, None)
        .map_err(input)?;
    // The holder's honest scan comes first, so the replay below has
    // something to replay; every attack must then fail on its first scan.
    let honest = fresh.verify(&full.qr_text(), now, None);
    say(format!(
        "   (the holder shows the full code to this clerk: {})",
        summary(&honest)
    ));
    if !honest.is_accepted() {
        return Err(CliError::Input("the honest scan was rejected".into()));
    }
    // The replay comes before the later-time case: verifying at a later time
    // rightly forgets codes that have gone stale.
    let cases: [(&str, String, UnixTime); 4] = [
        ("one byte of the name changed", forged_text, now),
        (
            "the full presentation scanned a second time (replay)",
            full.qr_text(),
            now,
        ),
        (
            "the full presentation shown again 10 minutes later (screenshot)",
            full.qr_text(),
            UnixTime(now.0 + 600),
        ),
        ("the superseded version 1 of the ID", old.qr_text(), now),
    ];
    for (what, text, at) in cases {
        let verdict = fresh.verify(&text, at, None);
        attacks.push(json!({"attack": what, "verdict": report::verdict_json(&verdict)}));
        say(format!("   {what}: {}", summary(&verdict)));
        if verdict.is_accepted() {
            return Err(CliError::Input(format!("attack not caught: {what}")));
        }
    }

    say(format!(
        "\nfiles in {}: trust-list.cbor, status-list.cbor, root.pub, presentation*.txt/.png, \
         national-id.hwy, resident-permit.hwy (holder copies, 0600), *.key (0600), report.txt, report.json",
        out.display()
    ));
    say(format!(
        "try: hawiya verify --trust-list {0}/trust-list.cbor --status-list {0}/status-list.cbor --image {0}/presentation-static.png",
        out.display()
    ));
    say("     (device-bound codes are fresh for 2 minutes; after that verify rejects them as stale, as a scanner should)".into());

    files::write_public(&out.join("report.txt"), log.as_bytes())?;
    let report = json!({"date": today.to_string(), "presentations": table, "attacks": attacks});
    files::write_public(
        &out.join("report.json"),
        &serde_json::to_vec_pretty(&report).map_err(CliError::json)?,
    )?;
    Ok(())
}

fn summary(v: &hawiya_core::Verdict) -> String {
    let mut s = String::from(if v.is_accepted() {
        "ACCEPTED"
    } else {
        "REJECTED"
    });
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
