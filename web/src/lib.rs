//! hawiya-web: the browser verifier. hawiya-core's offline [`Verifier`]
//! compiled to WebAssembly for the static page in `web/`: verification only
//! (no wallet, no SQLite, no rendering).
//!
//! The page owns storage (IndexedDB) and the clock: every call that needs
//! the time takes it from JavaScript (`Date.now()`), in Unix seconds. Results
//! cross the boundary as JSON text with the fields of `hawiya verify --json`
//! (docs/verdict.schema.json), plus what a screen needs (claim labels in
//! Arabic and English).

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hawiya_core::{
    decode_rgba_with, qr_text_from_input, Assurance, Challenge, ClaimKey, ClaimValue, DocumentType,
    EccLevel, Mode, Policy, PublicKey, QrMatrix, ScanLimits, SignedStatusList, TrustList, UnixTime,
    Verdict, Verifier, VerifierMemory, Warning,
};
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

/// Most pixels of one camera frame or chosen photo searched for a code
/// (a 12-megapixel photo; the page scales larger ones down first).
pub const MAX_FRAME_PIXELS: u64 = 12_000_000;

/// Why the page could not do what it was asked (not a verdict: a verdict is
/// always a result). Its message says what went wrong and what to do.
#[derive(Debug, PartialEq, Eq)]
pub struct WebError(pub String);

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WebError {}

impl From<WebError> for JsValue {
    fn from(e: WebError) -> JsValue {
        JsValue::from(JsError::new(&e.0))
    }
}

fn time(now_secs: f64) -> Result<UnixTime, WebError> {
    if !now_secs.is_finite() || now_secs.abs() > 1e15 {
        return Err(WebError(format!(
            "the clock gave {now_secs}, not a time: check the device's date and time"
        )));
    }
    Ok(UnixTime(now_secs.floor() as i64))
}

/// The pinned root key from its 64 lowercase hex digits (the
/// `"public_key"` of a root key file, docs/FORMAT.md §2.1).
fn root_key(hex_key: &str) -> Result<PublicKey, WebError> {
    let bad = || {
        WebError(
            "the page's pinned root key is not 64 lowercase hex digits of a valid key: rebuild the page with `hawiya web build`"
                .into(),
        )
    };
    if hex_key.len() != 64
        || hex_key
            .bytes()
            .any(|b| !matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(bad());
    }
    let bytes = hex::decode(hex_key).map_err(|_| bad())?;
    PublicKey::from_bytes(&bytes).map_err(|_| bad())
}

fn memory_from_json(text: &str) -> Result<VerifierMemory, WebError> {
    if text.trim().is_empty() {
        return Ok(VerifierMemory::default());
    }
    let bad = |what: &str| {
        WebError(format!(
            "the saved verifier memory is damaged ({what}); clear this site's data to start again"
        ))
    };
    let value: Value = serde_json::from_str(text).map_err(|_| bad("not JSON"))?;
    let version = value
        .get("trust_list_version")
        .and_then(Value::as_u64)
        .ok_or_else(|| bad("trust_list_version"))?;
    let mut recent = Vec::new();
    for entry in value
        .get("recent")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("recent"))?
    {
        let (Some(hash), Some(at)) = (
            entry.get(0).and_then(Value::as_str),
            entry.get(1).and_then(Value::as_i64),
        ) else {
            return Err(bad("recent entry"));
        };
        let hash: [u8; 32] = hex::decode(hash)
            .ok()
            .and_then(|h| h.try_into().ok())
            .ok_or_else(|| bad("recent hash"))?;
        recent.push((hash, at));
    }
    Ok(VerifierMemory {
        trust_list_version: version,
        recent,
    })
}

fn memory_to_json(memory: &VerifierMemory) -> String {
    json!({
        "trust_list_version": memory.trust_list_version,
        "recent": memory.recent.iter().map(|(h, t)| json!([hex::encode(h), t])).collect::<Vec<_>>(),
    })
    .to_string()
}

