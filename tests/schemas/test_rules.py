"""Each sheet check and each cross-sheet / cross-month rule, on the small valid pair with one mistake.

A case edits the written workbook (as a steward would) or the context (the plan on file, earlier
months), then expects exactly one rule at one cell with its severity. Only that problem may appear
besides problems the same mistake necessarily causes (listed in ``also``).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from schemas import rules
from schemas.validate import validate_workbook
from sources.workbook import read_workbook
from tests.schemas import workbook_factory as wf


@dataclass(frozen=True)
class RuleCase:
    """One mistake: the edit, the context changes, and the problem it must raise."""

    rule_id: str
    severity: str
    sheet: str
    cell: str | None
    edit: Callable | None = None
    context: dict = field(default_factory=dict)
    plan: bool = False
    also: tuple[str, ...] = ()


def _validate(tmp_path: Path, case: RuleCase):
    write = wf.write_plan if case.plan else wf.write_monthly
    path = write(tmp_path)
    if case.edit:
        wf.damage(path, case.edit)
    context = (wf.plan_context if case.plan else wf.monthly_context)(path, **case.context)
    return validate_workbook(read_workbook(path), context)


def _earlier(**changes) -> dict:
    frames = wf.earlier_months()
    return {k: (changes[k](v) if k in changes else v) for k, v in frames.items()}


def _plan_with(sheet: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> dict:
    plan = wf.plan_on_file()
    return {"plan": {**plan, sheet: change(plan[sheet])}}


CASES = [
    # -- sheet values (schemas) --
    pytest.param(RuleCase("value_required", "error", "Sampling", "B2", wf.set_cells(("Sampling", "B2", None)),
                          also=("derived_indicator_mismatch",)), id="a blank required method"),
    pytest.param(RuleCase("value_not_allowed", "error", "Sampling", "B2", wf.set_cells(("Sampling", "B2", "Acak")),
                          also=("derived_indicator_mismatch",)), id="a sampling method outside Targeted and Random"),
    pytest.param(RuleCase("value_not_allowed", "error", "Penindakan", "B2", wf.set_cells(("Penindakan", "B2", "Tahap III"))),
                 id="an enforcement stage that does not exist"),
    pytest.param(RuleCase("date_invalid", "error", "Penindakan", "C2", wf.set_cells(("Penindakan", "C2", "kemarin"))),
                 id="a case date that is not a date"),
    pytest.param(RuleCase("value_not_allowed", "error", "Anggaran", "B2", wf.set_cells(("Anggaran", "B2", "54")),
                          also=("ro_not_in_plan",)), id="a jenis belanja outside 51, 52, 53"),
    pytest.param(RuleCase("value_negative", "error", "Anggaran", "C3", wf.set_cells(("Anggaran", "C3", -250000)),
                          also=("spending_sum_mismatch",)), id="negative spending"),
    pytest.param(RuleCase("count_not_whole", "error", "Pemeriksaan", "B3", wf.set_cells(("Pemeriksaan", "B3", 6.5)),
                          also=("mk_tmk_mismatch",)), id="half an inspected facility"),
    pytest.param(RuleCase("code_unknown", "error", "Sampling", "A3", wf.set_cells(("Sampling", "A3", "Jamu Gendong"))),
                 id="a commodity that is not in the master data"),
    pytest.param(RuleCase("code_unknown", "error", "Pemeriksaan", "A2", wf.set_cells(("Pemeriksaan", "A2", "Warung"))),
                 id="a facility type that is not in the master data"),
    pytest.param(RuleCase("ms_tms_mismatch", "error", "Sampling", "D3", wf.set_cells(("Sampling", "E3", 5))),
                 id="MS plus TMS differs from Diuji"),
    pytest.param(RuleCase("tested_exceeds_sampled", "error", "Sampling", "D3",
                          wf.set_cells(("Sampling", "D3", 6), ("Sampling", "E3", 5))), id="more tested than sampled"),
    pytest.param(RuleCase("mk_tmk_mismatch", "error", "Pemeriksaan", "B2", wf.set_cells(("Pemeriksaan", "D2", 3)),
                          also=("derived_indicator_mismatch",)), id="MK plus TMK differs from Diperiksa"),
    pytest.param(RuleCase("numerator_exceeds_denominator", "error", "Kinerja", "C3", wf.set_cells(("Kinerja", "C3", 25)),
                          also=("ratio_mismatch",)), id="Pembilang above Penyebut"),
    pytest.param(RuleCase("denominator_not_positive", "error", "Kinerja", "D3",
                          wf.set_cells(("Kinerja", "C3", 0), ("Kinerja", "D3", 0))), id="a zero Penyebut"),
    # -- the monthly report against the plan and earlier months --
    pytest.param(RuleCase("realisasi_required", "error", "Kinerja", "B4", wf.set_cells(("Kinerja", "B4", "-"))),
                 id="a blank realisation where the plan has a target"),
    pytest.param(RuleCase("ratio_mismatch", "error", "Kinerja", "B3", wf.set_cells(("Kinerja", "B3", 80)),
                          also=("derived_indicator_mismatch",)), id="Realisasi differs from Pembilang over Penyebut"),
    pytest.param(RuleCase("cumulative_decrease", "warning", "Kinerja", "B4",
                          context=_earlier(previous_kinerja=lambda f: f.assign(realisasi=[97.78, 75, 30, None]))),
                 id="a cumulative indicator that fell since last month"),
    pytest.param(RuleCase("kendala_expected", "warning", "Kinerja", "F3", wf.set_cells(("Kinerja", "F3", None))),
                 id="capaian below 100 without Kendala"),
    pytest.param(RuleCase("kendala_expected", "warning", "Kinerja", "G3", wf.set_cells(("Kinerja", "G3", "-"))),
                 id="capaian below 100 without a follow-up"),
    pytest.param(RuleCase("spending_exceeds_pagu", "warning", "Anggaran", "C3",
                          context=_earlier(spent_before=lambda f: f.assign(spent_rp=[1_500_000, 2_900_000])),
                          also=("spending_sum_mismatch",)), id="cumulative spending above the line's Pagu"),
    pytest.param(RuleCase("spending_sum_mismatch", "warning", "Kinerja", None, wf.set_cells(("Kinerja", "E5", 1_000_002))),
                 id="indicator spending that does not add up to RO spending"),
    pytest.param(RuleCase("derived_indicator_mismatch", "warning", "Kinerja", "B2",
                          context=_earlier(sampling_before=lambda f: f.assign(ms=[80, 19], tms=[10, 1]))),
                 id="a drug-sample indicator that disagrees with the sampling counts"),
    pytest.param(RuleCase("derived_indicator_mismatch", "warning", "Kinerja", "B3",
                          context=_earlier(inspection_before=lambda f: f.assign(mk=[16], tmk=[0]))),
                 id="a facility indicator that disagrees with the inspection counts"),
    pytest.param(RuleCase("indicator_missing", "error", "Kinerja", None,
                          context=_plan_with("Indikator", lambda f: pd.concat(
                              [f, f.tail(1).assign(indicator_code="IKU-AKIP")], ignore_index=True))),
                 id="an indicator added to the plan on file but absent from Kinerja"),
    pytest.param(RuleCase("ro_not_in_plan", "error", "Anggaran", "A3",
                          context=_plan_with("Pagu", lambda f: f.head(1)), also=()),
                 id="a budget line the plan on file does not have"),
    # -- the plan --
    pytest.param(RuleCase("indicator_sk_undeclared", "error", "Indikator", "A3", wf.set_cells(("Indikator", "A3", "SAS-XX")),
                          plan=True, also=("sk_without_indicator",)), id="an indicator under an undeclared SK"),
    pytest.param(RuleCase("sk_without_indicator", "error", "Sasaran", "A6",
                          wf.append_row("Sasaran", ["SAS-KEUANGAN", "Terkelolanya keuangan", "Learning and Growth"]),
                          plan=True), id="an SK without indicators"),
    pytest.param(RuleCase("rapk_row_missing", "error", "Indikator", "B3", lambda b: b["RAPK"].delete_rows(3),
                          plan=True), id="an indicator without RAPK row"),
    pytest.param(RuleCase("rapk_unknown_indicator", "error", "RAPK", "A6", wf.append_row("RAPK", ["IKU-LAIN", 1]),
                          plan=True), id="a RAPK row of an unknown indicator"),
    pytest.param(RuleCase("year_end_has_monthly_target", "error", "RAPK", "G5", wf.set_cells(("RAPK", "G5", 40)),
                          plan=True), id="a year-end indicator with a June target"),
    pytest.param(RuleCase("pagu_aa_exceeds_pagu", "error", "Pagu", "E2", wf.set_cells(("Pagu", "E2", 4_100_000)),
                          plan=True), id="Pagu Setelah AA above Pagu"),
    pytest.param(RuleCase("rpd_sum_mismatch", "error", "RPD", "A3", wf.set_cells(("RPD", "N3", 0)), plan=True),
                 id="RPD months that do not add up to Pagu"),
    pytest.param(RuleCase("rpd_row_missing", "error", "Pagu", "A3", lambda b: b["RPD"].delete_rows(3), plan=True),
                 id="a Pagu line without RPD row"),
    pytest.param(RuleCase("code_unknown", "error", "RPD", "A4", wf.append_row("RPD", ["QDC.001", "52", 1]), plan=True),
                 id="an RPD line without Pagu line"),
    pytest.param(RuleCase("allocation_sum_mismatch", "warning", "Indikator", None, wf.set_cells(("Indikator", "J2", 900_000)),
                          plan=True), id="allocations that do not add up to Pagu"),
    pytest.param(RuleCase("indicator_not_in_catalogue", "warning", "Indikator", "B5",
                          wf.set_cells(("Indikator", "B5", "IKU-KHUSUS-UNIT"), ("RAPK", "A5", "IKU-KHUSUS-UNIT")), plan=True),
                 id="a unit's own indicator"),
    pytest.param(RuleCase("ro_not_in_catalogue", "warning", "Pagu", "A3",
                          wf.set_cells(("Pagu", "A3", "ZZZ.001"), ("RPD", "A3", "ZZZ.001")), plan=True),
                 id="a unit's own budget line"),
    pytest.param(RuleCase("duplicate_row", "error", "Pagu", "A4", wf.append_row("Pagu", ["QIC.001", "Lagi", "52", 1, 1]),
                          plan=True, also=("rpd_row_missing",)), id="a budget line typed twice"),
    pytest.param(RuleCase("value_not_allowed", "error", "Indikator", "I4", wf.set_cells(("Indikator", "I4", "bulanan")),
                          plan=True), id="a pattern word outside the contract"),
]


@pytest.mark.parametrize("case", CASES)
def test_each_rule_points_at_the_offending_cell(tmp_path: Path, case: RuleCase) -> None:
    result = _validate(tmp_path, case)
    problems = result.problems
    own = problems[problems["rule_id"] == case.rule_id]
    assert len(own) == 1, problems[["rule_id", "cell", "message"]].to_string()
    problem = own.iloc[0]
    assert (problem["severity"], problem["sheet"]) == (case.severity, case.sheet)
    assert problem["cell"] == case.cell if case.cell else pd.isna(problem["cell"])
    others = set(problems["rule_id"]) - {case.rule_id} - set(case.also)
    assert not others, problems[["rule_id", "cell", "message"]].to_string()
    assert result.verdict == ("rejected" if case.severity == "error" else "accepted_with_warnings")


def test_a_cross_column_failure_is_one_problem_per_row() -> None:
    """pandera reports MS+TMS once per column; the steward reads it once, at Diuji."""
    from schemas.monthly import SamplingSheet
    frame = pd.DataFrame({"_row": [2, 3], "commodity": ["OBAT", "KOS"], "method": ["Random", "Random"],
                          "sampled": [5.0, 5.0], "tested": [5.0, 5.0], "ms": [4.0, 5.0], "tms": [0.0, 0.0]})
    with pytest.raises(Exception) as err:
        SamplingSheet.validate(frame, lazy=True)
    assert (err.value.failure_cases["check"] == "ms_tms_mismatch").sum() > 1


def test_allowed_words_tolerate_case(tmp_path: Path) -> None:
    edit = wf.set_cells(("Sampling", "B2", "random"), ("Penindakan", "B2", "p-21"))
    result = _validate(tmp_path, RuleCase("", "", "", None, edit))
    assert result.verdict == "accepted", result.problems.to_string()
    assert result.frames["Sampling"]["method"].iloc[0] == "Random"


def test_rules_are_plain_functions_over_frames() -> None:
    sasaran = pd.DataFrame({"_row": [2], "sk_code": ["SK1"]})
    indikator = pd.DataFrame({"_row": [2, 3], "sk_code": ["SK1", "SK9"], "indicator_code": ["A", "B"]})
    hits = rules.indicator_sk_undeclared(sasaran, indikator)
    assert hits[["rule_id", "sheet", "row", "column", "value", "indicator"]].to_dict("records") == [
        {"rule_id": "indicator_sk_undeclared", "sheet": "Indikator", "row": 3, "column": "sk_code", "value": "SK9",
         "indicator": "B"}]


def test_without_earlier_months_the_cumulative_rules_are_skipped(tmp_path: Path) -> None:
    path = wf.write_monthly(tmp_path)
    context = wf.monthly_context(path, spent_before=None, sampling_before=None, inspection_before=None,
                                 previous_kinerja=None)
    assert validate_workbook(read_workbook(path), context).verdict == "accepted"


def test_in_january_no_earlier_month_is_needed(tmp_path: Path) -> None:
    identity = wf.monthly_identity(month=1)
    path = wf.write_monthly(tmp_path, identity=identity, name=wf.monthly_name(month=1))
    context = wf.monthly_context(path, spent_before=None, sampling_before=None, inspection_before=None)
    found = set(validate_workbook(read_workbook(path), context).problems["rule_id"])
    assert {"spending_sum_mismatch", "derived_indicator_mismatch"} <= found, "January's counts are cumulative"
