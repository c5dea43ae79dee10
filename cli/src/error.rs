//! The failures the CLI reports before exiting with status 2.

use std::path::Path;

/// A failure the CLI reports before exiting with status 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Input was read but is not acceptable.
    #[error("{0}")]
    Input(String),
    /// Flags do not make sense together.
    #[error("{0}")]
    Usage(String),
}

impl CliError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> CliError {
        CliError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub(crate) fn json(e: serde_json::Error) -> CliError {
        CliError::Input(format!("JSON: {e}"))
    }
}