fn doc_name(d: DocumentType) -> &'static str {
    match d {
        DocumentType::ResidentPermit => "resident_permit",
        _ => "national_id",
    }
}

fn claim_json(value: &ClaimValue) -> Value {
    match value {
        ClaimValue::Bool(b) => json!(b),
        ClaimValue::Number(n) => json!(n.to_string()),
        ClaimValue::Bytes(b) => json!(hex::encode(b)),
        ClaimValue::Absent => Value::Null,
        other => json!(other.display()),
    }
}

/// The verdict as `hawiya verify --json` prints it, plus `labels` (each
/// disclosed claim's Arabic and English label, in the order shown) and the
/// document type's names.
pub fn verdict_json(v: &Verdict, min_assurance: Assurance, challenge: Option<&Challenge>) -> Value {
    let claims: Map<String, Value> = v
        .claims
        .iter()
        .map(|(k, val)| (k.name().to_owned(), claim_json(val)))
        .collect();
    let labels: Vec<Value> = v
        .claims
        .iter()
        .map(|(k, _)| json!({"key": k.name(), "en": k.label_en(), "ar": k.label_ar()}))
        .collect();
    let mut out = json!({
        "accepted": v.is_accepted(),
        "verdict": if v.is_accepted() { "accepted" } else { "rejected" },
        "mode": v.mode.map(|m| match m { Mode::DeviceBound => "device_bound", _ => "static" }),
        "assurance": v.assurance.map(Assurance::code),
        "failures": v.failures.iter().map(|f| json!({"code": f.code(), "message": f.explain()})).collect::<Vec<_>>(),
        "warnings": v.warnings.iter().map(|w| json!({"code": w.code(), "message": w.explain()})).collect::<Vec<_>>(),
        "document_type": v.document_type.map(doc_name),
        "document_version": v.document_version,
        "guardian": v.guardian,
        "issuer": v.issuer,
        "expires_at": v.expires_at.map(|t| t.0),
        "presented_at": v.presented_at.map(|t| t.0),
        "claims": claims,
        "min_assurance": min_assurance.code(),
        "labels": labels,
        "document_names": v.document_type.map(|d| json!({"en": d.name_en(), "ar": d.name_ar()})),
    });
    if let Some(c) = challenge {
        out["challenge"] = challenge_json(c);
    }
    out
}

fn challenge_json(c: &Challenge) -> Value {
    let code = c.code();
    json!({
        "code": format!("{:06}", code.value()),
        "grouped": code.grouped(),
        "qr_text": code.qr_text(),
        "issued_at": c.issued_at().0,
    })
}

/// The status lists' state as the page shows it: for each, its address,
/// age and whether it is stale, with the warning `hawiya verify` gives.
fn status_json(list: &SignedStatusList, policy: &Policy, now: UnixTime) -> Value {
    let age = now.0.saturating_sub(list.issued_at.0);
    let max_age = list.ttl.min(policy.max_status_age_secs);
    let ahead = list.issued_at.0 > now.0.saturating_add(i64::from(policy.clock_skew_secs));
    let stale = ahead || u64::try_from(age).is_ok_and(|a| a > max_age);
    let warning = stale.then(|| {
        Warning::StatusStale {
            age_secs: u64::try_from(age).unwrap_or(0),
        }
        .explain()
    });
    json!({
        "uri": list.uri,
        "issued_at": list.issued_at.0,
        "ttl": list.ttl,
        "age_secs": age,
        "stale": stale,
        "warning": warning,
    })
}

/// One verifier as the page runs it: the pinned root key, the trust list and
/// status lists in use, the policy, the challenge on screen and the replay
/// memory.
#[wasm_bindgen]
pub struct WebVerifier {
    root: PublicKey,
    verifier: Verifier,
    trust_bytes: Vec<u8>,
    status: Vec<(SignedStatusList, Vec<u8>)>,
    policy: Policy,
    challenge: Option<Challenge>,
}

