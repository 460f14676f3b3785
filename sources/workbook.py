"""Reading a unit's workbook (plan or monthly report) into canonical DataFrames.

``read_workbook`` never raises for a steward's mistake: every problem it meets becomes a reading
problem (``schemas.messages`` shape) and the caller decides. It is bounded: the file size is checked
before reading; the zip's declared unpacked sizes (in total and per part), its part names and the
absence of macros before anything is parsed; and only the contract's sheets and columns are read.
Headers are found in the first rows (title rows above are fine), printed headers are resolved
through the column map of the workbook's template version, and every data row keeps its Excel row
number in ``_row`` so any value can be pointed at as sheet + cell. A text or code cell longer than its
column's limit (``contract.text_limit``) is reported at its cell (``text_too_long``) and cut to the
limit in the frames, so a pasted essay never travels further.

Values come from python-calamine (a Rust reader: about 1 ms for a workbook's values, where openpyxl
takes 20-40 ms, and 75-160 ms with the cell styles the percent check needs). Calamine gives cached
values only, so three things it cannot tell are read from the sheet's XML, and only for a sheet that
can hold them (a byte search decides): formulas (a formula without a cached value is reported at its
cell with its text), error values (``#DIV/0!`` is text to report; calamine gives it as blank) and
numbers formatted as a percentage (Excel stores ``73,18%`` as 0.7318; the steward means 73.18). The
values handed to the conversion code are the ones openpyxl gave: ``None`` for an empty cell,
``datetime`` for a date. Calamine holds a sheet as one dense block from its first to its last cell,
so a sheet reaching beyond the bounds (a value in XFD1048576 of a 5 KB file would abort the process)
is streamed by openpyxl instead, as far as the bounds reach.
"""
from __future__ import annotations

import difflib
import hashlib
import io
import logging
import posixpath
import re
import zipfile
from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd
from openpyxl import load_workbook
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from schemas import contract
from schemas.naming import parse_file_name
from schemas.messages import clip, fmt_number, identity_invalid_params, problem, problems_frame
from sources.numbers import ambiguous_readings, is_blank, is_temporal, parse_numbers

logger = logging.getLogger(__name__)

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
#: How many rows from the top are searched for the header row (title rows may sit above it).
HEADER_SEARCH_ROWS = 10
#: Bounds of the zip's declared unpacked size, checked before anything is parsed: in total, and per part
#: (one sheet's XML or the shared strings). Demo workbooks unpack to at most 0.2 MB (4.6 x their packed
#: size); a template's widest monthly sheet filled to ``MAX_ROWS`` rows with 450-character Kendala and
#: RTL texts unpacks to 38 MB (16.6 MB for that sheet), a plan with every sheet at ``MAX_ROWS`` to 51 MB
#: (12.6 MB for its largest sheet). The zip reader of calamine, like Python's, stops a part at its
#: declared size, so a part cannot unpack beyond what is checked here.
MAX_UNCOMPRESSED = 64 * 2**20
MAX_PART_UNCOMPRESSED = 32 * 2**20
#: What marks a package as macro-enabled (``.xlsm`` content or a VBA project renamed ``.xlsx``): part
#: names (VBA project, Excel 4.0 macro sheets) and content types (lower-cased bytes).
MACRO_PARTS = re.compile(r"(?:^|/)vbaproject(?:signature)?\.bin$|^xl/macrosheets/", re.IGNORECASE | re.MULTILINE)
MACRO_MARKS = (b"macroenabled", b"vbaproject", b"macrosheet")
#: Bounds of what is read from one sheet (the contract's sheets have a few dozen rows and columns).
MAX_COLUMNS = 64
MAX_ROWS = 20_000
#: Sheets that must hold at least one data row.
SHEETS_REQUIRING_DATA = frozenset({contract.IDENTITY_SHEET, "Sasaran", "Indikator", "RAPK", "Pagu", "Kinerja"})
#: The sheet whose presence decides the kind of workbook.
KIND_SHEETS = {"Kinerja": contract.MONTHLY, "Indikator": contract.PLAN}
#: Contract dtypes read as numbers (tolerant parsing, percent formats).
NUMBER_DTYPES = ("number", "int")
#: Longest header or sheet name listed in a message (the contract's are under 25 characters): one
#: pasted essay must not push the others out of the list, which messages cut at ``MAX_PARAM_CHARS``.
MAX_LISTED_NAME = 40
#: Built-in number formats that show a percentage (``0%``, ``0.00%``); custom formats are read from styles.xml.
PERCENT_BUILTIN_FORMATS = frozenset({9, 10})
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
_ERROR_TYPE = re.compile(rb"<(?:\w+:)?c\b[^>]*?\st\s*=\s*[\"']e[\"']")
_STYLE_ATTR = re.compile(rb"\ss\s*=\s*[\"'](\d+)[\"']")
_REFERENCE = re.compile(rb"\sr\s*=\s*[\"']([A-Z]*)(\d+)")  # r="B12" (a cell) or r="12" (a row)
_CELL_OR_ROW_TAG = re.compile(rb"<(?:\w+:)?(c|row)[\s>/]")
_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
#: Column letters -> number ('AB' -> 28), memoised: a sheet repeats a few letters thousands of times.
_column_number = lru_cache(maxsize=None)(column_index_from_string)
#: Parts of a number format that show text literally: quoted text, escaped or padding characters, [brackets].
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|[_*].|\[[^\]]*\]')
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
_EXCEL_EPOCH = datetime(1899, 12, 30)


