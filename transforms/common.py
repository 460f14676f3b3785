"""Small rules shared by the transforms: ratio percentages, quarter-end rows, year-to-date sums.

Pure functions on DataFrames and Series; no I/O.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
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


def to_date_rows(frame: pd.DataFrame, keys: Sequence[str], values: Sequence[str] | None = None,
                 at: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows that year-to-date sums add up: each month of ``at`` paired with the monthly sums (per
    ``keys`` × month) of that month and of every earlier month, the summed month in ``_source_month``.

    ``keys``, ``values`` and ``at`` as for :func:`cumulate`, which sums these rows per ``keys`` × month.
    Rows built for finer keys sum per coarser keys (a subset of them, with the same period keys) to the
    coarser series' own year-to-date figures, so one set of rows serves several groupings.
    """
    keys = list(keys)
    values = _value_columns(frame, keys, values)
    period = [k for k in PERIOD_KEYS if k in keys and k != "month"]
    at = (frame if at is None else at)[[*period, "month"]].drop_duplicates()
    monthly = frame.groupby([*keys, "month"], as_index=False, dropna=False)[values].sum()
    grid = at.merge(monthly.rename(columns={"month": "_source_month"}), on=period)
    return grid[grid["_source_month"] <= grid["month"]]


def cumulate(frame: pd.DataFrame, keys: Sequence[str], values: Sequence[str] | None = None,
             at: pd.DataFrame | None = None) -> pd.DataFrame:
    """Year-to-date sums of month values: one row per ``keys`` × month of ``at``.

    ``keys`` identify a series within a year and must include ``year`` (and ``unit_code`` when
    present), not ``month``. ``values`` default to every numeric column outside the keys. ``at`` holds
    the months (with the period keys it shares with ``keys``) at which year-to-date sums are wanted;
    by default every month present in ``frame`` for that unit-year, so a series that skipped a month
    still carries its earlier total. A series with no row up to a month has no row for that month.
    """
    values = _value_columns(frame, list(keys), values)
    rows = to_date_rows(frame, keys, values, at)
    return rows.groupby([*keys, "month"], as_index=False, dropna=False)[values].sum()


def month_and_to_date(rows: pd.DataFrame, keys: Sequence[str], values: Sequence[str]) -> pd.DataFrame:
    """Month and year-to-date sums from :func:`to_date_rows`' rows, per ``keys`` × month: each value of
    the month itself (0 where the series has no row that month) and its year-to-date sum (``<value>_cum``),
    as :func:`cumulate` gives it. Columns: keys, month, values, then their ``_cum`` sums."""
    values = list(values)
    this_month = rows["_source_month"] == rows["month"]
    parts = rows.assign(**{f"{c}_cum": rows[c] for c in values}, **{c: rows[c].where(this_month, 0) for c in values})
    return parts.groupby([*keys, "month"], as_index=False, dropna=False)[
        [*values, *(f"{c}_cum" for c in values)]].sum()


def _value_columns(frame: pd.DataFrame, keys: list[str], values: Sequence[str] | None) -> list[str]:
    """``values``, or every numeric column of ``frame`` outside ``keys`` and ``month``."""
    if values is not None:
        return list(values)
    return [c for c in frame.select_dtypes("number").columns if c not in keys and c != "month"]


def weighted_means(frame: pd.DataFrame, keys: Sequence[str], values: Sequence[str], weight: str | None,
                   count_present: str | None = None) -> pd.DataFrame:
    """Σ(w·v)/Σw of each of ``values`` over the rows where it is present (NaN where none is, or Σw = 0),
    grouped once: one row per group of ``keys`` (NaN keys kept, sorted), columns keys, then one per value.
    ``weight`` None weighs every row 1 (a plain mean). With ``count_present``, also ``n_present``: the
    number of the group's rows where that column is present.

    The products and quotients are taken on NumPy arrays (the same IEEE operations pandas would run),
    only the grouped sums by pandas."""
    keys = list(keys)
    weights = frame[weight].to_numpy(dtype=float, na_value=np.nan) if weight is not None else np.ones(len(frame))
    parts: dict[str, np.ndarray] = {}
    for i, value in enumerate(values):
        numbers = frame[value].to_numpy(dtype=float, na_value=np.nan)
        present = ~np.isnan(numbers)
        parts[f"_wv{i}"] = np.where(present, weights * numbers, np.nan)
        parts[f"_w{i}"] = np.where(present, weights, np.nan)
    if count_present is not None:
        parts["n_present"] = frame[count_present].notna().to_numpy(dtype=np.int64)
    narrow = pd.DataFrame({**{key: frame[key] for key in keys}, **parts})  # the keys and the terms only
    sums = narrow.groupby(keys, as_index=False, dropna=False)[list(parts)].sum(min_count=1)
    means = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for i, value in enumerate(values):
            total = sums[f"_w{i}"].to_numpy()
            means[value] = sums[f"_wv{i}"].to_numpy() / np.where(total != 0, total, np.nan)
    if count_present is not None:
        means["n_present"] = sums["n_present"].to_numpy()
    return sums[keys].assign(**means)


def as_bool(values: pd.Series) -> pd.Series:
    """Yes (``Ya`` in any case, a True boolean, 1) → True; everything else → False (``reference.values``:
    the one set of yes/no words)."""
    return is_yes(values)

