"""Where independent work runs, and how a run reports its progress: one interface for CLI and flows.

A :class:`Runner` maps a module-level function over items and returns one result per item, in
order; an item whose function raised gives a :class:`Failed` in its place (the others go on).
- :class:`InProcess`: one item after the other in this process (tests, tiny runs);
- :class:`ProcessPool`: a pool of worker processes on this machine (the CLI's default), started
  once per run and reused by every wave of it;
- the Prefect flows pass their own runner (``flows.tasks.PrefectRunner``): each item is a task run
  on the flow's task runner (local processes, or a Dask cluster).

A :class:`Progress` receives ``start(phase, total)`` / ``advance(phase, n)``: the CLI draws a bar,
a flow updates a progress artifact, and the default says nothing.
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

LOG = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
#: Modules every worker process imports once, before forking its siblings (forkserver preload).
PRELOAD = ["pandas", "pandera.pandas", "openpyxl", "sources.workbook", "schemas.validate", "sinks.feedback",
           "flows.intake", "sinks.report.build"]


@dataclass(frozen=True)
class Failed:
    """The failure of one item: its error as text (the traceback went to the log)."""

    error: str

    def __str__(self) -> str:
        return self.error


Done = Callable[[int], None]
"""Called in the run's process with an item's position as soon as that item is finished."""


class Runner(Protocol):
    workers: int

    def map(self, fn: Callable[[T], R], items: Sequence[T], on_done: Done | None = None) -> list[R | Failed]:
        """``fn`` over ``items``: one result (or ``Failed``) per item, in the items' order."""


def _call(fn: Callable[[T], R], item: T) -> R | Failed:
    try:
        return fn(item)
    except Exception as error:  # noqa: BLE001 - one item's failure never stops the others
        LOG.exception("%s failed", getattr(fn, "__name__", fn))
        return Failed(f"{type(error).__name__}: {error}")


class InProcess:
    """Runs every item here, in order."""

    workers = 1

    def map(self, fn: Callable[[T], R], items: Sequence[T], on_done: Done | None = None) -> list[R | Failed]:
        out = []
        for i, item in enumerate(items):
            out.append(_call(fn, item))
            if on_done is not None:
                on_done(i)
        return out

    def close(self) -> None:
        """Nothing to release."""


class ProcessPool:
    """Worker processes on this machine (``forkserver``: heavy imports once, workers forked from a
    process without threads). The pool starts at the first ``map`` and lives until ``close``."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = mp.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._pool

    def map(self, fn: Callable[[T], R], items: Sequence[T], on_done: Done | None = None) -> list[R | Failed]:
        if len(items) <= 1:
            return InProcess().map(fn, items, on_done)
        futures: list[Future] = [self._executor().submit(_call, fn, item) for item in items]
        position = {id(future): i for i, future in enumerate(futures)}
        results: list[Any] = [None] * len(futures)
        for future in as_completed(futures):
            i = position[id(future)]
            results[i] = _outcome(future)
            if on_done is not None:
                on_done(i)
        return results

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ProcessPool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _outcome(future: Future) -> Any:
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001 - a worker died or the result could not travel back
        LOG.error("worker failed: %s", error, exc_info=error)
        return Failed(f"{type(error).__name__}: {error}")


def local_runner(workers: int | None = None) -> InProcess | ProcessPool:
    """The CLI's runner: ``workers`` processes (default: one per core); one worker runs in process."""
    count = workers or os.cpu_count() or 1
    return InProcess() if count <= 1 else ProcessPool(count)


def chunked(items: Sequence[T], parts: int, most: int = 16) -> list[list[T]]:
    """``items`` split into about ``parts`` chunks of at most ``most`` items, order kept: enough
    chunks to keep every worker busy, few enough that per-chunk costs (one warehouse read per table,
    one validation pass) are shared by many files."""
    if not items:
        return []
    size = max(1, min(most, -(-len(items) // max(1, parts))))
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


class Progress(Protocol):
    def start(self, phase: str, total: int) -> None:
        """A phase of ``total`` steps begins (``phase`` is shown to the operator, in Indonesian)."""

    def advance(self, phase: str, n: int = 1) -> None:
        """``n`` more steps of ``phase`` are done."""


class Silent:
    """Progress nobody watches."""

    def start(self, phase: str, total: int) -> None:
        pass

    def advance(self, phase: str, n: int = 1) -> None:
        pass
