"""What the portal's pages show, read from the warehouse's BI views and the portal's own tables.

The state of a unit's month comes from ``v_reporting_completeness`` (expected, received, on time,
accepted: computed once by ``transforms.completeness``) and the verdict of the current version in
``v_submission``; nothing is derived again here. A file the portal placed in the inbox that the
collection has not handled yet is shown as waiting.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, and_, func, select, table, column

from reference.master import units as master_units
from sakip import periods
from sinks.warehouse import schema as s
from sinks.warehouse.records import read_frame

#: The states of a month, in the order of the legend: code -> Indonesian label.
STATES = {
    "belum": "belum dikirim",
    "ditolak": "ditolak",
    "diterima": "diterima",
    "peringatan": "diterima dengan peringatan",
    "terlambat": "terlambat",
    "nanti": "belum waktunya",
}
#: One letter per state for the centre's grid (with its colour, so the grid reads without colours too).
MARKS = {"belum": "B", "ditolak": "X", "diterima": "✓", "peringatan": "P", "terlambat": "T", "nanti": ""}


def _view(name: str, *names: str):
    """A BI view as a selectable (the views are created by the migrations, not declared as tables)."""
    return table(name, *[column(n) for n in names])


COMPLETENESS = _view("v_reporting_completeness", "unit_code", "year", "month", "expected", "received", "on_time",
                     "accepted", "last_received_at", "n_versions")
SUBMISSION = _view("v_submission", "submission_id", "unit_code", "kind", "year", "month", "version", "file_name",
                   "file_hash", "received_at", "verdict", "is_current", "n_errors", "n_warnings")


def month_state(received: bool, accepted: bool, on_time: bool, verdict: str | None, period_over: bool) -> str:
    """A month's state code from its completeness row and the current version's verdict."""
    if not received:
        return "belum" if period_over else "nanti"
    if not accepted:
        return "ditolak"
    if not on_time:
        return "terlambat"
    return "peringatan" if verdict == "accepted_with_warnings" else "diterima"


def open_month(today: date, deadline_day: int) -> tuple[int, int]:
    """The month whose report is due next: the earliest month whose deadline is today or later."""
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    while periods.deadline(year, month, deadline_day) < today:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return year, month


def _period_over(year: int, month: int, today: date) -> bool:
    """True once the month has ended (its report can be sent)."""
    return (today.year, today.month) > (year, month)


def states(engine: Engine, year: int, today: date, units: list[str] | None = None) -> pd.DataFrame:
    """One row per unit x month 1-12 of ``year`` (the units given, or every unit with a row): unit_code,
    month, state, last_received_at, verdict."""
    c, v = COMPLETENESS, SUBMISSION
    where = [c.c.year == year] + ([c.c.unit_code.in_(units)] if units is not None else [])
    with engine.connect() as conn:
        done = read_frame(conn, select(c.c.unit_code, c.c.month, c.c.received, c.c.accepted, c.c.on_time,
                                       c.c.last_received_at).where(*where))
        vwhere = [v.c.year == year, v.c.kind == "bulanan", v.c.is_current.is_(True)]
        current = read_frame(conn, select(v.c.unit_code, v.c.month, v.c.verdict).where(
            *vwhere, *([v.c.unit_code.in_(units)] if units is not None else [])))
    codes = units if units is not None else sorted(set(done["unit_code"]))
    grid = pd.DataFrame([(u, m) for u in codes for m in range(1, 13)], columns=["unit_code", "month"])
    grid = grid.merge(done, on=["unit_code", "month"], how="left").merge(current, on=["unit_code", "month"],
                                                                          how="left")
    grid["state"] = [month_state(bool(r) if r == r and r is not None else False,
                                 bool(a) if a == a and a is not None else False,
                                 bool(o) if o == o and o is not None else False,
                                 vd if isinstance(vd, str) else None, _period_over(year, int(m), today))
                     for r, a, o, vd, m in zip(grid["received"], grid["accepted"], grid["on_time"], grid["verdict"],
                                               grid["month"])]
    return grid[["unit_code", "month", "state", "last_received_at", "verdict"]]


@dataclass(frozen=True)
class MonthRow:
    """One line of a steward's year: the month, its deadline and its state."""

    month: int
    name: str
    deadline: date
    state: str
    label: str
    is_open: bool
    waiting: str | None  # name of a file placed by the portal that the collection has not handled yet


def unit_year(engine: Engine, unit_code: str, year: int, today: date, deadline_day: int) -> list[MonthRow]:
    """The twelve months of a unit's year with their state, deadline and any file waiting in the inbox."""
    grid = states(engine, year, today, [unit_code])
    waiting = waiting_uploads(engine, unit_code, year)
    open_year, open_m = open_month(today, deadline_day)
    rows = []
    for rec in grid.to_dict("records"):
        month = int(rec["month"])
        rows.append(MonthRow(month, periods.month_name(month), periods.deadline(year, month, deadline_day),
                             rec["state"], STATES[rec["state"]], (year, month) == (open_year, open_m),
                             waiting.get(month)))
    return rows


