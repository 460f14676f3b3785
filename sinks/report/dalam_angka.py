"""The quarterly "Kinerja BPOM Dalam Angka" book as a document model (same model and renderers as the
unit report), after the real book (``seeds/004``, Triwulan II 2024).

Ringkasan (the headline figures: samples tested, facilities inspected, enforcement cases, budget
realisation), BAB 1 sampling/testing and facility inspections (tables and charts), BAB 2 enforcement
by stage, BAB 3 budget by unit group (bars of pagu against realisation) and by jenis belanja, BAB 4 every
unit's NPS TOTAL, Lampiran I the indicator matrix (capaian coloured by the policy's bands, "Akhir Tahun"
for year-end indicators), Lampiran II the three ranked budget tables (% against pagu and against pagu
setelah AA, group JUMLAH rows and the national total), Lampiran III completeness and the data sources.

Every figure is a row of a national view (``dalam_angka_data``), formatted with ``idformat``: the book
sums, divides and counts nothing. A quarter whose views say ``is_partial`` names the units that have
not reported and marks every total as provisional.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from sakip.periods import MONTHS_ID, period_range_label, quarter_label
from sinks.report import charts
from sinks.report import idformat as fmt
from sinks.report.content import Labels, Numbering
from sinks.report.criteria import COLOURS
from sinks.report.dalam_angka_data import BookData
from sinks.report.model import (TOC, Block, BulletList, Document, Heading, Image, ListItem, PageBreak, Paragraph,
                                SectionBreak, Span, Table)
from sinks.report.provenance import Provenance, national_fingerprint
from sinks.report.tables import when

#: Areas of the national views in the book's order, with the names the book prints.
GROUPS = ("Pusat", "Balai Besar/Balai", "Loka")
NATIONAL = "Indonesia"
AREA_LABEL = {"Pusat": "Pusat", "Balai Besar/Balai": "Balai Besar/Balai POM", "Loka": "Loka POM",
              NATIONAL: "Total Nasional"}
RANKING_TITLE = {"Pusat": "Unit Pusat", "Balai Besar/Balai": "Balai Besar/Balai POM", "Loka": "Loka POM"}
EXPENSE_ORDER = ("51", "52", "53", "TOTAL")
TOTAL = "TOTAL"
#: Chart colours: pagu, pagu setelah AA, realisation; compliant, not compliant.
PAGU, PAGU_AA, SPENT = "#A6BDDB", "#3C78B4", "#F28E2B"
GOOD, BAD = "#4E9A3A", "#D9452B"
YEAR_END = "Akhir Tahun"
PARTIAL_MARK = "*"


# ------------------------------------------------------------------------------------------ helpers
def _rows(frame: pd.DataFrame) -> list[dict]:
    return frame.to_dict("records")


def _one(frame: pd.DataFrame, **where: object) -> dict | None:
    """The single row of ``frame`` matching ``where`` (None when absent)."""
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    hit = frame[mask]
    return hit.iloc[0].to_dict() if not hit.empty else None


def _flag(row: dict | None) -> bool:
    return bool(row) and not fmt.is_missing(row.get("is_partial")) and bool(row.get("is_partial"))


def _total_label(row: dict | None, text: str = "JUMLAH") -> str:
    """"JUMLAH" or "JUMLAH*" when the row's figures miss units that have not reported."""
    return f"{text}{PARTIAL_MARK}" if _flag(row) else text


def _partial_note(row: dict | None) -> str:
    if not _flag(row):
        return ""
    return (f"{PARTIAL_MARK} Angka sementara: {fmt.integer(row['units_reported'])} dari "
            f"{fmt.integer(row['units_expected'])} unit kerja telah menyampaikan laporan; unit kerja yang belum "
            "melapor tercantum pada Lampiran III.")


def _ratio(count: object, pct: object) -> str:
    """"1.044 (29,71%)"."""
    return f"{fmt.integer(count)} ({fmt.pct(pct)})"


# -------------------------------------------------------------------------------------- frames read
def national_budget(data: BookData) -> pd.DataFrame:
    """v_budget_national at the quarter-end month, whole budget (expense_type TOTAL), in area order."""
    b = data.budget_group
    rows = b[(b["month"] == data.end_month) & (b["expense_type"] == TOTAL)]
    return rows.sort_values("area_order")


def missing_reports(data: BookData) -> pd.DataFrame:
    """Units expected and not received for months 1..quarter end (v_reporting_completeness), with the
    months named: the units a partial quarter names."""
    c = data.completeness
    if c.empty:
        return c.assign(missing="")
    expected = c["expected"].fillna(False).astype(bool)
    received = c["received"].fillna(False).astype(bool)
    gaps = c[expected & ~received].sort_values("month")
    names = gaps.groupby(["unit_code", "unit_name", "unit_group"], dropna=False, sort=False)["month"].agg(
        lambda ms: ", ".join(MONTHS_ID[int(m) - 1] for m in ms)).rename("missing").reset_index()
    order = names["unit_group"].map({g: i for i, g in enumerate(GROUPS)}).fillna(len(GROUPS))
    return names.assign(_g=order).sort_values(["_g", "unit_name"]).drop(columns="_g")


