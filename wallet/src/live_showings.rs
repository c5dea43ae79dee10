//! The showings in progress on one wallet handle: what each signs with and
//! over, kept in memory while the wallet is unlocked (see [`crate::showing`]
//! for the job). Apart from the showing job so that the handle, which holds
//! them and ends them on lock, does not depend on it.

use std::collections::HashMap;
use std::sync::Arc;

use hawiya_core::{ChallengeCode, DeviceSigner, Disclosure, HeldCredential, UnixTime};
use rusqlite::Connection;

use crate::manifest;

/// What a showing signs with and over, kept in the unlocked wallet.
pub(crate) struct Live {
    pub(crate) held: HeldCredential,
    pub(crate) signer: Arc<dyn DeviceSigner>,
    pub(crate) disclosure: Disclosure,
    pub(crate) challenge: Option<ChallengeCode>,
    /// The sealed manifest the showing began under.
    pub(crate) manifest: Vec<u8>,
    /// When the first code was signed.
    pub(crate) began: UnixTime,
    /// The log entry covering the showing now, and when it was written.
    pub(crate) entry: i64,
    pub(crate) logged: UnixTime,
    /// When the last code was signed.
    pub(crate) last: UnixTime,
}

/// The showings in progress on one wallet handle.
#[derive(Default)]
pub(crate) struct Showings(pub(crate) HashMap<u64, Live>);

impl Showings {
    /// Ends every showing, forgetting their signers.
    pub(crate) fn end_all(&mut self) {
        self.0.clear();
    }

    /// Ends the showings begun under another manifest than the file's now
    /// (after this handle changed a document, or when a refresh finds
    /// another process did): their documents may be gone.
    pub(crate) fn end_stale(&mut self, conn: &Connection) {
        match manifest::sealed_bytes(conn) {
            Ok(now) => self.0.retain(|_, live| live.manifest == now),
            Err(_) => self.end_all(),
        }
    }
}
