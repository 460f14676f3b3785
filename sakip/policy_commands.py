"""``sakip policy …``: scoring-policy files as the planning bureau works with them.

- ``sakip policy check FILE``: what the policy does (cap, weights, bands, NA labels, efficiency) and
  every problem found, in Indonesian; exit 1 when there is an error (``reference.policy_check``).
- ``sakip policy show --year Y --unit KODE``: the policy in force for a unit-year and where it comes
  from (the index's year entry or a unit override, the file, its ``extends`` chain), read from
  ``SAKIP_POLICY_DIR`` (``sakip.settings``).

``sakip/cli.py`` mounts :data:`policy_app` as ``sakip policy``. The policy modules are imported inside
the commands (they pull in pandas) so that ``sakip --help`` stays fast, as in ``sakip/cli.py``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sakip.settings import get_settings

policy_app = typer.Typer(help="Kebijakan penilaian (reference/policies): memeriksa berkas, melihat yang berlaku.",
                         no_args_is_help=True)


def _echo_check(summary: list[str], problems: list[str]) -> int:
    """Print the summary and every problem; the number of errors."""
    from reference.policy_check import ERROR, NOTE, WARNING, is_error  # pandas: kept off `sakip --help`

    for line in summary:
        typer.echo(line)
    if problems:
        typer.echo("")
        typer.echo("Masalah:")
        for line in problems:
            typer.echo(f"- {line}")
    counts = {kind: sum(line.startswith(f"{kind}:") for line in problems) for kind in (ERROR, WARNING, NOTE)}
    typer.echo("")
    typer.echo(f"Ringkasan: {counts[ERROR]} kesalahan, {counts[WARNING]} peringatan, {counts[NOTE]} catatan"
               if problems else "Ringkasan: tidak ada masalah.")
    return sum(map(is_error, problems))


@policy_app.command("check")
def check(file: Annotated[Path, typer.Argument(help="Berkas kebijakan (YAML), mis. "
                                                   "reference/policies/sakip_2024.yaml")]) -> None:
    """Memeriksa berkas kebijakan: ringkasan isinya dan setiap masalah (keluar 1 bila ada kesalahan)."""
    from reference.policy_check import check_policy  # pandas: kept off `sakip --help`

    _, problems, summary = check_policy(file)
    errors = _echo_check(summary, problems)
    if errors:
        typer.echo(f"Gagal: {file} memuat {errors} kesalahan; perbaiki sebelum dipakai (docs/policies.md).", err=True)
        raise typer.Exit(code=1)


@policy_app.command("show")
def show(year: Annotated[int, typer.Option("--year", help="Tahun kinerja")],
         unit: Annotated[str, typer.Option("--unit", help="Kode Satker, mis. BPOM-KPG")]) -> None:
    """Kebijakan yang berlaku untuk satu unit pada satu tahun, dan asalnya (indeks, berkas, rantai extends)."""
    from reference.master import resolve_unit  # pandas: kept off `sakip --help`
    from reference.policy import PolicyFileError, policy_source
    from reference.policy_check import check_policy

    code = resolve_unit(unit)
    if code is None:
        raise typer.BadParameter(f"unit {unit!r} tidak dikenal; gunakan Kode Satker, mis. BPOM-KPG", param_hint="--unit")
    folder = get_settings().policy_dir
    try:
        source = policy_source(code, year, folder)
    except (KeyError, PolicyFileError) as error:
        typer.echo(f"Gagal: {error.args[0] if error.args else error}", err=True)
        raise typer.Exit(code=1) from error
    rule = (f"unit_overrides (unit {code}, tahun {year})" if source.rule == "unit_overrides"
            else f"years: {year} (bawaan tahun itu untuk semua unit tanpa unit_overrides)")
    typer.echo(f"Unit {code}, tahun {year}")
    typer.echo(f"Ditetapkan oleh: {source.index}, {rule}")
    typer.echo(f"Berkas: {source.file}")
    typer.echo("Rantai extends: " + (" → ".join(p.name for p in source.chain) if len(source.chain) > 1
                                     else "tidak ada (berkas berdiri sendiri)"))
    typer.echo("")
    policy, problems, summary = check_policy(source.file)
    _echo_check(summary, problems)
    if policy is None:
        typer.echo(f"Gagal: {source.file.name} tidak dapat dimuat; skor unit ini tidak dapat dihitung.", err=True)
        raise typer.Exit(code=1)
