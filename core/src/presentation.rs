//! A presentation: the claims the holder chose to show, the proof that the
//! issuer committed to them, and, for a phone-bound credential, the device's
//! signature over the phone's clock reading and, when the verifier showed
//! one, its challenge code. A print-only credential (the printed card's) is
//! shown as a static code, issuer-signed only. Its QR text is a versioned
//! prefix plus Base45, so the QR uses alphanumeric mode.
//!
//! The wire form carries a *compressed* credential: fields the verifier can
//! derive (issuer name and status address from the trust list, `nbf` = `iat`,
//! the COSE_Key frame, the commitment root) are left out and rebuilt, byte for
//! byte, before the issuer signature is checked (docs/FORMAT.md §6.3). A
//! dependent's credential adds the guardian's document number as an optional
//! field after the issuer signature.

use std::collections::BTreeMap;

use thiserror::Error;

use crate::base45;
use crate::cbor::{self, Value};
use crate::challenge::ChallengeCode;
use crate::claims::{ClaimKey, ClaimValue, DocumentType};
use crate::commitment::{self, EncodedClaims};
use crate::cose;
use crate::credential::{self, HeldCredential, FORMAT_VERSION};
use crate::date::{Clock, UnixTime};
use crate::error::FormatError;
use crate::keys::{DeviceSigner, KeyError, PublicKey, SIGNATURE_LEN};

/// QR text prefix: "HW", the format version, ":".
pub const QR_PREFIX: &str = "HW2:";
/// Longest QR text accepted (QR version 40-L alphanumeric capacity).
pub const MAX_QR_TEXT_LEN: usize = 4296;
const S: &str = "presentation";
/// Number of fields before the optional guardian and device part.
const BASE_FIELDS: usize = 11;

/// Which claims to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Disclosure {
    /// Every claim except the portrait.
    Full,
    /// Name in Arabic and English, document number and expiry date.
    Identity,
    /// Only whether the holder is 18 or over.
    AgeOver18,
    /// Only whether the holder is 21 or over.
    AgeOver21,
    /// Exactly these claims.
    Only(Vec<ClaimKey>),
}

impl Disclosure {
    /// The claim keys this disclosure shows for a document type.
    pub fn keys(&self, document: DocumentType) -> Vec<ClaimKey> {
        let mut keys = match self {
            Disclosure::Full => document
                .claim_keys()
                .iter()
                .copied()
                .filter(|k| *k != ClaimKey::Portrait)
                .collect(),
            Disclosure::Identity => {
                vec![
                    ClaimKey::DocumentNumber,
                    ClaimKey::NameAr,
                    ClaimKey::NameEn,
                    ClaimKey::ExpiryDate,
                ]
            }
            Disclosure::AgeOver18 => vec![ClaimKey::AgeOver18],
            Disclosure::AgeOver21 => vec![ClaimKey::AgeOver21],
            Disclosure::Only(keys) => keys.clone(),
        };
        keys.sort();
        keys.dedup();
        keys
    }
}

/// How a presentation is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Signed by the holder's device key over the phone's clock reading (and
    /// the verifier's challenge, when it showed one): a copy or screenshot
    /// goes stale within the verifier's freshness window.
    DeviceBound,
    /// Issuer-signed only: the static code of a print-only credential, as on
    /// the printed card. Lower assurance: anyone holding a copy can show it.
    Static,
}

/// Why a presentation could not be made.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PresentError {
    /// A requested claim is not part of this document type.
    #[error("{key} is not part of a {document}")]
    ClaimNotInDocument {
        /// The claim.
        key: ClaimKey,
        /// The document type's name.
        document: &'static str,
    },
    /// The signer's key is not the one the credential is bound to.
    #[error("this device key is not the one the credential is bound to")]
    DeviceKeyMismatch,
    /// Nothing to disclose.
    #[error("choose at least one claim to disclose")]
    EmptyDisclosure,
    /// A phone-bound credential was asked for a static code: it is shown
    /// only with its device signature.
    #[error("this credential is bound to a phone and is shown only with its device signature; a printable code comes from the document's print credential")]
    PhoneBound,
    /// A print-only credential was asked for a device-bound code: it has no
    /// device key.
    #[error("this is a print credential (the printed card's): it has no device key and is shown only as a static code")]
    PrintOnly,
    /// The device signer failed.
    #[error(transparent)]
    Signer(#[from] KeyError),
    /// The time is before 1970.
    #[error("presentation time is before 1970-01-01")]
    TimeBeforeEpoch,
}

