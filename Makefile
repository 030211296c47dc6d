# The two commands: `make run` (web chat on http://127.0.0.1:7860) and `make test`.
PY := .venv/bin/python
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1

.PHONY: run test unit bench setup

setup:
	scripts/setup.sh

run: setup
	.venv/bin/assistant serve --ingest-default

test:
	scripts/setup.sh --test
	REQUIRE_SHARED=1 $(PY) -m pytest

unit:  # the unit layer: needs nothing outside the repo (run `make setup` once first)
	$(PY) -m pytest -m "not integration and not slow and not browser"

bench: setup
	$(PY) bench/run_all.py
