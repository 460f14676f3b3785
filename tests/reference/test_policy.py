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
from reference.policy import POLICY_DIR, SCHEMA_FILE, BandScheme, ManualOverride, PolicyFileError, ScoringPolicy, \
    kriteria, kriteria_colour, load_policy, merge_policy_data, policy_for, policy_json_schema, policy_schema_text, \
    policy_source, read_policy_data, round_half_up, write_policy_schema

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


def test_banyumas_policy_extends_kupang_with_its_cap_and_its_own_criteria_table():
    """Seed 001 caps at 120 and grades with its NPSS predicate table; everything else is sakip_2023's."""
    differs = {"policy_id", "description", "cap_pct", "criteria_scheme"}
    base = load_policy(POLICY_DIR / "sakip_2023.yaml")
    cap = load_policy(POLICY_DIR / "sakip_2023_cap120.yaml")
    assert cap.cap_pct == 120 and cap.criteria_scheme.scheme_id == "seed001_npss_predicate_2023"
    assert cap.model_dump(exclude=differs) == base.model_dump(exclude=differs)
    own = yaml.safe_load((POLICY_DIR / "sakip_2023_cap120.yaml").read_text(encoding="utf-8"))
    assert set(own) == {"extends", "policy_id", "version", "description", "cap_pct", "criteria_scheme"}


@pytest.mark.parametrize("name, scheme_id, efficiency_id", [
    pytest.param("sakip_2023.yaml", "seed003_expectation_2023", "seed003_efficiency_2023",
                 id="Kupang 2023 grades with its own report's table (seed 003)"),
    pytest.param("sakip_2023_cap120.yaml", "seed001_npss_predicate_2023", "seed003_efficiency_2023",
                 id="Banyumas 2023 grades with its own report's NPSS table (seed 001)"),
    pytest.param("sakip_2019_example.yaml", "seed002_kriteria_2019", "seed002_efficiency_2019",
                 id="Sekretariat Utama 2019 grades with its own report's table (seed 002)"),
])
def test_each_shipped_policy_uses_its_source_documents_scheme(name, scheme_id, efficiency_id):
    policy = load_policy(POLICY_DIR / name)
    assert (policy.criteria_scheme.scheme_id, policy.efficiency.scheme.scheme_id) == (scheme_id, efficiency_id)


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
    shutil.copy(POLICY_DIR / "sakip_2023.yaml", tmp_path / "sakip_2023.yaml")  # the parent of the next one
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


# ------------------------------------------------------------------------------------------ extends
def _write(folder: Path, name: str, data: dict) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def parent_dir(tmp_path: Path) -> Path:
    shutil.copy(POLICY_DIR / "sakip_2023.yaml", tmp_path / "base.yaml")
    return tmp_path


def test_merge_merges_mappings_and_replaces_everything_else():
    parent = {"a": 1, "weights": {"source": "plan", "iku_weight": 1}, "cap_pct": 120,
              "criteria_scheme": {"scheme_id": "x", "bands": [{"label": "p"}], "apply_gap_proposals": False},
              "efficiency": {"scheme": {"scheme_id": "e", "apply_gap_proposals": False}, "se": 1}}
    child = {"weights": {"iku_weight": 2}, "cap_pct": None, "criteria_scheme": {"scheme_id": "y"},
             "efficiency": {"scheme": {"scheme_id": "f"}, "decimals": 3}}
    assert merge_policy_data(parent, child) == {
        "a": 1, "weights": {"source": "plan", "iku_weight": 2}, "cap_pct": None,
        "criteria_scheme": {"scheme_id": "y"},  # a band scheme is replaced whole
        "efficiency": {"scheme": {"scheme_id": "f"}, "se": 1, "decimals": 3}}
    assert parent["weights"] == {"source": "plan", "iku_weight": 1}, "the parent's mapping is untouched"


