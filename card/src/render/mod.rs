//! Drawing a [`Card`] to SVG, PNG and a printable A4 PDF, with fonts
//! embedded in the library so the output is the same on every machine.
//!
//! The card is built as SVG text, then read by usvg with a font database
//! holding only the embedded fonts (no system fonts): text is shaped by
//! rustybuzz (Arabic joined, right-to-left runs reordered by the Unicode
//! bidi algorithm). The tree is written back as SVG with text as paths,
//! rasterised by resvg for PNG, and converted by svg2pdf for PDF.

mod layout;
mod text;

use std::sync::Arc;

use usvg::fontdb;

use crate::Card;
use hawiya_core::QrMatrix;

use text::{Measurer, FONT_FILES, LATIN_FAMILY};

/// Width of an ID-1 card (ISO/IEC 7810), in millimetres.
pub const CARD_WIDTH_MM: f32 = 85.60;
/// Height of an ID-1 card, in millimetres.
pub const CARD_HEIGHT_MM: f32 = 53.98;
/// PNG resolution used when none is asked for: 600 dots per inch, so the
/// card's QR modules are 8 pixels or more wide and scan reliably.
pub const DEFAULT_PNG_DPI: u32 = 600;
/// Lowest PNG resolution accepted.
pub const MIN_PNG_DPI: u32 = 72;
/// Highest PNG resolution accepted (a 4044 × 2550 pixel image).
pub const MAX_PNG_DPI: u32 = 1200;

/// usvg's CSS pixels per inch: its millimetres become pixels at this rate.
const SVG_DPI: f32 = 96.0;

/// Why a card could not be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The drawing could not be read back; a defect of the card layout.
    #[error("the card drawing is not valid SVG ({detail}); please report this")]
    Drawing {
        /// What the SVG reader said.
        detail: String,
    },
    /// A PNG resolution outside the accepted range.
    #[error("PNG resolution {dpi} dpi is outside {MIN_PNG_DPI}..={MAX_PNG_DPI}")]
    Dpi {
        /// The resolution asked for.
        dpi: u32,
    },
    /// The embedded fonts could not be read; a defect of the build.
    #[error("the embedded card fonts cannot be read; the library is damaged")]
    Fonts,
    /// The PDF writer failed.
    #[error("the card could not be written as PDF ({detail})")]
    Pdf {
        /// What the PDF writer said.
        detail: String,
    },
    /// The raster image could not be made or encoded.
    #[error("the card could not be drawn as PNG ({detail})")]
    Png {
        /// What went wrong.
        detail: String,
    },
}

/// Draws cards. Build one and reuse it: it holds the parsed fonts.
pub struct CardRenderer {
    fonts: Arc<fontdb::Database>,
    measurer: Measurer,
}

impl std::fmt::Debug for CardRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardRenderer")
            .field("fonts", &self.fonts.len())
            .finish_non_exhaustive()
    }
}

impl CardRenderer {
    /// Loads the embedded fonts (Noto Sans and Noto Naskh Arabic, regular
    /// and bold). System fonts are never used.
    ///
    /// # Errors
    /// [`RenderError::Fonts`] if the embedded fonts cannot be parsed.
    pub fn new() -> Result<CardRenderer, RenderError> {
        let mut db = fontdb::Database::new();
        for data in FONT_FILES {
            let ids = db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
            if ids.is_empty() {
                return Err(RenderError::Fonts);
            }
        }
        db.set_sans_serif_family(LATIN_FAMILY);
        db.set_serif_family(LATIN_FAMILY);
        Ok(CardRenderer {
            fonts: Arc::new(db),
            measurer: Measurer::new()?,
        })
    }

    /// The card as SVG source, with text as `<text>` elements naming the
    /// embedded fonts. For inspection and tests; [`CardRenderer::svg`] is
    /// what to publish, since a viewer without these fonts draws this one
    /// differently.
    pub fn svg_source(&self, card: &Card, qr: &QrMatrix) -> String {
        layout::card_document(&self.body(card, qr))
    }

