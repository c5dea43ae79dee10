#!/usr/bin/env bash
# Builds the hawiya-ffi library (debug) and generates its Kotlin and Swift
# sources from it in library mode:
#   target/bindings/kotlin/hawiya/ffi/hawiya_ffi.kt
#   target/bindings/swift/{HawiyaFFI.swift,hawiya_ffiFFI.h,hawiya_ffiFFI.modulemap}
# Generated code is build output: never commit it. Prints the library path
# on its last line. Usage: scripts/bindings-generate.sh [--release]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TERM_COLOR=never

profile=debug
cargo_profile=()
if [[ "${1:-}" == "--release" ]]; then
  profile=release
  cargo_profile=(--release)
fi

# One cargo invocation for the library and the generator, so both use the
# same uniffi build and a second run rebuilds nothing.
cargo build --locked -p hawiya-ffi --features bindgen --lib --bin uniffi-bindgen "${cargo_profile[@]}" >&2

case "$(uname -s)" in
  Darwin) lib="target/$profile/libhawiya_ffi.dylib" ;;
  *) lib="target/$profile/libhawiya_ffi.so" ;;
esac
[[ -f "$lib" ]] || { echo "bindings-generate.sh: $lib was not built" >&2; exit 1; }

out=target/bindings
mkdir -p "$out"
# Points the generator at bindings/uniffi.toml (package and module names).
printf '[crate-roots]\nhawiya_ffi = "%s"\n' "$PWD/bindings" > "$out/crate-roots.toml"
for language in kotlin swift; do
  rm -rf "${out:?}/$language"
  "target/$profile/uniffi-bindgen" generate --no-format \
    --config "$out/crate-roots.toml" --language "$language" --out-dir "$out/$language" "$lib" >&2
done
echo "$lib"