def unit_scores(data: BookData) -> pd.DataFrame:
    """One row per unit with an NPS TOTAL this quarter (v_score), with last quarter's value, by group."""
    s = data.scores
    now = s[s["quarter"] == data.quarter]
    before = s[s["quarter"] == data.quarter - 1][["unit_code", "value_pct"]].rename(columns={"value_pct": "prev_pct"})
    rows = now.merge(before, on="unit_code", how="left")
    group = rows["unit_group"].map({g: i for i, g in enumerate(GROUPS)}).fillna(len(GROUPS))
    return rows.assign(_g=group).sort_values(["_g", "value_pct"], ascending=[True, False]).drop(columns="_g")


# ------------------------------------------------------------------------------------------ headline
def headline(data: BookData, lab: Labels) -> list[Block]:
    """The Ringkasan: the four headline figures as a sentence and a table, and the partial-quarter note."""
    samples = _one(data.sampling, commodity=TOTAL, method=TOTAL)
    inspected = _one(data.inspection, facility_type=TOTAL)
    cases = _one(data.enforcement, stage=TOTAL)
    budget = _one(national_budget(data), area=NATIONAL)
    parts, rows = [], []
    if inspected:
        parts.append(f"pemeriksaan terhadap **{fmt.integer(inspected['inspected_cum'])}** sarana produksi dan "
                     "distribusi")
        rows.append(("Sarana produksi dan distribusi diperiksa", fmt.integer(inspected["inspected_cum"]),
                     f"{_ratio(inspected['tmk_cum'], inspected['tmk_cum_pct'])} tidak memenuhi ketentuan (TMK)"))
    if samples:
        parts.append(f"pengujian **{fmt.integer(samples['tested_cum'])}** sampel")
        rows.append(("Sampel diperiksa dan diuji", fmt.integer(samples["tested_cum"]),
                     f"{_ratio(samples['tms_cum'], samples['tms_cum_pct'])} tidak memenuhi syarat (TMS)"))
    if cases:
        parts.append(f"**{fmt.integer(cases['cases_at_stage'])}** perkara")
        rows.append(("Perkara tindak pidana Obat dan Makanan", fmt.integer(cases["cases_at_stage"]),
                     "ditangani PPNS Badan POM"))
    if budget:
        parts.append(f"realisasi anggaran **{fmt.rupiah(budget['spent_cum_rp'])}**")
        rows.append(("Realisasi anggaran", fmt.rupiah(budget["spent_cum_rp"]),
                     f"{fmt.pct(budget['realisation_pct'])} dari pagu; {fmt.pct(budget['realisation_aa_pct'])} "
                     "dari pagu setelah AA"))
    said = ", ".join(parts[:-1]) + (f", dan {parts[-1]}" if len(parts) > 1 else (parts[0] if parts else ""))
    blocks: list[Block] = [Heading(1, "RINGKASAN"), Paragraph(
        f"Kinerja Badan POM {lab.sd} Tahun {lab.year} dituangkan dalam \"Kinerja BPOM Dalam Angka\", disusun dari "
        "laporan bulanan unit kerja yang dimuat di data warehouse SAKIP. "
        + (f"Sampai dengan {lab.triwulan} Tahun {lab.year}, kinerja yang telah dicapai di antaranya adalah {said}."
           if parts else f"Belum ada data kinerja {lab.sd} Tahun {lab.year}."))]
    if rows:
        blocks.append(Table(title=f"Kinerja BPOM Dalam Angka {lab.sd} Tahun {lab.year}",
                            header=(("Uraian", "Jumlah", "Keterangan"),), body=tuple(rows),
                            widths=(0.38, 0.22, 0.4), align=("l", "r", "l"), font_size=9))
    blocks += partial_statement(data, lab)
    return blocks


def partial_statement(data: BookData, lab: Labels) -> list[Block]:
    """"Data belum lengkap": how many units reported the quarter-end month (the views' figures) and which
    units have not sent every month so far (v_reporting_completeness)."""
    nat = _one(national_budget(data), area=NATIONAL) or _one(data.sampling, commodity=TOTAL, method=TOTAL)
    missing = missing_reports(data)
    if not _flag(nat) and missing.empty:
        return [Paragraph(f"Seluruh unit kerja telah menyampaikan laporan bulanan s.d. {MONTHS_ID[data.end_month - 1]} "
                          f"{lab.year}; angka dalam buku ini lengkap.", "note")]
    head = (f"**Catatan: data {lab.triwulan} {lab.year} belum lengkap.** " if _flag(nat)
            else "**Catatan kelengkapan.** ")
    count = (f"Laporan {MONTHS_ID[data.end_month - 1]} {lab.year} baru diterima dari "
             f"{fmt.integer(nat['units_reported'])} dari {fmt.integer(nat['units_expected'])} unit kerja; seluruh "
             f"jumlah dan persentase bertanda {PARTIAL_MARK} bersifat sementara. " if _flag(nat) else "")
    names = "; ".join(f"{r['unit_name']} ({r['missing']})" for r in _rows(missing))
    return [Paragraph(head + count + (f"Unit kerja yang belum menyampaikan laporan bulanan: {names}." if names else ""),
                      "note")]


