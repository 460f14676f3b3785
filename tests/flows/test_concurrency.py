"""Two collections of the same period at once (the schedule and an operator): they never interleave.

Both runs select Kupang's January. Their runners are gated to force the worst interleaving: the second
run starts once the first is about to prepare; the first prepares only once the second has looked at the
warehouse and reached its own preparing (or after a few seconds), and the second prepares only after the
first has stored. Without the warehouse-wide intake lock (``sinks.warehouse.db.run_lock``) the second run
then judges the first run's file as a late replacement of itself and writes a spurious rejection; with
it, the second run waits at the lock, finds the file handled: one loaded, one duplicate, no rejection in
the audit.
"""
from __future__ import annotations

import json
import threading
from datetime import date

import pandas as pd
from sqlalchemy import text

import kupang
from flows.runners import InProcess
from flows.select import select_files
from runs import collect, settings_for
from sinks.warehouse import db


class Gated(InProcess):
    """Runs in process once ``wait`` is set (or ``timeout`` passed), after setting ``signal``."""

    def __init__(self, signal: threading.Event, wait: threading.Event, timeout: float) -> None:
        self.signal, self.wait, self.timeout = signal, wait, timeout

    def map(self, fn, items, on_done=None):
        self.signal.set()
        self.wait.wait(self.timeout)
        return super().map(fn, items, on_done)


def test_two_collections_of_one_period_at_once_load_the_file_once(engine, tmp_path):
    settings = settings_for(engine, tmp_path)
    kupang.write_kupang_inbox(settings.inbox, months=range(1, 2))
    assert [o.status for o in collect(engine, settings, select_files(settings, "rencana", 2023))] == ["loaded"]
    files = select_files(settings, "bulanan", 2023, 1)
    url = engine.url.render_as_string(hide_password=False)
    first_preparing, second_preparing, first_done = threading.Event(), threading.Event(), threading.Event()
    runners = {1: Gated(first_preparing, second_preparing, timeout=3),
               2: Gated(second_preparing, first_done, timeout=10)}
    results: dict[int, list] = {}

    def run(k: int) -> None:
        own = db.make_engine(url)
        try:
            results[k] = collect(own, settings, files, today=date(2023, 2, 11), runner=runners[k])
        finally:
            own.dispose()
            if k == 1:
                first_done.set()

    threads = [threading.Thread(target=run, args=(k,)) for k in (1, 2)]
    threads[0].start()
    # the first run holds the lock (if there is one) before the second starts: else the second could take it
    # and hold it while it waits (10 s) for a first run that waits at the lock
    assert first_preparing.wait(timeout=120)
    threads[1].start()
    for thread in threads:
        thread.join(timeout=300)
    # the run that took the lock first loads the file; the other finds it handled
    assert sorted(o.status for k in (1, 2) for o in results[k]) == ["duplicate", "loaded"]
    with engine.connect() as conn:
        audit = pd.read_sql(text("SELECT verdict FROM audit_submission WHERE kind = 'bulanan'"), conn)
    assert len(audit) == 1 and audit["verdict"].iloc[0] in ("accepted", "accepted_with_warnings")
    loaded = next(o for k in (1, 2) for o in results[k] if o.status == "loaded")
    feedback = json.loads(open(loaded.feedback_json, encoding="utf-8").read())
    assert feedback["verdict"] != "rejected", "the other run did not overwrite the steward's answer"
