//! The records the app needs in another shape than core's, each with the
//! reason in one line. Everything else is core's own type (`types.rs`).
//!
//! Times are seconds since 1970 (`i64`), document numbers are `u64` (Kotlin
//! `ULong`, Swift `UInt64`).

use hawiya_core as core;
use hawiya_wallet as wallet;

use crate::error::WeakPasscodeKind;
use core::{Assurance, ClaimKey, ClaimValue, DocumentType, Mode};
use wallet::{Damage, DocumentSummary, KdfParams, SkipReason, UnlockPolicy};

/// One claim with its bilingual label and a display rendering (core keeps
/// the labels on the key and the rendering on the value; a screen wants them
/// together).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Claim {
    /// Which claim.
    pub key: ClaimKey,
    /// English label, e.g. "Date of birth".
    pub label_en: String,
    /// Arabic label.
    pub label_ar: String,
    /// The typed value.
    pub value: ClaimValue,
    /// A short rendering for screens (dates as YYYY-MM-DD, portraits as their size).
    pub display: String,
}

impl Claim {
    pub(crate) fn new(key: ClaimKey, value: &ClaimValue) -> Claim {
        Claim {
            key,
            label_en: key.label_en().to_owned(),
            label_ar: key.label_ar().to_owned(),
            value: value.clone(),
            display: value.display(),
        }
    }
}
/// A challenge a verifier shows the holder: six digits to type, or a QR
/// code for the wallet app to scan. Keep it until the phone's code is
/// scanned and pass it to `Verifier.verify`; it stays answerable for the
/// policy's freshness window.
// Core's challenge keeps its code private; the app shows its text and QR.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Challenge {
    /// The six digits, e.g. `"493817"`.
    pub code: String,
    /// The six digits grouped for reading aloud: `"493 817"`.
    pub grouped: String,
    /// The text of its QR code (`HWC:` and the digits), for the app's own
    /// QR renderer.
    pub qr_text: String,
    /// Its QR code (error correction M) as a module matrix.
    pub qr: QrCode,
    /// When the verifier showed it (seconds since 1970).
    pub issued_at: i64,
    /// When answers stop being accepted with the verifier's policy (seconds
    /// since 1970).
    pub answerable_until: i64,
}

impl Challenge {
    /// The core challenge this record describes.
    pub(crate) fn to_core(&self) -> Option<core::Challenge> {
        core::ChallengeCode::parse(&self.code)
            .ok()
            .filter(|code| code.to_string() == self.code)
            .map(|code| core::Challenge::new(code, core::UnixTime(self.issued_at)))
    }
}

/// A QR code's modules, ready to draw.
// Core's matrix is an object with methods; the app draws a flat list.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct QrCode {
    /// QR version, 1 to 40 (size grows with it).
    pub version: u8,
    /// Modules per side, without the quiet zone.
    pub size: u32,
    /// `size * size` modules, row by row from the top left; `true` is dark.
    /// Leave a quiet zone of 4 light modules around it when drawing.
    pub modules: Vec<bool>,
}

/// A document with its claims, to show on screen. Holds personal data:
/// show it, do not store or log it.
// Core's held credential is its secrets; the screen gets its claims.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DocumentDetails {
    /// The summary as in lists.
    pub summary: DocumentSummary,
    /// The issuer's name.
    pub issuer: String,
    /// When the credential was issued (seconds since 1970).
    pub issued_at: i64,
    /// Every claim, in wire key order.
    pub claims: Vec<Claim>,
}

/// What an import did.
// Named fields: core's `Added` is a tuple variant.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum ImportOutcome {
    /// A new document.
    Added {
        /// The document.
        document: DocumentSummary,
    },
    /// A renewal replaced (and purged) an older version.
    Renewed {
        /// The new version.
        document: DocumentSummary,
        /// The version it replaced.
        replaced_version: u32,
    },
}

/// What an unlock found worth telling the holder.
// Core's WeakPasscode carries `usize` fields, which uniffi has no type for.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct UnlockOutcome {
    /// Set when the passphrase turned out trivial for what the wallet now
    /// holds (e.g. a stored birth date): ask the holder to change it.
    pub weak_passcode: Option<WeakPasscodeKind>,
}

