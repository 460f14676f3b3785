"""Prefect runs offline in tests: its own temporary server, no telemetry, a throwaway home."""
import os
import tempfile

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="sakip-prefect-"))


@pytest.fixture(scope="session")
def prefect_harness():
    """Prefect's temporary local server, started once per test session, on one xdist worker (the files
    using it share a worker: ``pytest_xdist_make_scheduler`` in tests/conftest.py). Imported here, not at
    module level, so a worker without Prefect tests never imports the Prefect server."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
