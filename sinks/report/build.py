"""Building report files with provenance and versions: the entry points flows and the CLI call.

``build_unit_report`` / ``build_national_report``:

1. read every row the report needs in ONE transaction (REPEATABLE READ on PostgreSQL; one
   connection and one ``BEGIN`` on SQLite), together with the latest ``report_version`` of the same
   scope, so a report never mixes two versions of the data;
2. fingerprint the data: SHA-256 over the current submissions used (id + file hash), the scoring
   policies cited and the active manual overrides applied; if the latest version has the same
   fingerprint, return it (no new files);
3. otherwise compute what changed since version n (submissions replaced, added or dropped; scores
   whose displayed value changed, e.g. "NPS TOTAL 101,20 → 103,34"), render
   ``<out>/<year>-Q<q>/<unit>/<unit>_<year>_TW<roman>_v<n>.docx/.pdf`` with those changes printed in the
   Sumber Data appendix, write a JSON manifest beside them (fingerprint, submissions, headline scores,
   changes), and insert ``report_version`` n+1 with the same ``changes`` text.

``quarter_complete`` / ``quarter_gaps`` tell the scheduler and the CLI whether a unit's quarter can be
reported; ``stale_reports`` finds the reports whose data changed since they were built (cheap: no
rendering, only the rows the fingerprint is computed from).
"""
from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cache, partial
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sakip.periods import ROMAN, month_name, quarter_end_month, quarter_label
from sakip.settings import get_settings
from sinks.report import idformat as fmt
from sinks.report.content import unit_report
from sinks.report.dalam_angka import dalam_angka, headline_scores
from sinks.report.dalam_angka_data import BookData, load_book_data
from sinks.report.data import ReportData, load_report_data, override_rows, select_view
from sinks.report.docx_render import render_docx
from sinks.report.facts import Facts, prepare
from sinks.report.model import Document
from sinks.report.pdf_render import render_pdf
from sinks.report.provenance import (LOADED_VERDICTS, Provenance, approval_id_of, approval_label,
                                     national_fingerprint, submission_records, unit_fingerprint)
from sinks.report.tables import when

T = TypeVar("T")
NATIONAL = "NASIONAL"
#: The columns of ``report_version`` this module reads and writes (the table is the warehouse's).
REPORT_VERSION = sa.table(
    "report_version", sa.column("report_id"), sa.column("scope"), sa.column("unit_code"), sa.column("year"),
    sa.column("quarter"), sa.column("version"), sa.column("built_at"), sa.column("data_fingerprint"),
    sa.column("submission_ids"), sa.column("docx_path"), sa.column("pdf_path"), sa.column("changes"),
)
MAX_CHANGES = 12


@dataclass(frozen=True)
class ReportResult:
    """A built (or reused) report version."""

    report_id: int | None
    scope: str
    unit_code: str | None
    year: int
    quarter: int
    version: int
    docx_path: Path
    pdf_path: Path
    fingerprint: str
    changes: str
    reused: bool


