"""Text the product writes into a workbook stays text: never a formula, never an error value.

openpyxl infers a cell's type from the value assigned to it: a ``str`` starting with ``=`` becomes a
live formula and one spelled like an Excel error (``#N/A``) an error value. The texts our workbooks
carry come from people: names in a unit's plan, values a steward typed that the feedback quotes back,
messages built from them. Left to inference, a steward who types ``=HYPERLINK("http://…","klik")``
into a plan would have the product write an active formula into every template and feedback made
from it. Here a ``str`` is stored with the string data type set explicitly, so Excel shows it as typed
(``=``, ``+``, ``-``, ``@`` included: a string cell is never evaluated, which also keeps DDE payloads
such as ``+cmd|' /C calc'!A0`` inert). Other values (numbers, dates, booleans, None) keep openpyxl's
inference.

Every text the product writes into a cell goes through ``set_text`` (an existing cell) or ``text_cell``
(a detached cell for ``ws.append``, also valid in write-only mode). A formula the product means to
write must be assigned to ``cell.value`` directly, where a reader sees it is one; today the product
writes no such cell (drop-down lists and their ranges are data-validation formulas, not cell values;
the steward's own formulas in the copy their feedback marks are theirs, kept as they were).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import TYPE_STRING, Cell, WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet


def set_text(cell: Cell, value: Any) -> Cell:
    """Store ``value`` in ``cell``; a ``str`` keeps the string type whatever its first character."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = TYPE_STRING
    return cell


def text_cell(ws: Worksheet, value: Any) -> Cell:
    """A cell for ``ws.append`` holding ``value`` under the same rule as ``set_text``."""
    return set_text(WriteOnlyCell(ws), value)


def text_row(ws: Worksheet, values: Iterable[Any]) -> list[Cell]:
    """A row for ``ws.append`` (normal or write-only sheet) whose texts are all stored as text."""
    return [text_cell(ws, value) for value in values]
