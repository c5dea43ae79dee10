//! Crash safety: a child process renews a document in a loop and is killed
//! with SIGKILL at random moments, [`KILLS`] times. After every kill the file
//! passes `PRAGMA integrity_check`, the wallet opens and unlocks, and it holds
//! exactly one valid version of the document: the last one the child saw
//! committed, or the one it was importing when it died. The presentation log
//! likewise holds every finished presentation, plus at most the interrupted one.
//!
//! The kill delays come from a seeded generator; the seed is printed and can
//! be replayed with `HAWIYA_CRASH_SEED=<seed>`.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use hawiya_core::{Claims, DeviceBinding, Disclosure, Issuer, Policy, UnixTime, Verifier};
use hawiya_tests::*;
use hawiya_wallet::{Protection, Wallet, WalletOptions};
use rand_core::RngCore;

/// How many times the worker is killed.
const KILLS: usize = 200;
/// The longest wait between the worker entering its loop and the kill.
const MAX_KILL_DELAY: Duration = Duration::from_millis(25);
/// Versions issued ahead of the stored one before each run. A run lasts a
/// few tens of milliseconds; should the worker still run out, it waits to be
/// killed (the kill then lands outside a renewal, which is counted).
const HEADROOM: u32 = 128;
/// Label of the fake platform key store the parent and the worker share.
const KEY_LABEL: &str = "hawiya crash test key store";
/// A time during the fixture credentials' validity.
const NOW: UnixTime = PRESENTED_AT;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hawiya-wallet-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// SplitMix64: enough to spread kill delays, and replayable from its seed.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Kills the worker if the test fails while it runs.
struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Writes version files `<number>-<version>.cred` for the worker.
struct Credentials {
    dir: PathBuf,
    issuer: Issuer,
    binding: DeviceBinding,
    claims: Claims,
    issued_up_to: u32,
}

impl Credentials {
    fn path(&self, version: u32) -> PathBuf {
        self.dir
            .join(format!("{}-{version}.cred", self.claims.document_number))
    }

    fn ensure_up_to(&mut self, last: u32) {
        for version in self.issued_up_to + 1..=last {
            let claims = Claims {
                document_version: version,
                ..self.claims.clone()
            };
            let held = self
                .issuer
                .issue(&claims, &self.binding, 7, ISSUED_AT, &mut rand_core::OsRng)
                .unwrap();
            std::fs::write(self.path(version), held.to_bytes()).unwrap();
        }
        self.issued_up_to = self.issued_up_to.max(last);
    }
}

/// What the worker printed before it died.
#[derive(Debug, Default)]
struct Progress {
    /// The last version it saw committed (`ready` or `renewed`).
    committed: u32,
    /// A renewal it started and did not see finish.
    renewing: Option<u32>,
    /// Presentations it saw finish.
    presented: usize,
    /// Whether it died inside a presentation.
    presenting: bool,
    /// Whether it ran out of credential files.
    exhausted: bool,
}

fn progress(ready: u32, stdout: &str) -> Progress {
    let mut p = Progress {
        committed: ready,
        ..Progress::default()
    };
    // A line without its newline was cut by the kill; `lines` keeps only
    // whole ones because the worker writes each line in one call.
    let whole = match stdout.rfind('\n') {
        Some(end) => &stdout[..=end],
        None => "",
    };
    for line in whole.lines() {
        let (word, arg) = line.split_once(' ').unwrap_or((line, ""));
        match word {
            "renew" => p.renewing = Some(arg.parse().unwrap()),
            "renewed" => {
                let v: u32 = arg.parse().unwrap();
                assert_eq!(p.renewing, Some(v), "worker output out of order: {stdout}");
                p.committed = v;
                p.renewing = None;
            }
            "present" => p.presenting = true,
            "presented" => {
                assert!(p.presenting, "worker output out of order: {stdout}");
                p.presented += 1;
                p.presenting = false;
            }
            "exhausted" => p.exhausted = true,
            _ => panic!("unexpected worker line {line:?} in {stdout}"),
        }
    }
    p
}

