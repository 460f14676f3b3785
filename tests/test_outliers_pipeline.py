"""Outliers and their follow-up through the real collection, on SQLite and PostgreSQL.

The Kupang warehouse (plan + January-June 2023, built once per backend) holds the unit's history. A
corrected June file with a realisation ten times its history, a month's spending ten times too large
and a year's samples typed in one month is still accepted, with an ``outlier`` warning at each of those
cells quoting the history. The centre marks two of them as checked (``sakip follow-up``); the same
values sent again come back as checked notes, not warnings, and ``v_outlier`` says who checked them and why.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from typer.testing import CliRunner

import kupang
from flows.select import select_files, select_years
from runs import collect
from sakip import settings as settings_module
from sakip.cli import app
from sakip.settings import Settings
from sinks.templates import write_workbook
from sinks.warehouse import db

REV = "Koreksi data Juni setelah verifikasi"


def _view(engine, sql: str, **params) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn, params=params)


def _june(factor_indicator: str, ro: tuple[str, str], commodity: tuple[str, str], note: str):
    """Kupang's June with an indicator's realisation x10, an RO line's spending x10 and a sample row's
    Jumlah Sampel x12 (everything else as sent)."""
    identity, frames = kupang.monthly_workbook(6)
    kin, ang, smp = frames["Kinerja"], frames["Anggaran"], frames["Sampling"]
    frames["Kinerja"] = kin.assign(realisasi=kin["realisasi"].mask(kin["indicator_code"] == factor_indicator,
                                                                   kin["realisasi"] * 10))
    line = (ang["ro_code"] == ro[0]) & (ang["expense_type"].astype(str) == ro[1])
    frames["Anggaran"] = ang.assign(spent_month_rp=ang["spent_month_rp"].mask(line, ang["spent_month_rp"] * 10))
    row = (smp["commodity"] == commodity[0]) & (smp["method"] == commodity[1])
    frames["Sampling"] = smp.assign(sampled=smp["sampled"].mask(row, smp["sampled"] * 12))
    return {**identity, "revision_note": note}, frames


def _targets() -> tuple[str, tuple[str, str], tuple[str, str]]:
    """A flat indicator without ratio, the largest RO line and the largest sample row of Kupang's June."""
    plan = kupang.plan_workbook()[1]["Indikator"]
    _, frames = kupang.monthly_workbook(6)
    kin = frames["Kinerja"].merge(plan[["indicator_code", "pattern"]], on="indicator_code")
    flat = kin[(kin["pattern"] == "flat") & kin["numerator"].isna() & kin["realisasi"].gt(0)]
    ang = frames["Anggaran"].sort_values("spent_month_rp", ascending=False).iloc[0]
    smp = frames["Sampling"].sort_values("sampled", ascending=False).iloc[0]
    return flat["indicator_code"].iloc[0], (ang["ro_code"], str(ang["expense_type"])), (smp["commodity"], smp["method"])


def _send(engine, settings: Settings, name: str, identity: dict, frames: dict):
    path = settings.inbox / kupang.UNIT / name
    write_workbook("bulanan", identity, frames, path)
    outcomes = [o for o in collect(engine, settings, select_files(settings, "bulanan", 2023, 6))
                if o.file_name == name]
    assert [o.status for o in outcomes] == ["loaded"], outcomes
    return outcomes[0], json.loads(Path(outcomes[0].feedback_json).read_text(encoding="utf-8")), path


def _at(path: Path, sheet: str, cell: str) -> tuple[object, object]:
    """The first column (the row's code) and the value of a cell in a written workbook."""
    ws = load_workbook(path)[sheet]
    return ws[f"A{ws[cell].row}"].value, ws[cell].value


@pytest.fixture
def private(kupang_copy):
    engine, copy = kupang_copy
    return engine, Settings(warehouse_url=copy.url, inbox=copy.inbox, out=copy.out, lock_days=None)


def test_the_golden_case_has_no_outlier(kupang_shared):
    engine, _ = kupang_shared
    assert _view(engine, "SELECT * FROM v_outlier").empty
    assert _view(engine, "SELECT COUNT(*) AS n FROM audit_problem WHERE rule_id = 'outlier'")["n"].iloc[0] == 0


