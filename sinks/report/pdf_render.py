"""PDF renderer: a :class:`~sinks.report.model.Document` -> PDF with reportlab platypus.

The PDF is rendered from the same document model as the Word file (no Word → PDF conversion, which
would need LibreOffice): same blocks, same strings, so the same content by construction. It has
heading bookmarks (the PDF outline), a table of contents with page numbers (two-pass ``multiBuild``),
page numbers in the footer, tables scaled to the frame width with wrapped cells and repeated header
rows, landscape pages for wide appendix tables and images scaled to the frame.

Fonts: DejaVu Sans, shipped inside matplotlib (always installed with this package set), so "≤", "Σ",
"–" and "→" print on any machine without system fonts.
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Flowable, Frame, KeepTogether, NextPageTemplate,
                                PageTemplate, Spacer)
from reportlab.platypus import Image as RLImage
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from sinks.report.layout import FONT, PADDING, ensure_fonts, fit_widths
from sinks.report.model import (TOC, Block, BulletList, Document, Heading, Image, ListItem, PageBreak, Paragraph,
                                SectionBreak, Table, runs)

MARGINS = {"left": 2.5 * cm, "right": 2.0 * cm, "top": 2.0 * cm, "bottom": 2.0 * cm}
HEADER_FILL = colors.HexColor("#D9E2F3")
ALIGN = {"l": TA_LEFT, "r": TA_RIGHT, "c": TA_CENTER}


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


class HeadingParagraph(RLParagraph):
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
        if doc.page == 1:
            return  # the cover has no footer
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
        if flowable.toc and flowable.level <= 3:
            self.notify("TOCEntry", (flowable.level - 1, flowable.plain, self.page, flowable.key))

    def handle_documentBegin(self) -> None:
        self._outline_level = -1
        super().handle_documentBegin()


# ----------------------------------------------------------------------------------------- blocks
def _list(items: tuple[ListItem, ...], depth: int = 0) -> list[Flowable]:
    out: list[Flowable] = []
    base = styles()["list"]
    for item in items:
        style = ParagraphStyle(f"list{depth}", parent=base, leftIndent=0.75 * cm * (depth + 1), bulletIndent=0.75 * cm * depth)
        out.append(RLParagraph(markup(item.text), style, bulletText=item.label))
        out += _list(item.children, depth + 1)
    return out


def _cell_style(size: float, align: str, bold: bool) -> ParagraphStyle:
    return ParagraphStyle(f"cell{size}{align}{bold}", fontName=FONT + ("-Bold" if bold else ""), fontSize=size,
                          leading=size * 1.2, alignment=ALIGN[align])


def _table(block: Table, width: float, after_heading: bool) -> list[Flowable]:
    """Caption and table; the table splits across pages (header rows repeat), never moves whole."""
    nh = len(block.header)
    col_widths = fit_widths(block, width)
    data = []
    for r, values in enumerate((*block.header, *block.body)):
        header = r < nh
        bold = header or (r - nh) in block.bold_rows
        data.append([RLParagraph(markup(v), _cell_style(block.font_size, "c" if header else block.align[c], bold))
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
    table = RLTable(data, colWidths=col_widths, repeatRows=nh, style=TableStyle(commands), hAlign="CENTER")
    caption = RLParagraph(markup(block.title), styles()["caption"])
    out: list[Flowable] = ([] if after_heading else [CondPageBreak(4 * cm)]) + [caption, table]
    out.append(RLParagraph(markup(block.note), styles()["note"]) if block.note else Spacer(1, 6))
    return out


def _image(block: Image, width: float) -> list[Flowable]:
    img = RLImage(io.BytesIO(block.png))
    scale = width * block.width / img.imageWidth
    img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
    return [KeepTogether([img, RLParagraph(markup(block.caption), styles()["caption"])])]


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
    return [RLParagraph(markup(block.title), styles()["toc_title"]), toc]


class Story:
    """Turns blocks into flowables, tracking the page orientation for widths and heading keys."""

    def __init__(self) -> None:
        self.orientation = "portrait"
        self.count = 0
        self.after_heading = False

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
            return [RLParagraph(markup(block.text), styles().get(block.style, styles()["body"]))]
        if isinstance(block, BulletList):
            return _list(block.items)
        if isinstance(block, Table):
            return _table(block, self.width(), self.after_heading)
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
    doc.multiBuild(build_story(document))
    return path
