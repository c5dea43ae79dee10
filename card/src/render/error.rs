//! What went wrong while drawing a card.

use super::sizes::{MAX_PNG_DPI, MIN_PNG_DPI};

/// Why a card could not be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The drawing could not be read back; a defect of the card layout.
    #[error("the card drawing is not valid SVG ({detail}); please report this")]
    Drawing {
        /// What the SVG reader said.
        detail: String,
    },
    /// A PNG resolution outside the accepted range.
    #[error("PNG resolution {dpi} dpi is outside {MIN_PNG_DPI}..={MAX_PNG_DPI}")]
    Dpi {
        /// The resolution asked for.
        dpi: u32,
    },
    /// The embedded fonts could not be read; a defect of the build.
    #[error("the embedded card fonts cannot be read; the library is damaged")]
    Fonts,
    /// The PDF writer failed.
    #[error("the card could not be written as PDF ({detail})")]
    Pdf {
        /// What the PDF writer said.
        detail: String,
    },
    /// The raster image could not be made or encoded.
    #[error("the card could not be drawn as PNG ({detail})")]
    Png {
        /// What went wrong.
        detail: String,
    },
}
