"""Connecting to the warehouse, migrating it and seeding its dimensions.

- :func:`make_engine` is the one way to build an engine: on SQLite it turns foreign keys on and lets
  SQLAlchemy emit ``BEGIN`` itself (pysqlite's legacy mode would run SELECTs and DDL outside the
  transaction), so a load reads and writes one consistent snapshot.
- :func:`upgrade` runs ``alembic upgrade head`` in process (no CLI, no ini file needed).
- :func:`seed_dimensions` (idempotent) syncs the dimensions with ``reference/`` master data.
- :func:`write_transaction` is the transaction a load runs in: ``BEGIN IMMEDIATE`` on SQLite and a
  per unit-year advisory lock on PostgreSQL, so two loads of the same unit-year never interleave
  their read-recompute-write. A lock another process holds longer than ``LOCK_TIMEOUT_S`` ends the
  transaction (rolled back whole) with :class:`WarehouseBusy`, an Indonesian message for the operator;
  the database's own error goes to the log.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Table, bindparam, create_engine, delete, event, func, insert, select, text, update
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import OperationalError

from sakip import periods
from sinks.warehouse import schema as s

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
#: Years ``dim_month`` is seeded with; loads add any other year they meet.
DEFAULT_YEARS = range(2019, 2031)
#: Execution option read by the SQLite ``begin`` hook: the BEGIN mode ("DEFERRED" or "IMMEDIATE").
SQLITE_BEGIN = "sakip_sqlite_begin"
#: How long a writer waits for a lock another process holds before it gives up (SQLite's busy timeout,
#: PostgreSQL's ``lock_timeout`` in a write transaction), in seconds.
LOCK_TIMEOUT_S = 30
#: PostgreSQL's SQLSTATE for a lock wait that ran out (``lock_not_available``).
PG_LOCK_NOT_AVAILABLE = "55P03"


class WarehouseBusy(RuntimeError):
    """A write gave up waiting for a lock another process holds (Indonesian message for the operator).

    Nothing of the transaction is stored: it was rolled back whole."""

    def __init__(self) -> None:
        super().__init__(
            f"gudang data sedang dikunci oleh proses lain lebih dari {LOCK_TIMEOUT_S} detik (mis. pengumpulan, "
            "hitung ulang atau laporan yang sedang berjalan, atau alat lain yang menulis ke basis data); langkah "
            "ini dibatalkan utuh dan tidak ada data yang tersimpan setengah. Tunggu proses lain selesai, lalu "
            "jalankan ulang perintah yang sama (aman diulang). Rincian teknis ada di log.")


def is_lock_timeout(error: BaseException) -> bool:
    """A database error saying a lock wait ran out: SQLite's ``database is locked`` (after the busy
    timeout) or PostgreSQL's ``lock_not_available``."""
    if not isinstance(error, OperationalError):
        return False
    original = error.orig
    if getattr(original, "sqlstate", None) == PG_LOCK_NOT_AVAILABLE:
        return True
    return "database is locked" in str(original) or "database table is locked" in str(original)


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for the warehouse URL (``sqlite:///path`` or ``postgresql+psycopg://...``).

    SQLite: creates the file's folder, enables ``PRAGMA foreign_keys``, a 30 s busy timeout and (for
    a file) write-ahead logging with ``synchronous=NORMAL`` on every connection, and emits ``BEGIN`` (or ``BEGIN IMMEDIATE``, see :func:`write_transaction`)
    at the start of every transaction. PostgreSQL: ``pool_pre_ping``.
    """
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        file_backed = bool(url.database) and url.database != ":memory:" and "mode=memory" not in str(url)
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_S * 1000}")
            if file_backed:  # readers (reports, BI) never block the writer; commits skip the fsync wait
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            mode = conn.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _lock_id(*parts: object) -> int:
    """A signed 64-bit advisory-lock id for a key (stable across processes)."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def write_transaction(engine: Engine, lock: Sequence[object] | None = None,
                      locks: Iterable[Sequence[object]] = ()) -> Iterator[Connection]:
    """One write transaction (commit on success, rollback on error).

    ``lock`` (e.g. ``("unit-year", unit_code, year)``) serialises writers of that key, ``locks``
    of several keys (deriving a batch of unit-years): PostgreSQL takes ``pg_advisory_xact_lock``
    for each, in one global order so two writers never wait on each other in a cycle; SQLite
    starts with ``BEGIN IMMEDIATE`` (one writer at a time). Waiting for a lock longer than
    ``LOCK_TIMEOUT_S`` (a row, table or advisory lock on PostgreSQL, the database on SQLite) rolls the
    transaction back and raises :class:`WarehouseBusy`; the database's error is logged.
    """
    keys = ([lock] if lock is not None else []) + list(locks)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text(f"SET LOCAL lock_timeout = '{int(LOCK_TIMEOUT_S * 1000)}ms'"))
                    for lock_id in sorted({_lock_id(*key) for key in keys}):
                        conn.execute(select(func.pg_advisory_xact_lock(lock_id)))
                yield conn
    except OperationalError as error:
        if not is_lock_timeout(error):
            raise
        log.error("write transaction gave up waiting for a lock after %s s", LOCK_TIMEOUT_S, exc_info=error)
        raise WarehouseBusy() from error


