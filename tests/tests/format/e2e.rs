//! End to end: issuer → credential → presentation → QR text → verifier, for
//! both document types and every disclosure shape, and one test per reason a
//! verifier rejects.

use hawiya_core::internal::{base45_encode, cbor_decode, CborValue};
use hawiya_core::{
    Assurance, BindingRequest, ClaimKey, ClaimValue, Disclosure, DocumentType, EccLevel, Failure,
    FixedClock, FormatError, HeldCredential, IssueError, Mode, Policy, PresentError, Presentation,
    QrMatrix, SecretKey, SignedStatusList, StatusList, TrustList, TrustListError, UnixTime,
    Verdict, Verifier, Warning, QR_PREFIX,
};
use hawiya_tests::*;

fn verifier() -> Verifier {
    Verifier::new(trust_list(), Policy::default())
}

fn present(held: &HeldCredential, disclosure: &Disclosure) -> Presentation {
    Presentation::device_bound(held, disclosure, &device_key(), &PHONE_CLOCK, None).unwrap()
}

/// The static code of a print credential.
fn printed(print: &HeldCredential, disclosure: &Disclosure) -> Presentation {
    Presentation::static_form(print, disclosure).unwrap()
}

/// QR text of presentation bytes.
fn qr(bytes: &[u8]) -> String {
    format!("{QR_PREFIX}{}", base45_encode(bytes))
}

/// The verdict on `shape` presented in `mode`: from the phone's credential
/// `held`, or as the static code of `print`. Fails the test (naming `what`)
/// unless it is accepted in that mode.
fn accepted_in(
    mode: Mode,
    held: &HeldCredential,
    print: &HeldCredential,
    shape: &Disclosure,
    what: &str,
) -> Verdict {
    let p = match mode {
        Mode::DeviceBound => present(held, shape),
        Mode::Static => printed(print, shape),
    };
    let verdict = verifier().verify(&p.qr_text(), PRESENTED_AT, None);
    assert!(
        verdict.is_accepted(),
        "{what} {shape:?} {mode:?}: {:?}",
        verdict.failures
    );
    assert_eq!(verdict.mode, Some(mode));
    verdict
}

fn only_failure(verdict: &Verdict) -> &Failure {
    assert_eq!(verdict.failures.len(), 1, "{:?}", verdict.failures);
    &verdict.failures[0]
}

#[test]
fn every_disclosure_shape_round_trips_for_both_document_types() {
    for claims in [national_id(), resident_permit()] {
        let held = issue(&claims, 5);
        let print = issue_print(&claims, None, 6);
        let doc = held.info().document_type;
        let mut shapes = vec![
            Disclosure::Full,
            Disclosure::Identity,
            Disclosure::AgeOver18,
            Disclosure::AgeOver21,
        ];
        shapes.extend(doc.claim_keys().iter().map(|k| Disclosure::Only(vec![*k])));
        shapes.push(Disclosure::Only(vec![
            ClaimKey::NameEn,
            ClaimKey::BirthDate,
            ClaimKey::Portrait,
        ]));
        for shape in shapes {
            for mode in [Mode::DeviceBound, Mode::Static] {
                let verdict = accepted_in(mode, &held, &print, &shape, &format!("{doc:?}"));
                let level = match mode {
                    Mode::DeviceBound => Assurance::Timed,
                    Mode::Static => Assurance::Printed,
                };
                assert_eq!(verdict.assurance, Some(level));
                let expected: Vec<(ClaimKey, ClaimValue)> = shape
                    .keys(doc)
                    .iter()
                    .map(|k| (*k, held.claim(*k).unwrap().clone()))
                    .collect();
                assert_eq!(
                    verdict.claims, expected,
                    "only the disclosed claims come out"
                );
                assert_eq!(verdict.document_type, Some(doc));
                assert_eq!(verdict.issuer.as_deref(), Some(ISSUER_NAME));
                let static_warned = verdict.warnings.contains(&Warning::StaticLowerAssurance);
                assert_eq!(static_warned, mode == Mode::Static);
            }
        }
    }
}

#[test]
fn permit_holder_under_21_shows_false_predicate() {
    let held = issue(&resident_permit(), 9);
    let verdict = verifier().verify(
        &present(&held, &Disclosure::AgeOver21).qr_text(),
        PRESENTED_AT,
        None,
    );
    assert!(verdict.is_accepted());
    assert_eq!(
        verdict.claims,
        vec![(ClaimKey::AgeOver21, ClaimValue::Bool(false))]
    );
}

/// Every single-byte change of the CBOR bytes, to every other value, is rejected.
fn assert_every_byte_change_rejected(p: &Presentation) {
    let mut v = verifier();
    let bytes = p.bytes().to_vec();
    let mut checked = 0u32;
    for i in 0..bytes.len() {
        for value in 0..=255u8 {
            if value == bytes[i] {
                continue;
            }
            let mut forged = bytes.clone();
            forged[i] = value;
            let verdict = v.verify(&qr(&forged), PRESENTED_AT, None);
            assert!(
                !verdict.is_accepted(),
                "byte {i} set to {value:#04x} was accepted"
            );
            assert!(verdict.claims.is_empty());
            checked += 1;
        }
    }
    assert_eq!(checked as usize, bytes.len() * 255);
    // The untouched original still verifies (nothing above poisoned the replay cache).
    assert!(v.verify(&p.qr_text(), PRESENTED_AT, None).is_accepted());
}

#[test]
fn every_single_byte_change_of_a_device_bound_presentation_is_rejected() {
    assert_every_byte_change_rejected(&present(&issue(&national_id(), 5), &Disclosure::Identity));
}

#[test]
fn every_single_byte_change_of_a_static_presentation_is_rejected() {
    let print = issue_print(&national_id(), None, 6);
    assert_every_byte_change_rejected(&printed(&print, &Disclosure::AgeOver18));
}

