"""A unit's budget for a demo year: pagu per RO x jenis belanja, RPD, monthly spending, RO volumes
and the split of budget and spending over the indicators.

The unit pagu scales with its type (Kupang, a Balai, had Rp 30,2 bn in 2023) and is shared over the
RO lines like Kupang's DIPA (seed 003 section 4.1), rounded to thousands. Some units have a few percent
of their goods budget blocked (Pagu Setelah AA < Pagu). The RPD follows the usual absorption curve (low
January-March, heavy November-December; salaries flat with THR in April and the 13th salary in June)
and sums exactly to Pagu; spending follows the RPD with noise and never passes Pagu Setelah AA.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from demo.operations import MONTHS, SEASON, TYPE_SCALE
from demo.rng import integer_split
from reference import master

DATA = Path(__file__).resolve().parent / "data"
PAGU_MEDIAN_RP = {"balai_besar": 42e9, "balai": 30e9, "loka": 12e9, "pusat": 40e9}
PAGU_SIGMA = {"balai_besar": 0.2, "balai": 0.2, "loka": 0.2, "pusat": 0.6}
#: Disbursement plan shape per jenis belanja (relative weights of the twelve months).
RPD_CURVES = {
    "51": np.array([1, 1, 1, 1.9, 1, 1.9, 1, 1, 1, 1, 1, 1.0]),
    "52": np.array([2, 5, 7, 8, 8, 9, 8, 9, 10, 10, 11, 13.0]),
    "53": np.array([0, 0, 2, 4, 8, 14, 10, 10, 12, 10, 12, 18.0]),
}
#: Share of EBA.994 (office services) that is salaries (51).
SALARY_SHARE = (0.68, 0.80)
#: Share of units with blocked funds, and the blocked share of their 52 lines.
BLOCKED_UNITS = 0.35
BLOCKED_SHARE = (0.02, 0.08)


@lru_cache(maxsize=1)
def ro_profiles() -> pd.DataFrame:
    """One row per catalogue RO: Kupang's pagu (share basis), central share, volume target and source."""
    return pd.read_csv(DATA / "ro_profiles.csv", keep_default_na=False, na_values={"central_share": [""]})


@dataclass(frozen=True)
class Budget:
    """Budget lines (one row per RO x jenis belanja) and their monthly figures (lines x 12)."""

    lines: pd.DataFrame          # ro_code, ro_name, expense_type, volume_unit, pagu_rp, pagu_after_aa_rp, volume_target
    rpd: np.ndarray              # planned disbursement per month, rupiah (int)
    spent: np.ndarray            # spending this month, rupiah (int)
    volume_cum: np.ndarray       # output volume to date (NaN = not reported on this line)
    progress: np.ndarray         # progress % (NaN = not reported)


def pagu(lines: pd.DataFrame, unit_type: str, rng: np.random.Generator) -> pd.DataFrame:
    """Pagu and Pagu Setelah AA per line (multiples of Rp 1.000 summing to a unit pagu in millions)."""
    prof = ro_profiles().set_index("ro_code")
    total = round(PAGU_MEDIAN_RP[unit_type] * rng.lognormal(0, PAGU_SIGMA[unit_type]) / 1e6) * 1_000_000
    basis = prof["central_share"] if unit_type == "pusat" else prof["kupang_pagu_rp"].astype(float)
    weight = lines["ro_code"].map(basis).to_numpy() * rng.lognormal(0, 0.25, len(lines))
    salary = rng.uniform(*SALARY_SHARE)
    per_ro = lines.groupby("ro_code")["expense_type"].transform("size").to_numpy()
    split = np.where(per_ro == 1, 1.0, np.where(lines["expense_type"] == "51", salary, 1 - salary))
    amounts = integer_split(np.array([total]), (weight * split)[None, :], step=1000)[0]
    blocked = rng.random() < BLOCKED_UNITS
    share = rng.uniform(*BLOCKED_SHARE, len(lines)) * (lines["expense_type"] == "52").to_numpy() * blocked
    after_aa = amounts - np.round(amounts * share / 1000).astype(np.int64) * 1000
    return lines.assign(pagu_rp=amounts, pagu_after_aa_rp=after_aa)


