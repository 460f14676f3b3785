"""Reporting periods: months, quarters (triwulan), their Indonesian labels and deadlines.

One place for every period rule: the quarter of a month, the quarter-end month whose RAPK target is
the quarter's target (B03/B06/B09/B12), labels such as "Triwulan II" and "s.d. Juni".
"""
from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember")
ROMAN = ("I", "II", "III", "IV")


def quarter_of(month: int) -> int:
    """The quarter (1-4) a month (1-12) falls in."""
    return (month - 1) // 3 + 1


def quarter_end_month(quarter: int) -> int:
    """The last month of a quarter: its RAPK target is the quarter's target."""
    return quarter * 3


def months_of(quarter: int) -> tuple[int, int, int]:
    """The three months of a quarter."""
    end = quarter_end_month(quarter)
    return (end - 2, end - 1, end)


def month_name(month: int) -> str:
    """Indonesian month name: 6 -> "Juni"."""
    return MONTHS_ID[month - 1]


def quarter_label(quarter: int, short: bool = False) -> str:
    """"Triwulan II" (or "TW II" when short)."""
    return f"{'TW' if short else 'Triwulan'} {ROMAN[quarter - 1]}"


def cumulative_label(quarter: int) -> str:
    """"s.d. Juni" for quarter II: the figures are cumulative from January."""
    return f"s.d. {month_name(quarter_end_month(quarter))}"


def period_range_label(quarter: int) -> str:
    """"Januari sampai dengan Juni" for quarter II."""
    return f"Januari sampai dengan {month_name(quarter_end_month(quarter))}"


def month_key(year: int, month: int) -> int:
    """Integer key of a month: 2023, 6 -> 202306."""
    return year * 100 + month


def quarter_key(year: int, quarter: int) -> int:
    """Integer key of a quarter: 2023, 2 -> 20232."""
    return year * 10 + quarter


def parse_period(text: str) -> tuple[int, int]:
    """"2023-06" -> (2023, 6). Raises ValueError with the expected form."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"periode {text!r} tidak valid; bentuk yang benar YYYY-MM, mis. 2023-06")
    return int(match[1]), int(match[2])


def parse_quarter(text: str) -> tuple[int, int]:
    """"2023-Q2" -> (2023, 2). Raises ValueError with the expected form."""
    match = re.fullmatch(r"(\d{4})-[Qq]([1-4])", text.strip())
    if not match:
        raise ValueError(f"triwulan {text!r} tidak valid; bentuk yang benar YYYY-Qn, mis. 2023-Q2")
    return int(match[1]), int(match[2])


def deadline(year: int, month: int, day: int) -> date:
    """Due date of a month's report: the given day of the following month."""
    return date(year + month // 12, month % 12 + 1, day)


def lock_start(year: int, month: int, deadline_day: int, lock_days: int) -> date:
    """First day a month's data is locked: ``lock_days`` days after its deadline (``deadline``), the month
    stays open through that day and is locked from the next (docs/decisions.md, period lock)."""
    return deadline(year, month, deadline_day) + timedelta(days=lock_days + 1)
