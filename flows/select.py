"""Selecting the inbox files a run handles, in loading order.

No Prefect here. A selection is the inbox listing (``sources.inbox.scan_inbox``: one row per file,
nothing read) narrowed to a run's kind and period, ordered so that a later correction replaces an
earlier version. Only late-file selection reads bytes (to know whether the warehouse has handled a
file's content); those bytes ride along in ``content`` so no file is read twice in a run.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd
from sqlalchemy.engine import Engine

from sakip.settings import Settings
from schemas.contract import MONTHLY, PLAN
from schemas.messages import CHANNEL_RULES, CONTEXT_RULES
from sinks.warehouse import load
from sources import inbox as inbox_source

#: How far back a collection looks for late files: January of the year before the collected month.
LATE_FILES_YEARS_BACK = 1
#: Loading order within a selection: unit, period (a plan first), then the order files arrived in.
ORDER = ["unit_folder", "name_year", "_kind_order", "name_month", "modified_at", "file_name"]


def _ordered(files: pd.DataFrame) -> pd.DataFrame:
    kind_order = files["name_kind"].map({PLAN: 0, MONTHLY: 1})
    return (files.assign(_kind_order=kind_order).sort_values(ORDER, na_position="last", kind="stable")
            .drop(columns="_kind_order"))


def select_files(settings: Settings, kind: str, year: int, month: int | None = None,
                 files: pd.DataFrame | None = None) -> pd.DataFrame:
    """Inbox files for a run: those named for the period, plus files whose name does not parse
    (they get feedback on their name). One row per file, in loading order (unit, then the order the
    files arrived in, so a later correction replaces an earlier version). ``files`` is an inbox
    listing already made, to list the inbox once per run."""
    files = inbox_source.scan_inbox(settings.inbox) if files is None else files
    if files.empty:
        return files
    named = (files["name_kind"] == kind) & (files["name_year"] == year)
    if month is not None:
        named &= files["name_month"] == month
    return _ordered(files[(named | files["name_kind"].isna()).fillna(False).astype(bool)])


def select_years(settings: Settings, first_year: int, last_year: int) -> pd.DataFrame:
    """Every file named for the years ``first_year``..``last_year`` (plans and months) and every file
    whose name does not parse: a backfill. Per unit: year by year, the plan before the months."""
    files = inbox_source.scan_inbox(settings.inbox)
    if files.empty:
        return files
    named = files["name_year"].between(first_year, last_year).fillna(False).astype(bool)
    return _ordered(files[named | files["name_kind"].isna()])


def select_late_files(engine: Engine, files: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    """Monthly files named for an earlier period (back to January of the previous year) that the
    warehouse has not handled yet: a correction or a late report sent after its month was collected,
    or a file rejected only for timing. Oldest period first, then unit and arrival order. Their bytes
    are read once here (``content``) and travel with the selection."""
    period = files["name_year"] * 12 + files["name_month"]
    first = (year - LATE_FILES_YEARS_BACK) * 12 + 1
    earlier = files[(files["name_kind"] == MONTHLY) & period.between(first, year * 12 + month - 1).fillna(False)]
    if earlier.empty:
        return earlier
    earlier = inbox_source.with_content(earlier)
    sender = earlier["unit_folder"].fillna("").astype(str)
    handled = handled_hashes(engine, earlier["sha256"], sender)
    late = earlier[[(h, s) not in handled for h, s in zip(earlier["sha256"], sender)]]
    return late.sort_values(["name_year", "name_month", "unit_folder", "modified_at", "file_name"])


def select_collection(engine: Engine, settings: Settings, year: int, month: int, late: bool = True) -> pd.DataFrame:
    """What one month's collection loads, in order: late files of earlier months (``late``), then the
    month's own files. The inbox is listed once."""
    files = inbox_source.scan_inbox(settings.inbox)
    if files.empty:
        return files
    month_files = select_files(settings, MONTHLY, year, month, files=files)
    if not late:
        return month_files
    return pd.concat([select_late_files(engine, files, year, month), month_files], ignore_index=True)


#: Rejections that do not make a content handled: errors of timing (``CONTEXT_RULES``: no plan on file
#: yet, a period not begun) and of the channel (``CHANNEL_RULES``: the file's name, the folder it was put
#: in), fixed without changing a byte of the file.
RECHECKED = CONTEXT_RULES | CHANNEL_RULES


class Handled(NamedTuple):
    """The submission that handled a file's content for its sender, and its verdict."""

    submission_id: int
    verdict: str


def handled_hashes(engine: Engine, hashes: Iterable[str], senders: Iterable[str | None]) -> dict[tuple[str, str], Handled]:
    """Of the (content, sender) pairs ``zip(hashes, senders)``, those the warehouse has handled, each with
    the submission that did: ``{(sha256, sender): Handled}`` (a sender is the unit folder a file came
    through, "" for none).

    Handled belongs to the sender: the same bytes sent by another unit are that unit's own submission
    (and rejected there if they are not its report). It also excludes a rejection for ``RECHECKED``
    errors alone: such a file is validated again, and loaded as a new version if it now passes (the
    audit keeps both records)."""
    pairs = {(h.lower(), s or "") for h, s in zip(hashes, senders)}
    latest = load.latest_submissions_by_hash(engine, [h for h, _ in pairs])
    recheck = latest["verdict"].eq("rejected") & latest["error_rules"].map(
        lambda rules: bool(rules) and rules <= RECHECKED).astype(bool)
    done = latest[~recheck]
    found = {(h, u): Handled(int(i), v)
             for h, u, i, v in zip(done["file_hash"], done["unit_code"], done["submission_id"], done["verdict"])}
    return {pair: found[pair] for pair in pairs if pair in found}
