"""Storing submissions' raw facts in the warehouse: one transaction per file, idempotent, versioned.

For an accepted plan (``rencana``) or monthly report (``bulanan``), :func:`load_plan` /
:func:`load_monthly`, in ONE transaction:

1. no-op when a file with the same SHA-256 was already loaded for that unit and period
   (re-running a collection changes nothing);
2. audit: the file becomes version n+1 of its unit-period; the previous current version gets
   ``is_current = false`` and ``superseded_by`` = the new one; its problems (warnings) are kept;
3. delete-then-insert the unit-period's facts (a plan: the unit-year's ``plan_*``; a month: the
   unit-month's ``fact_*``), bulk inserts only;
4. record that the unit-year's raw facts changed (``sinks.warehouse.derived.mark_raw_changed``).

No business rule runs here: deriving scores and budget figures is a later step of the run
(``flows.derive``), once per touched unit-year, never per file. A rejected file
(:func:`record_submission`) is audited with its problems and loads no facts. Manual capaian
overrides (:func:`add_override`) are audited raw inputs: they mark their unit-year for deriving.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from sinks.warehouse import db
from sinks.warehouse import schema as s
from sinks.warehouse.derived import mark_raw_changed
from sinks.warehouse.records import check_unique, read_frame, to_records, to_utc

log = logging.getLogger(__name__)

Kind = Literal["rencana", "bulanan"]
VERDICTS = ("accepted", "accepted_with_warnings", "rejected")
PROBLEM_FIELDS = ("rule_id", "severity", "sheet", "row", "column", "cell", "value", "message", "expected")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class SubmissionMeta:
    """What the warehouse records about a received file (everything but its content).

    ``received_at`` is the time the file arrived (a naive value is taken as UTC). ``kind``,
    ``year`` (and ``unit_code`` = "") may be unknown only for a rejected file whose identity could
    not be read: such a file can be recorded (:func:`record_submission`), never loaded.
    """

    unit_code: str
    kind: Kind | None
    year: int | None
    month: int | None
    file_name: str
    file_hash: str
    size_bytes: int
    received_at: datetime
    steward: str | None = None
    revision_note: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("rencana", "bulanan", None):
            raise ValueError(f"kind must be 'rencana', 'bulanan' or None (unknown), not {self.kind!r}")
        if not _SHA256.fullmatch(self.file_hash or ""):
            raise ValueError(f"file_hash must be a lowercase hex SHA-256, not {self.file_hash!r}")
        if self.kind == "rencana" and self.month is not None:
            raise ValueError("a plan (rencana) has no month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, not {self.month!r}")

    @property
    def period_key(self) -> int | None:
        """YYYYMM of a monthly report, YYYY00 of a plan (None when the year is unknown)."""
        if self.year is None:
            return None
        return self.year * 100 + (self.month or 0)


@dataclass(frozen=True)
class LoadResult:
    """Outcome of a load: the submission, what happened and how many rows were written."""

    submission_id: int
    status: Literal["loaded", "unchanged", "rejected"]
    version: int | None = None
    superseded: int | None = None
    rows: Mapping[str, int] = field(default_factory=dict)


# ----------------------------------------------------------------------------------------- helpers

def _verdict(verdict: Any) -> str:
    value = getattr(verdict, "value", verdict)
    value = getattr(value, "verdict", value)
    value = str(getattr(value, "value", value))
    if value not in VERDICTS:
        raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
    return value


def _problem_rows(problems: pd.DataFrame | Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    if problems is None:
        return []
    frame = problems if isinstance(problems, pd.DataFrame) else pd.DataFrame(list(problems))
    if frame.empty:
        return []
    frame = frame.reindex(columns=list(PROBLEM_FIELDS))
    rows = to_records(frame, s.audit_problem)
    for no, row in enumerate(rows, start=1):
        row["problem_no"] = no
        row["rule_id"] = row["rule_id"] or "unknown"
        row["severity"] = (row["severity"] or "error").lower()
        row["message"] = row["message"] or ""
    return rows


def _counts(problems: list[dict[str, Any]]) -> tuple[int, int]:
    n_errors = sum(1 for p in problems if p["severity"] == "error")
    return n_errors, sum(1 for p in problems if p["severity"] == "warning")


def _submission_row(meta: SubmissionMeta, verdict: str, problems: list[dict[str, Any]]) -> dict[str, Any]:
    n_errors, n_warnings = _counts(problems)
    if n_errors and verdict != "rejected":
        raise ValueError(f"{meta.file_name}: {n_errors} error(s) but verdict {verdict!r}; a file with errors is rejected")
    return {
        "unit_code": meta.unit_code, "kind": meta.kind, "year": meta.year, "month": meta.month,
        "period_key": meta.period_key, "file_name": meta.file_name, "file_hash": meta.file_hash,
        "size_bytes": int(meta.size_bytes), "received_at": to_utc(meta.received_at),
        "loaded_at": datetime.now(timezone.utc), "steward": meta.steward, "verdict": verdict,
        "revision_note": meta.revision_note, "n_errors": n_errors, "n_warnings": n_warnings,
    }


def _same_period(meta: SubmissionMeta) -> list[Any]:
    a = s.audit_submission
    kind = a.c.kind.is_(None) if meta.kind is None else a.c.kind == meta.kind
    period = a.c.period_key.is_(None) if meta.period_key is None else a.c.period_key == meta.period_key
    return [a.c.unit_code == meta.unit_code, kind, period]


def _existing(conn: Connection, meta: SubmissionMeta, rejected: bool) -> Mapping[str, Any] | None:
    """The submission of the same file (hash) for the same unit-period, loaded or rejected."""
    a = s.audit_submission
    verdict = a.c.verdict == "rejected" if rejected else a.c.verdict != "rejected"
    stmt = (
        select(a).where(a.c.file_hash == meta.file_hash, verdict, *_same_period(meta))
        .order_by(a.c.submission_id.desc()).limit(1)
    )
    return conn.execute(stmt).mappings().first()


def _insert_audit(conn: Connection, row: dict[str, Any], problems: list[dict[str, Any]]) -> int:
    submission_id = int(conn.execute(insert(s.audit_submission).values(**row)).inserted_primary_key[0])
    if problems:
        conn.execute(insert(s.audit_problem), [{**p, "submission_id": submission_id} for p in problems])
    return submission_id


def _new_version(
    conn: Connection, meta: SubmissionMeta, verdict: str, problems: list[dict[str, Any]]
) -> tuple[int, int, int | None]:
    """Audit the file as the next version of its unit-period; returns (id, version, superseded id)."""
    a = s.audit_submission
    period = _same_period(meta)
    previous = conn.execute(
        select(a.c.submission_id).where(*period, a.c.is_current.is_(True)).with_for_update()
    ).scalar()
    version = (conn.execute(select(func.max(a.c.version)).where(*period)).scalar() or 0) + 1
    if previous is not None:
        conn.execute(update(a).where(a.c.submission_id == previous).values(is_current=False))
    row = {**_submission_row(meta, verdict, problems), "version": version, "is_current": True}
    submission_id = _insert_audit(conn, row, problems)
    if previous is not None:
        conn.execute(update(a).where(a.c.submission_id == previous).values(superseded_by=submission_id))
    return submission_id, version, previous


def _ordered(frame: pd.DataFrame | None) -> pd.DataFrame:
    """The sheet's rows in workbook order, without the reader's ``_row``."""
    if frame is None:
        return pd.DataFrame()
    if "_row" in frame.columns:
        frame = frame.sort_values("_row", kind="stable").drop(columns="_row")
    return frame.reset_index(drop=True)


def _melt(frame: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    """Wide b01..b12 -> long (keys, month, value); a missing month column means blank."""
    months = [f"b{m:02d}" for m in range(1, 13)]
    if frame.empty:
        return pd.DataFrame(columns=[*keys, "month", value])
    wide = frame.reindex(columns=[*keys, *months])
    long = wide.melt(id_vars=keys, value_vars=months, var_name="month", value_name=value)
    return long.assign(month=long["month"].str[1:].astype(int))


def _insert_rows(conn: Connection, rows_by_table: Mapping[str, list[dict[str, Any]]], submission_id: int) -> dict[str, int]:
    counts = {}
    for name, rows in rows_by_table.items():
        table = s.metadata.tables[name]
        if rows:
            conn.execute(insert(table), [{**r, "submission_id": submission_id} for r in rows])
        counts[name] = len(rows)
    return counts


# ------------------------------------------------------------------------------------- rejected files

def record_submission(
    engine: Engine,
    meta: SubmissionMeta,
    verdict: Any,
    problems: pd.DataFrame | Iterable[Mapping[str, Any]] | None = None,
) -> int:
    """Audit a rejected file and its problems; load no facts. Returns the submission id.

    Idempotent: the same file (hash) already recorded as rejected for the unit-period returns its
    id. Facts stay untouched, so the unit-year is not marked for deriving (the national reporting
    completeness, which counts rejected files too, is refreshed per year after the run).
    """
    verdict = _verdict(verdict)
    if verdict != "rejected":
        raise ValueError("record_submission is for rejected files; load accepted ones with load_plan/load_monthly")
    rows = _problem_rows(problems)
    with db.write_transaction(engine, lock=("unit-year", meta.unit_code, meta.year)) as conn:
        existing = _existing(conn, meta, rejected=True)
        errors_now = frozenset(p["rule_id"] for p in rows if p["severity"] == "error")
        if existing is not None and _error_rules(conn, int(existing["submission_id"])) == errors_now:
            return int(existing["submission_id"])
        # A file re-checked after a timing-only rejection (e.g. its plan arrived since) and rejected
        # again for other reasons is a new audit record, so the audit says why it is rejected now.
        row = {**_submission_row(meta, verdict, rows), "version": None, "is_current": False}
        submission_id = _insert_audit(conn, row, rows)
    log.info("%s: rejected, %d problem(s) recorded as submission %d", meta.file_name, len(rows), submission_id)
    return submission_id


# ---------------------------------------------------------------------------------------- the plan

def _plan_rows(frames: Mapping[str, pd.DataFrame], meta: SubmissionMeta,
               identity: Mapping[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """Typed rows of every ``plan_*`` table (without submission_id) from the plan's sheets."""
    key = {"unit_code": meta.unit_code, "year": meta.year}
    missing = [sheet for sheet in ("Sasaran", "Indikator") if sheet not in frames]
    if missing:
        raise ValueError(f"{meta.file_name}: plan without sheet(s) {missing}")
    identity = dict(identity or {})
    header = pd.DataFrame([{
        "dipa_number": identity.get("dipa_number"), "pk_date": identity.get("pk_date"),
        "head_name": identity.get("head_name"),
        "revision_note": identity.get("revision_note") or meta.revision_note,
    }])
    sasaran = _ordered(frames["Sasaran"])
    sasaran = sasaran.assign(sk_order=range(1, len(sasaran) + 1))
    indicators = _ordered(frames["Indikator"])
    if not indicators.empty:
        indicators = indicators.assign(indicator_order=indicators.groupby("sk_code", sort=False).cumcount() + 1)
    rapk = _melt(_ordered(frames.get("RAPK")), ["indicator_code"], "target")
    budget = _ordered(frames.get("Pagu"))
    rpd = _melt(_ordered(frames.get("RPD")), ["ro_code", "expense_type"], "planned_rp")
    rows = {
        "plan_header": to_records(header, s.plan_header, key),
        "plan_sasaran": to_records(sasaran, s.plan_sasaran, key),
        "plan_indicator": to_records(indicators, s.plan_indicator, key),
        "plan_target": to_records(rapk, s.plan_target, key),
        "plan_budget": to_records(budget, s.plan_budget, key),
        "plan_rpd": to_records(rpd, s.plan_rpd, key),
    }
    for name, table_rows in rows.items():
        check_unique(table_rows, s.metadata.tables[name])
    return rows


