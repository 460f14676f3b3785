"""The national roll-up on a small in-memory NationalData (three units, one per group)."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from sinks.report.criteria import policy_info
from sinks.report.data import NationalData
from sinks.report.docx_render import render_docx
from docx_read import docx_tables
from sinks.report.national import national_report
from sinks.report.pdf_render import render_pdf

UNITS = [("PUSAT-X", "Direktorat X", "Pusat"), ("BPOM-KPG", "Balai POM di Kupang", "Balai Besar/Balai"),
         ("BBPOM-SMG", "Balai Besar POM di Semarang", "Balai Besar/Balai"), ("LOKA-MBR", "Loka POM di Kabupaten Manggarai Barat", "Loka")]


@pytest.fixture(scope="module")
def national() -> NationalData:
    scores = pd.DataFrame([
        (code, name, group, q, value, kriteria)
        for (code, name, group), values in zip(UNITS, [(99.0, 101.5), (101.2, 103.335036), (97.0, 88.1), (None, 79.4)])
        for q, value in zip((1, 2), values)
        for kriteria in [("Memenuhi Ekspektasi" if value and value >= 100 else "Belum Memenuhi Ekspektasi"
                          if value and value >= 80 else "Tidak Memenuhi Ekspektasi")]
    ], columns=["unit_code", "unit_name", "unit_group", "quarter", "value_pct", "kriteria"])
    scores = scores[scores["value_pct"].notna() | (scores["quarter"] == 2)].assign(
        year=2023, level="total", item_code="TOTAL", policy_id="sakip_2023")
    ranking = pd.DataFrame([(code, name, group, pagu, spent) for (code, name, group), (pagu, spent) in
                            zip(UNITS, [(5e9, 2.5e9), (30215555000, 12074469971), (40e9, 10e9), (3e9, 1.5e9)])],
                           columns=["unit_code", "unit_name", "unit_group", "pagu_after_aa_rp", "spent_cum_rp"])
    ranking = ranking.assign(year=2023, month=6, quarter=2, realisation_aa_pct=ranking["spent_cum_rp"] / ranking["pagu_after_aa_rp"] * 100)
    ranking = ranking.assign(rank_in_group=ranking.groupby("unit_group")["realisation_aa_pct"].rank(ascending=False).astype(int),
                             units_in_group=ranking.groupby("unit_group")["unit_code"].transform("size"))
    comp = pd.DataFrame([(code, name, group, m, True, not (code == "LOKA-MBR" and m >= 5), m != 3, True)
                         for code, name, group in UNITS for m in range(1, 7)],
                        columns=["unit_code", "unit_name", "unit_group", "month", "expected", "received", "on_time", "accepted"])
    subs = pd.DataFrame([(i, code, "bulanan", 2023, 6, 1, f"{code}.xlsx", f"{i:02d}" * 32, pd.Timestamp("2023-07-05"),
                          "accepted", True) for i, (code, _, _) in enumerate(UNITS, 1)],
                        columns=["submission_id", "unit_code", "kind", "year", "month", "version", "file_name",
                                 "file_hash", "received_at", "verdict", "is_current"])
    return NationalData(year=2023, quarter=2, scores=scores, ranking=ranking, completeness=comp.assign(year=2023),
                        submissions=subs, policies={"sakip_2023": policy_info("BPOM-KPG", 2023, "sakip_2023")})


def test_content(national):
    doc = national_report(national, date(2023, 7, 25))
    tables = {t.title: t for t in doc.tables()}
    scores = tables["Tabel 1.1 NPS TOTAL Unit Kerja Triwulan II 2023"]
    assert [r[1] for r in scores.body] == ["Direktorat X", "Balai POM di Kupang", "Balai Besar POM di Semarang",
                                           "Loka POM di Kabupaten Manggarai Barat"]
    assert scores.body[1][3:] == ("101,20", "103,34", "Memenuhi Ekspektasi") and scores.body[3][3] == "-"
    balai = tables["Tabel 2.2 Peringkat Realisasi Anggaran Kelompok Balai Besar/Balai"]
    assert balai.body[0][:2] == ("1", "Balai POM di Kupang") and balai.body[0][4] == "39,96%"
    assert balai.body[-1] == ("JUMLAH", "", "70.215.555.000", "22.074.469.971", "31,44%")
    missing = tables["Tabel 3.2 Unit Kerja yang Belum Menyampaikan Laporan Bulanan"]
    assert missing.body == (("1", "Loka POM di Kabupaten Manggarai Barat", "Loka", "Mei, Juni"),)
    text = "\n".join(doc.texts())
    assert "Sebanyak 4 unit kerja telah memiliki NPS TOTAL s.d. Triwulan II 2023" in text
    assert "1 unit kerja belum menyampaikan seluruh laporan bulanannya" in text


def test_renders_both_formats(national, tmp_path):
    doc = national_report(national, date(2023, 7, 25))
    docx = render_docx(doc, tmp_path / "nasional.docx")
    pdf = render_pdf(doc, tmp_path / "nasional.pdf")
    assert [t.attrs["title"] for t in docx_tables(docx)] == [t.title for t in doc.tables()]
    assert pdf.read_bytes().startswith(b"%PDF")
