#!/usr/bin/env bash
# Builds the Rust library, generates its Swift bindings, and runs the Swift tests
# on Linux: HawiyaKit's XCTests (bindings/swift), the iOS demo's logic tests
# (ios-demo/HawiyaDemoLogic) and the checks of the Swift packaging
# (scripts/test-swift-package.sh). Ends with exactly one line
#   swift: N passed, M failed
# and exits non-zero if any test failed or a package did not build.
#
# Swift runs in a Debian trixie chroot that scripts/swift-toolchain.sh installs
# (idempotently; needs root). Each run of Swift happens in a private mount
# namespace, so the mounts it needs (/proc, /dev/pts, this repository at the same
# path) disappear when it ends, even if it is killed. Generated code is build
# output: target/bindings/swift, copied into the package's git-ignored
# Generated/ folders. SwiftPM builds into target/swift/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export CARGO_TERM_COLOR=never

KIT=$ROOT/bindings/swift
DEMO=$ROOT/ios-demo/HawiyaDemoLogic
GEN=$ROOT/target/bindings/swift      # where the generator writes

step() { printf '\n==> %s\n' "$*"; }
STARTED=$SECONDS
TIMINGS=""
# Notes how long the step that began at $2 took, for the timing line at the end.
took() { TIMINGS="$TIMINGS $1 $((SECONDS - $2))s;"; }
die() { printf 'test-swift: %s\n' "$*" >&2; echo "swift: 0 passed, 1 failed"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (the Swift chroot needs chroot and mount namespaces)"

# ---- the toolchain -------------------------------------------------------------
step "Swift toolchain (Debian trixie chroot)"
t0=$SECONDS
CHROOT=$(scripts/swift-toolchain.sh) || die "could not install the Swift toolchain"
echo "$CHROOT"
took toolchain "$t0"

# Runs a command inside the chroot with this repository bind-mounted at its own path.
# shellcheck source=scripts/lib/swift-chroot.sh
source scripts/lib/swift-chroot.sh
in_chroot() { swift_in_chroot "$CHROOT" "$ROOT" "$1"; }

# ---- the Rust library and its Swift sources ------------------------------------
step "build hawiya-ffi and generate its Swift sources (scripts/bindings-generate.sh)"
t0=$SECONDS
# The library and the generator come from the workspace's test build, the one
# the Rust tests of the façade ran in (nothing is compiled again after them).
LIB=$(scripts/bindings-generate.sh | tail -n1) || die "scripts/bindings-generate.sh failed"
[ -f "$LIB" ] || die "missing $LIB"
LIB_DIR=$(dirname "$LIB")
case "$LIB_DIR" in
  "$ROOT"/*) ;;
  *) die "the library ($LIB) must be inside $ROOT (the cargo target directory): only that tree is visible to Swift" ;;
esac
HEADER=$(cd "$GEN" && ls -- *FFI.h 2>/dev/null | head -n1)
[ -n "$HEADER" ] || die "no generated C header in $GEN"
FFI_MODULE=${HEADER%.h}
SWIFT_SOURCE=$(cd "$GEN" && ls -- *.swift | head -n1)
[ -d "$KIT/Sources/$FFI_MODULE" ] || die "bindings/swift has no system library target $FFI_MODULE (the generated module name changed?)"

# Copies a generated file into the package only when it changed, so that SwiftPM's
# incremental build sees an unchanged file as unchanged.
place() {
  mkdir -p "$(dirname "$2")"
  cmp -s "$1" "$2" || cp "$1" "$2"
}
# The header goes to Swift (and into the xcframework) exactly as generated.
# Check here that it is valid C, so that a Rust parameter named like a C
# keyword (e.g. `signed`) fails this run, not an app's build. (gcc has no
# clang nullability qualifiers: they are defined away for the check.)
if command -v cc >/dev/null; then
  printf '#include <stdbool.h>\n#include <stdint.h>\n#define _Nonnull\n#define _Nullable\n#include "%s"\n' "$GEN/$HEADER" \
    | cc -std=c11 -fsyntax-only -x c - \
    || die "the generated header $HEADER is not valid C (an exported parameter named like a C keyword?)"
fi
place "$GEN/$HEADER" "$KIT/Sources/$FFI_MODULE/$HEADER"
place "$GEN/$SWIFT_SOURCE" "$KIT/Sources/HawiyaKit/Generated/$SWIFT_SOURCE"
find "$KIT/Sources/HawiyaKit/Generated" -name '*.swift' ! -name "$SWIFT_SOURCE" -delete
took "rust+generate" "$t0"

# ---- swift test ----------------------------------------------------------------
passed=0
failed=0
# Runs `swift test` (XCTest) for the package in $1 and adds its results to the counts.
# A package that does not build, or a test run that crashes before its summary,
# counts as one failure.
run_package() {
  local dir=$1 name=$2 log=$ROOT/target/test-swift-$2.log rc=0 t0=$SECONDS
  step "swift test: $name"
  in_chroot "cd '$dir' && swift test --disable-swift-testing --scratch-path '$ROOT/target/swift/$name' \
    -Xlinker -L'$LIB_DIR' -Xlinker -rpath -Xlinker '$LIB_DIR'" >"$log" 2>&1 || rc=$?
  grep -v -E "^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Wrapping|Linking|Build|Planning|Applying)" "$log" \
    | grep -v -E "^Test Case '.*' started" || true
  local summary
  took "$name" "$t0"
  summary=$(grep -Eo 'Executed [0-9]+ tests?, with ([0-9]+ tests? skipped and )?[0-9]+ failures?' "$log" | tail -n1 || true)
  if [ -z "$summary" ]; then
    echo "test-swift: $name produced no XCTest summary (exit $rc): counted as one failure" >&2
    failed=$((failed + 1))
    return
  fi
  local executed failures
  executed=$(awk '{print $2}' <<<"$summary")
  failures=$(grep -Eo '[0-9]+ failures?' <<<"$summary" | awk '{print $1}')
  passed=$((passed + executed - failures))
  if [ "$rc" -ne 0 ] && [ "$failures" -eq 0 ]; then
    echo "test-swift: $name exited $rc although its tests passed: counted as one failure" >&2
    failures=1
  fi
  failed=$((failed + failures))
}

mkdir -p "$ROOT/target/swift"
run_package "$KIT" HawiyaKit
# SwiftPM's incremental build of a package that depends on a local package
# does not always recompile it when the dependency's API changes (a protocol
# gaining a requirement left a stale witness table: a crash, not a compile
# error). So the demo's build starts afresh whenever HawiyaKit's sources or
# the C header changed since its last build.
kit_stamp=$(cd "$KIT" && find Sources Package.swift -type f \( -name '*.swift' -o -name '*.h' -o -name '*.modulemap' \) \
  -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [ "$(cat "$ROOT/target/swift/HawiyaDemoLogic.kit-stamp" 2>/dev/null)" != "$kit_stamp" ]; then
  rm -rf "$ROOT/target/swift/HawiyaDemoLogic"
fi
run_package "$DEMO" HawiyaDemoLogic
echo "$kit_stamp" >"$ROOT/target/swift/HawiyaDemoLogic.kit-stamp"

# The packaging a Mac runs (XCFramework headers, zip, checksum, release
# manifest), checked with this toolchain; its counts join the totals.
step "Swift packaging (scripts/test-swift-package.sh)"
t0=$SECONDS
scripts/test-swift-package.sh "$CHROOT" | tee "$ROOT/target/test-swift-package.log" | grep -v '^swift-package: ' || true
package_summary=$(grep -E '^swift-package: [0-9]+ passed, [0-9]+ failed$' "$ROOT/target/test-swift-package.log" | tail -n1 || true)
if [ -n "$package_summary" ]; then
  passed=$((passed + $(awk '{print $2}' <<<"$package_summary")))
  failed=$((failed + $(awk '{print $4}' <<<"$package_summary")))
else
  echo "test-swift: scripts/test-swift-package.sh stopped before its summary: counted as one failure" >&2
  failed=$((failed + 1))
fi
took package "$t0"

echo "timings:$TIMINGS total $((SECONDS - STARTED))s"
echo "swift: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
