//! The offline verifier: trust list + optional status lists + policy + the
//! time, passed in, and the challenge it showed, if any. Every check that can
//! run does, and each failure is a typed reason a clerk's screen can explain.
//! An accepted verdict states its [`Assurance`]: challenged, timed or
//! printed. Only disclosed claims come out, and only for an accepted
//! presentation.

use std::collections::{BTreeMap, HashMap};

use sha2::{Digest, Sha256};

use crate::challenge::{Challenge, ChallengeCode};
use crate::claims::{ClaimKey, ClaimValue, DocumentType};
use crate::commitment;
use crate::cose::Sign1;
use crate::credential::CredentialInfo;
use crate::date::UnixTime;
use crate::error::FormatError;
use crate::presentation::{self, Mode, ParsedPresentation};
use crate::status_list::SignedStatusList;
use crate::trust_list::{TrustList, TrustListError};

/// How strongly an accepted code ties the document to the person showing
/// it. Ordered from weakest to strongest, so a policy's minimum compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Assurance {
    /// The static code of a printed card (a print-only credential):
    /// issuer-signed only. Anyone holding a copy can show it; compare the
    /// photo and the name.
    Printed,
    /// Signed by the phone the ID was issued to, at the time its own clock
    /// reads, answering no challenge of this verifier. Whoever controls that
    /// phone's clock could have made it in advance, and within the freshness
    /// window it could have been shown elsewhere first.
    Timed,
    /// Signed by the phone the ID was issued to, over the challenge this
    /// verifier showed moments ago: it cannot have been made before.
    Challenged,
}

impl Assurance {
    /// Every level, weakest first.
    pub const ALL: [Assurance; 3] = [Assurance::Printed, Assurance::Timed, Assurance::Challenged];

    /// A stable snake_case code for scripts and JSON: `printed`, `timed`,
    /// `challenged`.
    pub fn code(self) -> &'static str {
        match self {
            Assurance::Printed => "printed",
            Assurance::Timed => "timed",
            Assurance::Challenged => "challenged",
        }
    }

    /// The level a code names, if it is one.
    pub fn from_code(code: &str) -> Option<Assurance> {
        Assurance::ALL.into_iter().find(|a| a.code() == code)
    }

    /// A sentence a verifier's screen can show.
    pub fn explain(self) -> &'static str {
        match self {
            Assurance::Printed => {
                "printed card: issuer-signed only, anyone with a copy can show it; compare the photo and the name"
            }
            Assurance::Timed => {
                "signed by the holder's phone by its own clock, without this verifier's challenge"
            }
            Assurance::Challenged => {
                "signed by the holder's phone over this verifier's challenge, just now"
            }
        }
    }
}

/// What a verifier tolerates. The defaults suit a clerk scanning a phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Clock difference tolerated between phone and verifier, in seconds.
    pub clock_skew_secs: u32,
    /// How old a device-bound presentation may be, in seconds; also how long
    /// a challenge stays answerable after it was shown.
    pub freshness_secs: u32,
    /// How old a status list may be before status counts as stale, in
    /// seconds (the list's own time to live also applies).
    pub max_status_age_secs: u64,
    /// Reject, rather than warn, when status is stale or unknown.
    pub require_fresh_status: bool,
    /// The weakest assurance accepted: [`Assurance::Printed`] accepts every
    /// genuine code, [`Assurance::Timed`] only phones, and
    /// [`Assurance::Challenged`] only phones answering the challenge this
    /// verifier showed.
    pub min_assurance: Assurance,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            clock_skew_secs: 30,
            freshness_secs: 120,
            max_status_age_secs: 7 * 24 * 3600,
            require_fresh_status: false,
            min_assurance: Assurance::Printed,
        }
    }
}

