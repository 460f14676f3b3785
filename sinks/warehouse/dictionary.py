"""The data dictionary: one description registry for every table, view and column, rendered to Markdown.

Tables describe their grain in their ``comment`` (``schema.py``), views in their ``grain`` in the
view registry (``views.VIEWS``); column meanings and units live here, once per column name
(:data:`COLUMNS`), with per-relation entries (:data:`SPECIFIC`) where one name means different
things in different places. A test fails when any column of any table or view has no description.

The list of views (:func:`views_table`: name and grain) is rendered from the registry into the data
dictionary and between the markers ``<!-- views:begin -->`` / ``<!-- views:end -->`` of
``docs/architecture.md``. Regenerate both with ``python -m sinks.warehouse.dictionary``
(or :func:`write_data_dictionary` and :func:`write_architecture`); tests fail when either is stale.
"""
from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import Boolean, Date, DateTime, Double, Float, Integer, String, Table, Text
from sqlalchemy.types import TypeEngine

from sinks.warehouse import schema as s
from sinks.warehouse import views

DOCS = Path(__file__).resolve().parents[2] / "docs"
DEFAULT_PATH = DOCS / "data-dictionary.md"
ARCHITECTURE_PATH = DOCS / "architecture.md"

#: The part of ``docs/architecture.md`` rewritten from the view registry (markers kept).
VIEWS_BEGIN, VIEWS_END = "<!-- views:begin -->", "<!-- views:end -->"

Doc = tuple[str, str]
"""(meaning, unit)"""

RP, PCT, CODE, TEXT, COUNT, FLAG = "rupiah", "percent (0-100+)", "code", "text", "count", "boolean"
UTC, DAY, NUM = "timestamp (UTC)", "date", "number"

