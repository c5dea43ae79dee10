//! Files the CLI reads and writes: keys (secret ones readable by the owner
//! only), issuer profiles, claims, and binary structures. Every write goes
//! through [`Outputs`], the rule for output files.

use std::path::{Path, PathBuf};

use hawiya_core::{
    Claims, Date, DocumentType, Issuer, PublicKey, SecretKey, Sex, TrustList, VerifierMemory,
};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::CliError;
use crate::output::{Access, LockedState, Outputs};

pub use crate::input::{limit, read, read_if_exists, MAX_CLI_IMAGE_PIXELS};

/// Parses hex, naming the flag on error.
pub fn hex_arg(flag: &'static str, text: &str) -> Result<Vec<u8>, CliError> {
    hex::decode(text.trim()).map_err(|_| CliError::Usage(format!("{flag} must be hexadecimal")))
}

/// Parses a document number given as a flag: decimal digits only (no sign,
/// inner spaces or leading zero, so each number has one spelling), naming the
/// flag on error. Whether it is a valid document number (10 digits starting
/// with 1 or 2) is the core's check.
pub fn document_number_arg(flag: &'static str, text: &str) -> Result<u64, CliError> {
    let text = text.trim();
    let digits_only = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse() {
        Ok(number) if digits_only && !text.starts_with('0') => Ok(number),
        _ => Err(CliError::Usage(format!(
            "{flag} must be a 10-digit ID or iqama number, in digits only (0-9)"
        ))),
    }
}

/// A secret-key file: `{"kind": ..., "secret_key": hex, ...issuer profile}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretKeyFile {
    kind: String,
    secret_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issuer: Option<IssuerProfile>,
}

/// The public identity of an issuer key, as published for the trust list.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerProfile {
    /// Key id, hex.
    pub kid: String,
    /// Issuer name (`iss`).
    pub name: String,
    /// Status list address.
    pub status_uri: String,
}

/// A public-key file.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKeyFile {
    /// "root", "issuer" or "device".
    pub kind: String,
    /// Ed25519 public key, hex.
    pub public_key: String,
    /// Issuer profile, for issuer keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<IssuerProfile>,
}

/// The public-key path that goes with a secret-key path: `X.key` → `X.pub`.
pub fn public_path(secret: &Path) -> PathBuf {
    secret.with_extension("pub")
}

/// Checks, before any work, that a key pair may be written to `path` (the
/// secret key) and the `.pub` file beside it.
///
/// # Errors
/// Either file is refused by the rule, or `path` itself ends in `.pub`.
pub fn check_key_pair(outputs: &mut Outputs, path: &Path) -> Result<(), CliError> {
    let public = public_path(path);
    if public == path {
        return Err(CliError::Usage(format!(
            "--out {}: the public key is written beside the secret key as .pub; \
             give the secret key a name such as root.key",
            path.display()
        )));
    }
    outputs.check("--out", path)?;
    outputs.check("the public key file beside --out", &public)
}

/// Writes a new key pair: the secret file (0600) and the `.pub` file.
pub fn write_key_pair(
    outputs: &Outputs,
    path: &Path,
    kind: &str,
    key: &SecretKey,
    issuer: Option<IssuerProfile>,
) -> Result<(), CliError> {
    let secret = Zeroizing::new(hex::encode(key.to_bytes().as_slice()));
    let file = SecretKeyFile {
        kind: kind.to_owned(),
        secret_key: secret.to_string(),
        issuer: issuer.clone(),
    };
    let json = Zeroizing::new(serde_json::to_vec_pretty(&file).map_err(CliError::json)?);
    drop(file);
    let public = PublicKeyFile {
        kind: kind.to_owned(),
        public_key: hex::encode(key.public_key().as_bytes()),
        issuer,
    };
    let public_json = serde_json::to_vec_pretty(&public).map_err(CliError::json)?;
    outputs.write_pair(
        (path, &json, Access::Secret),
        (&public_path(path), &public_json, Access::Public),
    )
}

fn parse_key_file<T: serde::de::DeserializeOwned>(
    path: &Path,
    raw: &[u8],
    which: &str,
) -> Result<T, CliError> {
    serde_json::from_slice(raw).map_err(|_| {
        CliError::Input(format!(
            "{} is not a hawiya {which} key file",
            path.display()
        ))
    })
}

fn check_kind(path: &Path, found: &str, wanted: &str) -> Result<(), CliError> {
    if found == wanted {
        return Ok(());
    }
    Err(CliError::Input(format!(
        "{} holds a {found} key; a {wanted} key is needed",
        path.display()
    )))
}

