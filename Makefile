# Every target creates the virtualenv it needs, so a fresh clone needs nothing else.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed

.PHONY: demo serve test lint check bench bench-quick stress clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The bench extra (the library's own PostgreSQL recorder, baseline B5), for benchmarks only.
$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

## The main job: the server on embedded SQLite, with the demo program loaded.
demo: $(STAMP)
	$(BIN)/ledger demo
	$(BIN)/ledger serve

serve: $(STAMP)
	$(BIN)/ledger serve

## The tests, on SQLite and on the local PostgreSQL.
test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy

check: test lint

clean:
	rm -rf $(VENV) .ledger .pytest_cache .mypy_cache .ruff_cache .hypothesis

## Benchmarks on the local PostgreSQL and SQLite: full sizes (~10 min once the large logs are
## cached in bench/results/cache and template databases; ~25 min when they must be written)
## or small ones (~1-2 min). The run fails only if a figure is missing, never on a timing.
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench

bench-quick: $(BENCH_STAMP)
	$(BIN)/python -m bench --quick

## The reliability drills (tests/reliability) at five times the target sizes: R1 is 16
## clients x 1,000 commands. Needs PostgreSQL; takes several minutes.
stress: $(STAMP)
	LEDGER_STRESS_SCALE=5 $(BIN)/pytest tests/reliability -q -x
