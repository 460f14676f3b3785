"""Quarterly interim reports: one task per unit whose quarter is complete, then the national roll-up.

Triggered by the event the collection flow emits when a quarter's third month has loaded, with a
scheduled fallback after the quarter's deadline and a weekly re-check all year (``prefect.yaml``).
Every run also rebuilds the reports, of any quarter, whose data changed since they were built (a
correction in August to June, or to an older quarter; an override): ``steps.stale_reports`` compares
each latest version's fingerprint with the current data's without rendering. Re-running is cheap: a
report gets a new version only when the data it is built from changed.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows import steps
from sakip import periods
from sakip.settings import get_settings

unit_report = task(steps.build_unit_report, name="laporan-unit", cache_policy=NO_CACHE, retries=1,
                   task_run_name="laporan-{unit_code}-{year}-Q{quarter}")
national_report = task(steps.build_national_report, name="laporan-nasional", cache_policy=NO_CACHE, retries=1)


def last_closed_quarter(tz: str) -> str:
    """The quarter a scheduled run reports on: the latest quarter that has ended."""
    today = datetime.now(ZoneInfo(tz)).date()
    quarter = periods.quarter_of(today.month) - 1
    return f"{today.year}-Q{quarter}" if quarter else f"{today.year - 1}-Q4"


@flow(name="sakip-laporan-triwulan", log_prints=True)
def quarterly_reports(quarter: str | None = None, units: list[str] | None = None, national: bool = True,
                      refresh_stale: bool = True) -> list[dict]:
    """Build every complete unit's report for the quarter (``YYYY-Qn``; default: last closed), and (unless
    ``units`` are named or ``refresh_stale`` is off) rebuild every existing report whose data has changed."""
    settings = get_settings()
    year, q = periods.parse_quarter(quarter or last_closed_quarter(settings.timezone))
    engine = steps.warehouse(settings.warehouse_url)
    codes = units or steps.units_with_complete_quarter(engine, year, q)
    unit_jobs = [(code, year, q) for code in codes]
    national_jobs = [(year, q)] if national else []
    if refresh_stale and not units:
        for stale in steps.stale_reports(engine):
            if stale["scope"] == "unit" and (job := (stale["unit_code"], stale["year"], stale["quarter"])) not in unit_jobs:
                unit_jobs.append(job)
            elif stale["scope"] == "national" and national and (stale["year"], stale["quarter"]) not in national_jobs:
                national_jobs.append((stale["year"], stale["quarter"]))
    states = [unit_report(engine, settings, code, y, qq, return_state=True) for code, y, qq in unit_jobs]
    states += [national_report(engine, settings, y, qq, return_state=True) for y, qq in national_jobs]
    rows = [{"laporan": steps.describe_report(s.result())} if not s.is_failed()
            else {"laporan": f"GAGAL: {s.result(raise_on_failure=False)}"} for s in states]
    create_table_artifact(table=rows or [{"laporan": "tidak ada unit yang lengkap"}], key=f"laporan-{year}-q{q}",
                          description=f"Laporan Kinerja Interim {periods.quarter_label(q)} {year}")
    return rows
