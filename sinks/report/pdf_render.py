"""PDF renderer: a :class:`~sinks.report.model.Document` -> PDF with reportlab platypus.

The PDF is rendered from the same document model as the Word file (no Word → PDF conversion, which
would need LibreOffice): same blocks, same strings, so the same content by construction. It has
heading bookmarks (the PDF outline), a table of contents with page numbers (two-pass ``multiBuild``),
page numbers in the footer, tables scaled to the frame width with wrapped cells and repeated header
rows, landscape pages for wide appendix tables and images scaled to the frame.

Fonts: DejaVu Sans, shipped inside matplotlib (always installed with this package set), so "≤", "Σ",
"–" and "→" print on any machine without system fonts.

Cost: the table of contents needs its page numbers, so the story is laid out until they are stable.
reportlab's ``multiBuild`` lays out and draws every pass (three for a unit report); here the passes
that only settle the page numbers draw nothing (:class:`LayoutCanvas`), the first one starts from the
final list of headings (two passes settle it), and the story is drawn once. Paragraphs break their
lines once per width (:class:`CachedWrap`: a table cell was broken again for every row-height pass,
page split and pass), and plain texts skip reportlab's markup parser (:class:`Paragraphs`). The PDF
is the same as ``multiBuild``'s, byte for byte with the same settings.
"""
from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Flowable, Frame, KeepTogether, NextPageTemplate,
                                PageTemplate, Spacer)
from reportlab.platypus import Image as RLImage
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle
from reportlab.platypus.paraparser import ParaFrag
from reportlab.platypus.tableofcontents import TableOfContents

from sinks.report.layout import FONT, PADDING, ensure_fonts, fit_widths
from sinks.report.model import (TOC, Block, BulletList, Document, Heading, Image, ListItem, PageBreak, Paragraph,
                                SectionBreak, Table, runs)

MARGINS = {"left": 2.5 * cm, "right": 2.0 * cm, "top": 2.0 * cm, "bottom": 2.0 * cm}
HEADER_FILL = colors.HexColor("#D9E2F3")
ALIGN = {"l": TA_LEFT, "r": TA_RIGHT, "c": TA_CENTER}
#: A text reportlab's markup parser returns unchanged as one fragment: words separated by single spaces,
#: no tag, no entity (``markup`` escapes ``&<>`` and writes line breaks as ``<br/>``), no other whitespace.
PLAIN = re.compile(r"[^\s<&]+(?: [^\s<&]+)*")
#: Widths closer than this (points) break a paragraph into the same lines.
SAME_WIDTH = 1e-6
#: Layout passes before giving up on a table of contents whose page numbers keep moving (reportlab's own limit).
MAX_PASSES = 10
# Binary (Flate) streams for images and embedded fonts instead of ASCII85 text: the same PDF content,
# a seventh smaller, without the pure-Python ASCII85 encoder (reportlab's C accelerator, rl_accel, is
# not installed). A constant setting, made the same way by every process that imports this module.
rl_config.useA85 = 0


class LayoutCanvas(Canvas):
    """The canvas of a layout pass: pages are counted and headings located, nothing is drawn or saved.

    The flowables of this module skip drawing on it (:class:`LayoutOnly`); only the drawn pass writes
    the file.
    """

    layout_only = True

    def save(self) -> None:
        """A layout pass writes nothing."""


