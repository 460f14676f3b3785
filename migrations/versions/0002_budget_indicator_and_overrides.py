"""Budget per indicator and SK (``fact_budget_indicator_month``), views ``v_budget_indicator`` and
``v_capaian_override``.

The table is spelled out (frozen at this revision; ``tests/warehouse`` checks that the migrated
database still matches ``sinks.warehouse.schema``). Its rows are derived facts: a unit-year gets them
on its next load or ``sakip rescore --year YYYY``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sinks.warehouse import views

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The views this revision adds.
VIEWS = ("v_budget_indicator", "v_capaian_override")


def upgrade() -> None:
    op.create_table('fact_budget_indicator_month',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=True),
    sa.Column('parent_code', sa.String(length=64), nullable=True),
    sa.Column('allocation_rp', sa.Double(), nullable=True),
    sa.Column('spent_month_rp', sa.Double(), nullable=True),
    sa.Column('spent_qtd_rp', sa.Double(), nullable=True),
    sa.Column('spent_cum_rp', sa.Double(), nullable=True),
    sa.Column('realisation_pct', sa.Double(), nullable=True),
    sa.CheckConstraint("level IN ('indicator', 'sasaran')", name=op.f('ck_fact_budget_indicator_month_level')),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_fact_budget_indicator_month_month_range')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'month', 'level', 'item_code',
                            name=op.f('pk_fact_budget_indicator_month')),
    comment="One row per unit x year x reported month x level ('indicator' | 'sasaran') x item: spending "
    "attributed to a PK indicator (or summed over an SK's indicators) against its allocation."
    )
    views.add_views(op, VIEWS)  # BI roles reading the views read the new ones too (PostgreSQL)


def downgrade() -> None:
    views.remove_views(op, VIEWS)
    op.drop_table('fact_budget_indicator_month')
