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
}
