//! The embedded fonts, and measuring text with them so every value is
//! shrunk or wrapped to fit its box instead of being cut off.
//!
//! Widths come from shaping with rustybuzz, the shaper usvg draws with, so
//! Arabic is measured joined, as it is drawn. Each character is measured in
//! the first font of the run's family list that has it, as usvg picks them.

use rustybuzz::{Face, UnicodeBuffer};

use super::RenderError;

/// Noto Sans (Latin, Greek, Cyrillic subset), regular.
pub(super) const NOTO_SANS_REGULAR: &[u8] = include_bytes!("../../fonts/NotoSans-Regular.ttf");
/// Noto Sans subset, bold.
pub(super) const NOTO_SANS_BOLD: &[u8] = include_bytes!("../../fonts/NotoSans-Bold.ttf");
/// Noto Naskh Arabic, regular.
pub(super) const NOTO_NASKH_REGULAR: &[u8] =
    include_bytes!("../../fonts/NotoNaskhArabic-Regular.ttf");
/// Noto Naskh Arabic, bold.
pub(super) const NOTO_NASKH_BOLD: &[u8] = include_bytes!("../../fonts/NotoNaskhArabic-Bold.ttf");

/// Every embedded font file.
pub(super) const FONT_FILES: [&[u8]; 4] = [
    NOTO_SANS_REGULAR,
    NOTO_SANS_BOLD,
    NOTO_NASKH_REGULAR,
    NOTO_NASKH_BOLD,
];

/// The family of Latin text (and the fallback of Arabic text).
pub(super) const LATIN_FAMILY: &str = "Noto Sans";
/// The family of Arabic text (and the fallback of Latin text).
pub(super) const ARABIC_FAMILY: &str = "Noto Naskh Arabic";

/// Right-to-left embedding and its end: wrapped around right-to-left text so
/// its digits and Latin words are ordered inside an Arabic paragraph (usvg
/// lays every text element out with a left-to-right paragraph level).
pub(super) const RLE: char = '\u{202B}';
/// Pop directional formatting, closing [`RLE`].
pub(super) const PDF: char = '\u{202C}';

/// How a piece of text is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Style {
    /// Bold weight.
    pub bold: bool,
    /// Arabic font first (right-to-left text), else Latin first.
    pub arabic_first: bool,
}

/// Text fitted into a box: the size chosen and its lines in logical order.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Fitted {
    pub size: f32,
    pub lines: Vec<String>,
    /// Distance between baselines.
    pub line_step: f32,
}

