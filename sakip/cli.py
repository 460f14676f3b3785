"""``sakip``: the one command line of the pipeline.

Every command runs the same steps as the Prefect flows (``flows/steps.py``) but without a Prefect
server, so it works on a steward's laptop and in tests. Messages are in Indonesian: stewards and
the planning bureau read them. Heavy imports happen inside commands to keep ``--help`` fast.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from sakip import periods
from sakip.settings import get_settings

app = typer.Typer(help="Pipeline kinerja SAKIP BPOM: template, validasi, koleksi, skor, gudang data, laporan.",
                  no_args_is_help=True, add_completion=False)
template_app = typer.Typer(help="Menulis template workbook untuk unit.", no_args_is_help=True)
db_app = typer.Typer(help="Pemeliharaan gudang data.", no_args_is_help=True)
app.add_typer(template_app, name="template")
app.add_typer(db_app, name="db")

PolicyOption = Annotated[Optional[Path], typer.Option("--policy", help="Berkas kebijakan penilaian (YAML) pengganti.")]


def _echo_outcomes(outcomes) -> None:
    """One line per file and a closing count, as an operator reads it."""
    for o in outcomes:
        extra = f" ({o.n_errors} kesalahan, {o.n_warnings} peringatan)" if o.verdict else ""
        typer.echo(f"{o.status:10s} {o.file_name}{extra}")
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    typer.echo("Ringkasan: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "tidak ada berkas baru"))


def _engine():
    from flows import steps

    return steps.warehouse(get_settings().warehouse_url)


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
    from flows import steps
    from sinks.templates import monthly_template
    from sinks.warehouse import read

    code = _unit_code(unit)
    with _engine().connect() as conn:
        inputs = read.unit_year_inputs(conn, code, year)
    plan = steps.plan_frames(inputs) if not inputs.plan_indicator.empty else None
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

    manifest = generate_year(year, out, seed=seed, mistake_rate=mistake_rate, units=units)
    typer.echo(f"Data demo {year} ditulis ke {out} ({manifest.summary()})")


@app.command()
def validate(file: Annotated[Path, typer.Argument()],
             feedback: Annotated[Optional[Path], typer.Option("--feedback", help="Tulis salinan workbook bertanda")] = None,
             as_json: Annotated[bool, typer.Option("--json", help="Cetak hasil sebagai JSON")] = False,
             plan: Annotated[Optional[Path], typer.Option("--plan", help="Workbook rencana unit (untuk laporan bulanan)")] = None) -> None:
    """Memeriksa satu workbook secara luring, sama seperti saat dikirim. Keluar 0 bila diterima, 1 bila ditolak."""
    from flows.steps import validate_offline

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
    from flows import steps

    settings = get_settings()
    _require_policy(settings, year, policy)
    _echo_outcomes(steps.process_files(_engine(), steps.select_files(settings, "rencana", year), settings, policy))


@app.command()
def collect(period: Annotated[str, typer.Option("--period", help="YYYY-MM")], policy: PolicyOption = None,
            late: Annotated[bool, typer.Option("--late/--no-late", help="Juga muat berkas susulan dan koreksi "
                                               "bulan-bulan sebelumnya yang belum diproses")] = True) -> None:
    """Mengumpulkan laporan bulanan satu periode dari kotak masuk, beserta berkas susulan/koreksi (aman diulang)."""
    from flows import steps

    year, month = _parse(periods.parse_period, period)
    settings = get_settings()
    _require_policy(settings, year, policy)
    engine = _engine()
    _echo_outcomes(steps.process_files(engine, steps.select_collection(engine, settings, year, month, late), settings,
                                       policy))


def _require_policy(settings, year: int, policy: Path | None) -> None:
    from flows import steps

    try:
        steps.require_scoring_policy(settings, year, policy)
    except steps.PolicyMissing as error:
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
    """Memuat ulang rentang tahun: rencana lalu bulan 1-12 setiap tahun."""
    for year in range(first, last + 1):
        plan_cmd(year, policy)
        for month in range(1, 13):
            collect(f"{year}-{month:02d}", policy)


@app.command("run-year")
def run_year(year: Annotated[int, typer.Option("--year")], policy: PolicyOption = None,
             reports: Annotated[bool, typer.Option("--reports/--no-reports")] = True) -> None:
    """Pekerjaan utama setahun: rencana, 12 bulan, lalu laporan triwulan per unit dan nasional."""
    backfill(year, year, policy)
    if reports:
        for quarter in range(1, 5):
            report(quarter=f"{year}-Q{quarter}", unit=None, national=True, all_units=True)


@app.command()
def report(quarter: Annotated[str, typer.Option("--quarter", help="YYYY-Qn")],
           unit: Annotated[Optional[str], typer.Option("--unit")] = None,
           national: Annotated[bool, typer.Option("--national")] = False,
           all_units: Annotated[bool, typer.Option("--all", help="Semua unit yang triwulannya lengkap")] = False,
           force: Annotated[bool, typer.Option("--force", help="Buat laporan unit walaupun data triwulan belum "
                                                              "lengkap (laporan memuat catatannya)")] = False) -> None:
    """Laporan Kinerja Interim Triwulan (Word + PDF) untuk satu unit, semua unit, dan/atau nasional."""
    from flows import steps

    year, q = _parse(periods.parse_quarter, quarter)
    settings, engine = get_settings(), _engine()
    codes = [_unit_code(unit)] if unit else (steps.units_with_complete_quarter(engine, year, q) if all_units else [])
    if unit and not force and (gaps := steps.report_quarter_gaps(engine, codes[0], year, q)):
        typer.echo(f"Data {codes[0]} {periods.quarter_label(q)} {year} belum lengkap: {'; '.join(gaps)}. Laporan "
                   "tidak dibuat; kirim dan muat data tersebut, atau gunakan --force untuk membuat laporan dengan "
                   "catatan data belum lengkap.", err=True)
        raise typer.Exit(code=1)
    for code in codes:
        typer.echo(steps.describe_report(steps.build_unit_report(engine, settings, code, year, q)))
    if national:
        typer.echo(steps.describe_report(steps.build_national_report(engine, settings, year, q)))
    if not codes and not national:
        raise typer.BadParameter("sebutkan --unit KODE, --all atau --national")


@app.command()
def override(unit: Annotated[str, typer.Option("--unit")], year: Annotated[int, typer.Option("--year")],
             month: Annotated[int, typer.Option("--month", min=1, max=12)],
             indicator: Annotated[str, typer.Option("--indicator")],
             value: Annotated[float, typer.Option("--value", help="Capaian (%) pengganti")],
             reason: Annotated[str, typer.Option("--reason")], by: Annotated[str, typer.Option("--by")],
             policy: PolicyOption = None) -> None:
    """Mencatat penyesuaian capaian manual (dengan alasan dan pelaku) lalu menghitung ulang skor unit."""
    from flows import steps

    try:
        override_id = steps.add_override(_engine(), get_settings(), _unit_code(unit), year, month, indicator, value,
                                         reason, by, policy)
    except ValueError as error:
        _fail(error)
    typer.echo(f"Penyesuaian #{override_id} dicatat dan skor {unit} {year} dihitung ulang.")


@app.command()
def rescore(year: Annotated[int, typer.Option("--year")],
            units: Annotated[Optional[list[str]], typer.Option("--unit", help="Batasi ke unit ini (boleh berulang)")] = None,
            policy: PolicyOption = None) -> None:
    """Menghitung ulang skor yang sudah dimuat dengan kebijakan penilaian yang berlaku sekarang.

    Perlu dijalankan setelah berkas kebijakan diganti (--policy) atau diubah di reference/policies:
    berkas yang sudah dimuat tidak dimuat ulang, jadi skornya baru berubah lewat perintah ini."""
    from flows import steps

    codes = [_unit_code(u) for u in units] if units else None
    try:
        rows = steps.rescore(_engine(), get_settings(), year, codes, policy)
    except (ValueError, KeyError) as error:
        _fail(error)
    for row in rows:
        typer.echo(f"{row['unit_code']:12s} {row['year']} kebijakan {row['policy_id']}: {row['rows']} baris dihitung ulang")
    typer.echo(f"Ringkasan: {len(rows)} unit-tahun dihitung ulang" if rows else f"Tidak ada rencana {year} di gudang data.")


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
def db_bi_role(role: str = "sakip_bi") -> None:
    """Membuat peran baca-saja untuk alat BI (PostgreSQL)."""
    from sinks.warehouse.roles import create_bi_role

    create_bi_role(_engine(), role=role)
    typer.echo(f"Peran {role} siap.")


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