/// One failed check. Alphabetical.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A genuine code whose assurance is below the policy's minimum.
    AssuranceBelowMinimum {
        /// The code's assurance.
        found: Assurance,
        /// The policy's minimum.
        required: Assurance,
    },
    /// The device signature does not verify with the credential's `cnf` key:
    /// altered, or re-signed by another device.
    BadDeviceSignature,
    /// The issuer signature does not verify: the data was altered or forged.
    BadIssuerSignature,
    /// The code answers the challenge this verifier showed, but too late.
    ChallengeExpired {
        /// When the challenge was shown.
        issued_at: UnixTime,
    },
    /// The code answers another challenge than the one this verifier showed:
    /// the holder typed it wrong, or it was made for another verifier.
    ChallengeMismatch {
        /// The code the presentation answers.
        answered: ChallengeCode,
        /// The code this verifier showed.
        expected: ChallengeCode,
    },
    /// This verifier showed a challenge, and the code answers none (a timed
    /// phone code or a printed card).
    ChallengeNotAnswered,
    /// The credential's validity ended.
    CredentialExpired {
        /// When it expired.
        expired_at: UnixTime,
    },
    /// The credential is not valid yet.
    CredentialNotYetValid {
        /// When it becomes valid.
        valid_from: UnixTime,
    },
    /// The issuer key signed outside the validity the trust list gives it.
    IssuerKeyNotValid {
        /// When the credential was signed.
        signed_at: UnixTime,
        /// Start of the key's validity.
        not_before: UnixTime,
        /// End of the key's validity.
        not_after: UnixTime,
    },
    /// A phone-bound credential without its device signature: a phone's
    /// code with the device part removed (e.g. a cut screenshot). Such a
    /// credential is valid only as signed by its phone.
    DeviceSignatureRequired,
    /// Not a hawiya presentation, or damaged.
    Malformed(FormatError),
    /// The presentation's time is ahead of the verifier's clock.
    PresentationFromFuture {
        /// Seconds ahead.
        ahead_secs: u64,
    },
    /// The presentation is older than the freshness window (a screenshot or replay).
    PresentationStale {
        /// Its age in seconds.
        age_secs: u64,
    },
    /// This exact presentation was already accepted inside the window.
    Replayed,
    /// The status list marks the credential invalid (revoked or superseded).
    Revoked,
    /// The status list is too old and the policy requires fresh status.
    StatusStale {
        /// Its age in seconds.
        age_secs: u64,
    },
    /// No status list covers the credential and the policy requires one.
    StatusUnknown,
    /// The issuer key is not in the trust list.
    UnknownIssuerKey,
    /// The presentation uses a format version this verifier does not know.
    UnsupportedVersion {
        /// The version found.
        found: u64,
    },
}

impl Failure {
    /// A sentence a verifier's screen can show.
    pub fn explain(&self) -> String {
        match self {
            Failure::AssuranceBelowMinimum { found, required } => format!(
                "a {} code, and this verifier requires at least {}: {}",
                found.code(),
                required.code(),
                match required {
                    Assurance::Challenged => "show a challenge and ask for a code that answers it",
                    _ => "ask for a code from the holder's phone",
                }
            ),
            Failure::BadDeviceSignature => {
                "not signed by the phone the ID was issued to (altered or copied)".into()
            }
            Failure::BadIssuerSignature => {
                "issuer signature invalid: the data was altered or forged".into()
            }
            Failure::ChallengeExpired { .. } => {
                "answers this verifier's challenge, but too late: show a new challenge".into()
            }
            Failure::ChallengeMismatch { answered, expected } => format!(
                "answers challenge {}, but this verifier showed {}: ask the holder to enter the code again",
                answered.grouped(),
                expected.grouped()
            ),
            Failure::ChallengeNotAnswered => {
                "this verifier showed a challenge and the code does not answer it: ask the holder to scan or type the challenge in the wallet app".into()
            }
            Failure::CredentialExpired { .. } => "the ID has expired".into(),
            Failure::CredentialNotYetValid { .. } => "the ID is not valid yet".into(),
            Failure::DeviceSignatureRequired => {
                "a phone's code with its phone signature removed (e.g. a cut screenshot): this ID is valid only as signed by the holder's phone".into()
            }
            Failure::IssuerKeyNotValid { .. } => {
                "signed with an issuer key outside its validity period".into()
            }
            Failure::Malformed(e) => format!("not a readable ID code: {e}"),
            Failure::PresentationFromFuture { ahead_secs } => {
                format!("made {ahead_secs} s in the future: check the clocks")
            }
            Failure::PresentationStale { age_secs } => {
                format!(
                    "made {age_secs} s ago: too old, ask for a fresh code (screenshot or replay?)"
                )
            }
            Failure::Replayed => "this exact code was already scanned: ask for a fresh code".into(),
            Failure::Revoked => "the ID was revoked or replaced by a newer version".into(),
            Failure::StatusStale { age_secs } => {
                format!("revocation list is {age_secs} s old: update it")
            }
            Failure::StatusUnknown => {
                "revocation status unknown: load the issuer's status list".into()
            }
            Failure::UnknownIssuerKey => "issued by a key not in the trust list".into(),
            Failure::UnsupportedVersion { found } => {
                format!("format version {found} is not supported: update the app")
            }
        }
    }

