"""The BI views: the stable, documented face of the warehouse (the report reads only these and dims).

Every view is a SQLAlchemy Core ``select`` rendered per dialect (``CREATE VIEW name AS ...``), so
one definition serves SQLite and PostgreSQL; window functions (``RANK() OVER``, running ``SUM``)
work on both (SQLite >= 3.30 for ``NULLS LAST``). Views select, join, sum, pivot and rank; they
never recompute a score or a percentage the transforms stored.

Unit name and type come from the ``dim_unit`` row valid on the period's last day (month end,
quarter end, 31 December for plans): :func:`_unit_at` is the one SCD2 join.

:data:`VIEWS` is the one registry: a :class:`View` per view (name, grain, the builder of its select,
its columns), in creation order. Everything else comes from it: the names migrations and BI roles
use, the column contract, the data dictionary and the views table of ``docs/architecture.md``
(``sinks.warehouse.dictionary``). :func:`read_view` reads a view into a typed DataFrame on both dialects.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    and_,
    case,
    column,
    false,
    func,
    literal,
    null,
    or_,
    select,
    table,
    true,
    union,
    union_all,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.expression import TableClause

from sinks.warehouse import records, roles
from sinks.warehouse import schema as s
from transforms.budget import TOTAL_CODE as BUDGET_TOTAL
from transforms.national import AREA_ORDER
from transforms.national import NATIONAL as NATIONAL_AREA

#: The name of the whole budget's row (expense_type 'TOTAL') of the national budget view.
BUDGET_TOTAL_NAME = "Jumlah"

MONTH_COLUMNS = tuple(f"b{m:02d}" for m in range(1, 13))
#: The partial flags every national view ends with (``_reporting_counts``).
_PARTIAL = ("units_expected", "units_reported", "is_partial")


@dataclass(frozen=True)
class View:
    """One BI view, defined once.

    ``grain`` is its one-line meaning ("One row per ..."), shown in the data dictionary and the
    views table of ``docs/architecture.md``; ``build`` makes its select; ``columns`` are its columns
    in order: the contract the report and BI tools code against (a test holds ``build`` to them).
    """

    name: str
    grain: str
    build: Callable[[], Select]
    columns: tuple[str, ...]


def _unit_at(unit_code: ColumnElement, day: ColumnElement, name: str = "u") -> tuple[Any, ColumnElement]:
    """``dim_unit`` aliased, and the condition picking the row of ``unit_code`` valid on ``day``."""
    u = s.dim_unit.alias(name)
    cond = and_(
        u.c.unit_code == unit_code,
        u.c.valid_from <= day,
        or_(u.c.valid_to.is_(None), u.c.valid_to >= day),
    )
    return u, cond


def _same(a: Any, b: Any, *names: str) -> ColumnElement:
    return and_(*[a.c[n] == b.c[n] for n in names])


def v_indicator_capaian() -> Select:
    c = s.fact_capaian_month.alias("c")
    m = s.dim_month.alias("m")
    pi = s.plan_indicator.alias("pi")
    ps = s.plan_sasaran.alias("ps")
    f = s.fact_indicator_month.alias("f")
    u, at = _unit_at(c.c.unit_code, m.c.month_end)
    sk_code = func.coalesce(c.c.sk_code, pi.c.sk_code)
    joined = (
        c.outerjoin(m, _same(m, c, "year", "month"))
        .outerjoin(u, at)
        .outerjoin(pi, _same(pi, c, "unit_code", "year", "indicator_code"))
        .outerjoin(ps, and_(_same(ps, c, "unit_code", "year"), ps.c.sk_code == sk_code))
        .outerjoin(f, _same(f, c, "unit_code", "year", "month", "indicator_code"))
    )
    return select(
        c.c.unit_code, u.c.name.label("unit_name"), u.c.unit_type, c.c.year, c.c.month,
        func.coalesce(c.c.quarter, m.c.quarter).label("quarter"), sk_code.label("sk_code"), ps.c.sk_name,
        ps.c.sk_order, ps.c.perspective, c.c.indicator_code, pi.c.indicator_name, pi.c.indicator_order,
        pi.c.unit_of_measure, pi.c.pattern, pi.c.is_iku, c.c.weight, pi.c.annual_target, c.c.target,
        c.c.realisasi, c.c.numerator, c.c.denominator, c.c.measured, c.c.capaian_raw_pct, c.c.capaian_pct,
        c.c.kriteria, c.c.override_id, f.c.kendala, f.c.rtl, f.c.rtl_deadline, c.c.spent_cum_rp,
        pi.c.allocation_rp,
    ).select_from(joined)


def v_score() -> Select:
    sc = s.fact_score_quarter.alias("sc")
    m = s.dim_month.alias("m")
    pi = s.plan_indicator.alias("pi")
    ps = s.plan_sasaran.alias("ps")
    dp = s.dim_perspective.alias("dp")
    u, at = _unit_at(sc.c.unit_code, m.c.month_end)
    level = sc.c.level
    joined = (
        sc.outerjoin(m, and_(m.c.year == sc.c.year, m.c.month == sc.c.quarter * 3))
        .outerjoin(u, at)
        .outerjoin(pi, and_(level == "indicator", _same(pi, sc, "unit_code", "year"),
                            pi.c.indicator_code == sc.c.item_code))
        .outerjoin(ps, and_(level == "sasaran", _same(ps, sc, "unit_code", "year"), ps.c.sk_code == sc.c.item_code))
        .outerjoin(dp, and_(level == "perspective", dp.c.perspective == sc.c.item_code))
    )
    item_name = case(
        (level == "indicator", pi.c.indicator_name),
        (level == "sasaran", ps.c.sk_name),
        (level == "perspective", func.coalesce(dp.c.perspective_name, sc.c.item_code)),
        (level == "total", literal("NPS TOTAL")),
        else_=sc.c.item_code,
    )
    item_order = case(
        (level == "indicator", pi.c.indicator_order),
        (level == "sasaran", ps.c.sk_order),
        (level == "perspective", dp.c.perspective_order),
        else_=literal(1),
    )
    return select(
        sc.c.unit_code, u.c.name.label("unit_name"), u.c.unit_type, u.c.unit_group, sc.c.year, sc.c.quarter,
        sc.c.level, sc.c.item_code, item_name.label("item_name"), sc.c.parent_code, item_order.label("item_order"),
        sc.c.value_raw_pct, sc.c.value_pct, sc.c.kriteria, sc.c.n_measured, sc.c.policy_id,
    ).select_from(joined)


def _rollup(level: str, name: str = "r") -> Any:
    r = s.fact_budget_rollup_month.alias(name)
    return r, r.c.level == level


def v_budget_ro() -> Select:
    r, is_ro = _rollup("ro")
    m = s.dim_month.alias("m")
    u, at = _unit_at(r.c.unit_code, m.c.month_end)
    d = s.dim_ro.alias("d")
    pb = s.plan_budget
    plan = (
        select(pb.c.unit_code, pb.c.year, pb.c.ro_code, func.max(pb.c.ro_name).label("ro_name"),
               func.max(pb.c.volume_unit).label("volume_unit"))
        .group_by(pb.c.unit_code, pb.c.year, pb.c.ro_code)
        .subquery("p")
    )
    bl = s.fact_budget_line_month
    # volume is stated per RO; its jenis belanja lines repeat it (or leave it blank): take the max
    lines = (
        select(bl.c.unit_code, bl.c.year, bl.c.month, bl.c.ro_code,
               func.max(bl.c.volume_target).label("volume_target"), func.max(bl.c.volume_cum).label("volume_cum"),
               func.max(bl.c.volume_pct).label("volume_pct"), func.max(bl.c.progress_pct).label("progress_pct"))
        .group_by(bl.c.unit_code, bl.c.year, bl.c.month, bl.c.ro_code)
        .subquery("l")
    )
    joined = (
        r.outerjoin(m, _same(m, r, "year", "month"))
        .outerjoin(u, at)
        .outerjoin(d, d.c.ro_code == r.c.item_code)
        .outerjoin(plan, and_(_same(plan, r, "unit_code", "year"), plan.c.ro_code == r.c.item_code))
        .outerjoin(lines, and_(_same(lines, r, "unit_code", "year", "month"), lines.c.ro_code == r.c.item_code))
    )
    return select(
        r.c.unit_code, u.c.name.label("unit_name"), r.c.year, r.c.month,
        func.coalesce(r.c.quarter, m.c.quarter).label("quarter"), r.c.item_code.label("ro_code"),
        func.coalesce(plan.c.ro_name, d.c.ro_name).label("ro_name"), r.c.pagu_rp, r.c.pagu_after_aa_rp,
        r.c.spent_month_rp, r.c.spent_cum_rp, r.c.planned_cum_rp, r.c.realisation_pct, r.c.realisation_aa_pct,
        r.c.deviation_pct, lines.c.volume_target, func.coalesce(plan.c.volume_unit, d.c.volume_unit).label("volume_unit"),
        lines.c.volume_cum, lines.c.volume_pct, lines.c.progress_pct,
    ).select_from(joined).where(is_ro)


def v_budget_expense_type() -> Select:
    r, is_level = _rollup("expense_type")
    m = s.dim_month.alias("m")
    e = s.dim_expense_type.alias("e")
    joined = r.outerjoin(m, _same(m, r, "year", "month")).outerjoin(e, e.c.expense_type == r.c.item_code)
    return select(
        r.c.unit_code, r.c.year, r.c.month, func.coalesce(r.c.quarter, m.c.quarter).label("quarter"),
        r.c.item_code.label("expense_type"), e.c.expense_type_name, r.c.pagu_rp, r.c.pagu_after_aa_rp,
        r.c.spent_cum_rp, r.c.planned_cum_rp, r.c.realisation_pct, r.c.realisation_aa_pct,
    ).select_from(joined).where(is_level)


def _budget_unit() -> Select:
    r, is_unit = _rollup("unit")
    m = s.dim_month.alias("m")
    u, at = _unit_at(r.c.unit_code, m.c.month_end)
    joined = r.outerjoin(m, _same(m, r, "year", "month")).outerjoin(u, at)
    return select(
        r.c.unit_code, u.c.name.label("unit_name"), u.c.unit_type, u.c.unit_group, r.c.year, r.c.month,
        func.coalesce(r.c.quarter, m.c.quarter).label("quarter"), r.c.pagu_rp, r.c.pagu_after_aa_rp,
        r.c.spent_month_rp, r.c.spent_cum_rp, r.c.planned_month_rp, r.c.planned_cum_rp, r.c.realisation_pct,
        r.c.realisation_aa_pct, r.c.deviation_pct,
    ).select_from(joined).where(is_unit)


def v_budget_unit() -> Select:
    return _budget_unit()


def v_budget_ranking() -> Select:
    b = _budget_unit().subquery("b")
    group = [b.c.year, b.c.month, b.c.unit_group]
    return select(
        b.c.year, b.c.month, b.c.quarter, b.c.unit_group, b.c.unit_code, b.c.unit_name, b.c.pagu_after_aa_rp,
        b.c.spent_cum_rp, b.c.realisation_aa_pct,
        func.rank().over(partition_by=group, order_by=b.c.realisation_aa_pct.desc().nulls_last()).label("rank_in_group"),
        func.count().over(partition_by=group).label("units_in_group"), b.c.pagu_rp, b.c.realisation_pct,
    )


def v_efficiency() -> Select:
    e = s.fact_efficiency_quarter.alias("e")
    pi = s.plan_indicator.alias("pi")
    ps = s.plan_sasaran.alias("ps")
    sk_code = func.coalesce(e.c.sk_code, pi.c.sk_code)
    joined = (
        e.outerjoin(pi, _same(pi, e, "unit_code", "year", "indicator_code"))
        .outerjoin(ps, and_(_same(ps, e, "unit_code", "year"), ps.c.sk_code == sk_code))
    )
    return select(
        e.c.unit_code, e.c.year, e.c.quarter, sk_code.label("sk_code"), ps.c.sk_order, e.c.indicator_code,
        func.coalesce(pi.c.indicator_name, e.c.indicator_code).label("indicator_name"), pi.c.indicator_order,
        e.c.input_pagu_rp, e.c.input_realisasi_rp, e.c.input_pct, e.c.output_target, e.c.output_realisasi,
        e.c.output_pct, e.c.ie, e.c.se, e.c.te, e.c.kategori,
    ).select_from(joined)


def v_budget_indicator() -> Select:
    b = s.fact_budget_indicator_month.alias("b")
    m = s.dim_month.alias("m")
    pi = s.plan_indicator.alias("pi")
    ps = s.plan_sasaran.alias("ps")
    u, at = _unit_at(b.c.unit_code, m.c.month_end)
    is_indicator = b.c.level == "indicator"
    sk_code = case((is_indicator, b.c.parent_code), else_=b.c.item_code)
    joined = (
        b.outerjoin(m, _same(m, b, "year", "month"))
        .outerjoin(u, at)
        .outerjoin(pi, and_(is_indicator, _same(pi, b, "unit_code", "year"), pi.c.indicator_code == b.c.item_code))
        .outerjoin(ps, and_(_same(ps, b, "unit_code", "year"), ps.c.sk_code == sk_code))
    )
    return select(
        b.c.unit_code, u.c.name.label("unit_name"), b.c.year, b.c.month,
        func.coalesce(b.c.quarter, m.c.quarter).label("quarter"), b.c.level, sk_code.label("sk_code"), ps.c.sk_name,
        ps.c.sk_order, case((is_indicator, b.c.item_code)).label("indicator_code"), pi.c.indicator_name,
        pi.c.indicator_order, b.c.allocation_rp, b.c.spent_month_rp, b.c.spent_qtd_rp, b.c.spent_cum_rp,
        b.c.realisation_pct,
    ).select_from(joined)


def _columns_from(view: str, first: str) -> tuple[str, ...]:
    """The declared columns of ``view`` from ``first`` on (those a view passes through from its fact)."""
    columns = VIEWS[view].columns
    return columns[columns.index(first):]


def _operations_frame(fact: Any, dim: Any, key: str) -> tuple[Any, Any, Any, Any, Any]:
    """A sampling or inspection fact joined to its month (for the quarter), the unit as it was at the
    month's end, and its commodity or facility-type dimension (on ``key``): (f, m, u, d, joined)."""
    f, m, d = fact.alias("f"), s.dim_month.alias("m"), dim.alias("d")
    u, at = _unit_at(f.c.unit_code, m.c.month_end)
    joined = f.outerjoin(m, _same(m, f, "year", "month")).outerjoin(u, at).outerjoin(d, d.c[key] == f.c[key])
    return f, m, u, d, joined


