//! Every command that writes a file: an existing file is replaced only with
//! `--force`, and never the wallet, a key or another file the same command
//! reads, nor anything but a regular file; two processes writing one file
//! never both win; a failed, full or interrupted write leaves nothing
//! behind; state shared by several processes is updated in turns.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use hawiya_core::StatusList;

use crate::common;
use common::{
    assert_refused, claims, code, ok, run, run_with_limit, s, scratch, stderr, stdout, Holder,
};

const PASSPHRASE: &str = "olive tree by the wadi 7";
const BACKUP_PASSPHRASE: &str = "sealed copy for the new phone";
const PASS: [(&str, &str); 1] = [("HAWIYA_PASSPHRASE", PASSPHRASE)];
const BOTH: [(&str, &str); 2] = [
    ("HAWIYA_PASSPHRASE", PASSPHRASE),
    ("HAWIYA_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE),
];

/// Runs hawiya and asserts it refused (exit 2) saying `says`.
fn refused(args: &[&str], env: &[(&str, &str)], says: &str) -> Output {
    let out = run(args, env);
    assert_eq!(code(&out), 2, "{args:?} was not refused: {}", stdout(&out));
    assert!(
        stderr(&out).contains(says),
        "{args:?}: expected {says:?} in: {}",
        stderr(&out)
    );
    out
}

/// Every entry of `dir` (and its sub-folders) with the bytes of each
/// regular file, so a test can tell that nothing changed.
fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut all = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read dir") {
            let entry = entry.expect("entry");
            let path = entry.path();
            let kind = entry.file_type().expect("file type");
            let name = path
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            if kind.is_dir() {
                stack.push(path);
                all.insert(name, None);
            } else if kind.is_file() {
                all.insert(name, Some(std::fs::read(&path).expect("read")));
            } else {
                all.insert(name, None);
            }
        }
    }
    all
}

/// Names in `dir` that look like temporary files of any kind.
fn temporaries(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_keys()
        .filter(|n| {
            let base = n.rsplit('/').next().unwrap_or(n);
            base.starts_with(".hawiya-") && base != ".hawiya-demo.json"
                || base.ends_with(".partial")
                || base.ends_with(".restoring")
                || base.ends_with(".tmp")
        })
        .collect()
}

fn assert_no_temporaries(dir: &Path) {
    let left = temporaries(dir);
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

#[cfg(unix)]
fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

/// Makes a named pipe at `path`, runs `attempt` on it, checks that the pipe
/// is still there (not replaced by a file), and removes it.
#[cfg(unix)]
fn on_a_pipe(path: &Path, attempt: impl FnOnce(&Path)) {
    mkfifo(path);
    attempt(path);
    assert!(is_fifo(path), "{path:?}: the pipe was replaced");
    std::fs::remove_file(path).expect("remove the pipe");
}

/// The public key in a key pair's `.pub` file is the secret key's.
fn pair_matches(secret: &Path) -> bool {
    let read = |p: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(p).expect("key file")).expect("key json")
    };
    let secret_hex = read(secret)["secret_key"]
        .as_str()
        .expect("secret")
        .to_owned();
    let bytes: [u8; 32] = hex_bytes(&secret_hex).try_into().expect("32 bytes");
    let public = ed25519_dalek::SigningKey::from_bytes(&bytes).verifying_key();
    let listed = read(&secret.with_extension("pub"))["public_key"]
        .as_str()
        .expect("public")
        .to_owned();
    hex_bytes(&listed) == public.as_bytes()
}

fn hex_bytes(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Runs the same command `n` times at once (each from its own thread, all
/// released together) and returns every output.
fn at_once(
    n: usize,
    args: Vec<String>,
    env: &'static [(&'static str, &'static str)],
) -> Vec<Output> {
    let barrier = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let (barrier, args) = (Arc::clone(&barrier), args.clone());
            std::thread::spawn(move || {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                barrier.wait();
                run(&args, env)
            })
        })
        .collect();
    threads
        .into_iter()
        .map(|t| t.join().expect("thread"))
        .collect()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

/// A wallet `w.db` in `d` holding a national ID, with the issuer beside it.
fn wallet_with_id(d: &Path) -> PathBuf {
    common::issuer(d);
    let w = d.join("w.db");
    ok(&["wallet", "init", "--wallet", s(&w)], &PASS);
    let id = claims(d, "id.json", "national_id", "1123456789", 1);
    let credential = common::issue_to_wallet(d, &w, &PASS, &id, "1", "id.hwy");
    common::import_with_print(d, &w, &PASS, &credential);
    w
}

/// `hawiya wallet restore` of `backup` onto `wallet`, then `extra`.
fn restore<'a>(
    trust_list: &'a Path,
    backup: &'a Path,
    wallet: &'a Path,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let restore = ["wallet", "restore", "--trust-list", s(trust_list)];
    [
        &restore[..],
        &["--from", s(backup), "--wallet", s(wallet)],
        extra,
    ]
    .concat()
}

