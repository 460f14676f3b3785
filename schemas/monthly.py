"""Pandera schemas of the monthly report workbook (Laporan Bulanan), one model per sheet.

Same conventions as ``schemas.plan``: canonical columns plus ``_row``, ``strict``, ``coerce``, grain in
``unique``, checks named by rule_id. Counts (samples, facilities) are whole numbers >= 0; amounts and
realisations are >= 0 (their upper bounds are rules: ``schemas.rules.realisasi_implausible``,
``amounts_implausible``). Commodity and facility codes are resolved to master codes before validation, so the grain is
checked on codes (``Obat`` and ``OBAT`` are the same commodity).
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import checks
from schemas.codes import ALLOWED, codes_of
from schemas.plan import _Sheet

SAMPLING_COUNTS = ["sampled", "tested", "ms", "tms"]
INSPECTION_COUNTS = ["inspected", "mk", "tmk"]


class KinerjaSheet(_Sheet):
    """Sheet ``Kinerja``: one row per indicator of the plan, cumulative to the month; grain ``indicator_code``."""

    indicator_code: Series[str] = pa.Field(description="Kode Indikator of the plan")
    realisasi: Series[float] = pa.Field(nullable=True,
                                        description="Realisasi cumulative to the month, in the indicator's unit")
    numerator: Series[float] = pa.Field(nullable=True, description="Pembilang of a ratio indicator (cumulative)")
    denominator: Series[float] = pa.Field(nullable=True, description="Penyebut of a ratio indicator (cumulative)")
    spent_cum_rp: Series[float] = pa.Field(nullable=True,
                                           description="Realisasi Anggaran attributed to the indicator, cumulative")
    kendala: Series[str] = pa.Field(nullable=True, description="Kendala: why the indicator falls short")
    rtl: Series[str] = pa.Field(nullable=True, description="Rencana Tindak Lanjut: the follow-up")
    rtl_deadline: Series[str] = pa.Field(nullable=True, description="Batas Waktu of the follow-up (as typed)")

    class Config:
        name = "Kinerja"
        unique = ["indicator_code"]

    @pa.check("realisasi", "numerator", "spent_cum_rp", name="value_negative")
    def value_negative(cls, values: pd.Series) -> pd.Series:
        return checks.non_negative(values)

    @pa.check("denominator", name="denominator_not_positive")
    def denominator_not_positive(cls, values: pd.Series) -> pd.Series:
        return checks.positive(values)

    @pa.dataframe_check(name="numerator_exceeds_denominator")
    def numerator_exceeds_denominator(cls, frame: pd.DataFrame) -> pd.Series:
        return checks.at_most(frame, "numerator", "denominator")


class AnggaranSheet(_Sheet):
    """Sheet ``Anggaran``: spending of the month per RO x jenis belanja; grain (ro_code, expense_type)."""

    ro_code: Series[str] = pa.Field(description="Kode RO of the plan's Pagu")
    expense_type: Series[str] = pa.Field(isin=ALLOWED[("Anggaran", "expense_type")], description="Jenis Belanja")
    spent_month_rp: Series[float] = pa.Field(nullable=True, description="Realisasi Bulan Ini: this month only, rupiah")
    volume_cum: Series[float] = pa.Field(nullable=True, description="Volume s.d. Bulan Ini: output volume to date")
    progress_pct: Series[float] = pa.Field(nullable=True, description="Progres %, where volume cannot be counted")

    class Config:
        name = "Anggaran"
        unique = ["ro_code", "expense_type"]

    @pa.check("spent_month_rp", "volume_cum", "progress_pct", name="value_negative")
    def value_negative(cls, values: pd.Series) -> pd.Series:
        return checks.non_negative(values)


class SamplingSheet(_Sheet):
    """Sheet ``Sampling``: this month's samples per commodity x method; grain (commodity, method)."""

    commodity: Series[str] = pa.Field(description="Komoditi: master commodity code (names and aliases resolve)")
    method: Series[str] = pa.Field(isin=ALLOWED[("Sampling", "method")], description="Metode: Targeted or Random")
    sampled: Series[float] = pa.Field(description="Jumlah Sampel taken this month")
    tested: Series[float] = pa.Field(description="Diuji: samples tested to standard this month")
    ms: Series[float] = pa.Field(description="MS: tested samples that meet requirements")
    tms: Series[float] = pa.Field(description="TMS: tested samples that do not")

    class Config:
        name = "Sampling"
        unique = ["commodity", "method"]

    @pa.check(*SAMPLING_COUNTS, name="value_negative")
    def value_negative(cls, values: pd.Series) -> pd.Series:
        return checks.non_negative(values)

    @pa.check(*SAMPLING_COUNTS, name="count_not_whole")
    def count_not_whole(cls, values: pd.Series) -> pd.Series:
        return checks.whole(values)

    @pa.check("commodity", name="code_unknown")
    def code_unknown(cls, values: pd.Series) -> pd.Series:
        return values.isna() | values.isin(codes_of("commodity"))

    @pa.dataframe_check(name="ms_tms_mismatch")
    def ms_tms_mismatch(cls, frame: pd.DataFrame) -> pd.Series:
        return checks.sum_equals(frame, ["ms", "tms"], "tested")

    @pa.dataframe_check(name="tested_exceeds_sampled")
    def tested_exceeds_sampled(cls, frame: pd.DataFrame) -> pd.Series:
        return checks.at_most(frame, "tested", "sampled")


