"""Capaian, cap, overrides, NPS per sasaran, perspective and total on small hostile frames."""
from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pandas as pd
import pytest

from reference.policy import ManualOverride, overrides_frame, policy_for
from transforms.scoring import CAPAIAN_COLUMNS, SCORE_COLUMNS, capaian_pct, indicator_capaian, quarter_scores, \
    round_half_up

NAN = float("nan")
POLICY = policy_for("BPOM-KPG", 2023)
CAP120 = POLICY.model_copy(update={"cap_pct": 120.0, "policy_id": "test_cap120"})


# ------------------------------------------------------------------------------------ rounding
@pytest.mark.parametrize("value, expected", [
    pytest.param(2.675, 2.68, id="2.675 stored as 2.67499… still rounds up, as Excel does"),
    pytest.param(118.825, 118.83, id="an exact tie in the second decimal rounds up"),
    pytest.param(118.82291666, 118.82, id="SK6 NPS stays 118.82: only a true tie rounds up"),
    pytest.param(1.005, 1.01, id="1.005 (binary 1.00499…) rounds up"),
    pytest.param(95.775, 95.78, id="95.775 is a tie and rounds half up, not to even"),
    pytest.param(-0.125, -0.13, id="negative ties round away from zero"),
    pytest.param(0.0, 0.0, id="zero stays zero"),
    pytest.param(119.995, 120.0, id="119.995 shows as 120.00"),
    pytest.param(12074469971.5, 12074469971.5, id="large rupiah amounts keep their value"),
])
def test_round_half_up_is_excel_like(value, expected):
    assert round_half_up(value) == expected


def test_round_half_up_keeps_series_index_and_nan():
    values = pd.Series([2.675, NAN, 103.3350362], index=[10, 20, 30], name="v")
    out = round_half_up(values)
    assert out.index.tolist() == [10, 20, 30] and out.name == "v"
    assert out.iloc[0] == 2.68 and np.isnan(out.iloc[1]) and out.iloc[2] == 103.34


def test_round_half_up_other_decimals():
    assert round_half_up(2.5, 0) == 3.0 and round_half_up(1.2345, 3) == 1.235


# ------------------------------------------------------------------------------------- capaian
@pytest.mark.parametrize("realisasi, target, polarity, expected", [
    pytest.param(98.0, 92.0, "higher_is_better", 106.52173913, id="higher is better: realisasi over target"),
    pytest.param(393 / 401 * 100, 92.0, "higher_is_better", 106.52716,
                 id="a ratio indicator uses the unrounded percent"),
    pytest.param(NAN, 92.0, "higher_is_better", NAN, id="no realisation is not measured"),
    pytest.param(98.0, NAN, "higher_is_better", NAN, id="no target this month is not measured"),
    pytest.param(5.0, 0.0, "higher_is_better", NAN, id="a zero target cannot be scored"),
    pytest.param(8.0, 10.0, "lower_is_better", 120.0, id="lower is better: below target scores above 100"),
    pytest.param(12.0, 10.0, "lower_is_better", 80.0, id="lower is better: above target scores below 100"),
    pytest.param(25.0, 10.0, "lower_is_better", 0.0, id="lower is better is floored at zero"),
    pytest.param(0.0, 50.0, "higher_is_better", 0.0, id="zero realisation scores zero, still measured"),
])
def test_capaian_pct(realisasi, target, polarity, expected):
    out = capaian_pct(pd.Series([realisasi]), pd.Series([target]), pd.Series([polarity]))
    if np.isnan(expected):
        assert np.isnan(out.iloc[0])
    else:
        assert out.iloc[0] == pytest.approx(expected, abs=1e-4)


# ------------------------------------------------------------------------------ small plan frames
def _plan(rows: list[tuple]) -> pd.DataFrame:
    """rows: (sk_code, indicator_code, polarity, weight, is_iku)."""
    frame = pd.DataFrame(rows, columns=["sk_code", "indicator_code", "polarity", "weight", "is_iku"])
    return frame.assign(unit_code="U1", year=2023, indicator_name=frame["indicator_code"], pattern="flat",
                        annual_target=100.0, allocation_rp=1000.0)


