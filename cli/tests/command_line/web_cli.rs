//! `hawiya web build`: the browser verifier's deployable folder. Trust is
//! checked as `hawiya verify` checks it, and an existing folder is never
//! destroyed without --force (and even then only one this command wrote).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common;
use common::{code, issuer, ok, s, scratch, stderr, IssuerFiles};

fn hawiya(args: &[&str]) -> Output {
    common::run(args, &[])
}

/// A stand-in for web/dist: every file the page needs, with the service
/// worker's placeholders.
fn page(d: &Path) -> PathBuf {
    let site = d.join("dist");
    fs::create_dir_all(&site).expect("site");
    for name in [
        "index.html",
        "style.css",
        "app.js",
        "hawiya_web.js",
        "hawiya_web_bg.wasm",
    ] {
        fs::write(site.join(name), format!("page file {name}")).expect("page file");
    }
    fs::write(
        site.join("sw.js"),
        "const VERSION = \"__HAWIYA_SITE_VERSION__\";\nconst FILES = JSON.parse('__HAWIYA_SITE_FILES__');\n",
    )
    .expect("sw.js");
    site
}

fn status_list(d: &Path, files: &IssuerFiles, name: &str) -> PathBuf {
    let out = d.join(name);
    ok(
        &[
            "issuer",
            "status-list",
            "--key",
            s(&files.issuer_key),
            "--state",
            s(&d.join(format!("{name}.state"))),
            "--out",
            s(&out),
        ],
        &[],
    );
    out
}

fn build(files: &IssuerFiles, site: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "web",
        "build",
        "--root-key",
        s(&files.root_pub),
        "--trust-list",
        s(&files.trust_list),
        "--site",
        s(site),
        "--out",
        s(out),
    ];
    args.extend_from_slice(extra);
    hawiya(&args)
}

/// Names in `d` that a failed run could have left (staging folders).
fn leftovers(d: &Path) -> Vec<String> {
    fs::read_dir(d)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".hawiya-"))
        .collect()
}

#[test]
fn web_build_writes_the_page_with_the_root_key_pinned_and_the_lists() {
    let d = scratch("web-build");
    let files = issuer(&d);
    let site = page(&d);
    let status = status_list(&d, &files, "status-list.cbor");
    let out = d.join("site");
    let run = build(&files, &site, &out, &["--status-list", s(&status)]);
    assert_eq!(code(&run), 0, "{}", stderr(&run));
    for name in [
        "index.html",
        "style.css",
        "app.js",
        "hawiya_web.js",
        "hawiya_web_bg.wasm",
        "sw.js",
        "site.json",
        ".hawiya-site",
    ] {
        assert!(out.join(name).is_file(), "{name} missing");
    }
    assert_eq!(
        fs::read(out.join("trust/trust-list.cbor")).expect("trust list"),
        fs::read(&files.trust_list).expect("trust list")
    );
    assert_eq!(
        fs::read(out.join("trust/status-list.cbor")).expect("status list"),
        fs::read(&status).expect("status list")
    );
    // The pinned key is the root key file's, and the page shows its fingerprint.
    let root: serde_json::Value =
        serde_json::from_slice(&fs::read(&files.root_pub).expect("root.pub")).expect("json");
    let site_json: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("site.json")).expect("site.json")).expect("json");
    assert_eq!(site_json["root_public_key"], root["public_key"]);
    assert_eq!(
        site_json["root_fingerprint"].as_str().map(str::len),
        Some(16)
    );
    assert_eq!(site_json["trust_list"], "trust/trust-list.cbor");
    assert_eq!(site_json["status_lists"][0], "trust/status-list.cbor");
    // The service worker precaches every file, under a cache named after them.
    let sw = fs::read_to_string(out.join("sw.js")).expect("sw.js");
    assert!(!sw.contains("__HAWIYA_SITE_"), "{sw}");
    for name in [
        "index.html",
        "hawiya_web_bg.wasm",
        "site.json",
        "trust/trust-list.cbor",
        "trust/status-list.cbor",
    ] {
        assert!(
            sw.contains(&format!("\"{name}\"")),
            "{name} not precached: {sw}"
        );
    }
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));

    // A new trust list: --force replaces the folder this command wrote, and
    // the service worker's cache gets a new name.
    let version = |sw: &str| sw.lines().next().unwrap_or_default().to_owned();
    let again = build(&files, &site, &out, &[]);
    assert_eq!(
        code(&again),
        2,
        "an existing --out was replaced without --force"
    );
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    assert_eq!(fs::read_to_string(out.join("sw.js")).expect("sw.js"), sw);
    ok(
        &[
            "issuer",
            "trust-list",
            "--root-key",
            s(&files.root_key),
            "--issuer",
            s(&files.issuer_pub),
            "--version",
            "2",
            "--out",
            s(&d.join("tl2.cbor")),
        ],
        &[],
    );
    let newer = files_with(&files, d.join("tl2.cbor"));
    let forced = build(&newer, &site, &out, &["--force"]);
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    let sw2 = fs::read_to_string(out.join("sw.js")).expect("sw.js");
    assert_ne!(version(&sw2), version(&sw), "the cache name did not change");
    assert!(!out.join("trust/status-list.cbor").exists());
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
}

