#!/usr/bin/env bash
# Checks the workspace's dependencies against deny.toml with the pinned
# cargo-deny (installed by scripts/setup.sh deny, or here if missing):
# licences, where crates come from, and duplicate versions. Advisories are
# not checked: that needs the RustSec database, fetched from outside the
# package registries this project builds from (deny.toml says more).
# Exit status: 0 clean, non-zero on any finding or if cargo-deny is missing.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
say() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'deny.sh: %s\n' "$*" >&2; exit 1; }
# shellcheck source=scripts/lib/cargo-deny.sh
source scripts/lib/cargo-deny.sh
install_cargo_deny
exec "$DENY_BIN" deny --locked check bans licenses sources
