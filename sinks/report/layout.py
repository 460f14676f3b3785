"""Column widths that fit the text, shared by both renderers so Word and PDF tables look alike.

A table's ``widths`` are relative wishes; :func:`fit_widths` turns them into absolute widths for a
frame, first giving every column the room its content cannot do without — a number never wraps
(``30.215.555.000`` stays on one line), a word is never cut — and taking that room from the columns
that have slack (long texts, which wrap). Text is measured with DejaVu Sans (the PDF font; wider
than Word's Arial, so the Word layout errs on the roomy side).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from sinks.report.model import Table, runs

FONT = "DejaVuSans"
#: Horizontal padding of a cell on each side, in points (the PDF's; Word's default is close to it).
PADDING = 2.5


@lru_cache(maxsize=1)
def ensure_fonts() -> str:
    """Register DejaVu Sans (regular, bold, italic, bold italic) from matplotlib's data folder."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = {"": "DejaVuSans.ttf", "-Bold": "DejaVuSans-Bold.ttf", "-Oblique": "DejaVuSans-Oblique.ttf",
             "-BoldOblique": "DejaVuSans-BoldOblique.ttf"}
    for suffix, file in faces.items():
        pdfmetrics.registerFont(TTFont(FONT + suffix, str(folder / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT + "-Bold", italic=FONT + "-Oblique",
                                  boldItalic=FONT + "-BoldOblique")
    return FONT


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of a text on one line."""
    ensure_fonts()
    plain = "".join(r.text for r in runs(text))
    return pdfmetrics.stringWidth(plain, FONT + ("-Bold" if bold else ""), size)


def _longest_word(text: str, size: float, bold: bool) -> float:
    words = "".join(r.text for r in runs(text)).split()
    return max((text_width(w, size, bold) for w in words), default=0.0)


def _covered(spans, nrows: int) -> set[tuple[int, int]]:
    """Cells inside a multi-column span (their text may use the span's whole width)."""
    return {(s.row + r, s.col + c) for s in spans if s.cols > 1 for r in range(s.rows) for c in range(s.cols)}


@lru_cache(maxsize=64)
def min_widths(table: Table) -> tuple[float, ...]:
    """The width each column needs: whole numbers / short cells on one line, no word cut.

    Cached per table (a frozen, hashable value): the Word and the PDF renderer both fit the same tables,
    and measuring every cell is most of the cost."""
    ncol, size = len(table.widths), table.font_size
    need = [0.0] * ncol
    head_cov, body_cov = _covered(table.header_spans, len(table.header)), _covered(table.body_spans, len(table.body))
    for r, row in enumerate(table.header):
        for c, text in enumerate(row):
            if (r, c) not in head_cov:
                need[c] = max(need[c], _longest_word(text, size, True))
    for r, row in enumerate(table.body):
        bold = r in table.bold_rows
        for c, text in enumerate(row):
            if (r, c) in body_cov:
                continue
            whole = table.align[c] != "l" or len(text) <= 14
            need[c] = max(need[c], text_width(text, size, bold) if whole else _longest_word(text, size, bold))
    return tuple(n + 2 * PADDING + 1 for n in need)


def fit_widths(table: Table, total: float) -> list[float]:
    """Absolute column widths (points) summing to ``total``, honouring :func:`min_widths` when possible."""
    wish = [total * w / sum(table.widths) for w in table.widths]
    need = min_widths(table)
    if sum(need) >= total:
        return [total * n / sum(need) for n in need]
    out = [max(w, n) for w, n in zip(wish, need)]
    excess = sum(out) - total
    slack = [max(o - n, 0.0) for o, n in zip(out, need)]
    if excess > 0 and sum(slack) > 0:
        out = [o - excess * s / sum(slack) for o, s in zip(out, slack)]
    return out
