//! hawiya-core's, hawiya-wallet's and hawiya-card's own data types, exposed
//! as they are: uniffi remote types, declared here instead of in the core
//! crates so that they stay free of uniffi (no FFI dependency in the verifier
//! a web page builds). Each declaration restates the core type's variants or
//! fields, and uniffi's generated code matches on them: a variant or field
//! added in core breaks this crate's build instead of vanishing in the app.
//!
//! Newtypes become custom types: a time is seconds since 1970 (`Long`,
//! `Int64`), a public key its 32 bytes, a date a [`CalendarDate`].

use hawiya_card::{CardField, CardStatus, TextDirection};
use hawiya_core::{
    Assurance, ClaimKey, ClaimValue, Disclosure, DocumentType, Mode, Policy, PublicKey, Sex,
    TrustedIssuer, UnixTime,
};
use hawiya_wallet::{
    AttemptState, Damage, DocumentSummary, KdfParams, LogEntry, Person, SkipReason, UnlockPolicy,
};

/// A day as hawiya-core keeps it ([`hawiya_core::Date`]); the apps see it as
/// a [`CalendarDate`].
pub type GregorianDate = hawiya_core::Date;

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

impl From<GregorianDate> for CalendarDate {
    fn from(date: GregorianDate) -> Self {
        CalendarDate {
            year: date.year(),
            month: date.month(),
            day: date.day(),
        }
    }
}

impl TryFrom<CalendarDate> for GregorianDate {
    type Error = hawiya_core::DateError;

    fn try_from(date: CalendarDate) -> Result<Self, Self::Error> {
        GregorianDate::new(date.year, date.month, date.day)
    }
}

uniffi::custom_type!(GregorianDate, CalendarDate, { remote });

uniffi::custom_type!(UnixTime, i64, {
    remote,
    lower: |time| time.0,
    try_lift: |seconds| Ok(UnixTime(seconds)),
});

uniffi::custom_type!(PublicKey, Vec<u8>, {
    remote,
    lower: |key| key.as_bytes().to_vec(),
    try_lift: |bytes| Ok(PublicKey::from_bytes(&bytes)?),
});

/// The kind of identity document.
#[uniffi::remote(Enum)]
pub enum DocumentType {
    /// National ID card (citizens).
    NationalId,
    /// Resident permit (iqama).
    ResidentPermit,
}

/// One claim of an identity document.
#[uniffi::remote(Enum)]
pub enum ClaimKey {
    /// 10-digit document number.
    DocumentNumber = 1,
    /// Full name in Arabic script.
    NameAr = 2,
    /// Full name in Latin script.
    NameEn = 3,
    /// Date of birth.
    BirthDate = 4,
    /// Sex.
    Sex = 5,
    /// Nationality, ISO 3166-1 alpha-3.
    Nationality = 6,
    /// Place of birth.
    PlaceOfBirth = 7,
    /// Date the document was issued.
    IssueDate = 8,
    /// Last day the document is valid.
    ExpiryDate = 9,
    /// Whether the holder was 18 or older at issuance.
    AgeOver18 = 10,
    /// Whether the holder was 21 or older at issuance.
    AgeOver21 = 11,
    /// Occupation (resident permit only).
    Occupation = 12,
    /// Employer or sponsor (resident permit only).
    Employer = 13,
    /// Portrait image.
    Portrait = 14,
}

/// Sex as printed on the document.
#[uniffi::remote(Enum)]
pub enum Sex {
    /// Male.
    Male,
    /// Female.
    Female,
}

/// A claim's value.
#[uniffi::remote(Enum)]
pub enum ClaimValue {
    /// Not present.
    Absent,
    /// A yes/no predicate (age over 18 or 21).
    Bool(bool),
    /// Image bytes (portrait).
    Bytes(Vec<u8>),
    /// A date.
    Date(GregorianDate),
    /// A number (document number).
    Number(u64),
    /// Sex.
    Sex(Sex),
    /// Text (names, nationality, place of birth, …).
    Text(String),
}

/// Which claims a presentation shows.
#[uniffi::remote(Enum)]
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
    Only(Vec<ClaimKey>),
}

/// How a presentation is protected.
#[uniffi::remote(Enum)]
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
#[uniffi::remote(Enum)]
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

/// The sentence a verifier's screen shows for an assurance level.
#[uniffi::export]
pub fn describe_assurance(assurance: Assurance) -> String {
    assurance.explain().to_owned()
}

