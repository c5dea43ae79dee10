//! `hawiya wallet`: the holder's encrypted wallet file from the command line.
//!
//! Every command names the file with `--wallet FILE`. The passphrase comes
//! from `HAWIYA_PASSPHRASE` (scripts) or a prompt on the terminal without
//! echo; with neither, the command fails at once instead of waiting for
//! input. Backups use `HAWIYA_BACKUP_PASSPHRASE` or a prompt the same way.
//! No passphrase is ever printed.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use hawiya_core::{
    ClaimKey, ClaimValue, Clock, Disclosure, EccLevel, HeldCredential, Mode, QrMatrix, SystemClock,
    TrustList,
};
use hawiya_wallet::{
    DamagedDocument, DocumentSummary, ImportOutcome, LogEntry, Person, Protection, SkippedDocument,
    UnlockBlocked, Wallet, WalletError, WalletOptions,
};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::args::{challenge_arg, now_or, Profile};
use crate::error::CliError;
use crate::files;
use crate::output::{self, Force, Outputs, Staged};
use crate::report;

/// The environment variable scripts set to the wallet passphrase.
pub const PASSPHRASE_ENV: &str = "HAWIYA_PASSPHRASE";
/// The environment variable scripts set to the backup passphrase.
pub const BACKUP_PASSPHRASE_ENV: &str = "HAWIYA_BACKUP_PASSPHRASE";
/// Pixels per QR module in the PNGs `wallet present --png` writes (as `holder present`).
const PNG_MODULE_PX: u32 = 8;

/// The wallet file every command works on.
#[derive(Args)]
pub struct WalletFile {
    /// The wallet file (SQLite, every secret row encrypted).
    #[arg(long = "wallet", value_name = "FILE")]
    path: PathBuf,
}

/// A credential to import and the trust list it must verify against.
#[derive(Args)]
pub struct CredentialArgs {
    /// The credential file `hawiya issuer issue --out` wrote for this wallet.
    #[arg(long, value_name = "FILE", required_unless_present = "print")]
    credential: Option<PathBuf>,
    /// The document's print credential (`hawiya issuer issue --print-out`),
    /// kept with the document for its printed card. Alone, it is added to
    /// the stored document of the same version.
    #[arg(long, value_name = "FILE")]
    print: Option<PathBuf>,
    /// Signed trust list (trust-list.cbor) the issuer must be in.
    #[arg(long, value_name = "FILE")]
    trust_list: PathBuf,
    /// Pinned root public key; defaults to root.pub beside the trust list.
    #[arg(long, value_name = "FILE")]
    root_key: Option<PathBuf>,
    /// Import as of this time (Unix seconds) instead of now.
    #[arg(long, allow_negative_numbers = true)]
    at: Option<i64>,
    /// Print the outcome as JSON.
    #[arg(long)]
    json: bool,
}

