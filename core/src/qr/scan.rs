//! Reading a QR code back from an image: the verifier's side of a printed
//! card, a screenshot or a photo. Only with the `qr-decode` feature; the
//! phone apps scan with the platform's decoder and do not need it.
//!
//! [`decode_png`] reads untrusted image files: it checks dimensions before
//! allocating and bounds the search, and reports every failure as a
//! [`QrError`], never a panic.

#[cfg(test)]
use super::QUIET_ZONE_MODULES;
use super::{QrError, MAX_IMAGE_PIXELS};

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
#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::tests::text_of_len;
    use crate::qr::{EccLevel, QrMatrix};
    use proptest::prelude::*;

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

    fn round_trip(text: &str) {
        let png = QrMatrix::encode(text, EccLevel::default())
            .unwrap()
            .to_png(4)
            .unwrap();
        assert_eq!(decode_png(&png).unwrap(), text);
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

    /// A grey PNG of seeded noise: each pixel a random byte (xorshift).
    fn noise_png(width: u32, height: u32, seed: u64) -> Vec<u8> {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let pixels: Vec<u8> = (0..u64::from(width) * u64::from(height))
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 56) as u8
            })
            .collect();
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&pixels).unwrap();
        writer.finish().unwrap();
        out
    }

    /// Thresholded noise is a mass of small dark blobs; a few pass for QR
    /// corner marks and group by chance into "codes" of wildly skewed
    /// geometry. The QR library's search for their alignment pattern was
    /// bounded only by that geometry: a 1 MP noise image took up to 6 s of
    /// CPU and a 15.9 MP one 54 s (release build), far more in a debug
    /// build. Now the search is bounded by the corner marks' size.
    #[test]
    fn noise_images_are_given_up_on_quickly() {
        let started = std::time::Instant::now();
        for seed in 1..=6 {
            let result = decode_png(&noise_png(1000, 1000, seed));
            assert!(
                matches!(result, Err(QrError::NoQrFound | QrError::QrUnreadable(_))),
                "seed {seed}: {result:?}"
            );
        }
        let small = started.elapsed();
        // Just under the CLI's 16 MP cap: searched shrunk, then at full size.
        let result = decode_png(&noise_png(4000, 3975, 12));
        assert!(
            matches!(
                result,
                Err(QrError::NoQrFound
                    | QrError::QrUnreadable(_)
                    | QrError::TooManyCandidates { .. })
            ),
            "{result:?}"
        );
        let large = started.elapsed() - small;
        eprintln!("6 noise images of 1 MP: {small:?}; one of 15.9 MP: {large:?}");
        // Generous for a busy 2-core machine and a debug build: before, the
        // same images took minutes.
        assert!(
            small < std::time::Duration::from_secs(60)
                && large < std::time::Duration::from_secs(60),
            "6 noise images of 1 MP took {small:?}, one of 15.9 MP {large:?}"
        );
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
