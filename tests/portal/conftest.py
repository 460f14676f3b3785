"""The portal over a copy of the Kupang warehouse (plan + January-June 2023), one per module and backend.

``portal`` gives a module its own warehouse copy (SQLite file copy, or a PostgreSQL database made from the
template copy of the built Kupang one), inbox and output folder, three accounts (Kupang's steward, Jambi's
steward, a centre user), a clock the tests move, and clients that log in (``portal_harness``).
Tests share it: each uses its own client (cookie jar), and the accounts it locks or disables are its own.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from backends import copy_sqlite
from portal_harness import OTHER, START, Clock, Portal

@pytest.fixture(scope="module")
def portal(kupang_built, tmp_path_factory: pytest.TempPathFactory, pg_databases) -> Iterator[Portal]:
    from portal.app import create_app
    from portal.settings import PortalSettings
    from sakip.settings import Settings
    from sinks.warehouse import db

    root = tmp_path_factory.mktemp(f"portal_{kupang_built.backend}")
    shutil.copytree(kupang_built.inbox, root / "inbox")
    shutil.copytree(kupang_built.out, root / "out")
    if kupang_built.backend == "sqlite":
        copy_sqlite(make_url(kupang_built.url).database, root / "warehouse.sqlite")
        url = f"sqlite:///{root / 'warehouse.sqlite'}"
    else:
        url = pg_databases.create("sakip_portal", template=kupang_built.template)
    engine = db.make_engine(url)
    db.upgrade(engine)  # the Kupang warehouse was built at the same heads; a no-op unless it is older
    settings = Settings(warehouse_url=url, inbox=root / "inbox", out=root / "out", workers=1)
    clock = Clock()
    app = create_app(settings, PortalSettings(session_hours=8, idle_minutes=60, max_failed_logins=3,
                                              lockout_minutes=15), engine=engine, clock=clock)
    portal = Portal(engine, url, root / "inbox", root / "out", settings, clock, app, kupang_built.backend)
    portal.add_user("maria")
    portal.add_user("budi", unit=OTHER)
    portal.add_user("pusat", role="centre", unit=None)
    yield portal
    engine.dispose()
    if kupang_built.backend != "sqlite":
        pg_databases.drop(url)


@pytest.fixture
def clock_reset(portal: Portal) -> Iterator[Clock]:
    """The portal's clock, put back to the start after the test."""
    yield portal.clock
    portal.clock.now = START
