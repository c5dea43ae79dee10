//! Every decoder on an untrusted path, fed arbitrary or mutated input, returns
//! `Ok` or `Err` and never panics; where it accepts the input, the result
//! round-trips through its encoder.
//!
//! Three kinds of input:
//! - arbitrary bytes and strings (including `HW2:` plus Base45-alphabet text,
//!   and challenge codes as typed or scanned);
//! - byte-level mutations (flips, overwrites, insertions, deletions,
//!   truncations) of *valid* encodings built once with the public API;
//! - structure-aware mutations: one node of a valid encoding's CBOR tree
//!   (looking inside byte strings that hold CBOR, such as COSE payloads) is
//!   replaced by an arbitrary CBOR value, and signed structures are re-signed
//!   so the payload parsers behind the signature check are reached too.
//!
//! A panic is caught and reported with the exact input (hex or debug string),
//! so a failure can be reproduced even though the fixtures use fresh salts.

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::LazyLock;

use hawiya_core::internal::{
    base45_decode, base45_encode, cbor_decode, parse_presentation, CborValue,
};
use hawiya_core::{
    decode_png, BindingRequest, ChallengeCode, Credential, Disclosure, EccLevel, HeldCredential,
    Issuer, Policy, Presentation, PublicKey, QrMatrix, SecretKey, SignedStatusList, StatusList,
    TrustList, TrustedIssuer, UnixTime, Verifier, MIN_PNG_MODULE_PX, QR_PREFIX, STATUS_LIST_TYP,
    TRUST_LIST_TYP,
};
use hawiya_tests::{
    challenge, dependent, issue_print, issuer, national_id, signed_status_list, GUARDIAN,
    ISSUED_AT, KID, NONCE, PHONE_CLOCK, PRESENTED_AT, STATUS_URI,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;

/// The QR alphanumeric set, which is also the Base45 alphabet.
const BASE45_ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
/// Bytes that start interesting CBOR heads: length-argument boundaries,
/// indefinite lengths, tags (18 = COSE_Sign1), simple values, break.
const CBOR_HEADS: &[u8] = &[
    0x00, 0x01, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1f, 0x20, 0x38, 0x3b, 0x40, 0x50, 0x58, 0x5b,
    0x5f, 0x60, 0x78, 0x7b, 0x7f, 0x80, 0x84, 0x8b, 0x8c, 0x98, 0x9b, 0x9f, 0xa0, 0xa3, 0xb8, 0xbb,
    0xbf, 0xc0, 0xd2, 0xd8, 0xdb, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfb, 0xff,
];

// ---------------------------------------------------------------------------
// Fixtures: one real instance of every encoding, built once with the API.
// ---------------------------------------------------------------------------

struct Fixtures {
    root: SecretKey,
    root_public: PublicKey,
    issuer_key: SecretKey,
    issuer: Issuer,
    trust: TrustList,
    trust_bytes: Vec<u8>,
    status: SignedStatusList,
    status_bytes: Vec<u8>,
    request_bytes: Vec<u8>,
    credential_bytes: Vec<u8>,
    held_bytes: Vec<u8>,
    /// Device-bound presentation: CBOR bytes and QR text.
    presentation_bytes: Vec<u8>,
    qr_text: String,
    /// Static presentation of the identity claims: CBOR bytes and QR text.
    static_bytes: Vec<u8>,
    static_qr_text: String,
    /// PNG of a small (age-over-18) presentation's QR code, and its text.
    qr_png: Vec<u8>,
    qr_png_text: String,
    /// A dependent's credential (with a guardian), held by the guardian.
    dependent_credential_bytes: Vec<u8>,
    dependent_held_bytes: Vec<u8>,
    /// Its device-bound (13 fields) and static (12 fields) presentations.
    dependent_bytes: Vec<u8>,
    dependent_qr_text: String,
    dependent_static_bytes: Vec<u8>,
    dependent_static_qr_text: String,
}

static FIX: LazyLock<Fixtures> = LazyLock::new(|| {
    let root = SecretKey::from_bytes(&[1; 32]);
    let issuer = issuer();
    let trust = TrustList {
        version: 1,
        issued_at: UnixTime(0),
        issuers: vec![issuer.trust_entry(UnixTime(0), UnixTime(4_000_000_000))],
    };
    let trust_bytes = trust.sign(&root).expect("sign trust list");

    let status_bytes = signed_status_list(1024, &[7], ISSUED_AT, 86_400);
    let status = SignedStatusList::from_signed(&status_bytes, &trust).expect("fixture status");

    let device_key = SecretKey::from_bytes(&[3; 32]);
    let request = BindingRequest::new(&device_key, &NONCE).expect("binding request");
    let binding = request.check(&NONCE).expect("binding check");
    let held = issuer
        .issue(
            &national_id(),
            &binding,
            5,
            ISSUED_AT,
            &mut rand_core::OsRng,
        )
        .expect("issue");
    let dependent = issuer
        .issue_to_guardian(
            &dependent(),
            &binding,
            GUARDIAN,
            6,
            ISSUED_AT,
            &mut rand_core::OsRng,
        )
        .expect("issue to guardian");
    let dependent_presentation = Presentation::device_bound(
        &dependent,
        &Disclosure::Identity,
        &device_key,
        &PHONE_CLOCK,
        None,
    )
    .expect("present dependent");
    let dependent_static = Presentation::static_form(
        &issue_print(&hawiya_tests::dependent(), Some(GUARDIAN), 9),
        &Disclosure::AgeOver18,
    )
    .expect("static dependent");
    // The full code answers a challenge, so the mutations reach that field.
    let presentation = Presentation::device_bound(
        &held,
        &Disclosure::Full,
        &device_key,
        &PHONE_CLOCK,
        Some(challenge().code()),
    )
    .expect("present");
    let static_form =
        Presentation::static_form(&issue_print(&national_id(), None, 8), &Disclosure::Identity)
            .expect("static present");
    let small = Presentation::device_bound(
        &held,
        &Disclosure::AgeOver18,
        &device_key,
        &PHONE_CLOCK,
        None,
    )
    .expect("present age");
    let qr_png_text = small.qr_text();
    let qr_png = QrMatrix::encode(&qr_png_text, EccLevel::M)
        .and_then(|m| m.to_png(MIN_PNG_MODULE_PX))
        .expect("render QR");

    Fixtures {
        root_public: root.public_key(),
        root,
        issuer_key: SecretKey::from_bytes(&[2; 32]),
        issuer,
        trust,
        trust_bytes,
        status,
        status_bytes,
        request_bytes: request.to_bytes(),
        credential_bytes: held.credential().to_bytes(),
        held_bytes: held.to_bytes(),
        presentation_bytes: presentation.bytes().to_vec(),
        qr_text: presentation.qr_text(),
        static_bytes: static_form.bytes().to_vec(),
        static_qr_text: static_form.qr_text(),
        qr_png,
        qr_png_text,
        dependent_credential_bytes: dependent.credential().to_bytes(),
        dependent_held_bytes: dependent.to_bytes(),
        dependent_bytes: dependent_presentation.bytes().to_vec(),
        dependent_qr_text: dependent_presentation.qr_text(),
        dependent_static_bytes: dependent_static.bytes().to_vec(),
        dependent_static_qr_text: dependent_static.qr_text(),
    }
});

fn verifier() -> Verifier {
    let mut v = Verifier::new(FIX.trust.clone(), Policy::default());
    v.add_status_list(FIX.status.clone());
    v
}

fn qr(bytes: &[u8]) -> String {
    format!("{QR_PREFIX}{}", base45_encode(bytes))
}

// ---------------------------------------------------------------------------
// Running a decoder: a panic becomes a test failure naming the exact input.
// ---------------------------------------------------------------------------

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn run<T>(
    what: &str,
    input: impl FnOnce() -> String,
    f: impl FnOnce() -> T,
) -> Result<T, TestCaseError> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "<non-string panic>".to_owned());
        TestCaseError::fail(format!("{what} panicked ({message}) on input {}", input()))
    })
}

