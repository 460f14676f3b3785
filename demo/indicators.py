"""A unit's indicators for a demo year: annual targets, monthly targets (RAPK) and realisations.

Targets are drawn per unit around the catalogue-typical values of ``data/indicator_profiles.csv``
(Kupang's 2023 PK); the RAPK follows the measurement pattern (flat, cumulative ramp, stage progress,
year end) with Kupang's monthly shapes perturbed per unit. Realisations are cumulative to each month:
count-defined indicators come from the operational counts (so the two always agree), ratios of
decisions from the decisions, the enforcement indicator from the cases, the rest around the target.
Every matrix is (indicators x 12 months), NaN where there is no value.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from demo.operations import Operations, derived_counts, enforcement_progress

DATA = Path(__file__).resolve().parent / "data"
NAN = np.nan
#: Cumulative shapes (share of the annual target reached at each month end; NaN = no target).
SHAPES = {
    "sampling": np.array([10, 14, 25, 30, 34, 48, 50, 70, 84, 90, 90, 100]) / 100,
    "enforcement": np.array([5, 5, 10, 10, 40, 50, 60, 65, 75, 80, 90, 99]) / 99,
    "nka": np.array([NAN, 30, 60, 65, 70, 75, 75, 76, 77, 78, 80, 93.3]) / 93.3,
    "quarterly": np.array([NAN, NAN, 25, 25, 25, 50, 50, 50, 75, 75, 75, 100]) / 100,
}
#: Stage-progress targets (%) of B01-B11; B12 is the annual target in the indicator's own unit.
STAGE_PROGRESS = {
    "umkm_stage": np.array([10, 10, 30, 30, 50, 50, 70, 70, 70, 80, 90], dtype=float),
    "community_stage": np.array([NAN, 5, 10, 25, 25, 35, 50, 65, 70, 80, 90]),
}
#: Highest share of the annual target (or progress) planned before December.
RAMP_CEILING = 0.95
#: Profile of a unit's own indicator (central units), by its measurement.
OWN_PROFILES = {
    "monthly_flat": dict(source="level", shape="flat", target=92.0, target_sd=3.0, decimals=2, cap=100.0,
                         real_bias=2.0, real_sd=4.0, first_month=1, scale_by_type="no"),
    "cumulative": dict(source="level", shape="sampling", target=100.0, target_sd=0.0, decimals=2, cap=100.0,
                       real_bias=-2.0, real_sd=4.0, first_month=1, scale_by_type="no"),
}
#: Which indicator's target drives the compliance of each sample / inspection group.
GROUP_INDICATOR = {"drug_random": "IKU-OBAT-MS", "drug_targeted": "IKU-OBAT-AMAN", "food_random": "IKU-MAKANAN-MS",
                   "food_targeted": "IKU-MAKANAN-AMAN", "fortified": "IKU-FORTIFIKASI-MS",
                   "produksi": "IKU-SARANA-PRODUKSI-MK", "distribusi": "IKU-SARANA-DISTRIBUSI-MK"}
#: Annual count targets scale with the unit's size.
COUNT_SCALE = {"balai_besar": 1.3, "balai": 1.0, "loka": 0.5, "pusat": 1.0}


@lru_cache(maxsize=1)
def indicator_profiles() -> pd.DataFrame:
    """One row per catalogue indicator: how its targets and realisations are drawn."""
    return pd.read_csv(DATA / "indicator_profiles.csv", keep_default_na=False, na_values={"cap": [""]})


def profiles_for(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan skeleton with each indicator's profile (own indicators get a default by measurement)."""
    prof = plan.merge(indicator_profiles().drop(columns="basis"), on="indicator_code", how="left")
    own = prof["source"].isna()
    defaults = pd.DataFrame(list(prof.loc[own, "measurement"].map(OWN_PROFILES)), index=prof.index[own])
    return prof.fillna(defaults).astype({"decimals": int, "first_month": int})


