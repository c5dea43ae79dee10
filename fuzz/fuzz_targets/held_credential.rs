//! Held credential (wallet storage) decoder: never panics; what it accepts
//! decodes to the same held credential after re-encoding.
#![no_main]

use hawiya_core::HeldCredential;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(held) = HeldCredential::from_bytes(data) {
        let again = HeldCredential::from_bytes(&held.to_bytes());
        assert!(
            again.as_ref() == Ok(&held),
            "held credential does not round-trip"
        );
    }
});
