# Set-up contract: `make run` and `make test` work on a fresh clone with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-matrix test-plugin check-wheel test-e2e bench bench-nodes load-check fault-check lighthouse lint format migrate demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

# Browser tests: Playwright's Python package drives Debian's Chromium (never a downloaded
# browser); axe-core comes from the npm registry, pinned, into tests/e2e/node_modules.
AXE_VERSION := 4.14.1
AXE := tests/e2e/node_modules/axe-core/axe.min.js

$(VENV)/.installed-e2e: requirements.txt requirements-dev.txt requirements-e2e.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-e2e.txt
	touch $(VENV)/.installed $(VENV)/.installed-dev $@

$(AXE):
	npm install --prefix tests/e2e --no-save --no-package-lock --no-audit --no-fund axe-core@$(AXE_VERSION)

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The main suite (demo host settings) on every core (pytest-xdist; PYTEST_WORKERS=0 runs it in
# one process), then tests/plugin against the minimal host.
PYTEST_WORKERS ?= auto
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	$(BIN)/python -m pytest tests/plugin --ds=tests.plugin.minimal_settings $(PLUGIN_PYTEST_ARGS)

# The whole suite once per supported Python and Django pair (pyproject.toml, [tool.pinewood]
# test-matrix), each in its own nox virtual environment; NOX_ARGS="-p 3.12" picks pairs.
# PINEWOOD_INSTALL_PYTHON=1 lets noxfile.py install a missing interpreter with pyenv.
test-matrix: $(VENV)/.installed-dev
	$(BIN)/nox $(NOX_ARGS)

# The plugin in a host with none of the demo (tests/plugin/minimal_settings.py): package
# contents, system checks, canary channels.
test-plugin: $(VENV)/.installed-dev
	$(BIN)/python -m pytest tests/plugin --ds=tests.plugin.minimal_settings $(PLUGIN_PYTEST_ARGS)

# The wheel in a new `wagtail start` site set up by the README's steps, checked over HTTP.
check-wheel: $(VENV)/.installed-dev
	$(BIN)/python -m tests.plugin.check_wheel_host

test-e2e: $(VENV)/.installed-e2e $(AXE)
	@test -x "$${CHROMIUM:-/usr/bin/chromium}" || { echo "Chromium is needed: apt-get install chromium"; exit 1; }
	E2E=1 $(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

# Benchmarks (not tests): see README, "Performance".
bench: $(VENV)/.installed
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Two gunicorn nodes sharing the local PostgreSQL and Redis (see README, "Performance").
bench-nodes: $(VENV)/.installed
	$(BIN)/python -m bench.two_nodes $(BENCH_ARGS)

# Lighthouse 12 (npm registry, pinned, into bench/node_modules) on the demo's pages in Debian's
# Chromium, mobile and desktop presets (see README, "Quality checks").
LIGHTHOUSE_VERSION := 12.8.2
LIGHTHOUSE := bench/node_modules/.bin/lighthouse

$(LIGHTHOUSE):
	npm install --prefix bench --no-save --no-package-lock --no-audit --no-fund lighthouse@$(LIGHTHOUSE_VERSION)

lighthouse: $(VENV)/.installed $(LIGHTHOUSE)
	$(BIN)/python -m bench.lighthouse $(LIGHTHOUSE_ARGS)

load-check: $(VENV)/.installed
	$(BIN)/python -m bench.load_check $(BENCH_ARGS)

# Faults under load (bench/faults.py): its own PostgreSQL cluster, Redis and SMTP sink in a
# temporary folder; SMTP down, Redis stopped, PostgreSQL stopped 10 s, kill -9 of a worker and
# SIGHUP, one line per fault. BENCH_ARGS=--short is the form CI runs.
fault-check: $(VENV)/.installed
	$(BIN)/python -m bench.faults $(BENCH_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
