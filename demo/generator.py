"""Write a demo year: an inbox of plans and monthly reports for every unit, with planted mistakes.

``generate_year`` writes ``out/<KODE>/<KODE>_<YYYY>_rencana.xlsx`` and ``out/<KODE>/<KODE>_<YYYY>-<MM>.xlsx``
for each unit and month (all through ``sinks.templates.write_workbook``, so they are decorated
templates a steward filled in), extra files where a mistake calls for them (``… (1).xlsx`` for a file
sent twice, ``…_rev1.xlsx`` for a correction or the fix of a rejected file), and ``out/_manifest.json``.
Units are independent units of work (each draws from its own random streams, ``demo.rng.stream``) and
run in parallel processes; the output does not depend on the number of workers or on which unit
finishes first. A caller sees the run advance through a ``progress(done, total)`` callback. File
modification times are set to the dates the files were sent.
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from demo.manifest import FileRecord, Manifest, PlantedMistake
from demo.mistakes import (KINDS, OUTLIER_FIRST_MONTH, OUTLIER_KINDS, PLAN_KINDS, Plant, Where, cell_of, fixed, plant,
                           plant_outlier)
from demo.rng import stream
from demo.unit_year import Content, UnitYear, unit_year
from reference import master
from schemas import contract
from sinks.template_style import header_of
from sinks.templates import template_name, write_workbook

MANIFEST_NAME = "_manifest.json"
MONTHLY_KINDS = tuple(KINDS)
#: Told ``(units done, units in the run)`` in the calling process: once with 0, then after each unit.
Progress = Callable[[int, int], None]
#: What one unit adds to the manifest: its files, its planted mistakes and its planted outliers.
UnitResult = tuple[list[FileRecord], list[PlantedMistake], list[PlantedMistake]]


@dataclass(frozen=True)
class Job:
    """One unit's share of a demo year."""

    unit_code: str
    year: int
    out: Path
    seed: int
    mistake_rate: float
    months: tuple[int, ...]
    fix_rejected: bool
    #: share of units with one outlier planted in an otherwise clean month (``demo.mistakes.OUTLIER_KINDS``)
    outlier_rate: float = 0.0


def _sent_at(day: date, minute: int = 0) -> float:
    return datetime(day.year, day.month, day.day, 9, minute).timestamp()


def _write(content: Content, path: Path, sent: date, choices: dict | None = None, minute: int = 0) -> None:
    write_workbook(content.kind, content.identity, content.frames, path, choices=choices)
    stamp = _sent_at(sent, minute)
    os.utime(path, (stamp, stamp))


def _rel(path: Path, out: Path) -> str:
    return path.relative_to(out).as_posix()


def _mistake(found: Plant, kind: contract.WorkbookKind, file: str, unit: str, month: int | None,
             original: str | None = None) -> PlantedMistake:
    spec = KINDS[found.kind] if found.kind in KINDS else OUTLIER_KINDS[found.kind]
    cell, row = cell_of(kind, found.sheet, found.column, found.position)
    header = None
    if found.column is not None:
        header = contract.IDENTITY_HEADERS[1] if found.sheet == contract.IDENTITY_SHEET else \
            header_of(kind, found.sheet, found.column)
    return PlantedMistake(file=file, unit_code=unit, month=month, kind=found.kind, rule_id=spec.rule_id,
                          severity=spec.severity, sheet=found.sheet, cell=cell, row=row, column=header,
                          value=found.value, rejected=spec.rejected, also=spec.also, original=original,
                          note=found.note)


def _verdict(found: Plant | None) -> str:
    if found is None:
        return "accepted"
    spec = KINDS[found.kind]
    return "rejected" if spec.rejected else ("accepted_with_warnings" if spec.severity == "warning" else "accepted")


def _write_plan(uy: UnitYear, job: Job) -> tuple[list[FileRecord], list[PlantedMistake]]:
    rng = stream(job.seed, job.year, uy.unit_code, "mistakes-plan")
    found = plant(uy.plan, Where(uy, None), rng, PLAN_KINDS) if rng.random() < job.mistake_rate else None
    content = found.content if found else uy.plan
    path = job.out / uy.unit_code / template_name(uy.unit_code, job.year)
    _write(content, path, content.identity["pk_date"])
    file = _rel(path, job.out)
    warnings = ("indicator_not_in_catalogue",) if uy.unit_type == "pusat" else ()
    record = FileRecord(file, uy.unit_code, contract.PLAN, None, content.identity["pk_date"].isoformat(),
                        "accepted_with_warnings" if warnings else "accepted",
                        found.kind if found else None, None, warnings)
    return [record], ([_mistake(found, contract.PLAN, file, uy.unit_code, None)] if found else [])


