"""National figures (transforms.national) on small frames worked out by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from transforms.national import (
    AREA_ORDER,
    BUDGET_AREA_COLUMNS,
    MATRIX_COLUMNS,
    NATIONAL,
    budget_areas,
    enforcement_national,
    indicator_matrix,
    inspection_national,
    sampling_national,
)

NAN = float("nan")


def _rollup(unit, group, month, level, item, pagu, aa, spent_month, spent_cum):
    return {"unit_code": unit, "unit_group": group, "year": 2024, "month": month, "level": level, "item_code": item,
            "pagu_rp": pagu, "pagu_after_aa_rp": aa, "spent_month_rp": spent_month, "spent_cum_rp": spent_cum}


@pytest.fixture()
def budget():
    return budget_areas(pd.DataFrame([
        _rollup("A", "Pusat", 6, "unit", "TOTAL", 1000.0, 900.0, 50.0, 450.0),
        _rollup("A", "Pusat", 6, "expense_type", "52", 1000.0, 900.0, 50.0, 450.0),
        _rollup("B", "Pusat", 6, "unit", "TOTAL", 3000.0, 3000.0, 100.0, 1050.0),
        _rollup("B", "Pusat", 6, "expense_type", "51", 3000.0, 3000.0, 100.0, 1050.0),
        _rollup("C", "Loka", 6, "unit", "TOTAL", 0.0, 0.0, 0.0, 0.0),       # nothing budgeted: no percentage
        _rollup("C", "Loka", 6, "expense_type", "53", 0.0, 0.0, 0.0, 0.0),
        _rollup("C", "Loka", 6, "ro", "AEA.001", 0.0, 0.0, 0.0, 0.0),      # other levels are not read
        _rollup("D", None, 6, "unit", "TOTAL", 500.0, NAN, 0.0, 100.0),     # group unknown: national only
    ]))


def _at(frame, **equals):
    hit = frame
    for key, value in equals.items():
        hit = hit[hit[key] == value]
    assert len(hit) == 1
    return hit.iloc[0]


def test_budget_areas_are_ratios_of_sums(budget):
    assert list(budget.columns) == BUDGET_AREA_COLUMNS
    pusat = _at(budget, area="Pusat", expense_type="TOTAL")
    assert (pusat["pagu_rp"], pusat["pagu_after_aa_rp"], pusat["withheld_aa_rp"], pusat["spent_cum_rp"]) == (
        4000.0, 3900.0, 100.0, 1500.0)
    assert pusat["realisation_pct"] == pytest.approx(37.5)  # 1500 / 4000, not the mean of 45 % and 35 %
    assert pusat["realisation_aa_pct"] == pytest.approx(1500 / 3900 * 100)
    assert (pusat["units_in_figures"], pusat["area_level"], pusat["area_order"], pusat["quarter"]) == (
        2, "group", 1, 2)


def test_zero_base_gives_no_percentage(budget):
    loka = _at(budget, area="Loka", expense_type="TOTAL")
    assert np.isnan(loka["realisation_pct"]) and np.isnan(loka["realisation_aa_pct"])
    assert set(budget["expense_type"]) == {"TOTAL", "51", "52", "53"}


def test_country_counts_every_unit_and_a_missing_aa_stays_missing(budget):
    country = _at(budget, area=NATIONAL, expense_type="TOTAL")
    assert (country["pagu_rp"], country["spent_cum_rp"], country["units_in_figures"]) == (4500.0, 1600.0, 4)
    assert country["pagu_after_aa_rp"] == 3900.0  # D's unknown AA is left out of the sum, as in a unit roll-up
    assert country["area_level"] == "national" and country["area_order"] == AREA_ORDER[NATIONAL] == 4
    assert set(budget["area"]) == {"Pusat", "Loka", NATIONAL}
    only_d = budget_areas(pd.DataFrame([_rollup("D", None, 6, "unit", "TOTAL", 500.0, NAN, 0.0, 100.0)]))
    assert np.isnan(_at(only_d, area=NATIONAL)["pagu_after_aa_rp"]) and np.isnan(_at(only_d, area=NATIONAL)[
        "realisation_aa_pct"])


def _sampling(unit, month, commodity, method, sampled, tested, ms, tms):
    return {"unit_code": unit, "year": 2024, "month": month, "commodity": commodity, "method": method,
            "sampled": sampled, "tested": tested, "ms": ms, "tms": tms}


def test_sampling_year_to_date_keeps_a_unit_that_skipped_a_month():
    out = sampling_national(pd.DataFrame([
        _sampling("A", 1, "OBAT", "Random", 10, 10, 9, 1),
        _sampling("B", 1, "OBAT", "Random", 5, 4, 4, 0),
        _sampling("A", 2, "PANGAN", "Targeted", 20, 20, 15, 5),   # B sends nothing in February
        _sampling("B", 3, "OBAT", "Random", 6, 0, 0, 0),          # sampled, nothing tested yet
    ]))
    obat_feb = _at(out, month=2, commodity="OBAT", method="Random")
    assert (obat_feb["tested"], obat_feb["tested_cum"], obat_feb["tms_cum"]) == (0, 14, 1)
    assert obat_feb["tms_cum_pct"] == pytest.approx(1 / 14 * 100) and np.isnan(obat_feb["tms_pct"])
    assert obat_feb["units_in_figures"] == 2
    total_feb = _at(out, month=2, commodity="TOTAL", method="TOTAL")
    assert (total_feb["sampled_cum"], total_feb["tested_cum"], total_feb["tms_cum"]) == (35, 34, 6)
    assert total_feb["tms_pct"] == pytest.approx(25.0)
    pangan_feb = _at(out, month=2, commodity="PANGAN", method="Targeted")
    assert pangan_feb["units_in_figures"] == 1
    random_feb = _at(out, month=2, commodity="TOTAL", method="Random")  # every commodity sampled at random
    assert (random_feb["tested_cum"], random_feb["tms_cum"], random_feb["units_in_figures"]) == (14, 1, 2)
    targeted_feb = _at(out, month=2, commodity="TOTAL", method="Targeted")
    assert (targeted_feb["tested"], targeted_feb["tms_pct"], targeted_feb["units_in_figures"]) == (20, 25.0, 1)
    march = _at(out, month=3, commodity="TOTAL", method="TOTAL")
    assert (march["sampled"], march["tested"], march["sampled_cum"]) == (6, 0, 41) and np.isnan(march["tms_pct"])
    assert sampling_national(pd.DataFrame(columns=list(_sampling("A", 1, "", "", 0, 0, 0, 0)))).empty


def test_inspection_tmk_percentages():
    out = inspection_national(pd.DataFrame({
        "unit_code": ["A", "B", "A"], "year": 2024, "month": [1, 1, 2], "facility_type": ["PROD", "PROD", "DIST"],
        "inspected": [4, 6, 5], "mk": [3, 3, 5], "tmk": [1, 3, 0]}))
    prod = _at(out, month=1, facility_type="PROD")
    assert (prod["inspected"], prod["tmk"], prod["tmk_pct"], prod["units_in_figures"]) == (10, 4, 40.0, 2)
    total = _at(out, month=2, facility_type="TOTAL")
    assert (total["inspected_cum"], total["tmk_cum"]) == (15, 4)
    assert total["tmk_cum_pct"] == pytest.approx(4 / 15 * 100) and total["tmk_pct"] == 0.0


def test_enforcement_counts_each_case_once_at_its_latest_stage():
    cases = pd.DataFrame({
        "unit_code": ["A", "A", "A", "B", "B", "A"], "year": 2024, "month": [1, 2, 2, 2, 2, 4],
        "case_number": ["K1", "K1", "K2", "K1", "K1", "K2"],
        "stage": ["SPDP", "Tahap I", "SPDP", "SPDP", "P-21", "Putusan"]})  # B's K1: two stages in one month
    months = pd.DataFrame({"year": [2024, 2024], "month": [2, 4]})
    out = enforcement_national(cases, months)
    at = out.pivot(index="month", columns="stage", values="cases_at_stage")
    assert at.loc[1].to_dict() == {"P-21": 0, "Putusan": 0, "SPDP": 1, "Tahap I": 0, "Tahap II": 0, "TOTAL": 1}
    assert at.loc[2].to_dict() == {"P-21": 1, "Putusan": 0, "SPDP": 1, "Tahap I": 1, "Tahap II": 0, "TOTAL": 3}
    assert at.loc[3, "TOTAL"] == 3 and at.loc[4].to_dict() == {"P-21": 1, "Putusan": 1, "SPDP": 0, "Tahap I": 1,
                                                              "Tahap II": 0, "TOTAL": 3}
    moved = out.pivot(index="month", columns="stage", values="cases_moved_month")
    assert moved.loc[2, "SPDP"] == 2 and moved.loc[2, "TOTAL"] == 3 and moved.loc[3].sum() == 0
    assert dict(zip(out["stage"], out["stage_order"])) == {"SPDP": 1, "Tahap I": 2, "P-21": 3, "Tahap II": 4,
                                                           "Putusan": 5, "TOTAL": 6}
    assert sorted(out["month"].unique()) == [1, 2, 3, 4] and set(out["quarter"]) == {1, 2}
    assert enforcement_national(cases.iloc[:0], months.iloc[:0]).empty
    quiet = enforcement_national(cases.iloc[:0], months)  # months reported, no case anywhere: zeros
    assert len(quiet) == 4 * 6 and quiet["cases_at_stage"].sum() == quiet["cases_moved_month"].sum() == 0


def test_indicator_matrix():
    catalogue = pd.DataFrame({"indicator_code": ["P", "J", "Y", "OWN"], "unit_of_measure": ["persen", "jumlah",
                                                                                            "nilai", "jumlah"],
                              "in_catalogue": [True, True, True, False]})
    plan = pd.DataFrame({"unit_code": ["A", "B", "C", "D", "A", "B", "A", "B", "A"], "year": 2024,
                         "indicator_code": ["P", "P", "P", "P", "J", "J", "Y", "Y", "OWN"],
                         "pattern": ["flat"] * 4 + ["kumulatif"] * 2 + ["akhir_tahun", "year_end", "flat"]})

    def cap(unit, month, code, target, real, pct, measured=True):
        return {"unit_code": unit, "year": 2024, "month": month, "indicator_code": code, "target": target,
                "realisasi": real, "measured": measured, "capaian_pct": pct}

    capaian = pd.DataFrame([
        cap("A", 6, "P", 90.0, 90.0, 100.0), cap("B", 6, "P", 90.0, 89.9955, 99.995),  # prints 100,00: met
        cap("C", 6, "P", 90.0, 80.0, 88.89), cap("D", 6, "P", 90.0, NAN, NAN, measured=False),
        cap("A", 6, "J", 4.0, 3.0, 75.0), cap("B", 6, "J", 6.0, 7.0, 116.67),
        cap("A", 6, "OWN", 1.0, 1.0, 100.0), cap("A", 5, "P", 90.0, 10.0, 11.1),  # May: not a quarter end
        cap("A", 3, "P", 90.0, 45.0, 50.0),
    ])
    out = indicator_matrix(capaian, plan, catalogue)
    assert list(out.columns) == MATRIX_COLUMNS
    assert set(zip(out["quarter"], out["indicator_code"])) == {(1, "P"), (1, "J"), (1, "Y"), (2, "P"), (2, "J"),
                                                               (2, "Y")}
    q2 = out[out["quarter"] == 2].set_index("indicator_code")
    p = q2.loc["P"]
    assert (p["units_planned"], p["units_measured"], p["units_below_target"]) == (4, 3, 1)
    assert (p["capaian_min_pct"], p["capaian_median_pct"], p["capaian_max_pct"]) == (88.89, 99.995, 100.0)
    assert not p["summable"] and np.isnan(p["target_sum"]) and np.isnan(p["capaian_sum_pct"])
    j = q2.loc["J"]
    assert j["summable"] and (j["target_sum"], j["realisasi_sum"]) == (10.0, 10.0)
    assert j["capaian_sum_pct"] == pytest.approx(100.0) and j["capaian_median_pct"] == pytest.approx((75 + 116.67) / 2)
    y = q2.loc["Y"]
    assert (y["units_planned"], y["units_measured"], y["units_year_end"]) == (2, 0, 2)
    assert np.isnan(y["capaian_min_pct"]) and y["units_below_target"] == 0
    q1 = out[out["quarter"] == 1].set_index("indicator_code")
    assert (q1.loc["P", "units_measured"], q1.loc["P", "units_below_target"]) == (1, 1)
    assert q1.loc["J", "units_measured"] == 0 and np.isnan(q1.loc["J", "realisasi_sum"])
