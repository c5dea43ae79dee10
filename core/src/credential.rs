//! The issuer-signed credential: a CWT (RFC 8392) in a COSE_Sign1 (RFC 9052),
//! and the holder's copy of it with the claim values and disclosure seeds.
//!
//! The CWT carries only public facts and the 16-byte commitment root; claim
//! values reach a verifier only through a presentation.

use std::collections::BTreeMap;

use crate::cbor::{self, Value};
use crate::claims::{ClaimKey, ClaimValue, DocumentType};
use crate::commitment::{self, Chunk, Seeds, TreeCache, CHUNK_LEN, SEALED_COUNT};
use crate::cose::{self, Sign1};
use crate::date::{UnixTime, SECONDS_PER_DAY};
use crate::error::FormatError;
use crate::keys::PublicKey;
use crate::trust_list::TrustList;

/// Version of the credential and presentation formats this build reads and writes.
pub const FORMAT_VERSION: u64 = 1;

/// CWT claim keys (IANA "CBOR Web Token (CWT) Claims").
const CWT_ISS: i64 = 1;
const CWT_EXP: i64 = 4;
const CWT_NBF: i64 = 5;
const CWT_IAT: i64 = 6;
const CWT_CNF: i64 = 8;
const CWT_STATUS: i64 = 65535;
/// Private-use claim holding hawiya's document facts and commitment root.
pub(crate) const CWT_HAWIYA: i64 = -65537;

/// Largest credential accepted, in bytes (the CWT has no claim values).
const MAX_CREDENTIAL_BYTES: usize = 4096;

/// The first second of a day count, saturating far outside any real date.
fn day_start(day: u64) -> UnixTime {
    UnixTime(
        i64::try_from(day)
            .unwrap_or(i64::MAX)
            .saturating_mul(SECONDS_PER_DAY),
    )
}

/// The public, issuer-signed facts of a credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialInfo {
    /// Issuer key id (COSE `kid`).
    pub kid: Vec<u8>,
    /// Issuer name (CWT `iss`), as in the trust list.
    pub issuer: String,
    /// Day of issuance since 1970-01-01; `iat` and `nbf` are its first second.
    pub issued_day: u64,
    /// First day no longer valid; `exp` is its first second.
    pub expiry_day: u64,
    /// Index of this credential in its issuer's status list.
    pub status_index: u64,
    /// Address of the status list, as in the trust list.
    pub status_uri: String,
    /// National ID or resident permit.
    pub document_type: DocumentType,
    /// Version of the document; renewals are higher.
    pub document_version: u32,
    /// The holder's device key (`cnf`).
    pub device_key: PublicKey,
    /// Root of the salted claim commitment.
    pub root: [u8; CHUNK_LEN],
}

impl CredentialInfo {
    /// When the credential was issued (`iat`, also `nbf`).
    pub fn issued_at(&self) -> UnixTime {
        day_start(self.issued_day)
    }

    /// When the credential stops being valid (`exp`).
    pub fn expires_at(&self) -> UnixTime {
        day_start(self.expiry_day)
    }

    /// The encoded protected header: `{1: -8, 4: kid}`.
    pub(crate) fn protected(&self) -> Vec<u8> {
        cose::protected_header(Some(&self.kid), None)
    }

