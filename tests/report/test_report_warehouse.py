"""A report built from a real warehouse: Kupang's workbooks through the pipeline (SQLite and PostgreSQL),
then ``build_unit_report`` / ``build_national_report`` on the views. Expected figures are the fixture's.

The reports of TW I and TW II and the national TW II book are built once per backend (``reported``); a
test works on its own copy of that warehouse (``private``): the versions it builds after a change are its own."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

import kupang
from backends import BACKENDS, copy_sqlite
from flows import reports, run
from flows.select import select_files
from runs import collect
from sakip.settings import Settings
from sakip.periods import ROMAN
from sinks.report import idformat as fmt
from sinks.report.criteria import policy_info
from sinks.report.build import ReportResult, build_national_report, build_unit_report, quarter_complete
from sinks.warehouse import db
from docx_read import docx_paragraphs, docx_tables


@dataclass(frozen=True)
class Reported:
    """The Kupang warehouse with version 1 of TW I, TW II and the national TW II book built."""

    backend: str
    url: str
    kupang: object  # the KupangWarehouse it was copied from (inbox and pipeline output)
    q1: ReportResult
    q2: ReportResult
    national: ReportResult


def _copy_of(backend: str, source_url: str, template: str | None, target: Path, pg_databases) -> str:
    """A copy of a warehouse: SQLite's backup API, or a PostgreSQL database created from ``template``."""
    if backend == "sqlite":
        copy_sqlite(make_url(source_url).database, target)
        return f"sqlite:///{target}"
    return pg_databases.create("sakip_reported", template=template)


@pytest.fixture(scope="module", params=BACKENDS)
def reported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_databases) -> Reported:
    built = request.getfixturevalue(f"kupang_{request.param}")
    root = tmp_path_factory.mktemp(f"reported_{request.param}")
    url = _copy_of(built.backend, built.url, built.template, root / "warehouse.sqlite", pg_databases)
    engine = db.make_engine(url)
    try:
        q1 = build_unit_report(engine, kupang.UNIT, 2023, 1, root / "laporan", date=date(2023, 4, 20))
        q2 = build_unit_report(engine, kupang.UNIT, 2023, 2, root / "laporan", date=date(2023, 7, 20))
        national = build_national_report(engine, 2023, 2, root / "laporan", date=date(2023, 7, 25))
    finally:
        engine.dispose()
    return Reported(built.backend, url, built, q1, q2, national)


@pytest.fixture
def private(reported: Reported, tmp_path: Path, pg_databases) -> Iterator[tuple[Engine, Settings]]:
    """An engine on a test's own copy of ``reported``, and settings on it with the Kupang inbox and output
    copied (a correction written today is years past the 2023 period lock: tests/flows/test_period_lock.py)."""
    shutil.copytree(reported.kupang.inbox, tmp_path / "inbox")
    shutil.copytree(reported.kupang.out, tmp_path / "out")
    url = _copy_of(reported.backend, reported.url, make_url(reported.url).database, tmp_path / "warehouse.sqlite",
                   pg_databases)
    engine = db.make_engine(url)
    yield engine, Settings(warehouse_url=url, inbox=tmp_path / "inbox", out=tmp_path / "out", lock_days=None)
    engine.dispose()
    if reported.backend != "sqlite":
        pg_databases.drop(url)


def _view(engine, sql: str, **params) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(sa.text(sql), params)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _table(tables: dict, start: str) -> pd.DataFrame:
    return next(t for title, t in tables.items() if start in title)


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(r) for r in frame[columns].itertuples(index=False)]


