//! Showing a document as a live code: one device-bound presentation made
//! and logged when the holder opens the code, then re-signed (refreshed)
//! before each one expires for as long as it stays on screen.
//!
//! The refreshes of one showing are the same showing to the holder, so they
//! are one entry in the presentation log, written when the showing begins;
//! a refresh writes nothing. It signs with the signer and over the
//! credential opened at the start, kept in memory only while the wallet is
//! unlocked: locking ends every showing and forgets them. A refresh first
//! checks that the sealed manifest is the one the showing began under, so a
//! document deleted, renewed or replaced since (by this handle or by another
//! process on the same file), or a reset wallet, ends the showing instead of
//! showing a code for a document the wallet no longer holds.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use hawiya_core::{ChallengeCode, Clock, DeviceSigner, Disclosure, HeldCredential, Presentation};
use rusqlite::Connection;

use crate::db::read_snapshot;
use crate::documents::find_document;
use crate::error::WalletError;
use crate::handle::{Inner, Wallet};
use crate::presenting::{device_signer, log_presentation};
use crate::schema::{self, meta};

/// Showing ids are unique in the process, so a showing handed to another
/// wallet handle (even one on the same file) is not found there.
static NEXT_SHOWING: AtomicU64 = AtomicU64::new(1);

/// A document being shown as a live code; refresh it with
/// [`Wallet::refresh_showing`] and end it with [`Wallet::end_showing`].
/// Holds no key material itself: that stays inside the wallet.
#[derive(Debug, PartialEq, Eq)]
pub struct Showing {
    id: u64,
    number: u64,
}

impl Showing {
    /// The number of the document being shown.
    pub fn document_number(&self) -> u64 {
        self.number
    }
}

/// What a showing signs with and over, kept in the unlocked wallet.
struct Live {
    held: HeldCredential,
    signer: Arc<dyn DeviceSigner>,
    disclosure: Disclosure,
    challenge: Option<ChallengeCode>,
    /// The sealed manifest the showing began under.
    manifest: Vec<u8>,
}

/// The showings in progress on one wallet handle.
#[derive(Default)]
pub(crate) struct Showings(HashMap<u64, Live>);

impl Showings {
    /// Ends every showing, forgetting their signers.
    pub(crate) fn end_all(&mut self) {
        self.0.clear();
    }
}

impl Wallet {
    /// Begins showing a stored document as a live code: makes its first
    /// device-bound presentation (as [`Wallet::present`], over `challenge`
    /// if the verifier showed one) and records the showing in the
    /// presentation log, once for all its refreshes.
    ///
    /// # Errors
    /// As [`Wallet::present`].
    pub fn begin_showing(
        &self,
        number: u64,
        disclosure: &Disclosure,
        challenge: Option<ChallengeCode>,
        clock: &dyn Clock,
    ) -> Result<(Showing, Presentation), WalletError> {
        let mut inner = self.lock_inner();
        let Inner {
            conn,
            session,
            signers,
            showings,
        } = &mut *inner;
        let session = session.as_ref().ok_or(WalletError::Locked)?;
        // The manifest and the document it lists, read together.
        let (manifest, stored) = read_snapshot(conn, |conn| {
            Ok((
                sealed_manifest(conn)?,
                find_document(conn, &session.sealer, number)?,
            ))
        })?;
        let held = stored.held;
        let signer = device_signer(conn, &session.sealer, signers, &held, number)?;
        let presentation =
            Presentation::device_bound(&held, disclosure, signer.as_ref(), clock, challenge)?;
        log_presentation(
            &self.path,
            conn,
            &session.sealer,
            number,
            &held,
            &presentation,
            None,
        )?;
        let id = NEXT_SHOWING.fetch_add(1, Ordering::Relaxed);
        showings.0.insert(
            id,
            Live {
                held,
                signer,
                disclosure: disclosure.clone(),
                challenge,
                manifest,
            },
        );
        Ok((Showing { id, number }, presentation))
    }

