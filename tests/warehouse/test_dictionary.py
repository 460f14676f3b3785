"""The data dictionary documents every table, view and column, and the committed docs are current."""
from __future__ import annotations

from pathlib import Path

import pytest

from sinks.warehouse import dictionary, views
from sinks.warehouse import schema as s


def test_every_table_view_and_column_is_described() -> None:
    assert dictionary.missing_descriptions() == []


def test_every_view_column_has_a_meaning_and_a_unit() -> None:
    for view in views.VIEWS.values():
        for column in view.columns:
            meaning, unit = dictionary.describe(view.name, column)
            assert meaning.strip() and unit.strip(), (view.name, column)


def test_view_definitions_select_the_declared_columns() -> None:
    for view in views.VIEWS.values():
        assert tuple(c.name for c in view.build().selected_columns) == view.columns, view.name


def test_every_view_is_registered_under_its_name_and_states_its_grain() -> None:
    for name, view in views.VIEWS.items():
        assert name == view.name and name.startswith("v_"), name
        assert view.grain.startswith("One row per") and "\n" not in view.grain, name
    assert dict(views.VIEW_COLUMNS) == {name: view.columns for name, view in views.VIEWS.items()}


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


def test_the_views_table_of_the_architecture_page_is_up_to_date() -> None:
    committed = dictionary.ARCHITECTURE_PATH.read_text(encoding="utf-8")
    assert committed == dictionary.with_views_table(committed), "run: python -m sinks.warehouse.dictionary"
    between = committed.split(dictionary.VIEWS_BEGIN)[1].split(dictionary.VIEWS_END)[0]
    listed = [line.split("`")[1] for line in between.splitlines() if line.startswith("| [`")]
    assert listed == list(views.VIEWS)


def test_the_views_table_is_rendered_between_the_markers_only() -> None:
    page = f"# Title\n\nBefore.\n{dictionary.VIEWS_BEGIN}\n| stale | table |\n{dictionary.VIEWS_END}\nAfter.\n"
    rendered = dictionary.with_views_table(page)
    before, rest = rendered.split(dictionary.VIEWS_BEGIN)
    table, after = rest.split(dictionary.VIEWS_END)
    assert (before, after) == ("# Title\n\nBefore.\n", "\nAfter.\n")
    assert "stale" not in table and "| [`v_score`](data-dictionary.md#v_score) | One row per" in table
    assert dictionary.with_views_table(rendered) == rendered


@pytest.mark.parametrize("page", [
    pytest.param("no markers at all", id="a page without markers"),
    pytest.param(f"{dictionary.VIEWS_END}\n{dictionary.VIEWS_BEGIN}", id="markers in the wrong order"),
    pytest.param(f"{dictionary.VIEWS_BEGIN}\n{dictionary.VIEWS_BEGIN}\n{dictionary.VIEWS_END}", id="two begin markers"),
])
def test_the_views_table_needs_one_pair_of_markers(page: str) -> None:
    with pytest.raises(ValueError, match="views:begin"):
        dictionary.with_views_table(page)
