"""The document model: one list of blocks that both renderers (Word and PDF) walk.

A report is built once as a :class:`Document` (``content.py``, ``dalam_angka.py``); ``docx_render`` and
``pdf_render`` only translate blocks into their format and never compute or reword anything, so the
Word file and the PDF carry the same content by construction. Blocks are frozen dataclasses holding
display-ready strings (already formatted by ``idformat``).

Inline emphasis inside a paragraph is written ``**bold**`` and ``__italic__`` and split into
:class:`Run` objects by :func:`runs`; that is the only markup either renderer understands.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, Union

Align = Literal["l", "r", "c"]
Orientation = Literal["portrait", "landscape"]

_MARKUP = re.compile(r"(\*\*.+?\*\*|__.+?__)")


@dataclass(frozen=True)
class Run:
    """A piece of text with one emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


def runs(text: str) -> tuple[Run, ...]:
    """``"NPS **103,34** (__cap__)"`` -> plain, bold and italic runs."""
    parts = [p for p in _MARKUP.split(text) if p]
    out: list[Run] = []
    for part in parts:
        if part.startswith("**") and part.endswith("**"):
            out.append(Run(part[2:-2], bold=True))
        elif part.startswith("__") and part.endswith("__"):
            out.append(Run(part[2:-2], italic=True))
        else:
            out.append(Run(part))
    return tuple(out)


def plain_text(text: str) -> str:
    """The text without emphasis markers (what a reader sees)."""
    return "".join(r.text for r in runs(text))


@dataclass(frozen=True)
class Heading:
    """A numbered-by-text heading; levels 1–3 enter the table of contents and the PDF outline."""

    level: int
    text: str
    toc: bool = True


@dataclass(frozen=True)
class Paragraph:
    """Body text. ``style``: body | cover_title | cover_subtitle | cover_note | center | right |
    signature | note | label (a bold run-in label such as "a. Analisis Capaian …")."""

    text: str
    style: str = "body"


@dataclass(frozen=True)
class ListItem:
    """One list entry with its printed label ("1.", "a.", "•") and optional sub-items."""

    label: str
    text: str
    children: tuple["ListItem", ...] = ()


@dataclass(frozen=True)
class BulletList:
    """A list whose labels are computed in the content (not by Word numbering), so both formats agree."""

    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class Span:
    """A merged cell: top-left at (row, col) of its grid (header or body), covering rows × cols."""

    row: int
    col: int
    rows: int = 1
    cols: int = 1


@dataclass(frozen=True)
class Table:
    """A titled table.

    - ``header``: one or more header rows (repeated on every page); covered cells of a span are "".
    - ``body``: display strings; ``body_spans`` merge body cells (e.g. a full-width subtotal label).
    - ``widths``: relative column widths (any positive numbers; renderers scale them to the frame).
    - ``align``: per column ``l``/``r``/``c`` (numbers right-aligned).
    - ``fills``: per body row a hex colour or None (e.g. the kriteria band colour);
      ``cell_fills`` override single cells: ((row, col), hex).
    - ``bold_rows``: body rows printed bold (totals, subtotals).
    - ``font_size``: points; small tables keep the body size.
    """

    title: str
    header: tuple[tuple[str, ...], ...]
    body: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    align: tuple[Align, ...]
    header_spans: tuple[Span, ...] = ()
    body_spans: tuple[Span, ...] = ()
    fills: tuple[str | None, ...] = ()
    cell_fills: tuple[tuple[tuple[int, int], str], ...] = ()
    bold_rows: tuple[int, ...] = ()
    font_size: float = 8.5
    note: str = ""

    def __post_init__(self) -> None:
        ncols = len(self.widths)
        for row in (*self.header, *self.body):
            if len(row) != ncols:
                raise ValueError(f"table {self.title!r}: row of {len(row)} cells, expected {ncols}: {row}")
        if len(self.align) != ncols:
            raise ValueError(f"table {self.title!r}: {len(self.align)} alignments for {ncols} columns")
        if self.fills and len(self.fills) != len(self.body):
            raise ValueError(f"table {self.title!r}: {len(self.fills)} fills for {len(self.body)} rows")
        for grid, spans in ((self.header, self.header_spans), (self.body, self.body_spans)):
            for s in spans:
                hidden = [grid[r][c] for r in range(s.row, s.row + s.rows) for c in range(s.col, s.col + s.cols)][1:]
                if any(hidden):
                    raise ValueError(f"table {self.title!r}: text in cells covered by {s}: {hidden}")


@dataclass(frozen=True)
class Image:
    """A PNG chart with its caption (printed below); ``width`` is the fraction of the frame width."""

    png: bytes
    caption: str
    width: float = 0.9


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


@dataclass(frozen=True)
class SectionBreak:
    """Start a new page in the given orientation (wide appendix tables go landscape)."""

    orientation: Orientation = "portrait"


@dataclass(frozen=True)
class TOC:
    """The table of contents (Word: a TOC field updated on open; PDF: built in two passes)."""

    title: str = "DAFTAR ISI"


Block = Union[Heading, Paragraph, BulletList, Table, Image, PageBreak, SectionBreak, TOC]


@dataclass(frozen=True)
class Document:
    """A whole report: metadata for the file properties and the running footer, and the blocks."""

    title: str
    subject: str
    footer: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def tables(self) -> list[Table]:
        """The tables in reading order (what ``tests/report/docx_read.docx_tables`` gives back from the Word file)."""
        return [b for b in self.blocks if isinstance(b, Table)]

    def texts(self) -> list[str]:
        """Every visible text of the document, in order (headings, paragraphs, list items, cells)."""
        out: list[str] = []
        for block in self.blocks:
            out += _block_texts(block)
        return out


def _item_texts(item: ListItem) -> list[str]:
    return [f"{item.label} {plain_text(item.text)}"] + [t for c in item.children for t in _item_texts(c)]


def _block_texts(block: Block) -> list[str]:
    if isinstance(block, (Heading, Paragraph)):
        return [plain_text(block.text)]
    if isinstance(block, BulletList):
        return [t for item in block.items for t in _item_texts(item)]
    if isinstance(block, Table):
        cells = [c for row in (*block.header, *block.body) for c in row if c]
        return [block.title, *cells, block.note]
    if isinstance(block, Image):
        return [block.caption]
    if isinstance(block, TOC):
        return [block.title]
    return []
