"""Reading a unit-year back from the warehouse, as the canonical frames the transforms take.

:func:`batch_inputs` reads many unit-years at once (one statement per table), what deriving a run's
touched unit-years takes; :func:`unit_year_inputs` is one of them. Read inside the deriving
transaction, they are exactly the stored data (only current versions: facts hold nothing else). Frames carry the
canonical columns of ``docs/architecture.md`` plus the keys (``unit_code``, ``year``, ``month``),
the plan's display order (``sk_order``, ``indicator_order``) and ``submission_id``. RAPK and RPD
are long (one row per month, ``target`` / ``planned_rp``; NULL where the sheet was blank).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date

import pandas as pd
from sqlalchemy import Table, false, select
from sqlalchemy.engine import Connection

from sinks.warehouse import schema as s
from sinks.warehouse.derived import chunks, in_pairs
from sinks.warehouse.records import read_frame


@dataclass(frozen=True)
class UnitYearInputs:
    """Everything the transforms need to recompute one unit-year (frames are never mutated)."""

    unit_code: str
    year: int
    #: one row: dipa_number, pk_date, head_name, revision_note, submission_id (empty without a plan)
    plan_header: pd.DataFrame
    #: one row per SK: sk_code, sk_name, perspective, sk_order
    plan_sasaran: pd.DataFrame
    #: one row per indicator: sk_code, indicator_code, indicator_name, unit_of_measure, polarity, is_iku
    #: (bool), weight, annual_target, pattern, allocation_rp, indicator_order
    plan_indicator: pd.DataFrame
    #: RAPK long: one row per indicator x month: indicator_code, month, target
    plan_target: pd.DataFrame
    #: one row per RO x jenis belanja: ro_code, expense_type, ro_name, pagu_rp, pagu_after_aa_rp,
    #: volume_target, volume_unit
    plan_budget: pd.DataFrame
    #: RPD long: one row per RO x jenis belanja x month: ro_code, expense_type, month, planned_rp
    plan_rpd: pd.DataFrame
    #: Kinerja, every reported month: month, indicator_code, realisasi, numerator, denominator,
    #: spent_cum_rp, kendala, rtl, rtl_deadline, submission_id
    indicator_month: pd.DataFrame
    #: Anggaran: month, ro_code, expense_type, spent_month_rp, volume_cum, progress_pct
    budget_month: pd.DataFrame
    #: Sampling: month, commodity, method, sampled, tested, ms, tms
    sampling: pd.DataFrame
    #: Pemeriksaan: month, facility_type, inspected, mk, tmk
    inspection: pd.DataFrame
    #: Penindakan: month, case_number, stage, stage_date
    enforcement: pd.DataFrame
    #: active manual overrides: override_id, month, indicator_code, capaian_pct, reason, set_by, set_at
    overrides: pd.DataFrame
    #: every file received for the unit-year (both kinds, all versions, rejected too), oldest first
    submissions: pd.DataFrame

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames by field name (for logging and tests)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("unit_code", "year")}


def _of_pairs(conn: Connection, table: Table, pairs: Sequence[tuple[str, int]], *extra: object) -> pd.DataFrame:
    """Rows of ``table`` for the unit-years ``pairs`` (one statement per few hundred pairs), by key."""
    parts = [
        read_frame(conn, select(table).where(in_pairs(table, part), *extra).order_by(*table.primary_key.columns))
        for part in chunks(list(pairs))
    ] or [read_frame(conn, select(table).where(false()))]
    frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    return frame.reset_index(drop=True)


def _frames_of(conn: Connection, pairs: Sequence[tuple[str, int]]) -> dict[str, pd.DataFrame]:
    o = s.audit_capaian_override
    frames = {name: _of_pairs(conn, table, pairs) for name, table in _TABLES.items()}
    frames["overrides"] = _of_pairs(conn, o, pairs, o.c.active.is_(True))
    frames["plan_sasaran"] = frames["plan_sasaran"].sort_values(["unit_code", "year", "sk_order"], kind="stable")
    return frames


#: Input frame name -> the table it is read from (overrides: the active rows of audit_capaian_override).
_TABLES = {
    "plan_header": s.plan_header, "plan_sasaran": s.plan_sasaran, "plan_indicator": s.plan_indicator,
    "plan_target": s.plan_target, "plan_budget": s.plan_budget, "plan_rpd": s.plan_rpd,
    "indicator_month": s.fact_indicator_month, "budget_month": s.fact_budget_month, "sampling": s.fact_sampling,
    "inspection": s.fact_inspection, "enforcement": s.fact_enforcement, "submissions": s.audit_submission,
}


@dataclass(frozen=True)
class BatchInputs:
    """The inputs of several unit-years at once: one frame per input, every row keyed by unit_code and
    year (frames are never mutated). ``pairs`` are the unit-years asked for, sorted."""

    pairs: tuple[tuple[str, int], ...]
    frames: Mapping[str, pd.DataFrame]

    def split(self) -> dict[tuple[str, int], UnitYearInputs]:
        """One ``UnitYearInputs`` per unit-year (each frame grouped once, not filtered per pair)."""
        groups = {name: dict(tuple(frame.groupby(["unit_code", "year"], sort=False))) if len(frame) else {}
                  for name, frame in self.frames.items()}
        out = {}
        for unit, year in self.pairs:
            parts = {name: groups[name].get((unit, year), frame.iloc[:0]).reset_index(drop=True)
                     for name, frame in self.frames.items()}
            out[(unit, year)] = UnitYearInputs(unit_code=unit, year=year, **parts)
        return out


def batch_inputs(conn: Connection, pairs: Iterable[tuple[str, int]]) -> BatchInputs:
    """The current plan, every reported month, active overrides and the audit trail of many unit-years,
    one read per table (not one per unit-year)."""
    wanted = tuple(sorted({(str(u), int(y)) for u, y in pairs}))
    return BatchInputs(wanted, _frames_of(conn, wanted))


def unit_year_inputs(conn: Connection, unit_code: str, year: int) -> UnitYearInputs:
    """The current plan, every reported month, active overrides and the audit trail of a unit-year."""
    return batch_inputs(conn, [(unit_code, year)]).split()[(unit_code, int(year))]


def year_reporting_inputs(conn: Connection, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Inputs of the national completeness of a year: the units active during the year (unit_code)
    and every submission of the year (all kinds and versions, rejected included)."""
    u = s.dim_unit
    active = (select(u.c.unit_code).distinct()
              .where(u.c.valid_from <= date(year, 12, 31), (u.c.valid_to.is_(None)) | (u.c.valid_to >= date(year, 1, 1)))
              .order_by(u.c.unit_code))
    subs = select(s.audit_submission).where(s.audit_submission.c.year == year)
    return read_frame(conn, active), read_frame(conn, subs)
