# The two commands: `make run` (web chat on http://127.0.0.1:7860) and `make test`.
PY := .venv/bin/python
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1

.PHONY: run test bench setup

setup:
	scripts/setup.sh

run: setup
	.venv/bin/assistant serve --ingest-default

test:
	scripts/setup.sh --test
	$(PY) -m pytest

bench: setup
	$(PY) bench/run_all.py
