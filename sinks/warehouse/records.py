"""Turning DataFrames into rows a table accepts, and result sets back into typed DataFrames.

One place for the Python <-> SQL value rules, so every load and every read agrees on them:
missing values (``NaN``, ``NaT``, ``pd.NA``, ``None``) become NULL; whole floats become integers
(a non-whole count is an error, never silently truncated); codes that pandas read as numbers
(``51.0``) become their text (``"51"``); ``Ya``/``Tidak`` become booleans (``reference.values``); timestamps are stored
in UTC (a naive timestamp is taken as UTC).
"""
from __future__ import annotations

import math
from operator import itemgetter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timezone
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Column, Date, DateTime, Double, Float, Integer, Numeric, String, Table, Text
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from reference import values

# The missing-value test and the yes/no words are the product's one definition (reference.values).
is_missing = values.is_missing
to_bool = values.to_bool


def to_int(value: Any) -> int | None:
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    number = float(value)
    if not number.is_integer():
        raise ValueError(f"not a whole number: {value!r}")
    return int(number)


def to_float(value: Any) -> float | None:
    if is_missing(value):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def to_text(value: Any, strip: bool = False) -> str | None:
    if is_missing(value):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    elif isinstance(value, np.generic):
        value = value.item()
    text = str(value)
    return text.strip() if strip else text


def to_date(value: Any) -> date | None:
    if is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip()[:10])


def to_utc(value: Any) -> datetime | None:
    """An aware UTC datetime (a naive value is taken as UTC already)."""
    if is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    elif isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def converter(column: Column):
    """The Python-value converter for a column's SQL type."""
    kind = column.type
    if isinstance(kind, Boolean):
        return to_bool
    if isinstance(kind, Integer):
        return to_int
    if isinstance(kind, (Double, Float, Numeric)):
        return to_float
    if isinstance(kind, DateTime):
        return to_utc
    if isinstance(kind, Date):
        return to_date
    if isinstance(kind, Text):
        return to_text
    if isinstance(kind, String):
        return lambda v: to_text(v, strip=True)
    return lambda v: None if is_missing(v) else v


#: Frames at least this long are converted column-wise by pandas (derived facts: thousands of rows);
#: shorter ones (a workbook's sheet: tens of rows) value by value, cheaper than pandas' per-call cost.
VECTOR_ROWS = 200


def _fast_column(series: pd.Series, column: Column) -> list[Any] | None:
    """The column's values converted without a per-value call, when its dtype allows (else None).

    Derived facts are large (tens of thousands of rows per run) and already typed by pandas: a float
    column for a double, an integer column for an integer, text for text. Anything else goes through
    the per-value converter, which also reports what cannot be converted."""
    kind, dtype = column.type, series.dtype
    if isinstance(kind, (Double, Float, Numeric)) and pd.api.types.is_float_dtype(dtype):
        values = series.to_numpy(dtype=float)
        out = values.astype(object)
        out[np.isnan(values)] = None
        return out.tolist()
    if isinstance(kind, Integer) and not isinstance(kind, Boolean) and pd.api.types.is_integer_dtype(dtype) \
            and not series.isna().any():
        return series.astype("int64").tolist()
    if isinstance(kind, Boolean) and pd.api.types.is_bool_dtype(dtype) and not series.isna().any():
        return series.astype(bool).tolist()
    if isinstance(kind, (String, Text)) and (dtype == object or pd.api.types.is_string_dtype(dtype)):
        # Each distinct text is checked and stripped once (a column holds few: codes, labels), then
        # spread back to the rows; a missing value has code -1, the lookup's last entry (None).
        codes, uniques = pd.factorize(series)
        texts = uniques.to_numpy(dtype=object)
        if not all(type(text) is str for text in texts):
            return None
        stripped = [text.strip() for text in texts]
        kept = stripped if isinstance(kind, String) and not isinstance(kind, Text) else texts
        lookup = np.array([*(None if bare == "" else text for text, bare in zip(kept, stripped)), None], dtype=object)
        return lookup[codes].tolist()
    return None


