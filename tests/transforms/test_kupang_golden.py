"""The whole Kupang TW II 2023 case: every expected value of the fixture within 0,01."""
from __future__ import annotations

import pandas as pd
import pytest

from reference.policy import load_policy, policy_for, POLICY_DIR
from tests.transforms import kupang_frames as k
from transforms.budget import budget_lines, budget_rollup
from transforms.efficiency import efficiency
from transforms.scoring import indicator_capaian, quarter_scores, round_half_up

TOL = 0.01
QUARTER = 2


def _label(text: str) -> str:
    """Labels compare case-insensitively after whitespace normalisation (fixture convention)."""
    return " ".join(str(text).split()).casefold()


@pytest.fixture(scope="module")
def policy():
    return policy_for(k.UNIT, k.YEAR)


@pytest.fixture(scope="module")
def capaian(policy):
    return indicator_capaian(k.plan_indicators(), k.targets(), k.realisations(), policy)


@pytest.fixture(scope="module")
def scores(capaian, policy):
    return quarter_scores(capaian, k.plan_sasaran(), policy)


def _rows(scores: pd.DataFrame, level: str) -> pd.DataFrame:
    return scores.query("level == @level and quarter == @QUARTER").set_index("item_code")


def test_kupang_uses_the_uncapped_2023_policy(policy):
    assert policy.policy_id == "sakip_2023" and policy.cap_pct is None


def test_every_indicator_capaian_and_kriteria(capaian):
    expected = k.expected()["indicators"]
    rows = capaian.query("month == 6").set_index("indicator_code")
    assert len(rows) == 29 and rows["measured"].sum() == 20
    for code, exp in expected.items():
        row = rows.loc[k.indicator_codes()[code]]
        assert bool(row["measured"]) == exp["measured"], code
        if exp["capaian"]["value"] is None:
            assert pd.isna(row["capaian_pct"]), code
        else:
            assert row["capaian_pct"] == pytest.approx(exp["capaian"]["value"], abs=TOL), code
            assert f"{round_half_up(row['capaian_pct']):.2f}" == exp["capaian"]["display"], code
        assert _label(row["kriteria"]) == _label(exp["criteria"]["value"]), code


def test_every_sasaran_nps_and_kriteria(scores):
    rows = _rows(scores, "sasaran")
    for sk, exp in k.expected()["sasaran"].items():
        row = rows.loc[k.sasaran_codes()[sk]]
        assert row["n_measured"] == exp["measured_indicators"], sk
        if exp["nps"]["value"] is None:
            assert pd.isna(row["value_pct"]), sk
        else:
            assert row["value_pct"] == pytest.approx(exp["nps"]["value"], abs=TOL), sk
            assert f"{round_half_up(row['value_pct']):.2f}" == exp["nps"]["display"], sk
        assert _label(row["kriteria"]) == _label(exp["criteria"]["value"]), sk


def test_every_perspective_score(scores):
    rows = _rows(scores, "perspective")
    for code, exp in k.expected()["perspectives"].items():
        row = rows.loc[k.PERSPECTIVE[code]]
        assert row["n_measured"] == exp["measured_sasaran"], code
        assert row["value_pct"] == pytest.approx(exp["score"]["value"], abs=TOL), code
        assert _label(row["kriteria"]) == _label(exp["criteria"]["value"]), code


def test_nps_total_is_103_34_memenuhi_ekspektasi(scores):
    exp = k.expected()["total"]
    total = _rows(scores, "total").loc["TOTAL"]
    assert total["value_pct"] == pytest.approx(exp["score"]["value"], abs=1e-6)
    assert f"{round_half_up(total['value_pct']):.2f}" == exp["score"]["display"] == "103.34"
    assert _label(total["kriteria"]) == _label(exp["criteria"]["value"])
    assert total["n_measured"] == exp["measured_perspectives"]


