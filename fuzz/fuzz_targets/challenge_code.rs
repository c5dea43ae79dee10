//! The challenge reader (`ChallengeCode::parse`): what a holder types or the
//! wallet app scans. Whatever it accepts reads back the same from each of
//! the code's own forms.
#![no_main]

use hawiya_core::ChallengeCode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(code) = ChallengeCode::parse(text) {
        assert!((100_000..=999_999).contains(&code.value()));
        for form in [code.to_string(), code.grouped(), code.qr_text()] {
            assert_eq!(ChallengeCode::parse(&form), Ok(code));
        }
    }
});
