//! Benchmarks of the encrypted SQLite wallet holding 1,000 national-ID
//! credentials: unlock (with the Argon2id time reported apart), import, list
//! and present-from-store against an in-memory presentation, with the ratios
//! computed from the same run.
//!
//! Setup, per location: a wallet file created with a passphrase at
//! [`KdfParams::OWASP_MINIMUM`], one device key made inside the wallet, and
//! `STORED` credentials with distinct document numbers, each issued to the
//! wallet's binding request and imported. The file is then copied: the open
//! and unlock benchmarks use copies of their own, so the log and WAL the
//! present benchmarks grow do not slow them (one copy is moved to a trivial,
//! in-bench [`KeySource`] to time an unlock without a KDF), and another copy
//! takes the import benchmarks, so the measured wallet keeps exactly `STORED`
//! documents. The import copy is put back to
//! `STORED` documents (outside the timing) whenever new imports would take
//! it past `IMPORT_HEADROOM` more. The locations are
//! `std::env::temp_dir()` and, if present, `/dev/shm` (tmpfs), because every
//! wallet commit is durable (WAL, `synchronous = FULL`) and `fsync` costs
//! differ widely between them.
//!
//! With the harness it shares with `core.rs` (`benches/harness`), every
//! benchmark records its samples; after the last benchmark this prints a
//! summary (mean and median per benchmark, from criterion's measurement
//! samples only) and ratios from an extra *interleaved* measurement: per
//! round each side runs a few short batches (the order alternating between
//! rounds), each side's fastest batch counts, and the median over the rounds
//! is printed next to the ratio of criterion's means. The present path is
//! also broken down into parts measured from outside the wallet; the log
//! append is the remainder.
//!
//! Run: `cargo bench -p hawiya-wallet --bench wallet` (about two minutes).

#[path = "../../core/benches/harness/mod.rs"]
mod harness;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode};
use harness::{fmt_time, time_loop, BatchSizes, Interleave, Paired, Samples, Stats};
use hawiya_core::{
    Claims, DeviceBinding, Disclosure, FixedClock, HeldCredential, Issuer, Policy, Presentation,
    SecretKey, TrustList, UnixTime, Verifier,
};
use hawiya_wallet::{
    ImportOutcome, KdfParams, KeySource, KeySourceError, Protection, Showing, Wallet, WalletOptions,
};
use rand_core::OsRng;
use rusqlite::Connection;

/// Credentials in each measured wallet.
const STORED: usize = 1_000;
/// Credentials when criterion only smoke-tests (`cargo test --benches`).
const SMOKE_STORED: usize = 20;

/// Samples per benchmark (criterion's measurement calls).
const SAMPLE_SIZE: usize = 20;
const WARM_UP: Duration = Duration::from_millis(300);
const MEASUREMENT: Duration = Duration::from_secs(2);
/// Interleaved ratio measurement: rounds per ratio, timed batches per side
/// and round (the fastest counts), and the time of one batch (at least one
/// call). Ratios over millisecond-scale calls use the `SLOW_` counts.
const PAIRED_ROUNDS: usize = 30;
const PAIRED_BATCHES: usize = 8;
const SLOW_PAIRED_ROUNDS: usize = 10;
const SLOW_PAIRED_BATCHES: usize = 3;
const PAIRED_BATCH: Duration = Duration::from_micros(500);

const ISSUED_AT: UnixTime = UnixTime(1_704_844_800);
const NOW: UnixTime = UnixTime(1_704_844_900);
/// The phone's clock in the benchmarks: it reads [`NOW`].
const CLOCK: FixedClock = FixedClock(NOW);
const NONCE: [u8; 16] = [4; 16];
const PASSPHRASE: &str = "olive-harbour-lantern-42";
const KDF_SALT: [u8; 16] = [9; 16];
/// First document number of the stored credentials, and of the ones the
/// import benchmark adds.
const STORED_BASE: u64 = 1_100_000_000;
const FRESH_BASE: u64 = 1_200_000_000;
/// Stride through the stored documents, so consecutive lookups hit
/// different rows (coprime with `STORED`).
const STRIDE: usize = 397;
/// New documents the import copy may gain before it is reset.
const IMPORT_HEADROOM: usize = 100;
/// Size of a sealed presentation-log row, for the raw SQLite baselines.
const LOG_ROW_LEN: usize = 96;

