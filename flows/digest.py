"""After a collection: a digest for every unit whose files were handled, and one for the centre.

No Prefect here. ``flows.run.collect`` calls :func:`send_digests` once the run's files are stored, derived
and the completeness refreshed (never from inside intake). What it reads: the run's outcomes, the top
problems of its files (``audit_problem``), what each unit still owes (``v_reporting_completeness``) and, when
that table exists, the outliers flagged in the run's files (``audit_outlier``). It composes the digests
(``sinks.digest``), writes them under ``<out>/digest/<run time>/`` always, sends them when SMTP is set, and
records each in ``control_digest``. A failing mail server never fails the collection: the run gets an
Indonesian note instead.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from flows.intake import FileOutcome
from reference import master
from sakip import periods
from sakip.settings import Settings
from sinks import digest as mail
from sinks.warehouse import controls as store
from sinks.warehouse import schema as s
from sinks.warehouse.records import read_frame
from sinks.warehouse.views import read_view

LOG = logging.getLogger(__name__)
#: Problems quoted per rejected file (the feedback workbook has them all).
TOP_PROBLEMS = 5
STATUS_LABEL = {"loaded": "diterima", "rejected": "ditolak", "gagal": "gagal diproses"}
VERDICT_LABEL = {"accepted": "diterima", "accepted_with_warnings": "diterima dengan peringatan",
                 "rejected": "ditolak"}


@dataclass
class DigestRun:
    """What the digests of a run did: where they were written, how many were sent, notes for the summary."""

    folder: Path | None = None
    written: list[Path] = field(default_factory=list)
    sent: int = 0
    notes: list[str] = field(default_factory=list)


def _period(o: FileOutcome) -> str:
    if o.kind == "rencana":
        return f"Rencana Tahunan {o.year}"
    if o.year and o.month:
        return f"{periods.month_name(o.month)} {o.year}"
    return "periode tidak terbaca"


def _problems(engine: Engine, ids: Sequence[int]) -> pd.DataFrame:
    p = s.audit_problem
    with engine.connect() as conn:
        return read_frame(conn, sa.select(p.c.submission_id, p.c.problem_no, p.c.severity, p.c.message)
                          .where(p.c.submission_id.in_(sorted(set(ids)) or [-1]))
                          .order_by(p.c.submission_id, p.c.problem_no))


def _outliers(engine: Engine, ids: Sequence[int]) -> pd.DataFrame:
    """Outliers flagged in the run's files, per unit (empty when the outlier table does not exist)."""
    with engine.connect() as conn:
        if not ids or not sa.inspect(conn).has_table("audit_outlier"):
            return pd.DataFrame(columns=["unit_code", "n"])
        o = sa.table("audit_outlier", sa.column("submission_id"), sa.column("unit_code"))
        return read_frame(conn, sa.select(o.c.unit_code, sa.func.count().label("n"))
                          .where(o.c.submission_id.in_(sorted(set(ids)))).group_by(o.c.unit_code))


def _owed(engine: Engine, units: Sequence[str], years: Sequence[int]) -> pd.DataFrame:
    """Expected months not yet accepted, per unit (``v_reporting_completeness``)."""
    if not units or not years:
        return pd.DataFrame(columns=["unit_code", "unit_name", "year", "month", "received", "on_time"])
    rows = read_view(engine, "v_reporting_completeness", unit_code=list(units), year=list(years))
    return rows[rows["expected"].fillna(False).astype(bool) & ~rows["accepted"].fillna(False).astype(bool)]


def _late(engine: Engine, years: Sequence[int], today: date, deadline_day: int) -> pd.DataFrame:
    """Months of the run's years sent late, or still missing after their deadline, per unit."""
    if not years:
        return pd.DataFrame(columns=["unit_code", "unit_name", "year", "month", "received"])
    rows = read_view(engine, "v_reporting_completeness", year=list(years))
    rows = rows[rows["expected"].fillna(False).astype(bool)]
    months = rows[["year", "month"]].astype(int).drop_duplicates()
    past = {(y, m): periods.deadline(y, m, deadline_day) < today for y, m in zip(months["year"], months["month"])}
    due = pd.Series(pd.MultiIndex.from_frame(rows[["year", "month"]].astype(int)).map(past), index=rows.index,
                    dtype=bool)  # one deadline per month, not per unit-month
    received = rows["received"].fillna(False).astype(bool)
    return rows[(received & ~rows["on_time"].fillna(False).astype(bool)) | (~received & due)]


