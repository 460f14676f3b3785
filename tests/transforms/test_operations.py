"""Sampling and inspection totals, derived indicator values and their reconciliation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reference import master
from transforms.common import cumulate
from transforms.operations import derived_indicator_values, inspection_totals, reconcile_indicators, \
    sampling_totals

DERIV, COMMODITIES, FACILITIES = master.indicator_derivations(), master.commodities(), master.facility_types()
KEY = {"unit_code": "U1", "year": 2023}


def _sampling(rows) -> pd.DataFrame:
    """rows: (month, commodity, method, tested, ms); sampled = tested, tms = tested - ms."""
    frame = pd.DataFrame(rows, columns=["month", "commodity", "method", "tested", "ms"])
    return frame.assign(sampled=frame["tested"], tms=frame["tested"] - frame["ms"], **KEY)


def _inspection(rows) -> pd.DataFrame:
    """rows: (month, facility_type, inspected, mk)."""
    frame = pd.DataFrame(rows, columns=["month", "facility_type", "inspected", "mk"])
    return frame.assign(tmk=frame["inspected"] - frame["mk"], **KEY)


SAMPLING = _sampling([(1, "OBAT", "Random", 10, 9), (1, "KOS", "Random", 5, 5), (1, "OBAT", "Targeted", 4, 4),
                      (2, "Obat Tradisional", "random", 6, 6), (2, "PANGAN", "Random", 8, 7),
                      (2, "PANGAN-FORTIFIKASI", "Targeted", 3, 2), (3, "PANGAN-FORTIFIKASI", "Random", 1, 1)])
INSPECTION = _inspection([(1, "PROD-IRTP", 5, 3), (1, "Apotek", 4, 4), (2, "DIST-PANGAN", 6, 3),
                          (2, "LAIN-UKBE", 2, 0), (3, "PROD", 1, 1)])


def _derived_at(month: int) -> pd.DataFrame:
    s = SAMPLING[SAMPLING["month"] <= month].drop(columns=["unit_code", "year", "month"])
    i = INSPECTION[INSPECTION["month"] <= month].drop(columns=["unit_code", "year", "month"])
    return derived_indicator_values(s, i, DERIV, COMMODITIES, FACILITIES).set_index("indicator_code")


@pytest.mark.parametrize("code, numerator, denominator", [
    pytest.param("IKU-OBAT-MS", 20, 21, id="random drug-side samples: obat, kosmetik and OT by alias"),
    pytest.param("IKU-OBAT-AMAN", 4, 4, id="targeted drug samples only"),
    pytest.param("IKU-MAKANAN-MS", 7, 8, id="random food excludes fortified food"),
    pytest.param("IKU-FORTIFIKASI-MS", 3, 4, id="fortified food of any method"),
    pytest.param("IKU-SARANA-PRODUKSI-MK", 4, 6, id="production group includes the level-1 code"),
    pytest.param("IKU-SARANA-DISTRIBUSI-MK", 7, 10, id="distribution includes pharmacy service by alias"),
])
def test_derived_values_from_year_to_date_counts(code, numerator, denominator):
    row = _derived_at(3).loc[code]
    assert (row["numerator"], row["denominator"]) == (numerator, denominator)
    assert row["derived_pct"] == pytest.approx(numerator / denominator * 100)


def test_derived_values_without_period_keys_have_the_documented_columns():
    out = _derived_at(3).reset_index()
    assert list(out.columns) == ["indicator_code", "numerator", "denominator", "derived_pct"]


def test_facility_outside_any_group_is_not_counted():
    assert "LAIN-UKBE" not in set(_derived_at(2).index)
    assert _derived_at(2).loc["IKU-SARANA-DISTRIBUSI-MK", "denominator"] == 10


def test_zero_tested_gives_no_percent():
    out = derived_indicator_values(_sampling([(1, "OBAT", "Random", 0, 0)]), _inspection([]), DERIV,
                                   COMMODITIES, FACILITIES)
    assert np.isnan(out.set_index("indicator_code").loc["IKU-OBAT-MS", "derived_pct"])


def test_cumulate_carries_a_series_over_a_skipped_month():
    out = cumulate(SAMPLING, ["unit_code", "year", "commodity"], ["tested"])
    kos = out.query("commodity == 'KOS'").set_index("month")["tested"]
    assert kos.to_dict() == {1: 5, 2: 5, 3: 5}


def test_cumulate_at_given_months_only():
    at = pd.DataFrame({"unit_code": ["U1"], "year": [2023], "month": [2]})
    out = cumulate(SAMPLING, ["unit_code", "year"], ["tested", "ms"], at=at)
    assert out[["month", "tested", "ms"]].values.tolist() == [[2, 36, 33]]


def test_sampling_totals_month_and_year_to_date():
    out = sampling_totals(SAMPLING).set_index("month")
    assert out.loc[2, "tested"] == 17 and out.loc[2, "tested_cum"] == 36
    assert out.loc[2, "ms_pct"] == pytest.approx(15 / 17 * 100)
    assert out.loc[3, "ms_cum_pct"] == pytest.approx(34 / 37 * 100)


def test_sampling_totals_by_commodity():
    out = sampling_totals(SAMPLING, by=["commodity"])
    kos = out.query("commodity == 'KOS'").set_index("month")
    assert kos.loc[2, "tested"] == 0 and kos.loc[2, "tested_cum"] == 5


def test_inspection_totals():
    out = inspection_totals(INSPECTION).set_index("month")
    assert out.loc[2, "inspected_cum"] == 17 and out.loc[2, "mk_cum_pct"] == pytest.approx(10 / 17 * 100)


def _realisations(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["month", "indicator_code", "realisasi"]).assign(**KEY)


@pytest.mark.parametrize("realisasi, agrees", [
    pytest.param(95.24, True, id="reported 95.24 agrees with 20/21 = 95.238"),
    pytest.param(20 / 21 * 100 + 0.01, True, id="exactly 0.01 away still agrees"),
    pytest.param(95.25, False, id="0.012 away disagrees"),
    pytest.param(95.22, False, id="0.018 below disagrees"),
    pytest.param(float("nan"), None, id="no reported value: agreement unknown"),
])
def test_reconcile_reported_with_derived(realisasi, agrees):
    out = reconcile_indicators(_realisations([(3, "IKU-OBAT-MS", realisasi), (3, "IKU-NKA", 70.0)]),
                               SAMPLING, INSPECTION, DERIV, COMMODITIES, FACILITIES)
    row = out.query("indicator_code == 'IKU-OBAT-MS'").iloc[0]
    assert row["derived_pct"] == pytest.approx(20 / 21 * 100)
    assert (pd.isna(row["agrees"]) if agrees is None else row["agrees"] == agrees)
    assert "IKU-NKA" not in set(out["indicator_code"])


def test_reconcile_cumulates_to_each_reported_month():
    out = reconcile_indicators(_realisations([(1, "IKU-OBAT-MS", 90.0), (2, "IKU-OBAT-MS", 93.75)]),
                               SAMPLING, INSPECTION, DERIV, COMMODITIES, FACILITIES)
    obat = out.query("indicator_code == 'IKU-OBAT-MS'").set_index("month")
    assert obat.loc[1, "derived_pct"] == pytest.approx(14 / 15 * 100)
    assert obat.loc[2, "denominator"] == 21 and bool(obat.loc[2, "agrees"]) is False
    assert set(out.columns) >= {"realisasi", "derived_pct", "difference", "agrees"}