fn integrity_check(path: &Path) {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)
            .unwrap();
    let mut stmt = conn.prepare("PRAGMA integrity_check").unwrap();
    let rows: Vec<String> = stmt
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows, ["ok"], "integrity_check after a kill");
    let documents: i64 = conn
        .query_row("SELECT count(*) FROM documents", [], |row| row.get(0))
        .unwrap();
    assert_eq!(documents, 1, "document rows after a kill");
}

/// Counts of where the kills landed.
#[derive(Debug, Default)]
struct Landings {
    /// Inside a renewal that turned out committed (the worker had not printed it yet).
    renewal_committed: usize,
    /// Inside a renewal that was rolled back.
    renewal_rolled_back: usize,
    /// Inside a presentation that turned out logged.
    presentation_logged: usize,
    /// Inside a presentation that was rolled back.
    presentation_rolled_back: usize,
    /// Between steps (reading, printing), or after running out of files.
    elsewhere: usize,
    /// Runs that ran out of credential files.
    exhausted: usize,
}

#[cfg(unix)]
fn assert_killed(status: std::process::ExitStatus, stderr: &str) {
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        status.signal(),
        Some(9),
        "worker was not killed but ended: {status}; stderr: {stderr}"
    );
}

#[cfg(not(unix))]
fn assert_killed(status: std::process::ExitStatus, stderr: &str) {
    assert!(
        status.code() != Some(0),
        "worker ended by itself: {status}; stderr: {stderr}"
    );
}