/// `hawiya wallet ...`
#[derive(Subcommand)]
pub enum WalletCommand {
    /// Create a new encrypted wallet file with a device key (asks for the passphrase twice).
    ///
    /// The file must not exist. With --force an existing regular file is
    /// replaced, once the new wallet is complete; if it was a wallet, its
    /// documents and device key are gone with it. A wallet that is open
    /// elsewhere or was not closed cleanly (its -wal, -shm or -journal file
    /// exists) is never replaced.
    Init {
        #[command(flatten)]
        file: WalletFile,
        #[command(flatten)]
        force: Force,
    },
    /// Answer an issuer nonce with a binding request signed by the wallet's device key.
    Bind {
        #[command(flatten)]
        file: WalletFile,
        /// The issuer's nonce, hex.
        #[arg(long)]
        nonce: String,
        /// Output file for the issuer (`hawiya issuer issue --request FILE`);
        /// must not exist unless --force is given.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        force: Force,
    },
    /// Verify a credential (and its print credential) against the trust list
    /// and store it (a higher version renews); or add a print credential to a
    /// stored document.
    Import {
        #[command(flatten)]
        file: WalletFile,
        #[command(flatten)]
        credential: CredentialArgs,
    },
    /// The people and documents in the wallet.
    List {
        #[command(flatten)]
        file: WalletFile,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every claim of one document.
    Show {
        #[command(flatten)]
        file: WalletFile,
        /// The document number.
        #[arg(long, value_name = "NUMBER")]
        document: u64,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make a presentation QR of a stored document, signed by the wallet's
    /// device key now (over the verifier's challenge with --challenge), or
    /// the printed code of its print credential (--static); prints the QR text.
    Present {
        #[command(flatten)]
        file: WalletFile,
        /// The document number.
        #[arg(long, value_name = "NUMBER")]
        document: u64,
        /// full, identity, age18, age21, or claim names separated by commas
        /// (e.g. name_en,document_number).
        #[arg(long, default_value = "full", value_name = "WHAT")]
        disclose: String,
        /// The printed code of the document's print credential: issuer-signed
        /// only (lower assurance).
        #[arg(long = "static", conflicts_with = "challenge")]
        static_form: bool,
        /// The verifier's challenge: the six digits it shows, or its QR text (HWC:...).
        #[arg(long, value_name = "CODE")]
        challenge: Option<String>,
        /// Write a PNG of the QR code here (must not exist unless --force is given).
        #[arg(long, value_name = "FILE", conflicts_with = "live")]
        png: Option<PathBuf>,
        #[command(flatten)]
        force: Force,
        /// Print the QR text and its figures as JSON.
        #[arg(long)]
        json: bool,
        /// Keep showing the code: print a freshly signed one (one line each)
        /// every --every seconds until interrupted or --count codes were
        /// printed. The showing is one entry in the presentation log (one
        /// more per five minutes); over a --challenge it ends after 120 s.
        #[arg(long, conflicts_with = "static_form")]
        live: bool,
        /// With --live: seconds between codes (default 90; a verifier's
        /// default freshness window is 120).
        #[arg(long, value_name = "SECONDS", requires = "live")]
        every: Option<u64>,
        /// With --live: stop after this many codes.
        #[arg(long, value_name = "N", requires = "live")]
        count: Option<u64>,
    },
    /// Import a newer version of a stored document; refuses anything else.
    Renew {
        #[command(flatten)]
        file: WalletFile,
        #[command(flatten)]
        credential: CredentialArgs,
    },
    /// The dependents whose documents this wallet holds as their guardian.
    Dependents {
        #[command(flatten)]
        file: WalletFile,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The presentation log: what was shown, when.
    Log {
        #[command(flatten)]
        file: WalletFile,
        /// Delete the whole log.
        #[arg(long)]
        clear: bool,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a document and purge it from the file.
    Delete {
        #[command(flatten)]
        file: WalletFile,
        /// The document number.
        #[arg(long, value_name = "NUMBER")]
        document: u64,
    },
    /// Write a backup sealed with a backup passphrase (device keys are never included).
    Export {
        #[command(flatten)]
        file: WalletFile,
        /// Backup file to write (must not exist unless --force is given;
        /// never the wallet itself).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        force: Force,
    },
    /// Restore a backup into a new wallet file; its documents then need re-binding.
    ///
    /// The --wallet file must not exist. With --force an existing regular
    /// file is replaced once the restored wallet is complete (as for init).
    /// Each credential is checked against the trust list as `import` checks
    /// it (one that fails is left out and reported).
    Restore {
        /// The backup file.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        #[command(flatten)]
        file: WalletFile,
        /// Signed trust list (trust-list.cbor) every restored credential must verify against.
        #[arg(long, value_name = "FILE")]
        trust_list: PathBuf,
        /// Pinned root public key; defaults to root.pub beside the trust list.
        #[arg(long, value_name = "FILE")]
        root_key: Option<PathBuf>,
        #[command(flatten)]
        force: Force,
    },
    /// Destroy everything in the wallet (documents, device keys, log) and start it afresh
    /// with a new passphrase and device key: the way out of a lockout. Nothing of the old
    /// wallet stays in the file. Asks to type RESET unless --yes is given.
    Reset {
        #[command(flatten)]
        file: WalletFile,
        /// Do not ask: destroy everything now (for scripts; there is no undo).
        #[arg(long)]
        yes: bool,
    },
}

impl WalletCommand {
    fn wants_json(&self) -> bool {
        match self {
            WalletCommand::Import { credential, .. } | WalletCommand::Renew { credential, .. } => {
                credential.json
            }
            WalletCommand::List { json, .. }
            | WalletCommand::Show { json, .. }
            | WalletCommand::Present { json, .. }
            | WalletCommand::Dependents { json, .. }
            | WalletCommand::Log { json, .. } => *json,
            _ => false,
        }
    }
}

/// Runs one wallet command. With `--json`, an error is also printed as
/// `{"error": "..."}` on stdout, as `verify --json` does.
pub fn run(cmd: WalletCommand) -> Result<(), CliError> {
    let json = cmd.wants_json();
    dispatch(cmd).inspect_err(|e| {
        if json {
            println!("{}", json!({"error": e.to_string()}));
        }
    })
}

fn dispatch(cmd: WalletCommand) -> Result<(), CliError> {
    match cmd {
        WalletCommand::Init { file, force } => init(&file.path, force),
        WalletCommand::Bind {
            file,
            nonce,
            out,
            force,
        } => bind(&file.path, &nonce, &out, force),
        WalletCommand::Import { file, credential } => import(&file.path, &credential, false),
        WalletCommand::Renew { file, credential } => import(&file.path, &credential, true),
        WalletCommand::List { file, json } => list(&file.path, json),
        WalletCommand::Show {
            file,
            document,
            json,
        } => show(&file.path, document, json),
        WalletCommand::Present {
            file,
            document,
            disclose,
            static_form,
            challenge,
            png,
            force,
            json,
            live,
            every,
            count,
        } => {
            let mut outputs = Outputs::new(force).opens_wallet(&file.path);
            if let Some(png) = &png {
                outputs.check("--png", png)?;
            }
            let disclosure = parse_disclosure(&disclose)?;
            let challenge = challenge.as_deref().map(challenge_arg).transpose()?;
            let request = PresentRequest {
                document,
                disclosure,
                static_form,
                challenge,
            };
            if live {
                let every = every.unwrap_or(DEFAULT_LIVE_EVERY);
                if !(1..=MAX_LIVE_EVERY).contains(&every) {
                    return Err(CliError::Input(format!(
                        "--every {every}: give 1 to {MAX_LIVE_EVERY} seconds (a verifier accepts a code for {MAX_LIVE_EVERY} seconds by default)"
                    )));
                }
                if count == Some(0) {
                    return Err(CliError::Input("--count 0: give 1 or more".into()));
                }
                return present_live(&file.path, &request, every, count, json);
            }
            present(&file.path, &request, png.as_deref(), &outputs, json)
        }
        WalletCommand::Dependents { file, json } => dependents(&file.path, json),
        WalletCommand::Log { file, clear, json } => log(&file.path, clear, json),
        WalletCommand::Delete { file, document } => {
            let wallet = open(&file.path)?;
            wallet.delete(document).map_err(wallet_error)?;
            println!("deleted document {document} and purged it from the wallet file");
            Ok(())
        }
        WalletCommand::Export { file, out, force } => export(&file.path, &out, force),
        WalletCommand::Restore {
            from,
            file,
            trust_list,
            root_key,
            force,
        } => restore(&from, &file.path, &trust_list, root_key.as_deref(), force),
        WalletCommand::Reset { file, yes } => reset(&file.path, yes),
    }
}

// ------------------------------------------------------------ passphrases

/// A passphrase from `env` if it is set. An empty or non-UTF-8 value is an
/// error rather than "unset", so a script's mistake is not a silent prompt.
pub fn passphrase_from_env(env: &str) -> Result<Option<Zeroizing<String>>, CliError> {
    match std::env::var(env) {
        Ok(value) if value.is_empty() => Err(CliError::Usage(format!(
            "{env} is set but empty; set it to the passphrase or unset it to be asked"
        ))),
        Ok(value) => Ok(Some(Zeroizing::new(value))),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(CliError::Usage(format!("{env} is not valid UTF-8")))
        }
        Err(std::env::VarError::NotPresent) => Ok(None),
    }
}

/// The passphrase from `env`, or else asked on the terminal without echo
/// (twice when `confirm`). Without a terminal it fails at once.
fn passphrase(env: &str, prompt: &str, confirm: bool) -> Result<Zeroizing<String>, CliError> {
    if let Some(value) = passphrase_from_env(env)? {
        return Ok(value);
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(format!(
            "no {prompt}: set {env} (for scripts) or run this command in a terminal to be asked"
        )));
    }
    let ask = |text: &str| {
        rpassword::prompt_password(text)
            .map(Zeroizing::new)
            .map_err(|e| {
                CliError::Input(format!(
                    "could not read the {prompt} from the terminal ({e}); set {env} instead"
                ))
            })
    };
    let first = ask(&format!("{prompt}: "))?;
    if confirm {
        let again = ask(&format!("{prompt} again: "))?;
        if *first != *again {
            return Err(CliError::Usage(format!(
                "the two entries of the {prompt} differ; nothing was changed"
            )));
        }
    }
    Ok(first)
}

// ---------------------------------------------------------------- files

/// A wallet error as the CLI reports it, with the CLI's next step where the
/// core's message names an app action.
pub(crate) fn wallet_error(e: WalletError) -> CliError {
    match e {
        WalletError::NotFound(path) => CliError::Input(format!(
            "no wallet at {0}; create one with `hawiya wallet init --wallet {0}`",
            path.display()
        )),
        WalletError::NeedsRebinding(number) => CliError::Input(format!(
            "{}; with this CLI: `hawiya wallet bind`, then `hawiya wallet renew` with the reissued credential; until then only printed codes (--static, with a print credential) can be made",
            WalletError::NeedsRebinding(number)
        )),
        WalletError::NoPrintCredential(number) => CliError::Input(format!(
            "{}; with this CLI: `hawiya wallet import --print FILE` adds the one `hawiya issuer issue --print-out` made",
            WalletError::NoPrintCredential(number)
        )),
        WalletError::WeakPasscode(weak) => {
            CliError::Input(format!("passphrase refused: {weak}"))
        }
        other => CliError::Input(other.to_string()),
    }
}

fn options() -> WalletOptions {
    WalletOptions::default()
}

/// Creates a new wallet file readable by the owner only (its write-ahead log
/// and index files inherit that mode), protected by `passphrase`. Callers
/// have checked `path` under the rule for outputs (and `wallet init` builds
/// it in a staging folder); on failure nothing of it is left.
///
/// # Errors
/// The file exists, or the wallet refuses the passphrase ([`WalletError::WeakPasscode`]).
pub fn create_wallet(path: &Path, passphrase: &str) -> Result<Wallet, CliError> {
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        file.mode(0o600);
    }
    file.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::Usage(format!(
                "{} already exists; open it, or choose another path",
                path.display()
            ))
        } else {
            CliError::io(path, e)
        }
    })?;
    Wallet::create(path, Protection::Passphrase(passphrase), &options()).map_err(|e| {
        // Nothing was written but the empty file made above (or a partial
        // wallet that could not finish): leave nothing behind.
        remove_wallet_files(path);
        wallet_error(e)
    })
}