// Benchmark names. The memory group's run once; the others once per location.
const MEMORY: &str = "memory";
const KDF: &str = "kdf_owasp_minimum";
const KEY_REBUILD: &str = "secret_key_from_bytes";
const PRESENT_MEMORY: &str = "present_in_memory";
const OPEN: &str = "open";
const UNLOCK_PASSPHRASE: &str = "open_unlock_passphrase";
const UNLOCK_KEY_SOURCE: &str = "open_unlock_key_source";
const IMPORT_NEW: &str = "import_new";
const IMPORT_RENEWAL: &str = "import_renewal";
const LIST: &str = "list_documents";
const DOCUMENT: &str = "document_lookup";
const PRESENT_STORE: &str = "present_from_store";
const SHOWING_REFRESH: &str = "showing_refresh";
const SQL_FULL: &str = "sqlite_commit_full";
const SQL_NORMAL: &str = "sqlite_commit_normal";

const MEMORY_BENCHES: [&str; 3] = [KDF, KEY_REBUILD, PRESENT_MEMORY];
const LOCATION_BENCHES: [&str; 11] = [
    OPEN,
    UNLOCK_PASSPHRASE,
    UNLOCK_KEY_SOURCE,
    IMPORT_NEW,
    IMPORT_RENEWAL,
    LIST,
    DOCUMENT,
    PRESENT_STORE,
    SHOWING_REFRESH,
    SQL_FULL,
    SQL_NORMAL,
];

/// A benchmark: (criterion group, name).
type Id = (&'static str, &'static str);

/// One printed ratio per location: `num / sum(den)`, names resolved in the
/// location's group unless they are memory benchmarks.
struct RatioSpec {
    num: &'static str,
    den: &'static [&'static str],
    den_label: &'static str,
    goal: Option<f64>,
    slow: bool,
}

const RATIOS: [RatioSpec; 7] = [
    RatioSpec {
        num: PRESENT_STORE,
        den: &[PRESENT_MEMORY],
        den_label: PRESENT_MEMORY,
        goal: Some(2.0),
        slow: false,
    },
    // A live code's refresh within one showing (one log entry per showing).
    RatioSpec {
        num: SHOWING_REFRESH,
        den: &[PRESENT_MEMORY],
        den_label: PRESENT_MEMORY,
        goal: Some(2.0),
        slow: false,
    },
    RatioSpec {
        num: DOCUMENT,
        den: &[PRESENT_MEMORY],
        den_label: PRESENT_MEMORY,
        goal: None,
        slow: false,
    },
    RatioSpec {
        num: PRESENT_STORE,
        den: &[DOCUMENT, KEY_REBUILD, PRESENT_MEMORY, SQL_FULL],
        den_label:
            "(document_lookup + secret_key_from_bytes + present_in_memory + sqlite_commit_full)",
        goal: None,
        slow: false,
    },
    RatioSpec {
        num: SQL_FULL,
        den: &[SQL_NORMAL],
        den_label: SQL_NORMAL,
        goal: None,
        slow: false,
    },
    RatioSpec {
        num: UNLOCK_PASSPHRASE,
        den: &[KDF],
        den_label: KDF,
        goal: None,
        slow: true,
    },
    RatioSpec {
        num: UNLOCK_KEY_SOURCE,
        den: &[OPEN],
        den_label: OPEN,
        goal: None,
        slow: true,
    },
];

/// Every `iter_custom` call of this run.
static SAMPLES: Samples<Id> = Samples::new();

/// A wallet benchmark.
type Bench<'a> = harness::Bench<'a, Id>;

/// A platform key store stand-in: XOR with a constant. Only here so an unlock
/// can be timed without the passphrase KDF.
struct XorKeySource;

impl KeySource for XorKeySource {
    fn wrap(&self, data_key: &[u8]) -> Result<Vec<u8>, KeySourceError> {
        Ok(data_key.iter().map(|b| b ^ 0x5a).collect())
    }

    fn unwrap(&self, wrapped: &[u8]) -> Result<Vec<u8>, KeySourceError> {
        self.wrap(wrapped)
    }
}

