"""Deriving: which unit-years are stale, replacing a batch's derived facts atomically and within its
grain, a batch deriving exactly what each unit-year alone would, and deriving never interleaving with
a store of the same unit-year."""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait

import pandas as pd
import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError

from flows import derive as derive_step
from reference.policy import policy_for
from sinks.warehouse import db, derived, load, read
from sinks.warehouse import schema as s

from .synthetic import (
    DERIVED_TABLES, IDENTITY, UNIT, YEAR, derive, month_meta, monthly_frames, plan_frames, plan_meta, snapshot,
    state,
)

BMS, SRG, MBR = "LOKA-BMS", "BBPOM-SRG", "LOKA-MBR"
#: Loka POM di Kabupaten Banyumas caps capaian at 120 in 2023 (reference/policies/index.yaml).
POLICIES = {(UNIT, YEAR): "sakip_2023", (BMS, YEAR): "sakip_2023_cap120", (UNIT, YEAR + 1): "sakip_2023",
            (SRG, YEAR): "sakip_2023"}


def store(engine: Engine, unit: str, year: int, months=(), plan: bool = True, obat: float = 93.0) -> None:
    """A unit-year's plan and monthly reports, stored (not derived)."""
    if plan:
        load.load_plan(engine, plan_frames(), plan_meta(unit=unit, year=year), "accepted", identity=IDENTITY)
    for month in months:
        load.load_monthly(engine, monthly_frames(month, realisasi_obat=obat + month),
                          month_meta(month, unit=unit, year=year), "accepted")


def store_several(engine: Engine) -> list[tuple[str, int]]:
    """Four unit-years unlike each other, stored: Kupang 2023 (quarter I and an override), Banyumas
    2023 (another policy, capaian above the cap), Kupang 2024 (one month), Semarang 2023 (a month
    without a plan)."""
    store(engine, UNIT, YEAR, months=(1, 2, 3))
    load.add_override(engine, UNIT, YEAR, 2, "IKU-MAKANAN-MS", 100.0, "uji ulang", "Kepala")
    store(engine, BMS, YEAR, months=(1, 2, 3), obat=120.0)
    store(engine, UNIT, YEAR + 1, months=(1,), obat=80.0)
    store(engine, SRG, YEAR, months=(1,), plan=False)
    return sorted(POLICIES)


def rows_of(engine: Engine, table, *where) -> list:
    with engine.connect() as conn:
        return conn.execute(select(table).where(*where).order_by(*table.primary_key.columns)).mappings().all()


def state_rows(engine: Engine) -> dict[tuple[str, int], dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(s.unit_year_state)).mappings().all()
    return {(r["unit_code"], r["year"]): dict(r) for r in rows}


# ------------------------------------------------------------------------------------- stale unit-years

def test_stores_leave_exactly_the_touched_unit_years_stale_until_derived(engine: Engine) -> None:
    assert derived.stale_unit_years(engine) == []
    store(engine, UNIT, YEAR, months=(1,))
    store(engine, BMS, YEAR)
    store(engine, SRG, YEAR + 1, months=(1,), plan=False)
    load.record_submission(engine, month_meta(1, "bad", unit=MBR), "rejected",
                           [{"rule_id": "KIN-REQ", "severity": "error", "message": "wajib"}])
    touched = [(UNIT, YEAR), (BMS, YEAR), (SRG, YEAR + 1)]  # by year, then unit
    assert derived.stale_unit_years(engine) == touched
    assert derived.stale_unit_years(engine, year=YEAR + 1) == [(SRG, YEAR + 1)]
    with engine.connect() as conn:
        assert derived.stale_unit_years(conn, YEAR) == touched[:2]
    assert derive_step.pending_unit_years(engine) == set(touched)
    assert derive_step.pending_unit_years(engine, [(MBR, YEAR)]) == {*touched, (MBR, YEAR)}

    done = derive(engine)
    assert done.unit_years == tuple(sorted(touched))
    assert derived.stale_unit_years(engine) == []
    after = state_rows(engine)
    assert set(after) == set(touched)
    assert {pair: (r["raw_seq"], r["derived_seq"], r["policy_id"]) for pair, r in after.items()} == {
        (UNIT, YEAR): (2, 2, "sakip_2023"), (BMS, YEAR): (1, 1, "sakip_2023_cap120"),
        (SRG, YEAR + 1): (1, 1, "sakip_2023")}
    assert all(r["derived_at"] is not None for r in after.values())

    load.load_monthly(engine, monthly_frames(2), month_meta(2), "accepted")
    assert derived.stale_unit_years(engine) == [(UNIT, YEAR)]
    assert state(engine)[(UNIT, YEAR)] == (3, 2)


