//! hawiya-core: hawiya's format and its offline verifier.
//!
//! An issuer signs identity credentials ([`Issuer`]): a phone-bound one for
//! the holder's phone and a print-only one for the printable card. The
//! holder's phone keeps them ([`HeldCredential`]) and shows chosen claims as
//! a signed QR code ([`Presentation`]), over the verifier's [`Challenge`]
//! when it shows one; a verifier checks that code offline ([`Verifier`])
//! against a root-signed [`TrustList`] and an optional [`SignedStatusList`],
//! and says how far to trust it ([`Assurance`]: challenged, timed or printed).
//! Data flows one way: issuer → credential → presentation → QR text → verifier.
//!
//! This crate has no C code, no storage and no rendering, and builds for
//! `wasm32-unknown-unknown`: a web page, a server or a scanner verifies with
//! it alone. The holder's SQLite wallet is `hawiya-wallet`; the card people
//! see and print is `hawiya-card`. Reading QR codes from images is behind
//! the `qr-decode` feature.
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
pub mod cbor;
mod challenge;
mod claims;
mod commitment;
mod cose;
mod credential;
mod date;
mod error;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod fixtures;
mod issuer;
mod keys;
mod presentation;
mod qr;
mod status_list;
mod trust_list;
mod verifier;

pub use base45::Base45Error;
pub use binding::{BindingRequest, DeviceBinding, MAX_NONCE_LEN, MIN_NONCE_LEN};
pub use cbor::CborError;
pub use challenge::{
    Challenge, ChallengeCode, ChallengeError, CHALLENGE_DIGITS, CHALLENGE_QR_PREFIX,
};
pub use claims::{
    check_portrait, check_value, ClaimKey, ClaimValue, Claims, ClaimsError, DocumentType, Sex,
    MAX_PORTRAIT_BYTES, MAX_PORTRAIT_PIXELS, MAX_TEXT_BYTES, MAX_VALIDITY_DAYS, MIN_BIRTH_YEAR,
};
pub use commitment::CHUNK_LEN;
pub use cose::MAX_KID_LEN;
pub use credential::{Credential, CredentialInfo, HeldCredential, FORMAT_VERSION};
pub use date::{
    Clock, Date, DateError, FixedClock, SystemClock, UnixTime, MAX_DAY, SECONDS_PER_DAY,
};
pub use error::FormatError;
pub use issuer::{IssueError, Issuer};
pub use keys::{DeviceSigner, KeyError, PublicKey, SecretKey, PUBLIC_KEY_LEN, SIGNATURE_LEN};
pub use presentation::{
    qr_text_from_input, Disclosure, Mode, PresentError, Presentation, MAX_QR_TEXT_LEN, QR_PREFIX,
};
#[cfg(feature = "qr-decode")]
pub use qr::{
    decode_png, decode_png_with, decode_rgba_with, ScanLimits, DEFAULT_FINDER_CANDIDATES,
    DEFAULT_SEARCH_PIXELS,
};
pub use qr::{
    EccLevel, QrError, QrMatrix, MAX_IMAGE_PIXELS, MIN_PNG_MODULE_PX, QUIET_ZONE_MODULES,
};
pub use status_list::{
    SignedStatusList, StatusList, StatusListError, MAX_SIGNED_STATUS_LIST_BYTES,
    MAX_STATUS_LIST_BYTES, STATUS_LIST_TYP,
};
pub use trust_list::{
    TrustList, TrustListError, TrustedIssuer, MAX_TRUST_LIST_BYTES, TRUST_LIST_TYP,
};
pub use verifier::{Assurance, Failure, Policy, Verdict, Verifier, VerifierMemory, Warning};

/// Low-level pieces for fuzzing and the format's test vectors. Not a stable
/// API; only with the `internal` feature.
#[cfg(feature = "internal")]
#[doc(hidden)]
pub mod internal {
    pub use crate::base45::{decode as base45_decode, encode as base45_encode};
    pub use crate::cbor::{decode as cbor_decode, Value as CborValue};

    /// Parses presentation QR text without verifying anything.
    pub fn parse_presentation(text: &str) -> Result<(), crate::FormatError> {
        crate::presentation::parse_qr_text(text).map(|_| ())
    }
}
