"""The PDF: same content as the model (flowables), pages, outline, TOC with page numbers, footer numbers; the
cheaper build (layout passes that draw nothing, one drawn pass, plain texts past the parser) gives the same PDF."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from reportlab import rl_config
from reportlab.platypus import Paragraph, Table
from reportlab.platypus.tableofcontents import TableOfContents

from sinks.report.model import plain_text
from sinks.report.pdf_render import Paragraphs, ReportDoc, build_story, markup, render_pdf, styles

KEY_FIGURES = ("103,34", "110,91", "39,96%", "30.215.555.000", "12.074.469.971", "35,72", "2,55", "Triwulan II",
               "s.d TW II")


def _story_texts(story) -> list[str]:
    out = []
    for f in story:
        if isinstance(f, Paragraph):
            label = getattr(f, "bulletText", None)
            out.append(f"{label} {f.getPlainText()}" if label else f.getPlainText())
        elif isinstance(f, Table):
            out += [c.getPlainText() for row in f._cellvalues for c in row if isinstance(c, Paragraph)]
        elif hasattr(f, "_content"):  # KeepTogether (image + caption)
            out += _story_texts(f._content)
    return out


def _pdftotext(path) -> str:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):  # .ci/run installs it: in CI a missing tool is a failure, not a skip
            pytest.fail("pdftotext (poppler-utils) not installed")
        pytest.skip("pdftotext (poppler-utils) not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_the_story_carries_every_text_of_the_model(kupang_doc):
    story = build_story(kupang_doc)
    texts = _story_texts(story)
    joined = "\n".join(texts)
    for text in kupang_doc.texts():
        if text and not text.startswith("DAFTAR ISI"):
            assert plain_text(text).replace("\n", " ") in joined.replace("\n", " "), text
    assert any(isinstance(f, TableOfContents) for f in story)
    for figure in KEY_FIGURES:
        assert figure in joined


def test_pdf_has_pages_outline_and_metadata(kupang_files):
    data = kupang_files[1].read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type /Page[^s]", data))
    assert pages > 25
    assert b"/Outlines" in data and b"Laporan Kinerja Interim Triwulan II 2023" in data


def test_pdf_text_has_the_figures_toc_and_page_numbers(kupang_files):
    text = _pdftotext(kupang_files[1])
    flat = re.sub(r"\s+", " ", text)
    for figure in KEY_FIGURES:
        assert figure in flat
    assert re.search(r"BAB III AKUNTABILITAS KINERJA[ .]*\d+", text)  # the TOC has page numbers
    assert re.search(r"Lampiran 3\. Pengukuran Kinerja Triwulan II Tahun 2023[ .]*\d+", text)
    assert "Halaman 2" in text and "Halaman 1\n" not in text  # the cover has no footer
    assert "103,77" not in flat and "1088,18" not in flat
    assert "dua belas miliar tujuh puluh empat juta" in flat


# ----------------------------------------------------------------------- the cheaper build, same PDF
def _fragments(paragraph) -> list[dict]:
    return [vars(f) for f in paragraph.frags]


@pytest.mark.parametrize("text", [
    pytest.param("103,34", id="a number"),
    pytest.param("Memenuhi Ekspektasi", id="words"),
    pytest.param("", id="empty"),
    pytest.param(" a  b ", id="outer and double spaces"),
    pytest.param("a\tb", id="a tab"),
    pytest.param("R&D <x> 'q'", id="escaped specials"),
    pytest.param("≤ Σ – → é", id="non-ASCII"),
    pytest.param("NPS **103,34** (__cap__)\nbaris", id="markup and a line break"),
])
def test_a_plain_text_skips_the_parser_with_the_same_fragments(text):
    style = styles()["body"]
    assert _fragments(Paragraphs()(markup(text), style)) == _fragments(Paragraph(markup(text), style))


def test_one_drawn_pass_gives_the_pdf_of_multibuild(kupang_doc, tmp_path, monkeypatch):
    monkeypatch.setattr(rl_config, "invariant", 1)  # no dates or random ids: the files can be compared
    ours = render_pdf(kupang_doc, tmp_path / "ours.pdf")
    reference = ReportDoc(str(tmp_path / "multibuild.pdf"), kupang_doc.footer, kupang_doc.title, kupang_doc.subject)
    reference.multiBuild(build_story(kupang_doc))
    assert ours.read_bytes() == (tmp_path / "multibuild.pdf").read_bytes()


def test_the_table_of_contents_settles_in_two_layout_passes(kupang_doc, tmp_path):
    doc = ReportDoc(str(tmp_path / "passes.pdf"), kupang_doc.footer, kupang_doc.title, kupang_doc.subject)
    assert doc.build_once_settled(build_story(kupang_doc)) == 3  # two layout passes and the drawn one
