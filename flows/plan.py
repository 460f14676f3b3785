"""Annual plans: load every unit's Rencana Tahunan for a year (validate, feedback, warehouse)."""
from __future__ import annotations

from prefect import flow

from flows import steps
from flows.artifacts import publish_verdicts
from flows.collect import run_files
from sakip.settings import get_settings


@flow(name="sakip-rencana-tahunan", log_prints=True)
def load_plans(year: int, policy_file: str | None = None) -> list[dict]:
    """Load the year's plans from the inbox; safe to repeat (identical files are no-ops)."""
    settings = get_settings()
    steps.require_scoring_policy(settings, year, policy_file)
    engine = steps.warehouse(settings.warehouse_url)
    outcomes = run_files(engine, steps.select_files(settings, "rencana", year), settings, policy_file)
    publish_verdicts(outcomes, key=f"rencana-{year}", description=f"Hasil validasi rencana {year}")
    return [o.as_row() for o in outcomes]
