"""A unit's operational year: samples, facility inspections, decisions and enforcement cases.

Volumes follow Balai POM di Kupang (seed 003, January-June 2023, doubled for a year) scaled by unit
type: 401 random and 192 targeted drug-side samples, 189 random and 58 targeted food samples, 40
fortified-food samples, 38 production and 337 distribution facilities, 3 cases in half a year. Every
count is a whole number drawn per row and month; the identities of the contract (MS + TMS = Diuji <=
Jumlah Sampel, MK + TMK = Diperiksa) hold by construction.
"""
from __future__ import annotations

from dataclasses import dataclass
import numpy as np
import pandas as pd

from reference import master

MONTHS = np.arange(1, 13)
#: Share of a year's field work done in each month (light in January and December).
SEASON = np.array([0.05, 0.08, 0.09, 0.09, 0.09, 0.09, 0.09, 0.10, 0.10, 0.09, 0.08, 0.05])
#: Field-work volume of a unit type relative to a Balai (Kupang).
TYPE_SCALE = {"balai_besar": 1.5, "balai": 1.0, "loka": 0.45, "pusat": 0.0}
#: Sample rows: (commodity, method, group, share of the group's samples).
SAMPLING_ROWS = pd.DataFrame([
    ("OBAT", "Random", "drug_random", 0.35), ("OBA", "Random", "drug_random", 0.20),
    ("KOS", "Random", "drug_random", 0.25), ("SK", "Random", "drug_random", 0.15),
    ("KUASI", "Random", "drug_random", 0.05),
    ("OBAT", "Targeted", "drug_targeted", 0.40), ("OBA", "Targeted", "drug_targeted", 0.20),
    ("KOS", "Targeted", "drug_targeted", 0.25), ("SK", "Targeted", "drug_targeted", 0.15),
    ("PANGAN", "Random", "food_random", 0.80), ("PANGAN-IRT", "Random", "food_random", 0.20),
    ("PANGAN", "Targeted", "food_targeted", 0.70), ("PANGAN-PJAS", "Targeted", "food_targeted", 0.30),
    ("PANGAN-FORTIFIKASI", "Random", "fortified", 1.00),
], columns=["commodity", "method", "group", "share"])
#: Samples tested in a year by a Balai, per group (Kupang January-June x 2).
SAMPLING_ANNUAL = {"drug_random": 800, "drug_targeted": 380, "food_random": 380, "food_targeted": 120,
                   "fortified": 80}
#: Inspection rows: (facility type, group, share of the group's inspections).
INSPECTION_ROWS = pd.DataFrame([
    ("PROD-IRTP", "produksi", 0.55), ("PROD-PANGAN", "produksi", 0.30), ("PROD-OT", "produksi", 0.08),
    ("PROD-KOS", "produksi", 0.07),
    ("DIST-PBF", "distribusi", 0.03), ("DIST-IFP", "distribusi", 0.02), ("DIST-PANGAN", "distribusi", 0.35),
    ("DIST-KOS", "distribusi", 0.20), ("DIST-OT", "distribusi", 0.03), ("DIST-SK", "distribusi", 0.02),
    ("YANFAR-APOTEK", "distribusi", 0.15), ("YANFAR-RS", "distribusi", 0.04),
    ("YANFAR-PUSKESMAS", "distribusi", 0.10), ("YANFAR-KLINIK", "distribusi", 0.03),
    ("YANFAR-TOKO-OBAT", "distribusi", 0.03),
], columns=["facility_type", "group", "share"])
INSPECTION_ANNUAL = {"produksi": 85, "distribusi": 680}
#: Decisions per month of a Balai behind the event-ratio indicators (recommendations, certificates).
EVENTS_PER_MONTH = {"IKU-INSPEKSI-DILAKSANAKAN": 15.0, "IKU-INSPEKSI-DITINDAKLANJUTI": 15.0,
                    "IKU-SERTIFIKASI-TEPAT-WAKTU": 28.0}
#: Planned enforcement cases in a year per unit type (QCD.U54 volume: Kupang 5).
CASES_PLANNED = {"balai_besar": 7, "balai": 5, "loka": 2, "pusat": 12}
#: Progress of a case at each stage for the enforcement indicator (Kupang: 2 x Tahap I + SPDP over 5 = 25).
STAGE_POINTS = {"SPDP": 25.0, "Tahap I": 50.0, "P-21": 75.0, "Tahap II": 100.0, "Putusan": 100.0}


