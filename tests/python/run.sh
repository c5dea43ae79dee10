#!/usr/bin/env bash
# Independent Python check of docs/test-vectors.json against docs/FORMAT.md,
# with pycose + cbor2 in a private virtualenv under target/ (gitignored; set
# up by scripts/setup.sh python, or here if it is missing). The last line is
# "python: N passed, M failed"; a setup failure prints that line too.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$here/../.." && pwd)"
# shellcheck source=scripts/lib/python-venv.sh
source "$ROOT/scripts/lib/python-venv.sh"

if ! python_venv_setup; then
  echo "python: 0 passed, 1 failed"
  exit 1
fi
python_venv_env
status=0
"$PYTHON_VENV_PY" "$here/verify_vectors.py" "$@" || status=$?
exit "$status"
