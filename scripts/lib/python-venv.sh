# shellcheck shell=bash
# Sourced by scripts/setup.sh and tests/python/run.sh: the private Python
# environment of the independent wire-format check (tests/python), with
# pycose and cbor2 pinned, in target/python-venv (gitignored).
#
# python_venv_setup   creates it and installs the packages if missing, saying
#                     what it installs; silent when all is in place. Returns
#                     non-zero if it could not.
# python_venv_env     sets PYTHON_VENV_PY, the interpreter to run the check
#                     with (and, for the fallback layout, exports PYTHONPATH).
#
# Needs ROOT (the repository root). PYTHON picks the host interpreter
# (default python3).

PYTHON_VENV="$ROOT/target/python-venv"
# Pinned: pycose 1.1.0's Sign1Message.decode fails on every tagged message
# with cbor2 >= 6, which decodes arrays inside tags as tuples
# (TimothyClaeys/pycose#141). cryptography comes in as pycose's dependency.
PYTHON_PACKAGES=(pycose==1.1.0 cbor2==5.9.0)
PYTHON_CHECK="import pycose, cbor2
from importlib.metadata import version
assert version('pycose') == '1.1.0' and version('cbor2') == '5.9.0'"

python_venv_env() {
  if [[ -f "$PYTHON_VENV/.pip-target" ]]; then
    # No ensurepip on this host (e.g. Debian without python3-venv): the
    # packages live in a plain directory for the host's interpreter.
    case ":${PYTHONPATH:-}:" in
      *":$PYTHON_VENV/site:"*) ;;
      *) export PYTHONPATH="$PYTHON_VENV/site${PYTHONPATH:+:$PYTHONPATH}" ;;
    esac
    PYTHON_VENV_PY="${PYTHON:-python3}"
  else
    PYTHON_VENV_PY="$PYTHON_VENV/bin/python"
  fi
}

python_venv_setup() {
  local host="${PYTHON:-python3}"
  command -v "$host" >/dev/null || { echo "python: $host not found; install Python 3" >&2; return 1; }
  mkdir -p "$ROOT/target"
  if [[ ! -f "$PYTHON_VENV/.pip-target" ]] \
    && ! { [[ -x "$PYTHON_VENV/bin/python" ]] && "$PYTHON_VENV/bin/python" -c 'import sys' 2>/dev/null; }; then
    echo "==> creating the Python environment target/python-venv" >&2
    rm -rf "$PYTHON_VENV"
    if ! "$host" -m venv "$PYTHON_VENV" >/dev/null 2>&1; then
      rm -rf "$PYTHON_VENV"
      mkdir -p "$PYTHON_VENV/site"
      touch "$PYTHON_VENV/.pip-target"
    fi
  fi
  python_venv_env
  "$PYTHON_VENV_PY" -c "$PYTHON_CHECK" 2>/dev/null && return 0
  echo "==> installing ${PYTHON_PACKAGES[*]} into target/python-venv" >&2
  if [[ -f "$PYTHON_VENV/.pip-target" ]]; then
    "$host" -m pip install --quiet --disable-pip-version-check --target "$PYTHON_VENV/site" "${PYTHON_PACKAGES[@]}" >&2
  else
    "$PYTHON_VENV_PY" -m pip install --quiet --disable-pip-version-check "${PYTHON_PACKAGES[@]}" >&2
  fi || { echo "python: pip could not install ${PYTHON_PACKAGES[*]}" >&2; return 1; }
  "$PYTHON_VENV_PY" -c "$PYTHON_CHECK" || { echo "python: the installed packages do not import" >&2; return 1; }
}
