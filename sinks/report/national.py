"""The national roll-up of a quarter as a document model (same model and renderers as the unit report).

Contents: every unit's NPS TOTAL and kriteria (``v_score``), the budget ranking within Pusat /
Balai Besar-Balai / Loka against pagu setelah AA (``v_budget_ranking``), reporting completeness
(``v_reporting_completeness``) and the units that have not submitted (expected, not received).
Group totals are sums of the views' rows; no score is recomputed.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from sakip.periods import MONTHS_ID, period_range_label, quarter_label
from sinks.report import charts
from sinks.report import idformat as fmt
from sinks.report.content import Labels, Numbering
from sinks.report.criteria import NEUTRAL, PolicyInfo
from sinks.report.data import NationalData
from sinks.report.model import TOC, Block, BulletList, Document, Heading, Image, ListItem, PageBreak, Paragraph, Span, Table
from sinks.report.provenance import Provenance, national_fingerprint
from sinks.report.tables import when

GROUPS = ("Pusat", "Balai Besar/Balai", "Loka")


def _policy(data: NationalData, policy_id: object) -> PolicyInfo | None:
    return data.policies.get(str(policy_id)) if not fmt.is_missing(policy_id) else None


def _fill(data: NationalData, policy_id: object, label: object) -> str | None:
    pol = _policy(data, policy_id)
    return pol.fill(label) if pol else None


def unit_scores(data: NationalData) -> pd.DataFrame:
    """One row per unit with a score this quarter: NPS TOTAL, kriteria, last quarter's value."""
    s = data.scores
    now = s[s["quarter"] == data.quarter]
    before = s[s["quarter"] == data.quarter - 1][["unit_code", "value_pct"]].rename(columns={"value_pct": "prev_pct"})
    rows = now.merge(before, on="unit_code", how="left")
    group = rows["unit_group"].map({g: i for i, g in enumerate(GROUPS)}).fillna(len(GROUPS))
    return rows.assign(_g=group).sort_values(["_g", "value_pct"], ascending=[True, False]).drop(columns="_g")


def score_table(title: str, rows: pd.DataFrame, data: NationalData, prev_label: str) -> Table:
    body = tuple(
        (str(i + 1), str(r["unit_name"]), str(r["unit_group"] or "-"), fmt.number(r["prev_pct"], na="-"),
         fmt.number(r["value_pct"], na="NA"), str(r["kriteria"] or "NA"))
        for i, r in enumerate(rows.to_dict("records")))
    fills = tuple(((i, c), f) for i, r in enumerate(rows.to_dict("records")) for c in (4, 5)
                  if (f := _fill(data, r["policy_id"], r["kriteria"])))
    return Table(title=title, header=(("No", "Unit Kerja", "Kelompok", f"NPS TOTAL {prev_label}", "NPS TOTAL",
                                       "Kriteria"),), body=body, widths=(0.05, 0.37, 0.16, 0.12, 0.1, 0.2),
                 align=("c", "l", "l", "r", "r", "l"), cell_fills=fills, font_size=8)


def kriteria_chart(rows: pd.DataFrame, data: NationalData, num: Numbering) -> Image | None:
    if rows.empty:
        return None
    counts = rows.groupby("kriteria", sort=False).agg(n=("unit_code", "size"), policy_id=("policy_id", "first"))
    pol = next(iter(data.policies.values()), None)
    order = [b.label for b in pol.bands] if pol else []
    counts = counts.reindex([k for k in order if k in counts.index] + [k for k in counts.index if k not in order])
    colours = [pol.chart_colour(k) if pol else NEUTRAL[1] for k in counts.index]
    png = charts.count_bars(list(counts.index), counts["n"].tolist(), colours, "Jumlah unit kerja")
    return Image(png, num.caption("Gambar", "Jumlah unit kerja menurut kriteria NPS TOTAL"), width=0.8)


def ranking_table(title: str, rows: pd.DataFrame) -> Table:
    rows = rows.sort_values(["rank_in_group", "unit_name"])
    body = [(fmt.plain(r["rank_in_group"], 0, "-"), str(r["unit_name"]), fmt.integer(r["pagu_after_aa_rp"]),
             fmt.integer(r["spent_cum_rp"]), fmt.pct(r["realisation_aa_pct"]))
            for r in rows.to_dict("records")]
    pagu, spent = rows["pagu_after_aa_rp"].sum(), rows["spent_cum_rp"].sum()
    share = spent / pagu * 100 if pagu else None  # the group's realisation: sum of spending over sum of pagu
    body.append(("JUMLAH", "", fmt.integer(pagu), fmt.integer(spent), fmt.pct(share)))
    last = len(body) - 1
    return Table(title=title, header=(("Peringkat", "Unit Kerja", "Pagu Setelah AA (Rp)", "Realisasi (Rp)", "%"),),
                 body=tuple(body), widths=(0.1, 0.44, 0.18, 0.18, 0.1), align=("c", "l", "r", "r", "r"),
                 body_spans=(Span(last, 0, 1, 2),), bold_rows=(last,), font_size=8)


