"""``sakip unlock`` / ``sakip approve`` / ``sakip reopen``: the centre's and the units' control actions, and the
demo's control scenario (``sakip demo`` writes it, ``sakip run-year`` plays it).

Every action is recorded in the warehouse with who, when and why (``flows.controls``); a refused action
exits 1 with its Indonesian reason. Roles are names given with ``--role`` until the portal's accounts
carry them (who may take which step: ``transforms.controls.TRANSITIONS``, docs/decisions.md).
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer

from sakip import periods
from sakip.settings import Settings, get_settings

controls_app = typer.Typer()

UnitOption = Annotated[str, typer.Option("--unit", help="Kode Satker, mis. BPOM-KPG")]
QuarterOption = Annotated[str, typer.Option("--quarter", help="YYYY-Qn, mis. 2023-Q2")]
ByOption = Annotated[str, typer.Option("--by", help="Nama orang yang mengambil tindakan (dicatat)")]


def _engine():
    from sinks.warehouse.db import open_warehouse

    return open_warehouse(get_settings().warehouse_url)


def _unit(text: str) -> str:
    from reference.master import resolve_unit

    code = resolve_unit(text)
    if code is None:
        raise typer.BadParameter(f"unit {text!r} tidak dikenal; gunakan Kode Satker, mis. BPOM-KPG")
    return code


def _parse(parser: Callable, text: str):
    try:
        return parser(text)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error


def _refused(action: Callable):
    from flows.controls import ControlRefused

    try:
        return action()
    except ControlRefused as error:
        typer.echo(f"Ditolak: {error.args[0]}", err=True)
        raise typer.Exit(code=1) from error


@controls_app.command()
def unlock(unit: UnitOption, period: Annotated[str, typer.Option("--period", help="YYYY-MM")],
           reason: Annotated[str, typer.Option("--reason", help="Alasan membuka periode yang terkunci")], by: ByOption,
           until: Annotated[Optional[datetime], typer.Option("--until", formats=["%Y-%m-%d"],
                                                             help="Berlaku s.d. tanggal ini (bawaan: 14 hari)")] = None
           ) -> None:
    """Pengecualian kunci periode: berkas unit untuk bulan yang sudah terkunci diterima sampai tanggal --until."""
    from flows import controls

    code, (year, month) = _unit(unit), _parse(periods.parse_period, period)
    exception_id, last = _refused(lambda: controls.unlock(_engine(), get_settings(), code, year, month, reason, by,
                                                          until.date() if until else None))
    typer.echo(f"Pengecualian #{exception_id}: {code} {periods.month_name(month)} {year} dibuka s.d. "
               f"{last:%d/%m/%Y}; berkas yang sudah ditolak karena kunci dimuat pada pengumpulan berikutnya.")


@controls_app.command()
def approve(unit: UnitOption, quarter: QuarterOption,
            step: Annotated[str, typer.Option("--step", help="diajukan | diverifikasi | disetujui")], by: ByOption,
            role: Annotated[str, typer.Option("--role", help="unit (mengajukan) | steward (pengelola data, "
                                                             "memverifikasi) | centre (Pusat, menyetujui)")],
            note: Annotated[Optional[str], typer.Option("--note", help="Catatan (opsional)")] = None) -> None:
    """Langkah persetujuan data triwulan unit: Diajukan -> Diverifikasi -> Disetujui."""
    from flows import controls
    from transforms.controls import REOPENED, STATE_LABELS, STEPS

    if step not in STEPS or step == REOPENED:
        raise typer.BadParameter("--step diajukan, diverifikasi atau disetujui (membuka kembali: sakip reopen)")
    code, (year, q) = _unit(unit), _parse(periods.parse_quarter, quarter)
    event = _refused(lambda: controls.take_step(_engine(), get_settings(), code, year, q, step, by, role, note))
    typer.echo(f"Langkah #{event}: {code} {periods.quarter_label(q)} {year} kini '{STATE_LABELS[step]}' ({by}).")


@controls_app.command()
def reopen(unit: UnitOption, quarter: QuarterOption,
           reason: Annotated[str, typer.Option("--reason", help="Alasan membuka kembali (wajib)")], by: ByOption,
           role: Annotated[str, typer.Option("--role", help="centre (Pusat) | steward (sebelum disetujui)")] = "centre"
           ) -> None:
    """Membuka kembali data triwulan (dengan alasan) agar unit dapat mengirim koreksi."""
    from flows import controls
    from transforms.controls import REOPENED

    code, (year, q) = _unit(unit), _parse(periods.parse_quarter, quarter)
    event = _refused(lambda: controls.take_step(_engine(), get_settings(), code, year, q, REOPENED, by, role, reason))
    typer.echo(f"Langkah #{event}: {code} {periods.quarter_label(q)} {year} dibuka kembali ({by}): {reason}")


# ------------------------------------------------------------------------------------- demo scenario

#: The demo's control scenario: the unit, quarter and month it plays on (the first unit whose quarter is loaded).
DEMO_QUARTER, DEMO_MONTH = 1, 2


def demo_scenario_path(settings: Settings, year: int) -> Path:
    """Where ``sakip demo`` leaves the scenario for ``sakip run-year``: the pipeline's own output folder,
    which no unit writes to (never the inbox)."""
    return settings.out / "demo" / f"skenario-kontrol-{year}.json"


def write_demo_scenario(settings: Settings, year: int, seed: int) -> Path:
    """Record that ``year`` is a demo year (generated with ``seed``): run-year then plays the control scenario."""
    path = demo_scenario_path(settings, year)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"year": year, "seed": seed, "quarter": DEMO_QUARTER, "month": DEMO_MONTH}),
                    encoding="utf-8")
    return path


def play_demo_scenario(settings: Settings, year: int, collect: Callable[[], list]) -> list[str]:
    """The demo's controls after its year is loaded, as people would do them (lines to print):

    1. the unit submits its quarter, the data steward verifies it, the centre approves it;
    2. the unit sends a correction for a month of it: rejected (the quarter is approved and, years after
       the demo year, the month is locked) - its digest says why;
    3. the centre reopens the quarter with a reason and grants a lock exception for the month;
    4. the next collection loads the same file; the unit submits again and the quarter is approved again.

    ``collect()`` runs a collection (the CLI's, with its outcome lines). Played once: nothing happens when the
    quarter already has approval steps. Returns what happened, in Indonesian."""
    from demo.unit_year import unit_year
    from flows import controls
    from sinks.templates import template_name, write_workbook
    from sqlalchemy import select

    from sinks.warehouse import controls as store
    from sinks.warehouse import schema as s
    from transforms.controls import APPROVED, SUBMITTED, VERIFIED

    scenario = json.loads(demo_scenario_path(settings, year).read_text(encoding="utf-8"))
    quarter, month, engine = int(scenario["quarter"]), int(scenario["month"]), _engine()
    a = s.audit_submission
    with engine.connect() as conn:
        units = sorted(u for u in conn.execute(select(a.c.unit_code).distinct().where(
            a.c.year == year, a.c.is_current.is_(True))).scalars()
            if store.months_loaded(conn, u, year, periods.months_of(quarter)) == 3)
        if not units or not store.quarter_events(conn, units[0], year, quarter).empty:
            return []
    unit = units[0]
    label = f"{unit} {periods.quarter_label(quarter)} {year}"
    people = {SUBMITTED: (f"Kepala {unit}", "unit"), VERIFIED: ("Pengelola Data Pusat", "steward"),
              APPROVED: ("Kepala Biro Perencanaan dan Keuangan", "centre")}

    def approve_all() -> None:
        for step, (by, role) in people.items():
            controls.take_step(engine, settings, unit, year, quarter, step, by, role)

    lines = []
    approve_all()
    lines.append(f"Demo: {label} diajukan, diverifikasi dan disetujui.")
    content = unit_year(unit, year, int(scenario["seed"])).months[month]
    kinerja = content.frames["Kinerja"]
    note = "Koreksi kendala indikator pertama setelah verifikasi dokumen sumber"
    frames = {**content.frames, "Kinerja": kinerja.assign(kendala=kinerja["kendala"].where(
        kinerja.index != kinerja.index[0], "Data sumber diverifikasi ulang; realisasi tidak berubah"))}
    identity = {**content.identity, "revision_note": note, "sent_date": datetime.now().date()}
    path = settings.inbox / unit / template_name(unit, year, month).replace(".xlsx", "_koreksi-demo.xlsx")
    write_workbook("bulanan", identity, frames, path)
    first = [o for o in collect() if o.file_name == path.name]
    lines.append(f"Demo: koreksi {path.name} dikirim ke triwulan yang disetujui: {first[0].status if first else '-'}.")
    controls.take_step(engine, settings, unit, year, quarter, "dibuka_kembali", people[APPROVED][0], "centre",
                       f"Permintaan koreksi {periods.month_name(month)} dari unit")
    controls.unlock(engine, settings, unit, year, month, "Koreksi atas triwulan yang dibuka kembali",
                    people[APPROVED][0])
    second = [o for o in collect() if o.file_name == path.name]
    lines.append(f"Demo: {label} dibuka kembali, pengecualian kunci {periods.month_name(month)} diberikan; "
                 f"koreksi: {second[0].status if second else '-'}.")
    approve_all()
    lines.append(f"Demo: {label} diajukan, diverifikasi dan disetujui kembali.")
    return lines
