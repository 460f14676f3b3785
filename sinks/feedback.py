"""What a steward gets back: their own workbook with the problems marked, plus JSON and a table.

``write_feedback_workbook`` copies the steward's workbook (their values and formulas kept), fills each
offending cell (errors red, warnings yellow) with a comment holding the message and what was
expected, and puts a ``Daftar Masalah`` sheet first: the verdict, the file name and one row per
problem with a link to its cell. A file that cannot be opened gets a fresh workbook with only that
list. A file without any problem gets only the list too, saying there is nothing to fix: every file
gets an answer, and the answer for a clean file (most of them) is a pre-built workbook with its name
filled in, not a load and save of the steward's whole book. ``feedback_json`` and
``problems_table_rows`` / ``problems_table_markdown`` give the same problems to machines and to a
Prefect artifact.

Outliers against the unit's own history (``flows.outliers``) are worded here: :func:`outlier_problems`
turns flagged values into ``outlier`` warnings quoting the history that makes them suspicious
("bulan lalu 12, ..., sekarang 120"); a value marked as checked (``sakip follow-up``) with the same
value becomes a note instead (:func:`checked_notes`: "sudah diperiksa oleh ...: alasan"), shown at its
cell (green) and under the list, counted as neither error nor warning.

Every text written into the list (values the steward typed, messages quoting them, the file name) is
stored as text through ``sinks.xlsx_text``: a value like ``=HYPERLINK(...)`` comes back as typed, never
as a live formula.
"""
from __future__ import annotations

import re
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from schemas import contract
from schemas.messages import fmt_number, fmt_rupiah, problem
from sinks.xlsx_text import set_text

if TYPE_CHECKING:
    from schemas.validate import ValidationResult
    from sources.workbook import WorkbookData

ERROR_COLOUR = "FFC7CE"
WARNING_COLOUR = "FFEB9C"
CHECKED_COLOUR = "C6EFCE"
#: Severity of a note on a value marked as checked (not a problem: never in the problems frame).
CHECKED = "checked"
FILLS = {"error": PatternFill("solid", fgColor=ERROR_COLOUR), "warning": PatternFill("solid", fgColor=WARNING_COLOUR),
         CHECKED: PatternFill("solid", fgColor=CHECKED_COLOUR)}
SEVERITY_LABEL = {"error": "Kesalahan", "warning": "Peringatan", CHECKED: "Sudah diperiksa"}
MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
               "November", "Desember")
#: What a flagged value is, by source and column (its item code follows).
OUTLIER_WHAT = {("indicator", "realisasi"): "Realisasi indikator", ("budget", "spent_month_rp"): "Realisasi bulan ini RO",
                ("sampling", "sampled"): "Jumlah sampel", ("sampling", "tested"): "Sampel diuji",
                ("inspection", "inspected"): "Sarana diperiksa"}
ROLE_LABEL = {"steward": "pengelola data unit", "centre": "Pusat"}
CHECKED_EXPECTED = "tidak perlu tindakan: nilai ini sudah diperiksa dan dinyatakan benar"
VERDICT_LABEL = {"accepted": "Diterima", "accepted_with_warnings": "Diterima dengan peringatan",
                 "rejected": "Ditolak"}
LIST_HEADERS = ("No", "Tingkat", "Lembar", "Baris", "Kolom", "Sel", "Nilai", "Masalah", "Yang Diharapkan")
LIST_WIDTHS = (5, 12, 14, 7, 22, 7, 18, 90, 60)
#: Row of the list's header in ``Daftar Masalah`` (title lines above it).
LIST_HEADER_ROW = 5
COMMENT_AUTHOR = "Pemeriksa SAKIP"
#: Reading-fatal rules: the reader refused to open the file (too large, a zip bomb, not xlsx, encrypted,
#: corrupt, macros inside), or the run refused to read it (a link out of the inbox, a file outside any unit folder), so
#: the feedback must not open it either: its workbook holds only ``Daftar Masalah``.
UNREADABLE_RULES = frozenset({"file_too_large", "file_not_xlsx", "file_corrupt", "file_encrypted", "file_macro",
                              "file_is_link", "file_outside_unit_folder"})
