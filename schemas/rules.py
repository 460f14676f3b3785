"""Cross-sheet and cross-month rules of the workbook contract, each rule once.

Every rule is a plain function over canonical frames (the validated sheets, the plan on file, earlier
months) that returns a *hits* frame: one row per problem with ``rule_id``, ``sheet``, ``row`` (the
Excel row from ``_row``, or None for a sheet-level problem), ``column`` (canonical name), ``value`` and
the rule's message fields as further columns (already formatted for Indonesian readers). Rules know
nothing of Excel or wording: ``schemas.validate`` turns hits into problems with cells and messages.
Missing numbers never trigger a rule; the schema reports required values.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from reference import master
from sakip.periods import month_name
from schemas import codes, contract
from schemas.messages import fmt_number, fmt_rupiah
from schemas.naming import expected_file_name, parse_file_name
from transforms.operations import derived_indicator_values
from transforms.scoring import capaian_pct

HIT_COLUMNS = ["rule_id", "sheet", "row", "column", "value"]
#: Tolerances: a rupiah for sums of amounts, 0,01 percentage point for percentages.
RUPIAH_TOLERANCE = 1.0
PERCENT_TOLERANCE = 0.01
_EPS = 1e-9
_BUDGET_KEY = ["ro_code", "expense_type"]


def hits(rule_id: str, sheet: str, rows: pd.DataFrame, column: str, **fields: Any) -> pd.DataFrame:
    """A hits frame for ``rows`` of a workbook sheet (they carry ``_row``), pointing at ``column``."""
    frame = pd.DataFrame({
        "rule_id": rule_id, "sheet": sheet, "row": rows["_row"].astype("Int64"), "column": column,
        "value": rows[column] if column in rows.columns else None, **fields,
    }, index=rows.index)
    return frame.reset_index(drop=True)


def sheet_hit(rule_id: str, sheet: str, column: str | None, value: Any = None, **fields: Any) -> pd.DataFrame:
    """One sheet-level hit (no row)."""
    return pd.DataFrame([{"rule_id": rule_id, "sheet": sheet, "row": pd.NA, "column": column, "value": value,
                          **fields}])


def none() -> pd.DataFrame:
    """No hits."""
    return pd.DataFrame(columns=HIT_COLUMNS)


def num(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype(float)


def _blank(values: pd.Series) -> pd.Series:
    return values.isna() | values.astype("string").str.strip().fillna("").eq("")


# -- the plan --------------------------------------------------------------------------------------

def indicator_sk_undeclared(sasaran: pd.DataFrame, indikator: pd.DataFrame) -> pd.DataFrame:
    """Every indicator belongs to an SK declared in Sasaran (one hit per indicator row)."""
    bad = indikator[indikator["sk_code"].notna() & ~indikator["sk_code"].isin(sasaran["sk_code"])]
    return hits("indicator_sk_undeclared", "Indikator", bad, "sk_code", indicator=bad["indicator_code"])


def sk_without_indicator(sasaran: pd.DataFrame, indikator: pd.DataFrame) -> pd.DataFrame:
    """Every SK has at least one indicator (one hit per SK row)."""
    bad = sasaran[sasaran["sk_code"].notna() & ~sasaran["sk_code"].isin(indikator["sk_code"])]
    return hits("sk_without_indicator", "Sasaran", bad, "sk_code")


def rapk_row_missing(indikator: pd.DataFrame, rapk: pd.DataFrame) -> pd.DataFrame:
    """RAPK has a row for every indicator (hit at the indicator's row in Indikator)."""
    bad = indikator[indikator["indicator_code"].notna() & ~indikator["indicator_code"].isin(rapk["indicator_code"])]
    return hits("rapk_row_missing", "Indikator", bad, "indicator_code")


def rapk_unknown_indicator(indikator: pd.DataFrame, rapk: pd.DataFrame) -> pd.DataFrame:
    """Every RAPK row is an indicator of the Indikator sheet."""
    bad = rapk[rapk["indicator_code"].notna() & ~rapk["indicator_code"].isin(indikator["indicator_code"])]
    return hits("rapk_unknown_indicator", "RAPK", bad, "indicator_code")


def year_end_has_monthly_target(indikator: pd.DataFrame, rapk: pd.DataFrame) -> pd.DataFrame:
    """A year-end (akhir_tahun) indicator has a target in B12 only: one hit per filled B01..B11 cell."""
    year_end = indikator.loc[indikator["pattern"] == "akhir_tahun", "indicator_code"]
    rows = rapk[rapk["indicator_code"].isin(year_end)]
    early = list(contract.MONTH_COLUMNS[:-1])
    long = rows.melt(id_vars=["_row", "indicator_code"], value_vars=early, var_name="column", value_name="value")
    long = long[num(long["value"]).notna()]
    frame = hits("year_end_has_monthly_target", "RAPK", long, "value", indicator=long["indicator_code"],
                 month_name=long["column"].map(lambda c: month_name(int(c[1:]))))
    return frame.assign(column=long["column"].to_numpy(), value=long["value"].map(fmt_number).to_numpy())


def rpd_sum_mismatch(pagu: pd.DataFrame, rpd: pd.DataFrame) -> pd.DataFrame:
    """Each RPD row sums (B01..B12) to its Pagu line, within a rupiah; an RPD line without Pagu is unknown."""
    total = rpd[list(contract.MONTH_COLUMNS)].apply(num).sum(axis=1, min_count=1).fillna(0.0)
    lines = pagu[[*_BUDGET_KEY, "pagu_rp"]].drop_duplicates(_BUDGET_KEY)  # a repeated line is a duplicate_row
    merged = rpd.assign(total=total).merge(lines, on=_BUDGET_KEY, how="left", indicator=True)
    orphan = merged[(merged["_merge"] == "left_only") & merged["ro_code"].notna()]
    merged = merged[merged["_merge"] == "both"]
    diff = merged["total"] - num(merged["pagu_rp"])
    bad = merged[diff.abs() > RUPIAH_TOLERANCE]
    mismatch = hits("rpd_sum_mismatch", "RPD", bad, "ro_code", ro_code=bad["ro_code"],
                    expense_type=bad["expense_type"], total=bad["total"].map(fmt_rupiah),
                    pagu=bad["pagu_rp"].map(fmt_rupiah), diff=diff[bad.index].abs().map(fmt_rupiah))
    unknown = hits("code_unknown", "RPD", orphan, "ro_code",
                   allowed="Kode RO dan Jenis Belanja yang ada di lembar Pagu")
    return pd.concat([mismatch, unknown], ignore_index=True)


def rpd_row_missing(pagu: pd.DataFrame, rpd: pd.DataFrame) -> pd.DataFrame:
    """Every Pagu line has an RPD row (hit at the Pagu row)."""
    merged = pagu.merge(rpd[_BUDGET_KEY].drop_duplicates(), on=_BUDGET_KEY, how="left", indicator=True)
    bad = merged[(merged["_merge"] == "left_only") & merged["ro_code"].notna()]
    return hits("rpd_row_missing", "Pagu", bad, "ro_code", expense_type=bad["expense_type"])


def allocation_sum_mismatch(indikator: pd.DataFrame, pagu: pd.DataFrame) -> pd.DataFrame:
    """Sum of Alokasi Anggaran equals the sum of Pagu, within a rupiah (warning, sheet level)."""
    allocation, ceiling = num(indikator["allocation_rp"]).sum(), num(pagu["pagu_rp"]).sum()
    if abs(allocation - ceiling) <= RUPIAH_TOLERANCE:
        return none()
    return sheet_hit("allocation_sum_mismatch", "Indikator", "allocation_rp", fmt_rupiah(allocation),
                     total_allocation=fmt_rupiah(allocation), total_pagu=fmt_rupiah(ceiling),
                     diff=fmt_rupiah(abs(allocation - ceiling)))


def indicator_not_in_catalogue(indikator: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """An indicator the national catalogue lacks is accepted as the unit's own (warning)."""
    bad = indikator[indikator["indicator_code"].notna()
                    & ~indikator["indicator_code"].isin(codes.catalogue_indicator_codes())]
    return hits("indicator_not_in_catalogue", "Indikator", bad, "indicator_code", year=str(year or "ini"))


def ro_not_in_catalogue(pagu: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """An RO the catalogue lacks is accepted as the unit's own (warning, one hit per RO row)."""
    bad = pagu[pagu["ro_code"].notna() & ~pagu["ro_code"].isin(codes.catalogue_ro_codes())]
    return hits("ro_not_in_catalogue", "Pagu", bad, "ro_code", year=str(year or "ini"))


# -- the monthly report against the plan ---------------------------------------------------------

def indicator_missing(kinerja: pd.DataFrame, plan_indikator: pd.DataFrame) -> pd.DataFrame:
    """Every indicator of the plan appears in Kinerja (sheet-level hit per missing indicator)."""
    missing = plan_indikator.loc[~plan_indikator["indicator_code"].isin(kinerja["indicator_code"]), "indicator_code"]
    if missing.empty:
        return none()
    return pd.DataFrame({"rule_id": "indicator_missing", "sheet": "Kinerja", "row": pd.NA,
                         "column": "indicator_code", "value": missing.to_numpy()})


def indicator_not_in_plan(kinerja: pd.DataFrame, plan_indikator: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """Every Kinerja indicator is an indicator of the plan."""
    plan_codes = plan_indikator["indicator_code"]
    bad = kinerja[kinerja["indicator_code"].notna() & ~kinerja["indicator_code"].isin(plan_codes)]
    return hits("indicator_not_in_plan", "Kinerja", bad, "indicator_code", year=str(year or ""),
                examples=", ".join(plan_codes.head(3)))


def ro_not_in_plan(anggaran: pd.DataFrame, plan_pagu: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """Every Anggaran line (RO x jenis belanja) is a line of the plan's Pagu."""
    merged = anggaran.merge(plan_pagu[_BUDGET_KEY].drop_duplicates(), on=_BUDGET_KEY, how="left", indicator=True)
    bad = merged[(merged["_merge"] == "left_only") & merged["ro_code"].notna()]
    return hits("ro_not_in_plan", "Anggaran", bad, "ro_code", expense_type=bad["expense_type"], year=str(year or ""))


def _target_of_month(plan_rapk: pd.DataFrame, month: int) -> pd.Series:
    """indicator_code -> the RAPK target of the month (NaN = not measured)."""
    column = contract.MONTH_COLUMNS[month - 1]
    return num(plan_rapk.set_index("indicator_code")[column])


def realisasi_required(kinerja: pd.DataFrame, plan_rapk: pd.DataFrame, month: int) -> pd.DataFrame:
    """Realisasi is given wherever the plan has a target this month."""
    target = kinerja["indicator_code"].map(_target_of_month(plan_rapk, month))
    bad = kinerja[target.notna() & num(kinerja["realisasi"]).isna()]
    return hits("realisasi_required", "Kinerja", bad, "realisasi", indicator=bad["indicator_code"],
                month_name=month_name(month), target=target[bad.index].map(fmt_number))


def ratio_mismatch(kinerja: pd.DataFrame, units_of_measure: pd.Series) -> pd.DataFrame:
    """For a persen indicator with Pembilang and Penyebut (> 0): Realisasi = P / Q x 100 within 0,01.

    ``units_of_measure``: indicator_code -> Satuan (from the plan, or the catalogue offline).
    """
    unit = kinerja["indicator_code"].map(units_of_measure).astype("string").str.strip().str.casefold()
    real, top, bottom = num(kinerja["realisasi"]), num(kinerja["numerator"]), num(kinerja["denominator"])
    derived = top / bottom.where(bottom > 0) * 100
    bad = kinerja[unit.eq("persen").fillna(False) & real.notna() & derived.notna()
                  & ((real - derived).abs() > PERCENT_TOLERANCE + _EPS)]
    return hits("ratio_mismatch", "Kinerja", bad, "realisasi", derived=derived[bad.index].map(fmt_number))


def cumulative_decrease(kinerja: pd.DataFrame, plan_indikator: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """A kumulatif indicator's Realisasi does not fall below last month's (warning)."""
    cumulative = plan_indikator.loc[plan_indikator["pattern"] == "kumulatif", "indicator_code"]
    before = num(kinerja["indicator_code"].map(previous.drop_duplicates("indicator_code")
                                                .set_index("indicator_code")["realisasi"]))
    real = num(kinerja["realisasi"])
    bad = kinerja[kinerja["indicator_code"].isin(cumulative) & (real < before - _EPS)]
    return hits("cumulative_decrease", "Kinerja", bad, "realisasi", indicator=bad["indicator_code"],
                previous=before[bad.index].map(fmt_number))


def kendala_expected(kinerja: pd.DataFrame, plan_indikator: pd.DataFrame, plan_rapk: pd.DataFrame,
                     month: int) -> pd.DataFrame:
    """Where capaian < 100, Kendala and Rencana Tindak Lanjut are filled (warning at the first blank one)."""
    polarity = kinerja["indicator_code"].map(plan_indikator.set_index("indicator_code")["polarity"])
    polarity = polarity.map(lambda p: master.POLARITY.get(p, p))
    target = kinerja["indicator_code"].map(_target_of_month(plan_rapk, month))
    capaian = capaian_pct(kinerja["realisasi"], target, polarity)
    no_kendala, no_rtl = _blank(kinerja["kendala"]), _blank(kinerja["rtl"])
    bad = kinerja[(capaian < 100 - _EPS) & (no_kendala | no_rtl)]
    column = np.where(no_kendala[bad.index], "kendala", "rtl")
    blank = np.where(no_kendala[bad.index] & no_rtl[bad.index], "Kendala dan Rencana Tindak Lanjut",
                     np.where(no_kendala[bad.index], "Kendala", "Rencana Tindak Lanjut"))
    frame = hits("kendala_expected", "Kinerja", bad, "kendala", indicator=bad["indicator_code"],
                 capaian=capaian[bad.index].map(fmt_number), blank=blank)
    return frame.assign(column=column, value=None)


def _spent_to_date(anggaran: pd.DataFrame, spent_before: pd.DataFrame | None) -> pd.Series:
    """Cumulative spending per Anggaran row: earlier months of its line + this month."""
    if spent_before is None or spent_before.empty:
        before = pd.Series(0.0, index=anggaran.index)
    else:
        sums = spent_before.assign(spent_rp=num(spent_before["spent_rp"])).groupby(_BUDGET_KEY)["spent_rp"].sum()
        keys = pd.MultiIndex.from_frame(anggaran[_BUDGET_KEY].astype(object))
        before = pd.Series(sums.reindex(keys).fillna(0.0).to_numpy(), index=anggaran.index)
    return before + num(anggaran["spent_month_rp"]).fillna(0.0)


def spending_exceeds_pagu(anggaran: pd.DataFrame, plan_pagu: pd.DataFrame,
                          spent_before: pd.DataFrame | None) -> pd.DataFrame:
    """Cumulative spending of a line above its Pagu is a warning (at Realisasi Bulan Ini)."""
    spent = _spent_to_date(anggaran, spent_before)
    ceiling = anggaran[_BUDGET_KEY].merge(plan_pagu[[*_BUDGET_KEY, "pagu_rp"]].drop_duplicates(_BUDGET_KEY),
                                          on=_BUDGET_KEY, how="left")["pagu_rp"]
    ceiling = num(ceiling).set_axis(anggaran.index)
    bad = anggaran[ceiling.notna() & (spent > ceiling + RUPIAH_TOLERANCE)]
    return hits("spending_exceeds_pagu", "Anggaran", bad, "spent_month_rp", ro_code=bad["ro_code"],
                expense_type=bad["expense_type"], spent=spent[bad.index].map(fmt_rupiah),
                pagu=ceiling[bad.index].map(fmt_rupiah))


def spending_sum_mismatch(kinerja: pd.DataFrame, anggaran: pd.DataFrame,
                          spent_before: pd.DataFrame | None) -> pd.DataFrame:
    """Sum of the indicators' Realisasi Anggaran equals cumulative RO spending, within a rupiah (warning)."""
    attributed = num(kinerja["spent_cum_rp"])
    if attributed.notna().sum() == 0:
        return none()
    before = 0.0 if spent_before is None else num(spent_before["spent_rp"]).sum()
    ro_total = before + num(anggaran["spent_month_rp"]).sum()
    diff = attributed.sum() - ro_total
    if abs(diff) <= RUPIAH_TOLERANCE:
        return none()
    return sheet_hit("spending_sum_mismatch", "Kinerja", "spent_cum_rp", fmt_rupiah(attributed.sum()),
                     kinerja_total=fmt_rupiah(attributed.sum()), ro_total=fmt_rupiah(ro_total),
                     diff=fmt_rupiah(abs(diff)))


def _cumulative(this_month: pd.DataFrame, before: pd.DataFrame | None, keys: list[str],
                counts: list[str]) -> pd.DataFrame:
    frames = [f for f in (before, this_month) if f is not None and not f.empty]
    if not frames:
        return pd.DataFrame(columns=[*keys, *counts])
    stacked = pd.concat([f[[*keys, *counts]] for f in frames], ignore_index=True)
    stacked = stacked.assign(**{c: num(stacked[c]).fillna(0.0) for c in counts})
    return stacked.groupby(keys, as_index=False, dropna=False)[counts].sum()


def derived_indicator_mismatch(kinerja: pd.DataFrame, sampling: pd.DataFrame, inspection: pd.DataFrame,
                               sampling_before: pd.DataFrame | None,
                               inspection_before: pd.DataFrame | None,
                               sources: tuple[str, ...] = ("sampling", "inspection")) -> pd.DataFrame:
    """An indicator defined from sampling / inspection counts agrees with them, within 0,01 (warning).

    Counts are cumulative: earlier months (``*_before``) plus this month. ``sources`` limits the check to
    the sources whose earlier months are known.
    """
    derivations = master.indicator_derivations()
    derived = derived_indicator_values(
        _cumulative(sampling, sampling_before, ["commodity", "method"], ["sampled", "tested", "ms", "tms"]),
        _cumulative(inspection, inspection_before, ["facility_type"], ["inspected", "mk", "tmk"]),
        derivations, master.commodities(), master.facility_types(),
    )
    source = derivations.set_index("indicator_code")["source"]
    derived = derived[derived["indicator_code"].map(source).isin(sources)].set_index("indicator_code")
    value = kinerja["indicator_code"].map(derived["derived_pct"])
    real = num(kinerja["realisasi"])
    bad = kinerja[real.notna() & value.notna() & ((real - value).abs() > PERCENT_TOLERANCE + _EPS)]
    codes_ = bad["indicator_code"]
    return hits("derived_indicator_mismatch", "Kinerja", bad, "realisasi",
                derived=value[bad.index].map(fmt_number), numerator=codes_.map(derived["numerator"]).map(fmt_number),
                denominator=codes_.map(derived["denominator"]).map(fmt_number),
                source=codes_.map(source).map({"sampling": "Sampling", "inspection": "Pemeriksaan"}))


# -- identity and context --------------------------------------------------------------------------
# Identity hits point at an Identitas field: ``column`` is the canonical field (unit_code, year, ...).

def _identity_hit(rule_id: str, field_name: str, value: Any = None, **fields: Any) -> pd.DataFrame:
    return sheet_hit(rule_id, contract.IDENTITY_SHEET, field_name, value, **fields)


def _period_text(kind: str, year: int | None, month: int | None) -> str:
    if kind == contract.PLAN or month is None:
        return f"Rencana Tahunan {year}"
    return f"{month_name(month)} {year}"


def unit_mismatch_folder(identity: dict[str, Any], folder_unit: str | None) -> pd.DataFrame:
    """A unit submits only for itself: Kode Satker equals the folder the file arrived in."""
    unit = identity.get("unit_code")
    if not unit or not folder_unit or folder_unit.strip().upper() == unit:
        return none()
    return _identity_hit("unit_mismatch_folder", "unit_code", unit, folder=folder_unit)


def unit_mismatch_filename(kind: str, identity: dict[str, Any], file_name: str | None) -> pd.DataFrame:
    """The unit code in the file name (when it follows the pattern) equals Kode Satker."""
    unit = identity.get("unit_code")
    parts = parse_file_name(file_name or "")
    if not unit or parts.unit_code is None or parts.unit_code.upper() == unit or identity.get("year") is None:
        return none()
    return _identity_hit("unit_mismatch_filename", "unit_code", unit, name_unit=parts.unit_code,
                         expected_name=expected_file_name(unit, kind, identity["year"], identity.get("month") or 1))


def period_mismatch_filename(kind: str, identity: dict[str, Any], file_name: str | None) -> pd.DataFrame:
    """Kind and period in the file name (when it follows the pattern) equal the Identitas period."""
    parts = parse_file_name(file_name or "")
    year, month = identity.get("year"), identity.get("month")
    if parts.kind is None or year is None or (kind == contract.MONTHLY and month is None):
        return none()
    if (parts.kind, parts.year, parts.month) == (kind, year, month if kind == contract.MONTHLY else None):
        return none()
    field_name = "month" if kind == contract.MONTHLY and parts.year == year else "year"
    return _identity_hit("period_mismatch_filename", field_name, identity.get(field_name),
                         period=_period_text(kind, year, month),
                         name_period=_period_text(parts.kind, parts.year, parts.month),
                         expected_name=expected_file_name(identity.get("unit_code") or parts.unit_code, kind, year,
                                                          month))


def period_future(kind: str, identity: dict[str, Any], today: Any) -> pd.DataFrame:
    """A monthly report is for a month that has begun; a plan is for at most next year."""
    year, month = identity.get("year"), identity.get("month")
    if year is None:
        return none()
    if kind == contract.MONTHLY:
        if month is None or (year, month) <= (today.year, today.month):
            return none()
        return _identity_hit("period_future", "month", month, period=_period_text(kind, year, month),
                             today=today.strftime("%d/%m/%Y"), what="bulan")
    if year <= today.year + 1:
        return none()
    return _identity_hit("period_future", "year", year, period=_period_text(kind, year, None),
                         today=today.strftime("%d/%m/%Y"), what="tahun")


def plan_availability(identity: dict[str, Any], has_plan: bool, plan_year: int | None,
                      plan_years: tuple[int, ...], offline: bool) -> pd.DataFrame:
    """A monthly report needs the plan of its year: plan_missing, period_before_plan, or (offline) a warning."""
    unit, year = identity.get("unit_code"), identity.get("year")
    if year is None:
        return none()
    if has_plan and (plan_year is None or plan_year == year):
        return none()
    if not has_plan and offline:
        return _identity_hit("plan_not_available", "year", year)
    known = tuple(sorted({*plan_years, *([plan_year] if plan_year else [])}))
    if known and year not in known:
        return _identity_hit("period_before_plan", "year", year, year=year, unit=unit,
                             plan_years=", ".join(str(y) for y in known))
    return _identity_hit("plan_missing", "year", year, year=year, unit=unit)


def late_revision_without_note(kind: str, identity: dict[str, Any], is_replacement: bool, past_deadline: bool,
                               deadline: str) -> pd.DataFrame:
    """A replacement sent after the deadline carries a Catatan Revisi."""
    note = identity.get("revision_note")
    if not (is_replacement and past_deadline) or (isinstance(note, str) and note.strip()):
        return none()
    return _identity_hit("late_revision_without_note", "revision_note", note,
                         period=_period_text(kind, identity.get("year"), identity.get("month")), deadline=deadline)
