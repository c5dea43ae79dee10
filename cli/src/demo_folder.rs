//! What `hawiya demo` may replace in its output folder.
//!
//! Each run records the files it wrote in `.hawiya-demo.json`: their device
//! and inode, and for files that are written once, their size and
//! modification time (a wallet changes in place whenever it is used, so only
//! its identity counts). A later run replaces a file of one of the demo's
//! names only if it is still the very file recorded there; any other file of
//! such a name (one the demo did not write, or one edited or swapped since)
//! is refused before anything is written, unless `--force` is given. Even
//! then, only regular files are replaced, as everywhere in the CLI. The
//! demo never deletes a file it did not write, such as the clear-text
//! `device.key` that demos before the encrypted wallet left behind.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::CliError;
use crate::output::{self, Access, Force, Outputs, WALLET_COMPANIONS};

/// The record of what the demo wrote, in its folder.
pub const MANIFEST: &str = ".hawiya-demo.json";

/// Files older demos wrote in clear; never deleted, only pointed out.
const OLD_CLEAR_FILES: [&str; 4] = [
    "device.key",
    "device.pub",
    "national-id.hwy",
    "resident-permit.hwy",
];

/// One recorded file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stamp {
    device: u64,
    inode: u64,
    /// Size in bytes; absent for a wallet, which changes in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bytes: Option<u64>,
    /// Modification time as (seconds, nanoseconds) since 1970; absent for a wallet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    modified: Option<(u64, u32)>,
}

impl Stamp {
    /// The stamp of the regular file at `path`, as recorded for its kind.
    fn of(path: &Path, in_place: bool) -> Option<Stamp> {
        let meta = fs::symlink_metadata(path).ok().filter(|m| m.is_file())?;
        let (device, inode) = crate::cleanup::file_id(&meta).unwrap_or((0, 0));
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| (d.as_secs(), d.subsec_nanos()));
        Some(Stamp {
            device,
            inode,
            bytes: (!in_place).then_some(meta.len()),
            modified: if in_place { None } else { modified },
        })
    }
}

/// `.hawiya-demo.json`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// What wrote this: "hawiya demo".
    written_by: String,
    files: BTreeMap<String, Stamp>,
}

const WRITTEN_BY: &str = "hawiya demo";

/// The demo's output folder: what it may replace, and what it wrote.
pub struct DemoFolder {
    dir: PathBuf,
    outputs: Outputs,
    /// What the earlier run recorded, if the folder has its record.
    recorded: Option<Manifest>,
    /// Recorded files still as recorded, and every file this run wrote.
    manifest: Manifest,
    /// Wallets (by name) this run may remove and make afresh.
    wallets: Vec<String>,
}

