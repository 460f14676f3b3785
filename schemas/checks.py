"""Check helpers shared by the sheet schemas, and running a schema over many frames at once.

A text left in a number column is reported once, by the coercion (``number_invalid``); these helpers
read such a cell as missing, so the other checks of the column still run on every other row instead
of failing as a whole with a TypeError. Because every check is row-wise, one pandera run over the
frames of many workbooks finds what a run per workbook would (``failure_cases_each``): pandera's cost
is per call, not per row.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

#: A pandera model or schema: anything ``failure_cases`` can validate with.
Schema = pa.DataFrameSchema | type[pa.DataFrameModel]
#: Column of ``failure_cases_each`` naming the frame a failure case belongs to (its position).
FRAME = "frame"
#: Checks pandera reports for a whole column (no row): the same for every frame of a run.
COLUMN_LEVEL_CHECKS = ("column_in_dataframe", "column_in_schema")


def num(values: pd.Series) -> pd.Series:
    """Numbers of a column; anything that is not a number becomes NaN (a float column as it is)."""
    return values if values.dtype == np.float64 else pd.to_numeric(values, errors="coerce")


def _floats(values: pd.Series) -> np.ndarray:
    """``num`` of a column as a float array (the checks below compare arrays: a check runs on every sheet
    of every workbook, and numpy's cost per call is a fraction of a Series operation's)."""
    return num(values).to_numpy(dtype=float, na_value=np.nan)


def _passed(where: np.ndarray, like: pd.Series | pd.DataFrame) -> pd.Series:
    """A check's result: True where the value passes, on the checked column's (or frame's) index."""
    return pd.Series(where, index=like.index)


def non_negative(values: pd.Series) -> pd.Series:
    """True where the value is >= 0 or missing."""
    numbers = _floats(values)
    return _passed(np.isnan(numbers) | (numbers >= 0), values)


def whole(values: pd.Series) -> pd.Series:
    """True where the value is a whole number or missing."""
    numbers = _floats(values)
    with np.errstate(invalid="ignore"):  # inf % 1 is NaN: not whole
        return _passed(np.isnan(numbers) | (numbers % 1 == 0), values)


def positive(values: pd.Series) -> pd.Series:
    """True where the value is > 0 or missing."""
    numbers = _floats(values)
    return _passed(np.isnan(numbers) | (numbers > 0), values)


def sum_equals(frame: pd.DataFrame, parts: list[str], total: str) -> pd.Series:
    """True where the parts add up to the total, or where any of them is missing."""
    addends, expected = np.array([_floats(frame[p]) for p in parts]), _floats(frame[total])
    missing = np.isnan(addends).any(axis=0) | np.isnan(expected)
    with np.errstate(invalid="ignore"):  # inf - inf is NaN: not equal
        return _passed(missing | (np.abs(addends.sum(axis=0) - expected) <= 1e-9), frame)


def at_most(frame: pd.DataFrame, small: str, large: str) -> pd.Series:
    """True where ``small`` <= ``large``, or where either is missing."""
    a, b = _floats(frame[small]), _floats(frame[large])
    return _passed(np.isnan(a) | np.isnan(b) | (a <= b), frame)


# -- one pandera run over many frames ---------------------------------------------------------------

_NO_CASES = pd.DataFrame(columns=["schema_context", "column", "check", "check_number", "failure_case", "index"])


def failure_cases(model: Schema, frame: pd.DataFrame) -> pd.DataFrame:
    """pandera's lazy failure cases of one frame (``check`` as text); empty when the frame is valid."""
    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        return cases.assign(check=cases["check"].astype(str))
    return _NO_CASES.copy()


def _coerce_failures(cases: pd.DataFrame, members: Sequence[int]) -> dict[int, frozenset[str]]:
    """Each member -> the columns whose coercion failed in its rows (empty: none)."""
    failed = cases[cases["check"].str.startswith("coerce_dtype")]
    by_frame = failed.groupby(FRAME)["column"].agg(frozenset).to_dict() if len(failed) else {}
    return {m: by_frame.get(m, frozenset()) for m in members}


def _raised(cases: pd.DataFrame) -> bool:
    """True when a check failed for a whole column (it raised, or coercion failed without a row).

    Such a failure hides the check's verdict on every frame of the run, so the run cannot be shared."""
    whole = cases[cases["index"].isna()]
    return bool((~whole["check"].str.startswith("dtype(") & ~whole["check"].isin(COLUMN_LEVEL_CHECKS)).any())


@lru_cache(maxsize=None)
def _no_located(label: np.dtype) -> pd.DataFrame:
    """``_Stack.run``'s cases of valid frames whose labels are of dtype ``label`` (built once)."""
    return _NO_CASES.assign(**{FRAME: np.empty(0, dtype=int), "index": np.empty(0, dtype=label)})


@dataclass(frozen=True)
class _Stack:
    """Frames one under the other: ``rows`` (a fresh RangeIndex), each row's frame ``owner`` and its
    ``label`` in that frame's own index."""

    rows: pd.DataFrame
    owner: np.ndarray
    label: np.ndarray

    def run(self, model: Schema, members: Sequence[int] | None = None) -> tuple[pd.DataFrame, bool]:
        """One pandera run over the frames ``members`` (all: None): their row failures, with FRAME and each
        frame's own index label, and whether a check raised."""
        rows, owner, label = self.rows, self.owner, self.label
        if members is not None:
            keep = np.isin(owner, members)
            rows, owner, label = rows[keep].reset_index(drop=True), owner[keep], label[keep]
        cases = failure_cases(model, rows)
        if cases.empty:  # the frames are valid
            return _no_located(label.dtype).copy(), False
        located = cases[cases["index"].notna()]
        position = located["index"].to_numpy(dtype=int)
        return located.assign(**{FRAME: owner[position], "index": label[position]}), _raised(cases)


def _group_cases(model: Schema, stack: _Stack, members: list[int], n_frames: int,
                 shared: tuple[pd.DataFrame, bool] | None) -> pd.DataFrame:
    """The cases of a group of frames that coerce alike: from the shared run when it is exact for them,
    else from their own run, else (a check raised) frame by frame. ``n_frames``: frames in the shared run."""
    cases, raised = shared if shared is not None else stack.run(model, members)
    if shared is not None and raised and len(members) < n_frames:
        cases, raised = stack.run(model, members)
    if raised and len(members) > 1:
        cases = pd.concat([stack.run(model, [m])[0] for m in members], ignore_index=True)
    return cases[cases[FRAME].isin(members)]


def failure_cases_stacked(model: Schema, rows: pd.DataFrame, owner: np.ndarray,
                          label: np.ndarray | None = None) -> pd.DataFrame:
    """The row failures (``index`` not null) of each of several frames as if validated alone, given the
    frames already stacked: ``rows`` one under the other, ``owner`` each row's frame (0..n-1), ``label``
    each row's index label in its own frame (default: the row's position in ``rows``). FRAME says whose.

    pandera coerces a column as a whole: one frame's text in a number column leaves the column uncoerced
    for every frame of the run, and checks then see the other frames' values uncoerced. So after one run
    over all frames, the frames are grouped by the columns whose coercion fails in them; the run is exact
    for the group whose columns are all the batch's, the other groups (usually: the clean frames of a
    batch with one text-in-a-number) are run again. A run in which a check raised is redone frame by
    frame. Cases keep pandera's order within a frame. Only row-wise checks are shared soundly: a unique
    key spans the stacked frames, so a caller that needs one per frame checks it itself.
    """
    owner = np.asarray(owner, dtype=int)
    stack = _Stack(rows.reset_index(drop=True), owner,
                   np.arange(len(rows)) if label is None else np.asarray(label, dtype=object))
    present = np.unique(owner).tolist()  # a frame without rows has nothing to report
    first = stack.run(model)
    if first[0].empty and not first[1]:
        return first[0].reset_index(drop=True)
    failing = _coerce_failures(first[0], present)
    batch_columns = frozenset().union(*failing.values())
    groups: dict[frozenset[str], list[int]] = {}
    for member, columns in failing.items():
        groups.setdefault(columns, []).append(member)
    if len(groups) <= 1 and not first[1]:
        return first[0].sort_values(FRAME, kind="stable").reset_index(drop=True)
    cases = [_group_cases(model, stack, members, len(present), first if columns == batch_columns else None)
             for columns, members in groups.items()]
    cases = pd.concat(cases, ignore_index=True) if len(cases) > 1 else cases[0]
    return cases.sort_values(FRAME, kind="stable").reset_index(drop=True)


def failure_cases_each(model: Schema, frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """``failure_cases_stacked`` of frames with the same columns; ``index`` is each frame's own label."""
    if not frames:
        return pd.DataFrame(columns=["column", "check", "index", FRAME])
    rows = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    owner = np.repeat(np.arange(len(frames)), [len(f) for f in frames])
    label = np.concatenate([f.index.to_numpy(dtype=object) for f in frames])
    return failure_cases_stacked(model, rows, owner, label)
