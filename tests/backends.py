"""The warehouse backends every database test runs on (``pytest.param`` ids ``sqlite`` and ``postgresql``;
the PostgreSQL one is marked ``postgres``), and the one way tests copy a SQLite warehouse. A module of its
own: test files and conftests import it by name, where ``conftest`` would be whichever conftest module was
imported last."""
import sqlite3
from pathlib import Path

import pytest

BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


def copy_sqlite(source: Path | str, target: Path | str) -> None:
    """A consistent copy of a SQLite warehouse, whatever its write-ahead log holds (SQLite's backup API,
    not a file copy: a connection still open elsewhere may keep committed pages in the -wal file)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()
