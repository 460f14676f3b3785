"""A report built from a real warehouse: Kupang's workbooks through the pipeline (SQLite and PostgreSQL),
then ``build_unit_report`` / ``build_national_report`` on the views. Expected figures are the fixture's."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import kupang
from flows import steps
from sakip.settings import Settings
from sinks.report.build import build_national_report, build_unit_report, quarter_complete
from sinks.report.extract import docx_tables


@pytest.fixture
def loaded(engine, tmp_path: Path):
    inbox = tmp_path / "inbox"
    kupang.write_kupang_inbox(inbox)
    settings = Settings(warehouse_url=engine.url.render_as_string(hide_password=False), inbox=inbox,
                        out=tmp_path / "out")
    outcomes = steps.process_files(engine, steps.select_files(settings, "rencana", kupang.YEAR), settings)
    for month in kupang.MONTHS:
        outcomes += steps.process_files(engine, steps.select_files(settings, "bulanan", kupang.YEAR, month), settings)
    assert [o.status for o in outcomes] == ["loaded"] * 7
    return engine


def _by_title(path: Path) -> dict:
    return {t.attrs["title"]: t for t in docx_tables(path)}


def test_unit_and_national_reports_from_the_warehouse(loaded, tmp_path):
    result = build_unit_report(loaded, kupang.UNIT, 2023, 2, tmp_path / "laporan", date=date(2023, 7, 20))
    assert result.version == 1 and result.pdf_path.exists()
    tables = _by_title(result.docx_path)
    sheet = tables["PENGUKURAN KINERJA TRIWULAN II TAHUN 2023 BALAI POM DI KUPANG"]
    labels = dict(zip(sheet["Sasaran Kegiatan"], sheet["Capaian"]))
    assert labels["NPS TOTAL"] == "103,34" and labels["NILAI PENCAPAIAN SASARAN SK 1 (NPS)"] == "110,91"
    expected = kupang.load_fixture()["scenarios"][0]["expected"]["indicators"]
    rows = sheet[sheet["No"] != ""]
    shown = [e["capaian"]["display"].replace(".", ",") if e["measured"] else "N/A" for e in expected.values()]
    assert rows["Capaian"].tolist() == shown
    ro = next(t for title, t in tables.items() if "per Rincian Output" in title)
    assert ro.iloc[-1]["Anggaran / Pagu"] == "30.215.555.000" and ro.iloc[-1]["Anggaran / %"] == "39,96%"
    eff = tables["PENGUKURAN EFISIENSI INDIKATOR KINERJA S.D. TRIWULAN II TAHUN 2023 BALAI POM DI KUPANG"]
    row14 = eff[eff["No"] == "14"].iloc[0]
    assert (row14["Input / %"], row14["IE"], row14["Kategori"]) == ("35,72", "2,55", "Efisien")
    again = build_unit_report(loaded, kupang.UNIT, 2023, 2, tmp_path / "laporan")
    assert again.reused and again.report_id == result.report_id
    assert quarter_complete(loaded, kupang.UNIT, 2023, 2) and not quarter_complete(loaded, kupang.UNIT, 2023, 3)
    # the national roll-up from the same warehouse (one load serves both: loading is the slow part)
    national = build_national_report(loaded, 2023, 2, tmp_path / "laporan", date=date(2023, 7, 25))
    assert national.docx_path.name == "NASIONAL_2023_TWII_v1.docx" and national.report_id != result.report_id
    scores = next(t for title, t in _by_title(national.docx_path).items() if "NPS TOTAL Unit Kerja" in title)
    kpg = scores[scores["Unit Kerja"] == "Balai POM di Kupang"].iloc[0]
    assert kpg["NPS TOTAL"] == "103,34" and kpg["Kriteria"] == "Memenuhi Ekspektasi"
