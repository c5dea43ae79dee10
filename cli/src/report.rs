//! How the CLI shows verdicts and presentations: readable text for people,
//! JSON for scripts.

use hawiya_core::{
    Assurance, ClaimKey, ClaimValue, DocumentType, EccLevel, Mode, Presentation, QrMatrix,
    UnixTime, Verdict,
};
use serde_json::{json, Map, Value};

/// Size figures of one presentation.
pub struct Sizes {
    /// CBOR bytes.
    pub bytes: usize,
    /// Characters of QR text.
    pub chars: usize,
    /// QR version at ECC M.
    pub qr_version: u8,
    /// Floor: signatures + device key + disclosed claims.
    pub floor: usize,
}

impl Sizes {
    /// Measures a presentation.
    pub fn of(p: &Presentation) -> Result<Sizes, hawiya_core::QrError> {
        let text = p.qr_text();
        Ok(Sizes {
            bytes: p.bytes().len(),
            chars: text.len(),
            qr_version: QrMatrix::encode(&text, EccLevel::M)?.version(),
            floor: p.floor_len(),
        })
    }

    /// Payload bytes over the floor.
    pub fn ratio(&self) -> f64 {
        self.bytes as f64 / self.floor as f64
    }
}

/// The snake_case name of a document type, as JSON output spells it.
pub fn doc_name(d: DocumentType) -> &'static str {
    match d {
        DocumentType::ResidentPermit => "resident_permit",
        _ => "national_id",
    }
}

/// The snake_case name of a presentation mode, as JSON output spells it.
pub fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::DeviceBound => "device_bound",
        Mode::Static => "static",
    }
}

/// A time as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn time_text(t: UnixTime) -> String {
    match hawiya_core::Date::from_unix(t) {
        Ok(d) => {
            let secs = t.0.rem_euclid(86_400);
            format!(
                "{d} {:02}:{:02}:{:02} UTC",
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            )
        }
        Err(_) => t.0.to_string(),
    }
}

/// A claim value as JSON.
pub fn claim_json(value: &ClaimValue) -> Value {
    match value {
        ClaimValue::Bool(b) => json!(b),
        ClaimValue::Number(n) => json!(n.to_string()),
        ClaimValue::Bytes(b) => json!(hex::encode(b)),
        ClaimValue::Absent => Value::Null,
        other => json!(other.display()),
    }
}

/// The verdict as JSON: accepted, its assurance (`challenged`, `timed` or
/// `printed`; `null` when rejected), every failure and warning with a code
/// and a sentence, and the disclosed claims.
pub fn verdict_json(v: &Verdict) -> Value {
    let claims: Map<String, Value> = v
        .claims
        .iter()
        .map(|(k, val)| (k.name().to_owned(), claim_json(val)))
        .collect();
    json!({
        "accepted": v.is_accepted(),
        "verdict": if v.is_accepted() { "accepted" } else { "rejected" },
        "mode": v.mode.map(mode_name),
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
    })
}

/// The verdict as text a clerk can read.
pub fn verdict_text(v: &Verdict) -> String {
    let mut out = String::new();
    match v.assurance {
        Some(level) if v.is_accepted() => {
            let lower = if level == Assurance::Printed {
                " (lower assurance)"
            } else {
                ""
            };
            out.push_str(&format!(
                "ACCEPTED — {}{lower}: {}\n",
                level.code(),
                level.explain()
            ));
        }
        _ if v.is_accepted() => out.push_str("ACCEPTED\n"),
        _ => out.push_str("REJECTED\n"),
    }
    for f in &v.failures {
        out.push_str(&format!("  ✗ {}  [{}]\n", f.explain(), f.code()));
    }
    for w in &v.warnings {
        out.push_str(&format!("  ! {}  [{}]\n", w.explain(), w.code()));
    }
    if !v.is_accepted() && v.document_type.is_some() {
        out.push_str("  what the code claims (not verified):\n");
    }
    if let Some(doc) = v.document_type {
        out.push_str(&format!(
            "  document: {} / {}",
            doc.name_en(),
            doc.name_ar()
        ));
        if let Some(ver) = v.document_version {
            out.push_str(&format!(", version {ver}"));
        }
        out.push('\n');
    }
    if let Some(issuer) = &v.issuer {
        out.push_str(&format!("  issuer:   {issuer}\n"));
    }
    if let Some(guardian) = &v.guardian {
        if v.mode == Some(Mode::Static) {
            // A printed card is shown by whoever holds it.
            out.push_str(&format!(
                "  a dependent's card; guardian: holder of document {guardian}\n"
            ));
        } else {
            // The presenter holds the guardian's device key, not the subject's.
            out.push_str(&format!(
                "  presented by guardian: holder of document {guardian}\n"
            ));
        }
    }
    if let Some(t) = v.presented_at {
        out.push_str(&format!("  shown at: {}\n", time_text(t)));
    }
    for (key, value) in &v.claims {
        out.push_str(&format!(
            "  {:<16} {}\n",
            format!("{}:", key.label_en()),
            value.display()
        ));
    }
    out
}

/// The disclosed claim names, comma separated.
pub fn claim_list(keys: &[ClaimKey]) -> String {
    keys.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")
}

/// The last valid day of a credential expiring at `expires_at` (the first
/// second no longer valid), as `YYYY-MM-DD`.
pub fn valid_until(expires_at: UnixTime) -> String {
    hawiya_core::Date::from_unix(UnixTime(expires_at.0.saturating_sub(1)))
        .map(|d| d.to_string())
        .unwrap_or_else(|_| expires_at.0.to_string())
}
