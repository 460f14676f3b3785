"""Check helpers shared by the sheet schemas, robust to cells the coercion could not turn into numbers.

A text left in a number column is reported once, by the coercion (``number_invalid``); these helpers
read such a cell as missing, so the other checks of the column still run on every other row instead
of failing as a whole with a TypeError.
"""
from __future__ import annotations

import pandas as pd


def num(values: pd.Series) -> pd.Series:
    """Numbers of a column; anything that is not a number becomes NaN."""
    return pd.to_numeric(values, errors="coerce")


def non_negative(values: pd.Series) -> pd.Series:
    """True where the value is >= 0 or missing."""
    numbers = num(values)
    return numbers.isna() | numbers.ge(0)


def whole(values: pd.Series) -> pd.Series:
    """True where the value is a whole number or missing."""
    numbers = num(values)
    return numbers.isna() | (numbers % 1).eq(0)


def positive(values: pd.Series) -> pd.Series:
    """True where the value is > 0 or missing."""
    numbers = num(values)
    return numbers.isna() | numbers.gt(0)


def sum_equals(frame: pd.DataFrame, parts: list[str], total: str) -> pd.Series:
    """True where the parts add up to the total, or where any of them is missing."""
    values = frame[[*parts, total]].apply(num)
    missing = values.isna().any(axis=1)
    return missing | (values[parts].sum(axis=1) - values[total]).abs().le(1e-9)


def at_most(frame: pd.DataFrame, small: str, large: str) -> pd.Series:
    """True where ``small`` <= ``large``, or where either is missing."""
    a, b = num(frame[small]), num(frame[large])
    return a.isna() | b.isna() | a.le(b)
