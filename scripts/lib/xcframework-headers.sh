# shellcheck shell=bash
# The headers folder every slice of the XCFramework carries, shared by
# scripts/build-xcframework.sh and the Linux check in
# scripts/test-swift-package.sh.
#
# The C header and module map go into a subfolder named after the module,
#   HEADERS/hawiya_ffiFFI/hawiya_ffiFFI.h
#   HEADERS/hawiya_ffiFFI/module.modulemap
# not at the top of HEADERS: Xcode copies the headers of every static-library
# XCFramework of an app into one include folder, so two uniffi libraries
# that each put a module.modulemap there collide ("Multiple commands
# produce .../include/module.modulemap"). Clang still finds the module: it
# looks for DIR/NAME/module.modulemap when importing NAME.

# xcframework_headers GEN OUT MODULE: fills OUT (emptied first) from the
# generator's output folder GEN (MODULE.h and MODULE.modulemap, written by
# uniffi-bindgen with bindings/uniffi.toml).
xcframework_headers() {
  local gen=$1 out=$2 module=$3
  [ -f "$gen/$module.h" ] || { echo "xcframework_headers: no $gen/$module.h" >&2; return 1; }
  [ -f "$gen/$module.modulemap" ] || { echo "xcframework_headers: no $gen/$module.modulemap (generate_module_map off?)" >&2; return 1; }
  grep -q "^module $module {" "$gen/$module.modulemap" \
    || { echo "xcframework_headers: $gen/$module.modulemap does not declare module $module" >&2; return 1; }
  rm -rf "$out"
  mkdir -p "$out/$module"
  cp "$gen/$module.h" "$out/$module/$module.h"
  cp "$gen/$module.modulemap" "$out/$module/module.modulemap"
}