def _plan_codes(conn: Connection, rows: Mapping[str, list[dict[str, Any]]], meta: SubmissionMeta) -> None:
    """Add the plan's indicator and RO codes the catalogue lacks to the dimensions (never overwrite)."""
    from reference import master

    indicators = [
        {"indicator_code": r["indicator_code"], "indicator_name": r["indicator_name"],
         "unit_of_measure": r.get("unit_of_measure"),
         "polarity": master.POLARITY.get(r.get("polarity") or "", r.get("polarity")),
         "measurement": master.PATTERNS.get(r.get("pattern") or "", r.get("pattern")),
         "in_catalogue": False, "defined_by_unit": meta.unit_code, "first_year": meta.year}
        for r in rows["plan_indicator"]
    ]
    ros = [
        {"ro_code": r["ro_code"], "kro_code": r["ro_code"].split(".")[0] if "." in r["ro_code"] else None,
         "ro_name": r.get("ro_name") or r["ro_code"], "volume_unit": r.get("volume_unit"), "in_catalogue": False,
         "defined_by_unit": meta.unit_code, "first_year": meta.year}
        for r in rows["plan_budget"]
    ]
    added = db.insert_missing(conn, s.dim_indicator, indicators, "indicator_code")
    added_ro = db.insert_missing(conn, s.dim_ro, ros, "ro_code")
    if added or added_ro:
        # expected (a unit's own indicators and ROs; the steward is warned at the cell): info, not a warning
        log.info("%s: %d indicator and %d RO code(s) outside the catalogue added for %s %s",
                 meta.file_name, added, added_ro, meta.unit_code, meta.year)


