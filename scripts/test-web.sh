#!/usr/bin/env bash
# The browser verifier's tests: builds the page (scripts/web-build.sh: the
# hawiya-web crate for WebAssembly, wasm-bindgen, wasm-opt, tsc), the hawiya
# binary, then runs web/tests/run.mjs in Debian's Chromium, headless, driven
# by playwright-core: the camera (a fake device playing a fresh code), photo,
# pasted and keyboard-wedge input, forgery, replay across a reload, printed
# codes and "phone codes only", challenges, trust updates, stale codes and
# status lists, and verification with the network cut. Screenshots of the
# verdicts and the figures (page weight, timings) go to target/web-artifacts/.
# Ends with exactly one line
#   web: N passed, M failed
# and exits non-zero if any test failed or the page did not build.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
export CARGO_TERM_COLOR=never

die() { printf 'test-web: %s\n' "$*" >&2; echo "web: 0 passed, 1 failed"; exit 1; }

bash scripts/web-build.sh || die "scripts/web-build.sh failed: the page did not build"
# shellcheck source=scripts/lib/web-tools.sh
source scripts/lib/web-tools.sh
echo "==> tools: $("$CHROMIUM" --version 2>/dev/null | head -n1); $(ffmpeg -version 2>/dev/null | head -n1 | cut -d' ' -f1-3);" \
  "$(wasm-opt --version 2>/dev/null); $("$WASM_BINDGEN" --version 2>/dev/null);" \
  "typescript $(node -p 'require("./web/node_modules/typescript/package.json").version' 2>/dev/null);" \
  "playwright-core $(node -p 'require("./web/node_modules/playwright-core/package.json").version' 2>/dev/null)"
cargo build --quiet --locked -p hawiya-cli || die "the hawiya binary did not build"
HAWIYA_BIN="$ROOT/target/debug/hawiya" node web/tests/run.mjs
