//! Shared fixtures for hawiya's integration and end-to-end tests: fixed keys,
//! sample documents and a deterministic random source, so test vectors are
//! reproducible byte for byte.

use hawiya_core::{
    BindingRequest, Challenge, ChallengeCode, Claims, Date, DocumentType, FixedClock,
    HeldCredential, Issuer, SecretKey, Sex, SignedStatusList, StatusList, TrustList, UnixTime,
};
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};

/// Issuance time of the fixtures: 2024-01-10T00:00:00Z.
pub const ISSUED_AT: UnixTime = UnixTime(1_704_844_800);
/// Presentation time of the fixtures: 100 s after issuance.
pub const PRESENTED_AT: UnixTime = UnixTime(1_704_844_900);
/// The fixture phone's clock: it always reads [`PRESENTED_AT`].
pub const PHONE_CLOCK: FixedClock = FixedClock(PRESENTED_AT);
/// The challenge code of the fixtures.
pub const CHALLENGE_CODE: u32 = 492_817;
/// Issuer key id of the fixtures.
pub const KID: &[u8] = b"\x01";
/// Issuer name of the fixtures.
pub const ISSUER_NAME: &str = "Test National ID Authority";
/// Status list address of the fixtures.
pub const STATUS_URI: &str = "https://status.example/1";
/// Issuer nonce of the fixtures.
pub const NONCE: [u8; 16] = [4; 16];
/// Guardian of the [`dependent`] fixture: the [`national_id`] holder, whose
/// device is the fixture device.
pub const GUARDIAN: u64 = 1_234_567_890;

/// A deterministic random source for test vectors only: SHA-256 of a label
/// and a counter. Never use it for real keys.
pub struct FixedRng {
    label: Vec<u8>,
    counter: u64,
}

impl FixedRng {
    /// A source seeded by a label.
    pub fn new(label: &str) -> FixedRng {
        FixedRng {
            label: label.as_bytes().to_vec(),
            counter: 0,
        }
    }
}