def load_plan(
    engine: Engine,
    frames: Mapping[str, pd.DataFrame],
    meta: SubmissionMeta,
    verdict: Any,
    problems: pd.DataFrame | Iterable[Mapping[str, Any]] | None = None,
    *,
    identity: Mapping[str, Any] | None = None,
) -> LoadResult:
    """Load an annual plan (sheets ``Sasaran``, ``Indikator``, ``RAPK``, ``Pagu``, ``RPD``).

    ``frames`` are the reader's canonical frames by sheet name (``_row`` is dropped, rows keep their
    workbook order as ``sk_order`` / ``indicator_order``); ``identity`` the reader's identity dict
    (``dipa_number``, ``pk_date``, ``head_name``, ``revision_note``). A rejected verdict only audits.
    """
    verdict = _verdict(verdict)
    if verdict == "rejected":
        return LoadResult(record_submission(engine, meta, verdict, problems), "rejected")
    if meta.kind != "rencana" or meta.year is None:
        raise ValueError(f"{meta.file_name}: load_plan needs a plan (rencana) with a year")
    problem_rows = _problem_rows(problems)
    rows = _plan_rows(frames, meta, identity)
    with db.write_transaction(engine, lock=("unit-year", meta.unit_code, meta.year)) as conn:
        existing = _existing(conn, meta, rejected=False)
        if existing is not None:
            log.info("%s: already loaded as submission %d, nothing to do", meta.file_name, existing["submission_id"])
            return LoadResult(int(existing["submission_id"]), "unchanged", existing["version"])
        submission_id, version, previous = _new_version(conn, meta, verdict, problem_rows)
        db.ensure_years(conn, [meta.year])
        _plan_codes(conn, rows, meta)
        for table in reversed(s.PLAN_TABLES):
            conn.execute(delete(table).where(table.c.unit_code == meta.unit_code, table.c.year == meta.year))
        counts = _insert_rows(conn, rows, submission_id)
        mark_raw_changed(conn, meta.unit_code, meta.year)
    log.info("%s: plan %s %s loaded as version %d (submission %d)", meta.file_name, meta.unit_code, meta.year,
             version, submission_id)
    return LoadResult(submission_id, "loaded", version, previous, counts)


