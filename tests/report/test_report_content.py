"""The unit report's document model on the Kupang TW II 2023 data: content, consistency, the seeds' ⚠ errors."""
from __future__ import annotations

import dataclasses
import re

import pytest

from report_kupang import fixture
from sinks.report.content import unit_report
from sinks.report.criteria import policy_info
from sinks.report.model import BulletList, Heading, Image, Table
from report_kupang import REPORT_DATE


def _table(doc, pattern: str) -> Table:
    hits = [t for t in doc.tables() if re.search(pattern, t.title)]
    assert len(hits) == 1, [t.title for t in doc.tables()]
    return hits[0]


def _text(doc) -> str:
    return "\n".join(doc.texts())


def test_outline_follows_the_spec(kupang_doc):
    h1 = [b.text for b in kupang_doc.blocks if isinstance(b, Heading) and b.level == 1]
    assert h1 == ["KATA PENGANTAR", "RINGKASAN EKSEKUTIF", "BAB I PENDAHULUAN", "BAB II PERENCANAAN KINERJA",
                  "BAB III AKUNTABILITAS KINERJA", "BAB IV PENUTUP", "LAMPIRAN"]
    h2 = [b.text for b in kupang_doc.blocks if isinstance(b, Heading) and b.level == 2]
    assert "2.4 Metode Pengukuran" in h2 and "3.1 Capaian Kinerja Organisasi" in h2 and "3.2 Realisasi Anggaran" in h2
    assert [h for h in h2 if h.startswith("Lampiran")] == [
        "Lampiran 1. Perjanjian Kinerja Tahun 2023", "Lampiran 2. Rencana Aksi Perjanjian Kinerja Tahun 2023",
        "Lampiran 3. Pengukuran Kinerja Triwulan II Tahun 2023", "Lampiran 4. Pengukuran Efisiensi s.d. Triwulan II Tahun 2023",
        "Lampiran 5. Sumber Data"]


def test_cover_and_signature(kupang_doc):
    texts = kupang_doc.texts()
    assert texts[:2] == ["LAPORAN KINERJA INTERIM TRIWULAN II 2023", "BALAI PENGAWAS OBAT DAN MAKANAN DI KUPANG"]
    assert "Kupang, 20 Juli 2023" in texts
    assert "Kepala Balai POM di Kupang" in texts and "Tamran Ismail, S.Si., MP" in texts


def test_table_headers_are_generated_from_the_quarter(kupang_doc):
    iku = _table(kupang_doc, r"Capaian Indikator Kinerja Utama \(IKU\) Triwulan II Tahun 2023")
    assert iku.header[0] == ("No", "Sasaran Kegiatan", "Indikator Kinerja", "Target s.d TW II", "Realisasi s.d TW II",
                             "Capaian (%)", "Kriteria")
    headers = " | ".join(c for t in kupang_doc.tables() for row in t.header for c in row)
    assert not re.search(r"\bTW (I|III|IV)\b", headers)  # no copy-pasted "TW I" header in a TW II report
    titles = " | ".join(t.title for t in kupang_doc.tables())
    assert not re.search(r"Triwulan (I|III|IV)\b(?! 2023 IKU)", titles.replace("Triwulan I 2023 IKU", ""))


def test_one_value_per_score_everywhere(kupang_doc):
    text = _text(kupang_doc)
    assert "103,77" not in text  # the stale SK1 value of the real report's summary
    nps = _table(kupang_doc, r"Nilai Pencapaian Sasaran Kegiatan Triwulan II")
    assert nps.body[0][2] == "110,91" and nps.body[-1][:3] == ("NPS TOTAL", "", "103,34")
    sheet = _table(kupang_doc, r"^PENGUKURAN KINERJA TRIWULAN II")
    assert ("", "NILAI PENCAPAIAN SASARAN SK 1 (NPS)", "", "", "", "110,91", "Memenuhi Ekspektasi") in sheet.body
    assert text.count("NPS **110,91**") == 0  # markup never leaks into the visible texts
    assert "memperoleh NPS 110,91 (Memenuhi Ekspektasi)" in text


def test_lampiran_3_matches_the_fixture(kupang_doc):
    fx = fixture()["scenarios"][0]["expected"]
    sheet = _table(kupang_doc, r"^PENGUKURAN KINERJA TRIWULAN II")
    rows = [r for r in sheet.body if r[0]]
    assert [r[0] for r in rows] == [str(i) for i in range(1, 30)]  # continuous numbering
    for row, code in zip(rows, fx["indicators"]):
        exp = fx["indicators"][code]
        shown = exp["capaian"]["display"].replace(".", ",") if exp["measured"] else "N/A"
        assert row[5] == shown, code
        assert row[6].casefold() == (exp["criteria"]["value"] if exp["measured"] else "NA").casefold(), code
    labels = {r[1]: r[5] for r in sheet.body if not r[0]}
    assert labels["NILAI PENCAPAIAN PERSPEKTIF (Internal Process)"] == "103,32"
    assert labels["NILAI PENCAPAIAN PERSPEKTIF (Learning and Growth)"] == "95,77"
    assert labels["NPS TOTAL"] == "103,34"