#: What the summary says after the counts: what to do, or that there is nothing to do.
ADVICE_PROBLEMS = "Kesalahan harus diperbaiki sebelum berkas diterima; peringatan perlu diperiksa."
ADVICE_CLEAN = "Tidak ada yang perlu diperbaiki."
#: Stands for the file name in the pre-built list of a clean file (braces: no file name of ours has them
#: next to this word, and they need no XML escaping).
NAME_SLOT = "{{nama-berkas}}"
#: The file-name line of the pre-built list as openpyxl writes it (an inline string).
_NAME_LINE = re.compile(rb"<t(?: [^>]*)?>Berkas: " + re.escape(NAME_SLOT.encode()) + rb"</t>")


def _open_copy(source: Path, content: bytes | None = None) -> Workbook | None:
    """The steward's workbook as an editable openpyxl book (from ``content`` when given, so the file
    is not read again), or None when it cannot be opened."""
    try:
        return load_workbook(BytesIO(content) if content is not None else source)
    except Exception:  # not xlsx, corrupt, encrypted: the list alone goes back
        return None


def _sheet_lookup(book: Workbook) -> dict[str, Worksheet]:
    return {" ".join(ws.title.split()).casefold(): ws for ws in book.worksheets}


def _clear_marks(book: Workbook) -> None:
    """Remove an earlier feedback from a re-sent copy: the list sheet and our fills and comments."""
    for ws in list(book.worksheets):
        if ws.title == contract.PROBLEMS_SHEET:
            book.remove(ws)
    ours = {f"00{c}" for c in (ERROR_COLOUR, WARNING_COLOUR, CHECKED_COLOUR)} | {ERROR_COLOUR, WARNING_COLOUR,
                                                                                  CHECKED_COLOUR}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.fill is not None and cell.fill.fgColor is not None and cell.fill.fgColor.rgb in ours:
                    cell.fill = PatternFill()
                if cell.comment is not None and cell.comment.author == COMMENT_AUTHOR:
                    cell.comment = None


def _cell_notes(problems: pd.DataFrame) -> pd.DataFrame:
    """One row per marked cell: its sheet, address, worst severity and the comment text."""
    at_cells = problems[problems["cell"].notna() & problems["sheet"].notna()]
    if at_cells.empty:
        return pd.DataFrame(columns=["sheet", "cell", "severity", "text"])
    text = ("[" + at_cells["severity"].map(SEVERITY_LABEL) + "] " + at_cells["message"]
            + "\nYang diharapkan: " + at_cells["expected"])
    rank = at_cells["severity"].map({"error": 2, "warning": 1, CHECKED: 0})
    notes = at_cells.assign(text=text, worst=rank)
    return notes.groupby(["sheet", "cell"], as_index=False, sort=False).agg(
        worst=("worst", "max"), text=("text", "\n\n".join)
    ).assign(severity=lambda d: d["worst"].map({2: "error", 1: "warning", 0: CHECKED}))


