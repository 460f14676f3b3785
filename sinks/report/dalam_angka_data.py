"""What the quarterly "Kinerja BPOM Dalam Angka" book reads: plain SELECTs on the national views.

Like ``data.py`` for the unit report, this is the book's only database access, and it reads views
only: every total, sum and percentage the book prints is a row of a view (the group and national
figures are derived once by the warehouse). ``load_book_data`` takes an open connection so the
caller (``build.py``) runs all SELECTs of one book in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from sqlalchemy.engine import Connection

from sakip.periods import quarter_end_month
from sinks.report.criteria import PolicyInfo, policy_info
from sinks.report.data import override_rows, select_view


@dataclass(frozen=True)
class BookData:
    """The rows of one quarter's book (frames shaped like the views they come from)."""

    year: int
    quarter: int
    budget_group: pd.DataFrame
    ranking: pd.DataFrame
    sampling: pd.DataFrame
    inspection: pd.DataFrame
    enforcement: pd.DataFrame
    matrix: pd.DataFrame
    scores: pd.DataFrame
    completeness: pd.DataFrame
    submissions: pd.DataFrame
    policies: dict[str, PolicyInfo] = field(default_factory=dict)
    overrides: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["unit_code", "year", "month", "override_id"]))
    #: The criteria scheme the matrix's capaian are coloured with (the policy cited by the quarter's scores)
    #: and that policy's id; None: no colours.
    band_scheme: Any = None
    band_policy: str | None = None

    @property
    def end_month(self) -> int:
        return quarter_end_month(self.quarter)

    def band_colours(self, values: pd.Series) -> pd.Series | None:
        """The band colour name (``Hijau``, …) of each capaian, by the policy's own band lookup
        (``reference.policy.kriteria_colour``: the rule the scores' kriteria come from); None without a scheme."""
        if self.band_scheme is None:
            return None
        from reference.policy import kriteria_colour

        return kriteria_colour(pd.Series(values, dtype=float).reset_index(drop=True), self.band_scheme)


def _policy_ids(scores: pd.DataFrame) -> list[str]:
    return sorted(scores["policy_id"].dropna().astype(str).unique()) if "policy_id" in scores.columns else []


def load_book_data(conn: Connection, year: int, quarter: int, policy_dir: Path | None = None) -> BookData:
    """Every row of the book for ``year``/``quarter``, read on ``conn`` (one transaction)."""
    month = quarter_end_month(quarter)
    year_only = {"year": year}
    at_end = {"year": year, "month": month}
    scores = select_view(conn, "v_score", "year = :year AND level = 'total'", year_only)
    current = scores[scores["quarter"] == quarter]
    policies: dict[str, PolicyInfo] = {}
    first_unit: dict[str, str] = {}
    for pid in _policy_ids(current):
        first_unit[pid] = str(current.loc[current["policy_id"] == pid, "unit_code"].iloc[0])
        policies[pid] = policy_info(first_unit[pid], year, pid, policy_dir)
    band_policy = next(iter(sorted(policies)), None)
    return BookData(
        year=year, quarter=quarter,
        budget_group=select_view(conn, "v_budget_national", "year = :year AND month <= :month", at_end),
        ranking=select_view(conn, "v_budget_ranking", "year = :year AND month = :month", at_end),
        sampling=select_view(conn, "v_sampling_national", "year = :year AND month = :month", at_end),
        inspection=select_view(conn, "v_inspection_national", "year = :year AND month = :month", at_end),
        enforcement=select_view(conn, "v_enforcement_national", "year = :year AND month = :month", at_end),
        matrix=select_view(conn, "v_indicator_matrix", "year = :year AND quarter = :quarter",
                           {"year": year, "quarter": quarter}),
        scores=scores,
        completeness=select_view(conn, "v_reporting_completeness", "year = :year AND month <= :month", at_end),
        submissions=select_view(conn, "v_submission", "year = :year", year_only),
        policies=policies,
        overrides=override_rows(conn, "year = :year AND month <= :month", at_end),
        band_scheme=_scheme(first_unit[band_policy], year, band_policy, policy_dir) if band_policy else None,
        band_policy=band_policy,
    )


def _scheme(unit_code: str, year: int, policy_id: str, policy_dir: Path | None) -> Any:
    """The criteria scheme of the policy ``policy_id`` (cited by the scores of ``unit_code``)."""
    from reference import policy as ref_policy

    folder = Path(policy_dir) if policy_dir is not None else ref_policy.POLICY_DIR
    for path in sorted(folder.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.name != ref_policy.INDEX_FILE else None
        if isinstance(raw, dict) and raw.get("policy_id") == policy_id:
            return ref_policy.load_policy(path).criteria_scheme
    return ref_policy.policy_for(unit_code, year, folder).criteria_scheme