/// A citizen's national ID, the benches' fixture with the given number and
/// version and the tiny PNG portrait.
fn national_id(number: u64, version: u32) -> Claims {
    Claims {
        document_number: number,
        document_version: version,
        portrait: Some(harness::fixtures::tiny_png()),
        ..harness::fixtures::national_id()
    }
}

/// What every location shares: the issuer, its trust list, the in-memory
/// device key and a credential bound to it.
struct Shared {
    issuer: Issuer,
    trust: TrustList,
    options: WalletOptions,
    device: SecretKey,
    device_bytes: [u8; 32],
    held: HeldCredential,
}

fn shared() -> Shared {
    let issuer = Issuer::new(
        SecretKey::from_bytes(&[2; 32]),
        b"\x01",
        "Test National ID Authority",
        "https://status.example/1",
    )
    .expect("fixture issuer");
    let trust = TrustList {
        version: 1,
        issued_at: UnixTime(1_700_000_000),
        issuers: vec![issuer.trust_entry(UnixTime(1_577_836_800), UnixTime(2_208_988_800))],
    };
    let device_bytes = [3; 32];
    let device = SecretKey::from_bytes(&device_bytes);
    let binding = hawiya_core::BindingRequest::new(&device, &NONCE)
        .expect("binding request")
        .check(&NONCE)
        .expect("binding check");
    let held = issuer
        .issue(
            &national_id(STORED_BASE, 1),
            &binding,
            0,
            ISSUED_AT,
            &mut OsRng,
        )
        .expect("issue in-memory credential");
    Shared {
        issuer,
        trust,
        options: WalletOptions {
            kdf: KdfParams::OWASP_MINIMUM,
            ..WalletOptions::default()
        },
        device,
        device_bytes,
        held,
    }
}

/// One location's wallets and raw SQLite baselines.
struct Location {
    group: &'static str,
    dir: PathBuf,
    /// The measured wallet: `numbers.len()` documents, unlocked.
    wallet: Wallet,
    /// A showing of the first document in the measured wallet.
    showing: Showing,
    /// A copy for the open and passphrase-unlock benchmarks (the measured
    /// wallet's log and WAL grow as it presents).
    unlock_path: PathBuf,
    /// A copy protected by [`XorKeySource`].
    key_source_path: PathBuf,
    /// A copy that takes the imports, unlocked, with the new documents it
    /// gained since its last reset and the most it ever held.
    import: RefCell<Option<Wallet>>,
    import_path: PathBuf,
    import_added: Cell<usize>,
    import_most: Cell<usize>,
    /// The closed file with the `STORED` documents, to reset the copy from.
    pristine_path: PathBuf,
    binding: DeviceBinding,
    numbers: Vec<u64>,
    /// Single-row durable commits as the log append makes them, with
    /// `synchronous = FULL` (the wallet's setting) and `NORMAL`.
    raw_full: Connection,
    raw_normal: Connection,
    setup_time: Duration,
}

impl Drop for Location {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Copies a closed wallet file (and its WAL, if one is left).
fn copy_wallet(from: &Path, to: &Path) {
    std::fs::copy(from, to).expect("copy wallet file");
    let wal = |p: &Path| PathBuf::from(format!("{}-wal", p.display()));
    if wal(from).exists() {
        std::fs::copy(wal(from), wal(to)).expect("copy wallet WAL");
    }
}

impl Location {
    /// Makes room for `adding` new documents in the import copy: if it would
    /// pass `IMPORT_HEADROOM` new ones, closes it, copies the pristine file
    /// over it and unlocks it again.
    fn import_room(&self, f: &Shared, adding: usize) {
        let added = self.import_added.get();
        if added > 0 && added + adding > IMPORT_HEADROOM {
            let mut import = self.import.borrow_mut();
            // Close the copy before replacing its file.
            drop(import.take());
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", self.import_path.display()));
            }
            copy_wallet(&self.pristine_path, &self.import_path);
            *import = Some(open_unlocked(&self.import_path, f));
            self.import_added.set(0);
        }
        self.import_added.set(self.import_added.get() + adding);
        let held = self.numbers.len() + self.import_added.get();
        self.import_most.set(self.import_most.get().max(held));
    }
}