/// How many presentations the wallet's log holds.
fn log_entries(w: &Path) -> usize {
    let log = ok(&["wallet", "log", "--wallet", s(w), "--json"], &PASS);
    let log: serde_json::Value = serde_json::from_str(&log).expect("json");
    log["entries"].as_array().expect("entries").len()
}

#[test]
fn key_commands_never_overwrite_and_never_split_a_pair() {
    let d = scratch("writes-keys");
    let key = d.join("root.key");
    ok(&["issuer", "root-key", "--out", s(&key)], &[]);
    let before = snapshot(&d);
    // Again: refused, both files as they were.
    refused(
        &["issuer", "root-key", "--out", s(&key)],
        &[],
        "already exists; give --force",
    );
    assert_eq!(snapshot(&d), before);
    // A .pub beside a new name is in the way too: nothing is written.
    std::fs::write(d.join("issuer.pub"), b"someone's public key").expect("pub");
    refused(
        &[
            "issuer",
            "key",
            "--out",
            s(&d.join("issuer.key")),
            "--kid",
            "01",
            "--name",
            "A",
            "--status-uri",
            "u",
        ],
        &[],
        "issuer.pub already exists",
    );
    assert!(!d.join("issuer.key").exists(), "half a key pair written");
    // The secret key cannot be named .pub: both would go to one file.
    refused(
        &[
            "issuer",
            "root-key",
            "--out",
            s(&d.join("root.pub")),
            "--force",
        ],
        &[],
        "written beside the secret key as .pub",
    );
    assert_eq!(
        std::fs::read(d.join("issuer.pub")).expect("pub"),
        b"someone's public key"
    );
    // --force replaces the pair, and the pair matches.
    ok(&["issuer", "root-key", "--out", s(&key), "--force"], &[]);
    assert_ne!(snapshot(&d)["root.key"], before["root.key"]);
    assert!(pair_matches(&key));
    // Not a regular file: never, even with --force.
    #[cfg(unix)]
    on_a_pipe(&d.join("device.key"), |fifo| {
        refused(
            &["holder", "key", "--out", s(fifo), "--force"],
            &[],
            "named pipe, not a regular file",
        );
    });

    // Eight processes making the same new key at once: one wins, the others
    // are refused, and the pair on disk is one key's.
    let shared = d.join("shared.key");
    let outs = at_once(8, strings(&["holder", "key", "--out", s(&shared)]), &[]);
    let won = outs.iter().filter(|o| code(o) == 0).count();
    assert_eq!(won, 1, "{:?}", outs.iter().map(stderr).collect::<Vec<_>>());
    for o in outs.iter().filter(|o| code(o) != 0) {
        assert_eq!(code(o), 2);
        assert!(stderr(o).contains("already exists"), "{}", stderr(o));
    }
    assert!(pair_matches(&shared));
    // With --force, all eight replace it, and still the pair is one key's.
    let outs = at_once(
        8,
        strings(&["holder", "key", "--out", s(&shared), "--force"]),
        &[],
    );
    assert!(outs.iter().all(|o| code(o) == 0), "{}", stderr(&outs[0]));
    assert!(pair_matches(&shared));
    assert_no_temporaries(&d);
}