    /// A stable snake_case code for scripts and JSON.
    pub fn code(&self) -> &'static str {
        match self {
            Failure::AssuranceBelowMinimum { .. } => "assurance_below_minimum",
            Failure::BadDeviceSignature => "bad_device_signature",
            Failure::BadIssuerSignature => "bad_issuer_signature",
            Failure::ChallengeExpired { .. } => "challenge_expired",
            Failure::ChallengeMismatch { .. } => "challenge_mismatch",
            Failure::ChallengeNotAnswered => "challenge_not_answered",
            Failure::CredentialExpired { .. } => "credential_expired",
            Failure::CredentialNotYetValid { .. } => "credential_not_yet_valid",
            Failure::DeviceSignatureRequired => "device_signature_required",
            Failure::IssuerKeyNotValid { .. } => "issuer_key_not_valid",
            Failure::Malformed(_) => "malformed",
            Failure::PresentationFromFuture { .. } => "presentation_from_future",
            Failure::PresentationStale { .. } => "presentation_stale",
            Failure::Replayed => "replayed",
            Failure::Revoked => "revoked",
            Failure::StatusStale { .. } => "status_stale",
            Failure::StatusUnknown => "status_unknown",
            Failure::UnknownIssuerKey => "unknown_issuer_key",
            Failure::UnsupportedVersion { .. } => "unsupported_version",
        }
    }
}

/// Something the verifier should know that does not, under the policy, reject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// A printed card's static code: anyone holding a copy can show it.
    StaticLowerAssurance,
    /// The status list is older than the policy or its time to live allows.
    StatusStale {
        /// Its age in seconds.
        age_secs: u64,
    },
    /// No status list covers this credential.
    StatusUnknown,
}

impl Warning {
    /// A sentence a verifier's screen can show.
    pub fn explain(&self) -> String {
        match self {
            Warning::StaticLowerAssurance => {
                "printed (static) code: lower assurance, not bound to the holder's phone; check the photo ID".into()
            }
            Warning::StatusStale { age_secs } => {
                format!("revocation list is {age_secs} s old: a recent revocation may be missed")
            }
            Warning::StatusUnknown => "revocation status unknown: no status list loaded for this issuer".into(),
        }
    }

    /// A stable snake_case code for scripts and JSON.
    pub fn code(&self) -> &'static str {
        match self {
            Warning::StaticLowerAssurance => "static_lower_assurance",
            Warning::StatusStale { .. } => "status_stale",
            Warning::StatusUnknown => "status_unknown",
        }
    }
}

/// The outcome of verifying one presentation.
///
/// When the presentation is rejected, `mode`, `document_type`,
/// `document_version`, `guardian`, `expires_at` and `presented_at` are what
/// the code *claims* (useful to explain the rejection, e.g. "expired national
/// ID"), not verified facts, `assurance` is `None` and `claims` is empty.
/// Only an accepted verdict is evidence, and only to its `assurance`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Every failed check; empty means accepted.
    pub failures: Vec<Failure>,
    /// Notes that do not reject.
    pub warnings: Vec<Warning>,
    /// How strongly the accepted code ties the document to the person
    /// showing it: challenged, timed or printed. `None` unless accepted.
    pub assurance: Option<Assurance>,
    /// Device-bound or static, once the structure was readable.
    pub mode: Option<Mode>,
    /// Document type, once the structure was readable.
    pub document_type: Option<DocumentType>,
    /// Document version, once the structure was readable.
    pub document_version: Option<u32>,
    /// For a dependent's credential, once the structure was readable: the
    /// document number of its guardian. The presenter of a phone code holds
    /// the device key of this guardian, not of the subject whose claims are
    /// shown: a verifier that needs the presenter's identity asks for the
    /// guardian's own ID. (A printed card is shown by whoever holds it.)
    /// `None` for an ordinary credential.
    pub guardian: Option<u64>,
    /// Issuer name from the trust list, when the key is known.
    pub issuer: Option<String>,
    /// When the credential expires, once readable.
    pub expires_at: Option<UnixTime>,
    /// When the device signed, for device-bound presentations.
    pub presented_at: Option<UnixTime>,
    /// The disclosed claims; empty unless accepted.
    pub claims: Vec<(ClaimKey, ClaimValue)>,
}

