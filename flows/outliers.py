"""The outlier step of a file's intake: the unit's history read with the chunk, the score, the warnings.

No Prefect, no rule of its own: ``flows.intake.prepare_chunk`` calls :func:`contexts` once per chunk
(inside the same read-only connection as the validation contexts: one statement for the history of
every unit of the chunk, one for their follow-up marks; the workers never query per file) and
:func:`apply_many` for the validated files of a chunk. The score is ``transforms.outliers``; the thresholds are the
unit-year's scoring policy (``OutlierPolicy``); the wording is ``sinks.feedback``. A flagged value the
centre or the steward marked as checked (``sakip follow-up``) with the same value is a note, not a
fresh warning.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from flows.derive import policy_resolver
from reference.policy import OutlierPolicy, PolicyFileError
from sakip.settings import Settings
from schemas.contract import MONTH_COLUMNS, MONTHLY
from schemas.messages import problems_frame
from schemas.validate import ValidationResult
from sinks import feedback
from sinks.warehouse import outliers as stored
from sources.workbook import WorkbookData
from transforms.outliers import ITEM_SEPARATOR, NEW_COLUMNS, SOURCE_SHEETS, flagged, score_outliers

LOG = logging.getLogger(__name__)
#: Follow-up fields a flagged value carries when it was marked as checked with the same value.
CHECK_FIELDS = ["followup_id", "checked_by", "checked_role", "checked_at", "reason"]


@dataclass(frozen=True)
class OutlierContext:
    """What scoring one monthly file needs: its unit's thresholds, stored values and follow-up marks."""

    unit_code: str
    policy: OutlierPolicy
    history: pd.DataFrame
    followups: pd.DataFrame


def _period(data: WorkbookData) -> tuple[int, int] | None:
    year, month = data.identity.get("year"), data.identity.get("month")
    return (year, month) if isinstance(year, int) and isinstance(month, int) else None


def contexts(conn: Connection, files: Sequence[tuple[str | None, WorkbookData]],
             settings: Settings) -> list[OutlierContext | None]:
    """One context per (reference unit, workbook) of a chunk (None: not a monthly file with a unit, year
    and month, or no policy for its year): two statements for the whole chunk."""
    resolve = policy_resolver(settings)
    wanted: dict[int, tuple[str, int, OutlierPolicy]] = {}
    for i, (unit, data) in enumerate(files):
        period = _period(data)
        if data.kind != MONTHLY or not unit or period is None:
            continue
        try:
            wanted[i] = (unit, period[0], resolve(unit, period[0]).outliers)
        except (KeyError, PolicyFileError) as error:  # the run stops on this before deriving anyway
            LOG.warning("no outlier thresholds for %s %s: %s", unit, period[0], error)
    if not wanted:
        return [None] * len(files)
    years = [year for _, year, _ in wanted.values()]
    back = max(policy.years_back for _, _, policy in wanted.values())
    units = {unit for unit, _, _ in wanted.values()}
    history = stored.history(conn, units, min(years) - back, max(years))
    marks = stored.followups(conn, {(unit, year) for unit, year, _ in wanted.values()})
    history_of = dict(tuple(history.groupby("unit_code"))) if len(history) else {}
    marks_of = dict(tuple(marks.groupby("unit_code"))) if len(marks) else {}
    return [OutlierContext(wanted[i][0], wanted[i][2], history_of.get(wanted[i][0], history.iloc[:0]),
                           marks_of.get(wanted[i][0], marks.iloc[:0])) if i in wanted else None
            for i in range(len(files))]


def _first_months(plan: dict | None) -> tuple[pd.Series, pd.Series]:
    """The plan's pattern and first month with a target, per indicator (empty without a plan)."""
    if not plan or "Indikator" not in plan or "RAPK" not in plan:
        return pd.Series(dtype=object), pd.Series(dtype=float)
    pattern = plan["Indikator"].set_index("indicator_code")["pattern"]
    rapk = plan["RAPK"].set_index("indicator_code")[list(MONTH_COLUMNS)]
    if not all(pd.api.types.is_numeric_dtype(dtype) for dtype in rapk.dtypes):  # a plan read from a workbook
        rapk = rapk.apply(pd.to_numeric, errors="coerce")
    first = pd.Series(np.argmax(rapk.notna().to_numpy(), axis=1) + 1, index=rapk.index)
    return pattern, first


def _item_codes(frame: pd.DataFrame, keys: tuple[str, ...]) -> pd.Series:
    """Each row's key columns as text joined by ``ITEM_SEPARATOR`` (column by column, not row by row)."""
    texts = [frame[key].astype(str) for key in keys]
    item = texts[0]
    for text in texts[1:]:
        item = item + ITEM_SEPARATOR + text
    return item