#[test]
fn every_single_byte_change_of_a_challenged_presentation_is_rejected() {
    // Against the challenge it answers: any change, the code included, fails.
    let held = issue(&national_id(), 5);
    let p = Presentation::device_bound(
        &held,
        &Disclosure::AgeOver18,
        &device_key(),
        &PHONE_CLOCK,
        Some(challenge().code()),
    )
    .unwrap();
    let mut v = verifier();
    let bytes = p.bytes().to_vec();
    for i in 0..bytes.len() {
        for value in 0..=255u8 {
            if value == bytes[i] {
                continue;
            }
            let mut forged = bytes.clone();
            forged[i] = value;
            let verdict = v.verify(&qr(&forged), PRESENTED_AT, Some(&challenge()));
            assert!(
                !verdict.is_accepted(),
                "byte {i} set to {value:#04x} was accepted"
            );
        }
    }
    let verdict = v.verify(&p.qr_text(), PRESENTED_AT, Some(&challenge()));
    assert_eq!(verdict.assurance, Some(Assurance::Challenged));
}

#[test]
fn every_single_character_change_of_the_qr_text_is_rejected() {
    const ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    let p = present(&issue(&national_id(), 5), &Disclosure::Full);
    let text = p.qr_text();
    let mut v = verifier();
    let mut checked = 0;
    for (i, original) in text.char_indices() {
        for c in ALPHABET.chars().chain(['a', 'é', '\n']) {
            if c == original {
                continue;
            }
            let mut forged = String::with_capacity(text.len());
            forged.push_str(&text[..i]);
            forged.push(c);
            forged.push_str(&text[i + original.len_utf8()..]);
            assert!(
                !v.verify(&forged, PRESENTED_AT, None).is_accepted(),
                "char {i} -> {c:?} accepted"
            );
            checked += 1;
        }
    }
    assert!(checked > 40 * 300);
    // Deleting any one character, or inserting one anywhere, is rejected too.
    for i in 0..text.len() {
        let deleted = format!("{}{}", &text[..i], &text[i + 1..]);
        assert!(
            !v.verify(&deleted, PRESENTED_AT, None).is_accepted(),
            "deleting char {i} accepted"
        );
        for c in ['0', 'A', ':', ' '] {
            let inserted = format!("{}{c}{}", &text[..i], &text[i..]);
            assert!(
                !v.verify(&inserted, PRESENTED_AT, None).is_accepted(),
                "inserting {c:?} at {i} accepted"
            );
        }
    }
    assert!(v.verify(&text, PRESENTED_AT, None).is_accepted());
}

#[test]
fn malformed_input_is_rejected_with_a_reason() {
    let mut v = verifier();
    let valid = present(&issue(&national_id(), 5), &Disclosure::AgeOver18).qr_text();
    let zero_padded = valid.replacen(QR_PREFIX, "HW02:", 1);
    for text in [
        "",
        "HELLO",
        "HW2",
        "HW2:",
        "HW2:A",
        "HW2:::::",
        "hw2:00",
        "HW:00",
        "HWC:123456",
        zero_padded.as_str(),
    ] {
        let verdict = v.verify(text, PRESENTED_AT, None);
        assert!(
            matches!(only_failure(&verdict), Failure::Malformed(_)),
            "{text:?}"
        );
    }
    let long = format!("{QR_PREFIX}{}", "0".repeat(5000));
    assert!(matches!(
        only_failure(&v.verify(&long, PRESENTED_AT, None)),
        Failure::Malformed(FormatError::TooLarge { .. })
    ));
}

#[test]
fn unsupported_version_is_named() {
    let p = present(&issue(&national_id(), 5), &Disclosure::AgeOver18);
    for (prefix, found) in [("HW1:", 1), ("HW3:", 3)] {
        let text = p.qr_text().replacen(QR_PREFIX, prefix, 1);
        let verdict = verifier().verify(&text, PRESENTED_AT, None);
        assert_eq!(
            only_failure(&verdict),
            &Failure::UnsupportedVersion { found }
        );
    }
    // The prefix names the version; an array whose first element says
    // otherwise is not the structure the prefix announced: malformed.
    let mut bytes = p.bytes().to_vec();
    assert_eq!(bytes[1], 0x02);
    for other in [0x01, 0x03] {
        bytes[1] = other;
        let verdict = verifier().verify(&qr(&bytes), PRESENTED_AT, None);
        assert_eq!(verdict.failures.len(), 1);
        assert_eq!(verdict.failures[0].code(), "malformed");
    }
    // Version 0, a leading zero and a version of more than 9 digits are
    // malformed too; any other well-formed version is unsupported.
    let body = p.qr_text().replacen(QR_PREFIX, "", 1);
    for (prefix, code) in [
        ("HW0:", "malformed"),
        ("HW02:", "malformed"),
        ("HW1000000000:", "malformed"),
        ("HW999999999:", "unsupported_version"),
    ] {
        let verdict = verifier().verify(&format!("{prefix}{body}"), PRESENTED_AT, None);
        assert_eq!(verdict.failures.len(), 1, "{prefix}");
        assert_eq!(verdict.failures[0].code(), code, "{prefix}");
    }
}

#[test]
fn unknown_issuer_key_is_rejected() {
    let p = present(&issue(&national_id(), 5), &Disclosure::Full);
    let mut trust = trust_list();
    trust.issuers[0].kid = b"\x02".to_vec();
    let verdict = Verifier::new(trust, Policy::default()).verify(&p.qr_text(), PRESENTED_AT, None);
    assert_eq!(only_failure(&verdict), &Failure::UnknownIssuerKey);
    assert!(verdict.claims.is_empty());
}

#[test]
fn issuer_key_outside_its_validity_is_rejected() {
    let p = present(&issue(&national_id(), 5), &Disclosure::Full);
    let mut trust = trust_list();
    trust.issuers[0].not_after = UnixTime(ISSUED_AT.0 - 1);
    let verdict = Verifier::new(trust, Policy::default()).verify(&p.qr_text(), PRESENTED_AT, None);
    assert!(matches!(
        only_failure(&verdict),
        Failure::IssuerKeyNotValid { .. }
    ));
}

#[test]
fn forged_issuer_signature_is_rejected() {
    // A look-alike issuer with the same kid, name and address but its own key.
    let forger = hawiya_core::Issuer::new(
        SecretKey::from_bytes(&[9; 32]),
        KID,
        ISSUER_NAME,
        STATUS_URI,
    )
    .unwrap();
    let request = BindingRequest::new(&device_key(), &NONCE).unwrap();
    let binding = request.check(&NONCE).unwrap();
    let forged = forger
        .issue(
            &national_id(),
            &binding,
            5,
            ISSUED_AT,
            &mut FixedRng::new("x"),
        )
        .unwrap();
    let verdict = verifier().verify(
        &present(&forged, &Disclosure::Full).qr_text(),
        PRESENTED_AT,
        None,
    );
    assert_eq!(only_failure(&verdict), &Failure::BadIssuerSignature);
}