def _targets(rows: list[tuple]) -> pd.DataFrame:
    """rows: (indicator_code, month, target)."""
    return pd.DataFrame(rows, columns=["indicator_code", "month", "target"]).assign(unit_code="U1", year=2023)


def _real(rows: list[tuple]) -> pd.DataFrame:
    """rows: (indicator_code, month, realisasi)."""
    frame = pd.DataFrame(rows, columns=["indicator_code", "month", "realisasi"])
    return frame.assign(unit_code="U1", year=2023, numerator=NAN, denominator=NAN, spent_cum_rp=100.0,
                        kendala=None, rtl=None, rtl_deadline=None)


SASARAN = pd.DataFrame({"unit_code": "U1", "year": 2023, "sk_code": ["S1", "S2", "S3"],
                        "sk_name": ["one", "two", "three"], "perspective": ["Stakeholder", "Stakeholder",
                                                                            "Internal Process"],
                        "sk_order": [1, 2, 3]})
PLAN = _plan([("S1", "A", "naik", 2.0, "Ya"), ("S1", "B", "naik", 1.0, "Ya"),
              ("S2", "C", "turun", 1.0, "Tidak"), ("S3", "D", "naik", 1.0, "Ya")])


def _capaian(targets, real, policy=POLICY, overrides=None, plan=PLAN):
    return indicator_capaian(plan, targets, real, policy, overrides)


def test_output_grain_is_every_plan_indicator_in_every_reported_month():
    out = _capaian(_targets([("A", 6, 100.0)]), _real([("A", 5, 90.0), ("A", 6, 95.0)]))
    assert list(out.columns) == CAPAIAN_COLUMNS
    assert len(out) == 8 and not out.duplicated(["unit_code", "year", "month", "indicator_code"]).any()
    assert set(out["quarter"]) == {2}
    missing = out.query("indicator_code == 'B'")
    assert not missing["measured"].any() and (missing["kriteria"] == "NA").all()


def test_inputs_are_not_mutated():
    targets, real = _targets([("A", 6, 100.0)]), _real([("A", 6, 95.0)])
    before = (PLAN.copy(), targets.copy(), real.copy())
    _capaian(targets, real)
    for original, copy in zip((PLAN, targets, real), before):
        pd.testing.assert_frame_equal(original, copy)


@pytest.mark.parametrize("realisasi, expected_raw, expected_capped, kriteria", [
    pytest.param(125.0, 125.0, 120.0, "Memenuhi Ekspektasi", id="above 120 is capped to 120, labelled as 120"),
    pytest.param(120.0, 120.0, 120.0, "Memenuhi Ekspektasi", id="exactly 120 is not changed by the cap"),
    pytest.param(119.995, 119.995, 119.995, "Memenuhi Ekspektasi", id="119.995 stays unrounded under the cap"),
    pytest.param(90.0, 90.0, 90.0, "Belum Memenuhi Ekspektasi", id="below the cap nothing changes"),
])
def test_cap_keeps_raw_and_adjusted(realisasi, expected_raw, expected_capped, kriteria):
    out = _capaian(_targets([("A", 6, 100.0)]), _real([("A", 6, realisasi)]), policy=CAP120)
    row = out.query("indicator_code == 'A'").iloc[0]
    assert row["capaian_raw_pct"] == pytest.approx(expected_raw)
    assert row["capaian_pct"] == pytest.approx(expected_capped)
    assert row["kriteria"] == kriteria


def test_unknown_polarity_is_refused():
    plan = _plan([("S1", "A", "sideways", 1.0, "Ya")])
    with pytest.raises(ValueError, match="polarity"):
        _capaian(_targets([("A", 6, 100.0)]), _real([("A", 6, 90.0)]), plan=plan)


def _override(month=6, value=100.0, oid="OVR-1", at="2023-07-20T10:00:00+07:00", indicator="A"):
    return ManualOverride(override_id=oid, unit_code="U1", year=2023, month=month, indicator_code=indicator,
                          capaian_pct=value, reason="target salah ketik", set_by="inspektorat",
                          set_at=datetime.fromisoformat(at))


