"""Annual plans: every unit's Rencana Tahunan for a year through the pipeline."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from prefect import flow

from flows import derive, run, select, tasks
from flows.artifacts import ArtifactProgress
from flows.collect import publish
from sakip.settings import get_settings
from sinks.warehouse.db import open_warehouse


@flow(name="sakip-rencana-tahunan", log_prints=True)
def load_plans(year: int | None = None, policy_file: str | None = None) -> list[dict]:
    """Load the year's plans (default: the current year in the reporting time zone) from the inbox; safe
    to repeat (identical files are no-ops)."""
    settings = get_settings()
    year = year or datetime.now(ZoneInfo(settings.timezone)).year
    derive.require_scoring_policy(settings, year, policy_file)
    engine = open_warehouse(settings.warehouse_url)
    files = select.select_files(settings, "rencana", year)
    with tasks.PrefectRunner(settings) as runner:
        result = run.collect(engine, settings, files, runner, ArtifactProgress(f"Rencana {year}"), policy_file)
    publish(result.outcomes, key=f"rencana-{year}", description=f"Hasil validasi rencana {year}")
    return [o.as_row() for o in result.outcomes]
