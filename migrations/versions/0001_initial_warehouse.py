"""Initial warehouse: dimensions, plan, monthly and derived facts, audit tables, BI views.

Tables are spelled out (frozen at this revision; ``tests/warehouse`` checks that they still match
``sinks.warehouse.schema``). Views are replaceable objects rendered per dialect by
``sinks.warehouse.views`` (``alembic upgrade head --sql`` prints them too). A later revision that
changes a view calls ``views.create_views(op.get_bind())``, which drops and recreates every view
and keeps the SELECT grants BI roles hold on them.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sinks.warehouse import views

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The views of this revision (later revisions create the views over the tables they add).
VIEWS = (
    "v_indicator_capaian", "v_score", "v_budget_ro", "v_budget_expense_type", "v_budget_unit", "v_budget_ranking",
    "v_efficiency", "v_sampling", "v_inspection", "v_reconciliation", "v_reporting_completeness",
    "v_plan_indicator", "v_plan_header", "v_rpd_month", "v_submission",
)


def upgrade() -> None:
    op.create_table('audit_capaian_override',
    sa.Column('override_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('indicator_code', sa.String(length=64), nullable=False),
    sa.Column('capaian_pct', sa.Double(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_by', sa.Text(), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deactivated_by', sa.Text(), nullable=True),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_audit_capaian_override_month_range')),
    sa.PrimaryKeyConstraint('override_id', name=op.f('pk_audit_capaian_override')),
    comment='One row per manual capaian override ever set (active or withdrawn).'
    )
    op.create_index('ix_audit_capaian_override_unit_code_year', 'audit_capaian_override', ['unit_code', 'year'], unique=False)

    op.create_table('audit_submission',
    sa.Column('submission_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('month', sa.Integer(), nullable=True),
    sa.Column('period_key', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('steward', sa.Text(), nullable=True),
    sa.Column('verdict', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('revision_note', sa.Text(), nullable=True),
    sa.Column('n_errors', sa.Integer(), nullable=False),
    sa.Column('n_warnings', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IS NULL OR kind IN ('rencana', 'bulanan')", name=op.f('ck_audit_submission_kind')),
    sa.CheckConstraint("verdict IN ('accepted', 'accepted_with_warnings', 'rejected')", name=op.f('ck_audit_submission_verdict')),
    sa.CheckConstraint('month IS NULL OR month BETWEEN 1 AND 12', name=op.f('ck_audit_submission_month_range')),
    sa.ForeignKeyConstraint(['superseded_by'], ['audit_submission.submission_id'], name=op.f('fk_audit_submission_superseded_by_audit_submission')),
    sa.PrimaryKeyConstraint('submission_id', name=op.f('pk_audit_submission')),
    sa.UniqueConstraint('unit_code', 'kind', 'period_key', 'version', name=op.f('uq_audit_submission_unit_code_kind_period_key_version')),
    comment='One row per file received (every version, rejected files included).'
    )
    op.create_index('ix_audit_submission_file_hash', 'audit_submission', ['file_hash'], unique=False)
    op.create_index('ix_audit_submission_unit_code_year', 'audit_submission', ['unit_code', 'year'], unique=False)
    op.create_index('uq_audit_submission_current', 'audit_submission', ['unit_code', 'kind', 'period_key'], unique=True, sqlite_where=sa.text("is_current"), postgresql_where=sa.text("is_current"))

    op.create_table('dim_commodity',
    sa.Column('commodity', sa.String(length=64), nullable=False),
    sa.Column('commodity_name', sa.Text(), nullable=False),
    sa.Column('commodity_name_en', sa.Text(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('parent_commodity', sa.String(length=64), nullable=True),
    sa.Column('supergroup', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('commodity', name=op.f('pk_dim_commodity')),
    comment='One row per commodity (level 1) or sub-commodity (level 2) of sampling.'
    )
    op.create_table('dim_expense_type',
    sa.Column('expense_type', sa.String(length=2), nullable=False),
    sa.Column('expense_type_name', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('expense_type', name=op.f('pk_dim_expense_type')),
    comment='One row per jenis belanja of the DIPA (51 pegawai, 52 barang, 53 modal).'
    )
    op.create_table('dim_facility_type',
    sa.Column('facility_type', sa.String(length=64), nullable=False),
    sa.Column('facility_name', sa.Text(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('parent_facility_type', sa.String(length=64), nullable=True),
    sa.Column('reporting_group', sa.String(length=20), nullable=True),
    sa.Column('standard', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('facility_type', name=op.f('pk_dim_facility_type')),
    comment='One row per facility type (level 1 group or level 2 subtype) of inspections.'
    )
    op.create_table('dim_indicator',
    sa.Column('indicator_code', sa.String(length=64), nullable=False),
    sa.Column('indicator_name', sa.Text(), nullable=False),
    sa.Column('unit_of_measure', sa.String(length=20), nullable=True),
    sa.Column('polarity', sa.String(length=20), nullable=True),
    sa.Column('measurement', sa.String(length=20), nullable=True),
    sa.Column('in_catalogue', sa.Boolean(), nullable=False),
    sa.Column('defined_by_unit', sa.String(length=64), nullable=True),
    sa.Column('first_year', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('indicator_code', name=op.f('pk_dim_indicator')),
    comment='One row per indicator code: the national catalogue plus unit-specific codes first seen in a plan.'
    )
    op.create_table('dim_month',
    sa.Column('month_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('quarter_key', sa.Integer(), nullable=False),
    sa.Column('month_name', sa.String(length=20), nullable=False),
    sa.Column('month_start', sa.Date(), nullable=False),
    sa.Column('month_end', sa.Date(), nullable=False),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_dim_month_month_range')),
    sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f('ck_dim_month_quarter_range')),
    sa.PrimaryKeyConstraint('month_key', name=op.f('pk_dim_month')),
    sa.UniqueConstraint('year', 'month', name=op.f('uq_dim_month_year_month')),
    comment='One row per calendar month (month_key YYYYMM).'
    )
    op.create_table('dim_perspective',
    sa.Column('perspective', sa.String(length=40), nullable=False),
    sa.Column('perspective_name', sa.Text(), nullable=False),
    sa.Column('perspective_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('perspective', name=op.f('pk_dim_perspective')),
    comment='One row per balanced-scorecard perspective, in reporting order.'
    )
    op.create_table('dim_ro',
    sa.Column('ro_code', sa.String(length=64), nullable=False),
    sa.Column('kro_code', sa.String(length=64), nullable=True),
    sa.Column('ro_name', sa.Text(), nullable=False),
    sa.Column('volume_unit', sa.Text(), nullable=True),
    sa.Column('in_catalogue', sa.Boolean(), nullable=False),
    sa.Column('defined_by_unit', sa.String(length=64), nullable=True),
    sa.Column('first_year', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('ro_code', name=op.f('pk_dim_ro')),
    comment='One row per rincian output (RO) code: the catalogue plus unit-specific codes first seen in a plan.'
    )
    op.create_table('dim_unit',
    sa.Column('unit_key', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('unit_type', sa.String(length=20), nullable=False),
    sa.Column('unit_group', sa.String(length=40), nullable=True),
    sa.Column('parent_code', sa.String(length=64), nullable=True),
    sa.Column('province', sa.Text(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('unit_key', name=op.f('pk_dim_unit')),
    sa.UniqueConstraint('unit_code', 'valid_from', name=op.f('uq_dim_unit_unit_code_valid_from')),
    comment='One row per unit and validity interval (type-2 history of units.csv + unit_changes.csv).'
    )
    op.create_table('dim_unit_alias',
    sa.Column('alias_norm', sa.Text(), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('alias', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('alias_norm', 'unit_code', name=op.f('pk_dim_unit_alias')),
    comment='One row per (normalised name, unit): codes, names, aliases and former names of units.'
    )
    op.create_table('fact_budget_line_month',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('ro_code', sa.String(length=64), nullable=False),
    sa.Column('expense_type', sa.String(length=2), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=True),
    sa.Column('pagu_rp', sa.Double(), nullable=True),
    sa.Column('pagu_after_aa_rp', sa.Double(), nullable=True),
    sa.Column('spent_month_rp', sa.Double(), nullable=True),
    sa.Column('spent_cum_rp', sa.Double(), nullable=True),
    sa.Column('planned_month_rp', sa.Double(), nullable=True),
    sa.Column('planned_cum_rp', sa.Double(), nullable=True),
    sa.Column('realisation_pct', sa.Double(), nullable=True),
    sa.Column('realisation_aa_pct', sa.Double(), nullable=True),
    sa.Column('deviation_pct', sa.Double(), nullable=True),
    sa.Column('volume_target', sa.Double(), nullable=True),
    sa.Column('volume_cum', sa.Double(), nullable=True),
    sa.Column('volume_pct', sa.Double(), nullable=True),
    sa.Column('progress_pct', sa.Double(), nullable=True),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'month', 'ro_code', 'expense_type', name=op.f('pk_fact_budget_line_month')),
    comment='One row per unit x year x month x rincian output x jenis belanja: realisation of a DIPA line.'
    )
    op.create_table('fact_budget_rollup_month',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=True),
    sa.Column('pagu_rp', sa.Double(), nullable=True),
    sa.Column('pagu_after_aa_rp', sa.Double(), nullable=True),
    sa.Column('spent_month_rp', sa.Double(), nullable=True),
    sa.Column('spent_cum_rp', sa.Double(), nullable=True),
    sa.Column('planned_month_rp', sa.Double(), nullable=True),
    sa.Column('planned_cum_rp', sa.Double(), nullable=True),
    sa.Column('realisation_pct', sa.Double(), nullable=True),
    sa.Column('realisation_aa_pct', sa.Double(), nullable=True),
    sa.Column('deviation_pct', sa.Double(), nullable=True),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'month', 'level', 'item_code', name=op.f('pk_fact_budget_rollup_month')),
    comment="One row per unit x year x month x level ('ro' | 'expense_type' | 'unit') x item: budget roll-ups."
    )
    op.create_table('fact_efficiency_quarter',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('quarter', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('indicator_code', sa.String(length=64), nullable=False),
    sa.Column('sk_code', sa.String(length=64), nullable=True),
    sa.Column('input_pagu_rp', sa.Double(), nullable=True),
    sa.Column('input_realisasi_rp', sa.Double(), nullable=True),
    sa.Column('input_pct', sa.Double(), nullable=True),
    sa.Column('output_target', sa.Double(), nullable=True),
    sa.Column('output_realisasi', sa.Double(), nullable=True),
    sa.Column('output_pct', sa.Double(), nullable=True),
    sa.Column('ie', sa.Double(), nullable=True),
    sa.Column('se', sa.Double(), nullable=True),
    sa.Column('te', sa.Double(), nullable=True),
    sa.Column('kategori', sa.Text(), nullable=True),
    sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f('ck_fact_efficiency_quarter_quarter_range')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'quarter', 'indicator_code', name=op.f('pk_fact_efficiency_quarter')),
    comment="One row per unit x year x quarter x indicator (plus 'TOTAL' for the unit): efficiency."
    )
    op.create_table('fact_reconciliation_month',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('indicator_code', sa.String(length=64), nullable=False),
    sa.Column('realisasi', sa.Double(), nullable=True),
    sa.Column('derived_pct', sa.Double(), nullable=True),
    sa.Column('numerator', sa.Double(), nullable=True),
    sa.Column('denominator', sa.Double(), nullable=True),
    sa.Column('difference', sa.Double(), nullable=True),
    sa.Column('agrees', sa.Boolean(), nullable=True),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'month', 'indicator_code', name=op.f('pk_fact_reconciliation_month')),
    comment='One row per unit x year x month x derived indicator: reported realisation vs. the value computed from sampling/inspection counts.'
    )
    op.create_table('fact_reporting_status',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('expected', sa.Boolean(), nullable=True),
    sa.Column('received', sa.Boolean(), nullable=True),
    sa.Column('first_received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.Column('accepted', sa.Boolean(), nullable=True),
    sa.Column('n_versions', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'month', name=op.f('pk_fact_reporting_status')),
    comment='One row per unit x year x month: whether the monthly report was expected, received, on time, accepted.'
    )
    op.create_table('fact_score_quarter',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('quarter', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('parent_code', sa.String(length=64), nullable=True),
    sa.Column('value_raw_pct', sa.Double(), nullable=True),
    sa.Column('value_pct', sa.Double(), nullable=True),
    sa.Column('kriteria', sa.Text(), nullable=True),
    sa.Column('n_measured', sa.Integer(), nullable=True),
    sa.Column('policy_id', sa.String(length=64), nullable=True),
    sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f('ck_fact_score_quarter_quarter_range')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'quarter', 'level', 'item_code', name=op.f('pk_fact_score_quarter')),
    comment='One row per unit x year x quarter x level x item: indicator capaian, NPS of each SK, perspective scores and the NPS TOTAL.'
    )
    op.create_table('report_version',
    sa.Column('report_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('unit_code', sa.String(length=64), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('data_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('submission_ids', sa.Text(), nullable=False),
    sa.Column('docx_path', sa.Text(), nullable=True),
    sa.Column('pdf_path', sa.Text(), nullable=True),
    sa.Column('changes', sa.Text(), nullable=True),
    sa.CheckConstraint("scope IN ('unit', 'national')", name=op.f('ck_report_version_scope')),
    sa.CheckConstraint('quarter BETWEEN 1 AND 4', name=op.f('ck_report_version_quarter_range')),
    sa.PrimaryKeyConstraint('report_id', name=op.f('pk_report_version')),
    sa.UniqueConstraint('scope', 'unit_code', 'year', 'quarter', 'version', name=op.f('uq_report_version_scope_unit_code_year_quarter_version')),
    comment='One row per report built (unit or national, per quarter and version).'
    )
    op.create_table('audit_problem',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('problem_no', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('sheet', sa.Text(), nullable=True),
    sa.Column('row', sa.Integer(), nullable=True),
    sa.Column('column', sa.Text(), nullable=True),
    sa.Column('cell', sa.String(length=16), nullable=True),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('expected', sa.Text(), nullable=True),
    sa.CheckConstraint("severity IN ('error', 'warning')", name=op.f('ck_audit_problem_severity')),
    sa.ForeignKeyConstraint(['submission_id'], ['audit_submission.submission_id'], name=op.f('fk_audit_problem_submission_id_audit_submission')),
    sa.PrimaryKeyConstraint('submission_id', 'problem_no', name=op.f('pk_audit_problem')),
    comment='One row per problem found in a submission (reading and validation).'
    )
    op.create_table('fact_budget_month',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('ro_code', sa.String(length=64), nullable=False),
    sa.Column('expense_type', sa.String(length=2), nullable=False),
    sa.Column('spent_month_rp', sa.Double(), nullable=True),
    sa.Column('volume_cum', sa.Double(), nullable=True),
    sa.Column('progress_pct', sa.Double(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_fact_budget_month_month_range')),
    sa.ForeignKeyConstraint(['expense_type'], ['dim_expense_type.expense_type'], name=op.f('fk_fact_budget_month_expense_type_dim_expense_type')),
    sa.ForeignKeyConstraint(['ro_code'], ['dim_ro.ro_code'], name=op.f('fk_fact_budget_month_ro_code_dim_ro')),
    sa.ForeignKeyConstraint(['submission_id'], ['audit_submission.submission_id'], name=op.f('fk_fact_budget_month_submission_id_audit_submission')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'month', 'ro_code', 'expense_type', name=op.f('pk_fact_budget_month')),
    comment='One row per unit x year x month x rincian output x jenis belanja: spending of the month.'
    )
    op.create_table('fact_capaian_month',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('indicator_code', sa.String(length=64), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=True),
    sa.Column('sk_code', sa.String(length=64), nullable=True),
    sa.Column('weight', sa.Double(), nullable=True),
    sa.Column('target', sa.Double(), nullable=True),
    sa.Column('realisasi', sa.Double(), nullable=True),
    sa.Column('numerator', sa.Double(), nullable=True),
    sa.Column('denominator', sa.Double(), nullable=True),
    sa.Column('spent_cum_rp', sa.Double(), nullable=True),
    sa.Column('measured', sa.Boolean(), nullable=True),
    sa.Column('capaian_raw_pct', sa.Double(), nullable=True),
    sa.Column('capaian_pct', sa.Double(), nullable=True),
    sa.Column('override_id', sa.Integer(), nullable=True),
    sa.Column('kriteria', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['override_id'], ['audit_capaian_override.override_id'], name=op.f('fk_fact_capaian_month_override_id_audit_capaian_override')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'month', 'indicator_code', name=op.f('pk_fact_capaian_month')),
    comment='One row per unit x year x month x indicator: capaian (achievement) computed by transforms.scoring.'
    )
    op.create_table('fact_enforcement',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('case_number', sa.String(length=64), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('stage_date', sa.Date(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_fact_enforcement_month_range')),
    sa.ForeignKeyConstraint(['submission_id'], ['audit_submission.submission_id'], name=op.f('fk_fact_enforcement_submission_id_audit_submission')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'month', 'case_number', name=op.f('pk_fact_enforcement')),
    comment='One row per unit x year x month x enforcement case that moved that month.'
    )
    op.create_table('fact_indicator_month',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('indicator_code', sa.String(length=64), nullable=False),
    sa.Column('realisasi', sa.Double(), nullable=True),
    sa.Column('numerator', sa.Double(), nullable=True),
    sa.Column('denominator', sa.Double(), nullable=True),
    sa.Column('spent_cum_rp', sa.Double(), nullable=True),
    sa.Column('kendala', sa.Text(), nullable=True),
    sa.Column('rtl', sa.Text(), nullable=True),
    sa.Column('rtl_deadline', sa.Text(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_fact_indicator_month_month_range')),
    sa.ForeignKeyConstraint(['indicator_code'], ['dim_indicator.indicator_code'], name=op.f('fk_fact_indicator_month_indicator_code_dim_indicator')),
    sa.ForeignKeyConstraint(['submission_id'], ['audit_submission.submission_id'], name=op.f('fk_fact_indicator_month_submission_id_audit_submission')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'month', 'indicator_code', name=op.f('pk_fact_indicator_month')),
    comment='One row per unit x year x month x indicator: the realisation reported (cumulative to the month).'
    )
    op.create_table('fact_inspection',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('facility_type', sa.String(length=64), nullable=False),
    sa.Column('inspected', sa.Integer(), nullable=False),
    sa.Column('mk', sa.Integer(), nullable=False),
    sa.Column('tmk', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_fact_inspection_month_range')),
    sa.ForeignKeyConstraint(['facility_type'], ['dim_facility_type.facility_type'], name=op.f('fk_fact_inspection_facility_type_dim_facility_type')),
    sa.ForeignKeyConstraint(['submission_id'], ['audit_submission.submission_id'], name=op.f('fk_fact_inspection_submission_id_audit_submission')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'month', 'facility_type', name=op.f('pk_fact_inspection')),
    comment='One row per unit x year x month x facility type: inspections of the month.'
    )
    op.create_table('fact_sampling',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('commodity', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('sampled', sa.Integer(), nullable=False),
    sa.Column('tested', sa.Integer(), nullable=False),
    sa.Column('ms', sa.Integer(), nullable=False),
    sa.Column('tms', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_fact_sampling_month_range')),
    sa.ForeignKeyConstraint(['commodity'], ['dim_commodity.commodity'], name=op.f('fk_fact_sampling_commodity_dim_commodity')),
    sa.ForeignKeyConstraint(['submission_id'], ['audit_submission.submission_id'], name=op.f('fk_fact_sampling_submission_id_audit_submission')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'month', 'commodity', 'method', name=op.f('pk_fact_sampling')),
    comment='One row per unit x year x month x commodity x method: samples of the month.'
    )
    op.create_table('plan_header',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('dipa_number', sa.Text(), nullable=True),
    sa.Column('pk_date', sa.Date(), nullable=True),
    sa.Column('head_name', sa.Text(), nullable=True),
    sa.Column('revision_note', sa.Text(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['audit_submission.submission_id'], name=op.f('fk_plan_header_submission_id_audit_submission')),
    sa.PrimaryKeyConstraint('unit_code', 'year', name=op.f('pk_plan_header')),
    comment='One row per unit x year: the identity of the current annual plan.'
    )
    op.create_table('plan_budget',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('ro_code', sa.String(length=64), nullable=False),
    sa.Column('expense_type', sa.String(length=2), nullable=False),
    sa.Column('ro_name', sa.Text(), nullable=True),
    sa.Column('pagu_rp', sa.Double(), nullable=False),
    sa.Column('pagu_after_aa_rp', sa.Double(), nullable=True),
    sa.Column('volume_target', sa.Double(), nullable=True),
    sa.Column('volume_unit', sa.Text(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['expense_type'], ['dim_expense_type.expense_type'], name=op.f('fk_plan_budget_expense_type_dim_expense_type')),
    sa.ForeignKeyConstraint(['ro_code'], ['dim_ro.ro_code'], name=op.f('fk_plan_budget_ro_code_dim_ro')),
    sa.ForeignKeyConstraint(['submission_id'], ['audit_submission.submission_id'], name=op.f('fk_plan_budget_submission_id_audit_submission')),
    sa.ForeignKeyConstraint(['unit_code', 'year'], ['plan_header.unit_code', 'plan_header.year'], name=op.f('fk_plan_budget_unit_code_plan_header')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'ro_code', 'expense_type', name=op.f('pk_plan_budget')),
    comment='One row per unit x year x rincian output x jenis belanja: the DIPA line.'
    )
    op.create_table('plan_sasaran',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sk_code', sa.String(length=64), nullable=False),
    sa.Column('sk_name', sa.Text(), nullable=False),
    sa.Column('perspective', sa.String(length=40), nullable=False),
    sa.Column('sk_order', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['perspective'], ['dim_perspective.perspective'], name=op.f('fk_plan_sasaran_perspective_dim_perspective')),
    sa.ForeignKeyConstraint(['submission_id'], ['audit_submission.submission_id'], name=op.f('fk_plan_sasaran_submission_id_audit_submission')),
    sa.ForeignKeyConstraint(['unit_code', 'year'], ['plan_header.unit_code', 'plan_header.year'], name=op.f('fk_plan_sasaran_unit_code_plan_header')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'sk_code', name=op.f('pk_plan_sasaran')),
    comment='One row per unit x year x sasaran kegiatan (SK) of the plan.'
    )
    op.create_table('plan_indicator',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('indicator_code', sa.String(length=64), nullable=False),
    sa.Column('sk_code', sa.String(length=64), nullable=False),
    sa.Column('indicator_name', sa.Text(), nullable=False),
    sa.Column('unit_of_measure', sa.String(length=20), nullable=True),
    sa.Column('polarity', sa.String(length=20), nullable=True),
    sa.Column('is_iku', sa.Boolean(), nullable=False),
    sa.Column('weight', sa.Double(), nullable=False),
    sa.Column('annual_target', sa.Double(), nullable=True),
    sa.Column('pattern', sa.String(length=20), nullable=True),
    sa.Column('allocation_rp', sa.Double(), nullable=True),
    sa.Column('indicator_order', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_code'], ['dim_indicator.indicator_code'], name=op.f('fk_plan_indicator_indicator_code_dim_indicator')),
    sa.ForeignKeyConstraint(['submission_id'], ['audit_submission.submission_id'], name=op.f('fk_plan_indicator_submission_id_audit_submission')),
    sa.ForeignKeyConstraint(['unit_code', 'year', 'sk_code'], ['plan_sasaran.unit_code', 'plan_sasaran.year', 'plan_sasaran.sk_code'], name=op.f('fk_plan_indicator_unit_code_plan_sasaran')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'indicator_code', name=op.f('pk_plan_indicator')),
    comment='One row per unit x year x indicator of the PK.'
    )
    op.create_table('plan_rpd',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('ro_code', sa.String(length=64), nullable=False),
    sa.Column('expense_type', sa.String(length=2), nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('planned_rp', sa.Double(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_plan_rpd_month_range')),
    sa.ForeignKeyConstraint(['submission_id'], ['audit_submission.submission_id'], name=op.f('fk_plan_rpd_submission_id_audit_submission')),
    sa.ForeignKeyConstraint(['unit_code', 'year', 'ro_code', 'expense_type'], ['plan_budget.unit_code', 'plan_budget.year', 'plan_budget.ro_code', 'plan_budget.expense_type'], name=op.f('fk_plan_rpd_unit_code_plan_budget')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'ro_code', 'expense_type', 'month', name=op.f('pk_plan_rpd')),
    comment='One row per unit x year x rincian output x jenis belanja x month: planned disbursement (RPD).'
    )
    op.create_table('plan_target',
    sa.Column('unit_code', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('indicator_code', sa.String(length=64), nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('target', sa.Double(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_plan_target_month_range')),
    sa.ForeignKeyConstraint(['submission_id'], ['audit_submission.submission_id'], name=op.f('fk_plan_target_submission_id_audit_submission')),
    sa.ForeignKeyConstraint(['unit_code', 'year', 'indicator_code'], ['plan_indicator.unit_code', 'plan_indicator.year', 'plan_indicator.indicator_code'], name=op.f('fk_plan_target_unit_code_plan_indicator')),
    sa.PrimaryKeyConstraint('unit_code', 'year', 'indicator_code', 'month', name=op.f('pk_plan_target')),
    comment='One row per unit x year x indicator x month: the RAPK target (NULL = not measured that month).'
    )
    views.add_views(op, VIEWS)


def downgrade() -> None:
    views.remove_views(op, VIEWS)
    op.drop_table('plan_target')
    op.drop_table('plan_rpd')
    op.drop_table('plan_indicator')
    op.drop_table('plan_sasaran')
    op.drop_table('plan_budget')
    op.drop_table('plan_header')
    op.drop_table('fact_sampling')
    op.drop_table('fact_inspection')
    op.drop_table('fact_indicator_month')
    op.drop_table('fact_enforcement')
    op.drop_table('fact_capaian_month')
    op.drop_table('fact_budget_month')
    op.drop_table('audit_problem')
    op.drop_table('report_version')
    op.drop_table('fact_score_quarter')
    op.drop_table('fact_reporting_status')
    op.drop_table('fact_reconciliation_month')
    op.drop_table('fact_efficiency_quarter')
    op.drop_table('fact_budget_rollup_month')
    op.drop_table('fact_budget_line_month')
    op.drop_table('dim_unit_alias')
    op.drop_table('dim_unit')
    op.drop_table('dim_ro')
    op.drop_table('dim_perspective')
    op.drop_table('dim_month')
    op.drop_table('dim_indicator')
    op.drop_table('dim_facility_type')
    op.drop_table('dim_expense_type')
    op.drop_table('dim_commodity')
    op.drop_index('uq_audit_submission_current', table_name='audit_submission', sqlite_where=sa.text("is_current"), postgresql_where=sa.text("is_current"))
    op.drop_index('ix_audit_submission_unit_code_year', table_name='audit_submission')
    op.drop_index('ix_audit_submission_file_hash', table_name='audit_submission')

    op.drop_table('audit_submission')
    op.drop_index('ix_audit_capaian_override_unit_code_year', table_name='audit_capaian_override')

    op.drop_table('audit_capaian_override')
