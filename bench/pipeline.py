"""Benchmark: demo years for every unit through the whole pipeline, against the floor of reading them.

    python -m bench.pipeline --year 2023                     # one year, all units, SQLite
    python -m bench.pipeline --year 2023 --unit BPOM-KPG       # a quick look at one unit
    python -m bench.pipeline --year 2020 --years 5            # a five-year backfill (the Renstra 2020-2024)
    python -m bench.pipeline --year 2020 --years 5 --every 5  # the same for every fifth unit
    python -m bench.pipeline --year 2023 --postgres           # the same on a fresh PostgreSQL database
    python -m bench.pipeline --year 2023 --reports 2023-Q2    # then render every unit's reports for a quarter

Phases, each in a fresh process (``bench.measure``):
1. generate the demo inbox (not part of the pipeline; printed for context);
2. the floor: ``read_workbook`` on every file of the inbox and nothing else;
3. the pipeline as the CLI runs it (``flows.steps.process_files``: hash, read, validate, steward
   feedback, archive, one warehouse transaction per file with the unit-year's scores recomputed,
   national completeness): plans, then months 1-12, year by year, into an empty warehouse;
4. optionally every complete unit's interim report (Word + PDF) and the national roll-up for a
   quarter (``bench.reports``).
It prints files per second, peak memory, and the ratio of pipeline time to reading time. Figures,
not assertions: nothing here fails because something is slow.
"""
from __future__ import annotations

import argparse
import shutil
import time
from collections import Counter
from pathlib import Path

from bench.measure import Measured, in_fresh_process, machine, rate
from bench.warehouses import warehouse_url

DEFAULT_WORKDIR = Path("data/bench")


def generate(years: list[int], inbox: Path, seed: int, mistake_rate: float, units: list[str] | None) -> int:
    """Write the demo inbox for ``years`` (``units``, default all); returns the number of files written."""
    from demo.generator import generate_year

    files = 0
    for year in years:
        files += len(generate_year(year, inbox / str(year), seed=seed + year, mistake_rate=mistake_rate,
                                   units=units).files)
    return files


def inbox_files(inbox: Path) -> list[Path]:
    """Every submission of the inbox (what the collector would consider), in loading order."""
    from sources.inbox import scan_inbox

    return [Path(p) for p in scan_inbox(inbox).sort_values(["name_year", "name_month", "unit_folder"])["path"]]


def inbox_files_all(inbox: Path, years: list[int]) -> list[Path]:
    """The files of every year's inbox, year by year."""
    return [path for year in years for path in inbox_files(inbox / str(year))]


def read_only(paths: list[Path]) -> int:
    """The floor: open and read every workbook into frames, nothing else."""
    from sources.workbook import read_workbook

    for path in paths:
        read_workbook(path)
    return len(paths)


def run_pipeline(years: list[int], inbox_root: Path, out: Path, url: str) -> dict:
    """Plans then months 1-12 of each year through ``process_files``; per-year seconds and statuses."""
    from flows import steps
    from sakip.settings import Settings

    engine = steps.warehouse(url)
    statuses: Counter[str] = Counter()
    per_year: dict[int, float] = {}
    for year in years:
        settings = Settings(warehouse_url=url, inbox=inbox_root / str(year), out=out)
        started = time.perf_counter()
        for month in [None, *range(1, 13)]:
            kind = "rencana" if month is None else "bulanan"
            outcomes = steps.process_files(engine, steps.select_files(settings, kind, year, month), settings)
            statuses.update(o.status for o in outcomes)
        per_year[year] = time.perf_counter() - started
    return {"statuses": dict(statuses), "per_year": per_year}


def _print_phase(name: str, measured: Measured, files: int) -> None:
    print(f"{name:<34s} {measured.seconds:9.1f} s  {rate(files, measured.seconds):>10s}  peak {measured.peak_mib:7.0f} MiB")


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
    print(f"bench.pipeline: years {years[0]}-{years[-1]}, {len(args.unit) if args.unit else 'all'} units, {machine()}")

    generated = in_fresh_process(generate, years, inbox, args.seed, args.mistake_rate, args.unit)
    _print_phase("generate demo inbox (context)", generated, generated.result)
    paths = inbox_files_all(inbox, years)
    floor = in_fresh_process(read_only, paths)
    _print_phase("floor: read every workbook", floor, len(paths))
    with warehouse_url(workdir, args.postgres) as url:
        pipeline = in_fresh_process(run_pipeline, years, inbox, out, url)
        _print_phase(f"pipeline ({'PostgreSQL' if args.postgres else 'SQLite'})", pipeline, len(paths))
        for year, seconds in pipeline.result["per_year"].items():
            print(f"  {year}: {seconds:7.1f} s")
        print(f"  outcomes: {pipeline.result['statuses']}")
        print(f"ratio pipeline / floor: {pipeline.seconds / floor.seconds:.2f}")
        if args.reports:
            from bench.reports import render_quarter, print_reports

            print_reports(in_fresh_process(render_quarter, url, args.reports, out / "laporan"))


if __name__ == "__main__":
    main()
