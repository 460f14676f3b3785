"""Hardening through the real collection: implausible values and unbounded text are rejected at their
cells and change nothing; a year without a scoring policy stores and audits the files and waits for the
policy instead of breaking the run; a warehouse lock held too long ends the run with an Indonesian
message and nothing half-stored (SQLite and PostgreSQL)."""
from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

import kupang
from flows import run
from flows.runners import InProcess
from flows.select import select_files
from runs import collect, settings_for
from sinks.templates import write_workbook
from sinks.warehouse import db
from sinks.warehouse import schema as s

SQLITE = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
PLAN_DAY, JANUARY_DAY = date(2023, 1, 21), date(2023, 2, 11)


def _problems(outcome) -> list[dict]:
    return json.loads(Path(outcome.feedback_json).read_text(encoding="utf-8"))["problems"]


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(table)).all())


def _january(settings, edit=None) -> Path:
    identity, frames = kupang.monthly_workbook(1)
    if edit is not None:
        frames = {**frames, "Kinerja": edit(frames["Kinerja"].copy())}
    path = settings.inbox / kupang.UNIT / f"{kupang.UNIT}_2023-01.xlsx"
    write_workbook("bulanan", identity, frames, path)
    return path


def _plan_loaded(engine, tmp_path, **extra):
    settings = settings_for(engine, tmp_path, **extra)
    kupang.write_kupang_inbox(settings.inbox, months=range(0))
    assert [o.status for o in collect(engine, settings, select_files(settings, "rencana", 2023),
                                      today=PLAN_DAY)] == ["loaded"]
    return settings


def _no_ratio_persen_row(kinerja: pd.DataFrame) -> int:
    """A Kinerja row of a persen indicator with a realisation and no Pembilang/Penyebut."""
    plan = kupang.plan_workbook()[1]["Indikator"].set_index("indicator_code")["unit_of_measure"]
    fit = (kinerja["indicator_code"].map(plan).eq("persen") & kinerja["realisasi"].notna()
           & kinerja["numerator"].isna())
    return int(fit[fit].index[0])


def test_an_impossible_realisation_is_rejected_at_its_cell_and_stores_nothing(engine, tmp_path):
    settings = _plan_loaded(engine, tmp_path)

    def million(kinerja):
        row = _no_ratio_persen_row(kinerja)
        return kinerja.assign(realisasi=kinerja["realisasi"].mask(kinerja.index == row, 1_000_000.0))

    _january(settings, million)
    outcome, = collect(engine, settings, select_files(settings, "bulanan", 2023, 1), today=JANUARY_DAY)
    assert outcome.status == "rejected"
    found = [p for p in _problems(outcome) if p["rule_id"] == "value_implausible"]
    assert [(p["sheet"], p["column"], p["severity"]) for p in found] == [("Kinerja", "Realisasi", "error")]
    assert "persen" in found[0]["message"] and "1.000" in found[0]["message"]
    assert _count(engine, s.fact_indicator_month) == 0, "a rejected file changes no fact"


@SQLITE
def test_a_megabyte_kendala_is_rejected_naming_the_limit_and_never_stored(engine, tmp_path):
    settings = _plan_loaded(engine, tmp_path)
    _january(settings, lambda kinerja: kinerja.assign(kendala="Kendala yang sangat panjang. " * 36_000))
    outcome, = collect(engine, settings, select_files(settings, "bulanan", 2023, 1), today=JANUARY_DAY)
    assert outcome.status == "rejected"
    found = [p for p in _problems(outcome) if p["rule_id"] == "text_too_long"]
    assert found and all(p["column"] == "Kendala" and "batasnya 4.000 karakter" in p["message"] for p in found)
    assert all(len(p["value"]) <= 120 for p in found)
    with engine.connect() as conn:
        longest = conn.execute(text("SELECT MAX(LENGTH(message)) FROM audit_problem")).scalar()
    assert longest <= 800 and _count(engine, s.fact_indicator_month) == 0


def _policy_dir_without(tmp_path: Path, year: int) -> Path:
    """A copy of the scoring policies whose index lacks ``year``."""
    folder = tmp_path / "policies"
    shutil.copytree(Path(db.__file__).resolve().parents[2] / "reference" / "policies", folder)
    index = yaml.safe_load((folder / "index.yaml").read_text(encoding="utf-8"))
    index["years"].pop(year)
    index["unit_overrides"] = [r for r in index.get("unit_overrides") or [] if int(r["year"]) != year]
    (folder / "index.yaml").write_text(yaml.safe_dump(index), encoding="utf-8")
    return folder