def _month_plants(uy: UnitYear, job: Job) -> dict[int, Plant | None]:
    """The mistake planted in each month (decided for the whole year, in order: a cumulative decrease
    needs last month's realisations to be the clean ones)."""
    planted: dict[int, Plant | None] = {}
    previous = None
    for month in range(1, 13):
        rng = stream(job.seed, job.year, uy.unit_code, f"mistakes-{month:02d}")
        found = None
        if rng.random() < job.mistake_rate:
            where = Where(uy, month, previous, (month - 1) in job.months)
            found = plant(uy.months[month], where, rng, MONTHLY_KINDS)
        planted[month] = found
        previous = found.kind if found else None
    return planted


def _write_month(uy: UnitYear, job: Job, month: int, found: Plant | None,
                 choices: dict) -> tuple[list[FileRecord], list[PlantedMistake]]:
    clean = uy.months[month]
    content = found.content if found else clean
    path = job.out / uy.unit_code / template_name(uy.unit_code, job.year, month)
    sent = content.identity["sent_date"]
    _write(content, path, sent, choices)
    main = _rel(path, job.out)
    records = [FileRecord(main, uy.unit_code, contract.MONTHLY, month, sent.isoformat(), _verdict(found),
                          found.kind if found else None)]
    mistakes: list[PlantedMistake] = []
    if found is None:
        return records, mistakes
    extra_files = []
    for suffix, extra in found.extra:
        extra_path = path.with_name(f"{path.stem}{suffix}{path.suffix}")
        if extra is None:
            shutil.copyfile(path, extra_path)
            stamp = _sent_at(sent, 30)
            os.utime(extra_path, (stamp, stamp))
            records.append(FileRecord(_rel(extra_path, job.out), uy.unit_code, contract.MONTHLY, month,
                                      sent.isoformat(), "duplicate", found.kind, main))
        else:
            _write(extra, extra_path, extra.identity["sent_date"], choices)
            records.append(FileRecord(_rel(extra_path, job.out), uy.unit_code, contract.MONTHLY, month,
                                      extra.identity["sent_date"].isoformat(), "accepted", found.kind, main))
        extra_files.append(_rel(extra_path, job.out))
    if extra_files:  # the mistake is the event the extra file stands for
        mistakes.append(_mistake(found, contract.MONTHLY, extra_files[0], uy.unit_code, month, original=main))
    else:
        mistakes.append(_mistake(found, contract.MONTHLY, main, uy.unit_code, month))
    if KINDS[found.kind].rejected and job.fix_rejected:
        fix = fixed(clean, stream(job.seed, job.year, uy.unit_code, f"fix-{month:02d}"))
        fix_path = path.with_name(f"{path.stem}_rev1{path.suffix}")
        _write(fix, fix_path, fix.identity["sent_date"], choices)
        records.append(FileRecord(_rel(fix_path, job.out), uy.unit_code, contract.MONTHLY, month,
                                  fix.identity["sent_date"].isoformat(), "accepted", None, main))
    return records, mistakes


def _outlier_plant(uy: UnitYear, job: Job, planted: dict[int, Plant | None]) -> tuple[int, Plant] | None:
    """The month and outlier planted in this unit's year, if any: drawn from its own stream, in a month
    from ``OUTLIER_FIRST_MONTH`` on that has no planted mistake (the file is otherwise clean)."""
    rng = stream(job.seed, job.year, uy.unit_code, "outliers")
    if rng.random() >= job.outlier_rate:
        return None
    months = [m for m in job.months if m >= OUTLIER_FIRST_MONTH and planted.get(m) is None]
    if not months:
        return None
    month = int(rng.choice(months))
    found = plant_outlier(uy.months[month], Where(uy, month), rng)
    return (month, found) if found is not None else None


def _write_outlier_month(uy: UnitYear, job: Job, month: int, found: Plant,
                         choices: dict) -> tuple[list[FileRecord], list[PlantedMistake]]:
    """An otherwise clean month with an outlier: accepted with the ``outlier`` warning."""
    path = job.out / uy.unit_code / template_name(uy.unit_code, job.year, month)
    sent = found.content.identity["sent_date"]
    _write(found.content, path, sent, choices)
    file = _rel(path, job.out)
    record = FileRecord(file, uy.unit_code, contract.MONTHLY, month, sent.isoformat(), "accepted_with_warnings",
                        expected_warnings=("outlier",))
    return [record], [_mistake(found, contract.MONTHLY, file, uy.unit_code, month)]


def write_unit(job: Job) -> UnitResult:
    """Generate and write one unit's plan and monthly reports; return its manifest entries."""
    uy = unit_year(job.unit_code, job.year, job.seed)
    records, mistakes = _write_plan(uy, job)
    outliers: list[PlantedMistake] = []
    plan = uy.plan.frames
    choices = {"indicator_code": plan["Indikator"]["indicator_code"].tolist(),
               "ro_code": plan["Pagu"]["ro_code"].tolist()}
    planted = _month_plants(uy, job)
    outlier = _outlier_plant(uy, job, planted)
    for month, found in planted.items():
        if month not in job.months:
            continue
        if outlier is not None and month == outlier[0]:
            more_records, more_outliers = _write_outlier_month(uy, job, month, outlier[1], choices)
            records += more_records
            outliers += more_outliers
            continue
        more_records, more_mistakes = _write_month(uy, job, month, found, choices)
        records += more_records
        mistakes += more_mistakes
    return records, mistakes, outliers