#: Column name -> (meaning, unit), valid wherever the name appears unless SPECIFIC says otherwise.
COLUMNS: dict[str, Doc] = {
    # keys and periods
    "unit_code": ("Work unit (satker) code of the master data, e.g. BPOM-KPG for Balai POM di Kupang.", CODE),
    "unit_name": ("Name of the unit as it was at the period's end (type-2 dim_unit row valid then).", TEXT),
    "unit_type": ("Type of the unit at the period: pusat, balai_besar, balai or loka.", CODE),
    "unit_group": ("Ranking group of the unit type: Pusat, Balai Besar/Balai or Loka.", TEXT),
    "year": ("Budget / performance year.", "year"),
    "month": ("Month of the year (1-12); figures flagged cumulative run from January to this month.", "month 1-12"),
    "quarter": ("Quarter (triwulan, 1-4) of the period; a quarter's figures are those of its last month.", "quarter 1-4"),
    "submission_id": ("The audit_submission row (file version) the row was loaded from.", "id"),
    # dim_unit
    "unit_key": ("Surrogate key of one historical state of a unit.", "id"),
    "name": ("Official name of the unit during the validity interval.", TEXT),
    "province": ("Province of the unit's office.", TEXT),
    "valid_from": ("First day this state of the unit is valid.", DAY),
    "valid_to": ("Last day this state is valid (NULL = still valid).", DAY),
    "alias": ("A name, alias or former name of the unit as written in documents.", TEXT),
    "alias_norm": ("The alias case-, space- and punctuation-normalised, for matching.", TEXT),
    # dim_month
    "month_key": ("Month key YYYYMM (e.g. 202306).", "YYYYMM"),
    "quarter_key": ("Quarter key year x 10 + quarter (e.g. 20232).", "YYYYQ"),
    "month_name": ("Indonesian month name (Januari ... Desember).", TEXT),
    "month_start": ("First day of the month.", DAY),
    "month_end": ("Last day of the month (the day unit history is read on).", DAY),
    # dims
    "perspective": ("Balanced-scorecard perspective of the SK: Stakeholder, Internal Process, Learning and Growth.", TEXT),
    "perspective_name": ("Display name of the perspective.", TEXT),
    "perspective_order": ("Reporting order of the perspective (1-3).", "order"),
    "measurement": ("Measurement pattern in catalogue words: monthly_flat, cumulative, stage_progress, year_end.", CODE),
    "in_catalogue": ("True when the code is in the national catalogue; false when a unit's plan introduced it.", FLAG),
    "defined_by_unit": ("Unit whose plan first introduced a code outside the catalogue (NULL for catalogue codes).", CODE),
    "first_year": ("Year of the plan that first introduced the code (NULL for catalogue codes).", "year"),
    "kro_code": ("Klasifikasi rincian output: the part of the RO code before the dot.", CODE),
    "expense_type": ("Jenis belanja of the DIPA: 51 pegawai, 52 barang, 53 modal.", CODE),
    "expense_type_name": ("Name of the jenis belanja (Belanja Pegawai / Barang / Modal).", TEXT),
    "commodity": ("Commodity code of commodities.csv (OBAT, PANGAN, ...).", CODE),
    "commodity_name": ("Indonesian name of the commodity.", TEXT),
    "commodity_name_en": ("English name of the commodity.", TEXT),
    "parent_commodity": ("Level-1 commodity a sub-commodity belongs to.", CODE),
    "supergroup": ("Obat or makanan side of the commodity (OBAT / MAKANAN).", CODE),
    "facility_type": ("Facility type code of facility_types.csv (PROD, DIST, YANFAR-APOTEK, ...).", CODE),
    "facility_name": ("Indonesian name of the facility type.", TEXT),
    "parent_facility_type": ("Level-1 group a facility subtype belongs to.", CODE),
    "reporting_group": ("Group the facility counts in for indicators: produksi or distribusi.", CODE),
    "standard": ("Good-practice standard(s) inspected against (CPOB, CDOB, ...), pipe-separated.", TEXT),
    # plan
    "dipa_number": ("Number of the unit's DIPA (budget implementation list) for the year.", TEXT),
    "pk_date": ("Date the performance agreement (PK) was signed.", DAY),
    "head_name": ("Head of the unit (Kepala Satker) who signed the PK.", TEXT),
    "revision_note": ("Catatan Revisi: why this version replaces an earlier one.", TEXT),
    "sk_code": ("Code of the sasaran kegiatan (SK, activity goal) in the unit's plan.", CODE),
    "sk_name": ("Name of the SK as written in the unit's plan.", TEXT),
    "sk_order": ("Position of the SK in the plan (1 = first).", "order"),
    "indicator_code": ("Indicator code (catalogue code, or a unit's own code).", CODE),
    "indicator_name": ("Name of the indicator as written in the unit's plan for the year.", TEXT),
    "indicator_order": ("Position of the indicator within its SK in the plan (1 = first).", "order"),
    "unit_of_measure": ("Satuan of the indicator: persen, indeks, nilai or jumlah.", CODE),
    "polarity": ("Polaritas: naik (higher is better) or turun (lower is better).", CODE),
    "is_iku": ("True when the indicator is an IKU (key performance indicator) of the PK.", FLAG),
    "weight": ("Bobot: the indicator's weight in its SK's NPS.", NUM),
    "annual_target": ("Target Tahunan: the year's target, in the indicator's unit.", "indicator unit"),
    "pattern": ("Pola: flat, kumulatif, tahapan or akhir_tahun (how the monthly targets run).", CODE),
    "allocation_rp": ("Alokasi Anggaran: budget allocated to the indicator (for efficiency).", RP),
    "target": ("RAPK target for the month (cumulative where the pattern is), NULL = not measured.", "indicator unit"),
    "ro_code": ("Rincian output (RO) code of the DIPA, e.g. QIC.004.", CODE),
    "ro_name": ("Name of the rincian output.", TEXT),
    "pagu_rp": ("Pagu: the budget ceiling of the DIPA.", RP),
    "pagu_after_aa_rp": ("Pagu setelah AA: the ceiling after automatic adjustment (blocked funds removed).", RP),
    "volume_target": ("Target volume of the output for the year.", "volume unit"),
    "volume_unit": ("Unit the output volume is counted in (laporan, layanan, ...).", TEXT),
    "planned_rp": ("RPD: disbursement planned for the month (halaman III DIPA); NULL = blank.", RP),
    # monthly facts
    "realisasi": ("Realisation reported, cumulative to the month, in the indicator's unit.", "indicator unit"),
    "numerator": ("Pembilang of a ratio indicator (e.g. compliant samples), cumulative.", NUM),
    "denominator": ("Penyebut of a ratio indicator (e.g. samples tested), cumulative.", NUM),
    "spent_cum_rp": ("Spending cumulative from January to the month.", RP),
    "kendala": ("Kendala: the steward's explanation of obstacles.", TEXT),
    "rtl": ("Rencana Tindak Lanjut: the planned follow-up.", TEXT),
    "rtl_deadline": ("Batas Waktu of the follow-up, as written.", TEXT),
    "spent_month_rp": ("Spending of the month only (not cumulative).", RP),
    "volume_cum": ("Output volume achieved from January to the month.", "volume unit"),
    "progress_pct": ("Progres: stated progress where volume cannot be counted.", PCT),
    "method": ("Sampling method: Targeted or Random.", CODE),
    "sampled": ("Jumlah Sampel: samples taken in the month.", COUNT),
    "tested": ("Diuji: samples examined and tested to standard in the month.", COUNT),
    "ms": ("MS (memenuhi syarat): tested samples that comply.", COUNT),
    "tms": ("TMS (tidak memenuhi syarat): tested samples that do not comply.", COUNT),
    "inspected": ("Diperiksa: facilities inspected in the month.", COUNT),
    "mk": ("MK (memenuhi ketentuan): inspected facilities that comply.", COUNT),
    "tmk": ("TMK (tidak memenuhi ketentuan): inspected facilities that do not comply.", COUNT),
    "case_number": ("Nomor Perkara: the enforcement case.", CODE),
    "stage": ("Tahap the case reached: SPDP, Tahap I, P-21, Tahap II, Putusan.", CODE),
    "stage_date": ("Date the case reached the stage.", DAY),
    # derived: capaian and scores
    "measured": ("True when the indicator has a target for the period (else N/A, excluded from averages).", FLAG),
    "capaian_raw_pct": ("Capaian before any cap or override: realisasi / target x 100 (polarity-aware).", PCT),
    "capaian_pct": ("Capaian after the year's cap policy and any manual override (the value scored).", PCT),
    "override_id": ("The audit_capaian_override applied to this value (NULL = none).", "id"),
    "kriteria": ("Criteria label from the policy's band scheme, on the value rounded half-up to 2 dp.", TEXT),
    "value_raw_pct": ("Score from uncapped capaian (indicator capaian, NPS, perspective or NPS TOTAL).", PCT),
    "value_pct": ("Score from adjusted capaian (after cap and overrides): the reported score.", PCT),
    "n_measured": ("Number of measured items the score averages.", COUNT),
    "policy_id": ("Scoring policy (cap, weights, criteria scheme) the score was computed with.", CODE),
    "item_name": ("Display name: the indicator or SK name, the perspective, or 'NPS TOTAL'.", TEXT),
    "item_order": ("Display order of the item within its level (indicator within SK, SK, perspective).", "order"),
    # derived: budget
    "planned_month_rp": ("RPD plan for the month.", RP),
    "planned_cum_rp": ("RPD plan cumulative from January to the month.", RP),
    "realisation_pct": ("Cumulative spending / pagu x 100.", PCT),
    "realisation_aa_pct": ("Cumulative spending / pagu setelah AA x 100 (used in national rankings).", PCT),
    "deviation_pct": ("RPD deviation |spending - plan| / plan x 100 for the month (IKPA).", PCT),
    "volume_pct": ("Cumulative volume / target volume x 100.", PCT),
    "rank_in_group": ("Rank of the unit in its group by realisation_aa_pct (1 = highest; ties share a rank).", "rank"),
    "units_in_group": ("Number of units of the group with a figure for the month.", COUNT),
    "n_ro": ("Number of distinct rincian outputs in the plan.", COUNT),
    "spent_qtd_rp": ("Spending of the quarter to the month (at a quarter-end month: the quarter's spending).", RP),
    # derived: efficiency
    "input_pagu_rp": ("Efficiency input: budget allocated (indicator) or pagu (unit total).", RP),
    "input_realisasi_rp": ("Efficiency input: budget spent, cumulative to the quarter.", RP),
    "input_pct": ("Input % = spent / allocated x 100.", PCT),
    "output_target": ("Efficiency output: the indicator's target for the quarter.", "indicator unit"),
    "output_realisasi": ("Efficiency output: the indicator's realisation to the quarter.", "indicator unit"),
    "output_pct": ("Output % = the indicator's uncapped capaian (unit total: mean of measured indicators).", PCT),
    "ie": ("Indeks Efisiensi = output % / input %.", "ratio"),
    "se": ("Standar Efisiensi (1).", "ratio"),
    "te": ("Tingkat Efisiensi = IE - SE.", "ratio"),
    "kategori": ("Efisien when IE (2 dp) >= 1, else Tidak Efisien; N/A when the output is not measured.", TEXT),
    # derived: sampling and inspection year to date
    **{f"{name}_cum": (f"{what}, summed from January to the month.", COUNT) for name, what in (
        ("sampled", "Samples taken"), ("tested", "Samples tested"), ("ms", "Tested samples that comply (MS)"),
        ("tms", "Tested samples that do not comply (TMS)"), ("inspected", "Facilities inspected"),
        ("mk", "Inspected facilities that comply (MK)"), ("tmk", "Inspected facilities that do not comply (TMK)"))},
    "ms_pct": ("MS % of the month = ms / tested x 100 (NULL when nothing was tested).", PCT),
    "ms_cum_pct": ("MS % year to date = ms_cum / tested_cum x 100.", PCT),
    "mk_pct": ("MK % of the month = mk / inspected x 100 (NULL when nothing was inspected).", PCT),
    "mk_cum_pct": ("MK % year to date = mk_cum / inspected_cum x 100.", PCT),
    # derived: reconciliation and completeness
    "derived_pct": ("The indicator's value computed from sampling/inspection counts (e.g. MS / tested x 100).", PCT),
    "difference": ("realisasi - derived_pct.", "percentage points"),
    "agrees": ("True when the reported and the derived value agree within tolerance.", FLAG),
    "received": ("True when at least one file arrived for the month.", FLAG),
    "first_received_at": ("When the first file for the month arrived.", UTC),
    "last_received_at": ("When the latest file for the month arrived.", UTC),
    "on_time": ("True when the first accepted file arrived by the deadline day of the next month.", FLAG),
    "accepted": ("True when a file for the month was accepted (with or without warnings).", FLAG),
    "n_versions": ("Number of accepted versions loaded for the month.", COUNT),
    # national figures (transforms.national, sinks.warehouse.national)
    "area": ("Area of a national figure: a unit group (Pusat, Balai Besar/Balai, Loka: the unit's group at the "
             "month's end) or Indonesia (every unit).", TEXT),
    "area_level": ("group (one unit group) or national (Indonesia).", CODE),
    "area_order": ("Reporting order of the area: 1 Pusat, 2 Balai Besar/Balai, 3 Loka, 4 Indonesia.", "order"),
    "units_in_figures": ("Units whose figures are in the sums (budget: units with budget figures that month; "
                         "sampling, inspection: units that reported them from January to the month).", COUNT),
    "withheld_aa_rp": ("Amount withheld by the automatic adjustment (AA) = pagu - pagu setelah AA.", RP),
    "tms_pct": ("TMS % of the month = tms / tested x 100 (NULL when nothing was tested).", PCT),
    "tms_cum_pct": ("TMS % year to date = tms_cum / tested_cum x 100 (the national book's TMS %).", PCT),
    "tmk_pct": ("TMK % of the month = tmk / inspected x 100 (NULL when nothing was inspected).", PCT),
    "tmk_cum_pct": ("TMK % year to date = tmk_cum / inspected_cum x 100.", PCT),
    "stage_order": ("Order of the enforcement stage in the funnel (1 SPDP ... 5 Putusan; 6 the TOTAL row).", "order"),
    "cases_at_stage": ("Cases (a unit's case number) whose latest stage reported up to the month is this stage; "
                       "on the TOTAL row: every case so far.", COUNT),
    "cases_moved_month": ("Cases that reported this stage in the month (TOTAL row: cases that moved at all).", COUNT),
    "summable": ("True when the indicator is a count (unit of measure jumlah): its realisation adds up across units.",
                 FLAG),
    "units_planned": ("Units whose plan of the year holds the indicator.", COUNT),
    "units_measured": ("Of those, units that measured it at the quarter's end.", COUNT),
    "units_year_end": ("Units that plan it as measured at year end (Akhir Tahun) and have not measured it yet.",
                       COUNT),
    "target_sum": ("Counts only: the measured units' quarter-end targets summed (NULL otherwise).", "indicator unit"),
    "realisasi_sum": ("Counts only: the measured units' realisation summed (the national realisation).",
                      "indicator unit"),
    "capaian_sum_pct": ("Counts only: realisasi_sum / target_sum x 100.", PCT),
    "capaian_min_pct": ("Lowest capaian (applied, as the unit reports print it) among the measuring units.", PCT),
    "capaian_median_pct": ("Median capaian among the measuring units.", PCT),
    "capaian_max_pct": ("Highest capaian among the measuring units.", PCT),
    "units_below_target": ("Measuring units whose capaian is below 100 as printed (reference.rounding.below_target).",
                           COUNT),
    "units_expected": ("Units of the area expected to send the month's report (quarter rows: the quarter's last "
                       "month); NULL when the month's completeness is not known yet.", COUNT),
    "units_reported": ("Of those, units whose report for the month was received.", COUNT),
    "units_missing": ("units_expected - units_reported (which ones: v_reporting_completeness).", COUNT),
    "is_partial": ("True when some expected unit has not reported the month: the figures are partial.", FLAG),
    # audit
    "kind": ("Workbook kind: rencana (annual plan) or bulanan (monthly report); NULL for an unreadable rejected file.", CODE),
    "period_key": ("YYYYMM of a monthly report, YYYY00 of a plan: the period versions are counted in.", "YYYYMM"),
    "file_name": ("Name of the file as received.", TEXT),
    "file_hash": ("SHA-256 of the file's bytes (same hash = same file).", "hex"),
    "size_bytes": ("Size of the file.", "bytes"),
    "received_at": ("When the file arrived.", UTC),
    "loaded_at": ("When the warehouse recorded the file.", UTC),
    "steward": ("Penanggung Jawab Data: the unit's data steward named in the file.", TEXT),
    "verdict": ("accepted, accepted_with_warnings or rejected (a rejected file loads no facts).", CODE),
    "superseded_by": ("The later version that replaced this one (NULL = not replaced).", "id"),
    "n_errors": ("Number of errors found in the file.", COUNT),
    "n_warnings": ("Number of warnings found in the file.", COUNT),
    "problem_no": ("Sequence number of the problem within its submission.", "order"),
    "rule_id": ("Identifier of the validation rule that found the problem.", CODE),
    "severity": ("error (the file is rejected) or warning.", CODE),
    "sheet": ("Sheet of the workbook the problem is on.", TEXT),
    "row": ("Excel row number of the problem (NULL = whole sheet or file).", "row number"),
    "column": ("Printed header of the column the problem is in.", TEXT),
    "cell": ("Excel cell reference, e.g. C7.", TEXT),
    "value": ("The value as typed in the cell.", TEXT),
    "message": ("What is wrong, in Indonesian.", TEXT),
    "reason": ("Why the override was set (required).", TEXT),
    "set_by": ("Who set the override (required).", TEXT),
    "set_at": ("When the override was set.", UTC),
    "active": ("True while the override applies; false once withdrawn or replaced.", FLAG),
    "deactivated_at": ("When the override was withdrawn or replaced.", UTC),
    "deactivated_by": ("Who withdrew or replaced the override.", TEXT),
    "applied": ("True when the override is the one the stored capaian of its month uses now.", FLAG),
    "report_id": ("Identifier of a built report.", "id"),
    "scope": ("unit (one unit's report) or national (the roll-up).", CODE),
    "built_at": ("When the report was built.", UTC),
    "data_fingerprint": ("SHA-256 over the submissions (id and file hash) and overrides the report was built from.", "hex"),
    "submission_ids": ("JSON list of the submission ids the report was built from.", "JSON"),
    "docx_path": ("Where the Word document was written.", "path"),
    "pdf_path": ("Where the PDF was written.", "path"),
    "changes": ("What changed since the previous version of the report.", TEXT),
    "path": ("Where the file lies in the inbox (the unit folder it came through and its name).", "path"),
    "modified_at": ("The file's modification time as the file system gives it (the sender can set it).", UTC),
    "first_seen_at": ("When the pipeline first listed this state of the file (its arrival, at the latest).", UTC),
    "seen_after": ("The inbox listing before the file was first seen (its arrival, at the earliest; NULL: none).", UTC),
    "scan_id": ("Identifier of one listing of the whole inbox.", "id"),
    "scanned_at": ("When the whole inbox was listed.", UTC),
    "n_files": ("How many files the listing found.", COUNT),
    "raw_seq": ("How many times the unit-year's raw facts (plan, months, overrides) changed.", "counter"),
    "derived_seq": ("The raw_seq the unit-year's derived facts were computed from (NULL = never derived).", "counter"),
    "raw_changed_at": ("When the unit-year's raw facts last changed.", UTC),
    "derived_at": ("When the unit-year's derived facts were last computed.", UTC),
    **{f"b{m:02d}": (f"RAPK target for month {m} (B{m:02d}); NULL = not measured that month.", "indicator unit")
       for m in range(1, 13)},
}