# -------------------------------------------------------------------------------------- reading
def read_snapshot(engine: Engine, reader: Callable[[Connection], T]) -> T:
    """Run ``reader`` in one read transaction: REPEATABLE READ on PostgreSQL, one BEGIN on SQLite."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            if conn.dialect.name == "sqlite":
                raw = conn.connection.dbapi_connection
                if not raw.in_transaction:  # an engine without a BEGIN hook: pysqlite would autocommit reads
                    conn.exec_driver_sql("BEGIN")
            return reader(conn)


def _latest(conn: Connection, scope: str, unit_code: str | None, year: int, quarter: int) -> dict | None:
    rv = REPORT_VERSION
    unit = rv.c.unit_code.is_(None) if unit_code is None else rv.c.unit_code == unit_code
    stmt = (sa.select(rv).where(rv.c.scope == scope, unit, rv.c.year == year, rv.c.quarter == quarter)
            .order_by(rv.c.version.desc()).limit(1))
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


# ------------------------------------------------------------------------------------- changes
def _label(rec: dict) -> str:
    if str(rec.get("kind")) == "rencana" or fmt.is_missing(rec.get("month")):
        return f"Rencana {rec.get('unit_code')} {rec.get('year')}"
    return f"Laporan bulanan {rec.get('unit_code')} {month_name(int(rec['month']))} {rec.get('year')}"


def _period(rec: dict) -> tuple:
    month = None if fmt.is_missing(rec.get("month")) else int(rec["month"])
    return rec.get("unit_code"), rec.get("kind"), rec.get("year"), month


def _file(rec: dict) -> str:
    """"BPOM-KPG_2023-06.xlsx, diterima 8 Juli 2023 21:30 WIB" (the received time when recorded)."""
    received = when(rec.get("received_at"))
    return f"{rec.get('file_name')}, diterima {received}" if received != "-" else str(rec.get("file_name"))


def submission_changes(previous: list[dict], current: list[dict]) -> list[str]:
    """Submissions replaced (same unit, kind and period, another file), added or no longer used, with the
    files, their received times and the steward's revision note."""
    before = {_period(r): r for r in previous}
    after = {_period(r): r for r in current}
    out = []
    for key, rec in after.items():
        old = before.get(key)
        note = str(rec.get("revision_note") or "").strip()
        note = f"; catatan revisi: \"{note}\"" if note else ""
        if old is None:
            out.append(f"{_label(rec)} ditambahkan (versi {fmt.plain(rec.get('version'), 0, '-')}, {_file(rec)}{note})")
        elif old.get("submission_id") != rec.get("submission_id"):
            out.append(f"{_label(rec)}: versi {fmt.plain(old.get('version'), 0, '-')} ({_file(old)}) diganti "
                       f"versi {fmt.plain(rec.get('version'), 0, '-')} ({_file(rec)}{note})")
    out += [f"{_label(rec)} tidak lagi digunakan" for key, rec in before.items() if key not in after]
    return out


def score_changes(previous: dict[str, float | None], current: dict[str, float | None]) -> list[str]:
    """Scores whose displayed value changed: "NPS TOTAL 101,20 → 103,34"."""
    out = []
    for name, value in current.items():
        old = previous.get(name)
        if name in previous and fmt.number(old, na="NA") != fmt.number(value, na="NA"):
            out.append(f"{name} {fmt.number(old, na='NA')} → {fmt.number(value, na='NA')}")
    return out


NO_VISIBLE_CHANGE = "Sidik data berubah tanpa perubahan berkas atau nilai yang ditampilkan."


def change_items(previous_manifest: dict | None, records: list[dict], scores: dict[str, float | None]) -> list[str]:
    """What changed since the previous version, one Indonesian line each (empty for the first version)."""
    if previous_manifest is None:
        return []
    items = submission_changes(previous_manifest.get("submissions", []), records)
    items += score_changes(previous_manifest.get("scores", {}), scores)
    return items or [NO_VISIBLE_CHANGE]


def describe_changes(items: list[str]) -> str:
    """The ``changes`` text of a new version (Indonesian), from its ``change_items`` (none: the first)."""
    if not items:
        return "Versi pertama."
    if items == [NO_VISIBLE_CHANGE]:
        return NO_VISIBLE_CHANGE
    more = f"; dan {len(items) - MAX_CHANGES} perubahan lain" if len(items) > MAX_CHANGES else ""
    return "; ".join(items[:MAX_CHANGES]) + more + "."


def unit_scores_summary(f: Facts) -> dict[str, float | None]:
    """Headline scores of a unit report (NPS TOTAL, each SK, each indicator) for the manifest."""
    out: dict[str, float | None] = {"NPS TOTAL": (f.total or {}).get("value_pct")}
    out |= {f"NPS SK {r['sk_no']}": r["value_pct"] for r in f.sk.to_dict("records")}
    out |= {f"Capaian IKU {r['iku_no']}": r["capaian_pct"] for r in f.ind.to_dict("records")}
    out["Realisasi anggaran (%)"] = f.budget.get("realisation_pct")
    return {k: (None if fmt.is_missing(v) else float(v)) for k, v in out.items()}


