"""``sakip report`` on a quarter whose data is incomplete: refused with the missing month named, or built
with ``--force`` (the report then says so, and still lists every SK and indicator of the plan)."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import kupang
from sakip.cli import app
from docx_read import docx_paragraphs, docx_tables

runner = CliRunner()


@pytest.fixture
def env(sakip_env: Path) -> Path:
    kupang.write_kupang_inbox(sakip_env / "inbox", months=range(1, 6))  # June not sent yet
    assert runner.invoke(app, ["plan", "--year", "2023"]).exit_code == 0
    # the collection of May takes January-April too (late files never collected)
    collected = runner.invoke(app, ["collect", "--period", "2023-05"])
    assert collected.exit_code == 0 and "Ringkasan: loaded 5" in collected.output, collected.output
    return sakip_env


def test_an_incomplete_quarter_is_refused_naming_the_month_unless_forced(env: Path):
    refused = runner.invoke(app, ["report", "--unit", "BPOM-KPG", "--quarter", "2023-Q2"])
    assert refused.exit_code == 1
    assert "Data BPOM-KPG Triwulan II 2023 belum lengkap" in refused.output
    assert "laporan bulanan Juni 2023 (bulan terakhir Triwulan II) belum diterima" in refused.output
    assert not list((env / "out").rglob("*.docx"))
    # TW I is complete: built without --force
    assert runner.invoke(app, ["report", "--unit", "BPOM-KPG", "--quarter", "2023-Q1"]).exit_code == 0

    forced = runner.invoke(app, ["report", "--unit", "BPOM-KPG", "--quarter", "2023-Q2", "--force"])
    assert forced.exit_code == 0, forced.output
    docx = next((env / "out").rglob("BPOM-KPG_2023_TWII_v1.docx"))
    texts = [t for _, t in docx_paragraphs(docx)]
    assert any(t.startswith("Catatan: data Triwulan II Tahun 2023 belum lengkap. Laporan bulanan Juni 2023 belum")
               for t in texts)
    n_ind = len(kupang.load_fixture()["scenarios"][0]["expected"]["indicators"])
    assert any(f"terdapat {kupang._sasaran().shape[0]} Sasaran Kegiatan dengan {n_ind} Indikator Kinerja" in t
               for t in texts)
    pk = next(t for t in docx_tables(docx) if t.attrs["title"].startswith("Perjanjian Kinerja Tahun 2023 Balai"))
    assert len(pk) == n_ind and (pk["Indikator Kinerja"] != "").all()
