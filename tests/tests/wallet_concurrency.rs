//! Several handles, threads and processes on one wallet file: presentations
//! (which append to the log), renewals of different documents and listings
//! run at the same time. Afterwards the file passes `PRAGMA integrity_check`,
//! the log holds exactly one entry per presentation and every document is at
//! its final version.
//!
//! Contention is either waited out inside the wallet (its busy timeout) or
//! surfaced as the typed [`WalletError::Busy`], which the callers here retry
//! and count; any other error fails the test.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use hawiya_core::{Claims, DeviceBinding, Disclosure, Issuer, Policy, UnixTime, Verifier};
use hawiya_tests::*;
use hawiya_wallet::{ImportOutcome, Protection, Wallet, WalletError, WalletOptions};

/// Label of the fake platform key store every handle unlocks with.
const KEY_LABEL: &str = "hawiya concurrency test key store";
/// A time during the fixture credentials' validity.
const NOW: UnixTime = PRESENTED_AT;
/// Rounds of present, renew and list per thread.
const ROUNDS: u32 = 40;
/// Busy answers one caller tolerates in all before the test fails.
const MAX_BUSY: usize = 10_000;
/// How long the raw connection holds the write lock in the busy tests.
const HOLD: Duration = Duration::from_millis(300);

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hawiya-wallet-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A wallet file holding version 1 of each of `numbers`, and what is needed
/// to issue later versions to its device key.
struct Fixture {
    dir: PathBuf,
    path: PathBuf,
    issuer: Issuer,
    binding: DeviceBinding,
}

impl Fixture {
    fn new(name: &str, numbers: &[u64]) -> Fixture {
        let dir = temp_dir(name);
        let path = dir.join("wallet.db");
        let source = TestKeySource::new(KEY_LABEL);
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
        let fixture = Fixture {
            dir,
            path,
            issuer: issuer(),
            binding,
        };
        for &number in numbers {
            wallet
                .import(&fixture.issue(number, 1), &trust_list(), NOW)
                .unwrap();
        }
        fixture
    }

    /// Version `version` of a national ID numbered `number`.
    fn issue(&self, number: u64, version: u32) -> Vec<u8> {
        let claims = Claims {
            document_number: number,
            document_version: version,
            ..national_id()
        };
        self.issuer
            .issue(&claims, &self.binding, 7, ISSUED_AT, &mut rand_core::OsRng)
            .unwrap()
            .to_bytes()
    }

    /// Versions `2..=last` of `number`, issued ahead so threads only import.
    fn renewals(&self, number: u64, last: u32) -> Vec<Vec<u8>> {
        (2..=last).map(|v| self.issue(number, v)).collect()
    }

    fn open(&self, options: &WalletOptions) -> Wallet {
        let wallet = Wallet::open(&self.path, options).unwrap();
        wallet
            .unlock(Protection::KeySource(&TestKeySource::new(KEY_LABEL)), NOW)
            .unwrap();
        wallet
    }

    /// Checks the file and the final state, from a fresh handle.
    fn check(&self, versions: &[(u64, u32)], presentations: usize) {
        integrity_check(&self.path);
        let wallet = self.open(&WalletOptions::default());
        let documents = wallet.documents().unwrap();
        assert_eq!(documents.len(), versions.len(), "{documents:?}");
        for &(number, version) in versions {
            let doc = documents.iter().find(|d| d.number == number).unwrap();
            assert_eq!(doc.version, version, "document {number}");
            let presentation = wallet
                .present(number, &Disclosure::Identity, None, &PHONE_CLOCK)
                .unwrap();
            let verdict = Verifier::new(trust_list(), Policy::default()).verify(
                &presentation.qr_text(),
                NOW,
                None,
            );
            assert!(
                verdict.is_accepted(),
                "document {number}: {:?}",
                verdict.failures
            );
        }
        let log = wallet.presentation_log().unwrap();
        assert_eq!(log.len(), presentations + versions.len(), "log entries");
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
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
    assert_eq!(rows, ["ok"], "integrity_check");
}

/// Runs `call` until it answers something other than [`WalletError::Busy`],
/// counting the busy answers; any other error fails the test.
fn retry<T>(what: &str, busy: &AtomicUsize, mut call: impl FnMut() -> Result<T, WalletError>) -> T {
    loop {
        match call() {
            Ok(value) => return value,
            Err(WalletError::Busy) => {
                assert!(
                    busy.fetch_add(1, Ordering::Relaxed) < MAX_BUSY,
                    "{what}: busy too often"
                );
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(other) => panic!("{what}: {other} ({other:?})"),
        }
    }
}

/// Busy answers per kind of call.
#[derive(Default)]
struct BusyCounts {
    present: AtomicUsize,
    import: AtomicUsize,
    read: AtomicUsize,
}

impl std::fmt::Display for BusyCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "busy answers: {} presentations, {} imports, {} reads",
            self.present.load(Ordering::Relaxed),
            self.import.load(Ordering::Relaxed),
            self.read.load(Ordering::Relaxed),
        )
    }
}