impl WebVerifier {
    /// [`WebVerifier::new`] for Rust callers.
    ///
    /// # Errors
    /// A bad pinned key, a trust list that does not verify with it, damaged
    /// memory, or a list older than the memory's (a rollback).
    pub fn open(
        root_hex: &str,
        trust_list: &[u8],
        memory_json: &str,
        phone_codes_only: bool,
    ) -> Result<WebVerifier, WebError> {
        let root = root_key(root_hex)?;
        let trust = TrustList::from_signed(trust_list, &root)
            .map_err(|e| WebError(format!("trust list: {e}")))?;
        let memory = memory_from_json(memory_json)?;
        let policy = Policy {
            min_assurance: if phone_codes_only {
                Assurance::Timed
            } else {
                Assurance::Printed
            },
            ..Policy::default()
        };
        let verifier = Verifier::with_memory(trust, policy, &memory)
            .map_err(|e| WebError(format!("trust list: {e}")))?;
        Ok(WebVerifier {
            root,
            verifier,
            trust_bytes: trust_list.to_vec(),
            status: Vec::new(),
            policy,
            challenge: None,
        })
    }

    /// Verifies text at `now` (Unix seconds) against the challenge on screen,
    /// if any. The verdict as JSON.
    pub fn verify_at(&mut self, text: &str, now: UnixTime) -> Value {
        let text = qr_text_from_input(text);
        let verdict = self.verifier.verify(text, now, self.challenge.as_ref());
        verdict_json(&verdict, self.policy.min_assurance, self.challenge.as_ref())
    }

    /// Checks and adds a signed status list, as `hawiya verify --status-list` does.
    ///
    /// # Errors
    /// The list does not verify against the trust list in use.
    pub fn add_status(&mut self, bytes: &[u8], now: UnixTime) -> Result<Value, WebError> {
        let list = SignedStatusList::from_signed(bytes, self.verifier.trust_list())
            .map_err(|e| WebError(format!("status list: {e}")))?;
        let info = status_json(&list, &self.policy, now);
        match self.status.iter().position(|(l, _)| l.uri == list.uri) {
            Some(i) if self.status[i].0.issued_at > list.issued_at => {
                return Err(WebError(format!(
                    "status list: older than the one in use for {} (signed {} s earlier); keeping the newer one",
                    list.uri,
                    self.status[i].0.issued_at.0 - list.issued_at.0
                )));
            }
            Some(i) => self.status[i] = (list.clone(), bytes.to_vec()),
            None => self.status.push((list.clone(), bytes.to_vec())),
        }
        self.verifier.add_status_list(list);
        Ok(info)
    }

    /// Checks a newer trust list against the pinned root and uses it; an
    /// older version is refused (a rollback).
    ///
    /// # Errors
    /// Bad signature, not a trust list, or older than the one in use.
    pub fn update_trust(&mut self, bytes: &[u8]) -> Result<Value, WebError> {
        let trust = TrustList::from_signed(bytes, &self.root)
            .map_err(|e| WebError(format!("trust list: {e}")))?;
        self.verifier
            .update_trust_list(trust)
            .map_err(|e| WebError(format!("trust list: {e}")))?;
        self.trust_bytes = bytes.to_vec();
        // Status lists are checked against the trust list in use: keep those
        // whose key is still trusted.
        let kept: Vec<Vec<u8>> = self.status.drain(..).map(|(_, b)| b).collect();
        self.rebuild()?;
        for bytes in kept {
            if let Ok(list) = SignedStatusList::from_signed(&bytes, self.verifier.trust_list()) {
                self.verifier.add_status_list(list.clone());
                self.status.push((list, bytes));
            }
        }
        Ok(self.trust_info())
    }

    fn rebuild(&mut self) -> Result<(), WebError> {
        let memory = self.verifier.memory();
        let trust = self.verifier.trust_list().clone();
        self.verifier = Verifier::with_memory(trust, self.policy, &memory)
            .map_err(|e| WebError(format!("trust list: {e}")))?;
        for (list, _) in &self.status {
            self.verifier.add_status_list(list.clone());
        }
        Ok(())
    }

