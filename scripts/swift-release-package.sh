#!/usr/bin/env bash
# Packages HawiyaKit for apps outside this repository (Swift Package Manager):
# zips the XCFramework, computes the checksum SwiftPM verifies, and, given the
# address the zip will be downloaded from, writes the release package whose
# Package.swift fetches it with .binaryTarget(url:checksum:).
#
#   scripts/swift-release-package.sh [--url-base URL] [--xcframework DIR] [--out DIR] [--force]
#
#   --url-base URL     the https folder the zip is uploaded to (a release's
#                      download folder); the manifest's URL is URL/<zip name>.
#                      Without it only the zip and its checksum are written.
#   --xcframework DIR  default bindings/swift/Frameworks/hawiya_ffiFFI.xcframework
#                      (scripts/build-xcframework.sh makes it, and runs this)
#   --out DIR          default target/swift-release
#   --force            replace what an earlier run wrote in DIR
#
# Writes into DIR, for the workspace's version V (Cargo.toml):
#   hawiya_ffiFFI-V.xcframework.zip          upload this to URL
#   hawiya_ffiFFI-V.xcframework.zip.sha256   its SHA-256, the SwiftPM checksum
#   HawiyaKit/                               with --url-base: the release package
#     Package.swift                          (bindings/swift/release/Package.swift.template)
#     Sources/HawiyaKit/                     the Swift API: HawiyaKit's sources, the
#                                            generated HawiyaFFI.swift, PrivacyInfo.xcprivacy
# Commit HawiyaKit/ to the repository apps depend on and tag it V. Both
# halves come from one build: the generated Swift checks the library's API
# checksums when it loads.
#
# Runs on macOS and Linux (zip: ditto on macOS, Python's zipfile elsewhere).
# Exit status: 0 written, 2 usage or input error (nothing written).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

MODULE=hawiya_ffiFFI                  # the C module and the binary target's name
KIT=$ROOT/bindings/swift
XCFRAMEWORK=$KIT/Frameworks/$MODULE.xcframework
OUT=$ROOT/target/swift-release
URL_BASE=""
FORCE=0

die() { printf 'swift-release-package: %s\n' "$*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --url-base) [ $# -ge 2 ] || die "--url-base needs a URL"; URL_BASE=${2%/}; shift 2 ;;
    --xcframework) [ $# -ge 2 ] || die "--xcframework needs a folder"; XCFRAMEWORK=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || die "--out needs a folder"; OUT=$2; shift 2 ;;
    --force) FORCE=1; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

