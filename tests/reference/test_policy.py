"""Scoring policies as data: files, index, per-unit overrides, band lookup, gap resolution."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from pydantic import ValidationError

from reference import master
from reference.policy import POLICY_DIR, BandScheme, ManualOverride, ScoringPolicy, kriteria, kriteria_colour, \
    load_policy, policy_for, round_half_up

NAN = float("nan")
EXPECTATION = BandScheme(scheme_id="seed003_expectation_2023")


def test_shipped_2023_policy_is_kupang_practice():
    policy = policy_for("BPOM-KPG", 2023)
    assert policy.policy_id == "sakip_2023" and policy.cap_pct is None
    assert policy.weights.source == "plan" and policy.weights.iku_weight == 1
    assert policy.criteria_scheme.scheme_id == "seed003_expectation_2023"
    assert policy.na_labels.sasaran == "Diukur Akhir Tahun" and policy.na_labels.total == "NA"
    assert policy.efficiency.scheme.scheme_id == "seed003_efficiency_2023" and policy.efficiency.se == 1
    assert policy.display_decimals == 2


def test_cap120_differs_only_in_id_description_and_cap():
    base = load_policy(POLICY_DIR / "sakip_2023.yaml").model_dump(exclude={"policy_id", "description", "cap_pct"})
    cap = load_policy(POLICY_DIR / "sakip_2023_cap120.yaml")
    assert cap.cap_pct == 120 and cap.model_dump(exclude={"policy_id", "description", "cap_pct"}) == base


@pytest.mark.parametrize("unit, year, policy_id", [
    pytest.param("LOKA-BMS", 2023, "sakip_2023_cap120", id="Banyumas capped at 120 in 2023"),
    pytest.param("LOKA-BMS", 2024, "sakip_2023", id="Banyumas's override is for 2023 only"),
    pytest.param("BPOM-KPG", 2023, "sakip_2023", id="Kupang 2023 uncapped"),
    *[pytest.param("BBPOM-SRG", y, "sakip_2023", id=f"every unit has a policy in {y}") for y in range(2020, 2027)],
])
def test_policy_for(unit, year, policy_id):
    assert policy_for(unit, year).policy_id == policy_id


def test_year_outside_the_index_is_an_error():
    with pytest.raises(KeyError, match="2019"):
        policy_for("BPOM-KPG", 2019)


def test_policy_dir_replaces_the_set(tmp_path: Path):
    shutil.copy(POLICY_DIR / "sakip_2023_cap120.yaml", tmp_path / "strict.yaml")
    (tmp_path / "index.yaml").write_text(yaml.safe_dump({"years": {2023: "strict.yaml"}}), encoding="utf-8")
    assert policy_for("BPOM-KPG", 2023, tmp_path).cap_pct == 120


def test_policy_is_frozen_and_rejects_unknown_fields():
    policy = policy_for("BPOM-KPG", 2023)
    with pytest.raises(ValidationError):
        policy.cap_pct = 100  # type: ignore[misc]
    data = policy.model_dump() | {"rounding": "bankers"}
    with pytest.raises(ValidationError):
        ScoringPolicy.model_validate(data)


def test_dumped_policy_round_trips():
    policy = policy_for("LOKA-BMS", 2023)
    assert ScoringPolicy.model_validate(policy.model_dump()) == policy


def test_unknown_scheme_is_refused():
    with pytest.raises(ValidationError, match="unknown criteria scheme"):
        BandScheme(scheme_id="no_such_scheme")


def test_gap_proposal_applied_but_catalogue_bands_untouched():
    band = {b.label: b for b in EXPECTATION.bands}["Memenuhi Ekspektasi"]
    assert band.upper_inclusive and EXPECTATION.applied_gaps == (120.0,)
    printed = {b["label"]: b for b in master.criteria_schemes()["seed003_expectation_2023"]["bands"]}
    assert printed["Memenuhi Ekspektasi"]["upper_inclusive"] is False


@pytest.mark.parametrize("value, label", [
    pytest.param(120.0, "Memenuhi Ekspektasi", id="exactly 120 meets expectations (gap resolved)"),
    pytest.param(120.004, "Memenuhi Ekspektasi", id="120.004 shows as 120.00"),
    pytest.param(120.005, "Tidak Dapat Disimpulkan", id="120.005 shows as 120.01, above 120"),
    pytest.param(119.995, "Memenuhi Ekspektasi", id="119.995 shows as 120.00"),
    pytest.param(100.0, "Memenuhi Ekspektasi", id="100 is the lower edge of meeting expectations"),
    pytest.param(99.994, "Belum Memenuhi Ekspektasi", id="99.994 shows as 99.99"),
    pytest.param(80.0, "Belum Memenuhi Ekspektasi", id="80 is not yet meeting expectations"),
    pytest.param(79.99, "Tidak Memenuhi Ekspektasi", id="below 80 does not meet expectations"),
    pytest.param(0.0, "Tidak Memenuhi Ekspektasi", id="zero is a value, not NA"),
    pytest.param(NAN, "Diukur Akhir Tahun", id="NaN gets the level's NA label"),
])
def test_kriteria_bands(value, label):
    assert kriteria(pd.Series([value]), EXPECTATION, na_label="Diukur Akhir Tahun").iloc[0] == label


def test_unresolved_gap_leaves_120_unlabelled():
    document = BandScheme(scheme_id="seed003_expectation_2023", apply_gap_proposals=False)
    out = kriteria(pd.Series([120.0, 110.0]), document)
    assert pd.isna(out.iloc[0]) and out.iloc[1] == "Memenuhi Ekspektasi" and document.applied_gaps == ()


@pytest.mark.parametrize("value, label", [
    pytest.param(100.0, "Baik", id="exactly 100 is Baik (90 <= x <= 100)"),
    pytest.param(100.01, "Istimewa", id="above 100 is Istimewa"),
    pytest.param(90.0, "Baik", id="90 is Baik"),
    pytest.param(49.99, "Sangat Kurang", id="below 50 is Sangat Kurang"),
])
def test_other_scheme_predicate(value, label):
    scheme = BandScheme(scheme_id="seed001_npss_predicate_2023")
    assert kriteria(pd.Series([value]), scheme).iloc[0] == label


def test_efficiency_scheme_counts_one_as_efficient():
    scheme = policy_for("BPOM-KPG", 2023).efficiency.scheme
    out = kriteria(pd.Series([1.0, 0.996, 0.994, NAN]), scheme)
    assert out.tolist() == ["Efisien", "Efisien", "Tidak Efisien", "NA"]


def test_kriteria_colour():
    out = kriteria_colour(pd.Series([130.0, 110.0, 90.0, 50.0, NAN], index=list("abcde")), EXPECTATION)
    assert out.iloc[:4].tolist() == ["Abu Gelap", "Hijau", "Kuning", "Merah"] and pd.isna(out.iloc[4])
    assert kriteria_colour(pd.Series([110.0]), EXPECTATION, english=True).iloc[0] == "green"
    assert out.index.tolist() == list("abcde")


def test_inline_bands_need_no_catalogue():
    scheme = BandScheme(scheme_id="custom", bands=[{"label": "ok", "lower": 50, "lower_inclusive": True},
                                                   {"label": "low", "upper": 50}])
    assert kriteria(pd.Series([50.0, 49.0]), scheme).tolist() == ["ok", "low"]


def test_round_half_up_lives_in_policy_and_is_reexported():
    from transforms.scoring import round_half_up as from_scoring
    assert from_scoring is round_half_up and round_half_up(np.float64(2.675)) == 2.68


def test_manual_override_needs_reason_and_author():
    with pytest.raises(ValidationError):
        ManualOverride(override_id="o", unit_code="U", year=2023, month=6, indicator_code="A", capaian_pct=100,
                       reason="", set_by="x", set_at="2023-07-01T00:00:00+07:00")
