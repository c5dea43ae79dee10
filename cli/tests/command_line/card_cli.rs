//! `hawiya card` as people and scripts use it: each format, to a file and to
//! standard output, the printed QR verifying with `hawiya verify`, and the
//! errors (unknown document, bad format, unwritable output, no passphrase).

use std::path::PathBuf;
use std::process::Output;
use std::sync::OnceLock;

/// The demo's national ID and resident permit numbers.
const NATIONAL_ID: &str = "1087654321";
const PERMIT: &str = "2345678901";

use crate::common;
use common::{code, s, stderr};

fn run(args: &[&str], passphrase: Option<&str>) -> Output {
    match passphrase {
        Some(p) => common::run(args, &[("HAWIYA_PASSPHRASE", p)]),
        None => common::run(args, &[]),
    }
}

/// One demo folder for every test: its wallet holds the demo's documents,
/// its passphrase is in wallet-passphrase.txt.
fn demo() -> &'static (PathBuf, String) {
    static DEMO: OnceLock<(PathBuf, String)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("hawiya-card-cli-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let out = run(&["demo", "--out", s(&dir)], None);
        assert_eq!(code(&out), 0, "demo failed: {}", stderr(&out));
        let passphrase = std::fs::read_to_string(dir.join("wallet-passphrase.txt"))
            .expect("demo passphrase file")
            .trim()
            .to_owned();
        (dir, passphrase)
    })
}

fn card(args: &[&str]) -> Output {
    let (dir, passphrase) = demo();
    let wallet = dir.join("wallet.db");
    let mut all = vec!["card", "--wallet", s(&wallet)];
    all.extend_from_slice(args);
    run(&all, Some(passphrase))
}

#[test]
fn the_demo_writes_the_three_card_files() {
    let (dir, _) = demo();
    let svg = std::fs::read_to_string(dir.join("card.svg")).unwrap();
    assert!(svg.starts_with("<svg") && !svg.contains("<text"));
    let png = std::fs::read(dir.join("card.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let pdf = std::fs::read(dir.join("card.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let report = std::fs::read_to_string(dir.join("report.txt")).unwrap();
    assert!(report.contains("card.png") && report.contains("card.pdf"));
}

#[test]
fn each_format_to_a_file_and_the_printed_qr_verifies() {
    let (dir, _) = demo();
    for (format, magic) in [
        ("svg", &b"<svg"[..]),
        ("png", &b"\x89PNG"[..]),
        ("pdf", &b"%PDF-"[..]),
    ] {
        let file = dir.join(format!("out-card.{format}"));
        let out = card(&["--document", PERMIT, "--format", format, "--out", s(&file)]);
        assert_eq!(code(&out), 0, "{format}: {}", stderr(&out));
        assert!(std::fs::read(&file).unwrap().starts_with(magic), "{format}");
    }
    let verify = run(
        &[
            "verify",
            "--trust-list",
            s(&dir.join("trust-list.cbor")),
            "--image",
            s(&dir.join("out-card.png")),
        ],
        None,
    );
    let text = String::from_utf8_lossy(&verify.stdout);
    assert_eq!(code(&verify), 0, "{text} {}", stderr(&verify));
    assert!(text.contains("ACCEPTED — printed"), "{text}");
}

#[test]
fn without_out_the_card_goes_to_standard_output() {
    let out = card(&["--document", NATIONAL_ID, "--format", "svg"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(out.stdout.starts_with(b"<svg"));
    // Binary formats too, when standard output is not a terminal.
    let out = card(&["--document", NATIONAL_ID, "--format", "png"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(out.stdout.starts_with(b"\x89PNG\r\n\x1a\n"));
}

#[test]
fn errors_exit_2_and_say_what_to_do() {
    let (dir, _) = demo();
    let cases: [(&[&str], &str); 6] = [
        (
            &["--document", "1999999999", "--format", "png"],
            "1999999999",
        ),
        (&["--document", "12ab", "--format", "png"], "digits"),
        (
            &["--document", NATIONAL_ID, "--format", "jpg"],
            "possible values",
        ),
        (
            &[
                "--document",
                NATIONAL_ID,
                "--format",
                "png",
                "--out",
                "/nonexistent-folder/card.png",
            ],
            "no such folder",
        ),
        (
            &[
                "--document",
                NATIONAL_ID,
                "--format",
                "png",
                "--out",
                s(dir),
            ],
            "is a folder",
        ),
        (
            &[
                "--document",
                NATIONAL_ID,
                "--format",
                "pdf",
                "--out",
                &format!("{}/wallet.db/card.pdf", s(dir)),
            ],
            "no such folder",
        ),
    ];
    for (args, says) in cases {
        let out = card(args);
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?} wrote to stdout");
    }
}

#[test]
fn the_passphrase_is_required_and_checked() {
    let (dir, _) = demo();
    let wallet = dir.join("wallet.db");
    let base = [
        "card",
        "--wallet",
        s(&wallet),
        "--document",
        NATIONAL_ID,
        "--format",
        "svg",
    ];
    let none = run(&base, None);
    assert_eq!(code(&none), 2);
    assert!(
        stderr(&none).contains("HAWIYA_PASSPHRASE"),
        "{}",
        stderr(&none)
    );
    let wrong = run(&base, Some("not-the-passphrase-at-all"));
    assert_eq!(code(&wrong), 2);
    assert!(wrong.stdout.is_empty());
    let missing = run(
        &[
            "card",
            "--wallet",
            s(&dir.join("no-such-wallet.db")),
            "--document",
            NATIONAL_ID,
            "--format",
            "svg",
        ],
        Some("whatever"),
    );
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("no wallet"),
        "{}",
        stderr(&missing)
    );
}
