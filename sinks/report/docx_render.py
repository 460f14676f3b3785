"""Word renderer: a :class:`~sinks.report.model.Document` -> an editable .docx (python-docx).

The units add narrative to this file before signing, so it uses Word's own machinery: real
``Heading 1–3`` styles, a ``TOC \\o "1-3"`` field that Word fills with page numbers when the file is
opened (``updateFields``), a ``PAGE`` field in the footer, real tables with repeated header rows and
merged cells, A4 portrait sections and landscape sections for wide appendix tables. It translates
blocks one to one and adds no content of its own (see ``content.py``).
"""
from __future__ import annotations

import io
from pathlib import Path

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from sinks.report.layout import fit_widths
from sinks.report.model import (TOC, Block, BulletList, Document, Heading, Image, ListItem, PageBreak, Paragraph,
                                SectionBreak, Table, runs)

FONT = "Arial"
A4 = (Cm(21.0), Cm(29.7))
MARGINS = {"left": Cm(2.5), "right": Cm(2.0), "top": Cm(2.0), "bottom": Cm(2.0)}
HEADER_FILL = "D9E2F3"
EMU_PER_PT = 12700
ALIGN = {"l": WD_ALIGN_PARAGRAPH.LEFT, "r": WD_ALIGN_PARAGRAPH.RIGHT, "c": WD_ALIGN_PARAGRAPH.CENTER}
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
    for name, size, bold, italic, align, after in PARAGRAPH_STYLES.values():
        if name == "Normal" or name in [s.name for s in doc.styles]:
            continue
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


# ----------------------------------------------------------------------------------------- blocks
def _add_runs(paragraph: DocxParagraph, text: str, size: float | None = None, bold: bool = False) -> None:
    for r in runs(text):
        run = paragraph.add_run(r.text)
        run.bold = r.bold or bold or None
        run.italic = r.italic or None
        if size is not None:
            run.font.size = Pt(size)


def _style(doc: DocxDocument, name: str):
    """A style object by name, cached per document (python-docx looks names up linearly)."""
    cache = doc.__dict__.setdefault("_style_cache", {})
    if name not in cache:
        cache[name] = doc.styles[name]
    return cache[name]


def _paragraph(doc: DocxDocument, block: Paragraph) -> None:
    name = PARAGRAPH_STYLES.get(block.style, PARAGRAPH_STYLES["body"])
    para = doc.add_paragraph(style=_style(doc, name[0]))
    if name[0] == "Normal":
        para.alignment = name[4]
    _add_runs(para, block.text)


def _list(doc: DocxDocument, items: tuple[ListItem, ...], depth: int = 0) -> None:
    for item in items:
        para = doc.add_paragraph(style=_style(doc, "Normal"))
        fmt = para.paragraph_format
        indent = Cm(0.75 + 0.75 * depth)
        fmt.left_indent, fmt.first_line_indent = indent, -Cm(0.75)
        fmt.tab_stops.add_tab_stop(indent)
        fmt.space_after = Pt(3)
        para.add_run(f"{item.label}\t")
        _add_runs(para, item.text)
        _list(doc, item.children, depth + 1)


_AFTER_SHD = tuple(qn(f"w:{t}") for t in ("noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark"))


def _shade(cell, fill: str) -> None:
    """Cell background, inserted where the schema wants ``w:shd`` (before ``w:vAlign`` and friends)."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr = cell._tc.get_or_add_tcPr()
    later = next((child for child in tcpr if child.tag in _AFTER_SHD), None)
    if later is None:
        tcpr.append(shd)
    else:
        later.addprevious(shd)


def _row_flags(row, header: bool) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        flag = OxmlElement("w:tblHeader")
        flag.set(qn("w:val"), "true")
        trpr.append(flag)


def _fixed_layout(table: DocxTable, widths: list[int]) -> None:
    table.autofit = False  # w:tblLayout type="fixed": Word keeps the widths below
    for col, width in zip(table.columns, widths):
        col.width = Emu(width)


def _fill_cell(cell, text: str, align: str, size: float, bold: bool, fill: str | None) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    para = cell.paragraphs[0]
    para.alignment = ALIGN[align]
    para.paragraph_format.space_after = Pt(0)
    para.paragraph_format.line_spacing = 1.0
    if text:
        _add_runs(para, text, size=size, bold=bold)
    if fill:
        _shade(cell, fill)


def _table(doc: DocxDocument, block: Table, width: int) -> None:
    doc.add_paragraph(block.title, style=_style(doc, "Caption"))
    nh, ncol = len(block.header), len(block.widths)
    widths = [int(w * EMU_PER_PT) for w in fit_widths(block, width / EMU_PER_PT)]
    table = doc.add_table(rows=nh + len(block.body), cols=ncol)
    table.style = _style(doc, "Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_layout(table, widths)
    fills = dict(block.cell_fills)
    rows = table.rows
    for r, values in enumerate((*block.header, *block.body)):
        is_header = r < nh
        body_row = r - nh
        _row_flags(rows[r], is_header)
        cells = rows[r].cells
        for c, text in enumerate(values):
            cells[c].width = Emu(widths[c])
            fill = HEADER_FILL if is_header else fills.get((body_row, c)) or (
                block.fills[body_row] if block.fills else None)
            bold = is_header or body_row in block.bold_rows
            _fill_cell(cells[c], text, "c" if is_header else block.align[c], block.font_size, bold, fill)
    # cells by grid position, taken once before merging (table.cell() recomputes the whole grid per call);
    # spans never overlap, so the corner cells of a span survive the other merges
    grid = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
    for offset, spans in ((0, block.header_spans), (nh, block.body_spans)):
        for s in spans:
            grid[offset + s.row][s.col].merge(grid[offset + s.row + s.rows - 1][s.col + s.cols - 1])
    if block.note:
        doc.add_paragraph(block.note, style=_style(doc, "Note"))
    else:
        doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _image(doc: DocxDocument, block: Image, width: int) -> None:
    doc.add_picture(io.BytesIO(block.png), width=Emu(int(width * block.width)))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    doc.add_paragraph(block.caption, style=_style(doc, "Caption"))


def _toc(doc: DocxDocument, block: TOC) -> None:
    title = doc.add_paragraph(style="Cover Note")
    title.add_run(block.title).bold = True
    _field(doc.add_paragraph(), 'TOC \\o "1-3" \\h \\z \\u',
           "Daftar isi diperbarui saat dokumen dibuka (klik kanan > Update Field bila belum tampil).")


def _section(doc: DocxDocument, block: SectionBreak, footer: str) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, block.orientation)
    section.different_first_page_header_footer = False
    _footer(section, footer)


def _render_block(doc: DocxDocument, block: Block, footer: str) -> None:
    width = _usable_width(doc.sections[-1])
    if isinstance(block, Heading):
        doc.add_paragraph(block.text, style=_style(doc, f"Heading {block.level}"))
    elif isinstance(block, Paragraph):
        _paragraph(doc, block)
    elif isinstance(block, BulletList):
        _list(doc, block.items)
    elif isinstance(block, Table):
        _table(doc, block, width)
    elif isinstance(block, Image):
        _image(doc, block, width)
    elif isinstance(block, PageBreak):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    elif isinstance(block, SectionBreak):
        _section(doc, block, footer)
    elif isinstance(block, TOC):
        _toc(doc, block)


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
    for block in document.blocks:
        _render_block(doc, block, document.footer)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
