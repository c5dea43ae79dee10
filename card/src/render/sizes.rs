//! The card's physical size and the resolutions it is drawn at.

/// Width of an ID-1 card (ISO/IEC 7810), in millimetres.
pub const CARD_WIDTH_MM: f32 = 85.60;
/// Height of an ID-1 card, in millimetres.
pub const CARD_HEIGHT_MM: f32 = 53.98;
/// PNG resolution used when none is asked for: 600 dots per inch, so the
/// card's QR modules are 8 pixels or more wide and scan reliably.
pub const DEFAULT_PNG_DPI: u32 = 600;
/// Lowest PNG resolution accepted.
pub const MIN_PNG_DPI: u32 = 72;
/// Highest PNG resolution accepted (a 4044 × 2550 pixel image).
pub const MAX_PNG_DPI: u32 = 1200;

/// usvg's CSS pixels per inch: its millimetres become pixels at this rate.
pub(crate) const SVG_DPI: f32 = 96.0;
