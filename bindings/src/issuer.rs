//! An issuing authority in memory, for demo apps and tests: a fresh root key,
//! one issuer key, the root-signed trust list, a status list, and issuance to
//! a wallet's binding request. Real issuance runs on the authority's servers
//! (see the `hawiya issuer` commands); its keys never reach a phone.

use std::sync::{Arc, Mutex, MutexGuard};

use hawiya_core as core;
use rand_core::OsRng;

use crate::error::IssueError;
use hawiya_core::{DocumentType, Sex};

use crate::trust::TrustList;
use crate::types::CalendarDate;

/// What an issuer puts on a document (test issuer input).
// Dates as CalendarDate, so that a wrong one is an InvalidClaims error
// rather than a failed lift.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DocumentClaims {
    /// National ID or resident permit.
    pub document_type: DocumentType,
    /// 10 digits; 1… for citizens, 2… for residents.
    pub document_number: u64,
    /// Version; a renewal carries a higher version.
    pub document_version: u32,
    /// Full name in Arabic script.
    pub name_ar: String,
    /// Full name in Latin script.
    pub name_en: String,
    /// Date of birth.
    pub birth_date: CalendarDate,
    /// Sex.
    pub sex: Sex,
    /// Nationality, ISO 3166-1 alpha-3 (e.g. SAU).
    pub nationality: String,
    /// Place of birth.
    pub place_of_birth: String,
    /// Occupation (resident permit only).
    pub occupation: Option<String>,
    /// Employer or sponsor (resident permit only).
    pub employer: Option<String>,
    /// Date of issue.
    pub issue_date: CalendarDate,
    /// Last valid day.
    pub expiry_date: CalendarDate,
    /// Portrait image (JPEG, PNG or WebP).
    pub portrait: Option<Vec<u8>>,
}

impl DocumentClaims {
    pub(crate) fn to_core(&self) -> Result<core::Claims, core::DateError> {
        Ok(core::Claims {
            document_type: self.document_type,
            document_number: self.document_number,
            document_version: self.document_version,
            name_ar: self.name_ar.clone(),
            name_en: self.name_en.clone(),
            birth_date: self.birth_date.try_into()?,
            sex: self.sex,
            nationality: self.nationality.clone(),
            place_of_birth: self.place_of_birth.clone(),
            occupation: self.occupation.clone(),
            employer: self.employer.clone(),
            issue_date: self.issue_date.try_into()?,
            expiry_date: self.expiry_date.try_into()?,
            portrait: self.portrait.clone(),
        })
    }
}

/// Entries in the test issuer's status list.
const STATUS_LIST_CAPACITY: u64 = 1024;

/// A test issuer with freshly generated root and issuer keys. Safe to call
/// from any thread.
#[derive(uniffi::Object)]
pub struct TestIssuer {
    root: core::SecretKey,
    issuer: core::Issuer,
    entry: core::TrustedIssuer,
    status: Mutex<core::StatusList>,
}

impl TestIssuer {
    fn status(&self) -> MutexGuard<'_, core::StatusList> {
        self.status
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn binding(binding_request: &[u8], nonce: &[u8]) -> Result<core::DeviceBinding, IssueError> {
        let request = core::BindingRequest::from_bytes(binding_request).map_err(|e| {
            IssueError::MalformedBindingRequest {
                reason: e.to_string(),
            }
        })?;
        Ok(request.check(nonce)?)
    }
}

fn claims(claims: &DocumentClaims) -> Result<core::Claims, IssueError> {
    claims.to_core().map_err(|e| IssueError::InvalidClaims {
        reason: format!("a date is not a calendar date ({e})"),
    })
}

#[uniffi::export]
impl TestIssuer {
    /// A test issuer named `name` whose key is trusted from `not_before` to
    /// `not_after` (seconds since 1970), with key id `key_id` (1 to 16
    /// bytes of UTF-8) and status list address `status_uri`.
    #[uniffi::constructor]
    pub fn new(
        name: String,
        key_id: String,
        status_uri: String,
        not_before: i64,
        not_after: i64,
    ) -> Result<Arc<TestIssuer>, IssueError> {
        let root = core::SecretKey::generate(&mut OsRng);
        let issuer = core::Issuer::new(
            core::SecretKey::generate(&mut OsRng),
            key_id.as_bytes(),
            &name,
            &status_uri,
        )?;
        let entry = issuer.trust_entry(core::UnixTime(not_before), core::UnixTime(not_after));
        Ok(Arc::new(TestIssuer {
            root,
            issuer,
            entry,
            status: Mutex::new(core::StatusList::new(STATUS_LIST_CAPACITY)),
        }))
    }

