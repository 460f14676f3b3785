"""Every rule in one place: the places that use a rule agree, above all at its edges.

Rounding and below-target: the kriteria band (``reference.policy.kriteria``, what the warehouse
stores), the figure the report prints (``sinks.report.idformat``), the steward's message
(``schemas.rules.kendala_expected`` through ``schemas.messages``) and the below-target decision (the
Kendala warning, the report's meets/shortfall and its list of SKs below target) at 99,995, 79,995,
120,005 and 9,9995 / 10. Then the yes/no words, the missing-value test and the pattern vocabulary.
Fast and pure: no warehouse, no workbook file.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from reference import master, rounding, values
from reference.policy import kriteria, policy_for
from schemas import codes, contract, messages, rules
from schemas import validate as schema_validate
from sinks import template_style, templates
from sinks.report import content, facts
from sinks.report import idformat as fmt
from sinks.report.criteria import policy_info
from sinks.warehouse import records
from sources import numbers
from transforms.common import as_bool

POLICY = policy_for("BPOM-KPG", 2023)
SCHEME = POLICY.criteria_scheme
MONTH = 6

#: (realisasi, target) whose capaian sits on an edge of the 2023 bands or just beside it.
EDGE_CASES = {
    "9,9995/10 (float 99,99499999999999)": (9.9995, 10.0),
    "99,995": (99.995, 100.0),
    "99,996 (prints 100,00)": (99.996, 100.0),
    "99,994 (prints 99,99)": (99.994, 100.0),
    "79,995": (79.995, 100.0),
    "79,9949": (79.9949, 100.0),
    "120,005": (120.005, 100.0),
    "120,0049": (120.0049, 100.0),
    "100 exactly": (100.0, 100.0),
    "119,995 over 80 (149,99375)": (119.995, 80.0),
}


def _capaian(real: float, target: float) -> float:
    """The capaian as the pipeline computes it (realisasi / target × 100, a float)."""
    return real / target * 100


def _printed_value(text: str) -> float:
    """An Indonesian printed figure ("1.000,00", "99,99") back to a number."""
    return float(text.replace(".", "").replace(",", "."))


def _kendala_text(real: float, target: float) -> str | None:
    """The steward's Kendala warning for one Kinerja row with no Kendala and no RTL (None: no warning)."""
    kinerja = pd.DataFrame({"indicator_code": ["IKU-1"], "realisasi": [real], "kendala": [None], "rtl": [None],
                            "_row": [5]})
    plan = pd.DataFrame({"indicator_code": ["IKU-1"], "polarity": ["naik"]})
    rapk = pd.DataFrame({"indicator_code": ["IKU-1"], **{c: [target] for c in contract.MONTH_COLUMNS}})
    found = rules.kendala_expected(kinerja, plan, rapk, MONTH)
    if found.empty:
        return None
    record = found.iloc[0].to_dict()
    fields = {k: v for k, v in record.items() if k not in rules.HIT_COLUMNS}
    return messages.problem("kendala_expected", sheet="Kinerja", row=5, column="Kendala", **fields)["message"]


def _report_rows(capaian: list[float]) -> pd.DataFrame:
    """Indicator rows of a quarter as the report numbers them (``facts.number_indicators``)."""
    n = len(capaian)
    return facts.number_indicators(pd.DataFrame({
        "sk_code": ["SK-1"] * n, "sk_order": [1] * n, "indicator_order": range(1, n + 1),
        "indicator_code": [f"IKU-{i}" for i in range(n)], "indicator_name": [f"Indikator {i}" for i in range(n)],
        "measured": [True] * n, "capaian_pct": capaian, "pattern": ["flat"] * n}))


