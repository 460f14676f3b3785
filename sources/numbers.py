"""Tolerant parsing of the numbers stewards type into workbook cells.

Excel numeric cells pass through. Text is read the way Indonesian and English spreadsheets write it:
``1.234,5`` and ``1,234.5``, ``95%`` / ``95 %``, ``Rp 1.000.000``, thousands groups ``1.234.567``,
surrounding and non-breaking spaces. Blank tokens (``contract.BLANK_TOKENS``: ``""``, ``-``, ``NA``,
``N/A`` ...) become missing. Text that is not a number stays as the original text, so that the schema's
coercion reports it at its cell. A single separator followed by exactly three digits (``1.234``,
``1,234``) is ambiguous (a thousand or one point something) and is flagged, never guessed; with a
``Rp`` prefix it is a thousands separator (rupiah have no decimals). A number that is not finite
(``1e999``, ``inf``, ``NaN`` typed as text, a numeric cell holding infinity) is flagged and kept as typed,
never read as a number or a blank: infinity would reach every score computed from it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from numbers import Number

import numpy as np
import pandas as pd

from reference.values import is_missing
from schemas import contract

_SPACES = r"[\s\u00a0\u2007\u202f]+"
_RP = r"(?i)^rp\.?"
_NA_PREFIX = r"(?:n/a|n\.a\.|na|#n/a)\s*[-\u2013\u2014:(]"  # "N/A - Diukur Akhir Tahun"
#: Words Python and pandas read as a non-finite float (``float("nan")``, ``float("-Infinity")``).
_NON_FINITE_WORD = re.compile(r"(?:nan|inf|infinity)", re.IGNORECASE)
_PATTERNS = {  # class -> full-match pattern of the unsigned body, in priority order
    "plain": r"\d+",
    "sci": r"\d+(?:\.\d+)?[eE][+-]?\d+",
    "id_full": r"\d{1,3}(?:\.\d{3})+,\d+",
    "en_full": r"\d{1,3}(?:,\d{3})+\.\d+",
    "id_multi": r"\d{1,3}(?:\.\d{3}){2,}",
    "en_multi": r"\d{1,3}(?:,\d{3}){2,}",
    "single3": r"[1-9]\d{0,2}[.,]\d{3}",
    "decimal": r"\d*[.,]\d+",
}


@dataclass(frozen=True)
class ParsedNumbers:
    """Result of parsing one column, aligned on its index.

    ``values``: float where a number was read (always finite), NaN where blank, the original object
    otherwise (text that is not a number, an ambiguous number, a non-finite number typed as text; a
    numeric cell holding infinity as its text ``'inf'``); ``ambiguous``: True where the text was an
    ambiguous ``1.234`` / ``1,234``; ``non_finite``: True where the value is infinite or not a number
    (``1e999``, ``-inf``, ``NaN`` typed as text).
    """

    values: pd.Series
    ambiguous: pd.Series
    non_finite: pd.Series


def _is_numeric_cell(value: object) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)


def _classify(body: pd.Series) -> pd.Series:
    """The pattern class of each unsigned number body (``None`` when no pattern matches)."""
    masks = [body.str.fullmatch(p).fillna(False).astype(bool) for p in _PATTERNS.values()]
    return pd.Series(np.select(masks, list(_PATTERNS), default=None), index=body.index, dtype=object)


def _normalise_body(body: pd.Series, kind: pd.Series, rupiah: pd.Series) -> pd.Series:
    """The body rewritten as a Python float literal, by class (NaN where not a number)."""
    comma_decimal = body.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    dot_decimal = body.str.replace(",", "", regex=False)
    thousands = body.str.replace(r"[.,]", "", regex=True)
    is_id = kind.isin(["id_full", "id_multi"])
    is_en = kind.isin(["en_full", "en_multi"])
    conditions = [
        kind.isin(["plain", "sci"]),
        is_id,
        is_en,
        (kind == "single3") & rupiah,
        kind == "decimal",
    ]
    choices = [body, comma_decimal, dot_decimal, thousands, body.str.replace(",", ".", regex=False)]
    return pd.Series(np.select(conditions, choices, default=None), index=body.index, dtype=object)


def _parse_text(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, np.ndarray]:
    """Parse text cells: (finite numbers or NaN, blank mask, ambiguous mask, non-finite mask).

    A non-finite word (``NaN``, ``-inf``) matches no number pattern, so only the few bodies that match
    none are looked at for one; an overflowing number (``1e999``) is read as infinity and flagged."""
    clean = text.str.replace(_SPACES, " ", regex=True).str.strip()
    folded = clean.str.casefold()
    blank = folded.isin(contract.BLANK_TOKENS) | folded.str.match(_NA_PREFIX).fillna(False).astype(bool)
    rupiah = clean.str.contains(_RP, regex=True)
    body = (
        clean.str.replace(_RP, "", regex=True)
        .str.replace(r"%$", "", regex=True)
        .str.replace(r"[\s']", "", regex=True)
        .str.replace("\u2212", "-", regex=False)
    )
    sign = body.str.extract(r"^([+-]?)(.*)$", expand=True)
    kind = _classify(sign[1])
    literal = _normalise_body(sign[1], kind, rupiah)
    numbers = pd.to_numeric(sign[0] + literal.fillna("x"), errors="coerce").astype("float64")
    ambiguous = (kind == "single3") & ~rupiah
    non_finite = np.isinf(numbers.to_numpy())
    unmatched = np.flatnonzero(kind.isna().to_numpy())
    if len(unmatched):
        bodies = sign[1].to_numpy(dtype=object)[unmatched]
        non_finite[unmatched] = [isinstance(b, str) and _NON_FINITE_WORD.fullmatch(b) is not None for b in bodies]
    return (numbers.where(~non_finite) if non_finite.any() else numbers), blank, ambiguous, non_finite


def parse_numbers(values: pd.Series) -> ParsedNumbers:
    """Parse a column of raw cell values (one element per cell, any index).

    Numeric cells become float (NaN, pandas' missing value, is a blank; infinity is flagged and given
    as its text); text is parsed as described in the module docstring. Booleans and other objects
    (dates) stay as they are, so the schema reports them as not a number.
    """
    raw = values.astype(object)
    kinds = raw.map(type)
    is_text = kinds.eq(str)
    is_number = raw.map(_is_numeric_cell).astype(bool)
    is_missing = raw.isna() & ~is_number
    numeric = pd.to_numeric(raw.where(is_number), errors="coerce").astype("float64")
    non_finite = np.isinf(numeric.to_numpy())
    out = raw.where(~is_number, numeric)
    out = out.where(~is_missing, np.nan)
    out = out.where(~raw.map(lambda v: isinstance(v, bool)).astype(bool), raw.astype(str).str.upper())
    if non_finite.any():
        out = out.where(~non_finite, numeric.astype(str))
    ambiguous = pd.Series(False, index=raw.index)
    if is_text.any():
        numbers, blank, amb, infinite = _parse_text(raw[is_text].astype(str))
        parsed = numbers.astype(object).where(numbers.notna(), raw[is_text])
        parsed = parsed.where(~blank, np.nan).where(~amb, raw[is_text])
        out = out.where(~is_text, parsed.reindex(raw.index))
        ambiguous = amb.reindex(raw.index, fill_value=False).astype(bool)
        non_finite[is_text.to_numpy()] |= infinite
    return ParsedNumbers(values=out, ambiguous=ambiguous, non_finite=pd.Series(non_finite, index=raw.index))


def parse_number(value: object) -> float | object:
    """One cell: a float, NaN for blank, or the value itself when it is not a number or is ambiguous."""
    return parse_numbers(pd.Series([value], dtype=object)).values.iloc[0]


def ambiguous_readings(text: str) -> tuple[float, float]:
    """The two readings of an ambiguous ``1.234`` / ``1,234``: (as thousands, as decimal)."""
    body = text.strip().replace("\u00a0", "").replace(" ", "")
    sign = -1.0 if body.startswith("-") else 1.0
    digits = body.lstrip("+-")
    return sign * float(digits.replace(".", "").replace(",", "")), sign * float(digits.replace(",", "."))


def is_blank(value: object) -> bool:
    """True for an empty cell (``reference.values.is_missing``: the one missing-value test) or a blank
    token (``-``, ``NA``, ``N/A`` ..., ``contract.BLANK_TOKENS``)."""
    if is_missing(value):
        return True
    if isinstance(value, str):
        folded = " ".join(value.replace("\u00a0", " ").split()).casefold()
        return folded in contract.BLANK_TOKENS or re.match(_NA_PREFIX, folded) is not None
    return False


def is_temporal(value: object) -> bool:
    """True for date and time cells (never numbers, even though Excel stores them as numbers)."""
    return isinstance(value, (date, datetime, time))
