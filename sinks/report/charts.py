"""Charts of the report as PNG bytes (matplotlib's Agg canvas, no display, no files).

Each function takes display-ready series (values already computed by the warehouse; labels and
colours chosen by the content builder) and returns a PNG at 200 dpi sized for an A4 text column
(16 cm wide), with Indonesian number formatting on the axes and value labels. A chart is rendered
once and the same bytes go into the Word file and the PDF.

Figures are made with ``matplotlib.figure.Figure`` on a ``FigureCanvasAgg``, not with pyplot: no
backend is selected, no display is needed and no figure is registered in pyplot's global figure
manager. The style (font, sizes, no top/right spines) is given to each artist, never through the
global ``rcParams`` (not even ``rc_context``, which swaps them for the whole process), so charts can
be rendered in worker processes, spawned or forked, and in threads (a Dask worker) at the same time.
"""
from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from sinks.report import idformat as fmt

WIDTH_IN = 6.3
DPI = 200
#: Font of every text (shipped with matplotlib, so the same on every machine) and the size of axis
#: labels and tick labels; value labels and legends are smaller.
FONT = "DejaVu Sans"
SIZE = 8.5
LEGEND = {"family": FONT, "size": 7.5}


def _figure(height_in: float) -> tuple[Figure, Axes]:
    """A figure one text column wide with one axes (no top/right spines), on its own Agg canvas."""
    fig = Figure(figsize=(WIDTH_IN, height_in))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=SIZE, labelfontfamily=FONT)
    return fig, ax


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def _hex(colour: str) -> str:
    return colour if colour.startswith("#") else f"#{colour}"


def _legend(ax: Axes, legend: Sequence[tuple[str, str]]) -> None:
    if legend:
        handles = [Patch(facecolor=_hex(c), label=label) for label, c in legend]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=min(4, len(handles)),
                  frameon=False, prop=LEGEND)


def score_bars(labels: Sequence[str], values: Sequence[float | None], colours: Sequence[str],
               legend: Sequence[tuple[str, str]] = (), ylabel: str = "Capaian (%)",
               reference: Sequence[float] = (100.0,), na_text: str = "NA") -> bytes:
    """Vertical bars (one per item) coloured by kriteria; missing values print ``na_text``."""
    fig, ax = _figure(3.1)
    heights = [0.0 if fmt.is_missing(v) else float(v) for v in values]
    bars = ax.bar(range(len(labels)), heights, color=[_hex(c) for c in colours], edgecolor="#404040", linewidth=0.4)
    top = max(heights + [100.0]) * 1.15
    for bar, value in zip(bars, values):
        text = na_text if fmt.is_missing(value) else fmt.number(value)
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 2),
                    textcoords="offset points", ha="center", va="bottom", fontsize=7, fontfamily=FONT)
    for ref in reference:
        ax.axhline(ref, color="#404040", linewidth=0.7, linestyle="--")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylim(0, top)
    ax.set_ylabel(ylabel, fontsize=SIZE, fontfamily=FONT)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, 0)))
    _legend(ax, legend)
    return _png(fig)


def absorption_lines(months: Sequence[str], planned_pct: Sequence[float | None],
                     actual_pct: Sequence[float | None], planned_label: str, actual_label: str) -> bytes:
    """Cumulative absorption (% of pagu) by month: the RPD plan against the realisation."""
    fig, ax = _figure(3.0)
    x = list(range(len(months)))
    plan = [None if fmt.is_missing(v) else float(v) for v in planned_pct]
    real = [None if fmt.is_missing(v) else float(v) for v in actual_pct]
    ax.plot(x, [v if v is not None else float("nan") for v in plan], marker="o", markersize=3,
            color="#7F7F7F", linestyle="--", label=planned_label)
    ax.plot(x, [v if v is not None else float("nan") for v in real], marker="o", markersize=4,
            color="#1F5FA8", linewidth=2, label=actual_label)
    for xi, v in zip(x, real):
        if v is not None:
            ax.annotate(fmt.pct(v), (xi, v), xytext=(0, 5), textcoords="offset points", ha="center", fontsize=7,
                        fontfamily=FONT, color="#1F5FA8")
    ax.set_xticks(x, months)
    ax.set_ylim(0, max([v for v in plan + real if v is not None] + [100.0]) * 1.1)
    ax.set_ylabel("Kumulatif (% dari pagu)", fontsize=SIZE, fontfamily=FONT)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, 0) + "%"))
    ax.grid(axis="y", linewidth=0.3, color="#BFBFBF")
    ax.legend(loc="upper left", frameon=False, prop=LEGEND)
    return _png(fig)


