"""``sakip policy check`` and ``sakip policy show`` as a planner uses them (typer's CliRunner on ``policy_app``)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from reference.policy import POLICY_DIR
from sakip import settings as settings_module
from sakip.policy_commands import policy_app

runner = CliRunner()


@pytest.fixture
def policy_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """SAKIP_POLICY_DIR pointing at a copy of the shipped policies; settings re-read around the test."""
    folder = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, folder)
    monkeypatch.setenv("SAKIP_POLICY_DIR", str(folder))
    settings_module.get_settings.cache_clear()
    yield folder
    settings_module.get_settings.cache_clear()


def test_check_explains_the_weight_trap_and_still_exits_0(tmp_path: Path):
    """A 2019 policy written as 'IKU weight 2' on top of the plan's Bobot: loads, but is probably not meant."""
    shutil.copy(POLICY_DIR / "sakip_2023.yaml", tmp_path / "sakip_2023.yaml")
    path = tmp_path / "sakip_2019.yaml"
    path.write_text(yaml.safe_dump({"extends": "sakip_2023.yaml", "policy_id": "sakip_2019", "description": "2019",
                                    "weights": {"iku_weight": 2},
                                    "criteria_scheme": {"scheme_id": "seed002_kriteria_2019"}}), encoding="utf-8")
    result = runner.invoke(policy_app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "Kebijakan sakip_2019 (versi 2), berkas sakip_2019.yaml, mewarisi sakip_2023.yaml" in result.output
    assert "Bobot dari rencana (kolom Bobot; kosong = 1), dikalikan 2 untuk IKU" in result.output
    assert "- PERINGATAN: weights.source: plan bersama iku_weight: 2 MENGALIKAN Bobot dari rencana" in result.output
    assert "tulis weights.source: equal dengan iku_weight: 2" in result.output
    assert "Ringkasan: 0 kesalahan, 1 peringatan" in result.output


def test_check_exits_1_on_an_error_and_lists_every_problem(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("policy_id: bad\ncap_pct: 90\nweights: {source: plann}\naggregation: {total: mean}\n"
                    "criteria_scheme: {scheme_id: seed003_expectation_2023}\n"
                    "efficiency: {scheme: {scheme_id: seed003_efficiency_2023}}\n", encoding="utf-8")
    result = runner.invoke(policy_app, ["check", str(path)])
    assert result.exit_code == 1
    for words in ["- KESALAHAN: weights.source: harus salah satu dari: plan, equal",
                  "- KESALAHAN: aggregation: bidang 'aggregation' sudah dihapus",
                  "- KESALAHAN: cap_pct: 90 di bawah 100", "Ringkasan: 3 kesalahan",
                  "Gagal: " + str(path) + " memuat 3 kesalahan"]:
        assert words in result.output


@pytest.mark.parametrize("name", ["sakip_2023.yaml", "sakip_2023_cap120.yaml", "sakip_2019_example.yaml"])
def test_check_of_a_shipped_policy_passes(name):
    result = runner.invoke(policy_app, ["check", str(POLICY_DIR / name)])
    assert result.exit_code == 0, result.output
    assert "KESALAHAN:" not in result.output and "PERINGATAN:" not in result.output


def test_show_a_unit_override_with_its_chain(policy_dir: Path):
    result = runner.invoke(policy_app, ["show", "--year", "2023", "--unit", "LOKA-BMS"])
    assert result.exit_code == 0, result.output
    assert f"Ditetapkan oleh: {policy_dir / 'index.yaml'}, unit_overrides (unit LOKA-BMS, tahun 2023)" in result.output
    assert f"Berkas: {policy_dir / 'sakip_2023_cap120.yaml'}" in result.output
    assert "Rantai extends: sakip_2023_cap120.yaml → sakip_2023.yaml" in result.output
    assert "Batas capaian (cap_pct): 120 per indikator" in result.output


def test_show_a_year_entry(policy_dir: Path):
    result = runner.invoke(policy_app, ["show", "--year", "2024", "--unit", "Balai POM di Kupang"])
    assert result.exit_code == 0, result.output
    assert "Unit BPOM-KPG, tahun 2024" in result.output and "years: 2024 (bawaan tahun itu" in result.output
    assert "Rantai extends: tidak ada" in result.output and "Kebijakan sakip_2023 " in result.output


def test_show_a_year_without_policy_says_what_to_do(policy_dir: Path):
    result = runner.invoke(policy_app, ["show", "--year", "2019", "--unit", "BPOM-KPG"])
    assert result.exit_code == 1
    assert "tidak ada kebijakan penilaian untuk tahun 2019" in result.output
    assert "tambahkan '2019: <berkas>.yaml' di bagian years" in result.output


def test_show_a_policy_that_does_not_load_exits_1(policy_dir: Path):
    (policy_dir / "sakip_2023.yaml").write_text("policy_id: sakip_2023\ncap_pct: banyak\n", encoding="utf-8")
    result = runner.invoke(policy_app, ["show", "--year", "2023", "--unit", "BPOM-KPG"])
    assert result.exit_code == 1
    assert "KESALAHAN: cap_pct: harus berupa angka" in result.output and "tidak dapat dimuat" in result.output


def test_show_refuses_an_unknown_unit(policy_dir: Path):
    result = runner.invoke(policy_app, ["show", "--year", "2023", "--unit", "BPOM-XXX"])
    assert result.exit_code == 2 and "tidak dikenal" in result.output