fn on_bytes<T>(what: &str, bytes: &[u8], f: impl FnOnce(&[u8]) -> T) -> Result<T, TestCaseError> {
    run(what, || format!("hex {}", hex(bytes)), || f(bytes))
}

fn on_text<T>(what: &str, text: &str, f: impl FnOnce(&str) -> T) -> Result<T, TestCaseError> {
    run(what, || format!("{text:?}"), || f(text))
}

// ---------------------------------------------------------------------------
// Every decoder, with the round-trip checks that hold when it accepts.
// ---------------------------------------------------------------------------

fn check_cbor(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(value) = on_bytes("cbor_decode", bytes, cbor_decode)? {
        // The decoder accepts only deterministic CBOR, so re-encoding is exact.
        prop_assert_eq!(value.to_bytes(), bytes);
    }
    Ok(())
}

fn check_base45(text: &str) -> Result<(), TestCaseError> {
    if let Ok(bytes) = on_text("base45_decode", text, base45_decode)? {
        // Strict decoding: only encode's own output is accepted.
        prop_assert_eq!(base45_encode(&bytes), text);
    }
    Ok(())
}

fn check_presentation_text(text: &str) -> Result<(), TestCaseError> {
    let _ = on_text("parse_presentation", text, parse_presentation)?;
    Ok(())
}

fn check_challenge(text: &str) -> Result<(), TestCaseError> {
    if let Ok(code) = on_text("ChallengeCode::parse", text, ChallengeCode::parse)? {
        // Every accepted spelling reads as one code, whose own forms read back.
        for form in [code.to_string(), code.grouped(), code.qr_text()] {
            prop_assert_eq!(ChallengeCode::parse(&form), Ok(code));
        }
    }
    Ok(())
}

fn check_credential(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(c) = on_bytes("Credential::from_bytes", bytes, Credential::from_bytes)? {
        let again = on_bytes(
            "Credential::from_bytes",
            &c.to_bytes(),
            Credential::from_bytes,
        )?;
        prop_assert_eq!(again, Ok(c));
    }
    Ok(())
}

fn check_held(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(h) = on_bytes(
        "HeldCredential::from_bytes",
        bytes,
        HeldCredential::from_bytes,
    )? {
        let again = on_bytes(
            "HeldCredential::from_bytes",
            &h.to_bytes(),
            HeldCredential::from_bytes,
        )?;
        prop_assert!(
            again.as_ref() == Ok(&h),
            "held credential does not round-trip"
        );
    }
    Ok(())
}

fn check_binding(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(r) = on_bytes(
        "BindingRequest::from_bytes",
        bytes,
        BindingRequest::from_bytes,
    )? {
        // Every field is canonical CBOR, so the encoding is exact.
        prop_assert_eq!(r.to_bytes(), bytes);
    }
    Ok(())
}

fn check_trust_list(bytes: &[u8]) -> Result<(), TestCaseError> {
    let parsed = on_bytes("TrustList::from_signed", bytes, |b| {
        TrustList::from_signed(b, &FIX.root_public)
    })?;
    if let Ok(list) = parsed {
        let resigned = list.sign(&FIX.root).map_err(|e| {
            TestCaseError::fail(format!("accepted trust list cannot be signed again: {e}"))
        })?;
        let again = on_bytes("TrustList::from_signed", &resigned, |b| {
            TrustList::from_signed(b, &FIX.root_public)
        })?;
        prop_assert_eq!(again, Ok(list));
    }
    Ok(())
}

fn check_status_list(bytes: &[u8]) -> Result<(), TestCaseError> {
    let parsed = on_bytes("SignedStatusList::from_signed", bytes, |b| {
        SignedStatusList::from_signed(b, &FIX.trust)
    })?;
    if let Ok(list) = parsed {
        let resigned = FIX.issuer.sign_status_list(&list);
        let again = on_bytes("SignedStatusList::from_signed", &resigned, |b| {
            SignedStatusList::from_signed(b, &FIX.trust)
        })?;
        prop_assert_eq!(again, Ok(list));
    }
    Ok(())
}

