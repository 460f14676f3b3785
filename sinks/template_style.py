"""Decoration of contract workbooks: what makes a written workbook a template a steward can fill.

``decorate(book, kind, ...)`` adds, on top of the layout ``write_workbook`` writes: a styled, locked
header row (the sheet is protected without a password; data cells are unlocked, rows can be inserted,
deleted and formatted), frozen panes, column widths, number formats, drop-down lists for coded columns
(long lists on the hidden ``Daftar`` sheet), Indonesian notes on the headers and the instructions sheet
``Petunjuk``. It never renames, moves or removes a contract sheet or header, so a decorated workbook
reads exactly like an undecorated one (readers ignore the two extra sheets).
Texts it writes into cells (code lists, instructions) go through ``sinks.xlsx_text``, so a code or
name a steward typed is never written as a formula; the only formulas here are the data validations'
list sources and bounds (``formula1``/``formula2``), which are not cell values.

Everything a steward reads here is Indonesian.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from reference import master, values
from sakip import periods
from schemas import contract
from sinks.xlsx_text import set_text, text_row

#: The contract's column and identity specs, cached (they are immutable tuples read from CSV).
columns = lru_cache(maxsize=None)(contract.columns)
identity_fields = lru_cache(maxsize=None)(contract.identity_fields)
header_of = lru_cache(maxsize=None)(contract.header_of)

#: Sheet holding the long drop-down lists (hidden).
LISTS_SHEET = "Daftar"
#: Rows below the header that drop-downs and unlocked column styles cover.
VALIDATION_ROWS = 1000

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
LABEL_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=14, color="1F4E78")

#: Columns holding whole counts (number format ``0``).
COUNT_COLUMNS = frozenset({"sampled", "tested", "ms", "tms", "inspected", "mk", "tmk", "numerator",
                           "denominator", "volume_target", "volume_cum"})
#: Named styles: name -> (number format, locked).
STYLES = {
    "sakip_header": ("General", True),
    "sakip_label": ("General", True),
    "sakip_rp": ("#,##0", False),
    "sakip_dec": ("0.00", False),
    "sakip_int": ("0", False),
    "sakip_text": ("@", False),
    "sakip_date": ("dd/mm/yyyy", False),
    "sakip_general": ("General", False),
}

#: What each column means, as the steward reads it: (workbook, sheet, canonical column) -> text.
COLUMN_HELP: dict[tuple[str, str, str], str] = {
    ("rencana", "Sasaran", "sk_code"): ("Kode Sasaran Kegiatan (SK), mis. SAS-OM-MS. Kode tidak boleh diubah "
                                        "antar tahun."),
    ("rencana", "Sasaran", "sk_name"): "Nama Sasaran Kegiatan sebagaimana tertulis di PK.",
    ("rencana", "Sasaran", "perspective"): "Perspektif: Stakeholder, Internal Process, atau Learning and Growth.",
    ("rencana", "Indikator", "sk_code"): "Kode SK tempat indikator berada; harus ada di sheet Sasaran.",
    ("rencana", "Indikator", "indicator_code"): "Kode indikator (IKU) yang tetap, mis. IKU-OBAT-MS.",
    ("rencana", "Indikator", "indicator_name"): "Nama indikator sebagaimana tertulis di PK.",
    ("rencana", "Indikator", "unit_of_measure"): "Satuan: persen, indeks, nilai, atau jumlah.",
    ("rencana", "Indikator", "polarity"): "naik = makin tinggi makin baik; turun = makin rendah makin baik.",
    ("rencana", "Indikator", "is_iku"): "Ya jika indikator kinerja utama (IKU), Tidak jika bukan.",
    ("rencana", "Indikator", "weight"): "Bobot indikator dalam SK (biasanya 1).",
    ("rencana", "Indikator", "annual_target"): "Target tahunan dalam satuan indikator (persen ditulis 0-100).",
    ("rencana", "Indikator", "pattern"): ("Pola target bulanan: flat (sama tiap bulan), kumulatif (naik menuju target "
                                          "tahunan), tahapan (B01-B11 progres %, B12 target tahunan), akhir_tahun "
                                          "(hanya B12)."),
    ("rencana", "Indikator", "allocation_rp"): ("Anggaran yang dialokasikan ke indikator (rupiah penuh). "
                                                "Jumlahnya = total Pagu."),
    ("rencana", "RAPK", "indicator_code"): "Kode indikator; satu baris untuk setiap indikator di sheet Indikator.",
    ("rencana", "Pagu", "ro_code"): "Kode Rincian Output (KRO.RO), mis. QIC.004.",
    ("rencana", "Pagu", "ro_name"): "Nama Rincian Output sesuai DIPA.",
    ("rencana", "Pagu", "expense_type"): "Jenis belanja: 51 Pegawai, 52 Barang, 53 Modal.",
    ("rencana", "Pagu", "pagu_rp"): "Pagu DIPA baris ini (rupiah penuh, tanpa Rp).",
    ("rencana", "Pagu", "pagu_after_aa_rp"): "Pagu setelah Automatic Adjustment / blokir; tidak boleh melebihi Pagu.",
    ("rencana", "Pagu", "volume_target"): "Target volume keluaran RO dalam setahun.",
    ("rencana", "Pagu", "volume_unit"): "Satuan volume (Laporan, Sampel, Sarana, Layanan, ...).",
    ("rencana", "RPD", "ro_code"): "Kode RO; satu baris untuk setiap baris Pagu (RO x jenis belanja).",
    ("rencana", "RPD", "expense_type"): "Jenis belanja: 51, 52 atau 53.",
    ("bulanan", "Kinerja", "indicator_code"): "Kode indikator dari Rencana Tahunan; setiap indikator tepat satu baris.",
    ("bulanan", "Kinerja", "realisasi"): ("Realisasi KUMULATIF s.d. bulan ini dalam satuan indikator (persen 0-100). "
                                          "Kosongkan bila bulan ini tidak ada target (mis. diukur akhir tahun)."),
    ("bulanan", "Kinerja", "numerator"): "Pembilang (mis. jumlah sampel MS s.d. bulan ini) untuk indikator persen.",
    ("bulanan", "Kinerja", "denominator"): ("Penyebut (mis. jumlah sampel diuji s.d. bulan ini); harus > 0 dan "
                                            ">= Pembilang."),
    ("bulanan", "Kinerja", "spent_cum_rp"): "Realisasi anggaran indikator KUMULATIF s.d. bulan ini (rupiah penuh).",
    ("bulanan", "Kinerja", "kendala"): "Wajib diisi bila capaian di bawah 100: apa penyebabnya.",
    ("bulanan", "Kinerja", "rtl"): "Wajib diisi bila capaian di bawah 100: langkah perbaikan yang akan dilakukan.",
    ("bulanan", "Kinerja", "rtl_deadline"): "Batas waktu rencana tindak lanjut (mis. Triwulan III 2023).",
    ("bulanan", "Anggaran", "ro_code"): "Kode RO dari Pagu di Rencana Tahunan.",
    ("bulanan", "Anggaran", "expense_type"): "Jenis belanja: 51, 52 atau 53.",
    ("bulanan", "Anggaran", "spent_month_rp"): "Realisasi belanja BULAN INI saja (bukan kumulatif), rupiah penuh.",
    ("bulanan", "Anggaran", "volume_cum"): "Volume keluaran yang tercapai s.d. bulan ini (kumulatif).",
    ("bulanan", "Anggaran", "progress_pct"): "Progres (persen 0-100) bila volume belum dapat dihitung.",
    ("bulanan", "Sampling", "commodity"): "Kode komoditi (lihat daftar pilihan), mis. OBAT, PANGAN, KOS.",
    ("bulanan", "Sampling", "method"): "Metode sampling: Targeted atau Random.",
    ("bulanan", "Sampling", "sampled"): "Jumlah sampel yang diambil BULAN INI.",
    ("bulanan", "Sampling", "tested"): ("Jumlah sampel yang selesai diuji bulan ini; tidak boleh melebihi "
                                        "Jumlah Sampel."),
    ("bulanan", "Sampling", "ms"): "Jumlah sampel Memenuhi Syarat. MS + TMS harus sama dengan Diuji.",
    ("bulanan", "Sampling", "tms"): "Jumlah sampel Tidak Memenuhi Syarat.",
    ("bulanan", "Pemeriksaan", "facility_type"): "Kode jenis sarana (lihat daftar pilihan), mis. DIST-PBF.",
    ("bulanan", "Pemeriksaan", "inspected"): "Jumlah sarana yang diperiksa BULAN INI.",
    ("bulanan", "Pemeriksaan", "mk"): "Jumlah sarana Memenuhi Ketentuan. MK + TMK harus sama dengan Diperiksa.",
    ("bulanan", "Pemeriksaan", "tmk"): "Jumlah sarana Tidak Memenuhi Ketentuan.",
    ("bulanan", "Penindakan", "case_number"): "Nomor perkara yang tahapnya berubah bulan ini.",
    ("bulanan", "Penindakan", "stage"): "Tahap yang dicapai: SPDP, Tahap I, P-21, Tahap II, Putusan.",
    ("bulanan", "Penindakan", "stage_date"): "Tanggal tahap tersebut dicapai (dd/mm/yyyy).",
}

#: Help for the Identitas rows: (workbook, field) -> text.
IDENTITY_HELP: dict[tuple[str, str], str] = {
    ("rencana", "unit_code"): "Kode Satker dari data induk (mis. BPOM-KPG). Jangan diubah.",
    ("rencana", "year"): "Tahun rencana (4 angka).",
    ("rencana", "template_version"): "Versi template; diisi oleh sistem, jangan diubah.",
    ("rencana", "dipa_number"): "Nomor DIPA tahun berjalan.",
    ("rencana", "pk_date"): "Tanggal penandatanganan Perjanjian Kinerja (dd/mm/yyyy).",
    ("rencana", "head_name"): "Nama Kepala Satker yang menandatangani PK.",
    ("rencana", "revision_note"): "Diisi bila rencana direvisi: apa yang diubah dan mengapa.",
    ("bulanan", "unit_code"): "Kode Satker dari data induk (mis. BPOM-KPG). Jangan diubah.",
    ("bulanan", "year"): "Tahun laporan (4 angka).",
    ("bulanan", "month"): "Bulan laporan (1-12).",
    ("bulanan", "template_version"): "Versi template; diisi oleh sistem, jangan diubah.",
    ("bulanan", "steward"): "Nama penanggung jawab data yang dapat dihubungi.",
    ("bulanan", "sent_date"): "Tanggal file dikirim (dd/mm/yyyy).",
    ("bulanan", "revision_note"): "Wajib diisi bila file ini memperbaiki laporan yang sudah dikirim setelah tenggat.",
}

#: What each sheet holds.
SHEET_HELP: dict[tuple[str, str], str] = {
    ("rencana", "Identitas"): "Identitas rencana: satker, tahun, DIPA, PK.",
    ("rencana", "Sasaran"): "Sasaran Kegiatan (SK) unit kerja beserta perspektifnya. Setiap SK minimal satu indikator.",
    ("rencana", "Indikator"): ("Perjanjian Kinerja: indikator, satuan, target tahunan, pola target dan "
                               "alokasi anggaran."),
    ("rencana", "RAPK"): ("Rencana Aksi PK: target setiap bulan B01-B12 (Januari-Desember), kumulatif s.d. bulan itu. "
                          "Kosong = tidak diukur bulan itu. Indikator akhir_tahun hanya diisi B12."),
    ("rencana", "Pagu"): "Pagu DIPA per Rincian Output x jenis belanja, pagu setelah AA, target volume.",
    ("rencana", "RPD"): ("Rencana Penarikan Dana (halaman III DIPA) per bulan, rupiah; jumlah B01-B12 "
                         "setiap baris harus sama dengan Pagu baris itu."),
    ("bulanan", "Identitas"): "Identitas laporan: satker, tahun, bulan, penanggung jawab data, tanggal kirim.",
    ("bulanan", "Kinerja"): ("Realisasi setiap indikator Rencana Tahunan, KUMULATIF s.d. bulan ini, beserta "
                             "kendala dan rencana tindak lanjut bila capaian < 100."),
    ("bulanan", "Anggaran"): "Realisasi belanja BULAN INI per RO x jenis belanja, volume s.d. bulan ini, progres.",
    ("bulanan", "Sampling"): "Sampel BULAN INI per komoditi x metode. MS + TMS = Diuji <= Jumlah Sampel.",
    ("bulanan", "Pemeriksaan"): "Pemeriksaan sarana BULAN INI per jenis sarana. MK + TMK = Diperiksa.",
    ("bulanan", "Penindakan"): "Perkara yang berpindah tahap BULAN INI (satu baris per perkara).",
}

#: Drop-down lists whose values are short enough to live in the validation itself.
INLINE_LISTS: dict[str, tuple[str, ...]] = {
    "perspective": master.PERSPECTIVES,
    "polarity": tuple(master.POLARITY),
    "is_iku": (values.YES, values.NO),
    "pattern": tuple(master.PATTERNS),
    "unit_of_measure": ("persen", "indeks", "nilai", "jumlah"),
    "expense_type": tuple(master.EXPENSE_TYPES),
    "method": master.SAMPLING_METHODS,
    "stage": master.ENFORCEMENT_STAGES,
}
#: Columns whose drop-down is a code list (kept on the hidden sheet; a typed alias only warns).
CODE_LISTS = ("commodity", "facility_type", "indicator_code", "ro_code", "sk_code")
#: Where each code list comes from inside the workbook being decorated: column -> (kind, source sheet).
CODE_LIST_SOURCES: dict[tuple[str, str], str] = {
    ("rencana", "sk_code"): "Sasaran",
    ("rencana", "indicator_code"): "Indikator",
    ("rencana", "ro_code"): "Pagu",
    ("bulanan", "indicator_code"): "Kinerja",
    ("bulanan", "ro_code"): "Anggaran",
}
#: Sheets that define a code list rather than pick from it (no drop-down on their own code column).
DEFINING_SHEETS = {("rencana", "Sasaran", "sk_code"), ("rencana", "Indikator", "indicator_code"),
                   ("rencana", "Pagu", "ro_code")}


def master_code_lists() -> dict[str, list[str]]:
    """Commodity and facility-type codes of the master data (products only: no ``UMUM``)."""
    com = master.commodities()
    com = com[com["supergroup"] != ""]
    return {"commodity": com["code"].tolist(), "facility_type": master.facility_types()["code"].tolist()}


def _register_styles(book: Workbook) -> None:
    for name, (fmt, locked) in STYLES.items():
        if name in book.named_styles:
            continue
        style = NamedStyle(name=name, number_format=fmt, protection=Protection(locked=locked))
        if name == "sakip_header":
            style.font = Font(bold=True, color="FFFFFF")
            style.fill = HEADER_FILL
            style.alignment = Alignment(vertical="center", wrap_text=True)
        elif name == "sakip_label":
            style.font = Font(bold=True)
            style.fill = LABEL_FILL
        book.add_named_style(style)


def style_of(kind: str, sheet: str, spec: contract.ColumnSpec) -> str:
    """The named style of a data column: rupiah, decimal, count, text or date."""
    if spec.dtype in ("code", "text"):
        return "sakip_text"
    if spec.dtype == "date":
        return "sakip_date"
    if spec.name.endswith("_rp") or (kind == contract.PLAN and sheet == "RPD" and spec.name in contract.MONTH_COLUMNS):
        return "sakip_rp"
    if spec.name in COUNT_COLUMNS or spec.dtype == "int":
        return "sakip_int"
    return "sakip_dec"


def _column_width(ws: Worksheet, col: int, header: str) -> float:
    values = next(ws.iter_cols(min_col=col, max_col=col, min_row=2, max_row=min(ws.max_row, 200), values_only=True), ())
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    return float(min(60, max(len(header) + 4, longest + 2, 8)))


def _style_data_sheet(ws: Worksheet, kind: str, sheet: str, specs: Sequence[contract.ColumnSpec]) -> None:
    """Header locked and styled; data cells and the empty rows below unlocked, with number formats."""
    ws.row_dimensions[1].height = 30
    for idx, spec in enumerate(specs, start=1):
        letter = get_column_letter(idx)
        style = style_of(kind, sheet, spec)
        fmt, _ = STYLES[style]
        header = ws.cell(row=1, column=idx)
        header.style = "sakip_header"
        help_text = COLUMN_HELP.get((kind, sheet, spec.name))
        if help_text:
            header.comment = Comment(help_text, "SAKIP", width=260, height=90)
        dim = ws.column_dimensions[letter]
        dim.width = _column_width(ws, idx, spec.header)
        dim.number_format = fmt
        dim.protection = Protection(locked=False)
        for (cell,) in ws.iter_rows(min_row=2, max_row=ws.max_row, min_col=idx, max_col=idx):
            cell.style = style
    ws.freeze_panes = "B2"


def _style_identity(ws: Worksheet, kind: str, version: str) -> None:
    for cell in ws[1]:
        cell.style = "sakip_header"
    formats = {"int": "sakip_int", "date": "sakip_date"}
    for row, spec in enumerate(identity_fields(kind, version), start=2):
        label = ws.cell(row=row, column=1)
        label.style = "sakip_label"
        help_text = IDENTITY_HELP.get((kind, spec.name))
        if help_text:
            label.comment = Comment(help_text, "SAKIP", width=260, height=70)
        ws.cell(row=row, column=2).style = formats.get(spec.dtype, "sakip_text")
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 40
    ws.freeze_panes = "A2"


def _protect(ws: Worksheet) -> None:
    """Protect the sheet without a password: locked cells (the headers) can't be edited, rows can be
    inserted, deleted and formatted, cells and columns formatted, data sorted and filtered."""
    prot = ws.protection
    prot.sheet = True
    prot.formatCells = False
    prot.formatColumns = False
    prot.formatRows = False
    prot.insertRows = False
    prot.deleteRows = False
    prot.sort = False
    prot.autoFilter = False


def _code_lists(book: Workbook, kind: str, version: str,
                choices: Mapping[str, Sequence[str]] | None) -> dict[str, list[str]]:
    """Allowed codes per column: master lists, then codes defined inside this workbook, then ``choices``."""
    lists = master_code_lists()
    for (list_kind, column), sheet in CODE_LIST_SOURCES.items():
        if list_kind != kind or sheet not in book.sheetnames:
            continue
        names = [s.name for s in columns(kind, sheet, version)]
        idx = names.index(column) + 1
        values = next(book[sheet].iter_cols(min_col=idx, max_col=idx, min_row=2, values_only=True), ())
        lists[column] = list(dict.fromkeys(str(v).strip() for v in values if v not in (None, "")))
    for column, values in (choices or {}).items():
        lists[column] = list(dict.fromkeys(str(v).strip() for v in values))
    return {k: v for k, v in lists.items() if v}


def _write_lists(book: Workbook, lists: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Write the code lists to the hidden ``Daftar`` sheet; return column -> range reference."""
    ws = book.create_sheet(LISTS_SHEET)
    refs: dict[str, str] = {}
    for idx, (column, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(idx)
        set_text(ws.cell(row=1, column=idx), column).style = "sakip_header"
        for row, value in enumerate(values, start=2):  # codes from the unit's plan: text, never formulas
            set_text(ws.cell(row=row, column=idx), value)
        refs[column] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    ws.sheet_state = "hidden"
    _protect(ws)
    return refs


def _validation(column: str, header: str, refs: Mapping[str, str]) -> DataValidation | None:
    if column in INLINE_LISTS:
        values = INLINE_LISTS[column]
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                            errorStyle="stop", showErrorMessage=True, showInputMessage=True)
        dv.prompt = f"Pilih salah satu: {', '.join(values)}."
    elif column in refs:
        dv = DataValidation(type="list", formula1=refs[column], allow_blank=True,
                            errorStyle="warning", showErrorMessage=True, showInputMessage=True)
        dv.prompt = "Pilih kode dari daftar. Kode lain akan ditolak saat validasi."
    else:
        return None
    dv.promptTitle = header[:32]
    dv.errorTitle = "Nilai tidak ada di daftar"
    dv.error = f"Isi kolom {header} dengan salah satu pilihan dari daftar."
    return dv


