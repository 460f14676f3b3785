"""Loads: one transaction per file, idempotent, versioned; rejected files audit only; overrides."""
from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from sinks.warehouse import db, load
from sinks.warehouse import schema as s

from .synthetic import (
    FACT_TABLES, IDENTITY, UNIT, YEAR, StandIn, counts, month_meta, monthly_frames, plan_frames, plan_meta, snapshot,
)

ERROR = {"rule_id": "KIN-REQ", "severity": "error", "sheet": "Kinerja", "row": 4, "column": "Realisasi",
         "cell": "B4", "value": "", "message": "Realisasi wajib diisi", "expected": "angka"}
WARNING = {"rule_id": "KIN-KENDALA", "severity": "warning", "sheet": "Kinerja", "row": 3.0, "column": "Kendala",
           "cell": "F3", "value": None, "message": "Kendala kosong", "expected": "uraian kendala"}


def load_plan(engine: Engine, standin: StandIn, tag: str = "v1", **kw) -> load.LoadResult:
    return load.load_plan(engine, plan_frames(**kw), plan_meta(tag), "accepted", None, standin, identity=IDENTITY)


def load_month(engine: Engine, standin: StandIn, month: int = 1, tag: str = "v1", **kw) -> load.LoadResult:
    return load.load_monthly(engine, monthly_frames(month, **kw), month_meta(month, tag), "accepted_with_warnings",
                             [WARNING], standin)


def rows(engine: Engine, table, *where, order=None) -> list:
    with engine.connect() as conn:
        stmt = select(table).where(*where).order_by(*(order or table.primary_key.columns))
        return conn.execute(stmt).mappings().all()


def test_plan_and_month_load_every_table(engine: Engine, standin: StandIn) -> None:
    plan = load_plan(engine, standin)
    month = load_month(engine, standin)
    assert (plan.status, plan.version, month.status, month.version) == ("loaded", 1, "loaded", 1)
    assert plan.rows == {"plan_header": 1, "plan_sasaran": 2, "plan_indicator": 3, "plan_target": 36,
                         "plan_budget": 3, "plan_rpd": 36}
    assert month.rows == {"fact_indicator_month": 3, "fact_budget_month": 3, "fact_sampling": 2,
                          "fact_inspection": 2, "fact_enforcement": 1}
    n = counts(engine)
    assert {k: n[k] for k in month.derived_rows} == month.derived_rows
    assert month.derived_rows["fact_capaian_month"] == 3
    assert n["fact_score_quarter"] == 3 + 2 + 2 + 1
    assert (n["audit_submission"], n["audit_problem"]) == (2, 1)

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


def test_loading_the_same_files_again_changes_nothing(engine: Engine, standin: StandIn) -> None:
    first = [load_plan(engine, standin), load_month(engine, standin), load_month(engine, standin, 2)]
    before = snapshot(engine)
    again = [load_plan(engine, standin), load_month(engine, standin), load_month(engine, standin, 2)]
    assert [r.status for r in again] == ["unchanged"] * 3
    assert [r.submission_id for r in again] == [r.submission_id for r in first]
    assert snapshot(engine) == before


def test_a_new_version_replaces_the_month_and_the_recompute_sees_only_it(engine: Engine, standin: StandIn) -> None:
    load_plan(engine, standin)
    v1 = load_month(engine, standin, 1, "v1", realisasi_obat=90.0)
    other = load_month(engine, standin, 2, "v1")
    month2 = snapshot(engine, ["fact_indicator_month"])["fact_indicator_month"]
    v2 = load.load_monthly(engine, monthly_frames(1, realisasi_obat=96.6), month_meta(1, "v2", note="koreksi"),
                           "accepted", None, standin)
    assert (v2.status, v2.version, v2.superseded) == ("loaded", 2, v1.submission_id)

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

    seen = standin.seen[-1]
    assert set(seen.indicator_month["submission_id"]) == {v2.submission_id, other.submission_id}
    assert set(seen.submissions["submission_id"]) >= {v1.submission_id, v2.submission_id}
    capaian = rows(engine, s.fact_capaian_month, s.fact_capaian_month.c.indicator_code == "IKU-OBAT-MS",
                   s.fact_capaian_month.c.month == 1)[0]
    assert capaian["capaian_raw_pct"] == pytest.approx(96.6 / 92 * 100)
    assert capaian["quarter"] == 1  # filled from month by write_derived

    # the old file arriving again is a no-op: version 2 stays current
    before = snapshot(engine)
    again = load_month(engine, standin, 1, "v1", realisasi_obat=90.0)
    assert (again.status, again.submission_id) == ("unchanged", v1.submission_id)
    assert snapshot(engine) == before


