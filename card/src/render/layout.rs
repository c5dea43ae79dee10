//! The card drawn as SVG text: where each label, value, the portrait and
//! the QR code go on an ID-1 card, and the A4 page around it for print.
//!
//! Coordinates are tenths of a millimetre: the card is 856 × 539.8 units
//! (85.60 × 53.98 mm, ISO/IEC 7810 ID-1), the page 2100 × 2970 (A4).

use std::fmt::Write as _;

use super::text::{Fitted, Measurer, Style, ARABIC_FAMILY, ASCENT, LATIN_FAMILY, PDF, RLE};
use crate::{Card, CardField, CardStatus, TextDirection};
use hawiya_core::ClaimKey;
use hawiya_core::{QrMatrix, QUIET_ZONE_MODULES};

/// Card width in layout units (0.1 mm).
pub(super) const CARD_W: f32 = 856.0;
/// Card height in layout units (0.1 mm).
pub(super) const CARD_H: f32 = 539.8;
/// Corner radius of an ID-1 card (3.18 mm).
const CARD_RADIUS: f32 = 31.8;
const PAGE_W: f32 = 2100.0;
const PAGE_H: f32 = 2970.0;

const INK: &str = "#1b2a24";
const MUTED: &str = "#5b6b64";
const ACCENT: &str = "#0f5e47";
const PAPER: &str = "#f6faf7";

const HEADER_H: f32 = 84.0;
/// Left column: portrait above, QR code below.
const COL_X: f32 = 24.0;
const COL_W: f32 = 226.0;
const PORTRAIT_W: f32 = 147.0;
const PORTRAIT_H: f32 = 184.0;
const PORTRAIT_Y: f32 = 96.0;
const QR_Y: f32 = 306.0;
/// Fields area.
const FIELDS_X0: f32 = 272.0;
const FIELDS_X1: f32 = 832.0;
const CELL_GAP: f32 = 18.0;
const GRID_Y: f32 = 224.0;
const ROW_H: f32 = 61.0;
const GRID_ROWS: usize = 5;
const LABEL_SIZE: f32 = 12.5;
const VALUE_SIZE: f32 = 18.0;
const MIN_SIZE: f32 = 10.0;

/// The QR code's square and the portrait's frame, where no card text may go
/// (bar the placeholder's own words inside the frame).
#[cfg(test)]
pub(super) fn reserved_areas() -> (usvg::Rect, usvg::Rect) {
    let px = COL_X + (COL_W - PORTRAIT_W) / 2.0;
    let qr = usvg::Rect::from_xywh(COL_X, QR_Y, COL_W, COL_W);
    let portrait = usvg::Rect::from_xywh(px, PORTRAIT_Y, PORTRAIT_W, PORTRAIT_H);
    match (qr, portrait) {
        (Some(q), Some(p)) => (q, p),
        _ => panic!("reserved areas are not rectangles"),
    }
}

/// Where text is anchored horizontally.
#[derive(Clone, Copy)]
enum Anchor {
    Start,
    End,
    Middle,
}

/// An SVG fragment under construction.
struct Svg<'m> {
    out: String,
    measurer: &'m Measurer,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn style_for(direction: TextDirection, bold: bool) -> Style {
    Style {
        bold,
        arabic_first: direction == TextDirection::Rtl,
    }
}

