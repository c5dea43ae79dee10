#!/usr/bin/env bash
# Tests of scripts/test.sh itself: that whatever fails (a check, a Rust
# compile error, a failing or crashing test, a runner that stops before its
# summary, the setup), it still runs every later step, prints every language
# line and the total, and exits non-zero; and that it exits 0 only when
# nothing failed.
#
# Each case runs the real scripts/test.sh in a scratch copy of the repository
# whose step scripts are stand-ins and whose `cargo` (first on PATH) is a
# stand-in too, each doing what the case tells it through FAKE_* variables.
# Nothing is built. Ends with "scripts: N passed, M failed"; exit status
# non-zero if any case failed.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/hawiya-test-command.XXXXXX") || exit 1
trap 'rm -rf "$SCRATCH"' EXIT

# ---- the scratch repository ----------------------------------------------------
repo=$SCRATCH/repo
bin=$SCRATCH/bin
mkdir -p "$repo/scripts/tests" "$repo/tests/python" "$bin"
cp "$ROOT/scripts/test.sh" "$repo/scripts/test.sh"

# A language script stand-in: FAKE_<NAME> is pass (default), fail, silent
# (stops before its summary line) or liar (summary says 0 failed, exit 1).
language_stub() { # language_stub FILE NAME VAR
  cat >"$repo/$1" <<STUB
#!/usr/bin/env bash
case "\${$3:-pass}" in
  pass) echo "$2: 3 passed, 0 failed" ;;
  fail) echo "$2: 2 passed, 1 failed"; exit 1 ;;
  silent) echo "$2 stand-in: stopping early" >&2; exit 1 ;;
  liar) echo "$2: 3 passed, 0 failed"; exit 1 ;;
esac
STUB
}
language_stub tests/python/run.sh python FAKE_PYTHON
language_stub scripts/test-kotlin.sh kotlin FAKE_KOTLIN
language_stub scripts/test-jvm-jar.sh jvm FAKE_JVM
language_stub scripts/test-android-logic.sh android-logic FAKE_ANDROID
language_stub scripts/test-swift.sh swift FAKE_SWIFT
language_stub scripts/test-web.sh web FAKE_WEB
language_stub scripts/tests/test-command.sh scripts FAKE_SCRIPTS
cat >"$repo/scripts/setup.sh" <<'STUB'
#!/usr/bin/env bash
echo "setup stand-in: parts [$*]"
[[ "${FAKE_SETUP:-ok}" == ok ]]
STUB
cat >"$repo/scripts/deny.sh" <<'STUB'
#!/usr/bin/env bash
[[ "${FAKE_DENY:-ok}" == ok ]]
STUB
cat >"$repo/scripts/check-layering.sh" <<'STUB'
#!/usr/bin/env bash
[[ "${FAKE_LAYERING:-ok}" == ok ]]
STUB
cat >"$repo/scripts/check-ffi-exports.sh" <<'STUB'
#!/usr/bin/env bash
[[ "${FAKE_EXPORTS:-ok}" == ok ]]
STUB

