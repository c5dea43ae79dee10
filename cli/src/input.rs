//! Reading input files, bounded: every file is size-checked before it is
//! read, so a device or a mistaken huge file fails at once. Below both the
//! file formats (`files`) and the output rule (`output`), which read through
//! it.

use std::fs;
use std::path::Path;

use crate::error::CliError;

/// The most bytes the CLI reads from each kind of input file: every file is
/// size-checked before it is read, and reading stops past the limit, so a
/// device such as `/dev/zero` or a mistaken huge file fails at once.
pub mod limit {
    /// A root public key file (docs/FORMAT.md §2.1).
    pub const ROOT_KEY_FILE: usize = 4096;
    /// Any other key file (JSON).
    pub const KEY_FILE: usize = 64 * 1024;
    /// A claims JSON file.
    pub const CLAIMS_FILE: usize = 64 * 1024;
    /// A portrait image.
    pub const PORTRAIT: usize = hawiya_core::MAX_PORTRAIT_BYTES;
    /// A binding request.
    pub const BINDING_REQUEST: usize = 4096;
    /// A held credential (`.hwy`): the credential, the claims with a
    /// portrait, and the seeds.
    pub const HELD_CREDENTIAL: usize = hawiya_core::MAX_PORTRAIT_BYTES + 64 * 1024;
    /// A signed trust list.
    pub const TRUST_LIST: usize = hawiya_core::MAX_TRUST_LIST_BYTES;
    /// A signed status list.
    pub const STATUS_LIST: usize = hawiya_core::MAX_SIGNED_STATUS_LIST_BYTES;
    /// The issuer's status state (raw bits).
    pub const STATUS_STATE: usize = hawiya_core::MAX_STATUS_LIST_BYTES;
    /// A verifier state file (JSON; recent scans stay a few minutes).
    pub const VERIFIER_STATE: usize = 16 << 20;
    /// A PNG of a QR code, a screenshot or a scan.
    pub const IMAGE: usize = 32 << 20;
    /// A wallet backup.
    pub const WALLET_BACKUP: usize = 256 << 20;
    /// A verifier challenge file (JSON, from `hawiya challenge`).
    pub const CHALLENGE_FILE: usize = 4096;
}

/// Most pixels `hawiya verify --image` reads: a phone screenshot, a photo, a
/// 300 dpi A4 page or a 600 dpi scan of a card, well below the library's cap.
pub const MAX_CLI_IMAGE_PIXELS: u64 = 16_000_000;

/// Reads a whole file of at most `limit` bytes: refused from its size when
/// the file says it is larger, and reading stops one byte past the limit
/// (devices and pipes report no size).
pub fn read(path: &Path, limit: usize) -> Result<Vec<u8>, CliError> {
    let file = fs::File::open(path).map_err(|e| CliError::io(path, e))?;
    read_open(path, &file, limit)
}

/// [`read`], with `None` for a file that does not exist or is empty (a
/// state file not yet saved).
pub fn read_if_exists(path: &Path, limit: usize) -> Result<Option<Vec<u8>>, CliError> {
    match fs::File::open(path) {
        Ok(file) => Ok(Some(read_open(path, &file, limit)?).filter(|b| !b.is_empty())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::io(path, e)),
    }
}

/// Reads the open `file` (named `path` in errors) from where it stands, at
/// most `limit` bytes, refusing it from its size first when it has one.
pub fn read_open(path: &Path, mut file: &fs::File, limit: usize) -> Result<Vec<u8>, CliError> {
    use std::io::Read;
    let too_large = || {
        CliError::Input(format!(
            "{}: larger than {limit} bytes, more than this input can be; check the file name",
            path.display()
        ))
    };
    let size = file.metadata().map_err(|e| CliError::io(path, e))?.len();
    if size > limit as u64 {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    (&mut file)
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::io(path, e))?;
    if bytes.len() > limit {
        return Err(too_large());
    }
    Ok(bytes)
}
