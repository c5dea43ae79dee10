//! The plain data the API passes: records (Kotlin data classes, Swift
//! structs) and enums, each converted from or to its hawiya-core type.
//!
//! Times are seconds since 1970 (`i64`), dates are calendar dates, document
//! numbers are `u64` (Kotlin `ULong`, Swift `UInt64`).

use hawiya_core as core;
use hawiya_wallet as wallet;

/// A calendar date (Gregorian): a day, with no time and no time zone. Named
/// so that it does not clash with Swift's `Foundation.Date` or Java's
/// `java.util.Date`, which are instants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CalendarDate {
    /// Year, e.g. 1990.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of the month, 1 to 31.
    pub day: u32,
}

impl From<core::Date> for CalendarDate {
    fn from(date: core::Date) -> Self {
        CalendarDate {
            year: date.year(),
            month: date.month(),
            day: date.day(),
        }
    }
}

impl CalendarDate {
    pub(crate) fn to_core(self) -> Result<core::Date, core::DateError> {
        core::Date::new(self.year, self.month, self.day)
    }
}

/// The kind of identity document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum DocumentType {
    /// National ID card (citizens).
    NationalId,
    /// Resident permit (iqama).
    ResidentPermit,
}

impl DocumentType {
    pub(crate) fn from_core(doc: core::DocumentType) -> Option<DocumentType> {
        match doc {
            core::DocumentType::NationalId => Some(DocumentType::NationalId),
            core::DocumentType::ResidentPermit => Some(DocumentType::ResidentPermit),
        }
    }

    pub(crate) fn to_core(self) -> core::DocumentType {
        match self {
            DocumentType::NationalId => core::DocumentType::NationalId,
            DocumentType::ResidentPermit => core::DocumentType::ResidentPermit,
        }
    }
}

/// One claim of an identity document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ClaimKey {
    /// 10-digit document number.
    DocumentNumber,
    /// Full name in Arabic script.
    NameAr,
    /// Full name in Latin script.
    NameEn,
    /// Date of birth.
    BirthDate,
    /// Sex.
    Sex,
    /// Nationality, ISO 3166-1 alpha-3.
    Nationality,
    /// Place of birth.
    PlaceOfBirth,
    /// Date the document was issued.
    IssueDate,
    /// Last day the document is valid.
    ExpiryDate,
    /// Whether the holder was 18 or older at issuance.
    AgeOver18,
    /// Whether the holder was 21 or older at issuance.
    AgeOver21,
    /// Occupation (resident permit only).
    Occupation,
    /// Employer or sponsor (resident permit only).
    Employer,
    /// Portrait image.
    Portrait,
}

impl ClaimKey {
    /// Every claim key, in wire order.
    const ALL: [ClaimKey; 14] = [
        ClaimKey::DocumentNumber,
        ClaimKey::NameAr,
        ClaimKey::NameEn,
        ClaimKey::BirthDate,
        ClaimKey::Sex,
        ClaimKey::Nationality,
        ClaimKey::PlaceOfBirth,
        ClaimKey::IssueDate,
        ClaimKey::ExpiryDate,
        ClaimKey::AgeOver18,
        ClaimKey::AgeOver21,
        ClaimKey::Occupation,
        ClaimKey::Employer,
        ClaimKey::Portrait,
    ];

    pub(crate) fn from_core(key: core::ClaimKey) -> Option<ClaimKey> {
        ClaimKey::ALL.into_iter().find(|k| k.to_core() == key)
    }

    pub(crate) fn to_core(self) -> core::ClaimKey {
        match self {
            ClaimKey::DocumentNumber => core::ClaimKey::DocumentNumber,
            ClaimKey::NameAr => core::ClaimKey::NameAr,
            ClaimKey::NameEn => core::ClaimKey::NameEn,
            ClaimKey::BirthDate => core::ClaimKey::BirthDate,
            ClaimKey::Sex => core::ClaimKey::Sex,
            ClaimKey::Nationality => core::ClaimKey::Nationality,
            ClaimKey::PlaceOfBirth => core::ClaimKey::PlaceOfBirth,
            ClaimKey::IssueDate => core::ClaimKey::IssueDate,
            ClaimKey::ExpiryDate => core::ClaimKey::ExpiryDate,
            ClaimKey::AgeOver18 => core::ClaimKey::AgeOver18,
            ClaimKey::AgeOver21 => core::ClaimKey::AgeOver21,
            ClaimKey::Occupation => core::ClaimKey::Occupation,
            ClaimKey::Employer => core::ClaimKey::Employer,
            ClaimKey::Portrait => core::ClaimKey::Portrait,
        }
    }
}

