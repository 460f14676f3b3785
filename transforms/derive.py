"""One unit-year's derived facts: every transform wired in order, returned per warehouse table.

``derive_unit_year(inputs, policy, deadline_day, tz)`` is the ``Recompute`` that
``sinks.warehouse.load`` runs inside a load's transaction: ``inputs`` is
``sinks.warehouse.read.UnitYearInputs`` (any object with the same frame attributes will do), the
result maps each table of ``schema.DERIVED_TABLES`` to its frame. No I/O except the cached master
frames of ``reference.master`` (derivations, commodities, facility types) when ``reference`` is not
given.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from reference.policy import ScoringPolicy
from transforms.budget import budget_lines, budget_rollup
from transforms.completeness import reporting_status
from transforms.efficiency import efficiency
from transforms.operations import reconcile_indicators
from transforms.scoring import indicator_capaian, quarter_scores

ROLLUP_LEVELS = ("ro", "expense_type", "unit")
_FRAMES = ("plan_sasaran", "plan_indicator", "plan_target", "plan_budget", "plan_rpd", "indicator_month",
           "budget_month", "sampling", "inspection", "overrides", "submissions")


def master_frames() -> dict[str, pd.DataFrame]:
    """The master frames reconciliation needs (cached by ``reference.master``)."""
    from reference import master

    return {"derivations": master.indicator_derivations(), "commodities": master.commodities(),
            "facility_types": master.facility_types()}


def _keyed(inputs: Any) -> dict[str, pd.DataFrame]:
    """The input frames, each carrying the unit-year's unit_code and year."""
    key = {"unit_code": inputs.unit_code, "year": int(inputs.year)}
    return {name: getattr(inputs, name).assign(**key) for name in _FRAMES}


def expected_months(submissions: pd.DataFrame) -> pd.DataFrame:
    """Months a monthly report is expected: January to the latest month any monthly file came for.

    One row per unit × year × month. Without a clock a transform cannot know the current month, so a
    month after the latest report received is not listed (the views cover units that sent nothing).
    """
    monthly = submissions[(submissions["kind"] == "bulanan") & submissions["month"].notna()]
    last = monthly.groupby(["unit_code", "year"], as_index=False)["month"].max()
    grid = last.merge(pd.DataFrame({"_m": range(1, 13)}), how="cross")
    grid = grid[grid["_m"] <= grid["month"]]
    return grid.drop(columns="month").rename(columns={"_m": "month"})[["unit_code", "year", "month"]]


def _status(frames: dict[str, pd.DataFrame], deadline_day: int, tz: str) -> pd.DataFrame:
    """Reporting status of the unit-year's monthly reports."""
    subs = frames["submissions"]
    monthly = subs[(subs["kind"] == "bulanan") & subs["month"].notna()]
    monthly = monthly.assign(month=monthly["month"].astype(int), received_at=pd.to_datetime(
        monthly["received_at"], utc=True))
    return reporting_status(expected_months(subs), monthly, deadline_day, tz)


def derive_unit_year(inputs: Any, policy: ScoringPolicy, deadline_day: int, tz: str,
                     reference: Mapping[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """Every derived fact of one unit-year, keyed by warehouse table name."""
    f, ref = _keyed(inputs), dict(reference or master_frames())
    capaian = indicator_capaian(f["plan_indicator"], f["plan_target"], f["indicator_month"], policy, f["overrides"])
    lines = budget_lines(f["plan_budget"], f["plan_rpd"], f["budget_month"])
    return {
        "fact_capaian_month": capaian,
        "fact_score_quarter": quarter_scores(capaian, f["plan_sasaran"], policy),
        "fact_budget_line_month": lines,
        "fact_budget_rollup_month": pd.concat([budget_rollup(lines, lvl) for lvl in ROLLUP_LEVELS], ignore_index=True),
        "fact_efficiency_quarter": efficiency(capaian, f["plan_indicator"], policy),
        "fact_reconciliation_month": reconcile_indicators(f["indicator_month"], f["sampling"], f["inspection"],
                                                          ref["derivations"], ref["commodities"],
                                                          ref["facility_types"]),
        "fact_reporting_status": _status(f, deadline_day, tz),
    }
