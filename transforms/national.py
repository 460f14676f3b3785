"""National figures: every unit's figures summed per unit group and for Indonesia (issue #11).

Pure: DataFrames in, DataFrames out. The warehouse's national step (``sinks.warehouse.national``)
reads a year's inputs, runs these and stores the results (``fact_*_national_month``,
``fact_budget_area_month``, ``fact_indicator_matrix_quarter``) after the unit-years are derived.

Areas: the unit group of ``reference.master.UNIT_GROUPS`` (Pusat; Balai Besar/Balai; Loka), taken from
the unit's state valid at the month's end, and the whole country (:data:`NATIONAL`). Percentages are
ratios of the summed amounts or counts (never a mean of the units' percentages), by the same functions
as the unit figures (``transforms.budget.realisation_pcts``, ``transforms.operations``); a zero base
gives NaN (NULL in the warehouse).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from reference.master import ENFORCEMENT_STAGES, UNIT_GROUPS, measurement_of
from reference.rounding import below_target
from transforms.budget import TOTAL_CODE, realisation_pcts
from transforms.common import ratio_pct, with_quarter
from transforms.operations import inspection_failures_per, sampling_failures_per

#: The area of the whole country.
NATIONAL = "Indonesia"
#: Every area in reporting order: the unit groups (master data order), then the country.
AREAS: tuple[str, ...] = (*dict.fromkeys(UNIT_GROUPS.values()), NATIONAL)
AREA_ORDER = {area: i + 1 for i, area in enumerate(AREAS)}
#: Order of each enforcement stage (the funnel), from the workbook's stage list; the 'TOTAL' row (every case)
#: comes after the last stage.
STAGE_ORDER = {stage: i + 1 for i, stage in enumerate(ENFORCEMENT_STAGES)}
TOTAL_STAGE_ORDER = len(STAGE_ORDER) + 1
#: The catalogue unit of measure whose values add up across units (counts).
SUMMABLE_UNIT = "jumlah"

BUDGET_AMOUNTS = ["pagu_rp", "pagu_after_aa_rp", "spent_month_rp", "spent_cum_rp"]
BUDGET_AREA_COLUMNS = ["year", "month", "quarter", "area", "area_level", "area_order", "expense_type",
                       "units_in_figures", "pagu_rp", "pagu_after_aa_rp", "withheld_aa_rp", "spent_month_rp",
                       "spent_cum_rp", "realisation_pct", "realisation_aa_pct"]
SAMPLING_COLUMNS = ["year", "month", "quarter", "commodity", "method", "units_in_figures", "sampled", "tested", "ms",
                    "tms", "sampled_cum", "tested_cum", "ms_cum", "tms_cum", "tms_pct", "tms_cum_pct"]
INSPECTION_COLUMNS = ["year", "month", "quarter", "facility_type", "units_in_figures", "inspected", "mk", "tmk",
                      "inspected_cum", "mk_cum", "tmk_cum", "tmk_pct", "tmk_cum_pct"]
ENFORCEMENT_COLUMNS = ["year", "month", "quarter", "stage", "stage_order", "cases_at_stage", "cases_moved_month"]
MATRIX_COLUMNS = ["year", "quarter", "indicator_code", "summable", "units_planned", "units_measured", "units_year_end",
                  "target_sum", "realisasi_sum", "capaian_sum_pct", "capaian_min_pct", "capaian_median_pct",
                  "capaian_max_pct", "units_below_target"]


def budget_areas(rollups: pd.DataFrame) -> pd.DataFrame:
    """Budget per area × jenis belanja, month by month.

    ``rollups``: the units' budget roll-ups (``transforms.budget.budget_rollup``) of levels 'expense_type'
    and 'unit', with ``unit_group`` (the unit's group at the month's end): unit_code, unit_group, year,
    month, level, item_code, pagu_rp, pagu_after_aa_rp, spent_month_rp, spent_cum_rp.
    One row per year × month × area (each unit group and :data:`NATIONAL`) × expense_type ('51', '52',
    '53', or 'TOTAL' for the whole budget) (``BUDGET_AREA_COLUMNS``): the amounts summed over the units
    with figures that month (``units_in_figures``), withheld_aa_rp = pagu − pagu setelah AA, realisation
    against both.
    """
    wanted = rollups[rollups["level"].isin(["expense_type", "unit"])]
    frame = wanted.assign(expense_type=wanted["item_code"].where(wanted["level"] == "expense_type", TOTAL_CODE))
    groups = frame.dropna(subset=["unit_group"]).assign(area=lambda f: f["unit_group"], area_level="group")
    country = frame.assign(area=NATIONAL, area_level="national")
    both = pd.concat([groups, country], ignore_index=True)
    keys = ["year", "month", "area", "area_level", "expense_type"]
    grouped = both.groupby(keys)
    sums = grouped[BUDGET_AMOUNTS].sum(min_count=1).assign(units_in_figures=grouped["unit_code"].nunique()).reset_index()
    sums = sums.assign(withheld_aa_rp=sums["pagu_rp"] - sums["pagu_after_aa_rp"], **realisation_pcts(sums),
                       area_order=sums["area"].map(AREA_ORDER).fillna(len(AREA_ORDER)).astype(int))
    out = with_quarter(sums).sort_values(["year", "month", "area_order", "expense_type"])
    return out[BUDGET_AREA_COLUMNS].reset_index(drop=True)


def _units_so_far(frame: pd.DataFrame, out: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """For each row of ``out`` (year, month, ``by``): how many units have rows of ``frame`` (unit_code, year,
    month, ``by``) from January to that month, i.e. whose reports are in the year-to-date figures."""
    keys = ["year", *by]
    first = frame.groupby([*keys, "unit_code"], as_index=False, dropna=False)["month"].min().rename(
        columns={"month": "_first"})  # one row per unit and series: counting its rows counts units
    pairs = out[[*keys, "month"]].assign(_row=np.arange(len(out))).merge(first, on=keys)
    so_far = pairs[pairs["_first"] <= pairs["month"]]
    counts = so_far["unit_code"].groupby(so_far["_row"]).count()
    return pd.Series(counts.reindex(range(len(out)), fill_value=0).to_numpy(dtype=int), index=out.index)


def _national(frame: pd.DataFrame, counted: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """``counted`` (one country-wide series, unit_code dropped) with quarter and units_in_figures."""
    out = counted.drop(columns="unit_code")
    return with_quarter(out.assign(units_in_figures=_units_so_far(frame, out, by)))


def sampling_national(sampling: pd.DataFrame) -> pd.DataFrame:
    """Sampling of every unit summed: one row per year × month × commodity × method, plus commodity 'TOTAL'
    per method and commodity = method = 'TOTAL' (``SAMPLING_COLUMNS``), month and year to date, TMS % =
    tms / tested × 100.

    ``sampling``: the monthly sampling facts (unit_code, year, month, commodity, method, sampled, tested,
    ms, tms: that month only). Year-to-date sums run over every unit's months up to the month, so a unit
    that sent nothing one month still counts with its earlier months.
    """
    if sampling.empty:
        return pd.DataFrame(columns=SAMPLING_COLUMNS)
    country = sampling.assign(unit_code=NATIONAL)
    levels = [["commodity", "method"], ["method"], []]
    detail, per_method, total = (_national(sampling, counted, by)
                                 for counted, by in zip(sampling_failures_per(country, levels), levels))
    per_method = per_method.assign(commodity=TOTAL_CODE)
    total = total.assign(commodity=TOTAL_CODE, method=TOTAL_CODE)
    out = pd.concat([detail, per_method, total], ignore_index=True).sort_values(["year", "month", "commodity", "method"])
    return out[SAMPLING_COLUMNS].reset_index(drop=True)


def inspection_national(inspection: pd.DataFrame) -> pd.DataFrame:
    """Inspections of every unit summed: one row per year × month × facility type, plus facility_type
    'TOTAL' (``INSPECTION_COLUMNS``), month and year to date, TMK % = tmk / inspected × 100."""
    if inspection.empty:
        return pd.DataFrame(columns=INSPECTION_COLUMNS)
    country = inspection.assign(unit_code=NATIONAL)
    levels = [["facility_type"], []]
    detail, total = (_national(inspection, counted, by)
                     for counted, by in zip(inspection_failures_per(country, levels), levels))
    total = total.assign(facility_type=TOTAL_CODE)
    out = pd.concat([detail, total], ignore_index=True).sort_values(["year", "month", "facility_type"])
    return out[INSPECTION_COLUMNS].reset_index(drop=True)


def enforcement_national(enforcement: pd.DataFrame, months: pd.DataFrame) -> pd.DataFrame:
    """The enforcement funnel of the country, month by month.

    ``enforcement``: the monthly case facts (unit_code, year, month, case_number, stage); ``months``:
    (year, month) reported. One row per year × month (January to the year's last month in ``months``)
    × stage of ``reference.master.ENFORCEMENT_STAGES``, plus stage 'TOTAL' (``ENFORCEMENT_COLUMNS``):
    cases_at_stage = cases (a unit's case number) whose latest stage reported up to the month is this
    stage (a case counts once, at the furthest stage of its latest month; 'TOTAL': every case so far);
    cases_moved_month = cases reporting the stage in the month ('TOTAL': cases that moved in the month).
    """
    if months.empty:
        return pd.DataFrame(columns=ENFORCEMENT_COLUMNS)
    last = months.groupby("year", as_index=False)["month"].max()
    grid = last.merge(pd.DataFrame({"_m": range(1, 13)}), how="cross")
    grid = grid[grid["_m"] <= grid["month"]].drop(columns="month").rename(columns={"_m": "month"})
    stages = pd.DataFrame({"stage": [*STAGE_ORDER, TOTAL_CODE],
                           "stage_order": [*STAGE_ORDER.values(), TOTAL_STAGE_ORDER]})
    grid = grid.merge(stages, how="cross")
    cases = enforcement.assign(stage_order=enforcement["stage"].map(STAGE_ORDER))
    case_key = ["unit_code", "year", "case_number"]
    moved = cases.drop_duplicates([*case_key, "month", "stage"]).groupby(["year", "month", "stage"]).size()
    moved_any = cases.drop_duplicates([*case_key, "month"]).groupby(["year", "month"]).size()
    moved = pd.concat([moved, moved_any.set_axis(pd.MultiIndex.from_tuples(
        [(y, m, TOTAL_CODE) for y, m in moved_any.index], names=["year", "month", "stage"]))])
    spans = grid[["year", "month"]].drop_duplicates().merge(
        cases.rename(columns={"month": "_moved"}), on="year")
    spans = spans[spans["_moved"] <= spans["month"]].sort_values([*case_key, "month", "_moved", "stage_order"])
    latest = spans.drop_duplicates([*case_key, "month"], keep="last")
    at_stage = latest.groupby(["year", "month", "stage"]).size()
    so_far = latest.groupby(["year", "month"]).size()
    at_stage = pd.concat([at_stage, so_far.set_axis(pd.MultiIndex.from_tuples(
        [(y, m, TOTAL_CODE) for y, m in so_far.index], names=["year", "month", "stage"]))])
    out = grid.assign(
        cases_at_stage=grid.set_index(["year", "month", "stage"]).index.map(at_stage).fillna(0).astype(int),
        cases_moved_month=grid.set_index(["year", "month", "stage"]).index.map(moved).fillna(0).astype(int))
    return with_quarter(out).sort_values(["year", "month", "stage_order"])[ENFORCEMENT_COLUMNS].reset_index(drop=True)


def indicator_matrix(capaian: pd.DataFrame, plan_indicators: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The national indicator matrix (the book's Lampiran I) per year × quarter × catalogue indicator.

    ``capaian``: the units' capaian rows (unit_code, year, month, indicator_code, target, realisasi,
    measured, capaian_pct); quarter-end months are used. ``plan_indicators``: unit_code, year,
    indicator_code, pattern. ``catalogue``: indicator_code, unit_of_measure, in_catalogue.
    One row per year × quarter with a quarter-end capaian × catalogue indicator planned by a unit that
    year (``MATRIX_COLUMNS``): units_planned, units_measured (at the quarter end), units_year_end
    (planned as year-end and not measured yet), the sums of target and realisation and their capaian
    where the indicator is a count (``unit_of_measure`` 'jumlah'), the min / median / max of the
    measured units' capaian_pct and how many are below target (``reference.rounding.below_target``).
    """
    listed = catalogue[catalogue["in_catalogue"].astype(bool)][["indicator_code", "unit_of_measure"]]
    plan = plan_indicators.merge(listed, on="indicator_code")
    ends = with_quarter(capaian)
    ends = ends[ends["month"].astype(int) == ends["quarter"] * 3]
    quarters = ends[["year", "quarter"]].drop_duplicates()
    if plan.empty or quarters.empty:
        return pd.DataFrame(columns=MATRIX_COLUMNS)
    planned = plan.merge(quarters, on="year").merge(
        ends[["unit_code", "year", "quarter", "indicator_code", "target", "realisasi", "measured", "capaian_pct"]],
        how="left", on=["unit_code", "year", "quarter", "indicator_code"])
    measured = planned["measured"].fillna(False).astype(bool)
    year_end = measurement_of(planned["pattern"]).eq("year_end") & ~measured
    summable = planned["unit_of_measure"].astype("string").str.strip().str.casefold().eq(SUMMABLE_UNIT).fillna(False)
    capaian_measured = planned["capaian_pct"].where(measured)
    rows = planned.assign(
        _measured=measured.astype(int), _year_end=year_end.astype(int), summable=summable.astype(bool),
        _cap=capaian_measured, _below=(measured & below_target(planned["capaian_pct"])).astype(int),
        _target=planned["target"].where(measured & summable), _real=planned["realisasi"].where(measured & summable))
    keys = ["year", "quarter", "indicator_code"]
    grouped = rows.groupby(keys)
    sums = grouped[["_target", "_real"]].sum(min_count=1)
    out = grouped.agg(
        summable=("summable", "first"), units_planned=("unit_code", "nunique"), units_measured=("_measured", "sum"),
        units_year_end=("_year_end", "sum"), capaian_min_pct=("_cap", "min"), capaian_median_pct=("_cap", "median"),
        capaian_max_pct=("_cap", "max"), units_below_target=("_below", "sum"),
    ).assign(target_sum=sums["_target"], realisasi_sum=sums["_real"]).reset_index()
    out = out.assign(capaian_sum_pct=ratio_pct(out["realisasi_sum"], out["target_sum"]))
    return out[MATRIX_COLUMNS].sort_values(keys).reset_index(drop=True)
