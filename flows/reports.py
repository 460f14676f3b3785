"""Report jobs: which interim reports a run builds, and building one (in a worker).

No Prefect here. A report run lists its jobs (every unit whose quarter is complete, the national
document — the quarter's "Kinerja BPOM Dalam Angka" book, built whether or not every unit has reported:
a partial quarter names the units missing — and every existing report whose data changed since it was
built), then builds them in
parallel: each job is independent (its own unit, its own files, its own ``report_version`` row).
A report is never built from stale derived facts: the run derives pending unit-years first
(``flows.run``), and :func:`build_report` refuses a unit-year that is still stale.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from sakip.settings import Settings
from sinks.report import build
from sinks.warehouse import db, derived, load


class StaleData(RuntimeError):
    """A report asked for while its unit-year's derived facts are older than its raw facts."""


@dataclass(frozen=True)
class ReportJob:
    """One report to build: a unit's quarter (``unit_code``) or the national "Dalam Angka" book (None)."""

    year: int
    quarter: int
    unit_code: str | None
    settings: Settings

    @property
    def label(self) -> str:
        return f"{self.unit_code or 'nasional'} {self.year}-Q{self.quarter}"


def units_with_complete_quarter(engine: Engine, year: int, quarter: int) -> list[str]:
    """Units whose plan is loaded and whose quarter-end month has an accepted current submission."""
    return [code for code in load.current_submissions(engine, year=year)["unit_code"].drop_duplicates()
            if build.quarter_complete(engine, code, year, quarter)]


def report_jobs(engine: Engine, settings: Settings, year: int, quarter: int, units: list[str] | None = None,
                national: bool = True, refresh_stale: bool = True) -> list[ReportJob]:
    """The jobs of a report run: the quarter's complete units (or ``units``), the national book, and
    (unless units are named or ``refresh_stale`` is off) every existing report whose data changed."""
    codes = units if units is not None else units_with_complete_quarter(engine, year, quarter)
    jobs = [ReportJob(year, quarter, code, settings) for code in codes]
    jobs += [ReportJob(year, quarter, None, settings)] if national else []
    if refresh_stale and units is None:
        for stale in build.stale_reports(engine):
            job = ReportJob(stale["year"], stale["quarter"], stale["unit_code"] if stale["scope"] == "unit" else None,
                            settings)
            if job not in jobs and (job.unit_code is not None or national):
                jobs.append(job)
    return jobs


def require_derived(engine: Engine, unit_code: str | None, year: int) -> None:
    """Refuse (``StaleData``, Indonesian) a report whose unit-year (or, national, any unit-year of the
    year) has raw facts newer than its derived facts: derive first (every run does)."""
    stale = [pair for pair in derived.stale_unit_years(engine, year) if unit_code is None or pair[0] == unit_code]
    if stale:
        names = ", ".join(f"{u} {y}" for u, y in stale[:5]) + (" ..." if len(stale) > 5 else "")
        raise StaleData(f"data {names} sudah berubah tetapi skornya belum dihitung ulang; jalankan pengumpulan "
                        "atau 'sakip rescore' lebih dulu, laporan tidak dibuat dari angka lama")


def build_report(job: ReportJob) -> build.ReportResult:
    """Build (or reuse, when its data did not change) one report: Word + PDF + its ``report_version``."""
    engine = db.worker_engine(job.settings.warehouse_url)
    require_derived(engine, job.unit_code, job.year)
    out = job.settings.out / "laporan"
    if job.unit_code is None:
        return build.build_national_report(engine, job.year, job.quarter, out)
    return build.build_unit_report(engine, job.unit_code, job.year, job.quarter, out)


def describe_report(result: build.ReportResult) -> str:
    """One line for the operator: which report, which version, where, and what changed (a new version) or
    that the existing version was kept."""
    line = f"{result.scope} {result.unit_code or 'nasional'} {result.year}-Q{result.quarter} v{result.version}: {result.docx_path}"
    if result.reused:
        return f"{line} (tidak ada perubahan data; versi yang ada dipakai)"
    return f"{line} — {result.changes}" if result.changes else line


def report_quarter_gaps(engine: Engine, unit_code: str, year: int, quarter: int) -> list[str]:
    """What a unit's quarter lacks to be reported (Indonesian; empty when complete)."""
    return build.quarter_gaps(engine, unit_code, year, quarter)
