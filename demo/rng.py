"""Random streams of the demo: one generator per (seed, year, unit, purpose).

A unit's data depend only on the seed, the year and the unit (never on which other units are
generated, or in which order), and each purpose has its own stream, so adding a draw to one part of
the generator does not shift the numbers of another.
"""
from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, year: int, unit_code: str, purpose: str) -> np.random.Generator:
    """The generator of one purpose (``"sampling"``, ``"budget"``, ``"mistakes-06"``...) of a unit-year."""
    return np.random.default_rng([seed, year, zlib.crc32(unit_code.encode()), zlib.crc32(purpose.encode())])


def integer_split(totals: np.ndarray, weights: np.ndarray, step: int = 1) -> np.ndarray:
    """Split each total into parts proportional to its row of weights, in multiples of ``step``, so
    that every row sums exactly to its total (the remainder goes to the row's largest part).

    ``totals`` has shape (n,) and must be multiples of ``step``; ``weights`` (n, k), rows not all zero.
    """
    totals = np.asarray(totals, dtype=np.int64)
    share = weights / weights.sum(axis=1, keepdims=True)
    parts = np.floor(share * (totals // step)[:, None]).astype(np.int64)
    remainder = totals // step - parts.sum(axis=1)
    parts[np.arange(len(parts)), share.argmax(axis=1)] += remainder
    return parts * step
