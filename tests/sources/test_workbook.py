"""Reading workbooks (sources.workbook): layout tolerance, row numbers, bounded reading."""
from __future__ import annotations

import hashlib
import logging
import math
import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

import sources.workbook as reader
from schemas import contract
from schemas.messages import MAX_TEXT_CHARS
from schemas.validate import validate_workbook
from sources.workbook import read_workbook
from tests.schemas.workbook_factory import damage, monthly_context, monthly_frames, write_monthly, write_plan


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
    monkeypatch.setattr(reader, "_open_book", lambda *a, **k: opened.append(a))
    monkeypatch.setattr(Path, "read_bytes", lambda self: opened.append(self))
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


def _rewrite_sheet(path: Path, member: str, edit: Callable[[str], str]) -> Path:
    """Edit one part's XML in place: what Excel writes and openpyxl cannot (cached formula values,
    error values, shared strings)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[member] = edit(parts[member].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def _cell(ref: str, xml: str) -> Callable[[str], str]:
    """Replace the cell ``ref`` of a sheet's XML with ``xml``."""
    return lambda sheet: re.sub(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', xml, sheet, count=1)


KINERJA_XML = "xl/worksheets/sheet2.xml"  # the template writes Identitas first, then the data sheets in order


def test_bytes_already_read_are_parsed_and_hashed_without_opening_the_path(tmp_path: Path) -> None:
    path = write_monthly(tmp_path)
    content = path.read_bytes()
    elsewhere = tmp_path / "tidak-ada" / path.name  # never opened: it does not exist
    data = read_workbook(elsewhere, content=content)
    assert data.problems == [] and data.sha256 == hashlib.sha256(content).hexdigest()
    assert data.file_name == path.name
    from_file = read_workbook(path)
    assert from_file.sha256 == data.sha256 and from_file.identity == data.identity
    for sheet, frame in from_file.frames.items():
        pd.testing.assert_frame_equal(frame, data.frames[sheet])
        pd.testing.assert_frame_equal(from_file.typed[sheet], data.typed[sheet])
    too_large = read_workbook(elsewhere, max_bytes=len(content) - 1, content=content)
    assert rule_ids(too_large) == ["file_too_large"] and too_large.sha256 is None


def test_a_file_is_read_from_disk_once(tmp_path: Path, monkeypatch) -> None:
    path = write_monthly(tmp_path)
    reads = []
    read_bytes = Path.read_bytes

    def read_and_remove(self: Path) -> bytes:
        """Read the file, then remove it: any second look at the disk would fail."""
        content = read_bytes(self)
        reads.append(self)
        self.unlink()
        return content

    monkeypatch.setattr(Path, "read_bytes", read_and_remove)
    data = read_workbook(path)
    assert reads == [path] and data.problems == [] and data.kind == contract.MONTHLY


def _percent_formats(book) -> None:
    """Built-in and custom percent formats, and two formats that print a literal % (no scaling)."""
    kinerja = book["Kinerja"]
    kinerja["B3"], kinerja["B3"].number_format = 0.75, "0%"  # built-in format 9
    kinerja["B4"], kinerja["B4"].number_format = 0.2625, "0.0%;[Red]-0.0%"
    kinerja["C2"].number_format = '0" %"'  # 98 shown as "98 %": the value is 98
    kinerja["D2"].number_format = "0\\%"


def test_percent_formats_are_told_from_formats_that_print_a_percent_sign(tmp_path: Path) -> None:
    data = read_workbook(damage(write_monthly(tmp_path), _percent_formats))
    assert data.problems == []
    kinerja, typed = data.frames["Kinerja"], data.typed["Kinerja"]
    assert kinerja["realisasi"].tolist()[1:3] == [75.0, 26.25]
    assert typed["realisasi"].tolist()[1:3] == ["75%", "26,25%"]
    assert (kinerja.loc[0, "numerator"], kinerja.loc[0, "denominator"]) == (98.0, 100.0), "a quoted % is text"


def _percent_outside_the_contract(book) -> None:
    book["Kinerja"]["F3"].number_format = "0.00%"  # Kendala: text under a percent format
    book["Petunjuk"]["A1"].number_format = "0%"  # a sheet the reader does not read
    book["Kinerja"].column_dimensions["I"].number_format = "0%"


def test_a_percent_style_without_a_percent_number_in_the_contract_changes_nothing(tmp_path: Path) -> None:
    path = write_monthly(tmp_path)
    plain = read_workbook(path)
    styled = read_workbook(damage(path, _percent_outside_the_contract))
    assert styled.problems == []
    for sheet, frame in plain.frames.items():
        pd.testing.assert_frame_equal(frame, styled.frames[sheet])
        pd.testing.assert_frame_equal(plain.typed[sheet], styled.typed[sheet])


def test_a_percent_format_on_a_whole_column_is_read_cell_by_cell(tmp_path: Path) -> None:
    def edit(book) -> None:
        ws = book["Kinerja"]
        ws.column_dimensions["B"].number_format = "0.00%"
        for row in [2, *range(6, 2000)]:  # B2 and empty cells far below the data
            ws.cell(row, 2).number_format = "0.00%"
        ws["B2"] = 0.98

    data = read_workbook(damage(write_monthly(tmp_path), edit))
    assert data.problems == []
    assert data.frames["Kinerja"]["realisasi"].tolist()[:3] == [98.0, 75.0, 26.0]
    assert data.frames["Kinerja"]["_row"].tolist() == [2, 3, 4, 5], "formatted empty rows are not data rows"


def test_formulas_without_cached_values_are_found_wherever_they_are(tmp_path: Path) -> None:
    def edit(book) -> None:
        book["Identitas"]["B4"] = "=3+3"
        book["Kinerja"]["B9"] = "=SUM(B2:B5)"  # below the data, in a row holding nothing else

    data = read_workbook(damage(write_monthly(tmp_path), edit))
    assert [(p["rule_id"], p["sheet"], p["cell"], p["value"]) for p in data.problems] == [
        ("formula_without_value", "Identitas", "B4", "=3+3"),
        ("formula_without_value", "Kinerja", "B9", "=SUM(B2:B5)")]
    assert "month" not in data.identity
    assert data.frames["Kinerja"]["_row"].tolist() == [2, 3, 4, 5, 9], "the formula's row is kept to point at"


def test_cached_formula_values_are_read_and_shared_formulas_keep_their_text(tmp_path: Path) -> None:
    path = _rewrite_sheet(write_monthly(tmp_path), KINERJA_XML, lambda xml: _cell(
        "B4", '<c r="B4"><f t="shared" si="0"/></c>')(_cell(
        "B3", '<c r="B3"><f t="shared" ref="B3:B4" si="0">C3*5</f><v>75</v></c>')(_cell(
        "B2", '<c r="B2"><f>D2*0+98</f><v>98</v></c>')(xml))))
    data = read_workbook(path)
    assert [(p["rule_id"], p["cell"], p["value"]) for p in data.problems] == [
        ("formula_without_value", "B4", "=C4*5")], "the shared formula's follower, as Excel shows it"
    assert data.frames["Kinerja"]["realisasi"].tolist()[:2] == [98.0, 75.0]


def test_error_values_are_read_as_the_text_excel_shows(tmp_path: Path) -> None:
    path = _rewrite_sheet(write_monthly(tmp_path), KINERJA_XML, _cell(
        "B2", '<c r="B2" t="e"><f>C2/0</f><v>#DIV/0!</v></c>'))
    data = read_workbook(path)
    assert data.problems == []
    assert data.frames["Kinerja"].loc[0, "realisasi"] == "#DIV/0!", "not a number: the schema reports it"
    assert data.typed["Kinerja"].loc[0, "realisasi"] == "#DIV/0!"


def _to_shared_strings(path: Path) -> Path:
    """Store the texts as Excel does (a shared string table), not inline as openpyxl does."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    strings: dict[str, int] = {}

    def shared(match: re.Match) -> str:
        index = strings.setdefault(match.group(2), len(strings))
        return f'<c{match.group(1)} t="s"><v>{index}</v></c>'

    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = re.sub(r'<c([^>]*?) t="inlineStr"><is><t(?: [^>]*)?>(.*?)</t></is></c>', shared,
                             parts[name].decode()).encode()
    items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings)
    parts["xl/sharedStrings.xml"] = (f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                     f"{items}</sst>").encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        b'Target="sharedStrings.xml" Id="rIdStrings"/></Relationships>'))
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def test_a_workbook_saved_with_shared_strings_reads_the_same(tmp_path: Path) -> None:
    inline = read_workbook(write_monthly(tmp_path / "inline"))
    shared = read_workbook(_to_shared_strings(write_monthly(tmp_path / "shared")))
    assert shared.problems == [] and shared.identity == inline.identity
    for sheet, frame in inline.frames.items():
        pd.testing.assert_frame_equal(frame, shared.frames[sheet])


def test_values_have_the_types_the_conversion_expects(tmp_path: Path) -> None:
    data = read_workbook(write_monthly(tmp_path))
    assert data.identity["sent_date"] == datetime(2023, 7, 5).date()
    assert data.identity_typed["sent_date"] == "05/07/2023" and data.identity_typed["year"] == "2023"
    assert data.frames["Penindakan"].loc[0, "stage_date"] == pd.Timestamp(2023, 6, 15)
    assert data.typed["Sampling"].loc[0, "sampled"] == "10", "a whole number is shown without ',0'"
    sampled = data.frames["Sampling"].loc[0, "sampled"]
    assert type(sampled) is float and sampled == 10.0
    assert data.frames["Anggaran"]["expense_type"].tolist() == ["52", "52"], "a code typed as a number is text"


@pytest.mark.parametrize("cell", [
    pytest.param("XFD1048576", id="a value in the last cell of the sheet (calamine would abort the process)"),
    pytest.param("XFD300", id="a value far to the right, many rows down"),
])
def test_values_far_apart_are_read_within_the_bounds(tmp_path: Path, cell: str) -> None:
    data = read_workbook(damage(write_monthly(tmp_path), lambda b: b["Kinerja"].__setitem__(cell, "x")))
    too_large = cell == "XFD1048576"
    assert rule_ids(data) == (["file_too_large"] if too_large else [])
    assert data.frames["Kinerja"]["_row"].tolist() == [2, 3, 4, 5]


def test_a_value_beyond_the_column_bound_is_ignored(tmp_path: Path) -> None:
    data = read_workbook(damage(write_monthly(tmp_path), lambda b: b["Kinerja"].__setitem__("BZ3", "catatan")))
    assert data.problems == [] and data.frames["Kinerja"]["_row"].tolist() == [2, 3, 4, 5]


def test_a_damaged_sheet_leaves_only_file_corrupt(tmp_path: Path) -> None:
    path = _rewrite_sheet(write_monthly(tmp_path), KINERJA_XML, lambda xml: xml[: len(xml) // 2])
    data = read_workbook(path)
    assert rule_ids(data) == ["file_corrupt"] and data.kind is None
    assert data.identity == {} and data.frames == {}, "nothing half-read is handed on"
    assert len(data.sha256) == 64


# -- hostile workbooks (issue "Hardening") ----------------------------------------------------------

def _rewrite_parts(path: Path, edit: Callable[[dict[str, bytes]], None]) -> Path:
    """Rewrite the package with ``edit`` applied to its parts (name -> bytes), in place."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    edit(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def _non_finite(book) -> None:
    book["Kinerja"]["B2"] = "1e999"
    book["Kinerja"]["C3"] = "-inf"
    book["Anggaran"]["C2"] = "1e400"
    book["Sampling"]["C2"] = "NaN"  # not a blank
    book["Sampling"]["D3"] = "inf"


def test_non_finite_numbers_are_rejected_at_their_cells(tmp_path: Path) -> None:
    path = damage(write_monthly(tmp_path), _non_finite)
    data = read_workbook(path)
    assert [(p["rule_id"], p["sheet"], p["cell"], p["value"]) for p in data.problems] == [
        ("number_not_finite", "Kinerja", "B2", "1e999"), ("number_not_finite", "Kinerja", "C3", "-inf"),
        ("number_not_finite", "Anggaran", "C2", "1e400"), ("number_not_finite", "Sampling", "C2", "NaN"),
        ("number_not_finite", "Sampling", "D3", "inf")]
    assert all(p["severity"] == "error" for p in data.problems)
    assert "Realisasi" in data.problems[0]["message"] and "'1e999'" in data.problems[0]["message"]
    numbers = pd.concat([frame.drop(columns="_row") for frame in data.frames.values()], axis=1).to_numpy().ravel()
    assert not [v for v in numbers if isinstance(v, float) and math.isinf(v)], "no infinity reaches a frame"
    assert data.typed["Sampling"].loc[0, "sampled"] == "NaN", "quoted as typed"
    assert math.isnan(data.frames["Sampling"].loc[0, "sampled"]), "reported, so left out of every computation"
    result = validate_workbook(data, monthly_context(path))
    assert result.verdict == "rejected"
    assert set(result.problems.loc[result.problems["severity"] == "error", "rule_id"]) == {"number_not_finite"}


def test_non_finite_numeric_cells_are_rejected_at_their_cells(tmp_path: Path) -> None:
    path = _rewrite_sheet(write_monthly(tmp_path), KINERJA_XML, lambda xml: _cell(
        "B2", '<c r="B2"><v>1E999</v></c>')(_cell("B3", '<c r="B3"><v>NaN</v></c>')(_cell(
            "E4", '<c r="E4" t="n"><v>-INF</v></c>')(xml))))
    data = read_workbook(path)
    assert [(p["rule_id"], p["cell"], p["value"]) for p in data.problems] == [
        ("number_not_finite", "B2", "inf"), ("number_not_finite", "B3", "NaN"), ("number_not_finite", "E4", "-inf")]
    assert data.typed["Kinerja"]["realisasi"].tolist()[:2] == ["inf", "NaN"]
    assert data.frames["Kinerja"]["realisasi"].isna().tolist() == [True, True, False, True]


def _hidden_twin(name: str, hidden: bool) -> Callable:
    def edit(book) -> None:
        twin = book.copy_worksheet(book["Kinerja"])
        twin.title, twin["B2"] = name, 1
        twin.sheet_state = "hidden" if hidden else "visible"
    return edit


@pytest.mark.parametrize(("name", "hidden"), [
    pytest.param("KINERJA ", True, id="a hidden KINERJA after the visible Kinerja"),
    pytest.param(" kinerja", False, id="a visible kinerja with a leading space"),
])
def test_sheets_whose_names_collide_are_rejected(tmp_path: Path, name: str, hidden: bool) -> None:
    data = read_workbook(damage(write_monthly(tmp_path), _hidden_twin(name, hidden)))
    assert rule_ids(data) == ["sheet_name_duplicate"]
    message = data.problems[0]["message"]
    assert "'Kinerja'" in message and f"'{name}'" in message
    assert ("tersembunyi" in message) == hidden, "a hidden twin is named as hidden: the steward cannot see it"
    assert data.kind is None and data.frames == {}, "neither sheet is loaded"


def test_sheets_colliding_only_in_case_are_rejected_whatever_the_sheet(tmp_path: Path) -> None:
    def rename(parts: dict[str, bytes]) -> None:  # Excel refuses it; a hand-edited package need not
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'name="Petunjuk"', b'name="ANGGARAN"')

    data = read_workbook(_rewrite_parts(write_monthly(tmp_path), rename))
    assert rule_ids(data) == ["sheet_name_duplicate"] and data.kind is None
    assert "'Anggaran'" in data.problems[0]["message"] and "'ANGGARAN'" in data.problems[0]["message"]


