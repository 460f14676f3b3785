"""Prefect runs offline in tests: its own temporary server, no telemetry, a throwaway home."""
import os
import tempfile

import pytest
from prefect.testing.utilities import prefect_test_harness

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="sakip-prefect-"))


@pytest.fixture(scope="session")
def prefect_harness():
    """Prefect's temporary local server, started once per test session (per xdist worker)."""
    with prefect_test_harness(server_startup_timeout=120):
        yield
