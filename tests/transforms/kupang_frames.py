"""The Kupang TW II 2023 golden case as the transforms' input frames (test data, not product code).

Built from ``shared/fixtures/kupang_2023_tw2.json``: one reported month, June (TW II = month 6).
- plan_indicators: the 29 indicators with catalogue codes (fixture '1.1' → ``iku_no_seed003``),
  catalogue sasaran codes, polarity 'naik', IKU 'Ya', weight 1, allocation_rp = Lampiran 4 input pagu;
- targets: the TW II target in month 6 for measured indicators, NaN for unmeasured (year-end) ones;
- realisations: month 6 realisasi, numerator/denominator, spent_cum_rp = Lampiran 4 input realisasi;
- plan_budget / rpd / spending: the 21 RO rows, all as jenis belanja 52 (the fixture has no split),
  pagu setelah AA = pagu, RPD = pagu / 12 a month, the whole TW II realisation spent in June.
Expected values are read from the fixture by the tests, never from product code.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reference import master

UNIT = "BPOM-KPG"
YEAR = 2023
MONTH = 6
PERSPECTIVE = {"STK": "Stakeholder", "IP": "Internal Process", "LG": "Learning and Growth"}
EXPENSE_TYPE = "52"
_HERE = Path(__file__).resolve()
_CANDIDATES = [
    Path(os.environ["SAKIP_KUPANG_FIXTURE"]) if os.environ.get("SAKIP_KUPANG_FIXTURE") else None,
    _HERE.parents[2].parent / "shared" / "fixtures" / "kupang_2023_tw2.json",
    _HERE.parents[1] / "fixtures" / "kupang_2023_tw2.json",
    Path("/work/shared/fixtures/kupang_2023_tw2.json"),
]


@lru_cache(maxsize=1)
def fixture() -> dict:
    """The fixture JSON. It is always present (``../shared``), so a missing one fails the test loudly
    rather than skipping it."""
    for path in filter(None, _CANDIDATES):
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    searched = ", ".join(str(p) for p in filter(None, _CANDIDATES))
    pytest.fail(f"Kupang fixture kupang_2023_tw2.json not found (searched {searched}; set SAKIP_KUPANG_FIXTURE)")


@lru_cache(maxsize=1)
def indicator_codes() -> dict[str, str]:
    """Fixture code ('1.1') → catalogue indicator code ('IKU-OBAT-MS')."""
    cat = master.indicators()
    cat = cat[cat["iku_no_seed003"] != ""]
    return dict(zip(cat["iku_no_seed003"], cat["code"]))


@lru_cache(maxsize=1)
def sasaran_codes() -> dict[str, str]:
    """Fixture sasaran code ('SK1') → catalogue sasaran code ('SAS-OM-MS')."""
    seed = master.sasaran().query("seed == '003'")
    return dict(zip(seed["sasaran_no"].str.replace(".", "", regex=False), seed["sasaran_code"]))


def _indicators() -> pd.DataFrame:
    fx = fixture()
    ind = pd.DataFrame(fx["inputs"]["indicators"])
    eff = pd.DataFrame(fx["inputs"]["efficiency_rows"]).rename(columns={"indicator": "code"})
    return ind.merge(eff[["code", "input_pagu", "input_realisasi"]], on="code")


def plan_sasaran() -> pd.DataFrame:
    """One row per SK: unit_code, year, sk_code, sk_name, perspective, sk_order."""
    sas = pd.DataFrame(fixture()["inputs"]["sasaran"])
    return pd.DataFrame({"unit_code": UNIT, "year": YEAR, "sk_code": sas["code"].map(sasaran_codes()),
                         "sk_name": sas["name"], "perspective": sas["perspective"].map(PERSPECTIVE),
                         "sk_order": range(1, len(sas) + 1)})


def plan_indicators() -> pd.DataFrame:
    """One row per indicator of the plan, as the plan workbook's Indikator sheet gives it."""
    ind = _indicators()
    cat = master.indicators().set_index("code")
    codes = ind["code"].map(indicator_codes())
    inverse_pattern = {v: k for k, v in master.PATTERNS.items()}
    return pd.DataFrame({
        "unit_code": UNIT, "year": YEAR, "sk_code": ind["sasaran"].map(sasaran_codes()),
        "indicator_code": codes, "indicator_name": ind["name"], "polarity": "naik",
        "weight": ind["weight"].astype(float), "is_iku": np.where(ind["is_iku"], "Ya", "Tidak"),
        "pattern": codes.map(cat["measurement"]).map(inverse_pattern),
        "annual_target": ind["target_annual"].astype(float), "allocation_rp": ind["input_pagu"].astype(float)})


def targets() -> pd.DataFrame:
    """RAPK long form for month 6: target_tw where measured, NaN otherwise."""
    ind = _indicators()
    target = ind["target_tw"].astype(float).where(ind["measured"])
    return pd.DataFrame({"unit_code": UNIT, "year": YEAR, "indicator_code": ind["code"].map(indicator_codes()),
                         "month": MONTH, "target": target})


def realisations() -> pd.DataFrame:
    """The June Kinerja sheet: one row per indicator."""
    ind = _indicators()
    return pd.DataFrame({
        "unit_code": UNIT, "year": YEAR, "month": MONTH, "indicator_code": ind["code"].map(indicator_codes()),
        "realisasi": ind["realisasi"].astype(float), "numerator": ind["numerator"].astype(float),
        "denominator": ind["denominator"].astype(float), "spent_cum_rp": ind["input_realisasi"].astype(float),
        "kendala": None, "rtl": None, "rtl_deadline": None})


def _ro_rows() -> pd.DataFrame:
    return pd.DataFrame(fixture()["inputs"]["budget_ro"]["rows"])


def plan_budget() -> pd.DataFrame:
    """The Pagu sheet: one line per RO (all jenis belanja 52)."""
    ro = _ro_rows()
    return pd.DataFrame({"unit_code": UNIT, "year": YEAR, "ro_code": ro["code"], "ro_name": ro["name"],
                         "expense_type": EXPENSE_TYPE, "pagu_rp": ro["pagu"].astype(float),
                         "pagu_after_aa_rp": ro["pagu"].astype(float),
                         "volume_target": ro["volume_target"].astype(float), "volume_unit": None})


def rpd() -> pd.DataFrame:
    """RPD long form: each line's pagu spread evenly over 12 months."""
    lines = plan_budget()
    months = pd.DataFrame({"month": range(1, 13)})
    out = lines.merge(months, how="cross")
    return out.assign(planned_rp=out["pagu_rp"] / 12)[["unit_code", "year", "ro_code", "expense_type", "month",
                                                         "planned_rp"]]


def spending() -> pd.DataFrame:
    """Anggaran sheets: the TW II realisation of each RO spent in June (months 1-5 unreported)."""
    ro = _ro_rows()
    return pd.DataFrame({"unit_code": UNIT, "year": YEAR, "month": MONTH, "ro_code": ro["code"],
                         "expense_type": EXPENSE_TYPE, "spent_month_rp": ro["realisasi"].astype(float),
                         "volume_cum": pd.to_numeric(ro["volume_realisasi"], errors="coerce"),
                         "progress_pct": ro["progress_pct_printed"].astype(float)})


def expected() -> dict:
    """The fixture's expected scorecard (scenario 'policy')."""
    return next(s for s in fixture()["scenarios"] if s["id"] == "policy")["expected"]
