"""A small, valid plan + monthly pair for Balai POM di Kupang 2023 (month 6), and ways to damage them.

Everything is written through ``sinks.templates.write_workbook`` (the one workbook writer). The
numbers agree with each other: RPD sums to Pagu, allocation sums to Pagu, cumulative sampling and
inspection counts give the derived indicators' realisation, indicator spending adds up to the RO
spending to date. ``monthly_context`` supplies the earlier months that make those sums hold.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook

from schemas import contract
from schemas.validate import ValidationContext
from sinks.templates import write_workbook

UNIT = "BPOM-KPG"
YEAR = 2023
MONTH = 6
TODAY = date(2023, 7, 5)
NaN = float("nan")


def plan_identity(**changes: Any) -> dict[str, Any]:
    """Identitas of the plan."""
    return {"unit_code": UNIT, "year": YEAR, "dipa_number": "SP DIPA-063.01.2.432979/2023",
            "pk_date": datetime(2023, 1, 31), "head_name": "Kepala Balai", "revision_note": None, **changes}


def plan_frames() -> dict[str, pd.DataFrame]:
    """Four SKs, four indicators (flat, flat, cumulative, year end), two budget lines."""
    sasaran = pd.DataFrame({
        "sk_code": ["SAS-OM-MS", "SAS-PEMERIKSAAN-SARANA", "SAS-PENGUJIAN", "SAS-SDM"],
        "sk_name": ["Terwujudnya Obat dan Makanan yang memenuhi syarat", "Meningkatnya pemeriksaan sarana",
                    "Meningkatnya pengujian", "Meningkatnya kualitas SDM"],
        "perspective": ["Stakeholder", "Internal Process", "Internal Process", "Learning and Growth"],
    })
    indikator = pd.DataFrame({
        "sk_code": ["SAS-OM-MS", "SAS-PEMERIKSAAN-SARANA", "SAS-PENGUJIAN", "SAS-SDM"],
        "indicator_code": ["IKU-OBAT-MS", "IKU-SARANA-PRODUKSI-MK", "IKU-SAMPEL-OBAT-UJI", "IKU-IP-ASN"],
        "indicator_name": ["Persentase Obat yang memenuhi syarat", "Persentase sarana produksi yang MK",
                           "Persentase sampel Obat yang diuji", "Indeks Profesionalitas ASN UPT"],
        "unit_of_measure": ["persen", "persen", "persen", "indeks"],
        "polarity": ["naik"] * 4,
        "is_iku": ["Ya"] * 4,
        "weight": [1, 1, 1, 1],
        "annual_target": [92, 80, 50, 80],
        "pattern": ["flat", "flat", "kumulatif", "akhir_tahun"],
        "allocation_rp": [1_000_000, 2_000_000, 3_000_000, 1_000_000],
    })
    months = list(contract.MONTH_COLUMNS)
    rapk = pd.DataFrame(
        [[92] * 12, [80] * 12, [4, 8, 13, 17, 21, 25, 29, 33, 38, 42, 46, 50], [NaN] * 11 + [80]],
        columns=months,
    ).assign(indicator_code=indikator["indicator_code"])
    pagu = pd.DataFrame({
        "ro_code": ["QIA.005", "QIC.001"], "ro_name": ["Sampel Obat yang diperiksa", "Sarana Produksi diperiksa"],
        "expense_type": ["52", "52"], "pagu_rp": [4_000_000, 3_000_000], "pagu_after_aa_rp": [3_800_000, 3_000_000],
        "volume_target": [100, 20], "volume_unit": ["Sampel", "Sarana"],
    })
    rpd = pd.DataFrame([[400_000] * 10 + [0, 0], [250_000] * 12], columns=months).assign(
        ro_code=pagu["ro_code"], expense_type=pagu["expense_type"])
    return {"Sasaran": sasaran, "Indikator": indikator, "RAPK": rapk, "Pagu": pagu, "RPD": rpd}


def monthly_identity(**changes: Any) -> dict[str, Any]:
    """Identitas of the June report."""
    return {"unit_code": UNIT, "year": YEAR, "month": MONTH, "steward": "Ani Lestari",
            "sent_date": datetime(2023, 7, 5), "revision_note": None, **changes}


def monthly_frames() -> dict[str, pd.DataFrame]:
    """June 2023: every plan indicator, two RO lines, sampling, inspection and one case."""
    kinerja = pd.DataFrame({
        "indicator_code": ["IKU-OBAT-MS", "IKU-SARANA-PRODUKSI-MK", "IKU-SAMPEL-OBAT-UJI", "IKU-IP-ASN"],
        "realisasi": [98, 75, 26, NaN],
        "numerator": [98, 15, NaN, NaN],
        "denominator": [100, 20, NaN, NaN],
        "spent_cum_rp": [1_000_000, 1_150_000, 1_000_000, 0],
        "kendala": [None, "Sarana baru belum siap diperiksa", None, None],
        "rtl": [None, "Jadwal ulang pemeriksaan", None, None],
        "rtl_deadline": [None, "Juli 2023", None, None],
    })
    anggaran = pd.DataFrame({"ro_code": ["QIA.005", "QIC.001"], "expense_type": ["52", "52"],
                             "spent_month_rp": [400_000, 250_000], "volume_cum": [60, 10], "progress_pct": [NaN, NaN]})
    sampling = pd.DataFrame({"commodity": ["OBAT", "Pangan Olahan"], "method": ["Random", "Random"],
                             "sampled": [10, 5], "tested": [10, 5], "ms": [10, 4], "tms": [0, 1]})
    pemeriksaan = pd.DataFrame({"facility_type": ["PROD-IF", "DIST-PBF"], "inspected": [4, 6], "mk": [3, 6],
                                "tmk": [1, 0]})
    penindakan = pd.DataFrame({"case_number": ["PDM-01/KPG/2023"], "stage": ["P-21"],
                               "stage_date": [datetime(2023, 6, 15)]})
    return {"Kinerja": kinerja, "Anggaran": anggaran, "Sampling": sampling, "Pemeriksaan": pemeriksaan,
            "Penindakan": penindakan}


def plan_name(unit: str = UNIT, year: int = YEAR) -> str:
    return f"{unit}_{year}_rencana.xlsx"


def monthly_name(unit: str = UNIT, year: int = YEAR, month: int = MONTH) -> str:
    return f"{unit}_{year}-{month:02d}.xlsx"


def write_plan(folder: Path, frames: dict | None = None, identity: dict | None = None, name: str | None = None,
               version: str | None = None) -> Path:
    """Write the plan to ``<folder>/<UNIT>/<name>`` and return its path."""
    path = folder / UNIT / (name or plan_name())
    write_workbook(contract.PLAN, identity or plan_identity(), frames or plan_frames(), path, version)
    return path


def write_monthly(folder: Path, frames: dict | None = None, identity: dict | None = None, name: str | None = None,
                  version: str | None = None) -> Path:
    """Write the June report to ``<folder>/<UNIT>/<name>`` and return its path."""
    path = folder / UNIT / (name or monthly_name())
    write_workbook(contract.MONTHLY, identity or monthly_identity(), frames or monthly_frames(), path, version)
    return path


def damage(path: Path, edit: Callable[[Workbook], None]) -> Path:
    """Open a written workbook with openpyxl, apply ``edit`` and save it in place."""
    book = load_workbook(path)
    edit(book)
    book.save(path)
    return path


def plan_on_file() -> dict[str, pd.DataFrame]:
    """The plan as the warehouse would hand it to a monthly validation (canonical frames)."""
    frames = plan_frames()
    return {sheet: frames[sheet] for sheet in ("Indikator", "RAPK", "Pagu")}


def earlier_months() -> dict[str, pd.DataFrame]:
    """January-May, consistent with June: cumulative counts give the June realisations."""
    return {
        "previous_kinerja": pd.DataFrame({"indicator_code": ["IKU-OBAT-MS", "IKU-SARANA-PRODUKSI-MK",
                                                             "IKU-SAMPEL-OBAT-UJI", "IKU-IP-ASN"],
                                          "realisasi": [97.78, 75, 21, NaN]}),
        "spent_before": pd.DataFrame({"ro_code": ["QIA.005", "QIC.001"], "expense_type": ["52", "52"],
                                      "spent_rp": [1_500_000, 1_000_000]}),
        "sampling_before": pd.DataFrame({"commodity": ["OBAT", "PANGAN"], "method": ["Random", "Random"],
                                         "sampled": [90, 20], "tested": [90, 20], "ms": [88, 19], "tms": [2, 1]}),
        "inspection_before": pd.DataFrame({"facility_type": ["PROD-PANGAN"], "inspected": [16], "mk": [12],
                                           "tmk": [4]}),
    }


def monthly_context(path: Path | None = None, **changes: Any) -> ValidationContext:
    """The server-side context of the June report: plan on file, earlier months, folder, today."""
    base = ValidationContext(folder_unit=UNIT, file_name=path.name if path else monthly_name(), plan=plan_on_file(),
                             plan_year=YEAR, today=TODAY, **earlier_months())
    return replace(base, **changes)


def plan_context(path: Path | None = None, **changes: Any) -> ValidationContext:
    """The server-side context of the plan."""
    base = ValidationContext(folder_unit=UNIT, file_name=path.name if path else plan_name(), today=date(2023, 2, 1))
    return replace(base, **changes)


def set_cells(*cells: tuple[str, str, object]) -> Callable[[Workbook], None]:
    """An edit for ``damage``: put each (sheet, cell, value) into the workbook."""
    def edit(book: Workbook) -> None:
        for sheet, cell, value in cells:
            book[sheet][cell] = value
    return edit


def append_row(sheet: str, values: list) -> Callable[[Workbook], None]:
    """An edit for ``damage``: add a row of ``values`` under the sheet's last row."""
    return lambda book: book[sheet].append(values)
