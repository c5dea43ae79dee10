//! The identity data a credential carries: two document types, their claims,
//! validation of issuer input, and the CBOR form of each claim value.

use std::fmt;

use thiserror::Error;

use crate::cbor::Value;
use crate::date::{Date, UnixTime};

/// Largest portrait accepted, in bytes. Portraits are committed, not put in
/// the QR by default; a card screen draws them from the wallet.
pub const MAX_PORTRAIT_BYTES: usize = 256 * 1024;

/// Longest text claim accepted, in UTF-8 bytes.
pub const MAX_TEXT_BYTES: usize = 160;

/// Most pixels (width × height, as the image header declares them) a
/// portrait may have: checked before any decoder allocates for it, so a small
/// file declaring a huge image is refused at issuance, on import and before
/// a card is drawn.
pub const MAX_PORTRAIT_PIXELS: u64 = 4_000_000;

/// Earliest birth date an issuer accepts: 1900-01-01.
pub const MIN_BIRTH_YEAR: i32 = 1900;

/// Longest validity an issuer grants, in days: the expiry date is at most
/// this many days (20 years) after the day of issuance.
pub const MAX_VALIDITY_DAYS: i64 = 7305;

/// The kind of identity document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocumentType {
    /// National ID card of a citizen; document numbers start with 1.
    NationalId,
    /// Resident permit (iqama) of a resident; document numbers start with 2.
    ResidentPermit,
}

impl DocumentType {
    /// The wire code of the document type.
    pub fn code(self) -> u64 {
        match self {
            DocumentType::NationalId => 1,
            DocumentType::ResidentPermit => 2,
        }
    }

    /// The document type a wire code names.
    pub fn from_code(code: u64) -> Option<DocumentType> {
        match code {
            1 => Some(DocumentType::NationalId),
            2 => Some(DocumentType::ResidentPermit),
            _ => None,
        }
    }

    /// English name, for reports.
    pub fn name_en(self) -> &'static str {
        match self {
            DocumentType::NationalId => "National ID",
            DocumentType::ResidentPermit => "Resident permit (iqama)",
        }
    }

    /// Arabic name, for reports.
    pub fn name_ar(self) -> &'static str {
        match self {
            DocumentType::NationalId => "بطاقة الهوية الوطنية",
            DocumentType::ResidentPermit => "هوية مقيم (إقامة)",
        }
    }

    /// The first digit every document number of this type has.
    pub fn number_prefix(self) -> u64 {
        match self {
            DocumentType::NationalId => 1,
            DocumentType::ResidentPermit => 2,
        }
    }

    /// Whether `number` is a document number of this type: 10 digits
    /// starting with [`DocumentType::number_prefix`].
    pub(crate) fn accepts_number(self, number: u64) -> bool {
        is_ten_digits(number) && number / 1_000_000_000 == self.number_prefix()
    }

    /// The claims a document of this type carries, in key order.
    pub fn claim_keys(self) -> &'static [ClaimKey] {
        use ClaimKey::*;
        match self {
            DocumentType::NationalId => &[
                DocumentNumber,
                NameAr,
                NameEn,
                BirthDate,
                Sex,
                Nationality,
                PlaceOfBirth,
                IssueDate,
                ExpiryDate,
                AgeOver18,
                AgeOver21,
                Portrait,
            ],
            DocumentType::ResidentPermit => &[
                DocumentNumber,
                NameAr,
                NameEn,
                BirthDate,
                Sex,
                Nationality,
                PlaceOfBirth,
                IssueDate,
                ExpiryDate,
                AgeOver18,
                AgeOver21,
                Occupation,
                Employer,
                Portrait,
            ],
        }
    }
}

/// Sex as recorded on the document (ISO/IEC 5218 codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Code 1.
    Male,
    /// Code 2.
    Female,
}

impl Sex {
    /// ISO/IEC 5218 code.
    pub fn code(self) -> u64 {
        match self {
            Sex::Male => 1,
            Sex::Female => 2,
        }
    }

    /// The sex an ISO/IEC 5218 code names (1 or 2).
    pub fn from_code(code: u64) -> Option<Sex> {
        match code {
            1 => Some(Sex::Male),
            2 => Some(Sex::Female),
            _ => None,
        }
    }
}

/// One claim of an identity document. The numbers are the wire keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClaimKey {
    /// 10-digit document number (ID number or iqama number).
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
    /// Whether the holder was 18 or older when the credential was issued.
    AgeOver18 = 10,
    /// Whether the holder was 21 or older when the credential was issued.
    AgeOver21 = 11,
    /// Occupation (resident permit only).
    Occupation = 12,
    /// Employer or sponsor (resident permit only).
    Employer = 13,
    /// Portrait image bytes (committed; not put in the QR by default).
    Portrait = 14,
}

