"""Reporting completeness: which monthly reports were expected, received, on time and accepted."""
from __future__ import annotations

import pandas as pd

from sakip.periods import deadline

#: Verdicts under which a submission counts as received in acceptable form.
ACCEPTABLE = ("accepted", "accepted_with_warnings")
STATUS_COLUMNS = ["unit_code", "year", "month", "expected", "received", "first_received_at", "last_received_at",
                  "on_time", "accepted", "n_versions"]
_KEYS = ["unit_code", "year", "month"]


def _deadlines(periods: pd.DataFrame, deadline_day: int, tz: str) -> pd.DataFrame:
    """One row per (year, month): the last instant (exclusive: next midnight) of its due day in ``tz``.

    ``sakip.periods.deadline`` is evaluated once per distinct period (at most 12 a year), not per row.
    """
    distinct = periods[["year", "month"]].drop_duplicates()
    due = [deadline(int(y), int(m), deadline_day) for y, m in zip(distinct["year"], distinct["month"])]
    due_end = pd.to_datetime(pd.Series(due, index=distinct.index)) + pd.Timedelta(days=1)
    return distinct.assign(_due_before=due_end.dt.tz_localize(tz))


def _submission_summary(submissions: pd.DataFrame, deadline_day: int, tz: str) -> pd.DataFrame:
    """One row per unit × year × month that has submissions: times, on_time, accepted, n_versions."""
    subs = submissions.merge(_deadlines(submissions, deadline_day, tz), on=["year", "month"])
    acceptable = subs["verdict"].isin(ACCEPTABLE)
    subs = subs.assign(_ok_at=subs["received_at"].where(acceptable),
                       _current_ok=acceptable & subs["is_current"].astype(bool))
    summary = subs.groupby(_KEYS, as_index=False).agg(
        first_received_at=("received_at", "min"), last_received_at=("received_at", "max"),
        first_ok_at=("_ok_at", "min"), due_before=("_due_before", "first"),
        accepted=("_current_ok", "any"), n_versions=("received_at", "size"))
    on_time = summary["first_ok_at"].notna() & (summary["first_ok_at"] < summary["due_before"])
    return summary.assign(on_time=on_time).drop(columns=["first_ok_at", "due_before"])


def reporting_status(expected: pd.DataFrame, submissions: pd.DataFrame, deadline_day: int, tz: str) -> pd.DataFrame:
    """Completeness per unit × year × month (expected months, plus months submitted unexpectedly).

    ``expected``: unit_code, year, month. ``submissions``: unit_code, year, month, received_at
    (tz-aware), verdict ('accepted' | 'accepted_with_warnings' | 'rejected'), version, is_current.
    Output one row per unit × year × month: expected, received (any version arrived), first/last
    received_at, on_time (the first acceptable version arrived on or before the due day — the
    ``deadline_day`` of the following month, ``sakip.periods.deadline`` — in time zone ``tz``),
    accepted (the current version is accepted or accepted with warnings), n_versions.
    """
    summary = _submission_summary(submissions, deadline_day, tz)
    grid = expected[_KEYS].drop_duplicates().assign(expected=True)
    out = grid.merge(summary, on=_KEYS, how="outer")
    out = out.assign(expected=out["expected"].fillna(False).astype(bool),
                     received=out["n_versions"].fillna(0).astype(int) > 0,
                     on_time=out["on_time"].fillna(False).astype(bool),
                     accepted=out["accepted"].fillna(False).astype(bool),
                     n_versions=out["n_versions"].fillna(0).astype(int))
    return out[STATUS_COLUMNS].sort_values(_KEYS).reset_index(drop=True)


def expected_months(units: pd.DataFrame, submissions: pd.DataFrame) -> pd.DataFrame:
    """Months every unit is expected to have reported: January to the latest month of the year for
    which any unit's monthly file has arrived (the collection of that month has begun nationally).

    ``units``: unit_code (the units active in the year); ``submissions``: year, month, kind.
    One row per unit × year × month. A transform has no clock, so the national progress of the
    collection stands in for "today": a unit that sent nothing still appears, as not received.
    """
    monthly = submissions[(submissions["kind"] == "bulanan") & submissions["month"].notna()]
    last = monthly.groupby("year", as_index=False)["month"].max()
    months = last.merge(pd.DataFrame({"_m": range(1, 13)}), how="cross").query("_m <= month")
    grid = units[["unit_code"]].drop_duplicates().merge(months[["year", "_m"]], how="cross")
    return grid.rename(columns={"_m": "month"})[_KEYS].astype({"year": int, "month": int})


def year_status(units: pd.DataFrame, submissions: pd.DataFrame, deadline_day: int, tz: str) -> pd.DataFrame:
    """Completeness of every unit for one year (``reporting_status`` over ``expected_months``).

    ``submissions``: every submission of the year (all kinds, all versions, rejected included)."""
    monthly = submissions[(submissions["kind"] == "bulanan") & submissions["month"].notna()]
    monthly = monthly.assign(month=monthly["month"].astype(int),
                             received_at=pd.to_datetime(monthly["received_at"], utc=True))
    return reporting_status(expected_months(units, submissions), monthly, deadline_day, tz)
