"""The golden case through the whole pipeline: Kupang's workbooks -> inbox -> validation -> warehouse
views, on SQLite and PostgreSQL. Expected figures come from the fixture (the real report's Lampiran 3,
RO table and Lampiran 4), never from product code.

The warehouse is built once per backend (``kupang_built`` in ``tests/conftest.py``: plan and six
months in one run, each unit-year derived once); tests that only read share it, tests that change
it (a correction, a rescore, another policy) work on their own copy (``kupang_copy``)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

import kupang
from flows import derive
from flows.select import select_files, select_years
from reference.policy import load_policy
from runs import assert_same_warehouse, collect, settings_for
from sakip.settings import Settings
from sinks.warehouse import db

TOL = 0.01
ROOT = Path(__file__).resolve().parents[1]
CAP120 = ROOT / "reference" / "policies" / "sakip_2023_cap120.yaml"


def _settings(kupang_wh) -> Settings:
    # a correction written today is years past the 2023 period lock: these tests are not about the lock
    # (tests/flows/test_period_lock.py is)
    return Settings(warehouse_url=kupang_wh.url, inbox=kupang_wh.inbox, out=kupang_wh.out, lock_days=None)


def _view(engine, sql: str, **params) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn, params=params)


@pytest.fixture
def loaded(kupang_shared):
    engine, built = kupang_shared
    return engine, built


@pytest.fixture
def private(kupang_copy):
    engine, copy = kupang_copy
    return engine, _settings(copy)


def test_every_kupang_file_is_accepted_and_loaded(loaded):
    engine, _ = loaded
    subs = _view(engine, "SELECT kind, month, verdict, is_current, n_errors FROM v_submission WHERE unit_code = :u",
                 u=kupang.UNIT)
    assert len(subs) == 7 and subs["is_current"].astype(bool).all()
    assert set(subs["verdict"]) <= {"accepted", "accepted_with_warnings"} and (subs["n_errors"] == 0).all()


def test_month_by_month_collections_give_the_warehouse_of_one_run(loaded, kupang_fresh, tmp_path):
    """Collecting the plan, then each month as the schedule does (deriving after every run), ends in
    exactly the warehouse that one run of all the files gives (deriving once)."""
    (shared, built), engine = loaded, kupang_fresh
    settings = settings_for(engine, tmp_path)
    shutil.copytree(built.inbox, settings.inbox)  # the same files, arrived at the same times
    outcomes = collect(engine, settings, select_files(settings, "rencana", kupang.YEAR))
    for month in kupang.MONTHS:
        outcomes += collect(engine, settings, select_files(settings, "bulanan", kupang.YEAR, month))
    assert [o.status for o in outcomes] == ["loaded"] * 7
    assert_same_warehouse(engine, shared)


def test_capaian_of_every_indicator_matches_lampiran_3(loaded):
    engine, _ = loaded
    expected = kupang.load_fixture()["scenarios"][0]["expected"]["indicators"]
    got = _view(engine, "SELECT indicator_code, capaian_pct, measured, kriteria FROM v_indicator_capaian "
                        "WHERE unit_code = :u AND year = 2023 AND month = 6", u=kupang.UNIT).set_index("indicator_code")
    for code, exp in expected.items():
        row = got.loc[kupang.catalogue_code()[code]]
        if exp["measured"]:
            assert row["capaian_pct"] == pytest.approx(exp["capaian"]["value"], abs=TOL), code
            assert row["kriteria"].casefold() == exp["criteria"]["value"].casefold(), code
        else:
            assert pd.isna(row["capaian_pct"]), code


def _scores(engine) -> pd.DataFrame:
    return _view(engine, "SELECT level, item_code, value_pct, kriteria FROM v_score "
                         "WHERE unit_code = :u AND year = 2023 AND quarter = 2", u=kupang.UNIT)


def test_nps_per_sasaran_perspective_and_total(loaded):
    engine, _ = loaded
    expected = kupang.load_fixture()["scenarios"][0]["expected"]
    scores = _scores(engine)
    sasaran = scores[scores["level"] == "sasaran"].set_index("item_code")
    sk_codes = kupang._sasaran().set_index("fixture_code")["sk_code"]
    for sk, exp in expected["sasaran"].items():
        value = sasaran.loc[sk_codes[sk], "value_pct"]
        if exp["nps"]["value"] is None:
            assert pd.isna(value), sk
            assert sasaran.loc[sk_codes[sk], "kriteria"] == "Diukur Akhir Tahun"
        else:
            assert value == pytest.approx(exp["nps"]["value"], abs=TOL), sk
    perspectives = scores[scores["level"] == "perspective"].set_index("item_code")
    for code, exp in expected["perspectives"].items():
        row = perspectives.loc[kupang.PERSPECTIVE[code]]
        assert row["value_pct"] == pytest.approx(exp["score"]["value"], abs=TOL), code
        assert row["kriteria"] == exp["criteria"]["value"], code
    total = scores[scores["level"] == "total"].iloc[0]
    assert total["value_pct"] == pytest.approx(expected["total"]["score"]["value"], abs=TOL)
    assert f"{total['value_pct']:.2f}" == expected["total"]["score"]["display"] == "103.34"
    assert total["kriteria"] == expected["total"]["criteria"]["value"] == "Memenuhi Ekspektasi"


def test_ro_budget_table_and_total_realisation(loaded):
    engine, _ = loaded
    budget = kupang.load_fixture()["expected_budget"]
    ro = _view(engine, "SELECT ro_code, pagu_rp, spent_cum_rp, realisation_pct, volume_pct FROM v_budget_ro "
                       "WHERE unit_code = :u AND year = 2023 AND month = 6", u=kupang.UNIT).set_index("ro_code")
    assert len(ro) == budget["ro_row_count"]["value"]
    for code, exp in budget["rows"].items():
        assert ro.loc[code, "realisation_pct"] == pytest.approx(exp["pct"]["value"], abs=TOL), code
        if "volume_ratio_pct" in exp:
            assert ro.loc[code, "volume_pct"] == pytest.approx(exp["volume_ratio_pct"]["value"], abs=TOL), code
    unit = _view(engine, "SELECT pagu_rp, spent_cum_rp, realisation_pct FROM v_budget_unit "
                         "WHERE unit_code = :u AND year = 2023 AND month = 6", u=kupang.UNIT).iloc[0]
    assert unit["pagu_rp"] == budget["total_pagu"]["value"]
    assert unit["spent_cum_rp"] == budget["total_realisasi"]["value"]
    assert unit["realisation_pct"] == pytest.approx(budget["total_pct"]["value"], abs=TOL)


def test_efficiency_table_matches_lampiran_4_corrected(loaded):
    engine, _ = loaded
    fixture = kupang.load_fixture()
    order = {r["no"]: kupang.catalogue_code()[r["indicator"]] for r in fixture["inputs"]["efficiency_rows"]}
    eff = _view(engine, "SELECT indicator_code, input_pct, output_pct, ie, te, kategori FROM v_efficiency "
                        "WHERE unit_code = :u AND year = 2023 AND quarter = 2", u=kupang.UNIT).set_index("indicator_code")
    for no, exp in fixture["expected_efficiency"]["rows"].items():
        row = eff.loc[order[int(no)]]
        assert row["input_pct"] == pytest.approx(exp["input_pct"]["value"], abs=TOL), no
        assert row["kategori"] == exp["kategori"]["value"], no
        for column in ("output_pct", "ie", "te"):
            value = exp[column]["value"]
            assert (pd.isna(row[column]) if value is None else row[column] == pytest.approx(value, abs=TOL)), (no, column)



def test_budget_per_indicator_agrees_with_the_efficiency_input_and_sums_per_sk(loaded):
    engine, _ = loaded
    fixture = kupang.load_fixture()
    order = {r["no"]: kupang.catalogue_code()[r["indicator"]] for r in fixture["inputs"]["efficiency_rows"]}
    budget = _view(engine, "SELECT level, sk_code, indicator_code, allocation_rp, spent_cum_rp, realisation_pct "
                           "FROM v_budget_indicator WHERE unit_code = :u AND year = 2023 AND month = 6", u=kupang.UNIT)
    indicators = budget[budget["level"] == "indicator"].set_index("indicator_code")
    eff = _view(engine, "SELECT indicator_code, input_pct FROM v_efficiency WHERE unit_code = :u AND year = 2023 "
                        "AND quarter = 2 AND indicator_code <> 'TOTAL'", u=kupang.UNIT).set_index("indicator_code")
    assert sorted(indicators.index) == sorted(eff.index)
    for code, row in eff.iterrows():
        assert indicators.loc[code, "realisation_pct"] == pytest.approx(row["input_pct"], rel=1e-12), code
    for no, exp in fixture["expected_efficiency"]["rows"].items():
        assert indicators.loc[order[int(no)], "realisation_pct"] == pytest.approx(exp["input_pct"]["value"], abs=TOL), no
    sasaran = budget[budget["level"] == "sasaran"].set_index("sk_code")
    sums = indicators.groupby("sk_code")[["allocation_rp", "spent_cum_rp"]].sum()
    assert sorted(sasaran.index) == sorted(sums.index)
    for sk, row in sums.iterrows():
        assert sasaran.loc[sk, "allocation_rp"] == pytest.approx(row["allocation_rp"]), sk
        assert sasaran.loc[sk, "spent_cum_rp"] == pytest.approx(row["spent_cum_rp"]), sk
        assert sasaran.loc[sk, "realisation_pct"] == pytest.approx(row["spent_cum_rp"] / row["allocation_rp"] * 100), sk


def test_sampling_and_inspection_year_to_date_match_the_seed_totals(loaded):
    engine, _ = loaded
    smp = _view(engine, "SELECT commodity, method, tested_cum, ms_cum, ms_cum_pct FROM v_sampling_ytd "
                        "WHERE unit_code = :u AND year = 2023 AND month = 6", u=kupang.UNIT).set_index(["commodity", "method"])
    for key, (tested, ms) in kupang.SAMPLES.items():
        assert (smp.loc[key, "tested_cum"], smp.loc[key, "ms_cum"]) == (tested, ms), key
        assert smp.loc[key, "ms_cum_pct"] == pytest.approx(ms / tested * 100), key
    tested, ms = (sum(v[i] for v in kupang.SAMPLES.values()) for i in (0, 1))
    total = smp.loc[("TOTAL", "TOTAL")]
    assert (total["tested_cum"], total["ms_cum"]) == (tested, ms)
    assert total["ms_cum_pct"] == pytest.approx(ms / tested * 100)
    ins = _view(engine, "SELECT facility_type, inspected_cum, mk_cum, mk_cum_pct FROM v_inspection_ytd "
                        "WHERE unit_code = :u AND year = 2023 AND month = 6", u=kupang.UNIT).set_index("facility_type")
    for code, (inspected, mk) in kupang.INSPECTIONS.items():
        assert (ins.loc[code, "inspected_cum"], ins.loc[code, "mk_cum"]) == (inspected, mk), code
    inspected, mk = (sum(v[i] for v in kupang.INSPECTIONS.values()) for i in (0, 1))
    assert ins.loc["TOTAL", "mk_cum_pct"] == pytest.approx(mk / inspected * 100)

def test_loading_the_same_inbox_again_changes_nothing(private, kupang_built):
    engine, settings = private
    again = collect(engine, settings, select_years(settings, 2023, 2023))
    assert [o.status for o in again] == ["duplicate"] * 7
    built = db.make_engine(kupang_built.url)
    try:
        assert_same_warehouse(engine, built)
    finally:
        built.dispose()


def test_the_120_cap_policy_gives_99_35(engine, tmp_path):
    settings = settings_for(engine, tmp_path)
    kupang.write_kupang_inbox(settings.inbox)
    collect(engine, settings, select_years(settings, kupang.YEAR, kupang.YEAR), policy_file=CAP120)
    total = _scores(engine).query("level == 'total'").iloc[0]
    assert total["value_pct"] == pytest.approx(99.35, abs=TOL)


def test_a_corrected_resubmission_replaces_the_month_and_its_quarter_scores(private):
    engine, settings = private
    before = _scores(engine).set_index(["level", "item_code"])["value_pct"]
    identity, frames = kupang.monthly_workbook(6)
    kinerja = frames["Kinerja"]
    code = kupang.catalogue_code()["7.1"]  # penindakan: 25 of a TW II target of 50 -> 50,00
    frames["Kinerja"] = kinerja.assign(realisasi=kinerja["realisasi"].mask(kinerja["indicator_code"] == code, 40.0))
    identity = {**identity, "revision_note": "Koreksi realisasi penindakan setelah verifikasi berkas perkara"}
    path = settings.inbox / kupang.UNIT / f"{kupang.UNIT}_2023-06_rev1.xlsx"
    from sinks.templates import write_workbook

    write_workbook("bulanan", identity, frames, path)
    outcome = collect(engine, settings, select_files(settings, "bulanan", 2023, 6))
    assert [o.status for o in outcome if o.file_name == path.name] == ["loaded"]
    subs = _view(engine, "SELECT file_name, version, is_current FROM v_submission WHERE unit_code = :u "
                         "AND kind = 'bulanan' AND month = 6 ORDER BY version", u=kupang.UNIT)
    assert subs["version"].tolist() == [1, 2]
    assert subs["is_current"].astype(bool).tolist() == [False, True]
    after = _scores(engine).set_index(["level", "item_code"])["value_pct"]
    sk7 = kupang._sasaran().set_index("fixture_code")["sk_code"]["SK7"]
    assert after[("indicator", code)] == pytest.approx(80.0, abs=TOL)
    assert after[("sasaran", sk7)] == pytest.approx(80.0, abs=TOL)
    assert after[("total", "TOTAL")] > before[("total", "TOTAL")]
    unchanged = [k for k in before.index if k[0] == "indicator" and k[1] != code]
    pd.testing.assert_series_equal(after[unchanged], before[unchanged])


def _total(engine) -> pd.Series:
    return _view(engine, "SELECT value_pct, policy_id FROM v_score WHERE unit_code = :u AND year = 2023 "
                         "AND quarter = 2 AND level = 'total'", u=kupang.UNIT).iloc[0]


def test_rescoring_applies_another_policy_to_loaded_data_and_back(private):
    engine, settings = private
    default_id, cap_id = (load_policy(p).policy_id for p in (ROOT / "reference" / "policies" / "sakip_2023.yaml", CAP120))
    assert f"{_total(engine)['value_pct']:.2f}" == "103.34" and _total(engine)["policy_id"] == default_id
    again = collect(engine, settings, select_files(settings, "bulanan", 2023, 6), policy_file=CAP120)
    assert [o.status for o in again] == ["duplicate"]
    assert f"{_total(engine)['value_pct']:.2f}" == "103.34", "a collection with another policy loads nothing"

    rows = derive.rescore(engine, settings, 2023, policy_file=CAP120)
    assert [(r["unit_code"], r["policy_id"]) for r in rows] == [(kupang.UNIT, cap_id)] and rows[0]["rows"] > 0
    assert f"{_total(engine)['value_pct']:.2f}" == "99.35" and _total(engine)["policy_id"] == cap_id

    derive.rescore(engine, settings, 2023, [kupang.UNIT])
    assert f"{_total(engine)['value_pct']:.2f}" == "103.34" and _total(engine)["policy_id"] == default_id


def test_an_edited_policy_index_takes_effect_by_rescoring(private, tmp_path):
    engine, settings = private
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "reference" / "policies", policies)
    index = policies / "index.yaml"
    index.write_text(index.read_text().replace("2023: sakip_2023.yaml", "2023: sakip_2023_cap120.yaml"))
    derive.rescore(engine, settings.model_copy(update={"policy_dir": policies}), 2023)
    assert f"{_total(engine)['value_pct']:.2f}" == "99.35"
    with pytest.raises(ValueError, match="BPOM-XXX"):
        derive.rescore(engine, settings, 2023, ["BPOM-XXX"])
