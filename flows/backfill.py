"""Backfill: plans and every month of a range of years, as one run (each unit-year derived once)."""
from __future__ import annotations

from prefect import flow

from flows import derive, run, select, tasks
from flows.artifacts import ArtifactProgress
from flows.collect import publish
from sakip.settings import get_settings
from sinks.warehouse.db import open_warehouse


@flow(name="sakip-backfill", log_prints=True)
def backfill(first_year: int, last_year: int, policy_file: str | None = None) -> list[dict]:
    """Plans then months 1-12 of each year, as one run; one row per file (its outcome)."""
    settings = get_settings()
    for year in range(first_year, last_year + 1):
        derive.require_scoring_policy(settings, year, policy_file)
    engine = open_warehouse(settings.warehouse_url)
    files = select.select_years(settings, first_year, last_year)
    with tasks.PrefectRunner(settings) as runner:
        progress = ArtifactProgress(f"Backfill {first_year}-{last_year}")
        result = run.collect(engine, settings, files, runner, progress, policy_file)
    publish(result.outcomes, key=f"backfill-{first_year}-{last_year}",
            description=f"Hasil validasi {first_year}-{last_year}")
    return [o.as_row() for o in result.outcomes]
