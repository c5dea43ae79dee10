//! The error shared by every decoder: why bytes or text are not a structure
//! hawiya understands.

use thiserror::Error;

use crate::base45::Base45Error;
use crate::cbor::CborError;

/// Why input could not be read as a hawiya structure. Says which structure and
/// which part of it, never the data itself.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FormatError {
    /// The QR text is not valid Base45.
    #[error("QR text is not valid Base45: {0}")]
    Base45(#[from] Base45Error),
    /// The bytes are not deterministic CBOR.
    #[error("not deterministic CBOR: {0}")]
    Cbor(#[from] CborError),
    /// A field is missing or has the wrong type or value.
    #[error("{structure}: {field} is missing or invalid")]
    Field {
        /// The structure being read (e.g. "presentation").
        structure: &'static str,
        /// The field at fault.
        field: &'static str,
    },
    /// The QR text does not start with a hawiya prefix.
    #[error("QR text does not start with \"HW\" and a version; it is not a hawiya presentation")]
    Prefix,
    /// The structure is larger than hawiya allows.
    #[error("{structure} is larger than {limit} bytes")]
    TooLarge {
        /// The structure being read.
        structure: &'static str,
        /// The size limit.
        limit: usize,
    },
    /// The structure is a version this build does not understand.
    #[error("{structure} has format version {found}; this verifier understands version {supported}: update the app")]
    UnsupportedVersion {
        /// The structure being read.
        structure: &'static str,
        /// The version found.
        found: u64,
        /// The version this build reads.
        supported: u64,
    },
}

impl FormatError {
    /// Shorthand for a [`FormatError::Field`].
    pub fn field(structure: &'static str, field: &'static str) -> FormatError {
        FormatError::Field { structure, field }
    }
}
