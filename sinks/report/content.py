"""The unit's Laporan Kinerja Interim Triwulan as a document model (see ``model.py``).

One content model, two renderers: this module decides every word and number of the report once, as
a list of blocks; ``docx_render`` and ``pdf_render`` translate the same list into Word and PDF. The
PDF is not converted from the Word file (that would need LibreOffice, which the pipeline does not
have and should not need offline); rendering both from one model gives the same content by
construction, and the tests compare the two against the same blocks.

Outline (``shared/spec/interim-report.md``): Sampul, Kata Pengantar, Ringkasan Eksekutif, Daftar Isi,
Bab I Pendahuluan, Bab II Perencanaan Kinerja, Bab III Akuntabilitas Kinerja, Bab IV Penutup,
Lampiran 1–5. Every figure comes from ``Facts`` (one row per value), labels of periods from
``sakip.periods``, numbers and terbilang from ``idformat``; only legal boilerplate is fixed text.
"""
from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from reference import master
from reference.rounding import below_target
from sakip.periods import MONTHS_ID, ROMAN, month_name, period_range_label, quarter_end_month, quarter_label
from sakip.settings import get_settings
from sinks.report import charts
from sinks.report import idformat as fmt
from sinks.report import tables
from sinks.report.data import ReportData
from sinks.report.facts import UNIT_TYPE_NAMES, Facts, city_of, full_name, prepare
from sinks.report.model import (TOC, Block, BulletList, Document, Heading, Image, ListItem, PageBreak, Paragraph,
                                SectionBreak)
from sinks.report.provenance import Provenance, approval_id_of, approval_label, unit_fingerprint

LEGAL_BASIS = (
    "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 53 Tahun 2014 tentang "
    "Petunjuk Teknis Perjanjian Kinerja, Pelaporan Kinerja dan Tata Cara Reviu atas Laporan Kinerja Instansi "
    "Pemerintah serta Keputusan Kepala Badan Pengawas Obat dan Makanan Nomor 128 Tahun 2022 tanggal 1 September "
    "2022 tentang Pedoman Penyelenggaraan Sistem Akuntabilitas Kinerja Instansi Pemerintah di Lingkungan Badan "
    "Pengawas Obat dan Makanan")
UPT_REGULATION = (
    "Peraturan Badan Pengawas Obat dan Makanan Nomor 22 Tahun 2020 tentang Organisasi dan Tata Kerja Unit "
    "Pelaksana Teknis di Lingkungan Badan Pengawas Obat dan Makanan sebagaimana telah beberapa kali diubah "
    "terakhir dengan Peraturan Badan Pengawas Obat dan Makanan Nomor 24 Tahun 2022")
UPT_FUNCTIONS = (
    "penyusunan rencana, program, dan anggaran di bidang pengawasan Obat dan Makanan;",
    "pelaksanaan pemeriksaan fasilitas produksi Obat dan Makanan;",
    "pelaksanaan pemeriksaan fasilitas distribusi Obat dan Makanan dan fasilitas pelayanan kefarmasian;",
    "pelaksanaan sertifikasi produk dan fasilitas produksi dan distribusi Obat dan Makanan;",
    "pelaksanaan sampling Obat dan Makanan;",
    "pelaksanaan pemantauan label dan iklan Obat dan Makanan;",
    "pelaksanaan pengujian rutin Obat dan Makanan;",
    "pelaksanaan pengujian Obat dan Makanan dalam rangka investigasi dan penyidikan;",
    "pelaksanaan cegah tangkal, intelijen dan penyidikan terhadap pelanggaran ketentuan peraturan "
    "perundang-undangan di bidang pengawasan Obat dan Makanan;",
    "pelaksanaan pemantauan peredaran Obat dan Makanan melalui siber;",
    "pengelolaan komunikasi, informasi, edukasi, dan pengaduan masyarakat di bidang pengawasan Obat dan Makanan;",
    "pelaksanaan kerja sama di bidang pengawasan Obat dan Makanan;",
    "pelaksanaan pemantauan, evaluasi, dan pelaporan di bidang pengawasan Obat dan Makanan;",
    "pelaksanaan urusan tata usaha dan rumah tangga; dan",
    "pelaksanaan fungsi lain yang diberikan oleh Kepala Badan.",
)
KEGIATAN = "Pengawasan Obat dan Makanan di Seluruh Indonesia"
PROGRAM = "Program Pengawasan Obat dan Makanan"


def letter(i: int) -> str:
    """0 -> "a.", 25 -> "z.", 26 -> "aa."."""
    letters = string.ascii_lowercase
    return (letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26]) + "."