impl Verdict {
    /// Whether every check passed.
    pub fn is_accepted(&self) -> bool {
        self.failures.is_empty()
    }

    fn rejected(failure: Failure) -> Verdict {
        Verdict {
            failures: vec![failure],
            warnings: Vec::new(),
            assurance: None,
            mode: None,
            document_type: None,
            document_version: None,
            guardian: None,
            issuer: None,
            expires_at: None,
            presented_at: None,
            claims: Vec::new(),
        }
    }
}

/// What a verifier carries from one run to the next, so a restart neither
/// forgets recent scans (replays) nor accepts an older trust list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifierMemory {
    /// Version of the newest trust list accepted.
    pub trust_list_version: u64,
    /// Accepted device-bound presentations: SHA-256 of the device signature
    /// and the presentation time. Entries older than the freshness window
    /// are dropped at the next verification.
    pub recent: Vec<([u8; 32], i64)>,
}

/// Verifies presentations offline and remembers recent ones to stop replays.
#[derive(Debug)]
pub struct Verifier {
    trust: TrustList,
    status: BTreeMap<String, SignedStatusList>,
    policy: Policy,
    /// Hash of an accepted device signature → its presentation time.
    seen: HashMap<[u8; 32], i64>,
}

impl Verifier {
    /// A verifier over a trust list already checked against the pinned root
    /// ([`TrustList::from_signed`]).
    pub fn new(trust: TrustList, policy: Policy) -> Verifier {
        Verifier {
            trust,
            status: BTreeMap::new(),
            policy,
            seen: HashMap::new(),
        }
    }

    /// Resumes a verifier with what it remembered in an earlier run (see
    /// [`Verifier::memory`]): replays of codes it accepted are still caught,
    /// and a trust list older than the newest it accepted is refused.
    ///
    /// # Errors
    /// [`TrustListError::Rollback`] if `trust` is older than the remembered version.
    pub fn with_memory(
        trust: TrustList,
        policy: Policy,
        memory: &VerifierMemory,
    ) -> Result<Verifier, TrustListError> {
        trust.check_not_older_than(memory.trust_list_version)?;
        let mut verifier = Verifier::new(trust, policy);
        verifier.seen = memory.recent.iter().copied().collect();
        Ok(verifier)
    }

    /// What this verifier must remember across restarts: the trust-list
    /// version in use and the recently accepted device-bound presentations.
    pub fn memory(&self) -> VerifierMemory {
        let mut recent: Vec<([u8; 32], i64)> = self.seen.iter().map(|(k, t)| (*k, *t)).collect();
        recent.sort_unstable();
        VerifierMemory {
            trust_list_version: self.trust.version,
            recent,
        }
    }

    /// The trust list in use.
    pub fn trust_list(&self) -> &TrustList {
        &self.trust
    }

    /// Replaces the trust list with a newer one; an older version is refused.
    ///
    /// # Errors
    /// [`TrustListError::Rollback`] if `newer` is older than the one in use.
    pub fn update_trust_list(&mut self, newer: TrustList) -> Result<(), TrustListError> {
        newer.check_not_older_than(self.trust.version)?;
        self.trust = newer;
        Ok(())
    }

    /// Adds a status list (already checked with [`SignedStatusList::from_signed`]);
    /// an older list for the same address never replaces a newer one.
    pub fn add_status_list(&mut self, list: SignedStatusList) {
        match self.status.get(&list.uri) {
            Some(existing) if existing.issued_at > list.issued_at => {}
            _ => {
                self.status.insert(list.uri.clone(), list);
            }
        }
    }

    /// Verifies QR text at time `now`. When this verifier showed the holder a
    /// challenge, pass it: the code must then answer it, and an accepted one
    /// is [`Assurance::Challenged`]. Without one, a phone's code is at most
    /// [`Assurance::Timed`].
    pub fn verify(
        &mut self,
        qr_text: &str,
        now: UnixTime,
        challenge: Option<&Challenge>,
    ) -> Verdict {
        match presentation::parse_qr_text(qr_text) {
            Ok(p) => self.verify_parsed(&p, now, challenge),
            Err(FormatError::UnsupportedVersion { found, .. }) => {
                Verdict::rejected(Failure::UnsupportedVersion { found })
            }
            Err(e) => Verdict::rejected(Failure::Malformed(e)),
        }
    }

