"""``sakip follow-up``: mark a value flagged as an outlier as checked, with a reason and who checked it.

A unit's data steward (``--role steward``) or the centre (``--role centre``, the default) confirms that a value the
intake flagged against the unit's own history is right. The mark is audited
(``audit_outlier_followup``: the value, the reason, who, when); the same value sent again is shown in
the feedback as checked ("sudah diperiksa oleh ...: alasan"), not as a fresh warning, and
``v_outlier`` shows it as ``checked``. A different value is a fresh warning again.

The value is named by where it is in the unit-month's current file (``--sheet Anggaran --cell D9``),
or for an indicator by its code (``--indicator IKU-IPP``). ``sakip/cli.py`` registers :func:`follow_up`
as ``sakip follow-up``; heavy imports stay inside the command (``sakip --help`` stays fast).
"""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from sakip.settings import get_settings


def follow_up(
    unit: Annotated[str, typer.Option("--unit", help="Kode Satker, mis. BPOM-KPG")],
    period: Annotated[str, typer.Option("--period", help="Periode laporan bulanan, YYYY-MM")],
    reason: Annotated[str, typer.Option("--reason", help="Mengapa nilai itu benar")],
    by: Annotated[str, typer.Option("--by", help="Nama pemeriksa")],
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Lembar nilai itu, mis. Anggaran")] = None,
    cell: Annotated[Optional[str], typer.Option("--cell", help="Sel nilai itu, mis. D9")] = None,
    indicator: Annotated[Optional[str], typer.Option("--indicator", help="Atau: kode indikator (lembar Kinerja)")] = None,
    role: Annotated[str, typer.Option("--role", help="steward (pengelola data unit) atau centre (Pusat)")] = "centre",
) -> None:
    """Menandai nilai pencilan sebagai sudah diperiksa (dengan alasan dan pemeriksa); tercatat di audit."""
    from reference.master import resolve_unit
    from sakip.periods import parse_period
    from sinks.warehouse.db import open_warehouse
    from sinks.warehouse.outliers import FollowUpError, add_followup

    code = resolve_unit(unit)
    if code is None:
        raise typer.BadParameter(f"unit {unit!r} tidak dikenal; gunakan Kode Satker, mis. BPOM-KPG", param_hint="--unit")
    try:
        year, month = parse_period(period)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--period") from error
    if indicator is None and (sheet is None or cell is None):
        raise typer.BadParameter("sebutkan --sheet dan --cell, atau --indicator", param_hint="--sheet/--cell")
    try:
        ids = add_followup(open_warehouse(get_settings().warehouse_url), code, year, month, reason, by, role=role,
                           sheet=sheet, cell=cell, indicator=indicator)
    except FollowUpError as error:
        typer.echo(f"Gagal: {error.args[0]}", err=True)
        raise typer.Exit(code=1) from error
    what = f"indikator {indicator}" if indicator else f"{sheet} {cell}"
    typer.echo(f"Tindak lanjut #{', #'.join(map(str, ids))} dicatat: {code} {year}-{month:02d} {what} sudah diperiksa "
               f"oleh {by}. Nilai yang sama tidak lagi dilaporkan sebagai peringatan baru.")