/// One worker thread's job: each round presents `present`, renews `own` to
/// the next version and lists, checking versions never go back.
fn present_renew_list(
    wallet: &Wallet,
    own: u64,
    present: u64,
    renewals: &[Vec<u8>],
    busy: &BusyCounts,
) -> usize {
    let trust = trust_list();
    let mut seen = 0u32;
    for (round, bytes) in renewals.iter().enumerate() {
        let version = round as u32 + 2;
        retry("present", &busy.present, || {
            wallet.present(present, &Disclosure::Identity, None, &PHONE_CLOCK)
        });
        match retry("import", &busy.import, || wallet.import(bytes, &trust, NOW)) {
            ImportOutcome::Renewed {
                document,
                replaced_version,
            } => assert_eq!((document.version, replaced_version), (version, version - 1)),
            other => panic!("renewal of {own} to {version}: {other:?}"),
        }
        let documents = retry("documents", &busy.read, || wallet.documents());
        let mine = documents.iter().find(|d| d.number == own).unwrap();
        assert_eq!(mine.version, version, "own document {own}");
        let theirs = documents.iter().find(|d| d.number == present).unwrap();
        assert!(
            theirs.version >= seen,
            "document {present} went back from {seen} to {}",
            theirs.version
        );
        seen = theirs.version;
    }
    renewals.len()
}

/// Lists documents and the log until `stop`, checking nothing goes back.
fn list_until(wallet: &Wallet, stop: &AtomicBool, busy: &BusyCounts) -> usize {
    let mut versions = std::collections::HashMap::new();
    let mut log = 0;
    let mut reads = 0;
    while !stop.load(Ordering::Relaxed) {
        for doc in retry("documents", &busy.read, || wallet.documents()) {
            let last = versions.insert(doc.number, doc.version).unwrap_or(0);
            assert!(
                doc.version >= last,
                "document {} went back from {last} to {}",
                doc.number,
                doc.version
            );
        }
        let now = retry("presentation_log", &busy.read, || wallet.presentation_log()).len();
        assert!(now >= log, "the log shrank from {log} to {now}");
        log = now;
        reads += 1;
    }
    reads
}

#[test]
fn two_handles_on_two_threads_present_renew_and_list() {
    let started = Instant::now();
    let numbers = [1_000_000_001, 1_000_000_002];
    let fixture = Fixture::new("two-handles", &numbers);
    let renewals: Vec<Vec<Vec<u8>>> = numbers
        .iter()
        .map(|&n| fixture.renewals(n, ROUNDS + 1))
        .collect();
    let handles = [
        fixture.open(&WalletOptions::default()),
        fixture.open(&WalletOptions::default()),
    ];
    let reader = fixture.open(&WalletOptions::default());
    let busy = BusyCounts::default();
    let stop = AtomicBool::new(false);

    let (presented, reads) = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|i| {
                let (wallet, renewals, busy) = (&handles[i], &renewals[i], &busy);
                s.spawn(move || {
                    present_renew_list(wallet, numbers[i], numbers[1 - i], renewals, busy)
                })
            })
            .collect();
        let listing = s.spawn(|| list_until(&reader, &stop, &busy));
        let presented: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
        stop.store(true, Ordering::Relaxed);
        (presented, listing.join().unwrap())
    });
    drop(handles);
    drop(reader);

    fixture.check(&numbers.map(|n| (n, ROUNDS + 1)), presented);
    println!(
        "two handles: {presented} presentations, {} renewals, {reads} listings by a third handle; {busy}; {:.1} s",
        2 * ROUNDS,
        started.elapsed().as_secs_f64(),
    );
}

#[test]
fn one_handle_shared_by_four_threads() {
    let started = Instant::now();
    let numbers = [1_000_000_011, 1_000_000_012, 1_000_000_013, 1_000_000_014];
    let fixture = Fixture::new("shared-handle", &numbers);
    let renewals: Vec<Vec<Vec<u8>>> = numbers
        .iter()
        .map(|&n| fixture.renewals(n, ROUNDS + 1))
        .collect();
    let wallet = Arc::new(fixture.open(&WalletOptions::default()));
    let busy = Arc::new(BusyCounts::default());

    let threads: Vec<_> = (0..numbers.len())
        .map(|i| {
            let (wallet, busy, renewals) =
                (Arc::clone(&wallet), Arc::clone(&busy), renewals[i].clone());
            let (own, other) = (numbers[i], numbers[(i + 1) % numbers.len()]);
            std::thread::spawn(move || present_renew_list(&wallet, own, other, &renewals, &busy))
        })
        .collect();
    let presented: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    drop(wallet);

    fixture.check(&numbers.map(|n| (n, ROUNDS + 1)), presented);
    println!(
        "one handle, four threads: {presented} presentations, {} renewals; {busy}; {:.1} s",
        numbers.len() as u32 * ROUNDS,
        started.elapsed().as_secs_f64(),
    );
}

