"""Building files with provenance and versions, on a SQLite database whose v_* relations hold the Kupang frames.

The relations are plain tables shaped like the warehouse views (the report only SELECTs from them), so this
tests ``data.py`` and ``build.py`` without the warehouse's loaders; ``test_report_warehouse.py`` runs the
real pipeline.
"""
from __future__ import annotations

import gc
import json
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy import MetaData

from report_kupang import kupang_report_data
from sinks.report.build import build_unit_report, quarter_complete, read_snapshot
from sinks.report.data import load_report_data
from docx_read import docx_paragraphs, docx_tables
from sinks.warehouse.schema import report_version
from sinks.warehouse.views import VIEWS as WAREHOUSE_VIEWS
from report_kupang import REPORT_DATE

VIEWS = {"header": "v_plan_header", "plan": "v_plan_indicator", "capaian": "v_indicator_capaian", "scores": "v_score",
         "budget_ro": "v_budget_ro", "budget_expense": "v_budget_expense_type", "budget_unit": "v_budget_unit",
         "rpd": "v_rpd_month", "efficiency": "v_efficiency", "submissions": "v_submission",
         "efficiency_sasaran": "v_efficiency_sasaran"}


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    """A plain SQLite engine (no BEGIN hook) with view-shaped tables and the report_version table."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'views.sqlite'}")
    data = kupang_report_data()
    with engine.begin() as conn:
        for attr, view in VIEWS.items():
            frame = getattr(data, attr)
            if "received_at" in frame.columns:
                frame = frame.assign(received_at=frame["received_at"].dt.tz_convert(None))
            frame.to_sql(view, conn, index=False)
        # no approval step yet: the quarter is a draft (the approval view is empty)
        pd.DataFrame(columns=list(WAREHOUSE_VIEWS["v_quarter_approval"].columns)).to_sql(
            "v_quarter_approval", conn, index=False)
    report_version.to_metadata(MetaData()).create(engine)
    return engine


def _versions(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.text("SELECT * FROM report_version ORDER BY version")).mappings()]


def test_loader_reads_the_views_in_one_snapshot(engine):
    data = read_snapshot(engine, lambda conn: load_report_data(conn, "BPOM-KPG", 2023, 2))
    assert len(data.plan) == 29 and len(data.budget_ro) == 21 and data.policy.policy_id == "sakip_2023"
    assert data.capaian["measured"].dtype == "boolean"


def test_first_build_writes_files_and_a_version(engine, tmp_path):
    result = build_unit_report(engine, "BPOM-KPG", 2023, 2, tmp_path / "out", date=REPORT_DATE)
    assert not result.reused and result.version == 1 and result.changes == "Versi pertama."
    assert result.docx_path == tmp_path / "out" / "2023-Q2" / "BPOM-KPG" / "BPOM-KPG_2023_TWII_v1.docx"
    # written under temporary names and renamed into place: nothing else is left in the folder
    assert sorted(p.name for p in result.docx_path.parent.iterdir()) == [
        "BPOM-KPG_2023_TWII_v1.docx", "BPOM-KPG_2023_TWII_v1.json", "BPOM-KPG_2023_TWII_v1.pdf"]
    row = _versions(engine)[0]
    assert row["report_id"] == result.report_id and row["data_fingerprint"] == result.fingerprint
    assert json.loads(row["submission_ids"]) == [1, 2, 3, 4, 5, 6, 9]
    manifest = json.loads(result.docx_path.with_suffix(".json").read_text(encoding="utf-8"))
    assert manifest["scores"]["NPS TOTAL"] == pytest.approx(103.335036)
    tables = {t.attrs["title"]: t for t in docx_tables(result.docx_path)}
    sources = tables["Berkas sumber yang digunakan (7 berkas)"]
    assert sources["Hash (SHA-256, 12 awal)"].tolist()[-1] == "f6" * 6
    assert any(result.fingerprint[:16] in text for _, text in docx_paragraphs(result.docx_path))


@pytest.mark.parametrize("collecting", [True, False], ids=["collector on", "collector off"])
def test_the_garbage_collector_is_paused_only_while_a_report_is_built(engine, tmp_path, collecting):
    (gc.enable if collecting else gc.disable)()
    try:
        build_unit_report(engine, "BPOM-KPG", 2023, 2, tmp_path / "out", date=REPORT_DATE)
        assert gc.isenabled() == collecting
    finally:
        gc.enable()


def _build_in_worker(url: str, quarter: int, out: Path) -> tuple[int, str, str]:
    """One report built in a spawned worker process (module level, so the worker can import it)."""
    result = build_unit_report(sa.create_engine(url), "BPOM-KPG", 2023, quarter, out, date=REPORT_DATE)
    return result.version, str(result.docx_path), str(result.pdf_path)


def test_two_spawned_workers_build_two_reports_at_once(engine, tmp_path):
    """Fresh interpreters (no display, no state from this one) build two reports at the same time: each
    writes its own files and its own version row."""
    url = engine.url.render_as_string(hide_password=False)
    with ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("spawn")) as pool:
        built = list(pool.map(_build_in_worker, [url, url], [1, 2], [tmp_path / "out"] * 2))
    assert [b[0] for b in built] == [1, 1] and len({p for b in built for p in b[1:]}) == 4
    assert all(Path(p).stat().st_size > 10_000 for b in built for p in b[1:])
    assert sorted((r["quarter"], r["version"]) for r in _versions(engine)) == [(1, 1), (2, 1)]


def test_same_data_returns_the_same_version(engine, tmp_path):
    first = build_unit_report(engine, "BPOM-KPG", 2023, 2, tmp_path / "out", date=REPORT_DATE)
    again = build_unit_report(engine, "BPOM-KPG", 2023, 2, tmp_path / "out")
    assert again.reused and again.version == 1 and again.report_id == first.report_id
    assert len(_versions(engine)) == 1


def test_a_corrected_submission_makes_a_new_version_that_says_what_changed(engine, tmp_path):
    build_unit_report(engine, "BPOM-KPG", 2023, 2, tmp_path / "out", date=REPORT_DATE)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE v_submission SET is_current = 0, superseded_by = 10 WHERE submission_id = 9"))
        conn.execute(sa.text(
            "INSERT INTO v_submission (submission_id, unit_code, kind, year, month, version, file_name, file_hash, "
            "received_at, steward, verdict, is_current, n_errors, n_warnings) VALUES (10, 'BPOM-KPG', 'bulanan', "
            "2023, 6, 3, 'BPOM-KPG_2023-06_v3.xlsx', :h, '2023-07-12 02:00:00', 'Maria', 'accepted', 1, 0, 0)"),
            {"h": "ab" * 32})
        conn.execute(sa.text("UPDATE v_score SET value_pct = 104.0, value_raw_pct = 104.0 "
                             "WHERE level = 'total' AND quarter = 2"))
    second = build_unit_report(engine, "BPOM-KPG", 2023, 2, tmp_path / "out", date=REPORT_DATE)
    assert not second.reused and second.version == 2
    assert second.docx_path.name == "BPOM-KPG_2023_TWII_v2.docx"
    replaced = ("Laporan bulanan BPOM-KPG Juni 2023: versi 2 (BPOM-KPG_2023-06_revisi.xlsx, diterima 8 Juli 2023 "
                "21:30 WIB) diganti versi 3 (BPOM-KPG_2023-06_v3.xlsx, diterima 12 Juli 2023 09:00 WIB)")
    assert replaced in second.changes
    assert "NPS TOTAL 103,34 → 104,00" in second.changes
    assert [r["version"] for r in _versions(engine)] == [1, 2]
    # the document itself says what changed since version 1
    texts = [text for _, text in docx_paragraphs(second.docx_path)]
    heading = next(i for i, t in enumerate(texts) if t.startswith("Perubahan dari versi sebelumnya (versi 1, dibuat "))
    assert any(replaced in t for t in texts[heading:]) and any("NPS TOTAL 103,34 → 104,00" in t for t in texts[heading:])
    first_texts = [text for _, text in docx_paragraphs(second.docx_path.with_name("BPOM-KPG_2023_TWII_v1.docx"))]
    assert not any(t.startswith("Perubahan dari versi sebelumnya") for t in first_texts)


def test_quarter_complete(engine):
    assert quarter_complete(engine, "BPOM-KPG", 2023, 2)
    assert not quarter_complete(engine, "BPOM-KPG", 2023, 3)
    assert not quarter_complete(engine, "BPOM-KPG", 2024, 1)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE v_submission SET verdict = 'rejected' WHERE submission_id = 9"))
    assert not quarter_complete(engine, "BPOM-KPG", 2023, 2)


def _subs(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([{"submission_id": i, "unit_code": "U", "kind": kind, "year": y, "month": m, "version": 1,
                          "file_name": f"f{i}", "file_hash": f"h{i}", "received_at": None, "verdict": "accepted",
                          "is_current": True} for i, (kind, y, m) in enumerate(rows, start=1)])


def test_provenance_lists_every_month_of_last_year_the_report_shows_and_this_year_to_the_quarter_end():
    from sinks.report.provenance import used_submissions

    rows = [("rencana", 2022, None)] + [("bulanan", 2022, m) for m in range(1, 13)]
    rows += [("rencana", 2023, None)] + [("bulanan", 2023, m) for m in range(1, 9)]
    used = used_submissions(_subs(rows), 2023, 2)
    got = [(y, None if m != m else int(m)) for y, m in zip(used["year"], used["month"])]
    assert got == [(2022, None), *[(2022, m) for m in range(1, 13)], (2023, None), *[(2023, m) for m in range(1, 7)]]


def test_fingerprint_changes_with_an_override_and_not_without_one():
    from sinks.report.provenance import fingerprint

    used = _subs([("rencana", 2023, None), ("bulanan", 2023, 3)])
    plain = fingerprint(used, ["sakip_2023"])
    assert fingerprint(used, ["sakip_2023"], []) == plain
    assert fingerprint(used, ["sakip_2023"], [7]) not in (plain, fingerprint(used, ["sakip_2023"], [8]))
    assert fingerprint(used, ["sakip_2023_cap120"]) != plain