class PemeriksaanSheet(_Sheet):
    """Sheet ``Pemeriksaan``: this month's facility inspections per facility type; grain ``facility_type``."""

    facility_type: Series[str] = pa.Field(description="Jenis Sarana: master facility-type code (names resolve)")
    inspected: Series[float] = pa.Field(description="Diperiksa: facilities inspected this month")
    mk: Series[float] = pa.Field(description="MK: inspected facilities that comply")
    tmk: Series[float] = pa.Field(description="TMK: inspected facilities that do not")

    class Config:
        name = "Pemeriksaan"
        unique = ["facility_type"]

    @pa.check(*INSPECTION_COUNTS, name="value_negative")
    def value_negative(cls, values: pd.Series) -> pd.Series:
        return checks.non_negative(values)

    @pa.check(*INSPECTION_COUNTS, name="count_not_whole")
    def count_not_whole(cls, values: pd.Series) -> pd.Series:
        return checks.whole(values)

    @pa.check("facility_type", name="code_unknown")
    def code_unknown(cls, values: pd.Series) -> pd.Series:
        return values.isna() | values.isin(codes_of("facility_type"))

    @pa.dataframe_check(name="mk_tmk_mismatch")
    def mk_tmk_mismatch(cls, frame: pd.DataFrame) -> pd.Series:
        return checks.sum_equals(frame, ["mk", "tmk"], "inspected")


class PenindakanSheet(_Sheet):
    """Sheet ``Penindakan``: enforcement cases that moved this month; grain ``case_number``."""

    case_number: Series[str] = pa.Field(description="Nomor Perkara: the case's number")
    stage: Series[str] = pa.Field(isin=ALLOWED[("Penindakan", "stage")],
                                  description="Tahap reached: SPDP, Tahap I, P-21, Tahap II or Putusan")
    stage_date: Series[pd.Timestamp] = pa.Field(description="Tanggal the stage was reached")

    class Config:
        name = "Penindakan"
        unique = ["case_number"]


#: Sheet -> model of the monthly workbook.
MONTHLY_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "Kinerja": KinerjaSheet,
    "Anggaran": AnggaranSheet,
    "Sampling": SamplingSheet,
    "Pemeriksaan": PemeriksaanSheet,
    "Penindakan": PenindakanSheet,
}

#: Dataframe check -> the column a failure points at (the total the parts must add up to).
MONTHLY_ANCHORS = {
    "ms_tms_mismatch": "tested",
    "tested_exceeds_sampled": "tested",
    "mk_tmk_mismatch": "inspected",
    "numerator_exceeds_denominator": "numerator",
}