fn check_png(bytes: &[u8]) -> Result<(), TestCaseError> {
    let _ = on_bytes("decode_png", bytes, decode_png)?;
    Ok(())
}

/// Full verification; an accepted presentation must be one of the valid
/// fixtures byte for byte (no other encoding of them is accepted).
fn check_verify(text: &str, now: UnixTime) -> Result<(), TestCaseError> {
    // Texts of even length are checked against the challenge the fixture
    // code answers, the others without one: both paths, at the cost of one.
    let shown = text.len().is_multiple_of(2).then(challenge);
    check_verify_with(text, now, shown.as_ref())
}

fn check_verify_with(
    text: &str,
    now: UnixTime,
    shown: Option<&hawiya_core::Challenge>,
) -> Result<(), TestCaseError> {
    let verdict = on_text("Verifier::verify", text, |t| {
        verifier().verify(t, now, shown)
    })?;
    if verdict.is_accepted() {
        prop_assert!(
            [
                &FIX.qr_text,
                &FIX.static_qr_text,
                &FIX.qr_png_text,
                &FIX.dependent_qr_text,
                &FIX.dependent_static_qr_text,
            ]
            .iter()
            .any(|valid| valid.as_str() == text),
            "verifier accepted a text that is not a fixture: {:?}",
            text
        );
    } else {
        prop_assert!(verdict.claims.is_empty(), "rejected verdict carries claims");
    }
    Ok(())
}

/// Every byte decoder at once, for inputs that could be any of them.
fn check_all_bytes(bytes: &[u8]) -> Result<(), TestCaseError> {
    check_cbor(bytes)?;
    check_credential(bytes)?;
    check_held(bytes)?;
    check_binding(bytes)?;
    check_trust_list(bytes)?;
    check_status_list(bytes)?;
    Ok(())
}

/// Every text decoder at once.
fn check_all_text(text: &str) -> Result<(), TestCaseError> {
    check_base45(text)?;
    check_presentation_text(text)?;
    check_challenge(text)?;
    check_verify(text, PRESENTED_AT)?;
    if let Some(body) = text.strip_prefix(QR_PREFIX) {
        check_base45(body)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Mutations.
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Edit {
    Flip(Index, u8),
    Set(Index, u8),
    Insert(Index, Vec<u8>),
    Remove(Index, usize),
    Duplicate(Index, usize),
    Truncate(Index),
}

fn pos(at: &Index, len: usize) -> usize {
    if len == 0 {
        0
    } else {
        at.index(len)
    }
}

fn apply(base: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = base.to_vec();
    for edit in edits {
        match edit {
            Edit::Flip(at, bit) => {
                if !out.is_empty() {
                    let i = pos(at, out.len());
                    out[i] ^= 1 << (bit % 8);
                }
            }
            Edit::Set(at, byte) => {
                if !out.is_empty() {
                    let i = pos(at, out.len());
                    out[i] = *byte;
                }
            }
            Edit::Insert(at, bytes) => {
                let i = pos(at, out.len() + 1);
                out.splice(i..i, bytes.iter().copied());
            }
            Edit::Remove(at, n) => {
                let i = pos(at, out.len());
                let end = (i + n).min(out.len());
                out.drain(i..end);
            }
            Edit::Duplicate(at, n) => {
                let i = pos(at, out.len());
                let end = (i + n).min(out.len());
                let copy = out[i..end].to_vec();
                out.splice(end..end, copy);
            }
            Edit::Truncate(at) => {
                let i = pos(at, out.len() + 1);
                out.truncate(i);
            }
        }
    }
    out
}

/// Random edits whose written bytes come from `byte`.
fn edits_with(byte: BoxedStrategy<u8>) -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        3 => (any::<Index>(), 0u8..8).prop_map(|(i, b)| Edit::Flip(i, b)),
        3 => (any::<Index>(), byte.clone()).prop_map(|(i, b)| Edit::Set(i, b)),
        2 => (any::<Index>(), vec(byte, 1..8)).prop_map(|(i, b)| Edit::Insert(i, b)),
        1 => (any::<Index>(), 1usize..16).prop_map(|(i, n)| Edit::Remove(i, n)),
        1 => (any::<Index>(), 1usize..16).prop_map(|(i, n)| Edit::Duplicate(i, n)),
        1 => any::<Index>().prop_map(Edit::Truncate),
    ];
    vec(edit, 1..6)
}

/// Edits for binary encodings: any byte, often a CBOR head.
fn byte_edits() -> impl Strategy<Value = Vec<Edit>> {
    edits_with(prop_oneof![any::<u8>(), proptest::sample::select(CBOR_HEADS)].boxed())
}

/// Edits for QR text that keep it in the Base45 alphabet (except for flips).
fn text_edits() -> impl Strategy<Value = Vec<Edit>> {
    edits_with(proptest::sample::select(&BASE45_ALPHABET[..]).boxed())
}

fn apply_text(base: &str, edits: &[Edit]) -> String {
    String::from_utf8_lossy(&apply(base.as_bytes(), edits)).into_owned()
}

