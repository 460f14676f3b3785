"""One file's intake: read and validate it (in a worker), then store its raw facts (in the run).

No Prefect here. A file goes through two steps:

1. :func:`prepare_chunk` (pure of warehouse writes, run in parallel worker processes on a chunk of
   files of different units): parse the bytes the run read, build every file's validation context
   with one warehouse read per table for the whole chunk, validate the chunk in one batch, write
   each steward's feedback (annotated workbook + JSON). A file that cannot be processed becomes a
   failed ``Prepared``; the others go on.
2. :func:`store` (in the run's process, one file at a time, in loading order): one warehouse
   transaction storing the raw facts and the audit (``sinks.warehouse.load``), then the archive copy.
   It runs no business rule: the run derives every touched unit-year once afterwards
   (``flows.derive``).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from flows.derive import policy_resolver
from flows import controls
from flows import outliers as outlier_step
from flows.select import Handled
from reference.master import resolve_unit
from sakip import periods
from sakip.settings import Settings, get_settings
from schemas.contract import IDENTITY_HEADERS, IDENTITY_SHEET, MONTH_COLUMNS, MONTHLY, PLAN
from schemas.messages import problem, problems_frame
from schemas.validate import ValidationContext, ValidationResult, validate_workbooks
from sinks import feedback
from sinks.warehouse import db, load, read, seen
from sinks.warehouse import outliers as outlier_store
from sinks.warehouse import schema as s
from sources.workbook import WorkbookData, read_workbook

LOG = logging.getLogger(__name__)
#: Folder of files that arrived outside any unit folder.
NO_FOLDER = "_tanpa-folder"


@dataclass(frozen=True)
class IntakeJob:
    """One inbox file as a run hands it on: the bytes it read once, their hash, when it arrived."""

    path: Path
    unit_folder: str | None
    content: bytes = field(repr=False)
    sha256: str
    size_bytes: int
    received_at: datetime
    #: why the run refuses to read the file at all (a rule id), None for a submission to check
    refusal: str | None = None
    #: when the pipeline first saw the file, and the listing before that (None: the warehouse's first
    #: listing): the period lock is judged on these, never on the modification time (``flows.controls``)
    first_seen_at: datetime | None = None
    seen_after: datetime | None = None

    @property
    def file_name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Chunk:
    """A worker's share of a wave: files of different units, validated together."""

    jobs: tuple[IntakeJob, ...]
    settings: Settings
    today: date | None = None

    @property
    def label(self) -> str:
        """How the chunk is named in a flow run: its first file and how many follow."""
        first = self.jobs[0].file_name if self.jobs else "kosong"
        return first if len(self.jobs) <= 1 else f"{first}+{len(self.jobs) - 1}"


@dataclass(frozen=True)
class Prepared:
    """A file read and validated (``result``) with its feedback written; ``error`` when that failed.

    ``job`` comes back without its bytes (the run still holds them)."""

    job: IntakeJob
    kind: str | None = None
    identity: Mapping[str, object] = field(default_factory=dict)
    result: ValidationResult | None = None
    feedback_paths: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None
    #: values flagged as outliers against the unit's history (fresh or checked), None when not scored
    outliers: pd.DataFrame | None = field(default=None, repr=False)


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
        return dict(self.__dict__)


def jobs_of(files: pd.DataFrame, tz: str) -> list[IntakeJob]:
    """Intake jobs of a selection that carries ``content`` and ``sha256`` (``sources.inbox.with_content``)
    and, when the run recorded its listing, ``seen_after`` / ``first_seen_at``: a file's arrival is its
    modification time within the window in which the pipeline first saw it (``seen.arrival``)."""
    bounds = [files[c] if c in files.columns else pd.Series(pd.NaT, index=files.index)
              for c in ("seen_after", "first_seen_at")]
    arrived = seen.arrival(files["modified_at"], *bounds)
    return [IntakeJob(path=Path(f["path"]), unit_folder=folder_of(f), content=f["content"], sha256=f["sha256"],
                      size_bytes=int(f["size_bytes"]), received_at=received_at(when, tz), refusal=refusal_of(f),
                      first_seen_at=_seen(first), seen_after=_seen(after))
            for f, when, after, first in zip(files.to_dict("records"), arrived, *bounds)]


