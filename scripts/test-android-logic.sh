#!/usr/bin/env bash
# Tests the Android demo's logic (android-demo/logic: wallet session, disclosure
# choices, QR refresh timing, verdict and log wording, dependents, the
# AES-GCM key source) on the JVM here, against the real Kotlin bindings and
# the real Rust library. The Android UI itself needs the Android SDK and is
# not compiled here (android-demo/README.md says how to build it).
#
# Installs what it needs, idempotently and without prompts (CI=true works):
# a JDK and JNA from apt, the Kotlin compiler from npm (into target/tools,
# shared with scripts/test-kotlin.sh). Builds libhawiya_ffi and generates the
# Kotlin sources (scripts/bindings-generate.sh), compiles them with the
# Kotlin wrapper (bindings/kotlin/src/main) and android-demo/logic with
# kotlinc (skipped when the sources did not change), runs the tests, and ends
# with one line: "android-logic: N passed, M failed"; the exit status is
# non-zero on any failure.
#
#   scripts/test-android-logic.sh            run every test
#   scripts/test-android-logic.sh WORDS      run the tests whose name contains WORDS
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TERM_COLOR=never

OUT=target/android-logic
say() { printf '==> %s\n' "$*" >&2; }
# Every early failure still ends with the counting line.
fail() { echo "test-android-logic.sh: $*" >&2; echo "android-logic: 0 passed, 1 failed"; exit 1; }

# shellcheck source=scripts/lib/kotlin-tools.sh
source scripts/lib/kotlin-tools.sh
install_kotlin_tools

# ---- the library and its generated Kotlin sources (package hawiya.ffi)
say "building libhawiya_ffi and generating the Kotlin sources"
lib=$(scripts/bindings-generate.sh | tail -n1) || fail "building the library or generating the bindings failed"
mkdir -p "$OUT"

# ---- the bindings: generated code + the idiomatic wrapper (bindings/kotlin/src/main).
# When scripts/test-kotlin.sh has just compiled exactly these sources (its jar
# also holds its own tests, which do no harm here), use its jar; otherwise
# compile them here. Either way nothing is compiled twice for the same sources.
bindings_sources=$(find target/bindings/kotlin bindings/kotlin/src/main -name '*.kt' | sort)
kotlin_tests_sources=$(find target/bindings/kotlin bindings/kotlin/src/main bindings/kotlin/src/test -name '*.kt' | sort)
# shellcheck disable=SC2086
kotlin_tests_stamp=$( { echo "$KOTLIN_VERSION"; cat $kotlin_tests_sources; } | sha256sum | cut -d' ' -f1)
if [[ -f target/kotlin/hawiya-kotlin-tests.jar && "$(cat target/kotlin/stamp 2>/dev/null)" == "$kotlin_tests_stamp" ]]; then
  say "bindings: using the jar scripts/test-kotlin.sh compiled from the same sources"
  bindings_jar=target/kotlin/hawiya-kotlin-tests.jar
else
  bindings_jar="$OUT/bindings.jar"
  # shellcheck disable=SC2086
  stamp=$( { echo "$KOTLIN_VERSION"; cat $bindings_sources; } | sha256sum | cut -d' ' -f1)
  if [[ ! -f "$bindings_jar" || "$(cat "$OUT/bindings.stamp" 2>/dev/null)" != "$stamp" ]]; then
    say "compiling the bindings ($(echo "$bindings_sources" | wc -l) files) with kotlinc $KOTLIN_VERSION"
    rm -f "$bindings_jar" "$OUT/bindings.stamp"
    # shellcheck disable=SC2086
    "$KOTLINC" -nowarn -jvm-target 17 -cp "$JNA_JAR:$COROUTINES_JAR" -d "$bindings_jar" $bindings_sources >&2 || fail "kotlinc failed on the bindings"
    echo "$stamp" >"$OUT/bindings.stamp"
  fi
fi

# ---- the demo's logic and its tests
logic_jar="$OUT/logic.jar"
logic_sources=$(find android-demo/logic/src/main/kotlin android-demo/logic/src/test/kotlin -name '*.kt' | sort)
# shellcheck disable=SC2086
stamp=$( { echo "$KOTLIN_VERSION"; cat $logic_sources $bindings_sources; } | sha256sum | cut -d' ' -f1)
if [[ ! -f "$logic_jar" || "$(cat "$OUT/logic.stamp" 2>/dev/null)" != "$stamp" ]]; then
  say "compiling android-demo/logic ($(echo "$logic_sources" | wc -l) files) with kotlinc $KOTLIN_VERSION"
  rm -f "$logic_jar" "$OUT/logic.stamp"
  # shellcheck disable=SC2086
  "$KOTLINC" -nowarn -jvm-target 17 -cp "$JNA_JAR:$COROUTINES_JAR:$bindings_jar:$KTEST" -d "$logic_jar" $logic_sources >&2 \
    || fail "kotlinc failed on android-demo/logic"
  echo "$stamp" >"$OUT/logic.stamp"
fi

# ---- run
say "running the Android logic tests on the JVM"
log="$OUT/test.log"
set +e
# The runner's own counting line is printed once, last, below.
java -Djna.library.path="$(dirname "$lib")" -cp "$logic_jar:$bindings_jar:$JNA_JAR:$COROUTINES_JAR:$STDLIB:$KTEST" \
  org.hawiya.demo.logic.HarnessKt "$@" 2>&1 | tee "$log" | grep -v '^android-logic: '
status=${PIPESTATUS[0]}
set -e
summary=$(grep -E '^android-logic: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1 || true)
[[ -n "$summary" ]] || fail "the JVM stopped before the tests finished (exit $status)"
echo "$summary"
[[ $status == 0 ]] || exit 1
