"""Budget realisation: per DIPA line and month, roll-ups, RPD deviation, spending per indicator and SK.

Inputs (canonical frames, amounts in rupiah):
- plan_budget (Pagu): unit_code, year, ro_code, ro_name, expense_type, pagu_rp, pagu_after_aa_rp,
  volume_target, volume_unit — one row per unit × year × line (ro_code × expense_type);
- rpd (RPD long form): unit_code, year, ro_code, expense_type, month, planned_rp;
- spending (Anggaran): unit_code, year, month, ro_code, expense_type, spent_month_rp (this month only),
  volume_cum, progress_pct.

Percentages: realisation = spent_cum / pagu × 100 (also against pagu setelah AA); deviation (IKPA,
"deviasi halaman III DIPA") = |spent_month − planned_month| / planned_month × 100. A roll-up recomputes
every percentage from its summed amounts (ratio of sums, never a mean of ratios). Above 100 % is kept:
overspending is a warning for validation, not something a transform hides.
"""
from __future__ import annotations

from typing import Literal

import pandas as pd

from transforms.common import ratio_pct, with_quarter

LINE = ["unit_code", "year", "ro_code", "expense_type"]
AMOUNTS = ["pagu_rp", "pagu_after_aa_rp", "spent_month_rp", "spent_cum_rp", "planned_month_rp", "planned_cum_rp"]
PERCENTS = ["realisation_pct", "realisation_aa_pct", "deviation_pct"]
VOLUMES = ["volume_target", "volume_cum", "volume_pct", "progress_pct"]
BUDGET_LINE_COLUMNS = ["unit_code", "year", "month", "quarter", "ro_code", "expense_type", *AMOUNTS, *PERCENTS,
                       *VOLUMES]
ROLLUP_COLUMNS = ["unit_code", "year", "month", "quarter", "level", "item_code", *AMOUNTS, *PERCENTS, *VOLUMES]
INDICATOR_BUDGET_COLUMNS = ["unit_code", "year", "month", "quarter", "level", "item_code", "parent_code",
                            "allocation_rp", "spent_month_rp", "spent_qtd_rp", "spent_cum_rp", "realisation_pct"]
TOTAL_CODE = "TOTAL"


def realisation_pcts(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Realisation against pagu and against pagu setelah AA from the frame's summed amounts (the one
    formula of both, for a line, a unit, a unit group or the country)."""
    return {"realisation_pct": ratio_pct(frame["spent_cum_rp"], frame["pagu_rp"]),
            "realisation_aa_pct": ratio_pct(frame["spent_cum_rp"], frame["pagu_after_aa_rp"])}


def _percentages(frame: pd.DataFrame) -> pd.DataFrame:
    """Realisation vs pagu and pagu setelah AA, RPD deviation and volume % from the frame's amounts."""
    gap = (frame["spent_month_rp"] - frame["planned_month_rp"]).abs()
    return frame.assign(**realisation_pcts(frame),
                        deviation_pct=ratio_pct(gap, frame["planned_month_rp"]),
                        volume_pct=ratio_pct(frame["volume_cum"], frame["volume_target"]))


def _month_grid(plan_budget: pd.DataFrame, spending: pd.DataFrame) -> pd.DataFrame:
    """Every plan line × months 1..the unit-year's last reported month."""
    last = spending.groupby(["unit_code", "year"], as_index=False)["month"].max()
    months = last.merge(pd.DataFrame({"_m": range(1, 13)}), how="cross")
    months = months[months["_m"] <= months["month"]].drop(columns="month").rename(columns={"_m": "month"})
    return plan_budget.merge(months, on=["unit_code", "year"])


def budget_lines(plan_budget: pd.DataFrame, rpd: pd.DataFrame, spending: pd.DataFrame) -> pd.DataFrame:
    """Realisation of every DIPA line in every month from January to the last reported month.

    One row per unit × year × month × ro_code × expense_type (``BUDGET_LINE_COLUMNS``). A month a
    line was not reported counts 0 spent; volume_cum and progress_pct carry the last reported value
    forward (they are to-date figures). Lines of spending or RPD absent from the plan are ignored.
    """
    spent = spending.groupby([*LINE, "month"], as_index=False).agg(
        spent_month_rp=("spent_month_rp", "sum"), volume_cum=("volume_cum", "last"),
        progress_pct=("progress_pct", "last"))
    planned = rpd.groupby([*LINE, "month"], as_index=False)["planned_rp"].sum()
    frame = (_month_grid(plan_budget, spending).merge(spent, how="left", on=[*LINE, "month"])
             .merge(planned.rename(columns={"planned_rp": "planned_month_rp"}), how="left", on=[*LINE, "month"])
             .fillna({"spent_month_rp": 0.0, "planned_month_rp": 0.0}).sort_values([*LINE, "month"]))
    by_line = frame.groupby(LINE, sort=False)
    frame = frame.assign(spent_cum_rp=by_line["spent_month_rp"].cumsum(),
                         planned_cum_rp=by_line["planned_month_rp"].cumsum(),
                         volume_cum=by_line["volume_cum"].ffill(), progress_pct=by_line["progress_pct"].ffill())
    return with_quarter(_percentages(frame))[BUDGET_LINE_COLUMNS].reset_index(drop=True)