def _number_validation(kind: str, sheet: str, spec: contract.ColumnSpec) -> DataValidation | None:
    """Counts must be whole numbers >= 0, rupiah amounts numbers >= 0 (Excel warns; the validator decides)."""
    style = style_of(kind, sheet, spec)
    if style not in ("sakip_int", "sakip_rp"):
        return None
    whole = style == "sakip_int"
    dv = DataValidation(type="whole" if whole else "decimal", operator="greaterThanOrEqual", formula1="0",
                        allow_blank=True, errorStyle="warning", showErrorMessage=True, showInputMessage=False)
    dv.errorTitle = "Angka tidak valid"
    dv.error = (f"{spec.header} diisi bilangan bulat 0 atau lebih." if whole
                else f"{spec.header} diisi rupiah penuh (angka 0 atau lebih), tanpa Rp dan tanpa teks.")
    return dv


def _identity_validations(ws: Worksheet, kind: str, version: str) -> None:
    """Tahun and Bulan are whole numbers in range."""
    bounds = {"year": (2000, 2100), "month": (1, 12)}
    for row, spec in enumerate(identity_fields(kind, version), start=2):
        if spec.name not in bounds:
            continue
        low, high = bounds[spec.name]
        dv = DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high),
                            errorStyle="stop", showErrorMessage=True)
        dv.errorTitle = "Nilai tidak valid"
        dv.error = f"{spec.header} diisi angka {low}-{high}."
        dv.add(f"B{row}")
        ws.add_data_validation(dv)