impl ClaimKey {
    /// Every claim key, in wire order.
    pub const ALL: [ClaimKey; 14] = [
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

    /// The wire key.
    pub fn code(self) -> u64 {
        self as u64
    }

    /// The claim a wire key names.
    pub fn from_code(code: u64) -> Option<ClaimKey> {
        ClaimKey::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The stable snake_case name used by the CLI and JSON output.
    pub fn name(self) -> &'static str {
        match self {
            ClaimKey::DocumentNumber => "document_number",
            ClaimKey::NameAr => "name_ar",
            ClaimKey::NameEn => "name_en",
            ClaimKey::BirthDate => "birth_date",
            ClaimKey::Sex => "sex",
            ClaimKey::Nationality => "nationality",
            ClaimKey::PlaceOfBirth => "place_of_birth",
            ClaimKey::IssueDate => "issue_date",
            ClaimKey::ExpiryDate => "expiry_date",
            ClaimKey::AgeOver18 => "age_over_18",
            ClaimKey::AgeOver21 => "age_over_21",
            ClaimKey::Occupation => "occupation",
            ClaimKey::Employer => "employer",
            ClaimKey::Portrait => "portrait",
        }
    }

    /// The claim a snake_case name names.
    pub fn from_name(name: &str) -> Option<ClaimKey> {
        ClaimKey::ALL.into_iter().find(|k| k.name() == name)
    }

    /// English label for display.
    pub fn label_en(self) -> &'static str {
        match self {
            ClaimKey::DocumentNumber => "ID number",
            ClaimKey::NameAr => "Name (Arabic)",
            ClaimKey::NameEn => "Name",
            ClaimKey::BirthDate => "Date of birth",
            ClaimKey::Sex => "Sex",
            ClaimKey::Nationality => "Nationality",
            ClaimKey::PlaceOfBirth => "Place of birth",
            ClaimKey::IssueDate => "Issue date",
            ClaimKey::ExpiryDate => "Expiry date",
            ClaimKey::AgeOver18 => "Age 18 or over",
            ClaimKey::AgeOver21 => "Age 21 or over",
            ClaimKey::Occupation => "Occupation",
            ClaimKey::Employer => "Employer",
            ClaimKey::Portrait => "Photo",
        }
    }

    /// Arabic label for display.
    pub fn label_ar(self) -> &'static str {
        match self {
            ClaimKey::DocumentNumber => "رقم الهوية",
            ClaimKey::NameAr => "الاسم",
            ClaimKey::NameEn => "الاسم (بالإنجليزية)",
            ClaimKey::BirthDate => "تاريخ الميلاد",
            ClaimKey::Sex => "الجنس",
            ClaimKey::Nationality => "الجنسية",
            ClaimKey::PlaceOfBirth => "مكان الميلاد",
            ClaimKey::IssueDate => "تاريخ الإصدار",
            ClaimKey::ExpiryDate => "تاريخ الانتهاء",
            ClaimKey::AgeOver18 => "العمر 18 فأكثر",
            ClaimKey::AgeOver21 => "العمر 21 فأكثر",
            ClaimKey::Occupation => "المهنة",
            ClaimKey::Employer => "صاحب العمل",
            ClaimKey::Portrait => "الصورة",
        }
    }
}

impl fmt::Display for ClaimKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The value of one claim, typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimValue {
    /// The claim is not on this document (e.g. no portrait).
    Absent,
    /// A yes/no claim (age predicates).
    Bool(bool),
    /// Raw bytes (portrait image).
    Bytes(Vec<u8>),
    /// A calendar date.
    Date(Date),
    /// A document number.
    Number(u64),
    /// Sex.
    Sex(Sex),
    /// Text.
    Text(String),
}

impl ClaimValue {
    /// The wire form of the value: dates as day counts since 1970-01-01
    /// (RFC 8943 epoch, untagged to save QR bytes).
    pub fn to_cbor(&self) -> Value {
        match self {
            ClaimValue::Absent => Value::Null,
            ClaimValue::Bool(b) => Value::Bool(*b),
            ClaimValue::Bytes(b) => Value::bytes(b),
            ClaimValue::Date(d) => Value::int(d.days_since_epoch()),
            ClaimValue::Number(n) => Value::Unsigned(*n),
            ClaimValue::Sex(s) => Value::Unsigned(s.code()),
            ClaimValue::Text(t) => Value::text(t),
        }
    }

    /// Appends the wire form to `out` without building a [`Value`]: the same
    /// bytes as `to_cbor().to_bytes()`, on the issuance and proof hot path.
    pub(crate) fn encode_into(&self, out: &mut Vec<u8>) {
        match self {
            ClaimValue::Bytes(b) => crate::cbor::bytes_into(b, out),
            ClaimValue::Text(t) => crate::cbor::text_into(t, out),
            other => other.to_cbor().encode_into(out),
        }
    }

    /// Reads a claim's wire value for a document of type `document`,
    /// checking its type and every rule of docs/FORMAT.md §3.1 that one value
    /// can be checked against (the same [`check_value`] the issuer applies).
    pub fn from_cbor(document: DocumentType, key: ClaimKey, value: &Value) -> Option<ClaimValue> {
        use ClaimKey::*;
        let typed = match (key, value) {
            (Portrait, Value::Null) => ClaimValue::Absent,
            (Portrait, Value::Bytes(b)) => ClaimValue::Bytes(b.clone()),
            (DocumentNumber, Value::Unsigned(n)) => ClaimValue::Number(*n),
            (
                NameAr | NameEn | Nationality | PlaceOfBirth | Occupation | Employer,
                Value::Text(t),
            ) => ClaimValue::Text(t.clone()),
            (BirthDate | IssueDate | ExpiryDate, v) => v
                .as_i64()
                .and_then(|d| Date::from_days_since_epoch(d).ok())
                .map(ClaimValue::Date)?,
            (Sex, Value::Unsigned(c)) => self::Sex::from_code(*c).map(ClaimValue::Sex)?,
            (AgeOver18 | AgeOver21, Value::Bool(b)) => ClaimValue::Bool(*b),
            _ => return None,
        };
        check_value(document, key, &typed).ok()?;
        Some(typed)
    }