class LayoutOnly:
    """Flowable mixin: draw nothing on a :class:`LayoutCanvas` (position and size are already known)."""

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802 (reportlab's name)
        if not getattr(canvas, "layout_only", False):
            super().drawOn(canvas, x, y, _sW)


class CachedWrap(LayoutOnly, RLParagraph):
    """A paragraph that breaks its lines once per width.

    reportlab wraps a table cell for every row-height computation, page split and draw, and the whole
    story once per layout pass; the text, style and width never change, so the first result holds.
    A table draws a cell with its column width recomputed from the column positions, which can differ
    from the width it was measured with in the last bits (1e-14 pt): that is the same width. The cache
    is dropped when ``split`` discards the line breaks (``blPara``); split halves are new paragraphs
    with their own cache.
    """

    def wrap(self, availWidth, availHeight):  # noqa: N803 (reportlab's names)
        known = self.__dict__.get("_wrapped_width")
        if known is not None and abs(known - availWidth) < SAME_WIDTH and "blPara" in self.__dict__:
            self.width = availWidth
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_width = availWidth if size[0] == availWidth else None
        return size


class ReportTable(LayoutOnly, RLTable):
    """A table that skips drawing on layout passes."""


class ReportImage(LayoutOnly, RLImage):
    """An image that skips drawing (and decoding) on layout passes."""


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles of the PDF, by the model's style names (plus headings and cells)."""
    ensure_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5, alignment=TA_JUSTIFY, spaceAfter=6)
    def s(name: str, **kw) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)
    return {
        "body": base,
        "cover_title": s("cover_title", fontName=FONT + "-Bold", fontSize=20, leading=26, alignment=TA_CENTER,
                         spaceBefore=6 * cm, spaceAfter=24),
        "cover_subtitle": s("cover_subtitle", fontName=FONT + "-Bold", fontSize=15, leading=20, alignment=TA_CENTER,
                            spaceAfter=18),
        "cover_note": s("cover_note", fontSize=11, leading=15, alignment=TA_CENTER, spaceAfter=12),
        "signature": s("signature", alignment=TA_LEFT, leftIndent=9 * cm, spaceAfter=0),
        "signature_name": s("signature_name", fontName=FONT + "-Bold", alignment=TA_LEFT, leftIndent=9 * cm,
                            spaceBefore=1.6 * cm),
        "formula": s("formula", fontName=FONT + "-Bold", alignment=TA_CENTER),
        "note": s("note", fontName=FONT + "-Oblique", fontSize=8.5, leading=11, alignment=TA_LEFT),
        "label": s("label", fontName=FONT + "-Bold", alignment=TA_LEFT, spaceAfter=3, keepWithNext=1),
        "center": s("center", alignment=TA_CENTER),
        "right": s("right", alignment=TA_RIGHT),
        "caption": s("caption", fontName=FONT + "-Bold", fontSize=9, leading=11.5, alignment=TA_CENTER,
                     spaceBefore=4, spaceAfter=4),
        "h1": s("h1", fontName=FONT + "-Bold", fontSize=14, leading=18, alignment=TA_LEFT, spaceBefore=6,
                spaceAfter=10, keepWithNext=1),
        "h2": s("h2", fontName=FONT + "-Bold", fontSize=12, leading=15, alignment=TA_LEFT, spaceBefore=10,
                spaceAfter=6, keepWithNext=1),
        "h3": s("h3", fontName=FONT + "-Bold", fontSize=10.5, leading=13.5, alignment=TA_LEFT, spaceBefore=8,
                spaceAfter=4, keepWithNext=1),
        "list": s("list", alignment=TA_LEFT, spaceAfter=2),
        "toc_title": s("toc_title", fontName=FONT + "-Bold", fontSize=12, alignment=TA_CENTER, spaceAfter=12),
    }


def markup(text: str) -> str:
    """Model text (``**bold**``, ``__italic__``) as reportlab paragraph markup, XML-escaped."""
    out = []
    for r in runs(text):
        piece = escape(r.text).replace("\n", "<br/>")
        if r.bold:
            piece = f"<b>{piece}</b>"
        if r.italic:
            piece = f"<i>{piece}</i>"
        out.append(piece)
    return "".join(out)


class HeadingParagraph(CachedWrap):
    """A heading that reports itself to the TOC and the PDF outline once laid out."""

    def __init__(self, text: str, level: int, key: str, toc: bool) -> None:
        super().__init__(markup(text), styles()[f"h{min(level, 3)}"])
        self.level, self.key, self.toc, self.plain = level, key, toc, "".join(r.text for r in runs(text))


