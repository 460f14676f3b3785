"""Budget lines, roll-ups (ratio of sums), RPD deviation and spending per indicator."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from transforms.budget import BUDGET_LINE_COLUMNS, INDICATOR_BUDGET_COLUMNS, ROLLUP_COLUMNS, budget_by_indicator, \
    budget_lines, budget_rollup

NAN = float("nan")
KEY = {"unit_code": "U1", "year": 2023}


def _plan() -> pd.DataFrame:
    return pd.DataFrame({"ro_code": ["R1", "R1", "R2"], "ro_name": ["satu", "satu", "dua"],
                         "expense_type": ["52", "53", "52"], "pagu_rp": [1000.0, 3000.0, 100.0],
                         "pagu_after_aa_rp": [800.0, 3000.0, 100.0], "volume_target": [10.0, 10.0, NAN],
                         "volume_unit": ["Laporan", "Laporan", None]}).assign(**KEY)


def _rpd() -> pd.DataFrame:
    rows = [(ro, et, m, planned) for ro, et, planned in [("R1", "52", 100.0), ("R1", "53", 0.0), ("R2", "52", 10.0)]
            for m in range(1, 13)]
    return pd.DataFrame(rows, columns=["ro_code", "expense_type", "month", "planned_rp"]).assign(**KEY)


def _spending(rows) -> pd.DataFrame:
    """rows: (month, ro_code, expense_type, spent_month_rp, volume_cum, progress_pct)."""
    return pd.DataFrame(rows, columns=["month", "ro_code", "expense_type", "spent_month_rp", "volume_cum",
                                       "progress_pct"]).assign(**KEY)


SPENDING = _spending([(1, "R1", "52", 150.0, 2.0, NAN), (1, "R2", "52", 10.0, NAN, 20.0),
                      (3, "R1", "52", 50.0, 4.0, NAN), (3, "R1", "53", 3300.0, 4.0, NAN)])


@pytest.fixture()
def lines():
    return budget_lines(_plan(), _rpd(), SPENDING)


def _line(lines, month, ro, et):
    return lines.query("month == @month and ro_code == @ro and expense_type == @et").iloc[0]


def test_grain_is_every_line_for_months_one_to_last_reported(lines):
    assert list(lines.columns) == BUDGET_LINE_COLUMNS
    assert len(lines) == 3 * 3 and sorted(lines["month"].unique()) == [1, 2, 3]
    assert not lines.duplicated(["unit_code", "year", "month", "ro_code", "expense_type"]).any()


def test_unreported_month_counts_zero_and_cumulates(lines):
    feb = _line(lines, 2, "R1", "52")
    assert feb["spent_month_rp"] == 0 and feb["spent_cum_rp"] == 150.0
    assert _line(lines, 3, "R1", "52")["spent_cum_rp"] == 200.0


def test_volume_and_progress_carry_forward(lines):
    assert _line(lines, 2, "R1", "52")["volume_cum"] == 2.0
    assert _line(lines, 3, "R2", "52")["progress_pct"] == 20.0


@pytest.mark.parametrize("month, ro, et, column, expected", [
    pytest.param(1, "R1", "52", "realisation_pct", 15.0, id="realisation is cumulative spending over pagu"),
    pytest.param(1, "R1", "52", "realisation_aa_pct", 18.75, id="also against pagu setelah AA"),
    pytest.param(3, "R1", "53", "realisation_pct", 110.0, id="spending above pagu is kept above 100"),
    pytest.param(1, "R1", "52", "deviation_pct", 50.0, id="deviation is |spent - planned| / planned"),
    pytest.param(2, "R1", "52", "deviation_pct", 100.0, id="nothing spent in a planned month deviates 100"),
    pytest.param(3, "R1", "53", "deviation_pct", NAN, id="no plan for the month: deviation undefined"),
    pytest.param(1, "R1", "52", "volume_pct", 20.0, id="volume to date over volume target"),
    pytest.param(1, "R2", "52", "volume_pct", NAN, id="no volume target, no volume percent"),
    pytest.param(3, "R1", "52", "planned_cum_rp", 300.0, id="planned disbursement cumulates"),
    pytest.param(3, "R1", "52", "quarter", 1, id="month 3 is quarter 1"),
])
def test_line_figures(lines, month, ro, et, column, expected):
    value = _line(lines, month, ro, et)[column]
    assert np.isnan(value) if np.isnan(expected) else value == pytest.approx(expected)


def test_unit_rollup_is_a_ratio_of_sums(lines):
    unit = budget_rollup(lines, "unit").query("month == 3").iloc[0]
    assert list(budget_rollup(lines, "unit").columns) == ROLLUP_COLUMNS
    assert unit["item_code"] == "TOTAL" and unit["pagu_rp"] == 4100.0 and unit["spent_cum_rp"] == 3510.0
    assert unit["realisation_pct"] == pytest.approx(3510 / 4100 * 100)
    mean_of_ratios = lines.query("month == 3")["realisation_pct"].mean()
    assert unit["realisation_pct"] != pytest.approx(mean_of_ratios)
    assert unit["deviation_pct"] == pytest.approx(abs(3350 - 110) / 110 * 100)
    assert np.isnan(unit["volume_pct"])


def test_ro_rollup_does_not_double_the_volume(lines):
    r1 = budget_rollup(lines, "ro").query("month == 3 and item_code == 'R1'").iloc[0]
    assert r1["pagu_rp"] == 4000.0 and r1["volume_target"] == 10.0 and r1["volume_pct"] == pytest.approx(40.0)


def test_expense_type_rollup(lines):
    by_type = budget_rollup(lines, "expense_type").query("month == 3").set_index("item_code")
    assert by_type.loc["52", "pagu_rp"] == 1100.0 and by_type.loc["53", "spent_cum_rp"] == 3300.0


def test_unknown_rollup_level_is_refused(lines):
    with pytest.raises(ValueError, match="level"):
        budget_rollup(lines, "sasaran")


def test_inputs_are_not_mutated():
    plan, rpd, spending = _plan(), _rpd(), SPENDING.copy()
    budget_lines(plan, rpd, spending)
    pd.testing.assert_frame_equal(plan, _plan())
    pd.testing.assert_frame_equal(spending, SPENDING)


def test_budget_by_indicator_month_quarter_and_cumulative():
    plan = pd.DataFrame({"indicator_code": ["A", "B"], "sk_code": ["S1", "S1"],
                         "allocation_rp": [1000.0, 0.0]}).assign(**KEY)
    real = pd.DataFrame({"month": [3, 4, 6, 3, 4, 6], "indicator_code": ["A"] * 3 + ["B"] * 3,
                         "spent_cum_rp": [100.0, 250.0, 400.0, 0.0, 0.0, 50.0]}).assign(**KEY)
    out = budget_by_indicator(real, plan)
    assert list(out.columns) == INDICATOR_BUDGET_COLUMNS
    a6 = out.query("level == 'indicator' and item_code == 'A' and month == 6").iloc[0]
    assert (a6["spent_month_rp"], a6["spent_qtd_rp"], a6["spent_cum_rp"]) == (150.0, 300.0, 400.0)
    assert a6["realisation_pct"] == pytest.approx(40.0) and a6["parent_code"] == "S1"
    b6 = out.query("level == 'indicator' and item_code == 'B' and month == 6").iloc[0]
    assert np.isnan(b6["realisation_pct"])
    s6 = out.query("level == 'sasaran' and month == 6").iloc[0]
    assert (s6["allocation_rp"], s6["spent_cum_rp"], s6["spent_qtd_rp"]) == (1000.0, 450.0, 350.0)
    assert s6["realisation_pct"] == pytest.approx(45.0)
