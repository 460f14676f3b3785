"""The unit-year wiring: every derived table from one set of inputs, also when nearly everything is empty;
many unit-years derived at once give exactly what each gives alone, each under its own policy."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from reference.policy import POLICY_DIR, load_policy, policy_for
from sinks.warehouse import schema as s
from tests.transforms import kupang_frames as k
from transforms.completeness import expected_months, year_status
from transforms.derive import INPUT_FRAMES, derive_by_policy, derive_unit_year, derive_unit_years, of_unit_years

TABLES = {"fact_capaian_month", "fact_score_quarter", "fact_budget_line_month", "fact_budget_rollup_month",
          "fact_budget_indicator_month", "fact_efficiency_quarter", "fact_reconciliation_month", "fact_sampling_ytd",
          "fact_inspection_ytd", "fact_efficiency_sasaran_quarter"}
POLICY = policy_for(k.UNIT, k.YEAR)
CAP120 = load_policy(POLICY_DIR / "sakip_2023_cap120.yaml")
OTHER = "LOKA-BMS"


def _submissions(rows) -> pd.DataFrame:
    """rows: (kind, month, received_at, verdict, version, is_current)."""
    frame = pd.DataFrame(rows, columns=["kind", "month", "received_at", "verdict", "version", "is_current"])
    return frame.assign(unit_code=k.UNIT, year=k.YEAR, submission_id=range(1, len(frame) + 1))


def _inputs(unit: str = k.UNIT, **frames) -> SimpleNamespace:
    """UnitYearInputs-like: the Kupang frames as the warehouse returns them (keys dropped, then re-added),
    under ``unit``."""
    base = {
        "plan_sasaran": k.plan_sasaran(), "plan_indicator": k.plan_indicators(), "plan_target": k.targets(),
        "plan_budget": k.plan_budget(), "plan_rpd": k.rpd(), "indicator_month": k.realisations(),
        "budget_month": k.spending(),
        "sampling": pd.DataFrame({"month": [6], "commodity": ["OBAT"], "method": ["Random"], "sampled": [401],
                                  "tested": [401], "ms": [393], "tms": [8]}),
        "inspection": pd.DataFrame({"month": [6], "facility_type": ["PROD-IRTP"], "inspected": [38], "mk": [22],
                                    "tmk": [16]}),
        "overrides": pd.DataFrame({"override_id": pd.Series(dtype="int64"), "month": pd.Series(dtype="int64"),
                                   "indicator_code": pd.Series(dtype="str"), "capaian_pct": pd.Series(dtype=float),
                                   **{c: pd.Series(dtype="str") for c in ("reason", "set_by")},
                                   "set_at": pd.Series(dtype="datetime64[ns, UTC]")}),  # typed, as read back
        "submissions": _submissions([("rencana", None, "2023-01-05T08:00:00+07:00", "accepted", 1, True),
                                     ("bulanan", 5, "2023-06-09T08:00:00+07:00", "accepted", 1, True),
                                     ("bulanan", 6, "2023-07-11T08:00:00+07:00", "accepted", 1, True)]),
    }
    base.update(frames)
    return SimpleNamespace(unit_code=unit, year=k.YEAR,
                           **{name: f.drop(columns=["unit_code", "year"], errors="ignore") for name, f in base.items()})


def test_every_derived_table_from_the_kupang_inputs():
    derived = derive_unit_year(_inputs(), POLICY)
    assert set(derived) == TABLES
    total = derived["fact_score_quarter"].query("level == 'total'").iloc[0]
    assert round(total["value_pct"], 2) == 103.34
    assert set(derived["fact_budget_rollup_month"]["level"]) == {"ro", "expense_type", "unit"}
    obat = derived["fact_reconciliation_month"].set_index("indicator_code").loc["IKU-OBAT-MS"]
    assert bool(obat["agrees"])
    budget = derived["fact_budget_indicator_month"].query("month == 6")
    assert set(budget["level"]) == {"indicator", "sasaran"}
    assert set(budget.query("level == 'sasaran'")["item_code"]) == set(k.plan_sasaran()["sk_code"])
    eff = derived["fact_efficiency_quarter"].query("quarter == 2 and indicator_code != 'TOTAL'")
    joined = eff.merge(budget.query("level == 'indicator'"), left_on="indicator_code", right_on="item_code")
    assert len(joined) == len(eff) > 0
    pd.testing.assert_series_equal(joined["realisation_pct"], joined["input_pct"], check_names=False)


def test_an_active_override_is_applied_and_cited():
    overrides = pd.DataFrame({"override_id": [7], "month": [6], "indicator_code": ["IKU-PENINDAKAN"],
                              "capaian_pct": [100.0], "reason": ["koreksi"], "set_by": ["x"],
                              "set_at": [pd.Timestamp("2023-07-20", tz="UTC")]})
    derived = derive_unit_year(_inputs(overrides=overrides), POLICY)
    row = derived["fact_capaian_month"].set_index("indicator_code").loc["IKU-PENINDAKAN"]
    assert row["capaian_pct"] == 100.0 and row["capaian_raw_pct"] == 50.0 and row["override_id"] == 7


@pytest.mark.parametrize("emptied", [
    pytest.param(("indicator_month", "budget_month", "sampling", "inspection"), id="a plan with no month reported"),
    pytest.param(("plan_sasaran", "plan_indicator", "plan_target", "plan_budget", "plan_rpd"),
                 id="months reported before any plan"),
    pytest.param(("sampling", "inspection", "submissions"), id="no operational counts and no audit trail"),
])
def test_empty_inputs_give_empty_tables_not_errors(emptied):
    inputs = _inputs()
    derived = derive_unit_year(_inputs(**{n: getattr(inputs, n).iloc[0:0] for n in emptied}), POLICY)
    assert set(derived) == TABLES


def _batch(*inputs: SimpleNamespace) -> dict[str, pd.DataFrame]:
    """The input frames of several unit-years at once, keyed by unit_code and year (``BatchInputs.frames``)."""
    return {name: pd.concat([getattr(i, name).assign(unit_code=i.unit_code, year=i.year) for i in inputs],
                            ignore_index=True) for name in INPUT_FRAMES}


def _assert_same_rows(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    """The same tables with the same rows, in any order (sorted by each table's warehouse key)."""
    assert set(left) == set(right) == TABLES
    for name in TABLES:
        key = [c.name for c in s.metadata.tables[name].primary_key.columns]
        ordered = [frame.sort_values(key, kind="stable").reset_index(drop=True) for frame in (left[name], right[name])]
        pd.testing.assert_frame_equal(*ordered, obj=name)


def _rows_of(derived: dict[str, pd.DataFrame], unit: str) -> dict[str, pd.DataFrame]:
    return {name: frame[frame["unit_code"] == unit] for name, frame in derived.items()}


def _total(derived: dict[str, pd.DataFrame], unit: str) -> tuple[float, str]:
    total = derived["fact_score_quarter"].query("level == 'total' and unit_code == @unit").iloc[0]
    return round(total["value_pct"], 2), total["policy_id"]


def test_deriving_several_unit_years_at_once_gives_what_each_gives_alone():
    """Kupang and a second unit with other realisations, spending and an override: one pass over both
    equals the two unit-years derived one by one, table by table and row by row."""
    kupang = _inputs()
    overrides = pd.DataFrame({"override_id": [9], "month": [6], "indicator_code": ["IKU-PENINDAKAN"],
                              "capaian_pct": [100.0], "reason": ["koreksi"], "set_by": ["x"],
                              "set_at": [pd.Timestamp("2023-07-20", tz="UTC")]})
    other = _inputs(OTHER, indicator_month=k.realisations().assign(realisasi=lambda d: d["realisasi"] * 0.9),
                    budget_month=k.spending().assign(spent_month_rp=lambda d: d["spent_month_rp"] / 2),
                    overrides=overrides)
    together = derive_unit_years(_batch(kupang, other), POLICY)
    alone = [derive_unit_year(kupang, POLICY), derive_unit_year(other, POLICY)]
    _assert_same_rows(together, {name: pd.concat([a[name] for a in alone], ignore_index=True) for name in TABLES})
    assert {name: set(frame["unit_code"]) for name, frame in together.items()} == {
        name: {k.UNIT, OTHER} for name in TABLES}
    assert _total(together, k.UNIT)[0] == 103.34 and _total(together, OTHER)[0] != 103.34
    assert of_unit_years(_batch(kupang, other), [(OTHER, k.YEAR)])["overrides"]["override_id"].tolist() == [9]


def test_derive_by_policy_gives_each_unit_year_its_own_policy():
    """The same Kupang data under two unit codes, one scored with sakip_2023 (no cap: NPS TOTAL 103,34),
    the other with sakip_2023_cap120 (99,35): each unit-year gets exactly what its policy alone gives."""
    frames = _batch(_inputs(), _inputs(OTHER))
    policies = {(k.UNIT, k.YEAR): POLICY, (OTHER, k.YEAR): CAP120}
    derived = derive_by_policy(frames, policies)
    assert _total(derived, k.UNIT) == (103.34, "sakip_2023")
    assert _total(derived, OTHER) == (99.35, "sakip_2023_cap120")
    for (unit, year), policy in policies.items():
        _assert_same_rows(_rows_of(derived, unit), derive_unit_years(of_unit_years(frames, [(unit, year)]), policy))
    capped = derived["fact_capaian_month"].query("unit_code == @OTHER")
    assert capped["capaian_pct"].max() == 120.0 < capped["capaian_raw_pct"].max()
    _assert_same_rows(derive_by_policy(frames, dict.fromkeys(policies, POLICY)), derive_unit_years(frames, POLICY))
    assert derive_by_policy(frames, {}) == {}


def test_every_unit_is_expected_up_to_the_latest_month_collected_nationally():
    subs = _submissions([("rencana", None, "2023-01-05T08:00:00+07:00", "accepted", 1, True),
                         ("bulanan", 3, "2023-04-05T08:00:00+07:00", "rejected", None, False)])
    units = pd.DataFrame({"unit_code": [k.UNIT, "LOKA-MBR"]})
    grid = expected_months(units, subs)
    assert grid.groupby("unit_code")["month"].apply(list).to_dict() == {k.UNIT: [1, 2, 3], "LOKA-MBR": [1, 2, 3]}


def test_year_status_counts_on_time_late_and_units_that_sent_nothing():
    subs = _inputs().submissions.assign(unit_code=k.UNIT, year=k.YEAR)
    units = pd.DataFrame({"unit_code": [k.UNIT, "LOKA-MBR"]})
    status = year_status(units, subs, deadline_day=10, tz="Asia/Jakarta").set_index(["unit_code", "month"])
    assert status.loc[(k.UNIT, 5), "on_time"] and not status.loc[(k.UNIT, 6), "on_time"]
    assert not status.loc[(k.UNIT, 1), "received"] and status.loc[(k.UNIT, 1), "expected"]
    silent = status.loc["LOKA-MBR"]
    assert silent["expected"].all() and not silent["received"].any() and len(silent) == 6