fn spawn_worker(wallet: &Path, dir: &Path, number: u64) -> (Worker, BufReader<ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wallet_worker"))
        .arg("renew-loop")
        .arg(wallet)
        .arg(KEY_LABEL)
        .arg(dir)
        .arg(number.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    (Worker(child), stdout)
}

#[test]
fn renewals_survive_sigkill_at_random_moments() {
    let started = Instant::now();
    let seed = match std::env::var("HAWIYA_CRASH_SEED") {
        Ok(s) => s.parse().expect("HAWIYA_CRASH_SEED must be a u64"),
        Err(_) => rand_core::OsRng.next_u64(),
    };
    println!("wallet crash test: seed {seed} (replay with HAWIYA_CRASH_SEED={seed})");
    let mut rng = SplitMix(seed);

    let dir = temp_dir("crash");
    let path = dir.join("wallet.db");
    let source = TestKeySource::new(KEY_LABEL);
    let number = national_id().document_number;
    let mut credentials = {
        let wallet = Wallet::create(
            &path,
            Protection::KeySource(&source),
            &WalletOptions::default(),
        )
        .unwrap();
        let key = wallet.create_device_key().unwrap();
        let binding = wallet
            .binding_request(&key, &NONCE)
            .unwrap()
            .check(&NONCE)
            .unwrap();
        let mut credentials = Credentials {
            dir: dir.clone(),
            issuer: issuer(),
            binding,
            claims: national_id(),
            issued_up_to: 0,
        };
        credentials.ensure_up_to(HEADROOM);
        wallet
            .import(
                &std::fs::read(credentials.path(1)).unwrap(),
                &trust_list(),
                NOW,
            )
            .unwrap();
        credentials
    };

    let mut version = 1u32;
    let mut logged = 0usize;
    let mut landings = Landings::default();
    let mut in_loop = Duration::ZERO;
    for kill in 0..KILLS {
        credentials.ensure_up_to(version + HEADROOM);
        let (mut worker, mut stdout) = spawn_worker(&path, &dir, number);
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let ready = match first.trim_end().split_once(' ') {
            Some(("ready", v)) => v.parse::<u32>().unwrap(),
            _ => {
                let mut stderr = String::new();
                let _ = worker
                    .0
                    .stderr
                    .take()
                    .map(|mut e| e.read_to_string(&mut stderr));
                panic!("kill {kill}: worker did not start: {first:?}; stderr: {stderr}");
            }
        };
        assert_eq!(
            ready, version,
            "kill {kill}: the worker found another version than the last check"
        );

        let delay = Duration::from_micros(rng.next() % (MAX_KILL_DELAY.as_micros() as u64 + 1));
        let entered = Instant::now();
        std::thread::sleep(delay);
        worker.0.kill().unwrap();
        let status = worker.0.wait().unwrap();
        in_loop += entered.elapsed();
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        let mut stderr = String::new();
        if let Some(mut e) = worker.0.stderr.take() {
            e.read_to_string(&mut stderr).unwrap();
        }
        assert_killed(status, &stderr);
        let seen = progress(ready, &rest);

        integrity_check(&path);
        let wallet = Wallet::open(&path, &WalletOptions::default()).unwrap();
        wallet.unlock(Protection::KeySource(&source), NOW).unwrap();
        let documents = wallet.documents().unwrap();
        assert_eq!(documents.len(), 1, "kill {kill}: {documents:?}");
        assert_eq!(documents[0].number, number);
        let stored = documents[0].version;
        assert!(
            stored >= version,
            "kill {kill}: version went back from {version} to {stored}"
        );
        match seen.renewing {
            Some(v) if stored == v => landings.renewal_committed += 1,
            Some(_) if stored == seen.committed => landings.renewal_rolled_back += 1,
            None if stored == seen.committed => {}
            _ => panic!("kill {kill}: stored version {stored}, but the worker saw {seen:?}"),
        }
        let log = wallet.presentation_log().unwrap().len();
        let finished = logged + seen.presented;
        match (seen.presenting, log) {
            (true, n) if n == finished + 1 => landings.presentation_logged += 1,
            (true, n) if n == finished => landings.presentation_rolled_back += 1,
            (false, n) if n == finished => {}
            _ => panic!("kill {kill}: {log} log entries, expected {finished} from {seen:?}"),
        }
        if seen.renewing.is_none() && !seen.presenting {
            landings.elsewhere += 1;
        }
        if seen.exhausted {
            landings.exhausted += 1;
        }

        let presentation = wallet
            .present(number, &Disclosure::Identity, None, &PHONE_CLOCK)
            .unwrap();
        let verdict = Verifier::new(trust_list(), Policy::default()).verify(
            &presentation.qr_text(),
            NOW,
            None,
        );
        assert!(verdict.is_accepted(), "kill {kill}: {:?}", verdict.failures);
        assert_eq!(
            wallet.document(number).unwrap().info().document_version,
            stored
        );
        version = stored;
        logged = log + 1;
    }

    let mid_renewal = landings.renewal_committed + landings.renewal_rolled_back;
    println!(
        "wallet crash test: {KILLS} kills, {} renewals reached (version 1 -> {version}), \
         {mid_renewal} kills mid-renewal ({} committed, {} rolled back), \
         {} mid-presentation ({} logged, {} rolled back), {} between steps, {} runs out of files, \
         {logged} log entries; {:.1} s in the worker loops, {:.1} s in all",
        version - 1,
        landings.renewal_committed,
        landings.renewal_rolled_back,
        landings.presentation_logged + landings.presentation_rolled_back,
        landings.presentation_logged,
        landings.presentation_rolled_back,
        landings.elsewhere,
        landings.exhausted,
        in_loop.as_secs_f64(),
        started.elapsed().as_secs_f64(),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_worker_rejects_bad_arguments_with_code_2() {
    for args in [
        &[][..],
        &["renew-loop", "w"][..],
        &["present-loop", "w", "k", "1", "many"][..],
        &["frob"][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_wallet_worker"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("usage:"),
            "{args:?}"
        );
    }
}
