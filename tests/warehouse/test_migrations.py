"""Migrations build exactly the declared schema; dimensions seed idempotently."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from sinks.warehouse import db, derived, load, roles, views
from sinks.warehouse import schema as s

from .synthetic import IDENTITY, RAW_TABLES, plan_frames, plan_meta, snapshot

DIMS = [t.name for t in s.DIMENSIONS]


def test_upgrade_creates_every_table_and_view(empty_engine: Engine) -> None:
    db.upgrade(empty_engine)
    insp = inspect(empty_engine)
    assert set(insp.get_table_names()) == set(s.metadata.tables) | {"alembic_version"}
    assert set(insp.get_view_names()) == set(views.VIEWS)


def test_migrated_database_matches_the_declared_schema(empty_engine: Engine) -> None:
    db.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), s.metadata)
    assert diff == []


def test_upgrade_twice_is_harmless_and_downgrade_removes_everything(empty_engine: Engine) -> None:
    db.upgrade(empty_engine)
    db.upgrade(empty_engine)
    db.downgrade(empty_engine)
    insp = inspect(empty_engine)
    assert set(insp.get_table_names()) == {"alembic_version"}
    assert insp.get_view_names() == []


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(s.plan_header).values(unit_code="BPOM-KPG", year=2023, submission_id=999))


def test_seeding_twice_changes_nothing(engine: Engine) -> None:
    before = snapshot(engine, DIMS)
    changes = db.seed_dimensions(engine)
    assert all(n == 0 for table in changes.values() for n in table.values()), changes
    assert snapshot(engine, DIMS) == before


def test_dimensions_hold_the_master_data(engine: Engine) -> None:
    u = s.dim_unit
    with engine.connect() as conn:
        tng = conn.execute(select(u.c.unit_type, u.c.valid_to, u.c.is_current).where(u.c.unit_code == "BPOM-TNG")
                           .order_by(u.c.valid_from)).all()
        months = conn.execute(select(s.dim_month).where(s.dim_month.c.year == 2023).order_by(s.dim_month.c.month)).all()
        perspectives = conn.execute(select(s.dim_perspective.c.perspective)
                                    .order_by(s.dim_perspective.c.perspective_order)).scalars().all()
        expense = dict(conn.execute(select(s.dim_expense_type)).all())
        alias = conn.execute(text("SELECT unit_code FROM dim_unit_alias WHERE alias_norm = 'bpom kupang'")).scalar()
    assert [(r.unit_type, r.is_current) for r in tng] == [("loka", False), ("balai", True)]
    assert [m.month_name for m in months][5] == "Juni"
    assert (months[5].month_key, months[5].quarter, months[5].quarter_key) == (202306, 2, 20232)
    assert str(months[1].month_end) == "2023-02-28"
    assert perspectives == ["Stakeholder", "Internal Process", "Learning and Growth"]
    assert expense == {"51": "Belanja Pegawai", "52": "Belanja Barang", "53": "Belanja Modal"}
    assert alias == "BPOM-KPG"


def test_a_catalogue_change_updates_rows_and_keeps_surrogate_keys(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE dim_unit SET name = 'stale' WHERE unit_code = 'BPOM-KPG'"))
        key = conn.execute(text("SELECT unit_key FROM dim_unit WHERE unit_code = 'BPOM-KPG'")).scalar()
    changes = db.seed_dimensions(engine)
    assert changes["dim_unit"] == {"inserted": 0, "updated": 1, "deleted": 0}
    with engine.connect() as conn:
        row = conn.execute(text("SELECT unit_key, name FROM dim_unit WHERE unit_code = 'BPOM-KPG'")).one()
    assert tuple(row) == (key, "Balai POM di Kupang")


def test_upgrading_a_0001_warehouse_adds_the_budget_indicator_table_and_views_for_bi_readers(empty_engine: Engine) -> None:
    new_views = {"v_budget_indicator", "v_capaian_override"}
    db.upgrade(empty_engine, "0001")
    insp = inspect(empty_engine)
    assert "fact_budget_indicator_month" not in insp.get_table_names()
    assert not new_views & set(insp.get_view_names())
    postgres = empty_engine.dialect.name == "postgresql"
    role = f"sakip_bi_test_{uuid.uuid4().hex[:8]}"
    if postgres:  # a BI role made at 0001 (it reads the views of that revision)
        with empty_engine.begin() as conn:
            conn.exec_driver_sql(f'CREATE ROLE "{role}" NOLOGIN')
            conn.exec_driver_sql(f'GRANT SELECT ON v_score, v_submission TO "{role}"')
    try:
        db.upgrade(empty_engine)
        insp = inspect(empty_engine)
        assert set(insp.get_view_names()) == set(views.VIEWS)
        with empty_engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), s.metadata) == []
            if postgres:
                conn.exec_driver_sql(f'SET ROLE "{role}"')
                for name in new_views:
                    assert conn.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar() == 0
                conn.rollback()
    finally:
        if postgres:
            roles.drop_bi_role(empty_engine, role)


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _submission(conn: Connection, unit: str, kind: str, year: int, month: int | None,
                verdict: str = "accepted") -> int:
    """An audit row as a 0003 load wrote it (before ``unit_year_state`` existed)."""
    now = datetime(year, 12, 31, tzinfo=timezone.utc)
    rejected = verdict == "rejected"
    return int(conn.execute(insert(s.audit_submission).values(
        unit_code=unit, kind=kind, year=year, month=month, period_key=year * 100 + (month or 0),
        file_name=f"{unit}-{year}-{month}.xlsx", file_hash=f"{unit}{year}{month}".encode().hex()[:64].ljust(64, "0"),
        size_bytes=1, received_at=now, loaded_at=now, verdict=verdict, version=None if rejected else 1,
        is_current=not rejected, n_errors=int(rejected), n_warnings=0,
    )).inserted_primary_key[0])


def _warehouse_at_0003(engine: Engine) -> None:
    """Raw facts of four unit-years, one in each kind of raw table, as a 0003 warehouse holds them;
    a unit-year with only a rejected file and one with only derived facts hold no raw data."""
    db.upgrade(engine, "0003")
    db.seed_dimensions(engine)
    with engine.begin() as conn:
        plan = _submission(conn, "BPOM-KPG", "rencana", 2023, None)
        conn.execute(insert(s.plan_header).values(unit_code="BPOM-KPG", year=2023, submission_id=plan))
        kupang = _submission(conn, "BPOM-KPG", "bulanan", 2023, 1)
        conn.execute(insert(s.fact_enforcement).values(unit_code="BPOM-KPG", year=2023, month=1, case_number="PK-1",
                                                       stage="SPDP", submission_id=kupang))
        banyumas = _submission(conn, "LOKA-BMS", "bulanan", 2023, 1)
        conn.execute(insert(s.fact_indicator_month).values(unit_code="LOKA-BMS", year=2023, month=1,
                                                           indicator_code="IKU-OBAT-MS", realisasi=90.0,
                                                           submission_id=banyumas))
        tangerang = _submission(conn, "BPOM-TNG", "bulanan", 2021, 3)
        conn.execute(insert(s.fact_sampling).values(unit_code="BPOM-TNG", year=2021, month=3, commodity="OBAT",
                                                    method="Random", sampled=5, tested=5, ms=5, tms=0,
                                                    submission_id=tangerang))
        conn.execute(insert(s.audit_capaian_override).values(
            unit_code="BBPOM-SRG", year=2022, month=6, indicator_code="IKU-OBAT-MS", capaian_pct=100.0, reason="uji",
            set_by="Kepala", set_at=datetime(2022, 7, 20, tzinfo=timezone.utc), active=True))
        _submission(conn, "LOKA-MBR", "bulanan", 2023, 2, verdict="rejected")
        conn.execute(insert(s.fact_budget_rollup_month).values(unit_code="BBPOM-BDG", year=2023, month=6,
                                                               level="unit", item_code="BBPOM-BDG"))


HELD = {("BPOM-KPG", 2023), ("LOKA-BMS", 2023), ("BPOM-TNG", 2021), ("BBPOM-SRG", 2022)}


def test_upgrading_a_0003_warehouse_records_its_unit_years_as_derived(empty_engine: Engine) -> None:
    """0004 gives every unit-year holding raw data raw_seq = derived_seq = 1 (a 0003 load recomputed
    its unit-year, so the derived facts are current): nothing is stale, and the next store marks its
    unit-year. Downgrading drops the table and keeps the data; upgrading again rebuilds it."""
    _warehouse_at_0003(empty_engine)
    assert "unit_year_state" not in inspect(empty_engine).get_table_names()
    raw = snapshot(empty_engine, [*RAW_TABLES, "audit_submission", "audit_capaian_override"])

    db.upgrade(empty_engine)
    assert _revision(empty_engine) == ScriptDirectory.from_config(db.alembic_config()).get_current_head()
    assert snapshot(empty_engine, [*RAW_TABLES, "audit_submission", "audit_capaian_override"]) == raw
    with empty_engine.connect() as conn:
        state = conn.execute(select(s.unit_year_state)).mappings().all()
    assert {(r["unit_code"], r["year"]): (r["raw_seq"], r["derived_seq"], r["policy_id"]) for r in state} == {
        pair: (1, 1, None) for pair in HELD}
    assert all(r["raw_changed_at"] is not None and r["derived_at"] is not None for r in state)
    assert derived.stale_unit_years(empty_engine) == []

    load.load_plan(empty_engine, plan_frames(), plan_meta(unit="LOKA-BMS"), "accepted", identity=IDENTITY)
    assert derived.stale_unit_years(empty_engine) == [("LOKA-BMS", 2023)]
    with empty_engine.connect() as conn:
        assert derived.raw_seqs(conn, [("LOKA-BMS", 2023)]) == {("LOKA-BMS", 2023): 2}
    raw = snapshot(empty_engine, [*RAW_TABLES, "audit_submission", "audit_capaian_override"])

    db.downgrade(empty_engine, "0003")
    assert _revision(empty_engine) == "0003"
    assert "unit_year_state" not in inspect(empty_engine).get_table_names()
    assert snapshot(empty_engine, [*RAW_TABLES, "audit_submission", "audit_capaian_override"]) == raw

    db.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        again = conn.execute(select(s.unit_year_state.c.unit_code, s.unit_year_state.c.year,
                                    s.unit_year_state.c.raw_seq, s.unit_year_state.c.derived_seq)).all()
    assert {(u, y): (r, d) for u, y, r, d in again} == {pair: (1, 1) for pair in HELD}
    with empty_engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), s.metadata) == []
