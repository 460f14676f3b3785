"""The inbox: one folder per unit (named by its Kode Satker) holding the workbooks it sent.

``scan_inbox`` lists what is there (one row per file) without opening or reading any file; the kind
and period in the name are a convenience the validator checks against the workbook's ``Identitas``.
``with_content`` reads the bytes of the files a run selected, once: the same bytes are hashed,
parsed, archived (a file still being written is never hashed in one state and parsed in another).
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from schemas.naming import parse_file_name

_CHUNK = 1 << 20
INBOX_COLUMNS = ("unit_folder", "path", "file_name", "size_bytes", "modified_at", "name_kind", "name_year",
                 "name_month", "outside_link")


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks (constant memory)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _ignored(path: Path) -> bool:
    """Hidden files (``.DS_Store``), Excel lock files (``~$x.xlsx``) and files starting with ``_`` (the
    system's own, e.g. a demo manifest) are not submissions."""
    return path.name.startswith((".", "~$", "_"))


def _outside(path: Path, inbox: Path) -> bool:
    """True for a link (to a file or a folder) that leads out of the inbox: it is never followed."""
    return path.is_symlink() and not path.resolve().is_relative_to(inbox)


def _file_row(unit_folder: str | None, path: Path, inbox: Path) -> dict:
    outside = _outside(path, inbox)
    stat = path.lstat() if outside else path.stat()
    parts = parse_file_name(path.name)
    return {
        "unit_folder": unit_folder,
        "path": path,
        "file_name": path.name,
        "size_bytes": 0 if outside else stat.st_size,
        "modified_at": datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc),
        "name_kind": parts.kind,
        "name_year": parts.year,
        "name_month": parts.month,
        "outside_link": outside,
    }


def _submissions(folder: Path, inbox: Path) -> list[Path]:
    """The files of a unit folder, a link out of the inbox listed as itself (never followed)."""
    return [p for p in sorted(folder.iterdir()) if not _ignored(p) and (_outside(p, inbox) or p.is_file())]


def scan_inbox(inbox: Path) -> pd.DataFrame:
    """One row per submitted file under ``<inbox>/<KODE>/``, sorted by unit folder and file name.

    Columns: ``INBOX_COLUMNS``; ``name_kind`` is 'rencana' / 'bulanan' / None and ``name_year`` /
    ``name_month`` are nullable integers read from the file name. Files directly in the inbox root
    (outside any unit folder) are listed with ``unit_folder`` None; a link that leads out of the inbox
    (a file, or a whole unit folder) is listed with ``outside_link`` and never followed: the run
    refuses it. Nothing is read.
    """
    inbox = Path(inbox).resolve()
    rows = []
    if inbox.is_dir():
        for entry in sorted(inbox.iterdir()):
            if _ignored(entry):
                continue
            if _outside(entry, inbox):
                rows.append(_file_row(entry.name if entry.is_dir() else None, entry, inbox))
            elif entry.is_dir():
                rows += [_file_row(entry.name, p, inbox) for p in _submissions(entry, inbox)]
            elif entry.is_file():
                rows.append(_file_row(None, entry, inbox))
    frame = pd.DataFrame(rows, columns=list(INBOX_COLUMNS))
    return frame.astype({"size_bytes": "int64", "name_year": "Int64", "name_month": "Int64", "outside_link": bool})


def _read(path: Path, outside_link: bool) -> bytes:
    """The file's bytes; a link out of the inbox is not followed: it is known by its path alone."""
    return f"link:{path}".encode() if outside_link else Path(path).read_bytes()


def with_content(files: pd.DataFrame) -> pd.DataFrame:
    """The listing with each file's bytes (``content``), their ``sha256`` and ``size_bytes`` as read.

    Files that already carry ``content`` are not read again. A link out of the inbox is never read:
    its ``content`` is its path (so the run can record and refuse it once)."""
    if files.empty:
        return files.assign(content=pd.Series(dtype=object), sha256=pd.Series(dtype=object))
    have = files["content"] if "content" in files.columns else pd.Series(None, index=files.index, dtype=object)
    links = files["outside_link"] if "outside_link" in files.columns else pd.Series(False, index=files.index)
    content = [c if isinstance(c, bytes) else _read(p, bool(link)) for c, p, link in zip(have, files["path"], links)]
    return files.assign(content=content, sha256=[hashlib.sha256(c).hexdigest() for c in content],
                        size_bytes=[len(c) for c in content])