    /// The card as a standalone SVG at true size (85.60 × 53.98 mm), with
    /// all text converted to outlines so it looks the same in every viewer.
    ///
    /// # Errors
    /// [`RenderError::Drawing`] if the drawing cannot be read back.
    pub fn svg(&self, card: &Card, qr: &QrMatrix) -> Result<String, RenderError> {
        let tree = self.tree(&self.svg_source(card, qr))?;
        // Two decimals (under a hundredth of a millimetre) are plenty, and
        // keep the file a fraction of the default's size.
        let options = usvg::WriteOptions {
            coordinates_precision: 2,
            transforms_precision: 4,
            indent: usvg::Indent::None,
            ..usvg::WriteOptions::default()
        };
        Ok(tree.to_string(&options))
    }

    /// The card as a PNG image at `dpi` dots per inch (e.g.
    /// [`DEFAULT_PNG_DPI`]), on its own, with rounded transparent corners.
    ///
    /// # Errors
    /// [`RenderError::Dpi`] outside [`MIN_PNG_DPI`]..=[`MAX_PNG_DPI`];
    /// [`RenderError::Drawing`], [`RenderError::Png`].
    pub fn png(&self, card: &Card, qr: &QrMatrix, dpi: u32) -> Result<Vec<u8>, RenderError> {
        if !(MIN_PNG_DPI..=MAX_PNG_DPI).contains(&dpi) {
            return Err(RenderError::Dpi { dpi });
        }
        let tree = self.tree(&self.svg_source(card, qr))?;
        let scale = dpi as f32 / SVG_DPI;
        let (w, h) = (tree.size().width() * scale, tree.size().height() * scale);
        let size = resvg::tiny_skia::IntSize::from_wh(w.round() as u32, h.round() as u32)
            .ok_or_else(|| RenderError::Png {
                detail: "image size out of range".into(),
            })?;
        let mut pixmap =
            resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| {
                RenderError::Png {
                    detail: format!("cannot allocate {}x{} pixels", size.width(), size.height()),
                }
            })?;
        resvg::render(
            &tree,
            resvg::tiny_skia::Transform::from_scale(scale, scale),
            &mut pixmap.as_mut(),
        );
        pixmap.encode_png().map_err(|e| RenderError::Png {
            detail: e.to_string(),
        })
    }

    /// A printable A4 PDF: the card at true size with a cutting line, and a
    /// short note in English and Arabic on how the printed copy is checked.
    /// Text stays text (embedded font subsets), so it can be selected.
    ///
    /// # Errors
    /// [`RenderError::Drawing`], [`RenderError::Pdf`].
    pub fn pdf(&self, card: &Card, qr: &QrMatrix) -> Result<Vec<u8>, RenderError> {
        let page = layout::page_document(&self.body(card, qr), &self.measurer);
        let tree = self.tree(&page)?;
        svg2pdf::to_pdf(
            &tree,
            svg2pdf::ConversionOptions::default(),
            svg2pdf::PageOptions { dpi: SVG_DPI },
        )
        .map_err(|e| RenderError::Pdf {
            detail: e.to_string(),
        })
    }

    /// The A4 page as SVG source (what [`CardRenderer::pdf`] converts).
    pub fn page_svg_source(&self, card: &Card, qr: &QrMatrix) -> String {
        layout::page_document(&self.body(card, qr), &self.measurer)
    }

    fn body(&self, card: &Card, qr: &QrMatrix) -> String {
        let href = card.portrait.as_deref().and_then(portrait_href);
        layout::card_body(card, qr, href.as_deref(), &self.measurer)
    }

    fn tree(&self, svg: &str) -> Result<usvg::Tree, RenderError> {
        let options = usvg::Options {
            font_family: LATIN_FAMILY.to_owned(),
            fontdb: Arc::clone(&self.fonts),
            ..usvg::Options::default()
        };
        usvg::Tree::from_str(svg, &options).map_err(|e| RenderError::Drawing {
            detail: e.to_string(),
        })
    }
}

