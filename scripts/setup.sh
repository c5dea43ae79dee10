#!/usr/bin/env bash
# Installs what the test command needs, idempotently and without prompts
# (CI=true, no stdin). Says what it installs, one line per thing, and prints
# nothing when everything is in place. scripts/test.sh calls it first; each
# scripts/test-*.sh also sets up its own part, so they run alone as well.
#
#   scripts/setup.sh              every part
#   scripts/setup.sh PART...      only these parts:
#
#   rust    rustfmt, clippy and the wasm32 target (rustup); pdftoppm (Debian's poppler-utils),
#           which the card tests read the printed PDF's QR code back with
#   deny    cargo-deny (pinned; cargo install --locked), which checks deny.toml
#   python  target/python-venv with pycose and cbor2 (tests/python)
#   kotlin  a JDK, JNA and npm (apt), kotlin-compiler (npm, into target/tools)
#   swift   Swift 6 in a Debian chroot under /opt/hawiya-swift (root only;
#           scripts/swift-toolchain.sh)
#   web     the browser verifier's tools (scripts/lib/web-tools.sh): chromium,
#           ffmpeg and binaryen (apt), the wasm32 target (rustup),
#           wasm-bindgen-cli at Cargo.lock's version (cargo install --locked,
#           into target/tools), typescript and playwright-core (npm ci in web/)
#
# apt installs need root (CI runs as root). Exit status 0 when every part
# asked for is in place, 1 if any could not be installed (each failure is
# named on stderr; the other parts are still set up), 2 on a usage error.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2

say() { printf '==> %s\n' "$*" >&2; }
# A part's failure: ends that part (each part runs in a subshell), not the script.
fail() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# shellcheck source=scripts/lib/kotlin-tools.sh
source scripts/lib/kotlin-tools.sh
# shellcheck source=scripts/lib/python-venv.sh
source scripts/lib/python-venv.sh
# shellcheck source=scripts/lib/cargo-deny.sh
source scripts/lib/cargo-deny.sh
# shellcheck source=scripts/lib/web-tools.sh
source scripts/lib/web-tools.sh

setup_rust() {
  command -v cargo >/dev/null || fail "cargo not found; install Rust with rustup first"
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    command -v rustup >/dev/null || fail "rustfmt or clippy is missing and rustup is not there to add them"
    say "installing rustfmt and clippy (rustup component add)"
    rustup component add rustfmt clippy >&2 || fail "rustup could not add rustfmt and clippy"
  fi
  if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "installing the wasm32-unknown-unknown target (rustup), to check the verifier builds for the web"
    rustup target add wasm32-unknown-unknown >&2 || fail "rustup could not add the wasm32-unknown-unknown target"
  fi
  if ! command -v pdftoppm >/dev/null; then
    say "installing poppler-utils (pdftoppm, for the printed card's QR check)"
    apt_install poppler-utils
  fi
}

setup_deny() {
  install_cargo_deny
}

setup_python() {
  python_venv_setup || fail "the Python environment for tests/python could not be set up"
}

setup_kotlin() {
  install_kotlin_tools
}

setup_web() {
  install_web_tools
}

setup_swift() {
  [[ "$(id -u)" == 0 ]] || fail "the Swift toolchain needs root (debootstrap, chroot and mount)"
  scripts/swift-toolchain.sh >/dev/null || fail "scripts/swift-toolchain.sh could not install Swift"
}

ALL_PARTS=(rust deny python kotlin swift web)
if [[ $# == 0 ]]; then
  parts=("${ALL_PARTS[@]}")
else
  parts=("$@")
fi
for part in "${parts[@]}"; do
  case "$part" in
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
  esac
  case " ${ALL_PARTS[*]} " in
    *" $part "*) ;;
    *) echo "setup: unknown part '$part' (parts: ${ALL_PARTS[*]})" >&2; exit 2 ;;
  esac
done

failed=()
for part in "${parts[@]}"; do
  ( "setup_$part" ) || failed+=("$part")
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "setup: not set up: ${failed[*]}" >&2
  exit 1
fi
