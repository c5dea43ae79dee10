//! Temporary files and folders that must not outlive the command: each is
//! registered while it exists, and Ctrl-C (or a SIGTERM or SIGHUP) removes
//! every registered one before the command exits with 128 + the signal's
//! number. An error or a panic removes them through their owners' `Drop`;
//! only a SIGKILL or a power cut can leave one, as a hidden
//! `.hawiya-PID-RANDOM.tmp` entry beside the file being written.
//!
//! The signal watcher is installed the first time something is registered,
//! so a command that never writes keeps the default Ctrl-C behaviour.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// What a registered path is, and so how it is removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A temporary file: removed.
    File,
    /// A private staging folder: removed with everything in it.
    Folder,
    /// An empty placeholder this process created to lock a state file that
    /// did not exist: removed only while it is still that file (device and
    /// inode), so a state file saved since is never touched.
    Placeholder(Option<(u64, u64)>),
}

struct Entry {
    id: u64,
    path: PathBuf,
    kind: Kind,
}

struct Registry {
    next: u64,
    entries: Vec<Entry>,
    watching: bool,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    next: 0,
    entries: Vec::new(),
    watching: false,
});

fn registry() -> MutexGuard<'static, Registry> {
    // A panic while the lock was held leaves the list itself intact.
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Keeps a path registered for removal on a signal; dropping it only
/// forgets the path (its owner removes the file itself).
#[derive(Debug)]
pub struct Registration(u64);

impl Drop for Registration {
    fn drop(&mut self) {
        registry().entries.retain(|e| e.id != self.0);
    }
}

/// Runs `make` (which creates `path`) and registers `path`, both while
/// holding the registry, so a signal either comes before the path exists or
/// finds it registered.
///
/// # Errors
/// Whatever `make` returns.
pub fn track<T>(
    path: &Path,
    kind: Kind,
    make: impl FnOnce() -> io::Result<T>,
) -> io::Result<(T, Registration)> {
    let mut registry = registry();
    if !registry.watching {
        registry.watching = true;
        watch_signals();
    }
    let made = make()?;
    let id = registry.next;
    registry.next += 1;
    registry.entries.push(Entry {
        id,
        path: path.to_path_buf(),
        kind,
    });
    Ok((made, Registration(id)))
}

/// Changes what a registered path is (a placeholder learns its identity once
/// it is open).
pub fn retag(registration: &Registration, kind: Kind) {
    if let Some(entry) = registry()
        .entries
        .iter_mut()
        .find(|e| e.id == registration.0)
    {
        entry.kind = kind;
    }
}

/// Removes one registered path as its kind says, ignoring what is gone.
fn remove(entry: &Entry) {
    match entry.kind {
        Kind::File => {
            let _ = std::fs::remove_file(&entry.path);
        }
        Kind::Folder => {
            let _ = std::fs::remove_dir_all(&entry.path);
        }
        Kind::Placeholder(identity) => {
            let still_ours = std::fs::symlink_metadata(&entry.path)
                .is_ok_and(|m| m.len() == 0 && file_id(&m) == identity);
            if still_ours {
                let _ = std::fs::remove_file(&entry.path);
            }
        }
    }
}

/// A file's device and inode, where the platform has them: how a placeholder
/// here, and the rule for outputs, tell one file from another.
pub fn file_id(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

#[cfg(unix)]
fn watch_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;
    // Best effort: without the watcher, a signal ends the command as before.
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("hawiya-cleanup".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held until exit: nothing new is created after the sweep.
                let registry = registry();
                for entry in &registry.entries {
                    remove(entry);
                }
                eprintln!("hawiya: interrupted; temporary files removed");
                std::process::exit(128 + signal);
            }
        });
}

#[cfg(not(unix))]
fn watch_signals() {}
