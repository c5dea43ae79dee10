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
#   scripts/bindings-generate.sh --release [--features LIST]
#                                           from a release build of the library,
#                                           with hawiya-ffi's features LIST
#                                           (e.g. test-issuer for the demo apps;
#                                           none for an app's library)
#   ... --out-dir DIR                       write the sources to DIR (relative to
#                                           the repository root) instead of
#                                           target/bindings (scripts/build-jvm-jar.sh
#                                           keeps the release sources apart from
#                                           the tests')
#
# Without --release the library and the generator come from the workspace's
# test build, whose library has the test features (test-issuer, bench,
# qr-decode: bindings/Cargo.toml): `cargo test --workspace --no-run --test generate_bindings`
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
features=
out=target/bindings
while [[ $# -gt 0 ]]; do
  case "$1" in
    --release) release=1 ;;
    --features) [[ $# -ge 2 ]] || die "--features needs a list"; features=$2; shift ;;
    --out-dir) [[ $# -ge 2 && -n "$2" ]] || die "--out-dir needs a folder"; out=$2; shift ;;
    -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
    *) die "unknown option $1 (usage: scripts/bindings-generate.sh [--release [--features LIST]] [--out-dir DIR])" ;;
  esac
  shift
done
[[ -z "$features" || $release == 1 ]] || die "--features goes with --release (the test build has its own)"

target_dir=$(cargo metadata --format-version 1 --no-deps --locked \
  | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
[[ -n "$target_dir" ]] || die "cargo metadata did not name the target directory"
case "$(uname -s)" in
  Darwin) lib_file=libhawiya_ffi.dylib ;;
  *) lib_file=libhawiya_ffi.so ;;
esac

if [[ $release == 1 ]]; then
  # The library alone in release (its features are not merged with the
  # generator's, so it is the library an app links); the generator is a
  # build tool, built as for the tests.
  cargo build --locked --release -p hawiya-ffi --lib ${features:+--features "$features"} >&2
  cargo build --locked -p hawiya-uniffi-bindgen --bin uniffi-bindgen >&2
  lib="$target_dir/release/$lib_file"
  generator="$target_dir/debug/uniffi-bindgen"
else
  cargo test --workspace --locked --no-run --test generate_bindings >&2
  # A dependency's cdylib stays in deps/; the test build uplifts only binaries.
  lib="$target_dir/debug/deps/$lib_file"
  generator="$target_dir/debug/uniffi-bindgen"
  # A build of hawiya-ffi alone (`cargo build -p hawiya-ffi`, without the
  # test features) writes the same deps/ file, and cargo still counts the
  # test build's library as fresh. Relink it if the test issuer is missing.
  if [[ -f "$lib" ]] && ! grep -qa uniffi_hawiya_ffi_fn_constructor_testissuer_new "$lib"; then
    echo "bindings-generate.sh: $lib was built without the test features; building it again" >&2
    touch bindings/src/lib.rs
    cargo test --workspace --locked --no-run --test generate_bindings >&2
  fi
fi
[[ -f "$lib" ]] || die "$lib was not built"
[[ -x "$generator" ]] || die "$generator was not built"

mkdir -p "$out"
# Points the generator at bindings/uniffi.toml (package and module names).
printf '[crate-roots]\nhawiya_ffi = "%s"\n' "$PWD/bindings" > "$out/crate-roots.toml"
for language in kotlin swift; do
  rm -rf "${out:?}/$language"
  "$generator" generate --no-format \
    --config "$out/crate-roots.toml" --language "$language" --out-dir "$out/$language" "$lib" >&2
done
echo "$lib"