    /// The CWT claims set, deterministically encoded.
    pub(crate) fn payload(&self) -> Vec<u8> {
        let cose_key = Value::Map(vec![
            (Value::int(1), Value::int(1)),  // kty: OKP
            (Value::int(-1), Value::int(6)), // crv: Ed25519
            (Value::int(-2), Value::bytes(self.device_key.as_bytes())),
        ]);
        let status = Value::Map(vec![(
            Value::text("status_list"),
            Value::Map(vec![
                (Value::text("idx"), Value::Unsigned(self.status_index)),
                (Value::text("uri"), Value::text(&self.status_uri)),
            ]),
        )]);
        let hawiya = Value::Array(vec![
            Value::Unsigned(FORMAT_VERSION),
            Value::Unsigned(self.document_type.code()),
            Value::Unsigned(u64::from(self.document_version)),
            Value::bytes(&self.root),
        ]);
        let iat = Value::int(self.issued_at().0);
        Value::Map(vec![
            (Value::int(CWT_ISS), Value::text(&self.issuer)),
            (Value::int(CWT_EXP), Value::int(self.expires_at().0)),
            (Value::int(CWT_NBF), iat.clone()),
            (Value::int(CWT_IAT), iat),
            (
                Value::int(CWT_CNF),
                Value::Map(vec![(Value::int(1), cose_key)]),
            ),
            (Value::int(CWT_STATUS), status),
            (Value::int(CWT_HAWIYA), hawiya),
        ])
        .to_bytes()
    }

    /// Reads the CWT claims set of a credential.
    fn from_payload(kid: Vec<u8>, payload: &[u8]) -> Result<CredentialInfo, FormatError> {
        const S: &str = "credential";
        let bad = |field| FormatError::field(S, field);
        let map = cbor::decode(payload)?;
        let entries = map.as_map().ok_or(bad("claims set"))?;
        if entries.len() != 7 {
            return Err(bad(
                "claims set (exactly iss, exp, nbf, iat, cnf, status, hawiya)",
            ));
        }
        let day = |key, field| -> Result<u64, FormatError> {
            let secs = map.map_get(key).and_then(Value::as_i64).ok_or(bad(field))?;
            if secs < 0 || secs % SECONDS_PER_DAY != 0 {
                return Err(bad(field));
            }
            Ok((secs / SECONDS_PER_DAY) as u64)
        };
        let issued_day = day(CWT_IAT, "iat")?;
        if day(CWT_NBF, "nbf")? != issued_day {
            return Err(bad("nbf"));
        }
        let expiry_day = day(CWT_EXP, "exp")?;
        let issuer = map
            .map_get(CWT_ISS)
            .and_then(Value::as_text)
            .ok_or(bad("iss"))?
            .to_owned();
        let cose_key = map
            .map_get(CWT_CNF)
            .and_then(|c| c.map_get(1))
            .ok_or(bad("cnf"))?;
        if cose_key.as_map().map(<[_]>::len) != Some(3)
            || cose_key.map_get(1).and_then(Value::as_u64) != Some(1)
            || cose_key.map_get(-1).and_then(Value::as_u64) != Some(6)
        {
            return Err(bad("cnf (must be an OKP Ed25519 COSE_Key)"));
        }
        let device_key = cose_key
            .map_get(-2)
            .and_then(Value::as_bytes)
            .and_then(|x| PublicKey::from_bytes(x).ok())
            .ok_or(bad("cnf key"))?;
        let status_list = map
            .map_get(CWT_STATUS)
            .and_then(Value::as_map)
            .and_then(|m| match m {
                [(Value::Text(k), v)] if k == "status_list" => v.as_map(),
                _ => None,
            })
            .ok_or(bad("status"))?;
        let (status_index, status_uri) = match status_list {
            [(Value::Text(i), Value::Unsigned(idx)), (Value::Text(u), Value::Text(uri))]
                if i == "idx" && u == "uri" =>
            {
                (*idx, uri.clone())
            }
            _ => return Err(bad("status")),
        };
        let hawiya = map
            .map_get(CWT_HAWIYA)
            .and_then(Value::as_array)
            .ok_or(bad("hawiya claim"))?;
        let [version, doc_type, doc_version, root] = hawiya else {
            return Err(bad("hawiya claim"));
        };
        let version = version.as_u64().ok_or(bad("format version"))?;
        if version != FORMAT_VERSION {
            return Err(FormatError::UnsupportedVersion {
                structure: S,
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let info = CredentialInfo {
            kid,
            issuer,
            issued_day,
            expiry_day,
            status_index,
            status_uri,
            document_type: doc_type
                .as_u64()
                .and_then(DocumentType::from_code)
                .ok_or(bad("document type"))?,
            document_version: doc_version
                .as_u64()
                .and_then(|v| u32::try_from(v).ok())
                .filter(|v| *v > 0)
                .ok_or(bad("document version"))?,
            device_key,
            root: root
                .as_bytes()
                .and_then(|r| r.try_into().ok())
                .ok_or(bad("commitment root"))?,
        };
        Ok(info)
    }
}

/// An issuer-signed credential as it travels: COSE_Sign1 bytes and what they say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    pub(crate) sign1: Sign1,
    info: CredentialInfo,
}

impl Credential {
    pub(crate) fn new(sign1: Sign1, info: CredentialInfo) -> Credential {
        Credential { sign1, info }
    }

    /// Reads a tagged COSE_Sign1 credential. Does not check the signature.
    ///
    /// # Errors
    /// [`FormatError`] if the bytes are not a hawiya credential.
    pub fn from_bytes(bytes: &[u8]) -> Result<Credential, FormatError> {
        if bytes.len() > MAX_CREDENTIAL_BYTES {
            return Err(FormatError::TooLarge {
                structure: "credential",
                limit: MAX_CREDENTIAL_BYTES,
            });
        }
        let sign1 = Sign1::from_bytes(bytes, "credential", None)?;
        let kid = sign1
            .kid()
            .filter(|k| !k.is_empty() && k.len() <= crate::issuer::MAX_KID_LEN)
            .ok_or(FormatError::field("credential", "kid (1 to 16 bytes)"))?;
        let info = CredentialInfo::from_payload(kid, &sign1.payload)?;
        if sign1.protected != info.protected() {
            return Err(FormatError::field(
                "credential",
                "protected header (must be exactly alg and kid)",
            ));
        }
        Ok(Credential { sign1, info })
    }

    /// The tagged COSE_Sign1 encoding.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.sign1.to_bytes()
    }

    /// The public facts the issuer signed.
    pub fn info(&self) -> &CredentialInfo {
        &self.info
    }

    /// The issuer's Ed25519 signature.
    pub fn signature(&self) -> &[u8; 64] {
        &self.sign1.signature
    }

    /// Checks the issuer signature against the trust list (key known, name and
    /// status address as listed). Validity windows are the verifier's business.
    pub fn is_signed_by_trusted_issuer(&self, trust: &TrustList) -> bool {
        trust.issuer(&self.info.kid).is_some_and(|entry| {
            entry.name == self.info.issuer
                && entry.status_uri == self.info.status_uri
                && self.sign1.verify(&entry.public_key)
        })
    }
}

/// The holder's copy of a credential: the signed credential, every claim
/// value and the disclosure seeds. Secret: stored encrypted by the wallet,
/// never sent whole to a verifier.
#[derive(Clone, PartialEq, Eq)]
pub struct HeldCredential {
    credential: Credential,
    claims: BTreeMap<ClaimKey, ClaimValue>,
    seeds: Seeds,
    tree: TreeCache,
}

impl std::fmt::Debug for HeldCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeldCredential")
            .field("info", self.credential.info())
            .field("claims", &"redacted")
            .finish()
    }
}

