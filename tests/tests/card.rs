//! The ID card end to end: Hijri dates against an independent Umm al-Qura
//! table, and the card's QR code read back from the rasterised PNG and PDF
//! and verified as a static presentation.

use hawiya_card::{
    Card, CardRenderer, CardStatus, HijriDate, TextDirection, CARD_HEIGHT_MM, CARD_WIDTH_MM,
    DEFAULT_PNG_DPI,
};
use hawiya_core::{
    decode_png, ClaimKey, Claims, Date, Disclosure, EccLevel, Mode, Presentation, QrMatrix,
    Verifier, Warning,
};
use hawiya_tests::*;

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

fn hijri(text: &str) -> HijriDate {
    let parts: Vec<&str> = text.split('-').collect();
    HijriDate {
        year: parts[0].parse().unwrap(),
        month: parts[1].parse().unwrap(),
        day: parts[2].parse().unwrap(),
    }
}

#[test]
fn hijri_dates_match_the_umm_al_qura_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/hijri-vectors.json");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let pairs = doc["pairs"].as_array().unwrap();
    assert!(pairs.len() >= 20, "too few vectors: {}", pairs.len());
    let mut years = std::collections::BTreeSet::new();
    let mut month_ends = 0;
    for pair in pairs {
        let expected = hijri(pair[0].as_str().unwrap());
        let gregorian = day(pair[1].as_str().unwrap());
        let month_end = pair[2].as_bool().unwrap();
        assert_eq!(
            HijriDate::from_gregorian(gregorian),
            expected,
            "{gregorian} should be {expected} AH"
        );
        if month_end {
            // The next day starts the next month: the month length is right.
            month_ends += 1;
            let next = Date::from_days_since_epoch(gregorian.days_since_epoch() + 1).unwrap();
            let after = HijriDate::from_gregorian(next);
            assert_eq!(after.day, 1, "{next} should start a month, got {after}");
            assert!((29..=30).contains(&expected.day), "{expected}");
        }
        years.insert(expected.year);
    }
    assert_eq!(years.first(), Some(&1440));
    assert_eq!(years.last(), Some(&1450));
    assert!(month_ends >= 20, "{month_ends} month ends");
}

/// Reads the QR code in `png` and verifies it: it must be a static
/// presentation of the document, accepted with the lower-assurance warning.
fn verify_static_qr(png: &[u8], claims: &Claims) {
    let text = decode_png(png).unwrap_or_else(|e| {
        // Keep the image for a look when it does not read.
        let kept =
            std::env::temp_dir().join(format!("hawiya-card-unread-{}.png", std::process::id()));
        let _ = std::fs::write(&kept, png);
        panic!(
            "the card's QR code does not read back ({e}); image kept at {}",
            kept.display()
        )
    });
    let verdict = Verifier::new(trust_list(), Default::default()).verify(&text, PRESENTED_AT, None);
    assert!(verdict.is_accepted(), "{:?}", verdict.failures);
    assert_eq!(verdict.mode, Some(Mode::Static));
    assert_eq!(verdict.assurance, Some(hawiya_core::Assurance::Printed));
    assert!(verdict.warnings.contains(&Warning::StaticLowerAssurance));
    let number = verdict
        .claims
        .iter()
        .find(|(k, _)| *k == ClaimKey::DocumentNumber)
        .map(|(_, v)| v.display());
    assert_eq!(number, Some(claims.document_number.to_string()));
}

/// The card of `claims` and the QR matrix of its print credential's static
/// presentation.
fn card_and_qr(claims: &Claims) -> (Card, QrMatrix) {
    let held = issue(claims, 0);
    let today = Date::from_unix(PRESENTED_AT).unwrap();
    let card = Card::from_held(&held, today);
    let print = issue_print(claims, None, 1);
    let printed = Presentation::static_form(&print, &Disclosure::Full).unwrap();
    let qr = QrMatrix::encode(&printed.qr_text(), EccLevel::M).unwrap();
    (card, qr)
}