    /// The root public key a verifier or wallet pins (32 bytes).
    pub fn root_public_key(&self) -> Vec<u8> {
        self.root.public_key().as_bytes().to_vec()
    }

    /// The issuer's public key (32 bytes).
    pub fn issuer_public_key(&self) -> Vec<u8> {
        self.issuer.public_key().as_bytes().to_vec()
    }

    /// The trust list naming this issuer's key, signed by the root, as
    /// published bytes.
    pub fn signed_trust_list(&self, version: u64, issued_at: i64) -> Result<Vec<u8>, IssueError> {
        let list = core::TrustList {
            version,
            issued_at: core::UnixTime(issued_at),
            issuers: vec![self.entry.clone()],
        };
        Ok(list.sign(&self.root)?)
    }

    /// The same trust list, already checked against the root key.
    pub fn trust_list(&self, version: u64, issued_at: i64) -> Result<Arc<TrustList>, IssueError> {
        let signed = self.signed_trust_list(version, issued_at)?;
        let checked = core::TrustList::from_signed(&signed, &self.root.public_key())?;
        Ok(TrustList::from_core(checked))
    }

    /// A fresh random nonce to give the wallet before its binding request.
    pub fn binding_nonce(&self) -> Vec<u8> {
        core::Issuer::binding_nonce(&mut OsRng).to_vec()
    }

    /// Issues a credential to the wallet that made `binding_request` over
    /// `nonce`; returns the bytes the wallet imports.
    pub fn issue(
        &self,
        claims: DocumentClaims,
        binding_request: Vec<u8>,
        nonce: Vec<u8>,
        status_index: u64,
        issued_at: i64,
    ) -> Result<Vec<u8>, IssueError> {
        let binding = TestIssuer::binding(&binding_request, &nonce)?;
        let held = self.issuer.issue(
            &self::claims(&claims)?,
            &binding,
            status_index,
            core::UnixTime(issued_at),
            &mut OsRng,
        )?;
        Ok(held.to_bytes())
    }

    /// Issues a dependent's credential to the guardian's wallet (the
    /// guardian's binding request); `guardian_document_number` is the
    /// guardian's own document number, already in that wallet.
    pub fn issue_to_guardian(
        &self,
        claims: DocumentClaims,
        binding_request: Vec<u8>,
        nonce: Vec<u8>,
        guardian_document_number: u64,
        status_index: u64,
        issued_at: i64,
    ) -> Result<Vec<u8>, IssueError> {
        let binding = TestIssuer::binding(&binding_request, &nonce)?;
        let held = self.issuer.issue_to_guardian(
            &self::claims(&claims)?,
            &binding,
            guardian_document_number,
            status_index,
            core::UnixTime(issued_at),
            &mut OsRng,
        )?;
        Ok(held.to_bytes())
    }

    /// Issues the print credential of a document (its printable card's): no
    /// device key, its own `status_index`, for a dependent with the same
    /// `guardian_document_number` as the phone credential. Returns the bytes
    /// the wallet imports with the phone credential
    /// (`importCredentialWithPrint`) or adds later (`addPrintCredential`).
    pub fn issue_print(
        &self,
        claims: DocumentClaims,
        guardian_document_number: Option<u64>,
        status_index: u64,
        issued_at: i64,
    ) -> Result<Vec<u8>, IssueError> {
        let held = self.issuer.issue_print(
            &self::claims(&claims)?,
            guardian_document_number,
            status_index,
            core::UnixTime(issued_at),
            &mut OsRng,
        )?;
        Ok(held.to_bytes())
    }

    /// Marks the credential at `status_index` revoked in the next status list.
    pub fn revoke(&self, status_index: u64) -> Result<(), IssueError> {
        Ok(self.status().set_invalid(status_index)?)
    }

    /// The status list, signed, as published bytes; verifiers may cache it
    /// for `ttl_secs`.
    pub fn signed_status_list(&self, issued_at: i64, ttl_secs: u64) -> Vec<u8> {
        let list = core::SignedStatusList {
            uri: self.entry.status_uri.clone(),
            issued_at: core::UnixTime(issued_at),
            ttl: ttl_secs,
            list: self.status().clone(),
        };
        self.issuer.sign_status_list(&list)
    }
}