const HELD_STRUCTURE: &str = "held credential";

impl HeldCredential {
    /// Assembles a held credential, checking the claims and seeds produce the
    /// signed commitment root.
    ///
    /// # Errors
    /// [`FormatError`] if a claim is missing, extra or of the wrong type, or the
    /// values do not match the signed root.
    pub(crate) fn new(
        credential: Credential,
        claims: BTreeMap<ClaimKey, ClaimValue>,
        seeds: Seeds,
    ) -> Result<HeldCredential, FormatError> {
        let bad = |field| FormatError::field(HELD_STRUCTURE, field);
        let doc = credential.info().document_type;
        if claims.keys().copied().ne(doc.claim_keys().iter().copied()) {
            return Err(bad("claims (not the set this document type carries)"));
        }
        let tree = TreeCache::build(commitment::tree_for(doc), &claims, &seeds);
        if tree.root() != credential.info().root {
            return Err(bad("claims (do not match the signed commitment)"));
        }
        Ok(HeldCredential {
            credential,
            claims,
            seeds,
            tree,
        })
    }

    /// Assembles a held credential the issuer just signed over `tree`'s root.
    pub(crate) fn issued(
        credential: Credential,
        claims: BTreeMap<ClaimKey, ClaimValue>,
        seeds: Seeds,
        tree: TreeCache,
    ) -> HeldCredential {
        HeldCredential {
            credential,
            claims,
            seeds,
            tree,
        }
    }

