"""An in-memory ``ReportData`` for Balai POM di Kupang, TW II 2023, shaped like the warehouse views.

Built from ``shared/fixtures/kupang_2023_tw2.json`` (indicators, capaian, NPS, RO rows, efficiency
rows: the fixture's ``value`` fields, unrounded) plus master data for codes and names. Test data,
not product code. What the fixture lacks is made up here, and said:

- months: only June (the quarter end) carries the fixture's figures; March carries a TW I with
  every flat/cumulative indicator at 97% of its June realisation, and last quarter's RTL on three
  indicators (so the follow-up table has rows: 4.4 and 7.1 still short now, 1.1 met);
- kendala / RTL: generic sentences on the indicators below target in June;
- budget by month: the RPD spreads the pagu evenly; spending reaches the June total along a fixed
  curve; jenis belanja: capital ROs (53) vs the rest (52);
- submissions: a plan and six monthly files, June in version 2 (so provenance shows a replacement).
"""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from reference import master
from sinks.report.criteria import policy_info
from sinks.report.data import ReportData

#: The date the Kupang TW II 2023 test reports are dated (after the quarter closed).
REPORT_DATE = date(2023, 7, 20)

FIXTURE = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "kupang_2023_tw2.json"
UNIT, NAME, YEAR, QUARTER = "BPOM-KPG", "Balai POM di Kupang", 2023, 2
PERSPECTIVE = {"STK": "Stakeholder", "IP": "Internal Process", "LG": "Learning and Growth"}
PATTERN = {"annual": "flat", "stage_progress_pct": "tahapan", "cumulative_pct_of_annual_plan": "kumulatif",
           "tw_target_below_annual": "kumulatif", "year_end_only": "akhir_tahun"}
CAPITAL = {"CAN.001", "CAB.002", "RAB.001"}
CUM_SHARE = np.array([0.08, 0.20, 0.37, 0.55, 0.75, 1.0])
KENDALA = "Keterbatasan tenaga penguji karena cuti dan sakit.\nReagen pengujian masih dalam pemesanan."
RTL = "Percepatan pelaksanaan kegiatan bersama pemangku kepentingan.\nPemantauan progres setiap minggu."
PREV_RTL = {"4.4": "Pelaksanaan KONDENCASI tahap 2 setelah OJT AMDK.",
            "7.1": "Koordinasi dengan CJS untuk penyamaan persepsi unsur pidana.",
            "1.1": "Permintaan bantuan reagen ke Balai lain."}


@lru_cache(maxsize=1)
def fixture() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _codes() -> tuple[dict[str, str], dict[str, str]]:
    cat = master.indicators()
    ind = dict(zip(cat.loc[cat["iku_no_seed003"] != "", "iku_no_seed003"], cat.loc[cat["iku_no_seed003"] != "", "code"]))
    sas = master.sasaran().query("seed == '003'")
    sk = dict(zip(sas["sasaran_no"].str.replace(".", "", regex=False), sas["sasaran_code"]))
    return ind, sk


def indicators() -> pd.DataFrame:
    """One row per fixture indicator with catalogue codes, plan fields and the expected capaian."""
    fx = fixture()
    ind_code, sk_code = _codes()
    sas = pd.DataFrame(fx["inputs"]["sasaran"]).rename(columns={"code": "sk", "name": "sk_name"})
    sas = sas.assign(sk_order=range(1, len(sas) + 1), perspective=sas["perspective"].map(PERSPECTIVE))
    ind = pd.DataFrame(fx["inputs"]["indicators"]).merge(sas[["sk", "sk_name", "sk_order", "perspective"]],
                                                         left_on="sasaran", right_on="sk")
    exp = fx["scenarios"][0]["expected"]["indicators"]
    eff = pd.DataFrame(fx["inputs"]["efficiency_rows"]).set_index("indicator")
    return ind.assign(
        indicator_code=ind["code"].map(ind_code), sk_code=ind["sasaran"].map(sk_code),
        indicator_order=ind["pk_no"], pattern=ind["tw_target_basis"].map(PATTERN),
        capaian=ind["code"].map(lambda c: exp[c]["capaian"]["value"]),
        kriteria=ind["code"].map(lambda c: exp[c]["criteria"]["value"]),
        allocation_rp=ind["code"].map(eff["input_pagu"]), spent_rp=ind["code"].map(eff["input_realisasi"]),
    )


