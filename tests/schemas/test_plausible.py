"""Implausible values and unbounded text, at their cells: the ranges of ``schemas.contract`` (per Satuan,
per amount, count and progress column) and the text limits, through the real reader and validator."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from schemas import contract
from schemas.validate import ValidationContext, validate_workbook
from sources.workbook import read_workbook
from workbook_factory import (damage, monthly_context, monthly_frames, monthly_identity, plan_context, plan_frames,
                              set_cells, write_monthly, write_plan)

# Kinerja rows of the factory's June report: 0 IKU-OBAT-MS (persen, with Pembilang/Penyebut),
# 1 IKU-SARANA-PRODUKSI-MK (persen, with Pembilang/Penyebut), 2 IKU-SAMPEL-OBAT-UJI (persen, no ratio),
# 3 IKU-IP-ASN (indeks, year end). Excel row = position + 2; Realisasi is column B.


def _monthly(tmp_path: Path, edit, **context):
    frames = monthly_frames()
    edit(frames)
    path = write_monthly(tmp_path, frames=frames)
    return validate_workbook(read_workbook(path), monthly_context(path, **context))


def _plan(tmp_path: Path, edit):
    frames = plan_frames()
    edit(frames)
    path = write_plan(tmp_path, frames=frames)
    return validate_workbook(read_workbook(path), plan_context(path))


def _at(result, rule_id: str) -> pd.DataFrame:
    return result.problems[result.problems["rule_id"] == rule_id]


def test_a_million_on_a_persen_indicator_is_rejected_at_its_cell_with_the_limit(tmp_path):
    result = _monthly(tmp_path, lambda f: f["Kinerja"].__setitem__("realisasi", [98, 75, 1_000_000, None]))
    assert result.verdict == "rejected"
    found = _at(result, "value_implausible")
    assert found[["sheet", "cell", "severity", "value"]].values.tolist() == [["Kinerja", "B4", "error", "1000000"]]
    message, expected = found.iloc[0][["message", "expected"]]
    assert "IKU-SAMPEL-OBAT-UJI" in message and "persen" in message and "1.000" in message
    assert expected.startswith("Angka 0 sampai 1.000")


def test_a_negative_realisation_is_rejected_at_its_cell(tmp_path):
    result = _monthly(tmp_path, lambda f: f["Kinerja"].__setitem__("realisasi", [98, 75, -26, None]))
    assert result.verdict == "rejected"
    assert _at(result, "value_negative")[["sheet", "cell"]].values.tolist() == [["Kinerja", "B4"]]


def test_an_unusual_persen_realisation_is_accepted_with_a_warning(tmp_path):
    result = _monthly(tmp_path, lambda f: f["Kinerja"].__setitem__("realisasi", [98, 75, 260, None]))
    assert result.verdict == "accepted_with_warnings"
    found = _at(result, "value_unusual")
    assert found[["cell", "severity"]].values.tolist() == [["B4", "warning"]]
    assert "200" in found.iloc[0]["message"]


def test_a_plausible_value_above_100_is_no_problem(tmp_path):
    result = _monthly(tmp_path, lambda f: f["Kinerja"].__setitem__("realisasi", [98, 75, 130, None]))
    assert result.verdict == "accepted", result.problems[["rule_id", "message"]].values.tolist()


def test_a_ratio_realisation_is_bounded_by_the_ratio_rules_alone(tmp_path):
    """Pembilang > Penyebut gives Realisasi far above 100: one mistake, reported once, by its own rule."""
    def edit(f):
        f["Kinerja"]["numerator"] = [2000, 15, None, None]
        f["Kinerja"]["denominator"] = [100, 20, None, None]
        f["Kinerja"]["realisasi"] = [2000, 75, 26, None]
    result = _monthly(tmp_path, edit, sampling_before=None, inspection_before=None)
    rules = set(result.problems["rule_id"])
    assert "numerator_exceeds_denominator" in rules
    assert not rules & {"value_implausible", "value_unusual"}


def test_offline_without_a_plan_the_catalogue_satuan_decides(tmp_path):
    frames = monthly_frames()
    frames["Kinerja"]["realisasi"] = [98, 75, 1_000_000, None]
    path = write_monthly(tmp_path, frames=frames)
    result = validate_workbook(read_workbook(path), ValidationContext(offline=True, file_name=path.name))
    assert _at(result, "value_implausible")["cell"].tolist() == ["B4"]


def test_plan_targets_are_checked_against_their_satuan(tmp_path):
    def edit(f):
        f["Indikator"]["annual_target"] = [9200, 80, 50, 80]  # a decimal comma lost: 92,00 -> 9200
        f["RAPK"].loc[3, "b12"] = 150                         # an index above 100: unusual
        f["RAPK"].loc[2, "b03"] = -13
    result = _plan(tmp_path, edit)
    assert result.verdict == "rejected"
    got = {(r.rule_id, r.sheet, r.cell, r.severity) for r in result.problems.itertuples()}
    assert {("value_implausible", "Indikator", "H2", "error"), ("value_unusual", "RAPK", "M5", "warning"),
            ("value_negative", "RAPK", "D4", "error")} <= got


def test_a_count_indicator_may_be_large(tmp_path):
    def edit(f):
        f["Indikator"].loc[3, "unit_of_measure"] = "jumlah"
        f["RAPK"].loc[3, "b12"] = 2_500_000  # people reached by a campaign
        f["Indikator"].loc[3, "annual_target"] = 2_500_000
    result = _plan(tmp_path, edit)
    assert not set(result.problems["rule_id"]) & {"value_implausible", "value_unusual"}


@pytest.mark.parametrize("sheet, column, cell, value, limit", [
    ("Anggaran", "spent_month_rp", "C2", 4.5e14, "Rp 10.000.000.000.000"),
    ("Anggaran", "progress_pct", "E3", 150, "100"),
    ("Sampling", "sampled", "C2", 5e9, "1.000.000.000"),
])
def test_amounts_counts_and_progress_have_a_ceiling(tmp_path, sheet, column, cell, value, limit):
    def edit(f):
        frame = f[sheet].astype({column: object})
        frame.loc[0 if cell.endswith("2") else 1, column] = value
        f[sheet] = frame
    result = _monthly(tmp_path, edit)
    found = _at(result, "value_implausible")
    assert (found["sheet"] == sheet).any() and cell in set(found["cell"]), result.problems.values.tolist()
    assert limit in found[found["cell"] == cell].iloc[0]["message"]
    assert result.verdict == "rejected"


def test_every_range_is_one_entry_of_the_contract():
    assert set(contract.MEASURE_RANGES) == {"persen", "indeks", "nilai", "jumlah"}
    for bounds in (*contract.MEASURE_RANGES.values(), *contract.COLUMN_RANGES.values()):
        assert bounds.usual is None or 0 < bounds.usual < bounds.limit


# -- free text ----------------------------------------------------------------------------------------

def test_a_huge_kendala_is_rejected_at_its_cell_naming_the_limit(tmp_path):
    path = write_monthly(tmp_path)
    damage(path, set_cells(("Kinerja", "F3", "Kendala panjang. " * 60_000)))  # ~1 MB typed into one cell
    result = validate_workbook(read_workbook(path), monthly_context(path))
    assert result.verdict == "rejected"
    found = _at(result, "text_too_long")
    assert found[["sheet", "cell", "column"]].values.tolist() == [["Kinerja", "F3", "Kendala"]]
    limit = f"{contract.TEXT_LIMITS['kendala']:,}".replace(",", ".")
    assert f"batasnya {limit} karakter" in found.iloc[0]["message"] and limit in found.iloc[0]["expected"]
    assert len(found.iloc[0]["value"]) <= 120, "the value is quoted back cut"
    kinerja = result.frames["Kinerja"]
    longest = kinerja["kendala"].map(lambda v: len(v) if isinstance(v, str) else 0).max()
    assert longest <= contract.TEXT_LIMITS["kendala"], "the frames handed on carry the text cut to its limit"


def test_text_at_its_limit_is_accepted(tmp_path):
    frames = monthly_frames()
    frames["Kinerja"].loc[1, "kendala"] = "k" * contract.TEXT_LIMITS["kendala"]
    path = write_monthly(tmp_path, frames=frames)
    result = validate_workbook(read_workbook(path), monthly_context(path))
    assert result.verdict == "accepted", result.problems[["rule_id", "message"]].values.tolist()


def test_a_long_identity_field_and_a_long_code_are_rejected(tmp_path):
    path = write_monthly(tmp_path, identity=monthly_identity(steward="Nama " * 100))
    damage(path, set_cells(("Sampling", "A2", "OBAT" * 40)))
    result = validate_workbook(read_workbook(path), monthly_context(path))
    found = _at(result, "text_too_long")
    assert set(found["sheet"]) == {"Identitas", "Sampling"}
    identity = found[found["sheet"] == "Identitas"].iloc[0]
    assert "'Penanggung Jawab Data'" in identity["message"] and "250" in identity["message"]
    assert "100" in found[found["sheet"] == "Sampling"].iloc[0]["message"]
