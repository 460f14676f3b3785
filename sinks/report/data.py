"""Everything a report reads from the warehouse: plain SELECTs on the ``v_*`` views, nothing else.

This is the unit report's only database access (the book's is ``dalam_angka_data``).
``load_report_data`` takes an open connection so the caller (``build.py``) decides the transaction: all SELECTs of one report run in one
transaction, so a report never mixes two versions of the data. The frames keep the views' column names
(see ``docs/architecture.md``); the renderers and the content builder only see these dataclasses, so
tests can build them in memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sakip.periods import quarter_end_month
from sinks.report.criteria import PolicyInfo, policy_info

#: Columns holding booleans in the views (SQLite returns 0/1).
_BOOL_COLUMNS = ("measured", "is_iku", "is_current", "expected", "received", "on_time", "accepted")


@dataclass(frozen=True)
class ReportData:
    """The data of one unit's interim report for a quarter (frames shaped like the views).

    - ``header``: v_plan_header, the unit-year (one row);
    - ``plan``: v_plan_indicator, the unit-year's indicators with RAPK b01..b12;
    - ``capaian``: v_indicator_capaian for this year and the previous one, every month;
    - ``scores``: v_score for this year and the previous one, every quarter and level;
    - ``budget_ro`` / ``budget_expense``: v_budget_ro / v_budget_expense_type at the quarter-end month;
    - ``budget_unit``: v_budget_unit for every month of the year; ``rpd``: v_rpd_month of the year;
    - ``efficiency``: v_efficiency of the quarter (with the unit's ``TOTAL`` row);
    - ``efficiency_sasaran``: v_efficiency_sasaran of the quarter (one row per SK; empty: no SK table);
    - ``submissions``: v_submission of the unit for both years (every version, current or not);
    - ``policy``: the scoring policy cited by the scores.
    """

    unit_code: str
    year: int
    quarter: int
    header: pd.DataFrame
    plan: pd.DataFrame
    capaian: pd.DataFrame
    scores: pd.DataFrame
    budget_ro: pd.DataFrame
    budget_expense: pd.DataFrame
    budget_unit: pd.DataFrame
    rpd: pd.DataFrame
    efficiency: pd.DataFrame
    submissions: pd.DataFrame
    policy: PolicyInfo
    efficiency_sasaran: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the quarter's row of ``v_quarter_approval`` (state, who approved it, when), None: no data or step yet
    approval: dict | None = None

    @property
    def end_month(self) -> int:
        """The quarter-end month whose rows are the quarter's figures."""
        return quarter_end_month(self.quarter)


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Booleans as nullable booleans, whatever the backend returned."""
    fixes = {c: frame[c].astype("boolean") for c in _BOOL_COLUMNS if c in frame.columns}
    return frame.assign(**fixes) if fixes else frame


def select_view(conn: Connection, view: str, where: str = "", params: dict | None = None) -> pd.DataFrame:
    """``SELECT * FROM <view> [WHERE …]`` as a frame that keeps its columns when empty."""
    sql = f"SELECT * FROM {view}" + (f" WHERE {where}" if where else "")
    result = conn.execute(sa.text(sql), params or {})
    frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    return _normalise(frame)


def with_revision_notes(conn: Connection, submissions: pd.DataFrame) -> pd.DataFrame:
    """``submissions`` plus the steward's ``revision_note`` (``Catatan Revisi``) of each version.

    ``v_submission`` does not carry the note; it is read from ``audit_submission`` by submission id when
    that table exists (a database holding only view-shaped relations gets an empty column).
    """
    if "revision_note" in submissions.columns:
        return submissions
    if submissions.empty or not sa.inspect(conn).has_table("audit_submission"):
        return submissions.assign(revision_note=pd.Series([None] * len(submissions), index=submissions.index,
                                                          dtype=object))
    a = sa.table("audit_submission", sa.column("submission_id"), sa.column("revision_note"))
    ids = [int(v) for v in submissions["submission_id"]]
    rows = conn.execute(sa.select(a.c.submission_id, a.c.revision_note).where(a.c.submission_id.in_(ids))).all()
    notes = {int(i): n for i, n in rows}
    return submissions.assign(revision_note=submissions["submission_id"].map(lambda i: notes.get(int(i))))


def _policy_ids(scores: pd.DataFrame) -> list[str]:
    ids = scores["policy_id"].dropna().astype(str) if "policy_id" in scores.columns else pd.Series(dtype=str)
    return sorted(ids.unique())


def load_report_data(conn: Connection, unit_code: str, year: int, quarter: int,
                     policy_dir: Path | None = None) -> ReportData:
    """All rows one unit's report for ``year``/``quarter`` shows, read on ``conn`` (one transaction)."""
    month = quarter_end_month(quarter)
    unit_year = {"unit": unit_code, "year": year}
    both = {"unit": unit_code, "y0": year - 1, "y1": year}
    at_month = {**unit_year, "month": month}
    scores = select_view(conn, "v_score", "unit_code = :unit AND year IN (:y0, :y1)", both)
    current = scores[(scores["year"] == year) & (scores["quarter"] == quarter)]
    ids = _policy_ids(current)
    return ReportData(
        unit_code=unit_code, year=year, quarter=quarter,
        header=select_view(conn, "v_plan_header", "unit_code = :unit AND year = :year", unit_year),
        plan=select_view(conn, "v_plan_indicator", "unit_code = :unit AND year = :year", unit_year),
        capaian=select_view(conn, "v_indicator_capaian", "unit_code = :unit AND year IN (:y0, :y1)", both),
        scores=scores,
        budget_ro=select_view(conn, "v_budget_ro", "unit_code = :unit AND year = :year AND month = :month", at_month),
        budget_expense=select_view(conn, "v_budget_expense_type",
                                   "unit_code = :unit AND year = :year AND month = :month", at_month),
        budget_unit=select_view(conn, "v_budget_unit", "unit_code = :unit AND year = :year", unit_year),
        rpd=select_view(conn, "v_rpd_month", "unit_code = :unit AND year = :year", unit_year),
        efficiency=select_view(conn, "v_efficiency", "unit_code = :unit AND year = :year AND quarter = :q",
                               {**unit_year, "q": quarter}),
        submissions=with_revision_notes(
            conn, select_view(conn, "v_submission", "unit_code = :unit AND year IN (:y0, :y1)", both)),
        policy=policy_info(unit_code, year, ids[0] if ids else None, policy_dir),
        efficiency_sasaran=select_view(conn, "v_efficiency_sasaran", "unit_code = :unit AND year = :year AND quarter = :q",
                                       {**unit_year, "q": quarter}),
        approval=approval_row(conn, unit_code, year, quarter),
    )


def approval_row(conn: Connection, unit_code: str, year: int, quarter: int) -> dict | None:
    """The unit-quarter's approval state (``v_quarter_approval``), None when it has none."""
    rows = select_view(conn, "v_quarter_approval", "unit_code = :unit AND year = :year AND quarter = :q",
                       {"unit": unit_code, "year": year, "q": quarter})
    return rows.iloc[0].to_dict() if len(rows) else None


def override_rows(conn: Connection, where: str, params: dict) -> pd.DataFrame:
    """The distinct (unit_code, year, month, override_id) of ``v_indicator_capaian`` rows carrying an override."""
    result = conn.execute(sa.text("SELECT DISTINCT unit_code, year, month, override_id FROM v_indicator_capaian "
                                  f"WHERE override_id IS NOT NULL AND {where}"), params)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
