"""The BI views: documented columns on both dialects, values read (never recomputed), ranking, unit history.

The warehouse holds what a run leaves: raw facts stored, then derived by the real transforms
(``flows.derive``) and the national completeness refreshed."""
from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine, inspect, text

from flows.derive import refresh_reporting_status
from sinks.warehouse import db, derived, load, outliers, views

from .synthetic import IDENTITY, UNIT, YEAR, derive, settings_of


@pytest.fixture
def loaded(derived_quarter_one: Engine) -> Engine:
    """Kupang's plan and its January to March reports (realisasi of IKU-OBAT-MS 93, 94, 95 against a
    target of 92): stored, derived, and the year's reporting completeness refreshed."""
    refresh_reporting_status(derived_quarter_one, settings_of(derived_quarter_one), YEAR)
    return derived_quarter_one


@pytest.fixture(scope="module")
def shared(shared_derived_quarter_one: Engine) -> Engine:
    """``loaded``, built once per module and backend, for the tests that only read the views."""
    refresh_reporting_status(shared_derived_quarter_one, settings_of(shared_derived_quarter_one), YEAR)
    return shared_derived_quarter_one


def write_rollups(engine: Engine, frames: list[pd.DataFrame]) -> None:
    """Stand-in derived facts: only these unit-level budget roll-ups, for their unit-years."""
    rollups = pd.concat(frames, ignore_index=True)
    pairs = sorted(set(zip(rollups["unit_code"], rollups["year"])))
    with db.write_transaction(engine) as conn:
        derived.replace_derived(conn, pairs, {"fact_budget_rollup_month": rollups}, {}, {})


def test_every_registered_view_exists_with_exactly_its_declared_columns(engine: Engine) -> None:
    """The migrated warehouse (every revision's ``add_views``) holds the registry's views, no more, no less."""
    assert set(inspect(engine).get_view_names()) == set(views.VIEWS)
    with engine.connect() as conn:
        for view in views.VIEWS.values():
            result = conn.execute(text(f"SELECT * FROM {view.name} WHERE 1 = 0"))
            assert tuple(result.keys()) == view.columns, view.name


def _flag_march_as_outlier(engine: Engine) -> None:
    """March's IKU-OBAT-MS as the intake records a value flagged against the unit's history (the scoring
    itself is tested in tests/transforms/test_outliers.py and through the collection)."""
    with engine.connect() as conn:
        march = conn.execute(text("SELECT submission_id FROM audit_submission WHERE unit_code = :u AND month = 3 "
                                  "AND is_current"), {"u": UNIT}).scalar_one()
    outliers.record_outliers(engine, march, pd.DataFrame([{
        "unit_code": UNIT, "year": YEAR, "month": 3, "source": "indicator", "sheet": "Kinerja", "row": 5,
        "cell": "E5", "item_code": "IKU-OBAT-MS", "column": "realisasi", "value": 950.0, "kind": "level",
        "measure": 950.0, "direction": "high", "method": "band", "score": None, "n_history": 2, "median": 93.5,
        "band_low": 18.6, "band_high": 470.0, "previous": 94.0, "year_min": 93.0, "year_max": 94.0,
        "past_min": None, "past_max": None, "followup_id": None}]))


def test_every_view_has_rows_after_a_run(loaded: Engine) -> None:
    load.add_override(loaded, UNIT, YEAR, 1, "IKU-OBAT-MS", 100.0, "verifikasi ulang", "Kepala")
    _flag_march_as_outlier(loaded)
    derive(loaded)
    empty = [name for name in views.VIEWS if views.read_view(loaded, name).empty]
    assert empty == []


def test_indicator_capaian_reads_the_stored_capaian_with_the_plan_labels(shared: Engine) -> None:
    view = views.read_view(shared, "v_indicator_capaian", unit_code=UNIT, month=2).set_index("indicator_code")
    assert len(view) == 3
    obat = view.loc["IKU-OBAT-MS"]
    assert (obat["unit_name"], obat["unit_type"], obat["sk_name"], obat["sk_order"], obat["perspective"]) == (
        "Balai POM di Kupang", "balai", "Terwujudnya Obat dan Makanan yang memenuhi syarat", 1, "Stakeholder")
    assert obat["capaian_pct"] == pytest.approx(94.0 / 92 * 100)
    assert (obat["is_iku"], obat["measured"], obat["allocation_rp"], obat["quarter"]) == (True, True, 600e6, 1)
    makanan = view.loc["IKU-MAKANAN-MS"]
    assert (makanan["kendala"], makanan["rtl"], bool(makanan["measured"])) == (
        "Sampel terlambat", "Percepat pengujian", False)  # no RAPK target in February: not measured
    assert pd.isna(makanan["target"]) and makanan["indicator_order"] == 2