# ------------------------------------------------------------------------------------------- BAB 1
def inspection_section(data: BookData, lab: Labels, num: Numbering) -> list[Block]:
    ins = data.inspection
    total = _one(ins, facility_type=TOTAL)
    rows = ins[ins["facility_type"] != TOTAL].assign(
        _g=lambda f: f["reporting_group"].map({"produksi": 0, "distribusi": 1}).fillna(2))
    rows = rows.sort_values(["_g", "facility_name"])
    blocks: list[Block] = [Heading(2, "1.1 Pemeriksaan Sarana Produksi dan Distribusi")]
    if total is None or rows.empty:
        return blocks + [Paragraph(f"Belum ada hasil pemeriksaan sarana {lab.sd} Tahun {lab.year}.")]
    blocks.append(Paragraph(
        f"Badan POM melakukan pemeriksaan terhadap sarana produksi dan distribusi Obat dan Makanan untuk menjamin "
        f"kepatuhan terhadap cara produksi dan distribusi yang baik. Sampai dengan {lab.triwulan} Tahun {lab.year} "
        f"telah diperiksa sebanyak **{fmt.integer(total['inspected_cum'])}** sarana dengan "
        f"**{_ratio(total['tmk_cum'], total['tmk_cum_pct'])}** sarana tidak memenuhi ketentuan (TMK)."))
    body = [(str(i + 1), str(r["facility_name"]), str(r["reporting_group"] or "-").capitalize(),
             fmt.integer(r["inspected_cum"]), fmt.integer(r["mk_cum"]), fmt.integer(r["tmk_cum"]),
             fmt.pct(r["tmk_cum_pct"])) for i, r in enumerate(_rows(rows))]
    body.append((_total_label(total), "", "", fmt.integer(total["inspected_cum"]), fmt.integer(total["mk_cum"]),
                 fmt.integer(total["tmk_cum"]), fmt.pct(total["tmk_cum_pct"])))
    last = len(body) - 1
    blocks.append(Table(
        title=num.caption("Tabel", f"Profil Pemeriksaan Sarana Obat dan Makanan {lab.sd} Tahun {lab.year}"),
        header=(("No", "Jenis Sarana", "Kelompok", "Diperiksa", "MK", "TMK", "% TMK"),), body=tuple(body),
        widths=(0.06, 0.4, 0.14, 0.11, 0.1, 0.09, 0.1), align=("c", "l", "l", "r", "r", "r", "r"),
        body_spans=(Span(last, 0, 1, 3),), bold_rows=(last,), font_size=8,
        note="MK = Memenuhi Ketentuan; TMK = Tidak Memenuhi Ketentuan. " + _partial_note(total)))
    png = charts.stacked_hbars([str(r["facility_name"]) for r in _rows(rows)],
                               [("MK", rows["mk_cum"].tolist(), GOOD), ("TMK", rows["tmk_cum"].tolist(), BAD)],
                               "Jumlah sarana diperiksa",
                               totals=[f"{fmt.integer(r['inspected_cum'])} ({fmt.pct(r['tmk_cum_pct'])} TMK)"
                                       for r in _rows(rows)])
    blocks.append(Image(png, num.caption("Gambar", f"Profil Pemeriksaan Sarana Obat dan Makanan {lab.sd} Tahun "
                                                   f"{lab.year}"), width=0.95))
    return blocks


def _method_rows(data: BookData, method: str) -> pd.DataFrame:
    s = data.sampling
    rows = s[(s["method"] == method) & (s["commodity"] != TOTAL)]
    order = rows["supergroup"].map({"OBAT": 0, "MAKANAN": 1}).fillna(2)  # the book: Obat … first, Pangan last
    return rows.assign(_o=order).sort_values(["_o", "commodity_name"]).drop(columns="_o")


