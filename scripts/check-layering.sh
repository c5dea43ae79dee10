#!/usr/bin/env bash
# Checks that each crate pulls in only what its job needs (docs/ARCHITECTURE.md):
#   hawiya-core (the format and verifier, also built for the web) has no C
#   code, no storage, no rendering and no image decoding by default, and no
#   OS random source; the phone library (hawiya-ffi) has no renderer and no
#   image QR decoder. Reads `cargo tree`; builds nothing.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

failed=0
# refuse CRATE PATTERN WHY: fails when CRATE's normal dependencies match PATTERN.
refuse() {
  local crate=$1 pattern=$2 why=$3 found
  if ! found=$(cargo tree --locked -e normal -p "$crate" --prefix none 2>&1); then
    echo "check-layering: cargo tree -p $crate failed: $found" >&2
    failed=1
    return
  fi
  found=$(grep -E "^($pattern) v" <<<"$found" | sort -u)
  if [[ -n $found ]]; then
    echo "check-layering: $crate depends on $(tr '\n' ' ' <<<"$found")- $why" >&2
    failed=1
  else
    echo "check-layering: $crate: none of $pattern"
  fi
}

refuse hawiya-core 'libsqlite3-sys|rusqlite|argon2|chacha20poly1305|usvg|resvg|svg2pdf|rustybuzz|image|rqrr|getrandom|icu_calendar|uniffi' \
  "the verifier crate must stay free of storage, rendering, image decoding and the OS random source (it builds for the web)"
refuse hawiya-ffi 'usvg|resvg|svg2pdf|rustybuzz|image|rqrr' \
  "the phone library draws cards natively and scans with the platform decoder"
exit $failed