    fn verify_parsed(
        &mut self,
        p: &ParsedPresentation,
        now: UnixTime,
        challenge: Option<&Challenge>,
    ) -> Verdict {
        let policy = self.policy;
        let skew = i64::from(policy.clock_skew_secs);
        let mut failures = Vec::new();
        let mut warnings = Vec::new();
        let mode = if p.device.is_some() {
            Mode::DeviceBound
        } else {
            Mode::Static
        };
        let mut verdict = Verdict {
            failures: Vec::new(),
            warnings: Vec::new(),
            assurance: None,
            mode: Some(mode),
            document_type: Some(p.document_type),
            document_version: Some(p.document_version),
            guardian: p.guardian,
            issuer: None,
            expires_at: None,
            presented_at: p
                .device
                .as_ref()
                .and_then(|d| i64::try_from(d.ts).ok())
                .map(UnixTime),
            claims: Vec::new(),
        };
        let first_second = |day: u64| {
            i64::try_from(day)
                .ok()
                .and_then(|d| d.checked_mul(crate::date::SECONDS_PER_DAY))
        };
        let (Some(issued_at), Some(expires_at)) =
            (first_second(p.issued_day), first_second(p.expiry_day))
        else {
            verdict.failures.push(Failure::Malformed(FormatError::field(
                "presentation",
                "validity days",
            )));
            return verdict;
        };
        verdict.expires_at = Some(UnixTime(expires_at));

        // 1. Issuer key and issuer signature over the rebuilt credential.
        match self.trust.issuer(&p.kid) {
            None => failures.push(Failure::UnknownIssuerKey),
            Some(entry) => {
                verdict.issuer = Some(entry.name.clone());
                let signed_at = UnixTime(issued_at);
                if signed_at < entry.not_before || signed_at > entry.not_after {
                    failures.push(Failure::IssuerKeyNotValid {
                        signed_at,
                        not_before: entry.not_before,
                        not_after: entry.not_after,
                    });
                }
                let tree = commitment::tree_for(p.document_type);
                match commitment::reconstruct(tree, &p.encoded_claims, &p.proof) {
                    Err(_) => failures.push(Failure::Malformed(FormatError::field(
                        "presentation",
                        "proof length",
                    ))),
                    Ok(root) => {
                        let info = CredentialInfo {
                            kid: p.kid.clone(),
                            issuer: entry.name.clone(),
                            issued_day: p.issued_day,
                            expiry_day: p.expiry_day,
                            status_index: p.status_index,
                            status_uri: entry.status_uri.clone(),
                            document_type: p.document_type,
                            document_version: p.document_version,
                            device_key: p.device_key,
                            root,
                            guardian: p.guardian,
                        };
                        let sign1 = Sign1 {
                            protected: info.protected(),
                            payload: info.payload(),
                            signature: p.issuer_signature,
                        };
                        if !sign1.verify(&entry.public_key) {
                            failures.push(Failure::BadIssuerSignature);
                        }
                        self.check_status(
                            &entry.status_uri,
                            p.status_index,
                            now,
                            &mut failures,
                            &mut warnings,
                        );
                    }
                }
            }
        }

        // 2. Validity period.
        if now.0.saturating_add(skew) < issued_at {
            failures.push(Failure::CredentialNotYetValid {
                valid_from: UnixTime(issued_at),
            });
        }
        if now.0.saturating_sub(skew) >= expires_at {
            failures.push(Failure::CredentialExpired {
                expired_at: UnixTime(expires_at),
            });
        }

        // 3. Device binding, freshness, challenge; `level` is the assurance
        // the code reaches if nothing else fails.
        let mut replay_key = None;
        let mut level = None;
        match (&p.device, &p.device_key) {
            (None, None) => {
                // A print-only credential's static code (the issuer signature
                // above was checked over a credential without `cnf`).
                // A verifier that showed a challenge is waiting for a phone:
                // the code reaches no level there.
                if challenge.is_some() {
                    failures.push(Failure::ChallengeNotAnswered);
                } else {
                    level = Some(Assurance::Printed);
                }
            }
            (None, Some(_)) => {
                // A phone-bound credential is valid only as signed by its
                // phone: this is a phone's code with the device part removed.
                failures.push(Failure::DeviceSignatureRequired);
            }
            (Some(device), device_key) => {
                // The parser refuses a device part without a device key.
                if !device_key
                    .is_some_and(|key| key.verify(&device.signed_bytes, &device.signature))
                {
                    failures.push(Failure::BadDeviceSignature);
                }
                let ts = i64::try_from(device.ts).unwrap_or(i64::MAX);
                if ts > now.0.saturating_add(skew) {
                    failures.push(Failure::PresentationFromFuture {
                        ahead_secs: ts.abs_diff(now.0),
                    });
                } else if now.0.saturating_sub(ts) > i64::from(policy.freshness_secs) + skew {
                    failures.push(Failure::PresentationStale {
                        age_secs: now.0.abs_diff(ts),
                    });
                }
                match (challenge, device.challenge) {
                    (None, _) => level = Some(Assurance::Timed),
                    (Some(_), None) => failures.push(Failure::ChallengeNotAnswered),
                    (Some(expected), Some(answered)) if answered != expected.code() => {
                        failures.push(Failure::ChallengeMismatch {
                            answered,
                            expected: expected.code(),
                        });
                    }
                    (Some(expected), Some(_)) => {
                        if expected.is_open_at(now, policy.freshness_secs, policy.clock_skew_secs) {
                            level = Some(Assurance::Challenged);
                        } else {
                            failures.push(Failure::ChallengeExpired {
                                issued_at: expected.issued_at(),
                            });
                        }
                    }
                }
                replay_key = Some((Sha256::digest(device.signature).into(), ts));
            }
        }
        match level {
            Some(found) if found < policy.min_assurance => {
                failures.push(Failure::AssuranceBelowMinimum {
                    found,
                    required: policy.min_assurance,
                });
            }
            Some(Assurance::Printed) => warnings.push(Warning::StaticLowerAssurance),
            _ => {}
        }

        // 4. Replay: only a presentation that passed everything else counts as seen.
        if let Some((key, ts)) = replay_key {
            let horizon = now
                .0
                .saturating_sub(i64::from(policy.freshness_secs) + 2 * skew);
            self.seen.retain(|_, t| *t >= horizon);
            if failures.is_empty() && self.seen.insert(key, ts).is_some() {
                failures.push(Failure::Replayed);
            }
        }

        if failures.is_empty() {
            verdict.claims = p.claims.clone();
            verdict.assurance = level;
        }
        verdict.failures = failures;
        verdict.warnings = warnings;
        verdict
    }

