"""File names of the inbox: ``<KODE>_<YYYY>_rencana.xlsx`` (plan) and ``<KODE>_<YYYY>-<MM>.xlsx`` (month),
optionally with a copy suffix (``_rev1``, `` (1)``) before ``.xlsx``.

The name is a convenience that must agree with the workbook's ``Identitas`` sheet; the sheet is
authoritative. One place for the pattern, used by the inbox scanner and by the identity rules.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from schemas import contract

#: A resent or corrected copy may carry a suffix: ``_rev1`` (a steward's revision) or `` (1)`` (the copy a
#: mail client or file manager makes). The suffix says nothing about the period; content decides.
_SUFFIX = r"(?:_rev\d+| \(\d+\))?"
_PLAN = re.compile(rf"(?P<unit>.+?)_(?P<year>\d{{4}})_rencana{_SUFFIX}\.xlsx", re.IGNORECASE)
_MONTH = re.compile(rf"(?P<unit>.+?)_(?P<year>\d{{4}})-(?P<month>\d{{2}}){_SUFFIX}\.xlsx", re.IGNORECASE)


@dataclass(frozen=True)
class NameParts:
    """What a file name says: unit code, kind, year and (monthly) month; None where it says nothing."""

    unit_code: str | None = None
    kind: contract.WorkbookKind | None = None
    year: int | None = None
    month: int | None = None


def parse_file_name(name: str) -> NameParts:
    """Read unit, kind and period from a file name; an unrecognised name gives empty parts."""
    if match := _PLAN.fullmatch(name.strip()):
        return NameParts(match["unit"], contract.PLAN, int(match["year"]))
    if (match := _MONTH.fullmatch(name.strip())) and 1 <= int(match["month"]) <= 12:
        return NameParts(match["unit"], contract.MONTHLY, int(match["year"]), int(match["month"]))
    return NameParts()


def expected_file_name(unit_code: str, kind: contract.WorkbookKind, year: int, month: int | None = None) -> str:
    """The name a workbook should carry: ``BPOM-KPG_2023_rencana.xlsx`` or ``BPOM-KPG_2023-06.xlsx``."""
    if kind == contract.PLAN:
        return f"{unit_code}_{year}_rencana.xlsx"
    return f"{unit_code}_{year}-{month:02d}.xlsx"