def round_to(values: np.ndarray, decimals: np.ndarray) -> np.ndarray:
    """Round each row (or element) to its own number of decimals."""
    scale = 10.0 ** np.asarray(decimals, dtype=float)
    scale = scale.reshape(-1, *([1] * (values.ndim - 1)))
    return np.round(values * scale) / scale


def annual_targets(prof: pd.DataFrame, unit_type: str, rng: np.random.Generator) -> np.ndarray:
    """The unit's annual target of each indicator, around the typical value, rounded as printed."""
    scale = np.where(prof["scale_by_type"] == "yes", COUNT_SCALE[unit_type], 1.0)
    raw = (prof["target"].to_numpy() + rng.normal(0, 1, len(prof)) * prof["target_sd"].to_numpy()) * scale
    raw = np.minimum(raw, prof["cap"].fillna(np.inf).to_numpy())
    return np.maximum(round_to(raw, prof["decimals"].to_numpy()), 1.0)


def _shape_matrix(shapes: pd.Series, table: dict[str, np.ndarray], width: int) -> np.ndarray:
    """Each row's base shape from ``table`` (NaN rows where the shape is not in the table)."""
    blank = np.full(width, NAN)
    return np.stack([table.get(shape, blank) for shape in shapes])


def rapk(prof: pd.DataFrame, targets: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Monthly targets (cumulative to each month) per indicator, NaN where not measured.

    flat: the annual target from the first measured month; year_end: B12 only; cumulative shapes:
    the unit's perturbed ramp to the annual target; stage shapes: progress % (multiples of 5) in
    B01-B11 and the annual target in its own unit in B12.
    """
    n, months = len(prof), np.arange(1, 13)
    shape = prof["shape"].to_numpy()[:, None]
    t = targets[:, None]
    decimals = prof["decimals"].to_numpy()
    flat = np.where(months >= prof["first_month"].to_numpy()[:, None], t, NAN)
    year_end = np.where(months == 12, t, NAN)
    base = _shape_matrix(prof["shape"], SHAPES, 12) * np.exp(rng.normal(0, 0.08, (n, 12)))
    ramp = np.minimum(np.fmax.accumulate(base, axis=1), RAMP_CEILING)
    ramp[:, -1] = 1.0
    ramp = np.maximum(round_to(t * ramp, decimals), 10.0 ** -decimals[:, None])
    steps = _shape_matrix(prof["shape"], STAGE_PROGRESS, 11) * np.exp(rng.normal(0, 0.1, (n, 11)))
    progress = np.fmax.accumulate(steps, axis=1)
    stage = np.concatenate([np.clip(np.round(progress / 5) * 5, 5, RAMP_CEILING * 100), t], axis=1)
    kinds = [shape == "flat", shape == "year_end", np.isin(shape, list(SHAPES))]
    return np.select(kinds, [flat, year_end, ramp], stage)


def compliance(prof: pd.DataFrame, targets: np.ndarray, rng: np.random.Generator) -> dict[str, float]:
    """Probability that a sample is MS / a facility MK, per group, around the unit's target (the
    catalogue's typical target where the indicator is not in the unit's plan)."""
    table = indicator_profiles().set_index("indicator_code").loc[list(GROUP_INDICATOR.values())]
    target = table.index.map(dict(zip(prof["indicator_code"], targets))).to_series(index=table.index)
    target = target.fillna(table["target"]).to_numpy(dtype=float)
    p = (target + table["real_bias"].to_numpy() + rng.normal(0, 1, len(table)) * table["real_sd"].to_numpy()) / 100
    return dict(zip(GROUP_INDICATOR, np.clip(p, 0.3, 0.995).tolist()))


def event_rates(prof: pd.DataFrame, targets: np.ndarray, rng: np.random.Generator) -> dict[str, float]:
    """Probability that a decision is positive (executed, followed up, on time) per event indicator."""
    rows = prof[prof["source"] == "events"]
    t = pd.Series(targets, index=prof.index)[rows.index]
    p = (t + rows["real_bias"] + rng.normal(0, 1, len(rows)) * rows["real_sd"]) / 100
    return dict(zip(rows["indicator_code"], np.clip(p, 0.2, 1.0)))


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, np.round(num / den * 100, 2), NAN)


def _level(prof: pd.DataFrame, targets: np.ndarray, plan: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Realisations of indicators measured directly (surveys, assessments, progress), per shape."""
    n = len(prof)
    bias = prof["real_bias"].to_numpy()[:, None]
    sd = prof["real_sd"].to_numpy()[:, None]
    cap = prof["cap"].fillna(np.inf).to_numpy()[:, None]
    unit_noise = rng.normal(0, 1, (n, 1)) * sd
    month_noise = rng.normal(0, 1, (n, 12)) * sd / 2
    shape = prof["shape"].to_numpy()[:, None]
    t = targets[:, None]
    flat = np.clip(t + bias + unit_noise + month_noise, 0, cap)
    ramp = np.clip(np.fmax.accumulate(plan * (1 + (bias + unit_noise + month_noise / 2) / t), axis=1), 0, cap)
    progress = np.clip(np.fmax.accumulate(plan * np.exp(rng.normal(0.15, 0.25, (n, 1)) + rng.normal(0, 0.05, (n, 12))),
                                          axis=1), 0, 100)
    is_count = (prof["unit_of_measure"] == "jumlah").to_numpy()[:, None]
    final = np.where(is_count, np.round(t * (1 + bias / t + rng.normal(0, 1, (n, 1)) * sd)),
                     np.clip(t + bias + unit_noise, 0, cap))
    stage = np.concatenate([progress[:, :11], final], axis=1)
    out = np.select([shape == "flat", shape == "year_end", np.isin(shape, list(SHAPES))], [flat, flat, ramp], stage)
    out = round_to(out, prof["decimals"].to_numpy())
    return np.where(np.isnan(plan), NAN, np.maximum(out, 0.0))


