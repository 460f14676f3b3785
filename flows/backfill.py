"""Backfill: load plans and collect every month of a range of years, in order."""
from __future__ import annotations

from prefect import flow

from flows.collect import collect_month
from flows.plan import load_plans


@flow(name="sakip-backfill", log_prints=True)
def backfill(first_year: int, last_year: int, policy_file: str | None = None) -> dict[str, int]:
    """Plans then months 1-12 for each year; returns the number of files per period."""
    counts: dict[str, int] = {}
    for year in range(first_year, last_year + 1):
        counts[f"{year}-rencana"] = len(load_plans(year, policy_file))
        for month in range(1, 13):
            counts[f"{year}-{month:02d}"] = len(collect_month(f"{year}-{month:02d}", policy_file))
    return counts