impl Svg<'_> {
    /// One line of text with its baseline at `y`.
    fn line(
        &mut self,
        (x, y): (f32, f32),
        size: f32,
        style: Style,
        anchor: Anchor,
        fill: &str,
        text: &str,
    ) {
        let families = if style.arabic_first {
            format!("{ARABIC_FAMILY}, {LATIN_FAMILY}")
        } else {
            format!("{LATIN_FAMILY}, {ARABIC_FAMILY}")
        };
        let anchor = match anchor {
            Anchor::Start => "start",
            Anchor::End => "end",
            Anchor::Middle => "middle",
        };
        let weight = if style.bold { "bold" } else { "normal" };
        let content = if style.arabic_first {
            format!("{RLE}{}{PDF}", escape(text))
        } else {
            escape(text)
        };
        let _ = writeln!(
            self.out,
            r#"<text x="{x:.1}" y="{y:.1}" font-family="{families}" font-size="{size:.2}" font-weight="{weight}" fill="{fill}" text-anchor="{anchor}" xml:space="preserve">{content}</text>"#
        );
    }

    /// Text fitted into the box from `top` of `width` × `height`, aligned
    /// to `x` (left edge for left-to-right, right edge for right-to-left).
    fn boxed(
        &mut self,
        (x, top, width, height): (f32, f32, f32, f32),
        nominal: f32,
        style: Style,
        fill: &str,
        text: &str,
    ) {
        let fitted: Fitted =
            self.measurer
                .fit(text, style, width, height, nominal, MIN_SIZE.min(nominal));
        let anchor = if style.arabic_first {
            Anchor::End
        } else {
            Anchor::Start
        };
        let mut y = top + fitted.size * ASCENT;
        for line in &fitted.lines {
            self.line((x, y), fitted.size, style, anchor, fill, line);
            y += fitted.line_step;
        }
    }

    fn rect(&mut self, (x, y, w, h): (f32, f32, f32, f32), r: f32, fill: &str, extra: &str) {
        let _ = writeln!(
            self.out,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="{r:.1}" fill="{fill}" {extra}/>"#
        );
    }
}

/// Cells of the grid under the names, two per row.
enum Cell<'c> {
    Field(&'c CardField),
    Status(CardStatus),
    Guardian(&'c str),
    Version(u32),
}

fn cells(card: &Card) -> Vec<Cell<'_>> {
    let field = |key| card.field(key).map(Cell::Field);
    let mut cells: Vec<Cell<'_>> = [
        ClaimKey::DocumentNumber,
        ClaimKey::Nationality,
        ClaimKey::BirthDate,
        ClaimKey::Sex,
        ClaimKey::PlaceOfBirth,
        ClaimKey::Occupation,
        ClaimKey::Employer,
    ]
    .into_iter()
    .filter_map(field)
    .collect();
    cells.push(Cell::Status(card.status));
    cells.extend(field(ClaimKey::IssueDate));
    cells.extend(field(ClaimKey::ExpiryDate));
    if let Some(g) = &card.guardian {
        cells.push(Cell::Guardian(g));
    }
    if cells.len() % 2 == 1 {
        cells.push(Cell::Version(card.document_version));
    }
    cells.truncate(GRID_ROWS * 2);
    cells
}

const LTR: Style = Style {
    bold: false,
    arabic_first: false,
};
const RTL: Style = Style {
    bold: false,
    arabic_first: true,
};

/// The card's drawing, in card units, without the `<svg>` element: used on
/// its own and placed on the A4 page.
pub(super) fn card_body(
    card: &Card,
    qr: &QrMatrix,
    portrait_href: Option<&str>,
    measurer: &Measurer,
) -> String {
    let mut s = Svg {
        out: String::with_capacity(16 * 1024),
        measurer,
    };
    let px = COL_X + (COL_W - PORTRAIT_W) / 2.0;
    let _ = writeln!(
        s.out,
        r#"<defs><clipPath id="card-edge"><rect width="{CARD_W}" height="{CARD_H}" rx="{CARD_RADIUS}"/></clipPath><clipPath id="portrait-edge"><rect x="{px:.1}" y="{PORTRAIT_Y}" width="{PORTRAIT_W}" height="{PORTRAIT_H}" rx="8"/></clipPath></defs>"#
    );
    let _ = writeln!(s.out, r#"<g clip-path="url(#card-edge)">"#);
    s.rect((0.0, 0.0, CARD_W, CARD_H), 0.0, PAPER, "");
    // Fine background lines, as on printed cards.
    for i in 0..9 {
        let r = 150.0 + 26.0 * i as f32;
        let _ = writeln!(
            s.out,
            r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}" fill="none" stroke="#e1ede6" stroke-width="1.4"/>"##,
            cx = CARD_W - 40.0,
            cy = CARD_H + 40.0,
        );
    }
    s.rect((0.0, 0.0, CARD_W, HEADER_H), 0.0, ACCENT, "");
    s.rect((0.0, HEADER_H, CARD_W, 4.0), 0.0, "#c9a227", "");
    header(&mut s, card);
    portrait(&mut s, portrait_href, px);
    qr_code(&mut s, qr);
    names(&mut s, card);
    grid(&mut s, card);
    let _ = writeln!(s.out, "</g>");
    let _ = writeln!(
        s.out,
        r##"<rect x="0.5" y="0.5" width="{w}" height="{h}" rx="{CARD_RADIUS}" fill="none" stroke="#9fb5aa" stroke-width="1"/>"##,
        w = CARD_W - 1.0,
        h = CARD_H - 1.0
    );
    s.out
}