@dataclass
class WorkbookData:
    """Everything read from one workbook.

    - ``kind``: ``"rencana"`` | ``"bulanan"`` | None (unreadable)
    - ``identity``: canonical Identitas field -> typed value (None: blank or not typeable);
      ``identity_rows``: field -> Excel row; ``identity_typed``: field -> value as the steward typed it
    - ``frames``: sheet -> DataFrame, one row per non-blank data row, canonical columns + ``_row``; a
      number that is not finite (reported at its cell) is NaN there, so no infinity reaches a computation
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


@dataclass(frozen=True)
class _Marks:
    """What one sheet's XML says that its cached values do not, keyed by (Excel row, column number).

    - ``formulas``: formula text of every formula cell (``=SUM(B2:B5)``)
    - ``errors``: error values (``#DIV/0!``), which calamine reads as blank
    - ``percent``: cells styled with a percentage number format (whatever their value)
    """

    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    percent: frozenset[tuple[int, int]] = frozenset()

    @property
    def last_row(self) -> int:
        """The lowest row holding a formula or an error (0: none); calamine's extent may stop above it."""
        return max((r for r, _ in (*self.formulas, *self.errors)), default=0)


NO_MARKS = _Marks()


@dataclass
class _Ctx:
    """What reading one workbook carries around: its bytes, the parsed book, the zip for the sheets'
    XML, each sheet's zip member and the percent cell styles (``xl/styles.xml`` ``cellXfs`` indices)."""

    name: str
    content: bytes
    book: CalamineWorkbook
    archive: zipfile.ZipFile
    parts: dict[str, str]
    percent_styles: frozenset[int]
    problems: list[dict[str, Any]]


class _UnreadableSheet(Exception):
    """A sheet whose part cannot be read (damaged XML, a zip error): the steward is told which."""

    def __init__(self, sheet: str):
        super().__init__(sheet)
        self.sheet = sheet


# -- file-level checks ----------------------------------------------------------------------------

def _human_size(size: float) -> str:
    for unit in ("byte", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{fmt_number(size, 1)} {unit}"
        size /= 1024
    return str(size)


def _size_problem(name: str, size: int, max_bytes: int | None) -> dict | None:
    """``file_too_large`` when the file is over ``max_bytes`` (checked before the file is read)."""
    if max_bytes is not None and size > max_bytes:
        return problem("file_too_large", file=name, what="", size=_human_size(size), limit=_human_size(max_bytes))
    return None


def _open_archive(name: str, content: bytes, max_bytes: int | None,
                  max_uncompressed: int | None) -> zipfile.ZipFile | dict:
    """The zip archive of the workbook, or the first container problem (not xlsx, encrypted, corrupt,
    zip bomb, macros) found from its directory and its small package parts, before anything is parsed.
    ``max_uncompressed``: the total unpacked bound (default ``MAX_UNCOMPRESSED``, or ``max_bytes`` when
    that is larger: a file accepted by its size may hold stored parts as large as itself)."""
    if content.startswith(CFB_MAGIC):
        return problem("file_encrypted", file=name)
    if not content.startswith(ZIP_MAGIC):
        return problem("file_not_xlsx", file=name, detail="")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        logger.warning("%s: zip archive not readable: %s", name, exc)
        return problem("file_corrupt", file=name, detail="arsip zip tidak utuh")
    try:
        found = _container_problem(name, archive, max_uncompressed or max(MAX_UNCOMPRESSED, max_bytes or 0))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
        logger.warning("%s: package part not readable: %s", name, exc)
        found = problem("file_corrupt", file=name, detail="arsip zip tidak utuh")
    if found is not None:
        archive.close()
        return found
    return archive


def _container_problem(name: str, archive: zipfile.ZipFile, limit: int) -> dict | None:
    """What the zip's directory says is wrong (not a workbook, parts of one name, too large once
    unpacked, in total or in one part), then whether the package holds macros; None when nothing."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if "xl/workbook.xml" not in names:
        return problem("file_not_xlsx", file=name, detail=" (arsip zip tanpa isi buku kerja Excel)")
    if len(set(names)) != len(names):  # calamine and Python's zipfile would each read another copy
        return problem("file_corrupt", file=name, detail="arsip zip berisi dua bagian dengan nama yang sama")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limit:
        return problem("file_too_large", file=name, what=" setelah dibuka", size=_human_size(unpacked),
                       limit=_human_size(limit))
    largest = max(infos, key=lambda info: info.file_size)
    part_limit = min(MAX_PART_UNCOMPRESSED, limit)
    if largest.file_size > part_limit:
        return problem("file_too_large", file=name, what=f" setelah dibuka, pada bagian '{largest.filename}',",
                       size=_human_size(largest.file_size), limit=_human_size(part_limit))
    if _has_macros(archive, names):
        return problem("file_macro", file=name)
    return None


def _has_macros(archive: zipfile.ZipFile, names: list[str]) -> bool:
    """A VBA project or an Excel 4.0 macro sheet, by part name or by content type (Excel loads no part
    its content type does not declare): a regex over the names and byte searches in
    ``[Content_Types].xml``, a small part whose size the caller has bounded."""
    if MACRO_PARTS.search("\n".join(names)):
        return True
    types = archive.read("[Content_Types].xml").lower() if "[Content_Types].xml" in names else b""
    return any(mark in types for mark in MACRO_MARKS)


def _open_book(content: bytes) -> CalamineWorkbook:
    """The workbook parsed by calamine from the bytes already read (the file is not opened again)."""
    return CalamineWorkbook.from_filelike(io.BytesIO(content))


# -- the sheets' XML: where cells are, their styles, formulas and errors ----------------------------

def _local(tag: str) -> str:
    """Tag or attribute name without its namespace (transitional and strict OOXML differ only there)."""
    return tag.rpartition("}")[2]


def _xml(archive: zipfile.ZipFile, member: str) -> ElementTree.Element | None:
    """A small XML part (workbook, relationships, styles), None when the package lacks it."""
    try:
        return ElementTree.fromstring(archive.read(member))
    except KeyError:
        return None


def _workbook_targets(archive: zipfile.ZipFile) -> dict[str, str]:
    """Relationship type (its last path segment: 'worksheet', 'styles') or id -> zip member."""
    rels = _xml(archive, "xl/_rels/workbook.xml.rels")
    targets: dict[str, str] = {}
    for rel in rels.iter() if rels is not None else ():
        target = rel.get("Target")
        if _local(rel.tag) != "Relationship" or not target:
            continue
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id", "")] = member
        targets.setdefault(rel.get("Type", "").rpartition("/")[2], member)
    return targets


def _sheet_parts(archive: zipfile.ZipFile, targets: dict[str, str]) -> dict[str, str]:
    """Sheet name -> zip member of its XML (``xl/workbook.xml`` names, the relationships locate)."""
    book = _xml(archive, "xl/workbook.xml")
    parts: dict[str, str] = {}
    for sheet in book.iter() if book is not None else ():
        if _local(sheet.tag) != "sheet":
            continue
        rel_id = next((v for k, v in sheet.attrib.items() if k.startswith("{") and _local(k) == "id"), None)
        if rel_id in targets:
            parts[sheet.get("name", "")] = targets[rel_id]
    return parts


def _is_percent_format(code: str) -> bool:
    """A number format that shows a percentage: a '%' outside quoted text, escapes and [brackets]
    (``0" %"`` or ``0\\%`` print a literal % and Excel does not scale the value)."""
    return "%" in _FORMAT_LITERALS.sub("", code)


def _percent_styles(archive: zipfile.ZipFile, member: str | None) -> frozenset[int]:
    """Indices of the cell styles (``cellXfs``) whose number format is a percentage.

    Templates use no percent format, so a byte search usually answers without parsing styles.xml."""
    try:
        raw = archive.read(member or "xl/styles.xml")
    except KeyError:
        return frozenset()
    if b"%" not in raw and not re.search(rb'numFmtId\s*=\s*["\'](?:9|10)["\']', raw):
        return frozenset()
    sections = {_local(el.tag): el for el in ElementTree.fromstring(raw)}  # numFmts, cellXfs, dxfs, ...
    custom = {int(el.get("numFmtId", -1)): el.get("formatCode", "") for el in sections.get("numFmts", ())}
    xfs = [int(xf.get("numFmtId", 0)) for xf in sections.get("cellXfs", ()) if _local(xf.tag) == "xf"]
    return frozenset(i for i, fmt in enumerate(xfs)
                     if (_is_percent_format(custom[fmt]) if fmt in custom else fmt in PERCENT_BUILTIN_FORMATS))


def _needs_scan(xml: bytes, percent_styles: frozenset[int]) -> bool:
    """Whether the sheet holds a formula, an error value or a percent-styled cell (byte searches only)."""
    if _FORMULA_TAG.search(xml) or ((b'"e"' in xml or b"'e'" in xml) and _ERROR_TYPE.search(xml)):
        return True
    return bool(percent_styles) and not percent_styles.isdisjoint(map(int, set(_STYLE_ATTR.findall(xml))))


def _formula_text(formula: ElementTree.Element, ref: str, shared: dict[str, Translator]) -> str:
    """A formula as Excel shows it: ``=`` + its text; a shared formula's followers translated from the
    cell that holds its text (what openpyxl shows)."""
    text = "=" + (formula.text or "")
    if formula.get("t") != "shared":
        return text
    index = formula.get("si", "")
    if index in shared:
        return shared[index].translate_formula(ref)
    if text != "=":
        shared[index] = Translator(text, ref)
    return text


def _scan_cells(source: IO[bytes], percent_styles: frozenset[int]) -> _Marks:
    """One streamed pass over a sheet's cells: formulas, error values and percent-styled cells within
    the reading bounds (it stops below them). A cell without ``r`` follows the previous one (as Excel
    and openpyxl read it). A cell without children (a formatted empty cell) costs a style lookup."""
    formulas: dict[tuple[int, int], str] = {}
    errors: dict[tuple[int, int], str] = {}
    percent: set[tuple[int, int]] = set()
    shared: dict[str, Translator] = {}
    row = col = 0
    for event, el in ElementTree.iterparse(source, events=("start", "end")):
        tag = _local(el.tag)
        if event == "start":
            if tag == "row":
                row, col = int(el.get("r") or row + 1), 0
                if row > MAX_ROWS + 1:
                    break
            continue
        if tag != "c":
            if tag == "row":
                el.clear()
            continue
        ref = el.get("r")
        if ref:
            letters, number = _CELL_REFERENCE.fullmatch(ref).groups()
            row, col = int(number), _column_number(letters)
        else:
            col += 1
        if row > MAX_ROWS + 1 or col > MAX_COLUMNS:
            continue
        if int(el.get("s") or 0) in percent_styles:
            percent.add((row, col))
        if len(el):
            children = {_local(child.tag): child for child in el}
            if "f" in children:
                formulas[(row, col)] = _formula_text(children["f"], ref or f"{get_column_letter(col)}{row}", shared)
            if el.get("t") == "e" and "v" in children and children["v"].text:
                errors[(row, col)] = children["v"].text
    return _Marks(formulas=formulas, errors=errors, percent=frozenset(percent))


def _extent(xml: bytes) -> tuple[int, int]:
    """(last row, last column) a sheet's XML reaches, formatted empty rows and cells included, from
    its row and cell references (two regex passes, about 0.1 ms for a contract sheet). A row or cell
    without a reference (allowed) follows the previous one, so each such tag may add one."""
    references, tags = _REFERENCE.findall(xml), _CELL_OR_ROW_TAG.findall(xml)
    columns = [letters for letters, _ in references if letters]
    cell_tags = tags.count(b"c")
    last_row = max((int(number) for _, number in references), default=0)
    last_column = max(map(_column_number, {c.decode() for c in columns}), default=0)
    return (last_row + (len(tags) - cell_tags) - (len(references) - len(columns)),
            last_column + cell_tags - len(columns))


def _streamed_values(ctx: _Ctx, actual: str) -> list[tuple]:
    """A sheet calamine cannot hold within the bounds, streamed by openpyxl (read-only, values) as far
    as the bounds reach: ``MAX_ROWS + 1`` rows of ``MAX_COLUMNS`` cells."""
    book = load_workbook(io.BytesIO(ctx.content), read_only=True, data_only=True)
    try:
        return [tuple(r) for r in book[actual].iter_rows(min_row=1, min_col=1, max_col=MAX_COLUMNS,
                                                          max_row=MAX_ROWS + 1, values_only=True)]
    finally:
        book.close()


def _sheet(ctx: _Ctx, actual: str, percent: bool) -> tuple[list, _Marks]:
    """A sheet's values (rows from A1, as calamine or openpyxl give them) and its XML marks.

    Calamine holds a sheet as one dense block from its first to its last cell: two values far apart
    (A1 and XFD1048576, in a 5 KB file) would ask for billions of cells and abort the process. So
    calamine reads a sheet whose XML stays within ``MAX_ROWS`` rows and ``MAX_ROWS x MAX_COLUMNS``
    cells (every contract sheet); any other is streamed by openpyxl, which stops at the bounds and
    counts rows as before (formatted empty rows included), so a sheet too long is reported alike. The
    marks are parsed only when a byte search finds a formula, an error or a percent style in use;
    ``percent``: whether percent-styled cells matter (not in ``Identitas``)."""
    styles = ctx.percent_styles if percent else frozenset()
    member = ctx.parts.get(actual)
    if member is None:  # a sheet calamine lists but the package does not locate: openpyxl decides
        return _streamed_values(ctx, actual), NO_MARKS
    xml = ctx.archive.read(member)  # at most MAX_PART_UNCOMPRESSED (checked before parsing)
    marks = _scan_cells(io.BytesIO(xml), styles) if _needs_scan(xml, styles) else NO_MARKS
    rows, columns = _extent(xml)
    if rows > MAX_ROWS or rows * columns > MAX_ROWS * MAX_COLUMNS:
        return _streamed_values(ctx, actual), marks
    return ctx.book.get_sheet_by_name(actual).to_python(skip_empty_area=False, nrows=MAX_ROWS + 1), marks


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


def _is_number(value: Any) -> bool:
    """A numeric cell (a bool is not one, though Python says it is an int)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


#: The cell functions above as numpy ufuncs over an object block: one call for a sheet, no Series per column.
_IS_BLANK = np.frompyfunc(is_blank, 1, 1)
_IS_NUMBER = np.frompyfunc(_is_number, 1, 1)
_AS_TEXT = np.frompyfunc(_as_text, 1, 1)


# -- sheets -----------------------------------------------------------------------------------------

def _cell_value(value: Any) -> Any:
    """A calamine value as the conversion code expects it (what openpyxl gave): None for an empty
    cell (calamine gives ''), ``datetime`` for a whole-day date (calamine gives ``date``). Numbers
    stay float: the conversion code reads 51.0 and 51 alike. A numeric cell holding NaN
    (``<v>NaN</v>``, never written by Excel) is the text 'NaN', so it is reported, not read as blank."""
    if value == "":
        return None
    if type(value) is date:
        return datetime(value.year, value.month, value.day)
    if value != value:  # NaN is the only value unequal to itself
        return "NaN"
    return value


def _rows(ctx: _Ctx, actual: str, percent: bool) -> tuple[list[tuple], _Marks]:
    """The sheet's rows as value tuples padded to one width (row i is Excel row i + 1), bounded:
    at most ``MAX_COLUMNS`` columns and ``MAX_ROWS`` rows (more rows is reported as too large),
    and its marks. Rows reach down to the last formula or error cell too (calamine's extent ends at
    the last value), and error values are put back in their cells as the text Excel shows. A sheet
    whose part cannot be read raises ``_UnreadableSheet`` (the steward is told which sheet)."""
    try:
        values, marks = _sheet(ctx, actual, percent)
    except BaseException as exc:  # calamine, zip and XML errors, a Rust panic (a BaseException) included
        if _interrupt(exc):
            raise
        raise _UnreadableSheet(actual) from exc
    height = max(len(values), marks.last_row)
    if height > MAX_ROWS:
        values, height = values[:MAX_ROWS], MAX_ROWS
        ctx.problems.append(problem("file_too_large", file=ctx.name, sheet=actual,
                                    what=f" (lembar '{actual}')", size=f"lebih dari {fmt_number(MAX_ROWS)} baris",
                                    limit=f"{fmt_number(MAX_ROWS)} baris per lembar"))
    marked_width = max((c for _, c in (*marks.formulas, *marks.errors)), default=0)
    width = min(max(max((len(r) for r in values), default=0), marked_width), MAX_COLUMNS)
    rows = [[_cell_value(v) for v in r[:width]] + [None] * (width - len(r)) for r in values]
    rows += [[None] * width for _ in range(height - len(rows))]
    for (r, c), text in marks.errors.items():
        if r <= height:
            rows[r - 1][c - 1] = text
    return [tuple(r) for r in rows], marks


def _block(rows: list[tuple], start: int, width: int) -> np.ndarray:
    """``rows[start:]`` as a 2-D object array (``_rows`` pads every row to one width)."""
    block = np.empty((max(len(rows) - start, 0), width), dtype=object)
    if block.size:
        block[:] = rows[start:]
    return block


def _percent_flags(values: np.ndarray, rows: np.ndarray, positions: list[int],
                   cells: frozenset[tuple[int, int]]) -> np.ndarray:
    """True where a number sits in a percent-styled cell: its value is the fraction Excel stores
    (0.7318 shown as 73,18%). A blank or text under a percent format is not a percentage.
    ``values``: the body's cells, one row per Excel row of ``rows``, one column per sheet column of
    ``positions`` (0-based); ``cells``: the percent-styled (row, column number) of the sheet."""
    flags = np.zeros(values.shape, dtype=bool)
    if cells and values.size:
        marked_rows, marked_cols = np.array(sorted(cells)).T
        at, to = pd.Index(rows).get_indexer(marked_rows), pd.Index(positions).get_indexer(marked_cols - 1)
        inside = (at >= 0) & (to >= 0)
        flags[at[inside], to[inside]] = True
        flags &= _IS_NUMBER(values).astype(bool)
    return flags


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


def _listing(names: list[str]) -> str:
    """Headers or sheet names for a message: 'a, b, c', each cut at ``MAX_LISTED_NAME``."""
    return ", ".join(clip(name, MAX_LISTED_NAME, at_item=False) for name in names)


def _column_missing(ctx: _Ctx, sheet: str, header: str, header_row: int, row: tuple, known: set[str]) -> dict:
    found = [str(v).strip() for v in row if not is_blank(v)]
    strangers = [v for v in found if _norm(v) not in known]
    guess = difflib.get_close_matches(header, strangers, n=1, cutoff=0.6)
    hint = f" Mungkin kolom '{guess[0]}' yang dimaksud; ganti judulnya menjadi '{header}'." if guess else ""
    return problem("column_missing", file=ctx.name, sheet=sheet, column=header, header_row=header_row,
                   found=_listing(found) or "(tidak ada)", hint=hint)


def _formula_problems(ctx: _Ctx, sheet: str, cells: np.ndarray, header_row: int, cols: dict[str, int],
                      formulas: dict[tuple[int, int], str]) -> np.ndarray:
    """Report formulas without cached values in the contract columns; True for rows holding one.
    ``cells``: the rows below the header (Excel row ``header_row + 1`` first)."""
    has_formula = np.zeros(len(cells), dtype=bool)
    for (r, c), text in formulas.items():
        i = r - header_row - 1
        if 0 <= i < len(cells) and c - 1 in cols.values():
            has_formula[i] = True
            if cells[i, c - 1] is None:
                ctx.problems.append(problem("formula_without_value", file=ctx.name, sheet=sheet, row=r,
                                            column=_header_at(cols, c - 1), cell=f"{get_column_letter(c)}{r}",
                                            value=text))
    return has_formula


def _header_at(cols: dict[str, int], index: int) -> str:
    return next(h for h, j in cols.items() if j == index)


def _number_problem(ctx: _Ctx, sheet: str, spec: contract.ColumnSpec, cell: str, row: int, text: Any,
                    typed: Any, ambiguous: bool) -> dict:
    """``number_ambiguous`` (a ``1.234`` typed as text) or ``number_not_finite`` (``1e999``, ``inf``, ``NaN``)."""
    where = dict(file=ctx.name, sheet=sheet, row=row, column=spec.header, cell=cell)
    if not ambiguous:
        return problem("number_not_finite", value=typed, **where)
    thousands, decimal = ambiguous_readings(str(text))
    return problem("number_ambiguous", value=text, as_thousands=fmt_number(thousands),
                   as_decimal=fmt_number(decimal, 3), plain=f"{thousands:.0f}", **where)


def _is_untyped_date(value: Any) -> bool:
    """A date cell ``_as_date`` could not type: neither a date nor blank (None, NaN, NaT)."""
    return not isinstance(value, datetime) and not (value is None or value != value)


_IS_UNTYPED_DATE = np.frompyfunc(_is_untyped_date, 1, 1)


def _cell_problems(ctx: _Ctx, layout: _Layout, parsed: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
                   dates: dict[str, np.ndarray]) -> None:
    """The values of a located sheet that cannot be read, column by column, top to bottom: ambiguous
    and non-finite numbers (``parsed``: number column -> its parse), dates that are no date (``dates``:
    date column -> values as ``_as_date`` typed them). In the frame a non-finite number is NaN and a
    date that is no date stays as typed; the validator reports nothing more at a cell reported here."""
    sheet, rows = layout.sheet, layout.raw.index
    for spec in layout.found:
        if spec.name in parsed:
            _, ambiguous, non_finite = parsed[spec.name]
            flagged = np.flatnonzero(ambiguous | non_finite)
        elif spec.name in dates and len(rows):
            flagged = np.flatnonzero(_IS_UNTYPED_DATE(dates[spec.name]).astype(bool))
        else:
            continue
        if not len(flagged):  # the usual case: nothing to fetch
            continue
        letter, typed, raw = layout.letters[spec.name], layout.shown[spec.name], layout.raw[spec.name]
        for i in flagged:
            row, cell = int(rows[i]), f"{letter}{rows[i]}"
            if spec.name in parsed:
                ctx.problems.append(_number_problem(ctx, sheet, spec, cell, row, raw.iat[i], typed.iat[i],
                                                    bool(ambiguous[i])))
            else:
                ctx.problems.append(problem("date_invalid", file=ctx.name, sheet=sheet, row=row,
                                            column=spec.header, cell=cell, value=typed.iat[i]))


def _length(value: Any) -> int:
    """Characters of a text cell (0 for anything else)."""
    return len(value) if isinstance(value, str) else 0


_LENGTH = np.frompyfunc(_length, 1, 1)


def _too_long(ctx: _Ctx, sheet: str, spec: contract.ColumnSpec, cell: str | None, row: int | None,
              text: str, typed: Any, limit: int) -> dict:
    """``text_too_long``: a text or code cell over its limit (``contract.text_limit``); an Identitas field
    is named by its label (its column is ``Nilai``)."""
    identity = sheet == contract.IDENTITY_SHEET
    return problem("text_too_long", file=ctx.name, sheet=sheet, row=row, cell=cell, value=typed,
                   column=contract.IDENTITY_HEADERS[1] if identity else spec.header,
                   what=f"'{spec.header}'" if identity else f"di kolom '{spec.header}'",
                   length=fmt_number(len(text)), limit=fmt_number(limit))


def _text_problems(ctx: _Ctx, layout: _Layout, converted: dict[str, np.ndarray]) -> None:
    """Report every text or code cell of a located sheet longer than its column's limit, column by column,
    top to bottom, and cut it to the limit in ``converted``: a rejected file's pasted essay is not carried
    through validation (the steward's value as typed stays in the typed frame for the message)."""
    rows = layout.raw.index
    for spec in layout.found:
        limit = contract.text_limit(spec)
        if limit is None or spec.name not in converted or not len(rows):
            continue
        values = converted[spec.name]
        flagged = np.flatnonzero(_LENGTH(values).astype(int) > limit)
        if not len(flagged):
            continue
        values = values.copy()
        letter, typed = layout.letters[spec.name], layout.shown[spec.name]
        for i in flagged:
            ctx.problems.append(_too_long(ctx, layout.sheet, spec, f"{letter}{rows[i]}", int(rows[i]), values[i],
                                          typed.iat[i], limit))
            values[i] = values[i][:limit]
        converted[spec.name] = values


def _as_percent_points(raw: pd.Series, percent: pd.Series) -> pd.Series:
    """Numbers formatted as a percentage in percent points (0.7318 shown as 73,18% -> 73.18).

    Rounded to 10 decimals so that ×100 adds no binary noise (73.18, not 73.18000000000001)."""
    scaled = (pd.to_numeric(raw[percent]) * 100).round(10).astype(object)
    return raw.where(~percent, scaled)


def _parse_columns(columns: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Columns of raw cells parsed in one ``parse_numbers`` call, (values, ambiguous, non-finite) per column.

    ``parse_numbers`` costs a millisecond or two a call, nearly whatever its length (a fixed chain of
    pandas string operations), so a workbook's number columns are parsed together, not one call each."""
    if not columns:
        return []
    parsed = parse_numbers(pd.Series(np.concatenate(columns), dtype=object))
    values, ambiguous = parsed.values.to_numpy(dtype=object), parsed.ambiguous.to_numpy(dtype=bool)
    non_finite = parsed.non_finite.to_numpy(dtype=bool)
    ends = np.cumsum([len(c) for c in columns])
    return [(values[end - len(c):end], ambiguous[end - len(c):end], non_finite[end - len(c):end])
            for c, end in zip(columns, ends)]


def _convert(raw: pd.DataFrame, specs: list[contract.ColumnSpec],
             numbers: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Raw cells (one column per found spec, named by it) -> canonical values: numbers as parsed,
    text stripped, dates read. A date column goes through ``map``, which infers its dtype as it
    always did (datetimes become Timestamps); text is str or NaN whichever way it is mapped."""
    texts = [s.name for s in specs if s.dtype not in NUMBER_DTYPES and s.dtype != "date"]
    dates = {s.name: raw[s.name].map(_as_date).to_numpy(dtype=object) for s in specs if s.dtype == "date"}
    text = _AS_TEXT(raw[texts].to_numpy(dtype=object)) if texts else None
    return numbers | dates | {name: text[:, i] for i, name in enumerate(texts)}


def _shown(raw: pd.DataFrame, percent: np.ndarray,
           specs: list[contract.ColumnSpec]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(raw, typed): each value as the steward typed it, and percent-formatted numbers of number
    columns read as the steward sees them (0.7318 shown as 73,18% -> 73.18, typed '73,18%').
    ``map`` infers each typed column's dtype as it always did (a blank beside text is NaN)."""
    shown = raw.map(_as_typed)
    if not percent.any():
        return raw, shown
    for i, spec in enumerate(specs):
        is_pct = pd.Series(percent[:, i], index=raw.index)
        if spec.dtype in NUMBER_DTYPES and is_pct.any():
            raw[spec.name] = _as_percent_points(raw[spec.name], is_pct)
            as_seen = raw[spec.name][is_pct].map(_as_typed).astype(object) + "%"
            shown[spec.name] = shown[spec.name].where(~is_pct, as_seen)
    return raw, shown


@dataclass
class _Layout:
    """One data sheet found and cut to its contract columns, its numbers not parsed yet (the numbers
    of all sheets are parsed in one call). A missing sheet is a layout with only its problem."""

    sheet: str
    problems: list[dict[str, Any]]
    specs: tuple[contract.ColumnSpec, ...] = ()
    found: list[contract.ColumnSpec] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)
    raw: pd.DataFrame | None = None  # one column per found spec (canonical name), indexed by Excel row
    shown: pd.DataFrame | None = None  # the same cells as typed

    @property
    def numbers(self) -> list[contract.ColumnSpec]:
        return [s for s in self.found if s.dtype in NUMBER_DTYPES]


def _locate(ctx: _Ctx, data: WorkbookData, sheet: str, actual: str) -> _Layout:
    """Find a data sheet's header and contract columns and cut its non-blank rows; the problems met
    (bounds, missing columns, formulas without values) are kept on the layout, in order."""
    ctx = replace(ctx, problems=[])
    specs = contract.columns(data.kind, sheet, data.version)
    rows, marks = _rows(ctx, actual, percent=True)
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
    positions = [cols[s.header] for s in found]
    cells = _block(rows, header_row, len(header_values))
    excel_rows = np.arange(header_row + 1, header_row + 1 + len(cells), dtype="int64")
    has_formula = _formula_problems(ctx, sheet, cells, header_row, cols, marks.formulas)
    picked = cells[:, positions]
    keep = has_formula | ~_IS_BLANK(picked).astype(bool).all(axis=1)
    raw = pd.DataFrame(picked[keep], index=pd.Index(excel_rows[keep]), columns=[s.name for s in found])
    raw, shown = _shown(raw, _percent_flags(picked[keep], excel_rows[keep], positions, marks.percent), found)
    return _Layout(sheet=sheet, problems=ctx.problems, specs=specs, found=found, raw=raw, shown=shown,
                   letters={s.name: get_column_letter(cols[s.header] + 1) for s in found})


def _finish(ctx: _Ctx, data: WorkbookData, layout: _Layout,
            parsed: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
    """Report a located sheet's problems (values that cannot be read after those met locating it, as
    a sheet is read top to bottom) and store its frames; ``parsed``: its number columns, in order."""
    ctx.problems.extend(layout.problems)
    if layout.raw is None:
        return
    sheet, raw, index = layout.sheet, layout.raw, layout.raw.index
    numbers = {s.name: p for s, p in zip(layout.numbers, parsed)}
    converted = _convert(raw, layout.found, {name: np.where(non_finite, np.nan, values)
                                             for name, (values, _, non_finite) in numbers.items()})
    _cell_problems(ctx, layout, numbers, {s.name: converted[s.name] for s in layout.found if s.dtype == "date"})
    _text_problems(ctx, layout, converted)
    rows = index.to_numpy(dtype="int64")
    data.frames[sheet] = pd.DataFrame({"_row": rows} | {
        s.name: converted.get(s.name, np.full(len(rows), np.nan, dtype=object)) for s in layout.specs})
    data.typed[sheet] = pd.DataFrame({"_row": rows} | {
        s.name: layout.shown[s.name].to_numpy(dtype=object) if s in layout.found
        else np.full(len(rows), None, dtype=object) for s in layout.specs})
    data.columns[sheet] = layout.letters
    if raw.empty and sheet in SHEETS_REQUIRING_DATA and layout.found:
        ctx.problems.append(problem("sheet_empty", file=ctx.name, sheet=sheet))


def _read_data_sheets(ctx: _Ctx, data: WorkbookData, layouts: list[_Layout]) -> None:
    """Parse the numbers of every located sheet at once, then finish the sheets in order."""
    columns = [layout.raw[s.name].to_numpy(dtype=object) for layout in layouts for s in layout.numbers]
    parsed = iter(_parse_columns(columns))
    for layout in layouts:
        _finish(ctx, data, layout, [next(parsed) for _ in layout.numbers])


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


def _typed_identity(ctx: _Ctx, spec: contract.ColumnSpec, row: int | None, letter: str, value: Any,
                    number: Any) -> Any:
    """The typed value of one Identitas field (None when blank), reporting a value that cannot be typed.
    ``number``: the value as ``parse_numbers`` reads it (used for whole-number fields).

    Only typing happens here: whether a field is required, a known unit or a supported version is the
    identity schema's (``schemas.identity``), checked by the validator. A whole number outside
    ``contract.IDENTITY_BOUNDS`` is not typed (a month 13 would break every period computation downstream).
    """
    if is_blank(value):
        return None
    if spec.dtype == "int":
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
    limit = contract.text_limit(spec)
    if isinstance(text, str) and limit is not None and len(text) > limit:
        ctx.problems.append(_too_long(ctx, contract.IDENTITY_SHEET, spec, f"{letter}{row}" if row else None, row,
                                      text, _as_typed(value), limit))
        text = text[:limit]
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


def _read_identity(ctx: _Ctx, data: WorkbookData, actual: str) -> bool:
    """Fill ``data.identity``; False when the template version is unsupported (stop reading)."""
    rows, marks = _rows(ctx, actual, percent=False)
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
    formulas = marks.formulas
    fields = contract.identity_fields(data.kind, data.version if version_at else None)
    cells = {spec.name: labels.get(_norm(spec.header), (None, None)) for spec in fields}
    ints = [spec.name for spec in fields if spec.dtype == "int"]
    parsed = _parse_columns([np.array([cells[name][1]], dtype=object) for name in ints])
    numbers = {name: values[0] for name, (values, _, _) in zip(ints, parsed)}
    for spec in fields:
        row, value = cells[spec.name]
        if row is not None:
            data.identity_rows[spec.name] = row
            if (row, value_col + 1) in formulas and value is None:
                ctx.problems.append(problem("formula_without_value", file=ctx.name, sheet=contract.IDENTITY_SHEET,
                                            row=row, column=contract.IDENTITY_HEADERS[1], cell=f"{letter}{row}",
                                            value=formulas[(row, value_col + 1)]))
                continue
        data.identity_typed[spec.name] = _as_typed(value)
        data.identity[spec.name] = _typed_identity(ctx, spec, row, letter, value, numbers.get(spec.name))
    return True


# -- the whole workbook -----------------------------------------------------------------------------

def _sheet_names(book: CalamineWorkbook) -> dict[str, str]:
    """Normalised sheet name -> actual name (sheet names tolerate case and spaces)."""
    return {_norm(name): name for name in book.sheet_names}


def _name_collision(ctx: _Ctx) -> dict | None:
    """``sheet_name_duplicate`` for the first two sheets whose names are one once case and spaces are
    ignored (hidden or not: a hidden ``KINERJA `` after ``Kinerja`` would be read in its place)."""
    seen: dict[str, str] = {}
    for name in ctx.book.sheet_names:
        first = seen.get(_norm(name))
        if first is None:
            seen[_norm(name)] = name
            continue
        hidden = [m.name for m in ctx.book.sheets_metadata
                  if m.name in (first, name) and m.visible != SheetVisibleEnum.Visible]
        return problem("sheet_name_duplicate", file=ctx.name, first=first, second=name,
                       hidden="".join(f" (lembar '{h}' tersembunyi)" for h in hidden))
    return None


def _decide_kind(ctx: _Ctx, sheets: dict[str, str]) -> contract.WorkbookKind | None:
    """Kinerja -> bulanan, Indikator -> rencana; else the kind the file name states (its key sheet missing)."""
    for sheet, kind in KIND_SHEETS.items():
        if _norm(sheet) in sheets:
            return kind
    named = parse_file_name(ctx.name).kind
    if named is not None:
        return named
    ctx.problems.append(problem(
        "sheet_missing", file=ctx.name, wanted="'Indikator' (Rencana Tahunan) atau 'Kinerja' (Laporan Bulanan)",
        found=_listing(ctx.book.sheet_names)))
    return None


def _missing(ctx: _Ctx, sheet: str) -> _Layout:
    """The layout of a contract sheet the workbook lacks: only its ``sheet_missing`` problem."""
    return _Layout(sheet, [problem("sheet_missing", file=ctx.name, sheet=sheet, wanted=f"'{sheet}'",
                                   found=_listing(ctx.book.sheet_names))])


def _read_book(ctx: _Ctx, data: WorkbookData) -> None:
    """Identitas first (its template version decides the column map), then the data sheets in the
    contract's order: each located, the numbers of all parsed at once, then each finished. Nothing is
    read from a workbook whose sheet names collide (which of the two is meant cannot be known)."""
    collision = _name_collision(ctx)
    if collision is not None:
        ctx.problems.append(collision)
        return
    sheets = _sheet_names(ctx.book)
    data.kind = _decide_kind(ctx, sheets)
    if data.kind is None:
        return
    identity_sheet = sheets.get(_norm(contract.IDENTITY_SHEET))
    if identity_sheet is None:
        ctx.problems.append(problem("sheet_missing", file=ctx.name, sheet=contract.IDENTITY_SHEET,
                                    wanted=f"'{contract.IDENTITY_SHEET}'", found=_listing(ctx.book.sheet_names)))
        data.identity["template_version"] = contract.current_version()
    elif not _read_identity(ctx, data, identity_sheet):
        return
    layouts = [_locate(ctx, data, sheet, sheets[_norm(sheet)]) if _norm(sheet) in sheets else _missing(ctx, sheet)
               for sheet in contract.data_sheets(data.kind)]
    _read_data_sheets(ctx, data, layouts)


def _context(name: str, content: bytes, book: CalamineWorkbook, archive: zipfile.ZipFile,
             problems: list[dict]) -> _Ctx:
    """Where each sheet's XML is and which cell styles are percentages (small parts, read once)."""
    targets = _workbook_targets(archive)
    return _Ctx(name=name, content=content, book=book, archive=archive, parts=_sheet_parts(archive, targets),
                percent_styles=_percent_styles(archive, targets.get("styles")), problems=problems)


def _corrupt(data: WorkbookData, exc: BaseException) -> None:
    """Leave only ``file_corrupt`` in ``data``: what was read before the damaged part is not the
    workbook's content (calamine parses a sheet when it is asked for, so that may be Identitas).
    The steward reads which part is damaged, in Indonesian; the exception (calamine's, zipfile's or
    the XML parser's, in English) goes to the log."""
    data.kind = None
    for part in (data.identity, data.identity_rows, data.identity_typed, data.frames, data.typed, data.columns,
                 data.header_rows):
        part.clear()
    if isinstance(exc, _UnreadableSheet):
        detail = f"isi lembar '{exc.sheet}' tidak dapat dibaca"
    else:
        detail = "isi buku kerja tidak dapat dibaca"
    logger.warning("%s: workbook not readable (%s)", data.file_name, detail, exc_info=exc)
    data.problems[:] = [problem("file_corrupt", file=data.file_name, detail=detail)]


def _interrupt(exc: BaseException) -> bool:
    """An interrupt to pass on, not damage to report. Damage is any other exception, a Rust panic in
    calamine included: pyo3 raises those as ``PanicException``, a ``BaseException``."""
    return isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit))


def _read_content(data: WorkbookData, content: bytes, archive: zipfile.ZipFile) -> None:
    """Parse the checked bytes into ``data``; a damaged package becomes ``file_corrupt``."""
    try:
        book = _open_book(content)
    except BaseException as exc:  # calamine raises its own types (and zip/XML errors) for a damaged package
        if _interrupt(exc):
            raise
        _corrupt(data, exc)
        return
    try:
        _read_book(_context(data.file_name, content, book, archive, data.problems), data)
    except BaseException as exc:  # a damaged part found while reading: still the steward's file, not our bug
        if _interrupt(exc):
            raise
        _corrupt(data, exc)
    finally:
        book.close()


def read_workbook(path: Path | str, max_bytes: int | None = None, max_uncompressed: int | None = None,
                  content: bytes | None = None) -> WorkbookData:
    """Read a plan or monthly workbook; never raises for a bad file (problems say what is wrong).

    ``max_bytes`` rejects larger files unread; ``max_uncompressed`` bounds the zip's declared
    unpacked size in total (default ``MAX_UNCOMPRESSED``, or ``max_bytes`` if larger; each part is
    bounded by ``MAX_PART_UNCOMPRESSED`` too), checked before anything is parsed. ``content``:
    the file's bytes when the caller has read them already (to hash and parse the same bytes); the
    file at ``path`` is then not opened, ``path`` only names it in messages. Without ``content``
    the file is read once. ``sha256`` is the hash of those bytes (None when too large to read).
    """
    path = Path(path)
    data = WorkbookData(path=path)
    size = len(content) if content is not None else path.stat().st_size
    too_large = _size_problem(path.name, size, max_bytes)
    if too_large is not None:
        data.problems.append(too_large)
        return data
    if content is None:
        content = path.read_bytes()
    archive = _open_archive(path.name, content, max_bytes, max_uncompressed)
    if isinstance(archive, dict):
        data.problems.append(archive)
        if archive["rule_id"] != "file_too_large":
            data.sha256 = hashlib.sha256(content).hexdigest()
        return data
    data.sha256 = hashlib.sha256(content).hexdigest()
    with archive:
        _read_content(data, content, archive)
    return data

