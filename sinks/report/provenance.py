"""Which data a report was built from: the submissions it used and their fingerprint.

Pure functions over ``v_submission`` frames, shared by the content builder (the *Sumber Data*
appendix) and ``build.py`` (versioning): the fingerprint printed in the report is the one stored in
``report_version``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from sakip.periods import quarter_end_month

#: Verdicts whose data the warehouse holds.
LOADED_VERDICTS = ("accepted", "accepted_with_warnings")
SUBMISSION_COLUMNS = ("submission_id", "unit_code", "kind", "year", "month", "version", "file_name",
                      "file_hash", "received_at", "verdict")


@dataclass(frozen=True)
class Provenance:
    """What the Sumber Data section prints: the report version and the data it was built from."""

    version: int | None
    fingerprint: str
    built_at: datetime | None
    submissions: pd.DataFrame


def _is_plan(frame: pd.DataFrame) -> pd.Series:
    return frame["kind"].astype(str).str.casefold().isin(["rencana", "plan"]) | frame["month"].isna()


def used_submissions(submissions: pd.DataFrame, year: int, quarter: int, with_previous_year: bool = True) -> pd.DataFrame:
    """The current, loaded submissions a quarter's report reads.

    This year: the plan and months 1..quarter-end. Previous year (the comparisons with the same quarter
    last year, and for TW I the follow-up of last December's recommendations): the plan and months
    1..quarter-end, plus December when the quarter is I. Sorted by unit, year, kind, month.
    """
    if submissions.empty:
        return submissions.reindex(columns=list(SUBMISSION_COLUMNS))
    end = quarter_end_month(quarter)
    subs = submissions[submissions["is_current"].fillna(False).astype(bool)
                       & submissions["verdict"].isin(LOADED_VERDICTS)]
    month = subs["month"].astype("Float64")
    plan = _is_plan(subs)
    this_year = (subs["year"] == year) & (plan | (month <= end)).fillna(False)
    last_months = (month <= end) | ((month == 12) & (quarter == 1))
    last_year = (subs["year"] == year - 1) & (plan | last_months).fillna(False) & with_previous_year
    used = subs[this_year | last_year].assign(_plan=~_is_plan(subs[this_year | last_year]))
    order = ["unit_code", "year", "_plan", "month"]
    return used.sort_values(order, na_position="first").drop(columns="_plan").reset_index(drop=True)


def fingerprint(used: pd.DataFrame, policy_ids: list[str] | tuple[str, ...] = ()) -> str:
    """SHA-256 of the sorted (submission id, file hash) pairs and the scoring policies cited."""
    pairs = sorted(zip(used["submission_id"].astype(str), used["file_hash"].astype(str)))
    payload = json.dumps({"submissions": pairs, "policies": sorted(policy_ids)}, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def submission_records(used: pd.DataFrame) -> list[dict]:
    """JSON-ready records of the submissions used (for ``report_version.submission_ids`` and manifests)."""
    cols = [c for c in SUBMISSION_COLUMNS if c in used.columns]
    records = used[cols].astype(object).where(used[cols].notna(), None).to_dict("records")
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in records]
