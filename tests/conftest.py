"""Shared fixtures: warehouse databases on SQLite and PostgreSQL.

- ``engine``: a migrated warehouse with seeded dimensions, parametrised over ``sqlite`` (a copy of a
  migrated file, in ``tmp_path``) and ``postgresql`` (marked ``postgres``: a database created through
  the maintenance database for the session, dropped at the end, and emptied and re-seeded before
  every test, so each test starts from a warehouse identical to a freshly migrated one).
- ``empty_engine``: the same two backends, but an empty database (for migration tests).
- ``sakip_env``: settings from the environment, as the CLI and the flows read them: a fresh SQLite
  warehouse, inbox and output folder under ``tmp_path`` (returned), one worker (in process).
- ``pg_database``: session-scoped factory creating extra PostgreSQL databases for any test module
  (``url = pg_database("report")``); every database it created is dropped at session end.
- ``kupang_built`` / ``kupang_shared`` / ``kupang_copy``: the Kupang 2023 workbooks through the whole
  pipeline, built ONCE per backend and test run (the first xdist worker to need it builds it, the other
  reads the same warehouse); ``kupang_shared`` reads that warehouse, ``kupang_copy`` gives a test its own
  copy (SQLite file copy, PostgreSQL database from a template copy of the built one).

PostgreSQL: ``SAKIP_TEST_PG_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``,
the maintenance database). When the server is unreachable the ``postgresql`` params are skipped,
unless ``SAKIP_REQUIRE_PG=1`` (CI), which turns that into a failure.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from backends import BACKENDS, copy_sqlite

# ------------------------------------------------------------- xdist: which tests share a worker

#: Test files holding any of these texts start an expensive per-worker session resource: all of them run on
#: one worker (``--dist loadfile``), so the resource is started once, not once per worker.
SHARED_WORKER_RESOURCES = ("prefect_harness",)
#: Seconds each test file took (setup + call + teardown), measured by ``pytest --durations=0`` and written by
#: ``tests/update_durations.py``: the work units are handed out longest first, so no long file is left
#: alone at the end of a run. Only the order depends on it; a file missing from it counts half a second per test.
DURATIONS = Path(__file__).with_name("durations.json")


@pytest.hookimpl(optionalhook=True)  # a run with -p no:xdist has no such hook
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist loadfile``, except that the files using Prefect's test harness form one work unit (the
    harness, a temporary Prefect server of ~10 s, then starts on one worker only), and work units go out
    longest first (``DURATIONS``) rather than by their number of tests."""
    if config.getoption("dist") != "loadfile":
        return None
    import json

    from xdist.scheduler import LoadFileScheduling

    root = Path(str(config.rootpath))
    seconds = json.loads(DURATIONS.read_text(encoding="utf-8")) if DURATIONS.is_file() else {}

    class SharedResourceScheduling(LoadFileScheduling):
        """Work units are taken from the queue costliest first. The collections are left in the workers'
        order: the controller sends a worker *indexes* into its own collection, so reordering them here
        would make a worker run other tests than the unit it was given (a file split over two workers)."""

        _uses: dict[str, bool] = {}
        _cost: dict[str, float] | None = None

        def _split_scope(self, nodeid: str) -> str:
            file = nodeid.split("::", 1)[0]
            if file not in self._uses:
                path = root / file
                text_ = path.read_text(encoding="utf-8") if path.is_file() else ""
                self._uses[file] = any(name in text_ for name in SHARED_WORKER_RESOURCES)
            return "shared-worker-resources" if self._uses[file] else file

        def _scope_cost(self) -> dict[str, float]:
            if self._cost is None:
                files = [nodeid.split("::", 1)[0] for nodeid in self.collection or ()]
                counts: dict[str, int] = {}
                for file in files:
                    counts[file] = counts.get(file, 0) + 1
                self._cost = {}
                for file, n in counts.items():
                    scope = self._split_scope(file)
                    self._cost[scope] = self._cost.get(scope, 0.0) + seconds.get(file, 0.5 * n)
            return self._cost

        def _assign_work_unit(self, node) -> None:
            cost = self._scope_cost()
            costliest = max(self.workqueue, key=lambda scope: cost.get(scope, 0.0))
            self.workqueue.move_to_end(costliest, last=False)
            super()._assign_work_unit(node)

    return SharedResourceScheduling(config, log)


