"""Quarterly interim reports: every complete unit's report and the national "Dalam Angka" book, in parallel.

Triggered by the event the collection flow emits when a quarter's third month has loaded, with a
scheduled fallback after the quarter's deadline and a weekly re-check all year (``prefect.yaml``).
Every run also rebuilds the reports, of any quarter, whose data changed since they were built (a
correction in August to June, or to an older quarter; an override): ``flows.reports.report_jobs``
compares each latest version's fingerprint with the current data's without rendering. Stale
unit-years are derived first, so no report is built from old figures.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from prefect import flow
from prefect.artifacts import create_table_artifact

from flows import reports, run, tasks
from flows.artifacts import ArtifactProgress
from flows.runners import Failed
from sakip import periods
from sakip.settings import get_settings
from sinks.warehouse.db import open_warehouse


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
    engine = open_warehouse(settings.warehouse_url)
    jobs = reports.report_jobs(engine, settings, year, q, units, national, refresh_stale)
    with tasks.PrefectRunner(settings) as runner:
        results = run.build_reports(engine, settings, jobs, runner, ArtifactProgress(f"Laporan {year}-Q{q}"))
    rows = [{"laporan": f"GAGAL {job.label}: {r}" if isinstance(r, Failed) else reports.describe_report(r)}
            for job, r in zip(jobs, results)]
    create_table_artifact(table=rows or [{"laporan": "tidak ada unit yang lengkap"}], key=f"laporan-{year}-q{q}",
                          description=f"Laporan Kinerja Interim {periods.quarter_label(q)} {year}")
    return rows
