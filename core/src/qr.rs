//! QR rendering (matrix, SVG, PNG) and offline QR decoding from PNG images.
//!
//! A presentation travels as `PREFIX + Base45`, which only uses the QR
//! alphanumeric character set. [`QrMatrix::encode`] therefore always encodes in
//! QR **alphanumeric mode** (5.5 bits per character, about 30 % denser than byte
//! mode) and picks the smallest version that fits, instead of letting the
//! encoder's segment optimiser choose.
//!
//! [`decode_png`] reads untrusted image files: it checks dimensions before
//! allocating and reports every failure as a [`QrError`], never a panic.

use qrcode::bits::Bits;
use qrcode::{Color, EcLevel, QrCode, Version};

/// Light modules drawn around the symbol, as the QR specification requires
/// for reliable scanning.
pub const QUIET_ZONE_MODULES: usize = 4;

/// Smallest module size, in pixels, that [`QrMatrix::to_png`] will draw;
/// smaller symbols scan poorly from screens and prints.
pub const MIN_PNG_MODULE_PX: u32 = 4;

/// Largest image, in pixels (width × height), that [`decode_png`] will decode
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
    #[error("the image is not a readable PNG (corrupt, truncated or another format); export it again as PNG")]
    PngDecode(#[from] png::DecodingError),

    /// The image has more pixels than allowed ([`MAX_IMAGE_PIXELS`], or the
    /// caller's [`ScanLimits::max_pixels`]) and was refused before any pixel
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
    #[error(
        "the image has more than {budget} shapes that look like QR corner marks; crop it to the \
         code and scan again"
    )]
    TooManyCandidates {
        /// The most candidates a scan examines.
        budget: usize,
    },

    /// No QR symbol was found in the image.
    #[error("no QR code found in the image; make sure the whole code, with its white border, is visible")]
    NoQrFound,

    /// A QR symbol was found but its content could not be read.
    #[error("a QR code was found but could not be read; it may be damaged, blurred or partly hidden, rescan it")]
    QrUnreadable(#[source] rqrr::DeQRError),

    /// The QR decoding library failed internally on this image (it panicked
    /// and the panic was contained); the image is probably unusual or hostile.
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

/// How much work one image scan may do. The defaults suit a phone
/// screenshot, a photo of a phone, and a 300 or 600 dpi scan of a card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanLimits {
    /// Most pixels (width × height) an image may have; larger images are
    /// refused from their header, before any pixel memory is allocated.
    pub max_pixels: u64,
    /// Most pixels the code search works on at once: a larger image is first
    /// searched shrunk to this size (a box filter), and at finer sizes only
    /// if no code was found there.
    pub search_pixels: u64,
    /// Most finder-pattern-like shapes (the 1:1:3:1:1 corner marks of a QR
    /// code) a search examines. Grouping them into codes grows with the
    /// square of their number, so an image with more is refused at once.
    pub max_finder_candidates: usize,
}

impl Default for ScanLimits {
    fn default() -> ScanLimits {
        ScanLimits {
            max_pixels: MAX_IMAGE_PIXELS,
            search_pixels: DEFAULT_SEARCH_PIXELS,
            max_finder_candidates: DEFAULT_FINDER_CANDIDATES,
        }
    }
}

/// [`ScanLimits::search_pixels`] by default: a 600 dpi card (2022 × 1275) or
/// a phone screenshot is searched at full size.
pub const DEFAULT_SEARCH_PIXELS: u64 = 4_000_000;

/// [`ScanLimits::max_finder_candidates`] by default: a QR code has 3 corner
/// marks and a card scan shows about 4 candidates, so 60 leaves room for many
/// codes and chance shapes, far below the tens of thousands a hostile image
/// can hold (searching 60 costs well under a second).
pub const DEFAULT_FINDER_CANDIDATES: usize = 60;

