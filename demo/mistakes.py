"""Planted steward mistakes: what goes wrong in real submissions, one kind at most per file.

Each planter takes a clean workbook's content and returns the content as the steward sent it plus
where the mistake sits (sheet, canonical column, frame row), or None when the file offers no place for
that kind (no sampling rows, no cumulative indicator, ...). ``KINDS`` says which rule the validator
must report (the exact ``rule_id`` of ``schemas.messages``), its severity and whether the file is
rejected; tolerated kinds (a value the reader accepts) have no rule. Every choice is drawn from the
file's own random stream, so planting is deterministic.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

import numpy as np
import pandas as pd

from demo.phrases import REVISION_NOTES, obstacles
from demo.unit_year import Content, UnitYear
from reference import master
from schemas import contract
from sinks.template_style import columns, identity_fields


@dataclass(frozen=True)
class Kind:
    """What the validator must say about a kind of mistake."""

    rule_id: str | None
    severity: str | None
    rejected: bool
    also: tuple[str, ...] = ()   # other rules the same mistake triggers (same file)


#: Every kind of planted mistake. ``also`` lists consequences the validator reports besides the rule.
KINDS: dict[str, Kind] = {
    "text_in_number": Kind("number_invalid", "error", True, ("realisasi_required",)),
    "indonesian_number_format": Kind(None, None, False),
    "percent_in_cell": Kind(None, None, False),
    "trailing_spaces": Kind(None, None, False),
    "missing_indicator_row": Kind("indicator_missing", "error", True, ("spending_sum_mismatch",)),
    "wrong_unit_code": Kind("unit_mismatch_folder", "error", True, ("unit_mismatch_filename",)),
    "ms_tms_mismatch": Kind("ms_tms_mismatch", "error", True),
    "mk_tmk_mismatch": Kind("mk_tmk_mismatch", "error", True),
    "numerator_exceeds_denominator": Kind("numerator_exceeds_denominator", "error", True),
    "negative_amount": Kind("value_negative", "error", True, ("spending_sum_mismatch",)),
    "missing_realisasi": Kind("realisasi_required", "error", True),
    "unknown_indicator": Kind("indicator_not_in_plan", "error", True),
    "duplicate_row": Kind("duplicate_row", "error", True, ("spending_sum_mismatch",)),
    "cumulative_decrease": Kind("cumulative_decrease", "warning", False),
    "kendala_missing": Kind("kendala_expected", "warning", False),
    "month_sent_twice": Kind(None, None, False),
    "corrected_resubmission": Kind(None, None, False),
}
#: Kinds planted in plans: tolerated forms only (a rejected plan would block the unit's whole year).
PLAN_KINDS = ("indonesian_number_format", "percent_in_cell", "trailing_spaces")
#: Kinds after which the month's stored realisations are the clean ones (safe base for cumulative_decrease).
KEEPS_REALISATIONS = frozenset({None, "indonesian_number_format", "percent_in_cell", "trailing_spaces",
                                "kendala_missing", "month_sent_twice", "corrected_resubmission"})
#: How far a corrected resubmission's first realisation is off (a factor drawn in this range).
WRONG_FACTOR = (1.05, 1.3)
TEXT_NUMBERS = ("sembilan puluh", "98 persen?", "lihat lampiran", "menunggu hasil uji", "± sembilan lima")


@dataclass(frozen=True)
class Plant:
    """A planted mistake: the content as sent, and where the mistake is.

    ``position`` is the 0-based frame row (None: a missing row / whole file); for ``Identitas`` the
    column is the identity field. ``extra`` holds further files of the same month: (suffix, content)
    where content None means an identical byte copy of the main file.
    """

    kind: str
    content: Content
    sheet: str | None = None
    column: str | None = None
    position: int | None = None
    value: str | None = None
    note: str = ""
    extra: tuple[tuple[str, Content | None], ...] = ()


@dataclass(frozen=True)
class Where:
    """What a planter may look at besides the file: the unit's year and the month (None: the plan)."""

    year_data: UnitYear
    month: int | None
    previous_kind: str | None = None
    previous_written: bool = True


# ----------------------------------------------------------------------------------------- helpers

def _with_frame(content: Content, sheet: str, frame: pd.DataFrame) -> Content:
    return replace(content, frames={**content.frames, sheet: frame.reset_index(drop=True)})


def _set(content: Content, sheet: str, position: int, column: str, value: object) -> Content:
    frame = content.frames[sheet].astype({column: object})
    frame.iloc[position, frame.columns.get_loc(column)] = value
    return _with_frame(content, sheet, frame)


