//! Full verification (`Verifier::verify`) over a real trust list: the input
//! as QR text when it is UTF-8, and the input as presentation bytes behind a
//! valid `HW1:` Base45 envelope, so the fuzzer also works at the CBOR level
//! and reaches the commitment proof and signature checks.
#![no_main]

use hawiya_core::internal::base45_encode;
use hawiya_core::{Policy, Verifier};
use hawiya_fuzz::{NOW, TRUST};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut verifier = Verifier::new(TRUST.clone(), Policy::default());
    if let Ok(text) = std::str::from_utf8(data) {
        let verdict = verifier.verify(text, NOW, None);
        assert!(verdict.is_accepted() || verdict.claims.is_empty());
    }
    let verdict = verifier.verify(&format!("HW1:{}", base45_encode(data)), NOW, None);
    assert!(verdict.is_accepted() || verdict.claims.is_empty());
});