def test_the_120_cap_policy_gives_99_35():
    cap = load_policy(POLICY_DIR / "sakip_2023_cap120.yaml")
    assert policy_for("LOKA-BMS", 2023) == cap
    capaian = indicator_capaian(k.plan_indicators(), k.targets(), k.realisations(), cap)
    total = _rows(quarter_scores(capaian, k.plan_sasaran(), cap), "total").loc["TOTAL"]
    assert f"{round_half_up(total['value_pct']):.2f}" == "99.35"
    assert total["value_raw_pct"] == pytest.approx(k.expected()["total"]["score"]["value"], abs=1e-6)


@pytest.fixture(scope="module")
def june_lines():
    lines = budget_lines(k.plan_budget(), k.rpd(), k.spending())
    return lines.query("month == 6")


def test_every_ro_budget_row(june_lines):
    expected = k.fixture()["expected_budget"]
    ro = budget_rollup(june_lines, "ro").set_index("item_code")
    assert len(ro) == expected["ro_row_count"]["value"] == 21
    for code, exp in expected["rows"].items():
        assert ro.loc[code, "realisation_pct"] == pytest.approx(exp["pct"]["value"], abs=TOL), code
        if "volume_ratio_pct" in exp:
            assert ro.loc[code, "volume_pct"] == pytest.approx(exp["volume_ratio_pct"]["value"], abs=TOL), code


def test_unit_budget_total_is_39_96(june_lines):
    expected = k.fixture()["expected_budget"]
    unit = budget_rollup(june_lines, "unit").iloc[0]
    assert unit["pagu_rp"] == expected["total_pagu"]["value"]
    assert unit["spent_cum_rp"] == expected["total_realisasi"]["value"]
    assert unit["realisation_pct"] == pytest.approx(expected["total_pct"]["value"], abs=TOL)
    assert f"{round_half_up(unit['realisation_pct']):.2f}" == expected["total_pct"]["display"]


@pytest.fixture(scope="module")
def efficiency_rows(capaian, policy):
    return efficiency(capaian, k.plan_indicators(), policy).query("quarter == @QUARTER")


def test_every_efficiency_row(efficiency_rows):
    rows = efficiency_rows.set_index("indicator_code")
    by_no = {r["no"]: r["indicator"] for r in k.fixture()["inputs"]["efficiency_rows"]}
    for no, exp in k.fixture()["expected_efficiency"]["rows"].items():
        row = rows.loc[k.indicator_codes()[by_no[int(no)]]]
        for column in ("input_pct", "output_pct", "ie", "te"):
            if exp[column]["value"] is None:
                assert pd.isna(row[column]), (no, column)
            else:
                assert row[column] == pytest.approx(exp[column]["value"], abs=TOL), (no, column)
        assert _label(row["kategori"]) == _label(exp["kategori"]["value"]), no


def test_corrected_row_14_is_efficient(efficiency_rows):
    row = efficiency_rows.set_index("indicator_code").loc["IKU-SARANA-DISTRIBUSI-MK"]
    shown = [f"{round_half_up(row[c]):.2f}" for c in ("input_pct", "ie", "te")]
    assert shown == ["35.72", "2.55", "1.55"] and row["kategori"] == "Efisien"


def test_efficiency_counts_and_total(efficiency_rows):
    expected = k.fixture()["expected_efficiency"]
    rows = efficiency_rows.query("indicator_code != 'TOTAL'")
    assert rows["kategori"].value_counts().to_dict() == {k_: v for k_, v in expected["counts"].items() if v}
    total = efficiency_rows.query("indicator_code == 'TOTAL'").iloc[0]
    assert total["input_pagu_rp"] == expected["derived_totals"]["input_pagu_sum"]["value"]
    assert total["input_realisasi_rp"] == expected["derived_totals"]["input_realisasi_sum"]["value"]
    measured = rows["output_pct"].dropna()
    assert total["output_pct"] == pytest.approx(measured.mean()) and len(measured) == 20


def test_a_missing_fixture_fails_the_golden_tests_instead_of_skipping_them(tmp_path, monkeypatch):
    monkeypatch.setattr(k, "_CANDIDATES", [tmp_path / "kupang_2023_tw2.json"])
    k.fixture.cache_clear()
    try:
        with pytest.raises(pytest.fail.Exception, match="kupang_2023_tw2.json not found"):
            k.fixture()
    finally:
        k.fixture.cache_clear()