@SQLITE
def test_a_year_without_a_scoring_policy_is_stored_audited_and_waits_for_its_policy(engine, tmp_path, caplog):
    policies = _policy_dir_without(tmp_path, 2023)
    settings = settings_for(engine, tmp_path, policy_dir=policies)
    kupang.write_kupang_inbox(settings.inbox, months=range(1, 2))
    done = run.collect(engine, settings, select_files(settings, "rencana", 2023), InProcess(), today=PLAN_DAY)
    plan, = done.outcomes
    assert (plan.status, plan.verdict) == ("loaded", "accepted_with_warnings")
    notice, = [p for p in _problems(plan) if p["rule_id"] == "policy_pending"]
    assert (notice["sheet"], notice["column"], notice["severity"]) == ("Identitas", "Nilai", "warning")
    assert "2023" in notice["message"] and "tidak perlu mengirim ulang" in notice["expected"].lower()
    assert done.derived.waiting == (("BPOM-KPG", 2023),)
    assert "Belum ada kebijakan penilaian untuk tahun 2023" in caplog.text
    with engine.connect() as conn:
        audited = conn.execute(text("SELECT p.rule_id FROM audit_problem p JOIN audit_submission a "
                                    "ON a.submission_id = p.submission_id WHERE a.kind = 'rencana'")).scalars().all()
        state = conn.execute(text("SELECT raw_seq, derived_seq FROM unit_year_state")).one()
    assert "policy_pending" in audited
    assert state[0] > (state[1] or 0), "the unit-year stays stale: marked as waiting for its policy"
    again = run.collect(engine, settings, select_files(settings, "bulanan", 2023, 1), InProcess(), today=JANUARY_DAY)
    assert [o.status for o in again.outcomes] == ["loaded"], "the next file of the year is not blocked"

    shutil.copy(Path(db.__file__).resolve().parents[2] / "reference" / "policies" / "index.yaml", policies)
    later = run.collect(engine, settings, select_files(settings, "bulanan", 2023, 2), InProcess(), today=JANUARY_DAY)
    assert later.derived.waiting == () and ("BPOM-KPG", 2023) in later.derived.unit_years
    assert _count(engine, s.fact_indicator_month) > 0


# -- a lock held too long ----------------------------------------------------------------------------

def _hold_the_warehouse(engine, url: str):
    """Another process's writer holding the lock Kupang's plan needs; returns its release."""
    if engine.dialect.name == "sqlite":
        holder = sqlite3.connect(make_url(url).database, timeout=1, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        return lambda: (holder.execute("ROLLBACK"), holder.close())
    other = db.make_engine(url)
    conn = other.connect()
    conn.execute(select(text(f"pg_advisory_lock({db._lock_id('unit-year', kupang.UNIT, kupang.YEAR)})")))
    conn.commit()
    return lambda: (conn.close(), other.dispose())


def test_a_lock_held_too_long_ends_the_run_in_indonesian_with_nothing_half_stored(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(db, "LOCK_TIMEOUT_S", 1)
    url = engine.url.render_as_string(hide_password=False)
    writer = db.make_engine(url)  # connections made now wait LOCK_TIMEOUT_S
    settings = settings_for(writer, tmp_path)
    kupang.write_kupang_inbox(settings.inbox, months=range(0))
    release = _hold_the_warehouse(writer, url)
    guard = threading.Timer(20, release)  # never hang the suite, whatever happens
    guard.start()
    try:
        with pytest.raises(db.WarehouseBusy) as raised:
            collect(writer, settings, select_files(settings, "rencana", 2023), today=PLAN_DAY)
    finally:
        guard.cancel()
        release()
    assert "gudang data sedang dikunci" in str(raised.value) and "1 detik" in str(raised.value)
    assert _count(writer, s.audit_submission) == 0 and _count(writer, s.plan_indicator) == 0
    assert [o.status for o in collect(writer, settings, select_files(settings, "rencana", 2023),
                                      today=PLAN_DAY)] == ["loaded"], "the same run, once the lock is gone"
    writer.dispose()


def test_the_cli_run_ends_with_exit_code_75_and_an_indonesian_message_when_the_warehouse_is_locked(
        sakip_env, monkeypatch):
    from typer.testing import CliRunner

    from sakip.cli import EXIT_BUSY, app
    from sakip.settings import get_settings

    monkeypatch.setattr(db, "LOCK_TIMEOUT_S", 1)
    settings = get_settings()
    db.open_warehouse(settings.warehouse_url)  # migrated and seeded before another process takes the lock
    kupang.write_kupang_inbox(settings.inbox, months=range(0))
    release = _hold_the_warehouse(db.open_warehouse(settings.warehouse_url), settings.warehouse_url)
    guard = threading.Timer(20, release)
    guard.start()
    try:
        result = CliRunner().invoke(app, ["plan", "--year", "2023"])
    finally:
        guard.cancel()
        release()
        db.open_warehouse.cache_clear()
    assert result.exit_code == EXIT_BUSY == 75, result.output
    assert "Gagal: gudang data sedang dikunci" in result.output and "Traceback" not in result.output
