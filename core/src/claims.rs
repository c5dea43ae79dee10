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

/// The kind of identity document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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

    /// Reads a claim's wire value, checking its type against the claim.
    pub fn from_cbor(key: ClaimKey, value: &Value) -> Option<ClaimValue> {
        use ClaimKey::*;
        match (key, value) {
            (Portrait, Value::Null) => Some(ClaimValue::Absent),
            (Portrait, Value::Bytes(b)) if b.len() <= MAX_PORTRAIT_BYTES => {
                Some(ClaimValue::Bytes(b.clone()))
            }
            (DocumentNumber, Value::Unsigned(n)) if is_ten_digits(*n) => {
                Some(ClaimValue::Number(*n))
            }
            (
                NameAr | NameEn | Nationality | PlaceOfBirth | Occupation | Employer,
                Value::Text(t),
            ) if t.len() <= MAX_TEXT_BYTES => Some(ClaimValue::Text(t.clone())),
            (BirthDate | IssueDate | ExpiryDate, v) => v
                .as_i64()
                .and_then(|d| Date::from_days_since_epoch(d).ok())
                .map(ClaimValue::Date),
            (Sex, Value::Unsigned(c)) => self::Sex::from_code(*c).map(ClaimValue::Sex),
            (AgeOver18 | AgeOver21, Value::Bool(b)) => Some(ClaimValue::Bool(*b)),
            _ => None,
        }
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
    /// The portrait is empty, too large or not a JPEG, PNG or WebP image.
    #[error("portrait: must be a JPEG, PNG or WebP image of at most {MAX_PORTRAIT_BYTES} bytes")]
    Portrait,
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
        self.validate()?;
        let doc = self.document_type.name_en();
        let on = Date::from_unix(issued_at).map_err(|_| ClaimsError::DateOrder {
            field: ClaimKey::IssueDate,
            problem: "issuance time is outside the calendar",
        })?;
        if on < self.birth_date {
            return Err(ClaimsError::DateOrder {
                field: ClaimKey::BirthDate,
                problem: "is after the time of issuance",
            });
        }
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

    fn validate(&self) -> Result<(), ClaimsError> {
        let doc_type = self.document_type;
        let doc = doc_type.name_en();
        if !doc_type.accepts_number(self.document_number) {
            return Err(ClaimsError::DocumentNumber {
                expected_prefix: doc_type.number_prefix(),
                document: doc,
            });
        }
        if self.document_version == 0 {
            return Err(ClaimsError::Version);
        }
        check_text(ClaimKey::NameAr, &self.name_ar, Script::Arabic)?;
        check_text(ClaimKey::NameEn, &self.name_en, Script::Latin)?;
        check_text(ClaimKey::PlaceOfBirth, &self.place_of_birth, Script::Any)?;
        if self.nationality.len() != 3 || !self.nationality.bytes().all(|b| b.is_ascii_uppercase())
        {
            return Err(ClaimsError::Nationality);
        }
        let permit_only = [
            (ClaimKey::Occupation, &self.occupation),
            (ClaimKey::Employer, &self.employer),
        ];
        for (field, value) in permit_only {
            match (doc_type, value) {
                (DocumentType::ResidentPermit, Some(v)) => check_text(field, v, Script::Any)?,
                (DocumentType::ResidentPermit, None) => {
                    return Err(ClaimsError::Missing {
                        field,
                        document: doc,
                    })
                }
                (_, Some(_)) => {
                    return Err(ClaimsError::NotApplicable {
                        field,
                        document: doc,
                    })
                }
                (_, None) => {}
            }
        }
        if self.issue_date < self.birth_date {
            return Err(ClaimsError::DateOrder {
                field: ClaimKey::IssueDate,
                problem: "is before the date of birth",
            });
        }
        if self.expiry_date <= self.issue_date {
            return Err(ClaimsError::DateOrder {
                field: ClaimKey::ExpiryDate,
                problem: "must be after the issue date",
            });
        }
        if let Some(p) = &self.portrait {
            if p.len() > MAX_PORTRAIT_BYTES || !is_image(p) {
                return Err(ClaimsError::Portrait);
            }
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

fn check_text(field: ClaimKey, text: &str, script: Script) -> Result<(), ClaimsError> {
    let problem = |problem| Err(ClaimsError::Text { field, problem });
    if text.trim().is_empty() {
        return problem("must not be empty");
    }
    if text.trim() != text || text.contains("  ") {
        return problem("must not have leading, trailing or double spaces");
    }
    if text.len() > MAX_TEXT_BYTES {
        return problem("is too long (at most 160 bytes of UTF-8)");
    }
    if text.chars().any(char::is_control) {
        return problem("must not contain control characters");
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

fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || (bytes.len() >= 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
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
                "issue_date",
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
            assert_eq!(ClaimValue::from_cbor(key, &value.to_cbor()), Some(value));
        }
        assert_eq!(
            ClaimValue::from_cbor(ClaimKey::NameEn, &Value::Unsigned(3)),
            None
        );
        assert_eq!(
            ClaimValue::from_cbor(ClaimKey::DocumentNumber, &Value::Unsigned(12)),
            None
        );
        assert_eq!(
            ClaimValue::from_cbor(ClaimKey::Sex, &Value::Unsigned(9)),
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
}