/// A presentation ready to show as a QR code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presentation {
    bytes: Vec<u8>,
    mode: Mode,
    disclosed: Vec<ClaimKey>,
    disclosed_len: usize,
    presented_at: Option<UnixTime>,
    challenge: Option<ChallengeCode>,
}

impl Presentation {
    /// Makes a device-bound presentation of the chosen claims of a
    /// phone-bound credential, signed by `signer` at the time `clock` reads
    /// now, and over the verifier's `challenge` when it showed one. There is
    /// no way to sign for another time than the clock's: a code made for
    /// later would be a code someone could lend or steal.
    ///
    /// # Errors
    /// [`PresentError`] for an empty or foreign disclosure, a print-only
    /// credential, the wrong device key, a clock before 1970, or a failing
    /// signer.
    pub fn device_bound(
        held: &HeldCredential,
        disclosure: &Disclosure,
        signer: &dyn DeviceSigner,
        clock: &dyn Clock,
        challenge: Option<ChallengeCode>,
    ) -> Result<Presentation, PresentError> {
        let bound_to = held.info().device_key.ok_or(PresentError::PrintOnly)?;
        if signer.public_key() != bound_to {
            return Err(PresentError::DeviceKeyMismatch);
        }
        let (fields, disclosed, disclosed_len) = base_fields(held, disclosure)?;
        // Read the clock last, right before signing.
        let at = clock.now();
        let ts = u64::try_from(at.0).map_err(|_| PresentError::TimeBeforeEpoch)?;
        // Encode the common prefix once: the array head (12 items, 13 with a
        // guardian) and the fields before the device part, which follows.
        let mut bytes = Vec::with_capacity(512);
        cbor::array_head(fields.len() + 1, &mut bytes);
        for field in &fields {
            field.encode_into(&mut bytes);
        }
        let prefix_len = bytes.len();
        let challenge_value = challenge_to_cbor(challenge);
        let signed = device_signed_bytes(&bytes, ts, &challenge_value);
        let signature = signer.sign(&signed)?;
        bytes.truncate(prefix_len);
        Value::Array(vec![
            Value::Unsigned(ts),
            challenge_value,
            Value::bytes(&signature),
        ])
        .encode_into(&mut bytes);
        Ok(Presentation {
            bytes,
            mode: Mode::DeviceBound,
            disclosed,
            disclosed_len,
            presented_at: Some(at),
            challenge,
        })
    }

    /// Makes the static (issuer-signed only) presentation of a print-only
    /// credential: the code a printed card carries.
    ///
    /// # Errors
    /// [`PresentError::PhoneBound`] for a phone-bound credential, and
    /// [`PresentError`] for an empty or foreign disclosure.
    pub fn static_form(
        held: &HeldCredential,
        disclosure: &Disclosure,
    ) -> Result<Presentation, PresentError> {
        if !held.info().is_print_only() {
            return Err(PresentError::PhoneBound);
        }
        let (fields, disclosed, disclosed_len) = base_fields(held, disclosure)?;
        Ok(Presentation {
            bytes: Value::Array(fields).to_bytes(),
            mode: Mode::Static,
            disclosed,
            disclosed_len,
            presented_at: None,
            challenge: None,
        })
    }

    /// The CBOR bytes (what the QR carries, before Base45).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Device-bound or static.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The claims shown.
    pub fn disclosed(&self) -> &[ClaimKey] {
        &self.disclosed
    }

    /// When the phone signed it (its clock's reading), for a device-bound
    /// presentation.
    pub fn presented_at(&self) -> Option<UnixTime> {
        self.presented_at
    }

    /// The verifier's challenge code it answers, if any.
    pub fn challenge(&self) -> Option<ChallengeCode> {
        self.challenge
    }