/// Arbitrary CBOR values, with a bias towards the sizes and numbers hawiya
/// structures use (16-, 32- and 64-byte strings, small keys, day counts).
fn arb_cbor() -> impl Strategy<Value = CborValue> {
    let leaf = prop_oneof![
        proptest::sample::select(vec![
            0u64,
            1,
            2,
            5,
            6,
            14,
            15,
            23,
            24,
            255,
            256,
            19_732,
            65_535,
            65_536,
            1 << 32,
            i64::MAX as u64,
            u64::MAX,
        ])
        .prop_map(CborValue::Unsigned),
        any::<u64>().prop_map(CborValue::Unsigned),
        any::<u64>().prop_map(CborValue::Negative),
        (0u64..70).prop_map(CborValue::Negative),
        proptest::sample::select(vec![0usize, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65])
            .prop_flat_map(|n| vec(any::<u8>(), n))
            .prop_map(CborValue::Bytes),
        vec(any::<u8>(), 0..80).prop_map(CborValue::Bytes),
        "\\PC{0,24}".prop_map(CborValue::Text),
        proptest::sample::select(vec![
            "status_list",
            "idx",
            "uri",
            "bits",
            "lst",
            "Test Issuer",
            STATUS_URI,
            "SAU",
        ])
        .prop_map(|s| CborValue::Text(s.to_owned())),
        any::<bool>().prop_map(CborValue::Bool),
        Just(CborValue::Null),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..8).prop_map(CborValue::Array),
            vec((inner.clone(), inner.clone()), 0..6).prop_map(CborValue::Map),
            (
                prop_oneof![Just(18u64), any::<u64>()],
                inner.prop_map(Box::new)
            )
                .prop_map(|(t, v)| CborValue::Tag(t, v)),
        ]
    })
}

/// CBOR nested in a byte string (a COSE payload or protected header, a
/// held credential's credential), looked into by the tree mutations.
fn nested(bytes: &[u8]) -> Option<CborValue> {
    match cbor_decode(bytes) {
        Ok(v @ (CborValue::Array(_) | CborValue::Map(_) | CborValue::Tag(..))) => Some(v),
        _ => None,
    }
}

fn count_nodes(v: &CborValue) -> usize {
    1 + match v {
        CborValue::Array(items) => items.iter().map(count_nodes).sum(),
        CborValue::Map(entries) => entries
            .iter()
            .map(|(k, v)| count_nodes(k) + count_nodes(v))
            .sum(),
        CborValue::Tag(_, inner) => count_nodes(inner),
        CborValue::Bytes(b) => nested(b).map_or(0, |n| count_nodes(&n)),
        _ => 0,
    }
}

/// The pre-order index (as [`replace_nth`] counts) of the first node equal to `target`.
fn position_of(v: &CborValue, target: &CborValue, n: &mut usize) -> Option<usize> {
    if v == target {
        return Some(*n);
    }
    *n += 1;
    match v {
        CborValue::Array(items) => items.iter().find_map(|i| position_of(i, target, n)),
        CborValue::Map(entries) => entries
            .iter()
            .find_map(|(k, v)| position_of(k, target, n).or_else(|| position_of(v, target, n))),
        CborValue::Tag(_, inner) => position_of(inner, target, n),
        CborValue::Bytes(b) => nested(b).and_then(|inner| position_of(&inner, target, n)),
        _ => None,
    }
}

/// Replaces the `n`th node in pre-order (counting CBOR inside byte strings)
/// with `with`, re-encoding the byte strings on the way back up.
fn replace_nth(v: &CborValue, n: &mut Option<usize>, with: &CborValue) -> CborValue {
    match *n {
        None => return v.clone(),
        Some(0) => {
            *n = None;
            return with.clone();
        }
        Some(k) => *n = Some(k - 1),
    }
    match v {
        CborValue::Array(items) => {
            CborValue::Array(items.iter().map(|i| replace_nth(i, n, with)).collect())
        }
        CborValue::Map(entries) => CborValue::Map(
            entries
                .iter()
                .map(|(k, v)| (replace_nth(k, n, with), replace_nth(v, n, with)))
                .collect(),
        ),
        CborValue::Tag(t, inner) => CborValue::Tag(*t, Box::new(replace_nth(inner, n, with))),
        CborValue::Bytes(b) => match nested(b) {
            Some(inner) => CborValue::Bytes(replace_nth(&inner, n, with).to_bytes()),
            None => v.clone(),
        },
        other => other.clone(),
    }
}

/// A valid encoding with one node of its CBOR tree replaced.
fn replace_node(base: &[u8], at: &Index, with: &CborValue) -> Vec<u8> {
    let Ok(tree) = cbor_decode(base) else {
        return base.to_vec();
    };
    let mut n = Some(at.index(count_nodes(&tree)));
    replace_nth(&tree, &mut n, with).to_bytes()
}

/// The encoded protected header `{1: -8, ?4: kid, ?16: typ}`.
fn cose_header(kid: Option<&[u8]>, typ: Option<&str>) -> Vec<u8> {
    let mut map = vec![(CborValue::Unsigned(1), CborValue::Negative(7))];
    if let Some(kid) = kid {
        map.push((CborValue::Unsigned(4), CborValue::Bytes(kid.to_vec())));
    }
    if let Some(typ) = typ {
        map.push((CborValue::Unsigned(16), CborValue::Text(typ.to_owned())));
    }
    CborValue::Map(map).to_bytes()
}

/// Signs a COSE_Sign1 the way hawiya does: tag 18, `[protected, {}, payload, sig]`.
fn sign1(protected: &[u8], payload: &[u8], key: &SecretKey) -> Vec<u8> {
    let to_sign = CborValue::Array(vec![
        CborValue::Text("Signature1".to_owned()),
        CborValue::Bytes(protected.to_vec()),
        CborValue::Bytes(Vec::new()),
        CborValue::Bytes(payload.to_vec()),
    ])
    .to_bytes();
    let signature = key.sign(&to_sign);
    CborValue::Tag(
        18,
        Box::new(CborValue::Array(vec![
            CborValue::Bytes(protected.to_vec()),
            CborValue::Map(Vec::new()),
            CborValue::Bytes(payload.to_vec()),
            CborValue::Bytes(signature.to_vec()),
        ])),
    )
    .to_bytes()
}

/// Re-signs a possibly mutated COSE_Sign1 so its signature verifies again.
fn resign(bytes: &[u8], key: &SecretKey) -> Vec<u8> {
    match cbor_decode(bytes) {
        Ok(CborValue::Tag(18, inner)) => match inner.as_array() {
            Some([CborValue::Bytes(protected), _, CborValue::Bytes(payload), _]) => {
                sign1(protected, payload, key)
            }
            _ => bytes.to_vec(),
        },
        _ => bytes.to_vec(),
    }
}