# --------------------------------------------------------------------------------- batches and policies

def test_deriving_a_batch_gives_exactly_what_deriving_each_unit_year_alone_gives(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = store_several(engine)
    together = derive(engine)  # one batch, two policies
    assert together.unit_years == tuple(pairs) and together.policy_ids == POLICIES
    batch = snapshot(engine, DERIVED_TABLES)
    capaian = pd.DataFrame(rows_of(engine, s.fact_capaian_month))
    assert capaian.groupby(["unit_code", "year"]).size().to_dict() == {
        (UNIT, YEAR): 9, (BMS, YEAR): 9, (UNIT, YEAR + 1): 3}  # Semarang has no plan: nothing to score
    bms = capaian.set_index(["unit_code", "month", "indicator_code"]).loc[(BMS, 1, "IKU-OBAT-MS")]
    assert (bms["capaian_raw_pct"], bms["capaian_pct"]) == (pytest.approx(121 / 92 * 100), 120.0)  # its own cap
    kupang = capaian.set_index(["unit_code", "year", "month", "indicator_code"]).loc[(UNIT, YEAR, 1, "IKU-OBAT-MS")]
    assert kupang["capaian_pct"] == pytest.approx(94 / 92 * 100)
    assert {r["unit_code"] for r in rows_of(engine, s.fact_sampling_ytd)} == {UNIT, BMS, SRG}

    for pair in pairs:
        alone = derive(engine, [pair])
        assert alone.policy_ids == {pair: POLICIES[pair]}
    assert snapshot(engine, DERIVED_TABLES) == batch

    monkeypatch.setattr(derive_step, "BATCH", 3)  # two batches: three unit-years, then one
    derive(engine, pairs)
    assert snapshot(engine, DERIVED_TABLES) == batch
    assert {pair: (r["derived_seq"] == r["raw_seq"], r["policy_id"]) for pair, r in state_rows(engine).items()} == {
        pair: (True, policy) for pair, policy in POLICIES.items()}


# ---------------------------------------------------------------------------------------------- atomic

def _quarter_one_then_march_stored(engine: Engine) -> list[tuple[str, int]]:
    """Kupang and Banyumas 2023: January and February derived, then March stored (stale)."""
    store(engine, UNIT, YEAR, months=(1, 2))
    store(engine, BMS, YEAR, months=(1, 2), obat=120.0)
    derive(engine)
    store(engine, UNIT, YEAR, months=(3,), plan=False)
    store(engine, BMS, YEAR, months=(3,), plan=False, obat=120.0)
    return [(UNIT, YEAR), (BMS, YEAR)]


def test_replace_derived_is_atomic(engine: Engine) -> None:
    """A batch whose writing fails half-way (a derived table the database refuses, after the tables
    before it were replaced) leaves every unit-year's derived facts and state as they were."""
    pairs = _quarter_one_then_march_stored(engine)
    before = snapshot(engine, [*DERIVED_TABLES, "unit_year_state"])
    with pytest.raises(IntegrityError), db.write_transaction(engine, locks=[("unit-year", *p) for p in pairs]) as conn:
        seqs = derived.raw_seqs(conn, pairs)
        facts = derive_step.derive_by_policy(read.batch_inputs(conn, pairs).frames,
                                             {pair: policy_for(*pair) for pair in pairs})
        assert len(facts["fact_capaian_month"]) == 18  # March included: the replacement differs
        bad = facts["fact_budget_indicator_month"]
        facts["fact_budget_indicator_month"] = bad.assign(level=bad["level"].where(bad["unit_code"] == UNIT, "bogus"))
        derived.replace_derived(conn, pairs, facts, seqs, {pair: "x" for pair in pairs})
    assert snapshot(engine, [*DERIVED_TABLES, "unit_year_state"]) == before
    assert derived.stale_unit_years(engine) == sorted(pairs, key=lambda p: (p[1], p[0]))


def test_a_failing_batch_leaves_its_unit_years_stale_and_other_batches_derived(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = _quarter_one_then_march_stored(engine)
    banyumas = snapshot(engine, DERIVED_TABLES)
    real = derive_step.derive_by_policy

    def failing_for_banyumas(frames, policies, *args):
        if (BMS, YEAR) in policies:
            raise RuntimeError("transform failed")
        return real(frames, policies, *args)

    monkeypatch.setattr(derive_step, "BATCH", 1)
    monkeypatch.setattr(derive_step, "derive_by_policy", failing_for_banyumas)
    with pytest.raises(RuntimeError):
        derive(engine, pairs)  # Kupang's batch comes first (BPOM-KPG < LOKA-BMS)
    assert derived.stale_unit_years(engine) == [(BMS, YEAR)]
    c = s.fact_capaian_month
    assert {r["month"] for r in rows_of(engine, c, c.c.unit_code == UNIT)} == {1, 2, 3}
    after = snapshot(engine, DERIVED_TABLES)
    assert {name: [r for r in rows if BMS in r] for name, rows in after.items()} == {
        name: [r for r in rows if BMS in r] for name, rows in banyumas.items()}


# ----------------------------------------------------------------------------------------------- grain

GOOD = {"unit_code": UNIT, "year": YEAR, "month": 1, "indicator_code": "IKU-OBAT-MS", "capaian_pct": 101.0}


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        pytest.param({"fact_capaian": pd.DataFrame([GOOD])}, "not derived", id="an unknown table name"),
        pytest.param({"fact_reporting_status": pd.DataFrame([{**GOOD, "expected": True}])}, "not derived",
                     id="the national reporting status"),
        pytest.param({"fact_capaian_month": pd.DataFrame([GOOD]).drop(columns="indicator_code")}, "missing",
                     id="a missing key column"),
        pytest.param({"fact_capaian_month": pd.DataFrame([{**GOOD, "unit_code": "BPOM-JMB"}])}, "expected only",
                     id="a row of another unit"),
        pytest.param({"fact_capaian_month": pd.DataFrame([{**GOOD, "year": YEAR - 1}])}, "expected only",
                     id="a row of another year"),
        pytest.param({"fact_capaian_month": pd.DataFrame([GOOD, GOOD])}, "duplicate", id="a duplicate key"),
        pytest.param({"fact_capaian_month": pd.DataFrame([{**GOOD, "month": None}])}, "NULL key", id="a NULL key"),
        pytest.param({"fact_capaian_month": pd.DataFrame([{**GOOD, "indicator_code": " "}])}, "NULL key",
                     id="a blank key"),
    ],
)
def test_replace_derived_refuses_what_would_break_the_grain(shared_derived_quarter_one: Engine, facts,
                                                            message: str) -> None:
    engine = shared_derived_quarter_one  # shared by the module: the test asserts it is left unchanged
    before = snapshot(engine)
    with pytest.raises(ValueError, match=message), db.write_transaction(engine) as conn:
        derived.replace_derived(conn, [(UNIT, YEAR)], facts, derived.raw_seqs(conn, [(UNIT, YEAR)]), {})
    assert snapshot(engine) == before


