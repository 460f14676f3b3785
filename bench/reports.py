"""Benchmark: a quarter's interim reports (Word + PDF) built as the report run builds them.

    python -m bench.reports --quarter 2023-Q2                   # the warehouse of SAKIP_WAREHOUSE_URL
    python -m bench.reports --quarter 2023-Q2 --workers 1       # in one process
    python -m bench.pipeline --year 2023 --reports 2023-Q2      # on the fresh warehouse of a pipeline run

Every complete unit's report and the national roll-up are built on ``--workers`` processes (default
one per core, the CLI's pool: ``flows.runners.local_runner``), each by ``flows.reports.build_report``;
every report's wall and CPU seconds are measured in the worker that built it, so the per-report
figures say what one report costs and the quarter's wall time what the parallel run takes.

A report is rendered only when its data changed since its last version: on a warehouse whose reports
were already built, the run reuses them and says so (``reused``), so measure on a fresh warehouse
(the third form) for rendering figures. Prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.measure import Measured, in_fresh_process, machine, rate


def timed_build(job) -> dict:
    """Build one report (in a worker) and measure it: wall and CPU seconds of this process."""
    from flows import reports  # heavy: imported in the worker process only, as the report run's jobs are

    started, cpu = time.perf_counter(), time.process_time()
    result = reports.build_report(job)
    return {"unit_code": job.unit_code, "seconds": time.perf_counter() - started,
            "cpu_seconds": time.process_time() - cpu, "reused": result.reused}


def render_quarter(url: str, quarter: str, out: Path, workers: int | None = None) -> dict:
    """Build the quarter's reports (complete units, then the national roll-up) on ``workers`` processes,
    into ``<out>/laporan`` as the report run does (``out`` plays ``SAKIP_OUT``); the quarter's wall
    seconds and each report's measurements."""
    # heavy imports in the measured process (``in_fresh_process`` spawns it), not in the parent
    from flows import reports
    from flows.runners import Failed, local_runner
    from sakip import periods
    from sakip.settings import get_settings
    from sinks.warehouse.db import open_warehouse

    year, q = periods.parse_quarter(quarter)
    settings = get_settings().model_copy(update={"warehouse_url": url, "out": Path(out)})
    engine = open_warehouse(url)
    jobs = reports.report_jobs(engine, settings, year, q, refresh_stale=False)
    runner = local_runner(workers)
    started = time.perf_counter()
    try:
        results = runner.map(timed_build, jobs)
    finally:
        runner.close()
    seconds = time.perf_counter() - started
    failed = [f"{job.label}: {r}" for job, r in zip(jobs, results) if isinstance(r, Failed)]
    done = [r for r in results if not isinstance(r, Failed)]
    return {"quarter": quarter, "workers": runner.workers, "seconds": seconds, "failed": failed,
            "units": [r for r in done if r["unit_code"] is not None],
            "national": next((r for r in done if r["unit_code"] is None), None)}


def _spread(values: list[float]) -> str:
    """"median 0.71 s, slowest 0.95 s" (n/a without values)."""
    if not values:
        return "n/a"
    return f"median {statistics.median(values):.2f} s, slowest {max(values):.2f} s"


def print_reports(measured: Measured) -> None:
    """The report phase's figures: the quarter's wall time, then per report (wall and CPU)."""
    r = measured.result
    units, national = r["units"], r["national"]
    count = len(units) + (national is not None)
    print(f"{'reports ' + r['quarter'] + ' (Word + PDF)':<34s} {measured.seconds:9.1f} s  "
          f"{rate(count, measured.seconds):>10s}  peak {measured.peak_mib:7.0f} MiB"
          + (f" (largest worker {measured.children_peak_mib:.0f} MiB)" if measured.children_peak_mib else ""))
    print(f"  {len(units)} unit reports on {r['workers']} worker(s) in {r['seconds']:.1f} s: "
          f"{_spread([u['seconds'] for u in units])} (CPU {_spread([u['cpu_seconds'] for u in units])})")
    if national is not None:
        print(f"  national roll-up: {national['seconds']:.2f} s (CPU {national['cpu_seconds']:.2f} s)")
    reused = sum(u["reused"] for u in units) + bool(national and national["reused"])
    if reused:
        print(f"  note: {reused} report(s) reused unchanged (not rendered): measure on a fresh warehouse")
    for line in r["failed"]:
        print(f"  FAILED {line}")


def main(argv: list[str] | None = None) -> None:
    from sakip.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quarter", required=True, help="YYYY-Qn")
    parser.add_argument("--warehouse-url", default=None, help="default: SAKIP_WAREHOUSE_URL")
    parser.add_argument("--out", type=Path, default=None, help="output root, reports under <out>/laporan "
                        "(default: SAKIP_OUT)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    args = parser.parse_args(argv)
    settings = get_settings()
    print(f"bench.reports: {args.quarter}, {machine()}")
    print_reports(in_fresh_process(render_quarter, args.warehouse_url or settings.warehouse_url, args.quarter,
                                   args.out or settings.out, args.workers))


if __name__ == "__main__":
    main()
