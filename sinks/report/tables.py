"""Table builders: frames of the views -> :class:`~sinks.report.model.Table` with display strings.

Each function formats one table the users know; titles and period words in headers are computed by
the caller from the quarter. Numbers are formatted by ``idformat`` only; nothing is recomputed here
except the display of a ratio a view does not carry (noted where it happens).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from sinks.report import idformat as fmt
from sinks.report.criteria import PolicyInfo
from sinks.report.model import Span, Table

Formatter = Callable[[object], str]


def column(frame: pd.DataFrame, name: str, formatter: Formatter) -> list[str]:
    """One display column: ``formatter`` applied to every value of ``frame[name]``."""
    return [formatter(v) for v in frame[name].tolist()]


def grid(columns: Sequence[Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    """Columns of strings -> rows."""
    return tuple(zip(*columns)) if columns and len(columns[0]) else ()


def vertical_spans(keys: Sequence[object], cols: Sequence[int], offset: int = 0) -> tuple[Span, ...]:
    """Merge cells of ``cols`` over consecutive rows with the same key (e.g. the SK column)."""
    spans: list[Span] = []
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if i - start > 1:
                spans += [Span(offset + start, c, i - start, 1) for c in cols]
            start = i
    return tuple(spans)


def blank_repeats(values: Sequence[str], keys: Sequence[object]) -> list[str]:
    """Keep a value on the first row of each run of equal keys, "" below (the merged cells' content)."""
    return [v if i == 0 or keys[i] != keys[i - 1] else "" for i, v in enumerate(values)]


def kriteria_fills(policy: PolicyInfo, labels: Sequence[object], col: int, offset: int = 0) -> tuple:
    """Cell fills of a kriteria column from the policy's band colours."""
    return tuple(((offset + i, col), f) for i, label in enumerate(labels) if (f := policy.fill(label)))


def pk_table(title: str, ind: pd.DataFrame, year: int) -> Table:
    """Perjanjian Kinerja: ``No | Sasaran Kegiatan | Indikator Kinerja | Target <year>``."""
    keys = ind["sk_code"].tolist()
    cols = [blank_repeats([str(v) for v in ind["sk_no"]], keys), blank_repeats(ind["sk_name"].tolist(), keys),
            ind["indicator_name"].tolist(), column(ind, "annual_target", fmt.plain)]
    return Table(title=title, header=(("No", "Sasaran Kegiatan", "Indikator Kinerja", f"Target {year}"),),
                 body=grid(cols), widths=(0.05, 0.35, 0.47, 0.13), align=("c", "l", "l", "r"),
                 body_spans=vertical_spans(keys, (0, 1)))


def nps_table(title: str, sk: pd.DataFrame, total: dict | None, policy: PolicyInfo) -> Table:
    """``No | Sasaran Kegiatan | Capaian (NPS) | Kriteria`` with the NPS TOTAL as last row."""
    labels = sk["kriteria"].tolist()
    body = list(grid([[str(v) for v in sk["sk_no"]], sk["sk_name"].tolist(),
                      column(sk, "value_pct", lambda v: fmt.number(v, na="NA")), labels]))
    fills = kriteria_fills(policy, labels, 3) + kriteria_fills(policy, labels, 2)
    spans: tuple[Span, ...] = ()
    bold: tuple[int, ...] = ()
    if total is not None:
        body.append(("NPS TOTAL", "", fmt.number(total.get("value_pct"), na="NA"), str(total.get("kriteria") or "NA")))
        last = len(body) - 1
        spans, bold = (Span(last, 0, 1, 2),), (last,)
        fills += tuple(((last, c), f) for c in (2, 3) if (f := policy.fill(body[last][3])))
    return Table(title=title, header=(("No", "Sasaran Kegiatan", "Capaian (NPS)", "Kriteria"),), body=tuple(body),
                 widths=(0.06, 0.56, 0.14, 0.24), align=("c", "l", "r", "l"), body_spans=spans,
                 cell_fills=fills, bold_rows=bold)


def capaian_columns(ind: pd.DataFrame, adjusted: bool) -> list[list[str]]:
    """Target, realisasi, capaian (and adjusted capaian) display columns of indicator rows."""
    cols = [column(ind, "target", fmt.plain), column(ind, "realisasi", fmt.plain),
            column(ind, "capaian_raw_pct", fmt.number)]
    if adjusted:
        cols.append(column(ind, "capaian_pct", fmt.number))
    return cols


def iku_table(title: str, ind: pd.DataFrame, tw: str, policy: PolicyInfo, adjusted: bool) -> Table:
    """``No | Sasaran Kegiatan | Indikator Kinerja | Target s.d TW | Realisasi s.d TW | Capaian (%) | Kriteria``."""
    keys = ind["sk_code"].tolist()
    names = [n if iku else f"{n} (non-IKU)" for n, iku in zip(ind["indicator_name"], ind["is_iku"].fillna(True))]
    labels = ind["kriteria"].where(ind["measured"], policy.na_indicator).tolist()
    cols = [blank_repeats([str(v) for v in ind["sk_no"]], keys), blank_repeats(ind["sk_name"].tolist(), keys),
            names, *capaian_columns(ind, adjusted), labels]
    header = ["No", "Sasaran Kegiatan", "Indikator Kinerja", f"Target s.d {tw}", f"Realisasi s.d {tw}", "Capaian (%)"]
    widths = [0.05, 0.22, 0.3, 0.09, 0.09, 0.09]
    if adjusted:
        header.append("Capaian Penyesuaian (%)")
        widths = [0.05, 0.2, 0.26, 0.08, 0.08, 0.08, 0.09]
    header.append("Kriteria")
    widths.append(1 - sum(widths))
    ncol = len(header)
    return Table(title=title, header=(tuple(header),), body=grid(cols), widths=tuple(widths),
                 align=("c", "l", "l") + ("r",) * (ncol - 4) + ("l",), body_spans=vertical_spans(keys, (0, 1)),
                 cell_fills=kriteria_fills(policy, labels, ncol - 1), font_size=8)


def criteria_table(title: str, policy: PolicyInfo) -> Table:
    """``Kriteria | Capaian | Warna | Kesimpulan Efektivitas`` of the policy's scheme, cells in the band colour."""
    bands = policy.bands
    body = tuple((b.label, b.range_text(), b.colour or "-", b.effectiveness or "-") for b in bands)
    fills = tuple(((i, 2), f) for i, b in enumerate(bands) if (f := policy.fill(b.label)))
    return Table(title=title, header=(("Kriteria", "Capaian", "Warna", "Kesimpulan Efektivitas"),), body=body,
                 widths=(0.34, 0.26, 0.16, 0.24), align=("l", "c", "c", "l"), cell_fills=fills)


def ro_table(title: str, ro: pd.DataFrame, budget: dict) -> Table:
    """Per rincian output: ``Kode | Rincian Output | Volume T | R | Capaian/Progres | Pagu | Realisasi | %`` + TOTAL.

    Capaian/Progres is the progress the unit reported where it did, else volume R/T (``volume_pct``).
    The TOTAL row is the unit's total of ``v_budget_unit``, the same figure the text quotes.
    """
    progress = ro["progress_pct"].where(ro["progress_pct"].notna(), ro["volume_pct"])
    cols = [ro["ro_code"].tolist(), ro["ro_name"].tolist(), column(ro, "volume_target", fmt.plain),
            column(ro, "volume_cum", lambda v: fmt.plain(v, na="-")), [fmt.pct(v, na="-") for v in progress],
            column(ro, "pagu_rp", fmt.integer), column(ro, "spent_cum_rp", fmt.integer),
            column(ro, "realisation_pct", fmt.pct)]
    body = list(grid(cols))
    body.append(("TOTAL", "", "", "", "", fmt.integer(budget.get("pagu_rp")), fmt.integer(budget.get("spent_cum_rp")),
                 fmt.pct(budget.get("realisation_pct"))))
    header = (("Kode", "Rincian Output", "Volume", "", "", "Anggaran", "", ""),
              ("", "", "T", "R", "Capaian/ Progres", "Pagu", "Realisasi", "%"))
    spans = (Span(0, 0, 2, 1), Span(0, 1, 2, 1), Span(0, 2, 1, 3), Span(0, 5, 1, 3))
    return Table(title=title, header=header, body=tuple(body), widths=(0.09, 0.31, 0.07, 0.07, 0.09, 0.14, 0.14, 0.09),
                 align=("l", "l", "r", "r", "r", "r", "r", "r"), header_spans=spans,
                 body_spans=(Span(len(body) - 1, 0, 1, 5),), bold_rows=(len(body) - 1,), font_size=7.5)


def expense_table(title: str, exp: pd.DataFrame, budget: dict) -> Table:
    """Per jenis belanja: pagu, pagu setelah AA, realisasi and both percentages, + TOTAL."""
    exp = exp.sort_values("expense_type")
    cols = [exp["expense_type"].astype(str).tolist(), exp["expense_type_name"].tolist(),
            column(exp, "pagu_rp", fmt.integer), column(exp, "pagu_after_aa_rp", fmt.integer),
            column(exp, "spent_cum_rp", fmt.integer), column(exp, "realisation_pct", fmt.pct),
            column(exp, "realisation_aa_pct", fmt.pct)]
    body = list(grid(cols))
    body.append(("TOTAL", "", fmt.integer(budget.get("pagu_rp")), fmt.integer(budget.get("pagu_after_aa_rp")),
                 fmt.integer(budget.get("spent_cum_rp")), fmt.pct(budget.get("realisation_pct")),
                 fmt.pct(budget.get("realisation_aa_pct"))))
    header = (("Kode", "Jenis Belanja", "Pagu", "Pagu Setelah AA", "Realisasi", "% Pagu", "% Pagu Setelah AA"),)
    return Table(title=title, header=header, body=tuple(body), widths=(0.07, 0.21, 0.16, 0.16, 0.16, 0.11, 0.13),
                 align=("c", "l", "r", "r", "r", "r", "r"), body_spans=(Span(len(body) - 1, 0, 1, 2),),
                 bold_rows=(len(body) - 1,))


def monthly_table(title: str, months: pd.DataFrame, month_names: Sequence[str]) -> Table:
    """Monthly absorption against the RPD (halaman III DIPA): month and cumulative, with the deviation."""
    cols = [list(month_names), column(months, "planned_month_rp", fmt.integer),
            column(months, "spent_month_rp", fmt.integer), column(months, "planned_cum_rp", fmt.integer),
            column(months, "spent_cum_rp", fmt.integer), column(months, "realisation_pct", fmt.pct),
            column(months, "deviation_pct", fmt.pct)]
    header = (("Bulan", "Bulanan", "", "Kumulatif", "", "% Realisasi thd Pagu", "Deviasi RPD"),
              ("", "Rencana (RPD)", "Realisasi", "Rencana (RPD)", "Realisasi", "", ""))
    spans = (Span(0, 0, 2, 1), Span(0, 1, 1, 2), Span(0, 3, 1, 2), Span(0, 5, 2, 1), Span(0, 6, 2, 1))
    return Table(title=title, header=header, body=grid(cols), widths=(0.12, 0.15, 0.15, 0.16, 0.16, 0.13, 0.13),
                 align=("l", "r", "r", "r", "r", "r", "r"), header_spans=spans)


def efficiency_table(title: str, eff: pd.DataFrame, ind: pd.DataFrame, with_sk: bool) -> Table:
    """``[Sasaran Kegiatan |] No | Indikator Kinerja | Input T | R | % | Output T | R | % | IE | SE | Kategori | TE`` + TOTAL."""
    rows = eff[eff["indicator_code"] != "TOTAL"].drop(columns=["sk_code"], errors="ignore").merge(
        ind[["indicator_code", "no", "sk_no", "sk_name", "sk_code"]], on="indicator_code", how="left"
    ).sort_values("no")
    total = eff[eff["indicator_code"] == "TOTAL"]
    keys = rows["sk_code"].tolist()
    values = [[str(v) for v in rows["no"]], rows["indicator_name"].tolist(),
              column(rows, "input_pagu_rp", fmt.integer), column(rows, "input_realisasi_rp", fmt.integer),
              column(rows, "input_pct", fmt.number), column(rows, "output_target", fmt.plain),
              column(rows, "output_realisasi", fmt.plain), column(rows, "output_pct", fmt.number),
              column(rows, "ie", lambda v: fmt.number(v, na="NA")), column(rows, "se", fmt.plain),
              [str(k) if not fmt.is_missing(k) else "NA" for k in rows["kategori"]],
              column(rows, "te", lambda v: fmt.number(v, na="NA"))]
    if with_sk:
        values.insert(0, blank_repeats([f"SK {n}" for n in rows["sk_no"]], keys))
    body = list(grid(values))
    if not total.empty:
        t = total.iloc[0]
        cells = ["TOTAL", "", fmt.integer(t["input_pagu_rp"]), fmt.integer(t["input_realisasi_rp"]),
                 fmt.number(t["input_pct"]), "", "", fmt.number(t["output_pct"]), fmt.number(t["ie"], na="NA"),
                 fmt.plain(t["se"]), str(t["kategori"]) if not fmt.is_missing(t["kategori"]) else "NA",
                 fmt.number(t["te"], na="NA")]
        body.append(tuple(([""] if with_sk else []) + cells))
    lead = ("Sasaran Kegiatan",) if with_sk else ()
    header = (lead + ("No", "Indikator Kinerja", "Input", "", "", "Output", "", "", "IE", "SE", "Kategori", "TE"),
              ("",) * len(lead) + ("", "", "T (Rp)", "R (Rp)", "%", "T", "R", "%", "", "", "", ""))
    o = len(lead)
    spans = tuple(Span(0, c, 2, 1) for c in range(o + 2)) + (Span(0, o + 2, 1, 3), Span(0, o + 5, 1, 3)) + tuple(
        Span(0, c, 2, 1) for c in range(o + 8, o + 12))
    widths = (0.04, 0.23, 0.11, 0.11, 0.06, 0.06, 0.06, 0.07, 0.05, 0.04, 0.09, 0.05)
    widths = ((0.07,) + tuple(w * 0.93 for w in widths)) if with_sk else widths
    body_spans = vertical_spans(keys, (0,)) if with_sk else ()
    if not total.empty:
        body_spans += (Span(len(body) - 1, o, 1, 2),)
    return Table(title=title, header=header, body=tuple(body), widths=widths,
                 align=("l",) * o + ("c", "l") + ("r",) * 7 + ("c", "l", "r"), header_spans=spans,
                 body_spans=body_spans, bold_rows=(len(body) - 1,) if not total.empty else (), font_size=7)


def efficiency_sasaran_table(title: str, eff_sk: pd.DataFrame, eff: pd.DataFrame, sk: pd.DataFrame) -> Table:
    """``No | Sasaran Kegiatan | Input T | R | % | Output % (NPS) | IE | SE | Kategori | TE`` per SK (v_efficiency_sasaran),
    then the unit's TOTAL row of the indicator efficiency (``eff``); SKs numbered and ordered as in ``sk``."""
    order = sk[["sk_code", "sk_no"]] if "sk_no" in sk.columns else sk.iloc[:0].assign(sk_no=None)[["sk_code", "sk_no"]]
    rows = eff_sk.merge(order, on="sk_code", how="left")
    rows = rows.assign(sk_no=rows["sk_no"].where(rows["sk_no"].notna(), rows["sk_order"])).sort_values(["sk_no", "sk_code"])
    values = [[f"SK {n}" for n in rows["sk_no"]], [str(v) for v in rows["sk_name"]],
              column(rows, "input_pagu_rp", fmt.integer), column(rows, "input_realisasi_rp", fmt.integer),
              column(rows, "input_pct", fmt.number), column(rows, "output_pct", fmt.number),
              column(rows, "ie", lambda v: fmt.number(v, na="NA")), column(rows, "se", fmt.plain),
              [str(k) if not fmt.is_missing(k) else "NA" for k in rows["kategori"]],
              column(rows, "te", lambda v: fmt.number(v, na="NA"))]
    body = list(grid(values))
    total = eff[eff["indicator_code"] == "TOTAL"]
    if not total.empty:
        t = total.iloc[0]
        body.append(("TOTAL", "", fmt.integer(t["input_pagu_rp"]), fmt.integer(t["input_realisasi_rp"]),
                     fmt.number(t["input_pct"]), fmt.number(t["output_pct"]), fmt.number(t["ie"], na="NA"),
                     fmt.plain(t["se"]), str(t["kategori"]) if not fmt.is_missing(t["kategori"]) else "NA",
                     fmt.number(t["te"], na="NA")))
    header = (("No", "Sasaran Kegiatan", "Input", "", "", "Output", "IE", "SE", "Kategori", "TE"),
              ("", "", "T (Rp)", "R (Rp)", "%", "% (NPS)", "", "", "", ""))
    spans = (Span(0, 0, 2, 1), Span(0, 1, 2, 1), Span(0, 2, 1, 3)) + tuple(Span(0, c, 2, 1) for c in range(6, 10))
    return Table(title=title, header=header, body=tuple(body),
                 widths=(0.06, 0.32, 0.13, 0.13, 0.06, 0.08, 0.05, 0.04, 0.08, 0.05),
                 align=("c", "l", "r", "r", "r", "r", "r", "r", "l", "r"), header_spans=spans,
                 body_spans=(Span(len(body) - 1, 0, 1, 2),) if not total.empty else (),
                 bold_rows=(len(body) - 1,) if not total.empty else (), font_size=7)


def _persp_lookup(persp: pd.DataFrame) -> dict[str, dict]:
    """Perspective rows by item code and by name (case-insensitive)."""
    out: dict[str, dict] = {}
    for row in persp.to_dict("records"):
        for key in (row.get("item_code"), row.get("item_name")):
            if not fmt.is_missing(key):
                out[str(key).casefold()] = row
    return out


def _sk_perspective(sk: pd.DataFrame) -> list[str]:
    parent = sk["parent_code"] if "parent_code" in sk.columns else pd.Series(pd.NA, index=sk.index)
    return [str(p if not fmt.is_missing(p) else q).casefold() for p, q in zip(parent, sk["perspective"])]


def measurement_table(title: str, ind: pd.DataFrame, sk: pd.DataFrame, persp: pd.DataFrame, total: dict | None,
                      tw: str, policy: PolicyInfo, adjusted: bool) -> Table:
    """Lampiran 3, the computation sheet: indicators -> NPS per SK -> perspective -> NPS TOTAL.

    Indicators are numbered continuously; subtotal rows carry the warehouse's scores (never an
    average of displayed values).
    """
    header = ["No", "Sasaran Kegiatan", "Indikator Kinerja", f"Target {tw}", f"Realisasi s.d {tw}", "Capaian"]
    if adjusted:
        header.append("Capaian Penyesuaian")
    header.append("Kriteria")
    ncol = len(header)
    persp_of = dict(zip(sk["sk_code"], _sk_perspective(sk)))
    last_sk_of = {p: code for code, p in persp_of.items()}  # dict keeps the last SK per perspective
    lookup = _persp_lookup(persp)
    body: list[tuple[str, ...]] = []
    spans: list[Span] = []
    bold: list[int] = []
    fills: list = []

    def subtotal(label: str, raw: object, adj: object, kriteria: object) -> None:
        values = [fmt.number(raw, na="NA")] + ([fmt.number(adj, na="NA")] if adjusted else [])
        crit = str(kriteria) if not fmt.is_missing(kriteria) else "NA"
        body.append(("", label, "", "", "") + tuple(values) + (crit,))
        row = len(body) - 1
        spans.append(Span(row, 1, 1, 4))
        bold.append(row)
        fills.extend(((row, c), f) for c in (ncol - 1,) if (f := policy.fill(crit)))

    for s in sk.to_dict("records"):
        rows = ind[ind["sk_code"] == s["sk_code"]]
        labels = rows["kriteria"].where(rows["measured"], policy.na_indicator).tolist()
        first = len(body)
        cols = [[str(v) for v in rows["no"]], [f"SK {s['sk_no']}. {s['sk_name']}"] + [""] * (len(rows) - 1),
                rows["indicator_name"].tolist(), *capaian_columns(rows, adjusted), labels]
        body.extend(grid(cols))
        if len(rows) > 1:
            spans.append(Span(first, 1, len(rows), 1))
        fills.extend(kriteria_fills(policy, labels, ncol - 1, first))
        subtotal(f"NILAI PENCAPAIAN SASARAN SK {s['sk_no']} (NPS)", s.get("value_raw_pct"), s.get("value_pct"),
                 s.get("kriteria"))
        key = persp_of[s["sk_code"]]
        if last_sk_of.get(key) == s["sk_code"]:
            p = lookup.get(key, {})
            name = p.get("item_name", s["perspective"])
            subtotal(f"NILAI PENCAPAIAN PERSPEKTIF ({name})", p.get("value_raw_pct"), p.get("value_pct"),
                     p.get("kriteria"))
    t = total or {}
    subtotal("NPS TOTAL", t.get("value_raw_pct"), t.get("value_pct"), t.get("kriteria"))
    widths = [0.05, 0.2, 0.31, 0.08, 0.09, 0.08] + ([0.09] if adjusted else [])
    widths.append(max(1 - sum(widths), 0.12))
    return Table(title=title, header=(tuple(header),), body=tuple(body), widths=tuple(widths),
                 align=("c", "l", "l") + ("r",) * (ncol - 4) + ("l",), body_spans=tuple(spans),
                 bold_rows=tuple(bold), cell_fills=tuple(fills), font_size=7.5)


def rapk_table(title: str, plan: pd.DataFrame, ind: pd.DataFrame, pagu: object) -> Table:
    """Lampiran 2, RAPK: ``No | Indikator Kinerja | B01 … B12 | Anggaran`` + Total (blank month = no target)."""
    rows = plan.merge(ind[["indicator_code", "no"]], on="indicator_code", how="left").sort_values(
        ["sk_order", "indicator_order"])
    months = [f"b{m:02d}" for m in range(1, 13)]
    cols = [[str(i + 1) for i in range(len(rows))], rows["indicator_name"].tolist(),
            *[column(rows, m, lambda v: fmt.plain(v, na="")) for m in months], column(rows, "allocation_rp", fmt.integer)]
    body = list(grid(cols))
    total = rows["allocation_rp"].sum(min_count=1)
    body.append(("Total", "") + ("",) * 12 + (fmt.integer(total),))
    note = ""
    if not fmt.is_missing(pagu) and not fmt.is_missing(total) and fmt.integer(total) != fmt.integer(pagu):
        note = (f"Jumlah anggaran per indikator ({fmt.rupiah(total)}) berbeda dengan pagu DIPA "
                f"({fmt.rupiah(pagu)}); selisih {fmt.rupiah(float(total) - float(pagu))}.")
    header = (("No", "Indikator Kinerja") + tuple(f"B{m:02d}" for m in range(1, 13)) + ("Anggaran (Rp)",),)
    widths = (0.03, 0.3) + (0.045,) * 12 + (0.13,)
    return Table(title=title, header=header, body=tuple(body), widths=widths,
                 align=("c", "l") + ("r",) * 13, body_spans=(Span(len(body) - 1, 0, 1, 2),),
                 bold_rows=(len(body) - 1,), font_size=7, note=note)


def followup_table(title: str, items: Sequence[tuple[str, str, str, str]]) -> Table:
    """``No | Rekomendasi | Tindak Lanjut: Selesai | Belum — Rencana Aksi | Timeline``."""
    body = tuple((str(i + 1),) + tuple(item) for i, item in enumerate(items))
    header = (("No", "Rekomendasi", "Tindak Lanjut", "", ""),
              ("", "", "Selesai", "Belum: Rencana Aksi", "Timeline"))
    spans = (Span(0, 0, 2, 1), Span(0, 1, 2, 1), Span(0, 2, 1, 3))
    return Table(title=title, header=header, body=body, widths=(0.05, 0.33, 0.2, 0.28, 0.14),
                 align=("c", "l", "l", "l", "l"), header_spans=spans, font_size=8)


def sources_table(title: str, used: pd.DataFrame, describe: Callable[[dict], str]) -> Table:
    """Sumber Data: the submissions (file versions) the report was built from."""
    recs = used.to_dict("records")
    body = tuple((str(i + 1), describe(r), fmt.plain(r.get("version"), 0, na="-"), str(r.get("file_name") or "-"),
                  str(r.get("file_hash") or "")[:12] or "-", when(r.get("received_at")), str(r.get("verdict") or "-"))
                 for i, r in enumerate(recs))
    header = (("No", "Data", "Versi", "Nama Berkas", "Hash (SHA-256, 12 awal)", "Diterima", "Status"),)
    return Table(title=title, header=header, body=body, widths=(0.05, 0.2, 0.07, 0.27, 0.15, 0.14, 0.12),
                 align=("c", "l", "c", "l", "l", "l", "l"), font_size=7)


def when(value: object, tz: str = "Asia/Jakarta") -> str:
    """A stored timestamp (UTC when naive) as local date and time: "8 Juli 2023 21:30 WIB"."""
    if fmt.is_missing(value):
        return "-"
    stamp = pd.Timestamp(value)
    stamp = (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp).tz_convert(tz)
    return f"{fmt.date_id(stamp.date())} {stamp:%H:%M} {stamp.tzname() or ''}".strip()
