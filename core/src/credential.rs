//! The issuer-signed credential: a CWT (RFC 8392) in a COSE_Sign1 (RFC 9052),
//! and the holder's copy of it with the claim values and disclosure seeds.
//!
//! The CWT carries only public facts and the 16-byte commitment root; claim
//! values reach a verifier only through a presentation. A credential is
//! either *phone-bound* (its `cnf` names the device key that must sign every
//! presentation) or *print-only* (no `cnf`: shown only as the static code of a
//! printed card). Which one is part of what the issuer signs, so a phone
//! code with its device signature removed is not a printed code.

use std::collections::BTreeMap;

use crate::cbor::{self, Value};
use crate::claims::{self, ClaimKey, ClaimValue, DocumentType};
use crate::commitment::{self, Chunk, Seeds, TreeCache, CHUNK_LEN, SEALED_COUNT};
use crate::cose::{self, Sign1};
use crate::date::{UnixTime, SECONDS_PER_DAY};
use crate::error::FormatError;
use crate::keys::PublicKey;
use crate::trust_list::TrustList;

/// Version of the credential and presentation formats this build reads and writes.
pub const FORMAT_VERSION: u64 = 2;

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
    /// The holder's device key (`cnf`) of a phone-bound credential, which
    /// must sign every presentation; `None` for a print-only credential (the
    /// printable card's), which is only ever shown as a static code.
    pub device_key: Option<PublicKey>,
    /// Root of the salted claim commitment.
    pub root: [u8; CHUNK_LEN],
    /// For a dependent's credential (e.g. a child's ID), the document number
    /// of the guardian whose device key is [`CredentialInfo::device_key`]:
    /// the guardian holds and presents it. `None` for an ordinary credential,
    /// bound to the subject's own device. Signed in the clear, so every
    /// verifier of the credential sees it. A valid document number of either
    /// type, like the `document_number` claim.
    pub guardian: Option<u64>,
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

    /// Whether this is a print-only credential (no device key): the
    /// printable card's, shown only as a static, issuer-signed code.
    pub fn is_print_only(&self) -> bool {
        self.device_key.is_none()
    }

    /// The encoded protected header: `{1: -8, 4: kid}`.
    pub(crate) fn protected(&self) -> Vec<u8> {
        cose::protected_header(Some(&self.kid), None)
    }

    /// The CWT claims set, deterministically encoded: with `cnf` for a
    /// phone-bound credential, without for a print-only one.
    ///
    /// Written straight to bytes (it is encoded at every issuance): every
    /// map's keys are written in canonical order (RFC 8949 §4.2.1: 1, 4, 5,
    /// 6, 8, 65535, -65537; `1, -1, -2`; `"idx"`, `"uri"`), which
    /// `payload_is_the_canonical_encoding` checks against the generic encoder.
    pub(crate) fn payload(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128 + self.issuer.len() + self.status_uri.len());
        let o = &mut out;
        cbor::map_head(if self.device_key.is_some() { 7 } else { 6 }, o);
        cbor::int_into(CWT_ISS, o);
        cbor::text_into(&self.issuer, o);
        cbor::int_into(CWT_EXP, o);
        cbor::int_into(self.expires_at().0, o);
        let iat = self.issued_at().0;
        cbor::int_into(CWT_NBF, o);
        cbor::int_into(iat, o);
        cbor::int_into(CWT_IAT, o);
        cbor::int_into(iat, o);
        if let Some(key) = &self.device_key {
            cbor::int_into(CWT_CNF, o);
            cbor::map_head(1, o);
            cbor::int_into(1, o); // COSE_Key
            cbor::map_head(3, o);
            cbor::int_into(1, o); // kty: OKP
            cbor::int_into(1, o);
            cbor::int_into(-1, o); // crv: Ed25519
            cbor::int_into(6, o);
            cbor::int_into(-2, o); // x
            cbor::bytes_into(key.as_bytes(), o);
        }
        cbor::int_into(CWT_STATUS, o);
        cbor::map_head(1, o);
        cbor::text_into("status_list", o);
        cbor::map_head(2, o);
        cbor::text_into("idx", o);
        cbor::int_into_unsigned(self.status_index, o);
        cbor::text_into("uri", o);
        cbor::text_into(&self.status_uri, o);
        cbor::int_into(CWT_HAWIYA, o);
        // Optional 5th element; absent for an ordinary credential, so those
        // encode exactly as before guardians existed.
        cbor::array_head(if self.guardian.is_some() { 5 } else { 4 }, o);
        cbor::int_into_unsigned(FORMAT_VERSION, o);
        cbor::int_into_unsigned(self.document_type.code(), o);
        cbor::int_into_unsigned(u64::from(self.document_version), o);
        cbor::bytes_into(&self.root, o);
        if let Some(guardian) = self.guardian {
            cbor::int_into_unsigned(guardian, o);
        }
        out
    }

    /// [`CredentialInfo::payload`] built as a value tree and encoded by the
    /// generic encoder, which sorts every map's keys.
    #[cfg(test)]
    fn payload_from_values(&self) -> Vec<u8> {
        let cnf = self.device_key.map(|key| {
            let cose_key = Value::Map(vec![
                (Value::int(1), Value::int(1)),  // kty: OKP
                (Value::int(-1), Value::int(6)), // crv: Ed25519
                (Value::int(-2), Value::bytes(key.as_bytes())),
            ]);
            (
                Value::int(CWT_CNF),
                Value::Map(vec![(Value::int(1), cose_key)]),
            )
        });
        let status = Value::Map(vec![(
            Value::text("status_list"),
            Value::Map(vec![
                (Value::text("idx"), Value::Unsigned(self.status_index)),
                (Value::text("uri"), Value::text(&self.status_uri)),
            ]),
        )]);
        let mut hawiya = vec![
            Value::Unsigned(FORMAT_VERSION),
            Value::Unsigned(self.document_type.code()),
            Value::Unsigned(u64::from(self.document_version)),
            Value::bytes(&self.root),
        ];
        // Optional 5th element; absent for an ordinary credential, so those
        // encode exactly as before guardians existed.
        if let Some(guardian) = self.guardian {
            hawiya.push(Value::Unsigned(guardian));
        }
        let iat = Value::int(self.issued_at().0);
        let mut entries = vec![
            (Value::int(CWT_ISS), Value::text(&self.issuer)),
            (Value::int(CWT_EXP), Value::int(self.expires_at().0)),
            (Value::int(CWT_NBF), iat.clone()),
            (Value::int(CWT_IAT), iat),
        ];
        entries.extend(cnf);
        entries.push((Value::int(CWT_STATUS), status));
        entries.push((Value::int(CWT_HAWIYA), Value::Array(hawiya)));
        Value::Map(entries).to_bytes()
    }

    /// Reads the CWT claims set of a credential.
    fn from_payload(kid: Vec<u8>, payload: &[u8]) -> Result<CredentialInfo, FormatError> {
        const S: &str = "credential";
        let bad = |field| FormatError::field(S, field);
        let map = cbor::decode(payload)?;
        let entries = map.as_map().ok_or(bad("claims set"))?;
        // Phone-bound: all seven entries; print-only: the same without cnf.
        let has_cnf = map.map_get(CWT_CNF).is_some();
        if entries.len() != if has_cnf { 7 } else { 6 } {
            return Err(bad(
                "claims set (exactly iss, exp, nbf, iat, status, hawiya, and cnf for a phone-bound credential)",
            ));
        }
        let day = |key, field| -> Result<u64, FormatError> {
            let secs = map.map_get(key).and_then(Value::as_i64).ok_or(bad(field))?;
            if secs < 0 || secs % SECONDS_PER_DAY != 0 {
                return Err(bad(field));
            }
            let day = (secs / SECONDS_PER_DAY) as u64;
            if day > crate::date::MAX_DAY {
                return Err(bad(field));
            }
            Ok(day)
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
        let device_key = map.map_get(CWT_CNF).map(device_key_from_cnf).transpose()?;
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
        let (version, doc_type, doc_version, root, guardian) = match hawiya {
            [version, doc_type, doc_version, root] => (version, doc_type, doc_version, root, None),
            [version, doc_type, doc_version, root, guardian] => {
                (version, doc_type, doc_version, root, Some(guardian))
            }
            _ => return Err(bad("hawiya claim")),
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
            guardian: guardian
                .map(|g| guardian_from_cbor(g).ok_or(bad(GUARDIAN_FIELD)))
                .transpose()?,
        };
        Ok(info)
    }
}