def _mark_cells(book: Workbook, problems: pd.DataFrame) -> None:
    """Fill and comment every cell a problem points at."""
    sheets = _sheet_lookup(book)
    for note in _cell_notes(problems).itertuples(index=False):
        ws = sheets.get(" ".join(str(note.sheet).split()).casefold())
        if ws is None:
            continue
        cell = ws[note.cell]
        cell.fill = FILLS[note.severity]
        comment = Comment(note.text, COMMENT_AUTHOR)
        comment.width, comment.height = 420, min(600, 90 + 18 * note.text.count("\n") + len(note.text) // 3)
        cell.comment = comment


def _summary(verdict: str, n_errors: int, n_warnings: int, file_name: str) -> list[str]:
    """The lines above the list: verdict, file, counts and what to do about them."""
    advice = ADVICE_PROBLEMS if n_errors or n_warnings else ADVICE_CLEAN
    return [
        f"Hasil pemeriksaan: {VERDICT_LABEL[verdict]}",
        f"Berkas: {file_name}",
        f"{n_errors} kesalahan, {n_warnings} peringatan. {advice}",
    ]


def _list_value(value: Any) -> Any:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _list_sheet(book: Workbook, summary: list[str]) -> Worksheet:
    """An empty ``Daftar Masalah`` (summary lines and the list's header), first in the book and active."""
    ws = book.create_sheet(contract.PROBLEMS_SHEET, 0)
    for i, line in enumerate(summary, start=1):
        set_text(ws.cell(i, 1), line).font = Font(bold=i == 1, size=13 if i == 1 else 11)
    for j, (header, width) in enumerate(zip(LIST_HEADERS, LIST_WIDTHS), start=1):
        set_text(ws.cell(LIST_HEADER_ROW, j), header).font = Font(bold=True)
        ws.column_dimensions[ws.cell(LIST_HEADER_ROW, j).column_letter].width = width
    ws.freeze_panes = ws.cell(LIST_HEADER_ROW + 1, 1)
    book.active = 0
    return ws


def _write_list(book: Workbook, result: ValidationResult, file_name: str,
                checked: list[dict] | None = None) -> Worksheet:
    """The ``Daftar Masalah`` sheet with one row per problem, then one per value marked as checked; every
    text (the value the steward typed, messages quoting it) is stored as text, so a typed formula is
    shown, never evaluated."""
    ws = _list_sheet(book, _summary(result.verdict, result.n_errors, result.n_warnings, file_name))
    sheets = {s.title for s in book.worksheets}
    for i, p in enumerate(result.problems.to_dict("records") + list(checked or []), start=1):
        r = LIST_HEADER_ROW + i
        values = (i, SEVERITY_LABEL[p["severity"]], p["sheet"], p["row"], p["column"], p["cell"], p["value"],
                  p["message"], p["expected"])
        for j, value in enumerate(values, start=1):
            cell = set_text(ws.cell(r, j), _list_value(value))
            cell.alignment = Alignment(wrap_text=j >= 8, vertical="top")
        ws.cell(r, 2).fill = FILLS[p["severity"]]
        target = _link_target(p, sheets)
        if target:
            link = ws.cell(r, 6 if _list_value(p["cell"]) else 3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=target)
            link.font = Font(color="0563C1", underline="single")
    return ws


def _link_target(p: dict, sheets: set[str]) -> str | None:
    sheet = _list_value(p["sheet"])
    if sheet is None or sheet not in sheets:
        return None
    return f"'{sheet}'!{_list_value(p['cell']) or 'A1'}"


def _is_clean(result: ValidationResult, checked: list[dict] | None = None) -> bool:
    """Accepted without a single problem nor checked note: the list alone answers, nothing to mark."""
    return result.verdict == "accepted" and result.problems.empty and not checked


@lru_cache(maxsize=1)
def _clean_list_parts() -> tuple[tuple[tuple[str, tuple[int, ...], int, bytes], ...], str]:
    """The list-only workbook of a clean file, built once per process by the same code as every list
    (so the layouts cannot drift), with ``NAME_SLOT`` for the file name: its zip entries as (name,
    time, attributes, bytes) and the name of the part holding the slot. Plain immutable values, not
    ``ZipInfo`` objects (writing one mutates it), so threads writing feedback at once share it safely."""
    book = Workbook()
    book.remove(book.active)
    _list_sheet(book, _summary("accepted", 0, 0, NAME_SLOT))
    built = BytesIO()
    book.save(built)
    with ZipFile(built) as package:
        entries = tuple((i.filename, i.date_time, i.external_attr, package.read(i)) for i in package.infolist())
    holding = [name for name, _, _, data in entries if len(_NAME_LINE.findall(data)) == 1]
    if len(holding) != 1:  # openpyxl changed how it writes an inline string: fail loudly, in tests first
        raise RuntimeError("the pre-built clean list has no single file-name line to fill in")
    return entries, holding[0]


def _write_clean_list(file_name: str, out: Path) -> Path:
    """Write the pre-built list of a clean file with its name filled in (about a millisecond, against
    tens for a load and save of the steward's workbook). The name is XML-escaped and kept verbatim
    (``xml:space="preserve"`` keeps its edge spaces)."""
    entries, part = _clean_list_parts()
    line = f'<t xml:space="preserve">{escape("Berkas: " + file_name)}</t>'.encode()
    with ZipFile(out, "w", ZIP_DEFLATED) as target:
        for name, date_time, attributes, data in entries:
            info = ZipInfo(name, date_time)
            info.compress_type, info.external_attr = ZIP_DEFLATED, attributes
            target.writestr(info, _NAME_LINE.sub(lambda _: line, data) if name == part else data)
    return out


def write_feedback_workbook(source: Path, result: ValidationResult, out: Path,
                            data: WorkbookData | None = None, content: bytes | None = None,
                            checked: list[dict] | None = None) -> Path:
    """Write the steward's feedback workbook to ``out`` and return it.

    ``data`` (optional) is the reader's result, used only for its file name when the result has none.
    ``content`` (optional) is the file's bytes as the pipeline read them: the copy is opened from them
    and ``source`` only names the file (it is not read again). A file without any problem gets the
    list alone, saying there is nothing to fix (cheap: nothing is opened). A file the reader refused
    (``UNREADABLE_RULES``) is not opened either: the bounds that protected the reader protect this
    step too, and the workbook holds only the list. ``checked`` are the notes of values marked as
    checked (:func:`checked_notes`): marked green at their cell and listed after the problems.
    """
    file_name = result.file_name or (data.file_name if data is not None else Path(source).name)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # a name holding characters a workbook cannot store takes openpyxl's path, which refuses it as before
    if _is_clean(result, checked) and not ILLEGAL_CHARACTERS_RE.search(file_name):
        return _write_clean_list(file_name, out)
    unreadable = result.problems["rule_id"].isin(UNREADABLE_RULES).any()
    book = None if unreadable else _open_copy(Path(source), content)
    if book is None:
        book = Workbook()
        book.remove(book.active)
    else:
        for ws in book.worksheets:  # the copy is for reading: selections of several sheets confuse Excel
            ws.sheet_view.tabSelected = False
        _clear_marks(book)
        _mark_cells(book, pd.concat([result.problems, pd.DataFrame(checked or [], columns=result.problems.columns)],
                                    ignore_index=True))
    _write_list(book, result, file_name, checked)
    book.save(out)
    return out


def _records(result: ValidationResult) -> list[dict[str, Any]]:
    frame = result.problems.astype(object).where(result.problems.notna(), None)
    records = frame.to_dict("records")
    return [{k: (int(v) if k == "row" and v is not None else v) for k, v in r.items()} for r in records]


def feedback_json(result: ValidationResult, file_name: str | None = None,
                  checked: list[dict] | None = None) -> dict[str, Any]:
    """Machine-readable feedback: file name, verdict, counts per severity, every problem and every value
    marked as checked (``checked``: notes, not problems)."""
    return {
        "file_name": file_name or result.file_name,
        "verdict": result.verdict,
        "counts": {"error": result.n_errors, "warning": result.n_warnings},
        "problems": _records(result),
        "checked": [dict(note) for note in checked or []],
    }


def problems_table_rows(result: ValidationResult) -> list[dict[str, Any]]:
    """One dict per problem with the list's Indonesian headers (for ``create_table_artifact``)."""
    return table_rows(_records(result))


def table_rows(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Problem records (as in ``feedback_json``) as dicts with the list's Indonesian headers."""
    return [dict(zip(LIST_HEADERS, (i, SEVERITY_LABEL[p["severity"]], p["sheet"], p["row"], p["column"], p["cell"],
                                    p["value"], p["message"], p["expected"])))
            for i, p in enumerate(problems, start=1)]


def problems_table_markdown(result: ValidationResult) -> str:
    """The problems as a Markdown table (for a Prefect markdown artifact)."""
    head = f"**{result.file_name}: {VERDICT_LABEL[result.verdict]}** ({result.n_errors} kesalahan, " \
           f"{result.n_warnings} peringatan)\n\n"
    lines = ["| " + " | ".join(LIST_HEADERS) + " |", "|" + "---|" * len(LIST_HEADERS)]
    for row in problems_table_rows(result):
        cells = ["" if v is None else str(v).replace("|", "\\|").replace("\n", " ") for v in row.values()]
        lines.append("| " + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------- outliers

def _shown(value: float, source: str, column: str) -> str:
    return fmt_rupiah(value) if column.endswith("_rp") else fmt_number(value)


def _range(low: float, high: float, source: str, column: str) -> str:
    if pd.isna(low):
        return ""
    a, b = _shown(low, source, column), _shown(high, source, column)
    return a if a == b else f"{a}–{b}"


def outlier_history_text(flag: dict) -> str:
    """The history that makes a flagged value suspicious, as the steward reads it: last month, this year's
    earlier months, the same month of earlier years, then now (a cumulative indicator by its increase)."""
    source, column, month = flag["source"], flag["column"], int(flag["month"])
    increase = flag["kind"] == "increment"
    verb = "naik " if increase else ""
    parts = []
    if pd.notna(flag.get("previous")):
        parts.append(f"bulan lalu {verb}{_shown(flag['previous'], source, column)}")
    this_year = _range(flag.get("year_min"), flag.get("year_max"), source, column)
    if this_year and month > 2:
        parts.append(f"{MONTH_NAMES[0]}–{MONTH_NAMES[month - 2]} {verb}{this_year}")
    past = _range(flag.get("past_min"), flag.get("past_max"), source, column)
    if past:
        years = int(flag.get("past_years") or 0)
        when = "tahun lalu" if years <= 1 else f"{years} tahun terakhir"
        parts.append(f"{MONTH_NAMES[month - 1]} {when} {verb}{past}")
    now = f"sekarang {verb}{_shown(flag['measure'], source, column)}"
    if increase:
        now += f" (s.d. bulan ini {_shown(flag['value'], source, column)})"
    return ", ".join([*parts, now])


def _outlier_what(flag: dict) -> str:
    what = OUTLIER_WHAT.get((flag["source"], flag["column"]), flag["column"])
    item = str(flag["item_code"]).replace("/", " ")
    prefix = "Kenaikan bulan ini " + what[0].lower() + what[1:] if flag["kind"] == "increment" else what
    return f"{prefix} {item}"


def _outlier_headers(data: WorkbookData | None, sheet: str) -> dict[str, str]:
    if data is None or data.kind is None:
        return {}
    return {spec.name: spec.header for spec in contract.columns(data.kind, sheet, data.version)}


def outlier_problems(flags: pd.DataFrame, data: WorkbookData | None, file_name: str) -> list[dict]:
    """One ``outlier`` warning per flagged value (``flows.outliers``), at its cell, quoting its history."""
    out = []
    for flag in flags.to_dict("records"):  # a handful of flagged values per file
        row = None if pd.isna(flag.get("row")) else int(flag["row"])
        out.append(problem(
            "outlier", file=file_name, sheet=flag["sheet"], row=row,
            column=_outlier_headers(data, flag["sheet"]).get(flag["column"], flag["column"]),
            cell=flag.get("cell"), value=_shown(flag["value"], flag["source"], flag["column"]),
            what=_outlier_what(flag), direction="di atas" if flag["direction"] == "high" else "di bawah",
            history=outlier_history_text(flag)))
    return out


def checked_notes(flags: pd.DataFrame, data: WorkbookData | None, file_name: str) -> list[dict]:
    """The notes of flagged values marked as checked with the same value: the outlier's message followed by
    who checked it, when and why ("Sudah diperiksa oleh ...: alasan"); severity ``CHECKED``."""
    notes = []
    for note, flag in zip(outlier_problems(flags, data, file_name), flags.to_dict("records")):
        when = pd.Timestamp(flag["checked_at"]).strftime("%d/%m/%Y")
        who = f"{flag['checked_by']} ({ROLE_LABEL.get(flag['checked_role'], flag['checked_role'])}, {when})"
        notes.append({**note, "rule_id": "outlier", "severity": CHECKED,
                      "message": f"{note['message']} Sudah diperiksa oleh {who}: {flag['reason']}",
                      "expected": CHECKED_EXPECTED})
    return notes
