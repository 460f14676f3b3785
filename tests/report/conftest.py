"""Fixtures of the report tests: the Kupang TW II 2023 data in memory, its document model and files.

The files are rendered once per session (rendering both formats takes a few seconds).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from report_kupang import REPORT_DATE, kupang_report_data
from sinks.report.content import unit_report
from sinks.report.data import ReportData
from sinks.report.docx_render import render_docx
from sinks.report.model import Document
from sinks.report.pdf_render import render_pdf



@pytest.fixture(scope="session")
def kupang_data() -> ReportData:
    return kupang_report_data()


@pytest.fixture(scope="session")
def kupang_doc(kupang_data: ReportData) -> Document:
    return unit_report(kupang_data, REPORT_DATE)


@pytest.fixture(scope="session")
def kupang_files(kupang_doc: Document, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("kupang_report")
    return render_docx(kupang_doc, folder / "kupang.docx"), render_pdf(kupang_doc, folder / "kupang.pdf")