def test_a_plan_revision_replaces_the_plan_and_keeps_the_months(engine: Engine, standin: StandIn) -> None:
    v1 = load_plan(engine, standin)
    load_month(engine, standin)
    months = snapshot(engine, ["fact_indicator_month", "fact_budget_month"])
    v2 = load.load_plan(engine, plan_frames(drop_indicator="KPG-LOKAL-1"), plan_meta("v2", note="revisi PK"),
                        "accepted", None, standin, identity={**IDENTITY, "revision_note": "revisi PK"})
    assert (v2.version, v2.superseded, v2.rows["plan_indicator"], v2.rows["plan_target"]) == (2, v1.submission_id, 2, 24)
    assert rows(engine, s.plan_header)[0]["revision_note"] == "revisi PK"
    assert {r["submission_id"] for r in rows(engine, s.plan_target)} == {v2.submission_id}
    assert snapshot(engine, ["fact_indicator_month", "fact_budget_month"]) == months
    assert len(standin.seen[-1].plan_indicator) == 2


def test_a_rejected_file_writes_audit_rows_only(engine: Engine, standin: StandIn) -> None:
    load_plan(engine, standin)
    good = load_month(engine, standin)
    facts = snapshot(engine, FACT_TABLES)
    result = load.load_monthly(engine, monthly_frames(1, realisasi_obat=1.0), month_meta(1, "bad"), "rejected",
                               pd.DataFrame([ERROR, WARNING]), standin)
    assert result.status == "rejected"
    assert snapshot(engine, FACT_TABLES) == facts
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


def test_an_unreadable_rejected_file_is_still_audited(engine: Engine, standin: StandIn) -> None:
    meta = load.SubmissionMeta("BPOM-KPG", None, None, None, "kupang.xlsx", "0" * 64, 10,
                               pd.Timestamp("2023-02-08T10:00:00+07:00").to_pydatetime())
    submission_id = load.record_submission(engine, meta, "rejected", [ERROR], standin)
    assert load.record_submission(engine, meta, "rejected", [ERROR], standin) == submission_id
    assert standin.seen == []  # no year: nothing to recompute
    row = rows(engine, s.audit_submission, s.audit_submission.c.submission_id == submission_id)[0]
    assert (row["kind"], row["year"], row["period_key"], row["n_errors"]) == (None, None, None, 1)
    assert row["received_at"].replace(tzinfo=None).isoformat() == "2023-02-08T03:00:00"  # stored in UTC


def test_errors_with_an_accepting_verdict_are_refused(engine: Engine, standin: StandIn) -> None:
    load_plan(engine, standin)
    before = snapshot(engine)
    with pytest.raises(ValueError, match="rejected"):
        load.load_monthly(engine, monthly_frames(1), month_meta(1), "accepted", [ERROR], standin)
    assert snapshot(engine) == before


def test_a_failing_recompute_rolls_the_whole_load_back(engine: Engine, standin: StandIn) -> None:
    load_plan(engine, standin)
    before = snapshot(engine)

    def broken(_inputs):
        raise RuntimeError("transform failed")

    with pytest.raises(RuntimeError):
        load.load_monthly(engine, monthly_frames(1), month_meta(1), "accepted", None, broken)
    assert snapshot(engine) == before


def test_overrides_are_audited_replaced_and_withdrawn(engine: Engine, standin: StandIn) -> None:
    load_plan(engine, standin)
    load_month(engine, standin)
    c = s.fact_capaian_month
    where = (c.c.month == 1, c.c.indicator_code == "IKU-MAKANAN-MS")
    raw = rows(engine, c, *where)[0]["capaian_raw_pct"]

    first = load.add_override(engine, UNIT, YEAR, 1, "IKU-MAKANAN-MS", 100.0, "data lab terlambat", "Kasubag", standin)
    second = load.add_override(engine, UNIT, YEAR, 1, "IKU-MAKANAN-MS", 98.5, "koreksi", "Kepala", standin)
    row = rows(engine, c, *where)[0]
    assert (row["capaian_pct"], row["override_id"], row["capaian_raw_pct"]) == (98.5, second, raw)
    assert list(standin.seen[-1].overrides["override_id"]) == [second]
    o = s.audit_capaian_override
    audit = rows(engine, o)
    assert [(r["override_id"], r["active"], r["deactivated_by"]) for r in audit] == [
        (first, False, "Kepala"), (second, True, None)]

    load.withdraw_override(engine, second, "Kepala", standin)
    row = rows(engine, c, *where)[0]
    assert (row["capaian_pct"], row["override_id"]) == (raw, None)
    with pytest.raises(ValueError):
        load.add_override(engine, UNIT, YEAR, 1, "IKU-MAKANAN-MS", 100.0, " ", "Kepala", standin)



