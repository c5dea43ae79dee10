//! Unlock attempts under pressure: many guessers at once (threads with their
//! own handles, and processes), and correct unlocks killed at random moments.
//!
//! Guesses made at once must be throttled exactly like the same guesses made
//! one after another, and crashes during correct unlocks must never add up to
//! a lockout.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use std::sync::atomic::Ordering;

use hawiya_core::UnixTime;
use hawiya_tests::*;
use hawiya_wallet::{
    AttemptState, KeySourceError, Protection, UnlockBlocked, UnlockPolicy, Wallet, WalletError,
    WalletOptions,
};
use rand_core::RngCore;

/// A time during the fixture credentials' validity.
const NOW: UnixTime = PRESENTED_AT;
/// A wrong passphrase every guesser tries.
const WRONG: &str = "not-the-passphrase-71";
/// How many guess at once.
const GUESSERS: usize = 12;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hawiya-guess-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A new passphrase wallet at `dir/name`, closed.
fn new_wallet(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    drop(
        Wallet::create(
            &path,
            Protection::Passphrase(PASSPHRASE),
            &WalletOptions::default(),
        )
        .unwrap(),
    );
    path
}

/// What one unlock attempt answered, as the worker prints it.
fn outcome(result: Result<hawiya_wallet::UnlockOutcome, WalletError>) -> String {
    match result {
        Ok(_) => "unlocked".to_owned(),
        Err(WalletError::WrongPassphrase { remaining }) => format!("wrong {remaining}"),
        Err(WalletError::Blocked(UnlockBlocked::RetryAfter { seconds })) => {
            format!("retry-after {seconds}")
        }
        Err(WalletError::Blocked(UnlockBlocked::LockedOut { failures })) => {
            format!("locked-out {failures}")
        }
        Err(other) => format!("error {other}"),
    }
}

/// The answers `GUESSERS` wrong guesses get one after another, sorted, and
/// the failure count they leave.
fn sequential_answers(dir: &Path) -> (Vec<String>, u32) {
    let path = new_wallet(dir, "sequential.db");
    let wallet = Wallet::open(&path, &WalletOptions::default()).unwrap();
    let mut answers: Vec<String> = (0..GUESSERS)
        .map(|_| outcome(wallet.unlock(Protection::Passphrase(WRONG), NOW)))
        .collect();
    answers.sort();
    (answers, wallet.failed_attempts().unwrap().failures)
}

