"""The pipeline's units of work as plain functions: a file, a unit-year, a report.

No Prefect here. The Prefect flows in this folder wrap these functions as tasks (a task is a unit of
retry and observation); the ``sakip`` command line calls them directly, so the whole pipeline runs
and is tested without a Prefect server.

A file goes through two steps:
1. ``prepare_file``: hash (an identical file already seen is a no-op, unless it was rejected only
   for timing, e.g. no plan on file yet), read, validate against the plan on file, write the
   steward's feedback (annotated workbook + JSON). No warehouse writes.
2. ``store_file``: one warehouse transaction: audit the submission, and for an accepted file replace
   that unit-period's facts and recompute the unit-year's scores. Retried on database errors.
"""
from __future__ import annotations

import json
import shutil
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.engine import Engine

from reference.master import resolve_unit
from reference.policy import ScoringPolicy, load_policy, policy_for, policy_years
from sakip import periods
from sakip.settings import Settings
from schemas.contract import MONTH_COLUMNS, PLAN
from schemas.messages import CONTEXT_RULES
from schemas.validate import ValidationContext, ValidationResult, validate_workbook
from sinks import feedback
from sinks.warehouse import db, load, read
from sources import inbox as inbox_source
from sources.workbook import WorkbookData, read_workbook
from transforms.derive import derive_unit_year

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file: the steward's verdict and what the warehouse did with it."""

    file_name: str
    unit_folder: str | None
    sha256: str
    status: str  # 'loaded' | 'rejected' | 'duplicate' | 'gagal' (processing raised)
    verdict: str | None = None
    unit_code: str | None = None
    kind: str | None = None
    year: int | None = None
    month: int | None = None
    n_errors: int = 0
    n_warnings: int = 0
    submission_id: int | None = None
    feedback_xlsx: str | None = None
    feedback_json: str | None = None

    def as_row(self) -> dict:
        """A flat dict for artifacts and CLI tables."""
        return {k: v for k, v in self.__dict__.items()}


@dataclass
class PreparedFile:
    """A file read and validated, ready for the warehouse step."""

    path: Path
    unit_folder: str | None
    sha256: str
    size_bytes: int
    received_at: datetime
    data: WorkbookData | None = None
    result: ValidationResult | None = None
    duplicate_of: int | None = None
    feedback_paths: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=8)
def warehouse(url: str) -> Engine:
    """The warehouse engine for a URL, migrated to the latest schema and with dimensions seeded."""
    engine = db.make_engine(url)
    db.upgrade(engine)
    db.seed_dimensions(engine)
    return engine


def select_files(settings: Settings, kind: str, year: int, month: int | None = None,
                 files: pd.DataFrame | None = None) -> pd.DataFrame:
    """Inbox files for a run: those named for the period, plus files whose name does not parse
    (they get feedback on their name). One row per file, in loading order: unit, month, then the
    order the files arrived in (so a later correction replaces an earlier version). ``files`` is an
    inbox listing already made (``scan_inbox``), to list the inbox once per run."""
    files = inbox_source.scan_inbox(settings.inbox) if files is None else files
    if files.empty:
        return files
    named = (files["name_kind"] == kind) & (files["name_year"] == year)
    if month is not None:
        named &= files["name_month"] == month
    unnamed = files["name_kind"].isna()
    order = ["unit_folder", "name_month", "modified_at", "file_name"]
    return files[named | unnamed].sort_values(order, na_position="last")


#: How far back a collection looks for late files: January of the year before the collected month.
LATE_FILES_YEARS_BACK = 1


