"""A fresh, empty warehouse for a benchmark run: a SQLite file, or a PostgreSQL database made and dropped."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Where the benchmark's PostgreSQL database is created (the dev/CI server, trust auth).
POSTGRES_SERVER = os.environ.get("SAKIP_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BENCH_DATABASE = "sakip_bench"


@contextmanager
def warehouse_url(workdir: Path, postgres: bool) -> Iterator[str]:
    """Yield the URL of an empty warehouse; a PostgreSQL database is dropped afterwards."""
    if not postgres:
        path = workdir / "warehouse.sqlite"
        path.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    import sqlalchemy as sa

    server = sa.create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
    try:
        yield sa.engine.make_url(POSTGRES_SERVER).set(database=BENCH_DATABASE).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
        server.dispose()
