//! The test vectors of docs/FORMAT.md: regenerated from fixed keys, seeds and
//! times and compared byte for byte with docs/test-vectors.json. Set
//! HAWIYA_UPDATE_VECTORS=1 to rewrite the file after a deliberate format change.

use std::path::PathBuf;

use hawiya_core::internal::{cbor_decode, CborValue};
use hawiya_core::{
    Assurance, Challenge, ChallengeCode, Disclosure, DocumentType, FixedClock, HeldCredential,
    Policy, Presentation, SignedStatusList, UnixTime, Verifier,
};
use hawiya_tests::*;
use serde_json::{json, Value};

fn vectors_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/test-vectors.json")
}

fn cose_parts(bytes: &[u8]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let CborValue::Tag(18, inner) = cbor_decode(bytes).unwrap() else {
        panic!("not COSE_Sign1")
    };
    let items = inner.as_array().unwrap();
    (
        items[0].as_bytes().unwrap().to_vec(),
        items[2].as_bytes().unwrap().to_vec(),
        items[3].as_bytes().unwrap().to_vec(),
    )
}

/// The credential of a held credential: COSE_Sign1 and its parts, and the
/// guardian's number for a dependent's credential.
fn credential_json(held: &HeldCredential) -> Value {
    let cose = held.credential().to_bytes();
    let (protected, payload, signature) = cose_parts(&cose);
    let sig_structure = CborValue::Array(vec![
        CborValue::text("Signature1"),
        CborValue::Bytes(protected.clone()),
        CborValue::Bytes(vec![]),
        CborValue::Bytes(payload.clone()),
    ])
    .to_bytes();
    let mut credential = json!({
        "document": match held.info().document_type {
            DocumentType::ResidentPermit => "resident_permit",
            _ => "national_id",
        },
        "kind": if held.info().is_print_only() { "print" } else { "phone" },
        "status_index": held.info().status_index,
        "cose_sign1": hex::encode(&cose),
        "protected": hex::encode(&protected),
        "payload": hex::encode(&payload),
        "sig_structure": hex::encode(&sig_structure),
        "signature": hex::encode(&signature),
        "commitment_root": hex::encode(held.info().root),
    });
    if let Some(guardian) = held.info().guardian {
        credential["guardian"] = json!(guardian);
    }
    credential
}

/// The holder's claims and seeds.
fn holder_json(held: &HeldCredential) -> Value {
    let stored = cbor_decode(&held.to_bytes()).unwrap();
    let stored = stored.as_array().unwrap();
    let claims: serde_json::Map<String, Value> = stored[2]
        .as_map()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            (
                k.as_u64().unwrap().to_string(),
                json!(hex::encode(v.to_bytes())),
            )
        })
        .collect();
    json!({
        "claims_by_key": claims,
        "root_seed": hex::encode(stored[3].as_bytes().unwrap()),
        "sealed_seeds": stored[4].as_array().unwrap().iter().map(|s| hex::encode(s.as_bytes().unwrap())).collect::<Vec<_>>(),
    })
}

/// How a vector presentation is made: by the phone at the fixture time
/// (answering the fixture challenge or not), or printed.
#[derive(Clone, Copy)]
enum Made {
    Timed,
    Challenged,
    Printed,
}

type Shape<'a> = (&'a str, Disclosure, Made);

fn presentations_json(held: &HeldCredential, shapes: Vec<Shape>) -> Vec<Value> {
    let mut presentations = Vec::new();
    for (name, disclosure, made) in shapes {
        let clock = FixedClock(PRESENTED_AT);
        let (p, assurance) = match made {
            Made::Timed => (
                Presentation::device_bound(held, &disclosure, &device_key(), &clock, None),
                Assurance::Timed,
            ),
            Made::Challenged => (
                Presentation::device_bound(
                    held,
                    &disclosure,
                    &device_key(),
                    &clock,
                    Some(challenge().code()),
                ),
                Assurance::Challenged,
            ),
            Made::Printed => (
                Presentation::static_form(held, &disclosure),
                Assurance::Printed,
            ),
        };
        let p = p.unwrap();
        let fields = cbor_decode(p.bytes()).unwrap();
        let proof = fields.as_array().unwrap()[9].as_bytes().unwrap().to_vec();
        let shown = matches!(made, Made::Challenged).then(challenge);
        presentations.push(json!({
            "name": name,
            "disclosed": p.disclosed().iter().map(|k| k.name()).collect::<Vec<_>>(),
            "presented_at": p.presented_at().map(|t| t.0),
            "challenge": shown.map(|c| json!({
                "code": c.code().value(),
                "issued_at": c.issued_at().0,
            })),
            "bytes": hex::encode(p.bytes()),
            "byte_count": p.bytes().len(),
            "proof": hex::encode(&proof),
            "qr_text": p.qr_text(),
            "verify_at": PRESENTED_AT.0,
            "expected": "accepted",
            "expected_assurance": assurance.code(),
        }));
    }
    presentations
}

