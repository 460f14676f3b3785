"""Prefect runs offline in tests: its own temporary server, no telemetry, a throwaway home."""
import os
import tempfile

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="sakip-prefect-"))
