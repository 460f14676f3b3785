"""Reading a generated Word report back: its tables as DataFrames (what the report tests assert on).

``docx_tables`` walks the document body's tables in order and resolves merged cells the way a reader
sees them: a horizontally merged cell (``gridSpan``) repeats its text in every column it covers, a
vertically merged one (``vMerge``) repeats the text of the cell that starts the merge. Header rows
are those Word repeats on each page (``tblHeader``); their texts, top to bottom, name the columns
("Volume / T"). The caption paragraph above a table is kept in ``frame.attrs["title"]``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from docx import Document as open_document
from docx.oxml.ns import qn


def _text(element) -> str:
    paras = element.findall(qn("w:p"))
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paras).strip()


def _span(tc) -> tuple[int, str | None]:
    """(gridSpan, vMerge state) of a cell: state is 'restart', 'continue' or None."""
    tcpr = tc.find(qn("w:tcPr"))
    if tcpr is None:
        return 1, None
    span = tcpr.find(qn("w:gridSpan"))
    vmerge = tcpr.find(qn("w:vMerge"))
    state = None if vmerge is None else (vmerge.get(qn("w:val")) or "continue")
    return (int(span.get(qn("w:val"))) if span is not None else 1), state


def _grid(tbl) -> tuple[list[list[str]], int]:
    """The table's text grid (merged cells repeated) and its number of header rows."""
    rows: list[list[str]] = []
    n_header = 0
    for r, tr in enumerate(tbl.findall(qn("w:tr"))):
        trpr = tr.find(qn("w:trPr"))
        if trpr is not None and trpr.find(qn("w:tblHeader")) is not None and n_header == r:
            n_header += 1
        row: list[str] = []
        for tc in tr.findall(qn("w:tc")):
            span, state = _span(tc)
            col = len(row)
            text = rows[-1][col] if state == "continue" and rows and col < len(rows[-1]) else _text(tc)
            row += [text] * span
        rows.append(row)
    return rows, n_header


def _names(header: list[list[str]], ncol: int) -> list[str]:
    names: list[str] = []
    for c in range(ncol):
        parts: list[str] = []
        for row in header:
            text = row[c] if c < len(row) else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        name = " / ".join(parts) or f"col{c}"
        names.append(name if name not in names else f"{name} ({c})")
    return names


def _caption(tbl) -> str:
    prev = tbl.getprevious()
    return _text_of_paragraph(prev) if prev is not None and prev.tag == qn("w:p") else ""


def _text_of_paragraph(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t"))).strip()


def docx_tables(path: Path | str) -> list[pd.DataFrame]:
    """Every top-level table of a .docx as a DataFrame of strings, in document order."""
    body = open_document(str(path)).element.body
    frames = []
    for tbl in body.findall(qn("w:tbl")):
        rows, n_header = _grid(tbl)
        ncol = max((len(r) for r in rows), default=0)
        rows = [r + [""] * (ncol - len(r)) for r in rows]
        frame = pd.DataFrame(rows[n_header:], columns=_names(rows[:n_header], ncol), dtype=object)
        frame.attrs["title"] = _caption(tbl)
        frames.append(frame)
    return frames


def docx_paragraphs(path: Path | str) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph outside tables, in order."""
    doc = open_document(str(path))
    return [(p.style.name, p.text) for p in doc.paragraphs]