#[test]
fn expired_and_not_yet_valid_credentials_are_rejected() {
    let held = issue(&national_id(), 5);
    let expires = held.info().expires_at();
    let p = Presentation::device_bound(
        &held,
        &Disclosure::Full,
        &device_key(),
        &FixedClock(expires),
        None,
    )
    .unwrap();
    let verdict = verifier().verify(&p.qr_text(), UnixTime(expires.0 + 31), None);
    assert_eq!(
        only_failure(&verdict),
        &Failure::CredentialExpired {
            expired_at: expires
        }
    );
    // Within the clock skew it is still fine.
    assert!(verifier()
        .verify(&p.qr_text(), UnixTime(expires.0 + 29), None)
        .is_accepted());

    let early = UnixTime(ISSUED_AT.0 - 3600);
    let p = Presentation::device_bound(
        &held,
        &Disclosure::Full,
        &device_key(),
        &FixedClock(early),
        None,
    )
    .unwrap();
    let verdict = verifier().verify(&p.qr_text(), early, None);
    assert_eq!(
        only_failure(&verdict),
        &Failure::CredentialNotYetValid {
            valid_from: ISSUED_AT
        }
    );
}

fn status_list(revoked: &[u64], issued_at: UnixTime, ttl: u64) -> SignedStatusList {
    let signed = signed_status_list(1024, revoked, issued_at, ttl);
    SignedStatusList::from_signed(&signed, &trust_list()).unwrap()
}

#[test]
fn revoked_or_superseded_credentials_are_rejected() {
    let text = present(&issue(&national_id(), 5), &Disclosure::Identity).qr_text();
    let mut v = verifier();
    v.add_status_list(status_list(&[5], ISSUED_AT, 86_400));
    assert_eq!(
        only_failure(&v.verify(&text, PRESENTED_AT, None)),
        &Failure::Revoked
    );
    let mut v = verifier();
    v.add_status_list(status_list(&[4, 6], ISSUED_AT, 86_400));
    let verdict = v.verify(&text, PRESENTED_AT, None);
    assert!(
        verdict.is_accepted() && verdict.warnings.is_empty(),
        "{verdict:?}"
    );
}

#[test]
fn stale_or_unknown_status_warns_or_rejects_by_policy() {
    let text = present(&issue(&national_id(), 5), &Disclosure::Identity).qr_text();
    let stale = status_list(&[], UnixTime(PRESENTED_AT.0 - 7200), 3600);
    let mut v = verifier();
    v.add_status_list(stale.clone());
    let verdict = v.verify(&text, PRESENTED_AT, None);
    assert!(verdict.is_accepted());
    assert_eq!(
        verdict.warnings,
        vec![Warning::StatusStale { age_secs: 7200 }]
    );

    let strict = Policy {
        require_fresh_status: true,
        ..Policy::default()
    };
    let mut v = Verifier::new(trust_list(), strict);
    v.add_status_list(stale);
    assert_eq!(
        only_failure(&v.verify(&text, PRESENTED_AT, None)),
        &Failure::StatusStale { age_secs: 7200 }
    );

    let verdict = verifier().verify(&text, PRESENTED_AT, None);
    assert_eq!(verdict.warnings, vec![Warning::StatusUnknown]);
    let verdict = Verifier::new(trust_list(), strict).verify(&text, PRESENTED_AT, None);
    assert_eq!(only_failure(&verdict), &Failure::StatusUnknown);
}

#[test]
fn an_older_status_list_never_replaces_a_newer_one() {
    let text = present(&issue(&national_id(), 5), &Disclosure::Identity).qr_text();
    let mut v = verifier();
    v.add_status_list(status_list(&[5], ISSUED_AT, 86_400));
    v.add_status_list(status_list(&[], UnixTime(ISSUED_AT.0 - 10), 86_400));
    assert_eq!(
        only_failure(&v.verify(&text, PRESENTED_AT, None)),
        &Failure::Revoked
    );
}

#[test]
fn another_devices_signature_is_rejected() {
    let held = issue(&national_id(), 5);
    let thief = SecretKey::from_bytes(&[8; 32]);
    assert!(matches!(
        Presentation::device_bound(&held, &Disclosure::Full, &thief, &PHONE_CLOCK, None),
        Err(PresentError::DeviceKeyMismatch)
    ));
    // Re-signing a captured presentation with another key: swap in a signature
    // made by the thief over the same bytes.
    let p = present(&held, &Disclosure::Full);
    let mut bytes = p.bytes().to_vec();
    let sig_at = bytes.len() - 64;
    let resigned = thief.sign(&bytes[..sig_at]);
    bytes[sig_at..].copy_from_slice(&resigned);
    let verdict = verifier().verify(&qr(&bytes), PRESENTED_AT, None);
    assert_eq!(only_failure(&verdict), &Failure::BadDeviceSignature);
}

#[test]
fn stale_and_future_presentations_are_rejected() {
    let text = present(&issue(&national_id(), 5), &Disclosure::Full).qr_text();
    let later = UnixTime(PRESENTED_AT.0 + 120 + 30 + 1);
    assert_eq!(
        only_failure(&verifier().verify(&text, later, None)),
        &Failure::PresentationStale { age_secs: 151 }
    );
    assert!(verifier()
        .verify(&text, UnixTime(PRESENTED_AT.0 + 150), None)
        .is_accepted());
    let earlier = UnixTime(PRESENTED_AT.0 - 31);
    assert_eq!(
        only_failure(&verifier().verify(&text, earlier, None)),
        &Failure::PresentationFromFuture { ahead_secs: 31 }
    );
}

#[test]
fn a_replayed_presentation_is_rejected_inside_the_window() {
    let text = present(&issue(&national_id(), 5), &Disclosure::Full).qr_text();
    let mut v = verifier();
    assert!(v.verify(&text, PRESENTED_AT, None).is_accepted());
    assert_eq!(
        only_failure(&v.verify(&text, UnixTime(PRESENTED_AT.0 + 5), None)),
        &Failure::Replayed
    );
    // A printed card's code is not device-bound, so not replay-tracked.
    let card = printed(&issue_print(&national_id(), None, 6), &Disclosure::Full).qr_text();
    assert!(v.verify(&card, PRESENTED_AT, None).is_accepted());
    assert!(v.verify(&card, PRESENTED_AT, None).is_accepted());
}

