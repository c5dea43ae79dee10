//! A presentation ready to show: its QR text, the QR module matrix to draw,
//! and how long verifiers will accept it. An SVG of it is opt-in
//! (`qrSvgForText`), for apps that do not draw the matrix themselves.

use hawiya_core as core;

use crate::error::QrError;
use hawiya_core::{ClaimKey, Mode};

use crate::model::QrCode;

/// A presentation made by the wallet. Plain data: keep it as long as it is
/// on screen, and make a new one before `expires_at`.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Presentation {
    /// The QR text (`HW2:` + Base45), for the app's own QR renderer.
    pub qr_text: String,
    /// The QR code (error correction M) as a module matrix.
    pub qr: QrCode,
    /// Device-bound or static.
    pub mode: Mode,
    /// The verifier's challenge it answers (six digits), if any.
    pub challenge: Option<String>,
    /// The claims it shows.
    pub disclosed: Vec<ClaimKey>,
    /// When it was made (seconds since 1970).
    pub created_at: i64,
    /// When a verifier with the default policy stops accepting it (seconds
    /// since 1970), as hawiya-core's `Policy::accepts_until` says: the
    /// default freshness window after the phone signed a device-bound code,
    /// the credential's expiry for a static one.
    pub expires_at: i64,
    /// Its size in bytes before Base45 (what the QR version depends on).
    pub size_bytes: u32,
}

impl Presentation {
    /// Describes a core presentation made at `created_at`.
    pub(crate) fn new(
        made: &core::Presentation,
        created_at: core::UnixTime,
    ) -> Result<Presentation, QrError> {
        let qr_text = made.qr_text();
        Ok(Presentation {
            qr: qr_code(&encode(&qr_text)?),
            qr_text,
            mode: made.mode(),
            challenge: made.challenge().map(|c| c.to_string()),
            disclosed: made.disclosed().to_vec(),
            created_at: created_at.0,
            expires_at: core::Policy::default().accepts_until(made).0,
            size_bytes: u32::try_from(made.bytes().len()).unwrap_or(u32::MAX),
        })
    }
}

fn encode(text: &str) -> Result<core::QrMatrix, QrError> {
    core::QrMatrix::encode(text, core::EccLevel::M).map_err(|e| QrError::Encode {
        reason: e.to_string(),
    })
}

fn qr_code(matrix: &core::QrMatrix) -> QrCode {
    QrCode {
        version: matrix.version(),
        size: u32::try_from(matrix.width()).unwrap_or(u32::MAX),
        modules: matrix.rows().into_iter().flatten().collect(),
    }
}

/// The QR code (error correction M) for any hawiya QR text, e.g. to redraw a
/// presentation at another size.
#[uniffi::export]
pub fn qr_code_for_text(text: String) -> Result<QrCode, QrError> {
    Ok(qr_code(&encode(&text)?))
}

/// An SVG document of the QR code for `text` (e.g. a presentation's
/// `qrText`), `module_px` pixels per module, with its quiet zone: for apps
/// that show an SVG rather than draw the matrix.
#[uniffi::export]
pub fn qr_svg_for_text(text: String, module_px: u32) -> Result<String, QrError> {
    Ok(encode(&text)?.to_svg(module_px.max(1)))
}

#[cfg(feature = "qr-decode")]
/// Reads the QR text from a PNG image (a screenshot or a camera frame saved
/// as PNG), for verifiers without a platform barcode scanner.
#[uniffi::export]
pub fn read_qr_png(png: Vec<u8>) -> Result<String, QrError> {
    core::decode_png(&png).map_err(|e| QrError::Decode {
        reason: e.to_string(),
    })
}
