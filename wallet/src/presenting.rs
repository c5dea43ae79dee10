//! Presenting a stored document (signed by the device key over the
//! verifier's challenge, or the printed code) and the presentation log.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use hawiya_core::{
    ChallengeCode, Clock, DeviceSigner, Disclosure, HeldCredential, Presentation, SecretKey,
    UnixTime,
};
use rand_core::OsRng;
use rusqlite::{params, Connection};

use crate::db::{checkpoint, immediate, read_snapshot};
use crate::device_keys::load_keys;
use crate::documents::find_document;
use crate::error::{storage_error, WalletError};
use crate::handle::{Inner, Wallet};
use crate::records::LogEntry;
use crate::schema::log_row;
use crate::seal::Sealer;
use crate::{log_head, space};

impl Wallet {
    /// Makes a device-bound presentation of a stored document, signed with
    /// the device key it is bound to (the guardian's for a dependent) at the
    /// time `clock` reads now, over the verifier's `challenge` when it showed
    /// one, and records it in the presentation log. There is no way to sign
    /// for another time: the app passes its clock, not a time.
    ///
    /// # Errors
    /// [`WalletError::NoSuchDocument`], [`WalletError::NeedsRebinding`],
    /// [`WalletError::Present`], [`WalletError::Locked`], storage errors.
    pub fn present(
        &self,
        number: u64,
        disclosure: &Disclosure,
        challenge: Option<ChallengeCode>,
        clock: &dyn Clock,
    ) -> Result<Presentation, WalletError> {
        self.present_in(number, disclosure, Some((challenge, clock)), None)
    }

    /// Makes the printed code of a stored document: the static
    /// (issuer-signed only) presentation of its print credential, as its
    /// card carries, and records it at `now`. Works for documents awaiting
    /// re-binding too (a print credential has no device key).
    ///
    /// # Errors
    /// [`WalletError::NoPrintCredential`] if the wallet holds none for the
    /// document, [`WalletError::NoSuchDocument`], [`WalletError::Present`],
    /// [`WalletError::Locked`], storage errors.
    pub fn present_static(
        &self,
        number: u64,
        disclosure: &Disclosure,
        now: UnixTime,
    ) -> Result<Presentation, WalletError> {
        self.present_in(number, disclosure, None, Some(now))
    }

    /// `device`: the challenge and clock for device-bound, `None` for the
    /// print credential's static code, logged at `logged_at`.
    fn present_in(
        &self,
        number: u64,
        disclosure: &Disclosure,
        device: Option<(Option<ChallengeCode>, &dyn Clock)>,
        logged_at: Option<UnixTime>,
    ) -> Result<Presentation, WalletError> {
        let mut inner = self.lock_inner();
        let Inner {
            conn,
            session,
            signers,
            ..
        } = &mut *inner;
        let session = session.as_ref().ok_or(WalletError::Locked)?;
        let stored = find_document(conn, &session.sealer, number)?;
        let held = &stored.held;
        let presentation = match device {
            None => {
                let print = stored
                    .print
                    .as_deref()
                    .ok_or(WalletError::NoPrintCredential(number))?;
                let print = HeldCredential::from_bytes(print)
                    .map_err(|_| WalletError::Tampered("print credential"))?;
                Presentation::static_form(&print, disclosure)?
            }
            Some((challenge, clock)) => {
                let signer = device_signer(conn, &session.sealer, signers, held, number)?;
                Presentation::device_bound(held, disclosure, signer.as_ref(), clock, challenge)?
            }
        };
        log_presentation(
            &self.path,
            conn,
            &session.sealer,
            number,
            held,
            &presentation,
            logged_at,
        )?;
        Ok(presentation)
    }

    /// The presentation log, oldest first.
    ///
    /// # Errors
    /// [`WalletError::Locked`], [`WalletError::Tampered`], storage errors.
    pub fn presentation_log(&self) -> Result<Vec<LogEntry>, WalletError> {
        let inner = self.lock_inner();
        let session = inner.session.as_ref().ok_or(WalletError::Locked)?;
        read_snapshot(&inner.conn, |conn| {
            // Every entry the sealed head says the log holds, and no other,
            // and each one opens.
            let head = log_head::read(conn, &session.sealer)?;
            log_head::check(conn, head)?;
            let entries = readable_log(conn, &session.sealer)?;
            if i64::try_from(entries.len()) != Ok(head.next - head.first) {
                return Err(WalletError::Tampered(
                    "presentation log entries were altered outside the wallet",
                ));
            }
            Ok(entries)
        })
    }

    /// Deletes the whole presentation log and purges it from the file;
    /// returns how many entries were removed.
    ///
    /// # Errors
    /// [`WalletError::Locked`], storage errors.
    pub fn clear_presentation_log(&self) -> Result<usize, WalletError> {
        let mut inner = self.lock_inner();
        let Inner { conn, session, .. } = &mut *inner;
        let session = session.as_ref().ok_or(WalletError::Locked)?;
        let tx = immediate(conn)?;
        let removed = tx
            .execute("DELETE FROM presentation_log", [])
            .map_err(storage_error)?;
        // The numbers handed out so far are never used again.
        let head = log_head::read(&tx, &session.sealer)?;
        log_head::write(
            &tx,
            &session.sealer,
            log_head::LogHead {
                first: head.next,
                ..head
            },
        )?;
        tx.commit().map_err(storage_error)?;
        checkpoint(conn);
        // No code goes on being shown that the log does not record.
        inner.showings.end_all();
        Ok(removed)
    }
}