    /// A short human-readable rendering (portraits as their size).
    pub fn display(&self) -> String {
        match self {
            ClaimValue::Absent => "—".to_owned(),
            ClaimValue::Bool(true) => "yes".to_owned(),
            ClaimValue::Bool(false) => "no".to_owned(),
            ClaimValue::Bytes(b) => format!("<image, {} bytes>", b.len()),
            ClaimValue::Date(d) => d.to_string(),
            ClaimValue::Number(n) => n.to_string(),
            ClaimValue::Sex(self::Sex::Male) => "male".to_owned(),
            ClaimValue::Sex(self::Sex::Female) => "female".to_owned(),
            ClaimValue::Text(t) => t.clone(),
        }
    }
}

fn is_ten_digits(n: u64) -> bool {
    (1_000_000_000..=9_999_999_999).contains(&n)
}

/// Checks one claim value of a document of type `document` against its row
/// of the validation table (docs/FORMAT.md §3.1): the one check issuers,
/// holders and verifiers all apply to a value, whoever made it. Rules that
/// relate two claims (date order) are the issuer's, in [`Claims::to_entries`].
///
/// # Errors
/// A [`ClaimsError`] naming the claim, or [`ClaimsError::WrongType`] when the
/// value is not of the claim's type.
pub fn check_value(
    document: DocumentType,
    key: ClaimKey,
    value: &ClaimValue,
) -> Result<(), ClaimsError> {
    use ClaimKey as K;
    match (key, value) {
        (K::DocumentNumber, ClaimValue::Number(n)) => {
            if document.accepts_number(*n) {
                Ok(())
            } else {
                Err(ClaimsError::DocumentNumber {
                    expected_prefix: document.number_prefix(),
                    document: document.name_en(),
                })
            }
        }
        (K::NameAr, ClaimValue::Text(t)) => check_text(key, t, Script::Arabic),
        (K::NameEn, ClaimValue::Text(t)) => check_text(key, t, Script::Latin),
        (K::Nationality, ClaimValue::Text(t)) => {
            if t.len() == 3 && t.bytes().all(|b| b.is_ascii_uppercase()) {
                Ok(())
            } else {
                Err(ClaimsError::Nationality)
            }
        }
        (K::PlaceOfBirth | K::Occupation | K::Employer, ClaimValue::Text(t)) => {
            check_text(key, t, Script::Any)
        }
        (K::BirthDate | K::IssueDate | K::ExpiryDate, ClaimValue::Date(_)) => Ok(()),
        (K::Sex, ClaimValue::Sex(_)) | (K::AgeOver18 | K::AgeOver21, ClaimValue::Bool(_)) => Ok(()),
        (K::Portrait, ClaimValue::Absent) => Ok(()),
        (K::Portrait, ClaimValue::Bytes(b)) => check_portrait(b),
        _ => Err(ClaimsError::WrongType { field: key }),
    }
}

/// Checks a portrait: at most [`MAX_PORTRAIT_BYTES`], a JPEG, PNG or WebP
/// whose header declares at most [`MAX_PORTRAIT_PIXELS`]. Reads the header
/// only; nothing is decoded.
pub fn check_portrait(bytes: &[u8]) -> Result<(), ClaimsError> {
    if bytes.len() > MAX_PORTRAIT_BYTES {
        return Err(ClaimsError::Portrait);
    }
    let (width, height) = image_size(bytes).ok_or(ClaimsError::Portrait)?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PORTRAIT_PIXELS {
        return Err(ClaimsError::PortraitTooLarge { width, height });
    }
    Ok(())
}

/// Width and height a JPEG, PNG or WebP header declares (both non-zero), or
/// `None` for anything else or a header that cannot be read.
pub(crate) fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let be16 = |at: usize| -> Option<u32> {
        Some(u32::from(u16::from_be_bytes([
            *bytes.get(at)?,
            *bytes.get(at + 1)?,
        ])))
    };
    let le = |at: usize, n: usize| -> Option<u32> {
        let b = bytes.get(at..at + n)?;
        Some(b.iter().rev().fold(0u32, |acc, x| acc << 8 | u32::from(*x)))
    };
    let size = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        // The first chunk is IHDR: width and height, 4 bytes each, big-endian.
        if bytes.get(12..16)? != b"IHDR" {
            return None;
        }
        let be32 = |at: usize| -> Option<u32> {
            Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
        };
        (be32(16)?, be32(20)?)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg_size(bytes, be16)?
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        match bytes.get(12..16)? {
            // Lossy: frame tag (3 bytes), start code 9d 01 2a, then 14-bit sizes.
            b"VP8 " if bytes.get(23..26)? == [0x9d, 0x01, 0x2a] => {
                (le(26, 2)? & 0x3fff, le(28, 2)? & 0x3fff)
            }
            // Lossless: signature 0x2f, then 14 bits each of width - 1 and height - 1.
            b"VP8L" if *bytes.get(20)? == 0x2f => {
                let bits = le(21, 4)?;
                ((bits & 0x3fff) + 1, (bits >> 14 & 0x3fff) + 1)
            }
            // Extended: 24-bit canvas width - 1 and height - 1.
            b"VP8X" => (le(24, 3)? + 1, le(27, 3)? + 1),
            _ => return None,
        }
    } else {
        return None;
    };
    (size.0 > 0 && size.1 > 0).then_some(size)
}