/// Holds the write lock through a raw connection (`BEGIN IMMEDIATE`) from
/// another thread: for at least [`HOLD`], and until `release` is sent.
fn hold_write_lock(path: &Path) -> (std::thread::JoinHandle<()>, mpsc::Sender<()>) {
    let (held_tx, held_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let path = path.to_path_buf();
    let holder = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        let since = Instant::now();
        held_tx.send(()).unwrap();
        let _ = release_rx.recv();
        std::thread::sleep(HOLD.saturating_sub(since.elapsed()));
        conn.execute_batch("COMMIT").unwrap();
    });
    held_rx.recv().unwrap();
    (holder, release_tx)
}

#[test]
fn a_short_busy_timeout_answers_busy_while_another_writer_holds_the_lock() {
    let number = national_id().document_number;
    let fixture = Fixture::new("busy", &[number]);
    let renewal = fixture.issue(number, 2);
    let options = WalletOptions {
        busy_timeout: Duration::from_millis(1),
        ..WalletOptions::default()
    };
    let wallet = fixture.open(&options);

    let (holder, release) = hold_write_lock(&fixture.path);
    let import = wallet.import(&renewal, &trust_list(), NOW);
    assert!(
        matches!(import, Err(WalletError::Busy)),
        "import: {import:?}"
    );
    let present = wallet.present(number, &Disclosure::Identity, None, &PHONE_CLOCK);
    assert!(
        matches!(present, Err(WalletError::Busy)),
        "present: {:?}",
        present.map(|p| p.qr_text())
    );
    // Readers are not blocked by a writer in WAL mode.
    assert_eq!(wallet.documents().unwrap()[0].version, 1);
    assert!(wallet.presentation_log().unwrap().is_empty());
    release.send(()).unwrap();
    holder.join().unwrap();

    // Nothing was half-done: the same calls now succeed.
    assert!(matches!(
        wallet.import(&renewal, &trust_list(), NOW).unwrap(),
        ImportOutcome::Renewed {
            replaced_version: 1,
            ..
        }
    ));
    wallet
        .present(number, &Disclosure::Identity, None, &PHONE_CLOCK)
        .unwrap();
    drop(wallet);
    fixture.check(&[(number, 2)], 1);
}

/// Regression: `present` appends to the log in a deferred transaction that
/// reads before it writes, and SQLite does not call the busy handler when a
/// read transaction upgrades to a write one. So with the default 5 s busy
/// timeout, `import` waits out a writer holding the lock for 300 ms, but
/// `present` answers `Busy` at once.
#[test]
fn present_waits_out_the_busy_timeout_like_import() {
    let number = national_id().document_number;
    let fixture = Fixture::new("busy-wait", &[number]);
    let renewal = fixture.issue(number, 2);
    let wallet = fixture.open(&WalletOptions::default());

    let (holder, release) = hold_write_lock(&fixture.path);
    release.send(()).unwrap();
    let since = Instant::now();
    let import = wallet.import(&renewal, &trust_list(), NOW);
    println!("import waited {:?}", since.elapsed());
    assert!(
        matches!(import, Ok(ImportOutcome::Renewed { .. })),
        "import: {import:?}"
    );
    holder.join().unwrap();

    let (holder, release) = hold_write_lock(&fixture.path);
    release.send(()).unwrap();
    let since = Instant::now();
    let present = wallet.present(number, &Disclosure::Identity, None, &PHONE_CLOCK);
    println!("present waited {:?}", since.elapsed());
    assert!(
        present.is_ok(),
        "present: {:?}",
        present.map(|p| p.qr_text())
    );
    holder.join().unwrap();
    drop(wallet);
    fixture.check(&[(number, 2)], 1);
}