def _kinerja_facts(content: Content, where: Where) -> pd.DataFrame:
    """Kinerja rows with the plan's pattern, satuan and this month's target."""
    plan = where.year_data.plan.frames
    info = plan["Indikator"].set_index("indicator_code")[["pattern", "unit_of_measure"]]
    target = plan["RAPK"].set_index("indicator_code")[contract.MONTH_COLUMNS[where.month - 1]]
    kin = content.frames["Kinerja"]
    derived = set(master.indicator_derivations()["indicator_code"])
    return kin.assign(pattern=kin["indicator_code"].map(info["pattern"]),
                      unit=kin["indicator_code"].map(info["unit_of_measure"]),
                      target=kin["indicator_code"].map(target),
                      derived=kin["indicator_code"].isin(derived))


def _pick(rng: np.random.Generator, mask: pd.Series | np.ndarray) -> int | None:
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    return int(rng.choice(positions)) if len(positions) else None


def indonesian_number(value: float) -> str:
    """``30215555000`` -> ``30.215.555.000,00`` (Indonesian thousands and decimal separators)."""
    whole, cents = divmod(round(abs(value) * 100), 100)
    return f"{'-' if value < 0 else ''}{whole:,}".replace(",", ".") + f",{cents:02d}"


def percent_text(value: float) -> str:
    """``95.66`` -> ``95,66%``; ``100.0`` -> ``100%``."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",") + "%"


# ---------------------------------------------------------------------------------------- planters

def text_in_number(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    kin = _kinerja_facts(c, w)
    i = _pick(rng, kin["target"].notna() & kin["realisasi"].notna() & kin["numerator"].isna())
    if i is None:
        return None
    text = str(rng.choice(TEXT_NUMBERS))
    return Plant("text_in_number", _set(c, "Kinerja", i, "realisasi", text), "Kinerja", "realisasi", i, text,
                 f"Realisasi {kin.at[i, 'indicator_code']} ditulis sebagai teks (seharusnya {kin.at[i, 'realisasi']}).")


def _amount_as_text(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    if w.month is None:
        pagu = c.frames["Pagu"]
        i = _pick(rng, pagu["pagu_rp"] >= 1000)
        text = indonesian_number(float(pagu.at[i, "pagu_rp"]))
        return Plant("indonesian_number_format", _set(c, "Pagu", i, "pagu_rp", text), "Pagu", "pagu_rp", i, text,
                     "Pagu ditulis sebagai teks berformat Indonesia; nilainya benar.")
    ang = c.frames["Anggaran"]
    i = _pick(rng, ang["spent_month_rp"] >= 1000)
    if i is None:
        return None
    text = indonesian_number(float(ang.at[i, "spent_month_rp"]))
    return Plant("indonesian_number_format", _set(c, "Anggaran", i, "spent_month_rp", text), "Anggaran",
                 "spent_month_rp", i, text, "Realisasi ditulis sebagai teks berformat Indonesia; nilainya benar.")


def _percent(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    if w.month is None:
        ind = c.frames["Indikator"]
        i = _pick(rng, ind["unit_of_measure"] == "persen")
        text = percent_text(float(ind.at[i, "annual_target"]))
        return Plant("percent_in_cell", _set(c, "Indikator", i, "annual_target", text), "Indikator",
                     "annual_target", i, text, "Target ditulis dengan tanda persen; nilainya benar.")
    kin = _kinerja_facts(c, w)
    i = _pick(rng, (kin["unit"] == "persen") & kin["realisasi"].notna())
    if i is None:
        return None
    text = percent_text(float(kin.at[i, "realisasi"]))
    return Plant("percent_in_cell", _set(c, "Kinerja", i, "realisasi", text), "Kinerja", "realisasi", i, text,
                 "Realisasi ditulis dengan tanda persen; nilainya benar.")


def _trailing(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    sheet = ("Indikator" if rng.random() < 0.5 else "Pagu") if w.month is None else \
        ("Kinerja" if rng.random() < 0.5 else "Anggaran")
    column = "indicator_code" if sheet in ("Indikator", "Kinerja") else "ro_code"
    frame = c.frames[sheet]
    i = int(rng.integers(len(frame)))
    text = f"{frame.at[i, column]}  "
    return Plant("trailing_spaces", _set(c, sheet, i, column, text), sheet, column, i, text,
                 "Kode diakhiri spasi.")


def missing_indicator_row(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    kin = c.frames["Kinerja"]
    i = int(rng.integers(len(kin)))
    code = str(kin.at[i, "indicator_code"])
    return Plant("missing_indicator_row", _with_frame(c, "Kinerja", kin.drop(index=i)), "Kinerja", None, None,
                 code, f"Baris indikator {code} terhapus.")


def wrong_unit_code(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    units = master.units()
    same = units[(units["unit_type"] == w.year_data.unit_type) & (units["code"] != w.year_data.unit_code)]
    if w.year_data.unit_type == "pusat" or same.empty:
        return None
    other = str(rng.choice(sorted(same["code"])))
    content = replace(c, identity={**c.identity, "unit_code": other})
    return Plant("wrong_unit_code", content, contract.IDENTITY_SHEET, "unit_code", None, other,
                 f"Kode Satker diisi {other} (file unit lain disalin).")


def _count_mismatch(c: Content, sheet: str, total: str, part: str, kind: str, rng: np.random.Generator) -> Plant | None:
    frame = c.frames[sheet]
    i = _pick(rng, frame[total] > 0) if not frame.empty else None
    if i is None:
        return None
    new = int(frame.at[i, part]) + int(rng.integers(1, 4))
    content = _set(c, sheet, i, part, new)
    return Plant(kind, content, sheet, total, i, str(int(frame.at[i, total])),
                 f"{part.upper()} diubah dari {int(frame.at[i, part])} menjadi {new}.")


def ms_tms_mismatch(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    return _count_mismatch(c, "Sampling", "tested", "tms", "ms_tms_mismatch", rng)


def mk_tmk_mismatch(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    return _count_mismatch(c, "Pemeriksaan", "inspected", "tmk", "mk_tmk_mismatch", rng)


def numerator_exceeds_denominator(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    """Pembilang and Penyebut swapped (or Pembilang typed above Penyebut) on a decision ratio; the
    steward's sheet recomputed Realisasi from them, so only the order is wrong."""
    kin = _kinerja_facts(c, w)
    i = _pick(rng, kin["numerator"].notna() & ~kin["derived"] & (kin["pattern"] == "flat"))
    if i is None:
        return None
    top, bottom = int(kin.at[i, "numerator"]), int(kin.at[i, "denominator"])
    top, bottom = (bottom, top) if top < bottom else (bottom + int(rng.integers(1, 4)), bottom)
    content = _set(_set(c, "Kinerja", i, "numerator", top), "Kinerja", i, "denominator", bottom)
    content = _set(content, "Kinerja", i, "realisasi", round(top / bottom * 100, 2))
    return Plant("numerator_exceeds_denominator", content, "Kinerja", "numerator", i, str(top),
                 f"Pembilang {top} lebih besar dari Penyebut {bottom}.")


