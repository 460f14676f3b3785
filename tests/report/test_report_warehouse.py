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
from sinks.report.extract import docx_paragraphs, docx_tables


@pytest.fixture
def kupang_settings(engine, tmp_path: Path) -> Settings:
    inbox = tmp_path / "inbox"
    kupang.write_kupang_inbox(inbox)
    return Settings(warehouse_url=engine.url.render_as_string(hide_password=False), inbox=inbox,
                    out=tmp_path / "out")


@pytest.fixture
def loaded(engine, kupang_settings: Settings):
    settings = kupang_settings
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


def _paragraphs(path: Path) -> list[str]:
    return [text for _, text in docx_paragraphs(path)]


def test_an_override_changes_the_fingerprint_and_makes_a_new_version(loaded, kupang_settings, tmp_path):
    first = build_unit_report(loaded, kupang.UNIT, 2023, 2, tmp_path / "laporan", date=date(2023, 7, 20))
    assert steps.stale_reports(loaded) == []
    code = kupang.catalogue_code()["7.1"]  # penindakan: 50,00 in TW II
    override_id = steps.add_override(loaded, kupang_settings, kupang.UNIT, 2023, 6, code, 100.0,
                                     "Target penindakan disesuaikan dengan kasus yang dilimpahkan", "Biro Perencanaan")
    stale = steps.stale_reports(loaded)
    assert [(s["scope"], s["unit_code"], s["year"], s["quarter"], s["version"]) for s in stale] == \
        [("unit", kupang.UNIT, 2023, 2, 1)]
    second = build_unit_report(loaded, kupang.UNIT, 2023, 2, tmp_path / "laporan", date=date(2023, 7, 21))
    assert not second.reused and second.version == 2 and second.fingerprint != first.fingerprint
    assert "NPS TOTAL 103,34 → " in second.changes and "Laporan bulanan" not in second.changes
    assert steps.stale_reports(loaded) == []
    again = build_unit_report(loaded, kupang.UNIT, 2023, 2, tmp_path / "laporan")
    assert again.reused and again.version == 2
    # withdrawing the override is a change too
    from sinks.warehouse import load

    load.withdraw_override(loaded, override_id, "Biro Perencanaan",
                           steps.unit_year_recompute(kupang_settings, kupang.UNIT, 2023))
    third = build_unit_report(loaded, kupang.UNIT, 2023, 2, tmp_path / "laporan")
    assert third.version == 3 and third.fingerprint == first.fingerprint


def _correct_march(settings: Settings) -> str:
    """A corrected March report (``_rev1``, with a revision note) collected through the real steps."""
    from sinks.templates import write_workbook

    identity, frames = kupang.monthly_workbook(3)
    kinerja = frames["Kinerja"]
    code = kinerja.loc[kinerja["realisasi"].notna() & kinerja["numerator"].isna(), "indicator_code"].iloc[0]
    frames["Kinerja"] = kinerja.assign(realisasi=kinerja["realisasi"].mask(kinerja["indicator_code"] == code,
                                                                            kinerja["realisasi"] + 1))
    identity = {**identity, "revision_note": "Koreksi realisasi Maret setelah verifikasi"}
    path = settings.inbox / kupang.UNIT / f"{kupang.UNIT}_2023-03_rev1.xlsx"
    write_workbook("bulanan", identity, frames, path)
    return path.name


def test_a_later_correction_to_an_earlier_month_is_found_and_regenerated_with_what_changed(loaded, kupang_settings,
                                                                                           tmp_path):
    out = tmp_path / "laporan"
    q1 = build_unit_report(loaded, kupang.UNIT, 2023, 1, out, date=date(2023, 4, 20))
    q2 = build_unit_report(loaded, kupang.UNIT, 2023, 2, out, date=date(2023, 7, 20))
    national = build_national_report(loaded, 2023, 2, out, date=date(2023, 7, 25))
    assert (q1.version, q2.version, national.version) == (1, 1, 1) and steps.stale_reports(loaded) == []
    name = _correct_march(kupang_settings)
    outcomes = steps.process_files(loaded, steps.select_files(kupang_settings, "bulanan", 2023, 3), kupang_settings)
    assert [o.status for o in outcomes if o.file_name == name] == ["loaded"]
    stale = [(s["scope"], s["unit_code"], s["quarter"]) for s in steps.stale_reports(loaded)]
    assert stale == [("unit", kupang.UNIT, 1), ("unit", kupang.UNIT, 2), ("national", None, 2)]
    assert [s["quarter"] for s in steps.stale_reports(loaded, year=2022)] == []
    new_q1 = build_unit_report(loaded, kupang.UNIT, 2023, 1, out, date=date(2023, 8, 2))
    assert not new_q1.reused and new_q1.version == 2
    assert "Laporan bulanan BPOM-KPG Maret 2023: versi 1" in new_q1.changes and name in new_q1.changes
    texts = _paragraphs(new_q1.docx_path)
    start = next(i for i, t in enumerate(texts) if t.startswith("Perubahan dari versi sebelumnya (versi 1, dibuat "))
    listed = " ".join(texts[start:])
    assert "Laporan bulanan BPOM-KPG Maret 2023: versi 1 (BPOM-KPG_2023-03.xlsx, diterima " in listed
    assert f"diganti versi 2 ({name}, diterima " in listed
    assert 'catatan revisi: "Koreksi realisasi Maret setelah verifikasi"' in listed
    assert steps.describe_report(new_q1).endswith(new_q1.changes) and "Maret 2023" in steps.describe_report(new_q1)
    assert [(s["scope"], s["quarter"]) for s in steps.stale_reports(loaded)] == [("unit", 2), ("national", 2)]
