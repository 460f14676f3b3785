"""Rescoring: derive loaded unit-years again with the scoring policy in force now.

Loading skips identical files, so a policy change (another ``policy_file``, or the planning bureau
editing a year's file in ``reference/policies``) reaches data already loaded only through this
flow. The year's unit-years are derived together, one transform pass per policy.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from flows import derive
from sakip.settings import get_settings
from sinks.warehouse.db import open_warehouse

COLUMNS = ("unit_code", "year", "policy_id", "rows")


@flow(name="sakip-hitung-ulang", log_prints=True)
def rescore_year(year: int | None = None, unit_codes: list[str] | None = None,
                 policy_file: str | None = None) -> list[dict]:
    """Derive every unit of ``year`` (default: the current year) with a current plan (or only
    ``unit_codes``) again."""
    settings = get_settings()
    year = year or datetime.now(ZoneInfo(settings.timezone)).year
    rows = derive.rescore(open_warehouse(settings.warehouse_url), settings, year, unit_codes, policy_file)
    create_table_artifact(table=rows or [{c: None for c in COLUMNS}], key=f"hitung-ulang-{year}",
                          description=f"Hitung ulang skor {year}")
    get_run_logger().info("%d: %d unit-tahun dihitung ulang", year, len(rows))
    return rows
