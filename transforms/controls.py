"""The data-quality controls' rules, pure: the period lock, the approval states of a unit's quarter and who
may take which approval step (docs/decisions.md). No I/O: ``flows.controls`` reads the warehouse, calls
these and stores the outcome; intake turns :func:`blocked_files` into the steward's problems.

Approval: a quarter moves ``belum_diajukan`` -> ``diajukan`` (the unit submitted) -> ``diverifikasi`` (the
data steward verified) -> ``disetujui`` (the centre approved); ``dibuka_kembali`` (reopened, always with a
reason) sends it back to the unit, which submits again. While a quarter is ``diajukan``, ``diverifikasi`` or
``disetujui`` its data is frozen (``FROZEN``): no file for its months is loaded.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from sakip.periods import deadline, lock_start, quarter_of

NOT_SUBMITTED = "belum_diajukan"
SUBMITTED, VERIFIED, APPROVED, REOPENED = "diajukan", "diverifikasi", "disetujui", "dibuka_kembali"
STEPS = (SUBMITTED, VERIFIED, APPROVED, REOPENED)
#: States in which a quarter's data may not change (a file for one of its months is rejected).
FROZEN = frozenset({SUBMITTED, VERIFIED, APPROVED})
#: Roles a step is taken in (names given with ``--role`` until the portal's accounts carry them).
UNIT, STEWARD, CENTRE = "unit", "steward", "centre"
ROLES = (UNIT, STEWARD, CENTRE)
ROLE_LABELS = {UNIT: "unit", STEWARD: "pengelola data", CENTRE: "Pusat"}
#: step -> {state the quarter must be in: roles that may take the step from it}.
TRANSITIONS: Mapping[str, Mapping[str, frozenset[str]]] = {
    SUBMITTED: {NOT_SUBMITTED: frozenset({UNIT}), REOPENED: frozenset({UNIT})},
    VERIFIED: {SUBMITTED: frozenset({STEWARD})},
    APPROVED: {VERIFIED: frozenset({CENTRE})},
    REOPENED: {SUBMITTED: frozenset({STEWARD, CENTRE}), VERIFIED: frozenset({STEWARD, CENTRE}),
               APPROVED: frozenset({CENTRE})},
}
STATE_LABELS = {NOT_SUBMITTED: "Belum diajukan", SUBMITTED: "Diajukan", VERIFIED: "Diverifikasi",
                APPROVED: "Disetujui", REOPENED: "Dibuka kembali"}
EVENT_COLUMNS = ["event_id", "unit_code", "year", "quarter", "step", "actor", "role", "reason", "at"]
STATE_COLUMNS = ["unit_code", "year", "quarter", "state", "state_by", "state_at", "approval_event_id"]


def _person(name: object) -> str:
    """A name as compared for the four-eyes rule: case and spacing ignored."""
    return " ".join(str(name).split()).casefold()


def quarter_states(events: pd.DataFrame) -> pd.DataFrame:
    """One row per unit x year x quarter with an approval step: its state (the latest step), who took it and
    when, and ``approval_event_id`` (the Disetujui step in force while approved, else missing)."""
    if events.empty:
        return pd.DataFrame(columns=STATE_COLUMNS)
    latest = events.sort_values("event_id").groupby(["unit_code", "year", "quarter"], as_index=False).tail(1)
    approved = latest["event_id"].where(latest["step"] == APPROVED)
    return (latest.assign(state=latest["step"], state_by=latest["actor"], state_at=latest["at"],
                          approval_event_id=approved)[STATE_COLUMNS].reset_index(drop=True))


def step_refusal(events: pd.DataFrame, step: str, actor: str, role: str, reason: str | None,
                 months_loaded: int) -> str | None:
    """Why ``actor`` in ``role`` may not take ``step`` now on a quarter whose steps so far are ``events`` (one
    quarter's rows, any order), in Indonesian; None when the step is allowed.

    Rules: the order of ``TRANSITIONS``; a reopening needs a reason; a quarter is submitted only when its
    three months are loaded; four eyes: within one cycle (since the last reopening) nobody verifies what
    they submitted nor approves what they submitted or verified."""
    ordered = events.sort_values("event_id")
    state = str(ordered["step"].iloc[-1]) if len(ordered) else NOT_SUBMITTED
    allowed = TRANSITIONS[step]
    if state not in allowed:
        steps = " atau ".join(f"'{STATE_LABELS[s]}'" for s in allowed)
        return (f"langkah '{STATE_LABELS[step]}' hanya dapat diambil dari status {steps}; status triwulan ini "
                f"sekarang '{STATE_LABELS[state]}'")
    if role not in allowed[state]:
        roles = " atau ".join(ROLE_LABELS[r] for r in sorted(allowed[state]))
        return (f"langkah '{STATE_LABELS[step]}' dari status '{STATE_LABELS[state]}' diambil oleh {roles}, "
                f"bukan oleh peran '{role}'")
    if step == REOPENED and not (reason or "").strip():
        return "triwulan hanya dapat dibuka kembali dengan alasan (--reason)"
    if step == SUBMITTED and months_loaded < 3:
        return f"baru {months_loaded} dari 3 laporan bulanan triwulan ini yang diterima dan dimuat"
    if step in (VERIFIED, APPROVED):
        reopened = ordered.index[ordered["step"] == REOPENED]
        cycle = ordered.loc[reopened[-1]:].iloc[1:] if len(reopened) else ordered
        earlier = cycle[cycle["step"].isin([SUBMITTED, VERIFIED])]
        if (earlier["actor"].map(_person) == _person(actor)).any():
            return (f"{actor} sudah mengambil langkah lain triwulan ini ('{STATE_LABELS[earlier['step'].iloc[-1]]}'); "
                    "verifikasi dan persetujuan dilakukan oleh orang yang berbeda")
    return None


BLOCK_COLUMNS = ["pos", "rule_id", "year", "month", "quarter", "lock_start", "deadline", "seen", "state",
                 "state_by", "state_at"]


def blocked_files(files: pd.DataFrame, states: pd.DataFrame, exceptions: pd.DataFrame,
                  lock_days: int | None, deadline_day: int) -> pd.DataFrame:
    """The control errors of a batch of files, one row per (file, rule) (``BLOCK_COLUMNS``).

    ``files``: ``pos``, ``unit_code``, ``kind`` ('rencana' | 'bulanan'), ``year``, ``month`` (monthly files),
    ``seen`` (the day, in the reporting time zone, the pipeline first saw the file) and ``watched`` (the
    pipeline had listed the inbox before that: False for the files of a warehouse's very first listing,
    its initial load, whose arrival it cannot tell). ``states``: :func:`quarter_states`. ``exceptions``:
    ``unit_code``, ``year``, ``month``, ``valid_until`` (a day).

    - ``period_locked``: a monthly file first seen on or after its month's ``lock_start`` (``lock_days``
      after the deadline, ``sakip.periods.lock_start``), by a watching pipeline, without an exception for
      the unit and month valid on the day it was first seen. ``lock_days`` None: no lock.
    - ``quarter_frozen``: a monthly file for a month of a quarter in a ``FROZEN`` state, or a plan of a
      year with such a quarter (a plan underlies every score of the year).
    """
    files = files.reset_index(drop=True)
    monthly = files[(files["kind"] == "bulanan") & files["month"].notna() & files["year"].notna()].copy()
    monthly = monthly.assign(year=monthly["year"].astype(int), month=monthly["month"].astype(int))
    monthly = monthly.assign(quarter=monthly["month"].map(quarter_of))
    out = []
    if lock_days is not None and not monthly.empty:
        periods = list(zip(monthly["year"], monthly["month"]))  # the one rule of each date: sakip.periods
        due = monthly.assign(deadline=[deadline(y, m, deadline_day) for y, m in periods],
                             lock_start=[lock_start(y, m, deadline_day, lock_days) for y, m in periods])
        late = due[due["watched"].astype(bool) & (pd.to_datetime(due["seen"]) >= pd.to_datetime(due["lock_start"]))]
        if not late.empty and not exceptions.empty:
            valid = late[["pos", "unit_code", "year", "month", "seen"]].merge(
                exceptions.assign(year=exceptions["year"].astype(int), month=exceptions["month"].astype(int)),
                on=["unit_code", "year", "month"])
            covered = valid.loc[pd.to_datetime(valid["valid_until"]) >= pd.to_datetime(valid["seen"]), "pos"]
            late = late[~late["pos"].isin(covered)]
        out.append(late.assign(rule_id="period_locked"))
    frozen = states[states["state"].isin(FROZEN)] if not states.empty else states
    if not frozen.empty:
        frozen = frozen.assign(year=frozen["year"].astype(int), quarter=frozen["quarter"].astype(int))
        hit = monthly.merge(frozen, on=["unit_code", "year", "quarter"])
        out.append(hit.assign(rule_id="quarter_frozen"))
        plans = files[(files["kind"] == "rencana") & files["year"].notna()]
        first = frozen.sort_values("quarter").groupby(["unit_code", "year"], as_index=False).head(1)
        hit = plans.assign(year=plans["year"].astype(int)).merge(first, on=["unit_code", "year"])
        out.append(hit.assign(rule_id="quarter_frozen", month=pd.NA))
    found = [f for f in out if not f.empty]
    if not found:
        return pd.DataFrame(columns=BLOCK_COLUMNS)
    return pd.concat([f.reindex(columns=BLOCK_COLUMNS) for f in found], ignore_index=True).sort_values(
        ["pos", "rule_id"], kind="stable").reset_index(drop=True)
