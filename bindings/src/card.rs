//! The card of a document as people see it: bilingual fields, Gregorian and
//! Umm al-Qura Hijri dates, text direction, validity today. The app draws it;
//! the model comes from hawiya-core's card module.

use hawiya_card as card;

use crate::model::{CalendarDate, ClaimKey, DocumentType};

/// Which way a piece of text runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum TextDirection {
    /// Left to right (Latin script, digits).
    Ltr,
    /// Right to left (Arabic script).
    Rtl,
}

impl From<card::TextDirection> for TextDirection {
    fn from(direction: card::TextDirection) -> Self {
        match direction {
            card::TextDirection::Ltr => TextDirection::Ltr,
            card::TextDirection::Rtl => TextDirection::Rtl,
        }
    }
}

/// Whether the document is valid on the day the card was made for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum CardStatus {
    /// Issued for a later day.
    NotYetValid,
    /// Within its validity.
    Valid,
    /// Past its last valid day.
    Expired,
}

impl From<card::CardStatus> for CardStatus {
    fn from(status: card::CardStatus) -> Self {
        match status {
            card::CardStatus::NotYetValid => CardStatus::NotYetValid,
            card::CardStatus::Valid => CardStatus::Valid,
            card::CardStatus::Expired => CardStatus::Expired,
        }
    }
}

/// One line of the card: a labelled value.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
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

/// The card of one document, ready to draw. Holds personal data: show it,
/// do not log it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Card {
    /// National ID or resident permit.
    pub document_type: DocumentType,
    /// The document's name in Arabic.
    pub title_ar: String,
    /// The document's name in English.
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
    /// The portrait image (JPEG, PNG or WebP), if the document has one.
    pub portrait: Option<Vec<u8>>,
    /// Validity on the day the card was made for.
    pub status: CardStatus,
    /// `status` in English, e.g. "Valid".
    pub status_en: String,
    /// `status` in Arabic.
    pub status_ar: String,
}

impl Card {
    /// Converts a core card; `None` for a document type or claim this
    /// version of the bindings does not know.
    pub(crate) fn from_core(card: card::Card) -> Option<Card> {
        Some(Card {
            document_type: DocumentType::from_core(card.document_type)?,
            title_ar: card.title_ar,
            title_en: card.title_en,
            document_number: card.document_number,
            document_version: card.document_version,
            issuer: card.issuer,
            guardian: card.guardian,
            fields: card
                .fields
                .into_iter()
                .filter_map(|f| {
                    Some(CardField {
                        key: ClaimKey::from_core(f.key)?,
                        label_ar: f.label_ar,
                        label_en: f.label_en,
                        value: f.value,
                        value_ar: f.value_ar,
                        value_hijri: f.value_hijri,
                        direction: f.direction.into(),
                    })
                })
                .collect(),
            portrait: card.portrait,
            status_en: card.status.label_en().to_owned(),
            status_ar: card.status.label_ar().to_owned(),
            status: card.status.into(),
        })
    }
}

/// A date in the Umm al-Qura (Hijri) calendar.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HijriDate {
    /// Hijri year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month.
    pub day: u8,
    /// As printed on cards, e.g. `1446/05/23 هـ`.
    pub display_ar: String,
}

/// The Umm al-Qura Hijri date of a Gregorian date, as cards print it.
#[uniffi::export]
pub fn hijri_date(date: CalendarDate) -> Option<HijriDate> {
    let hijri = card::HijriDate::from_gregorian(date.to_core().ok()?);
    Some(HijriDate {
        year: hijri.year,
        month: hijri.month,
        day: hijri.day,
        display_ar: hijri.display_ar(),
    })
}