// ---------------------------------------------------------------------------
// A minimal PNG writer (stored deflate blocks), so image mutations get past the
// CRC and zlib checks and reach the pixel conversion and the QR detector.
// ---------------------------------------------------------------------------

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// zlib stream of stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = if data.is_empty() {
        vec![&[]]
    } else {
        data.chunks(65_535).collect()
    };
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// A PNG with the given header fields, raw (filter-prefixed) scanlines and
/// optional PLTE / tRNS chunks.
fn write_png(
    width: u32,
    height: u32,
    depth: u8,
    color: u8,
    raw: &[u8],
    plte: Option<&[u8]>,
    trns: Option<&[u8]>,
) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[depth, color, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    if let Some(p) = plte {
        chunk(&mut out, b"PLTE", p);
    }
    if let Some(t) = trns {
        chunk(&mut out, b"tRNS", t);
    }
    chunk(&mut out, b"IDAT", &zlib_stored(raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

/// Recomputes every chunk CRC of a (mutated) PNG, as far as its chunk
/// lengths allow, so the mutation is judged by the parser, not the checksum.
fn fix_crcs(png: &mut [u8]) {
    let mut at = 8;
    while at + 12 <= png.len() {
        let len = u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]) as usize;
        let Some(end) = (at + 8).checked_add(len).filter(|e| e + 4 <= png.len()) else {
            return;
        };
        let crc = crc32(&png[at + 4..end]);
        png[end..end + 4].copy_from_slice(&crc.to_be_bytes());
        at = end + 4;
    }
}

/// Pixel formats a QR image may come in: (colour type, bit depth).
const PIXEL_FORMATS: [(u8, u8); 7] = [(0, 8), (0, 16), (0, 1), (2, 8), (4, 8), (6, 8), (6, 16)];

/// Renders QR modules (dark = true) with a 4-module quiet zone at `px` pixels
/// per module in the given pixel format; returns the PNG.
fn render_modules(rows: &[Vec<bool>], px: usize, (color, depth): (u8, u8)) -> Vec<u8> {
    let size = (rows.len() + 8) * px;
    let dark_at = |x: usize, y: usize| {
        let (mx, my) = ((x / px).wrapping_sub(4), (y / px).wrapping_sub(4));
        rows.get(my)
            .and_then(|r| r.get(mx))
            .copied()
            .unwrap_or(false)
    };
    let mut raw = Vec::new();
    for y in 0..size {
        raw.push(0); // filter: none
        if depth == 1 {
            for x0 in (0..size).step_by(8) {
                let mut byte = 0u8;
                for bit in 0..8 {
                    if x0 + bit < size && !dark_at(x0 + bit, y) {
                        byte |= 0x80 >> bit;
                    }
                }
                raw.push(byte);
            }
            continue;
        }
        for x in 0..size {
            let v = if dark_at(x, y) { 0u8 } else { 255 };
            let sample = |raw: &mut Vec<u8>, v: u8| {
                raw.push(v);
                if depth == 16 {
                    raw.push(v);
                }
            };
            let channels = match color {
                0 => 1,
                2 => 3,
                4 => 2,
                _ => 4,
            };
            for c in 0..channels {
                // The alpha channel, when there is one, is opaque.
                let is_alpha = (color == 4 && c == 1) || (color == 6 && c == 3);
                sample(&mut raw, if is_alpha { 255 } else { v });
            }
        }
    }
    write_png(size as u32, size as u32, depth, color, &raw, None, None)
}

/// The valid encodings the mutation strategies start from.
#[derive(Clone, Copy, Debug)]
enum Base {
    TrustList,
    StatusList,
    BindingRequest,
    Credential,
    Held,
    Presentation,
    StaticPresentation,
    DependentCredential,
    DependentHeld,
    DependentPresentation,
    DependentStaticPresentation,
}

impl Base {
    const ALL: [Base; 11] = [
        Base::TrustList,
        Base::StatusList,
        Base::BindingRequest,
        Base::Credential,
        Base::Held,
        Base::Presentation,
        Base::StaticPresentation,
        Base::DependentCredential,
        Base::DependentHeld,
        Base::DependentPresentation,
        Base::DependentStaticPresentation,
    ];

    fn bytes(self) -> &'static [u8] {
        match self {
            Base::TrustList => &FIX.trust_bytes,
            Base::StatusList => &FIX.status_bytes,
            Base::BindingRequest => &FIX.request_bytes,
            Base::Credential => &FIX.credential_bytes,
            Base::Held => &FIX.held_bytes,
            Base::Presentation => &FIX.presentation_bytes,
            Base::StaticPresentation => &FIX.static_bytes,
            Base::DependentCredential => &FIX.dependent_credential_bytes,
            Base::DependentHeld => &FIX.dependent_held_bytes,
            Base::DependentPresentation => &FIX.dependent_bytes,
            Base::DependentStaticPresentation => &FIX.dependent_static_bytes,
        }
    }

    /// The decoder this encoding is meant for, plus the CBOR decoder.
    fn check(self, bytes: &[u8]) -> Result<(), TestCaseError> {
        check_cbor(bytes)?;
        match self {
            Base::TrustList => check_trust_list(bytes),
            Base::StatusList => check_status_list(bytes),
            Base::BindingRequest => check_binding(bytes),
            Base::Credential | Base::DependentCredential => check_credential(bytes),
            Base::Held | Base::DependentHeld => check_held(bytes),
            Base::Presentation
            | Base::StaticPresentation
            | Base::DependentPresentation
            | Base::DependentStaticPresentation => {
                let text = qr(bytes);
                check_presentation_text(&text)?;
                check_verify(&text, PRESENTED_AT)
            }
        }
    }
}

