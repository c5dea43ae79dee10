//! Verification time natively, for the side-by-side with Chromium: the same
//! crate (hawiya-web), the same codes and lists the browser tests timed
//! (target/web-artifacts/bench/, written by web/tests/run.mjs), the same
//! loop (300 warm-up runs, then 300 timed, one verifier per code).
//!
//!     cargo run --release -p hawiya-web --example verify_time [-- DIR]

use std::time::Instant;

use hawiya_core::UnixTime;
use hawiya_web::WebVerifier;
use serde_json::Value;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/web-artifacts/bench".into());
    let dir = std::path::Path::new(&dir);
    let site: Value = serde_json::from_slice(&std::fs::read(dir.join("site.json"))?)?;
    let codes: Value = serde_json::from_slice(&std::fs::read(dir.join("codes.json"))?)?;
    let trust = std::fs::read(dir.join("trust-list.cbor"))?;
    let status = std::fs::read(dir.join("status-list.cbor"))?;
    let root = site["root_public_key"].as_str().unwrap_or_default();
    let at = UnixTime(codes["at"].as_i64().unwrap_or_default());
    for name in ["printed", "phone"] {
        let text = codes[name].as_str().unwrap_or_default();
        let mut verifier = WebVerifier::open(root, &trust, "", false)?;
        verifier.add_status(&status, at)?;
        let first = verifier.verify_at(text, at);
        for _ in 0..300 {
            verifier.verify_at(text, at);
        }
        let n = 300;
        let started = Instant::now();
        for _ in 0..n {
            std::hint::black_box(verifier.verify_at(std::hint::black_box(text), at));
        }
        let ms = started.elapsed().as_secs_f64() * 1000.0 / f64::from(n);
        println!(
            "{name}: {ms:.3} ms per verification (first verdict: {})",
            first["verdict"]
        );
    }
    Ok(())
}
