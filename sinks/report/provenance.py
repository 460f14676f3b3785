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
                      "file_hash", "received_at", "verdict", "revision_note")


@dataclass(frozen=True)
class Provenance:
    """What the Sumber Data section prints: the report version and the data it was built from."""

    version: int | None
    fingerprint: str
    built_at: datetime | None
    submissions: pd.DataFrame
    #: The previous version this one replaces (``None`` for the first) and what changed since it
    #: (Indonesian lines: submissions replaced/added/dropped, key figures whose displayed value changed).
    previous_version: int | None = None
    previous_built_at: datetime | None = None
    changes: tuple[str, ...] = ()


def _is_plan(frame: pd.DataFrame) -> pd.Series:
    return frame["kind"].astype(str).str.casefold().isin(["rencana", "plan"]) | frame["month"].isna()


def used_submissions(submissions: pd.DataFrame, year: int, quarter: int, with_previous_year: bool = True) -> pd.DataFrame:
    """The current, loaded submissions a quarter's report reads.

    This year: the plan and months 1..quarter-end. Previous year: the plan and every month (the report
    shows last year's four quarters in the NPS TOTAL chart, the same quarter last year in the comparisons
    and, for TW I, last December's recommendations), so a correction to any of them is a change.
    Sorted by unit, year, kind, month.
    """
    if submissions.empty:
        return submissions.reindex(columns=list(SUBMISSION_COLUMNS))
    end = quarter_end_month(quarter)
    subs = submissions[submissions["is_current"].fillna(False).astype(bool)
                       & submissions["verdict"].isin(LOADED_VERDICTS)]
    month = subs["month"].astype("Float64")
    plan = _is_plan(subs)
    this_year = (subs["year"] == year) & (plan | (month <= end)).fillna(False)
    last_year = (subs["year"] == year - 1) & (plan | month.notna()).fillna(False) & with_previous_year
    used = subs[this_year | last_year].assign(_plan=~_is_plan(subs[this_year | last_year]))
    order = ["unit_code", "year", "_plan", "month"]
    return used.sort_values(order, na_position="first").drop(columns="_plan").reset_index(drop=True)


def fingerprint(used: pd.DataFrame, policy_ids: list[str] | tuple[str, ...] = (),
                override_ids: list[int] | tuple[int, ...] = (), approval_id: int | None = None) -> str:
    """SHA-256 of the sorted (submission id, file hash) pairs, the scoring policies cited and the active
    manual overrides applied to the rows shown (an override or its withdrawal changes the scores without
    a new file), and the approval in force (``approval_id``: the quarter's Disetujui step; approving or
    reopening a quarter makes a new version that says draft or approved)."""
    pairs = sorted(zip(used["submission_id"].astype(str), used["file_hash"].astype(str)))
    body: dict = {"submissions": pairs, "policies": sorted({str(p) for p in policy_ids})}
    if len(override_ids):  # the key is absent without overrides: fingerprints of reports without any stay stable
        body["overrides"] = sorted({int(o) for o in override_ids})
    if approval_id is not None:  # absent for a draft: fingerprints of reports never approved stay stable
        body["approved"] = int(approval_id)
    payload = json.dumps(body, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def shown_scores(scores: pd.DataFrame, year: int, quarter: int) -> pd.DataFrame:
    """The score rows a quarter's report shows: last year's quarters and this year's up to ``quarter``."""
    if scores.empty:
        return scores
    return scores[(scores["year"] == year - 1) | ((scores["year"] == year) & (scores["quarter"] <= quarter))]


def policy_ids_of(scores: pd.DataFrame, year: int, quarter: int) -> list[str]:
    """The scoring policies cited by the scores a report shows (one per unit-year)."""
    rows = shown_scores(scores, year, quarter)
    return sorted(rows["policy_id"].dropna().astype(str).unique()) if "policy_id" in rows.columns else []


def override_ids_of(rows: pd.DataFrame, year: int, quarter: int, with_previous_year: bool = True) -> list[int]:
    """The manual overrides applied to the rows a report reads (``override_id`` per unit, year, month):
    this year to the quarter end and, ``with_previous_year``, all of last year (a unit report's window)."""
    if rows.empty or "override_id" not in rows.columns:
        return []
    window = (rows["year"] == year) & (rows["month"] <= quarter_end_month(quarter))
    if with_previous_year:
        window |= rows["year"] == year - 1
    return sorted({int(v) for v in rows.loc[window, "override_id"].dropna()})


def national_fingerprint(submissions: pd.DataFrame, scores: pd.DataFrame, overrides: pd.DataFrame,
                         year: int, quarter: int) -> tuple[pd.DataFrame, str]:
    """(submissions used, fingerprint) of the national roll-up: every unit's submissions of the year to the
    quarter end, the policies cited by the quarter's NPS TOTAL rows and the overrides applied to months up to
    the quarter end (``overrides``: unit_code, year, month, override_id)."""
    used = used_submissions(submissions, year, quarter, with_previous_year=False)
    rows = scores[(scores["year"] == year) & (scores["quarter"] == quarter)] if not scores.empty else scores
    if "level" in rows.columns:
        rows = rows[rows["level"] == "total"]
    policies = sorted(rows["policy_id"].dropna().astype(str).unique()) if "policy_id" in rows.columns else []
    return used, fingerprint(used, policies, override_ids_of(overrides, year, quarter, with_previous_year=False))


def unit_fingerprint(submissions: pd.DataFrame, scores: pd.DataFrame, capaian: pd.DataFrame,
                     year: int, quarter: int, approval_id: int | None = None) -> tuple[pd.DataFrame, str]:
    """(submissions used, fingerprint) of a unit's quarter report from its ``v_submission``, ``v_score`` and
    ``v_indicator_capaian`` rows and its ``v_quarter_approval.approval_event_id``: the one computation both
    the build and the stale-report check use."""
    used = used_submissions(submissions, year, quarter)
    return used, fingerprint(used, policy_ids_of(scores, year, quarter), override_ids_of(capaian, year, quarter),
                             approval_id)


def approval_label(approval: dict | None) -> str:
    """How a unit report labels its figures: "Disetujui" for an approved quarter, else "Draf (<state>)"."""
    state = (approval or {}).get("state_label") or "Belum diajukan"
    return "Disetujui" if approval_id_of(approval) is not None else f"Draf ({state})"


def approval_id_of(approval: dict | None) -> int | None:
    """The Disetujui step in force of a ``v_quarter_approval`` row (None: not approved)."""
    value = (approval or {}).get("approval_event_id")
    return None if value is None or pd.isna(value) else int(value)


def submission_records(used: pd.DataFrame) -> list[dict]:
    """JSON-ready records of the submissions used (for ``report_version.submission_ids`` and manifests)."""
    cols = [c for c in SUBMISSION_COLUMNS if c in used.columns]
    records = used[cols].astype(object).where(used[cols].notna(), None).to_dict("records")
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in records]
