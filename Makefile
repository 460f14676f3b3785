# The README's commands. `make demo` runs the main job end to end; `make test` runs the tests.
PY := .venv/bin/python
# The interpreter of the venv: Python 3.12 (coverage then measures through sys.monitoring, COVERAGE_CORE=sysmon,
# which costs the test run almost nothing; on 3.11 the same coverage slows it by about 70 %). pyenv's shim
# for python3.12 answers only when 3.12 is selected, so its install folder is looked at too.
PYTHON ?= $(firstword $(foreach p,python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12),\
            $(shell $(p) -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null && echo $(p))) python3)
SAKIP := .venv/bin/sakip
# Coverage of the product code (every package but tests), printed by the test commands.
COV := --cov=sakip --cov=flows --cov=schemas --cov=sources --cov=transforms --cov=sinks --cov=reference \
       --cov=demo --cov-report=term:skip-covered

.PHONY: setup demo test test-slow bench

setup:
	test -x $(PY) || $(PYTHON) -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .

## A realistic demo year for every unit: generate, load plans, collect each month, score, report.
demo: setup
	$(SAKIP) demo --year 2023 --out data/inbox
	$(SAKIP) run-year --year 2023

## The test suite: SQLite and PostgreSQL warehouse tests, Prefect's test harness, Dask, the Kupang golden case.
test: setup
	COVERAGE_CORE=sysmon $(PY) -m pytest -q -n 2 --dist loadfile -m "not slow" $(COV) $(PYTEST_ARGS)

## The slow tests, of scale: every unit's demo year through the pipeline on worker processes, and the demo
## generator's properties over every unit's clean year (CI runs them too).
test-slow: setup
	$(PY) -m pytest -q -m slow

## Benchmarks (figures printed, not asserted).
bench: setup
	$(PY) -m bench.pipeline --year 2023 --reports 2023-Q2