def v_sampling() -> Select:
    f, m, u, d, joined = _operations_frame(s.fact_sampling, s.dim_commodity, "commodity")
    return select(
        f.c.unit_code, u.c.name.label("unit_name"), f.c.year, f.c.month, m.c.quarter, f.c.commodity,
        d.c.commodity_name, d.c.supergroup, f.c.method, f.c.sampled, f.c.tested, f.c.ms, f.c.tms,
    ).select_from(joined)


def v_inspection() -> Select:
    f, m, u, d, joined = _operations_frame(s.fact_inspection, s.dim_facility_type, "facility_type")
    return select(
        f.c.unit_code, u.c.name.label("unit_name"), f.c.year, f.c.month, m.c.quarter, f.c.facility_type,
        d.c.facility_name, d.c.reporting_group, f.c.inspected, f.c.mk, f.c.tmk,
    ).select_from(joined)


def v_sampling_ytd() -> Select:
    f, m, u, d, joined = _operations_frame(s.fact_sampling_ytd, s.dim_commodity, "commodity")
    return select(
        f.c.unit_code, u.c.name.label("unit_name"), f.c.year, f.c.month,
        func.coalesce(f.c.quarter, m.c.quarter).label("quarter"), f.c.commodity,
        func.coalesce(d.c.commodity_name, f.c.commodity).label("commodity_name"), d.c.supergroup, f.c.method,
        *[f.c[name] for name in _columns_from("v_sampling_ytd", "sampled")],
    ).select_from(joined)


