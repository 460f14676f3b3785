"""Indonesian number, money, date and amount-in-words (*terbilang*) formatting for the report.

Every figure the report prints goes through this module, so one rule holds everywhere:

- thousands separator ``.``, decimal separator ``,`` (``30.215.555.000``, ``103,34``);
- rounding is ``reference.rounding`` (the product's one rule, the one kriteria are banded with):
  half up on the value reduced to 15 significant digits, as Excel does (``103.335 -> 103,34``,
  ``99.99499999999999 -> 100,00``); it happens at display time, computations keep full precision;
- a missing value (``reference.values.is_missing``: ``None``, ``NaN``, ``pd.NA``, blank text) prints as
  ``na`` (``"N/A"`` unless told otherwise).

``terbilang`` spells whole rupiah amounts up to 999 triliun with the Indonesian *se-* forms
(sepuluh, sebelas, seratus, seribu) and without them where the language has none (satu juta).
"""
from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from reference import rounding, values
from sakip.periods import month_name

NA = "N/A"

_ONES = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu"))
_MAX_TERBILANG = 10**15 - 1


def is_missing(value: object) -> bool:
    """True for None, NaN, pd.NA/NaT and blank text: "not measured / no value" (``reference.values``)."""
    return values.is_missing(value)


def round_half_up(value: float, decimals: int = 2) -> Decimal:
    """``value`` rounded half up to ``decimals`` places as an exact Decimal: ``reference.rounding``, the
    rule kriteria are banded with (``99.99499999999999 -> Decimal('100.00')``)."""
    return rounding.rounded_decimal(float(value), decimals)


def _group_thousands(digits: str) -> str:
    """``"30215555000" -> "30.215.555.000"`` (digits only, no sign)."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return ".".join(groups)


def _format_decimal(value: Decimal, decimals: int) -> str:
    sign = "-" if value < 0 else ""
    text = f"{abs(value):.{decimals}f}"
    whole, _, frac = text.partition(".")
    grouped = _group_thousands(whole)
    return f"{sign}{grouped},{frac}" if decimals > 0 else f"{sign}{grouped}"


def number(value: object, decimals: int = 2, na: str = NA) -> str:
    """Fixed decimals, Indonesian separators: ``number(103.335) -> "103,34"``, ``number(1234.5, 0) -> "1.235"``."""
    if is_missing(value):
        return na
    rounded = round_half_up(float(value), decimals)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,00"
    return _format_decimal(rounded, decimals)


def plain(value: object, max_decimals: int = 2, na: str = NA) -> str:
    """A value as entered, up to ``max_decimals`` without trailing zeros: ``92 -> "92"``, ``88.5 -> "88,5"``.

    For targets and realisations, which the report repeats as the unit typed them.
    """
    if is_missing(value):
        return na
    text = number(value, max_decimals, na)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def integer(value: object, na: str = NA) -> str:
    """Whole number with thousands dots: ``30215555000 -> "30.215.555.000"``."""
    return number(value, 0, na)


def rupiah(value: object, na: str = NA, prefix: str = "Rp ") -> str:
    """``rupiah(30215555000) -> "Rp 30.215.555.000"`` (whole rupiah, rounded half up)."""
    if is_missing(value):
        return na
    return f"{prefix}{integer(value)}"


def pct(value: object, decimals: int = 2, na: str = NA) -> str:
    """``pct(39.961) -> "39,96%"``."""
    if is_missing(value):
        return na
    return f"{number(value, decimals)}%"


def date_id(day: date) -> str:
    """``date(2023, 7, 20) -> "20 Juli 2023"``."""
    return f"{day.day} {month_name(day.month)} {day.year}"


def _below_thousand(n: int) -> list[str]:
    """Words for 0 < n < 1000 (empty list for 0)."""
    hundreds, rest = divmod(n, 100)
    words: list[str] = []
    if hundreds == 1:
        words.append("seratus")
    elif hundreds > 1:
        words += [_ONES[hundreds], "ratus"]
    if rest == 0:
        return words
    if rest < 10:
        return words + [_ONES[rest]]
    if rest == 10:
        return words + ["sepuluh"]
    if rest == 11:
        return words + ["sebelas"]
    if rest < 20:
        return words + [_ONES[rest - 10], "belas"]
    tens, ones = divmod(rest, 10)
    return words + [_ONES[tens], "puluh"] + ([_ONES[ones]] if ones else [])


def spell(n: int) -> str:
    """Indonesian words for a whole number 0 ≤ |n| < 10^15: ``1100 -> "seribu seratus"``."""
    if n < 0:
        return f"minus {spell(-n)}"
    if n > _MAX_TERBILANG:
        raise ValueError(f"terbilang supports amounts below 10^15 (999 triliun), got {n}")
    if n == 0:
        return "nol"
    words: list[str] = []
    for scale, name in _SCALES:
        count, n = divmod(n, scale)
        if count == 1 and name == "ribu":
            words.append("seribu")
        elif count:
            words += _below_thousand(count) + [name]
    words += _below_thousand(n)
    return " ".join(words)


def terbilang(value: object, unit: str = "rupiah") -> str:
    """Amount in words: ``terbilang(30215555000)`` ->
    ``"tiga puluh miliar dua ratus lima belas juta lima ratus lima puluh lima ribu rupiah"``.

    The amount is rounded half up to a whole number first; ``unit=""`` gives the bare words.
    """
    if is_missing(value):
        raise ValueError("terbilang needs an amount, got a missing value")
    as_float = float(value)
    if not math.isfinite(as_float):
        raise ValueError(f"terbilang needs a finite amount, got {value!r}")
    whole = int(round_half_up(as_float, 0)) if not isinstance(value, int) else value
    words = spell(whole)
    return f"{words} {unit}".strip()


def rupiah_with_words(value: object) -> str:
    """``"Rp 30.215.555.000 (tiga puluh miliar … rupiah)"``: the amount and its words, one computation."""
    return f"{rupiah(value)} ({terbilang(value)})"
