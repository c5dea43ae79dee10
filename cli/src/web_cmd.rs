//! `hawiya web build`: the browser verifier as a deployable static folder.
//!
//! The page itself (web/dist, from scripts/web-build.sh) knows no trust.
//! This command checks the root key file and the lists exactly as `hawiya
//! verify` does, then writes the page with the root key pinned (site.json),
//! the lists as its initial trust (trust/), and a service worker whose cache
//! is named after the folder's contents, so a new deployment replaces the
//! old cache on the clerks' devices.
//!
//! The folder is built in a hidden staging folder beside `--out` and renamed
//! into place when complete. An existing `--out` is replaced only with
//! `--force`, and only if an earlier `hawiya web build` wrote it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use hawiya_core::{Clock, SignedStatusList, SystemClock};
use serde_json::json;

use crate::cleanup::{self, Kind};
use crate::error::CliError;
use crate::files::{self, load_trust_list};
use crate::output::{self, folder_of};

/// The files of the built page (scripts/web-build.sh), all required.
pub const PAGE_FILES: [&str; 6] = [
    "index.html",
    "style.css",
    "app.js",
    "sw.js",
    "hawiya_web.js",
    "hawiya_web_bg.wasm",
];

/// The marker an output folder carries: only such a folder is replaced.
pub const SITE_MARKER: &str = ".hawiya-site";

/// The environment variable naming the built page's folder.
pub const SITE_ENV: &str = "HAWIYA_WEB_SITE";

/// Browser verifier commands.
#[derive(Subcommand)]
pub enum WebCommand {
    /// Write the browser verifier as a static folder for any web host or
    /// CDN, with the root key pinned and the lists as its initial trust.
    Build(BuildArgs),
}

/// `hawiya web build`.
#[derive(Args)]
pub struct BuildArgs {
    /// The root public key file to pin (root.pub, docs/FORMAT.md §2.1).
    #[arg(long, value_name = "FILE")]
    root_key: PathBuf,
    /// The signed trust list (trust-list.cbor), checked with the root key.
    #[arg(long, value_name = "FILE")]
    trust_list: PathBuf,
    /// A signed status list (status-list.cbor), checked with the trust list.
    #[arg(long, value_name = "FILE")]
    status_list: Option<PathBuf>,
    /// The folder to write (must not exist unless --force is given).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The built page (scripts/web-build.sh's web/dist); default: the
    /// HAWIYA_WEB_SITE environment variable, else web/dist of this source tree.
    #[arg(long, value_name = "DIR")]
    site: Option<PathBuf>,
    /// Replace an existing --out folder; only one an earlier `hawiya web
    /// build` wrote (it holds .hawiya-site) is ever replaced.
    #[arg(long)]
    force: bool,
}

/// Runs a web command.
pub fn run(cmd: WebCommand) -> Result<(), CliError> {
    match cmd {
        WebCommand::Build(args) => build(&args),
    }
}