def _month_rows(ind: pd.DataFrame, month: int, scale: float) -> pd.DataFrame:
    """v_indicator_capaian rows of a month: June as in the fixture, March scaled."""
    june = month == 6
    ramp = ind["pattern"].isin(["kumulatif", "tahapan"])
    target = ind["target_tw"].where(~ramp | june, (ind["target_tw"] * 0.5).round(2))
    realisasi = ind["realisasi"] * (1 if june else scale)
    realisasi = realisasi.where(~ramp | june, (realisasi * 0.5).round(2)).round(2)
    capaian = ind["capaian"] if june else realisasi / target * 100
    short = ind["measured"] & (capaian.round(2) < 100)
    iku_no = ind["sk_order"].astype(str) + "." + (ind.groupby("sk_code").cumcount() + 1).astype(str)
    rtl = iku_no.map(PREV_RTL) if not june else pd.Series(np.where(short, RTL, None), index=ind.index)
    kriteria = ind["kriteria"] if june else pd.Series(np.where(capaian.round(2) >= 100, "Memenuhi Ekspektasi",
                                                               "Belum Memenuhi Ekspektasi"), index=ind.index)
    return pd.DataFrame({
        "unit_code": UNIT, "unit_name": NAME, "unit_type": "balai", "year": YEAR, "month": month,
        "quarter": (month - 1) // 3 + 1, "sk_code": ind["sk_code"], "sk_name": ind["sk_name"],
        "sk_order": ind["sk_order"], "perspective": ind["perspective"], "indicator_code": ind["indicator_code"],
        "indicator_name": ind["name"], "indicator_order": ind["indicator_order"], "unit_of_measure": ind["satuan"],
        "pattern": ind["pattern"], "is_iku": ind["is_iku"], "weight": ind["weight"].astype(float),
        "annual_target": ind["target_annual"], "target": target.where(ind["measured"]),
        "realisasi": realisasi.where(ind["measured"]),
        "numerator": ind.get("numerator").where(pd.Series(june, index=ind.index)),
        "denominator": ind.get("denominator").where(pd.Series(june, index=ind.index)),
        "measured": ind["measured"], "capaian_raw_pct": capaian.where(ind["measured"]),
        "capaian_pct": capaian.where(ind["measured"]), "kriteria": kriteria.where(ind["measured"], "NA"),
        "override_id": None, "kendala": np.where(short & june, KENDALA, None), "rtl": rtl,
        "rtl_deadline": np.where(short & june, "2023-09-30", None) if june else None,
        "spent_cum_rp": ind["spent_rp"] * (1 if june else CUM_SHARE[month - 1]), "allocation_rp": ind["allocation_rp"],
    })


def capaian() -> pd.DataFrame:
    ind = indicators()
    return pd.concat([_month_rows(ind, 3, 0.97), _month_rows(ind, 6, 1.0)], ignore_index=True)


