//! A full disk: unlocking (still counted), listing, showing and presenting
//! (still logged) keep working; changes fail as "disk full" and lose
//! nothing.
//!
//! The scenario runs in a child process (`wallet_worker full-disk`) on a
//! small tmpfs of its own, mounted in a private mount namespace (`unshare`:
//! as root, or as any user where user namespaces are allowed), so the test
//! fills a real file system without touching the machine's. Where no mount
//! is possible it falls back to a file size limit (`ulimit -f`), which
//! checks that an import that cannot be written changes nothing.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use hawiya_tests::*;
use hawiya_wallet::{Protection, Wallet, WalletOptions};

/// Size of the test's own file system.
const TMPFS_SIZE: &str = "4m";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hawiya-full-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the worker's full-disk scenario on a new tmpfs at `dir`, in a
/// private mount namespace; `None` if no such namespace could be made here.
fn on_own_tmpfs(dir: &Path) -> Option<Output> {
    let script = format!(
        r#"mount -t tmpfs -o size={TMPFS_SIZE} hawiya-full-disk "$1" || exit 99; echo mounted; exec "$2" full-disk "$1""#
    );
    let worker = env!("CARGO_BIN_EXE_wallet_worker");
    for unshare in [
        &["--user", "--map-root-user", "--mount"][..],
        &["--mount"][..],
    ] {
        let Ok(out) = Command::new("unshare")
            .args(unshare)
            .args(["sh", "-c", &script, "sh"])
            .arg(dir)
            .arg(worker)
            .stdin(Stdio::null())
            .output()
        else {
            return None;
        };
        if String::from_utf8_lossy(&out.stdout).starts_with("mounted") {
            return Some(out);
        }
    }
    None
}

fn integrity_check(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let result: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(result, "ok");
}

#[test]
fn a_full_disk_still_unlocks_reads_and_presents_and_loses_nothing() {
    let dir = temp_dir("tmpfs");
    let Some(out) = on_own_tmpfs(&dir) else {
        eprintln!("no private tmpfs can be mounted here: using a file size limit instead");
        return a_file_that_cannot_grow_loses_nothing();
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the full-disk scenario failed:\n{stdout}\n{stderr}"
    );
    for step in [
        "ok open",
        "ok wrong guess counted",
        "ok unlock",
        "ok list",
        "ok present static",
        "ok present device-bound",
        "ok import refused",
        "ok nothing lost",
        "ok present refused",
        "ok log unchanged",
        "ok import",
        "done",
    ] {
        assert!(
            stdout.lines().any(|l| l == step),
            "missing {step:?}:\n{stdout}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The fallback: the worker may not grow any file beyond a limit a little
/// above the wallet's size.
fn a_file_that_cannot_grow_loses_nothing() {
    let dir = temp_dir("limit");
    let path = dir.join("wallet.db");
    {
        let wallet = Wallet::create(
            &path,
            Protection::Passphrase(PASSPHRASE),
            &WalletOptions::default(),
        )
        .unwrap();
        let key = wallet.create_device_key().unwrap();
        wallet
            .import_with_print(
                &issue_to_wallet(&wallet, &key, &national_id(), None),
                &issue_print_to_wallet(&national_id(), None),
                &trust_list(),
                PRESENTED_AT,
            )
            .unwrap();
    }
    let size = std::fs::metadata(&path).unwrap().len();
    let blocks = (size + 96 * 1024) / 512;
    let mut child = Command::new("sh")
        .args([
            "-c",
            r#"trap '' XFSZ; ulimit -f "$1" && exec "$2" size-limited "$3""#,
            "sh",
            &blocks.to_string(),
            env!("CARGO_BIN_EXE_wallet_worker"),
        ])
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(child.wait().unwrap().success(), "{stdout}\n{stderr}");
    assert!(stdout.lines().any(|l| l == "ok import refused"), "{stdout}");
    assert!(stdout.ends_with("done\n"), "{stdout}");
    integrity_check(&path);
    let wallet = Wallet::open(&path, &WalletOptions::default()).unwrap();
    wallet
        .unlock(Protection::Passphrase(PASSPHRASE), PRESENTED_AT)
        .unwrap();
    assert_eq!(wallet.documents().unwrap().len(), 1);
    assert_eq!(wallet.presentation_log().unwrap().len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The fallback runs everywhere, also where the tmpfs test does not need it.
#[test]
fn under_a_file_size_limit_an_import_that_cannot_be_written_loses_nothing() {
    a_file_that_cannot_grow_loses_nothing();
}