def test_score_names_every_level(shared: Engine) -> None:
    score = views.read_view(shared, "v_score", unit_code=UNIT, year=YEAR, quarter=1)
    names = dict(zip(score["item_code"], score["item_name"]))
    assert names["TOTAL"] == "NPS TOTAL"
    assert names["SK.2"] == "Meningkatnya efektivitas pemeriksaan"
    assert names["Internal Process"] == "Internal Process"
    assert names["KPG-LOKAL-1"] == "Jumlah desa binaan"
    orders = dict(zip(score["item_code"], score["item_order"]))
    assert (orders["SK.2"], orders["Internal Process"], orders["IKU-MAKANAN-MS"]) == (2, 2, 2)
    assert set(score["unit_group"]) == {"Balai Besar/Balai"}


def test_plan_views(shared: Engine) -> None:
    pk = views.read_view(shared, "v_plan_indicator", unit_code=UNIT).set_index("indicator_code")
    assert list(pk.loc["IKU-MAKANAN-MS", ["b01", "b03", "b12"]]) == [85.0, 85.0, 85.0]
    assert pd.isna(pk.loc["IKU-MAKANAN-MS", "b02"])
    assert pk.loc["KPG-LOKAL-1", "b12"] == 12.0
    header = views.read_view(shared, "v_plan_header").iloc[0]
    assert (header["unit_name"], header["province"], header["dipa_number"], str(header["pk_date"])) == (
        "Balai POM di Kupang", "Nusa Tenggara Timur", IDENTITY["dipa_number"], "2023-01-10")
    assert (header["pagu_rp"], header["pagu_after_aa_rp"], header["n_ro"]) == (1e9, 940e6, 3)


def test_rpd_month_covers_the_whole_plan_and_leaves_unreported_months_null(shared: Engine) -> None:
    rpd = views.read_view(shared, "v_rpd_month", unit_code=UNIT).sort_values("month").set_index("month")
    assert list(rpd.index) == list(range(1, 13))
    assert rpd.loc[6, "planned_month_rp"] == 175e6  # 50 + 25 + 100 (the modal line is planned in June)
    assert rpd.loc[12, "planned_cum_rp"] == 1e9
    assert list(rpd.loc[[1, 2, 3], "spent_cum_rp"]) == [60e6, 120e6, 180e6]
    assert rpd.loc[4:, "spent_month_rp"].isna().all()


def test_budget_views_read_the_rollups(shared: Engine) -> None:
    ro = views.read_view(shared, "v_budget_ro", month=2).set_index("ro_code")
    assert list(ro.index.sort_values()) == ["AEA.001", "BAH.001", "KPG.901"]
    assert (ro.loc["AEA.001", "ro_name"], ro.loc["AEA.001", "volume_unit"]) == ("Laporan Analisis Kejahatan", "laporan")
    assert ro.loc["BAH.001", "volume_pct"] == pytest.approx(20 / 120 * 100)
    assert ro.loc["AEA.001", "realisation_aa_pct"] == pytest.approx(80e6 / 540e6 * 100)
    kinds = views.read_view(shared, "v_budget_expense_type", month=2).set_index("expense_type")
    assert kinds.loc["52", "expense_type_name"] == "Belanja Barang"
    assert kinds.loc["52", "spent_cum_rp"] == 120e6
    unit = views.read_view(shared, "v_budget_unit", month=2).iloc[0]
    assert (unit["unit_group"], unit["pagu_rp"], unit["spent_cum_rp"]) == ("Balai Besar/Balai", 1e9, 120e6)


def test_operational_views(shared: Engine) -> None:
    sampling = views.read_view(shared, "v_sampling", month=1).set_index("commodity")
    assert (sampling.loc["OBAT", "commodity_name"], sampling.loc["PANGAN", "supergroup"]) == ("Obat", "MAKANAN")
    inspection = views.read_view(shared, "v_inspection", month=1).set_index("facility_type")
    assert (inspection.loc["PROD", "facility_name"], inspection.loc["DIST", "reporting_group"]) == (
        "Sarana Produksi", "distribusi")
    rec = views.read_view(shared, "v_reconciliation", indicator_code="IKU-OBAT-MS").sort_values("month")
    assert list(rec["agrees"]) == [True, False, False]  # February reports 94 (March 95) against 93 of 100 tested
    eff = views.read_view(shared, "v_efficiency").set_index("indicator_code")
    assert eff.loc["TOTAL", "indicator_name"] == "TOTAL" and pd.isna(eff.loc["TOTAL", "sk_order"])
    status = views.read_view(shared, "v_reporting_completeness", unit_code=UNIT).sort_values("month")
    assert list(status["n_versions"]) == [1, 1, 1] and status["received"].all()
    subs = views.read_view(shared, "v_submission")
    assert sorted(subs["kind"]) == ["bulanan", "bulanan", "bulanan", "rencana"] and subs["is_current"].all()


