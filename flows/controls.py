"""The data-quality controls, composed: granting a lock exception, taking an approval step, and the control
errors of the files a collection prepares. No Prefect here; the rules are ``transforms.controls``, the
storage ``sinks.warehouse.controls``.

Every control action takes the warehouse-wide ``intake`` run lock (``db.run_lock``): a collection holds it
from listing the inbox to storing its last file, so a file is never judged against a state that changes
before it is stored (an approval recorded between its check and its load).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.engine import Connection, Engine

from sakip import periods
from sakip.settings import Settings
from schemas.messages import problem
from sinks.warehouse import controls as store
from sinks.warehouse import db
from transforms import controls as rules

#: How long a lock exception lasts when ``--until`` is not given: two weeks from the day it is granted.
DEFAULT_EXCEPTION_DAYS = 14


class ControlRefused(ValueError):
    """A control action the rules do not allow; ``args[0]`` is the Indonesian reason."""


def _text(value: str | None, what: str) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ControlRefused(f"{what} wajib diisi")
    return text


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def local(value: object, tz: str) -> datetime | None:
    """A stored time (SQLite: naive UTC) in the reporting time zone; None when missing."""
    if value is None or (not isinstance(value, datetime) and pd.isna(value)):
        return None
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert(tz).to_pydatetime()


def unlock(engine: Engine, settings: Settings, unit_code: str, year: int, month: int, reason: str, by: str,
           until: date | None = None, now: datetime | None = None) -> tuple[int, date]:
    """Grant a lock exception for a unit's month (audited): files of that month first seen by the pipeline
    up to ``until`` (default ``DEFAULT_EXCEPTION_DAYS`` from today) are taken despite the lock. Returns the
    exception's id and its last day."""
    reason, by = _text(reason, "alasan (--reason)"), _text(by, "nama pemberi (--by)")
    now = _now(now)
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    until = until or today + timedelta(days=DEFAULT_EXCEPTION_DAYS)
    if until < today:
        raise ControlRefused(f"tanggal berakhir {until:%d/%m/%Y} sudah lewat; beri tanggal hari ini atau sesudahnya")
    if date(year, month, 1) > today:
        raise ControlRefused(f"periode {periods.month_name(month)} {year} belum dimulai, belum ada yang dikunci")
    with db.run_lock(engine, "intake"):
        return store.add_exception(engine, unit_code, year, month, reason, by, now, until), until


def take_step(engine: Engine, settings: Settings, unit_code: str, year: int, quarter: int, step: str, by: str,
              role: str, reason: str | None = None, now: datetime | None = None) -> int:
    """Record an approval step of a unit's quarter when ``transforms.controls.step_refusal`` allows it (else
    ``ControlRefused`` with the reason). Returns the step's id."""
    if step not in rules.STEPS:
        raise ControlRefused(f"langkah '{step}' tidak dikenal; pilih {', '.join(rules.STEPS)}")
    if role not in rules.ROLES:
        raise ControlRefused(f"peran '{role}' tidak dikenal; pilih {', '.join(rules.ROLES)}")
    by = _text(by, "nama pelaku (--by)")
    reason = " ".join(str(reason).split()) if reason else None
    with db.run_lock(engine, "intake"):
        with engine.connect() as conn:
            loaded = store.months_loaded(conn, unit_code, year, periods.months_of(quarter))

        def check(events: pd.DataFrame) -> None:
            refusal = rules.step_refusal(events, step, by, role, reason, loaded)
            if refusal:
                raise ControlRefused(f"{unit_code} {periods.quarter_label(quarter)} {year}: {refusal}")

        return store.add_step(engine, unit_code, year, quarter, step, by, role, reason, _now(now), check=check)


def control_problems(conn: Connection, settings: Settings, files: Sequence[dict]) -> list[list[dict]]:
    """The control errors (period lock, quarter under approval) of each file of a batch, as problems.

    ``files``: dicts with ``unit_code`` (the sender), ``kind``, ``year``, ``month``, ``file_name``,
    ``first_seen_at`` (when the pipeline first saw the file) and ``seen_after`` (the listing before; None
    for a warehouse's very first listing). Two reads for the whole batch."""
    out: list[list[dict]] = [[] for _ in files]
    frame = pd.DataFrame([{
        "pos": i, "unit_code": f.get("unit_code"), "kind": f.get("kind"),
        "year": f.get("year") if isinstance(f.get("year"), int) else None,
        "month": f.get("month") if isinstance(f.get("month"), int) else None,
        "seen": first.date() if (first := local(f.get("first_seen_at"), settings.timezone)) else None,
        "watched": first is not None and local(f.get("seen_after"), settings.timezone) is not None,
    } for i, f in enumerate(files)], columns=["pos", "unit_code", "kind", "year", "month", "seen", "watched"])
    frame = frame[frame["unit_code"].notna() & frame["year"].notna()]
    if frame.empty:
        return out
    units = sorted(set(frame["unit_code"]))
    states = rules.quarter_states(store.events_of(conn, units))
    blocks = rules.blocked_files(frame, states, store.exceptions_of(conn, units), settings.lock_days,
                                 settings.deadline_day)
    for block in blocks.to_dict("records"):
        pos = int(block["pos"])
        out[pos].append(_problem(block, files[pos], settings))
    return out


def _day(value: object) -> str:
    return pd.Timestamp(value).strftime("%d/%m/%Y")


def _problem(block: dict, file: dict, settings: Settings) -> dict:
    name = file.get("file_name")
    if block["rule_id"] == "period_locked":
        return problem("period_locked", file=name,
                       period=f"{periods.month_name(int(block['month']))} {int(block['year'])}",
                       locked_from=_day(block["lock_start"]), lock_days=settings.lock_days,
                       deadline=_day(block["deadline"]), seen=_day(block["seen"]))
    state = str(block["state"])
    at = local(block["state_at"], settings.timezone)
    return problem("quarter_frozen", file=name, quarter=periods.quarter_label(int(block["quarter"])),
                   year=int(block["year"]), state=rules.STATE_LABELS[state], by=block["state_by"],
                   at=at.strftime("%d/%m/%Y") if at else "-", what=" rencana" if file.get("kind") == "rencana" else "",
                   who="Pusat" if state == rules.APPROVED else "pengelola data atau Pusat")