/// A 60 × 75 portrait: a darker oval on grey, as a stand-in photo.
fn portrait_png() -> Vec<u8> {
    let (w, h) = (60u32, 75u32);
    let mut pixels = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f32 - 30.0, y as f32 - 30.0);
            pixels.push(if dx * dx / 400.0 + dy * dy / 576.0 <= 1.0 {
                90
            } else {
                200
            });
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&pixels).unwrap();
    }
    out
}

/// The fixture national ID with a real portrait.
fn national_id_with_portrait() -> Claims {
    Claims {
        portrait: Some(portrait_png()),
        ..national_id()
    }
}

fn png_size(png: &[u8]) -> (u32, u32) {
    let reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap();
    let info = reader.info();
    (info.width, info.height)
}

#[test]
fn the_png_card_is_true_size_and_its_qr_verifies_as_static() {
    let renderer = CardRenderer::new().unwrap();
    for claims in [national_id_with_portrait(), resident_permit()] {
        let (card, qr) = card_and_qr(&claims);
        assert_eq!(card.status, CardStatus::Valid);
        let png = renderer.png(&card, &qr, DEFAULT_PNG_DPI).unwrap();
        let (w, h) = png_size(&png);
        let expect = |mm: f32| (mm / 25.4 * DEFAULT_PNG_DPI as f32).round() as i64;
        assert!((i64::from(w) - expect(CARD_WIDTH_MM)).abs() <= 1, "{w}");
        assert!((i64::from(h) - expect(CARD_HEIGHT_MM)).abs() <= 1, "{h}");
        verify_static_qr(&png, &claims);
    }
}

/// Page 1 of `pdf` rasterised at `dpi` by an independent PDF renderer,
/// poppler's `pdftoppm` (Debian's poppler-utils, which `scripts/setup.sh
/// rust` installs): width, height and 8-bit grey pixels.
fn rasterise_page(pdf: &[u8], dpi: u32) -> (usize, usize, Vec<u8>) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = match Command::new("pdftoppm")
        .args(["-gray", "-singlefile", "-f", "1", "-l", "1", "-r"])
        .arg(dpi.to_string())
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!(
            "cannot run pdftoppm ({e}): the printed card's QR check needs poppler-utils; \
             run scripts/setup.sh rust (or apt-get install poppler-utils)"
        ),
    };
    let mut stdin = child.stdin.take().unwrap();
    let input = pdf.to_vec();
    // Write from another thread: pdftoppm may fill its output pipe first.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "pdftoppm could not read the PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (pw, ph, grey) = parse_pgm(&out.stdout);
    (pw, ph, grey.to_vec())
}

/// The card's area of page 1 (where the page layout puts it) as a
/// black-and-white PNG, plus the page size in pixels.
fn rasterise_card_from_pdf(pdf: &[u8], dpi: u32) -> (Vec<u8>, (usize, usize)) {
    let (pw, ph, grey_page) = rasterise_page(pdf, dpi);
    // The page puts the card 62.2 mm from the left and 40 mm from the top;
    // take a margin of 3 mm around it.
    let px = |mm: f32| (mm / 25.4 * dpi as f32).round() as usize;
    let (x0, y0) = (px(62.2 - 3.0), px(40.0 - 3.0));
    let (x1, y1) = (
        px(62.2 + CARD_WIDTH_MM + 3.0).min(pw),
        px(40.0 + CARD_HEIGHT_MM + 3.0).min(ph),
    );
    let mut grey = Vec::with_capacity((x1 - x0) * (y1 - y0));
    for y in y0..y1 {
        for x in x0..x1 {
            // Black or white, as a scanner thresholds.
            grey.push(if grey_page[y * pw + x] < 128 { 0 } else { 255 });
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, (x1 - x0) as u32, (y1 - y0) as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&grey).unwrap();
    }
    (out, (pw, ph))
}

