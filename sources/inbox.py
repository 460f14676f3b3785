"""The inbox: one folder per unit (named by its Kode Satker) holding the workbooks it sent.

``scan_inbox`` lists what is there (one row per file) without opening any workbook; the kind and
period in the name are a convenience the validator checks against the workbook's ``Identitas``.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from schemas.naming import parse_file_name

_CHUNK = 1 << 20
INBOX_COLUMNS = ("unit_folder", "path", "file_name", "size_bytes", "sha256", "modified_at",
                 "name_kind", "name_year", "name_month")


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks (constant memory)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _ignored(path: Path) -> bool:
    """Hidden files (``.DS_Store``), Excel lock files (``~$x.xlsx``), files starting with ``_`` (the
    system's own, e.g. a demo manifest) and folders are not submissions."""
    return not path.is_file() or path.name.startswith((".", "~$", "_"))


def _file_row(unit_folder: str, path: Path) -> dict:
    stat = path.stat()
    parts = parse_file_name(path.name)
    return {
        "unit_folder": unit_folder,
        "path": path,
        "file_name": path.name,
        "size_bytes": stat.st_size,
        "sha256": sha256_file(path),
        "modified_at": datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc),
        "name_kind": parts.kind,
        "name_year": parts.year,
        "name_month": parts.month,
    }


def scan_inbox(inbox: Path) -> pd.DataFrame:
    """One row per submitted file under ``<inbox>/<KODE>/``, sorted by unit folder and file name.

    Columns: ``INBOX_COLUMNS``; ``name_kind`` is 'rencana' / 'bulanan' / None and ``name_year`` /
    ``name_month`` are nullable integers read from the file name. Files directly in the inbox root
    (outside any unit folder) are listed with ``unit_folder`` None.
    """
    inbox = Path(inbox)
    rows = []
    if inbox.is_dir():
        for entry in sorted(inbox.iterdir()):
            if entry.is_dir() and not entry.name.startswith("."):
                rows += [_file_row(entry.name, p) for p in sorted(entry.iterdir()) if not _ignored(p)]
            elif not _ignored(entry):
                rows.append(_file_row(None, entry))
    frame = pd.DataFrame(rows, columns=list(INBOX_COLUMNS))
    return frame.astype({"size_bytes": "int64", "name_year": "Int64", "name_month": "Int64"})
