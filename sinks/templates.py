"""Writing contract workbooks (the annual plan and the monthly report) and the units' templates.

``write_workbook`` is the one writer of the contract's layout: an ``Identitas`` sheet of Field/Nilai
rows and one sheet per data frame, with the printed headers of ``schemas/column_map.csv``, decorated
for stewards by ``sinks.template_style.decorate`` (locked headers, drop-downs, number formats, the
``Petunjuk`` sheet). Templates, the demo generator and the test fixtures all write through it, so a
workbook the system hands out is always one its reader accepts. Every text goes into its cell as text
(``sinks.xlsx_text``): names and codes in a unit's plan were typed by a steward, and one starting with
``=`` must not come back as a live formula in the next template. No cell holds a formula.

``unit_plan_skeleton`` and ``unit_budget_skeleton`` say which indicators and budget lines a unit's
plan has before any number is filled in: the catalogue's standard plan for UPT, a governance plan plus
one unit-specific indicator for central units. Templates and the demo generator both start from them.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from reference import master
from sakip.settings import get_settings
from schemas import contract
from sinks.template_style import columns, decorate, identity_fields
from sinks.xlsx_text import text_row

#: Plan word of each catalogue measurement (flat, kumulatif, tahapan, akhir_tahun): the one vocabulary.
PATTERN_OF_MEASUREMENT = master.PATTERN_OF_MEASUREMENT
#: Central units' governance plan: (sasaran, indicator) in plan order; ``None`` = the unit's own.
CENTRAL_PLAN: tuple[tuple[str | None, str | None], ...] = (
    ("SAS-KEPUASAN", "IKU-IKM-LAYANAN-PUBLIK"),
    (None, None),
    ("SAS-TATA-KELOLA", "IKU-IDX-RB"),
    ("SAS-TATA-KELOLA", "IKU-AKIP"),
    ("SAS-SDM", "IKU-IP-ASN"),
    ("SAS-LAB-DATA", "IKU-DATA-INFO"),
    ("SAS-KEUANGAN", "IKU-NKA"),
)
#: A central unit's own indicator, chosen by a word of its name: (word, indicator text, measurement).
CENTRAL_OWN_INDICATOR: tuple[tuple[str, str, str], ...] = (
    ("Registrasi", "Persentase keputusan registrasi yang diterbitkan tepat waktu", "monthly_flat"),
    ("Standardisasi", "Persentase standar dan pedoman yang ditetapkan sesuai rencana", "cumulative"),
    ("Pemberdayaan", "Persentase pelaku usaha binaan yang memenuhi standar", "cumulative"),
    ("Pengembangan SDM", "Persentase pegawai yang mengikuti pengembangan kompetensi", "cumulative"),
    ("Pengawasan", "Persentase rekomendasi hasil pengawasan yang ditindaklanjuti", "monthly_flat"),
    ("Penyidikan", "Persentase perkara yang diselesaikan sampai tahap II", "cumulative"),
    ("Intelijen", "Persentase hasil analisis intelijen yang ditindaklanjuti", "cumulative"),
    ("Cegah Tangkal", "Persentase rekomendasi cegah tangkal yang ditindaklanjuti", "cumulative"),
    ("Siber", "Persentase tautan ilegal yang ditindaklanjuti (takedown)", "cumulative"),
    ("Pengujian", "Persentase sampel rujukan yang diuji sesuai standar", "cumulative"),
    ("Riset", "Persentase rekomendasi kajian yang dimanfaatkan", "cumulative"),
    ("Inspektorat", "Persentase rekomendasi hasil pengawasan intern yang ditindaklanjuti", "monthly_flat"),
    ("Data", "Persentase ketersediaan layanan data dan sistem informasi", "monthly_flat"),
    ("", "Persentase layanan yang diselesaikan tepat waktu", "monthly_flat"),
)
#: Budget lines a central unit has: RO code -> jenis belanja.
CENTRAL_ROS = {"EBA.994": ("51", "52"), "EBA.962": ("52",), "BKB.001": ("52",), "BMB.001": ("52",),
               "CAN.001": ("53",)}
#: Typical jenis belanja of a UPT's RO lines (other ROs: 52 barang only).
RO_EXPENSE_TYPES = {"EBA.994": ("51", "52"), "CAN.001": ("53",), "CAB.002": ("53",), "RAB.001": ("53",)}
#: RO names that carry one unit's name in the catalogue, made generic.
RO_NAME_OVERRIDES = {"QCD.U54": "Perkara di Bidang Penyidikan Obat dan Makanan oleh UPT"}
PLAN_COLUMNS = ["sk_order", "sk_code", "sk_name", "perspective", "indicator_order", "indicator_code",
                "indicator_name", "unit_of_measure", "measurement", "pattern", "polarity", "is_iku", "weight",
                "in_catalogue"]


# --------------------------------------------------------------------------------------------- layout

def _cell_value(value: Any) -> Any:
    """A frame value as openpyxl should store it (missing -> empty cell)."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _write_identity(ws: Worksheet, kind: contract.WorkbookKind, identity: Mapping[str, Any], version: str) -> None:
    """Field/Nilai rows; values a steward typed (names, notes) are stored as text, never as formulas."""
    ws.append(text_row(ws, contract.IDENTITY_HEADERS))
    for spec in identity_fields(kind, version):
        value = version if spec.name == "template_version" else identity.get(spec.name)
        ws.append(text_row(ws, [spec.header, _cell_value(value)]))


