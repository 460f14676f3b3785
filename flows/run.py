"""The one orchestration of the pipeline, used by the ``sakip`` command line and the Prefect flows.

    inbox ─► read bytes once ─► [waves] prepare chunks in parallel (read + validate + feedback)
          ─► store each file's raw facts (one writer, loading order) ─► derive every touched
          unit-year once ─► national completeness ─► reports (in parallel, never from stale data)

No Prefect here: the caller passes a ``Runner`` (worker processes for the CLI, the flow's task
runner for Prefect, possibly a Dask cluster) and a ``Progress``. Files of one unit depend on each
other (a month is checked against the months before it), files of different units do not: a
*wave* takes the next file of every unit, its files are prepared in parallel, then stored in order
before the next wave is prepared.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine

from flows import derive, digest, intake, reports
from flows.runners import Failed, Progress, Runner, Silent, chunked
from flows.select import handled_hashes
from sakip.settings import Settings
from sinks.report.build import ReportResult
from sinks.warehouse import db, load, seen
from sources.inbox import scan_inbox, with_content

LOG = logging.getLogger(__name__)
#: Progress phases, as the operator reads them.
FILES, UNIT_YEARS, REPORTS = "berkas", "unit-tahun", "laporan"


@dataclass
class IntakeRun:
    """What an intake run did: one outcome per file (in selection order) and what it derived."""

    outcomes: list[intake.FileOutcome] = field(default_factory=list)
    derived: derive.Derived | None = None
    years_refreshed: list[int] = field(default_factory=list)
    #: the digests sent after the run (``flows.digest``) and notes for the run's summary (Indonesian)
    digests: digest.DigestRun | None = None
    notes: list[str] = field(default_factory=list)


def waves(folders: Sequence[str | None]) -> list[list[int]]:
    """Positions of files (given by their unit folders, in loading order) grouped in waves: wave k holds
    the k-th file of every unit folder (files outside any folder are their own chains), so a unit's
    files stay in loading order across waves."""
    nth: dict[str, int] = {}
    out: list[list[int]] = []
    for i, folder in enumerate(folders):
        chain = folder if folder is not None else f"\0{i}"
        k = nth.get(chain, 0)
        nth[chain] = k + 1
        if k == len(out):
            out.append([])
        out[k].append(i)
    return out


def _prepare_wave(engine: Engine, settings: Settings, jobs: list[intake.IntakeJob], runner: Runner,
                  progress: Progress, today: date | None) -> dict[int, intake.Prepared | intake.FileOutcome]:
    """Duplicates answered from the warehouse, the rest prepared in parallel chunks; by position."""
    handled = handled_hashes(engine, [job.sha256 for job in jobs], [job.unit_folder for job in jobs])
    done: dict[int, intake.Prepared | intake.FileOutcome] = {
        i: intake.duplicate_outcome(job, handled[key], settings) for i, job in enumerate(jobs)
        if (key := (job.sha256, job.unit_folder or "")) in handled}
    todo = [i for i in range(len(jobs)) if i not in done]
    progress.advance(FILES, len(done))
    # two chunks per worker keep several workers evenly busy; one worker has nothing to balance, and each
    # chunk pays its own warehouse reads and validation passes
    parts = chunked(todo, parts=2 * runner.workers if runner.workers > 1 else 1)
    chunks = [intake.Chunk(tuple(jobs[i] for i in part), settings, today) for part in parts]
    results = runner.map(intake.prepare_chunk, chunks, on_done=lambda k: progress.advance(FILES, len(parts[k])))
    for part, result in zip(parts, results):
        for pos, i in enumerate(part):
            done[i] = (intake.failed_prepared(jobs[i], RuntimeError(str(result))) if isinstance(result, Failed)
                       else result[pos])
    return done


def _store(engine: Engine, settings: Settings, job: intake.IntakeJob,
           prepared: intake.Prepared | intake.FileOutcome) -> intake.FileOutcome:
    if isinstance(prepared, intake.FileOutcome):
        return prepared
    if prepared.error is not None:
        return intake.failed_outcome(job, prepared.error)
    try:
        return intake.store(engine, prepared, job.content, settings)
    except db.WarehouseBusy:  # another process holds the warehouse: every later file would wait too
        raise
    except Exception as error:  # noqa: BLE001 - one file's failure never stops the others
        intake.failed_prepared(job, error)
        return intake.failed_outcome(job, f"{type(error).__name__}: {error}")


def first_seen(engine: Engine, settings: Settings, files: pd.DataFrame, now: datetime | None = None) -> pd.DataFrame:
    """The selected files with when the pipeline first saw them (``seen_after``, ``first_seen_at``): the
    whole inbox is listed and recorded first (``sinks.warehouse.seen``), so arrival times are bounded
    by what the pipeline saw, not only by modification times a sender sets."""
    listing = seen.record_listing(engine, scan_inbox(settings.inbox), now)
    by_path = listing.drop_duplicates("path").set_index("path")[["seen_after", "first_seen_at"]]
    return files.drop(columns=["seen_after", "first_seen_at"], errors="ignore").join(
        by_path, on=files["path"].astype(str))


def record_inbox(engine: Engine, settings: Settings) -> int:
    """Record one listing of the whole inbox (nothing read): the inbox watcher's step; files it holds."""
    return len(seen.record_listing(engine, scan_inbox(settings.inbox)))


