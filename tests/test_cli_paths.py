"""The CLI's failure paths and maintenance commands: a report run that cannot write its reports (exit 1, one
``GAGAL`` line each), a warehouse locked by another process (exit 75, ``EXIT_BUSY``, for ``report``, ``override``
and ``rescore``, nothing stored), a ``report`` without a target, and ``db upgrade`` / ``dictionary`` / ``bi-role``.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from sakip.cli import EXIT_BUSY, app
from sinks.warehouse import db

runner = CliRunner()
UNIT = "BPOM-KPG"


def _plain(output: str) -> str:
    return " ".join(output.replace("│", " ").split())


def _count(env: Path, table: str) -> int:
    engine = create_engine(f"sqlite:///{env / 'warehouse.sqlite'}")
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar())
    finally:
        engine.dispose()


def test_report_without_a_target_is_a_usage_error(kupang_env: Path):
    result = runner.invoke(app, ["report", "--quarter", "2023-Q2"])
    assert result.exit_code == 2 and "sebutkan --unit KODE, --all atau --national" in _plain(result.output)


def test_a_report_that_cannot_be_written_is_reported_failed_and_the_run_exits_1(kupang_env: Path):
    (kupang_env / "out" / "laporan").write_text("bukan folder", encoding="utf-8")  # the reports' folder is a file
    result = runner.invoke(app, ["report", "--quarter", "2023-Q2", "--unit", UNIT, "--national"])
    assert result.exit_code == 1, result.output
    failed = [line for line in result.output.splitlines() if line.startswith("GAGAL")]
    assert [line.split(":")[0] for line in failed] == [f"GAGAL {UNIT} 2023-Q2", "GAGAL nasional 2023-Q2"]
    assert "Traceback" not in result.output
    assert _count(kupang_env, "report_version") == 0


# ---------------------------------------------------------------------------------- a locked warehouse

@pytest.fixture
def locked(kupang_env: Path, monkeypatch: pytest.MonkeyPatch):
    """The Kupang warehouse, migrated and opened, then held by another process's write transaction
    (``BEGIN IMMEDIATE``) while the test runs; writers give up after 1 s."""
    from sakip.settings import get_settings

    monkeypatch.setattr(db, "LOCK_TIMEOUT_S", 1)
    db.open_warehouse(get_settings().warehouse_url)
    holder = sqlite3.connect(kupang_env / "warehouse.sqlite", timeout=1, isolation_level=None)

    def release() -> None:
        if holder.in_transaction:
            holder.execute("ROLLBACK")

    holder.execute("BEGIN IMMEDIATE")
    guard = threading.Timer(20, release)  # never hang the suite
    guard.start()
    yield kupang_env
    guard.cancel()
    release()
    holder.close()
    db.open_warehouse.cache_clear()


def _busy(result) -> None:
    assert result.exit_code == EXIT_BUSY == 75, result.output
    assert "Gagal: gudang data sedang dikunci oleh proses lain lebih dari 1 detik" in _plain(result.output)
    assert "Traceback" not in result.output


def test_override_and_rescore_on_a_locked_warehouse_exit_75_with_nothing_stored(locked: Path):
    _busy(runner.invoke(app, ["override", "--unit", UNIT, "--year", "2023", "--month", "6", "--indicator", "IKU-1",
                              "--value", "95", "--reason", "Koreksi", "--by", "Ani"]))
    _busy(runner.invoke(app, ["rescore", "--year", "2023"]))
    assert _count(locked, "audit_capaian_override") == 0


def test_a_report_run_that_must_derive_first_on_a_locked_warehouse_exits_75(kupang_env: Path, monkeypatch):
    from sakip.settings import get_settings
    from sinks.warehouse import load

    monkeypatch.setattr(db, "LOCK_TIMEOUT_S", 1)
    engine = db.open_warehouse(get_settings().warehouse_url)
    indicator = engine.connect().execute(text(
        "SELECT indicator_code FROM plan_indicator WHERE unit_code = :u AND year = 2023 LIMIT 1"), {"u": UNIT}).scalar()
    load.add_override(engine, unit_code=UNIT, year=2023, month=6, indicator_code=indicator, capaian_pct=95.0,
                      reason="Koreksi", set_by="Ani")  # a raw fact newer than the derived ones: the run derives first
    holder = sqlite3.connect(kupang_env / "warehouse.sqlite", timeout=1, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    guard = threading.Timer(20, lambda: holder.in_transaction and holder.execute("ROLLBACK"))
    guard.start()
    try:
        result = runner.invoke(app, ["report", "--quarter", "2023-Q2", "--unit", UNIT])
    finally:
        guard.cancel()
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()
        db.open_warehouse.cache_clear()
    _busy(result)
    assert not list((kupang_env / "out").rglob("*.docx")), "no report built from old figures"


# ------------------------------------------------------------------------------------------ db commands

def test_db_upgrade_creates_the_warehouse_and_the_dictionary_is_written(sakip_env: Path):
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0 and "Gudang data mutakhir." in upgraded.output
    assert _count(sakip_env, "alembic_version") == 1 and _count(sakip_env, "dim_unit") > 0
    target = sakip_env / "kamus.md"
    written = runner.invoke(app, ["db", "dictionary", "-o", str(target)])
    assert written.exit_code == 0 and f"Kamus data ditulis: {target}" in _plain(written.output)
    dictionary = target.read_text(encoding="utf-8")
    assert "control_quarter_event" in dictionary and "portal_user" in dictionary


def test_db_bi_role_on_sqlite_changes_nothing_and_says_so_in_the_log(sakip_env: Path, caplog):
    caplog.set_level(logging.INFO, logger="sinks.warehouse.roles")
    result = runner.invoke(app, ["db", "bi-role", "--statement-timeout", "30s"])
    assert result.exit_code == 0 and "Peran sakip_bi siap." in result.output
    assert "create_bi_role: sqlite has no roles; nothing done for 'sakip_bi'" in caplog.messages


# ------------------------------------------------------------------------------ collections and runs

def test_run_year_of_a_year_without_a_demo_scenario_plays_no_scenario(kupang_env: Path):
    result = runner.invoke(app, ["run-year", "--year", "2023", "--no-reports"])
    assert result.exit_code == 0, result.output
    assert "Ringkasan: duplicate 7" in result.output and "Demo:" not in result.output
    assert _count(kupang_env, "control_quarter_event") == 0


def test_a_file_sent_through_a_folder_that_is_not_a_unit_code_is_checked_against_the_unit_it_names(kupang_env: Path):
    import json

    import kupang
    from sinks.templates import write_workbook

    identity, frames = kupang.monthly_workbook(5)
    path = kupang_env / "inbox" / "kupang" / f"{UNIT}_2023-05_rev1.xlsx"
    write_workbook("bulanan", {**identity, "revision_note": "Koreksi"}, frames, path)
    result = runner.invoke(app, ["collect", "--period", "2023-05", "--no-late"])
    assert result.exit_code == 0, result.output
    assert f"rejected   {path.name}" in result.output
    report = kupang_env / "out" / "umpan-balik" / "kupang" / f"{path.stem}_umpan-balik.json"
    problems = json.loads(report.read_text(encoding="utf-8"))["problems"]
    assert [p["rule_id"] for p in problems if p["severity"] == "error"] == ["unit_mismatch_folder"]
    assert "berbeda dengan folder pengiriman 'kupang'" in problems[0]["message"]