@pytest.mark.parametrize(("month", "indicator", "message"), [
    pytest.param(1, "IKU-TIDAK-ADA", "tidak ada dalam rencana BPOM-KPG 2023", id="indicator outside the plan"),
    pytest.param(3, "IKU-OBAT-MS", "belum ada laporan bulanan BPOM-KPG 2023-03", id="month never reported"),
    pytest.param(2, "IKU-OBAT-MS", "belum ada laporan bulanan BPOM-KPG 2023-02", id="month only rejected"),
])
def test_an_override_that_would_never_apply_is_refused(engine: Engine, standin: StandIn, month: int, indicator: str,
                                                       message: str) -> None:
    load_plan(engine, standin)
    load_month(engine, standin)
    load.record_submission(engine, month_meta(2, "bad"), "rejected", [ERROR], standin)
    before = snapshot(engine)
    with pytest.raises(ValueError, match=message):
        load.add_override(engine, UNIT, YEAR, month, indicator, 100.0, "alasan", "Kepala", standin)
    assert snapshot(engine) == before
    assert rows(engine, s.audit_capaian_override) == []

GOOD = {"unit_code": UNIT, "year": YEAR, "month": 1, "indicator_code": "IKU-OBAT-MS", "capaian_pct": 101.0}


@pytest.mark.parametrize(
    ("derived", "message"),
    [
        pytest.param({"fact_capaian": pd.DataFrame([GOOD])}, "not derived tables", id="an unknown table name"),
        pytest.param({"fact_capaian_month": pd.DataFrame([GOOD]).drop(columns="indicator_code")}, "missing",
                     id="a missing key column"),
        pytest.param({"fact_capaian_month": pd.DataFrame([{**GOOD, "unit_code": "BPOM-JMB"}])}, "expected only",
                     id="a row of another unit"),
        pytest.param({"fact_capaian_month": pd.DataFrame([GOOD, GOOD])}, "duplicate", id="a duplicate key"),
        pytest.param({"fact_capaian_month": pd.DataFrame([{**GOOD, "month": None}])}, "NULL key", id="a NULL key"),
    ],
)
def test_write_derived_refuses_what_would_break_the_grain(engine: Engine, derived, message: str) -> None:
    before = snapshot(engine)
    with pytest.raises(ValueError, match=message), db.write_transaction(engine) as conn:
        load.write_derived(conn, UNIT, YEAR, derived)
    assert snapshot(engine) == before


def test_write_derived_ignores_extra_columns_and_nulls_missing_ones(engine: Engine) -> None:
    frame = pd.DataFrame([{**GOOD, "month": 6, "not_a_column": "x"}])
    with db.write_transaction(engine) as conn:
        assert load.write_derived(conn, UNIT, YEAR, {"fact_capaian_month": frame})["fact_capaian_month"] == 1
    row = rows(engine, s.fact_capaian_month)[0]
    assert (row["capaian_pct"], row["quarter"], row["target"], row["kriteria"]) == (101.0, 2, None, None)


def test_lookups(engine: Engine, standin: StandIn) -> None:
    plan = load_plan(engine, standin)
    load_month(engine, standin, 1, "v1")
    v2 = load_month(engine, standin, 1, "v2", realisasi_obat=95.0)
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


def test_concurrent_loads_of_one_unit_year_are_serialised(engine: Engine, standin: StandIn) -> None:
    """Two months loaded at once: each recompute sees the other's month or runs before it commits."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    load_plan(engine, standin)
    barrier = Barrier(3)

    def run(month: int) -> load.LoadResult:
        barrier.wait()
        return load.load_monthly(engine, monthly_frames(month), month_meta(month), "accepted", None, standin)

    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(run, [1, 2, 3]))
    assert [r.status for r in results] == ["loaded"] * 3
    months = {r["month"] for r in rows(engine, s.fact_capaian_month)}
    assert months == {1, 2, 3}  # the last recompute saw every month