def v_inspection_ytd() -> Select:
    f, m, u, d, joined = _operations_frame(s.fact_inspection_ytd, s.dim_facility_type, "facility_type")
    return select(
        f.c.unit_code, u.c.name.label("unit_name"), f.c.year, f.c.month,
        func.coalesce(f.c.quarter, m.c.quarter).label("quarter"), f.c.facility_type,
        func.coalesce(d.c.facility_name, f.c.facility_type).label("facility_name"), d.c.reporting_group,
        *[f.c[name] for name in _columns_from("v_inspection_ytd", "inspected")],
    ).select_from(joined)


def v_reconciliation() -> Select:
    r = s.fact_reconciliation_month
    return select(
        r.c.unit_code, r.c.year, r.c.month, r.c.indicator_code, r.c.realisasi, r.c.derived_pct, r.c.difference,
        r.c.agrees,
    )


def v_reporting_completeness() -> Select:
    st = s.fact_reporting_status.alias("st")
    m = s.dim_month.alias("m")
    u, at = _unit_at(st.c.unit_code, m.c.month_end)
    joined = st.outerjoin(m, _same(m, st, "year", "month")).outerjoin(u, at)
    return select(
        st.c.unit_code, u.c.name.label("unit_name"), u.c.unit_group, st.c.year, st.c.month, st.c.expected,
        st.c.received, st.c.on_time, st.c.accepted, st.c.first_received_at, st.c.last_received_at,
        st.c.n_versions,
    ).select_from(joined)


def v_plan_indicator() -> Select:
    pi = s.plan_indicator.alias("pi")
    ps = s.plan_sasaran.alias("ps")
    t = s.plan_target
    pivot = (
        select(
            t.c.unit_code, t.c.year, t.c.indicator_code,
            *[func.max(case((t.c.month == i, t.c.target))).label(name) for i, name in enumerate(MONTH_COLUMNS, 1)],
        )
        .group_by(t.c.unit_code, t.c.year, t.c.indicator_code)
        .subquery("t")
    )
    joined = (
        pi.outerjoin(ps, and_(_same(ps, pi, "unit_code", "year", "sk_code")))
        .outerjoin(pivot, _same(pivot, pi, "unit_code", "year", "indicator_code"))
    )
    return select(
        pi.c.unit_code, pi.c.year, pi.c.sk_code, ps.c.sk_name, ps.c.sk_order, ps.c.perspective, pi.c.indicator_code,
        pi.c.indicator_name, pi.c.indicator_order, pi.c.unit_of_measure, pi.c.polarity, pi.c.is_iku, pi.c.weight,
        pi.c.annual_target, pi.c.pattern, pi.c.allocation_rp, *[pivot.c[name] for name in MONTH_COLUMNS],
    ).select_from(joined)


def v_plan_header() -> Select:
    h = s.plan_header.alias("h")
    m = s.dim_month.alias("m")
    u, at = _unit_at(h.c.unit_code, m.c.month_end)
    pb = s.plan_budget
    totals = (
        select(pb.c.unit_code, pb.c.year, func.sum(pb.c.pagu_rp).label("pagu_rp"),
               func.sum(pb.c.pagu_after_aa_rp).label("pagu_after_aa_rp"),
               func.count(pb.c.ro_code.distinct()).label("n_ro"))
        .group_by(pb.c.unit_code, pb.c.year)
        .subquery("b")
    )
    joined = (
        h.outerjoin(m, and_(m.c.year == h.c.year, m.c.month == 12))
        .outerjoin(u, at)
        .outerjoin(totals, _same(totals, h, "unit_code", "year"))
    )
    return select(
        h.c.unit_code, u.c.name.label("unit_name"), u.c.unit_type, u.c.province, h.c.year, h.c.dipa_number,
        h.c.pk_date, h.c.head_name, totals.c.pagu_rp, totals.c.pagu_after_aa_rp,
        func.coalesce(totals.c.n_ro, 0).label("n_ro"),
    ).select_from(joined)


