//! What `hawiya` accepts as input, exactly: every file size-checked before
//! it is read, the root public key file of docs/FORMAT.md §2.1 and nothing
//! else, QR text with at most one line ending, and images whose decoding
//! work is bounded.

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common;
use common::{code, s, scratch, stderr, stdout};

fn hawiya(args: &[&str]) -> Output {
    common::run(args, &[])
}

/// An issuer, a holder and a static code, made with the CLI in `dir`.
struct Setup {
    dir: common::Scratch,
    static_text: String,
}

impl Setup {
    fn new(name: &str) -> Setup {
        let dir = scratch(name);
        let p = |f: &str| s(&dir.join(f)).to_owned();
        let ok = |args: &[&str]| common::ok(args, &[]);
        let issuer = common::issuer(&dir);
        let holder = common::Holder::bound(&dir, &common::nonce());
        let id = common::claims(&dir, "claims.json", "national_id", "1123456789", 1);
        let (held, print) = (dir.join("id.hwy"), dir.join("id-print.hwy"));
        let mut issue = holder.issue_args(&issuer.issuer_key, &id, "7", &held);
        issue.extend(["--print-status-index", "8", "--print-out", s(&print)]);
        ok(&issue);
        let static_text = ok(&[
            "holder",
            "present",
            "--credential",
            &p("id-print.hwy"),
            "--static",
            "--profile",
            "full",
            "--out-png",
            &p("static.png"),
        ])
        .trim_end()
        .to_owned();
        Setup { dir, static_text }
    }

    fn path(&self, name: &str) -> String {
        s(&self.dir.join(name)).to_owned()
    }

    fn verify_text(&self, text: &str, root: &str) -> Output {
        hawiya(&[
            "verify",
            "--trust-list",
            &self.path("trust-list.cbor"),
            "--root-key",
            root,
            "--text",
            text,
            "--json",
        ])
    }
}

/// Runs hawiya and checks it refuses within a few seconds with exit 2.
fn refused_fast(args: &[&str], says: &str) {
    let started = Instant::now();
    let out = hawiya(args);
    let took = started.elapsed();
    assert_eq!(code(&out), 2, "{args:?}: {}{}", stdout(&out), stderr(&out));
    assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
    assert!(
        stderr(&out).contains(says),
        "{args:?} said {:?}, not {says:?}",
        stderr(&out)
    );
}

#[test]
#[cfg(unix)]
fn every_input_file_is_size_checked_before_it_is_read() {
    let setup = Setup::new("dev-zero");
    let p = |f: &str| setup.path(f);
    let zero = "/dev/zero";
    let too_large = "larger than";
    let text = setup.static_text.as_str();
    let (tl, root) = (p("trust-list.cbor"), p("root.pub"));
    let verify = |extra: &[&'static str]| -> Vec<String> {
        let mut args: Vec<String> = ["verify", "--trust-list", &tl, "--root-key", &root]
            .map(str::to_owned)
            .to_vec();
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        args
    };
    let refused_owned = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused_fast(&args, too_large);
    };
    refused_fast(
        &[
            "verify",
            "--trust-list",
            zero,
            "--root-key",
            &root,
            "--text",
            text,
        ],
        too_large,
    );
    refused_fast(
        &[
            "verify",
            "--trust-list",
            &tl,
            "--root-key",
            zero,
            "--text",
            text,
        ],
        too_large,
    );
    let with_text = |flag: &'static str| {
        let mut args = verify(&[flag, "/dev/zero", "--text"]);
        args.push(text.to_owned());
        refused_owned(args);
    };
    with_text("--status-list");
    // --state is also written, so a device is refused as an output first;
    // a huge regular state file is refused from its size.
    let mut args = verify(&["--state", "/dev/zero", "--text"]);
    args.push(text.to_owned());
    let args_ref: Vec<&str> = args.iter().map(String::as_str).collect();
    refused_fast(&args_ref, "not a regular file");
    let huge_state = p("huge-state.json");
    std::fs::File::create(&huge_state)
        .and_then(|f| f.set_len(64 << 20))
        .unwrap();
    let mut args = verify(&["--text"]);
    args.push(text.to_owned());
    args.extend(["--state".to_owned(), huge_state]);
    refused_owned(args);
    refused_owned(verify(&["--image", "/dev/zero"]));
    let issue = |claims: &str, portrait: Option<&str>, request: &str, key: &str| {
        let mut args = vec![
            "issuer".to_owned(),
            "issue".into(),
            "--key".into(),
            key.into(),
            "--claims".into(),
            claims.into(),
            "--request".into(),
            request.into(),
            "--nonce".into(),
            "00".repeat(16),
            "--status-index".into(),
            "1".into(),
            "--out".into(),
            p("never.hwy"),
        ];
        if let Some(portrait) = portrait {
            args.extend(["--portrait".into(), portrait.into()]);
        }
        args
    };
    let (claims, request, key) = (p("claims.json"), p("request.cbor"), p("issuer.key"));
    for args in [
        issue(zero, None, &request, &key),
        issue(&claims, Some(zero), &request, &key),
        issue(&claims, None, zero, &key),
        issue(&claims, None, &request, zero),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused_fast(&args, too_large);
    }
    refused_fast(&["holder", "show", "--credential", zero], too_large);
    refused_fast(
        &[
            "issuer",
            "status-list",
            "--key",
            &key,
            "--state",
            zero,
            "--out",
            &p("never.cbor"),
        ],
        too_large,
    );
    assert!(!Path::new(&p("never.hwy")).exists());
}

