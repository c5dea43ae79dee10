#!/usr/bin/env bash
# Checks that the library apps ship, hawiya-ffi built without features,
# exports no test-issuer, benchmark or PNG-decoding symbol, and that the
# test build's library (the one the Kotlin and Swift tests load) does: the
# same names, so a pattern that matched nothing would fail here too.
#
# The featureless build is an rlib only (`cargo rustc --crate-type rlib`):
# its uniffi entry points are the same #[no_mangle] functions a cdylib
# exports, and it does not overwrite target/debug/deps/libhawiya_ffi.so,
# which the test build made with the test features.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TERM_COLOR=never
die() { echo "check-ffi-exports.sh: $*" >&2; exit 1; }

# uniffi names an export uniffi_hawiya_ffi_fn_{func,method,constructor}_NAME
# and its checksum uniffi_hawiya_ffi_checksum_..._NAME (lower case).
pattern='uniffi_hawiya_ffi_(fn|checksum)_[a-z]+_(testissuer|rust_presentation_benchmark|describe_issue_error|read_qr_png)'

cargo rustc --locked -p hawiya-ffi --lib --crate-type rlib --message-format json-render-diagnostics >target/ffi-rlib.json \
  || die "building hawiya-ffi without features failed"
rlib=$(grep -o '"filenames":\["[^"]*libhawiya_ffi[^"]*\.rlib"' target/ffi-rlib.json | tail -n1 | sed 's/.*\["//; s/"$//')
[[ -f "$rlib" ]] || die "cargo named no rlib of hawiya-ffi"
shipped=$(nm --defined-only "$rlib" 2>/dev/null | grep -Eo "$pattern" | sort -u || true)
if [[ -n "$shipped" ]]; then
  echo "$shipped" >&2
  die "the featureless library ($rlib) exports test-only symbols (above)"
fi
all=$(nm --defined-only "$rlib" 2>/dev/null | grep -c ' T uniffi_hawiya_ffi_fn_' || true)
((all > 0)) || die "no uniffi export at all in $rlib: the check reads the wrong file"
echo "featureless hawiya-ffi: $all exported functions, none of the test issuer, the benchmark or readQrPng"

# The test build's library has them (built by `cargo test --workspace`).
lib=$(scripts/bindings-generate.sh | tail -n1)
found=$(nm -D --defined-only "$lib" | grep -Eo "$pattern" | sort -u | wc -l)
((found > 0)) || die "the test build's library ($lib) has no test-issuer symbol: the pattern is stale"
echo "test build ($lib): $found test-only exports, as expected"