/// Sex as printed on the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Sex {
    /// Male.
    Male,
    /// Female.
    Female,
}

impl From<core::Sex> for Sex {
    fn from(sex: core::Sex) -> Self {
        match sex {
            core::Sex::Male => Sex::Male,
            core::Sex::Female => Sex::Female,
        }
    }
}

impl From<Sex> for core::Sex {
    fn from(sex: Sex) -> Self {
        match sex {
            Sex::Male => core::Sex::Male,
            Sex::Female => core::Sex::Female,
        }
    }
}

/// A claim's value.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum ClaimValue {
    /// Not present.
    Absent,
    /// A yes/no predicate (age over 18 or 21).
    Bool {
        /// The value.
        value: bool,
    },
    /// Image bytes (portrait).
    Bytes {
        /// The bytes.
        value: Vec<u8>,
    },
    /// A date.
    Date {
        /// The date.
        value: CalendarDate,
    },
    /// A number (document number).
    Number {
        /// The number.
        value: u64,
    },
    /// Sex.
    Sex {
        /// The value.
        value: Sex,
    },
    /// Text (names, nationality, place of birth, …).
    Text {
        /// The text.
        value: String,
    },
}

impl From<&core::ClaimValue> for ClaimValue {
    fn from(value: &core::ClaimValue) -> Self {
        match value {
            core::ClaimValue::Bool(value) => ClaimValue::Bool { value: *value },
            core::ClaimValue::Bytes(value) => ClaimValue::Bytes {
                value: value.clone(),
            },
            core::ClaimValue::Date(value) => ClaimValue::Date {
                value: (*value).into(),
            },
            core::ClaimValue::Number(value) => ClaimValue::Number { value: *value },
            core::ClaimValue::Sex(value) => ClaimValue::Sex {
                value: (*value).into(),
            },
            core::ClaimValue::Text(value) => ClaimValue::Text {
                value: value.clone(),
            },
            _ => ClaimValue::Absent,
        }
    }
}

/// One claim with its bilingual label and a display rendering.
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
    pub(crate) fn from_core(key: core::ClaimKey, value: &core::ClaimValue) -> Option<Claim> {
        Some(Claim {
            key: ClaimKey::from_core(key)?,
            label_en: key.label_en().to_owned(),
            label_ar: key.label_ar().to_owned(),
            value: value.into(),
            display: value.display(),
        })
    }
}

/// Which claims a presentation shows.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Disclosure {
    /// Every claim except the portrait.
    Full,
    /// Names, document number and expiry date.
    Identity,
    /// Only whether the holder is 18 or over.
    AgeOver18,
    /// Only whether the holder is 21 or over.
    AgeOver21,
    /// Exactly these claims.
    Only {
        /// The claims to show.
        keys: Vec<ClaimKey>,
    },
}

impl Disclosure {
    pub(crate) fn to_core(&self) -> core::Disclosure {
        match self {
            Disclosure::Full => core::Disclosure::Full,
            Disclosure::Identity => core::Disclosure::Identity,
            Disclosure::AgeOver18 => core::Disclosure::AgeOver18,
            Disclosure::AgeOver21 => core::Disclosure::AgeOver21,
            Disclosure::Only { keys } => {
                core::Disclosure::Only(keys.iter().map(|k| k.to_core()).collect())
            }
        }
    }
}

/// How a presentation is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Mode {
    /// Signed by the phone's device key at a moment (over the verifier's
    /// challenge when it showed one): cannot be replayed.
    DeviceBound,
    /// Issuer-signed only: a print credential's code, as a printed card
    /// carries. Lower assurance.
    Static,
}

/// How strongly an accepted code ties the document to the person showing
/// it, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, uniffi::Enum)]
pub enum Assurance {
    /// A printed card's static code: issuer-signed only; anyone with a copy
    /// can show it. Compare the photo and the name.
    Printed,
    /// Signed by the holder's phone at its own clock's time, without this
    /// verifier's challenge: it could have been made in advance by whoever
    /// controls the phone's clock.
    Timed,
    /// Signed by the holder's phone over the challenge this verifier just
    /// showed.
    Challenged,
}

