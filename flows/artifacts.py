"""Prefect artifacts of a run: the per-file verdicts a planner or steward looks at in the UI."""
from __future__ import annotations

from prefect.artifacts import create_table_artifact

from flows.steps import FileOutcome

COLUMNS = ("file_name", "unit_code", "kind", "year", "month", "status", "verdict", "n_errors", "n_warnings",
           "feedback_xlsx")


def publish_verdicts(outcomes: list[FileOutcome], key: str, description: str) -> None:
    """One table row per file: its verdict, counts of problems and where its feedback is."""
    rows = [{c: o.as_row().get(c) for c in COLUMNS} for o in outcomes]
    create_table_artifact(table=rows or [{c: None for c in COLUMNS}], key=key, description=description)
