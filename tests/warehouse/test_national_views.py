"""National views: units of every group stored and derived by the real pipeline, then the group and
national figures read back and checked against sums and percentages worked out by hand.

Six units, 2023: Pusat (PUSAT-INTEL x1, PUSAT-CEGAH-TANGKAL x2), Balai Besar/Balai (BBPOM-SRG x3,
BPOM-KPG x1), Loka (LOKA-BMS x0.5, LOKA-MBR x1, which sends January and February only). A unit "xk" has
k times the base budget: DIPA lines 51 (pagu 200, AA 200), 52 (600 / 540 and 300 / 300), 53 (100 / 100),
in millions; every month it spends 10 (51) + 40 + 20 (52), and 50 on 53 in March. So per k:
pagu 1.200, pagu setelah AA 1.140, spent to February 140, to March 260.
"""
from __future__ import annotations

import math
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from backends import BACKENDS
from sinks.warehouse import db, load, views

from .synthetic import IDENTITY, YEAR, derive, month_meta, monthly_frames, plan_frames, plan_meta, with_rows

M = 1_000_000.0
DESA, AKIP = "IKU-DESA-PANGAN-AMAN", "IKU-AKIP"  # a catalogue count, a catalogue year-end indicator
#: unit -> (budget scale k, months reported, realisation of IKU-OBAT-MS against its target 92)
UNITS = {
    "PUSAT-INTEL": (1.0, 3, 92.0),
    "PUSAT-CEGAH-TANGKAL": (2.0, 3, 91.99),  # capaian 99,989.. prints 99,99: below target
    "BBPOM-SRG": (3.0, 3, 80.0),
    "BPOM-KPG": (1.0, 3, 95.0),
    "LOKA-BMS": (0.5, 3, 100.0),
    "LOKA-MBR": (1.0, 2, 93.0),
}


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    return with_rows(frame.drop(columns="_row").reset_index(drop=True))


def _plan(k: float) -> dict[str, pd.DataFrame]:
    f = plan_frames()
    ind = f["Indikator"].replace({"indicator_code": {"KPG-LOKAL-1": DESA}})
    akip = {"sk_code": "SK.2", "indicator_code": AKIP, "indicator_name": "Nilai AKIP", "unit_of_measure": "nilai",
            "polarity": "naik", "is_iku": "Ya", "weight": 1.0, "annual_target": 80.0, "pattern": "akhir_tahun",
            "allocation_rp": 0.0}
    rapk = f["RAPK"].replace({"indicator_code": {"KPG-LOKAL-1": DESA}})
    rapk_akip = {"indicator_code": AKIP, **{f"b{m:02d}": (80.0 if m == 12 else None) for m in range(1, 13)}}
    pagu = pd.concat([f["Pagu"], pd.DataFrame([{"ro_code": "AEA.001", "ro_name": "Laporan Analisis Kejahatan",
                                                 "expense_type": "51", "pagu_rp": 200 * M, "pagu_after_aa_rp": 200 * M,
                                                 "volume_target": 4.0, "volume_unit": "laporan"}])])
    pagu = pagu.assign(pagu_rp=pagu["pagu_rp"] * k, pagu_after_aa_rp=pagu["pagu_after_aa_rp"] * k)
    return {**f, "Indikator": _rows(pd.concat([ind, pd.DataFrame([akip])])),
            "RAPK": _rows(pd.concat([rapk, pd.DataFrame([rapk_akip])])), "Pagu": _rows(pagu)}


