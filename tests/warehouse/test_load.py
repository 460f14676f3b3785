"""Stores: one transaction per file, idempotent, versioned, raw facts only; rejected files audit only;
overrides. Every accepted store marks its unit-year for deriving (``unit_year_state.raw_seq``) in the
same transaction; deriving is a later step (``tests/warehouse/test_derived.py``)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from sinks.warehouse import derived, load, read
from sinks.warehouse import schema as s

from .synthetic import (
    DERIVED_TABLES, FACT_TABLES, IDENTITY, UNIT, YEAR, counts, derive, month_meta, monthly_frames, plan_frames,
    plan_meta, raw_seq, snapshot, state,
)

ERROR = {"rule_id": "KIN-REQ", "severity": "error", "sheet": "Kinerja", "row": 4, "column": "Realisasi",
         "cell": "B4", "value": "", "message": "Realisasi wajib diisi", "expected": "angka"}
WARNING = {"rule_id": "KIN-KENDALA", "severity": "warning", "sheet": "Kinerja", "row": 3.0, "column": "Kendala",
           "cell": "F3", "value": None, "message": "Kendala kosong", "expected": "uraian kendala"}


def load_plan(engine: Engine, tag: str = "v1", **kw) -> load.LoadResult:
    return load.load_plan(engine, plan_frames(**kw), plan_meta(tag), "accepted", None, identity=IDENTITY)


def load_month(engine: Engine, month: int = 1, tag: str = "v1", **kw) -> load.LoadResult:
    return load.load_monthly(engine, monthly_frames(month, **kw), month_meta(month, tag), "accepted_with_warnings",
                             [WARNING])


def rows(engine: Engine, table, *where, order=None) -> list:
    with engine.connect() as conn:
        stmt = select(table).where(*where).order_by(*(order or table.primary_key.columns))
        return conn.execute(stmt).mappings().all()


def inputs(engine: Engine) -> read.UnitYearInputs:
    """What deriving the unit-year reads now."""
    with engine.connect() as conn:
        return read.unit_year_inputs(conn, UNIT, YEAR)


def test_plan_and_month_store_every_raw_table_and_mark_the_unit_year(engine: Engine) -> None:
    plan = load_plan(engine)
    month = load_month(engine)
    assert (plan.status, plan.version, month.status, month.version) == ("loaded", 1, "loaded", 1)
    assert plan.rows == {"plan_header": 1, "plan_sasaran": 2, "plan_indicator": 3, "plan_target": 36,
                         "plan_budget": 3, "plan_rpd": 36}
    assert month.rows == {"fact_indicator_month": 3, "fact_budget_month": 3, "fact_sampling": 2,
                          "fact_inspection": 2, "fact_enforcement": 1}
    n = counts(engine)
    assert {name: n[name] for name in (*plan.rows, *month.rows)} == {**plan.rows, **month.rows}
    assert {name: n[name] for name in FACT_TABLES if name not in {*plan.rows, *month.rows}} == dict.fromkeys(
        DERIVED_TABLES + ["fact_reporting_status"], 0)  # a store derives nothing
    assert (n["audit_submission"], n["audit_problem"]) == (2, 1)
    assert state(engine) == {(UNIT, YEAR): (2, None)}  # two raw changes, never derived
    assert derived.stale_unit_years(engine) == [(UNIT, YEAR)]

    header = rows(engine, s.plan_header)[0]
    assert (header["dipa_number"], str(header["pk_date"]), header["submission_id"]) == (
        IDENTITY["dipa_number"], "2023-01-10", plan.submission_id)
    indicators = rows(engine, s.plan_indicator)
    assert {(r["indicator_code"], r["sk_code"], r["indicator_order"], r["is_iku"]) for r in indicators} == {
        ("IKU-OBAT-MS", "SK.1", 1, True), ("IKU-MAKANAN-MS", "SK.1", 2, True), ("KPG-LOKAL-1", "SK.2", 1, False)}
    assert [r["sk_order"] for r in rows(engine, s.plan_sasaran)] == [1, 2]
    blank = rows(engine, s.plan_target, s.plan_target.c.indicator_code == "IKU-MAKANAN-MS", s.plan_target.c.month == 2)
    assert blank[0]["target"] is None
    assert {r["expense_type"] for r in rows(engine, s.fact_budget_month)} == {"52", "53"}
    sampling = rows(engine, s.fact_sampling)
    assert [(r["commodity"], r["sampled"], r["ms"]) for r in sampling] == [("OBAT", 110, 93), ("PANGAN", 50, 45)]
    assert str(rows(engine, s.fact_enforcement)[0]["stage_date"]) == "2023-01-15"

    local = rows(engine, s.dim_indicator, s.dim_indicator.c.indicator_code == "KPG-LOKAL-1")[0]
    assert (local["in_catalogue"], local["defined_by_unit"], local["first_year"], local["measurement"]) == (
        False, UNIT, YEAR, "cumulative")
    assert rows(engine, s.dim_ro, s.dim_ro.c.ro_code == "KPG.901")[0]["kro_code"] == "KPG"

    problem = rows(engine, s.audit_problem)[0]
    assert (problem["submission_id"], problem["problem_no"], problem["row"], problem["column"]) == (
        month.submission_id, 1, 3, "Kendala")
    audit = rows(engine, s.audit_submission, s.audit_submission.c.submission_id == month.submission_id)[0]
    assert (audit["verdict"], audit["period_key"], audit["n_warnings"], audit["is_current"]) == (
        "accepted_with_warnings", 202301, 1, True)


def test_loading_the_same_files_again_changes_nothing(engine: Engine) -> None:
    first = [load_plan(engine), load_month(engine), load_month(engine, 2)]
    derive(engine)
    before = snapshot(engine)
    again = [load_plan(engine), load_month(engine), load_month(engine, 2)]
    assert [r.status for r in again] == ["unchanged"] * 3
    assert [r.submission_id for r in again] == [r.submission_id for r in first]
    assert snapshot(engine) == before  # unit_year_state too: an identical file marks nothing
    assert state(engine) == {(UNIT, YEAR): (3, 3)} and derived.stale_unit_years(engine) == []


def test_a_new_version_replaces_the_month_and_deriving_reads_only_it(engine: Engine) -> None:
    load_plan(engine)
    v1 = load_month(engine, 1, "v1", realisasi_obat=90.0)
    other = load_month(engine, 2, "v1")
    derive(engine)
    month2 = snapshot(engine, ["fact_indicator_month"])["fact_indicator_month"]
    v2 = load.load_monthly(engine, monthly_frames(1, realisasi_obat=96.6), month_meta(1, "v2", note="koreksi"),
                           "accepted", None)
    assert (v2.status, v2.version, v2.superseded) == ("loaded", 2, v1.submission_id)
    assert state(engine) == {(UNIT, YEAR): (4, 3)}  # stored, not derived yet

    a = s.audit_submission
    old, new = rows(engine, a, a.c.submission_id.in_([v1.submission_id, v2.submission_id]))
    assert (old["is_current"], old["superseded_by"], new["is_current"], new["version"]) == (
        False, v2.submission_id, True, 2)
    facts = rows(engine, s.fact_indicator_month, s.fact_indicator_month.c.month == 1)
    assert {r["submission_id"] for r in facts} == {v2.submission_id}
    assert [r["realisasi"] for r in facts if r["indicator_code"] == "IKU-OBAT-MS"] == [96.6]
    # month 2 is untouched
    after = snapshot(engine, ["fact_indicator_month"])["fact_indicator_month"]
    assert [r for r in after if r[2] == 2] == [r for r in month2 if r[2] == 2]

    seen = inputs(engine)
    assert set(seen.indicator_month["submission_id"]) == {v2.submission_id, other.submission_id}
    assert set(seen.submissions["submission_id"]) >= {v1.submission_id, v2.submission_id}
    c = s.fact_capaian_month
    where = (c.c.indicator_code == "IKU-OBAT-MS", c.c.month == 1)
    assert rows(engine, c, *where)[0]["capaian_raw_pct"] == pytest.approx(90.0 / 92 * 100)  # until derived
    derive(engine)
    capaian = rows(engine, c, *where)[0]
    assert capaian["capaian_raw_pct"] == pytest.approx(96.6 / 92 * 100)
    assert capaian["quarter"] == 1

    # the old file arriving again is a no-op: version 2 stays current, nothing to derive
    before = snapshot(engine)
    again = load_month(engine, 1, "v1", realisasi_obat=90.0)
    assert (again.status, again.submission_id) == ("unchanged", v1.submission_id)
    assert snapshot(engine) == before
    assert derived.stale_unit_years(engine) == []


def test_a_plan_revision_replaces_the_plan_and_keeps_the_months(engine: Engine) -> None:
    v1 = load_plan(engine)
    load_month(engine)
    derive(engine)
    months = snapshot(engine, ["fact_indicator_month", "fact_budget_month"])
    v2 = load.load_plan(engine, plan_frames(drop_indicator="KPG-LOKAL-1"), plan_meta("v2", note="revisi PK"),
                        "accepted", None, identity={**IDENTITY, "revision_note": "revisi PK"})
    assert (v2.version, v2.superseded, v2.rows["plan_indicator"], v2.rows["plan_target"]) == (2, v1.submission_id, 2, 24)
    assert rows(engine, s.plan_header)[0]["revision_note"] == "revisi PK"
    assert {r["submission_id"] for r in rows(engine, s.plan_target)} == {v2.submission_id}
    assert snapshot(engine, ["fact_indicator_month", "fact_budget_month"]) == months
    assert derived.stale_unit_years(engine) == [(UNIT, YEAR)]
    assert len(inputs(engine).plan_indicator) == 2
    derive(engine)
    capaian = rows(engine, s.fact_capaian_month)
    assert {r["indicator_code"] for r in capaian} == {"IKU-OBAT-MS", "IKU-MAKANAN-MS"}


def test_a_rejected_file_writes_audit_rows_only(engine: Engine) -> None:
    load_plan(engine)
    good = load_month(engine)
    derive(engine)
    facts = snapshot(engine, [*FACT_TABLES, "unit_year_state"])
    result = load.load_monthly(engine, monthly_frames(1, realisasi_obat=1.0), month_meta(1, "bad"), "rejected",
                               pd.DataFrame([ERROR, WARNING]))
    assert result.status == "rejected"
    assert snapshot(engine, [*FACT_TABLES, "unit_year_state"]) == facts  # nothing to derive either
    assert derived.stale_unit_years(engine) == []
    a = s.audit_submission
    bad = rows(engine, a, a.c.submission_id == result.submission_id)[0]
    assert (bad["verdict"], bad["version"], bad["is_current"], bad["n_errors"], bad["n_warnings"]) == (
        "rejected", None, False, 1, 1)
    assert rows(engine, a, a.c.submission_id == good.submission_id)[0]["is_current"] is True
    assert [p["rule_id"] for p in rows(engine, s.audit_problem, s.audit_problem.c.submission_id == bad["submission_id"])] \
        == ["KIN-REQ", "KIN-KENDALA"]
    # the same rejected file again: same id, nothing new
    audit = snapshot(engine, ["audit_submission", "audit_problem"])
    again = load.record_submission(engine, month_meta(1, "bad"), "rejected", [ERROR, WARNING])
    assert again == result.submission_id
    assert snapshot(engine, ["audit_submission", "audit_problem"]) == audit


def test_an_unreadable_rejected_file_is_still_audited(engine: Engine) -> None:
    meta = load.SubmissionMeta("BPOM-KPG", None, None, None, "kupang.xlsx", "0" * 64, 10,
                               pd.Timestamp("2023-02-08T10:00:00+07:00").to_pydatetime())
    submission_id = load.record_submission(engine, meta, "rejected", [ERROR])
    assert load.record_submission(engine, meta, "rejected", [ERROR]) == submission_id
    assert state(engine) == {}  # no year: no unit-year to mark
    row = rows(engine, s.audit_submission, s.audit_submission.c.submission_id == submission_id)[0]
    assert (row["kind"], row["year"], row["period_key"], row["n_errors"]) == (None, None, None, 1)
    assert row["received_at"].replace(tzinfo=None).isoformat() == "2023-02-08T03:00:00"  # stored in UTC


def test_errors_with_an_accepting_verdict_are_refused(engine: Engine) -> None:
    load_plan(engine)
    before = snapshot(engine)
    with pytest.raises(ValueError, match="rejected"):
        load.load_monthly(engine, monthly_frames(1), month_meta(1), "accepted", [ERROR])
    assert snapshot(engine) == before


def _unknown_commodity(_monkeypatch: pytest.MonkeyPatch) -> dict[str, pd.DataFrame]:
    frames = monthly_frames(1, realisasi_obat=96.6)
    return {**frames, "Sampling": frames["Sampling"].assign(commodity=["OBAT", "TIDAK-ADA"])}


def _marking_fails(monkeypatch: pytest.MonkeyPatch) -> dict[str, pd.DataFrame]:
    def broken(*_args) -> None:
        raise RuntimeError("mark failed")

    monkeypatch.setattr(load, "mark_raw_changed", broken)
    return monthly_frames(1, realisasi_obat=96.6)


@pytest.mark.parametrize(("failure", "error"), [
    pytest.param(_unknown_commodity, IntegrityError, id="a fact the warehouse refuses, after the audit rows"),
    pytest.param(_marking_fails, RuntimeError, id="marking the unit-year fails, after the facts"),
])
def test_a_failing_store_rolls_the_whole_store_back(engine: Engine, monkeypatch: pytest.MonkeyPatch, failure,
                                                    error) -> None:
    """A new version of a month fails half-way: the audit, the old version's facts and the unit-year's
    mark are exactly as before (the mark is part of the store's transaction)."""
    plan = load_plan(engine)
    v1 = load_month(engine)
    derive(engine)
    before = snapshot(engine)
    frames = failure(monkeypatch)
    with pytest.raises(error):
        load.load_monthly(engine, frames, month_meta(1, "v2"), "accepted", None)
    assert snapshot(engine) == before
    a = s.audit_submission
    assert [(r["submission_id"], r["is_current"]) for r in rows(engine, a)] == [
        (plan.submission_id, True), (v1.submission_id, True)]
    assert derived.stale_unit_years(engine) == []


def _refused(action) -> None:
    with pytest.raises(ValueError):
        action()


def test_raw_seq_counts_every_accepted_store_override_and_withdrawal_only(engine: Engine) -> None:
    ids: dict[str, int] = {}
    steps = [
        ("a plan", lambda: load_plan(engine), 1),
        ("the same plan again", lambda: load_plan(engine), 1),
        ("a month", lambda: load_month(engine), 2),
        ("a rejected month", lambda: load.load_monthly(engine, monthly_frames(2), month_meta(2, "bad"), "rejected",
                                                       [ERROR]), 2),
        ("a rejected file recorded", lambda: load.record_submission(engine, month_meta(3, "bad"), "rejected",
                                                                    [ERROR]), 2),
        ("the same month again", lambda: load_month(engine), 2),
        ("a new version of the month", lambda: load_month(engine, 1, "v2", realisasi_obat=95.0), 3),
        ("an override", lambda: ids.setdefault("first", load.add_override(
            engine, UNIT, YEAR, 1, "IKU-OBAT-MS", 100.0, "uji ulang", "Kasubag")), 4),
        ("an override refused (month only rejected)", lambda: _refused(lambda: load.add_override(
            engine, UNIT, YEAR, 2, "IKU-OBAT-MS", 100.0, "uji ulang", "Kasubag")), 4),
        ("a file refused (errors, accepting verdict)", lambda: _refused(lambda: load.load_monthly(
            engine, monthly_frames(2), month_meta(2), "accepted", [ERROR])), 4),
        ("an override replacing the first", lambda: ids.setdefault("second", load.add_override(
            engine, UNIT, YEAR, 1, "IKU-OBAT-MS", 99.0, "koreksi", "Kepala")), 5),
        ("a withdrawal", lambda: load.withdraw_override(engine, ids["second"], "Kepala"), 6),
    ]
    for what, action, expected in steps:
        action()
        assert raw_seq(engine) == expected, what
    assert state(engine) == {(UNIT, YEAR): (6, None)}  # only the unit-year stored to; never derived


def test_overrides_are_audited_replaced_and_withdrawn(derived_quarter_one: Engine) -> None:
    engine = derived_quarter_one
    c = s.fact_capaian_month
    where = (c.c.month == 1, c.c.indicator_code == "IKU-MAKANAN-MS")
    raw = rows(engine, c, *where)[0]["capaian_raw_pct"]
    assert raw == pytest.approx(80 / 85 * 100)
    seq = raw_seq(engine)

    first = load.add_override(engine, UNIT, YEAR, 1, "IKU-MAKANAN-MS", 100.0, "data lab terlambat", "Kasubag")
    second = load.add_override(engine, UNIT, YEAR, 1, "IKU-MAKANAN-MS", 98.5, "koreksi", "Kepala")
    assert raw_seq(engine) == seq + 2 and derived.stale_unit_years(engine) == [(UNIT, YEAR)]
    assert (rows(engine, c, *where)[0]["capaian_pct"], rows(engine, c, *where)[0]["override_id"]) == (raw, None)
    assert list(inputs(engine).overrides["override_id"]) == [second]
    derive(engine)
    row = rows(engine, c, *where)[0]
    assert (row["capaian_pct"], row["override_id"], row["capaian_raw_pct"]) == (98.5, second, raw)
    o = s.audit_capaian_override
    audit = rows(engine, o)
    assert [(r["override_id"], r["active"], r["deactivated_by"]) for r in audit] == [
        (first, False, "Kepala"), (second, True, None)]

    load.withdraw_override(engine, second, "Kepala")
    assert raw_seq(engine) == seq + 3 and inputs(engine).overrides.empty
    derive(engine)
    row = rows(engine, c, *where)[0]
    assert (row["capaian_pct"], row["override_id"]) == (raw, None)
    before = snapshot(engine)
    with pytest.raises(ValueError):
        load.add_override(engine, UNIT, YEAR, 1, "IKU-MAKANAN-MS", 100.0, " ", "Kepala")
    with pytest.raises(KeyError):
        load.withdraw_override(engine, 999, "Kepala")
    assert snapshot(engine) == before


@pytest.mark.parametrize(("month", "indicator", "message"), [
    pytest.param(1, "IKU-TIDAK-ADA", "tidak ada dalam rencana BPOM-KPG 2023", id="indicator outside the plan"),
    pytest.param(3, "IKU-OBAT-MS", "belum ada laporan bulanan BPOM-KPG 2023-03", id="month never reported"),
    pytest.param(2, "IKU-OBAT-MS", "belum ada laporan bulanan BPOM-KPG 2023-02", id="month only rejected"),
])
def test_an_override_that_would_never_apply_is_refused(engine: Engine, month: int, indicator: str,
                                                       message: str) -> None:
    load_plan(engine)
    load_month(engine)
    load.record_submission(engine, month_meta(2, "bad"), "rejected", [ERROR])
    before = snapshot(engine)
    with pytest.raises(ValueError, match=message):
        load.add_override(engine, UNIT, YEAR, month, indicator, 100.0, "alasan", "Kepala")
    assert snapshot(engine) == before  # unit_year_state too: nothing marked
    assert rows(engine, s.audit_capaian_override) == []


def test_lookups(engine: Engine) -> None:
    plan = load_plan(engine)
    load_month(engine, 1, "v1")
    v2 = load_month(engine, 1, "v2", realisasi_obat=95.0)
    current = load.current_submissions(engine, UNIT, YEAR)
    assert list(current["submission_id"]) == [plan.submission_id, v2.submission_id]
    assert str(current["received_at"].dt.tz) == "UTC"
    found = load.submission_by_hash(engine, month_meta(1, "v2").file_hash)
    assert (found["submission_id"], found["version"]) == (v2.submission_id, 2)
    assert load.submission_by_hash(engine, "f" * 64) is None


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"kind": "tahunan"}, id="an unknown kind"),
        pytest.param({"file_hash": "not-a-hash"}, id="a hash that is not sha256 hex"),
        pytest.param({"kind": "rencana", "month": 3}, id="a plan with a month"),
        pytest.param({"month": 13}, id="month 13"),
    ],
)
def test_submission_meta_refuses_nonsense(kwargs) -> None:
    base = dict(unit_code=UNIT, kind="bulanan", year=YEAR, month=1, file_name="f.xlsx", file_hash="a" * 64,
                size_bytes=1, received_at=pd.Timestamp("2023-02-01").to_pydatetime())
    with pytest.raises(ValueError):
        load.SubmissionMeta(**{**base, **kwargs})


