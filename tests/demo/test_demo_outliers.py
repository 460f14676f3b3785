"""The demo's planted outliers through the real collection: each is flagged at its cell, no clean value is.

Two units (a Loka, a Balai Besar) of a demo year's first eight months without steward mistakes, each
with one outlier planted from July on (a realisation ten times its history, a year's samples typed in
one month): 18 files, so the run stays short. The manifest is the
generator's record; the warehouse's ``v_outlier`` and the feedback are the pipeline's.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from demo.generator import generate_year
from demo.mistakes import OUTLIER_KINDS
from flows.select import select_years
from runs import collect
from sakip.settings import Settings
from sinks.warehouse.db import open_warehouse

UNITS = ["LOKA-BMS", "BBPOM-SBY"]
YEAR = 2023


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo-outliers")
    manifest = generate_year(YEAR, root / "inbox", mistake_rate=0.0, outlier_rate=1.0, units=UNITS, workers=1,
                              months=range(1, 9))
    settings = Settings(warehouse_url=f"sqlite:///{root / 'warehouse.sqlite'}", inbox=root / "inbox",
                        out=root / "out", lock_days=None)
    engine = open_warehouse(settings.warehouse_url)
    outcomes = collect(engine, settings, select_years(settings, YEAR, YEAR))
    with engine.connect() as conn:
        flagged = pd.read_sql(text("SELECT unit_code, month, sheet, cell, value, status FROM v_outlier"), conn)
    return manifest, {f"{o.unit_folder}/{o.file_name}": o for o in outcomes}, flagged


def test_every_unit_has_one_outlier_of_each_kind_planted(run):
    manifest, _, _ = run
    assert sorted(o.unit_code for o in manifest.outliers) == sorted(UNITS)
    assert {o.kind for o in manifest.outliers} == set(OUTLIER_KINDS)
    assert all(o.rule_id == "outlier" and o.severity == "warning" and not o.rejected for o in manifest.outliers)


def test_each_planted_outlier_is_flagged_at_its_cell_and_no_clean_value_is(run):
    manifest, _, flagged = run
    planted = {(o.unit_code, o.month, o.sheet, o.cell) for o in manifest.outliers}
    found = set(flagged[["unit_code", "month", "sheet", "cell"]].itertuples(index=False, name=None))
    assert found == planted
    assert set(flagged["status"]) == {"open"}


def test_outliers_are_warnings_every_file_gets_its_expected_verdict(run):
    manifest, by_file, _ = run
    for record in manifest.files:
        outcome = by_file[record.file]
        assert (outcome.status, outcome.verdict) == ("loaded", record.expected), record
        problems = json.loads(Path(outcome.feedback_json).read_text(encoding="utf-8"))["problems"]
        assert {p["rule_id"] for p in problems} == set(record.expected_warnings), record
