"""Measuring one benchmark phase: wall time and peak memory, each phase in a fresh process.

A phase runs in its own spawned interpreter so its peak resident memory (``ru_maxrss``) is its own,
not the high-water mark of an earlier phase in the same process, and so imports and caches warm in
one phase do not flatter the next. A phase that starts worker processes also gets the peak of the
summed resident memory of all its descendant processes, sampled from ``/proc`` every 0.2 s.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import platform
import resource
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Measured:
    """What one phase did: its result, wall seconds and peak resident memory in MiB."""

    result: Any
    seconds: float
    peak_mib: float
    children_peak_mib: float = 0.0


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux ``/proc/<pid>/task/*/children``)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of this process's descendants until stopped; keeps the peak."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.2):
            self.peak = max(self.peak, sum(_rss_mib(pid) for pid in _descendants(os.getpid())))


def _timed(fn: Callable[..., Any], args: tuple) -> Measured:
    sampler = _TreeSampler()
    sampler.start()
    started = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - started
    sampler.stopped.set()
    sampler.join()
    return Measured(result, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, sampler.peak)


def in_fresh_process(fn: Callable[..., Any], *args: Any) -> Measured:
    """Run ``fn(*args)`` in a new interpreter; ``fn`` must be importable (module level)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(_timed, fn, args).result()


def machine() -> str:
    """One line naming the machine the figures were measured on."""
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, {memory_gib:.0f} GiB"


def rate(count: int, seconds: float) -> str:
    """``count`` per second, as printed."""
    return f"{count / seconds:.2f}/s" if seconds > 0 else "n/a"
