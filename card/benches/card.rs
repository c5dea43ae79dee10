//! Benchmarks of drawing the ID card (`render` feature) against two
//! baselines from the same run: encoding the card's QR code, and building
//! the card's SVG source (layout and text measuring, no drawing).
//!
//! Measured: the SVG source, the published SVG (text turned to outlines by
//! usvg), the PNG at 300 and 600 dpi (the CLI's default) and the A4 PDF,
//! for a national ID with a portrait and a full static presentation as its
//! QR code. Every benchmark goes through `iter_custom`, which records its
//! samples; after the last one this prints the mean and median per
//! benchmark, the ratios to the baselines and the output sizes. The ratios
//! come from criterion's samples of one run, so a load change between two
//! benchmarks on a shared machine skews them; run it on an idle machine.
//!
//! Run: `cargo bench -p hawiya-core --features render --bench card`
//! (about a minute).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::Criterion;
use hawiya_card::{Card, CardRenderer, DEFAULT_PNG_DPI};
use hawiya_core::{
    BindingRequest, Claims, Date, Disclosure, DocumentType, EccLevel, Issuer, Presentation,
    QrMatrix, SecretKey, Sex, UnixTime,
};
use rand_core::OsRng;

const SAMPLE_SIZE: usize = 10;
const WARM_UP: Duration = Duration::from_millis(500);
const MEASUREMENT: Duration = Duration::from_secs(3);
const NONCE: [u8; 16] = [4; 16];

/// Every `iter_custom` call: (benchmark id, iterations, elapsed).
static SAMPLES: Mutex<Vec<(&'static str, u64, Duration)>> = Mutex::new(Vec::new());

fn record(id: &'static str, iters: u64, elapsed: Duration) -> Duration {
    if let Ok(mut samples) = SAMPLES.lock() {
        samples.push((id, iters, elapsed));
    }
    elapsed
}

/// A 300 × 375 grey portrait, about the size of an ID photo thumbnail.
fn portrait() -> Vec<u8> {
    let (w, h) = (300u32, 375u32);
    let mut pixels = Vec::with_capacity((w * h) as usize);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f32 - 150.0, y as f32 - 150.0);
            let inside = dx * dx / 10_000.0 + dy * dy / 14_400.0 <= 1.0;
            pixels.push(if inside { 90 } else { 200 + (x % 7) as u8 });
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("png header");
    writer.write_image_data(&pixels).expect("png data");
    writer.finish().expect("png end");
    out
}

/// The card and the QR text of a fixed national ID's print credential.
fn fixture() -> (Card, String) {
    let issuer = Issuer::new(
        SecretKey::from_bytes(&[2; 32]),
        b"\x01",
        "National Identity Authority",
        "https://status.example/1",
    )
    .expect("fixture issuer");
    let device = SecretKey::from_bytes(&[3; 32]);
    let binding = BindingRequest::new(&device, &NONCE)
        .expect("binding request")
        .check(&NONCE)
        .expect("binding check");
    let date = |s: &str| s.parse::<Date>().expect("fixture date");
    let claims = Claims {
        document_type: DocumentType::NationalId,
        document_number: 1_234_567_890,
        document_version: 1,
        name_ar: "محمد عبدالله الأحمد".into(),
        name_en: "Mohammed Abdullah Alahmad".into(),
        birth_date: date("1990-05-17"),
        sex: Sex::Male,
        nationality: "SAU".into(),
        place_of_birth: "Riyadh".into(),
        occupation: None,
        employer: None,
        issue_date: date("2024-01-10"),
        expiry_date: date("2034-01-09"),
        portrait: Some(portrait()),
    };
    let held = issuer
        .issue(&claims, &binding, 0, UnixTime(1_704_844_800), &mut OsRng)
        .expect("issue");
    let card = Card::from_held(&held, date("2025-06-01"));
    // The card carries the static code of the document's print credential.
    let print = issuer
        .issue_print(&claims, None, 1, UnixTime(1_704_844_800), &mut OsRng)
        .expect("issue print credential");
    let printed = Presentation::static_form(&print, &Disclosure::Full).expect("static form");
    (card, printed.qr_text())
}

