//! What every CLI test file needs: run `hawiya` as a script does (no
//! terminal, only the passphrase variables a test sets), and read its output.
// Each test file uses its own subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs hawiya with no terminal (stdin null) and only the passphrase
/// variables given here, whatever the caller's environment holds.
pub fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hawiya"));
    cmd.args(args)
        .env_remove("HAWIYA_PASSPHRASE")
        .env_remove("HAWIYA_BACKUP_PASSPHRASE")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run hawiya")
}

/// Runs hawiya as [`run`] does, but fails the test if it takes longer than
/// `limit` (a command waiting for input, or blocked on a pipe, is a bug).
pub fn run_with_limit(args: &[&str], env: &[(&str, &str)], limit: Duration) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hawiya"));
    cmd.args(args)
        .env_remove("HAWIYA_PASSPHRASE")
        .env_remove("HAWIYA_BACKUP_PASSPHRASE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn hawiya");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("hawiya {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exit code")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh, empty folder for one test, removed when the test is done with
/// it. A failing test leaves it in place, to be looked at.
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A fresh, empty folder for one test ([`Scratch`]).
pub fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("hawiya-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    Scratch(dir)
}

pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[cfg(unix)]
pub fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

/// Runs hawiya (as [`run`]) and asserts it succeeded; returns its stdout.
pub fn ok(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = run(args, env);
    assert_eq!(code(&out), 0, "{args:?}: {}{}", stdout(&out), stderr(&out));
    stdout(&out)
}

/// The files of an issuer set up in a test folder.
pub struct IssuerFiles {
    pub root_key: PathBuf,
    pub root_pub: PathBuf,
    pub issuer_key: PathBuf,
    pub issuer_pub: PathBuf,
    pub trust_list: PathBuf,
}

/// How to set up an issuer: its key's profile and the trust list's
/// version and validity window (none: the CLI's defaults).
pub struct IssuerSetup<'a> {
    pub kid: &'a str,
    pub name: &'a str,
    pub status_uri: &'a str,
    pub version: &'a str,
    pub window: Option<(&'a str, &'a str)>,
}

impl Default for IssuerSetup<'_> {
    fn default() -> Self {
        IssuerSetup {
            kid: "01",
            name: "ID Authority",
            status_uri: "https://status.example/1",
            version: "1",
            window: None,
        }
    }
}

impl IssuerSetup<'_> {
    /// A root key, an issuer key and a root-signed trust list in `d`
    /// (root.key/.pub, issuer.key/.pub, trust-list.cbor), each made with
    /// the `hawiya issuer` command that makes it.
    pub fn run(&self, d: &Path) -> IssuerFiles {
        let files = IssuerFiles {
            root_key: d.join("root.key"),
            root_pub: d.join("root.pub"),
            issuer_key: d.join("issuer.key"),
            issuer_pub: d.join("issuer.pub"),
            trust_list: d.join("trust-list.cbor"),
        };
        ok(&["issuer", "root-key", "--out", s(&files.root_key)], &[]);
        ok(
            &[
                "issuer",
                "key",
                "--out",
                s(&files.issuer_key),
                "--kid",
                self.kid,
                "--name",
                self.name,
                "--status-uri",
                self.status_uri,
            ],
            &[],
        );
        let mut args = vec![
            "issuer",
            "trust-list",
            "--root-key",
            s(&files.root_key),
            "--issuer",
            s(&files.issuer_pub),
            "--version",
            self.version,
            "--out",
            s(&files.trust_list),
        ];
        if let Some((not_before, not_after)) = self.window {
            args.extend(["--not-before", not_before, "--not-after", not_after]);
        }
        ok(&args, &[]);
        files
    }
}

/// The usual issuer (kid 01, "ID Authority", trust list version 1).
pub fn issuer(d: &Path) -> IssuerFiles {
    IssuerSetup::default().run(d)
}

/// Writes a claims file for Sara Khalid: a national ID, or a resident
/// permit (with occupation and employer).
pub fn claims(d: &Path, name: &str, doc: &str, number: &str, version: u32) -> PathBuf {
    let path = d.join(name);
    let (kind, extra) = if doc == "resident_permit" {
        (
            "resident_permit",
            r#","occupation":"Nurse","employer":"Clinic""#,
        )
    } else {
        ("national_id", "")
    };
    std::fs::write(
        &path,
        format!(
            r#"{{"document_type":"{kind}","document_number":"{number}","document_version":{version},
            "name_ar":"سارة خالد","name_en":"Sara Khalid","birth_date":"2001-09-30","sex":"female",
            "nationality":"SAU","place_of_birth":"Jeddah","issue_date":"2025-01-01","expiry_date":"2035-01-01"{extra}}}"#
        ),
    )
    .expect("claims");
    path
}

/// The print credential [`issue_to_wallet`] wrote beside `credential`.
#[allow(dead_code)]
pub fn print_of(credential: &Path) -> PathBuf {
    credential.with_extension("print.hwy")
}