def v_rpd_month() -> Select:
    rpd = s.plan_rpd
    plan = (
        select(rpd.c.unit_code, rpd.c.year, rpd.c.month,
               func.coalesce(func.sum(rpd.c.planned_rp), 0.0).label("planned_month_rp"))
        .group_by(rpd.c.unit_code, rpd.c.year, rpd.c.month)
        .subquery("p")
    )
    r, is_unit = _rollup("unit")
    joined = plan.outerjoin(r, and_(_same(r, plan, "unit_code", "year", "month"), is_unit))
    planned_cum = func.sum(plan.c.planned_month_rp).over(
        partition_by=[plan.c.unit_code, plan.c.year], order_by=plan.c.month
    )
    return select(
        plan.c.unit_code, plan.c.year, plan.c.month, plan.c.planned_month_rp, planned_cum.label("planned_cum_rp"),
        r.c.spent_month_rp, r.c.spent_cum_rp,
    ).select_from(joined)


def v_capaian_override() -> Select:
    o = s.audit_capaian_override.alias("o")
    m = s.dim_month.alias("m")
    pi = s.plan_indicator.alias("pi")
    c = s.fact_capaian_month.alias("c")
    u, at = _unit_at(o.c.unit_code, m.c.month_end)
    joined = (
        o.outerjoin(m, _same(m, o, "year", "month"))
        .outerjoin(u, at)
        .outerjoin(pi, _same(pi, o, "unit_code", "year", "indicator_code"))
        .outerjoin(c, _same(c, o, "unit_code", "year", "month", "indicator_code"))
    )
    applied = case((c.c.override_id == o.c.override_id, true()), else_=false())
    return select(
        o.c.override_id, o.c.unit_code, u.c.name.label("unit_name"), o.c.year, o.c.month, m.c.quarter,
        pi.c.sk_code, o.c.indicator_code, pi.c.indicator_name, o.c.capaian_pct, c.c.capaian_raw_pct,
        applied.label("applied"), o.c.reason, o.c.set_by, o.c.set_at, o.c.active, o.c.deactivated_at,
        o.c.deactivated_by,
    ).select_from(joined)


def v_submission() -> Select:
    a = s.audit_submission
    return select(*[a.c[name] for name in VIEWS["v_submission"].columns])


def v_outlier() -> Select:
    """Outliers of current monthly files, each with its newest follow-up mark on the same value (if any)."""
    o, a, m = s.audit_outlier.alias("o"), s.audit_submission.alias("a"), s.dim_month.alias("m")
    f = s.audit_outlier_followup
    keys = ("unit_code", "year", "month", "sheet", "item_code", "column", "value")
    newest = select(func.max(f.c.followup_id).label("followup_id"), *[f.c[k] for k in keys]) \
        .group_by(*[f.c[k] for k in keys]).subquery("newest")
    fu = f.alias("fu")
    u, at = _unit_at(o.c.unit_code, m.c.month_end)
    joined = (
        o.join(a, and_(a.c.submission_id == o.c.submission_id, a.c.is_current.is_(True)))
        .outerjoin(m, _same(m, o, "year", "month"))
        .outerjoin(u, at)
        .outerjoin(newest, and_(*[newest.c[k] == o.c[k] for k in keys]))
        .outerjoin(fu, fu.c.followup_id == newest.c.followup_id)
    )
    status = case((fu.c.followup_id.is_not(None), literal("checked")), else_=literal("open"))
    return select(
        o.c.outlier_id, o.c.submission_id, o.c.unit_code, u.c.name.label("unit_name"), o.c.year, o.c.month,
        o.c.sheet, o.c.cell, o.c.source, o.c.item_code, o.c.column, o.c.value, o.c.kind, o.c.measure,
        o.c.direction, o.c.method, o.c.score, o.c.n_history, o.c.median, o.c.previous, o.c.year_min, o.c.year_max,
        o.c.past_min, o.c.past_max, status.label("status"), fu.c.followup_id, fu.c.checked_by, fu.c.checked_role,
        fu.c.checked_at, fu.c.reason,
    ).select_from(joined)


def _span(view: str, first: str, last: str) -> tuple[str, ...]:
    """The declared columns of ``view`` from ``first`` to ``last`` (those it passes through from its fact)."""
    columns = VIEWS[view].columns
    return columns[columns.index(first):columns.index(last) + 1]


def _reporting_counts() -> Any:
    """Per year x month x area (each unit group, and the country): units expected to send the month's
    report and units whose report was received (``fact_reporting_status``; the unit's group at the
    month's end). The partial flags of the national views join this."""
    st = s.fact_reporting_status.alias("st")
    m = s.dim_month.alias("m")
    u, at = _unit_at(st.c.unit_code, m.c.month_end)
    joined = st.join(m, _same(m, st, "year", "month")).outerjoin(u, at)
    expected = func.sum(case((st.c.expected == true(), 1), else_=0)).label("units_expected")
    reported = func.sum(case((and_(st.c.expected == true(), st.c.received == true()), 1), else_=0)).label(
        "units_reported")
    groups = (select(st.c.year, st.c.month, u.c.unit_group.label("area"), expected, reported)
              .select_from(joined).where(u.c.unit_group.is_not(None)).group_by(st.c.year, st.c.month, u.c.unit_group))
    country = (select(st.c.year, st.c.month, literal(NATIONAL_AREA).label("area"), expected, reported)
               .select_from(joined).group_by(st.c.year, st.c.month))
    return union_all(groups, country).subquery("rep")


def _partial(rep: Any) -> tuple[ColumnElement, ...]:
    """units_expected, units_reported and is_partial (NULL when the month's completeness is unknown)."""
    partial = case((rep.c.units_expected.is_(None), null()), else_=rep.c.units_reported < rep.c.units_expected)
    return rep.c.units_expected, rep.c.units_reported, partial.label("is_partial")


def _national_rep(rep: Any, year: ColumnElement, month: ColumnElement) -> ColumnElement:
    return and_(rep.c.year == year, rep.c.month == month, rep.c.area == NATIONAL_AREA)