def scores() -> pd.DataFrame:
    """v_score rows of TW II (fixture values) and of TW I (means of the March rows, same rules)."""
    fx = fixture()
    exp = fx["scenarios"][0]["expected"]
    ind = indicators()
    sas = ind.drop_duplicates("sk_code").set_index("sasaran")
    rows = []
    for code, s in exp["sasaran"].items():
        v = s["nps"]["value"]
        rows.append(("sasaran", sas.at[code, "sk_code"], sas.at[code, "sk_name"], sas.at[code, "perspective"],
                     int(sas.at[code, "sk_order"]), v, s["criteria"]["value"], s["measured_indicators"]))
    for i, (code, p) in enumerate(exp["perspectives"].items()):
        rows.append(("perspective", PERSPECTIVE[code], PERSPECTIVE[code], None, i + 1, p["score"]["value"],
                     p["criteria"]["value"], p["measured_sasaran"]))
    t = exp["total"]
    rows.append(("total", "TOTAL", "NPS TOTAL", None, 1, t["score"]["value"], t["criteria"]["value"],
                 t["measured_perspectives"]))
    tw2 = pd.DataFrame(rows, columns=["level", "item_code", "item_name", "parent_code", "item_order", "value_pct",
                                      "kriteria", "n_measured"]).assign(quarter=2)
    tw1 = pd.DataFrame([("total", "TOTAL", "NPS TOTAL", None, 1, 101.2, "Memenuhi Ekspektasi", 3)],
                       columns=tw2.columns[:-1]).assign(quarter=1)
    out = pd.concat([tw1, tw2], ignore_index=True)
    return out.assign(unit_code=UNIT, unit_name=NAME, unit_type="balai", unit_group="Balai Besar/Balai",
                      year=YEAR, value_raw_pct=out["value_pct"], policy_id="sakip_2023")


def _ro() -> pd.DataFrame:
    return pd.DataFrame(fixture()["inputs"]["budget_ro"]["rows"])


def budget_ro() -> pd.DataFrame:
    ro = _ro()
    ratio = ro["progress_basis"] == "ratio"
    vol = ro["volume_realisasi"].astype(float)
    return pd.DataFrame({
        "unit_code": UNIT, "unit_name": NAME, "year": YEAR, "month": 6, "quarter": 2, "ro_code": ro["code"],
        "ro_name": ro["name"], "pagu_rp": ro["pagu"].astype(float), "pagu_after_aa_rp": ro["pagu"].astype(float),
        "spent_month_rp": np.nan, "spent_cum_rp": ro["realisasi"].astype(float), "planned_cum_rp": ro["pagu"] / 2,
        "realisation_pct": ro["realisasi"] / ro["pagu"] * 100, "realisation_aa_pct": ro["realisasi"] / ro["pagu"] * 100,
        "deviation_pct": np.nan, "volume_target": ro["volume_target"].astype(float), "volume_unit": None,
        "volume_cum": vol, "volume_pct": vol / ro["volume_target"] * 100,
        "progress_pct": ro["progress_pct_printed"].where(~ratio),
    })


def budget_unit() -> pd.DataFrame:
    ro = _ro()
    pagu, spent = float(ro["pagu"].sum()), float(ro["realisasi"].sum())
    months = np.arange(1, 13)
    planned_month = np.full(12, pagu / 12)
    spent_cum = np.concatenate([spent * CUM_SHARE, np.full(6, np.nan)])
    spent_month = np.diff(np.concatenate([[0], spent_cum]))
    planned_cum = planned_month.cumsum()
    return pd.DataFrame({
        "unit_code": UNIT, "unit_name": NAME, "unit_type": "balai", "unit_group": "Balai Besar/Balai", "year": YEAR,
        "month": months, "quarter": (months - 1) // 3 + 1, "pagu_rp": pagu, "pagu_after_aa_rp": pagu,
        "spent_month_rp": spent_month, "spent_cum_rp": spent_cum, "planned_month_rp": planned_month,
        "planned_cum_rp": planned_cum, "realisation_pct": spent_cum / pagu * 100,
        "realisation_aa_pct": spent_cum / pagu * 100,
        "deviation_pct": np.abs(spent_month - planned_month) / planned_month * 100,
    })


def rpd() -> pd.DataFrame:
    bu = budget_unit()
    return bu[["unit_code", "year", "month", "planned_month_rp", "planned_cum_rp", "spent_month_rp", "spent_cum_rp"]]


