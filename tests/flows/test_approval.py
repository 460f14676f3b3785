"""Approval of a unit's quarter through the real pipeline (SQLite and PostgreSQL): the steps in order, by the
roles allowed, four eyes; the state in ``v_quarter_approval``; a correction for a month of a quarter under
approval is rejected until the quarter is reopened (with a reason), then the same file loads; the interim
report says draft or approved and gets a new version when the state changes.

The period lock is switched off here (its own tests: ``test_period_lock.py``): the corrections are written
today, years after 2023.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kupang
from flows import controls
from flows.select import select_files
from runs import collect
from sakip.settings import Settings
from sinks.templates import write_workbook
from sinks.warehouse.views import read_view

UNIT, Q2 = kupang.UNIT, 2


def _settings(copy) -> Settings:
    return Settings(warehouse_url=copy.url, inbox=copy.inbox, out=copy.out, lock_days=None)


def _state(engine, quarter: int = Q2) -> dict:
    rows = read_view(engine, "v_quarter_approval", unit_code=UNIT, year=2023, quarter=quarter)
    return rows.iloc[0].to_dict()


def _correct_may(settings: Settings) -> Path:
    identity, frames = kupang.monthly_workbook(5)
    kinerja = frames["Kinerja"]
    frames["Kinerja"] = kinerja.assign(kendala=kinerja["kendala"].where(kinerja.index != kinerja.index[0],
                                                                         "Koreksi setelah verifikasi"))
    path = settings.inbox / UNIT / f"{UNIT}_2023-05_rev1.xlsx"
    write_workbook("bulanan", {**identity, "revision_note": "Koreksi kendala"}, frames, path)
    return path


def test_a_quarter_is_approved_frozen_and_reopened_for_a_correction(kupang_copy):
    engine, copy = kupang_copy
    settings = _settings(copy)
    step = lambda *a, **k: controls.take_step(engine, settings, UNIT, 2023, Q2, *a, **k)  # noqa: E731
    assert _state(engine)["state"] == "belum_diajukan" and _state(engine)["months_loaded"] == 3

    with pytest.raises(controls.ControlRefused, match="hanya dapat diambil dari status"):
        step("disetujui", "Kepala Biro", "centre")
    with pytest.raises(controls.ControlRefused, match="bukan oleh peran 'steward'"):
        step("diajukan", "Ani", "steward")
    with pytest.raises(controls.ControlRefused, match="baru 0 dari 3"):
        controls.take_step(engine, settings, UNIT, 2023, 3, "diajukan", "Ani", "unit")
    step("diajukan", "Ani", "unit")
    with pytest.raises(controls.ControlRefused, match="orang yang berbeda"):
        step("diverifikasi", " ani ", "steward")  # four eyes: case and spacing do not make another person
    step("diverifikasi", "Budi", "steward")
    step("disetujui", "Kepala Biro", "centre")
    state = _state(engine)
    assert (state["state"], state["state_label"], state["submitted_by"], state["verified_by"], state["approved_by"]) \
        == ("disetujui", "Disetujui", "Ani", "Budi", "Kepala Biro")

    path = _correct_may(settings)
    first = [o for o in collect(engine, settings, select_files(settings, "bulanan", 2023, 5)) if o.file_name == path.name]
    assert [o.status for o in first] == ["rejected"]
    problems = json.loads(Path(first[0].feedback_json).read_text(encoding="utf-8"))["problems"]
    frozen = [p for p in problems if p["rule_id"] == "quarter_frozen"]
    assert frozen and "Triwulan II 2023" in frozen[0]["message"] and "'Disetujui'" in frozen[0]["message"]
    assert "sakip reopen" in frozen[0]["expected"]

    with pytest.raises(controls.ControlRefused, match="alasan"):
        step("dibuka_kembali", "Kepala Biro", "centre", "   ")
    with pytest.raises(controls.ControlRefused, match="Pusat, bukan oleh peran 'steward'"):
        step("dibuka_kembali", "Budi", "steward", "koreksi")
    step("dibuka_kembali", "Kepala Biro", "centre", "Koreksi kendala Mei atas permintaan unit")
    assert _state(engine)["reopen_reason"] == "Koreksi kendala Mei atas permintaan unit"
    again = [o for o in collect(engine, settings, select_files(settings, "bulanan", 2023, 5)) if o.file_name == path.name]
    assert [o.status for o in again] == ["loaded"]
    step("diajukan", "Ani", "unit")  # a new cycle: the same people may take the same steps again
    step("diverifikasi", "Budi", "steward")
    assert _state(engine)["state"] == "diverifikasi" and _state(engine)["n_steps"] == 6


@pytest.mark.parametrize("kupang_built", ["sqlite"], indirect=True)
def test_the_report_says_draft_or_approved_and_versions_follow_the_state(kupang_copy, tmp_path):
    from sinks.report.build import build_unit_report, stale_reports

    engine, copy = kupang_copy
    settings = _settings(copy)
    draft = build_unit_report(engine, UNIT, 2023, Q2, tmp_path)
    for step, by, role in (("diajukan", "Ani", "unit"), ("diverifikasi", "Budi", "steward"),
                           ("disetujui", "Kepala Biro", "centre")):
        controls.take_step(engine, settings, UNIT, 2023, Q2, step, by, role)
    assert [(r["unit_code"], r["quarter"]) for r in stale_reports(engine, 2023)] == [(UNIT, Q2)]
    approved = build_unit_report(engine, UNIT, 2023, Q2, tmp_path)
    assert (draft.version, approved.version) == (1, 2) and not approved.reused
    assert "Status data: Draf (Belum diajukan) → Disetujui" in approved.changes
    manifest = json.loads(approved.docx_path.with_suffix(".json").read_text(encoding="utf-8"))
    assert manifest["approval"] == "Disetujui"
    controls.take_step(engine, settings, UNIT, 2023, Q2, "dibuka_kembali", "Kepala Biro", "centre", "Koreksi")
    reopened = build_unit_report(engine, UNIT, 2023, Q2, tmp_path)
    assert reopened.version == 3 and "Disetujui → Draf (Dibuka kembali)" in reopened.changes


@pytest.mark.parametrize("kupang_built", ["sqlite"], indirect=True)
def test_the_cli_records_steps_and_refuses_with_the_reason(kupang_copy, monkeypatch):
    from sakip import settings as settings_module
    from sakip.cli import app

    engine, copy = kupang_copy
    monkeypatch.setenv("SAKIP_WAREHOUSE_URL", copy.url)
    settings_module.get_settings.cache_clear()
    try:
        runner = CliRunner()
        ok = runner.invoke(app, ["approve", "--unit", UNIT, "--quarter", "2023-Q2", "--step", "diajukan",
                                 "--by", "Ani", "--role", "unit"])
        assert ok.exit_code == 0 and "kini 'Diajukan'" in ok.output
        refused = runner.invoke(app, ["approve", "--unit", UNIT, "--quarter", "2023-Q2", "--step", "disetujui",
                                      "--by", "Kepala Biro", "--role", "centre"])
        assert refused.exit_code == 1 and "Ditolak" in refused.output
        back = runner.invoke(app, ["reopen", "--unit", UNIT, "--quarter", "2023-Q2", "--reason", "Dikembalikan",
                                   "--by", "Kepala Biro"])
        assert back.exit_code == 0, back.output
        unlocked = runner.invoke(app, ["unlock", "--unit", UNIT, "--period", "2023-06", "--reason", "Koreksi",
                                       "--by", "Kepala Biro", "--until", "2999-01-01"])
        assert unlocked.exit_code == 0 and "01/01/2999" in unlocked.output
    finally:
        settings_module.get_settings.cache_clear()
    assert _state(engine)["state"] == "dibuka_kembali"
