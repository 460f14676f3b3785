"""Collections on a SQLite warehouse: when a file is judged late, and which rejections are final.

Kupang's January 2023 workbooks (``tests/kupang.py``) are the submissions; file times are set the way
they would be in the inbox (the file's modification time is when it arrived)."""
from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import text

import kupang
from flows.intake import FileOutcome
from flows.select import select_collection, select_files
from runs import collect
from sakip.settings import Settings
from sinks.templates import write_workbook

JAKARTA = ZoneInfo("Asia/Jakarta")
SQLITE = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


def _arrived(path: Path, when: datetime) -> Path:
    """Give a file the modification time of its arrival in the inbox."""
    stamp = when.replace(tzinfo=JAKARTA).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def _settings(engine, tmp_path: Path) -> Settings:
    return Settings(warehouse_url=engine.url.render_as_string(hide_password=False), inbox=tmp_path / "inbox",
                    out=tmp_path / "out")


def _run(engine, settings: Settings, kind: str, month: int | None, today: date) -> list[FileOutcome]:
    return collect(engine, settings, select_files(settings, kind, kupang.YEAR, month), today=today)


def _rule_ids(outcome: FileOutcome) -> set[str]:
    payload = json.loads(Path(outcome.feedback_json).read_text(encoding="utf-8"))
    return {p["rule_id"] for p in payload["problems"] if p["severity"] == "error"}


def _write_january(settings: Settings, name: str, arrived: datetime, note: str | None = None) -> Path:
    identity, frames = kupang.monthly_workbook(1)
    identity = {**identity, "sent_date": arrived.date(), "revision_note": note}  # a new file, not a copy
    path = settings.inbox / kupang.UNIT / name
    write_workbook("bulanan", identity, frames, path)
    return _arrived(path, arrived)


@pytest.fixture
def plan_loaded(engine, tmp_path: Path) -> tuple:
    """Kupang's plan, on time, loaded (the inbox listed on 21 January)."""
    settings = _settings(engine, tmp_path)
    plan, = kupang.write_kupang_inbox(settings.inbox, months=range(1, 1))
    _arrived(plan, datetime(2023, 1, 20, 9))
    assert [o.status for o in _run(engine, settings, "rencana", None, date(2023, 1, 21))] == ["loaded"]
    return engine, settings


@SQLITE
@pytest.mark.parametrize("arrived, note, status, errors", [
    pytest.param(datetime(2023, 2, 10, 23, 30), None, "loaded", set(),
                 id="a correction that arrived on the deadline day is accepted without a note, though collected on day 11"),
    pytest.param(datetime(2023, 2, 11, 0, 30), None, "rejected", {"late_revision_without_note"},
                 id="a correction that arrived after the deadline in Jakarta (still the 10th in UTC) without a note is rejected"),
    pytest.param(datetime(2023, 2, 11, 0, 30), "Koreksi realisasi setelah verifikasi", "loaded", set(),
                 id="a late correction with a revision note is accepted"),
])
def test_a_correction_is_judged_late_by_its_arrival_not_by_the_collection_day(plan_loaded, arrived, note,
                                                                              status, errors):
    engine, settings = plan_loaded
    _write_january(settings, f"{kupang.UNIT}_2023-01.xlsx", datetime(2023, 2, 6, 9))
    _write_january(settings, f"{kupang.UNIT}_2023-01_rev1.xlsx", arrived, note)
    outcomes = _run(engine, settings, "bulanan", 1, date(2023, 2, 11))
    assert [o.status for o in outcomes] == ["loaded", status]
    assert _rule_ids(outcomes[1]) == errors


@SQLITE
def test_a_back_dated_correction_counts_as_arriving_after_the_listing_that_did_not_have_it(plan_loaded):
    """The sender sets a file's modification time: a correction put in the inbox after the day-11 run,
    back-dated to the deadline day, arrived no earlier than that run's listing (which did not have it)."""
    engine, settings = plan_loaded
    _write_january(settings, f"{kupang.UNIT}_2023-01.xlsx", datetime(2023, 2, 6, 9))
    assert [o.status for o in _run(engine, settings, "bulanan", 1, date(2023, 2, 11))] == ["loaded"]
    _write_january(settings, f"{kupang.UNIT}_2023-01_rev1.xlsx", datetime(2023, 2, 10, 9))  # back-dated, no note
    fresh = [o for o in _run(engine, settings, "bulanan", 1, date(2023, 2, 28)) if o.status != "duplicate"]
    assert [o.status for o in fresh] == ["rejected"]
    assert _rule_ids(fresh[0]) == {"late_revision_without_note"}


def _audit(engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text("SELECT file_name, verdict, version, is_current FROM audit_submission "
                                "WHERE kind = 'bulanan' ORDER BY submission_id"), conn)


@SQLITE
def test_a_file_rejected_only_because_the_plan_was_not_loaded_yet_is_loaded_once_the_plan_is(engine, tmp_path):
    settings = _settings(engine, tmp_path)
    kupang.write_kupang_inbox(settings.inbox, months=range(1, 2))
    early = _run(engine, settings, "bulanan", 1, date(2023, 2, 11))
    assert [o.status for o in early] == ["rejected"] and _rule_ids(early[0]) == {"plan_missing"}
    assert [o.status for o in _run(engine, settings, "rencana", None, date(2023, 2, 12))] == ["loaded"]

    again = _run(engine, settings, "bulanan", 1, date(2023, 2, 28))
    assert [o.status for o in again] == ["loaded"], "not a duplicate: only the timing was wrong"
    audit = _audit(engine)
    assert audit["verdict"].eq("rejected").tolist() == [True, False], "the audit keeps both records"
    assert audit["is_current"].astype(bool).tolist() == [False, True]
    assert [o.status for o in _run(engine, settings, "bulanan", 1, date(2023, 3, 11))] == ["duplicate"]