impl From<core::Assurance> for Assurance {
    fn from(level: core::Assurance) -> Self {
        match level {
            core::Assurance::Printed => Assurance::Printed,
            core::Assurance::Timed => Assurance::Timed,
            core::Assurance::Challenged => Assurance::Challenged,
        }
    }
}

impl Assurance {
    pub(crate) fn to_core(self) -> core::Assurance {
        match self {
            Assurance::Printed => core::Assurance::Printed,
            Assurance::Timed => core::Assurance::Timed,
            Assurance::Challenged => core::Assurance::Challenged,
        }
    }
}

/// The sentence a verifier's screen shows for an assurance level.
#[uniffi::export]
pub fn describe_assurance(assurance: Assurance) -> String {
    assurance.to_core().explain().to_owned()
}

/// A challenge a verifier shows the holder: six digits to type, or a QR
/// code for the wallet app to scan. Keep it until the phone's code is
/// scanned and pass it to `Verifier.verify`; it stays answerable for the
/// policy's freshness window.
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

impl From<core::Mode> for Mode {
    fn from(mode: core::Mode) -> Self {
        match mode {
            core::Mode::DeviceBound => Mode::DeviceBound,
            core::Mode::Static => Mode::Static,
        }
    }
}

/// A stored document, without its secrets, for lists.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DocumentSummary {
    /// Document number.
    pub number: u64,
    /// National ID or resident permit.
    pub document_type: DocumentType,
    /// Document version (renewals are higher).
    pub version: u32,
    /// Holder's name in Arabic.
    pub name_ar: String,
    /// Holder's name in English.
    pub name_en: String,
    /// Holder's date of birth.
    pub birth_date: Option<CalendarDate>,
    /// When the credential expires (seconds since 1970).
    pub expires_at: i64,
    /// The guardian's document number, for a dependent's document.
    pub guardian: Option<u64>,
    /// Whether this wallet lacks the device key the credential is bound to
    /// (after a restore): only printed codes (with a print credential) until
    /// re-bound.
    pub needs_rebinding: bool,
    /// Whether the wallet holds the document's print credential: its card
    /// can be printed and its printed code shown (`presentStatic`).
    pub printable: bool,
    /// When it was imported (seconds since 1970).
    pub imported_at: i64,
}

impl DocumentSummary {
    pub(crate) fn from_core(doc: wallet::DocumentSummary) -> Option<DocumentSummary> {
        Some(DocumentSummary {
            number: doc.number,
            document_type: DocumentType::from_core(doc.document_type)?,
            version: doc.version,
            name_ar: doc.name_ar,
            name_en: doc.name_en,
            birth_date: doc.birth_date.map(CalendarDate::from),
            expires_at: doc.expires_at.0,
            guardian: doc.guardian,
            needs_rebinding: doc.needs_rebinding,
            printable: doc.printable,
            imported_at: doc.imported_at.0,
        })
    }
}

/// A person whose documents the wallet holds: the holder or a dependent.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Person {
    /// Name in English (from the newest document).
    pub name_en: String,
    /// Name in Arabic.
    pub name_ar: String,
    /// Date of birth, if on the documents.
    pub birth_date: Option<CalendarDate>,
    /// Whether this is a dependent held under a guardian's key.
    pub is_dependent: bool,
    /// Their documents.
    pub documents: Vec<DocumentSummary>,
}

impl From<wallet::Person> for Person {
    fn from(person: wallet::Person) -> Self {
        Person {
            name_en: person.name_en,
            name_ar: person.name_ar,
            birth_date: person.birth_date.map(CalendarDate::from),
            is_dependent: person.is_dependent,
            documents: person
                .documents
                .into_iter()
                .filter_map(DocumentSummary::from_core)
                .collect(),
        }
    }
}

/// A document with its claims, to show on screen. Holds personal data:
/// show it, do not store or log it.
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

/// One entry of the holder's local presentation log.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct LogEntry {
    /// Position in the log (increasing).
    pub id: i64,
    /// The presented document's number.
    pub document_number: u64,
    /// Its type.
    pub document_type: DocumentType,
    /// The claims shown.
    pub disclosed: Vec<ClaimKey>,
    /// When (seconds since 1970).
    pub at: i64,
    /// Device-bound or static.
    pub mode: Mode,
}

