"""One unit's clean demo year: its plan and its twelve monthly reports as canonical frames.

Nothing here writes files or plants mistakes: ``unit_year`` is a pure function of (unit, year, seed)
returning the workbooks' contents, so tests can compare them and the writer can plant mistakes on top.
A clean report validates with no problem: capaian below 100 always comes with Kendala and Rencana
Tindak Lanjut, cumulative indicators never fall, counts and the indicators defined from them agree,
indicator spending adds up to RO spending, and spending stays within Pagu Setelah AA.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from demo import budget as bud
from demo import indicators as ind
from demo import operations as ops_mod
from demo.phrases import obstacles, person
from demo.rng import stream
from reference import master
from sakip.periods import ROMAN, quarter_of
from sakip.settings import get_settings
from schemas import contract
from sinks.templates import unit_budget_skeleton, unit_plan_skeleton

MONTH_COLS = list(contract.MONTH_COLUMNS)
#: Share of monthly reports sent after the deadline (the settings' ``deadline_day``).
LATE_SHARE = 0.08


@dataclass(frozen=True)
class Content:
    """What one workbook holds: its kind, the Identitas values and the data frames (canonical columns)."""

    kind: contract.WorkbookKind
    identity: dict[str, Any]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitYear:
    """A unit's clean year: the plan and the monthly reports January-December."""

    unit_code: str
    unit_type: str
    year: int
    plan: Content
    months: dict[int, Content]


def _operations(unit_code: str, unit_type: str, year: int, seed: int, prof: pd.DataFrame,
                targets: np.ndarray) -> ops_mod.Operations:
    """Samples, inspections, decisions and cases; central units only have cases where they investigate."""
    rng = stream(seed, year, unit_code, "compliance")
    rates = ind.compliance(prof, targets, rng)
    central = unit_type == "pusat"
    empty_s, empty_i = ops_mod.empty(ops_mod.SAMPLING_COLUMNS), ops_mod.empty(ops_mod.INSPECTION_COLUMNS)
    sampling = empty_s if central else ops_mod.sampling(unit_type, stream(seed, year, unit_code, "sampling"), rates)
    inspection = empty_i if central else ops_mod.inspection(unit_type, stream(seed, year, unit_code, "inspection"),
                                                            rates)
    event_codes = prof.loc[prof["source"] == "events", "indicator_code"].tolist()
    events = ops_mod.events(event_codes, unit_type, stream(seed, year, unit_code, "events"),
                            ind.event_rates(prof, targets, rng))
    investigates = not central or "Penyidikan" in master.units().set_index("code").loc[unit_code, "name"]
    if investigates:
        cases, planned = ops_mod.cases(unit_code, unit_type, year, stream(seed, year, unit_code, "cases"))
    else:
        cases, planned = ops_mod.empty(ops_mod.CASE_COLUMNS), 0
    return ops_mod.Operations(sampling, inspection, events, cases, planned)


def _sample_plans(tested: pd.DataFrame, rng: np.random.Generator) -> dict[str, int]:
    """The year's planned samples per side (``tested``: per month and side): the actual total is 92-100 %
    of the plan."""
    totals = tested.sum(axis=0)
    return {side: int(np.ceil(max(total, 1) / rng.uniform(0.92, 1.0))) for side, total in totals.items()}


def _volume_drivers(prof: pd.DataFrame, targets: np.ndarray, real: np.ndarray, ops: ops_mod.Operations,
                    tested: pd.DataFrame, plans: dict[str, int], unit_type: str,
                    rng: np.random.Generator) -> dict[str, tuple]:
    """Volume target, volume to date and progress of the ROs tied to operations or indicators
    (``tested``: samples tested per month and side, ``operations.side_tested``)."""
    drivers: dict[str, tuple] = {}
    if not ops.sampling.empty:
        tested_cum = tested.cumsum()
        for source, side in (("samples_drug", "drug"), ("samples_food", "food"), ("samples_fortif", "fortified")):
            drivers[source] = (plans[side], tested_cum[side].to_numpy().astype(float), None)
        insp = ops.inspection.groupby(["group", "month"])["inspected"].sum().unstack("month").cumsum(axis=1)
        for source, group in (("insp_prod", "produksi"), ("insp_dist", "distribusi")):
            cum = insp.loc[group].to_numpy().astype(float)
            drivers[source] = (int(np.ceil(cum[-1] / rng.uniform(0.85, 1.0))), cum, None)
    cert = ops.events[ops.events["indicator_code"] == "IKU-SERTIFIKASI-TEPAT-WAKTU"]
    if not cert.empty:
        cum = cert["decisions"].cumsum().to_numpy().astype(float)
        drivers["sertifikasi"] = (int(np.ceil(cum[-1] / rng.uniform(0.85, 1.0))), cum, None)
    if ops.cases_planned:
        opened = ops.cases[ops.cases["stage"] == "SPDP"].groupby("month").size()
        opened_cum = opened.reindex(range(1, 13), fill_value=0).cumsum().to_numpy().astype(float)
        drivers["cases"] = (ops.cases_planned, opened_cum, None)
    stage_sources = {"pjas": "IKU-PJAS-AMAN", "desa": "IKU-DESA-PANGAN-AMAN", "pasar": "IKU-PASAR-AMAN",
                     "umkm": "IKU-UMKM-STANDAR"}
    position = {c: i for i, c in enumerate(prof["indicator_code"])}
    for source, code in stage_sources.items():
        if code not in position:
            continue
        i = position[code]
        progress = np.append(np.nan_to_num(real[i, :11], nan=0.0), 100.0)
        if source == "umkm":
            target = max(1, round(21 * max(ops_mod.TYPE_SCALE[unit_type], 0.5) * rng.lognormal(0, 0.2)))
            volume = np.where(np.arange(12) == 11, target, np.nan)
        else:
            target = targets[i]
            volume = np.where(np.arange(12) == 11, real[i, 11], np.nan)
        drivers[source] = (target, volume, progress)
    return drivers


