"""``unit_year_state``: which unit-years have raw data newer than their derived facts; ``inbox_seen`` and
``inbox_scan``: when the pipeline first saw each inbox file (arrival times the sender cannot set).

Loads now store raw facts only; derived facts are computed once per run for every unit-year whose
``raw_seq`` is above its ``derived_seq`` (``sinks.warehouse.derived``). Until this revision every load
recomputed its unit-year inside its transaction, so the derived facts of an upgraded warehouse are
current: every unit-year holding raw data starts with ``raw_seq = derived_seq = 1``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Tables whose unit-years hold raw data (a plan, a month's facts, an override).
RAW_TABLES = ("plan_header", "fact_indicator_month", "fact_budget_month", "fact_sampling", "fact_inspection",
              "fact_enforcement", "audit_capaian_override")


def upgrade() -> None:
    op.create_table('unit_year_state',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('raw_seq', sa.Integer(), nullable=False),
    sa.Column('derived_seq', sa.Integer(), nullable=True),
    sa.Column('raw_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('derived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('policy_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('unit_code', 'year', name=op.f('pk_unit_year_state')),
    comment="One row per unit x year that has raw data: raw_seq counts changes to its raw facts (plan, "
    "months, overrides), derived_seq is the raw_seq its derived facts were computed from; derived facts "
    "are stale while derived_seq is NULL or below raw_seq."
    )
    held = " UNION ".join(f"SELECT unit_code, year FROM {table}" for table in RAW_TABLES)
    op.execute(f"INSERT INTO unit_year_state (unit_code, year, raw_seq, derived_seq, raw_changed_at, derived_at) "
               f"SELECT unit_code, year, 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM ({held}) AS held")


    op.create_table('inbox_seen',
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('modified_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seen_after', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('path', 'size_bytes', 'modified_at', name=op.f('pk_inbox_seen')),
    comment="One row per inbox file state (path, size, modification time) the pipeline has listed: when it "
    "first saw it, and the listing before that (NULL: none), between which the file arrived."
    )
    op.create_table('inbox_scan',
    sa.Column('scan_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('n_files', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scan_id', name=op.f('pk_inbox_scan')),
    comment="One row per listing of the whole inbox (by a run or the inbox watcher)."
    )


def downgrade() -> None:
    op.drop_table('inbox_scan')
    op.drop_table('inbox_seen')
    op.drop_table('unit_year_state')
