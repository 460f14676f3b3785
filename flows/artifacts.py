"""Prefect artifacts of a run: the per-file verdicts, each file's problems and the run's progress."""
from __future__ import annotations

import json
import re
from pathlib import Path

from prefect.artifacts import create_progress_artifact, create_table_artifact, update_progress_artifact

from flows.intake import FileOutcome
from sinks.feedback import VERDICT_LABEL, table_rows

COLUMNS = ("file_name", "unit_folder", "unit_code", "kind", "year", "month", "status", "verdict", "n_errors", "n_warnings",
           "feedback_xlsx")


def publish_verdicts(outcomes: list[FileOutcome], key: str, description: str) -> None:
    """One table row per file: its verdict, counts of problems and where its feedback is."""
    rows = [{c: o.as_row().get(c) for c in COLUMNS} for o in outcomes]
    create_table_artifact(table=rows or [{c: None for c in COLUMNS}], key=key, description=description)


def publish_problems(outcome: FileOutcome) -> None:
    """The steward's list of problems of one file (sheet, cell, value, message), then the outliers marked
    as checked ("Sudah diperiksa"), when it has any: read back from the feedback JSON the steward gets, so
    the artifact says exactly what the steward reads."""
    if not outcome.feedback_json:
        return
    payload = json.loads(Path(outcome.feedback_json).read_text(encoding="utf-8"))
    if not (payload["problems"] or payload.get("checked")):
        return
    rows = table_rows(payload["problems"] + payload.get("checked", []))
    key = re.sub(r"[^a-z0-9-]+", "-", f"masalah-{Path(outcome.file_name).stem}".lower()).strip("-")
    create_table_artifact(table=rows, key=key,
                          description=f"{outcome.file_name}: {VERDICT_LABEL.get(outcome.verdict, outcome.verdict)}")


class ArtifactProgress:
    """``flows.runners.Progress`` as a Prefect progress artifact: the share of the run's steps done."""

    def __init__(self, description: str) -> None:
        self.totals: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self.artifact_id = create_progress_artifact(progress=0.0, description=description)

    def start(self, phase: str, total: int) -> None:
        self.totals[phase], self.done[phase] = total, 0
        self._update()

    def advance(self, phase: str, n: int = 1) -> None:
        self.done[phase] = self.done.get(phase, 0) + n
        self._update()

    def _update(self) -> None:
        total = sum(self.totals.values())
        share = 100.0 * sum(self.done.values()) / total if total else 0.0
        update_progress_artifact(artifact_id=self.artifact_id, progress=min(100.0, share))
