#!/usr/bin/env bash
# The whole hawiya test suite, as CI runs it (`.ci/run` calls exactly this):
# formatting, lints, every Rust test (unit, property, integration, end to end,
# CLI, test vectors, the card renderer, the FFI facade), the independent Python
# check of the wire format, the Kotlin bindings and the Android demo's logic on
# the JVM, and the Swift package and the iOS demo's logic on Linux.
# Installs what it needs itself (rustfmt/clippy components, a Python venv with
# pycose, the Kotlin compiler and JNA, a Swift toolchain in a chroot: see each
# scripts/test-*.sh) and ends with one line: "total: N passed, M failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TERM_COLOR=never
step() { printf '\n==> %s (%ds in)\n' "$*" "$SECONDS"; }

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

# Each foreign-language script ends with "<name>: N passed, M failed" and
# prints that line even when it fails early; a missing line counts as one
# failure so a broken script can never read as green.
counts() { # counts NAME LOG -> "passed failed"
  grep -Eo "^$1: [0-9]+ passed, [0-9]+ failed" "$2" | tail -n1 | awk '{print $2 + 0, $4 + 0}' | grep . || echo "0 1"
}

step "Kotlin bindings on the JVM (kotlinc, JNA)"
bash scripts/test-kotlin.sh 2>&1 | tee target/test-kotlin.log || true
read -r kt_passed kt_failed < <(counts kotlin target/test-kotlin.log)

step "Android demo logic on the JVM (android-demo/logic against the real bindings)"
bash scripts/test-android-logic.sh 2>&1 | tee target/test-android-logic.log || true
read -r an_passed an_failed < <(counts android-logic target/test-android-logic.log)

step "Swift: HawiyaKit and the iOS demo's logic on Linux (Swift 6 in a Debian trixie chroot)"
bash scripts/test-swift.sh 2>&1 | tee target/test-swift.log || true
read -r sw_passed sw_failed < <(counts swift target/test-swift.log)

step "summary"
echo "rust:          ${rust_passed} passed, ${rust_failed} failed"
echo "python:        ${py_passed} passed, ${py_failed} failed"
echo "kotlin:        ${kt_passed} passed, ${kt_failed} failed"
echo "android-logic: ${an_passed} passed, ${an_failed} failed"
echo "swift:         ${sw_passed} passed, ${sw_failed} failed"
passed=$((rust_passed + py_passed + kt_passed + an_passed + sw_passed))
failed=$((rust_failed + py_failed + kt_failed + an_failed + sw_failed))
echo "total: ${passed} passed, ${failed} failed"
[[ $failed == 0 ]]
