"""The ``sakip`` command line as a steward and an operator use it (Typer's runner, no Prefect server)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import kupang
from sakip import settings as settings_module
from sakip.cli import app

runner = CliRunner()


@pytest.fixture
def env(sakip_env: Path) -> Path:
    return sakip_env


@pytest.fixture
def kupang_files(tmp_path: Path) -> list[Path]:
    """The steward's own folder: the plan and months January-June side by side."""
    return kupang.write_kupang_inbox(tmp_path / "laptop", months=range(1, 7))


def test_validate_a_clean_month_against_the_plan_beside_it_exits_0(kupang_files):
    result = runner.invoke(app, ["validate", str(kupang_files[6])])
    assert result.exit_code == 0, result.output
    assert "DITERIMA" in result.output and "DITOLAK" not in result.output


def _damage(path: Path, cell: str, value: object) -> Path:
    book = load_workbook(path)
    book["Kinerja"][cell] = value
    book.save(path)
    return path


def test_validate_a_defective_month_exits_1_and_marks_exactly_the_bad_cell(kupang_files, tmp_path):
    bad = _damage(kupang_files[6], "B2", "sembilan puluh delapan")
    feedback = tmp_path / "umpan-balik.xlsx"
    result = runner.invoke(app, ["validate", str(bad), "--feedback", str(feedback)])
    assert result.exit_code == 1, result.output
    assert "DITOLAK" in result.output and "Kinerja/B2" in result.output
    from sinks.feedback import ERROR_COLOUR

    book = load_workbook(feedback)
    red = {(ws.title, c.coordinate) for ws in book.worksheets if ws.title != "Daftar Masalah"
           for row in ws.iter_rows() for c in row if c.fill.fgColor.rgb and c.fill.fgColor.rgb.endswith(ERROR_COLOUR[-6:])}
    assert red == {("Kinerja", "B2")}, "exactly the defective cell is marked as an error"
    assert "angka" in book["Kinerja"]["B2"].comment.text


def test_validate_json_is_machine_readable(kupang_files):
    result = runner.invoke(app, ["validate", str(kupang_files[0]), "--json"])
    payload = json.loads(result.output)
    assert payload["verdict"] in {"accepted", "accepted_with_warnings"}
    assert {p["rule_id"] for p in payload["problems"]} <= {"allocation_sum_mismatch"}


def test_validate_a_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "BPOM-KPG_2023-06.xlsx"
    path.write_text("bukan excel")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "BPOM-KPG_2023-06.xlsx" in result.output


@pytest.mark.parametrize("args, named", [
    pytest.param(["tidak-ada.xlsx"], "tidak-ada.xlsx", id="a file that does not exist is named, without a traceback"),
    pytest.param(["."], "folder", id="a folder instead of a file is refused"),
    pytest.param(["{month}", "--plan", "rencana-hilang.xlsx"], "rencana-hilang.xlsx",
                 id="a missing plan given with --plan is named"),
])
def test_validate_a_missing_path_exits_2_with_an_indonesian_message(kupang_files, args, named):
    args = [a.format(month=kupang_files[1]) for a in args]
    result = runner.invoke(app, ["validate", *args])
    assert result.exit_code == 2, result.output
    assert named in result.stderr and ("tidak ditemukan" in result.stderr or "bukan berkas" in result.stderr)
    assert isinstance(result.exception, SystemExit), "a clean exit, not an error raised from the reader"


def test_validate_applies_the_size_limit_of_the_settings(env, kupang_files, monkeypatch):
    monkeypatch.setenv("SAKIP_MAX_FILE_MB", "0.001")  # about 1 KB: every workbook is larger
    settings_module.get_settings.cache_clear()
    result = runner.invoke(app, ["validate", str(kupang_files[1]), "--json"])
    assert result.exit_code == 1
    assert [p["rule_id"] for p in json.loads(result.stdout)["problems"]] == ["file_too_large"]


