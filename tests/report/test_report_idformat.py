"""Indonesian number formatting and terbilang."""
from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sinks.report import idformat as fmt

_DIGITS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9}
_FIXED = {"nol": 0, "sepuluh": 10, "sebelas": 11, "seratus": 100}
_SCALES = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "triliun": 10**12}


def parse_words(text: str) -> int:
    """An independent reader of Indonesian number words (the inverse of terbilang, for property tests)."""
    total, group, digit = 0, 0, 0
    for word in text.removesuffix(" rupiah").split():
        if word == "seribu":
            assert group == digit == 0, "seribu stands alone as its group"
            total += 1000
        elif word in _DIGITS:
            assert digit == 0, "two digits in a row"
            digit = _DIGITS[word]
        elif word in _FIXED:
            group += _FIXED[word]
        elif word in ("ratus", "puluh", "belas"):
            assert digit > 1, f"satu {word} must be written with se-"
            group += {"ratus": digit * 100, "puluh": digit * 10, "belas": 10 + digit}[word]
            digit = 0
        elif word in _SCALES:
            total += (group + digit) * _SCALES[word]
            group, digit = 0, 0
        else:
            raise AssertionError(f"unknown word {word!r}")
    return total + group + digit


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    pytest.param(103.335, 2, "103,34", id="half up on the decimal the user typed"),
    pytest.param(118.825, 2, "118,83", id="a binary tie below .825 still rounds up"),
    pytest.param(2.675, 2, "2,68", id="2.675 is 2.67499… in binary, prints 2,68"),
    pytest.param(39.961106, 2, "39,96", id="realisation percent"),
    pytest.param(30215555000, 0, "30.215.555.000", id="thousands dots"),
    pytest.param(-1234.5, 1, "-1.234,5", id="negative with both separators"),
    pytest.param(-0.001, 2, "0,00", id="no negative zero"),
    pytest.param(0, 2, "0,00", id="zero"),
    pytest.param(999.995, 2, "1.000,00", id="carry into thousands"),
])
def test_number(value, decimals, expected):
    assert fmt.number(value, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), math.nan, "", "  "], ids=["None", "nan", "math.nan", "empty", "blank"])
def test_missing_values_print_na(missing):
    assert fmt.number(missing) == "N/A"
    assert fmt.pct(missing) == "N/A"
    assert fmt.rupiah(missing, na="-") == "-"


def test_pandas_na_is_missing():
    pd = pytest.importorskip("pandas")
    assert fmt.number(pd.NA, na="NA") == "NA"


@pytest.mark.parametrize(("value", "expected"), [(92, "92"), (88.5, "88,5"), (72.71, "72,71"), (2.50, "2,5"),
                                                 (28791, "28.791"), (0.125, "0,13")])
def test_plain_keeps_the_typed_form(value, expected):
    assert fmt.plain(value) == expected


def test_money_percent_and_date():
    assert fmt.rupiah(30215555000) == "Rp 30.215.555.000"
    assert fmt.rupiah(12074469971.4) == "Rp 12.074.469.971"
    assert fmt.pct(39.961) == "39,96%"
    assert fmt.date_id(date(2023, 7, 20)) == "20 Juli 2023"


@pytest.mark.parametrize(("value", "expected"), [
    (0, "nol rupiah"), (1, "satu rupiah"), (10, "sepuluh rupiah"), (11, "sebelas rupiah"),
    (12, "dua belas rupiah"), (19, "sembilan belas rupiah"), (20, "dua puluh rupiah"), (21, "dua puluh satu rupiah"),
    (100, "seratus rupiah"), (101, "seratus satu rupiah"), (110, "seratus sepuluh rupiah"),
    (111, "seratus sebelas rupiah"), (200, "dua ratus rupiah"), (1000, "seribu rupiah"),
    (1001, "seribu satu rupiah"), (1100, "seribu seratus rupiah"), (2000, "dua ribu rupiah"),
    (11000, "sebelas ribu rupiah"), (100000, "seratus ribu rupiah"), (101000, "seratus satu ribu rupiah"),
    (1_000_000, "satu juta rupiah"), (1_000_000_000, "satu miliar rupiah"), (10**12, "satu triliun rupiah"),
    (30215555000, "tiga puluh miliar dua ratus lima belas juta lima ratus lima puluh lima ribu rupiah"),
    (12074469971, "dua belas miliar tujuh puluh empat juta empat ratus enam puluh sembilan ribu sembilan ratus "
                   "tujuh puluh satu rupiah"),
    (999_999_999_999_999, "sembilan ratus sembilan puluh sembilan triliun sembilan ratus sembilan puluh sembilan "
                          "miliar sembilan ratus sembilan puluh sembilan juta sembilan ratus sembilan puluh sembilan "
                          "ribu sembilan ratus sembilan puluh sembilan rupiah"),
])
def test_terbilang(value, expected):
    assert fmt.terbilang(value) == expected


def test_terbilang_rejects_what_it_cannot_spell():
    with pytest.raises(ValueError):
        fmt.terbilang(10**15)
    with pytest.raises(ValueError):
        fmt.terbilang(None)
    with pytest.raises(ValueError):
        fmt.terbilang(float("inf"))
    assert fmt.terbilang(-5, unit="") == "minus lima"


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_terbilang_reads_back_to_the_amount(n):
    words = fmt.terbilang(n)
    assert words.endswith(" rupiah")
    assert parse_words(words) == n


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_terbilang_uses_se_forms(n):
    words = f" {fmt.terbilang(n)} "
    for wrong in (" satu ratus ", " satu puluh ", " satu belas ", " nol rupiah" if n else "@"):
        assert wrong not in words
    thousands = n % 10**6 // 1000
    assert ("seribu" in words) == (thousands == 1)
    assert (" satu ribu " in words) == (thousands % 10 == 1 and thousands % 100 != 11 and thousands > 1)


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_number_round_trips_to_the_rounded_value(x):
    text = fmt.number(x, 2)
    back = float(text.replace(".", "").replace(",", "."))
    assert back == pytest.approx(float(fmt.round_half_up(x, 2)), abs=1e-9)