def _month(unit: str, k: float, month: int, obat: float) -> dict[str, pd.DataFrame]:
    f = monthly_frames(month, realisasi_obat=obat)
    kinerja = f["Kinerja"].replace({"indicator_code": {"KPG-LOKAL-1": DESA}})
    if unit == "BPOM-KPG" and month == 3:  # 2 villages against a target of 3
        kinerja.loc[kinerja["indicator_code"] == DESA, "realisasi"] = 2.0
    kinerja = pd.concat([kinerja, pd.DataFrame([{"indicator_code": AKIP, "realisasi": None}])])
    anggaran = pd.DataFrame({
        "ro_code": ["AEA.001", "BAH.001", "KPG.901", "AEA.001"], "expense_type": ["52", "52", "53", "51"],
        "spent_month_rp": [40 * M * k, 20 * M * k, (50 * M * k if month == 3 else 0.0), 10 * M * k],
        "volume_cum": [1.0, 10.0, None, 1.0], "progress_pct": [None, None, 10.0, None]})
    cases = f["Penindakan"]
    if unit == "BPOM-KPG" and month >= 2:  # case 1 moves on (Tahap I, then P-21), case 2 too in March
        moves = {2: [("PK-01/2023", "Tahap I")], 3: [("PK-01/2023", "P-21"), ("PK-02/2023", "Tahap I")]}[month]
        cases = pd.concat([cases, pd.DataFrame([{"case_number": n, "stage": st, "stage_date": pd.Timestamp(YEAR, month, 20)}
                                                for n, st in moves])])
    return {**f, "Kinerja": _rows(kinerja), "Anggaran": with_rows(anggaran), "Penindakan": _rows(cases)}


def _reporting_status() -> pd.DataFrame:
    """Completeness of the six units (as the run's refresh would store it for them): expected every month,
    received when sent."""
    return pd.DataFrame([{"unit_code": unit, "year": YEAR, "month": month, "expected": True,
                          "received": month <= last, "accepted": month <= last, "on_time": month <= last,
                          "n_versions": int(month <= last)}
                         for unit, (_, last, _) in UNITS.items() for month in (1, 2, 3)])


