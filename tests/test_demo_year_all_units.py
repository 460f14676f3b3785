"""The whole demo year, every unit of the master data, through the pipeline; then the same inbox again.

Slow (every unit, thirteen files each; run by ``make test-slow`` and CI): it proves the pipeline works
for all unit types on worker processes, as ``sakip backfill`` runs it, and that a second pass over
the same files changes nothing, by comparing every table row for row.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import text

from demo.generator import generate_year
from flows import run
from flows.intake import FileOutcome
from flows.runners import ProcessPool
from flows.select import select_years
from reference import master
from runs import snapshot
from sakip.settings import Settings
from sinks.warehouse.db import open_warehouse

pytestmark = pytest.mark.slow
YEAR = 2023


def _collect_year(engine, settings) -> list[FileOutcome]:
    with ProcessPool(2) as runner:
        return run.collect(engine, settings, select_years(settings, YEAR, YEAR), runner).outcomes


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo-all")
    generate_year(YEAR, root / "inbox", seed=20230, mistake_rate=0.05)
    settings = Settings(warehouse_url=f"sqlite:///{root / 'warehouse.sqlite'}", inbox=root / "inbox", out=root / "out")
    engine = open_warehouse(settings.warehouse_url)
    first = _collect_year(engine, settings)
    before = snapshot(engine)
    second = _collect_year(engine, settings)
    manifest = json.loads((root / "inbox" / "_manifest.json").read_text(encoding="utf-8"))
    return engine, first, second, before, manifest


def test_every_unit_of_the_master_data_has_its_plan_and_twelve_months_loaded(year):
    engine, first, _, _, manifest = year
    assert not [o for o in first if o.status == "gagal"]
    with engine.connect() as conn:
        months = pd.read_sql(text("SELECT unit_code, COUNT(DISTINCT month) AS n FROM v_submission "
                                  "WHERE kind = 'bulanan' AND is_current AND verdict <> 'rejected' GROUP BY unit_code"), conn)
        plans = {r[0] for r in conn.execute(text("SELECT unit_code FROM plan_header WHERE year = :y"), {"y": YEAR})}
    assert plans == set(master.units()["code"])
    assert set(months["unit_code"]) == set(master.units()["code"]) and (months["n"] == 12).all()
    expected = {f["expected"] for f in manifest["files"]}
    assert {o.status for o in first} <= {"loaded", "rejected", "duplicate"} and "loaded" in {o.status for o in first}
    assert expected >= {"accepted", "rejected"}


def test_every_unit_is_scored_for_every_quarter(year):
    engine, *_ = year
    with engine.connect() as conn:
        totals = pd.read_sql(text("SELECT unit_code, quarter FROM v_score WHERE level = 'total'"), conn)
    assert totals.groupby("unit_code")["quarter"].nunique().eq(4).all()
    assert totals["unit_code"].nunique() == len(master.units())


def test_loading_the_same_year_twice_changes_nothing(year):
    engine, _, second, before, _ = year
    assert {o.status for o in second} == {"duplicate"}
    after = snapshot(engine)
    for name, frame in before.items():  # every table, row for row (unit_year_state: nothing re-derived)
        pd.testing.assert_frame_equal(after[name], frame, check_dtype=False, obj=name)