/// Decode the first QR symbol found in a PNG image back to its text, within
/// the default [`ScanLimits`].
///
/// Accepts any colour type and bit depth the `png` crate reads (palette,
/// grey, RGB, with or without alpha, 1 to 16 bits), converted to 8-bit luma;
/// transparent pixels count as white. Images over [`MAX_IMAGE_PIXELS`] are
/// refused before decoding. Corrupt, truncated or hostile input yields an
/// error, never a panic: a panic inside the QR decoding library is contained
/// and reported as [`QrError::DecoderFault`] (this relies on the default
/// `panic = "unwind"`; the process's panic hook may still log it).
pub fn decode_png(png_bytes: &[u8]) -> Result<String, QrError> {
    decode_png_with(png_bytes, &ScanLimits::default())
}

/// [`decode_png`] within the caller's [`ScanLimits`]: the work is bounded by
/// the pixel cap, the search size and the finder-candidate budget, whatever
/// the image holds.
pub fn decode_png_with(png_bytes: &[u8], limits: &ScanLimits) -> Result<String, QrError> {
    scan_image(LumaImage::read(png_bytes, limits.max_pixels)?, limits)
}

/// Decode the first QR symbol found in an 8-bit RGBA frame (four bytes per
/// pixel, rows top to bottom, as a browser canvas's `ImageData` or a camera
/// frame gives it), within `limits`. Transparent pixels count as white.
///
/// # Errors
/// [`QrError::ImageTooLarge`] if the frame has more pixels than
/// `limits.max_pixels` allows, [`QrError::FrameSize`] if `rgba` is not
/// `width × height × 4` bytes, and the errors of [`decode_png_with`]'s search.
pub fn decode_rgba_with(
    width: u32,
    height: u32,
    rgba: &[u8],
    limits: &ScanLimits,
) -> Result<String, QrError> {
    let (w, h) = (u64::from(width), u64::from(height));
    let limit = limits.max_pixels.min(MAX_IMAGE_PIXELS);
    if w.saturating_mul(h) > limit {
        return Err(QrError::ImageTooLarge {
            width: w,
            height: h,
            limit,
        });
    }
    let expected = w.saturating_mul(h).saturating_mul(4);
    if rgba.len() as u64 != expected {
        return Err(QrError::FrameSize {
            width,
            height,
            len: rgba.len(),
        });
    }
    let luma = rgba.chunks_exact(4).map(|p| pixel_luma(p, 4, 1)).collect();
    scan_image(
        LumaImage {
            luma,
            width: width as usize,
            height: height as usize,
        },
        limits,
    )
}

