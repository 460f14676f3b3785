"""Word renderer: a :class:`~sinks.report.model.Document` -> an editable .docx (python-docx).

The units add narrative to this file before signing, so it uses Word's own machinery: real
``Heading 1–3`` styles, a ``TOC \\o "1-3"`` field that Word fills with page numbers when the file is
opened (``updateFields``), a ``PAGE`` field in the footer, real tables with repeated header rows and
merged cells, A4 portrait sections and landscape sections for wide appendix tables. It translates
blocks one to one and adds no content of its own (see ``content.py``).

Cost: python-docx builds XML one element and attribute at a time (a report has some 30,000) and
looks a style up by scanning every style of the document for each paragraph given a style. So the
paragraphs, lists, tables and page breaks are written as XML strings holding exactly the elements
python-docx would have made (tables with their merges as ``CT_Tc.merge`` leaves them: first cell
widened, ``gridSpan``/``vMerge``, swallowed cells removed) and parsed in batches (:class:`_Body`);
python-docx still adds the pictures, sections, footers and fields, and style ids are looked up once
per document. ``tests/report/test_report_docx.py`` reads every table back and compares it with the
model.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.simpletypes import ST_HpsMeasure, ST_SignedTwipsMeasure, ST_TwipsMeasure
from docx.section import Section
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from sinks.report.layout import fit_widths
from sinks.report.model import (TOC, Block, BulletList, Document, Heading, Image, ListItem, PageBreak, Paragraph,
                                SectionBreak, Table, runs)

FONT = "Arial"
A4 = (Cm(21.0), Cm(29.7))
MARGINS = {"left": Cm(2.5), "right": Cm(2.0), "top": Cm(2.0), "bottom": Cm(2.0)}
HEADER_FILL = "D9E2F3"
EMU_PER_PT = 12700
#: Paragraph style of the model -> (Word style name, size pt, bold, italic, alignment, space after pt).
PARAGRAPH_STYLES = {
    "body": ("Normal", None, False, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 6),
    "cover_title": ("Cover Title", 20, True, False, WD_ALIGN_PARAGRAPH.CENTER, 24),
    "cover_subtitle": ("Cover Subtitle", 15, True, False, WD_ALIGN_PARAGRAPH.CENTER, 18),
    "cover_note": ("Cover Note", 11, False, False, WD_ALIGN_PARAGRAPH.CENTER, 12),
    "signature": ("Signature", None, False, False, WD_ALIGN_PARAGRAPH.LEFT, 0),
    "signature_name": ("Signature Name", None, True, False, WD_ALIGN_PARAGRAPH.LEFT, 6),
    "formula": ("Formula", None, True, False, WD_ALIGN_PARAGRAPH.CENTER, 6),
    "note": ("Note", 9, False, True, WD_ALIGN_PARAGRAPH.LEFT, 6),
    "label": ("Label", None, True, False, WD_ALIGN_PARAGRAPH.LEFT, 3),
    "center": ("Normal", None, False, False, WD_ALIGN_PARAGRAPH.CENTER, 6),
    "right": ("Normal", None, False, False, WD_ALIGN_PARAGRAPH.RIGHT, 6),
}


# ------------------------------------------------------------------------------------------ setup
def _set_font(style, size: float | None = None, bold: bool | None = None, italic: bool | None = None) -> None:
    style.font.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic


def _setup_styles(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    _set_font(normal, 10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "id-ID")
    normal.element.get_or_add_rPr().append(lang)
    for level, size in ((1, 14), (2, 12), (3, 11)):
        style = doc.styles[f"Heading {level}"]
        _set_font(style, size, True, False)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12 if level == 1 else 8)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    existing = {s.name for s in doc.styles}
    for name, size, bold, italic, align, after in PARAGRAPH_STYLES.values():
        if name == "Normal" or name in existing:
            continue
        existing.add(name)
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        _set_font(style, size, bold, italic)
        style.paragraph_format.alignment = align
        style.paragraph_format.space_after = Pt(after)
        if name == "Label":
            style.paragraph_format.keep_with_next = True
    caption = doc.styles["Caption"]
    _set_font(caption, 9.5, True, False)
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.keep_with_next = True
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _page(section: Section, orientation: str) -> None:
    landscape = orientation == "landscape"
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (A4[1], A4[0]) if landscape else A4
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)


def _usable_width(section: Section) -> int:
    return section.page_width - section.left_margin - section.right_margin


def _field(paragraph: DocxParagraph, instruction: str, placeholder: str = "") -> None:
    """A complex field (``PAGE``, ``TOC …``) in a paragraph, marked dirty so Word computes it."""
    def char(kind: str) -> None:
        run = paragraph.add_run()
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            fld.set(qn("w:dirty"), "true")
        run._r.append(fld)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


def _footer(section: Section, text: str) -> None:
    section.footer.is_linked_to_previous = False
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run(f"{text} — Halaman ").font.size = Pt(8)
    _field(para, "PAGE", "1")
    for run in para.runs:
        run.font.size = Pt(8)


# ------------------------------------------------------------------------------------ XML strings
#: ``w:jc`` values of the model's alignments (what ``WD_ALIGN_PARAGRAPH`` writes).
JC = {"l": "left", "r": "right", "c": "center"}
_RUN_BREAKS = re.compile(r"(\t|\r|\n)")
_TABLE_LOOK = ('<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
               'w:noVBand="1" w:val="04A0"/>')
_CELL_PPR = '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def _run_content_xml(text: str) -> str:
    """A run's content as python-docx's ``Run.text`` writes it: a tab is ``w:tab``, each CR or LF a
    ``w:br``, and a text with outer whitespace keeps it (``xml:space="preserve"``)."""
    out = []
    for piece in _RUN_BREAKS.split(text):
        if not piece:
            continue
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            out.append("<w:br/>")
        else:
            keep = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            out.append(f"<w:t{keep}>{escape(piece)}</w:t>")
    return "".join(out)


def _run_xml(text: str, props: str | None) -> str:
    """A ``w:r``: ``props`` None writes no ``w:rPr`` (``add_run``), "" an empty one (after ``run.bold = None``)."""
    rpr = "" if props is None else f"<w:rPr>{props}</w:rPr>" if props else "<w:rPr/>"
    return f"<w:r>{rpr}{_run_content_xml(text)}</w:r>"


def _runs_xml(text: str, size: str | None = None, bold: bool = False) -> str:
    """The runs of a model text (``**bold**``, ``__italic__``), as ``paragraph.add_run`` then ``run.bold`` /
    ``run.italic`` / ``run.font.size`` write them: ``w:b``/``w:i`` where set, then ``w:sz`` when a size
    (half-points) is given."""
    out = []
    for r in runs(text):
        props = ("<w:b/>" if r.bold or bold else "") + ("<w:i/>" if r.italic else "")
        out.append(_run_xml(r.text, props + (f'<w:sz w:val="{size}"/>' if size else "")))
    return "".join(out)


def _p_xml(props: str | None, content: str = "") -> str:
    """A ``w:p``: ``props`` None writes no ``w:pPr``, "" an empty one (a paragraph given the default style)."""
    ppr = "" if props is None else f"<w:pPr>{props}</w:pPr>" if props else "<w:pPr/>"
    return f"<w:p>{ppr}{content}</w:p>"


def _styled_xml(style_id: str | None, text: str = "") -> str:
    """``doc.add_paragraph(text, style)``: one run without properties, the style id (none for the default)."""
    return _p_xml(f'<w:pStyle w:val="{style_id}"/>' if style_id else "", _run_xml(text, None) if text else "")


@lru_cache(maxsize=8)
def _list_props(depth: int) -> str:
    """The ``w:pPr`` content of a list item: hanging indent 0,75 cm per level, a tab stop at the text,
    3 pt after (what ``paragraph_format`` writes for ``_list``'s settings)."""
    indent = ST_SignedTwipsMeasure.convert_to_xml(Cm(0.75 + 0.75 * depth))
    return (f'<w:tabs><w:tab w:pos="{indent}" w:val="left"/></w:tabs>'
            f'<w:spacing w:after="{ST_TwipsMeasure.convert_to_xml(Pt(3))}"/>'
            f'<w:ind w:left="{indent}" w:hanging="{ST_TwipsMeasure.convert_to_xml(Cm(0.75))}"/>')


@dataclass(frozen=True)
class _SpanCell:
    """The first cell of one row of a span after python-docx's ``CT_Tc.merge``: it covers ``cols``
    grid columns (``w:gridSpan``, its width the sum) and, in a span of several rows, starts
    (``restart``) or continues the vertical merge."""

    cols: int
    vmerge: str | None


def _spans(block: Table) -> tuple[dict[tuple[int, int], _SpanCell], set[tuple[int, int]]]:
    """What merging the spans makes of the grid (rows counted from the first header row): the first
    cell of each spanned row, and the cells swallowed into it (removed). The covered cells are empty
    (the model checks it), so no content moves."""
    first: dict[tuple[int, int], _SpanCell] = {}
    removed: set[tuple[int, int]] = set()
    nh = len(block.header)
    for offset, spans in ((0, block.header_spans), (nh, block.body_spans)):
        for s in spans:
            for r in range(offset + s.row, offset + s.row + s.rows):
                cells = {(r, c) for c in range(s.col, s.col + s.cols)}
                if cells & (first.keys() | removed):
                    raise ValueError(f"table {block.title!r}: span {s} overlaps another span")
                vmerge = None if s.rows == 1 else "restart" if r == offset + s.row else "continue"
                first[r, s.col] = _SpanCell(s.cols, vmerge)
                removed |= cells - {(r, s.col)}
    return first, removed


def _cell_xml(text: str, width: str, align: str, size: str, bold: bool, fill: str | None,
              span: _SpanCell | None) -> str:
    """One ``w:tc``: width, span, optional shading, vertically centred, one paragraph without spacing."""
    grid = f'<w:gridSpan w:val="{span.cols}"/>' if span and span.cols > 1 else ""
    vmerge = ("" if span is None or span.vmerge is None else
              '<w:vMerge w:val="restart"/>' if span.vmerge == "restart" else "<w:vMerge/>")
    shd = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    jc = f'<w:jc w:val="{JC[align]}"/>'
    return (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{grid}{vmerge}{shd}<w:vAlign w:val="center"/>'
            f'</w:tcPr>{_p_xml(_CELL_PPR + jc, _runs_xml(text, size, bold))}</w:tc>')


def _table_xml(block: Table, widths: list[int], style_id: str | None) -> str:
    """The ``w:tbl`` of a table as python-docx builds it (``add_table``, fixed layout and widths,
    centred, rows kept on one page, header rows repeated, fills, bold rows, then ``CT_Tc.merge`` of
    every span)."""
    nh = len(block.header)
    twips = [int(ST_TwipsMeasure.convert_to_xml(Emu(w))) for w in widths]
    size = ST_HpsMeasure.convert_to_xml(Pt(block.font_size))
    fills = dict(block.cell_fills)
    first, removed = _spans(block)
    style = f'<w:tblStyle w:val="{style_id}"/>' if style_id else ""
    out = [f'<w:tbl><w:tblPr>{style}<w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
           f'<w:tblLayout w:type="fixed"/>{_TABLE_LOOK}</w:tblPr><w:tblGrid>',
           "".join(f'<w:gridCol w:w="{t}"/>' for t in twips), "</w:tblGrid>"]
    for r, values in enumerate((*block.header, *block.body)):
        is_header, body_row = r < nh, r - nh
        out.append('<w:tr><w:trPr><w:cantSplit/><w:tblHeader w:val="true"/></w:trPr>' if is_header
                   else "<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        bold = is_header or body_row in block.bold_rows
        for c, text in enumerate(values):
            if (r, c) in removed:
                continue
            span = first.get((r, c))
            width = sum(twips[c:c + span.cols]) if span else twips[c]
            fill = HEADER_FILL if is_header else fills.get((body_row, c)) or (
                block.fills[body_row] if block.fills else None)
            out.append(_cell_xml(text, str(width), "c" if is_header else block.align[c], size, bold, fill, span))
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


# ----------------------------------------------------------------------------------------- blocks
class _Body:
    """Writes the blocks into the document body.

    Paragraphs, lists, tables and page breaks (nearly all of a report) are written as XML strings,
    exactly what python-docx would have built, and parsed in one go at the next :meth:`flush`: the
    blocks that need python-docx's parts and relationships (a picture, a section, the TOC field) flush
    first and are added through python-docx, so the order is kept.
    """

    def __init__(self, doc: DocxDocument) -> None:
        self.doc = doc
        self._xml: list[str] = []
        self._style_ids: dict[tuple[str, WD_STYLE_TYPE], str | None] = {}

    def style_id(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
        """The id python-docx writes for a style name (None for the default style), looked up once:
        python-docx scans every style of the document for each lookup."""
        if (name, kind) not in self._style_ids:
            self._style_ids[name, kind] = self.doc.part.get_style_id(self.doc.styles[name], kind)
        return self._style_ids[name, kind]

    def add(self, xml: str) -> None:
        self._xml.append(xml)

    def styled(self, text: str, style: str) -> None:
        self.add(_styled_xml(self.style_id(style), text))

    def flush(self) -> None:
        """Parse the pending XML and put its elements at the end of the body (before its ``sectPr``)."""
        if not self._xml:
            return
        parsed = parse_xml(f'<w:body {nsdecls("w")}>{"".join(self._xml)}</w:body>')
        end = self.doc.element.body.sectPr
        for element in list(parsed):
            end.addprevious(element)
        self._xml.clear()


def _paragraph(body: _Body, block: Paragraph) -> None:
    name, _, _, _, align, _ = PARAGRAPH_STYLES.get(block.style, PARAGRAPH_STYLES["body"])
    style_id = body.style_id(name)
    props = f'<w:pStyle w:val="{style_id}"/>' if style_id else ""
    if name == "Normal":
        props += f'<w:jc w:val="{align.xml_value}"/>'
    body.add(_p_xml(props, _runs_xml(block.text)))


def _list(body: _Body, items: tuple[ListItem, ...], depth: int = 0) -> None:
    for item in items:
        body.add(_p_xml(_list_props(depth), _run_xml(f"{item.label}\t", None) + _runs_xml(item.text)))
        _list(body, item.children, depth + 1)


def _table(body: _Body, block: Table, width: int) -> None:
    body.styled(block.title, "Caption")
    widths = [int(w * EMU_PER_PT) for w in fit_widths(block, width / EMU_PER_PT)]
    body.add(_table_xml(block, widths, body.style_id("Table Grid", WD_STYLE_TYPE.TABLE)))
    if block.note:
        body.styled(block.note, "Note")
    else:
        body.add(_p_xml(f'<w:spacing w:after="{ST_TwipsMeasure.convert_to_xml(Pt(2))}"/>'))


def _image(body: _Body, block: Image, width: int) -> None:
    body.flush()
    para = body.doc.add_paragraph()  # what ``doc.add_picture`` does, keeping the paragraph
    para.add_run().add_picture(io.BytesIO(block.png), width=Emu(int(width * block.width)))
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.keep_with_next = True
    body.styled(block.caption, "Caption")


def _toc(body: _Body, block: TOC) -> None:
    body.flush()
    title = body.doc.add_paragraph(style="Cover Note")
    title.add_run(block.title).bold = True
    _field(body.doc.add_paragraph(), 'TOC \\o "1-3" \\h \\z \\u',
           "Daftar isi diperbarui saat dokumen dibuka (klik kanan > Update Field bila belum tampil).")


def _section(body: _Body, block: SectionBreak, footer: str) -> Section:
    body.flush()
    section = body.doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, block.orientation)
    section.different_first_page_header_footer = False
    _footer(section, footer)
    return section


def _render_block(body: _Body, block: Block, footer: str, width: int) -> int:
    """Add one block; returns the usable width from here on (it changes at a section break)."""
    if isinstance(block, Heading):
        body.styled(block.text, f"Heading {block.level}")
    elif isinstance(block, Paragraph):
        _paragraph(body, block)
    elif isinstance(block, BulletList):
        _list(body, block.items)
    elif isinstance(block, Table):
        _table(body, block, width)
    elif isinstance(block, Image):
        _image(body, block, width)
    elif isinstance(block, PageBreak):
        body.add(_PAGE_BREAK)
    elif isinstance(block, SectionBreak):
        return _usable_width(_section(body, block, footer))
    elif isinstance(block, TOC):
        _toc(body, block)
    return width


def render_docx(document: Document, path: Path) -> Path:
    """Write ``document`` as a Word file at ``path`` (folders created) and return the path."""
    doc = new_document()
    _setup_styles(doc)
    first = doc.sections[0]
    _page(first, "portrait")
    first.different_first_page_header_footer = True  # the cover page has no footer
    _footer(first, document.footer)
    props = doc.core_properties
    props.title, props.subject = document.title, document.subject
    props.author, props.language = "Sistem SAKIP BPOM (dibangun otomatis)", "id-ID"
    body, width = _Body(doc), _usable_width(first)
    for block in document.blocks:
        width = _render_block(body, block, document.footer, width)
    body.flush()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
