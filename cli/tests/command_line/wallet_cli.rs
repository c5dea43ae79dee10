//! `hawiya wallet` as scripts use it (passphrase from HAWIYA_PASSPHRASE, no
//! terminal), and the check that `hawiya demo` leaves nothing in clear in its
//! wallet files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use hawiya_core::{ClaimValue, Clock, SystemClock};
use hawiya_wallet::{Protection, Wallet, WalletOptions};

use crate::common;
use common::{
    assert_refused, claims, code, mode, print_of, run, run_with_limit, s, scratch, stderr, stdout,
};

const PASSPHRASE: &str = "olive tree by the wadi 7";
const BACKUP_PASSPHRASE: &str = "sealed copy for the new phone";

/// Runs hawiya with the wallet passphrase set.
fn with_pass(args: &[&str]) -> Output {
    run(args, &[("HAWIYA_PASSPHRASE", PASSPHRASE)])
}

/// `hawiya wallet <command> --wallet <w> <extra…>`, with the wallet
/// passphrase set.
fn wallet(command: &str, w: &Path, extra: &[&str]) -> Output {
    with_pass(&[&["wallet", command, "--wallet", s(w)], extra].concat())
}

fn ok(out: Output) -> String {
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    stdout(&out)
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

/// The wallet binds to a fresh issuer nonce and the issuer issues `claims` to
/// it, with the print credential (status index 100 + `index`) beside it.
fn issue_to_wallet(d: &Path, wallet: &Path, claims: &Path, index: &str, out: &str) -> PathBuf {
    let env = [("HAWIYA_PASSPHRASE", PASSPHRASE)];
    common::issue_to_wallet(d, wallet, &env, claims, index, out)
}

#[test]
fn the_whole_wallet_flow_from_the_command_line() {
    let d = scratch("flow");
    let p = |f: &str| d.join(f);
    common::issuer(&d);
    let w = p("w.db");
    let tl = p("trust-list.cbor");

    // init: a wallet with a device key, readable by the owner only.
    let out = ok(wallet("init", &w, &[]));
    assert!(out.contains("device key"), "{out}");
    assert!(!out.contains(PASSPHRASE));
    #[cfg(unix)]
    assert_eq!(mode(&w), 0o600);
    // A second init on the same file is refused.
    assert_eq!(code(&wallet("init", &w, &[])), 2);

    // bind → issuer issue → import.
    let v1 = issue_to_wallet(
        &d,
        &w,
        &claims(&d, "v1.json", "national_id", "1123456789", 1),
        "7",
        "id-v1.hwy",
    );
    let import = |cred: &Path, cmd: &str| {
        with_pass(&[
            "wallet",
            cmd,
            "--wallet",
            s(&w),
            "--credential",
            s(cred),
            "--trust-list",
            s(&tl),
            "--root-key",
            s(&p("root.pub")),
        ])
    };
    let added = ok(import(&v1, "import"));
    assert!(
        added.starts_with("Added National ID 1123456789 version 1"),
        "{added}"
    );
    // The same version again is refused with the wallet's reason.
    let again = import(&v1, "import");
    assert_refused(&again, "already in the wallet");

    // list --json, show.
    let list = json(&ok(wallet("list", &w, &["--json"])));
    let docs = &list["people"][0]["documents"];
    assert_eq!(docs[0]["number"], "1123456789");
    assert_eq!(docs[0]["version"], 1);
    assert_eq!(docs[0]["document_type"], "national_id");
    assert_eq!(docs[0]["valid_until"], "2035-01-01");
    assert_eq!(docs[0]["needs_rebinding"], false);
    assert_eq!(list["device_keys"].as_array().expect("keys").len(), 1);
    let text = ok(wallet("list", &w, &[]));
    assert!(
        text.contains("National ID 1123456789") && text.contains("version 1"),
        "{text}"
    );
    let shown = ok(wallet("show", &w, &["--document", "1123456789"]));
    for expected in [
        "Sara Khalid",
        "Date of birth:",
        "2001-09-30",
        "Place of birth:",
        "Jeddah",
    ] {
        assert!(shown.contains(expected), "{expected}: {shown}");
    }
    let shown = json(&ok(wallet(
        "show",
        &w,
        &["--document", "1123456789", "--json"],
    )));
    assert_eq!(shown["claims"]["name_en"], "Sara Khalid");
    // Unknown documents say so.
    let none = wallet("show", &w, &["--document", "1999999999"]);
    assert_refused(&none, "no document 1999999999");

    // present → hawiya verify accepts it, from the PNG and answering a challenge.
    let qr = ok(wallet(
        "present",
        &w,
        &[
            "--document",
            "1123456789",
            "--disclose",
            "identity",
            "--png",
            s(&p("id.png")),
        ],
    ));
    assert!(qr.trim().starts_with("HW2:"));
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "--trust-list", s(&tl), "--json"];
        args.extend_from_slice(extra);
        run(&args, &[])
    };
    let out = verify(&["--image", s(&p("id.png"))]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let verdict = json(&stdout(&out));
    assert_eq!(verdict["mode"], "device_bound");
    assert_eq!(verdict["assurance"], "timed");
    assert_eq!(verdict["claims"].as_object().expect("claims").len(), 4);
    assert_eq!(verdict["claims"]["document_number"], "1123456789");
    // There is no presenting for another time.
    let at = wallet(
        "present",
        &w,
        &["--document", "1123456789", "--at", "1704844900"],
    );
    assert_eq!(code(&at), 2, "--at is not an option of wallet present");
    let challenge = json(&ok(run(
        &["challenge", "--out", s(&p("challenge.json")), "--json"],
        &[],
    )));
    let bound = json(&ok(wallet(
        "present",
        &w,
        &[
            "--document",
            "1123456789",
            "--disclose",
            "name_en,age_over_18",
            "--challenge",
            challenge["grouped"].as_str().expect("code"),
            "--json",
        ],
    )));
    assert_eq!(bound["challenge"], challenge["code"]);
    let bound = bound["qr_text"].as_str().expect("qr text").to_owned();
    let out = verify(&[
        "--text",
        &bound,
        "--challenge-from",
        s(&p("challenge.json")),
    ]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(json(&stdout(&out))["assurance"], "challenged");
    ok(run(&["challenge", "--out", s(&p("other.json"))], &[]));
    assert_eq!(
        code(&verify(&[
            "--text",
            &bound,
            "--challenge-from",
            s(&p("other.json"))
        ])),
        1
    );
    // Without a print credential there is no printed code.
    let none = wallet("present", &w, &["--document", "1123456789", "--static"]);
    assert_eq!(code(&none), 2);
    assert!(
        stderr(&none).contains("no print credential") && stderr(&none).contains("--print"),
        "{}",
        stderr(&none)
    );
    // Nor a card to print: the phone's credential is valid only as signed by the phone.
    let card = with_pass(&[
        "card",
        "--wallet",
        s(&w),
        "--document",
        "1123456789",
        "--format",
        "svg",
        "--out",
        s(&p("card.svg")),
    ]);
    assert_refused(&card, "no print credential");
    assert!(!p("card.svg").exists());

    // renew: version 2 replaces version 1; version 1 is then refused.
    let v2 = issue_to_wallet(
        &d,
        &w,
        &claims(&d, "v2.json", "national_id", "1123456789", 2),
        "8",
        "id-v2.hwy",
    );
    let renewed = ok(import(&v2, "renew"));
    assert!(
        renewed.contains("Renewed") && renewed.contains("replaced version 1"),
        "{renewed}"
    );
    // Its print credential, added afterwards; version 1's is refused.
    let add_print =
        |print: &Path| wallet("import", &w, &["--print", s(print), "--trust-list", s(&tl)]);
    let wrong = add_print(&print_of(&v1));
    assert_refused(&wrong, "not for this document");
    let added = ok(add_print(&print_of(&v2)));
    assert!(added.contains("Added the print credential"), "{added}");
    let printed = ok(wallet(
        "present",
        &w,
        &["--document", "1123456789", "--static"],
    ));
    let out = verify(&["--text", printed.trim()]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(json(&stdout(&out))["assurance"], "printed");
    let renew_alone = wallet(
        "renew",
        &w,
        &["--print", s(&print_of(&v2)), "--trust-list", s(&tl)],
    );
    assert_eq!(code(&renew_alone), 2, "renew needs the phone's credential");
    let list = json(&ok(wallet("list", &w, &["--json"])));
    let docs = list["people"][0]["documents"]
        .as_array()
        .expect("documents");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["version"], 2);
    let older = import(&v1, "import");
    assert_refused(&older, "older than the stored version 2");
    let older = import(&v1, "renew");
    assert_refused(&older, "not a renewal");
    // renew refuses a document the wallet does not hold, and stores nothing.
    let permit = issue_to_wallet(
        &d,
        &w,
        &claims(&d, "permit.json", "resident_permit", "2123456789", 1),
        "9",
        "permit.hwy",
    );
    let out = import(&permit, "renew");
    assert_refused(&out, "no older version of document 2123456789");
    let list = json(&ok(wallet("list", &w, &["--json"])));
    assert_eq!(
        list["people"][0]["documents"]
            .as_array()
            .expect("docs")
            .len(),
        1
    );
    let added = json(&ok(wallet(
        "import",
        &w,
        &["--credential", s(&permit), "--trust-list", s(&tl), "--json"],
    )));
    assert_eq!(added["outcome"], "added");
    assert_eq!(added["document"]["number"], "2123456789");
    let out = ok(wallet("dependents", &w, &[]));
    assert!(out.contains("no dependents"), "{out}");

    // log: both presentations, then cleared.
    let log = json(&ok(wallet("log", &w, &["--json"])));
    let entries = log["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 3, "{log}");
    assert_eq!(
        entries[1]["disclosed"],
        serde_json::json!(["name_en", "age_over_18"])
    );
    assert_eq!(entries[0]["mode"], "device_bound");
    assert_eq!(entries[2]["mode"], "static");
    let cleared = ok(wallet("log", &w, &["--clear"]));
    assert!(cleared.contains("3 entries removed"), "{cleared}");
    let log = json(&ok(wallet("log", &w, &["--json"])));
    assert!(log["entries"].as_array().expect("entries").is_empty());

    // export → restore into a new file: documents need re-binding.
    let backup = p("w.backup");
    let both = [
        ("HAWIYA_PASSPHRASE", PASSPHRASE),
        ("HAWIYA_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE),
    ];
    ok(run(
        &["wallet", "export", "--wallet", s(&w), "--out", s(&backup)],
        &both,
    ));
    #[cfg(unix)]
    assert_eq!(mode(&backup), 0o600);
    let r = p("restored.db");
    let wrong = run(
        &[
            "wallet",
            "restore",
            "--from",
            s(&backup),
            "--wallet",
            s(&r),
            "--trust-list",
            s(&tl),
        ],
        &[
            ("HAWIYA_PASSPHRASE", PASSPHRASE),
            ("HAWIYA_BACKUP_PASSPHRASE", "not the backup passphrase"),
        ],
    );
    assert_refused(&wrong, "wrong backup passphrase");
    assert!(!r.exists());
    // Without a trust list nothing is restored.
    let untrusted = run(
        &["wallet", "restore", "--from", s(&backup), "--wallet", s(&r)],
        &both,
    );
    assert_refused(&untrusted, "--trust-list");
    assert!(!r.exists());
    let restored = ok(run(
        &[
            "wallet",
            "restore",
            "--from",
            s(&backup),
            "--wallet",
            s(&r),
            "--trust-list",
            s(&tl),
        ],
        &both,
    ));
    assert!(
        restored.contains("each document checked against"),
        "{restored}"
    );
    assert!(
        restored.contains("2 document(s) need re-binding"),
        "{restored}"
    );
    assert!(restored.contains("hawiya wallet bind"), "{restored}");
    #[cfg(unix)]
    assert_eq!(mode(&r), 0o600);
    let list = json(&ok(wallet("list", &r, &["--json"])));
    let docs = list["people"][0]["documents"].as_array().expect("docs");
    assert_eq!(docs.len(), 2);
    assert!(docs.iter().all(|d| d["needs_rebinding"] == true), "{list}");
    let text = ok(wallet("list", &r, &[]));
    assert!(text.contains("needs re-binding"), "{text}");
    let device = wallet("present", &r, &["--document", "1123456789"]);
    assert_refused(&device, "needs re-binding");
    let printed = ok(wallet(
        "present",
        &r,
        &["--document", "1123456789", "--static"],
    ));
    let out = verify(&["--text", printed.trim()]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(json(&stdout(&out))["mode"], "static");
    assert_eq!(json(&stdout(&out))["assurance"], "printed");
    // Re-binding: bind the restored wallet (it makes its device key), the
    // issuer reissues as version 3, and renew makes it device-bound again.
    let v3 = issue_to_wallet(
        &d,
        &r,
        &claims(&d, "v3.json", "national_id", "1123456789", 3),
        "10",
        "id-v3.hwy",
    );
    let renewed = ok(wallet(
        "renew",
        &r,
        &["--credential", s(&v3), "--trust-list", s(&tl)],
    ));
    assert!(renewed.contains("replaced version 2"), "{renewed}");
    let qr = ok(wallet("present", &r, &["--document", "1123456789"]));
    assert_eq!(code(&verify(&["--text", qr.trim()])), 0);

    // delete purges the document.
    let out = ok(wallet("delete", &w, &["--document", "1123456789"]));
    assert!(out.contains("deleted document 1123456789"), "{out}");
    let list = json(&ok(wallet("list", &w, &["--json"])));
    let docs = list["people"][0]["documents"].as_array().expect("docs");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["number"], "2123456789");
    let gone = wallet("delete", &w, &["--document", "1123456789"]);
    assert_eq!(code(&gone), 2);
}

#[test]
fn a_wrong_passphrase_is_a_clear_error() {
    let d = scratch("wrong");
    let w = d.join("w.db");
    ok(wallet("init", &w, &[]));
    let wrong = "not the passphrase at all";
    let out = run(
        &["wallet", "list", "--wallet", s(&w)],
        &[("HAWIYA_PASSPHRASE", wrong)],
    );
    assert_refused(&out, "wrong passphrase");
    assert!(stderr(&out).contains("attempts left"), "{}", stderr(&out));
    assert!(!stderr(&out).contains(wrong) && !stdout(&out).contains(wrong));
    // With --json, the error is a JSON object too.
    let out = run(
        &["wallet", "list", "--wallet", s(&w), "--json"],
        &[("HAWIYA_PASSPHRASE", wrong)],
    );
    assert_eq!(code(&out), 2);
    assert!(json(&stdout(&out))["error"]
        .as_str()
        .expect("error")
        .contains("wrong passphrase"));
    // The right one still opens it.
    ok(wallet("list", &w, &[]));
    // A missing wallet says how to make one.
    let out = with_pass(&["wallet", "list", "--wallet", s(&d.join("none.db"))]);
    assert_refused(&out, "hawiya wallet init");
}

#[test]
fn a_trivial_pin_is_refused_at_init() {
    let d = scratch("pin");
    let w = d.join("w.db");
    for pin in ["123456", "000000", "1234"] {
        let out = run(
            &["wallet", "init", "--wallet", s(&w)],
            &[("HAWIYA_PASSPHRASE", pin)],
        );
        assert_eq!(code(&out), 2, "{pin}");
        assert!(
            stderr(&out).contains("passphrase refused"),
            "{pin}: {}",
            stderr(&out)
        );
        assert!(!w.exists(), "{pin}: a refused init left a file");
    }
}

#[test]
fn no_passphrase_and_no_terminal_fails_at_once() {
    let d = scratch("notty");
    let w = d.join("w.db");
    let limit = Duration::from_secs(20);
    let out = run_with_limit(&["wallet", "init", "--wallet", s(&w)], &[], limit);
    assert_refused(&out, "HAWIYA_PASSPHRASE");
    assert!(!w.exists());
    ok(wallet("init", &w, &[]));
    for args in [
        vec!["wallet", "list", "--wallet", s(&w)],
        vec!["wallet", "log", "--wallet", s(&w)],
    ] {
        let out = run_with_limit(&args, &[], limit);
        assert_refused(&out, "HAWIYA_PASSPHRASE");
    }
    // export names the backup variable when only the wallet one is set.
    let out = wallet("export", &w, &["--out", s(&d.join("b"))]);
    assert_refused(&out, "HAWIYA_BACKUP_PASSPHRASE");
}

// ------------------------------------------------------- nothing in clear

/// What must never appear in a wallet file: labelled byte strings, every
/// 16-byte window of the portraits, and the device public keys whose secret
/// keys are looked for by brute force.
struct Secrets {
    needles: Vec<(String, Vec<u8>)>,
    portrait_windows: HashSet<[u8; 16]>,
    device_keys: Vec<[u8; 32]>,
}

/// Reads every stored document's claims and the device keys through the API.
fn secrets_of(wallet: &Wallet) -> Secrets {
    let mut needles = Vec::new();
    let mut portrait_windows = HashSet::new();
    let documents = wallet.documents().expect("documents");
    assert!(
        documents.len() >= 3,
        "the demo wallet should hold 3 documents"
    );
    for summary in &documents {
        let held = wallet.document(summary.number).expect("document");
        for (key, value) in held.claims() {
            let label = |form: &str| format!("document {} {key} {form}", summary.number);
            let cbor = value.to_cbor().to_bytes();
            match value {
                ClaimValue::Text(t) => needles.push((label("UTF-8"), t.as_bytes().to_vec())),
                ClaimValue::Number(n) => {
                    needles.push((label("decimal"), n.to_string().into_bytes()));
                    needles.push((label("big-endian u64"), n.to_be_bytes().to_vec()));
                    needles.push((label("CBOR"), cbor));
                }
                ClaimValue::Date(d) => {
                    let iso = d.to_string();
                    needles.push((label("YYYYMMDD"), iso.replace('-', "").into_bytes()));
                    needles.push((label("YYYY-MM-DD"), iso.into_bytes()));
                    needles.push((label("CBOR"), cbor));
                }
                ClaimValue::Bytes(b) => {
                    assert!(b.len() >= 16, "portrait too small to search");
                    for w in b.windows(16) {
                        portrait_windows.insert(w.try_into().expect("16 bytes"));
                    }
                }
                // Booleans, sex codes and absent values are one or two bytes:
                // present in any file by chance.
                _ => {}
            }
        }
        if let Some(guardian) = held.info().guardian {
            let label = |form: &str| format!("document {} guardian {form}", summary.number);
            let cbor = ClaimValue::Number(guardian).to_cbor().to_bytes();
            needles.push((label("decimal"), guardian.to_string().into_bytes()));
            needles.push((label("big-endian u64"), guardian.to_be_bytes().to_vec()));
            needles.push((label("CBOR"), cbor));
        }
    }
    let mut seen = HashSet::new();
    needles.retain(|(_, n)| seen.insert(n.clone()));
    assert!(
        !portrait_windows.is_empty(),
        "the demo's national ID has a portrait"
    );
    let device_keys: Vec<[u8; 32]> = wallet
        .device_keys()
        .expect("device keys")
        .iter()
        .map(|k| *k.public_key.as_bytes())
        .collect();
    assert!(!device_keys.is_empty());
    Secrets {
        needles,
        portrait_windows,
        device_keys,
    }
}

/// Every finding of `secrets` in `files`, and how many 32-byte windows were
/// tried as device secret keys.
fn search(files: &[(String, Vec<u8>)], secrets: &Secrets) -> (Vec<String>, usize) {
    let mut found = Vec::new();
    let mut windows = 0;
    for (name, bytes) in files {
        for (label, needle) in &secrets.needles {
            if let Some(at) = bytes
                .windows(needle.len())
                .position(|w| w == needle.as_slice())
            {
                found.push(format!("{label} ({} bytes) at {name}+{at}", needle.len()));
            }
        }
        if let Some(at) = bytes
            .windows(16)
            .position(|w| secrets.portrait_windows.contains(w))
        {
            found.push(format!("portrait bytes at {name}+{at}"));
        }
        for (at, w) in bytes.windows(32).enumerate() {
            windows += 1;
            let secret: &[u8; 32] = w.try_into().expect("32 bytes");
            let public = ed25519_dalek::SigningKey::from_bytes(secret).verifying_key();
            if secrets.device_keys.contains(public.as_bytes()) {
                found.push(format!("a device secret key at {name}+{at}"));
            }
        }
    }
    (found, windows)
}

/// The chance that random bytes of this total length contain a needle.
fn expected_chance_hits(files: &[(String, Vec<u8>)], secrets: &Secrets) -> f64 {
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    secrets
        .needles
        .iter()
        .map(|(_, n)| total as f64 / 256f64.powi(n.len() as i32))
        .sum()
}

/// Runs the demo into a fresh folder and reads the raw bytes of its wallet
/// files (before anything else opens them), then the secrets through the API
/// from a copy.
fn demo_files(name: &str) -> (common::Scratch, Vec<(String, Vec<u8>)>, Secrets) {
    let dir = scratch(name);
    let out = run(
        &["demo", "--out", s(&dir)],
        &[("HAWIYA_PASSPHRASE", PASSPHRASE)],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!dir.join("wallet-passphrase.txt").exists());
    let mut files = Vec::new();
    for file in [
        "wallet.db",
        "wallet.db-wal",
        "wallet.db-shm",
        "restored-wallet.db",
        "restored-wallet.db-wal",
        "restored-wallet.db-shm",
        "wallet.backup",
    ] {
        let path = dir.join(file);
        if path.exists() {
            files.push((file.to_owned(), std::fs::read(&path).expect("read")));
        }
    }
    assert!(files.iter().any(|(f, _)| f == "wallet.db"));
    // Open a copy: opening a wallet creates its -wal and -shm files.
    let copy = dir.join("copy");
    std::fs::create_dir_all(&copy).expect("copy dir");
    for (file, bytes) in &files {
        if file.starts_with("wallet.db") {
            std::fs::write(copy.join(file), bytes).expect("copy");
        }
    }
    let wallet = Wallet::open(&copy.join("wallet.db"), &WalletOptions::default()).expect("open");
    wallet
        .unlock(Protection::Passphrase(PASSPHRASE), SystemClock.now())
        .expect("unlock");
    let secrets = secrets_of(&wallet);
    (dir, files, secrets)
}

#[test]
fn the_demo_leaves_nothing_in_clear_in_its_wallet_files() {
    let start = Instant::now();
    let (dir, files, secrets) = demo_files("clear");

    // Positive control: the same search, over a scratch file that holds the
    // values in clear, finds each of them (so this test can fail).
    let planted_key = ed25519_dalek::SigningKey::from_bytes(&[0x5a; 32]);
    let mut control_secrets = Secrets {
        needles: secrets.needles.clone(),
        portrait_windows: secrets.portrait_windows.clone(),
        device_keys: secrets.device_keys.clone(),
    };
    control_secrets
        .device_keys
        .push(*planted_key.verifying_key().as_bytes());
    let mut control = files[0].1.clone();
    let text = secrets
        .needles
        .iter()
        .find(|(l, _)| l.contains("name_en UTF-8"))
        .expect("a name");
    let date = secrets
        .needles
        .iter()
        .find(|(l, _)| l.contains("birth_date CBOR"))
        .expect("a date");
    let number = secrets
        .needles
        .iter()
        .find(|(l, _)| l.contains("big-endian"))
        .expect("a number");
    let portrait = *secrets.portrait_windows.iter().next().expect("portrait");
    for (at, bytes) in [
        (1001, text.1.as_slice()),
        (3003, date.1.as_slice()),
        (5005, number.1.as_slice()),
        (7007, portrait.as_slice()),
        (9009, planted_key.as_bytes().as_slice()),
    ] {
        control[at..at + bytes.len()].copy_from_slice(bytes);
    }
    let scratch_file = dir.join("control.bin");
    std::fs::write(&scratch_file, &control).expect("write control");
    let control = vec![(
        "control.bin".to_owned(),
        std::fs::read(&scratch_file).expect("read control"),
    )];
    let (found, _) = search(&control, &control_secrets);
    for wanted in [
        format!("{} ", text.0),
        format!("{} ", date.0),
        format!("{} ", number.0),
        "portrait bytes".to_owned(),
        "a device secret key at control.bin+9009".to_owned(),
    ] {
        assert!(
            found.iter().any(|f| f.starts_with(&wanted)),
            "the control search missed {wanted:?}: {found:?}"
        );
    }

    // The real search.
    let (mut found, mut windows) = search(&files, &secrets);
    let chance = expected_chance_hits(&files, &secrets);
    // Short needles (3-byte CBOR dates, "SAU") turn up in random ciphertext
    // about `chance` times per run. A finding made only of such needles is
    // confirmed on a second, independent demo run: a real leak repeats (the
    // demo stores the same claims every time), a chance match almost never.
    let short = |f: &String| {
        secrets
            .needles
            .iter()
            .any(|(l, n)| n.len() <= 3 && f.starts_with(&format!("{l} (")))
    };
    if !found.is_empty() && found.iter().all(short) {
        eprintln!("short needles found, confirming on a second run: {found:?}");
        let (_dir2, files2, secrets2) = demo_files("clear-again");
        let (again, more) = search(&files2, &secrets2);
        windows += more;
        found = again;
    }
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    println!(
        "nothing in clear: {} files ({bytes} bytes: {}), {} needles, {} portrait windows, \
         {windows} 32-byte windows tried as secret keys against {} device key(s), \
         {chance:.4} chance matches expected, {:.1} s",
        files.len(),
        files
            .iter()
            .map(|(f, _)| f.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        secrets.needles.len(),
        secrets.portrait_windows.len(),
        secrets.device_keys.len(),
        start.elapsed().as_secs_f64()
    );
    assert!(found.is_empty(), "found in clear: {found:#?}");
}

/// A wallet made with the core (so its unlock policy locks out after one
/// wrong passphrase) holding a device key and the national ID issued by the
/// CLI issuer in `d`.
fn wallet_with_an_id(d: &Path, policy: hawiya_wallet::UnlockPolicy) -> PathBuf {
    common::issuer(d);
    let w = d.join("w.db");
    let options = WalletOptions {
        unlock_policy: policy,
        ..WalletOptions::default()
    };
    let created = Wallet::create(&w, Protection::Passphrase(PASSPHRASE), &options).expect("create");
    created.create_device_key().expect("key");
    drop(created);
    let id = issue_to_wallet(
        d,
        &w,
        &claims(d, "id.json", "national_id", "1234567890", 1),
        "1",
        "id.hwy",
    );
    common::import_with_print(d, &w, &[("HAWIYA_PASSPHRASE", PASSPHRASE)], &id);
    w
}

/// [`wallet_with_an_id`] (default unlock policy) in `d`, and a resident
/// permit issued to it as `d/permit.hwy`, not yet imported.
fn wallet_with_an_id_and_a_permit(d: &Path) -> (PathBuf, PathBuf) {
    let w = wallet_with_an_id(d, hawiya_wallet::UnlockPolicy::default());
    let permit_claims = claims(d, "permit.json", "resident_permit", "2123456789", 1);
    let permit = issue_to_wallet(d, &w, &permit_claims, "2", "permit.hwy");
    (w, permit)
}

/// The row ids of the wallet file's documents table, read with SQLite.
fn document_ids(w: &Path) -> Vec<Vec<u8>> {
    let conn = rusqlite::Connection::open(w).expect("open");
    let mut stmt = conn.prepare("SELECT id FROM documents").expect("select");
    let ids = stmt
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("ids");
    ids
}

#[test]
fn a_locked_out_wallet_is_reset_from_the_command_line() {
    let d = scratch("reset");
    let w = wallet_with_an_id(
        &d,
        hawiya_wallet::UnlockPolicy {
            free_attempts: 1,
            base_delay_secs: 1,
            max_delay_secs: 1,
            max_attempts: 1,
        },
    );
    let wrong = run(
        &["wallet", "list", "--wallet", s(&w)],
        &[("HAWIYA_PASSPHRASE", "not the passphrase at all")],
    );
    assert_eq!(code(&wrong), 2);
    let locked = wallet("list", &w, &[]);
    assert_eq!(code(&locked), 2);
    assert!(
        stderr(&locked).contains("locked after 1 failed attempts")
            && stderr(&locked).contains("hawiya wallet reset --wallet"),
        "{}",
        stderr(&locked)
    );
    // Without --yes and without a terminal to ask, nothing happens.
    let unconfirmed = wallet("reset", &w, &[]);
    assert_refused(&unconfirmed, "--yes");
    assert_eq!(code(&wallet("list", &w, &[])), 2);
    // A trivial new passphrase is refused before anything is destroyed.
    let weak = run(
        &["wallet", "reset", "--wallet", s(&w), "--yes"],
        &[("HAWIYA_PASSPHRASE", "123456")],
    );
    assert_refused(&weak, "passphrase refused");

    let new = "a fresh start on the old phone 4";
    let reset = ok(run(
        &["wallet", "reset", "--wallet", s(&w), "--yes"],
        &[("HAWIYA_PASSPHRASE", new)],
    ));
    assert!(reset.contains("reset"), "{reset}");
    assert!(reset.contains("hawiya wallet bind"), "{reset}");
    #[cfg(unix)]
    assert_eq!(mode(&w), 0o600);
    let list = ok(run(
        &["wallet", "list", "--wallet", s(&w)],
        &[("HAWIYA_PASSPHRASE", new)],
    ));
    assert!(list.contains("no documents yet"), "{list}");
    assert!(list.contains("device key"), "{list}");
    assert_eq!(code(&wallet("list", &w, &[])), 2);
}

#[test]
fn a_document_deleted_with_sqlite3_is_listed_as_damaged() {
    let d = scratch("damaged");
    let (w, permit) = wallet_with_an_id_and_a_permit(&d);
    let before = document_ids(&w);
    common::import_with_print(&d, &w, &[("HAWIYA_PASSPHRASE", PASSPHRASE)], &permit);
    let ids = document_ids(&w);
    let permit_row = ids.iter().find(|id| !before.contains(id)).expect("permit");
    let conn = rusqlite::Connection::open(&w).expect("open");
    conn.execute("DELETE FROM documents WHERE id = ?1", [permit_row])
        .expect("delete");
    drop(conn);

    let out = wallet("list", &w, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("National ID 1234567890"), "{text}");
    assert!(
        text.contains("Resident permit (iqama) 2123456789 version 1: the document was deleted outside the wallet"),
        "{text}"
    );
    assert!(
        stderr(&out).contains("altered outside it"),
        "{}",
        stderr(&out)
    );
    let listed = json(&ok(wallet("list", &w, &["--json"])));
    assert_eq!(listed["damaged"][0]["number"], "2123456789");
    let shown = wallet("show", &w, &["--document", "2123456789"]);
    assert_refused(&shown, "deleted outside the wallet");
    // The other document is shown and presented as before.
    ok(wallet("show", &w, &["--document", "1234567890"]));
    ok(wallet(
        "present",
        &w,
        &["--document", "1234567890", "--static"],
    ));
}

#[test]
fn on_a_full_disk_list_and_static_codes_still_work_and_an_import_says_disk_full() {
    let d = scratch("full-disk");
    let (w, permit) = wallet_with_an_id_and_a_permit(&d);
    let small = d.join("small");
    std::fs::create_dir_all(&small).expect("mount point");
    // On a small tmpfs of its own (a private mount namespace): the wallet is
    // used once, then the disk fills up, then the holder lists and shows a
    // code (the wallet's reserve gives the room); then other files take
    // that room too, and an import says the disk is full and adds nothing.
    let script = r#"
        mount -t tmpfs -o size=3m hawiya-cli-full "$1" || exit 99
        echo mounted
        cp "$2" "$1/w.db"
        "$3" wallet list --wallet "$1/w.db" >/dev/null || exit 98
        head -c 64m /dev/zero > "$1/filler" 2>/dev/null
        "$3" wallet list --wallet "$1/w.db"; echo "list=$?"
        "$3" wallet present --wallet "$1/w.db" --document 1234567890 --static; echo "present=$?"
        head -c 64m /dev/zero > "$1/filler-2" 2>/dev/null
        "$3" wallet import --wallet "$1/w.db" --credential "$4" --trust-list "$5" 2>&1; echo "import=$?"
        rm "$1/filler-2"
        "$3" wallet list --wallet "$1/w.db" --json; echo "list-again=$?"
    "#;
    let mut ran = None;
    for unshare in [
        &["--user", "--map-root-user", "--mount"][..],
        &["--mount"][..],
    ] {
        let Ok(out) = Command::new("unshare")
            .args(unshare)
            .args(["sh", "-c", script, "sh"])
            .args([
                s(&small),
                s(&w),
                env!("CARGO_BIN_EXE_hawiya"),
                s(&permit),
                s(&d.join("trust-list.cbor")),
            ])
            .env("HAWIYA_PASSPHRASE", PASSPHRASE)
            .stdin(Stdio::null())
            .output()
        else {
            break;
        };
        if stdout(&out).starts_with("mounted") {
            ran = Some(out);
            break;
        }
    }
    let Some(out) = ran else {
        eprintln!(
            "no private tmpfs can be mounted here; the core's full-disk tests cover the fallback"
        );
        return;
    };
    let text = stdout(&out);
    for line in ["list=0", "present=0", "import=2", "list-again=0"] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line}:\n{text}\n{}",
            stderr(&out)
        );
    }
    assert!(text.contains("HW2:"), "no code was made:\n{text}");
    assert!(text.contains("the disk is full"), "{text}");
    let listed = text
        .lines()
        .find(|l| l.starts_with('{'))
        .map(json)
        .expect("the JSON listing");
    assert_eq!(
        listed["people"][0]["documents"]
            .as_array()
            .expect("documents")
            .len(),
        1,
        "the refused import added nothing: {listed}"
    );
}

#[test]
fn a_live_code_is_refreshed_and_logged_once() {
    let d = scratch("live");
    let w = wallet_with_an_id(&d, hawiya_wallet::UnlockPolicy::default());
    let trust_list = d.join("trust-list.cbor");
    let out = ok(wallet(
        "present",
        &w,
        &[
            "--document",
            "1234567890",
            "--disclose",
            "identity",
            "--live",
            "--every",
            "1",
            "--count",
            "3",
            "--json",
        ],
    ));
    let codes: Vec<serde_json::Value> = out.lines().map(json).collect();
    assert_eq!(codes.len(), 3, "{out}");
    let times: Vec<i64> = codes
        .iter()
        .map(|c| c["presented_at"].as_i64().expect("time"))
        .collect();
    assert!(
        times.windows(2).all(|t| t[1] > t[0]),
        "freshly signed: {times:?}"
    );
    for code_json in &codes {
        let text = code_json["qr_text"].as_str().expect("text");
        let verdict = run(
            &[
                "verify",
                "--trust-list",
                s(&trust_list),
                "--json",
                "--text",
                text,
            ],
            &[],
        );
        assert_eq!(
            code(&verdict),
            0,
            "{}{}",
            stdout(&verdict),
            stderr(&verdict)
        );
        assert_eq!(json(&stdout(&verdict))["assurance"], "timed");
    }
    let log = json(&ok(wallet("log", &w, &["--json"])));
    assert_eq!(
        log["entries"].as_array().expect("entries").len(),
        1,
        "{log}"
    );

    // A reader that goes away ends the showing quietly.
    let mut child = Command::new(env!("CARGO_BIN_EXE_hawiya"))
        .args([
            "wallet",
            "present",
            "--wallet",
            s(&w),
            "--document",
            "1234567890",
        ])
        .args(["--live", "--every", "1"])
        .env("HAWIYA_PASSPHRASE", PASSPHRASE)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
        &mut first,
    )
    .expect("first code");
    assert!(first.starts_with("HW2:"), "{first}");
    let done = child.wait_with_output().expect("wait");
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(String::from_utf8_lossy(&done.stderr)
        .contains("showed 1 codes of document 1234567890, logged as one showing"));

    // Bad values are refused before anything is shown or logged.
    for (extra, says) in [
        (&["--every", "0"][..], "--every 0"),
        (&["--every", "121"][..], "--every 121"),
        (&["--count", "0"][..], "--count 0"),
    ] {
        let args = [&["--document", "1234567890", "--live"][..], extra].concat();
        assert_refused(&wallet("present", &w, &args), says);
    }
    let refused = wallet(
        "present",
        &w,
        &["--document", "1234567890", "--live", "--static"],
    );
    assert_eq!(code(&refused), 2, "--live and --static conflict");
    let log = json(&ok(wallet("log", &w, &["--json"])));
    assert_eq!(
        log["entries"].as_array().expect("entries").len(),
        2,
        "{log}"
    );
}
