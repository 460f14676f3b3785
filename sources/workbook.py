"""Reading a unit's workbook (plan or monthly report) into canonical DataFrames.

``read_workbook`` never raises for a steward's mistake: every problem it meets becomes a reading
problem (``schemas.messages`` shape) and the caller decides. It is bounded: the file size is checked
before opening, the zip's declared uncompressed size before parsing, and only the contract's sheets
and columns are read. Headers are found in the first rows (title rows above are fine), printed
headers are resolved through the column map of the workbook's template version, and every data row
keeps its Excel row number in ``_row`` so any value can be pointed at as sheet + cell.
"""
from __future__ import annotations

import difflib
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from schemas import contract
from schemas.naming import parse_file_name
from schemas.messages import fmt_number, identity_invalid_params, problem, problems_frame
from sources.inbox import sha256_file
from sources.numbers import ambiguous_readings, is_blank, is_temporal, parse_numbers

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
#: How many rows from the top are searched for the header row (title rows may sit above it).
HEADER_SEARCH_ROWS = 10
#: Uncompressed-size bound when no ``max_bytes`` is given, and the factor applied when one is.
DEFAULT_MAX_UNCOMPRESSED = 512 * 2**20
UNCOMPRESSED_FACTOR = 100
#: Bounds of what is read from one sheet (the contract's sheets have a few dozen rows and columns).
MAX_COLUMNS = 64
MAX_ROWS = 20_000
#: Sheets that must hold at least one data row.
SHEETS_REQUIRING_DATA = frozenset({contract.IDENTITY_SHEET, "Sasaran", "Indikator", "RAPK", "Pagu", "Kinerja"})
#: The sheet whose presence decides the kind of workbook.
KIND_SHEETS = {"Kinerja": contract.MONTHLY, "Indikator": contract.PLAN}
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
_EXCEL_EPOCH = datetime(1899, 12, 30)


@dataclass
class WorkbookData:
    """Everything read from one workbook.

    - ``kind``: ``"rencana"`` | ``"bulanan"`` | None (unreadable)
    - ``identity``: canonical Identitas field -> typed value (None: blank or not typeable);
      ``identity_rows``: field -> Excel row; ``identity_typed``: field -> value as the steward typed it
    - ``frames``: sheet -> DataFrame, one row per non-blank data row, canonical columns + ``_row``
    - ``typed``: sheet -> DataFrame aligned with ``frames``: each value as the steward typed it (str)
    - ``columns``: sheet -> {canonical column -> Excel column letter}; ``Identitas`` maps
      ``field`` and ``value``
    - ``header_rows``: sheet -> Excel row of its header
    - ``problems``: reading problems (dicts of ``schemas.messages.PROBLEM_COLUMNS``)
    """

    path: Path
    sha256: str | None = None
    kind: contract.WorkbookKind | None = None
    identity: dict[str, Any] = field(default_factory=dict)
    identity_rows: dict[str, int] = field(default_factory=dict)
    identity_typed: dict[str, str | None] = field(default_factory=dict)
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    typed: dict[str, pd.DataFrame] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    header_rows: dict[str, int] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def version(self) -> str:
        """The template version the workbook was read with."""
        return self.identity.get("template_version") or contract.current_version()

    def problems_frame(self) -> pd.DataFrame:
        """The reading problems as a frame."""
        return problems_frame(self.problems)

    def cell(self, sheet: str, column: str, row: int | None) -> str | None:
        """Excel address ('C7') of a canonical column in a data row, None when unknown."""
        letter = self.columns.get(sheet, {}).get(column)
        return f"{letter}{int(row)}" if letter and row is not None and not pd.isna(row) else None


@dataclass
class _Ctx:
    """What reading one workbook carries around."""

    name: str
    formulas: dict[str, dict[tuple[int, int], str]]
    problems: list[dict[str, Any]]


# -- file-level checks ----------------------------------------------------------------------------

