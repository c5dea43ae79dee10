//! A child process for the wallet's crash-safety and multi-process tests
//! (`tests/tests/wallet_crash.rs`, `tests/tests/wallet_concurrency.rs`).
//!
//! It opens a wallet protected by a [`TestKeySource`] rebuilt from the label
//! the parent used, unlocks it and runs one loop, printing one line per step
//! (each written whole and flushed) so the parent knows how far it got when
//! it killed the process:
//!
//! - `renew-loop <wallet> <key-label> <credential-dir> <document-number>`:
//!   prints `ready <version>`, then forever reads the stored version `v` of
//!   the document, imports `<credential-dir>/<document-number>-<v+1>.cred`
//!   between `renew <v+1>` and `renewed <v+1>`, and every third renewal also
//!   presents the document between `present` and `presented`. When the next
//!   file does not exist it prints `exhausted <v+1>` and waits to be killed.
//! - `present-loop <wallet> <key-label> <document-number> <count>`: prints
//!   `ready`, waits for a line on stdin (so that two workers start together),
//!   presents the document `count` times, retrying when the wallet answers
//!   [`WalletError::Busy`], and prints `done <count> busy <retries>`.
//! - `guess <wallet> <passphrase> <unix-time>`: opens a passphrase wallet,
//!   prints `ready`, waits for a line on stdin (so that many guessers start
//!   together), makes one unlock attempt at that time and prints what it got:
//!   `unlocked`, `wrong <attempts left>`, `retry-after <seconds>`,
//!   `locked-out <failures>` or `error <message>`.
//! - `unlock-loop <wallet> <passphrase> <unix-time>`: prints `ready`, then
//!   forever opens the wallet, prints `unlock <n>`, unlocks it with the (right)
//!   passphrase at `<unix-time> + n * 7200` (two hours apart, so no delay from
//!   an earlier crash stands in the way), prints `unlocked <n>` and closes it.
//! - `hang <wallet> <key-label> <unix-time>`: opens a key-source wallet and
//!   unlocks it at that time with a key source whose prompt never returns:
//!   it prints `prompting` from inside the prompt and waits to be killed.
//!
//! Invalid arguments exit with code 2, a failed wallet call with code 1.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use hawiya_core::{
    Disclosure, ImportOutcome, Protection, UnixTime, UnlockBlocked, Wallet, WalletError,
    WalletOptions,
};
use hawiya_tests::{trust_list, TestKeySource, PRESENTED_AT};

const USAGE: &str = "usage: wallet_worker renew-loop <wallet> <key-label> <credential-dir> <document-number>\n       \
                     wallet_worker present-loop <wallet> <key-label> <document-number> <count>\n       \
                     wallet_worker guess <wallet> <passphrase> <unix-time>\n       \
                     wallet_worker unlock-loop <wallet> <passphrase> <unix-time>\n       \
                     wallet_worker hang <wallet> <key-label> <unix-time>";

/// Seconds between two unlocks of `unlock-loop`, by the clock passed in:
/// longer than the longest delay of the default unlock policy.
const UNLOCK_LOOP_STEP: i64 = 7200;

/// How long an exhausted renewal loop waits to be killed before giving up.
const EXHAUSTED_WAIT: Duration = Duration::from_secs(30);

/// Renewals between two presentations in `renew-loop`.
const PRESENT_EVERY: u32 = 3;

/// Busy answers `present-loop` tolerates in all before it gives up.
const MAX_BUSY_RETRIES: u32 = 10_000;

enum Mode {
    RenewLoop {
        wallet: PathBuf,
        key_label: String,
        credentials: PathBuf,
        number: u64,
    },
    PresentLoop {
        wallet: PathBuf,
        key_label: String,
        number: u64,
        count: u32,
    },
    Guess {
        wallet: PathBuf,
        passphrase: String,
        at: UnixTime,
    },
    UnlockLoop {
        wallet: PathBuf,
        passphrase: String,
        from: UnixTime,
    },
    Hang {
        wallet: PathBuf,
        key_label: String,
        at: UnixTime,
    },
}

