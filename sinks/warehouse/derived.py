"""Derived facts in the warehouse: which unit-years are stale, and replacing theirs atomically.

The warehouse keeps one ``unit_year_state`` row per unit-year holding raw data. A store of raw facts
(a plan, a month, an override) bumps ``raw_seq`` in its own transaction (:func:`mark_raw_changed`);
deriving writes a batch of unit-years' derived facts and sets each ``derived_seq`` to the
``raw_seq`` it read, in one transaction (:func:`replace_derived`). So a crash between storing and
deriving leaves the unit-years visibly stale (:func:`stale_unit_years`) and the next run derives
them first; a reader never sees a unit-year half old, half new.

No business rule lives here: the frames come from ``transforms.derive``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, bindparam, delete, insert, or_, select, tuple_, update
from sqlalchemy.engine import Connection

from reference import values
from sakip import periods
from sinks.warehouse import db
from sinks.warehouse import schema as s
from sinks.warehouse.records import check_unique, to_records

UnitYear = tuple[str, int]
"""(unit_code, year)"""

#: How many unit-years one ``IN`` list names at most (keeps statements small on every backend).
IN_CHUNK = 400


def mark_raw_changed(conn: Connection, unit_code: str, year: int) -> None:
    """Record, inside the caller's store transaction, that a unit-year's raw facts changed."""
    state = s.unit_year_state
    now = datetime.now(timezone.utc)
    bumped = conn.execute(update(state).where(state.c.unit_code == unit_code, state.c.year == int(year))
                          .values(raw_seq=state.c.raw_seq + 1, raw_changed_at=now))
    if bumped.rowcount == 0:
        conn.execute(insert(state).values(unit_code=unit_code, year=int(year), raw_seq=1, raw_changed_at=now))


def _stale(state: Any) -> Any:
    return or_(state.c.derived_seq.is_(None), state.c.derived_seq < state.c.raw_seq)


def stale_unit_years(bind: Engine | Connection, year: int | None = None) -> list[UnitYear]:
    """Unit-years whose raw facts changed after their derived facts were computed, sorted."""
    state = s.unit_year_state
    stmt = select(state.c.unit_code, state.c.year).where(_stale(state))
    if year is not None:
        stmt = stmt.where(state.c.year == int(year))
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            rows = conn.execute(stmt.order_by(state.c.year, state.c.unit_code)).all()
    else:
        rows = bind.execute(stmt.order_by(state.c.year, state.c.unit_code)).all()
    return [(str(unit), int(y)) for unit, y in rows]


def chunks(pairs: Sequence[UnitYear], size: int = IN_CHUNK) -> Iterable[Sequence[UnitYear]]:
    """``pairs`` in slices of at most ``size``."""
    for start in range(0, len(pairs), size):
        yield pairs[start:start + size]


def in_pairs(table: Any, pairs: Sequence[UnitYear]) -> Any:
    """``(unit_code, year) IN pairs`` for a table with those columns."""
    return tuple_(table.c.unit_code, table.c.year).in_([(u, int(y)) for u, y in pairs])


def raw_seqs(conn: Connection, pairs: Sequence[UnitYear]) -> dict[UnitYear, int]:
    """The current ``raw_seq`` of each unit-year that has a state row."""
    state = s.unit_year_state
    out: dict[UnitYear, int] = {}
    for part in chunks(list(pairs)):
        rows = conn.execute(select(state.c.unit_code, state.c.year, state.c.raw_seq).where(in_pairs(state, part)))
        out.update({(str(u), int(y)): int(seq) for u, y, seq in rows})
    return out


def _with_quarter(frame: pd.DataFrame, table: Any) -> pd.DataFrame:
    """A monthly table's ``quarter`` filled from ``month`` where the frame lacks it."""
    if "quarter" not in table.c or "month" not in frame.columns or "quarter" in [c.name for c in table.primary_key]:
        return frame
    if "quarter" in frame and frame["quarter"].notna().all():
        return frame
    from_month = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    known = frame["month"].notna()
    from_month[known] = periods.quarter_of(frame.loc[known, "month"].astype(int))
    quarter = frame["quarter"].where(frame["quarter"].notna(), from_month) if "quarter" in frame else from_month
    return frame.assign(quarter=quarter)


