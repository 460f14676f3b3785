"""Writing contract workbooks (the annual plan and the monthly report).

``write_workbook`` is the one writer of the contract's layout: an ``Identitas`` sheet of Field/Nilai
rows and one sheet per data frame, with the printed headers of ``schemas/column_map.csv``. Templates,
the demo generator and the test fixtures all write through it, so a workbook the system hands out is
always one its reader accepts.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from schemas import contract


def _cell_value(value: Any) -> Any:
    """A frame value as openpyxl should store it (missing -> empty cell)."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _write_identity(ws: Worksheet, kind: contract.WorkbookKind, identity: Mapping[str, Any], version: str) -> None:
    ws.append(list(contract.IDENTITY_HEADERS))
    for spec in contract.identity_fields(kind, version):
        value = version if spec.name == "template_version" else identity.get(spec.name)
        ws.append([spec.header, _cell_value(value)])


def _write_sheet(ws: Worksheet, specs: tuple[contract.ColumnSpec, ...], frame: pd.DataFrame) -> None:
    ws.append([s.header for s in specs])
    names = [s.name for s in specs]
    present = frame.reindex(columns=names)
    for row in present.itertuples(index=False, name=None):
        ws.append([_cell_value(v) for v in row])


def write_workbook(
    kind: contract.WorkbookKind,
    identity: Mapping[str, Any],
    frames: Mapping[str, pd.DataFrame],
    path: Path,
    version: str | None = None,
) -> Workbook:
    """Write a plan (``rencana``) or monthly (``bulanan``) workbook and return the openpyxl book.

    ``frames`` maps sheet name -> frame with canonical columns; a missing sheet is written with its
    header only. The returned workbook is already saved; callers that decorate it (styles, drop-downs)
    save it again.
    """
    version = version or contract.current_version()
    book = Workbook()
    book.active.title = contract.IDENTITY_SHEET
    _write_identity(book.active, kind, identity, version)
    for sheet in contract.data_sheets(kind):
        ws = book.create_sheet(sheet)
        frame = frames.get(sheet, pd.DataFrame())
        _write_sheet(ws, contract.columns(kind, sheet, version), frame)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return book