#: (table or view, column) -> (meaning, unit), where a name means something else there.
SPECIFIC: dict[tuple[str, str], Doc] = {
    ("dim_unit", "is_current"): ("True for the unit's present state (valid_to is NULL).", FLAG),
    ("dim_unit", "parent_code"): ("Parent unit (e.g. the Balai a Loka is attached to) during the interval.", CODE),
    ("dim_commodity", "level"): ("1 = commodity, 2 = sub-commodity.", "level"),
    ("dim_facility_type", "level"): ("1 = facility group, 2 = subtype.", "level"),
    ("dim_indicator", "polarity"): ("Polarity in catalogue words: higher_is_better or lower_is_better.", CODE),
    ("dim_indicator", "indicator_name"): ("Catalogue name (or the first plan's name for a unit's own code).", TEXT),
    ("dim_ro", "volume_unit"): ("Unit the output volume is counted in (catalogue).", TEXT),
    ("fact_score_quarter", "level"): ("indicator, sasaran, perspective or total.", CODE),
    ("v_score", "level"): ("indicator, sasaran, perspective or total.", CODE),
    ("fact_score_quarter", "item_code"): ("Indicator code, SK code, perspective, or TOTAL, per level.", CODE),
    ("v_score", "item_code"): ("Indicator code, SK code, perspective, or TOTAL, per level.", CODE),
    ("fact_score_quarter", "parent_code"): ("The item one level up (SK of an indicator, perspective of an SK).", CODE),
    ("v_score", "parent_code"): ("The item one level up (SK of an indicator, perspective of an SK).", CODE),
    ("fact_budget_rollup_month", "level"): ("Roll-up level: ro, expense_type or unit.", CODE),
    ("fact_budget_rollup_month", "item_code"): ("RO code, jenis belanja or unit code, per level.", CODE),
    ("fact_indicator_month", "spent_cum_rp"): ("Realisasi Anggaran: spending attributed to the indicator, cumulative.", RP),
    ("fact_capaian_month", "spent_cum_rp"): ("Spending attributed to the indicator, cumulative (for efficiency).", RP),
    ("v_indicator_capaian", "spent_cum_rp"): ("Spending attributed to the indicator, cumulative (for efficiency).", RP),
    ("fact_capaian_month", "target"): ("RAPK target of the month (the quarter-end month's is the quarter's).", "indicator unit"),
    ("v_indicator_capaian", "target"): ("RAPK target of the month (the quarter-end month's is the quarter's).", "indicator unit"),
    ("fact_reconciliation_month", "numerator"): ("Numerator computed from the counts (e.g. MS).", COUNT),
    ("fact_reconciliation_month", "denominator"): ("Denominator computed from the counts (e.g. tested).", COUNT),
    ("fact_reporting_status", "expected"): ("True when a monthly report was due for the month.", FLAG),
    ("v_reporting_completeness", "expected"): ("True when a monthly report was due for the month.", FLAG),
    ("audit_problem", "expected"): ("What was expected instead, in Indonesian.", TEXT),
    ("audit_submission", "month"): ("Month of a monthly report (NULL for a plan).", "month 1-12"),
    ("v_submission", "month"): ("Month of a monthly report (NULL for a plan).", "month 1-12"),
    ("audit_submission", "year"): ("Year of the file's period (NULL only for a rejected file whose year was unreadable).", "year"),
    ("audit_submission", "version"): ("Version of the unit-period (1..n, in order loaded); NULL for a rejected file.", "version"),
    ("v_submission", "version"): ("Version of the unit-period (1..n, in order loaded); NULL for a rejected file.", "version"),
    ("audit_submission", "is_current"): ("True for the version in force for its unit-period (at most one).", FLAG),
    ("v_submission", "is_current"): ("True for the version in force for its unit-period (at most one).", FLAG),
    ("audit_submission", "revision_note"): ("Catatan Revisi given with the file (required after the cut-off).", TEXT),
    ("audit_capaian_override", "capaian_pct"): ("The capaian value the override sets.", PCT),
    ("audit_capaian_override", "month"): ("Month whose capaian is overridden.", "month 1-12"),
    ("report_version", "version"): ("Version of the report for its scope, unit and quarter (1..n).", "version"),
    ("report_version", "quarter"): ("Quarter (triwulan) the report covers.", "quarter 1-4"),
    ("v_plan_header", "pagu_rp"): ("Sum of the plan's pagu over all its DIPA lines.", RP),
    ("v_plan_header", "pagu_after_aa_rp"): ("Sum of the plan's pagu setelah AA over all its DIPA lines.", RP),
    ("v_plan_header", "unit_name"): ("Name of the unit on 31 December of the year.", TEXT),
    ("v_rpd_month", "planned_month_rp"): ("RPD plan for the month summed over the unit's lines (blank = 0).", RP),
    ("v_rpd_month", "planned_cum_rp"): ("Running sum of planned_month_rp from January.", RP),
    ("v_rpd_month", "spent_month_rp"): ("Spending of the month (NULL when the month is not reported).", RP),
    ("v_rpd_month", "spent_cum_rp"): ("Cumulative spending to the month (NULL when the month is not reported).", RP),
    ("v_budget_ro", "volume_target"): ("Target volume of the RO (largest value over its jenis belanja lines).", "volume unit"),
    ("v_budget_ro", "volume_cum"): ("Volume achieved to the month (largest value over the RO's lines).", "volume unit"),
    ("v_budget_ro", "volume_pct"): ("Volume % of the RO (largest value over its lines).", PCT),
    ("v_budget_ro", "progress_pct"): ("Progress % of the RO (largest value over its lines).", PCT),
    **{(rel, col): doc for rel in ("fact_budget_indicator_month", "v_budget_indicator") for col, doc in {
        "level": ("indicator (one PK indicator) or sasaran (sum over the SK's indicators).", CODE),
        "allocation_rp": ("Alokasi Anggaran of the indicator, or summed over the SK's indicators.", RP),
        "spent_month_rp": ("Spending attributed to the item since the previous reported month.", RP),
        "spent_cum_rp": ("Spending attributed to the item (Realisasi Anggaran of its indicators), cumulative.", RP),
        "realisation_pct": ("Cumulative spending / allocation x 100 (computed by transforms.budget).", PCT),
    }.items()},
    ("fact_budget_indicator_month", "item_code"): ("Indicator code (level indicator) or SK code (level sasaran).", CODE),
    ("fact_budget_indicator_month", "parent_code"): ("SK of an indicator row (NULL on sasaran rows).", CODE),
    ("v_budget_indicator", "sk_code"): ("SK of the row: the indicator's SK, or the SK summed.", CODE),
    ("v_budget_indicator", "indicator_code"): ("Indicator code (NULL on sasaran rows).", CODE),
    ("v_budget_indicator", "indicator_name"): ("Indicator name from the plan (NULL on sasaran rows).", TEXT),
    ("v_budget_indicator", "indicator_order"): ("Position of the indicator within its SK (NULL on sasaran rows).", "order"),
    ("v_capaian_override", "capaian_pct"): ("The capaian value the override sets.", PCT),
    ("v_capaian_override", "capaian_raw_pct"): ("Capaian computed from the current report for that month and "
                                                "indicator, before cap and override (NULL when the month has no row).", PCT),
    ("v_capaian_override", "month"): ("Month whose capaian is overridden.", "month 1-12"),
    ("v_capaian_override", "sk_code"): ("SK of the indicator in the unit-year's plan.", CODE),
    ("v_capaian_override", "indicator_name"): ("Indicator name from the unit-year's plan.", TEXT),
    **{(rel, col): doc for rel in ("fact_sampling_ytd", "v_sampling_ytd") for col, doc in {
        "commodity": ("Commodity code of commodities.csv, or TOTAL for the unit's whole sampling.", CODE),
        "method": ("Sampling method (Targeted or Random), or TOTAL for the unit's whole sampling.", CODE),
    }.items()},
    ("fact_inspection_ytd", "facility_type"): ("Facility type code, or TOTAL for the unit's whole inspection.", CODE),
    ("v_inspection_ytd", "facility_type"): ("Facility type code, or TOTAL for the unit's whole inspection.", CODE),
    ("v_sampling_ytd", "commodity_name"): ("Indonesian name of the commodity ('TOTAL' on total rows).", TEXT),
    ("v_inspection_ytd", "facility_name"): ("Indonesian name of the facility type ('TOTAL' on total rows).", TEXT),
    ("v_efficiency", "indicator_name"): ("Indicator name from the plan ('TOTAL' for the unit row).", TEXT),
    ("fact_efficiency_quarter", "indicator_code"): ("Indicator code, or TOTAL for the unit's total row.", CODE),
    ("v_efficiency", "indicator_code"): ("Indicator code, or TOTAL for the unit's total row.", CODE),
    **{(relation, col): doc for relation in ("fact_efficiency_sasaran_quarter", "v_efficiency_sasaran")
       for col, doc in {
           "input_pagu_rp": ("The SK's allocation: the allocations of its indicators summed.", RP),
           "input_realisasi_rp": ("The SK's spending: its indicators' spending summed, cumulative to the quarter.", RP),
           "input_pct": ("Input % = the SK's spending / its allocation x 100.", PCT),
           "output_pct": ("Output % = the SK's NPS from uncapped capaian (v_score value_raw_pct).", PCT),
           "te": ("Tingkat Efisiensi = (IE - SE) / SE.", "ratio"),
       }.items()},
    **{(relation, col): doc for relation in ("fact_budget_area_month", "v_budget_national") for col, doc in {
        "expense_type": ("Jenis belanja: 51 pegawai, 52 barang, 53 modal, or TOTAL for the whole budget.", CODE),
        "pagu_rp": ("Pagu of the area's units summed.", RP),
        "pagu_after_aa_rp": ("Pagu setelah AA of the area's units summed.", RP),
        "spent_month_rp": ("Spending of the area's units in the month.", RP),
        "spent_cum_rp": ("Spending of the area's units from January to the month (realisasi).", RP),
        "realisation_pct": ("Realisation against pagu = spent_cum_rp / pagu_rp x 100 (of the sums).", PCT),
        "realisation_aa_pct": ("Realisation against pagu setelah AA = spent_cum_rp / pagu_after_aa_rp x 100.", PCT),
    }.items()},
    ("v_budget_national", "expense_type_name"): ("Name of the jenis belanja; Jumlah for the whole budget.", TEXT),
    ("v_indicator_matrix", "indicator_name"): ("Catalogue name of the indicator.", TEXT),
    ("v_indicator_matrix", "unit_of_measure"): ("Catalogue satuan of the indicator: persen, indeks, nilai or jumlah.",
                                                CODE),
    # the steward portal (portal/): accounts, sessions, uploads, audit
    **{("portal_user", col): doc for col, doc in {
        "user_id": ("Identifier of a portal account.", "id"),
        "username": ("Login name of the account (lower case, unique).", TEXT),
        "full_name": ("Name of the person the account belongs to.", TEXT),
        "role": ("steward (sees and submits for its unit only) or centre (sees every unit).", CODE),
        "unit_code": ("Unit a steward account belongs to (NULL for the centre).", CODE),
        "password_hash": ("scrypt hash of the password with its parameters and per-user salt (never the password).", TEXT),
        "is_active": ("False once the account is disabled: it can no longer log in.", FLAG),
        "failed_logins": ("Failed logins since the last successful one (the lockout counts these).", COUNT),
        "locked_until": ("Logins are refused until this time after repeated failures (NULL = not locked).", UTC),
        "created_at": ("When the account was created.", UTC),
        "password_changed_at": ("When the password was last set.", UTC),
        "disabled_at": ("When the account was disabled (NULL = active).", UTC),
    }.items()},
    **{("portal_session", col): doc for col, doc in {
        "token_hash": ("SHA-256 of the session's random token (the token is only in the browser's cookie).", "hex"),
        "user_id": ("The account logged in.", "id"),
        "created_at": ("When the session began (login).", UTC),
        "expires_at": ("When the session ends at the latest.", UTC),
        "last_seen_at": ("When the session was last used.", UTC),
        "ended_at": ("When the session was ended before expiring (logout, account disabled; NULL = not ended).", UTC),
    }.items()},
    **{("portal_upload", col): doc for col, doc in {
        "upload_id": ("Identifier of an upload through the portal.", "id"),
        "user_id": ("The account that uploaded the file.", "id"),
        "unit_code": ("Unit of the steward who uploaded the file (the only unit it may be for).", CODE),
        "uploaded_at": ("When the upload arrived.", UTC),
        "file_name": ("Name of the file as uploaded (shown only; never used to name a file).", TEXT),
        "kind": ("Workbook kind read from the file: rencana or bulanan (NULL when unreadable).", CODE),
        "year": ("Year read from the file's Identitas (NULL when unreadable).", "year"),
        "month": ("Month read from a monthly file's Identitas (NULL for a plan or when unreadable).", "month 1-12"),
        "verdict": ("Verdict of the collection's checks: accepted, accepted_with_warnings or rejected.", CODE),
        "inbox_path": ("Where the accepted file was placed, relative to the inbox (NULL: not placed).", "path"),
        "feedback_path": ("Where the annotated copy for the steward was written.", "path"),
        "answer_ms": ("How long checking the upload took.", "milliseconds"),
    }.items()},
    **{("portal_event", col): doc for col, doc in {
        "event_id": ("Identifier of an audit event of the portal.", "id"),
        "at": ("When the event happened.", UTC),
        "event": ("login_ok, login_failed, login_locked, logout, upload or refused.", CODE),
        "username": ("Login name as typed (a failed login may name no account).", TEXT),
        "user_id": ("The account concerned (NULL when the name matches none).", "id"),
        "unit_code": ("Unit of the account concerned (NULL for the centre).", CODE),
        "upload_id": ("The upload the event records (NULL for other events).", "id"),
        "client": ("Network address the request came from.", TEXT),
        "detail": ("What happened, in a few words (e.g. why a request was refused).", TEXT),
    }.items()},
    # the data-quality controls (flows/controls.py): lock exceptions, quarter approvals, collection digests
    **{("control_lock_exception", col): doc for col, doc in {
        "exception_id": ("Identifier of a lock exception.", "id"),
        "unit_code": ("Unit whose locked month the exception opens.", CODE),
        "year": ("Year of the month opened.", "year"),
        "month": ("Month opened (1-12).", "month 1-12"),
        "reason": ("Why the centre opened the locked month (as given to sakip unlock).", TEXT),
        "granted_by": ("Who granted the exception (as given with --by).", TEXT),
        "granted_at": ("When the exception was granted.", UTC),
        "valid_until": ("Last day (reporting time zone) a file first seen by the pipeline is taken for the month.",
                        DAY),
    }.items()},
    **{("control_quarter_event", col): doc for col, doc in {
        "event_id": ("Identifier of an approval step (increasing: the latest step is the quarter's state).", "id"),
        "quarter": ("Quarter (triwulan, 1-4) the step is about.", "quarter 1-4"),
        "step": ("diajukan (the unit submitted), diverifikasi (the data steward verified), disetujui (the centre "
                 "approved) or dibuka_kembali (reopened, with a reason).", CODE),
        "actor": ("Who took the step (as given with --by).", TEXT),
        "role": ("Role the step was taken in: unit, steward or centre (docs/decisions.md: who may approve).", CODE),
        "reason": ("Why the quarter was reopened (required for dibuka_kembali; optional note otherwise).", TEXT),
        "at": ("When the step was taken.", UTC),
    }.items()},
    **{("control_digest", col): doc for col, doc in {
        "digest_id": ("Identifier of a digest written.", "id"),
        "run_at": ("When the collection the digest reports on listed the inbox.", UTC),
        "scope": ("unit (a unit's digest) or national (the centre's).", CODE),
        "unit_code": ("Unit the digest is for (NULL for the national digest).", CODE),
        "subject": ("Subject line of the message.", TEXT),
        "recipients": ("Addresses the message was for, comma-separated (master data unit_contacts.csv).", TEXT),
        "status": ("terkirim (the mail server took it), gagal (sending failed: see detail) or tidak_dikirim "
                   "(SMTP not configured, or no recipient).", CODE),
        "detail": ("Why a message was not sent, or the mail server's error.", TEXT),
        "eml_path": ("The copy of the message written under the output folder (.eml; a .txt beside it).", "path"),
    }.items()},
    **{("v_quarter_approval", col): doc for col, doc in {
        "state": ("Approval state: belum_diajukan, diajukan, diverifikasi, disetujui or dibuka_kembali.", CODE),
        "state_label": ("The state as the centre reads it: Belum diajukan, Diajukan, Diverifikasi, Disetujui, "
                        "Dibuka kembali.", TEXT),
        "state_by": ("Who took the latest step (NULL: no step yet).", TEXT),
        "state_at": ("When the latest step was taken.", UTC),
        "months_loaded": ("Months of the quarter with a current accepted report (0-3).", COUNT),
        "submitted_by": ("Who took the latest Diajukan step.", TEXT),
        "submitted_at": ("When the latest Diajukan step was taken.", UTC),
        "verified_by": ("Who took the latest Diverifikasi step.", TEXT),
        "verified_at": ("When the latest Diverifikasi step was taken.", UTC),
        "approved_by": ("Who took the latest Disetujui step.", TEXT),
        "approved_at": ("When the latest Disetujui step was taken.", UTC),
        "reopened_by": ("Who reopened the quarter last.", TEXT),
        "reopened_at": ("When the quarter was reopened last.", UTC),
        "reopen_reason": ("Why the quarter was reopened last.", TEXT),
        "approval_event_id": ("The Disetujui step in force while the quarter is approved (NULL otherwise): "
                              "a report's fingerprint includes it.", "id"),
        "n_steps": ("Approval steps taken for the quarter so far.", COUNT),
    }.items()},
    # outliers against the unit's own history (transforms.outliers) and their follow-up (sakip follow-up)
    **{(relation, k): v for relation in ("audit_outlier", "audit_outlier_followup", "v_outlier") for k, v in {
        "outlier_id": ("The flagged value (audit_outlier row).", "id"),
        "followup_id": ("The follow-up mark (audit_outlier_followup row); in audit_outlier the mark shown when the "
                        "file was checked (NULL: shown as a fresh warning); in v_outlier the newest mark on the "
                        "same value (NULL: not checked yet).", "id"),
        "source": ("What the value is: indicator (Kinerja realisasi), budget (Anggaran spending of the month), "
                   "sampling (Sampling counts), inspection (Pemeriksaan counts).", CODE),
        "sheet": ("Sheet of the monthly workbook the value is on.", TEXT),
        "cell": ("Excel cell of the value in the file as sent, e.g. C7.", TEXT),
        "item_code": ("The row of the sheet: indicator code, RO/jenis belanja, commodity/method or facility type.",
                      CODE),
        "column": ("Canonical column of the value (realisasi, spent_month_rp, sampled, tested, inspected).", CODE),
        "value": ("The value as reported (cumulative to the month for an indicator).", NUM),
        "kind": ("What was compared: level (the value), increment (a cumulative indicator's increase in the month) "
                 "or year_on_year (staged and year-end indicators: the same month of earlier years only).", CODE),
        "measure": ("The compared figure: the value, or the month's increment.", NUM),
        "direction": ("high: far above the history; low: far below.", CODE),
        "method": ("z: modified z-score and band (enough history); band: the min-max band alone (short history).",
                   CODE),
        "score": ("Modified z-score 0.6745 (x - median) / MAD of the compared figure (NULL when the band decided).",
                  NUM),
        "n_history": ("History values the figure was compared with.", COUNT),
        "median": ("Median of the history.", NUM),
        "band_low": ("Lower edge of the band: history minimum / band_factor (NULL: no lower edge).", NUM),
        "band_high": ("Upper edge of the band: history maximum x band_factor (NULL: no upper edge).", NUM),
        "previous": ("The previous month's compared figure (NULL: not on file).", NUM),
        "year_min": ("Lowest compared figure of the earlier months of the same year.", NUM),
        "year_max": ("Highest compared figure of the earlier months of the same year.", NUM),
        "past_min": ("Lowest compared figure of the same month in earlier years.", NUM),
        "past_max": ("Highest compared figure of the same month in earlier years.", NUM),
        "status": ("checked: a follow-up mark covers this value; open: not checked yet.", CODE),
        "reason": ("Why the value is right, as the checker wrote it.", TEXT),
        "checked_by": ("Who checked the value (steward or centre staff).", TEXT),
        "checked_role": ("steward (the unit's data steward) or centre (the centre), the portal's roles.", CODE),
        "checked_at": ("When the value was marked as checked.", UTC),
        "row": ("Excel row of the value in the file as sent.", "row"),
    }.items()},
}


