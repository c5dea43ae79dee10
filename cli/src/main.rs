//! `hawiya`: issue, present and verify offline ID credentials from the command line.
//!
//! Exit codes: 0 success (for `verify`: accepted), 1 `verify` rejected the
//! presentation, 2 usage, input or I/O error.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod args;
mod card_cmd;
mod challenge_cmd;
mod cleanup;
mod demo;
mod demo_folder;
mod error;
mod files;
mod input;
mod output;
mod report;
mod wallet_cmd;
mod web_cmd;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use hawiya_core::{
    decode_png_with, qr_text_from_input, Assurance, BindingRequest, Clock, EccLevel,
    HeldCredential, Issuer, Policy, Presentation, QrMatrix, ScanLimits, SecretKey,
    SignedStatusList, StatusList, SystemClock, TrustList, UnixTime, Verifier, VerifierMemory,
};
use rand_core::OsRng;

use crate::args::{challenge_arg, disclosure, now_or, Profile};
use crate::error::CliError;
use crate::files::{load_trust_list, root_key_path};
use crate::output::{Access, Outputs};

/// How every command treats the files it writes (shown under --help).
const OVERWRITE_RULE: &str =
    "Files: no command replaces an existing file unless --force is given, and \
even then only a regular file, never a folder, link or device, nor the wallet or any other file \
the same command reads. A file is written whole or not at all, and nothing temporary is left \
behind.";

/// Offline digital ID wallet: issue, present and verify signed ID QR codes.
#[derive(Parser)]
#[command(name = "hawiya", version, about, long_about = None, after_help = OVERWRITE_RULE)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the whole flow offline and write its files to a folder.
    ///
    /// Running it again on the same folder replaces the files an earlier run
    /// wrote there (recorded in .hawiya-demo.json), as long as they are
    /// unchanged since; any other file of the same name is refused unless
    /// --force is given.
    Demo {
        /// Folder for the demo's files (made if missing).
        #[arg(long, default_value = "hawiya-demo")]
        out: PathBuf,
        #[command(flatten)]
        force: output::Force,
    },
    /// Verify a presentation QR offline. Exit 0 accepted, 1 rejected, 2 error.
    Verify(VerifyArgs),
    /// Make a verifier challenge for the holder's phone to sign over, saved
    /// for `hawiya verify --challenge-from FILE`.
    Challenge(challenge_cmd::ChallengeArgs),
    /// Issuer operator commands: keys, trust list, issuance, revocation.
    #[command(subcommand)]
    Issuer(IssuerCommand),
    /// Holder commands: device key, binding request, presentations.
    #[command(subcommand)]
    Holder(HolderCommand),
    /// Encrypted wallet: keep credentials in one passphrase-protected file and present from it.
    #[command(subcommand)]
    Wallet(wallet_cmd::WalletCommand),
    /// Draw a stored document as its ID card: SVG, PNG or a printable A4 PDF.
    Card(card_cmd::CardArgs),
    /// The browser verifier: write it as a static folder for any web host.
    #[command(subcommand)]
    Web(web_cmd::WebCommand),
}