fn scan_image(image: LumaImage, limits: &ScanLimits) -> Result<String, QrError> {
    let mut factor = image.shrink_factor(limits.search_pixels);
    let started_at_full_size = factor == 1;
    let mut first_error = None;
    loop {
        let shrunk;
        let pass = if factor == 1 {
            &image
        } else {
            shrunk = image.shrunk(factor);
            &shrunk
        };
        let budget = limits.max_finder_candidates;
        match std::panic::catch_unwind(|| pass.scan(budget)).unwrap_or(Err(QrError::DecoderFault)) {
            Ok(text) => return Ok(text),
            // Finer passes only see more candidates.
            Err(e @ QrError::TooManyCandidates { .. }) => return Err(e),
            // A shrunk pass may fail on modules it blurred: try finer. The
            // first real failure is the one reported.
            Err(QrError::NoQrFound) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
        if factor == 1 {
            // The detector misses some codes at one scale that it finds at
            // another (modules of a fractional pixel size, resampled
            // screenshots): an image searched at full size only is also
            // searched at half its size, and a small one (a card at 300 dpi)
            // at twice its size, still within the search budget.
            let pixels = (image.width as u64).saturating_mul(image.height as u64);
            let mut others = Vec::new();
            if started_at_full_size {
                others.push(image.shrunk(2));
            }
            if pixels.saturating_mul(4) <= limits.search_pixels {
                others.push(image.enlarged(2));
            }
            for other in &others {
                match std::panic::catch_unwind(|| other.scan(budget))
                    .unwrap_or(Err(QrError::DecoderFault))
                {
                    Ok(text) => return Ok(text),
                    Err(QrError::NoQrFound) => {}
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
            return Err(first_error.unwrap_or(QrError::NoQrFound));
        }
        factor /= 2;
    }
}

/// An image as 8-bit luma (0 black .. 255 white), one byte per pixel.
struct LumaImage {
    luma: Vec<u8>,
    width: usize,
    height: usize,
}

impl LumaImage {
    fn read(png_bytes: &[u8], max_pixels: u64) -> Result<Self, QrError> {
        let mut decoder = png::Decoder::new(png_bytes);
        // Palette -> RGB(A), low bit depths -> 8 bit, tRNS -> alpha, 16 -> 8 bit.
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let header = decoder.read_header_info()?;
        let (width, height) = (u64::from(header.width), u64::from(header.height));
        let too_large = || QrError::ImageTooLarge {
            width,
            height,
            limit: max_pixels.min(MAX_IMAGE_PIXELS),
        };
        if width.saturating_mul(height) > max_pixels.min(MAX_IMAGE_PIXELS) {
            return Err(too_large());
        }
        let mut reader = decoder.read_info()?;
        let mut data = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut data)?;
        let samples = match frame.color_type {
            png::ColorType::GrayscaleAlpha => 2,
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            // Grayscale; Indexed cannot occur after EXPAND.
            _ => 1,
        };
        let frame_width = usize::try_from(frame.width).map_err(|_| too_large())?;
        let frame_height = usize::try_from(frame.height).map_err(|_| too_large())?;
        let sample_bytes = usize::from(frame.bit_depth as u8).div_ceil(8);
        let pixel_bytes = samples * sample_bytes;
        let mut luma = Vec::with_capacity(frame_width.saturating_mul(frame_height));
        for y in 0..frame_height {
            let row = y
                .checked_mul(frame.line_size)
                .and_then(|start| data.get(start..))
                .unwrap_or_default();
            for x in 0..frame_width {
                let pixel = x
                    .checked_mul(pixel_bytes)
                    .and_then(|at| row.get(at..at.checked_add(pixel_bytes)?));
                luma.push(pixel.map_or(255, |p| pixel_luma(p, samples, sample_bytes)));
            }
        }
        drop(data);
        Ok(LumaImage {
            luma,
            width: frame_width,
            height: frame_height,
        })
    }

    /// The smallest power-of-two shrink factor that brings the image to at
    /// most `search_pixels`.
    fn shrink_factor(&self, search_pixels: u64) -> usize {
        let mut factor = 1usize;
        while factor < 64
            && ((self.width / factor) as u64).saturating_mul((self.height / factor) as u64)
                > search_pixels.max(1)
        {
            factor *= 2;
        }
        factor
    }

    /// The image shrunk by `factor` in each direction, each pixel the mean
    /// of the `factor` × `factor` pixels it covers.
    /// The image `factor` times larger each way, each pixel repeated.
    fn enlarged(&self, factor: usize) -> LumaImage {
        let (width, height) = (self.width * factor, self.height * factor);
        let mut luma = Vec::with_capacity(width * height);
        for y in 0..height {
            let row = (y / factor) * self.width;
            luma.extend((0..width).map(|x| self.luma[row + x / factor]));
        }
        LumaImage {
            luma,
            width,
            height,
        }
    }

    fn shrunk(&self, factor: usize) -> LumaImage {
        let (width, height) = (self.width / factor, self.height / factor);
        let mut luma = Vec::with_capacity(width * height);
        let area = (factor * factor) as u32;
        for y in 0..height {
            for x in 0..width {
                let mut sum = 0u32;
                for dy in 0..factor {
                    let start = (y * factor + dy) * self.width + x * factor;
                    sum += self.luma[start..start + factor]
                        .iter()
                        .map(|&v| u32::from(v))
                        .sum::<u32>();
                }
                luma.push(u8::try_from(sum / area).unwrap_or(255));
            }
        }
        LumaImage {
            luma,
            width,
            height,
        }
    }

    /// Finds QR symbols and returns the text of the first one that decodes,
    /// refusing images with more than `budget` finder candidates before the
    /// search that grows with their square.
    fn scan(&self, budget: usize) -> Result<String, QrError> {
        let mut prepared =
            rqrr::PreparedImage::prepare_from_greyscale(self.width, self.height, |x, y| {
                self.luma.get(y * self.width + x).copied().unwrap_or(255)
            });
        // The binarised image is what rqrr searches: count there.
        let dark = |x: usize, y: usize| prepared.get_pixel_at(x, y) != 0u8;
        if finder_candidates(self.width, self.height, budget, dark) > budget {
            return Err(QrError::TooManyCandidates { budget });
        }
        let mut first_error = None;
        for grid in prepared.detect_grids() {
            match grid.decode() {
                Ok((_meta, text)) => return Ok(text),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.map_or(QrError::NoQrFound, QrError::QrUnreadable))
    }
}

/// Luma of one pixel's samples (most significant byte of each), composited
/// over white so a transparent background reads as light.
fn pixel_luma(pixel: &[u8], samples: usize, sample_bytes: usize) -> u8 {
    let sample = |i: usize| u32::from(pixel.get(i * sample_bytes).copied().unwrap_or(255));
    let rgb = || (299 * sample(0) + 587 * sample(1) + 114 * sample(2) + 500) / 1000;
    let (grey, alpha) = match samples {
        1 => (sample(0), 255),
        2 => (sample(0), sample(1)),
        3 => (rgb(), 255),
        _ => (rgb(), sample(3)),
    };
    let value = (grey * alpha + 255 * (255 - alpha) + 127) / 255;
    u8::try_from(value).unwrap_or(255)
}

/// Counts the places a QR finder pattern (corner mark) could be found in a
/// binarised image, stopping once the count passes `budget`. It is the QR
/// library's own test, so the count is never below the number of corner
/// marks the library would go on to group: a row crosses dark, light, dark,
/// light, dark runs in the proportions 1:1:3:1:1 (each within 3/4 of the mean
/// module), the two outer dark runs are one 4-connected region (the ring),
/// the middle one another (the stone), and the stone has more than 10 % and
/// less than 70 % of the ring's pixels. Each ring counts once.
fn finder_candidates(
    width: usize,
    height: usize,
    budget: usize,
    dark: impl Fn(usize, usize) -> bool,
) -> usize {
    let regions = Regions::label(width, height, &dark);
    let mut rings = std::collections::HashSet::new();
    for y in 0..height {
        let mut runs = [0usize; 5];
        let mut run = 0;
        let mut colour = false;
        let mut changes = 0;
        for x in 0..=width {
            let here = x < width && dark(x, y);
            if x > 0 && here == colour {
                run += 1;
                continue;
            }
            if x > 0 {
                runs.rotate_left(1);
                runs[4] = run;
                changes += 1;
                // A dark run just ended: the last five runs may be a mark.
                if colour && changes >= 5 && is_finder_row(&runs) {
                    let left = x - runs.iter().sum::<usize>();
                    let stone = x - runs[2] - runs[3] - runs[4];
                    let right = x - runs[4];
                    let ring = regions.at(left, y);
                    let centre = regions.at(stone, y);
                    let percent = regions.size(centre) * 100 / regions.size(ring).max(1);
                    if ring == regions.at(right, y) && ring != centre && (11..70).contains(&percent)
                    {
                        rings.insert(ring);
                        if rings.len() > budget {
                            return rings.len();
                        }
                    }
                }
            }
            colour = here;
            run = 1;
        }
    }
    rings.len()
}

/// The 4-connected dark regions of a binarised image: a label per pixel (0
/// for light) and each region's pixel count.
struct Regions {
    width: usize,
    labels: Vec<u32>,
    sizes: Vec<usize>,
}

impl Regions {
    /// Two-pass labelling with union-find.
    fn label(width: usize, height: usize, dark: &impl Fn(usize, usize) -> bool) -> Regions {
        fn root(parent: &mut [u32], mut label: u32) -> u32 {
            while parent[label as usize] != label {
                let up = parent[parent[label as usize] as usize];
                parent[label as usize] = up;
                label = up;
            }
            label
        }
        let mut labels = vec![0u32; width * height];
        let mut parent = vec![0u32];
        for y in 0..height {
            for x in 0..width {
                if !dark(x, y) {
                    continue;
                }
                let i = y * width + x;
                let left = if x > 0 { labels[i - 1] } else { 0 };
                let up = if y > 0 { labels[i - width] } else { 0 };
                labels[i] = match (left, up) {
                    (0, 0) => {
                        let next = u32::try_from(parent.len()).unwrap_or(u32::MAX);
                        parent.push(next);
                        next
                    }
                    (l, 0) | (0, l) => l,
                    (l, u) => {
                        let (a, b) = (root(&mut parent, l), root(&mut parent, u));
                        let (low, high) = (a.min(b), a.max(b));
                        parent[high as usize] = low;
                        low
                    }
                };
            }
        }
        let mut sizes = vec![0usize; parent.len()];
        for label in labels.iter_mut().filter(|l| **l != 0) {
            *label = root(&mut parent, *label);
            sizes[*label as usize] += 1;
        }
        Regions {
            width,
            labels,
            sizes,
        }
    }

    /// The region of a pixel (0 if it is light).
    fn at(&self, x: usize, y: usize) -> u32 {
        self.labels.get(y * self.width + x).copied().unwrap_or(0)
    }

    /// How many pixels a region has.
    fn size(&self, region: u32) -> usize {
        self.sizes.get(region as usize).copied().unwrap_or(0)
    }
}

/// Whether five run lengths are in the proportions 1:1:3:1:1, each within
/// 3/4 of the mean of the four outer runs.
fn is_finder_row(runs: &[usize; 5]) -> bool {
    let module = (runs[0] + runs[1] + runs[3] + runs[4]) / 4;
    let slack = module * 3 / 4;
    runs.iter()
        .zip([1, 1, 3, 1, 1])
        .all(|(&run, times)| run + slack >= times * module && run <= times * module + slack)
}

/// Whether `c` is in the QR alphanumeric character set (same as the Base45 alphabet).
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
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALPHANUMERIC: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    /// Alphanumeric capacity at ECC M for versions 1..=40 (ISO/IEC 18004 table 7).
    const ISO_CAPACITY_M: [usize; 40] = [
        20, 38, 61, 90, 122, 154, 178, 221, 262, 311, 366, 419, 483, 528, 600, 656, 734, 816, 909,
        970, 1035, 1134, 1248, 1326, 1451, 1542, 1637, 1732, 1839, 1994, 2113, 2238, 2369, 2506,
        2632, 2780, 2894, 3054, 3220, 3391,
    ];

    /// Deterministic pseudo-random alphanumeric text.
    fn text_of_len(len: usize) -> String {
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

    fn round_trip(text: &str) {
        let png = QrMatrix::encode(text, EccLevel::default())
            .unwrap()
            .to_png(4)
            .unwrap();
        assert_eq!(decode_png(&png).unwrap(), text);
    }

    /// `m` as an RGBA frame (quiet zone, `px` per module) on a coloured,
    /// half-transparent background, as a camera frame or canvas gives it.
    fn rgba_frame(m: &QrMatrix, px: usize) -> (u32, u32, Vec<u8>) {
        let side = (m.width() + 2 * QUIET_ZONE_MODULES) * px;
        let mut rgba = Vec::with_capacity(side * side * 4);
        for y in 0..side {
            for x in 0..side {
                let (mx, my) = (x / px, y / px);
                let dark = mx >= QUIET_ZONE_MODULES
                    && my >= QUIET_ZONE_MODULES
                    && m.is_dark(mx - QUIET_ZONE_MODULES, my - QUIET_ZONE_MODULES);
                rgba.extend_from_slice(if dark {
                    &[20, 30, 40, 255]
                } else {
                    &[230, 240, 210, 128]
                });
            }
        }
        (side as u32, side as u32, rgba)
    }

    #[test]
    fn decodes_rgba_frames() {
        let text = "HW2:RGBA FRAME 123";
        let m = QrMatrix::encode(text, EccLevel::M).unwrap();
        let (w, h, rgba) = rgba_frame(&m, 4);
        assert_eq!(
            decode_rgba_with(w, h, &rgba, &ScanLimits::default()).unwrap(),
            text
        );
        // Wrong byte count: refused, not read out of bounds.
        assert!(matches!(
            decode_rgba_with(w, h, &rgba[4..], &ScanLimits::default()),
            Err(QrError::FrameSize { len, .. }) if len == rgba.len() - 4
        ));
        // Over the caller's pixel cap: refused before any work.
        let small = ScanLimits {
            max_pixels: u64::from(w) * u64::from(h) - 1,
            ..ScanLimits::default()
        };
        assert!(matches!(
            decode_rgba_with(w, h, &rgba, &small),
            Err(QrError::ImageTooLarge { .. })
        ));
        // A blank frame has no code.
        let blank = vec![255u8; 64 * 48 * 4];
        assert!(matches!(
            decode_rgba_with(64, 48, &blank, &ScanLimits::default()),
            Err(QrError::NoQrFound)
        ));
    }

    /// Encodes `m` (with quiet zone, `px` per module) as a PNG of the given format.
    fn png_with_format(
        m: &QrMatrix,
        px: usize,
        color: png::ColorType,
        depth: png::BitDepth,
    ) -> Vec<u8> {
        let side = (m.width() + 2 * QUIET_ZONE_MODULES) * px;
        let dark = |x: usize, y: usize| {
            let (mx, my) = (x / px, y / px);
            mx >= QUIET_ZONE_MODULES
                && my >= QUIET_ZONE_MODULES
                && m.is_dark(mx - QUIET_ZONE_MODULES, my - QUIET_ZONE_MODULES)
        };
        let mut data = Vec::new();
        for y in 0..side {
            let mut bits: Vec<u8> = Vec::new(); // for 1-bit grey
            for x in 0..side {
                let d = dark(x, y);
                match (color, depth) {
                    (png::ColorType::Grayscale, png::BitDepth::One) => bits.push(u8::from(!d)),
                    (png::ColorType::Grayscale, png::BitDepth::Sixteen) => {
                        data.extend_from_slice(if d { &[0x10, 0x00] } else { &[0xF0, 0xFF] })
                    }
                    (png::ColorType::Rgb, _) => {
                        data.extend_from_slice(if d { &[20, 0, 60] } else { &[250, 240, 255] })
                    }
                    // Transparent background, opaque dark-blue modules.
                    (png::ColorType::Rgba, _) => {
                        data.extend_from_slice(if d { &[0, 0, 90, 255] } else { &[0, 0, 0, 0] })
                    }
                    (png::ColorType::Indexed, _) => data.push(u8::from(!d)),
                    _ => unreachable!(),
                }
            }
            for chunk in bits.chunks(8) {
                data.push(
                    chunk
                        .iter()
                        .enumerate()
                        .fold(0, |acc, (i, &b)| acc | (b << (7 - i))),
                );
            }
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(color);
        encoder.set_depth(depth);
        if color == png::ColorType::Indexed {
            encoder.set_palette(vec![0, 0, 0, 255, 255, 255]);
        }
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&data).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn round_trip_short() {
        round_trip("HC1:BB8");
        round_trip("A");
    }

    #[test]
    fn round_trip_long() {
        let text = format!("HC1:{}", text_of_len(496));
        assert_eq!(text.len(), 500);
        round_trip(&text);
    }

    #[test]
    fn round_trip_base45_payload() {
        // Base45 of "Hello!!" (RFC 9285), as a prefixed presentation.
        round_trip("HC1:%69 VD92EX0");
    }

    #[test]
    fn round_trip_every_ecc_level() {
        let text = text_of_len(120);
        for ecc in [EccLevel::L, EccLevel::M, EccLevel::Q, EccLevel::H] {
            let png = QrMatrix::encode(&text, ecc).unwrap().to_png(5).unwrap();
            assert_eq!(decode_png(&png).unwrap(), text, "{ecc:?}");
        }
    }

    #[test]
    fn decodes_other_png_formats() {
        let text = format!("HC1:{}", text_of_len(150));
        let m = QrMatrix::encode(&text, EccLevel::M).unwrap();
        for (color, depth) in [
            (png::ColorType::Grayscale, png::BitDepth::One),
            (png::ColorType::Grayscale, png::BitDepth::Sixteen),
            (png::ColorType::Rgb, png::BitDepth::Eight),
            (png::ColorType::Rgba, png::BitDepth::Eight),
            (png::ColorType::Indexed, png::BitDepth::Eight),
        ] {
            let png = png_with_format(&m, 4, color, depth);
            assert_eq!(decode_png(&png).unwrap(), text, "{color:?} {depth:?}");
        }
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
    fn decode_png_rejects_bad_input() {
        assert!(matches!(decode_png(&[]), Err(QrError::PngDecode(_))));
        assert!(matches!(
            decode_png(b"not a png at all, just some text"),
            Err(QrError::PngDecode(_))
        ));
        let png = QrMatrix::encode("HC1:BB8", EccLevel::M)
            .unwrap()
            .to_png(4)
            .unwrap();
        for cut in [8, 20, 40, png.len() / 2, png.len() - 13] {
            assert!(
                matches!(decode_png(&png[..cut]), Err(QrError::PngDecode(_))),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn decode_png_without_qr() {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, 64, 48);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&[255; 64 * 48]).unwrap();
        writer.finish().unwrap();
        assert!(matches!(decode_png(&out), Err(QrError::NoQrFound)));
    }

    #[test]
    fn decode_png_refuses_huge_image_before_allocating() {
        // Header only: declares 10000 x 5000 pixels, carries no pixel data.
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, 10_000, 5_000);
        encoder.set_color(png::ColorType::Rgba);
        drop(encoder.write_header().unwrap());
        assert!(matches!(
            decode_png(&out),
            Err(QrError::ImageTooLarge {
                width: 10_000,
                height: 5_000,
                ..
            })
        ));
    }

    #[test]
    fn error_messages_say_what_and_what_to_do() {
        let e = QrMatrix::encode("abc", EccLevel::M).unwrap_err();
        assert!(
            e.to_string().contains("'a'") && e.to_string().contains("Base45"),
            "{e}"
        );
        assert!(QrError::NoQrFound.to_string().contains("whole code"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn decode_png_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode_png(&bytes);
        }

        #[test]
        fn decode_png_after_signature_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut data = b"\x89PNG\r\n\x1a\n".to_vec();
            data.extend_from_slice(&bytes);
            let _ = decode_png(&data);
        }

        #[test]
        fn decode_png_damaged_never_panics(cut in 0usize..2000, flip in 0usize..2000, xor in 1u8..=255) {
            let mut png = QrMatrix::encode("HC1:BB8", EccLevel::M).unwrap().to_png(4).unwrap();
            let flip = flip % png.len();
            png[flip] ^= xor;
            png.truncate(cut.min(png.len()));
            let _ = decode_png(&png);
        }

        #[test]
        fn decode_png_random_pixels_never_panics(
            side in 1u32..96,
            seed in proptest::collection::vec(any::<u8>(), 1..64),
        ) {
            let mut out = Vec::new();
            let mut encoder = png::Encoder::new(&mut out, side, side);
            encoder.set_color(png::ColorType::Grayscale);
            let mut writer = encoder.write_header().unwrap();
            let pixels: Vec<u8> = (0..side * side)
                .map(|i| if seed[(i as usize / 7) % seed.len()] & (1 << (i % 8)) != 0 { 0 } else { 255 })
                .collect();
            writer.write_image_data(&pixels).unwrap();
            writer.finish().unwrap();
            let _ = decode_png(&out);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        #[test]
        fn round_trip_random_alphanumeric(text in "[0-9A-Z $%*+./:-]{1,300}") {
            let png = QrMatrix::encode(&text, EccLevel::M).unwrap().to_png(4).unwrap();
            prop_assert_eq!(decode_png(&png).unwrap(), text);
        }
    }

    /// A grey PNG of `width` × `height`, dark where `dark(x, y)`.
    fn grey_png(width: u32, height: u32, dark: impl Fn(u32, u32) -> bool) -> Vec<u8> {
        let mut pixels = Vec::with_capacity((width * height) as usize);
        for y in 0..height {
            for x in 0..width {
                pixels.push(if dark(x, y) { 0 } else { 255 });
            }
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&pixels).unwrap();
        writer.finish().unwrap();
        out
    }

    /// Whether `(x, y)` is dark in a grid of `n` × `n` corner marks (7 × 7
    /// modules of `m` pixels, one module apart, from a 4-module margin).
    fn in_mark_grid(n: u32, m: u32, x: u32, y: u32) -> bool {
        let (gx, gy) = ((x / m).wrapping_sub(4), (y / m).wrapping_sub(4));
        if gx >= n * 8 || gy >= n * 8 {
            return false;
        }
        let (px, py) = (gx % 8, gy % 8);
        px < 7
            && py < 7
            && (px == 0
                || px == 6
                || py == 0
                || py == 6
                || ((2..5).contains(&px) && (2..5).contains(&py)))
    }

    #[test]
    fn each_corner_mark_is_one_candidate() {
        let m = QrMatrix::encode(&text_of_len(200), EccLevel::M).unwrap();
        let image = LumaImage::read(&m.to_png(4).unwrap(), MAX_IMAGE_PIXELS).unwrap();
        let dark = |x: usize, y: usize| image.luma[y * image.width + x] < 128;
        assert_eq!(finder_candidates(image.width, image.height, 100, dark), 3);
        // A grid of marks: each counts, and counting stops past the budget.
        let grid = grey_png(8 * 5 * 3 + 8 * 3, 8 * 5 * 3 + 8 * 3, |x, y| {
            in_mark_grid(5, 3, x, y)
        });
        let image = LumaImage::read(&grid, MAX_IMAGE_PIXELS).unwrap();
        let dark = |x: usize, y: usize| image.luma[y * image.width + x] < 128;
        assert_eq!(finder_candidates(image.width, image.height, 100, dark), 25);
        assert_eq!(finder_candidates(image.width, image.height, 10, dark), 11);
    }

    #[test]
    fn an_image_of_many_corner_marks_is_refused_before_the_search() {
        // 20 x 20 marks: 400 candidates, far past the budget of 60.
        let side = 8 * 20 * 2 + 8 * 2;
        let grid = grey_png(side, side, |x, y| in_mark_grid(20, 2, x, y));
        assert!(matches!(
            decode_png(&grid),
            Err(QrError::TooManyCandidates {
                budget: DEFAULT_FINDER_CANDIDATES
            })
        ));
        // Within a larger budget the same image is searched (and holds no code).
        let roomy = ScanLimits {
            max_finder_candidates: 1000,
            ..ScanLimits::default()
        };
        assert!(!matches!(
            decode_png_with(&grid, &roomy),
            Err(QrError::TooManyCandidates { .. }) | Ok(_)
        ));
    }

    #[test]
    fn a_large_image_is_searched_shrunk_first_then_finer() {
        let text = format!("HW1:{}", text_of_len(300));
        let m = QrMatrix::encode(&text, EccLevel::M).unwrap();
        let side = m.width() as u32 + 8;
        // 3000 x 2000 (6 MP): searched at half size first.
        let embed = |px: u32| {
            grey_png(3000, 2000, |x, y| {
                let (qx, qy) = (x.wrapping_sub(1000) / px, y.wrapping_sub(500) / px);
                qx < side
                    && qy < side
                    && qx >= 4
                    && qy >= 4
                    && m.is_dark((qx - 4) as usize, (qy - 4) as usize)
            })
        };
        let image = LumaImage::read(&embed(8), MAX_IMAGE_PIXELS).unwrap();
        assert_eq!(image.shrink_factor(DEFAULT_SEARCH_PIXELS), 2);
        // 8-pixel modules are found at half size; 2-pixel ones only at full size.
        assert_eq!(decode_png(&embed(8)).unwrap(), text);
        assert_eq!(decode_png(&embed(2)).unwrap(), text);
        // A lower pixel cap refuses the image from its header.
        let capped = ScanLimits {
            max_pixels: 4_000_000,
            ..ScanLimits::default()
        };
        assert!(matches!(
            decode_png_with(&embed(8), &capped),
            Err(QrError::ImageTooLarge {
                width: 3000,
                height: 2000,
                limit: 4_000_000
            })
        ));
    }
}
