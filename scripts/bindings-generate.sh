#!/usr/bin/env bash
# Generates the Kotlin and Swift sources of the hawiya-ffi library with the
# workspace's own uniffi-bindgen (bindings/uniffi-bindgen, the same uniffi
# version as the library), in library mode:
#   target/bindings/kotlin/hawiya/ffi/hawiya_ffi.kt
#   target/bindings/swift/{HawiyaFFI.swift,hawiya_ffiFFI.h,hawiya_ffiFFI.modulemap}
# Generated code is build output: never commit it. Prints the path of the
# library the sources were generated from (the one to load or link) on its
# last line.
#
#   scripts/bindings-generate.sh            from the workspace's test build
#   scripts/bindings-generate.sh --release  from a release build of the library
#
# Without --release the library and the generator come from the workspace's
# test build: `cargo test --workspace --no-run --test generate_bindings`
# builds just the generator's own test, the generator and the library, with
# the features of the whole `cargo test --workspace` (cargo resolves features
# for every selected package, whatever the target filter). So after `cargo
# test --workspace` (or scripts/test.sh) it compiles nothing, the Kotlin and
# Swift tests load exactly the library the Rust tests of the façade used, and
# a Rust test that does not compile elsewhere in the workspace does not stop
# them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TERM_COLOR=never
die() { echo "bindings-generate.sh: $*" >&2; exit 1; }

release=0
case "${1:-}" in
  "") ;;
  --release) release=1 ;;
  -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
  *) die "unknown option $1 (usage: scripts/bindings-generate.sh [--release])" ;;
esac

target_dir=$(cargo metadata --format-version 1 --no-deps --locked \
  | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
[[ -n "$target_dir" ]] || die "cargo metadata did not name the target directory"
case "$(uname -s)" in
  Darwin) lib_file=libhawiya_ffi.dylib ;;
  *) lib_file=libhawiya_ffi.so ;;
esac

if [[ $release == 1 ]]; then
  cargo build --locked --release -p hawiya-ffi --lib -p hawiya-uniffi-bindgen --bin uniffi-bindgen >&2
  lib="$target_dir/release/$lib_file"
  generator="$target_dir/release/uniffi-bindgen"
else
  cargo test --workspace --locked --no-run --test generate_bindings >&2
  # A dependency's cdylib stays in deps/; the test build uplifts only binaries.
  lib="$target_dir/debug/deps/$lib_file"
  generator="$target_dir/debug/uniffi-bindgen"
fi
[[ -f "$lib" ]] || die "$lib was not built"
[[ -x "$generator" ]] || die "$generator was not built"

out=target/bindings
mkdir -p "$out"
# Points the generator at bindings/uniffi.toml (package and module names).
printf '[crate-roots]\nhawiya_ffi = "%s"\n' "$PWD/bindings" > "$out/crate-roots.toml"
for language in kotlin swift; do
  rm -rf "${out:?}/$language"
  "$generator" generate --no-format \
    --config "$out/crate-roots.toml" --language "$language" --out-dir "$out/$language" "$lib" >&2
done
echo "$lib"
