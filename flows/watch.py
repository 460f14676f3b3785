"""Inbox watcher: list the whole inbox every few minutes and record when each file was first seen.

Nothing is read or loaded: the listing (``sources.inbox.scan_inbox``, names, sizes and times only)
is recorded (``sinks.warehouse.seen``), so a collection days later still knows that a file arrived
between two listings, whatever modification time its sender gave it.
"""
from __future__ import annotations

from prefect import flow, get_run_logger

from flows.run import record_inbox
from sakip.settings import get_settings
from sinks.warehouse.db import open_warehouse


@flow(name="sakip-pantau-kotak-masuk", log_prints=True)
def watch_inbox() -> int:
    """Record the inbox as it is now (when each file was first seen)."""
    settings = get_settings()
    count = record_inbox(open_warehouse(settings.warehouse_url), settings)
    get_run_logger().info("kotak masuk: %d berkas tercatat", count)
    return count
