"""Every problem a steward can be told about: rule_id -> severity, Indonesian message and expectation.

One table (``RULES``) for reading problems, schema checks and cross-sheet rules alike, so the demo
generator, the validator and the feedback workbook agree on ids and wording. A problem is one dict
(``PROBLEM_COLUMNS``): where (file, sheet, row, column as printed, cell), the value as typed, what is
wrong and what was expected. Messages start with their location and always name the file.
Templates use ``str.format`` fields; the caller supplies every field a template names. Every text a
problem carries is bounded (a 1 MB cell or header is cut, never echoed whole into the JSON, the audit
and the feedback): the value and the location at ``MAX_VALUE_CHARS``, each template field at
``MAX_PARAM_CHARS``, the message and the expectation at ``MAX_TEXT_CHARS``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from reference.rounding import rounded_decimal

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

#: Longest value quoted back to the steward (a pasted essay is cut); also the file, sheet, column and cell.
MAX_VALUE_CHARS = 120
#: Longest text filled into a template field (a list of headers or sheet names, a value inside a sentence).
MAX_PARAM_CHARS = 200
#: Longest message or expectation (its fields are bounded already; this bounds their sum).
MAX_TEXT_CHARS = 800
#: Columns of a problems frame (docs/architecture.md), in display order.
PROBLEM_COLUMNS = ("rule_id", "severity", "sheet", "row", "column", "cell", "value", "message", "expected")


@dataclass(frozen=True)
class Rule:
    """One rule: its id, severity, what the steward reads and what was expected."""

    rule_id: str
    severity: Severity
    message: str
    expected: str


def _r(rule_id: str, severity: Severity, message: str, expected: str) -> Rule:
    return Rule(rule_id, severity, message, expected)


_NUMBER_EXPECTED = "angka, mis. 1234,5 atau 95; kosongkan atau isi '-' bila tidak diukur"

RULES: dict[str, Rule] = {r.rule_id: r for r in (
    # -- reading the file --------------------------------------------------------------------
    _r("file_not_xlsx", ERROR,
       "berkas ini bukan buku kerja Excel .xlsx{detail}, sehingga tidak dapat dibaca.",
       "berkas .xlsx dari templat SAKIP (di Excel: Simpan Sebagai > Excel Workbook (*.xlsx))"),
    _r("file_corrupt", ERROR,
       "berkas .xlsx ini rusak dan tidak dapat dibuka ({detail}).",
       "berkas .xlsx yang utuh: buka di Excel, simpan ulang, lalu kirim kembali"),
    _r("file_macro", ERROR,
       "berkas ini berisi makro (VBA atau lembar makro Excel 4.0) atau berformat buku kerja bermakro .xlsm; "
       "berkas bermakro tidak dibuka dan tidak diterima.",
       "berkas .xlsx tanpa makro dari templat SAKIP (di Excel: Simpan Sebagai > 'Excel Workbook (*.xlsx)'; makro "
       "tidak ikut tersimpan)"),
    _r("file_encrypted", ERROR,
       "berkas ini terkunci kata sandi (terenkripsi) atau berformat Excel lama .xls, sehingga tidak dapat dibaca.",
       "berkas .xlsx tanpa kata sandi: hapus kata sandi (File > Info > Protect Workbook), lalu Simpan Sebagai "
       "'Excel Workbook (*.xlsx)'"),
    _r("file_too_large", ERROR,
       "ukuran berkas{what} {size} melebihi batas {limit}; berkas tidak dibaca.",
       "berkas templat tanpa gambar atau lampiran, paling besar {limit}"),
    _r("file_is_link", ERROR,
       "berkas ini adalah tautan (symbolic link) ke luar kotak masuk, bukan berkas yang dikirim; tautan tidak "
       "diikuti, tidak dibaca dan tidak disimpan.",
       "berkas .xlsx itu sendiri di folder unit Anda, bukan tautan atau pintasan ke berkas di tempat lain"),
    _r("file_outside_unit_folder", ERROR,
       "berkas ini diletakkan langsung di kotak masuk, di luar folder unit mana pun, sehingga pengirimnya tidak "
       "diketahui; berkas tidak diperiksa dan tidak dimuat (disimpan di karantina).",
       "kirim berkas melalui folder unit Anda sendiri, mis. BPOM-KPG/BPOM-KPG_2023-06.xlsx"),
    _r("template_version_unsupported", ERROR,
       "versi templat '{value}' tidak didukung.",
       "templat versi {supported}: unduh templat terbaru dan salin data Anda ke dalamnya"),
    _r("sheet_missing", ERROR,
       "lembar {wanted} tidak ditemukan. Lembar yang ada: {found}.",
       "lembar {wanted} seperti di templat (jangan dihapus atau diganti namanya)"),
    _r("sheet_name_duplicate", ERROR,
       "nama lembar '{first}' dan '{second}' sama bila huruf besar/kecil dan spasi diabaikan{hidden}, sehingga "
       "tidak jelas lembar mana yang dimaksud; berkas tidak dibaca.",
       "satu lembar untuk setiap nama: hapus atau ganti nama lembar yang tidak dipakai (lembar tersembunyi "
       "ditampilkan dengan klik kanan pada tab lembar > Unhide)"),
    _r("sheet_empty", ERROR,
       "lembar '{sheet}' tidak berisi data (hanya judul kolom).",
       "paling sedikit satu baris data di bawah judul kolom"),
    _r("column_missing", ERROR,
       "kolom '{header}' tidak ditemukan pada baris judul (baris {header_row}). Judul kolom yang ada: {found}.{hint}",
       "judul kolom '{header}' persis seperti di templat"),
    _r("formula_without_value", ERROR,
       "sel berisi rumus '{value}' tanpa nilai tersimpan (rumus belum dihitung).",
       "nilai hasil rumus: buka berkas di Excel lalu simpan ulang, atau salin dan tempel sebagai nilai"),
    _r("number_invalid", ERROR,
       "nilai '{value}' di kolom '{header}' bukan angka.",
       _NUMBER_EXPECTED),
    _r("number_ambiguous", ERROR,
       "nilai '{value}' di kolom '{header}' tidak jelas: bisa berarti {as_thousands} (ribuan) atau {as_decimal} "
       "(desimal).",
       "angka tanpa pemisah ribuan (mis. {plain}) atau sel berformat angka Excel"),
    _r("number_not_finite", ERROR,
       "nilai '{value}' di kolom '{header}' tidak dapat dipakai sebagai angka (tak hingga, terlalu besar, atau "
       "NaN yang berarti bukan angka).",
       _NUMBER_EXPECTED),
    _r("date_invalid", ERROR,
       "nilai '{value}' di kolom '{header}' bukan tanggal yang dapat dibaca.",
       "tanggal dengan urutan hari/bulan/tahun, mis. 15/06/2023, atau sel berformat tanggal Excel"),
    _r("identity_invalid", ERROR,
       "isian '{label}' {problem}.",
       "{expected_text}"),
    # -- identity and context ----------------------------------------------------------------
    _r("unit_unknown", ERROR,
       "Kode Satker '{value}' tidak dikenal dalam data induk unit.{hint}",
       "Kode Satker unit Anda sesuai data induk, mis. BPOM-KPG untuk Balai POM di Kupang"),
    _r("unit_mismatch_folder", ERROR,
       "Kode Satker '{value}' berbeda dengan folder pengiriman '{folder}'. Unit hanya boleh mengirim laporannya "
       "sendiri.",
       "Kode Satker '{folder}', atau kirim berkas ini melalui folder unit '{value}'"),
    _r("unit_mismatch_filename", ERROR,
       "Kode Satker '{value}' berbeda dengan kode pada nama berkas ('{name_unit}').",
       "nama berkas {expected_name}"),
    _r("period_mismatch_filename", ERROR,
       "lembar Identitas menyatakan {period}, tetapi nama berkas menyatakan {name_period}.",
       "nama berkas {expected_name}, atau perbaiki Tahun/Bulan di lembar Identitas"),
    _r("period_future", ERROR,
       "periode {period} masih di masa depan (hari ini {today}).",
       "laporan untuk {what} yang sudah berjalan; periksa Tahun dan Bulan di lembar Identitas"),
    _r("period_before_plan", ERROR,
       "belum ada Rencana Tahunan {year} untuk unit {unit} (rencana yang ada: {plan_years}).",
       "kirim Rencana Tahunan {year} terlebih dahulu, atau perbaiki Tahun di lembar Identitas"),
    _r("plan_missing", ERROR,
       "Rencana Tahunan {year} unit {unit} belum ada di sistem, sehingga laporan bulanan tidak dapat diperiksa.",
       "Rencana Tahunan {year} dikirim dan diterima lebih dulu"),
    _r("late_revision_without_note", ERROR,
       "berkas ini menggantikan kiriman {period} yang sudah ada dan batas waktu pengiriman{deadline} sudah "
       "lewat, tetapi Catatan Revisi kosong.",
       "Catatan Revisi berisi alasan perubahan data"),
    _r("policy_pending", WARNING,
       "belum ada kebijakan penilaian (SAKIP) untuk tahun {year}; data berkas ini disimpan, tetapi capaian dan "
       "nilainya baru dihitung setelah kebijakan tahun itu ditetapkan di sistem.",
       "tidak perlu mengirim ulang: operator pusat menambahkan kebijakan penilaian tahun {year}, lalu nilai "
       "dihitung otomatis; bila Tahun di lembar Identitas salah, perbaiki dan kirim ulang"),
    _r("plan_not_available", WARNING,
       "pemeriksaan dilakukan tanpa Rencana Tahunan; aturan yang membandingkan dengan rencana (indikator, target, "
       "pagu) dilewati.",
       "pemeriksaan lengkap dilakukan saat berkas diterima di server"),
    # -- values of a sheet -------------------------------------------------------------------
    _r("value_required", ERROR,
       "kolom '{header}' wajib diisi tetapi kosong.",
       "isian {header}; sel ini tidak boleh kosong"),
    _r("value_not_allowed", ERROR,
       "nilai '{value}' tidak diperbolehkan di kolom '{header}'.",
       "{allowed}"),
    _r("value_negative", ERROR,
       "nilai {value} di kolom '{header}' negatif.",
       "angka 0 atau lebih"),
    _r("count_not_whole", ERROR,
       "jumlah {value} di kolom '{header}' bukan bilangan bulat.",
       "bilangan bulat 0 atau lebih"),
    _r("value_implausible", ERROR,
       "nilai {value} di kolom '{header}' tidak mungkin{scope}: batas tertingginya {limit}.",
       "angka 0 sampai {limit}{scope}; periksa pemisah desimal dan digit yang terketik ganda"),
    _r("value_unusual", WARNING,
       "nilai {value} di kolom '{header}' jauh di atas nilai yang lazim{scope} (paling besar {limit}); berkas "
       "diterima, tetapi periksa kembali nilainya.",
       "angka 0 sampai {limit}{scope}; bila nilai ini memang benar, tidak perlu tindakan, bila salah kirim "
       "perbaikannya"),
    _r("text_too_long", ERROR,
       "isian {what} terlalu panjang: {length} karakter, batasnya {limit} karakter.",
       "teks paling panjang {limit} karakter; ringkas isinya dan simpan uraian lengkap di dokumen pendukung"),
    _r("duplicate_row", ERROR,
       "baris ini mengulang {key} yang sudah ada di baris {first_row}.",
       "satu baris untuk setiap {grain}"),
    _r("code_unknown", ERROR,
       "'{value}' di kolom '{header}' tidak dikenal.",
       "{allowed}"),
    # -- the plan ----------------------------------------------------------------------------
    _r("indicator_sk_undeclared", ERROR,
       "indikator '{indicator}' memakai Kode SK '{value}' yang tidak ada di lembar Sasaran.",
       "Kode SK yang tercantum di lembar Sasaran"),
    _r("sk_without_indicator", ERROR,
       "sasaran '{value}' tidak mempunyai indikator di lembar Indikator.",
       "paling sedikit satu indikator untuk setiap sasaran"),
    _r("rapk_row_missing", ERROR,
       "indikator '{value}' tidak mempunyai baris target bulanan di lembar RAPK.",
       "satu baris RAPK (B01-B12) untuk setiap indikator"),
    _r("rapk_unknown_indicator", ERROR,
       "Kode Indikator '{value}' di lembar RAPK tidak ada di lembar Indikator.",
       "Kode Indikator yang tercantum di lembar Indikator"),
    _r("year_end_has_monthly_target", ERROR,
       "indikator '{indicator}' berpola akhir_tahun tetapi mempunyai target bulan {month_name} ({value}).",
       "hanya B12 yang diisi; B01-B11 kosong untuk indikator akhir tahun"),
    _r("pagu_aa_exceeds_pagu", ERROR,
       "Pagu Setelah AA ({pagu_after_aa_rp}) lebih besar dari Pagu ({pagu_rp}).",
       "Pagu Setelah AA paling besar sama dengan Pagu"),
    _r("rpd_sum_mismatch", ERROR,
       "jumlah RPD B01-B12 untuk RO {ro_code} jenis belanja {expense_type} adalah {total}, tidak sama dengan "
       "Pagu {pagu} (selisih {diff}).",
       "jumlah RPD sama dengan Pagu ({pagu})"),
    _r("rpd_row_missing", ERROR,
       "RO '{value}' jenis belanja {expense_type} tidak mempunyai baris di lembar RPD.",
       "satu baris RPD untuk setiap baris Pagu"),
    _r("allocation_sum_mismatch", WARNING,
       "jumlah Alokasi Anggaran indikator ({total_allocation}) tidak sama dengan jumlah Pagu ({total_pagu}); "
       "selisih {diff}.",
       "jumlah Alokasi Anggaran sama dengan jumlah Pagu"),
    _r("indicator_not_in_catalogue", WARNING,
       "indikator '{value}' tidak ada di katalog nasional; diterima sebagai indikator khusus unit ini untuk "
       "tahun {year}.",
       "kode katalog bila indikator ini sama dengan indikator nasional"),
    _r("ro_not_in_catalogue", WARNING,
       "RO '{value}' tidak ada di katalog rincian output; diterima sebagai RO khusus unit ini untuk tahun {year}.",
       "kode RO katalog (mis. QIC.004) bila RO ini sama dengan RO nasional"),
    # -- the monthly report ------------------------------------------------------------------
    _r("indicator_missing", ERROR,
       "indikator '{value}' ada di Rencana Tahunan tetapi tidak ada di lembar Kinerja.",
       "satu baris untuk setiap indikator Rencana Tahunan"),
    _r("indicator_not_in_plan", ERROR,
       "Kode Indikator '{value}' tidak ada di Rencana Tahunan {year}.",
       "Kode Indikator dari Rencana Tahunan, mis. {examples}"),
    _r("ro_not_in_plan", ERROR,
       "RO '{value}' jenis belanja {expense_type} tidak ada di Pagu Rencana Tahunan {year}.",
       "Kode RO dan Jenis Belanja dari lembar Pagu Rencana Tahunan"),
    _r("realisasi_required", ERROR,
       "Realisasi indikator '{indicator}' kosong padahal ada target bulan {month_name} ({target}).",
       "Realisasi kumulatif s.d. {month_name}"),
    _r("ratio_mismatch", ERROR,
       "Realisasi {value} tidak sama dengan Pembilang / Penyebut x 100 = {derived}.",
       "Realisasi {derived} (selisih paling besar 0,01)"),
    _r("denominator_not_positive", ERROR,
       "Penyebut {value} harus lebih dari 0.",
       "Penyebut lebih dari 0, atau kosongkan Pembilang dan Penyebut"),
    _r("numerator_exceeds_denominator", ERROR,
       "Pembilang ({numerator}) lebih besar dari Penyebut ({denominator}).",
       "Pembilang paling besar sama dengan Penyebut"),
    _r("ms_tms_mismatch", ERROR,
       "MS ({ms}) + TMS ({tms}) tidak sama dengan Diuji ({tested}).",
       "MS + TMS = Diuji"),
    _r("tested_exceeds_sampled", ERROR,
       "Diuji ({tested}) lebih besar dari Jumlah Sampel ({sampled}).",
       "Diuji paling besar sama dengan Jumlah Sampel"),
    _r("mk_tmk_mismatch", ERROR,
       "MK ({mk}) + TMK ({tmk}) tidak sama dengan Diperiksa ({inspected}).",
       "MK + TMK = Diperiksa"),
    _r("cumulative_decrease", WARNING,
       "Realisasi indikator kumulatif '{indicator}' turun dari {previous} (bulan lalu) menjadi {value}.",
       "Realisasi kumulatif tidak lebih kecil dari bulan lalu; bila bulan lalu salah, kirim perbaikannya"),
    _r("kendala_expected", WARNING,
       "capaian indikator '{indicator}' {capaian} % (di bawah 100 %) tetapi {blank} kosong.",
       "Kendala dan Rencana Tindak Lanjut diisi bila capaian di bawah 100 %"),
    _r("spending_exceeds_pagu", WARNING,
       "realisasi anggaran kumulatif RO {ro_code} jenis belanja {expense_type} ({spent}) melebihi Pagu ({pagu}).",
       "realisasi kumulatif paling besar sama dengan Pagu; periksa angka atau catat alasannya"),
    _r("spending_sum_mismatch", WARNING,
       "jumlah Realisasi Anggaran indikator ({kinerja_total}) tidak sama dengan realisasi kumulatif seluruh RO "
       "({ro_total}); selisih {diff}.",
       "jumlah Realisasi Anggaran indikator sama dengan realisasi kumulatif lembar Anggaran"),
    _r("derived_indicator_mismatch", WARNING,
       "Realisasi {value} berbeda dengan nilai dari data {source} s.d. bulan ini: {numerator} / {denominator} "
       "x 100 = {derived}.",
       "Realisasi {derived} (selisih paling besar 0,01), atau perbaiki data {source}"),
    # -- outliers against the unit's own history (transforms.outliers, flows.outliers) -----------
    _r("outlier", WARNING,
       "{what} {value} jauh {direction} riwayat unit ini sendiri: {history}.",
       "periksa kembali angka ini (salah ketik, satuan, atau angka setahun diisi sebulan?); bila memang benar, "
       "minta Pusat mencatatnya sebagai sudah diperiksa (sakip follow-up) beserta alasannya"),
    # -- data-quality controls (flows.controls): period lock and quarter approval -------------
    _r("period_locked", ERROR,
       "periode {period} sudah dikunci sejak {locked_from} ({lock_days} hari setelah batas waktu {deadline}); "
       "berkas ini pertama kali terlihat oleh sistem pada {seen} sehingga tidak dimuat.",
       "kiriman sebelum periode dikunci; bila perbaikan tetap diperlukan, minta Pusat memberi pengecualian "
       "kunci periode (sakip unlock), lalu berkas yang sama dimuat pada pengumpulan berikutnya"),
    _r("quarter_frozen", ERROR,
       "data {quarter} {year} unit ini berstatus '{state}' ({by}, {at}); data triwulan dalam persetujuan atau "
       "yang sudah disetujui tidak dapat diubah, sehingga berkas{what} ini tidak dimuat.",
       "minta {who} membuka kembali {quarter} {year} dengan alasan (sakip reopen); berkas yang sama dimuat pada "
       "pengumpulan berikutnya"),
)}

#: Errors that depend on when the file is checked, not on its content: the plan was not loaded yet,
#: or the period had not begun. A file rejected for these alone is checked again when collected again
#: (an identical file is otherwise a no-op).
#: A locked period or a quarter under approval (``flows.controls``) is lifted by the centre (a lock exception,
#: a reopening), not by changing the file: the same bytes are checked again too.
CONTEXT_RULES = frozenset({"plan_missing", "period_before_plan", "period_future", "period_locked",
                           "quarter_frozen"})
#: Errors about the file's name or where it was put, not its content: fixed by renaming the file or
#: sending it through the right folder, so the same bytes must stay sendable (checked again).
CHANNEL_RULES = frozenset({"unit_mismatch_filename", "period_mismatch_filename", "file_outside_unit_folder"})


def identity_invalid_params(label: str, dtype: str, typed: Any = None, *, found: bool = True,
                            bounds: tuple[int, int] | None = None) -> dict[str, str]:
    """``label``, ``problem`` and ``expected_text`` of an ``identity_invalid`` problem.

    ``typed`` None: the field is blank (``found``) or its row is not on the sheet; else the value as typed
    is not a whole number within ``bounds`` (``dtype`` 'int') or not a date (``dtype`` 'date').
    """
    if typed is None:
        where = "kosong" if found else "tidak ditemukan di lembar Identitas"
        return {"label": label, "problem": where, "expected_text": f"isian '{label}' diisi"}
    typed = clip(str(typed), MAX_VALUE_CHARS, at_item=False)
    if dtype == "int":
        low, high = bounds or (0, 0)
        return {"label": label, "problem": f"bernilai '{typed}', bukan bilangan bulat {low}-{high}",
                "expected_text": f"bilangan bulat {low} sampai {high}"}
    return {"label": label, "problem": f"bernilai '{typed}', bukan tanggal",
            "expected_text": "tanggal, mis. 15/07/2023"}


def rule(rule_id: str) -> Rule:
    """The rule of an id (KeyError for an unknown id: a typo in code, not a steward mistake)."""
    return RULES[rule_id]


def fmt_number(value: Any, decimals: int = 2) -> str:
    """A number as Indonesians write it: 1234567.891 -> '1.234.567,89', 12.0 -> '12'.

    Rounded by ``reference.rounding`` (the rule kriteria are banded with and the report prints with),
    so a capaian of 99,995 reads '100' here as it reads '100,00' in the report; trailing zeros dropped.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "kosong"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return str(value)
    if number.is_integer():
        text = f"{number:,.0f}"
    else:
        text = f"{rounded_decimal(number, decimals):,f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
        text = "0" if text in ("-0", "") else text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_rupiah(value: Any) -> str:
    """An amount in rupiah: 1500000 -> 'Rp 1.500.000'."""
    return f"Rp {fmt_number(value, 0)}" if pd.notna(value) else "kosong"