#[derive(Args)]
struct VerifyArgs {
    /// Signed trust list (trust-list.cbor).
    #[arg(long)]
    trust_list: PathBuf,
    /// Pinned root public key; defaults to root.pub beside the trust list.
    #[arg(long)]
    root_key: Option<PathBuf>,
    /// Signed status list (status-list.cbor) for revocation checks.
    #[arg(long)]
    status_list: Option<PathBuf>,
    /// The QR text (starts with HW2:).
    #[arg(
        long,
        conflicts_with_all = ["image", "challenge"],
        required_unless_present_any = ["image", "challenge"]
    )]
    text: Option<String>,
    /// A PNG image of the QR code.
    #[arg(long, conflicts_with = "challenge")]
    image: Option<PathBuf>,
    /// Show a fresh challenge (six digits, and its QR code on a terminal),
    /// then read the phone's code, one line, from standard input and verify
    /// that it answers the challenge.
    #[arg(long, conflicts_with = "challenge_from")]
    challenge: bool,
    /// With --challenge, also write the challenge's QR code as a PNG.
    #[arg(long, value_name = "FILE", requires = "challenge")]
    challenge_png: Option<PathBuf>,
    /// Verify that the code answers the challenge in FILE (from `hawiya challenge --out FILE`).
    #[arg(long, value_name = "FILE")]
    challenge_from: Option<PathBuf>,
    /// Verify as of this time (Unix seconds) instead of now.
    #[arg(long, allow_negative_numbers = true)]
    at: Option<i64>,
    /// Reject (instead of warn) when revocation status is stale or unknown.
    #[arg(long)]
    require_fresh_status: bool,
    /// The weakest code accepted: printed (default: every genuine code),
    /// timed (only phones), challenged (only phones answering this
    /// verifier's challenge; needs --challenge or --challenge-from).
    #[arg(long, value_enum, value_name = "LEVEL")]
    min_assurance: Option<AssuranceArg>,
    /// Reject printed codes: the same as --min-assurance timed.
    #[arg(long, conflicts_with = "min_assurance")]
    reject_static: bool,
    /// Verifier memory kept between runs (created if missing): refuses a trust
    /// list older than one seen before and catches codes scanned twice.
    /// Several verifier processes may share it: each run locks it while it
    /// reads, verifies and writes it back.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Print the verdict as JSON.
    #[arg(long)]
    json: bool,
}

/// `--min-assurance`: the levels of [`Assurance`], weakest first.
#[derive(Clone, Copy, ValueEnum)]
enum AssuranceArg {
    /// Any genuine code, a printed card's included.
    Printed,
    /// Codes signed by the holder's phone.
    Timed,
    /// Codes signed by the holder's phone over this verifier's challenge.
    Challenged,
}

impl AssuranceArg {
    fn level(self) -> Assurance {
        match self {
            AssuranceArg::Printed => Assurance::Printed,
            AssuranceArg::Timed => Assurance::Timed,
            AssuranceArg::Challenged => Assurance::Challenged,
        }
    }
}

