"""The data dictionary documents every table, view and column, and the committed copy is current."""
from __future__ import annotations

from pathlib import Path

from sinks.warehouse import dictionary, views
from sinks.warehouse import schema as s


def test_every_table_view_and_column_is_described() -> None:
    assert dictionary.missing_descriptions() == []


def test_every_view_column_has_a_meaning_and_a_unit() -> None:
    for name, columns in views.VIEW_COLUMNS.items():
        for column in columns:
            meaning, unit = dictionary.describe(name, column)
            assert meaning.strip() and unit.strip(), (name, column)


def test_view_definitions_select_the_documented_columns() -> None:
    assert list(views.VIEWS) == list(views.VIEW_COLUMNS)
    for name, build in views.VIEWS.items():
        assert tuple(c.name for c in build().selected_columns) == views.VIEW_COLUMNS[name], name


def test_every_table_states_its_grain() -> None:
    for table in s.metadata.sorted_tables:
        assert table.comment and table.comment.startswith("One row per"), table.name


def test_write_data_dictionary(tmp_path: Path) -> None:
    path = dictionary.write_data_dictionary(tmp_path / "dd.md")
    text = path.read_text(encoding="utf-8")
    for name in [*views.VIEWS, *s.metadata.tables]:
        assert f"### `{name}`" in text
    assert "**undocumented**" not in text


def test_the_committed_data_dictionary_is_up_to_date() -> None:
    committed = dictionary.DEFAULT_PATH.read_text(encoding="utf-8")
    assert committed == dictionary.render(), "run: python -m sinks.warehouse.dictionary"
