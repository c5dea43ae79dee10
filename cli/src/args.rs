//! Arguments several commands share: the time a command acts at, a
//! verifier's challenge code, and the disclosure profiles.

use clap::ValueEnum;
use hawiya_core::{ChallengeCode, ClaimKey, Clock, Disclosure, SystemClock, UnixTime};

use crate::error::CliError;

pub(crate) fn now_or(at: Option<i64>) -> UnixTime {
    at.map(UnixTime).unwrap_or_else(|| SystemClock.now())
}

/// Reads `--challenge`: the six digits a verifier shows, or its QR text.
pub fn challenge_arg(text: &str) -> Result<ChallengeCode, CliError> {
    ChallengeCode::parse(text).map_err(|e| CliError::Usage(format!("--challenge: {e}")))
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Profile {
    /// Every claim except the portrait.
    Full,
    /// Name (Arabic and English), document number, expiry date.
    Identity,
    /// Only "18 or over".
    Age18,
    /// Only "21 or over".
    Age21,
}

pub(crate) fn disclosure(
    profile: Option<Profile>,
    names: &[String],
) -> Result<Disclosure, CliError> {
    Ok(match profile {
        Some(Profile::Full) => Disclosure::Full,
        Some(Profile::Identity) => Disclosure::Identity,
        Some(Profile::Age18) => Disclosure::AgeOver18,
        Some(Profile::Age21) => Disclosure::AgeOver21,
        None => Disclosure::Only(
            names
                .iter()
                .map(|n| {
                    ClaimKey::from_name(n.trim()).ok_or_else(|| {
                        let all: Vec<&str> = ClaimKey::ALL.iter().map(|k| k.name()).collect();
                        CliError::Usage(format!(
                            "unknown claim {n:?}; choose from {}",
                            all.join(", ")
                        ))
                    })
                })
                .collect::<Result<_, _>>()?,
        ),
    })
}
