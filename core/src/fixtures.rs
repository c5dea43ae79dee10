//! The sample national ID that hawiya's tests and benchmarks start from, and
//! the tiny PNG they use as a portrait.
//!
//! One definition for every crate that needs it: core's unit tests use this
//! module, and the other crates' tests and benches turn on hawiya-core's
//! `test-fixtures` feature (never on in a release library). A test that needs a variant (a portrait, another number or version)
//! changes those fields with struct update syntax, so every crate tests the
//! same person.

use crate::{Claims, Date, DocumentType, Sex};

/// A citizen's national ID: number 1234567890, version 1, valid from
/// 2024-01-10 to 2034-01-09, with an Arabic and an English name and no
/// portrait.
pub fn national_id() -> Claims {
    Claims {
        document_type: DocumentType::NationalId,
        document_number: 1_234_567_890,
        document_version: 1,
        name_ar: "محمد عبدالله الأحمد".to_owned(),
        name_en: "Mohammed Abdullah Alahmad".to_owned(),
        birth_date: date(1990, 5, 17),
        sex: Sex::Male,
        nationality: "SAU".to_owned(),
        place_of_birth: "Riyadh".to_owned(),
        occupation: None,
        employer: None,
        issue_date: date(2024, 1, 10),
        expiry_date: date(2034, 1, 9),
        portrait: None,
    }
}

/// The smallest valid PNG (1×1 grey), as a stand-in portrait.
pub fn tiny_png() -> Vec<u8> {
    const PNG: [u8; 67] = [
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3a,
        0x7e, 0x9b, 0x55, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x68,
        0x00, 0x00, 0x00, 0x82, 0x00, 0x81, 0x4c, 0x17, 0xd7, 0xdf, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];
    PNG.to_vec()
}

// Test data only (the `test-fixtures` feature): a bad fixture date is a bug
// in this file, found by the first test that uses it.
#[allow(clippy::panic)]
fn date(year: i32, month: u32, day: u32) -> Date {
    match Date::new(year, month, day) {
        Ok(date) => date,
        Err(e) => panic!("fixture date {year}-{month}-{day}: {e}"),
    }
}