/// Width, height and pixels of a binary 8-bit greymap (PGM `P5`), as
/// `pdftoppm -gray` writes it.
fn parse_pgm(bytes: &[u8]) -> (usize, usize, &[u8]) {
    // Header: "P5", width, height, maxval, each after whitespace; then one
    // whitespace byte and the pixels.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..i]).unwrap());
    }
    assert_eq!(fields[0], "P5", "not a binary greymap");
    assert_eq!(fields[3], "255", "not 8 bits per pixel");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &bytes[i + 1..];
    assert_eq!(pixels.len(), w * h, "greymap truncated");
    (w, h, pixels)
}

#[test]
fn the_pdf_is_a4_and_its_rasterised_qr_verifies_as_static() {
    let renderer = CardRenderer::new().unwrap();
    let claims = national_id_with_portrait();
    let (card, qr) = card_and_qr(&claims);
    let pdf = renderer.pdf(&card, &qr).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let dpi = 400;
    let (png, (w, h)) = rasterise_card_from_pdf(&pdf, dpi);
    // A4 is 595.28 × 841.89 points: at 400 dpi, 3307 × 4677 pixels.
    let pixels = |points: f64| (points / 72.0 * f64::from(dpi)).round() as i64;
    assert!(
        (w as i64 - pixels(595.28)).abs() <= 1 && (h as i64 - pixels(841.89)).abs() <= 1,
        "{w} x {h} pixels at {dpi} dpi"
    );
    verify_static_qr(&png, &claims);
}

#[test]
fn a_card_without_portrait_draws_the_placeholder() {
    let renderer = CardRenderer::new().unwrap();
    let mut claims = national_id();
    claims.portrait = None;
    let (card, qr) = card_and_qr(&claims);
    assert_eq!(card.portrait, None);
    let source = renderer.svg_source(&card, &qr);
    assert!(source.contains("No photo") && source.contains("لا توجد صورة"));
    assert!(!source.contains("<image"));
    let with_portrait = card_and_qr(&national_id_with_portrait()).0;
    let source = renderer.svg_source(&with_portrait, &qr);
    assert!(source.contains("<image") && source.contains("data:image/png;base64,"));
    assert!(!source.contains("No photo"));
    // Both still draw and verify.
    verify_static_qr(&renderer.png(&card, &qr, DEFAULT_PNG_DPI).unwrap(), &claims);
}

#[test]
fn the_published_svg_has_no_text_elements_and_needs_no_fonts() {
    let renderer = CardRenderer::new().unwrap();
    let (card, qr) = card_and_qr(&national_id_with_portrait());
    let svg = renderer.svg(&card, &qr).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(!svg.contains("<text"), "text must be outlines");
    assert!(!svg.contains("font-family"));
    assert!(
        svg.contains(r#"width="85.6mm""#) || svg.contains("width=\"323.5"),
        "{}",
        &svg[..200]
    );
    // Deterministic: the same card draws the same bytes.
    assert_eq!(svg, renderer.svg(&card, &qr).unwrap());
}

#[test]
fn long_and_mixed_script_values_still_draw_and_verify() {
    let renderer = CardRenderer::new().unwrap();
    let mut claims = resident_permit();
    // The longest names the issuer accepts (160 bytes of UTF-8).
    claims.name_en = "Abdulrahman Mohammed Abdullah Alqahtani Almutairi Alshammari \
                      Alharbi Alzahrani Alghamdi Aldosari Alotaibi Alanazi Alshehri Alsubaie"
        .chars()
        .take(160)
        .collect::<String>()
        .trim_end()
        .to_owned();
    claims.name_ar =
        "عبدالرحمن محمد عبدالله القحطاني المطيري الشمري الحربي الزهراني الغامدي".to_owned();
    assert!(claims.name_ar.len() <= 160 && claims.name_en.len() <= 160);
    claims.place_of_birth = "Riyadh الرياض 2".into();
    claims.employer = Some("مستشفى الملك فهد King Fahd Hospital".into());
    let (card, qr) = card_and_qr(&claims);
    assert_eq!(
        card.field(ClaimKey::Employer).unwrap().direction,
        TextDirection::Rtl
    );
    assert_eq!(
        card.field(ClaimKey::PlaceOfBirth).unwrap().direction,
        TextDirection::Ltr
    );
    let source = renderer.svg_source(&card, &qr);
    // Every word of the names is on the card: wrapped or shrunk, never cut.
    for word in claims.name_en.split(' ').chain(claims.name_ar.split(' ')) {
        assert!(source.contains(word), "{word} missing");
    }
    verify_static_qr(&renderer.png(&card, &qr, DEFAULT_PNG_DPI).unwrap(), &claims);
    let pdf = renderer.pdf(&card, &qr).unwrap();
    verify_static_qr(&rasterise_card_from_pdf(&pdf, 400).0, &claims);
}

/// The grey pixels of a PNG (luma of its RGB or grey samples), with its size.
fn grey_pixels(png: &[u8]) -> (Vec<u8>, u32, u32) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut data = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut data).unwrap();
    let samples = frame.color_type.samples();
    let mut grey = Vec::new();
    for row in data[..frame.buffer_size()].chunks(frame.line_size) {
        for pixel in row.chunks(samples).take(frame.width as usize) {
            let luma = if samples >= 3 {
                (u32::from(pixel[0]) * 299 + u32::from(pixel[1]) * 587 + u32::from(pixel[2]) * 114)
                    / 1000
            } else {
                u32::from(pixel[0])
            };
            // Composite over white where there is alpha.
            let alpha = if samples == 2 || samples == 4 {
                u32::from(pixel[samples - 1])
            } else {
                255
            };
            grey.push(((luma * alpha + 255 * (255 - alpha)) / 255) as u8);
        }
    }
    (grey, frame.width, frame.height)
}

