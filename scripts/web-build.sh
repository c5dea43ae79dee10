#!/usr/bin/env bash
# Builds the browser verifier's page into web/dist/ (not committed): the
# hawiya-web crate for WebAssembly (release), its JavaScript glue
# (wasm-bindgen, the version Cargo.lock pins), wasm-opt -Oz (Debian's
# binaryen), and the page's TypeScript (tsc from web/node_modules).
#
#   scripts/web-build.sh
#
# Installs what it needs first (scripts/setup.sh web). web/dist/ is the page
# without trust: `hawiya web build --root-key FILE --trust-list FILE --out DIR`
# turns it into a deployable folder. Exit status 0 when web/dist/ is complete.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

bash scripts/setup.sh web
# shellcheck source=scripts/lib/web-tools.sh
source scripts/lib/web-tools.sh

BUILD=target/web-build
DIST=web/dist
rm -rf "$BUILD"
mkdir -p "$BUILD/src" "$BUILD/pkg"

echo "==> cargo build -p hawiya-web --target wasm32-unknown-unknown --release" >&2
cargo build --quiet --locked -p hawiya-web --target wasm32-unknown-unknown --release
# Debian's binaryen (wasm-opt 108) mis-numbers the tables of a module with
# wasm-bindgen's externref table (the page then fails to start: "failed to
# grow table"). wasm-bindgen makes that table only when the module's
# target_features section names reference types, which rustc's wasm32 std
# always does; without the section it keeps JavaScript values in its own
# heap, which the page does not notice.
FEATURES=(--enable-bulk-memory --enable-sign-ext --enable-mutable-globals
  --enable-nontrapping-float-to-int --enable-multivalue)
wasm-opt "${FEATURES[@]}" --enable-reference-types --strip-target-features \
  -o "$BUILD/hawiya_web.wasm" target/wasm32-unknown-unknown/release/hawiya_web.wasm
"$WASM_BINDGEN" --target web --out-dir "$BUILD/pkg" "$BUILD/hawiya_web.wasm"
wasm-opt -Oz "${FEATURES[@]}" -o "$BUILD/pkg/hawiya_web_bg.opt.wasm" "$BUILD/pkg/hawiya_web_bg.wasm"

cp web/page/app.ts web/page/sw.ts "$BUILD/src/"
cp "$BUILD/pkg/hawiya_web.d.ts" "$BUILD/src/"
TSC=(node web/node_modules/typescript/bin/tsc --strict --noUnusedLocals --noImplicitReturns
  --skipLibCheck --target ES2020 --module ES2020 --outDir "$BUILD/js")
"${TSC[@]}" --lib ES2020,DOM,DOM.Iterable "$BUILD/src/app.ts"
"${TSC[@]}" --lib ES2020,WebWorker "$BUILD/src/sw.ts"

rm -rf "$DIST.new"
mkdir -p "$DIST.new"
cp web/page/index.html web/page/style.css "$BUILD/js/app.js" "$BUILD/js/sw.js" \
  "$BUILD/pkg/hawiya_web.js" "$DIST.new/"
cp "$BUILD/pkg/hawiya_web_bg.opt.wasm" "$DIST.new/hawiya_web_bg.wasm"
rm -rf "$DIST"
mv "$DIST.new" "$DIST"
echo "==> $DIST: $(ls "$DIST" | tr '\n' ' ')(wasm $(stat -c %s "$DIST/hawiya_web_bg.wasm") bytes)" >&2