def test_summary_and_conclusion_are_the_same_facts(kupang_doc):
    lists = [b for b in kupang_doc.blocks if isinstance(b, BulletList) and b.items[0].text.startswith("Rata-rata")]
    assert len(lists) == 2 and lists[0] == lists[1]
    items = lists[0].items
    assert items[0].text.endswith("adalah **103,34** dengan kriteria **Memenuhi Ekspektasi**.")
    assert "belum dapat diukur pada Triwulan II" in items[2].text  # SK2, year end
    assert [c.label for c in items[4].children] == [f"{c}." for c in "abcdefg"]  # SK4's seven indicators
    assert "Indeks Pelayanan Publik belum dapat diukur pada Triwulan II" in items[4].children[5].text


def test_budget_sentence_counts_the_ro_and_spells_the_amounts(kupang_doc):
    text = _text(kupang_doc)
    assert "melalui 21 rincian output/kegiatan" in text and "22 rincian" not in text
    assert ("Rp 12.074.469.971 (dua belas miliar tujuh puluh empat juta empat ratus enam puluh sembilan ribu "
            "sembilan ratus tujuh puluh satu rupiah) atau 39,96%") in text
    assert "Rp 30.215.555.000 (tiga puluh miliar dua ratus lima belas juta lima ratus lima puluh lima ribu rupiah)" in text
    assert "tiga puluh empat miliar" not in text  # the stale terbilang of the real report


def test_ro_and_efficiency_tables(kupang_doc):
    ro = _table(kupang_doc, r"per Rincian Output Triwulan II Tahun 2023")
    assert len(ro.body) == 22 and ro.body[-1][0] == "TOTAL"
    assert ro.body[-1][5:] == ("30.215.555.000", "12.074.469.971", "39,96%")
    cab = next(r for r in ro.body if r[0] == "CAB.002")
    assert cab[4] == "45,00%"  # reported progress, not R/T
    qdb = next(r for r in ro.body if r[0] == "QDB.001")
    assert qdb[3] == "-"
    eff = _table(kupang_doc, r"^PENGUKURAN EFISIENSI INDIKATOR")
    row14 = next(r for r in eff.body if r[1] == "14")
    assert row14[5] == "35,72" and row14[9] == "2,55" and row14[11] == "Efisien" and row14[12] == "1,55"
    for r in eff.body:
        if r[8] == "N/A":  # output not measured -> no IE, no kategori
            assert r[9] == r[11] == r[12] == "NA"
    assert "1088,18" not in _text(kupang_doc)


def test_efficiency_per_sasaran_beside_the_indicator_table(kupang_doc):
    """Bab III 3.2.4 and Lampiran 4: one row per SK (v_efficiency_sasaran) in the plan's SK order, then the
    unit's TOTAL row, the same as the indicator table's."""
    for pattern in (r"Pengukuran Efisiensi per Sasaran Kegiatan s\.d\.", r"^PENGUKURAN EFISIENSI PER SASARAN"):
        sk = _table(kupang_doc, pattern)
        assert [r[0] for r in sk.body] == [f"SK {n}" for n in range(1, 12)] + ["TOTAL"]
        first = sk.body[0]  # SAS-OM-MS: input 20,75 %, output = its NPS 110,91 -> IE 5,35
        assert first[1].startswith("Terwujudnya Obat dan Makanan yang memenuhi syarat")
        assert (first[4], first[5], first[6], first[7], first[8], first[9]) == (
            "20,75", "110,91", "5,35", "1", "Efisien", "4,35")
        unmeasured = sk.body[8]  # SAS-SDM: no NPS this quarter (output printed as the indicator table does)
        assert unmeasured[5:] == ("N/A", "NA", "1", "NA", "NA")
        indicator_total = _table(kupang_doc, r"^PENGUKURAN EFISIENSI INDIKATOR").body[-1]
        assert sk.body[-1][2:] == (indicator_total[3], indicator_total[4], indicator_total[5], indicator_total[8],
                                   indicator_total[9], indicator_total[10], indicator_total[11], indicator_total[12])


def test_metode_pengukuran_prints_the_policy_used(kupang_doc):
    crit = _table(kupang_doc, r"Kriteria Pencapaian")
    assert crit.body == (("Tidak Dapat Disimpulkan", "x > 120%", "Abu Gelap", "-"),
                         ("Memenuhi Ekspektasi", "100% ≤ x ≤ 120%", "Hijau", "Efektif"),
                         ("Belum Memenuhi Ekspektasi", "80% ≤ x < 100%", "Kuning", "Kurang Efektif"),
                         ("Tidak Memenuhi Ekspektasi", "x < 80%", "Merah", "Tidak Efektif"))
    assert dict(crit.cell_fills)[(1, 2)] == "A9D18E"
    text = _text(kupang_doc)
    assert "kebijakan penilaian sakip_2023" in text and "tidak dibatasi" in text


