//! hawiya-core: an offline digital ID wallet core.
//!
//! An issuer signs identity credentials ([`Issuer`]): a phone-bound one for
//! the holder's phone and a print-only one for the printable card. The
//! holder's phone keeps them ([`HeldCredential`]) and shows chosen claims as
//! a signed QR code ([`Presentation`]), over the verifier's [`Challenge`]
//! when it shows one; a verifier checks that code offline ([`Verifier`])
//! against a root-signed [`TrustList`] and an optional [`SignedStatusList`],
//! and says how far to trust it ([`Assurance`]: challenged, timed or printed).
//! Data flows one way: issuer → credential → presentation → QR text → verifier.
//! A [`Card`] is a held document as people see it (bilingual fields,
//! Gregorian and Umm al-Qura Hijri dates); with the `render` feature,
//! `CardRenderer` draws it to SVG, PNG and a printable PDF.
//!
//! The wire format is specified in `docs/FORMAT.md`; the threat model in
//! `docs/SECURITY.md`. Core logic never reads the clock: callers pass
//! [`UnixTime`] in (see [`Clock`]).

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod base45;
mod binding;
mod card;
mod cbor;
mod challenge;
mod claims;
mod commitment;
mod cose;
mod credential;
mod date;
mod error;
#[cfg(test)]
mod fixtures;
mod issuer;
mod keys;
mod presentation;
mod qr;
mod status_list;
mod trust_list;
mod verifier;
mod wallet;

pub use base45::Base45Error;
pub use binding::{BindingRequest, DeviceBinding, MAX_NONCE_LEN, MIN_NONCE_LEN};
pub use card::{Card, CardField, CardStatus, HijriDate, TextDirection, HIJRI_MARK};
#[cfg(feature = "render")]
pub use card::{
    CardRenderer, RenderError, CARD_HEIGHT_MM, CARD_WIDTH_MM, DEFAULT_PNG_DPI, MAX_PNG_DPI,
    MIN_PNG_DPI,
};
pub use cbor::CborError;
pub use challenge::{
    Challenge, ChallengeCode, ChallengeError, CHALLENGE_DIGITS, CHALLENGE_QR_PREFIX,
};
pub use claims::{
    check_value, ClaimKey, ClaimValue, Claims, ClaimsError, DocumentType, Sex, MAX_PORTRAIT_BYTES,
    MAX_PORTRAIT_PIXELS, MAX_TEXT_BYTES, MAX_VALIDITY_DAYS, MIN_BIRTH_YEAR,
};
pub use commitment::CHUNK_LEN;
pub use credential::{Credential, CredentialInfo, HeldCredential, FORMAT_VERSION};
pub use date::{Clock, Date, DateError, FixedClock, SystemClock, UnixTime, SECONDS_PER_DAY};
pub use error::FormatError;
pub use issuer::{IssueError, Issuer, MAX_KID_LEN};
pub use keys::{DeviceSigner, KeyError, PublicKey, SecretKey, PUBLIC_KEY_LEN, SIGNATURE_LEN};
pub use presentation::{
    qr_text_from_input, Disclosure, Mode, PresentError, Presentation, MAX_DAY, MAX_QR_TEXT_LEN,
    QR_PREFIX,
};
pub use qr::{
    decode_png, decode_png_with, decode_rgba_with, EccLevel, QrError, QrMatrix, ScanLimits,
    DEFAULT_FINDER_CANDIDATES, DEFAULT_SEARCH_PIXELS, MAX_IMAGE_PIXELS, MIN_PNG_MODULE_PX,
    QUIET_ZONE_MODULES,
};
pub use status_list::{
    SignedStatusList, StatusList, StatusListError, MAX_SIGNED_STATUS_LIST_BYTES,
    MAX_STATUS_LIST_BYTES, STATUS_LIST_TYP,
};
pub use trust_list::{
    TrustList, TrustListError, TrustedIssuer, MAX_TRUST_LIST_BYTES, TRUST_LIST_TYP,
};
pub use verifier::{Assurance, Failure, Policy, Verdict, Verifier, VerifierMemory, Warning};
pub use wallet::{
    AttemptState, Damage, DamagedDocument, DeviceKeyInfo, DocumentSummary, ImportOutcome,
    KdfParams, KeySource, KeySourceError, LogEntry, PasscodeRules, Person, Protection,
    RestoreReport, SkipReason, SkippedDocument, UnlockBlocked, UnlockOutcome, UnlockPolicy, Wallet,
    WalletError, WalletOptions, WeakPasscode, BACKUP_MAGIC, SCHEMA_VERSION,
};

/// Low-level pieces for fuzzing and the format's test vectors. Not a stable API.
#[doc(hidden)]
pub mod internal {
    pub use crate::base45::{decode as base45_decode, encode as base45_encode};
    pub use crate::cbor::{decode as cbor_decode, Value as CborValue};

    /// Runs every wallet record decoder on `bytes`. Returns how many
    /// accepted, or the name of a decoder that accepted bytes it would not
    /// write itself (non-canonical input).
    pub fn wallet_records(bytes: &[u8]) -> Result<usize, &'static str> {
        use crate::wallet::manifest::Manifest;
        use crate::wallet::records::{self, DocumentRecord, KeyRecord, LogEntry, Marks};
        use crate::wallet::LogHead;
        let decoded: [(&'static str, Option<Vec<u8>>); 8] = [
            ("key", KeyRecord::decode(bytes).map(|r| r.encode().to_vec())),
            (
                "document",
                DocumentRecord::decode(bytes).map(|r| r.encode().to_vec()),
            ),
            (
                "log entry",
                LogEntry::decode(0, bytes).map(|r| r.encode().to_vec()),
            ),
            ("marks", Marks::decode(bytes).map(|r| r.encode())),
            ("manifest", Manifest::decode(bytes).map(|r| r.encode())),
            ("log head", LogHead::decode(bytes).map(|r| r.encode())),
            (
                "attempts",
                records::decode_attempts(bytes).map(|r| records::encode_attempts(&r)),
            ),
            (
                "policy",
                records::decode_policy(bytes).map(|r| records::encode_policy(&r)),
            ),
        ];
        let mut accepted = 0;
        for (name, again) in decoded {
            match again {
                Some(again) if again != bytes => return Err(name),
                Some(_) => accepted += 1,
                None => {}
            }
        }
        Ok(accepted)
    }

    /// Parses a wallet backup's clear header and, separately, `payload` as
    /// a decrypted backup payload. Neither needs a key.
    pub fn wallet_backup(file: &[u8], payload: &[u8]) -> (bool, bool) {
        (
            crate::wallet::backup::parse_outer(file).is_ok(),
            crate::wallet::backup::decode_payload(payload).is_ok(),
        )
    }

    /// Parses presentation QR text without verifying anything.
    pub fn parse_presentation(text: &str) -> Result<(), crate::FormatError> {
        crate::presentation::parse_qr_text(text).map(|_| ())
    }
}