def sampling_section(data: BookData, lab: Labels, num: Numbering) -> list[Block]:
    s = data.sampling
    total = _one(s, commodity=TOTAL, method=TOTAL)
    methods = [m for m in ("Targeted", "Random") if not _method_rows(data, m).empty]
    methods += sorted(set(s.loc[(s["method"] != TOTAL), "method"]) - set(methods))
    blocks: list[Block] = [Heading(2, "1.2 Sampling dan Pengujian Laboratorium")]
    if total is None or not methods:
        return blocks + [Paragraph(f"Belum ada hasil sampling dan pengujian {lab.sd} Tahun {lab.year}.")]
    blocks.append(Paragraph(
        f"Sampai dengan {lab.triwulan} Tahun {lab.year}, dari **{fmt.integer(total['sampled_cum'])}** sampel yang "
        f"disampling terdapat **{fmt.integer(total['tested_cum'])}** sampel yang selesai diperiksa dan diuji "
        f"laboratorium, di mana **{_ratio(total['tms_cum'], total['tms_cum_pct'])}** sampel tidak memenuhi syarat."))
    body: list[tuple[str, ...]] = []
    spans, bold = [], []
    for letter, method in zip("abcdefgh", methods):
        spans.append(Span(len(body), 0, 1, 7))
        bold.append(len(body))
        body.append((f"{letter}. {method}", "", "", "", "", "", ""))
        rows = _method_rows(data, method)
        body += [(str(i + 1), str(r["commodity_name"]), fmt.integer(r["sampled_cum"]), fmt.integer(r["tested_cum"]),
                  fmt.integer(r["ms_cum"]), fmt.integer(r["tms_cum"]), fmt.pct(r["tms_cum_pct"]))
                 for i, r in enumerate(_rows(rows))]
        sub = _one(s, commodity=TOTAL, method=method)
        if sub:
            spans.append(Span(len(body), 0, 1, 2))
            bold.append(len(body))
            body.append((_total_label(sub, f"Jumlah {method}"), "", fmt.integer(sub["sampled_cum"]),
                         fmt.integer(sub["tested_cum"]), fmt.integer(sub["ms_cum"]), fmt.integer(sub["tms_cum"]),
                         fmt.pct(sub["tms_cum_pct"])))
    spans.append(Span(len(body), 0, 1, 2))
    bold.append(len(body))
    body.append((_total_label(total), "", fmt.integer(total["sampled_cum"]), fmt.integer(total["tested_cum"]),
                 fmt.integer(total["ms_cum"]), fmt.integer(total["tms_cum"]), fmt.pct(total["tms_cum_pct"])))
    blocks.append(Table(
        title=num.caption("Tabel", f"Profil Sampling dan Pengujian Obat dan Makanan {lab.sd} Tahun {lab.year}"),
        header=(("No", "Komoditi", "Jumlah Sampling", "Jumlah Diuji", "MS", "TMS", "% TMS"),), body=tuple(body),
        widths=(0.06, 0.36, 0.14, 0.13, 0.11, 0.1, 0.1), align=("c", "l", "r", "r", "r", "r", "r"),
        body_spans=tuple(spans), bold_rows=tuple(bold), font_size=8,
        note="MS = Memenuhi Syarat; TMS = Tidak Memenuhi Syarat; % TMS = TMS terhadap sampel yang diuji. "
             + _partial_note(total)))
    chart_rows = pd.concat([_method_rows(data, m) for m in methods])
    png = charts.stacked_hbars([f"{r['commodity_name']} ({r['method']})" for r in _rows(chart_rows)],
                               [("MS", chart_rows["ms_cum"].tolist(), GOOD), ("TMS", chart_rows["tms_cum"].tolist(), BAD)],
                               "Jumlah sampel diuji",
                               totals=[f"{fmt.integer(r['tested_cum'])} ({fmt.pct(r['tms_cum_pct'])} TMS)"
                                       for r in _rows(chart_rows)])
    blocks.append(Image(png, num.caption("Gambar", f"Hasil Pengujian Sampel Obat dan Makanan {lab.sd} Tahun "
                                                   f"{lab.year}"), width=0.95))
    return blocks


# ------------------------------------------------------------------------------------------- BAB 2
def enforcement_section(data: BookData, lab: Labels, num: Numbering) -> list[Block]:
    e = data.enforcement
    total = _one(e, stage=TOTAL)
    stages = e[e["stage"] != TOTAL].sort_values("stage_order")
    blocks: list[Block] = [Heading(1, "BAB 2 PENINDAKAN DI BIDANG OBAT DAN MAKANAN")]
    if stages.empty:
        return blocks + [Paragraph(f"Belum ada perkara yang dilaporkan {lab.sd} Tahun {lab.year}.")]
    listing = "; ".join(f"{r['stage']} {fmt.integer(r['cases_at_stage'])} perkara" for r in _rows(stages))
    opening = (f"Sampai dengan {lab.triwulan} Tahun {lab.year}, PPNS Badan POM telah menindaklanjuti "
               f"**{fmt.integer(total['cases_at_stage'])}** perkara, menurut tahap terakhirnya: " if total else
               f"Kemajuan perkara {lab.sd} Tahun {lab.year} menurut tahap terakhirnya: ")
    blocks.append(Paragraph(opening + listing + "."))
    body = [(str(r["stage"]), fmt.integer(r["cases_at_stage"]), fmt.integer(r["cases_moved_month"]))
            for r in _rows(stages)]
    bold = ()
    if total:
        body.append((_total_label(total), fmt.integer(total["cases_at_stage"]), fmt.integer(total["cases_moved_month"])))
        bold = (len(body) - 1,)
    blocks.append(Table(
        title=num.caption("Tabel", f"Kemajuan Perkara Tindak Pidana Obat dan Makanan {lab.sd} Tahun {lab.year}"),
        header=(("Tahap", "Jumlah Perkara (posisi terakhir)", f"Bergerak pada {MONTHS_ID[data.end_month - 1]}"),),
        body=tuple(body), widths=(0.4, 0.3, 0.3), align=("l", "r", "r"), bold_rows=bold, font_size=9,
        note=_partial_note(total or _one(e, stage=stages.iloc[0]["stage"]))))
    png = charts.count_bars([str(s) for s in stages["stage"]], stages["cases_at_stage"].astype(int).tolist(),
                            ["3C78B4"] * len(stages), "Jumlah perkara")
    blocks.append(Image(png, num.caption("Gambar", f"Grafik Kemajuan Perkara Tindak Pidana Obat dan Makanan {lab.sd} "
                                                   f"Tahun {lab.year}"), width=0.85))
    return blocks


