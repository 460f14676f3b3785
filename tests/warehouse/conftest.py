"""Fixtures of the warehouse tests (database fixtures live in ``tests/conftest.py``)."""
from __future__ import annotations

import pytest
from sqlalchemy import Engine

from sinks.warehouse import load

from .synthetic import IDENTITY, derive, month_meta, monthly_frames, plan_frames, plan_meta


@pytest.fixture
def quarter_one(engine: Engine) -> Engine:
    """Kupang's plan and its January to March reports stored (quarter I closed), NOT derived yet."""
    load.load_plan(engine, plan_frames(), plan_meta(), "accepted", identity=IDENTITY)
    for month, obat in ((1, 93.0), (2, 94.0), (3, 95.0)):
        load.load_monthly(engine, monthly_frames(month, realisasi_obat=obat), month_meta(month), "accepted")
    return engine


@pytest.fixture
def derived_quarter_one(quarter_one: Engine) -> Engine:
    """``quarter_one`` after the run's deriving step."""
    derive(quarter_one)
    return quarter_one
