"""The national document (the "Kinerja BPOM Dalam Angka" book) on a small in-memory BookData shaped like the
national views: what it prints where a view has a row, what it says where one is missing, and the
partial-quarter statements. The warehouse round trip is ``test_dalam_angka.py``."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from docx_read import docx_tables
from sinks.report.criteria import policy_info
from sinks.report.dalam_angka import dalam_angka, headline_scores
from sinks.report.dalam_angka_data import BookData
from sinks.report.docx_render import render_docx
from sinks.report.model import Table

PARTIAL = {"units_expected": 4, "units_reported": 3, "is_partial": True}
COMPLETE = {"units_expected": 4, "units_reported": 4, "is_partial": False}
UNITS = [("PUSAT-X", "Direktorat X", "Pusat"), ("BPOM-KPG", "Balai POM di Kupang", "Balai Besar/Balai"),
         ("BBPOM-SMG", "Balai Besar POM di Semarang", "Balai Besar/Balai"),
         ("LOKA-MBR", "Loka POM di Kabupaten Manggarai Barat", "Loka")]
AREAS = [("group", "Pusat", 1), ("group", "Balai Besar/Balai", 2), ("group", "Loka", 3), ("national", "Indonesia", 4)]


def _budget(flags: dict) -> pd.DataFrame:
    """Made-up area rows (the values need not add up: the book prints rows, it does not check them)."""
    rows = []
    for month in (5, 6):
        for i, (level, area, order) in enumerate(AREAS):
            for j, (code, name) in enumerate([("51", "Belanja Pegawai"), ("52", "Belanja Barang"),
                                              ("53", "Belanja Modal"), ("TOTAL", "Jumlah")]):
                pagu = 1e9 * (i + 1) * (j + 1)
                rows.append({"year": 2023, "month": month, "quarter": 2, "area_level": level, "area": area,
                             "area_order": order, "expense_type": code, "expense_type_name": name,
                             "pagu_rp": pagu, "pagu_after_aa_rp": pagu * 0.9, "withheld_aa_rp": pagu * 0.1,
                             "spent_month_rp": 1e8, "spent_cum_rp": pagu * 0.4 + month,
                             "realisation_pct": 40.0 + i + j / 1000 + month, "realisation_aa_pct": 44.444 + i + month,
                             "units_in_figures": 3, **flags})
    return pd.DataFrame(rows)


def book(flags: dict, with_totals: bool = True) -> BookData:
    ranking = pd.DataFrame([(code, name, group, 1 + k % 2, 2 if group == "Balai Besar/Balai" else 1)
                            for k, (code, name, group) in enumerate(UNITS)],
                           columns=["unit_code", "unit_name", "unit_group", "rank_in_group", "units_in_group"])
    ranking = ranking.assign(year=2023, month=6, quarter=2, pagu_rp=5e9, pagu_after_aa_rp=4.5e9, spent_cum_rp=2e9,
                             realisation_pct=40.0, realisation_aa_pct=44.444444)
    sampling = pd.DataFrame([
        ("OBAT", "Obat", "OBAT", "Random", 110, 100, 93, 7, 7.0),
        ("PANGAN", "Pangan Olahan", "MAKANAN", "Targeted", 50, 50, 45, 5, 10.0),
        ("TOTAL", "TOTAL", None, "TOTAL", 160, 150, 138, 12, 8.0),
    ], columns=["commodity", "commodity_name", "supergroup", "method", "sampled_cum", "tested_cum", "ms_cum",
                "tms_cum", "tms_cum_pct"]).assign(year=2023, month=6, **flags)
    inspection = pd.DataFrame([("PROD", "Sarana Produksi", "produksi", 5, 4, 1, 20.0),
                               ("DIST", "Sarana Distribusi", "distribusi", 8, 8, 0, 0.0),
                               ("TOTAL", "TOTAL", None, 13, 12, 1, 7.6923)],
                              columns=["facility_type", "facility_name", "reporting_group", "inspected_cum", "mk_cum",
                                       "tmk_cum", "tmk_cum_pct"]).assign(year=2023, month=6, **flags)
    stages = [("SPDP", 1, 3, 1), ("Tahap I", 2, 0, 0), ("P-21", 3, 1, 0), ("Tahap II", 4, 0, 0), ("Putusan", 5, 1, 1)]
    stages += [("TOTAL", 99, 5, 2)] if with_totals else []
    enforcement = pd.DataFrame(stages, columns=["stage", "stage_order", "cases_at_stage", "cases_moved_month"]).assign(
        year=2023, month=6, **flags)
    matrix = pd.DataFrame([
        ("IKU-OBAT-MS", "Persentase Obat yang memenuhi syarat", "persen", False, 3, 3, 0, None, None, None,
         88.0, 101.2, 110.91, 1),
        ("IKU-DESA", "Jumlah desa pangan aman", "jumlah", True, 3, 2, 0, 20.0, 17.0, 85.0, 80.0, 85.0, 90.0, 2),
        ("IKU-IKM", "Indeks Kepuasan Masyarakat", "indeks", False, 3, 0, 3, None, None, None, None, None, None, 0),
    ], columns=["indicator_code", "indicator_name", "unit_of_measure", "summable", "units_planned", "units_measured",
                "units_year_end", "target_sum", "realisasi_sum", "capaian_sum_pct", "capaian_min_pct",
                "capaian_median_pct", "capaian_max_pct", "units_below_target"]).assign(year=2023, quarter=2, **flags)
    scores = pd.DataFrame([(code, name, group, q, 100.0 + k + q, "Memenuhi Ekspektasi")
                           for k, (code, name, group) in enumerate(UNITS) for q in (1, 2)],
                          columns=["unit_code", "unit_name", "unit_group", "quarter", "value_pct", "kriteria"]).assign(
        year=2023, level="total", item_code="TOTAL", policy_id="sakip_2023")
    late = flags["is_partial"]
    comp = pd.DataFrame([(code, name, group, m, True, not (late and code == "LOKA-MBR" and m >= 5))
                         for code, name, group in UNITS for m in range(1, 7)],
                        columns=["unit_code", "unit_name", "unit_group", "month", "expected", "received"]).assign(year=2023)
    subs = pd.DataFrame([(i, code, "bulanan", 2023, 6, 1, f"{code}.xlsx", f"{i:02d}" * 32, pd.Timestamp("2023-07-05"),
                          "accepted", True) for i, (code, _, _) in enumerate(UNITS, 1)],
                        columns=["submission_id", "unit_code", "kind", "year", "month", "version", "file_name",
                                 "file_hash", "received_at", "verdict", "is_current"])
    from reference.policy import load_policy, POLICY_DIR

    return BookData(year=2023, quarter=2, budget_group=_budget(flags), ranking=ranking, sampling=sampling,
                    inspection=inspection, enforcement=enforcement, matrix=matrix, scores=scores, completeness=comp,
                    submissions=subs, policies={"sakip_2023": policy_info("BPOM-KPG", 2023, "sakip_2023")},
                    band_scheme=load_policy(POLICY_DIR / "sakip_2023.yaml").criteria_scheme, band_policy="sakip_2023")


def _tables(doc) -> dict[str, Table]:
    return {t.title: t for t in doc.tables()}


def _find(doc, start: str) -> Table:
    return next(t for title, t in _tables(doc).items() if start in title)


@pytest.fixture(scope="module")
def partial_doc():
    return dalam_angka(book(PARTIAL), date(2023, 7, 25))


def test_budget_tables_print_the_area_rows_at_the_quarter_end(partial_doc):
    groups = _find(partial_doc, "Realisasi Anggaran per Kelompok Unit Kerja")
    assert [r[0] for r in groups.body] == ["Pusat", "Balai Besar/Balai POM", "Loka POM", "Total*"]
    assert groups.body[0][1:] == ("4.000.000.000", "3.600.000.000", "1.600.000.006", "46,00%", "50,44%")
    expense = _find(partial_doc, "Realisasi Anggaran per Jenis Belanja")
    assert expense.header[0] == ("", "Belanja Pegawai", "Belanja Barang", "Belanja Modal", "Total*")
    assert expense.body[3] == ("% thd Pagu", "49,00%", "49,00%", "49,00%", "49,00%")  # 49.001: shown to 2 dp
    balai = _find(partial_doc, "Peringkat Realisasi Anggaran Balai Besar/Balai POM")
    assert balai.body[-1] == ("JUMLAH*", "", "8.000.000.000", "7.200.000.000", "3.200.000.006", "47,00%", "51,44%")
    assert balai.body[0][5:] == ("40,00%", "44,44%")
    total = _find(partial_doc, "Realisasi Anggaran Nasional")
    assert total.body[0][0] == "TOTAL NASIONAL*" and total.body[0][3] == "1.600.000.000"


def test_a_partial_quarter_names_the_units_missing_and_marks_totals(partial_doc):
    text = "\n".join(partial_doc.texts())
    assert "Catatan: data Triwulan II 2023 belum lengkap." in text
    assert "baru diterima dari 3 dari 4 unit kerja" in text
    assert "Loka POM di Kabupaten Manggarai Barat (Mei, Juni)" in text
    missing = _find(partial_doc, "Unit Kerja yang Belum Menyampaikan Laporan Bulanan")
    assert missing.body == (("1", "Loka POM di Kabupaten Manggarai Barat", "Loka", "Mei, Juni"),)
    assert "3 dari 4 unit kerja telah menyampaikan laporan" in _find(partial_doc, "Profil Sampling").note


def test_complete_quarter_has_no_partial_marks():
    doc = dalam_angka(book(COMPLETE), date(2023, 7, 25))
    text = "\n".join(doc.texts())
    assert "belum lengkap" not in text and "Angka sementara" not in text and "angka dalam buku ini lengkap" in text
    assert _find(doc, "Realisasi Anggaran per Kelompok Unit Kerja").body[-1][0] == "Total"


def test_headline_operations_and_matrix(partial_doc):
    head = _find(partial_doc, "Kinerja BPOM Dalam Angka s.d.")
    assert [r[:2] for r in head.body] == [("Sarana produksi dan distribusi diperiksa", "13"),
                                          ("Sampel diperiksa dan diuji", "150"),
                                          ("Perkara tindak pidana Obat dan Makanan", "5"),
                                          ("Realisasi anggaran", "Rp 6.400.000.006")]
    sampling = _find(partial_doc, "Profil Sampling")
    assert sampling.body[0][0] == "a. Targeted" and sampling.body[1][1:] == ("Pangan Olahan", "50", "50", "45", "5", "10,00%")
    assert sampling.body[-1] == ("JUMLAH*", "", "160", "150", "138", "12", "8,00%")
    assert _find(partial_doc, "Profil Pemeriksaan").body[-1][-1] == "7,69%"
    matrix = _find(partial_doc, "Matriks Capaian")
    desa, ikm = matrix.body[0], matrix.body[1]  # in indicator code order
    assert desa[5:12] == ("20", "17", "85,00%", "80,00", "85,00", "90,00", "2")
    assert ikm[8:11] == ("Akhir Tahun",) * 3
    fills = dict(matrix.cell_fills)
    assert fills[(1, 9)] == "BFBFBF" and fills[(2, 9)] == "A9D18E"  # year-end grey; a median of 101,2 is Hijau


def test_without_a_total_row_the_book_prints_no_sum():
    doc = dalam_angka(book(COMPLETE, with_totals=False), date(2023, 7, 25))
    stages = _find(doc, "Kemajuan Perkara")
    assert [r[0] for r in stages.body] == ["SPDP", "Tahap I", "P-21", "Tahap II", "Putusan"]
    assert "perkara tindak pidana" not in " ".join(r[0].lower() for r in _find(doc, "Dalam Angka").body)


def test_headline_scores_and_word_tables(partial_doc, tmp_path):
    scores = headline_scores(book(PARTIAL))
    assert scores["Realisasi anggaran Total Nasional (% thd pagu setelah AA)"] == pytest.approx(53.444)  # Indonesia: 44,444 + 3 + month 6
    assert scores["NPS TOTAL Balai POM di Kupang"] == 103.0
    docx = render_docx(partial_doc, tmp_path / "book.docx")
    assert [t.attrs["title"] for t in docx_tables(docx)] == [t.title for t in partial_doc.tables()]
