#!/usr/bin/env bash
# Installs the Swift toolchain that scripts/test-swift.sh uses to compile and test
# HawiyaKit (bindings/swift) on Linux.
#
# Swift 6 needs glibc >= 2.38, newer than Debian bookworm's. So the toolchain lives in
# a minimal Debian trixie chroot (Debian's own `swiftlang` package plus `libc6-dev`
# for the C headers the Clang importer reads). The Debian mirror is the one the host's
# apt already uses, read at run time; nothing about it is stored in this repository.
#
# Idempotent: each step is skipped when done; a marker file records a finished
# install. Needs root (debootstrap, chroot, mount) and no terminal (works with CI=true).
# About 2.6 GB on disk, about one minute on a fresh machine with a fast network.
#
#   scripts/swift-toolchain.sh          install if missing, print the chroot path
#   HAWIYA_SWIFT_CHROOT=/path ...       use another place (default /opt/hawiya-swift)
#   HAWIYA_SWIFT_MIRROR=URL ...         use this Debian mirror instead of the host's
set -euo pipefail

CHROOT=${HAWIYA_SWIFT_CHROOT:-/opt/hawiya-swift}
SUITE=trixie
READY=$CHROOT/.hawiya-swift-ready
BOOTSTRAPPED=$CHROOT/.hawiya-bootstrapped
export DEBIAN_FRONTEND=noninteractive

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'swift-toolchain: %s\n' "$*" >&2; exit 1; }

if [ -e "$READY" ]; then
  echo "$CHROOT"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot and mount need it)"

# Runs a shell command inside the chroot in a private mount namespace: the /proc and
# /dev/pts mounts vanish with the namespace, even if this script is killed.
in_chroot() {
  unshare --mount --propagation private -- bash -euo pipefail -c '
    C=$1; shift
    mount -t proc proc "$C/proc"
    mount --bind /dev/pts "$C/dev/pts" 2>/dev/null || true
    cp -L /etc/resolv.conf "$C/etc/resolv.conf" 2>/dev/null || true
    exec chroot "$C" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      DEBIAN_FRONTEND=noninteractive /bin/bash -euo pipefail -c "$1"
  ' _ "$CHROOT" "$1"
}

# 1. debootstrap on the host (bookworm's package already knows trixie and its keys).
if ! command -v debootstrap >/dev/null || [ ! -e "/usr/share/debootstrap/scripts/$SUITE" ]; then
  log "installing debootstrap"
  apt-get update -qq
  apt-get install -y -qq debootstrap >/dev/null
fi

# 2. A minimal trixie system.
if [ ! -e "$BOOTSTRAPPED" ]; then
  MIRROR=${HAWIYA_SWIFT_MIRROR:-}
  pick_mirror() { apt-get indextargets --format '$(SITE)' 2>/dev/null | grep -v -- '-security' | head -n1; }
  if [ -z "$MIRROR" ]; then
    MIRROR=$(pick_mirror)
    [ -n "$MIRROR" ] || { apt-get update -qq; MIRROR=$(pick_mirror); }
  fi
  [ -n "$MIRROR" ] || die "cannot read a Debian mirror from the host's apt configuration; set HAWIYA_SWIFT_MIRROR"
  if [ -e "$CHROOT" ]; then
    # Left over from an interrupted run: remove it, never crossing into a mount.
    grep -q " $CHROOT/" /proc/mounts && die "something is mounted under $CHROOT; unmount it first"
    log "removing the unfinished chroot at $CHROOT"
    rm -rf --one-file-system "$CHROOT"
  fi
  log "debootstrap $SUITE into $CHROOT (mirror from the host's apt configuration)"
  dlog=$(mktemp)
  if ! debootstrap --variant=minbase "$SUITE" "$CHROOT" "$MIRROR" >"$dlog" 2>&1; then
    tail -n 30 "$dlog" >&2
    rm -f "$dlog"
    die "debootstrap failed"
  fi
  rm -f "$dlog"
  touch "$BOOTSTRAPPED"
fi

# 3. Swift and the C headers inside the chroot.
log "installing swiftlang and libc6-dev in the chroot"
in_chroot 'apt-get update -qq && apt-get install -y -qq --no-install-recommends swiftlang libc6-dev >/dev/null && apt-get clean'
in_chroot 'swift --version' >&2 || die "swift does not run in the chroot"
touch "$READY"
echo "$CHROOT"