def _write_sheet(ws: Worksheet, specs: tuple[contract.ColumnSpec, ...], frame: pd.DataFrame) -> None:
    """Header and rows; texts (names and codes from a unit's plan) are stored as text, never as formulas."""
    ws.append(text_row(ws, [s.header for s in specs]))
    names = [s.name for s in specs]
    present = frame.reindex(columns=names)
    for row in present.itertuples(index=False, name=None):
        ws.append(text_row(ws, [_cell_value(v) for v in row]))


def write_workbook(
    kind: contract.WorkbookKind,
    identity: Mapping[str, Any],
    frames: Mapping[str, pd.DataFrame],
    path: Path,
    version: str | None = None,
    *,
    choices: Mapping[str, Sequence[str]] | None = None,
    styled: bool = True,
    deadline_day: int | None = None,
) -> Workbook:
    """Write a plan (``rencana``) or monthly (``bulanan``) workbook and return the saved openpyxl book.

    ``frames`` maps sheet name -> frame with canonical columns; a missing sheet is written with its
    header only. The book is decorated for stewards (``template_style.decorate``; ``choices`` overrides
    its code lists) unless ``styled`` is false; decoration adds the ``Petunjuk`` and hidden ``Daftar``
    sheets and changes no contract sheet, header or value. The instructions state the reporting
    deadline the validator judges by: ``deadline_day`` or the settings' (``SAKIP_DEADLINE_DAY``).
    """
    version = version or contract.current_version()
    book = Workbook()
    book.active.title = contract.IDENTITY_SHEET
    _write_identity(book.active, kind, identity, version)
    for sheet in contract.data_sheets(kind):
        ws = book.create_sheet(sheet)
        frame = frames.get(sheet, pd.DataFrame())
        _write_sheet(ws, columns(kind, sheet, version), frame)
    if styled:
        decorate(book, kind, version, choices, deadline_day or get_settings().deadline_day)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_reproducibly(book, path, _stamp(identity))
    return book


def _stamp(identity: Mapping[str, Any]) -> datetime:
    """The fixed time written into a workbook: the first day of its period (1 January for a plan)."""
    year, month = identity.get("year"), identity.get("month")
    year = year if isinstance(year, int) and 1980 <= year <= 2107 else 2000  # the range a zip entry can date
    return datetime(year, month if isinstance(month, int) and 1 <= month <= 12 else 1, 1)


def save_reproducibly(book: Workbook, path: Path, stamp: datetime) -> Path:
    """Save ``book`` so the same content gives the same bytes: document properties (created,
    modified) and every zip entry carry ``stamp`` instead of the time of writing.

    openpyxl's ``save`` stamps ``docProps/core.xml`` with the current time and its zip entries with
    the time (and worksheets with the temporary files' times) they were written; here the package is
    built in memory and copied entry by entry with the fixed time."""
    book.properties.created = book.properties.modified = stamp
    built = BytesIO()
    ExcelWriter(book, ZipFile(built, "w", ZIP_DEFLATED, allowZip64=True)).save()
    with ZipFile(built) as source, ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as target:
        for info in source.infolist():
            entry = ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type, entry.external_attr = ZIP_DEFLATED, info.external_attr
            target.writestr(entry, source.read(info))
    return path


# ------------------------------------------------------------------------------------------ skeletons

def _unit(unit_code: str) -> pd.Series:
    units = master.units().set_index("code")
    if unit_code not in units.index:
        raise KeyError(f"unit {unit_code!r} is not in the master data")
    return units.loc[unit_code]