/// The wallet `wallet` binds to a fresh issuer nonce (with the passphrase
/// in `env`), and the issuer of `d` issues `claims` to it as `d/out`, with
/// the print credential (status index 100 + `index`) beside it
/// ([`print_of`]).
pub fn issue_to_wallet(
    d: &Path,
    wallet: &Path,
    env: &[(&str, &str)],
    claims: &Path,
    index: &str,
    out: &str,
) -> PathBuf {
    let nonce = ok(&["issuer", "nonce"], &[]);
    let request = d.join(format!("{out}.request.cbor"));
    let bound = ok(
        &[
            "wallet",
            "bind",
            "--wallet",
            s(wallet),
            "--nonce",
            nonce.trim(),
            "--out",
            s(&request),
        ],
        env,
    );
    assert!(bound.contains("binding request"), "{bound}");
    let credential = d.join(out);
    let print_index = (100 + index.parse::<u64>().expect("index")).to_string();
    ok(
        &[
            "issuer",
            "issue",
            "--key",
            s(&d.join("issuer.key")),
            "--claims",
            s(claims),
            "--request",
            s(&request),
            "--nonce",
            nonce.trim(),
            "--status-index",
            index,
            "--out",
            s(&credential),
            "--print-status-index",
            &print_index,
            "--print-out",
            s(&print_of(&credential)),
        ],
        &[],
    );
    credential
}

/// A fresh nonce from `hawiya issuer nonce`.
pub fn nonce() -> String {
    ok(&["issuer", "nonce"], &[]).trim().to_owned()
}

/// A holder's device key, bound to an issuer's nonce: what `holder key` and
/// `holder bind` write, and the nonce the issuer must be given again.
pub struct Holder {
    pub key: PathBuf,
    pub request: PathBuf,
    pub nonce: String,
}

impl Holder {
    /// `holder key` writes `d/device.key`; `holder bind` binds it to `nonce`
    /// as `d/request.cbor`.
    pub fn bound(d: &Path, nonce: &str) -> Holder {
        Holder::bound_as(d, "device.key", nonce)
    }

    /// As [`Holder::bound`], with the key written to `d/key`.
    pub fn bound_as(d: &Path, key: &str, nonce: &str) -> Holder {
        let holder = Holder {
            key: d.join(key),
            request: d.join("request.cbor"),
            nonce: nonce.to_owned(),
        };
        ok(&["holder", "key", "--out", s(&holder.key)], &[]);
        ok(
            &[
                "holder",
                "bind",
                "--key",
                s(&holder.key),
                "--nonce",
                nonce,
                "--out",
                s(&holder.request),
            ],
            &[],
        );
        holder
    }

    /// The `issuer issue` arguments with which `issuer_key` issues `claims`
    /// to this holder (status index `index`) as `out`. Add the rest
    /// (`--at`, `--print-out`, `--force` …) before running them.
    pub fn issue_args<'a>(
        &'a self,
        issuer_key: &'a Path,
        claims: &'a Path,
        index: &'a str,
        out: &'a Path,
    ) -> Vec<&'a str> {
        vec![
            "issuer",
            "issue",
            "--key",
            s(issuer_key),
            "--claims",
            s(claims),
            "--request",
            s(&self.request),
            "--nonce",
            &self.nonce,
            "--status-index",
            index,
            "--out",
            s(out),
        ]
    }

    /// The `holder present` arguments for `credential` with this holder's
    /// key; add the profile or disclosure and the outputs.
    pub fn present_args<'a>(&'a self, credential: &'a Path) -> Vec<&'a str> {
        vec![
            "holder",
            "present",
            "--credential",
            s(credential),
            "--key",
            s(&self.key),
        ]
    }
}

/// The files of a holder with a national ID, set up in a test folder.
pub struct HeldId {
    pub issuer: IssuerFiles,
    pub holder: Holder,
    /// The national ID (Sara Khalid, 1123456789, status index 7), `id.hwy`.
    pub credential: PathBuf,
}

/// In `d`: the usual issuer ([`issuer`]), a holder bound to a fresh nonce
/// ([`Holder::bound`]), and a national ID issued to it as `d/id.hwy`.
pub fn held_id(d: &Path) -> HeldId {
    let issuer = issuer(d);
    let holder = Holder::bound(d, &nonce());
    let id = claims(d, "claims.json", "national_id", "1123456789", 1);
    let credential = d.join("id.hwy");
    ok(
        &holder.issue_args(&issuer.issuer_key, &id, "7", &credential),
        &[],
    );
    HeldId {
        issuer,
        holder,
        credential,
    }
}

/// Asserts that `out` is a usage or input error (exit 2) whose message on
/// stderr says `says`.
pub fn assert_refused(out: &Output, says: &str) {
    assert_eq!(code(out), 2, "{}{}", stdout(out), stderr(out));
    assert!(stderr(out).contains(says), "{}", stderr(out));
}

/// `hawiya wallet import` of `credential` with its print credential beside
/// it ([`print_of`]) into `wallet` (passphrase in `env`), trusting the trust
/// list of `d`. Asserts it succeeded; returns its stdout.
pub fn import_with_print(
    d: &Path,
    wallet: &Path,
    env: &[(&str, &str)],
    credential: &Path,
) -> String {
    let (print, trust_list) = (print_of(credential), d.join("trust-list.cbor"));
    ok(
        &[
            "wallet",
            "import",
            "--wallet",
            s(wallet),
            "--credential",
            s(credential),
            "--print",
            s(&print),
            "--trust-list",
            s(&trust_list),
        ],
        env,
    )
}
