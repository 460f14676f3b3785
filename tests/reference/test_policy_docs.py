"""docs/policies.md is enough to write a policy: its worked examples load, equal the shipped files, and a
2019 policy written from it scores a 2019 plan as the Sekretariat Utama rule says (IKU weight 2)."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from reference.policy import POLICY_DIR, load_policy, round_half_up
from reference.policy_check import check_policy
from transforms.scoring import indicator_capaian, quarter_scores

DOCS = Path(__file__).resolve().parents[2] / "docs" / "policies.md"
EXAMPLE = re.compile(r"<!-- example: (?P<name>[\w.]+) -->\n```yaml\n(?P<body>.*?)```", re.DOTALL)


def doc_examples() -> dict[str, str]:
    """File name → the YAML block the docs give for it."""
    return {m["name"]: m["body"] for m in EXAMPLE.finditer(DOCS.read_text(encoding="utf-8"))}


@pytest.fixture
def from_docs(tmp_path: Path) -> Path:
    """A policy folder holding only what docs/policies.md shows, under the names it gives."""
    for name, body in doc_examples().items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    return tmp_path


def test_the_docs_show_every_shipped_policy():
    shipped = {p.name for p in POLICY_DIR.glob("*.yaml")} - {"index.yaml"}
    assert set(doc_examples()) == shipped


@pytest.mark.parametrize("name", ["sakip_2023.yaml", "sakip_2023_cap120.yaml", "sakip_2019_example.yaml"])
def test_each_docs_example_is_the_shipped_policy(from_docs: Path, name: str):
    written = load_policy(from_docs / name).model_dump(exclude={"description"})
    assert written == load_policy(POLICY_DIR / name).model_dump(exclude={"description"})
    policy, problems, _ = check_policy(from_docs / name)
    assert policy is not None and not [p for p in problems if not p.startswith("CATATAN")], problems


# ------------------------------------------------------------------------- a 2019 plan, by hand
UNIT, YEAR, MONTH = "PUSAT-SETAMA", 2019, 12
# indicator, SK, perspective, IKU?, plan Bobot, target, realisasi (capaian = realisasi / target × 100)
ROWS = [
    ("IND-A", "SK1", "Stakeholder", True, 2.0, 100.0, 110.0),     # 110
    ("IND-B", "SK1", "Stakeholder", False, 1.0, 100.0, 80.0),     # 80
    ("IND-C", "SK2", "Stakeholder", True, 1.0, 50.0, 60.0),       # 120: exactly the 2019 table's gap
    ("IND-D", "SK3", "Internal Process", False, 5.0, 80.0, 48.0),  # 60
    ("IND-E", "SK3", "Internal Process", True, 1.0, None, 30.0),  # no target: not measured
]


def _frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows = pd.DataFrame(ROWS, columns=["indicator_code", "sk_code", "perspective", "iku", "weight", "target", "realisasi"])
    plan = pd.DataFrame({"unit_code": UNIT, "year": YEAR, "sk_code": rows["sk_code"],
                         "indicator_code": rows["indicator_code"], "polarity": "naik", "weight": rows["weight"],
                         "is_iku": rows["iku"].map({True: "Ya", False: "Tidak"})})
    targets = pd.DataFrame({"unit_code": UNIT, "year": YEAR, "indicator_code": rows["indicator_code"],
                            "month": MONTH, "target": rows["target"].astype(float)})
    real = pd.DataFrame({"unit_code": UNIT, "year": YEAR, "month": MONTH, "indicator_code": rows["indicator_code"],
                         "realisasi": rows["realisasi"], "numerator": float("nan"), "denominator": float("nan"),
                         "spent_cum_rp": float("nan")})
    sasaran = rows.drop_duplicates("sk_code")
    plan_sasaran = pd.DataFrame({"unit_code": UNIT, "year": YEAR, "sk_code": sasaran["sk_code"],
                                 "perspective": sasaran["perspective"], "sk_order": range(1, len(sasaran) + 1)})
    return plan, targets, real, plan_sasaran


def _scores(policy) -> pd.DataFrame:
    plan, targets, real, plan_sasaran = _frames()
    capaian = indicator_capaian(plan, targets, real, policy)
    scores = quarter_scores(capaian, plan_sasaran, policy)
    return scores.assign(shown=round_half_up(scores["value_pct"])).set_index(["level", "item_code"])


def test_a_2019_policy_written_from_the_docs_scores_iku_weight_two(from_docs: Path):
    policy = load_policy(from_docs / "sakip_2019_example.yaml")
    scores = _scores(policy)
    # SK1: (2 × 110 + 1 × 80) / (2 + 1) = 100; the plan's Bobot (2 and 1) is not used under `equal`.
    assert scores.loc[("sasaran", "SK1"), "value_pct"] == pytest.approx((2 * 110 + 80) / 3)
    assert scores.loc[("sasaran", "SK1"), "kriteria"] == "Baik"                       # 90 <= x < 110
    assert scores.loc[("indicator", "IND-C"), "kriteria"] == "Sangat Baik"            # 120: gap proposal
    assert scores.loc[("sasaran", "SK3"), "value_pct"] == pytest.approx(60.0)         # IND-E unmeasured, Bobot 5 ignored
    assert scores.loc[("sasaran", "SK3"), "kriteria"] == "Kurang"
    # Stakeholder = mean(100, 120) = 110 -> Sangat Baik; Internal Process = 60; TOTAL = mean(110, 60) = 85 -> Cukup.
    assert scores.loc[("perspective", "Stakeholder"), "shown"] == 110.0
    assert scores.loc[("perspective", "Stakeholder"), "kriteria"] == "Sangat Baik"
    assert scores.loc[("total", "TOTAL"), "value_pct"] == pytest.approx(85.0)
    assert scores.loc[("total", "TOTAL"), "kriteria"] == "Cukup"
    assert (scores["policy_id"] == "sakip_2019_example").all()


def test_the_weight_trap_multiplies_the_plans_bobot(from_docs: Path):
    """The same plan under `source: plan` + `iku_weight: 2`: IND-A's Bobot 2 counts 4."""
    body = (from_docs / "sakip_2019_example.yaml").read_text(encoding="utf-8")
    trap = from_docs / "trap.yaml"
    trap.write_text(body.replace("policy_id: sakip_2019_example", "policy_id: trap").replace("source: equal", "source: plan"),
                    encoding="utf-8")
    scores = _scores(load_policy(trap))
    assert scores.loc[("sasaran", "SK1"), "value_pct"] == pytest.approx((4 * 110 + 1 * 80) / 5)  # 104, not 100
    _, problems, _ = check_policy(trap)
    assert any(p.startswith("PERINGATAN: weights.source: plan bersama iku_weight: 2 MENGALIKAN") for p in problems)