/// An RGB PNG of `width` × `height` whose pixel is `colour(x, y)`.
fn rgb_png(width: u32, height: u32, colour: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    let mut data = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            data.extend_from_slice(&colour(x, y));
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&data).unwrap();
    writer.finish().unwrap();
    out
}

#[test]
fn scans_and_screenshots_people_make_still_read_within_the_scan_limits() {
    let renderer = CardRenderer::new().unwrap();
    let claims = national_id_with_portrait();
    let (card, qr) = card_and_qr(&claims);
    // The card at the resolutions scanners use.
    for dpi in [300, 600] {
        let png = renderer.png(&card, &qr, dpi).unwrap();
        verify_static_qr(&png, &claims);
    }
    // A whole A4 page scanned at 400 dpi (15.5 megapixels, just under the
    // CLI's cap) and thresholded as scanners do: searched shrunk first, then
    // at full size.
    let pdf = renderer.pdf(&card, &qr).unwrap();
    let page = {
        let (w, h, grey) = rasterise_page(&pdf, 400);
        rgb_png(w as u32, h as u32, |x, y| {
            let v = if grey[y as usize * w + x as usize] < 128 {
                0
            } else {
                255
            };
            [v, v, v]
        })
    };
    assert!(png_size(&page).0 * png_size(&page).1 > 15_000_000);
    verify_static_qr(&page, &claims);
    // A phone screenshot (1170 x 2532): the card's code drawn at 2.7 pixels
    // per module, on a tinted background under a status bar and text lines.
    let (grey, w, h) = grey_pixels(&renderer.png(&card, &qr, 300).unwrap());
    let screenshot = rgb_png(1170, 2532, |x, y| {
        let (sx, sy) = (x as f32 / 1.6, (y as f32 - 700.0) / 1.6);
        if y < 90 {
            return [20, 20, 30];
        }
        if (0.0..w as f32).contains(&sx) && (0.0..h as f32).contains(&sy) {
            let v = grey[sy as usize * w as usize + sx as usize];
            return [v, v, v.saturating_add(8)];
        }
        if y % 60 < 14 && x % 97 < 80 {
            return [90, 90, 100];
        }
        [236, 240, 246]
    });
    verify_static_qr(&screenshot, &claims);
}
