#!/usr/bin/env bash
# The hawiya test command, as CI runs it (`.ci/run` calls exactly this).
#
#   scripts/test.sh          everything: setup, formatting, clippy, the
#                            verifier crate's WebAssembly build, the API
#                            docs, cargo-deny (deny.toml), every Rust test
#                            (unit, property, integration, end to end, CLI,
#                            test vectors, the card renderer, the FFI façade),
#                            the check that the app's FFI library exports no
#                            test-only symbol,
#                            the independent Python check of the wire format,
#                            the Kotlin bindings, the JVM jar (a Java and a
#                            Kotlin program built against it alone) and the
#                            Android demo's logic on the JVM, the Swift package and the iOS demo's
#                            logic on Linux, the browser verifier in Chromium
#                            (web/), and this script's own tests
#   scripts/test.sh rust     the inner loop: the Rust tools' setup, formatting,
#                            clippy, the verifier's WebAssembly build and
#                            every Rust test
#
# Setup comes first (scripts/setup.sh: rustfmt/clippy, pdftoppm, cargo-deny,
# a Python venv with pycose, a JDK, JNA and the Kotlin compiler, a Swift
# toolchain in a chroot, Chromium, ffmpeg, binaryen, wasm-bindgen-cli and the
# page's npm packages) and says what it installs.
#
# Every step runs, whatever failed before it: a failed check (setup, fmt,
# clippy, doc, deny) counts as one failure, a Rust build error as one, a test
# runner that stops before its summary as one, and each failed test as one.
# The run always ends with the seconds each step took, one line per language
# ("checks" counts each check as one test) and the last line
#   total: N passed, M failed
# The exit status is 0 only when nothing failed; 2 for a usage error. Each
# step's output is also kept in target/test-logs/STEP.log.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
export CARGO_TERM_COLOR=never

usage() { sed -n '4,17p' "$0" | sed 's/^# \{0,1\}//'; }
mode=all
case "${1:-}" in
  "" | all) ;;
  rust) mode=rust ;;
  -h | --help) usage; exit 0 ;;
  *) { echo "test.sh: unknown mode '$1'"; usage; } >&2; exit 2 ;;