/// A credential with its holder data and presentations.
fn document_json(held: &HeldCredential, shapes: Vec<Shape>) -> Value {
    json!({
        "credential": credential_json(held),
        "holder": holder_json(held),
        "presentations": presentations_json(held, shapes),
    })
}

/// The verifier settings of a rejection vector: the default policy with
/// `min_assurance` and `require_fresh_status` as given.
#[derive(Clone, Copy)]
struct Setting {
    min_assurance: Assurance,
    require_fresh_status: bool,
    /// Whether the verifier has the vectors' status list.
    status_list: bool,
    /// How many times the code is scanned; the last verdict is the vector's.
    scans: usize,
}

const DEFAULT_SETTING: Setting = Setting {
    min_assurance: Assurance::Printed,
    require_fresh_status: false,
    status_list: true,
    scans: 1,
};

/// The presentation array of QR text.
fn qr_fields(qr_text: &str) -> Vec<CborValue> {
    let body = qr_text.split_once(':').unwrap().1;
    let bytes = hawiya_core::internal::base45_decode(body).unwrap();
    cbor_decode(&bytes).unwrap().as_array().unwrap().to_vec()
}

/// QR text of a presentation array.
fn qr_of(fields: Vec<CborValue>) -> String {
    format!(
        "HW2:{}",
        hawiya_core::internal::base45_encode(&CborValue::Array(fields).to_bytes())
    )
}

/// A rejection vector before it is verified: name, what it is, QR text,
/// verification time, the challenge shown, the verifier settings.
type Case<'a> = (
    &'a str,
    &'a str,
    String,
    UnixTime,
    Option<Challenge>,
    Setting,
);

