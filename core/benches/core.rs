//! Benchmarks of hawiya's operations against raw Ed25519 baselines, with the
//! ratios computed from the same run.
//!
//! Criterion measures and reports each benchmark as usual; after the last
//! one this prints a summary (mean and median per benchmark, from criterion's
//! measurement samples only) and the ratios operation / baseline, each from
//! an extra *interleaved* measurement of the same routines: per round each
//! side runs `PAIRED_BATCHES` short batches (~0.5 ms), the fastest counts,
//! and the median over `PAIRED_ROUNDS` rounds is printed, with the ratio of
//! criterion's means next to it. The harness (`benches/harness`) is shared
//! with the wallet bench.
//!
//! Run: `cargo bench -p hawiya-core --bench core`

mod harness;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use harness::fixtures::national_id;
use harness::{
    fmt_time, time_loop, BatchSizes, Bench, Interleave, Paired, Routine, Samples, Stats,
};
use hawiya_core::internal::CborValue;
use hawiya_core::{
    BindingRequest, Claims, DeviceBinding, Disclosure, EccLevel, FixedClock, HeldCredential,
    Issuer, Policy, Presentation, PublicKey, QrMatrix, SecretKey, TrustList, UnixTime, Verifier,
    SIGNATURE_LEN,
};
use rand_core::OsRng;

/// Samples per benchmark (criterion's measurement calls).
const SAMPLE_SIZE: usize = 20;
const WARM_UP: Duration = Duration::from_millis(500);
const MEASUREMENT: Duration = Duration::from_secs(2);
/// Interleaved ratio measurement: rounds per ratio, timed batches per side
/// and round (the fastest counts), and the time of one batch.
const PAIRED_ROUNDS: usize = 30;
const PAIRED_BATCHES: usize = 8;
const PAIRED_BATCH: Duration = Duration::from_micros(500);

const ISSUED_AT: UnixTime = UnixTime(1_704_844_800);
const PRESENTED_AT: UnixTime = UnixTime(1_704_844_900);
/// The phone's clock in the benchmarks: it reads [`PRESENTED_AT`].
const PHONE_CLOCK: FixedClock = FixedClock(PRESENTED_AT);
const VERIFIED_AT: UnixTime = PRESENTED_AT;
const NONCE: [u8; 16] = [4; 16];
const STATUS_INDEX: u64 = 7;
/// Length of the message the raw Ed25519 baselines sign and verify, about
/// the size of what hawiya signs (CWT Sig_structure, presentation payload).
const RAW_MESSAGE_LEN: usize = 300;

// Benchmark ids.
const SIGN: &str = "ed25519_sign";
const VERIFY_1: &str = "ed25519_verify";
const VERIFY_2: &str = "2x ed25519_verify";
const VERIFY_PRESENTATION: &str = "verify_presentation";
const PARSE: &str = "parse_presentation";
const KEY_CHECK: &str = "public_key_from_bytes";
const MAKE_PRESENTATION: &str = "make_presentation";
const ISSUE: &str = "issue_credential";
const QR_TEXT: &str = "qr_text_base45";
const QR_ENCODE: &str = "qr_encode_matrix";

/// One printed ratio: `num / sum(den)`.
struct RatioSpec {
    num: &'static str,
    den: &'static [&'static str],
    den_label: &'static str,
    goal: Option<f64>,
}

const RATIOS: [RatioSpec; 6] = [
    RatioSpec {
        num: VERIFY_PRESENTATION,
        den: &[VERIFY_2],
        den_label: VERIFY_2,
        goal: Some(1.3),
    },
    RatioSpec {
        num: MAKE_PRESENTATION,
        den: &[SIGN],
        den_label: "1x ed25519_sign",
        goal: Some(1.5),
    },
    RatioSpec {
        num: ISSUE,
        den: &[SIGN],
        den_label: "1x ed25519_sign",
        goal: Some(1.25),
    },
    RatioSpec {
        num: ISSUE,
        den: &[SIGN, VERIFY_1],
        den_label: "(1x ed25519_sign + 1x ed25519_verify)",
        goal: None,
    },
    RatioSpec {
        num: QR_ENCODE,
        den: &[SIGN],
        den_label: "1x ed25519_sign",
        goal: None,
    },
    RatioSpec {
        num: QR_TEXT,
        den: &[SIGN],
        den_label: "1x ed25519_sign",
        goal: None,
    },
];

/// Every `iter_custom` call of this run.
static SAMPLES: Samples<&'static str> = Samples::new();

