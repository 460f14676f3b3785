"""The real case: Balai POM di Kupang's 2023 plan and months 1-6 (tests/kupang.py) are accepted.

The only warnings allowed are the source's own inconsistencies: allocations that do not add up to the
DIPA (allocation_sum_mismatch) and indicator spending that does not add up to RO spending
(spending_sum_mismatch). Each month is validated with the context the server would build from the
months before it.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from schemas import contract
from schemas.validate import ValidationContext, ValidationResult, validate_workbook
from sources.workbook import read_workbook
from tests import kupang  # the fixture is always present (../shared): a missing one fails, never skips
ALLOWED_WARNINGS = {"allocation_sum_mismatch", "spending_sum_mismatch"}


def _context(path: Path, plan: ValidationResult | None, months: list[ValidationResult]) -> ValidationContext:
    def before(sheet: str) -> pd.DataFrame | None:
        return pd.concat([m.frames[sheet] for m in months], ignore_index=True) if months else None

    spent = before("Anggaran")
    return ValidationContext(
        folder_unit=kupang.UNIT, file_name=path.name, today=date(2023, 7, 10), plan_year=kupang.YEAR,
        plan={s: plan.frames[s] for s in ("Indikator", "RAPK", "Pagu")} if plan else None,
        previous_kinerja=months[-1].frames["Kinerja"] if months else None,
        spent_before=None if spent is None else spent.rename(columns={"spent_month_rp": "spent_rp"}),
        sampling_before=before("Sampling"), inspection_before=before("Pemeriksaan"),
    )


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> list[ValidationResult]:
    paths = kupang.write_kupang_inbox(tmp_path_factory.mktemp("inbox"))
    plans = [p for p in paths if p.name.endswith("_rencana.xlsx")]
    months = sorted(p for p in paths if p not in plans)
    plan = validate_workbook(read_workbook(plans[0]), _context(plans[0], None, []))
    done: list[ValidationResult] = []
    for path in months:
        done.append(validate_workbook(read_workbook(path), _context(path, plan, done)))
    return [plan, *done]


def test_the_plan_and_six_months_are_all_there(results: list[ValidationResult]) -> None:
    assert [r.kind for r in results] == [contract.PLAN] + [contract.MONTHLY] * 6
    assert [r.identity.get("month") for r in results[1:]] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("which", range(7), ids=["plan"] + [f"month {m}" for m in range(1, 7)])
def test_kupang_is_accepted(results: list[ValidationResult], which: int) -> None:
    result = results[which]
    problems = result.problems
    assert result.verdict != "rejected", problems[["rule_id", "cell", "message"]].to_string()
    assert set(problems["rule_id"]) <= ALLOWED_WARNINGS, problems[["rule_id", "cell", "message"]].to_string()
