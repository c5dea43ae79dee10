//! A document shown as a live code: begun once (one presentation-log
//! entry), refreshed before each code expires while it stays on screen,
//! ended when it leaves. The Kotlin `Flow` and Swift `AsyncSequence` of
//! live presentations are built on this.

use std::sync::{Arc, Mutex, MutexGuard};

use hawiya_core as core;
use hawiya_wallet as wallet;

use crate::error::WalletError;
use crate::presentation::Presentation;
use crate::wallet::{parse_challenge, qr_to_wallet, Wallet};
use core::Disclosure;

/// A document being shown as a live code. `refresh()` signs a fresh code
/// (the same document, disclosure and challenge) without writing anything
/// (a showing longer than five minutes is logged again once per five
/// minutes); `end()` (or closing it) forgets its key material. Locking the
/// wallet, changing its documents, clearing the log, the clock going back
/// or, for a code over a verifier's challenge, the challenge's window
/// passing ends it: `refresh()` then fails with `ShowingEnded`. A showing
/// keeps its wallet open until it is closed.
#[derive(uniffi::Object)]
pub struct Showing {
    wallet: Arc<Wallet>,
    number: u64,
    /// `None` once ended.
    showing: Mutex<Option<wallet::Showing>>,
    current: Mutex<Presentation>,
    /// For a code over a verifier's challenge: when the first code stops
    /// being accepted, which no refresh can extend (the verifier's challenge
    /// opened before it).
    challenge_closes: Option<i64>,
}

/// Takes a lock whose holder cannot leave the value half-changed.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[uniffi::export]
impl Wallet {
    /// Begins showing a stored document as a live code: its first
    /// device-bound presentation, signed now by the wallet's clock (over
    /// `challenge` as for `present`), recorded in the presentation log once
    /// for the whole showing. Refresh it before `expiresAt` with
    /// `Showing.refresh()`; end it when the code leaves the screen.
    pub fn begin_showing(
        self: Arc<Self>,
        number: u64,
        disclosure: Disclosure,
        challenge: Option<String>,
    ) -> Result<Arc<Showing>, WalletError> {
        let challenge = parse_challenge(challenge)?;
        let now = self.now()?;
        let (showing, made) =
            self.inner
                .begin_showing(number, &disclosure, challenge, &core::FixedClock(now))?;
        let first = match Presentation::new(&made, now) {
            Ok(first) => first,
            Err(e) => {
                self.inner.end_showing(&showing);
                return Err(qr_to_wallet(e));
            }
        };
        Ok(Arc::new(Showing {
            wallet: self,
            number,
            showing: Mutex::new(Some(showing)),
            challenge_closes: first.challenge.is_some().then_some(first.expires_at),
            current: Mutex::new(first),
        }))
    }
}

#[uniffi::export]
impl Showing {
    /// The number of the document being shown.
    pub fn document_number(&self) -> u64 {
        self.number
    }

    /// The latest code of this showing.
    pub fn current(&self) -> Presentation {
        lock(&self.current).clone()
    }

    /// Signs a fresh code now (the wallet's clock) for the same document,
    /// disclosure and challenge, and makes it the current one. Writes
    /// nothing: the showing is already in the log. `ShowingEnded` once the
    /// wallet was locked, its documents changed, or the showing was ended.
    pub fn refresh(&self) -> Result<Presentation, WalletError> {
        // A copy, so no lock of this object is held while the wallet signs
        // (a platform signer may wait for the holder, who may close this).
        let showing = lock(&self.showing)
            .clone()
            .ok_or(WalletError::ShowingEnded)?;
        let now = self.wallet.now()?;
        let made = self
            .wallet
            .inner
            .refresh_showing(&showing, &core::FixedClock(now))?;
        let mut fresh = Presentation::new(&made, now).map_err(qr_to_wallet)?;
        if let Some(closes) = self.challenge_closes {
            fresh.expires_at = fresh.expires_at.min(closes);
        }
        *lock(&self.current) = fresh.clone();
        Ok(fresh)
    }

    /// Ends the showing (the code left the screen): its key material is
    /// forgotten. Doing it again does nothing.
    pub fn end(&self) {
        let showing = lock(&self.showing).take();
        if let Some(showing) = showing {
            self.wallet.inner.end_showing(&showing);
        }
    }
}

impl Drop for Showing {
    fn drop(&mut self) {
        self.end();
    }
}
