"""The Identitas schemas (schemas.identity): what a workbook's identity must be, each problem once at its cell.

The reader types the Identitas values and reports what it cannot type (a month 13, a word for a date);
the models check the rest (required fields, known unit, supported version). Whoever reports a cell,
the validated workbook names it once, with the rule of ``schemas.messages`` and the Nilai cell.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from schemas import contract
from schemas.identity import IDENTITY_MODELS, IdentitasBulanan, identity_failures, identity_frame
from schemas.validate import ValidationContext, validate_workbook
from sources.workbook import read_workbook
from tests.schemas import workbook_factory as wf

VALID_MONTHLY = {"unit_code": "BPOM-KPG", "year": 2023, "month": 6, "template_version": "1.0",
                 "steward": "Rina", "sent_date": date(2023, 7, 5), "revision_note": None}


@dataclass(frozen=True)
class Case:
    """A damaged Identitas cell and the one problem it must give."""

    write: Callable[[Path], Path]
    rule_id: str
    cell: str | None
    value: str
    says: str
    context: Callable[[Path], ValidationContext] = wf.monthly_context


def _monthly(cell: str, value) -> Callable[[Path], Path]:
    return lambda folder: wf.damage(wf.write_monthly(folder), lambda b: b["Identitas"].__setitem__(cell, value))


def _plan(cell: str, value) -> Callable[[Path], Path]:
    return lambda folder: wf.damage(wf.write_plan(folder), lambda b: b["Identitas"].__setitem__(cell, value))


def _monthly_without_row(row: int) -> Callable[[Path], Path]:
    return lambda folder: wf.damage(wf.write_monthly(folder), lambda b: b["Identitas"].delete_rows(row))


CASES = [
    pytest.param(Case(_monthly("B4", 13), "identity_invalid", "B4", "13", "bilangan bulat 1-12"),
                 id="month 13"),
    pytest.param(Case(_monthly("B4", "0"), "identity_invalid", "B4", "0", "bilangan bulat 1-12"), id="month 0"),
    pytest.param(Case(_monthly("B3", 1999), "identity_invalid", "B3", "1999", "bilangan bulat 2000-2100"),
                 id="a year before 2000"),
    pytest.param(Case(_monthly("B3", None), "identity_invalid", "B3", "", "'Tahun' kosong"), id="a blank Tahun"),
    pytest.param(Case(_monthly("B3", "-"), "identity_invalid", "B3", "-", "'Tahun' kosong"),
                 id="Tahun typed as a dash"),
    pytest.param(Case(_monthly_without_row(3), "identity_invalid", None, "", "tidak ditemukan"),
                 id="the Tahun row deleted"),
    pytest.param(Case(_monthly("B2", "bpom-xyz"), "unit_unknown", "B2", "bpom-xyz", "'bpom-xyz' tidak dikenal"),
                 id="an unknown unit code, shown as typed"),
    pytest.param(Case(_monthly("B5", "0.9"), "template_version_unsupported", "B5", "0.9", "'0.9' tidak didukung"),
                 id="an unsupported template version"),
    pytest.param(Case(_monthly("B5", None), "identity_invalid", "B5", "", "'Versi Template' kosong"),
                 id="a blank template version"),
    pytest.param(Case(_monthly("B6", None), "identity_invalid", "B6", "", "'Penanggung Jawab Data' kosong"),
                 id="a blank Penanggung Jawab Data"),
    pytest.param(Case(_monthly("B7", "kemarin"), "identity_invalid", "B7", "kemarin", "bukan tanggal"),
                 id="a Tanggal Pengiriman that is not a date"),
    pytest.param(Case(_plan("B2", "BPOM-XYZ"), "unit_unknown", "B2", "BPOM-XYZ", "tidak dikenal",
                      context=wf.plan_context), id="a plan of an unknown unit"),
    pytest.param(Case(_plan("B3", None), "identity_invalid", "B3", "", "'Tahun' kosong", context=wf.plan_context),
                 id="a plan without Tahun"),
    pytest.param(Case(_plan("B6", "besok"), "identity_invalid", "B6", "besok", "bukan tanggal",
                      context=wf.plan_context), id="a Tanggal PK that is not a date"),
]


@pytest.mark.parametrize("case", CASES)
def test_an_identity_problem_is_reported_once_at_its_cell(tmp_path: Path, case: Case) -> None:
    path = case.write(tmp_path)
    result = validate_workbook(read_workbook(path), case.context(path))
    problems = result.problems
    assert result.verdict == "rejected"
    hits = problems[problems["rule_id"] == case.rule_id]
    assert len(hits) == 1, problems[["rule_id", "cell", "message"]].to_string()
    hit = hits.iloc[0]
    assert (hit["sheet"], hit["column"], hit["value"]) == ("Identitas", "Nilai", case.value)
    assert (hit["cell"] if isinstance(hit["cell"], str) else None) == case.cell
    assert case.says in hit["message"] and hit["expected"]
    at_cell = problems[(problems["sheet"] == "Identitas") & (problems["cell"] == case.cell)]
    assert at_cell["rule_id"].is_unique, "one problem per cell and rule, whoever finds it"


def test_a_valid_identity_passes_both_models() -> None:
    assert identity_failures(contract.MONTHLY, VALID_MONTHLY, {}, set(VALID_MONTHLY)) == []
    plan = {"unit_code": "BPOM-KPG", "year": 2023, "template_version": "1.0", "dipa_number": None,
            "pk_date": date(2023, 1, 31), "head_name": None, "revision_note": None}
    assert identity_failures(contract.PLAN, plan, {}, set(plan)) == []


@pytest.mark.parametrize(("field", "value", "rule_id"), [
    pytest.param("month", 13, "identity_invalid", id="month 13"),
    pytest.param("year", 2101, "identity_invalid", id="a year after 2100"),
    pytest.param("year", "dua ribu", "identity_invalid", id="a year in words"),
    pytest.param("year", None, "identity_invalid", id="no year"),
    pytest.param("unit_code", "BPOM-XYZ", "unit_unknown", id="an unknown unit"),
    pytest.param("template_version", "0.9", "template_version_unsupported", id="an unsupported version"),
    pytest.param("sent_date", "kemarin", "identity_invalid", id="a date in words"),
])
def test_the_model_itself_checks_each_field_once(field: str, value, rule_id: str) -> None:
    """The schema is the declaration: a frame not typed by the reader is checked as well."""
    identity = {**VALID_MONTHLY, field: value}
    failures = identity_failures(contract.MONTHLY, identity, {}, set(identity))
    assert [(f, r) for f, r, _ in failures] == [(field, rule_id)]


def test_a_required_field_without_its_row_is_not_found() -> None:
    identity = {**VALID_MONTHLY, "steward": None}
    [(field, rule_id, params)] = identity_failures(contract.MONTHLY, identity, {}, set(identity) - {"steward"})
    assert (field, rule_id) == ("steward", "identity_invalid")
    assert params["problem"] == "tidak ditemukan di lembar Identitas"


@pytest.mark.parametrize("kind", [pytest.param(contract.PLAN, id="plan"), pytest.param(contract.MONTHLY, id="monthly")])
def test_the_models_follow_identity_fields_csv(kind: str) -> None:
    schema = IDENTITY_MODELS[kind].to_schema()
    specs = contract.identity_fields(kind)
    assert set(schema.columns) == {s.name for s in specs}
    assert {n: not c.nullable for n, c in schema.columns.items()} == {s.name: s.required for s in specs}
    assert all(c.description for c in schema.columns.values()), "every field is documented"


def test_the_identity_frame_validates_to_typed_columns() -> None:
    frame = IdentitasBulanan.validate(identity_frame(contract.MONTHLY, VALID_MONTHLY))
    assert frame["year"].dtype == "Int64" and frame.at[0, "month"] == 6
    assert isinstance(frame, pd.DataFrame) and len(frame) == 1