def v_national_reporting() -> Select:
    rep = _reporting_counts()
    m = s.dim_month.alias("m")
    order = case(*[(rep.c.area == area, literal(i)) for area, i in AREA_ORDER.items()], else_=literal(len(AREA_ORDER)))
    level = case((rep.c.area == NATIONAL_AREA, literal("national")), else_=literal("group"))
    return select(
        rep.c.year, rep.c.month, m.c.quarter, level.label("area_level"), rep.c.area, order.label("area_order"),
        rep.c.units_expected, rep.c.units_reported, (rep.c.units_expected - rep.c.units_reported).label("units_missing"),
        (rep.c.units_reported < rep.c.units_expected).label("is_partial"),
    ).select_from(rep.outerjoin(m, _same(m, rep, "year", "month")))


def v_budget_national() -> Select:
    b = s.fact_budget_area_month.alias("b")
    e = s.dim_expense_type.alias("e")
    rep = _reporting_counts()
    joined = (b.outerjoin(e, e.c.expense_type == b.c.expense_type)
              .outerjoin(rep, and_(_same(rep, b, "year", "month", "area"))))
    name = case((b.c.expense_type == BUDGET_TOTAL, literal(BUDGET_TOTAL_NAME)), else_=e.c.expense_type_name)
    return select(
        b.c.year, b.c.month, b.c.quarter, b.c.area_level, b.c.area, b.c.area_order, b.c.expense_type,
        name.label("expense_type_name"), *[b.c[c] for c in _span("v_budget_national", "pagu_rp", "realisation_aa_pct")],
        b.c.units_in_figures, *_partial(rep),
    ).select_from(joined)


def v_sampling_national() -> Select:
    f = s.fact_sampling_national_month.alias("f")
    d = s.dim_commodity.alias("d")
    rep = _reporting_counts()
    joined = (f.outerjoin(d, d.c.commodity == f.c.commodity)
              .outerjoin(rep, _national_rep(rep, f.c.year, f.c.month)))
    return select(
        f.c.year, f.c.month, f.c.quarter, f.c.commodity,
        func.coalesce(d.c.commodity_name, f.c.commodity).label("commodity_name"), d.c.supergroup, f.c.method,
        *[f.c[c] for c in _span("v_sampling_national", "sampled", "tms_cum_pct")], f.c.units_in_figures, *_partial(rep),
    ).select_from(joined)


def v_inspection_national() -> Select:
    f = s.fact_inspection_national_month.alias("f")
    d = s.dim_facility_type.alias("d")
    rep = _reporting_counts()
    joined = (f.outerjoin(d, d.c.facility_type == f.c.facility_type)
              .outerjoin(rep, _national_rep(rep, f.c.year, f.c.month)))
    return select(
        f.c.year, f.c.month, f.c.quarter, f.c.facility_type,
        func.coalesce(d.c.facility_name, f.c.facility_type).label("facility_name"), d.c.reporting_group,
        *[f.c[c] for c in _span("v_inspection_national", "inspected", "tmk_cum_pct")], f.c.units_in_figures,
        *_partial(rep),
    ).select_from(joined)


def v_enforcement_national() -> Select:
    f = s.fact_enforcement_national_month.alias("f")
    rep = _reporting_counts()
    joined = f.outerjoin(rep, _national_rep(rep, f.c.year, f.c.month))
    return select(
        f.c.year, f.c.month, f.c.quarter, f.c.stage, f.c.stage_order, f.c.cases_at_stage, f.c.cases_moved_month,
        *_partial(rep),
    ).select_from(joined)


def v_indicator_matrix() -> Select:
    x = s.fact_indicator_matrix_quarter.alias("x")
    d = s.dim_indicator.alias("d")
    rep = _reporting_counts()
    joined = (x.outerjoin(d, d.c.indicator_code == x.c.indicator_code)
              .outerjoin(rep, _national_rep(rep, x.c.year, x.c.quarter * 3)))
    return select(
        x.c.year, x.c.quarter, x.c.indicator_code, d.c.indicator_name, d.c.unit_of_measure,
        *[x.c[c] for c in _span("v_indicator_matrix", "summable", "units_below_target")], *_partial(rep),
    ).select_from(joined)


def v_efficiency_sasaran() -> Select:
    e = s.fact_efficiency_sasaran_quarter.alias("e")
    m = s.dim_month.alias("m")
    ps = s.plan_sasaran.alias("ps")
    u, at = _unit_at(e.c.unit_code, m.c.month_end)
    joined = (e.outerjoin(m, and_(m.c.year == e.c.year, m.c.month == e.c.quarter * 3))
              .outerjoin(u, at)
              .outerjoin(ps, and_(_same(ps, e, "unit_code", "year", "sk_code"))))
    return select(
        e.c.unit_code, u.c.name.label("unit_name"), e.c.year, e.c.quarter, e.c.sk_code, ps.c.sk_name, ps.c.sk_order,
        ps.c.perspective, *[e.c[c] for c in _columns_from("v_efficiency_sasaran", "input_pagu_rp")],
    ).select_from(joined)


#: Approval steps of a quarter (``control_quarter_event.step``) and how the centre reads them; a quarter with
#: monthly data but no step yet is ``belum_diajukan`` (the one list of labels: ``flows.controls`` uses it).
APPROVAL_LABELS = {"belum_diajukan": "Belum diajukan", "diajukan": "Diajukan", "diverifikasi": "Diverifikasi",
                   "disetujui": "Disetujui", "dibuka_kembali": "Dibuka kembali"}


