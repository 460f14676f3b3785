"""Fixtures of the warehouse tests (database fixtures live in ``tests/conftest.py``)."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine

from backends import BACKENDS
from sinks.warehouse import db, load

from .synthetic import IDENTITY, derive, month_meta, monthly_frames, plan_frames, plan_meta


def store_quarter_one(engine: Engine) -> Engine:
    """Kupang's plan and its January to March reports stored (quarter I closed), NOT derived yet."""
    load.load_plan(engine, plan_frames(), plan_meta(), "accepted", identity=IDENTITY)
    for month, obat in ((1, 93.0), (2, 94.0), (3, 95.0)):
        load.load_monthly(engine, monthly_frames(month, realisasi_obat=obat), month_meta(month), "accepted")
    return engine


@pytest.fixture
def quarter_one(engine: Engine) -> Engine:
    """Kupang's plan and its January to March reports stored (quarter I closed), NOT derived yet."""
    return store_quarter_one(engine)


@pytest.fixture
def derived_quarter_one(quarter_one: Engine) -> Engine:
    """``quarter_one`` after the run's deriving step."""
    derive(quarter_one)
    return quarter_one


@pytest.fixture(scope="module", params=BACKENDS)
def shared_derived_quarter_one(request: pytest.FixtureRequest, new_warehouse: Callable[[str], str]) -> Iterator[Engine]:
    """``derived_quarter_one`` in a warehouse of its own, built once per module and backend: for tests
    that only read it (or assert that what they try leaves it unchanged)."""
    engine = db.make_engine(new_warehouse(request.param))
    derive(store_quarter_one(engine))
    yield engine
    engine.dispose()