def _missing_line(row: dict, settings: Settings, today: date) -> str:
    year, month = int(row["year"]), int(row["month"])
    due = periods.deadline(year, month, settings.deadline_day)
    state = "ditolak, belum ada pengganti yang diterima" if row.get("received") else "belum diterima"
    line = f"{periods.month_name(month)} {year}: {state}; batas waktu {due:%d/%m/%Y}"
    if settings.lock_days is not None:
        locked = periods.lock_start(year, month, settings.deadline_day, settings.lock_days)
        line += f" (periode terkunci sejak {locked:%d/%m/%Y})" if locked <= today else \
            f"; dikunci mulai {locked:%d/%m/%Y}"
    return line


def unit_digests(outcomes: Sequence[FileOutcome], problems: pd.DataFrame, owed: pd.DataFrame,
                 contacts: pd.DataFrame, names: dict[str, str], settings: Settings, today: date,
                 run_label: str) -> list[mail.Digest]:
    """One digest per unit with handled files: accepted, rejected (top problems, feedback attached), owed."""
    out = []
    units = sorted({o.unit_code for o in outcomes if o.unit_code and o.status in STATUS_LABEL})
    for unit in units:
        mine = [o for o in outcomes if o.unit_code == unit and o.status in STATUS_LABEL]
        accepted = [f"{mail.one_line(o.file_name)} ({_period(o)}): {VERDICT_LABEL.get(o.verdict, o.verdict)}"
                    + (f", {o.n_warnings} peringatan" if o.n_warnings else "") for o in mine if o.status == "loaded"]
        rejected, attachments = [], []
        for o in (o for o in mine if o.status != "loaded"):
            why = problems[(problems["submission_id"] == o.submission_id) & (problems["severity"] == "error")]
            quoted = [f"{i}. {m}" for i, m in enumerate(why["message"].head(TOP_PROBLEMS), start=1)]
            more = f" (dan {len(why) - TOP_PROBLEMS} kesalahan lain)" if len(why) > TOP_PROBLEMS else ""
            what = "gagal diproses; Pusat sudah diberi tahu" if o.status == "gagal" else \
                f"ditolak, {o.n_errors} kesalahan{more}"
            rejected.append(f"{mail.one_line(o.file_name)} ({_period(o)}): {what}" +
                            ("".join(f"\n   {q}" for q in quoted)))
            if o.feedback_xlsx and Path(o.feedback_xlsx).is_file():
                attachments.append(Path(o.feedback_xlsx))
        missing = [_missing_line(r, settings, today) for r in owed[owed["unit_code"] == unit].to_dict("records")]
        sections = [mail.Section("Diterima", tuple(accepted) or ("Tidak ada.",))]
        if rejected:
            sections.append(mail.Section("Ditolak dan alasannya (umpan balik lengkap terlampir)", tuple(rejected)))
        sections.append(mail.Section("Masih kurang", tuple(missing) or ("Tidak ada: semua laporan yang diharapkan "
                                                                          "sudah diterima.",)))
        sections.append(mail.Section("Batas waktu", (
            f"Laporan bulanan dikirim paling lambat tanggal {settings.deadline_day} bulan berikutnya.",), False))
        name = names.get(unit, unit)
        counts = f"{len(accepted)} diterima, {len(rejected)} ditolak"
        recipients = tuple(contacts.loc[contacts["unit_code"] == unit, ["name", "email"]].itertuples(index=False,
                                                                                                    name=None))
        out.append(mail.Digest("unit", unit, f"[SAKIP] {unit} {name}: hasil pengumpulan {run_label} ({counts})",
                               f"Yth. Pengelola Data SAKIP {name},", tuple(sections), recipients,
                               tuple(attachments)))
    return out


