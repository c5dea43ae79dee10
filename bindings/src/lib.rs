//! hawiya-ffi: the Kotlin and Swift API of hawiya-core, through uniffi.
//!
//! A thin façade with no logic of its own: every call converts its arguments,
//! calls hawiya-core and converts the answer. What it adds is what a foreign
//! caller needs: objects that are safe to share between threads ([`Wallet`],
//! [`Verifier`], [`TrustList`], [`TestIssuer`]), plain records and enums,
//! typed errors (one enum per concern) instead of panics, foreign traits for
//! what the platform owns ([`KeySource`], [`DeviceSigner`], [`Clock`]), and
//! zeroizing of the passphrases the host passes in.
//!
//! `docs/BINDINGS.md` is the guide for app teams; `scripts/bindings-generate.sh`
//! generates the Kotlin and Swift sources from the built library.

#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

uniffi::setup_scaffolding!();

mod bench;
mod card;
mod error;
mod issuer;
mod model;
mod platform;
mod presentation;
mod trust;
mod wallet;

pub use bench::{rust_presentation_benchmark, BenchResult};
pub use card::{hijri_date, Card, CardField, CardStatus, HijriDate, TextDirection};
pub use error::{
    describe_issue_error, describe_qr_error, describe_verify_error, describe_wallet_error,
    IssueError, QrError, VerifyError, WalletError, WeakPasscodeKind,
};
pub use issuer::TestIssuer;
pub use model::{
    default_policy, default_wallet_options, describe_assurance, Assurance, AttemptState,
    CalendarDate, Challenge, Claim, ClaimKey, ClaimValue, Damage, DamagedDocument, DeviceKeyInfo,
    Disclosure, DocumentClaims, DocumentDetails, DocumentSummary, DocumentType, ImportOutcome,
    KdfParams, LogEntry, Mode, PasscodeRules, Person, Policy, QrCode, Reason, RestoredWallet,
    SeenPresentation, Sex, SkipReason, SkippedDocument, TrustedIssuer, UnlockOutcome, UnlockPolicy,
    Verdict, VerifierMemory, WalletOptions,
};
pub use platform::{
    describe_clock_error, describe_key_source_error, describe_signer_error, Clock, ClockError,
    DeviceSigner, KeySource, KeySourceError, SignerError,
};
pub use presentation::{qr_code_for_text, qr_svg_for_text, read_qr_png, Presentation};
pub use trust::{TrustList, Verifier};
pub use wallet::{
    read_challenge_code, restore_backup_with_key_source, restore_backup_with_passphrase, Wallet,
};

/// The version of this library (the workspace version).
#[uniffi::export]
pub fn library_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