def budget_expense() -> pd.DataFrame:
    ro = _ro().assign(expense_type=lambda d: np.where(d["code"].isin(CAPITAL), "53", "52"))
    g = ro.groupby("expense_type", as_index=False)[["pagu", "realisasi"]].sum()
    pct = g["realisasi"] / g["pagu"] * 100
    return pd.DataFrame({
        "unit_code": UNIT, "year": YEAR, "month": 6, "quarter": 2, "expense_type": g["expense_type"],
        "expense_type_name": g["expense_type"].map(master.EXPENSE_TYPES), "pagu_rp": g["pagu"].astype(float),
        "pagu_after_aa_rp": g["pagu"].astype(float), "spent_cum_rp": g["realisasi"].astype(float),
        "planned_cum_rp": g["pagu"] / 2, "realisation_pct": pct, "realisation_aa_pct": pct,
    })


def efficiency() -> pd.DataFrame:
    fx = fixture()
    ind = indicators().set_index("code")
    eff = pd.DataFrame(fx["inputs"]["efficiency_rows"])
    exp = fx["expected_efficiency"]["rows"]
    val = lambda key: [exp[str(n)][key]["value"] for n in eff["no"]]  # noqa: E731
    rows = pd.DataFrame({
        "unit_code": UNIT, "year": YEAR, "quarter": 2, "sk_code": eff["indicator"].map(ind["sk_code"]),
        "sk_order": eff["indicator"].map(ind["sk_order"]), "indicator_code": eff["indicator"].map(ind["indicator_code"]),
        "indicator_name": eff["indicator"].map(ind["name"]), "indicator_order": eff["no"],
        "input_pagu_rp": eff["input_pagu"].astype(float), "input_realisasi_rp": eff["input_realisasi"].astype(float),
        "input_pct": val("input_pct"), "output_target": eff["output_target"], "output_realisasi": eff["output_realisasi"],
        "output_pct": val("output_pct"), "ie": val("ie"), "se": 1.0, "te": val("te"), "kategori": val("kategori"),
    })
    rows = rows.assign(kategori=rows["kategori"].replace("NA", None))
    t_in, r_in = rows["input_pagu_rp"].sum(), rows["input_realisasi_rp"].sum()
    out_pct = rows["output_pct"].mean()
    ie = out_pct / (r_in / t_in * 100)
    total = pd.DataFrame([{"unit_code": UNIT, "year": YEAR, "quarter": 2, "indicator_code": "TOTAL",
                           "indicator_name": "TOTAL", "input_pagu_rp": t_in, "input_realisasi_rp": r_in,
                           "input_pct": r_in / t_in * 100, "output_pct": out_pct, "ie": ie, "se": 1.0, "te": ie - 1,
                           "kategori": "Efisien" if ie >= 1 else "Tidak Efisien"}])
    return pd.concat([rows, total], ignore_index=True)


def efficiency_sasaran() -> pd.DataFrame:
    """v_efficiency_sasaran of TW II. The fixture has no efficiency per SK: made up here from its indicator rows
    (allocation and spending summed per SK) and each SK's NPS from uncapped capaian (``scores``)."""
    eff = efficiency()
    sums = eff[eff["indicator_code"] != "TOTAL"].groupby("sk_code", as_index=False)[
        ["input_pagu_rp", "input_realisasi_rp"]].sum()
    sc = scores()
    nps = sc[(sc["year"] == YEAR) & (sc["quarter"] == 2) & (sc["level"] == "sasaran")][["item_code", "value_raw_pct"]]
    names = plan()[["sk_code", "sk_name", "sk_order", "perspective"]].drop_duplicates("sk_code")
    rows = sums.merge(nps, left_on="sk_code", right_on="item_code", how="left").merge(names, on="sk_code", how="left")
    input_pct = rows["input_realisasi_rp"] / rows["input_pagu_rp"] * 100
    ie = rows["value_raw_pct"] / input_pct
    return pd.DataFrame({
        "unit_code": UNIT, "unit_name": "Balai POM di Kupang", "year": YEAR, "quarter": 2, "sk_code": rows["sk_code"],
        "sk_name": rows["sk_name"], "sk_order": rows["sk_order"], "perspective": rows["perspective"],
        "input_pagu_rp": rows["input_pagu_rp"], "input_realisasi_rp": rows["input_realisasi_rp"],
        "input_pct": input_pct, "output_pct": rows["value_raw_pct"], "ie": ie, "se": 1.0, "te": ie - 1.0,
        "kategori": np.where(ie.isna(), "NA", np.where(ie >= 1, "Efisien", "Tidak Efisien"))})