def v_quarter_approval() -> Select:
    e = s.control_quarter_event
    a = s.audit_submission
    m = s.dim_month
    keys = ("unit_code", "year", "quarter")
    loaded = (
        select(a.c.unit_code, a.c.year, m.c.quarter, func.count(a.c.month.distinct()).label("months_loaded"))
        .select_from(a.join(m, and_(m.c.year == a.c.year, m.c.month == a.c.month)))
        .where(a.c.kind == "bulanan", a.c.is_current == true(), a.c.verdict != "rejected")
        .group_by(a.c.unit_code, a.c.year, m.c.quarter)
        .subquery("l")
    )
    ranked = select(
        e, func.row_number().over(partition_by=[e.c[k] for k in keys], order_by=e.c.event_id.desc()).label("rn"),
        func.row_number().over(partition_by=[*[e.c[k] for k in keys], e.c.step],
                               order_by=e.c.event_id.desc()).label("rn_step"),
    ).subquery("r")

    def latest(step: str, col: str) -> Any:
        return func.max(case((and_(ranked.c.step == step, ranked.c.rn_step == 1), ranked.c[col])))

    steps = (
        select(
            *[ranked.c[k] for k in keys],
            func.max(case((ranked.c.rn == 1, ranked.c.step))).label("state"),
            func.max(case((ranked.c.rn == 1, ranked.c.actor))).label("state_by"),
            func.max(case((ranked.c.rn == 1, ranked.c.at))).label("state_at"),
            latest("diajukan", "actor").label("submitted_by"), latest("diajukan", "at").label("submitted_at"),
            latest("diverifikasi", "actor").label("verified_by"), latest("diverifikasi", "at").label("verified_at"),
            latest("disetujui", "actor").label("approved_by"), latest("disetujui", "at").label("approved_at"),
            latest("dibuka_kembali", "actor").label("reopened_by"),
            latest("dibuka_kembali", "at").label("reopened_at"),
            latest("dibuka_kembali", "reason").label("reopen_reason"),
            func.max(case((ranked.c.step == "disetujui", ranked.c.event_id))).label("approval_event_id"),
            func.count().label("n_steps"),
        )
        .group_by(*[ranked.c[k] for k in keys])
        .subquery("st")
    )
    base = union(select(*[loaded.c[k] for k in keys]), select(*[steps.c[k] for k in keys])).subquery("b")
    end = s.dim_month.alias("qe")
    u, at = _unit_at(base.c.unit_code, end.c.month_end)
    joined = (
        base.outerjoin(loaded, _same(loaded, base, *keys))
        .outerjoin(steps, _same(steps, base, *keys))
        .outerjoin(end, and_(end.c.year == base.c.year, end.c.month == base.c.quarter * 3))
        .outerjoin(u, at)
    )
    state = func.coalesce(steps.c.state, "belum_diajukan")
    label = case(*[(state == k, v) for k, v in APPROVAL_LABELS.items()], else_=state)
    approved = case((steps.c.state == "disetujui", steps.c.approval_event_id))
    return select(
        base.c.unit_code, u.c.name.label("unit_name"), base.c.year, base.c.quarter, state.label("state"),
        label.label("state_label"), steps.c.state_by, steps.c.state_at,
        func.coalesce(loaded.c.months_loaded, 0).label("months_loaded"),
        steps.c.submitted_by, steps.c.submitted_at, steps.c.verified_by, steps.c.verified_at, steps.c.approved_by,
        steps.c.approved_at, steps.c.reopened_by, steps.c.reopened_at, steps.c.reopen_reason,
        approved.label("approval_event_id"), func.coalesce(steps.c.n_steps, 0).label("n_steps"),
    ).select_from(joined)


def _registry(*entries: View) -> Mapping[str, View]:
    by_name = {view.name: view for view in entries}
    if len(by_name) != len(entries):
        raise ValueError("two views share a name")
    return MappingProxyType(by_name)