# ------------------------------------------------------------------------------------- monthly reports

def _monthly_rows(frames: Mapping[str, pd.DataFrame], meta: SubmissionMeta) -> dict[str, list[dict[str, Any]]]:
    key = {"unit_code": meta.unit_code, "year": meta.year, "month": meta.month}
    rows = {}
    for sheet, table in s.MONTHLY_TABLES.items():
        table_rows = to_records(_ordered(frames.get(sheet)), table, key) if sheet in frames else []
        check_unique(table_rows, table)
        rows[table.name] = table_rows
    return rows


def load_monthly(
    engine: Engine,
    frames: Mapping[str, pd.DataFrame],
    meta: SubmissionMeta,
    verdict: Any,
    problems: pd.DataFrame | Iterable[Mapping[str, Any]] | None = None,
) -> LoadResult:
    """Load a monthly report (sheets ``Kinerja``, ``Anggaran``, ``Sampling``, ``Pemeriksaan``, ``Penindakan``).

    A missing or empty sheet means no rows. The unit-month's facts are replaced as a whole.
    A rejected verdict only audits.
    """
    verdict = _verdict(verdict)
    if verdict == "rejected":
        return LoadResult(record_submission(engine, meta, verdict, problems), "rejected")
    if meta.kind != "bulanan" or meta.year is None or meta.month is None:
        raise ValueError(f"{meta.file_name}: load_monthly needs a monthly report (bulanan) with year and month")
    problem_rows = _problem_rows(problems)
    rows = _monthly_rows(frames, meta)
    with db.write_transaction(engine, lock=("unit-year", meta.unit_code, meta.year)) as conn:
        existing = _existing(conn, meta, rejected=False)
        if existing is not None:
            log.info("%s: already loaded as submission %d, nothing to do", meta.file_name, existing["submission_id"])
            return LoadResult(int(existing["submission_id"]), "unchanged", existing["version"])
        submission_id, version, previous = _new_version(conn, meta, verdict, problem_rows)
        db.ensure_years(conn, [meta.year])
        for table in s.MONTHLY_TABLES.values():
            conn.execute(delete(table).where(
                table.c.unit_code == meta.unit_code, table.c.year == meta.year, table.c.month == meta.month
            ))
        counts = _insert_rows(conn, rows, submission_id)
        mark_raw_changed(conn, meta.unit_code, meta.year)
    log.info("%s: %s %d-%02d loaded as version %d (submission %d)", meta.file_name, meta.unit_code, meta.year,
             meta.month, version, submission_id)
    return LoadResult(submission_id, "loaded", version, previous, counts)