    /// A fresh presentation for a showing, signed at the time `clock` reads
    /// now, with the same document, disclosure and challenge. Writes
    /// nothing: the showing is already in the log.
    ///
    /// # Errors
    /// [`WalletError::ShowingEnded`] if the wallet was locked, reset or its
    /// documents changed since the showing began, or it was ended (the
    /// showing is then over: show the document again);
    /// [`WalletError::Present`] if signing failed; storage errors.
    pub fn refresh_showing(
        &self,
        showing: &Showing,
        clock: &dyn Clock,
    ) -> Result<Presentation, WalletError> {
        let mut inner = self.lock_inner();
        let Inner {
            conn,
            session,
            showings,
            ..
        } = &mut *inner;
        if session.is_none() {
            showings.end_all();
            return Err(WalletError::ShowingEnded);
        }
        let live = showings
            .0
            .get(&showing.id)
            .ok_or(WalletError::ShowingEnded)?;
        if sealed_manifest(conn)? != live.manifest {
            showings.0.remove(&showing.id);
            return Err(WalletError::ShowingEnded);
        }
        Ok(Presentation::device_bound(
            &live.held,
            &live.disclosure,
            live.signer.as_ref(),
            clock,
            live.challenge,
        )?)
    }

    /// Ends a showing (the code left the screen), forgetting its signer.
    pub fn end_showing(&self, showing: Showing) {
        self.lock_inner().showings.0.remove(&showing.id);
    }
}

/// The sealed manifest's bytes as stored: every change of the documents
/// rewrites it under a fresh nonce.
fn sealed_manifest(conn: &Connection) -> Result<Vec<u8>, WalletError> {
    schema::get_meta(conn, meta::MANIFEST)?
        .ok_or(WalletError::Tampered("the document manifest is missing"))
}

#[cfg(test)]
mod tests {
    use hawiya_core::{Disclosure, FixedClock, Policy, UnixTime, Verifier};

    use crate::error::WalletError;
    use crate::handle::Wallet;
    use crate::options::WalletOptions;
    use crate::protection::Protection;
    use crate::testing::{trust, wallet_with_document, PadKeySource, Scratch, NOW, NUMBER};

    fn at(seconds: i64) -> FixedClock {
        FixedClock(UnixTime(NOW.0 + seconds))
    }