def localise(text: pd.Series, unit_name: str) -> pd.Series:
    """Catalogue wording with the generic "UPT" replaced by the unit's name."""
    return text.str.replace(r"\bUPT\b", unit_name, regex=True)


def _central_own_indicator(unit_code: str, unit_name: str) -> tuple[str, str]:
    """(indicator name, measurement) of a central unit's own indicator."""
    text, measurement = next((t, m) for word, t, m in CENTRAL_OWN_INDICATOR if word in unit_name)
    return f"{text} pada {unit_name}", measurement


def _central_plan(unit_code: str, unit_name: str) -> pd.DataFrame:
    """Governance indicators any satker has, plus the unit's own indicator under its own SK."""
    seed = master.sasaran().query("seed == '003'").set_index("sasaran_code")
    catalogue = master.indicators().set_index("code")
    own_name, own_measurement = _central_own_indicator(unit_code, unit_name)
    rows = []
    for sk_code, ind_code in CENTRAL_PLAN:
        if sk_code is None:
            rows.append({"sk_code": f"{unit_code}-SK-01", "sk_name": f"Meningkatnya kinerja layanan {unit_name}",
                         "perspective": "Internal Process", "indicator_code": f"{unit_code}-IKU-01",
                         "indicator_name": own_name, "unit_of_measure": "persen",
                         "measurement": own_measurement, "in_catalogue": False})
            continue
        rows.append({"sk_code": sk_code, "sk_name": seed.loc[sk_code, "name_signed_pk"],
                     "perspective": seed.loc[sk_code, "perspective"], "indicator_code": ind_code,
                     "indicator_name": catalogue.loc[ind_code, "name"],
                     "unit_of_measure": catalogue.loc[ind_code, "unit_of_measure"],
                     "measurement": catalogue.loc[ind_code, "measurement"], "in_catalogue": True})
    plan = pd.DataFrame(rows)
    sk_order = {code: i for i, code in enumerate(dict.fromkeys(plan["sk_code"]), start=1)}
    return plan.assign(sk_order=plan["sk_code"].map(sk_order),
                       indicator_order=plan.groupby("sk_code").cumcount() + 1)


def unit_plan_skeleton(unit_code: str) -> pd.DataFrame:
    """The indicators of a unit's plan before any number: one row per indicator, in plan order.

    UPT (Balai Besar, Balai, Loka) get the catalogue's standard plan of their type; central units,
    which have no catalogue plan, get the governance indicators every satker reports (IKM layanan
    publik, Indeks RB, AKIP, IP ASN, data index, NKA) plus one indicator of their own
    (``<KODE>-IKU-01`` under ``<KODE>-SK-01``, not in the catalogue). Names carry the unit's name
    instead of "UPT". Columns: sk_order, sk_code, sk_name, perspective, indicator_order,
    indicator_code, indicator_name, unit_of_measure, measurement (catalogue word), pattern (plan word),
    polarity ('naik'), is_iku ('Ya'), weight (1.0), in_catalogue.
    """
    unit = _unit(unit_code)
    if unit["unit_type"] == "pusat":
        plan = _central_plan(unit_code, unit["name"])
    else:
        plan = master.standard_plan(unit["unit_type"]).assign(in_catalogue=True)
    plan = plan.assign(
        sk_name=localise(plan["sk_name"], unit["name"]),
        indicator_name=localise(plan["indicator_name"], unit["name"]),
        pattern=plan["measurement"].map(PATTERN_OF_MEASUREMENT),
        polarity="naik", is_iku="Ya", weight=1.0,
    )
    return plan[PLAN_COLUMNS].reset_index(drop=True)


def _ro_in_plan(ro: pd.DataFrame, indicator_codes: set[str]) -> pd.Series:
    """An RO belongs to a UPT's budget unless all the indicators it serves are outside its plan."""
    links = (ro["related_indicator_codes"] + "|" + ro["related_indicator_codes_inferred"]).str.split("|")
    linked = links.map(lambda codes: {c for c in codes if c})
    return linked.map(lambda codes: not codes or bool(codes & indicator_codes))