/// The frame size of a JPEG: the first start-of-frame segment's, found by
/// walking the marker segments from the start of the file.
fn jpeg_size(bytes: &[u8], be16: impl Fn(usize) -> Option<u32>) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        // Any number of 0xFF fill bytes may precede a marker.
        while *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            // Markers without a segment: TEM, RSTn.
            0x01 | 0xD0..=0xD7 => at += 2,
            // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                return Some((be16(at + 7)?, be16(at + 5)?));
            }
            // Image data or the end before any frame header.
            0xD8..=0xDA => return None,
            _ => at += 2 + usize::try_from(be16(at + 2)?).ok()?,
        }
    }
}

/// Whether `number` is a valid document number of some document type: the
/// check [`Claims`] applies to `document_number`, with either leading digit,
/// since a guardian may be a citizen or a resident. The one rule for a
/// guardian's number, wherever it is issued or read.
pub(crate) fn is_document_number(number: u64) -> bool {
    [DocumentType::NationalId, DocumentType::ResidentPermit]
        .into_iter()
        .any(|doc| doc.accepts_number(number))
}

/// Why issuer input is not a valid document. Each variant names the field.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ClaimsError {
    /// A date is before the birth date, or expiry is not after issue.
    #[error("{field}: {problem}")]
    DateOrder {
        /// The field at fault.
        field: ClaimKey,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The document number is not 10 digits with the right leading digit.
    #[error("document_number: must be 10 digits starting with {expected_prefix} for a {document}")]
    DocumentNumber {
        /// The leading digit the document type requires.
        expected_prefix: u64,
        /// The document type's name.
        document: &'static str,
    },
    /// A field this document type requires is missing.
    #[error("{field}: required for a {document}")]
    Missing {
        /// The missing field.
        field: ClaimKey,
        /// The document type's name.
        document: &'static str,
    },
    /// A field this document type does not carry was given.
    #[error("{field}: not part of a {document}; leave it out")]
    NotApplicable {
        /// The extra field.
        field: ClaimKey,
        /// The document type's name.
        document: &'static str,
    },
    /// The nationality is not an ISO 3166-1 alpha-3 code.
    #[error("nationality: must be an ISO 3166-1 alpha-3 code such as SAU")]
    Nationality,
    /// The portrait is too large or not a readable JPEG, PNG or WebP image.
    #[error("portrait: must be a JPEG, PNG or WebP image of at most {MAX_PORTRAIT_BYTES} bytes with a readable header")]
    Portrait,
    /// The portrait declares more pixels than [`MAX_PORTRAIT_PIXELS`].
    #[error("portrait: the image is {width}x{height} pixels, more than the {MAX_PORTRAIT_PIXELS} allowed; scale it down (a card photo needs about 600x800)")]
    PortraitTooLarge {
        /// Width the image header declares.
        width: u32,
        /// Height the image header declares.
        height: u32,
    },
    /// A text field is empty, too long, has control characters or the wrong script.
    #[error("{field}: {problem}")]
    Text {
        /// The field at fault.
        field: ClaimKey,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The document version must be 1 or more.
    #[error("document_version: must be 1 or more")]
    Version,
    /// The value is not of the claim's type (e.g. text for a date).
    #[error("{field}: value of the wrong type")]
    WrongType {
        /// The field at fault.
        field: ClaimKey,
    },
}

/// What an issuer puts on a document, before derived claims are added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    /// National ID or resident permit.
    pub document_type: DocumentType,
    /// 10 digits; 1… for citizens, 2… for residents.
    pub document_number: u64,
    /// Version of the document; a renewal carries a higher version.
    pub document_version: u32,
    /// Full name in Arabic script.
    pub name_ar: String,
    /// Full name in Latin script.
    pub name_en: String,
    /// Date of birth.
    pub birth_date: Date,
    /// Sex.
    pub sex: Sex,
    /// Nationality, ISO 3166-1 alpha-3.
    pub nationality: String,
    /// Place of birth.
    pub place_of_birth: String,
    /// Occupation (resident permit only).
    pub occupation: Option<String>,
    /// Employer or sponsor (resident permit only).
    pub employer: Option<String>,
    /// Date of issue.
    pub issue_date: Date,
    /// Last valid day.
    pub expiry_date: Date,
    /// Portrait image (JPEG, PNG or WebP).
    pub portrait: Option<Vec<u8>>,
}

