# Revsight developer commands. `make demo` and `make test` are the whole quick start.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_BASE := $(VENV)/.installed-base
STAMP_DEV := $(VENV)/.installed-dev
PORT ?= 8000
SEED ?= 1
export REVSIGHT_HOME ?= $(CURDIR)/.revsight

.PHONY: demo test test-postgres test-fast lint bench bench-large loadtest serve install install-dev install-spark clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Revsight needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_BASE): $(BIN)/python requirements/base.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements/base.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(STAMP_DEV): $(STAMP_BASE) requirements/dev.lock
	$(BIN)/pip install --quiet -r requirements/dev.lock
	touch $@

install: $(STAMP_BASE)
install-dev: $(STAMP_DEV)

## install-spark: the optional Spark engine (pyspark builds from source, about a minute; needs Java 17)
install-spark: $(STAMP_DEV)
	$(BIN)/pip install --quiet -r requirements/spark.lock

## demo: install, build the demo organisation (once) and serve it on http://127.0.0.1:$(PORT)
demo: $(STAMP_BASE)
	$(BIN)/revsight demo --seed $(SEED) --reuse --backtest
	$(BIN)/revsight serve --port $(PORT)

serve: $(STAMP_BASE)
	$(BIN)/revsight serve --port $(PORT)

# A worker per core, each taking the next test when idle (measured: 418 s against 463 s with a
# module per worker); the demo, its replica and kept results are each worker's, once.
XDIST ?= -n auto --dist worksteal

## test: the whole suite on the embedded database (DATABASE_URL=postgresql://… for PostgreSQL)
test: $(STAMP_DEV)
	REVSIGHT_HOME=$(CURDIR)/.revsight-test $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

## test-postgres: the suite on PostgreSQL (DATABASE_URL=postgresql://…), less what never reaches
## it: Spark (it reads the facts' Parquet export), the browser, the crawl of every link and the
## pages that only read (their services and queries are tested here; the pages' own code is the
## same on either database), the backtests (they read through the replica, built from either
## database in tests/analytics) and the tests that start revsight on the embedded database
test-postgres: $(STAMP_DEV)
	@case "$${DATABASE_URL:-}" in postgres*) ;; *) echo "test-postgres needs DATABASE_URL=postgresql://…" >&2; exit 2;; esac
	REVSIGHT_HOME=$(CURDIR)/.revsight-test-postgres $(BIN)/pytest $(XDIST) -m "not spark and not browser and not embedded and not crawl and not views and not backtest" $(PYTEST_ARGS)

## test-fast: the inner loop: no demo organisation, browser, Spark or public data sets
test-fast: $(STAMP_DEV)
	REVSIGHT_HOME=$(CURDIR)/.revsight-test $(BIN)/pytest $(XDIST) -q -m "not slow and not browser and not spark and not large" $(PYTEST_ARGS)

## lint: ruff (lint, complexity and format), mypy, and the layer contract (import-linter)
lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP_DEV)
	REVSIGHT_HOME=$(CURDIR)/.revsight-bench $(BIN)/python -m bench

## bench-large: issue 19's figures on the large demo (built once into .revsight-bench-large, ~8 min)
bench-large: $(STAMP_DEV)
	REVSIGHT_HOME=$(CURDIR)/.revsight-bench-large $(BIN)/python -m bench.large

## loadtest: 20 clients for 60 s on loopback (gunicorn) beside an import of 100,000 deals; fails on
## any 5xx or a lost write (docs/reliability.md)
loadtest: $(STAMP_DEV)
	REVSIGHT_HOME=$(CURDIR)/.revsight-loadtest $(BIN)/python -m bench.loadtest

clean:
	rm -rf $(VENV) .revsight-test .revsight-test-postgres .revsight-bench .revsight-bench-large .revsight-loadtest .pytest_cache .mypy_cache .ruff_cache
