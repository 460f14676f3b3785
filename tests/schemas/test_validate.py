"""Validating whole workbooks: every bad input a steward can send gets a clear Indonesian answer.

Each case writes the small valid plan or monthly workbook, damages it as a steward would, reads and
validates it, and checks the verdict, the rule, where it points and that the message names the file.
"""
from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from schemas.validate import ValidationContext, ValidationResult, validate_workbook
from sources.workbook import read_workbook
from tests.schemas import workbook_factory as wf


@dataclass(frozen=True)
class Case:
    """A file to send: how to write it, in which context, and what must be said about it."""

    write: Callable[[Path], Path]
    rule_id: str
    cell: str | None = None
    sheet: str | None = None
    context: Callable[[Path], ValidationContext] = wf.monthly_context
    max_bytes: int | None = None


def run(path: Path, context: ValidationContext | None = None, max_bytes: int | None = None) -> ValidationResult:
    return validate_workbook(read_workbook(path, max_bytes=max_bytes), context or wf.monthly_context(path))


def _raw(content: bytes, name: str = "BPOM-KPG_2023-06.xlsx") -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / wf.UNIT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path
    return write


def _truncated(folder: Path) -> Path:
    path = wf.write_monthly(folder)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


def _damaged_part(folder: Path) -> Path:
    """A complete zip whose sheet XML is garbage."""
    path = wf.write_monthly(folder)
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts["xl/worksheets/sheet2.xml"] = b"<worksheet><sheetData><row r='1'><c r='A1'"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def _monthly(edit: Callable, **kwargs) -> Callable[[Path], Path]:
    return lambda folder: wf.damage(wf.write_monthly(folder, **kwargs), edit)


def _plan(edit: Callable) -> Callable[[Path], Path]:
    return lambda folder: wf.damage(wf.write_plan(folder), edit)


def _set(sheet: str, cell: str, value) -> Callable:
    return lambda book: book[sheet].__setitem__(cell, value)


def _delete_rows_below_header(sheet: str) -> Callable:
    return lambda book: book[sheet].delete_rows(2, book[sheet].max_row)


def _append(sheet: str, values: list) -> Callable:
    return lambda book: book[sheet].append(values)


def _delete_row(sheet: str, row: int) -> Callable:
    return lambda book: book[sheet].delete_rows(row)


def _frames(**changes) -> dict[str, pd.DataFrame]:
    frames = wf.monthly_frames()
    for sheet, change in changes.items():
        frames[sheet] = change(frames[sheet])
    return frames


