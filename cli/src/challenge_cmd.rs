//! Verifier challenges from the command line: `hawiya challenge` makes one
//! and saves it for a later `hawiya verify --challenge-from FILE` (scripts),
//! and `hawiya verify --challenge` shows one and reads the phone's answer
//! from standard input (a desk with a keyboard-wedge scanner).
//!
//! A challenge file is JSON: `{"kind": "hawiya challenge", "code": "123456",
//! "issued_at": UNIX_SECONDS}`, written readable by the owner only (a code
//! known before it is shown could be answered in advance).

use std::io::{BufRead, IsTerminal, Read};
use std::path::{Path, PathBuf};

use clap::Args;
use hawiya_core::{Challenge, ChallengeCode, EccLevel, QrMatrix, UnixTime};
use rand_core::OsRng;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::args::now_or;
use crate::error::CliError;
use crate::files;
use crate::output::{self, Access, Outputs};

/// The `kind` of a challenge file.
const KIND: &str = "hawiya challenge";
/// Longest answer line read from standard input: the longest QR text and a
/// line ending. Anything longer is refused before it is verified.
const MAX_ANSWER_LEN: u64 = hawiya_core::MAX_QR_TEXT_LEN as u64 + 2;
/// Pixels per module of `--png`.
const PNG_MODULE_PX: u32 = 10;

/// `hawiya challenge ...`
#[derive(Args)]
pub struct ChallengeArgs {
    /// Challenge file to write, for `hawiya verify --challenge-from FILE`. An
    /// earlier challenge file there is replaced; any other file only with --force.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Also write the challenge's QR code (for the wallet app to scan) as a PNG.
    #[arg(long, value_name = "FILE")]
    png: Option<PathBuf>,
    /// Issue the challenge as of this time (Unix seconds) instead of now.
    #[arg(long, allow_negative_numbers = true)]
    at: Option<i64>,
    #[command(flatten)]
    force: output::Force,
    /// Print the challenge as JSON.
    #[arg(long)]
    json: bool,
}

/// A challenge file.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChallengeFile {
    kind: String,
    code: String,
    issued_at: i64,
}

/// The JSON a script reads: the code, its grouped and QR forms, the time.
pub fn challenge_json(challenge: &Challenge) -> serde_json::Value {
    json!({
        "code": challenge.code().to_string(),
        "grouped": challenge.code().grouped(),
        "qr_text": challenge.code().qr_text(),
        "issued_at": challenge.issued_at().0,
    })
}

/// Reads a challenge file written by `hawiya challenge`.
pub fn read_challenge(path: &Path) -> Result<Challenge, CliError> {
    let bad = || {
        CliError::Input(format!(
            "{} is not a hawiya challenge file (make one with `hawiya challenge --out FILE`)",
            path.display()
        ))
    };
    let file: ChallengeFile =
        serde_json::from_slice(&files::read(path, files::limit::CHALLENGE_FILE)?)
            .map_err(|_| bad())?;
    if file.kind != KIND {
        return Err(bad());
    }
    let code = ChallengeCode::parse(&file.code).map_err(|_| bad())?;
    if code.to_string() != file.code {
        // One spelling in the file: the six digits.
        return Err(bad());
    }
    Ok(Challenge::new(code, UnixTime(file.issued_at)))
}

/// Runs `hawiya challenge`. With `--json`, an error is also printed as
/// `{"error": "..."}` on stdout.
pub fn run(args: &ChallengeArgs) -> Result<(), CliError> {
    make(args).inspect_err(|e| {
        if args.json {
            println!("{}", json!({"error": e.to_string()}));
        }
    })
}

