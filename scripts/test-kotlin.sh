#!/usr/bin/env bash
# Tests the Kotlin bindings on the JVM, as an Android app calls them through
# JNA: installs what it needs idempotently (a JDK and JNA from apt, the Kotlin
# compiler from npm into target/tools), builds libhawiya_ffi and generates
# the Kotlin sources (scripts/bindings-generate.sh), compiles the generated
# code, the wrapper (bindings/kotlin/src/main) and the tests
# (bindings/kotlin/src/test) with kotlinc, and runs them. The last line is
# "kotlin: N passed, M failed"; the exit status is non-zero on any failure.
#
#   scripts/test-kotlin.sh            run the tests
#   scripts/test-kotlin.sh FILTER     run the tests whose name contains FILTER
#   scripts/test-kotlin.sh --bench [PER_ROUND [ROUNDS]]
#                                     presentation overhead, Kotlin vs Rust,
#                                     on a release build of the library
#                                     (wallet file in $TMPDIR, default /tmp)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TERM_COLOR=never

OUT=target/kotlin
say() { printf '==> %s\n' "$*" >&2; }
# Every early failure still ends with the counting line.
fail() { echo "test-kotlin.sh: $*" >&2; echo "kotlin: 0 passed, 1 failed"; exit 1; }

# shellcheck source=scripts/lib/kotlin-tools.sh
source scripts/lib/kotlin-tools.sh
install_kotlin_tools

# ---- library and generated sources
bench=0
if [[ "${1:-}" == "--bench" ]]; then
  bench=1
  shift
fi
say "building libhawiya_ffi and generating the Kotlin sources"
lib=$(scripts/bindings-generate.sh | tail -n1) || fail "building the library or generating the bindings failed"
generated=target/bindings/kotlin

# ---- compile (skipped when nothing changed)
mkdir -p "$OUT"
jar="$OUT/hawiya-kotlin-tests.jar"
sources=$(find "$generated" bindings/kotlin/src/main bindings/kotlin/src/test -name '*.kt' | sort)
stamp=$( { echo "$KOTLIN_VERSION"; cat $sources; } | sha256sum | cut -d' ' -f1)
if [[ ! -f "$jar" || "$(cat "$OUT/stamp" 2>/dev/null)" != "$stamp" ]]; then
  say "compiling $(echo "$sources" | wc -l) Kotlin files with kotlinc $KOTLIN_VERSION"
  rm -f "$jar" "$OUT/stamp"
  # shellcheck disable=SC2086
  "$KOTLIN_HOME/bin/kotlinc" -nowarn -jvm-target 17 -cp "$JNA_JAR:$COROUTINES_JAR:$KTEST" -d "$jar" $sources >&2 \
    || fail "kotlinc failed"
  echo "$stamp" > "$OUT/stamp"
fi
classpath="$jar:$STDLIB:$KTEST:$JNA_JAR:$COROUTINES_JAR"

# ---- run
if [[ $bench == 1 ]]; then
  say "building the release library for the benchmark"
  # The generated sources above fit it: the API does not depend on the profile.
  # With the test issuer and the benchmark, as the test build has them.
  cargo build --locked --release -p hawiya-ffi --lib --features test-issuer,bench,qr-decode >&2 \
    || fail "building the release library failed"
  # The wallet file goes to $TMPDIR: TMPDIR=/dev/shm leaves out the disk's
  # fsync, which otherwise dominates each presentation (its log entry is durable).
  exec java -Djava.io.tmpdir="${TMPDIR:-/tmp}" -Djna.library.path="$PWD/target/release" \
    -cp "$classpath" hawiya.PresentationBench "$@"
fi
log="$OUT/test.log"
set +e
# The runner's own counting line is printed once, last, below.
java -Djna.library.path="$(dirname "$lib")" -cp "$classpath" hawiya.KotlinTestMain "$@" 2>&1 \
  | tee "$log" | grep -v '^kotlin: '
status=${PIPESTATUS[0]}
set -e
summary=$(grep -E '^kotlin: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1 || true)
if [[ -z "$summary" ]]; then
  fail "the JVM stopped before the tests finished (exit $status)"
fi
echo "$summary"
[[ $status == 0 ]] || exit 1
