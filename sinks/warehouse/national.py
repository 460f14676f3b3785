"""The national step: a year's national facts from every unit's stored and derived facts, replaced at once.

:func:`refresh_national` reads the year's inputs (:func:`year_inputs`, one statement per table), runs
``transforms.national`` and replaces the year's rows of every table of ``schema.NATIONAL_TABLES`` in
one transaction (per-year lock), so a reader sees the whole year old or the whole year new. Deriving
calls it for every year it derived unit-years of (``flows.derive.derive_unit_years``): national
figures are derived once per run, after the unit-years, like them.

No business rule lives here: the frames come from ``transforms.national``.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Table, and_, delete, insert, or_, select, true
from sqlalchemy.engine import Connection, Engine

from sinks.warehouse import db
from sinks.warehouse import schema as s
from sinks.warehouse.records import read_frame, to_records
from transforms import national


@dataclass(frozen=True)
class NationalInputs:
    """Every unit's figures of one year, as the national transforms take them."""

    #: budget roll-ups of levels 'expense_type' and 'unit', with the unit's group at the month's end
    rollups: pd.DataFrame
    #: monthly sampling facts (this month only)
    sampling: pd.DataFrame
    #: monthly inspection facts (this month only)
    inspection: pd.DataFrame
    #: monthly enforcement facts (cases that moved that month)
    enforcement: pd.DataFrame
    #: (year, month) of every current monthly report of the year
    months: pd.DataFrame
    #: quarter-end capaian rows
    capaian: pd.DataFrame
    #: plan indicators: unit_code, year, indicator_code, pattern
    plan_indicators: pd.DataFrame
    #: indicator dimension: indicator_code, unit_of_measure, in_catalogue
    catalogue: pd.DataFrame


def year_inputs(conn: Connection, year: int) -> NationalInputs:
    """The national inputs of ``year`` (current versions only: the facts hold nothing else)."""
    r, m, u = s.fact_budget_rollup_month, s.dim_month, s.dim_unit
    unit_at_month_end = and_(u.c.unit_code == r.c.unit_code, u.c.valid_from <= m.c.month_end,
                             or_(u.c.valid_to.is_(None), u.c.valid_to >= m.c.month_end))
    rollups = (select(r.c.unit_code, u.c.unit_group, r.c.year, r.c.month, r.c.level, r.c.item_code, r.c.pagu_rp,
                      r.c.pagu_after_aa_rp, r.c.spent_month_rp, r.c.spent_cum_rp)
               .select_from(r.join(m, and_(m.c.year == r.c.year, m.c.month == r.c.month))
                            .outerjoin(u, unit_at_month_end))
               .where(r.c.year == year, r.c.level.in_(["expense_type", "unit"])))
    sub = s.audit_submission
    months = (select(sub.c.year, sub.c.month).distinct()
              .where(sub.c.year == year, sub.c.kind == "bulanan", sub.c.is_current == true(), sub.c.month.is_not(None)))
    c = s.fact_capaian_month
    capaian = (select(c.c.unit_code, c.c.year, c.c.month, c.c.indicator_code, c.c.target, c.c.realisasi, c.c.measured,
                      c.c.capaian_pct)
               .where(c.c.year == year, c.c.month.in_([3, 6, 9, 12])))
    pi, di = s.plan_indicator, s.dim_indicator
    plan = select(pi.c.unit_code, pi.c.year, pi.c.indicator_code, pi.c.pattern).where(pi.c.year == year)
    catalogue = select(di.c.indicator_code, di.c.indicator_name, di.c.unit_of_measure, di.c.in_catalogue)

    def of_year(table: Table, *columns: str) -> pd.DataFrame:
        return read_frame(conn, select(*[table.c[name] for name in columns]).where(table.c.year == year))

    return NationalInputs(
        rollups=read_frame(conn, rollups),
        sampling=of_year(s.fact_sampling, "unit_code", "year", "month", "commodity", "method", "sampled", "tested",
                         "ms", "tms"),
        inspection=of_year(s.fact_inspection, "unit_code", "year", "month", "facility_type", "inspected", "mk", "tmk"),
        enforcement=of_year(s.fact_enforcement, "unit_code", "year", "month", "case_number", "stage"),
        months=read_frame(conn, months), capaian=read_frame(conn, capaian), plan_indicators=read_frame(conn, plan),
        catalogue=read_frame(conn, catalogue))


def national_facts(inputs: NationalInputs) -> dict[str, pd.DataFrame]:
    """Every national table's rows from the inputs (``transforms.national``), keyed by table name."""
    return {
        s.fact_budget_area_month.name: national.budget_areas(inputs.rollups),
        s.fact_sampling_national_month.name: national.sampling_national(inputs.sampling),
        s.fact_inspection_national_month.name: national.inspection_national(inputs.inspection),
        s.fact_enforcement_national_month.name: national.enforcement_national(inputs.enforcement, inputs.months),
        s.fact_indicator_matrix_quarter.name: national.indicator_matrix(inputs.capaian, inputs.plan_indicators,
                                                                        inputs.catalogue),
    }


def refresh_national(engine: Engine, year: int) -> dict[str, int]:
    """Derive ``year``'s national facts from what the warehouse holds now and replace them, in one
    transaction; returns rows written per table."""
    year = int(year)
    with db.write_transaction(engine, lock=("national", year)) as conn:
        facts = national_facts(year_inputs(conn, year))
        db.ensure_years(conn, [year])
        written = {}
        for table in s.NATIONAL_TABLES:
            conn.execute(delete(table).where(table.c.year == year))
            rows = to_records(facts[table.name], table) if len(facts[table.name]) else []
            if rows:
                conn.execute(insert(table), rows)
            written[table.name] = len(rows)
    return written


__all__ = ["NationalInputs", "national_facts", "refresh_national", "year_inputs"]
