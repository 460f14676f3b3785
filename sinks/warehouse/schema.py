"""The reporting warehouse: a star schema declared in SQLAlchemy Core (the one source of the DDL).

Layers, by table-name prefix:

- ``dim_*``: dimensions seeded from master data (``reference/``) and extended by plans
  (unit-specific indicator and RO codes). ``dim_unit`` is a type-2 history: facts carry the
  unit *code*; views pick the unit row valid at the period's last day.
- ``plan_*``: the annual plan (PK, RAPK, DIPA, RPD) of one unit and year, replaced as a whole
  when a new plan version is loaded.
- ``fact_*_month`` loaded from monthly reports (one unit-month replaced as a whole per version),
  and derived facts (``fact_capaian_month``, ``fact_score_quarter``, ``fact_budget_*``,
  ``fact_efficiency_quarter``, ``fact_reconciliation_month``, ``fact_reporting_status``)
  derived for a whole unit-year by the transforms once per run, after the run's files are stored;
  ``unit_year_state`` says which unit-years have raw data newer than their derived facts.
- ``audit_*`` and ``report_version``: who sent what when, every validation problem, manual
  overrides and every report built (with the data it was built from).

Each table's ``comment`` states its grain ("one row per ..."); column meanings live in the
description registry of :mod:`sinks.warehouse.dictionary`. Amounts are rupiah (``_rp``, double
precision), percentages 0-100+ (``_pct``); timestamps are stored in UTC.
"""
from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

CODE = String(64)
"""Type of every code column (unit, SK, indicator, RO, commodity ...): codes are identifiers."""


def _code(name: str, *args: object, **kwargs: object) -> Column:
    return Column(name, CODE, *args, **kwargs)


def _amount(name: str, nullable: bool = True) -> Column:
    """A rupiah amount or a measured value (double precision)."""
    return Column(name, Double(), nullable=nullable)


def _count(name: str, nullable: bool = False) -> Column:
    return Column(name, Integer, nullable=nullable)


def _unit_year() -> list[Column]:
    return [_code("unit_code", primary_key=True), Column("year", Integer, primary_key=True, autoincrement=False)]


def _unit_month() -> list[Column]:
    return _unit_year() + [Column("month", Integer, primary_key=True, autoincrement=False)]


def _unit_quarter() -> list[Column]:
    return _unit_year() + [Column("quarter", Integer, primary_key=True, autoincrement=False)]


def _month_check() -> CheckConstraint:
    return CheckConstraint("month BETWEEN 1 AND 12", name="month_range")


def _quarter_check() -> CheckConstraint:
    return CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range")


def _submission_fk() -> Column:
    return Column("submission_id", Integer, ForeignKey("audit_submission.submission_id"), nullable=False)


# ---------------------------------------------------------------------------------------- dimensions

dim_unit = Table(
    "dim_unit",
    metadata,
    Column("unit_key", Integer, primary_key=True, autoincrement=True),
    _code("unit_code", nullable=False),
    Column("name", Text, nullable=False),
    Column("unit_type", String(20), nullable=False),
    Column("unit_group", String(40)),
    _code("parent_code"),
    Column("province", Text),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("is_current", Boolean, nullable=False),
    UniqueConstraint("unit_code", "valid_from"),
    comment="One row per unit and validity interval (type-2 history of units.csv + unit_changes.csv).",
)

dim_unit_alias = Table(
    "dim_unit_alias",
    metadata,
    Column("alias_norm", Text, primary_key=True),
    _code("unit_code", primary_key=True),
    Column("alias", Text, nullable=False),
    comment="One row per (normalised name, unit): codes, names, aliases and former names of units.",
)

