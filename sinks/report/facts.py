"""The facts of one unit's quarter, prepared once from ``ReportData`` for every section that prints them.

Each frame here is the single source of the values the report shows: the executive summary, the
Bab III tables, the per-indicator narrative, the Kesimpulan and the appendices all read the same
rows, so a value cannot differ between two places of the report. Nothing is re-scored: capaian,
NPS, kriteria and budget percentages come from the warehouse views as they are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from reference import master
from reference.rounding import below_target
from sakip.periods import quarter_end_month
from sinks.report.data import ReportData
from sinks.report.provenance import used_submissions

UNIT_TYPE_NAMES = {"balai_besar": "Balai Besar POM", "balai": "Balai POM", "loka": "Loka POM",
                   "pusat": "unit kerja pusat"}


@dataclass(frozen=True)
class Facts:
    """The prepared quarter of one unit."""

    data: ReportData
    unit_name: str
    unit_type: str
    province: str
    head_name: str
    dipa_number: str
    pk_date: object
    pagu: float
    pagu_aa: float
    ind: pd.DataFrame          # this quarter's indicators (quarter-end month), numbered
    sk: pd.DataFrame           # one row per SK: NPS, kriteria, numbering
    persp: pd.DataFrame        # perspective scores of the quarter
    total: dict | None         # the NPS TOTAL row (None when the warehouse has none)
    prev_ind: pd.DataFrame     # the previous quarter's indicators (same year or last year's TW IV)
    last_year_ind: pd.DataFrame
    budget: dict               # v_budget_unit at the quarter-end month ({} when missing)
    ro: pd.DataFrame           # v_budget_ro at the quarter-end month, by code
    missing_months: tuple[int, ...] = ()  # months of the quarter without a current accepted report

    @property
    def incomplete(self) -> bool:
        """The quarter-end month (whose figures are the quarter's) has no accepted report."""
        return quarter_end_month(self.quarter) in self.missing_months

    @property
    def year(self) -> int:
        return self.data.year

    @property
    def quarter(self) -> int:
        return self.data.quarter

    @property
    def prev_period(self) -> tuple[int, int]:
        """(year, quarter) of the previous quarter."""
        return (self.year, self.quarter - 1) if self.quarter > 1 else (self.year - 1, 4)

    @cached_property
    def ind_by_sk(self) -> dict[str, list[dict]]:
        """This quarter's indicator rows as records, per SK in report order: the summary and the per-SK
        analysis read them, so the frame is filtered once, not once per SK and section."""
        out: dict[str, list[dict]] = {}
        for row in self.ind.to_dict("records"):
            out.setdefault(row["sk_code"], []).append(row)
        return out

    @cached_property
    def prev_by_code(self) -> dict[str, dict]:
        """The previous quarter's indicator rows by indicator code (first row of a code, as a filter would give)."""
        return _by_code(self.prev_ind)

    @cached_property
    def last_year_by_code(self) -> dict[str, dict]:
        """The same quarter last year's indicator rows by indicator code."""
        return _by_code(self.last_year_ind)


def _by_code(rows: pd.DataFrame) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for row in rows.to_dict("records"):
        out.setdefault(row["indicator_code"], row)
    return out


def _first(frame: pd.DataFrame) -> dict:
    return frame.iloc[0].to_dict() if not frame.empty else {}


def city_of(unit_name: str, unit_type: str = "") -> str:
    """Place of signature from the unit's name: "Balai POM di Kupang" -> "Kupang" (central units: Jakarta)."""
    match = re.search(r"\bdi\s+(?:Kabupaten\s+|Kab\.\s+|Kota\s+)?(.+)$", unit_name)
    return match.group(1).strip() if match and unit_type != "pusat" else "Jakarta"


def full_name(unit_name: str) -> str:
    """"Balai POM di Kupang" -> "Balai Pengawas Obat dan Makanan di Kupang"."""
    return re.sub(r"\bPOM\b", "Pengawas Obat dan Makanan", unit_name)


def number_indicators(rows: pd.DataFrame) -> pd.DataFrame:
    """Sort by SK and indicator order; add ``sk_no`` (1..), ``ind_no`` within the SK, ``iku_no`` ("4.2"),
    continuous ``no``, ``pattern_key`` (the catalogue measurement of the indicator's pattern,
    ``reference.master.measurement_of``: monthly_flat, cumulative, stage_progress, year_end), and
    ``meets``/``shortfall`` (``reference.rounding.below_target``: on the capaian as printed, the rule
    the steward's Kendala warning uses)."""
    if rows.empty:
        return rows.assign(sk_no=[], ind_no=[], iku_no=[], no=[], pattern_key=[], meets=[], shortfall=[])
    rows = rows.sort_values(["sk_order", "indicator_order"]).reset_index(drop=True)
    sk_no = rows["sk_order"].rank(method="dense").astype(int)
    ind_no = rows.groupby("sk_code", sort=False).cumcount() + 1
    measured = rows["measured"].fillna(False).astype(bool) & rows["capaian_pct"].notna()
    meets = measured & ~below_target(rows["capaian_pct"])
    return rows.assign(
        sk_no=sk_no, ind_no=ind_no, iku_no=sk_no.astype(str) + "." + ind_no.astype(str),
        no=range(1, len(rows) + 1), measured=measured,
        pattern_key=master.measurement_of(rows["pattern"]).fillna("monthly_flat"),
        meets=meets, shortfall=measured & ~meets,
    )


def indicators_at(capaian: pd.DataFrame, year: int, quarter: int) -> pd.DataFrame:
    """The quarter-end month's indicator rows of a quarter, numbered."""
    month = quarter_end_month(quarter)
    return number_indicators(capaian[(capaian["year"] == year) & (capaian["month"] == month)])


def plan_indicators(plan: pd.DataFrame, capaian: pd.DataFrame, year: int, quarter: int) -> pd.DataFrame:
    """Every indicator of the plan (the PK) with its quarter-end results, numbered.

    The rows of ``v_indicator_capaian`` at the quarter-end month, plus, for a plan indicator without a
    result row (that month not reported yet), the plan's labels, its RAPK target for the month and
    ``measured = False``: the PK and SK lists never depend on whether the month arrived.
    """
    month = quarter_end_month(quarter)
    rows = capaian[(capaian["year"] == year) & (capaian["month"] == month)]
    if plan.empty:
        return number_indicators(rows)
    missing = plan[~plan["indicator_code"].isin(rows["indicator_code"])]
    if not missing.empty:
        target = missing[f"b{month:02d}"] if f"b{month:02d}" in missing.columns else None
        extra = missing.reindex(columns=rows.columns).assign(year=year, month=month, quarter=quarter, target=target,
                                                             measured=False)
        rows = pd.concat([rows, extra], ignore_index=True).infer_objects() if not rows.empty else extra
    return number_indicators(rows)


def missing_months(data: ReportData) -> tuple[int, ...]:
    """Months of the report's quarter without a current, accepted monthly report this year."""
    used = used_submissions(data.submissions, data.year, data.quarter, with_previous_year=False)
    months = used.loc[used["kind"].astype(str) == "bulanan", "month"].dropna().astype(int) if not used.empty else []
    end = quarter_end_month(data.quarter)
    return tuple(m for m in range(end - 2, end + 1) if m not in set(months))


def _level(scores: pd.DataFrame, year: int, quarter: int, level: str) -> pd.DataFrame:
    rows = scores[(scores["year"] == year) & (scores["quarter"] == quarter) & (scores["level"] == level)]
    return rows.sort_values("item_order") if "item_order" in rows.columns else rows


def sasaran_rows(ind: pd.DataFrame, scores: pd.DataFrame, year: int, quarter: int, na_label: str) -> pd.DataFrame:
    """One row per SK of the plan (even unmeasured) with its NPS and kriteria from ``v_score``."""
    cols = ["sk_code", "sk_name", "sk_order", "sk_no", "perspective"]
    sk = ind[cols].drop_duplicates("sk_code")
    year_end = ind.groupby("sk_code")["pattern_key"].agg(lambda p: bool((p == "year_end").all()))
    scored = _level(scores, year, quarter, "sasaran")[
        ["item_code", "value_pct", "value_raw_pct", "kriteria", "n_measured", "parent_code"]]
    sk = sk.merge(scored, left_on="sk_code", right_on="item_code", how="left").drop(columns="item_code")
    missing = sk["value_pct"].isna()
    all_year_end = sk["sk_code"].map(year_end).fillna(False).astype(bool)
    fallback = all_year_end.map({True: na_label, False: "NA"})  # "Diukur Akhir Tahun" only when it is so
    label = sk["kriteria"].where(sk["kriteria"].notna(), fallback)
    return sk.assign(kriteria=label, all_year_end=all_year_end, measured=~missing).reset_index(drop=True)


def perspective_rows(scores: pd.DataFrame, year: int, quarter: int) -> pd.DataFrame:
    """Perspective scores of the quarter, in reporting order."""
    rows = _level(scores, year, quarter, "perspective")
    order = {name.casefold(): i for i, name in enumerate(master.PERSPECTIVES)}
    key = rows["item_name"].astype(str).str.casefold().map(order)
    return rows.assign(_o=key.fillna(rows.get("item_order", 99))).sort_values("_o").drop(columns="_o")


def prepare(data: ReportData) -> Facts:
    """All facts of the report, computed once."""
    header = _first(data.header)
    budget = data.budget_unit[data.budget_unit["month"] == data.end_month] if not data.budget_unit.empty else data.budget_unit
    ind = plan_indicators(data.plan, data.capaian, data.year, data.quarter)
    prev_year, prev_q = (data.year, data.quarter - 1) if data.quarter > 1 else (data.year - 1, 4)
    total = _level(data.scores, data.year, data.quarter, "total")
    return Facts(
        data=data,
        unit_name=str(header.get("unit_name") or data.unit_code),
        unit_type=str(header.get("unit_type") or ""),
        province=str(header.get("province") or ""),
        head_name=str(header.get("head_name") or ""),
        dipa_number=str(header.get("dipa_number") or ""),
        pk_date=header.get("pk_date"),
        pagu=header.get("pagu_rp"),
        pagu_aa=header.get("pagu_after_aa_rp"),
        ind=ind,
        sk=sasaran_rows(ind, data.scores, data.year, data.quarter, data.policy.na_sasaran),
        persp=perspective_rows(data.scores, data.year, data.quarter),
        total=_first(total) or None,
        prev_ind=indicators_at(data.capaian, prev_year, prev_q),
        last_year_ind=indicators_at(data.capaian, data.year - 1, data.quarter),
        budget=_first(budget),
        ro=data.budget_ro.sort_values("ro_code").reset_index(drop=True),
        missing_months=missing_months(data),
    )