    /// The floor no encoding of this presentation can go below: its
    /// signatures and device key (two signatures and the key if
    /// device-bound, one signature if static), the challenge code it
    /// answers (4 bytes), and each disclosed claim's encoded key and value. A
    /// dependent's guardian number is disclosed data too, so its encoded
    /// integer counts like a claim. `bytes().len()` divided by this is the
    /// format's overhead ratio.
    pub fn floor_len(&self) -> usize {
        let signed = match self.mode {
            Mode::DeviceBound => 2 * SIGNATURE_LEN + crate::keys::PUBLIC_KEY_LEN,
            Mode::Static => SIGNATURE_LEN,
        };
        // A challenge code is below 2^20 and fits in 4 bytes.
        let challenge = if self.challenge.is_some() { 4 } else { 0 };
        signed + challenge + self.disclosed_len
    }

    /// The QR text: `HW2:` followed by Base45.
    pub fn qr_text(&self) -> String {
        format!("{QR_PREFIX}{}", base45::encode(&self.bytes))
    }
}

/// The presentation fields before the device part (the guardian last, if
/// any), the disclosed keys, and the encoded size of the disclosed data.
type BaseFields = (Vec<Value>, Vec<ClaimKey>, usize);

fn base_fields(held: &HeldCredential, disclosure: &Disclosure) -> Result<BaseFields, PresentError> {
    let info = held.info();
    let doc = info.document_type;
    let tree = commitment::tree_for(doc);
    let keys = disclosure.keys(doc);
    if keys.is_empty() {
        return Err(PresentError::EmptyDisclosure);
    }
    if let Some(key) = keys.iter().find(|k| !commitment::contains(tree, **k)) {
        return Err(PresentError::ClaimNotInDocument {
            key: *key,
            document: doc.name_en(),
        });
    }
    let proof = held.tree_cache().prove(tree, &|k| keys.contains(&k));
    let claims: Vec<(Value, Value)> = keys
        .iter()
        .filter_map(|k| {
            held.claim(*k)
                .map(|v| (Value::Unsigned(k.code()), v.to_cbor()))
        })
        .collect();
    let guardian = info.guardian.map(Value::Unsigned);
    let disclosed_len = claims
        .iter()
        .map(|(k, v)| k.to_bytes().len() + v.to_bytes().len())
        .chain(guardian.iter().map(|g| g.to_bytes().len()))
        .sum();
    let mut fields = vec![
        Value::Unsigned(FORMAT_VERSION),
        Value::bytes(&info.kid),
        Value::Unsigned(info.issued_day),
        Value::Unsigned(info.expiry_day),
        Value::Unsigned(info.status_index),
        Value::Unsigned(doc.code()),
        Value::Unsigned(u64::from(info.document_version)),
        info.device_key
            .map_or(Value::Null, |key| Value::bytes(key.as_bytes())),
        Value::Map(claims),
        Value::Bytes(proof),
        Value::bytes(held.credential().signature()),
    ];
    fields.extend(guardian);
    Ok((fields, keys, disclosed_len))
}

/// The device part's challenge element: the code as an unsigned integer, or
/// `null` when the phone answered no challenge.
fn challenge_to_cbor(challenge: Option<ChallengeCode>) -> Value {
    challenge.map_or(Value::Null, |c| Value::Unsigned(u64::from(c.value())))
}

/// What the device signs: a COSE Sig_structure (protected `{1: -8}`) whose
/// payload is the presentation array with the device part `[ts, challenge]`.
/// `prefix` is the encoded array head and base fields.
fn device_signed_bytes(prefix: &[u8], ts: u64, challenge: &Value) -> Vec<u8> {
    let mut payload = Vec::with_capacity(prefix.len() + 16);
    payload.extend_from_slice(prefix);
    Value::Array(vec![Value::Unsigned(ts), challenge.clone()]).encode_into(&mut payload);
    cose::sig_structure(&cose::protected_header(None, None), &payload)
}

/// The device part of a parsed presentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DevicePart {
    pub ts: u64,
    pub challenge: Option<ChallengeCode>,
    pub signature: [u8; SIGNATURE_LEN],
    pub signed_bytes: Vec<u8>,
}

