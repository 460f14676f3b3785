"""Running the pipeline in tests: the product's own orchestration (``flows.run``), in this process.

``collect`` is what ``sakip collect`` / the flows run, with ``InProcess`` as the runner so a test needs
no worker processes (the parallel runners are tested on their own). ``snapshot`` reads every table of
a warehouse, ordered by key, without the columns that say *when* (load and derive times) and the
inbox listings: two runs that did the same work give equal snapshots, row for row.
"""
from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine, select

from flows import run
from flows.intake import FileOutcome
from flows.runners import InProcess
from sakip.settings import Settings
from sinks.warehouse import schema as s
from sinks.warehouse.records import read_frame

#: Columns that record when something happened, not what: they differ between two equal runs.
WHEN = {"loaded_at", "raw_changed_at", "derived_at", "built_at", "set_at", "deactivated_at"}
#: Tables that record where and how often the inbox was listed (and what each run e-mailed), not what was loaded.
LISTINGS = {"inbox_seen", "inbox_scan", "control_digest"}  # (and the digests each run sent: one per run)


def settings_for(engine: Engine, tmp_path: Path, **extra) -> Settings:
    """Settings of a run on ``engine`` with inbox and output under ``tmp_path``."""
    return Settings(warehouse_url=engine.url.render_as_string(hide_password=False), inbox=tmp_path / "inbox",
                    out=tmp_path / "out", **extra)


#: A run "on day X" of a test lists the inbox at the scheduled collection's hour, in Jakarta.
RUN_HOUR = time(6, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def collect(engine: Engine, settings: Settings, files: pd.DataFrame, policy_file: Path | str | None = None,
            today: date | None = None, runner=None) -> list[FileOutcome]:
    """The files through the whole pipeline (prepare, store, derive, completeness); their outcomes.

    With ``today`` the run happens on that day: validated as of it, the inbox listed at ``RUN_HOUR``."""
    now = datetime.combine(today, RUN_HOUR) if today is not None else None
    return run.collect(engine, settings, files, runner or InProcess(), policy_file=policy_file, today=today,
                       now=now).outcomes


def snapshot(engine: Engine, ignore: set[str] = frozenset()) -> dict[str, pd.DataFrame]:
    """Every table's rows ordered by primary key, without the ``WHEN`` columns (nor ``ignore``)."""
    out = {}
    with engine.connect() as conn:
        for table in (t for t in s.metadata.sorted_tables if t.name not in LISTINGS):
            columns = [c for c in table.columns if c.name not in WHEN | set(ignore)]
            frame = read_frame(conn, select(*columns).order_by(*table.primary_key.columns))
            if ignore & {c.name for c in table.primary_key.columns}:  # rows in an order of their own
                frame = frame.sort_values(list(frame.columns), kind="stable")
            out[table.name] = frame.reset_index(drop=True)
    return out


def assert_same_warehouse(left: Engine, right: Engine, ignore: set[str] = frozenset()) -> None:
    """The two warehouses hold the same rows in every table (times, and the ``ignore`` columns, aside)."""
    a, b = snapshot(left, ignore), snapshot(right, ignore)
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_dtype=False, obj=name)