# cargo stand-in. FAKE_FMT / FAKE_CLIPPY / FAKE_DOC / FAKE_WASM: ok or fail.
# FAKE_BUILD: ok or error (a compile error in `cargo test --no-run`).
# FAKE_TESTS: pass, fail (one test fails), crash (a test binary aborts before
# its result line) or error (the compile error again, so nothing runs).
cat >"$bin/cargo" <<'STUB'
#!/usr/bin/env bash
verdict() { [[ "$1" == ok ]] || { echo "cargo stand-in: $2 failed" >&2; exit 1; }; }
case "$1" in
  fmt) verdict "${FAKE_FMT:-ok}" fmt ;;
  clippy) verdict "${FAKE_CLIPPY:-ok}" clippy ;;
  doc) verdict "${FAKE_DOC:-ok}" doc ;;
  build)
    [[ " $* " == *" --target wasm32-unknown-unknown "* ]] || { echo "cargo stand-in: unexpected cargo $*" >&2; exit 1; }
    verdict "${FAKE_WASM:-ok}" "wasm build" ;;
  test)
    if [[ " $* " == *" --no-run "* ]]; then
      [[ "${FAKE_BUILD:-ok}" == ok ]] || { echo "error[E0308]: mismatched types"; exit 101; }
      exit 0
    fi
    case "${FAKE_TESTS:-pass}" in
      pass)
        echo "test result: ok. 5 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s"
        echo "test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s" ;;
      fail)
        echo "test result: FAILED. 4 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s"
        echo "error: test failed, to rerun pass \`--test a\`"
        echo "test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s"
        exit 101 ;;
      crash)
        echo "test result: ok. 5 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s"
        echo "error: test failed, to rerun pass \`--test b\`"
        echo "  process didn't exit successfully (signal: 6, SIGABRT: process abort signal)"
        exit 101 ;;
      error) echo "error[E0308]: mismatched types"; exit 101 ;;
    esac ;;
  *) echo "cargo stand-in: unexpected cargo $*" >&2; exit 1 ;;