def assert_tables_match_views(engine, docx: Path, unit: str, year: int, quarter: int) -> None:
    """Every row of the NPS, capaian, RO, jenis belanja and efficiency tables of the Word file equals the
    warehouse views' rows (read here, independently of the report's loader) in the Indonesian formats."""
    month = quarter * 3
    tables = _by_title(docx)
    p = {"u": unit, "y": year, "q": quarter, "m": month}
    policy = policy_info(unit, year, None)
    # NPS per SK (+ NPS TOTAL): v_score
    sk = _view(engine, "SELECT item_name, value_pct, kriteria FROM v_score WHERE unit_code = :u AND year = :y "
                       "AND quarter = :q AND level = 'sasaran' ORDER BY item_order", **p)
    total = _view(engine, "SELECT value_pct, kriteria FROM v_score WHERE unit_code = :u AND year = :y "
                          "AND quarter = :q AND level = 'total'", **p).iloc[0]
    expected = [(n, fmt.number(v, na="NA"), k) for n, v, k in sk.itertuples(index=False)]
    expected.append(("NPS TOTAL", fmt.number(total["value_pct"], na="NA"), total["kriteria"]))
    nps = _table(tables, "Nilai Pencapaian Sasaran Kegiatan")
    assert len(sk) > 0 and _rows(nps, ["Sasaran Kegiatan", "Capaian (NPS)", "Kriteria"]) == expected
    # indicators: v_indicator_capaian at the quarter-end month
    ind = _view(engine, "SELECT * FROM v_indicator_capaian WHERE unit_code = :u AND year = :y AND month = :m "
                        "ORDER BY sk_order, indicator_order", **p)
    expected = [(n if bool(iku) else f"{n} (non-IKU)", fmt.plain(t), fmt.plain(r), fmt.number(c),
                 k if bool(ms) else policy.na_indicator)
                for n, iku, t, r, c, k, ms in ind[["indicator_name", "is_iku", "target", "realisasi", "capaian_raw_pct",
                                                   "kriteria", "measured"]].itertuples(index=False)]
    iku = _table(tables, "Capaian Indikator Kinerja")
    assert len(ind) == 29 and _rows(iku, ["Indikator Kinerja", f"Target s.d TW {ROMAN[quarter - 1]}",
                                          f"Realisasi s.d TW {ROMAN[quarter - 1]}", "Capaian (%)", "Kriteria"]) == expected
    # RO table and its TOTAL: v_budget_ro, v_budget_unit
    unit_total = _view(engine, "SELECT * FROM v_budget_unit WHERE unit_code = :u AND year = :y AND month = :m", **p).iloc[0]
    ro = _view(engine, "SELECT * FROM v_budget_ro WHERE unit_code = :u AND year = :y AND month = :m ORDER BY ro_code", **p)
    progress = ro["progress_pct"].where(ro["progress_pct"].notna(), ro["volume_pct"])
    expected = [(c, n, fmt.plain(t), fmt.plain(v, na="-"), fmt.pct(g, na="-"), fmt.integer(pg), fmt.integer(sp),
                 fmt.pct(pc)) for c, n, t, v, g, pg, sp, pc in zip(
        ro["ro_code"], ro["ro_name"], ro["volume_target"], ro["volume_cum"], progress, ro["pagu_rp"],
        ro["spent_cum_rp"], ro["realisation_pct"])]
    expected.append(("TOTAL",) * 5 + (fmt.integer(unit_total["pagu_rp"]),
                     fmt.integer(unit_total["spent_cum_rp"]), fmt.pct(unit_total["realisation_pct"])))
    ro_doc = _table(tables, "Capaian Kinerja dan Realisasi Anggaran per Rincian Output")
    assert len(ro) == 21 and _rows(ro_doc, list(ro_doc.columns)) == expected
    # jenis belanja: v_budget_expense_type, TOTAL from v_budget_unit
    exp = _view(engine, "SELECT * FROM v_budget_expense_type WHERE unit_code = :u AND year = :y AND month = :m "
                        "ORDER BY expense_type", **p)
    expected = [(str(c), n, fmt.integer(a), fmt.integer(b), fmt.integer(s_), fmt.pct(r), fmt.pct(ra))
                for c, n, a, b, s_, r, ra in exp[["expense_type", "expense_type_name", "pagu_rp", "pagu_after_aa_rp",
                                                  "spent_cum_rp", "realisation_pct", "realisation_aa_pct"]]
                .itertuples(index=False)]
    expected.append(("TOTAL", "TOTAL", fmt.integer(unit_total["pagu_rp"]), fmt.integer(unit_total["pagu_after_aa_rp"]),
                     fmt.integer(unit_total["spent_cum_rp"]), fmt.pct(unit_total["realisation_pct"]),
                     fmt.pct(unit_total["realisation_aa_pct"])))
    exp_doc = _table(tables, "Realisasi Anggaran per Jenis Belanja")
    assert len(exp) > 0 and _rows(exp_doc, list(exp_doc.columns)) == expected
    # efficiency (Bab III and Lampiran 4): v_efficiency in the plan's indicator order, TOTAL last
    eff = _view(engine, "SELECT * FROM v_efficiency WHERE unit_code = :u AND year = :y AND quarter = :q", **p)
    order = {code: i for i, code in enumerate(ind["indicator_code"])}
    rows = eff[eff["indicator_code"] != "TOTAL"].assign(_o=lambda f: f["indicator_code"].map(order)).sort_values("_o")
    def cells(r, name, total=False):
        return (name, fmt.integer(r["input_pagu_rp"]), fmt.integer(r["input_realisasi_rp"]), fmt.number(r["input_pct"]),
                "" if total else fmt.plain(r["output_target"]), "" if total else fmt.plain(r["output_realisasi"]),
                fmt.number(r["output_pct"]), fmt.number(r["ie"], na="NA"), fmt.plain(r["se"]),
                "NA" if fmt.is_missing(r["kategori"]) else str(r["kategori"]), fmt.number(r["te"], na="NA"))
    expected = [cells(r, r["indicator_name"]) for r in rows.to_dict("records")]
    expected.append(cells(eff[eff["indicator_code"] == "TOTAL"].iloc[0].to_dict(), "TOTAL", total=True))
    columns = ["Indikator Kinerja", "Input / T (Rp)", "Input / R (Rp)", "Input / %", "Output / T", "Output / R",
               "Output / %", "IE", "SE", "Kategori", "TE"]
    for start in ("Pengukuran Efisiensi Indikator Kinerja s.d.", "PENGUKURAN EFISIENSI INDIKATOR KINERJA"):
        eff_doc = _table(tables, start)
        assert len(rows) > 0 and _rows(eff_doc, columns) == expected, start
    # efficiency per SK (Bab III and Lampiran 4): v_efficiency_sasaran in the plan's SK order, the unit's TOTAL last
    by_sk = _view(engine, "SELECT * FROM v_efficiency_sasaran WHERE unit_code = :u AND year = :y AND quarter = :q "
                          "ORDER BY sk_order", **p)
    expected = [(r["sk_name"], fmt.integer(r["input_pagu_rp"]), fmt.integer(r["input_realisasi_rp"]),
                 fmt.number(r["input_pct"]), fmt.number(r["output_pct"]), fmt.number(r["ie"], na="NA"), fmt.plain(r["se"]),
                 "NA" if fmt.is_missing(r["kategori"]) else str(r["kategori"]), fmt.number(r["te"], na="NA"))
                for r in by_sk.to_dict("records")]
    total = cells(eff[eff["indicator_code"] == "TOTAL"].iloc[0].to_dict(), "")
    expected.append(("TOTAL",) + total[1:4] + total[6:])  # "TOTAL" spans No and Sasaran Kegiatan
    columns = ["Sasaran Kegiatan", "Input / T (Rp)", "Input / R (Rp)", "Input / %", "Output / % (NPS)", "IE", "SE",
               "Kategori", "TE"]
    for start in ("Pengukuran Efisiensi per Sasaran Kegiatan s.d.", "PENGUKURAN EFISIENSI PER SASARAN KEGIATAN"):
        sk_doc = _table(tables, start)
        assert len(by_sk) == 11 and _rows(sk_doc, columns) == expected, start


