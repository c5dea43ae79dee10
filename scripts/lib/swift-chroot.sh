# shellcheck shell=bash
# swift_in_chroot CHROOT ROOT COMMAND: runs COMMAND (a bash script) inside
# the Swift chroot of scripts/swift-toolchain.sh, with the folder ROOT
# bind-mounted at its own path, in a private mount namespace: /proc,
# /dev/pts and the bind mount vanish with it, even if it is killed. Needs root.
swift_in_chroot() {
  unshare --mount --propagation private -- bash -euo pipefail -c '
    C=$1; R=$2; shift 2
    mount -t proc proc "$C/proc"
    mount --bind /dev/pts "$C/dev/pts" 2>/dev/null || true
    mkdir -p "$C$R"
    mount --bind "$R" "$C$R"
    exec chroot "$C" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      /bin/bash -euo pipefail -c "$1"
  ' _ "$1" "$2" "$3"
}
