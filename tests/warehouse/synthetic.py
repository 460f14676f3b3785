"""Synthetic canonical frames, a stand-in recompute and table snapshots for the warehouse tests.

The frames look like the reader's (canonical columns, wide b01..b12, ``_row``), small enough to
check by eye: one unit (Balai POM di Kupang), two SKs, three indicators (one outside the
catalogue), three DIPA lines (one RO outside the catalogue).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from sinks.warehouse import schema as s
from sinks.warehouse.load import SubmissionMeta
from sinks.warehouse.read import UnitYearInputs

UNIT, YEAR = "BPOM-KPG", 2023
MONTHS = [f"b{m:02d}" for m in range(1, 13)]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def with_rows(frame: pd.DataFrame, first: int = 2) -> pd.DataFrame:
    """Add the reader's ``_row`` (Excel row numbers, header on row 1)."""
    return frame.assign(_row=range(first, first + len(frame)))


def plan_frames(drop_indicator: str | None = None) -> dict[str, pd.DataFrame]:
    sasaran = pd.DataFrame({
        "sk_code": ["SK.1", "SK.2"],
        "sk_name": ["Terwujudnya Obat dan Makanan yang memenuhi syarat", "Meningkatnya efektivitas pemeriksaan"],
        "perspective": ["Stakeholder", "Internal Process"],
    })
    indicators = pd.DataFrame({
        "sk_code": ["SK.1", "SK.1", "SK.2"],
        "indicator_code": ["IKU-OBAT-MS", "IKU-MAKANAN-MS", "KPG-LOKAL-1"],
        "indicator_name": ["Persentase Obat yang memenuhi syarat", "Persentase Makanan yang memenuhi syarat",
                           "Jumlah desa binaan"],
        "unit_of_measure": ["persen", "persen", "jumlah"],
        "polarity": ["naik", "naik", "naik"],
        "is_iku": ["Ya", "Ya", "Tidak"],
        "weight": [1.0, 1.0, 1.0],
        "annual_target": [92.0, 85.0, 12.0],
        "pattern": ["flat", "flat", "kumulatif"],
        "allocation_rp": [600_000_000.0, 300_000_000.0, 100_000_000.0],
    })
    rapk = pd.DataFrame(
        [["IKU-OBAT-MS", *[92.0] * 12], ["IKU-MAKANAN-MS", *[85.0] * 12],
         ["KPG-LOKAL-1", *[float(m) for m in range(1, 13)]]],
        columns=["indicator_code", *MONTHS],
    ).assign(b02=[92.0, None, 2.0])  # a blank month
    pagu = pd.DataFrame({
        "ro_code": ["AEA.001", "BAH.001", "KPG.901"],
        "ro_name": ["Laporan Analisis Kejahatan", "Keputusan/Sertifikasi Layanan Publik", "Output lokal"],
        "expense_type": ["52", "52", "53"],
        "pagu_rp": [600_000_000.0, 300_000_000.0, 100_000_000.0],
        "pagu_after_aa_rp": [540_000_000.0, 300_000_000.0, 100_000_000.0],
        "volume_target": [4.0, 120.0, None],
        "volume_unit": ["laporan", "keputusan", None],
    })
    rpd = pd.DataFrame(
        [["AEA.001", "52", *[50_000_000.0] * 12], ["BAH.001", "52", *[25_000_000.0] * 12],
         ["KPG.901", "53", *([None] * 5 + [100_000_000.0] + [None] * 6)]],
        columns=["ro_code", "expense_type", *MONTHS],
    )
    if drop_indicator:
        indicators = indicators[indicators["indicator_code"] != drop_indicator]
        rapk = rapk[rapk["indicator_code"] != drop_indicator]
    return {"Sasaran": with_rows(sasaran), "Indikator": with_rows(indicators), "RAPK": with_rows(rapk),
            "Pagu": with_rows(pagu), "RPD": with_rows(rpd)}


