//! The release bookkeeping of docs/RELEASES.md that a test can hold without
//! the Android SDK or Xcode: one semantic version, written in `Cargo.toml`,
//! is the top entry of `CHANGELOG.md` and the one every package document
//! names; the compatibility table names the wire format and wallet schema
//! this build really uses; the Android build links every Android target for
//! 16 KB pages, asks for JNA 5.17 or newer and NDK r28 or newer, and the JVM
//! jar asks for the same JNA; the size-tuned profile keeps unwinding, and the
//! bundled SQLite leaves out what the wallet does not use.

use std::collections::BTreeMap;
use std::path::PathBuf;

use hawiya_core::FORMAT_VERSION;
use hawiya_wallet::SCHEMA_VERSION;

/// The workspace's version (`[workspace.package]`), which every package takes.
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repo_path(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

fn repo_file(path: &str) -> String {
    let full = repo_path(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// MAJOR.MINOR.PATCH of a version (a pre-release suffix dropped), or None.
fn numbers(version: &str) -> Option<(u64, u64, u64)> {
    let core = version.split_once('-').map_or(
        version,
        |(core, pre)| {
            if pre.is_empty() {
                ""
            } else {
                core
            }
        },
    );
    let mut parts = core.split('.').map(|p| {
        (!p.is_empty()
            && p.chars().all(|c| c.is_ascii_digit())
            && (p == "0" || !p.starts_with('0')))
        .then(|| p.parse::<u64>().ok())
        .flatten()
    });
    let found = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(found)
}

/// The sections of a TOML-like file (`[name]` headings) with their
/// `key = value` lines, values as written. Enough for Cargo.toml,
/// .cargo/config.toml, a Gradle version catalog and gradle.properties
/// (whose lines sit in the unnamed section "").
fn sections(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut all: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current = String::new();
    all.insert(current.clone(), BTreeMap::new());
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.trim().to_owned();
            all.entry(current.clone()).or_default();
        } else if let Some((key, value)) = line.split_once('=') {
            all.entry(current.clone())
                .or_default()
                .insert(key.trim().to_owned(), value.trim().to_owned());
        }
    }
    all
}

fn unquote(value: &str) -> &str {
    value.trim_matches('"')
}

/// The `## [X] - DATE` headings of the changelog, in order.
fn changelog_entries() -> Vec<(String, String)> {
    repo_file("CHANGELOG.md")
        .lines()
        .filter_map(|line| line.strip_prefix("## ["))
        .map(|rest| {
            let (version, after) = rest.split_once(']').expect("a closing bracket");
            let date = after.strip_prefix(" - ").expect("`## [X] - DATE`");
            (version.to_owned(), date.to_owned())
        })
        .collect()
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

#[test]
fn the_version_is_semantic() {
    assert!(
        numbers(VERSION).is_some(),
        "{VERSION} is not MAJOR.MINOR.PATCH[-PRE]"
    );
    assert!(numbers("0.1.0").is_some() && numbers("1.2.3-rc.1").is_some());
    for bad in ["0.1", "01.1.0", "0.1.0.0", "a.b.c", "0..1", "1.2.3-"] {
        assert!(numbers(bad).is_none(), "{bad}");
    }
    let workspace = sections(&repo_file("Cargo.toml"));
    assert_eq!(
        workspace["workspace.package"]
            .get("version")
            .map(|v| unquote(v)),
        Some(VERSION),
        "the version is written once, in [workspace.package]"
    );
}

#[test]
fn the_changelog_starts_with_this_version_and_goes_down() {
    let entries = changelog_entries();
    let (top, date) = entries
        .first()
        .expect("CHANGELOG.md has no `## [X] - DATE` entry");
    assert_eq!(
        top, VERSION,
        "the top entry of CHANGELOG.md is not Cargo.toml's version"
    );
    assert!(
        date == "unreleased" || is_date(date),
        "`{date}`: a date (YYYY-MM-DD) or `unreleased`"
    );
    for pair in entries.windows(2) {
        let (newer, older) = (&pair[0], &pair[1]);
        assert!(
            is_date(&older.1),
            "{} is released, so it has a date",
            older.0
        );
        let (a, b) = (numbers(&newer.0), numbers(&older.0));
        assert!(
            a.is_some() && b.is_some() && a > b,
            "{} must be newer than {}",
            newer.0,
            older.0
        );
    }
}

#[test]
fn the_compatibility_table_names_what_this_build_uses() {
    let text = repo_file("docs/RELEASES.md");
    let rows: Vec<Vec<String>> = text
        .lines()
        .filter(|line| line.starts_with('|'))
        .map(|line| {
            line.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect();
    let header = rows
        .iter()
        .find(|r| {
            r.first().map(String::as_str) == Some("library") && r.iter().any(|c| c == "wire format")
        })
        .expect("docs/RELEASES.md has no table starting `| library | wire format |`");
    let column = |name: &str| {
        header
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("no `{name}` column"))
    };
    let (major, minor, _) = numbers(VERSION).expect("a semantic version");
    let series = if major == 0 {
        format!("0.{minor}.x")
    } else {
        format!("{major}.x")
    };
    let row = rows
        .iter()
        .find(|r| r.first() == Some(&series))
        .unwrap_or_else(|| panic!("docs/RELEASES.md has no row for {series}"));
    assert_eq!(row[column("wire format")], FORMAT_VERSION.to_string());
    assert_eq!(row[column("QR prefix")], format!("`HW{FORMAT_VERSION}:`"));
    let schema = &row[column("wallet schema")];
    assert!(
        schema.split_whitespace().next() == Some(SCHEMA_VERSION.to_string().as_str()),
        "wallet schema `{schema}`, this build writes {SCHEMA_VERSION}"
    );
    // FORMAT.md's title names the same format version.
    let format = repo_file("docs/FORMAT.md");
    assert!(
        format
            .lines()
            .next()
            .is_some_and(|title| title.ends_with(&format!("version {FORMAT_VERSION}"))),
        "docs/FORMAT.md's title does not say version {FORMAT_VERSION}"
    );
}

/// Every `NAME<sep>X.Y.Z` of the package names in the documents (Gradle
/// coordinates, jar and zip file names) is this version: no document tells
/// an app team to fetch another one.
#[test]
fn package_documents_name_this_version() {
    let patterns = [
        "org.hawiya:hawiya-android:",
        "org.hawiya:hawiya-jvm:",
        "hawiya-jvm-",
        "hawiya-android-",
        "hawiya_ffiFFI-",
    ];
    let mut files = vec![
        "README.md".to_owned(),
        "bindings/android/README.md".to_owned(),
        "bindings/swift/README.md".to_owned(),
    ];
    for dir in ["docs", "bindings/swift/release"] {
        if let Ok(entries) = std::fs::read_dir(repo_path(dir)) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".md") || name.ends_with(".template") || name.ends_with(".swift")
                {
                    files.push(format!("{dir}/{name}"));
                }
            }
        }
    }
    let mut checked = 0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(repo_path(file)) else {
            continue;
        };
        for pattern in patterns {
            for (at, _) in text.match_indices(pattern) {
                let rest = &text[at + pattern.len()..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
                    .unwrap_or(rest.len());
                let named = rest[..end]
                    .trim_end_matches(".jar")
                    .trim_end_matches(".pom");
                let named = named
                    .trim_end_matches(".xcframework.zip")
                    .trim_end_matches(".xcframework")
                    .trim_end_matches(".aar")
                    .trim_end_matches('.');
                if numbers(named).is_none() {
                    continue; // a placeholder such as <version> or VERSION
                }
                assert_eq!(
                    named, VERSION,
                    "{file} names {pattern}{named}; the version is {VERSION}"
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked > 0,
        "no document names a package with its version: the check reads nothing"
    );
}

/// The Android ABIs the Gradle build packages, mapped to Rust targets.
fn android_targets() -> Vec<String> {
    let properties = sections(&repo_file("bindings/android/gradle.properties"));
    let abis = properties[""]
        .get("hawiya.abis")
        .expect("gradle.properties sets hawiya.abis");
    let gradle = repo_file("bindings/android/build.gradle.kts");
    abis.split(',')
        .map(str::trim)
        .map(|abi| {
            let key = format!("\"{abi}\" to \"");
            let at = gradle
                .find(&key)
                .unwrap_or_else(|| panic!("build.gradle.kts maps no Rust target for {abi}"));
            let rest = &gradle[at + key.len()..];
            rest[..rest.find('"').expect("a closing quote")].to_owned()
        })
        .collect()
}

#[test]
fn every_android_target_is_linked_for_16_kb_pages() {
    let targets = android_targets();
    for wanted in [
        "aarch64-linux-android",
        "armv7-linux-androideabi",
        "x86_64-linux-android",
    ] {
        assert!(
            targets.iter().any(|t| t == wanted),
            "the AAR does not build {wanted}"
        );
    }
    let config = sections(&repo_file(".cargo/config.toml"));
    for target in &targets {
        let flags = config
            .get(&format!("target.{target}"))
            .and_then(|s| s.get("rustflags"))
            .unwrap_or_else(|| panic!(".cargo/config.toml has no rustflags for {target}"));
        assert!(
            flags.contains("\"link-arg=-Wl,-z,max-page-size=16384\""),
            "{target}: rustflags {flags} lack -z max-page-size=16384"
        );
    }
}

#[test]
fn the_android_build_asks_for_jna_5_17_and_ndk_r28_and_the_jar_agrees() {
    let catalog = sections(&repo_file("bindings/android/gradle/libs.versions.toml"));
    let versions = &catalog["versions"];
    let jna = unquote(versions.get("jna").expect("a jna version"));
    assert!(
        numbers(jna).expect("JNA's version is MAJOR.MINOR.PATCH") >= (5, 17, 0),
        "JNA {jna}: 5.17 or newer loads on 16 KB-page devices"
    );
    let ndk = unquote(versions.get("ndk").expect("an ndk version"));
    let ndk_major: u64 = ndk
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .expect("NDK MAJOR.…");
    assert!(ndk_major >= 28, "NDK {ndk}: r28 or newer");
    for library in ["androidx.biometric", "kotlinx-coroutines-android", "jna"] {
        assert!(
            catalog["libraries"].values().any(|v| v.contains(library)),
            "the catalog has no {library}"
        );
    }
    let gradle = repo_file("bindings/android/build.gradle.kts");
    for needed in [
        "`maven-publish`",
        "consumerProguardFiles(\"consumer-rules.pro\")",
        "extension = \"aar\"",
        "bindings/kotlin/src/main/kotlin",
        "version = workspaceVersion(",
    ] {
        assert!(gradle.contains(needed), "build.gradle.kts lacks {needed}");
    }
    let rules = repo_file("bindings/android/consumer-rules.pro");
    for keep in [
        "-keep class com.sun.jna.** { *; }",
        "-keep class hawiya.ffi.** { *; }",
    ] {
        assert!(
            rules.lines().any(|l| l.trim() == keep),
            "consumer-rules.pro lacks `{keep}`"
        );
    }
    // The JVM jar's POM asks for the same JNA, so a team using both resolves one.
    let jar_script = repo_file("scripts/build-jvm-jar.sh");
    assert!(
        jar_script
            .lines()
            .any(|l| l.trim() == format!("JNA_VERSION={jna}")),
        "scripts/build-jvm-jar.sh does not declare JNA {jna}"
    );
}

#[test]
fn the_phone_profile_is_size_tuned_and_keeps_unwinding() {
    let cargo = sections(&repo_file("Cargo.toml"));
    let phone = cargo
        .get("profile.release-phone")
        .expect("Cargo.toml has [profile.release-phone]");
    assert_eq!(phone.get("inherits").map(|v| unquote(v)), Some("release"));
    assert!(
        matches!(phone.get("opt-level").map(|v| unquote(v)), Some("z" | "s")),
        "opt-level {:?}: \"z\" or \"s\"",
        phone.get("opt-level")
    );
    assert_eq!(phone.get("codegen-units").map(String::as_str), Some("1"));
    // uniffi turns a Rust panic into an error for Kotlin and Swift; with
    // panic = "abort" it would end the app instead.
    for profile in ["profile.release", "profile.release-phone"] {
        let panic = cargo
            .get(profile)
            .and_then(|s| s.get("panic"))
            .map(|v| unquote(v));
        assert!(
            matches!(panic, None | Some("unwind")),
            "{profile}: panic = {panic:?}"
        );
    }
    let properties = sections(&repo_file("bindings/android/gradle.properties"));
    assert_eq!(
        properties[""]
            .get("hawiya.cargoProfile")
            .map(String::as_str),
        Some("release-phone"),
        "the AAR is built with the size-tuned profile"
    );
}

/// The SQLite bundled into the wallet (and so into the phone library) is
/// built as `.cargo/config.toml` says: without the parts the wallet does not
/// use, which are a fifth of the aarch64 library (docs/RELEASES.md, "Size").
/// The wallet's own tests run on this same build.
#[test]
fn the_bundled_sqlite_leaves_out_what_the_wallet_does_not_use() {
    let db = rusqlite::Connection::open_in_memory().expect("an in-memory database");
    let mut statement = db
        .prepare("PRAGMA compile_options")
        .expect("PRAGMA compile_options");
    let options: Vec<String> = statement
        .query_map([], |row| row.get(0))
        .expect("compile options")
        .collect::<Result<_, _>>()
        .expect("compile options as text");
    for absent in [
        "ENABLE_FTS3",
        "ENABLE_FTS5",
        "ENABLE_RTREE",
        "ENABLE_DBSTAT_VTAB",
        "ENABLE_STAT4",
        "ENABLE_LOAD_EXTENSION",
    ] {
        assert!(
            !options.iter().any(|o| o == absent),
            "SQLite was built with {absent}: is LIBSQLITE3_FLAGS of .cargo/config.toml replaced? {options:?}"
        );
    }
    for present in ["OMIT_JSON", "OMIT_LOAD_EXTENSION"] {
        assert!(
            options.iter().any(|o| o == present),
            "SQLite lacks {present}: {options:?}"
        );
    }
    // What the wallet does use still works: a table, an index, a transaction.
    db.execute_batch("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB); CREATE INDEX t_v ON t (v); BEGIN; INSERT INTO t (v) VALUES (x'00'); COMMIT;")
        .expect("plain tables, indexes and transactions");
}
