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
//!
//! Invalid arguments exit with code 2, a failed wallet call with code 1.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use hawiya_core::{Disclosure, ImportOutcome, Protection, Wallet, WalletError, WalletOptions};
use hawiya_tests::{trust_list, TestKeySource, PHONE_CLOCK, PRESENTED_AT};

const USAGE: &str = "usage: wallet_worker renew-loop <wallet> <key-label> <credential-dir> <document-number>\n       \
                     wallet_worker present-loop <wallet> <key-label> <document-number> <count>";

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
        [mode, ..] if mode == "renew-loop" || mode == "present-loop" => {
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
                .present(number, &Disclosure::Identity, None, &PHONE_CLOCK)
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
    let mut go = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut go)
        .map_err(|e| format!("stdin: {e}"))?;
    let mut busy = 0u32;
    for _ in 0..count {
        loop {
            match wallet.present(number, &Disclosure::Identity, None, &PHONE_CLOCK) {
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