#[test]
fn a_restarted_verifier_remembers_replays_and_the_trust_list_version() {
    let text = present(&issue(&national_id(), 5), &Disclosure::Full).qr_text();
    let mut v = Verifier::new(
        TrustList {
            version: 4,
            ..trust_list()
        },
        Policy::default(),
    );
    assert!(v.verify(&text, PRESENTED_AT, None).is_accepted());
    let memory = v.memory();
    assert_eq!(memory.trust_list_version, 4);
    assert_eq!(memory.recent.len(), 1);
    drop(v);

    let mut resumed = Verifier::with_memory(
        TrustList {
            version: 4,
            ..trust_list()
        },
        Policy::default(),
        &memory,
    )
    .unwrap();
    assert_eq!(
        only_failure(&resumed.verify(&text, UnixTime(PRESENTED_AT.0 + 10), None)),
        &Failure::Replayed
    );
    assert_eq!(
        Verifier::with_memory(trust_list(), Policy::default(), &memory).unwrap_err(),
        TrustListError::Rollback {
            offered: 1,
            seen: 4
        }
    );
    // Once the window has passed, the entry is dropped (the code is stale anyway).
    let later = UnixTime(PRESENTED_AT.0 + 1000);
    assert!(matches!(
        only_failure(&resumed.verify(&text, later, None)),
        Failure::PresentationStale { .. }
    ));
    assert!(resumed.memory().recent.is_empty());
}

#[test]
fn a_challenge_binds_the_presentation_to_this_verifier_and_moment() {
    let held = issue(&national_id(), 5);
    let shown = challenge();
    let answer = |code| {
        Presentation::device_bound(
            &held,
            &Disclosure::AgeOver18,
            &device_key(),
            &PHONE_CLOCK,
            code,
        )
        .unwrap()
        .qr_text()
    };
    let answered = answer(Some(shown.code()));
    let verdict = verifier().verify(&answered, PRESENTED_AT, Some(&shown));
    assert!(verdict.is_accepted(), "{:?}", verdict.failures);
    assert_eq!(verdict.assurance, Some(Assurance::Challenged));
    // A wrong code (a typo, or another verifier's challenge).
    let other = hawiya_core::ChallengeCode::from_value(CHALLENGE_CODE + 1).unwrap();
    let verdict = verifier().verify(&answer(Some(other)), PRESENTED_AT, Some(&shown));
    assert_eq!(
        only_failure(&verdict),
        &Failure::ChallengeMismatch {
            answered: other,
            expected: shown.code()
        }
    );
    assert_eq!(verdict.assurance, None);
    // A timed code where a challenge was shown.
    let verdict = verifier().verify(&answer(None), PRESENTED_AT, Some(&shown));
    assert_eq!(only_failure(&verdict), &Failure::ChallengeNotAnswered);
    // The right code, too late: the challenge was shown 20 s before the
    // phone signed; after 120 s + 30 s skew it is closed (and the code,
    // signed at PRESENTED_AT, is stale a little later).
    let closes = UnixTime(shown.issued_at().0 + 150);
    assert!(verifier()
        .verify(&answered, closes, Some(&shown))
        .is_accepted());
    let verdict = verifier().verify(&answered, UnixTime(closes.0 + 1), Some(&shown));
    assert_eq!(
        only_failure(&verdict),
        &Failure::ChallengeExpired {
            issued_at: shown.issued_at()
        }
    );
    // Where no challenge was shown, an answer to someone's challenge is a
    // phone code signed at its clock: timed, never challenged.
    let verdict = verifier().verify(&answered, PRESENTED_AT, None);
    assert!(verdict.is_accepted());
    assert_eq!(verdict.assurance, Some(Assurance::Timed));
    // Replaying the accepted answer at the same verifier is caught.
    let mut v = verifier();
    assert!(v
        .verify(&answered, PRESENTED_AT, Some(&shown))
        .is_accepted());
    assert_eq!(
        only_failure(&v.verify(&answered, UnixTime(PRESENTED_AT.0 + 3), Some(&shown))),
        &Failure::Replayed
    );
}

#[test]
fn a_code_made_before_the_challenge_existed_cannot_answer_it() {
    // A holder (or a thief with the phone for a minute) who makes codes in
    // advance, with the phone's clock set to the time they will be shown,
    // does not know the challenge yet: the best guess answers another one.
    let held = issue(&national_id(), 5);
    let later = UnixTime(PRESENTED_AT.0 + 30 * 86_400);
    let premade: Vec<String> = [None, Some(100_000), Some(555_555), Some(999_999)]
        .into_iter()
        .map(|code| {
            Presentation::device_bound(
                &held,
                &Disclosure::Full,
                &device_key(),
                &FixedClock(later),
                code.and_then(hawiya_core::ChallengeCode::from_value),
            )
            .unwrap()
            .qr_text()
        })
        .collect();
    let shown = hawiya_core::Challenge::new(
        hawiya_core::ChallengeCode::from_value(314_159).unwrap(),
        UnixTime(later.0 - 10),
    );
    for text in &premade {
        let verdict = verifier().verify(text, later, Some(&shown));
        assert!(!verdict.is_accepted());
        assert!(
            matches!(
                only_failure(&verdict),
                Failure::ChallengeMismatch { .. } | Failure::ChallengeNotAnswered
            ),
            "{:?}",
            verdict.failures
        );
    }
    // Without a challenge the pre-made timed code passes at that time, as
    // timed: a verifier that requires challenged codes refuses it.
    let strict = Policy {
        min_assurance: Assurance::Challenged,
        ..Policy::default()
    };
    let verdict = Verifier::new(trust_list(), strict).verify(&premade[0], later, None);
    assert_eq!(
        only_failure(&verdict),
        &Failure::AssuranceBelowMinimum {
            found: Assurance::Timed,
            required: Assurance::Challenged
        }
    );
    let verdict = verifier().verify(&premade[0], later, None);
    assert_eq!(verdict.assurance, Some(Assurance::Timed));
}

