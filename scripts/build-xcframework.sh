#!/usr/bin/env bash
# Builds bindings/swift/Frameworks/hawiya_ffiFFI.xcframework, the Rust library for
# iOS apps, and the generated Swift sources HawiyaKit compiles with; then zips the
# XCFramework and computes its SwiftPM checksum (scripts/swift-release-package.sh).
# Run on a Mac with Xcode 15.3 or newer and rustup; afterwards an app in this
# repository adds bindings/swift as a local Swift package, and apps elsewhere use
# the release package (see bindings/swift/README.md).
#
#   scripts/build-xcframework.sh            device + simulator slices (release)
#   scripts/build-xcframework.sh --macos    also a macOS slice, so `swift test`
#                                           runs the package tests on the Mac
#                                           (with the test issuer, which the
#                                           tests use)
#   scripts/build-xcframework.sh --demo     with the test issuer, for the iOS
#                                           demo (ios-demo/); an app's library
#                                           is built without it
#   --release-url-base URL                  also write the release package, whose
#                                           Package.swift downloads the zip from URL
#   --force                                 replace an earlier release package
#
# Output: bindings/swift/Frameworks/hawiya_ffiFFI.xcframework (the development
# package's), and in target/swift-release/ hawiya_ffiFFI-<version>.xcframework.zip,
# its .sha256 and, with --release-url-base, the HawiyaKit release package.
#
# Slices: aarch64-apple-ios (devices); aarch64-apple-ios-sim + x86_64-apple-ios,
# joined with lipo into one simulator library; optionally aarch64-apple-darwin +
# x86_64-apple-darwin. Each slice is the static library (libhawiya_ffi.a) with the
# generated C header and module map in Headers/hawiya_ffiFFI/ (a folder of their
# own, so they do not collide with other uniffi libraries in the same app:
# scripts/lib/xcframework-headers.sh).
#
# This script needs macOS (xcodebuild, lipo); the Linux test machine does not run
# it, but checks its header layout and packaging (scripts/test-swift-package.sh).
# Linux builds of HawiyaKit use the shared library instead (scripts/test-swift.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

LIB=libhawiya_ffi                       # [lib] name of bindings/Cargo.toml
FFI_MODULE=hawiya_ffiFFI                    # the C module the generated Swift imports
KIT=$ROOT/bindings/swift
OUT=$KIT/Frameworks/$FFI_MODULE.xcframework
WORK=$ROOT/target/xcframework
PROFILE=release
# hawiya-ffi's features: none for an app's library.
FEATURES=
MACOS=0
RELEASE=()

die() { printf 'build-xcframework: %s\n' "$*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --macos) MACOS=1; FEATURES=test-issuer,bench,qr-decode; shift ;;
    --demo) FEATURES=${FEATURES:-test-issuer}; shift ;;
    --release-url-base) [ $# -ge 2 ] || die "--release-url-base needs a URL"; RELEASE+=(--url-base "$2"); shift 2 ;;
    --force) RELEASE+=(--force); shift ;;
    -h|--help) sed -n '2,34p' "$0"; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done
if [ -n "$FEATURES" ] && [ ${#RELEASE[@]} -gt 0 ]; then
  die "--release-url-base makes the package apps ship: build it without --macos or --demo (they add the test issuer)"
fi
# shellcheck source=scripts/lib/xcframework-headers.sh
source scripts/lib/xcframework-headers.sh

[ "$(uname -s)" = Darwin ] || die "run this on macOS with Xcode (xcodebuild and lipo are needed)"
command -v xcodebuild >/dev/null || die "xcodebuild not found; install Xcode and run xcode-select"
command -v rustup >/dev/null || die "rustup not found; install Rust with rustup"

IOS_TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
MAC_TARGETS=(aarch64-apple-darwin x86_64-apple-darwin)
TARGETS=("${IOS_TARGETS[@]}")
[ "$MACOS" = 1 ] && TARGETS+=("${MAC_TARGETS[@]}")

echo "==> rustup targets: ${TARGETS[*]}"
rustup target add "${TARGETS[@]}"

export IPHONEOS_DEPLOYMENT_TARGET=16.0
export MACOSX_DEPLOYMENT_TARGET=13.0
for target in "${TARGETS[@]}"; do
  # The staticlib is asked for here only: hawiya-ffi's Cargo.toml lists lib
  # and cdylib, so that other builds do not write a static archive too.
  echo "==> cargo rustc --crate-type staticlib --target $target"
  cargo rustc -p hawiya-ffi --lib --crate-type staticlib --locked --profile "$PROFILE" --target "$target" \
    ${FEATURES:+--features "$FEATURES"}
done

# The Swift sources and C header, generated from the host library (library mode,
# with bindings/uniffi.toml), exactly as the Linux tests generate them.
echo "==> generating the Swift bindings"
scripts/bindings-generate.sh --release ${FEATURES:+--features "$FEATURES"} >/dev/null
GEN=$ROOT/target/bindings/swift
[ -f "$GEN/$FFI_MODULE.h" ] || die "the generator did not write $FFI_MODULE.h (module name changed?)"
SWIFT_SOURCE=$(cd "$GEN" && ls -- *.swift | head -n1)
mkdir -p "$KIT/Sources/HawiyaKit/Generated"
find "$KIT/Sources/HawiyaKit/Generated" -name '*.swift' -delete
cp "$GEN/$SWIFT_SOURCE" "$KIT/Sources/HawiyaKit/Generated/"

# Headers for every slice: the generated header and module map, in a folder of
# their own (see scripts/lib/xcframework-headers.sh).
HEADERS=$WORK/headers
xcframework_headers "$GEN" "$HEADERS" "$FFI_MODULE" || die "could not lay out the headers"

static() { echo "$ROOT/target/$1/$PROFILE/$LIB.a"; }
echo "==> lipo: one simulator library (arm64 + x86_64)"
mkdir -p "$WORK/ios-simulator"
lipo -create "$(static aarch64-apple-ios-sim)" "$(static x86_64-apple-ios)" \
  -output "$WORK/ios-simulator/$LIB.a"
ARGS=(-library "$(static aarch64-apple-ios)" -headers "$HEADERS"
      -library "$WORK/ios-simulator/$LIB.a" -headers "$HEADERS")
if [ "$MACOS" = 1 ]; then
  mkdir -p "$WORK/macos"
  lipo -create "$(static aarch64-apple-darwin)" "$(static x86_64-apple-darwin)" \
    -output "$WORK/macos/$LIB.a"
  ARGS+=(-library "$WORK/macos/$LIB.a" -headers "$HEADERS")
fi

echo "==> xcodebuild -create-xcframework"
rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
xcodebuild -create-xcframework "${ARGS[@]}" -output "$OUT"
echo "built $OUT"

echo "==> zip, checksum and release package (scripts/swift-release-package.sh)"
# (The ${…+…} form: macOS's bash 3.2 calls an empty array unbound under set -u.)
scripts/swift-release-package.sh --xcframework "$OUT" ${RELEASE[@]+"${RELEASE[@]}"}
