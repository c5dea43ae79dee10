//! The holder's encrypted offline wallet on SQLite.
//!
//! One file holds the holder's documents and their dependents', the device
//! keys and the presentation log. Every secret row is sealed under a random
//! data key (see `seal`); the data key is stored only wrapped by a
//! [`KeySource`] the app implements or by a passphrase through Argon2id.
//! Renewals replace the old version in one transaction and purge it. Time is
//! passed in; randomness comes from the operating system.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod backup;
mod db;
mod device_keys;
mod documents;
mod error;
mod handle;
mod held;
mod key_source;
mod live_showings;
mod log_head;
mod manifest;
mod options;
mod passcode;
mod presenting;
mod protection;
mod records;
mod reset;
mod schema;
mod seal;
mod settings;
mod showing;
mod space;
#[cfg(test)]
mod testing;
mod unlock;

pub use backup::{RestoreReport, SkipReason, SkippedDocument, BACKUP_MAGIC};
pub use device_keys::DeviceKeyInfo;
pub use documents::{DocumentSummary, ImportOutcome, Person};
pub use error::WalletError;
pub use handle::Wallet;
pub use key_source::{KdfParams, KeySource, KeySourceError};
pub use manifest::{Damage, DamagedDocument};
pub use options::WalletOptions;
pub use passcode::{AttemptState, PasscodeRules, UnlockBlocked, UnlockPolicy, WeakPasscode};
pub use protection::Protection;
pub use records::LogEntry;
pub use schema::SCHEMA_VERSION;
pub use showing::{Showing, SHOWING_SPAN};
pub use unlock::UnlockOutcome;

/// Low-level pieces for fuzzing the wallet's decoders. Not a stable API;
/// only with the `internal` feature.
#[cfg(feature = "internal")]
#[doc(hidden)]
pub mod internal {
    /// Runs every wallet record decoder on `bytes`. Returns how many
    /// accepted, or the name of a decoder that accepted bytes it would not
    /// write itself (non-canonical input).
    pub fn wallet_records(bytes: &[u8]) -> Result<usize, &'static str> {
        use crate::log_head::LogHead;
        use crate::manifest::Manifest;
        use crate::records::{self, DocumentRecord, KeyRecord, LogEntry, Marks};
        let decoded: [(&'static str, Option<Vec<u8>>); 8] = [
            ("key", KeyRecord::decode(bytes).map(|r| r.encode().to_vec())),
            (
                "document",
                DocumentRecord::decode(bytes).map(|r| r.encode().to_vec()),
            ),
            (
                "log entry",
                LogEntry::decode(0, bytes).map(|r| r.encode().to_vec()),
            ),
            ("marks", Marks::decode(bytes).map(|r| r.encode())),
            ("manifest", Manifest::decode(bytes).map(|r| r.encode())),
            ("log head", LogHead::decode(bytes).map(|r| r.encode())),
            (
                "attempts",
                records::decode_attempts(bytes).map(|r| records::encode_attempts(&r)),
            ),
            (
                "policy",
                records::decode_policy(bytes).map(|r| records::encode_policy(&r)),
            ),
        ];
        let mut accepted = 0;
        for (name, again) in decoded {
            match again {
                Some(again) if again != bytes => return Err(name),
                Some(_) => accepted += 1,
                None => {}
            }
        }
        Ok(accepted)
    }

    /// Parses a wallet backup's clear header and, separately, `payload` as
    /// a decrypted backup payload. Neither needs a key.
    pub fn wallet_backup(file: &[u8], payload: &[u8]) -> (bool, bool) {
        (
            crate::backup::parse_outer(file).is_ok(),
            crate::backup::decode_payload(payload).is_ok(),
        )
    }
}
