"""``sakip rescore`` (and the override guard) as an operator uses them, on a copy of the Kupang warehouse
(plan and January-June loaded; the CLI's own collection is tested in tests/test_cli.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from sakip.cli import app

runner = CliRunner()
CAP120 = Path(__file__).resolve().parents[1] / "reference" / "policies" / "sakip_2023_cap120.yaml"


@pytest.fixture
def env(kupang_env: Path) -> Path:
    return kupang_env


def _total(env: Path) -> tuple[float, str]:
    engine = create_engine(f"sqlite:///{env / 'warehouse.sqlite'}")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT value_pct, policy_id FROM v_score WHERE unit_code = 'BPOM-KPG' "
                                "AND year = 2023 AND quarter = 2 AND level = 'total'")).one()
    engine.dispose()
    return round(row.value_pct, 2), row.policy_id


def test_rescore_with_another_policy_then_back(env):
    assert _total(env) == (103.34, "sakip_2023")
    result = runner.invoke(app, ["rescore", "--year", "2023", "--policy", str(CAP120)])
    assert result.exit_code == 0, result.output
    assert "BPOM-KPG" in result.output and "sakip_2023_cap120" in result.output and "1 unit-tahun" in result.output
    assert _total(env) == (99.35, "sakip_2023_cap120")
    result = runner.invoke(app, ["rescore", "--year", "2023", "--unit", "Balai POM di Kupang"])
    assert result.exit_code == 0, result.output
    assert _total(env) == (103.34, "sakip_2023")


def test_rescore_of_a_unit_without_a_plan_says_so(env):
    result = runner.invoke(app, ["rescore", "--year", "2023", "--unit", "BBPOM-SBY"])
    assert result.exit_code == 1
    assert "tidak ada rencana 2023" in result.output and "BBPOM-SBY" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("indicator", "month", "message"), [
    ("IKU-TIDAK-ADA", 6, "tidak ada dalam rencana BPOM-KPG 2023"),
    ("IKU-PENINDAKAN", 7, "belum ada laporan bulanan BPOM-KPG 2023-07"),
])
def test_an_override_that_would_never_apply_is_refused_with_a_clear_message(env, indicator, month, message):
    result = runner.invoke(app, ["override", "--unit", "BPOM-KPG", "--year", "2023", "--month", str(month),
                                 "--indicator", indicator, "--value", "100", "--reason", "uji", "--by", "Kasubag"])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    engine = create_engine(f"sqlite:///{env / 'warehouse.sqlite'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM audit_capaian_override")).scalar() == 0
    engine.dispose()
