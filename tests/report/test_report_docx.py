"""The Word file: real headings, TOC and PAGE fields, A4/landscape sections, tables equal to the model, and
the XML the renderer writes itself equal to what python-docx builds."""
from __future__ import annotations

import re
import zipfile

import pytest
from docx import Document as new_document
from docx import Document as open_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.simpletypes import ST_HpsMeasure
from docx.shared import Cm, Emu, Pt
from lxml import etree

from sinks.report import docx_render
from docx_read import docx_paragraphs, docx_tables
from sinks.report.layout import fit_widths
from sinks.report.model import Span, Table, runs


def resolved(table: Table) -> list[list[str]]:
    """The body as a reader sees it: a merged cell's text in every cell it covers."""
    grid = [list(r) for r in table.body]
    for s in table.body_spans:
        for r in range(s.row, s.row + s.rows):
            for c in range(s.col, s.col + s.cols):
                grid[r][c] = table.body[s.row][s.col]
    return grid


@pytest.fixture(scope="module")
def docx_path(kupang_files):
    return kupang_files[0]


@pytest.fixture(scope="module")
def tables(docx_path):
    return docx_tables(docx_path)


def _xml(path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def test_opens_with_heading_styles(docx_path):
    paras = docx_paragraphs(docx_path)
    styles = {s for s, _ in paras}
    assert {"Heading 1", "Heading 2", "Heading 3"} <= styles
    h1 = [t for s, t in paras if s == "Heading 1"]
    assert h1[0] == "KATA PENGANTAR" and "BAB III AKUNTABILITAS KINERJA" in h1


def test_toc_page_fields_and_update_on_open(docx_path):
    body = _xml(docx_path, "word/document.xml")
    assert re.search(r'<w:instrText[^>]*> TOC \\o "1-3" \\h \\z \\u </w:instrText>', body)
    footers = [n for n in zipfile.ZipFile(docx_path).namelist() if re.match(r"word/footer\d+\.xml", n)]
    assert any("> PAGE </w:instrText>" in _xml(docx_path, f) for f in footers)
    assert '<w:updateFields w:val="true"/>' in _xml(docx_path, "word/settings.xml")


def test_a4_portrait_with_landscape_appendix_sections(docx_path):
    sections = open_docx(str(docx_path)).sections
    assert abs(sections[0].page_width - Cm(21)) < Cm(0.01) and abs(sections[0].page_height - Cm(29.7)) < Cm(0.01)
    orient = [s.orientation for s in sections]
    assert orient[0] == WD_ORIENT.PORTRAIT and WD_ORIENT.LANDSCAPE in orient
    assert all(s.page_width > s.page_height for s in sections if s.orientation == WD_ORIENT.LANDSCAPE)


def test_header_rows_repeat(docx_path):
    assert "<w:tblHeader" in _xml(docx_path, "word/document.xml")


def test_every_table_reads_back_as_the_model(kupang_doc, tables):
    model = kupang_doc.tables()
    assert len(tables) == len(model)
    for frame, table in zip(tables, model):
        assert frame.attrs["title"] == table.title
        assert frame.values.tolist() == resolved(table), table.title


def test_lampiran_3_and_budget_values(tables):
    by_title = {t.attrs["title"]: t for t in tables}
    sheet = by_title["PENGUKURAN KINERJA TRIWULAN II TAHUN 2023 BALAI POM DI KUPANG"]
    total = sheet[sheet["Sasaran Kegiatan"] == "NPS TOTAL"]
    assert total["Capaian"].tolist() == ["103,34"] and total["Kriteria"].tolist() == ["Memenuhi Ekspektasi"]
    ro = next(t for title, t in by_title.items() if "per Rincian Output" in title)
    assert ro.iloc[-1]["Anggaran / %"] == "39,96%" and ro.iloc[-1]["Kode"] == "TOTAL"
    eff = by_title["PENGUKURAN EFISIENSI INDIKATOR KINERJA S.D. TRIWULAN II TAHUN 2023 BALAI POM DI KUPANG"]
    row = eff[eff["No"] == "14"].iloc[0]
    assert (row["Input / %"], row["IE"], row["Kategori"], row["TE"]) == ("35,72", "2,55", "Efisien", "1,55")
    na = eff[eff["Output / %"] == "N/A"]
    assert len(na) == 9 and set(na["Kategori"]) == {"NA"} and set(na["IE"]) == {"NA"}


def test_kriteria_cells_are_coloured(docx_path):
    body = _xml(docx_path, "word/document.xml")
    for fill in ("A9D18E", "FFE699", "F4B183", "BFBFBF"):
        assert f'w:fill="{fill}"' in body


# ------------------------------------------------------------------ the XML written without python-docx
# The renderer writes paragraphs and tables as XML strings holding what python-docx would have built.
# The references below build the same through python-docx's API (the renderer's former code).
HOSTILE = [
    pytest.param("103,34", id="a number"),
    pytest.param("NPS **103,34** (__dibatasi__) dan **__keduanya__**", id="bold, italic and both"),
    pytest.param(" spasi  ganda di luar ", id="outer and double spaces"),
    pytest.param("a\tb\nc\r\nd", id="tab, line feed and CR LF"),
    pytest.param("R&D <b>x</b> \"kutip\" 'kutip' ]]>", id="XML special characters"),
    pytest.param("", id="empty"),
    pytest.param("≤ Σ – → é 30.215.555.000", id="non-ASCII"),
]


def _canonical(element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True)


def _python_docx_runs(paragraph, text: str, size: float | None = None, bold: bool = False) -> None:
    for r in runs(text):
        run = paragraph.add_run(r.text)
        run.bold = r.bold or bold or None
        run.italic = r.italic or None
        if size is not None:
            run.font.size = Pt(size)


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("size, bold", [(None, False), (8.5, True)], ids=["body run", "bold cell run"])
def test_runs_are_the_xml_python_docx_writes(text, size, bold):
    expected = new_document().add_paragraph()
    _python_docx_runs(expected, text, size, bold)
    half_points = None if size is None else ST_HpsMeasure.convert_to_xml(Pt(size))
    ours = parse_xml(f'<w:p {nsdecls("w")}>{docx_render._runs_xml(text, half_points, bold)}</w:p>')
    assert _canonical(ours) == _canonical(expected._p)


def _python_docx_table(block: Table, width_pt: float) -> bytes:
    """The table as python-docx builds it: ``add_table``, widths, flags, cells, then ``merge`` per span."""
    doc = new_document()
    widths = [int(w * docx_render.EMU_PER_PT) for w in fit_widths(block, width_pt)]
    table = doc.add_table(rows=len(block.header) + len(block.body), cols=len(block.widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for col, width in zip(table.columns, widths):
        col.width = Emu(width)
    fills, nh = dict(block.cell_fills), len(block.header)
    for r, values in enumerate((*block.header, *block.body)):
        row = table.rows[r]
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if r < nh:
            flag = OxmlElement("w:tblHeader")
            flag.set(qn("w:val"), "true")
            trpr.append(flag)
        for c, text in enumerate(values):
            cell = row.cells[c]
            cell.width = Emu(widths[c])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            para = cell.paragraphs[0]
            para.alignment = {"l": WD_ALIGN_PARAGRAPH.LEFT, "r": WD_ALIGN_PARAGRAPH.RIGHT,
                              "c": WD_ALIGN_PARAGRAPH.CENTER}["c" if r < nh else block.align[c]]
            para.paragraph_format.space_after = Pt(0)
            para.paragraph_format.line_spacing = 1.0
            _python_docx_runs(para, text, block.font_size, r < nh or (r - nh) in block.bold_rows)
            fill = docx_render.HEADER_FILL if r < nh else fills.get((r - nh, c)) or (
                block.fills[r - nh] if block.fills else None)
            if fill:
                shd = OxmlElement("w:shd")
                shd.set(qn("w:val"), "clear")
                shd.set(qn("w:color"), "auto")
                shd.set(qn("w:fill"), fill)
                cell._tc.get_or_add_tcPr().find(qn("w:vAlign")).addprevious(shd)
    grid = [list(tr.tc_lst) for tr in table._tbl.tr_lst]
    for offset, spans in ((0, block.header_spans), (nh, block.body_spans)):
        for s in spans:
            grid[offset + s.row][s.col].merge(grid[offset + s.row + s.rows - 1][s.col + s.cols - 1])
    return _canonical(table._tbl)


def test_a_table_with_spans_fills_and_bold_rows_is_the_xml_python_docx_builds():
    block = Table(
        title="Uji", widths=(0.1, 0.3, 0.2, 0.2, 0.2), align=("c", "l", "r", "r", "l"), font_size=7.5,
        header=(("No", "Uraian", "Target", "", "Kriteria"), ("", "", "TW I", "TW II", "")),
        header_spans=(Span(0, 0, rows=2), Span(0, 1, rows=2), Span(0, 2, cols=2), Span(0, 4, rows=2)),
        body=(("1", "Persentase **obat** memenuhi syarat", "93,55", "96,66", "Memenuhi\nEkspektasi"),
              ("", "R&D <uji>", "N/A", "", "NA"),
              ("TOTAL", "", "", "", " 103,34 ")),
        body_spans=(Span(0, 0, rows=2), Span(1, 2, cols=2), Span(2, 0, cols=4)),
        fills=(None, "FFE699", None), cell_fills=(((0, 4), "A9D18E"),), bold_rows=(2,))
    expected = _python_docx_table(block, 453.5)
    widths = [int(w * docx_render.EMU_PER_PT) for w in fit_widths(block, 453.5)]
    ours = parse_xml(f'<w:body {nsdecls("w")}>{docx_render._table_xml(block, widths, "TableGrid")}</w:body>')[0]
    assert _canonical(ours) == expected


def test_overlapping_spans_are_refused():
    block = Table(title="Salah", header=(("A", "B", "C"),), body=(("x", "", ""),), widths=(1, 1, 1),
                  align=("l", "l", "l"), body_spans=(Span(0, 0, cols=3), Span(0, 1, cols=2)))
    with pytest.raises(ValueError, match="overlaps"):
        docx_render._table_xml(block, [100, 100, 100], "TableGrid")
