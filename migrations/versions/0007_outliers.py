"""Outliers against each unit's own history (``audit_outlier``), their follow-up marks
(``audit_outlier_followup``) and the centre's view ``v_outlier``.

The tables are spelled out (frozen at this revision; ``tests/warehouse`` checks that the migrated
database still matches ``sinks.warehouse.schema``). Rows come from collections after this revision:
files loaded before it were not scored.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sinks.warehouse import views

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The views this revision adds.
VIEWS = ("v_outlier",)


def upgrade() -> None:
    op.create_table('audit_outlier',
    sa.Column('outlier_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('sheet', sa.Text(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=True),
    sa.Column('cell', sa.String(length=16), nullable=True),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('column', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('measure', sa.Double(), nullable=True),
    sa.Column('direction', sa.String(length=4), nullable=False),
    sa.Column('method', sa.String(length=4), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('n_history', sa.Integer(), nullable=False),
    sa.Column('median', sa.Double(), nullable=True),
    sa.Column('band_low', sa.Double(), nullable=True),
    sa.Column('band_high', sa.Double(), nullable=True),
    sa.Column('previous', sa.Double(), nullable=True),
    sa.Column('year_min', sa.Double(), nullable=True),
    sa.Column('year_max', sa.Double(), nullable=True),
    sa.Column('past_min', sa.Double(), nullable=True),
    sa.Column('past_max', sa.Double(), nullable=True),
    sa.Column('followup_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("source IN ('indicator', 'budget', 'sampling', 'inspection')", name=op.f('ck_audit_outlier_source')),
    sa.CheckConstraint("direction IN ('high', 'low')", name=op.f('ck_audit_outlier_direction')),
    sa.CheckConstraint("method IN ('z', 'band')", name=op.f('ck_audit_outlier_method')),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_audit_outlier_month_range')),
    sa.ForeignKeyConstraint(['submission_id'], ['audit_submission.submission_id'],
                            name=op.f('fk_audit_outlier_submission_id_audit_submission')),
    sa.PrimaryKeyConstraint('outlier_id', name=op.f('pk_audit_outlier')),
    sa.UniqueConstraint('submission_id', 'sheet', 'item_code', 'column',
                        name=op.f('uq_audit_outlier_submission_id_sheet_item_code_column')),
    comment="One row per value of a received monthly file flagged as an outlier against the unit's own history "
    "(transforms.outliers), with the history figures the warning quoted."
    )
    op.create_index('ix_audit_outlier_unit_code_year_month', 'audit_outlier', ['unit_code', 'year', 'month'])
    op.create_table('audit_outlier_followup',
    sa.Column('followup_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('outlier_id', sa.Integer(), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('sheet', sa.Text(), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('column', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('checked_by', sa.Text(), nullable=False),
    sa.Column('checked_role', sa.String(length=10), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("checked_role IN ('steward', 'centre')", name=op.f('ck_audit_outlier_followup_checked_role')),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_audit_outlier_followup_month_range')),
    sa.ForeignKeyConstraint(['outlier_id'], ['audit_outlier.outlier_id'],
                            name=op.f('fk_audit_outlier_followup_outlier_id_audit_outlier')),
    sa.PrimaryKeyConstraint('followup_id', name=op.f('pk_audit_outlier_followup')),
    comment="One row per outlier marked as checked (sakip follow-up): the value checked, why, by whom and when; "
    "the same value sent again is shown as checked, not as a fresh warning."
    )
    op.create_index('ix_audit_outlier_followup_unit_code_year_month', 'audit_outlier_followup',
                    ['unit_code', 'year', 'month'])
    views.add_views(op, VIEWS)  # BI roles reading the views read the new one too (PostgreSQL)


def downgrade() -> None:
    views.remove_views(op, VIEWS)
    op.drop_index('ix_audit_outlier_followup_unit_code_year_month', table_name='audit_outlier_followup')
    op.drop_table('audit_outlier_followup')
    op.drop_index('ix_audit_outlier_unit_code_year_month', table_name='audit_outlier')
    op.drop_table('audit_outlier')
