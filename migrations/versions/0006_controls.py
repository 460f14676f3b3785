"""Data-quality controls: ``control_lock_exception`` (the centre's exceptions to the period lock),
``control_quarter_event`` (every approval step of a unit's quarter) and ``control_digest`` (every
collection digest written and whether it was sent), with the view ``v_quarter_approval``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sinks.warehouse.views import add_views, remove_views

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS = ("v_quarter_approval",)


def upgrade() -> None:
    op.create_table('control_lock_exception',
    sa.Column('exception_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('granted_by', sa.Text(), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_control_lock_exception_month_range')),
    sa.PrimaryKeyConstraint('exception_id', name=op.f('pk_control_lock_exception')),
    comment="One row per lock exception the centre granted: files of the unit's locked month are taken until "
    "valid_until (inclusive, reporting time zone)."
    )
    op.create_index('ix_control_lock_exception_unit_code_year', 'control_lock_exception', ['unit_code', 'year'],
                    unique=False)
    op.create_table('control_quarter_event',
    sa.Column('event_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f('ck_control_quarter_event_quarter_range')),
    sa.CheckConstraint("step IN ('diajukan', 'diverifikasi', 'disetujui', 'dibuka_kembali')",
                       name=op.f('ck_control_quarter_event_step')),
    sa.CheckConstraint("step <> 'dibuka_kembali' OR reason IS NOT NULL",
                       name=op.f('ck_control_quarter_event_reopen_reason')),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_control_quarter_event')),
    comment="One row per approval step of a unit's quarter (Diajukan, Diverifikasi, Disetujui, Dibuka kembali): "
    "who, in which role, when and why; the quarter's state is its latest step."
    )
    op.create_index('ix_control_quarter_event_unit_code_year_quarter', 'control_quarter_event',
                    ['unit_code', 'year', 'quarter'], unique=False)
    op.create_table('control_digest',
    sa.Column('digest_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=True),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('eml_path', sa.Text(), nullable=False),
    sa.CheckConstraint("scope IN ('unit', 'national')", name=op.f('ck_control_digest_scope')),
    sa.CheckConstraint("status IN ('terkirim', 'gagal', 'tidak_dikirim')", name=op.f('ck_control_digest_status')),
    sa.PrimaryKeyConstraint('digest_id', name=op.f('pk_control_digest')),
    comment="One row per collection digest written (a unit's or the national one): to whom it went, whether "
    "the mail server took it, and where its copy is."
    )
    op.create_index('ix_control_digest_run_at', 'control_digest', ['run_at'], unique=False)
    add_views(op, VIEWS)


def downgrade() -> None:
    remove_views(op, VIEWS)
    op.drop_index('ix_control_digest_run_at', table_name='control_digest')
    op.drop_table('control_digest')
    op.drop_index('ix_control_quarter_event_unit_code_year_quarter', table_name='control_quarter_event')
    op.drop_table('control_quarter_event')
    op.drop_index('ix_control_lock_exception_unit_code_year', table_name='control_lock_exception')
    op.drop_table('control_lock_exception')