def rpd(lines: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Monthly disbursement plan per line, in thousands of rupiah, each row summing to its Pagu."""
    curves = np.stack([RPD_CURVES[t] for t in lines["expense_type"]])
    weights = curves * rng.lognormal(0, 0.15, curves.shape)
    return integer_split(lines["pagu_rp"].to_numpy(), weights, step=1000)


def spending(lines: pd.DataFrame, plan: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """This month's spending per line: the RPD with noise (salaries close to plan), in whole rupiah,
    cumulative spending stopping at 94-99.5 % of Pagu Setelah AA."""
    salary = (lines["expense_type"] == "51").to_numpy()[:, None]
    factor = np.where(salary, rng.normal(0.985, 0.02, plan.shape), rng.normal(0.93, 0.14, plan.shape))
    raw = np.floor(plan * np.clip(factor, 0.2, 1.6)) + rng.integers(0, 1000, plan.shape) * (plan > 0)
    cap = np.floor(lines["pagu_after_aa_rp"].to_numpy() * rng.uniform(0.94, 0.995, len(lines)))
    cum = np.minimum(np.cumsum(raw, axis=1), cap[:, None])
    return np.diff(cum, axis=1, prepend=0).astype(np.int64)


def _ramp(target: float, rng: np.random.Generator) -> np.ndarray:
    """A countable output reached along the season, ending near its target."""
    share = np.cumsum(SEASON * rng.lognormal(0, 0.15, 12))
    share = share / share[-1] * rng.uniform(0.92, 1.05)
    return np.floor(target * share)


def _progress(rng: np.random.Generator) -> np.ndarray:
    """Progress % of a non-countable output (office services, equipment), 100 in December."""
    share = np.cumsum(SEASON * rng.lognormal(0, 0.2, 12))
    return np.round(share / share[-1] * 100, 2)


def volumes(lines: pd.DataFrame, unit_type: str, drivers: dict[str, tuple[float, np.ndarray | None, np.ndarray | None]],
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(volume target, volume to date x 12, progress % x 12) per line; only the first line of an RO
    reports its volume. ``drivers`` maps a volume source to (target, cumulative volume, progress)
    taken from the operations and indicators; other ROs ramp (countable) or report progress."""
    prof = ro_profiles().set_index("ro_code")
    scale = max(TYPE_SCALE[unit_type], 0.5)
    target = np.full(len(lines), np.nan)
    cum = np.full((len(lines), 12), np.nan)
    progress = np.full((len(lines), 12), np.nan)
    first = ~lines["ro_code"].duplicated().to_numpy()
    for i, code in enumerate(lines["ro_code"]):  # ~20 RO lines
        if not first[i]:
            continue
        source = prof.loc[code, "volume_source"]
        if source in drivers:
            target[i], volume, prog = drivers[source]
            cum[i] = np.nan if volume is None else volume
            progress[i] = np.nan if prog is None else prog
        elif source == "ramp":
            target[i] = max(1, round(float(prof.loc[code, "volume_target"]) * scale * rng.lognormal(0, 0.2)))
            cum[i] = _ramp(target[i], rng)
        else:
            target[i] = 1
            cum[i] = (MONTHS == 12).astype(float)
            progress[i] = _progress(rng)
    return target, cum, progress


def allocation_matrix(lines: pd.DataFrame, codes: list[str], rng: np.random.Generator) -> np.ndarray:
    """Share of each line (rows) attributed to each indicator (columns); rows sum to 1. A line goes
    to the indicators its RO serves (master data links) in equal parts; other lines spread over all
    indicators with the unit's weights, salaries half to IP ASN."""
    ro = master.rincian_output()
    links = (ro["related_indicator_codes"] + "|" + ro["related_indicator_codes_inferred"]).str.split("|")
    pairs = pd.DataFrame({"ro_code": ro["ro_code"], "indicator_code": links}).explode("indicator_code")
    pairs = pairs[pairs["indicator_code"].isin(codes)]
    line_links = lines[["ro_code"]].reset_index(names="line").merge(pairs, on="ro_code")
    linked = pd.crosstab(line_links["line"], line_links["indicator_code"]).reindex(
        index=range(len(lines)), columns=codes, fill_value=0).to_numpy(dtype=float)
    general = rng.dirichlet(np.full(len(codes), 2.0))
    salary = general / 2 + 0.5 * (np.array(codes) == "IKU-IP-ASN") if "IKU-IP-ASN" in codes else general
    is_salary = (lines["expense_type"] == "51").to_numpy()[:, None]
    unlinked = np.where(is_salary, salary, general)
    has_link = linked.sum(axis=1, keepdims=True) > 0
    return np.where(has_link, linked / np.maximum(linked.sum(axis=1, keepdims=True), 1), unlinked)


def indicator_amounts(matrix: np.ndarray, budget: Budget) -> tuple[np.ndarray, np.ndarray]:
    """(allocation per indicator, cumulative spending per indicator x month) in whole rupiah, summing
    exactly to the total pagu and to the cumulative spending of the lines."""
    pagu_rp = budget.lines["pagu_rp"].to_numpy()
    allocation = integer_split(np.array([pagu_rp.sum()]), (pagu_rp @ matrix)[None, :])[0]
    cum = np.cumsum(budget.spent, axis=1)
    weights = (matrix.T @ cum).T + 1e-9
    spent_cum = integer_split(cum.sum(axis=0), weights).T
    return allocation, spent_cum
