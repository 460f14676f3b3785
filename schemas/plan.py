"""Pandera schemas of the annual plan workbook (Rencana Tahunan), one model per sheet.

Each model validates the frame the reader returns for its sheet: canonical columns plus ``_row``,
``strict``, ``coerce``, the sheet's grain in ``unique``, and cross-column identities as dataframe
checks named by their rule_id (``schemas.messages``). Column checks carry rule_ids as names too, so
the validator translates pandera's failure cases without guessing.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import checks
from schemas.codes import ALLOWED

MONTH_DESCRIPTION = "target of month {m:02d} (B{m:02d}); blank = not measured that month"


class _Sheet(pa.DataFrameModel):
    """Common part of every sheet frame: the Excel row each row was read from."""

    row_: Series[int] = pa.Field(alias="_row", description="Excel row number of the values (for feedback)")

    class Config:
        strict = True
        coerce = True


class SasaranSheet(_Sheet):
    """Sheet ``Sasaran``: one row per sasaran kegiatan (SK) of the unit's plan; grain ``sk_code``."""

    sk_code: Series[str] = pa.Field(description="Kode SK: the SK's stable code, e.g. SAS-OM-MS")
    sk_name: Series[str] = pa.Field(description="Nama Sasaran: label as signed in the PK")
    perspective: Series[str] = pa.Field(isin=ALLOWED[("Sasaran", "perspective")],
                                        description="Perspektif: balanced-scorecard perspective of the SK")

    class Config:
        name = "Sasaran"
        unique = ["sk_code"]


class IndikatorSheet(_Sheet):
    """Sheet ``Indikator`` (the PK): one row per indicator; grain ``indicator_code``."""

    sk_code: Series[str] = pa.Field(description="Kode SK the indicator belongs to (declared in Sasaran)")
    indicator_code: Series[str] = pa.Field(description="Kode Indikator: stable code, catalogue or unit-own")
    indicator_name: Series[str] = pa.Field(description="Nama Indikator: label")
    unit_of_measure: Series[str] = pa.Field(isin=ALLOWED[("Indikator", "unit_of_measure")],
                                            description="Satuan: persen, indeks, nilai or jumlah ('%' reads as persen)")
    polarity: Series[str] = pa.Field(isin=ALLOWED[("Indikator", "polarity")],
                                     description="Polaritas: naik (higher is better) or turun (lower is better)")
    is_iku: Series[str] = pa.Field(isin=ALLOWED[("Indikator", "is_iku")], description="IKU: Ya or Tidak")
    weight: Series[float] = pa.Field(description="Bobot: weight of the indicator in its SK score")
    annual_target: Series[float] = pa.Field(nullable=True, description="Target Tahunan, in the indicator's unit")
    pattern: Series[str] = pa.Field(isin=ALLOWED[("Indikator", "pattern")],
                                    description="Pola: flat, kumulatif, tahapan or akhir_tahun (RAPK pattern)")
    allocation_rp: Series[float] = pa.Field(description="Alokasi Anggaran: budget allocated to the indicator, rupiah")

    class Config:
        name = "Indikator"
        unique = ["indicator_code"]

    @pa.check("weight", "annual_target", "allocation_rp", name="value_negative")
    def value_negative(cls, values: pd.Series) -> pd.Series:
        return checks.non_negative(values)