def _checked_rows(name: str, table: Any, frame: pd.DataFrame, pairs: set[UnitYear]) -> list[dict[str, Any]]:
    """Rows of one derived table, refusing what would corrupt its grain (``ValueError``): a missing or
    NULL key column, a duplicate key, a row of a unit-year outside the batch."""
    frame = _with_quarter(frame, table)
    key = [c.name for c in table.primary_key.columns]
    missing = [k for k in key if k not in frame.columns]
    if missing:
        raise ValueError(f"{name}: key column(s) {missing} missing (key is {key})")
    nulls = pd.DataFrame({k: values.missing(frame[k]) for k in key})  # a blank key is a NULL one too
    if nulls.any(axis=None):
        bad = frame.loc[nulls.any(axis=1), key].head(1).to_dict("records")
        raise ValueError(f"{name}: NULL key column(s) {sorted(nulls.columns[nulls.any()])} in {bad}")
    unit_years = frame[["unit_code", "year"]].drop_duplicates()
    foreign = set(zip(unit_years["unit_code"].astype(str), unit_years["year"].astype(int))) - pairs
    if foreign:
        raise ValueError(f"{name}: rows for {sorted(foreign, key=str)[:5]}, expected only the unit-years derived")
    rows = to_records(frame, table)
    check_unique(rows, table)
    return rows


def replace_derived(conn: Connection, pairs: Sequence[UnitYear], derived: Mapping[str, pd.DataFrame],
                    raw_seq: Mapping[UnitYear, int], policy_ids: Mapping[UnitYear, str]) -> dict[str, int]:
    """Replace the derived facts of ``pairs`` with ``derived`` inside the caller's transaction.

    ``derived`` maps each table of ``schema.DERIVED_TABLES`` (except the national
    ``fact_reporting_status``) to the frame of all the pairs' rows; a table absent or empty leaves
    the pairs with no rows in it. Each pair's ``derived_seq`` becomes its ``raw_seq`` as read when
    deriving started (a pair without a state row gets one). Returns rows written per table.
    """
    tables = {t.name: t for t in s.DERIVED_TABLES if t is not s.fact_reporting_status}
    unknown = sorted(set(derived) - set(tables))
    if unknown:
        raise ValueError(f"not derived unit-year tables: {unknown}; expected some of {sorted(tables)}")
    wanted = {(u, int(y)) for u, y in pairs}
    prepared = {name: _checked_rows(name, table, derived[name], wanted)
                for name, table in tables.items() if name in derived and len(derived[name])}
    db.ensure_years(conn, sorted({y for _, y in wanted}))
    counts = {}
    for name, table in tables.items():
        for part in chunks(sorted(wanted)):
            conn.execute(delete(table).where(in_pairs(table, part)))
        rows = prepared.get(name, [])
        if rows:
            conn.execute(insert(table), rows)
        counts[name] = len(rows)
    _mark_derived(conn, sorted(wanted), raw_seq, policy_ids)
    return counts


def _mark_derived(conn: Connection, pairs: Sequence[UnitYear], raw_seq: Mapping[UnitYear, int],
                  policy_ids: Mapping[UnitYear, str]) -> None:
    state = s.unit_year_state
    now = datetime.now(timezone.utc)
    known = [p for p in pairs if p in raw_seq]
    if known:
        conn.execute(update(state).where(and_(state.c.unit_code == bindparam("u"), state.c.year == bindparam("y")))
                     .values(derived_seq=bindparam("seq"), derived_at=now, policy_id=bindparam("policy")),
                     [{"u": u, "y": y, "seq": raw_seq[(u, y)], "policy": policy_ids.get((u, y))} for u, y in known])
    new = [p for p in pairs if p not in raw_seq]
    if new:
        conn.execute(insert(state), [{"unit_code": u, "year": y, "raw_seq": 0, "derived_seq": 0, "raw_changed_at": now,
                                      "derived_at": now, "policy_id": policy_ids.get((u, y))} for u, y in new])

