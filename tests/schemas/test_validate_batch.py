"""Validating many workbooks at once gives each exactly the answer it gets alone.

``validate_workbooks`` runs each pandera model once over the stacked sheets of a batch and each plan and
monthly rule once per group of workbooks; ``validate_workbook`` is a batch of one. The reference is a batch of
one per file (the existing tests pin what a batch of one says): a batch of N, cut any way, must equal
N batches of one, verdict, problems row for row and column for column, frames, identity. The batch mixes
plans and monthly reports of several units and months, unreadable files, and planted mistakes: the small
Kupang pair damaged the ways stewards damage it, and a demo inbox with mistakes planted by the generator.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from demo.generator import generate_year
from schemas import checks
from schemas.identity import (IdentitasBulanan, IdentityInput, identity_failures, identity_failures_many,
                              identity_frame)
from schemas.monthly import SamplingSheet
from schemas.validate import ValidationContext, ValidationResult, validate_workbook, validate_workbooks
from sources.workbook import WorkbookData, read_workbook
from tests.schemas import workbook_factory as wf

Item = tuple[WorkbookData, ValidationContext]
DEMO_UNITS = ["BPOM-KPG", "LOKA-INH", "BBPOM-DPS"]


def _earlier(**changes: Callable[[pd.DataFrame], pd.DataFrame]) -> dict:
    return {k: (changes[k](v) if k in changes else v) for k, v in wf.earlier_months().items()}


#: (plan?, edit of the written workbook, changes to its context): one steward's mistake each.
MISTAKES: list[tuple[bool, Callable | None, dict]] = [
    (False, None, {}),
    (False, wf.set_cells(("Kinerja", "A3", "IKU-TIDAK-ADA")), {}),
    (False, lambda b: b["Kinerja"].delete_rows(3), {}),
    (False, wf.append_row("Anggaran", ["QDC.001", "52", 1000]), {}),
    (False, wf.append_row("Sampling", ["Obat", "random", 1, 1, 1, 0]), {}),
    (False, wf.append_row("Kinerja", ["IKU-IP-ASN"]), {}),
    (False, wf.set_cells(("Sampling", "C2", "sepuluh"), ("Anggaran", "C3", -250000)), {}),
    (False, wf.set_cells(("Anggaran", "C2", "400.000"), ("Kinerja", "D2", "=100")), {}),
    (False, wf.set_cells(("Sampling", "E3", 5), ("Pemeriksaan", "B3", 6.5), ("Kinerja", "C3", 25)), {}),
    (False, wf.set_cells(("Sampling", "A3", "Jamu Gendong"), ("Pemeriksaan", "A2", "Warung"), ("Sampling", "B2", "Acak")),
     {}),
    (False, wf.set_cells(("Penindakan", "B2", "Tahap III"), ("Penindakan", "C2", "kemarin")), {}),
    (False, wf.set_cells(("Kinerja", "B4", "-"), ("Kinerja", "F3", None), ("Kinerja", "B3", 80)), {}),
    (False, wf.set_cells(("Identitas", "B2", "BPOM-XYZ"), ("Identitas", "B3", "dua ribu")), {}),
    (False, wf.set_cells(("Identitas", "B2", None), ("Identitas", "B4", 5)), {}),
    (False, wf.set_cells(("Identitas", "B2", "LOKA-MBR")), {"is_replacement": True, "past_deadline": True}),
    (False, None, {"plan": None, "plan_year": None}),
    (False, None, {"plan_year": 2024}),
    (False, wf.set_cells(("Kinerja", "A3", "IKU-TIDAK-ADA")), {"plan": None, "plan_year": None, "offline": True}),
    (False, None, _earlier(previous_kinerja=lambda f: f.assign(realisasi=[97.78, 75, 30, None]),
                           spent_before=lambda f: f.assign(spent_rp=[1_500_000, 2_900_000]),
                           sampling_before=lambda f: f.assign(ms=[80, 19], tms=[10, 1]))),
    (False, None, {"spent_before": None, "sampling_before": None, "inspection_before": None,
                   "previous_kinerja": None}),
    (False, wf.set_cells(("Identitas", "B5", "0.9")), {}),
    (True, None, {}),
    (True, wf.set_cells(("Indikator", "D3", "buah"), ("Indikator", "A3", "SAS-XX"), ("RAPK", "G5", 40)), {}),
    (True, wf.set_cells(("Pagu", "E2", 4_100_000), ("RPD", "N3", 0), ("Indikator", "J2", 900_000)), {}),
    (True, wf.append_row("Pagu", ["QIC.001", "Lagi", "52", 1, 1]), {}),
    (True, wf.set_cells(("Indikator", "B5", "IKU-KHUSUS-UNIT"), ("RAPK", "A5", "IKU-KHUSUS-UNIT"), ("Indikator", "I4",
                                                                                          "bulanan")), {}),
    (True, lambda b: b["RAPK"].delete_rows(3), {"folder_unit": "LOKA-MBR"}),
]


def _factory_items(folder: Path) -> list[Item]:
    """The Kupang pair, damaged one way per workbook, each in its own folder, with its context."""
    items = []
    for n, (plan, edit, changes) in enumerate(MISTAKES):
        path = (wf.write_plan if plan else wf.write_monthly)(folder / f"case{n:02d}")
        if edit:
            wf.damage(path, edit)
        context = (wf.plan_context if plan else wf.monthly_context)(path, **changes)
        items.append((read_workbook(path), context))
    junk = folder / "junk" / wf.UNIT / "BPOM-KPG_2023-06.xlsx"
    junk.parent.mkdir(parents=True)
    junk.write_bytes(b"Ini catatan, bukan Excel.")
    return [*items, (read_workbook(junk), wf.monthly_context(junk))]


def _demo_items(folder: Path) -> list[Item]:
    """A demo inbox (three units, plans and three months, planted mistakes), each monthly file in the
    context ``sakip validate`` builds offline: the unit's plan and last month's Kinerja."""
    generate_year(2023, folder, seed=11, mistake_rate=0.6, units=DEMO_UNITS, months=range(1, 4), workers=1)
    items = []
    for unit in sorted(p for p in folder.iterdir() if p.is_dir()):
        paths = sorted(unit.glob("*.xlsx"))
        plan_path = next(p for p in paths if p.name.endswith("_rencana.xlsx"))
        plan = validate_workbook(read_workbook(plan_path), ValidationContext(offline=True)).frames or None
        base = ValidationContext(folder_unit=unit.name, today=date(2023, 3, 15), offline=True)
        kinerja: dict[int, pd.DataFrame | None] = {}  # month -> Kinerja of its last file
        for path in paths:
            data = read_workbook(path)
            month = data.identity.get("month")
            if path == plan_path:
                items.append((data, replace(base, file_name=path.name)))
                continue
            items.append((data, replace(base, file_name=path.name, plan=plan, plan_year=2023 if plan else None,
                                        plan_years=(2023,) if plan else (),
                                        previous_kinerja=kinerja.get(month - 1) if month else None)))
            if month:
                kinerja[month] = validate_workbook(data, ValidationContext(offline=True)).frames.get("Kinerja")
    return items


@pytest.fixture(scope="module")
def items(tmp_path_factory) -> list[Item]:
    found = _factory_items(tmp_path_factory.mktemp("factory")) + _demo_items(tmp_path_factory.mktemp("demo"))
    assert len(found) > 40
    return found


@pytest.fixture(scope="module")
def alone(items: list[Item]) -> list[ValidationResult]:
    """The reference: each workbook validated in a batch of its own."""
    return [validate_workbooks([item])[0] for item in items]


def _assert_same(got: ValidationResult, want: ValidationResult) -> None:
    assert (got.verdict, got.file_name, got.kind, got.identity) == (want.verdict, want.file_name, want.kind,
                                                                     want.identity)
    pd.testing.assert_frame_equal(got.problems, want.problems, obj=want.file_name)
    assert got.frames.keys() == want.frames.keys()
    for sheet, frame in want.frames.items():
        pd.testing.assert_frame_equal(got.frames[sheet], frame, obj=f"{want.file_name} {sheet}")


def test_the_batch_has_every_verdict_and_many_rules(alone: list[ValidationResult]) -> None:
    assert {r.verdict for r in alone} == {"accepted", "accepted_with_warnings", "rejected"}
    rules = set(pd.concat([r.problems for r in alone])["rule_id"])
    assert len(rules) >= 35, sorted(rules)


def test_validate_workbook_is_a_batch_of_one(items: list[Item], alone: list[ValidationResult]) -> None:
    for item, want in zip(items[::5], alone[::5]):
        _assert_same(validate_workbook(*item), want)


@pytest.mark.parametrize("size", [pytest.param(None, id="the whole batch at once"),
                                  pytest.param(7, id="batches of seven")])
def test_a_batch_answers_each_file_as_alone(items: list[Item], alone: list[ValidationResult], size: int | None) -> None:
    size = size or len(items)
    got = [r for start in range(0, len(items), size) for r in validate_workbooks(items[start:start + size])]
    assert len(got) == len(alone)
    for result, want in zip(got, alone):
        _assert_same(result, want)


def test_the_order_of_a_batch_does_not_matter(items: list[Item], alone: list[ValidationResult]) -> None:
    for result, want in zip(validate_workbooks(items[::-1]), alone[::-1]):
        _assert_same(result, want)


def test_an_empty_batch_is_an_empty_answer() -> None:
    assert validate_workbooks([]) == []


def _sampling(**changes) -> pd.DataFrame:
    frame = pd.DataFrame({"_row": [2, 3], "commodity": ["OBAT", "KOS"], "method": ["Random", "Random"],
                          "sampled": [5, 5], "tested": [5, 5], "ms": [4, 5], "tms": [1, 0]}, dtype=object)
    return frame.assign(**changes)


def _identity(**changes) -> pd.DataFrame:
    return identity_frame("bulanan", {**wf.monthly_identity(**changes), "template_version": "1.0"})


@pytest.mark.parametrize(("model", "frames"), [
    pytest.param(SamplingSheet, [_sampling(), _sampling(sampled=["lima", 5]), _sampling(ms=[-1, 5.5])],
                 id="text in a number column of one frame leaves the others' checks intact"),
    pytest.param(SamplingSheet,
                 [_sampling(sampled=["lima", 5]), _sampling(tested=["x", 5]), _sampling(sampled=["y", 5])],
                 id="frames whose coercion fails in different columns"),
    pytest.param(SamplingSheet, [_sampling(method=["Acak", None]), _sampling().iloc[:0],
                                 _sampling(commodity=[None, "X"])],
                 id="an empty frame among frames with blanks and unknown codes"),
    pytest.param(IdentitasBulanan, [_identity(year="dua ribu"), _identity(year=1999), _identity(month=13),
                                    _identity(unit_code="BPOM-XYZ", steward=None)],
                 id="a range check that raises on one frame's text still judges the other frames"),
])
def test_one_schema_run_finds_what_a_run_per_frame_finds(model: type, frames: list[pd.DataFrame]) -> None:
    """Row-wise checks only: a unique key spans the stacked frames (the validator finds repeats per file)."""
    def row_wise(cases: pd.DataFrame) -> list[tuple]:
        cases = cases[~cases["check"].str.endswith("uniqueness")]
        return sorted(map(tuple, cases[["column", "check", "index"]].astype(str).to_numpy()))

    batch = checks.failure_cases_each(model, frames)
    for n, frame in enumerate(frames):
        assert row_wise(batch[batch[checks.FRAME] == n]) == row_wise(checks.failure_cases_each(model, [frame])), n


def test_the_identity_model_runs_once_for_many_identities() -> None:
    identities = [wf.monthly_identity(), wf.monthly_identity(unit_code="BPOM-XYZ", month=13),
                  wf.monthly_identity(year=None, steward=None), wf.monthly_identity(template_version="0.9")]
    inputs = [IdentityInput("bulanan", {**i, "template_version": i.get("template_version", "1.0")}, {},
                            frozenset(i)) for i in identities]
    together = identity_failures_many(inputs)
    assert together == [identity_failures(i.kind, i.identity, i.typed, i.found) for i in inputs]
    assert [bool(failures) for failures in together] == [False, True, True, True]