#[test]
fn the_root_key_file_is_read_exactly_as_specified() {
    let setup = Setup::new("root-key-file");
    let written = std::fs::read_to_string(setup.dir.join("root.pub")).expect("root.pub");
    let value: serde_json::Value = serde_json::from_str(&written).expect("JSON");
    let hex = value["public_key"].as_str().expect("public_key").to_owned();
    // What `issuer root-key` writes is the format: exactly two members.
    assert_eq!(value.as_object().map(|o| o.len()), Some(2), "{written}");
    assert_eq!(value["kind"], "root");
    assert!(
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    let file = setup.dir.join("variant.pub");
    let try_root = |content: &[u8]| {
        std::fs::write(&file, content).expect("write");
        setup.verify_text(&setup.static_text, s(&file))
    };
    let accepted = [
        written.clone(),
        format!(r#"{{"kind":"root","public_key":"{hex}"}}"#),
        format!("{{\n\t\"public_key\" : \"{hex}\" ,\r\n \"kind\":\"root\"}}\n"),
    ];
    for content in accepted {
        let out = try_root(content.as_bytes());
        assert_eq!(code(&out), 0, "{content}: {}", stderr(&out));
    }
    let upper = hex.to_uppercase();
    let short = &hex[..62];
    let key_bytes = (0..32)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex"))
        .collect::<Vec<u8>>();
    let refused: Vec<(&str, Vec<u8>)> = vec![
        (
            "upper-case hex",
            format!(r#"{{"kind":"root","public_key":"{upper}"}}"#).into(),
        ),
        (
            "an extra member",
            format!(r#"{{"kind":"root","public_key":"{hex}","comment":"x"}}"#).into(),
        ),
        (
            "an issuer profile",
            format!(
                r#"{{"kind":"root","public_key":"{hex}","issuer":{{"kid":"01","name":"n","status_uri":"u"}}}}"#
            )
            .into(),
        ),
        (
            "another kind",
            format!(r#"{{"kind":"issuer","public_key":"{hex}"}}"#).into(),
        ),
        (
            "a repeated member",
            format!(r#"{{"kind":"root","kind":"root","public_key":"{hex}"}}"#).into(),
        ),
        (
            "a short key",
            format!(r#"{{"kind":"root","public_key":"{short}"}}"#).into(),
        ),
        (
            "a small-order key",
            format!(r#"{{"kind":"root","public_key":"01{}"}}"#, "00".repeat(31)).into(),
        ),
        ("the raw 32 key bytes", key_bytes),
        ("the bare hex", hex.clone().into()),
        (
            "text after the object",
            format!(r#"{{"kind":"root","public_key":"{hex}"}} x"#).into(),
        ),
        (
            "a byte order mark",
            format!("\u{feff}{{\"kind\":\"root\",\"public_key\":\"{hex}\"}}").into(),
        ),
        (
            "more than 4096 bytes",
            format!(
                r#"{{"kind":"root","public_key":"{hex}"}}{}"#,
                " ".repeat(4096)
            )
            .into(),
        ),
    ];
    for (what, content) in refused {
        let out = try_root(&content);
        assert_eq!(code(&out), 2, "{what} was accepted");
        assert!(
            stderr(&out).contains("root public key file") || stderr(&out).contains("larger than"),
            "{what}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn qr_text_loses_one_line_ending_and_nothing_else() {
    let setup = Setup::new("qr-whitespace");
    let root = setup.path("root.pub");
    let text = &setup.static_text;
    for accepted in [
        text.clone(),
        format!("{text}\n"),
        format!("{text}\r\n"),
        format!("{text}\r"),
    ] {
        let out = setup.verify_text(&accepted, &root);
        assert_eq!(code(&out), 0, "{accepted:?}: {}", stdout(&out));
    }
    for malformed in [
        format!(" {text}"),
        format!("{text} "),
        format!("{text}\t"),
        format!("{text}\n\n"),
        format!("\n{text}"),
        format!("{text}\u{a0}"),
        format!("\u{feff}{text}"),
    ] {
        let out = setup.verify_text(&malformed, &root);
        assert_eq!(code(&out), 1, "{malformed:?} was accepted");
        let verdict: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
        assert_eq!(verdict["failures"][0]["code"], "malformed", "{malformed:?}");
    }
}

/// A grey PNG, dark where `dark(x, y)`.
fn grey_png(width: u32, height: u32, dark: impl Fn(u32, u32) -> bool) -> Vec<u8> {
    let mut pixels = Vec::with_capacity((width * height) as usize);
    for y in 0..height {
        for x in 0..width {
            pixels.push(if dark(x, y) { 0 } else { 255 });
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("png header");
    writer.write_image_data(&pixels).expect("png data");
    writer.finish().expect("png end");
    out
}

#[test]
fn a_png_of_forty_thousand_corner_marks_is_refused_in_bounded_time() {
    // 200 x 200 finder-pattern-like squares, 7 x 7 one-pixel modules each, one
    // module apart: before the candidate budget, this took minutes of CPU.
    let setup = Setup::new("hostile-png");
    let (n, pitch) = (200u32, 8u32);
    let side = n * pitch + 8;
    let png = grey_png(side, side, |x, y| {
        let (gx, gy) = (x.wrapping_sub(4), y.wrapping_sub(4));
        if gx >= n * pitch || gy >= n * pitch {
            return false;
        }
        let (px, py) = (gx % pitch, gy % pitch);
        px < 7
            && py < 7
            && (px == 0
                || px == 6
                || py == 0
                || py == 6
                || ((2..5).contains(&px) && (2..5).contains(&py)))
    });
    let image = setup.dir.join("hostile.png");
    std::fs::write(&image, &png).expect("write");
    let started = Instant::now();
    let out = hawiya(&[
        "verify",
        "--trust-list",
        &setup.path("trust-list.cbor"),
        "--root-key",
        &setup.path("root.pub"),
        "--image",
        s(&image),
    ]);
    let took = started.elapsed();
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("look like QR corner marks"),
        "{}",
        stderr(&out)
    );
    assert!(took < Duration::from_secs(20), "took {took:?}");
    // The code's own PNG still reads.
    let out = hawiya(&[
        "verify",
        "--trust-list",
        &setup.path("trust-list.cbor"),
        "--root-key",
        &setup.path("root.pub"),
        "--image",
        &setup.path("static.png"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn an_image_over_the_cli_pixel_cap_is_refused_from_its_header() {
    let setup = Setup::new("pixel-cap");
    // A header declaring 5000 x 4000 pixels (20 megapixels), no pixel data.
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, 5000, 4000);
    encoder.set_color(png::ColorType::Grayscale);
    drop(encoder.write_header().expect("header"));
    let image = setup.dir.join("huge.png");
    std::fs::write(&image, &png).expect("write");
    refused_fast(
        &[
            "verify",
            "--trust-list",
            &setup.path("trust-list.cbor"),
            "--root-key",
            &setup.path("root.pub"),
            "--image",
            s(&image),
        ],
        "5000x4000 pixels, more than the 16000000 allowed",
    );
}

/// A PNG whose header declares `width` × `height` pixels, followed by one
/// small compressed row and the end chunk: a few dozen bytes.
fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    drop(encoder.write_header().expect("header"));
    png
}

#[test]
fn a_portrait_is_checked_by_the_size_its_header_declares() {
    let setup = Setup::new("portrait-size");
    let p = |f: &str| setup.path(f);
    let issue = |portrait: &str, out: &str| {
        // A fresh binding request and nonce for each issuance.
        let nonce = stdout(&hawiya(&["issuer", "nonce"])).trim().to_owned();
        let request = p(&format!("{out}.request"));
        let bind = hawiya(&[
            "holder",
            "bind",
            "--key",
            &p("device.key"),
            "--nonce",
            &nonce,
            "--out",
            &request,
        ]);
        assert_eq!(code(&bind), 0, "{}", stderr(&bind));
        hawiya(&[
            "issuer",
            "issue",
            "--key",
            &p("issuer.key"),
            "--claims",
            &p("claims.json"),
            "--request",
            &request,
            "--nonce",
            &nonce,
            "--status-index",
            "9",
            "--portrait",
            portrait,
            "--out",
            &p(out),
        ])
    };
    // A few dozen bytes declaring 20000 x 20000 pixels: refused before
    // anything decodes it, and nothing is written.
    std::fs::write(setup.dir.join("huge.png"), png_declaring(20_000, 20_000)).expect("write");
    let started = Instant::now();
    let out = issue(&p("huge.png"), "huge.hwy");
    assert_eq!(code(&out), 2, "{}", stdout(&out));
    assert!(
        stderr(&out).contains("20000x20000 pixels, more than the 4000000 allowed"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(!Path::new(&p("huge.hwy")).exists());
    // A portrait of ordinary size is issued, and read back.
    std::fs::write(
        setup.dir.join("photo.png"),
        grey_png(60, 80, |x, y| (x + y) % 7 == 0),
    )
    .expect("write");
    let out = issue(&p("photo.png"), "photo.hwy");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let shown = hawiya(&["holder", "show", "--credential", &p("photo.hwy")]);
    assert_eq!(code(&shown), 0, "{}", stderr(&shown));
}

#[test]
fn an_invalid_status_list_is_refused_not_used() {
    // docs/FORMAT.md §7: an invalid list never counts; the CLI stops (exit 2)
    // rather than verify as if it were absent.
    let setup = Setup::new("bad-status-list");
    let p = |f: &str| setup.path(f);
    let made = hawiya(&[
        "issuer",
        "status-list",
        "--key",
        &p("issuer.key"),
        "--state",
        &p("status.bits"),
        "--out",
        &p("status-list.cbor"),
    ]);
    assert_eq!(code(&made), 0, "{}", stderr(&made));
    let good = std::fs::read(setup.dir.join("status-list.cbor")).expect("status list");
    let verify_with = |list: &str| {
        hawiya(&[
            "verify",
            "--trust-list",
            &p("trust-list.cbor"),
            "--root-key",
            &p("root.pub"),
            "--status-list",
            list,
            "--text",
            &setup.static_text,
            "--json",
        ])
    };
    let out = verify_with(&p("status-list.cbor"));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    for (what, bytes) in [
        ("a changed signature", flipped),
        ("a byte after the list", [good.as_slice(), &[0]].concat()),
    ] {
        std::fs::write(setup.dir.join("bad.cbor"), &bytes).expect("write");
        let out = verify_with(&p("bad.cbor"));
        assert_eq!(code(&out), 2, "{what}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("bad.cbor"),
            "{what}: {}",
            stderr(&out)
        );
    }
}