def describe(relation: str, column: str) -> Doc | None:
    """The (meaning, unit) of a column of a table or view, or None when undocumented."""
    return SPECIFIC.get((relation, column)) or COLUMNS.get(column)


def relation_columns() -> dict[str, tuple[str, ...]]:
    """Every table's and view's columns, by name."""
    out = {t.name: tuple(c.name for c in t.columns) for t in s.metadata.sorted_tables}
    out.update({name: view.columns for name, view in views.VIEWS.items()})
    return out


def missing_descriptions() -> list[tuple[str, str]]:
    """(relation, column) pairs with no description, plus tables and views without one ("", "")."""
    missing = [(rel, col) for rel, cols in relation_columns().items() for col in cols if describe(rel, col) is None]
    missing += [(t.name, "") for t in s.metadata.sorted_tables if not t.comment]
    missing += [(name, "") for name, view in views.VIEWS.items() if not view.grain.strip()]
    return missing


def _type_name(kind: TypeEngine) -> str:
    for cls, name in ((Boolean, "boolean"), (DateTime, "timestamp"), (Date, "date"), (Double, "double"),
                      (Float, "double"), (Integer, "integer"), (Text, "text"), (String, "text")):
        if isinstance(kind, cls):
            return name
    return "-"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table_section(table: Table) -> list[str]:
    key = ", ".join(c.name for c in table.primary_key.columns)
    lines = [f"### `{table.name}`", "", _cell(table.comment or ""), "", f"Key: `{key}`."]
    fks = [
        f"`{', '.join(e.parent.name for e in fk.elements)}` -> `{fk.referred_table.name}`"
        for fk in sorted(table.foreign_key_constraints, key=lambda f: f.name or "")
    ]
    if fks:
        lines.append("References: " + "; ".join(fks) + ".")
    lines += ["", "| column | type | null | unit | meaning |", "|---|---|---|---|---|"]
    for col in table.columns:
        meaning, unit = describe(table.name, col.name) or ("**undocumented**", "")
        null = "" if col.nullable and not col.primary_key else "not null"
        lines.append(f"| `{col.name}` | {_type_name(col.type)} | {null} | {unit} | {_cell(meaning)} |")
    return lines + [""]