/// A phone code without its device part.
fn stripped(p: &Presentation) -> String {
    let mut fields = cbor_decode(p.bytes()).unwrap().as_array().unwrap().to_vec();
    assert!(matches!(fields.pop(), Some(CborValue::Array(_))));
    qr(&CborValue::Array(fields).to_bytes())
}

/// A captured phone code stripped of its device part is not a printed code:
/// the credential says, under the issuer's signature, that it is bound to a
/// phone, so the verifier refuses it whatever its policy.
#[test]
fn a_stripped_phone_code_is_refused_as_device_signature_required() {
    let p = present(&issue(&national_id(), 5), &Disclosure::Identity);
    let text = stripped(&p);
    for policy in [
        Policy::default(),
        Policy {
            min_assurance: Assurance::Timed,
            ..Policy::default()
        },
    ] {
        let verdict = Verifier::new(trust_list(), policy).verify(&text, PRESENTED_AT, None);
        assert_eq!(only_failure(&verdict), &Failure::DeviceSignatureRequired);
        assert_eq!(verdict.mode, Some(Mode::Static));
        assert_eq!(verdict.assurance, None);
        assert!(verdict.claims.is_empty());
    }
    // Replacing its device key with null, to pass as a print credential,
    // breaks the issuer signature: the credential it rebuilds has no cnf.
    let mut fields = cbor_decode(p.bytes()).unwrap().as_array().unwrap().to_vec();
    fields.pop();
    fields[7] = CborValue::Null;
    let verdict = verifier().verify(
        &qr(&CborValue::Array(fields).to_bytes()),
        PRESENTED_AT,
        None,
    );
    assert_eq!(only_failure(&verdict), &Failure::BadIssuerSignature);
}

#[test]
fn printed_codes_can_be_refused_by_policy() {
    let card = printed(&issue_print(&national_id(), None, 6), &Disclosure::Full).qr_text();
    for required in [Assurance::Timed, Assurance::Challenged] {
        let policy = Policy {
            min_assurance: required,
            ..Policy::default()
        };
        let verdict = Verifier::new(trust_list(), policy).verify(&card, PRESENTED_AT, None);
        assert_eq!(
            only_failure(&verdict),
            &Failure::AssuranceBelowMinimum {
                found: Assurance::Printed,
                required
            }
        );
        assert_eq!(verdict.assurance, None);
    }
    let verdict = verifier().verify(&card, PRESENTED_AT, None);
    assert_eq!(verdict.assurance, Some(Assurance::Printed));
    assert_eq!(
        verdict.warnings,
        vec![Warning::StatusUnknown, Warning::StaticLowerAssurance]
    );
}

#[test]
fn several_failures_are_all_reported() {
    let held = issue(&national_id(), 5);
    let text = present(&held, &Disclosure::Full).qr_text();
    let mut v = verifier();
    v.add_status_list(status_list(&[5], ISSUED_AT, 86_400 * 365 * 20));
    let far = UnixTime(held.info().expires_at().0 + 1000);
    let verdict = v.verify(&text, far, None);
    let codes: Vec<&str> = verdict.failures.iter().map(Failure::code).collect();
    assert_eq!(
        codes,
        ["revoked", "credential_expired", "presentation_stale"]
    );
}

#[test]
fn trust_list_is_root_signed_and_never_rolls_back() {
    let root = root_key();
    let signed = trust_list().sign(&root).unwrap();
    let list = TrustList::from_signed(&signed, &root.public_key()).unwrap();
    assert_eq!(list, trust_list());
    let other_root = SecretKey::from_bytes(&[7; 32]);
    assert_eq!(
        TrustList::from_signed(&signed, &other_root.public_key()),
        Err(TrustListError::Signature)
    );
    let mut tampered = signed.clone();
    let n = tampered.len();
    tampered[n - 100] ^= 1;
    assert!(TrustList::from_signed(&tampered, &root.public_key()).is_err());

    let mut v = Verifier::new(
        TrustList {
            version: 5,
            ..trust_list()
        },
        Policy::default(),
    );
    assert_eq!(
        v.update_trust_list(trust_list()),
        Err(TrustListError::Rollback {
            offered: 1,
            seen: 5
        })
    );
    assert!(v
        .update_trust_list(TrustList {
            version: 6,
            ..trust_list()
        })
        .is_ok());
    let mut dup = trust_list();
    dup.issuers.push(dup.issuers[0].clone());
    assert!(matches!(
        dup.sign(&root),
        Err(TrustListError::DuplicateKid { .. })
    ));
}

#[test]
fn status_list_from_an_untrusted_key_or_wrong_address_is_refused() {
    let list = SignedStatusList {
        uri: STATUS_URI.into(),
        issued_at: ISSUED_AT,
        ttl: 60,
        list: StatusList::new(8),
    };
    let stranger =
        hawiya_core::Issuer::new(SecretKey::from_bytes(&[9; 32]), b"\x09", "X", STATUS_URI)
            .unwrap();
    assert!(matches!(
        SignedStatusList::from_signed(&stranger.sign_status_list(&list), &trust_list()),
        Err(hawiya_core::StatusListError::UnknownIssuerKey)
    ));
    let wrong = SignedStatusList {
        uri: "https://elsewhere.example".into(),
        ..list
    };
    assert!(matches!(
        SignedStatusList::from_signed(&issuer().sign_status_list(&wrong), &trust_list()),
        Err(hawiya_core::StatusListError::WrongAddress)
    ));
}

#[test]
fn issuance_checks_the_binding_request_and_claims() {
    let request = BindingRequest::new(&device_key(), &NONCE).unwrap();
    let mut rng = FixedRng::new("t");
    assert!(matches!(
        request.check(&[5; 16]),
        Err(IssueError::NonceMismatch)
    ));
    assert!(matches!(
        request.check(&NONCE[..8]),
        Err(IssueError::NonceMismatch)
    ));
    let mut bytes = request.to_bytes();
    let n = bytes.len();
    bytes[n - 1] ^= 1;
    let tampered = BindingRequest::from_bytes(&bytes).unwrap();
    assert!(matches!(
        tampered.check(&NONCE),
        Err(IssueError::BindingSignature)
    ));
    let binding = request.check(&NONCE).unwrap();
    assert_eq!(binding.device_key(), device_key().public_key());
    let mut bad = national_id();
    bad.document_number = 2_234_567_890;
    let err = issuer()
        .issue(&bad, &binding, 1, ISSUED_AT, &mut rng)
        .unwrap_err();
    assert!(err.to_string().contains("document_number"), "{err}");
    let mut expired = national_id();
    expired.expiry_date = "2024-01-09".parse().unwrap();
    expired.issue_date = "2014-01-10".parse().unwrap();
    assert!(matches!(
        issuer().issue(&expired, &binding, 1, ISSUED_AT, &mut rng),
        Err(IssueError::AlreadyExpired)
    ));
}