class _MonthlyValues(_Sheet):
    """Twelve month columns b01..b12 (wide, as printed B01..B12), non-negative where given."""

    b01: Series[float] = pa.Field(nullable=True, description=MONTH_DESCRIPTION.format(m=1))
    b02: Series[float] = pa.Field(nullable=True, description=MONTH_DESCRIPTION.format(m=2))
    b03: Series[float] = pa.Field(nullable=True, description=MONTH_DESCRIPTION.format(m=3))
    b04: Series[float] = pa.Field(nullable=True, description=MONTH_DESCRIPTION.format(m=4))
    b05: Series[float] = pa.Field(nullable=True, description=MONTH_DESCRIPTION.format(m=5))
    b06: Series[float] = pa.Field(nullable=True, description=MONTH_DESCRIPTION.format(m=6))
    b07: Series[float] = pa.Field(nullable=True, description=MONTH_DESCRIPTION.format(m=7))
    b08: Series[float] = pa.Field(nullable=True, description=MONTH_DESCRIPTION.format(m=8))
    b09: Series[float] = pa.Field(nullable=True, description=MONTH_DESCRIPTION.format(m=9))
    b10: Series[float] = pa.Field(nullable=True, description=MONTH_DESCRIPTION.format(m=10))
    b11: Series[float] = pa.Field(nullable=True, description=MONTH_DESCRIPTION.format(m=11))
    b12: Series[float] = pa.Field(nullable=True, description=MONTH_DESCRIPTION.format(m=12))

    @pa.check(r"^b\d\d$", regex=True, name="value_negative")
    def value_negative(cls, values: pd.Series) -> pd.Series:
        return checks.non_negative(values)


class RapkSheet(_MonthlyValues):
    """Sheet ``RAPK``: monthly targets, one row per indicator; grain ``indicator_code``."""

    indicator_code: Series[str] = pa.Field(description="Kode Indikator (declared in Indikator)")

    class Config:
        name = "RAPK"
        unique = ["indicator_code"]


class PaguSheet(_Sheet):
    """Sheet ``Pagu`` (the DIPA): one row per rincian output x jenis belanja; grain (ro_code, expense_type)."""

    ro_code: Series[str] = pa.Field(description="Kode RO: rincian output code KRO.RO, e.g. QIC.004")
    ro_name: Series[str] = pa.Field(description="Nama RO: label")
    expense_type: Series[str] = pa.Field(isin=ALLOWED[("Pagu", "expense_type")],
                                         description="Jenis Belanja: 51 pegawai, 52 barang, 53 modal")
    pagu_rp: Series[float] = pa.Field(description="Pagu: budget ceiling of the line, rupiah")
    pagu_after_aa_rp: Series[float] = pa.Field(description="Pagu Setelah AA: ceiling after automatic adjustment")
    volume_target: Series[float] = pa.Field(nullable=True, description="Target Volume of the output")
    volume_unit: Series[str] = pa.Field(nullable=True, description="Satuan Volume: unit of the output volume")

    class Config:
        name = "Pagu"
        unique = ["ro_code", "expense_type"]

    @pa.check("pagu_rp", "pagu_after_aa_rp", "volume_target", name="value_negative")
    def value_negative(cls, values: pd.Series) -> pd.Series:
        return checks.non_negative(values)

    @pa.dataframe_check(name="pagu_aa_exceeds_pagu")
    def pagu_aa_exceeds_pagu(cls, frame: pd.DataFrame) -> pd.Series:
        return checks.at_most(frame, "pagu_after_aa_rp", "pagu_rp")


class RpdSheet(_MonthlyValues):
    """Sheet ``RPD``: planned disbursement per month, one row per RO x jenis belanja (rupiah)."""

    ro_code: Series[str] = pa.Field(description="Kode RO (a line of Pagu)")
    expense_type: Series[str] = pa.Field(isin=ALLOWED[("RPD", "expense_type")], description="Jenis Belanja")

    class Config:
        name = "RPD"
        unique = ["ro_code", "expense_type"]


#: Sheet -> model of the plan workbook.
PLAN_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "Sasaran": SasaranSheet,
    "Indikator": IndikatorSheet,
    "RAPK": RapkSheet,
    "Pagu": PaguSheet,
    "RPD": RpdSheet,
}

#: Dataframe check -> the column a failure points at (pandera reports such a failure once per column).
PLAN_ANCHORS = {"pagu_aa_exceeds_pagu": "pagu_after_aa_rp"}