# ------------------------------------------------------------------------------------- writing
def report_paths(out_dir: Path, folder: str, year: int, quarter: int, version: int) -> tuple[Path, Path, Path]:
    """(docx, pdf, manifest) paths of a version: ``<out>/<year>-Q<q>/<folder>/<folder>_<year>_TW<roman>_v<n>``."""
    stem = Path(out_dir) / f"{year}-Q{quarter}" / folder / f"{folder}_{year}_TW{ROMAN[quarter - 1]}_v{version}"
    return stem.with_suffix(".docx"), stem.with_suffix(".pdf"), stem.with_suffix(".json")


def _read_manifest(row: dict | None) -> dict | None:
    if row is None or not row.get("docx_path"):
        return None
    path = Path(row["docx_path"]).with_suffix(".json")
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"submissions": [], "scores": {}}


def _local_now() -> datetime:
    return datetime.now(timezone.utc).astimezone(ZoneInfo(get_settings().timezone))


def _stamp(value: object) -> datetime | None:
    """A stored ``built_at`` (UTC when naive; SQLite may return text) in the settings' time zone."""
    if fmt.is_missing(value):
        return None
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert(get_settings().timezone).to_pydatetime()


@dataclass(frozen=True)
class _Plan:
    """What a build needs after reading: the data, fingerprint, submissions and the previous version."""

    scope: str
    unit_code: str | None
    year: int
    quarter: int
    used: pd.DataFrame
    fingerprint: str
    latest: dict | None
    #: how the report labels its figures (``approval_label``): draft or approved; None for the national book
    approval: str | None = None


def _result(plan: _Plan, row: dict, reused: bool) -> ReportResult:
    return ReportResult(report_id=row.get("report_id"), scope=plan.scope, unit_code=plan.unit_code, year=plan.year,
                        quarter=plan.quarter, version=int(row["version"]), docx_path=Path(row["docx_path"]),
                        pdf_path=Path(row["pdf_path"]), fingerprint=row["data_fingerprint"],
                        changes=row.get("changes") or "", reused=reused)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a report is built, and restore it after.

    Building a report allocates hundreds of thousands of objects that live until its files are
    written (flowables, line breaks, XML elements). The collector keeps promoting them and, every few
    thousand allocations, walks the whole heap of the process (pandas, matplotlib, fonts): 15-25 % of
    the PDF's time, measured. They are freed by reference counting; the ten thousand or so in cycles
    are collected as usual once the collector runs again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _publish(path: Path, write: Callable[[Path], object]) -> None:
    """Write a file of a report under a temporary name in its folder (unique to this process), then
    rename it into place: nobody sees a half-written report, and a worker stopped mid-write leaves no
    file under the report's name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        write(part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def _write(engine: Engine, plan: _Plan, out_dir: Path, folder: str, make: Callable[[Provenance], Document],
           headline: Callable[[], dict[str, float | None]]) -> ReportResult:
    """Render the files of a new version and record it (or return the latest when nothing changed: then
    neither the document nor its ``headline`` scores are computed)."""
    if plan.latest is not None and plan.latest["data_fingerprint"] == plan.fingerprint:
        return _result(plan, plan.latest, reused=True)
    with _gc_paused():
        return _new_version(engine, plan, out_dir, folder, make, headline)


def _new_version(engine: Engine, plan: _Plan, out_dir: Path, folder: str, make: Callable[[Provenance], Document],
                 headline: Callable[[], dict[str, float | None]]) -> ReportResult:
    """Version n+1: the changes since version n, the document, its files and manifest, its row."""
    scores = headline()
    version = (int(plan.latest["version"]) if plan.latest else 0) + 1
    built_at = _local_now()
    docx_path, pdf_path, manifest_path = report_paths(out_dir, folder, plan.year, plan.quarter, version)
    records = submission_records(plan.used)
    previous = _read_manifest(plan.latest)
    items = change_items(previous, records, scores)
    if previous is not None and plan.approval is not None and previous.get("approval") != plan.approval:
        items = [f"Status data: {previous.get('approval') or 'Draf'} → {plan.approval}",
                 *(i for i in items if i != NO_VISIBLE_CHANGE)]
    changes = describe_changes(items)
    previous_built = _stamp(plan.latest.get("built_at")) if plan.latest else None
    document = make(Provenance(version=version, fingerprint=plan.fingerprint, built_at=built_at, submissions=plan.used,
                               previous_version=int(plan.latest["version"]) if plan.latest else None,
                               previous_built_at=previous_built,
                               changes=tuple(items)))
    _publish(docx_path, lambda part: render_docx(document, part))
    _publish(pdf_path, lambda part: render_pdf(document, part))
    manifest = {"scope": plan.scope, "unit_code": plan.unit_code, "year": plan.year, "quarter": plan.quarter,
                "version": version, "built_at": built_at.isoformat(), "data_fingerprint": plan.fingerprint,
                "submissions": records, "scores": scores, "changes": changes, "approval": plan.approval}
    _publish(manifest_path, lambda part: part.write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                                         encoding="utf-8"))
    row = {"scope": plan.scope, "unit_code": plan.unit_code, "year": plan.year, "quarter": plan.quarter,
           "version": version, "built_at": built_at.astimezone(timezone.utc), "data_fingerprint": plan.fingerprint,
           "submission_ids": json.dumps([r["submission_id"] for r in records]), "docx_path": str(docx_path),
           "pdf_path": str(pdf_path), "changes": changes}
    rv = REPORT_VERSION
    with engine.begin() as conn:
        conn.execute(sa.insert(rv).values(**row))
        unit = rv.c.unit_code.is_(None) if plan.unit_code is None else rv.c.unit_code == plan.unit_code
        report_id = conn.execute(sa.select(rv.c.report_id).where(
            rv.c.scope == plan.scope, unit, rv.c.year == plan.year, rv.c.quarter == plan.quarter,
            rv.c.version == version)).scalar_one()
    return _result(plan, {**row, "report_id": report_id}, reused=False)


def build_unit_report(engine: Engine, unit_code: str, year: int, quarter: int, out_dir: Path,
                      date: date | None = None, policy_dir: Path | None = None) -> ReportResult:
    """Build (or reuse) a unit's interim report for a quarter: .docx + .pdf + a ``report_version`` row."""
    def read(conn: Connection) -> tuple[ReportData, dict | None]:
        return load_report_data(conn, unit_code, year, quarter, policy_dir), _latest(conn, "unit", unit_code, year, quarter)

    data, latest = read_snapshot(engine, read)
    used, print_ = unit_fingerprint(data.submissions, data.scores, data.capaian, year, quarter,
                                    approval_id_of(data.approval))
    plan = _Plan("unit", unit_code, year, quarter, used, print_, latest, approval_label(data.approval))
    day = date or _local_now().date()
    facts = cache(partial(prepare, data))  # once, for the headline scores and the document; not when reused
    return _write(engine, plan, out_dir, unit_code, lambda prov: unit_report(data, day, prov, facts()),
                  lambda: unit_scores_summary(facts()))


