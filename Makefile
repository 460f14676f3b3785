# The README's commands. `make demo` runs the main job end to end; `make test` runs the tests.
PY := .venv/bin/python
SAKIP := .venv/bin/sakip
# Coverage of the product code (every package but tests), printed by the test commands.
COV := --cov=sakip --cov=flows --cov=schemas --cov=sources --cov=transforms --cov=sinks --cov=reference \
       --cov=demo --cov-report=term:skip-covered

.PHONY: setup demo test test-slow bench

setup:
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .

## A realistic demo year for every unit: generate, load plans, collect each month, score, report.
demo: setup
	$(SAKIP) demo --year 2023 --out data/inbox
	$(SAKIP) run-year --year 2023

## The test suite: SQLite and PostgreSQL warehouse tests, Prefect's test harness, Dask, the Kupang golden case.
test: setup
	$(PY) -m pytest -q -n 2 --dist loadfile -m "not slow" $(COV)

## The slow tests: a whole demo year of every unit through the pipeline on worker processes (CI runs them too).
test-slow: setup
	$(PY) -m pytest -q -m slow

## Benchmarks (figures printed, not asserted).
bench: setup
	$(PY) -m bench.pipeline --year 2023 --reports 2023-Q2
