#!/usr/bin/env bash
# Tests the Android demo's logic (android-demo/logic: wallet session, disclosure
# choices, QR refresh timing, verdict and log wording, dependents, the
# AES-GCM key source) on the JVM here, against the real Kotlin bindings and
# the real Rust library. The Android UI itself needs the Android SDK and is
# not compiled here (android-demo/README.md says how to build it).
#
# Installs what it needs, idempotently and without prompts (CI=true works):
# the Kotlin compiler from npm (into target/), JNA from apt. Builds
# libhawiya_ffi and uniffi-bindgen with cargo, generates the Kotlin bindings
# (library mode), compiles with kotlinc (skipped when the sources did not
# change since the last run), runs the tests, and ends with one line:
# "android-logic: N passed, M failed".
#
#   scripts/test-android-logic.sh            run every test
#   scripts/test-android-logic.sh WORDS      run the tests whose name contains WORDS
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TERM_COLOR=never

KOTLIN_VERSION=2.4.20
OUT=target/android-logic
KOTLIN_HOME=target/kotlin-compiler/node_modules/kotlin-compiler
JNA_JAR=/usr/share/java/jna.jar
step() { printf '==> %s\n' "$*" >&2; }

# --- tools ------------------------------------------------------------------
command -v java >/dev/null || { echo "test-android-logic: java not found (a JDK 17 or newer is needed)" >&2; exit 2; }
if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ] || ! grep -qx "$KOTLIN_VERSION" "$KOTLIN_HOME/build.txt" 2>/dev/null; then
  command -v npm >/dev/null || { echo "test-android-logic: npm not found; it installs the Kotlin compiler" >&2; exit 2; }
  step "installing the Kotlin compiler $KOTLIN_VERSION (npm package kotlin-compiler)"
  npm install --silent --no-audit --no-fund --prefix target/kotlin-compiler "kotlin-compiler@$KOTLIN_VERSION" >&2
fi
if [ ! -f "$JNA_JAR" ]; then
  step "installing JNA (apt package libjna-java)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q libjna-java >&2 || { apt-get update -q >&2 && apt-get install -y -q libjna-java >&2; }
fi
KOTLINC="$KOTLIN_HOME/bin/kotlinc"
STDLIB="$KOTLIN_HOME/lib/kotlin-stdlib.jar"
KTEST="$KOTLIN_HOME/lib/kotlin-test.jar"

# --- the Rust library and its generated Kotlin bindings ---------------------
step "building libhawiya_ffi and uniffi-bindgen"
cargo build -p hawiya-ffi --lib --locked --quiet
cargo build -p hawiya-ffi --features bindgen --bin uniffi-bindgen --locked --quiet
LIB_DIR=target/debug
mkdir -p "$OUT"
rm -rf "$OUT/generated"
# Library mode reads the package name from bindings/uniffi.toml through this
# global config's [crate-roots] entry.
printf '[crate-roots]\nhawiya_ffi = "%s/bindings"\n' "$PWD" >"$OUT/uniffi-global.toml"
target/debug/uniffi-bindgen generate --library "$LIB_DIR/libhawiya_ffi.so" --language kotlin \
  --config "$OUT/uniffi-global.toml" --no-format --out-dir "$OUT/generated" >/dev/null
[ -f "$OUT/generated/hawiya/ffi/hawiya_ffi.kt" ] || { echo "test-android-logic: bindings not generated in package hawiya.ffi" >&2; exit 1; }

# Compiles sources into a jar unless the same sources (and classpath) built it last time.
compile() { # name classpath sources...
  local name=$1 classpath=$2; shift 2
  local stamp
  stamp=$(cat "$@" <(echo "$classpath") <(sha256sum ${classpath//:/ } 2>/dev/null) | sha256sum | cut -c1-16)
  if [ -f "$OUT/$name.jar" ] && [ "$(cat "$OUT/$name.stamp" 2>/dev/null)" = "$stamp" ]; then
    step "$name: unchanged, not recompiled"
    return
  fi
  step "compiling $name ($# files)"
  rm -f "$OUT/$name.stamp" "$OUT/$name.jar"
  "$KOTLINC" -nowarn -jvm-target 17 -cp "$classpath" -d "$OUT/$name.jar" "$@" 2>&1 | grep -v '^OpenJDK' >&2 || true
  [ -f "$OUT/$name.jar" ] || { echo "test-android-logic: compiling $name failed" >&2; exit 1; }
  echo "$stamp" >"$OUT/$name.stamp"
}

mapfile -t generated < <(find "$OUT/generated" -name '*.kt' | sort)
compile bindings "$JNA_JAR" "${generated[@]}"
mapfile -t logic < <(find android-demo/logic/src/main/kotlin android-demo/logic/src/test/kotlin -name '*.kt' | sort)
compile logic "$JNA_JAR:$OUT/bindings.jar:$KTEST" "${logic[@]}"

# --- run ----------------------------------------------------------------------
step "running the Android logic tests on the JVM"
set +e
java -Djna.library.path="$LIB_DIR" \
  -cp "$OUT/logic.jar:$OUT/bindings.jar:$JNA_JAR:$STDLIB:$KTEST" \
  org.hawiya.demo.logic.HarnessKt "$@" 2>&1 | tee "$OUT/test.log"
status=${PIPESTATUS[0]}
set -e
grep -Eq '^android-logic: [0-9]+ passed, [0-9]+ failed$' "$OUT/test.log" || echo "android-logic: 0 passed, 1 failed"
exit "$status"