# ------------------------------------------------------------------------------------------ overrides

def _check_override_target(conn: Connection, unit_code: str, year: int, month: int, indicator_code: str) -> None:
    """Refuse (``ValueError``, Indonesian) an override deriving would never apply: the indicator
    must be in the unit-year's current plan and the month must have an accepted current report."""
    pi, a = s.plan_indicator, s.audit_submission
    planned = conn.execute(select(pi.c.indicator_code).where(
        pi.c.unit_code == unit_code, pi.c.year == year, pi.c.indicator_code == indicator_code)).first()
    if planned is None:
        raise ValueError(f"indikator {indicator_code} tidak ada dalam rencana {unit_code} {year}; "
                         "penyesuaian tidak dicatat karena tidak akan pernah diterapkan")
    accepted = conn.execute(select(a.c.submission_id).where(
        a.c.unit_code == unit_code, a.c.kind == "bulanan", a.c.period_key == year * 100 + month,
        a.c.is_current.is_(True), a.c.verdict != "rejected")).first()
    if accepted is None:
        raise ValueError(f"belum ada laporan bulanan {unit_code} {year}-{month:02d} yang diterima; "
                         "penyesuaian tidak dicatat karena tidak akan pernah diterapkan")


def add_override(
    engine: Engine,
    unit_code: str,
    year: int,
    month: int,
    indicator_code: str,
    capaian_pct: float,
    reason: str,
    set_by: str,
    *,
    set_at: datetime | None = None,
) -> int:
    """Record a manual capaian override (with its reason and author); its unit-year is marked for deriving.

    An active override for the same unit, month and indicator is withdrawn (kept, ``active =
    false``). Returns the new ``override_id``; deriving (``transforms.scoring``) decides how it applies. An indicator
    outside the unit-year's plan, or a month without an accepted report, raises ``ValueError``
    (its message, in Indonesian, is for the operator): such an override would never apply.
    """
    if not (reason or "").strip() or not (set_by or "").strip():
        raise ValueError("an override needs a reason and who set it")
    if not 1 <= int(month) <= 12:
        raise ValueError(f"month must be 1..12, not {month!r}")
    value = float(capaian_pct)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"capaian_pct must be a number, not {capaian_pct!r}")
    o = s.audit_capaian_override
    now = to_utc(set_at or datetime.now(timezone.utc))
    with db.write_transaction(engine, lock=("unit-year", unit_code, year)) as conn:
        _check_override_target(conn, unit_code, int(year), int(month), indicator_code)
        conn.execute(
            update(o)
            .where(o.c.unit_code == unit_code, o.c.year == year, o.c.month == month,
                   o.c.indicator_code == indicator_code, o.c.active.is_(True))
            .values(active=False, deactivated_at=now, deactivated_by=set_by)
        )
        override_id = int(conn.execute(insert(o).values(
            unit_code=unit_code, year=int(year), month=int(month), indicator_code=indicator_code, capaian_pct=value,
            reason=reason.strip(), set_by=set_by.strip(), set_at=now, active=True,
        )).inserted_primary_key[0])
        mark_raw_changed(conn, unit_code, int(year))
    log.info("override %d: %s %s-%02d %s = %s (%s, by %s)", override_id, unit_code, year, month, indicator_code,
             value, reason, set_by)
    return override_id