def renstra_period(year: int) -> str:
    """The five-year Renstra period a year belongs to: 2023 -> "2020–2024"."""
    start = 2020 + 5 * ((year - 2020) // 5)
    return f"{start}–{start + 4}"


@dataclass
class Numbering:
    """Table and figure numbers per chapter ("Tabel 3.2", "Gambar 3.1"), computed, never typed."""

    chapter: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def start(self, chapter: str | None) -> None:
        self.chapter = chapter
        self.counts = {}

    def caption(self, kind: str, title: str) -> str:
        if self.chapter is None:
            return title
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return f"{kind} {self.chapter}.{self.counts[kind]} {title}"


@dataclass(frozen=True)
class Labels:
    """Period words of the report, all from ``sakip.periods``."""

    year: int
    quarter: int

    @property
    def tw(self) -> str:
        return quarter_label(self.quarter, short=True)

    @property
    def triwulan(self) -> str:
        return quarter_label(self.quarter)

    @property
    def end_month(self) -> str:
        return month_name(quarter_end_month(self.quarter))

    @property
    def sd(self) -> str:
        return f"s.d. {quarter_label(self.quarter)}"


# ------------------------------------------------------------------------------------------ summary
def _ind_phrase(row: dict, lab: Labels) -> str:
    """One indicator line of the summary: "<name> dengan capaian sebesar 106,52 (Memenuhi Ekspektasi)"."""
    if not row["measured"]:
        when = " (diukur pada akhir tahun)" if row["pattern_key"] == "year_end" else ""
        return f"{row['indicator_name']} belum dapat diukur pada {lab.triwulan}{when}."
    return f"{row['indicator_name']} dengan capaian sebesar {fmt.number(row['capaian_pct'])} ({row['kriteria']})."


def _sk_phrase(row: dict, lab: Labels) -> str:
    head = f"Sasaran Kegiatan {row['sk_no']} **{row['sk_name']}**"
    if not row["measured"]:
        return f"{head} belum dapat diukur pada {lab.triwulan}."
    return (f"{head} memperoleh NPS **{fmt.number(row['value_pct'])}** ({row['kriteria']}) dengan capaian "
            "indikator kinerja sebagai berikut:")


def summary_items(f: Facts, lab: Labels) -> BulletList:
    """The numbered findings shared by the Ringkasan Eksekutif and the Kesimpulan (one function, one text)."""
    total = f.total or {}
    if fmt.is_missing(total.get("value_pct")):
        first = (f"NPS TOTAL {f.unit_name} {lab.sd} {lab.year} belum dapat dihitung karena belum ada "
                 "Sasaran Kegiatan yang terukur.")
    else:
        first = (f"Rata-rata pencapaian kinerja (NPS TOTAL) {f.unit_name} {lab.sd} {lab.year} adalah "
                 f"**{fmt.number(total['value_pct'])}** dengan kriteria **{total.get('kriteria')}**.")
    items = [ListItem("1.", first)]
    for i, sk in enumerate(f.sk.to_dict("records")):
        rows = f.ind_by_sk.get(sk["sk_code"], []) if sk["measured"] else []
        children = tuple(ListItem(letter(j), _ind_phrase(r, lab)) for j, r in enumerate(rows))
        items.append(ListItem(f"{i + 2}.", _sk_phrase(sk, lab), children))
    return BulletList(tuple(items))


def budget_sentence(f: Facts, lab: Labels) -> str:
    """The absorption sentence (RO count, amounts and words computed from the data)."""
    b = f.budget
    if not b:
        return f"Data realisasi anggaran {lab.sd} {lab.year} belum tersedia."
    text = (f"Penyerapan anggaran {f.unit_name} sampai dengan {lab.triwulan} tahun {lab.year} untuk {PROGRAM} "
            f"yang dilaksanakan melalui {len(f.ro)} rincian output/kegiatan adalah sebesar "
            f"**{fmt.rupiah(b['spent_cum_rp'])}** ({fmt.terbilang(b['spent_cum_rp'])}) atau "
            f"**{fmt.pct(b['realisation_pct'])}** dari jumlah anggaran yang dialokasikan sebesar "
            f"**{fmt.rupiah(b['pagu_rp'])}** ({fmt.terbilang(b['pagu_rp'])}).")
    if not fmt.is_missing(b.get("pagu_after_aa_rp")) and fmt.integer(b["pagu_after_aa_rp"]) != fmt.integer(b["pagu_rp"]):
        text += (f" Terhadap pagu setelah automatic adjustment (AA) sebesar {fmt.rupiah(b['pagu_after_aa_rp'])}, "
                 f"realisasi tersebut mencapai {fmt.pct(b['realisation_aa_pct'])}.")
    return text


# ------------------------------------------------------------------------------------ front matter
def cover(f: Facts, lab: Labels) -> list[Block]:
    return [
        Paragraph(f"LAPORAN KINERJA INTERIM {lab.triwulan.upper()} {lab.year}", "cover_title"),
        Paragraph(full_name(f.unit_name).upper(), "cover_subtitle"),
        Paragraph(f"Periode {period_range_label(lab.quarter)} {lab.year}", "cover_note"),
        Paragraph("BADAN PENGAWAS OBAT DAN MAKANAN REPUBLIK INDONESIA", "cover_note"),
        PageBreak(),
    ]


def signature(f: Facts, day: date) -> list[Block]:
    title = f"Kepala {f.unit_name}" if f.unit_type != "pusat" else f"Pimpinan {f.unit_name}"
    return [Paragraph(f"{city_of(f.unit_name, f.unit_type)}, {fmt.date_id(day)}", "signature"),
            Paragraph(title, "signature"), Paragraph(f.head_name or "(nama kepala unit belum tercatat)", "signature_name")]


def kata_pengantar(f: Facts, lab: Labels, day: date) -> list[Block]:
    name = f"Laporan Kinerja Interim {lab.triwulan} Tahun {lab.year}"
    return [
        Heading(1, "KATA PENGANTAR"),
        Paragraph(f"Puji syukur kami panjatkan ke hadirat Tuhan Yang Maha Esa, atas anugerah-Nya kami dapat "
                  f"menyelesaikan {name} {f.unit_name}. Laporan ini disusun sebagai pemenuhan ketentuan "
                  f"{LEGAL_BASIS}."),
        Paragraph(f"{name} ini merupakan salah satu bentuk pertanggungjawaban kinerja {f.unit_name} dalam "
                  f"melaksanakan program dan kegiatan pengawasan Obat dan Makanan sampai dengan {lab.triwulan} "
                  f"Tahun Anggaran {lab.year}. Tujuan penyusunan laporan ini adalah memberikan gambaran tingkat "
                  "pencapaian instansi yang mengindikasikan tingkat keberhasilan dan kegagalan program/kegiatan "
                  "sesuai sasaran dan indikator yang telah ditetapkan, sebagai informasi kinerja yang terukur bagi "
                  "pimpinan dan bahan evaluasi dalam upaya perbaikan berkelanjutan pada periode berikutnya."),
        Paragraph(f"Terima kasih dan penghargaan kami sampaikan kepada semua pihak, baik internal maupun eksternal "
                  f"{f.unit_name}, atas tersusunnya laporan ini. Semoga laporan ini bermanfaat bagi semua pihak yang "
                  "berkepentingan."),
        *signature(f, day),
        PageBreak(),
    ]


def incomplete_note(f: Facts, lab: Labels) -> list[Block]:
    """A warning when the quarter-end month (whose figures are the quarter's) has no accepted report."""
    if not f.incomplete:
        return []
    months = ", ".join(f"{month_name(m)} {lab.year}" for m in f.missing_months)
    return [Paragraph(f"**Catatan: data {lab.triwulan} Tahun {lab.year} belum lengkap.** Laporan bulanan {months} "
                      f"belum diterima atau belum lolos validasi; indikator tanpa data ditampilkan N/A dan angka "
                      f"dalam laporan ini belum final.", "note")]


def ringkasan(f: Facts, lab: Labels, summary: BulletList) -> list[Block]:
    n_sk, n_ind = len(f.sk), len(f.ind)
    return [
        Heading(1, "RINGKASAN EKSEKUTIF"),
        Paragraph(f"{f.unit_name} wajib menyusun Laporan Kinerja Interim setiap triwulan sesuai dengan {LEGAL_BASIS}. "
                  f"Laporan Kinerja Interim {lab.triwulan} ini merupakan bentuk pertanggungjawaban {f.unit_name} "
                  f"kepada Kepala Badan POM serta masyarakat atas pencapaian kinerja dan penggunaan anggaran selama "
                  f"periode {period_range_label(lab.quarter)} {lab.year}."),
        Paragraph(f"Dalam Perjanjian Kinerja {f.unit_name} Tahun {lab.year} terdapat {n_sk} Sasaran Kegiatan dengan "
                  f"{n_ind} Indikator Kinerja yang mengacu pada Rencana Strategis Tahun {renstra_period(lab.year)}. "
                  f"Berikut hasil pencapaian kinerja {f.unit_name} pada {lab.triwulan} Tahun {lab.year}:"),
        *incomplete_note(f, lab),
        summary,
        Paragraph(budget_sentence(f, lab)),
        PageBreak(),
        TOC(),
        PageBreak(),
    ]


# ------------------------------------------------------------------------------------------- Bab I
def _organisation_text(f: Facts) -> str:
    units = master.units()
    kind = UNIT_TYPE_NAMES.get(f.unit_type, "unit kerja")
    if f.unit_type == "pusat":
        return (f"{f.unit_name} merupakan unit kerja pusat di lingkungan Badan Pengawas Obat dan Makanan "
                "(BPOM), lembaga pemerintah nonkementerian yang menyelenggarakan urusan pemerintahan di bidang "
                "pengawasan Obat dan Makanan.")
    text = (f"Berdasarkan {UPT_REGULATION}, {f.unit_name} merupakan Unit Pelaksana Teknis (UPT) BPOM berbentuk "
            f"{kind}" + (f" yang berkedudukan di Provinsi {f.province}." if f.province else "."))
    me = units[units["code"] == f.data.unit_code]
    parent = me["parent_code"].iloc[0] if not me.empty else ""
    if parent:
        text += f" Secara administratif {f.unit_name} dibina oleh {units.set_index('code').at[parent, 'name']}."
    children = units.loc[units["parent_code"] == f.data.unit_code, "name"].tolist()
    if children:
        text += f" {f.unit_name} menjadi induk dari {', '.join(children)}."
    return text


def identity_table(f: Facts, num: Numbering) -> tables.Table:
    units = master.units().set_index("code")
    satker = units.at[f.data.unit_code, "satker_code_dipa"] if f.data.unit_code in units.index else ""
    rows = (("Nama Unit Kerja", f.unit_name), ("Jenis Unit", UNIT_TYPE_NAMES.get(f.unit_type, "-")),
            ("Provinsi", f.province or "-"), ("Kode Satker", satker or "-"), ("Nomor DIPA", f.dipa_number or "-"),
            ("Pagu Anggaran", fmt.rupiah(f.pagu)), ("Kepala Unit", f.head_name or "-"))
    return tables.Table(title=num.caption("Tabel", f"Identitas {f.unit_name} Tahun {f.year}"),
                        header=(("Uraian", "Keterangan"),), body=rows, widths=(0.3, 0.7), align=("l", "l"))


def strategic_issues(f: Facts, lab: Labels) -> list[Block]:
    """Isu strategis generated from the quarter: the SKs and indicators below target, and the budget pace."""
    low_sk = f.sk[f.sk["measured"] & below_target(f.sk["value_pct"])]
    blocks: list[Block] = []
    if low_sk.empty:
        blocks.append(Paragraph(f"Sampai dengan {lab.triwulan} {lab.year} seluruh Sasaran Kegiatan yang telah terukur "
                                "mencapai NPS 100 atau lebih; isu strategis yang perlu dijaga adalah keberlanjutan "
                                "capaian tersebut hingga akhir tahun."))
    else:
        names = "; ".join(f"Sasaran Kegiatan {r['sk_no']} {r['sk_name']} (NPS {fmt.number(r['value_pct'])})"
                          for r in low_sk.to_dict("records"))
        blocks.append(Paragraph(f"Berdasarkan hasil pengukuran {lab.sd} {lab.year}, isu strategis yang perlu "
                                f"mendapat perhatian adalah {len(low_sk)} Sasaran Kegiatan yang belum mencapai "
                                f"target: {names}."))
    short = f.ind[f.ind["shortfall"]]
    if not short.empty:
        items = tuple(ListItem(letter(i), f"IKU {r['iku_no']} {r['indicator_name']}: capaian {fmt.number(r['capaian_pct'])}"
                               + (f"; kendala: {joined(r.get('kendala'))}" if _lines(r.get("kendala")) else ""))
                      for i, r in enumerate(short.to_dict("records")))
        blocks += [Paragraph(f"Indikator yang belum mencapai target {lab.triwulan}:"), BulletList(items)]
    return blocks


def bab1(f: Facts, lab: Labels, num: Numbering) -> list[Block]:
    num.start("1")
    return [
        Heading(1, "BAB I PENDAHULUAN"),
        Heading(2, "1.1 Latar Belakang"),
        Paragraph("Pelaksanaan Undang-Undang Nomor 28 Tahun 1999 tentang Penyelenggaraan Negara yang Bersih dan Bebas "
                  "dari Korupsi, Kolusi dan Nepotisme ditindaklanjuti dengan Instruksi Presiden Nomor 7 Tahun 1999 "
                  "tentang Akuntabilitas Kinerja Instansi Pemerintah, yang kemudian diganti dengan Peraturan Presiden "
                  "Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja Instansi Pemerintah (SAKIP). Implementasi "
                  f"BPOM dalam penguatan akuntabilitas instansi pemerintah diatur dalam {LEGAL_BASIS}."),
        Paragraph("Dalam keputusan tersebut diamanatkan bahwa setiap satuan kerja di lingkungan BPOM wajib menyusun "
                  "Laporan Kinerja Instansi Pemerintah Interim setiap triwulan, sebagai media pertanggungjawaban atas "
                  "keberhasilan atau kegagalan pelaksanaan program dan kegiatan secara terukur terhadap sasaran dan "
                  f"target kinerja yang telah ditetapkan. Sebagai pertanggungjawaban atas pelaksanaan tugas dan fungsi "
                  f"selama periode {period_range_label(lab.quarter)} {lab.year}, {f.unit_name} menyusun Laporan "
                  f"Kinerja Interim {lab.triwulan} Tahun {lab.year}."),
        Heading(2, "1.2 Gambaran Umum Organisasi"),
        Paragraph(_organisation_text(f)),
        identity_table(f, num),
        *([Paragraph("UPT BPOM mempunyai tugas **melaksanakan kebijakan teknis operasional di bidang pengawasan Obat "
                     "dan Makanan sesuai dengan ketentuan peraturan perundang-undangan**, dengan fungsi:"),
           BulletList(tuple(ListItem(letter(i), t) for i, t in enumerate(UPT_FUNCTIONS)))]
          if f.unit_type != "pusat" else []),
        Heading(2, "1.3 Isu Strategis"),
        *strategic_issues(f, lab),
    ]


# ------------------------------------------------------------------------------------------ Bab II
def weights_sentence(f: Facts) -> str:
    pol = f.data.policy
    weights = f.ind["weight"].fillna(1).astype(float)
    basis = ("bobot indikator dalam rencana kinerja (Bobot)" if pol.weight_source == "plan"
             else "bobot yang sama untuk setiap indikator")
    text = f"Nilai Pencapaian Sasaran (NPS) dihitung dengan {basis}"
    if pol.iku_weight != 1:
        text += f"; bobot IKU dikalikan {fmt.plain(pol.iku_weight)}"
    same = weights.nunique() <= 1 and pol.iku_weight == 1
    text += (". Untuk laporan ini seluruh indikator memiliki bobot yang sama." if same else
             f". Bobot indikator pada laporan ini berkisar {fmt.plain(weights.min())}–{fmt.plain(weights.max())}.")
    return text


def cap_sentence(f: Facts) -> str:
    cap = f.data.policy.cap_pct
    if cap is None:
        return ("Capaian indikator tidak dibatasi (tanpa batas atas): nilai capaian di atas 100% digunakan apa "
                "adanya dalam perhitungan NPS.")
    return (f"Capaian setiap indikator dibatasi paling tinggi {fmt.plain(cap)}% (capaian penyesuaian) sebelum "
            "dirata-ratakan; nilai capaian sebelum pembatasan tetap ditampilkan.")


def metode(f: Facts, lab: Labels, num: Numbering) -> list[Block]:
    pol = f.data.policy
    return [
        Heading(2, "2.4 Metode Pengukuran"),
        Paragraph(f"Pengukuran menggunakan kebijakan penilaian **{pol.policy_id}**. Capaian setiap indikator dihitung "
                  "dengan membandingkan realisasi kumulatif sampai dengan akhir periode terhadap target periode "
                  "tersebut pada Rencana Aksi Perjanjian Kinerja:"),
        Paragraph("% Capaian = Realisasi / Target × 100%", "formula"),
        Paragraph("Indikator yang tidak memiliki target pada periode ini (misalnya yang diukur pada akhir tahun) "
                  "tidak diukur (N/A) dan tidak diikutkan dalam perhitungan rata-rata. " + cap_sentence(f)),
        Paragraph(weights_sentence(f)),
        Paragraph("NPS = Σ (bobot × % capaian) / Σ bobot, atas indikator yang terukur", "formula"),
        Paragraph("Nilai perspektif adalah rata-rata NPS Sasaran Kegiatan yang terukur dalam perspektif tersebut, dan "
                  "NPS TOTAL adalah rata-rata nilai perspektif yang terukur. Seluruh perhitungan menggunakan nilai "
                  "yang tidak dibulatkan; pembulatan dua desimal (setengah ke atas) hanya untuk penyajian."),
        Paragraph("Kriteria pencapaian indikator, sasaran, perspektif dan NPS TOTAL adalah sebagai berikut:"),
        tables.criteria_table(num.caption("Tabel", f"Kriteria Pencapaian ({pol.scheme_id})"), pol),
        Paragraph("Efisiensi diukur dengan membandingkan Indeks Efisiensi (IE) terhadap Standar Efisiensi (SE). "
                  "IE = % capaian output / % capaian input, dengan % capaian input = realisasi anggaran / pagu "
                  f"indikator × 100% dan % capaian output = capaian indikator. SE = {fmt.plain(pol.efficiency_se)}; "
                  "TE = IE − SE. Kegiatan dinyatakan **Efisien** bila IE (dibulatkan dua desimal) ≥ SE dan **Tidak "
                  "Efisien** bila IE < SE; kategori NA bila output belum terukur pada periode ini."),
    ]


def bab2(f: Facts, lab: Labels, num: Numbering) -> list[Block]:
    num.start("2")
    perspectives = [p for p in master.PERSPECTIVES if p in set(f.ind["perspective"].astype(str))]
    pk_date = (f" yang ditandatangani pada {fmt.date_id(pd.Timestamp(f.pk_date).date())}"
               if not fmt.is_missing(f.pk_date) else "")
    return [
        Heading(1, "BAB II PERENCANAAN KINERJA"),
        Heading(2, "2.1 Rencana Strategis"),
        Paragraph(f"Perencanaan kinerja {f.unit_name} mengacu pada Rencana Strategis Tahun {renstra_period(lab.year)} "
                  f"yang disusun dengan pendekatan Balanced Scorecard dalam {len(perspectives)} perspektif: "
                  f"{', '.join(perspectives)}."),
        Heading(2, "2.2 Perjanjian Kinerja"),
        Paragraph(f"Perjanjian Kinerja Tahun {lab.year}{pk_date} memuat {len(f.sk)} Sasaran Kegiatan dan {len(f.ind)} "
                  f"Indikator Kinerja dengan target tahunan sebagai berikut:"),
        tables.pk_table(num.caption("Tabel", f"Perjanjian Kinerja Tahun {lab.year}"), f.ind, lab.year),
        Paragraph(f"Kegiatan: {KEGIATAN}. Anggaran: {fmt.rupiah_with_words(f.pagu)}."
                  if not fmt.is_missing(f.pagu) else f"Kegiatan: {KEGIATAN}."),
        Heading(2, "2.3 Rencana Aksi Perjanjian Kinerja"),
        Paragraph("Rencana Aksi Perjanjian Kinerja (RAPK) menetapkan target setiap bulan (B01–B12) untuk memantau "
                  "progres realisasi terhadap Perjanjian Kinerja. Target triwulan adalah target bulan terakhir "
                  f"triwulan (B03, B06, B09, B12). RAPK Tahun {lab.year} dapat dilihat pada Lampiran 2."),
        *metode(f, lab, num),
    ]


# ----------------------------------------------------------------------------------------- Bab III
def _adjusted(f: Facts) -> bool:
    raw, adj = f.ind["capaian_raw_pct"].astype(float), f.ind["capaian_pct"].astype(float)
    return f.data.policy.cap_pct is not None or bool(((raw - adj).abs() > 1e-9).any())


def sk_chart(f: Facts, num: Numbering) -> Image:
    pol = f.data.policy
    legend = [(b.label, pol.chart_colour(b.label)) for b in pol.bands]
    png = charts.score_bars([f"SK {n}" for n in f.sk["sk_no"]], f.sk["value_pct"].tolist(),
                            [pol.chart_colour(k) for k in f.sk["kriteria"]], legend, ylabel="NPS")
    return Image(png, num.caption("Gambar", f"Nilai Pencapaian Sasaran Kegiatan {Labels(f.year, f.quarter).triwulan} "
                                            f"{f.year} menurut kriteria"))


def nps_trend(f: Facts, num: Numbering) -> Image | None:
    s = f.data.scores
    rows = s[(s["level"] == "total") & ((s["year"] < f.year) | (s["quarter"] <= f.quarter))].sort_values(["year", "quarter"])
    if rows.empty:
        return None
    pol = f.data.policy
    labels = [f"TW {ROMAN[q - 1]}\n{y}" for y, q in zip(rows["year"], rows["quarter"])]
    png = charts.score_bars(labels, rows["value_pct"].tolist(), [pol.chart_colour(k) for k in rows["kriteria"]],
                            ylabel="NPS TOTAL")
    return Image(png, num.caption("Gambar", "NPS TOTAL per triwulan"), width=0.75)


def _comparisons(row: dict, f: Facts) -> list[str]:
    """Sentences comparing an indicator with the previous quarter and the same quarter last year."""
    out = []
    for rows, label in ((f.prev_by_code, f"{quarter_label(f.prev_period[1])} {f.prev_period[0]}"),
                        (f.last_year_by_code, f"{quarter_label(f.quarter)} {f.year - 1}")):
        hit = rows.get(row["indicator_code"])
        if hit is None or not bool(hit["measured"]):
            continue
        before = hit["capaian_pct"]
        delta = fmt.round_half_up(row["capaian_pct"]) - fmt.round_half_up(before)  # of the printed figures
        change = (f"naik {fmt.number(delta)} poin" if delta > 0 else f"turun {fmt.number(-delta)} poin" if delta < 0
                  else "tidak berubah")
        out.append(f"Dibandingkan {label} (realisasi {fmt.plain(hit['realisasi'])}, capaian "
                   f"{fmt.number(before)}), capaian {change}.")
    return out


def _annual_comparison(row: dict) -> str:
    key, annual, real = row["pattern_key"], row["annual_target"], row["realisasi"]
    if key == "stage_progress":
        return (f"Target triwulan berupa progres tahapan kegiatan (%), sehingga belum dapat dibandingkan dengan "
                f"target tahunan sebesar {with_unit(annual, row.get('unit_of_measure'))}.")
    if fmt.is_missing(annual) or float(annual) == 0:
        return ""
    ratio = float(real) / float(annual) * 100  # display-only ratio: realisation as % of the annual target
    if key == "monthly_flat" and not fmt.is_missing(row["target"]) and float(row["target"]) == float(annual):
        return f"Target triwulan sama dengan target tahunan ({fmt.plain(annual)}), sehingga capaian terhadap target tahunan juga {fmt.number(ratio)}%."
    return f"Terhadap target tahunan sebesar {fmt.plain(annual)}, realisasi tersebut mencapai {fmt.number(ratio)}%."


def with_unit(value: object, unit: object) -> str:
    """``79, "%" -> "79%"``; ``78, "sekolah" -> "78 sekolah"``; no unit for indices and scores."""
    text, word = fmt.plain(value), "" if fmt.is_missing(unit) else str(unit).strip()
    if word.casefold() in ("%", "persen"):
        return f"{text}%"
    return f"{text} {word}" if word and word.casefold() not in ("indeks", "nilai") else text


def _lines(text: object) -> list[str]:
    """A steward's free text split into its lines (numbering markers stripped)."""
    if fmt.is_missing(text):
        return []
    parts = [p.strip() for p in str(text).replace("\r", "").split("\n")]
    return [p.lstrip("0123456789.)-• ").strip() or p for p in parts if p]


def joined(text: object) -> str:
    """A steward's lines as one clause: "a; b" (no trailing full stops inside)."""
    return "; ".join(line.rstrip(" .;") for line in _lines(text))


def _deadline(value: object) -> str:
    if fmt.is_missing(value):
        return "-"
    try:
        return fmt.date_id(pd.Timestamp(value).date())
    except (ValueError, TypeError):
        return str(value)


def kendala_blocks(row: dict, lab: Labels) -> list[Block]:
    """Kendala and Rencana Tindak Lanjut of an indicator below target, as the steward reported them."""
    kendala, rtl = _lines(row.get("kendala")), _lines(row.get("rtl"))
    month = f"{lab.end_month} {lab.year}"
    blocks: list[Block] = []
    if kendala:
        blocks += [Paragraph("Hambatan/kendala dalam pencapaian IKU ini:"),
                   BulletList(tuple(ListItem(f"{i + 1}.", t) for i, t in enumerate(kendala)))]
    else:
        blocks.append(Paragraph(f"Kendala belum dilaporkan oleh unit pada laporan bulan {month}.", "note"))
    if rtl:
        deadline = _deadline(row.get("rtl_deadline"))
        blocks += [Paragraph(f"Rencana tindak lanjut untuk perbaikan kinerja ke depan (batas waktu: {deadline}):"),
                   BulletList(tuple(ListItem(f"{i + 1}.", t) for i, t in enumerate(rtl)))]
    else:
        blocks.append(Paragraph(f"Rencana tindak lanjut belum dilaporkan oleh unit pada laporan bulan {month}.", "note"))
    return blocks


def followup_items(row: dict, prev: dict[str, dict]) -> list[tuple[str, str, str, str]]:
    """Last quarter's RTL items of an indicator with their status now (``prev``: last quarter's rows by
    indicator code, ``Facts.prev_by_code``).

    Rule: an item is *Selesai* when the indicator now meets its target (capaian ≥ 100 as displayed);
    otherwise it is *Belum*, with this quarter's RTL as the action plan and its deadline as timeline.
    """
    hit = prev.get(row["indicator_code"])
    recs = _lines(hit["rtl"]) if hit is not None else []
    if row["meets"]:
        done = f"Selesai; capaian {fmt.number(row['capaian_pct'])} telah memenuhi target"
        return [(r, done, "", "") for r in recs]
    plan = joined(row.get("rtl")) or "Rencana aksi belum dilaporkan"
    return [(r, "", plan, _deadline(row.get("rtl_deadline"))) for r in recs]


def indicator_blocks(row: dict, f: Facts, lab: Labels, num: Numbering) -> list[Block]:
    """The analysis of one indicator: figures, comparisons, kendala/RTL and last quarter's follow-up."""
    blocks: list[Block] = [Paragraph(f"IKU {row['iku_no']} – {row['indicator_name']}", "label")]
    if not row["measured"]:
        why = ("diukur pada akhir tahun" if row["pattern_key"] == "year_end"
               else f"tidak memiliki target atau realisasi pada {lab.triwulan}")
        blocks.append(Paragraph(f"IKU ini {why}, sehingga belum dapat diukur pada {lab.triwulan} {lab.year}. Target "
                                f"tahun {lab.year} sebesar {fmt.plain(row['annual_target'])}."))
    else:
        ratio = (f" ({fmt.plain(row['numerator'], 0)} dari {fmt.plain(row['denominator'], 0)})"
                 if not fmt.is_missing(row.get("numerator")) and not fmt.is_missing(row.get("denominator")) else "")
        verdict = "telah mencapai" if row["meets"] else "belum mencapai"
        band = f.data.policy.band(row["kriteria"])
        review = (" Capaian berada pada rentang yang tidak dapat disimpulkan sehingga perlu dilakukan reviu kembali "
                  "terhadap target yang ditetapkan." if band is not None and band.asks_review else "")
        text = (f"Target {lab.triwulan} sebesar {fmt.plain(row['target'])} dan realisasi s.d. {lab.end_month} "
                f"{lab.year} sebesar **{fmt.plain(row['realisasi'])}**{ratio}, sehingga capaian terhadap target adalah "
                f"**{fmt.number(row['capaian_pct'])}** dengan kriteria **{row['kriteria']}**; kinerja {verdict} "
                f"target {lab.triwulan}.{review}")
        if not fmt.is_missing(row.get("override_id")):
            text += (f" Capaian ini merupakan hasil penyesuaian manual (override {row['override_id']}; capaian "
                     f"sebelum penyesuaian {fmt.number(row['capaian_raw_pct'])}).")
        blocks += [Paragraph(f"a. Analisis Capaian IKU {lab.triwulan} {lab.year}", "label"), Paragraph(text)]
        extra = " ".join(s for s in [_annual_comparison(row), *_comparisons(row, f)] if s)
        if extra:
            blocks.append(Paragraph(extra))
        if row["shortfall"]:
            blocks += kendala_blocks(row, lab)
    prev_label = f"{quarter_label(f.prev_period[1])} {f.prev_period[0]}"
    items = followup_items(row, f.prev_by_code)
    blocks.append(Paragraph("b. Tindak Lanjut Rekomendasi Hasil Evaluasi Sebelumnya", "label"))
    if items:
        blocks.append(tables.followup_table(
            num.caption("Tabel", f"Tindak Lanjut Rekomendasi {prev_label} IKU {row['iku_no']}"), items))
    else:
        blocks.append(Paragraph(f"Tidak terdapat rekomendasi tindak lanjut dari {prev_label} untuk IKU ini.", "note"))
    return blocks


def sk_blocks(sk: dict, f: Facts, lab: Labels, num: Numbering) -> list[Block]:
    rows = f.ind_by_sk.get(sk["sk_code"], [])
    if sk["measured"]:
        intro = (f"Pencapaian Sasaran Kegiatan {sk['sk_no']} diukur dengan {len(rows)} indikator kinerja dan "
                 f"memperoleh NPS **{fmt.number(sk['value_pct'])}** dengan kriteria **{sk['kriteria']}**.")
    else:
        intro = (f"Pencapaian Sasaran Kegiatan {sk['sk_no']} diukur dengan {len(rows)} indikator kinerja dan belum "
                 f"dapat diukur pada {lab.triwulan} ({sk['kriteria']}).")
    blocks: list[Block] = [Heading(3, f"Sasaran Kegiatan {sk['sk_no']}: {sk['sk_name']}"), Paragraph(intro)]
    for row in rows:
        blocks += indicator_blocks(row, f, lab, num)
    return blocks


def capaian_section(f: Facts, lab: Labels, num: Numbering) -> list[Block]:
    adjusted = _adjusted(f)
    overrides = f.ind[f.ind["override_id"].notna()] if "override_id" in f.ind.columns else f.ind.iloc[0:0]
    blocks: list[Block] = [
        Heading(2, "3.1 Capaian Kinerja Organisasi"),
        Paragraph(f"Laporan Kinerja Interim {lab.triwulan} Tahun {lab.year} ini merupakan hasil pengukuran kinerja "
                  f"{f.unit_name} selama periode {period_range_label(lab.quarter)} {lab.year}, berdasarkan perbandingan "
                  "antara realisasi dan target indikator kinerja pada Perjanjian Kinerja. Nilai Pencapaian masing-masing "
                  f"Sasaran Kegiatan sampai dengan {lab.triwulan} Tahun {lab.year} adalah sebagai berikut:"),
        tables.nps_table(num.caption("Tabel", f"Nilai Pencapaian Sasaran Kegiatan {lab.triwulan}"), f.sk, f.total,
                         f.data.policy),
        sk_chart(f, num),
    ]
    trend = nps_trend(f, num)
    blocks += [trend] if trend else []
    blocks += [
        Paragraph(f"Berdasarkan Perjanjian Kinerja Tahun {lab.year} terdapat {len(f.sk)} Sasaran Kegiatan dan "
                  f"{len(f.ind)} Indikator Kinerja, dengan pencapaian masing-masing indikator sebagai berikut:"),
        tables.iku_table(num.caption("Tabel", f"Capaian Indikator Kinerja Utama (IKU) {lab.triwulan} Tahun {lab.year}"),
                         f.ind, lab.tw, f.data.policy, adjusted),
    ]
    if not overrides.empty:
        blocks.append(Paragraph("Capaian yang disesuaikan secara manual: " + "; ".join(
            f"IKU {r['iku_no']} (override {r['override_id']})" for r in overrides.to_dict("records")) + ".", "note"))
    blocks += [Paragraph("Analisis akuntabilitas kinerja setiap Sasaran Kegiatan adalah sebagai berikut:")]
    for sk in f.sk.to_dict("records"):
        blocks += sk_blocks(sk, f, lab, num)
    return blocks


def absorption_chart(f: Facts, num: Numbering) -> Image | None:
    rpd, bu = f.data.rpd.sort_values("month"), f.data.budget_unit.sort_values("month")
    if rpd.empty or fmt.is_missing(f.pagu) or float(f.pagu) == 0:
        return None
    planned = (rpd["planned_cum_rp"].astype(float) / float(f.pagu) * 100).tolist()  # display: plan as % of pagu
    actual = bu.set_index("month")["realisation_pct"].reindex(rpd["month"]).where(rpd["month"].to_numpy() <= f.data.end_month)
    png = charts.absorption_lines([MONTHS_ID[m - 1][:3] for m in rpd["month"]], planned, actual.tolist(),
                                  "Rencana penarikan dana (RPD)", "Realisasi")
    return Image(png, num.caption("Gambar", f"Penyerapan anggaran kumulatif terhadap RPD Tahun {f.year}"))


def budget_section(f: Facts, lab: Labels, num: Numbering) -> list[Block]:
    months = f.data.budget_unit[f.data.budget_unit["month"] <= f.data.end_month].sort_values("month")
    dipa = (f"DIPA {f.unit_name} Tahun Anggaran {lab.year} Nomor {f.dipa_number} menetapkan anggaran sebesar "
            f"{fmt.rupiah_with_words(f.pagu)}." if f.dipa_number and not fmt.is_missing(f.pagu) else "")
    blocks: list[Block] = [
        Heading(2, "3.2 Realisasi Anggaran"),
        Heading(3, "3.2.1 Realisasi Anggaran per Rincian Output"),
        Paragraph(" ".join(s for s in (dipa, budget_sentence(f, lab)) if s)),
        tables.ro_table(num.caption("Tabel", f"Capaian Kinerja dan Realisasi Anggaran per Rincian Output {lab.triwulan} "
                                             f"Tahun {lab.year}"), f.ro, f.budget),
        Heading(3, "3.2.2 Realisasi Anggaran per Jenis Belanja"),
        tables.expense_table(num.caption("Tabel", f"Realisasi Anggaran per Jenis Belanja {lab.sd} {lab.year}"),
                             f.data.budget_expense, f.budget),
        Heading(3, "3.2.3 Realisasi Anggaran Bulanan terhadap Rencana Penarikan Dana"),
        tables.monthly_table(num.caption("Tabel", f"Realisasi Anggaran Bulanan terhadap RPD {lab.sd} {lab.year}"),
                             months, [MONTHS_ID[m - 1] for m in months["month"]]),
    ]
    chart = absorption_chart(f, num)
    blocks += [chart] if chart else []
    blocks += [
        SectionBreak("landscape"),
        Heading(3, "3.2.4 Realisasi Anggaran per Sasaran Kegiatan/Indikator Kinerja"),
        Paragraph("Efisiensi penggunaan anggaran per indikator kinerja (metode pada subbab 2.4):"),
        tables.efficiency_table(num.caption("Tabel", f"Pengukuran Efisiensi Indikator Kinerja {lab.sd} {lab.year}"),
                                f.data.efficiency, f.ind, with_sk=True),
        *efficiency_sasaran_blocks(f, num.caption("Tabel", f"Pengukuran Efisiensi per Sasaran Kegiatan {lab.sd} "
                                                           f"{lab.year}") if not f.data.efficiency_sasaran.empty else ""),
        SectionBreak("portrait"),
    ]
    return blocks


def efficiency_sasaran_blocks(f: Facts, title: str) -> list[Block]:
    """Efficiency per sasaran (input % = the SK's spending / allocation, output % = its NPS from uncapped
    capaian), beside the indicator table; nothing when the warehouse holds no SK figures."""
    if f.data.efficiency_sasaran.empty:
        return []
    return [Paragraph("Efisiensi per sasaran kegiatan: % input = realisasi anggaran seluruh indikator sasaran / "
                      "alokasinya × 100%; % output = NPS sasaran (capaian tanpa batas atas); TE = (IE − SE) / SE."),
            tables.efficiency_sasaran_table(title, f.data.efficiency_sasaran, f.data.efficiency, f.sk)]


def bab3(f: Facts, lab: Labels, num: Numbering) -> list[Block]:
    num.start("3")
    return [Heading(1, "BAB III AKUNTABILITAS KINERJA"), *capaian_section(f, lab, num), *budget_section(f, lab, num)]


# ------------------------------------------------------------------------------------------ Bab IV
def saran_items(f: Facts, lab: Labels) -> BulletList:
    """Recommendations generated from the quarter's shortfalls, targets to review and budget pace."""
    items: list[str] = []
    for r in f.ind[f.ind["shortfall"]].to_dict("records"):
        rtl = joined(r.get("rtl"))
        items.append(f"Meningkatkan capaian IKU {r['iku_no']} {r['indicator_name']} (capaian {fmt.number(r['capaian_pct'])})"
                     + (f" melalui: {rtl}" if rtl else " dengan menganalisis penyebab belum tercapainya target") + ".")
    pol = f.data.policy
    review = f.ind[f.ind["measured"] & f.ind["kriteria"].map(lambda k: bool((b := pol.band(k)) and b.asks_review))]
    if not review.empty:
        codes = ", ".join(f"IKU {c}" for c in review["iku_no"])
        items.append(f"Melakukan reviu target {codes} yang capaiannya berada pada kriteria tidak dapat disimpulkan.")
    b = f.budget
    if b and not fmt.is_missing(b.get("planned_cum_rp")) and float(b["spent_cum_rp"]) < float(b["planned_cum_rp"]):
        items.append(f"Mempercepat penyerapan anggaran: realisasi {lab.sd} {fmt.rupiah(b['spent_cum_rp'])} masih di bawah "
                     f"rencana penarikan dana (RPD) {fmt.rupiah(b['planned_cum_rp'])}.")
    missing = f.ind[f.ind["shortfall"] & f.ind["kendala"].isna()] if "kendala" in f.ind.columns else f.ind.iloc[0:0]
    if not missing.empty:
        items.append("Melengkapi uraian kendala dan rencana tindak lanjut pada laporan bulanan untuk indikator yang "
                     "belum mencapai target.")
    if not items:
        items.append(f"Mempertahankan capaian kinerja {lab.triwulan} hingga akhir tahun {lab.year}.")
    return BulletList(tuple(ListItem(f"{i + 1}.", t) for i, t in enumerate(items)))


def bab4(f: Facts, lab: Labels, day: date, num: Numbering, summary: BulletList) -> list[Block]:
    num.start("4")
    return [
        Heading(1, "BAB IV PENUTUP"),
        Heading(2, "4.1 Kesimpulan"),
        Paragraph(f"Berdasarkan hasil pengukuran kinerja {lab.sd} {lab.year} dapat disimpulkan sebagai berikut:"),
        summary,
        Paragraph(budget_sentence(f, lab)),
        Heading(2, "4.2 Saran"),
        Paragraph("Saran dan rekomendasi untuk mendukung peningkatan pencapaian kinerja adalah sebagai berikut:"),
        saran_items(f, lab),
        Paragraph(f"Demikian Laporan Kinerja Interim {lab.triwulan} {f.unit_name} Tahun {lab.year}. Laporan ini diharapkan "
                  "memberikan informasi secara transparan kepada seluruh pihak yang terkait dengan tugas dan fungsi "
                  f"{f.unit_name} serta menjadi bahan peningkatan kinerja pada periode berikutnya."),
        *signature(f, day),
    ]


# ----------------------------------------------------------------------------------------- Lampiran
def _describe_submission(rec: dict) -> str:
    kind = str(rec.get("kind") or "")
    if kind.casefold() in ("rencana", "plan") or fmt.is_missing(rec.get("month")):
        return f"Rencana Tahunan {rec.get('year')}"
    return f"Laporan Bulanan {month_name(int(rec['month']))} {rec.get('year')}"


def provenance_of(data: ReportData) -> Provenance:
    """Provenance from the data alone (for a report rendered outside ``build``)."""
    used, print_ = unit_fingerprint(data.submissions, data.scores, data.capaian, data.year, data.quarter,
                                    approval_id_of(data.approval))
    return Provenance(version=None, fingerprint=print_, built_at=None, submissions=used)


def approval_text(data: ReportData) -> str:
    """Whether the report's figures are approved (who approved them, when) or a draft, in one sentence."""
    row = data.approval or {}
    label = approval_label(data.approval)
    if label != "Disetujui":
        return (f"Status data {quarter_label(data.quarter)} {data.year}: {label}. Angka dalam laporan ini adalah draf "
                "dan dapat berubah sampai data triwulan disetujui Pusat.")
    at = pd.Timestamp(row.get("approved_at"))
    at = (at.tz_localize("UTC") if at.tzinfo is None else at).tz_convert(get_settings().timezone)
    return (f"Status data {quarter_label(data.quarter)} {data.year}: Disetujui oleh {row.get('approved_by')} pada "
            f"{fmt.date_id(at.date())} (diajukan oleh {row.get('submitted_by')}, diverifikasi oleh "
            f"{row.get('verified_by')}); data triwulan yang disetujui tidak dapat diubah kecuali dibuka kembali.")


VERDICTS = {"accepted": "diterima", "accepted_with_warnings": "diterima dengan catatan", "rejected": "ditolak"}


def _replaced(data: ReportData, used: pd.DataFrame) -> list[str]:
    """"<file> (versi 1) diganti oleh <file> (versi 2)" for superseded versions of the files used."""
    subs = data.submissions
    if subs.empty or used.empty or "superseded_by" not in subs.columns:
        return []
    old = subs[subs["superseded_by"].isin(used["submission_id"])]
    names = used.set_index("submission_id")
    return [f"{r['file_name']} (versi {fmt.plain(r['version'], 0, '-')}) diganti oleh "
            f"{names.at[r['superseded_by'], 'file_name']} (versi {fmt.plain(names.at[r['superseded_by'], 'version'], 0, '-')})"
            for r in old.sort_values("submission_id").to_dict("records")]


def sources_section(f: Facts, prov: Provenance, num_title: str) -> list[Block]:
    version = f"versi {prov.version}" if prov.version is not None else "tanpa nomor versi"
    built = (f", dibangun pada {fmt.date_id(prov.built_at.date())} pukul {prov.built_at:%H:%M}"
             if prov.built_at is not None else "")
    return [
        Heading(2, num_title),
        Paragraph(f"Laporan ini ({version}{built}) disusun seluruhnya dari data warehouse SAKIP. Sidik data "
                  f"(fingerprint SHA-256) laporan ini **{prov.fingerprint[:16]}**; perubahan data sumber menghasilkan "
                  f"sidik data dan versi laporan yang baru. Kebijakan penilaian: {f.data.policy.policy_id}."),
        Paragraph(approval_text(f.data)),
        tables.sources_table(f"Berkas sumber yang digunakan ({len(prov.submissions)} berkas)",
                             prov.submissions.assign(verdict=prov.submissions["verdict"].map(VERDICTS)
                                                     .fillna(prov.submissions["verdict"])),
                             _describe_submission),
        *([Paragraph("Versi berkas yang telah diganti: " + "; ".join(_replaced(f.data, prov.submissions)) + ".", "note")]
          if _replaced(f.data, prov.submissions) else []),
        *changes_blocks(prov),
    ]


def changes_blocks(prov: Provenance) -> list[Block]:
    """"Perubahan dari versi sebelumnya (versi n-1, dibuat …)" and one item per change (none for a first version)."""
    if prov.previous_version is None:
        return []
    built = (f", dibuat {fmt.date_id(prov.previous_built_at.date())} pukul {prov.previous_built_at:%H:%M}"
             if prov.previous_built_at is not None else "")
    items = prov.changes or ("Tidak ada perubahan yang tercatat.",)
    return [Paragraph(f"**Perubahan dari versi sebelumnya (versi {prov.previous_version}{built}):**"),
            BulletList(tuple(ListItem(f"{i + 1}.", text) for i, text in enumerate(items)))]


def lampiran(f: Facts, lab: Labels, prov: Provenance) -> list[Block]:
    unit = f.unit_name.upper()
    return [
        PageBreak(),
        Heading(1, "LAMPIRAN"),
        Heading(2, f"Lampiran 1. Perjanjian Kinerja Tahun {lab.year}"),
        tables.pk_table(f"Perjanjian Kinerja Tahun {lab.year} {f.unit_name}", f.ind, lab.year),
        SectionBreak("landscape"),
        Heading(2, f"Lampiran 2. Rencana Aksi Perjanjian Kinerja Tahun {lab.year}"),
        tables.rapk_table(f"Rencana Aksi Perjanjian Kinerja Tahun {lab.year} {f.unit_name}", f.data.plan, f.ind, f.pagu),
        SectionBreak("portrait"),
        Heading(2, f"Lampiran 3. Pengukuran Kinerja {lab.triwulan} Tahun {lab.year}"),
        tables.measurement_table(f"PENGUKURAN KINERJA {lab.triwulan.upper()} TAHUN {lab.year} {unit}", f.ind, f.sk,
                                 f.persp, f.total, lab.tw, f.data.policy, _adjusted(f)),
        SectionBreak("landscape"),
        Heading(2, f"Lampiran 4. Pengukuran Efisiensi {lab.sd} Tahun {lab.year}"),
        tables.efficiency_table(f"PENGUKURAN EFISIENSI INDIKATOR KINERJA S.D. {lab.triwulan.upper()} TAHUN {lab.year} "
                                f"{unit}", f.data.efficiency, f.ind, with_sk=True),
        *efficiency_sasaran_blocks(f, f"PENGUKURAN EFISIENSI PER SASARAN KEGIATAN S.D. {lab.triwulan.upper()} TAHUN "
                                      f"{lab.year} {unit}"),
        SectionBreak("portrait"),
        *sources_section(f, prov, "Lampiran 5. Sumber Data"),
    ]


# ------------------------------------------------------------------------------------------- entry
def unit_report(data: ReportData, report_date: date | None = None, provenance: Provenance | None = None,
                facts: Facts | None = None) -> Document:
    """The whole interim report of one unit and quarter as a document model (``facts``: ``prepare(data)``
    when the caller already has it)."""
    f = facts if facts is not None else prepare(data)
    lab = Labels(data.year, data.quarter)
    day = report_date or date.today()
    prov = provenance or provenance_of(data)
    num = Numbering()
    summary = summary_items(f, lab)  # the Ringkasan Eksekutif and the Kesimpulan print the same findings
    front = [*cover(f, lab), *kata_pengantar(f, lab, day), *ringkasan(f, lab, summary)]
    body = [*bab1(f, lab, num), PageBreak(), *bab2(f, lab, num), PageBreak(), *bab3(f, lab, num),
            *bab4(f, lab, day, num, summary)]  # Bab III ends with a section break
    title = f"Laporan Kinerja Interim {lab.triwulan} {lab.year} {f.unit_name}"
    return Document(title=title, subject=f"SAKIP {f.data.unit_code} {lab.year} {lab.tw}",
                    footer=f"Laporan Kinerja Interim {lab.triwulan} {lab.year} – {f.unit_name} – "
                           f"{approval_label(data.approval)}",
                    blocks=tuple(front + body + lampiran(f, lab, prov)))