/// Reads `cnf`: exactly `{1: COSE_Key}` with an OKP Ed25519 key (RFC 8747).
fn device_key_from_cnf(cnf: &Value) -> Result<PublicKey, FormatError> {
    let bad = |field| FormatError::field("credential", field);
    let cose_key = match cnf.as_map() {
        Some([(Value::Unsigned(1), key)]) => key,
        _ => return Err(bad("cnf (must be exactly {1: COSE_Key})")),
    };
    if cose_key.as_map().map(<[_]>::len) != Some(3)
        || cose_key.map_get(1).and_then(Value::as_u64) != Some(1)
        || cose_key.map_get(-1).and_then(Value::as_u64) != Some(6)
    {
        return Err(bad("cnf (must be an OKP Ed25519 COSE_Key)"));
    }
    cose_key
        .map_get(-2)
        .and_then(Value::as_bytes)
        .and_then(|x| PublicKey::from_bytes(x).ok())
        .ok_or(bad("cnf key"))
}

/// How a decoder names a bad guardian element.
pub(crate) const GUARDIAN_FIELD: &str =
    "guardian (the guardian's 10-digit document number as an unsigned integer)";

/// Reads a guardian element: an unsigned integer that is a valid document
/// number (the same check as the `document_number` claim's).
pub(crate) fn guardian_from_cbor(value: &Value) -> Option<u64> {
    value.as_u64().filter(|&n| claims::is_document_number(n))
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
            .filter(|k| !k.is_empty() && k.len() <= cose::MAX_KID_LEN)
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
        let document = credential.info().document_type;
        let mut values = BTreeMap::new();
        for (k, v) in claims.as_map().ok_or(bad("claims"))? {
            let key = k
                .as_u64()
                .and_then(ClaimKey::from_code)
                .ok_or(bad("claim key"))?;
            values.insert(
                key,
                ClaimValue::from_cbor(document, key, v).ok_or(bad("claim value"))?,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;

    fn info(guardian: Option<u64>) -> CredentialInfo {
        CredentialInfo {
            kid: vec![1],
            issuer: "Test National ID Authority".into(),
            issued_day: 19_732,
            expiry_day: 23_384,
            status_index: 5,
            status_uri: "https://status.example/1".into(),
            document_type: DocumentType::NationalId,
            document_version: 1,
            device_key: Some(SecretKey::from_bytes(&[3; 32]).public_key()),
            root: [7; CHUNK_LEN],
            guardian,
        }
    }

    fn signed(protected: Vec<u8>, payload: Vec<u8>) -> Vec<u8> {
        Sign1::sign(protected, payload, &SecretKey::from_bytes(&[2; 32])).to_bytes()
    }

    /// The payload of `info` with the hawiya claim's array replaced by `elements`.
    fn with_hawiya(info: &CredentialInfo, elements: &[Value]) -> Vec<u8> {
        let Ok(Value::Map(entries)) = cbor::decode(&info.payload()) else {
            panic!("payload is not a map")
        };
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    if k == Value::int(CWT_HAWIYA) {
                        (k, Value::Array(elements.to_vec()))
                    } else {
                        (k, v)
                    }
                })
                .collect(),
        )
        .to_bytes()
    }

    fn four_elements() -> Vec<Value> {
        vec![
            Value::Unsigned(FORMAT_VERSION),
            Value::Unsigned(1),
            Value::Unsigned(1),
            Value::bytes(&[7; CHUNK_LEN]),
        ]
    }

    #[test]
    fn payload_is_the_canonical_encoding() {
        let key = SecretKey::from_bytes(&[3; 32]).public_key();
        for device_key in [Some(key), None] {
            for guardian in [None, Some(1_234_567_890)] {
                for (status_index, issued_day) in
                    [(0, 0), (23, 1), (24, 19_732), (u64::MAX, 2_932_896)]
                {
                    let info = CredentialInfo {
                        device_key,
                        guardian,
                        status_index,
                        issued_day,
                        status_uri: "u".repeat(status_index.min(300) as usize),
                        ..info(None)
                    };
                    let payload = info.payload();
                    assert_eq!(payload, info.payload_from_values());
                    // The decoder accepts only canonical CBOR.
                    assert_eq!(cbor::decode(&payload).unwrap().to_bytes(), payload);
                }
            }
        }
    }

    #[test]
    fn round_trips_with_and_without_a_guardian() {
        for guardian in [None, Some(1_234_567_890), Some(2_345_678_901)] {
            let info = info(guardian);
            let bytes = signed(info.protected(), info.payload());
            let credential = Credential::from_bytes(&bytes).unwrap();
            assert_eq!(credential.info(), &info);
            assert_eq!(credential.to_bytes(), bytes);
        }
    }

    #[test]
    fn a_print_only_credential_has_no_cnf_and_says_so_under_the_signature() {
        let phone = info(None);
        let print = CredentialInfo {
            device_key: None,
            ..info(None)
        };
        assert!(!phone.is_print_only());
        assert!(print.is_print_only());
        let print_payload = print.payload();
        let entries = |payload: &[u8]| cbor::decode(payload).unwrap().as_map().unwrap().len();
        assert_eq!(entries(&phone.payload()), 7);
        assert_eq!(entries(&print_payload), 6);
        assert!(cbor::decode(&print_payload)
            .unwrap()
            .map_get(CWT_CNF)
            .is_none());
        for info in [&phone, &print] {
            let bytes = signed(info.protected(), info.payload());
            let read = Credential::from_bytes(&bytes).unwrap();
            assert_eq!(read.info(), info);
            assert_eq!(read.to_bytes(), bytes);
        }
        // The two kinds sign different bytes: a signature over one never
        // verifies as the other, so neither can be turned into the other.
        let key = SecretKey::from_bytes(&[2; 32]);
        let phone_sign1 = Sign1::sign(phone.protected(), phone.payload(), &key);
        let as_print = Sign1 {
            payload: print_payload,
            ..phone_sign1.clone()
        };
        assert!(phone_sign1.verify(&key.public_key()));
        assert!(!as_print.verify(&key.public_key()));
    }

    #[test]
    fn cnf_must_be_exactly_one_ed25519_cose_key() {
        let base = info(None);
        let Ok(Value::Map(entries)) = cbor::decode(&base.payload()) else {
            panic!("payload is not a map")
        };
        let key = Value::bytes(SecretKey::from_bytes(&[3; 32]).public_key().as_bytes());
        let okp = |x: Value| {
            Value::Map(vec![
                (Value::int(1), Value::int(1)),
                (Value::int(-1), Value::int(6)),
                (Value::int(-2), x),
            ])
        };
        let bad_cnfs = [
            Value::Map(vec![]),
            Value::Map(vec![
                (Value::int(1), okp(key.clone())),
                (Value::int(2), Value::Null),
            ]),
            Value::Map(vec![(Value::int(3), okp(key.clone()))]),
            Value::Map(vec![(Value::int(1), okp(Value::bytes(&[0; 31])))]),
            Value::Null,
        ];
        for cnf in bad_cnfs {
            let payload = Value::Map(
                entries
                    .iter()
                    .cloned()
                    .map(|(k, v)| {
                        if k == Value::int(CWT_CNF) {
                            (k, cnf.clone())
                        } else {
                            (k, v)
                        }
                    })
                    .collect(),
            )
            .to_bytes();
            assert!(
                Credential::from_bytes(&signed(base.protected(), payload)).is_err(),
                "{cnf:?}"
            );
        }
    }

    #[test]
    fn the_guardian_is_an_optional_fifth_element_of_the_hawiya_claim() {
        let plain = info(None).payload();
        let dependent = info(Some(1_234_567_890)).payload();
        // Without a guardian: array(4), exactly as before guardians existed.
        let four = [&[0x84, 0x02, 0x01, 0x01, 0x50][..], &[7; CHUNK_LEN]].concat();
        assert!(plain.ends_with(&four));
        assert_eq!(with_hawiya(&info(None), &four_elements()), plain);
        // With one: array(5), the number as a 4-byte unsigned integer
        // (1234567890 = 0x499602d2), as the `document_number` claim encodes.
        let five = [
            &[0x85, 0x02, 0x01, 0x01, 0x50][..],
            &[7; CHUNK_LEN],
            &[0x1a, 0x49, 0x96, 0x02, 0xd2],
        ]
        .concat();
        assert!(dependent.ends_with(&five));
        assert_eq!(dependent.len(), plain.len() + 5);
        assert_eq!(
            &five[five.len() - 5..],
            ClaimValue::Number(1_234_567_890).to_cbor().to_bytes()
        );
    }

    #[test]
    fn a_bad_guardian_element_is_refused() {
        let base = info(None);
        let bad_guardians = [
            Value::Unsigned(0),
            Value::Unsigned(123_456_789),
            Value::Unsigned(12_345_678_901),
            Value::Unsigned(3_234_567_890),
            Value::Unsigned(u64::MAX),
            Value::int(-1_234_567_890),
            Value::text("1234567890"),
            Value::bytes(b"1234567890"),
            Value::Null,
            Value::Array(vec![Value::Unsigned(1_234_567_890)]),
        ];
        for guardian in bad_guardians {
            let mut elements = four_elements();
            elements.push(guardian.clone());
            let bytes = signed(base.protected(), with_hawiya(&base, &elements));
            assert_eq!(
                Credential::from_bytes(&bytes),
                Err(FormatError::field("credential", GUARDIAN_FIELD)),
                "{guardian:?}"
            );
        }
        // Exactly 4 or 5 elements.
        let mut six = four_elements();
        six.extend([
            Value::Unsigned(1_234_567_890),
            Value::Unsigned(2_345_678_901),
        ]);
        for elements in [&four_elements()[..3], &six[..]] {
            let bytes = signed(base.protected(), with_hawiya(&base, elements));
            assert_eq!(
                Credential::from_bytes(&bytes),
                Err(FormatError::field("credential", "hawiya claim")),
                "{} elements",
                elements.len()
            );
        }
        // The same construction with a valid number is accepted.
        let mut five = four_elements();
        five.push(Value::Unsigned(2_345_678_901));
        let bytes = signed(base.protected(), with_hawiya(&base, &five));
        let read = Credential::from_bytes(&bytes).unwrap();
        assert_eq!(read.info().guardian, Some(2_345_678_901));
    }
}