def clip(text: str, limit: int, at_item: bool = True) -> str:
    """``text`` cut to at most ``limit`` characters, ending in '...'; a list ('a, b, c') is cut after
    its last whole item when that keeps more than half (``at_item``)."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 3]
    comma = cut.rfind(", ") if at_item else -1
    return f"{cut[:comma] if comma > limit // 2 else cut}..."


def _capped(value: Any) -> Any:
    """A template field bounded at ``MAX_PARAM_CHARS`` (numbers stay numbers for their format specs)."""
    if isinstance(value, (int, float)) or value is None:
        return value
    return clip(value if isinstance(value, str) else str(value), MAX_PARAM_CHARS)


def _short(text: str | None) -> str | None:
    """A location field (file, sheet, column, cell) bounded at ``MAX_VALUE_CHARS``."""
    return text if text is None or len(text) <= MAX_VALUE_CHARS else clip(str(text), MAX_VALUE_CHARS, False)


def _location(file: str | None, sheet: str | None, row: int | None, header: str | None, cell: str | None) -> str:
    parts = [f"Berkas '{file}'" if file else "Berkas"]
    if sheet:
        parts.append(f"lembar '{sheet}'")
    if cell:
        parts.append(f"sel {cell}")
    elif row is not None:
        parts.append(f"baris {row}")
    elif header:
        parts.append(f"kolom '{header}'")
    return ", ".join(parts)


def problem(
    rule_id: str,
    *,
    file: str | None = None,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    cell: str | None = None,
    value: Any = None,
    **params: Any,
) -> dict[str, Any]:
    """One problem as a dict of ``PROBLEM_COLUMNS``; ``column`` is the printed header.

    ``params`` fill the rule's templates together with ``value``, ``header`` (= column) and ``sheet``.
    Every text is bounded (module docstring), whatever the steward typed or named.
    """
    spec = RULES[rule_id]
    shown = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    shown = clip(shown, MAX_VALUE_CHARS, at_item=False)
    file, sheet, column, cell = _short(file), _short(sheet), _short(column), _short(cell)
    fields = {"value": shown, "header": column or "", "sheet": sheet or "",
              **{name: _capped(param) for name, param in params.items()}}
    text = spec.message.format(**fields)
    message = f"{_location(file, sheet, row, column, cell)}: {text[:1].upper()}{text[1:]}"
    return {
        "rule_id": rule_id,
        "severity": spec.severity,
        "sheet": sheet,
        "row": None if row is None else int(row),
        "column": column,
        "cell": cell,
        "value": shown,
        "message": clip(message, MAX_TEXT_CHARS, at_item=False),
        "expected": clip(_capitalise(spec.expected.format(**fields)), MAX_TEXT_CHARS, at_item=False),
    }


def _capitalise(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}"


def problems_frame(problems: list[dict[str, Any]]) -> pd.DataFrame:
    """A problems frame with the contract's columns (empty frame when there is none)."""
    frame = pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS))
    return frame.astype({"row": "Int64"})
