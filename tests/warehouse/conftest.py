"""Fixtures of the warehouse tests (database fixtures live in ``tests/conftest.py``)."""
from __future__ import annotations

import pytest

from .synthetic import StandIn


@pytest.fixture
def standin() -> StandIn:
    """A fresh stand-in recompute that records the inputs it was given."""
    return StandIn()
