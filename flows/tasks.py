"""Prefect tasks: the steps of ``flows/steps.py`` as units of retry and observation.

A task is one file, one unit-quarter report or one national report, never a row. Engines and
settings are passed in, so task inputs are not hashed for caching (``NO_CACHE``); retries go on the
warehouse step only, where a transient database error is worth a second try.
"""
from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from flows import steps

prepare_file = task(steps.prepare_file, name="baca-dan-validasi", cache_policy=NO_CACHE,
                    task_run_name="validasi-{file[file_name]}")
store_file = task(steps.store_file, name="muat-ke-warehouse", cache_policy=NO_CACHE, retries=2,
                  retry_delay_seconds=5, task_run_name="muat-{prepared.path.name}")
refresh_reporting_status = task(steps.refresh_reporting_status, name="kelengkapan-pelaporan", cache_policy=NO_CACHE,
                                retries=2, retry_delay_seconds=5, task_run_name="kelengkapan-{year}")
rescore_unit_year = task(steps.rescore_unit_year, name="hitung-ulang-unit-tahun", cache_policy=NO_CACHE, retries=2,
                         retry_delay_seconds=5, task_run_name="hitung-ulang-{unit_code}-{year}")
