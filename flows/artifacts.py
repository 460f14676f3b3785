"""Prefect artifacts of a run: the per-file verdicts a planner or steward looks at in the UI."""
from __future__ import annotations

from prefect.artifacts import create_table_artifact

import re

from flows.steps import FileOutcome, PreparedFile
from sinks.feedback import problems_table_rows

COLUMNS = ("file_name", "unit_code", "kind", "year", "month", "status", "verdict", "n_errors", "n_warnings",
           "feedback_xlsx")


def publish_verdicts(outcomes: list[FileOutcome], key: str, description: str) -> None:
    """One table row per file: its verdict, counts of problems and where its feedback is."""
    rows = [{c: o.as_row().get(c) for c in COLUMNS} for o in outcomes]
    create_table_artifact(table=rows or [{c: None for c in COLUMNS}], key=key, description=description)


def publish_problems(prepared: PreparedFile) -> None:
    """The steward's list of problems of one file (sheet, cell, value, message), when it has any."""
    result = prepared.result
    if result is None or result.problems.empty:
        return
    key = re.sub(r"[^a-z0-9-]+", "-", f"masalah-{prepared.path.stem}".lower()).strip("-")
    labels = {"accepted_with_warnings": "diterima dengan peringatan", "rejected": "ditolak"}
    create_table_artifact(table=problems_table_rows(result), key=key,
                          description=f"{prepared.path.name}: {labels.get(result.verdict, result.verdict)}")
