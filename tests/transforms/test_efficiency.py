"""Efficiency per indicator and unit total on small hostile frames."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reference.policy import policy_for
from transforms.efficiency import EFFICIENCY_COLUMNS, efficiency

NAN = float("nan")
POLICY = policy_for("BPOM-KPG", 2023)


def _capaian(rows) -> pd.DataFrame:
    """rows: (indicator_code, month, target, realisasi, capaian_raw_pct, spent_cum_rp)."""
    frame = pd.DataFrame(rows, columns=["indicator_code", "month", "target", "realisasi", "capaian_raw_pct",
                                        "spent_cum_rp"])
    return frame.assign(unit_code="U1", year=2023, sk_code="S1", capaian_pct=frame["capaian_raw_pct"].clip(upper=120))


PLAN = pd.DataFrame({"unit_code": "U1", "year": 2023, "indicator_code": ["A", "B", "C", "D"],
                     "allocation_rp": [1000.0, 1000.0, 1000.0, 1000.0]})


@pytest.fixture()
def rows():
    capaian = _capaian([
        ("A", 6, 100.0, 150.0, 150.0, 500.0),   # output uncapped 150, input 50 -> IE 3
        ("B", 6, 100.0, 49.8, 49.8, 500.0),     # IE 0.996 rounds to 1.00 -> Efisien
        ("C", 6, NAN, NAN, NAN, 400.0),         # output not measured -> NA
        ("D", 6, 100.0, 80.0, 80.0, 0.0),       # nothing spent -> IE undefined -> NA
        ("A", 5, 100.0, 90.0, 90.0, 300.0),     # not a quarter end: no row
    ])
    return efficiency(capaian, PLAN, POLICY)


def _row(rows, code):
    return rows.set_index("indicator_code").loc[code]


def test_grain_and_columns(rows):
    assert list(rows.columns) == EFFICIENCY_COLUMNS
    assert rows["indicator_code"].tolist() == ["A", "B", "C", "D", "TOTAL"] and set(rows["quarter"]) == {2}


@pytest.mark.parametrize("code, column, expected", [
    pytest.param("A", "output_pct", 150.0, id="output is the uncapped capaian"),
    pytest.param("A", "ie", 3.0, id="IE is output over input"),
    pytest.param("A", "te", 2.0, id="TE is IE minus SE"),
    pytest.param("B", "ie", 0.996, id="IE kept unrounded"),
    pytest.param("C", "input_pct", 40.0, id="input percent is computed even when output is not measured"),
    pytest.param("C", "ie", NAN, id="no output, no IE"),
    pytest.param("D", "ie", NAN, id="nothing spent: IE undefined rather than infinite"),
])
def test_indicator_figures(rows, code, column, expected):
    value = _row(rows, code)[column]
    assert np.isnan(value) if np.isnan(expected) else value == pytest.approx(expected)


@pytest.mark.parametrize("code, kategori", [
    pytest.param("A", "Efisien", id="IE above 1 is efficient"),
    pytest.param("B", "Efisien", id="IE 0.996 shows as 1.00 and counts as efficient"),
    pytest.param("C", "NA", id="unmeasured output is NA, never Efisien"),
    pytest.param("D", "NA", id="undefined IE is NA"),
])
def test_kategori(rows, code, kategori):
    assert _row(rows, code)["kategori"] == kategori


def test_below_one_is_not_efficient():
    rows = efficiency(_capaian([("A", 6, 100.0, 49.0, 49.0, 500.0)]), PLAN, POLICY)
    assert _row(rows, "A")["kategori"] == "Tidak Efisien"


def test_total_uses_measured_outputs_and_all_spending(rows):
    total = _row(rows, "TOTAL")
    assert total["input_pagu_rp"] == 4000.0 and total["input_realisasi_rp"] == 1400.0
    assert total["input_pct"] == pytest.approx(35.0)
    assert total["output_pct"] == pytest.approx((150 + 49.8 + 80) / 3)
    assert total["ie"] == pytest.approx(total["output_pct"] / 35.0) and total["se"] == 1.0
