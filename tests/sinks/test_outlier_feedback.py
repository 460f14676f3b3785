"""How a steward reads an outlier: the warning's words and history, and a checked value's note."""
from __future__ import annotations

import json

import pandas as pd
from openpyxl import load_workbook

from schemas.validate import validate_workbook
from sinks import feedback
from sinks.feedback import CHECKED_COLOUR, LIST_HEADER_ROW, SEVERITY_LABEL
from sources.workbook import read_workbook
from tests.schemas import workbook_factory as wf

FLAG = {"unit_code": "BPOM-KPG", "year": 2023, "month": 7, "source": "indicator", "item_code": "IKU-IPP",
        "column": "realisasi", "value": 120.0, "kind": "level", "measure": 120.0, "previous": 12.0, "year_min": 10.0,
        "year_max": 14.0, "past_min": 11.0, "past_max": 13.0, "past_years": 2, "direction": "high",
        "sheet": "Kinerja", "row": 9, "cell": "B9"}


def test_the_history_is_told_as_the_steward_reads_it():
    assert feedback.outlier_history_text(FLAG) == \
        "bulan lalu 12, Januari–Juni 10–14, Juli 2 tahun terakhir 11–13, sekarang 120"
    one_year = {**FLAG, "past_min": 11.0, "past_max": 11.0, "past_years": 1, "year_min": None, "year_max": None}
    assert feedback.outlier_history_text(one_year) == "bulan lalu 12, Juli tahun lalu 11, sekarang 120"
    increase = {**FLAG, "kind": "increment", "value": 600.0, "measure": 540.0, "previous": 10.0, "past_min": None,
                "past_max": None}
    assert feedback.outlier_history_text(increase) == \
        "bulan lalu naik 10, Januari–Juni naik 10–14, sekarang naik 540 (s.d. bulan ini 600)"
    money = {**FLAG, "source": "budget", "column": "spent_month_rp", "item_code": "QDC.001/52", "value": 5e9,
             "measure": 5e9, "previous": 5e8, "year_min": 4e8, "year_max": 6e8, "past_min": None, "past_max": None}
    assert feedback.outlier_history_text(money) == (
        "bulan lalu Rp 500.000.000, Januari–Juni Rp 400.000.000–Rp 600.000.000, sekarang Rp 5.000.000.000")


def test_an_outlier_is_a_warning_at_its_cell_naming_what_and_which_way():
    [p] = feedback.outlier_problems(pd.DataFrame([FLAG]), None, "BPOM-KPG_2023-07.xlsx")
    assert (p["rule_id"], p["severity"], p["sheet"], p["cell"], p["row"]) == ("outlier", "warning", "Kinerja", "B9", 9)
    assert p["message"].endswith("Realisasi indikator IKU-IPP 120 jauh di atas riwayat unit ini sendiri: bulan lalu 12, "
                                 "Januari–Juni 10–14, Juli 2 tahun terakhir 11–13, sekarang 120.")
    [low] = feedback.outlier_problems(pd.DataFrame([{**FLAG, "direction": "low", "value": 1.2, "measure": 1.2}]), None,
                                      "x.xlsx")
    assert "1,2 jauh di bawah riwayat" in low["message"]


def test_a_checked_value_is_a_green_note_not_a_warning(tmp_path):
    path = wf.write_monthly(tmp_path)
    result = validate_workbook(read_workbook(path), wf.monthly_context(path))
    assert result.verdict == "accepted" and result.problems.empty
    checked = {**FLAG, "cell": "B3", "row": 3, "checked_by": "Ani", "checked_role": "centre",
               "checked_at": pd.Timestamp("2023-08-20T03:00:00Z"), "reason": "Survei ulang; nilainya benar"}
    notes = feedback.checked_notes(pd.DataFrame([checked]), None, path.name)
    assert notes[0]["severity"] == "checked"
    assert "Sudah diperiksa oleh Ani (Pusat, 20/08/2023): Survei ulang; nilainya benar" in notes[0]["message"]
    out = feedback.write_feedback_workbook(path, result, tmp_path / "fb.xlsx", content=path.read_bytes(),
                                           checked=notes)
    book = load_workbook(out)
    cell = book["Kinerja"]["B3"]
    assert cell.fill.fgColor.rgb.endswith(CHECKED_COLOUR) and "Sudah diperiksa" in cell.comment.text
    listing = book["Daftar Masalah"]
    assert "0 kesalahan, 0 peringatan" in listing["A3"].value
    assert listing.cell(LIST_HEADER_ROW + 1, 2).value == SEVERITY_LABEL["checked"]
    payload = feedback.feedback_json(result, path.name, notes)
    assert payload["counts"] == {"error": 0, "warning": 0} and payload["problems"] == []
    assert json.loads(json.dumps(payload, default=str))["checked"][0]["cell"] == "B3"
    assert feedback.table_rows(payload["checked"])[0]["Tingkat"] == "Sudah diperiksa"