    fn trust_info(&self) -> Value {
        let trust = self.verifier.trust_list();
        json!({
            "version": trust.version,
            "issued_at": trust.issued_at.0,
            "issuers": trust.issuers.iter().map(|i| json!({
                "name": i.name,
                "kid": hex::encode(&i.kid),
                "status_uri": i.status_uri,
                "not_before": i.not_before.0,
                "not_after": i.not_after.0,
            })).collect::<Vec<_>>(),
        })
    }

    /// Shows a new challenge at `now`: its code, grouped form, QR text,
    /// time and QR code (SVG), as JSON. Codes are then verified against it
    /// until [`WebVerifier::clear_challenge`].
    ///
    /// # Errors
    /// The challenge's QR code could not be drawn (never for six digits).
    pub fn new_challenge_at(&mut self, now: UnixTime) -> Result<String, WebError> {
        let challenge = Challenge::generate(&mut rand_core::OsRng, now);
        let mut out = challenge_json(&challenge);
        let svg = QrMatrix::encode(&challenge.code().qr_text(), EccLevel::M)
            .map(|m| m.to_svg(8))
            .map_err(|e| WebError(format!("challenge QR: {e}")))?;
        out["svg"] = svg.into();
        self.challenge = Some(challenge);
        Ok(out.to_string())
    }

    /// Everything the page shows about its trust: the root key's
    /// fingerprint, the trust list, the status lists with their age, the
    /// policy and the challenge on screen.
    pub fn state_at(&self, now: UnixTime) -> Value {
        json!({
            "root_fingerprint": self.root.fingerprint(),
            "trust": self.trust_info(),
            "status": self.status.iter().map(|(l, _)| status_json(l, &self.policy, now)).collect::<Vec<_>>(),
            "min_assurance": self.policy.min_assurance.code(),
            "challenge": self.challenge.as_ref().map(challenge_json),
        })
    }
}

#[wasm_bindgen]
impl WebVerifier {
    /// Opens a verifier: `root_hex` is the pinned root public key (64 hex
    /// digits), `trust_list` a signed trust list, `memory_json` what
    /// [`WebVerifier::memory`] returned in an earlier visit (or empty), and
    /// `phone_codes_only` refuses printed codes (`--min-assurance timed`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        root_hex: &str,
        trust_list: &[u8],
        memory_json: &str,
        phone_codes_only: bool,
    ) -> Result<WebVerifier, JsValue> {
        Ok(WebVerifier::open(
            root_hex,
            trust_list,
            memory_json,
            phone_codes_only,
        )?)
    }

    /// Verifies the text of a code (HW2:…, a scanner's line ending
    /// removed) at `now_secs`; returns the verdict as JSON.
    pub fn verify(&mut self, text: &str, now_secs: f64) -> Result<String, JsValue> {
        Ok(self.verify_at(text, time(now_secs)?).to_string())
    }

    /// Adds a signed status list (bytes); returns its state as JSON.
    #[wasm_bindgen(js_name = addStatusList)]
    pub fn add_status_list(&mut self, bytes: &[u8], now_secs: f64) -> Result<String, JsValue> {
        Ok(self.add_status(bytes, time(now_secs)?)?.to_string())
    }

    /// Replaces the trust list with a newer signed one; returns its summary as JSON.
    #[wasm_bindgen(js_name = updateTrustList)]
    pub fn update_trust_list(&mut self, bytes: &[u8]) -> Result<String, JsValue> {
        Ok(self.update_trust(bytes)?.to_string())
    }

    /// Refuses printed codes (true) or accepts every genuine code (false).
    #[wasm_bindgen(js_name = setPhoneCodesOnly)]
    pub fn set_phone_codes_only(&mut self, on: bool) -> Result<(), JsValue> {
        self.policy.min_assurance = if on {
            Assurance::Timed
        } else {
            Assurance::Printed
        };
        Ok(self.rebuild()?)
    }

    /// Shows a new challenge at `now_secs`: returns its code, grouped form,
    /// QR text, time and the QR code as SVG, as JSON. Codes are then
    /// verified against it until [`WebVerifier::clear_challenge`].
    #[wasm_bindgen(js_name = newChallenge)]
    pub fn new_challenge(&mut self, now_secs: f64) -> Result<String, JsValue> {
        Ok(self.new_challenge_at(time(now_secs)?)?)
    }

    /// Leaves challenge mode.
    #[wasm_bindgen(js_name = clearChallenge)]
    pub fn clear_challenge(&mut self) {
        self.challenge = None;
    }

    /// What to keep across visits (replays, the trust-list version), as JSON.
    pub fn memory(&self) -> String {
        memory_to_json(&self.verifier.memory())
    }

    /// The trust list in use, as signed (to keep it).
    #[wasm_bindgen(js_name = trustListBytes)]
    pub fn trust_list_bytes(&self) -> Vec<u8> {
        self.trust_bytes.clone()
    }

    /// How many status lists are in use.
    #[wasm_bindgen(js_name = statusListCount)]
    pub fn status_list_count(&self) -> usize {
        self.status.len()
    }

    /// The signed bytes of status list `i` (to keep it).
    #[wasm_bindgen(js_name = statusListBytes)]
    pub fn status_list_bytes(&self, i: usize) -> Vec<u8> {
        self.status
            .get(i)
            .map(|(_, b)| b.clone())
            .unwrap_or_default()
    }

    /// The page's trust state at `now_secs`, as JSON.
    pub fn state(&self, now_secs: f64) -> Result<String, JsValue> {
        Ok(self.state_at(time(now_secs)?).to_string())
    }
}