/// Removes a wallet file, its SQLite companions and its space reserve,
/// ignoring missing ones.
pub fn remove_wallet_files(path: &Path) {
    let _ = std::fs::remove_file(path);
    for suffix in output::WALLET_COMPANIONS {
        let _ = std::fs::remove_file(output::companion(path, suffix));
    }
}

/// Makes a wallet file (and companions present now) readable by the owner only.
pub fn restrict_wallet_files(path: &Path) -> Result<(), CliError> {
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = PathBuf::from(name);
        if file.exists() {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| CliError::io(&file, e))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Opens and unlocks a wallet with the passphrase from the environment or the terminal.
pub(crate) fn open(path: &Path) -> Result<Wallet, CliError> {
    let wallet = Wallet::open(path, &options()).map_err(wallet_error)?;
    let passphrase = passphrase(PASSPHRASE_ENV, "wallet passphrase", false)?;
    let outcome = wallet
        .unlock(Protection::Passphrase(&passphrase), SystemClock.now())
        .map_err(|e| match e {
            WalletError::Blocked(blocked @ UnlockBlocked::LockedOut { .. }) => {
                CliError::Input(format!(
                    "{blocked}; to start afresh: `hawiya wallet reset --wallet {}` (destroys everything in it)",
                    path.display()
                ))
            }
            other => wallet_error(other),
        })?;
    if let Some(weak) = outcome.weak_passcode {
        eprintln!("hawiya: warning: the wallet passphrase is weak: {weak}");
    }
    Ok(wallet)
}

// ------------------------------------------------------------- commands

/// "document 1234567890 version 2" for a document a restore left out, with
/// what it claims to be.
fn skipped_name(skipped: &SkippedDocument) -> String {
    match (skipped.number, skipped.version) {
        (Some(number), Some(version)) => format!("document {number} version {version}"),
        (Some(number), None) => format!("document {number}"),
        _ => "an unreadable document".to_owned(),
    }
}

/// Words that confirm a reset at the terminal.
const RESET_CONFIRMATION: &str = "RESET";

fn reset(path: &Path, yes: bool) -> Result<(), CliError> {
    let wallet = Wallet::open(path, &options()).map_err(wallet_error)?;
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(CliError::Usage(format!(
                "`wallet reset` destroys every document, device key and log entry in {}, for good; \
                 add --yes to confirm (there is no terminal to ask)",
                path.display()
            )));
        }
        eprintln!(
            "This destroys every document, device key and log entry in {}. Nothing can be recovered \
             afterwards except from a backup.",
            path.display()
        );
        eprint!("Type {RESET_CONFIRMATION} to confirm: ");
        let mut answer = String::new();
        std::io::stdin()
            .read_line(&mut answer)
            .map_err(|e| CliError::Input(format!("could not read the confirmation: {e}")))?;
        if answer.trim() != RESET_CONFIRMATION {
            return Err(CliError::Usage(
                "not confirmed; the wallet was not changed".into(),
            ));
        }
    }
    let passphrase = passphrase(PASSPHRASE_ENV, "new wallet passphrase", true)?;
    wallet
        .reset(Protection::Passphrase(&passphrase), &options())
        .map_err(wallet_error)?;
    let key = wallet.create_device_key().map_err(wallet_error)?;
    restrict_wallet_files(path)?;
    println!(
        "wallet {} reset: every document, device key and log entry was destroyed, and nothing of them is left in the file",
        path.display()
    );
    println!(
        "it is protected by the new passphrase and has a new device key {}; next: bind it \
         (`hawiya wallet bind --wallet {} --nonce HEX --out request.cbor`) and import your documents again",
        key.fingerprint(),
        path.display()
    );
    Ok(())
}

