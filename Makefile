# Two commands from a fresh clone: `make run` (the app on the demo) and `make test` (lint, types, tests).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench load browser-deps demo clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP) browser-deps
	$(PY) -m streamlit run app.py --server.headless true --browser.gatherUsageStats false

lint: $(STAMP)
	$(PY) -m ruff check .

typecheck: $(STAMP)
	$(PY) -m mypy csp_data

browser-deps:
	@bash scripts/ensure_chromium.sh || echo "browser tests will be skipped: chromium could not be installed"

pytest: $(STAMP)
	$(PY) -m pytest

test: $(STAMP) lint typecheck browser-deps pytest

bench: $(STAMP) browser-deps
	$(PY) -m benchmarks.run

# Many sessions at once (not part of make test): LOAD_LEVELS sessions, LOAD_SECONDS per level.
# LOAD_CLIENT=ws (Streamlit's websocket protocol, the default) or browser (headless Chromium contexts).
# LOAD_THINK: seconds each websocket session reads a page before its next click (0.5-1.5 x); 5 by default,
# as people in a meeting do; LOAD_THINK=0 sends every click at once (the server's worst case).
LOAD_LEVELS ?= 10,30
LOAD_SECONDS ?= 120
LOAD_CLIENT ?= ws
# LOAD_REPLICAS: servers started, each session staying on one (sticky, as behind a load balancer).
LOAD_THINK ?= 5
LOAD_REPLICAS ?= 1
load: $(STAMP) browser-deps
	$(PY) -m benchmarks.load --levels $(LOAD_LEVELS) --seconds $(LOAD_SECONDS) --client $(LOAD_CLIENT) \
		--think $(LOAD_THINK) --replicas $(LOAD_REPLICAS)

demo: $(STAMP)
	$(PY) -m csp_data demo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
