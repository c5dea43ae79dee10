//! `hawiya card`: a stored document drawn as its ID card, in SVG, PNG or a
//! printable A4 PDF.
//!
//! The card's QR code is a fresh static (issuer-signed, printable)
//! presentation of the document's print credential, every claim but the
//! portrait, recorded in the wallet's presentation log like any other. A
//! document without a print credential has no card to print: the phone's
//! own credential is valid only as signed by the phone. The wallet passphrase comes from
//! `HAWIYA_PASSPHRASE` or a prompt, as for `hawiya wallet`. Without
//! `--out` the file goes to standard output, which must then not be a
//! terminal for PNG and PDF.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use hawiya_card::{Card, CardRenderer, DEFAULT_PNG_DPI};
use hawiya_core::{Date, Disclosure, EccLevel, QrMatrix, UnixTime};
use hawiya_wallet::Wallet;

use crate::output::{Force, Outputs};
use crate::{files, now_or, wallet_cmd, CliError};

/// The file format of a card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CardFormat {
    /// Standalone SVG at true size, text as outlines.
    Svg,
    /// PNG image at 600 dpi.
    Png,
    /// A4 PDF with the card at true size and a note on checking it.
    Pdf,
}

impl CardFormat {
    /// Whether the format is binary (not for a terminal).
    fn is_binary(self) -> bool {
        !matches!(self, CardFormat::Svg)
    }

    /// The name as given to `--format`.
    fn name(self) -> &'static str {
        match self {
            CardFormat::Svg => "svg",
            CardFormat::Png => "png",
            CardFormat::Pdf => "pdf",
        }
    }
}

/// `hawiya card ...`
#[derive(Args)]
pub struct CardArgs {
    /// The wallet file.
    #[arg(long = "wallet", value_name = "FILE")]
    wallet: PathBuf,
    /// The document number of the card to draw.
    #[arg(long, value_name = "NUMBER")]
    document: String,
    /// svg, png or pdf.
    #[arg(long, value_enum)]
    format: CardFormat,
    /// Output file (default: standard output); must not exist unless
    /// --force is given, and is never the wallet.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    force: Force,
    /// Make the card as of this time (Unix seconds) instead of now.
    #[arg(long, allow_negative_numbers = true)]
    at: Option<i64>,
}

/// Runs `hawiya card`.
pub fn run(args: &CardArgs) -> Result<(), CliError> {
    let number = files::document_number_arg("--document", &args.document)?;
    // Refuse what cannot succeed before the passphrase is asked for and a
    // presentation is logged.
    let mut outputs = Outputs::new(args.force).opens_wallet(&args.wallet);
    match &args.out {
        Some(out) => outputs.check("--out", out)?,
        None if args.format.is_binary() && std::io::stdout().is_terminal() => {
            return Err(CliError::Usage(format!(
                "a {} card is binary; give --out FILE or redirect standard output",
                args.format.name()
            )));
        }
        None => {}
    }
    let wallet = wallet_cmd::open(&args.wallet)?;
    let renderer = CardRenderer::new().map_err(|e| CliError::Input(e.to_string()))?;
    let bytes = render(&wallet, &renderer, number, args.format, now_or(args.at))?;
    match &args.out {
        Some(out) => {
            outputs.write_public(out, &bytes)?;
            eprintln!(
                "wrote the card of document {number} to {} ({} bytes)",
                out.display(),
                bytes.len()
            );
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&bytes)
                .and_then(|()| stdout.flush())
                .map_err(|e| CliError::io(Path::new("<stdout>"), e))?;
        }
    }
    Ok(())
}

/// The card of stored document `number` as of `now`, in `format`, with a
/// fresh static presentation of its print credential (logged in the wallet)
/// as its QR code.
pub fn render(
    wallet: &Wallet,
    renderer: &CardRenderer,
    number: u64,
    format: CardFormat,
    now: UnixTime,
) -> Result<Vec<u8>, CliError> {
    let held = wallet.document(number).map_err(wallet_cmd::wallet_error)?;
    let today = Date::from_unix(now).map_err(|e| CliError::Usage(format!("--at: {e}")))?;
    let card = Card::from_held(&held, today);
    let presentation = wallet
        .present_static(number, &Disclosure::Full, now)
        .map_err(wallet_cmd::wallet_error)?;
    let qr = QrMatrix::encode(&presentation.qr_text(), EccLevel::M)
        .map_err(|e| CliError::Input(e.to_string()))?;
    let drawn = match format {
        CardFormat::Svg => renderer.svg(&card, &qr).map(String::into_bytes),
        CardFormat::Png => renderer.png(&card, &qr, DEFAULT_PNG_DPI),
        CardFormat::Pdf => renderer.pdf(&card, &qr),
    };
    drawn.map_err(|e| CliError::Input(e.to_string()))
}