def test_override_replaces_adjusted_capaian_and_is_recorded():
    overrides = overrides_frame([_override(value=100.0)])
    out = _capaian(_targets([("A", 6, 100.0)]), _real([("A", 6, 150.0)]), policy=CAP120, overrides=overrides)
    row = out.query("indicator_code == 'A'").iloc[0]
    assert row["capaian_raw_pct"] == 150.0 and row["capaian_pct"] == 100.0 and row["override_id"] == "OVR-1"
    assert out.query("indicator_code != 'A'")["override_id"].isna().all()


def test_latest_override_wins():
    overrides = overrides_frame([_override(value=110.0, oid="new", at="2023-07-21T00:00:00+00:00"),
                                 _override(value=90.0, oid="old", at="2023-07-20T00:00:00+00:00")])
    out = _capaian(_targets([("A", 6, 100.0)]), _real([("A", 6, 95.0)]), overrides=overrides)
    row = out.query("indicator_code == 'A'").iloc[0]
    assert (row["capaian_pct"], row["override_id"]) == (110.0, "new")


def test_override_of_another_month_does_not_apply():
    out = _capaian(_targets([("A", 6, 100.0)]), _real([("A", 6, 95.0)]),
                   overrides=overrides_frame([_override(month=5)]))
    assert out["override_id"].isna().all()


# ---------------------------------------------------------------------------------------- scores
def _scores(targets, real, policy=POLICY, overrides=None, plan=PLAN):
    return quarter_scores(_capaian(targets, real, policy, overrides, plan), SASARAN, policy)


def _value(scores, level, item, column="value_pct"):
    return scores.query("level == @level and item_code == @item")[column].iloc[0]


def test_weights_two_against_one():
    scores = _scores(_targets([("A", 6, 100.0), ("B", 6, 100.0)]), _real([("A", 6, 110.0), ("B", 6, 80.0)]))
    assert _value(scores, "sasaran", "S1") == pytest.approx((2 * 110 + 80) / 3)


def test_iku_weight_multiplies_iku_indicators():
    policy = POLICY.model_copy(update={"weights": POLICY.weights.model_copy(update={"iku_weight": 2.0})})
    plan = _plan([("S1", "A", "naik", 1.0, "Ya"), ("S1", "B", "naik", 1.0, "Tidak")])
    scores = _scores(_targets([("A", 6, 100.0), ("B", 6, 100.0)]), _real([("A", 6, 110.0), ("B", 6, 80.0)]),
                     policy=policy, plan=plan)
    assert _value(scores, "sasaran", "S1") == pytest.approx((2 * 110 + 80) / 3)


def test_equal_weights_ignore_bobot():
    policy = POLICY.model_copy(update={"weights": POLICY.weights.model_copy(update={"source": "equal"})})
    scores = _scores(_targets([("A", 6, 100.0), ("B", 6, 100.0)]), _real([("A", 6, 110.0), ("B", 6, 80.0)]),
                     policy=policy)
    assert _value(scores, "sasaran", "S1") == pytest.approx(95.0)


def test_unmeasured_indicator_is_left_out_of_numerator_and_denominator():
    scores = _scores(_targets([("A", 6, 100.0), ("B", 6, NAN)]), _real([("A", 6, 90.0), ("B", 6, NAN)]))
    assert _value(scores, "sasaran", "S1") == pytest.approx(90.0)
    assert _value(scores, "sasaran", "S1", "n_measured") == 1


def test_all_na_sasaran_is_year_end_and_left_out_of_the_perspective():
    scores = _scores(_targets([("A", 6, 100.0), ("D", 6, 100.0)]), _real([("A", 6, 90.0), ("D", 6, 110.0)]))
    s2 = scores.query("level == 'sasaran' and item_code == 'S2'").iloc[0]
    assert np.isnan(s2["value_pct"]) and s2["kriteria"] == "Diukur Akhir Tahun" and s2["n_measured"] == 0
    assert _value(scores, "perspective", "Stakeholder") == pytest.approx(90.0)
    assert _value(scores, "perspective", "Stakeholder", "n_measured") == 1