/// One of the valid presentation texts: ordinary or dependent's, device-bound or static.
fn presentation_text(which: usize) -> &'static String {
    match which % 4 {
        0 => &FIX.qr_text,
        1 => &FIX.static_qr_text,
        2 => &FIX.dependent_qr_text,
        _ => &FIX.dependent_static_qr_text,
    }
}

fn any_base() -> impl Strategy<Value = Base> {
    proptest::sample::select(Base::ALL.to_vec())
}

fn base45_text() -> impl Strategy<Value = String> {
    "[0-9A-Z $%*+./:-]{0,400}"
}

// ---------------------------------------------------------------------------
// The properties.
// ---------------------------------------------------------------------------

/// `cases` test cases, times `HAWIYA_PROPTEST_SCALE` when set (e.g. `10` for a
/// longer soak, `0.1` for a quick look). The defaults keep the whole file at a
/// few seconds in a debug build.
fn config(cases: u32) -> ProptestConfig {
    let scale = std::env::var("HAWIYA_PROPTEST_SCALE")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(1.0);
    ProptestConfig {
        cases: ((f64::from(cases) * scale).round() as u32).max(1),
        ..ProptestConfig::default()
    }
}

#[test]
fn fixtures_are_accepted_by_their_decoders() {
    let f = &*FIX;
    assert_eq!(
        TrustList::from_signed(&f.trust_bytes, &f.root_public),
        Ok(f.trust.clone())
    );
    assert!(SignedStatusList::from_signed(&f.status_bytes, &f.trust).is_ok());
    assert_eq!(
        BindingRequest::from_bytes(&f.request_bytes).map(|r| r.to_bytes()),
        Ok(f.request_bytes.clone())
    );
    assert_eq!(
        Credential::from_bytes(&f.credential_bytes).map(|c| c.to_bytes()),
        Ok(f.credential_bytes.clone())
    );
    assert_eq!(
        HeldCredential::from_bytes(&f.held_bytes).map(|h| h.to_bytes()),
        Ok(f.held_bytes.clone())
    );
    assert_eq!(
        Credential::from_bytes(&f.dependent_credential_bytes).map(|c| c.to_bytes()),
        Ok(f.dependent_credential_bytes.clone())
    );
    assert_eq!(
        HeldCredential::from_bytes(&f.dependent_held_bytes).map(|h| h.to_bytes()),
        Ok(f.dependent_held_bytes.clone())
    );
    let texts = [
        &f.qr_text,
        &f.static_qr_text,
        &f.dependent_qr_text,
        &f.dependent_static_qr_text,
    ];
    for text in texts {
        assert_eq!(parse_presentation(text), Ok(()));
        let verdict = verifier().verify(text, PRESENTED_AT, None);
        assert!(verdict.is_accepted(), "{:?}", verdict.failures);
        let is_dependent = [&f.dependent_qr_text, &f.dependent_static_qr_text].contains(&text);
        assert_eq!(verdict.guardian.is_some(), is_dependent);
    }
    assert_eq!(decode_png(&f.qr_png).ok().as_ref(), Some(&f.qr_png_text));
    // The helpers used by the mutation strategies are faithful.
    assert_eq!(resign(&f.trust_bytes, &f.root), f.trust_bytes);
    assert_eq!(resign(&f.status_bytes, &f.issuer_key), f.status_bytes);
    for base in Base::ALL {
        let tree = cbor_decode(base.bytes()).expect("fixture is CBOR");
        let mut n = Some(usize::MAX);
        assert_eq!(
            replace_nth(&tree, &mut n, &CborValue::Null).to_bytes(),
            base.bytes()
        );
    }
}

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn arbitrary_bytes_never_panic_any_byte_decoder(bytes in vec(any::<u8>(), 0..512)) {
        check_all_bytes(&bytes)?;
    }

    #[test]
    fn bytes_starting_with_a_cbor_head_never_panic(
        head in proptest::sample::select(CBOR_HEADS),
        rest in vec(any::<u8>(), 0..128),
    ) {
        let mut bytes = vec![head];
        bytes.extend(rest);
        check_all_bytes(&bytes)?;
    }

    #[test]
    fn arbitrary_cbor_values_round_trip_and_never_panic(value in arb_cbor()) {
        let bytes = value.to_bytes();
        let decoded = on_bytes("cbor_decode", &bytes, cbor_decode)?;
        prop_assert_eq!(decoded.map(|d| d.to_bytes()), Ok(bytes.clone()));
        check_all_bytes(&bytes)?;
        // As a COSE_Sign1 payload signed by the trusted keys, it reaches the
        // trust list and status list payload parsers.
        let trust = sign1(&cose_header(None, Some(TRUST_LIST_TYP)), &bytes, &FIX.root);
        check_trust_list(&trust)?;
        let status = sign1(&cose_header(Some(KID), Some(STATUS_LIST_TYP)), &bytes, &FIX.issuer_key);
        check_status_list(&status)?;
    }

    #[test]
    fn arbitrary_strings_never_panic_any_text_decoder(text in "\\PC{0,300}") {
        check_all_text(&text)?;
    }

    #[test]
    fn base45_alphabet_strings_never_panic(body in base45_text()) {
        check_base45(&body)?;
        check_all_text(&format!("{QR_PREFIX}{body}"))?;
    }

    #[test]
    fn prefixed_base45_of_arbitrary_bytes_never_panics(bytes in vec(any::<u8>(), 0..400)) {
        let text = qr(&bytes);
        let decoded = on_text("base45_decode", &text[4..], base45_decode)?;
        prop_assert_eq!(decoded, Ok(bytes));
        check_all_text(&text)?;
    }

    #[test]
    fn prefixes_never_panic(
        prefix in proptest::sample::select(vec![
            "", "H", "HW", "HW:", "HW0:", "HW1", "HW1:", "HW2", "HW2:", "HW3:", "HW02:",
            "HW18446744073709551616:", "hw2:", "HW٢:", "HWC:", "HWC:1", "HWC:١٢٣٤٥٦",
        ]),
        body in "[0-9A-Z $%*+./:-]{0,40}",
    ) {
        check_all_text(&format!("{prefix}{body}"))?;
    }

    #[test]
    fn mutated_valid_encodings_never_panic(base in any_base(), edits in byte_edits()) {
        let bytes = apply(base.bytes(), &edits);
        base.check(&bytes)?;
    }

    #[test]
    fn mutated_valid_encodings_never_panic_any_decoder(base in any_base(), edits in byte_edits()) {
        check_all_bytes(&apply(base.bytes(), &edits))?;
    }

    #[test]
    fn structure_mutated_valid_encodings_never_panic(
        base in any_base(),
        at in any::<Index>(),
        with in arb_cbor(),
    ) {
        let bytes = replace_node(base.bytes(), &at, &with);
        base.check(&bytes)?;
        // Signed lists are signed again so their payload parsers see the change.
        match base {
            Base::TrustList => check_trust_list(&resign(&bytes, &FIX.root))?,
            Base::StatusList => check_status_list(&resign(&bytes, &FIX.issuer_key))?,
            _ => {}
        }
    }

    #[test]
    fn mutated_signed_list_payloads_never_panic(trust in any::<bool>(), edits in byte_edits()) {
        let (base, key) = if trust {
            (&FIX.trust_bytes, &FIX.root)
        } else {
            (&FIX.status_bytes, &FIX.issuer_key)
        };
        let Ok(CborValue::Tag(_, inner)) = cbor_decode(base) else {
            return Err(TestCaseError::fail("fixture is not a COSE_Sign1"));
        };
        let Some([CborValue::Bytes(protected), _, CborValue::Bytes(payload), _]) =
            inner.as_array()
        else {
            return Err(TestCaseError::fail("fixture is not a COSE_Sign1"));
        };
        let signed = sign1(protected, &apply(payload, &edits), key);
        if trust {
            check_trust_list(&signed)?;
        } else {
            check_status_list(&signed)?;
        }
    }

    #[test]
    fn generated_trust_lists_round_trip(
        version in any::<u64>(),
        issued_at in any::<i64>(),
        entries in vec(
            (
                vec(any::<u8>(), 0..20),
                any::<[u8; 32]>(),
                "\\PC{0,20}",
                "\\PC{0,30}",
                any::<i64>(),
                any::<i64>(),
            ),
            0..4,
        ),
    ) {
        let issuers = entries
            .into_iter()
            .map(|(kid, seed, name, status_uri, not_before, not_after)| TrustedIssuer {
                kid,
                public_key: SecretKey::from_bytes(&seed).public_key(),
                name,
                status_uri,
                not_before: UnixTime(not_before),
                not_after: UnixTime(not_after),
            })
            .collect();
        let list = TrustList { version, issued_at: UnixTime(issued_at), issuers };
        if let Ok(bytes) = list.sign(&FIX.root) {
            let parsed = on_bytes("TrustList::from_signed", &bytes, |b| {
                TrustList::from_signed(b, &FIX.root_public)
            })?;
            prop_assert_eq!(parsed, Ok(list));
        }
    }

    #[test]
    fn generated_status_lists_round_trip(
        issued_at in prop_oneof![any::<i64>(), 0i64..=4_000_000_000],
        ttl in prop_oneof![any::<u64>(), 0u64..=(1 << 40)],
        bits in vec(any::<u8>(), 0..256),
        own_address in any::<bool>(),
    ) {
        let list = SignedStatusList {
            uri: if own_address {
                STATUS_URI.to_owned()
            } else {
                "https://elsewhere.example/".to_owned()
            },
            issued_at: UnixTime(issued_at),
            ttl,
            list: StatusList::from_raw(bits).map_err(|e| TestCaseError::fail(e.to_string()))?,
        };
        let bytes = FIX.issuer.sign_status_list(&list);
        let parsed = on_bytes("SignedStatusList::from_signed", &bytes, |b| {
            SignedStatusList::from_signed(b, &FIX.trust)
        })?;
        // Accepted exactly when the address is the issuer's, the signing time
        // is inside the key's window (0 ..= 4e9 in the fixture trust list) and
        // exp = iat + ttl is representable.
        let in_window = (0..=4_000_000_000).contains(&issued_at);
        let exp_fits = i64::try_from(ttl).ok().and_then(|t| issued_at.checked_add(t)).is_some();
        if own_address && in_window && exp_fits {
            prop_assert_eq!(parsed, Ok(list));
        } else {
            prop_assert!(parsed.is_err());
        }
    }
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn mutated_qr_text_never_panics(which in 0..4usize, edits in text_edits()) {
        check_all_text(&apply_text(presentation_text(which), &edits))?;
    }

    #[test]
    fn mutated_qr_text_with_any_bytes_never_panics(edits in byte_edits()) {
        check_all_text(&apply_text(&FIX.qr_text, &edits))?;
    }

    #[test]
    fn verifier_never_panics_at_any_time(
        now in prop_oneof![
            any::<i64>(),
            Just(i64::MIN),
            Just(i64::MAX),
            (-200i64..200).prop_map(|d| PRESENTED_AT.0 + d),
        ],
        which in 0..4usize,
        edits in proptest::option::of(text_edits()),
    ) {
        let base = presentation_text(which);
        let text = edits.map_or_else(|| base.clone(), |e| apply_text(base, &e));
        check_verify(&text, UnixTime(now))?;
    }
}

