"""Validate workbooks read by ``sources.workbook``: schemas per sheet, then the contract's rules.

``validate_workbook(data, context)`` runs the ``Identitas`` model (``schemas.identity``: required
fields, known unit, year and month bounds, supported version; each failure at the field's Nilai cell)
and every pandera sheet model lazily, translates pandera's failure cases (index -> ``_row`` -> cell)
into one Indonesian problem per cell and rule, runs the cross-sheet, cross-month and identity rules
of ``schemas.rules`` (unit against folder and file name, period, plan on file), and returns the
verdict with one problems frame sorted by sheet and row. A reading problem at a cell (ambiguous number, formula without
value) or a missing column silences the schema's own complaint about the same cell or column.

``validate_workbooks(items)`` does the same for many workbooks at once, with the same result for each:
pandera and pandas cost per call far more than per row, so each sheet model, the Identitas model and
each plan and monthly rule run once over the stacked frames of all workbooks (``rules.FILE`` keeps them
apart); preparing a workbook's frames, the identity and context rules (a few comparisons of scalars)
and wording each problem stay per workbook. ``validate_workbook`` is a batch of one.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from reference import master
from reference.values import is_missing
from schemas import checks, codes, contract, rules
from schemas.identity import IdentityInput, identity_failures_many
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

@lru_cache(maxsize=None)
def _sheet_specs(kind: contract.WorkbookKind, sheet: str, version: str) -> dict[str, contract.ColumnSpec]:
    return {s.name: s for s in contract.columns(kind, sheet, version)}


def _specs(data: WorkbookData, sheet: str) -> dict[str, contract.ColumnSpec]:
    return _sheet_specs(data.kind, sheet, data.version)


def _prepared(data: WorkbookData, sheet: str) -> pd.DataFrame:
    """The reader's frame with allowed words in their contract spelling and master names resolved to codes
    (the reader's frame itself when the sheet has neither)."""
    frame = data.frames[sheet]
    changes = codes.vocab_columns(frame, sheet)
    for (where, column), kind in codes.RESOLVED.items():
        if where == sheet:
            resolved = codes.resolve_codes(frame[column], kind)
            changes[column] = resolved.where(resolved.notna(), frame[column])
    return frame.assign(**changes) if changes else frame


def _not_text(value: Any) -> bool:
    return not isinstance(value, str)


def _typed(values: pd.Series, spec: contract.ColumnSpec | None) -> pd.Series:
    """A column as the rules read it: numbers float (text -> NaN), dates timestamps, text/code as is."""
    if spec is not None and spec.dtype in ("number", "int"):
        return pd.to_numeric(values, errors="coerce").astype(float)
    if spec is not None and spec.dtype == "date":
        return pd.to_datetime(values.where(values.map(_not_text)), errors="coerce")
    return values


def _clean(frame: pd.DataFrame, specs: dict[str, contract.ColumnSpec]) -> pd.DataFrame:
    """Typed frame for the rules, messages and the result, ``_row`` last (built in one go: one frame per
    sheet, not a copy per changed column)."""
    typed = {name: _typed(frame[name], specs.get(name)) for name in frame.columns if name != "_row"}
    return pd.DataFrame({**typed, "_row": frame["_row"]}, index=frame.index)


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


@lru_cache(maxsize=None)
def _without_grain(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
    """The sheet's schema without its unique key, for a run over many workbooks: keys repeat across
    workbooks by design, and repeats within one are found by ``_repeated_keys`` (pandera's uniqueness
    failures are dropped anyway: it names every copy, the steward reads each repeat once)."""
    schema = copy.deepcopy(model.to_schema())
    schema.unique = None
    return schema


def _failures(model: type[pa.DataFrameModel], frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """pandera's row failures of each frame (``checks.FRAME`` says whose), one per cell and rule.

    A cross-column check points at its anchor column (pandera reports it once per column)."""
    cases = checks.failure_cases_each(_without_grain(model), frames)
    if cases.empty:
        return cases
    cases = cases.assign(rule_id=cases["check"].map(_rule_of_check))
    cases = cases[cases["rule_id"].notna()]
    anchored = cases["rule_id"].isin(ANCHORS)
    cases = cases.assign(column=cases["column"].where(~anchored, cases["rule_id"].map(ANCHORS)))
    cases = cases[cases["rule_id"] != "duplicate_row"]
    return cases.drop_duplicates([checks.FRAME, "rule_id", "index", "column"])


def _format(column: str, value: Any) -> str:
    if isinstance(value, float):
        return fmt_rupiah(value) if column.endswith("_rp") else fmt_number(value)
    return "kosong" if _missing(value) else str(value)


def _row_params(clean: pd.DataFrame, index: Any) -> dict[str, str]:
    """The row's values formatted for messages (numbers Indonesian, rupiah columns as Rp)."""
    return {column: _format(column, value) for column, value in clean.loc[index].items()}


@lru_cache(maxsize=None)
def _headers(kind: contract.WorkbookKind, version: str) -> dict[str, dict[str, str]]:
    """Sheet -> canonical column -> printed header, of a workbook kind in a template version."""
    return {sheet: {s.name: s.header for s in contract.columns(kind, sheet, version)}
            for sheet in contract.data_sheets(kind)}


class _Reporter:
    """Builds problems of one workbook: cells, printed headers, values as typed."""

    def __init__(self, data: WorkbookData, file_name: str):
        self.data, self.file = data, file_name
        self.headers = _headers(data.kind, data.version)

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


def _case_problems(rep: _Reporter, sheet: str, clean: pd.DataFrame, cases: pd.DataFrame) -> list[dict]:
    """One problem per failing cell and rule of one workbook's sheet (its rows of ``_failures``)."""
    specs = _specs(rep.data, sheet)
    out = []
    for index, column, rule_id in zip(cases["index"], cases["column"], cases["rule_id"]):
        params = _row_params(clean, index)
        extra = {}
        if rule_id == "number_invalid" and specs[column].dtype == "date":
            rule_id, extra = "value_not_allowed", {"allowed": DATE_EXPECTED}
        elif rule_id in ("value_not_allowed", "code_unknown"):
            extra = {"allowed": codes.allowed_text(sheet, column)}
        out.append(rep.at_row(rule_id, sheet, clean.at[index, "_row"], column, rep.typed(sheet, index, column),
                              **{**params, **extra}))
    return out


@lru_cache(maxsize=None)
def _grain(model: type[pa.DataFrameModel]) -> tuple[str, ...]:
    """The columns of a sheet's unique key (its grain)."""
    return tuple(model.to_schema().unique or ())


_REPEAT_COLUMNS = [checks.FRAME, "index", "first_row"]
_NO_REPEATS = pd.DataFrame(columns=_REPEAT_COLUMNS)


def _repeated_keys(keys: tuple[str, ...], frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Each row repeating the complete key of an earlier row of its own frame: FRAME, index (the frame's
    own label) and ``first_row`` (the ``_row`` of the key's first occurrence). Keys with a blank part
    are value_required instead."""
    if not keys or not any(len(f) for f in frames):
        return _NO_REPEATS.copy()
    values = {column: np.concatenate([f[column].to_numpy(dtype=object) for f in frames]) for column in keys}
    owner = np.repeat(np.arange(len(frames)), [len(f) for f in frames])
    complete = np.logical_and.reduce([pd.notna(v) for v in values.values()])
    # a complete key can only repeat a complete key: whole keys (with their frame) compare as tuples
    whole = pd.Index(list(zip(owner, *values.values())), tupleize_cols=False, dtype=object)
    repeated = whole.duplicated(keep="first") & complete
    if not repeated.any():
        return _NO_REPEATS.copy()
    batch = pd.DataFrame({**values, "_row": np.concatenate([f["_row"].to_numpy(dtype=object) for f in frames]),
                          checks.FRAME: owner})
    labels = np.concatenate([f.index.to_numpy(dtype=object) for f in frames])
    first = batch.groupby([checks.FRAME, *keys], dropna=False)["_row"].transform("first")
    return pd.DataFrame({checks.FRAME: batch[checks.FRAME].to_numpy()[repeated], "index": labels[repeated],
                         "first_row": first.to_numpy()[repeated]}, columns=_REPEAT_COLUMNS)


def _duplicate_problems(rep: _Reporter, sheet: str, prepared: pd.DataFrame, keys: tuple[str, ...],
                        repeats: pd.DataFrame) -> list[dict]:
    """A duplicate_row problem at each repeated key of one workbook's sheet (its rows of ``_repeated_keys``)."""
    out = []
    for index, first_row in zip(repeats["index"], repeats["first_row"]):
        key = ", ".join(f"{rep.header(sheet, k)} '{rep.typed(sheet, index, k)}'" for k in keys)
        out.append(rep.at_row("duplicate_row", sheet, prepared.at[index, "_row"], keys[0],
                              rep.typed(sheet, index, keys[0]), key=key, first_row=int(first_row),
                              grain=GRAIN_TEXT.get(sheet, "kunci")))
    return out


# -- rules ------------------------------------------------------------------------------------------

_PLAN_WORDS = {"pattern": master.PATTERN_OF_MEASUREMENT,
               "polarity": {v: k for k, v in master.POLARITY.items()}}


def _code_text(value: Any) -> Any:
    return str(int(value)) if isinstance(value, (int, float)) and float(value).is_integer() else value


def _plan_words(frame: pd.DataFrame) -> pd.DataFrame:
    """A sheet of the plan on file in the workbook's vocabulary: codes as text (a warehouse may hand
    expense_type as a number) and pattern / polarity as plan words (a store may hand the catalogue's
    words). Value by value, so it converts the stacked plans of a batch at once."""
    changes = {c: frame[c].map(_code_text) for c in ("expense_type",) if c in frame.columns}
    changes |= {c: frame[c].replace(words) for c, words in _PLAN_WORDS.items() if c in frame.columns}
    return frame.assign(**changes) if changes else frame


@lru_cache(maxsize=1)
def _catalogue_units() -> pd.Series:
    """indicator_code -> Satuan of the national catalogue (for a monthly report checked without a plan)."""
    return master.indicators().set_index("code")["unit_of_measure"]


@dataclass(frozen=True)
class _Checked:
    """A workbook as the batched rules see it: its position in the batch (``rules.FILE``), the sheets the
    reader found whole, its context and period, and the plan on file its rules may use (None: none, the
    plan may not be used, or the month is unknown)."""

    file: int
    frames: dict[str, pd.DataFrame]
    ctx: ValidationContext
    year: int | None
    month: int | None
    plan: Mapping[str, pd.DataFrame] | None

    def has(self, *sheets: str) -> bool:
        return all(s in self.frames for s in sheets)

    def planned(self, *sheets: str) -> bool:
        return self.plan is not None and all(s in self.plan for s in sheets)

    @property
    def first_month(self) -> bool:
        return self.month == 1

    @property
    def sources(self) -> tuple[str, ...]:
        """The count sources whose earlier months are known (all of them in January)."""
        return tuple(s for s, before in (("sampling", self.ctx.sampling_before),
                                         ("inspection", self.ctx.inspection_before))
                     if self.first_month or before is not None)


#: Where the batched rules find a frame of a workbook: its sheets, the plan on file, earlier months.
_SOURCES: dict[str, Callable[[_Checked], pd.DataFrame | None]] = {
    **{s: (lambda f, s=s: f.frames.get(s)) for kind in (contract.PLAN, contract.MONTHLY)
       for s in contract.data_sheets(kind)},
    **{f"plan {s}": (lambda f, s=s: f.plan.get(s) if f.plan is not None else None)
       for s in ("Indikator", "RAPK", "Pagu")},
    **{c: (lambda f, c=c: getattr(f.ctx, c)) for c in ("previous_kinerja", "spent_before", "sampling_before",
                                                       "inspection_before")},
}


def _stacked(parts: list[tuple[int, pd.DataFrame]]) -> pd.DataFrame:
    """Frames of several files one under the other, each row with its file in ``rules.FILE``."""
    stacked = pd.concat([frame for _, frame in parts], ignore_index=True)
    return stacked.assign(**{rules.FILE: np.repeat([file for file, _ in parts], [len(f) for _, f in parts])})


class _Stacks:
    """The frames of a batch's workbooks stacked by source (a sheet, the plan's Indikator, last month's
    Kinerja ...) with ``rules.FILE``, each stacked once and cut to the files of a rule call."""

    def __init__(self, files: list[_Checked]):
        self.files = files
        self._stacked: dict[str, pd.DataFrame | None] = {}

    def _stack(self, name: str) -> pd.DataFrame | None:
        if name not in self._stacked:
            parts = [(f.file, frame) for f in self.files if (frame := _SOURCES[name](f)) is not None]
            stacked = _stacked(parts) if parts else None
            self._stacked[name] = _plan_words(stacked) if stacked is not None and name.startswith("plan ") \
                else stacked
        return self._stacked[name]

    def of(self, name: str, files: list[_Checked]) -> pd.DataFrame | None:
        """The stacked frames ``name`` of ``files`` (None when none of them has one)."""
        stacked = self._stack(name)
        if stacked is None or len(files) == len(self.files):
            return stacked
        rows = stacked[stacked[rules.FILE].isin([f.file for f in files])]
        return rows if any(_SOURCES[name](f) is not None for f in files) else None


#: One batched rule: which files it applies to, the scalar arguments that group them (one call per
#: group), and the call over a group's stacked frames.
_Call = tuple[Callable[[_Checked], bool], Callable[[_Checked], Hashable],
              Callable[[_Stacks, list[_Checked], Any], pd.DataFrame]]


def _always(f: _Checked) -> None:
    return None


def _year(f: _Checked) -> int | None:
    return f.year


def _month(f: _Checked) -> int | None:
    return f.month


#: The plan's rules, in the order a plan's problems list them.
_PLAN_CALLS: list[_Call] = [
    (lambda f: f.has("Sasaran", "Indikator"), _always,
     lambda s, g, _: rules.indicator_sk_undeclared(s.of("Sasaran", g), s.of("Indikator", g))),
    (lambda f: f.has("Sasaran", "Indikator"), _always,
     lambda s, g, _: rules.sk_without_indicator(s.of("Sasaran", g), s.of("Indikator", g))),
    (lambda f: f.has("Indikator", "RAPK"), _always,
     lambda s, g, _: rules.rapk_row_missing(s.of("Indikator", g), s.of("RAPK", g))),
    (lambda f: f.has("Indikator", "RAPK"), _always,
     lambda s, g, _: rules.rapk_unknown_indicator(s.of("Indikator", g), s.of("RAPK", g))),
    (lambda f: f.has("Indikator", "RAPK"), _always,
     lambda s, g, _: rules.year_end_has_monthly_target(s.of("Indikator", g), s.of("RAPK", g))),
    (lambda f: f.has("Pagu", "RPD"), _always,
     lambda s, g, _: rules.rpd_sum_mismatch(s.of("Pagu", g), s.of("RPD", g))),
    (lambda f: f.has("Pagu", "RPD"), _always,
     lambda s, g, _: rules.rpd_row_missing(s.of("Pagu", g), s.of("RPD", g))),
    (lambda f: f.has("Indikator", "Pagu"), _always,
     lambda s, g, _: rules.allocation_sum_mismatch(s.of("Indikator", g), s.of("Pagu", g))),
    (lambda f: f.has("Indikator"), _year,
     lambda s, g, year: rules.indicator_not_in_catalogue(s.of("Indikator", g), year)),
    (lambda f: f.has("Pagu"), _year, lambda s, g, year: rules.ro_not_in_catalogue(s.of("Pagu", g), year)),
    (lambda f: f.has("Indikator"), _always,
     lambda s, g, _: rules.indicator_values_implausible(s.of("Indikator", g), s.of("RAPK", g))),
    (lambda f: True, _always,
     lambda s, g, _: rules.amounts_implausible({sheet: s.of(sheet, g)
                                                for sheet in contract.data_sheets(contract.PLAN)})),
]

#: The monthly report's rules (against the plan on file and earlier months), in the order its problems
#: list them. Without a usable plan, Satuan comes from the catalogue.
_MONTHLY_CALLS: list[_Call] = [
    (lambda f: f.has("Kinerja") and f.planned("Indikator"), _always,
     lambda s, g, _: rules.indicator_missing(s.of("Kinerja", g), s.of("plan Indikator", g))),
    (lambda f: f.has("Kinerja") and f.planned("Indikator"), _year,
     lambda s, g, year: rules.indicator_not_in_plan(s.of("Kinerja", g), s.of("plan Indikator", g), year)),
    (lambda f: f.has("Kinerja") and f.planned("Indikator") and f.ctx.previous_kinerja is not None, _always,
     lambda s, g, _: rules.cumulative_decrease(s.of("Kinerja", g), s.of("plan Indikator", g),
                                               s.of("previous_kinerja", g))),
    (lambda f: f.has("Kinerja") and f.planned("Indikator", "RAPK"), _month,
     lambda s, g, month: rules.realisasi_required(s.of("Kinerja", g), s.of("plan RAPK", g), month)),
    (lambda f: f.has("Kinerja") and f.planned("Indikator", "RAPK"), _month,
     lambda s, g, month: rules.kendala_expected(s.of("Kinerja", g), s.of("plan Indikator", g), s.of("plan RAPK", g),
                                                month)),
    (lambda f: f.has("Anggaran") and f.planned("Pagu"), _year,
     lambda s, g, year: rules.ro_not_in_plan(s.of("Anggaran", g), s.of("plan Pagu", g), year)),
    (lambda f: f.has("Anggaran") and f.planned("Pagu"), _always,
     lambda s, g, _: rules.spending_exceeds_pagu(s.of("Anggaran", g), s.of("plan Pagu", g), s.of("spent_before", g))),
    (lambda f: f.has("Kinerja") and (f.planned("Indikator") or f.plan is None), lambda f: f.plan is None,
     lambda s, g, catalogue: rules.ratio_mismatch(s.of("Kinerja", g),
                                                  _catalogue_units() if catalogue else s.of("plan Indikator", g))),
    (lambda f: f.has("Kinerja", "Anggaran") and (f.first_month or f.ctx.spent_before is not None), _always,
     lambda s, g, _: rules.spending_sum_mismatch(s.of("Kinerja", g), s.of("Anggaran", g), s.of("spent_before", g))),
    (lambda f: f.has("Kinerja", "Sampling", "Pemeriksaan") and bool(f.sources), lambda f: f.sources,
     lambda s, g, sources: rules.derived_indicator_mismatch(s.of("Kinerja", g), s.of("Sampling", g),
                                                            s.of("Pemeriksaan", g), s.of("sampling_before", g),
                                                            s.of("inspection_before", g), sources)),
    (lambda f: f.has("Kinerja") and (f.planned("Indikator") or f.plan is None), lambda f: f.plan is None,
     lambda s, g, catalogue: rules.realisasi_implausible(
         s.of("Kinerja", g), _catalogue_units() if catalogue else s.of("plan Indikator", g))),
    (lambda f: True, _always,
     lambda s, g, _: rules.amounts_implausible({sheet: s.of(sheet, g)
                                                for sheet in contract.data_sheets(contract.MONTHLY)})),
]


def _batched_hits(files: list[_Checked], calls: list[_Call], n_books: int) -> list[list[pd.DataFrame]]:
    """Each workbook's rule hits (by batch position), in the rules' order, every rule run once per group of
    the files it applies to that share its scalar arguments."""
    out: list[list[pd.DataFrame]] = [[] for _ in range(n_books)]
    stacks = _Stacks(files)
    for applies, key, call in calls:
        groups: dict[Hashable, list[_Checked]] = {}
        for f in files:
            if applies(f):
                groups.setdefault(key(f), []).append(f)
        for value, group in groups.items():
            found = call(stacks, group, value)
            if found.empty:
                continue
            for file, part in found.groupby(rules.FILE, sort=False):
                out[file].append(part.drop(columns=rules.FILE))
    return out


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


def _hit_problems(rep: _Reporter, hits: pd.DataFrame) -> list[dict]:
    """Rule hits -> problems (value as typed where the hit points at a cell)."""
    out = []
    for record in hits.to_dict("records"):
        # A field missing here is a column of other rules' hits (the concat filled it); a text, even an
        # empty one (a deadline left out of the sentence), is this rule's message field.
        fields = {k: _whole(v) for k, v in record.items()
                  if k not in rules.HIT_COLUMNS and (isinstance(v, str) or not _missing(v))}
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


_missing = is_missing  # the one missing-value test (reference.values)


def _typed_at_row(rep: _Reporter, sheet: str, row: Any, column: str | None) -> Any:
    frame = rep.data.frames.get(sheet)
    if frame is None or _missing(row) or column is None:
        return None
    index = frame.index[frame["_row"] == int(row)]
    return rep.typed(sheet, index[0], column) if len(index) else None


# -- one workbook of a batch ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Book:
    """A readable workbook of a batch on its way through the checks.

    ``prepared``: sheet -> the frame the schema validates; ``clean``: sheet -> the typed frame (messages,
    the result's frames); ``usable``: those of the sheets the reader found whole (for the rules)."""

    data: WorkbookData
    ctx: ValidationContext
    rep: _Reporter
    reading: pd.DataFrame
    prepared: dict[str, pd.DataFrame]
    clean: dict[str, pd.DataFrame]
    usable: dict[str, pd.DataFrame]


def _book(data: WorkbookData, ctx: ValidationContext, file_name: str, reading: pd.DataFrame) -> _Book:
    prepared = {sheet: _prepared(data, sheet) for sheet in MODELS[data.kind] if sheet in data.frames}
    clean = {sheet: _clean(frame, _specs(data, sheet)) for sheet, frame in prepared.items()}
    broken = set(reading.loc[reading["rule_id"].isin(["column_missing", "sheet_missing"]), "sheet"])
    usable = {sheet: frame for sheet, frame in clean.items() if sheet not in broken}
    return _Book(data, ctx, _Reporter(data, file_name), reading, prepared, clean, usable)


def _identity_problems(books: Sequence[_Book]) -> list[list[dict]]:
    """Each workbook's Identitas failures, one per field and rule, at the field's Nilai cell (value as typed);
    the Identitas model runs once for the batch.

    Nothing when the sheet is missing or empty (the reader said so); a failure at a cell the reader
    already reported (a value it could not type, a formula without value) is silenced with the rest."""
    readable = [n for n, b in enumerate(books)
                if not (b.reading["sheet"].eq(contract.IDENTITY_SHEET)
                        & b.reading["rule_id"].isin(["sheet_missing", "sheet_empty"])).any()]
    inputs = [IdentityInput(books[n].data.kind, books[n].data.identity, books[n].data.identity_typed,
                            frozenset(books[n].data.identity_rows), books[n].data.version) for n in readable]
    out: list[list[dict]] = [[] for _ in books]
    for n, failures in zip(readable, identity_failures_many(inputs)):
        rep = books[n].rep
        out[n] = [rep.at_row(rule_id, contract.IDENTITY_SHEET, None, name, params.pop("value"), **params)
                  for name, rule_id, params in failures]
    return out


def _by_columns(books: Sequence[_Book], members: list[int], sheet: str) -> list[list[int]]:
    """Members grouped by the columns of their sheet (a schema run needs frames of one shape)."""
    groups: dict[tuple, list[int]] = {}
    for n in members:
        groups.setdefault(tuple(books[n].prepared[sheet].columns), []).append(n)
    return list(groups.values())


def _per_frame(found: pd.DataFrame) -> dict[int, pd.DataFrame]:
    """The rows of a batch run by frame (``checks.FRAME``: the position in the run)."""
    return dict(tuple(found.groupby(checks.FRAME, sort=False))) if len(found) else {}


def _schema_problems(books: Sequence[_Book]) -> list[list[dict]]:
    """Each workbook's sheet problems (schema failures, then repeated keys, sheet by sheet), every sheet
    model run once over the batch's frames of that sheet."""
    out: list[list[dict]] = [[] for _ in books]
    for kind, models in MODELS.items():
        for sheet, model in models.items():
            members = [n for n, b in enumerate(books) if b.data.kind == kind and sheet in b.prepared]
            for group in _by_columns(books, members, sheet):
                frames = [books[n].prepared[sheet] for n in group]
                cases = _per_frame(_failures(model, frames))
                repeats = _per_frame(_repeated_keys(_grain(model), frames))
                for k, n in enumerate(group):
                    book = books[n]
                    if k in cases:
                        out[n] += _case_problems(book.rep, sheet, book.clean[sheet], cases[k])
                    if k in repeats:
                        out[n] += _duplicate_problems(book.rep, sheet, book.prepared[sheet], _grain(model),
                                                      repeats[k])
    return out


def _rule_hits(books: Sequence[_Book]) -> list[list[pd.DataFrame]]:
    """Each workbook's rule hits: identity and context (per workbook), then the plan's rules or the monthly
    report's, each run once over the batch's plans or monthly reports."""
    out: list[list[pd.DataFrame]] = [[] for _ in books]
    plans, monthly = [], []
    for n, book in enumerate(books):
        found, plan_usable = _identity_rules(book.data, book.ctx, book.rep.file)
        out[n] += found
        year, month = book.data.identity.get("year"), book.data.identity.get("month")
        if book.data.kind == contract.PLAN:
            plans.append(_Checked(n, book.usable, book.ctx, year, None, None))
        else:
            plan = book.ctx.plan if plan_usable and month is not None else None
            monthly.append(_Checked(n, book.usable, book.ctx, year, month, plan))
    for found_plan, found_monthly, own in zip(_batched_hits(plans, _PLAN_CALLS, len(books)),
                                              _batched_hits(monthly, _MONTHLY_CALLS, len(books)), out):
        own += found_plan + found_monthly
    return out


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


@lru_cache(maxsize=1)
def _no_problems_frame() -> pd.DataFrame:
    """``problems_frame([])``, built once (most workbooks have no reading problem)."""
    return problems_frame([])


def _problems_frame(problems: list[dict]) -> pd.DataFrame:
    return problems_frame(problems) if problems else _no_problems_frame().copy()


@lru_cache(maxsize=None)
def _nothing_found(kind: contract.WorkbookKind) -> pd.DataFrame:
    """The problems frame of a clean workbook, built once the way every other one is built."""
    none_ = _no_problems_frame()
    return _sorted(pd.concat([none_, none_[~_silenced(none_, none_)]], ignore_index=True), kind)


def _result(book: _Book, problems: list[dict], found: list[pd.DataFrame]) -> ValidationResult:
    """The verdict on one workbook from its problems and rule hits (reading problems first, then sorted)."""
    data, reading = book.data, book.reading
    found = [f for f in found if not f.empty]
    if found:
        problems = problems + _hit_problems(book.rep, pd.concat(found, ignore_index=True))
    if not problems and reading.empty:
        everything = _nothing_found(data.kind).copy()
    else:
        checked = _problems_frame(problems)
        checked = checked[~_silenced(checked, reading)]
        everything = _sorted(pd.concat([reading, checked], ignore_index=True), data.kind)
    return ValidationResult(_verdict(everything), everything, book.rep.file, data.kind, dict(data.identity),
                            book.clean)


def validate_workbooks(items: Sequence[tuple[WorkbookData, ValidationContext | None]]) -> list[ValidationResult]:
    """Check many read workbooks at once: for each, exactly what ``validate_workbook`` returns for it alone.

    Workbooks of any kind, unit and period may be mixed. Each pandera model runs once over the stacked
    frames of all workbooks that have its sheet, the Identitas model once per kind, and each plan and
    monthly rule once per group of workbooks sharing its year or month (one group when the batch is one
    period's files); unreadable files are answered alone. A workbook whose validation raises alone (a plan
    on file with a repeated indicator code) makes the batch raise: validate that batch file by file.
    """
    results: list[ValidationResult | None] = [None] * len(items)
    books: dict[int, _Book] = {}
    for i, (data, context) in enumerate(items):
        ctx = context or ValidationContext()
        file_name = ctx.file_name or data.file_name
        reading = _problems_frame(data.problems)
        if data.kind is None or reading["rule_id"].isin(FATAL_READING).any():
            found = _sorted(reading, data.kind)
            results[i] = ValidationResult(_verdict(found), found, file_name, data.kind, dict(data.identity))
        else:
            books[i] = _book(data, ctx, file_name, reading)
    live = list(books.values())
    parts = zip(books, _identity_problems(live), _schema_problems(live), _rule_hits(live))
    for (i, identity, schema, found), book in zip(parts, live):
        results[i] = _result(book, identity + schema, found)
    return results


def validate_workbook(data: WorkbookData, context: ValidationContext | None = None) -> ValidationResult:
    """Check one read workbook against its schemas, the contract's rules and the context.

    Returns the verdict ('accepted' | 'accepted_with_warnings' | 'rejected'), every problem (reading
    problems included) sorted by sheet and row, and the canonical frames. A batch of one: the same
    code path as ``validate_workbooks``.
    """
    return validate_workbooks([(data, context)])[0]