# ------------------------------------------------------------------------------------------- BAB 3
def budget_section(data: BookData, lab: Labels, num: Numbering) -> list[Block]:
    areas = national_budget(data)
    nat = _one(areas, area=NATIONAL)
    groups = areas[areas["area"] != NATIONAL]
    month = MONTHS_ID[data.end_month - 1]
    blocks: list[Block] = [Heading(1, f"BAB 3 REALISASI ANGGARAN SAMPAI DENGAN {month.upper()} {lab.year}")]
    if nat is None:
        return blocks + [Paragraph(f"Belum ada data anggaran {lab.sd} Tahun {lab.year}.")]
    counts = data.ranking.drop_duplicates("unit_group").set_index("unit_group")["units_in_group"]
    spread = ", ".join(f"{fmt.integer(counts[g])} satker {AREA_LABEL[g]}" for g in GROUPS if g in counts.index)
    per_group = "; ".join(f"{AREA_LABEL[r['area']]} {fmt.rupiah(r['spent_cum_rp'])}" for r in _rows(groups))
    blocks.append(Paragraph(
        f"Total anggaran Badan POM Tahun Anggaran {lab.year} sebesar **{fmt.rupiah(nat['pagu_rp'])}** "
        f"({fmt.terbilang(nat['pagu_rp'])}), dan setelah automatic adjustment (AA) sebesar "
        f"**{fmt.rupiah(nat['pagu_after_aa_rp'])}** (diblokir AA {fmt.rupiah(nat['withheld_aa_rp'])})"
        + (f", tersebar untuk {spread}" if spread else "") + ". "
        f"Realisasi anggaran s.d. {month} {lab.year} sebesar **{fmt.rupiah(nat['spent_cum_rp'])}** "
        f"(**{fmt.pct(nat['realisation_pct'])}** dari pagu; **{fmt.pct(nat['realisation_aa_pct'])}** dari pagu "
        f"setelah AA)" + (f", terdiri dari realisasi {per_group}" if per_group else "") + "."))
    body = [(AREA_LABEL.get(r["area"], str(r["area"])), fmt.integer(r["pagu_rp"]), fmt.integer(r["pagu_after_aa_rp"]),
             fmt.integer(r["spent_cum_rp"]), fmt.pct(r["realisation_pct"]), fmt.pct(r["realisation_aa_pct"]))
            for r in _rows(groups)]
    body.append((_total_label(nat, "Total"), fmt.integer(nat["pagu_rp"]), fmt.integer(nat["pagu_after_aa_rp"]),
                 fmt.integer(nat["spent_cum_rp"]), fmt.pct(nat["realisation_pct"]), fmt.pct(nat["realisation_aa_pct"])))
    header = ("Unit Kerja", "Pagu (Rp)", "Pagu Setelah AA (Rp)", "Realisasi (Rp)", "% thd Pagu", "% thd Pagu Setelah AA")
    blocks.append(Table(title=num.caption("Tabel", f"Realisasi Anggaran per Kelompok Unit Kerja s.d. {month} {lab.year}"),
                        header=(header,), body=tuple(body), widths=(0.22, 0.17, 0.17, 0.17, 0.12, 0.15),
                        align=("l", "r", "r", "r", "r", "r"), bold_rows=(len(body) - 1,), font_size=8,
                        note=_partial_note(nat)))
    if not groups.empty:
        png = charts.paired_bars(
            [AREA_LABEL[a] for a in groups["area"]],
            [("Pagu", groups["pagu_rp"].tolist(), PAGU), ("Pagu setelah AA", groups["pagu_after_aa_rp"].tolist(), PAGU_AA),
             ("Realisasi", groups["spent_cum_rp"].tolist(), SPENT)],
            "Miliar rupiah", scale=1e9,
            value_labels=[[], [], [f"{fmt.pct(p)}\n{fmt.pct(q)}" for p, q in
                                   zip(groups["realisation_pct"], groups["realisation_aa_pct"])]])
        blocks.append(Image(png, num.caption("Gambar", f"Pagu dan Realisasi Anggaran per Kelompok Unit Kerja s.d. "
                                                       f"{month} {lab.year} (label realisasi: % thd pagu, di bawahnya % thd pagu setelah AA)")))
    blocks += expense_table(data, lab, num)
    blocks += absorption_chart(data, lab, num)
    return blocks


def expense_table(data: BookData, lab: Labels, num: Numbering) -> list[Block]:
    """Pagu and realisation per jenis belanja nationally (the book's second budget table), columns 51/52/53/Total."""
    e = data.budget_group
    nat = e[(e["month"] == data.end_month) & (e["area"] == NATIONAL)]
    cols = [_one(nat, expense_type=t) for t in EXPENSE_ORDER]
    cols = [c for c in cols if c]
    if not cols:
        return []
    def line(label: str, key: str, show) -> tuple[str, ...]:
        return (label, *(show(c[key]) for c in cols))
    body = (line("Pagu (Rp)", "pagu_rp", fmt.integer), line("Pagu Setelah AA (Rp)", "pagu_after_aa_rp", fmt.integer),
            line("Realisasi (Rp)", "spent_cum_rp", fmt.integer), line("% thd Pagu", "realisation_pct", fmt.pct),
            line("% thd Pagu Setelah AA", "realisation_aa_pct", fmt.pct))
    header = ("", *(("Total" + (PARTIAL_MARK if _flag(c) else "")) if c["expense_type"] == TOTAL
                    else str(c["expense_type_name"]) for c in cols))
    n = len(cols)
    return [Table(title=num.caption("Tabel", f"Realisasi Anggaran per Jenis Belanja s.d. {MONTHS_ID[data.end_month - 1]} "
                                             f"{lab.year}"),
                  header=(header,), body=body, widths=(0.24, *([0.76 / n] * n)), align=("l", *("r" * n)), font_size=8,
                  note=_partial_note(cols[-1]))]