proptest! {
    // Each case issues a credential: fewer cases.
    #![proptest_config(config(256))]

    /// The issuer writes a guardian exactly when it is a valid document
    /// number other than the dependent's own, and the decoder reads the 5th
    /// element of the hawiya claim by the same rule: an unsigned integer,
    /// never its text spelling.
    #[test]
    fn guardians_are_issued_and_read_exactly_when_valid(
        guardian in prop_oneof![
            1_000_000_000u64..=2_999_999_999,
            0u64..=12_000_000_000,
            Just(dependent().document_number),
            prop_oneof![
                Just(0u64),
                Just(999_999_999),
                Just(1_000_000_000),
                Just(2_999_999_999),
                Just(3_000_000_000),
                Just(u64::from(u32::MAX)),
                Just(u64::MAX),
            ],
            any::<u64>(),
        ],
    ) {
        // The rule, stated on the decimal spelling: 10 digits, 1 or 2 first.
        let digits = guardian.to_string();
        let number_ok = digits.len() == 10 && matches!(digits.as_bytes()[0], b'1' | b'2');
        let own_number = guardian == dependent().document_number;
        let device_key = SecretKey::from_bytes(&[3; 32]);
        let request = BindingRequest::new(&device_key, &NONCE)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let binding = request
            .check(&NONCE)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let issued = run("Issuer::issue_to_guardian", || digits.clone(), || {
            FIX.issuer.issue_to_guardian(
                &dependent(),
                &binding,
                guardian,
                6,
                ISSUED_AT,
                &mut rand_core::OsRng,
            )
        })?;
        prop_assert_eq!(issued.is_ok(), number_ok && !own_number, "{:?}", issued.err());
        // The print credential takes a guardian by the same rule.
        let printed = run("Issuer::issue_print", || digits.clone(), || {
            FIX.issuer.issue_print(
                &dependent(),
                Some(guardian),
                9,
                ISSUED_AT,
                &mut rand_core::OsRng,
            )
        })?;
        prop_assert_eq!(printed.is_ok(), number_ok && !own_number, "{:?}", printed.err());
        if let (Ok(held), Ok(print)) = (issued, printed) {
            prop_assert_eq!(held.info().guardian, Some(guardian));
            prop_assert_eq!(print.info().guardian, Some(guardian));
            let phone = Presentation::device_bound(
                &held,
                &Disclosure::AgeOver18,
                &device_key,
                &PHONE_CLOCK,
                None,
            )
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let card = Presentation::static_form(&print, &Disclosure::AgeOver18)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            for text in [phone.qr_text(), card.qr_text()] {
                let verdict = verifier().verify(&text, PRESENTED_AT, None);
                prop_assert!(verdict.is_accepted(), "{:?}", verdict.failures);
                prop_assert_eq!(verdict.guardian, Some(guardian));
            }
        }
        // The same number in place of the dependent fixture's guardian, as
        // an unsigned integer (read exactly when valid) and as text (never).
        let tree = cbor_decode(&FIX.dependent_credential_bytes)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let at = position_of(&tree, &CborValue::Unsigned(GUARDIAN), &mut 0);
        prop_assert!(at.is_some(), "fixture has no guardian");
        for (with, readable) in [
            (CborValue::Unsigned(guardian), number_ok),
            (CborValue::Text(digits.clone()), false),
        ] {
            let bytes = replace_nth(&tree, &mut at.clone(), &with).to_bytes();
            let read = on_bytes("Credential::from_bytes", &bytes, Credential::from_bytes)?;
            prop_assert_eq!(read.is_ok(), readable, "{:?}: {:?}", with, read.err());
            check_credential(&bytes)?;
        }
    }
}

