"""The demo inbox: files for every unit and month, planted mistakes at the cells the manifest names."""
from __future__ import annotations

import filecmp
import hashlib
import time
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from demo import generate_year
from demo.generator import MANIFEST_NAME
from demo.manifest import Manifest
from demo.mistakes import KINDS, PLAN_KINDS, PLANTERS, Where, cell_of
from demo.rng import integer_split, stream
from demo.unit_year import unit_year
from schemas import contract

YEAR = 2023
UNITS = ["BBPOM-SRG", "BPOM-KPG", "LOKA-INH", "PUSAT-SIDIK"]


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    """Four units, every file carrying a mistake where one fits."""
    out = tmp_path_factory.mktemp("inbox")
    return out, generate_year(YEAR, out, mistake_rate=1.0, units=UNITS, workers=1)


def _values(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path)
    return {ws.title: list(ws.values) for ws in book.worksheets}


def _file_digests(root: Path, manifest: Manifest) -> dict[str, str]:
    return {r.file: hashlib.sha256((root / r.file).read_bytes()).hexdigest() for r in manifest.files}


def test_every_unit_has_its_plan_and_twelve_months(inbox):
    out, manifest = inbox
    for unit in UNITS:
        assert (out / unit / f"{unit}_{YEAR}_rencana.xlsx").is_file()
        for month in range(1, 13):
            assert (out / unit / f"{unit}_{YEAR}-{month:02d}.xlsx").is_file()
    assert {r.file for r in manifest.files} == {p.relative_to(out).as_posix() for p in out.rglob("*.xlsx")}
    assert Manifest.read(out / MANIFEST_NAME) == Manifest.read(out / MANIFEST_NAME)
    assert Manifest.read(out / MANIFEST_NAME).mistakes == manifest.mistakes


def test_central_plan_expects_the_own_indicator_warning(inbox):
    _, manifest = inbox
    plan = next(r for r in manifest.files if r.unit_code == "PUSAT-SIDIK" and r.kind == "rencana")
    assert plan.expected == "accepted_with_warnings" and plan.expected_warnings == ("indicator_not_in_catalogue",)


def test_manifest_rule_ids_are_the_validators(inbox):
    messages = pytest.importorskip("schemas.messages")
    _, manifest = inbox
    for mistake in manifest.mistakes:
        for rule_id in filter(None, (mistake.rule_id, *mistake.also)):
            assert rule_id in messages.RULES
            if rule_id == mistake.rule_id:
                assert messages.RULES[rule_id].severity == mistake.severity


def test_planted_cells_exist_and_hold_the_planted_value(inbox):
    out, manifest = inbox
    for m in manifest.mistakes:
        path = out / m.file
        assert path.is_file()
        if m.cell is None:
            continue
        ws = load_workbook(path)[m.sheet]
        cell = ws[m.cell]
        assert cell.row == m.row and cell.row <= ws.max_row
        header = ws.cell(row=1, column=cell.column).value
        assert header == m.column or (m.sheet == contract.IDENTITY_SHEET and header == "Nilai")
        if m.value is not None:
            got = cell.value
            assert str(got) == m.value or (isinstance(got, (int, float)) and float(got) == float(m.value)), m
        elif m.kind in ("missing_realisasi", "kendala_missing"):
            assert cell.value is None


def test_missing_rows_are_missing_and_extra_rows_are_there(inbox):
    out, manifest = inbox
    for m in manifest.mistakes:
        if m.kind == "missing_indicator_row":
            codes = [r[0] for r in load_workbook(out / m.file)["Kinerja"].iter_rows(min_row=2, values_only=True)]
            assert m.value not in codes and m.cell is None
        if m.kind in ("duplicate_row", "unknown_indicator"):
            ws = load_workbook(out / m.file)["Kinerja"]
            assert m.row == ws.max_row and ws[m.cell].value == m.value


def test_copies_are_identical_and_corrections_carry_a_note(inbox):
    out, manifest = inbox
    for record in manifest.files:
        if record.expected == "duplicate":
            assert filecmp.cmp(out / record.file, out / record.original, shallow=False)
            assert " (1)" in record.file
        elif record.original is not None:
            assert record.file.endswith("_rev1.xlsx")
            identity = {r[0]: r[1] for r in load_workbook(out / record.file)["Identitas"].iter_rows(values_only=True)}
            assert identity["Catatan Revisi"]
            assert identity["Tanggal Pengiriman"].date().isoformat() == record.sent_date


def test_every_rejected_file_is_followed_by_its_fix(inbox):
    _, manifest = inbox
    rejected = {r.file for r in manifest.files if r.expected == "rejected"}
    fixed = {r.original for r in manifest.files if r.original and r.expected == "accepted" and r.mistake is None}
    assert rejected and rejected == fixed
    assert rejected == {m.file for m in manifest.mistakes if m.rejected}


def test_mistakes_are_planted_in_about_the_requested_share(tmp_path: Path):
    manifest = generate_year(YEAR, tmp_path, mistake_rate=0.3, units=["BPOM-KPG", "LOKA-INH"], workers=1,
                             months=range(1, 13))
    monthly = [m for m in manifest.mistakes if m.month is not None]
    assert 3 <= len(monthly) <= 14
    assert len({(m.unit_code, m.month) for m in monthly}) == len(monthly)  # at most one per file


