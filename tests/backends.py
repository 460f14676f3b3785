"""The warehouse backends every database test runs on (``pytest.param`` ids ``sqlite`` and ``postgresql``;
the PostgreSQL one is marked ``postgres``). A module of its own: test files and conftests import it by
name, where ``conftest`` would be whichever conftest module was imported last."""
import pytest

BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]