dim_month = Table(
    "dim_month",
    metadata,
    Column("month_key", Integer, primary_key=True, autoincrement=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("quarter", Integer, nullable=False),
    Column("quarter_key", Integer, nullable=False),
    Column("month_name", String(20), nullable=False),
    Column("month_start", Date, nullable=False),
    Column("month_end", Date, nullable=False),
    UniqueConstraint("year", "month"),
    _month_check(),
    _quarter_check(),
    comment="One row per calendar month (month_key YYYYMM).",
)

dim_perspective = Table(
    "dim_perspective",
    metadata,
    Column("perspective", String(40), primary_key=True),
    Column("perspective_name", Text, nullable=False),
    Column("perspective_order", Integer, nullable=False),
    comment="One row per balanced-scorecard perspective, in reporting order.",
)

dim_indicator = Table(
    "dim_indicator",
    metadata,
    _code("indicator_code", primary_key=True),
    Column("indicator_name", Text, nullable=False),
    Column("unit_of_measure", String(20)),
    Column("polarity", String(20)),
    Column("measurement", String(20)),
    Column("in_catalogue", Boolean, nullable=False),
    _code("defined_by_unit"),
    Column("first_year", Integer),
    comment="One row per indicator code: the national catalogue plus unit-specific codes first seen in a plan.",
)

dim_ro = Table(
    "dim_ro",
    metadata,
    _code("ro_code", primary_key=True),
    _code("kro_code"),
    Column("ro_name", Text, nullable=False),
    Column("volume_unit", Text),
    Column("in_catalogue", Boolean, nullable=False),
    _code("defined_by_unit"),
    Column("first_year", Integer),
    comment="One row per rincian output (RO) code: the catalogue plus unit-specific codes first seen in a plan.",
)

dim_expense_type = Table(
    "dim_expense_type",
    metadata,
    Column("expense_type", String(2), primary_key=True),
    Column("expense_type_name", Text, nullable=False),
    comment="One row per jenis belanja of the DIPA (51 pegawai, 52 barang, 53 modal).",
)

dim_commodity = Table(
    "dim_commodity",
    metadata,
    _code("commodity", primary_key=True),
    Column("commodity_name", Text, nullable=False),
    Column("commodity_name_en", Text),
    Column("level", Integer, nullable=False),
    _code("parent_commodity"),
    Column("supergroup", String(20)),
    comment="One row per commodity (level 1) or sub-commodity (level 2) of sampling.",
)

dim_facility_type = Table(
    "dim_facility_type",
    metadata,
    _code("facility_type", primary_key=True),
    Column("facility_name", Text, nullable=False),
    Column("level", Integer, nullable=False),
    _code("parent_facility_type"),
    Column("reporting_group", String(20)),
    Column("standard", Text),
    comment="One row per facility type (level 1 group or level 2 subtype) of inspections.",
)

# --------------------------------------------------------------------------------------------- audit

audit_submission = Table(
    "audit_submission",
    metadata,
    Column("submission_id", Integer, primary_key=True, autoincrement=True),
    _code("unit_code", nullable=False),
    Column("kind", String(10)),
    Column("year", Integer),
    Column("month", Integer),
    Column("period_key", Integer),
    Column("file_name", Text, nullable=False),
    Column("file_hash", String(64), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("steward", Text),
    Column("verdict", String(30), nullable=False),
    Column("version", Integer),
    Column("is_current", Boolean, nullable=False),
    Column("superseded_by", Integer, ForeignKey("audit_submission.submission_id")),
    Column("revision_note", Text),
    _count("n_errors"),
    _count("n_warnings"),
    CheckConstraint("kind IS NULL OR kind IN ('rencana', 'bulanan')", name="kind"),
    CheckConstraint("verdict IN ('accepted', 'accepted_with_warnings', 'rejected')", name="verdict"),
    CheckConstraint("month IS NULL OR month BETWEEN 1 AND 12", name="month_range"),
    UniqueConstraint("unit_code", "kind", "period_key", "version"),
    Index("ix_audit_submission_file_hash", "file_hash"),
    Index("ix_audit_submission_unit_code_year", "unit_code", "year"),
    comment="One row per file received (every version, rejected files included).",
)
#: At most one current (loaded) version per unit, kind and period.
Index(
    "uq_audit_submission_current",
    audit_submission.c.unit_code,
    audit_submission.c.kind,
    audit_submission.c.period_key,
    unique=True,
    sqlite_where=audit_submission.c.is_current,
    postgresql_where=audit_submission.c.is_current,
)

audit_problem = Table(
    "audit_problem",
    metadata,
    Column("submission_id", Integer, ForeignKey("audit_submission.submission_id"), primary_key=True),
    Column("problem_no", Integer, primary_key=True, autoincrement=False),
    Column("rule_id", String(64), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("sheet", Text),
    Column("row", Integer),
    Column("column", Text),
    Column("cell", String(16)),
    Column("value", Text),
    Column("message", Text, nullable=False),
    Column("expected", Text),
    CheckConstraint("severity IN ('error', 'warning')", name="severity"),
    comment="One row per problem found in a submission (reading and validation).",
)

audit_capaian_override = Table(
    "audit_capaian_override",
    metadata,
    Column("override_id", Integer, primary_key=True, autoincrement=True),
    _code("unit_code", nullable=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    _code("indicator_code", nullable=False),
    Column("capaian_pct", Double(), nullable=False),
    Column("reason", Text, nullable=False),
    Column("set_by", Text, nullable=False),
    Column("set_at", DateTime(timezone=True), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("deactivated_at", DateTime(timezone=True)),
    Column("deactivated_by", Text),
    _month_check(),
    Index("ix_audit_capaian_override_unit_code_year", "unit_code", "year"),
    comment="One row per manual capaian override ever set (active or withdrawn).",
)

report_version = Table(
    "report_version",
    metadata,
    Column("report_id", Integer, primary_key=True, autoincrement=True),
    Column("scope", String(10), nullable=False),
    _code("unit_code"),
    Column("year", Integer, nullable=False),
    Column("quarter", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("built_at", DateTime(timezone=True), nullable=False),
    Column("data_fingerprint", String(64), nullable=False),
    Column("submission_ids", Text, nullable=False),
    Column("docx_path", Text),
    Column("pdf_path", Text),
    Column("changes", Text),
    CheckConstraint("scope IN ('unit', 'national')", name="scope"),
    _quarter_check(),
    UniqueConstraint("scope", "unit_code", "year", "quarter", "version"),
    comment="One row per report built (unit or national, per quarter and version).",
)

# ------------------------------------------------------------------------------------------ the plan

plan_header = Table(
    "plan_header",
    metadata,
    *_unit_year(),
    Column("dipa_number", Text),
    Column("pk_date", Date),
    Column("head_name", Text),
    Column("revision_note", Text),
    _submission_fk(),
    comment="One row per unit x year: the identity of the current annual plan.",
)

plan_sasaran = Table(
    "plan_sasaran",
    metadata,
    *_unit_year(),
    _code("sk_code", primary_key=True),
    Column("sk_name", Text, nullable=False),
    Column("perspective", String(40), ForeignKey("dim_perspective.perspective"), nullable=False),
    Column("sk_order", Integer, nullable=False),
    _submission_fk(),
    ForeignKeyConstraint(["unit_code", "year"], ["plan_header.unit_code", "plan_header.year"]),
    comment="One row per unit x year x sasaran kegiatan (SK) of the plan.",
)

plan_indicator = Table(
    "plan_indicator",
    metadata,
    *_unit_year(),
    _code("indicator_code", ForeignKey("dim_indicator.indicator_code"), primary_key=True),
    _code("sk_code", nullable=False),
    Column("indicator_name", Text, nullable=False),
    Column("unit_of_measure", String(20)),
    Column("polarity", String(20)),
    Column("is_iku", Boolean, nullable=False),
    Column("weight", Double(), nullable=False),
    Column("annual_target", Double()),
    Column("pattern", String(20)),
    _amount("allocation_rp"),
    Column("indicator_order", Integer, nullable=False),
    _submission_fk(),
    ForeignKeyConstraint(
        ["unit_code", "year", "sk_code"],
        ["plan_sasaran.unit_code", "plan_sasaran.year", "plan_sasaran.sk_code"],
    ),
    comment="One row per unit x year x indicator of the PK.",
)

plan_target = Table(
    "plan_target",
    metadata,
    *_unit_year(),
    _code("indicator_code", primary_key=True),
    Column("month", Integer, primary_key=True, autoincrement=False),
    Column("target", Double()),
    _submission_fk(),
    ForeignKeyConstraint(
        ["unit_code", "year", "indicator_code"],
        ["plan_indicator.unit_code", "plan_indicator.year", "plan_indicator.indicator_code"],
    ),
    _month_check(),
    comment="One row per unit x year x indicator x month: the RAPK target (NULL = not measured that month).",
)

plan_budget = Table(
    "plan_budget",
    metadata,
    *_unit_year(),
    _code("ro_code", ForeignKey("dim_ro.ro_code"), primary_key=True),
    Column("expense_type", String(2), ForeignKey("dim_expense_type.expense_type"), primary_key=True),
    Column("ro_name", Text),
    _amount("pagu_rp", nullable=False),
    _amount("pagu_after_aa_rp"),
    Column("volume_target", Double()),
    Column("volume_unit", Text),
    _submission_fk(),
    ForeignKeyConstraint(["unit_code", "year"], ["plan_header.unit_code", "plan_header.year"]),
    comment="One row per unit x year x rincian output x jenis belanja: the DIPA line.",
)

plan_rpd = Table(
    "plan_rpd",
    metadata,
    *_unit_year(),
    _code("ro_code", primary_key=True),
    Column("expense_type", String(2), primary_key=True),
    Column("month", Integer, primary_key=True, autoincrement=False),
    _amount("planned_rp"),
    _submission_fk(),
    ForeignKeyConstraint(
        ["unit_code", "year", "ro_code", "expense_type"],
        ["plan_budget.unit_code", "plan_budget.year", "plan_budget.ro_code", "plan_budget.expense_type"],
    ),
    _month_check(),
    comment="One row per unit x year x rincian output x jenis belanja x month: planned disbursement (RPD).",
)

# ----------------------------------------------------------------------------- monthly (loaded) facts

fact_indicator_month = Table(
    "fact_indicator_month",
    metadata,
    *_unit_month(),
    _code("indicator_code", ForeignKey("dim_indicator.indicator_code"), primary_key=True),
    Column("realisasi", Double()),
    Column("numerator", Double()),
    Column("denominator", Double()),
    _amount("spent_cum_rp"),
    Column("kendala", Text),
    Column("rtl", Text),
    Column("rtl_deadline", Text),
    _submission_fk(),
    _month_check(),
    comment="One row per unit x year x month x indicator: the realisation reported (cumulative to the month).",
)

fact_budget_month = Table(
    "fact_budget_month",
    metadata,
    *_unit_month(),
    _code("ro_code", ForeignKey("dim_ro.ro_code"), primary_key=True),
    Column("expense_type", String(2), ForeignKey("dim_expense_type.expense_type"), primary_key=True),
    _amount("spent_month_rp"),
    Column("volume_cum", Double()),
    Column("progress_pct", Double()),
    _submission_fk(),
    _month_check(),
    comment="One row per unit x year x month x rincian output x jenis belanja: spending of the month.",
)

fact_sampling = Table(
    "fact_sampling",
    metadata,
    *_unit_month(),
    _code("commodity", ForeignKey("dim_commodity.commodity"), primary_key=True),
    Column("method", String(20), primary_key=True),
    _count("sampled"),
    _count("tested"),
    _count("ms"),
    _count("tms"),
    _submission_fk(),
    _month_check(),
    comment="One row per unit x year x month x commodity x method: samples of the month.",
)

fact_inspection = Table(
    "fact_inspection",
    metadata,
    *_unit_month(),
    _code("facility_type", ForeignKey("dim_facility_type.facility_type"), primary_key=True),
    _count("inspected"),
    _count("mk"),
    _count("tmk"),
    _submission_fk(),
    _month_check(),
    comment="One row per unit x year x month x facility type: inspections of the month.",
)

fact_enforcement = Table(
    "fact_enforcement",
    metadata,
    *_unit_month(),
    _code("case_number", primary_key=True),
    Column("stage", String(20), nullable=False),
    Column("stage_date", Date),
    _submission_fk(),
    _month_check(),
    comment="One row per unit x year x month x enforcement case that moved that month.",
)

# ------------------------------------------------------------------ derived facts (recomputed per unit-year)

fact_capaian_month = Table(
    "fact_capaian_month",
    metadata,
    *_unit_month(),
    _code("indicator_code", primary_key=True),
    Column("quarter", Integer),
    _code("sk_code"),
    Column("weight", Double()),
    Column("target", Double()),
    Column("realisasi", Double()),
    Column("numerator", Double()),
    Column("denominator", Double()),
    _amount("spent_cum_rp"),
    Column("measured", Boolean),
    Column("capaian_raw_pct", Double()),
    Column("capaian_pct", Double()),
    Column("override_id", Integer, ForeignKey("audit_capaian_override.override_id")),
    Column("kriteria", Text),
    comment="One row per unit x year x month x indicator: capaian (achievement) computed by transforms.scoring.",
)

fact_score_quarter = Table(
    "fact_score_quarter",
    metadata,
    *_unit_quarter(),
    Column("level", String(20), primary_key=True),
    _code("item_code", primary_key=True),
    _code("parent_code"),
    Column("value_raw_pct", Double()),
    Column("value_pct", Double()),
    Column("kriteria", Text),
    Column("n_measured", Integer),
    Column("policy_id", String(64)),
    _quarter_check(),
    comment="One row per unit x year x quarter x level x item: indicator capaian, NPS of each SK, "
    "perspective scores and the NPS TOTAL.",
)

fact_budget_line_month = Table(
    "fact_budget_line_month",
    metadata,
    *_unit_month(),
    _code("ro_code", primary_key=True),
    Column("expense_type", String(2), primary_key=True),
    Column("quarter", Integer),
    _amount("pagu_rp"),
    _amount("pagu_after_aa_rp"),
    _amount("spent_month_rp"),
    _amount("spent_cum_rp"),
    _amount("planned_month_rp"),
    _amount("planned_cum_rp"),
    Column("realisation_pct", Double()),
    Column("realisation_aa_pct", Double()),
    Column("deviation_pct", Double()),
    Column("volume_target", Double()),
    Column("volume_cum", Double()),
    Column("volume_pct", Double()),
    Column("progress_pct", Double()),
    comment="One row per unit x year x month x rincian output x jenis belanja: realisation of a DIPA line.",
)

fact_budget_rollup_month = Table(
    "fact_budget_rollup_month",
    metadata,
    *_unit_month(),
    Column("level", String(20), primary_key=True),
    _code("item_code", primary_key=True),
    Column("quarter", Integer),
    _amount("pagu_rp"),
    _amount("pagu_after_aa_rp"),
    _amount("spent_month_rp"),
    _amount("spent_cum_rp"),
    _amount("planned_month_rp"),
    _amount("planned_cum_rp"),
    Column("realisation_pct", Double()),
    Column("realisation_aa_pct", Double()),
    Column("deviation_pct", Double()),
    comment="One row per unit x year x month x level ('ro' | 'expense_type' | 'unit') x item: budget roll-ups.",
)

fact_budget_indicator_month = Table(
    "fact_budget_indicator_month",
    metadata,
    *_unit_month(),
    Column("level", String(20), primary_key=True),
    _code("item_code", primary_key=True),
    Column("quarter", Integer),
    _code("parent_code"),
    _amount("allocation_rp"),
    _amount("spent_month_rp"),
    _amount("spent_qtd_rp"),
    _amount("spent_cum_rp"),
    Column("realisation_pct", Double()),
    CheckConstraint("level IN ('indicator', 'sasaran')", name="level"),
    _month_check(),
    comment="One row per unit x year x reported month x level ('indicator' | 'sasaran') x item: spending "
    "attributed to a PK indicator (or summed over an SK's indicators) against its allocation.",
)

fact_efficiency_quarter = Table(
    "fact_efficiency_quarter",
    metadata,
    *_unit_quarter(),
    _code("indicator_code", primary_key=True),
    _code("sk_code"),
    _amount("input_pagu_rp"),
    _amount("input_realisasi_rp"),
    Column("input_pct", Double()),
    Column("output_target", Double()),
    Column("output_realisasi", Double()),
    Column("output_pct", Double()),
    Column("ie", Double()),
    Column("se", Double()),
    Column("te", Double()),
    Column("kategori", Text),
    _quarter_check(),
    comment="One row per unit x year x quarter x indicator (plus 'TOTAL' for the unit): efficiency.",
)

fact_efficiency_sasaran_quarter = Table(
    "fact_efficiency_sasaran_quarter",
    metadata,
    *_unit_quarter(),
    _code("sk_code", primary_key=True),
    _amount("input_pagu_rp"),
    _amount("input_realisasi_rp"),
    Column("input_pct", Double()),
    Column("output_pct", Double()),
    Column("ie", Double()),
    Column("se", Double()),
    Column("te", Double()),
    Column("kategori", Text),
    _quarter_check(),
    comment="One row per unit x year x quarter x sasaran kegiatan (SK): efficiency of the SK (its indicators' "
    "spending against their allocation, the SK's NPS from uncapped capaian).",
)

fact_reconciliation_month = Table(
    "fact_reconciliation_month",
    metadata,
    *_unit_month(),
    _code("indicator_code", primary_key=True),
    Column("realisasi", Double()),
    Column("derived_pct", Double()),
    Column("numerator", Double()),
    Column("denominator", Double()),
    Column("difference", Double()),
    Column("agrees", Boolean),
    comment="One row per unit x year x month x derived indicator: reported realisation vs. the value "
    "computed from sampling/inspection counts.",
)

fact_sampling_ytd = Table(
    "fact_sampling_ytd",
    metadata,
    *_unit_month(),
    _code("commodity", primary_key=True),
    Column("method", String(20), primary_key=True),
    Column("quarter", Integer),
    *[_count(name, nullable=True) for name in ("sampled", "tested", "ms", "tms")],
    *[_count(f"{name}_cum", nullable=True) for name in ("sampled", "tested", "ms", "tms")],
    Column("ms_pct", Double()),
    Column("ms_cum_pct", Double()),
    _month_check(),
    comment="One row per unit x year x month x commodity x method (plus commodity and method 'TOTAL' for the "
    "unit): samples of the month and year to date, MS % of the month and year to date.",
)

fact_inspection_ytd = Table(
    "fact_inspection_ytd",
    metadata,
    *_unit_month(),
    _code("facility_type", primary_key=True),
    Column("quarter", Integer),
    *[_count(name, nullable=True) for name in ("inspected", "mk", "tmk")],
    *[_count(f"{name}_cum", nullable=True) for name in ("inspected", "mk", "tmk")],
    Column("mk_pct", Double()),
    Column("mk_cum_pct", Double()),
    _month_check(),
    comment="One row per unit x year x month x facility type (plus 'TOTAL' for the unit): inspections of the "
    "month and year to date, MK % of the month and year to date.",
)

fact_reporting_status = Table(
    "fact_reporting_status",
    metadata,
    *_unit_month(),
    Column("expected", Boolean),
    Column("received", Boolean),
    Column("first_received_at", DateTime(timezone=True)),
    Column("last_received_at", DateTime(timezone=True)),
    Column("on_time", Boolean),
    Column("accepted", Boolean),
    Column("n_versions", Integer),
    comment="One row per unit x year x month: whether the monthly report was expected, received, on time, accepted.",
)

# ------------------------------------------------ national facts (derived per year from every unit's derived facts)


def _area_month() -> list[Column]:
    return [Column("year", Integer, primary_key=True, autoincrement=False),
            Column("month", Integer, primary_key=True, autoincrement=False)]


fact_budget_area_month = Table(
    "fact_budget_area_month",
    metadata,
    *_area_month(),
    Column("area", String(40), primary_key=True),
    Column("expense_type", String(8), primary_key=True),
    Column("quarter", Integer),
    Column("area_level", String(10), nullable=False),
    Column("area_order", Integer, nullable=False),
    _count("units_in_figures"),
    _amount("pagu_rp"),
    _amount("pagu_after_aa_rp"),
    _amount("withheld_aa_rp"),
    _amount("spent_month_rp"),
    _amount("spent_cum_rp"),
    Column("realisation_pct", Double()),
    Column("realisation_aa_pct", Double()),
    _month_check(),
    comment="One row per year x month x area (unit group, or 'Indonesia') x jenis belanja (51/52/53, or 'TOTAL'):"
    " the units' budget roll-ups summed, realisation against pagu and pagu setelah AA.",
)

fact_sampling_national_month = Table(
    "fact_sampling_national_month",
    metadata,
    *_area_month(),
    _code("commodity", primary_key=True),
    Column("method", String(20), primary_key=True),
    Column("quarter", Integer),
    _count("units_in_figures"),
    *[_count(name, nullable=True) for name in ("sampled", "tested", "ms", "tms")],
    *[_count(f"{name}_cum", nullable=True) for name in ("sampled", "tested", "ms", "tms")],
    Column("tms_pct", Double()),
    Column("tms_cum_pct", Double()),
    _month_check(),
    comment="One row per year x month x commodity x method (plus commodity 'TOTAL' per method and for all): every "
    "unit's sampling summed, month and year to date, TMS % of each.",
)

fact_inspection_national_month = Table(
    "fact_inspection_national_month",
    metadata,
    *_area_month(),
    _code("facility_type", primary_key=True),
    Column("quarter", Integer),
    _count("units_in_figures"),
    *[_count(name, nullable=True) for name in ("inspected", "mk", "tmk")],
    *[_count(f"{name}_cum", nullable=True) for name in ("inspected", "mk", "tmk")],
    Column("tmk_pct", Double()),
    Column("tmk_cum_pct", Double()),
    _month_check(),
    comment="One row per year x month x facility type (plus 'TOTAL'): every unit's inspections summed, month and "
    "year to date, TMK % of each.",
)

fact_enforcement_national_month = Table(
    "fact_enforcement_national_month",
    metadata,
    *_area_month(),
    Column("stage", String(20), primary_key=True),
    Column("quarter", Integer),
    Column("stage_order", Integer, nullable=False),
    _count("cases_at_stage"),
    _count("cases_moved_month"),
    _month_check(),
    comment="One row per year x month x enforcement stage (plus 'TOTAL'): cases whose latest stage up to the month is "
    "the stage (the funnel; TOTAL: every case), and cases that reported the stage (TOTAL: moved) in the month.",
)

fact_indicator_matrix_quarter = Table(
    "fact_indicator_matrix_quarter",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("quarter", Integer, primary_key=True, autoincrement=False),
    _code("indicator_code", primary_key=True),
    Column("summable", Boolean, nullable=False),
    _count("units_planned"),
    _count("units_measured"),
    _count("units_year_end"),
    Column("target_sum", Double()),
    Column("realisasi_sum", Double()),
    Column("capaian_sum_pct", Double()),
    Column("capaian_min_pct", Double()),
    Column("capaian_median_pct", Double()),
    Column("capaian_max_pct", Double()),
    _count("units_below_target"),
    _quarter_check(),
    comment="One row per year x quarter x catalogue indicator planned by a unit that year: how many units planned "
    "and measured it, the national sum where it is a count, and the spread of capaian across units.",
)

unit_year_state = Table(
    "unit_year_state",
    metadata,
    *_unit_year(),
    Column("raw_seq", Integer, nullable=False),
    Column("derived_seq", Integer),
    Column("raw_changed_at", DateTime(timezone=True), nullable=False),
    Column("derived_at", DateTime(timezone=True)),
    Column("policy_id", String(64)),
    comment="One row per unit x year that has raw data: raw_seq counts changes to its raw facts (plan, "
    "months, overrides), derived_seq is the raw_seq its derived facts were computed from; derived facts "
    "are stale while derived_seq is NULL or below raw_seq.",
)

inbox_seen = Table(
    "inbox_seen",
    metadata,
    Column("path", Text, primary_key=True),
    Column("size_bytes", BigInteger, primary_key=True, autoincrement=False),
    Column("modified_at", DateTime(timezone=True), primary_key=True),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    Column("seen_after", DateTime(timezone=True)),
    comment="One row per inbox file state (path, size, modification time) the pipeline has listed: when it "
    "first saw it, and the listing before that (NULL: none), between which the file arrived.",
)

inbox_scan = Table(
    "inbox_scan",
    metadata,
    Column("scan_id", Integer, primary_key=True, autoincrement=True),
    Column("scanned_at", DateTime(timezone=True), nullable=False),
    Column("n_files", Integer, nullable=False),
    comment="One row per listing of the whole inbox (by a run or the inbox watcher).",
)

# ------------------------------------------------------------------------------ the steward portal

portal_user = Table(
    "portal_user",
    metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("full_name", Text, nullable=False),
    Column("role", String(10), nullable=False),
    _code("unit_code"),
    Column("password_hash", Text, nullable=False),
    Column("is_active", Boolean, nullable=False),
    _count("failed_logins"),
    Column("locked_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("password_changed_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
    CheckConstraint("role IN ('steward', 'centre')", name="role"),
    CheckConstraint("(role = 'steward' AND unit_code IS NOT NULL) OR (role = 'centre' AND unit_code IS NULL)",
                    name="role_unit"),
    UniqueConstraint("username"),
    comment="One row per portal account (one person): a unit's steward or a user of the centre, with the "
    "password's scrypt hash and the count of failed logins since the last success.",
)

portal_session = Table(
    "portal_session",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("portal_user.user_id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Index("ix_portal_session_user_id", "user_id"),
    comment="One row per portal login session: the SHA-256 of its random token (the token itself is only in "
    "the browser's cookie), when it expires and when it was ended (logout, account disabled).",
)

portal_upload = Table(
    "portal_upload",
    metadata,
    Column("upload_id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("portal_user.user_id"), nullable=False),
    _code("unit_code", nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("file_hash", String(64), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("kind", String(10)),
    Column("year", Integer),
    Column("month", Integer),
    Column("verdict", String(30), nullable=False),
    _count("n_errors"),
    _count("n_warnings"),
    Column("inbox_path", Text),
    Column("feedback_path", Text),
    Column("answer_ms", Integer),
    CheckConstraint("kind IS NULL OR kind IN ('rencana', 'bulanan')", name="kind"),
    CheckConstraint("verdict IN ('accepted', 'accepted_with_warnings', 'rejected')", name="verdict"),
    CheckConstraint("inbox_path IS NULL OR verdict <> 'rejected'", name="rejected_not_placed"),
    Index("ix_portal_upload_unit_code_uploaded_at", "unit_code", "uploaded_at"),
    comment="One row per workbook uploaded through the portal: who, for which unit, the verdict of the "
    "collection's checks and, for an accepted file, where it was placed in the unit's inbox folder.",
)

portal_event = Table(
    "portal_event",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("event", String(20), nullable=False),
    Column("username", Text),
    Column("user_id", Integer, ForeignKey("portal_user.user_id")),
    _code("unit_code"),
    Column("upload_id", Integer, ForeignKey("portal_upload.upload_id")),
    Column("client", Text),
    Column("detail", Text),
    Index("ix_portal_event_at", "at"),
    comment="One row per portal event of the audit: every login (succeeded, failed, refused while locked), "
    "logout, upload and refused request.",
)

# ------------------------------------------------- data-quality controls (period lock, approval, digests)

control_lock_exception = Table(
    "control_lock_exception",
    metadata,
    Column("exception_id", Integer, primary_key=True, autoincrement=True),
    _code("unit_code", nullable=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("granted_by", Text, nullable=False),
    Column("granted_at", DateTime(timezone=True), nullable=False),
    Column("valid_until", Date, nullable=False),
    _month_check(),
    Index("ix_control_lock_exception_unit_code_year", "unit_code", "year"),
    comment="One row per lock exception the centre granted: files of the unit's locked month are taken until "
    "valid_until (inclusive, reporting time zone).",
)

control_quarter_event = Table(
    "control_quarter_event",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    _code("unit_code", nullable=False),
    Column("year", Integer, nullable=False),
    Column("quarter", Integer, nullable=False),
    Column("step", String(20), nullable=False),
    Column("actor", Text, nullable=False),
    Column("role", String(20), nullable=False),
    Column("reason", Text),
    Column("at", DateTime(timezone=True), nullable=False),
    _quarter_check(),
    CheckConstraint("step IN ('diajukan', 'diverifikasi', 'disetujui', 'dibuka_kembali')", name="step"),
    CheckConstraint("step <> 'dibuka_kembali' OR reason IS NOT NULL", name="reopen_reason"),
    Index("ix_control_quarter_event_unit_code_year_quarter", "unit_code", "year", "quarter"),
    comment="One row per approval step of a unit's quarter (Diajukan, Diverifikasi, Disetujui, Dibuka kembali): "
    "who, in which role, when and why; the quarter's state is its latest step.",
)

control_digest = Table(
    "control_digest",
    metadata,
    Column("digest_id", Integer, primary_key=True, autoincrement=True),
    Column("run_at", DateTime(timezone=True), nullable=False),
    Column("scope", String(10), nullable=False),
    _code("unit_code"),
    Column("subject", Text, nullable=False),
    Column("recipients", Text),
    Column("status", String(20), nullable=False),
    Column("detail", Text),
    Column("eml_path", Text, nullable=False),
    CheckConstraint("scope IN ('unit', 'national')", name="scope"),
    CheckConstraint("status IN ('terkirim', 'gagal', 'tidak_dikirim')", name="status"),
    Index("ix_control_digest_run_at", "run_at"),
    comment="One row per collection digest written (a unit's or the national one): to whom it went, whether "
    "the mail server took it, and where its copy is.",
)

# ------------------------------------------------------------------------- outliers and their follow-up

audit_outlier = Table(
    "audit_outlier",
    metadata,
    Column("outlier_id", Integer, primary_key=True, autoincrement=True),
    _submission_fk(),
    _code("unit_code", nullable=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("source", String(20), nullable=False),
    Column("sheet", Text, nullable=False),
    Column("row", Integer),
    Column("cell", String(16)),
    _code("item_code", nullable=False),
    Column("column", String(64), nullable=False),
    Column("value", Double(), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("measure", Double()),
    Column("direction", String(4), nullable=False),
    Column("method", String(4), nullable=False),
    Column("score", Double()),
    Column("n_history", Integer, nullable=False),
    Column("median", Double()),
    Column("band_low", Double()),
    Column("band_high", Double()),
    Column("previous", Double()),
    Column("year_min", Double()),
    Column("year_max", Double()),
    Column("past_min", Double()),
    Column("past_max", Double()),
    Column("followup_id", Integer),
    CheckConstraint("source IN ('indicator', 'budget', 'sampling', 'inspection')", name="source"),
    CheckConstraint("direction IN ('high', 'low')", name="direction"),
    CheckConstraint("method IN ('z', 'band')", name="method"),
    _month_check(),
    UniqueConstraint("submission_id", "sheet", "item_code", "column"),
    Index("ix_audit_outlier_unit_code_year_month", "unit_code", "year", "month"),
    comment="One row per value of a received monthly file flagged as an outlier against the unit's own history "
    "(transforms.outliers), with the history figures the warning quoted.",
)

audit_outlier_followup = Table(
    "audit_outlier_followup",
    metadata,
    Column("followup_id", Integer, primary_key=True, autoincrement=True),
    Column("outlier_id", Integer, ForeignKey("audit_outlier.outlier_id"), nullable=False),
    _code("unit_code", nullable=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("sheet", Text, nullable=False),
    _code("item_code", nullable=False),
    Column("column", String(64), nullable=False),
    Column("value", Double(), nullable=False),
    Column("reason", Text, nullable=False),
    Column("checked_by", Text, nullable=False),
    Column("checked_role", String(10), nullable=False),
    Column("checked_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("checked_role IN ('steward', 'centre')", name="checked_role"),
    _month_check(),
    Index("ix_audit_outlier_followup_unit_code_year_month", "unit_code", "year", "month"),
    comment="One row per outlier marked as checked (sakip follow-up): the value checked, why, by whom and when; "
    "the same value sent again is shown as checked, not as a fresh warning.",
)

#: Dimension tables, in the order they are seeded.
DIMENSIONS = (
    dim_unit, dim_unit_alias, dim_month, dim_perspective, dim_indicator, dim_ro,
    dim_expense_type, dim_commodity, dim_facility_type,
)
#: Plan tables, parents first (insert order; delete in reverse).
PLAN_TABLES = (plan_header, plan_sasaran, plan_indicator, plan_target, plan_budget, plan_rpd)
#: Facts loaded from a monthly report, keyed by the sheet they come from.
MONTHLY_TABLES = {
    "Kinerja": fact_indicator_month,
    "Anggaran": fact_budget_month,
    "Sampling": fact_sampling,
    "Pemeriksaan": fact_inspection,
    "Penindakan": fact_enforcement,
}
#: Facts derived from a unit-year's raw facts by the transforms (``sinks.warehouse.derived``), replaced
#: as a whole per unit-year; ``fact_reporting_status`` is national, refreshed per year.
DERIVED_TABLES = (
    fact_capaian_month, fact_score_quarter, fact_budget_line_month, fact_budget_rollup_month,
    fact_budget_indicator_month, fact_efficiency_quarter, fact_reconciliation_month, fact_sampling_ytd,
    fact_inspection_ytd, fact_reporting_status, fact_efficiency_sasaran_quarter,
)
#: National facts: derived per year from every unit's derived facts (``sinks.warehouse.national``), replaced
#: as a whole per year after the unit-years are derived.
NATIONAL_TABLES = (
    fact_budget_area_month, fact_sampling_national_month, fact_inspection_national_month,
    fact_enforcement_national_month, fact_indicator_matrix_quarter,
)
AUDIT_TABLES = (audit_submission, audit_problem, audit_capaian_override, report_version)
#: Bookkeeping of the pipeline's own state.
STATE_TABLES = (unit_year_state, inbox_seen, inbox_scan)
#: The steward portal's accounts, sessions, uploads and audit (``portal/``).
PORTAL_TABLES = (portal_user, portal_session, portal_upload, portal_event)
#: The data-quality controls: lock exceptions, quarter approvals and collection digests (``flows.controls``).
CONTROL_TABLES = (control_lock_exception, control_quarter_event, control_digest)
#: Outliers flagged at intake and their follow-up marks (``transforms.outliers``, ``sakip follow-up``).
OUTLIER_TABLES = (audit_outlier, audit_outlier_followup)