def touched_unit_years(outcomes: Iterable[intake.FileOutcome]) -> set[tuple[str, int]]:
    """Unit-years whose raw facts a run's loaded files changed."""
    return {(o.unit_code, o.year) for o in outcomes if o.status == "loaded" and o.unit_code and o.year is not None}


def collect(engine: Engine, settings: Settings, files: pd.DataFrame, runner: Runner,
            progress: Progress | None = None, policy_file: Path | str | None = None,
            today: date | None = None, now: datetime | None = None) -> IntakeRun:
    """Take the selected files through the pipeline: prepare, store, derive, completeness.

    One file's failure never stops the others (it becomes a ``gagal`` outcome). Unit-years left
    stale by an earlier run that died are derived too, and the completeness of every year a file
    was handled in or a unit-year derived for is refreshed. ``today`` (validation) and ``now`` (the
    time the inbox is listed at) default to the clock; tests replay history with them."""
    progress = progress or Silent()
    with db.run_lock(engine, "intake"):  # two collections at once would judge each other's files
        listed = first_seen(engine, settings, files, now).reset_index(drop=True) if len(files) else files
        progress.start(FILES, len(listed))
        outcomes: dict[int, intake.FileOutcome] = {}
        for wave in waves([intake.folder_of(f) for f in listed.to_dict("records")]):
            # a wave's bytes are read when it starts (a backfill never holds every file in memory)
            jobs = intake.jobs_of(with_content(listed.iloc[wave]), settings.timezone)
            prepared = _prepare_wave(engine, settings, jobs, runner, progress, today)
            for pos, i in enumerate(wave):
                outcomes[i] = _store(engine, settings, jobs[pos], prepared[pos])
    run = IntakeRun(outcomes=[outcomes[i] for i in range(len(listed))])
    run.derived = derive_all(engine, settings, touched_unit_years(run.outcomes), progress, policy_file)
    handled = {o.year for o in run.outcomes if o.year is not None and o.status in ("loaded", "rejected")}
    run.years_refreshed = sorted(handled | {year for _, year in run.derived.unit_years})
    for year in run.years_refreshed:
        derive.refresh_reporting_status(engine, settings, year)
    run.digests = _digests(engine, settings, run, now)
    run.notes += run.digests.notes
    return run


def _digests(engine: Engine, settings: Settings, run: IntakeRun, now: datetime | None) -> digest.DigestRun:
    """The collection's digests (``flows.digest``): the run's data is stored already, so nothing about them
    (a mail server down, a disk full) fails the run; it is logged and noted in the run's summary."""
    try:
        return digest.send_digests(engine, settings, run.outcomes, run.years_refreshed, now)
    except Exception as error:  # noqa: BLE001 - the collection itself succeeded
        LOG.exception("collection digests failed")
        return digest.DigestRun(notes=[f"Ringkasan pengumpulan tidak dapat dibuat: {type(error).__name__}: {error}"])


def derive_all(engine: Engine, settings: Settings, touched: Iterable[tuple[str, int]] = (),
               progress: Progress | None = None, policy_file: Path | str | None = None) -> derive.Derived:
    """Derive every stale unit-year and ``touched``, showing progress."""
    progress = progress or Silent()
    pending = derive.pending_unit_years(engine, touched)
    progress.start(UNIT_YEARS, len(pending))
    return derive.derive_unit_years(engine, settings, pending, policy_file,
                                    progress=lambda n: progress.advance(UNIT_YEARS, n))


def build_reports(engine: Engine, settings: Settings, jobs: list[reports.ReportJob], runner: Runner,
                  progress: Progress | None = None) -> list[ReportResult | Failed]:
    """Build every job's report in parallel, after deriving any stale unit-year (never from old figures)."""
    progress = progress or Silent()
    derive_all(engine, settings, progress=progress)
    progress.start(REPORTS, len(jobs))
    return runner.map(reports.build_report, jobs, on_done=lambda _: progress.advance(REPORTS))


def add_override(engine: Engine, settings: Settings, unit_code: str, year: int, month: int, indicator_code: str,
                 capaian_pct: float, reason: str, set_by: str, policy_file: Path | str | None = None) -> int:
    """Record an audited manual capaian override (a raw input), then derive its unit-year."""
    override_id = load.add_override(engine, unit_code=unit_code, year=year, month=month,
                                    indicator_code=indicator_code, capaian_pct=capaian_pct, reason=reason,
                                    set_by=set_by)
    derive_all(engine, settings, [(unit_code, int(year))], policy_file=policy_file)
    return override_id