def empty(columns: dict[str, type]) -> pd.DataFrame:
    """An empty frame with typed columns (so grouping and summing still work)."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


#: Columns of the long frames, typed.
SAMPLING_COLUMNS = {"commodity": object, "method": object, "group": object, "month": int, "sampled": int,
                    "tested": int, "ms": int, "tms": int}
INSPECTION_COLUMNS = {"facility_type": object, "group": object, "month": int, "inspected": int, "mk": int, "tmk": int}
CASE_COLUMNS = {"case_number": object, "stage": object, "month": int, "stage_date": object}


@dataclass(frozen=True)
class Operations:
    """A unit's operational year. Long frames, one row per (key, month), this month's counts."""

    sampling: pd.DataFrame      # commodity, method, group, month, sampled, tested, ms, tms
    inspection: pd.DataFrame    # facility_type, group, month, inspected, mk, tmk
    events: pd.DataFrame        # indicator_code, month, decisions, positive (this month)
    cases: pd.DataFrame         # case_number, stage, month, stage_date
    cases_planned: int


def _monthly_poisson(annual: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Counts per (row, month) around ``annual`` spread over the season."""
    return rng.poisson(np.outer(annual, SEASON))


def _ensure_group_activity(frame: pd.DataFrame, count: str, group: str) -> pd.DataFrame:
    """Add one to the first row of a group in any month the group has nothing (indicators are monthly)."""
    totals = frame.groupby([group, "month"])[count].transform("sum")
    first = ~frame.duplicated([group, "month"])
    return frame.assign(**{count: frame[count] + ((totals == 0) & first).astype(int)})


def sampling(unit_type: str, rng: np.random.Generator, compliance: dict[str, float]) -> pd.DataFrame:
    """This month's samples per commodity x method x month; ``compliance`` = P(MS) per group."""
    scale = TYPE_SCALE[unit_type] * rng.lognormal(0, 0.25)
    rows = SAMPLING_ROWS
    annual = rows["group"].map(SAMPLING_ANNUAL).to_numpy() * rows["share"].to_numpy() * scale
    tested = _monthly_poisson(annual, rng)
    long = rows.loc[rows.index.repeat(12)].assign(month=np.tile(MONTHS, len(rows)), tested=tested.ravel())
    long = _ensure_group_activity(long.reset_index(drop=True), "tested", "group")
    pending = rng.binomial(long["tested"].to_numpy() + 2, 0.04)
    p = long["group"].map(compliance).to_numpy() + rng.normal(0, 0.01, len(long))
    ms = rng.binomial(long["tested"].to_numpy(), np.clip(p, 0.3, 1.0))
    return long.assign(sampled=long["tested"] + pending, ms=ms, tms=long["tested"] - ms)[
        ["commodity", "method", "group", "month", "sampled", "tested", "ms", "tms"]]


def inspection(unit_type: str, rng: np.random.Generator, compliance: dict[str, float]) -> pd.DataFrame:
    """This month's inspections per facility type x month; ``compliance`` = P(MK) per group."""
    scale = TYPE_SCALE[unit_type] * rng.lognormal(0, 0.25)
    rows = INSPECTION_ROWS
    annual = rows["group"].map(INSPECTION_ANNUAL).to_numpy() * rows["share"].to_numpy() * scale
    inspected = _monthly_poisson(annual, rng)
    long = rows.loc[rows.index.repeat(12)].assign(month=np.tile(MONTHS, len(rows)), inspected=inspected.ravel())
    long = _ensure_group_activity(long.reset_index(drop=True), "inspected", "group")
    q = long["group"].map(compliance).to_numpy() + rng.normal(0, 0.02, len(long))
    mk = rng.binomial(long["inspected"].to_numpy(), np.clip(q, 0.1, 1.0))
    return long.assign(mk=mk, tmk=long["inspected"] - mk)[["facility_type", "group", "month", "inspected", "mk", "tmk"]]