impl DemoFolder {
    /// Opens (or makes) the folder and checks every name the demo will
    /// write (`files`, plus the `wallets` and their SQLite companions)
    /// before anything is written.
    ///
    /// # Errors
    /// The folder is not a folder, or it holds files of those names that
    /// the demo may not replace (all named in one message).
    pub fn open(
        dir: &Path,
        force: Force,
        files: &[String],
        wallets: &[&str],
    ) -> Result<DemoFolder, CliError> {
        if fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) && !dir.is_dir() {
            return Err(CliError::Usage(format!(
                "{} is not a folder; give --out a folder for the demo's files",
                dir.display()
            )));
        }
        fs::create_dir_all(dir).map_err(|e| CliError::io(dir, e))?;
        let mut outputs = Outputs::new(force);
        let recorded = read_manifest(dir);
        let mut manifest = Manifest {
            written_by: WRITTEN_BY.into(),
            files: BTreeMap::new(),
        };
        let mut refused = Vec::new();
        let mut never = Vec::new();
        let mut names: Vec<(String, bool)> = files.iter().map(|f| (f.clone(), false)).collect();
        names.extend(wallets.iter().map(|w| (w.to_string(), true)));
        names.push((MANIFEST.into(), false));
        for (name, in_place) in &names {
            let path = dir.join(name);
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            if !meta.is_file() {
                never.push(name.clone());
                continue;
            }
            let stamp = Stamp::of(&path, *in_place);
            let own = match (&recorded, &stamp) {
                // The record itself is the demo's when it reads as one.
                (Some(_), _) if name == MANIFEST => true,
                (Some(m), Some(now)) => m.files.get(name) == Some(now),
                _ => false,
            };
            if own {
                if let Some(stamp) = stamp {
                    manifest.files.insert(name.clone(), stamp);
                }
            }
            if own || force.force {
                outputs.may_replace(&path);
            } else {
                refused.push(name.clone());
            }
        }
        for wallet in wallets {
            let path = dir.join(wallet);
            let replaceable =
                !refused.iter().any(|r| r == wallet) && !never.contains(&wallet.to_string());
            for suffix in WALLET_COMPANIONS {
                let other = output::companion(&path, suffix);
                let name = format!("{wallet}{suffix}");
                match fs::symlink_metadata(&other) {
                    Err(_) => {}
                    Ok(m) if !m.is_file() => never.push(name),
                    // Companions of a wallet the demo made go with it; beside
                    // a missing wallet they are stale, and only --force
                    // clears them.
                    Ok(_) if replaceable && (path.exists() || force.force) => {}
                    Ok(_) => refused.push(name),
                }
            }
        }
        if !never.is_empty() {
            return Err(CliError::Usage(format!(
                "{} holds {} where the demo writes files, and they are not regular files; \
                 hawiya never replaces those, even with --force: move them away or choose another --out folder",
                dir.display(),
                never.join(", ")
            )));
        }
        if !refused.is_empty() {
            return Err(CliError::Usage(format!(
                "{} holds {} that `hawiya demo` did not write there, or that changed since it did; \
                 move them away, choose another --out folder, or give --force to replace them",
                dir.display(),
                refused.join(", ")
            )));
        }
        let old: Vec<&str> = OLD_CLEAR_FILES
            .into_iter()
            .filter(|f| dir.join(f).exists())
            .collect();
        if !old.is_empty() {
            eprintln!(
                "hawiya: note: {} also holds {} (an older demo kept the holder's key and documents in clear); \
                 this demo does not use them: delete them if they are not yours",
                dir.display(),
                old.join(", ")
            );
        }
        Ok(DemoFolder {
            dir: dir.to_path_buf(),
            outputs,
            recorded,
            manifest,
            wallets: wallets.iter().map(|w| w.to_string()).collect(),
        })
    }

    /// The path of the demo's file `name`.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Writes the demo's file `name` and records it.
    ///
    /// # Errors
    /// As [`Outputs::write`].
    pub fn write(&mut self, name: &str, bytes: &[u8], access: Access) -> Result<(), CliError> {
        let path = self.path(name);
        self.outputs.write(&path, bytes, access)?;
        self.record(name, false);
        Ok(())
    }

    /// Writes a key pair `name` (and its `.pub`) and records both.
    ///
    /// # Errors
    /// As [`Outputs::write`].
    pub fn write_key_pair(
        &mut self,
        name: &str,
        kind: &str,
        key: &hawiya_core::SecretKey,
        profile: Option<crate::files::IssuerProfile>,
    ) -> Result<(), CliError> {
        let path = self.path(name);
        crate::files::write_key_pair(&self.outputs, &path, kind, key, profile)?;
        self.record(name, false);
        let public = crate::files::public_path(&path);
        if let Some(public) = public.file_name().and_then(|n| n.to_str()) {
            self.record(public, false);
        }
        Ok(())
    }

    /// Clears the way for a fresh wallet `name`: removes the earlier run's
    /// wallet and its SQLite companions (which [`DemoFolder::open`] found to
    /// be the demo's own, or `--force` allowed), and returns the path.
    ///
    /// # Errors
    /// `name` is not one of the demo's wallets, or a file cannot be removed.
    pub fn fresh_wallet(&mut self, name: &str) -> Result<PathBuf, CliError> {
        if !self.wallets.iter().any(|w| w == name) {
            return Err(CliError::Input(format!(
                "internal: {name} is not a demo wallet"
            )));
        }
        let path = self.path(name);
        let mut gone = vec![path.clone()];
        gone.extend(WALLET_COMPANIONS.map(|s| output::companion(&path, s)));
        for file in gone {
            match fs::remove_file(&file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(CliError::io(&file, e))
                }
                _ => {}
            }
        }
        self.manifest.files.remove(name);
        Ok(path)
    }

    /// Removes the demo's own earlier file `name` if there is one (a file
    /// this run does not write again); any other file of that name stays.
    pub fn remove_own(&mut self, name: &str) {
        let path = self.path(name);
        self.manifest.files.remove(name);
        let recorded = self.recorded.as_ref().and_then(|m| m.files.get(name));
        if recorded.is_some() && Stamp::of(&path, false).as_ref() == recorded {
            let _ = fs::remove_file(&path);
        }
    }

    /// Records the file `name` as the demo's, as it is now (`in_place` for a
    /// wallet).
    pub fn record(&mut self, name: &str, in_place: bool) {
        let path = self.path(name);
        if let Some(stamp) = Stamp::of(&path, in_place) {
            self.manifest.files.insert(name.to_owned(), stamp);
            self.outputs.may_replace(&path);
        }
    }

    /// The rule for outputs in this folder (for the staged restore).
    pub fn outputs(&self) -> &Outputs {
        &self.outputs
    }

    /// Writes `.hawiya-demo.json`; after a failed run too, so the files
    /// written so far stay the demo's to replace.
    ///
    /// # Errors
    /// As [`Outputs::write`].
    pub fn save(&mut self) -> Result<(), CliError> {
        let bytes = serde_json::to_vec_pretty(&self.manifest).map_err(CliError::json)?;
        let path = self.path(MANIFEST);
        self.outputs.write(&path, &bytes, Access::Public)?;
        self.outputs.may_replace(&path);
        Ok(())
    }
}

/// The folder's manifest, if it reads as the demo's.
fn read_manifest(dir: &Path) -> Option<Manifest> {
    let raw = crate::files::read(&dir.join(MANIFEST), 64 * 1024).ok()?;
    serde_json::from_slice::<Manifest>(&raw)
        .ok()
        .filter(|m| m.written_by == WRITTEN_BY)
}