# ------------------------------------------------------------------------------- rounding, bands
@pytest.mark.parametrize(("real", "target"), EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_the_band_is_the_band_of_the_printed_figure(real, target):
    value = _capaian(real, target)
    printed = fmt.number(value)
    banded = kriteria(pd.Series([value]), SCHEME).iloc[0]
    assert kriteria(pd.Series([_printed_value(printed)]), SCHEME).iloc[0] == banded
    # the report asks the policy for the same band (and prints the same figure)
    assert policy_info("BPOM-KPG", 2023).kriteria_of(pd.Series([value])).iloc[0] == banded
    assert _printed_value(printed) == rounding.round_half_up(value)
    assert fmt.round_half_up(value) == rounding.rounded_decimal(value) == Decimal(printed.replace(".", "").replace(",", "."))


@pytest.mark.parametrize(("real", "target"), EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_the_steward_message_the_report_and_the_band_agree_on_below_target(real, target):
    value = _capaian(real, target)
    printed = fmt.number(value)
    below = rounding.below_target(value)
    assert below == (_printed_value(printed) < 100)
    text = _kendala_text(real, target)
    assert (text is not None) == below, (printed, text)
    if text is not None:  # the figure the steward reads is the figure the report prints
        shown = re.search(r"'IKU-1' (\S+) %", text).group(1)
        assert _printed_value(shown) == _printed_value(printed)
    rows = _report_rows([value])
    assert bool(rows.at[0, "shortfall"]) == below and bool(rows.at[0, "meets"]) != below
    # a value banded in a band starting at 100 is never below target, and the reverse
    band = next(b for b in SCHEME.bands if b.label == kriteria(pd.Series([value]), SCHEME).iloc[0])
    assert (band.lower is not None and band.lower >= 100) == (not below)


def test_the_report_lists_as_below_target_exactly_what_the_steward_is_asked_about():
    cases = list(EDGE_CASES.values())
    capaian = [_capaian(r, t) for r, t in cases]
    ind = _report_rows(capaian)
    sk = pd.DataFrame({"sk_no": range(1, len(capaian) + 1), "sk_name": [f"SK {i}" for i in range(len(capaian))],
                       "measured": True, "value_pct": capaian})
    blocks = content.strategic_issues(SimpleNamespace(sk=sk, ind=ind), content.Labels(2023, 2))
    asked = {i for i, (r, t) in enumerate(cases) if _kendala_text(r, t) is not None}
    listed_sk = {int(n) - 1 for n in re.findall(r"Sasaran Kegiatan (\d+) SK", blocks[0].text)}
    listed_ind = {int(re.search(r"Indikator (\d+):", item.text).group(1)) for item in blocks[-1].items}
    assert listed_sk == listed_ind == asked
    assert asked == {i for i, v in enumerate(capaian) if rounding.below_target(v)}


def test_the_edges_round_half_up_on_the_decimal_the_value_stands_for():
    assert fmt.number(_capaian(9.9995, 10)) == "100,00"
    assert [fmt.number(v) for v in (99.995, 79.995, 120.005, 2.675, -0.125)] == \
        ["100,00", "80,00", "120,01", "2,68", "-0,13"]
    assert [messages.fmt_number(v) for v in (99.995, 79.995, 120.005, 99.994)] == ["100", "80", "120,01", "99,99"]
    assert kriteria(pd.Series([99.995, 79.995, 79.9949, 120.005]), SCHEME).tolist() == [
        "Memenuhi Ekspektasi", "Belum Memenuhi Ekspektasi", "Tidak Memenuhi Ekspektasi", "Tidak Dapat Disimpulkan"]


def test_one_rounding_vectorised_and_scalar():
    rng = np.random.default_rng(10)
    real = np.round(rng.uniform(0, 200, 20_000), 4)
    target = np.round(rng.uniform(1, 150, 20_000), 2)
    value = real / target * 100
    vector = rounding.round_half_up(pd.Series(value))
    scalar = [float(rounding.rounded_decimal(v)) for v in value[:2000]]
    assert vector.iloc[:2000].tolist() == scalar
    assert rounding.below_target(pd.Series(value)).tolist() == (vector < 100).tolist()
    assert rounding.below_target(pd.Series([np.nan, None], dtype=float)).tolist() == [False, False]


def test_every_shipped_policy_bands_at_the_printed_precision():
    from reference.policy import POLICY_DIR, load_policy
    for path in sorted(POLICY_DIR.glob("*.yaml")):
        if path.name != "index.yaml":
            assert load_policy(path).display_decimals == rounding.PCT_DECIMALS, path.name


# ------------------------------------------------------------------------------------ yes / no
@pytest.mark.parametrize(("typed", "expected"), [
    ("Ya", True), (" ya ", True), ("YA", True), ("Tidak", False), ("tidak ", False), (True, True), (False, False),
    (1, True), (0, False), (1.0, True), ("true", True), ("False", False), (np.bool_(True), True),
])
def test_the_yes_no_words_are_read_alike_everywhere(typed, expected):
    assert values.to_bool(typed) is expected
    assert records.to_bool(typed) is expected
    assert bool(as_bool(pd.Series([typed], dtype=object)).iloc[0]) is expected


@pytest.mark.parametrize("typed", ["t.", "t", "y", "n", "yes", "no", "benar", "salah", "f", "2", "ya tidak"])
def test_words_outside_the_contract_are_no_boolean(typed):
    with pytest.raises(ValueError):
        records.to_bool(typed)
    assert not bool(as_bool(pd.Series([typed])).iloc[0])
    checked = codes.normalise_vocab(pd.DataFrame({"is_iku": [typed]}), "Indikator")
    assert checked.at[0, "is_iku"] not in codes.ALLOWED[("Indikator", "is_iku")]


def test_the_contract_templates_and_store_share_the_yes_no_words():
    words = (values.YES, values.NO)
    assert codes.ALLOWED[("Indikator", "is_iku")] == words == template_style.INLINE_LISTS["is_iku"]
    typed = codes.normalise_vocab(pd.DataFrame({"is_iku": [" ya", "TIDAK"]}), "Indikator")["is_iku"]
    assert typed.tolist() == list(words) and [records.to_bool(w) for w in typed] == [True, False]


# ------------------------------------------------------------------------------- missing values
MISSING = [None, float("nan"), np.nan, pd.NA, pd.NaT, np.datetime64("NaT"), "", "   ", "\u00a0"]
PRESENT = [0, 0.0, "0", "-", "NA", "x", False, pd.Timestamp("2023-01-01"), Decimal("1.5")]


@pytest.mark.parametrize("value", MISSING + PRESENT, ids=[repr(v) for v in MISSING + PRESENT])
def test_one_missing_value_test(value):
    missing = any(value is m for m in MISSING) or (isinstance(value, str) and value.strip() == "")
    assert values.is_missing(value) is missing
    assert records.is_missing(value) is missing
    assert fmt.is_missing(value) is missing
    assert schema_validate._missing(value) is missing
    # the reader's blank cell is a missing value or one of the contract's blank tokens
    token = isinstance(value, str) and value.strip().casefold() in contract.BLANK_TOKENS
    assert numbers.is_blank(value) is (missing or token)
    if missing:
        assert fmt.number(value) == fmt.NA and records.to_float(value) is None


def test_the_column_form_agrees_with_the_value_form():
    column = pd.Series([v for v in MISSING + PRESENT if not isinstance(v, np.datetime64)], dtype=object)
    assert values.missing(column).tolist() == [values.is_missing(v) for v in column]


def test_the_missing_value_test_is_the_one_everywhere():
    assert records.is_missing is values.is_missing
    assert schema_validate._missing is values.is_missing
    assert records.to_bool is values.to_bool


# ------------------------------------------------------------------------- pattern vocabulary
def test_one_pattern_vocabulary():
    words, measurements = tuple(master.PATTERNS), tuple(master.PATTERNS.values())
    assert codes.ALLOWED[("Indikator", "pattern")] == words == template_style.INLINE_LISTS["pattern"]
    assert templates.PATTERN_OF_MEASUREMENT == master.PATTERN_OF_MEASUREMENT
    assert schema_validate._PLAN_WORDS["pattern"] == master.PATTERN_OF_MEASUREMENT
    assert {master.PATTERNS[w] for w in master.PATTERN_OF_MEASUREMENT.values()} == set(measurements)
    assert set(master.indicators()["measurement"]) <= set(measurements)
    # either vocabulary, any case, reads as the catalogue measurement; the report keys on it
    typed = pd.Series([*words, *measurements, "Kumulatif ", "bulanan", None])
    expected = [*measurements, *measurements, "cumulative", None, None]
    got = master.measurement_of(typed)
    assert [None if values.is_missing(v) else v for v in got] == expected
    rows = facts.number_indicators(pd.DataFrame({
        "sk_code": "SK-1", "sk_order": 1, "indicator_order": range(len(words)), "measured": True,
        "capaian_pct": 100.0, "pattern": list(words)}))
    assert rows["pattern_key"].tolist() == list(measurements)


def test_the_shared_value_modules_are_pure():
    """reference.rounding and reference.values import no I/O (the transforms import them)."""
    import ast
    import inspect
    for module in (rounding, values):
        tree = ast.parse(inspect.getsource(module))
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert imported <= {"__future__", "decimal", "math", "typing", "numpy", "pandas"}, module.__name__
    assert math.isnan(rounding.round_half_up(float("nan")))
