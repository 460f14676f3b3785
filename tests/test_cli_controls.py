"""The control commands through the CLI (``sakip approve`` / ``reopen`` / ``unlock`` / ``follow-up``) on a copy
of the Kupang warehouse, and the demo's control scenario: ``sakip demo`` for one unit, then ``sakip run-year``
plays it (approved, a correction rejected, reopened and unlocked, the correction loaded, approved again).

Every command is checked by its exit code, its Indonesian output and the rows it wrote (or did not write).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import Result
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from sakip import cli
from sakip.cli import app

runner = CliRunner()
UNIT = "BPOM-KPG"


def _plain(output: str) -> str:
    """Output as one line: rich draws a usage error in a box, wrapping its message over lines."""
    return " ".join(output.replace("│", " ").split())


def _rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _events(env: Path) -> list[tuple]:
    return _rows(f"sqlite:///{env / 'warehouse.sqlite'}",
                 "SELECT quarter, step, actor, role, reason FROM control_quarter_event ORDER BY event_id")


def _approve(step: str, by: str, role: str, quarter: str = "2023-Q2", unit: str = UNIT) -> Result:
    return runner.invoke(app, ["approve", "--unit", unit, "--quarter", quarter, "--step", step, "--by", by,
                               "--role", role])


# ------------------------------------------------------------------------------------------ approve

def test_approve_takes_the_three_steps_in_their_roles_and_records_who(kupang_env: Path):
    submitted = _approve("diajukan", "Ani", "unit")
    assert submitted.exit_code == 0, submitted.output
    assert "Langkah #1: BPOM-KPG Triwulan II 2023 kini 'Diajukan' (Ani)." in submitted.output
    verified = _approve("diverifikasi", "Budi", "steward")
    assert verified.exit_code == 0 and "kini 'Diverifikasi' (Budi)" in verified.output
    approved = runner.invoke(app, ["approve", "--unit", "Balai POM di Kupang", "--quarter", "2023-Q2", "--step",
                                   "disetujui", "--by", "Kepala Biro", "--role", "centre", "--note", "Lengkap"])
    assert approved.exit_code == 0 and "Langkah #3: BPOM-KPG Triwulan II 2023 kini 'Disetujui'" in approved.output
    assert _events(kupang_env) == [(2, "diajukan", "Ani", "unit", None), (2, "diverifikasi", "Budi", "steward", None),
                                   (2, "disetujui", "Kepala Biro", "centre", "Lengkap")]


def test_a_refused_step_exits_1_with_the_reason_and_records_nothing(kupang_env: Path):
    assert _approve("diajukan", "Ani", "unit").exit_code == 0
    same_person = _approve("diverifikasi", " ani ", "steward")
    assert same_person.exit_code == 1
    assert "Ditolak: BPOM-KPG Triwulan II 2023:" in same_person.output and "orang yang berbeda" in same_person.output
    wrong_role = _approve("diverifikasi", "Budi", "unit")
    assert wrong_role.exit_code == 1 and "bukan oleh peran 'unit'" in wrong_role.output
    not_loaded = _approve("diajukan", "Ani", "unit", quarter="2023-Q3")
    assert not_loaded.exit_code == 1 and "baru 0 dari 3 laporan bulanan" in not_loaded.output
    unknown_role = _approve("diverifikasi", "Budi", "auditor")
    assert unknown_role.exit_code == 1 and "Ditolak: peran 'auditor' tidak dikenal" in unknown_role.output
    assert "Traceback" not in same_person.output + not_loaded.output
    assert _events(kupang_env) == [(2, "diajukan", "Ani", "unit", None)]


@pytest.mark.parametrize(("args", "message"), [
    (["--step", "dibuka_kembali"], "membuka kembali: sakip reopen"),
    (["--step", "selesai"], "--step diajukan, diverifikasi atau disetujui"),
    (["--unit", "Balai Antah Berantah"], "tidak dikenal; gunakan Kode Satker"),
    (["--quarter", "2023-Q5"], "bentuk yang benar YYYY-Qn"),
])
def test_approve_refuses_a_bad_step_unit_or_quarter_before_touching_the_warehouse(kupang_env: Path, args, message):
    given = {"--unit": UNIT, "--quarter": "2023-Q2", "--step": "diajukan", "--by": "Ani", "--role": "unit"}
    given.update(dict(zip(args[::2], args[1::2])))
    result = runner.invoke(app, ["approve", *[x for pair in given.items() for x in pair]])
    assert result.exit_code == 2, result.output
    assert message in _plain(result.output)
    assert _events(kupang_env) == []


# ------------------------------------------------------------------------------------------- reopen

def test_reopen_after_approval_is_the_centres_and_needs_a_reason(kupang_env: Path):
    for step, by, role in (("diajukan", "Ani", "unit"), ("diverifikasi", "Budi", "steward"),
                           ("disetujui", "Kepala Biro", "centre")):
        assert _approve(step, by, role).exit_code == 0
    by_steward = runner.invoke(app, ["reopen", "--unit", UNIT, "--quarter", "2023-Q2", "--reason", "Koreksi",
                                     "--by", "Budi", "--role", "steward"])
    assert by_steward.exit_code == 1 and "Ditolak:" in by_steward.output and "Pusat" in by_steward.output
    no_reason = runner.invoke(app, ["reopen", "--unit", UNIT, "--quarter", "2023-Q2", "--reason", "  ",
                                    "--by", "Kepala Biro"])
    assert no_reason.exit_code == 1 and "dengan alasan" in no_reason.output
    reopened = runner.invoke(app, ["reopen", "--unit", UNIT, "--quarter", "2023-Q2", "--reason",
                                   "Koreksi kendala Mei", "--by", "Kepala Biro"])
    assert reopened.exit_code == 0, reopened.output
    assert "Langkah #4: BPOM-KPG Triwulan II 2023 dibuka kembali (Kepala Biro): Koreksi kendala Mei" in reopened.output
    assert _events(kupang_env)[-1] == (2, "dibuka_kembali", "Kepala Biro", "centre", "Koreksi kendala Mei")
    bad = runner.invoke(app, ["reopen", "--unit", UNIT, "--quarter", "2023Q2", "--reason", "x", "--by", "Kepala Biro"])
    assert bad.exit_code == 2 and len(_events(kupang_env)) == 4


# ------------------------------------------------------------------------------------------- unlock

def _exceptions(env: Path) -> list[tuple]:
    return _rows(f"sqlite:///{env / 'warehouse.sqlite'}",
                 "SELECT unit_code, year, month, reason, granted_by, valid_until FROM control_lock_exception")


def test_unlock_grants_two_weeks_by_default_and_refuses_a_past_end_or_a_future_month(kupang_env: Path):
    from sakip.settings import get_settings

    today = datetime.now(ZoneInfo(get_settings().timezone)).date()
    granted = runner.invoke(app, ["unlock", "--unit", UNIT, "--period", "2023-05", "--reason", "Koreksi Mei",
                                  "--by", "Kepala Biro"])
    assert granted.exit_code == 0, granted.output
    last = today + timedelta(days=14)
    assert (f"Pengecualian #1: BPOM-KPG Mei 2023 dibuka s.d. {last:%d/%m/%Y}; berkas yang sudah ditolak karena kunci "
            "dimuat pada pengumpulan berikutnya.") in _plain(granted.output)
    past = runner.invoke(app, ["unlock", "--unit", UNIT, "--period", "2023-05", "--reason", "Koreksi", "--by", "Kepala Biro",
                               "--until", "2020-01-01"])
    assert past.exit_code == 1 and "Ditolak: tanggal berakhir 01/01/2020 sudah lewat" in past.output
    future = runner.invoke(app, ["unlock", "--unit", UNIT, "--period", f"{today.year + 1}-01", "--reason", "x",
                                 "--by", "Kepala Biro"])
    assert future.exit_code == 1 and "belum dimulai" in future.output
    no_reason = runner.invoke(app, ["unlock", "--unit", UNIT, "--period", "2023-05", "--reason", " ", "--by", "Ani"])
    assert no_reason.exit_code == 1 and "Ditolak: alasan (--reason) wajib diisi" in no_reason.output
    bad_period = runner.invoke(app, ["unlock", "--unit", UNIT, "--period", "2023/05", "--reason", "x", "--by", "Ani"])
    assert bad_period.exit_code == 2 and "bentuk yang benar YYYY-MM" in _plain(bad_period.output)
    bad_unit = runner.invoke(app, ["unlock", "--unit", "XYZ", "--period", "2023-05", "--reason", "x", "--by", "Ani"])
    assert bad_unit.exit_code == 2
    assert _exceptions(kupang_env) == [(UNIT, 2023, 5, "Koreksi Mei", "Kepala Biro", last.isoformat())]


# ---------------------------------------------------------------------------------------- follow-up

@pytest.mark.parametrize(("args", "message"), [
    (["--unit", "Balai Antah Berantah", "--period", "2023-05", "--indicator", "IKU-1"], "tidak dikenal"),
    (["--unit", UNIT, "--period", "Mei 2023", "--indicator", "IKU-1"], "bentuk yang benar YYYY-MM"),
    (["--unit", UNIT, "--period", "2023-05", "--sheet", "Anggaran"], "sebutkan --sheet dan --cell, atau --indicator"),
])
def test_follow_up_refuses_an_unknown_unit_a_bad_period_or_no_value(sakip_env: Path, args, message):
    result = runner.invoke(app, ["follow-up", *args, "--reason", "Sudah dicek", "--by", "Ani"])
    assert result.exit_code == 2, result.output
    assert message in _plain(result.output)
    assert not (sakip_env / "warehouse.sqlite").exists(), "refused before the warehouse is opened"


# ----------------------------------------------------------------------------------- demo scenario

@dataclass(frozen=True)
class DemoYear:
    root: Path
    url: str
    demo: Result
    first: Result
    second: Result
    report_jobs: list


@pytest.fixture(scope="module")
def demo_year(tmp_path_factory: pytest.TempPathFactory) -> DemoYear:
    """``sakip demo`` of one unit, then ``sakip run-year`` twice: without reports, then with reports (their
    building captured: the jobs run-year asks for are what is checked; building them is tested elsewhere)."""
    from sakip.settings import get_settings

    root = tmp_path_factory.mktemp("demo_controls")
    url = f"sqlite:///{root / 'warehouse.sqlite'}"
    jobs: list = []
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {"SAKIP_WAREHOUSE_URL": url, "SAKIP_INBOX": str(root / "inbox"),
                            "SAKIP_OUT": str(root / "out"), "SAKIP_WORKERS": "1", "SAKIP_LOCK_DAYS": "off"}.items():
            mp.setenv(name, value)
        get_settings.cache_clear()
        try:
            demo = runner.invoke(app, ["demo", "--year", "2023", "--out", str(root / "inbox"), "--unit", UNIT,
                                       "--mistake-rate", "0"])
            first = runner.invoke(app, ["run-year", "--year", "2023", "--no-reports"])
            mp.setattr(cli, "_build_reports", jobs.extend)
            second = runner.invoke(app, ["run-year", "--year", "2023"])
        finally:
            get_settings.cache_clear()
    return DemoYear(root, url, demo, first, second, jobs)


def test_demo_writes_the_units_year_and_the_control_scenario_for_run_year(demo_year: DemoYear):
    assert demo_year.demo.exit_code == 0, demo_year.demo.output
    output = _plain(demo_year.demo.output)
    assert f"Data demo 2023 ditulis ke {demo_year.root / 'inbox'} (13 file, 1 unit, 0 kesalahan ditanam" in output
    scenario = demo_year.root / "out" / "demo" / "skenario-kontrol-2023.json"
    assert f"Skenario kontrol demo (persetujuan, kunci periode) untuk run-year: {scenario}" in output
    assert json.loads(scenario.read_text(encoding="utf-8")) == {"year": 2023, "seed": 20230, "quarter": 1, "month": 2}
    assert len(list((demo_year.root / "inbox" / UNIT).glob("*.xlsx"))) == 13 + 1, "+ the scenario's correction"


def test_run_year_plays_the_demo_scenario_approval_rejection_reopening_and_approval_again(demo_year: DemoYear):
    assert demo_year.first.exit_code == 0, demo_year.first.output
    lines = [line for line in demo_year.first.output.splitlines() if line.startswith("Demo:")]
    correction = f"{UNIT}_2023-02_koreksi-demo.xlsx"
    assert lines == [
        f"Demo: {UNIT} Triwulan I 2023 diajukan, diverifikasi dan disetujui.",
        f"Demo: koreksi {correction} dikirim ke triwulan yang disetujui: rejected.",
        f"Demo: {UNIT} Triwulan I 2023 dibuka kembali, pengecualian kunci Februari diberikan; koreksi: loaded.",
        f"Demo: {UNIT} Triwulan I 2023 diajukan, diverifikasi dan disetujui kembali.",
    ]
    assert f"rejected   {correction} (1 kesalahan, 0 peringatan)" in demo_year.first.output
    assert f"loaded     {correction} (0 kesalahan, 0 peringatan)" in demo_year.first.output
    events = _rows(demo_year.url, "SELECT quarter, step, role FROM control_quarter_event ORDER BY event_id")
    assert events == [(1, "diajukan", "unit"), (1, "diverifikasi", "steward"), (1, "disetujui", "centre"),
                      (1, "dibuka_kembali", "centre"), (1, "diajukan", "unit"), (1, "diverifikasi", "steward"),
                      (1, "disetujui", "centre")]
    reopened = _rows(demo_year.url, "SELECT reason FROM control_quarter_event WHERE step = 'dibuka_kembali'")
    assert reopened == [("Permintaan koreksi Februari dari unit",)]
    assert _rows(demo_year.url, "SELECT unit_code, year, month FROM control_lock_exception") == [(UNIT, 2023, 2)]
    current = _rows(demo_year.url, "SELECT file_name FROM audit_submission WHERE unit_code = 'BPOM-KPG' "
                                   "AND year = 2023 AND month = 2 AND is_current")
    assert current == [(correction,)], "the correction is February's current submission"


def test_run_year_again_plays_the_scenario_once_and_asks_for_every_quarters_reports(demo_year: DemoYear):
    assert demo_year.second.exit_code == 0, demo_year.second.output
    assert "Demo:" not in demo_year.second.output, "the scenario is played once"
    assert "Ringkasan: duplicate 14" in demo_year.second.output
    assert len(_rows(demo_year.url, "SELECT event_id FROM control_quarter_event")) == 7
    assert [(job.quarter, job.unit_code) for job in demo_year.report_jobs] == \
        [(q, code) for q in range(1, 5) for code in (UNIT, None)]
    assert {job.settings.out for job in demo_year.report_jobs} == {demo_year.root / "out"}
