"""A demo year through the real collection: every clean file accepted, every planted mistake found with
its rule at its cell, for every kind of mistake the generator plants.

Five units of every type (Balai Besar, Balai, two Loka, central) and a high mistake rate, so every kind
appears (the seed is chosen for that; the test checks it); the whole year of every unit is
tests/test_demo_year_all_units.py (``make test-slow``). The manifest is the generator's record of what
it planted; the outcomes and feedback are the pipeline's; nothing here re-implements a rule.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from demo.generator import generate_year
from demo.mistakes import KINDS
from flows.intake import FileOutcome
from flows.select import select_years
from runs import collect
from sakip.settings import Settings
from sinks.warehouse.db import open_warehouse

UNITS = ["BBPOM-SRG", "BPOM-KDI", "LOKA-ATG", "PUSAT-WASPROD-PO", "LOKA-BMS"]
YEAR = 2023


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Generate the inbox, then run the plans and months 1-12 through the pipeline (one backfill run)."""
    root = tmp_path_factory.mktemp("demo")
    inbox = root / "inbox"
    generate_year(YEAR, inbox, seed=3, mistake_rate=0.7, units=UNITS)
    manifest = json.loads((inbox / "_manifest.json").read_text(encoding="utf-8"))
    settings = Settings(warehouse_url=f"sqlite:///{root / 'warehouse.sqlite'}", inbox=inbox, out=root / "out")
    outcomes = collect(open_warehouse(settings.warehouse_url), settings, select_years(settings, YEAR, YEAR))
    by_file = {f"{o.unit_folder}/{o.file_name}": o for o in outcomes}
    return manifest, by_file


def _problems(outcome: FileOutcome) -> list[dict]:
    return json.loads(Path(outcome.feedback_json).read_text(encoding="utf-8"))["problems"]


def test_the_demo_plants_every_kind_of_mistake(run):
    manifest, _ = run
    assert {m["kind"] for m in manifest["mistakes"]} == set(KINDS)


def test_every_file_is_processed_once_with_its_expected_verdict(run):
    manifest, by_file = run
    assert set(by_file) == {f["file"] for f in manifest["files"]}
    for f in manifest["files"]:
        outcome = by_file[f["file"]]
        got = outcome.status if outcome.status in ("duplicate", "rejected") else outcome.verdict
        assert got == f["expected"], (f["file"], f.get("mistake"), _problems(outcome) if outcome.feedback_json else None)


def test_clean_files_have_no_problems_beyond_the_expected_warnings(run):
    manifest, by_file = run
    for f in manifest["files"]:
        if f["expected"] in ("accepted", "accepted_with_warnings") and not f.get("mistake"):
            rules = {p["rule_id"] for p in _problems(by_file[f["file"]])}
            assert rules <= set(f.get("expected_warnings") or []), (f["file"], rules)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_of_mistake_is_reported_with_its_rule_at_its_cell(run, kind):
    manifest, by_file = run
    planted = [m for m in manifest["mistakes"] if m["kind"] == kind]
    assert planted, f"no {kind} planted"
    for m in planted:
        outcome = by_file[m["file"]]
        if m["rule_id"] is None:  # tolerated habits, resent copies, corrections: no problem at that cell
            assert outcome.status in ("loaded", "duplicate"), (m["file"], outcome.status)
            if outcome.feedback_json and m.get("cell"):
                cells = {(p["sheet"], p["cell"]) for p in _problems(outcome)}
                assert (m["sheet"], m["cell"]) not in cells, m
            continue
        found = {(p["rule_id"], p["sheet"], p["cell"]) for p in _problems(outcome)}
        assert (m["rule_id"], m["sheet"], m["cell"]) in found, (m, found)
        assert (outcome.status == "rejected") == m["rejected"], (m["file"], outcome.status)
        errors = {p["rule_id"] for p in _problems(outcome) if p["severity"] == "error"}
        assert errors <= {m["rule_id"], *m.get("also", [])}, (m["file"], errors)