/// The rejection vectors: at least one per failure code, each a code a
/// verifier with the given settings must refuse with exactly these reasons.
fn rejections_json(
    held: &HeldCredential,
    print: &HeldCredential,
    trust: &hawiya_core::TrustList,
    status: &SignedStatusList,
) -> Vec<Value> {
    let clock = FixedClock(PRESENTED_AT);
    let device = device_key();
    let timed = Presentation::device_bound(held, &Disclosure::AgeOver18, &device, &clock, None)
        .unwrap()
        .qr_text();
    let challenged = Presentation::device_bound(
        held,
        &Disclosure::AgeOver18,
        &device,
        &clock,
        Some(challenge().code()),
    )
    .unwrap()
    .qr_text();
    let full = Presentation::device_bound(held, &Disclosure::Full, &device, &clock, None)
        .unwrap()
        .qr_text();
    let printed = Presentation::static_form(print, &Disclosure::AgeOver18)
        .unwrap()
        .qr_text();
    // A print credential at the status list's revoked index 7.
    let revoked_print = issue_print(&national_id(), None, 7);
    let revoked = Presentation::static_form(&revoked_print, &Disclosure::AgeOver18)
        .unwrap()
        .qr_text();
    // A print credential signed in 2019, before the issuer key's validity
    // (2020-01-01 to 2040-01-01 in the trust list).
    let early_print = issuer()
        .issue_print(
            &national_id(),
            None,
            11,
            UnixTime(1_560_000_000),
            &mut FixedRng::new("hawiya test vectors: early print"),
        )
        .unwrap();
    let early = Presentation::static_form(&early_print, &Disclosure::AgeOver18)
        .unwrap()
        .qr_text();
    let expires_at = print.info().expires_at().0;

    // Tampered codes.
    let mut claim_flipped = qr_fields(&printed);
    claim_flipped[8] = CborValue::Map(vec![(CborValue::Unsigned(10), CborValue::Bool(false))]);
    let mut ts_moved = qr_fields(&timed);
    if let Some(CborValue::Array(part)) = ts_moved.last_mut() {
        part[0] = CborValue::Unsigned(PRESENTED_AT.0 as u64 + 1);
    }
    let mut other_kid = qr_fields(&printed);
    other_kid[1] = CborValue::Bytes(vec![0x02]);
    let mut stripped = qr_fields(&full);
    stripped.pop();
    let mut printed_with_device_part = qr_fields(&printed);
    printed_with_device_part.push(qr_fields(&timed).pop().unwrap());
    let mut code_out_of_range = qr_fields(&challenged);
    if let Some(CborValue::Array(part)) = code_out_of_range.last_mut() {
        part[1] = CborValue::Unsigned(99_999);
    }
    let old_version = format!("HW1:{}", timed.split_once(':').unwrap().1);
    let leading_zero = format!("HW02:{}", timed.split_once(':').unwrap().1);
    let trailing_space = format!("{printed} ");
    let mut version_element = qr_fields(&printed);
    version_element[0] = CborValue::Unsigned(1);

    let other_code = Challenge::new(
        ChallengeCode::from_value(123_456).unwrap(),
        challenge().issued_at(),
    );
    let shown_long_ago = Challenge::new(challenge().code(), UnixTime(PRESENTED_AT.0 - 200));
    let now = PRESENTED_AT;
    let strict = Setting {
        require_fresh_status: true,
        ..DEFAULT_SETTING
    };
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        ("malformed_base45", "not Base45 after the prefix", "HW2:hw2".into(), now, None, DEFAULT_SETTING),
        ("malformed_device_part_on_printed_code", "a printed (print-only) code with a phone's device part appended: a print-only credential has no device key (§6.2)", qr_of(printed_with_device_part), now, None, DEFAULT_SETTING),
        ("malformed_challenge_code", "a challenge element outside 100000 to 999999 (§11)", qr_of(code_out_of_range), now, Some(challenge()), DEFAULT_SETTING),
        ("unsupported_version", "the timed age_over_18 code under the format 1 prefix", old_version, now, None, DEFAULT_SETTING),
        ("malformed_prefix_leading_zero", "the timed age_over_18 code under the prefix HW02: (one spelling per version, §6.1)", leading_zero, now, None, DEFAULT_SETTING),
        ("malformed_version_element", "the printed age_over_18 code whose array's first element is 1 under the HW2: prefix (§6.1)", qr_of(version_element), now, None, DEFAULT_SETTING),
        ("malformed_trailing_space", "the printed age_over_18 code with a space after it (nothing is trimmed, §6.1)", trailing_space, now, None, DEFAULT_SETTING),
        ("unknown_issuer_key", "the printed age_over_18 code with kid 02, which the trust list does not hold", qr_of(other_kid), now, None, DEFAULT_SETTING),
        ("bad_issuer_signature", "the printed age_over_18 code claiming age_over_18 false", qr_of(claim_flipped), now, None, DEFAULT_SETTING),
        ("issuer_key_not_valid", "a print credential signed on 2019-06-08, before the issuer key's validity", early, now, None, DEFAULT_SETTING),
        ("revoked", "a print credential at status index 7, which the status list marks invalid", revoked, now, None, DEFAULT_SETTING),
        ("credential_not_yet_valid", "the printed age_over_18 code, verified 31 s before the credential's first day begins (without a status list)", printed.clone(), UnixTime(ISSUED_AT.0 - 31), None, Setting { status_list: false, ..DEFAULT_SETTING }),
        ("credential_expired", "the printed age_over_18 code, verified at its expiry plus the clock skew", printed.clone(), UnixTime(expires_at + 30), None, DEFAULT_SETTING),
        ("status_unknown", "the timed age_over_18 code, no status list, fresh status required", timed.clone(), now, None, Setting { status_list: false, ..strict }),
        ("status_stale", "the printed age_over_18 code, one second past the status list's time to live, fresh status required", printed.clone(), UnixTime(ISSUED_AT.0 + 86_401), None, strict),
        ("device_signature_required", "the timed full code with its device part removed", qr_of(stripped), now, None, DEFAULT_SETTING),
        ("bad_device_signature", "the timed age_over_18 code with its signed time moved by one second", qr_of(ts_moved), now, None, DEFAULT_SETTING),
        ("presentation_from_future", "the timed age_over_18 code, verified 31 s before the phone signed it", timed.clone(), UnixTime(now.0 - 31), None, DEFAULT_SETTING),
        ("presentation_stale", "the timed age_over_18 code, verified 151 s after the phone signed it", timed.clone(), UnixTime(now.0 + 151), None, DEFAULT_SETTING),
        ("replayed", "the timed age_over_18 code scanned twice: the second scan", timed.clone(), now, None, Setting { scans: 2, ..DEFAULT_SETTING }),
        ("challenge_not_answered", "the timed age_over_18 code, while the verifier showed the fixture challenge", timed.clone(), now, Some(challenge()), DEFAULT_SETTING),
        ("challenge_not_answered_printed", "the printed age_over_18 code, while the verifier showed the fixture challenge", printed.clone(), now, Some(challenge()), DEFAULT_SETTING),
        ("challenge_mismatch", "the challenged age_over_18 code, while the verifier showed 123456", challenged.clone(), now, Some(other_code), DEFAULT_SETTING),
        ("challenge_expired", "the challenged age_over_18 code, answering a challenge shown 200 s before", challenged, now, Some(shown_long_ago), DEFAULT_SETTING),
        ("assurance_below_minimum", "the printed age_over_18 code, where at least timed is required", printed, now, None, Setting { min_assurance: Assurance::Timed, ..DEFAULT_SETTING }),
        ("assurance_below_minimum_timed", "the timed age_over_18 code, where challenged is required", timed, now, None, Setting { min_assurance: Assurance::Challenged, ..DEFAULT_SETTING }),
    ];
    cases
        .into_iter()
        .map(|(name, about, qr_text, at, shown, setting)| {
            let policy = Policy {
                min_assurance: setting.min_assurance,
                require_fresh_status: setting.require_fresh_status,
                ..Policy::default()
            };
            let mut verifier = Verifier::new(trust.clone(), policy);
            if setting.status_list {
                verifier.add_status_list(status.clone());
            }
            let mut verdict = verifier.verify(&qr_text, at, shown.as_ref());
            for _ in 1..setting.scans {
                verdict = verifier.verify(&qr_text, at, shown.as_ref());
            }
            assert!(!verdict.is_accepted(), "{name}: accepted");
            json!({
                "name": name,
                "about": about,
                "qr_text": qr_text,
                "verify_at": at.0,
                "challenge": shown.map(|c| json!({
                    "code": c.code().value(),
                    "issued_at": c.issued_at().0,
                })),
                "policy": {
                    "min_assurance": setting.min_assurance.code(),
                    "require_fresh_status": setting.require_fresh_status,
                },
                "status_list": setting.status_list,
                "scans": setting.scans,
                "expected": "rejected",
                "expected_failures": verdict.failures.iter().map(|f| f.code()).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn generate() -> Value {
    let issuer = issuer();
    let trust = trust_list();
    let trust_bytes = trust.sign(&root_key()).unwrap();

    let status_bytes = signed_status_list(64, &[7], ISSUED_AT, 86_400);

    let held = issue(&national_id(), 5);
    let print = issue_print(&national_id(), None, 8);
    let dependent = issue_to_guardian(&hawiya_tests::dependent(), 6);
    let dependent_print = issue_print(&hawiya_tests::dependent(), Some(GUARDIAN), 9);

    let shapes = vec![
        ("full", Disclosure::Full, Made::Timed),
        ("identity", Disclosure::Identity, Made::Timed),
        ("age_over_18", Disclosure::AgeOver18, Made::Timed),
        ("full_challenged", Disclosure::Full, Made::Challenged),
        (
            "identity_challenged",
            Disclosure::Identity,
            Made::Challenged,
        ),
        (
            "age_over_18_challenged",
            Disclosure::AgeOver18,
            Made::Challenged,
        ),
    ];
    let print_shapes = vec![
        ("printed_full", Disclosure::Full, Made::Printed),
        ("printed_age_over_18", Disclosure::AgeOver18, Made::Printed),
    ];
    let dependent_shapes = vec![("dependent_full", Disclosure::Full, Made::Timed)];
    let dependent_print_shapes = vec![("dependent_printed_full", Disclosure::Full, Made::Printed)];
    let status = SignedStatusList::from_signed(&status_bytes, &trust).unwrap();
    let rejections = rejections_json(&held, &print, &trust, &status);

    json!({
        "about": "hawiya format version 2 test vectors; see docs/FORMAT.md §10. All hex is lowercase. \
                  The secret keys and seeds are fixed test values: never use them for anything else.",
        "keys": {
            "root_secret": hex::encode(*root_key().to_bytes()),
            "root_public": hex::encode(root_key().public_key().as_bytes()),
            "issuer_secret": hex::encode([2u8; 32]),
            "issuer_public": hex::encode(issuer.public_key().as_bytes()),
            "issuer_kid": hex::encode(KID),
            "device_secret": hex::encode(*device_key().to_bytes()),
            "device_public": hex::encode(device_key().public_key().as_bytes()),
        },
        "issuer": { "name": ISSUER_NAME, "status_uri": STATUS_URI },
        "binding_nonce": hex::encode(NONCE),
        "issued_at": ISSUED_AT.0,
        "trust_list": hex::encode(&trust_bytes),
        "status_list": { "revoked_index": 7, "issued_at": ISSUED_AT.0, "ttl": 86_400, "token": hex::encode(&status_bytes) },
        "challenge": {
            "about": "The challenge the fixture verifier showed (docs/FORMAT.md §11): the \
                      *_challenged presentations answer it.",
            "code": challenge().code().value(),
            "qr_text": challenge().code().qr_text(),
            "issued_at": challenge().issued_at().0,
        },
        "credential": credential_json(&held),
        "holder": holder_json(&held),
        "presentations": presentations_json(&held, shapes),
        "print": {
            "about": "The print-only credential of the same national ID (docs/FORMAT.md §5.2): \
                      no cnf, its own seeds and status index, shown only as a static code.",
            "credential": credential_json(&print),
            "holder": holder_json(&print),
            "presentations": presentations_json(&print, print_shapes),
        },
        "dependent": {
            "about": "A dependent's credential: a child's national ID issued to the guardian's \
                      device (the fixture device key) with the guardian's document number, \
                      presented with the guardian's device key, and its print credential. \
                      See docs/FORMAT.md §5 and §6.2.",
            "credential": credential_json(&dependent),
            "holder": holder_json(&dependent),
            "presentations": presentations_json(&dependent, dependent_shapes),
            "print": document_json(&dependent_print, dependent_print_shapes),
        },
        "rejections": {
            "about": "Codes a verifier must refuse, at least one per reason code (docs/FORMAT.md §9 \
                      and §11). Each is verified at verify_at with the default policy (clock skew \
                      30 s, freshness 120 s, status at most 7 days old) except for policy, with the \
                      vectors' trust list, with the vectors' status list when status_list is true, \
                      and against challenge when it is not null. With scans 2 the same verifier \
                      scans the code twice and the second verdict counts. expected_failures are \
                      the reason codes of that verdict, in the order of §9.",
            "vectors": rejections,
        },
    })
}

#[test]
fn test_vectors_match_docs() {
    let generated = serde_json::to_string_pretty(&generate()).unwrap() + "\n";
    let path = vectors_path();
    if std::env::var_os("HAWIYA_UPDATE_VECTORS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with HAWIYA_UPDATE_VECTORS=1 to create it",
            path.display()
        )
    });
    assert!(committed == generated, "docs/test-vectors.json is out of date with the code; if the format change is deliberate, rerun with HAWIYA_UPDATE_VECTORS=1 and update docs/FORMAT.md");
}

/// The committed vectors, with their trust list and status list read and
/// checked against the root key they name.
fn committed() -> (Value, hawiya_core::TrustList, SignedStatusList) {
    let vectors: Value =
        serde_json::from_str(&std::fs::read_to_string(vectors_path()).unwrap()).unwrap();
    let root = hawiya_core::PublicKey::from_bytes(
        &hex::decode(vectors["keys"]["root_public"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    let trust = hawiya_core::TrustList::from_signed(
        &hex::decode(vectors["trust_list"].as_str().unwrap()).unwrap(),
        &root,
    )
    .unwrap();
    let status = SignedStatusList::from_signed(
        &hex::decode(vectors["status_list"]["token"].as_str().unwrap()).unwrap(),
        &trust,
    )
    .unwrap();
    (vectors, trust, status)
}

#[test]
fn committed_vectors_verify() {
    let (vectors, trust, status) = committed();
    assert!(status.list.is_invalid(7).unwrap());
    let guardian = vectors["dependent"]["credential"]["guardian"].as_u64();
    assert_eq!(guardian, Some(GUARDIAN));
    let list = |v: &Value| v.as_array().unwrap().clone();
    let all: Vec<(Value, Option<u64>)> = [
        (list(&vectors["presentations"]), None),
        (list(&vectors["print"]["presentations"]), None),
        (list(&vectors["dependent"]["presentations"]), guardian),
        (
            list(&vectors["dependent"]["print"]["presentations"]),
            guardian,
        ),
    ]
    .into_iter()
    .flat_map(|(ps, g)| ps.into_iter().map(move |p| (p, g)))
    .collect();
    assert_eq!(all.len(), 10);
    for (p, guardian) in &all {
        let mut verifier = Verifier::new(trust.clone(), Policy::default());
        verifier.add_status_list(status.clone());
        let shown = p["challenge"].as_object().map(|c| {
            Challenge::new(
                ChallengeCode::from_value(c["code"].as_u64().unwrap() as u32).unwrap(),
                UnixTime(c["issued_at"].as_i64().unwrap()),
            )
        });
        let verdict = verifier.verify(
            p["qr_text"].as_str().unwrap(),
            UnixTime(p["verify_at"].as_i64().unwrap()),
            shown.as_ref(),
        );
        assert!(
            verdict.is_accepted(),
            "{}: {:?}",
            p["name"],
            verdict.failures
        );
        assert_eq!(
            verdict.assurance.map(Assurance::code),
            p["expected_assurance"].as_str(),
            "{}",
            p["name"]
        );
        assert_eq!(verdict.guardian, *guardian, "{}", p["name"]);
    }
}

#[test]
fn committed_rejection_vectors_are_refused_for_their_reasons() {
    let (vectors, trust, status) = committed();
    let rejections = vectors["rejections"]["vectors"].as_array().unwrap();
    let mut reasons = std::collections::BTreeSet::new();
    for v in rejections {
        let name = v["name"].as_str().unwrap();
        let policy = Policy {
            min_assurance: Assurance::from_code(v["policy"]["min_assurance"].as_str().unwrap())
                .unwrap(),
            require_fresh_status: v["policy"]["require_fresh_status"].as_bool().unwrap(),
            ..Policy::default()
        };
        let mut verifier = Verifier::new(trust.clone(), policy);
        if v["status_list"].as_bool().unwrap() {
            verifier.add_status_list(status.clone());
        }
        let shown = v["challenge"].as_object().map(|c| {
            Challenge::new(
                ChallengeCode::from_value(c["code"].as_u64().unwrap() as u32).unwrap(),
                UnixTime(c["issued_at"].as_i64().unwrap()),
            )
        });
        let at = UnixTime(v["verify_at"].as_i64().unwrap());
        let text = v["qr_text"].as_str().unwrap();
        let scans = v["scans"].as_u64().unwrap();
        for _ in 1..scans {
            assert!(
                verifier.verify(text, at, shown.as_ref()).is_accepted(),
                "{name}: the scan before the replay"
            );
        }
        let verdict = verifier.verify(text, at, shown.as_ref());
        let got: Vec<&str> = verdict.failures.iter().map(|f| f.code()).collect();
        let expected: Vec<&str> = v["expected_failures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(got, expected, "{name}");
        assert!(!expected.is_empty(), "{name}");
        assert_eq!(verdict.assurance, None, "{name}");
        assert!(verdict.claims.is_empty(), "{name}");
        reasons.extend(expected.iter().map(|c| c.to_string()));
    }
    // One vector at least for every reason code of the verdict.
    let every = [
        "assurance_below_minimum",
        "bad_device_signature",
        "bad_issuer_signature",
        "challenge_expired",
        "challenge_mismatch",
        "challenge_not_answered",
        "credential_expired",
        "credential_not_yet_valid",
        "device_signature_required",
        "issuer_key_not_valid",
        "malformed",
        "presentation_from_future",
        "presentation_stale",
        "replayed",
        "revoked",
        "status_stale",
        "status_unknown",
        "unknown_issuer_key",
        "unsupported_version",
    ];
    let missing: Vec<_> = every.iter().filter(|c| !reasons.contains(**c)).collect();
    assert!(missing.is_empty(), "no rejection vector for {missing:?}");
    // Each vector names a single reason (so a verifier's first failure is
    // enough to tell them apart).
    for v in rejections {
        assert_eq!(
            v["expected_failures"].as_array().unwrap().len(),
            1,
            "{}",
            v["name"]
        );
    }
}
