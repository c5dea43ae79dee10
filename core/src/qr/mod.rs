//! QR rendering (matrix, SVG, PNG); with the `qr-decode` feature, offline
//! QR decoding from images ([`scan`]).
//!
//! A presentation travels as `PREFIX + Base45`, which only uses the QR
//! alphanumeric character set. [`QrMatrix::encode`] therefore always encodes in
//! QR **alphanumeric mode** (5.5 bits per character, about 30 % denser than byte
//! mode) and picks the smallest version that fits, instead of letting the
//! encoder's segment optimiser choose.
//!
//! Decoding lives in its own module so that a verifier that only takes text
//! (a phone app scanning with the platform decoder) builds without it.

#[cfg(feature = "qr-decode")]
pub(crate) mod scan;

#[cfg(feature = "qr-decode")]
pub use scan::{
    decode_png, decode_png_with, decode_rgba_with, ScanLimits, DEFAULT_FINDER_CANDIDATES,
    DEFAULT_SEARCH_PIXELS,
};

use qrcode::bits::Bits;
use qrcode::{Color, EcLevel, QrCode, Version};

/// Light modules drawn around the symbol, as the QR specification requires
/// for reliable scanning.
pub const QUIET_ZONE_MODULES: usize = 4;

/// Smallest module size, in pixels, that [`QrMatrix::to_png`] will draw;
/// smaller symbols scan poorly from screens and prints.
pub const MIN_PNG_MODULE_PX: u32 = 4;

/// Largest image, in pixels (width × height), that `decode_png` will decode
/// or [`QrMatrix::to_png`] will produce, so a hostile or mistaken file cannot
/// make the wallet allocate unbounded memory.
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;

/// Largest QR version (177 × 177 modules).
const MAX_VERSION: u8 = 40;

/// QR error-correction level.
///
/// Higher levels survive more damage (glare, scratches, cracked screens) at the
/// cost of a larger symbol for the same text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EccLevel {
    /// Low: recovers about 7 % of damaged codewords.
    L,
    /// Medium (default): recovers about 15 %; a good balance for phone screens.
    #[default]
    M,
    /// Quartile: recovers about 25 %.
    Q,
    /// High: recovers about 30 %.
    H,
}

impl EccLevel {
    fn to_qrcode(self) -> EcLevel {
        match self {
            EccLevel::L => EcLevel::L,
            EccLevel::M => EcLevel::M,
            EccLevel::Q => EcLevel::Q,
            EccLevel::H => EcLevel::H,
        }
    }
}

/// What went wrong while rendering or reading a QR code.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// The text has a character outside the QR alphanumeric set
    /// (`0-9`, `A-Z`, space and `$%*+-./:`), so it cannot use alphanumeric mode.
    #[error(
        "character {character:?} at byte {position} is not QR-alphanumeric: only 0-9, A-Z, space \
         and $%*+-./: are allowed; Base45-encode the payload and use an uppercase prefix"
    )]
    NotAlphanumeric {
        /// Byte offset of the offending character in the text.
        position: usize,
        /// The offending character.
        character: char,
    },

    /// The text does not fit in the largest QR symbol (version 40) at the
    /// requested error-correction level.
    #[error(
        "text is {chars} characters but a QR code at error-correction level {ecc:?} holds at most \
         {max_chars} alphanumeric characters; shorten the payload or use a lower level"
    )]
    TooLong {
        /// Length of the text, in characters.
        chars: usize,
        /// The requested error-correction level.
        ecc: EccLevel,
        /// Capacity of a version-40 symbol at that level, in characters.
        max_chars: usize,
    },

    /// The PNG encoder failed while writing the image.
    #[error("could not write the QR code as PNG; this is a bug, please report it")]
    PngEncode(#[from] png::EncodingError),

    /// The bytes are not a readable PNG image (wrong format, corrupt or truncated).
    #[cfg(feature = "qr-decode")]
    #[error("the image is not a readable PNG (corrupt, truncated or another format); export it again as PNG")]
    PngDecode(#[from] png::DecodingError),

    /// The image has more pixels than allowed ([`MAX_IMAGE_PIXELS`], or the
    /// caller's `ScanLimits::max_pixels`) and was refused before any pixel
    /// memory was allocated.
    #[error(
        "image is {width}x{height} pixels, more than the {limit} allowed; use a smaller \
         image or module size (crop a scan to the code)"
    )]
    ImageTooLarge {
        /// Image width in pixels.
        width: u64,
        /// Image height in pixels.
        height: u64,
        /// The most pixels allowed.
        limit: u64,
    },

    /// An RGBA frame whose byte count is not width × height × 4.
    #[error("a {width}x{height} RGBA frame needs {} bytes, not {len}; pass the frame's own pixels", (*width as u64) * (*height as u64) * 4)]
    FrameSize {
        /// Frame width in pixels.
        width: u32,
        /// Frame height in pixels.
        height: u32,
        /// The bytes given.
        len: usize,
    },

    /// The image holds more finder-pattern-like shapes than any real scene
    /// of a few QR codes: decoding was stopped before the costly search for
    /// codes among them (a hostile or unusual image).
    #[cfg(feature = "qr-decode")]
    #[error(
        "the image has more than {budget} shapes that look like QR corner marks; crop it to the \
         code and scan again"
    )]
    TooManyCandidates {
        /// The most candidates a scan examines.
        budget: usize,
    },

    /// No QR symbol was found in the image.
    #[cfg(feature = "qr-decode")]
    #[error("no QR code found in the image; make sure the whole code, with its white border, is visible")]
    NoQrFound,

    /// A QR symbol was found but its content could not be read.
    #[cfg(feature = "qr-decode")]
    #[error("a QR code was found but could not be read; it may be damaged, blurred or partly hidden, rescan it")]
    QrUnreadable(#[source] rqrr::DeQRError),

    /// The QR decoding library failed internally on this image (it panicked
    /// and the panic was contained); the image is probably unusual or hostile.
    #[cfg(feature = "qr-decode")]
    #[error("the QR decoder failed on this image; try another scan of the code")]
    DecoderFault,
}