def count_bars(labels: Sequence[str], counts: Sequence[int], colours: Sequence[str], ylabel: str) -> bytes:
    """Horizontal bars of counts (e.g. units per kriteria) with the count printed at each bar."""
    fig, ax = _figure(0.45 * max(len(labels), 2) + 0.8)
    y = list(range(len(labels)))[::-1]
    bars = ax.barh(y, counts, color=[_hex(c) for c in colours], edgecolor="#404040", linewidth=0.4)
    for bar, count in zip(bars, counts):
        ax.annotate(fmt.integer(count), (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7.5, fontfamily=FONT)
    ax.set_yticks(y, labels)
    ax.set_xlabel(ylabel, fontsize=SIZE, fontfamily=FONT)
    ax.set_xlim(0, max(list(counts) + [1]) * 1.15)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, 0)))
    return _png(fig)


def paired_bars(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None], str]],
                ylabel: str, scale: float = 1.0, value_labels: Sequence[Sequence[str]] = ()) -> bytes:
    """Vertical bars side by side per category (e.g. pagu against realisation per unit group).

    ``series``: (legend label, values, colour) each; ``scale`` divides the axis ticks only (amounts in
    rupiah shown in miliar); ``value_labels``: per series, the display text printed above each bar
    (already formatted by the content builder), none when empty.
    """
    fig, ax = _figure(3.2)
    n = max(len(series), 1)
    width = 0.8 / n
    tops = [0.0]
    for i, (label, values, colour) in enumerate(series):
        x = [c - 0.4 + width * (i + 0.5) for c in range(len(categories))]
        heights = [0.0 if fmt.is_missing(v) else float(v) for v in values]
        tops += heights
        bars = ax.bar(x, heights, width=width * 0.92, color=_hex(colour), edgecolor="#404040", linewidth=0.4,
                      label=label)
        texts = value_labels[i] if i < len(value_labels) else ()
        for bar, text in zip(bars, texts):
            ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 2),
                        textcoords="offset points", ha="center", va="bottom", fontsize=6.5, fontfamily=FONT)
    ax.set_xticks(range(len(categories)), categories)
    ax.set_ylim(0, max(tops) * 1.18 or 1.0)
    ax.set_ylabel(ylabel, fontsize=SIZE, fontfamily=FONT)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v / scale, 0)))
    ax.grid(axis="y", linewidth=0.3, color="#BFBFBF")
    ax.set_axisbelow(True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(4, n), frameon=False, prop=LEGEND)
    return _png(fig)


def stacked_hbars(labels: Sequence[str], parts: Sequence[tuple[str, Sequence[float | None], str]],
                  xlabel: str, totals: Sequence[str] = ()) -> bytes:
    """Horizontal bars made of stacked parts (e.g. MS and TMS of the samples tested per commodity).

    ``parts``: (legend label, values, colour) stacked left to right; ``totals``: the display text printed
    at the end of each bar (the whole, as the warehouse gives it), none when empty.
    """
    fig, ax = _figure(0.42 * max(len(labels), 2) + 1.0)
    y = list(range(len(labels)))[::-1]
    left = [0.0] * len(labels)
    for label, values, colour in parts:
        widths = [0.0 if fmt.is_missing(v) else float(v) for v in values]
        ax.barh(y, widths, left=left, color=_hex(colour), edgecolor="#404040", linewidth=0.4, label=label)
        left = [a + b for a, b in zip(left, widths)]  # where the next part starts (drawing, not a figure shown)
    for yi, end, text in zip(y, left, totals):
        ax.annotate(text, (end, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7,
                    fontfamily=FONT)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, max(left + [1.0]) * 1.18)
    ax.set_xlabel(xlabel, fontsize=SIZE, fontfamily=FONT)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, 0)))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(parts), frameon=False, prop=LEGEND)
    return _png(fig)


def percent_lines(months: Sequence[str], series: Sequence[tuple[str, Sequence[float | None], str]],
                  ylabel: str) -> bytes:
    """Percent lines by month (e.g. cumulative national realisation against pagu and against pagu setelah
    AA), the last value of each line printed."""
    fig, ax = _figure(2.9)
    x = list(range(len(months)))
    top = [100.0]
    for label, values, colour in series:
        ys = [float("nan") if fmt.is_missing(v) else float(v) for v in values]
        top += [v for v in ys if v == v]
        ax.plot(x, ys, marker="o", markersize=3.5, color=_hex(colour), linewidth=1.8, label=label)
        shown = [(xi, v) for xi, v in zip(x, ys) if v == v]
        if shown:
            xi, v = shown[-1]
            ax.annotate(fmt.pct(v), (xi, v), xytext=(4, 0), textcoords="offset points", ha="left", va="center",
                        fontsize=7, fontfamily=FONT, color=_hex(colour))
    ax.set_xticks(x, months)
    ax.set_ylim(0, max(top) * 1.12)
    ax.set_ylabel(ylabel, fontsize=SIZE, fontfamily=FONT)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, 0) + "%"))
    ax.grid(axis="y", linewidth=0.3, color="#BFBFBF")
    ax.legend(loc="upper left", frameon=False, prop=LEGEND)
    return _png(fig)