def negative_amount(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    ang = c.frames["Anggaran"]
    i = _pick(rng, ang["spent_month_rp"] > 0)
    if i is None:
        return None
    value = -int(ang.at[i, "spent_month_rp"])
    return Plant("negative_amount", _set(c, "Anggaran", i, "spent_month_rp", value), "Anggaran", "spent_month_rp",
                 i, str(value), "Realisasi bulan ini ditulis negatif (koreksi pengembalian belanja).")


def missing_realisasi(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    kin = _kinerja_facts(c, w)
    i = _pick(rng, kin["target"].notna() & kin["realisasi"].notna() & kin["numerator"].isna())
    if i is None:
        return None
    return Plant("missing_realisasi", _set(c, "Kinerja", i, "realisasi", None), "Kinerja", "realisasi", i, None,
                 f"Realisasi {kin.at[i, 'indicator_code']} dikosongkan padahal ada target bulan ini.")


def unknown_indicator(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    kin = c.frames["Kinerja"]
    derived = set(master.indicator_derivations()["indicator_code"])
    spare = sorted(set(master.indicators()["code"]) - set(kin["indicator_code"]) - derived)
    if not spare:
        return None
    code = str(rng.choice(spare))
    row = pd.DataFrame([{"indicator_code": code, "realisasi": round(float(rng.uniform(70, 100)), 2)}])
    frame = pd.concat([kin, row], ignore_index=True)
    return Plant("unknown_indicator", _with_frame(c, "Kinerja", frame), "Kinerja", "indicator_code", len(kin), code,
                 f"Baris {code} (bukan indikator rencana unit ini) ditambahkan.")


def duplicate_row(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    kin = c.frames["Kinerja"]
    i = int(rng.integers(len(kin)))
    frame = pd.concat([kin, kin.iloc[[i]]], ignore_index=True)
    code = str(kin.at[i, "indicator_code"])
    return Plant("duplicate_row", _with_frame(c, "Kinerja", frame), "Kinerja", "indicator_code", len(kin), code,
                 f"Baris {code} tercantum dua kali.")


def cumulative_decrease(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    """A cumulative indicator typed below last month's value (e.g. this month only, not to date)."""
    if w.month is None or w.month == 1 or w.previous_kind not in KEEPS_REALISATIONS or not w.previous_written:
        return None
    kin = _kinerja_facts(c, w)
    before = w.year_data.months[w.month - 1].frames["Kinerja"].set_index("indicator_code")["realisasi"]
    prev = kin["indicator_code"].map(before)
    i = _pick(rng, (kin["pattern"] == "kumulatif") & kin["numerator"].isna() & kin["realisasi"].notna() & (prev > 0.1))
    if i is None:
        return None
    value = round(float(prev[i]) * float(rng.uniform(0.5, 0.9)), 2)
    content = _set(c, "Kinerja", i, "realisasi", value)
    if value < kin.at[i, "target"] and pd.isna(kin.at[i, "kendala"]):
        kendala, rtl = obstacles(np.array([kin.at[i, "indicator_code"]]), rng)
        content = _set(_set(content, "Kinerja", i, "kendala", kendala[0]), "Kinerja", i, "rtl", rtl[0])
    return Plant("cumulative_decrease", content, "Kinerja", "realisasi", i, f"{value}",
                 f"Realisasi kumulatif turun dari {prev[i]} menjadi {value}.")


def kendala_missing(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    kin = c.frames["Kinerja"]
    i = _pick(rng, kin["kendala"].notna())
    if i is None:
        return None
    return Plant("kendala_missing", _set(c, "Kinerja", i, "kendala", None), "Kinerja", "kendala", i, None,
                 f"Kendala {kin.at[i, 'indicator_code']} tidak diisi padahal capaian < 100.")


def month_sent_twice(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    return Plant("month_sent_twice", c, None, None, None, None, "File yang sama terkirim dua kali.",
                 extra=((" (1)", None),))


def corrected_resubmission(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    """First sent with a wrong (but valid and unremarkable: within its Satuan's usual range, so no warning)
    flat realisation, then corrected with a Catatan Revisi."""
    kin = _kinerja_facts(c, w)
    usual = kin["unit"].map(lambda unit: getattr(contract.MEASURE_RANGES.get(unit), "usual", None) or np.inf)
    i = _pick(rng, (kin["pattern"] == "flat") & kin["numerator"].isna() & kin["realisasi"].notna()
              & (kin["realisasi"] >= kin["target"]) & (kin["realisasi"] * WRONG_FACTOR[1] <= usual))
    if i is None:
        return None
    true = float(kin.at[i, "realisasi"])
    wrong = round(true * float(rng.uniform(*WRONG_FACTOR)), 2)
    code = str(kin.at[i, "indicator_code"])
    sent_first = _set(c, "Kinerja", i, "realisasi", wrong)
    note = str(rng.choice(REVISION_NOTES)).format(code=code)
    later = c.identity["sent_date"] + timedelta(days=int(rng.integers(2, 12)))
    corrected = replace(c, identity={**c.identity, "revision_note": note, "sent_date": later})
    return Plant("corrected_resubmission", sent_first, "Kinerja", "realisasi", i, f"{true}",
                 f"Dikirim dulu dengan realisasi {wrong}, diperbaiki menjadi {true}.",
                 extra=(("_rev1", corrected),))


PLANTERS: dict[str, Callable[[Content, Where, np.random.Generator], Plant | None]] = {
    "text_in_number": text_in_number,
    "indonesian_number_format": _amount_as_text,
    "percent_in_cell": _percent,
    "trailing_spaces": _trailing,
    "missing_indicator_row": missing_indicator_row,
    "wrong_unit_code": wrong_unit_code,
    "ms_tms_mismatch": ms_tms_mismatch,
    "mk_tmk_mismatch": mk_tmk_mismatch,
    "numerator_exceeds_denominator": numerator_exceeds_denominator,
    "negative_amount": negative_amount,
    "missing_realisasi": missing_realisasi,
    "unknown_indicator": unknown_indicator,
    "duplicate_row": duplicate_row,
    "cumulative_decrease": cumulative_decrease,
    "kendala_missing": kendala_missing,
    "month_sent_twice": month_sent_twice,
    "corrected_resubmission": corrected_resubmission,
}


# ------------------------------------------------------------------------------------------ outliers
#: Outliers planted in otherwise clean monthly files: values every rule accepts but the unit's own history
#: does not (``transforms.outliers``). Not steward mistakes of ``KINDS`` (they are planted apart, in other
#: files, and listed apart in the manifest); the file is accepted with an ``outlier`` warning.
OUTLIER_KINDS: dict[str, Kind] = {
    "realisation_x10": Kind("outlier", "warning", False),
    "samples_of_a_year": Kind("outlier", "warning", False),
}
#: The first month an outlier is planted in: months enough before it for the history to judge it.
OUTLIER_FIRST_MONTH = 7


def realisation_x10(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    """A flat indicator's realisation typed ten times too large (no Pembilang/Penyebut to contradict it,
    not an indicator defined from the counts): every rule passes, the history does not."""
    kin = _kinerja_facts(c, w)
    i = _pick(rng, (kin["pattern"] == "flat") & kin["numerator"].isna() & ~kin["derived"] & (kin["realisasi"] > 0))
    if i is None:
        return None
    value = round(float(kin.at[i, "realisasi"]) * 10, 2)
    return Plant("realisation_x10", _set(c, "Kinerja", i, "realisasi", value), "Kinerja", "realisasi", i,
                 f"{value}", f"Realisasi {kin.at[i, 'indicator_code']} {kin.at[i, 'realisasi']} ditulis {value} (x10).")


def samples_of_a_year(c: Content, w: Where, rng: np.random.Generator) -> Plant | None:
    """The year's samples of a commodity and method typed as this month's Jumlah Sampel (Diuji, MS, TMS as
    they were, so the indicators defined from the counts still agree): the row whose year stands out most
    against its earlier months."""
    frame = c.frames["Sampling"]
    if frame.empty or w.month is None:
        return None
    months = w.year_data.months
    year = pd.concat([months[m].frames["Sampling"] for m in months]).groupby(["commodity", "method"])["sampled"].sum()
    earlier = [months[m].frames["Sampling"] for m in months if m < w.month]
    before = pd.concat(earlier).groupby(["commodity", "method"])["sampled"].max() if earlier else pd.Series(dtype=float)
    keys = pd.MultiIndex.from_frame(frame[["commodity", "method"]])
    ratio = pd.Series(year.reindex(keys).to_numpy() / before.reindex(keys).to_numpy(), index=frame.index)
    if ratio.dropna().empty:
        return None
    i = int(ratio.idxmax())
    total = int(year.reindex(keys).to_numpy()[i])
    return Plant("samples_of_a_year", _set(c, "Sampling", i, "sampled", total), "Sampling", "sampled", i, str(total),
                 f"Jumlah sampel {frame.at[i, 'commodity']} {frame.at[i, 'method']} setahun ({total}) diisi di bulan ini "
                 f"(seharusnya {int(frame.at[i, 'sampled'])}).")


OUTLIER_PLANTERS: dict[str, Callable[[Content, Where, np.random.Generator], Plant | None]] = {
    "realisation_x10": realisation_x10,
    "samples_of_a_year": samples_of_a_year,
}


def plant_outlier(content: Content, where: Where, rng: np.random.Generator) -> Plant | None:
    """Plant the first outlier kind (in a random order) that fits the file; None when none fits."""
    for kind in rng.permutation(np.array(sorted(OUTLIER_KINDS))):
        found = OUTLIER_PLANTERS[str(kind)](content, where, rng)
        if found is not None:
            return found
    return None


def plant(content: Content, where: Where, rng: np.random.Generator, kinds: tuple[str, ...]) -> Plant | None:
    """Plant the first kind (in a random order) that fits the file; None when none fits."""
    for kind in rng.permutation(np.array(kinds)):
        found = PLANTERS[str(kind)](content, where, rng)
        if found is not None:
            return found
    return None


def fixed(content: Content, rng: np.random.Generator) -> Content:
    """The clean file a steward resends after a rejection, a few days later."""
    later = content.identity["sent_date"] + timedelta(days=int(rng.integers(1, 6)))
    return replace(content, identity={**content.identity, "sent_date": later,
                                      "revision_note": "Perbaikan atas file yang ditolak validasi."})


def cell_of(kind: contract.WorkbookKind, sheet: str | None, column: str | None,
            position: int | None) -> tuple[str | None, int | None]:
    """(cell, Excel row) of a planted mistake in the written workbook (None, None when it has no cell)."""
    from openpyxl.utils import get_column_letter

    if sheet is None or column is None:
        return None, None
    if sheet == contract.IDENTITY_SHEET:
        fields = [s.name for s in identity_fields(kind)]
        row = fields.index(column) + 2
        return f"B{row}", row
    if position is None:
        return None, None
    names = [s.name for s in columns(kind, sheet)]
    row = position + 2
    return f"{get_column_letter(names.index(column) + 1)}{row}", row