#[derive(Subcommand)]
enum IssuerCommand {
    /// Make the root key that signs trust lists (root.key + root.pub).
    RootKey {
        /// Secret key file to write; the public key goes beside it as .pub.
        /// Neither may exist unless --force is given.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        force: output::Force,
    },
    /// Make an issuer signing key with its key id, name and status address.
    Key {
        /// Secret key file to write; the public key goes beside it as .pub.
        /// Neither may exist unless --force is given.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        force: output::Force,
        /// Key id, hex (1 to 16 bytes; short ids keep QR codes small).
        #[arg(long)]
        kid: String,
        /// Issuer name, carried as `iss`.
        #[arg(long)]
        name: String,
        /// Address of this issuer's status list.
        #[arg(long)]
        status_uri: String,
    },
    /// Sign a trust list over issuer public keys with the root key.
    TrustList {
        /// Root secret key.
        #[arg(long)]
        root_key: PathBuf,
        /// Issuer public key files (.pub), one flag per key.
        #[arg(long = "issuer", required = true)]
        issuers: Vec<PathBuf>,
        /// List version; must grow with every new list.
        #[arg(long)]
        version: u64,
        /// Start of the keys' validity, Unix seconds (default: start of today, UTC).
        #[arg(long)]
        not_before: Option<i64>,
        /// End of the keys' validity, Unix seconds (default 10 years from now).
        #[arg(long)]
        not_after: Option<i64>,
        /// Output file (must not exist unless --force is given).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        force: output::Force,
    },
    /// Print a fresh binding nonce (hex) to give the holder.
    Nonce,
    /// Issue a document to a holder: the phone's credential for a binding
    /// request (--request, --nonce, --status-index, --out), its print
    /// credential for the printable card (--print-status-index, --print-out),
    /// or both.
    #[command(group(
        clap::ArgGroup::new("outputs").args(["out", "print_out"]).required(true).multiple(true)
    ))]
    Issue {
        /// Issuer secret key.
        #[arg(long)]
        key: PathBuf,
        /// Claims JSON (see docs/FORMAT.md §3).
        #[arg(long)]
        claims: PathBuf,
        /// Portrait image (JPEG, PNG or WebP).
        #[arg(long)]
        portrait: Option<PathBuf>,
        /// The holder's binding request.
        #[arg(long, requires_all = ["nonce", "status_index", "out"])]
        request: Option<PathBuf>,
        /// The nonce given to the holder, hex.
        #[arg(long, requires = "request")]
        nonce: Option<String>,
        /// The phone credential's index in the status list.
        #[arg(long, requires = "request")]
        status_index: Option<u64>,
        /// Issue a dependent's credential (e.g. a child's ID) to the guardian
        /// with this document number; --request is then the guardian's.
        #[arg(long, value_name = "NUMBER")]
        guardian: Option<String>,
        /// Issuance time, Unix seconds (default now).
        #[arg(long)]
        at: Option<i64>,
        /// Output file of the phone credential, for the holder's wallet
        /// (contains secrets; written 0600; must not exist unless --force is
        /// given).
        #[arg(long, requires = "request")]
        out: Option<PathBuf>,
        /// The print credential's own index in the status list (so a lost
        /// card is revoked without the phone's credential).
        #[arg(long, requires = "print_out")]
        print_status_index: Option<u64>,
        /// Output file of the print credential (no device key; shown only as
        /// the printed card's static code; written 0600; likewise).
        #[arg(long, requires = "print_status_index")]
        print_out: Option<PathBuf>,
        #[command(flatten)]
        force: output::Force,
    },
    /// Mark a credential revoked or superseded in the issuer's status state.
    Revoke {
        /// Status state file (raw bits; created if missing), updated in place
        /// under a lock, so concurrent runs take turns.
        #[arg(long)]
        state: PathBuf,
        /// Index to mark.
        #[arg(long)]
        index: u64,
        /// Entries when creating the state.
        #[arg(long, default_value_t = 1 << 20)]
        capacity: u64,
    },
    /// Sign and publish the status list from the status state.
    StatusList {
        /// Issuer secret key.
        #[arg(long)]
        key: PathBuf,
        /// Status state file (raw bits; an empty list if missing).
        #[arg(long)]
        state: PathBuf,
        /// Seconds verifiers may cache the list.
        #[arg(long, default_value_t = 86_400)]
        ttl: u64,
        /// Signing time, Unix seconds (default now).
        #[arg(long)]
        at: Option<i64>,
        /// Output file (must not exist unless --force is given).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        force: output::Force,
    },
}

