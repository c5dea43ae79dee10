//! Deterministic CBOR decoder: never panics; what it accepts re-encodes exactly.
#![no_main]

use hawiya_core::internal::cbor_decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = cbor_decode(data) {
        assert_eq!(value.to_bytes(), data, "accepted CBOR is not canonical");
    }
});