@pytest.mark.parametrize("typed", [
    pytest.param("March 26, 2023", id="an English date pandas would guess"),
    pytest.param("26 Maret 2023", id="a date written in words"),
    pytest.param(0, id="a number that is no Excel date"),
    pytest.param(True, id="a boolean"),
    pytest.param("31/02/2023", id="a day that does not exist"),
])
def test_a_date_that_cannot_be_typed_is_an_error_at_its_cell(tmp_path: Path, typed: object) -> None:
    path = damage(write_monthly(tmp_path), lambda b: b["Penindakan"].__setitem__("C2", typed))
    data = read_workbook(path)
    assert [(p["rule_id"], p["severity"], p["sheet"], p["cell"]) for p in data.problems] == [
        ("date_invalid", "error", "Penindakan", "C2")]
    assert "Tanggal" in data.problems[0]["message"]
    result = validate_workbook(data, monthly_context(path))
    assert result.verdict == "rejected", "never stored as NULL"
    assert result.problems[result.problems["cell"] == "C2"]["rule_id"].tolist() == ["date_invalid"]


@pytest.mark.parametrize("typed", [
    pytest.param("March 26, 2023", id="an English date in Tanggal Pengiriman"),
    pytest.param(0, id="a number that is no Excel date in Tanggal Pengiriman"),
])
def test_an_identity_date_that_cannot_be_typed_is_an_error_at_its_cell(tmp_path: Path, typed: object) -> None:
    data = read_workbook(damage(write_monthly(tmp_path), lambda b: b["Identitas"].__setitem__("B7", typed)))
    assert [(p["rule_id"], p["cell"]) for p in data.problems] == [("identity_invalid", "B7")]
    assert data.identity["sent_date"] is None