def _identity_plan(unit: pd.Series, year: int, rng: np.random.Generator) -> dict[str, Any]:
    satker = unit["satker_code_dipa"] or str(400000 + int(rng.integers(0, 99999)))
    december = rng.random() < 0.6
    signed = date(year - 1, 12, int(rng.integers(15, 29))) if december else date(year, 1, int(rng.integers(2, 20)))
    return {"unit_code": unit["code"], "year": year, "dipa_number": f"SP DIPA-063.01.2.{satker}/{year}",
            "pk_date": signed, "head_name": person(rng), "revision_note": None}


def sent_dates(year: int, rng: np.random.Generator) -> list[date]:
    """When each month's report was sent: mostly days 2-10 of the next month, some late (11-25)."""
    late = rng.random(12) < LATE_SHARE
    deadline_day = get_settings().deadline_day
    days = np.where(late, rng.integers(deadline_day + 1, 26, 12), rng.integers(2, deadline_day + 1, 12))
    return [date(year + m // 12, m % 12 + 1, int(d)) for m, d in zip(range(1, 13), days)]


def _stewards(rng: np.random.Generator) -> list[str]:
    """The data steward of each month; one unit in ten changes steward during the year."""
    first, second = person(rng), person(rng)
    change = int(rng.integers(4, 11)) if rng.random() < 0.1 else 13
    return [first if m < change else second for m in range(1, 13)]


def _deadline_text(year: int, month: int) -> str:
    quarter = quarter_of(month) % 4 + 1
    return f"Triwulan {ROMAN[quarter - 1]} {year + (quarter == 1)}"


@dataclass(frozen=True)
class IndicatorYear:
    """A unit's indicators over the year: (indicators x 12) matrices, NaN where there is no value."""

    codes: pd.Series
    target: np.ndarray        # RAPK
    real: np.ndarray          # realisasi, cumulative
    num: np.ndarray           # pembilang
    den: np.ndarray           # penyebut
    spent_cum: np.ndarray     # realisasi anggaran, cumulative rupiah
    kendala: np.ndarray       # the unit's obstacle text per indicator
    rtl: np.ndarray           # and its follow-up


def _kinerja(ind: IndicatorYear, year: int, month: int) -> pd.DataFrame:
    """One month's Kinerja: realisations to date; Kendala and RTL wherever capaian < 100."""
    col = month - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        short = ind.real[:, col] / ind.target[:, col] < 1
    return pd.DataFrame({
        "indicator_code": ind.codes.to_numpy(),
        "realisasi": ind.real[:, col],
        "numerator": pd.array(ind.num[:, col], dtype="Int64"),
        "denominator": pd.array(ind.den[:, col], dtype="Int64"),
        "spent_cum_rp": ind.spent_cum[:, col],
        "kendala": np.where(short, ind.kendala, None),
        "rtl": np.where(short, ind.rtl, None),
        "rtl_deadline": np.where(short, _deadline_text(year, month), None),
    })


def _anggaran(budget: bud.Budget, month: int) -> pd.DataFrame:
    col = month - 1
    return pd.DataFrame({
        "ro_code": budget.lines["ro_code"].to_numpy(),
        "expense_type": budget.lines["expense_type"].to_numpy(),
        "spent_month_rp": budget.spent[:, col],
        "volume_cum": budget.volume_cum[:, col],
        "progress_pct": budget.progress[:, col],
    })


def _by_month(frame: pd.DataFrame, count: str, columns: list[str]) -> dict[int, pd.DataFrame]:
    """Each month's rows of a long frame (``columns`` only; rows whose ``count`` is 0 left out), split
    in one pass rather than filtering the whole year again for every month's report."""
    rows = frame[frame[count] > 0] if count else frame
    picked, month = rows[columns], rows["month"].to_numpy()
    return {m: picked.iloc[np.flatnonzero(month == m)].reset_index(drop=True) for m in range(1, 13)}


def _plan_frames(plan: pd.DataFrame, targets: np.ndarray, rapk: np.ndarray, allocation: np.ndarray,
                 budget: bud.Budget) -> dict[str, pd.DataFrame]:
    lines = budget.lines
    return {
        "Sasaran": plan.drop_duplicates("sk_code")[["sk_code", "sk_name", "perspective"]].reset_index(drop=True),
        "Indikator": plan[["sk_code", "indicator_code", "indicator_name", "unit_of_measure", "polarity", "is_iku",
                           "weight", "pattern"]].assign(annual_target=targets, allocation_rp=allocation),
        "RAPK": pd.concat([plan[["indicator_code"]], pd.DataFrame(rapk, columns=MONTH_COLS)], axis=1),
        "Pagu": lines[["ro_code", "ro_name", "expense_type", "pagu_rp", "pagu_after_aa_rp", "volume_target",
                       "volume_unit"]].reset_index(drop=True),
        "RPD": pd.concat([lines[["ro_code", "expense_type"]].reset_index(drop=True),
                          pd.DataFrame(budget.rpd, columns=MONTH_COLS)], axis=1),
    }


def unit_year(unit_code: str, year: int, seed: int = 20230) -> UnitYear:
    """The clean plan and twelve monthly reports of one unit and year (deterministic in the seed)."""
    unit = master.units().set_index("code", drop=False).loc[unit_code]
    unit_type = unit["unit_type"]
    plan = unit_plan_skeleton(unit_code)
    prof = ind.profiles_for(plan)
    targets = ind.annual_targets(prof, unit_type, stream(seed, year, unit_code, "targets"))
    rapk = ind.rapk(prof, targets, stream(seed, year, unit_code, "rapk"))
    ops = _operations(unit_code, unit_type, year, seed, prof, targets)
    tested = ops_mod.side_tested(ops)  # used three times below: computed once
    plans = _sample_plans(tested, stream(seed, year, unit_code, "sample-plans")) if not ops.sampling.empty else {}
    real, num, den = ind.realisations(prof, targets, rapk, ops, tested, plans,
                                      stream(seed, year, unit_code, "realisation"))
    brng = stream(seed, year, unit_code, "budget")
    lines = bud.pagu(unit_budget_skeleton(unit_code), unit_type, brng)
    plan_rpd = bud.rpd(lines, brng)
    spent = bud.spending(lines, plan_rpd, stream(seed, year, unit_code, "spending"))
    drivers = _volume_drivers(prof, targets, real, ops, tested, plans, unit_type,
                              stream(seed, year, unit_code, "volumes"))
    target_v, volume, progress = bud.volumes(lines, unit_type, drivers, stream(seed, year, unit_code, "volumes"))
    budget = bud.Budget(lines.assign(volume_target=target_v), plan_rpd, spent, volume, progress)
    matrix = bud.allocation_matrix(lines, plan["indicator_code"].tolist(), stream(seed, year, unit_code, "allocation"))
    allocation, spent_cum = bud.indicator_amounts(matrix, budget)
    irng = stream(seed, year, unit_code, "identity")
    plan_content = Content(contract.PLAN, _identity_plan(unit, year, irng),
                           _plan_frames(plan, targets, rapk, allocation, budget))
    kendala, rtl = obstacles(plan["indicator_code"].to_numpy(), stream(seed, year, unit_code, "text"))
    indicators = IndicatorYear(plan["indicator_code"], rapk, real, num, den, spent_cum, kendala, rtl)
    stewards, sent = _stewards(irng), sent_dates(year, irng)
    sampling = _by_month(ops.sampling, "sampled", ["commodity", "method", "sampled", "tested", "ms", "tms"])
    inspection = _by_month(ops.inspection, "inspected", ["facility_type", "inspected", "mk", "tmk"])
    cases = _by_month(ops.cases, "", ["case_number", "stage", "stage_date"])
    months = {}
    for month in range(1, 13):
        identity = {"unit_code": unit_code, "year": year, "month": month, "steward": stewards[month - 1],
                    "sent_date": sent[month - 1], "revision_note": None}
        frames = {
            "Kinerja": _kinerja(indicators, year, month),
            "Anggaran": _anggaran(budget, month),
            "Sampling": sampling[month],
            "Pemeriksaan": inspection[month],
            "Penindakan": cases[month],
        }
        months[month] = Content(contract.MONTHLY, identity, frames)
    return UnitYear(unit_code, unit_type, year, plan_content, months)