def test_a_unit_does_not_depend_on_the_others(tmp_path: Path):
    alone = generate_year(YEAR, tmp_path / "a", mistake_rate=0.5, units=["LOKA-INH"], workers=1)
    together = generate_year(YEAR, tmp_path / "b", mistake_rate=0.5, units=["BPOM-KPG", "LOKA-INH"], workers=2)
    assert alone.mistakes == [m for m in together.mistakes if m.unit_code == "LOKA-INH"]
    assert alone.files == [r for r in together.files if r.unit_code == "LOKA-INH"]
    for record in alone.files:
        assert _values(tmp_path / "a" / record.file) == _values(tmp_path / "b" / record.file)


def test_the_same_seed_writes_byte_identical_workbooks(tmp_path: Path):
    first = generate_year(YEAR, tmp_path / "a", mistake_rate=0.5, units=["BPOM-KPG"], months=range(1, 3), workers=1)
    time.sleep(2.1)  # past the zip's 2-second clock: a write time stored in the file would now differ
    generate_year(YEAR, tmp_path / "b", mistake_rate=0.5, units=["BPOM-KPG"], months=range(1, 3), workers=1)
    assert len(first.files) >= 3
    assert _file_digests(tmp_path / "a", first) == _file_digests(tmp_path / "b", first)


def test_a_pool_writes_the_same_bytes_and_reports_progress(tmp_path: Path):
    """Two worker processes write the same files, byte for byte, as one in-process run; progress is
    reported from 0 to all units (in the calling process: the calls land in this list)."""
    units, calls = ["BPOM-KPG", "LOKA-INH", "PUSAT-SIDIK"], []
    kwargs = dict(mistake_rate=0.5, units=units, months=range(1, 3))
    alone = generate_year(YEAR, tmp_path / "one", workers=1, **kwargs)
    pooled = generate_year(YEAR, tmp_path / "two", workers=2, progress=lambda *call: calls.append(call), **kwargs)
    assert _file_digests(tmp_path / "one", alone) == _file_digests(tmp_path / "two", pooled)
    assert (alone.files, alone.mistakes) == (pooled.files, pooled.mistakes)
    assert calls[0] == (0, 3) and calls[-1] == (3, 3) and [done for done, _ in calls] == [0, 1, 2, 3]


def test_a_failing_unit_is_named(tmp_path: Path):
    (tmp_path / "LOKA-INH").write_text("a file where the unit's folder should be")
    with pytest.raises(OSError) as failed:
        generate_year(YEAR, tmp_path, units=["BPOM-KPG", "LOKA-INH"], months=range(1, 2), workers=1)
    assert failed.value.__notes__ == ["demo unit LOKA-INH"]


def test_a_month_range_writes_only_those_months(tmp_path: Path):
    manifest = generate_year(YEAR, tmp_path, mistake_rate=0.0, units=["BPOM-KPG"], months=range(4, 7), workers=1)
    assert sorted(r.month for r in manifest.files if r.kind == "bulanan") == [4, 5, 6]
    assert not manifest.mistakes


def test_a_rerun_replaces_the_previous_run(tmp_path: Path):
    first = generate_year(YEAR, tmp_path, mistake_rate=1.0, units=["BPOM-KPG"], months=range(1, 4), workers=1)
    (tmp_path / "BPOM-KPG" / "catatan.txt").write_text("bukan file demo")
    second = generate_year(YEAR, tmp_path, mistake_rate=0.0, units=["BPOM-KPG"], months=range(1, 4), workers=1)
    assert len(first.files) > len(second.files)
    assert {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.xlsx")} == {r.file for r in second.files}
    assert (tmp_path / "BPOM-KPG" / "catatan.txt").exists()


def test_unknown_unit_is_refused(tmp_path: Path):
    with pytest.raises(KeyError):
        generate_year(YEAR, tmp_path, units=["BPOM-XYZ"])


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_can_be_planted(kind: str):
    """Each planter finds a place in some month of a Balai, and its cell lies inside the sheet."""
    uy = unit_year("BBPOM-SRG", YEAR)
    for month in range(2, 13):
        content = uy.months[month]
        found = PLANTERS[kind](content, Where(uy, month), stream(1, YEAR, "test", f"{kind}-{month}"))
        if found is None:
            continue
        assert found.kind == kind
        cell, row = cell_of(contract.MONTHLY, found.sheet, found.column, found.position)
        if found.sheet is not None and found.sheet != contract.IDENTITY_SHEET and row is not None:
            assert row - 2 < len(found.content.frames[found.sheet])
        changed = found.content.identity != content.identity or any(
            not frame.equals(content.frames[sheet]) for sheet, frame in found.content.frames.items())
        assert changed or found.extra
        return
    pytest.fail(f"{kind} found no place in any month")


@pytest.mark.parametrize("kind", PLAN_KINDS)
def test_plan_kinds_are_tolerated_forms(kind: str):
    assert KINDS[kind].rule_id is None and not KINDS[kind].rejected
    uy = unit_year("LOKA-INH", YEAR)
    found = PLANTERS[kind](uy.plan, Where(uy, None), stream(1, YEAR, "test", kind))
    assert found is not None and found.sheet in contract.SHEETS[contract.PLAN]


@pytest.mark.parametrize(
    "totals, weights",
    [pytest.param([30_215_555_000], [[3.0, 1.0, 1e-9, 2.5]], id="a DIPA over four lines"),
     pytest.param([1000, 0], [[1.0, 1.0], [1.0, 0.0]], id="a zero total")],
)
def test_integer_split_is_exact(totals, weights):
    parts = integer_split(np.array(totals), np.array(weights), step=1000)
    assert (parts.sum(axis=1) == totals).all() and (parts % 1000 == 0).all() and (parts >= 0).all()
