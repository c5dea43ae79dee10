//! hawiya-ffi: the Kotlin and Swift API of hawiya-core, through uniffi.
//!
//! A thin façade with no logic of its own: every call passes its arguments to
//! hawiya-core, hawiya-wallet or hawiya-card and returns the answer. What it adds is what a foreign
//! caller needs: objects that are safe to share between threads ([`Wallet`],
//! [`Verifier`], [`TrustList`]), hawiya-core's own records and enums
//! (uniffi remote types, `types.rs`), a few records shaped for screens,
//! typed errors (one enum per concern) instead of panics, foreign traits for
//! what the platform owns ([`KeySource`], [`DeviceSigner`], [`Clock`]), and
//! zeroizing of the passphrases the host passes in. The test issuer and the
//! presentation benchmark exist only with the `test-issuer` and `bench`
//! features, never in an app's library.
//!
//! `docs/BINDINGS.md` is the guide for app teams; `scripts/bindings-generate.sh`
//! generates the Kotlin and Swift sources from the built library.

#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

uniffi::setup_scaffolding!();

#[cfg(feature = "bench")]
mod bench;
mod card;
mod error;
#[cfg(feature = "test-issuer")]
mod issuer;
mod model;
mod platform;
mod presentation;
mod showing;
mod trust;
mod types;
mod wallet;

#[cfg(feature = "bench")]
pub use bench::{rust_presentation_benchmark, BenchResult};
pub use card::{hijri_date, Card, HijriDate};
#[cfg(feature = "test-issuer")]
pub use error::{describe_issue_error, IssueError};
pub use error::{
    describe_qr_error, describe_verify_error, describe_wallet_error, QrError, VerifyError,
    WalletError, WeakPasscodeKind,
};
#[cfg(feature = "test-issuer")]
pub use issuer::{DocumentClaims, TestIssuer};
pub use model::{
    default_wallet_options, Challenge, Claim, DamagedDocument, DeviceKeyInfo, DocumentDetails,
    ImportOutcome, PasscodeRules, QrCode, Reason, SeenPresentation, SkippedDocument, UnlockOutcome,
    Verdict, VerifierMemory, WalletOptions,
};
pub use platform::{
    describe_clock_error, describe_key_source_error, describe_signer_error, Clock, ClockError,
    DeviceSigner, KeySource, KeySourceError, SignerError,
};
#[cfg(feature = "qr-decode")]
pub use presentation::read_qr_png;
pub use presentation::{qr_code_for_text, qr_svg_for_text, Presentation};
pub use showing::Showing;
pub use trust::{TrustList, Verifier};
pub use types::{default_policy, describe_assurance, CalendarDate, GregorianDate};
// The core types this library exposes as they are (uniffi remote types).
pub use hawiya_card::{CardField, CardStatus, TextDirection};
pub use hawiya_core::{
    Assurance, ClaimKey, ClaimValue, Disclosure, DocumentType, Mode, Policy, PublicKey, Sex,
    TrustedIssuer, UnixTime,
};
pub use hawiya_wallet::{
    AttemptState, Damage, DocumentSummary, KdfParams, LogEntry, Person, SkipReason, UnlockPolicy,
};
pub use wallet::{
    read_challenge_code, restore_backup_with_key_source, restore_backup_with_passphrase,
    RestoredWallet, Wallet,
};

/// The version of this library (the workspace version).
#[uniffi::export]
pub fn library_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
