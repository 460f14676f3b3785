"""The "Kinerja BPOM Dalam Angka" book from a small warehouse: several units of each group with known pagu,
pagu setelah AA, spending, sampling, inspections and cases, stored and derived by the real pipeline steps, one
Loka without its June report (a partial quarter). The Word tables must print exactly the national views' rows
(read here from the views, formatted with ``idformat``), the partial quarter must name the missing unit, and
the PDF's text must carry the headline figures. One book is built per backend and shared by the module."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from backends import BACKENDS
from docx_read import docx_paragraphs, docx_tables
from flows.derive import refresh_reporting_status
from sinks.report import idformat as fmt
from sinks.report.build import build_national_report
from sinks.warehouse import db, load
from tests.warehouse.synthetic import IDENTITY, derive, month_meta, monthly_frames, plan_frames, plan_meta, settings_of

YEAR, QUARTER, END = 2023, 2, 6
#: unit -> (scale of the synthetic plan's pagu, spending of its main line per month, months reported)
UNITS = {
    "PUSAT-INTEL": (3.0, 90_000_000.0, 6), "PUSAT-CEGAH-TANGKAL": (2.0, 70_000_000.0, 6),
    "BBPOM-DPS": (4.0, 120_000_000.0, 6), "BBPOM-BDG": (5.0, 100_000_000.0, 6), "BPOM-KPG": (1.0, 40_000_000.0, 6),
    "LOKA-INH": (0.8, 35_000_000.0, 6), "LOKA-END": (0.7, 25_000_000.0, 5),  # no June report: partial
}
MISSING = "LOKA-END"


def _plan(scale: float) -> dict[str, pd.DataFrame]:
    frames = plan_frames()
    pagu = frames["Pagu"]
    frames["Pagu"] = pagu.assign(pagu_rp=pagu["pagu_rp"] * scale, pagu_after_aa_rp=pagu["pagu_after_aa_rp"] * scale)
    return frames


def _month(month: int, spent: float, k: int) -> dict[str, pd.DataFrame]:
    frames = monthly_frames(month, spent=spent)
    s = frames["Sampling"]
    frames["Sampling"] = s.assign(sampled=s["sampled"] + k, tested=s["tested"] + k, ms=s["ms"] + k)
    i = frames["Pemeriksaan"]
    frames["Pemeriksaan"] = i.assign(inspected=i["inspected"] + k, tmk=i["tmk"] + k)
    e = frames["Penindakan"]
    frames["Penindakan"] = e.assign(case_number=e["case_number"] + f"-{k}",
                                    stage=["SPDP", "Tahap I", "P-21", "Tahap II", "Putusan"][(month + k) % 5])
    return frames


def _store(engine: Engine) -> None:
    for k, (unit, (scale, spent, months)) in enumerate(UNITS.items()):
        load.load_plan(engine, _plan(scale), plan_meta(unit=unit), "accepted", identity=IDENTITY)
        for month in range(1, months + 1):
            load.load_monthly(engine, _month(month, spent, k), month_meta(month, unit=unit), "accepted")
    derive(engine)
    refresh_reporting_status(engine, settings_of(engine), YEAR)


@pytest.fixture(scope="module", params=BACKENDS)
def book(request, tmp_path_factory, _sqlite_template, _pg_warehouse):
    """(engine, result of the build, folder) of the TW II 2023 book, built once per backend."""
    folder = tmp_path_factory.mktemp(f"book_{request.param}")
    if request.param == "sqlite":
        shutil.copyfile(_sqlite_template, folder / "warehouse.sqlite")
        url = f"sqlite:///{folder / 'warehouse.sqlite'}"
    else:
        url = _pg_warehouse.fresh()
    engine = db.make_engine(url)
    _store(engine)
    result = build_national_report(engine, YEAR, QUARTER, folder / "laporan", date=date(2023, 7, 25))
    yield engine, result, folder
    engine.dispose()


def _view(engine: Engine, sql: str, **params) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(text(sql), params)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _table(path: Path, start: str) -> pd.DataFrame:
    return next(t for t in docx_tables(path) if t.attrs["title"].startswith(start) or start in t.attrs["title"])


def _cells(frame: pd.DataFrame) -> list[list[str]]:
    return frame.astype(str).values.tolist()


def _label(row: dict, text: str) -> str:
    return f"{text}*" if bool(row["is_partial"]) else text


def _national(engine: Engine) -> pd.DataFrame:
    return _view(engine, "SELECT * FROM v_budget_national WHERE year = :y AND month = :m ORDER BY area_order",
                 y=YEAR, m=END)


def test_budget_tables_print_the_views(book):
    engine, result, _ = book
    assert result.version == 1 and result.docx_path.name == "NASIONAL_2023_TWII_v1.docx"
    areas = _national(engine)
    whole = areas[areas["expense_type"] == "TOTAL"].to_dict("records")
    assert [r["area"] for r in whole] == ["Pusat", "Balai Besar/Balai", "Loka", "Indonesia"]
    names = {"Pusat": "Pusat", "Balai Besar/Balai": "Balai Besar/Balai POM", "Loka": "Loka POM"}
    expected = [[names.get(r["area"]) or _label(r, "Total"), fmt.integer(r["pagu_rp"]), fmt.integer(r["pagu_after_aa_rp"]),
                 fmt.integer(r["spent_cum_rp"]), fmt.pct(r["realisation_pct"]), fmt.pct(r["realisation_aa_pct"])]
                for r in whole]
    assert _cells(_table(result.docx_path, "Tabel 3.1 Realisasi Anggaran per Kelompok Unit Kerja")) == expected
    # jenis belanja, national: one column per expense type present, Total last
    nat = areas[areas["area"] == "Indonesia"].set_index("expense_type")
    types = [t for t in ("51", "52", "53", "TOTAL") if t in nat.index]
    exp = _table(result.docx_path, "Tabel 3.2 Realisasi Anggaran per Jenis Belanja")
    assert exp.iloc[2, 1:].tolist() == [fmt.integer(nat.loc[t, "spent_cum_rp"]) for t in types]
    assert exp.iloc[4, 1:].tolist() == [fmt.pct(nat.loc[t, "realisation_aa_pct"]) for t in types]


def test_lampiran_two_ranks_every_group_with_both_percentages_and_its_jumlah(book):
    engine, result, _ = book
    ranking = _view(engine, "SELECT * FROM v_budget_ranking WHERE year = :y AND month = :m", y=YEAR, m=END)
    areas = _national(engine).query("expense_type == 'TOTAL'").set_index("area")
    titles = {"Pusat": "Unit Pusat", "Balai Besar/Balai": "Balai Besar/Balai POM", "Loka": "Loka POM"}
    for group, title in titles.items():
        rows = ranking[ranking["unit_group"] == group].sort_values(["rank_in_group", "unit_name"])
        assert len(rows) >= 1  # a unit without its June report has no June row (named in Lampiran III)
        expected = [[fmt.plain(r["rank_in_group"], 0), r["unit_name"], fmt.integer(r["pagu_rp"]),
                     fmt.integer(r["pagu_after_aa_rp"]), fmt.integer(r["spent_cum_rp"]), fmt.pct(r["realisation_pct"]),
                     fmt.pct(r["realisation_aa_pct"])] for r in rows.to_dict("records")]
        g = areas.loc[group].to_dict()
        jumlah = _label(g, "JUMLAH")
        expected.append([jumlah, jumlah, fmt.integer(g["pagu_rp"]), fmt.integer(g["pagu_after_aa_rp"]),
                         fmt.integer(g["spent_cum_rp"]), fmt.pct(g["realisation_pct"]), fmt.pct(g["realisation_aa_pct"])])
        assert _cells(_table(result.docx_path, f"Peringkat Realisasi Anggaran {title} s.d.")) == expected, group
    nat = areas.loc["Indonesia"].to_dict()
    total = _cells(_table(result.docx_path, "Realisasi Anggaran Nasional s.d."))
    assert total == [[_label(nat, "TOTAL NASIONAL"), fmt.integer(nat["pagu_rp"]), fmt.integer(nat["pagu_after_aa_rp"]),
                      fmt.integer(nat["withheld_aa_rp"]), fmt.integer(nat["spent_cum_rp"]),
                      fmt.pct(nat["realisation_pct"]), fmt.pct(nat["realisation_aa_pct"])]]


def test_operations_tables_print_the_views(book):
    engine, result, _ = book
    p = {"y": YEAR, "m": END}
    sampling = _view(engine, "SELECT * FROM v_sampling_national WHERE year = :y AND month = :m", **p)
    printed = _table(result.docx_path, "Tabel 1.2 Profil Sampling")
    body = printed[printed["No"].str.isdigit()]
    for r in body.to_dict("records"):
        row = sampling[(sampling["commodity_name"] == r["Komoditi"]) & (sampling["commodity"] != "TOTAL")]
        assert len(row) >= 1
        assert any([fmt.integer(v["sampled_cum"]), fmt.integer(v["tested_cum"]), fmt.integer(v["ms_cum"]),
                    fmt.integer(v["tms_cum"]), fmt.pct(v["tms_cum_pct"])]
                   == [r["Jumlah Sampling"], r["Jumlah Diuji"], r["MS"], r["TMS"], r["% TMS"]]
                   for v in row.to_dict("records"))
    assert len(body) == len(sampling[sampling["commodity"] != "TOTAL"])
    total = sampling[(sampling["commodity"] == "TOTAL") & (sampling["method"] == "TOTAL")].iloc[0]
    assert printed.iloc[-1].tolist()[2:] == [fmt.integer(total["sampled_cum"]), fmt.integer(total["tested_cum"]),
                                             fmt.integer(total["ms_cum"]), fmt.integer(total["tms_cum"]),
                                             fmt.pct(total["tms_cum_pct"])]
    inspection = _view(engine, "SELECT * FROM v_inspection_national WHERE year = :y AND month = :m", **p)
    printed = _table(result.docx_path, "Tabel 1.1 Profil Pemeriksaan Sarana")
    shown = {r["Jenis Sarana"]: [r["Diperiksa"], r["MK"], r["TMK"], r["% TMK"]] for r in printed.to_dict("records")}
    for r in inspection.to_dict("records"):
        key = r["facility_name"] if r["facility_type"] != "TOTAL" else _label(r, "JUMLAH")
        assert shown[key] == [fmt.integer(r["inspected_cum"]), fmt.integer(r["mk_cum"]), fmt.integer(r["tmk_cum"]),
                              fmt.pct(r["tmk_cum_pct"])], key
    stages = _view(engine, "SELECT * FROM v_enforcement_national WHERE year = :y AND month = :m ORDER BY stage_order", **p)
    printed = _table(result.docx_path, "Tabel 2.1 Kemajuan Perkara")
    named = stages[stages["stage"] != "TOTAL"]
    assert printed["Tahap"].tolist()[:len(named)] == named["stage"].tolist()
    assert printed.iloc[:len(named), 1].tolist() == [fmt.integer(v) for v in named["cases_at_stage"]]


def test_lampiran_one_prints_the_indicator_matrix(book):
    engine, result, _ = book
    matrix = _view(engine, "SELECT * FROM v_indicator_matrix WHERE year = :y AND quarter = :q ORDER BY indicator_code",
                   y=YEAR, q=QUARTER)
    printed = _table(result.docx_path, "Matriks Capaian Indikator Kinerja")
    assert printed.iloc[:, 1].tolist() == matrix["indicator_name"].tolist()
    for (_, shown), r in zip(printed.iterrows(), matrix.to_dict("records")):
        cells = shown.tolist()
        assert cells[3:5] == [fmt.integer(r["units_planned"]), fmt.integer(r["units_measured"])]
        if r["units_measured"]:
            assert cells[8:11] == [fmt.number(r["capaian_min_pct"]), fmt.number(r["capaian_median_pct"]),
                                   fmt.number(r["capaian_max_pct"])]
            assert cells[11] == fmt.integer(r["units_below_target"])


def test_a_partial_quarter_names_the_missing_unit(book):
    engine, result, _ = book
    reporting = _view(engine, "SELECT * FROM v_national_reporting WHERE year = :y AND month = :m AND area = 'Indonesia'",
                      y=YEAR, m=END).iloc[0]
    assert bool(reporting["is_partial"]) and int(reporting["units_missing"]) >= 1  # every active unit is expected
    name = _view(engine, "SELECT name FROM dim_unit WHERE unit_code = :u", u=MISSING).iloc[0, 0]
    texts = [t for _, t in docx_paragraphs(result.docx_path)]
    note = next(t for t in texts if t.startswith("Catatan: data Triwulan II 2023 belum lengkap."))
    assert f"{fmt.integer(reporting['units_reported'])} dari {fmt.integer(reporting['units_expected'])} unit kerja" in note
    assert f"{name} (Juni)" in note
    gaps = _view(engine, "SELECT DISTINCT unit_code FROM v_reporting_completeness WHERE year = :y AND month <= :m "
                         "AND expected AND NOT received", y=YEAR, m=END)
    missing = _table(result.docx_path, "Unit Kerja yang Belum Menyampaikan Laporan Bulanan")
    assert len(missing) == len(gaps) and set(UNITS) - {MISSING} <= set(UNITS) - set(gaps["unit_code"])
    assert missing.loc[missing["Unit Kerja"] == name, "Laporan Bulanan Belum Diterima"].tolist() == ["Juni"]


def test_pdf_text_carries_the_headline_figures(book):
    engine, result, _ = book
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = subprocess.run(["pdftotext", "-layout", str(result.pdf_path), "-"], capture_output=True, text=True,
                         check=True).stdout
    p = {"y": YEAR, "m": END}
    samples = _view(engine, "SELECT tested_cum FROM v_sampling_national WHERE year = :y AND month = :m "
                            "AND commodity = 'TOTAL' AND method = 'TOTAL'", **p).iloc[0, 0]
    inspected = _view(engine, "SELECT inspected_cum FROM v_inspection_national WHERE year = :y AND month = :m "
                              "AND facility_type = 'TOTAL'", **p).iloc[0, 0]
    nat = _national(engine).query("area == 'Indonesia' and expense_type == 'TOTAL'").iloc[0]
    assert f"pengujian {fmt.integer(samples)} sampel" in " ".join(pdf.split())
    assert f"pemeriksaan terhadap {fmt.integer(inspected)} sarana" in " ".join(pdf.split())
    assert fmt.rupiah(nat["spent_cum_rp"]) in pdf and fmt.pct(nat["realisation_aa_pct"]) in pdf


def test_the_same_data_reuses_the_version(book):
    engine, result, folder = book
    again = build_national_report(engine, YEAR, QUARTER, folder / "laporan")
    assert again.reused and again.version == 1 and again.report_id == result.report_id
