//! The ID card as people see it: the ordered fields of a document with
//! Arabic and English labels, values formatted for display (dates in
//! Gregorian and Umm al-Qura Hijri), the text direction of each value, the
//! portrait and whether the document is valid today.
//!
//! [`Card`] is plain data (strings, lists, enums, optional bytes), so the
//! apps draw it natively through the bindings. The CLI draws the same model
//! to SVG, PNG and a printable PDF with the `render` feature
//! (`CardRenderer`); without that feature this crate has no drawing code
//! and no fonts. See `docs/CARD.md`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod hijri;
#[cfg(feature = "render")]
mod render;

use std::collections::BTreeMap;

pub use hijri::{HijriDate, HIJRI_MARK};
#[cfg(feature = "render")]
pub use render::{
    CardRenderer, RenderError, CARD_HEIGHT_MM, CARD_WIDTH_MM, DEFAULT_PNG_DPI, MAX_PNG_DPI,
    MIN_PNG_DPI,
};

use hawiya_core::Date;
use hawiya_core::{ClaimKey, ClaimValue, DocumentType, Sex};
use hawiya_core::{CredentialInfo, HeldCredential};

/// Which way a piece of text runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextDirection {
    /// Left to right (Latin script, digits).
    Ltr,
    /// Right to left (Arabic script).
    Rtl,
}

impl TextDirection {
    /// The direction of `text` by its first letter with a strong direction
    /// (the Unicode bidi rule for a paragraph): right to left if that letter
    /// is Arabic or Hebrew, else left to right.
    pub fn of(text: &str) -> TextDirection {
        for c in text.chars() {
            if is_rtl_letter(c) {
                return TextDirection::Rtl;
            }
            if c.is_alphabetic() {
                return TextDirection::Ltr;
            }
        }
        TextDirection::Ltr
    }
}

/// Letters of right-to-left scripts: Hebrew, Arabic, Syriac, Thaana, NKo and
/// the Arabic presentation forms.
pub(crate) fn is_rtl_letter(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
        && c.is_alphabetic()
}

/// Whether the document is valid on the day the card was made for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CardStatus {
    /// Issued for a later day.
    NotYetValid,
    /// Within its validity.
    Valid,
    /// Past its last valid day.
    Expired,
}

impl CardStatus {
    /// English wording for the card.
    pub fn label_en(self) -> &'static str {
        match self {
            CardStatus::NotYetValid => "Not yet valid",
            CardStatus::Valid => "Valid",
            CardStatus::Expired => "Expired",
        }
    }

    /// Arabic wording for the card.
    pub fn label_ar(self) -> &'static str {
        match self {
            CardStatus::NotYetValid => "لم يبدأ سريانها",
            CardStatus::Valid => "سارية",
            CardStatus::Expired => "منتهية",
        }
    }
}

/// One line of the card: a labelled value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardField {
    /// The claim shown.
    pub key: ClaimKey,
    /// Arabic label.
    pub label_ar: String,
    /// English label.
    pub label_en: String,
    /// The value as text: Gregorian `YYYY-MM-DD` for dates, digits for the
    /// document number, the holder's text as issued otherwise.
    pub value: String,
    /// The value in Arabic where it differs from [`CardField::value`] (e.g.
    /// the sex, "ذكر"); `None` when the value reads the same in both.
    pub value_ar: Option<String>,
    /// For dates: the Umm al-Qura Hijri date, e.g. `1446/05/23 هـ`.
    pub value_hijri: Option<String>,
    /// The direction of [`CardField::value`]: the Arabic name and
    /// Arabic-script text run right to left.
    pub direction: TextDirection,
}

/// The card of one document, ready to display.
#[derive(Clone, PartialEq, Eq)]
pub struct Card {
    /// National ID or resident permit.
    pub document_type: DocumentType,
    /// The document's name in Arabic, e.g. "بطاقة الهوية الوطنية".
    pub title_ar: String,
    /// The document's name in English, e.g. "National ID".
    pub title_en: String,
    /// The document number, as digits.
    pub document_number: String,
    /// The document version (renewals are higher).
    pub document_version: u32,
    /// The issuer's name as signed in the credential.
    pub issuer: String,
    /// For a dependent's document, the guardian's document number.
    pub guardian: Option<String>,
    /// The fields in display order.
    pub fields: Vec<CardField>,
    /// The portrait image (JPEG, PNG or WebP) if the document has one; the
    /// card shows a neutral placeholder otherwise.
    pub portrait: Option<Vec<u8>>,
    /// Validity on the day the card was made for.
    pub status: CardStatus,
}