/// The shaping faces of the embedded fonts.
pub(super) struct Measurer {
    latin: [Face<'static>; 2],
    arabic: [Face<'static>; 2],
}

/// Height of the fonts' ascent above the baseline, in ems (1069/1000 in
/// both fonts).
pub(super) const ASCENT: f32 = 1.07;

/// Height of one line, ascent plus descent, as a multiple of the font size:
/// lines this far apart never overlap. Naskh descends deeper (634/1000)
/// than Noto Sans (293/1000), and any Arabic letter in the text brings it.
pub(super) fn line_height(style: Style, text: &str) -> f32 {
    if style.arabic_first || text.chars().any(crate::is_rtl_letter) {
        ASCENT + 0.64
    } else {
        ASCENT + 0.30
    }
}

impl Measurer {
    pub fn new() -> Result<Measurer, RenderError> {
        let face = |data: &'static [u8]| Face::from_slice(data, 0).ok_or(RenderError::Fonts);
        Ok(Measurer {
            latin: [face(NOTO_SANS_REGULAR)?, face(NOTO_SANS_BOLD)?],
            arabic: [face(NOTO_NASKH_REGULAR)?, face(NOTO_NASKH_BOLD)?],
        })
    }

    fn faces(&self, style: Style) -> (&Face<'static>, &Face<'static>) {
        let weight = usize::from(style.bold);
        if style.arabic_first {
            (&self.arabic[weight], &self.latin[weight])
        } else {
            (&self.latin[weight], &self.arabic[weight])
        }
    }

    /// Width of `text` set in `style` at size 1 (in ems).
    pub fn width(&self, text: &str, style: Style) -> f32 {
        let (first, second) = self.faces(style);
        // Runs of characters that take the same font, as usvg falls back.
        let mut total = 0.0;
        let mut run = String::new();
        let mut run_in_first = true;
        for c in text.chars().filter(|c| *c != RLE && *c != PDF) {
            let in_first = first.glyph_index(c).is_some() || second.glyph_index(c).is_none();
            if !run.is_empty() && in_first != run_in_first {
                total += shaped_width(if run_in_first { first } else { second }, &run);
                run.clear();
            }
            run_in_first = in_first;
            run.push(c);
        }
        if !run.is_empty() {
            total += shaped_width(if run_in_first { first } else { second }, &run);
        }
        total
    }

    /// The largest size from `nominal` down to `min` at which `text` fits a
    /// box of `width` × `height`, wrapping at spaces when one line is too
    /// long. Below `min`, a word wider than the box is broken between
    /// letters, and the size keeps shrinking until everything fits: nothing
    /// is ever cut off.
    pub fn fit(
        &self,
        text: &str,
        style: Style,
        width: f32,
        height: f32,
        nominal: f32,
        min: f32,
    ) -> Fitted {
        let lh = line_height(style, text);
        let em = self.width(text, style);
        let mut size = nominal;
        // Sizes step down by 4 %; a few dozen steps at most.
        while size >= min {
            if em * size <= width && fits(&[], size, lh, height) {
                return Fitted {
                    size,
                    lines: vec![text.to_owned()],
                    line_step: size * lh,
                };
            }
            let lines = self.wrap(text, style, width / size, false);
            if fits(&lines, size, lh, height)
                && lines.iter().all(|l| self.width(l, style) * size <= width)
            {
                return Fitted {
                    size,
                    lines,
                    line_step: size * lh,
                };
            }
            size *= 0.96;
        }
        let floor = 1.0_f32.max(min / 8.0);
        let mut size = min;
        loop {
            let lines = self.wrap(text, style, width / size, true);
            if size <= floor || fits(&lines, size, lh, height) {
                return Fitted {
                    size,
                    lines,
                    line_step: size * lh,
                };
            }
            size *= 0.92;
        }
    }

    /// Greedy line breaking at spaces to lines at most `max_em` wide; with
    /// `break_words`, a word wider than a line is split between characters.
    fn wrap(&self, text: &str, style: Style, max_em: f32, break_words: bool) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, style) <= max_em {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if break_words && self.width(word, style) > max_em {
                for c in word.chars() {
                    let mut longer = line.clone();
                    longer.push(c);
                    if !line.is_empty() && self.width(&longer, style) > max_em {
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    } else {
                        line = longer;
                    }
                }
            } else {
                line = word.to_owned();
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

fn fits(lines: &[String], size: f32, lh: f32, height: f32) -> bool {
    lines.len().max(1) as f32 * size * lh <= height
}

fn shaped_width(face: &Face<'_>, text: &str) -> f32 {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(face, &[], buffer);
    let advance: i64 = shaped
        .glyph_positions()
        .iter()
        .map(|p| i64::from(p.x_advance))
        .sum();
    advance as f32 / face.units_per_em().max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    const LATIN: Style = Style {
        bold: false,
        arabic_first: false,
    };
    const ARABIC: Style = Style {
        bold: false,
        arabic_first: true,
    };

    #[test]
    fn widths_grow_with_text_and_join_arabic() {
        let m = Measurer::new().unwrap();
        let one = m.width("Mohammed", LATIN);
        let two = m.width("Mohammed Mohammed", LATIN);
        assert!(one > 2.0 && two > 2.0 * one, "{one} {two}");
        // Joined (initial/medial/final) forms are narrower than the isolated
        // letters side by side.
        let joined = m.width("محمد", ARABIC);
        let isolated: f32 = "محمد"
            .chars()
            .map(|c| m.width(&c.to_string(), ARABIC))
            .sum();
        assert!(joined > 0.5 && joined < isolated, "{joined} {isolated}");
        assert_eq!(m.width(&format!("{RLE}محمد{PDF}"), ARABIC), joined);
    }

    #[test]
    fn short_text_keeps_its_size() {
        let m = Measurer::new().unwrap();
        let f = m.fit("Riyadh", LATIN, 200.0, 30.0, 20.0, 10.0);
        assert_eq!((f.size, f.lines.len()), (20.0, 1));
    }

    #[test]
    fn long_text_shrinks_then_wraps_and_always_fits() {
        let m = Measurer::new().unwrap();
        let long = "Abdulrahman Mohammed Abdullah Alqahtani Almutairi Alshammari Alharbi";
        let f = m.fit(long, LATIN, 300.0, 50.0, 20.0, 10.0);
        assert!(f.size < 20.0 && f.lines.len() >= 2, "{f:?}");
        for line in &f.lines {
            assert!(m.width(line, LATIN) * f.size <= 300.0, "{line}");
        }
        assert_eq!(f.lines.join(" "), long);
        // One endless word: broken between letters, still inside the box.
        let word = "W".repeat(160);
        let f = m.fit(&word, LATIN, 300.0, 40.0, 20.0, 10.0);
        assert_eq!(f.lines.concat(), word);
        for line in &f.lines {
            assert!(m.width(line, LATIN) * f.size <= 300.0, "{line}");
        }
        assert!(
            fits(&f.lines, f.size, line_height(LATIN, &word), 40.0),
            "{f:?}"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever the text and the box, every line fits the box's width,
        /// the lines fit its height (unless the size hit its floor), and no
        /// character is lost.
        #[test]
        fn any_text_fits_any_box(
            text in "[a-zA-Z0-9 .'\\-\u{0621}-\u{064A}]{1,120}",
            width in 60.0f32..600.0,
            height in 18.0f32..80.0,
            arabic_first in proptest::bool::ANY,
            bold in proptest::bool::ANY,
        ) {
            let m = Measurer::new().unwrap();
            let style = Style { bold, arabic_first };
            let f = m.fit(&text, style, width, height, 20.0, 10.0);
            for line in &f.lines {
                proptest::prop_assert!(m.width(line, style) * f.size <= width * 1.0001, "{line:?} at {}", f.size);
            }
            let floor = 10.0 / 8.0;
            proptest::prop_assert!(f.size <= floor * 1.0001 || fits(&f.lines, f.size, line_height(style, &text), height * 1.0001));
            let squeeze = |s: &str| s.chars().filter(|c| *c != ' ').collect::<String>();
            proptest::prop_assert_eq!(squeeze(&f.lines.concat()), squeeze(&text));
        }
    }
}