def completeness_rows(data: NationalData) -> pd.DataFrame:
    """One row per unit: months expected, received, on time, accepted, and the months missing."""
    c = data.completeness.assign(
        expected=data.completeness["expected"].fillna(False).astype(bool),
        received=data.completeness["received"].fillna(False).astype(bool),
        on_time=data.completeness["on_time"].fillna(False).astype(bool),
        accepted=data.completeness["accepted"].fillna(False).astype(bool))
    c = c[c["expected"]]
    missing = c[~c["received"]].sort_values("month").groupby("unit_code")["month"].agg(
        lambda ms: ", ".join(MONTHS_ID[int(m) - 1] for m in ms))
    agg = c.groupby(["unit_code", "unit_name", "unit_group"], as_index=False, dropna=False).agg(
        expected=("expected", "sum"), received=("received", "sum"), on_time=("on_time", "sum"),
        accepted=("accepted", "sum"))
    return agg.assign(missing=agg["unit_code"].map(missing).fillna("")).sort_values(["unit_group", "unit_name"])


def completeness_table(title: str, rows: pd.DataFrame) -> Table:
    body = tuple((str(i + 1), str(r["unit_name"]), str(r["unit_group"] or "-"), fmt.integer(r["expected"]),
                  fmt.integer(r["received"]), fmt.integer(r["on_time"]), fmt.integer(r["accepted"]))
                 for i, r in enumerate(rows.to_dict("records")))
    return Table(title=title, header=(("No", "Unit Kerja", "Kelompok", "Diharapkan", "Diterima", "Tepat Waktu",
                                       "Diterima Sah"),), body=body, widths=(0.05, 0.39, 0.16, 0.1, 0.1, 0.1, 0.1),
                 align=("c", "l", "l", "r", "r", "r", "r"), font_size=8)


def missing_table(title: str, rows: pd.DataFrame) -> Table:
    late = rows[rows["missing"] != ""]
    body = tuple((str(i + 1), str(r["unit_name"]), str(r["unit_group"] or "-"), r["missing"])
                 for i, r in enumerate(late.to_dict("records")))
    return Table(title=title, header=(("No", "Unit Kerja", "Kelompok", "Laporan Bulanan Belum Diterima"),),
                 body=body, widths=(0.05, 0.4, 0.17, 0.38), align=("c", "l", "l", "l"), font_size=8)


def summary(data: NationalData, scores: pd.DataFrame, comp: pd.DataFrame, lab: Labels) -> BulletList:
    counts = scores.groupby("kriteria").size()
    dist = "; ".join(f"{k}: {v} unit" for k, v in counts.items()) or "belum ada"
    items = [f"Sebanyak **{len(scores)}** unit kerja telah memiliki NPS TOTAL {lab.sd} {lab.year} ({dist})."]
    if not scores.empty:
        top = scores.sort_values("value_pct", ascending=False).iloc[0]
        low = scores.sort_values("value_pct").iloc[0]
        items.append(f"NPS TOTAL tertinggi {top['unit_name']} ({fmt.number(top['value_pct'])}) dan terendah "
                     f"{low['unit_name']} ({fmt.number(low['value_pct'])}).")
    r = data.ranking
    if not r.empty:
        pagu, spent = r["pagu_after_aa_rp"].sum(), r["spent_cum_rp"].sum()
        items.append(f"Realisasi anggaran seluruh unit kerja {lab.sd} {lab.year} sebesar **{fmt.rupiah(spent)}** "
                     f"({fmt.terbilang(spent)}) atau **{fmt.pct(spent / pagu * 100 if pagu else None)}** dari pagu "
                     f"setelah AA sebesar {fmt.rupiah(pagu)}.")
    if not comp.empty:
        n_missing = int((comp["missing"] != "").sum())
        items.append(f"Dari {fmt.integer(comp['expected'].sum())} laporan bulanan yang diharapkan, "
                     f"{fmt.integer(comp['received'].sum())} telah diterima ({fmt.integer(comp['on_time'].sum())} tepat "
                     f"waktu); {n_missing} unit kerja belum menyampaikan seluruh laporan bulanannya.")
    return BulletList(tuple(ListItem(f"{i + 1}.", t) for i, t in enumerate(items)))


def provenance_of(data: NationalData) -> Provenance:
    used, print_ = national_fingerprint(data.submissions, data.scores, data.overrides, data.year, data.quarter)
    return Provenance(version=None, fingerprint=print_, built_at=None, submissions=used)