def plan() -> pd.DataFrame:
    ind = indicators()
    ramp = ind["pattern"].isin(["kumulatif", "tahapan"])
    cols = {}
    for m in range(1, 13):
        flat = ind["target_annual"].where(ind["pattern"] == "flat")
        ramped = (ind["target_tw"] * m / 6).round(2).where(ramp) if m < 12 else ind["target_annual"].where(ramp)
        end = ind["target_annual"].where((ind["pattern"] == "akhir_tahun") & (m == 12))
        cols[f"b{m:02d}"] = flat.fillna(ramped).fillna(end)
    return pd.DataFrame({
        "unit_code": UNIT, "year": YEAR, "sk_code": ind["sk_code"], "sk_name": ind["sk_name"],
        "sk_order": ind["sk_order"], "perspective": ind["perspective"], "indicator_code": ind["indicator_code"],
        "indicator_name": ind["name"], "indicator_order": ind["indicator_order"], "unit_of_measure": ind["satuan"],
        "polarity": "naik", "is_iku": ind["is_iku"], "weight": ind["weight"].astype(float),
        "annual_target": ind["target_annual"], "pattern": ind["pattern"], "allocation_rp": ind["allocation_rp"], **cols,
    })


def header() -> pd.DataFrame:
    fx = fixture()
    pagu = float(_ro()["pagu"].sum())
    return pd.DataFrame([{"unit_code": UNIT, "unit_name": NAME, "unit_type": "balai", "province": "Nusa Tenggara Timur",
                          "year": YEAR, "dipa_number": fx["inputs"]["budget_ro"]["dipa"]["number"],
                          "pk_date": date(2022, 12, 19), "head_name": fx["unit"]["head"], "pagu_rp": pagu,
                          "pagu_after_aa_rp": pagu, "n_ro": len(_ro())}])


def submissions() -> pd.DataFrame:
    rows = [(1, "rencana", None, 1, f"{UNIT}_{YEAR}_rencana.xlsx", "a1" * 32, datetime(2023, 1, 5, 9, 0), True, None)]
    for m in range(1, 7):
        rows.append((m + 1, "bulanan", m, 1, f"{UNIT}_{YEAR}-{m:02d}.xlsx", f"{m:02d}" * 32,
                     datetime(2023, m + 1, 5, 10, 0), m != 6, 9 if m == 6 else None))
    rows.append((9, "bulanan", 6, 2, f"{UNIT}_{YEAR}-06_revisi.xlsx", "f6" * 32, datetime(2023, 7, 8, 14, 30), True, None))
    frame = pd.DataFrame(rows, columns=["submission_id", "kind", "month", "version", "file_name", "file_hash",
                                        "received_at", "is_current", "superseded_by"])
    return frame.assign(unit_code=UNIT, year=YEAR, steward="Maria Seran, S.Farm", verdict="accepted", n_errors=0,
                        n_warnings=0, received_at=frame["received_at"].dt.tz_localize(timezone.utc),
                        is_current=frame["is_current"].astype("boolean"))


def kupang_report_data() -> ReportData:
    """The whole in-memory ``ReportData`` of Kupang TW II 2023."""
    return ReportData(
        unit_code=UNIT, year=YEAR, quarter=QUARTER, header=header(), plan=plan(), capaian=capaian(), scores=scores(),
        budget_ro=budget_ro(), budget_expense=budget_expense(), budget_unit=budget_unit(), rpd=rpd(),
        efficiency=efficiency(), submissions=submissions(), policy=policy_info(UNIT, YEAR, "sakip_2023"),
        efficiency_sasaran=efficiency_sasaran(),
    )