fn bench(c: &mut Criterion) {
    let renderer = CardRenderer::new().expect("fonts");
    let (card, text) = fixture();
    let qr = QrMatrix::encode(&text, EccLevel::M).expect("qr");
    let mut group = c.benchmark_group("card");
    group
        .sample_size(SAMPLE_SIZE)
        .warm_up_time(WARM_UP)
        .measurement_time(MEASUREMENT);
    let mut run = |id: &'static str, f: &dyn Fn() -> usize| {
        group.bench_function(id, |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(f());
                }
                record(id, iters, start.elapsed())
            })
        });
    };
    run("qr_encode", &|| {
        QrMatrix::encode(black_box(&text), EccLevel::M)
            .map(|m| m.width())
            .unwrap_or(0)
    });
    run("svg_source", &|| {
        renderer.svg_source(black_box(&card), &qr).len()
    });
    run("svg_outlines", &|| {
        renderer
            .svg(black_box(&card), &qr)
            .map(|s| s.len())
            .unwrap_or(0)
    });
    run("png_300dpi", &|| {
        renderer
            .png(black_box(&card), &qr, 300)
            .map(|p| p.len())
            .unwrap_or(0)
    });
    run("png_600dpi", &|| {
        renderer
            .png(black_box(&card), &qr, DEFAULT_PNG_DPI)
            .map(|p| p.len())
            .unwrap_or(0)
    });
    run("pdf_a4", &|| {
        renderer
            .pdf(black_box(&card), &qr)
            .map(|p| p.len())
            .unwrap_or(0)
    });
    group.finish();
    summary(&renderer, &card, &qr, &text);
}

fn summary(renderer: &CardRenderer, card: &Card, qr: &QrMatrix, text: &str) {
    let Ok(samples) = SAMPLES.lock() else {
        return;
    };
    let mut by_id: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (id, iters, elapsed) in samples.iter() {
        if *iters > 0 {
            by_id
                .entry(id)
                .or_default()
                .push(elapsed.as_secs_f64() * 1e3 / *iters as f64);
        }
    }
    let stats = |id: &str| -> Option<(f64, f64)> {
        let mut v = by_id.get(id)?.clone();
        v.sort_by(f64::total_cmp);
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        Some((mean, v[v.len() / 2]))
    };
    println!("\ncard rendering, ms per call (mean / median of criterion's samples):");
    let ids = [
        "qr_encode",
        "svg_source",
        "svg_outlines",
        "png_300dpi",
        "png_600dpi",
        "pdf_a4",
    ];
    for id in ids {
        if let Some((mean, median)) = stats(id) {
            println!("  {id:<13} {mean:>9.3} / {median:>9.3}");
        }
    }
    if let (Some((qr_ms, _)), Some((svg_ms, _))) = (stats("qr_encode"), stats("svg_source")) {
        println!("ratios (mean / baseline mean): vs qr_encode, vs svg_source");
        for id in &ids[1..] {
            if let Some((mean, _)) = stats(id) {
                println!("  {id:<13} {:>8.1}x {:>8.1}x", mean / qr_ms, mean / svg_ms);
            }
        }
    }
    let len = |r: Result<Vec<u8>, _>| r.map(|v| v.len()).unwrap_or(0);
    println!(
        "sizes: QR text {} chars (version {}), SVG source {} B, SVG outlines {} B, \
         PNG 300 dpi {} B, PNG 600 dpi {} B, PDF {} B, portrait {} B",
        text.len(),
        qr.version(),
        renderer.svg_source(card, qr).len(),
        len(renderer.svg(card, qr).map(String::into_bytes)),
        len(renderer.png(card, qr, 300)),
        len(renderer.png(card, qr, DEFAULT_PNG_DPI)),
        len(renderer.pdf(card, qr)),
        card.portrait.as_ref().map_or(0, Vec::len),
    );
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