def to_records(frame: pd.DataFrame, table: Table, constants: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows for ``insert(table)``: the frame's columns that the table has (others ignored), typed.

    ``constants`` adds or overrides columns with one value for every row (``unit_code``, ``year`` ...).
    Raises ``ValueError`` naming the table, column and value that cannot be converted.
    """
    constants = dict(constants or {})
    names = [c.name for c in table.columns if c.name in frame.columns and c.name not in constants]
    columns: list[list[Any]] = []
    vectorise = len(frame) >= VECTOR_ROWS
    for name in names:
        fast = _fast_column(frame[name], table.c[name]) if vectorise else None
        if fast is not None:
            columns.append(fast)
            continue
        convert = converter(table.c[name])
        try:
            columns.append([convert(v) for v in frame[name].tolist()])
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{table.name}.{name}: {exc}") from exc
    fixed = {k: converter(table.c[k])(v) for k, v in constants.items()}
    if not names:
        return [dict(fixed) for _ in range(len(frame))]
    if not fixed:
        return [dict(zip(names, row)) for row in zip(*columns)]
    return [{**dict(zip(names, row)), **fixed} for row in zip(*columns)]


def check_unique(records: Sequence[Mapping[str, Any]], table: Table) -> None:
    """Raise ``ValueError`` when two rows share the table's primary key (before the database does)."""
    key = [c.name for c in table.primary_key.columns]
    try:  # the usual case (every row has the key columns, no duplicate) without a Python loop
        if key and len(set(map(itemgetter(*key), records))) == len(records):
            return
    except KeyError:
        pass
    seen: set[tuple] = set()
    for row in records:
        value = tuple(row.get(k) for k in key)
        if value in seen:
            raise ValueError(f"{table.name}: duplicate key {dict(zip(key, value))}")
        seen.add(value)


def _dtype_fix(frame: pd.DataFrame, columns: Iterable[Column]) -> pd.DataFrame:
    """The frame with each column of ``columns`` in the dtype of its SQL type (see :func:`read_frame`);
    a column already in that dtype is left as it is (read only when it needs a change)."""
    dtypes = dict(zip(frame.columns, frame.dtypes))
    fixes: dict[str, pd.Series] = {}
    for column in columns:
        if column.name not in dtypes:
            continue
        kind, dtype = column.type, dtypes[column.name]
        if isinstance(kind, DateTime):
            fixes[column.name] = pd.to_datetime(frame[column.name].map(to_utc), utc=True)
        elif isinstance(kind, (Double, Float, Numeric)):
            if dtype != "float64":
                fixes[column.name] = pd.to_numeric(frame[column.name], errors="coerce").astype("float64")
        elif isinstance(kind, Integer):
            if dtype != "int64":
                series = frame[column.name]
                fixes[column.name] = series.astype("int64") if series.notna().all() else series.astype("Int64")
        elif isinstance(kind, Boolean):
            if dtype != "bool":
                series = frame[column.name]
                fixes[column.name] = series.astype("bool") if series.notna().all() else series.astype("boolean")
    return frame.assign(**fixes) if fixes else frame


def read_frame(conn: Connection, stmt: Select) -> pd.DataFrame:
    """Run a Core ``select`` and return a DataFrame typed from the selected columns.

    Dates stay ``datetime.date`` objects, timestamps become UTC ``datetime64``, doubles ``float64``,
    integers ``int64`` (``Int64`` when NULLs occur), booleans ``bool`` (``boolean`` with NULLs).
    The frame has its columns even when no row matches.
    """
    result = conn.execute(stmt)
    names = list(result.keys())
    # Plain tuples: pandas builds the same frame from them as from the ``Row`` objects (it turns rows of
    # any other type into tuples first), without probing every row for a ``dtype`` attribute (a failed
    # key lookup per row on a ``Row``: most of a read's time).
    frame = pd.DataFrame(list(map(tuple, result.fetchall())), columns=names)
    typed = [c for c in stmt.selected_columns if getattr(c, "name", None) in names]
    return _dtype_fix(frame, typed)  # type: ignore[arg-type]
