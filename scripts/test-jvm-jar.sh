#!/usr/bin/env bash
# Tests the hawiya JVM library as a back office uses it: builds
# target/jvm/hawiya-jvm-VERSION.jar (scripts/build-jvm-jar.sh: release
# library, default features), checks what is in it and in its POM, then
# copies the two consumer programs of tests/jvm-consumers (Java and Kotlin,
# outside the repository's source sets) to a temporary folder, compiles them
# against the jar and JNA alone, and has each verify codes the demo has just
# made (`hawiya demo --out TMP`): the timed phone code and the printed code
# are accepted, and the printed code with one byte changed (in its signature) is rejected.
# The last line is "jvm: N passed, M failed"; the exit status is non-zero on
# any failure.
#
#   scripts/test-jvm-jar.sh
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
export CARGO_TERM_COLOR=never

passed=0
failed=0
say() { printf '==> %s\n' "$*" >&2; }
summary() { echo "jvm: $passed passed, $failed failed"; }
# Every early failure still ends with the counting line.
fail() { echo "test-jvm-jar.sh: $*" >&2; failed=$((failed + 1)); summary; exit 1; }
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }

# shellcheck source=scripts/lib/kotlin-tools.sh
source scripts/lib/kotlin-tools.sh
install_kotlin_tools

jar=$(bash scripts/build-jvm-jar.sh | tail -n1) || fail "building the jar failed"
[[ -f "$jar" ]] || fail "build-jvm-jar.sh named no jar ('$jar')"
version=$(basename "$jar" .jar)
version=${version#hawiya-jvm-}
pom="${jar%.jar}.pom"
echo "jar: $jar ($(stat -c %s "$jar") bytes), JNA here: $(dpkg-query -W -f '${Version}' libjna-java 2>/dev/null || echo unknown)"

# ---- what the jar and its POM hold
listing=$(jar --list --file "$jar")
if grep -qx 'linux-x86-64/libhawiya_ffi.so' <<<"$listing"; then
  ok "the native library is at JNA's resource path linux-x86-64/libhawiya_ffi.so"
else
  bad "the native library is at JNA's resource path" "not in the jar"
fi
# The wrapper's top-level functions are in class hawiya.Hawiya (@file:JvmName).
if grep -qx 'hawiya/ffi/Verifier.class' <<<"$listing" && grep -qx 'hawiya/Hawiya.class' <<<"$listing"; then
  ok "the generated API (hawiya.ffi) and the wrapper (hawiya) are compiled in"
else
  bad "the generated API and the wrapper are compiled in" "hawiya/ffi/Verifier.class or hawiya/Hawiya.class missing"
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/hawiya-jvm.XXXXXX") || fail "no temporary folder"
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && jar --extract --file "$OLDPWD/$jar" linux-x86-64/libhawiya_ffi.so \
  META-INF/maven/org.hawiya/hawiya-jvm/pom.xml) 2>/dev/null
exports=$(nm -D --defined-only "$scratch/linux-x86-64/libhawiya_ffi.so" 2>/dev/null)
if grep -q ' uniffi_hawiya_ffi_fn_constructor_verifier_new$' <<<"$exports" \
  && ! grep -Eq 'uniffi_hawiya_ffi_fn_[a-z]+_(testissuer|rust_presentation_benchmark|read_qr_png)' <<<"$exports"; then
  ok "the packed library exports the verifier and no test issuer, benchmark or PNG reader"
else
  bad "the packed library has the default features only" "a test-only export, or no verifier"
fi
pom_dep() { grep -A2 "<artifactId>$1</artifactId>" "$pom" | sed -n 's:.*<version>\(.*\)</version>.*:\1:p' | head -n1; }
jna_pom=$(pom_dep jna)
stdlib_pom=$(pom_dep kotlin-stdlib)
if grep -q "<version>$version</version>" "$pom" && [[ -n "$jna_pom" && -n "$stdlib_pom" ]] \
  && [[ "$(printf '%s\n' 5.17.0 "$jna_pom" | sort -V | head -n1)" == 5.17.0 ]] \
  && cmp -s "$scratch/META-INF/maven/org.hawiya/hawiya-jvm/pom.xml" "$pom"; then
  ok "the POM (version $version) declares JNA $jna_pom (5.17 or newer) and kotlin-stdlib $stdlib_pom, and is in the jar"
else
  bad "the POM declares JNA 5.17 or newer and kotlin-stdlib" "see $pom"
fi

# ---- the consumer programs, outside the repository
say "building the hawiya CLI for the demo's codes"
cargo build --quiet --locked -p hawiya-cli >&2 || fail "building the hawiya CLI failed"
cp tests/jvm-consumers/VerifyCode.java tests/jvm-consumers/VerifyCode.kt "$scratch/"
cp "$jar" "$scratch/hawiya-jvm.jar"
cd "$scratch" || fail "cannot enter $scratch"
compile_cp="hawiya-jvm.jar:$JNA_JAR"
# A dependency the POM declares besides the standard library (the wrapper's
# coroutines) is on the class path too, as a Maven or Gradle build puts it.
coroutines_jar=
if grep -q '<artifactId>kotlinx-coroutines-core</artifactId>' "$OLDPWD/$pom"; then
  coroutines_jar=$COROUTINES_JAR
  compile_cp="$compile_cp:$coroutines_jar"