/// A device key the wallet can sign with.
// Adds the key's fingerprint, which core computes on demand.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DeviceKeyInfo {
    /// The 32-byte Ed25519 public key (what credentials are bound to).
    pub public_key: Vec<u8>,
    /// A short fingerprint to show.
    pub fingerprint: String,
    /// Whether the app's platform signer holds it (hardware-backed).
    pub platform: bool,
}

/// Minimum PIN and passphrase strength.
// Core counts in `usize`, which uniffi has no type for.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PasscodeRules {
    /// Fewest digits for a PIN.
    pub min_pin_digits: u32,
    /// Fewest characters for a passphrase.
    pub min_passphrase_chars: u32,
}

/// Settings an app chooses when creating or opening a wallet. Start from
/// `defaultWalletOptions()` and change what you need.
// Core's busy timeout is a `Duration`; the app passes milliseconds.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct WalletOptions {
    /// Throttling of failed unlocks (stored in the file at creation).
    pub unlock_policy: UnlockPolicy,
    /// Minimum PIN and passphrase strength.
    pub passcode_rules: PasscodeRules,
    /// Argon2id settings for a passphrase-protected wallet.
    pub kdf: KdfParams,
    /// How long to wait for another process holding the write lock, in ms.
    pub busy_timeout_ms: u64,
}

impl From<&wallet::WalletOptions> for WalletOptions {
    fn from(o: &wallet::WalletOptions) -> Self {
        WalletOptions {
            unlock_policy: o.unlock_policy,
            passcode_rules: PasscodeRules {
                min_pin_digits: u32::try_from(o.passcode_rules.min_pin_digits).unwrap_or(u32::MAX),
                min_passphrase_chars: u32::try_from(o.passcode_rules.min_passphrase_chars)
                    .unwrap_or(u32::MAX),
            },
            kdf: o.kdf,
            busy_timeout_ms: u64::try_from(o.busy_timeout.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

impl WalletOptions {
    pub(crate) fn to_core(&self) -> wallet::WalletOptions {
        wallet::WalletOptions {
            unlock_policy: self.unlock_policy,
            passcode_rules: wallet::PasscodeRules {
                min_pin_digits: self.passcode_rules.min_pin_digits as usize,
                min_passphrase_chars: self.passcode_rules.min_passphrase_chars as usize,
            },
            kdf: self.kdf,
            busy_timeout: std::time::Duration::from_millis(self.busy_timeout_ms),
        }
    }
}

/// The options the wallet uses unless the app chooses otherwise: OWASP's
/// Argon2id settings, 6-digit PINs, throttling after 5 failures and a
/// lockout after 10.
#[uniffi::export]
pub fn default_wallet_options() -> WalletOptions {
    WalletOptions::from(&wallet::WalletOptions::default())
}

/// A document a restore left out.
// Adds the reason's sentence (core's Display).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SkippedDocument {
    /// The number it claims (read from the backup, not verified).
    pub number: Option<u64>,
    /// The version it claims.
    pub version: Option<u32>,
    /// Why it was left out.
    pub reason: SkipReason,
    /// The same, as a sentence.
    pub explanation: String,
}

impl From<&wallet::SkippedDocument> for SkippedDocument {
    fn from(skipped: &wallet::SkippedDocument) -> SkippedDocument {
        SkippedDocument {
            number: skipped.number,
            version: skipped.version,
            reason: skipped.reason,
            explanation: skipped.reason.to_string(),
        }
    }
}

/// A document the wallet should hold but cannot show, because its stored
/// row was deleted, altered or rolled back outside the wallet (or a row it
/// never stored was put in). The other documents keep working.
// Adds the damage's sentence (core's `Damage::reason`).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DamagedDocument {
    /// Its number, when the wallet's manifest names it.
    pub number: Option<u64>,
    /// Its type, when known.
    pub document_type: Option<DocumentType>,
    /// The version the wallet holds, when known.
    pub version: Option<u32>,
    /// What is wrong.
    pub damage: Damage,
    /// The same, as a sentence for the holder.
    pub explanation: String,
}

impl From<wallet::DamagedDocument> for DamagedDocument {
    fn from(damaged: wallet::DamagedDocument) -> DamagedDocument {
        DamagedDocument {
            number: damaged.number,
            document_type: damaged.document_type,
            version: damaged.version,
            damage: damaged.damage,
            explanation: damaged.damage.reason().to_owned(),
        }
    }
}

/// One reason in a verdict: a stable code for programs and a sentence for people.
// Core's Failure and Warning carry typed details; the app shows code and sentence.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Reason {
    /// Stable snake_case code, e.g. `presentation_stale`, `bad_issuer_signature`.
    pub code: String,
    /// A sentence a verifier's screen can show.
    pub message: String,
}

/// The outcome of verifying one QR code. Only an accepted verdict is
/// evidence: on rejection the document fields are what the code claims.
// Flattened for screens: accepted as a bool, reasons as code and sentence.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Verdict {
    /// Whether every check passed.
    pub accepted: bool,
    /// How strongly the accepted code ties the document to the person
    /// showing it; `null`/`nil` unless accepted.
    pub assurance: Option<Assurance>,
    /// Every failed check; empty when accepted.
    pub failures: Vec<Reason>,
    /// Notes that do not reject (static code, stale or unknown status).
    pub warnings: Vec<Reason>,
    /// Device-bound or static, once readable.
    pub mode: Option<Mode>,
    /// Document type, once readable.
    pub document_type: Option<DocumentType>,
    /// Document version, once readable.
    pub document_version: Option<u32>,
    /// For a dependent's credential: the guardian's document number (the
    /// presenter of a phone code is the guardian, not the subject; a printed
    /// card is shown by whoever holds it).
    pub guardian: Option<u64>,
    /// Issuer name from the trust list, when the key is known.
    pub issuer: Option<String>,
    /// When the credential expires (seconds since 1970), once readable.
    pub expires_at: Option<i64>,
    /// When the phone signed it (seconds since 1970), for device-bound codes.
    pub presented_at: Option<i64>,
    /// The disclosed claims; empty unless accepted.
    pub claims: Vec<Claim>,
}

