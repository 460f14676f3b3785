"""Capaian per indicator and the SAKIP scores: NPS per sasaran, perspective, NPS TOTAL, kriteria.

The rules (domain.md, "Formulas") each live once here or in ``reference.policy``:
- capaian = realisasi / target × 100 (lower is better: (2·target − realisasi) / target × 100, ≥ 0);
  no target, no realisation or a zero target → not measured (NaN), excluded from every average;
- the policy's cap, per indicator, before averaging; manual overrides after it, each citing its id;
- NPS = Σ(w·c)/Σw over measured indicators; perspective = mean of measured SK NPS; NPS TOTAL = mean
  of measured perspectives; all from unrounded values;
- kriteria from the policy's band scheme on the value rounded half up (``reference.policy``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from reference.master import POLARITY
from reference.policy import ScoringPolicy, kriteria, round_half_up
from transforms.common import as_bool, quarter_end_rows, weighted_means, with_quarter

__all__ = ["round_half_up", "capaian_pct", "indicator_capaian", "quarter_scores", "CAPAIAN_COLUMNS",
           "SCORE_COLUMNS", "LEVELS"]

CAPAIAN_COLUMNS = ["unit_code", "year", "month", "quarter", "sk_code", "indicator_code", "weight", "target",
                   "realisasi", "numerator", "denominator", "spent_cum_rp", "measured", "capaian_raw_pct",
                   "capaian_pct", "override_id", "kriteria"]
SCORE_COLUMNS = ["unit_code", "year", "quarter", "level", "item_code", "parent_code", "value_raw_pct",
                 "value_pct", "kriteria", "n_measured", "policy_id"]
LEVELS = ("indicator", "sasaran", "perspective", "total")
TOTAL_CODE = "TOTAL"
_POLARITIES = set(POLARITY.values())
_UNIT_YEAR = ["unit_code", "year"]


# -------------------------------------------------------------------------------- capaian formula
def capaian_pct(realisasi: pd.Series, target: pd.Series, polarity: pd.Series) -> pd.Series:
    """Achievement % of each indicator-period, unrounded.

    higher_is_better: realisasi / target × 100; lower_is_better: (2·target − realisasi) / target × 100
    floored at 0. NaN (not measured) where target or realisasi is missing or the target is 0.
    ``polarity`` holds the catalogue words (higher_is_better / lower_is_better).
    """
    real = pd.to_numeric(realisasi, errors="coerce").astype(float)
    tgt = pd.to_numeric(target, errors="coerce").astype(float)
    tgt = tgt.where(tgt != 0)
    higher = real / tgt * 100
    lower = ((2 * tgt - real) / tgt * 100).clip(lower=0)
    is_lower = pd.Series(polarity, index=real.index).astype("string").eq("lower_is_better").fillna(False)
    return pd.Series(np.where(is_lower.to_numpy(bool), lower, higher), index=real.index, name="capaian_pct")


def _canonical_polarity(polarity: pd.Series) -> pd.Series:
    """Workbook words (naik/turun) or catalogue words → catalogue words; unknown words raise."""
    canonical = polarity.astype("string").str.strip().replace(POLARITY)
    unknown = set(canonical.dropna().unique()) - _POLARITIES
    if unknown:
        raise ValueError(f"unknown polarity {sorted(unknown)}; expected {sorted(POLARITY)} or {sorted(_POLARITIES)}")
    return canonical


def _effective_weight(plan: pd.DataFrame, policy: ScoringPolicy) -> pd.Series:
    """Plan Bobot (blank → 1) or 1 under 'equal', times the IKU multiplier for IKU indicators."""
    base = pd.to_numeric(plan["weight"], errors="coerce").fillna(1.0) if policy.weights.source == "plan" else 1.0
    iku = as_bool(plan["is_iku"]) if "is_iku" in plan else pd.Series(False, index=plan.index)
    return base * np.where(iku, policy.weights.iku_weight, 1.0)


# ------------------------------------------------------------------------------------ indicators
def _grid(plan_indicators: pd.DataFrame, realisations: pd.DataFrame) -> pd.DataFrame:
    """Every plan indicator × every month its unit reported (one row per unit × year × month × indicator)."""
    months = realisations[[*_UNIT_YEAR, "month"]].drop_duplicates()
    return plan_indicators.merge(months, on=_UNIT_YEAR)


def _id_column(ids: pd.Series) -> pd.Series:
    """Override ids in their own type: whole numbers as nullable integers, anything else as text."""
    numeric = pd.to_numeric(ids, errors="coerce")
    if numeric.notna().sum() == ids.notna().sum() and (numeric.dropna() % 1 == 0).all():
        return numeric.astype("Int64")
    return ids.astype("string")


def _apply_overrides(frame: pd.DataFrame, overrides: pd.DataFrame | None) -> pd.DataFrame:
    """capaian_pct replaced by the latest override of its unit-month-indicator; override_id recorded."""
    keys = ["unit_code", "year", "month", "indicator_code"]
    if overrides is None or overrides.empty:
        return frame.assign(override_id=pd.Series(pd.NA, index=frame.index, dtype="Int64"))
    latest = (overrides.sort_values("set_at").drop_duplicates(keys, keep="last")
              [keys + ["capaian_pct", "override_id"]].rename(columns={"capaian_pct": "_override_pct"}))
    merged = frame.merge(latest, on=keys, how="left")
    overridden = merged["override_id"].notna()
    return merged.assign(capaian_pct=merged["_override_pct"].where(overridden, merged["capaian_pct"]),
                         override_id=_id_column(merged["override_id"])).drop(columns="_override_pct")


def indicator_capaian(plan_indicators: pd.DataFrame, targets: pd.DataFrame, realisations: pd.DataFrame,
                      policy: ScoringPolicy, overrides: pd.DataFrame | None = None) -> pd.DataFrame:
    """Capaian of every plan indicator in every month its unit reported.

    One row per unit × year × month × indicator (columns ``CAPAIAN_COLUMNS``): target from RAPK long
    form, realisasi (cumulative) and its counts, spent_cum_rp, weight (policy-effective), measured,
    capaian_raw_pct (uncapped), capaian_pct (capped by ``policy.cap_pct``, then overridden),
    override_id (the override applied, else missing), kriteria of capaian_pct.
    Overrides frame columns: ``reference.policy.OVERRIDE_COLUMNS``.
    """
    plan = plan_indicators.assign(polarity=_canonical_polarity(plan_indicators["polarity"]),
                                  weight=_effective_weight(plan_indicators, policy))
    facts = ["realisasi", "numerator", "denominator", "spent_cum_rp"]
    frame = (_grid(plan, realisations)
             .merge(targets[[*_UNIT_YEAR, "indicator_code", "month", "target"]], how="left",
                    on=[*_UNIT_YEAR, "indicator_code", "month"])
             .merge(realisations.reindex(columns=[*_UNIT_YEAR, "month", "indicator_code", *facts]), how="left",
                    on=[*_UNIT_YEAR, "month", "indicator_code"]))
    raw = capaian_pct(frame["realisasi"], frame["target"], frame["polarity"])
    capped = raw.clip(upper=policy.cap_pct) if policy.cap_pct is not None else raw
    frame = _apply_overrides(frame.assign(capaian_raw_pct=raw, capaian_pct=capped, measured=raw.notna()), overrides)
    labels = kriteria(frame["capaian_pct"], policy.criteria_scheme, policy.na_labels.indicator, policy.display_decimals)
    return with_quarter(frame.assign(kriteria=labels))[CAPAIAN_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------------------------------- scores
def _labelled(scores: pd.DataFrame, policy: ScoringPolicy) -> pd.DataFrame:
    """Add kriteria (of value_pct; where it is missing, the NA label of the row's level) and policy_id to
    every level's values at once."""
    labels = kriteria(scores["value_pct"], policy.criteria_scheme, policy.na_labels.indicator,
                      policy.display_decimals).to_numpy()
    na_label = scores["level"].map({level: getattr(policy.na_labels, level) for level in LEVELS}).to_numpy(object)
    return scores.assign(kriteria=np.where(scores["value_pct"].isna().to_numpy(), na_label, labels),
                         policy_id=policy.policy_id)


def _indicator_level(capaian: pd.DataFrame) -> pd.DataFrame:
    """One row per unit × year × quarter × indicator: the quarter-end month's capaian."""
    rows = quarter_end_rows(capaian)
    values = pd.DataFrame({
        "unit_code": rows["unit_code"], "year": rows["year"], "quarter": rows["quarter"],
        "item_code": rows["indicator_code"], "parent_code": rows["sk_code"],
        "value_raw_pct": rows["capaian_raw_pct"], "value_pct": rows["capaian_pct"],
        "n_measured": rows["capaian_pct"].notna().astype(int), "weight": rows["weight"]})
    return values.assign(level="indicator")


def _roll_up(children: pd.DataFrame, keys: list[str], weighted: bool) -> pd.DataFrame:
    """Weighted (or plain) mean of the children's raw and adjusted values per group, n of measured."""
    means = weighted_means(children, keys, ["value_raw_pct", "value_pct"], "weight" if weighted else None,
                           count_present="value_pct")
    return means.rename(columns={"n_present": "n_measured"})


def _sasaran_level(indicators: pd.DataFrame, plan_sasaran: pd.DataFrame) -> pd.DataFrame:
    """One row per unit × year × quarter × SK of the plan: NPS = Σ(w·c)/Σw over measured indicators."""
    keys = ["unit_code", "year", "quarter", "parent_code"]
    nps = _roll_up(indicators, keys, weighted=True).rename(columns={"parent_code": "item_code"})
    sas = plan_sasaran[[*_UNIT_YEAR, "sk_code", "perspective"]].rename(
        columns={"sk_code": "item_code", "perspective": "parent_code"})
    quarters = indicators[[*_UNIT_YEAR, "quarter"]].drop_duplicates()
    values = sas.merge(quarters, on=_UNIT_YEAR).merge(nps, how="left", on=[*_UNIT_YEAR, "quarter", "item_code"])
    return values.assign(n_measured=values["n_measured"].fillna(0).astype(int), weight=1.0, level="sasaran")


def _upper_level(children: pd.DataFrame, level: str, parent: str | None) -> pd.DataFrame:
    """Mean of the children's values per parent_code (perspective, or the unit total)."""
    nps = _roll_up(children, ["unit_code", "year", "quarter", "parent_code"], weighted=False)
    return nps.rename(columns={"parent_code": "item_code"}).assign(parent_code=parent, weight=1.0, level=level)


def quarter_scores(capaian: pd.DataFrame, plan_sasaran: pd.DataFrame, policy: ScoringPolicy) -> pd.DataFrame:
    """Scores of every quarter whose end month (3/6/9/12) was reported.

    One row per unit × year × quarter × level × item (columns ``SCORE_COLUMNS``): level 'indicator'
    (item = indicator_code, parent = sk_code), 'sasaran' (sk_code, parent = perspective),
    'perspective' (perspective name, parent 'TOTAL'), 'total' (item 'TOTAL'). value_raw_pct comes
    from uncapped capaian, value_pct from adjusted capaian; kriteria is of value_pct, with the
    policy's NA label of the level where nothing was measured; n_measured counts the measured children.
    """
    indicators = _indicator_level(capaian)
    sasaran = _sasaran_level(indicators, plan_sasaran)
    perspective = _upper_level(sasaran, "perspective", TOTAL_CODE)
    total = _upper_level(perspective.assign(parent_code=TOTAL_CODE), "total", None)
    out = _labelled(pd.concat([indicators, sasaran, perspective, total], ignore_index=True), policy)
    return _in_report_order(out, plan_sasaran)


def _in_report_order(scores: pd.DataFrame, plan_sasaran: pd.DataFrame) -> pd.DataFrame:
    """Rows by unit, year, quarter, level; perspectives in plan order, the rest as computed."""
    plan = plan_sasaran.sort_values("sk_order") if "sk_order" in plan_sasaran else plan_sasaran
    rank = {name: i for i, name in enumerate(pd.unique(plan["perspective"]))}
    level = scores["level"].map({lvl: i for i, lvl in enumerate(LEVELS)})
    within = scores["item_code"].map(rank).where(scores["level"] == "perspective", 0)
    out = scores.assign(_level=level, _within=within).sort_values(
        ["unit_code", "year", "quarter", "_level", "_within"], kind="stable")
    return out.assign(n_measured=out["n_measured"].astype(int))[SCORE_COLUMNS].reset_index(drop=True)
