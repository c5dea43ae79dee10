//! PNG QR decoder. An even first byte feeds the rest to `decode_png` as
//! PNG bytes; an odd one makes the rest an 8-bit grey image (next byte:
//! width, then pixels row by row), written as a valid PNG, so the pixel
//! conversion and the QR detector see arbitrary images rather than only
//! the PNG parser's rejections.
//!
//! `decode_png` contains panics of the QR decoding library with
//! `catch_unwind` (reporting `QrError::DecoderFault`), but libfuzzer-sys
//! installs a panic hook that aborts before any unwinding. This target puts
//! back a hook that only reports each panic location once, so contained
//! panics do not count as crashes; a panic that escapes `decode_png` still
//! aborts (libfuzzer-sys aborts when the target unwinds).
#![no_main]

use std::collections::HashSet;
use std::sync::{Mutex, Once};

use hawiya_core::decode_png;
use hawiya_core::internal::parse_presentation;
use libfuzzer_sys::fuzz_target;

static HOOK: Once = Once::new();
static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);

fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map_or_else(|| "<unknown>".to_owned(), |l| l.to_string());
        let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
        if seen
            .get_or_insert_with(HashSet::new)
            .insert(location.clone())
        {
            eprintln!("hawiya-fuzz: panic at {location}: {info}");
        }
    }));
}

/// An 8-bit greyscale PNG of `width` columns holding `pixels` (a partial
/// last row is dropped).
fn grey_png(width: u8, pixels: &[u8]) -> Option<Vec<u8>> {
    let width = usize::from(width.max(1));
    let height = pixels.len() / width;
    if height == 0 {
        return None;
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width as u32, height as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(&pixels[..width * height]).ok()?;
    writer.finish().ok()?;
    Some(out)
}

fuzz_target!(|data: &[u8]| {
    HOOK.call_once(install_hook);
    let png = match data.split_first() {
        Some((&mode, rest)) if mode & 1 == 1 => match rest.split_first() {
            Some((&width, pixels)) => grey_png(width, pixels),
            None => None,
        },
        Some((_, rest)) => Some(rest.to_vec()),
        None => Some(Vec::new()),
    };
    if let Some(png) = png {
        if let Ok(text) = decode_png(&png) {
            let _ = parse_presentation(&text);
        }
    }
});
