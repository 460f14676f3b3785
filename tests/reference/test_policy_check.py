"""``check_policy``: problems a planner can act on, in Indonesian, and a summary of what the policy does."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from reference.policy import POLICY_DIR, BandScheme
from reference.policy_check import band_problems, check_policy, is_error

SHIPPED = ["sakip_2023.yaml", "sakip_2023_cap120.yaml", "sakip_2019_example.yaml"]
BASE = yaml.safe_load((POLICY_DIR / "sakip_2023.yaml").read_text(encoding="utf-8"))


def _write(folder: Path, data: dict, name: str = "p.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _errors(problems: list[str]) -> list[str]:
    return [p for p in problems if is_error(p)]


def _one(problems: list[str], *words: str) -> str:
    """The one problem line containing every word."""
    found = [p for p in problems if all(w in p for w in words)]
    assert len(found) == 1, problems
    return found[0]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_policies_have_no_error(name):
    policy, problems, summary = check_policy(POLICY_DIR / name)
    assert policy is not None and not _errors(problems), problems
    assert not [p for p in problems if p.startswith("PERINGATAN")], problems
    assert summary[0].startswith(f"Kebijakan {policy.policy_id} ")


def test_summary_of_kupang_2023_says_what_it_does():
    _, _, summary = check_policy(POLICY_DIR / "sakip_2023.yaml")
    text = "\n".join(summary)
    assert "Batas capaian (cap_pct): tidak ada" in text
    assert "Bobot dari rencana (kolom Bobot; kosong = 1), IKU tidak dibedakan" in text
    assert "NPS TOTAL = rata-rata nilai perspektif yang terukur" in text
    for line in ["  - Tidak Dapat Disimpulkan: x > 120,00 (Abu Gelap)",
                 "  - Memenuhi Ekspektasi: 100,00 ≤ x ≤ 120,00 (Hijau)",
                 "  - Belum Memenuhi Ekspektasi: 80,00 ≤ x < 100,00 (Kuning)",
                 "  - Tidak Memenuhi Ekspektasi: x < 80,00 (Merah)",
                 "  - Efisien: x ≥ 1,00", "  - Tidak Efisien: x < 1,00"]:
        assert line in summary
    assert "nilai 120,00 tidak tercakup tabel dokumen" in text
    assert "sasaran 'Diukur Akhir Tahun'" in text


def test_summary_of_banyumas_names_the_cap_the_chain_and_its_table():
    _, problems, summary = check_policy(POLICY_DIR / "sakip_2023_cap120.yaml")
    text = "\n".join(summary)
    assert summary[0] == "Kebijakan sakip_2023_cap120 (versi 2), berkas sakip_2023_cap120.yaml, mewarisi sakip_2023.yaml"
    assert "Batas capaian (cap_pct): 120 per indikator, sebelum dirata-rata" in text
    assert "  - Istimewa: x > 100,00" in summary and "  - Baik: 90,00 ≤ x ≤ 100,00" in summary
    _one(problems, "CATATAN", "seed001_npss_predicate_2023", "capaian indikator")


def test_summary_of_2019_says_iku_weight_two_over_the_sum():
    _, _, summary = check_policy(POLICY_DIR / "sakip_2019_example.yaml")
    assert ("Bobot (weights): sama untuk semua indikator (1), IKU 2; Bobot di rencana tidak dipakai; "
            "NPS sasaran = Σ(bobot × capaian) / Σ bobot atas indikator yang terukur") in summary
    assert "  - Sangat Baik: 110,00 ≤ x ≤ 120,00" in summary


# ------------------------------------------------------------------------------ the weight trap
@pytest.mark.parametrize("weights, warned", [
    pytest.param({"source": "plan", "iku_weight": 2}, True, id="plan Bobot times 2 is the trap"),
    pytest.param({"source": "plan", "iku_weight": 1}, False, id="plan Bobot alone is fine"),
    pytest.param({"source": "equal", "iku_weight": 2}, False, id="equal with IKU 2 is the 2019 rule"),
    pytest.param({"iku_weight": 3}, True, id="source defaults to plan"),
])
def test_the_weight_trap_is_explained(tmp_path, weights, warned):
    _, problems, _ = check_policy(_write(tmp_path, BASE | {"weights": weights}))
    trap = [p for p in problems if "MENGALIKAN Bobot" in p]
    assert bool(trap) is warned
    if warned:
        assert trap[0].startswith("PERINGATAN: weights.source: plan bersama iku_weight")
        assert "tulis weights.source: equal" in trap[0] and "dibagi jumlah bobot" in trap[0]
        assert not _errors(problems), "a warning: the policy still loads and scores"


# ------------------------------------------------------------------------------ pydantic errors
@pytest.mark.parametrize("change, words", [
    pytest.param({"weights": {"source": "plann"}}, ["weights.source: harus salah satu dari: plan, equal", "'plann'"],
                 id="a wrong choice lists the allowed ones"),
    pytest.param({"weigths": {}}, ["weigths: bidang tidak dikenal; maksudnya 'weights'?", "Bidang yang boleh di sini"],
                 id="a misspelt field suggests the right one"),
    pytest.param({"aggregation": {"sasaran": "weighted_mean"}}, ["bidang 'aggregation' sudah dihapus", "Hapus"],
                 id="the removed aggregation block says why"),
    pytest.param({"cap_pct": "120%"}, ["cap_pct: harus berupa angka", "'120%'"], id="a cap written as text"),
    pytest.param({"criteria_scheme": {"scheme_id": "seed003_expectasi"}},
                 ["criteria_scheme: skema 'seed003_expectasi' tidak ada di katalog", "seed003_expectation_2023"],
                 id="an unknown scheme lists the catalogue"),
    pytest.param({"efficiency": {"se": 1}}, ["efficiency.scheme: wajib diisi"], id="a missing field"),
    pytest.param({"criteria_scheme": {"scheme_id": "c", "bands": [{"label": "a", "lower": "x"}]}},
                 ["criteria_scheme.bands[1].lower: harus berupa angka"], id="band numbers count from 1"),
    pytest.param({"display_decimals": 9}, ["display_decimals: harus sama dengan atau lebih kecil dari 2"],
                 id="a bound says the limit"),
    pytest.param({"na_labels": {"sasaran": ""}}, ["na_labels.sasaran: tidak boleh kosong"], id="an empty label"),
])
def test_pydantic_errors_in_indonesian(tmp_path, change, words):
    policy, problems, summary = check_policy(_write(tmp_path, BASE | change))
    assert policy is None and summary == []
    line = _one(problems, *words)
    assert line.startswith("KESALAHAN: ")


def test_an_error_names_the_parent_file_the_value_came_from(tmp_path):
    _write(tmp_path, BASE | {"weights": {"source": "plann"}}, "base.yaml")
    child = _write(tmp_path, {"extends": "base.yaml", "policy_id": "child", "description": "x", "cap_pct": 120})
    _, problems, _ = check_policy(child)
    assert _one(problems, "weights.source").endswith("— ditulis di base.yaml")


def test_a_broken_chain_is_one_error(tmp_path):
    policy, problems, summary = check_policy(_write(tmp_path, {"extends": "gone.yaml", "policy_id": "x"}))
    assert policy is None and summary == [] and len(problems) == 1 and is_error(problems[0])
    assert "berkas induk 'extends: gone.yaml' tidak ditemukan" in problems[0]


# -------------------------------------------------------------------------------------- bands
def _scheme(*bands: dict) -> BandScheme:
    return BandScheme(scheme_id="custom", bands=list(bands))


@pytest.mark.parametrize("bands, expected", [
    pytest.param([{"label": "Baik", "lower": 80, "lower_inclusive": False}, {"label": "Kurang", "upper": 80}],
                 ["nilai 80,00 tidak masuk kriteria mana pun"], id="a shared edge in neither band"),
    pytest.param([{"label": "Baik", "lower": 90, "lower_inclusive": True}, {"label": "Kurang", "upper": 80}],
                 ["nilai 80,00 tidak masuk", "nilai di atas 80,00 dan di bawah 90,00 tidak masuk"],
                 id="a stretch between two bands"),
    pytest.param([{"label": "Baik", "lower": 80, "lower_inclusive": True},
                  {"label": "Kurang", "upper": 80, "upper_inclusive": True}],
                 ["nilai 80,00 masuk lebih dari satu kriteria (Baik, Kurang); yang dipakai hanya yang pertama (Baik)"],
                 id="a shared edge in both bands"),
    pytest.param([{"label": "A", "lower": 50}, {"label": "B", "upper": 90, "upper_inclusive": True}],
                 ["nilai di atas 50,00 dan di bawah 90,00 masuk lebih dari satu kriteria",
                  "nilai 90,00 masuk lebih dari satu kriteria"],
                 id="overlapping bands"),
    pytest.param([{"label": "A", "lower": 80, "lower_inclusive": True}, {"label": "B", "upper": 79.995}],
                 [], id="no rounded value can fall between 79,995 and 80"),
    pytest.param([{"label": "A", "lower": 100, "upper": 90}, {"label": "B"}],
                 ["bands[1] 'A': tidak ada nilai yang masuk"], id="a band with its bounds swapped"),
])
def test_band_gaps_and_overlaps_say_where(bands, expected):
    found = band_problems(_scheme(*bands), 2, "criteria_scheme")
    for words in expected:
        assert is_error(_one(found, words))
    if not expected:
        assert found == []


def test_the_document_bands_without_gap_proposal_leave_120_out(tmp_path):
    change = {"criteria_scheme": {"scheme_id": "seed003_expectation_2023", "apply_gap_proposals": False}}
    _, problems, _ = check_policy(_write(tmp_path, BASE | change))
    assert is_error(_one(problems, "criteria_scheme: nilai 120,00 tidak masuk kriteria mana pun"))


def test_efficiency_bands_are_checked_on_their_own_decimals(tmp_path):
    change = {"efficiency": {"scheme": {"scheme_id": "seed003_efficiency_2023", "apply_gap_proposals": False}}}
    _, problems, _ = check_policy(_write(tmp_path, BASE | change))
    assert is_error(_one(problems, "efficiency.scheme: nilai 1,00 tidak masuk kriteria mana pun"))


def test_a_scheme_of_the_wrong_measure_is_an_error(tmp_path):
    _, problems, _ = check_policy(_write(tmp_path, BASE | {"criteria_scheme": {"scheme_id": "seed003_efficiency_2023"}}))
    assert is_error(_one(problems, "criteria_scheme: skema seed003_efficiency_2023 mengukur efficiency_index"))


# ------------------------------------------------------------------------------- other checks
def test_a_cap_below_100_is_an_error(tmp_path):
    _, problems, _ = check_policy(_write(tmp_path, BASE | {"cap_pct": 12}))
    assert is_error(_one(problems, "cap_pct: 12 di bawah 100"))


def test_a_cap_notes_the_bands_it_makes_unreachable(tmp_path):
    _, problems, _ = check_policy(_write(tmp_path, BASE | {"cap_pct": 120}))
    assert _one(problems, "Tidak Dapat Disimpulkan tidak pernah muncul").startswith("CATATAN")


def test_an_inherited_description_and_a_duplicate_id_are_flagged(tmp_path):
    shutil.copy(POLICY_DIR / "sakip_2023.yaml", tmp_path / "sakip_2023.yaml")
    child = _write(tmp_path, {"extends": "sakip_2023.yaml", "policy_id": "x", "cap_pct": 120})
    _write(tmp_path, BASE | {"policy_id": "x"}, "other.yaml")
    _, problems, _ = check_policy(child)
    assert _one(problems, "description tidak ditulis").startswith("PERINGATAN")
    assert is_error(_one(problems, "policy_id 'x' juga dipakai other.yaml"))


def test_an_na_label_equal_to_a_band_label_is_a_warning(tmp_path):
    _, problems, _ = check_policy(_write(tmp_path, BASE | {"na_labels": {"sasaran": "Memenuhi Ekspektasi"}}))
    assert _one(problems, "na_labels.sasaran").startswith("PERINGATAN")


def test_problems_come_errors_first(tmp_path):
    _, problems, _ = check_policy(_write(tmp_path, BASE | {"cap_pct": 90, "weights": {"iku_weight": 2}}))
    kinds = [p.split(":")[0] for p in problems]
    assert kinds == sorted(kinds, key=["KESALAHAN", "PERINGATAN", "CATATAN"].index)
