//! Base45 decoder: never panics; accepts only `encode`'s own output; and
//! `decode(encode(bytes)) == bytes` for any bytes.
#![no_main]

use hawiya_core::internal::{base45_decode, base45_encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(bytes) = base45_decode(text) {
            assert_eq!(
                base45_encode(&bytes),
                text,
                "accepted Base45 is not canonical"
            );
        }
    }
    let encoded = base45_encode(data);
    assert_eq!(base45_decode(&encoded).as_deref(), Ok(data));
});
