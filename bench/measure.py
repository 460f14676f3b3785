"""Measuring one benchmark phase: wall time and peak memory, each phase in a fresh process.

A phase runs in its own spawned interpreter so its peak resident memory (``ru_maxrss``) is its own,
not the high-water mark of an earlier phase in the same process, and so imports and caches warm in
one phase do not flatter the next.
"""
from __future__ import annotations

import multiprocessing as mp
import platform
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Measured:
    """What one phase did: its result, wall seconds and peak resident memory in MiB."""

    result: Any
    seconds: float
    peak_mib: float


def _timed(fn: Callable[..., Any], args: tuple) -> Measured:
    started = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - started
    return Measured(result, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def in_fresh_process(fn: Callable[..., Any], *args: Any) -> Measured:
    """Run ``fn(*args)`` in a new interpreter; ``fn`` must be importable (module level)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(_timed, fn, args).result()


def machine() -> str:
    """One line naming the machine the figures were measured on."""
    import os

    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, {memory_gib:.0f} GiB"


def rate(count: int, seconds: float) -> str:
    """``count`` per second, as printed."""
    return f"{count / seconds:.2f}/s" if seconds > 0 else "n/a"
