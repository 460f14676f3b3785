"""The outlier score against a unit's own history: pure frames in, a scored frame out."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reference.policy import OutlierPolicy
from transforms.outliers import HISTORY_COLUMNS, flagged, score_outliers

POLICY = OutlierPolicy()


def _series(values: dict[tuple[int, int], float], source: str = "indicator", item: str = "IKU-X",
            column: str = "realisasi") -> pd.DataFrame:
    rows = [("BPOM-KPG", y, m, source, item, column, v) for (y, m), v in values.items()]
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def _new(year: int, month: int, value: float, pattern: str = "flat", first_month: int = 1, **kw) -> pd.DataFrame:
    return _series({(year, month): value}, **kw).assign(pattern=pattern, first_month=first_month)


def _score(history: pd.DataFrame, new: pd.DataFrame, policy: OutlierPolicy = POLICY) -> dict:
    return score_outliers(history, new, policy).iloc[0].to_dict()


FLAT = {(2023, m): v for m, v in zip(range(1, 7), [12.0, 11.0, 13.0, 12.0, 14.0, 12.0])}


def test_a_value_ten_times_its_history_is_flagged_with_the_figures_a_message_quotes():
    history = pd.concat([_series(FLAT), _series({(2022, 7): 10.0, (2021, 7): 14.0})])
    out = _score(history, _new(2023, 7, 120.0))
    assert out["flagged"] and out["direction"] == "high" and out["method"] == "z"
    assert (out["previous"], out["year_min"], out["year_max"]) == (12.0, 11.0, 14.0)
    assert (out["past_min"], out["past_max"], out["past_years"]) == (10.0, 14.0, 2)
    assert out["n_history"] == 8 and out["median"] == 12.0 and out["score"] > POLICY.z_cutoff


def test_an_ordinary_value_is_not_flagged():
    out = _score(_series(FLAT), _new(2023, 7, 13.5))
    assert not out["flagged"] and out["direction"] == ""
    assert abs(out["score"]) < POLICY.z_cutoff


def test_the_band_decides_when_history_is_short_and_nothing_is_judged_without_history():
    short = _series({(2023, 1): 100.0, (2023, 2): 110.0})
    assert _score(short, _new(2023, 3, 560.0))["flagged"]          # above 110 x 5
    assert not _score(short, _new(2023, 3, 540.0))["flagged"]      # within the band
    assert _score(short, _new(2023, 3, 560.0))["method"] == "band"
    one = _series({(2023, 1): 100.0})
    assert not _score(one, _new(2023, 2, 5000.0))["flagged"]       # one value is no history
    assert pd.isna(_score(one, _new(2023, 2, 5000.0))["method"])


def test_a_statistically_unusual_but_small_swing_is_no_warning():
    steady = _series({(2023, m): 100.0 for m in range(1, 7)})  # MAD 0
    out = _score(steady, _new(2023, 7, 150.0))
    assert np.isinf(out["score"]) and not out["flagged"]       # 1.5x is no factor


def test_low_values_are_flagged_only_for_sources_that_ask_for_it():
    assert _score(_series(FLAT), _new(2023, 7, 1.2))["direction"] == "low"
    budget = _series(FLAT, source="budget", item="QDC.001/52", column="spent_month_rp")
    assert not _score(budget, _new(2023, 7, 1.2, source="budget", item="QDC.001/52",
                                   column="spent_month_rp"))["flagged"]


def test_small_counts_need_the_minimum_change():
    counts = _series({(2023, m): v for m, v in zip(range(1, 7), [1.0, 2.0, 1.0, 1.0, 2.0, 1.0])},
                     source="sampling", item="OBAT/Random", column="sampled")
    new = dict(source="sampling", item="OBAT/Random", column="sampled")
    assert not _score(counts, _new(2023, 7, 15.0, **new))["flagged"]   # 13 above 2: under min_change 20
    assert _score(counts, _new(2023, 7, 24.0, **new))["flagged"]


def test_a_cumulative_indicator_is_compared_by_its_increment():
    ytd = {(2023, m): 10.0 * m for m in range(1, 7)}               # +10 every month
    out = _score(_series(ytd), _new(2023, 7, 70.0, pattern="kumulatif"))
    assert out["kind"] == "increment" and out["measure"] == 10.0 and not out["flagged"]
    jump = _score(_series(ytd), _new(2023, 7, 600.0, pattern="kumulatif"))
    assert jump["flagged"] and jump["measure"] == 540.0 and jump["previous"] == 10.0
    falls = _score(_series(ytd), _new(2023, 7, 5.0, pattern="kumulatif"))
    assert not falls["flagged"]                                    # a decrease is the cumulative rule's


def test_an_increment_after_a_gap_is_unknown_and_the_first_measured_month_counts_from_zero():
    gap = _series({(2023, 3): 30.0, (2023, 4): 40.0, (2023, 5): 50.0})
    assert pd.isna(_score(gap, _new(2023, 7, 70.0, pattern="kumulatif"))["measure"])
    late_start = _series({(2023, 3): 10.0})
    assert _score(late_start, _new(2023, 4, 25.0, pattern="kumulatif", first_month=3))["measure"] == 15.0


def test_staged_and_year_end_indicators_are_compared_with_the_same_month_of_earlier_years_only():
    history = _series({**{(2023, m): 10.0 * m for m in range(1, 12)}, (2022, 12): 30.0, (2021, 12): 31.0,
                       (2020, 12): 29.0, (2019, 12): 300.0})
    out = _score(history, _new(2023, 12, 32.0, pattern="tahapan"))
    assert out["kind"] == "year_on_year" and out["n_history"] == 3 and not out["flagged"]   # 2019: too far back
    assert _score(history, _new(2023, 12, 320.0, pattern="akhir_tahun"))["flagged"]


def test_zero_spending_is_no_history_and_all_zero_history_has_no_upper_edge():
    capital = _series({(2023, 1): 0.0, (2023, 2): 0.0, (2023, 3): 0.0}, source="budget", item="RAB.001/53",
                      column="spent_month_rp")
    out = _score(capital, _new(2023, 4, 5e7, source="budget", item="RAB.001/53", column="spent_month_rp"))
    assert out["n_history"] == 0 and not out["flagged"]


def test_the_new_values_own_month_is_replaced_not_history_and_other_units_do_not_count():
    history = pd.concat([_series({**FLAT, (2023, 7): 120.0}),
                         _series(FLAT).assign(unit_code="BPOM-SBY", value=1000.0)])
    out = _score(history, _new(2023, 7, 120.0))
    assert out["n_history"] == 6 and out["flagged"]


def test_thresholds_are_the_policy():
    history = _series({(2023, 1): 100.0, (2023, 2): 110.0})
    assert not _score(history, _new(2023, 3, 560.0), OutlierPolicy(band_factor=6))["flagged"]
    assert not _score(history, _new(2023, 3, 560.0), OutlierPolicy(min_band_history=3, min_history=4))["flagged"]
    with pytest.raises(ValueError):
        OutlierPolicy(min_band_history=5, min_history=4)


def test_many_values_at_once_in_order_and_flagged_selects():
    new = pd.concat([_new(2023, 7, 13.0), _new(2023, 7, 130.0, item="IKU-Y")], ignore_index=True)
    history = pd.concat([_series(FLAT), _series(FLAT, item="IKU-Y")])
    scored = score_outliers(history, new, POLICY)
    assert scored["item_code"].tolist() == ["IKU-X", "IKU-Y"] and scored["flagged"].tolist() == [False, True]
    assert flagged(scored)["item_code"].tolist() == ["IKU-Y"]
    assert score_outliers(history, new.iloc[:0], POLICY).empty