fn files_with(files: &IssuerFiles, trust_list: PathBuf) -> IssuerFiles {
    IssuerFiles {
        root_key: files.root_key.clone(),
        root_pub: files.root_pub.clone(),
        issuer_key: files.issuer_key.clone(),
        issuer_pub: files.issuer_pub.clone(),
        trust_list,
    }
}

#[test]
fn web_build_refuses_a_bad_root_key_file() {
    let d = scratch("web-bad-root");
    let files = issuer(&d);
    let site = page(&d);
    let out = d.join("site");
    // An issuer's public key file is not a root key file (docs/FORMAT.md §2.1).
    let mut wrong = files_with(&files, files.trust_list.clone());
    wrong.root_pub = files.issuer_pub.clone();
    let run = build(&wrong, &site, &out, &[]);
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    assert!(
        stderr(&run).contains("not a root public key file"),
        "{}",
        stderr(&run)
    );
    // Bare hex is refused too.
    let root: serde_json::Value =
        serde_json::from_slice(&fs::read(&files.root_pub).expect("root.pub")).expect("json");
    let bare = d.join("bare.pub");
    fs::write(&bare, root["public_key"].as_str().expect("hex")).expect("bare");
    wrong.root_pub = bare;
    let run = build(&wrong, &site, &out, &[]);
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    assert!(!out.exists(), "a folder was written with a bad root key");
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
}

#[test]
fn web_build_refuses_lists_signed_by_another_root_or_issuer() {
    let d = scratch("web-other-root");
    let files = issuer(&d);
    let other_dir = d.join("other");
    fs::create_dir_all(&other_dir).expect("other");
    let other = issuer(&other_dir);
    let site = page(&d);
    let out = d.join("site");
    // The other authority's trust list, checked with this root key.
    let run = build(
        &files_with(&files, other.trust_list.clone()),
        &site,
        &out,
        &[],
    );
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    assert!(
        stderr(&run).contains("does not verify with the pinned root key"),
        "{}",
        stderr(&run)
    );
    assert!(!out.exists());
    // A status list signed by an issuer key the trust list does not have.
    let foreign = status_list(&other_dir, &other, "status-list.cbor");
    let run = build(&files, &site, &out, &["--status-list", s(&foreign)]);
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    assert!(stderr(&run).contains("status list"), "{}", stderr(&run));
    assert!(!out.exists());
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
}

#[test]
fn web_build_never_destroys_an_existing_out_it_did_not_write() {
    let d = scratch("web-existing");
    let files = issuer(&d);
    let site = page(&d);
    // A folder of someone else's files: refused without and with --force.
    let out = d.join("www");
    fs::create_dir_all(&out).expect("www");
    fs::write(out.join("index.html"), "the bank's own page").expect("index");
    for extra in [&[][..], &["--force"][..]] {
        let run = build(&files, &site, &out, extra);
        assert_eq!(code(&run), 2, "{extra:?}: {}", stderr(&run));
        assert_eq!(
            fs::read_to_string(out.join("index.html")).expect("index"),
            "the bank's own page"
        );
    }
    // A regular file.
    let file = d.join("site.txt");
    fs::write(&file, "keep me").expect("file");
    for extra in [&[][..], &["--force"][..]] {
        let run = build(&files, &site, &file, extra);
        assert_eq!(code(&run), 2, "{extra:?}: {}", stderr(&run));
        assert_eq!(fs::read_to_string(&file).expect("file"), "keep me");
    }
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
}

#[test]
fn web_build_without_a_built_page_says_how_to_build_it() {
    let d = scratch("web-no-page");
    let files = issuer(&d);
    let empty = d.join("empty");
    fs::create_dir_all(&empty).expect("empty");
    let out = d.join("site");
    let run = build(&files, &empty, &out, &[]);
    assert_eq!(code(&run), 2, "{}", stderr(&run));
    assert!(
        stderr(&run).contains("scripts/web-build.sh"),
        "{}",
        stderr(&run)
    );
    assert!(!out.exists());
}