proptest! {
    // PNG decoding runs a QR detector over every image: keep the count small.
    #![proptest_config(config(32))]

    #[test]
    fn arbitrary_bytes_never_panic_decode_png(bytes in vec(any::<u8>(), 0..1024)) {
        check_png(&bytes)?;
    }

    #[test]
    fn bytes_after_a_png_signature_never_panic_decode_png(rest in vec(any::<u8>(), 0..1024)) {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.extend(rest);
        check_png(&bytes)?;
    }

    #[test]
    fn mutated_qr_png_never_panics(edits in byte_edits(), fix in any::<bool>()) {
        let mut bytes = apply(&FIX.qr_png, &edits);
        if fix {
            fix_crcs(&mut bytes);
        }
        if let Ok(text) = on_bytes("decode_png", &bytes, decode_png)? {
            // Whatever is read off a mutated image goes to the verifier next.
            check_all_text(&text)?;
        }
    }

    #[test]
    fn arbitrary_images_never_panic_decode_png(
        width in prop_oneof![1u32..48, Just(0u32), any::<u32>()],
        height in prop_oneof![1u32..48, Just(0u32), any::<u32>()],
        color in proptest::sample::select(vec![0u8, 2, 3, 4, 6, 1, 255]),
        depth in proptest::sample::select(vec![1u8, 2, 4, 8, 16, 0, 3]),
        raw in vec(any::<u8>(), 0..4096),
        plte in proptest::option::of(vec(any::<u8>(), 0..64)),
        trns in proptest::option::of(vec(any::<u8>(), 0..16)),
    ) {
        let png = write_png(width, height, depth, color, &raw, plte.as_deref(), trns.as_deref());
        check_png(&png)?;
    }

    #[test]
    fn qr_images_in_every_pixel_format_decode_and_damaged_ones_never_panic(
        format in proptest::sample::select(PIXEL_FORMATS.to_vec()),
        px in 1usize..4,
        damage in vec((any::<Index>(), any::<Index>()), 0..40),
    ) {
        let matrix = QrMatrix::encode(&FIX.qr_png_text, EccLevel::M).expect("encode");
        let mut rows = matrix.rows();
        if px >= 2 {
            // An undamaged symbol reads back exactly, whatever the pixel format.
            let clean = render_modules(&rows, px, format);
            let text = on_bytes("decode_png", &clean, decode_png)?;
            prop_assert_eq!(text.ok(), Some(FIX.qr_png_text.clone()), "format {:?}", format);
        }
        let n = rows.len();
        for (y, x) in &damage {
            let (y, x) = (y.index(n), x.index(n));
            rows[y][x] = !rows[y][x];
        }
        let damaged = render_modules(&rows, px, format);
        if let Ok(text) = on_bytes("decode_png", &damaged, decode_png)? {
            check_all_text(&text)?;
        }
    }
}
