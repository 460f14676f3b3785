"""Outliers in the warehouse: the units' history the intake scores against, the outliers flagged in each
received file (``audit_outlier``) and the follow-up marks of ``sakip follow-up`` (``audit_outlier_followup``).

- :func:`history` reads the stored values of many units at once, in the long shape of
  ``transforms.outliers`` (one statement for a whole chunk of files: every fact table in one
  ``UNION ALL``), so intake workers never query per file;
- :func:`followups` reads the marks of the same unit-years (one statement);
- :func:`record_outliers` stores the outliers a file was told about, keyed by its submission;
- :func:`add_followup` marks the flagged value of a unit-month (its current file) as checked.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

import pandas as pd
from sqlalchemy import Double, Engine, and_, cast, delete, func, insert, literal, or_, select, union_all
from sqlalchemy.engine import Connection

from sinks.warehouse import schema as s
from sinks.warehouse.records import read_frame
from transforms.outliers import HISTORY_COLUMNS, ITEM_SEPARATOR, SOURCE_SHEETS

#: Fact table of each source (the sheet's canonical columns are the table's columns).
TABLES = {"indicator": s.fact_indicator_month, "budget": s.fact_budget_month, "sampling": s.fact_sampling,
          "inspection": s.fact_inspection}
#: Columns of :func:`followups`.
FOLLOWUP_COLUMNS = ["followup_id", "outlier_id", "unit_code", "year", "month", "sheet", "item_code", "column",
                    "value", "reason", "checked_by", "checked_role", "checked_at"]
#: Columns of a flagged frame that ``audit_outlier`` stores (besides submission_id).
STORED = [c.name for c in s.audit_outlier.columns if c.name not in ("outlier_id", "submission_id")]
ROLES = ("steward", "centre")  # the portal's roles (portal.auth): a unit's steward, the centre
#: Whole-number columns of ``audit_outlier`` (a frame may hold them as floats).
WHOLE = ("year", "month", "row", "n_history", "followup_id")


class FollowUpError(LookupError):
    """A follow-up that cannot be recorded (no current file, nothing flagged there); the message is Indonesian."""


def _item(table, keys: tuple[str, ...]):
    parts = [table.c[k] for k in keys]
    item = parts[0]
    for part in parts[1:]:
        item = item + literal(ITEM_SEPARATOR) + part
    return item


def history(conn: Connection, units: Iterable[str], first_year: int, last_year: int) -> pd.DataFrame:
    """Every stored value the outlier scoring reads (``transforms.outliers.HISTORY_COLUMNS``) of ``units``
    from ``first_year`` to ``last_year``: one statement."""
    units = sorted(set(units))
    if not units:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    parts = []
    for source, (_, keys, columns) in SOURCE_SHEETS.items():
        table = TABLES[source]
        for column in columns:
            parts.append(select(
                table.c.unit_code, table.c.year, table.c.month, literal(source).label("source"),
                _item(table, keys).label("item_code"), literal(column).label("column"),
                cast(table.c[column], Double()).label("value"),
            ).where(table.c.unit_code.in_(units), table.c.year.between(first_year, last_year),
                    table.c[column].is_not(None)))
    frame = read_frame(conn, union_all(*parts))
    return frame.astype({"year": int, "month": int, "value": float})[HISTORY_COLUMNS] if len(frame) else \
        pd.DataFrame(columns=HISTORY_COLUMNS)


def followups(conn: Connection, pairs: Iterable[tuple[str, int]]) -> pd.DataFrame:
    """The follow-up marks of the unit-years ``pairs`` (``FOLLOWUP_COLUMNS``), newest first: one statement."""
    pairs = sorted({(str(u), int(y)) for u, y in pairs})
    f = s.audit_outlier_followup
    if not pairs:
        return pd.DataFrame(columns=FOLLOWUP_COLUMNS)
    wanted = or_(*[and_(f.c.unit_code == u, f.c.year == y) for u, y in pairs])
    frame = read_frame(conn, select(*[f.c[c] for c in FOLLOWUP_COLUMNS]).where(wanted)
                       .order_by(f.c.followup_id.desc()))
    return frame if len(frame) else pd.DataFrame(columns=FOLLOWUP_COLUMNS)


def record_outliers(engine: Engine, submission_id: int, flagged: pd.DataFrame) -> int:
    """Store the outliers a file was told about (``STORED`` columns), replacing any stored for the same
    submission; the number stored."""
    frame = flagged[STORED].astype(object).where(flagged[STORED].notna(), None)
    rows = [{k: (int(v) if k in WHOLE and v is not None else v) for k, v in r.items()}
            for r in frame.to_dict("records")]
    with engine.begin() as conn:
        conn.execute(delete(s.audit_outlier).where(s.audit_outlier.c.submission_id == submission_id))
        if rows:
            conn.execute(insert(s.audit_outlier), [{**r, "submission_id": submission_id} for r in rows])
    return len(rows)


def add_followup(engine: Engine, unit_code: str, year: int, month: int, reason: str, checked_by: str,
                 role: str = "centre", sheet: str | None = None, cell: str | None = None,
                 indicator: str | None = None, now: datetime | None = None) -> list[int]:
    """Mark the outliers of the unit-month's current file at ``sheet``/``cell`` (or of indicator
    ``indicator`` in Kinerja) as checked; one audited row per value; their ids.

    Raises :class:`FollowUpError` when the unit-month has no current file or nothing flagged there."""
    if role not in ROLES:
        raise FollowUpError(f"peran '{role}' tidak dikenal; gunakan steward atau centre")
    if not reason.strip() or not checked_by.strip():
        raise FollowUpError("alasan (--reason) dan pemeriksa (--by) wajib diisi")
    o, a = s.audit_outlier, s.audit_submission
    where = [a.c.unit_code == unit_code, a.c.year == year, a.c.month == month, a.c.kind == "bulanan",
             a.c.is_current.is_(True)]
    if indicator is not None:
        where += [o.c.source == "indicator", o.c.item_code == indicator]
    if sheet is not None:
        where.append(func.lower(o.c.sheet) == sheet.strip().lower())
    if cell is not None:
        where.append(func.upper(o.c.cell) == cell.strip().upper())
    period = f"{unit_code} {year}-{month:02d}"
    with engine.begin() as conn:
        current = conn.execute(select(a.c.submission_id).where(*where[:5])).scalar()
        if current is None:
            raise FollowUpError(f"{period}: tidak ada laporan bulanan yang berlaku untuk periode ini")
        found = conn.execute(select(o).join(a, a.c.submission_id == o.c.submission_id).where(*where)
                             .order_by(o.c.outlier_id)).mappings().all()
        if not found:
            what = f"indikator {indicator}" if indicator else f"lembar {sheet} sel {cell}"
            raise FollowUpError(f"{period}: {what} tidak ditandai sebagai pencilan pada laporan yang berlaku")
        stamp = now or datetime.now(timezone.utc)
        rows = [{"outlier_id": r["outlier_id"], "unit_code": unit_code, "year": year, "month": month,
                 "sheet": r["sheet"], "item_code": r["item_code"], "column": r["column"], "value": r["value"],
                 "reason": reason.strip(), "checked_by": checked_by.strip(), "checked_role": role,
                 "checked_at": stamp} for r in found]
        ids = [int(conn.execute(insert(s.audit_outlier_followup).values(**row)).inserted_primary_key[0])
               for row in rows]
    return ids