impl RngCore for FixedRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(32) {
            let block = Sha256::new()
                .chain_update(&self.label)
                .chain_update(self.counter.to_be_bytes())
                .finalize();
            self.counter += 1;
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for FixedRng {}

/// The fixture root key (signs the trust list).
pub fn root_key() -> SecretKey {
    SecretKey::from_bytes(&[1; 32])
}

/// The fixture issuer.
pub fn issuer() -> Issuer {
    match Issuer::new(
        SecretKey::from_bytes(&[2; 32]),
        KID,
        ISSUER_NAME,
        STATUS_URI,
    ) {
        Ok(i) => i,
        Err(e) => panic!("fixture issuer: {e}"),
    }
}

/// The fixture device key.
pub fn device_key() -> SecretKey {
    SecretKey::from_bytes(&[3; 32])
}

/// A trust list with the fixture issuer valid 2020-01-01 to 2040-01-01.
pub fn trust_list() -> TrustList {
    TrustList {
        version: 1,
        issued_at: UnixTime(1_700_000_000),
        issuers: vec![issuer().trust_entry(UnixTime(1_577_836_800), UnixTime(2_208_988_800))],
    }
}

fn date(s: &str) -> Date {
    match s.parse() {
        Ok(d) => d,
        Err(e) => panic!("fixture date {s}: {e}"),
    }
}

use hawiya_core::fixtures;

/// A citizen's national ID (the fixture every crate's tests share), with the
/// [`tiny_png`] portrait.
pub fn national_id() -> Claims {
    Claims {
        portrait: Some(tiny_png()),
        ..fixtures::national_id()
    }
}

/// A child's national ID, the dependent of the [`national_id`] holder
/// ([`GUARDIAN`]); issue it with [`issue_to_guardian`].
pub fn dependent() -> Claims {
    Claims {
        document_type: DocumentType::NationalId,
        document_number: 1_098_765_432,
        document_version: 1,
        name_ar: "سارة محمد الأحمد".to_owned(),
        name_en: "Sara Mohammed Alahmad".to_owned(),
        birth_date: date("2016-09-03"),
        sex: Sex::Female,
        nationality: "SAU".to_owned(),
        place_of_birth: "Riyadh".to_owned(),
        occupation: None,
        employer: None,
        issue_date: date("2024-01-10"),
        expiry_date: date("2029-01-09"),
        portrait: Some(tiny_png()),
    }
}

/// A resident's permit (iqama).
pub fn resident_permit() -> Claims {
    Claims {
        document_type: DocumentType::ResidentPermit,
        document_number: 2_345_678_901,
        document_version: 3,
        name_ar: "أنيتا كومار".to_owned(),
        name_en: "Anita Kumar".to_owned(),
        birth_date: date("2005-03-02"),
        sex: Sex::Female,
        nationality: "IND".to_owned(),
        place_of_birth: "Kochi".to_owned(),
        occupation: Some("Nurse".to_owned()),
        employer: Some("King Fahd Hospital".to_owned()),
        issue_date: date("2023-06-01"),
        expiry_date: date("2025-05-31"),
        portrait: None,
    }
}

pub use fixtures::tiny_png;

/// The challenge the fixture verifier showed 20 s before [`PRESENTED_AT`].
pub fn challenge() -> Challenge {
    match ChallengeCode::from_value(CHALLENGE_CODE) {
        Some(code) => Challenge::new(code, UnixTime(PRESENTED_AT.0 - 20)),
        None => panic!("fixture challenge code"),
    }
}

/// Issues `claims` to the fixture device with deterministic seeds.
pub fn issue(claims: &Claims, status_index: u64) -> HeldCredential {
    issue_with(claims, None, status_index)
}

/// Issues the print-only credential of `claims` (no device key) with
/// deterministic seeds of its own; `guardian` for a dependent's card.
pub fn issue_print(claims: &Claims, guardian: Option<u64>, status_index: u64) -> HeldCredential {
    let mut rng = FixedRng::new(match guardian {
        None => "hawiya test vectors: print",
        Some(_) => "hawiya test vectors: dependent print",
    });
    match issuer().issue_print(claims, guardian, status_index, ISSUED_AT, &mut rng) {
        Ok(held) => held,
        Err(e) => panic!("issue print credential: {e}"),
    }
}

/// The print credential of `claims` with fresh seeds, as bytes a wallet
/// imports with the credential from [`issue_to_wallet`].
pub fn issue_print_to_wallet(claims: &Claims, guardian: Option<u64>) -> Vec<u8> {
    let index = if guardian.is_some() { 10 } else { 9 };
    match issuer().issue_print(claims, guardian, index, ISSUED_AT, &mut rand_core::OsRng) {
        Ok(held) => held.to_bytes(),
        Err(e) => panic!("issue print credential: {e}"),
    }
}

/// Issues a dependent's `claims` with [`GUARDIAN`] as guardian to the fixture
/// device (the guardian's), with deterministic seeds of their own.
pub fn issue_to_guardian(claims: &Claims, status_index: u64) -> HeldCredential {
    issue_with(claims, Some(GUARDIAN), status_index)
}

fn issue_with(claims: &Claims, guardian: Option<u64>, status_index: u64) -> HeldCredential {
    let request = match BindingRequest::new(&device_key(), &NONCE) {
        Ok(r) => r,
        Err(e) => panic!("binding: {e}"),
    };
    let binding = match request.check(&NONCE) {
        Ok(b) => b,
        Err(e) => panic!("binding check: {e}"),
    };
    let issued = match guardian {
        None => {
            let mut rng = FixedRng::new("hawiya test vectors");
            issuer().issue(claims, &binding, status_index, ISSUED_AT, &mut rng)
        }
        Some(number) => {
            let mut rng = FixedRng::new("hawiya test vectors: dependent");
            issuer().issue_to_guardian(claims, &binding, number, status_index, ISSUED_AT, &mut rng)
        }
    };
    match issued {
        Ok(held) => held,
        Err(e) => panic!("issue: {e}"),
    }
}

/// A status list of `capacity` entries with `revoked` marked invalid, for the
/// fixture issuer's address, signed by the fixture issuer.
pub fn signed_status_list(
    capacity: u64,
    revoked: &[u64],
    issued_at: UnixTime,
    ttl: u64,
) -> Vec<u8> {
    let mut list = StatusList::new(capacity);
    for index in revoked {
        if let Err(e) = list.set_invalid(*index) {
            panic!("fixture status index: {e}");
        }
    }
    issuer().sign_status_list(&SignedStatusList {
        uri: STATUS_URI.into(),
        issued_at,
        ttl,
        list,
    })
}

/// A strong passphrase for fixture wallets.
pub const PASSPHRASE: &str = "olive-harbour-lantern-42";

/// Issues `claims` to a device key held inside a wallet: the wallet signs
/// the binding request over [`NONCE`], the fixture issuer checks it and
/// issues with fresh seeds. Returns the credential bytes the wallet imports.
pub fn issue_to_wallet(
    wallet: &hawiya_wallet::Wallet,
    device_key: &hawiya_core::PublicKey,
    claims: &Claims,
    guardian: Option<u64>,
) -> Vec<u8> {
    let request = match wallet.binding_request(device_key, &NONCE) {
        Ok(r) => r,
        Err(e) => panic!("wallet binding request: {e}"),
    };
    let binding = match request.check(&NONCE) {
        Ok(b) => b,
        Err(e) => panic!("binding check: {e}"),
    };
    let mut rng = rand_core::OsRng;
    let issued = match guardian {
        None => issuer().issue(claims, &binding, 7, ISSUED_AT, &mut rng),
        Some(g) => issuer().issue_to_guardian(claims, &binding, g, 8, ISSUED_AT, &mut rng),
    };
    match issued {
        Ok(held) => held.to_bytes(),
        Err(e) => panic!("issue: {e}"),
    }
}

/// A stand-in for a platform key store (Android Keystore, iOS Keychain):
/// wraps the data key by XOR with a fixed pad and a check tag. It can be told
/// to refuse, as a user failing biometrics would, or to cancel, as a user
/// tapping "Cancel" would. Tests only.
pub struct TestKeySource {
    pad: [u8; 32],
    /// When set, every unwrap is refused (user failed to authenticate).
    pub refuse: std::sync::atomic::AtomicBool,
    /// When set, every unwrap is cancelled (the prompt was dismissed).
    pub cancel: std::sync::atomic::AtomicBool,
    /// When set, every unwrap fails as if the platform key were invalidated.
    pub unavailable: std::sync::atomic::AtomicBool,
}

impl TestKeySource {
    /// A key source with a pad derived from `label`.
    pub fn new(label: &str) -> TestKeySource {
        let pad: [u8; 32] = Sha256::digest(label.as_bytes()).into();
        TestKeySource {
            pad,
            refuse: std::sync::atomic::AtomicBool::new(false),
            cancel: std::sync::atomic::AtomicBool::new(false),
            unavailable: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

impl hawiya_wallet::KeySource for TestKeySource {
    fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, hawiya_wallet::KeySourceError> {
        let mut out: Vec<u8> = data_key.iter().zip(self.pad).map(|(k, p)| k ^ p).collect();
        out.extend_from_slice(&Sha256::digest([&self.pad[..], data_key].concat())[..8]);
        Ok(out)
    }

    fn unwrap(&self, wrapped: &[u8]) -> Result<Vec<u8>, hawiya_wallet::KeySourceError> {
        if self.unavailable.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(hawiya_wallet::KeySourceError::Unavailable(
                "key permanently invalidated".into(),
            ));
        }
        if self.cancel.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(hawiya_wallet::KeySourceError::Cancelled);
        }
        if self.refuse.load(std::sync::atomic::Ordering::SeqCst) || wrapped.len() != 40 {
            return Err(hawiya_wallet::KeySourceError::Rejected);
        }
        let key: Vec<u8> = wrapped[..32]
            .iter()
            .zip(self.pad)
            .map(|(k, p)| k ^ p)
            .collect();
        if Sha256::digest([&self.pad[..], &key].concat())[..8] != wrapped[32..] {
            return Err(hawiya_wallet::KeySourceError::Rejected);
        }
        Ok(key)
    }
}