/// One raw Ed25519 verification from key bytes (RFC 8032 §5.1.7 with
/// ed25519-dalek's strict checks): what any verifier pays per signature
/// without hawiya's cached trust-list keys.
fn raw_verify(public: &[u8; 32], message: &[u8], signature: &[u8; SIGNATURE_LEN]) -> bool {
    ed25519_dalek::VerifyingKey::from_bytes(public).is_ok_and(|key| {
        key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature))
            .is_ok()
    })
}

struct Fixtures {
    issuer: Issuer,
    trust: TrustList,
    device: SecretKey,
    binding: DeviceBinding,
    claims: Claims,
    held: HeldCredential,
    full: Presentation,
    full_qr: String,
    /// The raw Ed25519 baselines: a ~300-byte message signed by the issuer
    /// key and by the device key.
    raw_message: Vec<u8>,
    issuer_key: SecretKey,
    issuer_public: PublicKey,
    device_public: PublicKey,
    issuer_sig: [u8; SIGNATURE_LEN],
    device_sig: [u8; SIGNATURE_LEN],
}

fn fixtures() -> Fixtures {
    let root = SecretKey::from_bytes(&[1; 32]);
    let issuer = Issuer::new(
        SecretKey::from_bytes(&[2; 32]),
        b"\x01",
        "Test Issuer",
        "https://status.example/1",
    )
    .expect("fixture issuer");
    let list = TrustList {
        version: 1,
        issued_at: UnixTime(0),
        issuers: vec![issuer.trust_entry(UnixTime(0), UnixTime(4_000_000_000))],
    };
    // Go through the root-signed form, as a verifier app would.
    let signed = list.sign(&root).expect("sign trust list");
    let trust = TrustList::from_signed(&signed, &root.public_key()).expect("read trust list");
    let device = SecretKey::from_bytes(&[3; 32]);
    let binding = BindingRequest::new(&device, &NONCE)
        .expect("binding request")
        .check(&NONCE)
        .expect("binding check");
    let claims = national_id();
    let held = issuer
        .issue(&claims, &binding, STATUS_INDEX, ISSUED_AT, &mut OsRng)
        .expect("issue credential");
    let full = Presentation::device_bound(&held, &Disclosure::Full, &device, &PHONE_CLOCK, None)
        .expect("full presentation");
    let full_qr = full.qr_text();
    let verdict =
        Verifier::new(trust.clone(), Policy::default()).verify(&full_qr, VERIFIED_AT, None);
    assert!(
        verdict.is_accepted(),
        "fixture presentation must verify: {:?}",
        verdict.failures
    );

    let raw_message: Vec<u8> = (0..RAW_MESSAGE_LEN).map(|i| (i * 7 + 3) as u8).collect();
    let issuer_key = SecretKey::from_bytes(&[2; 32]);
    let issuer_sig = issuer_key.sign(&raw_message);
    let device_sig = device.sign(&raw_message);
    let issuer_public = issuer_key.public_key();
    let device_public = device.public_key();
    assert!(
        issuer_public.verify(&raw_message, &issuer_sig)
            && device_public.verify(&raw_message, &device_sig)
    );
    Fixtures {
        issuer,
        trust,
        device,
        binding,
        claims,
        held,
        full,
        full_qr,
        raw_message,
        issuer_key,
        issuer_public,
        device_public,
        issuer_sig,
        device_sig,
    }
}