def _add_validations(ws: Worksheet, kind: str, sheet: str, specs: Sequence[contract.ColumnSpec],
                     refs: Mapping[str, str]) -> None:
    for idx, spec in enumerate(specs, start=1):
        if (kind, sheet, spec.name) in DEFINING_SHEETS:
            continue
        dv = _validation(spec.name, spec.header, refs) or _number_validation(kind, sheet, spec)
        if dv is None:
            continue
        letter = get_column_letter(idx)
        dv.add(f"{letter}2:{letter}{VALIDATION_ROWS + 1}")
        ws.add_data_validation(dv)


def _instruction_rows(kind: str, version: str, identity: Mapping[str, object],
                      deadline_day: int) -> list[tuple[str, ...]]:
    """The lines of the ``Petunjuk`` sheet, as (sheet, column, required, explanation) rows."""
    code = str(identity.get("unit_code") or "<KODE>")
    year = identity.get("year") if isinstance(identity.get("year"), int) else 2023
    month = identity.get("month") if isinstance(identity.get("month"), int) and 1 <= identity["month"] <= 12 else 6
    if kind == contract.PLAN:
        title = "Petunjuk Pengisian Rencana Tahunan (PK, RAPK dan Anggaran)"
        naming = f"Nama file: {code}_<TAHUN>_rencana.xlsx, mis. {code}_{year}_rencana.xlsx."
        timing = ("Rencana dikirim sekali setahun setelah PK ditandatangani; revisi dikirim sebagai file baru "
                  "dengan Catatan Revisi.")
    else:
        title = "Petunjuk Pengisian Laporan Bulanan Kinerja dan Anggaran"
        due = periods.deadline(year, month, deadline_day)
        naming = (f"Nama file: {code}_<TAHUN>-<BULAN>.xlsx, mis. {code}_{year}-{month:02d}.xlsx untuk laporan "
                  f"{periods.month_name(month)} {year}.")
        timing = (f"Tenggat: paling lambat tanggal {deadline_day} bulan berikutnya (laporan ini: "
                  f"{due.day} {periods.month_name(due.month)} {due.year}). Perbaikan setelah tenggat wajib "
                  "mengisi Catatan Revisi.")
    general = [
        (title,),
        ("",),
        ("Ketentuan umum",),
        ("Isi hanya sel data. Judul kolom dan nama sheet terkunci: jangan diubah, dipindah atau dihapus.",),
        ("Sel kosong berarti tidak diukur / belum ada data. Boleh juga ditulis -, NA atau N/A.",),
        ("Tulis angka sebagai angka, tanpa kata (bukan 'sembilan puluh' atau '98 persen?').",),
        ("Rupiah ditulis penuh tanpa 'Rp' dan tanpa singkatan (30215555000, bukan 30,2 M).",),
        ("Persen ditulis 0-100: 95,5 berarti 95,5 %.",),
        ("Realisasi kinerja dan realisasi anggaran per indikator bersifat KUMULATIF s.d. bulan laporan; "
         "realisasi anggaran per RO, sampling, pemeriksaan dan penindakan hanya untuk BULAN INI.",),
        (timing,),
        (naming,),
        (f"Kirim ke folder satker {code} di kotak masuk. Identitas (Kode Satker, Tahun, Bulan) harus sesuai "
         "nama file dan folder.",),
        ("Sebelum mengirim, periksa file dengan perintah: sakip validate <nama file>. Hasilnya: diterima, "
         "diterima dengan peringatan, atau ditolak. File yang ditolak tidak disimpan; salinan file Anda "
         "dikembalikan dengan sel bermasalah ditandai dan sheet 'Daftar Masalah' berisi penjelasannya.",),
        ("Daftar pilihan (drop-down) tersedia untuk kolom berkode; kode lain akan ditolak saat validasi.",),
        (f"Versi template: {version}.",),
        ("",),
        ("Sheet", "Kolom", "Wajib", "Keterangan"),
    ]
    rows: list[tuple[str, ...]] = []
    rows.append((contract.IDENTITY_SHEET, "", "", SHEET_HELP[(kind, contract.IDENTITY_SHEET)]))
    for spec in identity_fields(kind, version):
        rows.append(("", spec.header, "Ya" if spec.required else "", IDENTITY_HELP.get((kind, spec.name), "")))
    for sheet in contract.data_sheets(kind):
        rows.append((sheet, "", "", SHEET_HELP[(kind, sheet)]))
        for spec in columns(kind, sheet, version):
            text = COLUMN_HELP.get((kind, sheet, spec.name))
            if text is None and spec.name in contract.MONTH_COLUMNS:
                text = ("Rencana penarikan dana bulan ini (rupiah)." if sheet == "RPD"
                        else "Target kumulatif s.d. bulan ini; kosong = tidak diukur.")
            rows.append(("", spec.header, "Ya" if spec.required else "", text or ""))
    return general + rows


