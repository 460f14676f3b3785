"""Cross-sheet and cross-month rules of the workbook contract, each rule once.

Every rule is a plain function over canonical frames (the validated sheets, the plan on file, earlier
months) that returns a *hits* frame: one row per problem with ``rule_id``, ``sheet``, ``row`` (the
Excel row from ``_row``, or None for a sheet-level problem), ``column`` (canonical name), ``value`` and
the rule's message fields as further columns (already formatted for Indonesian readers). Rules know
nothing of Excel or wording: ``schemas.validate`` turns hits into problems with cells and messages.
Missing numbers never trigger a rule; the schema reports required values.

The rules over a workbook's sheets (and the plan on file, earlier months) also check many workbooks in
one call (pandas' cost is per call, not per row): when their frames carry ``FILE`` (the workbook's
position in a batch), rows only meet rows of the same file, sums are per file, and the hits carry
``FILE`` too. Scalar arguments (year, month) are then the same for every file of the call.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from reference import master
from reference.rounding import below_target
from reference.values import missing
from sakip.periods import month_name
from schemas import checks, codes, contract
from schemas.messages import fmt_number, fmt_rupiah
from schemas.naming import expected_file_name, parse_file_name
from transforms.operations import DerivationRules, derivation_rules, derived_values
from transforms.scoring import capaian_pct

HIT_COLUMNS = ["rule_id", "sheet", "row", "column", "value"]
#: Column telling apart the workbooks of a batch: rules pair rows of the same file only.
FILE = "_file"
#: Tolerances: a rupiah for sums of amounts, 0,01 percentage point for percentages.
RUPIAH_TOLERANCE = 1.0
PERCENT_TOLERANCE = 0.01
_EPS = 1e-9
_BUDGET_KEY = ["ro_code", "expense_type"]
#: The period key of ``transforms.operations`` that carries the file through it in a batch.
_UNIT_KEY = "unit_code"


def hits(rule_id: str, sheet: str, rows: pd.DataFrame, column: str, **fields: Any) -> pd.DataFrame:
    """A hits frame for ``rows`` of a workbook sheet (they carry ``_row``), pointing at ``column``."""
    frame = pd.DataFrame({
        "rule_id": rule_id, "sheet": sheet, "row": rows["_row"].astype("Int64"), "column": column,
        "value": rows[column] if column in rows.columns else None, **fields, **_file_of(rows),
    }, index=rows.index)
    return frame.reset_index(drop=True)


def sheet_hit(rule_id: str, sheet: str, column: str | None, value: Any = None, **fields: Any) -> pd.DataFrame:
    """One sheet-level hit (no row)."""
    return pd.DataFrame([{"rule_id": rule_id, "sheet": sheet, "row": pd.NA, "column": column, "value": value,
                          **fields}])


_NO_HITS = pd.DataFrame(columns=HIT_COLUMNS)


def none() -> pd.DataFrame:
    """No hits (a copy of one empty frame: most rules find nothing, and building a frame costs more)."""
    return _NO_HITS.copy()


def num(values: pd.Series) -> pd.Series:
    """The values as floats (``checks.num``, integers made floats)."""
    return checks.num(values).astype(float)


# -- one file or a batch of files ------------------------------------------------------------------

def _file_of(rows: pd.DataFrame) -> dict[str, pd.Series]:
    """{FILE: the rows' files} when the rows come from a batch, else nothing (hits carry it along)."""
    return {FILE: rows[FILE]} if FILE in rows.columns else {}


def _by_file(frame: pd.DataFrame, keys: list[str]) -> list[str]:
    """``keys``, preceded by FILE when the frame comes from a batch: rows meet rows of their own file."""
    return [FILE, *keys] if FILE in frame.columns else list(keys)


def _key_index(frame: pd.DataFrame, keys: list[str], blanks_meet: bool) -> pd.Index:
    """Each row's key as one value: the column itself for one key, else a tuple (the file first in a batch;
    tuples hash in one step where a MultiIndex factorises every level, which costs more on small frames).

    ``blanks_meet``: every missing value is the same key, as in ``Series.map`` and ``merge``; otherwise
    None and NaN stay apart, as in ``Series.isin``."""
    if len(keys) == 1:
        return pd.Index(frame[keys[0]])
    columns = [frame[k].to_numpy(dtype=object) for k in keys]  # the values a Series yields, as an array
    if blanks_meet:
        columns = [np.where(pd.isna(c), None, c) for c in columns]
    return pd.Index(list(zip(*columns)), tupleize_cols=False, dtype=object)


def _isin(rows: pd.DataFrame, other: pd.DataFrame, column: str) -> pd.Series:
    """``rows[column].isin(other[column])``, per file in a batch (``Series.isin``'s equality)."""
    keys = _by_file(rows, [column])
    return pd.Series(_key_index(rows, keys, False).isin(_key_index(other, keys, False)), index=rows.index)


def _matched(rows: pd.DataFrame, other: pd.DataFrame, keys: list[str]) -> pd.Series:
    """True where the row's key occurs in ``other`` (per file): a left merge's ``both``, blanks meeting."""
    keys = _by_file(rows, keys)
    return pd.Series(_key_index(rows, keys, True).isin(_key_index(other, keys, True)), index=rows.index)


def _lookup(rows: pd.DataFrame, table: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    """``table[column]`` at each row's key (per file), NaN where absent: ``Series.map`` over a batch
    (a key repeated in ``table`` raises, as ``map`` does)."""
    keys = _by_file(rows, keys)
    values = pd.Series(table[column].array, index=_key_index(table, keys, True))
    return pd.Series(values.reindex(_key_index(rows, keys, True)).array, index=rows.index)


def _lookups(rows: pd.DataFrame, table: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """``_lookup`` of several columns of ``table`` at once (the keys matched once)."""
    keys = _by_file(rows, keys)
    values = table[columns].set_axis(_key_index(table, keys, True))
    return values.reindex(_key_index(rows, keys, True)).set_axis(rows.index)


def _files(frame: pd.DataFrame) -> pd.Series:
    """Each row's file (0 for all rows of a frame that is not from a batch)."""
    return frame[FILE] if FILE in frame.columns else pd.Series(0, index=frame.index)


def _totals(frame: pd.DataFrame | None, column: str, files: pd.Index) -> pd.Series:
    """Sum of a number column per file (0 for a file without rows): ``Series.sum`` of each file's rows, so
    every file's total is the very float a one-file check computes (a grouped sum adds in another order;
    a batch holds a few files, so one sum per file costs less than a groupby)."""
    if frame is None or frame.empty:
        return pd.Series(0.0, index=files)
    numbers, owners = num(frame[column]), _files(frame).to_numpy()
    sums = pd.Series({file: numbers[owners == file].sum() for file in np.unique(owners)})
    return sums.reindex(files).fillna(0.0)


def _file_hits(rule_id: str, sheet: str, column: str, value: pd.Series, batch: bool,
               **fields: pd.Series) -> pd.DataFrame:
    """One sheet-level hit per file (the index of ``value`` and ``fields``); FILE kept in a batch."""
    frame = pd.DataFrame({"rule_id": rule_id, "sheet": sheet, "row": pd.NA, "column": column, "value": value,
                          **fields})
    frame = frame.assign(**{FILE: frame.index.to_numpy()}) if batch else frame
    return frame.reset_index(drop=True)


# -- the plan --------------------------------------------------------------------------------------

def indicator_sk_undeclared(sasaran: pd.DataFrame, indikator: pd.DataFrame) -> pd.DataFrame:
    """Every indicator belongs to an SK declared in Sasaran (one hit per indicator row)."""
    bad = indikator[indikator["sk_code"].notna() & ~_isin(indikator, sasaran, "sk_code")]
    return hits("indicator_sk_undeclared", "Indikator", bad, "sk_code", indicator=bad["indicator_code"])


def sk_without_indicator(sasaran: pd.DataFrame, indikator: pd.DataFrame) -> pd.DataFrame:
    """Every SK has at least one indicator (one hit per SK row)."""
    bad = sasaran[sasaran["sk_code"].notna() & ~_isin(sasaran, indikator, "sk_code")]
    return hits("sk_without_indicator", "Sasaran", bad, "sk_code")


def rapk_row_missing(indikator: pd.DataFrame, rapk: pd.DataFrame) -> pd.DataFrame:
    """RAPK has a row for every indicator (hit at the indicator's row in Indikator)."""
    bad = indikator[indikator["indicator_code"].notna() & ~_isin(indikator, rapk, "indicator_code")]
    return hits("rapk_row_missing", "Indikator", bad, "indicator_code")


def rapk_unknown_indicator(indikator: pd.DataFrame, rapk: pd.DataFrame) -> pd.DataFrame:
    """Every RAPK row is an indicator of the Indikator sheet."""
    bad = rapk[rapk["indicator_code"].notna() & ~_isin(rapk, indikator, "indicator_code")]
    return hits("rapk_unknown_indicator", "RAPK", bad, "indicator_code")


def year_end_has_monthly_target(indikator: pd.DataFrame, rapk: pd.DataFrame) -> pd.DataFrame:
    """A year-end (akhir_tahun) indicator has a target in B12 only: one hit per filled B01..B11 cell."""
    year_end = indikator[indikator["pattern"] == "akhir_tahun"]
    rows = rapk[_isin(rapk, year_end, "indicator_code")]
    early = list(contract.MONTH_COLUMNS[:-1])
    long = rows.melt(id_vars=_by_file(rows, ["_row", "indicator_code"]), value_vars=early, var_name="column",
                     value_name="value")
    long = long[num(long["value"]).notna()]
    frame = hits("year_end_has_monthly_target", "RAPK", long, "value", indicator=long["indicator_code"],
                 month_name=long["column"].map(lambda c: month_name(int(c[1:]))))
    return frame.assign(column=long["column"].to_numpy(), value=long["value"].map(fmt_number).to_numpy())


def rpd_sum_mismatch(pagu: pd.DataFrame, rpd: pd.DataFrame) -> pd.DataFrame:
    """Each RPD row sums (B01..B12) to its Pagu line, within a rupiah; an RPD line without Pagu is unknown."""
    total = rpd[list(contract.MONTH_COLUMNS)].apply(num).sum(axis=1, min_count=1).fillna(0.0)
    lines = pagu.drop_duplicates(_by_file(pagu, _BUDGET_KEY))  # a repeated line is a duplicate_row
    known = _matched(rpd, lines, _BUDGET_KEY)
    ceiling = _lookup(rpd, lines, _BUDGET_KEY, "pagu_rp")
    orphan = rpd[~known & rpd["ro_code"].notna()]
    diff = total[known] - num(ceiling[known])
    bad = rpd[known][diff.abs() > RUPIAH_TOLERANCE]
    mismatch = hits("rpd_sum_mismatch", "RPD", bad, "ro_code", ro_code=bad["ro_code"],
                    expense_type=bad["expense_type"], total=total[bad.index].map(fmt_rupiah),
                    pagu=ceiling[bad.index].map(fmt_rupiah), diff=diff[bad.index].abs().map(fmt_rupiah))
    unknown = hits("code_unknown", "RPD", orphan, "ro_code",
                   allowed="Kode RO dan Jenis Belanja yang ada di lembar Pagu")
    return pd.concat([mismatch, unknown], ignore_index=True)


def rpd_row_missing(pagu: pd.DataFrame, rpd: pd.DataFrame) -> pd.DataFrame:
    """Every Pagu line has an RPD row (hit at the Pagu row)."""
    bad = pagu[~_matched(pagu, rpd, _BUDGET_KEY) & pagu["ro_code"].notna()]
    return hits("rpd_row_missing", "Pagu", bad, "ro_code", expense_type=bad["expense_type"])


def allocation_sum_mismatch(indikator: pd.DataFrame, pagu: pd.DataFrame) -> pd.DataFrame:
    """Sum of Alokasi Anggaran equals the sum of Pagu, within a rupiah (warning, sheet level, per file)."""
    files = pd.Index(sorted(set(_files(indikator)) | set(_files(pagu))))
    allocation, ceiling = _totals(indikator, "allocation_rp", files), _totals(pagu, "pagu_rp", files)
    diff = (allocation - ceiling).abs()
    bad = diff > RUPIAH_TOLERANCE
    if not bad.any():
        return none()
    shown = allocation[bad].map(fmt_rupiah)
    return _file_hits("allocation_sum_mismatch", "Indikator", "allocation_rp", shown, FILE in indikator.columns,
                      total_allocation=shown, total_pagu=ceiling[bad].map(fmt_rupiah), diff=diff[bad].map(fmt_rupiah))


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
    missing = plan_indikator[~_isin(plan_indikator, kinerja, "indicator_code")]
    if missing.empty:
        return none()
    return pd.DataFrame({"rule_id": "indicator_missing", "sheet": "Kinerja", "row": pd.NA,
                         "column": "indicator_code", "value": missing["indicator_code"].to_numpy(),
                         **{k: v.to_numpy() for k, v in _file_of(missing).items()}})


def indicator_not_in_plan(kinerja: pd.DataFrame, plan_indikator: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """Every Kinerja indicator is an indicator of the plan."""
    bad = kinerja[kinerja["indicator_code"].notna() & ~_isin(kinerja, plan_indikator, "indicator_code")]
    return hits("indicator_not_in_plan", "Kinerja", bad, "indicator_code", year=str(year or ""),
                examples=_examples(bad, plan_indikator))


def _examples(rows: pd.DataFrame, plan_indikator: pd.DataFrame) -> str | pd.Series:
    """The plan's first three indicator codes (of each row's file), to show what a code looks like."""
    if FILE not in rows.columns:
        return ", ".join(plan_indikator["indicator_code"].head(3))
    firsts = plan_indikator.groupby(FILE, sort=False).head(3).groupby(FILE)["indicator_code"].agg(", ".join)
    return rows[FILE].map(firsts).fillna("")


def ro_not_in_plan(anggaran: pd.DataFrame, plan_pagu: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """Every Anggaran line (RO x jenis belanja) is a line of the plan's Pagu."""
    bad = anggaran[~_matched(anggaran, plan_pagu, _BUDGET_KEY) & anggaran["ro_code"].notna()]
    return hits("ro_not_in_plan", "Anggaran", bad, "ro_code", expense_type=bad["expense_type"], year=str(year or ""))


def _target_of_month(kinerja: pd.DataFrame, plan_rapk: pd.DataFrame, month: int) -> pd.Series:
    """Each Kinerja row's RAPK target of the month (NaN = not measured)."""
    return num(_lookup(kinerja, plan_rapk, ["indicator_code"], contract.MONTH_COLUMNS[month - 1]))


def realisasi_required(kinerja: pd.DataFrame, plan_rapk: pd.DataFrame, month: int) -> pd.DataFrame:
    """Realisasi is given wherever the plan has a target this month."""
    target = _target_of_month(kinerja, plan_rapk, month)
    bad = kinerja[target.notna() & num(kinerja["realisasi"]).isna()]
    return hits("realisasi_required", "Kinerja", bad, "realisasi", indicator=bad["indicator_code"],
                month_name=month_name(month), target=target[bad.index].map(fmt_number))


def ratio_mismatch(kinerja: pd.DataFrame, units_of_measure: pd.Series | pd.DataFrame) -> pd.DataFrame:
    """For a persen indicator with Pembilang and Penyebut (> 0): Realisasi = P / Q x 100 within 0,01.

    ``units_of_measure``: indicator_code -> Satuan (the catalogue's, offline), or the plan's Indikator rows
    (indicator_code, unit_of_measure; with FILE in a batch: each file's own plan).
    """
    if isinstance(units_of_measure, pd.DataFrame):
        unit = _lookup(kinerja, units_of_measure, ["indicator_code"], "unit_of_measure")
    else:
        unit = kinerja["indicator_code"].map(units_of_measure)
    unit = unit.astype("string").str.strip().str.casefold()
    real, top, bottom = num(kinerja["realisasi"]), num(kinerja["numerator"]), num(kinerja["denominator"])
    derived = top / bottom.where(bottom > 0) * 100
    bad = kinerja[unit.eq("persen").fillna(False) & real.notna() & derived.notna()
                  & ((real - derived).abs() > PERCENT_TOLERANCE + _EPS)]
    return hits("ratio_mismatch", "Kinerja", bad, "realisasi", derived=derived[bad.index].map(fmt_number))


def cumulative_decrease(kinerja: pd.DataFrame, plan_indikator: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """A kumulatif indicator's Realisasi does not fall below last month's (warning)."""
    cumulative = plan_indikator[plan_indikator["pattern"] == "kumulatif"]
    last = previous.drop_duplicates(_by_file(previous, ["indicator_code"]))
    before = num(_lookup(kinerja, last, ["indicator_code"], "realisasi"))
    real = num(kinerja["realisasi"])
    bad = kinerja[_isin(kinerja, cumulative, "indicator_code") & (real < before - _EPS)]
    return hits("cumulative_decrease", "Kinerja", bad, "realisasi", indicator=bad["indicator_code"],
                previous=before[bad.index].map(fmt_number))


def kendala_expected(kinerja: pd.DataFrame, plan_indikator: pd.DataFrame, plan_rapk: pd.DataFrame,
                     month: int) -> pd.DataFrame:
    """Where the capaian is below target (``reference.rounding.below_target``: below 100 as printed, the
    report's definition), Kendala and Rencana Tindak Lanjut are filled (warning at the first blank one)."""
    polarity = _lookup(kinerja, plan_indikator, ["indicator_code"], "polarity")
    polarity = polarity.map(lambda p: master.POLARITY.get(p, p))
    target = _target_of_month(kinerja, plan_rapk, month)
    capaian = capaian_pct(kinerja["realisasi"], target, polarity)
    no_kendala, no_rtl = missing(kinerja["kendala"]), missing(kinerja["rtl"])
    bad = kinerja[below_target(capaian) & (no_kendala | no_rtl)]
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
        spent = spent_before.assign(spent_rp=num(spent_before["spent_rp"]))
        sums = spent.groupby(_by_file(anggaran, _BUDGET_KEY), as_index=False)["spent_rp"].sum()
        before = num(_lookup(anggaran, sums, _BUDGET_KEY, "spent_rp")).fillna(0.0)
    return before + num(anggaran["spent_month_rp"]).fillna(0.0)


def spending_exceeds_pagu(anggaran: pd.DataFrame, plan_pagu: pd.DataFrame,
                          spent_before: pd.DataFrame | None) -> pd.DataFrame:
    """Cumulative spending of a line above its Pagu is a warning (at Realisasi Bulan Ini)."""
    spent = _spent_to_date(anggaran, spent_before)
    lines = plan_pagu.drop_duplicates(_by_file(plan_pagu, _BUDGET_KEY))
    ceiling = num(_lookup(anggaran, lines, _BUDGET_KEY, "pagu_rp"))
    bad = anggaran[ceiling.notna() & (spent > ceiling + RUPIAH_TOLERANCE)]
    return hits("spending_exceeds_pagu", "Anggaran", bad, "spent_month_rp", ro_code=bad["ro_code"],
                expense_type=bad["expense_type"], spent=spent[bad.index].map(fmt_rupiah),
                pagu=ceiling[bad.index].map(fmt_rupiah))


def spending_sum_mismatch(kinerja: pd.DataFrame, anggaran: pd.DataFrame,
                          spent_before: pd.DataFrame | None) -> pd.DataFrame:
    """Sum of the indicators' Realisasi Anggaran equals cumulative RO spending, within a rupiah (warning).

    One sheet-level hit per file whose sums disagree (a file without any attributed spending is skipped)."""
    files = pd.Index(np.unique(_files(kinerja).to_numpy()[num(kinerja["spent_cum_rp"]).notna().to_numpy()]))
    attributed = _totals(kinerja, "spent_cum_rp", files)
    ro_total = _totals(spent_before, "spent_rp", files) + _totals(anggaran, "spent_month_rp", files)
    diff = attributed - ro_total
    bad = diff.abs() > RUPIAH_TOLERANCE
    if not bad.any():
        return none()
    shown = attributed[bad].map(fmt_rupiah)
    return _file_hits("spending_sum_mismatch", "Kinerja", "spent_cum_rp", shown, FILE in kinerja.columns,
                      kinerja_total=shown, ro_total=ro_total[bad].map(fmt_rupiah), diff=diff[bad].abs().map(fmt_rupiah))


def _cumulative(this_month: pd.DataFrame, before: pd.DataFrame | None, keys: list[str],
                counts: list[str]) -> pd.DataFrame:
    frames = [f for f in (before, this_month) if f is not None and not f.empty]
    if not frames:
        return pd.DataFrame(columns=[*keys, *counts])
    stacked = pd.concat([f[[*keys, *counts]] for f in frames], ignore_index=True)
    stacked = stacked.assign(**{c: num(stacked[c]).fillna(0.0) for c in counts})
    return stacked.groupby(keys, as_index=False, dropna=False)[counts].sum()


@lru_cache(maxsize=1)
def _derivation_rules() -> DerivationRules:
    """The master data's derivations prepared for ``transforms.operations.derived_values`` (once: master
    data does not change while the process runs)."""
    return derivation_rules(master.indicator_derivations(), master.commodities(), master.facility_types())


@lru_cache(maxsize=1)
def _derivation_sources() -> pd.Series:
    """indicator_code -> source (sampling / inspection) of the count-defined indicators."""
    return master.indicator_derivations().set_index("indicator_code")["source"]


def derived_indicator_mismatch(kinerja: pd.DataFrame, sampling: pd.DataFrame, inspection: pd.DataFrame,
                               sampling_before: pd.DataFrame | None,
                               inspection_before: pd.DataFrame | None,
                               sources: tuple[str, ...] = ("sampling", "inspection")) -> pd.DataFrame:
    """An indicator defined from sampling / inspection counts agrees with them, within 0,01 (warning).

    Counts are cumulative: earlier months (``*_before``) plus this month. ``sources`` limits the check to
    the sources whose earlier months are known. In a batch, the file stands in for the unit key of
    ``derived_indicator_values``, so each file's counts make its own values.
    """
    keys = _by_file(kinerja, [])
    derived = derived_values(
        _cumulative(sampling, sampling_before, [*keys, "commodity", "method"], ["sampled", "tested", "ms", "tms"])
        .rename(columns={FILE: _UNIT_KEY}),
        _cumulative(inspection, inspection_before, [*keys, "facility_type"], ["inspected", "mk", "tmk"])
        .rename(columns={FILE: _UNIT_KEY}),
        _derivation_rules(),
    ).rename(columns={_UNIT_KEY: FILE})
    source = _derivation_sources()
    derived = derived[derived["indicator_code"].map(source).isin(sources)]
    found = _lookups(kinerja, derived, ["indicator_code"], ["derived_pct", "numerator", "denominator"])
    value, real = found["derived_pct"], num(kinerja["realisasi"])
    bad = kinerja[real.notna() & value.notna() & ((real - value).abs() > PERCENT_TOLERANCE + _EPS)]
    return hits("derived_indicator_mismatch", "Kinerja", bad, "realisasi",
                derived=value[bad.index].map(fmt_number),
                numerator=found["numerator"][bad.index].map(fmt_number),
                denominator=found["denominator"][bad.index].map(fmt_number),
                source=bad["indicator_code"].map(source).map({"sampling": "Sampling", "inspection": "Pemeriksaan"}))


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


# -- plausible values (``contract.MEASURE_RANGES``, ``contract.COLUMN_RANGES``) ------------------------
# A value above its range's limit is impossible (``value_implausible``, error); above its usual bound,
# unusual (``value_unusual``, warning). Negative values are the schemas' (``value_negative``).

def _range_hits(sheet: str, rows: pd.DataFrame, column: str, values: pd.Series, limit: pd.Series | float,
                usual: pd.Series | float, shown: Any, **fields: Any) -> pd.DataFrame:
    """Hits of one number column against each row's limit and usual bound (a Series on the rows' index,
    or one bound for every row; NaN: no bound); ``shown`` formats a bound for the message (``fmt_number``
    or ``fmt_rupiah``); a message field is one value, a Series on the rows' index, or a function of the
    rows found (made only when there are some). Compared as arrays: most columns are within range, and
    the rule runs per column."""
    numbers = values.to_numpy(dtype=float)
    impossible = numbers > np.asarray(limit, dtype=float) + _EPS
    unusual = ~impossible & (numbers > np.asarray(usual, dtype=float) + _EPS)
    found = []
    for rule_id, bad, bound in (("value_implausible", impossible, limit), ("value_unusual", unusual, usual)):
        if bad.any():
            picked = rows[bad]
            bound = bound[bad] if isinstance(bound, pd.Series) else pd.Series(bound, index=picked.index)
            found.append(hits(rule_id, sheet, picked, column, limit=bound.map(shown),
                              **{k: _at(v, bad) for k, v in fields.items()}))
    return pd.concat(found, ignore_index=True) if found else none()


def _at(field: Any, bad: np.ndarray) -> Any:
    """A message field of ``_range_hits`` at the rows found."""
    if isinstance(field, pd.Series):
        return field[bad]
    return field(bad) if callable(field) else field


def _satuan(units: pd.Series) -> pd.Series:
    """Satuan in its contract spelling (stripped, lower case); missing stays missing."""
    return units.astype("string").str.strip().str.casefold().astype(object).where(units.notna(), None)


def _indicator_ranges(sheet: str, frame: pd.DataFrame, satuan: pd.Series,
                      skip: pd.Series | None = None) -> pd.DataFrame:
    """The sheet's indicator columns (``contract.MEASURE_COLUMNS``) against each row's Satuan range
    (``satuan``: each row's, spelled by ``_satuan``); an unknown Satuan is the schema's (or the plan's)
    problem, not a range's. ``skip``: rows left out."""
    ranges = contract.MEASURE_RANGES
    limit = satuan.map({k: r.limit for k, r in ranges.items()}).astype(float)
    usual = satuan.map({k: r.usual for k, r in ranges.items() if r.usual is not None}).astype(float)

    def scope(bad: np.ndarray) -> pd.Series:
        return (" untuk indikator '" + frame["indicator_code"][bad].astype("string").fillna("") + "' bersatuan "
                + satuan[bad].astype("string").fillna("")).astype(object)

    found = []
    for column in (c for c in contract.MEASURE_COLUMNS[sheet] if c in frame.columns):
        values = num(frame[column]) if skip is None else num(frame[column]).where(~skip)
        found.append(_range_hits(sheet, frame, column, values, limit, usual, fmt_number, scope=scope))
    found = [f for f in found if not f.empty]
    return pd.concat(found, ignore_index=True) if found else none()


def indicator_values_implausible(indikator: pd.DataFrame, rapk: pd.DataFrame | None) -> pd.DataFrame:
    """Target Tahunan (Satuan of its own row) and RAPK B01..B12 (Satuan of the indicator in Indikator)
    within the plausible range of their Satuan."""
    found = [_indicator_ranges("Indikator", indikator, _satuan(indikator["unit_of_measure"]))]
    if rapk is not None and not rapk.empty:
        declared = indikator[indikator["indicator_code"].notna()]
        declared = declared.drop_duplicates(_by_file(declared, ["indicator_code"]))
        units = _lookup(rapk, declared, ["indicator_code"], "unit_of_measure")
        found.append(_indicator_ranges("RAPK", rapk, _satuan(units)))
    found = [f for f in found if not f.empty]
    return pd.concat(found, ignore_index=True) if found else none()


def realisasi_implausible(kinerja: pd.DataFrame, units_of_measure: pd.Series | pd.DataFrame) -> pd.DataFrame:
    """Realisasi within the plausible range of its indicator's Satuan (``units_of_measure`` as in
    ``ratio_mismatch``: the catalogue's Satuan, or the plan's Indikator rows).

    A persen Realisasi given with Pembilang and Penyebut is left to the ratio rules, which bound it
    already (Pembilang <= Penyebut, Realisasi = Pembilang / Penyebut x 100): one mistake, one message."""
    if isinstance(units_of_measure, pd.DataFrame):
        declared = units_of_measure.drop_duplicates(_by_file(units_of_measure, ["indicator_code"]))
        unit = _lookup(kinerja, declared, ["indicator_code"], "unit_of_measure")
    else:
        unit = kinerja["indicator_code"].map(units_of_measure)
    satuan = _satuan(unit)
    ratio = satuan.eq("persen") & num(kinerja["numerator"]).notna() & num(kinerja["denominator"]).notna()
    return _indicator_ranges("Kinerja", kinerja, satuan, skip=ratio)


#: What a fixed range bounds, for the message ("... tidak mungkin untuk satu sel rupiah").
_FIXED_SCOPES = {"rupiah": " untuk satu sel rupiah", "progress": " untuk progres (100 berarti selesai)",
                 "count": " untuk sebuah hitungan"}


def amounts_implausible(frames: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """Amounts, counts and progress within their fixed ranges (``contract.COLUMN_RANGES``), per sheet of
    ``frames`` (a sheet None or absent is skipped)."""
    found = []
    for (sheet, column), bounds in contract.COLUMN_RANGES.items():
        frame = frames.get(sheet)
        if frame is None or frame.empty or column not in frame.columns:
            continue
        values = num(frame[column])
        limit, usual = float(bounds.limit), np.nan if bounds.usual is None else float(bounds.usual)
        rupiah = column.endswith("_rp") or sheet == "RPD"
        scope = _FIXED_SCOPES["rupiah" if rupiah else "progress" if column == "progress_pct" else "count"]
        found.append(_range_hits(sheet, frame, column, values, limit, usual, fmt_rupiah if rupiah else fmt_number,
                                 scope=scope))
    found = [f for f in found if not f.empty]
    return pd.concat(found, ignore_index=True) if found else none()