def absorption_chart(data: BookData, lab: Labels, num: Numbering) -> list[Block]:
    b = data.budget_group
    nat = b[(b["area"] == NATIONAL) & (b["expense_type"] == TOTAL)].sort_values("month")
    if len(nat) < 2:
        return []
    png = charts.percent_lines([MONTHS_ID[int(m) - 1][:3] for m in nat["month"]],
                               [("% thd pagu", nat["realisation_pct"].tolist(), PAGU_AA),
                                ("% thd pagu setelah AA", nat["realisation_aa_pct"].tolist(), SPENT)],
                               "Realisasi kumulatif")
    return [Image(png, num.caption("Gambar", f"Realisasi Anggaran Kumulatif Nasional per Bulan {lab.year}"), width=0.85)]


# ------------------------------------------------------------------------------------------- BAB 4
def scores_section(data: BookData, lab: Labels, num: Numbering) -> list[Block]:
    rows = unit_scores(data)
    prev = quarter_label(data.quarter - 1, short=True) if data.quarter > 1 else "TW sebelumnya"
    blocks: list[Block] = [Heading(1, "BAB 4 CAPAIAN KINERJA UNIT KERJA")]
    if rows.empty:
        return blocks + [Paragraph(f"Belum ada NPS TOTAL unit kerja {lab.sd} Tahun {lab.year}.")]
    blocks.append(Paragraph(f"Nilai Pencapaian Sasaran (NPS) TOTAL setiap unit kerja {lab.sd} Tahun {lab.year}, "
                            "menurut kelompok unit kerja dan nilai, dengan kriteria menurut kebijakan penilaiannya:"))
    body = tuple((str(i + 1), str(r["unit_name"]), str(r["unit_group"] or "-"), fmt.number(r["prev_pct"], na="-"),
                  fmt.number(r["value_pct"], na="NA"), str(r["kriteria"] or "NA")) for i, r in enumerate(_rows(rows)))
    fills = tuple(((i, c), f) for i, r in enumerate(_rows(rows)) for c in (4, 5)
                  if (pol := data.policies.get(str(r["policy_id"]))) and (f := pol.fill(r["kriteria"])))
    blocks.append(Table(title=num.caption("Tabel", f"NPS TOTAL Unit Kerja {lab.triwulan} {lab.year}"),
                        header=(("No", "Unit Kerja", "Kelompok", f"NPS TOTAL {prev}", "NPS TOTAL", "Kriteria"),),
                        body=body, widths=(0.05, 0.37, 0.16, 0.12, 0.1, 0.2), align=("c", "l", "l", "r", "r", "l"),
                        cell_fills=fills, font_size=8))
    return blocks