/// What a verifier tolerates. Start from `defaultPolicy()`.
#[uniffi::remote(Record)]
pub struct Policy {
    /// Clock difference tolerated between phone and verifier, in seconds.
    pub clock_skew_secs: u32,
    /// How old a device-bound presentation may be, in seconds; also how long
    /// a challenge stays answerable after it was shown.
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

/// The defaults, suited to a clerk scanning a phone: 30 s clock skew, 120 s
/// freshness (and challenge lifetime), status lists up to 7 days old, every
/// genuine code accepted (printed ones with a warning; raise `minAssurance`
/// to refuse them).
#[uniffi::export]
pub fn default_policy() -> Policy {
    Policy::default()
}

/// An issuer key a trust list names.
#[uniffi::remote(Record)]
pub struct TrustedIssuer {
    /// Key id.
    pub kid: Vec<u8>,
    /// The issuer's 32-byte Ed25519 public key.
    pub public_key: PublicKey,
    /// The issuer's name.
    pub name: String,
    /// Where its status list is published.
    pub status_uri: String,
    /// Start of the key's validity (seconds since 1970).
    pub not_before: UnixTime,
    /// End of the key's validity (seconds since 1970).
    pub not_after: UnixTime,
}

/// A stored document, without its secrets, for lists.
#[uniffi::remote(Record)]
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
    pub birth_date: Option<GregorianDate>,
    /// When the credential expires (seconds since 1970).
    pub expires_at: UnixTime,
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
    pub imported_at: UnixTime,
}

/// A person whose documents the wallet holds: the holder or a dependent.
#[uniffi::remote(Record)]
pub struct Person {
    /// Name in English (from the newest document).
    pub name_en: String,
    /// Name in Arabic.
    pub name_ar: String,
    /// Date of birth, if on the documents.
    pub birth_date: Option<GregorianDate>,
    /// Whether this is a dependent held under a guardian's key.
    pub is_dependent: bool,
    /// Their documents.
    pub documents: Vec<DocumentSummary>,
}

/// One entry of the holder's local presentation log.
#[uniffi::remote(Record)]
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
    pub at: UnixTime,
    /// Device-bound or static.
    pub mode: Mode,
}

/// Unlock attempts since the last success.
#[uniffi::remote(Record)]
pub struct AttemptState {
    /// Consecutive failures (wrong secrets); these lead to the lockout.
    pub failures: u32,
    /// When the last one happened (seconds since 1970).
    pub last_failure: Option<UnixTime>,
    /// Attempts whose outcome was never recorded (the app was killed while
    /// one ran): they count towards the wait, never towards the lockout, and
    /// the next successful unlock clears them.
    pub unresolved: u32,
    /// When the latest of those began (seconds since 1970).
    pub last_begun: Option<UnixTime>,
}

/// Throttling of failed unlocks.
#[uniffi::remote(Record)]
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

/// Argon2id settings for a passphrase-protected wallet.
#[uniffi::remote(Record)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

/// Why a restore left a document out.
#[uniffi::remote(Enum)]
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
    /// A print credential where the phone's belongs, or a print credential
    /// kept with it that does not match the document.
    PrintCredential,
    /// Of an earlier wire format that verifiers no longer accept: the issuer
    /// must reissue it.
    OldFormat,
    /// Not a readable credential.
    Unreadable,
}

/// What is wrong with a damaged document.
#[uniffi::remote(Enum)]
pub enum Damage {
    /// Its row was deleted outside the wallet.
    Deleted,
    /// A row the wallet never stored was put into the file.
    NotListed,
    /// Its row was put back to an older version.
    RolledBack,
    /// Its row's bytes were altered or damaged.
    Unreadable,
    /// Of an earlier wire format that verifiers no longer accept: the issuer
    /// must reissue it.
    OldFormat,
}

/// Which way a piece of text runs.
#[uniffi::remote(Enum)]
pub enum TextDirection {
    /// Left to right (Latin script, digits).
    Ltr,
    /// Right to left (Arabic script).
    Rtl,
}

/// Whether the document is valid on the day the card was made for.
#[uniffi::remote(Enum)]
pub enum CardStatus {
    /// Issued for a later day.
    NotYetValid,
    /// Within its validity.
    Valid,
    /// Past its last valid day.
    Expired,
}

/// One line of the card: a labelled value.
#[uniffi::remote(Record)]
pub struct CardField {
    /// The claim shown.
    pub key: ClaimKey,
    /// Arabic label.
    pub label_ar: String,
    /// English label.
    pub label_en: String,
    /// The value as text (dates as Gregorian `YYYY-MM-DD`).
    pub value: String,
    /// The value in Arabic where it differs (e.g. the sex); else `null`.
    pub value_ar: Option<String>,
    /// For dates: the Umm al-Qura Hijri date, e.g. `1446/05/23 هـ`.
    pub value_hijri: Option<String>,
    /// The direction of `value`.
    pub direction: TextDirection,
}
