"""``sakip``: the one command line of the pipeline.

Every command runs the same orchestration as the Prefect flows (``flows/run.py``) without a Prefect
server, on worker processes of this machine (``SAKIP_WORKERS``), so it works on a steward's laptop
and in tests. Long commands show progress bars and end with a summary table. Messages are in
Indonesian: stewards and the planning bureau read them. Heavy imports happen inside commands to keep
``--help`` fast.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from sakip import periods
from sakip.controls import controls_app
from sakip.policy_commands import policy_app
from sakip.controls_outliers import follow_up
from sakip.portal_commands import portal_app
from sakip.settings import get_settings

app = typer.Typer(help="Pipeline kinerja SAKIP BPOM: template, validasi, koleksi, skor, gudang data, laporan.",
                  no_args_is_help=True, add_completion=False)
template_app = typer.Typer(help="Menulis template workbook untuk unit.", no_args_is_help=True)
db_app = typer.Typer(help="Pemeliharaan gudang data.", no_args_is_help=True)
app.add_typer(template_app, name="template")
app.add_typer(db_app, name="db")
app.add_typer(policy_app, name="policy")
app.add_typer(controls_app)  # sakip unlock / approve / reopen (period lock and approval, sakip/controls.py)
app.add_typer(portal_app, name="portal")
app.command("follow-up")(follow_up)

PolicyOption = Annotated[Optional[Path], typer.Option("--policy", help="Berkas kebijakan penilaian (YAML) pengganti.")]


def _one_line(text: str) -> str:
    """A name as one printable line (a sender controls file names: no newline or control character)."""
    return "".join(c if c.isprintable() else "?" for c in str(text))


def _echo_outcomes(outcomes) -> None:
    """One line per file and a closing count, as an operator reads it."""
    from sakip.progress import summary

    for o in outcomes:
        extra = f" ({o.n_errors} kesalahan, {o.n_warnings} peringatan)" if o.verdict and o.status != "gagal" else ""
        typer.echo(f"{o.status:10s} {_one_line(o.file_name)}{extra}")
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    typer.echo("Ringkasan: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "tidak ada berkas baru"))
    if counts:
        summary("Hasil pengumpulan", dict(sorted(counts.items())))


def _engine():
    from sinks.warehouse.db import open_warehouse

    return open_warehouse(get_settings().warehouse_url)


def _run_files(files, policy: Path | None):
    """Files through the orchestration (worker processes, progress bars); their outcomes."""
    from flows import run
    from flows.runners import local_runner
    from sakip.progress import bars

    from sinks.warehouse.db import WarehouseBusy

    settings = get_settings()
    runner = local_runner(settings.workers)
    try:
        with bars() as progress:
            result = run.collect(_engine(), settings, files, runner, progress, policy)
    except WarehouseBusy as error:
        _busy(error)
    finally:
        runner.close()
    for note in result.notes:
        typer.echo(f"Catatan: {note}")
    return result.outcomes


#: Exit code of a run that gave up waiting for a warehouse lock (sysexits EX_TEMPFAIL: run it again later).
EXIT_BUSY = 75


def _busy(error: Exception) -> NoReturn:
    """A warehouse lock held too long by another process: the Indonesian message, exit ``EXIT_BUSY``."""
    typer.echo(f"Gagal: {error}", err=True)
    raise typer.Exit(code=EXIT_BUSY) from error


@template_app.command("plan")
def template_plan(unit: Annotated[str, typer.Option("--unit", help="Kode Satker, mis. BPOM-KPG")],
                  year: Annotated[int, typer.Option("--year")],
                  output: Annotated[Path, typer.Option("-o", "--output")]) -> None:
    """Template Rencana Tahunan yang sudah terisi kode unit, sasaran, indikator dan RO."""
    from sinks.templates import plan_template

    typer.echo(f"Template rencana ditulis: {plan_template(_unit_code(unit), year, output)}")


@template_app.command("monthly")
def template_monthly(unit: Annotated[str, typer.Option("--unit")], year: Annotated[int, typer.Option("--year")],
                     month: Annotated[int, typer.Option("--month", min=1, max=12)],
                     output: Annotated[Path, typer.Option("-o", "--output")]) -> None:
    """Template Laporan Bulanan, terisi indikator dan RO dari rencana yang tercatat (bila ada)."""
    from flows.intake import plan_frames
    from sinks.templates import monthly_template
    from sinks.warehouse import read

    code = _unit_code(unit)
    with _engine().connect() as conn:
        inputs = read.unit_year_inputs(conn, code, year)
    plan = plan_frames(inputs) if not inputs.plan_indicator.empty else None
    typer.echo(f"Template bulanan ditulis: {monthly_template(code, year, month, output, plan=plan)}")


def _unit_code(text: str) -> str:
    from reference.master import resolve_unit

    code = resolve_unit(text)
    if code is None:
        raise typer.BadParameter(f"unit {text!r} tidak dikenal; gunakan Kode Satker, mis. BPOM-KPG")
    return code


@app.command()
def demo(year: Annotated[int, typer.Option("--year")], out: Annotated[Path, typer.Option("--out")],
         seed: int = 20230, mistake_rate: Annotated[float, typer.Option("--mistake-rate")] = 0.05,
         units: Annotated[Optional[list[str]], typer.Option("--unit", help="Batasi ke unit ini (boleh berulang)")] = None) -> None:
    """Membuat data demo setahun (rencana + 12 bulan) untuk semua unit, dengan kesalahan khas petugas."""
    from demo.generator import generate_year
    from sakip.progress import bars

    with bars() as progress:
        progress.start("unit demo", 0)
        manifest = generate_year(year, out, seed=seed, mistake_rate=mistake_rate, units=units,
                                 workers=get_settings().workers,
                                 progress=lambda done, total: _demo_progress(progress, done, total))
    typer.echo(f"Data demo {year} ditulis ke {out} ({manifest.summary()})")
    from sakip.controls import write_demo_scenario

    typer.echo(f"Skenario kontrol demo (persetujuan, kunci periode) untuk run-year: "
               f"{write_demo_scenario(get_settings(), year, seed)}")


def _demo_progress(progress, done: int, total: int) -> None:
    if done == 0:
        progress.start("unit demo", total)
    else:
        progress.advance("unit demo", 1)


@app.command()
def validate(file: Annotated[Path, typer.Argument()],
             feedback: Annotated[Optional[Path], typer.Option("--feedback", help="Tulis salinan workbook bertanda")] = None,
             as_json: Annotated[bool, typer.Option("--json", help="Cetak hasil sebagai JSON")] = False,
             plan: Annotated[Optional[Path], typer.Option("--plan", help="Workbook rencana unit (untuk laporan bulanan)")] = None) -> None:
    """Memeriksa satu workbook secara luring, sama seperti saat dikirim. Keluar 0 bila diterima, 1 bila ditolak."""
    from flows.intake import validate_offline

    for given, what in ((file, "Berkas"), (plan, "Berkas rencana (--plan)")):
        if given is not None and not given.is_file():
            problem = "adalah folder, bukan berkas" if given.is_dir() else "tidak ditemukan"
            typer.echo(f"{what} '{given}' {problem}. Periksa nama dan lokasi berkas .xlsx yang akan diperiksa.",
                       err=True)
            raise typer.Exit(code=2)
    result, data = validate_offline(file, plan)
    if feedback is not None:
        from sinks.feedback import write_feedback_workbook

        write_feedback_workbook(file, result, feedback, data=data)
    if as_json:
        from sinks.feedback import feedback_json

        typer.echo(json.dumps(feedback_json(result, file.name), ensure_ascii=False, indent=2, default=str))
    else:
        _echo_problems(file, result)
    raise typer.Exit(code=1 if result.verdict == "rejected" else 0)


def _echo_problems(file: Path, result) -> None:
    labels = {"accepted": "DITERIMA", "accepted_with_warnings": "DITERIMA DENGAN PERINGATAN", "rejected": "DITOLAK"}
    typer.echo(f"{file.name}: {labels.get(result.verdict, result.verdict)}")
    for p in result.problems.to_dict("records"):
        where = "/".join(str(x) for x in (p.get("sheet"), p.get("cell")) if x not in (None, "") and x == x)
        typer.echo(f"  [{p['severity']}] {where}: {p['message']}")


@app.command("plan")
def plan_cmd(year: Annotated[int, typer.Option("--year")], policy: PolicyOption = None) -> None:
    """Memuat rencana tahunan semua unit dari kotak masuk (aman diulang)."""
    from flows.select import select_files

    settings = get_settings()
    _require_policy(settings, year, policy)
    _finish(_run_files(select_files(settings, "rencana", year), policy))


@app.command()
def collect(period: Annotated[str, typer.Option("--period", help="YYYY-MM")], policy: PolicyOption = None,
            late: Annotated[bool, typer.Option("--late/--no-late", help="Juga muat berkas susulan dan koreksi "
                                               "bulan-bulan sebelumnya yang belum diproses")] = True) -> None:
    """Mengumpulkan laporan bulanan satu periode dari kotak masuk, beserta berkas susulan/koreksi (aman diulang)."""
    from flows.select import select_collection

    year, month = _parse(periods.parse_period, period)
    settings = get_settings()
    _require_policy(settings, year, policy)
    _finish(_run_files(select_collection(_engine(), settings, year, month, late), policy))


def _finish(outcomes) -> None:
    """Print the outcomes; exit 1 when every file of the run failed to be processed (not a success)."""
    _echo_outcomes(outcomes)
    if outcomes and all(o.status == "gagal" for o in outcomes):
        typer.echo("Gagal: tidak satu berkas pun dapat diproses; lihat log untuk penyebabnya.", err=True)
        raise typer.Exit(code=1)


def _require_policy(settings, year: int, policy: Path | None) -> None:
    from flows.derive import PolicyMissing, require_scoring_policy

    try:
        require_scoring_policy(settings, year, policy)
    except PolicyMissing as error:
        _fail(error)


def _fail(error: Exception) -> NoReturn:
    """An operator's mistake or a refused action: its Indonesian message, exit 1, no traceback."""
    typer.echo(f"Gagal: {error.args[0] if error.args else error}", err=True)
    raise typer.Exit(code=1) from error