@SQLITE
@pytest.mark.parametrize("edit, rule", [
    pytest.param(lambda frames: frames["Kinerja"].assign(realisasi=frames["Kinerja"]["realisasi"].astype(object)
                                                          .mask(frames["Kinerja"].index == 0, "sembilan puluh")),
                 "number_invalid", id="a file that also had a wrong number stays rejected as a duplicate"),
])
def test_a_file_rejected_for_its_content_is_not_checked_again(engine, tmp_path, edit, rule):
    settings = _settings(engine, tmp_path)
    plan, _ = kupang.write_kupang_inbox(settings.inbox, months=range(1, 2))
    identity, frames = kupang.monthly_workbook(1)
    write_workbook("bulanan", identity, {**frames, "Kinerja": edit(frames)},
                   settings.inbox / kupang.UNIT / f"{kupang.UNIT}_2023-01.xlsx")
    early = _run(engine, settings, "bulanan", 1, date(2023, 2, 11))
    assert _rule_ids(early[0]) == {"plan_missing", rule}
    _run(engine, settings, "rencana", None, date(2023, 2, 12))
    assert [o.status for o in _run(engine, settings, "bulanan", 1, date(2023, 2, 28))] == ["duplicate"]
    assert _audit(engine)["verdict"].tolist() == ["rejected"]


@SQLITE
def test_a_file_rechecked_once_its_plan_arrived_and_rejected_for_its_content_is_audited_with_the_new_reason(
        engine, tmp_path):
    settings = _settings(engine, tmp_path)
    kupang.write_kupang_inbox(settings.inbox, months=range(1, 2))
    identity, frames = kupang.monthly_workbook(1)
    kinerja = frames["Kinerja"].assign(indicator_code=frames["Kinerja"]["indicator_code"]
                                       .mask(frames["Kinerja"].index == 0, "IKU-TIDAK-ADA"))
    write_workbook("bulanan", identity, {**frames, "Kinerja": kinerja},
                   settings.inbox / kupang.UNIT / f"{kupang.UNIT}_2023-01.xlsx")
    early = _run(engine, settings, "bulanan", 1, date(2023, 2, 11))
    assert _rule_ids(early[0]) == {"plan_missing"}
    _run(engine, settings, "rencana", None, date(2023, 2, 12))

    again = _run(engine, settings, "bulanan", 1, date(2023, 2, 28))
    assert [o.status for o in again] == ["rejected"] and "indicator_not_in_plan" in _rule_ids(again[0])
    with engine.connect() as conn:
        audited = pd.read_sql(text("SELECT s.submission_id, p.rule_id FROM audit_submission s JOIN audit_problem p "
                                   "ON p.submission_id = s.submission_id WHERE s.kind = 'bulanan' AND "
                                   "p.severity = 'error' ORDER BY s.submission_id"), conn)
    first, second = sorted(audited["submission_id"].unique())
    assert set(audited.loc[audited["submission_id"] == first, "rule_id"]) == {"plan_missing"}
    assert "indicator_not_in_plan" in set(audited.loc[audited["submission_id"] == second, "rule_id"])
    assert [o.status for o in _run(engine, settings, "bulanan", 1, date(2023, 3, 11))] == ["duplicate"]


@SQLITE
def test_a_later_collection_also_loads_a_correction_of_an_earlier_month_and_nothing_already_handled(engine, tmp_path):
    settings = _settings(engine, tmp_path)
    kupang.write_kupang_inbox(settings.inbox, months=range(1, 4))
    _run(engine, settings, "rencana", None, date(2023, 1, 21))
    for month in (1, 2, 3):
        _run(engine, settings, "bulanan", month, date(2023, month + 1, 11))
    assert select_collection(engine, settings, 2023, 4).empty, "every earlier file is handled: nothing late"
    _write_january(settings, f"{kupang.UNIT}_2023-01_rev1.xlsx", datetime(2023, 4, 20, 9), "Koreksi realisasi Januari")

    late = select_collection(engine, settings, 2023, 4)
    assert late["file_name"].tolist() == [f"{kupang.UNIT}_2023-01_rev1.xlsx"]
    assert select_collection(engine, settings, 2023, 4, late=False).empty
    outcomes = collect(engine, settings, late, today=date(2023, 5, 11))
    assert [(o.status, o.month) for o in outcomes] == [("loaded", 1)]
    audit = _audit(engine)
    january = audit[audit["file_name"].str.contains("_2023-01")]
    assert january.loc[january["is_current"].astype(bool), "file_name"].tolist() == [f"{kupang.UNIT}_2023-01_rev1.xlsx"]
    assert select_collection(engine, settings, 2023, 4).empty, "once loaded it is not late any more"


@SQLITE
def test_a_late_file_rejected_only_for_timing_is_collected_again_with_a_later_month(engine, tmp_path):
    settings = _settings(engine, tmp_path)
    kupang.write_kupang_inbox(settings.inbox, months=range(1, 2))
    assert [o.status for o in _run(engine, settings, "bulanan", 1, date(2023, 2, 11))] == ["rejected"]
    _run(engine, settings, "rencana", None, date(2023, 2, 12))
    late = select_collection(engine, settings, 2023, 2)
    assert late["file_name"].tolist() == [f"{kupang.UNIT}_2023-01.xlsx"]
    assert [o.status for o in collect(engine, settings, late, today=date(2023, 3, 11))] == ["loaded"]
