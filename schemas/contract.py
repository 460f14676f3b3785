"""The workbook contract: sheets, canonical columns and the headers printed in each template version.

Layout drift lives in data, not in code (PUDL's column maps): ``column_map.csv`` maps every canonical
column to the header printed by each supported template version, ``identity_fields.csv`` does the
same for the ``Identitas`` rows. A new template version is a new column in those files. Canonical
names are English snake_case and carry their unit (``_rp`` rupiah, ``_pct`` percent).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd

HERE = Path(__file__).resolve().parent
WorkbookKind = Literal["rencana", "bulanan"]

#: The two workbook kinds: the annual plan and the monthly report.
PLAN: WorkbookKind = "rencana"
MONTHLY: WorkbookKind = "bulanan"

#: The identity sheet and its two columns, common to both workbooks.
IDENTITY_SHEET = "Identitas"
IDENTITY_HEADERS = ("Field", "Nilai")

#: Bounds of the whole-number Identitas fields (Tahun, Bulan): the reader types a value outside them as
#: invalid, the identity schema (``schemas.identity``) declares them.
IDENTITY_BOUNDS: dict[str, tuple[int, int]] = {"year": (2000, 2100), "month": (1, 12)}

#: Sheets of each workbook, in the order a template writes them.
SHEETS: dict[str, tuple[str, ...]] = {
    PLAN: (IDENTITY_SHEET, "Sasaran", "Indikator", "RAPK", "Pagu", "RPD"),
    MONTHLY: (IDENTITY_SHEET, "Kinerja", "Anggaran", "Sampling", "Pemeriksaan", "Penindakan"),
}

#: Wide month columns (B01..B12) of RAPK and RPD, canonical names b01..b12.
MONTH_COLUMNS = tuple(f"b{m:02d}" for m in range(1, 13))

#: Sheet holding the list of problems in a feedback workbook, and the instructions sheet of templates.
PROBLEMS_SHEET = "Daftar Masalah"
INSTRUCTIONS_SHEET = "Petunjuk"

#: Values a steward may type for "blank / not measured".
BLANK_TOKENS = frozenset({"", "-", "–", "—", "na", "n/a", "n.a.", "#n/a"})


@dataclass(frozen=True)
class ColumnSpec:
    """One canonical column of a sheet: its name, kind of value, whether required, printed header."""

    name: str
    dtype: Literal["code", "text", "number", "int", "date"]
    required: bool
    header: str


@lru_cache(maxsize=None)
def _column_map() -> pd.DataFrame:
    return pd.read_csv(HERE / "column_map.csv", dtype=str, keep_default_na=False)


@lru_cache(maxsize=None)
def _identity_map() -> pd.DataFrame:
    return pd.read_csv(HERE / "identity_fields.csv", dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def supported_versions() -> tuple[str, ...]:
    """Template versions the reader accepts (the version columns of the column map)."""
    fixed = {"workbook", "sheet", "column", "dtype", "required"}
    return tuple(c for c in _column_map().columns if c not in fixed)


def current_version() -> str:
    """The version new templates are written in (the newest supported)."""
    return max(supported_versions(), key=lambda v: tuple(int(p) for p in v.split(".")))


def columns(kind: WorkbookKind, sheet: str, version: str | None = None) -> tuple[ColumnSpec, ...]:
    """Canonical columns of a data sheet in a template version, in printed order."""
    return _columns(kind, sheet, version or current_version())


@lru_cache(maxsize=None)
def _columns(kind: str, sheet: str, version: str) -> tuple[ColumnSpec, ...]:
    rows = _column_map().query("workbook == @kind and sheet == @sheet")
    rows = rows[rows[version] != ""]
    return tuple(
        ColumnSpec(r["column"], r["dtype"], r["required"] == "yes", r[version]) for _, r in rows.iterrows()
    )


def identity_fields(kind: WorkbookKind, version: str | None = None) -> tuple[ColumnSpec, ...]:
    """Rows of the ``Identitas`` sheet: canonical field, kind of value, required, printed label."""
    return _identity_fields(kind, version or current_version())


@lru_cache(maxsize=None)
def _identity_fields(kind: str, version: str) -> tuple[ColumnSpec, ...]:
    rows = _identity_map().query("workbook == @kind")
    rows = rows[rows[version] != ""]
    return tuple(
        ColumnSpec(r["field"], r["dtype"], r["required"] == "yes", r[version]) for _, r in rows.iterrows()
    )


def data_sheets(kind: WorkbookKind) -> tuple[str, ...]:
    """The sheets of a workbook other than ``Identitas``."""
    return tuple(s for s in SHEETS[kind] if s != IDENTITY_SHEET)


def header_of(kind: WorkbookKind, sheet: str, column: str, version: str | None = None) -> str:
    """The printed header of a canonical column (for messages and feedback)."""
    for spec in columns(kind, sheet, version) + identity_fields(kind, version):
        if spec.name == column:
            return spec.header
    raise KeyError(f"{kind}/{sheet} has no column {column!r}")


# -- plausible values ---------------------------------------------------------------------------------
# Every number of the contract is >= 0 where it is a realisation, a target, an amount or a count
# (``value_negative`` in the sheet schemas). Above that, a value may be impossible (an error: the file is
# rejected) or merely unusual (a warning: the file is accepted and the steward asked to check it). The
# limits are the contract's, not a scoring year's choice: docs/decisions.md gives the reasons.

@dataclass(frozen=True)
class Plausible:
    """The plausible values of a number >= 0: above ``limit`` impossible (error), above ``usual`` (when
    given) unusual (warning)."""

    limit: float
    usual: float | None = None


#: Indicator values (Realisasi, Target Tahunan, RAPK B01..B12) by Satuan. A stage-progress indicator's
#: B01-B11 hold progress % (0-100) in any Satuan, within every limit below.
MEASURE_RANGES: dict[str, Plausible] = {
    "persen": Plausible(limit=1_000, usual=200),
    "indeks": Plausible(limit=1_000, usual=100),
    "nilai": Plausible(limit=1_000, usual=100),
    "jumlah": Plausible(limit=1_000_000_000),
}
#: Indicator columns checked against their Satuan's range, per sheet.
MEASURE_COLUMNS: dict[str, tuple[str, ...]] = {
    "Indikator": ("annual_target",),
    "RAPK": MONTH_COLUMNS,
    "Kinerja": ("realisasi",),
}
#: One rupiah cell: above ten trillion (about four times BPOM's whole annual budget) is impossible.
AMOUNT_LIMIT_RP = 10_000_000_000_000
#: One count cell (samples, facilities, Pembilang/Penyebut, output volume): above a billion (more than
#: Indonesia's population) is impossible.
COUNT_LIMIT = 1_000_000_000
#: Other numbers checked against a fixed range: (sheet, canonical column) -> range.
COLUMN_RANGES: dict[tuple[str, str], Plausible] = {
    **{("Indikator", "allocation_rp"): Plausible(AMOUNT_LIMIT_RP)},
    **{("Pagu", c): Plausible(AMOUNT_LIMIT_RP) for c in ("pagu_rp", "pagu_after_aa_rp")},
    ("Pagu", "volume_target"): Plausible(COUNT_LIMIT),
    **{("RPD", c): Plausible(AMOUNT_LIMIT_RP) for c in MONTH_COLUMNS},
    ("Kinerja", "spent_cum_rp"): Plausible(AMOUNT_LIMIT_RP),
    **{("Kinerja", c): Plausible(COUNT_LIMIT) for c in ("numerator", "denominator")},
    ("Anggaran", "spent_month_rp"): Plausible(AMOUNT_LIMIT_RP),
    ("Anggaran", "volume_cum"): Plausible(COUNT_LIMIT),
    ("Anggaran", "progress_pct"): Plausible(limit=100),  # progress of an output: 100 % is done
    **{("Sampling", c): Plausible(COUNT_LIMIT) for c in ("sampled", "tested", "ms", "tms")},
    **{("Pemeriksaan", c): Plausible(COUNT_LIMIT) for c in ("inspected", "mk", "tmk")},
}

# -- text cells -----------------------------------------------------------------------------------------

#: Longest text a cell may hold (characters, after spaces are collapsed), by canonical column or Identitas
#: field; any other text or code cell by its kind of value (``TEXT_LIMITS_BY_DTYPE``). Excel allows 32 767
#: characters; a hand-made file allows anything, and a 1 MB Kendala stalls the unit's report for minutes.
#: The longest catalogue name is under 250 characters; Kendala and RTL of the seed reports under 1 000.
TEXT_LIMITS: dict[str, int] = {
    "kendala": 4_000,
    "rtl": 4_000,
    "revision_note": 2_000,
    "indicator_name": 500,
    "sk_name": 500,
    "ro_name": 500,
}
TEXT_LIMITS_BY_DTYPE: dict[str, int] = {"code": 100, "text": 250}


def text_limit(spec: ColumnSpec) -> int | None:
    """The longest text a cell of a column (or an Identitas field) may hold; None for a number or date
    column (a text there is no number or date, reported as such)."""
    if spec.name in TEXT_LIMITS:
        return TEXT_LIMITS[spec.name]
    return TEXT_LIMITS_BY_DTYPE.get(spec.dtype)