#[test]
fn issuer_commands_never_write_onto_their_inputs() {
    let d = scratch("writes-issuer");
    let issuer = common::issuer(&d);
    let sub = d.join("sub");
    std::fs::create_dir(&sub).expect("sub");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&d, d.join("alias")).expect("symlink");
    std::fs::hard_link(&issuer.issuer_pub, d.join("pub-link")).expect("hard link");
    let before = snapshot(&d);
    let trust_list = |out: &Path, force: bool| {
        let mut args = vec![
            "issuer",
            "trust-list",
            "--root-key",
            s(&issuer.root_key),
            "--issuer",
            s(&issuer.issuer_pub),
            "--version",
            "2",
            "--out",
            s(out),
        ];
        if force {
            args.push("--force");
        }
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run_strings = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, &[])
    };
    // The root key itself, a `..` detour to it, a symbolic link to its
    // folder, and a hard link to an issuer key: all inputs, even with --force.
    let mut attempts = vec![
        issuer.root_key.clone(),
        sub.join("../root.key"),
        d.join("pub-link"),
    ];
    #[cfg(unix)]
    attempts.push(d.join("alias/root.key"));
    for out in attempts {
        for force in [false, true] {
            let o = run_strings(trust_list(&out, force));
            assert_eq!(code(&o), 2, "{out:?}");
            assert!(
                stderr(&o).contains("never writes onto a file the same command reads"),
                "{out:?}: {}",
                stderr(&o)
            );
        }
    }
    assert_eq!(snapshot(&d), before, "an input changed");
    // The existing trust list: only with --force.
    let o = run_strings(trust_list(&issuer.trust_list, false));
    assert_refused(&o, "already exists");
    assert_eq!(snapshot(&d), before);
    assert_eq!(code(&run_strings(trust_list(&issuer.trust_list, true))), 0);
    assert_ne!(snapshot(&d)["trust-list.cbor"], before["trust-list.cbor"]);

    // issue: never onto the request or the claims; an existing output only
    // with --force.
    let holder = Holder::bound(&d, &common::nonce());
    let request = holder.request.clone();
    let id = claims(&d, "id.json", "national_id", "1123456789", 1);
    let issue = |out: &Path, force: bool| {
        let mut args = holder.issue_args(&issuer.issuer_key, &id, "3", out);
        if force {
            args.push("--force");
        }
        run(&args, &[])
    };
    let before = snapshot(&d);
    for out in [request.clone(), id.clone(), issuer.issuer_key.clone()] {
        let o = issue(&out, true);
        assert_eq!(code(&o), 2, "{out:?}");
        assert!(stderr(&o).contains("reads"), "{}", stderr(&o));
    }
    assert_eq!(snapshot(&d), before);
    let held = d.join("id.hwy");
    assert_eq!(code(&issue(&held, false)), 0);
    let first = std::fs::read(&held).expect("held");
    let o = issue(&held, false);
    assert_refused(&o, "already exists");
    assert_eq!(std::fs::read(&held).expect("held"), first);
    assert_eq!(code(&issue(&held, true)), 0);
    assert_ne!(std::fs::read(&held).expect("held"), first);
    assert_no_temporaries(&d);
}

#[test]
fn status_state_is_updated_in_turns_and_never_overwritten_by_the_list() {
    let d = scratch("writes-status");
    let issuer = common::issuer(&d);
    let state = d.join("status.bits");
    // Eight revocations at once, each of its own index: none is lost.
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let state = state.clone();
            std::thread::spawn(move || {
                let index = (i * 3).to_string();
                run(
                    &[
                        "issuer",
                        "revoke",
                        "--state",
                        s(&state),
                        "--index",
                        &index,
                        "--capacity",
                        "1024",
                    ],
                    &[],
                )
            })
        })
        .collect();
    for t in threads {
        let o = t.join().expect("thread");
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    let bits = StatusList::from_raw(std::fs::read(&state).expect("state")).expect("bits");
    for i in 0..24 {
        assert_eq!(bits.is_invalid(i).expect("index"), i % 3 == 0, "index {i}");
    }
    // The signed list never goes onto the state or the key files.
    let before = snapshot(&d);
    for out in [&state, &issuer.issuer_key, &issuer.issuer_pub] {
        refused(
            &[
                "issuer",
                "status-list",
                "--key",
                s(&issuer.issuer_key),
                "--state",
                s(&state),
                "--out",
                s(out),
                "--force",
            ],
            &[],
            "never writes onto a file the same command reads",
        );
    }
    assert_eq!(snapshot(&d), before);
    let list = d.join("status-list.cbor");
    let publish = |force: bool| {
        let mut args = vec![
            "issuer",
            "status-list",
            "--key",
            s(&issuer.issuer_key),
            "--state",
            s(&state),
            "--out",
            s(&list),
        ];
        if force {
            args.push("--force");
        }
        run(&args, &[])
    };
    assert_eq!(code(&publish(false)), 0);
    let o = publish(false);
    assert_refused(&o, "already exists");
    assert_eq!(code(&publish(true)), 0);
    // A state that is not a regular file is refused at once.
    #[cfg(unix)]
    on_a_pipe(&d.join("fifo.bits"), |fifo| {
        let o = run_with_limit(
            &["issuer", "revoke", "--state", s(fifo), "--index", "1"],
            &[],
            Duration::from_secs(30),
        );
        assert_refused(&o, "not a regular file");
    });
    assert_no_temporaries(&d);
}

