//! The verifier side: a root-signed trust list, status lists, and the
//! verifier that turns QR text into a verdict.

use std::sync::{Arc, Mutex, MutexGuard};

use hawiya_core as core;

use crate::error::VerifyError;
use hawiya_core::{Policy, TrustedIssuer};

use crate::model::{Challenge, Verdict, VerifierMemory};
use crate::platform::{Clock, TimeSource};
use crate::presentation;

/// A trust list whose root signature was checked against the pinned root
/// key. Immutable; share it freely between wallets and verifiers.
#[derive(Debug, uniffi::Object)]
pub struct TrustList {
    inner: core::TrustList,
}

impl TrustList {
    pub(crate) fn core(&self) -> &core::TrustList {
        &self.inner
    }

    pub(crate) fn from_core(inner: core::TrustList) -> Arc<TrustList> {
        Arc::new(TrustList { inner })
    }
}

#[uniffi::export]
impl TrustList {
    /// Reads a signed trust list (`bytes`, as the issuer published it) and
    /// checks its signature with the root public key the app pins (32 bytes).
    #[uniffi::constructor]
    pub fn from_signed(
        bytes: Vec<u8>,
        root_public_key: Vec<u8>,
    ) -> Result<Arc<TrustList>, VerifyError> {
        let root = core::PublicKey::from_bytes(&root_public_key)
            .map_err(|_| VerifyError::InvalidPublicKey)?;
        Ok(TrustList::from_core(core::TrustList::from_signed(
            &bytes, &root,
        )?))
    }

    /// The list's version (a verifier refuses an older one).
    pub fn version(&self) -> u64 {
        self.inner.version
    }

    /// When it was issued (seconds since 1970).
    pub fn issued_at(&self) -> i64 {
        self.inner.issued_at.0
    }

    /// The issuer keys it names.
    pub fn issuers(&self) -> Vec<TrustedIssuer> {
        self.inner.issuers.clone()
    }
}

/// Verifies presentations offline and remembers recent ones to stop
/// replays. Safe to call from any thread (calls run one at a time).
#[derive(uniffi::Object)]
pub struct Verifier {
    inner: Mutex<core::Verifier>,
    time: TimeSource,
    /// How long a challenge stays answerable, in seconds after it was shown
    /// (the policy's freshness window plus its clock skew).
    challenge_secs: i64,
}

impl Verifier {
    fn lock(&self) -> MutexGuard<'_, core::Verifier> {
        // Verification leaves no half-made state behind: carry on after a
        // panic elsewhere.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn now(&self) -> Result<core::UnixTime, VerifyError> {
        self.time
            .now()
            .map_err(|reason| VerifyError::ClockUnavailable { reason })
    }

    fn build(inner: core::Verifier, policy: &Policy, clock: Option<Arc<dyn Clock>>) -> Arc<Self> {
        Arc::new(Verifier {
            inner: Mutex::new(inner),
            time: TimeSource::from_option(clock),
            challenge_secs: i64::from(policy.freshness_secs) + i64::from(policy.clock_skew_secs),
        })
    }
}

#[uniffi::export]
impl Verifier {
    /// A verifier over a checked trust list with a policy (`defaultPolicy()`
    /// suits a clerk scanning a phone). `clock`: `null`/`nil` for the system clock.
    #[uniffi::constructor]
    pub fn new(
        trust_list: Arc<TrustList>,
        policy: Policy,
        clock: Option<Arc<dyn Clock>>,
    ) -> Arc<Verifier> {
        let inner = core::Verifier::new(trust_list.inner.clone(), policy);
        Verifier::build(inner, &policy, clock)
    }

    /// Resumes a verifier with what it remembered before a restart (see
    /// `memory()`): replays of codes it accepted are still caught, and a trust
    /// list older than the newest it accepted is refused (`Rollback`).
    #[uniffi::constructor]
    pub fn with_memory(
        trust_list: Arc<TrustList>,
        policy: Policy,
        memory: VerifierMemory,
        clock: Option<Arc<dyn Clock>>,
    ) -> Result<Arc<Verifier>, VerifyError> {
        let inner =
            core::Verifier::with_memory(trust_list.inner.clone(), policy, &memory.to_core())?;
        Ok(Verifier::build(inner, &policy, clock))
    }

    /// What to store before the app stops, for `withMemory`.
    pub fn memory(&self) -> VerifierMemory {
        self.lock().memory().into()
    }

    /// Replaces the trust list with a newer one; an older version is refused.
    pub fn update_trust_list(&self, trust_list: Arc<TrustList>) -> Result<(), VerifyError> {
        Ok(self.lock().update_trust_list(trust_list.inner.clone())?)
    }

    /// The version of the trust list in use.
    pub fn trust_list_version(&self) -> u64 {
        self.lock().trust_list().version
    }

    /// Adds a signed status list (revocations; `bytes` as the issuer
    /// published it) after checking it against the trust list; an older list
    /// for the same address never replaces a newer one.
    pub fn add_status_list(&self, bytes: Vec<u8>) -> Result<(), VerifyError> {
        let mut verifier = self.lock();
        let list = core::SignedStatusList::from_signed(&bytes, verifier.trust_list())?;
        verifier.add_status_list(list);
        Ok(())
    }

    /// A fresh challenge to show the holder (six random digits and their QR
    /// code), issued now by the verifier's clock. Show it, then pass it to
    /// `verify` with the code the phone shows in answer.
    pub fn new_challenge(&self) -> Result<Challenge, VerifyError> {
        let issued = core::Challenge::generate(&mut rand_core::OsRng, self.now()?);
        let qr_text = issued.code().qr_text();
        let qr =
            presentation::qr_code_for_text(qr_text.clone()).map_err(|e| VerifyError::Other {
                reason: e.to_string(),
            })?;
        Ok(Challenge {
            code: issued.code().to_string(),
            grouped: issued.code().grouped(),
            qr_text,
            qr,
            issued_at: issued.issued_at().0,
            answerable_until: issued.issued_at().0.saturating_add(self.challenge_secs),
        })
    }

    /// Verifies QR text now (by the verifier's clock). When this verifier
    /// showed the holder a challenge (`newChallenge`), pass it: the code must
    /// answer it, and the verdict's assurance is then `Challenged`. Never
    /// throws for a bad code: the verdict says what failed.
    pub fn verify(
        &self,
        qr_text: String,
        challenge: Option<Challenge>,
    ) -> Result<Verdict, VerifyError> {
        let challenge = challenge
            .map(|c| c.to_core().ok_or(VerifyError::InvalidChallenge))
            .transpose()?;
        let now = self.now()?;
        Ok(self.lock().verify(&qr_text, now, challenge.as_ref()).into())
    }
}