def _seen(value: object) -> datetime | None:
    """A listing time as an aware datetime (None when missing)."""
    stamp = pd.Timestamp(value) if value is not None else pd.NaT
    return None if pd.isna(stamp) else (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp).to_pydatetime()


def refusal_of(file: Mapping) -> str | None:
    """The boundary of the inbox: a link out of it is never followed, and a file outside every unit
    folder has no sender (anyone could have put it there): both are refused unread."""
    if file.get("outside_link"):
        return "file_is_link"
    return "file_outside_unit_folder" if folder_of(file) is None else None


def folder_of(file: Mapping) -> str | None:
    """The file's unit folder; None for a file in the inbox root (pandas gives a missing value as NaN)."""
    folder = file.get("unit_folder")
    return folder if isinstance(folder, str) and folder else None


def received_at(modified_at: object, tz: str) -> datetime:
    """The arrival time in the reporting time zone (a naive time is taken as already in it)."""
    stamp = pd.Timestamp(modified_at)
    return (stamp.tz_localize(tz) if stamp.tzinfo is None else stamp.tz_convert(tz)).to_pydatetime()


# ------------------------------------------------------------------------------- 1. prepare (worker)

def prepare_chunk(chunk: Chunk) -> list[Prepared]:
    """Read, validate and write feedback for every file of a chunk; one ``Prepared`` per job, in order."""
    settings = chunk.settings
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    read_ok: list[tuple[IntakeJob, WorkbookData]] = []
    failed: dict[int, Prepared] = {}
    for i, job in enumerate(chunk.jobs):
        if job.refusal is not None:
            failed[i] = refused(job, settings)
            continue
        try:
            read_ok.append((job, read_workbook(job.path, max_bytes=max_bytes, content=job.content)))
        except Exception as error:  # noqa: BLE001 - one file's failure never stops the others
            failed[i] = failed_prepared(job, error)
    with db.worker_engine(settings.warehouse_url).connect() as conn:  # reads only
        contexts = validation_contexts(conn, read_ok, settings, chunk.today)
        blocked = controls.control_problems(conn, settings, [_control_file(job, data) for job, data in read_ok])
        histories = outlier_step.contexts(conn, [(_reference_unit(d, j.unit_folder), d) for j, d in read_ok], settings)
    results = _validate(list(zip([d for _, d in read_ok], contexts)))
    covered = _policy_coverage(settings)
    results = [_policy_pending(job, data, result, covered) for (job, data), result in zip(read_ok, results)]
    results = [_with_control_problems(result, found) for result, found in zip(results, blocked)]
    scorable = [i for i, result in enumerate(results) if not isinstance(result, Exception)]
    outcomes = dict(zip(scorable, outlier_step.apply_many(
        [(read_ok[i][1], results[i], histories[i], contexts[i].plan) for i in scorable])))
    scored = [outcomes.get(i, (result, None)) for i, result in enumerate(results)]
    prepared = iter(_with_feedback(job, data, result, settings, found)
                    for (job, data), (result, found) in zip(read_ok, scored))
    return [failed[i] if i in failed else next(prepared) for i in range(len(chunk.jobs))]


def _control_file(job: IntakeJob, data: WorkbookData) -> dict:
    """What the controls judge a file on: its sender, kind, period and when the pipeline first saw it."""
    ident = data.identity
    return {"unit_code": _reference_unit(data, job.unit_folder), "kind": data.kind, "year": ident.get("year"),
            "month": ident.get("month"), "file_name": job.file_name, "first_seen_at": job.first_seen_at,
            "seen_after": job.seen_after}


def _with_control_problems(result: ValidationResult | Exception, found: list[dict]) -> ValidationResult | Exception:
    """A file blocked by a control (locked period, quarter under approval) is rejected with those problems
    first; its other problems stay, so the steward sees everything at once."""
    if isinstance(result, Exception) or not found:
        return result
    problems = pd.concat([problems_frame(found), result.problems], ignore_index=True) if len(result.problems) \
        else problems_frame(found)
    return replace(result, verdict="rejected", problems=problems)


