//! Showing a document as a live code: one device-bound presentation made
//! and logged when the holder opens the code, then re-signed (refreshed)
//! before each one expires for as long as it stays on screen.
//!
//! The refreshes of one showing are the same showing to the holder, so they
//! share one entry in the presentation log, written when the showing begins.
//! A refresh writes nothing, except that a showing longer than
//! [`SHOWING_SPAN`] is logged again at the refresh that passes it: the log
//! never shows a code on screen for an hour as a single moment. A refresh
//! signs with the signer and over the credential opened at the start, kept
//! in memory only while the wallet is unlocked: locking or resetting ends
//! every showing and forgets them. Before signing, a refresh checks
//!
//! - that the sealed manifest is the one the showing began under, so a
//!   document deleted, renewed or replaced since (by this handle or by
//!   another process on the same file) ends the showing instead of showing a
//!   code for a document the wallet no longer holds;
//! - that the showing's log entry is still there, so clearing the log ends
//!   it: no code is shown that the log does not record;
//! - that the clock has not gone back before the last code;
//! - for a showing over a verifier's challenge, that the challenge can still
//!   be open: a verifier keeps its challenge for its freshness window (by
//!   default [`Policy::default`]'s), which began before the first code, so
//!   codes over it made later would be refused there.

use std::sync::atomic::{AtomicU64, Ordering};

use hawiya_core::{ChallengeCode, Clock, Disclosure, FixedClock, Policy, Presentation};
use rusqlite::{Connection, OptionalExtension};

use crate::db::read_snapshot;
use crate::documents::find_document;
use crate::error::{storage_error, WalletError};
use crate::handle::{Inner, Wallet};
use crate::live_showings::Live;
use crate::manifest;
use crate::presenting::{device_signer, log_presentation};

/// How long one log entry covers a showing: a refresh after this logs the
/// showing again (one durable write per span instead of per refresh).
pub const SHOWING_SPAN: u64 = 300;

/// Showing ids are unique in the process, so a showing handed to another
/// wallet handle (even one on the same file) is not found there.
static NEXT_SHOWING: AtomicU64 = AtomicU64::new(1);

/// A document being shown as a live code; refresh it with
/// [`Wallet::refresh_showing`] and end it with [`Wallet::end_showing`] (or
/// lock the wallet) when the code leaves the screen: the wallet keeps its
/// signer until then. Holds no key material itself; a copy refers to the
/// same showing.
#[must_use = "a showing keeps its signer in the wallet until it is ended or the wallet locks"]
#[derive(Clone, Debug, PartialEq, Eq)]
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
                manifest::sealed_bytes(conn)?,
                find_document(conn, &session.sealer, number)?,
            ))
        })?;
        let held = stored.held;
        let signer = device_signer(conn, &session.sealer, signers, &held, number)?;
        let now = clock.now();
        let presentation = Presentation::device_bound(
            &held,
            disclosure,
            signer.as_ref(),
            &FixedClock(now),
            challenge,
        )?;
        let entry = log_presentation(
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
                began: now,
                entry,
                logged: now,
                last: now,
            },
        );
        Ok((Showing { id, number }, presentation))
    }

    /// A fresh presentation for a showing, signed at the time `clock` reads
    /// now, with the same document, disclosure and challenge. Writes
    /// nothing, except a new log entry for the showing once its current one
    /// is [`SHOWING_SPAN`] old.
    ///
    /// # Errors
    /// [`WalletError::ShowingEnded`] if the wallet was locked or reset, its
    /// documents changed, the presentation log was cleared, the clock went
    /// back, a challenge the showing answers can no longer be open, or the
    /// showing was ended (it is then over: show the document again);
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
        let Some(session) = session.as_ref() else {
            showings.end_all();
            return Err(WalletError::ShowingEnded);
        };
        let live = showings
            .0
            .get(&showing.id)
            .ok_or(WalletError::ShowingEnded)?;
        if manifest::sealed_bytes(conn)? != live.manifest {
            showings.end_stale(conn);
            return Err(WalletError::ShowingEnded);
        }
        let now = clock.now();
        // A code made as the window closes would already be refused.
        let window = i64::from(Policy::default().freshness_secs);
        let challenge_closed =
            live.challenge.is_some() && now.0 >= live.began.0.saturating_add(window);
        if !log_entry_exists(conn, live.entry)? || now.0 < live.last.0 || challenge_closed {
            showings.0.remove(&showing.id);
            return Err(WalletError::ShowingEnded);
        }
        let presentation = Presentation::device_bound(
            &live.held,
            &live.disclosure,
            live.signer.as_ref(),
            &FixedClock(now),
            live.challenge,
        )?;
        let span_over = now.0.saturating_sub(live.logged.0) >= SHOWING_SPAN as i64;
        let entry = if span_over {
            Some(log_presentation(
                &self.path,
                conn,
                &session.sealer,
                showing.number,
                &live.held,
                &presentation,
                None,
            )?)
        } else {
            None
        };
        if let Some(live) = showings.0.get_mut(&showing.id) {
            live.last = now;
            if let Some(entry) = entry {
                live.entry = entry;
                live.logged = now;
            }
        }
        Ok(presentation)
    }

    /// Ends a showing (the code left the screen), forgetting its signer.
    /// Returns whether it was still going on this wallet handle.
    pub fn end_showing(&self, showing: &Showing) -> bool {
        self.lock_inner().showings.0.remove(&showing.id).is_some()
    }
}