def new_values(result: ValidationResult, unit: str, year: int, month: int, plan: dict | None) -> pd.DataFrame:
    """The file's values the outlier score reads: ``transforms.outliers.NEW_COLUMNS`` plus ``sheet`` and
    ``_row`` (where each value is), numbers only."""
    pattern, first = _first_months(plan)
    parts = []
    for source, (sheet, keys, columns) in SOURCE_SHEETS.items():
        frame = result.frames.get(sheet)
        if frame is None or frame.empty or not set(keys) | set(columns) <= set(frame.columns):
            continue
        item = _item_codes(frame, keys)
        for column in columns:
            parts.append(pd.DataFrame({
                "unit_code": unit, "year": year, "month": month, "source": source, "item_code": item,
                "column": column, "value": pd.to_numeric(frame[column], errors="coerce"),
                "pattern": item.map(pattern) if source == "indicator" else "flat",
                "first_month": item.map(first).fillna(1).astype(int) if source == "indicator" else 1,
                "sheet": sheet, "_row": frame["_row"]}))
    if not parts:
        return pd.DataFrame(columns=[*NEW_COLUMNS, "sheet", "_row"])
    values = pd.concat(parts, ignore_index=True)
    values = values[values["value"].notna()].drop_duplicates(["source", "item_code", "column"], keep=False)
    return values.reset_index(drop=True)


def _with_marks(found: pd.DataFrame, marks: pd.DataFrame) -> pd.DataFrame:
    """Each flagged value with the newest follow-up mark of the same unit-month, cell of the series and
    value (``CHECK_FIELDS``, missing when none)."""
    keys = ["unit_code", "year", "month", "sheet", "item_code", "column", "value"]
    if marks.empty:
        return found.assign(**{c: None for c in CHECK_FIELDS})
    newest = marks.drop_duplicates(keys, keep="first")[[*keys, *CHECK_FIELDS]]
    newest = newest.astype({"year": int, "month": int, "value": float})
    return found.merge(newest, on=keys, how="left")


def apply_many(files: Sequence[tuple[WorkbookData, ValidationResult, OutlierContext | None, dict | None]]
               ) -> list[tuple[ValidationResult, pd.DataFrame | None]]:
    """Every file of a chunk with a warning per fresh outlier (a file with one is at best accepted with
    warnings), and its flagged values (fresh or checked) with where they are and the figures quoted (None:
    not scored). Scored in one pass per outlier policy (the score is vectorised over units: a chunk holds
    at most one file per unit, so no file is another's history)."""
    values: dict[int, pd.DataFrame] = {}
    for i, (data, result, context, plan) in enumerate(files):
        period = _period(data)
        if context is not None and period is not None and result.frames:
            values[i] = new_values(result, context.unit_code, *period, plan)
    scored: dict[int, pd.DataFrame] = {}
    by_policy: dict[str, list[int]] = {}
    for i in values:
        by_policy.setdefault(files[i][2].policy.model_dump_json(), []).append(i)
    for members in by_policy.values():
        policy = files[members[0]][2].policy
        batch = pd.concat([values[i].assign(_file=i) for i in members], ignore_index=True)
        histories = {files[i][2].unit_code: files[i][2].history for i in members}
        history = pd.concat(list(histories.values()), ignore_index=True)
        both = pd.concat([score_outliers(history, batch, policy), batch[["sheet", "_row", "_file"]]], axis=1)
        scored |= {i: part.drop(columns="_file").reset_index(drop=True) for i, part in both.groupby("_file")}
        scored |= {i: both.iloc[:0].drop(columns="_file") for i in members if i not in scored}  # nothing to score
    return [_warned(data, result, context, scored[i]) if i in scored else (result, None)
            for i, (data, result, context, _) in enumerate(files)]


def _warned(data: WorkbookData, result: ValidationResult, context: OutlierContext,
            scored: pd.DataFrame) -> tuple[ValidationResult, pd.DataFrame]:
    """One file's result with its fresh outliers as warnings, and its flagged values."""
    found = flagged(scored).rename(columns={"_row": "row"})
    if found.empty:
        return result, found
    found = _with_marks(found.assign(cell=[data.cell(s, c, r) for s, c, r in
                                           zip(found["sheet"], found["column"], found["row"])]), context.followups)
    fresh = found[found["followup_id"].isna()]
    if fresh.empty:
        return result, found
    added = problems_frame(feedback.outlier_problems(fresh, data, result.file_name))
    problems = pd.concat([result.problems, added], ignore_index=True).astype({"row": "Int64"})
    verdict = result.verdict if result.verdict == "rejected" else "accepted_with_warnings"
    return replace(result, problems=problems, verdict=verdict), found


def checked_notes(data: WorkbookData, result: ValidationResult, found: pd.DataFrame | None) -> list[dict]:
    """The steward's notes of the values marked as checked (``sinks.feedback.checked_notes``)."""
    if found is None or found.empty:
        return []
    done = found[found["followup_id"].notna()]
    return feedback.checked_notes(done, data, result.file_name) if len(done) else []
