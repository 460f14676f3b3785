"""Sampling and inspection year to date (``fact_sampling_ytd``, ``fact_inspection_ytd``) and their views
``v_sampling_ytd`` and ``v_inspection_ytd``.

Tables spelled out (frozen at this revision). Their rows are derived facts: a unit-year gets them on
its next load or ``sakip rescore --year YYYY``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sinks.warehouse import views

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The views this revision adds.
VIEWS = ("v_sampling_ytd", "v_inspection_ytd")


def _key() -> list[sa.Column]:
    return [sa.Column('unit_code', sa.String(length=64), nullable=False),
            sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
            sa.Column('month', sa.Integer(), autoincrement=False, nullable=False)]


def _counts(*names: str) -> list[sa.Column]:
    return [sa.Column(n, sa.Integer(), nullable=True) for n in (*names, *(f"{n}_cum" for n in names))]


def upgrade() -> None:
    op.create_table('fact_sampling_ytd',
    *_key(),
    sa.Column('commodity', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=True),
    *_counts('sampled', 'tested', 'ms', 'tms'),
    sa.Column('ms_pct', sa.Double(), nullable=True),
    sa.Column('ms_cum_pct', sa.Double(), nullable=True),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_fact_sampling_ytd_month_range')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'month', 'commodity', 'method', name=op.f('pk_fact_sampling_ytd')),
    comment="One row per unit x year x month x commodity x method (plus commodity and method 'TOTAL' for the "
    "unit): samples of the month and year to date, MS % of the month and year to date."
    )
    op.create_table('fact_inspection_ytd',
    *_key(),
    sa.Column('facility_type', sa.String(length=64), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=True),
    *_counts('inspected', 'mk', 'tmk'),
    sa.Column('mk_pct', sa.Double(), nullable=True),
    sa.Column('mk_cum_pct', sa.Double(), nullable=True),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_fact_inspection_ytd_month_range')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'month', 'facility_type', name=op.f('pk_fact_inspection_ytd')),
    comment="One row per unit x year x month x facility type (plus 'TOTAL' for the unit): inspections of the "
    "month and year to date, MK % of the month and year to date."
    )
    views.add_views(op, VIEWS)  # BI roles reading the views read the new ones too (PostgreSQL)


def downgrade() -> None:
    views.remove_views(op, VIEWS)
    op.drop_table('fact_inspection_ytd')
    op.drop_table('fact_sampling_ytd')