def _remove_previous_run(out: Path) -> None:
    """Delete the files an earlier demo run listed in its manifest (and nothing else), so a rerun with
    other parameters leaves no stale resubmission or copy behind."""
    previous = out / MANIFEST_NAME
    if not previous.is_file():
        return
    for record in Manifest.read(previous).files:
        (out / record.file).unlink(missing_ok=True)
    previous.unlink()


def _no_progress(done: int, total: int) -> None:
    """The default ``progress``: the generator itself never prints."""


def _worker_count(workers: int | None, units: int) -> int:
    """Processes to use: ``None`` means one per CPU; never more than there are units."""
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    return max(1, min(workers or os.cpu_count() or 1, units))


@contextmanager
def _naming_unit(job: Job) -> Iterator[None]:
    """Add the unit's code to an exception raised while writing it: among a hundred units, a traceback
    alone does not say which one failed."""
    try:
        yield
    except Exception as exc:
        exc.add_note(f"demo unit {job.unit_code}")
        raise


def _write_units_here(jobs: list[Job], progress: Progress) -> list[UnitResult]:
    """Write the units one after another in this process (``workers=1``: no pool, easy to profile)."""
    results = []
    for done, job in enumerate(jobs, start=1):
        with _naming_unit(job):
            results.append(write_unit(job))
        progress(done, len(jobs))
    return results


def _write_units_in_pool(jobs: list[Job], workers: int, progress: Progress) -> list[UnitResult]:
    """Write the units in ``workers`` spawned processes, reporting each as it finishes.

    Results are put back in job order, so the manifest is the same whichever unit finished first.
    Spawned (not forked) workers start clean: a fork would copy the caller's threads' locks (a
    progress bar's refresh thread, Prefect's event loop) in whatever state they are at that instant.
    On a failure or an interrupt the units not started yet are cancelled instead of waited for.
    """
    results: dict[int, UnitResult] = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        index: dict[Future[UnitResult], int] = {pool.submit(write_unit, job): i for i, job in enumerate(jobs)}
        try:
            for done, future in enumerate(as_completed(index), start=1):
                with _naming_unit(jobs[index[future]]):
                    results[index[future]] = future.result()
                progress(done, len(jobs))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [results[i] for i in range(len(jobs))]


def generate_year(
    year: int,
    out: Path,
    seed: int = 20230,
    mistake_rate: float = 0.05,
    units: list[str] | None = None,
    months: range = range(1, 13),
    workers: int | None = None,
    fix_rejected: bool = True,
    progress: Progress | None = None,
    outlier_rate: float = 0.1,
) -> Manifest:
    """Write a demo inbox for ``year`` under ``out`` and return (and write) its manifest.

    ``units`` (codes, names or aliases) defaults to every unit of the master data (central units
    included); ``mistake_rate`` is the share of monthly files (and of plans) with a planted mistake;
    ``workers`` the number of processes (default: CPU count; 1 writes in this process, without a
    pool). With ``fix_rejected`` every rejected monthly file is followed by its corrected
    resubmission (``…_rev1.xlsx``), as stewards do, so later months do not inherit gaps.
    ``progress(done, total)`` is called in this process with 0 before the first unit and after each
    unit is written, so a CLI can draw a bar; the files and the manifest (apart from ``seconds``) do
    not depend on ``workers``. ``outlier_rate`` is the share of units given one outlier (a realisation
    ten times its history, a year's samples in one month) in an otherwise clean month from July on:
    the file is accepted with an ``outlier`` warning; the manifest lists them in ``outliers``.
    """
    started = time.perf_counter()
    out = Path(out)
    progress = progress or _no_progress
    codes = [master.resolve_unit(u) or u for u in units] if units is not None else master.units()["code"].tolist()
    unknown = sorted(set(codes) - set(master.units()["code"]))
    if unknown:
        raise KeyError(f"units not in the master data: {', '.join(unknown)}")
    workers = _worker_count(workers, len(codes))
    _remove_previous_run(out)
    jobs = [Job(code, year, out, seed, mistake_rate, tuple(months), fix_rejected, outlier_rate) for code in codes]
    progress(0, len(jobs))
    if workers == 1:
        results = _write_units_here(jobs, progress)
    else:
        results = _write_units_in_pool(jobs, workers, progress)
    manifest = Manifest(year, seed, mistake_rate, contract.current_version(), codes, list(months))
    for records, mistakes, outliers in results:
        manifest.files.extend(records)
        manifest.mistakes.extend(mistakes)
        manifest.outliers.extend(outliers)
    manifest.seconds = round(time.perf_counter() - started, 1)
    out.mkdir(parents=True, exist_ok=True)
    manifest.write(out / MANIFEST_NAME)
    return manifest
