"""Budget efficiency per indicator and per unit (Lampiran 4 "Pengukuran Efisiensi").

input % = spending attributed to the indicator (cumulative at the quarter-end month) / its allocation
× 100; output % = the indicator's uncapped capaian; IE = output % / input %; SE = the policy's standard
(1); TE = IE − SE; kategori from the policy's efficiency scheme on IE rounded half up (2 dp), the
policy's NA label where the output is not measured (or nothing was spent, so IE is undefined).
Unit total: output % = mean of the measured indicators' output %; input % = Σ spent / Σ allocation.
Per sasaran (SK, the Sekretariat Utama's "Efisiensi Berdasarkan Sasaran"): input % = Σ spent / Σ allocation
of the SK's indicators; output % = the SK's NPS from uncapped capaian; TE = (IE − SE) / SE.
"""
from __future__ import annotations

import pandas as pd

from reference.policy import ScoringPolicy, kriteria
from transforms.common import quarter_end_rows, ratio_pct

EFFICIENCY_COLUMNS = ["unit_code", "year", "quarter", "sk_code", "indicator_code", "input_pagu_rp",
                      "input_realisasi_rp", "input_pct", "output_target", "output_realisasi", "output_pct",
                      "ie", "se", "te", "kategori"]
SASARAN_EFFICIENCY_COLUMNS = ["unit_code", "year", "quarter", "sk_code", "input_pagu_rp", "input_realisasi_rp",
                              "input_pct", "output_pct", "ie", "se", "te", "kategori"]
TOTAL_CODE = "TOTAL"
_QUARTER = ["unit_code", "year", "quarter"]


def _indicator_rows(capaian: pd.DataFrame, plan_indicators: pd.DataFrame) -> pd.DataFrame:
    """One row per unit × year × quarter × indicator: allocation, spending, target, realisation, output %."""
    rows = quarter_end_rows(capaian).merge(
        plan_indicators[["unit_code", "year", "indicator_code", "allocation_rp"]], how="left",
        on=["unit_code", "year", "indicator_code"])
    return pd.DataFrame({
        "unit_code": rows["unit_code"], "year": rows["year"], "quarter": rows["quarter"],
        "sk_code": rows["sk_code"], "indicator_code": rows["indicator_code"],
        "input_pagu_rp": rows["allocation_rp"].astype(float), "input_realisasi_rp": rows["spent_cum_rp"].astype(float),
        "output_target": rows["target"], "output_realisasi": rows["realisasi"], "output_pct": rows["capaian_raw_pct"]})


def _total_rows(indicators: pd.DataFrame) -> pd.DataFrame:
    """One 'TOTAL' row per unit × year × quarter: Σ allocation, Σ spending, mean measured output %."""
    totals = indicators.groupby(_QUARTER, as_index=False).agg(
        input_pagu_rp=("input_pagu_rp", "sum"), input_realisasi_rp=("input_realisasi_rp", "sum"),
        output_pct=("output_pct", "mean"))
    return totals.assign(sk_code=None, indicator_code=TOTAL_CODE, output_target=float("nan"),
                         output_realisasi=float("nan"))


def _index(frame: pd.DataFrame, policy: ScoringPolicy) -> pd.DataFrame:
    """input %, IE, SE, TE and kategori from the frame's amounts and output %."""
    rule = policy.efficiency
    input_pct = ratio_pct(frame["input_realisasi_rp"], frame["input_pagu_rp"])
    ie = frame["output_pct"] / input_pct.where(input_pct != 0)
    return frame.assign(input_pct=input_pct, ie=ie, se=rule.se, te=ie - rule.se,
                        kategori=kriteria(ie, rule.scheme, rule.na_label, rule.decimals).to_numpy())


def efficiency(capaian: pd.DataFrame, plan_indicators: pd.DataFrame, policy: ScoringPolicy) -> pd.DataFrame:
    """Efficiency of every indicator at every reported quarter end, plus the unit total.

    One row per unit × year × quarter × indicator, and one row per unit × year × quarter with
    indicator_code 'TOTAL' (``EFFICIENCY_COLUMNS``). ``capaian`` is ``transforms.scoring.indicator_capaian``'s
    output; ``plan_indicators`` gives allocation_rp.
    """
    indicators = _indicator_rows(capaian, plan_indicators)
    out = pd.concat([indicators, _total_rows(indicators)], ignore_index=True).sort_values(_QUARTER, kind="stable")
    return _index(out, policy)[EFFICIENCY_COLUMNS].reset_index(drop=True)


def efficiency_by_sasaran(indicator_efficiency: pd.DataFrame, scores: pd.DataFrame,
                          policy: ScoringPolicy) -> pd.DataFrame:
    """Efficiency of every SK at every reported quarter end (domain item 8, per sasaran).

    ``indicator_efficiency``: :func:`efficiency`'s output (its indicator rows are summed per SK: input
    amounts); ``scores``: ``transforms.scoring.quarter_scores``' output (the SK's NPS from uncapped
    capaian, ``value_raw_pct`` of level 'sasaran', is the output %). One row per unit × year × quarter ×
    SK (``SASARAN_EFFICIENCY_COLUMNS``): input %, output %, IE = output % / input %, SE, TE = (IE − SE) / SE
    and kategori as for an indicator. The unit's own line is :func:`efficiency`'s 'TOTAL' row.
    """
    ind = indicator_efficiency[(indicator_efficiency["indicator_code"] != TOTAL_CODE)
                               & indicator_efficiency["sk_code"].notna()]
    sums = ind.groupby([*_QUARTER, "sk_code"], as_index=False)[["input_pagu_rp", "input_realisasi_rp"]].sum(min_count=1)
    nps = scores[scores["level"] == "sasaran"][[*_QUARTER, "item_code", "value_raw_pct"]].rename(
        columns={"item_code": "sk_code", "value_raw_pct": "output_pct"})
    frame = sums.merge(nps, how="left", on=[*_QUARTER, "sk_code"])
    out = _index(frame, policy)
    out = out.assign(te=(out["ie"] - out["se"]) / out["se"].where(out["se"] != 0))
    return out[SASARAN_EFFICIENCY_COLUMNS].sort_values([*_QUARTER, "sk_code"]).reset_index(drop=True)