/// A rendered QR symbol: the module matrix apps draw natively.
///
/// Holds only the symbol itself; the quiet zone is added by the renderers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    version: u8,
    width: usize,
    /// Row-major, `width * width` modules; `true` = dark.
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `text` as a QR symbol in alphanumeric mode, using the smallest
    /// version (1..=40) that holds it at error-correction level `ecc`.
    ///
    /// Fails with [`QrError::NotAlphanumeric`] if a character is outside the
    /// QR alphanumeric set, and with [`QrError::TooLong`] if the text exceeds
    /// a version-40 symbol.
    pub fn encode(text: &str, ecc: EccLevel) -> Result<QrMatrix, QrError> {
        if let Some((position, character)) = text.char_indices().find(|&(_, c)| !is_alphanumeric(c))
        {
            return Err(QrError::NotAlphanumeric {
                position,
                character,
            });
        }
        let level = ecc.to_qrcode();
        let chars = text.len(); // all ASCII now, so bytes == characters
        let too_long = || QrError::TooLong {
            chars,
            ecc,
            max_chars: alphanumeric_capacity(MAX_VERSION, level),
        };
        let version = (1..=MAX_VERSION)
            .find(|&v| alphanumeric_capacity(v, level) >= chars)
            .ok_or_else(too_long)?;

        let mut bits = Bits::new(Version::Normal(i16::from(version)));
        bits.push_alphanumeric_data(text.as_bytes())
            .map_err(|_| too_long())?;
        bits.push_terminator(level).map_err(|_| too_long())?;
        // With a validated character set and a version chosen to fit, the
        // encoder can only fail on length, so any failure is reported as such.
        let code = QrCode::with_bits(bits, level).map_err(|_| too_long())?;
        Ok(QrMatrix {
            version,
            width: code.width(),
            dark: code
                .into_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        })
    }

    /// QR version (1..=40); the symbol has `4 * version + 17` modules per side.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// Modules per side, without the quiet zone.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether the module at column `x`, row `y` is dark; coordinates outside
    /// the symbol are light (`false`), which is also what the quiet zone is.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width
            && y < self.width
            && self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }

    /// The modules as rows of booleans (`true` = dark), for FFI and native
    /// drawing code that cannot call back into Rust per module.
    pub fn rows(&self) -> Vec<Vec<bool>> {
        self.dark
            .chunks(self.width.max(1))
            .map(<[bool]>::to_vec)
            .collect()
    }

    /// Renders the symbol as a standalone SVG document with a 4-module quiet
    /// zone, `module_px` pixels per module (at least 1).
    ///
    /// Coordinates are in modules (`viewBox`), horizontal runs of dark modules
    /// are merged into one path, and `shape-rendering="crispEdges"` keeps edges
    /// sharp, so it scales to any size without blurring.
    pub fn to_svg(&self, module_px: u32) -> String {
        use std::fmt::Write as _;

        let size = self.width + 2 * QUIET_ZONE_MODULES;
        let side_px = (size as u64).saturating_mul(u64::from(module_px.max(1)));
        let mut path = String::new();
        for y in 0..self.width {
            let mut x = 0;
            while x < self.width {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while self.is_dark(x, y) {
                    x += 1;
                }
                let run = x - start;
                // Writing to a String cannot fail.
                let _ = write!(
                    path,
                    "M{},{}h{run}v1h-{run}z",
                    start + QUIET_ZONE_MODULES,
                    y + QUIET_ZONE_MODULES
                );
            }
        }
        format!(
            concat!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{px}" height="{px}" "#,
                r#"viewBox="0 0 {size} {size}" shape-rendering="crispEdges">"#,
                r##"<rect width="{size}" height="{size}" fill="#ffffff"/>"##,
                r##"<path fill="#000000" d="{path}"/></svg>"##
            ),
            px = side_px,
            size = size,
            path = path
        )
    }

    /// Renders the symbol as an 8-bit grayscale PNG with a 4-module quiet zone.
    ///
    /// `module_px` below [`MIN_PNG_MODULE_PX`] is raised to it so the image
    /// stays scannable; the image is `(width + 8) * module_px` pixels square.
    /// Fails with [`QrError::ImageTooLarge`] above [`MAX_IMAGE_PIXELS`].
    pub fn to_png(&self, module_px: u32) -> Result<Vec<u8>, QrError> {
        let px = module_px.max(MIN_PNG_MODULE_PX);
        let size = self.width + 2 * QUIET_ZONE_MODULES;
        let side = (size as u64).saturating_mul(u64::from(px));
        let too_large = QrError::ImageTooLarge {
            width: side,
            height: side,
            limit: MAX_IMAGE_PIXELS,
        };
        if side.saturating_mul(side) > MAX_IMAGE_PIXELS {
            return Err(too_large);
        }
        let (Ok(side32), Ok(side_usize), Ok(px_usize)) = (
            u32::try_from(side),
            usize::try_from(side),
            usize::try_from(px),
        ) else {
            return Err(too_large);
        };

        let mut pixels = Vec::with_capacity(side_usize.saturating_mul(side_usize));
        let mut row = Vec::with_capacity(side_usize);
        for my in 0..size {
            row.clear();
            for mx in 0..size {
                let dark = match (
                    mx.checked_sub(QUIET_ZONE_MODULES),
                    my.checked_sub(QUIET_ZONE_MODULES),
                ) {
                    (Some(x), Some(y)) => self.is_dark(x, y),
                    _ => false,
                };
                row.extend(std::iter::repeat_n(
                    if dark { 0u8 } else { 255u8 },
                    px_usize,
                ));
            }
            for _ in 0..px_usize {
                pixels.extend_from_slice(&row);
            }
        }

        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, side32, side32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&pixels)?;
        writer.finish()?;
        Ok(out)
    }
}