    #[test]
    fn the_refreshes_of_a_showing_are_one_log_entry_and_each_verifies() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let (showing, first) = wallet
            .begin_showing(NUMBER, &Disclosure::Identity, None, &at(0))
            .unwrap();
        assert_eq!(showing.document_number(), NUMBER);
        assert_eq!(first.presented_at(), Some(NOW));
        let mut verifier = Verifier::new(trust(), Policy::default());
        for step in 1..=4 {
            let refreshed = wallet.refresh_showing(&showing, &at(30 * step)).unwrap();
            assert_eq!(refreshed.presented_at(), Some(UnixTime(NOW.0 + 30 * step)));
            assert_eq!(refreshed.disclosed(), first.disclosed());
            let verdict = verifier.verify(&refreshed.qr_text(), UnixTime(NOW.0 + 30 * step), None);
            assert!(verdict.is_accepted(), "refresh {step}: {verdict:?}");
        }
        let log = wallet.presentation_log().unwrap();
        assert_eq!(log.len(), 1, "one showing is one entry: {log:?}");
        assert_eq!(log[0].at, NOW);
        // A second showing is a second entry.
        wallet
            .begin_showing(NUMBER, &Disclosure::Full, None, &at(200))
            .unwrap();
        assert_eq!(wallet.presentation_log().unwrap().len(), 2);
    }

    #[test]
    fn a_challenged_showing_answers_the_same_challenge_on_every_refresh() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let challenge = hawiya_core::ChallengeCode::parse("493817").unwrap();
        let (showing, _) = wallet
            .begin_showing(NUMBER, &Disclosure::Full, Some(challenge), &at(0))
            .unwrap();
        let refreshed = wallet.refresh_showing(&showing, &at(20)).unwrap();
        assert_eq!(refreshed.challenge(), Some(challenge));
    }

    #[test]
    fn locking_ends_every_showing_even_after_a_new_unlock() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let (showing, _) = wallet
            .begin_showing(NUMBER, &Disclosure::Full, None, &at(0))
            .unwrap();
        wallet.lock();
        assert!(
            wallet.lock_inner().showings.0.is_empty(),
            "signers forgotten at once"
        );
        assert!(matches!(
            wallet.refresh_showing(&showing, &at(30)),
            Err(WalletError::ShowingEnded)
        ));
        wallet
            .unlock(Protection::KeySource(&PadKeySource), UnixTime(NOW.0 + 40))
            .unwrap();
        assert!(matches!(
            wallet.refresh_showing(&showing, &at(60)),
            Err(WalletError::ShowingEnded)
        ));
    }

    #[test]
    fn a_document_deleted_here_or_by_another_handle_ends_the_showing() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let (showing, _) = wallet
            .begin_showing(NUMBER, &Disclosure::Full, None, &at(0))
            .unwrap();
        wallet.delete(NUMBER).unwrap();
        assert!(matches!(
            wallet.refresh_showing(&showing, &at(30)),
            Err(WalletError::ShowingEnded)
        ));

        // Another handle on the same file (as another process would be).
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let (showing, _) = wallet
            .begin_showing(NUMBER, &Disclosure::Full, None, &at(0))
            .unwrap();
        let other = Wallet::open(wallet.path(), &WalletOptions::default()).unwrap();
        other
            .unlock(Protection::KeySource(&PadKeySource), NOW)
            .unwrap();
        // Presenting elsewhere changes no document: the showing goes on.
        other
            .present(NUMBER, &Disclosure::Full, None, &at(10))
            .unwrap();
        wallet.refresh_showing(&showing, &at(20)).unwrap();
        other.delete(NUMBER).unwrap();
        assert!(matches!(
            wallet.refresh_showing(&showing, &at(30)),
            Err(WalletError::ShowingEnded)
        ));
        assert!(matches!(
            wallet.begin_showing(NUMBER, &Disclosure::Full, None, &at(40)),
            Err(WalletError::NoSuchDocument(_))
        ));
    }

    #[test]
    fn a_reset_ends_every_showing() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let (showing, _) = wallet
            .begin_showing(NUMBER, &Disclosure::Full, None, &at(0))
            .unwrap();
        wallet
            .reset(
                Protection::KeySource(&PadKeySource),
                &WalletOptions::default(),
            )
            .unwrap();
        assert!(
            wallet.lock_inner().showings.0.is_empty(),
            "signers forgotten at once"
        );
        assert!(matches!(
            wallet.refresh_showing(&showing, &at(30)),
            Err(WalletError::ShowingEnded)
        ));
    }

    #[test]
    fn an_ended_showing_or_one_from_another_handle_signs_nothing() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let (showing, _) = wallet
            .begin_showing(NUMBER, &Disclosure::Full, None, &at(0))
            .unwrap();
        let other = Wallet::open(wallet.path(), &WalletOptions::default()).unwrap();
        other
            .unlock(Protection::KeySource(&PadKeySource), NOW)
            .unwrap();
        assert!(matches!(
            other.refresh_showing(&showing, &at(10)),
            Err(WalletError::ShowingEnded)
        ));
        wallet.end_showing(showing);
        let (again, _) = wallet
            .begin_showing(NUMBER, &Disclosure::Full, None, &at(20))
            .unwrap();
        wallet.end_showing(again);
        assert!(wallet.lock_inner().showings.0.is_empty());
        assert_eq!(wallet.presentation_log().unwrap().len(), 2);
    }

    #[test]
    fn a_showing_of_a_document_not_held_or_while_locked_is_not_begun_or_logged() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        assert!(matches!(
            wallet.begin_showing(2_000_000_001, &Disclosure::Full, None, &at(0)),
            Err(WalletError::NoSuchDocument(_))
        ));
        wallet.lock();
        assert!(matches!(
            wallet.begin_showing(NUMBER, &Disclosure::Full, None, &at(0)),
            Err(WalletError::Locked)
        ));
        wallet
            .unlock(Protection::KeySource(&PadKeySource), NOW)
            .unwrap();
        assert!(wallet.presentation_log().unwrap().is_empty());
    }
}