def _human_size(size: float) -> str:
    for unit in ("byte", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{fmt_number(size, 1)} {unit}"
        size /= 1024
    return str(size)


def _check_container(path: Path, max_bytes: int | None, max_uncompressed: int | None) -> dict | None:
    """The first file-level problem (size, not xlsx, encrypted, corrupt, zip bomb), or None."""
    name = path.name
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        return problem("file_too_large", file=name, what="", size=_human_size(size), limit=_human_size(max_bytes))
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(CFB_MAGIC):
        return problem("file_encrypted", file=name)
    if not magic.startswith(ZIP_MAGIC):
        return problem("file_not_xlsx", file=name, detail="")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return problem("file_corrupt", file=name, detail=f"arsip zip tidak utuh: {exc}")
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        return problem("file_not_xlsx", file=name, detail=" (arsip zip tanpa isi buku kerja Excel)")
    limit = max_uncompressed or (UNCOMPRESSED_FACTOR * max_bytes if max_bytes else DEFAULT_MAX_UNCOMPRESSED)
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limit:
        return problem("file_too_large", file=name, what=" setelah dibuka", size=_human_size(unpacked),
                       limit=_human_size(limit))
    return None


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet part holds a formula element (streamed, cheap)."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/"):
                continue
            tail = b""
            with archive.open(info) as part:
                while chunk := part.read(1 << 20):
                    if _FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-8:]
    return False


def _formula_cells(path: Path, sheets: list[str]) -> dict[str, dict[tuple[int, int], str]]:
    """sheet -> {(row, col): formula text} for the given sheets (one read-only pass, no values)."""
    book = load_workbook(path, read_only=True, data_only=False)
    try:
        found: dict[str, dict[tuple[int, int], str]] = {}
        for sheet in sheets:
            cells: dict[tuple[int, int], str] = {}
            rows = book[sheet].iter_rows(min_row=1, min_col=1, max_col=MAX_COLUMNS, max_row=MAX_ROWS,
                                         values_only=True)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row, start=1):
                    if (isinstance(value, str) and value.startswith("=")) or type(value).__name__.endswith("Formula"):
                        cells[(r, c)] = value if isinstance(value, str) else f"={getattr(value, 'text', value)}"
            found[sheet] = cells
        return found
    finally:
        book.close()


# -- cell values ----------------------------------------------------------------------------------

def _norm(text: Any) -> str:
    """Header / label form for matching: whitespace collapsed, case folded."""
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold() if text is not None else ""


def _as_text(value: Any) -> Any:
    """A code or text cell: stripped text, whole numbers without '.0', NaN when blank."""
    if is_blank(value):
        return np.nan
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if is_temporal(value):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).replace("\u00a0", " ").split())


def _as_date(value: Any) -> Any:
    """A date cell: ``datetime`` for dates and date text, NaN when blank, else the value as typed."""
    if is_blank(value):
        return np.nan
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return _EXCEL_EPOCH + timedelta(days=float(value))
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return text


