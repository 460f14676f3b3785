"""Synthetic canonical frames, the deriving step and table snapshots for the warehouse tests.

The frames look like the reader's (canonical columns, wide b01..b12, ``_row``), small enough to
check by eye: one unit (Balai POM di Kupang), two SKs, three indicators (one outside the
catalogue), three DIPA lines (one RO outside the catalogue). Loads store these raw facts only;
:func:`derive` runs the product's deriving step (``flows.derive.derive_unit_years``, the real
transforms) over what is stale, as a run does after storing its files.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, timezone

import pandas as pd
from sqlalchemy import Engine, select

from flows.derive import Derived, derive_unit_years, pending_unit_years
from reference.policy import POLICY_DIR
from sakip.settings import Settings
from sinks.warehouse import schema as s
from sinks.warehouse.derived import UnitYear
from sinks.warehouse.load import SubmissionMeta

UNIT, YEAR = "BPOM-KPG", 2023
MONTHS = [f"b{m:02d}" for m in range(1, 13)]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def with_rows(frame: pd.DataFrame, first: int = 2) -> pd.DataFrame:
    """Add the reader's ``_row`` (Excel row numbers, header on row 1)."""
    return frame.assign(_row=range(first, first + len(frame)))


def plan_frames(drop_indicator: str | None = None) -> dict[str, pd.DataFrame]:
    sasaran = pd.DataFrame({
        "sk_code": ["SK.1", "SK.2"],
        "sk_name": ["Terwujudnya Obat dan Makanan yang memenuhi syarat", "Meningkatnya efektivitas pemeriksaan"],
        "perspective": ["Stakeholder", "Internal Process"],
    })
    indicators = pd.DataFrame({
        "sk_code": ["SK.1", "SK.1", "SK.2"],
        "indicator_code": ["IKU-OBAT-MS", "IKU-MAKANAN-MS", "KPG-LOKAL-1"],
        "indicator_name": ["Persentase Obat yang memenuhi syarat", "Persentase Makanan yang memenuhi syarat",
                           "Jumlah desa binaan"],
        "unit_of_measure": ["persen", "persen", "jumlah"],
        "polarity": ["naik", "naik", "naik"],
        "is_iku": ["Ya", "Ya", "Tidak"],
        "weight": [1.0, 1.0, 1.0],
        "annual_target": [92.0, 85.0, 12.0],
        "pattern": ["flat", "flat", "kumulatif"],
        "allocation_rp": [600_000_000.0, 300_000_000.0, 100_000_000.0],
    })
    rapk = pd.DataFrame(
        [["IKU-OBAT-MS", *[92.0] * 12], ["IKU-MAKANAN-MS", *[85.0] * 12],
         ["KPG-LOKAL-1", *[float(m) for m in range(1, 13)]]],
        columns=["indicator_code", *MONTHS],
    ).assign(b02=[92.0, None, 2.0])  # a blank month
    pagu = pd.DataFrame({
        "ro_code": ["AEA.001", "BAH.001", "KPG.901"],
        "ro_name": ["Laporan Analisis Kejahatan", "Keputusan/Sertifikasi Layanan Publik", "Output lokal"],
        "expense_type": ["52", "52", "53"],
        "pagu_rp": [600_000_000.0, 300_000_000.0, 100_000_000.0],
        "pagu_after_aa_rp": [540_000_000.0, 300_000_000.0, 100_000_000.0],
        "volume_target": [4.0, 120.0, None],
        "volume_unit": ["laporan", "keputusan", None],
    })
    rpd = pd.DataFrame(
        [["AEA.001", "52", *[50_000_000.0] * 12], ["BAH.001", "52", *[25_000_000.0] * 12],
         ["KPG.901", "53", *([None] * 5 + [100_000_000.0] + [None] * 6)]],
        columns=["ro_code", "expense_type", *MONTHS],
    )
    if drop_indicator:
        indicators = indicators[indicators["indicator_code"] != drop_indicator]
        rapk = rapk[rapk["indicator_code"] != drop_indicator]
    return {"Sasaran": with_rows(sasaran), "Indikator": with_rows(indicators), "RAPK": with_rows(rapk),
            "Pagu": with_rows(pagu), "RPD": with_rows(rpd)}


