#!/usr/bin/env bash
# Independent Python check of docs/test-vectors.json against docs/FORMAT.md,
# with pycose + cbor2 in a private virtualenv under target/ (gitignored).
# Idempotent: creates the venv and installs packages only when missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/target/python-venv"
# Pinned: pycose 1.1.0's Sign1Message.decode fails on every tagged message
# with cbor2 >= 6, which decodes arrays inside tags as tuples
# (TimothyClaeys/pycose#141). cryptography comes in as pycose's dependency.
pkgs=(pycose==1.1.0 cbor2==5.9.0)
check="import pycose, cbor2
from importlib.metadata import version
assert version('pycose') == '1.1.0' and version('cbor2') == '5.9.0'"
host_python="${PYTHON:-python3}"

mkdir -p "$root/target"

if [ -f "$venv/.pip-target" ]; then
    py="$host_python"            # fallback layout from an earlier run, below
elif [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import sys' 2>/dev/null; then
    py="$venv/bin/python"
else
    rm -rf "$venv"
    if "$host_python" -m venv "$venv" >/dev/null 2>&1; then
        py="$venv/bin/python"
    else
        # No ensurepip (e.g. Debian without python3-venv): install the
        # packages with the host's pip into a plain directory instead.
        rm -rf "$venv"
        mkdir -p "$venv/site"
        touch "$venv/.pip-target"
        py="$host_python"
    fi
fi

if [ -f "$venv/.pip-target" ]; then
    export PYTHONPATH="$venv/site${PYTHONPATH:+:$PYTHONPATH}"
    if ! "$py" -c "$check" 2>/dev/null; then
        "$host_python" -m pip install --quiet --disable-pip-version-check \
            --target "$venv/site" "${pkgs[@]}"
    fi
elif ! "$py" -c "$check" 2>/dev/null; then
    "$py" -m pip install --quiet --disable-pip-version-check "${pkgs[@]}"
fi

status=0
"$py" "$here/verify_vectors.py" "$@" || status=$?
exit "$status"