def select_late_files(engine: Engine, files: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    """Monthly files named for an earlier period (back to January of the previous year) that the
    warehouse has not handled yet: a correction or a late report sent after its month was collected,
    or a file rejected only for timing. Oldest period first, then unit and arrival order.

    Handled is ``handled_hashes``: one warehouse read for the whole listing."""
    period = files["name_year"] * 12 + files["name_month"]
    first = (year - LATE_FILES_YEARS_BACK) * 12 + 1
    earlier = files[(files["name_kind"] == "bulanan") & period.between(first, year * 12 + month - 1).fillna(False)]
    if earlier.empty:
        return earlier
    late = earlier[~earlier["sha256"].str.lower().isin(set(handled_hashes(engine, earlier["sha256"])))]
    return late.sort_values(["name_year", "name_month", "unit_folder", "modified_at", "file_name"])


def select_collection(engine: Engine, settings: Settings, year: int, month: int, late: bool = True) -> pd.DataFrame:
    """What one month's collection loads, in order: late files of earlier months (``late``), then the
    month's own files. The inbox is listed once."""
    files = inbox_source.scan_inbox(settings.inbox)
    if files.empty:
        return files
    month_files = select_files(settings, "bulanan", year, month, files=files)
    if not late:
        return month_files
    return pd.concat([select_late_files(engine, files, year, month), month_files], ignore_index=True)


def handled_hashes(engine: Engine, hashes: Iterable[str]) -> dict[str, int]:
    """Of ``hashes``, the file contents the warehouse has handled, each with the submission that did.

    Handled means recorded, except a rejection for errors of timing alone (``CONTEXT_RULES``: no plan
    on file yet, a period not begun): such a file is validated again, not a duplicate, and loaded as a
    new version if it now passes (the audit keeps both records)."""
    latest = load.latest_submissions_by_hash(engine, hashes)
    timing_only = latest["verdict"].eq("rejected") & latest["error_rules"].map(
        lambda rules: bool(rules) and rules <= CONTEXT_RULES).astype(bool)
    done = latest[~timing_only]
    return dict(zip(done["file_hash"], done["submission_id"].astype(int)))


def _folder(file: Mapping) -> str | None:
    """The file's unit folder; None for a file in the inbox root (pandas gives a missing value as NaN)."""
    folder = file.get("unit_folder")
    return folder if isinstance(folder, str) and folder else None


def _received_at(modified_at: object, tz: str) -> datetime:
    stamp = pd.Timestamp(modified_at)
    return (stamp.tz_localize(tz) if stamp.tzinfo is None else stamp.tz_convert(tz)).to_pydatetime()


def prepare_file(engine: Engine, file: Mapping, settings: Settings, today: date | None = None) -> PreparedFile:
    """Hash, read and validate one inbox file and write its feedback; touches no warehouse table."""
    path = Path(file["path"])
    prepared = PreparedFile(path=path, unit_folder=_folder(file), sha256=file["sha256"],
                            size_bytes=int(file["size_bytes"]),
                            received_at=_received_at(file["modified_at"], settings.timezone))
    handled = handled_hashes(engine, [prepared.sha256])
    if handled:
        prepared.duplicate_of = next(iter(handled.values()))
        return prepared
    prepared.data = read_workbook(path, max_bytes=int(settings.max_file_mb * 1024 * 1024))
    context = validation_context(engine, prepared.data, prepared.unit_folder, settings, today,
                                 received_at=prepared.received_at)
    prepared.result = validate_workbook(prepared.data, context)
    prepared.feedback_paths = write_feedback(prepared, settings)
    return prepared


def validation_context(engine: Engine, data: WorkbookData, unit_folder: str | None, settings: Settings,
                       today: date | None = None, received_at: datetime | None = None) -> ValidationContext:
    """What the rules need besides the file: the plan on file and the unit's earlier months.

    The reference unit is the inbox folder's (when it is a known unit code), else the one the file
    names: a file whose Kode Satker names another unit is rejected for that, and is still checked
    against its sender's plan rather than also being told that the other unit has no plan.

    The deadline is judged on when the file arrived (``received_at``, its time in the inbox, in the
    settings' time zone), not on the day it is processed: the collection runs after the deadline.
    Without an arrival time (a file not from the inbox) the run date stands in."""
    today = today or datetime.now(ZoneInfo(settings.timezone)).date()
    arrived = received_at.astimezone(ZoneInfo(settings.timezone)).date() if received_at is not None else today
    unit, year, month = (data.identity.get(k) for k in ("unit_code", "year", "month"))
    if unit_folder and resolve_unit(unit_folder) == unit_folder:
        unit = unit_folder  # a unit submits only through its own folder: its plan is the reference
    base = dict(folder_unit=unit_folder, file_name=data.path.name, today=today)
    if data.kind == PLAN or not unit or not isinstance(year, int):
        return ValidationContext(**base)
    with engine.connect() as conn:
        inputs = read.unit_year_inputs(conn, unit, year)
    if inputs.plan_indicator.empty:
        return ValidationContext(**base, plan_years=plan_years(engine, unit))
    earlier = inputs.indicator_month[inputs.indicator_month["month"] < (month or 0)]
    budget_before = inputs.budget_month[inputs.budget_month["month"] < (month or 0)]
    current = inputs.submissions.query("kind == 'bulanan' and month == @month and is_current")
    deadline = periods.deadline(year, month, settings.deadline_day) if isinstance(month, int) else today
    return ValidationContext(
        **base,
        plan=plan_frames(inputs), plan_year=year, plan_years=plan_years(engine, unit),
        previous_kinerja=earlier[earlier["month"] == earlier["month"].max()] if not earlier.empty else None,
        spent_before=budget_before.groupby(["ro_code", "expense_type"], as_index=False)["spent_month_rp"].sum()
        .rename(columns={"spent_month_rp": "spent_rp"}),
        sampling_before=inputs.sampling[inputs.sampling["month"] < (month or 0)],
        inspection_before=inputs.inspection[inputs.inspection["month"] < (month or 0)],
        is_replacement=not current.empty,
        past_deadline=arrived > deadline, deadline=deadline,
    )


def plan_years(engine: Engine, unit_code: str) -> tuple[int, ...]:
    """Years for which the unit has a current plan on file."""
    subs = load.current_submissions(engine, unit_code=unit_code)
    return tuple(sorted(int(y) for y in subs.loc[subs["kind"] == PLAN, "year"].dropna().unique()))


def plan_frames(inputs: read.UnitYearInputs) -> dict[str, pd.DataFrame]:
    """The plan on file in the reader's canonical shape (RAPK wide, B01..B12)."""
    rapk = inputs.plan_target.pivot_table(index="indicator_code", columns="month", values="target", aggfunc="first")
    rapk = rapk.reindex(columns=range(1, 13)).set_axis(list(MONTH_COLUMNS), axis=1).reset_index()
    return {"Sasaran": inputs.plan_sasaran, "Indikator": inputs.plan_indicator, "RAPK": rapk,
            "Pagu": inputs.plan_budget}


def write_feedback(prepared: PreparedFile, settings: Settings) -> dict[str, str]:
    """The steward's annotated copy and JSON, under ``<out>/umpan-balik/<unit folder>/``."""
    folder = settings.out / "umpan-balik" / (prepared.unit_folder or "_tanpa-folder")
    folder.mkdir(parents=True, exist_ok=True)
    stem = prepared.path.stem
    xlsx = feedback.write_feedback_workbook(prepared.path, prepared.result, folder / f"{stem}_umpan-balik.xlsx",
                                            data=prepared.data)
    payload = feedback.feedback_json(prepared.result, prepared.path.name)
    json_path = folder / f"{stem}_umpan-balik.json"
    json_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return {"xlsx": str(xlsx), "json": str(json_path)}


def unit_year_recompute(settings: Settings, unit_code: str, year: int | None, policy_file: Path | None = None):
    """The function a load calls, inside its transaction, to recompute a unit-year's derived facts."""
    resolve = policy_resolver(settings, policy_file)
    return lambda inputs: derive_unit_year(inputs, resolve(unit_code, year), settings.deadline_day, settings.timezone)


class PolicyMissing(ValueError):
    """A run for a year that no scoring policy covers (a configuration gap, not a steward's mistake)."""


def require_scoring_policy(settings: Settings, year: int, policy_file: Path | None = None) -> None:
    """Stop a run before any file is touched when the year has no scoring policy: every file would
    otherwise fail the same way, one traceback each. Messages are for the operator, in Indonesian."""
    if policy_file is not None:
        return
    years = policy_years(settings.policy_dir)
    if year not in years:
        covered = f"{years[0]}-{years[-1]}" if years else "tidak satu tahun pun"
        raise PolicyMissing(f"Tidak ada kebijakan penilaian untuk tahun {year}: {settings.policy_dir / 'index.yaml'} "
                            f"mencakup {covered}. Tambahkan kebijakan tahun itu atau gunakan --policy FILE.")


def policy_resolver(settings: Settings, policy_file: Path | None = None):
    """A function (unit_code, year) -> ScoringPolicy: one file for all, or the year's policy with overrides."""
    if policy_file is not None:
        fixed: ScoringPolicy = load_policy(policy_file)
        return lambda unit_code, year: fixed
    return lambda unit_code, year: policy_for(unit_code, year, settings.policy_dir)


def store_file(engine: Engine, prepared: PreparedFile, settings: Settings, policy_file: Path | None = None) -> FileOutcome:
    """One warehouse transaction for a prepared file; archives the file; returns the outcome."""
    base = dict(file_name=prepared.path.name, unit_folder=prepared.unit_folder, sha256=prepared.sha256)
    if prepared.duplicate_of is not None:
        return FileOutcome(**base, status="duplicate", submission_id=prepared.duplicate_of)
    data, result = prepared.data, prepared.result
    meta = submission_meta(prepared)
    problems = result.problems
    counts = dict(n_errors=result.n_errors, n_warnings=result.n_warnings)
    common = dict(**base, verdict=result.verdict, unit_code=meta.unit_code, kind=meta.kind, year=meta.year,
                  month=meta.month, feedback_xlsx=prepared.feedback_paths.get("xlsx"),
                  feedback_json=prepared.feedback_paths.get("json"), **counts)
    recompute = unit_year_recompute(settings, meta.unit_code, meta.year, policy_file)
    if result.verdict == "rejected":
        known = bool(meta.unit_code) and meta.year is not None and meta.kind is not None
        submission_id = load.record_submission(engine, meta, result.verdict, problems, recompute if known else None)
        archive(prepared, settings, "ditolak")
        return FileOutcome(**common, status="rejected", submission_id=submission_id)
    if data.kind == PLAN:
        loaded = load.load_plan(engine, result.frames, meta, result.verdict, problems, recompute,
                                identity=result.identity or data.identity)
    else:
        loaded = load.load_monthly(engine, result.frames, meta, result.verdict, problems, recompute)
    archive(prepared, settings, "diterima")
    return FileOutcome(**common, status="loaded", submission_id=loaded.submission_id)


def submission_meta(prepared: PreparedFile) -> load.SubmissionMeta:
    """Audit metadata of a file; identity fields that could not be read are left empty."""
    ident = prepared.data.identity if prepared.data else {}
    kind = prepared.data.kind if prepared.data and prepared.data.kind else None
    return load.SubmissionMeta(
        unit_code=str(ident.get("unit_code") or prepared.unit_folder or ""), kind=kind,
        year=ident.get("year") if isinstance(ident.get("year"), int) else None,
        month=ident.get("month") if isinstance(ident.get("month"), int) else None,
        file_name=prepared.path.name, file_hash=prepared.sha256, size_bytes=prepared.size_bytes,
        received_at=prepared.received_at, steward=ident.get("steward"), revision_note=ident.get("revision_note"),
    )


def archive(prepared: PreparedFile, settings: Settings, outcome: str) -> Path:
    """Keep a copy of the file as received: ``<out>/<diterima|ditolak>/<unit>/<sha8>_<name>``.

    The inbox itself is never modified: it belongs to the units."""
    folder = settings.out / outcome / (prepared.unit_folder or "_tanpa-folder")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{prepared.sha256[:8]}_{prepared.path.name}"
    if not target.exists():
        shutil.copy2(prepared.path, target)
    return target


def failed_outcome(file: Mapping, error: BaseException) -> FileOutcome:
    """The outcome of a file whose processing raised: reported, and the run goes on with other files."""
    LOG.exception("processing %s failed", file.get("file_name"))
    return FileOutcome(file_name=str(file.get("file_name")), unit_folder=_folder(file),
                       sha256=str(file.get("sha256")), status="gagal", verdict=f"{type(error).__name__}: {error}")


def refresh_reporting_status(engine: Engine, settings: Settings, year: int) -> int:
    """Recompute the national reporting completeness of a year (every unit, every expected month)."""
    from transforms.completeness import year_status

    with engine.connect() as conn:
        units, submissions = read.year_reporting_inputs(conn, year)
    status = year_status(units, submissions, settings.deadline_day, settings.timezone)
    return load.replace_reporting_status(engine, year, status)


def process_files(engine: Engine, files: pd.DataFrame, settings: Settings, policy_file: Path | None = None,
                  today: date | None = None) -> list[FileOutcome]:
    """Prepare and store each file in order, without Prefect (the CLI path).

    One file's failure never stops the others: it becomes a ``gagal`` outcome."""
    outcomes = []
    for file in files.to_dict("records"):
        try:
            outcomes.append(store_file(engine, prepare_file(engine, file, settings, today), settings, policy_file))
        except Exception as error:  # noqa: BLE001 - isolate one file's failure from the others
            outcomes.append(failed_outcome(file, error))
    for year in sorted({o.year for o in outcomes if o.year is not None and o.status in ("loaded", "rejected")}):
        refresh_reporting_status(engine, settings, year)
    return outcomes


def units_with_complete_quarter(engine: Engine, year: int, quarter: int) -> list[str]:
    """Units whose plan is loaded and whose quarter-end month has an accepted current submission."""
    from sinks.report.build import quarter_complete

    return [code for code in load.current_submissions(engine, year=year)["unit_code"].drop_duplicates()
            if quarter_complete(engine, code, year, quarter)]


def build_unit_report(engine: Engine, settings: Settings, unit_code: str, year: int, quarter: int):
    """The interim report of one unit and quarter (a new version only when its data changed)."""
    from sinks.report.build import build_unit_report as build

    return build(engine, unit_code, year, quarter, settings.out / "laporan")


def build_national_report(engine: Engine, settings: Settings, year: int, quarter: int):
    """The national roll-up of a quarter."""
    from sinks.report.build import build_national_report as build

    return build(engine, year, quarter, settings.out / "laporan")


def describe_report(result) -> str:
    """One line for the operator: which report, which version, where, and what changed (a new version) or
    that the existing version was kept."""
    line = f"{result.scope} {result.unit_code or 'nasional'} {result.year}-Q{result.quarter} v{result.version}: {result.docx_path}"
    if result.reused:
        return f"{line} (tidak ada perubahan data; versi yang ada dipakai)"
    return f"{line} — {result.changes}" if result.changes else line


def stale_reports(engine: Engine, year: int | None = None) -> list[dict]:
    """Reports whose data changed since they were built (corrections, late files, overrides), any quarter."""
    from sinks.report.build import stale_reports as find

    return find(engine, year)


def report_quarter_gaps(engine: Engine, unit_code: str, year: int, quarter: int) -> list[str]:
    """What a unit's quarter lacks to be reported (Indonesian; empty when complete)."""
    from sinks.report.build import quarter_gaps

    return quarter_gaps(engine, unit_code, year, quarter)


def add_override(engine: Engine, settings: Settings, unit_code: str, year: int, month: int, indicator_code: str,
                 capaian_pct: float, reason: str, set_by: str, policy_file: Path | None = None) -> int:
    """Record an audited manual capaian override and recompute the unit-year's scores."""
    recompute = unit_year_recompute(settings, unit_code, year, policy_file)
    return load.add_override(engine, unit_code=unit_code, year=year, month=month, indicator_code=indicator_code,
                             capaian_pct=capaian_pct, reason=reason, set_by=set_by, recompute=recompute)


def _sibling(path: Path, unit: str, year: int, month: int | None) -> Path | None:
    """The plan (month None) or a month's file of the same unit beside ``path``, if the steward has it."""
    name = f"{unit}_{year}_rencana.xlsx" if month is None else f"{unit}_{year}-{month:02d}.xlsx"
    candidate = path.with_name(name)
    return candidate if candidate.exists() and candidate != path else None


def validate_offline(path: Path, plan_path: Path | None = None, today: date | None = None,
                     max_bytes: int | None = None) -> tuple[ValidationResult, WorkbookData]:
    """``sakip validate``: the same checks on a steward's machine, without the warehouse.

    A monthly file is checked against ``plan_path`` or the unit's plan beside it
    (``<KODE>_<YYYY>_rencana.xlsx``), and against last month's file there for the cumulative rules;
    without a plan the plan-dependent rules are skipped with a warning. Every file is read within the
    same size bound as on the server (``max_bytes``, default ``SAKIP_MAX_FILE_MB`` of the settings)."""
    from reference.master import units
    from sakip.settings import get_settings

    if max_bytes is None:
        max_bytes = int(get_settings().max_file_mb * 1024 * 1024)
    data = read_workbook(path, max_bytes=max_bytes)
    folder = path.resolve().parent.name
    base = dict(folder_unit=folder if folder in set(units()["code"]) else None, file_name=path.name,
                offline=True, today=today or date.today())
    unit, year, month = (data.identity.get(k) for k in ("unit_code", "year", "month"))
    if data.kind == PLAN or not unit or not isinstance(year, int):
        return validate_workbook(data, ValidationContext(**base)), data
    plan_path = plan_path or _sibling(path, unit, year, None)
    plan = (validate_workbook(read_workbook(plan_path, max_bytes=max_bytes), ValidationContext(offline=True))
            if plan_path else None)
    previous = _sibling(path, unit, year, month - 1) if isinstance(month, int) and month > 1 else None
    previous_kinerja = (validate_workbook(read_workbook(previous, max_bytes=max_bytes), ValidationContext(offline=True))
                        .frames.get("Kinerja") if previous else None)
    context = ValidationContext(**base, plan=plan.frames if plan and plan.frames else None,
                                plan_year=year if plan else None, plan_years=(year,) if plan else (),
                                previous_kinerja=previous_kinerja)
    return validate_workbook(data, context), data


def rescore_targets(engine: Engine, year: int, unit_codes: list[str] | tuple[str, ...] | None = None) -> list[str]:
    """Units with a current plan for ``year`` (all of them, or those of ``unit_codes``), sorted.

    A requested unit without a current plan raises ``ValueError`` (Indonesian message for the
    operator): there is nothing to score for it."""
    subs = load.current_submissions(engine, year=year)
    planned = sorted(subs.loc[subs["kind"] == PLAN, "unit_code"].drop_duplicates()) if not subs.empty else []
    if not unit_codes:
        return planned
    missing = sorted(set(unit_codes) - set(planned))
    if missing:
        raise ValueError(f"tidak ada rencana {year} di gudang data untuk unit: {', '.join(missing)}")
    return sorted(set(unit_codes))


def rescore_unit_year(engine: Engine, settings: Settings, unit_code: str, year: int,
                      policy_file: Path | str | None = None) -> dict:
    """Recompute one unit-year's derived facts from its current data with the policy in force now.

    One transaction (``load.recompute_unit_year``); the policy is ``policy_file`` or the year's
    policy of ``settings.policy_dir`` (read again, so an edited policy file takes effect)."""
    policy_file = Path(policy_file) if policy_file is not None else None
    policy = policy_resolver(settings, policy_file)(unit_code, year)
    recompute = lambda inputs: derive_unit_year(inputs, policy, settings.deadline_day, settings.timezone)  # noqa: E731
    counts = load.recompute_unit_year(engine, unit_code, year, recompute)
    return {"unit_code": unit_code, "year": int(year), "policy_id": policy.policy_id,
            "rows": int(sum(counts.values()))}


def rescore(engine: Engine, settings: Settings, year: int, unit_codes: list[str] | tuple[str, ...] | None = None,
            policy_file: Path | str | None = None) -> list[dict]:
    """Recompute every unit-year of ``year`` that has a current plan (or only ``unit_codes``).

    Loads skip identical files, so a changed policy (``--policy FILE`` or an edited file in
    ``reference/policies``) reaches loaded data only through this step. One transaction per
    unit-year; returns one row per unit-year (unit_code, year, policy_id, rows written)."""
    return [rescore_unit_year(engine, settings, code, year, policy_file)
            for code in rescore_targets(engine, year, unit_codes)]