impl Claims {
    /// Checks every field and returns the claim values with the derived age
    /// predicates computed for `issued_at`, in wire key order.
    ///
    /// # Errors
    /// A [`ClaimsError`] naming the first field that is not valid.
    pub fn to_entries(
        &self,
        issued_at: UnixTime,
    ) -> Result<Vec<(ClaimKey, ClaimValue)>, ClaimsError> {
        let doc = self.document_type.name_en();
        let on = Date::from_unix(issued_at).map_err(|_| ClaimsError::DateOrder {
            field: ClaimKey::IssueDate,
            problem: "issuance time is outside the calendar",
        })?;
        self.validate(on)?;
        let age = self.birth_date.years_until(on);
        let mut out = Vec::new();
        for key in self.document_type.claim_keys() {
            let value = match key {
                ClaimKey::DocumentNumber => ClaimValue::Number(self.document_number),
                ClaimKey::NameAr => ClaimValue::Text(self.name_ar.clone()),
                ClaimKey::NameEn => ClaimValue::Text(self.name_en.clone()),
                ClaimKey::BirthDate => ClaimValue::Date(self.birth_date),
                ClaimKey::Sex => ClaimValue::Sex(self.sex),
                ClaimKey::Nationality => ClaimValue::Text(self.nationality.clone()),
                ClaimKey::PlaceOfBirth => ClaimValue::Text(self.place_of_birth.clone()),
                ClaimKey::IssueDate => ClaimValue::Date(self.issue_date),
                ClaimKey::ExpiryDate => ClaimValue::Date(self.expiry_date),
                ClaimKey::AgeOver18 => ClaimValue::Bool(age >= 18),
                ClaimKey::AgeOver21 => ClaimValue::Bool(age >= 21),
                ClaimKey::Occupation => ClaimValue::Text(required(&self.occupation, *key, doc)?),
                ClaimKey::Employer => ClaimValue::Text(required(&self.employer, *key, doc)?),
                ClaimKey::Portrait => match &self.portrait {
                    Some(p) => ClaimValue::Bytes(p.clone()),
                    None => ClaimValue::Absent,
                },
            };
            out.push((*key, value));
        }
        Ok(out)
    }

    /// The document's own claims (no derived ones), checked value by value
    /// with [`check_value`], then the rules that relate claims to each other
    /// and to the day of issuance (docs/FORMAT.md §3.1).
    fn validate(&self, issued_on: Date) -> Result<(), ClaimsError> {
        let doc_type = self.document_type;
        let doc = doc_type.name_en();
        if self.document_version == 0 {
            return Err(ClaimsError::Version);
        }
        let permit_only = [
            (ClaimKey::Occupation, &self.occupation),
            (ClaimKey::Employer, &self.employer),
        ];
        for (field, value) in permit_only {
            match (doc_type, value) {
                (DocumentType::ResidentPermit, None) => {
                    return Err(ClaimsError::Missing {
                        field,
                        document: doc,
                    })
                }
                (DocumentType::NationalId, Some(_)) => {
                    return Err(ClaimsError::NotApplicable {
                        field,
                        document: doc,
                    })
                }
                _ => {}
            }
        }
        let text = |t: &String| ClaimValue::Text(t.clone());
        let mut given = vec![
            (
                ClaimKey::DocumentNumber,
                ClaimValue::Number(self.document_number),
            ),
            (ClaimKey::NameAr, text(&self.name_ar)),
            (ClaimKey::NameEn, text(&self.name_en)),
            (ClaimKey::Nationality, text(&self.nationality)),
            (ClaimKey::PlaceOfBirth, text(&self.place_of_birth)),
        ];
        given.extend(
            self.occupation
                .iter()
                .map(|t| (ClaimKey::Occupation, text(t))),
        );
        given.extend(self.employer.iter().map(|t| (ClaimKey::Employer, text(t))));
        if let Some(p) = &self.portrait {
            given.push((ClaimKey::Portrait, ClaimValue::Bytes(p.clone())));
        }
        for (key, value) in &given {
            check_value(doc_type, *key, value)?;
        }
        let order = |field, problem| Err(ClaimsError::DateOrder { field, problem });
        if self.birth_date.year() < MIN_BIRTH_YEAR {
            return order(ClaimKey::BirthDate, "must be 1900-01-01 or later");
        }
        if self.birth_date > issued_on {
            return order(ClaimKey::BirthDate, "is after the time of issuance");
        }
        if self.issue_date < self.birth_date {
            return order(ClaimKey::IssueDate, "is before the date of birth");
        }
        if self.expiry_date <= self.issue_date {
            return order(ClaimKey::ExpiryDate, "must be after the issue date");
        }
        if self.expiry_date.days_since_epoch() - issued_on.days_since_epoch() > MAX_VALIDITY_DAYS {
            return order(
                ClaimKey::ExpiryDate,
                "is more than 20 years (7305 days) after the day of issuance",
            );
        }
        Ok(())
    }
}

fn required(
    value: &Option<String>,
    field: ClaimKey,
    document: &'static str,
) -> Result<String, ClaimsError> {
    value
        .clone()
        .ok_or(ClaimsError::Missing { field, document })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Arabic,
    Latin,
    Any,
}

