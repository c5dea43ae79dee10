# Sourced by scripts/test-kotlin.sh and scripts/test-android-logic.sh: the
# Kotlin tool places they share, and their idempotent install (a JDK and JNA
# from apt, the Kotlin compiler from npm into target/tools/kotlin). The caller
# defines say() and fail() first; fail() must print its counting line.

KOTLIN_VERSION=2.4.20
KOTLIN_TOOLS=target/tools/kotlin
KOTLIN_HOME="$KOTLIN_TOOLS/node_modules/kotlin-compiler"
KOTLINC="$KOTLIN_HOME/bin/kotlinc"
STDLIB="$KOTLIN_HOME/lib/kotlin-stdlib.jar"
KTEST="$KOTLIN_HOME/lib/kotlin-test.jar"
JNA_JAR=/usr/share/java/jna.jar
# kotlinx-coroutines for the coroutine API (hawiya.AsyncWallet, the live
# presentation Flow): the build the Kotlin compiler itself ships, 1.8.0. It
# is the version the compiler was built and tested with, and it has Flow.
# Debian's libkotlinx-coroutines-java is 1.0.1 (2018): it has no Flow (added
# in 1.2/1.3) and needs atomicfu on the class path, so it cannot compile the
# SDK's API. The Android library declares
# org.jetbrains.kotlinx:kotlinx-coroutines-core (bindings/android/README.md).
COROUTINES_JAR="$KOTLIN_HOME/lib/kotlinx-coroutines-core-jvm.jar"

apt_install() {
  command -v apt-get >/dev/null || fail "apt-get not found; install $* by hand"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "$@" >&2 || { apt-get update -q >&2 && apt-get install -y -q "$@" >&2; } \
    || fail "could not install $*"
}

install_kotlin_tools() {
  command -v java >/dev/null || { say "installing a JDK"; apt_install default-jdk-headless; }
  [[ -f "$JNA_JAR" ]] || { say "installing JNA"; apt_install libjna-java; }
  command -v npm >/dev/null || { say "installing npm"; apt_install npm; }
  if [[ ! -x "$KOTLINC" ]] || ! grep -q "\"version\": \"$KOTLIN_VERSION\"" "$KOTLIN_HOME/package.json" 2>/dev/null; then
    say "installing kotlin-compiler $KOTLIN_VERSION"
    mkdir -p "$KOTLIN_TOOLS"
    npm install --prefix "$KOTLIN_TOOLS" --no-audit --no-fund --no-save --loglevel=error "kotlin-compiler@$KOTLIN_VERSION" >&2 \
      || fail "npm could not install kotlin-compiler"
  fi
  [[ -f "$COROUTINES_JAR" ]] || fail "kotlinx-coroutines not found at $COROUTINES_JAR (the compiler package ships it)"
}
