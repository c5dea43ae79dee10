#!/usr/bin/env bash
# Checks on Linux the Swift packaging that a Mac runs for real
# (scripts/build-xcframework.sh, scripts/swift-release-package.sh):
#
#  - the XCFramework's header layout (scripts/lib/xcframework-headers.sh): the
#    generated header and module map in Headers/hawiya_ffiFFI/, nothing at the
#    top of Headers/, and Swift finds the module there (`import hawiya_ffiFFI`
#    type-checks with only the headers folder on the include path);
#  - the release package made from a stand-in XCFramework: the zip holds the
#    XCFramework at its top, its checksum is what `swift package
#    compute-checksum` says, and the release Package.swift parses (`swift
#    package dump-package`) with the binary target at the right URL and
#    checksum and the privacy manifest as a resource of HawiyaKit;
#  - the packaging script refuses to replace its output without --force, and
#    refuses an address that is not https.
#
#   scripts/test-swift-package.sh [CHROOT]
#
# Run by scripts/test-swift.sh after its Swift tests (it expects the generated
# sources in target/bindings/swift and bindings/swift/Sources/HawiyaKit/Generated).
# Needs root (the Swift chroot). Ends with "swift-package: N passed, M failed".
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/swift-chroot.sh
source scripts/lib/swift-chroot.sh
# shellcheck source=scripts/lib/xcframework-headers.sh
source scripts/lib/xcframework-headers.sh

MODULE=hawiya_ffiFFI
GEN=$ROOT/target/bindings/swift
WORK=$ROOT/target/swift-package-check
passed=0
failed=0

