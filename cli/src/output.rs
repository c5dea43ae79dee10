//! The one rule for every file a command writes.
//!
//! * An output that exists is refused unless the command was given
//!   `--force`, and the refusal comes before any work (no passphrase asked,
//!   no presentation logged).
//! * Even with `--force`, only a regular file is replaced: never a folder, a
//!   symbolic link, a device, a pipe or a socket, and never a file the same
//!   command reads (the wallet it opens and its SQLite companion files, a
//!   key, a trust list, a request, ...). Outputs and inputs are compared by
//!   canonical path and by device and inode, so neither a symbolic link, a
//!   `..` detour nor a hard link can sneak an input in as an output.
//! * Bytes go to a temporary file beside the target, with a name unique to
//!   the process (`.hawiya-PID-RANDOM.tmp`), are synced, and the file is then
//!   renamed onto the target: without replacing anything unless replacing was
//!   allowed (so of two processes writing one new file, one wins and the other
//!   is refused), and never leaving half a file. A temporary file never
//!   outlives a failure (a failing write, a full disk, a refused passphrase,
//!   Ctrl-C: see [`crate::cleanup`]), and no file that existed before is ever
//!   deleted in its name.
//! * A state file that a command updates in place (`verify --state`,
//!   `issuer revoke --state`) is read, changed and written back under an
//!   exclusive lock ([`Outputs::lock_state`]), so concurrent runs take turns.
//! * A new wallet is built in a private staging folder and moved into place
//!   only when complete ([`Outputs::stage`]); a wallet whose SQLite
//!   companions (`-wal`, `-shm`, `-journal`) exist is never replaced.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use rand_core::{OsRng, RngCore};

use crate::cleanup::{self, file_id, Kind, Registration};
use crate::error::CliError;

/// `--force`, as every writing command takes it.
#[derive(Args, Clone, Copy, Debug, Default)]
pub struct Force {
    /// Replace output files that already exist. Only a regular file is ever
    /// replaced: never a folder, link or device, nor the wallet or any other
    /// file this command reads.
    #[arg(long)]
    pub force: bool,
}

/// Who may read a written file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone (0644 before the umask): public keys, trust lists, QR codes.
    Public,
    /// The owner only (0600): secret keys, credentials, backups, state.
    Secret,
}

impl Access {
    #[cfg(unix)]
    fn mode(self) -> u32 {
        match self {
            Access::Public => 0o644,
            Access::Secret => 0o600,
        }
    }
}

/// The suffixes of the files SQLite keeps beside a wallet while it is open
/// (or after a crash, holding its last changes).
pub const SQLITE_COMPANIONS: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Every file that belongs beside a wallet: SQLite's, and the wallet's
/// space reserve (`-reserve`, filler that lets it keep reading on a full
/// disk). Never written by a command, removed with the wallet.
pub const WALLET_COMPANIONS: [&str; 4] = ["-wal", "-shm", "-journal", "-reserve"];