def _unit_rollup(unit: str, year: int, month: int, pct: float | None) -> pd.DataFrame:
    return pd.DataFrame([{"unit_code": unit, "year": year, "month": month, "level": "unit", "item_code": unit,
                          "pagu_after_aa_rp": 100.0, "spent_cum_rp": pct, "realisation_aa_pct": pct}])


def test_ranking_within_unit_groups(engine: Engine) -> None:
    figures = {"BBPOM-SRG": 55.0, "BPOM-KPG": 40.0, "BPOM-TNG": 40.0, "BBPOM-BDG": None,
               "LOKA-BMS": 30.0, "LOKA-MBR": 35.0}
    write_rollups(engine, [_unit_rollup(unit, YEAR, 6, pct) for unit, pct in figures.items()])
    ranking = views.read_view(engine, "v_budget_ranking", year=YEAR, month=6).set_index("unit_code")
    assert ranking["rank_in_group"].to_dict() == {
        "BBPOM-SRG": 1, "BPOM-KPG": 2, "BPOM-TNG": 2, "BBPOM-BDG": 4, "LOKA-MBR": 1, "LOKA-BMS": 2}
    assert ranking["units_in_group"].to_dict() == {
        "BBPOM-SRG": 4, "BPOM-KPG": 4, "BPOM-TNG": 4, "BBPOM-BDG": 4, "LOKA-MBR": 2, "LOKA-BMS": 2}
    assert set(ranking["quarter"]) == {2}


def test_views_show_the_unit_as_it_was_in_the_period(engine: Engine) -> None:
    write_rollups(engine, [_unit_rollup("BPOM-TNG", year, 12, 90.0) for year in (2020, 2021)])
    unit = views.read_view(engine, "v_budget_unit", unit_code="BPOM-TNG").set_index("year")
    assert unit.loc[2020, ["unit_name", "unit_type", "unit_group"]].tolist() == [
        "Loka POM di Kabupaten Tangerang", "loka", "Loka"]
    assert unit.loc[2021, ["unit_name", "unit_type", "unit_group"]].tolist() == [
        "Balai POM di Tangerang", "balai", "Balai Besar/Balai"]
    ranking = views.read_view(engine, "v_budget_ranking", unit_code="BPOM-TNG").set_index("year")
    assert ranking.loc[2020, "unit_group"] == "Loka"


def test_view_sql_renders_for_both_dialects() -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    for name in views.VIEWS:
        for dialect in (sqlite.dialect(), postgresql.dialect()):
            assert views.view_sql(name, dialect).startswith(f"CREATE VIEW {name} AS")


def test_capaian_override_view_shows_the_audit_trail_and_which_override_applies(loaded: Engine) -> None:
    first = load.add_override(loaded, UNIT, YEAR, 2, "IKU-OBAT-MS", 100.0, "hasil uji ulang", "Kasubag")
    second = load.add_override(loaded, UNIT, YEAR, 2, "IKU-OBAT-MS", 99.0, "koreksi", "Kepala")
    stored = views.read_view(loaded, "v_capaian_override", unit_code=UNIT)
    assert not stored["applied"].any()  # stored, not derived yet: no capaian cites them
    derive(loaded)
    view = views.read_view(loaded, "v_capaian_override", unit_code=UNIT).set_index("override_id")
    assert view.loc[[first, second], ["capaian_pct", "active", "applied"]].values.tolist() == [
        [100.0, False, False], [99.0, True, True]]
    assert view.loc[first, "deactivated_by"] == "Kepala" and pd.isna(view.loc[second, "deactivated_by"])
    second_row = view.loc[second]
    assert (second_row["unit_name"], second_row["quarter"], second_row["sk_code"], second_row["reason"]) == (
        "Balai POM di Kupang", 1, "SK.1", "koreksi")
    assert second_row["capaian_raw_pct"] == pytest.approx(94.0 / 92 * 100)  # what the report gave
    load.withdraw_override(loaded, second, "Kepala")
    derive(loaded)
    view = views.read_view(loaded, "v_capaian_override", unit_code=UNIT).set_index("override_id")
    assert not view["applied"].any() and not view["active"].any()