fn init(path: &Path, force: Force) -> Result<(), CliError> {
    let mut outputs = Outputs::new(force);
    outputs.check_wallet("--wallet", path)?;
    let passphrase = passphrase(PASSPHRASE_ENV, "new wallet passphrase", true)?;
    let staged = outputs.stage(path)?;
    let wallet = create_wallet(staged.path(), &passphrase)?;
    let key = wallet.create_device_key().map_err(wallet_error)?;
    drop(wallet);
    outputs.commit_staged(staged, path)?;
    println!(
        "wallet created at {} with device key {} (kept encrypted in the wallet)",
        path.display(),
        key.fingerprint()
    );
    println!(
        "next: get a nonce from the issuer and run `hawiya wallet bind --wallet {} --nonce HEX --out request.cbor`",
        path.display()
    );
    Ok(())
}

fn bind(path: &Path, nonce: &str, out: &Path, force: Force) -> Result<(), CliError> {
    let mut outputs = Outputs::new(force).opens_wallet(path);
    outputs.check("--out", out)?;
    let nonce = files::hex_arg("--nonce", nonce)?;
    if !(hawiya_core::MIN_NONCE_LEN..=hawiya_core::MAX_NONCE_LEN).contains(&nonce.len()) {
        return Err(CliError::Usage("--nonce must be 16 to 64 bytes".into()));
    }
    let wallet = open(path)?;
    let keys = wallet.device_keys().map_err(wallet_error)?;
    let key = match keys.first() {
        Some(key) => key.public_key,
        None => {
            // A restored wallet has no device key yet: make one here.
            let key = wallet.create_device_key().map_err(wallet_error)?;
            eprintln!(
                "hawiya: made a new device key {} in the wallet",
                key.fingerprint()
            );
            key
        }
    };
    let request = wallet.binding_request(&key, &nonce).map_err(wallet_error)?;
    outputs.write_public(out, &request.to_bytes())?;
    println!(
        "binding request from device key {} written to {}",
        key.fingerprint(),
        out.display()
    );
    Ok(())
}

fn document_number(held: &HeldCredential) -> Option<u64> {
    match held.claim(ClaimKey::DocumentNumber) {
        Some(ClaimValue::Number(n)) => Some(*n),
        _ => None,
    }
}

