"""The clean demo year: deterministic, complete and internally consistent for every unit."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from demo.unit_year import UnitYear, unit_year
from reference import master
from schemas import contract

YEAR = 2023
SEED = 20230
MONTHS = list(contract.MONTH_COLUMNS)


#: Tests over every unit's clean year: a test of scale, run by ``make test-slow`` (CI runs it too).
ALL_UNITS = pytest.mark.slow


@pytest.fixture(scope="module")
def years() -> dict[str, UnitYear]:
    """Every unit's clean year (about ten seconds)."""
    return {code: unit_year(code, YEAR, SEED) for code in master.units()["code"]}


def _all_months(uy: UnitYear, sheet: str) -> pd.DataFrame:
    return pd.concat([c.frames[sheet].assign(month=m) for m, c in uy.months.items()], ignore_index=True)


def _assert_same(a: UnitYear, b: UnitYear) -> None:
    assert a.plan.identity == b.plan.identity
    for sheet, frame in a.plan.frames.items():
        pd.testing.assert_frame_equal(frame, b.plan.frames[sheet])
    for month, content in a.months.items():
        assert content.identity == b.months[month].identity
        for sheet, frame in content.frames.items():
            pd.testing.assert_frame_equal(frame, b.months[month].frames[sheet])


@pytest.mark.parametrize("unit", ["BBPOM-SRG", "LOKA-INH", "PUSAT-SIDIK"])
def test_same_seed_same_frames(unit: str):
    _assert_same(unit_year(unit, YEAR, SEED), unit_year(unit, YEAR, SEED))


def test_another_seed_or_year_gives_other_numbers():
    base = unit_year("BPOM-KPG", YEAR, SEED).plan.frames["Pagu"]["pagu_rp"]
    assert not base.equals(unit_year("BPOM-KPG", YEAR, SEED + 1).plan.frames["Pagu"]["pagu_rp"])
    assert not base.equals(unit_year("BPOM-KPG", YEAR + 1, SEED).plan.frames["Pagu"]["pagu_rp"])


@ALL_UNITS
def test_every_unit_has_a_plan_and_twelve_months(years):
    assert len(years) == len(master.units())
    for code, uy in years.items():
        assert sorted(uy.months) == list(range(1, 13))
        assert uy.plan.identity["unit_code"] == code
        assert [c.identity["month"] for c in uy.months.values()] == list(range(1, 13))


@ALL_UNITS
def test_sampling_identities(years):
    for uy in years.values():
        s = _all_months(uy, "Sampling")
        assert ((s["ms"] + s["tms"]) == s["tested"]).all()
        assert (s["tested"] <= s["sampled"]).all()
        assert (s[["sampled", "tested", "ms", "tms"]] >= 0).all().all()
        assert s["commodity"].isin(master.commodities()["code"]).all()
        assert s["method"].isin(master.SAMPLING_METHODS).all()
        assert not s.duplicated(["month", "commodity", "method"]).any()


@ALL_UNITS
def test_inspection_identities(years):
    for uy in years.values():
        p = _all_months(uy, "Pemeriksaan")
        assert ((p["mk"] + p["tmk"]) == p["inspected"]).all()
        assert (p[["inspected", "mk", "tmk"]] >= 0).all().all()
        assert p["facility_type"].isin(master.facility_types()["code"]).all()


@ALL_UNITS
def test_budget_plan_identities(years):
    for uy in years.values():
        pagu, rpd, ind = (uy.plan.frames[s] for s in ("Pagu", "RPD", "Indikator"))
        assert (rpd[MONTHS].sum(axis=1) == pagu["pagu_rp"]).all()
        assert (rpd[MONTHS] % 1000 == 0).all().all() and (rpd[MONTHS] >= 0).all().all()
        assert (pagu["pagu_after_aa_rp"] <= pagu["pagu_rp"]).all()
        assert ind["allocation_rp"].sum() == pagu["pagu_rp"].sum()
        assert pagu["pagu_rp"].sum() % 1_000_000 == 0


@ALL_UNITS
def test_pagu_scales_with_unit_type(years):
    total = pd.Series({c: uy.plan.frames["Pagu"]["pagu_rp"].sum() for c, uy in years.items()})
    kind = master.units().set_index("code")["unit_type"]
    median = total.groupby(kind).median()
    assert median["balai_besar"] > median["balai"] > median["loka"]
    assert median["pusat"] > median["balai"]


@ALL_UNITS
def test_rpd_follows_an_absorption_curve(years):
    rpd = pd.concat([uy.plan.frames["RPD"] for uy in years.values()])
    share = rpd[MONTHS].sum() / rpd[MONTHS].sum().sum()
    assert share[["b01", "b02", "b03"]].sum() < 0.2 and share[["b11", "b12"]].sum() > 0.18


@ALL_UNITS
def test_spending_consistent_and_within_pagu_after_aa(years):
    for uy in years.values():
        a = _all_months(uy, "Anggaran")
        cum = a.groupby(["ro_code", "expense_type"], sort=False)["spent_month_rp"].sum()
        ceiling = uy.plan.frames["Pagu"].set_index(["ro_code", "expense_type"])["pagu_after_aa_rp"]
        assert (cum <= ceiling.loc[cum.index]).all()
        assert (a["spent_month_rp"] >= 0).all()
        ro_cum = a.groupby("month")["spent_month_rp"].sum().cumsum()
        kin = _all_months(uy, "Kinerja")
        assert (kin.groupby("month")["spent_cum_rp"].sum() == ro_cum).all()