def test_extends_inherits_overrides_and_reports_the_chain(parent_dir: Path):
    _write(parent_dir, "mid.yaml", {"extends": "base.yaml", "policy_id": "mid", "weights": {"iku_weight": 2}})
    child = _write(parent_dir, "child.yaml", {"extends": "mid.yaml", "policy_id": "child", "cap_pct": 120,
                                              "na_labels": {"sasaran": "NA"}})
    data, chain = read_policy_data(child)
    assert [p.name for p in chain] == ["child.yaml", "mid.yaml", "base.yaml"] and "extends" not in data
    policy = load_policy(child)
    assert (policy.policy_id, policy.cap_pct, policy.weights.source, policy.weights.iku_weight) == ("child", 120, "plan", 2)
    assert (policy.na_labels.sasaran, policy.na_labels.indicator) == ("NA", "NA")
    assert policy.criteria_scheme == load_policy(parent_dir / "base.yaml").criteria_scheme


def test_a_child_lists_replace_the_parents_whole(parent_dir: Path):
    bands = [{"label": "ok", "lower": 50, "lower_inclusive": True}, {"label": "low", "upper": 50}]
    _write(parent_dir, "inline.yaml", {"extends": "base.yaml", "policy_id": "inline",
                                       "criteria_scheme": {"scheme_id": "custom", "bands": bands}})
    one = _write(parent_dir, "one.yaml", {"extends": "inline.yaml", "policy_id": "one",
                                          "criteria_scheme": {"scheme_id": "custom", "bands": bands[:1]}})
    assert [b.label for b in load_policy(one).criteria_scheme.bands] == ["ok"]
    named = _write(parent_dir, "named.yaml", {"extends": "inline.yaml", "policy_id": "named",
                                              "criteria_scheme": {"scheme_id": "seed002_kriteria_2019"}})
    assert load_policy(named).criteria_scheme == BandScheme(scheme_id="seed002_kriteria_2019"), \
        "naming a catalogue scheme takes nothing from the parent's inline bands"


@pytest.mark.parametrize("files, start, message", [
    pytest.param({"a.yaml": {"extends": "b.yaml", "policy_id": "a"}, "b.yaml": {"extends": "a.yaml", "policy_id": "b"}},
                 "a.yaml", "rantai extends berputar: a.yaml → b.yaml → a.yaml", id="a cycle names its files"),
    pytest.param({"a.yaml": {"extends": "a.yaml", "policy_id": "a"}}, "a.yaml", "berputar: a.yaml → a.yaml",
                 id="a file extending itself is a cycle"),
    pytest.param({"a.yaml": {"extends": "gone.yaml", "policy_id": "a"}}, "a.yaml",
                 "a.yaml: berkas induk 'extends: gone.yaml' tidak ditemukan", id="a missing parent names it"),
    pytest.param({"a.yaml": {"extends": "base.yaml", "cap_pct": 120}}, "a.yaml",
                 "a.yaml: berkas dengan extends harus menulis policy_id sendiri", id="an extending file names its id"),
    pytest.param({"a.yaml": {"extends": "base.yaml", "policy_id": "sakip_2023"}}, "a.yaml",
                 "policy_id 'sakip_2023' sama dengan induknya base.yaml", id="and not its parent's id"),
    pytest.param({"a.yaml": {"extends": 3, "policy_id": "a"}}, "a.yaml", "extends harus berupa nama berkas",
                 id="extends names a file"),
    pytest.param({}, "nothing.yaml", "tidak ditemukan", id="a missing file"),
])
def test_broken_chains_are_refused_with_a_clear_message(parent_dir: Path, files, start, message):
    for name, data in files.items():
        _write(parent_dir, name, data)
    with pytest.raises(PolicyFileError) as refused:
        load_policy(parent_dir / start)
    assert message in str(refused.value)


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path):
    (tmp_path / "list.yaml").write_text("- policy_id: a\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("policy_id: [a\n", encoding="utf-8")
    with pytest.raises(PolicyFileError, match="daftar bidang"):
        load_policy(tmp_path / "list.yaml")
    with pytest.raises(PolicyFileError, match="bukan YAML yang sah baris"):
        load_policy(tmp_path / "bad.yaml")


def test_the_unused_aggregation_block_is_gone():
    data = load_policy(POLICY_DIR / "sakip_2023.yaml").model_dump() | {
        "aggregation": {"sasaran": "weighted_mean", "perspective": "mean", "total": "mean"}}
    with pytest.raises(ValidationError, match="aggregation"):
        ScoringPolicy.model_validate(data)
    for path in POLICY_DIR.glob("*.yaml"):
        assert "aggregation" not in yaml.safe_load(path.read_text(encoding="utf-8")), path.name


# ------------------------------------------------------------------------------------ where from
@pytest.mark.parametrize("unit, year, rule, file, chain", [
    pytest.param("LOKA-BMS", 2023, "unit_overrides", "sakip_2023_cap120.yaml",
                 ["sakip_2023_cap120.yaml", "sakip_2023.yaml"], id="Banyumas 2023 by its unit override"),
    pytest.param("BPOM-KPG", 2023, "years", "sakip_2023.yaml", ["sakip_2023.yaml"], id="Kupang 2023 by the year"),
])
def test_policy_source_says_where_the_policy_comes_from(unit, year, rule, file, chain):
    source = policy_source(unit, year)
    assert (source.rule, source.file.name, [p.name for p in source.chain]) == (rule, file, chain)
    assert source.index == POLICY_DIR / "index.yaml"


def test_a_year_without_policy_says_what_the_index_covers():
    with pytest.raises(KeyError, match="tidak ada kebijakan penilaian untuk tahun 2019.*2020, 2021"):
        policy_source("BPOM-KPG", 2019)


# ----------------------------------------------------------------------------------- JSON Schema
def test_the_committed_schema_is_up_to_date():
    committed = (POLICY_DIR / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == policy_schema_text(), "run: python -m reference.policy --schema"


def test_the_schema_is_written_by_a_function_and_the_module(tmp_path: Path):
    assert write_policy_schema(tmp_path).read_text(encoding="utf-8") == policy_schema_text()
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "reference.policy", "--schema", "--dir", str(tmp_path / "x")],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 2 and "does not exist" in done.stderr
    (tmp_path / "x").mkdir()
    done = subprocess.run([sys.executable, "-m", "reference.policy", "--schema", "--dir", str(tmp_path / "x")],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "x" / SCHEMA_FILE).read_text(encoding="utf-8") == policy_schema_text()


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in sorted(POLICY_DIR.glob("*.yaml"))
                                  if p.name != "index.yaml"])