def sources(prov: Provenance) -> list[Block]:
    subs = prov.submissions
    per_unit = subs.groupby("unit_code", as_index=False).agg(n=("submission_id", "size"), last=("received_at", "max"))
    body = tuple((str(i + 1), r["unit_code"], fmt.integer(r["n"]), when(r["last"]))
                 for i, r in enumerate(per_unit.to_dict("records")))
    version = f"versi {prov.version}" if prov.version is not None else "tanpa nomor versi"
    return [
        Heading(2, "Lampiran. Sumber Data"),
        Paragraph(f"Rekapitulasi ini ({version}) disusun dari {len(subs)} berkas laporan yang berlaku di data "
                  f"warehouse SAKIP; sidik data (fingerprint SHA-256) **{prov.fingerprint[:16]}**."),
        Table(title="Berkas sumber per unit kerja", header=(("No", "Kode Unit", "Jumlah Berkas", "Terakhir Diterima"),),
              body=body, widths=(0.08, 0.42, 0.2, 0.3), align=("c", "l", "r", "l"), font_size=8),
    ]


def national_report(data: NationalData, report_date: date | None = None, provenance: Provenance | None = None) -> Document:
    """The national roll-up of a quarter as a document model."""
    lab = Labels(data.year, data.quarter)
    prov = provenance or provenance_of(data)
    scores, comp = unit_scores(data), completeness_rows(data)
    prev = f"{quarter_label(data.quarter - 1, short=True)}" if data.quarter > 1 else "TW sebelumnya"
    num = Numbering()
    day = report_date or date.today()
    blocks: list[Block] = [
        Paragraph(f"LAPORAN KINERJA INTERIM {lab.triwulan.upper()} {lab.year}", "cover_title"),
        Paragraph("REKAPITULASI NASIONAL UNIT KERJA BADAN PENGAWAS OBAT DAN MAKANAN", "cover_subtitle"),
        Paragraph(f"Periode {period_range_label(data.quarter)} {data.year}", "cover_note"),
        Paragraph(f"Disusun {fmt.date_id(day)}", "cover_note"),
        PageBreak(),
        Heading(1, "RINGKASAN EKSEKUTIF"),
        summary(data, scores, comp, lab),
        PageBreak(),
        TOC(),
        PageBreak(),
    ]
    num.start("1")
    blocks += [Heading(1, "BAB I CAPAIAN KINERJA UNIT KERJA"),
               Paragraph(f"NPS TOTAL setiap unit kerja {lab.sd} {lab.year}, diurutkan menurut kelompok dan nilai:"),
               score_table(num.caption("Tabel", f"NPS TOTAL Unit Kerja {lab.triwulan} {lab.year}"), scores, data, prev)]
    chart = kriteria_chart(scores, data, num)
    blocks += [chart] if chart else []
    num.start("2")
    blocks += [PageBreak(), Heading(1, "BAB II REALISASI ANGGARAN"),
               Paragraph(f"Peringkat realisasi anggaran {lab.sd} {lab.year} terhadap pagu setelah automatic "
                         "adjustment (AA), dalam kelompok unit kerja:")]
    for group in GROUPS:
        rows = data.ranking[data.ranking["unit_group"] == group]
        if not rows.empty:
            blocks += [Heading(2, f"Kelompok {group}"),
                       ranking_table(num.caption("Tabel", f"Peringkat Realisasi Anggaran Kelompok {group}"), rows)]
    num.start("3")
    blocks += [PageBreak(), Heading(1, "BAB III KELENGKAPAN PELAPORAN"),
               completeness_table(num.caption("Tabel", f"Kelengkapan Laporan Bulanan Januari–{MONTHS_ID[data.end_month - 1]} "
                                                       f"{data.year}"), comp),
               Heading(2, "Unit Kerja yang Belum Menyampaikan Laporan")]
    if (comp["missing"] != "").any():
        blocks.append(missing_table(num.caption("Tabel", "Unit Kerja yang Belum Menyampaikan Laporan Bulanan"), comp))
    else:
        blocks.append(Paragraph("Seluruh unit kerja telah menyampaikan laporan bulanan yang diharapkan."))
    blocks += [PageBreak(), Heading(1, "LAMPIRAN"), *sources(prov)]
    return Document(title=f"Rekapitulasi Nasional Laporan Kinerja Interim {lab.triwulan} {lab.year}",
                    subject=f"SAKIP nasional {lab.year} {lab.tw}",
                    footer=f"Rekapitulasi Nasional Laporan Kinerja Interim {lab.triwulan} {lab.year}", blocks=tuple(blocks))