def national_digest(outcomes: Sequence[FileOutcome], problems: pd.DataFrame, late: pd.DataFrame,
                    outliers: pd.DataFrame, contacts: pd.DataFrame, run_label: str) -> mail.Digest:
    """The centre's digest: files handled, rejected files with their first problem, late units, outliers."""
    handled = [o for o in outcomes if o.status in STATUS_LABEL]
    counts = {label: sum(o.status == status for o in handled) for status, label in STATUS_LABEL.items()}
    summary = [f"{len(handled)} berkas ditangani: " + ", ".join(f"{n} {label}" for label, n in counts.items())]
    rejected = []
    for o in (o for o in handled if o.status != "loaded"):
        first = problems.loc[(problems["submission_id"] == o.submission_id) & (problems["severity"] == "error"),
                             "message"].head(1).tolist()
        rejected.append(f"{o.unit_code or '(tanpa unit)'} {mail.one_line(o.file_name)} ({_period(o)}): "
                        + (first[0] if first else STATUS_LABEL[o.status]))
    late_lines = []
    if not late.empty:
        label = (late["month"].astype(int).map(periods.month_name) + " " + late["year"].astype(int).astype(str)
                 + late["received"].fillna(False).astype(bool).map({True: " (terlambat)", False: " (belum diterima)"}))
        per_unit = late.assign(_label=label).groupby("unit_code", sort=True).agg(
            unit_name=("unit_name", "first"), months=("_label", ", ".join))
        late_lines = [f"{unit} {name if isinstance(name, str) else ''}: {months}"
                      for unit, name, months in zip(per_unit.index, per_unit["unit_name"], per_unit["months"])]
    sections = [mail.Section("Ringkasan", tuple(summary)),
                mail.Section("Berkas ditolak", tuple(rejected) or ("Tidak ada.",)),
                mail.Section("Unit terlambat atau belum mengirim", tuple(late_lines) or ("Tidak ada.",))]
    if not outliers.empty:
        sections.append(mail.Section("Nilai pencilan (outlier) pada berkas yang diterima", tuple(
            f"{r['unit_code']}: {int(r['n'])} nilai" for r in outliers.sort_values("unit_code").to_dict("records"))))
    recipients = tuple(contacts.loc[contacts["unit_code"] == master.NATIONAL_CONTACT,
                                    ["name", "email"]].itertuples(index=False, name=None))
    return mail.Digest("national", None, f"[SAKIP] Ringkasan nasional pengumpulan {run_label}",
                       "Yth. Biro Perencanaan dan Keuangan,", tuple(sections), recipients)


def send_digests(engine: Engine, settings: Settings, outcomes: Sequence[FileOutcome], years: Sequence[int],
                 now: datetime | None = None) -> DigestRun:
    """Compose, write, send (when configured) and record the digests of a collection's ``outcomes``."""
    result = DigestRun()
    handled = [o for o in outcomes if o.status in STATUS_LABEL]
    if not handled:
        return result
    now = now or datetime.now(timezone.utc)
    here = now.astimezone(ZoneInfo(settings.timezone))
    label = f"{here:%d/%m/%Y %H:%M}"
    ids = [o.submission_id for o in handled if o.submission_id is not None]
    units = sorted({o.unit_code for o in handled if o.unit_code})
    contacts = master.unit_contacts()
    names = dict(zip(master.units()["code"], master.units()["name"]))
    problems = _problems(engine, ids)
    digests = unit_digests(handled, problems, _owed(engine, units, years), contacts, names, settings, here.date(),
                           label)
    digests.append(national_digest(handled, problems, _late(engine, years, here.date(), settings.deadline_day),
                                   _outliers(engine, ids), contacts, label))
    messages = [mail.message(d, settings.smtp_sender, here) for d in digests]
    result.folder = settings.out / "digest" / f"{here:%Y-%m-%d_%H%M%S}"
    result.written = [mail.write(m, d, result.folder) for m, d in zip(messages, digests)]
    statuses = mail.send_all(settings, messages)
    result.sent = sum(status == mail.SENT for status, _ in statuses)
    store.record_digests(engine, [
        {"run_at": now, "scope": d.scope, "unit_code": d.unit_code, "subject": m["Subject"],
         "recipients": ", ".join(email for _, email in d.recipients) or None, "status": status, "detail": detail,
         "eml_path": str(path)}
        for d, m, path, (status, detail) in zip(digests, messages, result.written, statuses)])
    failed = [d.stem for d, (status, _) in zip(digests, statuses) if status == mail.FAILED]
    if failed:
        detail = next(detail for status, detail in statuses if status == mail.FAILED)
        result.notes.append(f"Ringkasan e-mail gagal dikirim ke {len(failed)} penerima ({detail}); salinannya ada di "
                            f"{result.folder}.")
    elif not mail.configured(settings):
        result.notes.append(f"SMTP belum dikonfigurasi: ringkasan tidak dikirim lewat e-mail, hanya ditulis di "
                            f"{result.folder}.")
    return result
