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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{issuer, Scratch, ISSUED_AT, NUMBER};
    use hawiya_core::fixtures;

    #[test]
    fn the_claims_the_wallet_lists_are_read_from_the_credential() {
        let scratch = Scratch::new();
        let wallet = scratch.wallet();
        let key = wallet.create_device_key().unwrap();
        let binding = wallet
            .binding_request(&key, &[4; 16])
            .unwrap()
            .check(&[4; 16])
            .unwrap();
        let held = issuer()
            .issue(
                &fixtures::national_id(),
                &binding,
                1,
                ISSUED_AT,
                &mut rand_core::OsRng,
            )
            .unwrap();
        assert_eq!(document_number(&held).unwrap(), NUMBER);
        assert_eq!(
            text_claim(&held, ClaimKey::NameEn),
            "Mohammed Abdullah Alahmad"
        );
        assert_eq!(birth_date(&held), Some(fixtures::national_id().birth_date));
        assert_eq!(guardian_of(&held), None);
    }
}
