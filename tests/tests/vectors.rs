//! The test vectors of docs/FORMAT.md: regenerated from fixed keys, seeds and
//! times and compared byte for byte with docs/test-vectors.json. Set
//! HAWIYA_UPDATE_VECTORS=1 to rewrite the file after a deliberate format change.

use std::path::PathBuf;

use hawiya_core::internal::{cbor_decode, CborValue};
use hawiya_core::{
    Disclosure, DocumentType, HeldCredential, Policy, Presentation, SignedStatusList, UnixTime,
    Verifier,
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

type Shape<'a> = (&'a str, Disclosure, Option<UnixTime>, Option<&'a [u8]>);

fn presentations_json(held: &HeldCredential, shapes: Vec<Shape>) -> Vec<Value> {
    let mut presentations = Vec::new();
    for (name, disclosure, at, nonce) in shapes {
        let p = match at {
            Some(at) => {
                Presentation::device_bound(held, &disclosure, &device_key(), at, nonce).unwrap()
            }
            None => Presentation::static_form(held, &disclosure).unwrap(),
        };
        let fields = cbor_decode(p.bytes()).unwrap();
        let proof = fields.as_array().unwrap()[9].as_bytes().unwrap().to_vec();
        presentations.push(json!({
            "name": name,
            "disclosed": p.disclosed().iter().map(|k| k.name()).collect::<Vec<_>>(),
            "presented_at": at.map(|t| t.0),
            "verifier_nonce": nonce.map(hex::encode),
            "bytes": hex::encode(p.bytes()),
            "byte_count": p.bytes().len(),
            "proof": hex::encode(&proof),
            "qr_text": p.qr_text(),
            "verify_at": PRESENTED_AT.0,
            "expected": "accepted",
        }));
    }
    presentations
}

fn generate() -> Value {
    let issuer = issuer();
    let trust = trust_list();
    let trust_bytes = trust.sign(&root_key()).unwrap();

    let status_bytes = signed_status_list(64, &[7], ISSUED_AT, 86_400);

    let held = issue(&national_id(), 5);
    let dependent = issue_to_guardian(&hawiya_tests::dependent(), 6);

    let shapes = vec![
        ("full", Disclosure::Full, Some(PRESENTED_AT), None),
        ("identity", Disclosure::Identity, Some(PRESENTED_AT), None),
        (
            "age_over_18",
            Disclosure::AgeOver18,
            Some(PRESENTED_AT),
            None,
        ),
        (
            "age_over_18_with_nonce",
            Disclosure::AgeOver18,
            Some(PRESENTED_AT),
            Some(&b"verifier-nonce-1"[..]),
        ),
        ("static_full", Disclosure::Full, None, None),
    ];
    let dependent_shapes = vec![
        ("dependent_full", Disclosure::Full, Some(PRESENTED_AT), None),
        ("dependent_static_full", Disclosure::Full, None, None),
    ];

    json!({
        "about": "hawiya format version 1 test vectors; see docs/FORMAT.md §9. All hex is lowercase. \
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
        "credential": credential_json(&held),
        "holder": holder_json(&held),
        "presentations": presentations_json(&held, shapes),
        "dependent": {
            "about": "A dependent's credential: a child's national ID issued to the guardian's \
                      device (the fixture device key) with the guardian's document number, \
                      presented with the guardian's device key. See docs/FORMAT.md §5 and §6.2.",
            "credential": credential_json(&dependent),
            "holder": holder_json(&dependent),
            "presentations": presentations_json(&dependent, dependent_shapes),
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

#[test]
fn committed_vectors_verify() {
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
    assert!(status.list.is_invalid(7).unwrap());
    let guardian = vectors["dependent"]["credential"]["guardian"].as_u64();
    assert_eq!(guardian, Some(GUARDIAN));
    let ordinary = vectors["presentations"].as_array().unwrap();
    let dependents = vectors["dependent"]["presentations"].as_array().unwrap();
    assert_eq!(dependents.len(), 2);
    let all = ordinary
        .iter()
        .map(|p| (p, None))
        .chain(dependents.iter().map(|p| (p, guardian)));
    for (p, guardian) in all {
        let mut verifier = Verifier::new(trust.clone(), Policy::default());
        verifier.add_status_list(status.clone());
        let nonce = p["verifier_nonce"]
            .as_str()
            .map(|n| hex::decode(n).unwrap());
        let verdict = verifier.verify(
            p["qr_text"].as_str().unwrap(),
            UnixTime(p["verify_at"].as_i64().unwrap()),
            nonce.as_deref(),
        );
        assert!(
            verdict.is_accepted(),
            "{}: {:?}",
            p["name"],
            verdict.failures
        );
        assert_eq!(verdict.guardian, guardian, "{}", p["name"]);
    }
}
