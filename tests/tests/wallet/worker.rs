//! The `wallet_worker` child process, as the multi-process and crash tests
//! start it.

use std::ffi::OsStr;
use std::io::{BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};

/// A running `wallet_worker`, killed if the test fails while it runs.
pub struct Worker(pub Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `wallet_worker` with `args`, its stdin, stdout and stderr piped;
/// returns it with its stdout to read lines from.
pub fn worker<S: AsRef<OsStr>>(args: &[S]) -> (Worker, BufReader<ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wallet_worker"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start wallet_worker");
    let stdout = BufReader::new(child.stdout.take().expect("worker stdout"));
    (Worker(child), stdout)
}

/// What the worker wrote on stderr (once; empty the second time).
pub fn stderr_of(worker: &mut Worker) -> String {
    let mut text = String::new();
    if let Some(mut e) = worker.0.stderr.take() {
        let _ = e.read_to_string(&mut text);
    }
    text
}
