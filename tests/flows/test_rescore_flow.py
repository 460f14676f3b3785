"""The rescoring flow under Prefect's test harness: Kupang loaded with the default policy, rescored
with the 120-cap policy, then back."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from sinks.warehouse.db import open_warehouse
from sakip import settings as settings_module

pytestmark = [pytest.mark.prefect, pytest.mark.usefixtures("prefect_harness")]
CAP120 = Path(__file__).resolve().parents[2] / "reference" / "policies" / "sakip_2023_cap120.yaml"


def _total(engine) -> float:
    with engine.connect() as conn:
        return conn.execute(text("SELECT value_pct FROM v_score WHERE unit_code = 'BPOM-KPG' AND year = 2023 "
                                 "AND quarter = 2 AND level = 'total'")).scalar_one()


def test_rescore_flow_applies_the_policy_per_unit_year(kupang_env: Path):
    """Kupang's plan and January-June already loaded with the default policy (a copy of the session's
    warehouse)."""
    from flows.rescore import rescore_year

    settings = settings_module.get_settings()
    engine = open_warehouse(settings.warehouse_url)
    assert _total(engine) == pytest.approx(103.34, abs=0.005)

    rows = rescore_year(2023, policy_file=str(CAP120))
    assert [(r["unit_code"], r["policy_id"]) for r in rows] == [("BPOM-KPG", "sakip_2023_cap120")]
    assert rows[0]["rows"] > 0
    assert _total(engine) == pytest.approx(99.35, abs=0.005)
    assert rescore_year(2023, unit_codes=["BPOM-KPG"])[0]["policy_id"] == "sakip_2023"
    assert _total(engine) == pytest.approx(103.34, abs=0.005)
    from prefect.artifacts import Artifact

    assert Artifact.get("hitung-ulang-2023") is not None