VBA = "application/vnd.ms-office.vbaProject"
MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _with_vba_project(parts: dict[str, bytes]) -> None:
    parts["xl/vbaProject.bin"] = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512


def _macro_enabled_type(parts: dict[str, bytes]) -> None:
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(XLSX_MAIN, MACRO_MAIN.encode())


def _renamed_vba_part(parts: dict[str, bytes]) -> None:
    parts["xl/media/gambar.bin"] = b"\0" * 512
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        f'<Override PartName="/xl/media/gambar.bin" ContentType="{VBA}"/></Types>').encode())


def _xlm_macro_sheet(parts: dict[str, bytes]) -> None:
    parts["xl/macrosheets/sheet1.xml"] = (b'<xm:macrosheet '
                                          b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/>')


@pytest.mark.parametrize("edit", [
    pytest.param(_with_vba_project, id="a VBA project part (xl/vbaProject.bin)"),
    pytest.param(_macro_enabled_type, id="the macro-enabled workbook content type (.xlsm renamed .xlsx)"),
    pytest.param(_renamed_vba_part, id="a VBA project under another name, declared by its content type"),
    pytest.param(_xlm_macro_sheet, id="an Excel 4.0 macro sheet"),
])
def test_a_workbook_with_macros_is_rejected_unparsed(tmp_path: Path, monkeypatch, edit: Callable) -> None:
    path = _rewrite_parts(write_monthly(tmp_path), edit)
    monkeypatch.setattr(reader, "_open_book", lambda *a: pytest.fail("a macro workbook must not be parsed"))
    data = read_workbook(path)
    assert rule_ids(data) == ["file_macro"] and data.kind is None
    assert "makro" in data.problems[0]["message"] and ".xlsx" in data.problems[0]["expected"]
    assert len(data.sha256) == 64


def _bomb(path: Path, parts: dict[str, int]) -> Path:
    """A zip holding a workbook.xml and parts of the given unpacked sizes (zeros: they compress ~1000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for name, size in parts.items():
            with archive.open(name, "w") as member:
                for _ in range(size // 2**20):
                    member.write(bytes(2**20))
    return path


def test_a_small_file_unpacking_beyond_the_total_bound_is_rejected_unparsed(tmp_path: Path, monkeypatch) -> None:
    sheets = {f"xl/worksheets/sheet{i}.xml": 24 * 2**20 for i in range(1, 4)}  # 72 MiB, each part within its bound
    path = _bomb(tmp_path / "BPOM-KPG_2023-06.xlsx", sheets)
    assert path.stat().st_size < 2**20
    monkeypatch.setattr(reader, "_open_book", lambda *a: pytest.fail("a zip bomb must not be parsed"))
    data = read_workbook(path, max_bytes=20 * 2**20)
    assert rule_ids(data) == ["file_too_large"]
    assert "setelah dibuka" in data.problems[0]["message"] and "64 MB" in data.problems[0]["message"]


def test_a_part_unpacking_beyond_the_part_bound_is_rejected_unparsed(tmp_path: Path, monkeypatch) -> None:
    path = _bomb(tmp_path / "BPOM-KPG_2023-06.xlsx", {"xl/sharedStrings.xml": 40 * 2**20})
    monkeypatch.setattr(reader, "_open_book", lambda *a: pytest.fail("a zip bomb must not be parsed"))
    data = read_workbook(path, max_bytes=20 * 2**20)
    assert rule_ids(data) == ["file_too_large"]
    assert "xl/sharedStrings.xml" in data.problems[0]["message"] and "32 MB" in data.problems[0]["message"]


def test_the_unpacked_bounds_hold_a_template_workbook_of_twenty_thousand_rows(tmp_path: Path) -> None:
    """The widest monthly sheet with long Kendala and RTL texts in every row, written by the template
    writer: a tenth of ``MAX_ROWS`` rows, sizes scaled by ten (a sheet's XML grows with its rows; the
    fixed parts scaled too make the bound conservative). Demo workbooks unpack to 0,2 MB."""
    frames = monthly_frames()
    rows = reader.MAX_ROWS // 10
    kinerja = pd.concat([frames["Kinerja"]] * (rows // 4), ignore_index=True)
    kinerja = kinerja.assign(indicator_code=[f"IKU-{i:05d}" for i in range(rows)],
                             kendala="Sarana baru belum siap diperiksa karena jadwal dan cuaca di lapangan. " * 3,
                             rtl="Jadwal ulang pemeriksaan bersama dinas kesehatan kabupaten dan kota setempat. " * 3)
    path = write_monthly(tmp_path, frames={**frames, "Kinerja": kinerja})
    with zipfile.ZipFile(path) as archive:
        sizes = [info.file_size for info in archive.infolist()]
    assert 10 * sum(sizes) <= reader.MAX_UNCOMPRESSED and 10 * max(sizes) <= reader.MAX_PART_UNCOMPRESSED
    assert read_workbook(path, max_bytes=20 * 2**20).problems == []


def test_a_zip_with_two_parts_of_one_name_is_corrupt(tmp_path: Path) -> None:
    """calamine and Python's zipfile would each read another of the two: values and marks would disagree."""
    path = write_monthly(tmp_path)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read(KINERJA_XML)
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "a") as archive:
        archive.writestr(KINERJA_XML, sheet.replace(b"<v>98</v>", b"<v>1</v>"))
    data = read_workbook(path)
    assert rule_ids(data) == ["file_corrupt"] and data.kind is None