fn header(s: &mut Svg<'_>, card: &Card) {
    let half = CARD_W / 2.0 - 40.0;
    let bold_ltr = Style { bold: true, ..LTR };
    let bold_rtl = Style { bold: true, ..RTL };
    s.boxed(
        (28.0, 14.0, half, 34.0),
        26.0,
        bold_ltr,
        "#ffffff",
        &card.title_en,
    );
    s.boxed((28.0, 52.0, half, 22.0), 14.0, LTR, "#d7ebe2", &card.issuer);
    s.boxed(
        (CARD_W - 28.0, 4.0, half, 47.0),
        27.0,
        bold_rtl,
        "#ffffff",
        &card.title_ar,
    );
    s.boxed(
        (CARD_W - 28.0, 52.0, half, 28.0),
        15.0,
        RTL,
        "#d7ebe2",
        "نسخة رقمية من المحفظة",
    );
}

fn portrait(s: &mut Svg<'_>, href: Option<&str>, px: f32) {
    // The placeholder is always drawn; a portrait covers it, and one that
    // cannot be decoded leaves the placeholder visible.
    s.rect((px, PORTRAIT_Y, PORTRAIT_W, PORTRAIT_H), 8.0, "#dfe7e3", "");
    let cx = px + PORTRAIT_W / 2.0;
    let _ = writeln!(
        s.out,
        r##"<g clip-path="url(#portrait-edge)" fill="#b4c3bb"><circle cx="{cx:.1}" cy="{cy:.1}" r="33"/><path d="M{l:.1} {b:.1} C{l:.1} {t:.1} {r:.1} {t:.1} {r:.1} {b:.1} Z"/></g>"##,
        cy = PORTRAIT_Y + 66.0,
        l = cx - 58.0,
        r = cx + 58.0,
        t = PORTRAIT_Y + 98.0,
        b = PORTRAIT_Y + PORTRAIT_H + 30.0,
    );
    if let Some(href) = href {
        let _ = writeln!(
            s.out,
            r#"<image x="{px:.1}" y="{PORTRAIT_Y}" width="{PORTRAIT_W}" height="{PORTRAIT_H}" preserveAspectRatio="xMidYMid slice" clip-path="url(#portrait-edge)" href="{href}"/>"#
        );
    } else {
        s.line(
            (cx, PORTRAIT_Y + PORTRAIT_H - 28.0),
            11.0,
            LTR,
            Anchor::Middle,
            MUTED,
            "No photo",
        );
        s.line(
            (cx, PORTRAIT_Y + PORTRAIT_H - 9.0),
            12.0,
            RTL,
            Anchor::Middle,
            MUTED,
            "لا توجد صورة",
        );
    }
    s.rect(
        (px, PORTRAIT_Y, PORTRAIT_W, PORTRAIT_H),
        8.0,
        "none",
        r##"stroke="#9fb5aa" stroke-width="1.5""##,
    );
    let caption_y = QR_Y - 8.0;
    s.line(
        (COL_X, caption_y),
        11.0,
        LTR,
        Anchor::Start,
        MUTED,
        "Scan to verify",
    );
    s.line(
        (COL_X + COL_W, caption_y),
        12.0,
        RTL,
        Anchor::End,
        MUTED,
        "امسح للتحقق",
    );
}

