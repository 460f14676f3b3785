"""Steward feedback (sinks.feedback): the marked copy of their workbook, the list sheet, JSON, table."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import sinks.feedback as feedback
from schemas import contract
from schemas.validate import ValidationResult, validate_workbook
from sinks.feedback import (ERROR_COLOUR, LIST_HEADER_ROW, LIST_HEADERS, WARNING_COLOUR, feedback_json,
                            problems_table_markdown, problems_table_rows, write_feedback_workbook)
from sources.workbook import read_workbook
from tests.schemas import workbook_factory as wf

OUR_COLOURS = {ERROR_COLOUR: "error", WARNING_COLOUR: "warning"}


def _defective(book) -> None:
    book["Kinerja"]["F3"] = None  # kendala_expected (warning)
    book["Sampling"]["C3"] = "lima"  # number_invalid (error)
    book["Sampling"]["E2"] = 7  # ms_tms_mismatch at Diuji D2 (error)
    book["Pemeriksaan"]["D2"] = 3  # mk_tmk_mismatch at B2 (error)
    book["Anggaran"]["C2"] = "400.000"  # number_ambiguous (error)
    book["Identitas"]["B2"] = "LOKA-MBR"  # unit_mismatch_folder (error)


def _validated(tmp_path: Path) -> tuple[Path, ValidationResult]:
    path = wf.damage(wf.write_monthly(tmp_path), _defective)
    return path, validate_workbook(read_workbook(path), wf.monthly_context(path))


def _filled_cells(path: Path) -> dict[tuple[str, str], str]:
    """(sheet, cell) -> severity of every cell filled with one of our colours, outside the list."""
    book = load_workbook(path)
    found = {}
    for ws in book.worksheets:
        if ws.title == contract.PROBLEMS_SHEET:
            continue
        for row in ws.iter_rows():
            for cell in row:
                rgb = cell.fill.fgColor.rgb if cell.fill is not None and cell.fill.fill_type else None
                if isinstance(rgb, str) and rgb[-6:] in OUR_COLOURS:
                    found[(ws.title, cell.coordinate)] = OUR_COLOURS[rgb[-6:]]
    return found


def test_exactly_the_problem_cells_are_marked(tmp_path: Path) -> None:
    source, result = _validated(tmp_path)
    out = write_feedback_workbook(source, result, tmp_path / "out" / "umpan_balik.xlsx")
    at_cells = result.problems[result.problems["cell"].notna()]
    expected = {(s, c): sev for s, c, sev in zip(at_cells["sheet"], at_cells["cell"], at_cells["severity"])}
    assert {"kendala_expected", "number_invalid", "ms_tms_mismatch", "mk_tmk_mismatch", "number_ambiguous",
            "unit_mismatch_folder"} <= set(result.problems["rule_id"])
    assert _filled_cells(out) == expected
    book = load_workbook(out)
    comment = book["Sampling"]["D2"].comment
    assert comment is not None and "MS (7) + TMS (0) tidak sama dengan Diuji (10)" in comment.text
    assert "Yang diharapkan: MS + TMS = Diuji" in comment.text
    assert book["Sampling"]["C3"].value == "lima", "the steward's values are kept"


def test_the_problem_list_has_one_row_per_problem_with_links(tmp_path: Path) -> None:
    source, result = _validated(tmp_path)
    out = write_feedback_workbook(source, result, tmp_path / "umpan_balik.xlsx")
    book = load_workbook(out)
    assert book.sheetnames[0] == contract.PROBLEMS_SHEET
    ws = book[contract.PROBLEMS_SHEET]
    assert "Ditolak" in ws["A1"].value and source.name in ws["A2"].value
    assert tuple(c.value for c in ws[LIST_HEADER_ROW]) == LIST_HEADERS
    rows = list(ws.iter_rows(min_row=LIST_HEADER_ROW + 1, values_only=True))
    assert len(rows) == len(result.problems)
    assert [r[1] for r in rows] == [{"error": "Kesalahan", "warning": "Peringatan"}[s]
                                    for s in result.problems["severity"]]
    first_cell_row = next(i for i, r in enumerate(rows) if r[5]) + LIST_HEADER_ROW + 1
    link = ws.cell(first_cell_row, 6).hyperlink
    sheet, cell = ws.cell(first_cell_row, 3).value, ws.cell(first_cell_row, 6).value
    assert link is not None and link.location == f"'{sheet}'!{cell}"


def test_feedback_on_feedback_replaces_the_earlier_marks(tmp_path: Path) -> None:
    source, result = _validated(tmp_path)
    first = write_feedback_workbook(source, result, tmp_path / "first.xlsx")
    clean = validate_workbook(read_workbook(wf.write_monthly(tmp_path / "clean")), wf.monthly_context())
    second = write_feedback_workbook(first, clean, tmp_path / "second.xlsx")
    assert _filled_cells(second) == {}
    book = load_workbook(second)
    assert book.sheetnames.count(contract.PROBLEMS_SHEET) == 1
    assert "Diterima" in book[contract.PROBLEMS_SHEET]["A1"].value


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"bukan excel", id="a text file"),
        pytest.param(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100, id="an encrypted workbook"),
        pytest.param(b"PK\x03\x04" + b"\0" * 50, id="a corrupt zip"),
    ],
)
def test_an_unopenable_file_gets_a_fresh_list_only_workbook(tmp_path: Path, content: bytes) -> None:
    source = tmp_path / "BPOM-KPG_2023-06.xlsx"
    source.write_bytes(content)
    result = validate_workbook(read_workbook(source), wf.monthly_context(source))
    out = write_feedback_workbook(source, result, tmp_path / "umpan_balik.xlsx")
    book = load_workbook(out)
    assert book.sheetnames == [contract.PROBLEMS_SHEET]
    ws = book[contract.PROBLEMS_SHEET]
    assert ws.cell(LIST_HEADER_ROW + 1, 8).value == result.problems["message"].iloc[0]
    assert source.name in ws.cell(LIST_HEADER_ROW + 1, 8).value


@pytest.mark.parametrize(
    "bounds",
    [
        pytest.param(dict(max_bytes=1_000), id="a file over the size limit is not opened for feedback"),
        pytest.param(dict(max_uncompressed=1_000), id="a file too large once unzipped is not opened for feedback"),
    ],
)
def test_a_file_refused_by_the_reader_is_not_opened_by_the_feedback(tmp_path: Path, monkeypatch, bounds) -> None:
    import sinks.feedback as feedback

    source = wf.write_monthly(tmp_path)
    result = validate_workbook(read_workbook(source, **bounds), wf.monthly_context(source))
    assert result.problems["rule_id"].tolist() == ["file_too_large"]
    opened: list[Path] = []
    monkeypatch.setattr(feedback, "load_workbook", lambda path, *a, **k: opened.append(path))
    out = write_feedback_workbook(source, result, tmp_path / "umpan_balik.xlsx")
    assert opened == [], "the oversized workbook must not be loaded in full"
    book = load_workbook(out)
    assert book.sheetnames == [contract.PROBLEMS_SHEET]
    assert "melebihi batas" in book[contract.PROBLEMS_SHEET].cell(LIST_HEADER_ROW + 1, 8).value


def test_json_and_table_carry_the_same_problems(tmp_path: Path) -> None:
    source, result = _validated(tmp_path)
    payload = feedback_json(result, source.name)
    assert json.loads(json.dumps(payload)) == payload, "plain JSON types only"
    assert payload["verdict"] == "rejected" and payload["file_name"] == source.name
    assert payload["counts"] == {"error": result.n_errors, "warning": result.n_warnings}
    assert len(payload["problems"]) == len(result.problems)
    assert all(p["row"] is None or isinstance(p["row"], int) for p in payload["problems"])
    rows = problems_table_rows(result)
    assert len(rows) == len(result.problems) and set(rows[0]) == set(LIST_HEADERS)
    markdown = problems_table_markdown(result)
    assert markdown.count("\n| ") == len(result.problems) + 1 and "Ditolak" in markdown


# ------------------------------------------------------------------------------- a clean file, cheaply

def _clean(tmp_path: Path) -> tuple[Path, ValidationResult]:
    source = wf.write_monthly(tmp_path / "clean")
    result = validate_workbook(read_workbook(source), wf.monthly_context(source))
    assert result.verdict == "accepted" and result.problems.empty
    return source, result


def _no_loading(monkeypatch) -> list:
    """Record every attempt of the feedback to open a workbook (and open nothing)."""
    opened: list = []
    monkeypatch.setattr(feedback, "load_workbook", lambda path, *a, **k: opened.append(path))
    return opened


def test_a_clean_file_gets_the_list_alone_saying_there_is_nothing_to_fix(tmp_path: Path, monkeypatch) -> None:
    source, result = _clean(tmp_path)
    opened = _no_loading(monkeypatch)
    out = write_feedback_workbook(source, result, tmp_path / "out" / "umpan_balik.xlsx")
    assert opened == [], "a clean file's workbook is not loaded"
    book = load_workbook(out)
    assert book.sheetnames == [contract.PROBLEMS_SHEET]
    ws = book[contract.PROBLEMS_SHEET]
    assert ws["A1"].value == "Hasil pemeriksaan: Diterima" and ws["A1"].font.b
    assert ws["A2"].value == f"Berkas: {source.name}"
    assert ws["A3"].value.startswith("0 kesalahan, 0 peringatan.")
    assert "Tidak ada yang perlu diperbaiki" in ws["A3"].value
    assert tuple(c.value for c in ws[LIST_HEADER_ROW]) == LIST_HEADERS
    assert ws.max_row == LIST_HEADER_ROW and ws.freeze_panes == f"A{LIST_HEADER_ROW + 1}"


@pytest.mark.parametrize("name", [
    pytest.param("BPOM-KPG_2023-06 <Tim & Data> \"final\".xlsx", id="XML characters in the name are kept"),
    pytest.param("=1+2 laporan .xlsx", id="a name starting with = and spaces stays text"),
    pytest.param("  BPOM-KPG_2023-06.xlsx  ", id="leading and trailing spaces are kept"),
])
def test_the_clean_list_names_the_file_exactly(tmp_path: Path, name: str) -> None:
    _, result = _clean(tmp_path)
    out = write_feedback_workbook(tmp_path / "missing.xlsx", replace(result, file_name=name), tmp_path / "u.xlsx")
    cell = load_workbook(out)[contract.PROBLEMS_SHEET]["A2"]
    assert cell.value == f"Berkas: {name}" and cell.data_type == "s"


def test_a_file_with_only_warnings_still_gets_its_marked_copy(tmp_path: Path) -> None:
    source, result = _validated(tmp_path)
    warnings = result.problems[result.problems["severity"] == "warning"]
    assert not warnings.empty
    out = write_feedback_workbook(source, replace(result, verdict="accepted_with_warnings", problems=warnings),
                                  tmp_path / "umpan_balik.xlsx")
    at_cells = warnings[warnings["cell"].notna()]
    assert _filled_cells(out) == {(s, c): "warning" for s, c in zip(at_cells["sheet"], at_cells["cell"])} != {}
    assert load_workbook(out).sheetnames[0] == contract.PROBLEMS_SHEET


def test_feedback_on_feedback_with_other_problems_replaces_the_earlier_marks(tmp_path: Path) -> None:
    source, result = _validated(tmp_path)
    first = write_feedback_workbook(source, result, tmp_path / "first.xlsx")
    one = result.problems[result.problems["rule_id"] == "kendala_expected"]
    second = write_feedback_workbook(first, replace(result, verdict="accepted_with_warnings", problems=one),
                                     tmp_path / "second.xlsx")
    assert _filled_cells(second) == {(one["sheet"].item(), one["cell"].item()): "warning"}
    book = load_workbook(second)
    assert book.sheetnames.count(contract.PROBLEMS_SHEET) == 1
    assert book.sheetnames[0] == contract.PROBLEMS_SHEET


def test_given_content_is_opened_and_the_source_is_not_read(tmp_path: Path) -> None:
    defective, result = _validated(tmp_path)
    content = defective.read_bytes()
    named = tmp_path / "elsewhere" / defective.name  # never written: only names the file
    out = write_feedback_workbook(named, replace(result, file_name=""), tmp_path / "umpan_balik.xlsx",
                                  content=content)
    at_cells = result.problems[result.problems["cell"].notna()]
    expected = dict(zip(zip(at_cells["sheet"], at_cells["cell"]), at_cells["severity"]))
    assert _filled_cells(out) == expected
    assert load_workbook(out)[contract.PROBLEMS_SHEET]["A2"].value == f"Berkas: {defective.name}"


def test_given_content_of_a_refused_file_is_not_opened_either(tmp_path: Path, monkeypatch) -> None:
    source = wf.write_monthly(tmp_path)
    result = validate_workbook(read_workbook(source, max_bytes=1_000), wf.monthly_context(source))
    opened = _no_loading(monkeypatch)
    out = write_feedback_workbook(source, result, tmp_path / "umpan_balik.xlsx", content=source.read_bytes())
    assert opened == []
    assert load_workbook(out).sheetnames == [contract.PROBLEMS_SHEET]


# ------------------------------------------------------------------------------------ formula injection

#: Texts a steward may type that a spreadsheet would run if they were written as formulas.
HOSTILE = ('=HYPERLINK("http://x","klik")', "=1+2", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3+cmd|' /C calc'!A0",
           "#N/A")
#: The steward's own formula in their copy (kept on purpose), which the reader reports as formula text.
STEWARD_FORMULA = "=D2*0+98"


def _formula_cells_of(path: Path) -> dict[tuple[str, str], object]:
    """(sheet, cell) -> value of every cell openpyxl reads as a formula."""
    book = load_workbook(path, data_only=False)
    return {(ws.title, c.coordinate): c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"}


def _typed_as_text(book) -> None:
    """The steward typed the hostile texts into text cells (Kendala, RTL) and kept one formula of theirs."""
    book["Kinerja"]["B2"] = STEWARD_FORMULA
    for row, text in enumerate(HOSTILE[:4], start=2):
        cell = book["Kinerja"][f"F{row}"]
        cell.value, cell.data_type = text, "s"  # typed as text (Excel: a leading apostrophe)


def test_hostile_values_and_messages_are_written_as_text(tmp_path: Path) -> None:
    source = wf.damage(wf.write_monthly(tmp_path), _typed_as_text)
    result = validate_workbook(read_workbook(source), wf.monthly_context(source))
    assert STEWARD_FORMULA in result.problems["value"].tolist(), "the reader reports the formula text"
    planted = pd.DataFrame({
        "rule_id": "number_invalid", "severity": "error", "sheet": "Kinerja", "row": 2, "column": "Kendala",
        "cell": "F2", "value": list(HOSTILE), "message": list(HOSTILE),
        "expected": [f"{t} (diharapkan)" if i % 2 else t for i, t in enumerate(HOSTILE)],
    })
    hostile = replace(result, verdict="rejected", problems=pd.concat([result.problems, planted], ignore_index=True))
    before = _formula_cells_of(source)
    assert before == {("Kinerja", "B2"): STEWARD_FORMULA}
    out = write_feedback_workbook(source, hostile, tmp_path / "umpan_balik.xlsx")
    assert _formula_cells_of(out) == before, "only the steward's own formula, in their own sheet"
    ws = load_workbook(out, data_only=False)[contract.PROBLEMS_SHEET]
    rows = list(ws.iter_rows(min_row=LIST_HEADER_ROW + 1))
    assert len(rows) == len(hostile.problems)
    written = [(r[6].value, r[7].value, r[8].value) for r in rows]
    assert written == [tuple(None if pd.isna(v) else v for v in p)
                       for p in hostile.problems[["value", "message", "expected"]].itertuples(index=False)]
    assert all(c.data_type == "s" for r in rows for c in r[6:9] if isinstance(c.value, str))
    assert ws.cell(LIST_HEADER_ROW + len(result.problems) + 1, 7).value == HOSTILE[0]
    kendala = load_workbook(out)["Kinerja"]
    assert [kendala[f"F{r}"].value for r in range(2, 6)] == list(HOSTILE[:4]), "the steward's text is kept as typed"
    assert HOSTILE[0] in kendala["F2"].comment.text