#[test]
fn held_credential_round_trips_and_detects_tampering() {
    let held = issue(&national_id(), 5);
    let bytes = held.to_bytes();
    assert_eq!(HeldCredential::from_bytes(&bytes).unwrap(), held);
    assert!(held.credential().is_signed_by_trusted_issuer(&trust_list()));
    // Changing a stored claim breaks the link to the signed root.
    let needle = "Riyadh".as_bytes();
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    let mut tampered = bytes.clone();
    tampered[at] = b'J';
    assert!(HeldCredential::from_bytes(&tampered).is_err());
    assert!(
        !format!("{held:?}").contains("Riyadh"),
        "Debug must not print claims"
    );
}

#[test]
fn empty_or_foreign_disclosures_are_refused() {
    let held = issue_print(&national_id(), None, 6);
    assert!(matches!(
        Presentation::static_form(&held, &Disclosure::Only(vec![])),
        Err(PresentError::EmptyDisclosure)
    ));
    assert!(matches!(
        Presentation::static_form(&held, &Disclosure::Only(vec![ClaimKey::Employer])),
        Err(PresentError::ClaimNotInDocument {
            key: ClaimKey::Employer,
            ..
        })
    ));
    assert_eq!(DocumentType::NationalId.claim_keys().len(), 12);
}

#[test]
fn every_single_byte_change_of_a_full_permit_presentation_is_rejected() {
    assert_every_byte_change_rejected(&present(&issue(&resident_permit(), 9), &Disclosure::Full));
}

#[test]
fn issuer_key_not_yet_valid_when_signing_is_rejected() {
    let p = present(&issue(&national_id(), 5), &Disclosure::Full);
    let mut trust = trust_list();
    trust.issuers[0].not_before = UnixTime(ISSUED_AT.0 + 1);
    let verdict = Verifier::new(trust, Policy::default()).verify(&p.qr_text(), PRESENTED_AT, None);
    assert!(matches!(
        only_failure(&verdict),
        Failure::IssuerKeyNotValid { .. }
    ));
}

#[test]
fn a_printed_code_cannot_answer_a_challenge() {
    // A verifier that showed a challenge is waiting for a phone.
    let card = printed(
        &issue_print(&national_id(), None, 6),
        &Disclosure::AgeOver18,
    );
    let verdict = verifier().verify(&card.qr_text(), PRESENTED_AT, Some(&challenge()));
    assert_eq!(only_failure(&verdict), &Failure::ChallengeNotAnswered);
    assert!(verdict.claims.is_empty());
}

#[test]
fn status_beyond_the_list_future_dated_or_older_than_policy_is_flagged() {
    let text = present(&issue(&national_id(), 5), &Disclosure::Identity).qr_text();
    // A credential whose index is beyond the loaded list (1024 entries).
    let far = present(&issue(&national_id(), 2000), &Disclosure::Identity).qr_text();
    let mut v = verifier();
    v.add_status_list(status_list(&[], ISSUED_AT, 86_400));
    assert_eq!(
        v.verify(&far, PRESENTED_AT, None).warnings,
        vec![Warning::StatusUnknown]
    );
    // A list dated an hour ahead of the verifier's clock is not taken as fresh.
    let mut v = verifier();
    v.add_status_list(status_list(&[], UnixTime(PRESENTED_AT.0 + 3600), 86_400));
    assert_eq!(
        v.verify(&text, PRESENTED_AT, None).warnings,
        vec![Warning::StatusStale { age_secs: 3600 }]
    );
    // The policy's maximum age applies even when the list's own TTL is longer.
    let policy = Policy {
        max_status_age_secs: 600,
        ..Policy::default()
    };
    let mut v = Verifier::new(trust_list(), policy);
    v.add_status_list(status_list(&[], UnixTime(PRESENTED_AT.0 - 601), 86_400));
    assert_eq!(
        v.verify(&text, PRESENTED_AT, None).warnings,
        vec![Warning::StatusStale { age_secs: 601 }]
    );
}

#[test]
fn a_status_list_signed_outside_its_keys_validity_is_refused() {
    // A retired key (window ended) must not publish an all-clear list.
    let mut trust = trust_list();
    trust.issuers[0].not_after = UnixTime(ISSUED_AT.0 + 10);
    let list = SignedStatusList {
        uri: STATUS_URI.into(),
        issued_at: UnixTime(ISSUED_AT.0 + 3600),
        ttl: 60,
        list: StatusList::new(8),
    };
    assert!(matches!(
        SignedStatusList::from_signed(&issuer().sign_status_list(&list), &trust),
        Err(hawiya_core::StatusListError::KeyNotValid)
    ));
}

/// The presentation bytes with field `at` of its array replaced (or removed
/// with `None`, or inserted when `at` is the length), the device part (if
/// any) signed again with `device`, so only the issuer signature can object.
fn edited(p: &Presentation, at: usize, with: Option<CborValue>, device: &SecretKey) -> String {
    let mut fields = cbor_decode(p.bytes()).unwrap().as_array().unwrap().to_vec();
    let device_part = match fields.last() {
        Some(CborValue::Array(part)) => {
            let part = part.clone();
            fields.pop();
            Some(part)
        }
        _ => None,
    };
    match with {
        Some(v) if at == fields.len() => fields.push(v),
        Some(v) => fields[at] = v,
        None => {
            fields.remove(at);
        }
    }
    if let Some(part) = device_part {
        let (ts, challenge) = (part[0].clone(), part[1].clone());
        let mut signed = fields.clone();
        signed.push(CborValue::Array(vec![ts.clone(), challenge.clone()]));
        let sig_structure = CborValue::Array(vec![
            CborValue::text("Signature1"),
            CborValue::bytes(&[0xa1, 0x01, 0x27]),
            CborValue::bytes(&[]),
            CborValue::Bytes(CborValue::Array(signed).to_bytes()),
        ])
        .to_bytes();
        let sig = device.sign(&sig_structure);
        fields.push(CborValue::Array(vec![
            ts,
            challenge,
            CborValue::bytes(&sig),
        ]));
    }
    qr(&CborValue::Array(fields).to_bytes())
}

