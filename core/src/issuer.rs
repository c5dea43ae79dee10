//! The issuer: checks a holder's binding request and signs a credential over
//! the claims' commitment; issues the print-only credential a printable card
//! carries; publishes trust-list entries and status lists.

use std::collections::BTreeMap;

use rand_core::CryptoRngCore;
use thiserror::Error;

use crate::binding::{BindingRequest, DeviceBinding, MIN_NONCE_LEN};
use crate::claims::{self, Claims, ClaimsError};
use crate::commitment::{self, Seeds, TreeCache};
use crate::cose::{Sign1, MAX_KID_LEN};
use crate::credential::{Credential, CredentialInfo, HeldCredential};
use crate::date::{UnixTime, SECONDS_PER_DAY};
use crate::keys::{PublicKey, SecretKey};
use crate::status_list::SignedStatusList;
use crate::trust_list::TrustedIssuer;

/// Why a credential could not be issued.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The binding request's signature does not verify with its key.
    #[error(
        "binding request signature does not verify: the device did not prove it holds the key"
    )]
    BindingSignature,
    /// The claims are not valid.
    #[error("invalid claims: {0}")]
    Claims(#[from] ClaimsError),
    /// The document expires before the issuance day ends.
    #[error("the document's expiry date is already past at issuance")]
    AlreadyExpired,
    /// Key id empty or too long, or issuer name or status address empty.
    #[error("issuer configuration: {0}")]
    Config(&'static str),
    /// The guardian's document number is the dependent's own.
    #[error("the guardian's document number is the dependent's own: give the guardian's own ID or iqama number, or issue without a guardian to bind the credential to the holder's own device")]
    GuardianIsDependent,
    /// The guardian's document number is not a valid document number.
    #[error("guardian document number must be the guardian's 10-digit ID or iqama number (starting with 1 or 2)")]
    GuardianNumber,
    /// The binding request answers a different nonce.
    #[error("binding request answers a different nonce; ask the holder to bind again with the current nonce")]
    NonceMismatch,
    /// Issuance time before 1970.
    #[error("issuance time is before 1970-01-01")]
    TimeBeforeEpoch,
}

/// Checking a binding request is the issuer's side of binding: it lives
/// here, with issuance, so the request format (`binding.rs`) knows nothing of
/// issuing.
impl BindingRequest {
    /// Checks the request answers `expected_nonce` and proves possession of
    /// the device key; the result is what [`Issuer::issue`] takes.
    ///
    /// # Errors
    /// [`IssueError::NonceMismatch`] or [`IssueError::BindingSignature`].
    pub fn check(&self, expected_nonce: &[u8]) -> Result<DeviceBinding, IssueError> {
        if !self.answers(expected_nonce) {
            return Err(IssueError::NonceMismatch);
        }
        if !self.proves_possession() {
            return Err(IssueError::BindingSignature);
        }
        Ok(DeviceBinding::checked(self))
    }
}

/// An issuing authority's signing key and published identity.
pub struct Issuer {
    key: SecretKey,
    kid: Vec<u8>,
    name: String,
    status_uri: String,
}

impl std::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuer")
            .field("kid", &self.kid)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Issuer {
    /// An issuer with its key, key id, name (`iss`) and status list address.
    ///
    /// # Errors
    /// [`IssueError::Config`] for an empty or over-long key id, or empty name or address.
    pub fn new(
        key: SecretKey,
        kid: &[u8],
        name: &str,
        status_uri: &str,
    ) -> Result<Issuer, IssueError> {
        if kid.is_empty() || kid.len() > MAX_KID_LEN {
            return Err(IssueError::Config("key id must be 1 to 16 bytes"));
        }
        if name.trim().is_empty() || status_uri.trim().is_empty() {
            return Err(IssueError::Config(
                "issuer name and status list address must not be empty",
            ));
        }
        Ok(Issuer {
            key,
            kid: kid.to_vec(),
            name: name.to_owned(),
            status_uri: status_uri.to_owned(),
        })
    }

    /// The key id.
    pub fn kid(&self) -> &[u8] {
        &self.kid
    }

    /// The public key verifiers will trust.
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    /// The trust-list entry for this issuer's key over a validity window.
    pub fn trust_entry(&self, not_before: UnixTime, not_after: UnixTime) -> TrustedIssuer {
        TrustedIssuer {
            kid: self.kid.clone(),
            public_key: self.public_key(),
            name: self.name.clone(),
            status_uri: self.status_uri.clone(),
            not_before,
            not_after,
        }
    }

    /// A fresh nonce to send to a holder before it makes a binding request.
    pub fn binding_nonce(rng: &mut impl CryptoRngCore) -> [u8; MIN_NONCE_LEN] {
        let mut nonce = [0u8; MIN_NONCE_LEN];
        rng.fill_bytes(&mut nonce);
        nonce
    }

    /// Issues a credential to a checked device binding (see
    /// [`crate::BindingRequest::check`]): validates the claims, commits to every
    /// claim with fresh salts and signs once. `issued_at` is rounded down to
    /// its UTC day; the credential is valid through the document's expiry date.
    /// One binding can receive several documents and their renewals.
    ///
    /// # Errors
    /// [`IssueError`] naming the invalid claim, or an expiry already past.
    pub fn issue(
        &self,
        claims: &Claims,
        binding: &DeviceBinding,
        status_index: u64,
        issued_at: UnixTime,
        rng: &mut impl CryptoRngCore,
    ) -> Result<HeldCredential, IssueError> {
        self.sign_credential(claims, Some(binding), None, status_index, issued_at, rng)
    }

    /// Issues the print-only credential of a document: the one its printable
    /// card carries as a static code. It binds no device key (no `cnf`), has
    /// its own commitment seeds and its own `status_index` (so a lost card
    /// is revoked without touching the phone's credential), and is renewed
    /// with the document (issue a new one for every new version). Give a
    /// dependent's card its guardian with `guardian_document_number`, as the
    /// phone credential has.
    ///
    /// # Errors
    /// As [`Issuer::issue_to_guardian`] for a guardian, as [`Issuer::issue`]
    /// otherwise.
    pub fn issue_print(
        &self,
        claims: &Claims,
        guardian_document_number: Option<u64>,
        status_index: u64,
        issued_at: UnixTime,
        rng: &mut impl CryptoRngCore,
    ) -> Result<HeldCredential, IssueError> {
        self.sign_credential(
            claims,
            None,
            guardian_document_number,
            status_index,
            issued_at,
            rng,
        )
    }

    /// Issues a dependent's credential (e.g. a child's national ID) to the
    /// checked device binding of the guardian whose document number is
    /// `guardian_document_number`, as [`Issuer::issue`] does otherwise. The
    /// guardian's wallet holds it and the guardian's device key presents it;
    /// the credential states the guardian's number in the clear, so a verifier
    /// learns the presenter is that guardian, not the subject
    /// ([`crate::Verdict::guardian`]). Checking that this person is the
    /// dependent's guardian and that the binding is the guardian's device is
    /// the issuing authority's enrolment process, outside this call.
    ///
    /// # Errors
    /// As [`Issuer::issue`], and [`IssueError::GuardianNumber`] for a guardian
    /// number that is not a valid document number, or
    /// [`IssueError::GuardianIsDependent`] when it is the dependent's own.
    pub fn issue_to_guardian(
        &self,
        claims: &Claims,
        guardian_binding: &DeviceBinding,
        guardian_document_number: u64,
        status_index: u64,
        issued_at: UnixTime,
        rng: &mut impl CryptoRngCore,
    ) -> Result<HeldCredential, IssueError> {
        self.sign_credential(
            claims,
            Some(guardian_binding),
            Some(guardian_document_number),
            status_index,
            issued_at,
            rng,
        )
    }

    /// Validates, commits and signs: the one path behind [`Issuer::issue`],
    /// [`Issuer::issue_to_guardian`] and [`Issuer::issue_print`] (no binding:
    /// a print-only credential).
    fn sign_credential(
        &self,
        claims: &Claims,
        binding: Option<&DeviceBinding>,
        guardian: Option<u64>,
        status_index: u64,
        issued_at: UnixTime,
        rng: &mut impl CryptoRngCore,
    ) -> Result<HeldCredential, IssueError> {
        let entries = claims.to_entries(issued_at)?;
        if let Some(number) = guardian {
            if !claims::is_document_number(number) {
                return Err(IssueError::GuardianNumber);
            }
            if number == claims.document_number {
                return Err(IssueError::GuardianIsDependent);
            }
        }
        let issued_day = u64::try_from(issued_at.0.div_euclid(SECONDS_PER_DAY))
            .map_err(|_| IssueError::TimeBeforeEpoch)?;
        let expiry_day = u64::try_from(claims.expiry_date.days_since_epoch() + 1)
            .map_err(|_| IssueError::AlreadyExpired)?;
        if expiry_day <= issued_day {
            return Err(IssueError::AlreadyExpired);
        }
        let values: BTreeMap<_, _> = entries.into_iter().collect();
        let seeds = Seeds::generate(rng);
        let tree = TreeCache::build(commitment::tree_for(claims.document_type), &values, &seeds);
        let info = CredentialInfo {
            kid: self.kid.clone(),
            issuer: self.name.clone(),
            issued_day,
            expiry_day,
            status_index,
            status_uri: self.status_uri.clone(),
            document_type: claims.document_type,
            document_version: claims.document_version,
            device_key: binding.map(DeviceBinding::device_key),
            root: tree.root(),
            guardian,
        };
        let sign1 = Sign1::sign(info.protected(), info.payload(), &self.key);
        Ok(HeldCredential::issued(
            Credential::new(sign1, info),
            values,
            seeds,
            tree,
        ))
    }

    /// Signs a status list for publication.
    pub fn sign_status_list(&self, list: &SignedStatusList) -> Vec<u8> {
        list.sign(&self.key, &self.kid)
    }
}
