"""Check a demo inbox against its manifest with the real reader and validator (a helper, not a test).

Files are validated unit by unit in the order a collector meets them (month, then the time sent), with
the context the collector would build from what was accepted before: the plan on file, last month's
Kinerja, earlier spending, samples and inspections; an identical copy is skipped by its hash. Every
file must get its expected verdict; a planted mistake must be reported with its rule at its cell, and
nothing else but the ``also`` consequences; a clean file must have no problem but its expected warnings.

    PYTHONPATH=. python tests/demo/inbox_check.py /path/to/inbox      # prints the discrepancies
"""
from __future__ import annotations

import hashlib
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from demo.manifest import FileRecord, Manifest, PlantedMistake
from sakip import periods
from schemas.validate import ValidationContext, ValidationResult, validate_workbook
from sources.workbook import read_workbook


def _context(unit: str, name: str, month: int, plan: dict, stored: dict[int, dict], year: int,
             today: date) -> ValidationContext:
    earlier = [m for m in sorted(stored) if m < month]
    spent = pd.concat([stored[m]["Anggaran"] for m in earlier]) if earlier else None
    return ValidationContext(
        folder_unit=unit, file_name=name, plan=plan, plan_year=year, plan_years=(year,), today=today,
        previous_kinerja=stored[earlier[-1]]["Kinerja"] if earlier else None,
        spent_before=None if spent is None else spent.groupby(["ro_code", "expense_type"], as_index=False)[
            "spent_month_rp"].sum().rename(columns={"spent_month_rp": "spent_rp"}),
        sampling_before=pd.concat([stored[m]["Sampling"] for m in earlier]) if earlier else None,
        inspection_before=pd.concat([stored[m]["Pemeriksaan"] for m in earlier]) if earlier else None,
        is_replacement=month in stored, past_deadline=True, deadline=periods.deadline(year, month, 10))


#: Warnings only the collection gives (they need the unit's stored history): the validator alone does not.
INTAKE_ONLY = frozenset({"outlier"})


def _compare(record: FileRecord, result: ValidationResult, mistake: PlantedMistake | None) -> list[str]:
    problems = result.problems
    expected = record.expected
    if set(record.expected_warnings) == INTAKE_ONLY and mistake is None:  # a planted outlier, else clean
        expected = "accepted"
    if result.verdict != expected:
        return [f"{record.file}: verdict {result.verdict}, expected {expected}"]
    rules = set(problems["rule_id"])
    if mistake is None or mistake.rule_id is None or mistake.original is not None:
        extra = rules - set(record.expected_warnings)
        return [f"{record.file}: clean file reports {sorted(extra)}"] if extra else []
    found = []
    at = problems[problems["rule_id"] == mistake.rule_id]
    if at.empty:
        found.append(f"{record.file}: {mistake.rule_id} not reported")
    elif mistake.cell is not None and mistake.cell not in set(at["cell"]):
        found.append(f"{record.file}: {mistake.rule_id} at {list(at['cell'])}, expected {mistake.cell}")
    if rules - {mistake.rule_id} - set(mistake.also):
        found.append(f"{record.file}: also reports {sorted(rules - {mistake.rule_id} - set(mistake.also))}")
    if set(mistake.also) - rules:
        found.append(f"{record.file}: expected also {sorted(set(mistake.also) - rules)}")
    return found


def check_inbox(out: Path) -> list[str]:
    """Discrepancies between the validator's answers and the manifest (empty: all as planted)."""
    manifest = Manifest.read(out / "_manifest.json")
    planted = {m.file: m for m in manifest.mistakes}
    today = date(manifest.year + 1, 6, 1)
    found: list[str] = []
    for unit in manifest.units:
        records = [r for r in manifest.files if r.unit_code == unit]
        plan_record = next(r for r in records if r.kind == "rencana")
        plan_context = ValidationContext(folder_unit=unit, file_name=Path(plan_record.file).name, today=today)
        plan = validate_workbook(read_workbook(out / plan_record.file), plan_context)
        found += _compare(plan_record, plan, planted.get(plan_record.file))
        plan_frames = {s: plan.frames[s] for s in ("Sasaran", "Indikator", "RAPK", "Pagu")}
        stored: dict[int, dict] = {}
        seen: set[str] = set()
        monthly = sorted((r for r in records if r.kind == "bulanan"),
                         key=lambda r: (r.month, (out / r.file).stat().st_mtime))
        for record in monthly:
            path = out / record.file
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest in seen:
                if record.expected != "duplicate":
                    found.append(f"{record.file}: same bytes as an earlier file")
                continue
            seen.add(digest)
            context = _context(unit, path.name, record.month, plan_frames, stored, manifest.year, today)
            result = validate_workbook(read_workbook(path), context)
            found += _compare(record, result, planted.get(record.file))
            if result.verdict != "rejected":
                stored[record.month] = result.frames
    return found


if __name__ == "__main__":
    issues = check_inbox(Path(sys.argv[1]))
    print(f"{len(issues)} discrepancies")
    print("\n".join(issues))