def test_replace_derived_replaces_every_table_of_the_batch_and_records_what_it_read(derived_quarter_one: Engine) -> None:
    """Extra columns are ignored, missing ones NULL, quarter filled from month; a table absent from the
    frames leaves the batch's unit-years without rows in it; each unit-year's derived_seq becomes the
    raw_seq given (a unit-year without a state row gets one, not stale)."""
    engine = derived_quarter_one
    frame = pd.DataFrame([{**GOOD, "month": 6, "not_a_column": "x"}])
    pairs = [(UNIT, YEAR), (BMS, YEAR)]
    with db.write_transaction(engine) as conn:
        written = derived.replace_derived(conn, pairs, {"fact_capaian_month": frame}, {(UNIT, YEAR): 3},
                                          {(UNIT, YEAR): "p", (BMS, YEAR): "q"})
    assert written == {name: int(name == "fact_capaian_month") for name in DERIVED_TABLES}
    assert {name: len(rows) for name, rows in snapshot(engine, DERIVED_TABLES).items()} == written
    row = rows_of(engine, s.fact_capaian_month)[0]
    assert (row["capaian_pct"], row["quarter"], row["target"], row["kriteria"]) == (101.0, 2, None, None)
    after = state_rows(engine)
    assert {pair: (r["raw_seq"], r["derived_seq"], r["policy_id"]) for pair, r in after.items()} == {
        (UNIT, YEAR): (4, 3, "p"), (BMS, YEAR): (0, 0, "q")}
    assert derived.stale_unit_years(engine) == [(UNIT, YEAR)]  # derived from an older raw_seq than stored