def views_table(link: str = "#") -> list[str]:
    """The views of the registry as a Markdown table (view, grain), in creation order; each name links
    to ``{link}{name}``, its section of the data dictionary (``#`` inside it)."""
    lines = ["| view | grain |", "|---|---|"]
    for name, view in views.VIEWS.items():
        lines.append(f"| [`{name}`]({link}{name}) | {_cell(view.grain)} |")
    return lines


def _view_section(view: views.View) -> list[str]:
    types = {c.name: c.type for c in view.build().selected_columns}
    lines = [f"### `{view.name}`", "", _cell(view.grain), "",
             "| column | type | unit | meaning |", "|---|---|---|---|"]
    for col in view.columns:
        meaning, unit = describe(view.name, col) or ("**undocumented**", "")
        lines.append(f"| `{col}` | {_type_name(types[col])} | {unit} | {_cell(meaning)} |")
    return lines + [""]


LAYERS = (
    ("Dimensions", s.DIMENSIONS),
    ("Plan (replaced per unit-year when a new plan version is loaded)", s.PLAN_TABLES),
    ("Monthly facts (replaced per unit-month when a new version is loaded)", tuple(s.MONTHLY_TABLES.values())),
    ("Derived facts (derived per unit-year by the transforms once per run, after the run's files are stored)",
     s.DERIVED_TABLES),
    ("National facts (derived per year from every unit's figures, after the unit-years)", s.NATIONAL_TABLES),
    ("Audit and report versions", s.AUDIT_TABLES),
    ("Pipeline state (stale unit-years; when inbox files were first seen)", s.STATE_TABLES),
    ("Steward portal (accounts, sessions, uploads, audit)", s.PORTAL_TABLES),
    ("Data-quality controls (lock exceptions, quarter approvals, collection digests)", s.CONTROL_TABLES),
    ("Outliers against each unit's own history and their follow-up", s.OUTLIER_TABLES),
)