@lru_cache(maxsize=8)
def open_warehouse(url: str) -> Engine:
    """The warehouse engine for a URL, migrated to the latest schema and with dimensions seeded (once per
    process and URL): what every run of the pipeline starts from."""
    engine = make_engine(url)
    upgrade(engine)
    seed_dimensions(engine)
    return engine


@contextmanager
def run_lock(engine: Engine, name: str) -> Iterator[None]:
    """Hold the warehouse-wide lock ``name`` for a whole run, so two runs of the same kind (two
    collections started by the schedule and by an operator) never interleave: the second waits.

    PostgreSQL: a session advisory lock on a connection kept for the run. SQLite: an exclusive
    ``flock`` on a file beside the database (``<database>.<name>.lock``); an in-memory database is one
    process's own, nothing to lock."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            lock_id = _lock_id("run", name)
            conn.execute(select(func.pg_advisory_lock(lock_id)))
            conn.commit()
            try:
                yield
            finally:
                conn.execute(select(func.pg_advisory_unlock(lock_id)))
                conn.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:" or "mode=memory" in str(engine.url):
        yield
        return
    with open(f"{database}.{name}.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@lru_cache(maxsize=8)
def worker_engine(url: str) -> Engine:
    """A worker process's engine for a URL, made once per process: workers neither migrate nor seed (the
    run's process did when it opened the warehouse)."""
    return make_engine(url)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at ``migrations/`` (optionally bound to an open connection)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the warehouse to ``revision`` (default: the newest), in one transaction."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Migrate the warehouse down to ``revision`` (default: empty)."""
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)


# ------------------------------------------------------------------------------------------ seeding

def _key_of(row: Mapping[str, Any], key: Sequence[str]) -> tuple:
    return tuple(row[k] for k in key)


def sync_rows(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    key: Sequence[str],
    delete_missing: bool = False,
) -> dict[str, int]:
    """Make ``table`` hold ``rows`` (matched on ``key``): insert new, update changed, optionally delete others.

    Portable upsert in three bulk statements. Returns counts of inserted, updated and deleted rows.
    """
    columns = list(rows[0].keys()) if rows else list(key)
    stmt = select(*[table.c[c] for c in columns])
    existing = {_key_of(r, key): dict(r) for r in conn.execute(stmt).mappings()}
    wanted = {_key_of(r, key): dict(r) for r in rows}
    new = [r for k, r in wanted.items() if k not in existing]
    changed = [r for k, r in wanted.items() if k in existing and existing[k] != r]
    gone = [dict(zip(key, k)) for k in existing if k not in wanted] if delete_missing else []
    if new:
        conn.execute(insert(table), new)
    if changed:
        values = {c: bindparam(f"v_{c}") for c in columns if c not in key}
        cond = [table.c[k] == bindparam(f"k_{k}") for k in key]
        params = [{**{f"v_{c}": r[c] for c in values}, **{f"k_{k}": r[k] for k in key}} for r in changed]
        conn.execute(update(table).where(*cond).values(**values), params)
    if gone:
        cond = [table.c[k] == bindparam(f"k_{k}") for k in key]
        conn.execute(delete(table).where(*cond), [{f"k_{k}": r[k] for k in key} for r in gone])
    return {"inserted": len(new), "updated": len(changed), "deleted": len(gone)}


def insert_missing(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], key: str) -> int:
    """Insert the rows whose ``key`` is not in ``table`` yet (existing rows are left untouched)."""
    if not rows:
        return 0
    codes = {r[key] for r in rows}
    present = set(conn.execute(select(table.c[key]).where(table.c[key].in_(codes))).scalars())
    new = [dict(r) for r in {r[key]: r for r in rows}.values() if r[key] not in present]
    if new:
        conn.execute(insert(table), new)
    return len(new)


def _month_rows(years: Iterable[int]) -> list[dict[str, Any]]:
    """``dim_month`` rows (12 per year), labels and quarters from :mod:`sakip.periods`."""
    rows = []
    for year in years:
        for month in range(1, 13):
            quarter = periods.quarter_of(month)
            start = date(year, month, 1)
            end = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            rows.append({
                "month_key": periods.month_key(year, month), "year": year, "month": month, "quarter": quarter,
                "quarter_key": periods.quarter_key(year, quarter), "month_name": periods.month_name(month),
                "month_start": start, "month_end": end,
            })
    return rows


