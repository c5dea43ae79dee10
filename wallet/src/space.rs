//! Room to write when the disk is full.
//!
//! Some writes are what makes reading safe: an unlock must record its
//! attempt before it tries the secret, and a presentation must be logged
//! before it is shown. On a full disk they would fail, and with them every
//! read and every code, although nothing needs to grow but a few pages.
//!
//! So the wallet keeps a reserve file beside it (`<wallet>-reserve`, 1 MiB
//! of filler, no data), made whenever there is room. When one of those
//! writes fails for want of space, the wallet deletes the reserve and tries
//! once more, now with room: unlocking, listing, showing and presenting keep
//! working on a full disk, counted and logged as always. Writes that are not
//! needed for reading (imports, renewals, new keys) never release it; on a
//! full disk they fail with [`WalletError::DiskFull`] and change nothing.

use std::io::Write;

use super::*;

/// Size of the reserve: room for the shared-memory index of a new
/// connection and well over a hundred small transactions.
const RESERVE_BYTES: usize = 1 << 20;

/// The reserve beside a wallet file.
fn reserve_path(wallet: &Path) -> PathBuf {
    let mut name = wallet.as_os_str().to_owned();
    name.push("-reserve");
    PathBuf::from(name)
}

/// Makes the reserve if it is missing and there is room (best effort). The
/// filler is pseudo-random, so a compressing file system allocates it too.
pub(super) fn ensure_reserve(wallet: &Path) {
    let path = reserve_path(wallet);
    if path.exists() {
        return;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}", std::process::id()));
    let temporary = PathBuf::from(temporary);
    let mut filler = vec![0u8; RESERVE_BYTES];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15 ^ u64::from(std::process::id());
    for chunk in filler.chunks_mut(8) {
        // xorshift64: filler, not a secret.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
    }
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .and_then(|mut file| {
            file.write_all(&filler)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
}

/// Deletes the reserve; `true` if there was one.
fn release(wallet: &Path) -> bool {
    std::fs::remove_file(reserve_path(wallet)).is_ok()
}

/// Runs `write`, one of the writes reading depends on. If it fails with a
/// storage error and a reserve exists, the reserve is freed and `write` runs
/// once more. A failure for want of space is reported as
/// [`WalletError::DiskFull`].
pub(super) fn with_reserve<T>(
    wallet: &Path,
    mut write: impl FnMut() -> Result<T, WalletError>,
) -> Result<T, WalletError> {
    match write() {
        Err(WalletError::DiskFull | WalletError::Storage(_)) if release(wallet) => {
            write().map_err(|e| disk_full_or(e, wallet))
        }
        other => other.map_err(|e| disk_full_or(e, wallet)),
    }
}

/// `DiskFull` for a storage error when the wallet's folder has no room left
/// (SQLite reports some failures for want of space as plain I/O errors).
fn disk_full_or(error: WalletError, wallet: &Path) -> WalletError {
    match error {
        WalletError::Storage(_) if no_room_beside(wallet) => WalletError::DiskFull,
        other => other,
    }
}

/// Whether a 4 KiB file can no longer be written beside the wallet.
fn no_room_beside(wallet: &Path) -> bool {
    let mut probe = wallet.as_os_str().to_owned();
    probe.push(format!("-space-probe.{}", std::process::id()));
    let probe = PathBuf::from(probe);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .and_then(|mut file| {
            file.write_all(&[0u8; 4096])?;
            file.sync_all()
        });
    let _ = std::fs::remove_file(&probe);
    matches!(written, Err(e) if e.kind() == std::io::ErrorKind::StorageFull)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hawiya-space-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_reserve_is_made_once_and_freed_only_for_a_failed_write() {
        let dir = dir("reserve");
        let wallet = dir.join("wallet.db");
        ensure_reserve(&wallet);
        let reserve = reserve_path(&wallet);
        assert_eq!(
            std::fs::metadata(&reserve).unwrap().len(),
            RESERVE_BYTES as u64
        );
        let filler = std::fs::read(&reserve).unwrap();
        assert!(filler.iter().filter(|&&b| b == 0).count() < RESERVE_BYTES / 64);
        ensure_reserve(&wallet);
        assert_eq!(std::fs::read(&reserve).unwrap(), filler, "made once");

        // A write that succeeds keeps it; one that fails for good frees it
        // and is tried again.
        assert_eq!(with_reserve(&wallet, || Ok(1)).unwrap(), 1);
        assert!(reserve.exists());
        let mut tries = 0;
        let failed: Result<(), _> = with_reserve(&wallet, || {
            tries += 1;
            Err(WalletError::Storage("disk I/O error".into()))
        });
        assert!(matches!(failed, Err(WalletError::Storage(_))));
        assert_eq!(tries, 2);
        assert!(!reserve.exists());
        // Without a reserve there is no second try.
        let mut tries = 0;
        let _ = with_reserve(&wallet, || -> Result<(), _> {
            tries += 1;
            Err(WalletError::DiskFull)
        });
        assert_eq!(tries, 1);
        // Other errors never free it.
        ensure_reserve(&wallet);
        let _ = with_reserve(&wallet, || -> Result<(), _> { Err(WalletError::Locked) });
        assert!(reserve.exists());
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![reserve.file_name().unwrap().to_owned()]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