finish() { echo "swift-package: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; }
fail_early() { echo "test-swift-package: $*" >&2; failed=$((failed + 1)); finish; exit 1; }
# check NAME COMMAND...: runs COMMAND, counts and reports it.
check() {
  local name=$1
  shift
  if "$@" >"$WORK/last.log" 2>&1; then
    passed=$((passed + 1))
    echo "ok      $name"
  else
    failed=$((failed + 1))
    echo "FAILED  $name"
    sed 's/^/        /' "$WORK/last.log" | tail -n 15
  fi
}

CHROOT=${1:-$(scripts/swift-toolchain.sh)} || fail_early "could not install the Swift toolchain"
in_chroot() { swift_in_chroot "$CHROOT" "$ROOT" "$1"; }
[ -f "$GEN/$MODULE.h" ] || fail_early "no generated sources in $GEN (run scripts/test-swift.sh)"
[ -f bindings/swift/Sources/HawiyaKit/Generated/HawiyaFFI.swift ] || fail_early "no generated Swift in bindings/swift (run scripts/test-swift.sh)"
rm -rf "$WORK"
mkdir -p "$WORK"
VERSION=$(awk '/^\[workspace\.package\]/ { inside = 1; next }
               /^\[/ { inside = 0 }
               inside && /^version *=/ { sub(/^version *= *"/, ""); sub(/".*$/, ""); print; exit }' Cargo.toml)
ZIP=$MODULE-$VERSION.xcframework.zip
URL_BASE=https://downloads.example.invalid/hawiya/v$VERSION

# ---- header layout ----------------------------------------------------------------
xcframework_headers "$GEN" "$WORK/headers" "$MODULE" || fail_early "xcframework_headers failed"
headers_in_their_folder() {
  [ -f "$WORK/headers/$MODULE/$MODULE.h" ] && [ -f "$WORK/headers/$MODULE/module.modulemap" ] \
    && [ "$(ls "$WORK/headers")" = "$MODULE" ]
}
check "header and module map in Headers/$MODULE/, nothing else at the top" headers_in_their_folder
printf 'import %s\nlet contract: UInt32 = ffi_hawiya_ffi_uniffi_contract_version()\n' "$MODULE" >"$WORK/probe.swift"
check "Swift imports $MODULE from Headers/$MODULE/module.modulemap" \
  in_chroot "swiftc -typecheck -I '$WORK/headers' '$WORK/probe.swift'"

# Two uniffi libraries in one app: Xcode merges their Headers/ into one include
# folder. With each module map in a folder named after its module, nothing is
# overwritten and Swift imports both.
two_libraries_side_by_side() {
  local merged=$WORK/merged other=$WORK/other/OtherFFI
  rm -rf "$merged" "$WORK/other"
  mkdir -p "$merged" "$other"
  printf 'int other_ffi_answer(void);\n' >"$other/OtherFFI.h"
  printf 'module OtherFFI {\n    header "OtherFFI.h"\n    export *\n}\n' >"$other/module.modulemap"
  cp -R "$WORK/headers/." "$merged/"
  local before
  before=$(find "$merged" -type f | wc -l)
  cp -Rn "$WORK/other/." "$merged/"
  [ "$(find "$merged" -type f | wc -l)" -eq $((before + 2)) ] || { echo "a file of one library replaced the other's"; return 1; }
  printf 'import %s\nimport OtherFFI\nlet contract: UInt32 = ffi_hawiya_ffi_uniffi_contract_version()\nlet answer: Int32 = other_ffi_answer()\n' \
    "$MODULE" >"$WORK/probe2.swift"
  in_chroot "swiftc -typecheck -I '$merged' '$WORK/probe2.swift'"
}
check "two uniffi libraries' headers merged into one folder: no file collides, Swift imports both" two_libraries_side_by_side
privacy_manifest() {
  python3 - bindings/swift/Sources/HawiyaKit/PrivacyInfo.xcprivacy <<'PY'
import plistlib, sys
manifest = plistlib.load(open(sys.argv[1], "rb"))
assert manifest["NSPrivacyTracking"] is False, manifest
assert manifest["NSPrivacyTrackingDomains"] == [], manifest
assert manifest["NSPrivacyCollectedDataTypes"] == [], manifest
for entry in manifest["NSPrivacyAccessedAPITypes"]:
    assert entry["NSPrivacyAccessedAPIType"].startswith("NSPrivacyAccessedAPICategory"), entry
    assert entry["NSPrivacyAccessedAPITypeReasons"], entry
PY
}
check "PrivacyInfo.xcprivacy is a property list: no tracking, no data collected, a reason for each API" privacy_manifest

# ---- the release package, from a stand-in XCFramework ---------------------------
XC=$WORK/stand-in/$MODULE.xcframework
mkdir -p "$XC/ios-arm64"
cp -R "$WORK/headers" "$XC/ios-arm64/Headers"
printf 'stand-in static library\n' >"$XC/ios-arm64/libhawiya_ffi.a"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict/></plist>\n' >"$XC/Info.plist"
OUT=$WORK/out
check "swift-release-package.sh writes the zip, its checksum and the package" \
  scripts/swift-release-package.sh --xcframework "$XC" --url-base "$URL_BASE" --out "$OUT"

zip_top() {
  python3 - "$OUT/$ZIP" "$MODULE" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
top = {n.split("/")[0] for n in names}
assert top == {sys.argv[2] + ".xcframework"}, top
assert sys.argv[2] + ".xcframework/Info.plist" in names, names
assert any(n.endswith("/Headers/" + sys.argv[2] + "/module.modulemap") for n in names), names
PY
}
check "the zip holds $MODULE.xcframework at its top, headers included" zip_top
same_checksum() {
  local ours swifts
  ours=$(cat "$OUT/$ZIP.sha256")
  swifts=$(in_chroot "swift package compute-checksum '$OUT/$ZIP'" | tail -n1)
  [ "$ours" = "$swifts" ] || { echo "script: $ours, swift package compute-checksum: $swifts"; return 1; }
}
check "the checksum is SwiftPM's (swift package compute-checksum)" same_checksum
manifest() {
  in_chroot "cd '$OUT/HawiyaKit' && swift package dump-package" >"$WORK/dump.json" || { cat "$WORK/dump.json"; return 1; }
  python3 - "$WORK/dump.json" "$URL_BASE/$ZIP" "$(cat "$OUT/$ZIP.sha256")" "$MODULE" <<'PY'
import json, sys
dump, url, checksum, module = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4]
targets = {t["name"]: t for t in dump["targets"]}
binary = targets[module]
assert binary["type"] == "binary", binary
assert binary["url"] == url, binary["url"]
assert binary["checksum"] == checksum, binary["checksum"]
kit = targets["HawiyaKit"]
assert [d for d in kit["dependencies"] if module in json.dumps(d)], kit["dependencies"]
assert any(r["path"] == "PrivacyInfo.xcprivacy" for r in kit["resources"]), kit["resources"]
assert [p["name"] for p in dump["products"]] == ["HawiyaKit"], dump["products"]
PY
}
check "the release Package.swift: binaryTarget(url:checksum:) and the privacy manifest" manifest
package_sources() {
  local kit=$OUT/HawiyaKit/Sources/HawiyaKit
  [ -f "$kit/Generated/HawiyaFFI.swift" ] && [ -f "$kit/PrivacyInfo.xcprivacy" ] && [ -f "$kit/Errors.swift" ] \
    && cmp -s "$kit/Generated/HawiyaFFI.swift" bindings/swift/Sources/HawiyaKit/Generated/HawiyaFFI.swift \
    && grep -q "HawiyaKit $VERSION" "$OUT/HawiyaKit/Package.swift"
}
check "the package carries the generated Swift, the wrapper, the privacy manifest and the version" package_sources
refuses_to_replace() {
  local before rc=0
  before=$(cat "$OUT/$ZIP.sha256")
  scripts/swift-release-package.sh --xcframework "$XC" --url-base "$URL_BASE" --out "$OUT" || rc=$?
  [ "$rc" = 2 ] && [ "$(cat "$OUT/$ZIP.sha256")" = "$before" ] || { echo "exit $rc"; return 1; }
  scripts/swift-release-package.sh --xcframework "$XC" --url-base "$URL_BASE" --out "$OUT" --force
}
check "an earlier package is replaced only with --force" refuses_to_replace
refuses_plain_http() {
  local rc=0
  scripts/swift-release-package.sh --xcframework "$XC" --url-base "http://downloads.example.invalid/x" \
    --out "$WORK/plain" || rc=$?
  [ "$rc" = 2 ] && [ ! -e "$WORK/plain" ]
}
check "an address that is not https is refused before anything is written" refuses_plain_http

finish