/// The text rule every text claim follows (docs/FORMAT.md §3.1), then the
/// claim's own alphabet.
fn check_text(field: ClaimKey, text: &str, script: Script) -> Result<(), ClaimsError> {
    let problem = |problem| Err(ClaimsError::Text { field, problem });
    if text.is_empty() {
        return problem("must not be empty");
    }
    if text.len() > MAX_TEXT_BYTES {
        return problem("is too long (at most 160 bytes of UTF-8)");
    }
    if text.chars().any(is_forbidden_in_text) {
        return problem("must not contain control, format (bidi, zero-width), private-use or non-space whitespace characters");
    }
    if text.starts_with(' ') || text.ends_with(' ') || text.contains("  ") {
        return problem("must not have leading, trailing or double spaces");
    }
    let punctuation = |c: char| matches!(c, ' ' | '-' | '\'' | '.');
    let ok = match script {
        Script::Arabic => text
            .chars()
            .all(|c| punctuation(c) || ('\u{0600}'..='\u{06FF}').contains(&c)),
        Script::Latin => text
            .chars()
            .all(|c| punctuation(c) || c.is_ascii_alphabetic()),
        Script::Any => true,
    };
    if !ok {
        return problem(match script {
            Script::Arabic => "must be written in Arabic letters",
            _ => "must be written in Latin letters A-Z",
        });
    }
    Ok(())
}

