"""What a single value means, the same in every layer: missing or not, yes or no.

- :func:`is_missing`: the one missing-value test (None, NaN, NaT, ``pd.NA``, and text that is empty
  or only spaces). The reader's blank cell (``sources.numbers.is_blank``) is this plus the contract's
  blank tokens (``schemas.contract.BLANK_TOKENS``: ``-``, ``NA``, ``N/A`` ...); the warehouse's NULL
  (``sinks.warehouse.records``), the validator's empty message field (``schemas.validate``) and the
  report's "N/A" (``sinks.report.idformat``) are exactly this.
- The yes/no words: the workbook contract accepts ``Ya`` and ``Tidak`` (any case, surrounding or
  repeated spaces) and nothing else (``schemas.codes.ALLOWED``, the templates' drop-down). A value
  already typed as a boolean elsewhere (a Python/numpy bool, 0/1, or its text ``true``/``false``,
  ``1``/``0`` as pandas or a database renders it) reads as that boolean. Abbreviations (``y``, ``t``,
  ``t.``, ``n``) and other languages' words are not accepted: ``t.`` may be *tidak* to one steward
  and *true* to a program, so guessing would store the opposite of what was meant
  (``docs/decisions.md``, "Yes/no words").

Pure: pandas and numpy only, no I/O; every layer (transforms included) may import it.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

#: The contract's yes / no words, as printed in templates and accepted in workbooks.
YES = "Ya"
NO = "Tidak"
#: Text (folded: case-insensitive, spaces collapsed) read as True / False.
TRUE_TEXT = frozenset({YES.casefold(), "true", "1", "1.0"})
FALSE_TEXT = frozenset({NO.casefold(), "false", "0", "0.0"})


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT, ``pd.NA`` and text that is empty or only spaces: "no value"."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, (bool, int)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list, an array: a value, not a missing one
        return False


def missing(values: pd.Series) -> pd.Series:
    """``is_missing`` of every value of a column, vectorised (for rules over whole sheets, the warehouse's
    key checks). A numeric column has no text, so only its NaNs are missing."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.isna()
    return values.isna() | values.astype("string").str.strip().fillna("").eq("")


def fold(text: Any) -> str:
    """``text`` case-folded with its spaces collapsed: how the yes/no words are compared."""
    return " ".join(str(text).split()).casefold()


def to_bool(value: Any) -> bool | None:
    """``Ya``/``Tidak`` (and a boolean however stored) → True/False; missing → None; ValueError otherwise."""
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)) and value in (0, 1):
        return bool(value)
    text = fold(value)
    if text in TRUE_TEXT:
        return True
    if text in FALSE_TEXT:
        return False
    raise ValueError(f"not a yes/no value ({YES}/{NO}): {value!r}")


def is_yes(values: pd.Series) -> pd.Series:
    """Vectorised: True where a value reads as yes (:func:`to_bool` True); False for no, missing or
    anything else (a boolean column of the same index)."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.fillna(False).astype(bool)
    text = values.astype("string").str.split().str.join(" ").str.casefold()
    return text.isin(TRUE_TEXT).fillna(False).astype(bool)
