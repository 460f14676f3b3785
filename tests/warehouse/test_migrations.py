"""Migrations build exactly the declared schema; dimensions seed idempotently."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, insert, select, text
from sqlalchemy.exc import IntegrityError

from sinks.warehouse import db, views
from sinks.warehouse import schema as s

from .synthetic import snapshot

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
    import uuid

    from sinks.warehouse import roles

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