@ALL_UNITS
def test_cumulative_indicators_never_fall(years):
    for uy in years.values():
        kin = _all_months(uy, "Kinerja")
        pattern = uy.plan.frames["Indikator"].set_index("indicator_code")["pattern"]
        cum = kin[kin["indicator_code"].map(pattern) == "kumulatif"].dropna(subset=["realisasi"])
        steps = cum.sort_values("month").groupby("indicator_code")["realisasi"].diff().dropna()
        assert (steps >= 0).all()


@ALL_UNITS
def test_realisation_where_and_only_where_there_is_a_target(years):
    for uy in years.values():
        rapk = uy.plan.frames["RAPK"].set_index("indicator_code")
        for month, content in uy.months.items():
            kin = content.frames["Kinerja"]
            target = kin["indicator_code"].map(rapk[MONTHS[month - 1]])
            assert (kin["realisasi"].notna() == target.notna()).all()


@ALL_UNITS
def test_year_end_indicators_only_have_december(years):
    for uy in years.values():
        ind, rapk = uy.plan.frames["Indikator"], uy.plan.frames["RAPK"]
        year_end = rapk[rapk["indicator_code"].isin(ind.loc[ind["pattern"] == "akhir_tahun", "indicator_code"])]
        assert year_end[MONTHS[:-1]].isna().all().all() and year_end["b12"].notna().all()


@ALL_UNITS
def test_kendala_and_rtl_where_capaian_below_100(years):
    for uy in years.values():
        rapk = uy.plan.frames["RAPK"].set_index("indicator_code")
        for month, content in uy.months.items():
            kin = content.frames["Kinerja"]
            capaian = kin["realisasi"] / kin["indicator_code"].map(rapk[MONTHS[month - 1]]) * 100
            short = kin[capaian < 100]
            assert short["kendala"].notna().all() and short["rtl"].notna().all() and short["rtl_deadline"].notna().all()


@ALL_UNITS
def test_ratios_agree_with_numerator_and_denominator(years):
    for uy in years.values():
        kin = _all_months(uy, "Kinerja").dropna(subset=["numerator"])
        assert (kin["denominator"] > 0).all() and (kin["numerator"] <= kin["denominator"]).all()
        ratio = kin["numerator"].astype(float) / kin["denominator"].astype(float) * 100
        assert (np.abs(ratio - kin["realisasi"]) <= 0.01).all()


@ALL_UNITS
def test_derived_indicators_agree_with_cumulative_counts(years):
    """IKU-OBAT-MS etc. = sum MS / sum Diuji of their samples (or MK / Diperiksa), January to the month."""
    types = master.facility_types().set_index("code")["reporting_group"]
    for uy in list(years.values())[::3]:
        if uy.unit_type == "pusat":
            continue
        sampling, inspection = _all_months(uy, "Sampling"), _all_months(uy, "Pemeriksaan")
        kin = _all_months(uy, "Kinerja").set_index(["indicator_code", "month"])
        for d in master.indicator_derivations().itertuples():
            if d.source == "sampling":
                rows = sampling[sampling["commodity"].isin(d.commodities.split("|"))]
                rows = rows[rows["method"] == d.method] if d.method else rows
            else:
                rows = inspection[inspection["facility_type"].map(types) == d.reporting_group]
            monthly = rows.groupby("month")[[d.numerator, d.denominator]].sum().reindex(range(1, 13), fill_value=0)
            cum = monthly.cumsum()
            expected = (cum[d.numerator] / cum[d.denominator] * 100).round(2)
            got = kin.loc[d.indicator_code, "realisasi"]
            assert (np.abs(got - expected) <= 0.01).all(), d.indicator_code
            assert (kin.loc[d.indicator_code, "denominator"] == cum[d.denominator]).all()


@ALL_UNITS
def test_reports_are_sent_after_the_month_mostly_on_time(years):
    sent = pd.Series([c.identity["sent_date"] for uy in years.values() for c in uy.months.values()])
    months = pd.Series([(uy.year, m) for uy in years.values() for m in uy.months])
    assert all(d > pd.Timestamp(y, m, 1).to_period("M").end_time.date() for d, (y, m) in zip(sent, months))
    late = pd.Series([d.day > 10 for d in sent])
    assert 0.02 < late.mean() < 0.2


@ALL_UNITS
def test_enforcement_cases_advance_through_stages(years):
    stages = list(master.ENFORCEMENT_STAGES)
    for uy in years.values():
        cases = _all_months(uy, "Penindakan")
        if cases.empty:
            continue
        cases = cases.assign(stage_date=pd.to_datetime(cases["stage_date"]), rank=cases["stage"].map(stages.index))
        order = cases.sort_values(["case_number", "month", "stage_date"])
        assert (order.groupby("case_number")["rank"].diff().dropna() == 1).all()
        assert (order.groupby("case_number")["stage_date"].diff().dropna() > pd.Timedelta(0)).all()
        assert (order["stage_date"].dt.month == order["month"]).all()
