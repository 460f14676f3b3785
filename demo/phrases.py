"""Indonesian text the demo stewards write: names, obstacles (kendala) and follow-ups (RTL).

The sentences follow the phrasing of the real interim reports (seed 003 digest section 8): staff and
reagent shortages in the laboratory, late verification of inspection follow-ups, businesses slow to
meet standards, cases stalled between PPNS and the prosecutors, absorption behind the disbursement plan.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

FIRST_NAMES = (
    "Maria", "Yohanes", "Siti", "Agus", "Dewi", "I Gede", "Ni Made", "Rahmat", "Fitri", "Yosef",
    "Nurul", "Hendra", "Ratna", "Andi", "Wahyu", "Sri", "Budi", "Kristina", "Muhammad", "Ayu",
    "Teguh", "Lestari", "Ikhsan", "Rini", "Fransiskus", "Putu", "Melati", "Arif", "Desi", "Rizky",
)
LAST_NAMES = (
    "Seran", "Nainggolan", "Rahmawati", "Saputra", "Lestari", "Wijaya", "Pratama", "Siregar", "Manurung",
    "Hidayat", "Kurniawan", "Tambunan", "Rumbiak", "Lumban Gaol", "Sinaga", "Nugroho", "Susanti", "Marpaung",
    "Pakpahan", "Wulandari", "Tuasikal", "Latuconsina", "Mandala", "Bria", "Sitompul", "Daeng", "Harahap",
)
DEGREES = ("S.Farm., Apt.", "S.Si.", "S.E.", "S.Kom.", "S.T.P.", "M.Si.", "S.Farm.", "S.K.M.", "A.Md.")

#: Family of an indicator (by a word of its code) -> (kendala, rencana tindak lanjut) pairs.
FAMILIES: dict[str, tuple[tuple[str, str], ...]] = {
    "sampling": (
        ("Keterbatasan SDM penguji karena pegawai sakit dan cuti bersamaan.",
         "Memberdayakan tenaga PPNPN untuk membantu preparasi sampel di laboratorium."),
        ("Reagen pengujian (natrium fosfat tribasa) masih dalam proses pengadaan.",
         "Meminta bantuan reagen dari Balai terdekat dan mempercepat proses pengadaan."),
        ("Hasil uji beberapa sampel belum keluar sehingga belum dapat dihitung.",
         "Menyelesaikan pengujian sampel tertunda dan memperbarui input SIPT tepat waktu."),
        ("Ditemukan produk tanpa izin edar dan mengandung bahan berbahaya pada sampling bulan ini.",
         "Menindaklanjuti temuan TMS dengan peringatan kepada pelaku usaha dan KIE kepada masyarakat."),
    ),
    "inspection": (
        ("Rekomendasi hasil pemeriksaan IRTP terlambat diverifikasi oleh Dinas Kesehatan kabupaten.",
         "Koordinasi lebih intensif dengan Dinas Kesehatan kabupaten/kota terkait tindak lanjut IRTP."),
        ("Komitmen pelaku usaha IRTP terhadap penerapan CPPB-IRT masih rendah, terutama pelabelan.",
         "Melaksanakan bimbingan teknis CPPB-IRT dan pendampingan bersama DAK Non Fisik."),
        ("Sarana distribusi di daerah terpencil belum dapat dijangkau sesuai jadwal.",
         "Menjadwalkan ulang pemeriksaan pada bulan berikutnya dengan pemanfaatan Pos POM."),
        ("Temuan berulang pada sarana AMDK karena komitmen manajemen terhadap CPPOB kurang.",
         "Melakukan pembinaan lanjutan dan evaluasi CAPA bersama pelaku usaha."),
    ),
    "community": (
        ("Bimtek komunitas desa/pasar belum terlaksana karena menyesuaikan jadwal pemerintah daerah.",
         "Menyusun ulang jadwal kegiatan bersama pemda dan menyelesaikannya paling lambat Agustus."),
        ("Aspek pemahaman dan minat peserta KIE masih di bawah target.",
         "Memperbaiki strategi KIE dan menambah KIE melalui tokoh masyarakat."),
        ("Pengambilan sampel di pasar harus menyesuaikan hari pasaran setempat.",
         "Mengatur jadwal sampling dan penyuluhan sesuai hari pasaran."),
    ),
    "enforcement": (
        ("Perbedaan penafsiran unsur pidana antara PPNS dan aparat penegak hukum (CJS).",
         "Koordinasi intensif dengan Kejaksaan dan Kepolisian untuk percepatan berkas perkara."),
        ("Berkas perkara masih dilengkapi sesuai petunjuk jaksa (P-19).",
         "Melengkapi berkas perkara dan saksi ahli agar segera dinyatakan lengkap (P-21)."),
    ),
    "survey": (
        ("Hasil survei menunjukkan layanan belum sepenuhnya memenuhi harapan responden.",
         "Menindaklanjuti masukan responden survei dan memperbaiki standar pelayanan."),
        ("Jumlah responden survei belum memenuhi sampel minimal di beberapa kabupaten.",
         "Memperluas penyebaran kuesioner melalui kanal daring dan kegiatan KIE."),
    ),
    "hr": (
        ("Sebagian pegawai belum memenuhi standar kompetensi jabatan karena keterbatasan diklat.",
         "Mengusulkan pegawai mengikuti pelatihan teknis dan e-learning BPOM."),
        ("Data kualifikasi dan riwayat diklat pegawai belum seluruhnya dimutakhirkan.",
         "Pemutakhiran data kepegawaian pada SIASN secara berkala."),
    ),
    "governance": (
        ("Dokumen pendukung penilaian belum lengkap diunggah.",
         "Melengkapi eviden penilaian dan melakukan reviu internal sebelum batas waktu."),
        ("Input data pada aplikasi SIPT terlambat dari jadwal.",
         "Rapat koordinasi rutin antara bidang pemeriksaan dan pengujian untuk pemutakhiran data."),
    ),
    "budget": (
        ("Penyerapan anggaran belanja modal tertunda karena proses pengadaan alat laboratorium.",
         "Koordinasi dengan PPK dan PBJ untuk percepatan pembayaran belanja modal."),
        ("Deviasi realisasi terhadap halaman III DIPA masih tinggi.",
         "Melakukan revisi halaman III DIPA secara akurat dan tepat waktu."),
    ),
    "default": (
        ("Pelaksanaan kegiatan bergeser dari jadwal karena keterbatasan SDM.",
         "Menyusun ulang jadwal kegiatan dan melakukan monitoring mingguan."),
        ("Koordinasi dengan pemangku kepentingan belum optimal.",
         "Meningkatkan koordinasi dan rapat evaluasi berkala dengan pemangku kepentingan."),
    ),
}
#: Word of an indicator code -> its family.
FAMILY_OF_WORD = (
    ("SAMPEL", "sampling"), ("PJAS", "community"), ("DESA", "community"), ("PASAR", "community"),
    ("KIE", "community"), ("-MS", "sampling"), ("-AMAN", "sampling"), ("INSPEKSI", "inspection"),
    ("SARANA", "inspection"), ("SERTIFIKASI", "inspection"), ("UMKM", "inspection"), ("IPP", "inspection"),
    ("PENINDAKAN", "enforcement"), ("NKA", "budget"), ("KESADARAN", "survey"), ("PUAS", "survey"),
    ("IKM", "survey"), ("IP-ASN", "hr"), ("IKU-", "governance"),
)
#: Revision notes of a corrected resubmission.
REVISION_NOTES = (
    "Perbaikan realisasi {code}: salah ketik pada pengiriman sebelumnya.",
    "Koreksi nilai realisasi {code} setelah verifikasi data dukung.",
)


def family_of(indicator_code: str) -> str:
    """The obstacle family of an indicator code (``default`` for a unit's own indicator)."""
    if indicator_code.endswith("-IKU-01"):
        return "default"
    return next((family for word, family in FAMILY_OF_WORD if word in indicator_code), "default")


def person(rng: np.random.Generator) -> str:
    """A plausible Indonesian name with an academic title."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}, {rng.choice(DEGREES)}"


def obstacles(codes: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A (kendala, rtl) pair for each indicator code, drawn from its family's bank."""
    families = pd.Series(codes, dtype=object).map(lambda c: family_of(str(c)))
    sizes = families.map(lambda f: len(FAMILIES[f])).to_numpy()
    picks = pd.DataFrame({"family": families, "i": np.floor(rng.random(len(codes)) * sizes).astype(int)})
    bank = pd.DataFrame([(f, i, k, r) for f, pairs in FAMILIES.items() for i, (k, r) in enumerate(pairs)],
                        columns=["family", "i", "kendala", "rtl"])
    chosen = picks.merge(bank, on=["family", "i"], how="left")
    return chosen["kendala"].to_numpy(dtype=object), chosen["rtl"].to_numpy(dtype=object)