fn open_unlocked(path: &Path, f: &Shared) -> Wallet {
    let wallet = Wallet::open(path, &f.options).expect("open wallet");
    wallet
        .unlock(Protection::Passphrase(PASSPHRASE), NOW)
        .expect("unlock wallet");
    wallet
}

/// A raw SQLite file configured like the wallet's, with a log table.
fn raw_sqlite(path: &Path, synchronous: &str) -> Connection {
    let conn = Connection::open(path).expect("open raw SQLite file");
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .expect("WAL");
    assert!(mode.eq_ignore_ascii_case("wal"), "journal mode {mode}");
    conn.execute_batch(&format!(
        "PRAGMA synchronous = {synchronous};
         PRAGMA secure_delete = ON;
         CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, sealed BLOB NOT NULL) STRICT;"
    ))
    .expect("configure raw SQLite file");
    conn
}

/// One log row appended the way the wallet does: read the next id, insert,
/// commit.
fn raw_append(conn: &Connection, row: &[u8]) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    let id: i64 = tx.query_row(
        "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'log'), 0) + 1",
        [],
        |r| r.get(0),
    )?;
    tx.prepare_cached("INSERT INTO log (id, sealed) VALUES (?1, ?2)")?
        .execute(rusqlite::params![id, row])?;
    tx.commit()
}

fn setup(group: &'static str, dir: PathBuf, f: &Shared, stored: usize) -> Location {
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create bench directory");
    let wallet_path = dir.join("wallet.db");
    let started = Instant::now();
    let wallet = Wallet::create(&wallet_path, Protection::Passphrase(PASSPHRASE), &f.options)
        .expect("create wallet");
    let key = wallet.create_device_key().expect("device key");
    let binding = wallet
        .binding_request(&key, &NONCE)
        .expect("binding request")
        .check(&NONCE)
        .expect("binding check");
    let numbers: Vec<u64> = (0..stored as u64).map(|i| STORED_BASE + i).collect();
    for &number in &numbers {
        let held = f
            .issuer
            .issue(
                &national_id(number, 1),
                &binding,
                number - STORED_BASE,
                ISSUED_AT,
                &mut OsRng,
            )
            .expect("issue");
        wallet
            .import(&held.to_bytes(), &f.trust, NOW)
            .expect("import");
    }
    let setup_time = started.elapsed();
    // Closing the last connection checkpoints the WAL into the file.
    drop(wallet);

    let key_source_path = dir.join("key-source.db");
    let import_path = dir.join("import.db");
    let pristine_path = dir.join("pristine.db");
    let unlock_path = dir.join("unlock.db");
    copy_wallet(&wallet_path, &unlock_path);
    copy_wallet(&wallet_path, &key_source_path);
    copy_wallet(&wallet_path, &import_path);
    copy_wallet(&wallet_path, &pristine_path);
    open_unlocked(&key_source_path, f)
        .change_protection(Protection::KeySource(&XorKeySource), &f.options)
        .expect("move copy to key source");

    let wallet = open_unlocked(&wallet_path, f);
    assert_eq!(wallet.documents().expect("list").len(), stored);
    let p = wallet
        .present(numbers[0], &Disclosure::Identity, None, &CLOCK)
        .expect("present from store");
    let verdict = Verifier::new(f.trust.clone(), Policy::default()).verify(&p.qr_text(), NOW, None);
    assert!(
        verdict.is_accepted(),
        "wallet presentation must verify: {:?}",
        verdict.failures
    );
    let (showing, _) = wallet
        .begin_showing(numbers[0], &Disclosure::Identity, None, &CLOCK)
        .expect("begin showing");
    let import = open_unlocked(&import_path, f);
    Location {
        group,
        raw_full: raw_sqlite(&dir.join("raw-full.db"), "FULL"),
        raw_normal: raw_sqlite(&dir.join("raw-normal.db"), "NORMAL"),
        dir,
        wallet,
        showing,
        unlock_path,
        key_source_path,
        import: RefCell::new(Some(import)),
        import_path,
        import_added: Cell::new(0),
        import_most: Cell::new(stored),
        pristine_path,
        binding,
        numbers,
        setup_time,
    }
}