/// Regression: `documents()` reads the manifest and the document rows in
/// separate statements, and `document()` and `present()` read the row before
/// the manifest. Outside one snapshot, a renewal committed by another handle
/// in between makes them see mismatched versions and report an intact
/// document as damaged.
#[test]
fn reads_see_one_snapshot_while_another_handle_renews() {
    const RENEWALS: u32 = 300;
    let number = national_id().document_number;
    let fixture = Fixture::new("snapshot", &[number]);
    let renewals = fixture.renewals(number, RENEWALS + 1);
    let writer = fixture.open(&WalletOptions::default());
    let reader = fixture.open(&WalletOptions::default());
    let done = AtomicBool::new(false);
    let started = Instant::now();
    let reads = std::thread::scope(|s| {
        let reading = s.spawn(|| {
            let mut reads = 0usize;
            while !done.load(Ordering::Relaxed) {
                let listed = reader.documents();
                assert!(
                    matches!(&listed, Ok(docs) if docs.len() == 1),
                    "documents() after {reads} reads: {listed:?}"
                );
                let damaged = reader.damaged_documents();
                assert!(
                    matches!(&damaged, Ok(d) if d.is_empty()),
                    "damaged_documents() after {reads} reads: {damaged:?}"
                );
                let one = reader
                    .document(number)
                    .map(|held| held.info().document_version);
                assert!(one.is_ok(), "document() after {reads} reads: {one:?}");
                reads += 1;
            }
            reads
        });
        for bytes in &renewals {
            if reading.is_finished() {
                break;
            }
            writer.import(bytes, &trust_list(), NOW).unwrap();
        }
        done.store(true, Ordering::Relaxed);
        reading.join().unwrap()
    });
    println!(
        "{reads} reads during {RENEWALS} renewals by another handle; {:.1} s",
        started.elapsed().as_secs_f64()
    );
    drop((writer, reader));
    fixture.check(&[(number, RENEWALS + 1)], 0);
}

/// Regression: after a renewal the wallet runs `PRAGMA wal_checkpoint(TRUNCATE)`
/// with its busy handler on. That checkpoint takes the write lock and then
/// waits, up to the whole busy timeout, for readers of older snapshots, so a
/// single open read transaction elsewhere makes every renewal take the full
/// timeout and blocks every other writer meanwhile (who may then time out
/// with `Busy`). The checkpoint is meant to be best effort.
#[test]
fn a_renewal_does_not_wait_for_a_reader_to_finish() {
    const TIMEOUT: Duration = Duration::from_secs(3);
    let number = national_id().document_number;
    let fixture = Fixture::new("checkpoint", &[number]);
    let renewal = fixture.issue(number, 2);
    let wallet = fixture.open(&WalletOptions {
        busy_timeout: TIMEOUT,
        ..WalletOptions::default()
    });
    // Give the write-ahead log frames, then pin a reader on that snapshot.
    wallet
        .present(number, &Disclosure::Identity, None, &PHONE_CLOCK)
        .unwrap();
    let reader = rusqlite::Connection::open(&fixture.path).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let rows: i64 = reader
        .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);

    let since = Instant::now();
    let outcome = wallet.import(&renewal, &trust_list(), NOW).unwrap();
    let took = since.elapsed();
    println!("renewal with a reader open took {took:?}");
    assert!(matches!(
        outcome,
        ImportOutcome::Renewed {
            replaced_version: 1,
            ..
        }
    ));
    assert!(
        took < TIMEOUT / 2,
        "the renewal waited {took:?} for a reader (busy timeout {TIMEOUT:?})"
    );
    reader.execute_batch("COMMIT").unwrap();
    drop((reader, wallet));
    fixture.check(&[(number, 2)], 1);
}

/// Kills the worker if the test fails while it runs.
struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn two_processes_present_concurrently() {
    const EACH: u32 = 150;
    let started = Instant::now();
    let number = national_id().document_number;
    let fixture = Fixture::new("two-processes", &[number]);

    let mut workers: Vec<(Worker, BufReader<std::process::ChildStdout>)> = (0..2)
        .map(|_| {
            let mut child = Command::new(env!("CARGO_BIN_EXE_wallet_worker"))
                .arg("present-loop")
                .arg(&fixture.path)
                .arg(KEY_LABEL)
                .arg(number.to_string())
                .arg(EACH.to_string())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let stdout = BufReader::new(child.stdout.take().unwrap());
            (Worker(child), stdout)
        })
        .collect();
    // Both are open and unlocked before either starts presenting.
    for (_, stdout) in &mut workers {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert_eq!(line, "ready\n");
    }
    for (worker, _) in &mut workers {
        worker.0.stdin.take().unwrap().write_all(b"go\n").unwrap();
    }
    let mut busy = Vec::new();
    for (mut worker, mut stdout) in workers {
        let status = worker.0.wait().unwrap();
        let mut out = String::new();
        stdout.read_to_string(&mut out).unwrap();
        let mut err = String::new();
        worker
            .0
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert!(
            status.success(),
            "worker: {status}; stdout: {out}; stderr: {err}"
        );
        let retries = out
            .trim_end()
            .strip_prefix(&format!("done {EACH} busy "))
            .and_then(|n| n.parse::<u32>().ok());
        busy.push(retries.unwrap_or_else(|| panic!("worker printed {out:?}")));
    }

    fixture.check(&[(number, 1)], 2 * EACH as usize);
    println!(
        "two processes: {} presentations, busy answers retried {busy:?}; {:.1} s",
        2 * EACH,
        started.elapsed().as_secs_f64(),
    );
}
