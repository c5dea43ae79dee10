//! Full verification (`Verifier::verify`) over a real trust list: the input
//! as QR text when it is UTF-8, and the input as presentation bytes behind a
//! valid `HW2:` Base45 envelope, so the fuzzer also works at the CBOR level
//! and reaches the commitment proof and signature checks.
#![no_main]

use hawiya_core::internal::base45_encode;
use hawiya_core::{Challenge, ChallengeCode, Policy, Verifier, QR_PREFIX};
use hawiya_fuzz::{NOW, TRUST};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut verifier = Verifier::new(TRUST.clone(), Policy::default());
    // Inputs of odd length are checked against a challenge, so the
    // challenge checks are reached too.
    let shown = (data.len() % 2 == 1)
        .then(|| ChallengeCode::from_value(492_817).map(|c| Challenge::new(c, NOW)))
        .flatten();
    if let Ok(text) = std::str::from_utf8(data) {
        let verdict = verifier.verify(text, NOW, shown.as_ref());
        assert!(verdict.is_accepted() || verdict.claims.is_empty());
        assert!(verdict.is_accepted() || verdict.assurance.is_none());
    }
    let verdict = verifier.verify(
        &format!("{QR_PREFIX}{}", base45_encode(data)),
        NOW,
        shown.as_ref(),
    );
    assert!(verdict.is_accepted() || verdict.claims.is_empty());
    assert!(verdict.is_accepted() || verdict.assurance.is_none());
});