#: Every BI view, by name, in creation order (a view reading another comes after it): the one
#: definition of each view's name, grain, select and columns.
VIEWS: Mapping[str, View] = _registry(
    View("v_indicator_capaian",
         grain="One row per unit x year x month x indicator: target, realisation, capaian and kriteria with the "
               "plan's labels (SK, perspective, order) and the steward's kendala/RTL.",
         build=v_indicator_capaian,
         columns=("unit_code", "unit_name", "unit_type", "year", "month", "quarter", "sk_code", "sk_name", "sk_order",
                  "perspective", "indicator_code", "indicator_name", "indicator_order", "unit_of_measure", "pattern",
                  "is_iku", "weight", "annual_target", "target", "realisasi", "numerator", "denominator", "measured",
                  "capaian_raw_pct", "capaian_pct", "kriteria", "override_id", "kendala", "rtl", "rtl_deadline",
                  "spent_cum_rp", "allocation_rp")),
    View("v_score",
         grain="One row per unit x year x quarter x level x item: indicator capaian, NPS per SK, perspective scores "
               "and NPS TOTAL, with names and display order.",
         build=v_score,
         columns=("unit_code", "unit_name", "unit_type", "unit_group", "year", "quarter", "level", "item_code",
                  "item_name", "parent_code", "item_order", "value_raw_pct", "value_pct", "kriteria", "n_measured",
                  "policy_id")),
    View("v_budget_ro",
         grain="One row per unit x year x month x rincian output: pagu, spending (month and cumulative), RPD plan, "
               "realisation and volume.",
         build=v_budget_ro,
         columns=("unit_code", "unit_name", "year", "month", "quarter", "ro_code", "ro_name", "pagu_rp",
                  "pagu_after_aa_rp", "spent_month_rp", "spent_cum_rp", "planned_cum_rp", "realisation_pct",
                  "realisation_aa_pct", "deviation_pct", "volume_target", "volume_unit", "volume_cum", "volume_pct",
                  "progress_pct")),
    View("v_budget_expense_type",
         grain="One row per unit x year x month x jenis belanja (51/52/53): pagu, cumulative spending and "
               "realisation.",
         build=v_budget_expense_type,
         columns=("unit_code", "year", "month", "quarter", "expense_type", "expense_type_name", "pagu_rp",
                  "pagu_after_aa_rp", "spent_cum_rp", "planned_cum_rp", "realisation_pct", "realisation_aa_pct")),
    View("v_budget_unit",
         grain="One row per unit x year x month: the unit's whole budget, spending, RPD plan, realisation and "
               "deviation.",
         build=v_budget_unit,
         columns=("unit_code", "unit_name", "unit_type", "unit_group", "year", "month", "quarter", "pagu_rp",
                  "pagu_after_aa_rp", "spent_month_rp", "spent_cum_rp", "planned_month_rp", "planned_cum_rp",
                  "realisation_pct", "realisation_aa_pct", "deviation_pct")),
    View("v_budget_ranking",
         grain="One row per unit x year x month: realisation against pagu setelah AA ranked within the unit group "
               "(Pusat / Balai Besar-Balai / Loka), with the realisation against pagu beside it.",
         build=v_budget_ranking,
         columns=("year", "month", "quarter", "unit_group", "unit_code", "unit_name", "pagu_after_aa_rp",
                  "spent_cum_rp", "realisation_aa_pct", "rank_in_group", "units_in_group", "pagu_rp",
                  "realisation_pct")),
    View("v_efficiency",
         grain="One row per unit x year x quarter x indicator (plus indicator_code 'TOTAL' for the unit): input, "
               "output, IE, SE, TE and kategori.",
         build=v_efficiency,
         columns=("unit_code", "year", "quarter", "sk_code", "sk_order", "indicator_code", "indicator_name",
                  "indicator_order", "input_pagu_rp", "input_realisasi_rp", "input_pct", "output_target",
                  "output_realisasi", "output_pct", "ie", "se", "te", "kategori")),
    View("v_budget_indicator",
         grain="One row per unit x year x reported month x level x item: spending attributed to each PK indicator "
               "(level 'indicator') and summed over each SK's indicators (level 'sasaran') against the allocation, "
               "with month, quarter-to-date and cumulative amounts and realisation %.",
         build=v_budget_indicator,
         columns=("unit_code", "unit_name", "year", "month", "quarter", "level", "sk_code", "sk_name", "sk_order",
                  "indicator_code", "indicator_name", "indicator_order", "allocation_rp", "spent_month_rp",
                  "spent_qtd_rp", "spent_cum_rp", "realisation_pct")),
    View("v_sampling",
         grain="One row per unit x year x month x commodity x method: samples of the month (not cumulative).",
         build=v_sampling,
         columns=("unit_code", "unit_name", "year", "month", "quarter", "commodity", "commodity_name", "supergroup",
                  "method", "sampled", "tested", "ms", "tms")),
    View("v_inspection",
         grain="One row per unit x year x month x facility type: inspections of the month (not cumulative).",
         build=v_inspection,
         columns=("unit_code", "unit_name", "year", "month", "quarter", "facility_type", "facility_name",
                  "reporting_group", "inspected", "mk", "tmk")),
    View("v_sampling_ytd",
         grain="One row per unit x year x month x commodity x method, plus commodity and method 'TOTAL' (the unit's "
               "whole sampling): samples of the month and year to date with MS % of each.",
         build=v_sampling_ytd,
         columns=("unit_code", "unit_name", "year", "month", "quarter", "commodity", "commodity_name", "supergroup",
                  "method", "sampled", "tested", "ms", "tms", "sampled_cum", "tested_cum", "ms_cum", "tms_cum",
                  "ms_pct", "ms_cum_pct")),
    View("v_inspection_ytd",
         grain="One row per unit x year x month x facility type, plus facility_type 'TOTAL' (the unit's whole "
               "inspection): inspections of the month and year to date with MK % of each.",
         build=v_inspection_ytd,
         columns=("unit_code", "unit_name", "year", "month", "quarter", "facility_type", "facility_name",
                  "reporting_group", "inspected", "mk", "tmk", "inspected_cum", "mk_cum", "tmk_cum", "mk_pct",
                  "mk_cum_pct")),
    View("v_reconciliation",
         grain="One row per unit x year x month x derived indicator: reported realisation against the value computed"
               " from sampling/inspection counts.",
         build=v_reconciliation,
         columns=("unit_code", "year", "month", "indicator_code", "realisasi", "derived_pct", "difference", "agrees")),
    View("v_reporting_completeness",
         grain="One row per unit x year x month: whether the monthly report was expected, received, on time and "
               "accepted.",
         build=v_reporting_completeness,
         columns=("unit_code", "unit_name", "unit_group", "year", "month", "expected", "received", "on_time",
                  "accepted", "first_received_at", "last_received_at", "n_versions")),
    View("v_plan_indicator",
         grain="One row per unit x year x indicator: the PK (SK, indicator, target, weight, allocation) with the "
               "RAPK monthly targets pivoted to b01..b12.",
         build=v_plan_indicator,
         columns=("unit_code", "year", "sk_code", "sk_name", "sk_order", "perspective", "indicator_code",
                  "indicator_name", "indicator_order", "unit_of_measure", "polarity", "is_iku", "weight",
                  "annual_target", "pattern", "allocation_rp", *MONTH_COLUMNS)),
    View("v_plan_header",
         grain="One row per unit x year: the current plan's identity (DIPA, PK date, head) and its budget totals.",
         build=v_plan_header,
         columns=("unit_code", "unit_name", "unit_type", "province", "year", "dipa_number", "pk_date", "head_name",
                  "pagu_rp", "pagu_after_aa_rp", "n_ro")),
    View("v_rpd_month",
         grain="One row per unit x year x month of the plan: planned disbursement (RPD) against spending, monthly "
               "and cumulative; spending NULL for months not reported.",
         build=v_rpd_month,
         columns=("unit_code", "year", "month", "planned_month_rp", "planned_cum_rp", "spent_month_rp",
                  "spent_cum_rp")),
    View("v_capaian_override",
         grain="One row per manual capaian override ever set (active, replaced or withdrawn): the value, reason, "
               "author and time, who withdrew it, the capaian computed from the report for that month and whether "
               "the override is the one applied now.",
         build=v_capaian_override,
         columns=("override_id", "unit_code", "unit_name", "year", "month", "quarter", "sk_code", "indicator_code",
                  "indicator_name", "capaian_pct", "capaian_raw_pct", "applied", "reason", "set_by", "set_at",
                  "active", "deactivated_at", "deactivated_by")),
    View("v_submission",
         grain="One row per file received: version, verdict, whether current, and problem counts.",
         build=v_submission,
         columns=("submission_id", "unit_code", "kind", "year", "month", "version", "file_name", "file_hash",
                  "received_at", "steward", "verdict", "is_current", "superseded_by", "n_errors", "n_warnings")),
    View("v_outlier",
         grain="One row per value of a current monthly report flagged as an outlier against the unit's own history: "
               "where it is, the value and the history the warning quoted, and whether it has been checked "
               "(sakip follow-up: by whom, when, why).",
         build=v_outlier,
         columns=("outlier_id", "submission_id", "unit_code", "unit_name", "year", "month", "sheet", "cell", "source",
                  "item_code", "column", "value", "kind", "measure", "direction", "method", "score", "n_history",
                  "median", "previous", "year_min", "year_max", "past_min", "past_max", "status", "followup_id",
                  "checked_by", "checked_role", "checked_at", "reason")),
    View("v_quarter_approval",
         grain="One row per unit x year x quarter with monthly data or an approval step: the quarter's approval "
               "state (Belum diajukan, Diajukan, Diverifikasi, Disetujui, Dibuka kembali), who took each latest "
               "step and when, the reason of the latest reopening and how many of its months are loaded.",
         build=v_quarter_approval,
         columns=("unit_code", "unit_name", "year", "quarter", "state", "state_label", "state_by", "state_at",
                  "months_loaded", "submitted_by", "submitted_at", "verified_by", "verified_at", "approved_by",
                  "approved_at", "reopened_by", "reopened_at", "reopen_reason", "approval_event_id", "n_steps")),
    View("v_national_reporting",
         grain="One row per year x month x area (each unit group, and 'Indonesia'): units expected to send the "
               "month's report and units whose report was received; the partial flag of the national views.",
         build=v_national_reporting,
         columns=("year", "month", "quarter", "area_level", "area", "area_order", "units_expected", "units_reported",
                  "units_missing", "is_partial")),
    View("v_budget_national",
         grain="One row per year x month x area (each unit group, and 'Indonesia') x jenis belanja (51/52/53, or "
               "'TOTAL' for the whole budget): the units' pagu, pagu setelah AA, amount withheld by AA and "
               "spending summed, realisation against pagu and against pagu setelah AA, and whether it is partial.",
         build=v_budget_national,
         columns=("year", "month", "quarter", "area_level", "area", "area_order", "expense_type", "expense_type_name",
                  "pagu_rp", "pagu_after_aa_rp", "withheld_aa_rp", "spent_month_rp", "spent_cum_rp",
                  "realisation_pct", "realisation_aa_pct", "units_in_figures", *_PARTIAL)),
    View("v_sampling_national",
         grain="One row per year x month x commodity x method, plus commodity 'TOTAL' per method and commodity and "
               "method 'TOTAL': every unit's samples summed, month and year to date, with TMS % (the book's Tabel "
               "1-2).",
         build=v_sampling_national,
         columns=("year", "month", "quarter", "commodity", "commodity_name", "supergroup", "method", "sampled",
                  "tested", "ms", "tms", "sampled_cum", "tested_cum", "ms_cum", "tms_cum", "tms_pct", "tms_cum_pct",
                  "units_in_figures", *_PARTIAL)),
    View("v_inspection_national",
         grain="One row per year x month x facility type, plus facility_type 'TOTAL': every unit's inspections "
               "summed, month and year to date, with TMK %.",
         build=v_inspection_national,
         columns=("year", "month", "quarter", "facility_type", "facility_name", "reporting_group", "inspected", "mk",
                  "tmk", "inspected_cum", "mk_cum", "tmk_cum", "tmk_pct", "tmk_cum_pct", "units_in_figures",
                  *_PARTIAL)),
    View("v_enforcement_national",
         grain="One row per year x month x enforcement stage, plus stage 'TOTAL' (every case): the country's cases "
               "at each stage (latest stage up to the month) and cases that reached a stage in the month.",
         build=v_enforcement_national,
         columns=("year", "month", "quarter", "stage", "stage_order", "cases_at_stage", "cases_moved_month",
                  *_PARTIAL)),
    View("v_indicator_matrix",
         grain="One row per year x quarter x catalogue indicator planned by a unit that year: units that planned "
               "and measured it, the national sum where it is a count, and the min / median / max of capaian "
               "across units and how many are below target (the book's Lampiran I).",
         build=v_indicator_matrix,
         columns=("year", "quarter", "indicator_code", "indicator_name", "unit_of_measure", "summable",
                  "units_planned", "units_measured", "units_year_end", "target_sum", "realisasi_sum",
                  "capaian_sum_pct", "capaian_min_pct", "capaian_median_pct", "capaian_max_pct",
                  "units_below_target", *_PARTIAL)),
    View("v_efficiency_sasaran",
         grain="One row per unit x year x quarter x sasaran kegiatan (SK): input %, output % (NPS from uncapped "
               "capaian), IE, SE, TE and kategori of the SK (the unit's own line: v_efficiency 'TOTAL').",
         build=v_efficiency_sasaran,
         columns=("unit_code", "unit_name", "year", "quarter", "sk_code", "sk_name", "sk_order", "perspective",
                  "input_pagu_rp", "input_realisasi_rp", "input_pct", "output_pct", "ie", "se", "te", "kategori")),
)

