"""Benchmark: demo years for every unit through the whole pipeline, against the floors of reading them.

    python -m bench.pipeline --year 2023                      # one year, all units, SQLite
    python -m bench.pipeline --year 2023 --reports 2023-Q2     # then a quarter's reports
    python -m bench.pipeline --year 2020 --years 5             # the five-year backfill (Renstra 2020-2024)
    python -m bench.pipeline --year 2023 --every 5             # every fifth unit (a quicker look)
    python -m bench.pipeline --year 2023 --postgres            # on a fresh PostgreSQL database
    python -m bench.pipeline --year 2023 --workers 1           # one process (no parallelism)

Phases, each in a fresh process (``bench.measure``; peak memory is the phase's own process and, for
the pipeline and reports, the largest of its worker processes):
1. generate the demo inbox (context, not pipeline);
2. the floors: python-calamine reading every value of every workbook (the fastest possible read), and
   ``sources.workbook.read_workbook`` (the product's reader) on the same files;
3. the pipeline as ``sakip backfill`` runs it (``flows.run.collect`` on worker processes: read,
   validate, feedback, store raw facts, archive, derive every unit-year once, completeness) into an
   empty warehouse;
4. optionally every complete unit's interim report and the national roll-up for a quarter.
It prints seconds, files per second, peak memory, and the ratios of pipeline time to each floor.
Figures, not assertions: nothing here fails because something is slow.
"""
from __future__ import annotations

import argparse
import os
import shutil
import time
from collections import Counter
from pathlib import Path

from bench.measure import Measured, in_fresh_process, machine, rate
from bench.warehouses import warehouse_url

DEFAULT_WORKDIR = Path("data/bench")


def generate(years: list[int], inbox: Path, seed: int, mistake_rate: float, units: list[str] | None,
             workers: int | None) -> int:
    """Write the demo inbox for ``years`` (``units``, default all); returns the number of files written.

    Each year is generated in a folder of its own (a demo run replaces the files of the previous run
    in its folder), then linked into the one inbox a backfill reads: a unit's folder holds all its years."""
    from demo.generator import generate_year

    written = 0
    for year in years:
        folder = inbox.parent / "generated" / str(year)
        written += len(generate_year(year, folder, seed=seed + year, mistake_rate=mistake_rate, units=units,
                                     workers=workers).files)
        for path in folder.glob("*/*.xlsx"):
            target = inbox / path.parent.name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
    return written


def inbox_files(inbox: Path) -> list[Path]:
    """Every submission of the inbox (what the collector would consider)."""
    from sources.inbox import scan_inbox

    return [Path(p) for p in scan_inbox(inbox)["path"]]


def calamine_floor(paths: list[Path]) -> int:
    """The floor: every value of every sheet of every workbook with python-calamine, nothing else."""
    from python_calamine import CalamineWorkbook

    for path in paths:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
    return len(paths)


def reader_floor(paths: list[Path]) -> int:
    """The product's reader on every workbook (bounds, headers, typing, cell addresses), nothing else."""
    from sources.workbook import read_workbook

    for path in paths:
        read_workbook(path)
    return len(paths)


def run_pipeline(years: list[int], inbox: Path, out: Path, url: str, workers: int | None) -> dict:
    """Every file of ``years`` through the orchestration the CLI uses, as one run (``sakip backfill``)."""
    from flows import run
    from flows.runners import local_runner
    from flows.select import select_years
    from sakip.settings import Settings
    from sinks.warehouse.db import open_warehouse

    settings = Settings(warehouse_url=url, inbox=inbox, out=out, workers=workers)
    engine = open_warehouse(url)
    runner = local_runner(workers)
    started = time.perf_counter()
    try:
        result = run.collect(engine, settings, select_years(settings, years[0], years[-1]), runner)
    finally:
        runner.close()
    return {"statuses": dict(Counter(o.status for o in result.outcomes)), "seconds": time.perf_counter() - started,
            "unit_years": len(result.derived.unit_years) if result.derived else 0}


def _print_phase(name: str, measured: Measured, files: int) -> None:
    print(f"{name:<40s} {measured.seconds:8.1f} s  {rate(files, measured.seconds):>10s}  "
          f"peak {measured.peak_mib:6.0f} MiB (workers {measured.children_peak_mib:5.0f} MiB)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2023, help="first year")
    parser.add_argument("--years", type=int, default=1, help="how many consecutive years (a backfill)")
    parser.add_argument("--seed", type=int, default=20230)
    parser.add_argument("--mistake-rate", type=float, default=0.05)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--unit", action="append", default=None, help="only this unit (repeatable; default all)")
    parser.add_argument("--every", type=int, default=None, metavar="K",
                        help="only every K-th unit of the master data (all unit types, a shorter run)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--postgres", action="store_true", help="load a fresh PostgreSQL database instead of SQLite")
    parser.add_argument("--reports", metavar="YYYY-Qn", help="then render every complete unit's reports for a quarter")
    args = parser.parse_args(argv)

    years = list(range(args.year, args.year + args.years))
    if args.every:
        from reference.master import units

        args.unit = units()["code"].tolist()[::args.every]
    workdir = args.workdir.resolve()
    shutil.rmtree(workdir, ignore_errors=True)
    inbox, out = workdir / "inbox", workdir / "out"
    print(f"bench.pipeline: years {years[0]}-{years[-1]}, {len(args.unit) if args.unit else 'all'} units, "
          f"{args.workers or 'one per core'} worker(s), {machine()}")

    generated = in_fresh_process(generate, years, inbox, args.seed, args.mistake_rate, args.unit, args.workers)
    _print_phase("generate demo inbox (context)", generated, generated.result)
    paths = inbox_files(inbox)
    calamine = in_fresh_process(calamine_floor, paths)
    _print_phase("floor: python-calamine, every value", calamine, len(paths))
    reader = in_fresh_process(reader_floor, paths)
    _print_phase("floor: read_workbook (the product reader)", reader, len(paths))
    with warehouse_url(workdir, args.postgres) as url:
        pipeline = in_fresh_process(run_pipeline, years, inbox, out, url, args.workers)
        _print_phase(f"pipeline ({'PostgreSQL' if args.postgres else 'SQLite'}), without reports", pipeline,
                     len(paths))
        print(f"  outcomes: {pipeline.result['statuses']}; {pipeline.result['unit_years']} unit-years derived")
        print(f"ratio pipeline / calamine floor: {pipeline.seconds / calamine.seconds:.1f}x; "
              f"pipeline / read_workbook floor: {pipeline.seconds / reader.seconds:.2f}x")
        if args.reports:
            from bench.reports import print_reports, render_quarter

            print_reports(in_fresh_process(render_quarter, url, args.reports, out, args.workers))


if __name__ == "__main__":
    main()