def test_concurrent_stores_of_one_unit_year_are_serialised(engine: Engine) -> None:
    """Four stores of a new unit-year at once, two of them versions of the same month: the versions
    are 1 and 2 with one current, every store is counted (the first one creates the state row),
    nothing fails on a race."""
    load_plan(engine)  # the plan of 2023 adds the unit's own indicator code the months report
    year = YEAR + 1
    jobs = [(1, "v1"), (1, "v2"), (2, "v1"), (3, "v1")]
    barrier = Barrier(len(jobs))

    def run(job: tuple[int, str]) -> load.LoadResult:
        month, tag = job
        barrier.wait()
        return load.load_monthly(engine, monthly_frames(month), month_meta(month, tag, year=year), "accepted", None)

    with ThreadPoolExecutor(len(jobs)) as pool:
        results = list(pool.map(run, jobs))
    assert [r.status for r in results] == ["loaded"] * 4
    a = s.audit_submission
    january = rows(engine, a, a.c.period_key == year * 100 + 1, order=[a.c.version])
    assert [(r["version"], r["is_current"]) for r in january] == [(1, False), (2, True)]
    assert january[0]["superseded_by"] == january[1]["submission_id"]
    current = {1: january[1]["submission_id"], 2: results[2].submission_id, 3: results[3].submission_id}
    facts = rows(engine, s.fact_indicator_month, s.fact_indicator_month.c.year == year)
    assert {(r["month"], r["submission_id"]) for r in facts} == set(current.items())
    assert state(engine)[(UNIT, year)] == (4, None)
