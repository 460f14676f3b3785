"""The BI role reads the views and nothing else (PostgreSQL); on SQLite creating it is a no-op."""
from __future__ import annotations

import logging
import uuid

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from sinks.warehouse import load, roles, views
from sinks.warehouse.db import make_engine

from .synthetic import IDENTITY, derive, plan_frames, plan_meta


ON_SQLITE = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
ON_POSTGRES = pytest.mark.parametrize("engine", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)


@ON_SQLITE
def test_sqlite_has_no_roles(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="sinks.warehouse.roles"):
        roles.create_bi_role(engine)
    assert "nothing done" in caplog.text


@pytest.fixture
def role(engine: Engine):
    """A uniquely named role (roles are cluster-wide), dropped after the test."""
    name = f"sakip_bi_test_{uuid.uuid4().hex[:8]}"
    yield name
    roles.drop_bi_role(engine, name)


def _denied(conn, sql: str) -> bool:
    try:
        with conn.begin_nested():
            conn.exec_driver_sql(sql)
    except DBAPIError as exc:
        return "permission denied" in str(exc) or "read-only transaction" in str(exc)
    return False


@ON_POSTGRES
def test_bi_role_selects_views_only(engine: Engine, role: str) -> None:
    load.load_plan(engine, plan_frames(), plan_meta(), "accepted", None, identity=IDENTITY)
    derive(engine)
    roles.create_bi_role(engine, role)
    roles.create_bi_role(engine, role)  # idempotent
    with engine.connect() as conn:
        conn.exec_driver_sql(f'SET ROLE "{role}"')
        for name in views.VIEWS:
            conn.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar()
        assert conn.exec_driver_sql("SELECT count(*) FROM v_plan_indicator").scalar() == 3
        assert _denied(conn, "SELECT * FROM fact_capaian_month")
        assert _denied(conn, "SELECT * FROM plan_indicator")
        assert _denied(conn, "SELECT * FROM dim_unit")
        assert _denied(conn, "SELECT * FROM unit_year_state")
        assert _denied(conn, "DELETE FROM v_submission")
        assert _denied(conn, "INSERT INTO dim_expense_type VALUES ('54', 'x')")
        conn.exec_driver_sql("RESET ROLE")
        conn.rollback()


@ON_POSTGRES
def test_recreated_views_keep_the_grant(engine: Engine, role: str) -> None:
    roles.create_bi_role(engine, role)
    with engine.begin() as conn:
        assert role in roles.view_readers(conn)
        views.create_views(conn)  # what a later migration changing a view does
    with engine.connect() as conn:
        conn.exec_driver_sql(f'SET ROLE "{role}"')
        conn.exec_driver_sql("SELECT count(*) FROM v_score").scalar()
        assert _denied(conn, "SELECT * FROM fact_score_quarter")
        conn.rollback()


@ON_POSTGRES
def test_login_role_with_password(engine: Engine, role: str) -> None:
    roles.create_bi_role(engine, role, password="s3cr'et")
    url = make_url(engine.url).set(username=role, password="s3cr'et")
    bi = make_engine(url)
    try:
        with bi.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM v_submission")).scalar() == 0
            assert conn.execute(text("SHOW default_transaction_read_only")).scalar() == "on"
            assert _denied(conn, "SELECT * FROM audit_submission")
    finally:
        bi.dispose()


@ON_POSTGRES
def test_a_bi_statement_that_runs_too_long_is_cancelled(engine: Engine, role: str) -> None:
    roles.create_bi_role(engine, role, password="pw", statement_timeout="200ms")
    bi = make_engine(make_url(engine.url).set(username=role, password="pw"))
    try:
        with bi.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "200ms"
            with pytest.raises(DBAPIError, match="statement timeout"):
                conn.execute(text("SELECT pg_sleep(2) FROM v_submission UNION ALL SELECT pg_sleep(2)"))
    finally:
        bi.dispose()