#[test]
fn a_dependents_credential_is_presented_with_the_guardians_device_key() {
    let held = issue_to_guardian(&dependent(), 6);
    let print = issue_print(&dependent(), Some(GUARDIAN), 7);
    assert_eq!(held.info().guardian, Some(GUARDIAN));
    assert_eq!(print.info().guardian, Some(GUARDIAN));
    assert_eq!(held.info().device_key, Some(device_key().public_key()));
    assert_eq!(
        held.claim(ClaimKey::DocumentNumber),
        Some(&ClaimValue::Number(1_098_765_432))
    );
    // Stored and read back by the guardian's wallet, guardian included.
    assert_eq!(HeldCredential::from_bytes(&held.to_bytes()).unwrap(), held);
    for shape in [
        Disclosure::Full,
        Disclosure::Identity,
        Disclosure::AgeOver18,
    ] {
        for mode in [Mode::DeviceBound, Mode::Static] {
            let verdict = accepted_in(mode, &held, &print, &shape, "dependent");
            assert_eq!(verdict.guardian, Some(GUARDIAN));
            assert_eq!(
                verdict.claims.len(),
                shape.keys(DocumentType::NationalId).len()
            );
        }
    }
    // Only the guardian's device can present it (e.g. not the child's own phone).
    let childs_phone = SecretKey::from_bytes(&[9; 32]);
    assert!(matches!(
        Presentation::device_bound(&held, &Disclosure::Full, &childs_phone, &PHONE_CLOCK, None),
        Err(PresentError::DeviceKeyMismatch)
    ));
    // An ordinary credential names no guardian, in either mode.
    let own = issue(&national_id(), 5);
    for p in [
        present(&own, &Disclosure::Full),
        printed(&issue_print(&national_id(), None, 6), &Disclosure::Full),
    ] {
        let verdict = verifier().verify(&p.qr_text(), PRESENTED_AT, None);
        assert!(verdict.is_accepted());
        assert_eq!(verdict.guardian, None);
    }
}

#[test]
fn altering_the_guardian_fails_the_issuer_signature() {
    let held = issue_to_guardian(&dependent(), 6);
    let print = issue_print(&dependent(), Some(GUARDIAN), 7);
    const GUARDIAN_AT: usize = 11;
    for p in [
        present(&held, &Disclosure::Identity),
        printed(&print, &Disclosure::Identity),
    ] {
        // Unchanged, the re-encoding helper is faithful.
        let same = edited(
            &p,
            GUARDIAN_AT,
            Some(CborValue::Unsigned(GUARDIAN)),
            &device_key(),
        );
        assert_eq!(same, p.qr_text());
        // Another guardian (a valid number), re-signed by the guardian's own
        // device: only the issuer signature objects.
        let other = edited(
            &p,
            GUARDIAN_AT,
            Some(CborValue::Unsigned(2_345_678_901)),
            &device_key(),
        );
        let verdict = verifier().verify(&other, PRESENTED_AT, None);
        assert_eq!(only_failure(&verdict), &Failure::BadIssuerSignature);
        assert_eq!(verdict.guardian, Some(2_345_678_901), "what it claims");
        assert!(verdict.claims.is_empty());
        // Dropping the guardian, to pass as the subject's own code, fails too.
        let dropped = edited(&p, GUARDIAN_AT, None, &device_key());
        let verdict = verifier().verify(&dropped, PRESENTED_AT, None);
        assert_eq!(only_failure(&verdict), &Failure::BadIssuerSignature);
        assert_eq!(verdict.guardian, None);
        // The same number as a text string is not a guardian: malformed.
        let as_text = edited(
            &p,
            GUARDIAN_AT,
            Some(CborValue::text(&GUARDIAN.to_string())),
            &device_key(),
        );
        let verdict = verifier().verify(&as_text, PRESENTED_AT, None);
        assert!(
            matches!(only_failure(&verdict), Failure::Malformed(_)),
            "{:?}",
            verdict.failures
        );
    }
    // Adding a guardian to an ordinary credential's code fails the same way.
    let own = issue(&national_id(), 5);
    for p in [
        present(&own, &Disclosure::Identity),
        printed(&issue_print(&national_id(), None, 6), &Disclosure::Identity),
    ] {
        let added = edited(
            &p,
            GUARDIAN_AT,
            Some(CborValue::Unsigned(1_098_765_432)),
            &device_key(),
        );
        let verdict = verifier().verify(&added, PRESENTED_AT, None);
        assert_eq!(only_failure(&verdict), &Failure::BadIssuerSignature);
    }
}

#[test]
fn every_single_byte_change_of_a_dependents_presentation_is_rejected() {
    let held = issue_to_guardian(&dependent(), 6);
    assert_every_byte_change_rejected(&present(&held, &Disclosure::AgeOver18));
    assert_every_byte_change_rejected(&printed(
        &issue_print(&dependent(), Some(GUARDIAN), 7),
        &Disclosure::AgeOver18,
    ));
}