def _validate(items: list[tuple[WorkbookData, ValidationContext]]) -> list[ValidationResult | Exception]:
    """Validate the batch at once; if the batch raises, file by file so one bad file fails alone."""
    try:
        return validate_workbooks(items)
    except Exception:  # noqa: BLE001 - isolate the file that breaks validation
        LOG.exception("batch validation failed; validating file by file")
    out: list[ValidationResult | Exception] = []
    for item in items:
        try:
            out.append(validate_workbooks([item])[0])
        except Exception as error:  # noqa: BLE001
            out.append(error)
    return out


def _policy_coverage(settings: Settings):
    """(unit, year) -> whether the scoring-policy index assigns that unit-year a policy."""
    resolve = policy_resolver(settings)

    def covered(unit: str, year: int) -> bool:
        try:
            resolve(unit, year)
        except KeyError:  # reference.policy: the index assigns no policy to the unit-year
            return False
        except Exception:  # noqa: BLE001 - a broken policy file is deriving's to report, not the steward's
            LOG.exception("scoring policy of %s %s not loadable", unit, year)
        return True

    return covered


def _policy_pending(job: IntakeJob, data: WorkbookData, result: ValidationResult | Exception,
                    covered) -> ValidationResult | Exception:
    """A file that will be stored for a unit-year no scoring policy covers yet: stored all the same (its
    unit-year waits for the policy, ``flows.derive``), with a ``policy_pending`` warning at Identitas Tahun
    so the steward and the audit know why no score appears. A rejected file changes nothing: no notice."""
    if isinstance(result, Exception) or result.verdict == "rejected":
        return result
    unit, year = _reference_unit(data, job.unit_folder), data.identity.get("year")
    if not unit or not isinstance(year, int) or covered(unit, year):
        return result
    row = data.identity_rows.get("year")
    letter = data.columns.get(IDENTITY_SHEET, {}).get("value")
    notice = problem("policy_pending", file=result.file_name, sheet=IDENTITY_SHEET, row=row,
                     column=IDENTITY_HEADERS[1], cell=f"{letter}{row}" if letter and row else None, value=year,
                     year=year)
    problems = pd.concat([problems_frame([notice]), result.problems], ignore_index=True) \
        if len(result.problems) else problems_frame([notice])
    return replace(result, verdict="accepted_with_warnings", problems=problems)


def _with_feedback(job: IntakeJob, data: WorkbookData, result: ValidationResult | Exception,
                   settings: Settings, outliers: pd.DataFrame | None = None) -> Prepared:
    if isinstance(result, Exception):
        return failed_prepared(job, result)
    try:
        paths = write_feedback(job, data, result, settings, outlier_step.checked_notes(data, result, outliers))
    except Exception as error:  # noqa: BLE001
        return failed_prepared(job, error)
    return Prepared(job=replace(job, content=b""), kind=data.kind, identity=dict(data.identity), result=result,
                    feedback_paths=paths, outliers=outliers)


def refused(job: IntakeJob, settings: Settings) -> Prepared:
    """A file the run will not read (``IntakeJob.refusal``): rejected with its one problem, feedback
    saying why (a list only: the file is not opened)."""
    problems = problems_frame([problem(job.refusal, file=job.file_name)])
    result = ValidationResult("rejected", problems, job.file_name)
    return Prepared(job=replace(job, content=b""), result=result,
                    feedback_paths=write_feedback(job, WorkbookData(path=job.path), result, settings))


def failed_prepared(job: IntakeJob, error: BaseException) -> Prepared:
    """A file whose processing raised: logged with its traceback, reported, the run goes on."""
    LOG.error("processing %s failed: %s", job.file_name, error, exc_info=error)
    return Prepared(job=replace(job, content=b""), error=f"{type(error).__name__}: {error}")