def test_flagged_values_are_warned_followed_up_and_then_shown_as_checked(private, monkeypatch):
    engine, settings = private
    indicator, ro, commodity = _targets()
    outcome, payload, path = _send(engine, settings, f"{kupang.UNIT}_2023-06_rev1.xlsx",
                                   *_june(indicator, ro, commodity, REV))
    assert outcome.verdict == "accepted_with_warnings" and outcome.n_errors == 0
    flagged = [p for p in payload["problems"] if p["rule_id"] == "outlier"]
    where = {p["sheet"]: p for p in flagged}
    assert set(where) == {"Kinerja", "Anggaran", "Sampling"}, flagged
    assert _at(path, "Kinerja", where["Kinerja"]["cell"])[0] == indicator
    assert _at(path, "Anggaran", where["Anggaran"]["cell"])[0] == ro[0]
    assert _at(path, "Sampling", where["Sampling"]["cell"])[0] is not None
    assert all(p["severity"] == "warning" and "sekarang" in p["message"] and "bulan lalu" in p["message"]
               for p in flagged)
    opened = _view(engine, "SELECT sheet, cell, item_code, status FROM v_outlier WHERE unit_code = :u",
                   u=kupang.UNIT)
    assert set(opened["status"]) == {"open"} and len(opened) == 3

    monkeypatch.setenv("SAKIP_WAREHOUSE_URL", settings.warehouse_url)
    settings_module.get_settings.cache_clear()
    db.open_warehouse.cache_clear()
    runner = CliRunner()
    by_code = runner.invoke(app, ["follow-up", "--unit", kupang.UNIT, "--period", "2023-06", "--indicator", indicator,
                                  "--reason", "Nilai benar: survei ulang", "--by", "Ani (Pusat)"])
    assert by_code.exit_code == 0, by_code.output
    cell = where["Anggaran"]["cell"]
    by_cell = runner.invoke(app, ["follow-up", "--unit", kupang.UNIT, "--period", "2023-06", "--sheet", "Anggaran",
                                  "--cell", cell, "--reason", "Pembayaran kontrak sekaligus", "--by", "Maria Seran",
                                  "--role", "steward"])
    assert by_cell.exit_code == 0, by_cell.output
    nothing = runner.invoke(app, ["follow-up", "--unit", kupang.UNIT, "--period", "2023-06", "--sheet", "Kinerja",
                                  "--cell", "A1", "--reason", "x", "--by", "y"])
    assert nothing.exit_code == 1 and "tidak ditandai sebagai pencilan" in nothing.output
    settings_module.get_settings.cache_clear()
    db.open_warehouse.cache_clear()
    marked = _view(engine, "SELECT sheet, status, checked_by, checked_role, reason FROM v_outlier "
                           "WHERE unit_code = :u ORDER BY sheet", u=kupang.UNIT).set_index("sheet")
    assert marked.loc["Kinerja", "status"] == "checked" and marked.loc["Kinerja", "checked_by"] == "Ani (Pusat)"
    assert marked.loc["Anggaran", "checked_role"] == "steward" and marked.loc["Sampling", "status"] == "open"

    again, payload, _ = _send(engine, settings, f"{kupang.UNIT}_2023-06_rev2.xlsx",
                              *_june(indicator, ro, commodity, REV + " (dikirim ulang)"))
    warned = {p["sheet"] for p in payload["problems"] if p["rule_id"] == "outlier"}
    assert warned == {"Sampling"}
    notes = {n["sheet"]: n for n in payload["checked"]}
    assert set(notes) == {"Kinerja", "Anggaran"}
    assert "Sudah diperiksa oleh Ani (Pusat)" in notes["Kinerja"]["message"]
    assert "Survei ulang".lower() in notes["Kinerja"]["message"].lower()
    assert "pengelola data unit" in notes["Anggaran"]["message"]
    book = load_workbook(again.feedback_xlsx)
    comment = book["Kinerja"][notes["Kinerja"]["cell"]].comment
    assert comment is not None and "Sudah diperiksa" in comment.text
    stored = _view(engine, "SELECT o.sheet, o.followup_id FROM audit_outlier o JOIN audit_submission a "
                           "ON a.submission_id = o.submission_id WHERE a.is_current AND a.unit_code = :u",
                   u=kupang.UNIT).set_index("sheet")
    assert stored.loc["Kinerja", "followup_id"] > 0 and pd.isna(stored.loc["Sampling", "followup_id"])
    audit = _view(engine, "SELECT checked_by, reason, value FROM audit_outlier_followup ORDER BY followup_id")
    assert audit["checked_by"].tolist() == ["Ani (Pusat)", "Maria Seran"]


def test_a_chunk_reads_the_history_once_whatever_its_number_of_files(kupang_shared, tmp_path):
    """The workers' reads: one statement for the history of every unit of a chunk and one for the
    follow-up marks, not one per file (``flows.outliers.contexts``)."""
    from sqlalchemy import event

    from flows.intake import Chunk, jobs_of, prepare_chunk
    from sources.inbox import with_content

    engine, built = kupang_shared
    settings = Settings(warehouse_url=built.url, inbox=built.inbox, out=tmp_path / "out", lock_days=None)
    files = select_years(settings, 2023, 2023)
    jobs = jobs_of(with_content(files[files["file_name"].str.contains("2023-0")]), settings.timezone)
    assert len(jobs) == 6  # January to June: a chunk of six files
    statements: list[str] = []
    worker = db.worker_engine(settings.warehouse_url)
    listen = lambda conn, cursor, statement, *rest: statements.append(statement)  # noqa: E731
    event.listen(worker, "before_cursor_execute", listen)
    try:
        prepared = prepare_chunk(Chunk(tuple(jobs), settings))
    finally:
        event.remove(worker, "before_cursor_execute", listen)
    assert all(p.error is None for p in prepared)
    assert sum("UNION ALL" in s and "fact_sampling" in s for s in statements) == 1
    assert sum("audit_outlier_followup" in s for s in statements) == 1