class ReportDoc(BaseDocTemplate):
    """Portrait and landscape page templates, footer with page numbers, TOC and outline hooks."""

    def __init__(self, path: str, footer: str, title: str, subject: str) -> None:
        super().__init__(path, pagesize=A4, title=title, subject=subject, author="Sistem SAKIP BPOM",
                         leftMargin=MARGINS["left"], rightMargin=MARGINS["right"], topMargin=MARGINS["top"],
                         bottomMargin=MARGINS["bottom"])
        self.footer = footer
        self._outline_level = -1
        self.addPageTemplates([self._template("portrait", A4), self._template("landscape", landscape(A4))])

    def _template(self, name: str, size: tuple[float, float]) -> PageTemplate:
        frame = Frame(MARGINS["left"], MARGINS["bottom"], size[0] - MARGINS["left"] - MARGINS["right"],
                      size[1] - MARGINS["top"] - MARGINS["bottom"], id=name, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0)
        return PageTemplate(id=name, frames=[frame], onPage=self._decorate, pagesize=size)

    def _decorate(self, canvas, doc) -> None:
        if doc.page == 1 or getattr(canvas, "layout_only", False):
            return  # the cover has no footer; a layout pass draws nothing
        width = canvas._pagesize[0]
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setStrokeColor(colors.HexColor("#808080"))
        canvas.line(MARGINS["left"], 1.5 * cm, width - MARGINS["right"], 1.5 * cm)
        canvas.drawString(MARGINS["left"], 1.1 * cm, self.footer)
        canvas.drawRightString(width - MARGINS["right"], 1.1 * cm, f"Halaman {doc.page}")
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, HeadingParagraph):
            return
        level = min(flowable.level - 1, self._outline_level + 1)  # the outline cannot skip a level
        self._outline_level = level
        self.canv.bookmarkPage(flowable.key)
        self.canv.addOutlineEntry(flowable.plain, flowable.key, level=level, closed=level > 0)
        if _in_toc(flowable):
            self.notify("TOCEntry", _toc_entry(flowable, self.page))

    def handle_documentBegin(self) -> None:
        self._outline_level = -1
        super().handle_documentBegin()

    def build_once_settled(self, story: list[Flowable]) -> int:
        """Lay ``story`` out without drawing until the table of contents is stable, then draw and save it
        once. Returns the number of passes (layout passes + the drawn one).

        Same result as ``multiBuild``, whose last pass is the first one that changes nothing: the drawn
        pass starts from the entries of the last layout pass, exactly as that pass did. The first pass
        starts from a better guess than an empty table of contents (:func:`_guess_contents`), so two
        layout passes settle it instead of three. The keep-with-next edits reportlab makes on the
        flowables during a pass are undone after every layout pass (``multiBuild`` keeps those of its
        last pass), so the drawn pass starts from the flowables as built. ``_indexingFlowables`` and
        ``_multiBuildEdits`` are the hooks ``BaseDocTemplate.notify`` and ``handle_keepWithNext`` read
        (reportlab is pinned in requirements.lock).
        """
        indexing = [f for f in story if f.isIndexing()]
        edits: list[tuple] = []
        self._indexingFlowables = indexing
        self._multiBuildEdits = edits.append
        _guess_contents(story, indexing)
        for passes in range(1, MAX_PASSES + 1):
            for f in indexing:
                f.beforeBuild()
            self.build(story[:], canvasmaker=LayoutCanvas)
            for f in indexing:
                f.afterBuild()
            while edits:
                undo, *args = edits.pop(0)
                undo(*args)
            if all(f.isSatisfied() for f in indexing):
                break
        else:
            raise IndexError(f"table of contents not stable after {MAX_PASSES} passes")
        del self._multiBuildEdits
        self._indexingFlowables = []
        for f in indexing:
            f.beforeBuild()  # the drawn pass prints the entries the last layout pass found
        self.build(story[:])
        return passes + 1