PG_ADMIN_URL = os.environ.get("SAKIP_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


class PostgresDatabases:
    """Creates uniquely named databases through the maintenance database; drops them all on close."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url)
        self.created: list[str] = []
        self._admin: Engine | None = None
        self._error: str | None = None

    def _engine(self) -> Engine:
        if self._error is not None:
            self._unavailable(self._error)
        if self._admin is None:
            self._admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
            try:
                with self._admin.connect() as conn:
                    conn.execute(text("SELECT 1"))
            except OperationalError as exc:
                self._error = str(exc).splitlines()[0]
                self._unavailable(self._error)
        return self._admin

    @staticmethod
    def _unavailable(reason: str) -> None:
        message = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {reason}"
        if os.environ.get("SAKIP_REQUIRE_PG") == "1":
            pytest.fail(message)
        pytest.skip(message)

    def create(self, prefix: str = "sakip_test", template: str | None = None, name: str | None = None) -> str:
        """Create a database and return its SQLAlchemy URL (as a string). A database given its ``name`` is
        the run's, shared by the xdist workers: not dropped by this process (``drop_run_databases`` is)."""
        shared = name is not None
        name = name or f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}".lower()
        clause = f' TEMPLATE "{template}"' if template else ""
        with self._engine().connect() as conn:
            if template:  # a template must have no session: close idle ones pooled by engines of this process
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": template})
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
            # test data need not survive a crash: commits skip the WAL flush wait (this database only)
            conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
        if not shared:
            self.created.append(name)
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self._engine().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if name in self.created:
            self.created.remove(name)

    def close(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as conn:
            for name in list(self.created):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.created.clear()
        self._admin.dispose()


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PostgresDatabases]:
    """The session's PostgreSQL database manager (everything it created is dropped at the end)."""
    manager = PostgresDatabases(PG_ADMIN_URL)
    yield manager
    manager.close()


@pytest.fixture(scope="session")
def pg_database(pg_databases: PostgresDatabases) -> Callable[[str], str]:
    """Factory for fresh PostgreSQL databases: ``url = pg_database("my_prefix")``."""
    return lambda prefix="sakip_test": pg_databases.create(prefix)