def test_a_capped_policy_is_described_and_shown(kupang_data):
    capped = dataclasses.replace(kupang_data, policy=policy_info("BPOM-KPG", 2023, "sakip_2023_cap120"))
    doc = unit_report(capped, REPORT_DATE)
    assert "dibatasi paling tinggi 120%" in _text(doc)
    assert "Capaian Penyesuaian (%)" in _table(doc, r"Capaian Indikator Kinerja Utama").header[0]


def test_followup_of_last_quarters_recommendations(kupang_doc):
    met = _table(kupang_doc, r"Tindak Lanjut Rekomendasi Triwulan I 2023 IKU 1\.1$")
    assert met.body == (("1", "Permintaan bantuan reagen ke Balai lain.", "Selesai; capaian 106,52 telah memenuhi target",
                         "", ""),)
    short = _table(kupang_doc, r"Tindak Lanjut Rekomendasi Triwulan I 2023 IKU 4\.4$")
    assert short.body[0][2] == ""
    assert short.body[0][3].startswith("Percepatan pelaksanaan kegiatan") and short.body[0][4] == "30 September 2023"
    assert short.header[1][2:] == ("Selesai", "Belum: Rencana Aksi", "Timeline")


def test_kendala_and_rtl_only_where_short(kupang_doc):
    text = _text(kupang_doc)
    block = text[text.index("IKU 4.2 – "):text.index("IKU 4.3 – ")]
    assert "Hambatan/kendala" in block and "Rencana tindak lanjut" in block and "(batas waktu: 30 September 2023)" in block
    met = text[text.index("IKU 1.1 – "):text.index("IKU 1.2 – ")]
    assert "Hambatan/kendala" not in met
    assert "(393 dari 401)" in met and "Dibandingkan Triwulan I 2023" in met


def test_charts_and_strategic_issues(kupang_doc):
    images = [b for b in kupang_doc.blocks if isinstance(b, Image)]
    assert len(images) == 3 and all(i.png.startswith(b"\x89PNG") for i in images)
    assert [i.caption.split(" ")[1] for i in images] == ["3.1", "3.2", "3.3"]
    text = _text(kupang_doc)
    issues = text[text.index("1.3 Isu Strategis"):text.index("BAB II")]
    assert "3 Sasaran Kegiatan yang belum mencapai target" in issues and "NPS 50,00" in issues
    assert "{" not in text and "}" not in text  # no unfilled template placeholder


def test_table_numbers_are_sequential_per_chapter(kupang_doc):
    numbers = [re.match(r"Tabel (\d)\.(\d+) ", t.title) for t in kupang_doc.tables()]
    by_chapter: dict[str, list[int]] = {}
    for m in filter(None, numbers):
        by_chapter.setdefault(m.group(1), []).append(int(m.group(2)))
    assert by_chapter and all(v == list(range(1, len(v) + 1)) for v in by_chapter.values())


def test_provenance_lists_the_files_used(kupang_doc):
    src = _table(kupang_doc, r"^Berkas sumber yang digunakan \(7 berkas\)")
    assert src.body[0][1] == "Rencana Tahunan 2023"
    assert src.body[-1][3] == "BPOM-KPG_2023-06_revisi.xlsx" and src.body[-1][2] == "2"
    assert "BPOM-KPG_2023-06.xlsx (versi 1) diganti oleh BPOM-KPG_2023-06_revisi.xlsx (versi 2)" in _text(kupang_doc)


@pytest.mark.parametrize("missing", ["kendala", "rtl"])
def test_a_shortfall_without_steward_text_says_so(kupang_data, missing):
    cap = kupang_data.capaian.assign(**{missing: None})
    doc = unit_report(dataclasses.replace(kupang_data, capaian=cap), REPORT_DATE)
    word = "Kendala" if missing == "kendala" else "Rencana tindak lanjut"
    assert f"{word} belum dilaporkan oleh unit pada laporan bulan Juni 2023." in _text(doc)


def test_a_sparse_first_quarter_still_builds(kupang_data):
    """TW I: no SK scores in the warehouse yet, no previous quarter this year, no budget rows."""
    sparse = dataclasses.replace(kupang_data, quarter=1, budget_ro=kupang_data.budget_ro.iloc[0:0],
                                 budget_expense=kupang_data.budget_expense.iloc[0:0],
                                 budget_unit=kupang_data.budget_unit.iloc[0:0], rpd=kupang_data.rpd.iloc[0:0],
                                 efficiency=kupang_data.efficiency.iloc[0:0])
    doc = unit_report(sparse, REPORT_DATE)
    text = _text(doc)
    assert doc.texts()[0] == "LAPORAN KINERJA INTERIM TRIWULAN I 2023"
    assert "Target s.d TW I" in _table(doc, r"Capaian Indikator Kinerja Utama").header[0]
    assert "(NPS TOTAL) Balai POM di Kupang s.d. Triwulan I 2023 adalah **101,20**" in "\n".join(
        b.items[0].text for b in doc.blocks if isinstance(b, BulletList) and b.items[0].text.startswith("Rata-rata"))
    assert "Data realisasi anggaran s.d. Triwulan I 2023 belum tersedia." in text
    assert "Tidak terdapat rekomendasi tindak lanjut dari Triwulan IV 2022 untuk IKU ini." in text