@pytest.fixture(scope="module", params=BACKENDS)
def national(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path,
             pg_database: Callable[[str], str]) -> Iterator[Engine]:
    """The six units' plans and months stored, derived by the run's deriving step, completeness stored: built
    once per backend for the module (its tests only read), in a warehouse of its own (a copy of the migrated
    SQLite template, or a new migrated PostgreSQL database)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("national") / "warehouse.sqlite"
        shutil.copyfile(_sqlite_template, path)
        engine = db.make_engine(f"sqlite:///{path}")
    else:
        engine = db.make_engine(pg_database("sakip_national"))
        db.upgrade(engine)
        db.seed_dimensions(engine)
    for unit, (k, last, obat) in UNITS.items():
        load.load_plan(engine, _plan(k), plan_meta(unit=unit), "accepted", identity=IDENTITY)
        for month in range(1, last + 1):
            load.load_monthly(engine, _month(unit, k, month, obat), month_meta(month, unit=unit), "accepted")
    derive(engine)
    load.replace_reporting_status(engine, YEAR, _reporting_status())
    yield engine
    engine.dispose()


def _row(frame: pd.DataFrame, **equals: object) -> dict:
    hit = frame
    for key, value in equals.items():
        hit = hit[hit[key] == value]
    assert len(hit) == 1, (equals, hit)
    return hit.iloc[0].to_dict()


def test_budget_per_group_and_for_indonesia_both_bases(national: Engine) -> None:
    budget = views.read_view(national, "v_budget_national", year=YEAR)
    # March: Balai Besar/Balai = SRG x3 + KPG x1 (k = 4); Loka = BMS only (k = 0,5, MBR sent no March);
    # Pusat k = 3; Indonesia k = 7,5
    for area, k, units in (("Pusat", 3.0, 2), ("Balai Besar/Balai", 4.0, 2), ("Loka", 0.5, 1),
                           ("Indonesia", 7.5, 5)):
        row = _row(budget, month=3, area=area, expense_type="TOTAL")
        assert row["pagu_rp"] == pytest.approx(1_200 * M * k)
        assert row["pagu_after_aa_rp"] == pytest.approx(1_140 * M * k)
        assert row["withheld_aa_rp"] == pytest.approx(60 * M * k)
        assert row["spent_month_rp"] == pytest.approx(120 * M * k)
        assert row["spent_cum_rp"] == pytest.approx(260 * M * k)
        assert row["realisation_pct"] == pytest.approx(260 / 1_200 * 100)
        assert row["realisation_aa_pct"] == pytest.approx(260 / 1_140 * 100)
        assert row["units_in_figures"] == units
        assert row["area_level"] == ("national" if area == "Indonesia" else "group")
        assert row["quarter"] == 1
    # February: every unit (Indonesia k = 8,5), spent 140 per k
    feb = _row(budget, month=2, area="Indonesia", expense_type="TOTAL")
    assert (feb["pagu_rp"], feb["spent_cum_rp"]) == (pytest.approx(10_200 * M), pytest.approx(1_190 * M))
    assert feb["realisation_aa_pct"] == pytest.approx(1_190 / (1_140 * 8.5) * 100)
    # per jenis belanja, March, Indonesia (k = 7,5): 52 has pagu 900 / AA 840 and spent 180 per k
    b52 = _row(budget, month=3, area="Indonesia", expense_type="52")
    assert (b52["pagu_rp"], b52["pagu_after_aa_rp"], b52["withheld_aa_rp"], b52["spent_cum_rp"]) == (
        pytest.approx(6_750 * M), pytest.approx(6_300 * M), pytest.approx(450 * M), pytest.approx(1_350 * M))
    assert b52["realisation_pct"] == pytest.approx(180 / 900 * 100)
    assert b52["realisation_aa_pct"] == pytest.approx(180 / 840 * 100)
    assert b52["expense_type_name"] == "Belanja Barang"
    b53 = _row(budget, month=3, area="Pusat", expense_type="53")
    assert (b53["spent_month_rp"], b53["realisation_pct"]) == (pytest.approx(150 * M), pytest.approx(50.0))
    assert _row(budget, month=3, area="Pusat", expense_type="TOTAL")["expense_type_name"] == "Jumlah"
    # the jenis belanja rows add up to the TOTAL row
    march = budget[(budget["month"] == 3) & (budget["area"] == "Loka")].set_index("expense_type")
    assert march.loc[["51", "52", "53"], "spent_cum_rp"].sum() == pytest.approx(march.loc["TOTAL", "spent_cum_rp"])


def test_partial_flags_say_which_areas_miss_a_report(national: Engine) -> None:
    budget = views.read_view(national, "v_budget_national", year=YEAR, expense_type="TOTAL")
    flags = {(r["month"], r["area"]): (r["units_expected"], r["units_reported"], r["is_partial"])
             for r in budget.to_dict("records")}
    assert flags[(3, "Loka")] == (2, 1, True)
    assert flags[(3, "Indonesia")] == (6, 5, True)
    assert flags[(3, "Pusat")] == (2, 2, False)
    assert flags[(2, "Loka")] == (2, 2, False)
    assert flags[(2, "Indonesia")] == (6, 6, False)
    reporting = views.read_view(national, "v_national_reporting", year=YEAR, month=3).set_index("area")
    assert reporting.loc["Loka", ["units_expected", "units_reported", "units_missing"]].tolist() == [2, 1, 1]
    assert bool(reporting.loc["Loka", "is_partial"]) and not bool(reporting.loc["Balai Besar/Balai", "is_partial"])
    assert reporting["area_order"].to_dict() == {"Pusat": 1, "Balai Besar/Balai": 2, "Loka": 3, "Indonesia": 4}
    missing = views.read_view(national, "v_reporting_completeness", year=YEAR, month=3, received=False)
    assert missing["unit_code"].tolist() == ["LOKA-MBR"]


def test_ranking_prints_both_percentages(national: Engine) -> None:
    ranking = views.read_view(national, "v_budget_ranking", year=YEAR, month=3).set_index("unit_code")
    srg = ranking.loc["BBPOM-SRG"]
    assert (srg["pagu_rp"], srg["pagu_after_aa_rp"]) == (pytest.approx(3_600 * M), pytest.approx(3_420 * M))
    assert srg["realisation_pct"] == pytest.approx(260 / 1_200 * 100)
    assert srg["realisation_aa_pct"] == pytest.approx(260 / 1_140 * 100)


def test_sampling_inspection_and_enforcement_nationally(national: Engine) -> None:
    # every unit-month: OBAT/Random 110 sampled, 100 tested, 93 MS, 7 TMS; PANGAN/Targeted 50, 50, 45, 5;
    # PROD 5 inspected (1 TMK), DIST 8 (0 TMK). March: 5 units reported; to March: 17 unit-months (6 units)
    sampling = views.read_view(national, "v_sampling_national", year=YEAR, month=3)
    obat = _row(sampling, commodity="OBAT", method="Random")
    assert (obat["sampled"], obat["tested"], obat["ms"], obat["tms"]) == (550, 500, 465, 35)
    assert (obat["sampled_cum"], obat["tested_cum"], obat["ms_cum"], obat["tms_cum"]) == (1_870, 1_700, 1_581, 119)
    assert obat["tms_cum_pct"] == pytest.approx(119 / 1_700 * 100)
    assert obat["commodity_name"] == "Obat" and obat["units_in_figures"] == 6 and bool(obat["is_partial"])
    random = _row(sampling, commodity="TOTAL", method="Random")  # only OBAT is sampled at random
    assert (random["tested_cum"], random["tms_cum"], random["commodity_name"]) == (1_700, 119, "TOTAL")
    targeted = _row(sampling, commodity="TOTAL", method="Targeted")
    assert (targeted["tested_cum"], targeted["tms_cum"]) == (850, 85)
    assert targeted["tms_cum_pct"] == pytest.approx(10.0)
    total = _row(sampling, commodity="TOTAL", method="TOTAL")
    assert (total["tested_cum"], total["tms_cum"]) == (2_550, 204)
    assert total["tms_cum_pct"] == pytest.approx(204 / 2_550 * 100)
    assert total["tms_pct"] == pytest.approx(60 / 750 * 100)

    inspection = views.read_view(national, "v_inspection_national", year=YEAR, month=3)
    prod = _row(inspection, facility_type="PROD")
    assert (prod["inspected_cum"], prod["mk_cum"], prod["tmk_cum"]) == (85, 68, 17)
    assert prod["tmk_cum_pct"] == pytest.approx(20.0) and prod["reporting_group"] == "produksi"
    dist = _row(inspection, facility_type="DIST")
    assert dist["tmk_cum_pct"] == 0.0
    whole = _row(inspection, facility_type="TOTAL")
    assert (whole["inspected"], whole["inspected_cum"], whole["tmk_cum"]) == (65, 221, 17)
    assert whole["tmk_cum_pct"] == pytest.approx(17 / 221 * 100)

    # every unit opens case PK-mm each month (SPDP); KPG's case 1 reaches Tahap I in February and P-21
    # in March, its case 2 Tahap I in March: 17 cases to March, 15 still at SPDP
    cases = views.read_view(national, "v_enforcement_national", year=YEAR)
    march = cases[cases["month"] == 3].set_index("stage")
    assert march["cases_at_stage"].to_dict() == {"SPDP": 15, "Tahap I": 1, "P-21": 1, "Tahap II": 0, "Putusan": 0,
                                                 "TOTAL": 17}
    assert march["cases_moved_month"].to_dict() == {"SPDP": 5, "Tahap I": 1, "P-21": 1, "Tahap II": 0, "Putusan": 0,
                                                    "TOTAL": 7}
    assert march["stage_order"].to_dict() == {"SPDP": 1, "Tahap I": 2, "P-21": 3, "Tahap II": 4, "Putusan": 5,
                                              "TOTAL": 6}
    feb = cases[cases["month"] == 2].set_index("stage")["cases_at_stage"].to_dict()
    assert feb == {"SPDP": 11, "Tahap I": 1, "P-21": 0, "Tahap II": 0, "Putusan": 0, "TOTAL": 12}


def test_indicator_matrix_of_the_quarter(national: Engine) -> None:
    matrix = views.read_view(national, "v_indicator_matrix", year=YEAR, quarter=1).set_index("indicator_code")
    assert set(matrix.index) == {"IKU-OBAT-MS", "IKU-MAKANAN-MS", DESA, AKIP}  # the unit's own code is not national
    obat = matrix.loc["IKU-OBAT-MS"]
    capaian = sorted(real / 92 * 100 for _, last, real in UNITS.values() if last == 3)
    assert (obat["units_planned"], obat["units_measured"], obat["units_year_end"]) == (6, 5, 0)
    assert obat["capaian_min_pct"] == pytest.approx(capaian[0])
    assert obat["capaian_median_pct"] == pytest.approx(100.0)
    assert obat["capaian_max_pct"] == pytest.approx(capaian[-1])
    assert obat["units_below_target"] == 2  # SRG (86,96) and CEGAH-TANGKAL (99,99 as printed)
    assert not bool(obat["summable"]) and math.isnan(obat["realisasi_sum"])
    assert bool(obat["is_partial"]) and (obat["units_expected"], obat["units_reported"]) == (6, 5)
    desa = matrix.loc[DESA]  # a count: March target 3 everywhere, realisation 3 (KPG: 2)
    assert bool(desa["summable"]) and desa["unit_of_measure"] == "jumlah"
    assert (desa["target_sum"], desa["realisasi_sum"]) == (15.0, 14.0)
    assert desa["capaian_sum_pct"] == pytest.approx(14 / 15 * 100)
    assert desa["units_below_target"] == 1
    akip = matrix.loc[AKIP]
    assert (akip["units_planned"], akip["units_measured"], akip["units_year_end"]) == (6, 0, 6)
    assert math.isnan(akip["capaian_median_pct"])


def test_efficiency_per_sasaran(national: Engine) -> None:
    eff = views.read_view(national, "v_efficiency_sasaran", unit_code="BPOM-KPG", year=YEAR, quarter=1)
    sk1 = _row(eff, sk_code="SK.1")
    # SK.1 = IKU-OBAT-MS (allocation 600, spent 40 a month) + IKU-MAKANAN-MS (300, 20 a month), March
    assert (sk1["input_pagu_rp"], sk1["input_realisasi_rp"]) == (pytest.approx(900 * M), pytest.approx(180 * M))
    assert sk1["input_pct"] == pytest.approx(20.0)
    nps = (95 / 92 * 100 + 80 / 85 * 100) / 2  # equal weights, uncapped
    assert sk1["output_pct"] == pytest.approx(nps)
    assert sk1["ie"] == pytest.approx(nps / 20)
    assert (sk1["se"], sk1["te"]) == (1.0, pytest.approx(nps / 20 - 1))
    assert sk1["kategori"] == "Efisien"
    assert sk1["sk_name"] == "Terwujudnya Obat dan Makanan yang memenuhi syarat" and sk1["sk_order"] == 1
    sk2 = _row(eff, sk_code="SK.2")  # DESA (100 allocated, no spending reported; capaian 2/3) + AKIP (not measured)
    assert sk2["input_pagu_rp"] == pytest.approx(100 * M) and math.isnan(sk2["input_realisasi_rp"])
    assert sk2["output_pct"] == pytest.approx(2 / 3 * 100)
    assert math.isnan(sk2["input_pct"]) and math.isnan(sk2["ie"]) and sk2["kategori"] == "NA"