#[test]
fn issuance_to_a_guardian_checks_the_guardian_number() {
    let binding = BindingRequest::new(&device_key(), &NONCE)
        .unwrap()
        .check(&NONCE)
        .unwrap();
    let mut rng = FixedRng::new("t");
    let child = dependent();
    let issue_with = |guardian: u64, rng: &mut FixedRng| {
        issuer().issue_to_guardian(&child, &binding, guardian, 6, ISSUED_AT, rng)
    };
    for bad in [
        0,
        123_456_789,
        999_999_999,
        12_345_678_901,
        3_234_567_890,
        9_999_999_999,
        u64::MAX,
    ] {
        let err = issue_with(bad, &mut rng).unwrap_err();
        assert!(matches!(err, IssueError::GuardianNumber), "{bad:?}: {err}");
        assert!(err.to_string().contains("guardian"), "{err}");
    }
    let err = issue_with(1_098_765_432, &mut rng).unwrap_err();
    assert!(matches!(err, IssueError::GuardianIsDependent), "{err}");
    assert!(err.to_string().contains("guardian's own ID"), "{err}");
    // Invalid claims are still named first.
    let mut bad = dependent();
    bad.nationality = "sa".into();
    assert!(matches!(
        issuer().issue_to_guardian(&bad, &binding, GUARDIAN, 6, ISSUED_AT, &mut rng),
        Err(IssueError::Claims(_))
    ));
    // A resident may be the guardian of a citizen child.
    let held = issue_with(2_345_678_901, &mut rng).unwrap();
    assert_eq!(held.info().guardian, Some(2_345_678_901));
}

#[test]
fn a_guardian_adds_five_bytes_to_a_presentation() {
    let ordinary = issue(&dependent(), 6);
    let with_guardian = issue_to_guardian(&dependent(), 6);
    let ordinary_print = issue_print(&dependent(), None, 7);
    let print_with_guardian = issue_print(&dependent(), Some(GUARDIAN), 7);
    for shape in [
        Disclosure::Full,
        Disclosure::Identity,
        Disclosure::AgeOver18,
    ] {
        for mode in [Mode::DeviceBound, Mode::Static] {
            let (a, b) = match mode {
                Mode::DeviceBound => (present(&ordinary, &shape), present(&with_guardian, &shape)),
                Mode::Static => (
                    printed(&ordinary_print, &shape),
                    printed(&print_with_guardian, &shape),
                ),
            };
            // A 10-digit number starting with 1 or 2 is below 2^32: a uint
            // with a 4-byte argument, as the document_number claim encodes.
            assert_eq!(b.bytes().len(), a.bytes().len() + 5, "{shape:?} {mode:?}");
            assert_eq!(b.floor_len(), a.floor_len() + 5, "{shape:?} {mode:?}");
            let version = |p: &Presentation| {
                QrMatrix::encode(&p.qr_text(), EccLevel::M)
                    .unwrap()
                    .version()
            };
            println!(
                "{shape:?} {mode:?}: ordinary {} bytes (QR {}), with guardian {} bytes (QR {})",
                a.bytes().len(),
                version(&a),
                b.bytes().len(),
                version(&b)
            );
        }
    }
}

/// docs/FORMAT.md §9: a challenge code the verifier did not show is not an
/// error; the code is checked exactly as a timed one.
#[test]
fn a_challenge_code_the_verifier_did_not_show_is_checked_like_a_timed_code() {
    let held = issue(&national_id(), 5);
    let code = hawiya_core::ChallengeCode::from_value(123_456).unwrap();
    let answered = Presentation::device_bound(
        &held,
        &Disclosure::AgeOver18,
        &device_key(),
        &PHONE_CLOCK,
        Some(code),
    )
    .unwrap();
    let timed = present(&held, &Disclosure::AgeOver18);
    let (a, b) = (
        verifier().verify(&answered.qr_text(), PRESENTED_AT, None),
        verifier().verify(&timed.qr_text(), PRESENTED_AT, None),
    );
    assert!(a.is_accepted(), "{:?}", a.failures);
    assert_eq!(a.assurance, Some(Assurance::Timed));
    assert_eq!(a.assurance, b.assurance);
    assert_eq!(a.failures, b.failures);
    assert_eq!(a.warnings, b.warnings);
    assert_eq!(a.claims, b.claims);
    // Still bound to it: another code in its place breaks the device
    // signature. 123456 is the CBOR unsigned 1a 00 01 e2 40.
    let mut bytes = answered.bytes().to_vec();
    let at = bytes
        .windows(5)
        .position(|w| w == [0x1a, 0x00, 0x01, 0xe2, 0x40])
        .expect("challenge code in the bytes");
    bytes[at + 4] = 0x41;
    let changed = verifier().verify(&qr(&bytes), PRESENTED_AT, None);
    assert_eq!(only_failure(&changed), &Failure::BadDeviceSignature);
}

mod stripped_codes {
    use super::*;
    use proptest::prelude::*;

    /// Phone credentials issued once for the property test: the national ID,
    /// the resident permit, and a dependent's ID (with a guardian).
    fn credentials() -> &'static [HeldCredential; 3] {
        static HELD: std::sync::OnceLock<[HeldCredential; 3]> = std::sync::OnceLock::new();
        HELD.get_or_init(|| {
            [
                issue(&national_id(), 5),
                issue(&resident_permit(), 9),
                issue_to_guardian(&dependent(), 6),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any phone code (any document, any non-empty disclosure, with or
        /// without a challenge, signed at any time) with its device part
        /// removed is refused as `device_signature_required`, whatever the
        /// verifier's policy and time.
        #[test]
        fn every_phone_code_without_its_device_part_is_refused(
            which in 0usize..3,
            keys in proptest::collection::btree_set(1u64..=14, 1..14),
            challenged in any::<bool>(),
            signed_after in 0i64..3_600,
            checked_after in 0i64..600,
            min in 0usize..3,
        ) {
            let held = &credentials()[which];
            let doc = held.info().document_type;
            let keys: Vec<ClaimKey> = keys
                .into_iter()
                .filter_map(ClaimKey::from_code)
                .filter(|k| doc.claim_keys().contains(k))
                .collect();
            prop_assume!(!keys.is_empty());
            let signed_at = UnixTime(PRESENTED_AT.0 + signed_after);
            let p = Presentation::device_bound(
                held,
                &Disclosure::Only(keys),
                &device_key(),
                &FixedClock(signed_at),
                challenged.then(|| challenge().code()),
            )
            .unwrap();
            let policy = Policy {
                min_assurance: Assurance::ALL[min],
                ..Policy::default()
            };
            let now = UnixTime(signed_at.0 + checked_after);
            let verdict = Verifier::new(trust_list(), policy).verify(&stripped(&p), now, None);
            prop_assert!(!verdict.is_accepted());
            prop_assert!(verdict.failures.contains(&Failure::DeviceSignatureRequired), "{:?}", verdict.failures);
            prop_assert_eq!(verdict.assurance, None);
            prop_assert!(verdict.claims.is_empty());
        }
    }
}