def _by_title(path: Path) -> dict:
    return {t.attrs["title"]: t for t in docx_tables(path)}


def test_unit_and_national_reports_from_the_warehouse(reported, private, tmp_path):
    loaded, _ = private
    result = reported.q2
    assert result.version == 1 and result.pdf_path.exists()
    tables = _by_title(result.docx_path)
    sheet = tables["PENGUKURAN KINERJA TRIWULAN II TAHUN 2023 BALAI POM DI KUPANG"]
    labels = dict(zip(sheet["Sasaran Kegiatan"], sheet["Capaian"]))
    assert labels["NPS TOTAL"] == "103,34" and labels["NILAI PENCAPAIAN SASARAN SK 1 (NPS)"] == "110,91"
    expected = kupang.load_fixture()["scenarios"][0]["expected"]["indicators"]
    rows = sheet[sheet["No"] != ""]
    shown = [e["capaian"]["display"].replace(".", ",") if e["measured"] else "N/A" for e in expected.values()]
    assert rows["Capaian"].tolist() == shown
    ro = next(t for title, t in tables.items() if "per Rincian Output" in title)
    assert ro.iloc[-1]["Anggaran / Pagu"] == "30.215.555.000" and ro.iloc[-1]["Anggaran / %"] == "39,96%"
    eff = tables["PENGUKURAN EFISIENSI INDIKATOR KINERJA S.D. TRIWULAN II TAHUN 2023 BALAI POM DI KUPANG"]
    row14 = eff[eff["No"] == "14"].iloc[0]
    assert (row14["Input / %"], row14["IE"], row14["Kategori"]) == ("35,72", "2,55", "Efisien")
    assert_tables_match_views(loaded, result.docx_path, kupang.UNIT, 2023, 2)
    again = build_unit_report(loaded, kupang.UNIT, 2023, 2, tmp_path / "laporan")
    assert again.reused and again.report_id == result.report_id
    assert quarter_complete(loaded, kupang.UNIT, 2023, 2) and not quarter_complete(loaded, kupang.UNIT, 2023, 3)
    # the national roll-up from the same warehouse
    national = reported.national
    assert national.docx_path.name == "NASIONAL_2023_TWII_v1.docx" and national.report_id != result.report_id
    scores = next(t for title, t in _by_title(national.docx_path).items() if "NPS TOTAL Unit Kerja" in title)
    kpg = scores[scores["Unit Kerja"] == "Balai POM di Kupang"].iloc[0]
    assert kpg["NPS TOTAL"] == "103,34" and kpg["Kriteria"] == "Memenuhi Ekspektasi"