/// A wallet's companion file: `w.db` → `w.db-wal`.
pub fn companion(wallet: &Path, suffix: &str) -> PathBuf {
    let mut name = wallet.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Where a path leads: its canonical path (symbolic links followed; for a
/// missing file, its folder's canonical path and its name), and the device
/// and inode of the file when it exists.
#[derive(Clone, Debug)]
struct Location {
    canonical: PathBuf,
    file: Option<(u64, u64)>,
}

impl Location {
    fn same(&self, other: &Location) -> bool {
        self.canonical == other.canonical || (self.file.is_some() && self.file == other.file)
    }

    /// `None` when the path names no file or its folder cannot be reached.
    fn of(path: &Path) -> Option<Location> {
        if let (Ok(meta), Ok(canonical)) = (fs::metadata(path), fs::canonicalize(path)) {
            return Some(Location {
                canonical,
                file: file_id(&meta),
            });
        }
        let dir = fs::canonicalize(folder_of(path)).ok()?;
        Some(Location {
            canonical: dir.join(path.file_name()?),
            file: None,
        })
    }
}

/// The folder a file goes in (`.` for a bare name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A file this command reads, described as an error names it.
struct Input {
    what: String,
    location: Location,
}

/// An output path that passed the rule: absent, or a regular file that may
/// be replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Absent,
    Replaceable,
}

/// The files one command reads and writes, and the rule its writes follow.
pub struct Outputs {
    force: bool,
    inputs: Vec<Input>,
    /// Files that may be replaced without `--force` (the demo's own).
    replaceable: Vec<Location>,
    /// Outputs checked so far, with the flag that named each.
    planned: Vec<(String, Location)>,
}

impl Outputs {
    /// The rule for a command given `--force` or not.
    pub fn new(force: Force) -> Outputs {
        Outputs {
            force: force.force,
            inputs: Vec::new(),
            replaceable: Vec::new(),
            planned: Vec::new(),
        }
    }

    /// Names a file the command reads (`flag` is how the user gave it): it
    /// is never written, even with `--force`.
    pub fn reads(mut self, flag: &str, path: &Path) -> Outputs {
        self.add_input(format!("the file given as {flag}"), path);
        self
    }

    /// As [`Outputs::reads`], for an optional flag.
    pub fn reads_opt(self, flag: &str, path: Option<&Path>) -> Outputs {
        match path {
            Some(path) => self.reads(flag, path),
            None => self,
        }
    }

    /// Names the wallet the command opens: neither it nor its SQLite
    /// companion files (which appear while it is open) are ever written.
    pub fn opens_wallet(mut self, wallet: &Path) -> Outputs {
        self.add_input("the wallet this command opens".into(), wallet);
        for suffix in WALLET_COMPANIONS {
            self.add_input(
                format!(
                    "SQLite's {suffix} file of the wallet this command opens ({})",
                    wallet.display()
                ),
                &companion(wallet, suffix),
            );
        }
        self
    }

    fn add_input(&mut self, what: String, path: &Path) {
        if let Some(location) = Location::of(path) {
            self.inputs.push(Input { what, location });
        }
    }

    /// Lets `path` be replaced without `--force` (still only if it is a
    /// regular file that the command does not read).
    pub fn may_replace(&mut self, path: &Path) {
        if let Some(location) = Location::of(path) {
            self.replaceable.push(location);
        }
    }

    /// Checks, before any work, that `flag`'s `path` may be written.
    ///
    /// # Errors
    /// [`CliError::Usage`] naming the path and why: no such folder, a
    /// folder, not a regular file, a file the command reads, named by two
    /// outputs, or existing without `--force`.
    pub fn check(&mut self, flag: &str, path: &Path) -> Result<(), CliError> {
        let (_, here) = self.examine(flag, path)?;
        if let Some((other, _)) = self.planned.iter().find(|(_, l)| l.same(&here)) {
            return Err(CliError::Usage(format!(
                "{flag} and {other} both name {}; give each its own file",
                path.display()
            )));
        }
        self.planned.push((flag.to_owned(), here));
        Ok(())
    }

    /// As [`Outputs::check`] for a wallet the command creates: its SQLite
    /// companion files must not exist either (they belong to a wallet that
    /// is open, or hold the last changes of one that was not closed
    /// cleanly), even with `--force`.
    ///
    /// # Errors
    /// As [`Outputs::check`], and a companion file that exists.
    pub fn check_wallet(&mut self, flag: &str, path: &Path) -> Result<(), CliError> {
        let replacing = fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
        let is_input = Location::of(path)
            .is_some_and(|here| self.inputs.iter().any(|i| i.location.same(&here)));
        if replacing && !self.force && !is_input {
            return Err(CliError::Usage(format!(
                "{} already exists; choose another path, or give --force to replace it \
                 (if it is a wallet, its documents and device key are lost)",
                path.display()
            )));
        }
        self.check(flag, path)?;
        companions_absent(path)
    }

    /// The flag that named `path` in [`Outputs::check`], for messages.
    fn flag_of(&self, path: &Path) -> String {
        Location::of(path)
            .and_then(|here| {
                self.planned
                    .iter()
                    .find(|(_, l)| l.same(&here))
                    .map(|(f, _)| f.clone())
            })
            .unwrap_or_else(|| "the output".into())
    }

    /// The rule applied to `path` as it is now.
    fn examine(&self, flag: &str, path: &Path) -> Result<(Target, Location), CliError> {
        if path.file_name().is_none() {
            return Err(CliError::Usage(format!(
                "{flag} {}: give a file name",
                path.display()
            )));
        }
        let dir = folder_of(path);
        if !dir.is_dir() {
            return Err(CliError::Usage(format!(
                "{}: no such folder for {flag}",
                dir.display()
            )));
        }
        let here = Location::of(path).ok_or_else(|| {
            CliError::Usage(format!("{}: the folder cannot be read", dir.display()))
        })?;
        if let Some(input) = self.inputs.iter().find(|i| i.location.same(&here)) {
            return Err(CliError::Usage(format!(
                "{flag} {} is {}: hawiya never writes onto a file the same command reads, \
                 even with --force; choose another path",
                path.display(),
                input.what
            )));
        }
        let target = match fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Target::Absent,
            Err(e) => return Err(CliError::io(path, e)),
            Ok(meta) if meta.is_dir() => {
                return Err(CliError::Usage(format!(
                    "{} is a folder; give {flag} a file name",
                    path.display()
                )))
            }
            Ok(meta) if !meta.is_file() => {
                return Err(CliError::Usage(format!(
                    "{} is {}, not a regular file: hawiya never replaces it, even with --force",
                    path.display(),
                    kind_name(&meta)
                )))
            }
            Ok(_) if self.force || self.replaceable.iter().any(|l| l.same(&here)) => {
                Target::Replaceable
            }
            Ok(_) => {
                return Err(CliError::Usage(format!(
                    "{} already exists; give --force to replace it, or choose another path",
                    path.display()
                )))
            }
        };
        Ok((target, here))
    }

    /// Writes `bytes` to `path` under the rule, readable as `access` says.
    ///
    /// # Errors
    /// The rule refuses `path` now (see [`Outputs::check`]), or the write
    /// fails (a full disk is named as such); nothing is left behind.
    pub fn write(&self, path: &Path, bytes: &[u8], access: Access) -> Result<(), CliError> {
        let flag = self.flag_of(path);
        self.examine(&flag, path)?;
        let mut temp = TempFile::create(folder_of(path), access)?;
        temp.fill(bytes, path)?;
        self.commit(&flag, temp, path).map(|_| ())
    }

    /// Writes a file anyone may read.
    ///
    /// # Errors
    /// As [`Outputs::write`].
    pub fn write_public(&self, path: &Path, bytes: &[u8]) -> Result<(), CliError> {
        self.write(path, bytes, Access::Public)
    }

    /// Writes a file only the owner may read.
    ///
    /// # Errors
    /// As [`Outputs::write`].
    pub fn write_secret(&self, path: &Path, bytes: &[u8]) -> Result<(), CliError> {
        self.write(path, bytes, Access::Secret)
    }

    /// Writes two files that belong together (a key pair), so that two
    /// processes given `--force` for the same pair cannot leave one's secret
    /// key beside the other's public key; if the second file is refused, a
    /// first file this call created is taken back.
    ///
    /// # Errors
    /// As [`Outputs::write`], for either file.
    pub fn write_pair(
        &self,
        first: (&Path, &[u8], Access),
        second: (&Path, &[u8], Access),
    ) -> Result<(), CliError> {
        let flags = (self.flag_of(first.0), self.flag_of(second.0));
        self.examine(&flags.0, first.0)?;
        self.examine(&flags.1, second.0)?;
        let mut temps = Vec::new();
        for (path, bytes, access) in [first, second] {
            let mut temp = TempFile::create(folder_of(path), access)?;
            temp.fill(bytes, path)?;
            temps.push(temp);
        }
        let second_temp = temps.pop();
        let first_temp = temps.pop();
        let (Some(first_temp), Some(second_temp)) = (first_temp, second_temp) else {
            return Err(CliError::Input(
                "internal: two temporary files expected".into(),
            ));
        };
        // Held while both renames happen; released on drop.
        let _lock = lock_folder(folder_of(first.0));
        let created = self.commit(&flags.0, first_temp, first.0)?;
        if let Err(e) = self.commit(&flags.1, second_temp, second.0) {
            if let Some(identity) = created {
                remove_if_same(first.0, identity);
            }
            return Err(e);
        }
        Ok(())
    }

    /// Renames `temp` onto `path` as the rule allows. Returns the new file's
    /// identity when it was created (nothing replaced), so a caller can take
    /// it back.
    fn commit(
        &self,
        flag: &str,
        temp: TempFile,
        path: &Path,
    ) -> Result<Option<(u64, u64)>, CliError> {
        // A file may have appeared (or turned into something else) since
        // the command checked: look again, then let the rename decide.
        for _ in 0..3 {
            let (target, _) = self.examine(flag, path)?;
            let identity = fs::symlink_metadata(&temp.path)
                .ok()
                .and_then(|m| file_id(&m));
            let renamed = match target {
                Target::Replaceable => fs::rename(&temp.path, path).map(|()| None),
                Target::Absent => rename_noreplace(&temp.path, path).map(|()| identity),
            };
            match renamed {
                Ok(created) => {
                    temp.disarm();
                    sync_folder(folder_of(path));
                    return Ok(created);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(CliError::io(path, e)),
            }
        }
        Err(CliError::Usage(format!(
            "{} already exists; give --force to replace it, or choose another path",
            path.display()
        )))
    }

    /// Opens the state file `path` for an update in place, and holds an
    /// exclusive lock on it until the returned [`LockedState`] is dropped or
    /// saved, so that concurrent runs read, change and write it in turns. A
    /// missing file is made as an empty placeholder (read as "no state
    /// yet"), removed again if nothing is saved.
    ///
    /// # Errors
    /// The path is a file the command reads, or not a regular file, or it
    /// cannot be opened or locked.
    pub fn lock_state(&self, flag: &str, path: &Path) -> Result<LockedState, CliError> {
        for _ in 0..1000 {
            self.examine_state(flag, path)?;
            let (file, registration) = match open_existing(path) {
                Ok(file) => (file, None),
                Err(e) if e.kind() == io::ErrorKind::NotFound => match create_placeholder(path) {
                    Ok((file, registration)) => (file, Some(registration)),
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(CliError::io(path, e)),
                },
                Err(e) => return Err(CliError::io(path, e)),
            };
            let meta = file.metadata().map_err(|e| CliError::io(path, e))?;
            if !meta.is_file() {
                return Err(CliError::Usage(format!(
                    "{flag} {} is {}, not a regular file",
                    path.display(),
                    kind_name(&meta)
                )));
            }
            let identity = file_id(&meta);
            if let Some(registration) = &registration {
                cleanup::retag(registration, Kind::Placeholder(identity));
            }
            lock_exclusive(&file).map_err(|e| CliError::io(path, e))?;
            // Locked; but if another run replaced or removed the file
            // meanwhile, the lock is on a file no longer at `path`.
            let current = fs::symlink_metadata(path).ok().and_then(|m| file_id(&m));
            if identity.is_some() && current != identity {
                continue;
            }
            return Ok(LockedState {
                path: path.to_path_buf(),
                file,
                identity,
                placeholder: registration,
            });
        }
        Err(CliError::Input(format!(
            "{}: could not lock it (it keeps being replaced)",
            path.display()
        )))
    }

    /// The rule for a state file, which is expected to exist: not an input,
    /// and a regular file if it exists.
    fn examine_state(&self, flag: &str, path: &Path) -> Result<(), CliError> {
        let state_rule = Outputs {
            force: true,
            inputs: Vec::new(),
            replaceable: Vec::new(),
            planned: Vec::new(),
        };
        if let Some(here) = Location::of(path) {
            if let Some(input) = self.inputs.iter().find(|i| i.location.same(&here)) {
                return Err(CliError::Usage(format!(
                    "{flag} {} is {}: a state file must be a file of its own",
                    path.display(),
                    input.what
                )));
            }
        }
        state_rule.examine(flag, path).map(|_| ())
    }

    /// A private folder beside `target` to build a new wallet in; the wallet
    /// goes to [`Staged::path`], and [`Outputs::commit_staged`] moves it into
    /// place. Dropped uncommitted, the folder is removed with everything in it.
    ///
    /// # Errors
    /// The rule refuses `target`, or the folder cannot be made.
    pub fn stage(&self, target: &Path) -> Result<Staged, CliError> {
        let flag = self.flag_of(target);
        self.examine(&flag, target)?;
        companions_absent(target)?;
        let parent = folder_of(target);
        for _ in 0..16 {
            let dir = parent.join(temp_name());
            match cleanup::track(&dir, Kind::Folder, || make_private_dir(&dir)) {
                Ok(((), registration)) => {
                    let name = target.file_name().unwrap_or_default();
                    return Ok(Staged {
                        file: dir.join(name),
                        dir,
                        _registration: registration,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(CliError::io(parent, e)),
            }
        }
        Err(CliError::Input(format!(
            "{}: could not make a staging folder",
            parent.display()
        )))
    }

    /// Moves a staged wallet (closed, its companions gone) onto `target`
    /// under the rule, then removes the staging folder.
    ///
    /// # Errors
    /// The rule refuses `target` now, or companions appeared beside it, or
    /// the staged wallet is still open.
    pub fn commit_staged(&self, staged: Staged, target: &Path) -> Result<(), CliError> {
        let flag = self.flag_of(target);
        for suffix in SQLITE_COMPANIONS {
            if companion(&staged.file, suffix).exists() {
                return Err(CliError::Input(format!(
                    "the new wallet for {} is still open; nothing was written",
                    target.display()
                )));
            }
        }
        companions_absent(target)?;
        let temp = TempFile::adopt(&staged.file);
        self.commit(&flag, temp, target)?;
        drop(staged);
        Ok(())
    }
}

/// Refuses when a wallet's SQLite companion files exist beside `path`.
fn companions_absent(path: &Path) -> Result<(), CliError> {
    for suffix in SQLITE_COMPANIONS {
        let other = companion(path, suffix);
        if fs::symlink_metadata(&other).is_ok() {
            let why = if path.exists() {
                format!(
                    "{} is open in another program, or was not closed cleanly and {} holds its last changes \
                     (open it once with `hawiya wallet list` to fold them in)",
                    path.display(),
                    other.display()
                )
            } else {
                format!(
                    "{} is left over from an earlier wallet of that name",
                    other.display()
                )
            };
            return Err(CliError::Usage(format!(
                "{why}; hawiya never puts a new wallet beside it, even with --force: move it away first"
            )));
        }
    }
    Ok(())
}

/// What kind of non-regular file `meta` describes, for messages.
fn kind_name(meta: &fs::Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        return "a folder";
    }
    "not a regular file"
}

/// A hidden name unique to this process and call.
pub(crate) fn temp_name() -> String {
    format!(
        ".hawiya-{}-{:016x}.tmp",
        std::process::id(),
        OsRng.next_u64()
    )
}

/// A temporary file beside its target, removed unless committed.
struct TempFile {
    path: PathBuf,
    file: Option<File>,
    registration: Option<Registration>,
}

impl TempFile {
    /// Creates a fresh temporary file in `dir` (never an existing one, so it
    /// never inherits a stale file's mode).
    fn create(dir: &Path, access: Access) -> Result<TempFile, CliError> {
        for _ in 0..16 {
            let path = dir.join(temp_name());
            let mut options = fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(access.mode());
            }
            #[cfg(not(unix))]
            let _ = access;
            match cleanup::track(&path, Kind::File, || options.open(&path)) {
                Ok((file, registration)) => {
                    return Ok(TempFile {
                        path,
                        file: Some(file),
                        registration: Some(registration),
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(CliError::io(dir, e)),
            }
        }
        Err(CliError::Input(format!(
            "{}: could not make a temporary file",
            dir.display()
        )))
    }

    /// A finished file to commit (a staged wallet): not removed on drop, as
    /// its staging folder goes as a whole.
    fn adopt(path: &Path) -> TempFile {
        TempFile {
            path: path.to_path_buf(),
            file: None,
            registration: None,
        }
    }

    /// Writes and syncs the bytes meant for `target`.
    fn fill(&mut self, bytes: &[u8], target: &Path) -> Result<(), CliError> {
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| write_error(target, e))
    }

    /// The file now lives at its target: nothing to remove.
    fn disarm(mut self) {
        self.file = None;
        self.registration = None;
        self.path = PathBuf::new();
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.registration.is_some() {
            self.file = None;
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// A write failure as the user should read it, naming the target.
fn write_error(target: &Path, e: io::Error) -> CliError {
    let why = match e.kind() {
        io::ErrorKind::StorageFull => "the disk is full".to_owned(),
        io::ErrorKind::QuotaExceeded => "the disk quota is used up".to_owned(),
        io::ErrorKind::FileTooLarge => "the file is larger than this system allows".to_owned(),
        _ => e.to_string(),
    };
    CliError::Input(format!(
        "{}: {why}; nothing was written (free some space, or write elsewhere)",
        target.display()
    ))
}

/// A new wallet being built in a private folder beside its target.
pub struct Staged {
    dir: PathBuf,
    file: PathBuf,
    _registration: Registration,
}

impl Staged {
    /// Where to build the wallet.
    pub fn path(&self) -> &Path {
        &self.file
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

pub(crate) fn make_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// A state file opened for an update in place, locked until dropped.
pub struct LockedState {
    path: PathBuf,
    file: File,
    identity: Option<(u64, u64)>,
    /// Set while the file is a placeholder this run created.
    placeholder: Option<Registration>,
}

impl LockedState {
    /// The file's bytes, at most `limit` of them; `None` for a file that is
    /// empty (new).
    ///
    /// # Errors
    /// The file cannot be read, or is larger than `limit`.
    pub fn contents(&mut self, limit: usize) -> Result<Option<Vec<u8>>, CliError> {
        let bytes = crate::input::read_open(&self.path, &self.file, limit)?;
        Ok((!bytes.is_empty()).then_some(bytes))
    }

    /// Replaces the file with `bytes` (whole, via a temporary file) and
    /// releases the lock.
    ///
    /// # Errors
    /// The write fails; the state file is then as it was.
    pub fn save(mut self, bytes: &[u8], access: Access) -> Result<(), CliError> {
        let mut temp = TempFile::create(folder_of(&self.path), access)?;
        temp.fill(bytes, &self.path)?;
        fs::rename(&temp.path, &self.path).map_err(|e| CliError::io(&self.path, e))?;
        temp.disarm();
        sync_folder(folder_of(&self.path));
        self.placeholder = None;
        Ok(())
    }
}

impl Drop for LockedState {
    fn drop(&mut self) {
        // A placeholder nothing was saved into goes again, while still locked.
        if self.placeholder.take().is_some() {
            if let Some(identity) = self.identity {
                remove_if_same(&self.path, identity);
            }
        }
    }
}

/// Removes `path` if it is still the file `identity` (and a regular file).
fn remove_if_same(path: &Path, identity: (u64, u64)) {
    let same =
        fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && file_id(&m) == Some(identity));
    if same {
        let _ = fs::remove_file(path);
    }
}

/// Creates a missing state file as an empty, owner-only placeholder.
fn create_placeholder(path: &Path) -> io::Result<(File, Registration)> {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    cleanup::track(path, Kind::Placeholder(None), || options.open(path))
}

/// Opens an existing state file for reading without following a symbolic
/// link and without blocking on a pipe.
fn open_existing(path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    {
        use rustix::fs::{Mode, OFlags};
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| match e {
            rustix::io::Errno::LOOP => io::Error::new(
                io::ErrorKind::InvalidInput,
                "a symbolic link, not a regular file",
            ),
            other => io::Error::from(other),
        })?;
        Ok(File::from(fd))
    }
    #[cfg(not(unix))]
    {
        File::open(path)
    }
}

#[cfg(unix)]
fn lock_exclusive(file: &File) -> io::Result<()> {
    rustix::fs::flock(file, rustix::fs::FlockOperation::LockExclusive).map_err(io::Error::from)
}

#[cfg(not(unix))]
fn lock_exclusive(_file: &File) -> io::Result<()> {
    Ok(())
}

/// Locks a folder while several files in it are replaced together; `None`
/// where folders cannot be locked (the renames then simply run unlocked).
fn lock_folder(dir: &Path) -> Option<File> {
    let folder = File::open(dir).ok()?;
    lock_exclusive(&folder).ok()?;
    Some(folder)
}

/// Makes a rename in `dir` durable; best effort.
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Renames `from` to `to` unless `to` exists (then `AlreadyExists`), in one
/// step where the system can; else by a hard link (which fails on an
/// existing name) and removing `from`.
pub(crate) fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        use rustix::io::Errno;
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            Ok(()) => return Ok(()),
            // A file system without the flag: fall back to a hard link.
            Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => {}
            Err(e) => return Err(e.into()),
        }
    }
    fs::hard_link(from, to)?;
    let _ = fs::remove_file(from);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hawiya-output-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch");
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn an_existing_file_needs_force_and_an_input_is_never_written() {
        let dir = scratch("rule");
        let input = dir.join("in.key");
        let out = dir.join("out");
        fs::write(&input, b"key").expect("input");
        let mut outputs = Outputs::new(Force { force: true }).reads("--key", &input);
        let err = outputs.check("--out", &input).expect_err("an input");
        assert!(err.to_string().contains("--key"), "{err}");
        // Through a hard link, a `..` detour and a symbolic link to the folder.
        fs::hard_link(&input, dir.join("link")).expect("hard link");
        assert!(outputs.check("--out", &dir.join("link")).is_err());
        fs::create_dir(dir.join("sub")).expect("sub");
        assert!(outputs.check("--out", &dir.join("sub/../in.key")).is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&dir, dir.join("alias")).expect("symlink");
            assert!(outputs.check("--out", &dir.join("alias/in.key")).is_err());
        }
        outputs.check("--out", &out).expect("a new file");
        assert!(outputs.check("--other", &out).is_err(), "named twice");
        outputs.write_public(&out, b"one").expect("write");
        outputs
            .write_public(&out, b"two")
            .expect("replaced with --force");
        assert_eq!(fs::read(&out).expect("read"), b"two");
        let strict = Outputs::new(Force::default());
        let err = strict.write_public(&out, b"three").expect_err("exists");
        assert!(err.to_string().contains("--force"), "{err}");
        assert_eq!(fs::read(&out).expect("read"), b"two");
        assert_eq!(fs::read(&input).expect("read"), b"key");
        assert!(!names(&dir).iter().any(|n| n.ends_with(".tmp")));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_lost_race_is_a_refusal_not_a_replacement() {
        let dir = scratch("race");
        let out = dir.join("out");
        let outputs = Outputs::new(Force::default());
        let mut temp = TempFile::create(&dir, Access::Secret).expect("temp");
        temp.fill(b"mine", &out).expect("fill");
        // Another process creates the file after the check.
        fs::write(&out, b"theirs").expect("theirs");
        let err = outputs.commit("--out", temp, &out).expect_err("refused");
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(fs::read(&out).expect("read"), b"theirs");
        assert_eq!(names(&dir), ["out"]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_write_error_names_a_full_disk_and_the_target() {
        let e = write_error(
            Path::new("x.png"),
            io::Error::from(io::ErrorKind::StorageFull),
        );
        assert!(e.to_string().starts_with("x.png: the disk is full"), "{e}");
    }

    #[test]
    fn a_placeholder_is_removed_when_nothing_is_saved() {
        let dir = scratch("placeholder");
        let state = dir.join("state.json");
        let outputs = Outputs::new(Force::default());
        let mut locked = outputs.lock_state("--state", &state).expect("lock");
        assert_eq!(locked.contents(1024).expect("read"), None);
        assert!(state.exists());
        drop(locked);
        assert!(!state.exists(), "an unsaved placeholder stays");
        let locked = outputs.lock_state("--state", &state).expect("lock");
        locked.save(b"{}", Access::Secret).expect("save");
        let mut locked = outputs.lock_state("--state", &state).expect("lock");
        assert_eq!(locked.contents(1024).expect("read"), Some(b"{}".to_vec()));
        drop(locked);
        assert_eq!(names(&dir), ["state.json"]);
        let _ = fs::remove_dir_all(&dir);
    }
}
