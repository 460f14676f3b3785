"""The demo inbox's manifest: every file written and every mistake planted, with where to find it.

``_manifest.json`` lets a test (or a demo presenter) check that the validator finds each planted
mistake at its cell with the expected rule and severity, and that clean files pass untouched.
Paths are relative to the inbox, with forward slashes.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

Expected = Literal["accepted", "accepted_with_warnings", "rejected", "duplicate"]


@dataclass(frozen=True)
class PlantedMistake:
    """One planted mistake: the file, what was done, and what the validator must report.

    ``rule_id``/``severity`` are None for tolerated forms (the reader accepts the value) and for
    file-level events (a duplicate copy, a corrected resubmission). ``cell`` is None when a row is
    missing or the mistake concerns the whole file. ``row`` is the Excel row of ``cell``; ``column``
    its printed header. ``also`` lists other rule_ids the same mistake makes the validator report in
    the file (e.g. a wrong Kode Satker also contradicts the file name). ``original`` is the file a copy
    duplicates or a correction replaces.
    """

    file: str
    unit_code: str
    month: int | None
    kind: str
    rule_id: str | None
    severity: Literal["error", "warning"] | None
    sheet: str | None
    cell: str | None
    row: int | None
    column: str | None
    value: str | None
    rejected: bool
    also: tuple[str, ...] = ()
    original: str | None = None
    note: str = ""


@dataclass(frozen=True)
class FileRecord:
    """One file written to the inbox and the verdict the validator should give it.

    ``mistake`` is the kind planted in it; ``original`` the earlier file a copy duplicates
    (``expected == "duplicate"``: same bytes, the collector does nothing) or a resubmission replaces;
    ``expected_warnings`` the rule_ids of warnings the clean data legitimately produce.
    """

    file: str
    unit_code: str
    kind: Literal["rencana", "bulanan"]
    month: int | None
    sent_date: str | None
    expected: Expected
    mistake: str | None = None
    original: str | None = None
    expected_warnings: tuple[str, ...] = ()


@dataclass
class Manifest:
    """What ``generate_year`` wrote: parameters, files and planted mistakes."""

    year: int
    seed: int
    mistake_rate: float
    template_version: str
    units: list[str]
    months: list[int]
    files: list[FileRecord] = field(default_factory=list)
    mistakes: list[PlantedMistake] = field(default_factory=list)
    #: outliers planted in otherwise clean files (rule ``outlier``, a warning: accepted with warnings)
    outliers: list[PlantedMistake] = field(default_factory=list)
    seconds: float | None = None

    def counts(self) -> dict[str, dict[str, int]]:
        """Number of files per expected verdict and of mistakes per kind."""
        verdicts: dict[str, int] = {}
        for record in self.files:
            verdicts[record.expected] = verdicts.get(record.expected, 0) + 1
        kinds: dict[str, int] = {}
        for mistake in self.mistakes:
            kinds[mistake.kind] = kinds.get(mistake.kind, 0) + 1
        outliers: dict[str, int] = {}
        for outlier in self.outliers:
            outliers[outlier.kind] = outliers.get(outlier.kind, 0) + 1
        return {"files": verdicts, "mistakes": dict(sorted(kinds.items())), "outliers": dict(sorted(outliers.items()))}

    def summary(self) -> str:
        """One Indonesian line for the CLI: files, units, planted mistakes, expected rejections."""
        rejected = sum(r.expected == "rejected" for r in self.files)
        text = (f"{len(self.files)} file, {len(self.units)} unit, {len(self.mistakes)} kesalahan ditanam, "
                f"{len(self.outliers)} pencilan ditanam, {rejected} file seharusnya ditolak")
        return text + (f", {self.seconds:.0f} detik" if self.seconds is not None else "")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["counts"] = self.counts()
        return data

    def write(self, path: Path) -> Path:
        """Write the manifest as JSON (UTF-8, indented)."""
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        return path

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Load a manifest written by ``write``."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data.pop("counts", None)
        files = [FileRecord(**{**f, "expected_warnings": tuple(f["expected_warnings"])}) for f in data.pop("files")]
        mistakes = [PlantedMistake(**{**m, "also": tuple(m["also"])}) for m in data.pop("mistakes")]
        outliers = [PlantedMistake(**{**m, "also": tuple(m["also"])}) for m in data.pop("outliers", [])]
        return cls(**data, files=files, mistakes=mistakes, outliers=outliers)
