"""Benchmark: every complete unit's interim report (Word + PDF) for one quarter, then the national roll-up.

    python -m bench.reports --quarter 2023-Q2                    # the warehouse of SAKIP_WAREHOUSE_URL
    python -m bench.pipeline --year 2023 --reports 2023-Q2       # on the fresh warehouse of a pipeline run

A report is rendered only when its data changed since its last version; on a warehouse whose
reports were already built, the run reuses them and says so (``reused``), so measure on a fresh
warehouse (the second form) for rendering figures. Prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.measure import Measured, in_fresh_process, machine, rate


def render_quarter(url: str, quarter: str, out_dir: Path) -> dict:
    """Build the quarter's reports as the report flow does; seconds per report and how many were reused."""
    from flows import steps
    from sakip import periods
    from sinks.report.build import build_national_report, build_unit_report

    year, q = periods.parse_quarter(quarter)
    engine = steps.warehouse(url)
    units = steps.units_with_complete_quarter(engine, year, q)
    seconds, reused = [], 0
    for code in units:
        started = time.perf_counter()
        reused += build_unit_report(engine, code, year, q, out_dir).reused
        seconds.append(time.perf_counter() - started)
    started = time.perf_counter()
    national = build_national_report(engine, year, q, out_dir)
    return {"quarter": quarter, "units": len(units), "unit_seconds": seconds, "reused": reused,
            "national_seconds": time.perf_counter() - started, "national_reused": national.reused}


def print_reports(measured: Measured) -> None:
    """The report phase's figures."""
    r = measured.result
    per_unit = r["unit_seconds"]
    median = statistics.median(per_unit) if per_unit else float("nan")
    print(f"{'reports ' + r['quarter'] + ' (Word + PDF)':<34s} {measured.seconds:9.1f} s  "
          f"{rate(r['units'] + 1, measured.seconds):>10s}  peak {measured.peak_mib:7.0f} MiB")
    print(f"  {r['units']} unit reports: median {median:.2f} s, slowest {max(per_unit, default=float('nan')):.2f} s; "
          f"national roll-up {r['national_seconds']:.2f} s")
    if r["reused"] or r["national_reused"]:
        print(f"  note: {r['reused'] + r['national_reused']} report(s) reused unchanged (not rendered): "
              "measure on a fresh warehouse")


def main(argv: list[str] | None = None) -> None:
    from sakip.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quarter", required=True, help="YYYY-Qn")
    parser.add_argument("--warehouse-url", default=None, help="default: SAKIP_WAREHOUSE_URL")
    parser.add_argument("--out", type=Path, default=None, help="default: <SAKIP_OUT>/laporan")
    args = parser.parse_args(argv)
    settings = get_settings()
    print(f"bench.reports: {args.quarter}, {machine()}")
    print_reports(in_fresh_process(render_quarter, args.warehouse_url or settings.warehouse_url, args.quarter,
                                   args.out or settings.out / "laporan"))


if __name__ == "__main__":
    main()