fn memory_routines(f: &Shared) -> Vec<Bench<'_>> {
    vec![
        Bench {
            id: (MEMORY, KDF),
            slow: true,
            routine: Box::new(move |iters| {
                time_loop(iters, || {
                    KdfParams::OWASP_MINIMUM
                        .derive(black_box(PASSPHRASE), &KDF_SALT)
                        .expect("derive")
                })
            }),
        },
        // What the wallet's present does to get its signer from the stored
        // secret bytes (expand the secret, compute the public key).
        Bench {
            id: (MEMORY, KEY_REBUILD),
            slow: false,
            routine: Box::new(move |iters| {
                time_loop(iters, || SecretKey::from_bytes(black_box(&f.device_bytes)))
            }),
        },
        Bench {
            id: (MEMORY, PRESENT_MEMORY),
            slow: false,
            routine: Box::new(move |iters| {
                time_loop(iters, || {
                    Presentation::device_bound(
                        black_box(&f.held),
                        &Disclosure::Identity,
                        &f.device,
                        &CLOCK,
                        None,
                    )
                    .expect("present in memory")
                })
            }),
        },
    ]
}

/// `iters` wallet opens (and unlocks), timed; the wallets close after the
/// clock stops.
fn time_opens(iters: u64, mut open: impl FnMut() -> Wallet) -> Duration {
    let mut opened = Vec::with_capacity(iters as usize);
    let start = Instant::now();
    for _ in 0..iters {
        opened.push(open());
    }
    let elapsed = start.elapsed();
    drop(opened);
    elapsed
}

fn location_routines<'a>(f: &'a Shared, l: &'a Location) -> Vec<Bench<'a>> {
    let g = l.group;
    let n = l.numbers.len();
    let issue = move |number: u64, version: u32| {
        f.issuer
            .issue(
                &national_id(number, version),
                &l.binding,
                0,
                ISSUED_AT,
                &mut OsRng,
            )
            .expect("issue")
            .to_bytes()
    };
    let mut fresh = FRESH_BASE;
    let mut versions = vec![1u32; n];
    let mut renew_next = 0usize;
    let mut doc_next = 0usize;
    let mut present_next = 0usize;
    let row = [0x5a; LOG_ROW_LEN];
    vec![
        // Open alone: file checks (PRAGMA quick_check) and schema version.
        Bench {
            id: (g, OPEN),
            slow: true,
            routine: Box::new(move |iters| {
                time_opens(iters, || {
                    Wallet::open(&l.unlock_path, &f.options).expect("open")
                })
            }),
        },
        // Open and unlock with the passphrase: KDF, unwrap, and the scan of
        // every stored birth date for the weak-passphrase warning.
        Bench {
            id: (g, UNLOCK_PASSPHRASE),
            slow: true,
            routine: Box::new(move |iters| {
                time_opens(iters, || {
                    let w = Wallet::open(&l.unlock_path, &f.options).expect("open");
                    w.unlock(Protection::Passphrase(black_box(PASSPHRASE)), NOW)
                        .expect("unlock");
                    w
                })
            }),
        },
        // The same wallet contents behind a key source: no KDF, no scan.
        Bench {
            id: (g, UNLOCK_KEY_SOURCE),
            slow: true,
            routine: Box::new(move |iters| {
                time_opens(iters, || {
                    let w = Wallet::open(&l.key_source_path, &f.options).expect("open");
                    w.unlock(Protection::KeySource(&XorKeySource), NOW)
                        .expect("unlock");
                    w
                })
            }),
        },
        // A new document (fresh number) into the copy that started with the
        // same documents. Issuing happens before the clock starts.
        Bench {
            id: (g, IMPORT_NEW),
            slow: true,
            routine: Box::new(move |iters| {
                let credentials: Vec<Vec<u8>> = (0..iters)
                    .map(|_| {
                        fresh += 1;
                        issue(fresh, 1)
                    })
                    .collect();
                l.import_room(f, credentials.len());
                let import = l.import.borrow();
                let import = import.as_ref().expect("import copy is open");
                let start = Instant::now();
                for bytes in &credentials {
                    let outcome = import.import(bytes, &f.trust, NOW).expect("import");
                    assert!(matches!(outcome, ImportOutcome::Added(_)));
                }
                start.elapsed()
            }),
        },
        // A renewal (next version of a stored document): replaces and purges
        // the old row, then checkpoints; the document count stays.
        Bench {
            id: (g, IMPORT_RENEWAL),
            slow: true,
            routine: Box::new(move |iters| {
                let credentials: Vec<Vec<u8>> = (0..iters)
                    .map(|_| {
                        let i = renew_next % n;
                        renew_next += 1;
                        versions[i] += 1;
                        issue(l.numbers[i], versions[i])
                    })
                    .collect();
                let import = l.import.borrow();
                let import = import.as_ref().expect("import copy is open");
                let start = Instant::now();
                for bytes in &credentials {
                    let outcome = import.import(bytes, &f.trust, NOW).expect("renew");
                    assert!(matches!(outcome, ImportOutcome::Renewed { .. }));
                }
                start.elapsed()
            }),
        },
        Bench {
            id: (g, LIST),
            slow: true,
            routine: Box::new(move |iters| {
                time_loop(iters, || l.wallet.documents().expect("list"))
            }),
        },
        // Part of present: blind index lookup, the sealed version marks, and
        // decrypting and decoding the document.
        Bench {
            id: (g, DOCUMENT),
            slow: false,
            routine: Box::new(move |iters| {
                time_loop(iters, || {
                    doc_next = (doc_next + STRIDE) % n;
                    l.wallet.document(l.numbers[doc_next]).expect("document")
                })
            }),
        },
        Bench {
            id: (g, PRESENT_STORE),
            slow: false,
            routine: Box::new(move |iters| {
                time_loop(iters, || {
                    present_next = (present_next + STRIDE) % n;
                    l.wallet
                        .present(l.numbers[present_next], &Disclosure::Identity, None, &CLOCK)
                        .expect("present from store")
                })
            }),
        },
        // A refresh of a live code: signed over the credential and with the
        // signer kept for the showing, after checking the documents did not
        // change; no log write.
        Bench {
            id: (g, SHOWING_REFRESH),
            slow: false,
            routine: Box::new(move |iters| {
                time_loop(iters, || {
                    l.wallet
                        .refresh_showing(&l.showing, &CLOCK)
                        .expect("refresh showing")
                })
            }),
        },
        Bench {
            id: (g, SQL_FULL),
            slow: false,
            routine: Box::new(move |iters| {
                time_loop(iters, || {
                    raw_append(&l.raw_full, black_box(&row)).expect("append")
                })
            }),
        },
        Bench {
            id: (g, SQL_NORMAL),
            slow: false,
            routine: Box::new(move |iters| {
                time_loop(iters, || {
                    raw_append(&l.raw_normal, black_box(&row)).expect("append")
                })
            }),
        },
    ]
}