fn read_secret_file(
    path: &Path,
    kind: &str,
) -> Result<(SecretKey, Option<IssuerProfile>), CliError> {
    let raw = Zeroizing::new(read(path, limit::KEY_FILE)?);
    let file: SecretKeyFile = parse_key_file(path, &raw, "secret")?;
    check_kind(path, &file.kind, kind)?;
    let bytes = Zeroizing::new(hex::decode(&file.secret_key).unwrap_or_default());
    let secret: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
        CliError::Input(format!(
            "{}: secret_key must be 32 bytes of hex",
            path.display()
        ))
    })?;
    let key = SecretKey::from_bytes(&secret);
    let mut secret = secret;
    zeroize::Zeroize::zeroize(&mut secret);
    let mut file = file;
    zeroize::Zeroize::zeroize(&mut file.secret_key);
    Ok((key, file.issuer))
}

/// Reads a secret key of the given kind.
pub fn read_secret_key(path: &Path, kind: &str) -> Result<SecretKey, CliError> {
    read_secret_file(path, kind).map(|(k, _)| k)
}

/// Reads an issuer secret key file into an [`Issuer`].
pub fn read_issuer(path: &Path) -> Result<Issuer, CliError> {
    let (key, profile) = read_secret_file(path, "issuer")?;
    let profile = profile
        .ok_or_else(|| CliError::Input(format!("{}: issuer profile missing", path.display())))?;
    let kid = hex_arg("kid", &profile.kid)?;
    Issuer::new(key, &kid, &profile.name, &profile.status_uri)
        .map_err(|e| CliError::Input(e.to_string()))
}

/// The root public key file (docs/FORMAT.md §2.1): exactly
/// `{"kind": "root", "public_key": "<64 lowercase hex digits>"}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RootKeyFile {
    kind: String,
    public_key: String,
}

/// Reads a root public key file, accepting exactly the format of
/// docs/FORMAT.md §2.1 and nothing else: at most 4096 bytes of UTF-8 JSON,
/// one object with the members `kind` (`"root"`) and `public_key` (64
/// lowercase hex digits of a valid Ed25519 key), no other or repeated member.
pub fn read_root_public_key(path: &Path) -> Result<PublicKey, CliError> {
    let bad = |what: &str| {
        CliError::Input(format!(
            "{}: not a root public key file ({what}; see docs/FORMAT.md §2.1)",
            path.display()
        ))
    };
    let raw = read(path, limit::ROOT_KEY_FILE)?;
    let file: RootKeyFile = serde_json::from_slice(&raw).map_err(|e| bad(&e.to_string()))?;
    if file.kind != "root" {
        return Err(bad(&format!("kind is {:?}, not \"root\"", file.kind)));
    }
    let hex_ok = file.public_key.len() == 64
        && file
            .public_key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !hex_ok {
        return Err(bad("public_key must be 64 lowercase hex digits"));
    }
    hex::decode(&file.public_key)
        .ok()
        .and_then(|b| PublicKey::from_bytes(&b).ok())
        .ok_or_else(|| bad("public_key is not a valid Ed25519 public key"))
}

/// Reads a public-key file of the given kind.
pub fn read_public_key(
    path: &Path,
    kind: &str,
) -> Result<(PublicKey, Option<IssuerProfile>), CliError> {
    let file: PublicKeyFile = parse_key_file(path, &read(path, limit::KEY_FILE)?, "public")?;
    check_kind(path, &file.kind, kind)?;
    let key = hex::decode(&file.public_key)
        .ok()
        .and_then(|b| PublicKey::from_bytes(&b).ok())
        .ok_or_else(|| {
            CliError::Input(format!(
                "{}: public_key is not an Ed25519 key",
                path.display()
            ))
        })?;
    Ok((key, file.issuer))
}

/// The verifier memory file: `{"trust_list_version": N, "recent": [[hex, unix_seconds], ...]}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemoryFile {
    trust_list_version: u64,
    recent: Vec<(String, i64)>,
}

/// Parses a verifier memory file's bytes; `None` (a new, empty file) is a
/// fresh verifier.
fn parse_verifier_memory(path: &Path, raw: Option<&[u8]>) -> Result<VerifierMemory, CliError> {
    let Some(raw) = raw else {
        return Ok(VerifierMemory::default());
    };
    let bad = || {
        CliError::Input(format!(
            "{} is not a hawiya verifier state file; move it away to start afresh",
            path.display()
        ))
    };
    let file: MemoryFile = serde_json::from_slice(raw).map_err(|_| bad())?;
    let mut recent = Vec::with_capacity(file.recent.len());
    for (hash, time) in file.recent {
        let hash: [u8; 32] = hex::decode(hash)
            .ok()
            .and_then(|h| h.try_into().ok())
            .ok_or_else(bad)?;
        recent.push((hash, time));
    }
    Ok(VerifierMemory {
        trust_list_version: file.trust_list_version,
        recent,
    })
}

/// Locks the verifier memory file `path` (see [`Outputs::lock_state`]) and
/// reads it; a missing or empty file is a fresh verifier.
pub fn lock_verifier_memory(
    inputs: &Outputs,
    path: &Path,
) -> Result<(LockedState, VerifierMemory), CliError> {
    let mut locked = inputs.lock_state("--state", path)?;
    let memory = parse_verifier_memory(path, locked.contents(limit::VERIFIER_STATE)?.as_deref())?;
    Ok((locked, memory))
}

