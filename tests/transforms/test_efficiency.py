"""Efficiency per indicator and unit total on small hostile frames."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reference.policy import policy_for
from transforms.efficiency import EFFICIENCY_COLUMNS, SASARAN_EFFICIENCY_COLUMNS, efficiency, efficiency_by_sasaran

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


def _scores(rows) -> pd.DataFrame:
    """rows: (quarter, level, item_code, value_raw_pct) of quarter_scores' output."""
    frame = pd.DataFrame(rows, columns=["quarter", "level", "item_code", "value_raw_pct"])
    return frame.assign(unit_code="U1", year=2023)


def test_efficiency_per_sasaran_sums_its_indicators_and_takes_the_nps():
    capaian = pd.concat([_capaian([("A", 6, 100.0, 150.0, 150.0, 500.0), ("B", 6, 100.0, 49.8, 49.8, 300.0)]),
                         _capaian([("C", 6, 100.0, 80.0, 80.0, 100.0)]).assign(sk_code="S2")], ignore_index=True)
    indicators = efficiency(capaian, PLAN, POLICY)
    scores = _scores([(2, "sasaran", "S1", 99.9), (2, "sasaran", "S2", 80.0), (2, "indicator", "A", 150.0),
                      (2, "total", "TOTAL", 89.95)])
    out = efficiency_by_sasaran(indicators, scores, POLICY)
    assert list(out.columns) == SASARAN_EFFICIENCY_COLUMNS and out["sk_code"].tolist() == ["S1", "S2"]
    out = out.set_index("sk_code")
    s1 = out.loc["S1"]  # A + B: spent 800 of 2000 -> input 40 %; output = the SK's NPS 99,9
    assert (s1["input_pagu_rp"], s1["input_realisasi_rp"], s1["input_pct"]) == (2000.0, 800.0, pytest.approx(40.0))
    assert s1["output_pct"] == 99.9 and s1["ie"] == pytest.approx(99.9 / 40)
    assert s1["te"] == pytest.approx((99.9 / 40 - 1) / 1) and s1["kategori"] == "Efisien"
    s2 = out.loc["S2"]  # C: spent 100 of 1000 -> input 10 %, NPS 80 -> IE 8
    assert (s2["input_pct"], s2["ie"]) == (pytest.approx(10.0), pytest.approx(8.0))


def test_efficiency_per_sasaran_without_nps_or_spending_is_na():
    capaian = _capaian([("A", 6, 100.0, 150.0, 150.0, 0.0), ("B", 9, NAN, NAN, NAN, 200.0)])
    indicators = efficiency(capaian, PLAN, POLICY)
    scores = _scores([(2, "sasaran", "S1", 150.0), (3, "sasaran", "S1", NAN)])
    out = efficiency_by_sasaran(indicators, scores, POLICY).set_index("quarter")
    assert out.loc[2, "input_pct"] == 0.0 and np.isnan(out.loc[2, "ie"]) and out.loc[2, "kategori"] == "NA"
    assert np.isnan(out.loc[3, "output_pct"]) and out.loc[3, "kategori"] == "NA"
