"""The steward portal: ``portal_user`` (accounts), ``portal_session`` (login sessions, token hashes only),
``portal_upload`` (every workbook uploaded, its verdict and where an accepted one was placed) and
``portal_event`` (the audit of logins and uploads).

The portal writes only these tables; a workbook reaches the warehouse facts through the inbox and the
collection, as any other file.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('portal_user',
    sa.Column('user_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=True),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('steward', 'centre')", name=op.f('ck_portal_user_role')),
    sa.CheckConstraint("(role = 'steward' AND unit_code IS NOT NULL) OR (role = 'centre' AND unit_code IS NULL)",
                       name=op.f('ck_portal_user_role_unit')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_portal_user')),
    sa.UniqueConstraint('username', name=op.f('uq_portal_user_username')),
    comment="One row per portal account (one person): a unit's steward or a user of the centre, with the "
    "password's scrypt hash and the count of failed logins since the last success."
    )
    op.create_table('portal_session',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['portal_user.user_id'], name=op.f('fk_portal_session_user_id_portal_user')),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_portal_session')),
    comment="One row per portal login session: the SHA-256 of its random token (the token itself is only in "
    "the browser's cookie), when it expires and when it was ended (logout, account disabled)."
    )
    op.create_index('ix_portal_session_user_id', 'portal_session', ['user_id'], unique=False)
    op.create_table('portal_upload',
    sa.Column('upload_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('month', sa.Integer(), nullable=True),
    sa.Column('verdict', sa.String(length=30), nullable=False),
    sa.Column('n_errors', sa.Integer(), nullable=False),
    sa.Column('n_warnings', sa.Integer(), nullable=False),
    sa.Column('inbox_path', sa.Text(), nullable=True),
    sa.Column('feedback_path', sa.Text(), nullable=True),
    sa.Column('answer_ms', sa.Integer(), nullable=True),
    sa.CheckConstraint("inbox_path IS NULL OR verdict <> 'rejected'", name=op.f('ck_portal_upload_rejected_not_placed')),
    sa.CheckConstraint("kind IS NULL OR kind IN ('rencana', 'bulanan')", name=op.f('ck_portal_upload_kind')),
    sa.CheckConstraint("verdict IN ('accepted', 'accepted_with_warnings', 'rejected')",
                       name=op.f('ck_portal_upload_verdict')),
    sa.ForeignKeyConstraint(['user_id'], ['portal_user.user_id'], name=op.f('fk_portal_upload_user_id_portal_user')),
    sa.PrimaryKeyConstraint('upload_id', name=op.f('pk_portal_upload')),
    comment="One row per workbook uploaded through the portal: who, for which unit, the verdict of the "
    "collection's checks and, for an accepted file, where it was placed in the unit's inbox folder."
    )
    op.create_index('ix_portal_upload_unit_code_uploaded_at', 'portal_upload', ['unit_code', 'uploaded_at'],
                    unique=False)
    op.create_table('portal_event',
    sa.Column('event_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('event', sa.String(length=20), nullable=False),
    sa.Column('username', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('unit_code', sa.String(length=64), nullable=True),
    sa.Column('upload_id', sa.Integer(), nullable=True),
    sa.Column('client', sa.Text(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['upload_id'], ['portal_upload.upload_id'],
                            name=op.f('fk_portal_event_upload_id_portal_upload')),
    sa.ForeignKeyConstraint(['user_id'], ['portal_user.user_id'], name=op.f('fk_portal_event_user_id_portal_user')),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_portal_event')),
    comment="One row per portal event of the audit: every login (succeeded, failed, refused while locked), "
    "logout, upload and refused request."
    )
    op.create_index('ix_portal_event_at', 'portal_event', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_portal_event_at', table_name='portal_event')
    op.drop_table('portal_event')
    op.drop_index('ix_portal_upload_unit_code_uploaded_at', table_name='portal_upload')
    op.drop_table('portal_upload')
    op.drop_index('ix_portal_session_user_id', table_name='portal_session')
    op.drop_table('portal_session')
    op.drop_table('portal_user')
