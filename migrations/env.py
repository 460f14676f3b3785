"""Alembic environment of the SAKIP warehouse.

Target metadata: ``sinks.warehouse.schema.metadata``. The database comes from, in order: an open
connection handed over in ``config.attributes["connection"]`` (what ``sinks.warehouse.db.upgrade``
does), ``-x url=...``, the ``SAKIP_WAREHOUSE_URL`` environment variable, ``sqlalchemy.url`` of
``alembic.ini``. SQLite gets ``render_as_batch`` (ALTER by table copy) and, through
``make_engine``, foreign keys on.
"""
from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from sinks.warehouse.db import make_engine
from sinks.warehouse.schema import metadata

config = context.config
target_metadata = metadata

if config.config_file_name is not None and "connection" not in config.attributes:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    return (
        context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("SAKIP_WAREHOUSE_URL")
        or config.get_main_option("sqlalchemy.url")
    )


def _configure(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        # make_engine lets SQLAlchemy emit BEGIN on SQLite, so DDL is transactional there too
        transactional_ddl=True if sqlite else None,
        compare_type=True,
    )


def run_migrations_offline() -> None:
    """Emit the SQL instead of running it (``alembic upgrade head --sql``)."""
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True,
        dialect_opts={"paramstyle": "named"}, render_as_batch=_url().startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