/// Every benchmark routine, in run order.
fn routines(f: &Fixtures) -> Vec<(&'static str, Routine<'_>)> {
    let msg = f.raw_message.as_slice();
    let device_key_bytes = *f.device_public.as_bytes();
    vec![
        // Baselines on a ~300-byte message: one Ed25519 signing, and raw
        // Ed25519 verification as RFC 8032 defines it (decode the public key
        // from its 32 bytes, then verify strictly), straight from ed25519-dalek.
        (
            SIGN,
            Box::new(move |iters| time_loop(iters, || f.issuer_key.sign(black_box(msg)))),
        ),
        (
            VERIFY_1,
            Box::new(move |iters| {
                time_loop(iters, || {
                    raw_verify(f.issuer_public.as_bytes(), black_box(msg), &f.issuer_sig)
                })
            }),
        ),
        (
            VERIFY_2,
            Box::new(move |iters| {
                time_loop(iters, || {
                    raw_verify(f.issuer_public.as_bytes(), black_box(msg), &f.issuer_sig)
                        & raw_verify(f.device_public.as_bytes(), black_box(msg), &f.device_sig)
                })
            }),
        ),
        // 1. Verify. A verifier remembers accepted presentations and rejects
        //    the same text again as Replayed (a cheaper path), so every
        //    iteration gets a fresh verifier, built before the clock starts
        //    and dropped after it stops.
        (
            VERIFY_PRESENTATION,
            Box::new(move |iters| {
                let mut verifiers: Vec<Verifier> = (0..iters)
                    .map(|_| Verifier::new(f.trust.clone(), Policy::default()))
                    .collect();
                let start = Instant::now();
                for verifier in &mut verifiers {
                    black_box(verifier.verify(black_box(&f.full_qr), VERIFIED_AT, None));
                }
                let elapsed = start.elapsed();
                drop(verifiers);
                elapsed
            }),
        ),
        // Part of verify: Base45 + CBOR parsing, rebuilding the device-signed
        // bytes, and the device key's curve-point check.
        (
            PARSE,
            Box::new(move |iters| {
                time_loop(iters, || {
                    hawiya_core::internal::parse_presentation(black_box(&f.full_qr))
                })
            }),
        ),
        // The curve-point check alone (point decompression + small-order test).
        (
            KEY_CHECK,
            Box::new(move |iters| {
                time_loop(iters, || {
                    PublicKey::from_bytes(black_box(&device_key_bytes))
                })
            }),
        ),
        // 2. Make a device-bound presentation (no QR text).
        (
            MAKE_PRESENTATION,
            Box::new(move |iters| {
                time_loop(iters, || {
                    Presentation::device_bound(
                        black_box(&f.held),
                        &Disclosure::Full,
                        &f.device,
                        &PHONE_CLOCK,
                        None,
                    )
                })
            }),
        ),
        // 3. Issue one credential to an already checked device binding:
        //    verification), claims check, commitment, one signature.
        (
            ISSUE,
            Box::new(move |iters| {
                time_loop(iters, || {
                    f.issuer.issue(
                        black_box(&f.claims),
                        &f.binding,
                        STATUS_INDEX,
                        ISSUED_AT,
                        &mut OsRng,
                    )
                })
            }),
        ),
        // 4. QR: the Base45 text, and the module matrix at ECC level M.
        (
            QR_TEXT,
            Box::new(move |iters| time_loop(iters, || black_box(&f.full).qr_text())),
        ),
        (
            QR_ENCODE,
            Box::new(move |iters| {
                time_loop(iters, || {
                    QrMatrix::encode(black_box(&f.full_qr), EccLevel::M)
                })
            }),
        ),
    ]
}

/// Runs one routine as a criterion benchmark, recording its samples.
fn bench(c: &mut Criterion, b: &mut Bench<'_, &'static str>) {
    let id = b.id;
    let routine = &mut b.routine;
    c.bench_function(id, |bencher| SAMPLES.bench(bencher, id, routine));
}

/// Measures every ratio whose benchmarks ran, interleaving numerator and
/// denominator batches so both see the same machine load.
fn paired_ratios(
    benches: &mut [Bench<'_, &'static str>],
    ran: &BTreeMap<&'static str, Stats>,
) -> BTreeMap<(&'static str, &'static str), Paired> {
    let mut sizes = BatchSizes::new(PAIRED_BATCH);
    let how = Interleave {
        rounds: PAIRED_ROUNDS,
        batches: PAIRED_BATCHES,
    };
    let mut out = BTreeMap::new();
    for spec in &RATIOS {
        let ids: Vec<&'static str> = std::iter::once(spec.num)
            .chain(spec.den.iter().copied())
            .collect();
        if ids.iter().any(|id| !ran.contains_key(id)) {
            continue;
        }
        if let Some(paired) = sizes.paired(benches, &ids, how) {
            out.insert((spec.num, spec.den_label), paired);
        }
    }
    out
}

/// Bytes of each disclosed claim's CBOR key and value, summed.
fn disclosed_claim_bytes(held: &HeldCredential, presentation: &Presentation) -> usize {
    presentation
        .disclosed()
        .iter()
        .filter_map(|k| {
            held.claim(*k).map(|v| {
                CborValue::Unsigned(k.code()).to_bytes().len() + v.to_cbor().to_bytes().len()
            })
        })
        .sum()
}

fn print_sizes(f: &Fixtures) {
    println!();
    println!("== presentation sizes (national ID, device-bound, no verifier nonce) ==");
    println!(
        "{:<10} {:>8} {:>8} {:>6} {:>7} {:>15}",
        "disclosure", "payload", "QR text", "QR v", "floor", "payload/floor"
    );
    for (name, disclosure) in [
        ("full", Disclosure::Full),
        ("identity", Disclosure::Identity),
        ("age>=18", Disclosure::AgeOver18),
    ] {
        let p =
            match Presentation::device_bound(&f.held, &disclosure, &f.device, &PHONE_CLOCK, None) {
                Ok(p) => p,
                Err(e) => {
                    println!("{name:<10} cannot present: {e}");
                    continue;
                }
            };
        let text = p.qr_text();
        let version = QrMatrix::encode(&text, EccLevel::M)
            .map(|m| m.version().to_string())
            .unwrap_or_else(|e| format!("({e})"));
        // Two signatures, the device key, and the disclosed claims.
        let floor = 64 + 64 + 32 + disclosed_claim_bytes(&f.held, &p);
        println!(
            "{:<10} {:>6} B {:>6} c {:>6} {:>5} B {:>15.2}",
            name,
            p.bytes().len(),
            text.len(),
            version,
            floor,
            p.bytes().len() as f64 / floor as f64
        );
    }
    println!("(QR v = QR version at ECC level M; floor = 64 + 64 + 32 + CBOR key+value of each disclosed claim)");
}

