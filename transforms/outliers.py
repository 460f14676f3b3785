"""Outliers against a unit's own history: a pure transform (history frame + new values -> scored frame).

A value that passes every rule of the contract can still be wrong by a factor of ten (a realisation
typed in rupiah instead of thousands, a year's samples typed as one month's). Each new value is
compared with the same unit's own history of the same series (unit x source x item x column):

- **history window**: the earlier months of the same year, and the same month of the
  ``years_back`` previous years (``OutlierPolicy``);
- **what is compared** (``kind``): the value itself (``level``: flat indicators, monthly amounts and
  counts); for a cumulative indicator (``kumulatif``) the month's increment (this month's value to
  date minus last month's, ``increment``), since a value to date grows by design; a staged indicator
  (``tahapan``: progress in planned steps, then its own unit in December) and a year-end one
  (``akhir_tahun``) are compared as values with the same month of earlier years only
  (``year_on_year``): their months are not comparable with each other. Only values of the same kind
  are history of each other. For spending and counts a month with nothing (0) is not history: it
  says nothing about the size of a month's work (capital spending starts from zero);
- **score** (``n`` history values): with at least ``min_history`` values the modified z-score
  0.6745 (x - median) / MAD (Iglewicz and Hoaglin; MAD = 0 falls back to the mean absolute deviation,
  (x - median) / (1.2533 mean AD)) must pass ``z_cutoff`` *and* the value must lie outside the
  band [min / band_factor, max x band_factor] of the history; with ``min_band_history`` to
  ``min_history - 1`` values the band alone decides; with fewer nothing is judged. The band keeps
  a seasonal swing (twice last month) from being a warning: a warning is about a factor, not noise.
  A value must also differ from the history's nearest edge by at least the source's ``min_change``
  (a handful of samples is never worth a warning; a cumulative indicator's increment by
  ``increment_min_change``: case-driven indicators move in lumps), and a value far *below* its
  history is flagged only for sources with ``flag_low`` (a quiet month of spending or sampling is
  normal; a realisation ten times too small is not). An increment below zero is the cumulative rule's business, never flagged here.
  A band edge needs history on that side: all-zero history has no upper edge (nothing to compare with).

Frames (long, one row per value):

- ``history``: ``HISTORY_COLUMNS`` (unit_code, year, month, source, item_code, column, value):
  stored values of the units' series, any years and months (rows for the new values' own
  unit-month are ignored: a new version replaces them);
- ``new``: ``NEW_COLUMNS`` = the same plus ``pattern`` (the plan's pattern of an indicator:
  flat / kumulatif / tahapan / akhir_tahun; anything else is compared as a level) and
  ``first_month`` (the first month the plan measures the indicator: its increment counts from zero
  there; 1 for other sources). An increment whose previous month is not on file is unknown.

:func:`score_outliers` returns one row per new value (``SCORED_COLUMNS``) with the history figures a
message quotes (last month's value, the range of earlier months this year, the range of the same
month in earlier years) and ``flagged`` / ``direction``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from reference.policy import OutlierPolicy

#: Sources of values, as named in the policy (``OutlierPolicy``) and in the warehouse.
SOURCES = ("indicator", "budget", "sampling", "inspection")
#: Where each source's values are: sheet (and its warehouse table's columns), the key columns joined
#: by ``ITEM_SEPARATOR`` into ``item_code``, and the value columns scored.
SOURCE_SHEETS = {
    "indicator": ("Kinerja", ("indicator_code",), ("realisasi",)),
    "budget": ("Anggaran", ("ro_code", "expense_type"), ("spent_month_rp",)),
    "sampling": ("Sampling", ("commodity", "method"), ("sampled", "tested")),
    "inspection": ("Pemeriksaan", ("facility_type",), ("inspected",)),
}
ITEM_SEPARATOR = "/"
SERIES = ["unit_code", "source", "item_code", "column"]
HISTORY_COLUMNS = ["unit_code", "year", "month", "source", "item_code", "column", "value"]
NEW_COLUMNS = [*HISTORY_COLUMNS, "pattern", "first_month"]
#: Indicator patterns whose value to date grows: their months are compared by increment.
CUMULATIVE_PATTERNS = ("kumulatif",)
#: Indicator patterns whose months are not comparable with each other: same month of earlier years only.
YEAR_ON_YEAR_PATTERNS = ("tahapan", "akhir_tahun")
#: Sources whose zero values are no history (a month without activity).
ZERO_IS_NO_HISTORY = ("budget", "sampling", "inspection")
#: Consistency constant of the MAD for a normal distribution (modified z-score).
MAD_CONSTANT = 0.6745
#: Scale of the mean absolute deviation when the MAD is 0 (sqrt(pi / 2)).
MEAN_AD_CONSTANT = 1.253314
SCORED_COLUMNS = [
    *NEW_COLUMNS, "kind", "measure", "n_history", "median", "score", "method", "band_low", "band_high",
    "previous", "year_min", "year_max", "past_min", "past_max", "past_years", "flagged", "direction",
]


def _kinds(frame: pd.DataFrame) -> pd.Series:
    """What a row's month is compared as: 'level', 'increment' or 'year_on_year'."""
    cumulative = frame["pattern"].isin(CUMULATIVE_PATTERNS)
    yearly = frame["pattern"].isin(YEAR_ON_YEAR_PATTERNS)
    return pd.Series(np.select([yearly, cumulative], ["year_on_year", "increment"], "level"), index=frame.index)