/// Runs one routine as a criterion benchmark in its group, recording its samples.
fn bench(c: &mut Criterion, b: &mut Bench<'_>) {
    let (group, name) = b.id;
    let mut g = c.benchmark_group(group);
    g.sample_size(SAMPLE_SIZE)
        .warm_up_time(WARM_UP)
        .measurement_time(MEASUREMENT)
        .sampling_mode(if b.slow {
            SamplingMode::Flat
        } else {
            SamplingMode::Auto
        });
    let id = b.id;
    let routine = &mut b.routine;
    g.bench_function(name, |bencher| SAMPLES.bench(bencher, id, routine));
    g.finish();
}

/// The benchmark a ratio name means for a location group.
fn resolve(group: &'static str, name: &'static str) -> Id {
    if MEMORY_BENCHES.contains(&name) {
        (MEMORY, name)
    } else {
        (group, name)
    }
}

/// Measures every ratio whose benchmarks ran, for every location,
/// interleaving numerator and denominator batches so both see the same load.
fn paired_ratios(
    benches: &mut [Bench<'_>],
    groups: &[&'static str],
    ran: &BTreeMap<Id, Stats>,
) -> BTreeMap<(&'static str, usize), Paired> {
    let mut sizes = BatchSizes::new(PAIRED_BATCH);
    let mut out = BTreeMap::new();
    for &group in groups {
        for (spec_index, spec) in RATIOS.iter().enumerate() {
            let ids: Vec<Id> = std::iter::once(spec.num)
                .chain(spec.den.iter().copied())
                .map(|name| resolve(group, name))
                .collect();
            if ids.iter().any(|id| !ran.contains_key(id)) {
                continue;
            }
            let how = if spec.slow {
                Interleave {
                    rounds: SLOW_PAIRED_ROUNDS,
                    batches: SLOW_PAIRED_BATCHES,
                }
            } else {
                Interleave {
                    rounds: PAIRED_ROUNDS,
                    batches: PAIRED_BATCHES,
                }
            };
            if let Some(paired) = sizes.paired(benches, &ids, how) {
                out.insert((group, spec_index), paired);
            }
        }
    }
    out
}

/// The file system type of the mount holding `path`, from `/proc/mounts`.
fn fs_type(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (_, point, kind) = (fields.next()?, fields.next()?, fields.next()?);
            path.starts_with(point)
                .then(|| (point.len(), kind.to_owned()))
        })
        .max()
        .map_or_else(|| "unknown file system".to_owned(), |(_, kind)| kind)
}

