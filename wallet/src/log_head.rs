//! The sealed head of the presentation log: which entries the log must hold.
//!
//! Log rows are numbered in order and never renumbered. A sealed row in
//! `meta` holds `first` (the lowest number not cleared) and `next` (the
//! number the next entry gets), and each append or clear updates it in the
//! same transaction as the rows. So the log must hold exactly the entries
//! `first..next`: a row deleted outside the wallet leaves a gap (or a short
//! tail) and the log is reported as [`WalletError::Tampered`]; the rows
//! themselves are sealed to their number, so none can be moved or forged.

use super::*;
use hawiya_core::cbor::{self, Value};

/// Record version of the head's plaintext.
const HEAD_VERSION: u64 = 1;

const LOG_HEAD_ROW: RowId<'static> = RowId {
    table: "meta",
    id: b"log_head",
    version: 0,
};

/// The range of entry numbers the log holds: `first..next`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LogHead {
    /// The lowest entry number not cleared.
    pub first: i64,
    /// The number the next entry gets.
    pub next: i64,
}

impl LogHead {
    /// A new wallet's log: empty, numbering from 1.
    pub(super) const EMPTY: LogHead = LogHead { first: 1, next: 1 };

    /// `[1, first, next]`.
    pub(crate) fn encode(&self) -> Vec<u8> {
        Value::Array(vec![
            Value::Unsigned(HEAD_VERSION),
            Value::int(self.first),
            Value::int(self.next),
        ])
        .to_bytes()
    }

    pub(crate) fn decode(bytes: &[u8]) -> Option<LogHead> {
        let value = cbor::decode(bytes).ok()?;
        let [version, first, next] = value.as_array()? else {
            return None;
        };
        let head = LogHead {
            first: first.as_i64()?,
            next: next.as_i64()?,
        };
        (version.as_u64() == Some(HEAD_VERSION) && 1 <= head.first && head.first <= head.next)
            .then_some(head)
    }
}

/// Reads the sealed head.
pub(super) fn read(conn: &Connection, sealer: &Sealer) -> Result<LogHead, WalletError> {
    let sealed = schema::get_meta(conn, meta::LOG_HEAD)?.ok_or(WalletError::Tampered(
        "the presentation log's head is missing",
    ))?;
    sealer
        .open(LOG_HEAD_ROW, &sealed)
        .and_then(|plain| LogHead::decode(&plain))
        .ok_or(WalletError::Tampered("the presentation log's head"))
}

/// Writes the sealed head (inside the caller's transaction).
pub(super) fn write(conn: &Connection, sealer: &Sealer, head: LogHead) -> Result<(), WalletError> {
    schema::set_meta(
        conn,
        meta::LOG_HEAD,
        &sealer.seal(LOG_HEAD_ROW, &head.encode(), &mut OsRng),
    )
}

/// Checks that the log holds exactly the entries `first..next` (inside the
/// caller's snapshot).
pub(super) fn check(conn: &Connection, head: LogHead) -> Result<(), WalletError> {
    let (count, low, high): (i64, Option<i64>, Option<i64>) = conn
        .prepare_cached("SELECT count(*), min(id), max(id) FROM presentation_log")
        .and_then(|mut stmt| stmt.query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))))
        .map_err(storage_error)?;
    let expected = head.next - head.first;
    let in_range = match (low, high) {
        (Some(low), Some(high)) => low == head.first && high == head.next - 1,
        _ => expected == 0,
    };
    if count != expected || !in_range {
        return Err(WalletError::Tampered(
            "presentation log entries were deleted or added outside the wallet",
        ));
    }
    Ok(())
}

/// Builds the head of a log from before schema 3 from its rows (see
/// [`super::manifest::upgrade`]): entries were numbered by SQLite's
/// `AUTOINCREMENT` and only ever deleted all at once, so the head spans
/// from the lowest row to the last number handed out. Rows already missing
/// then show as a gap afterwards.
pub(super) fn upgrade(conn: &Connection, sealer: &Sealer) -> Result<(), WalletError> {
    if schema::get_meta(conn, meta::LOG_HEAD)?.is_some() {
        return Err(WalletError::Tampered(
            "the presentation log's head is in a file that predates it",
        ));
    }
    let (low, handed_out): (Option<i64>, i64) = conn
        .query_row(
            "SELECT (SELECT min(id) FROM presentation_log),
                    coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'presentation_log'), 0)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(storage_error)?;
    let next = handed_out.max(0) + 1;
    let head = LogHead {
        first: low.unwrap_or(next).clamp(1, next),
        next,
    };
    write(conn, sealer, head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn heads_round_trip(first in 1i64..i64::MAX / 2, len in 0i64..1_000_000) {
            let head = LogHead { first, next: first + len };
            prop_assert_eq!(LogHead::decode(&head.encode()), Some(head));
        }

        #[test]
        fn the_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = LogHead::decode(&bytes);
        }
    }

    #[test]
    fn impossible_heads_are_refused() {
        for (first, next) in [(0, 0), (5, 4), (-1, 3)] {
            let bytes = Value::Array(vec![
                Value::Unsigned(HEAD_VERSION),
                Value::int(first),
                Value::int(next),
            ])
            .to_bytes();
            assert_eq!(LogHead::decode(&bytes), None, "{first}..{next}");
        }
    }
}
