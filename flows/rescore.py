"""Rescoring: recompute loaded unit-years with the scoring policy in force now.

Loading skips identical files, so a policy change (another ``policy_file``, or the planning bureau
editing a year's file in ``reference/policies``) reaches data already loaded only through this
flow. One task per unit-year (one warehouse transaction each, retried on database errors); a unit
that fails is reported and the others go on.
"""
from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from flows import steps, tasks
from sakip.settings import get_settings

COLUMNS = ("unit_code", "year", "policy_id", "rows", "status")


@flow(name="sakip-hitung-ulang", log_prints=True)
def rescore_year(year: int, unit_codes: list[str] | None = None, policy_file: str | None = None) -> list[dict]:
    """Recompute every unit of ``year`` with a current plan (or only ``unit_codes``)."""
    settings = get_settings()
    engine = steps.warehouse(settings.warehouse_url)
    rows = []
    for code in steps.rescore_targets(engine, year, unit_codes):
        state = tasks.rescore_unit_year(engine, settings, code, year, policy_file, return_state=True)
        if state.is_failed():
            error = state.result(raise_on_failure=False)
            rows.append({"unit_code": code, "year": year, "policy_id": None, "rows": 0,
                         "status": f"gagal: {type(error).__name__}: {error}"})
        else:
            rows.append({**state.result(), "status": "dihitung ulang"})
    create_table_artifact(table=rows or [{c: None for c in COLUMNS}], key=f"hitung-ulang-{year}",
                          description=f"Hitung ulang skor {year}")
    get_run_logger().info("%d: %d unit-tahun dihitung ulang", year, sum(r["status"] == "dihitung ulang" for r in rows))
    return rows