def _parse(parser, text: str):
    try:
        return parser(text)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error


@app.command()
def backfill(first: Annotated[int, typer.Option("--from")], last: Annotated[int, typer.Option("--to")],
             policy: PolicyOption = None) -> None:
    """Memuat ulang rentang tahun: rencana lalu bulan 1-12 setiap tahun, dalam satu jalan (skor tiap unit-tahun
    dihitung sekali)."""
    from flows.select import select_years

    settings = get_settings()
    for year in range(first, last + 1):
        _require_policy(settings, year, policy)
    _finish(_run_files(select_years(settings, first, last), policy))


@app.command("run-year")
def run_year(year: Annotated[int, typer.Option("--year")], policy: PolicyOption = None,
             reports: Annotated[bool, typer.Option("--reports/--no-reports")] = True) -> None:
    """Pekerjaan utama setahun: rencana, 12 bulan, lalu laporan triwulan per unit dan nasional (tahun demo: juga
    skenario kontrol persetujuan dan kunci periode yang ditulis sakip demo)."""
    backfill(year, year, policy)
    _demo_controls(year, policy)
    if reports:
        from flows import reports as report_steps

        engine, settings = _engine(), get_settings()
        jobs = [job for quarter in range(1, 5)
                for job in report_steps.report_jobs(engine, settings, year, quarter, refresh_stale=quarter == 4)]
        _build_reports(list(dict.fromkeys(jobs)))  # a stale report of an earlier quarter is listed once


