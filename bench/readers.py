"""Benchmark: reading each workbook of an inbox with each reader, per file, in milliseconds.

    python -m bench.readers --inbox data/inbox                 # every workbook of the inbox
    python -m bench.readers --inbox data/inbox --limit 20      # the first 20 (sorted by path)
    python -m bench.readers --inbox data/inbox --repeat 5      # best of 5 runs per file and reader

Columns (each reader gets the file's bytes already in memory, so disk time is left out of all):
- ``calamine``: python-calamine, the values of every sheet (what ``read_workbook`` reads values with);
- ``fastexcel``: fastexcel (when installed; not a project dependency), every sheet loaded (parsed and
  its column types guessed). Its values reach Python only through Arrow (pyarrow or polars); without
  either installed the figure is the parse;
- ``openpyxl``: openpyxl read-only, the values of every sheet;
- ``openpyxl+fmt``: what the openpyxl reader did before calamine: the contract sheets' cells with
  their number formats (the percent check), plus a formula pass when the workbook has formulas;
- ``read_workbook``: the whole reader (``sources.workbook``): values, XML marks, bounds, conversion
  to canonical frames.
Figures, not assertions: nothing here fails because something is slow. The raw readers are run on
every sheet without the bounds ``read_workbook`` applies, so run it on the demo inbox or files you trust.
"""
from __future__ import annotations

import argparse
import importlib.util
import io
import statistics
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from bench.measure import machine
from schemas import contract
from sources.workbook import read_workbook

try:  # measured for comparison only: not a project dependency (requirements.lock pins python-calamine)
    import fastexcel
except ImportError:
    fastexcel = None

Reader = Callable[[Path, bytes], object]
_FORMULA = b"<f"


def calamine_values(path: Path, content: bytes) -> int:
    """Every sheet's values through python-calamine; the number of rows read."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    try:
        return sum(len(book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names)
    finally:
        book.close()


def fastexcel_values(path: Path, content: bytes) -> int:
    """Every sheet loaded by fastexcel (no header row); exported to Arrow when pyarrow is installed."""
    reader = fastexcel.read_excel(content)
    sheets = [reader.load_sheet(name, header_row=None) for name in reader.sheet_names]
    if importlib.util.find_spec("pyarrow") is not None:
        return sum(sheet.to_arrow().num_rows for sheet in sheets)
    return sum(sheet.height for sheet in sheets)


def openpyxl_values(path: Path, content: bytes) -> int:
    """Every sheet's values through openpyxl read-only."""
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return sum(sum(1 for _ in book[name].iter_rows(values_only=True)) for name in book.sheetnames)
    finally:
        book.close()


def openpyxl_cells_and_formats(path: Path, content: bytes) -> int:
    """The openpyxl reading of the reader before calamine: contract sheets' cells with number formats
    (64 columns, up to 20,001 rows), and a second, formula pass when any sheet holds a formula."""
    wanted = {name.casefold() for names in contract.SHEETS.values() for name in names}
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheets = [name for name in book.sheetnames if name.strip().casefold() in wanted]
        cells = sum(1 for name in sheets for row in book[name].iter_rows(max_col=64, max_row=20_001)
                    for cell in row if "%" in (getattr(cell, "number_format", None) or "") or cell.value)
    finally:
        book.close()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = [info for info in archive.infolist() if info.filename.startswith("xl/worksheets/")]
        formulas = any(_FORMULA in archive.read(info) for info in parts)
    if formulas:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        try:
            cells += sum(1 for name in sheets
                         for _ in book[name].iter_rows(max_col=64, max_row=20_001, values_only=True))
        finally:
            book.close()
    return cells


def whole_reader(path: Path, content: bytes) -> object:
    """``sources.workbook.read_workbook`` on the bytes already read."""
    return read_workbook(path, content=content)


READERS: dict[str, Reader] = {
    "calamine": calamine_values,
    **({"fastexcel": fastexcel_values} if fastexcel is not None else {}),
    "openpyxl": openpyxl_values,
    "openpyxl+fmt": openpyxl_cells_and_formats,
    "read_workbook": whole_reader,
}


def best_ms(reader: Reader, path: Path, content: bytes, repeat: int) -> float:
    """The fastest of ``repeat`` runs, in milliseconds (the least disturbed by other processes)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        reader(path, content)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def workbooks(inbox: Path, limit: int | None) -> list[Path]:
    """The inbox's workbooks, sorted; hidden, lock and system files (``_manifest``) left out."""
    paths = sorted(p for p in inbox.rglob("*.xlsx") if not p.name.startswith((".", "~$", "_")))
    return paths[:limit] if limit else paths


def run(paths: list[Path], repeat: int) -> dict[str, list[float]]:
    """Per reader, the milliseconds of each file, printed as a table row per file."""
    print(f"{'file':<36}{'KB':>6}" + "".join(f"{name:>15}" for name in READERS))
    for reader in READERS.values():  # warm imports and caches before timing
        reader(paths[0], paths[0].read_bytes())
    figures: dict[str, list[float]] = {name: [] for name in READERS}
    for path in paths:
        content = path.read_bytes()
        row = {name: best_ms(reader, path, content, repeat) for name, reader in READERS.items()}
        for name, ms in row.items():
            figures[name].append(ms)
        print(f"{path.parent.name + '/' + path.name:<36.36}{len(content) / 1024:>6.0f}"
              + "".join(f"{ms:>15.2f}" for ms in row.values()))
    return figures


def summary(figures: dict[str, list[float]]) -> None:
    """Median, mean and total per reader, and each reader's median against ``read_workbook``'s."""
    reference = statistics.median(figures["read_workbook"])
    print(f"\n{'reader':<16}{'median ms':>12}{'mean ms':>12}{'total s':>10}{'vs read_workbook':>18}")
    for name, values in figures.items():
        median = statistics.median(values)
        print(f"{name:<16}{median:>12.2f}{statistics.fmean(values):>12.2f}{sum(values) / 1000:>10.2f}"
              f"{median / reference:>17.2f}x")
    if fastexcel is None:
        print("fastexcel: not installed, not measured")
    elif importlib.util.find_spec("pyarrow") is None:
        print("fastexcel: parse only (its values need pyarrow or polars, not installed)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inbox", type=Path, required=True, help="folder of workbooks (searched recursively)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N workbooks")
    parser.add_argument("--repeat", type=int, default=3, help="runs per file and reader; the best is printed")
    args = parser.parse_args()
    paths = workbooks(args.inbox, args.limit)
    if not paths:
        raise SystemExit(f"no workbook under {args.inbox}")
    print(f"{len(paths)} workbooks, best of {args.repeat} runs, {machine()}")
    summary(run(paths, args.repeat))


if __name__ == "__main__":
    main()