def unit_budget_skeleton(unit_code: str) -> pd.DataFrame:
    """The budget lines of a unit's DIPA before any amount: one row per (RO, jenis belanja).

    UPT: the catalogue's rincian output, without those serving only indicators outside the unit's plan
    (a Loka has no PJAS/desa/pasar or laboratory RO); EBA.994 has a 51 (pegawai) and a 52 line,
    CAN.001/CAB.002/RAB.001 are 53 (modal), the rest 52 (barang). Central units: office, general
    service, coordination, publication and equipment lines. Columns: ro_code, ro_name, expense_type,
    volume_unit.
    """
    unit = _unit(unit_code)
    ro = master.rincian_output()
    if unit["unit_type"] == "pusat":
        ro = ro.set_index("ro_code").loc[list(CENTRAL_ROS)].reset_index()
        types = CENTRAL_ROS
    else:
        ro = ro[_ro_in_plan(ro, set(unit_plan_skeleton(unit_code)["indicator_code"]))]
        types = RO_EXPENSE_TYPES
    names = ro["ro_code"].map(RO_NAME_OVERRIDES).fillna(ro["ro_name"])
    inferred = ro["volume_unit_inferred"].str[:1].str.upper() + ro["volume_unit_inferred"].str[1:]
    volume_unit = ro["volume_unit"].where(ro["volume_unit"] != "", inferred)
    lines = pd.DataFrame({
        "ro_code": ro["ro_code"], "ro_name": localise(names, unit["name"]),
        "expense_type": ro["ro_code"].map(lambda c: types.get(c, ("52",))),
        "volume_unit": volume_unit.replace("", "Unit"),
    }).explode("expense_type")
    return lines.reset_index(drop=True)


# ------------------------------------------------------------------------------------------ templates

def code_text(value: Any) -> Any:
    """A code as text: ``51.0`` (a code stored as a number) -> ``"51"``; text is stripped."""
    if isinstance(value, float) and value.is_integer() or isinstance(value, int) and not isinstance(value, bool):
        return str(int(value))
    return value.strip() if isinstance(value, str) else value


def plan_frames_from_skeleton(unit_code: str) -> dict[str, pd.DataFrame]:
    """The plan's frames pre-filled from the skeletons, every number blank."""
    plan = unit_plan_skeleton(unit_code)
    budget = unit_budget_skeleton(unit_code)
    sasaran = plan.drop_duplicates("sk_code")[["sk_code", "sk_name", "perspective"]]
    indikator = plan[["sk_code", "indicator_code", "indicator_name", "unit_of_measure", "polarity", "is_iku",
                      "weight", "pattern"]]
    return {
        "Sasaran": sasaran.reset_index(drop=True),
        "Indikator": indikator,
        "RAPK": plan[["indicator_code"]],
        "Pagu": budget[["ro_code", "ro_name", "expense_type", "volume_unit"]],
        "RPD": budget[["ro_code", "expense_type"]],
    }


def plan_template(unit_code: str, year: int, path: Path) -> Path:
    """Write the empty annual plan (Rencana Tahunan) of a unit and year, pre-filled from master data.

    Identitas carries Kode Satker, Tahun and Versi Template; Sasaran, Indikator (name, satuan,
    polaritas naik, IKU Ya, bobot 1, pola), RAPK, Pagu and RPD carry the codes of
    ``unit_plan_skeleton`` / ``unit_budget_skeleton``; targets, months and amounts are blank.
    """
    write_workbook(contract.PLAN, {"unit_code": unit_code, "year": year}, plan_frames_from_skeleton(unit_code), path)
    return path


def monthly_template(
    unit_code: str, year: int, month: int, path: Path, plan: Mapping[str, pd.DataFrame] | None = None
) -> Path:
    """Write the empty monthly report of a unit and month, pre-filled with the plan's codes.

    ``plan`` holds the canonical plan frames (``Indikator``, ``Pagu``) of the plan on file; without
    it the catalogue skeleton is used. Kinerja lists every indicator once, Anggaran every RO x jenis
    belanja line; realisations are blank; Sampling, Pemeriksaan and Penindakan are empty.
    """
    if not 1 <= month <= 12:
        raise ValueError(f"bulan {month} tidak valid (1-12)")
    frames = plan_frames_from_skeleton(unit_code) if plan is None else plan
    kinerja = frames["Indikator"][["indicator_code"]].reset_index(drop=True)
    anggaran = frames["Pagu"][["ro_code", "expense_type"]].map(code_text).reset_index(drop=True)
    identity = {"unit_code": unit_code, "year": year, "month": month}
    write_workbook(contract.MONTHLY, identity, {"Kinerja": kinerja, "Anggaran": anggaran}, path)
    return path


def template_name(unit_code: str, year: int, month: int | None = None) -> str:
    """The file name a unit sends: ``<KODE>_<YYYY>_rencana.xlsx`` or ``<KODE>_<YYYY>-<MM>.xlsx``."""
    return f"{unit_code}_{year}_rencana.xlsx" if month is None else f"{unit_code}_{year}-{month:02d}.xlsx"