fn qr_code(s: &mut Svg<'_>, qr: &QrMatrix) {
    let modules = qr.width() + 2 * QUIET_ZONE_MODULES;
    let unit = COL_W / modules as f32;
    s.rect((COL_X, QR_Y, COL_W, COL_W), 4.0, "#ffffff", "");
    let mut d = String::new();
    let origin_x = COL_X + unit * QUIET_ZONE_MODULES as f32;
    let origin_y = QR_Y + unit * QUIET_ZONE_MODULES as f32;
    for y in 0..qr.width() {
        let mut x = 0;
        while x < qr.width() {
            if !qr.is_dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < qr.width() && qr.is_dark(x, y) {
                x += 1;
            }
            let _ = write!(
                d,
                "M{:.3} {:.3}h{:.3}v{:.3}h-{:.3}z",
                origin_x + start as f32 * unit,
                origin_y + y as f32 * unit,
                (x - start) as f32 * unit,
                unit,
                (x - start) as f32 * unit
            );
        }
    }
    let _ = writeln!(
        s.out,
        r##"<path d="{d}" fill="#000000" shape-rendering="crispEdges"/>"##
    );
}

fn labels(s: &mut Svg<'_>, x0: f32, x1: f32, baseline: f32, en: &str, ar: &str) {
    let half = (x1 - x0) / 2.0 - 4.0;
    let size_en = fit_line(s.measurer, en, LTR, half, LABEL_SIZE);
    let size_ar = fit_line(s.measurer, ar, RTL, half, LABEL_SIZE);
    s.line((x0, baseline), size_en, LTR, Anchor::Start, MUTED, en);
    s.line((x1, baseline), size_ar, RTL, Anchor::End, MUTED, ar);
}

/// The size at which one line of `text` fits `width`, at most `nominal`.
fn fit_line(m: &Measurer, text: &str, style: Style, width: f32, nominal: f32) -> f32 {
    let em = m.width(text, style);
    if em * nominal <= width {
        nominal
    } else {
        width / em.max(f32::EPSILON)
    }
}

fn names(s: &mut Svg<'_>, card: &Card) {
    let (x0, x1) = (FIELDS_X0, FIELDS_X1);
    let width = x1 - x0;
    if let Some(ar) = card.field(ClaimKey::NameAr) {
        labels(s, x0, x1, 108.0, "Name", &ar.label_ar);
        let style = Style {
            bold: true,
            ..style_for(ar.direction, true)
        };
        let x = if ar.direction == TextDirection::Rtl {
            x1
        } else {
            x0
        };
        s.boxed((x, 117.0, width, 44.0), 25.0, style, INK, &ar.value);
    }
    if let Some(en) = card.field(ClaimKey::NameEn) {
        let style = style_for(en.direction, true);
        let x = if en.direction == TextDirection::Rtl {
            x1
        } else {
            x0
        };
        s.boxed((x, 162.0, width, 45.0), 21.0, style, INK, &en.value);
    }
    let _ = writeln!(
        s.out,
        r##"<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#c5d5cc" stroke-width="1.2"/>"##,
        y = GRID_Y - 8.0
    );
}