def _measures(values: pd.DataFrame) -> pd.DataFrame:
    """Every value with its ``kind`` and ``measure``: the value, or the month's increment (value minus the
    previous month's value; from zero in the series' first measured month; unknown after a gap)."""
    frame = values.assign(kind=_kinds(values))
    keys = [*SERIES, "year"]
    previous = frame[[*keys, "month", "value"]].assign(month=frame["month"] + 1).rename(columns={"value": "_prev"})
    frame = frame.merge(previous, on=[*keys, "month"], how="left")
    before = frame["_prev"].where(frame["month"].gt(frame["first_month"]), 0.0)
    measure = frame["value"].where(frame["kind"].ne("increment"), frame["value"] - before)
    return frame.drop(columns="_prev").assign(measure=measure.astype(float))


def _band_side(source: pd.Series, policy: OutlierPolicy, attribute: str) -> pd.Series:
    """A per-source setting of the policy (``flag_low`` / ``min_change``) for each row."""
    return source.map({name: getattr(getattr(policy, name), attribute) for name in SOURCES})


def _history_of(targets: pd.DataFrame, everything: pd.DataFrame, years_back: int) -> pd.DataFrame:
    """Each target's history rows: same series and kind, earlier months of its year or the same month of
    the ``years_back`` years before (``target`` is the target's position)."""
    pairs = targets[[*SERIES, "kind", "year", "month", "target"]].merge(
        everything[[*SERIES, "kind", "year", "month", "measure"]].rename(columns={"year": "h_year", "month": "h_month"}),
        on=[*SERIES, "kind"])
    this_year = pairs["h_year"].eq(pairs["year"]) & pairs["h_month"].lt(pairs["month"]) \
        & pairs["kind"].ne("year_on_year")
    past = pairs["h_month"].eq(pairs["month"]) & pairs["h_year"].lt(pairs["year"]) \
        & pairs["h_year"].ge(pairs["year"] - years_back)
    nothing = pairs["source"].isin(ZERO_IS_NO_HISTORY) & pairs["measure"].eq(0)
    kept = pairs[(this_year | past) & pairs["measure"].notna() & ~nothing]
    return kept.assign(this_year=this_year[kept.index])


def _stats(history: pd.DataFrame, n_targets: int) -> pd.DataFrame:
    """Per target: n, median, MAD, mean AD, min, max; last month's measure; ranges of this year's earlier
    months and of the same month of earlier years."""
    grouped = history.groupby("target")["measure"]
    median = grouped.median()
    deviation = (history["measure"] - history["target"].map(median)).abs()
    by_target = deviation.groupby(history["target"])
    recent = history[history["this_year"]]
    past = history[~history["this_year"]]
    last = recent[recent["h_month"].eq(recent["month"] - 1)].groupby("target")["measure"].first()
    stats = pd.DataFrame({
        "n_history": grouped.size(), "median": median, "mad": by_target.median(), "mean_ad": by_target.mean(),
        "h_min": grouped.min(), "h_max": grouped.max(), "previous": last,
        "year_min": recent.groupby("target")["measure"].min(), "year_max": recent.groupby("target")["measure"].max(),
        "past_min": past.groupby("target")["measure"].min(), "past_max": past.groupby("target")["measure"].max(),
        "past_years": past.groupby("target")["h_year"].nunique(),
    })
    return stats.reindex(range(n_targets)).assign(n_history=lambda d: d["n_history"].fillna(0).astype(int),
                                                  past_years=lambda d: d["past_years"].fillna(0).astype(int))


