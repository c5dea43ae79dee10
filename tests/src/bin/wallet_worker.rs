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
//! - `full-disk <folder>`: runs the full-disk scenario in `<folder>`, which
//!   should be a small file system of its own (a tmpfs): makes a wallet,
//!   fills the file system, checks that unlocking (counted), reading and
//!   presenting (logged) still work and that an import fails as `DiskFull`
//!   losing nothing, printing `ok <step>` for each step.
//! - `size-limited <wallet>`: for a run under a file size limit (`ulimit -f`,
//!   SIGXFSZ ignored) when no file system of its own can be mounted: opens
//!   the fixture wallet, unlocks, lists and presents, then imports a document
//!   too big for the limit, which must fail with a storage error and change
//!   nothing, printing `ok <step>` for each step.
//! - `hang <wallet> <key-label> <unix-time>`: opens a key-source wallet and
//!   unlocks it at that time with a key source whose prompt never returns:
//!   it prints `prompting` from inside the prompt and waits to be killed.
//!
//! Invalid arguments exit with code 2, a failed wallet call with code 1.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use hawiya_core::{Disclosure, UnixTime};
use hawiya_tests::{trust_list, TestKeySource, PHONE_CLOCK, PRESENTED_AT};
use hawiya_wallet::{ImportOutcome, Protection, UnlockBlocked, Wallet, WalletError, WalletOptions};

