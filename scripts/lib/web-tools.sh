# shellcheck shell=bash
# Sourced by scripts/setup.sh, scripts/web-build.sh and scripts/test-web.sh:
# the browser verifier's tools and their idempotent install.
#
#   apt        chromium (driven headless by the tests), ffmpeg (the fake
#              camera's video), binaryen (wasm-opt)
#   rustup     the wasm32-unknown-unknown target
#   cargo      wasm-bindgen-cli at exactly the version of the wasm-bindgen
#              crate in Cargo.lock (cargo install --locked), into
#              target/tools/wasm-bindgen
#   npm        typescript and playwright-core in web/node_modules, from
#              web/package-lock.json (npm ci). Chromium is Debian's: nothing
#              downloads a browser or any other prebuilt tool.
#
# install_web_tools needs ROOT, say() and fail() (fail must not return), and
# apt_install (scripts/lib/kotlin-tools.sh).

WASM_BINDGEN_ROOT="$ROOT/target/tools/wasm-bindgen"
WASM_BINDGEN="$WASM_BINDGEN_ROOT/bin/wasm-bindgen"
CHROMIUM="${HAWIYA_CHROMIUM:-/usr/bin/chromium}"

# The wasm-bindgen version Cargo.lock pins (the CLI must match it exactly).
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

install_web_tools() {
  local need=() version
  [[ -x "$CHROMIUM" ]] || need+=(chromium)
  command -v ffmpeg >/dev/null || need+=(ffmpeg)
  command -v wasm-opt >/dev/null || need+=(binaryen)
  command -v npm >/dev/null || need+=(npm)
  if [[ ${#need[@]} -gt 0 ]]; then
    say "installing ${need[*]} (apt)"
    apt_install "${need[@]}"
  fi
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    command -v rustup >/dev/null || fail "the wasm32-unknown-unknown target is missing and rustup is not there to add it"
    say "installing the wasm32-unknown-unknown target (rustup)"
    rustup target add wasm32-unknown-unknown >&2 || fail "rustup could not add wasm32-unknown-unknown"
  fi
  version=$(wasm_bindgen_version)
  [[ -n "$version" ]] || fail "Cargo.lock has no wasm-bindgen entry"
  if [[ "$("$WASM_BINDGEN" --version 2>/dev/null)" != "wasm-bindgen $version" ]]; then
    say "installing wasm-bindgen-cli $version (cargo install --locked, into target/tools/wasm-bindgen; a few minutes, once)"
    cargo install --locked --quiet wasm-bindgen-cli --version "$version" --root "$WASM_BINDGEN_ROOT" >&2 \
      || fail "cargo install wasm-bindgen-cli $version failed"
  fi
  if ! (cd "$ROOT/web" && npm ls --depth=0 typescript playwright-core >/dev/null 2>&1); then
    say "installing typescript and playwright-core (npm ci in web/)"
    (cd "$ROOT/web" && npm ci --no-audit --no-fund --loglevel=error >&2) \
      || fail "npm ci in web/ failed"
  fi
}