def _as_typed(value: Any) -> Any:
    """How a value is shown back to the steward."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if is_temporal(value):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)).replace(".", ",")
    return str(value)


# -- sheets -----------------------------------------------------------------------------------------

def _is_percent(cell: Any) -> bool:
    """A number shown as a percentage: Excel stores ``73,18%`` as 0.7318 with a ``%`` number format."""
    value = cell.value
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and "%" in (getattr(cell, "number_format", None) or ""))


def _rows(ctx: _Ctx, book: Any, sheet: str) -> list[tuple]:
    """The sheet's rows as value tuples padded to one width (row i is Excel row i + 1), bounded:
    at most ``MAX_COLUMNS`` columns and ``MAX_ROWS`` rows (more rows is reported as too large)."""
    return _cell_rows(ctx, book, sheet, percent=False)[0]


def _cell_rows(ctx: _Ctx, book: Any, sheet: str, percent: bool) -> tuple[list[tuple], list[tuple]]:
    """``_rows`` and, when ``percent``, a parallel grid of flags: True where the cell is a number
    formatted as a percentage (its value is the fraction Excel stores). Without ``percent`` the
    flags are empty and the values are read without their formats."""
    cells = book[sheet].iter_rows(min_row=1, min_col=1, max_col=MAX_COLUMNS, max_row=MAX_ROWS + 1,
                                  values_only=not percent)
    if percent:
        read = [(tuple(c.value for c in r), tuple(_is_percent(c) for c in r)) for r in cells]
        rows, flags = [v for v, _ in read], [f for _, f in read]
    else:
        rows, flags = [tuple(r) for r in cells], []
    if len(rows) > MAX_ROWS:
        rows, flags = rows[:MAX_ROWS], flags[:MAX_ROWS]
        ctx.problems.append(problem("file_too_large", file=ctx.name, sheet=sheet,
                                    what=f" (lembar '{sheet}')", size=f"lebih dari {fmt_number(MAX_ROWS)} baris",
                                    limit=f"{fmt_number(MAX_ROWS)} baris per lembar"))
    width = max((len(r) for r in rows), default=0)
    return ([r + (None,) * (width - len(r)) for r in rows], [f + (False,) * (width - len(f)) for f in flags])


def _find_header(rows: list[tuple], headers: list[str]) -> tuple[int, dict[str, int]]:
    """(0-based header row, {normalised header -> 0-based column}) of the best-matching top row."""
    wanted = {_norm(h) for h in headers}
    best_row, best_pos = 0, {}
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        pos = {}
        for j, value in enumerate(row):
            key = _norm(value)
            if key in wanted and key not in pos:
                pos[key] = j
        if len(pos) > len(best_pos):
            best_row, best_pos = i, pos
    return best_row, best_pos


def _column_missing(ctx: _Ctx, sheet: str, header: str, header_row: int, row: tuple, known: set[str]) -> dict:
    found = [str(v).strip() for v in row if not is_blank(v)]
    strangers = [v for v in found if _norm(v) not in known]
    guess = difflib.get_close_matches(header, strangers, n=1, cutoff=0.6)
    hint = f" Mungkin kolom '{guess[0]}' yang dimaksud; ganti judulnya menjadi '{header}'." if guess else ""
    return problem("column_missing", file=ctx.name, sheet=sheet, column=header, header_row=header_row,
                   found=", ".join(found) or "(tidak ada)", hint=hint)


def _formula_problems(ctx: _Ctx, sheet: str, actual: str, grid: pd.DataFrame, cols: dict[str, int]) -> pd.Series:
    """Report formulas without cached values in the contract columns; True for rows holding one."""
    has_formula = pd.Series(False, index=grid.index)
    for (r, c), text in ctx.formulas.get(actual, {}).items():
        if r in grid.index and c - 1 in cols.values():
            has_formula[r] = True
            if grid.at[r, c - 1] is None:
                ctx.problems.append(problem("formula_without_value", file=ctx.name, sheet=sheet, row=r,
                                            column=_header_at(cols, c - 1), cell=f"{get_column_letter(c)}{r}",
                                            value=text))
    return has_formula


def _header_at(cols: dict[str, int], index: int) -> str:
    return next(h for h, j in cols.items() if j == index)


def _ambiguous_problems(ctx: _Ctx, sheet: str, spec: contract.ColumnSpec, letter: str, raw: pd.Series,
                        mask: pd.Series) -> None:
    for r, text in raw[mask].items():
        thousands, decimal = ambiguous_readings(str(text))
        ctx.problems.append(problem(
            "number_ambiguous", file=ctx.name, sheet=sheet, row=r, column=spec.header, cell=f"{letter}{r}",
            value=text, as_thousands=fmt_number(thousands), as_decimal=fmt_number(decimal, 3),
            plain=f"{thousands:.0f}"))


def _as_percent_points(raw: pd.Series, percent: pd.Series) -> pd.Series:
    """Numbers formatted as a percentage in percent points (0.7318 shown as 73,18% -> 73.18).

    Rounded to 10 decimals so that ×100 adds no binary noise (73.18, not 73.18000000000001)."""
    scaled = (pd.to_numeric(raw[percent]) * 100).round(10).astype(object)
    return raw.where(~percent, scaled)


def _convert(ctx: _Ctx, sheet: str, spec: contract.ColumnSpec, letter: str, raw: pd.Series) -> pd.Series:
    """One column of raw cells -> canonical values (numbers parsed, text stripped, dates read)."""
    if spec.dtype in ("number", "int"):
        parsed = parse_numbers(raw)
        _ambiguous_problems(ctx, sheet, spec, letter, raw, parsed.ambiguous)
        return parsed.values
    if spec.dtype == "date":
        return raw.map(_as_date).astype(object)
    return raw.map(_as_text).astype(object)


def _read_data_sheet(ctx: _Ctx, data: WorkbookData, book: Any, sheet: str, actual: str) -> None:
    """Read one data sheet into ``data.frames[sheet]`` (and typed values, letters, problems)."""
    specs = contract.columns(data.kind, sheet, data.version)
    rows, flags = _cell_rows(ctx, book, actual, percent=True)
    header_i, pos = _find_header(rows, [s.header for s in specs])
    header_row = header_i + 1
    data.header_rows[sheet] = header_row
    known = {_norm(s.header) for s in specs}
    header_values = rows[header_i] if rows else ()
    for spec in specs:
        if _norm(spec.header) not in pos:
            ctx.problems.append(_column_missing(ctx, sheet, spec.header, header_row, header_values, known))
    found = [s for s in specs if _norm(s.header) in pos]
    cols = {s.header: pos[_norm(s.header)] for s in found}
    grid = pd.DataFrame(rows[header_row:], dtype=object)
    grid.index = range(header_row + 1, header_row + 1 + len(grid))
    grid = grid.reindex(columns=range(max(len(header_values), 1)))
    percent = pd.DataFrame(flags[header_row:], index=grid.index, dtype=bool).reindex(columns=grid.columns,
                                                                                     fill_value=False)
    has_formula = _formula_problems(ctx, sheet, actual, grid, cols)
    body = grid[list(cols.values())] if cols else grid.iloc[:, :0]
    keep = ~body.map(is_blank).all(axis=1) | has_formula if len(body.columns) else has_formula
    body = body[keep]
    letters = {s.name: get_column_letter(cols[s.header] + 1) for s in found}
    frame = {"_row": body.index.to_numpy(dtype="int64")}
    typed = {"_row": body.index.to_numpy(dtype="int64")}
    for spec in specs:
        if spec in found:
            raw = body[cols[spec.header]]
            shown = raw.map(_as_typed)
            is_pct = percent.loc[body.index, cols[spec.header]]
            if spec.dtype in ("number", "int") and is_pct.any():  # read as the steward sees it: 73,18%
                raw = _as_percent_points(raw, is_pct)
                shown = shown.where(~is_pct, raw[is_pct].map(_as_typed).astype(object) + "%")
            frame[spec.name] = _convert(ctx, sheet, spec, letters[spec.name], raw).to_numpy(dtype=object)
            typed[spec.name] = shown.to_numpy(dtype=object)
        else:
            frame[spec.name] = np.full(len(body), np.nan, dtype=object)
            typed[spec.name] = np.full(len(body), None, dtype=object)
    data.frames[sheet] = pd.DataFrame(frame)
    data.typed[sheet] = pd.DataFrame(typed)
    data.columns[sheet] = letters
    if body.empty and sheet in SHEETS_REQUIRING_DATA and found:
        ctx.problems.append(problem("sheet_empty", file=ctx.name, sheet=sheet))


# -- Identitas ------------------------------------------------------------------------------------

def _identity_error(ctx: _Ctx, spec: contract.ColumnSpec, row: int | None, letter: str, value: Any) -> None:
    """A value the reader cannot type (not a whole number within bounds, not a date)."""
    typed = _as_typed(value)
    ctx.problems.append(problem(
        "identity_invalid", file=ctx.name, sheet=contract.IDENTITY_SHEET, row=row,
        column=contract.IDENTITY_HEADERS[1], cell=f"{letter}{row}" if row else None, value=typed,
        **identity_invalid_params(spec.header, spec.dtype, typed, bounds=contract.IDENTITY_BOUNDS.get(spec.name))))


def _version_text(value: Any) -> str | None:
    text = _as_text(value)
    if not isinstance(text, str):
        return None
    return f"{text}.0" if text.isdigit() else text


def _typed_identity(ctx: _Ctx, spec: contract.ColumnSpec, row: int | None, letter: str, value: Any) -> Any:
    """The typed value of one Identitas field (None when blank), reporting a value that cannot be typed.

    Only typing happens here: whether a field is required, a known unit or a supported version is the
    identity schema's (``schemas.identity``), checked by the validator. A whole number outside
    ``contract.IDENTITY_BOUNDS`` is not typed (a month 13 would break every period computation downstream).
    """
    if is_blank(value):
        return None
    if spec.dtype == "int":
        number = parse_numbers(pd.Series([value], dtype=object)).values.iloc[0]
        low, high = contract.IDENTITY_BOUNDS.get(spec.name, (-np.inf, np.inf))
        if not isinstance(number, float) or not number.is_integer() or not low <= number <= high:
            _identity_error(ctx, spec, row, letter, value)
            return None
        return int(number)
    if spec.dtype == "date":
        parsed = _as_date(value)
        if not isinstance(parsed, datetime):
            _identity_error(ctx, spec, row, letter, value)
            return None
        return parsed.date()
    if spec.name == "template_version":
        return _version_text(value)
    text = _as_text(value)
    return text.upper() if spec.name == "unit_code" else text


def _identity_cells(rows: list[tuple]) -> tuple[int, int, int, dict[str, tuple[int, Any]]]:
    """(header row, Field column, Nilai column, {normalised label -> (Excel row, value)})."""
    header_i, pos = _find_header(rows, list(contract.IDENTITY_HEADERS))
    field_col = pos.get(_norm(contract.IDENTITY_HEADERS[0]), 0)
    value_col = pos.get(_norm(contract.IDENTITY_HEADERS[1]), field_col + 1)
    labels: dict[str, tuple[int, Any]] = {}
    for i, row in enumerate(rows[header_i + 1:], start=header_i + 2):
        label = _norm(row[field_col]) if field_col < len(row) else ""
        if label and label not in labels:
            labels[label] = (i, row[value_col] if value_col < len(row) else None)
    return header_i + 1, field_col, value_col, labels


def _read_identity(ctx: _Ctx, data: WorkbookData, book: Any, actual: str) -> bool:
    """Fill ``data.identity``; False when the template version is unsupported (stop reading)."""
    rows = _rows(ctx, book, actual)
    header_row, field_col, value_col, labels = _identity_cells(rows)
    letter = get_column_letter(value_col + 1)
    data.columns[contract.IDENTITY_SHEET] = {"field": get_column_letter(field_col + 1), "value": letter}
    data.header_rows[contract.IDENTITY_SHEET] = header_row
    if not labels:
        ctx.problems.append(problem("sheet_empty", file=ctx.name, sheet=contract.IDENTITY_SHEET))
        data.identity["template_version"] = contract.current_version()
        return True
    version_labels = {_norm(s.header) for v in contract.supported_versions()
                      for s in contract.identity_fields(data.kind, v) if s.name == "template_version"}
    version_at = next((labels[k] for k in version_labels if k in labels), None)
    if version_at is not None:
        version = _version_text(version_at[1])
        if version is not None and version not in contract.supported_versions():
            ctx.problems.append(problem(
                "template_version_unsupported", file=ctx.name, sheet=contract.IDENTITY_SHEET, row=version_at[0],
                column=contract.IDENTITY_HEADERS[1], cell=f"{letter}{version_at[0]}", value=version,
                supported=", ".join(contract.supported_versions())))
            return False
    formulas = ctx.formulas.get(actual, {})
    for spec in contract.identity_fields(data.kind, data.version if version_at else None):
        row, value = labels.get(_norm(spec.header), (None, None))
        if row is not None:
            data.identity_rows[spec.name] = row
            if (row, value_col + 1) in formulas and value is None:
                ctx.problems.append(problem("formula_without_value", file=ctx.name, sheet=contract.IDENTITY_SHEET,
                                            row=row, column=contract.IDENTITY_HEADERS[1], cell=f"{letter}{row}",
                                            value=formulas[(row, value_col + 1)]))
                continue
        data.identity_typed[spec.name] = _as_typed(value)
        data.identity[spec.name] = _typed_identity(ctx, spec, row, letter, value)
    return True


# -- the whole workbook -----------------------------------------------------------------------------

def _sheet_names(book: Any) -> dict[str, str]:
    """Normalised sheet name -> actual name (sheet names tolerate case and spaces)."""
    return {_norm(name): name for name in book.sheetnames}


def _decide_kind(ctx: _Ctx, sheets: dict[str, str], book: Any) -> contract.WorkbookKind | None:
    """Kinerja -> bulanan, Indikator -> rencana; else the kind the file name states (its key sheet missing)."""
    for sheet, kind in KIND_SHEETS.items():
        if _norm(sheet) in sheets:
            return kind
    named = parse_file_name(ctx.name).kind
    if named is not None:
        return named
    ctx.problems.append(problem(
        "sheet_missing", file=ctx.name, wanted="'Indikator' (Rencana Tahunan) atau 'Kinerja' (Laporan Bulanan)",
        found=", ".join(book.sheetnames)))
    return None


def _read_book(ctx: _Ctx, data: WorkbookData, book: Any) -> None:
    sheets = _sheet_names(book)
    data.kind = _decide_kind(ctx, sheets, book)
    if data.kind is None:
        return
    identity_sheet = sheets.get(_norm(contract.IDENTITY_SHEET))
    if identity_sheet is None:
        ctx.problems.append(problem("sheet_missing", file=ctx.name, sheet=contract.IDENTITY_SHEET,
                                    wanted=f"'{contract.IDENTITY_SHEET}'", found=", ".join(book.sheetnames)))
        data.identity["template_version"] = contract.current_version()
    elif not _read_identity(ctx, data, book, identity_sheet):
        return
    for sheet in contract.data_sheets(data.kind):
        actual = sheets.get(_norm(sheet))
        if actual is None:
            ctx.problems.append(problem("sheet_missing", file=ctx.name, sheet=sheet, wanted=f"'{sheet}'",
                                        found=", ".join(book.sheetnames)))
            continue
        _read_data_sheet(ctx, data, book, sheet, actual)


def read_workbook(path: Path, max_bytes: int | None = None, max_uncompressed: int | None = None) -> WorkbookData:
    """Read a plan or monthly workbook; never raises for a bad file (problems say what is wrong).

    ``max_bytes`` rejects larger files unread; ``max_uncompressed`` bounds the zip's declared
    uncompressed size (default ``100 x max_bytes``, or 512 MiB without ``max_bytes``).
    """
    path = Path(path)
    data = WorkbookData(path=path)
    first = _check_container(path, max_bytes, max_uncompressed)
    if first is not None:
        data.problems.append(first)
        if first["rule_id"] != "file_too_large":
            data.sha256 = sha256_file(path)
        return data
    data.sha256 = sha256_file(path)
    ctx = _Ctx(name=path.name, formulas={}, problems=data.problems)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged package
        data.problems.append(problem("file_corrupt", file=path.name, detail=_short(exc)))
        return data
    try:
        if _has_formulas(path):
            wanted = {_norm(s) for kind_sheets in contract.SHEETS.values() for s in kind_sheets}
            ctx.formulas = _formula_cells(path, [s for s in book.sheetnames if _norm(s) in wanted])
        _read_book(ctx, data, book)
    except Exception as exc:  # a damaged part found while reading: still the steward's file, not our bug
        data.problems.append(problem("file_corrupt", file=path.name, detail=_short(exc)))
        data.kind = None
    finally:
        book.close()
    return data


def _short(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 160 else f"{text[:157]}..."