#[test]
fn wallet_commands_never_write_onto_the_wallet() {
    let d = scratch("writes-wallet");
    let w = wallet_with_id(&d);
    std::fs::hard_link(&w, d.join("w-link.db")).expect("hard link");
    std::fs::create_dir(d.join("sub")).expect("sub");
    // (Reading the log unlocks the wallet, which writes to it.)
    let logged = log_entries(&w);
    let before = snapshot(&d);
    // `wallet export --out` onto the wallet (the typo that once replaced a
    // wallet with its backup), plainly, by a detour, and by a hard link;
    // with --force too. Likewise bind, present --png and card --out.
    for out in [
        w.clone(),
        d.join("sub/../w.db"),
        d.join("w-link.db"),
        PathBuf::from(format!("{}-wal", s(&w))),
    ] {
        for force in [false, true] {
            let f = if force { vec!["--force"] } else { vec![] };
            let cases: [Vec<&str>; 4] = [
                vec!["wallet", "export", "--wallet", s(&w), "--out", s(&out)],
                vec![
                    "wallet",
                    "bind",
                    "--wallet",
                    s(&w),
                    "--nonce",
                    "00112233445566778899aabbccddeeff",
                    "--out",
                    s(&out),
                ],
                vec![
                    "wallet",
                    "present",
                    "--wallet",
                    s(&w),
                    "--document",
                    "1123456789",
                    "--png",
                    s(&out),
                ],
                vec![
                    "card",
                    "--wallet",
                    s(&w),
                    "--document",
                    "1123456789",
                    "--format",
                    "png",
                    "--out",
                    s(&out),
                ],
            ];
            for mut args in cases {
                args.extend(&f);
                let o = run(&args, &BOTH);
                assert_eq!(code(&o), 2, "{args:?}");
                let err = stderr(&o);
                assert!(
                    err.contains("never writes onto a file the same command reads"),
                    "{args:?}: {err}"
                );
            }
        }
    }
    assert_eq!(
        snapshot(&d),
        before,
        "the wallet or a file beside it changed"
    );
    assert_eq!(
        log_entries(&w),
        logged,
        "a refused command logged a presentation"
    );
    // An existing output: refused before the passphrase is even checked and
    // before anything is logged; replaced with --force.
    let png = d.join("id.png");
    let backup = d.join("w.backup");
    let card = d.join("card.svg");
    for path in [&png, &backup, &card] {
        std::fs::write(path, b"the holder's own file").expect("existing");
    }
    let cases: [(Vec<&str>, &PathBuf); 3] = [
        (
            vec![
                "wallet",
                "present",
                "--wallet",
                s(&w),
                "--document",
                "1123456789",
                "--png",
                s(&png),
            ],
            &png,
        ),
        (
            vec!["wallet", "export", "--wallet", s(&w), "--out", s(&backup)],
            &backup,
        ),
        (
            vec![
                "card",
                "--wallet",
                s(&w),
                "--document",
                "1123456789",
                "--format",
                "svg",
                "--out",
                s(&card),
            ],
            &card,
        ),
    ];
    for (args, path) in &cases {
        let o = run(args, &[("HAWIYA_PASSPHRASE", "not the passphrase")]);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(
            stderr(&o).contains("already exists"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert_eq!(std::fs::read(path).expect("kept"), b"the holder's own file");
    }
    assert_eq!(log_entries(&w), logged);
    for (args, path) in cases {
        let mut args = args.clone();
        args.push("--force");
        ok(&args, &BOTH);
        assert_ne!(
            std::fs::read(path).expect("replaced"),
            b"the holder's own file"
        );
    }
    assert_eq!(log_entries(&w), logged + 2, "present and card each log one");
    assert_no_temporaries(&d);
}

#[test]
fn wallet_init_and_restore_replace_a_file_only_with_force() {
    let d = scratch("writes-init");
    let w = wallet_with_id(&d);
    let backup = d.join("w.backup");
    ok(
        &["wallet", "export", "--wallet", s(&w), "--out", s(&backup)],
        &BOTH,
    );
    let list = |wallet: &Path| -> serde_json::Value {
        serde_json::from_str(&ok(
            &["wallet", "list", "--wallet", s(wallet), "--json"],
            &PASS,
        ))
        .expect("json")
    };
    let documents = |wallet: &Path| {
        list(wallet)["people"]
            .as_array()
            .map(|p| {
                p.iter()
                    .map(|x| x["documents"].as_array().map_or(0, Vec::len))
                    .sum::<usize>()
            })
            .unwrap_or(0)
    };
    assert_eq!(documents(&w), 1);
    let trust_list = d.join("trust-list.cbor");

    // A file that happens to have the name restore once used for its work
    // is the holder's: it stays.
    let fresh = d.join("fresh.db");
    let theirs = d.join("fresh.db.restoring");
    std::fs::write(&theirs, b"not hawiya's").expect("theirs");
    ok(&restore(&trust_list, &backup, &fresh, &[]), &BOTH);
    assert_eq!(std::fs::read(&theirs).expect("kept"), b"not hawiya's");
    std::fs::remove_file(&theirs).expect("remove");

    // init over an existing file: refused, then replaced with --force once
    // the new wallet is complete; a refused passphrase leaves the old file.
    let other = d.join("notes.txt");
    std::fs::write(&other, b"notes").expect("notes");
    refused(
        &["wallet", "init", "--wallet", s(&other)],
        &PASS,
        "already exists; choose another path, or give --force",
    );
    refused(
        &["wallet", "init", "--wallet", s(&other), "--force"],
        &[("HAWIYA_PASSPHRASE", "123456")],
        "passphrase refused",
    );
    assert_eq!(std::fs::read(&other).expect("notes"), b"notes");
    ok(&["wallet", "init", "--wallet", s(&other), "--force"], &PASS);
    assert_eq!(documents(&other), 0);
    #[cfg(unix)]
    assert_eq!(common::mode(&other), 0o600);

    // restore: not over an existing wallet without --force; never over the
    // backup it reads; with --force, the restored wallet replaces the file.
    refused(
        &restore(&trust_list, &backup, &other, &[]),
        &BOTH,
        "already exists; choose another path, or give --force",
    );
    refused(
        &restore(&trust_list, &backup, &backup, &["--force"]),
        &BOTH,
        "the file given as --from",
    );
    ok(&restore(&trust_list, &backup, &other, &["--force"]), &BOTH);
    assert_eq!(documents(&other), 1);
    #[cfg(unix)]
    assert_eq!(common::mode(&other), 0o600);

    // A wallet left with its SQLite log beside it is never replaced, and a
    // stale log never gets a new wallet put beside it: even with --force.
    let wal = PathBuf::from(format!("{}-wal", s(&fresh)));
    std::fs::write(&wal, b"last changes").expect("wal");
    refused(
        &["wallet", "init", "--wallet", s(&fresh), "--force"],
        &PASS,
        "was not closed cleanly",
    );
    std::fs::rename(&fresh, d.join("moved.db")).expect("move");
    refused(
        &restore(&trust_list, &backup, &fresh, &["--force"]),
        &BOTH,
        "left over from an earlier wallet",
    );
    assert_eq!(std::fs::read(&wal).expect("wal"), b"last changes");
    std::fs::remove_file(&wal).expect("remove wal");
    #[cfg(unix)]
    on_a_pipe(&d.join("pipe.db"), |fifo| {
        refused(
            &["wallet", "init", "--wallet", s(fifo), "--force"],
            &PASS,
            "not a regular file",
        );
    });
    assert_no_temporaries(&d);
}

#[test]
fn holder_bind_and_present_never_write_onto_their_inputs() {
    let d = scratch("writes-holder");
    let issuer = common::issuer(&d);
    let key = d.join("device.key");
    ok(&["holder", "key", "--out", s(&key)], &[]);
    let request = d.join("request.cbor");
    let bind = |out: &Path, force: bool| {
        let mut args = vec![
            "holder",
            "bind",
            "--key",
            s(&key),
            "--nonce",
            NONCE,
            "--out",
            s(out),
        ];
        if force {
            args.push("--force");
        }
        run(&args, &[])
    };
    std::fs::create_dir(d.join("sub")).expect("sub");
    let before = snapshot(&d);
    for out in [&key, &d.join("sub/../device.key")] {
        for force in [false, true] {
            let o = bind(out, force);
            assert_refused(&o, "reads");
        }
    }
    assert_eq!(snapshot(&d), before, "a key file changed");
    assert_eq!(code(&bind(&request, false)), 0);
    let o = bind(&request, false);
    assert_refused(&o, "already exists");
    assert_eq!(code(&bind(&request, true)), 0);
    let holder = Holder {
        key: key.clone(),
        request,
        nonce: NONCE.to_owned(),
    };
    let held = issue_id(&d, &issuer, &holder);
    let present = |extra: &[&str]| {
        let mut args = holder.present_args(&held);
        args.extend(["--profile", "identity"]);
        args.extend_from_slice(extra);
        run(&args, &[])
    };
    let before = snapshot(&d);
    let qr = d.join("qr.txt");
    for (extra, says) in [
        (vec!["--out-png", s(&held)], "--credential"),
        (vec!["--out-png", s(&held), "--force"], "--credential"),
        (vec!["--out-svg", s(&key), "--force"], "--key"),
        (vec!["--out-text", s(&qr), "--out-svg", s(&qr)], "both name"),
    ] {
        let o = present(&extra);
        assert_eq!(code(&o), 2, "{extra:?}");
        assert!(stderr(&o).contains(says), "{extra:?}: {}", stderr(&o));
    }
    assert_eq!(snapshot(&d), before, "a refused present wrote something");
    assert_eq!(code(&present(&["--out-text", s(&qr)])), 0);
    let o = present(&["--out-text", s(&qr)]);
    assert_refused(&o, "already exists");
    assert_eq!(code(&present(&["--out-text", s(&qr), "--force"])), 0);
    assert_no_temporaries(&d);
}

#[test]
fn eight_verifiers_sharing_a_state_file_accept_a_code_once() {
    let d = scratch("writes-verify");
    let issuer = common::IssuerSetup {
        window: Some(("1600000000", "2200000000")),
        ..common::IssuerSetup::default()
    }
    .run(&d);
    let holder = Holder::bound(&d, NONCE);
    let held = issue_id(&d, &issuer, &holder);
    let state = d.join("verifier-state.json");
    // A shared state starts missing, then holds earlier codes.
    for (round, profile) in ["identity", "full", "age18"].into_iter().enumerate() {
        // The phone signs at its clock's present; another disclosure is
        // another code.
        let mut present = holder.present_args(&held);
        present.extend(["--profile", profile]);
        let text = ok(&present, &[]);
        let args = strings(&[
            "verify",
            "--trust-list",
            s(&issuer.trust_list),
            "--text",
            text.trim(),
            "--state",
            s(&state),
            "--json",
        ]);
        let outs = at_once(8, args, &[]);
        let accepted = outs.iter().filter(|o| code(o) == 0).count();
        assert_eq!(
            accepted,
            1,
            "round {round}: {:?}",
            outs.iter()
                .map(|o| (code(o), stdout(o), stderr(o)))
                .collect::<Vec<_>>()
        );
        for o in outs.iter().filter(|o| code(o) != 0) {
            assert_eq!(code(o), 1, "round {round}: {}", stderr(o));
            assert!(
                stdout(o).contains("\"replayed\""),
                "round {round}: {}",
                stdout(o)
            );
        }
    }
    // The state is never one of verify's inputs.
    let before = snapshot(&d);
    refused(
        &[
            "verify",
            "--trust-list",
            s(&issuer.trust_list),
            "--text",
            "HW2:00",
            "--state",
            s(&issuer.trust_list),
        ],
        &[],
        "a state file must be a file of its own",
    );
    assert_eq!(snapshot(&d), before);
    assert_no_temporaries(&d);
}

#[test]
fn the_demo_replaces_only_what_it_wrote() {
    let d = scratch("writes-demo");
    let demo = |force: bool| {
        let mut args = vec!["demo", "--out", s(&d)];
        if force {
            args.push("--force");
        }
        run(&args, &PASS)
    };
    // A folder holding the holder's own wallet and key: refused, untouched.
    std::fs::write(d.join("wallet.db"), b"the holder's real wallet").expect("wallet");
    std::fs::write(d.join("device.key"), b"the holder's real key").expect("key");
    let before = snapshot(&d);
    let o = demo(false);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("wallet.db") && stderr(&o).contains("--force"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&d), before, "the demo wrote before refusing");
    // Without the wallet in the way it runs, and leaves the key alone.
    std::fs::rename(d.join("wallet.db"), d.join("mine.db")).expect("move");
    let o = demo(false);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("device.key"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(d.join("device.key")).expect("key"),
        b"the holder's real key"
    );
    // Using the demo's wallet changes it in place; again on the same
    // folder, the demo still replaces its own files.
    ok(
        &["wallet", "list", "--wallet", s(&d.join("wallet.db"))],
        &PASS,
    );
    let o = demo(false);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // A file edited since is the holder's now.
    let report = d.join("report.txt");
    let mut edited = std::fs::read(&report).expect("report");
    edited.extend_from_slice(b"my notes\n");
    std::fs::write(&report, &edited).expect("edit");
    let o = demo(false);
    assert_refused(&o, "report.txt");
    assert_eq!(std::fs::read(&report).expect("report"), edited);
    // Not a regular file where the demo writes: never, even with --force.
    #[cfg(unix)]
    {
        let png = d.join("presentation.png");
        std::fs::remove_file(&png).expect("remove");
        on_a_pipe(&png, |_| {
            let o = demo(true);
            assert_refused(&o, "presentation.png");
        });
    }
    let o = demo(true);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_ne!(std::fs::read(&report).expect("report"), edited);
    assert_eq!(
        std::fs::read(d.join("mine.db")).expect("mine"),
        b"the holder's real wallet"
    );
    assert_no_temporaries(&d);
}

/// The nonce every binding request in these tests answers.
const NONCE: &str = "00112233445566778899aabbccddeeff";

/// The issuer of `d` issues a national ID to `holder` as `d/id.hwy`.
fn issue_id(d: &Path, issuer: &common::IssuerFiles, holder: &Holder) -> PathBuf {
    let id = claims(d, "id.json", "national_id", "1123456789", 1);
    let held = d.join("id.hwy");
    ok(&holder.issue_args(&issuer.issuer_key, &id, "1", &held), &[]);
    held
}

/// A holder's credential and key in `d`, to present from.
fn presentable(d: &Path) -> (PathBuf, PathBuf) {
    let issuer = common::issuer(d);
    let holder = Holder::bound(d, NONCE);
    (issue_id(d, &issuer, &holder), holder.key)
}

#[cfg(unix)]
#[test]
fn a_failing_write_leaves_nothing_behind() {
    let d = scratch("writes-efbig");
    let (held, key) = presentable(&d);
    let out = d.join("out");
    std::fs::create_dir(&out).expect("out");
    std::fs::write(out.join("old.svg"), b"kept").expect("existing");
    // A file size limit of 2 KiB (SIGXFSZ ignored, so the write fails with
    // EFBIG instead of killing the command): the SVG does not fit, neither
    // as a new file nor over an old one.
    for (name, force) in [("new.svg", false), ("old.svg", true)] {
        let target = out.join(name);
        let mut args = vec![
            "-c",
            "trap '' XFSZ; ulimit -f 4; exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_hawiya"),
            "holder",
            "present",
            "--credential",
            s(&held),
            "--key",
            s(&key),
            "--profile",
            "full",
            "--out-svg",
            s(&target),
        ];
        if force {
            args.push("--force");
        }
        let status = std::process::Command::new("sh")
            .args(args)
            .env_remove("HAWIYA_PASSPHRASE")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("sh");
        assert_eq!(code(&status), 2, "{}", stderr(&status));
        let said = format!("{name}: the file is larger than this system allows");
        assert!(stderr(&status).contains(&said), "{}", stderr(&status));
        assert_eq!(std::fs::read(out.join("old.svg")).expect("kept"), b"kept");
        assert_eq!(
            snapshot(&out).into_keys().collect::<Vec<_>>(),
            ["old.svg"],
            "{name}"
        );
    }
}

