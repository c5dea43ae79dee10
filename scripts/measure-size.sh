#!/usr/bin/env bash
# Measures the phone library: the stripped size of libhawiya_ffi.so (hawiya-ffi
# with its default features, as apps ship it) built with the `release` and
# the size-tuned `release-phone` profiles (Cargo.toml), for x86_64 Linux (this
# machine) and aarch64 Linux (the proxy for Android arm64, cross-built with
# Debian's gcc-aarch64-linux-gnu), and `cargo bloat`'s top crates of the
# release-phone builds. The figures are in docs/RELEASES.md ("Size").
#
#   scripts/measure-size.sh               all four builds, then cargo bloat
#   scripts/measure-size.sh --no-bloat    sizes only
#
# Four release builds, and two more for cargo bloat, take several minutes
# each: this is not part of the test command. It installs what it needs: the cross compiler
# (apt), the Rust target (rustup) and cargo-bloat (into target/tools). The
# stripped copies land in target/size/; the table is printed at the end and
# kept in target/size/sizes.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TERM_COLOR=never
say() { printf '==> %s\n' "$*" >&2; }
die() { echo "measure-size.sh: $*" >&2; exit 1; }

bloat=1
case "${1:-}" in
  "") ;;
  --no-bloat) bloat=0 ;;
  -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
  *) die "unknown option $1 (usage: scripts/measure-size.sh [--no-bloat])" ;;
esac
[[ "$(uname -m)" == x86_64 && "$(uname -s)" == Linux ]] || die "run it on x86-64 Linux (the host build is one of the figures)"

# ---- tools
if ! command -v aarch64-linux-gnu-gcc >/dev/null; then
  say "installing the aarch64 cross compiler"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q gcc-aarch64-linux-gnu >&2 || { apt-get update -q >&2 && apt-get install -y -q gcc-aarch64-linux-gnu >&2; } \
    || die "could not install gcc-aarch64-linux-gnu"
fi
if ! rustup target list --installed | grep -qx aarch64-unknown-linux-gnu; then
  say "adding the Rust target aarch64-unknown-linux-gnu"
  rustup target add aarch64-unknown-linux-gnu >&2 || die "rustup could not add aarch64-unknown-linux-gnu"
fi
BLOAT=target/tools/cargo-bloat/bin/cargo-bloat
if [[ $bloat == 1 && ! -x "$BLOAT" ]]; then
  say "installing cargo-bloat into target/tools/cargo-bloat"
  cargo install cargo-bloat --locked --root target/tools/cargo-bloat >&2 || die "cargo install cargo-bloat failed"
fi

out=target/size
mkdir -p "$out"
# build TARGET PROFILE: builds hawiya-ffi's library alone (the features an app
# gets) and prints the path of the .so. The host build goes without --target,
# into target/<profile>/, where the other release builds of this machine go.
build() {
  local target=$1 profile=$2 dir
  if [[ $target == host ]]; then
    nice cargo build --locked -p hawiya-ffi --lib --profile "$profile" >&2 || die "build $target $profile failed"
    dir=target/$profile
  else
    nice cargo build --locked -p hawiya-ffi --lib --profile "$profile" --target "$target" >&2 \
      || die "build $target $profile failed"
    dir=target/$target/$profile
  fi
  [[ -f "$dir/libhawiya_ffi.so" ]] || die "no $dir/libhawiya_ffi.so"
  echo "$dir/libhawiya_ffi.so"
}

table=$out/sizes.txt
printf '%-28s %-14s %12s %12s\n' target profile "built" stripped >"$table"
for target in host aarch64-unknown-linux-gnu; do
  case $target in
    host) name=x86_64-unknown-linux-gnu; strip=strip ;;
    *) name=$target; strip=aarch64-linux-gnu-strip ;;
  esac
  for profile in release release-phone; do
    say "building libhawiya_ffi.so for $name, profile $profile"
    lib=$(build "$target" "$profile")
    copy=$out/libhawiya_ffi-$name-$profile.so
    # What an app ships: the Android Gradle plugin strips native libraries
    # when it packages them (exported symbols stay: JNA binds by them).
    "$strip" --strip-all -o "$copy" "$lib"
    printf '%-28s %-14s %12d %12d\n' "$name" "$profile" "$(stat -c %s "$lib")" "$(stat -c %s "$copy")" >>"$table"
  done
done

if [[ $bloat == 1 ]]; then
  for target in host aarch64-unknown-linux-gnu; do
    args=(-p hawiya-ffi --lib --profile release-phone --crates -n 15)
    [[ $target == host ]] || args+=(--target "$target")
    say "cargo bloat ${args[*]}"
    # cargo bloat builds once more with settings of its own (debug info, to
    # name the crates; the build's .so is then not the stripped one above)
    # and reads the symbols.
    nice "$BLOAT" bloat "${args[@]}" 2>&1 | tee "$out/bloat-$target.txt"
  done
fi

echo
echo "libhawiya_ffi.so, default features, in bytes (stripped: strip --strip-all)"
cat "$table"