def test_every_policy_file_names_the_schema_and_passes_it(path: Path):
    jsonschema = pytest.importorskip("jsonschema")
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={SCHEMA_FILE}"
    jsonschema.Draft202012Validator(policy_json_schema()).validate(yaml.safe_load(text))


@pytest.mark.parametrize("data, where", [
    pytest.param({"policy_id": "x", "weights": {"source": "plann"}, "criteria_scheme": {"scheme_id": "s"},
                  "efficiency": {"scheme": {"scheme_id": "e"}}}, "source", id="a misspelt weight source"),
    pytest.param({"policy_id": "x", "aggregation": {}, "criteria_scheme": {"scheme_id": "s"},
                  "efficiency": {"scheme": {"scheme_id": "e"}}}, "aggregation", id="the removed aggregation block"),
    pytest.param({"policy_id": "x", "cap_pct": "120%", "criteria_scheme": {"scheme_id": "s"},
                  "efficiency": {"scheme": {"scheme_id": "e"}}}, "cap_pct", id="a cap written as text"),
    pytest.param({"policy_id": "x", "criteria_scheme": {"scheme_id": "s"}}, "efficiency",
                 id="a file without extends needs the efficiency rule"),
    pytest.param({"policy_id": "x", "criteria_scheme": {"scheme_id": "s"}, "efficiency": {"se": 1}}, "scheme",
                 id="and its scheme"),
    pytest.param({"extends": "base.yaml", "cap_pct": 120}, "policy_id", id="an extending file still names its id"),
])
def test_the_schema_flags_what_an_editor_should_underline(data, where):
    jsonschema = pytest.importorskip("jsonschema")
    errors = list(jsonschema.Draft202012Validator(policy_json_schema()).iter_errors(data))
    assert errors and any(where in (e.message + " ".join(map(str, e.path))) for e in errors), errors


def test_the_schema_accepts_a_short_extending_file():
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator(policy_json_schema()).validate(
        {"extends": "sakip_2023.yaml", "policy_id": "p", "weights": {"iku_weight": 2}, "efficiency": {"se": 1}})