def test_total_is_mean_of_perspectives_not_of_sasaran():
    # Stakeholder: S1 = 90, S2 = lower-is-better 8 vs 10 -> 120; perspective 105. Internal: 60. Total 82.5.
    scores = _scores(_targets([("A", 6, 100.0), ("C", 6, 10.0), ("D", 6, 100.0)]),
                     _real([("A", 6, 90.0), ("C", 6, 8.0), ("D", 6, 60.0)]))
    assert _value(scores, "perspective", "Stakeholder") == pytest.approx(105.0)
    assert _value(scores, "total", "TOTAL") == pytest.approx(82.5)
    assert _value(scores, "total", "TOTAL", "kriteria") == "Belum Memenuhi Ekspektasi"


def test_all_na_unit_gets_na_labels_at_every_level():
    scores = _scores(_targets([("A", 6, NAN)]), _real([("A", 6, NAN)]))
    assert (scores.query("level in ['perspective', 'total']")["kriteria"] == "NA").all()
    assert np.isnan(_value(scores, "total", "TOTAL"))


def test_raw_and_capped_scores_both_kept():
    scores = _scores(_targets([("A", 6, 100.0), ("B", 6, 100.0)]), _real([("A", 6, 150.0), ("B", 6, 90.0)]),
                     policy=CAP120)
    assert _value(scores, "sasaran", "S1", "value_raw_pct") == pytest.approx((2 * 150 + 90) / 3)
    assert _value(scores, "sasaran", "S1") == pytest.approx((2 * 120 + 90) / 3)
    assert (scores["policy_id"] == "test_cap120").all()


def test_quarter_scored_only_when_its_end_month_was_reported():
    scores = _scores(_targets([("A", 3, 100.0), ("A", 4, 100.0), ("A", 5, 100.0)]),
                     _real([("A", 3, 90.0), ("A", 4, 95.0), ("A", 5, 99.0)]))
    assert set(scores["quarter"]) == {1}
    assert _value(scores, "indicator", "A") == pytest.approx(90.0)


def test_score_frame_columns_and_order():
    scores = _scores(_targets([("A", 6, 100.0)]), _real([("A", 6, 90.0)]))
    assert list(scores.columns) == SCORE_COLUMNS
    assert scores["level"].drop_duplicates().tolist() == ["indicator", "sasaran", "perspective", "total"]
    assert scores.query("level == 'perspective'")["item_code"].tolist() == ["Stakeholder", "Internal Process"]
    assert _value(scores, "perspective", "Stakeholder", "parent_code") == "TOTAL"


def test_criteria_evaluated_on_displayed_value():
    # 119.996 shows as 120.00 -> Memenuhi Ekspektasi; 120.005 shows as 120.01 -> Tidak Dapat Disimpulkan.
    scores = _scores(_targets([("A", 6, 100.0), ("D", 6, 100.0)]), _real([("A", 6, 119.996), ("D", 6, 120.005)]))
    assert _value(scores, "indicator", "A", "kriteria") == "Memenuhi Ekspektasi"
    assert _value(scores, "indicator", "D", "kriteria") == "Tidak Dapat Disimpulkan"


def test_override_flows_into_adjusted_scores_only():
    overrides = overrides_frame([_override(value=100.0, indicator="D")])
    scores = _scores(_targets([("D", 6, 100.0)]), _real([("D", 6, 60.0)]), overrides=overrides)
    assert _value(scores, "sasaran", "S3", "value_raw_pct") == pytest.approx(60.0)
    assert _value(scores, "sasaran", "S3") == pytest.approx(100.0)


def test_overrides_frame_has_the_documented_columns():
    frame = overrides_frame([_override()])
    assert list(frame.columns) == ["unit_code", "year", "month", "indicator_code", "capaian_pct", "reason",
                                   "set_by", "set_at", "override_id"]
    assert frame["set_at"].iloc[0] == datetime(2023, 7, 20, 3, 0, tzinfo=timezone.utc)