/// Whether the presentation log still holds entry `id` (not cleared).
fn log_entry_exists(conn: &Connection, id: i64) -> Result<bool, WalletError> {
    conn.prepare_cached("SELECT 1 FROM presentation_log WHERE id = ?1")
        .and_then(|mut stmt| stmt.query_row([id], |_| Ok(())).optional())
        .map(|found| found.is_some())
        .map_err(storage_error)
}

#[cfg(test)]
mod tests {
    use hawiya_core::{Disclosure, FixedClock, Policy, UnixTime, Verifier};

    use super::{Showing, SHOWING_SPAN};
    use crate::error::WalletError;
    use crate::handle::Wallet;
    use crate::options::WalletOptions;
    use crate::protection::Protection;
    use crate::testing::{trust, wallet_with_document, PadKeySource, Scratch, NOW, NUMBER};

    fn at(seconds: i64) -> FixedClock {
        FixedClock(UnixTime(NOW.0 + seconds))
    }

    /// A showing of the whole document, begun `seconds` after [`NOW`].
    fn shown(wallet: &Wallet, seconds: i64) -> Showing {
        wallet
            .begin_showing(NUMBER, &Disclosure::Full, None, &at(seconds))
            .unwrap()
            .0
    }

    /// Asserts that refreshing `showing` `seconds` after [`NOW`] is refused.
    fn assert_ended(wallet: &Wallet, showing: &Showing, seconds: i64) {
        assert!(matches!(
            wallet.refresh_showing(showing, &at(seconds)),
            Err(WalletError::ShowingEnded)
        ));
    }

    /// Another handle on the same file, unlocked (as another process).
    fn other_handle(wallet: &Wallet) -> Wallet {
        let other = Wallet::open(wallet.path(), &WalletOptions::default()).unwrap();
        other
            .unlock(Protection::KeySource(&PadKeySource), NOW)
            .unwrap();
        other
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
        let _second = shown(&wallet, 200);
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
        let showing = shown(&wallet, 0);
        wallet.lock();
        assert!(
            wallet.lock_inner().showings.0.is_empty(),
            "signers forgotten at once"
        );
        assert_ended(&wallet, &showing, 30);
        wallet
            .unlock(Protection::KeySource(&PadKeySource), UnixTime(NOW.0 + 40))
            .unwrap();
        assert_ended(&wallet, &showing, 60);
    }

    #[test]
    fn a_document_deleted_here_or_by_another_handle_ends_the_showing() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let showing = shown(&wallet, 0);
        wallet.delete(NUMBER).unwrap();
        assert_ended(&wallet, &showing, 30);