ENGLISH = re.compile(r"[A-Za-z]*(Error|Exception|zip file|invalid|unexpected|larger than)", re.IGNORECASE)


@pytest.mark.parametrize(("damaged", "detail"), [
    pytest.param(lambda p: p.write_bytes(p.read_bytes()[:-200]), "arsip zip tidak utuh", id="a zip cut short"),
    pytest.param(lambda p: _rewrite_sheet(p, KINERJA_XML, lambda xml: xml[: len(xml) // 2]),
                 "isi lembar 'Kinerja' tidak dapat dibaca", id="a sheet whose XML is cut in half"),
    pytest.param(lambda p: _rewrite_parts(p, lambda parts: parts.__setitem__("xl/workbook.xml", b"<workbook")),
                 "isi buku kerja tidak dapat dibaca", id="a workbook.xml cut short"),
])
def test_a_damaged_file_is_explained_in_indonesian_and_the_cause_logged(tmp_path: Path, caplog, damaged,
                                                                          detail: str) -> None:
    path = write_monthly(tmp_path)
    damaged(path)
    with caplog.at_level(logging.WARNING, logger="sources.workbook"):
        data = read_workbook(path)
    assert rule_ids(data) == ["file_corrupt"]
    problem = data.problems[0]
    assert detail in problem["message"]
    assert not ENGLISH.search(problem["message"]) and not ENGLISH.search(problem["expected"]), problem["message"]
    assert path.name in caplog.text and ENGLISH.search(caplog.text), "the raw cause goes to the log"


MEGABYTE_TEXT = "x" * 2**20
#: The longest a problem's field may be (the message: location, rule text and capped parameters).
FIELD_LIMIT = MAX_TEXT_CHARS


def _problem_fields_are_capped(problems) -> None:
    for problem in problems:
        for key, value in problem.items():
            assert value is None or len(str(value)) <= FIELD_LIMIT, (key, len(str(value)))


@pytest.mark.parametrize("edit", [
    pytest.param(lambda b: b["Kinerja"].__setitem__("B1", MEGABYTE_TEXT), id="a 1 MB header"),
    pytest.param(lambda b: b["Identitas"].__setitem__("B3", MEGABYTE_TEXT), id="a 1 MB Tahun"),
    pytest.param(lambda b: b["Penindakan"].__setitem__("C2", MEGABYTE_TEXT), id="a 1 MB date"),
    pytest.param(lambda b: b["Sampling"].__setitem__("C2", MEGABYTE_TEXT), id="a 1 MB number"),
    pytest.param(lambda b: b["Kinerja"].__setitem__("B2", "=" + "1+" * 4000 + "1"), id="a long formula, no value"),
])
def test_no_problem_field_echoes_a_huge_value(tmp_path: Path, edit: Callable) -> None:
    path = damage(write_monthly(tmp_path), edit)
    data = read_workbook(path)
    _problem_fields_are_capped(data.problems)
    result = validate_workbook(data, monthly_context(path))
    assert result.verdict == "rejected", "the hostile value is reported (by the reader or the validator)"
    _problem_fields_are_capped(result.problems.to_dict("records"))


def test_a_huge_sheet_name_is_not_echoed_whole(tmp_path: Path) -> None:
    def rename(parts: dict[str, bytes]) -> None:
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
            b'name="Kinerja"', f'name="{MEGABYTE_TEXT}"'.encode())

    data = read_workbook(_rewrite_parts(write_monthly(tmp_path, name="BPOM-KPG_2023-06.xlsx"), rename))
    assert rule_ids(data) == ["sheet_missing"]
    _problem_fields_are_capped(data.problems)
