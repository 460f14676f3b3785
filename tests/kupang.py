"""The golden case: Balai POM di Kupang, TW II 2023, written as the contract's workbooks.

The fixture (``shared/fixtures/kupang_2023_tw2.json``) holds the inputs of the real interim report
(cumulative to June) and the outputs the pipeline must reproduce. This module turns the inputs into
the plan workbook and the monthly workbooks January–June a steward would have sent, so tests can run
the whole pipeline from files. It is test data, not product code.

What the fixture does not give is filled in, and said here:
- monthly targets (RAPK) come from the seed's Lampiran 2 (``tests/data/kupang_rapk_2023.csv``);
- the June realisations are the fixture's; earlier months scale cumulative and stage indicators by
  their RAPK ramp and repeat flat ones; indicators defined from sample/inspection counts are computed
  from the cumulative counts every month, so the two always agree;
- budget: each RO is one jenis belanja line (53 for equipment/facility ROs, 52 otherwise), Pagu
  Setelah AA = Pagu, the RPD spreads Pagu evenly, and spending reaches the fixture's June total along
  a fixed absorption curve;
- sampling and inspection totals (Jan–Jun) are the seed's (digest §6.2–6.3), spread over the months.
"""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from reference import master
from schemas.contract import MONTH_COLUMNS
from sinks.templates import write_workbook

REPO = Path(__file__).resolve().parent.parent
FIXTURE_PATH = REPO.parent / "shared" / "fixtures" / "kupang_2023_tw2.json"
RAPK_PATH = Path(__file__).resolve().parent / "data" / "kupang_rapk_2023.csv"
UNIT = "BPOM-KPG"
YEAR = 2023
MONTHS = range(1, 7)
#: Share of the June cumulative amount reached at the end of each month (absorption curve).
CUM_SHARE = np.array([0.08, 0.20, 0.37, 0.55, 0.75, 1.0])
PERSPECTIVE = {"STK": "Stakeholder", "IP": "Internal Process", "LG": "Learning and Growth"}
CAPITAL_ROS = {"CAN.001", "CAB.002", "RAB.001"}
#: Cumulative Jan-Jun counts (seed 003 digest 6.3): commodity, method -> (tested, ms).
SAMPLES = {("OBAT", "Random"): (401, 393), ("OBAT", "Targeted"): (192, 191),
           ("PANGAN", "Random"): (189, 181), ("PANGAN", "Targeted"): (58, 54),
           ("PANGAN-FORTIFIKASI", "Random"): (40, 38)}
#: Cumulative Jan-Jun inspections (digest 6.2): facility type -> (inspected, mk).
INSPECTIONS = {"PROD-IRTP": (38, 22), "YANFAR-APOTEK": (131, 90), "DIST-PANGAN": (206, 137)}
#: Enforcement cases: (case number, month, stage): 2 reach Tahap I, 1 stays at SPDP by June.
CASES = [("PKR-KPG-2023-01", 2, "SPDP"), ("PKR-KPG-2023-01", 4, "Tahap I"),
         ("PKR-KPG-2023-02", 3, "SPDP"), ("PKR-KPG-2023-02", 5, "Tahap I"),
         ("PKR-KPG-2023-03", 6, "SPDP")]
KENDALA = "Keterbatasan sumber daya dan jadwal kegiatan yang bergeser pada bulan berjalan."
RTL = "Koordinasi intensif dengan pemangku kepentingan dan percepatan pelaksanaan kegiatan."