def _in_toc(heading: HeadingParagraph) -> bool:
    return heading.toc and heading.level <= 3


def _toc_entry(heading: HeadingParagraph, page: int) -> tuple[int, str, int, str]:
    """What a heading reports to the table of contents (level, text, page, bookmark)."""
    return heading.level - 1, heading.plain, page, heading.key


def _guess_contents(story: list[Flowable], indexing: list[Flowable]) -> None:
    """Start the tables of contents from every heading they will list, on page 0, instead of empty.

    The first layout pass then lays the table out at its final size, so the page numbers it finds
    are final and the second pass only confirms them (from empty, the first pass finds numbers for
    a one-line table, the second finds them shifted by the table's real length and a third
    confirms). Only the starting point of the fixpoint changes, not the fixpoint.
    """
    guess = [_toc_entry(f, 0) for f in story if isinstance(f, HeadingParagraph) and _in_toc(f)]
    for toc in indexing:
        if isinstance(toc, TableOfContents):
            for entry in guess:
                toc.addEntry(*entry)


# ----------------------------------------------------------------------------------------- blocks
class Paragraphs:
    """Makes the paragraphs of one story.

    reportlab parses every paragraph's markup with an HTML parser, most of the cost of building the
    story. A plain text (:data:`PLAIN`: most table cells, numbers and names) parses to one fragment,
    the style's, holding the text; that fragment is parsed once per style and cloned with each text.
    """

    def __init__(self) -> None:
        self._fragments: dict[int, tuple[ParagraphStyle, ParaFrag]] = {}

    def __call__(self, text: str, style: ParagraphStyle, bulletText: str | None = None) -> CachedWrap:  # noqa: N803
        if style.textTransform or not (text == "" or PLAIN.fullmatch(text)):
            return CachedWrap(text, style, bulletText=bulletText)
        frags = [self._fragment(style).clone(text=text)] if text else []  # an empty text has no fragment
        return CachedWrap(text, style, bulletText=bulletText, frags=frags)

    def _fragment(self, style: ParagraphStyle) -> ParaFrag:
        if id(style) not in self._fragments:  # the style is kept with it, so its id is not reused
            self._fragments[id(style)] = (style, RLParagraph("x", style).frags[0])
        return self._fragments[id(style)][1]


@lru_cache(maxsize=8)
def _list_style(depth: int) -> ParagraphStyle:
    return ParagraphStyle(f"list{depth}", parent=styles()["list"], leftIndent=0.75 * cm * (depth + 1),
                          bulletIndent=0.75 * cm * depth)


def _list(items: tuple[ListItem, ...], para: Paragraphs, depth: int = 0) -> list[Flowable]:
    out: list[Flowable] = []
    for item in items:
        out.append(para(markup(item.text), _list_style(depth), bulletText=item.label))
        out += _list(item.children, para, depth + 1)
    return out


@lru_cache(maxsize=64)
def _cell_style(size: float, align: str, bold: bool) -> ParagraphStyle:
    """One style object per kind of cell (a fresh one per cell would defeat :class:`Paragraphs`)."""
    ensure_fonts()
    return ParagraphStyle(f"cell{size}{align}{bold}", fontName=FONT + ("-Bold" if bold else ""), fontSize=size,
                          leading=size * 1.2, alignment=ALIGN[align])


