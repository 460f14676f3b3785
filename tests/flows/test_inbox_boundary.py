"""The inbox boundary: links out of the inbox, files outside every unit folder, and what counts as
already handled (it belongs to the sender), through the real collection."""
from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

import kupang
from flows.select import select_files
from runs import collect, settings_for

SQLITE = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
TODAY = date(2023, 7, 11)


def _problems(outcome) -> set[str]:
    return {p["rule_id"] for p in json.loads(Path(outcome.feedback_json).read_text(encoding="utf-8"))["problems"]}


@pytest.fixture
def planned(engine, tmp_path):
    """Kupang's plan loaded; the inbox holds Kupang's June report too."""
    settings = settings_for(engine, tmp_path)
    kupang.write_kupang_inbox(settings.inbox, months=range(6, 7))
    assert [o.status for o in collect(engine, settings, select_files(settings, "rencana", 2023), today=TODAY)] == \
        ["loaded"]
    return engine, settings


@SQLITE
def test_a_link_out_of_the_inbox_is_refused_and_never_read_or_archived(planned, tmp_path):
    engine, settings = planned
    secret = tmp_path / "outside" / "secret.xlsx"
    secret.parent.mkdir()
    secret.write_bytes(b"not for the pipeline")
    link = settings.inbox / kupang.UNIT / f"{kupang.UNIT}_2023-05.xlsx"
    os.symlink(secret, link)
    os.symlink(secret.parent, settings.inbox / "LOKA-BMS")  # a whole unit folder linked out
    outcomes = {o.file_name: o for o in collect(engine, settings, select_files(settings, "bulanan", 2023, 5),
                                                today=TODAY)}
    assert outcomes[link.name].status == "rejected" and _problems(outcomes[link.name]) == {"file_is_link"}
    assert outcomes["LOKA-BMS"].status == "rejected" and _problems(outcomes["LOKA-BMS"]) == {"file_is_link"}
    archived = [p.name for p in settings.out.rglob("*")  # feedback and the collection's digests aside
                if p.is_file() and not {"umpan-balik", "digest"} & set(p.parts)]
    assert archived == [f"{p.name}" for p in (settings.out / "diterima").rglob("*_rencana.xlsx")], \
        "nothing of a link is kept: the plan's copy is the only archive"
    assert all(b"not for the pipeline" not in p.read_bytes() for p in settings.out.rglob("*") if p.is_file())


@SQLITE
def test_a_file_outside_every_unit_folder_is_refused_and_quarantined_then_loads_from_its_folder(planned):
    engine, settings = planned
    june = settings.inbox / kupang.UNIT / f"{kupang.UNIT}_2023-06.xlsx"
    stray = settings.inbox / june.name
    shutil.move(june, stray)
    first = collect(engine, settings, select_files(settings, "bulanan", 2023, 6), today=TODAY)
    assert [(o.status, o.unit_folder) for o in first] == [("rejected", None)]
    assert _problems(first[0]) == {"file_outside_unit_folder"}
    assert (settings.out / "ditolak" / "_tanpa-folder" / f"{first[0].sha256[:8]}_{stray.name}").read_bytes() == \
        stray.read_bytes()
    shutil.move(stray, june)  # the steward sends the same bytes through the unit's folder
    again = collect(engine, settings, select_files(settings, "bulanan", 2023, 6), today=TODAY)
    assert [o.status for o in again] == ["loaded"], "a refusal for the channel does not make the bytes a duplicate"


@SQLITE
def test_another_units_copy_of_a_report_is_its_own_rejection_and_never_makes_the_genuine_one_a_duplicate(planned):
    engine, settings = planned
    june = settings.inbox / kupang.UNIT / f"{kupang.UNIT}_2023-06.xlsx"
    copy = settings.inbox / "LOKA-BMS" / june.name
    copy.parent.mkdir()
    shutil.copy2(june, copy)
    outcomes = {o.unit_folder: o for o in collect(engine, settings, select_files(settings, "bulanan", 2023, 6),
                                                  today=TODAY)}
    assert outcomes[kupang.UNIT].status == "loaded"
    assert outcomes["LOKA-BMS"].status == "rejected" and "unit_mismatch_folder" in _problems(outcomes["LOKA-BMS"])
    assert outcomes["LOKA-BMS"].unit_code == "LOKA-BMS", "audited as the sender's submission"
    again = {o.unit_folder: o.status for o in collect(engine, settings, select_files(settings, "bulanan", 2023, 6),
                                                      today=TODAY)}
    assert again == {kupang.UNIT: "duplicate", "LOKA-BMS": "duplicate"}