def ensure_years(conn: Connection, years: Iterable[int]) -> int:
    """Add the months of any of ``years`` that ``dim_month`` lacks; returns rows added."""
    years = sorted(set(int(y) for y in years))
    present = set(conn.execute(select(s.dim_month.c.year).distinct().where(s.dim_month.c.year.in_(years))).scalars())
    rows = _month_rows(y for y in years if y not in present)
    if rows:
        conn.execute(insert(s.dim_month), rows)
    return len(rows)


def _none(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) or value == "" else value


def _unit_rows() -> list[dict[str, Any]]:
    from reference import master

    hist = master.unit_history()
    return [
        {
            "unit_code": r.code, "name": r.name, "unit_type": r.unit_type, "unit_group": _none(r.unit_group),
            "parent_code": _none(r.parent_code), "province": _none(r.province),
            "valid_from": date.fromisoformat(r.valid_from),
            "valid_to": date.fromisoformat(r.valid_to) if _none(r.valid_to) else None,
            "is_current": _none(r.valid_to) is None,
        }
        for r in hist.itertuples(index=False)
    ]


def _catalogue_rows() -> dict[str, list[dict[str, Any]]]:
    from reference import master

    ind = master.indicators()
    ro = master.rincian_output()
    com = master.commodities()
    fac = master.facility_types()
    return {
        "dim_unit_alias": [
            {"alias_norm": r.alias_norm, "unit_code": r.code, "alias": r.alias}
            for r in master.unit_aliases().itertuples(index=False)
        ],
        "dim_perspective": [
            {"perspective": p, "perspective_name": p, "perspective_order": i}
            for i, p in enumerate(master.PERSPECTIVES, start=1)
        ],
        "dim_indicator": [
            {"indicator_code": r.code, "indicator_name": r.name, "unit_of_measure": _none(r.unit_of_measure),
             "polarity": _none(r.polarity), "measurement": _none(r.measurement), "in_catalogue": True,
             "defined_by_unit": None, "first_year": None}
            for r in ind.itertuples(index=False)
        ],
        "dim_ro": [
            {"ro_code": r.ro_code, "kro_code": _none(r.kro_code), "ro_name": r.ro_name,
             "volume_unit": _none(r.volume_unit) or _none(r.volume_unit_inferred), "in_catalogue": True,
             "defined_by_unit": None, "first_year": None}
            for r in ro.itertuples(index=False)
        ],
        "dim_expense_type": [
            {"expense_type": k, "expense_type_name": v} for k, v in master.EXPENSE_TYPES.items()
        ],
        "dim_commodity": [
            {"commodity": r.code, "commodity_name": r.name, "commodity_name_en": _none(r.name_en),
             "level": int(r.level), "parent_commodity": _none(r.parent_code), "supergroup": _none(r.supergroup)}
            for r in com.itertuples(index=False)
        ],
        "dim_facility_type": [
            {"facility_type": r.code, "facility_name": r.name, "level": int(r.level),
             "parent_facility_type": _none(r.parent_code), "reporting_group": _none(r.reporting_group),
             "standard": _none(r.standard)}
            for r in fac.itertuples(index=False)
        ],
    }


def seed_dimensions(engine: Engine, years: Iterable[int] = DEFAULT_YEARS) -> dict[str, dict[str, int]]:
    """Sync every dimension with the master data (idempotent: a second run changes nothing).

    Units, aliases, perspectives, jenis belanja, commodities and facility types mirror the master
    data exactly. Catalogue indicators and ROs are inserted or updated; codes a plan introduced are
    kept, and a code that left the catalogue is kept with ``in_catalogue = false`` (facts refer to
    it). ``dim_month`` gets the given years (loads add others). Returns counts per table.
    """
    rows = _catalogue_rows()
    counts: dict[str, dict[str, int]] = {}
    with write_transaction(engine) as conn:
        counts["dim_unit"] = sync_rows(conn, s.dim_unit, _unit_rows(), ["unit_code", "valid_from"], delete_missing=True)
        counts["dim_unit_alias"] = sync_rows(
            conn, s.dim_unit_alias, rows["dim_unit_alias"], ["alias_norm", "unit_code"], delete_missing=True
        )
        for table, key in ((s.dim_perspective, "perspective"), (s.dim_expense_type, "expense_type"),
                           (s.dim_commodity, "commodity"), (s.dim_facility_type, "facility_type")):
            counts[table.name] = sync_rows(conn, table, rows[table.name], [key])
        for table, key in ((s.dim_indicator, "indicator_code"), (s.dim_ro, "ro_code")):
            catalogue = rows[table.name]
            counts[table.name] = sync_rows(conn, table, catalogue, [key])
            codes = [r[key] for r in catalogue]
            left = conn.execute(
                update(table).where(table.c.in_catalogue.is_(True), table.c[key].not_in(codes)).values(in_catalogue=False)
            )
            counts[table.name]["left_catalogue"] = left.rowcount
        counts["dim_month"] = {"inserted": ensure_years(conn, years)}
    log.info("dimensions seeded: %s", counts)
    return counts