/// A small tmpfs mounted for one test, unmounted when dropped.
#[cfg(target_os = "linux")]
struct SmallDisk(PathBuf);

#[cfg(target_os = "linux")]
impl SmallDisk {
    /// `None` where this process may not mount (not root).
    fn mount(at: &Path) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).expect("mount point");
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs", s(at)])
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| SmallDisk(at.to_path_buf()))
    }
}

#[cfg(target_os = "linux")]
impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_named_and_leaves_nothing_behind() {
    let d = scratch("writes-full");
    let (held, key) = presentable(&d);
    let Some(disk) = SmallDisk::mount(&d.join("small")) else {
        eprintln!(
            "SKIPPED: mounting a tmpfs needs root; the file size limit test covers failing writes"
        );
        return;
    };
    // Fill the disk to the last byte.
    {
        use std::io::Write;
        let mut filler = std::fs::File::create(disk.0.join("filler")).expect("filler");
        let chunk = [0u8; 1024];
        while filler
            .write_all(&chunk)
            .and_then(|()| filler.sync_all())
            .is_ok()
        {}
    }
    let before = snapshot(&disk.0);
    let o = run(
        &[
            "holder",
            "present",
            "--credential",
            s(&held),
            "--key",
            s(&key),
            "--profile",
            "full",
            "--out-svg",
            s(&disk.0.join("qr.svg")),
        ],
        &[],
    );
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(
        stderr(&o).contains("qr.svg: the disk is full; nothing was written"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        snapshot(&disk.0),
        before,
        "something was left on the full disk"
    );
    drop(disk);
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_a_restore_leaves_nothing_behind() {
    let d = scratch("writes-ctrl-c");
    let w = wallet_with_id(&d);
    let backup = d.join("w.backup");
    ok(
        &["wallet", "export", "--wallet", s(&w), "--out", s(&backup)],
        &BOTH,
    );
    let target = d.join("restored.db");
    let before = snapshot(&d);
    let count = |dir: &Path| std::fs::read_dir(dir).map_or(0, Iterator::count);
    let entries = count(&d);
    let mut interrupted = 0;
    for _ in 0..5 {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hawiya"))
            .args([
                "wallet",
                "restore",
                "--trust-list",
                s(&d.join("trust-list.cbor")),
                "--from",
                s(&backup),
                "--wallet",
                s(&target),
            ])
            .envs(BOTH)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        // Wait until the restore has begun writing, then press Ctrl-C.
        let started = std::time::Instant::now();
        while count(&d) == entries && started.elapsed() < Duration::from_secs(20) {
            if child.try_wait().expect("wait").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let out = child.wait_with_output().expect("output");
        // Interrupted, or it finished first (Ctrl-C came after the wallet
        // was in place): either way, nothing but the wallet may be left.
        let finished = target.exists();
        let _ = std::fs::remove_file(&target);
        assert_eq!(snapshot(&d), before, "{}", stderr(&out));
        if code_or_signal(&out) == 130 && !finished {
            interrupted += 1;
            assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
        }
    }
    assert!(interrupted > 0, "no restore was interrupted while it ran");
}

/// The exit code, or 128 + the signal that ended the process.
#[cfg(unix)]
fn code_or_signal(out: &Output) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    out.status
        .code()
        .or_else(|| out.status.signal().map(|s| 128 + s))
        .unwrap_or(-1)
}

#[test]
fn help_documents_force_and_the_rule() {
    let top = ok(&["--help"], &[]);
    assert!(
        top.contains("no command replaces an existing file unless --force"),
        "{top}"
    );
    for args in [
        vec!["issuer", "root-key", "--help"],
        vec!["issuer", "key", "--help"],
        vec!["issuer", "trust-list", "--help"],
        vec!["issuer", "issue", "--help"],
        vec!["issuer", "status-list", "--help"],
        vec!["holder", "key", "--help"],
        vec!["holder", "bind", "--help"],
        vec!["holder", "present", "--help"],
        vec!["wallet", "init", "--help"],
        vec!["wallet", "bind", "--help"],
        vec!["wallet", "present", "--help"],
        vec!["wallet", "export", "--help"],
        vec!["wallet", "restore", "--help"],
        vec!["card", "--help"],
        vec!["demo", "--help"],
    ] {
        let help = ok(&args, &[]);
        assert!(help.contains("--force"), "{args:?}: {help}");
        assert!(help.contains("never"), "{args:?}: {help}");
    }
}
