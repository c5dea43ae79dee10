//! Credential (COSE_Sign1 CWT) decoder: never panics; what it accepts
//! decodes to the same credential after re-encoding.
#![no_main]

use hawiya_core::Credential;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(credential) = Credential::from_bytes(data) {
        let again = Credential::from_bytes(&credential.to_bytes());
        assert_eq!(again, Ok(credential), "credential does not round-trip");
    }
});