        // Another handle on the same file (as another process would be).
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let showing = shown(&wallet, 0);
        let other = other_handle(&wallet);
        // Presenting elsewhere changes no document: the showing goes on.
        other
            .present(NUMBER, &Disclosure::Full, None, &at(10))
            .unwrap();
        wallet.refresh_showing(&showing, &at(20)).unwrap();
        other.delete(NUMBER).unwrap();
        assert_ended(&wallet, &showing, 30);
        assert!(matches!(
            wallet.begin_showing(NUMBER, &Disclosure::Full, None, &at(40)),
            Err(WalletError::NoSuchDocument(_))
        ));
    }

    #[test]
    fn a_reset_ends_every_showing() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let showing = shown(&wallet, 0);
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
        assert_ended(&wallet, &showing, 30);
    }

    #[test]
    fn an_ended_showing_or_one_from_another_handle_signs_nothing() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let showing = shown(&wallet, 0);
        let other = other_handle(&wallet);
        assert!(matches!(
            other.refresh_showing(&showing, &at(10)),
            Err(WalletError::ShowingEnded)
        ));
        assert!(!other.end_showing(&showing), "not this handle's showing");
        assert!(wallet.end_showing(&showing));
        assert!(!wallet.end_showing(&showing), "already ended");
        let again = shown(&wallet, 20);
        assert!(wallet.end_showing(&again));
        assert!(wallet.lock_inner().showings.0.is_empty());
        assert_eq!(wallet.presentation_log().unwrap().len(), 2);
    }

    #[test]
    fn a_document_changed_through_this_handle_ends_its_showings_at_once() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let first = shown(&wallet, 0);
        let (second, _) = wallet
            .begin_showing(NUMBER, &Disclosure::Identity, None, &at(1))
            .unwrap();
        wallet.delete(NUMBER).unwrap();
        assert!(
            wallet.lock_inner().showings.0.is_empty(),
            "signers forgotten at once"
        );
        for showing in [&first, &second] {
            assert!(matches!(
                wallet.refresh_showing(showing, &at(30)),
                Err(WalletError::ShowingEnded)
            ));
        }
    }

    #[test]
    fn clearing_the_log_here_or_elsewhere_ends_the_showing() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let showing = shown(&wallet, 0);
        wallet.clear_presentation_log().unwrap();
        assert_ended(&wallet, &showing, 30);

        let showing = shown(&wallet, 40);
        let other = other_handle(&wallet);
        other.clear_presentation_log().unwrap();
        assert_ended(&wallet, &showing, 50);
        assert!(wallet.presentation_log().unwrap().is_empty());
    }

    #[test]
    fn a_long_showing_is_logged_again_once_per_span() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let showing = shown(&wallet, 0);
        let span = SHOWING_SPAN as i64;
        // Every 30 s for three spans and a bit.
        let mut t = 0;
        while t < 3 * span + 60 {
            t += 30;
            wallet.refresh_showing(&showing, &at(t)).unwrap();
        }
        let log = wallet.presentation_log().unwrap();
        let times: Vec<i64> = log.iter().map(|e| e.at.0 - NOW.0).collect();
        assert_eq!(times, vec![0, span, 2 * span, 3 * span], "{log:?}");
    }

    #[test]
    fn a_clock_gone_back_ends_the_showing() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let showing = shown(&wallet, 100);
        wallet.refresh_showing(&showing, &at(130)).unwrap();
        // The same second again is fine (two refreshes in one second).
        wallet.refresh_showing(&showing, &at(130)).unwrap();
        assert_ended(&wallet, &showing, 129);
        assert_ended(&wallet, &showing, 160);
    }

    #[test]
    fn a_challenged_showing_ends_when_the_challenge_cannot_be_open_any_more() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let challenge = hawiya_core::ChallengeCode::parse("493817").unwrap();
        let (showing, _) = wallet
            .begin_showing(NUMBER, &Disclosure::Full, Some(challenge), &at(0))
            .unwrap();
        let window = i64::from(Policy::default().freshness_secs);
        wallet.refresh_showing(&showing, &at(window - 1)).unwrap();
        assert_ended(&wallet, &showing, window);
        // Without a challenge the same showing goes on.
        let timed = shown(&wallet, 0);
        wallet.refresh_showing(&timed, &at(window + 1)).unwrap();
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