def waiting_uploads(engine: Engine, unit_code: str, year: int) -> dict[int | None, str]:
    """Files the portal placed for the unit and year whose content the warehouse has not recorded from
    that unit yet: month (None for a plan) -> the name in the inbox."""
    pu, a = s.portal_upload, s.audit_submission
    handled = select(a.c.submission_id).where(a.c.file_hash == pu.c.file_hash, a.c.unit_code == pu.c.unit_code)
    with engine.connect() as conn:
        rows = conn.execute(select(pu.c.month, pu.c.inbox_path).where(
            pu.c.unit_code == unit_code, pu.c.year == year, pu.c.inbox_path.is_not(None), ~handled.exists())
            .order_by(pu.c.uploaded_at)).all()
    return {month: Path(path).name for month, path in rows}


def years_of(engine: Engine, unit_code: str | None = None) -> list[int]:
    """Years with any submission (of the unit, or of any unit), newest first."""
    a = s.audit_submission
    stmt = select(a.c.year).where(a.c.year.is_not(None)).distinct()
    if unit_code is not None:
        stmt = stmt.where(a.c.unit_code == unit_code)
    with engine.connect() as conn:
        return sorted({int(y) for y in conn.execute(stmt).scalars()}, reverse=True)


def latest_unit_report(engine: Engine, unit_code: str) -> dict | None:
    """The unit's newest interim report (latest quarter, latest version), or None."""
    rv = s.report_version
    with engine.connect() as conn:
        row = conn.execute(select(rv).where(rv.c.scope == "unit", rv.c.unit_code == unit_code)
                           .order_by(rv.c.year.desc(), rv.c.quarter.desc(), rv.c.version.desc()).limit(1)
                           ).mappings().first()
    return dict(row) if row is not None else None


def national_reports(engine: Engine) -> list[dict]:
    """The latest version of the national report of every quarter, newest first."""
    rv = s.report_version
    latest = (select(rv.c.year, rv.c.quarter, func.max(rv.c.version).label("version"))
              .where(rv.c.scope == "national").group_by(rv.c.year, rv.c.quarter).subquery())
    with engine.connect() as conn:
        rows = conn.execute(select(rv).join(latest, and_(rv.c.year == latest.c.year, rv.c.quarter == latest.c.quarter,
                                                         rv.c.version == latest.c.version))
                            .where(rv.c.scope == "national")
                            .order_by(rv.c.year.desc(), rv.c.quarter.desc())).mappings().all()
    return [dict(r) for r in rows]


def report_row(engine: Engine, report_id: int) -> dict | None:
    """One ``report_version`` row."""
    with engine.connect() as conn:
        row = conn.execute(select(s.report_version).where(s.report_version.c.report_id == report_id)).mappings().first()
    return dict(row) if row is not None else None


def latest_problems(engine: Engine, limit: int = 30) -> list[dict]:
    """The newest errors found by the collection, across units: unit, file, sheet, cell, message."""
    a, p = s.audit_submission, s.audit_problem
    stmt = (select(a.c.unit_code, a.c.file_name, a.c.received_at, a.c.verdict, p.c.severity, p.c.sheet, p.c.cell,
                   p.c.value, p.c.message, p.c.expected)
            .join(p, p.c.submission_id == a.c.submission_id)
            .where(p.c.severity == "error")
            .order_by(a.c.received_at.desc(), a.c.submission_id.desc(), p.c.problem_no).limit(limit))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings().all()]


def uploads(engine: Engine, unit_code: str | None = None, limit: int = 10) -> list[dict]:
    """The latest portal uploads (of a unit, or of every unit), newest first."""
    pu, u = s.portal_upload, s.portal_user
    stmt = (select(pu, u.c.full_name).join(u, u.c.user_id == pu.c.user_id)
            .order_by(pu.c.uploaded_at.desc(), pu.c.upload_id.desc()).limit(limit))
    if unit_code is not None:
        stmt = stmt.where(pu.c.unit_code == unit_code)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings().all()]


def upload_row(engine: Engine, upload_id: int) -> dict | None:
    """One ``portal_upload`` row."""
    with engine.connect() as conn:
        row = conn.execute(select(s.portal_upload).where(s.portal_upload.c.upload_id == upload_id)).mappings().first()
    return dict(row) if row is not None else None


def unit_names() -> dict[str, str]:
    """Kode Satker -> name, from the master data."""
    frame = master_units()
    return dict(zip(frame["code"], frame["name"]))


def unit_groups() -> list[tuple[str, list[str]]]:
    """Every unit of the master data by ranking group, in master order: the rows of the centre's grid."""
    frame = master_units()
    return [(group, list(part["code"])) for group, part in frame.groupby("unit_group", sort=False)]