impl LogEntry {
    pub(crate) fn from_core(entry: wallet::LogEntry) -> Option<LogEntry> {
        Some(LogEntry {
            id: entry.id,
            document_number: entry.document_number,
            document_type: DocumentType::from_core(entry.document_type)?,
            disclosed: entry
                .disclosed
                .into_iter()
                .filter_map(ClaimKey::from_core)
                .collect(),
            at: entry.at.0,
            mode: entry.mode.into(),
        })
    }
}

/// What an unlock found worth telling the holder.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct UnlockOutcome {
    /// Set when the passphrase turned out trivial for what the wallet now
    /// holds (e.g. a stored birth date): ask the holder to change it.
    pub weak_passcode: Option<crate::error::WeakPasscodeKind>,
}

/// Unlock attempts since the last success.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct AttemptState {
    /// Consecutive failures (wrong secrets); these lead to the lockout.
    pub failures: u32,
    /// When the last one happened (seconds since 1970).
    pub last_failure: Option<i64>,
    /// Attempts whose outcome was never recorded (the app was killed while
    /// one ran): they count towards the wait, never towards the lockout, and
    /// the next successful unlock clears them.
    pub unresolved: u32,
}

/// A device key the wallet can sign with.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DeviceKeyInfo {
    /// The 32-byte Ed25519 public key (what credentials are bound to).
    pub public_key: Vec<u8>,
    /// A short fingerprint to show.
    pub fingerprint: String,
    /// Whether the app's platform signer holds it (hardware-backed).
    pub platform: bool,
}

/// Throttling of failed unlocks.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct UnlockPolicy {
    /// Failures allowed before any delay.
    pub free_attempts: u32,
    /// First delay, doubled with each further failure.
    pub base_delay_secs: u64,
    /// Longest delay.
    pub max_delay_secs: u64,
    /// Consecutive failures after which the wallet locks for good.
    pub max_attempts: u32,
}

/// Minimum PIN and passphrase strength.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PasscodeRules {
    /// Fewest digits for a PIN.
    pub min_pin_digits: u32,
    /// Fewest characters for a passphrase.
    pub min_passphrase_chars: u32,
}

/// Argon2id settings for a passphrase-protected wallet.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

