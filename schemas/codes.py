"""Master-data vocabularies the workbooks are checked against, and code resolution.

Allowed words of the contract (Perspektif, Polaritas, Pola, Jenis Belanja, Metode, Tahap ...) and
the resolution of commodity / facility-type names and aliases to their master-data codes. Codes are
identifiers; names are labels and may be spelled any way, so names resolve through aliases.
Everything derived from the master data here is computed once per process (the master frames are
cached and never change while it runs).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Literal

import pandas as pd

from reference import master, values

#: (sheet, canonical column) -> the allowed values as the contract spells them.
ALLOWED: dict[tuple[str, str], tuple[str, ...]] = {
    ("Sasaran", "perspective"): master.PERSPECTIVES,
    ("Indikator", "unit_of_measure"): ("persen", "indeks", "nilai", "jumlah"),
    ("Indikator", "polarity"): tuple(master.POLARITY),
    ("Indikator", "is_iku"): (values.YES, values.NO),  # the one set of yes/no words
    ("Indikator", "pattern"): tuple(master.PATTERNS),
    ("Pagu", "expense_type"): tuple(master.EXPENSE_TYPES),
    ("RPD", "expense_type"): tuple(master.EXPENSE_TYPES),
    ("Anggaran", "expense_type"): tuple(master.EXPENSE_TYPES),
    ("Sampling", "method"): master.SAMPLING_METHODS,
    ("Penindakan", "stage"): master.ENFORCEMENT_STAGES,
}

#: (sheet, canonical column) -> other words stewards type for an allowed value (read as that value).
ALIASES: dict[tuple[str, str], dict[str, str]] = {
    ("Indikator", "unit_of_measure"): {"%": "persen", "persentase": "persen", "prosen": "persen"},
}

#: (sheet, canonical column) -> which master list its codes resolve through.
RESOLVED: dict[tuple[str, str], Literal["commodity", "facility_type"]] = {
    ("Sampling", "commodity"): "commodity",
    ("Pemeriksaan", "facility_type"): "facility_type",
}


def _key(text: object) -> str:
    return " ".join(str(text).split()).casefold()


@lru_cache(maxsize=None)
def _vocabulary(sheet: str, column: str) -> dict[str, str]:
    """Normalised word -> contract spelling of a column's allowed words and their aliases."""
    aliases = ALIASES.get((sheet, column), {})
    return {**{_key(k): v for k, v in aliases.items()}, **{_key(v): v for v in ALLOWED[(sheet, column)]}}


def vocab_columns(frame: pd.DataFrame, sheet: str) -> dict[str, pd.Series]:
    """The columns of ``frame`` with allowed words, allowed words in the contract's spelling (see
    ``normalise_vocab``), for a caller that assigns them together with other changes."""
    changes = {}
    for where, column in ALLOWED:
        if where == sheet and column in frame.columns:
            lookup = _vocabulary(where, column)
            keyed = frame[column].map(lambda v: lookup.get(_key(v)) if isinstance(v, str) else None)
            changes[column] = keyed.where(keyed.notna(), frame[column])
    return changes


def normalise_vocab(frame: pd.DataFrame, sheet: str) -> pd.DataFrame:
    """A copy where allowed words typed in another case or spacing get the contract's spelling.

    ``Kumulatif`` -> ``kumulatif``, ``random`` -> ``Random``, and the ``ALIASES`` (``%`` -> ``persen``);
    anything else is left as typed (the schema reports it).
    """
    return frame.assign(**vocab_columns(frame, sheet))


@lru_cache(maxsize=2)
def _aliases(kind: Literal["commodity", "facility_type"]) -> pd.DataFrame:
    """One row per (normalised name, code); codes themselves first (they win over aliases)."""
    table = master.commodities() if kind == "commodity" else master.facility_types()
    names = pd.concat([
        table[["code"]].assign(alias=table["code"], rank=0),
        table[["code"]].assign(alias=table["name"], rank=1),
        table[["code"]].assign(alias=table["aliases"].str.split("|"), rank=1).explode("alias"),
    ])
    names = names[names["alias"].fillna("").str.strip() != ""]
    return names.assign(key=names["alias"].map(master.normalise_name))[["key", "code", "rank"]]


@lru_cache(maxsize=2)
def _alias_map(kind: Literal["commodity", "facility_type"]) -> dict[str, str]:
    """Normalised name -> code, keeping only names that resolve to exactly one code."""
    names = _aliases(kind)
    best = names[names["rank"] == names.groupby("key")["rank"].transform("min")].drop_duplicates(["key", "code"])
    unique = best.groupby("key")["code"].nunique() == 1
    best = best[best["key"].isin(unique[unique].index)]
    return dict(zip(best["key"], best["code"]))


def resolve_codes(values: pd.Series, kind: Literal["commodity", "facility_type"]) -> pd.Series:
    """The master code each value (code, name or alias) refers to; NaN when it does not resolve."""
    lookup = _alias_map(kind)
    return values.map(lambda v: lookup.get(master.normalise_name(v)) if isinstance(v, str) else None).astype(object)


@lru_cache(maxsize=2)
def codes_of(kind: Literal["commodity", "facility_type"]) -> frozenset[str]:
    """All master codes of a kind."""
    table = master.commodities() if kind == "commodity" else master.facility_types()
    return frozenset(table["code"])


@lru_cache(maxsize=1)
def catalogue_indicator_codes() -> frozenset[str]:
    """Indicator codes of the national catalogue."""
    return frozenset(master.indicators()["code"])


@lru_cache(maxsize=1)
def catalogue_ro_codes() -> frozenset[str]:
    """Rincian output codes of the national catalogue."""
    return frozenset(master.rincian_output()["ro_code"])


@lru_cache(maxsize=1)
def unit_codes() -> frozenset[str]:
    """Kode Satker of every unit in the master data."""
    return frozenset(master.units()["code"])


@lru_cache(maxsize=None)
def allowed_text(sheet: str, column: str) -> str:
    """'salah satu dari: a, b, c' for a column with allowed values (for the 'expected' text)."""
    values = ALLOWED.get((sheet, column))
    if values:
        return "salah satu dari: " + ", ".join(values)
    kind = RESOLVED.get((sheet, column))
    if kind == "commodity":
        table = master.commodities().query("level == '1'")
        return "kode atau nama komoditi dari data induk, mis. " + ", ".join(f"{c} ({n})" for c, n in
                                                                          zip(table["code"], table["name"]))
    if kind == "facility_type":
        table = master.facility_types().query("level == '2'").head(8)
        return "kode atau nama jenis sarana dari data induk, mis. " + ", ".join(f"{c} ({n})" for c, n in
                                                                              zip(table["code"], table["name"]))
    return "nilai sesuai petunjuk templat"