fi
say "compiling the Java consumer: javac -cp $compile_cp"
if javac -cp "$compile_cp" -d java VerifyCode.java >&2; then
  ok "a Java program compiles against the jar and JNA alone"
  java_ok=1
else
  bad "a Java program compiles against the jar and JNA alone"
  java_ok=0
fi
say "compiling the Kotlin consumer: kotlinc -cp $compile_cp"
if "$OLDPWD/$KOTLINC" -nowarn -cp "$compile_cp" -d verify-kt.jar VerifyCode.kt >&2; then
  ok "a Kotlin program compiles against the jar and JNA alone"
  kotlin_ok=1
else
  bad "a Kotlin program compiles against the jar and JNA alone"
  kotlin_ok=0
fi
cd "$OLDPWD" || fail "cannot go back"

# The codes, made just now: the phone's timed code is fresh for two minutes.
say "making the demo's codes: hawiya demo --out $scratch/demo"
target/debug/hawiya demo --out "$scratch/demo" >"$scratch/demo.log" 2>&1 || fail "hawiya demo failed (see $scratch/demo.log)"
demo=$scratch/demo
# The printed code with one byte changed: the last byte of its payload (in
# the issuer's signature), decoded from base45, changed and encoded again, so
# the text is still a well-formed code and only the signature check fails.
tampered=$scratch/tampered.txt
python3 - "$demo/presentation-static.txt" "$tampered" <<'EOF' || fail "could not write the tampered code"
import sys
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
text = open(sys.argv[1], encoding="ascii").read().rstrip("\r\n")
prefix, body = text.split(":", 1)
values = [ALPHABET.index(c) for c in body]
data = bytearray()
for i in range(0, len(values), 3):
    chunk = values[i:i + 3]
    n = sum(v * 45**k for k, v in enumerate(chunk))
    data += n.to_bytes(2, "big") if len(chunk) == 3 else bytes([n])
data[-1] ^= 0x01
out = []
for i in range(0, len(data), 2):
    if i + 1 < len(data):
        n = data[i] * 256 + data[i + 1]
        out += [n % 45, n // 45 % 45, n // 2025]
    else:
        out += [data[i] % 45, data[i] // 45]
open(sys.argv[2], "w", encoding="ascii").write(prefix + ":" + "".join(ALPHABET[v] for v in out) + "\n")
EOF

# The Java program needs the Kotlin standard library at run time (the jar's
# classes are Kotlin): the POM declares it, so it is on the run classpath.
run_cp="hawiya-jvm.jar:$JNA_JAR:$PWD/$STDLIB"
[[ -z "$coroutines_jar" ]] || run_cp="$run_cp:$coroutines_jar"
# check NAME EXPECTED_STATUS EXPECTED_WORD CLASSPATH MAIN CODE_FILE
check() {
  local name=$1 want=$2 word=$3 cp=$4 main=$5 code=$6 out status
  out=$(cd "$scratch" && java -cp "$cp" "$main" "$demo/root.pub" "$demo/trust-list.cbor" "$demo/status-list.cbor" "$code" 2>&1)
  status=$?
  printf '%s\n' "$out" | sed 's/^/     /'
  if [[ $status == "$want" ]] && grep -q "^$word" <<<"$out"; then
    ok "$name"
  else
    bad "$name" "exit $status, wanted $want and a line starting $word"
  fi
}
if [[ $java_ok == 1 ]]; then
  check "Java: the demo's timed phone code is accepted" 0 ACCEPTED "java:$run_cp" VerifyCode "$demo/presentation-timed.txt"
  check "Java: the demo's printed code is accepted" 0 ACCEPTED "java:$run_cp" VerifyCode "$demo/presentation-static.txt"
  check "Java: the printed code with one byte changed is rejected" 1 "REJECTED: \\[bad_issuer_signature\\]" "java:$run_cp" VerifyCode "$tampered"
fi
if [[ $kotlin_ok == 1 ]]; then
  check "Kotlin: the demo's timed phone code is accepted" 0 ACCEPTED "verify-kt.jar:$run_cp" VerifyCodeKt "$demo/presentation-timed.txt"
  check "Kotlin: the demo's printed code is accepted" 0 ACCEPTED "verify-kt.jar:$run_cp" VerifyCodeKt "$demo/presentation-static.txt"
  check "Kotlin: the printed code with one byte changed is rejected" 1 "REJECTED: \\[bad_issuer_signature\\]" "verify-kt.jar:$run_cp" VerifyCodeKt "$tampered"
fi

summary
[[ $failed == 0 ]]