fn grid(s: &mut Svg<'_>, card: &Card) {
    let cell_w = (FIELDS_X1 - FIELDS_X0 - CELL_GAP) / 2.0;
    for (i, cell) in cells(card).iter().enumerate() {
        let x0 = FIELDS_X0 + (i % 2) as f32 * (cell_w + CELL_GAP);
        let x1 = x0 + cell_w;
        let top = GRID_Y + (i / 2) as f32 * ROW_H;
        let label_baseline = top + LABEL_SIZE * ASCENT;
        let value_top = top + 22.0;
        let value_h = ROW_H - 22.0;
        match cell {
            Cell::Field(f) => {
                labels(s, x0, x1, label_baseline, &f.label_en, &f.label_ar);
                let bold = f.key == ClaimKey::DocumentNumber;
                let nominal = if bold { VALUE_SIZE + 3.0 } else { VALUE_SIZE };
                let second = f.value_hijri.as_deref().or(f.value_ar.as_deref());
                match (second, f.direction) {
                    (Some(ar), TextDirection::Ltr) => {
                        // Two values side by side: Gregorian (or English)
                        // on the left, Hijri (or Arabic) on the right.
                        let half = cell_w / 2.0 - 4.0;
                        s.boxed(
                            (x0, value_top, half, value_h),
                            nominal,
                            Style { bold, ..LTR },
                            INK,
                            &f.value,
                        );
                        s.boxed((x1, value_top, half, value_h), nominal, RTL, INK, ar);
                    }
                    (_, direction) => {
                        let x = if direction == TextDirection::Rtl {
                            x1
                        } else {
                            x0
                        };
                        let style = Style {
                            bold,
                            ..style_for(direction, bold)
                        };
                        s.boxed(
                            (x, value_top, cell_w, value_h),
                            nominal,
                            style,
                            INK,
                            &f.value,
                        );
                    }
                }
            }
            Cell::Status(status) => {
                labels(s, x0, x1, label_baseline, "Status", "الحالة");
                let color = match status {
                    CardStatus::Valid => "#13804f",
                    CardStatus::Expired => "#b3261e",
                    CardStatus::NotYetValid => "#9a6700",
                };
                let half = cell_w / 2.0 - 4.0;
                let bold_ltr = Style { bold: true, ..LTR };
                let bold_rtl = Style { bold: true, ..RTL };
                s.boxed(
                    (x0, value_top, half, value_h),
                    VALUE_SIZE,
                    bold_ltr,
                    color,
                    status.label_en(),
                );
                s.boxed(
                    (x1, value_top, half, value_h),
                    VALUE_SIZE,
                    bold_rtl,
                    color,
                    status.label_ar(),
                );
            }
            Cell::Guardian(number) => {
                labels(
                    s,
                    x0,
                    x1,
                    label_baseline,
                    "Guardian ID",
                    "رقم هوية ولي الأمر",
                );
                s.boxed(
                    (x0, value_top, cell_w, value_h),
                    VALUE_SIZE,
                    LTR,
                    INK,
                    number,
                );
            }
            Cell::Version(version) => {
                labels(s, x0, x1, label_baseline, "Version", "الإصدار");
                s.boxed(
                    (x0, value_top, cell_w, value_h),
                    VALUE_SIZE,
                    LTR,
                    INK,
                    &version.to_string(),
                );
            }
        }
    }
}

/// A standalone SVG document of the card at true size.
pub(super) fn card_document(body: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="85.6mm" height="53.98mm" viewBox="0 0 {CARD_W} {CARD_H}">
{body}</svg>
"#
    )
}

/// What the printed page says about checking the copy.
const NOTE_EN: [&str; 3] = [
    "How to check this printed copy",
    "The QR code on this card is signed by the issuer. Scan it with a hawiya verifier (for example `hawiya verify --image`); it checks the signature and the revocation list offline, without a network.",
    "A printed copy carries a static code: it proves the data was issued, not that the person showing the paper is its holder. Compare the photo and the name with the person, and prefer the code on the holder's phone, which is bound to their device.",
];
const NOTE_AR: [&str; 3] = [
    "طريقة التحقق من هذه النسخة المطبوعة",
    "رمز الاستجابة السريعة على هذه البطاقة موقّع من الجهة المُصدِرة. امسحه بتطبيق تحقق هوية ليتحقق من التوقيع ومن قائمة الإلغاء دون اتصال بالإنترنت.",
    "النسخة المطبوعة تحمل رمزاً ثابتاً: يثبت أن البيانات صادرة عن الجهة المُصدِرة، ولا يثبت أن من يحمل الورقة هو صاحبها. قارن الصورة والاسم بالشخص، وقدّم الرمز الذي يعرضه هاتف صاحب الهوية لأنه مرتبط بجهازه.",
];

