"""Tolerant parsing of steward-typed numbers (sources.numbers)."""
from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.numbers import ambiguous_readings, is_blank, parse_number, parse_numbers


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param(5, 5.0, id="an Excel whole number passes through"),
        pytest.param(2.5, 2.5, id="an Excel decimal passes through"),
        pytest.param("1.234,5", 1234.5, id="Indonesian thousands dot and decimal comma"),
        pytest.param("1,234.5", 1234.5, id="English thousands comma and decimal point"),
        pytest.param("1.234.567", 1234567.0, id="several Indonesian thousands groups"),
        pytest.param("1,234,567", 1234567.0, id="several English thousands groups"),
        pytest.param("12.345.678,90", 12345678.9, id="a large Indonesian amount with decimals"),
        pytest.param("95%", 95.0, id="a percent sign is dropped"),
        pytest.param("95 %", 95.0, id="a percent sign after a space is dropped"),
        pytest.param("98,5 %", 98.5, id="a decimal comma percentage"),
        pytest.param("Rp 1.000.000", 1_000_000.0, id="rupiah with thousands dots"),
        pytest.param("Rp1.000", 1000.0, id="rupiah with one thousands group is not ambiguous"),
        pytest.param("Rp. 2.500.000,00", 2_500_000.0, id="rupiah with a dot after Rp and zero sen"),
        pytest.param("  12 ", 12.0, id="leading and trailing spaces"),
        pytest.param("\u00a01.234,56\u00a0", 1234.56, id="non-breaking spaces around the number"),
        pytest.param("12,5", 12.5, id="a decimal comma"),
        pytest.param("0,125", 0.125, id="zero point three digits is a decimal, not a thousand"),
        pytest.param("1234.567", 1234.567, id="four digits before the point cannot be a thousands group"),
        pytest.param("-5", -5.0, id="a negative number (the schema judges the sign)"),
        pytest.param("\u22125", -5.0, id="a typographic minus sign"),
    ],
)
def test_numbers_are_read_tolerantly(typed: object, expected: float) -> None:
    assert parse_number(typed) == pytest.approx(expected)


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("", id="an empty text"),
        pytest.param("-", id="a dash"),
        pytest.param("NA", id="NA"),
        pytest.param("N/A", id="N/A"),
        pytest.param("n/a", id="lower-case n/a"),
        pytest.param("\u2013", id="an en dash"),
        pytest.param("N/A - Diukur Akhir Tahun", id="N/A with the year-end note of the real reports"),
        pytest.param(None, id="an empty cell"),
    ],
)
def test_blank_tokens_become_missing(typed: object) -> None:
    assert math.isnan(parse_number(typed))
    assert is_blank(typed)


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("abc", id="a word"),
        pytest.param("1,234,5", id="broken thousands groups"),
        pytest.param("12 sampel", id="a number followed by a word"),
        pytest.param(date(2023, 6, 1), id="a date in a number cell"),
    ],
)
def test_text_that_is_not_a_number_stays_as_typed(typed: object) -> None:
    assert parse_number(typed) == typed


def test_a_boolean_cell_is_not_read_as_one() -> None:
    assert parse_number(True) == "TRUE"


@pytest.mark.parametrize(
    ("typed", "thousands", "decimal"),
    [
        pytest.param("1.234", 1234.0, 1.234, id="one dot and three digits"),
        pytest.param("1,234", 1234.0, 1.234, id="one comma and three digits"),
        pytest.param(" 12.500 ", 12500.0, 12.5, id="with spaces around it"),
    ],
)
def test_a_single_separator_before_three_digits_is_ambiguous(typed: str, thousands: float, decimal: float) -> None:
    parsed = parse_numbers(pd.Series([typed, "7"], dtype=object))
    assert parsed.ambiguous.tolist() == [True, False]
    assert parsed.values.iloc[0] == typed, "an ambiguous number is kept as typed, never guessed"
    assert ambiguous_readings(typed) == pytest.approx((thousands, decimal))


def test_parsing_keeps_the_index_of_the_column() -> None:
    column = pd.Series(["1.234,5", 3, "x"], index=[7, 8, 9], dtype=object)
    parsed = parse_numbers(column)
    assert parsed.values.index.tolist() == [7, 8, 9]
    assert parsed.values.tolist() == [1234.5, 3.0, "x"]


def _indonesian(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


amounts = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False)


@given(amounts)
def test_round_trip_indonesian_format_with_two_decimals(amount) -> None:
    assert parse_number(_indonesian(float(amount), 2)) == pytest.approx(float(amount))


@given(amounts)
def test_round_trip_english_format_with_two_decimals(amount) -> None:
    assert parse_number(f"{float(amount):,.2f}") == pytest.approx(float(amount))


@given(st.integers(min_value=1_000_000, max_value=10**13))
def test_round_trip_rupiah_amounts(amount: int) -> None:
    assert parse_number(f"Rp {_indonesian(amount, 0)}") == amount


@given(st.floats(min_value=0, max_value=1000, allow_nan=False).map(lambda x: round(x, 1)))
def test_round_trip_percentages(value: float) -> None:
    assert parse_number(f"{_indonesian(value, 1)} %") == pytest.approx(value)


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("1e999", id="a power of ten too large for a float"),
        pytest.param("1e400", id="another overflowing exponent"),
        pytest.param("-1E999", id="a negative overflowing exponent"),
        pytest.param("inf", id="inf typed as text"),
        pytest.param("-inf", id="-inf typed as text"),
        pytest.param("Infinity", id="Infinity typed as text"),
        pytest.param("NaN", id="NaN typed as text is not a blank"),
        pytest.param("nan", id="lower-case nan typed as text is not a blank"),
        pytest.param(" +NaN % ", id="a signed NaN with a percent sign"),
        pytest.param("1" + "0" * 400, id="four hundred digits overflow"),
        pytest.param(float("inf"), id="a numeric cell holding infinity"),
        pytest.param(float("-inf"), id="a numeric cell holding minus infinity"),
    ],
)
def test_a_non_finite_number_is_flagged_and_never_read_as_a_number(typed: object) -> None:
    parsed = parse_numbers(pd.Series([typed, "12,5", 7, None], dtype=object))
    assert parsed.non_finite.tolist() == [True, False, False, False]
    assert parsed.ambiguous.tolist() == [False] * 4
    value = parsed.values.iloc[0]
    assert isinstance(value, str), "kept as typed (text), never an infinite float or a blank"
    assert value == (typed if isinstance(typed, str) else str(typed))
    assert parsed.values.iloc[1:3].tolist() == [12.5, 7.0] and math.isnan(parsed.values.iloc[3])


tokens = st.sampled_from(["1", "9", "0", ".", ",", "e", "E", "+", "-", "%", " ", "inf", "nan", "NaN", "Infinity",
                          "Rp", "9" * 40, "e999", "\u2212"])


@given(st.lists(tokens, max_size=8).map("".join) | st.floats(allow_nan=False, allow_infinity=False))
def test_no_infinite_float_or_silent_blank_leaves_the_parser(typed: object) -> None:
    parsed = parse_numbers(pd.Series([typed], dtype=object))
    value, flagged = parsed.values.iloc[0], bool(parsed.non_finite.iloc[0])
    if isinstance(value, float):
        assert not math.isinf(value)
        assert not math.isnan(value) or is_blank(typed), "NaN only for a blank cell"
    if flagged:
        assert isinstance(value, str), "a flagged value is kept as typed"
    if isinstance(typed, float):
        assert not flagged and value == typed, "a finite numeric cell passes through"
