"""The period lock through the real pipeline (SQLite and PostgreSQL): a file for a locked month is rejected
with its Indonesian reason in the steward's feedback and the audit, judged on when the pipeline first saw
it (never the modification time), until the centre grants a lock exception; then the same file loads.

The Kupang warehouse (``kupang_copy``) was loaded by the warehouse's very first listing: its initial load,
which the lock does not judge. A correction written now is years past the 2023 lock (90 days by default).
"""
from __future__ import annotations

import json
import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

import kupang
from flows import controls
from flows.select import select_files
from runs import collect
from sakip import periods
from sakip.settings import Settings
from sinks.templates import write_workbook


def _settings(copy, **extra) -> Settings:
    return Settings(warehouse_url=copy.url, inbox=copy.inbox, out=copy.out, **extra)


def _correction(settings: Settings, month: int, suffix: str = "_rev1") -> Path:
    """A correction of a Kupang month (its kendala changed; the suffix makes each one's content new)."""
    identity, frames = kupang.monthly_workbook(month)
    kinerja = frames["Kinerja"]
    frames["Kinerja"] = kinerja.assign(kendala=kinerja["kendala"].where(kinerja.index != kinerja.index[0],
                                                                         f"Koreksi setelah verifikasi{suffix}"))
    identity = {**identity, "revision_note": "Koreksi kendala setelah verifikasi"}
    path = settings.inbox / kupang.UNIT / f"{kupang.UNIT}_2023-{month:02d}{suffix}.xlsx"
    write_workbook("bulanan", identity, frames, path)
    back = datetime(2023, month + 1, 5, 9, tzinfo=timezone.utc).timestamp()  # the sender back-dates it
    os.utime(path, (back, back))
    return path


def _errors(outcome) -> dict[str, str]:
    payload = json.loads(Path(outcome.feedback_json).read_text(encoding="utf-8"))
    return {p["rule_id"]: f"{p['message']} {p['expected']}" for p in payload["problems"] if p["severity"] == "error"}


def _run(engine, settings, month):
    return collect(engine, settings, select_files(settings, "bulanan", 2023, month))


def test_a_locked_month_is_rejected_on_first_sight_until_the_centre_grants_an_exception(kupang_copy):
    engine, copy = kupang_copy
    settings = _settings(copy)
    path = _correction(settings, 6)
    first = [o for o in _run(engine, settings, 6) if o.file_name == path.name]
    assert [o.status for o in first] == ["rejected"]
    errors = _errors(first[0])
    assert set(errors) == {"period_locked"}, errors  # back-dated mtime: judged on first sight all the same
    locked = periods.lock_start(2023, 6, settings.deadline_day, settings.lock_days)
    assert f"Periode Juni 2023 sudah dikunci sejak {locked:%d/%m/%Y}" in errors["period_locked"]
    assert "sakip unlock" in errors["period_locked"]
    with engine.connect() as conn:
        audited = conn.execute(text("SELECT p.rule_id FROM audit_problem p JOIN audit_submission s ON "
                                    "s.submission_id = p.submission_id WHERE s.file_name = :f AND p.severity = 'error'"),
                               {"f": path.name}).scalars().all()
    assert audited == ["period_locked"]

    # an exception for another month, or one expired, opens nothing
    controls.unlock(engine, settings, kupang.UNIT, 2023, 5, "Koreksi Mei", "Biro Perencanaan")
    assert [o.status for o in _run(engine, settings, 6) if o.file_name == path.name] == ["rejected"]
    with pytest.raises(controls.ControlRefused, match="sudah lewat"):
        controls.unlock(engine, settings, kupang.UNIT, 2023, 6, "x", "y", until=date(2024, 1, 1))
    with pytest.raises(controls.ControlRefused, match="alasan"):
        controls.unlock(engine, settings, kupang.UNIT, 2023, 6, "  ", "Biro Perencanaan")

    exception_id, until = controls.unlock(engine, settings, kupang.UNIT, 2023, 6, "Koreksi atas permintaan unit",
                                          "Biro Perencanaan")
    assert until == datetime.now(ZoneInfo(settings.timezone)).date() + timedelta(days=controls.DEFAULT_EXCEPTION_DAYS)
    again = [o for o in _run(engine, settings, 6) if o.file_name == path.name]
    assert [o.status for o in again] == ["loaded"], _errors(again[0]) if again else None
    with engine.connect() as conn:
        row = conn.execute(text("SELECT unit_code, year, month, reason, granted_by FROM control_lock_exception "
                                "WHERE exception_id = :i"), {"i": exception_id}).one()
        current = conn.execute(text("SELECT file_name FROM v_submission WHERE unit_code = :u AND month = 6 "
                                    "AND is_current"), {"u": kupang.UNIT}).scalar_one()
    assert tuple(row) == (kupang.UNIT, 2023, 6, "Koreksi atas permintaan unit", "Biro Perencanaan")
    assert current == path.name


def test_a_file_first_seen_while_the_month_is_open_is_not_locked_and_no_lock_when_switched_off(kupang_copy):
    engine, copy = kupang_copy
    path = _correction(_settings(copy), 5)
    off = [o for o in _run(engine, _settings(copy, lock_days=None), 5) if o.file_name == path.name]
    assert [o.status for o in off] == ["loaded"]
    # the same month, judged with a lock so long that May 2023 is still open today
    years = (date.today() - date(2023, 6, 10)).days + 30
    path = _correction(_settings(copy), 5, "_rev2")
    open_ = [o for o in _run(engine, _settings(copy, lock_days=years), 5) if o.file_name == path.name]
    assert [o.status for o in open_] == ["loaded"]