def test_templates_are_prefilled_for_the_unit(env, kupang_files):
    plan = env / "rencana.xlsx"
    assert runner.invoke(app, ["template", "plan", "--unit", "Balai POM di Kupang", "--year", "2024", "-o", str(plan)]).exit_code == 0
    codes = {r[1] for r in load_workbook(plan)["Indikator"].iter_rows(min_row=2, values_only=True) if r[1]}
    assert "IKU-OBAT-MS" in codes and len(codes) == 29
    monthly = env / "bulanan.xlsx"
    result = runner.invoke(app, ["template", "monthly", "--unit", "BPOM-KPG", "--year", "2024", "--month", "1",
                                 "-o", str(monthly)])
    assert result.exit_code == 0, result.output
    rows = [r for r in load_workbook(monthly)["Kinerja"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert {r[0] for r in rows} == codes


def test_unknown_unit_is_refused_with_a_clear_message(env):
    result = runner.invoke(app, ["template", "plan", "--unit", "Balai Antah Berantah", "--year", "2024", "-o", "x.xlsx"])
    assert result.exit_code != 0
    assert "tidak dikenal" in result.output


def test_collect_then_override_is_audited_and_rescored(env):
    kupang.write_kupang_inbox(env / "inbox")
    assert runner.invoke(app, ["plan", "--year", "2023"]).exit_code == 0
    # the collection of June also takes the earlier months never collected (late files): January to June
    result = runner.invoke(app, ["collect", "--period", "2023-06"])
    assert result.exit_code == 0 and "Ringkasan: loaded 6" in result.output, result.output
    result = runner.invoke(app, ["override", "--unit", "BPOM-KPG", "--year", "2023", "--month", "6",
                                 "--indicator", "IKU-PENINDAKAN", "--value", "100", "--reason",
                                 "Putusan pengadilan diterima setelah batas waktu", "--by", "Kepala Subbag TU"])
    assert result.exit_code == 0, result.output
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{env / 'warehouse.sqlite'}")
    with engine.connect() as conn:
        audited = conn.execute(text("SELECT reason, set_by FROM audit_capaian_override")).all()
        capaian = conn.execute(text("SELECT capaian_pct, override_id FROM v_indicator_capaian WHERE unit_code='BPOM-KPG' "
                                    "AND month=6 AND indicator_code='IKU-PENINDAKAN'")).one()
    assert audited == [("Putusan pengadilan diterima setelah batas waktu", "Kepala Subbag TU")]
    assert capaian.capaian_pct == pytest.approx(100.0) and capaian.override_id is not None


def test_collect_rejects_a_malformed_period(env):
    result = runner.invoke(app, ["collect", "--period", "2023/06"])
    assert result.exit_code != 0
    assert "YYYY-MM" in result.output


@pytest.mark.parametrize("args", [
    pytest.param(["plan", "--year", "2019"], id="plans of a year no scoring policy covers"),
    pytest.param(["collect", "--period", "2019-06"], id="a month of a year no scoring policy covers"),
])
def test_a_year_without_a_scoring_policy_stops_once_with_a_clear_message_and_touches_nothing(env: Path, args):
    kupang.write_kupang_inbox(env / "inbox", months=range(1, 2))
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "Tidak ada kebijakan penilaian untuk tahun 2019" in result.output
    assert "Traceback" not in result.output
    assert not (env / "out").exists(), "no file was read, archived or answered"


def test_a_backfill_shows_its_phases_and_a_summary_and_the_inbox_watcher_records_first_sightings(env):
    from sqlalchemy import text

    from sinks.warehouse.db import open_warehouse

    kupang.write_kupang_inbox(env / "inbox", months=range(1, 4))
    result = runner.invoke(app, ["backfill", "--from", "2023", "--to", "2023"])
    assert result.exit_code == 0, result.output
    assert "Ringkasan: loaded 4" in result.output and "Hasil pengumpulan" in result.output
    assert "berkas" in result.output and "unit-tahun" in result.output, "a progress bar per phase"
    watched = runner.invoke(app, ["watch"])
    assert watched.exit_code == 0 and "4 berkas" in watched.output
    engine = open_warehouse(settings_module.get_settings().warehouse_url)
    with engine.connect() as conn:
        scans = conn.execute(text("SELECT COUNT(*) FROM inbox_scan")).scalar_one()
        seen = conn.execute(text("SELECT COUNT(*) FROM inbox_seen")).scalar_one()
    assert (scans, seen) == (2, 4), "two listings, each file recorded once"


def test_a_collection_in_which_every_file_failed_exits_1(env, monkeypatch):
    import flows.intake

    kupang.write_kupang_inbox(env / "inbox", months=range(1, 2))

    def broken(*args, **kwargs):
        raise OSError("disk error")

    monkeypatch.setattr(flows.intake, "read_workbook", broken)
    result = runner.invoke(app, ["collect", "--period", "2023-01"])
    assert result.exit_code == 1, result.output
    assert "gagal" in result.output and "tidak satu berkas pun dapat diproses" in result.output