    /// The signed credential.
    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The public facts of the credential.
    pub fn info(&self) -> &CredentialInfo {
        self.credential.info()
    }

    /// Every claim value, by key.
    pub fn claims(&self) -> &BTreeMap<ClaimKey, ClaimValue> {
        &self.claims
    }

    /// One claim value.
    pub fn claim(&self, key: ClaimKey) -> Option<&ClaimValue> {
        self.claims.get(&key)
    }

    /// The cached commitment tree, for making proofs.
    pub(crate) fn tree_cache(&self) -> &TreeCache {
        &self.tree
    }

    /// The storage encoding: `[1, credential, {key: value}, root_seed, [sealed_seed]]`.
    /// It holds secrets: keep it encrypted or in a file only the holder reads.
    pub fn to_bytes(&self) -> Vec<u8> {
        Value::Array(vec![
            Value::Unsigned(FORMAT_VERSION),
            Value::Bytes(self.credential.to_bytes()),
            Value::Map(
                self.claims
                    .iter()
                    .map(|(k, v)| (Value::Unsigned(k.code()), v.to_cbor()))
                    .collect(),
            ),
            Value::bytes(&self.seeds.root),
            Value::Array(self.seeds.sealed.iter().map(|s| Value::bytes(s)).collect()),
        ])
        .to_bytes()
    }

    /// Reads the storage encoding, checking it is consistent.
    ///
    /// # Errors
    /// [`FormatError`] if the bytes are not a held credential or do not match
    /// their signed commitment.
    pub fn from_bytes(bytes: &[u8]) -> Result<HeldCredential, FormatError> {
        let bad = |field| FormatError::field(HELD_STRUCTURE, field);
        let value = cbor::decode(bytes)?;
        let [version, credential, claims, root, sealed] = value.as_array().ok_or(bad("array"))?
        else {
            return Err(bad("array"));
        };
        match version.as_u64() {
            Some(FORMAT_VERSION) => {}
            Some(found) => {
                return Err(FormatError::UnsupportedVersion {
                    structure: HELD_STRUCTURE,
                    found,
                    supported: FORMAT_VERSION,
                })
            }
            None => return Err(bad("version")),
        }
        let credential = Credential::from_bytes(credential.as_bytes().ok_or(bad("credential"))?)?;
        let mut values = BTreeMap::new();
        for (k, v) in claims.as_map().ok_or(bad("claims"))? {
            let key = k
                .as_u64()
                .and_then(ClaimKey::from_code)
                .ok_or(bad("claim key"))?;
            values.insert(
                key,
                ClaimValue::from_cbor(key, v).ok_or(bad("claim value"))?,
            );
        }
        let chunk = |v: &Value| -> Option<Chunk> { v.as_bytes().and_then(|b| b.try_into().ok()) };
        let sealed = sealed.as_array().ok_or(bad("sealed seeds"))?;
        if sealed.len() != SEALED_COUNT {
            return Err(bad("sealed seeds"));
        }
        let mut seeds = Seeds {
            root: chunk(root).ok_or(bad("root seed"))?,
            sealed: [[0; CHUNK_LEN]; SEALED_COUNT],
        };
        for (slot, v) in seeds.sealed.iter_mut().zip(sealed) {
            *slot = chunk(v).ok_or(bad("sealed seed"))?;
        }
        HeldCredential::new(credential, values, seeds)
    }
}