fn import(path: &Path, args: &CredentialArgs, renewal: bool) -> Result<(), CliError> {
    let print = args
        .print
        .as_deref()
        .map(|p| files::read(p, files::limit::HELD_CREDENTIAL).map(Zeroizing::new))
        .transpose()?;
    let Some(credential) = &args.credential else {
        return match (&print, renewal) {
            (Some(print), false) => add_print(path, args, print),
            _ => Err(CliError::Usage(
                "wallet renew needs --credential (the new version); give its print credential with --print as well".into(),
            )),
        };
    };
    let bytes = Zeroizing::new(files::read(credential, files::limit::HELD_CREDENTIAL)?);
    let held = HeldCredential::from_bytes(&bytes).map_err(|e| {
        CliError::Input(format!(
            "{}: not a held credential: {e}",
            credential.display()
        ))
    })?;
    let number = document_number(&held)
        .ok_or_else(|| CliError::Input(format!("{}: no document number", credential.display())))?;
    let offered = held.info().document_version;
    let trust = crate::files::load_trust_list(&args.trust_list, args.root_key.as_deref())?;
    let wallet = open(path)?;
    let stored = wallet.documents().map_err(wallet_error)?;
    let had_print = stored.iter().any(|d| d.number == number && d.printable);
    if renewal {
        match stored.iter().find(|d| d.number == number) {
            None => {
                return Err(CliError::Input(format!(
                    "not a renewal: the wallet holds no older version of document {number}; \
                     add a new document with `hawiya wallet import`"
                )))
            }
            Some(old) if old.version >= offered => {
                return Err(CliError::Input(format!(
                    "not a renewal: the wallet holds document {number} version {}, and this credential is version {offered}",
                    old.version
                )))
            }
            Some(_) => {}
        }
    }
    let now = now_or(args.at);
    let outcome = match &print {
        Some(print) => wallet.import_with_print(&bytes, print, &trust, now),
        None => wallet.import(&bytes, &trust, now),
    }
    .map_err(wallet_error)?;
    if args.json {
        let (document, replaced) = match &outcome {
            ImportOutcome::Added(d) => (d, None),
            ImportOutcome::Renewed {
                document,
                replaced_version,
            } => (document, Some(*replaced_version)),
        };
        println!(
            "{}",
            json!({
                "outcome": if replaced.is_some() { "renewed" } else { "added" },
                "replaced_version": replaced,
                "document": summary_json(document),
            })
        );
    } else {
        println!("{}", outcome_text(&outcome));
        let renewed = matches!(outcome, ImportOutcome::Renewed { .. });
        if print.is_some() {
            println!("with its print credential: its card can be printed (`hawiya card`)");
        } else if renewed && had_print {
            println!(
                "the previous version's print credential went with it: add this version's with `hawiya wallet import --print FILE` to print the card again"
            );
        }
        let files: Vec<String> = std::iter::once(credential)
            .chain(&args.print)
            .map(|p| p.display().to_string())
            .collect();
        println!(
            "the wallet keeps its own encrypted copy: {} can be deleted",
            files.join(" and ")
        );
    }
    Ok(())
}

/// `wallet import --print FILE` alone: adds the print credential to the
/// stored document of the same version.
fn add_print(path: &Path, args: &CredentialArgs, print: &[u8]) -> Result<(), CliError> {
    let trust = crate::files::load_trust_list(&args.trust_list, args.root_key.as_deref())?;
    let wallet = open(path)?;
    let document = wallet
        .add_print_credential(print, &trust, now_or(args.at))
        .map_err(wallet_error)?;
    if args.json {
        println!(
            "{}",
            json!({"outcome": "print_credential_added", "document": summary_json(&document)})
        );
    } else {
        println!(
            "Added the print credential of {} {} version {}: its card can be printed (`hawiya card`)",
            document.document_type.name_en(),
            document.number,
            document.version
        );
    }
    Ok(())
}

/// "Added ..." or "Renewed ...", one line.
pub fn outcome_text(outcome: &ImportOutcome) -> String {
    match outcome {
        ImportOutcome::Added(d) => format!(
            "Added {} {} version {} ({}){}",
            d.document_type.name_en(),
            d.number,
            d.version,
            d.name_en,
            d.guardian
                .map(|g| format!(", a dependent's document held under guardian {g}"))
                .unwrap_or_default()
        ),
        ImportOutcome::Renewed {
            document: d,
            replaced_version,
        } => format!(
            "Renewed {} {}: version {} replaced version {replaced_version} (purged from the wallet)",
            d.document_type.name_en(),
            d.number,
            d.version
        ),
    }
}