    fn check_status(
        &self,
        uri: &str,
        index: u64,
        now: UnixTime,
        failures: &mut Vec<Failure>,
        warnings: &mut Vec<Warning>,
    ) {
        let (revoked, problem) = match self.status.get(uri) {
            None => (false, Some(Warning::StatusUnknown)),
            Some(list) => match list.list.is_invalid(index) {
                Err(_) => (false, Some(Warning::StatusUnknown)),
                Ok(revoked) => (revoked, self.staleness(list, now)),
            },
        };
        if revoked {
            failures.push(Failure::Revoked);
        }
        // Unknown or stale status warns, or rejects under a strict policy.
        match problem {
            Some(Warning::StatusStale { age_secs }) if self.policy.require_fresh_status => {
                failures.push(Failure::StatusStale { age_secs });
            }
            Some(_) if self.policy.require_fresh_status => failures.push(Failure::StatusUnknown),
            Some(warning) => warnings.push(warning),
            None => {}
        }
    }

    /// A stale-status warning if the list is older than its time to live or
    /// the policy's maximum age, or dated beyond the clock skew ahead of `now`.
    fn staleness(&self, list: &SignedStatusList, now: UnixTime) -> Option<Warning> {
        let age = now.0.saturating_sub(list.issued_at.0);
        let limit = list.ttl.min(self.policy.max_status_age_secs);
        let skew = i64::from(self.policy.clock_skew_secs);
        (age < -skew || (age > 0 && age.unsigned_abs() > limit)).then_some(Warning::StatusStale {
            age_secs: age.unsigned_abs(),
        })
    }
}