#[derive(Subcommand)]
enum HolderCommand {
    /// Make a device key (device.key + device.pub).
    Key {
        /// Secret key file to write; the public key goes beside it as .pub.
        /// Neither may exist unless --force is given.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        force: output::Force,
    },
    /// Answer an issuer nonce with a binding request signed by the device key.
    Bind {
        /// Device secret key.
        #[arg(long)]
        key: PathBuf,
        /// The issuer's nonce, hex.
        #[arg(long)]
        nonce: String,
        /// Output file (must not exist unless --force is given).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        force: output::Force,
    },
    /// Show what a held credential contains.
    Show {
        /// Held credential file.
        #[arg(long)]
        credential: PathBuf,
    },
    /// Make a presentation QR of chosen claims: signed by the device key now
    /// (over the verifier's challenge with --challenge), or the printed code
    /// of a print credential (--static).
    Present {
        /// Held credential file (a print credential with --static).
        #[arg(long)]
        credential: PathBuf,
        /// Device secret key (not needed with --static).
        #[arg(long, required_unless_present = "static_form")]
        key: Option<PathBuf>,
        /// A disclosure profile.
        #[arg(
            long,
            value_enum,
            conflicts_with = "disclose",
            required_unless_present = "disclose"
        )]
        profile: Option<Profile>,
        /// Claims to disclose, comma separated (e.g. name_en,document_number).
        #[arg(long, value_delimiter = ',')]
        disclose: Vec<String>,
        /// The printed code of a print credential: issuer-signed only (lower
        /// assurance).
        #[arg(long = "static", conflicts_with_all = ["key", "challenge"])]
        static_form: bool,
        /// The verifier's challenge: the six digits it shows, or its QR text (HWC:...).
        #[arg(long, value_name = "CODE")]
        challenge: Option<String>,
        /// Write the QR text here (must not exist unless --force is given).
        #[arg(long)]
        out_text: Option<PathBuf>,
        /// Write a PNG of the QR code here (likewise).
        #[arg(long)]
        out_png: Option<PathBuf>,
        /// Write an SVG of the QR code here (likewise).
        #[arg(long)]
        out_svg: Option<PathBuf>,
        #[command(flatten)]
        force: output::Force,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo { out, force } => demo::run(&out, force).map(|()| ExitCode::SUCCESS),
        Command::Challenge(args) => challenge_cmd::run(&args).map(|()| ExitCode::SUCCESS),
        Command::Verify(args) => verify(&args).inspect_err(|e| {
            if args.json {
                // Scripts reading --json get an object even when verification could not run.
                println!(
                    "{}",
                    serde_json::json!({"accepted": false, "error": e.to_string()})
                );
            }
        }),
        Command::Issuer(cmd) => issuer(cmd).map(|()| ExitCode::SUCCESS),
        Command::Holder(cmd) => holder(cmd).map(|()| ExitCode::SUCCESS),
        Command::Wallet(cmd) => wallet_cmd::run(cmd).map(|()| ExitCode::SUCCESS),
        Command::Card(args) => card_cmd::run(&args).map(|()| ExitCode::SUCCESS),
        Command::Web(cmd) => web_cmd::run(cmd).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hawiya: {e}");
            ExitCode::from(2)
        }
    }
}