fn site_dir(args: &BuildArgs) -> PathBuf {
    if let Some(site) = &args.site {
        return site.clone();
    }
    if let Some(site) = std::env::var_os(SITE_ENV).filter(|s| !s.is_empty()) {
        return PathBuf::from(site);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/dist")
}

/// FNV-1a, 64 bits: names the service worker's cache after the folder's
/// contents (a cache key, not a security check).
fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn build(args: &BuildArgs) -> Result<(), CliError> {
    // The output rule first, before any work.
    let out = &args.out;
    let replacing = match fs::symlink_metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(CliError::io(out, e)),
        Ok(meta) => {
            if !args.force {
                return Err(CliError::Usage(format!(
                    "{} exists; pass --force to replace a folder an earlier `hawiya web build` wrote",
                    out.display()
                )));
            }
            if !meta.is_dir() || !out.join(SITE_MARKER).is_file() {
                return Err(CliError::Usage(format!(
                    "{} exists and is not a folder written by `hawiya web build` (no {SITE_MARKER}); refusing to replace it, even with --force",
                    out.display()
                )));
            }
            true
        }
    };
    let site = site_dir(args);
    let mut page = Vec::new();
    for name in PAGE_FILES {
        let path = site.join(name);
        match fs::read(&path) {
            Ok(bytes) => page.push((name, bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(CliError::Usage(format!(
                    "no built page in {}: {name} is missing; run scripts/web-build.sh first, or pass --site DIR (or set {SITE_ENV})",
                    site.display()
                )))
            }
            Err(e) => return Err(CliError::io(&path, e)),
        }
    }
    if let (Ok(a), Ok(b)) = (fs::canonicalize(&site), fs::canonicalize(out)) {
        if a.starts_with(&b) {
            return Err(CliError::Usage(format!(
                "--out {} holds the page it is built from (--site {}); choose another folder",
                out.display(),
                site.display()
            )));
        }
    }

    // Trust, checked exactly as `hawiya verify` checks it.
    let root = files::read_root_public_key(&args.root_key)?;
    let trust_bytes = files::read(&args.trust_list, files::limit::TRUST_LIST)?;
    let trust = load_trust_list(&args.trust_list, Some(&args.root_key))?;
    let status = args
        .status_list
        .as_deref()
        .map(|path| {
            let bytes = files::read(path, files::limit::STATUS_LIST)?;
            let list = SignedStatusList::from_signed(&bytes, &trust)
                .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
            Ok::<_, CliError>((bytes, list))
        })
        .transpose()?;

    let mut files_out: Vec<(String, Vec<u8>)> = Vec::new();
    files_out.push(("trust/trust-list.cbor".into(), trust_bytes));
    let mut status_paths = Vec::new();
    if let Some((bytes, _)) = &status {
        status_paths.push("trust/status-list.cbor");
        files_out.push(("trust/status-list.cbor".into(), bytes.clone()));
    }
    let site_json = json!({
        "root_public_key": hex::encode(root.as_bytes()),
        "root_fingerprint": root.fingerprint(),
        "trust_list": "trust/trust-list.cbor",
        "status_lists": status_paths,
        "built_at": SystemClock.now().0,
    });
    files_out.push(("site.json".into(), format!("{site_json:#}\n").into_bytes()));
    let mut sw = None;
    for (name, bytes) in page {
        if name == "sw.js" {
            sw = Some(bytes);
        } else {
            files_out.push((name.into(), bytes));
        }
    }
    // The service worker precaches every file; its cache is named after them.
    let mut cached: Vec<String> = files_out.iter().map(|(n, _)| n.clone()).collect();
    cached.push("sw.js".into());
    cached.sort();
    let version = files_out.iter().fold(0xcbf2_9ce4_8422_2325, |h, (n, b)| {
        fnv1a(fnv1a(h, n.as_bytes()), b)
    });
    let sw = String::from_utf8(sw.unwrap_or_default())
        .map_err(|_| CliError::Input(format!("{}: sw.js is not UTF-8", site.display())))?;
    if !sw.contains("__HAWIYA_SITE_VERSION__") || !sw.contains("'__HAWIYA_SITE_FILES__'") {
        return Err(CliError::Input(format!(
            "{}: sw.js has no place for the site's version and files; rebuild it with scripts/web-build.sh",
            site.display()
        )));
    }
    let list = serde_json::to_string(&cached).map_err(|e| CliError::Input(e.to_string()))?;
    let sw = sw
        .replace("__HAWIYA_SITE_VERSION__", &format!("{version:016x}"))
        .replace("'__HAWIYA_SITE_FILES__'", &format!("'{list}'"));
    files_out.push(("sw.js".into(), sw.into_bytes()));
    files_out.push((
        SITE_MARKER.into(),
        b"written by `hawiya web build`; `hawiya web build --force` may replace this folder\n"
            .to_vec(),
    ));

    // Staged beside --out, renamed into place when complete.
    let parent = folder_of(out);
    let staging = parent.join(output::temp_name());
    let (_, registration) = cleanup::track(&staging, Kind::Folder, || {
        output::make_private_dir(&staging)
    })
    .map_err(|e| CliError::io(parent, e))?;
    let staged = Staging(staging.clone());
    for (name, bytes) in &files_out {
        let path = staging.join(name);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| CliError::io(dir, e))?;
        }
        fs::write(&path, bytes).map_err(|e| CliError::io(&path, e))?;
    }
    // Readable by the web server, as a published folder is.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for dir in [staging.clone(), staging.join("trust")] {
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))
                .map_err(|e| CliError::io(&dir, e))?;
        }
    }
    if replacing {
        let old = parent.join(output::temp_name());
        fs::rename(out, &old).map_err(|e| CliError::io(out, e))?;
        if let Err(e) = output::rename_noreplace(&staging, out) {
            let _ = fs::rename(&old, out);
            return Err(CliError::io(out, e));
        }
        let _ = fs::remove_dir_all(&old);
    } else {
        output::rename_noreplace(&staging, out).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => CliError::Usage(format!(
                "{} appeared while the page was written; nothing was replaced",
                out.display()
            )),
            _ => CliError::io(out, e),
        })?;
    }
    std::mem::forget(staged);
    drop(registration);
    eprintln!(
        "browser verifier written to {}: {} files; root key {} pinned; trust list version {}{}",
        out.display(),
        files_out.len(),
        root.fingerprint(),
        trust.version,
        status
            .as_ref()
            .map(|(_, l)| format!("; status list of {} signed at {}", l.uri, l.issued_at.0))
            .unwrap_or_default()
    );
    eprintln!("serve the folder as static files (HTTPS), e.g. from any web host or CDN");
    Ok(())
}

/// Removes the staging folder unless it was renamed into place.
struct Staging(PathBuf);

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
