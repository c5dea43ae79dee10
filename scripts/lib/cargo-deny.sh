# shellcheck shell=bash
# Sourced by scripts/setup.sh and scripts/test.sh: the cargo-deny the test
# command checks deny.toml with, pinned, because its configuration format
# changes between versions.
#
# find_cargo_deny     sets DENY_BIN to a cargo-deny of exactly DENY_VERSION
#                     (cargo's bin directory or the project's own copy);
#                     returns non-zero if there is none.
# install_cargo_deny  installs it if missing, with `cargo install --locked`:
#                     into cargo's bin directory when it has no cargo-deny
#                     (so later clones reuse it), else beside the build in
#                     target/tools/cargo-deny, leaving the user's version alone.
#
# Needs ROOT, say() and fail() (fail must not return).

DENY_VERSION=0.20.2
DENY_CARGO_ROOT="${CARGO_HOME:-$HOME/.cargo}"
DENY_LOCAL_ROOT="$ROOT/target/tools/cargo-deny"

find_cargo_deny() {
  local candidate
  for candidate in "$DENY_LOCAL_ROOT/bin/cargo-deny" "$DENY_CARGO_ROOT/bin/cargo-deny" \
    "$(command -v cargo-deny 2>/dev/null || true)"; do
    [[ -n "$candidate" && -x "$candidate" ]] || continue
    if [[ "$("$candidate" --version 2>/dev/null)" == "cargo-deny $DENY_VERSION" ]]; then
      DENY_BIN=$candidate
      return 0
    fi
  done
  return 1
}

install_cargo_deny() {
  find_cargo_deny && return 0
  command -v cargo >/dev/null || fail "cargo not found; install Rust with rustup first"
  local root=$DENY_CARGO_ROOT
  if [[ -e "$DENY_CARGO_ROOT/bin/cargo-deny" ]]; then
    root=$DENY_LOCAL_ROOT
  fi
  say "installing cargo-deny $DENY_VERSION (cargo install --locked, into $root/bin; a few minutes, once)"
  cargo install --locked --quiet cargo-deny --version "$DENY_VERSION" --root "$root" >&2 \
    || fail "cargo install cargo-deny $DENY_VERSION failed"
  find_cargo_deny || fail "cargo-deny $DENY_VERSION does not run after its install"
}