fn make(args: &ChallengeArgs) -> Result<(), CliError> {
    let mut outputs = Outputs::new(args.force);
    // An earlier challenge file is replaced: it is this command's own.
    if read_challenge(&args.out).is_ok() {
        outputs.may_replace(&args.out);
    }
    outputs.check("--out", &args.out)?;
    if let Some(png) = &args.png {
        outputs.check("--png", png)?;
    }
    let challenge = Challenge::generate(&mut OsRng, now_or(args.at));
    let file = ChallengeFile {
        kind: KIND.into(),
        code: challenge.code().to_string(),
        issued_at: challenge.issued_at().0,
    };
    if let Some(png) = &args.png {
        outputs.write(png, &challenge_png(&challenge)?, Access::Public)?;
    }
    outputs.write(
        &args.out,
        &serde_json::to_vec_pretty(&file).map_err(CliError::json)?,
        Access::Secret,
    )?;
    if args.json {
        println!("{}", challenge_json(&challenge));
    } else {
        println!("{}", challenge.code().grouped());
        eprintln!(
            "challenge {} (QR text {}) written to {}; the holder types it into the wallet app or scans its QR code, then `hawiya verify --challenge-from {}` checks the phone's code against it",
            challenge.code().grouped(),
            challenge.code().qr_text(),
            args.out.display(),
            args.out.display()
        );
    }
    Ok(())
}

/// The challenge's QR code as a PNG.
fn challenge_png(challenge: &Challenge) -> Result<Vec<u8>, CliError> {
    QrMatrix::encode(&challenge.code().qr_text(), EccLevel::M)
        .and_then(|qr| qr.to_png(PNG_MODULE_PX))
        .map_err(|e| CliError::Input(e.to_string()))
}

/// A QR code drawn with half-block characters (two module rows per line),
/// dark modules as spaces on a light background so phones read it from a
/// dark terminal, with a quiet zone of four modules.
pub fn terminal_qr(qr: &QrMatrix) -> String {
    const QUIET: usize = 4;
    let size = qr.width() + 2 * QUIET;
    let dark = |x: usize, y: usize| {
        x >= QUIET
            && y >= QUIET
            && x < QUIET + qr.width()
            && y < QUIET + qr.width()
            && qr.is_dark(x - QUIET, y - QUIET)
    };
    let mut out = String::new();
    for y in (0..size).step_by(2) {
        for x in 0..size {
            // Light is drawn, dark is left blank.
            out.push(match (dark(x, y), y + 1 < size && dark(x, y + 1)) {
                (false, false) => '█',
                (false, true) => '▀',
                (true, false) => '▄',
                (true, true) => ' ',
            });
        }
        out.push('\n');
    }
    out
}

/// `verify --challenge`: shows a fresh challenge on standard error (the
/// six digits, and its QR code when that is a terminal), writes its PNG if
/// asked (`outputs` has checked it), then reads the phone's answer, one
/// line, from standard input. Returns the challenge and the answer's QR text
/// (less one line ending, as any scanner input: docs/FORMAT.md §6.1).
pub fn show_and_read(
    at: Option<i64>,
    png: Option<&Path>,
    outputs: &Outputs,
) -> Result<(Challenge, String), CliError> {
    let challenge = Challenge::generate(&mut OsRng, now_or(at));
    if let Some(png) = png {
        outputs.write(png, &challenge_png(&challenge)?, Access::Public)?;
    }
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    eprintln!(
        "challenge: {}   (QR text {})",
        challenge.code().grouped(),
        challenge.code().qr_text()
    );
    if std::io::stderr().is_terminal() {
        if let Ok(qr) = QrMatrix::encode(&challenge.code().qr_text(), EccLevel::M) {
            eprint!("{}", terminal_qr(&qr));
        }
    }
    if interactive {
        eprintln!(
            "ask the holder to type the code into the wallet app or scan it, then scan the phone's code here (or paste it) and press Enter:"
        );
    }
    let mut line = String::new();
    let read = stdin
        .lock()
        .take(MAX_ANSWER_LEN)
        .read_line(&mut line)
        .map_err(|e| CliError::io(Path::new("<stdin>"), e))?;
    if read == 0 || line.trim().is_empty() {
        return Err(CliError::Usage(
            "no code was given on standard input after the challenge; scan or paste the phone's code (for scripts: `hawiya challenge --out FILE`, then `hawiya verify --challenge-from FILE --text ...`)".into(),
        ));
    }
    if !line.ends_with('\n') && read as u64 >= MAX_ANSWER_LEN {
        return Err(CliError::Input(format!(
            "the code on standard input is longer than {} characters; it is not a hawiya code",
            hawiya_core::MAX_QR_TEXT_LEN
        )));
    }
    Ok((challenge, hawiya_core::qr_text_from_input(&line).to_owned()))
}