fn print_report(
    f: &Fixtures,
    s: &BTreeMap<&'static str, Stats>,
    paired: &BTreeMap<(&'static str, &'static str), Paired>,
) {
    let mean = |id: &str| s.get(id).map(|x| x.mean_ns);

    println!();
    println!(
        "== hawiya-core benchmark summary (this run; criterion's {SAMPLE_SIZE} samples per bench) =="
    );
    println!("{:<24} {:>12} {:>12}", "benchmark", "mean", "median");
    for id in [
        SIGN,
        VERIFY_1,
        VERIFY_2,
        VERIFY_PRESENTATION,
        PARSE,
        KEY_CHECK,
        MAKE_PRESENTATION,
        ISSUE,
        QR_TEXT,
        QR_ENCODE,
    ] {
        match s.get(id) {
            Some(x) => println!(
                "{:<24} {:>12} {:>12}",
                id,
                fmt_time(x.mean_ns),
                fmt_time(x.median_ns)
            ),
            None => println!("{id:<24} {:>12} {:>12}", "not run", "-"),
        }
    }

    println!();
    println!(
        "== ratios: median of {PAIRED_ROUNDS} interleaved rounds, each side's fastest of {PAIRED_BATCHES} batches [quartiles; ratio of criterion means] =="
    );
    for spec in &RATIOS {
        let (num, label) = (spec.num, spec.den_label);
        let den_mean: Option<f64> = spec.den.iter().map(|id| mean(id)).sum();
        let means = mean(num).zip(den_mean).map(|(a, b)| a / b);
        let (Some(p), Some(means)) = (paired.get(&(num, label)), means) else {
            println!("ratio {num} / {label} = n/a (not measured in this run)");
            continue;
        };
        let goal = match spec.goal {
            Some(g) if p.median <= g => format!(" (goal <= {g}) MET"),
            Some(g) => format!(" (goal <= {g}) NOT MET"),
            None => String::new(),
        };
        println!(
            "ratio {num} / {label} = {:.2}{goal} [{:.2}-{:.2}; means {means:.2}]",
            p.median, p.q1, p.q3
        );
    }
    if let (Some(v), Some(v2)) = (mean(VERIFY_PRESENTATION), mean(VERIFY_2)) {
        let part = |id: &str| mean(id).map_or_else(|| "n/a".to_owned(), fmt_time);
        println!(
            "verify_presentation - 2x ed25519_verify (means) = {}; parse_presentation alone = {}, \
             of which the device key's point check (public_key_from_bytes) = {}",
            fmt_time(v - v2),
            part(PARSE),
            part(KEY_CHECK)
        );
    }
    if let (Some(q), Some(t)) = (mean(QR_ENCODE), mean(QR_TEXT)) {
        println!(
            "absolute: qr_encode_matrix = {}, qr_text_base45 = {}",
            fmt_time(q),
            fmt_time(t)
        );
    }
    print_sizes(f);
}

fn main() {
    let f = fixtures();
    let mut c = Criterion::default()
        .sample_size(SAMPLE_SIZE)
        .warm_up_time(WARM_UP)
        .measurement_time(MEASUREMENT)
        .configure_from_args();
    let mut benches: Vec<Bench<'_, &'static str>> = routines(&f)
        .into_iter()
        .map(|(id, routine)| Bench {
            id,
            slow: false,
            routine,
        })
        .collect();
    for b in &mut benches {
        bench(&mut c, b);
    }
    c.final_summary();
    let s = SAMPLES.stats(SAMPLE_SIZE);
    // `cargo test --benches` runs each benchmark once as a smoke test; skip
    // the interleaved timing there.
    let smoke_test = std::env::args().any(|a| a == "--test" || a == "--list");
    if smoke_test {
        println!("smoke test: every benchmark ran once; no timings or ratios reported");
        print_sizes(&f);
        return;
    }
    let paired = paired_ratios(&mut benches, &s);
    print_report(&f, &s, &paired);
}