fn verify(args: &VerifyArgs) -> Result<ExitCode, CliError> {
    let min_assurance = match (args.min_assurance, args.reject_static) {
        (Some(level), _) => level.level(),
        (None, true) => Assurance::Timed,
        (None, false) => Assurance::Printed,
    };
    if min_assurance == Assurance::Challenged && !args.challenge && args.challenge_from.is_none() {
        return Err(CliError::Usage(
            "--min-assurance challenged needs the challenge the code must answer: --challenge, or --challenge-from FILE".into(),
        ));
    }
    // The files this command reads, which no output may name.
    let inputs = || {
        Outputs::new(output::Force::default())
            .reads("--trust-list", &args.trust_list)
            .reads(
                "--root-key",
                &root_key_path(&args.trust_list, args.root_key.as_deref()),
            )
            .reads_opt("--status-list", args.status_list.as_deref())
            .reads_opt("--image", args.image.as_deref())
            .reads_opt("--challenge-from", args.challenge_from.as_deref())
    };
    // The challenge's PNG is checked before any work: never a file that
    // exists (verify takes no --force), nor an input or the state file.
    let mut png_output = inputs().reads_opt("--state", args.state.as_deref());
    if let Some(png) = &args.challenge_png {
        png_output.check("--challenge-png", png)?;
    }
    let trust = load_trust_list(&args.trust_list, args.root_key.as_deref())?;
    let policy = Policy {
        require_fresh_status: args.require_fresh_status,
        min_assurance,
        ..Policy::default()
    };
    let status_list = args
        .status_list
        .as_deref()
        .map(|path| {
            let bytes = files::read(path, files::limit::STATUS_LIST)?;
            SignedStatusList::from_signed(&bytes, &trust)
                .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
        })
        .transpose()?;
    let saved = args
        .challenge_from
        .as_deref()
        .map(challenge_cmd::read_challenge)
        .transpose()?;
    let (challenge, text) = match (&args.text, &args.image) {
        _ if args.challenge => {
            let (shown, answer) =
                challenge_cmd::show_and_read(args.at, args.challenge_png.as_deref(), &png_output)?;
            (Some(shown), answer)
        }
        // Exactly the QR text, less one line ending a scanner or a shell
        // may add (docs/FORMAT.md §6.1); any other space makes it malformed.
        (Some(t), _) => (saved, qr_text_from_input(t).to_owned()),
        (None, Some(img)) => {
            let limits = ScanLimits {
                max_pixels: files::MAX_CLI_IMAGE_PIXELS,
                ..ScanLimits::default()
            };
            let text =
                decode_png_with(&files::read(img, files::limit::IMAGE)?, &limits).map_err(|e| {
                    CliError::Input(format!("{}: no readable QR code: {e}", img.display()))
                })?;
            (saved, text)
        }
        (None, None) => {
            return Err(CliError::Usage(
                "give --text, --image, or --challenge".into(),
            ))
        }
    };
    // The state is locked from here to its save: only once the code is
    // there (a holder answering a challenge keeps no other verifier waiting).
    let (state, memory) = match args.state.as_deref() {
        Some(path) => {
            let (locked, memory) = files::lock_verifier_memory(&inputs(), path)?;
            (Some(locked), memory)
        }
        None => (None, VerifierMemory::default()),
    };
    let mut verifier = Verifier::with_memory(trust, policy, &memory)
        .map_err(|e| CliError::Input(format!("{}: {e}", args.trust_list.display())))?;
    if let Some(list) = status_list {
        verifier.add_status_list(list);
    }
    // Verified when the code arrives (after the holder answered a challenge).
    let verdict = verifier.verify(&text, now_or(args.at), challenge.as_ref());
    if let Some(locked) = state {
        files::save_verifier_memory(locked, &verifier.memory())?;
    }
    if args.json {
        let mut json = report::verdict_json(&verdict);
        json["min_assurance"] = min_assurance.code().into();
        if let Some(challenge) = &challenge {
            json["challenge"] = challenge_cmd::challenge_json(challenge);
        }
        println!("{json}");
    } else {
        print!("{}", report::verdict_text(&verdict));
    }
    Ok(if verdict.is_accepted() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn issuer(cmd: IssuerCommand) -> Result<(), CliError> {
    match cmd {
        IssuerCommand::RootKey { out, force } => {
            new_key_pair(&out, force, "root", &SecretKey::generate(&mut OsRng), None)?;
        }
        IssuerCommand::Key {
            out,
            force,
            kid,
            name,
            status_uri,
        } => {
            let kid_bytes = files::hex_arg("--kid", &kid)?;
            let key = SecretKey::generate(&mut OsRng);
            // Validate the profile before writing anything.
            Issuer::new(
                SecretKey::from_bytes(&key.to_bytes()),
                &kid_bytes,
                &name,
                &status_uri,
            )
            .map_err(|e| CliError::Usage(e.to_string()))?;
            let profile = files::IssuerProfile {
                kid: hex::encode(kid_bytes),
                name,
                status_uri,
            };
            new_key_pair(&out, force, "issuer", &key, Some(profile))?;
        }
        IssuerCommand::TrustList {
            root_key,
            issuers,
            version,
            not_before,
            not_after,
            out,
            force,
        } => {
            let mut outputs = Outputs::new(force).reads("--root-key", &root_key);
            for path in &issuers {
                outputs = outputs.reads("--issuer", path);
            }
            outputs.check("--out", &out)?;
            let root = files::read_secret_key(&root_key, "root")?;
            let now = SystemClock.now();
            // Credentials are signed at day granularity (iat = start of the
            // UTC day), so a key valid "from now" starts at today's midnight.
            let today = now.0 - now.0.rem_euclid(hawiya_core::SECONDS_PER_DAY);
            let nb = UnixTime(not_before.unwrap_or(today));
            let na = UnixTime(not_after.unwrap_or(now.0 + 10 * 365 * 86_400));
            let mut entries = Vec::new();
            for path in &issuers {
                let (public_key, profile) = files::read_public_key(path, "issuer")?;
                let p = profile.ok_or_else(|| {
                    CliError::Input(format!("{}: no issuer profile", path.display()))
                })?;
                entries.push(hawiya_core::TrustedIssuer {
                    kid: files::hex_arg("kid", &p.kid)?,
                    public_key,
                    name: p.name,
                    status_uri: p.status_uri,
                    not_before: nb,
                    not_after: na,
                });
            }
            let list = TrustList {
                version,
                issued_at: now,
                issuers: entries,
            };
            outputs.write_public(
                &out,
                &list
                    .sign(&root)
                    .map_err(|e| CliError::Input(e.to_string()))?,
            )?;
            println!(
                "trust list version {version} with {} issuer key(s) written to {}",
                issuers.len(),
                out.display()
            );
        }
        IssuerCommand::Nonce => println!("{}", hex::encode(Issuer::binding_nonce(&mut OsRng))),
        IssuerCommand::Issue {
            key,
            claims,
            portrait,
            request,
            nonce,
            status_index,
            guardian,
            at,
            out,
            print_status_index,
            print_out,
            force,
        } => {
            let mut outputs = Outputs::new(force)
                .reads("--key", &key)
                .reads("--claims", &claims)
                .reads_opt("--portrait", portrait.as_deref())
                .reads_opt("--request", request.as_deref());
            if let Some(out) = &out {
                outputs.check("--out", out)?;
            }
            if let Some(print_out) = &print_out {
                outputs.check("--print-out", print_out)?;
            }
            let guardian = guardian
                .map(|g| files::document_number_arg("--guardian", &g))
                .transpose()?;
            let issuer = files::read_issuer(&key)?;
            let claims = files::read_claims(&claims, portrait.as_deref())?;
            let issued_at = now_or(at);
            if let (Some(phone), Some(print)) = (&status_index, &print_status_index) {
                if phone == print {
                    return Err(CliError::Usage(
                        "--print-status-index must differ from --status-index: the printed card is revoked on its own".into(),
                    ));
                }
            }
            // Check everything before writing anything.
            let phone = match (request, nonce, status_index, out) {
                (Some(request), Some(nonce), Some(index), Some(out)) => {
                    let bytes = files::read(&request, files::limit::BINDING_REQUEST)?;
                    let parsed = BindingRequest::from_bytes(&bytes)
                        .map_err(|e| CliError::Input(format!("{}: {e}", request.display())))?;
                    let nonce = files::hex_arg("--nonce", &nonce)?;
                    let binding = parsed
                        .check(&nonce)
                        .map_err(|e| CliError::Input(format!("binding request: {e}")))?;
                    let issued = match guardian {
                        None => issuer.issue(&claims, &binding, index, issued_at, &mut OsRng),
                        Some(number) => issuer.issue_to_guardian(
                            &claims, &binding, number, index, issued_at, &mut OsRng,
                        ),
                    };
                    let held = issued.map_err(|e| CliError::Input(e.to_string()))?;
                    Some((held, parsed, index, out))
                }
                _ => None,
            };
            let print = match (print_status_index, print_out) {
                (Some(index), Some(out)) => {
                    let held = issuer
                        .issue_print(&claims, guardian, index, issued_at, &mut OsRng)
                        .map_err(|e| CliError::Input(e.to_string()))?;
                    Some((held, index, out))
                }
                _ => None,
            };
            let to = match guardian {
                None => String::new(),
                Some(number) => format!("guardian {number}'s "),
            };
            let document = format!(
                "{} version {}",
                claims.document_type.name_en(),
                claims.document_version
            );
            if let Some((held, request, index, out)) = &phone {
                outputs.write_secret(out, &held.to_bytes())?;
                println!(
                    "issued {document} (status index {index}) to {to}device {}; written to {}",
                    request.device_key().fingerprint(),
                    out.display()
                );
            }
            if let Some((held, index, out)) = &print {
                outputs.write_secret(out, &held.to_bytes())?;
                println!(
                    "issued the print credential of {document} (status index {index}; no device key, for the printed card); written to {}",
                    out.display()
                );
            }
        }
        IssuerCommand::Revoke {
            state,
            index,
            capacity,
        } => {
            let mut locked =
                Outputs::new(output::Force::default()).lock_state("--state", &state)?;
            let mut list = status_state(locked.contents(files::limit::STATUS_STATE)?, capacity)?;
            list.set_invalid(index)
                .map_err(|e| CliError::Input(e.to_string()))?;
            locked.save(list.as_bytes(), Access::Secret)?;
            println!(
                "index {index} marked invalid in {}; publish with `hawiya issuer status-list`",
                state.display()
            );
        }
        IssuerCommand::StatusList {
            key,
            state,
            ttl,
            at,
            out,
            force,
        } => {
            let public = files::public_path(&key);
            let mut outputs = Outputs::new(force)
                .reads("--key", &key)
                .reads("the public key beside --key", &public)
                .reads("--state", &state);
            outputs.check("--out", &out)?;
            let issuer = files::read_issuer(&key)?;
            // Revocations replace the state file whole, so a plain read sees
            // one state or the next (an empty file is one not yet saved).
            let raw = files::read_if_exists(&state, files::limit::STATUS_STATE)?;
            let list = status_state(raw, 1 << 20)?;
            let uri = files::read_public_key(&public, "issuer")?
                .1
                .map(|p| p.status_uri)
                .ok_or_else(|| {
                    CliError::Input("issuer public file has no status address".into())
                })?;
            let signed = SignedStatusList {
                uri,
                issued_at: now_or(at),
                ttl,
                list,
            };
            outputs.write_public(&out, &issuer.sign_status_list(&signed))?;
            println!(
                "status list of {} entries written to {}",
                signed.list.capacity(),
                out.display()
            );
        }
    }
    Ok(())
}

/// Writes a new key pair of `kind` to `out` and `out`'s `.pub`, under the
/// rule for outputs, and says where.
fn new_key_pair(
    out: &Path,
    force: output::Force,
    kind: &str,
    key: &SecretKey,
    profile: Option<files::IssuerProfile>,
) -> Result<(), CliError> {
    let mut outputs = Outputs::new(force);
    files::check_key_pair(&mut outputs, out)?;
    files::write_key_pair(&outputs, out, kind, key, profile)?;
    println!(
        "{kind} key written to {} (public: {})",
        out.display(),
        files::public_path(out).display()
    );
    Ok(())
}

/// The status state from its file's bytes; a missing or empty file is a
/// new list of `capacity` entries.
fn status_state(raw: Option<Vec<u8>>, capacity: u64) -> Result<StatusList, CliError> {
    match raw {
        Some(raw) => StatusList::from_raw(raw).map_err(|e| CliError::Input(e.to_string())),
        None => Ok(StatusList::new(capacity)),
    }
}

fn holder(cmd: HolderCommand) -> Result<(), CliError> {
    match cmd {
        HolderCommand::Key { out, force } => {
            new_key_pair(
                &out,
                force,
                "device",
                &SecretKey::generate(&mut OsRng),
                None,
            )?;
        }
        HolderCommand::Bind {
            key,
            nonce,
            out,
            force,
        } => {
            let mut outputs = Outputs::new(force).reads("--key", &key);
            outputs.check("--out", &out)?;
            let device = files::read_secret_key(&key, "device")?;
            let nonce = files::hex_arg("--nonce", &nonce)?;
            if !(hawiya_core::MIN_NONCE_LEN..=hawiya_core::MAX_NONCE_LEN).contains(&nonce.len()) {
                return Err(CliError::Usage("--nonce must be 16 to 64 bytes".into()));
            }
            let request =
                BindingRequest::new(&device, &nonce).map_err(|e| CliError::Input(e.to_string()))?;
            outputs.write_public(&out, &request.to_bytes())?;
            println!("binding request written to {}", out.display());
        }
        HolderCommand::Show { credential } => {
            let held = read_held(&credential)?;
            let info = held.info();
            println!(
                "{} / {}",
                info.document_type.name_en(),
                info.document_type.name_ar()
            );
            println!(
                "  issuer:        {} (key {})",
                info.issuer,
                hex::encode(&info.kid)
            );
            println!("  version:       {}", info.document_version);
            println!(
                "  valid until:   {}",
                hawiya_core::Date::from_unix(UnixTime(info.expires_at().0 - 1))
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            );
            match &info.device_key {
                Some(key) => println!("  device key:    {}", key.fingerprint()),
                None => println!("  print credential: no device key; shown only as the printed card's static code"),
            }
            if let Some(guardian) = &info.guardian {
                println!("  guardian:      {guardian} (the device key is the guardian's)");
            }
            for (key, value) in held.claims() {
                println!("  {:<14} {}", format!("{}:", key.name()), value.display());
            }
        }
        HolderCommand::Present {
            credential,
            key,
            profile,
            disclose,
            static_form,
            challenge,
            out_text,
            out_png,
            out_svg,
            force,
        } => {
            let mut outputs = Outputs::new(force)
                .reads("--credential", &credential)
                .reads_opt("--key", key.as_deref());
            for (flag, path) in [
                ("--out-text", &out_text),
                ("--out-png", &out_png),
                ("--out-svg", &out_svg),
            ] {
                if let Some(path) = path {
                    outputs.check(flag, path)?;
                }
            }
            let held = read_held(&credential)?;
            let disclosure = disclosure(profile, &disclose)?;
            let challenge = challenge.as_deref().map(challenge_arg).transpose()?;
            let presentation = match (static_form, held.info().is_print_only()) {
                (true, true) => Presentation::static_form(&held, &disclosure),
                (true, false) => {
                    return Err(CliError::Usage(format!(
                        "{} is bound to a phone: it is shown only with its device key (drop --static); a printed code comes from the document's print credential",
                        credential.display()
                    )))
                }
                (false, true) => {
                    return Err(CliError::Usage(format!(
                        "{} is a print credential: it has no device key and is shown only as a printed code (--static)",
                        credential.display()
                    )))
                }
                (false, false) => {
                    let key_path =
                        key.ok_or_else(|| CliError::Usage("--key is required".into()))?;
                    let device = files::read_secret_key(&key_path, "device")?;
                    // Signed at this machine's clock: never for another time.
                    Presentation::device_bound(
                        &held,
                        &disclosure,
                        &device,
                        &SystemClock,
                        challenge,
                    )
                }
            }
            .map_err(|e| CliError::Input(e.to_string()))?;
            let text = presentation.qr_text();
            let qr =
                QrMatrix::encode(&text, EccLevel::M).map_err(|e| CliError::Input(e.to_string()))?;
            if let Some(path) = &out_text {
                outputs.write_public(path, format!("{text}\n").as_bytes())?;
            }
            if let Some(path) = &out_png {
                outputs.write_public(
                    path,
                    &qr.to_png(8).map_err(|e| CliError::Input(e.to_string()))?,
                )?;
            }
            if let Some(path) = &out_svg {
                outputs.write_public(path, qr.to_svg(8).as_bytes())?;
            }
            println!("{text}");
            eprintln!(
                "disclosed: {}; {} bytes, QR version {} (ECC M)",
                report::claim_list(presentation.disclosed()),
                presentation.bytes().len(),
                qr.version()
            );
        }
    }
    Ok(())
}

fn read_held(path: &Path) -> Result<HeldCredential, CliError> {
    HeldCredential::from_bytes(&files::read(path, files::limit::HELD_CREDENTIAL)?)
        .map_err(|e| CliError::Input(format!("{}: not a held credential: {e}", path.display())))
}