/// Writes the verifier memory back and releases its lock.
pub fn save_verifier_memory(locked: LockedState, memory: &VerifierMemory) -> Result<(), CliError> {
    locked.save(&verifier_memory_bytes(memory)?, Access::Secret)
}

/// The verifier memory file's bytes.
fn verifier_memory_bytes(memory: &VerifierMemory) -> Result<Vec<u8>, CliError> {
    let file = MemoryFile {
        trust_list_version: memory.trust_list_version,
        recent: memory
            .recent
            .iter()
            .map(|(h, t)| (hex::encode(h), *t))
            .collect(),
    };
    serde_json::to_vec_pretty(&file).map_err(CliError::json)
}

/// Claims as an issuer operator writes them in JSON.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimsFile {
    document_type: String,
    document_number: String,
    document_version: u32,
    name_ar: String,
    name_en: String,
    birth_date: String,
    sex: String,
    nationality: String,
    place_of_birth: String,
    #[serde(default)]
    occupation: Option<String>,
    #[serde(default)]
    employer: Option<String>,
    issue_date: String,
    expiry_date: String,
}

/// Reads a claims JSON file (portrait from a separate file).
pub fn read_claims(path: &Path, portrait: Option<&Path>) -> Result<Claims, CliError> {
    let bad = |what: &str| CliError::Input(format!("{}: {what}", path.display()));
    let f: ClaimsFile = serde_json::from_slice(&read(path, limit::CLAIMS_FILE)?)
        .map_err(|e| bad(&format!("not a claims file ({e})")))?;
    let date = |field: &str, text: &str| -> Result<Date, CliError> {
        text.parse().map_err(|e| bad(&format!("{field}: {e}")))
    };
    Ok(Claims {
        document_type: match f.document_type.as_str() {
            "national_id" => DocumentType::NationalId,
            "resident_permit" => DocumentType::ResidentPermit,
            _ => return Err(bad("document_type must be national_id or resident_permit")),
        },
        document_number: f
            .document_number
            .parse()
            .map_err(|_| bad("document_number must be 10 digits"))?,
        document_version: f.document_version,
        name_ar: f.name_ar,
        name_en: f.name_en,
        birth_date: date("birth_date", &f.birth_date)?,
        sex: match f.sex.as_str() {
            "male" => Sex::Male,
            "female" => Sex::Female,
            _ => return Err(bad("sex must be male or female")),
        },
        nationality: f.nationality,
        place_of_birth: f.place_of_birth,
        occupation: f.occupation,
        employer: f.employer,
        issue_date: date("issue_date", &f.issue_date)?,
        expiry_date: date("expiry_date", &f.expiry_date)?,
        portrait: portrait.map(|p| read(p, limit::PORTRAIT)).transpose()?,
    })
}

/// Writes a claims JSON file for a document (the demo's sample input).
pub fn claims_json(c: &Claims) -> serde_json::Value {
    serde_json::json!({
        "document_type": match c.document_type {
            DocumentType::ResidentPermit => "resident_permit",
            _ => "national_id",
        },
        "document_number": c.document_number.to_string(),
        "document_version": c.document_version,
        "name_ar": c.name_ar,
        "name_en": c.name_en,
        "birth_date": c.birth_date.to_string(),
        "sex": if c.sex == Sex::Male { "male" } else { "female" },
        "nationality": c.nationality,
        "place_of_birth": c.place_of_birth,
        "occupation": c.occupation,
        "employer": c.employer,
        "issue_date": c.issue_date.to_string(),
        "expiry_date": c.expiry_date.to_string(),
    })
}

/// The root key that checks a trust list: `--root-key`, else `root.pub`
/// beside the list.
pub fn root_key_path(trust_list: &Path, root: Option<&Path>) -> PathBuf {
    match root {
        Some(root) => root.to_path_buf(),
        None => crate::output::folder_of(trust_list).join("root.pub"),
    }
}

/// Loads and checks the trust list against its pinned root key.
pub fn load_trust_list(path: &Path, root: Option<&Path>) -> Result<TrustList, CliError> {
    let root_path = &root_key_path(path, root);
    if !root_path.exists() {
        return Err(CliError::Usage(format!(
            "no root key to check the trust list with: {} does not exist; pass --root-key FILE",
            root_path.display()
        )));
    }
    let root_key = read_root_public_key(root_path)?;
    if root.is_none() {
        // Say where trust came from: a root key beside the list only protects
        // if that folder is as trusted as a pinned key.
        eprintln!(
            "hawiya: trust list checked with root key {} from {} (pin it with --root-key)",
            root_key.fingerprint(),
            root_path.display()
        );
    }
    TrustList::from_signed(&read(path, limit::TRUST_LIST)?, &root_key)
        .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
}
