"""Validate a workbook read by ``sources.workbook``: schemas per sheet, then the contract's rules.

``validate_workbook(data, context)`` runs the ``Identitas`` model (``schemas.identity``: required
fields, known unit, year and month bounds, supported version; each failure at the field's Nilai cell)
and every pandera sheet model lazily, translates pandera's failure cases (index -> ``_row`` -> cell)
into one Indonesian problem per cell and rule, runs the cross-sheet, cross-month and identity rules
of ``schemas.rules`` (unit against folder and file name, period, plan on file), and returns the
verdict with one problems frame sorted by sheet and row. A reading problem at a cell (ambiguous number, formula without
value) or a missing column silences the schema's own complaint about the same cell or column.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import pandera.pandas as pa

from reference import master
from schemas import codes, contract, rules
from schemas.identity import identity_failures
from schemas.messages import RULES, fmt_number, fmt_rupiah, problem, problems_frame
from schemas.monthly import MONTHLY_ANCHORS, MONTHLY_MODELS
from schemas.plan import PLAN_ANCHORS, PLAN_MODELS

if TYPE_CHECKING:
    from sources.workbook import WorkbookData

Verdict = Literal["accepted", "accepted_with_warnings", "rejected"]
MODELS = {contract.PLAN: PLAN_MODELS, contract.MONTHLY: MONTHLY_MODELS}
ANCHORS = {**PLAN_ANCHORS, **MONTHLY_ANCHORS}
#: Reading problems after which nothing else can be checked.
FATAL_READING = frozenset({"file_not_xlsx", "file_corrupt", "file_encrypted", "file_too_large",
                           "template_version_unsupported"})
#: What one row of each sheet is, for the duplicate-row message.
GRAIN_TEXT = {
    "Sasaran": "Kode SK", "Indikator": "Kode Indikator", "RAPK": "Kode Indikator",
    "Pagu": "Kode RO dan Jenis Belanja", "RPD": "Kode RO dan Jenis Belanja", "Kinerja": "Kode Indikator",
    "Anggaran": "Kode RO dan Jenis Belanja", "Sampling": "Komoditi dan Metode", "Pemeriksaan": "Jenis Sarana",
    "Penindakan": "Nomor Perkara",
}
DATE_EXPECTED = "tanggal, mis. 15/06/2023"


@dataclass(frozen=True)
class ValidationContext:
    """What the validator knows beyond the workbook itself.

    - ``folder_unit``: the inbox folder the file arrived in (None: not from an inbox)
    - ``file_name``: the submitted file name (None: use the path's name)
    - ``plan``: the plan on file for a monthly report: frames ``Indikator``, ``RAPK``, ``Pagu`` with
      canonical columns; ``plan_year`` its year; ``plan_years`` the years with a plan on file
    - ``offline``: validation on the steward's machine: no plan is a warning, not an error
    - ``previous_kinerja``: last month's Kinerja (indicator_code, realisasi) for the cumulative rule
    - ``spent_before``: earlier months' spending (ro_code, expense_type, spent_rp)
    - ``sampling_before`` / ``inspection_before``: earlier months' counts (same columns as the sheets)
      ``None`` for an earlier-month input means unknown: rules needing it are skipped (not for January)
    - ``today``; ``is_replacement`` (a file for this unit and period was accepted before);
      ``past_deadline``; ``deadline`` (for the message)
    """

    folder_unit: str | None = None
    file_name: str | None = None
    plan: Mapping[str, pd.DataFrame] | None = None
    plan_year: int | None = None
    plan_years: tuple[int, ...] = ()
    offline: bool = False
    previous_kinerja: pd.DataFrame | None = None
    spent_before: pd.DataFrame | None = None
    sampling_before: pd.DataFrame | None = None
    inspection_before: pd.DataFrame | None = None
    today: date = field(default_factory=date.today)
    is_replacement: bool = False
    past_deadline: bool = False
    deadline: date | None = None


@dataclass(frozen=True)
class ValidationResult:
    """The verdict on one workbook, its problems (``PROBLEM_COLUMNS``), and its canonical frames.

    ``frames`` hold the sheets with numbers as floats, dates as timestamps and commodity / facility
    names resolved to master codes: what a loader stores when the verdict is not ``rejected``.
    """

    verdict: Verdict
    problems: pd.DataFrame
    file_name: str
    kind: contract.WorkbookKind | None = None
    identity: dict[str, Any] = field(default_factory=dict)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def n_errors(self) -> int:
        return int((self.problems["severity"] == "error").sum())

    @property
    def n_warnings(self) -> int:
        return int((self.problems["severity"] == "warning").sum())


# -- preparing frames -------------------------------------------------------------------------------

def _specs(data: WorkbookData, sheet: str) -> dict[str, contract.ColumnSpec]:
    return {s.name: s for s in contract.columns(data.kind, sheet, data.version)}


def _prepared(data: WorkbookData, sheet: str) -> pd.DataFrame:
    """The reader's frame with allowed words in their contract spelling and master names resolved to codes."""
    frame = codes.normalise_vocab(data.frames[sheet], sheet)
    for (where, column), kind in codes.RESOLVED.items():
        if where == sheet:
            resolved = codes.resolve_codes(frame[column], kind)
            frame = frame.assign(**{column: resolved.where(resolved.notna(), frame[column])})
    return frame


def _clean(frame: pd.DataFrame, specs: dict[str, contract.ColumnSpec]) -> pd.DataFrame:
    """Typed frame for the rules: numbers float (text -> NaN), dates timestamps, text/code as is."""
    changes = {}
    for name, spec in specs.items():
        if spec.dtype in ("number", "int"):
            changes[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
        elif spec.dtype == "date":
            changes[name] = pd.to_datetime(frame[name].where(frame[name].map(lambda v: not isinstance(v, str))),
                                           errors="coerce")
    return frame.assign(**changes)


# -- pandera failure cases -> problems --------------------------------------------------------------

def _rule_of_check(check: str) -> str | None:
    """rule_id of a pandera check name (None: a duplicate report to drop)."""
    if check == "not_nullable":
        return "value_required"
    if check.startswith("coerce_dtype"):
        return "number_invalid"
    if check.startswith("dtype("):
        return None
    if check.startswith("isin"):
        return "value_not_allowed"
    if check in ("field_uniqueness", "multiple_fields_uniqueness"):
        return "duplicate_row"
    if check in ("column_in_dataframe",):
        return "column_missing"
    if check == "column_in_schema":
        return None
    return check if check in RULES else "value_not_allowed"


def _failures(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> pd.DataFrame:
    """pandera's failure cases of one sheet (empty frame when valid), with their rule_id."""
    try:
        model.validate(frame, lazy=True)
        return pd.DataFrame(columns=["column", "check", "index", "rule_id"])
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    cases = cases.assign(check=cases["check"].astype(str), rule_id=cases["check"].astype(str).map(_rule_of_check))
    return cases[cases["rule_id"].notna() & cases["index"].notna()]


def _format(column: str, value: Any) -> str:
    if isinstance(value, float):
        return fmt_rupiah(value) if column.endswith("_rp") else fmt_number(value)
    return "kosong" if _missing(value) else str(value)


def _row_params(clean: pd.DataFrame, index: Any) -> dict[str, str]:
    """The row's values formatted for messages (numbers Indonesian, rupiah columns as Rp)."""
    return {column: _format(column, value) for column, value in clean.loc[index].items()}


class _Reporter:
    """Builds problems of one workbook: cells, printed headers, values as typed."""

    def __init__(self, data: WorkbookData, file_name: str):
        self.data, self.file = data, file_name
        self.headers = {sheet: {s.name: s.header for s in contract.columns(data.kind, sheet, data.version)}
                        for sheet in contract.data_sheets(data.kind)}

    def header(self, sheet: str, column: str | None) -> str | None:
        """The printed header of a canonical column (``Nilai`` for an Identitas field)."""
        if column is None:
            return None
        if sheet == contract.IDENTITY_SHEET:
            return contract.IDENTITY_HEADERS[1]
        return self.headers.get(sheet, {}).get(column, column)

    def typed(self, sheet: str, index: Any, column: str) -> Any:
        typed = self.data.typed.get(sheet)
        if typed is None or column not in typed.columns or index not in typed.index:
            return None
        return typed.at[index, column]

    def at_row(self, rule_id: str, sheet: str, row: Any, column: str | None, value: Any, **params: Any) -> dict:
        row = None if row is None or pd.isna(row) else int(row)
        if sheet == contract.IDENTITY_SHEET:
            row = self.data.identity_rows.get(column)
            letter = self.data.columns.get(sheet, {}).get("value")
            cell = f"{letter}{row}" if letter and row else None
        else:
            cell = self.data.cell(sheet, column, row) if column else None
        return problem(rule_id, file=self.file, sheet=sheet, row=row, column=self.header(sheet, column), cell=cell,
                       value=value, **params)


def _schema_problems(rep: _Reporter, sheet: str, prepared: pd.DataFrame, clean: pd.DataFrame,
                     model: type[pa.DataFrameModel]) -> list[dict]:
    """One problem per failing cell and rule (cross-column checks: one per row, at the anchor column)."""
    cases = _failures(model, prepared)
    specs = _specs(rep.data, sheet)
    anchored = cases["rule_id"].isin(ANCHORS)
    cases = cases.assign(column=cases["column"].where(~anchored, cases["rule_id"].map(ANCHORS)))
    cases = cases[cases["rule_id"] != "duplicate_row"].drop_duplicates(["rule_id", "index", "column"])
    out = []
    for case in cases.itertuples(index=False):
        index, column, rule_id = case.index, case.column, case.rule_id
        params = _row_params(clean, index)
        extra = {}
        if rule_id == "number_invalid" and specs[column].dtype == "date":
            rule_id, extra = "value_not_allowed", {"allowed": DATE_EXPECTED}
        elif rule_id in ("value_not_allowed", "code_unknown"):
            extra = {"allowed": codes.allowed_text(sheet, column)}
        out.append(rep.at_row(rule_id, sheet, clean.at[index, "_row"], column, rep.typed(sheet, index, column),
                              **{**params, **extra}))
    return out + _duplicate_problems(rep, sheet, prepared, model)


def _duplicate_problems(rep: _Reporter, sheet: str, prepared: pd.DataFrame,
                        model: type[pa.DataFrameModel]) -> list[dict]:
    """Each repeated key after its first occurrence (keys with a blank part are value_required instead)."""
    keys = list(model.to_schema().unique or [])
    if not keys or prepared.empty:
        return []
    complete = prepared[keys].notna().all(axis=1)
    dup = prepared.duplicated(keys, keep="first") & complete
    first = prepared.groupby(keys, dropna=False)["_row"].transform("first")
    out = []
    for index in prepared.index[dup]:
        key = ", ".join(f"{rep.header(sheet, k)} '{rep.typed(sheet, index, k)}'" for k in keys)
        out.append(rep.at_row("duplicate_row", sheet, prepared.at[index, "_row"], keys[0],
                              rep.typed(sheet, index, keys[0]), key=key, first_row=int(first[index]),
                              grain=GRAIN_TEXT.get(sheet, "kunci")))
    return out


# -- rules ------------------------------------------------------------------------------------------

_PLAN_WORDS = {"pattern": {v: k for k, v in master.PATTERNS.items()},
               "polarity": {v: k for k, v in master.POLARITY.items()}}


def _plan_frames(plan: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The plan on file in the workbook's vocabulary: codes as text (a warehouse may hand expense_type as a
    number) and pattern / polarity as plan words (a store may hand the catalogue's words)."""
    out = {}
    for sheet, frame in plan.items():
        changes = {c: frame[c].map(lambda v: str(int(v)) if isinstance(v, (int, float)) and float(v).is_integer()
                                   else v)
                   for c in ("expense_type",) if c in frame.columns}
        changes |= {c: frame[c].replace(words) for c, words in _PLAN_WORDS.items() if c in frame.columns}
        out[sheet] = frame.assign(**changes)
    return out


def _plan_rules(frames: dict[str, pd.DataFrame], year: int | None) -> list[pd.DataFrame]:
    sas, ind, rapk, pagu, rpd = (frames.get(s) for s in ("Sasaran", "Indikator", "RAPK", "Pagu", "RPD"))
    found = []
    if sas is not None and ind is not None:
        found += [rules.indicator_sk_undeclared(sas, ind), rules.sk_without_indicator(sas, ind)]
    if ind is not None and rapk is not None:
        found += [rules.rapk_row_missing(ind, rapk), rules.rapk_unknown_indicator(ind, rapk),
                  rules.year_end_has_monthly_target(ind, rapk)]
    if pagu is not None and rpd is not None:
        found += [rules.rpd_sum_mismatch(pagu, rpd), rules.rpd_row_missing(pagu, rpd)]
    if ind is not None and pagu is not None:
        found.append(rules.allocation_sum_mismatch(ind, pagu))
    if ind is not None:
        found.append(rules.indicator_not_in_catalogue(ind, year))
    if pagu is not None:
        found.append(rules.ro_not_in_catalogue(pagu, year))
    return found


def _monthly_rules(frames: dict[str, pd.DataFrame], identity: dict[str, Any], ctx: ValidationContext,
                   plan_usable: bool) -> list[pd.DataFrame]:
    kin, ang, smp, ins = (frames.get(s) for s in ("Kinerja", "Anggaran", "Sampling", "Pemeriksaan"))
    year, month = identity.get("year"), identity.get("month")
    first_month = month == 1
    found = []
    if plan_usable and month is not None:
        plan = _plan_frames(ctx.plan)
        p_ind, p_rapk, p_pagu = plan.get("Indikator"), plan.get("RAPK"), plan.get("Pagu")
        if kin is not None and p_ind is not None:
            found += [rules.indicator_missing(kin, p_ind), rules.indicator_not_in_plan(kin, p_ind, year)]
            if ctx.previous_kinerja is not None:
                found.append(rules.cumulative_decrease(kin, p_ind, ctx.previous_kinerja))
            if p_rapk is not None:
                found += [rules.realisasi_required(kin, p_rapk, month),
                          rules.kendala_expected(kin, p_ind, p_rapk, month)]
        if ang is not None and p_pagu is not None:
            found += [rules.ro_not_in_plan(ang, p_pagu, year),
                      rules.spending_exceeds_pagu(ang, p_pagu, ctx.spent_before)]
        units = p_ind.set_index("indicator_code")["unit_of_measure"] if p_ind is not None else None
    else:
        units = master.indicators().set_index("code")["unit_of_measure"]
    if kin is not None and units is not None:
        found.append(rules.ratio_mismatch(kin, units))
    if kin is not None and ang is not None and (first_month or ctx.spent_before is not None):
        found.append(rules.spending_sum_mismatch(kin, ang, ctx.spent_before))
    sources = tuple(s for s, before in (("sampling", ctx.sampling_before), ("inspection", ctx.inspection_before))
                    if first_month or before is not None)
    if kin is not None and smp is not None and ins is not None and sources:
        found.append(rules.derived_indicator_mismatch(kin, smp, ins, ctx.sampling_before, ctx.inspection_before,
                                                      sources))
    return found


def _identity_rules(data: WorkbookData, ctx: ValidationContext, file_name: str) -> tuple[list[pd.DataFrame], bool]:
    """Identity and context hits, and whether the plan may be used for the monthly rules."""
    ident, kind = data.identity, data.kind
    deadline = f" ({ctx.deadline.strftime('%d/%m/%Y')})" if ctx.deadline else ""
    found = [
        rules.unit_mismatch_folder(ident, ctx.folder_unit),
        rules.unit_mismatch_filename(kind, ident, file_name),
        rules.period_mismatch_filename(kind, ident, file_name),
        rules.period_future(kind, ident, ctx.today),
        rules.late_revision_without_note(kind, ident, ctx.is_replacement, ctx.past_deadline, deadline),
    ]
    plan_usable = False
    if kind == contract.MONTHLY:
        availability = rules.plan_availability(ident, ctx.plan is not None, ctx.plan_year, ctx.plan_years,
                                               ctx.offline)
        found.append(availability)
        plan_usable = availability.empty and ctx.plan is not None
    return found, plan_usable


def _identity_problems(rep: _Reporter, reading: pd.DataFrame) -> list[dict]:
    """The Identitas model's failures, one per field and rule, at the field's Nilai cell (value as typed).

    Nothing when the sheet is missing or empty (the reader said so); a failure at a cell the reader
    already reported (a value it could not type, a formula without value) is silenced with the rest."""
    data = rep.data
    unreadable = reading["sheet"].eq(contract.IDENTITY_SHEET) & reading["rule_id"].isin(["sheet_missing",
                                                                                          "sheet_empty"])
    if unreadable.any():
        return []
    failures = identity_failures(data.kind, data.identity, data.identity_typed, set(data.identity_rows),
                                 data.version)
    return [rep.at_row(rule_id, contract.IDENTITY_SHEET, None, name, params.pop("value"), **params)
            for name, rule_id, params in failures]


def _hit_problems(rep: _Reporter, hits: pd.DataFrame) -> list[dict]:
    """Rule hits -> problems (value as typed where the hit points at a cell)."""
    out = []
    for record in hits.to_dict("records"):
        fields = {k: _whole(v) for k, v in record.items() if k not in rules.HIT_COLUMNS and not _missing(v)}
        value = record.get("value")
        sheet, row, column = record["sheet"], record.get("row"), record.get("column")
        typed = _typed_at_row(rep, sheet, row, column)
        shown = typed if typed is not None else value
        if isinstance(shown, float):
            shown = fmt_number(shown)
        out.append(rep.at_row(record["rule_id"], sheet, row, column, None if _missing(shown) else shown, **fields))
    return out


def _whole(value: Any) -> Any:
    """2023.0 -> 2023: a concat of hit frames turns integer fields into floats."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _typed_at_row(rep: _Reporter, sheet: str, row: Any, column: str | None) -> Any:
    frame = rep.data.frames.get(sheet)
    if frame is None or _missing(row) or column is None:
        return None
    index = frame.index[frame["_row"] == int(row)]
    return rep.typed(sheet, index[0], column) if len(index) else None


# -- the whole workbook -----------------------------------------------------------------------------

def _silenced(problems: pd.DataFrame, reading: pd.DataFrame) -> pd.Series:
    """True for non-reading problems at a cell or column the reader already reported."""
    cells = {(s, c) for s, c in zip(reading["sheet"], reading["cell"]) if isinstance(c, str)}
    missing_cols = {(s, c) for s, c, r in zip(reading["sheet"], reading["column"], reading["rule_id"])
                    if r == "column_missing"}
    at_cell = pd.Series([(s, c) in cells for s, c in zip(problems["sheet"], problems["cell"])], index=problems.index)
    in_col = pd.Series([(s, c) in missing_cols for s, c in zip(problems["sheet"], problems["column"])],
                       index=problems.index)
    return at_cell | in_col


def _sorted(problems: pd.DataFrame, kind: contract.WorkbookKind | None) -> pd.DataFrame:
    """Problems by sheet (file-level first, then workbook order), row (sheet-level first), column."""
    order = {s: i for i, s in enumerate(contract.SHEETS.get(kind, ()))}
    key = problems.assign(_sheet=problems["sheet"].map(lambda s: -1 if s is None or _missing(s) else order.get(s, 99)),
                          _row=problems["row"].astype("Float64").fillna(-1))
    key = key.sort_values(["_sheet", "_row", "cell", "rule_id"], na_position="first", kind="stable")
    return key.drop(columns=["_sheet", "_row"]).reset_index(drop=True)


def _verdict(problems: pd.DataFrame) -> Verdict:
    if (problems["severity"] == "error").any():
        return "rejected"
    return "accepted_with_warnings" if len(problems) else "accepted"


def validate_workbook(data: WorkbookData, context: ValidationContext | None = None) -> ValidationResult:
    """Check one read workbook against its schemas, the contract's rules and the context.

    Returns the verdict ('accepted' | 'accepted_with_warnings' | 'rejected'), every problem (reading
    problems included) sorted by sheet and row, and the canonical frames.
    """
    ctx = context or ValidationContext()
    file_name = ctx.file_name or data.file_name
    reading = problems_frame(data.problems)
    if data.kind is None or reading["rule_id"].isin(FATAL_READING).any():
        found = _sorted(reading, data.kind)
        return ValidationResult(_verdict(found), found, file_name, data.kind, dict(data.identity))
    rep = _Reporter(data, file_name)
    broken = set(reading.loc[reading["rule_id"].isin(["column_missing", "sheet_missing"]), "sheet"])
    problems, clean_frames = _identity_problems(rep, reading), {}
    for sheet, model in MODELS[data.kind].items():
        if sheet not in data.frames:
            continue
        prepared = _prepared(data, sheet)
        clean = _clean(prepared, _specs(data, sheet))
        problems += _schema_problems(rep, sheet, prepared, clean, model)
        clean_frames[sheet] = clean.drop(columns="_row").assign(_row=clean["_row"])
    usable = {s: f for s, f in clean_frames.items() if s not in broken}
    found, plan_usable = _identity_rules(data, ctx, file_name)
    if data.kind == contract.PLAN:
        found += _plan_rules(usable, data.identity.get("year"))
    else:
        found += _monthly_rules(usable, data.identity, ctx, plan_usable)
    found = [f for f in found if not f.empty]
    if found:
        problems += _hit_problems(rep, pd.concat(found, ignore_index=True))
    checked = problems_frame(problems)
    checked = checked[~_silenced(checked, reading)]
    everything = _sorted(pd.concat([reading, checked], ignore_index=True), data.kind)
    return ValidationResult(_verdict(everything), everything, file_name, data.kind, dict(data.identity),
                            clean_frames)
