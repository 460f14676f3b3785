"""National figures: the units' figures summed per unit group and for Indonesia (issue #11), and efficiency
per sasaran.

Tables (frozen at this revision): ``fact_efficiency_sasaran_quarter`` (derived per unit-year) and the national
facts ``fact_budget_area_month``, ``fact_sampling_national_month``, ``fact_inspection_national_month``,
``fact_enforcement_national_month``, ``fact_indicator_matrix_quarter`` (derived per year after the
unit-years). Their rows come with the next run's deriving step or ``sakip rescore --year YYYY``.
Views: the national views, and ``v_budget_ranking`` again with the realisation against pagu beside the
one against pagu setelah AA.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sinks.warehouse import views

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The views this revision adds.
VIEWS = ("v_national_reporting", "v_budget_national", "v_sampling_national", "v_inspection_national",
         "v_enforcement_national", "v_indicator_matrix", "v_efficiency_sasaran")
#: Views this revision replaces (new columns).
REPLACED = ("v_budget_ranking",)


def _year_month() -> list[sa.Column]:
    return [sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
            sa.Column('month', sa.Integer(), autoincrement=False, nullable=False)]


def _month_check(table: str) -> sa.CheckConstraint:
    return sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f(f'ck_{table}_month_range'))


def _quarter_check(table: str) -> sa.CheckConstraint:
    return sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f(f'ck_{table}_quarter_range'))


def _counts(*names: str, cum: bool = True) -> list[sa.Column]:
    return [sa.Column(n, sa.Integer(), nullable=True) for n in (*names, *((f"{n}_cum" for n in names) if cum else ()))]


def upgrade() -> None:
    op.create_table('fact_efficiency_sasaran_quarter',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('quarter', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sk_code', sa.String(length=64), nullable=False),
    sa.Column('input_pagu_rp', sa.Double(), nullable=True),
    sa.Column('input_realisasi_rp', sa.Double(), nullable=True),
    *[sa.Column(n, sa.Double(), nullable=True) for n in ('input_pct', 'output_pct', 'ie', 'se', 'te')],
    sa.Column('kategori', sa.Text(), nullable=True),
    _quarter_check('fact_efficiency_sasaran_quarter'),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'quarter', 'sk_code', name=op.f('pk_fact_efficiency_sasaran_quarter')),
    comment="One row per unit x year x quarter x sasaran kegiatan (SK): efficiency of the SK (its indicators' "
    "spending against their allocation, the SK's NPS from uncapped capaian)."
    )
    op.create_table('fact_budget_area_month',
    *_year_month(),
    sa.Column('area', sa.String(length=40), nullable=False),
    sa.Column('expense_type', sa.String(length=8), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=True),
    sa.Column('area_level', sa.String(length=10), nullable=False),
    sa.Column('area_order', sa.Integer(), nullable=False),
    sa.Column('units_in_figures', sa.Integer(), nullable=False),
    *[sa.Column(n, sa.Double(), nullable=True) for n in (
        'pagu_rp', 'pagu_after_aa_rp', 'withheld_aa_rp', 'spent_month_rp', 'spent_cum_rp', 'realisation_pct',
        'realisation_aa_pct')],
    _month_check('fact_budget_area_month'),
    sa.PrimaryKeyConstraint('year', 'month', 'area', 'expense_type', name=op.f('pk_fact_budget_area_month')),
    comment="One row per year x month x area (unit group, or 'Indonesia') x jenis belanja (51/52/53, or 'TOTAL'):"
    " the units' budget roll-ups summed, realisation against pagu and pagu setelah AA."
    )
    op.create_table('fact_sampling_national_month',
    *_year_month(),
    sa.Column('commodity', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=True),
    sa.Column('units_in_figures', sa.Integer(), nullable=False),
    *_counts('sampled', 'tested', 'ms', 'tms'),
    sa.Column('tms_pct', sa.Double(), nullable=True),
    sa.Column('tms_cum_pct', sa.Double(), nullable=True),
    _month_check('fact_sampling_national_month'),
    sa.PrimaryKeyConstraint('year', 'month', 'commodity', 'method', name=op.f('pk_fact_sampling_national_month')),
    comment="One row per year x month x commodity x method (plus commodity 'TOTAL' per method and for all): every "
    "unit's sampling summed, month and year to date, TMS % of each."
    )
    op.create_table('fact_inspection_national_month',
    *_year_month(),
    sa.Column('facility_type', sa.String(length=64), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=True),
    sa.Column('units_in_figures', sa.Integer(), nullable=False),
    *_counts('inspected', 'mk', 'tmk'),
    sa.Column('tmk_pct', sa.Double(), nullable=True),
    sa.Column('tmk_cum_pct', sa.Double(), nullable=True),
    _month_check('fact_inspection_national_month'),
    sa.PrimaryKeyConstraint('year', 'month', 'facility_type', name=op.f('pk_fact_inspection_national_month')),
    comment="One row per year x month x facility type (plus 'TOTAL'): every unit's inspections summed, month and "
    "year to date, TMK % of each."
    )
    op.create_table('fact_enforcement_national_month',
    *_year_month(),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=True),
    sa.Column('stage_order', sa.Integer(), nullable=False),
    sa.Column('cases_at_stage', sa.Integer(), nullable=False),
    sa.Column('cases_moved_month', sa.Integer(), nullable=False),
    _month_check('fact_enforcement_national_month'),
    sa.PrimaryKeyConstraint('year', 'month', 'stage', name=op.f('pk_fact_enforcement_national_month')),
    comment="One row per year x month x enforcement stage (plus 'TOTAL'): cases whose latest stage up to the month is "
    "the stage (the funnel; TOTAL: every case), and cases that reported the stage (TOTAL: moved) in the month."
    )
    op.create_table('fact_indicator_matrix_quarter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('quarter', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('indicator_code', sa.String(length=64), nullable=False),
    sa.Column('summable', sa.Boolean(), nullable=False),
    *[sa.Column(n, sa.Integer(), nullable=False) for n in ('units_planned', 'units_measured', 'units_year_end')],
    *[sa.Column(n, sa.Double(), nullable=True) for n in (
        'target_sum', 'realisasi_sum', 'capaian_sum_pct', 'capaian_min_pct', 'capaian_median_pct',
        'capaian_max_pct')],
    sa.Column('units_below_target', sa.Integer(), nullable=False),
    _quarter_check('fact_indicator_matrix_quarter'),
    sa.PrimaryKeyConstraint('year', 'quarter', 'indicator_code', name=op.f('pk_fact_indicator_matrix_quarter')),
    comment="One row per year x quarter x catalogue indicator planned by a unit that year: how many units planned "
    "and measured it, the national sum where it is a count, and the spread of capaian across units."
    )
    views.remove_views(op, REPLACED)
    views.add_views(op, (*REPLACED, *VIEWS))  # BI roles reading the views read the new ones too (PostgreSQL)


def downgrade() -> None:
    views.remove_views(op, (*REPLACED, *VIEWS))
    for table in ('fact_indicator_matrix_quarter', 'fact_enforcement_national_month', 'fact_inspection_national_month',
                  'fact_sampling_national_month', 'fact_budget_area_month', 'fact_efficiency_sasaran_quarter'):
        op.drop_table(table)
    # the ranking of revision 0001 (without the realisation against pagu) is not restored: the registry holds the
    # current definition only; a downgrade below 0001 drops it anyway
    views.add_views(op, REPLACED)