def _migrated(url: str) -> None:
    from sinks.warehouse import db

    engine = db.make_engine(url)
    try:
        db.upgrade(engine)
        db.seed_dimensions(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded SQLite file that every ``engine[sqlite]`` starts as a copy of."""
    path = tmp_path_factory.mktemp("template") / "warehouse.sqlite"
    _migrated(f"sqlite:///{path}")
    return path


class _PostgresWarehouse:
    """One migrated PostgreSQL warehouse per session, emptied and re-seeded before each test.

    Emptying (DELETE from every table, sequences restarted, then seeding the dimensions) takes about
    0.1 s where creating a database takes ~0.4 s and TRUNCATE ~0.9 s; the test still starts from a warehouse
    identical to a fresh one (same rows, same ids). If a test left it unusable (schema changed,
    lock held), a new database replaces it.
    """

    def __init__(self, databases: PostgresDatabases) -> None:
        self.databases = databases
        self.url: str | None = None

    def fresh(self) -> str:
        if self.url is not None:
            try:
                self._reset(self.url)
                return self.url
            except Exception:  # noqa: BLE001 - any failure: start over with a new database
                self.databases.drop(self.url)
                self.url = None
        self.url = self.databases.create("sakip_wh")
        _migrated(self.url)
        return self.url

    @staticmethod
    def _reset(url: str) -> None:
        from sinks.warehouse import db, views
        from sinks.warehouse.schema import metadata

        engine = db.make_engine(url)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
                version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
                present = set(conn.exec_driver_sql(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                ).scalars())
                if version is None or not (set(metadata.tables) | set(views.VIEWS)) <= present:
                    raise RuntimeError("warehouse schema changed by the previous test")
                # DELETE, children first, then every sequence back to its start: on the few rows a test
                # leaves this takes ~10 ms, where TRUNCATE (new files for 52 tables) took ~0.9 s
                quote = conn.dialect.identifier_preparer.quote
                conn.exec_driver_sql("; ".join(f"DELETE FROM {quote(t.name)}" for t in reversed(metadata.sorted_tables)))
                conn.exec_driver_sql(
                    "SELECT setval(c.oid::regclass, s.seqstart, false) FROM pg_class c "
                    "JOIN pg_sequence s ON s.seqrelid = c.oid JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema()")
            db.seed_dimensions(engine)
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def _pg_warehouse(pg_databases: PostgresDatabases) -> _PostgresWarehouse:
    return _PostgresWarehouse(pg_databases)


@pytest.fixture(scope="session")
def new_warehouse(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path,
                  pg_databases: PostgresDatabases) -> Callable[[str], str]:
    """Factory of migrated, seeded warehouses of their own, for a module's shared read-only state:
    ``url = new_warehouse("sqlite")`` (a copy of the SQLite template) or ``new_warehouse("postgresql")``
    (a new database, dropped at session end)."""

    def make(backend: str) -> str:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("warehouse") / "warehouse.sqlite"
            shutil.copyfile(_sqlite_template, path)
            return f"sqlite:///{path}"
        url = pg_databases.create("sakip_module")
        _migrated(url)
        return url

    return make


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path, pg_databases: PostgresDatabases) -> Iterator[Engine]:
    """An engine on an empty database (no tables): SQLite file or fresh PostgreSQL database."""
    from sinks.warehouse import db

    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
        yield engine
        engine.dispose()
        return
    url = pg_databases.create()
    engine = db.make_engine(url)
    yield engine
    engine.dispose()  # the database is dropped with the others at session end (a DROP forces a checkpoint)


@pytest.fixture(params=BACKENDS)
def engine(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    _sqlite_template: Path,
    _pg_warehouse: _PostgresWarehouse,
) -> Iterator[Engine]:
    """An engine on a fresh, migrated warehouse with seeded dimensions (SQLite or PostgreSQL)."""
    yield from _fresh_engine(request.param, tmp_path, _sqlite_template, _pg_warehouse)


def _fresh_engine(backend: str, tmp_path: Path, sqlite_template: Path,
                  pg_warehouse: _PostgresWarehouse) -> Iterator[Engine]:
    """A fresh, migrated, seeded warehouse of ``backend``: a copy of the SQLite template, or the session's
    PostgreSQL warehouse emptied and re-seeded."""
    from sinks.warehouse import db

    if backend == "sqlite":
        path = tmp_path / "warehouse.sqlite"
        shutil.copyfile(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        url = pg_warehouse.fresh()
    engine = db.make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def sakip_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``SAKIP_*`` pointing at ``tmp_path`` (warehouse.sqlite, inbox/, out/); settings re-read around the test."""
    from sakip import settings as settings_module

    monkeypatch.setenv("SAKIP_WAREHOUSE_URL", f"sqlite:///{tmp_path / 'warehouse.sqlite'}")
    monkeypatch.setenv("SAKIP_INBOX", str(tmp_path / "inbox"))
    monkeypatch.setenv("SAKIP_OUT", str(tmp_path / "out"))
    monkeypatch.setenv("SAKIP_WORKERS", "1")  # in process: the parallel runners have tests of their own
    # 2023 files written today are years past the period lock: off here (tests/flows/test_period_lock.py tests it)
    monkeypatch.setenv("SAKIP_LOCK_DAYS", "off")
    settings_module.get_settings.cache_clear()
    yield tmp_path
    settings_module.get_settings.cache_clear()


# ------------------------------------------------------------------- the Kupang warehouse, built once

@dataclass(frozen=True)
class KupangWarehouse:
    """The Kupang 2023 workbooks (plan + January-June) run through the whole pipeline once per backend.

    ``url`` is the built warehouse (share it read-only), ``inbox`` the workbooks, ``out`` what the run
    wrote (feedback, archive); ``template`` (PostgreSQL) a database copy of it nobody connects to, to
    create copies from (a template must have no session, and another worker may be reading ``url``)."""

    backend: str
    url: str
    inbox: Path
    out: Path
    template: str | None = None


# ---------------------------------------------------------------- states shared by the run's workers

SHARED_DATABASES = "sakip_run_{pid}"


def _xdist_worker() -> bool:
    return "PYTEST_XDIST_WORKER" in os.environ


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every process of this run sees: xdist workers' base folders are siblings in it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if _xdist_worker() else base


def _run_databases_prefix() -> str:
    """Names of the run's shared databases start with this: the pid of the process that ends the run
    (the xdist controller, parent of every worker, or the only process) drops them then."""
    return SHARED_DATABASES.format(pid=os.getppid() if _xdist_worker() else os.getpid())


def built_once(folder: Path, build: Callable[[], dict]) -> dict:
    """``build()``'s answer (a JSON-able dict), computed by the first process of the run that asks and
    read back by the others: the state is built in ``folder``, under an exclusive lock."""
    folder.mkdir(parents=True, exist_ok=True)
    done = folder / "built.json"
    with open(folder / ".lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            done.write_text(json.dumps(build()), encoding="utf-8")
        return json.loads(done.read_text(encoding="utf-8"))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The process ending the run drops the databases its workers shared (none when PostgreSQL is down)."""
    if _xdist_worker():
        return
    try:
        admin = create_engine(make_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            names = conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                                 {"p": _run_databases_prefix() + "\\_%"}).scalars().all()
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    except OperationalError:
        pass


def _build_kupang(url: str, root: Path) -> None:
    import kupang
    from flows.select import select_years
    from runs import collect
    from sakip.settings import Settings
    from sinks.warehouse import db

    engine = db.open_warehouse(url)
    kupang.write_kupang_inbox(root / "inbox")
    settings = Settings(warehouse_url=url, inbox=root / "inbox", out=root / "out")
    outcomes = collect(engine, settings, select_years(settings, kupang.YEAR, kupang.YEAR))
    assert [o.status for o in outcomes] == ["loaded"] * 7, outcomes
    engine.dispose()
    db.open_warehouse.cache_clear()


@pytest.fixture(scope="session")
def kupang_sqlite(tmp_path_factory: pytest.TempPathFactory) -> KupangWarehouse:
    """The Kupang warehouse on SQLite, built once per test run (``built_once``)."""
    root = _run_folder(tmp_path_factory) / "kupang_sqlite"
    url = f"sqlite:///{root / 'warehouse.sqlite'}"
    built_once(root, lambda: _build_kupang(url, root) or {})
    return KupangWarehouse("sqlite", url, root / "inbox", root / "out")


@pytest.fixture(scope="session")
def kupang_postgresql(tmp_path_factory: pytest.TempPathFactory, pg_databases: PostgresDatabases) -> KupangWarehouse:
    """The Kupang warehouse on PostgreSQL, built once per test run (``built_once``), with its template copy."""
    root = _run_folder(tmp_path_factory) / "kupang_postgresql"
    name = f"{_run_databases_prefix()}_kupang"

    def build() -> dict:
        url = pg_databases.create(name=name)
        _build_kupang(url, root)
        pg_databases.create(name=f"{name}_template", template=name)
        return {"url": url}

    url = built_once(root, build)["url"]
    return KupangWarehouse("postgresql", url, root / "inbox", root / "out", template=f"{name}_template")


@pytest.fixture(scope="session", params=BACKENDS)
def kupang_built(request: pytest.FixtureRequest) -> KupangWarehouse:
    """The Kupang warehouse of a backend. Pytest keeps one instance of a parametrised fixture at a time,
    tearing it down whenever the parameter changes (every test file switches from sqlite to postgresql);
    the builds themselves are the unparametrised ``kupang_sqlite`` / ``kupang_postgresql``, kept all session."""
    return request.getfixturevalue(f"kupang_{request.param}")


@pytest.fixture
def kupang_env(sakip_env: Path, kupang_sqlite: KupangWarehouse) -> Path:
    """``sakip_env`` holding a private copy of the SQLite Kupang warehouse, its inbox and output: what
    an operator has after ``sakip plan`` and the collections of January-June (for CLI tests)."""
    shutil.copytree(kupang_sqlite.inbox, sakip_env / "inbox")
    shutil.copytree(kupang_sqlite.out, sakip_env / "out")
    copy_sqlite(Path(make_url(kupang_sqlite.url).database), sakip_env / "warehouse.sqlite")
    return sakip_env


@pytest.fixture
def kupang_shared(kupang_built: KupangWarehouse) -> Iterator[tuple[Engine, KupangWarehouse]]:
    """An engine on the shared Kupang warehouse: for tests that only read it."""
    from sinks.warehouse import db

    engine = db.make_engine(kupang_built.url)
    yield engine, kupang_built
    engine.dispose()


@pytest.fixture
def kupang_copy(kupang_built: KupangWarehouse, tmp_path: Path,
                pg_databases: PostgresDatabases) -> Iterator[tuple[Engine, KupangWarehouse]]:
    """A private copy of the Kupang warehouse and its inbox, for a test that changes them (a correction,
    an override, a rescore): a SQLite file copy, or a PostgreSQL database made from the built one as
    template. The copy's inbox and output folders are under ``tmp_path``."""
    from sinks.warehouse import db

    shutil.copytree(kupang_built.inbox, tmp_path / "inbox")
    shutil.copytree(kupang_built.out, tmp_path / "out")
    if kupang_built.backend == "sqlite":
        path = tmp_path / "warehouse.sqlite"
        copy_sqlite(Path(make_url(kupang_built.url).database), path)
        url = f"sqlite:///{path}"
    else:
        url = pg_databases.create("sakip_kupang_copy", template=kupang_built.template)
    engine = db.make_engine(url)
    yield engine, KupangWarehouse(kupang_built.backend, url, tmp_path / "inbox", tmp_path / "out")
    engine.dispose()
    if kupang_built.backend != "sqlite":
        pg_databases.drop(url)


@pytest.fixture
def kupang_fresh(kupang_built: KupangWarehouse, tmp_path: Path, _sqlite_template: Path,
                 _pg_warehouse: _PostgresWarehouse) -> Iterator[Engine]:
    """An empty, migrated warehouse of the same backend as ``kupang_built`` (to compare runs with it)."""
    yield from _fresh_engine(kupang_built.backend, tmp_path, _sqlite_template, _pg_warehouse)
