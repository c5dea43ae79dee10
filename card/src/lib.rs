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
mod model;
#[cfg(feature = "render")]
mod render;

pub use hijri::{HijriDate, HIJRI_MARK};
pub use model::{Card, CardField, CardStatus, TextDirection};
#[cfg(feature = "render")]
pub use render::{
    CardRenderer, RenderError, CARD_HEIGHT_MM, CARD_WIDTH_MM, DEFAULT_PNG_DPI, MAX_PNG_DPI,
    MIN_PNG_DPI,
};
