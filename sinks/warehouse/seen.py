"""When the pipeline first saw each inbox file: arrival times a sender cannot set.

A file's modification time is the sender's to set (a late correction back-dated to before the
deadline). Every listing of the whole inbox - by a run, or by the inbox watcher every few minutes -
records each file state (path, size, modification time) the first time it appears, with the time
of the listing before it (``seen_after``): the file arrived between the two. A run then takes the
modification time as the arrival only within that window (``arrival``), so a back-dated file counts
as arriving no earlier than the listing that did not have it yet. The very first listing of a
warehouse has no earlier one: modification times are all it knows.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
from sqlalchemy import Engine, func, insert, select

from sinks.warehouse import db
from sinks.warehouse import schema as s
from sinks.warehouse.records import read_frame

KEY = ["path", "size_bytes", "modified_at"]


def record_listing(engine: Engine, files: pd.DataFrame, now: datetime | None = None) -> pd.DataFrame:
    """Record a listing of the whole inbox (``sources.inbox.scan_inbox``) and return it with
    ``first_seen_at`` and ``seen_after`` for every file. One transaction; files already seen keep
    their first sighting."""
    now = now or datetime.now(timezone.utc)
    listing = files[["path", "size_bytes", "modified_at"]].assign(
        path=files["path"].astype(str), size_bytes=files["size_bytes"].astype("int64"),
        modified_at=pd.to_datetime(files["modified_at"], utc=True).dt.as_unit("us"))
    seen, scan = s.inbox_seen, s.inbox_scan
    with db.write_transaction(engine, lock=("inbox-listing",)) as conn:
        previous = conn.execute(select(func.max(scan.c.scanned_at))).scalar()
        known = read_frame(conn, select(seen).where(seen.c.path.in_(sorted(set(listing["path"])))))
        known = known.assign(size_bytes=known["size_bytes"].astype("int64"),
                             modified_at=pd.to_datetime(known["modified_at"], utc=True).dt.as_unit("us"))
        merged = listing.merge(known, on=KEY, how="left")
        new = merged["first_seen_at"].isna()
        if new.any():
            rows = [{"path": p, "size_bytes": int(b), "modified_at": m.to_pydatetime(), "first_seen_at": now,
                     "seen_after": previous}
                    for p, b, m in merged.loc[new, KEY].itertuples(index=False)]
            conn.execute(insert(seen), rows)
        conn.execute(insert(scan).values(scanned_at=now, n_files=len(listing)))
    first = pd.to_datetime(merged["first_seen_at"], utc=True).where(~new, _utc(now))
    after = pd.to_datetime(merged["seen_after"], utc=True).where(~new, _utc(previous))
    return merged.assign(first_seen_at=first, seen_after=after)


def _utc(value: datetime | None) -> pd.Timestamp:
    """A time as the database gives it (SQLite: naive UTC) as an aware UTC timestamp; NaT for None."""
    if value is None:
        return pd.NaT
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def arrival(modified_at: pd.Series, seen_after: pd.Series, first_seen_at: pd.Series) -> pd.Series:
    """When each file arrived: its modification time, but never before the listing that did not have it
    yet (``seen_after``) nor after the listing that first had it (``first_seen_at``)."""
    modified = pd.to_datetime(modified_at, utc=True)
    lower = pd.to_datetime(seen_after, utc=True)
    upper = pd.to_datetime(first_seen_at, utc=True)
    clamped = modified.where(lower.isna() | (modified >= lower), lower)
    return clamped.where(upper.isna() | (clamped <= upper), upper)
