"""Monthly collection: scan the inbox for a month's workbooks, validate each, load the accepted ones.

    scan inbox (the month + late files of earlier months) ─► per file: read + validate + feedback
        ─► warehouse load (+ recompute scores) ─► event when a quarter's last month loads,
                                                  event when earlier months changed (reports rebuild)

One file is one pair of tasks; a file that fails never stops the others.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger
from prefect.events import emit_event

from flows import steps, tasks
from flows.artifacts import publish_problems, publish_verdicts
from sakip import periods
from sakip.settings import get_settings

#: Event emitted when the collection of a quarter's third month has loaded (triggers the reports).
QUARTER_LOADED_EVENT = "sakip.kuartal.bulan-ketiga.dimuat"
#: Event emitted when a collection loaded files of earlier months (corrections, late reports).
EARLIER_MONTHS_LOADED_EVENT = "sakip.koreksi.bulan-sebelumnya.dimuat"


def previous_month(tz: str) -> str:
    """The period a scheduled run collects: the month before today in the reporting time zone."""
    today = datetime.now(ZoneInfo(tz)).date()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


def run_files(engine, files, settings, policy_file: str | None) -> list[steps.FileOutcome]:
    """Prepare then store each file as tasks, isolating failures per file."""
    outcomes = []
    for file in files.to_dict("records"):
        prepared = tasks.prepare_file(engine, file, settings, return_state=True)
        if prepared.is_failed():
            outcomes.append(steps.failed_outcome(file, prepared.result(raise_on_failure=False)))
            continue
        publish_problems(prepared.result())
        stored = tasks.store_file(engine, prepared.result(), settings, policy_file, return_state=True)
        outcomes.append(stored.result() if not stored.is_failed()
                        else steps.failed_outcome(file, stored.result(raise_on_failure=False)))
    for year in sorted({o.year for o in outcomes if o.year is not None and o.status in ("loaded", "rejected")}):
        tasks.refresh_reporting_status(engine, settings, year)
    return outcomes


@flow(name="sakip-koleksi-bulanan", log_prints=True)
def collect_month(period: str | None = None, policy_file: str | None = None, late_files: bool = True) -> list[dict]:
    """Collect one month (``YYYY-MM``; default: last month) from every unit's inbox folder, and
    (``late_files``) the corrections and late reports of earlier months not handled yet."""
    settings = get_settings()
    period = period or previous_month(settings.timezone)
    year, month = periods.parse_period(period)
    steps.require_scoring_policy(settings, year, policy_file)
    engine = steps.warehouse(settings.warehouse_url)
    files = steps.select_collection(engine, settings, year, month, late=late_files)
    outcomes = run_files(engine, files, settings, policy_file)
    publish_verdicts(outcomes, key=f"verdict-{year}-{month:02d}", description=f"Hasil validasi {period}")
    loaded = [o for o in outcomes if o.status == "loaded"]
    if month % 3 == 0 and any(o.year == year and o.month == month for o in loaded):
        quarter = f"{year}-Q{periods.quarter_of(month)}"
        emit_event(event=QUARTER_LOADED_EVENT, resource={"prefect.resource.id": f"sakip.kuartal.{quarter}"},
                   payload={"quarter": quarter})
    earlier = sorted({f"{o.year}-{o.month:02d}" for o in loaded if o.month and (o.year, o.month) < (year, month)})
    if earlier:  # reports already built from those months are now stale: the report flow rebuilds them
        emit_event(event=EARLIER_MONTHS_LOADED_EVENT, resource={"prefect.resource.id": f"sakip.koreksi.{period}"},
                   payload={"periods": earlier})
    get_run_logger().info("%s: %d file(s) processed", period, len(outcomes))
    return [o.as_row() for o in outcomes]
