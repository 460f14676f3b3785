"""A collection killed mid-run heals on the next run.

The first run is a real ``sakip backfill`` in its own process, killed (``os._exit``, no cleanup, no
rollback of anything) at a chosen point:
- at the moment the orchestration would start deriving: every file is stored, nothing is derived.
  The warehouse says which unit-years are stale, a report refuses them, and the next run (which finds
  every file already handled) derives them first;
- between the commit of a file's store and its archive copy.
Either way the warehouse equals the one a clean run gives, row for row, and so does the archive, on
SQLite and PostgreSQL.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kupang
from flows import reports
from flows.runners import InProcess
from flows.select import select_years
from runs import assert_same_warehouse, collect
from sakip.settings import Settings
from sinks.warehouse import db, derived

#: Runs the CLI with one step replaced by a hard kill of the process (exit status 137, as SIGKILL).
KILLED_RUN = """
import os, sys
import {module}
def killed(*args, **kwargs):
    sys.stdout.flush()
    os._exit(137)
{module}.{function} = killed
from sakip.cli import app
app(["backfill", "--from", "2023", "--to", "2023"])
"""
ROOT = Path(__file__).resolve().parents[2]


def _environment(url: str, inbox: Path, out: Path) -> dict[str, str]:
    return {**os.environ, "SAKIP_WAREHOUSE_URL": url, "SAKIP_INBOX": str(inbox), "SAKIP_OUT": str(out),
            "SAKIP_WORKERS": "1", "PYTHONPATH": str(ROOT)}


def _killed_run(engine, kupang_built, tmp_path: Path, module: str, function: str) -> Settings:
    """A backfill of the Kupang files killed where ``module.function`` is first called."""
    url = engine.url.render_as_string(hide_password=False)
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    shutil.copytree(kupang_built.inbox, inbox)  # the same files, arrived at the same times
    script = KILLED_RUN.format(module=module, function=function)
    killed = subprocess.run([sys.executable, "-c", script], env=_environment(url, inbox, out), cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert killed.returncode == 137, killed.stderr[-2000:]
    return Settings(warehouse_url=url, inbox=inbox, out=out)


def _archive(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for folder in ("diterima", "ditolak")
            for p in sorted((out / folder).rglob("*")) if p.is_file()}


def _assert_same_as_clean_run(engine, kupang_built, settings: Settings) -> None:
    clean = db.make_engine(kupang_built.url)
    try:
        assert_same_warehouse(engine, clean)
    finally:
        clean.dispose()
    assert _archive(settings.out) == _archive(kupang_built.out)


def test_a_run_killed_between_storing_and_deriving_heals_on_the_next_run(kupang_built, kupang_fresh, tmp_path):
    engine = kupang_fresh
    settings = _killed_run(engine, kupang_built, tmp_path, "flows.derive", "derive_unit_years")

    assert derived.stale_unit_years(engine) == [(kupang.UNIT, 2023)], "stored, not derived"
    with pytest.raises(reports.StaleData, match="belum dihitung ulang"):
        reports.require_derived(engine, kupang.UNIT, 2023)

    again = collect(engine, settings, select_years(settings, 2023, 2023), runner=InProcess())
    assert {o.status for o in again} == {"duplicate"}, "every file was stored by the killed run"
    assert derived.stale_unit_years(engine) == []
    _assert_same_as_clean_run(engine, kupang_built, settings)


def test_a_run_killed_between_a_files_commit_and_its_archive_heals_on_the_next_run(kupang_built, kupang_fresh,
                                                                                  tmp_path):
    engine = kupang_fresh
    settings = _killed_run(engine, kupang_built, tmp_path, "flows.intake", "archive")
    assert _archive(settings.out) == {}, "killed before the first archive copy"
    again = collect(engine, settings, select_years(settings, 2023, 2023), runner=InProcess())
    assert [o.status for o in again] == ["duplicate"] + ["loaded"] * 6, "the plan was stored before the kill"
    _assert_same_as_clean_run(engine, kupang_built, settings)
