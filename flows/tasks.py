"""Prefect tasks and the Prefect side of the orchestration: where a flow's independent work runs.

A task is one unit of retry and observation: a chunk of files of different units (read, validated
and answered together, since validation is batched), or one report. The flows hand
:class:`PrefectRunner` to ``flows.run``, which submits those tasks to a Prefect task runner chosen
when the flow runs (:func:`task_runner`): local worker processes by default, one thread when
``SAKIP_WORKERS=1``, a Dask cluster when ``SAKIP_DASK_ADDRESS`` names a scheduler. The runner is
entered once per flow run, so its workers serve every wave of the run. The warehouse is written by
the flow's own process only.
"""
from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Sequence
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows import intake, reports
from flows.runners import Done, Failed
from sakip.settings import Settings, get_settings

prepare_chunk = task(intake.prepare_chunk, name="baca-dan-validasi", cache_policy=NO_CACHE, retries=1,
                     task_run_name="validasi-{chunk.label}")
build_report = task(reports.build_report, name="laporan", cache_policy=NO_CACHE, retries=1,
                    task_run_name="laporan-{job.label}")
#: The step functions ``flows.run`` maps, and the task each one runs as.
TASKS = {intake.prepare_chunk: prepare_chunk, reports.build_report: build_report}


def task_runner(settings: Settings | None = None) -> TaskRunner:
    """The Dask cluster of ``SAKIP_DASK_ADDRESS``, else ``SAKIP_WORKERS`` local processes (default one
    per core; a single worker is a thread of the flow's process)."""
    settings = settings or get_settings()
    if settings.dask_address:
        from prefect_dask import DaskTaskRunner  # only a Dask deployment needs it loaded

        return DaskTaskRunner(address=settings.dask_address)
    workers = settings.workers or os.cpu_count() or 1
    return ThreadPoolTaskRunner(max_workers=1) if workers == 1 else ProcessPoolTaskRunner(max_workers=workers)


class PrefectRunner:
    """``flows.runners.Runner`` over Prefect tasks: every item is a task run on :func:`task_runner`'s
    runner, entered for the duration of the ``with`` block (one flow run)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.workers = self.settings.workers or os.cpu_count() or 1
        self._runner: TaskRunner | None = None

    def __enter__(self) -> PrefectRunner:
        self._runner = task_runner(self.settings).__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.__exit__(*exc)

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any], on_done: Done | None = None) -> list[Any]:
        if self._runner is None:
            raise RuntimeError("PrefectRunner.map outside its with-block")
        task_ = TASKS[fn]
        parameter = next(iter(inspect.signature(fn).parameters))
        futures = [self._runner.submit(task_, {parameter: item}) for item in items]
        position = {id(future): i for i, future in enumerate(futures)}
        results: list[Any] = [None] * len(futures)
        for future in as_completed(futures):
            i = position[id(future)]
            state = future.state
            results[i] = (future.result() if not state.is_failed()
                          else Failed(str(future.result(raise_on_failure=False))))
            if on_done is not None:
                on_done(i)
        return results