/// Settings an app chooses when creating or opening a wallet. Start from
/// `defaultWalletOptions()` and change what you need.
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
            unlock_policy: UnlockPolicy {
                free_attempts: o.unlock_policy.free_attempts,
                base_delay_secs: o.unlock_policy.base_delay_secs,
                max_delay_secs: o.unlock_policy.max_delay_secs,
                max_attempts: o.unlock_policy.max_attempts,
            },
            passcode_rules: PasscodeRules {
                min_pin_digits: u32::try_from(o.passcode_rules.min_pin_digits).unwrap_or(u32::MAX),
                min_passphrase_chars: u32::try_from(o.passcode_rules.min_passphrase_chars)
                    .unwrap_or(u32::MAX),
            },
            kdf: KdfParams {
                memory_kib: o.kdf.memory_kib,
                iterations: o.kdf.iterations,
                parallelism: o.kdf.parallelism,
            },
            busy_timeout_ms: u64::try_from(o.busy_timeout.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

impl WalletOptions {
    pub(crate) fn to_core(&self) -> wallet::WalletOptions {
        wallet::WalletOptions {
            unlock_policy: self.unlock_policy.to_core(),
            passcode_rules: wallet::PasscodeRules {
                min_pin_digits: self.passcode_rules.min_pin_digits as usize,
                min_passphrase_chars: self.passcode_rules.min_passphrase_chars as usize,
            },
            kdf: wallet::KdfParams {
                memory_kib: self.kdf.memory_kib,
                iterations: self.kdf.iterations,
                parallelism: self.kdf.parallelism,
            },
            busy_timeout: std::time::Duration::from_millis(self.busy_timeout_ms),
        }
    }
}

impl UnlockPolicy {
    pub(crate) fn to_core(&self) -> wallet::UnlockPolicy {
        wallet::UnlockPolicy {
            free_attempts: self.free_attempts,
            base_delay_secs: self.base_delay_secs,
            max_delay_secs: self.max_delay_secs,
            max_attempts: self.max_attempts,
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

/// A restored wallet and what the restore brought back.
#[derive(uniffi::Record)]
pub struct RestoredWallet {
    /// The new wallet, unlocked.
    pub wallet: std::sync::Arc<crate::wallet::Wallet>,
    /// Documents restored.
    pub documents: u32,
    /// Log entries restored.
    pub log_entries: u32,
    /// Documents that must be re-bound before device-bound presentation
    /// (all of them: device keys are never in a backup).
    pub needs_rebinding: u32,
    /// Documents in the backup that were left out (not signed by an issuer
    /// in the trust list, expired, ...), each with why.
    pub skipped: Vec<SkippedDocument>,
}

/// A document a restore left out.
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

/// Why a restore left a document out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum SkipReason {
    /// Another copy of the same or a newer version was restored.
    Duplicate,
    /// The credential expired.
    Expired,
    /// A dependent's document whose guardian's document was not restored.
    GuardianNotRestored,
    /// The issuer key was not valid when it was issued.
    IssuerKeyNotValid,
    /// Not signed by an issuer in the trust list (forged, or a key the list
    /// no longer names).
    NotTrusted,
    /// Not a readable credential.
    Unreadable,
    /// A reason this version of the bindings does not know.
    Other,
}

impl SkippedDocument {
    pub(crate) fn from_core(skipped: &wallet::SkippedDocument) -> SkippedDocument {
        use wallet::SkipReason as R;
        SkippedDocument {
            number: skipped.number,
            version: skipped.version,
            reason: match skipped.reason {
                R::Duplicate => SkipReason::Duplicate,
                R::Expired => SkipReason::Expired,
                R::GuardianNotRestored => SkipReason::GuardianNotRestored,
                R::IssuerKeyNotValid => SkipReason::IssuerKeyNotValid,
                R::NotTrusted => SkipReason::NotTrusted,
                R::Unreadable => SkipReason::Unreadable,
                _ => SkipReason::Other,
            },
            explanation: skipped.reason.to_string(),
        }
    }
}

/// A document the wallet should hold but cannot show, because its stored
/// row was deleted, altered or rolled back outside the wallet (or a row it
/// never stored was put in). The other documents keep working.
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

/// What is wrong with a damaged document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Damage {
    /// Its row was deleted outside the wallet.
    Deleted,
    /// A row the wallet never stored was put into the file.
    NotListed,
    /// Its row was put back to an older version.
    RolledBack,
    /// Its row's bytes were altered or damaged.
    Unreadable,
    /// Damage this version of the bindings does not know.
    Other,
}

impl DamagedDocument {
    pub(crate) fn from_core(damaged: wallet::DamagedDocument) -> DamagedDocument {
        use wallet::Damage as D;
        DamagedDocument {
            number: damaged.number,
            document_type: damaged.document_type.and_then(DocumentType::from_core),
            version: damaged.version,
            damage: match damaged.damage {
                D::Deleted => Damage::Deleted,
                D::NotListed => Damage::NotListed,
                D::RolledBack => Damage::RolledBack,
                D::Unreadable => Damage::Unreadable,
                _ => Damage::Other,
            },
            explanation: damaged.damage.reason().to_owned(),
        }
    }
}

/// What a verifier tolerates. Start from `defaultPolicy()`.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Policy {
    /// Clock difference tolerated between phone and verifier, in seconds.
    pub clock_skew_secs: u32,
    /// How old a device-bound presentation may be, in seconds.
    pub freshness_secs: u32,
    /// How old a status list may be before status counts as stale, in seconds.
    pub max_status_age_secs: u64,
    /// Reject, rather than warn, when status is stale or unknown.
    pub require_fresh_status: bool,
    /// The weakest code accepted: `Printed` accepts every genuine code,
    /// `Timed` only phones, `Challenged` only phones answering the challenge
    /// this verifier showed.
    pub min_assurance: Assurance,
}

impl From<core::Policy> for Policy {
    fn from(p: core::Policy) -> Self {
        Policy {
            clock_skew_secs: p.clock_skew_secs,
            freshness_secs: p.freshness_secs,
            max_status_age_secs: p.max_status_age_secs,
            require_fresh_status: p.require_fresh_status,
            min_assurance: p.min_assurance.into(),
        }
    }
}

impl Policy {
    pub(crate) fn to_core(&self) -> core::Policy {
        core::Policy {
            clock_skew_secs: self.clock_skew_secs,
            freshness_secs: self.freshness_secs,
            max_status_age_secs: self.max_status_age_secs,
            require_fresh_status: self.require_fresh_status,
            min_assurance: self.min_assurance.to_core(),
        }
    }
}

/// The defaults, suited to a clerk scanning a phone: 30 s clock skew, 120 s
/// freshness (and challenge lifetime), status lists up to 7 days old, every
/// genuine code accepted (printed ones with a warning; raise `minAssurance`
/// to refuse them).
#[uniffi::export]
pub fn default_policy() -> Policy {
    core::Policy::default().into()
}

/// One reason in a verdict: a stable code for programs and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Reason {
    /// Stable snake_case code, e.g. `presentation_stale`, `bad_issuer_signature`.
    pub code: String,
    /// A sentence a verifier's screen can show.
    pub message: String,
}

