"""Pandera schemas of the ``Identitas`` sheet of both workbooks (Field / Nilai rows).

The reader types each Identitas value (``sources.workbook``: whole numbers, dates, codes upper-cased)
and reports a value it cannot type; these models declare what a typed identity must be and check the
rest: required fields present, Kode Satker a unit of the master data, Tahun and Bulan within
``contract.IDENTITY_BOUNDS``, Versi Template a supported version, dates as dates. A model validates a
one-row frame (``identity_frame``): one column per field of ``contract.identity_fields``, so ``strict``
holds the model to ``identity_fields.csv``. Checks carry their rule_id as name where the rule is not a
pandera built-in; ``identity_failures`` turns failure cases into (field, rule_id, message params), and
the validator points each at its Identitas cell (the field's row, the Nilai column).
``identity_failures_many`` does it for a batch of workbooks with one model run per kind and version.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from reference import master
from schemas import checks, codes, contract
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
    return identity_frames(kind, [identity], version)


def identity_frames(kind: contract.WorkbookKind, identities: Sequence[Mapping[str, Any]],
                    version: str | None = None) -> pd.DataFrame:
    """Several identities of one kind and version, one row each (what ``identity_frame`` makes of each)."""
    names = [s.name for s in contract.identity_fields(kind, version)]
    return pd.DataFrame([[identity.get(n) for n in names] for identity in identities], columns=names, dtype=object)


class IdentityInput(NamedTuple):
    """What ``identity_failures`` needs of one workbook."""

    kind: contract.WorkbookKind
    identity: Mapping[str, Any]
    typed: Mapping[str, Any]
    found: frozenset[str]
    version: str | None = None


def _rule(check: str) -> str | None:
    if check == "not_nullable" or check.startswith(("coerce_dtype", "in_range")):
        return "identity_invalid"
    if check.startswith("isin"):
        return "template_version_unsupported"
    if check == "unit_unknown":
        return check
    return None  # dtype(...) repeats coerce_dtype; column_in_* cannot happen on identity_frame


def _cases(inputs: Sequence[IdentityInput], members: list[int]) -> pd.DataFrame:
    """The failing (field, rule) of the inputs ``members`` (same kind and version), one model run for all.

    A check that raised on an uncoerced value (no row) repeats the coercion failure of that field and is
    left out (``checks.failure_cases_stacked`` keeps rows only). Within an input, blank-value failures come
    first, so the field's message says 'blank' rather than 'invalid'.
    """
    kind, version = inputs[members[0]].kind, inputs[members[0]].version
    frames = identity_frames(kind, [inputs[m].identity for m in members], version)
    cases = checks.failure_cases_stacked(IDENTITY_MODELS[kind], frames, np.arange(len(members)),
                                         np.zeros(len(members), dtype=int))
    if cases.empty:
        return pd.DataFrame(columns=["input", "column", "rule_id", "blank"])
    cases = cases.assign(input=np.asarray(members, dtype=int)[cases[checks.FRAME].to_numpy(dtype=int)],
                         rule_id=cases["check"].map(_rule), blank=cases["check"].eq("not_nullable"))
    cases = cases.dropna(subset=["rule_id"]).sort_values(["input", "blank"], ascending=[True, False], kind="stable")
    return cases.drop_duplicates(["input", "column", "rule_id"])[["input", "column", "rule_id", "blank"]]


def _params(spec: contract.ColumnSpec, rule_id: str, blank: bool, value: Any, shown: Any, found: bool) -> dict:
    """The message fields of one failing field."""
    if rule_id == "identity_invalid":
        return identity_invalid_params(spec.header, spec.dtype, None if blank else shown, found=found,
                                       bounds=contract.IDENTITY_BOUNDS.get(spec.name))
    if rule_id == "unit_unknown":
        guess = master.resolve_unit(str(value))
        return {"hint": f" Mungkin maksudnya '{guess}'." if guess else ""}
    return {"supported": ", ".join(contract.supported_versions())}


@lru_cache(maxsize=None)
def _field_specs(kind: contract.WorkbookKind, version: str | None) -> dict[str, contract.ColumnSpec]:
    """Field -> its spec, of a kind's Identitas in a template version (the same for every workbook)."""
    return {s.name: s for s in contract.identity_fields(kind, version)}


def identity_failures_many(inputs: Sequence[IdentityInput]) -> list[list[tuple[str, str, dict]]]:
    """``identity_failures`` of each input, the Identitas model run once per kind and template version.

    pandera's cost is per call, so a batch of workbooks shares one run over their one-row identity frames.
    """
    groups: dict[tuple[str, str | None], list[int]] = {}
    for i, item in enumerate(inputs):
        groups.setdefault((item.kind, item.version), []).append(i)
    out: list[list[tuple[str, str, dict]]] = [[] for _ in inputs]
    for members in groups.values():
        for i, column, rule_id, blank in _cases(inputs, members).itertuples(index=False):
            item = inputs[i]
            spec = _field_specs(item.kind, item.version)[column]
            value = item.identity.get(column)
            shown = item.typed.get(column)
            shown = shown if shown is not None else (None if value is None or pd.isna(value) else str(value))
            out[i].append((column, rule_id, {"value": shown, **_params(spec, rule_id, blank, value, shown,
                                                                        column in item.found)}))
    return out


def identity_failures(kind: contract.WorkbookKind, identity: Mapping[str, Any], typed: Mapping[str, Any],
                      found: set[str] | frozenset[str], version: str | None = None) -> list[tuple[str, str, dict]]:
    """(field, rule_id, message params incl. ``value`` as typed) for each field failing the identity model.

    ``typed``: field -> value as the steward typed it (for the message); ``found``: the fields whose row
    is on the sheet (a required field without a row is 'not found', with one it is 'blank').
    """
    return identity_failures_many([IdentityInput(kind, identity, typed, frozenset(found), version)])[0]