def _z(x: pd.Series, stats: pd.DataFrame) -> pd.Series:
    """Modified z-score; MAD 0 falls back to the mean absolute deviation; both 0: 0 at the median, else ±inf."""
    diff = x - stats["median"]
    with np.errstate(divide="ignore", invalid="ignore"):
        by_mad = MAD_CONSTANT * diff / stats["mad"]
        by_mean = diff / (MEAN_AD_CONSTANT * stats["mean_ad"])
        flat = np.where(diff.eq(0), 0.0, np.sign(diff) * np.inf)
    return pd.Series(np.where(stats["mad"].gt(0), by_mad, np.where(stats["mean_ad"].gt(0), by_mean, flat)),
                     index=x.index)


def score_outliers(history: pd.DataFrame, new: pd.DataFrame, policy: OutlierPolicy) -> pd.DataFrame:
    """Score each new value against its unit's own history (module docstring); one row per new value, in
    the order of ``new``, columns ``SCORED_COLUMNS``."""
    new = new[NEW_COLUMNS].reset_index(drop=True)
    if new.empty:
        return pd.DataFrame(columns=SCORED_COLUMNS)
    replaced = new[["unit_code", "year", "month", "source"]].drop_duplicates().assign(_new=True)
    old = history[HISTORY_COLUMNS].merge(replaced, on=["unit_code", "year", "month", "source"], how="left")
    old = old[old["_new"].isna()].drop(columns="_new")
    patterns = new[[*SERIES, "pattern", "first_month"]].drop_duplicates(SERIES, keep="last")
    old = old.merge(patterns, on=SERIES, how="inner")  # only the series of the new values matter
    everything = _measures(pd.concat([old.assign(target=-1), new.assign(target=np.arange(len(new)))],
                                     ignore_index=True).astype({"value": float}))
    targets = everything[everything["target"].ge(0)].sort_values("target").reset_index(drop=True)
    stats = _stats(_history_of(targets, everything, policy.years_back), len(targets))
    x = targets["measure"]
    z = _z(x, stats)
    factor = policy.band_factor
    band_high = (stats["h_max"] * factor).where(stats["h_max"].gt(0))
    band_low = (stats["h_min"] / factor).where(stats["h_min"].gt(0))
    judged = stats["n_history"].ge(policy.min_band_history) & x.notna()
    long_history = stats["n_history"].ge(policy.min_history)
    min_change = _band_side(targets["source"], policy, "min_change").where(
        targets["kind"].ne("increment"), policy.increment_min_change)
    high = judged & x.gt(band_high) & (x - stats["h_max"]).ge(min_change) & (~long_history | z.gt(policy.z_cutoff))
    low_allowed = _band_side(targets["source"], policy, "flag_low").astype(bool) & targets["kind"].ne("increment")
    low = (judged & low_allowed & x.ge(0) & x.lt(band_low) & (stats["h_min"] - x).ge(min_change)
           & (~long_history | z.lt(-policy.z_cutoff)))
    method = pd.Series(np.where(long_history, "z", "band"), index=x.index).where(judged)
    return targets[NEW_COLUMNS].assign(
        kind=targets["kind"], measure=x, n_history=stats["n_history"], median=stats["median"],
        score=z.where(long_history & judged), method=method, band_low=band_low, band_high=band_high,
        previous=stats["previous"], year_min=stats["year_min"], year_max=stats["year_max"],
        past_min=stats["past_min"], past_max=stats["past_max"], past_years=stats["past_years"],
        flagged=high | low, direction=pd.Series(np.select([high, low], ["high", "low"], ""), index=x.index),
    )[SCORED_COLUMNS]


def flagged(scored: pd.DataFrame) -> pd.DataFrame:
    """The flagged rows of :func:`score_outliers`."""
    return scored[scored["flagged"].astype(bool)].reset_index(drop=True)