def realisations(prof: pd.DataFrame, targets: np.ndarray, plan: np.ndarray, ops: Operations, tested: pd.DataFrame,
                 sample_plans: dict[str, int], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(realisasi, pembilang, penyebut) per indicator x month, cumulative from January.

    ``tested`` is ``side_tested(ops)``, passed in because the caller needs it too (a pivot per unit).
    """
    n = len(prof)
    codes = prof["indicator_code"]
    real = _level(prof, targets, plan, rng)
    num = np.full((n, 12), NAN)
    den = np.full((n, 12), NAN)
    counts = derived_counts(ops)
    events = ops.events.assign(decisions=ops.events.groupby("indicator_code")["decisions"].cumsum(),
                               positive=ops.events.groupby("indicator_code")["positive"].cumsum())
    ratio_source = pd.concat([counts, events.rename(columns={"positive": "numerator", "decisions": "denominator"})])
    wide_num = ratio_source.pivot(index="indicator_code", columns="month", values="numerator")
    wide_den = ratio_source.pivot(index="indicator_code", columns="month", values="denominator")
    has_ratio = codes.isin(wide_num.index).to_numpy() & prof["source"].isin(["counts", "events"]).to_numpy()
    num[has_ratio] = wide_num.loc[codes[has_ratio]].to_numpy()
    den[has_ratio] = wide_den.loc[codes[has_ratio]].to_numpy()
    side = {"IKU-SAMPEL-OBAT-UJI": "drug", "IKU-SAMPEL-MAKANAN-UJI": "food"}
    tested_cum = tested.cumsum()
    for i in np.flatnonzero(prof["source"].to_numpy() == "sample_plan"):  # two indicators
        num[i] = tested_cum[side[codes[i]]].to_numpy()
        den[i] = sample_plans[side[codes[i]]]
    with_ratio = ~np.isnan(den[:, 0])
    real[with_ratio] = _ratio(num[with_ratio], den[with_ratio])
    enforcement = (prof["source"] == "cases").to_numpy()
    if enforcement.any():
        real[enforcement] = np.round(enforcement_progress(ops.cases, ops.cases_planned), 2)
    no_target = np.isnan(plan)
    return (np.where(no_target, NAN, real), np.where(no_target, NAN, num), np.where(no_target, NAN, den))
