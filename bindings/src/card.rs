//! The card of a document as people see it: bilingual fields, Gregorian and
//! Umm al-Qura Hijri dates, text direction, validity today. The app draws it;
//! the model comes from hawiya-core's card module.

use hawiya_card as card;

use hawiya_card::{CardField, CardStatus};
use hawiya_core::DocumentType;

use crate::types::CalendarDate;

/// The card of one document, ready to draw. Holds personal data: show it,
/// do not log it.
// Adds the status's labels, which core's CardStatus gives on demand.
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

impl From<card::Card> for Card {
    fn from(card: card::Card) -> Card {
        Card {
            document_type: card.document_type,
            title_ar: card.title_ar,
            title_en: card.title_en,
            document_number: card.document_number,
            document_version: card.document_version,
            issuer: card.issuer,
            guardian: card.guardian,
            fields: card.fields,
            portrait: card.portrait,
            status_en: card.status.label_en().to_owned(),
            status_ar: card.status.label_ar().to_owned(),
            status: card.status,
        }
    }
}

/// A date in the Umm al-Qura (Hijri) calendar.
// Adds the printed form, which core's HijriDate gives on demand.
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
    let hijri = card::HijriDate::from_gregorian(date.try_into().ok()?);
    Some(HijriDate {
        year: hijri.year,
        month: hijri.month,
        day: hijri.day,
        display_ar: hijri.display_ar(),
    })
}