def _paragraphs(path: Path) -> list[str]:
    return [text for _, text in docx_paragraphs(path)]


def test_an_override_changes_the_fingerprint_and_makes_a_new_version(reported, private, tmp_path):
    loaded, kupang_settings = private
    first, national = reported.q2, reported.national
    assert reports.build.stale_reports(loaded) == []
    code = kupang.catalogue_code()["7.1"]  # penindakan: 50,00 in TW II
    override_id = run.add_override(loaded, kupang_settings, kupang.UNIT, 2023, 6, code, 100.0,
                                   "Target penindakan disesuaikan dengan kasus yang dilimpahkan", "Biro Perencanaan")
    stale = reports.build.stale_reports(loaded)
    assert [(s["scope"], s["unit_code"], s["year"], s["quarter"], s["version"]) for s in stale] == \
        [("unit", kupang.UNIT, 2023, 2, 1), ("national", None, 2023, 2, 1)]
    second = build_unit_report(loaded, kupang.UNIT, 2023, 2, tmp_path / "laporan", date=date(2023, 7, 21))
    assert not second.reused and second.version == 2 and second.fingerprint != first.fingerprint
    assert "NPS TOTAL 103,34 → " in second.changes and "Laporan bulanan" not in second.changes
    new_national = build_national_report(loaded, 2023, 2, tmp_path / "laporan")
    assert new_national.version == 2 and "NPS TOTAL Balai POM di Kupang 103,34 → " in new_national.changes
    assert national.version == 1 and reports.build.stale_reports(loaded) == []
    again = build_unit_report(loaded, kupang.UNIT, 2023, 2, tmp_path / "laporan")
    assert again.reused and again.version == 2
    # withdrawing the override is a change too
    from sinks.warehouse import load

    load.withdraw_override(loaded, override_id, "Biro Perencanaan")
    run.derive_all(loaded, kupang_settings)
    third = build_unit_report(loaded, kupang.UNIT, 2023, 2, tmp_path / "laporan")
    assert third.version == 3 and third.fingerprint == first.fingerprint


