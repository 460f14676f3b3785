"""A read-only role for BI tools: it sees the ``v_*`` views and nothing else (PostgreSQL).

PostgreSQL checks a view's base tables with the view owner's rights, so SELECT on the views is
enough; the role gets no right on any table. ``ALTER DEFAULT PRIVILEGES`` cannot tell views from
tables (granting it "future views" would grant future fact tables too), so future views reach the
role another way: :func:`sinks.warehouse.views.create_views`, the one function that (re)creates
views in migrations, grants SELECT on them to every role that could read the previous ones
(:func:`view_readers`). The role is also set to read-only transactions.

SQLite has no roles: :func:`create_bi_role` logs and does nothing (share a read-only copy instead).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import Engine, String, text
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def view_readers(conn: Connection) -> list[str]:
    """Roles (other than the owner) holding SELECT on any of the warehouse views (PostgreSQL; else [])."""
    if conn.dialect.name != "postgresql":
        return []
    from sinks.warehouse.views import VIEWS

    rows = conn.execute(
        text(
            """
            SELECT DISTINCT r.rolname
            FROM pg_class c
            CROSS JOIN LATERAL aclexplode(c.relacl) AS a
            JOIN pg_roles r ON r.oid = a.grantee
            WHERE c.relkind = 'v'
              AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
              AND c.relname = ANY(:names)
              AND a.privilege_type = 'SELECT'
              AND a.grantee <> c.relowner
            ORDER BY r.rolname
            """
        ),
        {"names": list(VIEWS)},
    )
    return [r[0] for r in rows]


def grant_views(conn: Connection, role: str, names: Iterable[str] | None = None) -> None:
    """GRANT SELECT on the warehouse views ``names`` (default: every view) to ``role`` (PostgreSQL)."""
    from sinks.warehouse.views import VIEWS

    conn.exec_driver_sql(f"GRANT SELECT ON {', '.join(names or VIEWS)} TO {_quote(conn, role)}")


#: How long one BI statement may run before PostgreSQL cancels it (a runaway query must not hold the
#: warehouse); ``create_bi_role(statement_timeout=...)`` / ``sakip db bi-role --statement-timeout``.
BI_STATEMENT_TIMEOUT = "60s"


def create_bi_role(engine: Engine, role: str = "sakip_bi", password: str | None = None,
                   statement_timeout: str = BI_STATEMENT_TIMEOUT) -> None:
    """Create (or update) a role that can read the views only.

    Without ``password`` the role is ``NOLOGIN`` (a group: grant it to people's login roles); with
    one it can log in. It gets CONNECT on the database, USAGE on the schema, SELECT on every view,
    no right on any table (rights it held on tables are revoked), read-only transactions and a
    ``statement_timeout`` (PostgreSQL interval text, e.g. ``60s``, ``5min``). Idempotent. On SQLite:
    a log line, nothing else.
    """
    if engine.dialect.name != "postgresql":
        log.info("create_bi_role: %s has no roles; nothing done for %r", engine.dialect.name, role)
        return
    with engine.begin() as conn:
        name = _quote(conn, role)
        login = "NOLOGIN PASSWORD NULL"
        if password is not None:
            login = f"LOGIN PASSWORD {String().literal_processor(conn.dialect)(password)}"
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
        conn.exec_driver_sql(f"{'ALTER' if exists else 'CREATE'} ROLE {name} {login}")
        conn.exec_driver_sql(f"ALTER ROLE {name} SET default_transaction_read_only = on")
        timeout = String().literal_processor(conn.dialect)(statement_timeout)
        conn.exec_driver_sql(f"ALTER ROLE {name} SET statement_timeout = {timeout}")
        database, schema = conn.execute(text("SELECT current_database(), current_schema()")).one()
        conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {_quote(conn, database)} TO {name}")
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {_quote(conn, schema)} TO {name}")
        conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {_quote(conn, schema)} FROM {name}")
        grant_views(conn, role)
    log.info("BI role %r can read the %s views of %s", role, "warehouse", database)


def drop_bi_role(engine: Engine, role: str = "sakip_bi") -> None:
    """Revoke the role's rights in this database and drop it (PostgreSQL; a role with rights in
    other databases must be cleaned there first). No-op when absent or on SQLite."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first() is None:
            return
        name = _quote(conn, role)
        conn.exec_driver_sql(f"DROP OWNED BY {name}")
        conn.exec_driver_sql(f"DROP ROLE {name}")