def monthly_frames(month: int = 1, realisasi_obat: float = 93.0, spent: float = 40_000_000.0) -> dict[str, pd.DataFrame]:
    kinerja = pd.DataFrame({
        "indicator_code": ["IKU-OBAT-MS", "IKU-MAKANAN-MS", "KPG-LOKAL-1"],
        "realisasi": [realisasi_obat, 80.0, float(month)],
        "numerator": [93.0, 80.0, None],
        "denominator": [100.0, 100.0, None],
        "spent_cum_rp": [spent * month, 20_000_000.0 * month, None],
        "kendala": [None, "Sampel terlambat", None],
        "rtl": [None, "Percepat pengujian", None],
        "rtl_deadline": [None, "Maret 2023", None],
    })
    anggaran = pd.DataFrame({
        "ro_code": ["AEA.001", "BAH.001", "KPG.901"],
        "expense_type": [52, 52.0, "53"],  # hostile: numbers and text for a code
        "spent_month_rp": [spent, 20_000_000.0, 0.0],
        "volume_cum": [1.0, 10.0 * month, None],
        "progress_pct": [None, None, 10.0],
    })
    sampling = pd.DataFrame({
        "commodity": ["OBAT", "PANGAN"], "method": ["Random", "Targeted"],
        "sampled": [110.0, 50], "tested": [100, 50], "ms": [93, 45], "tms": [7, 5],
    })
    inspection = pd.DataFrame({"facility_type": ["PROD", "DIST"], "inspected": [5, 8], "mk": [4, 8], "tmk": [1, 0]})
    enforcement = pd.DataFrame({
        "case_number": [f"PK-{month:02d}/2023"], "stage": ["SPDP"], "stage_date": [pd.Timestamp(YEAR, month, 15)],
    })
    return {"Kinerja": with_rows(kinerja), "Anggaran": with_rows(anggaran), "Sampling": with_rows(sampling),
            "Pemeriksaan": with_rows(inspection), "Penindakan": with_rows(enforcement)}


def plan_meta(tag: str = "v1", unit: str = UNIT, year: int = YEAR, note: str | None = None) -> SubmissionMeta:
    return SubmissionMeta(
        unit_code=unit, kind="rencana", year=year, month=None, file_name=f"{unit}_{year}_rencana.xlsx",
        file_hash=sha(f"plan {unit} {year} {tag}"), size_bytes=12_345,
        received_at=datetime(year, 1, 5, 9, 0, tzinfo=timezone.utc), steward="Ani", revision_note=note,
    )