/// The signer of the device key `held` is bound to: the app's platform
/// signer if attached, else the wallet's own key, opened from its row.
pub(crate) fn device_signer(
    conn: &Connection,
    sealer: &Sealer,
    signers: &HashMap<[u8; 32], Arc<dyn DeviceSigner>>,
    held: &HeldCredential,
    number: u64,
) -> Result<Arc<dyn DeviceSigner>, WalletError> {
    let public = held.info().device_key.ok_or(WalletError::Tampered(
        "a stored credential without device key",
    ))?;
    if let Some(signer) = signers.get(public.as_bytes()) {
        return Ok(Arc::clone(signer));
    }
    let record = load_keys(conn, sealer)?
        .into_iter()
        .find(|k| k.public == *public.as_bytes())
        .ok_or(WalletError::NeedsRebinding(number))?;
    match record.secret {
        Some(secret) => Ok(Arc::new(SecretKey::from_bytes(&secret))),
        None => Err(WalletError::UnknownDeviceKey(public.fingerprint())),
    }
}

/// Records one presentation of `held` (document `number`) in the log: at its device-signed
/// time, or for a printed code at `logged_at`. Logging may use the space
/// reserve: presenting works on a full disk. Returns the entry's id.
pub(crate) fn log_presentation(
    path: &Path,
    conn: &Connection,
    sealer: &Sealer,
    number: u64,
    held: &HeldCredential,
    presentation: &Presentation,
    logged_at: Option<UnixTime>,
) -> Result<i64, WalletError> {
    let entry = LogEntry {
        id: 0,
        document_number: number,
        document_type: held.info().document_type,
        disclosed: presentation.disclosed().to_vec(),
        at: presentation
            .presented_at()
            .or(logged_at)
            .unwrap_or(UnixTime(0)),
        mode: presentation.mode(),
    };
    space::with_reserve(path, || append_log(conn, sealer, &entry))
}

/// Every log entry that opens, oldest first, whether or not the log is
/// complete (for backups).
pub(crate) fn readable_log(
    conn: &Connection,
    sealer: &Sealer,
) -> Result<Vec<LogEntry>, WalletError> {
    let mut stmt = conn
        .prepare_cached("SELECT id, sealed FROM presentation_log ORDER BY id")
        .map_err(storage_error)?;
    let rows = stmt
        .query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?))
        })
        .map_err(storage_error)?;
    let mut out = Vec::new();
    for row in rows {
        let (id, sealed) = row.map_err(storage_error)?;
        if let Some(entry) = sealer
            .open(log_row(&id.to_be_bytes()), &sealed)
            .and_then(|plain| LogEntry::decode(id, &plain))
        {
            out.push(entry);
        }
    }
    Ok(out)
}

pub(crate) fn append_log(
    conn: &Connection,
    sealer: &Sealer,
    entry: &LogEntry,
) -> Result<i64, WalletError> {
    // Entry numbers come from the sealed log head and are never reused, so a
    // sealed entry cannot be replayed into the slot of a cleared one.
    // IMMEDIATE: take the write lock first, so the busy timeout applies
    // (a deferred read-then-write transaction gets SQLITE_BUSY at once).
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)
        .map_err(storage_error)?;
    let head = log_head::read(&tx, sealer)?;
    let id = head.next;
    let sealed = sealer.seal(log_row(&id.to_be_bytes()), &entry.encode(), &mut OsRng);
    tx.prepare_cached("INSERT INTO presentation_log (id, sealed) VALUES (?1, ?2)")
        .and_then(|mut stmt| stmt.execute(params![id, sealed]))
        .map_err(|e| match e.sqlite_error_code() {
            // A row already there under the next number was put there
            // outside the wallet.
            Some(rusqlite::ErrorCode::ConstraintViolation) => {
                WalletError::Tampered("presentation log entries were added outside the wallet")
            }
            _ => storage_error(e),
        })?;
    log_head::write(
        &tx,
        sealer,
        log_head::LogHead {
            next: id.saturating_add(1),
            ..head
        },
    )?;
    tx.commit().map_err(storage_error)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use hawiya_core::{Disclosure, FixedClock};

    use crate::error::WalletError;
    use crate::testing::{wallet_with_document, Scratch, NOW, NUMBER};

    #[test]
    fn each_presentation_is_logged_and_the_log_can_be_cleared() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let clock = FixedClock(NOW);
        wallet
            .present(NUMBER, &Disclosure::Full, None, &clock)
            .unwrap();
        wallet
            .present(NUMBER, &Disclosure::Full, None, &clock)
            .unwrap();
        let log = wallet.presentation_log().unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!(log[0].document_number, NUMBER);
        assert_eq!(wallet.clear_presentation_log().unwrap(), 2);
        assert!(wallet.presentation_log().unwrap().is_empty());
    }

    #[test]
    fn a_document_the_wallet_does_not_hold_is_not_presented_or_logged() {
        let scratch = Scratch::new();
        let wallet = wallet_with_document(&scratch);
        let shown = wallet.present(2_000_000_001, &Disclosure::Full, None, &FixedClock(NOW));
        assert!(
            matches!(shown, Err(WalletError::NoSuchDocument(_))),
            "{shown:?}"
        );
        assert!(matches!(
            wallet.present_static(NUMBER, &Disclosure::Full, NOW),
            Err(WalletError::NoPrintCredential(NUMBER))
        ));
        assert!(wallet.presentation_log().unwrap().is_empty());
    }
}
