//! What the wallet reads from a held credential's claims: its document
//! number, names, birth date and guardian.

use hawiya_core::{ClaimKey, ClaimValue, Date, FormatError, HeldCredential};

use crate::error::WalletError;

/// The document number claim of a held credential.
pub(crate) fn document_number(held: &HeldCredential) -> Result<u64, WalletError> {
    match held.claim(ClaimKey::DocumentNumber) {
        Some(ClaimValue::Number(n)) => Ok(*n),
        _ => Err(WalletError::Format(FormatError::field(
            "held credential",
            "document number",
        ))),
    }
}

pub(crate) fn text_claim(held: &HeldCredential, key: ClaimKey) -> String {
    match held.claim(key) {
        Some(ClaimValue::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

pub(crate) fn birth_date(held: &HeldCredential) -> Option<Date> {
    match held.claim(ClaimKey::BirthDate) {
        Some(ClaimValue::Date(d)) => Some(*d),
        _ => None,
    }
}

/// The guardian document number a dependent's credential names.
pub(crate) fn guardian_of(held: &HeldCredential) -> Option<u64> {
    held.info().guardian
}