/// Whether a character is refused in every text claim: controls (Cc),
/// whitespace other than U+0020, format characters (Cf: bidi controls,
/// zero-width characters, the byte order mark...), private use and
/// noncharacters. The list is docs/FORMAT.md §3.1's, code point by code point.
pub(crate) fn is_forbidden_in_text(c: char) -> bool {
    let u = u32::from(c);
    let control = matches!(u, 0x00..=0x1F | 0x7F..=0x9F);
    let whitespace = matches!(
        u,
        0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000
    );
    let format = matches!(
        u,
        0xAD | 0x600..=0x605
            | 0x61C
            | 0x6DD
            | 0x70F
            | 0x890..=0x891
            | 0x8E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    );
    let private_use = matches!(u, 0xE000..=0xF8FF | 0xF0000..);
    let noncharacter = matches!(u, 0xFDD0..=0xFDEF) || u & 0xFFFE == 0xFFFE;
    control || whitespace || format || private_use || noncharacter
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The shared fixture (`crate::fixtures`), for the other modules' tests.
    pub(crate) use crate::fixtures::national_id;

    fn at(date: &str) -> UnixTime {
        UnixTime::start_of(date.parse().unwrap())
    }

    #[test]
    fn valid_national_id_derives_ages() {
        let entries = national_id().to_entries(at("2024-01-10")).unwrap();
        assert_eq!(entries.len(), 12);
        assert!(entries.contains(&(ClaimKey::AgeOver18, ClaimValue::Bool(true))));
        let mut young = national_id();
        young.birth_date = Date::new(2006, 1, 11).unwrap();
        let entries = young.to_entries(at("2024-01-10")).unwrap();
        assert!(entries.contains(&(ClaimKey::AgeOver18, ClaimValue::Bool(false))));
        assert!(entries.contains(&(ClaimKey::AgeOver21, ClaimValue::Bool(false))));
    }

    #[test]
    fn each_invalid_field_is_named() {
        let when = at("2024-01-10");
        type Mutation = Box<dyn Fn(&mut Claims)>;
        let cases: Vec<(Mutation, &str)> = vec![
            (
                Box::new(|c| c.document_number = 2_234_567_890),
                "document_number",
            ),
            (
                Box::new(|c| c.document_number = 123_456_789),
                "document_number",
            ),
            (Box::new(|c| c.document_version = 0), "document_version"),
            (Box::new(|c| c.name_ar = "Mohammed".into()), "name_ar"),
            (Box::new(|c| c.name_en = "محمد".into()), "name_en"),
            (Box::new(|c| c.name_en = " Mo".into()), "name_en"),
            (
                Box::new(|c| c.place_of_birth = String::new()),
                "place_of_birth",
            ),
            (Box::new(|c| c.nationality = "sa".into()), "nationality"),
            (
                Box::new(|c| c.occupation = Some("Engineer".into())),
                "occupation",
            ),
            (Box::new(|c| c.expiry_date = c.issue_date), "expiry_date"),
            (
                Box::new(|c| c.issue_date = Date::new(1980, 1, 1).unwrap()),
                "issue_date",
            ),
            (
                Box::new(|c| c.portrait = Some(b"not an image".to_vec())),
                "portrait",
            ),
            (
                Box::new(|c| c.birth_date = Date::new(2025, 1, 1).unwrap()),
                "birth_date",
            ),
        ];
        for (mutate, field) in cases {
            let mut claims = national_id();
            mutate(&mut claims);
            let err = claims.to_entries(when).unwrap_err();
            assert!(err.to_string().starts_with(field), "{field}: {err}");
        }
    }

    #[test]
    fn permit_requires_occupation_and_employer() {
        let mut permit = national_id();
        permit.document_type = DocumentType::ResidentPermit;
        permit.document_number = 2_345_678_901;
        let err = permit.to_entries(at("2024-01-10")).unwrap_err();
        assert!(matches!(
            err,
            ClaimsError::Missing {
                field: ClaimKey::Occupation,
                ..
            }
        ));
        permit.occupation = Some("Engineer".into());
        permit.employer = Some("Example Co.".into());
        assert_eq!(permit.to_entries(at("2024-01-10")).unwrap().len(), 14);
    }

    #[test]
    fn wire_values_round_trip_and_types_are_checked() {
        let entries = national_id().to_entries(at("2024-01-10")).unwrap();
        for (key, value) in entries {
            let mut direct = Vec::new();
            value.encode_into(&mut direct);
            assert_eq!(direct, value.to_cbor().to_bytes());
            assert_eq!(
                ClaimValue::from_cbor(DocumentType::NationalId, key, &value.to_cbor()),
                Some(value)
            );
        }
        let id = DocumentType::NationalId;
        assert_eq!(
            ClaimValue::from_cbor(id, ClaimKey::NameEn, &Value::Unsigned(3)),
            None
        );
        assert_eq!(
            ClaimValue::from_cbor(id, ClaimKey::DocumentNumber, &Value::Unsigned(12)),
            None
        );
        assert_eq!(
            ClaimValue::from_cbor(id, ClaimKey::Sex, &Value::Unsigned(9)),
            None
        );
        for key in ClaimKey::ALL {
            assert_eq!(ClaimKey::from_code(key.code()), Some(key));
            assert_eq!(ClaimKey::from_name(key.name()), Some(key));
        }
    }

    #[test]
    fn document_numbers_of_either_type_are_accepted_strictly() {
        for good in [1_000_000_000, 1_234_567_890, 2_345_678_901, 2_999_999_999] {
            assert!(is_document_number(good), "{good}");
        }
        for bad in [
            0,
            123_456_789,
            999_999_999,
            3_000_000_000,
            3_234_567_890,
            9_999_999_999,
            12_345_678_901,
            u64::MAX,
        ] {
            assert!(!is_document_number(bad), "{bad}");
        }
    }

    /// A PNG header (signature and IHDR) declaring `width` × `height`.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        out.extend_from_slice(&width.to_be_bytes());
        out.extend_from_slice(&height.to_be_bytes());
        out.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
        out
    }

    #[test]
    fn every_text_claim_follows_the_same_character_rule() {
        let when = at("2024-01-10");
        let mut permit = national_id();
        permit.document_type = DocumentType::ResidentPermit;
        permit.document_number = 2_345_678_901;
        permit.occupation = Some("Engineer".into());
        permit.employer = Some("Example Co.".into());
        type Field = fn(&mut Claims) -> &mut String;
        let fields: [(Field, ClaimKey); 5] = [
            (|c| &mut c.name_ar, ClaimKey::NameAr),
            (|c| &mut c.name_en, ClaimKey::NameEn),
            (|c| &mut c.place_of_birth, ClaimKey::PlaceOfBirth),
            (|c| c.occupation.as_mut().unwrap(), ClaimKey::Occupation),
            (|c| c.employer.as_mut().unwrap(), ClaimKey::Employer),
        ];
        for (field, key) in fields {
            for bad in [
                '\u{202E}',
                '\u{2066}',
                '\u{200B}',
                '\u{200D}',
                '\u{FEFF}',
                '\u{00AD}',
                '\u{061C}',
                '\u{00A0}',
                '\u{3000}',
                '\u{2028}',
                '\t',
                '\u{7F}',
                '\u{85}',
                '\u{E000}',
                '\u{FDD0}',
                '\u{FFFF}',
                '\u{10FFFE}',
                '\u{E0041}',
            ] {
                let mut claims = permit.clone();
                let text = field(&mut claims);
                let middle = text.char_indices().nth(2).unwrap().0;
                text.insert(middle, bad);
                let err = claims.to_entries(when).unwrap_err();
                assert!(
                    matches!(err, ClaimsError::Text { field, .. } if field == key),
                    "{key} with U+{:04X}: {err}",
                    u32::from(bad)
                );
                // The verifier reads the value with the same rule.
                let value = ClaimValue::Text(field(&mut claims).clone());
                assert_eq!(
                    ClaimValue::from_cbor(DocumentType::ResidentPermit, key, &value.to_cbor()),
                    None,
                    "{key} decoded with U+{:04X}",
                    u32::from(bad)
                );
            }
            for bad in [" x", "x ", "a  b", ""] {
                let mut claims = permit.clone();
                *field(&mut claims) = bad.to_owned();
                assert!(claims.to_entries(when).is_err(), "{key} {bad:?}");
            }
        }
        // Letters of any script and ordinary punctuation stay allowed where
        // the claim has no alphabet of its own.
        let mut claims = permit.clone();
        claims.place_of_birth = "São Paulo (Brasil) – 北京 / الرياض".into();
        claims.employer = Some("Al-Rajhi & Sons, Ltd. #2".into());
        assert!(claims.to_entries(when).is_ok());
    }

    #[test]
    fn document_numbers_nationality_and_dates_are_checked_alike_on_both_sides() {
        let id = DocumentType::NationalId;
        let permit = DocumentType::ResidentPermit;
        let number =
            |doc, n| ClaimValue::from_cbor(doc, ClaimKey::DocumentNumber, &Value::Unsigned(n));
        for n in [3_234_567_890, 9_234_567_890, 2_234_567_890] {
            assert_eq!(number(id, n), None, "{n}");
        }
        assert_eq!(number(permit, 1_234_567_890), None);
        assert_eq!(number(permit, 9_999_999_999), None);
        assert!(number(id, 1_234_567_890).is_some());
        assert!(number(permit, 2_999_999_999).is_some());
        for bad in ["sau", "Sau", "SA", "SAUD", "S1U", "ŞAU"] {
            assert_eq!(
                ClaimValue::from_cbor(id, ClaimKey::Nationality, &Value::text(bad)),
                None,
                "{bad}"
            );
        }
        // Wire dates: 0001-01-01 to 9999-12-31 as day counts.
        let date = |d: i64| ClaimValue::from_cbor(id, ClaimKey::BirthDate, &Value::int(d));
        assert!(date(-719_162).is_some() && date(2_932_896).is_some());
        assert!(date(-719_163).is_none() && date(2_932_897).is_none());

        let when = at("2024-01-10");
        let mut old = national_id();
        old.birth_date = Date::new(1899, 12, 31).unwrap();
        assert!(matches!(
            old.to_entries(when),
            Err(ClaimsError::DateOrder {
                field: ClaimKey::BirthDate,
                ..
            })
        ));
        old.birth_date = Date::new(1900, 1, 1).unwrap();
        assert!(old.to_entries(when).is_ok());
        let mut long = national_id();
        long.expiry_date = Date::new(9999, 12, 31).unwrap();
        assert!(matches!(
            long.to_entries(when),
            Err(ClaimsError::DateOrder {
                field: ClaimKey::ExpiryDate,
                ..
            })
        ));
        // 7305 days after the day of issuance is the last expiry date granted.
        long.expiry_date = Date::from_days_since_epoch(
            Date::new(2024, 1, 10).unwrap().days_since_epoch() + MAX_VALIDITY_DAYS,
        )
        .unwrap();
        assert!(long.to_entries(when).is_ok());
        long.expiry_date =
            Date::from_days_since_epoch(long.expiry_date.days_since_epoch() + 1).unwrap();
        assert!(long.to_entries(when).is_err());
    }

    #[test]
    fn portraits_are_checked_by_their_declared_size() {
        let when = at("2024-01-10");
        let with = |portrait: Vec<u8>| {
            let mut claims = national_id();
            claims.portrait = Some(portrait);
            claims.to_entries(when)
        };
        // A few dozen bytes declaring 20000 x 20000 pixels: refused from the header.
        assert!(matches!(
            with(png_header(20_000, 20_000)),
            Err(ClaimsError::PortraitTooLarge {
                width: 20_000,
                height: 20_000
            })
        ));
        assert!(with(png_header(2000, 2000)).is_ok());
        assert!(matches!(
            with(png_header(2001, 2000)),
            Err(ClaimsError::PortraitTooLarge { .. })
        ));
        assert!(matches!(
            with(png_header(0, 10)),
            Err(ClaimsError::Portrait)
        ));
        // JPEG: the size in the first frame header, after other segments.
        let jpeg = |w: u16, h: u16| {
            let mut j = vec![
                0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46, 0xFF, 0xFF, 0xC2, 0x00, 0x0B, 0x08,
            ];
            j.extend_from_slice(&h.to_be_bytes());
            j.extend_from_slice(&w.to_be_bytes());
            j.extend_from_slice(&[0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9]);
            j
        };
        assert_eq!(image_size(&jpeg(640, 480)), Some((640, 480)));
        assert!(with(jpeg(640, 480)).is_ok());
        assert!(matches!(
            with(jpeg(65_000, 65_000)),
            Err(ClaimsError::PortraitTooLarge { .. })
        ));
        assert!(matches!(
            with(vec![0xFF, 0xD8, 0xFF, 0xDA]),
            Err(ClaimsError::Portrait)
        ));
        // WebP, the three kinds of header.
        let webp = |chunk: &[u8; 4], body: &[u8]| {
            let mut w = b"RIFF\x00\x00\x00\x00WEBP".to_vec();
            w.extend_from_slice(chunk);
            w.extend_from_slice(&[0; 4]);
            w.extend_from_slice(body);
            w
        };
        let lossy = webp(
            b"VP8 ",
            &[0, 0, 0, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01],
        );
        assert_eq!(image_size(&lossy), Some((640, 480)));
        let bits: u32 = 639 | 479 << 14;
        let lossless = webp(b"VP8L", &[[0x2f].as_slice(), &bits.to_le_bytes()].concat());
        assert_eq!(image_size(&lossless), Some((640, 480)));
        let extended = webp(b"VP8X", &[0, 0, 0, 0, 0x1f, 0x4e, 0, 0x1f, 0x4e, 0]);
        assert_eq!(image_size(&extended), Some((20_000, 20_000)));
        assert!(matches!(
            with(extended),
            Err(ClaimsError::PortraitTooLarge { .. })
        ));
        assert!(matches!(
            with(b"GIF89a".to_vec()),
            Err(ClaimsError::Portrait)
        ));
    }
}