#[test]
fn threads_guessing_at_once_are_throttled_like_sequential_guesses() {
    let dir = temp_dir("threads");
    let (expected, expected_failures) = sequential_answers(&dir);
    // With the default policy: three free wrong guesses, then a 30 s wait.
    let free = UnlockPolicy::default().free_attempts as usize;
    assert_eq!(
        expected.iter().filter(|a| a.starts_with("wrong")).count(),
        free
    );
    assert_eq!(expected_failures, free as u32);

    let path = new_wallet(&dir, "threads.db");
    let start = Arc::new(Barrier::new(GUESSERS));
    let handles: Vec<_> = (0..GUESSERS)
        .map(|_| {
            let (path, start) = (path.clone(), Arc::clone(&start));
            std::thread::spawn(move || {
                // Each thread has its own handle, as separate screens or
                // services of an app would.
                let wallet = Wallet::open(&path, &WalletOptions::default()).unwrap();
                start.wait();
                outcome(wallet.unlock(Protection::Passphrase(WRONG), NOW))
            })
        })
        .collect();
    let mut answers: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    answers.sort();
    assert_eq!(answers, expected, "answers to {GUESSERS} guesses at once");
    let wallet = Wallet::open(&path, &WalletOptions::default()).unwrap();
    assert_eq!(
        wallet.failed_attempts().unwrap().failures,
        expected_failures
    );
    // The right passphrase waits like everyone else, then unlocks.
    assert!(matches!(
        wallet.unlock(Protection::Passphrase(PASSPHRASE), NOW),
        Err(WalletError::Blocked(UnlockBlocked::RetryAfter { .. }))
    ));
    wallet
        .unlock(Protection::Passphrase(PASSPHRASE), UnixTime(NOW.0 + 3600))
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Kills a child process if the test fails while it runs.
struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn worker(args: &[&str]) -> (Worker, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wallet_worker"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    (Worker(child), stdout)
}

fn stderr_of(worker: &mut Worker) -> String {
    let mut text = String::new();
    if let Some(mut e) = worker.0.stderr.take() {
        let _ = e.read_to_string(&mut text);
    }
    text
}

#[test]
fn processes_guessing_at_once_are_throttled_like_sequential_guesses() {
    let dir = temp_dir("processes");
    let (expected, expected_failures) = sequential_answers(&dir);
    let path = new_wallet(&dir, "processes.db");
    let at = NOW.0.to_string();
    let mut workers: Vec<_> = (0..GUESSERS)
        .map(|_| worker(&["guess", path.to_str().unwrap(), WRONG, &at]))
        .collect();
    for (w, out) in &mut workers {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert_eq!(line.trim_end(), "ready", "{}", stderr_of(w));
    }
    // Every guesser is waiting at its unlock call: let them all go.
    for (w, _) in &mut workers {
        w.0.stdin.take().unwrap().write_all(b"go\n").unwrap();
    }
    let mut answers: Vec<String> = workers
        .iter_mut()
        .map(|(w, out)| {
            let mut line = String::new();
            out.read_line(&mut line).unwrap();
            assert!(w.0.wait().unwrap().success(), "{}", stderr_of(w));
            line.trim_end().to_owned()
        })
        .collect();
    answers.sort();
    assert_eq!(answers, expected, "answers to {GUESSERS} guesses at once");
    let wallet = Wallet::open(&path, &WalletOptions::default()).unwrap();
    assert_eq!(
        wallet.failed_attempts().unwrap().failures,
        expected_failures
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Correct unlocks interrupted by SIGKILL.
const KILLS: usize = 100;
/// Kills between two unlocks by the holder, who then gets in at once.
const KILLS_BETWEEN_UNLOCKS: usize = 25;
/// The longest wait between the worker's `ready` and the kill.
const MAX_KILL_DELAY: Duration = Duration::from_millis(80);
/// Clock seconds between two worker runs (each run's own times stay inside).
const RUN_SPAN: i64 = 10_000_000;

/// SplitMix64: spreads kill delays, replayable from its seed.
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

#[test]
fn correct_unlocks_killed_at_random_moments_never_lock_the_holder_out() {
    let started = Instant::now();
    let seed = match std::env::var("HAWIYA_CRASH_SEED") {
        Ok(s) => s.parse().expect("HAWIYA_CRASH_SEED must be a u64"),
        Err(_) => rand_core::OsRng.next_u64(),
    };
    println!("unlock crash test: seed {seed} (replay with HAWIYA_CRASH_SEED={seed})");
    let mut rng = SplitMix(seed);
    let dir = temp_dir("unlock-crash");
    let path = new_wallet(&dir, "wallet.db");
    let policy = UnlockPolicy::default();
    let (mut mid_unlock, mut elsewhere, mut holder_unlocks) = (0usize, 0usize, 0usize);
    for kill in 0..KILLS {
        let from = NOW.0 + kill as i64 * RUN_SPAN;
        let (mut w, mut out) = worker(&[
            "unlock-loop",
            path.to_str().unwrap(),
            PASSPHRASE,
            &from.to_string(),
        ]);
        let mut first = String::new();
        out.read_line(&mut first).unwrap();
        assert_eq!(first.trim_end(), "ready", "{}", stderr_of(&mut w));
        std::thread::sleep(Duration::from_micros(
            rng.next() % (MAX_KILL_DELAY.as_micros() as u64 + 1),
        ));
        w.0.kill().unwrap();
        let status = w.0.wait().unwrap();
        let mut rest = String::new();
        out.read_to_string(&mut rest).unwrap();
        let stderr = stderr_of(&mut w);
        assert!(!status.success(), "the worker ended by itself: {stderr}");
        assert!(
            stderr.is_empty(),
            "kill {kill}: the worker failed: {stderr}"
        );
        // Whole lines only: the last one may have been cut by the kill.
        let whole = &rest[..rest.rfind('\n').map_or(0, |end| end + 1)];
        match whole.lines().last() {
            Some(line) if line.starts_with("unlock ") => mid_unlock += 1,
            _ => elsewhere += 1,
        }

        // However many crashes, the holder is never locked out, and at any
        // later time the right passphrase is let in.
        let wallet = Wallet::open(&path, &WalletOptions::default()).unwrap();
        let state = wallet.failed_attempts().unwrap();
        let later = UnixTime(from + RUN_SPAN - 1);
        assert!(
            !matches!(
                policy.check(&state, later),
                Err(UnlockBlocked::LockedOut { .. })
            ),
            "kill {kill}: locked out by crashes alone: {state:?}"
        );
        if (kill + 1) % KILLS_BETWEEN_UNLOCKS == 0 {
            wallet
                .unlock(Protection::Passphrase(PASSPHRASE), later)
                .unwrap_or_else(|e| panic!("kill {kill}: the holder's unlock failed: {e}"));
            holder_unlocks += 1;
            // A success clears whatever the crashes left.
            assert_eq!(
                wallet.failed_attempts().unwrap(),
                hawiya_wallet::AttemptState::default(),
                "kill {kill}"
            );
        }
    }
    println!(
        "unlock crash test: {KILLS} kills, {mid_unlock} during an unlock, {elsewhere} elsewhere, \
         {holder_unlocks} unlocks by the holder in between; {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        mid_unlock >= KILLS / 4,
        "too few kills landed during an unlock ({mid_unlock}) for the test to mean anything"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Label of the fake platform key store of the key-source tests.
const KEY_LABEL: &str = "hawiya guessing test key store";

fn key_source_wallet(dir: &Path) -> PathBuf {
    let path = dir.join("keystore.db");
    let source = TestKeySource::new(KEY_LABEL);
    drop(
        Wallet::create(
            &path,
            Protection::KeySource(&source),
            &WalletOptions::default(),
        )
        .unwrap(),
    );
    path
}

#[test]
fn a_prompt_cancelled_fifty_times_leaves_the_wallet_unlockable_at_once() {
    let dir = temp_dir("cancel");
    let path = key_source_wallet(&dir);
    let source = TestKeySource::new(KEY_LABEL);
    let wallet = Wallet::open(&path, &WalletOptions::default()).unwrap();
    // One wrong answer first, so the wait would show if cancels counted.
    source.refuse.store(true, Ordering::SeqCst);
    assert!(matches!(
        wallet.unlock(Protection::KeySource(&source), NOW),
        Err(WalletError::KeySource(KeySourceError::Rejected))
    ));
    source.refuse.store(false, Ordering::SeqCst);
    source.cancel.store(true, Ordering::SeqCst);
    for n in 0..50 {
        let err = wallet
            .unlock(Protection::KeySource(&source), NOW)
            .unwrap_err();
        assert!(
            matches!(err, WalletError::KeySource(KeySourceError::Cancelled)),
            "cancel {n}: {err}"
        );
    }
    let state = wallet.failed_attempts().unwrap();
    assert_eq!((state.failures, state.unresolved), (1, 0), "{state:?}");
    // An unavailable key store is not counted either.
    source.cancel.store(false, Ordering::SeqCst);
    source.unavailable.store(true, Ordering::SeqCst);
    for _ in 0..20 {
        assert!(matches!(
            wallet.unlock(Protection::KeySource(&source), NOW),
            Err(WalletError::KeySource(KeySourceError::Unavailable(_)))
        ));
    }
    source.unavailable.store(false, Ordering::SeqCst);
    // At once: same clock reading, no wait.
    wallet.unlock(Protection::KeySource(&source), NOW).unwrap();
    assert_eq!(wallet.failed_attempts().unwrap(), AttemptState::default());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_guess_killed_before_its_outcome_is_throttled_like_a_wrong_one_but_never_locks_out() {
    let dir = temp_dir("hang");
    let path = key_source_wallet(&dir);
    let policy = UnlockPolicy::default();
    // More killed attempts than the lockout limit, each after the wait the
    // ones before it imposed.
    let kills = policy.max_attempts as i64 + 2;
    for n in 0..kills {
        let at = UnixTime(NOW.0 + n * 7200);
        let (mut w, mut out) =
            worker(&["hang", path.to_str().unwrap(), KEY_LABEL, &at.0.to_string()]);
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert_eq!(
            line.trim_end(),
            "prompting",
            "attempt {n}: {}",
            stderr_of(&mut w)
        );
        // Killed while the prompt is up: the attempt was counted before it.
        w.0.kill().unwrap();
        w.0.wait().unwrap();
        let state = Wallet::open(&path, &WalletOptions::default())
            .unwrap()
            .failed_attempts()
            .unwrap();
        assert_eq!(
            (state.failures, state.unresolved),
            (0, n as u32 + 1),
            "{state:?}"
        );
        // Another guess right away waits like after as many wrong ones...
        let wait = policy.delay_after(n as u32 + 1);
        if wait > 0 {
            assert_eq!(
                policy.check(&state, at),
                Err(UnlockBlocked::RetryAfter { seconds: wait }),
                "after {} killed attempts",
                n + 1
            );
        }
        // ...but is never locked out.
        assert_eq!(policy.check(&state, UnixTime(at.0 + 7200)), Ok(()));
    }
    // The holder gets in, and the success clears what the kills left.
    let source = TestKeySource::new(KEY_LABEL);
    let wallet = Wallet::open(&path, &WalletOptions::default()).unwrap();
    let later = UnixTime(NOW.0 + kills * 7200);
    wallet
        .unlock(Protection::KeySource(&source), later)
        .unwrap();
    assert_eq!(wallet.failed_attempts().unwrap(), AttemptState::default());
    let _ = std::fs::remove_dir_all(&dir);
}