def _demo_controls(year: int, policy: Path | None) -> None:
    """A demo year (``sakip demo`` left its scenario in the output folder): play the control scenario."""
    from flows.select import select_files
    from sakip import controls

    settings = get_settings()
    if not controls.demo_scenario_path(settings, year).is_file():
        return

    def collect_month() -> list:
        outcomes = _run_files(select_files(settings, "bulanan", year, controls.DEMO_MONTH), policy)
        _echo_outcomes([o for o in outcomes if o.status != "duplicate"])
        return outcomes

    for line in controls.play_demo_scenario(settings, year, collect_month):
        typer.echo(line)


@app.command()
def report(quarter: Annotated[str, typer.Option("--quarter", help="YYYY-Qn")],
           unit: Annotated[Optional[str], typer.Option("--unit")] = None,
           national: Annotated[bool, typer.Option("--national", help="Buku nasional Kinerja BPOM Dalam Angka "
                                                                     "triwulan itu")] = False,
           all_units: Annotated[bool, typer.Option("--all", help="Semua unit yang triwulannya lengkap")] = False,
           force: Annotated[bool, typer.Option("--force", help="Buat laporan unit walaupun data triwulan belum "
                                                              "lengkap (laporan memuat catatannya)")] = False) -> None:
    """Laporan Kinerja Interim Triwulan (Word + PDF) untuk satu unit, semua unit, dan/atau nasional."""
    from flows import reports as report_steps

    year, q = _parse(periods.parse_quarter, quarter)
    settings, engine = get_settings(), _engine()
    if not unit and not all_units and not national:
        raise typer.BadParameter("sebutkan --unit KODE, --all atau --national")
    codes = [_unit_code(unit)] if unit else (None if all_units else [])
    if unit and not force and (gaps := report_steps.report_quarter_gaps(engine, codes[0], year, q)):
        typer.echo(f"Data {codes[0]} {periods.quarter_label(q)} {year} belum lengkap: {'; '.join(gaps)}. Laporan "
                   "tidak dibuat; kirim dan muat data tersebut, atau gunakan --force untuk membuat laporan dengan "
                   "catatan data belum lengkap.", err=True)
        raise typer.Exit(code=1)
    # --all also rebuilds every existing report whose data changed, as the report flow does
    _build_reports(report_steps.report_jobs(engine, settings, year, q, codes, national, refresh_stale=all_units))


