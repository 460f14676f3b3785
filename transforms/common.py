"""Small rules shared by the transforms: ratio percentages, quarter-end rows, year-to-date sums.

Pure functions on DataFrames and Series; no I/O.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from reference.values import is_yes
from sakip.periods import quarter_end_month, quarter_of

#: Keys of a reporting period, in order.
PERIOD_KEYS = ("unit_code", "year", "month")


def ratio_pct(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator × 100; NaN where either is missing or the denominator is 0."""
    num = pd.to_numeric(numerator, errors="coerce").astype(float)
    den = pd.to_numeric(denominator, errors="coerce").astype(float)
    return (num / den.where(den != 0)) * 100


def with_quarter(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with ``quarter`` (1–4) from ``month``."""
    return frame.assign(quarter=quarter_of(frame["month"].astype(int)))


def quarter_end_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of quarter-end months (3, 6, 9, 12), with ``quarter``: the quarter's figures."""
    framed = with_quarter(frame)
    return framed[framed["month"].astype(int) == quarter_end_month(framed["quarter"])]


def cumulate(frame: pd.DataFrame, keys: Sequence[str], values: Sequence[str] | None = None,
             at: pd.DataFrame | None = None) -> pd.DataFrame:
    """Year-to-date sums of month values: one row per ``keys`` × month of ``at``.

    ``keys`` identify a series within a year and must include ``year`` (and ``unit_code`` when
    present), not ``month``. ``values`` default to every numeric column outside the keys. ``at`` holds
    the months (with the period keys it shares with ``keys``) at which year-to-date sums are wanted;
    by default every month present in ``frame`` for that unit-year, so a series that skipped a month
    still carries its earlier total. A series with no row up to a month has no row for that month.
    """
    keys = list(keys)
    values = list(values) if values is not None else [
        c for c in frame.select_dtypes("number").columns if c not in keys and c != "month"]
    period = [k for k in PERIOD_KEYS if k in keys and k != "month"]
    at = (frame if at is None else at)[[*period, "month"]].drop_duplicates()
    monthly = frame.groupby([*keys, "month"], as_index=False, dropna=False)[values].sum()
    grid = at.merge(monthly.rename(columns={"month": "_source_month"}), on=period)
    grid = grid[grid["_source_month"] <= grid["month"]]
    return grid.groupby([*keys, "month"], as_index=False, dropna=False)[values].sum()


def weighted_mean(frame: pd.DataFrame, keys: Sequence[str], value: str, weight: str) -> pd.Series:
    """Σ(w·v)/Σw per group over rows whose value is present; NaN where none is (or Σw = 0)."""
    present = frame[value].notna()
    parts = frame.assign(_wv=(frame[weight] * frame[value]).where(present),
                         _w=frame[weight].where(present))
    sums = parts.groupby(list(keys), dropna=False)[["_wv", "_w"]].sum(min_count=1)
    return (sums["_wv"] / sums["_w"].where(sums["_w"] != 0)).rename(value)


def as_bool(values: pd.Series) -> pd.Series:
    """Yes (``Ya`` in any case, a True boolean, 1) → True; everything else → False (``reference.values``:
    the one set of yes/no words)."""
    return is_yes(values)

