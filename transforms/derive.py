"""Unit-years' derived facts: every transform wired in order, returned per warehouse table.

``derive_unit_years(frames, policy)`` takes the input frames of any number of unit-years (every row
keyed by ``unit_code`` and ``year``; the frames of ``sinks.warehouse.read.BatchInputs``) that share
one scoring policy and runs each transform ONCE over all of them: the transforms are keyed by unit
and year, so a run's hundred unit-years cost one pass, not a hundred. The result maps each unit-year
table of ``schema.DERIVED_TABLES`` to its frame. Unit-years under different policies are derived by
:func:`derive_by_policy`: the policy-scored tables one pass per policy, the others (budget, sampling,
inspection, reconciliation: no policy changes them) one pass over all. Reporting completeness is
national (units that sent nothing count too), so it is computed per year by
``transforms.completeness.year_status``, not here.
No I/O except the cached master frames of ``reference.master`` (derivations, commodities, facility
types) when ``reference`` is not given.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from reference import master
from reference.policy import ScoringPolicy
from transforms.budget import budget_by_indicator, budget_lines, budget_rollup
from transforms.efficiency import efficiency, efficiency_by_sasaran
from transforms.operations import inspection_ytd, reconcile_indicators, sampling_ytd
from transforms.scoring import indicator_capaian, quarter_scores

ROLLUP_LEVELS = ("ro", "expense_type", "unit")
#: The input frames the transforms read (a ``BatchInputs`` / ``UnitYearInputs`` holds more).
INPUT_FRAMES = ("plan_sasaran", "plan_indicator", "plan_target", "plan_budget", "plan_rpd", "indicator_month",
                "budget_month", "sampling", "inspection", "overrides")
UnitYear = tuple[str, int]


def master_frames() -> dict[str, pd.DataFrame]:
    """The master frames reconciliation needs (cached by ``reference.master``)."""
    return {"derivations": master.indicator_derivations(), "commodities": master.commodities(),
            "facility_types": master.facility_types()}


def of_unit_years(frames: Mapping[str, pd.DataFrame], pairs: Iterable[UnitYear]) -> dict[str, pd.DataFrame]:
    """The input frames restricted to the unit-years ``pairs`` (one mask per frame)."""
    wanted = pd.MultiIndex.from_tuples(sorted({(str(u), int(y)) for u, y in pairs}), names=["unit_code", "year"])
    out = {}
    for name in INPUT_FRAMES:
        frame = frames[name]
        keys = pd.MultiIndex.from_arrays([frame["unit_code"].astype(str), frame["year"].astype(int)])
        out[name] = frame[keys.isin(wanted)].reset_index(drop=True)
    return out


def _scored(f: Mapping[str, pd.DataFrame], policy: ScoringPolicy) -> dict[str, pd.DataFrame]:
    """The tables whose rows depend on the scoring policy: capaian, scores, spending per indicator, efficiency."""
    capaian = indicator_capaian(f["plan_indicator"], f["plan_target"], f["indicator_month"], policy, f["overrides"])
    scores = quarter_scores(capaian, f["plan_sasaran"], policy)
    indicator_efficiency = efficiency(capaian, f["plan_indicator"], policy)
    return {
        "fact_capaian_month": capaian,
        "fact_score_quarter": scores,
        "fact_budget_indicator_month": budget_by_indicator(capaian, f["plan_indicator"]),
        "fact_efficiency_quarter": indicator_efficiency,
        "fact_efficiency_sasaran_quarter": efficiency_by_sasaran(indicator_efficiency, scores, policy),
    }


def _unscored(f: Mapping[str, pd.DataFrame], ref: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables no policy changes: budget lines and roll-ups, sampling, inspection, reconciliation."""
    lines = budget_lines(f["plan_budget"], f["plan_rpd"], f["budget_month"])
    return {
        "fact_budget_line_month": lines,
        "fact_budget_rollup_month": pd.concat([budget_rollup(lines, lvl) for lvl in ROLLUP_LEVELS], ignore_index=True),
        "fact_sampling_ytd": sampling_ytd(f["sampling"]),
        "fact_inspection_ytd": inspection_ytd(f["inspection"]),
        "fact_reconciliation_month": reconcile_indicators(f["indicator_month"], f["sampling"], f["inspection"],
                                                          ref["derivations"], ref["commodities"],
                                                          ref["facility_types"]),
    }


def derive_unit_years(frames: Mapping[str, pd.DataFrame], policy: ScoringPolicy,
                      reference: Mapping[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """Every derived fact of the unit-years in ``frames`` (all under ``policy``), keyed by table name."""
    f, ref = {name: frames[name] for name in INPUT_FRAMES}, dict(reference or master_frames())
    return {**_scored(f, policy), **_unscored(f, ref)}


def _grouped(frame: pd.DataFrame, rank: pd.Series) -> pd.DataFrame:
    """The frame's rows ordered by the rank of their unit-year (stable: the order within a rank kept)."""
    if frame.empty:
        return frame
    keys = pd.MultiIndex.from_arrays([frame["unit_code"].astype(str), frame["year"].astype(int)])
    of_row = rank.reindex(keys).to_numpy()
    if (of_row[1:] >= of_row[:-1]).all():  # already in rank order
        return frame
    return frame.take(np.argsort(of_row, kind="stable")).reset_index(drop=True)


def derive_by_policy(frames: Mapping[str, pd.DataFrame], policies: Mapping[UnitYear, ScoringPolicy],
                     reference: Mapping[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """Derived facts of every unit-year of ``policies``: the policy-scored tables in one pass of the
    transforms per distinct policy, the others in one pass over all the unit-years (their rows then put
    in the policies' order, as one pass per policy would give them)."""
    groups: dict[str, list[UnitYear]] = {}
    by_id: dict[str, ScoringPolicy] = {}
    for pair, policy in policies.items():
        groups.setdefault(policy.policy_id, []).append(pair)
        by_id[policy.policy_id] = policy
    if not groups:
        return {}
    ref = dict(reference or master_frames())
    if len(groups) == 1:
        (pid, pairs), = groups.items()
        return derive_unit_years(of_unit_years(frames, pairs), by_id[pid], ref)
    scored = [_scored(of_unit_years(frames, pairs), by_id[pid]) for pid, pairs in groups.items()]
    everyone = of_unit_years(frames, [pair for pairs in groups.values() for pair in pairs])
    rank = pd.Series([i for i, pairs in enumerate(groups.values()) for _ in pairs],
                     index=pd.MultiIndex.from_tuples([(str(u), int(y)) for pairs in groups.values() for u, y in pairs]))
    unscored = {name: _grouped(frame, rank) for name, frame in _unscored(everyone, ref).items()}
    return {**{name: pd.concat([p[name] for p in scored], ignore_index=True) for name in scored[0]}, **unscored}


def derive_unit_year(inputs: Any, policy: ScoringPolicy,
                     reference: Mapping[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """Every derived fact of one unit-year (``sinks.warehouse.read.UnitYearInputs`` or any object with
    the same frame attributes); the same code as a batch of one."""
    key = {"unit_code": inputs.unit_code, "year": int(inputs.year)}
    return derive_unit_years({name: getattr(inputs, name).assign(**key) for name in INPUT_FRAMES}, policy, reference)


