#!/usr/bin/env bash
# The whole hawiya test suite, as CI runs it (`.ci/run` calls exactly this):
# formatting, lints, every Rust test (unit, property, integration, end to end,
# CLI, test vectors), and the independent Python check of the wire format.
# Installs what it needs itself (rustfmt/clippy components, a Python venv with
# pycose) and ends with one line: "total: N passed, M failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TERM_COLOR=never
step() { printf '\n==> %s\n' "$*"; }

command -v cargo >/dev/null || { echo "test.sh: cargo not found; install Rust with rustup first" >&2; exit 2; }
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  step "installing rustfmt and clippy"
  rustup component add rustfmt clippy
fi
mkdir -p target

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo doc (broken links are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "cargo test (unit, property, integration, end-to-end, CLI, vectors)"
cargo test --workspace --locked 2>&1 | tee target/test-rust.log
read -r rust_passed rust_failed < <(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed; [0-9]+ failed' target/test-rust.log \
  | awk '{p += $4; f += $6} END {print p + 0, f + 0}')

step "independent check of the wire format in Python (pycose)"
bash tests/python/run.sh 2>&1 | tee target/test-python.log
read -r py_passed py_failed < <(grep -Eo '^python: [0-9]+ passed, [0-9]+ failed' target/test-python.log | tail -n1 \
  | awk '{print $2 + 0, $4 + 0}')

step "summary"
echo "rust:   ${rust_passed} passed, ${rust_failed} failed"
echo "python: ${py_passed} passed, ${py_failed} failed"
echo "total: $((rust_passed + py_passed)) passed, $((rust_failed + py_failed)) failed"
