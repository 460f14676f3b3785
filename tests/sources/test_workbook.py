"""Reading workbooks (sources.workbook): layout tolerance, row numbers, bounded reading."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

import sources.workbook as reader
from schemas import contract
from sources.workbook import read_workbook
from tests.schemas.workbook_factory import damage, write_monthly, write_plan


def rule_ids(data) -> list[str]:
    return [p["rule_id"] for p in data.problems]


def test_a_valid_monthly_workbook_reads_without_problems(tmp_path: Path) -> None:
    data = read_workbook(write_monthly(tmp_path))
    assert data.problems == []
    assert data.kind == contract.MONTHLY
    assert data.identity["unit_code"] == "BPOM-KPG" and data.identity["year"] == 2023 and data.identity["month"] == 6
    assert data.identity["template_version"] == contract.current_version()
    kinerja = data.frames["Kinerja"]
    assert kinerja["_row"].tolist() == [2, 3, 4, 5]
    assert kinerja["realisasi"].iloc[0] == 98.0
    assert data.columns["Kinerja"]["realisasi"] == "B"
    assert data.cell("Kinerja", "realisasi", 3) == "B3"
    assert data.identity_rows["month"] == 4
    assert len(data.sha256) == 64


def test_a_valid_plan_workbook_reads_as_rencana(tmp_path: Path) -> None:
    data = read_workbook(write_plan(tmp_path))
    assert data.problems == []
    assert data.kind == contract.PLAN
    assert set(data.frames) == set(contract.data_sheets(contract.PLAN))
    assert data.frames["Pagu"]["expense_type"].tolist() == ["52", "52"], "Jenis Belanja is a code, kept as text"
    assert data.frames["RAPK"].filter(like="b").shape[1] == 12


def _shift_down_with_title(book) -> None:
    ws = book["Kinerja"]
    ws.insert_rows(1, 2)
    ws["A1"] = "LAPORAN KINERJA BULANAN"
    ws.merge_cells("A1:H1")


def test_title_rows_above_the_header_are_tolerated(tmp_path: Path) -> None:
    path = damage(write_monthly(tmp_path), _shift_down_with_title)
    data = read_workbook(path)
    assert data.problems == []
    assert data.header_rows["Kinerja"] == 3
    assert data.frames["Kinerja"]["_row"].tolist() == [4, 5, 6, 7]
    assert data.cell("Kinerja", "realisasi", 4) == "B4"


def _messy_layout(book) -> None:
    ws = book["Kinerja"]
    ws["B1"] = "  REALISASI  "  # case and spaces
    ws.insert_cols(1)  # an extra column before the contract's
    ws["A1"] = "No"
    for r in range(2, 6):
        ws.cell(r, 1, r - 1)
    ws.insert_rows(4)  # a fully blank row in the middle
    ws["C2"] = " 98 "  # spaces around a number typed as text
    ws["B3"] = "  IKU-SARANA-PRODUKSI-MK "  # spaces around a code
    book.create_sheet("Catatan Saya")["A1"] = "extra sheet"


def test_extra_columns_sheets_blank_rows_case_and_spaces_are_tolerated(tmp_path: Path) -> None:
    data = read_workbook(damage(write_monthly(tmp_path), _messy_layout))
    assert data.problems == []
    kinerja = data.frames["Kinerja"]
    assert kinerja["_row"].tolist() == [2, 3, 5, 6], "the blank row 4 is skipped, row numbers stay Excel's"
    assert kinerja["indicator_code"].iloc[1] == "IKU-SARANA-PRODUKSI-MK"
    assert kinerja["realisasi"].iloc[0] == 98.0
    assert data.columns["Kinerja"]["realisasi"] == "C"


def test_an_ambiguous_number_is_reported_at_its_cell(tmp_path: Path) -> None:
    path = damage(write_monthly(tmp_path), lambda b: b["Anggaran"].__setitem__("C2", "400.000"))
    data = read_workbook(path)
    assert rule_ids(data) == ["number_ambiguous"]
    problem = data.problems[0]
    assert (problem["sheet"], problem["cell"], problem["column"]) == ("Anggaran", "C2", "Realisasi Bulan Ini")
    assert "400.000" in problem["message"] and "400.000 (ribuan)" in problem["message"]
    assert data.frames["Anggaran"]["spent_month_rp"].iloc[0] == "400.000", "kept as typed, not guessed"


def test_a_formula_without_cached_value_is_found_and_one_with_a_value_is_read(tmp_path: Path) -> None:
    path = damage(write_monthly(tmp_path), lambda b: b["Kinerja"].__setitem__("B2", "=D2*0+98"))
    data = read_workbook(path)
    assert rule_ids(data) == ["formula_without_value"]
    assert data.problems[0]["cell"] == "B2" and data.problems[0]["value"] == "=D2*0+98"


def test_an_oversized_file_is_rejected_without_being_opened(tmp_path: Path, monkeypatch) -> None:
    path = write_monthly(tmp_path)
    opened = []
    monkeypatch.setattr(reader, "load_workbook", lambda *a, **k: opened.append(a))
    data = read_workbook(path, max_bytes=path.stat().st_size - 1)
    assert rule_ids(data) == ["file_too_large"]
    assert opened == [] and data.sha256 is None
    assert path.name in data.problems[0]["message"]


def test_a_zip_bomb_is_rejected_by_its_declared_size(tmp_path: Path) -> None:
    path = tmp_path / "BPOM-KPG_2023-06.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 5_000_000)
    assert path.stat().st_size < 100_000
    data = read_workbook(path, max_uncompressed=1_000_000)
    assert rule_ids(data) == ["file_too_large"]
    assert "setelah dibuka" in data.problems[0]["message"]


def test_a_zip_that_is_not_a_workbook_is_not_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "BPOM-KPG_2023-06.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert rule_ids(read_workbook(path)) == ["file_not_xlsx"]


def test_without_its_key_sheet_the_kind_comes_from_the_file_name(tmp_path: Path) -> None:
    path = damage(write_monthly(tmp_path), lambda b: b.remove(b["Kinerja"]))
    data = read_workbook(path)
    assert data.kind == contract.MONTHLY and rule_ids(data) == ["sheet_missing"]
    assert "'Kinerja'" in data.problems[0]["message"]
    assert set(data.frames) == {"Anggaran", "Sampling", "Pemeriksaan", "Penindakan"}


def test_without_kinerja_indikator_or_a_telling_name_the_kind_is_unknown(tmp_path: Path) -> None:
    path = damage(write_monthly(tmp_path, name="laporan juni.xlsx"), lambda b: b.remove(b["Kinerja"]))
    data = read_workbook(path)
    assert data.kind is None and rule_ids(data) == ["sheet_missing"]
    assert "'Indikator' (Rencana Tahunan) atau 'Kinerja' (Laporan Bulanan)" in data.problems[0]["message"]


def test_identity_fields_are_typed_and_checked(tmp_path: Path) -> None:
    def edit(book) -> None:
        book["Identitas"]["B3"] = "2023"  # year typed as text: fine
        book["Identitas"]["B4"] = "13"  # month out of range
        book["Identitas"]["B7"] = "kemarin"  # not a date

    data = read_workbook(damage(write_monthly(tmp_path), edit))
    assert data.identity["year"] == 2023
    assert [(p["rule_id"], p["cell"]) for p in data.problems] == [("identity_invalid", "B4"),
                                                                   ("identity_invalid", "B7")]
    assert "Bulan" in data.problems[0]["message"] and "Tanggal Pengiriman" in data.problems[1]["message"]


def test_a_frame_keeps_values_as_typed_for_messages(tmp_path: Path) -> None:
    path = damage(write_monthly(tmp_path), lambda b: b["Sampling"].__setitem__("C2", "sepuluh"))
    data = read_workbook(path)
    assert data.typed["Sampling"].loc[0, "sampled"] == "sepuluh"
    assert isinstance(data.frames["Sampling"], pd.DataFrame)


def test_a_sheet_longer_than_the_bound_is_too_large(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    data = read_workbook(write_monthly(tmp_path))
    assert "file_too_large" in rule_ids(data)
    assert any("'Kinerja'" in p["message"] for p in data.problems)


def _percent_cells(book) -> None:
    """A steward types 73,18% in Realisasi and 5% in Progres Fisik: Excel stores fractions with a % format."""
    kinerja, anggaran = book["Kinerja"], book["Anggaran"]
    kinerja["B2"], kinerja["B2"].number_format = 0.7318, "0.00%"
    anggaran["E2"], anggaran["E2"].number_format = 0.05, "0%"
    kinerja["C5"].number_format = "0.00%"  # a blank or a code under a % format stays as it is
    kinerja["A4"].number_format = "0%"


def test_a_percent_formatted_number_is_read_as_the_steward_sees_it(tmp_path: Path) -> None:
    path = damage(write_monthly(tmp_path), _percent_cells)
    data = read_workbook(path)
    assert data.problems == []
    kinerja, anggaran = data.frames["Kinerja"], data.frames["Anggaran"]
    assert data.columns["Kinerja"]["realisasi"] == "B" and data.columns["Anggaran"]["progress_pct"] == "E"
    assert kinerja.loc[0, "realisasi"] == 73.18, "73,18% is 73.18 percent points, not 0.7318"
    assert anggaran.loc[0, "progress_pct"] == 5.0
    assert data.typed["Kinerja"].loc[0, "realisasi"] == "73,18%", "messages show the value as the steward saw it"
    assert kinerja.loc[1, "numerator"] == 15.0, "a number without a % format is unchanged"
    assert kinerja.loc[2, "indicator_code"] == "IKU-SAMPEL-OBAT-UJI", "a code under a % format is not a number"
    assert pd.isna(kinerja.loc[3, "numerator"]), "a blank under a % format stays blank"