# ------------------------------------------------------------------------------------------ concurrency

ADVISORY_WAITERS = text("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                        "WHERE d.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted")


def _waiting(engine: Engine, job: Future, timeout: float = 20.0) -> bool:
    """Whether ``job`` is held back by another writer: on PostgreSQL, a transaction of this database
    waits for an advisory lock; on SQLite (BEGIN IMMEDIATE waits) it is still unfinished a while later."""
    if engine.dialect.name != "postgresql":
        return not wait([job], timeout=1.0).done
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not job.done():
        with engine.connect() as conn:
            if conn.execute(ADVISORY_WAITERS).scalar():
                return True
        time.sleep(0.05)
    return False


def test_a_derive_waits_for_a_store_of_the_same_unit_year(derived_quarter_one: Engine,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A store of April is half done (facts written and marked, not committed) when deriving the
    unit-year starts: deriving waits, then derives April, and the unit-year is not stale."""
    engine = derived_quarter_one
    stored, release = threading.Event(), threading.Event()
    mark = load.mark_raw_changed

    def mark_then_pause(conn, unit, year) -> None:
        mark(conn, unit, year)
        stored.set()
        release.wait(30)

    monkeypatch.setattr(load, "mark_raw_changed", mark_then_pause)
    with ThreadPoolExecutor(2) as pool:
        try:
            storing = pool.submit(load.load_monthly, engine, monthly_frames(4), month_meta(4), "accepted")
            assert stored.wait(30)
            deriving = pool.submit(derive, engine, [(UNIT, YEAR)])
            assert _waiting(engine, deriving), "deriving did not wait for the store"
        finally:
            release.set()
        assert storing.result(60).status == "loaded"
        deriving.result(60)
    c = s.fact_capaian_month
    assert {r["month"] for r in rows_of(engine, c)} == {1, 2, 3, 4}
    assert state(engine) == {(UNIT, YEAR): (5, 5)} and derived.stale_unit_years(engine) == []


def test_a_store_waits_for_a_derive_of_the_same_unit_year(derived_quarter_one: Engine,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Deriving has read the unit-year (transforms running) when April is stored: the store waits;
    what deriving writes is January-March with the raw_seq it read, so the unit-year is stale after
    the store and the next derive adds April."""
    engine = derived_quarter_one
    reading, release = threading.Event(), threading.Event()
    real = derive_step.derive_by_policy

    def pause_then_derive(*args):
        reading.set()
        release.wait(30)
        return real(*args)

    monkeypatch.setattr(derive_step, "derive_by_policy", pause_then_derive)
    with ThreadPoolExecutor(2) as pool:
        try:
            deriving = pool.submit(derive, engine, [(UNIT, YEAR)])
            assert reading.wait(30)
            storing = pool.submit(load.load_monthly, engine, monthly_frames(4), month_meta(4), "accepted")
            assert _waiting(engine, storing), "the store did not wait for deriving"
        finally:
            release.set()
        deriving.result(60)
        assert storing.result(60).status == "loaded"
    c = s.fact_capaian_month
    assert {r["month"] for r in rows_of(engine, c)} == {1, 2, 3}
    assert state(engine) == {(UNIT, YEAR): (5, 4)} and derived.stale_unit_years(engine) == [(UNIT, YEAR)]
    monkeypatch.setattr(derive_step, "derive_by_policy", real)
    derive(engine)
    assert {r["month"] for r in rows_of(engine, c)} == {1, 2, 3, 4}
    assert state(engine) == {(UNIT, YEAR): (5, 5)}