#: Name -> columns, derived from :data:`VIEWS` (read-only; declare columns in the registry).
VIEW_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {name: view.columns for name, view in VIEWS.items()}
)


def view_sql(name: str, dialect: Dialect) -> str:
    """The ``CREATE VIEW`` statement of a view for a dialect."""
    body = VIEWS[name].build().compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    return f"CREATE VIEW {name} AS\n{body}"


def create_views(conn: Connection) -> None:
    """(Re)create every view in the connection's transaction, keeping BI roles' SELECT grants.

    On PostgreSQL the roles that can read the existing views are granted SELECT on the new ones
    too: PostgreSQL's default privileges cannot tell views from tables, so this is how "future
    views" reach the BI role without exposing future tables.
    """
    readers = roles.view_readers(conn)
    drop_views(conn)
    for name in VIEWS:
        conn.exec_driver_sql(view_sql(name, conn.dialect))
    for role in readers:
        roles.grant_views(conn, role)


def add_views(op: Any, names: Sequence[str]) -> None:
    """In an Alembic revision (``op``): create the views ``names``, and on PostgreSQL grant SELECT on
    them to every role that reads the warehouse views already, as :func:`create_views` does. Offline
    (``alembic upgrade --sql``) only the statements are rendered: there are no roles to ask."""
    context = op.get_context()
    for name in names:
        op.execute(view_sql(name, context.dialect))
    if not context.as_sql:
        bind = op.get_bind()
        for role in roles.view_readers(bind):
            roles.grant_views(bind, role, names)


def remove_views(op: Any, names: Sequence[str]) -> None:
    """In an Alembic revision's downgrade: drop the views ``names`` (if present), last first."""
    for name in reversed(names):
        op.execute(f"DROP VIEW IF EXISTS {name}")


def drop_views(conn: Connection) -> None:
    """Drop every view (if present)."""
    for name in reversed(list(VIEWS)):
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")


def view_table(name: str) -> TableClause:
    """A lightweight typed table for a view, for ``select(view_table("v_score")).where(...)``."""
    stmt = VIEWS[name].build()
    return table(name, *[column(c.name, c.type) for c in stmt.selected_columns])


def read_view(bind: Engine | Connection, name: str, **equals: Any) -> pd.DataFrame:
    """Rows of a view as a typed DataFrame, filtered by equality on columns (``unit_code="BPOM-KPG"``).

    Booleans come back as booleans and dates as dates on both dialects (SQLite stores them as
    numbers and text); a list value filters with ``IN``.
    """
    view = view_table(name)
    conds = [view.c[k].in_(v) if isinstance(v, (list, tuple, set)) else view.c[k] == v for k, v in equals.items()]
    stmt = select(view).where(*conds) if conds else select(view)
    if isinstance(bind, Connection):
        return records.read_frame(bind, stmt)
    with bind.connect() as conn:
        return records.read_frame(conn, stmt)


__all__ = [
    "VIEWS", "VIEW_COLUMNS", "View", "add_views", "create_views", "drop_views", "remove_views", "read_view",
    "view_sql", "view_table",
]