CASES = [
    pytest.param(Case(_raw(b"Ini catatan, bukan Excel."), "file_not_xlsx"), id="a text file named .xlsx"),
    pytest.param(Case(_raw(b"PK\x03\x04" + b"\x00" * 200), "file_corrupt"), id="a corrupt zip"),
    pytest.param(Case(_truncated, "file_corrupt"), id="a workbook cut off in the middle"),
    pytest.param(Case(_damaged_part, "file_corrupt"), id="a workbook whose sheet XML is broken"),
    pytest.param(Case(_raw(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x13" * 600), "file_encrypted"),
                 id="an encrypted workbook or an old xls"),
    pytest.param(Case(wf.write_monthly, "file_too_large", max_bytes=2_000), id="a file above the size limit"),
    pytest.param(Case(_monthly(_set("Identitas", "B5", "0.9")), "template_version_unsupported", "B5", "Identitas"),
                 id="an old template version"),
    pytest.param(Case(_monthly(_set("Identitas", "B5", 2)), "template_version_unsupported", "B5", "Identitas"),
                 id="a template version that does not exist"),
    pytest.param(Case(_monthly(lambda b: b.remove(b["Anggaran"])), "sheet_missing", sheet="Anggaran"),
                 id="a deleted sheet"),
    pytest.param(Case(_monthly(lambda b: b["Kinerja"].delete_cols(2)), "column_missing", sheet="Kinerja"),
                 id="a deleted column"),
    pytest.param(Case(_monthly(_set("Kinerja", "B1", "Realisasi Kumulatif")), "column_missing", sheet="Kinerja"),
                 id="a renamed header"),
    pytest.param(Case(_monthly(_delete_rows_below_header("Kinerja")), "sheet_empty", sheet="Kinerja"),
                 id="an empty Kinerja sheet"),
    pytest.param(Case(_monthly(_delete_rows_below_header("Identitas")), "sheet_empty", sheet="Identitas"),
                 id="an empty Identitas sheet"),
    pytest.param(Case(_plan(_delete_rows_below_header("Pagu")), "sheet_empty", sheet="Pagu", context=wf.plan_context),
                 id="an empty Pagu sheet in a plan"),
    pytest.param(Case(_plan(_set("Indikator", "D3", "buah")), "value_not_allowed", "D3", "Indikator",
                      context=wf.plan_context),
                 id="a Satuan that is not persen, indeks, nilai or jumlah"),
    pytest.param(Case(_monthly(_set("Identitas", "B2", "LOKA-MBR")), "unit_mismatch_folder", "B2", "Identitas"),
                 id="a report of another unit in this unit's folder"),
    pytest.param(Case(_monthly(_set("Identitas", "B2", "BPOM-XYZ")), "unit_unknown", "B2", "Identitas"),
                 id="a unit code that does not exist"),
    pytest.param(Case(lambda f: wf.write_monthly(f, identity=wf.monthly_identity(month=8),
                                                 name=wf.monthly_name(month=8)),
                      "period_future", "B4", "Identitas"), id="a month that has not begun"),
    pytest.param(Case(lambda f: wf.write_monthly(f, identity=wf.monthly_identity(year=2022, month=12),
                                                 name=wf.monthly_name(year=2022, month=12)),
                      "period_before_plan", "B3", "Identitas",
                      context=lambda p: wf.monthly_context(p, plan=None, plan_year=None, plan_years=(2023,))),
                 id="a month before the plan year"),
    pytest.param(Case(wf.write_monthly, "period_before_plan", "B3", "Identitas",
                      context=lambda p: wf.monthly_context(p, plan_year=2024)),
                 id="a month of a year whose plan is not the one on file"),
    pytest.param(Case(wf.write_monthly, "plan_missing", "B3", "Identitas",
                      context=lambda p: wf.monthly_context(p, plan=None, plan_year=None)),
                 id="a monthly report of a unit without any plan"),
    pytest.param(Case(_monthly(_set("Identitas", "B4", 5)), "period_mismatch_filename", "B4", "Identitas"),
                 id="Identitas says May but the file name says June"),
    pytest.param(Case(lambda f: wf.write_monthly(f, name="LOKA-MBR_2023-06.xlsx"), "unit_mismatch_filename", "B2",
                      "Identitas"), id="a file name of another unit"),
    pytest.param(Case(_monthly(_set("Kinerja", "A3", "IKU-TIDAK-ADA")), "indicator_not_in_plan", "A3", "Kinerja"),
                 id="an indicator not in the plan"),
    pytest.param(Case(_monthly(_delete_row("Kinerja", 3)), "indicator_missing", None, "Kinerja"),
                 id="a plan indicator left out of Kinerja"),
    pytest.param(Case(_monthly(_append("Anggaran", ["QDC.001", "52", 1000])), "ro_not_in_plan", "A4", "Anggaran"),
                 id="an RO not in the plan"),
    pytest.param(Case(_monthly(_append("Sampling", ["Obat", "random", 1, 1, 1, 0])), "duplicate_row", "A4",
                      "Sampling"), id="a sampling row repeated under the commodity's name"),
    pytest.param(Case(_monthly(_append("Kinerja", ["IKU-IP-ASN"])), "duplicate_row", "A6", "Kinerja"),
                 id="an indicator reported twice"),
    pytest.param(Case(_monthly(_set("Kinerja", "D2", "=100")), "formula_without_value", "D2", "Kinerja"),
                 id="a formula without a cached value"),
    pytest.param(Case(_monthly(_set("Sampling", "C2", "sepuluh")), "number_invalid", "C2", "Sampling"),
                 id="a word in a number cell"),
    pytest.param(Case(_monthly(_set("Anggaran", "C2", "400.000")), "number_ambiguous", "C2", "Anggaran"),
                 id="an ambiguous thousands-or-decimal number"),
    pytest.param(Case(_monthly(_set("Identitas", "B3", "dua ribu")), "identity_invalid", "B3", "Identitas"),
                 id="a year that is not a number"),
    pytest.param(Case(_monthly(_set("Identitas", "B2", None)), "identity_invalid", "B2", "Identitas"),
                 id="a blank Kode Satker"),
    pytest.param(Case(wf.write_monthly, "late_revision_without_note", "B8", "Identitas",
                      context=lambda p: wf.monthly_context(p, is_replacement=True, past_deadline=True)),
                 id="a late replacement without a revision note"),
]


@pytest.mark.parametrize("case", CASES)
def test_a_bad_file_is_rejected_with_a_clear_message(tmp_path: Path, case: Case) -> None:
    path = case.write(tmp_path)
    result = run(path, case.context(path), case.max_bytes)
    assert result.verdict == "rejected"
    hits = result.problems[result.problems["rule_id"] == case.rule_id]
    assert not hits.empty, result.problems[["rule_id", "cell", "message"]].to_string()
    problem = hits.iloc[0]
    assert problem["severity"] == "error"
    assert path.name in problem["message"], "the message names the file"
    assert problem["message"].startswith(f"Berkas '{path.name}'")
    assert problem["expected"]
    if case.sheet:
        assert problem["sheet"] == case.sheet
    if case.cell:
        assert problem["cell"] == case.cell


def test_the_valid_pair_is_accepted(tmp_path: Path) -> None:
    plan = wf.write_plan(tmp_path)
    assert run(plan, wf.plan_context(plan)).verdict == "accepted"
    month = wf.write_monthly(tmp_path)
    result = run(month)
    assert result.verdict == "accepted", result.problems.to_string()
    assert result.frames["Sampling"]["commodity"].tolist() == ["OBAT", "PANGAN"], "names resolve to codes"


@pytest.mark.parametrize("typed", [
    pytest.param("%", id="a percent sign typed as Satuan reads as persen"),
    pytest.param(" Persen ", id="Satuan in another case and spacing reads as persen"),
])
def test_a_satuan_typed_another_way_is_read_as_the_contract_word(tmp_path: Path, typed: str) -> None:
    plan = wf.damage(wf.write_plan(tmp_path), _set("Indikator", "D2", typed))
    result = run(plan, wf.plan_context(plan))
    assert result.verdict == "accepted", result.problems.to_string()
    assert result.frames["Indikator"]["unit_of_measure"].tolist() == ["persen", "persen", "persen", "indeks"]


def test_a_wrong_satuan_names_the_allowed_words(tmp_path: Path) -> None:
    plan = wf.damage(wf.write_plan(tmp_path), _set("Indikator", "D3", "buah"))
    problem = run(plan, wf.plan_context(plan)).problems.query("rule_id == 'value_not_allowed'").iloc[0]
    assert "'buah'" in problem["message"] and "'Satuan'" in problem["message"]
    assert problem["expected"] == "Salah satu dari: persen, indeks, nilai, jumlah"


def test_offline_without_a_plan_is_a_warning_and_plan_rules_are_skipped(tmp_path: Path) -> None:
    path = wf.damage(wf.write_monthly(tmp_path), _set("Kinerja", "A3", "IKU-TIDAK-ADA"))
    result = run(path, ValidationContext(offline=True, today=wf.TODAY))
    assert result.verdict == "accepted_with_warnings"
    assert result.problems["rule_id"].tolist() == ["plan_not_available"]


def test_a_renamed_header_suggests_the_column_it_replaced(tmp_path: Path) -> None:
    path = wf.damage(wf.write_monthly(tmp_path), _set("Kinerja", "B1", "Realisasi Kumulatif"))
    result = run(path)
    problem = result.problems.query("rule_id == 'column_missing'").iloc[0]
    assert "'Realisasi'" in problem["message"] and "Realisasi Kumulatif" in problem["message"]
    assert not (result.problems["rule_id"] == "realisasi_required").any(), "a missing column is reported once"


def test_an_unreadable_file_says_nothing_else(tmp_path: Path) -> None:
    path = _raw(b"junk")(tmp_path)
    result = run(path)
    assert result.problems["rule_id"].tolist() == ["file_not_xlsx"]
    assert result.kind is None


def test_an_ambiguous_number_is_reported_once(tmp_path: Path) -> None:
    path = wf.damage(wf.write_monthly(tmp_path), _set("Anggaran", "C2", "400.000"))
    problems = run(path).problems
    assert problems.loc[problems["cell"] == "C2", "rule_id"].tolist() == ["number_ambiguous"]


def test_problems_are_sorted_by_sheet_then_row(tmp_path: Path) -> None:
    def edit(book) -> None:
        book["Sampling"]["C3"] = -5
        book["Kinerja"]["D3"] = 0
        book["Identitas"]["B2"] = "LOKA-MBR"

    problems = run(wf.damage(wf.write_monthly(tmp_path), edit)).problems
    assert problems["sheet"].drop_duplicates().tolist() == ["Identitas", "Kinerja", "Sampling"]


def test_hostile_values_everywhere_are_reported_not_raised(tmp_path: Path) -> None:
    from datetime import datetime, time

    def edit(book) -> None:
        book["Kinerja"]["B2"] = datetime(2023, 6, 1)  # a date in a number cell
        book["Kinerja"]["C2"] = True
        book["Kinerja"]["D2"] = "#DIV/0!"
        book["Kinerja"]["E2"] = time(10, 30)
        book["Sampling"]["A2"] = 12345
        book["Sampling"]["C2"] = "x" * 5000
        book["Penindakan"]["C2"] = 45000  # an Excel serial date typed as a number: read as a date
        book["Anggaran"]["A2"] = None
        book["Identitas"]["B4"] = "Juni"

    result = run(wf.damage(wf.write_monthly(tmp_path), edit))
    assert result.verdict == "rejected"
    found = set(zip(result.problems["rule_id"], result.problems["cell"]))
    assert {("number_invalid", "B2"), ("number_invalid", "C2"), ("number_invalid", "D2"), ("number_invalid", "E2"),
            ("code_unknown", "A2"), ("value_required", "A2"), ("identity_invalid", "B4")} <= found
