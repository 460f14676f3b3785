"""Transforms stay pure: no I/O libraries, no loops over rows, no mutation of their inputs."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

TRANSFORMS = Path(__file__).resolve().parents[2] / "transforms"
FORBIDDEN_IMPORTS = {"prefect", "sqlalchemy", "openpyxl", "docx", "reportlab", "requests", "os", "pathlib", "io"}
FORBIDDEN_CALLS = {"iterrows", "itertuples", "open", "read_csv", "read_excel", "to_csv", "to_sql", "to_excel",
                   "read_text", "write_text", "inplace"}
MODULES = sorted(p for p in TRANSFORMS.glob("*.py"))


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in MODULES])
def test_transform_module_imports_nothing_that_does_io(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & FORBIDDEN_IMPORTS
    from_reference = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                      and node.module and node.module.startswith("reference")}
    # reference.rounding and reference.values are pure (numpy/pandas only): the one rounding rule, the
    # one missing-value test and yes/no words every layer shares.
    assert from_reference <= {"reference", "reference.policy", "reference.master", "reference.rounding",
                              "reference.values"}


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in MODULES])
def test_transform_module_has_no_row_loops_or_file_calls(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {kw.arg for node in ast.walk(tree) if isinstance(node, ast.Call) for kw in node.keywords if kw.arg}
    assert not names & FORBIDDEN_CALLS


def test_no_transform_mutates_its_inputs():
    import pandas as pd

    from reference import master
    from reference.policy import policy_for
    from tests.transforms import kupang_frames as k
    from transforms.budget import budget_by_indicator, budget_lines, budget_rollup
    from transforms.efficiency import efficiency
    from transforms.operations import reconcile_indicators, sampling_totals
    from transforms.scoring import indicator_capaian, quarter_scores

    policy = policy_for(k.UNIT, k.YEAR)
    inputs = {"plan": k.plan_indicators(), "targets": k.targets(), "real": k.realisations(),
              "sasaran": k.plan_sasaran(), "budget": k.plan_budget(), "rpd": k.rpd(), "spending": k.spending()}
    sampling = pd.DataFrame({"unit_code": k.UNIT, "year": k.YEAR, "month": [6], "commodity": ["OBAT"],
                             "method": ["Random"], "sampled": [401], "tested": [401], "ms": [393], "tms": [8]})
    inspection = pd.DataFrame({"unit_code": k.UNIT, "year": k.YEAR, "month": [6], "facility_type": ["PROD-IRTP"],
                               "inspected": [38], "mk": [22], "tmk": [16]})
    inputs |= {"sampling": sampling, "inspection": inspection}
    before = {name: frame.copy(deep=True) for name, frame in inputs.items()}

    capaian = indicator_capaian(inputs["plan"], inputs["targets"], inputs["real"], policy)
    capaian_before = capaian.copy(deep=True)
    quarter_scores(capaian, inputs["sasaran"], policy)
    efficiency(capaian, inputs["plan"], policy)
    budget_by_indicator(capaian, inputs["plan"])
    pd.testing.assert_frame_equal(capaian, capaian_before)
    lines = budget_lines(inputs["budget"], inputs["rpd"], inputs["spending"])
    lines_before = lines.copy(deep=True)
    budget_rollup(lines, "ro")
    pd.testing.assert_frame_equal(lines, lines_before)
    sampling_totals(inputs["sampling"])
    reconcile_indicators(inputs["real"], inputs["sampling"], inputs["inspection"], master.indicator_derivations(),
                         master.commodities(), master.facility_types())
    for name, frame in inputs.items():
        pd.testing.assert_frame_equal(frame, before[name], obj=name)