/// The A4 page: the card at true size with a cutting line, and the note on
/// how the printed copy can be checked, in English and Arabic.
pub(super) fn page_document(body: &str, measurer: &Measurer) -> String {
    let mut s = Svg {
        out: String::with_capacity(body.len() + 8 * 1024),
        measurer,
    };
    let _ = writeln!(
        s.out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 {PAGE_W} {PAGE_H}">"#
    );
    s.rect((0.0, 0.0, PAGE_W, PAGE_H), 0.0, "#ffffff", "");
    let margin = 200.0;
    let width = PAGE_W - 2.0 * margin;
    s.boxed(
        (margin, 170.0, width, 60.0),
        44.0,
        Style { bold: true, ..LTR },
        INK,
        "Printed copy of a digital ID",
    );
    s.boxed(
        (PAGE_W - margin, 240.0, width, 80.0),
        48.0,
        Style { bold: true, ..RTL },
        INK,
        "نسخة مطبوعة من هوية رقمية",
    );
    let card_x = (PAGE_W - CARD_W) / 2.0;
    let card_y = 400.0;
    let _ = writeln!(
        s.out,
        r##"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="{r:.1}" fill="none" stroke="#888888" stroke-width="2" stroke-dasharray="14 10"/>"##,
        x = card_x - 12.0,
        y = card_y - 12.0,
        w = CARD_W + 24.0,
        h = CARD_H + 24.0,
        r = CARD_RADIUS + 12.0,
    );
    let _ = writeln!(
        s.out,
        r#"<g transform="translate({card_x:.1} {card_y:.1})">"#
    );
    s.out.push_str(body);
    let _ = writeln!(s.out, "</g>");
    s.boxed(
        (card_x, card_y + CARD_H + 24.0, CARD_W, 40.0),
        24.0,
        LTR,
        MUTED,
        "Cut along the dashed line. Actual size: 85.60 × 53.98 mm.",
    );
    s.boxed(
        (card_x + CARD_W, card_y + CARD_H + 64.0, CARD_W, 50.0),
        26.0,
        RTL,
        MUTED,
        "قصّ على الخط المتقطع. المقاس الفعلي ٨٥٫٦٠ × ٥٣٫٩٨ مم.",
    );
    let mut y = 1180.0;
    for (i, text) in NOTE_EN.iter().enumerate() {
        let (size, style, height) = if i == 0 {
            (36.0, Style { bold: true, ..LTR }, 50.0)
        } else {
            (30.0, LTR, 200.0)
        };
        let fitted = s.measurer.fit(text, style, width, height, size, size);
        s.boxed((margin, y, width, height), size, style, INK, text);
        y += fitted.lines.len() as f32 * fitted.line_step + 24.0;
    }
    y += 40.0;
    for (i, text) in NOTE_AR.iter().enumerate() {
        let (size, style, height) = if i == 0 {
            (38.0, Style { bold: true, ..RTL }, 64.0)
        } else {
            (32.0, RTL, 260.0)
        };
        let fitted = s.measurer.fit(text, style, width, height, size, size);
        s.boxed((PAGE_W - margin, y, width, height), size, style, INK, text);
        y += fitted.lines.len() as f32 * fitted.line_step + 24.0;
    }
    let _ = writeln!(s.out, "</svg>");
    s.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_in_user_text() {
        assert_eq!(
            escape(r#"<a & "b">'"#),
            "&lt;a &amp; &quot;b&quot;&gt;&apos;"
        );
    }
}