fn list(path: &Path, json: bool) -> Result<(), CliError> {
    let wallet = open(path)?;
    let people = wallet.people().map_err(wallet_error)?;
    let keys = wallet.device_keys().map_err(wallet_error)?;
    let damaged = wallet.damaged_documents().map_err(wallet_error)?;
    warn_damaged(&damaged);
    if json {
        println!(
            "{}",
            json!({
                "device_keys": keys.iter().map(|k| k.public_key.fingerprint()).collect::<Vec<_>>(),
                "people": people.iter().map(person_json).collect::<Vec<_>>(),
                "damaged": damaged.iter().map(damaged_json).collect::<Vec<_>>(),
            })
        );
        return Ok(());
    }
    if people.is_empty() && damaged.is_empty() {
        println!("no documents yet; add one with `hawiya wallet import`");
    }
    print!("{}", people_text(&people));
    if !damaged.is_empty() {
        println!("damaged (altered outside the wallet; restore from a backup, or delete and import again):");
        for d in &damaged {
            println!("  {}", damaged_line(d));
        }
    }
    match keys.as_slice() {
        [] => println!("no device key: `hawiya wallet bind` makes one"),
        keys => println!(
            "device key{}: {}",
            if keys.len() > 1 { "s" } else { "" },
            keys.iter()
                .map(|k| k.public_key.fingerprint())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
    Ok(())
}

/// People and their documents as text, one line per document. The holder's
/// documents are all those bound to this wallet's own keys (each line names
/// its subject); each dependent is named with their documents.
pub fn people_text(people: &[Person]) -> String {
    let mut out = String::new();
    for person in people {
        if person.is_dependent {
            let born = person
                .birth_date
                .map(|d| format!(", born {d}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "dependent: {} / {}{born}\n",
                person.name_en, person.name_ar
            ));
        } else {
            out.push_str("holder's documents:\n");
        }
        for d in &person.documents {
            out.push_str(&format!("  {}\n", document_line(d)));
        }
    }
    out
}

/// One document: number, type, version, expiry, guardian, re-binding.
pub fn document_line(d: &DocumentSummary) -> String {
    let mut line = format!(
        "{} {}  {}  version {}  valid until {}",
        d.document_type.name_en(),
        d.number,
        d.name_en,
        d.version,
        report::valid_until(d.expires_at)
    );
    if let Some(g) = d.guardian {
        line.push_str(&format!("  dependent, guardian {g}"));
    }
    if d.printable {
        line.push_str("  printable");
    }
    if d.needs_rebinding {
        line.push_str(if d.printable {
            "  needs re-binding (printed codes only until reissued to this wallet)"
        } else {
            "  needs re-binding (no codes until reissued to this wallet)"
        });
    }
    line
}

/// One damaged document: what it was, if known, and what is wrong.
fn damaged_line(d: &DamagedDocument) -> String {
    let what = match (d.document_type, d.number) {
        (Some(t), Some(n)) => format!("{} {n}", t.name_en()),
        (None, Some(n)) => format!("document {n}"),
        _ => "a document the wallet cannot name".to_owned(),
    };
    let version = d
        .version
        .map(|v| format!(" version {v}"))
        .unwrap_or_default();
    format!("{what}{version}: {}", d.damage)
}

fn damaged_json(d: &DamagedDocument) -> Value {
    json!({
        "number": d.number.map(|n| n.to_string()),
        "document_type": d.document_type.map(report::doc_name),
        "version": d.version,
        "damage": d.damage.to_string(),
    })
}

/// Tells on stderr that documents were damaged outside the wallet.
fn warn_damaged(damaged: &[DamagedDocument]) {
    if !damaged.is_empty() {
        eprintln!(
            "hawiya: warning: {} document(s) in this wallet were altered outside it and cannot be shown: {}",
            damaged.len(),
            damaged.iter().map(damaged_line).collect::<Vec<_>>().join("; ")
        );
    }
}

fn summary_json(d: &DocumentSummary) -> Value {
    json!({
        "number": d.number.to_string(),
        "document_type": report::doc_name(d.document_type),
        "version": d.version,
        "name_en": d.name_en,
        "name_ar": d.name_ar,
        "birth_date": d.birth_date.map(|b| b.to_string()),
        "expires_at": d.expires_at.0,
        "valid_until": report::valid_until(d.expires_at),
        "dependent": d.guardian.is_some(),
        "guardian": d.guardian,
        "needs_rebinding": d.needs_rebinding,
        "printable": d.printable,
        "imported_at": d.imported_at.0,
    })
}

fn person_json(p: &Person) -> Value {
    json!({
        "name_en": p.name_en,
        "name_ar": p.name_ar,
        "birth_date": p.birth_date.map(|b| b.to_string()),
        "dependent": p.is_dependent,
        "documents": p.documents.iter().map(summary_json).collect::<Vec<_>>(),
    })
}

fn show(path: &Path, number: u64, json: bool) -> Result<(), CliError> {
    let wallet = open(path)?;
    let held = wallet.document(number).map_err(wallet_error)?;
    let summary = wallet.documents().map_err(wallet_error)?;
    let summary = summary.iter().find(|d| d.number == number);
    let needs_rebinding = summary.is_some_and(|d| d.needs_rebinding);
    let printable = summary.is_some_and(|d| d.printable);
    let info = held.info();
    let device_key = info.device_key.map(|k| k.fingerprint()).unwrap_or_default();
    let value_json = |value: &ClaimValue| match value {
        ClaimValue::Bytes(b) => json!({"image_bytes": b.len()}),
        other => report::claim_json(other),
    };
    if json {
        println!(
            "{}",
            json!({
                "number": number.to_string(),
                "document_type": report::doc_name(info.document_type),
                "version": info.document_version,
                "issuer": info.issuer,
                "kid": hex::encode(&info.kid),
                "expires_at": info.expires_at().0,
                "valid_until": report::valid_until(info.expires_at()),
                "device_key": device_key,
                "guardian": info.guardian,
                "needs_rebinding": needs_rebinding,
                "printable": printable,
                "claims": held.claims().iter().map(|(k, v)| (k.name().to_owned(), value_json(v))).collect::<serde_json::Map<_, _>>(),
            })
        );
        return Ok(());
    }
    println!(
        "{} / {}  {number}",
        info.document_type.name_en(),
        info.document_type.name_ar()
    );
    println!(
        "  issuer:           {} (key {})",
        info.issuer,
        hex::encode(&info.kid)
    );
    println!("  version:          {}", info.document_version);
    println!(
        "  valid until:      {}",
        report::valid_until(info.expires_at())
    );
    println!("  device key:       {device_key}");
    println!(
        "  printed card:     {}",
        if printable {
            "print credential held (`hawiya card` prints it)"
        } else {
            "no print credential (ask the issuer for one to print the card)"
        }
    );
    if let Some(g) = &info.guardian {
        println!(
            "  guardian:         {g} (a dependent's document, presented with the guardian's key)"
        );
    }
    if needs_rebinding {
        println!(
            "  needs re-binding: this wallet lacks the device key; no phone codes until reissued"
        );
    }
    for (key, value) in held.claims() {
        println!(
            "  {:<17} {}   ({})",
            format!("{}:", key.label_en()),
            value.display(),
            key.label_ar()
        );
    }
    Ok(())
}

/// `full`, `identity`, `age18`, `age21`, or claim names separated by commas.
fn parse_disclosure(text: &str) -> Result<Disclosure, CliError> {
    match Profile::from_str(text.trim(), true) {
        Ok(profile) => crate::args::disclosure(Some(profile), &[]),
        Err(_) => {
            let names: Vec<String> = text
                .split(',')
                .map(str::to_owned)
                .filter(|n| !n.trim().is_empty())
                .collect();
            crate::args::disclosure(None, &names)
        }
    }
}

struct PresentRequest {
    document: u64,
    disclosure: Disclosure,
    static_form: bool,
    challenge: Option<hawiya_core::ChallengeCode>,
}

fn present(
    path: &Path,
    request: &PresentRequest,
    png: Option<&Path>,
    outputs: &Outputs,
    json: bool,
) -> Result<(), CliError> {
    let wallet = open(path)?;
    let presentation = if request.static_form {
        wallet.present_static(request.document, &request.disclosure, SystemClock.now())
    } else {
        // Signed at this machine's clock: a wallet never signs for another time.
        wallet.present(
            request.document,
            &request.disclosure,
            request.challenge,
            &SystemClock,
        )
    }
    .map_err(wallet_error)?;
    let text = presentation.qr_text();
    let qr = QrMatrix::encode(&text, EccLevel::M).map_err(|e| CliError::Input(e.to_string()))?;
    if let Some(path) = png {
        outputs.write_public(
            path,
            &qr.to_png(PNG_MODULE_PX)
                .map_err(|e| CliError::Input(e.to_string()))?,
        )?;
    }
    if json {
        println!(
            "{}",
            json!({
                "qr_text": text,
                "mode": report::mode_name(presentation.mode()),
                "disclosed": presentation.disclosed().iter().map(|k| k.name()).collect::<Vec<_>>(),
                "bytes": presentation.bytes().len(),
                "qr_version": qr.version(),
                "presented_at": presentation.presented_at().map(|t| t.0),
                "challenge": presentation.challenge().map(|c| c.to_string()),
            })
        );
    } else {
        println!("{text}");
        eprintln!(
            "disclosed: {}; {} bytes, QR version {} (ECC M)",
            report::claim_list(presentation.disclosed()),
            presentation.bytes().len(),
            qr.version()
        );
    }
    Ok(())
}

/// Seconds between the codes of `wallet present --live` by default.
const DEFAULT_LIVE_EVERY: u64 = 90;
/// The longest gap between live codes: a verifier's default freshness window.
const MAX_LIVE_EVERY: u64 = 120;

/// Shows a document as a live code: one line per freshly signed code, every
/// `every` seconds, until interrupted or `count` codes were printed. The
/// wallet logs the showing once.
fn present_live(
    path: &Path,
    request: &PresentRequest,
    every: u64,
    count: Option<u64>,
    json: bool,
) -> Result<(), CliError> {
    let wallet = open(path)?;
    let (showing, mut presentation) = wallet
        .begin_showing(
            request.document,
            &request.disclosure,
            request.challenge,
            &SystemClock,
        )
        .map_err(wallet_error)?;
    let mut printed = 0u64;
    loop {
        let text = presentation.qr_text();
        let line = if json {
            json!({
                "qr_text": text,
                "presented_at": presentation.presented_at().map(|t| t.0),
                "challenge": presentation.challenge().map(|c| c.to_string()),
            })
            .to_string()
        } else {
            text
        };
        // A reader waiting for the next line gets this one now; a reader
        // that went away (`| head -1`) ends the showing like an interrupt.
        let mut out = std::io::stdout().lock();
        match writeln!(out, "{line}").and_then(|()| out.flush()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => break,
            // The showing ends with the wallet handle.
            Err(e) => return Err(CliError::Input(format!("standard output: {e}"))),
        }
        drop(out);
        printed += 1;
        if count.is_some_and(|count| printed >= count) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_secs(every));
        presentation = wallet
            .refresh_showing(&showing, &SystemClock)
            .map_err(wallet_error)?;
    }
    wallet.end_showing(&showing);
    // A summary only: a closed standard error is no reason to fail.
    let _ = writeln!(
        std::io::stderr(),
        "showed {printed} codes of document {}, logged as one showing",
        request.document
    );
    Ok(())
}

fn dependents(path: &Path, json: bool) -> Result<(), CliError> {
    let wallet = open(path)?;
    let people = wallet.dependents().map_err(wallet_error)?;
    if json {
        println!(
            "{}",
            json!({"dependents": people.iter().map(person_json).collect::<Vec<_>>()})
        );
    } else if people.is_empty() {
        println!("no dependents in this wallet");
    } else {
        print!("{}", people_text(&people));
    }
    Ok(())
}

fn log_json(e: &LogEntry) -> Value {
    json!({
        "id": e.id,
        "at": e.at.0,
        "document_number": e.document_number.to_string(),
        "document_type": report::doc_name(e.document_type),
        "mode": report::mode_name(e.mode),
        "disclosed": e.disclosed.iter().map(|k| k.name()).collect::<Vec<_>>(),
    })
}

fn log(path: &Path, clear: bool, json: bool) -> Result<(), CliError> {
    let wallet = open(path)?;
    if clear {
        let removed = wallet.clear_presentation_log().map_err(wallet_error)?;
        if json {
            println!("{}", json!({ "cleared": removed }));
        } else {
            println!("presentation log cleared: {removed} entries removed and purged");
        }
        return Ok(());
    }
    let entries = wallet.presentation_log().map_err(wallet_error)?;
    if json {
        println!(
            "{}",
            json!({"entries": entries.iter().map(log_json).collect::<Vec<_>>()})
        );
        return Ok(());
    }
    if entries.is_empty() {
        println!("no presentations recorded");
    }
    for e in &entries {
        println!(
            "{:>4}  {}  {} {}  {}  {}",
            e.id,
            report::time_text(e.at),
            e.document_type.name_en(),
            e.document_number,
            match e.mode {
                Mode::DeviceBound => "device-bound",
                Mode::Static => "printed",
            },
            report::claim_list(&e.disclosed)
        );
    }
    Ok(())
}

fn export(path: &Path, out: &Path, force: Force) -> Result<(), CliError> {
    let mut outputs = Outputs::new(force).opens_wallet(path);
    outputs.check("--out", out)?;
    let wallet = open(path)?;
    let documents = wallet.documents().map_err(wallet_error)?.len();
    // Damaged documents cannot go into a backup: say which are left out.
    warn_damaged(&wallet.damaged_documents().map_err(wallet_error)?);
    let passphrase = passphrase(BACKUP_PASSPHRASE_ENV, "backup passphrase", true)?;
    let backup = wallet
        .export_backup(&passphrase, &options(), SystemClock.now())
        .map_err(wallet_error)?;
    outputs.write_secret(out, &backup)?;
    println!(
        "backup of {documents} document(s) and the presentation log written to {} ({} bytes, sealed with the backup passphrase)",
        out.display(),
        backup.len()
    );
    println!("device keys are never in a backup: restored documents need re-binding");
    Ok(())
}

/// Restores `backup` into a staged wallet file (see [`Outputs::stage`]),
/// readable by the owner only, and returns it open. Every credential is
/// checked against `trust`; those that fail are in the report's `skipped`.
pub fn restore_staged(
    staged: &Staged,
    backup: &[u8],
    backup_passphrase: &str,
    passphrase: &str,
    trust: &TrustList,
    now: hawiya_core::UnixTime,
) -> Result<(Wallet, hawiya_wallet::RestoreReport), CliError> {
    let restored = Wallet::restore(
        staged.path(),
        backup,
        backup_passphrase,
        Protection::Passphrase(passphrase),
        trust,
        &options(),
        now,
    )
    .map_err(wallet_error)?;
    // Restore builds the file through SQLite, which gives it the default
    // mode; the log and index files exist now, while the wallet is open.
    restrict_wallet_files(staged.path())?;
    Ok(restored)
}

fn restore(
    from: &Path,
    path: &Path,
    trust_list: &Path,
    root_key: Option<&Path>,
    force: Force,
) -> Result<(), CliError> {
    let mut outputs = Outputs::new(force)
        .reads("--from", from)
        .reads("--trust-list", trust_list)
        .reads_opt("--root-key", root_key);
    outputs.check_wallet("--wallet", path)?;
    let trust = crate::files::load_trust_list(trust_list, root_key)?;
    let backup = files::read(from, files::limit::WALLET_BACKUP)?;
    let backup_passphrase = passphrase(BACKUP_PASSPHRASE_ENV, "backup passphrase", false)?;
    let passphrase = passphrase(PASSPHRASE_ENV, "new wallet passphrase", true)?;
    let staged = outputs.stage(path)?;
    let (wallet, restored) = restore_staged(
        &staged,
        &backup,
        &backup_passphrase,
        &passphrase,
        &trust,
        SystemClock.now(),
    )?;
    drop(wallet);
    outputs.commit_staged(staged, path)?;
    println!(
        "restored {} document(s) and {} log entries into {}, each document checked against {}",
        restored.documents,
        restored.log_entries,
        path.display(),
        trust_list.display()
    );
    for skipped in &restored.skipped {
        eprintln!(
            "hawiya: warning: left out {}: {}",
            skipped_name(skipped),
            skipped.reason
        );
    }
    println!(
        "{} document(s) need re-binding: a backup never holds device keys, so until each is reissued to this wallet it can only be shown as a static code (--static)",
        restored.needs_rebinding
    );
    println!(
        "to re-bind: `hawiya wallet bind --wallet {} --nonce HEX --out request.cbor` with the issuer's nonce, \
         ask the issuer to reissue each document (a new version) for that request, \
         then `hawiya wallet renew --wallet {} --credential FILE --trust-list FILE`",
        path.display(),
        path.display()
    );
    Ok(())
}