def _write_instructions(book: Workbook, kind: str, version: str, identity: Mapping[str, object],
                        deadline_day: int) -> Worksheet:
    ws = book.create_sheet(contract.INSTRUCTIONS_SHEET)
    rows = _instruction_rows(kind, version, identity, deadline_day)
    for row in rows:  # the unit code comes from the workbook's identity: text, never a formula
        ws.append(text_row(ws, row))
    ws["A1"].font = TITLE_FONT
    table_start = next(i for i, r in enumerate(rows, start=1) if r == ("Sheet", "Kolom", "Wajib", "Keterangan"))
    for cell in ws[table_start]:
        cell.style = "sakip_header"
    ws["A3"].font = Font(bold=True)
    for row in ws.iter_rows(min_row=table_start + 1, max_row=ws.max_row):
        if row[0].value:
            row[0].font = Font(bold=True)
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (16, 26, 8, 100)):
        ws.column_dimensions[letter].width = width
    _protect(ws)
    return ws


def decorate(
    book: Workbook,
    kind: contract.WorkbookKind,
    version: str | None,
    choices: Mapping[str, Sequence[str]] | None,
    deadline_day: int,
) -> Workbook:
    """Turn a workbook written by ``write_workbook`` into a steward's template (in place).

    ``choices`` overrides code lists (column -> codes), e.g. the plan's indicator and RO codes for a
    monthly report whose own rows may not list them all; ``deadline_day`` is the reporting deadline
    the instructions state (the settings' ``deadline_day``, the one the validator judges by).
    """
    version = version or contract.current_version()
    _register_styles(book)
    identity = book[contract.IDENTITY_SHEET]
    fields = [spec.name for spec in identity_fields(kind, version)]
    values = {name: identity.cell(row=row, column=2).value for row, name in enumerate(fields, start=2)}
    _style_identity(identity, kind, version)
    _identity_validations(identity, kind, version)
    _protect(identity)
    refs = _write_lists(book, _code_lists(book, kind, version, choices))
    for sheet in contract.data_sheets(kind):
        ws = book[sheet]
        specs = columns(kind, sheet, version)
        _style_data_sheet(ws, kind, sheet, specs)
        _add_validations(ws, kind, sheet, specs, refs)
        _protect(ws)
    _write_instructions(book, kind, version, values, deadline_day)
    book.active = book.sheetnames.index(contract.IDENTITY_SHEET)
    return book