fn parse(args: &[String]) -> Result<Mode, String> {
    let number = |s: &str| {
        s.parse::<u64>()
            .map_err(|_| format!("not a document number: {s:?}"))
    };
    match args {
        [mode, wallet, label, dir, doc] if mode == "renew-loop" => Ok(Mode::RenewLoop {
            wallet: wallet.into(),
            key_label: label.clone(),
            credentials: dir.into(),
            number: number(doc)?,
        }),
        [mode, wallet, label, doc, count] if mode == "present-loop" => Ok(Mode::PresentLoop {
            wallet: wallet.into(),
            key_label: label.clone(),
            number: number(doc)?,
            count: count
                .parse()
                .map_err(|_| format!("not a count: {count:?}"))?,
        }),
        [mode, wallet, secret, at] if ["guess", "unlock-loop", "hang"].contains(&mode.as_str()) => {
            let at = UnixTime(at.parse().map_err(|_| format!("not a Unix time: {at:?}"))?);
            let (wallet, secret) = (wallet.into(), secret.clone());
            Ok(match mode.as_str() {
                "guess" => Mode::Guess {
                    wallet,
                    passphrase: secret,
                    at,
                },
                "unlock-loop" => Mode::UnlockLoop {
                    wallet,
                    passphrase: secret,
                    from: at,
                },
                _ => Mode::Hang {
                    wallet,
                    key_label: secret,
                    at,
                },
            })
        }
        [mode, ..]
            if ["renew-loop", "present-loop", "guess", "unlock-loop", "hang"]
                .contains(&mode.as_str()) =>
        {
            Err(format!("wrong number of arguments for {mode}"))
        }
        [mode, ..] => Err(format!("unknown mode {mode:?}")),
        [] => Err("no mode given".to_owned()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = match parse(&args) {
        Ok(mode) => mode,
        Err(message) => {
            eprintln!("wallet_worker: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match mode {
        Mode::RenewLoop {
            wallet,
            key_label,
            credentials,
            number,
        } => renew_loop(&wallet, &key_label, &credentials, number),
        Mode::PresentLoop {
            wallet,
            key_label,
            number,
            count,
        } => present_loop(&wallet, &key_label, number, count),
        Mode::Guess {
            wallet,
            passphrase,
            at,
        } => guess(&wallet, &passphrase, at),
        Mode::UnlockLoop {
            wallet,
            passphrase,
            from,
        } => unlock_loop(&wallet, &passphrase, from),
        Mode::Hang {
            wallet,
            key_label,
            at,
        } => hang(&wallet, &key_label, at),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("wallet_worker: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes one whole line with a single write and flushes it, so a kill
/// never leaves half a line in the pipe.
fn say(line: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    out.write_all(format!("{line}\n").as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| format!("stdout: {e}"))
}

fn open(path: &std::path::Path, key_label: &str) -> Result<Wallet, String> {
    let wallet = Wallet::open(path, &WalletOptions::default()).map_err(|e| format!("open: {e}"))?;
    let source = TestKeySource::new(key_label);
    wallet
        .unlock(Protection::KeySource(&source), PRESENTED_AT)
        .map_err(|e| format!("unlock: {e}"))?;
    Ok(wallet)
}

fn stored_version(wallet: &Wallet, number: u64) -> Result<u32, String> {
    let documents = wallet.documents().map_err(|e| format!("documents: {e}"))?;
    match documents.as_slice() {
        [only] if only.number == number => Ok(only.version),
        other => Err(format!(
            "expected exactly document {number}, found {other:?}"
        )),
    }
}

fn renew_loop(
    path: &std::path::Path,
    key_label: &str,
    credentials: &std::path::Path,
    number: u64,
) -> Result<(), String> {
    let wallet = open(path, key_label)?;
    let trust = trust_list();
    say(&format!("ready {}", stored_version(&wallet, number)?))?;
    let mut renewals = 0u32;
    loop {
        let version = stored_version(&wallet, number)?;
        let next = version + 1;
        let Ok(bytes) = std::fs::read(credentials.join(format!("{number}-{next}.cred"))) else {
            say(&format!("exhausted {next}"))?;
            std::thread::sleep(EXHAUSTED_WAIT);
            return Err(format!(
                "ran out of credentials at version {next} and was not killed"
            ));
        };
        say(&format!("renew {next}"))?;
        match wallet.import(&bytes, &trust, PRESENTED_AT) {
            Ok(ImportOutcome::Renewed {
                document,
                replaced_version,
            }) if document.version == next && replaced_version == version => {}
            other => return Err(format!("renewal to version {next}: {other:?}")),
        }
        say(&format!("renewed {next}"))?;
        renewals += 1;
        if renewals.is_multiple_of(PRESENT_EVERY) {
            say("present")?;
            wallet
                .present(number, &Disclosure::Identity, None, PRESENTED_AT)
                .map_err(|e| format!("present: {e}"))?;
            say("presented")?;
        }
    }
}

fn present_loop(
    path: &std::path::Path,
    key_label: &str,
    number: u64,
    count: u32,
) -> Result<(), String> {
    let wallet = open(path, key_label)?;
    say("ready")?;
    wait_for_go()?;
    let mut busy = 0u32;
    for _ in 0..count {
        loop {
            match wallet.present(number, &Disclosure::Identity, None, PRESENTED_AT) {
                Ok(_) => break,
                Err(WalletError::Busy) if busy < MAX_BUSY_RETRIES => {
                    busy += 1;
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(e) => return Err(format!("present: {e}")),
            }
        }
    }
    say(&format!("done {count} busy {busy}"))
}

/// Waits for the parent's line on stdin.
fn wait_for_go() -> Result<(), String> {
    let mut go = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut go)
        .map(|_| ())
        .map_err(|e| format!("stdin: {e}"))
}

fn guess(path: &std::path::Path, passphrase: &str, at: UnixTime) -> Result<(), String> {
    let wallet = Wallet::open(path, &WalletOptions::default()).map_err(|e| format!("open: {e}"))?;
    say("ready")?;
    wait_for_go()?;
    let line = match wallet.unlock(Protection::Passphrase(passphrase), at) {
        Ok(_) => "unlocked".to_owned(),
        Err(WalletError::WrongPassphrase { remaining }) => format!("wrong {remaining}"),
        Err(WalletError::Blocked(UnlockBlocked::RetryAfter { seconds })) => {
            format!("retry-after {seconds}")
        }
        Err(WalletError::Blocked(UnlockBlocked::LockedOut { failures })) => {
            format!("locked-out {failures}")
        }
        Err(other) => format!("error {other}"),
    };
    say(&line)
}

fn unlock_loop(path: &std::path::Path, passphrase: &str, from: UnixTime) -> Result<(), String> {
    say("ready")?;
    for n in 0i64.. {
        let wallet =
            Wallet::open(path, &WalletOptions::default()).map_err(|e| format!("open: {e}"))?;
        say(&format!("unlock {n}"))?;
        wallet
            .unlock(
                Protection::Passphrase(passphrase),
                UnixTime(from.0 + n * UNLOCK_LOOP_STEP),
            )
            .map_err(|e| format!("unlock {n}: {e}"))?;
        say(&format!("unlocked {n}"))?;
    }
    Ok(())
}

/// A key source whose prompt never answers: it says `prompting` and waits.
struct HangingKeySource(TestKeySource);

impl hawiya_core::KeySource for HangingKeySource {
    fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, hawiya_core::KeySourceError> {
        self.0.wrap(data_key)
    }

    fn unwrap(&self, _wrapped: &[u8]) -> Result<Vec<u8>, hawiya_core::KeySourceError> {
        let _ = say("prompting");
        std::thread::sleep(EXHAUSTED_WAIT);
        Err(hawiya_core::KeySourceError::Unavailable(
            "the prompt was never answered and the worker was not killed".into(),
        ))
    }
}

fn hang(path: &std::path::Path, key_label: &str, at: UnixTime) -> Result<(), String> {
    let wallet = Wallet::open(path, &WalletOptions::default()).map_err(|e| format!("open: {e}"))?;
    let source = HangingKeySource(TestKeySource::new(key_label));
    wallet
        .unlock(Protection::KeySource(&source), at)
        .map(|_| ())
        .map_err(|e| format!("unlock: {e}"))
}