fn is_alphanumeric(c: char) -> bool {
    matches!(c, '0'..='9' | 'A'..='Z' | ' ' | '$' | '%' | '*' | '+' | '-' | '.' | '/' | ':')
}

/// How many alphanumeric characters a symbol of `version` holds at `level`:
/// data bits minus the 4-bit mode indicator and the character-count field,
/// 11 bits per pair of characters and 6 for a final single one.
fn alphanumeric_capacity(version: u8, level: EcLevel) -> usize {
    let Ok(data_bits) = Bits::new(Version::Normal(i16::from(version))).max_len(level) else {
        return 0;
    };
    let count_bits = match version {
        1..=9 => 9,
        10..=26 => 11,
        _ => 13,
    };
    let payload = data_bits.saturating_sub(4 + count_bits);
    payload / 11 * 2 + usize::from(payload % 11 >= 6)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const ALPHANUMERIC: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    /// Alphanumeric capacity at ECC M for versions 1..=40 (ISO/IEC 18004 table 7).
    const ISO_CAPACITY_M: [usize; 40] = [
        20, 38, 61, 90, 122, 154, 178, 221, 262, 311, 366, 419, 483, 528, 600, 656, 734, 816, 909,
        970, 1035, 1134, 1248, 1326, 1451, 1542, 1637, 1732, 1839, 1994, 2113, 2238, 2369, 2506,
        2632, 2780, 2894, 3054, 3220, 3391,
    ];

    /// Deterministic pseudo-random alphanumeric text.
    pub(crate) fn text_of_len(len: usize) -> String {
        let mut state: u32 = 0x2545_F491;
        (0..len)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                char::from(ALPHANUMERIC[(state >> 16) as usize % 45])
            })
            .collect()
    }

    fn version_m(len: usize) -> u8 {
        QrMatrix::encode(&text_of_len(len), EccLevel::M)
            .unwrap()
            .version()
    }

    #[test]
    fn capacity_formula_matches_iso_table() {
        for (v, &cap) in (1..=MAX_VERSION).zip(ISO_CAPACITY_M.iter()) {
            assert_eq!(alphanumeric_capacity(v, EcLevel::M), cap, "version {v}");
        }
        assert_eq!(alphanumeric_capacity(40, EcLevel::L), 4296);
        assert_eq!(alphanumeric_capacity(40, EcLevel::Q), 2420);
        assert_eq!(alphanumeric_capacity(40, EcLevel::H), 1852);
    }

    #[test]
    fn versions_follow_iso_table_at_m() {
        // Each boundary: a full symbol stays at v, one more character needs v + 1.
        for (v, &cap) in (1..=MAX_VERSION).zip(ISO_CAPACITY_M.iter()) {
            assert_eq!(version_m(cap), v, "{cap} chars");
            if v < MAX_VERSION {
                assert_eq!(version_m(cap + 1), v + 1, "{} chars", cap + 1);
            }
        }
    }

    #[test]
    fn measured_versions_at_m() {
        let measured: Vec<(usize, u8)> = [300, 400, 450, 500, 567]
            .iter()
            .map(|&n| (n, version_m(n)))
            .collect();
        assert_eq!(
            measured,
            [(300, 10), (400, 12), (450, 13), (500, 14), (567, 15)]
        );
        // Forced alphanumeric mode: byte mode would need version 20 for 600 characters.
        assert_eq!(version_m(600), 15);
        assert_eq!(version_m(601), 16);
    }

    #[test]
    fn matrix_shape() {
        let m = QrMatrix::encode("HELLO WORLD", EccLevel::Q).unwrap();
        assert_eq!(m.version(), 1);
        assert_eq!(m.width(), 21);
        let rows = m.rows();
        assert_eq!(rows.len(), 21);
        assert!(rows.iter().all(|r| r.len() == 21));
        for (y, row) in rows.iter().enumerate() {
            for (x, &d) in row.iter().enumerate() {
                assert_eq!(m.is_dark(x, y), d);
            }
        }
        // Finder pattern corner is dark; out of range is light.
        assert!(m.is_dark(0, 0));
        assert!(!m.is_dark(21, 0));
        assert!(!m.is_dark(0, 21));
        assert!(!m.is_dark(usize::MAX, usize::MAX));
        let v40 = QrMatrix::encode(&text_of_len(3391), EccLevel::M).unwrap();
        assert_eq!((v40.version(), v40.width()), (40, 177));
    }

    #[test]
    fn default_ecc_is_m() {
        assert_eq!(EccLevel::default(), EccLevel::M);
    }

    #[test]
    fn empty_text_encodes() {
        assert_eq!(QrMatrix::encode("", EccLevel::M).unwrap().version(), 1);
    }

    #[test]
    fn rejects_non_alphanumeric() {
        assert!(matches!(
            QrMatrix::encode("hc1:ABC", EccLevel::M),
            Err(QrError::NotAlphanumeric {
                position: 0,
                character: 'h'
            })
        ));
        assert!(matches!(
            QrMatrix::encode("AB€C", EccLevel::M),
            Err(QrError::NotAlphanumeric {
                position: 2,
                character: '€'
            })
        ));
        assert!(matches!(
            QrMatrix::encode("HC1:A=B", EccLevel::M),
            Err(QrError::NotAlphanumeric {
                position: 5,
                character: '='
            })
        ));
    }

    #[test]
    fn rejects_too_long() {
        assert!(matches!(
            QrMatrix::encode(&text_of_len(3392), EccLevel::M),
            Err(QrError::TooLong {
                chars: 3392,
                ecc: EccLevel::M,
                max_chars: 3391
            })
        ));
        assert!(matches!(
            QrMatrix::encode(&text_of_len(1853), EccLevel::H),
            Err(QrError::TooLong {
                chars: 1853,
                ecc: EccLevel::H,
                max_chars: 1852
            })
        ));
        assert!(QrMatrix::encode(&text_of_len(4296), EccLevel::L).is_ok());
    }

    #[test]
    fn png_dimensions() {
        let m = QrMatrix::encode("HC1:BB8", EccLevel::M).unwrap();
        for (asked, used) in [(0, 4), (1, 4), (3, 4), (4, 4), (10, 10)] {
            let png = m.to_png(asked).unwrap();
            let reader = png::Decoder::new(png.as_slice()).read_info().unwrap();
            let info = reader.info();
            let side = ((m.width() + 8) * used) as u32;
            assert_eq!((info.width, info.height), (side, side), "module_px {asked}");
            assert_eq!(
                (info.color_type, info.bit_depth),
                (png::ColorType::Grayscale, png::BitDepth::Eight)
            );
        }
    }

    #[test]
    fn png_refuses_huge_module_size() {
        let m = QrMatrix::encode("A", EccLevel::M).unwrap();
        assert!(matches!(
            m.to_png(u32::MAX),
            Err(QrError::ImageTooLarge { .. })
        ));
        assert!(matches!(
            m.to_png(300),
            Err(QrError::ImageTooLarge {
                width: 8700,
                height: 8700,
                ..
            })
        ));
    }

    #[test]
    fn svg_is_well_formed() {
        let m = QrMatrix::encode("HC1:BB8", EccLevel::M).unwrap();
        let n = m.width() + 8;
        let svg = m.to_svg(10);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(&format!("viewBox=\"0 0 {n} {n}\"")));
        assert!(svg.contains(&format!("width=\"{}\" height=\"{}\"", n * 10, n * 10)));
        assert!(svg.contains("shape-rendering=\"crispEdges\""));
        assert_eq!(svg.matches('<').count(), svg.matches('>').count());
        assert_eq!(svg.matches("<path").count(), 1);
        assert_eq!(svg.matches('"').count() % 2, 0);
        // One subpath per horizontal run of dark modules.
        let runs: usize = m
            .rows()
            .iter()
            .map(|r| {
                r.iter()
                    .zip(std::iter::once(&false).chain(r.iter()))
                    .filter(|(&d, &prev)| d && !prev)
                    .count()
            })
            .sum();
        assert_eq!(svg.matches('M').count(), runs);
        // Redrawing the path's runs reproduces the matrix exactly.
        let d = svg.split("d=\"").nth(1).unwrap().split('"').next().unwrap();
        let mut drawn = vec![vec![false; n]; n];
        for sub in d.split('M').skip(1) {
            let (xy, rest) = sub.split_once('h').unwrap();
            let (x, y) = xy.split_once(',').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let run: usize = rest.split_once('v').unwrap().0.parse().unwrap();
            assert_eq!(rest, format!("{run}v1h-{run}z"));
            for cell in &mut drawn[y][x..x + run] {
                assert!(!*cell, "overlapping runs");
                *cell = true;
            }
        }
        for (y, row) in drawn.iter().enumerate() {
            for (x, &cell) in row.iter().enumerate() {
                let expected = x >= 4 && y >= 4 && m.is_dark(x - 4, y - 4);
                assert_eq!(cell, expected, "module ({x}, {y})");
            }
        }
        // First run starts at the quiet-zone offset (finder pattern, 7 modules).
        assert!(svg.contains("d=\"M4,4h7v1h-7z"));
        // Module size is clamped to at least 1.
        assert!(m
            .to_svg(0)
            .contains(&format!("width=\"{n}\" height=\"{n}\"")));
    }

    #[test]
    fn error_messages_say_what_and_what_to_do() {
        let e = QrMatrix::encode("abc", EccLevel::M).unwrap_err();
        assert!(
            e.to_string().contains("'a'") && e.to_string().contains("Base45"),
            "{e}"
        );
        #[cfg(feature = "qr-decode")]
        assert!(QrError::NoQrFound.to_string().contains("whole code"));
    }
}
