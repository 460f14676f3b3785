"""One unit-year's derived facts: every transform wired in order, returned per warehouse table.

``derive_unit_year(inputs, policy, deadline_day, tz)`` is the ``Recompute`` that
``sinks.warehouse.load`` runs inside a load's transaction: ``inputs`` is
``sinks.warehouse.read.UnitYearInputs`` (any object with the same frame attributes will do), the
result maps each unit-year table of ``schema.DERIVED_TABLES`` to its frame. Reporting completeness is
national (units that sent nothing count too), so it is computed per year by
``transforms.completeness.year_status``, not here. No I/O except the cached master
frames of ``reference.master`` (derivations, commodities, facility types) when ``reference`` is not
given.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from reference.policy import ScoringPolicy
from transforms.budget import budget_by_indicator, budget_lines, budget_rollup
from transforms.efficiency import efficiency
from transforms.operations import TOTAL_CODE, inspection_totals, reconcile_indicators, sampling_totals
from transforms.scoring import indicator_capaian, quarter_scores

ROLLUP_LEVELS = ("ro", "expense_type", "unit")
_FRAMES = ("plan_sasaran", "plan_indicator", "plan_target", "plan_budget", "plan_rpd", "indicator_month",
           "budget_month", "sampling", "inspection", "overrides")


def master_frames() -> dict[str, pd.DataFrame]:
    """The master frames reconciliation needs (cached by ``reference.master``)."""
    from reference import master

    return {"derivations": master.indicator_derivations(), "commodities": master.commodities(),
            "facility_types": master.facility_types()}


def _keyed(inputs: Any) -> dict[str, pd.DataFrame]:
    """The input frames, each carrying the unit-year's unit_code and year."""
    key = {"unit_code": inputs.unit_code, "year": int(inputs.year)}
    return {name: getattr(inputs, name).assign(**key) for name in _FRAMES}


def derive_unit_year(inputs: Any, policy: ScoringPolicy, deadline_day: int | None = None, tz: str | None = None,
                     reference: Mapping[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """Every derived fact of one unit-year, keyed by warehouse table name.

    ``deadline_day`` and ``tz`` are accepted for the caller's convenience and unused here (reporting
    completeness is computed nationally, see the module docstring)."""
    f, ref = _keyed(inputs), dict(reference or master_frames())
    capaian = indicator_capaian(f["plan_indicator"], f["plan_target"], f["indicator_month"], policy, f["overrides"])
    lines = budget_lines(f["plan_budget"], f["plan_rpd"], f["budget_month"])
    return {
        "fact_capaian_month": capaian,
        "fact_score_quarter": quarter_scores(capaian, f["plan_sasaran"], policy),
        "fact_budget_line_month": lines,
        "fact_budget_rollup_month": pd.concat([budget_rollup(lines, lvl) for lvl in ROLLUP_LEVELS], ignore_index=True),
        "fact_budget_indicator_month": budget_by_indicator(capaian, f["plan_indicator"]),
        "fact_efficiency_quarter": efficiency(capaian, f["plan_indicator"], policy),
        "fact_sampling_ytd": pd.concat([sampling_totals(f["sampling"], by=["commodity", "method"]),
                                        sampling_totals(f["sampling"]).assign(commodity=TOTAL_CODE, method=TOTAL_CODE)],
                                       ignore_index=True),
        "fact_inspection_ytd": pd.concat([inspection_totals(f["inspection"], by=["facility_type"]),
                                          inspection_totals(f["inspection"]).assign(facility_type=TOTAL_CODE)],
                                         ignore_index=True),
        "fact_reconciliation_month": reconcile_indicators(f["indicator_month"], f["sampling"], f["inspection"],
                                                          ref["derivations"], ref["commodities"],
                                                          ref["facility_types"]),
    }