def events(codes: list[str], unit_type: str, rng: np.random.Generator, rates: dict[str, float]) -> pd.DataFrame:
    """Decisions per month behind the event-ratio indicators, and how many were positive (on time,
    executed, followed up) with probability ``rates[code]``. At least one decision every month."""
    if not codes:
        return empty({"indicator_code": object, "month": int, "decisions": int, "positive": int})
    scale = max(TYPE_SCALE[unit_type], 0.3) * rng.lognormal(0, 0.2)
    lam = np.array([EVENTS_PER_MONTH[c] for c in codes]) * scale
    decisions = np.maximum(rng.poisson(np.outer(lam, SEASON * 12)), 1)
    positive = rng.binomial(decisions, np.array([rates[c] for c in codes])[:, None])
    return pd.DataFrame({"indicator_code": np.repeat(codes, 12), "month": np.tile(MONTHS, len(codes)),
                         "decisions": decisions.ravel(), "positive": positive.ravel()})


def cases(unit_code: str, unit_type: str, year: int, rng: np.random.Generator) -> tuple[pd.DataFrame, int]:
    """Enforcement cases moving through the stages: opened (SPDP) in some month, each later stage one
    to two months after the previous one; stages falling after December are not reached this year."""
    planned = CASES_PLANNED[unit_type]
    n = max(1, int(rng.poisson(planned)))
    stages = np.array(master.ENFORCEMENT_STAGES)
    opened = rng.choice(MONTHS[:10], size=n, p=np.linspace(1.4, 0.6, 10) / np.linspace(1.4, 0.6, 10).sum())
    gaps = rng.integers(1, 3, size=(n, len(stages) - 1))
    months = np.column_stack([opened, opened[:, None] + np.cumsum(gaps, axis=1)])
    short = unit_code.split("-", 1)[-1]
    frame = pd.DataFrame({
        "case_number": np.repeat([f"PKR-{short}-{year}-{i:02d}" for i in range(1, n + 1)], len(stages)),
        "stage": np.tile(stages, n), "month": months.ravel(),
        "day": rng.integers(1, 29, size=n * len(stages)),
    })
    frame = frame[frame["month"] <= 12].reset_index(drop=True)
    stage_date = pd.to_datetime(pd.DataFrame({"year": year, "month": frame["month"], "day": frame["day"]})).dt.date
    return frame.assign(stage_date=stage_date).drop(columns="day"), planned


def enforcement_progress(case_frame: pd.DataFrame, planned: int) -> np.ndarray:
    """Cumulative progress (%) of the year's planned cases at each month end (capped at 100)."""
    points = case_frame.assign(points=case_frame["stage"].map(STAGE_POINTS))
    reached = points.pivot_table(index="case_number", columns="month", values="points", aggfunc="max")
    reached = reached.reindex(columns=MONTHS).ffill(axis=1).fillna(0.0)
    return np.minimum(reached.sum(axis=0).to_numpy() / planned, 100.0)


def derived_counts(ops: Operations) -> pd.DataFrame:
    """Numerator and denominator, cumulative from January, of every count-defined indicator of the
    master data (``indicator_derivations.csv``): one row per (indicator_code, month)."""
    deriv = master.indicator_derivations()
    types = master.facility_types().set_index("code")["reporting_group"]
    parts = []
    for row in deriv.itertuples(index=False):  # a handful of definitions, not data rows
        if row.source == "sampling":
            data = ops.sampling[ops.sampling["commodity"].isin(row.commodities.split("|"))]
            data = data[data["method"] == row.method] if row.method else data
        else:
            data = ops.inspection[ops.inspection["facility_type"].map(types) == row.reporting_group]
        monthly = data.groupby("month")[[row.numerator, row.denominator]].sum().reindex(MONTHS, fill_value=0)
        cum = monthly.cumsum()
        parts.append(pd.DataFrame({"indicator_code": row.indicator_code, "month": MONTHS,
                                   "numerator": cum[row.numerator].to_numpy(),
                                   "denominator": cum[row.denominator].to_numpy()}))
    return pd.concat(parts, ignore_index=True)


def side_tested(ops: Operations) -> pd.DataFrame:
    """Samples tested per month on each side: drug (supergroup OBAT), food (MAKANAN without
    fortified food) and fortified food, the volumes of QIA.005, QIA.001 and QIA.008."""
    com = master.commodities().set_index("code")["supergroup"]
    side = ops.sampling["commodity"].map(com).map({"OBAT": "drug", "MAKANAN": "food"})
    side = side.mask(ops.sampling["commodity"] == "PANGAN-FORTIFIKASI", "fortified")
    table = ops.sampling.assign(side=side).pivot_table(index="month", columns="side", values="tested", aggfunc="sum")
    return table.reindex(index=MONTHS, columns=["drug", "food", "fortified"], fill_value=0).fillna(0).astype(int)
