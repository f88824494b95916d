# The developer's and CI's commands. `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
REQS := requirements/base.txt requirements/dev.txt
STAMP := $(VENV)/.installed-$(shell cat $(REQS) | sha1sum | cut -c1-12)
# Management commands of the developer set-up run in development mode (SQLite in var/, debug).
MANAGE := ANKOMMEN_ENV=development $(PY) manage.py

.PHONY: help setup run test lint format bench bench-quick messages i18n-check migrate demo lock clean

help:
	@echo "make run     - set up and serve the app with demo data at http://127.0.0.1:8000"
	@echo "make test    - set up and run the whole test suite (SQLite; DATABASE_URL for PostgreSQL)"
	@echo "make lint    - ruff (lint + format check), mypy, translation catalogue check"
	@echo "make bench   - benchmark suite, writes docs/benchmarks.md"

$(STAMP): $(REQS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements/base.txt -r requirements/dev.txt
	rm -f $(VENV)/.installed-*; touch $(STAMP)

setup: $(STAMP) messages var/DEVELOPMENT

# Marks this checkout as a developer's: a bare `./manage.py` then runs in development mode.
var/DEVELOPMENT:
	@mkdir -p var && echo "Developer checkout (created by make). Never create this file on a server." > $@

messages: $(STAMP)
	@$(MANAGE) compilemessages --ignore=.venv --ignore=var -v 0

migrate: setup
	$(MANAGE) migrate --noinput -v 0

demo: migrate
	$(MANAGE) seed_demo

run: export ANKOMMEN_ENV = development
run: export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
run: demo
	@echo "ankommen: http://127.0.0.1:8000  (demo logins in README.md; Ctrl-C stops web and worker)"
	$(VENV)/bin/honcho -f Procfile.dev start

# Development-only npm tools (axe-core for the accessibility checks of the browser tests).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --ignore-scripts --loglevel=error; \
	else echo "NOTICE: npm missing - accessibility checks of the browser tests will be skipped"; fi

# The suite runs in parallel, one pytest-xdist worker per core (PYTEST_WORKERS=0: in one process).
PYTEST_WORKERS ?= auto
test: setup node_modules/.package-lock.json
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	ANKOMMEN_ENV=test $(VENV)/bin/mypy ankommen
	$(PY) tools/check_translations.py

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the translation catalogues (each app keeps its own in <app>/locale).
i18n: $(STAMP)
	$(PY) tools/check_translations.py --update

lock:
	$(PY) -m pip install -q pip-tools
	cd requirements && ../$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links base.in -o base.txt
	cd requirements && ../$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links dev.in -o dev.txt

# Benchmark-only dependencies (splink, the reference of the duplicate benchmark): never in production.
BENCH_STAMP := $(VENV)/.bench-installed-$(shell cat requirements/bench.txt | sha1sum | cut -c1-12)
$(BENCH_STAMP): $(STAMP) requirements/bench.txt
	$(PY) -m pip install --disable-pip-version-check -q -r requirements/bench.txt
	rm -f $(VENV)/.bench-installed-*; touch $(BENCH_STAMP)

# Runs every suite in bench/ and rewrites docs/benchmarks.md (bench/README.md says what each measures).
bench: migrate $(BENCH_STAMP)
	ANKOMMEN_ENV=development $(PY) -m bench run --scale default

bench-quick: migrate $(BENCH_STAMP)
	ANKOMMEN_ENV=development $(PY) -m bench run --scale quick

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
