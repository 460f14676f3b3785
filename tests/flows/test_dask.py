"""The flows on a real distributed engine: a ``distributed.LocalCluster`` with two worker processes.

With ``SAKIP_DASK_ADDRESS`` naming the cluster's scheduler, the collection flow submits its chunks of
files (Kupang's March) and the report flow its reports (TW I) to the Dask workers (``prefect_dask.DaskTaskRunner``), the
warehouse on PostgreSQL. The warehouse they leave equals, row for row, the one the same work gives
in one local process; only where the report files were written, and the order reports finished
in (their ids), differ.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from distributed import LocalCluster
from sqlalchemy.engine import make_url

import kupang
from flows import reports, run
from flows.runners import Failed, InProcess
from flows.select import select_files, select_years
from runs import assert_same_warehouse, collect
from sakip import settings as settings_module
from sakip.settings import Settings
from sinks.warehouse import db

pytestmark = [pytest.mark.prefect, pytest.mark.postgres, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


def _march(inbox: Path) -> None:
    identity, frames = kupang.monthly_workbook(3)
    from sinks.templates import write_workbook

    write_workbook("bulanan", identity, frames, inbox / kupang.UNIT / f"{kupang.UNIT}_2023-03.xlsx")


def test_a_month_and_its_reports_on_a_dask_cluster_equal_a_local_run(cluster, pg_databases, tmp_path, monkeypatch):
    # the same starting point twice: Kupang's plan, January and February, loaded locally
    base = pg_databases.create("sakip_dask_base")
    inbox = tmp_path / "inbox"
    kupang.write_kupang_inbox(inbox, months=range(1, 3))
    setup = Settings(warehouse_url=base, inbox=inbox, out=tmp_path / "setup")
    engine = db.open_warehouse(base)
    assert {o.status for o in collect(engine, setup, select_years(setup, 2023, 2023))} == {"loaded"}
    engine.dispose()
    db.open_warehouse.cache_clear()
    local_url = pg_databases.create("sakip_dask_local", template=make_url(base).database)
    dask_url = pg_databases.create("sakip_dask_cluster", template=make_url(base).database)
    _march(inbox)

    # March and the TW I reports through the flows, on the cluster
    from flows.collect import collect_month
    from flows.report import quarterly_reports

    for name, value in {"SAKIP_WAREHOUSE_URL": dask_url, "SAKIP_INBOX": str(inbox),
                        "SAKIP_OUT": str(tmp_path / "dask"), "SAKIP_DASK_ADDRESS": cluster.scheduler_address,
                        "SAKIP_LOCK_DAYS": "off"}.items():  # 2023's months, collected today
        monkeypatch.setenv(name, value)
    settings_module.get_settings.cache_clear()
    try:
        march = collect_month("2023-03")
        built = quarterly_reports("2023-Q1")
    finally:
        settings_module.get_settings.cache_clear()
    assert [row["status"] for row in march] == ["loaded"]
    assert len(built) == 2 and not any(row["laporan"].startswith("GAGAL") for row in built)
    workers = cluster.scheduler_info["workers"]
    assert len(workers) == 2

    # the same work in one local process
    local = Settings(warehouse_url=local_url, inbox=inbox, out=tmp_path / "local", lock_days=None)
    local_engine = db.make_engine(local_url)
    assert [o.status for o in collect(local_engine, local, select_files(local, "bulanan", 2023, 3))] == ["loaded"]
    jobs = reports.report_jobs(local_engine, local, 2023, 1)
    assert not any(isinstance(r, Failed) for r in run.build_reports(local_engine, local, jobs, InProcess()))

    dask_engine = db.make_engine(dask_url)
    try:
        # reports are built in parallel: their ids follow the order they finished in, their files' folders differ
        assert_same_warehouse(dask_engine, local_engine, ignore={"report_id", "docx_path", "pdf_path"})
    finally:
        dask_engine.dispose()
        local_engine.dispose()
