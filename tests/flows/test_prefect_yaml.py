"""prefect.yaml declares real, importable flows with parameters their signatures accept."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml
from prefect.client.schemas.schedules import CronSchedule
from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger
from prefect.flows import Flow

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENTS = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]


def _flow(entrypoint: str) -> Flow:
    path, name = entrypoint.split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    return getattr(module, name)


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=[d["name"] for d in DEPLOYMENTS])
def test_entrypoint_is_a_flow_accepting_its_parameters(deployment):
    flow = _flow(deployment["entrypoint"])
    assert isinstance(flow, Flow)
    flow.validate_parameters(deployment.get("parameters") or {})


@pytest.mark.parametrize("deployment", [d for d in DEPLOYMENTS if d.get("schedules")],
                         ids=lambda d: d["name"])
def test_schedules_are_valid_crons_in_jakarta_time(deployment):
    for schedule in deployment["schedules"]:
        assert CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"]).timezone == "Asia/Jakarta"


def test_report_deployment_is_triggered_by_the_collection_event_with_a_schedule_fallback():
    from flows.collect import QUARTER_LOADED_EVENT

    report = next(d for d in DEPLOYMENTS if d["entrypoint"] == "flows/report.py:quarterly_reports")
    trigger = DeploymentEventTrigger(**report["triggers"][0])
    assert QUARTER_LOADED_EVENT in trigger.expect
    assert report["schedules"], "a fixed-deadline fallback schedule is declared"


def test_report_deployment_is_triggered_when_a_collection_loads_earlier_months():
    from flows.collect import EARLIER_MONTHS_LOADED_EVENT

    report = next(d for d in DEPLOYMENTS if d["entrypoint"] == "flows/report.py:quarterly_reports")
    triggers = [DeploymentEventTrigger(**t) for t in report["triggers"]]
    assert any(EARLIER_MONTHS_LOADED_EVENT in t.expect and not t.parameters for t in triggers), \
        "a correction of an earlier month triggers the default run (last closed quarter + every stale report)"


def test_report_deployment_rechecks_weekly_all_year_and_never_overlaps():
    report = next(d for d in DEPLOYMENTS if d["entrypoint"] == "flows/report.py:quarterly_reports")
    assert report["concurrency_limit"] == 1
    assert report["parameters"].get("refresh_stale", True) is True
    # a weekly run in every month of the year (not only the month after a quarter): any day of month,
    # any month, one day of the week
    weekly = [s["cron"].split() for s in report["schedules"]]
    assert any(day == "*" and month == "*" and weekday.isdigit() for _, _, day, month, weekday in weekly), weekly


def test_every_flow_module_has_a_deployment():
    entrypoints = {d["entrypoint"].split(":")[0] for d in DEPLOYMENTS}
    root = Path(__file__).resolve().parents[2]
    flow_modules = {f"flows/{p.name}" for p in (root / "flows").glob("*.py") if "@flow(" in p.read_text()}
    assert entrypoints == flow_modules
    assert {"flows/plan.py", "flows/collect.py", "flows/backfill.py", "flows/report.py", "flows/rescore.py",
            "flows/watch.py"} <= entrypoints


def test_collections_never_overlap_and_the_inbox_is_watched_often():
    by_entry = {d["entrypoint"]: d for d in DEPLOYMENTS}
    assert by_entry["flows/collect.py:collect_month"]["concurrency_limit"] == 1
    watch = by_entry["flows/watch.py:watch_inbox"]
    assert [s["cron"] for s in watch["schedules"]] == ["*/10 * * * *"]


def test_yearly_deployments_follow_the_calendar():
    """A default year would be stale next January: the plan and rescore runs take the current year."""
    by_entry = {d["entrypoint"]: d for d in DEPLOYMENTS}
    for entry in ("flows/plan.py:load_plans", "flows/rescore.py:rescore_year"):
        assert by_entry[entry]["parameters"]["year"] is None, entry


def test_rescore_deployment_runs_on_demand_only():
    rescore = next(d for d in DEPLOYMENTS if d["entrypoint"] == "flows/rescore.py:rescore_year")
    assert not rescore.get("schedules") and not rescore.get("triggers")