def build_national_report(engine: Engine, year: int, quarter: int, out_dir: Path, date: date | None = None,
                          policy_dir: Path | None = None) -> ReportResult:
    """Build (or reuse) the national document of a quarter: the "Kinerja BPOM Dalam Angka" book
    (``dalam_angka.py``), read from the national views in one snapshot, versioned like the unit reports."""
    def read(conn: Connection) -> tuple[BookData, dict | None]:
        return load_book_data(conn, year, quarter, policy_dir), _latest(conn, "national", None, year, quarter)

    data, latest = read_snapshot(engine, read)
    used, print_ = national_fingerprint(data.submissions, data.scores, data.overrides, year, quarter)
    plan = _Plan("national", None, year, quarter, used, print_, latest)
    day = date or _local_now().date()
    return _write(engine, plan, out_dir, NATIONAL, lambda prov: dalam_angka(data, day, prov),
                  lambda: headline_scores(data))


def quarter_complete(engine: Engine, unit_code: str, year: int, quarter: int) -> bool:
    """True when the unit's plan is loaded and its quarter-end month's current submission is accepted."""
    return not quarter_gaps(engine, unit_code, year, quarter)


def quarter_gaps(engine: Engine, unit_code: str, year: int, quarter: int) -> list[str]:
    """What a unit's quarter lacks to be reported, in Indonesian (empty when complete): the plan, and an
    accepted current report of the quarter-end month (the quarter's figures are that month's)."""
    month = quarter_end_month(quarter)
    params = {"unit": unit_code, "year": year, "month": month}

    def read(conn: Connection) -> tuple[int, list]:
        plan = conn.execute(sa.text("SELECT COUNT(*) FROM v_plan_header WHERE unit_code = :unit AND year = :year"),
                            params).scalar_one()
        rows = conn.execute(sa.text(
            "SELECT verdict, is_current FROM v_submission WHERE unit_code = :unit AND year = :year "
            "AND kind = 'bulanan' AND month = :month"), params).all()
        return plan, rows

    plan, rows = read_snapshot(engine, read)
    gaps = [] if plan > 0 else [f"Rencana Tahunan {year} belum dimuat"]
    if not any(bool(cur) and verdict in LOADED_VERDICTS for verdict, cur in rows):
        state = "ditolak" if rows else "belum diterima"
        gaps.append(f"laporan bulanan {month_name(month)} {year} (bulan terakhir {quarter_label(quarter)}) {state}")
    return gaps


