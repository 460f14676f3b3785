"""The control actions from the Prefect UI (``sakip-kontrol-data``) and the inbox watcher
(``sakip-pantau-kotak-masuk``), run for real under Prefect's test harness on a copy of the Kupang warehouse;
and the period a scheduled collection takes when none is given (the month before today, reporting time zone).
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import kupang

pytestmark = [pytest.mark.prefect, pytest.mark.usefixtures("prefect_harness")]
UNIT = kupang.UNIT


def _rows(env: Path, sql: str) -> list[tuple]:
    engine = create_engine(f"sqlite:///{env / 'warehouse.sqlite'}")
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_the_control_flow_approves_reopens_and_unlocks_as_the_cli_does(kupang_env: Path):
    from flows.collect import control_action
    from flows.controls import ControlRefused

    for step, by, role in (("diajukan", "Ani", "unit"), ("diverifikasi", "Budi", "steward"),
                           ("disetujui", "Kepala Biro", "centre")):
        assert control_action("approve", UNIT, by, quarter="2023-Q2", step=step, role=role) > 0
    with pytest.raises(ControlRefused, match="triwulan hanya dapat dibuka kembali dengan alasan"):
        control_action("reopen", UNIT, "Kepala Biro", quarter="2023-Q2")
    reopened = control_action("reopen", UNIT, "Kepala Biro", quarter="2023-Q2", reason="Koreksi Mei")
    exception = control_action("unlock", UNIT, "Kepala Biro", period="2023-05", reason="Koreksi Mei",
                               until="2999-12-31")
    assert _rows(kupang_env, "SELECT event_id, step, actor, role, reason FROM control_quarter_event "
                             "ORDER BY event_id")[-1] == (reopened, "dibuka_kembali", "Kepala Biro", "centre",
                                                          "Koreksi Mei")
    assert [r[1] for r in _rows(kupang_env, "SELECT event_id, step FROM control_quarter_event")] == \
        ["diajukan", "diverifikasi", "disetujui", "dibuka_kembali"]
    assert _rows(kupang_env, "SELECT exception_id, month, valid_until FROM control_lock_exception") == \
        [(exception, 5, "2999-12-31")]


def test_the_control_flow_refuses_an_unknown_action_or_a_missing_period(kupang_env: Path):
    from flows.collect import control_action

    with pytest.raises(ValueError, match="tindakan 'hapus' tidak dikenal; pilih unlock, approve atau reopen"):
        control_action("hapus", UNIT, "Ani")
    with pytest.raises(ValueError, match="periode '' tidak valid"):
        control_action("unlock", UNIT, "Kepala Biro", reason="Koreksi")
    with pytest.raises(ValueError, match="langkah '' tidak dikenal"):
        control_action("approve", UNIT, "Ani", quarter="2023-Q2", role="unit")
    assert _rows(kupang_env, "SELECT count(*) FROM control_quarter_event") == [(0,)]
    assert _rows(kupang_env, "SELECT count(*) FROM control_lock_exception") == [(0,)]


def test_the_watcher_records_every_file_of_the_inbox_and_when_it_first_saw_it(kupang_env: Path):
    from flows.watch import watch_inbox

    scans = _rows(kupang_env, "SELECT count(*) FROM inbox_scan")[0][0]
    extra = kupang_env / "inbox" / "BBPOM-SBY" / "BBPOM-SBY_2023-06.xlsx"
    extra.parent.mkdir(parents=True)
    extra.write_bytes(b"PK\x03\x04")
    assert watch_inbox() == 8, "Kupang's plan and six months, and the new file"
    assert watch_inbox() == 8, "listing again finds the same files"
    assert [n for (n,) in _rows(kupang_env, "SELECT n_files FROM inbox_scan ORDER BY scan_id")][scans:] == [8, 8]
    new = _rows(kupang_env, "SELECT first_seen_at, seen_after FROM inbox_seen WHERE path LIKE '%BBPOM-SBY_2023-06.xlsx'")
    assert len(new) == 1 and new[0][1] is not None, "first seen by the first watch, after the run's earlier listing"


class _Clock(datetime):
    """``datetime`` whose ``now`` is a fixed instant (the scheduled run's "today")."""

    instant = datetime(2024, 3, 31, 17, 30, tzinfo=timezone.utc)  # already 1 April in Jakarta (UTC+7)

    @classmethod
    def now(cls, tz=None):
        return cls.instant.astimezone(tz) if tz else cls.instant


@pytest.mark.parametrize(("instant", "expected"), [
    (datetime(2024, 3, 31, 17, 30, tzinfo=timezone.utc), "2024-03"),  # 1 April 00:30 in Jakarta
    (datetime(2024, 3, 31, 16, 30, tzinfo=timezone.utc), "2024-02"),  # still 31 March in Jakarta
    (datetime(2024, 1, 5, 3, 0, tzinfo=timezone.utc), "2023-12"),  # January: December of the year before
])
def test_a_scheduled_collection_takes_the_month_before_today_in_the_reporting_time_zone(monkeypatch, instant,
                                                                                        expected):
    from flows import collect

    monkeypatch.setattr(_Clock, "instant", instant)
    monkeypatch.setattr(collect, "datetime", _Clock)
    assert collect.previous_month("Asia/Jakarta") == expected
