//! The `hawiya` command as scripts use it: files, exit codes (0 accepted,
//! 1 rejected, 2 usage or I/O error), JSON output and key file permissions.

use std::path::Path;
use std::process::Output;

use crate::common;
use common::{assert_refused, code, mode, s, scratch, stderr, stdout, IssuerSetup};

fn hawiya(args: &[&str]) -> Output {
    // The demo's wallet passphrase is generated when HAWIYA_PASSPHRASE is unset.
    common::run(args, &[])
}

#[test]
fn demo_writes_its_files_and_they_verify() {
    let dir = scratch("demo");
    let out = hawiya(&["demo", "--out", s(&dir)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for f in [
        "trust-list.cbor",
        "status-list.cbor",
        "presentation.txt",
        "presentation.png",
        "presentation-minimal.txt",
        "presentation-minimal.png",
        "presentation-dependent.png",
        "wallet.db",
        "wallet-passphrase.txt",
        "wallet.backup",
        "restored-wallet.db",
        "report.txt",
        "report.json",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    // The holder's secrets live only in the encrypted wallet.
    for gone in [
        "device.key",
        "device.pub",
        "national-id.hwy",
        "resident-permit.hwy",
    ] {
        assert!(!dir.join(gone).exists(), "{gone} written in clear");
    }
    let report = stdout(&out);
    assert!(report.contains("QR version"), "{report}");
    for reason in [
        "[bad_issuer_signature]",
        "[presentation_stale]",
        "[replayed]",
        "[revoked]",
        "[device_signature_required]",
        "[challenge_mismatch]",
        "[challenge_not_answered]",
        "[assurance_below_minimum]",
    ] {
        assert!(
            report.contains(reason),
            "{reason} missing from the report:\n{report}"
        );
    }
    for level in [
        "ACCEPTED — challenged",
        "ACCEPTED — timed",
        "ACCEPTED — printed",
    ] {
        assert!(
            report.contains(level),
            "{level} missing from the report:\n{report}"
        );
    }
    assert!(
        report.contains("phone codes above with its phone signature cut off: REJECTED [device_signature_required]"),
        "{report}"
    );
    // The report's JSON has every presentation's assurance and sizes.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).expect("report"))
            .expect("report json");
    let levels: Vec<&str> = json["presentations"]
        .as_array()
        .expect("presentations")
        .iter()
        .map(|p| p["verdict"]["assurance"].as_str().expect("assurance"))
        .collect();
    assert_eq!(
        levels,
        [
            "challenged",
            "challenged",
            "challenged",
            "timed",
            "printed",
            "challenged",
            "challenged"
        ]
    );
    #[cfg(unix)]
    for secret in [
        "root.key",
        "issuer.key",
        "wallet.db",
        "wallet-passphrase.txt",
        "wallet.backup",
        "restored-wallet.db",
    ] {
        assert_eq!(mode(&dir.join(secret)), 0o600, "{secret}");
    }
    let tl = dir.join("trust-list.cbor");
    let sl = dir.join("status-list.cbor");
    // The static (printed) code verifies at any time while valid.
    let out = hawiya(&[
        "verify",
        "--trust-list",
        s(&tl),
        "--status-list",
        s(&sl),
        "--image",
        s(&dir.join("presentation-static.png")),
    ]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("ACCEPTED — printed"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("lower assurance"));
    // The device-bound code, from its text, with JSON output: without the
    // challenge it answered, this verifier can only call it timed.
    let text = std::fs::read_to_string(dir.join("presentation-minimal.txt")).expect("text");
    let out = hawiya(&[
        "verify",
        "--trust-list",
        s(&tl),
        "--text",
        text.trim(),
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["accepted"], true);
    assert_eq!(v["assurance"], "timed");
    assert_eq!(v["min_assurance"], "printed");
    assert_eq!(v["claims"].as_object().expect("claims").len(), 4);
    assert_eq!(v["claims"]["document_number"], "1087654321");
    // An hour later the same code is stale: exit 1, with the reason.
    let later = (v["presented_at"].as_i64().expect("time") + 3600).to_string();
    let out = hawiya(&[
        "verify",
        "--trust-list",
        s(&tl),
        "--text",
        text.trim(),
        "--at",
        &later,
        "--json",
    ]);
    assert_eq!(code(&out), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["failures"][0]["code"], "presentation_stale");
    assert!(v["claims"].as_object().expect("claims").is_empty());
}

#[test]
fn every_step_has_a_subcommand() {
    let d = scratch("steps");
    let p = |f: &str| d.join(f);
    let ok = |args: &[&str]| common::ok(args, &[]);
    IssuerSetup {
        kid: "0a",
        name: "Test Authority",
        status_uri: "https://status.example/9",
        version: "3",
        window: Some(("1600000000", "2200000000")),
    }
    .run(&d);
    let nonce = common::nonce();
    assert_eq!(nonce.len(), 32);
    let holder = common::Holder::bound(&d, &nonce);
    std::fs::write(
        p("claims.json"),
        r#"{"document_type":"resident_permit","document_number":"2123456789","document_version":1,
            "name_ar":"أنيتا كومار","name_en":"Anita Kumar","birth_date":"1994-03-02","sex":"female",
            "nationality":"IND","place_of_birth":"Kochi","occupation":"Nurse","employer":"Clinic",
            "issue_date":"2024-01-10","expiry_date":"2044-01-09"}"#,
    )
    .expect("claims");
    // The phone's credential and the printed card's, issued together, each
    // with its own status index.
    let (issuer_key, claims, permit) = (p("issuer.key"), p("claims.json"), p("permit.hwy"));
    let mut issue = holder.issue_args(&issuer_key, &claims, "42", &permit);
    let print = p("permit-print.hwy");
    issue.extend(["--print-status-index", "43", "--print-out", s(&print)]);
    let issued = ok(&issue);
    assert!(issued.contains("print credential"), "{issued}");
    #[cfg(unix)]
    for file in ["permit.hwy", "permit-print.hwy"] {
        assert_eq!(mode(&p(file)), 0o600, "{file}");
    }
    let shown = ok(&["holder", "show", "--credential", s(&p("permit.hwy"))]);
    assert!(shown.contains("Anita Kumar") && shown.contains("employer"));
    let shown = ok(&["holder", "show", "--credential", s(&p("permit-print.hwy"))]);
    assert!(shown.contains("print credential: no device key"), "{shown}");
    // A code is signed now, by this machine's clock: there is no --at.
    let presenting = |extra: &[&str]| {
        let mut args = holder.present_args(&permit);
        args.extend_from_slice(extra);
        hawiya(&args)
    };
    let out = presenting(&["--profile", "full", "--at", "1704844900"]);
    assert_eq!(code(&out), 2, "--at is not an option of holder present");
    let (png, svg) = (p("p.png"), p("p.svg"));
    let text = ok(&[
        &holder.present_args(&permit)[..],
        &["--disclose", "name_en,occupation"],
        &["--out-png", s(&png), "--out-svg", s(&svg)],
    ]
    .concat());
    let text = text.trim().to_owned();
    assert!(text.starts_with("HW2:"));
    let tl = p("trust-list.cbor");
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "--trust-list", s(&tl)];
        args.extend_from_slice(extra);
        hawiya(&args)
    };
    // The root key is found beside the trust list as root.pub.
    let out = verify(&["--image", s(&p("p.png")), "--json"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["assurance"], "timed");
    assert_eq!(v["claims"]["occupation"], "Nurse");
    assert_eq!(v["claims"].as_object().expect("claims").len(), 2);

    // Revoke, publish, and the same code is rejected (exit 1).
    let (state, key) = (p("status.bits"), p("issuer.key"));
    // `issuer revoke` marks a status index, `issuer status-list` signs the
    // state as `out`.
    let revoke_and_publish = |revoke: &[&str], out: &Path| {
        ok(&[&["issuer", "revoke", "--state", s(&state)], revoke].concat());
        ok(&[
            "issuer",
            "status-list",
            "--key",
            s(&key),
            "--state",
            s(&state),
            "--out",
            s(out),
        ]);
    };
    revoke_and_publish(&["--index", "42", "--capacity", "1024"], &p("status.cbor"));
    let out = verify(&["--text", &text, "--status-list", s(&p("status.cbor"))]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("revoked"), "{}", stdout(&out));

    // A challenge round trip, as a script runs it: the verifier's
    // challenge saved to a file, the phone signs over its code, the code is
    // verified against the file.
    let challenge: serde_json::Value = serde_json::from_str(&ok(&[
        "challenge",
        "--out",
        s(&p("challenge.json")),
        "--png",
        s(&p("challenge.png")),
        "--json",
    ]))
    .expect("challenge json");
    #[cfg(unix)]
    assert_eq!(mode(&p("challenge.json")), 0o600);
    let digits = challenge["code"].as_str().expect("code");
    assert_eq!(digits.len(), 6);
    assert_eq!(
        challenge["qr_text"].as_str(),
        Some(format!("HWC:{digits}").as_str())
    );
    assert!(p("challenge.png").is_file());
    let answer = |code: &str| {
        let out = presenting(&["--profile", "age18", "--challenge", code]);
        assert_eq!(code_of(&out), 0, "{}", stderr(&out));
        stdout(&out).trim().to_owned()
    };
    let challenge_file = p("challenge.json");
    let from = s(&challenge_file);
    // Typed grouped, as the verifier shows it, or scanned as QR text.
    for typed in [
        challenge["grouped"].as_str().expect("grouped"),
        challenge["qr_text"].as_str().expect("qr"),
    ] {
        let out = verify(&["--text", &answer(typed), "--challenge-from", from, "--json"]);
        assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
        assert_eq!(v["assurance"], "challenged");
        assert_eq!(v["challenge"]["code"], digits);
        let required = verify(&[
            "--text",
            &answer(typed),
            "--challenge-from",
            from,
            "--min-assurance",
            "challenged",
        ]);
        assert_eq!(code(&required), 0, "{}", stdout(&required));
    }
    // Another challenge (a second verifier's, or a new one): mismatch, exit 1.
    ok(&["challenge", "--out", s(&p("other.json"))]);
    let out = verify(&[
        "--text",
        &answer(digits),
        "--challenge-from",
        s(&p("other.json")),
        "--json",
    ]);
    assert_eq!(code(&out), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["failures"][0]["code"], "challenge_mismatch");
    assert!(v["assurance"].is_null());
    // A timed code where a challenge is required: its own reasons.
    let timed = answer_timed(&presenting);
    let out = verify(&["--text", &timed, "--challenge-from", from, "--json"]);
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).contains("\"challenge_not_answered\""),
        "{}",
        stdout(&out)
    );
    let out = verify(&["--text", &timed, "--min-assurance", "timed"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    // Requiring challenged codes without a challenge cannot be met: usage.
    let out = verify(&["--text", &timed, "--min-assurance", "challenged"]);
    assert_refused(&out, "--challenge-from");
    // Bad challenge input: usage errors, nothing signed.
    for bad in ["12345", "012345", "1234567", "HWC:12345", "abcdef"] {
        let out = presenting(&["--profile", "age18", "--challenge", bad]);
        assert_eq!(code(&out), 2, "{bad}");
        assert!(stderr(&out).contains("--challenge"), "{}", stderr(&out));
    }
    std::fs::write(p("not-a-challenge.json"), "{}").expect("write");
    let out = verify(&[
        "--text",
        &timed,
        "--challenge-from",
        s(&p("not-a-challenge.json")),
    ]);
    assert_eq!(code(&out), 2);
    // `hawiya challenge` replaces an earlier challenge file, nothing else.
    ok(&["challenge", "--out", s(&p("challenge.json"))]);
    let out = hawiya(&["challenge", "--out", s(&p("claims.json"))]);
    assert_refused(&out, "--force");
    assert!(std::fs::read_to_string(p("claims.json"))
        .expect("claims")
        .contains("Anita"));
    let out = hawiya(&["challenge", "--out", s(&d)]);
    assert_eq!(code(&out), 2, "a folder is never replaced");

    // With a state file, a second scan of the same code is a replay, and a
    // trust list older than one seen before is refused.
    let state = p("verifier-state.json");
    let fresh = ok(&[
        &holder.present_args(&permit)[..],
        &["--profile", "identity"],
    ]
    .concat());
    assert_eq!(
        code(&verify(&["--text", fresh.trim(), "--state", s(&state)])),
        0
    );
    let again = verify(&["--text", fresh.trim(), "--state", s(&state), "--json"]);
    assert_eq!(code(&again), 1);
    assert!(
        stdout(&again).contains("\"replayed\""),
        "{}",
        stdout(&again)
    );
    std::fs::write(&state, r#"{"trust_list_version": 9, "recent": []}"#).expect("state");
    let rolled_back = verify(&["--text", fresh.trim(), "--state", s(&state)]);
    assert_refused(&rolled_back, "roll back");
    std::fs::write(&state, "not json").expect("state");
    assert_eq!(
        code(&verify(&["--text", fresh.trim(), "--state", s(&state)])),
        2
    );

    // The printed card's code comes from the print credential; the
    // phone's credential has no static form.
    let out = hawiya(&[
        "holder",
        "present",
        "--credential",
        s(&p("permit.hwy")),
        "--static",
        "--profile",
        "full",
    ]);
    assert_refused(&out, "bound to a phone");
    let out = hawiya(&[&holder.present_args(&print)[..], &["--profile", "full"]].concat());
    assert_refused(&out, "print credential");
    let printed = ok(&[
        "holder",
        "present",
        "--credential",
        s(&p("permit-print.hwy")),
        "--static",
        "--profile",
        "full",
    ]);
    let out = verify(&["--text", printed.trim(), "--json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["assurance"], "printed");
    for refuse in [&["--reject-static"][..], &["--min-assurance", "timed"]] {
        let mut args = vec!["--text", printed.trim(), "--json"];
        args.extend_from_slice(refuse);
        let out = verify(&args);
        assert_eq!(code(&out), 1, "{refuse:?}");
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
        assert_eq!(
            v["failures"][0]["code"], "assurance_below_minimum",
            "{refuse:?}"
        );
    }
    assert_eq!(
        code(&verify(&[
            "--text",
            printed.trim(),
            "--reject-static",
            "--min-assurance",
            "timed"
        ])),
        2,
        "one or the other"
    );
    // The card is revoked on its own: the phone's code still verifies.
    revoke_and_publish(&["--index", "43"], &p("status-2.cbor"));
    let out = verify(&[
        "--text",
        printed.trim(),
        "--status-list",
        s(&p("status-2.cbor")),
    ]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("[revoked]"), "{}", stdout(&out));
}

/// The exit code (a second name, for closures that shadow `code`).
fn code_of(out: &Output) -> i32 {
    code(out)
}

/// A timed phone code (no challenge) from `presenting`.
fn answer_timed(presenting: &dyn Fn(&[&str]) -> Output) -> String {
    let out = presenting(&["--profile", "age18"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    stdout(&out).trim().to_owned()
}

#[test]
fn usage_and_input_errors_exit_2_and_say_what_to_do() {
    let d = scratch("errors");
    let p = |f: &str| d.join(f);
    // Missing trust list file.
    let out = hawiya(&[
        "verify",
        "--trust-list",
        s(&p("none.cbor")),
        "--text",
        "HW2:00",
    ]);
    assert_eq!(code(&out), 2);
    // With --json, the error is also a JSON object on stdout.
    let out = hawiya(&[
        "verify",
        "--trust-list",
        s(&p("none.cbor")),
        "--text",
        "HW2:00",
        "--json",
    ]);
    assert_eq!(code(&out), 2);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json error");
    assert_eq!(v["accepted"], false);
    let error = v["error"].as_str().expect("error message");
    assert!(!error.is_empty() && stderr(&out).contains(error), "{v}");
    // Neither --text nor --image.
    assert_eq!(
        code(&hawiya(&["verify", "--trust-list", s(&p("none.cbor"))])),
        2
    );
    // No root key beside the trust list.
    std::fs::write(p("tl.cbor"), b"x").expect("write");
    let out = hawiya(&[
        "verify",
        "--trust-list",
        s(&p("tl.cbor")),
        "--text",
        "HW2:00",
    ]);
    assert_refused(&out, "--root-key");
    // Garbage QR text is a rejection (exit 1), not an error.
    let dir = scratch("errors-demo");
    assert_eq!(code(&hawiya(&["demo", "--out", s(&dir)])), 0);
    let out = hawiya(&[
        "verify",
        "--trust-list",
        s(&dir.join("trust-list.cbor")),
        "--text",
        "HW2:NOT A CODE",
    ]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("malformed"));
    // Invalid claims name the field.
    hawiya(&[
        "issuer",
        "key",
        "--out",
        s(&p("issuer.key")),
        "--kid",
        "01",
        "--name",
        "T",
        "--status-uri",
        "u",
    ]);
    let holder = common::Holder::bound(&d, "00112233445566778899aabbccddeeff");
    std::fs::write(
        p("claims.json"),
        r#"{"document_type":"national_id","document_number":"2123456789","document_version":1,
            "name_ar":"محمد","name_en":"Mohammed","birth_date":"1990-01-01","sex":"male",
            "nationality":"SAU","place_of_birth":"Riyadh","issue_date":"2024-01-10","expiry_date":"2034-01-09"}"#,
    )
    .expect("claims");
    let (claims, issued) = (p("claims.json"), p("c.hwy"));
    let issue_with = |key: &Path| hawiya(&holder.issue_args(key, &claims, "1", &issued));
    let out = issue_with(&p("issuer.key"));
    assert_refused(&out, "document_number");
    assert!(!p("c.hwy").exists());
    // A device key where an issuer key is needed.
    let out = issue_with(&holder.key);
    assert_refused(&out, "issuer key is needed");
    // Unknown claim names list the valid ones.
    let out = hawiya(&[
        "wallet",
        "present",
        "--wallet",
        s(&dir.join("wallet.db")),
        "--document",
        "1087654321",
        "--disclose",
        "shoe_size",
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("age_over_18"));
}

#[test]
fn the_documented_flow_works_with_default_times() {
    // The README's commands as written: no --not-before, no --at anywhere.
    let d = scratch("readme-flow");
    let held = common::held_id(&d);
    let mut present = held.holder.present_args(&held.credential);
    present.extend(["--profile", "identity"]);
    let text = common::ok(&present, &[]);
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "--trust-list", s(&held.issuer.trust_list)];
        args.extend(["--text", text.trim()]);
        args.extend_from_slice(extra);
        hawiya(&args)
    };
    let out = verify(&["--json"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    // Without --root-key, the CLI says which root key it trusted.
    assert!(
        stderr(&out).contains("pin it with --root-key"),
        "{}",
        stderr(&out)
    );
    // A rejected verdict never claims an assurance level.
    let out = verify(&["--at", "-5", "--json"]);
    assert_eq!(code(&out), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert!(v["assurance"].is_null(), "{v}");
}

#[test]
fn a_dependents_credential_is_issued_to_the_guardian_and_verified_as_such() {
    let d = scratch("dependents");
    let p = |f: &str| d.join(f);
    let ok = |args: &[&str]| common::ok(args, &[]);
    IssuerSetup {
        window: Some(("1600000000", "2200000000")),
        ..IssuerSetup::default()
    }
    .run(&d);
    // The guardian's phone binds once; it receives the guardian's own ID and the child's.
    let guardian = common::Holder::bound_as(&d, "guardian.key", &common::nonce());
    std::fs::write(
        p("guardian.json"),
        r#"{"document_type":"national_id","document_number":"1234567890","document_version":1,
            "name_ar":"محمد عبدالله","name_en":"Mohammed Abdullah","birth_date":"1990-05-17","sex":"male",
            "nationality":"SAU","place_of_birth":"Riyadh","issue_date":"2024-01-10","expiry_date":"2034-01-09"}"#,
    )
    .expect("claims");
    std::fs::write(
        p("child.json"),
        r#"{"document_type":"national_id","document_number":"1098765432","document_version":1,
            "name_ar":"سارة محمد","name_en":"Sara Mohammed","birth_date":"2016-09-03","sex":"female",
            "nationality":"SAU","place_of_birth":"Riyadh","issue_date":"2024-01-10","expiry_date":"2029-01-09"}"#,
    )
    .expect("claims");
    let at = "1704844800";
    let issuer_key = p("issuer.key");
    let issue = |claims: &str, index: &str, out: &str, guardian_of: Option<&str>| {
        let (claims, out) = (p(claims), p(out));
        let mut args = guardian.issue_args(&issuer_key, &claims, index, &out);
        args.extend(["--at", at]);
        if let Some(g) = guardian_of {
            args.extend(["--guardian", g]);
        }
        hawiya(&args)
    };
    let own = issue("guardian.json", "1", "own.hwy", None);
    assert_eq!(code(&own), 0, "{}", stderr(&own));
    assert!(!stdout(&own).contains("guardian"), "{}", stdout(&own));
    let child = issue("child.json", "2", "child.hwy", Some("1234567890"));
    assert_eq!(code(&child), 0, "{}", stderr(&child));
    assert!(
        stdout(&child).contains("to guardian 1234567890's device"),
        "{}",
        stdout(&child)
    );
    // A bad guardian number, or the child's own, is refused with what to do.
    for (guardian, says) in [
        ("12345", "10-digit ID or iqama number"),
        ("3234567890", "10-digit ID or iqama number"),
        ("12345678901", "10-digit ID or iqama number"),
        (
            "123456789a",
            "--guardian must be a 10-digit ID or iqama number, in digits only",
        ),
        ("+123456789", "in digits only"),
        ("1234 56789", "in digits only"),
        ("01234567890", "in digits only"),
        ("", "in digits only"),
        ("1098765432", "the dependent's own"),
    ] {
        let out = issue("child.json", "3", "refused.hwy", Some(guardian));
        assert_eq!(code(&out), 2, "{guardian}");
        assert!(stderr(&out).contains(says), "{guardian}: {}", stderr(&out));
        assert!(!p("refused.hwy").exists());
    }
    // The child's printed card: a print credential naming the guardian too.
    ok(&[
        "issuer",
        "issue",
        "--key",
        s(&p("issuer.key")),
        "--claims",
        s(&p("child.json")),
        "--guardian",
        "1234567890",
        "--at",
        at,
        "--print-status-index",
        "4",
        "--print-out",
        s(&p("child-print.hwy")),
    ]);
    let shown = ok(&["holder", "show", "--credential", s(&p("child.hwy"))]);
    assert!(shown.contains("guardian:      1234567890"), "{shown}");
    assert!(shown.contains("Sara Mohammed"), "{shown}");
    let shown = ok(&["holder", "show", "--credential", s(&p("own.hwy"))]);
    assert!(!shown.contains("guardian"), "{shown}");

    // Presented with the guardian's device key, and as the printed card.
    let present = |credential: &str, extra: &[&str]| {
        let credential = p(credential);
        let key = p("guardian.key");
        let mut args = vec![
            "holder",
            "present",
            "--credential",
            s(&credential),
            "--profile",
            "identity",
        ];
        if extra.is_empty() {
            args.extend(["--key", s(&key)]);
        }
        args.extend_from_slice(extra);
        ok(&args).trim().to_owned()
    };
    let verify = |text: &str, json: bool| {
        let tl = p("trust-list.cbor");
        let mut args = vec!["verify", "--trust-list", s(&tl), "--text", text];
        if json {
            args.push("--json");
        }
        let out = hawiya(&args);
        assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
        stdout(&out)
    };
    for text in [
        present("child.hwy", &[]),
        present("child-print.hwy", &["--static"]),
    ] {
        let shown = verify(&text, false);
        assert!(
            shown.contains("presented by guardian: holder of document 1234567890")
                || shown.contains("a dependent's card; guardian: holder of document 1234567890"),
            "{shown}"
        );
        let v: serde_json::Value = serde_json::from_str(&verify(&text, true)).expect("json");
        assert_eq!(v["guardian"], 1_234_567_890u64, "a number: {v}");
        assert_eq!(v["claims"]["document_number"], "1098765432");
    }
    // The guardian's own ID names no guardian.
    let text = present("own.hwy", &[]);
    assert!(!verify(&text, false).contains("guardian"));
    let v: serde_json::Value = serde_json::from_str(&verify(&text, true)).expect("json");
    assert!(v["guardian"].is_null(), "{v}");
    assert_eq!(v["claims"]["document_number"], "1234567890");
}

#[test]
fn verify_challenge_shows_a_challenge_and_reads_the_phones_answer_from_standard_input() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    let d = scratch("interactive-challenge");
    let held = common::held_id(&d);
    let (tl, id) = (&held.issuer.trust_list, &held.credential);
    let png = d.join("challenge.png");
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_hawiya"))
            .args([
                "verify",
                "--trust-list",
                s(tl),
                "--challenge",
                "--challenge-png",
                s(&png),
                "--min-assurance",
                "challenged",
                "--json",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start hawiya verify --challenge")
    };
    // The verifier shows its challenge on standard error, then waits.
    let read_challenge = |child: &mut std::process::Child| {
        let mut err = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        loop {
            line.clear();
            assert!(
                err.read_line(&mut line).expect("stderr") > 0,
                "no challenge shown"
            );
            if let Some(rest) = line.strip_prefix("challenge: ") {
                return rest.split("   ").next().expect("code").trim().to_owned();
            }
        }
    };
    let answer = |challenge: Option<&str>| {
        let mut args = held.holder.present_args(id);
        args.extend(["--profile", "identity"]);
        if let Some(code) = challenge {
            args.extend(["--challenge", code]);
        }
        let out = hawiya(&args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        stdout(&out)
    };
    let mut child = start();
    let shown = read_challenge(&mut child);
    assert_eq!(shown.len(), 7, "grouped as 123 456: {shown:?}");
    assert!(png.is_file(), "the challenge's QR code as a PNG");
    let code_text = answer(Some(&shown));
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(code_text.as_bytes()).expect("answer");
    drop(stdin);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["assurance"], "challenged");
    assert_eq!(v["challenge"]["grouped"], shown.as_str());
    // A timed code, or one for an earlier challenge, does not answer this one.
    for (earlier, reason) in [
        (None, "challenge_not_answered"),
        (Some(shown.as_str()), "challenge_mismatch"),
    ] {
        let _ = std::fs::remove_file(&png);
        let mut child = start();
        let now_shown = read_challenge(&mut child);
        let text = answer(earlier);
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(text.as_bytes()).expect("answer");
        drop(stdin);
        let out = child.wait_with_output().expect("wait");
        if earlier == Some(now_shown.as_str()) {
            continue; // the same six digits twice: one chance in 900,000
        }
        assert_eq!(code(&out), 1, "{}", stdout(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
        assert_eq!(v["failures"][0]["code"], reason, "{v}");
        assert!(v["assurance"].is_null());
    }
    // No answer at all (standard input closed): a usage error, exit 2.
    let _ = std::fs::remove_file(&png);
    let out = hawiya(&["verify", "--trust-list", s(tl), "--challenge"]);
    assert_refused(&out, "challenge: ");
    assert!(
        stderr(&out).contains("--challenge-from"),
        "{}",
        stderr(&out)
    );
    // --challenge and --text do not go together (the text predates the challenge).
    let out = hawiya(&[
        "verify",
        "--trust-list",
        s(tl),
        "--challenge",
        "--text",
        "HW2:00",
    ]);
    assert_eq!(code(&out), 2);
}