def month_meta(month: int = 1, tag: str = "v1", unit: str = UNIT, year: int = YEAR, day: int = 8,
               note: str | None = None) -> SubmissionMeta:
    return SubmissionMeta(
        unit_code=unit, kind="bulanan", year=year, month=month, file_name=f"{unit}_{year}-{month:02d}.xlsx",
        file_hash=sha(f"month {unit} {year} {month} {tag}"), size_bytes=23_456,
        received_at=datetime(year + month // 12, month % 12 + 1, day, 10, 0), steward="Budi", revision_note=note,
    )


IDENTITY = {"dipa_number": "SP DIPA-063.01.2.432979/2023", "pk_date": date(2023, 1, 10),
            "head_name": "Drs. Kepala Balai", "revision_note": None}


@dataclass
class StandIn:
    """A stand-in for the transforms: small but shaped like theirs; remembers what it was given."""

    seen: list[UnitYearInputs] = field(default_factory=list)

    def __call__(self, inputs: UnitYearInputs) -> dict[str, pd.DataFrame]:
        self.seen.append(inputs)
        key = {"unit_code": inputs.unit_code, "year": inputs.year}
        capaian = self._capaian(inputs, key)
        return {
            "fact_capaian_month": capaian.assign(_debug="extra columns are ignored"),
            "fact_score_quarter": self._scores(capaian, inputs, key),
            **self._budget(inputs, key),
            "fact_budget_indicator_month": self._indicator_budget(capaian, inputs, key),
            "fact_sampling_ytd": self._ytd(inputs.sampling, ["commodity", "method"], ["sampled", "tested", "ms", "tms"], key),
            "fact_inspection_ytd": self._ytd(inputs.inspection, ["facility_type"], ["inspected", "mk", "tmk"], key),
            "fact_efficiency_quarter": self._efficiency(capaian, key),
            "fact_reconciliation_month": self._reconcile(inputs, key),
            "fact_reporting_status": self._status(inputs, key),
        }

    @staticmethod
    def _capaian(inputs: UnitYearInputs, key: dict[str, Any]) -> pd.DataFrame:
        real = inputs.indicator_month.drop(columns=["unit_code", "year", "submission_id"])
        merged = (
            real.merge(inputs.plan_target[["indicator_code", "month", "target"]], on=["indicator_code", "month"], how="left")
            .merge(inputs.plan_indicator[["indicator_code", "sk_code", "weight"]], on="indicator_code", how="left")
        )
        raw = merged["realisasi"] / merged["target"] * 100
        ov = inputs.overrides[["override_id", "month", "indicator_code", "capaian_pct"]].rename(
            columns={"capaian_pct": "override_pct"})
        merged = merged.assign(measured=merged["target"].notna(), capaian_raw_pct=raw).merge(
            ov, on=["month", "indicator_code"], how="left")
        final = merged["override_pct"].where(merged["override_pct"].notna(), merged["capaian_raw_pct"])
        return merged.assign(**key, capaian_pct=final, kriteria="stand-in").drop(columns=["override_pct"])

    @staticmethod
    def _scores(capaian: pd.DataFrame, inputs: UnitYearInputs, key: dict[str, Any]) -> pd.DataFrame:
        if capaian.empty:
            return pd.DataFrame()
        last = capaian[capaian["month"] == capaian["month"].max()]
        quarter = (int(last["month"].iloc[0]) - 1) // 3 + 1
        ind = last.assign(level="indicator", item_code=last["indicator_code"], parent_code=last["sk_code"],
                          value_pct=last["capaian_pct"], value_raw_pct=last["capaian_raw_pct"])
        sk = (ind.groupby("sk_code", as_index=False)[["value_pct", "value_raw_pct"]].mean()
              .assign(level="sasaran").rename(columns={"sk_code": "item_code"}))
        sk = sk.merge(inputs.plan_sasaran[["sk_code", "perspective"]].rename(columns={"sk_code": "item_code"}),
                      on="item_code").rename(columns={"perspective": "parent_code"})
        persp = (sk.groupby("parent_code", as_index=False)[["value_pct", "value_raw_pct"]].mean()
                 .assign(level="perspective").rename(columns={"parent_code": "item_code"}))
        total = pd.DataFrame([{"level": "total", "item_code": "TOTAL", "value_pct": persp["value_pct"].mean(),
                               "value_raw_pct": persp["value_raw_pct"].mean()}])
        rows = pd.concat([ind, sk, persp, total], ignore_index=True)
        return rows.assign(**key, quarter=quarter, kriteria="stand-in", n_measured=1, policy_id="standin")[
            ["unit_code", "year", "quarter", "level", "item_code", "parent_code", "value_raw_pct", "value_pct",
             "kriteria", "n_measured", "policy_id"]]

    @staticmethod
    def _budget(inputs: UnitYearInputs, key: dict[str, Any]) -> dict[str, pd.DataFrame]:
        spent = inputs.budget_month.sort_values("month")
        if spent.empty or inputs.plan_budget.empty:
            return {}
        lines = ["ro_code", "expense_type"]
        spent = spent.assign(spent_cum_rp=spent.groupby(lines)["spent_month_rp"].cumsum())
        plan = inputs.plan_rpd.sort_values("month").assign(planned_month_rp=lambda d: d["planned_rp"].fillna(0))
        plan = plan.assign(planned_cum_rp=plan.groupby(lines)["planned_month_rp"].cumsum())
        line = (
            spent.merge(inputs.plan_budget[lines + ["pagu_rp", "pagu_after_aa_rp", "volume_target"]], on=lines)
            .merge(plan[lines + ["month", "planned_month_rp", "planned_cum_rp"]], on=lines + ["month"])
        )
        line = line.assign(
            realisation_pct=line["spent_cum_rp"] / line["pagu_rp"] * 100,
            realisation_aa_pct=line["spent_cum_rp"] / line["pagu_after_aa_rp"] * 100,
            volume_pct=line["volume_cum"] / line["volume_target"] * 100,
        )
        amounts = ["pagu_rp", "pagu_after_aa_rp", "spent_month_rp", "spent_cum_rp", "planned_month_rp", "planned_cum_rp"]
        rollups = []
        for level, by in (("ro", "ro_code"), ("expense_type", "expense_type"), ("unit", None)):
            group = ["month"] + ([by] if by else [])
            agg = line.groupby(group, as_index=False)[amounts].sum()
            agg = agg.assign(level=level, item_code=agg[by] if by else inputs.unit_code)
            rollups.append(agg.assign(realisation_pct=agg["spent_cum_rp"] / agg["pagu_rp"] * 100,
                                      realisation_aa_pct=agg["spent_cum_rp"] / agg["pagu_after_aa_rp"] * 100))
        return {"fact_budget_line_month": line.assign(**key),
                "fact_budget_rollup_month": pd.concat(rollups, ignore_index=True).assign(**key)}

    @staticmethod
    def _indicator_budget(capaian: pd.DataFrame, inputs: UnitYearInputs, key: dict[str, Any]) -> pd.DataFrame:
        if capaian.empty:
            return pd.DataFrame()
        rows = capaian[["month", "indicator_code", "sk_code", "spent_cum_rp"]].merge(
            inputs.plan_indicator[["indicator_code", "allocation_rp"]], on="indicator_code")
        return rows.assign(**key, level="indicator", item_code=rows["indicator_code"], parent_code=rows["sk_code"],
                           realisation_pct=rows["spent_cum_rp"] / rows["allocation_rp"] * 100)

    @staticmethod
    def _ytd(counts: pd.DataFrame, by: list[str], names: list[str], key: dict[str, Any]) -> pd.DataFrame:
        if counts.empty:
            return pd.DataFrame()
        rows = counts.sort_values("month")[[*by, "month", *names]]
        return rows.assign(**key, **{f"{n}_cum": rows.groupby(by)[n].cumsum() for n in names})

    @staticmethod
    def _efficiency(capaian: pd.DataFrame, key: dict[str, Any]) -> pd.DataFrame:
        if capaian.empty:
            return pd.DataFrame()
        last = capaian[capaian["month"] == capaian["month"].max()]
        rows = last[["indicator_code", "sk_code", "capaian_raw_pct"]].rename(columns={"capaian_raw_pct": "output_pct"})
        rows = pd.concat([rows, pd.DataFrame([{"indicator_code": "TOTAL", "output_pct": rows["output_pct"].mean()}])])
        return rows.assign(**key, quarter=(int(last["month"].iloc[0]) - 1) // 3 + 1, input_pct=50.0,
                           ie=rows["output_pct"] / 50.0, se=1.0, kategori="Efisien")

    @staticmethod
    def _reconcile(inputs: UnitYearInputs, key: dict[str, Any]) -> pd.DataFrame:
        smp = inputs.sampling.query("commodity == 'OBAT' and method == 'Random'")
        real = inputs.indicator_month.query("indicator_code == 'IKU-OBAT-MS'")[["month", "realisasi"]]
        rec = real.merge(smp[["month", "ms", "tested"]], on="month")
        derived = rec["ms"] / rec["tested"] * 100
        return rec.assign(**key, indicator_code="IKU-OBAT-MS", derived_pct=derived, numerator=rec["ms"],
                          denominator=rec["tested"], difference=rec["realisasi"] - derived,
                          agrees=(rec["realisasi"] - derived).abs() <= 0.01)

    @staticmethod
    def _status(inputs: UnitYearInputs, key: dict[str, Any]) -> pd.DataFrame:
        subs = inputs.submissions.query("kind == 'bulanan'")
        if subs.empty:
            return pd.DataFrame()
        accepted = subs["verdict"] != "rejected"
        agg = subs.assign(accepted=accepted, loaded=accepted.astype(int)).groupby("month", as_index=False).agg(
            first_received_at=("received_at", "min"), last_received_at=("received_at", "max"),
            accepted=("accepted", "max"), n_versions=("loaded", "sum"))
        return agg.assign(**key, expected=True, received=True, on_time=True)


def snapshot(engine: Engine, tables: list[str] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table (or of ``tables``), sorted: equal snapshots = same warehouse."""
    out = {}
    with engine.connect() as conn:
        for table in s.metadata.sorted_tables:
            if tables is not None and table.name not in tables:
                continue
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def counts(engine: Engine) -> dict[str, int]:
    return {name: len(rows) for name, rows in snapshot(engine).items()}


FACT_TABLES = [t.name for t in (*s.PLAN_TABLES, *s.MONTHLY_TABLES.values(), *s.DERIVED_TABLES)]