def monthly_frames(month: int = 1, realisasi_obat: float = 93.0, spent: float = 40_000_000.0) -> dict[str, pd.DataFrame]:
    kinerja = pd.DataFrame({
        "indicator_code": ["IKU-OBAT-MS", "IKU-MAKANAN-MS", "KPG-LOKAL-1"],
        "realisasi": [realisasi_obat, 80.0, float(month)],
        "numerator": [93.0, 80.0, None],
        "denominator": [100.0, 100.0, None],
        "spent_cum_rp": [spent * month, 20_000_000.0 * month, None],
        "kendala": [None, "Sampel terlambat", None],
        "rtl": [None, "Percepat pengujian", None],
        "rtl_deadline": [None, "Maret 2023", None],
    })
    anggaran = pd.DataFrame({
        "ro_code": ["AEA.001", "BAH.001", "KPG.901"],
        "expense_type": [52, 52.0, "53"],  # hostile: numbers and text for a code
        "spent_month_rp": [spent, 20_000_000.0, 0.0],
        "volume_cum": [1.0, 10.0 * month, None],
        "progress_pct": [None, None, 10.0],
    })
    sampling = pd.DataFrame({
        "commodity": ["OBAT", "PANGAN"], "method": ["Random", "Targeted"],
        "sampled": [110.0, 50], "tested": [100, 50], "ms": [93, 45], "tms": [7, 5],
    })
    inspection = pd.DataFrame({"facility_type": ["PROD", "DIST"], "inspected": [5, 8], "mk": [4, 8], "tmk": [1, 0]})
    enforcement = pd.DataFrame({
        "case_number": [f"PK-{month:02d}/2023"], "stage": ["SPDP"], "stage_date": [pd.Timestamp(YEAR, month, 15)],
    })
    return {"Kinerja": with_rows(kinerja), "Anggaran": with_rows(anggaran), "Sampling": with_rows(sampling),
            "Pemeriksaan": with_rows(inspection), "Penindakan": with_rows(enforcement)}


def plan_meta(tag: str = "v1", unit: str = UNIT, year: int = YEAR, note: str | None = None) -> SubmissionMeta:
    return SubmissionMeta(
        unit_code=unit, kind="rencana", year=year, month=None, file_name=f"{unit}_{year}_rencana.xlsx",
        file_hash=sha(f"plan {unit} {year} {tag}"), size_bytes=12_345,
        received_at=datetime(year, 1, 5, 9, 0, tzinfo=timezone.utc), steward="Ani", revision_note=note,
    )


def month_meta(month: int = 1, tag: str = "v1", unit: str = UNIT, year: int = YEAR, day: int = 8,
               note: str | None = None) -> SubmissionMeta:
    return SubmissionMeta(
        unit_code=unit, kind="bulanan", year=year, month=month, file_name=f"{unit}_{year}-{month:02d}.xlsx",
        file_hash=sha(f"month {unit} {year} {month} {tag}"), size_bytes=23_456,
        received_at=datetime(year + month // 12, month % 12 + 1, day, 10, 0), steward="Budi", revision_note=note,
    )


IDENTITY = {"dipa_number": "SP DIPA-063.01.2.432979/2023", "pk_date": date(2023, 1, 10),
            "head_name": "Drs. Kepala Balai", "revision_note": None}


def settings_of(engine: Engine) -> Settings:
    """The settings a run on ``engine`` derives with (the policies of ``reference/policies``)."""
    return Settings(warehouse_url=engine.url.render_as_string(hide_password=False), policy_dir=POLICY_DIR)


def derive(engine: Engine, pairs: Iterable[UnitYear] | None = None) -> Derived:
    """The deriving step of a run: ``pairs``, or every stale unit-year (what a run derives last)."""
    wanted = pending_unit_years(engine) if pairs is None else pairs
    return derive_unit_years(engine, settings_of(engine), wanted)


def state(engine: Engine) -> dict[UnitYear, tuple[int, int | None]]:
    """``unit_year_state`` as {(unit_code, year): (raw_seq, derived_seq)}."""
    t = s.unit_year_state
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.unit_code, t.c.year, t.c.raw_seq, t.c.derived_seq)).all()
    return {(unit, int(year)): (raw, derived) for unit, year, raw, derived in rows}


def raw_seq(engine: Engine, unit: str = UNIT, year: int = YEAR) -> int | None:
    """The unit-year's ``raw_seq`` (None: no state row, its raw facts never changed)."""
    return state(engine).get((unit, year), (None, None))[0]


def snapshot(engine: Engine, tables: list[str] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table (or of ``tables``), sorted: equal snapshots = same warehouse."""
    out = {}
    with engine.connect() as conn:
        for table in s.metadata.sorted_tables:
            if tables is not None and table.name not in tables:
                continue
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def counts(engine: Engine) -> dict[str, int]:
    return {name: len(rows) for name, rows in snapshot(engine).items()}


#: The unit-year tables deriving writes (``fact_reporting_status`` is national, refreshed per year).
DERIVED_TABLES = [t.name for t in s.DERIVED_TABLES if t is not s.fact_reporting_status]
RAW_TABLES = [t.name for t in (*s.PLAN_TABLES, *s.MONTHLY_TABLES.values())]
FACT_TABLES = [*RAW_TABLES, *(t.name for t in s.DERIVED_TABLES)]