def write_feedback(job: IntakeJob, data: WorkbookData, result: ValidationResult, settings: Settings,
                   checked: list[dict] | None = None) -> dict[str, str]:
    """The steward's annotated copy and JSON, under ``<out>/umpan-balik/<unit folder>/`` (``checked``:
    notes of outliers marked as checked, ``sinks.feedback.checked_notes``)."""
    folder = settings.out / "umpan-balik" / (job.unit_folder or NO_FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    stem = job.path.stem
    xlsx = feedback.write_feedback_workbook(job.path, result, folder / f"{stem}_umpan-balik.xlsx", data=data,
                                            content=job.content, checked=checked)
    payload = feedback.feedback_json(result, job.file_name, checked)
    json_path = folder / f"{stem}_umpan-balik.json"
    json_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return {"xlsx": str(xlsx), "json": str(json_path)}


# ------------------------------------------------------------------------------- validation context

def _reference_unit(data: WorkbookData, unit_folder: str | None) -> str | None:
    """The unit whose plan a file is checked against: its folder's (a unit submits only through its
    own folder) when that is a known unit code, else the unit the file names."""
    if unit_folder and resolve_unit(unit_folder) == unit_folder:
        return unit_folder
    unit = data.identity.get("unit_code")
    return unit if isinstance(unit, str) and unit else None


def plan_years_of(conn, units: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """Years with a current plan on file, per unit (one read for all units)."""
    a = s.audit_submission
    rows = conn.execute(select(a.c.unit_code, a.c.year).where(
        a.c.unit_code.in_(sorted(set(units))), a.c.kind == PLAN, a.c.is_current.is_(True))).all() if units else []
    out: dict[str, set[int]] = {}
    for unit, year in rows:
        out.setdefault(unit, set()).add(int(year))
    return {unit: tuple(sorted(out.get(unit, ()))) for unit in units}


def validation_contexts(conn, files: Sequence[tuple[IntakeJob, WorkbookData]], settings: Settings,
                        today: date | None = None) -> list[ValidationContext]:
    """What the rules need besides each file: the plan on file and the unit's earlier months.

    One read per table for all files (``read.batch_inputs``). The deadline is judged on when the file
    arrived (``IntakeJob.received_at``), not on the day it is processed: the collection runs after
    the deadline."""
    today = today or datetime.now(ZoneInfo(settings.timezone)).date()
    refs = [(_reference_unit(data, job.unit_folder), data.identity.get("year")) for job, data in files]
    monthly = [(unit, year) for (unit, year), (_, data) in zip(refs, files)
               if data.kind != PLAN and unit and isinstance(year, int)]
    inputs = read.batch_inputs(conn, monthly).split()
    plan_years = plan_years_of(conn, sorted({unit for unit, _ in monthly}))
    return [_context(job, data, unit, inputs.get((unit, year)), plan_years.get(unit, ()), settings, today)
            for (job, data), (unit, year) in zip(files, refs)]


def _context(job: IntakeJob, data: WorkbookData, unit: str | None, inputs: read.UnitYearInputs | None,
             plan_years: tuple[int, ...], settings: Settings, today: date) -> ValidationContext:
    base = dict(folder_unit=job.unit_folder, file_name=job.file_name, today=today)
    if inputs is None:
        return ValidationContext(**base)
    if inputs.plan_indicator.empty:
        return ValidationContext(**base, plan_years=plan_years)
    year, month = int(inputs.year), data.identity.get("month")
    before = month if isinstance(month, int) else 0
    earlier = inputs.indicator_month[inputs.indicator_month["month"] < before]
    budget_before = inputs.budget_month[inputs.budget_month["month"] < before]
    subs = inputs.submissions
    current = subs[((subs["kind"] == MONTHLY) & (subs["month"] == month) & subs["is_current"]).fillna(False)]
    deadline = periods.deadline(year, month, settings.deadline_day) if isinstance(month, int) else today
    arrived = job.received_at.astimezone(ZoneInfo(settings.timezone)).date()
    return ValidationContext(
        **base,
        plan=plan_frames(inputs), plan_year=year, plan_years=plan_years,
        previous_kinerja=earlier[earlier["month"] == earlier["month"].max()] if not earlier.empty else None,
        spent_before=budget_before.groupby(["ro_code", "expense_type"], as_index=False)["spent_month_rp"].sum()
        .rename(columns={"spent_month_rp": "spent_rp"}),
        sampling_before=inputs.sampling[inputs.sampling["month"] < before],
        inspection_before=inputs.inspection[inputs.inspection["month"] < before],
        is_replacement=not current.empty,
        past_deadline=arrived > deadline, deadline=deadline,
    )


def plan_frames(inputs: read.UnitYearInputs) -> dict[str, pd.DataFrame]:
    """The plan on file in the reader's canonical shape (RAPK wide, B01..B12)."""
    rapk = inputs.plan_target.pivot_table(index="indicator_code", columns="month", values="target", aggfunc="first")
    rapk = rapk.reindex(columns=range(1, 13)).set_axis(list(MONTH_COLUMNS), axis=1).reset_index()
    return {"Sasaran": inputs.plan_sasaran, "Indikator": inputs.plan_indicator, "RAPK": rapk,
            "Pagu": inputs.plan_budget}


# ------------------------------------------------------------------------------------ 2. store (run)

def submission_meta(prepared: Prepared) -> load.SubmissionMeta:
    """Audit metadata of a file; identity fields that could not be read are left empty. The unit is the
    sender, the folder the file came through (a file naming another unit is that sender's submission,
    rejected for it); a file outside every folder is the unit it names, or none."""
    ident, job = prepared.identity, prepared.job
    year, month = ident.get("year"), ident.get("month")
    return load.SubmissionMeta(
        unit_code=str(job.unit_folder or ident.get("unit_code") or ""), kind=prepared.kind or None,
        year=year if isinstance(year, int) else None, month=month if isinstance(month, int) else None,
        file_name=job.file_name, file_hash=job.sha256, size_bytes=job.size_bytes,
        received_at=job.received_at, steward=ident.get("steward"), revision_note=ident.get("revision_note"),
    )


def store(engine: Engine, prepared: Prepared, content: bytes, settings: Settings) -> FileOutcome:
    """One warehouse transaction for a prepared file (raw facts + audit), then its archive copy."""
    job, result = prepared.job, prepared.result
    meta = submission_meta(prepared)
    common = dict(file_name=job.file_name, unit_folder=job.unit_folder, sha256=job.sha256, verdict=result.verdict,
                  unit_code=meta.unit_code, kind=meta.kind, year=meta.year, month=meta.month,
                  feedback_xlsx=prepared.feedback_paths.get("xlsx"), feedback_json=prepared.feedback_paths.get("json"),
                  n_errors=result.n_errors, n_warnings=result.n_warnings)
    if result.verdict == "rejected":
        submission_id = load.record_submission(engine, meta, result.verdict, result.problems)
        if job.refusal != "file_is_link":  # a link is never followed, so nothing of it is kept
            archive(job, content, settings, "ditolak")
        _record_outliers(engine, prepared, submission_id)
        return FileOutcome(**common, status="rejected", submission_id=submission_id)
    if prepared.kind == PLAN:
        loaded = load.load_plan(engine, result.frames, meta, result.verdict, result.problems,
                                identity=result.identity or prepared.identity)
    else:
        loaded = load.load_monthly(engine, result.frames, meta, result.verdict, result.problems)
    archive(job, content, settings, "diterima")
    # another run stored the same file since this one looked: nothing was loaded by this run
    status = "duplicate" if loaded.status == "unchanged" else "loaded"
    if status == "loaded":
        _record_outliers(engine, prepared, loaded.submission_id)
    return FileOutcome(**common, status=status, submission_id=loaded.submission_id)


def _record_outliers(engine: Engine, prepared: Prepared, submission_id: int | None) -> None:
    """The outliers the file was told about, kept with its submission (``audit_outlier``; the centre's view
    ``v_outlier``), in a transaction of their own right after the file's."""
    if submission_id is not None and prepared.outliers is not None and len(prepared.outliers):
        outlier_store.record_outliers(engine, submission_id, prepared.outliers)


def archive(job: IntakeJob, content: bytes, settings: Settings, outcome: str) -> Path:
    """Keep the bytes as received: ``<out>/<diterima|ditolak>/<unit>/<sha8>_<name>``, written whole or
    not at all (a temporary file renamed into place), so a crash never leaves a truncated copy; a copy
    whose bytes no longer hash to the file's SHA-256 (a disk filled up, someone edited it) is rewritten.

    The inbox itself is never modified: it belongs to the units."""
    folder = settings.out / outcome / (job.unit_folder or NO_FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{job.sha256[:8]}_{job.file_name}"
    if not (target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == job.sha256):
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".arsip-")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, target)
    return target


def duplicate_outcome(job: IntakeJob, handled: Handled, settings: Settings) -> FileOutcome:
    """A file whose content the warehouse already handled for its sender: nothing to load; its archive
    copy is repaired if a run died before writing it or left it damaged."""
    if job.refusal != "file_is_link":
        archive(job, job.content, settings, "ditolak" if handled.verdict == "rejected" else "diterima")
    return FileOutcome(file_name=job.file_name, unit_folder=job.unit_folder, sha256=job.sha256, status="duplicate",
                       submission_id=handled.submission_id)


def failed_outcome(job: IntakeJob, error: str) -> FileOutcome:
    """The outcome of a file whose processing raised: reported, and the run goes on with other files."""
    return FileOutcome(file_name=job.file_name, unit_folder=job.unit_folder, sha256=job.sha256, status="gagal",
                       verdict=error)


# ---------------------------------------------------------------------------- offline (sakip validate)

def _sibling(path: Path, unit: str, year: int, month: int | None) -> Path | None:
    """The plan (month None) or a month's file of the same unit beside ``path``, if the steward has it."""
    name = f"{unit}_{year}_rencana.xlsx" if month is None else f"{unit}_{year}-{month:02d}.xlsx"
    candidate = path.with_name(name)
    return candidate if candidate.exists() and candidate != path else None


def validate_offline(path: Path, plan_path: Path | None = None, today: date | None = None,
                     max_bytes: int | None = None, settings: Settings | None = None) -> tuple[ValidationResult, WorkbookData]:
    """``sakip validate``: the same checks on a steward's machine, without the warehouse.

    A monthly file is checked against ``plan_path`` or the unit's plan beside it
    (``<KODE>_<YYYY>_rencana.xlsx``), and against last month's file there for the cumulative rules;
    without a plan the plan-dependent rules are skipped with a warning. Every file is read within the
    same size bound as on the server (``max_bytes``, default ``SAKIP_MAX_FILE_MB`` of the settings)."""
    if max_bytes is None:
        max_bytes = int((settings or get_settings()).max_file_mb * 1024 * 1024)
    data = read_workbook(path, max_bytes=max_bytes)
    folder = path.resolve().parent.name
    base = dict(folder_unit=folder if resolve_unit(folder) == folder else None, file_name=path.name,
                offline=True, today=today or date.today())
    unit, year, month = (data.identity.get(k) for k in ("unit_code", "year", "month"))
    if data.kind == PLAN or not unit or not isinstance(year, int):
        return validate_workbooks([(data, ValidationContext(**base))])[0], data
    plan_path = plan_path or _sibling(path, unit, year, None)
    previous = _sibling(path, unit, year, month - 1) if isinstance(month, int) and month > 1 else None
    side = [(read_workbook(p, max_bytes=max_bytes), ValidationContext(offline=True)) for p in (plan_path, previous) if p]
    checked = iter(validate_workbooks(side))
    plan = next(checked) if plan_path else None
    previous_kinerja = next(checked).frames.get("Kinerja") if previous else None
    context = ValidationContext(**base, plan=plan.frames if plan and plan.frames else None,
                                plan_year=year if plan else None, plan_years=(year,) if plan else (),
                                previous_kinerja=previous_kinerja)
    return validate_workbooks([(data, context)])[0], data