impl std::fmt::Debug for Card {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Personal data stays out of logs.
        f.debug_struct("Card")
            .field("document_type", &self.document_type)
            .field("fields", &self.fields.len())
            .field("portrait", &self.portrait.as_ref().map(Vec::len))
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// The claims a card shows, in order: names first, then identity, then
/// validity. Age predicates are derived for verifiers and not printed.
const CARD_ORDER: [ClaimKey; 11] = [
    ClaimKey::NameAr,
    ClaimKey::NameEn,
    ClaimKey::DocumentNumber,
    ClaimKey::Nationality,
    ClaimKey::BirthDate,
    ClaimKey::Sex,
    ClaimKey::PlaceOfBirth,
    ClaimKey::Occupation,
    ClaimKey::Employer,
    ClaimKey::IssueDate,
    ClaimKey::ExpiryDate,
];

impl Card {
    /// The card of a document the wallet holds (e.g. from
    /// `hawiya_wallet::Wallet::document`), with its validity on `today`.
    pub fn from_held(held: &HeldCredential, today: Date) -> Card {
        Card::new(held.info(), held.claims(), today)
    }

    /// The card of a credential's signed facts and its claim values, with its
    /// validity on `today`. Claims the document type does not carry are left
    /// out; a missing portrait gives a card with a placeholder.
    pub fn new(
        info: &CredentialInfo,
        claims: &BTreeMap<ClaimKey, ClaimValue>,
        today: Date,
    ) -> Card {
        let document_type = info.document_type;
        let carried = document_type.claim_keys();
        let fields = CARD_ORDER
            .iter()
            .filter(|key| carried.contains(key))
            .filter_map(|key| claims.get(key).map(|value| field(*key, value)))
            .collect();
        let document_number = match claims.get(&ClaimKey::DocumentNumber) {
            Some(ClaimValue::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let portrait = match claims.get(&ClaimKey::Portrait) {
            Some(ClaimValue::Bytes(bytes)) if !bytes.is_empty() => Some(bytes.clone()),
            _ => None,
        };
        let day = u64::try_from(today.days_since_epoch()).unwrap_or(0);
        let status = if day < info.issued_day {
            CardStatus::NotYetValid
        } else if day >= info.expiry_day {
            CardStatus::Expired
        } else {
            CardStatus::Valid
        };
        Card {
            document_type,
            title_ar: document_type.name_ar().to_owned(),
            title_en: card_title_en(document_type).to_owned(),
            document_number,
            document_version: info.document_version,
            issuer: info.issuer.clone(),
            guardian: info.guardian.map(|g| g.to_string()),
            fields,
            portrait,
            status,
        }
    }

    /// The field showing `key`, if the card has one.
    pub fn field(&self, key: ClaimKey) -> Option<&CardField> {
        self.fields.iter().find(|f| f.key == key)
    }
}

/// The English title printed on the card (shorter than the report name).
fn card_title_en(document_type: DocumentType) -> &'static str {
    match document_type {
        DocumentType::NationalId => "National ID Card",
        DocumentType::ResidentPermit => "Resident Identity (Iqama)",
    }
}

/// Label overrides where the card reads better than the generic labels.
fn labels(key: ClaimKey) -> (&'static str, &'static str) {
    match key {
        ClaimKey::NameAr => ("الاسم", "Name (Arabic)"),
        ClaimKey::NameEn => ("الاسم بالإنجليزية", "Name"),
        other => (other.label_ar(), other.label_en()),
    }
}

fn field(key: ClaimKey, value: &ClaimValue) -> CardField {
    let (label_ar, label_en) = labels(key);
    let (text, value_ar, value_hijri) = match value {
        ClaimValue::Date(d) => (
            d.to_string(),
            None,
            Some(HijriDate::from_gregorian(*d).display_ar()),
        ),
        ClaimValue::Sex(Sex::Male) => ("Male".to_owned(), Some("ذكر".to_owned()), None),
        ClaimValue::Sex(Sex::Female) => ("Female".to_owned(), Some("أنثى".to_owned()), None),
        ClaimValue::Bool(true) => ("Yes".to_owned(), Some("نعم".to_owned()), None),
        ClaimValue::Bool(false) => ("No".to_owned(), Some("لا".to_owned()), None),
        ClaimValue::Number(n) => (n.to_string(), None, None),
        ClaimValue::Text(t) => (t.clone(), None, None),
        other => (other.display(), None, None),
    };
    let direction = TextDirection::of(&text);
    CardField {
        key,
        label_ar: label_ar.to_owned(),
        label_en: label_en.to_owned(),
        value: text,
        value_ar,
        value_hijri,
        direction,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use hawiya_core::fixtures::national_id;
    use hawiya_core::Claims;
    use hawiya_core::SecretKey;
    use hawiya_core::UnixTime;

    fn info(claims: &Claims, guardian: Option<u64>) -> CredentialInfo {
        CredentialInfo {
            kid: vec![1],
            issuer: "Test issuer".into(),
            issued_day: claims.issue_date.days_since_epoch() as u64,
            expiry_day: claims.expiry_date.days_since_epoch() as u64 + 1,
            status_index: 0,
            status_uri: "https://status.example/1".into(),
            document_type: claims.document_type,
            document_version: claims.document_version,
            device_key: Some(SecretKey::from_bytes(&[7; 32]).public_key()),
            root: [0; hawiya_core::CHUNK_LEN],
            guardian,
        }
    }

    fn card(claims: &Claims, today: &str) -> Card {
        let issued = UnixTime::start_of(claims.issue_date);
        let entries = claims.to_entries(issued).unwrap().into_iter().collect();
        Card::new(&info(claims, None), &entries, today.parse().unwrap())
    }

    /// A national ID card with no portrait, valid on 2025-06-01.
    pub(crate) fn sample_card() -> Card {
        card(&national_id(), "2025-06-01")
    }

    #[test]
    fn national_id_fields_in_order_with_both_calendars() {
        let c = card(&national_id(), "2025-06-01");
        let keys: Vec<_> = c.fields.iter().map(|f| f.key).collect();
        assert_eq!(
            keys,
            [
                ClaimKey::NameAr,
                ClaimKey::NameEn,
                ClaimKey::DocumentNumber,
                ClaimKey::Nationality,
                ClaimKey::BirthDate,
                ClaimKey::Sex,
                ClaimKey::PlaceOfBirth,
                ClaimKey::IssueDate,
                ClaimKey::ExpiryDate,
            ]
        );
        let birth = c.field(ClaimKey::BirthDate).unwrap();
        assert_eq!(birth.value, "1990-05-17");
        // 17 May 1990 was 22 Shawwal 1410.
        assert_eq!(birth.value_hijri.as_deref(), Some("1410/10/22 هـ"));
        let name = c.field(ClaimKey::NameAr).unwrap();
        assert_eq!(name.direction, TextDirection::Rtl);
        assert_eq!(
            c.field(ClaimKey::NameEn).unwrap().direction,
            TextDirection::Ltr
        );
        let sex = c.field(ClaimKey::Sex).unwrap();
        assert_eq!(
            (sex.value.as_str(), sex.value_ar.as_deref()),
            ("Male", Some("ذكر"))
        );
        assert_eq!(c.document_number, "1234567890");
        assert_eq!(c.title_ar, "بطاقة الهوية الوطنية");
        assert_eq!(c.portrait, None);
        assert_eq!(c.status, CardStatus::Valid);
    }

    #[test]
    fn permit_shows_occupation_and_employer() {
        let mut claims = national_id();
        claims.document_type = DocumentType::ResidentPermit;
        claims.document_number = 2_345_678_901;
        claims.nationality = "EGY".into();
        claims.occupation = Some("محاسب".into());
        claims.employer = Some("Acme Trading Co.".into());
        let c = card(&claims, "2025-06-01");
        assert_eq!(
            c.field(ClaimKey::Occupation).unwrap().direction,
            TextDirection::Rtl
        );
        assert_eq!(
            c.field(ClaimKey::Employer).unwrap().value,
            "Acme Trading Co."
        );
        assert!(c.title_en.contains("Iqama"));
    }

    #[test]
    fn status_follows_the_day() {
        let claims = national_id();
        assert_eq!(card(&claims, "2024-01-09").status, CardStatus::NotYetValid);
        assert_eq!(card(&claims, "2024-01-10").status, CardStatus::Valid);
        assert_eq!(card(&claims, "2034-01-09").status, CardStatus::Valid);
        assert_eq!(card(&claims, "2034-01-10").status, CardStatus::Expired);
    }

    #[test]
    fn portrait_and_guardian_are_carried() {
        let mut claims = national_id();
        // A PNG header declaring 2 x 3 pixels: portraits are checked by
        // their declared size.
        claims.portrait = Some(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x03\x08\x00\x00\x00"
                .to_vec(),
        );
        let issued = UnixTime::start_of(claims.issue_date);
        let entries = claims.to_entries(issued).unwrap().into_iter().collect();
        let c = Card::new(
            &info(&claims, Some(1_000_000_001)),
            &entries,
            "2025-01-01".parse().unwrap(),
        );
        assert_eq!(c.portrait.as_deref(), claims.portrait.as_deref());
        assert_eq!(c.guardian.as_deref(), Some("1000000001"));
        assert!(
            !format!("{c:?}").contains("محمد"),
            "Debug leaks personal data"
        );
    }

    #[test]
    fn direction_by_first_strong_letter() {
        assert_eq!(TextDirection::of("الرياض Riyadh"), TextDirection::Rtl);
        assert_eq!(TextDirection::of("Riyadh الرياض"), TextDirection::Ltr);
        assert_eq!(TextDirection::of("12 شارع"), TextDirection::Rtl);
        assert_eq!(TextDirection::of("2024-01-01"), TextDirection::Ltr);
        assert_eq!(TextDirection::of(""), TextDirection::Ltr);
    }
}
