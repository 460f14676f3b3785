"""The Prefect flows, run for real under Prefect's test harness (a temporary local server, once per
session): plan and collection of Kupang's workbooks, a corrupt file from another unit that must not stop
Kupang, artifacts, the quarterly reports flow, and the backfill flow over a demo inbox.

These test the wiring (what each flow selects, stores, publishes and returns): the rules themselves are
tested on the plain steps. A collection of month M also takes the months before it that were never
collected (late files), so one collection flow run loads Kupang's January to May."""
from __future__ import annotations

from pathlib import Path

import pytest

import kupang

pytestmark = [pytest.mark.prefect, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture
def env(sakip_env: Path) -> Path:
    """Settings for the flows: a fresh SQLite warehouse, inbox and output folder under tmp_path."""
    return sakip_env


def _corrupt_file_from_another_unit(inbox: Path) -> Path:
    path = inbox / "BBPOM-SBY" / "BBPOM-SBY_2023-06.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    return path


def test_collection_flow_loads_one_unit_and_rejects_anothers_bad_file(env: Path):
    from flows.collect import collect_month
    from flows.plan import load_plans

    kupang.write_kupang_inbox(env / "inbox", months=range(1, 6))
    plans = load_plans(2023)
    assert [row["status"] for row in plans] == ["loaded"]
    assert [(row["status"], row["month"]) for row in collect_month("2023-05")] == [("loaded", m) for m in range(1, 6)]
    kupang.write_kupang_inbox(env / "inbox", months=range(6, 7))
    bad = _corrupt_file_from_another_unit(env / "inbox")
    june = {row["file_name"]: row for row in collect_month("2023-06")}
    assert june["BPOM-KPG_2023-06.xlsx"]["status"] == "loaded"
    assert june[bad.name]["status"] == "rejected"
    feedback = Path(june[bad.name]["feedback_xlsx"])
    assert feedback.exists(), "the steward of the bad file still gets a feedback workbook"
    from prefect.artifacts import Artifact

    for key in ("masalah-bbpom-sby-2023-06", "verdict-2023-06"):
        artifact = Artifact.get(key)
        assert artifact is not None and artifact.type == "table", key
    again = collect_month("2023-06")
    assert {row["status"] for row in again} == {"duplicate"}


def test_reports_flow_builds_the_complete_units_quarter_and_the_national_roll_up(kupang_env: Path):
    from flows.report import quarterly_reports

    env = kupang_env  # Kupang's plan and January-June collected (the collection flow is tested above)
    rows = quarterly_reports("2023-Q2")
    assert len(rows) == 2 and not any(r["laporan"].startswith("GAGAL") for r in rows)
    assert sorted(p.suffix for p in (env / "out" / "laporan").rglob("*_v1.*") if p.suffix in {".docx", ".pdf"}) == \
        [".docx", ".docx", ".pdf", ".pdf"]
    again = quarterly_reports("2023-Q2")
    assert len(again) == 2 and all("v1:" in r["laporan"] and "versi yang ada dipakai" in r["laporan"] for r in again), \
        "same data: the same report versions, nothing rebuilt"
    assert not list((env / "out" / "laporan").rglob("*_v2.*"))


def test_reports_flow_rebuilds_every_report_whose_data_a_later_correction_changed(kupang_env: Path):
    from flows.collect import collect_month
    from flows.report import quarterly_reports
    from sinks.templates import write_workbook

    env = kupang_env  # Kupang's plan and January-June collected
    quarterly_reports("2023-Q1", national=False)
    quarterly_reports("2023-Q2", national=False)
    # August: a corrected February (feeds TW I and the cumulative months of TW II) arrives
    identity, frames = kupang.monthly_workbook(2)
    identity = {**identity, "revision_note": "Koreksi data Februari"}
    write_workbook("bulanan", identity, frames.copy() | {"Kinerja": frames["Kinerja"].assign(
        kendala="Kendala diperbarui setelah verifikasi")}, env / "inbox" / kupang.UNIT / f"{kupang.UNIT}_2023-02_rev1.xlsx")
    # the scheduled collection of July also takes the correction of an earlier month
    assert [(r["status"], r["month"]) for r in collect_month("2023-07")] == [("loaded", 2)]
    rows = quarterly_reports("2023-Q2", national=False)  # the event/scheduled run: Q2 plus every stale report
    lines = [r["laporan"] for r in rows]
    assert any(line.startswith(f"unit {kupang.UNIT} 2023-Q1 v2") and "Februari 2023" in line for line in lines), lines
    assert any(line.startswith(f"unit {kupang.UNIT} 2023-Q2 v2") and "Februari 2023" in line for line in lines), lines
    assert len(lines) == 2
    assert quarterly_reports("2023-Q2", national=False, refresh_stale=False)[0]["laporan"].endswith(
        "versi yang ada dipakai)")


def test_backfill_flow_over_a_demo_inbox_gives_every_file_its_planted_verdict_and_problem(env: Path):
    """``sakip demo`` then the Prefect backfill flow: every file as the manifest expects, and every
    planted error reported with its rule at its cell. The wiring is under test, so a quarter of three
    units (plans, accepted, warned and rejected files) is enough; the full mapping per kind of mistake
    over a year is tests/test_demo_pipeline.py, on the same orchestration without Prefect."""
    import json

    from prefect.artifacts import Artifact

    from demo.generator import generate_year
    from flows.backfill import backfill


    generate_year(2023, env / "inbox", seed=1, mistake_rate=0.5, units=["BPOM-KPG", "LOKA-BMS", "PUSAT-INTEL"],
                  workers=1, months=range(1, 4))
    manifest = json.loads((env / "inbox" / "_manifest.json").read_text(encoding="utf-8"))
    rows = backfill(2023, 2023)
    assert Artifact.get("backfill-2023-2023") is not None
    by_file = {f"{r['unit_folder']}/{r['file_name']}": r for r in rows}
    assert set(by_file) == {f["file"] for f in manifest["files"]}
    for f in manifest["files"]:
        row = by_file[f["file"]]
        assert (row["status"] if row["status"] in ("duplicate", "rejected") else row["verdict"]) == f["expected"], f
    assert {f["expected"] for f in manifest["files"]} == {"accepted", "accepted_with_warnings", "rejected"}
    errors = [m for m in manifest["mistakes"] if m["rule_id"] is not None and m["severity"] == "error"]
    assert errors, "the seed plants errors"
    for m in errors:
        problems = json.loads(Path(by_file[m["file"]]["feedback_json"]).read_text(encoding="utf-8"))["problems"]
        assert (m["rule_id"], m["sheet"], m["cell"]) in {(p["rule_id"], p["sheet"], p["cell"]) for p in problems}, m