# The workspace's version: the one place every hawiya package takes its version from.
VERSION=$(awk '/^\[workspace\.package\]/ { inside = 1; next }
               /^\[/ { inside = 0 }
               inside && /^version *=/ { sub(/^version *= *"/, ""); sub(/".*$/, ""); print; exit }' Cargo.toml)
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] \
  || die "Cargo.toml: [workspace.package] version \"$VERSION\" is not MAJOR.MINOR.PATCH[-PRE]"

if [ -n "$URL_BASE" ]; then
  # SwiftPM downloads binary targets over https only; the characters are kept
  # to those that need no quoting in a Swift string or a sed replacement.
  [[ "$URL_BASE" =~ ^https://[A-Za-z0-9._~:/%+-]+$ ]] \
    || die "--url-base must be an https:// address of letters, digits and ._~:/%+- (got $URL_BASE)"
fi

[ -d "$XCFRAMEWORK" ] && [ ! -L "$XCFRAMEWORK" ] || die "no XCFramework at $XCFRAMEWORK (run scripts/build-xcframework.sh)"
[ "$(basename "$XCFRAMEWORK")" = "$MODULE.xcframework" ] || die "$XCFRAMEWORK: the XCFramework must be named $MODULE.xcframework"
[ -f "$XCFRAMEWORK/Info.plist" ] || die "$XCFRAMEWORK has no Info.plist: not an XCFramework"
GENERATED=$KIT/Sources/HawiyaKit/Generated/HawiyaFFI.swift
if [ -n "$URL_BASE" ]; then
  [ -f "$GENERATED" ] || die "no $GENERATED: the generated Swift goes with the library (scripts/build-xcframework.sh writes it)"
fi

ZIP_NAME=$MODULE-$VERSION.xcframework.zip
# An existing output folder is replaced only with --force, and never when it
# is a link or not a folder.
if [ -e "$OUT" ] || [ -L "$OUT" ]; then
  [ -d "$OUT" ] && [ ! -L "$OUT" ] || die "$OUT exists and is not a folder"
  if [ "$FORCE" != 1 ] && { [ -e "$OUT/$ZIP_NAME" ] || [ -e "$OUT/HawiyaKit" ]; }; then
    die "$OUT already holds a package (use --force to replace it)"
  fi
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# Everything is made in a scratch folder beside the output and moved into
# place at the end, so a failure or an interruption leaves no half package.
WORK=$(mktemp -d "$OUT/.swift-release.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The zip holds the XCFramework folder at its top, as SwiftPM expects.
if command -v ditto >/dev/null; then
  ditto -c -k --sequesterRsrc --keepParent "$XCFRAMEWORK" "$WORK/$ZIP_NAME"
else
  command -v python3 >/dev/null || die "python3 is needed to write the zip"
  (cd "$(dirname "$XCFRAMEWORK")" && python3 -m zipfile -c "$WORK/$ZIP_NAME" "$MODULE.xcframework")
fi
if command -v sha256sum >/dev/null; then
  CHECKSUM=$(sha256sum "$WORK/$ZIP_NAME" | cut -d' ' -f1)
else
  CHECKSUM=$(shasum -a 256 "$WORK/$ZIP_NAME" | cut -d' ' -f1)
fi
[[ "$CHECKSUM" =~ ^[0-9a-f]{64}$ ]] || die "could not compute the checksum of the zip"
printf '%s\n' "$CHECKSUM" >"$WORK/$ZIP_NAME.sha256"

if [ -n "$URL_BASE" ]; then
  PACKAGE=$WORK/HawiyaKit
  mkdir -p "$PACKAGE/Sources/HawiyaKit/Generated"
  sed -e "s|@VERSION@|$VERSION|g" -e "s|@URL@|$URL_BASE/$ZIP_NAME|g" -e "s|@CHECKSUM@|$CHECKSUM|g" \
    "$KIT/release/Package.swift.template" >"$PACKAGE/Package.swift"
  if grep -q '@[A-Z]*@' "$PACKAGE/Package.swift"; then
    die "release/Package.swift.template has a placeholder this script does not fill"
  fi
  cp "$KIT"/Sources/HawiyaKit/*.swift "$KIT/Sources/HawiyaKit/PrivacyInfo.xcprivacy" "$PACKAGE/Sources/HawiyaKit/"
  cp "$GENERATED" "$PACKAGE/Sources/HawiyaKit/Generated/"
  cat >"$PACKAGE/README.md" <<README
# HawiyaKit $VERSION

The hawiya wallet and verifier for iOS apps (Swift Package Manager). Add
this package to your app and link the **HawiyaKit** product; Xcode 15.3 or
newer, iOS 16 or newer. The Rust library is the XCFramework at

    $URL_BASE/$ZIP_NAME

(SHA-256 $CHECKSUM), which SwiftPM downloads and checks. Generated by
scripts/swift-release-package.sh of the hawiya repository; the API is
described in its docs/BINDINGS.md and bindings/swift/README.md.
README
fi

# Into place: the earlier run's files go only now (with --force, checked above).
rm -rf "${OUT:?}/HawiyaKit" "$OUT/$ZIP_NAME" "$OUT/$ZIP_NAME.sha256"
mv "$WORK/$ZIP_NAME" "$WORK/$ZIP_NAME.sha256" "$OUT/"
[ -z "$URL_BASE" ] || mv "$WORK/HawiyaKit" "$OUT/"

echo "zip:      $OUT/$ZIP_NAME"
echo "checksum: $CHECKSUM"
if [ -n "$URL_BASE" ]; then
  echo "package:  $OUT/HawiyaKit (its Package.swift downloads $URL_BASE/$ZIP_NAME)"
else
  echo "package:  not written; give --url-base with the address the zip will be downloaded from"
fi