# -------------------------------------------------------------------------------------- Lampiran I
def matrix_table(data: BookData, lab: Labels) -> Table | None:
    m = data.matrix
    if m.empty:
        return None
    m = m.sort_values(["indicator_code"]).reset_index(drop=True)
    colours = data.band_colours(m["capaian_median_pct"])
    sum_colours = data.band_colours(m["capaian_sum_pct"])
    body, fills = [], []
    for i, r in enumerate(_rows(m)):
        year_end = int(r["units_measured"] or 0) == 0 and int(r["units_year_end"] or 0) > 0
        summable = bool(r["summable"]) and not fmt.is_missing(r["realisasi_sum"])
        body.append((
            str(i + 1), str(r["indicator_name"]), str(r["unit_of_measure"] or "-"),
            fmt.integer(r["units_planned"]), fmt.integer(r["units_measured"]),
            fmt.plain(r["target_sum"], 2, "-") if summable else "-",
            fmt.plain(r["realisasi_sum"], 2, "-") if summable else ("-" if not year_end else YEAR_END),
            fmt.pct(r["capaian_sum_pct"], na="-") if summable else "-",
            YEAR_END if year_end else fmt.number(r["capaian_min_pct"], na="-"),
            YEAR_END if year_end else fmt.number(r["capaian_median_pct"], na="-"),
            YEAR_END if year_end else fmt.number(r["capaian_max_pct"], na="-"),
            "-" if year_end else fmt.integer(r["units_below_target"], na="-"),
            fmt.integer(r["units_year_end"]) if int(r["units_year_end"] or 0) else "-",
        ))
        for c, colour in ((9, colours.iloc[i] if colours is not None else None),
                          (7, sum_colours.iloc[i] if sum_colours is not None and summable else None)):
            if not year_end and not fmt.is_missing(colour) and str(colour) in COLOURS:
                fills.append(((i, c), COLOURS[str(colour)][0]))
        if year_end:
            fills += [((i, c), COLOURS["Abu Gelap"][0]) for c in (8, 9, 10)]
    header = (("No", "Indikator Kinerja", "Satuan", "Unit Kerja", "", "Nasional (jumlah)", "", "",
               "Capaian Unit Kerja (%)", "", "", "Unit < 100", f"Unit {YEAR_END}"),
              ("", "", "", "Menetapkan", "Mengukur", "Target", "Realisasi", "Capaian", "Min", "Median", "Maks", "", ""))
    spans = (Span(0, 0, 2, 1), Span(0, 1, 2, 1), Span(0, 2, 2, 1), Span(0, 3, 1, 2), Span(0, 5, 1, 3),
             Span(0, 8, 1, 3), Span(0, 11, 2, 1), Span(0, 12, 2, 1))
    return Table(title=f"Matriks Capaian Indikator Kinerja {lab.sd} Tahun {lab.year}", header=header, body=tuple(body),
                 widths=(0.03, 0.3, 0.06, 0.06, 0.06, 0.07, 0.07, 0.07, 0.06, 0.06, 0.06, 0.05, 0.05),
                 align=("c", "l", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"), header_spans=spans,
                 cell_fills=tuple(fills), font_size=7,
                 note=("Capaian nasional hanya untuk indikator berupa jumlah (dapat dijumlahkan antarunit kerja). "
                       f"Warna capaian menurut kriteria kebijakan penilaian {data.band_policy or '-'}; "
                       f"\"{YEAR_END}\": indikator diukur pada akhir tahun. " + _partial_note(_one(m, indicator_code=m.iloc[0]["indicator_code"]))))


# ------------------------------------------------------------------------------------- Lampiran II
def ranking_table(data: BookData, group: str, lab: Labels) -> Table | None:
    rows = data.ranking[data.ranking["unit_group"] == group].sort_values(["rank_in_group", "unit_name"])
    if rows.empty:
        return None
    body = [(fmt.plain(r["rank_in_group"], 0, "-"), str(r["unit_name"]), fmt.integer(r["pagu_rp"]),
             fmt.integer(r["pagu_after_aa_rp"]), fmt.integer(r["spent_cum_rp"]), fmt.pct(r["realisation_pct"]),
             fmt.pct(r["realisation_aa_pct"])) for r in _rows(rows)]
    total = _one(national_budget(data), area=group)
    spans, bold = [], []
    if total:
        spans.append(Span(len(body), 0, 1, 2))
        bold.append(len(body))
        body.append((_total_label(total), "", fmt.integer(total["pagu_rp"]), fmt.integer(total["pagu_after_aa_rp"]),
                     fmt.integer(total["spent_cum_rp"]), fmt.pct(total["realisation_pct"]),
                     fmt.pct(total["realisation_aa_pct"])))
    return Table(title=f"Peringkat Realisasi Anggaran {RANKING_TITLE[group]} s.d. {MONTHS_ID[data.end_month - 1]} {lab.year}",
                 header=(("No", "Unit Kerja", "Pagu (Rp)", "Pagu Setelah AA (Rp)", "Realisasi (Rp)", "% thd Pagu",
                          "% thd Pagu Setelah AA"),),
                 body=tuple(body), widths=(0.05, 0.39, 0.13, 0.13, 0.13, 0.08, 0.09),
                 align=("c", "l", "r", "r", "r", "r", "r"), body_spans=tuple(spans), bold_rows=tuple(bold),
                 font_size=7, note=_partial_note(total))


def national_total_table(data: BookData, lab: Labels) -> Table | None:
    nat = _one(national_budget(data), area=NATIONAL)
    if nat is None:
        return None
    body = ((_total_label(nat, "TOTAL NASIONAL"), fmt.integer(nat["pagu_rp"]), fmt.integer(nat["pagu_after_aa_rp"]),
             fmt.integer(nat["withheld_aa_rp"]), fmt.integer(nat["spent_cum_rp"]), fmt.pct(nat["realisation_pct"]),
             fmt.pct(nat["realisation_aa_pct"])),)
    return Table(title=f"Realisasi Anggaran Nasional s.d. {MONTHS_ID[data.end_month - 1]} {lab.year}",
                 header=(("", "Pagu (Rp)", "Pagu Setelah AA (Rp)", "Diblokir AA (Rp)", "Realisasi (Rp)",
                          "% thd Pagu", "% thd Pagu Setelah AA"),), body=body,
                 widths=(0.19, 0.15, 0.15, 0.14, 0.15, 0.1, 0.12), align=("l", "r", "r", "r", "r", "r", "r"),
                 bold_rows=(0,), font_size=7, note=_partial_note(nat))


# ------------------------------------------------------------------------------------ Lampiran III
def provenance_of(data: BookData) -> Provenance:
    used, print_ = national_fingerprint(data.submissions, data.scores, data.overrides, data.year, data.quarter)
    return Provenance(version=None, fingerprint=print_, built_at=None, submissions=used)


def sources_section(data: BookData, prov: Provenance, lab: Labels) -> list[Block]:
    missing = missing_reports(data)
    blocks: list[Block] = [Heading(1, "LAMPIRAN III KELENGKAPAN DAN SUMBER DATA"),
                           Heading(2, "Unit Kerja yang Belum Menyampaikan Laporan")]
    if missing.empty:
        blocks.append(Paragraph(f"Seluruh unit kerja telah menyampaikan laporan bulanan Januari–"
                                f"{MONTHS_ID[data.end_month - 1]} {lab.year}."))
    else:
        blocks.append(Table(
            title=f"Unit Kerja yang Belum Menyampaikan Laporan Bulanan s.d. {MONTHS_ID[data.end_month - 1]} {lab.year}",
            header=(("No", "Unit Kerja", "Kelompok", "Laporan Bulanan Belum Diterima"),),
            body=tuple((str(i + 1), str(r["unit_name"]), str(r["unit_group"] or "-"), r["missing"])
                       for i, r in enumerate(_rows(missing))),
            widths=(0.06, 0.42, 0.17, 0.35), align=("c", "l", "l", "l"), font_size=8))
    subs = prov.submissions
    per_unit = subs.groupby("unit_code", as_index=False).agg(n=("submission_id", "size"), last=("received_at", "max"))
    version = f"versi {prov.version}" if prov.version is not None else "tanpa nomor versi"
    blocks += [Heading(2, "Sumber Data"),
               Paragraph(f"Buku ini ({version}) disusun dari {len(subs)} berkas laporan yang berlaku di data warehouse "
                         f"SAKIP; sidik data (fingerprint SHA-256) **{prov.fingerprint[:16]}**."),
               Table(title="Berkas sumber per unit kerja", header=(("No", "Kode Unit", "Jumlah Berkas",
                                                                      "Terakhir Diterima"),),
                     body=tuple((str(i + 1), r["unit_code"], fmt.integer(r["n"]), when(r["last"]))
                                for i, r in enumerate(_rows(per_unit))),
                     widths=(0.08, 0.42, 0.2, 0.3), align=("c", "l", "r", "l"), font_size=8)]
    if prov.previous_version is not None:
        items = tuple(ListItem("•", c) for c in prov.changes)
        blocks += [Paragraph(f"Perubahan dari versi sebelumnya (versi {prov.previous_version}"
                             + (f", dibuat {when(prov.previous_built_at)}" if prov.previous_built_at else "") + "):"),
                   BulletList(items)]
    return blocks


# ---------------------------------------------------------------------------------------- the book
def dalam_angka(data: BookData, report_date: date | None = None, provenance: Provenance | None = None) -> Document:
    """The "Kinerja BPOM Dalam Angka" book of a quarter as a document model."""
    lab = Labels(data.year, data.quarter)
    prov = provenance or provenance_of(data)
    num = Numbering()
    day = report_date or date.today()
    blocks: list[Block] = [
        Paragraph("KINERJA BPOM DALAM ANGKA", "cover_title"),
        Paragraph(f"{lab.triwulan.upper()} TAHUN {lab.year}", "cover_subtitle"),
        Paragraph("BADAN PENGAWAS OBAT DAN MAKANAN", "cover_subtitle"),
        Paragraph(f"Periode {period_range_label(data.quarter)} {data.year} (kumulatif)", "cover_note"),
        Paragraph(f"Disusun {fmt.date_id(day)}", "cover_note"),
        PageBreak(),
        *headline(data, lab),
        PageBreak(), TOC(), PageBreak(),
    ]
    num.start("1")
    blocks += [Heading(1, "BAB 1 HASIL PENGAWASAN OBAT DAN MAKANAN"), *inspection_section(data, lab, num),
               *sampling_section(data, lab, num)]
    num.start("2")
    blocks += [PageBreak(), *enforcement_section(data, lab, num)]
    num.start("3")
    blocks += [PageBreak(), *budget_section(data, lab, num)]
    num.start("4")
    blocks += [PageBreak(), *scores_section(data, lab, num)]
    matrix = matrix_table(data, lab)
    blocks += [SectionBreak("landscape"),
               Heading(1, f"LAMPIRAN I MATRIKS CAPAIAN INDIKATOR KINERJA {lab.sd.upper()} TAHUN {lab.year}")]
    blocks += [matrix] if matrix else [Paragraph("Belum ada indikator yang diukur.")]
    blocks += [SectionBreak("portrait"), Heading(1, "LAMPIRAN II PERINGKAT REALISASI ANGGARAN")]
    blocks += [Paragraph("Peringkat menurut persentase realisasi terhadap pagu setelah automatic adjustment (AA), "
                         "dalam kelompok unit kerja.")]
    for group in GROUPS:
        table = ranking_table(data, group, lab)
        if table:
            blocks += [Heading(2, f"Peringkat Realisasi Anggaran {RANKING_TITLE[group]}"), table]
    total = national_total_table(data, lab)
    blocks += [Heading(2, "Total Nasional"), total] if total else []
    blocks += [PageBreak(), *sources_section(data, prov, lab)]
    title = f"Kinerja BPOM Dalam Angka {lab.triwulan} Tahun {lab.year}"
    return Document(title=title, subject=f"SAKIP nasional {lab.year} {lab.tw}", footer=title, blocks=tuple(blocks))


def headline_scores(data: BookData) -> dict[str, float | None]:
    """The book's figures whose displayed change a new version lists (realisation % per area on both bases,
    TMS % and TMK %, every unit's NPS TOTAL), for the manifest."""
    out: dict[str, float | None] = {}
    for r in _rows(national_budget(data)):
        label = AREA_LABEL.get(r["area"], str(r["area"]))
        out[f"Realisasi anggaran {label} (% thd pagu)"] = r["realisation_pct"]
        out[f"Realisasi anggaran {label} (% thd pagu setelah AA)"] = r["realisation_aa_pct"]
    if (s := _one(data.sampling, commodity=TOTAL, method=TOTAL)):
        out["Sampel TMS (%)"] = s["tms_cum_pct"]
    if (i := _one(data.inspection, facility_type=TOTAL)):
        out["Sarana TMK (%)"] = i["tmk_cum_pct"]
    out |= {f"NPS TOTAL {r['unit_name']}": r["value_pct"] for r in _rows(unit_scores(data))}
    return {k: (None if fmt.is_missing(v) else float(v)) for k, v in out.items()}
