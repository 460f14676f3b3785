"""The Word file: real headings, TOC and PAGE fields, A4/landscape sections, tables equal to the model."""
from __future__ import annotations

import re
import zipfile

import pytest
from docx import Document as open_docx
from docx.enum.section import WD_ORIENT
from docx.shared import Cm

from sinks.report.extract import docx_paragraphs, docx_tables
from sinks.report.model import Table


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
