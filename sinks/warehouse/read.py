"""Reading a unit-year back from the warehouse, as the canonical frames the transforms take.

:func:`unit_year_inputs` runs inside the load's transaction, so the recompute sees exactly the data
the load just wrote (and only current versions: facts hold nothing else). Frames carry the
canonical columns of ``docs/architecture.md`` plus the keys (``unit_code``, ``year``, ``month``),
the plan's display order (``sk_order``, ``indicator_order``) and ``submission_id``. RAPK and RPD
are long (one row per month, ``target`` / ``planned_rp``; NULL where the sheet was blank).
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd
from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from sinks.warehouse import schema as s
from sinks.warehouse.records import read_frame


@dataclass(frozen=True)
class UnitYearInputs:
    """Everything the transforms need to recompute one unit-year (frames are never mutated)."""

    unit_code: str
    year: int
    #: one row: dipa_number, pk_date, head_name, revision_note, submission_id (empty without a plan)
    plan_header: pd.DataFrame
    #: one row per SK: sk_code, sk_name, perspective, sk_order
    plan_sasaran: pd.DataFrame
    #: one row per indicator: sk_code, indicator_code, indicator_name, unit_of_measure, polarity, is_iku
    #: (bool), weight, annual_target, pattern, allocation_rp, indicator_order
    plan_indicator: pd.DataFrame
    #: RAPK long: one row per indicator x month: indicator_code, month, target
    plan_target: pd.DataFrame
    #: one row per RO x jenis belanja: ro_code, expense_type, ro_name, pagu_rp, pagu_after_aa_rp,
    #: volume_target, volume_unit
    plan_budget: pd.DataFrame
    #: RPD long: one row per RO x jenis belanja x month: ro_code, expense_type, month, planned_rp
    plan_rpd: pd.DataFrame
    #: Kinerja, every reported month: month, indicator_code, realisasi, numerator, denominator,
    #: spent_cum_rp, kendala, rtl, rtl_deadline, submission_id
    indicator_month: pd.DataFrame
    #: Anggaran: month, ro_code, expense_type, spent_month_rp, volume_cum, progress_pct
    budget_month: pd.DataFrame
    #: Sampling: month, commodity, method, sampled, tested, ms, tms
    sampling: pd.DataFrame
    #: Pemeriksaan: month, facility_type, inspected, mk, tmk
    inspection: pd.DataFrame
    #: Penindakan: month, case_number, stage, stage_date
    enforcement: pd.DataFrame
    #: active manual overrides: override_id, month, indicator_code, capaian_pct, reason, set_by, set_at
    overrides: pd.DataFrame
    #: every file received for the unit-year (both kinds, all versions, rejected too), oldest first
    submissions: pd.DataFrame

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames by field name (for logging and tests)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("unit_code", "year")}


def _of(conn: Connection, table: Table, unit_code: str, year: int, *extra: object) -> pd.DataFrame:
    stmt = (
        select(table)
        .where(table.c.unit_code == unit_code, table.c.year == year, *extra)
        .order_by(*table.primary_key.columns)
    )
    return read_frame(conn, stmt)


def unit_year_inputs(conn: Connection, unit_code: str, year: int) -> UnitYearInputs:
    """The current plan, every reported month, active overrides and the audit trail of a unit-year."""
    o = s.audit_capaian_override
    return UnitYearInputs(
        unit_code=unit_code,
        year=year,
        plan_header=_of(conn, s.plan_header, unit_code, year),
        plan_sasaran=_of(conn, s.plan_sasaran, unit_code, year).sort_values("sk_order", kind="stable"),
        plan_indicator=_of(conn, s.plan_indicator, unit_code, year),
        plan_target=_of(conn, s.plan_target, unit_code, year),
        plan_budget=_of(conn, s.plan_budget, unit_code, year),
        plan_rpd=_of(conn, s.plan_rpd, unit_code, year),
        indicator_month=_of(conn, s.fact_indicator_month, unit_code, year),
        budget_month=_of(conn, s.fact_budget_month, unit_code, year),
        sampling=_of(conn, s.fact_sampling, unit_code, year),
        inspection=_of(conn, s.fact_inspection, unit_code, year),
        enforcement=_of(conn, s.fact_enforcement, unit_code, year),
        overrides=_of(conn, o, unit_code, year, o.c.active.is_(True)),
        submissions=_of(conn, s.audit_submission, unit_code, year),
    )


def year_reporting_inputs(conn: Connection, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Inputs of the national completeness of a year: the units active during the year (unit_code)
    and every submission of the year (all kinds and versions, rejected included)."""
    from datetime import date

    u = s.dim_unit
    active = (select(u.c.unit_code).distinct()
              .where(u.c.valid_from <= date(year, 12, 31), (u.c.valid_to.is_(None)) | (u.c.valid_to >= date(year, 1, 1)))
              .order_by(u.c.unit_code))
    subs = select(s.audit_submission).where(s.audit_submission.c.year == year)
    return read_frame(conn, active), read_frame(conn, subs)