fn print_report(
    locations: &[Location],
    s: &BTreeMap<Id, Stats>,
    paired: &BTreeMap<(&'static str, usize), Paired>,
) {
    let mean = |id: Id| s.get(&id).map(|x| x.mean_ns);
    let med = |id: Id| s.get(&id).map(|x| x.median_ns);
    let show = |v: Option<f64>| v.map_or_else(|| "n/a".to_owned(), fmt_time);
    let stored = locations.first().map_or(0, |l| l.numbers.len());

    println!();
    println!(
        "== hawiya wallet benchmark summary (this run; {stored} stored credentials; criterion's {SAMPLE_SIZE} samples per bench) =="
    );
    let k = KdfParams::OWASP_MINIMUM;
    println!(
        "KDF alone: Argon2id at OWASP's minimum ({} KiB, {} passes, {} lane) = {} median, {} mean",
        k.memory_kib,
        k.iterations,
        k.parallelism,
        show(med((MEMORY, KDF))),
        show(mean((MEMORY, KDF)))
    );
    for l in locations {
        println!(
            "location {}: {} ({}); setup of {} imports took {:.2} s",
            l.group,
            l.dir.display(),
            fs_type(&l.dir),
            l.numbers.len(),
            l.setup_time.as_secs_f64()
        );
    }
    println!("{:<32} {:>12} {:>12}", "benchmark", "mean", "median");
    let rows = MEMORY_BENCHES.iter().map(|name| (MEMORY, *name)).chain(
        locations
            .iter()
            .flat_map(|l| LOCATION_BENCHES.iter().map(move |name| (l.group, *name))),
    );
    for id in rows {
        let label = format!("{}/{}", id.0, id.1);
        match s.get(&id) {
            Some(x) => println!(
                "{label:<32} {:>12} {:>12}",
                fmt_time(x.mean_ns),
                fmt_time(x.median_ns)
            ),
            None => println!("{label:<32} {:>12} {:>12}", "not run", "-"),
        }
    }
    for l in locations {
        println!(
            "({}/import_*: the import copy held {} to {} documents)",
            l.group,
            l.numbers.len(),
            l.import_most.get()
        );
    }

    for l in locations {
        let g = l.group;
        let m = |name: &'static str| med(resolve(g, name));
        println!();
        println!("== {g}: unlock and present-from-store breakdown (criterion medians) ==");
        let kdf = m(KDF);
        let sub = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a - b);
        println!(
            "open + unlock (passphrase) = {}; minus KDF = {}; of which open alone = {} and the \
             weak-passphrase birth-date scan of every document (about list_documents = {})",
            show(m(UNLOCK_PASSPHRASE)),
            show(sub(m(UNLOCK_PASSPHRASE), kdf)),
            show(m(OPEN)),
            show(m(LIST))
        );
        println!(
            "open + unlock (key source, no KDF, no birth-date scan) = {}",
            show(m(UNLOCK_KEY_SOURCE))
        );
        // Differences of two separately run medians are noisy; the
        // interleaved ones are not.
        for (num, den, what) in [
            (
                UNLOCK_PASSPHRASE,
                KDF,
                "open + unlock (passphrase) minus KDF",
            ),
            (
                UNLOCK_KEY_SOURCE,
                OPEN,
                "open + unlock (key source) minus open",
            ),
        ] {
            let spec = RATIOS.iter().position(|r| r.num == num && r.den == [den]);
            if let Some(p) = spec.and_then(|i| paired.get(&(g, i))) {
                println!(
                    "{what}, interleaved (median of per-round differences) = {}",
                    fmt_time(p.diff_ns)
                );
            }
        }
        let parts = [m(DOCUMENT), m(KEY_REBUILD), m(PRESENT_MEMORY)];
        let remainder = parts
            .iter()
            .fold(m(PRESENT_STORE), |acc, part| sub(acc, *part));
        println!(
            "present_from_store = {} = document_lookup {} + secret_key_from_bytes {} + present_in_memory {} + remainder (log entry: seal + durable commit; key row decrypt) {}",
            show(m(PRESENT_STORE)),
            show(parts[0]),
            show(parts[1]),
            show(parts[2]),
            show(remainder)
        );
        println!(
            "raw SQLite single-row commit (WAL): synchronous=FULL {} | synchronous=NORMAL {}",
            show(m(SQL_FULL)),
            show(m(SQL_NORMAL))
        );
        println!(
            "import new = {} | import renewal = {} | list {} documents = {}",
            show(m(IMPORT_NEW)),
            show(m(IMPORT_RENEWAL)),
            l.numbers.len(),
            show(m(LIST))
        );
    }

    println!();
    println!(
        "== ratios: median of {PAIRED_ROUNDS} interleaved rounds ({SLOW_PAIRED_ROUNDS} for unlock), each side's fastest of {PAIRED_BATCHES} ({SLOW_PAIRED_BATCHES}) batches [quartiles; ratio of criterion means] =="
    );
    for l in locations {
        let g = l.group;
        for (i, spec) in RATIOS.iter().enumerate() {
            let num = resolve(g, spec.num);
            let den_mean: Option<f64> = spec.den.iter().map(|name| mean(resolve(g, name))).sum();
            let means = mean(num).zip(den_mean).map(|(a, b)| a / b);
            let label = format!("{g}/{}", spec.num);
            let (Some(p), Some(means)) = (paired.get(&(g, i)), means) else {
                println!(
                    "ratio {label} / {} = n/a (not measured in this run)",
                    spec.den_label
                );
                continue;
            };
            let goal = match spec.goal {
                Some(goal) if p.median <= goal => format!(" (goal <= {goal:.1}) MET"),
                Some(goal) => format!(" (goal <= {goal:.1}) NOT MET"),
                None => String::new(),
            };
            println!(
                "ratio {label} / {} = {:.2}{goal} [{:.2}-{:.2}; means {means:.2}]",
                spec.den_label, p.median, p.q1, p.q3
            );
        }
    }
}

