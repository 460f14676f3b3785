"""Monthly collection: a month's workbooks (and late files of earlier months) through the pipeline.

    select (the month + late files) ─► per chunk of files: read + validate + feedback (task runner)
        ─► store raw facts (this process, one writer) ─► derive touched unit-years once
        ─► completeness ─► event when a quarter's last month loads / when earlier months changed

A file that fails never stops the others.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger
from prefect.events import emit_event

from flows import derive, run, select, tasks
from flows.artifacts import ArtifactProgress, publish_problems, publish_verdicts
from flows.intake import FileOutcome
from sakip import periods
from sakip.settings import get_settings
from sinks.warehouse.db import open_warehouse

#: Event emitted when the collection of a quarter's third month has loaded (triggers the reports).
QUARTER_LOADED_EVENT = "sakip.kuartal.bulan-ketiga.dimuat"
#: Event emitted when a collection loaded files of earlier months (corrections, late reports).
EARLIER_MONTHS_LOADED_EVENT = "sakip.koreksi.bulan-sebelumnya.dimuat"


def previous_month(tz: str) -> str:
    """The period a scheduled run collects: the month before today in the reporting time zone."""
    today = datetime.now(ZoneInfo(tz)).date()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


def publish(outcomes: list[FileOutcome], key: str, description: str) -> None:
    """The run's verdict table and each file's problem list, for the UI."""
    for outcome in outcomes:
        publish_problems(outcome)
    publish_verdicts(outcomes, key=key, description=description)


def emit_collection_events(outcomes: list[FileOutcome], year: int, month: int) -> None:
    """Tell the report deployment what changed: a quarter's last month, or earlier months."""
    loaded = [o for o in outcomes if o.status == "loaded"]
    if month % 3 == 0 and any(o.year == year and o.month == month for o in loaded):
        quarter = f"{year}-Q{periods.quarter_of(month)}"
        emit_event(event=QUARTER_LOADED_EVENT, resource={"prefect.resource.id": f"sakip.kuartal.{quarter}"},
                   payload={"quarter": quarter})
    earlier = sorted({f"{o.year}-{o.month:02d}" for o in loaded if o.month and (o.year, o.month) < (year, month)})
    if earlier:  # reports already built from those months are now stale: the report flow rebuilds them
        emit_event(event=EARLIER_MONTHS_LOADED_EVENT,
                   resource={"prefect.resource.id": f"sakip.koreksi.{year}-{month:02d}"}, payload={"periods": earlier})


@flow(name="sakip-koleksi-bulanan", log_prints=True)
def collect_month(period: str | None = None, policy_file: str | None = None, late_files: bool = True) -> list[dict]:
    """Collect one month (``YYYY-MM``; default: last month) from every unit's inbox folder, and
    (``late_files``) the corrections and late reports of earlier months not handled yet."""
    settings = get_settings()
    period = period or previous_month(settings.timezone)
    year, month = periods.parse_period(period)
    derive.require_scoring_policy(settings, year, policy_file)
    engine = open_warehouse(settings.warehouse_url)
    files = select.select_collection(engine, settings, year, month, late=late_files)
    with tasks.PrefectRunner(settings) as runner:
        result = run.collect(engine, settings, files, runner, ArtifactProgress(f"Koleksi {period}"), policy_file)
    publish(result.outcomes, key=f"verdict-{year}-{month:02d}", description=f"Hasil validasi {period}")
    emit_collection_events(result.outcomes, year, month)
    get_run_logger().info("%s: %d berkas diproses", period, len(result.outcomes))
    for note in result.notes:  # e.g. digests not e-mailed (flows.digest): the collection itself succeeded
        get_run_logger().warning(note)
    return [o.as_row() for o in result.outcomes]


@flow(name="sakip-kontrol-data", log_prints=True)
def control_action(action: str, unit: str, by: str, period: str | None = None, quarter: str | None = None,
                   step: str | None = None, role: str | None = None, reason: str | None = None,
                   until: str | None = None) -> int:
    """A control action from the Prefect UI, as the CLI does it (``flows.controls``): ``unlock`` (``period``
    YYYY-MM, ``reason``, optional ``until`` YYYY-MM-DD), ``approve`` (``quarter`` YYYY-Qn, ``step``, ``role``)
    or ``reopen`` (``quarter``, ``reason``, ``role`` default centre). Returns the id of the recorded row."""
    from datetime import date

    from flows import controls

    settings = get_settings()
    engine = open_warehouse(settings.warehouse_url)
    if action == "unlock":
        year, month = periods.parse_period(period or "")
        row, _ = controls.unlock(engine, settings, unit, year, month, reason or "", by,
                                 date.fromisoformat(until) if until else None)
    elif action in ("approve", "reopen"):
        year, q = periods.parse_quarter(quarter or "")
        row = controls.take_step(engine, settings, unit, year, q, "dibuka_kembali" if action == "reopen" else step or "",
                                 by, role or ("centre" if action == "reopen" else ""), reason)
    else:
        raise ValueError(f"tindakan {action!r} tidak dikenal; pilih unlock, approve atau reopen")
    get_run_logger().info("%s %s: #%d dicatat", action, unit, row)
    return row