@lru_cache(maxsize=1)
def load_fixture() -> dict:
    """The fixture JSON."""
    return json.loads(FIXTURE_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def catalogue_code() -> dict[str, str]:
    """Fixture code ('1.1') -> catalogue indicator code ('IKU-OBAT-MS')."""
    cat = master.indicators()
    cat = cat[cat["iku_no_seed003"] != ""]
    return dict(zip(cat["iku_no_seed003"], cat["code"]))


def _spread(total: int, share: np.ndarray = CUM_SHARE) -> np.ndarray:
    """Split an integer total into monthly integer parts whose running sum follows ``share``."""
    cum = np.floor(total * share).astype(int)
    cum[-1] = total
    return np.diff(np.concatenate([[0], cum]))


def _rapk() -> pd.DataFrame:
    return pd.read_csv(RAPK_PATH).drop(columns=["source"])


def _indicators() -> pd.DataFrame:
    """One row per fixture indicator with catalogue code, plan fields and efficiency inputs."""
    fx = load_fixture()
    ind = pd.DataFrame(fx["inputs"]["indicators"])
    eff = pd.DataFrame(fx["inputs"]["efficiency_rows"]).rename(columns={"indicator": "code"})
    ind = ind.merge(eff[["code", "input_pagu", "input_realisasi"]], on="code")
    cat = master.indicators().rename(columns={"code": "indicator_code"})
    ind = ind.assign(indicator_code=ind["code"].map(catalogue_code()))
    ind = ind.merge(cat[["indicator_code", "unit_of_measure", "measurement"]], on="indicator_code")
    sk_codes = _sasaran().set_index("fixture_code")["sk_code"]
    return ind.assign(sk_code=ind["sasaran"].map(sk_codes))


def _sasaran() -> pd.DataFrame:
    fx = load_fixture()
    sas = pd.DataFrame(fx["inputs"]["sasaran"])
    seed = master.sasaran().query("seed == '003'")
    codes = dict(zip(seed["sasaran_no"].str.replace(".", "", regex=False), seed["sasaran_code"]))
    return pd.DataFrame({
        "fixture_code": sas["code"],
        "sk_code": sas["code"].map(codes),
        "sk_name": sas["name"],
        "perspective": sas["perspective"].map(PERSPECTIVE),
    })


def _ro_rows() -> pd.DataFrame:
    ro = pd.DataFrame(load_fixture()["inputs"]["budget_ro"]["rows"])
    units = master.rincian_output().set_index("ro_code")["volume_unit"]
    return ro.assign(volume_unit=ro["code"].map(units).replace("", None),
                     expense_type=np.where(ro["code"].isin(CAPITAL_ROS), "53", "52"))


def plan_workbook() -> tuple[dict, dict[str, pd.DataFrame]]:
    """Identity and frames of Kupang's 2023 plan (Rencana Tahunan)."""
    fx = load_fixture()
    ind = _indicators()
    inverse_pattern = {v: k for k, v in master.PATTERNS.items()}
    identity = {"unit_code": UNIT, "year": YEAR, "dipa_number": fx["inputs"]["budget_ro"]["dipa"]["number"],
                "pk_date": date(2022, 12, 19), "head_name": fx["unit"]["head"]}
    indikator = pd.DataFrame({
        "sk_code": ind["sk_code"], "indicator_code": ind["indicator_code"], "indicator_name": ind["name"],
        "unit_of_measure": ind["unit_of_measure"], "polarity": "naik", "is_iku": "Ya",
        "weight": ind["weight"], "annual_target": ind["target_annual"],
        "pattern": ind["measurement"].map(inverse_pattern), "allocation_rp": ind["input_pagu"],
    })
    ro = _ro_rows()
    pagu = pd.DataFrame({"ro_code": ro["code"], "ro_name": ro["name"], "expense_type": ro["expense_type"],
                         "pagu_rp": ro["pagu"], "pagu_after_aa_rp": ro["pagu"],
                         "volume_target": ro["volume_target"], "volume_unit": ro["volume_unit"]})
    monthly = np.floor(ro["pagu"].to_numpy()[:, None] / 12).astype(int).repeat(12, axis=1)
    monthly[:, -1] = ro["pagu"].to_numpy() - monthly[:, :-1].sum(axis=1)
    rpd = pd.concat([pagu[["ro_code", "expense_type"]],
                     pd.DataFrame(monthly, columns=list(MONTH_COLUMNS))], axis=1)
    rapk = _rapk().set_index("indicator_code").loc[indikator["indicator_code"]].reset_index()
    sasaran = _sasaran().drop(columns=["fixture_code"])
    frames = {"Sasaran": sasaran, "Indikator": indikator, "RAPK": rapk, "Pagu": pagu, "RPD": rpd}
    return identity, frames


def _cum_counts(totals: dict, month: int) -> pd.DataFrame:
    """Cumulative (count, compliant) per key at a month, spread along the absorption curve."""
    rows = []
    for key, (count, ok) in totals.items():
        bad = count - ok
        count_cum = int(np.cumsum(_spread(count))[month - 1])
        bad_cum = min(int(np.cumsum(_spread(bad))[month - 1]), count_cum)
        rows.append((*key, count_cum, count_cum - bad_cum) if isinstance(key, tuple) else (key, count_cum, count_cum - bad_cum))
    return pd.DataFrame(rows)


def _sampling(month: int) -> pd.DataFrame:
    now = _cum_counts(SAMPLES, month).set_axis(["commodity", "method", "tested", "ms"], axis=1)
    before = (_cum_counts(SAMPLES, month - 1).set_axis(["commodity", "method", "tested", "ms"], axis=1)
              if month > 1 else now.assign(tested=0, ms=0))
    tested = now["tested"] - before["tested"]
    ms = now["ms"] - before["ms"]
    return pd.DataFrame({"commodity": now["commodity"], "method": now["method"], "sampled": tested,
                         "tested": tested, "ms": ms, "tms": tested - ms})


def _inspection(month: int) -> pd.DataFrame:
    now = _cum_counts(INSPECTIONS, month).set_axis(["facility_type", "inspected", "mk"], axis=1)
    before = (_cum_counts(INSPECTIONS, month - 1).set_axis(["facility_type", "inspected", "mk"], axis=1)
              if month > 1 else now.assign(inspected=0, mk=0))
    inspected = now["inspected"] - before["inspected"]
    mk = now["mk"] - before["mk"]
    return pd.DataFrame({"facility_type": now["facility_type"], "inspected": inspected, "mk": mk,
                         "tmk": inspected - mk})


def _derived_realisations(month: int) -> pd.DataFrame:
    """Cumulative numerator/denominator and realisation of the count-defined indicators."""
    samples = _cum_counts(SAMPLES, month).set_axis(["commodity", "method", "tested", "ms"], axis=1)
    insp = _cum_counts(INSPECTIONS, month).set_axis(["facility_type", "inspected", "mk"], axis=1)
    drug = samples["commodity"] == "OBAT"
    food = samples["commodity"] == "PANGAN"
    parts = {
        "IKU-OBAT-MS": samples[drug & (samples["method"] == "Random")],
        "IKU-OBAT-AMAN": samples[drug & (samples["method"] == "Targeted")],
        "IKU-MAKANAN-MS": samples[food & (samples["method"] == "Random")],
        "IKU-MAKANAN-AMAN": samples[food & (samples["method"] == "Targeted")],
        "IKU-FORTIFIKASI-MS": samples[samples["commodity"] == "PANGAN-FORTIFIKASI"],
    }
    rows = [(code, part["ms"].sum(), part["tested"].sum()) for code, part in parts.items()]
    prod = insp["facility_type"].str.startswith("PROD")
    rows += [("IKU-SARANA-PRODUKSI-MK", insp.loc[prod, "mk"].sum(), insp.loc[prod, "inspected"].sum()),
             ("IKU-SARANA-DISTRIBUSI-MK", insp.loc[~prod, "mk"].sum(), insp.loc[~prod, "inspected"].sum())]
    out = pd.DataFrame(rows, columns=["indicator_code", "numerator", "denominator"])
    return out.assign(realisasi=(out["numerator"] / out["denominator"] * 100).round(2))


def _kinerja(month: int) -> pd.DataFrame:
    ind = _indicators()
    rapk = _rapk().set_index("indicator_code")
    target_now = ind["indicator_code"].map(rapk[f"b{month:02d}"])
    target_june = ind["indicator_code"].map(rapk["b06"])
    ramps = ind["measurement"].isin(["cumulative", "stage_progress"])
    realisasi = np.where(ramps, (ind["realisasi"] * target_now / target_june).round(2), ind["realisasi"])
    realisasi = pd.Series(realisasi, index=ind.index).where(target_now.notna())
    june = month == 6
    numerator = ind["numerator"] if june else pd.Series(np.nan, index=ind.index)
    denominator = ind["denominator"] if june else pd.Series(np.nan, index=ind.index)
    derived = _derived_realisations(month).set_index("indicator_code")
    is_derived = ind["indicator_code"].isin(derived.index)
    code = ind["indicator_code"]
    realisasi = realisasi.mask(is_derived, code.map(derived["realisasi"]))
    numerator = numerator.mask(is_derived, code.map(derived["numerator"]))
    denominator = denominator.mask(is_derived, code.map(derived["denominator"]))
    short = (realisasi / target_now < 1).fillna(False)
    return pd.DataFrame({
        "indicator_code": code, "realisasi": realisasi, "numerator": numerator, "denominator": denominator,
        "spent_cum_rp": ind["input_realisasi"] if june else np.floor(ind["input_realisasi"] * CUM_SHARE[month - 1]),
        "kendala": np.where(short, KENDALA, None), "rtl": np.where(short, RTL, None),
        "rtl_deadline": np.where(short, "Triwulan berikutnya", None),
    })


def _anggaran(month: int) -> pd.DataFrame:
    ro = _ro_rows()
    spent = np.vstack([_spread(int(v)) for v in ro["realisasi"]])[:, month - 1]
    ratio = ro["progress_basis"] == "ratio"
    share = CUM_SHARE[month - 1]
    volume = np.floor(ro["volume_realisasi"].astype(float) * share)
    progress = (ro["progress_pct_printed"] * share).round(2)
    return pd.DataFrame({"ro_code": ro["code"], "expense_type": ro["expense_type"], "spent_month_rp": spent,
                         "volume_cum": volume, "progress_pct": progress.where(~ratio)})


def _penindakan(month: int) -> pd.DataFrame:
    rows = [(case, stage, date(YEAR, m, 15)) for case, m, stage in CASES if m == month]
    return pd.DataFrame(rows, columns=["case_number", "stage", "stage_date"])


def monthly_workbook(month: int) -> tuple[dict, dict[str, pd.DataFrame]]:
    """Identity and frames of Kupang's monthly report for a month of January-June 2023."""
    identity = {"unit_code": UNIT, "year": YEAR, "month": month, "steward": "Maria Seran, S.Farm",
                "sent_date": date(YEAR, month + 1, 5)}
    frames = {"Kinerja": _kinerja(month), "Anggaran": _anggaran(month), "Sampling": _sampling(month),
              "Pemeriksaan": _inspection(month), "Penindakan": _penindakan(month)}
    return identity, frames


#: Bytes of each Kupang workbook already written by this process, by (file name, deadline day): a workbook
#: is the same bytes whenever its content is (``sinks.templates.save_reproducibly``), so later inboxes get
#: a copy instead of a second rendering (~70 ms a workbook, and about twenty inboxes a test session).
_WRITTEN: dict[tuple[str, int], bytes] = {}


def _write_once(path: Path, kind: str, build) -> None:
    """Write ``build()``'s workbook to ``path``, or the bytes this process wrote for it before."""
    from sakip.settings import get_settings

    key = (path.name, get_settings().deadline_day)  # the template's instructions state the deadline day
    if key not in _WRITTEN:
        identity, frames = build()
        write_workbook(kind, identity, frames, path)
        _WRITTEN[key] = path.read_bytes()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_WRITTEN[key])


def write_kupang_inbox(inbox: Path, months: range = MONTHS) -> list[Path]:
    """Write the plan and the monthly workbooks into ``inbox/BPOM-KPG/`` and return their paths (each a
    new file, written now, as a steward's upload is)."""
    folder = inbox / UNIT
    paths = [folder / f"{UNIT}_{YEAR}_rencana.xlsx"]
    _write_once(paths[0], "rencana", plan_workbook)
    for month in months:
        paths.append(folder / f"{UNIT}_{YEAR}-{month:02d}.xlsx")
        _write_once(paths[-1], "bulanan", lambda m=month: monthly_workbook(m))
    return paths