/// A presentation as read by a verifier, before any check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParsedPresentation {
    pub kid: Vec<u8>,
    pub issued_day: u64,
    pub expiry_day: u64,
    pub status_index: u64,
    pub document_type: DocumentType,
    pub document_version: u32,
    /// `None` for a print-only credential.
    pub device_key: Option<PublicKey>,
    pub claims: Vec<(ClaimKey, ClaimValue)>,
    pub encoded_claims: EncodedClaims,
    pub proof: Vec<u8>,
    pub issuer_signature: [u8; SIGNATURE_LEN],
    pub guardian: Option<u64>,
    pub device: Option<DevicePart>,
}

/// Most digits a version number in the QR prefix may have (docs/FORMAT.md §6.1).
const MAX_VERSION_DIGITS: usize = 9;

/// The day after 9999-12-31 as a day count: the largest `iat_day` or
/// `exp_day` a credential or presentation may carry (docs/FORMAT.md §6.2), so
/// `day × 86400` always fits a signed 64-bit number of seconds.
pub const MAX_DAY: u64 = 2_932_897;

/// Reads the version from `HW<digits>:` and returns the Base45 rest.
fn split_prefix(text: &str) -> Result<&str, FormatError> {
    let rest = text.strip_prefix("HW").ok_or(FormatError::Prefix)?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    // One spelling per version: 1 to 9 digits, no leading zero (so no
    // version 0 either).
    if digits == 0 || digits > MAX_VERSION_DIGITS || rest.starts_with('0') {
        return Err(FormatError::Prefix);
    }
    let version: u64 = rest[..digits].parse().map_err(|_| FormatError::Prefix)?;
    let body = rest[digits..]
        .strip_prefix(':')
        .ok_or(FormatError::Prefix)?;
    if version != FORMAT_VERSION {
        return Err(FormatError::UnsupportedVersion {
            structure: S,
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    Ok(body)
}

/// The QR text inside what a scanner or a text field delivered: one trailing
/// line ending (CR LF, LF or CR, as keyboard-wedge scanners and text files
/// add) is removed, nothing else (docs/FORMAT.md §6.1). Any other character
/// around the text stays, and makes it malformed.
pub fn qr_text_from_input(input: &str) -> &str {
    input
        .strip_suffix("\r\n")
        .or_else(|| input.strip_suffix('\n'))
        .or_else(|| input.strip_suffix('\r'))
        .unwrap_or(input)
}

/// Reads QR text into a presentation, refusing anything not in canonical form.
pub(crate) fn parse_qr_text(text: &str) -> Result<ParsedPresentation, FormatError> {
    if text.len() > MAX_QR_TEXT_LEN {
        return Err(FormatError::TooLarge {
            structure: "QR text",
            limit: MAX_QR_TEXT_LEN,
        });
    }
    let bytes = base45::decode(split_prefix(text)?)?;
    parse_bytes(&bytes)
}

/// Reads presentation bytes.
pub(crate) fn parse_bytes(bytes: &[u8]) -> Result<ParsedPresentation, FormatError> {
    let bad = |field| FormatError::field(S, field);
    let value = cbor::decode(bytes)?;
    let fields = value.as_array().ok_or(bad("array"))?;
    // The prefix already named the version; the array's first element must
    // say the same, or the structure is not the one the prefix announced.
    if fields.first().and_then(Value::as_u64) != Some(FORMAT_VERSION) {
        return Err(bad("format version (must be 2, as the prefix says)"));
    }
    let (base, rest) = fields
        .split_at_checked(BASE_FIELDS)
        .ok_or(bad("array length"))?;
    // After the base fields: an optional guardian (uint), then an optional
    // device part (array). The types tell a lone guardian from a device part.
    let (guardian, device) = match rest {
        [] => (None, None),
        [device @ Value::Array(_)] => (None, Some(device)),
        [guardian] => (Some(guardian), None),
        [guardian, device] => (Some(guardian), Some(device)),
        _ => return Err(bad("array length")),
    };
    let guardian = guardian
        .map(|g| credential::guardian_from_cbor(g).ok_or(bad(credential::GUARDIAN_FIELD)))
        .transpose()?;
    let [_, kid, iat, exp, status, doc_type, doc_version, device_key, claims, proof, issuer_sig] =
        base
    else {
        return Err(bad("array length"));
    };
    let document_type = doc_type
        .as_u64()
        .and_then(DocumentType::from_code)
        .ok_or(bad("document type"))?;
    let tree = commitment::tree_for(document_type);
    let claim_map = claims
        .as_map()
        .filter(|m| !m.is_empty())
        .ok_or(bad("claims"))?;
    let mut typed = Vec::with_capacity(claim_map.len());
    let mut encoded = BTreeMap::new();
    for (k, v) in claim_map {
        let key = k
            .as_u64()
            .and_then(ClaimKey::from_code)
            .filter(|k| commitment::contains(tree, *k))
            .ok_or(bad("claim key (not part of this document type)"))?;
        typed.push((
            key,
            ClaimValue::from_cbor(document_type, key, v).ok_or(bad("claim value"))?,
        ));
        encoded.insert(key, v.to_bytes());
    }
    // A phone-bound credential's device key, or null for a print-only one.
    let device_key = match device_key {
        Value::Null => None,
        key => Some(
            key.as_bytes()
                .and_then(|k| PublicKey::from_bytes(k).ok())
                .ok_or(bad("device key"))?,
        ),
    };
    let device = match device {
        None => None,
        Some(_) if device_key.is_none() => {
            return Err(bad(
                "device part (a print-only credential has no device key to sign with)",
            ))
        }
        Some(part) => {
            let [ts, challenge, sig] = part.as_array().ok_or(bad("device part"))? else {
                return Err(bad("device part"));
            };
            let ts_value = ts.as_u64().ok_or(bad("device timestamp"))?;
            let code = match challenge {
                Value::Null => None,
                Value::Unsigned(n) => Some(
                    u32::try_from(*n)
                        .ok()
                        .and_then(ChallengeCode::from_value)
                        .ok_or(bad("challenge code (100000 to 999999)"))?,
                ),
                _ => return Err(bad("challenge code (100000 to 999999)")),
            };
            Some(DevicePart {
                ts: ts_value,
                challenge: code,
                signature: sig
                    .as_bytes()
                    .and_then(|s| s.try_into().ok())
                    .ok_or(bad("device signature"))?,
                // Decoding was canonical, so the received bytes up to the
                // device part are exactly the signed prefix.
                signed_bytes: device_signed_bytes(
                    bytes
                        .get(..bytes.len().saturating_sub(part.to_bytes().len()))
                        .ok_or(bad("device part"))?,
                    ts_value,
                    challenge,
                ),
            })
        }
    };
    Ok(ParsedPresentation {
        kid: kid
            .as_bytes()
            .filter(|k| !k.is_empty() && k.len() <= crate::issuer::MAX_KID_LEN)
            .ok_or(bad("kid"))?
            .to_vec(),
        issued_day: iat
            .as_u64()
            .filter(|d| *d <= MAX_DAY)
            .ok_or(bad("issued day"))?,
        expiry_day: exp
            .as_u64()
            .filter(|d| *d <= MAX_DAY)
            .ok_or(bad("expiry day"))?,
        status_index: status.as_u64().ok_or(bad("status index"))?,
        document_type,
        document_version: doc_version
            .as_u64()
            .and_then(|v| u32::try_from(v).ok())
            .filter(|v| *v > 0)
            .ok_or(bad("document version"))?,
        device_key,
        claims: typed,
        encoded_claims: encoded,
        proof: proof.as_bytes().ok_or(bad("proof"))?.to_vec(),
        issuer_signature: issuer_sig
            .as_bytes()
            .and_then(|s| s.try_into().ok())
            .ok_or(bad("issuer signature"))?,
        guardian,
        device,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binding::BindingRequest;
    use crate::claims::tests::national_id;
    use crate::date::FixedClock;
    use crate::issuer::Issuer;
    use crate::keys::SecretKey;

    const GUARDIAN: u64 = 1_987_654_321;
    const AT: FixedClock = FixedClock(UnixTime(1_704_844_900));

    fn device() -> SecretKey {
        SecretKey::from_bytes(&[3; 32])
    }

    fn issuer() -> Issuer {
        Issuer::new(SecretKey::from_bytes(&[2; 32]), b"\x01", "T", "u").unwrap()
    }

    /// The print-only credentials of an ordinary document and a dependent's.
    fn printed() -> (HeldCredential, HeldCredential) {
        let at = UnixTime(1_704_844_800);
        let mut rng = rand_core::OsRng;
        let claims = national_id();
        (
            issuer()
                .issue_print(&claims, None, 9, at, &mut rng)
                .unwrap(),
            issuer()
                .issue_print(&claims, Some(GUARDIAN), 10, at, &mut rng)
                .unwrap(),
        )
    }

    /// An ordinary credential and a dependent's, both bound to `device()`.
    fn held() -> (HeldCredential, HeldCredential) {
        let issuer = issuer();
        let nonce = [4; 16];
        let binding = BindingRequest::new(&device(), &nonce)
            .unwrap()
            .check(&nonce)
            .unwrap();
        let at = UnixTime(1_704_844_800);
        let mut rng = rand_core::OsRng;
        let claims = national_id();
        let plain = issuer.issue(&claims, &binding, 5, at, &mut rng).unwrap();
        let dependent = issuer
            .issue_to_guardian(&claims, &binding, GUARDIAN, 6, at, &mut rng)
            .unwrap();
        (plain, dependent)
    }

    fn fields(p: &Presentation) -> Vec<Value> {
        cbor::decode(p.bytes())
            .unwrap()
            .as_array()
            .unwrap()
            .to_vec()
    }

    #[test]
    fn the_guardian_follows_the_issuer_signature_and_is_read_back() {
        let (plain, dependent) = held();
        let (plain_print, dependent_print) = printed();
        for (held, print, guardian) in [
            (&plain, &plain_print, None),
            (&dependent, &dependent_print, Some(GUARDIAN)),
        ] {
            let extra = usize::from(guardian.is_some());
            let printed = Presentation::static_form(print, &Disclosure::Full).unwrap();
            let bound =
                Presentation::device_bound(held, &Disclosure::Full, &device(), &AT, None).unwrap();
            assert_eq!(fields(&printed).len(), BASE_FIELDS + extra);
            assert_eq!(fields(&bound).len(), BASE_FIELDS + extra + 1);
            if let Some(g) = guardian {
                assert_eq!(fields(&printed)[BASE_FIELDS], Value::Unsigned(g));
                assert_eq!(fields(&bound)[BASE_FIELDS], Value::Unsigned(g));
            }
            for p in [&printed, &bound] {
                let parsed = parse_bytes(p.bytes()).unwrap();
                assert_eq!(parsed.guardian, guardian);
                assert_eq!(parsed.device.is_some(), p.mode() == Mode::DeviceBound);
            }
            // The device signature covers the guardian: it signs every byte
            // before the device part.
            let parsed = parse_bytes(bound.bytes()).unwrap();
            let device_part = parsed.device.unwrap();
            assert!(device()
                .public_key()
                .verify(&device_part.signed_bytes, &device_part.signature));
        }
        // The guardian's number (a 5-byte uint) counts in the floor as
        // disclosed data.
        let floor = |h| Presentation::static_form(h, &Disclosure::AgeOver18).unwrap();
        assert_eq!(
            floor(&dependent_print).floor_len(),
            floor(&plain_print).floor_len() + 5
        );
    }

    #[test]
    fn a_bad_guardian_field_or_order_is_refused() {
        let (_, dependent) = held();
        let bound = fields(
            &Presentation::device_bound(&dependent, &Disclosure::AgeOver18, &device(), &AT, None)
                .unwrap(),
        );
        let base = &bound[..BASE_FIELDS];
        let with = |rest: &[Value]| Value::Array([base, rest].concat()).to_bytes();
        let guardian_error = Err(FormatError::field(S, credential::GUARDIAN_FIELD));
        for bad in [
            Value::Unsigned(0),
            Value::Unsigned(123_456_789),
            Value::Unsigned(3_234_567_890),
            Value::Unsigned(19_876_543_210),
            Value::int(-1_987_654_321),
            Value::text("1987654321"),
            Value::bytes(b"1987654321"),
            Value::Null,
        ] {
            assert_eq!(
                parse_bytes(&with(std::slice::from_ref(&bad))),
                guardian_error,
                "{bad:?}"
            );
            assert_eq!(
                parse_bytes(&with(&[bad.clone(), bound[BASE_FIELDS + 1].clone()])),
                guardian_error,
                "{bad:?} before a device part"
            );
        }
        let guardian = bound[BASE_FIELDS].clone();
        let device_part = bound[BASE_FIELDS + 1].clone();
        // Device part before the guardian: not the layout.
        assert!(parse_bytes(&with(&[device_part.clone(), guardian.clone()])).is_err());
        // Two guardians, or a 14th element.
        assert!(parse_bytes(&with(&[guardian.clone(), guardian.clone()])).is_err());
        assert_eq!(
            parse_bytes(&with(&[guardian.clone(), device_part.clone(), Value::Null])),
            Err(FormatError::field(S, "array length"))
        );
        // The well-formed layouts parse.
        assert!(parse_bytes(&with(std::slice::from_ref(&guardian))).is_ok());
        assert!(parse_bytes(&with(&[guardian, device_part])).is_ok());
    }

    #[test]
    fn the_prefix_names_one_version_in_one_spelling() {
        let unsupported = |found| {
            Err(FormatError::UnsupportedVersion {
                structure: S,
                found,
                supported: FORMAT_VERSION,
            })
        };
        assert_eq!(split_prefix("HW2:ABC"), Ok("ABC"));
        assert_eq!(split_prefix("HW1:ABC"), unsupported(1));
        assert_eq!(split_prefix("HW3:ABC"), unsupported(3));
        assert_eq!(split_prefix("HW999999999:"), unsupported(999_999_999));
        for malformed in [
            "HW0:ABC",
            "HW00:",
            "HW02:ABC",
            "HW1000000000:ABC",
            "HW99999999999999999999999:ABC",
            "HW:ABC",
            "HW2ABC",
            "hw2:ABC",
            "Hw2:ABC",
            " HW2:ABC",
            "HW+2:ABC",
            "HW2 :ABC",
            "",
        ] {
            assert_eq!(
                split_prefix(malformed),
                Err(FormatError::Prefix),
                "{malformed:?}"
            );
        }
    }

    #[test]
    fn a_phone_credential_has_no_static_form_and_a_print_credential_no_device_form() {
        let (phone, _) = held();
        let (print, _) = printed();
        assert!(matches!(
            Presentation::static_form(&phone, &Disclosure::Full),
            Err(PresentError::PhoneBound)
        ));
        assert!(matches!(
            Presentation::device_bound(&print, &Disclosure::Full, &device(), &AT, None),
            Err(PresentError::PrintOnly)
        ));
        // The print credential's code carries null where a phone code has
        // the device key: 32 bytes fewer, and nothing to sign with.
        let code = Presentation::static_form(&print, &Disclosure::Full).unwrap();
        assert_eq!(fields(&code)[7], Value::Null);
        let parsed = parse_bytes(code.bytes()).unwrap();
        assert_eq!(parsed.device_key, None);
        assert_eq!(code.presented_at(), None);
    }

    #[test]
    fn a_device_part_on_a_print_credential_is_malformed() {
        let (phone, print) = (held().0, printed().0);
        let bound = fields(
            &Presentation::device_bound(&phone, &Disclosure::AgeOver18, &device(), &AT, None)
                .unwrap(),
        );
        let mut print_fields =
            fields(&Presentation::static_form(&print, &Disclosure::AgeOver18).unwrap());
        print_fields.push(bound[BASE_FIELDS].clone());
        let err = parse_bytes(&Value::Array(print_fields).to_bytes()).unwrap_err();
        assert!(err.to_string().contains("print-only"), "{err}");
    }

    #[test]
    fn the_phone_signs_at_its_clock_over_the_challenge_code() {
        let (phone, _) = held();
        let code = ChallengeCode::from_value(123_456).unwrap();
        let timed =
            Presentation::device_bound(&phone, &Disclosure::AgeOver18, &device(), &AT, None)
                .unwrap();
        let answered =
            Presentation::device_bound(&phone, &Disclosure::AgeOver18, &device(), &AT, Some(code))
                .unwrap();
        assert_eq!(answered.presented_at(), Some(AT.0));
        assert_eq!(answered.challenge(), Some(code));
        assert_eq!(timed.challenge(), None);
        // A code is a 5-byte unsigned integer where a timed code has null.
        assert_eq!(answered.bytes().len(), timed.bytes().len() + 4);
        assert_eq!(answered.floor_len(), timed.floor_len() + 4);
        let device_part = |p: &Presentation| fields(p)[BASE_FIELDS].clone();
        assert_eq!(
            device_part(&answered).as_array().unwrap()[..2],
            [Value::Unsigned(1_704_844_900), Value::Unsigned(123_456)]
        );
        let parsed = parse_bytes(answered.bytes()).unwrap().device.unwrap();
        assert_eq!(parsed.challenge, Some(code));
        assert!(device()
            .public_key()
            .verify(&parsed.signed_bytes, &parsed.signature));
        // The code is signed: another code in its place breaks the signature.
        let mut swapped = fields(&answered);
        let Value::Array(part) = &mut swapped[BASE_FIELDS] else {
            panic!("no device part")
        };
        part[1] = Value::Unsigned(654_321);
        let parsed = parse_bytes(&Value::Array(swapped).to_bytes())
            .unwrap()
            .device
            .unwrap();
        assert!(!device()
            .public_key()
            .verify(&parsed.signed_bytes, &parsed.signature));
    }

    #[test]
    fn a_challenge_element_outside_the_code_range_is_malformed() {
        let (phone, _) = held();
        let bound = fields(
            &Presentation::device_bound(&phone, &Disclosure::AgeOver18, &device(), &AT, None)
                .unwrap(),
        );
        for bad in [
            Value::Unsigned(99_999),
            Value::Unsigned(1_000_000),
            Value::Unsigned(u64::MAX),
            Value::int(-123_456),
            Value::text("123456"),
            Value::bytes(b"verifier-nonce-1"),
            Value::Bool(true),
        ] {
            let mut forged = bound.clone();
            let Value::Array(part) = &mut forged[BASE_FIELDS] else {
                panic!("no device part")
            };
            part[1] = bad.clone();
            let err = parse_bytes(&Value::Array(forged).to_bytes()).unwrap_err();
            assert!(err.to_string().contains("challenge code"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn the_first_element_must_repeat_the_prefixs_version() {
        let (plain, _) = printed();
        let good = fields(&Presentation::static_form(&plain, &Disclosure::AgeOver18).unwrap());
        for first in [
            Value::Unsigned(0),
            Value::Unsigned(1),
            Value::Unsigned(3),
            Value::int(-2),
            Value::text("2"),
        ] {
            let mut changed = good.clone();
            changed[0] = first.clone();
            assert_eq!(
                parse_bytes(&Value::Array(changed).to_bytes()),
                Err(FormatError::field(
                    S,
                    "format version (must be 2, as the prefix says)"
                )),
                "{first:?}"
            );
        }
        // Validity days past 9999-12-31 are malformed, so day × 86400 always fits.
        for (at, field) in [(2, "issued day"), (3, "expiry day")] {
            let mut changed = good.clone();
            changed[at] = Value::Unsigned(MAX_DAY + 1);
            assert_eq!(
                parse_bytes(&Value::Array(changed.clone()).to_bytes()),
                Err(FormatError::field(S, field))
            );
            changed[at] = Value::Unsigned(MAX_DAY);
            assert!(parse_bytes(&Value::Array(changed).to_bytes()).is_ok());
        }
    }

    #[test]
    fn one_line_ending_is_removed_from_scanner_input_and_nothing_else() {
        for (input, text) in [
            ("HW2:AB", "HW2:AB"),
            ("HW2:AB\n", "HW2:AB"),
            ("HW2:AB\r\n", "HW2:AB"),
            ("HW2:AB\r", "HW2:AB"),
            ("HW2:AB\n\n", "HW2:AB\n"),
            ("HW2:AB\n\r", "HW2:AB\n"),
            ("HW2:AB \n", "HW2:AB "),
            (" HW2:AB", " HW2:AB"),
            ("HW2:AB\t", "HW2:AB\t"),
            ("HW2:AB\u{a0}", "HW2:AB\u{a0}"),
        ] {
            assert_eq!(qr_text_from_input(input), text, "{input:?}");
        }
    }

    #[test]
    fn a_clock_before_1970_cannot_sign() {
        let (phone, _) = held();
        assert!(matches!(
            Presentation::device_bound(
                &phone,
                &Disclosure::Full,
                &device(),
                &FixedClock(UnixTime(-1)),
                None
            ),
            Err(PresentError::TimeBeforeEpoch)
        ));
    }
}