esac
STUB
chmod +x "$bin/cargo" "$repo"/scripts/*.sh "$repo"/scripts/tests/*.sh "$repo"/tests/python/*.sh

# ---- running a case -----------------------------------------------------------
passed=0
failed=0
out=$SCRATCH/out
status=0

# run_case VAR=VALUE... -- ARGS...: runs the scratch test.sh with these
# stand-in settings and arguments; keeps its output in $out, its exit in $status.
run_case() {
  local -a env=()
  while [[ $# -gt 0 && "$1" != -- ]]; do
    env+=("$1")
    shift
  done
  shift
  rm -rf "$repo/target"
  env -i HOME="$HOME" PATH="$bin:/usr/bin:/bin" TMPDIR="${TMPDIR:-/tmp}" "${env[@]}" \
    bash "$repo/scripts/test.sh" "$@" >"$out" 2>&1
  status=$?
}

problems=()
expect_status() { [[ "$status" == "$1" ]] || problems+=("exit status $status, expected $1"); }
expect_line() { grep -qxF -- "$1" "$out" || problems+=("no line '$1'"); }
expect_no_line_like() { ! grep -qE -- "$1" "$out" || problems+=("a line like '$1'"); }
expect_last_line() {
  local last
  last=$(tail -n1 "$out")
  [[ "$last" == "$1" ]] || problems+=("last line '$last', expected '$1'")
}

# finish NAME: reports the case and resets the problems found.
finish() {
  if [[ ${#problems[@]} -eq 0 ]]; then
    passed=$((passed + 1))
    echo "ok   $1"
  else
    failed=$((failed + 1))
    echo "FAIL $1"
    printf '       %s\n' "${problems[@]}"
    echo "       --- output of scripts/test.sh ---"
    sed 's/^/       | /' "$out"
  fi
  problems=()
}

# ---- the cases ----------------------------------------------------------------
run_case --
expect_status 0
expect_line "checks:        8 passed, 0 failed"
expect_line "scripts:       3 passed, 0 failed"
expect_line "rust:          9 passed, 0 failed"
expect_line "python:        3 passed, 0 failed"
expect_line "kotlin:        3 passed, 0 failed"
expect_line "jvm:           3 passed, 0 failed"
expect_line "android-logic: 3 passed, 0 failed"
expect_line "swift:         3 passed, 0 failed"
expect_line "web:           3 passed, 0 failed"
expect_line "setup stand-in: parts []"
expect_last_line "total: 38 passed, 0 failed"
expect_no_line_like "^failed:"
finish "everything passes: exit 0, every line, the sum"

run_case FAKE_TESTS=fail --
expect_status 1
expect_line "rust:          8 passed, 1 failed"
expect_line "swift:         3 passed, 0 failed"
expect_line "failed: rust (logs in target/test-logs/)"
expect_last_line "total: 37 passed, 1 failed"
finish "a failing Rust test: the later steps still run, the summary counts it"

run_case FAKE_CLIPPY=fail FAKE_FMT=fail --
expect_status 1
expect_line "checks:        6 passed, 2 failed"
expect_line "rust:          9 passed, 0 failed"
expect_line "failed: fmt clippy (logs in target/test-logs/)"
expect_last_line "total: 36 passed, 2 failed"
finish "fmt and clippy failing count as failures and do not stop the run"

run_case FAKE_BUILD=error FAKE_TESTS=error --
expect_status 1
expect_line "rust:          0 passed, 1 failed"
expect_line "kotlin:        3 passed, 0 failed"
expect_last_line "total: 29 passed, 1 failed"
finish "a Rust compile error is one failure; the other languages still run"

run_case FAKE_TESTS=crash --
expect_status 1
expect_line "rust:          5 passed, 1 failed"
expect_last_line "total: 34 passed, 1 failed"
finish "a test binary that aborts before its result line counts as a failure"

run_case FAKE_KOTLIN=silent FAKE_SWIFT=liar --
expect_status 1
expect_line "kotlin:        0 passed, 1 failed"
expect_line "swift:         3 passed, 1 failed"
expect_line "android-logic: 3 passed, 0 failed"
expect_last_line "total: 35 passed, 2 failed"
finish "a runner with no summary line, or one that exits non-zero saying 0 failed, fails"

run_case FAKE_SWIFT=fail FAKE_PYTHON=fail --
expect_status 1
expect_line "swift:         2 passed, 1 failed"
expect_line "python:        2 passed, 1 failed"
expect_last_line "total: 36 passed, 2 failed"
finish "failures reported by the other languages are summed"

run_case FAKE_SETUP=fail FAKE_DENY=fail FAKE_DOC=fail --
expect_status 1
expect_line "checks:        5 passed, 3 failed"
expect_line "rust:          9 passed, 0 failed"
expect_last_line "total: 35 passed, 3 failed"
finish "setup, doc and deny failures are counted and the tests still run"

run_case FAKE_WASM=fail FAKE_LAYERING=fail FAKE_EXPORTS=fail --
expect_status 1
expect_line "checks:        5 passed, 3 failed"
expect_line "failed: wasm layering ffi-exports (logs in target/test-logs/)"
expect_last_line "total: 35 passed, 3 failed"
finish "the WebAssembly build, the layering check and the FFI export check count as checks"

run_case -- rust
expect_status 0
expect_line "setup stand-in: parts [rust]"
expect_line "checks:        5 passed, 0 failed"
expect_line "rust:          9 passed, 0 failed"
expect_no_line_like "^(python|kotlin|jvm|android-logic|swift|web|scripts):"
expect_last_line "total: 14 passed, 0 failed"
finish "rust mode: setup of the Rust tools, fmt, clippy and the Rust tests only"

run_case FAKE_TESTS=fail -- rust
expect_status 1
expect_last_line "total: 13 passed, 1 failed"
finish "rust mode: a failing test still ends with the total and exit 1"

run_case FAKE_WEB=fail --
expect_status 1
expect_line "web:           2 passed, 1 failed"
expect_line "failed: web (logs in target/test-logs/)"
finish "the browser tests count like the other languages"

run_case FAKE_WEB=silent --
expect_status 1
expect_line "web:           0 passed, 1 failed"
finish "browser tests that stop before their summary count as a failure"

run_case FAKE_JVM=fail --
expect_status 1
expect_line "jvm:           2 passed, 1 failed"
expect_line "kotlin:        3 passed, 0 failed"
expect_line "failed: jvm (logs in target/test-logs/)"
finish "the JVM jar's consumer tests count like the other languages"

run_case -- everything
expect_status 2
expect_no_line_like "^total:"
expect_no_line_like "^==> "
finish "an unknown mode is a usage error (exit 2) and runs nothing"

run_case -- rust extra
expect_status 2
expect_no_line_like "^==> "
finish "two modes are a usage error"

echo "scripts: $passed passed, $failed failed"
[[ $failed == 0 ]]