def stale_reports(engine: Engine, year: int | None = None) -> list[dict]:
    """Every report (latest version of a unit-quarter or national quarter) whose recorded fingerprint differs
    from the one the current data gives: a correction, a late file, an override or its withdrawal since it
    was built. Reads only ``report_version``, ``v_submission``, the policy ids of ``v_score`` and the override
    ids of ``v_indicator_capaian``, in one snapshot; nothing is rendered.

    Returns dicts ``scope, unit_code, year, quarter, version, recorded, current`` sorted by year, quarter,
    scope ('national' last), unit.
    """
    def read(conn: Connection) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        rv = REPORT_VERSION
        stmt = sa.select(rv.c.scope, rv.c.unit_code, rv.c.year, rv.c.quarter, rv.c.version, rv.c.data_fingerprint)
        if year is not None:
            stmt = stmt.where(rv.c.year == year)
        versions = pd.DataFrame(conn.execute(stmt).mappings().all(),
                                columns=["scope", "unit_code", "year", "quarter", "version", "data_fingerprint"])
        if versions.empty:
            return versions, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame()
        years = sorted({int(y) for y in versions["year"]} | {int(y) - 1 for y in versions["year"]})
        marks = ", ".join(f":y{i}" for i in range(len(years)))
        params = {f"y{i}": y for i, y in enumerate(years)}
        subs = select_view(conn, "v_submission", f"year IN ({marks})", params)
        scores = _frame(conn, f"SELECT DISTINCT unit_code, year, quarter, level, policy_id FROM v_score "
                              f"WHERE year IN ({marks})", params)
        overrides = override_rows(conn, f"year IN ({marks})", params)
        approvals = _frame(conn, f"SELECT unit_code, year, quarter, approval_event_id FROM v_quarter_approval "
                                 f"WHERE year IN ({marks}) AND approval_event_id IS NOT NULL", params)
        return versions, subs, scores, overrides, approvals

    versions, subs, scores, overrides, approvals = read_snapshot(engine, read)
    approved = {(r["unit_code"], int(r["year"]), int(r["quarter"])): int(r["approval_event_id"])
                for r in approvals.to_dict("records")} if len(approvals) else {}
    if versions.empty:
        return []
    latest = versions.sort_values("version").groupby(["scope", "unit_code", "year", "quarter"], dropna=False).tail(1)
    out = []
    for r in latest.to_dict("records"):
        y, q = int(r["year"]), int(r["quarter"])
        if r["scope"] == "national":
            current = national_fingerprint(subs[subs["year"] == y], scores, overrides, y, q)[1]
        else:
            unit = r["unit_code"]
            mine = (lambda f: f[f["unit_code"] == unit] if not f.empty else f)
            current = unit_fingerprint(mine(subs), mine(scores), mine(overrides), y, q, approved.get((unit, y, q)))[1]
        if current != r["data_fingerprint"]:
            out.append({"scope": r["scope"], "unit_code": None if r["scope"] == "national" else r["unit_code"],
                        "year": y, "quarter": q, "version": int(r["version"]), "recorded": r["data_fingerprint"],
                        "current": current})
    return sorted(out, key=lambda d: (d["year"], d["quarter"], d["scope"] == "national", d["unit_code"] or ""))


def _frame(conn: Connection, sql: str, params: dict) -> pd.DataFrame:
    result = conn.execute(sa.text(sql), params)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