def _correct_march(settings: Settings) -> str:
    """A corrected March report (``_rev1``, with a revision note) collected through the real steps."""
    from sinks.templates import write_workbook

    identity, frames = kupang.monthly_workbook(3)
    kinerja = frames["Kinerja"]
    code = kinerja.loc[kinerja["realisasi"].notna() & kinerja["numerator"].isna(), "indicator_code"].iloc[0]
    frames["Kinerja"] = kinerja.assign(realisasi=kinerja["realisasi"].mask(kinerja["indicator_code"] == code,
                                                                            kinerja["realisasi"] + 1))
    identity = {**identity, "revision_note": "Koreksi realisasi Maret setelah verifikasi"}
    path = settings.inbox / kupang.UNIT / f"{kupang.UNIT}_2023-03_rev1.xlsx"
    write_workbook("bulanan", identity, frames, path)
    return path.name


def test_a_later_correction_to_an_earlier_month_is_found_and_regenerated_with_what_changed(reported, private,
                                                                                           tmp_path):
    loaded, kupang_settings = private
    out = tmp_path / "laporan"
    q1, q2, national = reported.q1, reported.q2, reported.national
    assert (q1.version, q2.version, national.version) == (1, 1, 1) and reports.build.stale_reports(loaded) == []
    name = _correct_march(kupang_settings)
    outcomes = collect(loaded, kupang_settings, select_files(kupang_settings, "bulanan", 2023, 3))
    assert [o.status for o in outcomes if o.file_name == name] == ["loaded"]
    stale = [(s["scope"], s["unit_code"], s["quarter"]) for s in reports.build.stale_reports(loaded)]
    assert stale == [("unit", kupang.UNIT, 1), ("unit", kupang.UNIT, 2), ("national", None, 2)]
    assert [s["quarter"] for s in reports.build.stale_reports(loaded, year=2022)] == []
    new_q1 = build_unit_report(loaded, kupang.UNIT, 2023, 1, out, date=date(2023, 8, 2))
    assert not new_q1.reused and new_q1.version == 2
    assert "Laporan bulanan BPOM-KPG Maret 2023: versi 1" in new_q1.changes and name in new_q1.changes
    texts = _paragraphs(new_q1.docx_path)
    start = next(i for i, t in enumerate(texts) if t.startswith("Perubahan dari versi sebelumnya (versi 1, dibuat "))
    listed = " ".join(texts[start:])
    assert "Laporan bulanan BPOM-KPG Maret 2023: versi 1 (BPOM-KPG_2023-03.xlsx, diterima " in listed
    assert f"diganti versi 2 ({name}, diterima " in listed
    assert 'catatan revisi: "Koreksi realisasi Maret setelah verifikasi"' in listed
    assert reports.describe_report(new_q1).endswith(new_q1.changes) and "Maret 2023" in reports.describe_report(new_q1)
    assert [(s["scope"], s["quarter"]) for s in reports.build.stale_reports(loaded)] == [("unit", 2), ("national", 2)]