fn main() {
    // Criterion only benchmarks under `cargo bench` (which passes `--bench`);
    // `cargo test --benches` and `--list` run each benchmark once at most.
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    let smoke_test = !has("--bench") || has("--test") || has("--list");
    let stored = if smoke_test { SMOKE_STORED } else { STORED };

    let f = shared();
    let name = format!("hawiya-wallet-bench-{}", std::process::id());
    let mut dirs = vec![("tmp", std::env::temp_dir().join(&name))];
    if Path::new("/dev/shm").is_dir() {
        dirs.push(("shm", Path::new("/dev/shm").join(&name)));
    }
    let locations: Vec<Location> = dirs
        .into_iter()
        .map(|(group, dir)| setup(group, dir, &f, stored))
        .collect();

    let mut c = Criterion::default().configure_from_args();
    let mut benches = memory_routines(&f);
    for l in &locations {
        benches.extend(location_routines(&f, l));
    }
    for b in &mut benches {
        bench(&mut c, b);
    }
    c.final_summary();
    if smoke_test {
        println!("smoke test: every benchmark ran once; no timings or ratios reported");
        return;
    }
    let s = SAMPLES.stats(SAMPLE_SIZE);
    let groups: Vec<&'static str> = locations.iter().map(|l| l.group).collect();
    let paired = paired_ratios(&mut benches, &groups, &s);
    drop(benches);
    print_report(&locations, &s, &paired);
}