def render() -> str:
    """The data dictionary as Markdown."""
    lines = [
        "# Data dictionary: the SAKIP reporting warehouse",
        "",
        "Generated from `sinks/warehouse/schema.py`, `views.py` and the description registry in",
        "`dictionary.py` (`python -m sinks.warehouse.dictionary`); do not edit by hand.",
        "",
        "Conventions: amounts are rupiah (`_rp`), percentages 0-100+ (`_pct`, full precision: round",
        "only for display, half up), timestamps UTC. Monthly figures flagged cumulative run from",
        "January. Views select, join, sum and rank; every score and percentage comes from the",
        "transforms. Units' names and types in views are those valid at the period's end (type-2",
        "`dim_unit`). BI tools and the report read the views (and the dimensions); on PostgreSQL",
        "the role made by `sinks.warehouse.roles.create_bi_role` can read the views and nothing else.",
        "",
        "## Views",
        "",
        *views_table(),
        "",
    ]
    for view in views.VIEWS.values():
        lines += _view_section(view)
    for title, tables in LAYERS:
        lines += [f"## {title}", ""]
        for table in tables:
            lines += _table_section(table)
    return "\n".join(lines).rstrip() + "\n"


def write_data_dictionary(path: str | Path = DEFAULT_PATH) -> Path:
    """Write the data dictionary (Markdown) to ``path`` and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path


def with_views_table(text: str) -> str:
    """``text`` (``docs/architecture.md``) with the views table between its markers rendered from the
    registry; everything outside the markers is kept as it is."""
    head, _, rest = text.partition(VIEWS_BEGIN)
    _, _, tail = rest.partition(VIEWS_END)
    if text.count(VIEWS_BEGIN) != 1 or text.count(VIEWS_END) != 1 or VIEWS_END in head:
        raise ValueError(f"expected one {VIEWS_BEGIN} followed by one {VIEWS_END}")
    table = "\n".join(views_table(link=f"{DEFAULT_PATH.name}#"))
    return f"{head}{VIEWS_BEGIN}\n{table}\n{VIEWS_END}{tail}"


def write_architecture(path: str | Path = ARCHITECTURE_PATH) -> Path:
    """Rewrite the views table between the markers of ``docs/architecture.md``; return the path."""
    path = Path(path)
    path.write_text(with_views_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover
    print(write_data_dictionary(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_PATH))
    print(write_architecture())
