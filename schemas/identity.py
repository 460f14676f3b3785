"""Pandera schemas of the ``Identitas`` sheet of both workbooks (Field / Nilai rows).

The reader types each Identitas value (``sources.workbook``: whole numbers, dates, codes upper-cased)
and reports a value it cannot type; these models declare what a typed identity must be and check the
rest: required fields present, Kode Satker a unit of the master data, Tahun and Bulan within
``contract.IDENTITY_BOUNDS``, Versi Template a supported version, dates as dates. A model validates a
one-row frame (``identity_frame``): one column per field of ``contract.identity_fields``, so ``strict``
holds the model to ``identity_fields.csv``. Checks carry their rule_id as name where the rule is not a
pandera built-in; ``identity_failures`` turns failure cases into (field, rule_id, message params), and
the validator points each at its Identitas cell (the field's row, the Nilai column).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from reference import master
from schemas import codes, contract
from schemas.messages import identity_invalid_params

YEAR_MIN, YEAR_MAX = contract.IDENTITY_BOUNDS["year"]
MONTH_MIN, MONTH_MAX = contract.IDENTITY_BOUNDS["month"]


class _Identitas(pa.DataFrameModel):
    """Fields common to both workbooks' ``Identitas`` sheet (one row: the workbook's identity)."""

    unit_code: Series[str] = pa.Field(description="Kode Satker: the unit's code in the master data, e.g. BPOM-KPG "
                                                  "(upper-cased by the reader)")
    year: Series[pd.Int64Dtype] = pa.Field(in_range={"min_value": YEAR_MIN, "max_value": YEAR_MAX},
                                           description=f"Tahun: the plan or report year, {YEAR_MIN}-{YEAR_MAX}")
    template_version: Series[str] = pa.Field(isin=list(contract.supported_versions()),
                                             description="Versi Template: a version of column_map.csv "
                                                         "('1' reads as '1.0')")
    revision_note: Series[str] = pa.Field(nullable=True, description="Catatan Revisi: why a file replaces an "
                                                                     "earlier one (required for a late replacement)")

    class Config:
        strict = True
        coerce = True

    @pa.check("unit_code", name="unit_unknown")
    def unit_unknown(cls, values: pd.Series) -> pd.Series:
        return values.isna() | values.isin(codes.unit_codes())


class IdentitasRencana(_Identitas):
    """Sheet ``Identitas`` of the annual plan (Rencana Tahunan)."""

    dipa_number: Series[str] = pa.Field(nullable=True, description="Nomor DIPA of the budget year")
    pk_date: Series[pa.Date] = pa.Field(nullable=True, description="Tanggal PK: date the performance agreement "
                                                                   "was signed")
    head_name: Series[str] = pa.Field(nullable=True, description="Kepala Satker: head of the unit who signs the PK")

    class Config:
        name = "Identitas (Rencana Tahunan)"


class IdentitasBulanan(_Identitas):
    """Sheet ``Identitas`` of the monthly report (Laporan Bulanan)."""

    month: Series[pd.Int64Dtype] = pa.Field(in_range={"min_value": MONTH_MIN, "max_value": MONTH_MAX},
                                            description=f"Bulan: the reported month, {MONTH_MIN}-{MONTH_MAX}")
    steward: Series[str] = pa.Field(description="Penanggung Jawab Data: who answers for the figures")
    sent_date: Series[pa.Date] = pa.Field(nullable=True, description="Tanggal Pengiriman: date the unit sent the "
                                                                     "file")

    class Config:
        name = "Identitas (Laporan Bulanan)"


#: Workbook kind -> model of its Identitas sheet.
IDENTITY_MODELS: dict[str, type[pa.DataFrameModel]] = {contract.PLAN: IdentitasRencana,
                                                        contract.MONTHLY: IdentitasBulanan}


def identity_frame(kind: contract.WorkbookKind, identity: Mapping[str, Any],
                   version: str | None = None) -> pd.DataFrame:
    """The identity as the one-row frame the model validates (a field the reader left out is missing)."""
    names = [s.name for s in contract.identity_fields(kind, version)]
    return pd.DataFrame([[identity.get(n) for n in names]], columns=names, dtype=object)


def _cases(kind: contract.WorkbookKind, frame: pd.DataFrame) -> pd.DataFrame:
    try:
        IDENTITY_MODELS[kind].validate(frame, lazy=True)
        return pd.DataFrame(columns=["column", "check"])
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    # a check that raised on an uncoerced value (index None) repeats the coercion failure of that field
    cases = cases[cases["index"].notna()]
    return cases.assign(check=cases["check"].astype(str))[["column", "check"]]


def _rule(check: str) -> str | None:
    if check == "not_nullable" or check.startswith(("coerce_dtype", "in_range")):
        return "identity_invalid"
    if check.startswith("isin"):
        return "template_version_unsupported"
    if check == "unit_unknown":
        return check
    return None  # dtype(...) repeats coerce_dtype; column_in_* cannot happen on identity_frame


def identity_failures(kind: contract.WorkbookKind, identity: Mapping[str, Any], typed: Mapping[str, Any],
                      found: set[str] | frozenset[str], version: str | None = None) -> list[tuple[str, str, dict]]:
    """(field, rule_id, message params incl. ``value`` as typed) for each field failing the identity model.

    ``typed``: field -> value as the steward typed it (for the message); ``found``: the fields whose row
    is on the sheet (a required field without a row is 'not found', with one it is 'blank').
    """
    specs = {s.name: s for s in contract.identity_fields(kind, version)}
    cases = _cases(kind, identity_frame(kind, identity, version))
    cases = cases.assign(rule_id=cases["check"].map(_rule), blank=cases["check"].eq("not_nullable"))
    cases = cases.dropna(subset=["rule_id"]).sort_values("blank", ascending=False, kind="stable")
    out = []
    for column, rule_id, blank in cases.drop_duplicates(["column", "rule_id"])[["column", "rule_id", "blank"]] \
            .itertuples(index=False):
        spec = specs[column]
        value = identity.get(column)
        shown = typed.get(column)
        shown = shown if shown is not None else (None if value is None or pd.isna(value) else str(value))
        if rule_id == "identity_invalid":
            params = identity_invalid_params(spec.header, spec.dtype, None if blank else shown,
                                             found=column in found, bounds=contract.IDENTITY_BOUNDS.get(column))
        elif rule_id == "unit_unknown":
            guess = master.resolve_unit(str(value))
            params = {"hint": f" Mungkin maksudnya '{guess}'." if guess else ""}
        else:
            params = {"supported": ", ".join(contract.supported_versions())}
        out.append((column, rule_id, {"value": shown, **params}))
    return out
