"""The data-quality controls in the warehouse: lock exceptions, approval steps and digests (stores and reads).

Rows are only ever added (the tables are their own audit trail). No rule is decided here: which step is
allowed and which file is blocked are ``transforms.controls``; ``flows.controls`` composes.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.engine import Connection

from sinks.warehouse import db
from sinks.warehouse import schema as s
from sinks.warehouse.records import read_frame

EXCEPTION_COLUMNS = ["exception_id", "unit_code", "year", "month", "reason", "granted_by", "granted_at",
                     "valid_until"]


def add_exception(engine: Engine, unit_code: str, year: int, month: int, reason: str, granted_by: str,
                  granted_at: datetime, valid_until: date) -> int:
    """Record a lock exception; its id."""
    t = s.control_lock_exception
    with db.write_transaction(engine, lock=("controls", unit_code, year)) as conn:
        return int(conn.execute(insert(t).values(
            unit_code=unit_code, year=year, month=month, reason=reason, granted_by=granted_by,
            granted_at=granted_at, valid_until=valid_until)).inserted_primary_key[0])


def add_step(engine: Engine, unit_code: str, year: int, quarter: int, step: str, actor: str, role: str,
             reason: str | None, at: datetime, check=None) -> int:
    """Record an approval step in one transaction that holds the unit-quarter's lock; ``check(events)``
    (the quarter's steps so far, read inside that transaction) raises to refuse the step. Its id."""
    t = s.control_quarter_event
    with db.write_transaction(engine, lock=("controls", unit_code, year)) as conn:
        if check is not None:
            check(quarter_events(conn, unit_code, year, quarter))
        return int(conn.execute(insert(t).values(
            unit_code=unit_code, year=year, quarter=quarter, step=step, actor=actor, role=role, reason=reason,
            at=at)).inserted_primary_key[0])


def quarter_events(conn: Connection, unit_code: str, year: int, quarter: int) -> pd.DataFrame:
    """The approval steps of one unit-quarter, oldest first."""
    t = s.control_quarter_event
    return read_frame(conn, select(t).where(t.c.unit_code == unit_code, t.c.year == year, t.c.quarter == quarter)
                      .order_by(t.c.event_id))


def events_of(conn: Connection, units: Iterable[str]) -> pd.DataFrame:
    """Every approval step of the units (one read)."""
    t = s.control_quarter_event
    codes = sorted(set(units))
    return read_frame(conn, select(t).where(t.c.unit_code.in_(codes)).order_by(t.c.event_id)) if codes else \
        read_frame(conn, select(t).where(t.c.event_id < 0))


def exceptions_of(conn: Connection, units: Iterable[str]) -> pd.DataFrame:
    """Every lock exception of the units (one read)."""
    t = s.control_lock_exception
    codes = sorted(set(units))
    return read_frame(conn, select(t).where(t.c.unit_code.in_(codes) if codes else t.c.exception_id < 0)
                      .order_by(t.c.exception_id))


def months_loaded(conn: Connection, unit_code: str, year: int, months: Sequence[int]) -> int:
    """How many of ``months`` have a current, loaded monthly report of the unit."""
    a = s.audit_submission
    return int(conn.execute(select(func.count(a.c.month.distinct())).where(
        a.c.unit_code == unit_code, a.c.year == year, a.c.kind == "bulanan", a.c.month.in_(list(months)),
        a.c.is_current.is_(True), a.c.verdict != "rejected")).scalar_one())


def record_digests(engine: Engine, rows: list[dict]) -> None:
    """Record the digests of a collection (one transaction)."""
    if rows:
        with db.write_transaction(engine) as conn:
            conn.execute(insert(s.control_digest), rows)
