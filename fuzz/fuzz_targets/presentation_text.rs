//! Presentation QR text parser: the input as text when it is UTF-8, and the
//! input as presentation bytes behind a valid `HW2:` Base45 envelope, so the
//! fuzzer also works at the CBOR level.
#![no_main]

use hawiya_core::internal::{base45_encode, parse_presentation};
use hawiya_core::QR_PREFIX;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_presentation(text);
    }
    let _ = parse_presentation(&format!("{QR_PREFIX}{}", base45_encode(data)));
});