const USAGE: &str = "usage: wallet_worker renew-loop <wallet> <key-label> <credential-dir> <document-number>\n       \
                     wallet_worker present-loop <wallet> <key-label> <document-number> <count>\n       \
                     wallet_worker guess <wallet> <passphrase> <unix-time>\n       \
                     wallet_worker unlock-loop <wallet> <passphrase> <unix-time>\n       \
                     wallet_worker hang <wallet> <key-label> <unix-time>\n       \
                     wallet_worker full-disk <folder>\n       \
                     wallet_worker size-limited <wallet>";

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
    FullDisk {
        folder: PathBuf,
    },
    SizeLimited {
        wallet: PathBuf,
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
        [mode, folder] if mode == "full-disk" => Ok(Mode::FullDisk {
            folder: folder.into(),
        }),
        [mode, wallet] if mode == "size-limited" => Ok(Mode::SizeLimited {
            wallet: wallet.into(),
        }),
        [mode, ..]
            if [
                "renew-loop",
                "present-loop",
                "guess",
                "unlock-loop",
                "hang",
                "full-disk",
                "size-limited",
            ]
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
        Mode::FullDisk { folder } => full_disk(&folder),
        Mode::SizeLimited { wallet } => size_limited(&wallet),
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
    wait_for_go()?;
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

impl hawiya_wallet::KeySource for HangingKeySource {
    fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, hawiya_wallet::KeySourceError> {
        self.0.wrap(data_key)
    }

    fn unwrap(&self, _wrapped: &[u8]) -> Result<Vec<u8>, hawiya_wallet::KeySourceError> {
        let _ = say("prompting");
        std::thread::sleep(EXHAUSTED_WAIT);
        Err(hawiya_wallet::KeySourceError::Unavailable(
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

/// Fills the file system holding `path`'s folder: writes `path` until the
/// disk is full. Returns the bytes written.
fn fill(path: &std::path::Path) -> Result<u64, String> {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| format!("filler: {e}"))?;
    let mut written = 0u64;
    for chunk in [65_536usize, 4096, 512, 1] {
        let block = vec![0x5au8; chunk];
        loop {
            match file.write(&block) {
                Ok(0) => break,
                Ok(n) => written += n as u64,
                Err(e) if e.kind() == std::io::ErrorKind::StorageFull => break,
                Err(e) => return Err(format!("filler: {e}")),
            }
        }
    }
    let _ = file.sync_all();
    Ok(written)
}

fn expect<T: std::fmt::Debug>(
    step: &str,
    result: Result<T, WalletError>,
    wanted: impl FnOnce(&Result<T, WalletError>) -> bool,
) -> Result<T, String> {
    if !wanted(&result) {
        return Err(format!("{step}: unexpected {result:?}"));
    }
    say(&format!("ok {step}"))?;
    result.map_err(|e| format!("{step}: {e}"))
}

fn full_disk(folder: &std::path::Path) -> Result<(), String> {
    use hawiya_tests::{
        issue_print_to_wallet, issue_to_wallet, national_id, resident_permit, PASSPHRASE,
    };
    let path = folder.join("wallet.db");
    let options = WalletOptions::default();
    let now = PRESENTED_AT;
    let trust = trust_list();
    let number = national_id().document_number;
    {
        let wallet = Wallet::create(&path, Protection::Passphrase(PASSPHRASE), &options)
            .map_err(|e| format!("create: {e}"))?;
        let key = wallet.create_device_key().map_err(|e| e.to_string())?;
        wallet
            .import_with_print(
                &issue_to_wallet(&wallet, &key, &national_id(), None),
                &issue_print_to_wallet(&national_id(), None),
                &trust,
                now,
            )
            .map_err(|e| format!("import: {e}"))?;
        wallet
            .present_static(number, &Disclosure::Identity, now)
            .map_err(|e| format!("present: {e}"))?;
    }
    let filled = fill(&folder.join("filler"))?;
    say(&format!("ok filled {filled}"))?;

    // On the full disk: open, a wrong guess (counted), unlock, read, present.
    let wallet = expect("open", Wallet::open(&path, &options), Result::is_ok)?;
    let _ = expect(
        "wrong guess counted",
        wallet.unlock(Protection::Passphrase("not-the-passphrase-3"), now),
        |r| matches!(r, Err(WalletError::WrongPassphrase { remaining: 9 })),
    );
    expect(
        "unlock",
        wallet.unlock(Protection::Passphrase(PASSPHRASE), now),
        Result::is_ok,
    )?;
    expect(
        "list",
        wallet.documents(),
        |r| matches!(r, Ok(docs) if docs.len() == 1),
    )?;
    expect("show", wallet.document(number), Result::is_ok)?;
    expect(
        "present static",
        wallet.present_static(number, &Disclosure::Full, now),
        Result::is_ok,
    )?;
    expect(
        "present device-bound",
        wallet.present(number, &Disclosure::AgeOver18, None, &PHONE_CLOCK),
        Result::is_ok,
    )?;
    expect(
        "log",
        wallet.presentation_log(),
        |r| matches!(r, Ok(log) if log.len() == 3),
    )?;

    // Other apps take the room the reserve gave back: changes now fail as
    // "disk full" and lose nothing.
    fill(&folder.join("filler-2"))?;
    let key = wallet
        .device_keys()
        .map_err(|e| e.to_string())?
        .first()
        .map(|k| k.public_key)
        .ok_or("no device key")?;
    let permit = issue_to_wallet(&wallet, &key, &resident_permit(), None);
    let _ = expect("import refused", wallet.import(&permit, &trust, now), |r| {
        matches!(r, Err(WalletError::DiskFull))
    });
    expect(
        "nothing lost",
        wallet.documents(),
        |r| matches!(r, Ok(docs) if docs.len() == 1),
    )?;
    // With no room left even for the log, no unlogged code is made.
    let _ = expect(
        "present refused",
        wallet.present_static(number, &Disclosure::Full, now),
        |r| matches!(r, Err(WalletError::DiskFull)),
    );
    expect(
        "log unchanged",
        wallet.presentation_log(),
        |r| matches!(r, Ok(log) if log.len() == 3),
    )?;
    drop(wallet);

    // Room again: everything is there, and changes go through.
    for filler in ["filler", "filler-2"] {
        std::fs::remove_file(folder.join(filler)).map_err(|e| e.to_string())?;
    }
    let wallet = expect("reopen", Wallet::open(&path, &options), Result::is_ok)?;
    expect(
        "unlock again",
        wallet.unlock(Protection::Passphrase(PASSPHRASE), now),
        Result::is_ok,
    )?;
    expect("import", wallet.import(&permit, &trust, now), Result::is_ok)?;
    expect(
        "list again",
        wallet.documents(),
        |r| matches!(r, Ok(docs) if docs.len() == 2),
    )?;
    expect(
        "log again",
        wallet.presentation_log(),
        |r| matches!(r, Ok(log) if log.len() == 3),
    )?;
    expect(
        "attempts cleared",
        wallet.failed_attempts(),
        |r| matches!(r, Ok(a) if a.failures == 0 && a.unresolved == 0),
    )?;
    say("done")
}

fn size_limited(path: &std::path::Path) -> Result<(), String> {
    use hawiya_tests::{issue_to_wallet, national_id, resident_permit, tiny_png, PASSPHRASE};
    let now = PRESENTED_AT;
    let number = national_id().document_number;
    let wallet = expect(
        "open",
        Wallet::open(path, &WalletOptions::default()),
        Result::is_ok,
    )?;
    expect(
        "unlock",
        wallet.unlock(Protection::Passphrase(PASSPHRASE), now),
        Result::is_ok,
    )?;
    expect(
        "list",
        wallet.documents(),
        |r| matches!(r, Ok(docs) if docs.len() == 1),
    )?;
    expect(
        "present static",
        wallet.present_static(number, &Disclosure::Full, now),
        Result::is_ok,
    )?;
    let logged = wallet.presentation_log().map_err(|e| e.to_string())?.len();
    let key = wallet
        .device_keys()
        .map_err(|e| e.to_string())?
        .first()
        .map(|k| k.public_key)
        .ok_or("no device key")?;
    // A permit with a portrait larger than the file may grow.
    let mut portrait = tiny_png();
    portrait.resize(200 * 1024, 0);
    let big = hawiya_core::Claims {
        portrait: Some(portrait),
        ..resident_permit()
    };
    let permit = issue_to_wallet(&wallet, &key, &big, None);
    let _ = expect(
        "import refused",
        wallet.import(&permit, &trust_list(), now),
        |r| matches!(r, Err(WalletError::DiskFull | WalletError::Storage(_))),
    );
    expect(
        "nothing lost",
        wallet.documents(),
        |r| matches!(r, Ok(docs) if docs.len() == 1),
    )?;
    expect(
        "log kept",
        wallet.presentation_log(),
        |r| matches!(r, Ok(log) if log.len() == logged),
    )?;
    say("done")
}