def budget_rollup(lines: pd.DataFrame, level: Literal["ro", "expense_type", "unit"]) -> pd.DataFrame:
    """Lines summed per unit × year × month × item; percentages recomputed from the sums.

    One row per unit × year × month × item (``ROLLUP_COLUMNS``); item_code is the ro_code, the
    expense_type, or 'TOTAL' for the unit. Volumes only mean something per RO: an RO's output is the
    same whichever jenis belanja pays for it, so its volume_target, volume_cum and progress_pct are
    the largest of its lines, not a sum; other levels leave them empty.
    """
    if level not in ("ro", "expense_type", "unit"):
        raise ValueError(f"unknown roll-up level {level!r}; expected 'ro', 'expense_type' or 'unit'")
    item = lines["ro_code"] if level == "ro" else lines["expense_type"] if level == "expense_type" else TOTAL_CODE
    volumes = ["volume_target", "volume_cum", "progress_pct"]
    sums = lines.assign(item_code=item).groupby(["unit_code", "year", "month", "quarter", "item_code"],
                                                as_index=False).agg(**{c: (c, "sum") for c in AMOUNTS},
                                                                    **{c: (c, "max") for c in volumes})
    if level != "ro":
        sums = sums.assign(**{c: float("nan") for c in volumes})
    return _percentages(sums.assign(level=level))[ROLLUP_COLUMNS].reset_index(drop=True)


def _indicator_spending(facts: pd.DataFrame, plan_indicators: pd.DataFrame) -> pd.DataFrame:
    """One row per unit × year × month × indicator: sk_code, allocation_rp, spent_cum_rp, spent_month_rp."""
    plan = plan_indicators[["unit_code", "year", "indicator_code", "sk_code", "allocation_rp"]]
    frame = facts[["unit_code", "year", "month", "indicator_code", "spent_cum_rp"]].merge(
        plan, on=["unit_code", "year", "indicator_code"]).sort_values(["unit_code", "year", "indicator_code", "month"])
    previous = frame.groupby(["unit_code", "year", "indicator_code"])["spent_cum_rp"].shift(fill_value=0.0)
    return with_quarter(frame.assign(spent_month_rp=frame["spent_cum_rp"] - previous))


def budget_by_indicator(capaian_or_realisations: pd.DataFrame, plan_indicators: pd.DataFrame) -> pd.DataFrame:
    """Spending attributed to each indicator and SK against its allocation, per reported month.

    Input: the capaian frame or the realisations frame (unit_code, year, month, indicator_code,
    spent_cum_rp) and the plan (indicator's sk_code and allocation_rp). One row per unit × year ×
    month × level ('indicator' | 'sasaran') × item (``INDICATOR_BUDGET_COLUMNS``): spent_cum_rp (year
    to date), spent_month_rp (since the previous reported month), spent_qtd_rp (quarter to date; at a
    quarter-end month, the quarter's spending), realisation_pct = spent_cum / allocation × 100.
    """
    ind = _indicator_spending(capaian_or_realisations, plan_indicators)
    ind = ind.assign(spent_qtd_rp=ind.groupby(["unit_code", "year", "indicator_code", "quarter"])[
        "spent_month_rp"].cumsum(), level="indicator", item_code=ind["indicator_code"], parent_code=ind["sk_code"])
    sums = ind.groupby(["unit_code", "year", "month", "quarter", "sk_code"], as_index=False)[
        ["allocation_rp", "spent_month_rp", "spent_qtd_rp", "spent_cum_rp"]].sum(min_count=1)
    sas = sums.rename(columns={"sk_code": "item_code"}).assign(level="sasaran", parent_code=None)
    out = pd.concat([ind, sas], ignore_index=True)
    out = out.assign(realisation_pct=ratio_pct(out["spent_cum_rp"], out["allocation_rp"]))
    order = ["unit_code", "year", "month", "level", "item_code"]
    return out[INDICATOR_BUDGET_COLUMNS].sort_values(order).reset_index(drop=True)
