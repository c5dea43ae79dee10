//! Binding request decoder: never panics; what it accepts re-encodes exactly.
#![no_main]

use hawiya_core::BindingRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = BindingRequest::from_bytes(data) {
        assert_eq!(request.to_bytes(), data, "binding request is not canonical");
    }
});