impl From<core::Verdict> for Verdict {
    fn from(v: core::Verdict) -> Self {
        Verdict {
            accepted: v.is_accepted(),
            assurance: v.assurance,
            failures: v
                .failures
                .iter()
                .map(|f| Reason {
                    code: f.code().to_owned(),
                    message: f.explain(),
                })
                .collect(),
            warnings: v
                .warnings
                .iter()
                .map(|w| Reason {
                    code: w.code().to_owned(),
                    message: w.explain(),
                })
                .collect(),
            mode: v.mode,
            document_type: v.document_type,
            document_version: v.document_version,
            guardian: v.guardian,
            issuer: v.issuer,
            expires_at: v.expires_at.map(|t| t.0),
            presented_at: v.presented_at.map(|t| t.0),
            claims: v
                .claims
                .iter()
                .map(|(key, value)| Claim::new(*key, value))
                .collect(),
        }
    }
}

/// What a verifier must keep across restarts so that neither a replay of a
/// recent code nor an older trust list gets through after the app restarts.
/// Store it (it holds no personal data: hashes of signatures and times).
// Core keeps (hash, time) pairs; uniffi has no tuples.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct VerifierMemory {
    /// Version of the newest trust list accepted.
    pub trust_list_version: u64,
    /// Recently accepted device-bound codes.
    pub recent: Vec<SeenPresentation>,
}

/// One accepted device-bound code, as a verifier remembers it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SeenPresentation {
    /// SHA-256 of its device signature (32 bytes).
    pub signature_hash: Vec<u8>,
    /// When it was presented (seconds since 1970).
    pub presented_at: i64,
}

impl From<core::VerifierMemory> for VerifierMemory {
    fn from(memory: core::VerifierMemory) -> Self {
        VerifierMemory {
            trust_list_version: memory.trust_list_version,
            recent: memory
                .recent
                .into_iter()
                .map(|(hash, at)| SeenPresentation {
                    signature_hash: hash.to_vec(),
                    presented_at: at,
                })
                .collect(),
        }
    }
}

impl VerifierMemory {
    /// The core form; entries whose hash is not 32 bytes are dropped.
    pub(crate) fn to_core(&self) -> core::VerifierMemory {
        core::VerifierMemory {
            trust_list_version: self.trust_list_version,
            recent: self
                .recent
                .iter()
                .filter_map(|seen| {
                    let hash: [u8; 32] = seen.signature_hash.as_slice().try_into().ok()?;
                    Some((hash, seen.presented_at))
                })
                .collect(),
        }
    }
}