def withdraw_override(engine: Engine, override_id: int, withdrawn_by: str) -> None:
    """Withdraw an active override (kept in the audit trail); its unit-year is marked for deriving."""
    o = s.audit_capaian_override
    with engine.connect() as conn:
        target = conn.execute(select(o.c.unit_code, o.c.year).where(o.c.override_id == override_id)).first()
    if target is None:
        raise KeyError(f"no override {override_id}")
    with db.write_transaction(engine, lock=("unit-year", target.unit_code, target.year)) as conn:
        conn.execute(
            update(o).where(o.c.override_id == override_id, o.c.active.is_(True))
            .values(active=False, deactivated_at=datetime.now(timezone.utc), deactivated_by=withdrawn_by)
        )
        mark_raw_changed(conn, target.unit_code, target.year)


# ---------------------------------------------------------------------------------------- look-ups

def current_submissions(engine: Engine, unit_code: str | None = None, year: int | None = None) -> pd.DataFrame:
    """The current (loaded, not superseded) submission of every unit-period, optionally filtered."""
    a = s.audit_submission
    conds = [a.c.is_current.is_(True)]
    if unit_code is not None:
        conds.append(a.c.unit_code == unit_code)
    if year is not None:
        conds.append(a.c.year == year)
    stmt = select(a).where(*conds).order_by(a.c.unit_code, a.c.year, a.c.kind.desc(), a.c.month)
    with engine.connect() as conn:
        return read_frame(conn, stmt)


def submission_by_hash(engine: Engine, sha256: str) -> dict[str, Any] | None:
    """The most recent submission of a file with this SHA-256 (any unit, period, verdict), or None."""
    a = s.audit_submission
    stmt = select(a).where(a.c.file_hash == sha256.lower()).order_by(a.c.submission_id.desc()).limit(1)
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    return dict(row) if row is not None else None


def _error_rules(conn: Connection, submission_id: int) -> frozenset[str]:
    p = s.audit_problem
    stmt = select(p.c.rule_id).where(p.c.submission_id == submission_id, p.c.severity == "error").distinct()
    return frozenset(conn.execute(stmt).scalars())


def latest_submissions_by_hash(engine: Engine, hashes: Iterable[str]) -> pd.DataFrame:
    """The most recent submission of each file content (SHA-256) among ``hashes`` per sender
    (``unit_code``, the unit folder it came through): one row per hash and unit, ``file_hash, unit_code,
    submission_id, verdict, error_rules`` (frozenset of the rule ids of its errors). Hashes never
    recorded are absent. Two reads, whatever the number of files."""
    a, p = s.audit_submission, s.audit_problem
    wanted = sorted({str(h).lower() for h in hashes})
    columns = ["file_hash", "unit_code", "submission_id", "verdict", "error_rules"]
    if not wanted:
        return pd.DataFrame(columns=columns)
    with engine.connect() as conn:
        subs = pd.DataFrame(conn.execute(select(a.c.file_hash, a.c.unit_code, a.c.submission_id, a.c.verdict)
                                         .where(a.c.file_hash.in_(wanted))).mappings().all(),
                            columns=["file_hash", "unit_code", "submission_id", "verdict"])
        latest = subs.sort_values("submission_id").drop_duplicates(["file_hash", "unit_code"], keep="last")
        ids = [int(i) for i in latest["submission_id"]]
        errors = pd.DataFrame(conn.execute(select(p.c.submission_id, p.c.rule_id).where(
            p.c.submission_id.in_(ids), p.c.severity == "error")).mappings().all(),
            columns=["submission_id", "rule_id"]) if ids else pd.DataFrame(columns=["submission_id", "rule_id"])
    rules = errors.groupby("submission_id")["rule_id"].agg(frozenset)
    return latest.assign(error_rules=latest["submission_id"].map(rules)
                         .map(lambda r: r if isinstance(r, frozenset) else frozenset()))[columns]


def replace_reporting_status(engine: Engine, year: int, status: pd.DataFrame) -> int:
    """Replace the year's ``fact_reporting_status`` (every unit) in one transaction; rows written."""
    table = s.fact_reporting_status
    rows = to_records(status, table) if len(status) else []
    with db.write_transaction(engine, lock=("reporting_status", year)) as conn:
        db.ensure_years(conn, [year])
        conn.execute(delete(table).where(table.c.year == year))
        if rows:
            conn.execute(insert(table), rows)
    return len(rows)