def _table(block: Table, width: float, after_heading: bool, para: Paragraphs) -> list[Flowable]:
    """Caption and table; the table splits across pages (header rows repeat), never moves whole."""
    nh = len(block.header)
    col_widths = fit_widths(block, width)
    data = []
    for r, values in enumerate((*block.header, *block.body)):
        header = r < nh
        bold = header or (r - nh) in block.bold_rows
        data.append([para(markup(v), _cell_style(block.font_size, "c" if header else block.align[c], bold))
                     for c, v in enumerate(values)])
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#404040")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, nh - 1), HEADER_FILL),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for offset, spans in ((0, block.header_spans), (nh, block.body_spans)):
        commands += [("SPAN", (s.col, offset + s.row), (s.col + s.cols - 1, offset + s.row + s.rows - 1)) for s in spans]
    if block.fills:
        commands += [("BACKGROUND", (0, nh + i), (-1, nh + i), colors.HexColor(f"#{f}")) for i, f in enumerate(block.fills) if f]
    commands += [("BACKGROUND", (c, nh + r), (c, nh + r), colors.HexColor(f"#{f}")) for (r, c), f in block.cell_fills]
    table = ReportTable(data, colWidths=col_widths, repeatRows=nh, style=TableStyle(commands), hAlign="CENTER")
    caption = para(markup(block.title), styles()["caption"])
    out: list[Flowable] = ([] if after_heading else [CondPageBreak(4 * cm)]) + [caption, table]
    out.append(para(markup(block.note), styles()["note"]) if block.note else Spacer(1, 6))
    return out


def _image(block: Image, width: float) -> list[Flowable]:
    img = ReportImage(io.BytesIO(block.png), mask=None)  # charts are opaque (white face): no soft mask to embed
    scale = width * block.width / img.imageWidth
    img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
    return [KeepTogether([img, CachedWrap(markup(block.caption), styles()["caption"])])]


def _toc(block: TOC) -> list[Flowable]:
    toc = TableOfContents(dotsMinLevel=0)
    base = styles()["body"]
    toc.levelStyles = [
        ParagraphStyle("toc1", parent=base, fontName=FONT + "-Bold", fontSize=10, leftIndent=0, firstLineIndent=0,
                       spaceBefore=4, spaceAfter=0),
        ParagraphStyle("toc2", parent=base, fontSize=9.5, leftIndent=0.8 * cm, firstLineIndent=0, spaceAfter=0),
        ParagraphStyle("toc3", parent=base, fontSize=8.5, leftIndent=1.6 * cm, firstLineIndent=0, spaceAfter=0,
                       leading=11),
    ]
    return [CachedWrap(markup(block.title), styles()["toc_title"]), toc]


class Story:
    """Turns blocks into flowables, tracking the page orientation for widths and heading keys."""

    def __init__(self) -> None:
        self.orientation = "portrait"
        self.count = 0
        self.after_heading = False
        self.para = Paragraphs()

    def width(self) -> float:
        size = A4 if self.orientation == "portrait" else landscape(A4)
        return size[0] - MARGINS["left"] - MARGINS["right"]

    def flowables(self, block: Block) -> list[Flowable]:
        out = self._flowables(block)
        self.after_heading = isinstance(block, Heading)
        return out

    def _flowables(self, block: Block) -> list[Flowable]:
        if isinstance(block, Heading):
            self.count += 1
            room = [CondPageBreak(4 * cm)] if block.level > 1 else []  # no heading alone at a page foot
            return room + [HeadingParagraph(block.text, block.level, f"h{self.count}", block.toc)]
        if isinstance(block, Paragraph):
            return [self.para(markup(block.text), styles().get(block.style, styles()["body"]))]
        if isinstance(block, BulletList):
            return _list(block.items, self.para)
        if isinstance(block, Table):
            return _table(block, self.width(), self.after_heading, self.para)
        if isinstance(block, Image):
            return _image(block, self.width())
        if isinstance(block, PageBreak):
            return [RLPageBreak()]
        if isinstance(block, SectionBreak):
            self.orientation = block.orientation
            return [NextPageTemplate(block.orientation), RLPageBreak()]
        if isinstance(block, TOC):
            return _toc(block)
        return []


def build_story(document: Document) -> list[Flowable]:
    """The flowables of a document (what the PDF shows, in order)."""
    story = Story()
    return [f for block in document.blocks for f in story.flowables(block)]


def render_pdf(document: Document, path: Path) -> Path:
    """Write ``document`` as a PDF at ``path`` (folders created) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = ReportDoc(str(path), document.footer, document.title, document.subject)
    doc.build_once_settled(build_story(document))
    return path