/// Finds a QR code in an RGBA frame (a camera frame or a chosen photo drawn
/// on a canvas) with hawiya's own decoder; returns its text.
#[wasm_bindgen(js_name = decodeFrame)]
pub fn decode_frame(width: u32, height: u32, rgba: &[u8]) -> Result<String, JsValue> {
    let limits = ScanLimits {
        max_pixels: MAX_FRAME_PIXELS,
        ..ScanLimits::default()
    };
    decode_rgba_with(width, height, rgba, &limits).map_err(|e| WebError(e.to_string()).into())
}

/// The labels of every claim, for the page's tables: `[{key, en, ar}]`.
#[wasm_bindgen(js_name = claimLabels)]
pub fn claim_labels() -> String {
    let keys: Vec<Value> = [DocumentType::NationalId, DocumentType::ResidentPermit]
        .iter()
        .flat_map(|d| d.claim_keys().iter().copied())
        .fold(Vec::<ClaimKey>::new(), |mut all, k| {
            if !all.contains(&k) {
                all.push(k);
            }
            all
        })
        .into_iter()
        .map(|k| json!({"key": k.name(), "en": k.label_en(), "ar": k.label_ar()}))
        .collect();
    Value::Array(keys).to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use hawiya_core::{
        fixtures, BindingRequest, Disclosure, FixedClock, HeldCredential, Issuer, Presentation,
        SecretKey, StatusList,
    };
    use rand_core::OsRng;

    const NOW: UnixTime = UnixTime(1_800_000_000);

    struct World {
        root: SecretKey,
        issuer: Issuer,
        device: SecretKey,
        phone: HeldCredential,
        print: HeldCredential,
    }

    fn world() -> World {
        let root = SecretKey::generate(&mut OsRng);
        let issuer = Issuer::new(
            SecretKey::generate(&mut OsRng),
            b"k1",
            "ID Authority",
            "https://status.example/1",
        )
        .unwrap();
        let device = SecretKey::generate(&mut OsRng);
        let nonce = [7u8; 16];
        let binding = BindingRequest::new(&device, &nonce)
            .unwrap()
            .check(&nonce)
            .unwrap();
        let claims = fixtures::national_id();
        let at = UnixTime(NOW.0 - 86_400);
        let phone = issuer.issue(&claims, &binding, 3, at, &mut OsRng).unwrap();
        let print = issuer
            .issue_print(&claims, None, 4, at, &mut OsRng)
            .unwrap();
        World {
            root,
            issuer,
            device,
            phone,
            print,
        }
    }

    impl World {
        fn trust(&self, version: u64) -> Vec<u8> {
            TrustList {
                version,
                issued_at: NOW,
                issuers: vec![self
                    .issuer
                    .trust_entry(UnixTime(0), UnixTime(NOW.0 + 10 * 365 * 86_400))],
            }
            .sign(&self.root)
            .unwrap()
        }

        fn root_hex(&self) -> String {
            hex::encode(self.root.public_key().as_bytes())
        }

        fn phone_code(&self, at: UnixTime) -> String {
            Presentation::device_bound(
                &self.phone,
                &Disclosure::Full,
                &self.device,
                &FixedClock(at),
                None,
            )
            .unwrap()
            .qr_text()
        }

        fn print_code(&self) -> String {
            Presentation::static_form(&self.print, &Disclosure::Full)
                .unwrap()
                .qr_text()
        }

        fn status(&self, revoked: &[u64], at: UnixTime) -> Vec<u8> {
            let mut list = StatusList::new(64);
            for &i in revoked {
                list.set_invalid(i).unwrap();
            }
            self.issuer.sign_status_list(&SignedStatusList {
                uri: "https://status.example/1".into(),
                issued_at: at,
                ttl: 86_400,
                list,
            })
        }
    }

    fn open(w: &World, memory: &str, phone_only: bool) -> WebVerifier {
        WebVerifier::open(&w.root_hex(), &w.trust(1), memory, phone_only).unwrap()
    }

    #[test]
    fn verdicts_carry_the_cli_fields_and_the_assurance() {
        let w = world();
        let mut v = open(&w, "", false);
        let phone = v.verify_at(&w.phone_code(NOW), NOW);
        assert_eq!(phone["verdict"], "accepted", "{phone}");
        assert_eq!(phone["assurance"], "timed");
        assert_eq!(phone["claims"]["name_en"], "Mohammed Abdullah Alahmad");
        assert_eq!(phone["labels"][0]["key"], "document_number");
        let printed = v.verify_at(&w.print_code(), NOW);
        assert_eq!(printed["assurance"], "printed", "{printed}");
        assert!(
            printed["warnings"]
                .to_string()
                .contains("static_lower_assurance"),
            "{printed}"
        );
        // Phone codes only: the printed code is refused.
        v.set_phone_codes_only(true).unwrap();
        let refused = v.verify_at(&w.print_code(), NOW);
        assert_eq!(refused["failures"][0]["code"], "assurance_below_minimum");
        assert_eq!(refused["claims"], json!({}));
        assert_eq!(refused["min_assurance"], "timed");
    }

    #[test]
    fn the_replay_memory_survives_a_reopen_and_damaged_memory_is_refused() {
        let w = world();
        let code = w.phone_code(NOW);
        let mut v = open(&w, "", false);
        assert_eq!(v.verify_at(&code, NOW)["verdict"], "accepted");
        let memory = v.memory();
        let mut again = open(&w, &memory, false);
        let replay = again.verify_at(&code, UnixTime(NOW.0 + 5));
        assert_eq!(replay["failures"][0]["code"], "replayed", "{replay}");
        for damaged in [
            "{",
            "{\"trust_list_version\":1}",
            "{\"trust_list_version\":1,\"recent\":[[\"zz\",1]]}",
        ] {
            let e = WebVerifier::open(&w.root_hex(), &w.trust(1), damaged, false).err();
            assert!(
                e.is_some_and(|e| e.0.contains("memory is damaged")),
                "{damaged}"
            );
        }
    }

    #[test]
    fn trust_lists_are_checked_with_the_pinned_root_and_never_rolled_back() {
        let w = world();
        let other = world();
        // Another root's list, at construction and as an update.
        let e = WebVerifier::open(&w.root_hex(), &other.trust(1), "", false)
            .err()
            .unwrap();
        assert!(
            e.0.contains("does not verify with the pinned root key"),
            "{e}"
        );
        let mut v = open(&w, "", false);
        let e = v.update_trust(&other.trust(5)).err().unwrap();
        assert!(e.0.contains("pinned root key"), "{e}");
        // Newer accepted; older refused, also after a reopen with the memory.
        assert_eq!(v.update_trust(&w.trust(2)).unwrap()["version"], 2);
        let e = v.update_trust(&w.trust(1)).err().unwrap();
        assert!(e.0.contains("roll back"), "{e}");
        let memory = v.memory();
        let e = WebVerifier::open(&w.root_hex(), &w.trust(1), &memory, false)
            .err()
            .unwrap();
        assert!(e.0.contains("roll back"), "{e}");
        // A pinned key that is not one.
        for bad in ["", "00", &"A".repeat(64), &"0".repeat(64)] {
            assert!(
                WebVerifier::open(bad, &w.trust(1), "", false).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn status_lists_revoke_and_go_stale_as_in_the_cli() {
        let w = world();
        let other = world();
        let mut v = open(&w, "", false);
        // Signed by an issuer the trust list does not have.
        let e = v.add_status(&other.status(&[], NOW), NOW).err().unwrap();
        assert!(e.0.contains("status list"), "{e}");
        v.add_status(&w.status(&[3], NOW), NOW).unwrap();
        let revoked = v.verify_at(&w.phone_code(NOW), NOW);
        assert_eq!(revoked["failures"][0]["code"], "revoked", "{revoked}");
        // An older list never replaces a newer one.
        let e = v
            .add_status(&w.status(&[], UnixTime(NOW.0 - 60)), NOW)
            .err()
            .unwrap();
        assert!(e.0.contains("older"), "{e}");
        // Eight days later the list is stale, with verify's warning.
        let later = UnixTime(NOW.0 + 8 * 86_400);
        let state = v.state_at(later);
        assert_eq!(state["status"][0]["stale"], true);
        let warning = state["status"][0]["warning"].as_str().unwrap();
        assert_eq!(
            warning,
            Warning::StatusStale {
                age_secs: 8 * 86_400
            }
            .explain(),
        );
        assert!(state["status"][0]["warning"]
            .as_str()
            .unwrap()
            .contains("may be missed"));
        assert_eq!(v.state_at(NOW)["status"][0]["stale"], false);
    }

    #[test]
    fn challenges_are_answered_or_refused() {
        let w = world();
        let mut v = open(&w, "", false);
        let shown: Value = serde_json::from_str(&v.new_challenge_at(NOW).unwrap()).unwrap();
        let code = hawiya_core::ChallengeCode::parse(shown["code"].as_str().unwrap()).unwrap();
        assert!(shown["svg"].as_str().unwrap().starts_with("<svg"));
        let answer = Presentation::device_bound(
            &w.phone,
            &Disclosure::Full,
            &w.device,
            &FixedClock(NOW),
            Some(code),
        )
        .unwrap()
        .qr_text();
        let ok = v.verify_at(&answer, NOW);
        assert_eq!(ok["assurance"], "challenged", "{ok}");
        v.new_challenge_at(NOW).unwrap();
        let other = Presentation::device_bound(
            &w.phone,
            &Disclosure::Full,
            &w.device,
            &FixedClock(UnixTime(NOW.0 + 1)),
            Some(code),
        )
        .unwrap()
        .qr_text();
        let refused = v.verify_at(&other, UnixTime(NOW.0 + 1));
        // Another challenge is shown now (unless the random draw repeated it).
        if refused["challenge"]["code"] != shown["code"] {
            assert_eq!(
                refused["failures"][0]["code"], "challenge_mismatch",
                "{refused}"
            );
        }
    }

    #[test]
    fn frames_and_times_from_javascript_are_checked() {
        assert!(time(f64::NAN).is_err());
        assert!(time(f64::INFINITY).is_err());
        assert_eq!(time(1_800_000_000.9).unwrap(), UnixTime(1_800_000_000));
        let limits = ScanLimits::default();
        assert!(decode_rgba_with(4, 4, &[0; 10], &limits).is_err());
    }
}