/// The outcome of verifying one QR code. Only an accepted verdict is
/// evidence: on rejection the document fields are what the code claims.
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
            assurance: v.assurance.map(Assurance::from),
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
            mode: v.mode.map(Mode::from),
            document_type: v.document_type.and_then(DocumentType::from_core),
            document_version: v.document_version,
            guardian: v.guardian,
            issuer: v.issuer,
            expires_at: v.expires_at.map(|t| t.0),
            presented_at: v.presented_at.map(|t| t.0),
            claims: v
                .claims
                .iter()
                .filter_map(|(k, value)| Claim::from_core(*k, value))
                .collect(),
        }
    }
}

/// An issuer key a trust list names.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TrustedIssuer {
    /// Key id.
    pub kid: Vec<u8>,
    /// The issuer's 32-byte Ed25519 public key.
    pub public_key: Vec<u8>,
    /// The issuer's name.
    pub name: String,
    /// Where its status list is published.
    pub status_uri: String,
    /// Start of the key's validity (seconds since 1970).
    pub not_before: i64,
    /// End of the key's validity (seconds since 1970).
    pub not_after: i64,
}

impl From<&core::TrustedIssuer> for TrustedIssuer {
    fn from(t: &core::TrustedIssuer) -> Self {
        TrustedIssuer {
            kid: t.kid.clone(),
            public_key: t.public_key.as_bytes().to_vec(),
            name: t.name.clone(),
            status_uri: t.status_uri.clone(),
            not_before: t.not_before.0,
            not_after: t.not_after.0,
        }
    }
}

/// A QR code's modules, ready to draw.
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

/// What an issuer puts on a document (test issuer input).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DocumentClaims {
    /// National ID or resident permit.
    pub document_type: DocumentType,
    /// 10 digits; 1… for citizens, 2… for residents.
    pub document_number: u64,
    /// Version; a renewal carries a higher version.
    pub document_version: u32,
    /// Full name in Arabic script.
    pub name_ar: String,
    /// Full name in Latin script.
    pub name_en: String,
    /// Date of birth.
    pub birth_date: CalendarDate,
    /// Sex.
    pub sex: Sex,
    /// Nationality, ISO 3166-1 alpha-3 (e.g. SAU).
    pub nationality: String,
    /// Place of birth.
    pub place_of_birth: String,
    /// Occupation (resident permit only).
    pub occupation: Option<String>,
    /// Employer or sponsor (resident permit only).
    pub employer: Option<String>,
    /// Date of issue.
    pub issue_date: CalendarDate,
    /// Last valid day.
    pub expiry_date: CalendarDate,
    /// Portrait image (JPEG, PNG or WebP).
    pub portrait: Option<Vec<u8>>,
}

impl DocumentClaims {
    pub(crate) fn to_core(&self) -> Result<core::Claims, core::DateError> {
        Ok(core::Claims {
            document_type: self.document_type.to_core(),
            document_number: self.document_number,
            document_version: self.document_version,
            name_ar: self.name_ar.clone(),
            name_en: self.name_en.clone(),
            birth_date: self.birth_date.to_core()?,
            sex: self.sex.into(),
            nationality: self.nationality.clone(),
            place_of_birth: self.place_of_birth.clone(),
            occupation: self.occupation.clone(),
            employer: self.employer.clone(),
            issue_date: self.issue_date.to_core()?,
            expiry_date: self.expiry_date.to_core()?,
            portrait: self.portrait.clone(),
        })
    }
}

/// What a verifier must keep across restarts so that neither a replay of a
/// recent code nor an older trust list gets through after the app restarts.
/// Store it (it holds no personal data: hashes of signatures and times).
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