def _build_reports(jobs) -> None:
    """Reports built in parallel worker processes (progress bars), one line each; exit 1 if any failed."""
    from flows import reports as report_steps
    from flows import run
    from flows.runners import Failed, local_runner
    from sakip.progress import bars, summary

    settings = get_settings()
    runner = local_runner(settings.workers)
    from sinks.warehouse.db import WarehouseBusy

    try:
        with bars() as progress:
            results = run.build_reports(_engine(), settings, jobs, runner, progress)
    except WarehouseBusy as error:
        _busy(error)
    finally:
        runner.close()
    failed = 0
    for job, result in zip(jobs, results):
        if isinstance(result, Failed):
            failed += 1
            typer.echo(f"GAGAL {job.label}: {result}", err=True)
        else:
            typer.echo(report_steps.describe_report(result))
    reused = sum(1 for r in results if not isinstance(r, Failed) and r.reused)
    summary("Laporan", {"dibuat": len(results) - failed - reused, "tidak berubah": reused, "gagal": failed})
    if failed:
        raise typer.Exit(code=1)


@app.command()
def override(unit: Annotated[str, typer.Option("--unit")], year: Annotated[int, typer.Option("--year")],
             month: Annotated[int, typer.Option("--month", min=1, max=12)],
             indicator: Annotated[str, typer.Option("--indicator")],
             value: Annotated[float, typer.Option("--value", help="Capaian (%) pengganti")],
             reason: Annotated[str, typer.Option("--reason")], by: Annotated[str, typer.Option("--by")],
             policy: PolicyOption = None) -> None:
    """Mencatat penyesuaian capaian manual (dengan alasan dan pelaku) lalu menghitung ulang skor unit."""
    from flows import run
    from sinks.warehouse.db import WarehouseBusy

    try:
        override_id = run.add_override(_engine(), get_settings(), _unit_code(unit), year, month, indicator, value,
                                       reason, by, policy)
    except ValueError as error:
        _fail(error)
    except WarehouseBusy as error:
        _busy(error)
    typer.echo(f"Penyesuaian #{override_id} dicatat dan skor {unit} {year} dihitung ulang.")


@app.command()
def rescore(year: Annotated[int, typer.Option("--year")],
            units: Annotated[Optional[list[str]], typer.Option("--unit", help="Batasi ke unit ini (boleh berulang)")] = None,
            policy: PolicyOption = None) -> None:
    """Menghitung ulang skor yang sudah dimuat dengan kebijakan penilaian yang berlaku sekarang.

    Perlu dijalankan setelah berkas kebijakan diganti (--policy) atau diubah di reference/policies:
    berkas yang sudah dimuat tidak dimuat ulang, jadi skornya baru berubah lewat perintah ini."""
    from flows.derive import rescore as derive_again

    from sinks.warehouse.db import WarehouseBusy

    codes = [_unit_code(u) for u in units] if units else None
    try:
        rows = derive_again(_engine(), get_settings(), year, codes, policy)
    except (ValueError, KeyError) as error:
        _fail(error)
    except WarehouseBusy as error:
        _busy(error)
    for row in rows:
        typer.echo(f"{row['unit_code']:12s} {row['year']} kebijakan {row['policy_id']}: {row['rows']} baris dihitung ulang")
    typer.echo(f"Ringkasan: {len(rows)} unit-tahun dihitung ulang" if rows else f"Tidak ada rencana {year} di gudang data.")


@app.command()
def watch() -> None:
    """Mencatat isi kotak masuk sekarang (kapan tiap berkas pertama terlihat); jalankan berkala, mis. tiap 10 menit."""
    from flows.run import record_inbox  # not flows.watch: the CLI runs without Prefect

    typer.echo(f"Kotak masuk dicatat: {record_inbox(_engine(), get_settings())} berkas.")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Membuat/memperbarui skema gudang data ke versi terbaru dan mengisi dimensi."""
    _engine()
    typer.echo("Gudang data mutakhir.")


@db_app.command("dictionary")
def db_dictionary(output: Annotated[Path, typer.Option("-o", "--output")] = Path("docs/data-dictionary.md")) -> None:
    """Menulis kamus data (tabel, view, kolom) dari skema."""
    from sinks.warehouse.dictionary import write_data_dictionary

    typer.echo(f"Kamus data ditulis: {write_data_dictionary(output)}")


@db_app.command("bi-role")
def db_bi_role(role: str = "sakip_bi",
               statement_timeout: Annotated[str, typer.Option("--statement-timeout",
                                                              help="Batas waktu satu kueri BI, mis. 60s")] = "60s") -> None:
    """Membuat peran baca-saja untuk alat BI (PostgreSQL), dengan batas waktu per kueri."""
    from sinks.warehouse.roles import create_bi_role

    create_bi_role(_engine(), role=role, statement_timeout=statement_timeout)
    typer.echo(f"Peran {role} siap.")


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