/// Most memory decoding a portrait may take: a [`hawiya_core::MAX_PORTRAIT_PIXELS`]
/// image in RGBA with room to spare.
const PORTRAIT_DECODE_BYTES: u64 = 64 << 20;

/// A `data:` URL for a portrait, by its magic bytes; `None` for bytes that
/// are no image the card can show or that do not decode (the placeholder
/// stays, in every format alike).
fn portrait_href(bytes: &[u8]) -> Option<String> {
    // The declared size first (a small file can declare a huge image), then
    // a decode whose allocation is capped all the same.
    hawiya_core::check_portrait(bytes).ok()?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(PORTRAIT_DECODE_BYTES);
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    reader.limits(limits);
    reader.decode().ok()?;
    let mime = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        "image/webp"
    } else {
        return None;
    };
    Some(format!("data:{mime};base64,{}", base64(bytes)))
}

/// Standard Base64 with padding (RFC 4648 §4), for `data:` URLs.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_examples() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    fn encoded(format: image::ImageFormat) -> Vec<u8> {
        let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            4,
            5,
            image::Rgb([120, 130, 140]),
        ));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn portrait_kinds() {
        let png = portrait_href(&encoded(image::ImageFormat::Png)).unwrap();
        assert!(png.starts_with("data:image/png;base64,"));
        let jpeg = portrait_href(&encoded(image::ImageFormat::Jpeg)).unwrap();
        assert!(jpeg.starts_with("data:image/jpeg;base64,"));
        let webp = portrait_href(&encoded(image::ImageFormat::WebP)).unwrap();
        assert!(webp.starts_with("data:image/webp;base64,"));
        // Right magic, broken body: no portrait, the placeholder stays.
        assert_eq!(portrait_href(b"\xFF\xD8\xFF\xE0broken"), None);
        assert_eq!(portrait_href(b"GIF89a"), None);
    }

    #[test]
    fn every_portrait_format_draws_in_every_output() {
        let renderer = CardRenderer::new().unwrap();
        let qr = QrMatrix::encode("HW1:TEST", hawiya_core::EccLevel::M).unwrap();
        for format in [
            image::ImageFormat::Png,
            image::ImageFormat::Jpeg,
            image::ImageFormat::WebP,
        ] {
            let mut card = crate::tests::sample_card();
            card.portrait = Some(encoded(format));
            assert!(
                renderer.svg_source(&card, &qr).contains("<image"),
                "{format:?}"
            );
            renderer.png(&card, &qr, MIN_PNG_DPI).unwrap();
            renderer.pdf(&card, &qr).unwrap();
        }
    }

    /// The box of every text element of `svg`, after layout by usvg.
    fn text_boxes(renderer: &CardRenderer, svg: &str) -> Vec<(usvg::Rect, String)> {
        fn walk(group: &usvg::Group, out: &mut Vec<(usvg::Rect, String)>) {
            for node in group.children() {
                match node {
                    usvg::Node::Group(g) => walk(g, out),
                    usvg::Node::Text(t) => {
                        let text = t.chunks().iter().map(|c| c.text().to_owned()).collect();
                        out.push((t.abs_bounding_box(), text));
                    }
                    _ => {}
                }
            }
        }
        let tree = renderer.tree(svg).unwrap();
        let mut out = Vec::new();
        walk(tree.root(), &mut out);
        // usvg reports CSS pixels; back to layout units.
        let px_per_unit = tree.size().width() / layout::CARD_W;
        out.into_iter()
            .map(|(r, text)| {
                let unit = |v: f32| v / px_per_unit;
                let r = usvg::Rect::from_ltrb(
                    unit(r.left()),
                    unit(r.top()),
                    unit(r.right()),
                    unit(r.bottom()),
                )
                .unwrap();
                (r, text)
            })
            .collect()
    }

    fn overlap(a: &usvg::Rect, b: &usvg::Rect) -> bool {
        // Half a unit (0.05 mm) of tolerance for touching glyph edges.
        a.left() + 0.5 < b.right()
            && b.left() + 0.5 < a.right()
            && a.top() + 0.5 < b.bottom()
            && b.top() + 0.5 < a.bottom()
    }

    /// Every text inside the card, none over another, none over the QR
    /// code, and only the placeholder's own words over the portrait.
    fn assert_laid_out_cleanly(card: &Card) {
        let renderer = CardRenderer::new().unwrap();
        let qr = QrMatrix::encode("HW1:TEST", hawiya_core::EccLevel::M).unwrap();
        let boxes = text_boxes(&renderer, &renderer.svg_source(card, &qr));
        assert!(boxes.len() > 20, "{}", boxes.len());
        let card_rect = usvg::Rect::from_xywh(0.0, 0.0, layout::CARD_W, layout::CARD_H).unwrap();
        let (qr_rect, portrait_rect) = layout::reserved_areas();
        let mut problems = Vec::new();
        for (i, (a, text)) in boxes.iter().enumerate() {
            if a.left() < card_rect.left() + 4.0
                || a.right() > card_rect.right() - 4.0
                || a.top() < 0.0
                || a.bottom() > card_rect.bottom()
            {
                problems.push(format!("{text:?} leaves the card: {a:?}"));
            }
            if overlap(a, &qr_rect) {
                problems.push(format!("{text:?} is over the QR code"));
            }
            if overlap(a, &portrait_rect)
                && (a.left() < portrait_rect.left() || a.right() > portrait_rect.right())
            {
                problems.push(format!("{text:?} crosses the portrait edge"));
            }
            for (b, other) in &boxes[i + 1..] {
                if overlap(a, b) {
                    problems.push(format!("{text:?} {a:?} overlaps {other:?} {b:?}"));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn ordinary_cards_are_laid_out_cleanly() {
        let mut card = crate::tests::sample_card();
        assert_laid_out_cleanly(&card);
        card.guardian = Some("1000000001".into());
        assert_laid_out_cleanly(&card);
    }

    #[test]
    fn the_longest_values_shrink_or_wrap_and_never_collide() {
        let mut card = crate::tests::sample_card();
        let long_en = "Abdulrahman Mohammed Abdullah Alqahtani Almutairi Alshammari Alharbi \
                       Alzahrani Alghamdi Aldosari Alotaibi Alanazi Alshehri Alsubaie Alharthy";
        let long_ar = "عبدالرحمن محمد عبدالله القحطاني المطيري الشمري الحربي الزهراني الغامدي";
        let cases: [(&str, String); 5] = [
            ("name_en", long_en.chars().take(160).collect()),
            ("name_ar", long_ar.to_owned()),
            ("name_en", "W".repeat(160)),
            ("name_ar", "م".repeat(80)),
            (
                "place_of_birth",
                "Al Madinah Al Munawwarah المدينة المنورة ".repeat(3),
            ),
        ];
        for (key, value) in cases {
            let key = hawiya_core::ClaimKey::from_name(key).unwrap();
            for f in card.fields.iter_mut().filter(|f| f.key == key) {
                f.value = value.trim().to_owned();
                f.direction = crate::TextDirection::of(&f.value);
            }
            assert_laid_out_cleanly(&card);
        }
        card.issuer = "Ministry of Interior, Civil Affairs Agency, Deputy Ministry ".repeat(2);
        assert_laid_out_cleanly(&card);
    }

    #[test]
    fn png_refuses_resolutions_out_of_range() {
        let renderer = CardRenderer::new().unwrap();
        let card = crate::tests::sample_card();
        let qr = QrMatrix::encode("HW1:TEST", hawiya_core::EccLevel::M).unwrap();
        for dpi in [0, MIN_PNG_DPI - 1, MAX_PNG_DPI + 1] {
            assert!(matches!(
                renderer.png(&card, &qr, dpi),
                Err(RenderError::Dpi { .. })
            ));
        }
    }
}
