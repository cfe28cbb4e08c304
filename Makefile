# Two commands for a newcomer with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_ARGS ?=
PYTEST_ARGS ?=

.PHONY: demo test bench lint-imports lint typecheck install install-test clean-db

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Meidu Market needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-app: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	@touch $@ $(VENV)/.installed-app

$(VENV)/.installed-bench: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test,bench]"
	@touch $@ $(VENV)/.installed-test $(VENV)/.installed-app

install: $(VENV)/.installed-app
install-test: $(VENV)/.installed-test

## Embedded PostgreSQL, migrations, demo data, server on http://127.0.0.1:8000 (Ctrl-C stops all).
demo: install
	$(BIN)/meidu demo $(DEMO_ARGS)

## The whole test suite: against DATABASE_URL when set, else the embedded PostgreSQL.
test: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

## Every script in benchmarks/ on prepared datasets; rewrites benchmarks/RESULTS.md (benchmarks/run.py).
## BENCH_ONLY=a,b runs some; BENCH_QUICK=1 the smallest sizes (writes var/bench/quick/RESULTS.md).
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/run.py

## The layer contracts (pyproject.toml, [tool.importlinter]): fails on an import that breaks a layer.
lint-imports: install-test
	$(BIN)/lint-imports --no-cache

## Lint and format check (pyproject.toml, [tool.ruff]): pyflakes, import order, bugbear, 120 columns.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Type check of meidu/core and the exchange's engine (pyproject.toml, [tool.mypy]).
typecheck: install-test
	MEIDU_MODE=test $(BIN)/mypy

## Forget the embedded database (it is recreated on the next run).
clean-db:
	rm -rf var/pgdata