esac
[[ $# -le 1 ]] || { echo "test.sh: one mode at most" >&2; usage >&2; exit 2; }

LOGS=target/test-logs
mkdir -p "$LOGS" || exit 2

times=()       # "step seconds", in run order
failed_steps=()
checks_passed=0
checks_failed=0
langs=()       # per-language lines: "name passed failed"

# run STEP COMMAND...: runs COMMAND, showing its output and keeping it in
# $LOGS/STEP.log; returns COMMAND's exit status.
run() {
  local step=$1 started=$SECONDS status
  shift
  printf '\n==> %s (%ds in)\n' "$step" "$SECONDS"
  "$@" 2>&1 | tee "$LOGS/$step.log"
  status=${PIPESTATUS[0]}
  times+=("$step $((SECONDS - started))")
  return "$status"
}

# check STEP COMMAND...: a check passes or fails as a whole.
check() {
  if run "$@"; then
    checks_passed=$((checks_passed + 1))
  else
    checks_failed=$((checks_failed + 1))
    failed_steps+=("$1")
  fi
}

# counts NAME LOG STATUS: prints "passed failed" from the last line
# "NAME: N passed, M failed" of LOG. No such line (the runner stopped before
# it), or a non-zero STATUS although the line says 0 failed, counts as one
# failure more, so a broken runner never reads as green.
counts() {
  local name=$1 log=$2 status=$3 line passed=0 failed=1
  line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$log" 2>/dev/null | tail -n1)
  if [[ -n "$line" ]]; then
    passed=$(awk '{print $2}' <<<"$line")
    failed=$(awk '{print $4}' <<<"$line")
    if [[ "$status" != 0 && "$failed" == 0 ]]; then
      echo "test.sh: $name exited $status although it reports no failure: counted as one" >&2
      failed=1
    fi
  else
    echo "test.sh: $name printed no '$name: N passed, M failed' line (exit $status): counted as one failure" >&2
  fi
  echo "$passed $failed"
}

# A language step: a script that ends with "NAME: N passed, M failed".
language() {
  local name=$1 status passed failed
  shift
  run "$name" "$@"
  status=$?
  read -r passed failed < <(counts "$name" "$LOGS/$name.log" "$status")
  langs+=("$name $passed $failed")
  [[ "$failed" == 0 ]] || failed_steps+=("$name")
}

# The Rust tests: one build of every test target (a compile error is one
# failure, and its output is not lost among test logs), then every test
# binary, all of them even if some fail. The lines "test result: ..." are
# summed; a binary that failed without its result line (a crash or abort)
# counts as one failure more.
rust_tests() {
  local build=0 status passed failed errors results
  run rust-build cargo test --workspace --locked --no-run || build=$?
  run rust cargo test --workspace --locked --no-fail-fast
  status=$?
  read -r passed failed < <(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed; [0-9]+ failed' "$LOGS/rust.log" \
    | awk '{p += $4; f += $6} END {print p + 0, f + 0}')
  errors=$(grep -c '^error: test failed, to rerun pass' "$LOGS/rust.log")
  results=$(grep -c '^test result: FAILED' "$LOGS/rust.log")
  if ((errors > results)); then
    echo "test.sh: $((errors - results)) Rust test binaries stopped before their summary: counted as failures" >&2
    failed=$((failed + errors - results))
  fi
  if [[ $build != 0 ]]; then
    echo "test.sh: the Rust tests did not compile (target/test-logs/rust-build.log): counted as one failure" >&2
    failed=$((failed + 1))
  elif [[ $status != 0 && $failed == 0 ]]; then
    echo "test.sh: cargo test exited $status although no test failed: counted as one failure" >&2
    failed=1
  fi
  langs+=("rust $passed $failed")
  [[ $failed == 0 ]] || failed_steps+=("rust")
}

if [[ $mode == rust ]]; then
  check setup bash scripts/setup.sh rust
else
  check setup bash scripts/setup.sh
fi
check fmt cargo fmt --all --check
check clippy cargo clippy --workspace --all-targets --locked -- -D warnings
# The verifier crate has no C code and no OS dependency: it must build for
# the web (issue: a verifier any clerk opens in a browser).
check wasm cargo build -p hawiya-core --features qr-decode --target wasm32-unknown-unknown --locked
check layering bash scripts/check-layering.sh
if [[ $mode == all ]]; then
  check doc env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
  check deny bash scripts/deny.sh
  language scripts bash scripts/tests/test-command.sh
fi
rust_tests
if [[ $mode == all ]]; then
  # The app's library (hawiya-ffi without features) exports no test issuer,
  # benchmark or PNG reader; the test build's library, loaded below, does.
  check ffi-exports bash scripts/check-ffi-exports.sh
  language python bash tests/python/run.sh
  language kotlin bash scripts/test-kotlin.sh
  language jvm bash scripts/test-jvm-jar.sh
  language android-logic bash scripts/test-android-logic.sh
  language swift bash scripts/test-swift.sh
  language web bash scripts/test-web.sh
fi

printf '\n==> summary (%ds)\n' "$SECONDS"
line="seconds per step:"
for entry in "${times[@]}"; do
  line="$line ${entry% *} ${entry##* },"
done
echo "${line%,}"
total_passed=$checks_passed
total_failed=$checks_failed
printf '%-15s%d passed, %d failed\n' "checks:" "$checks_passed" "$checks_failed"
for entry in "${langs[@]}"; do
  read -r name passed failed <<<"$entry"
  printf '%-15s%d passed, %d failed\n' "$name:" "$passed" "$failed"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
done
if [[ ${#failed_steps[@]} -gt 0 ]]; then
  echo "failed: ${failed_steps[*]} (logs in $LOGS/)"
fi
echo "total: ${total_passed} passed, ${total_failed} failed"
[[ $total_failed == 0 ]]
