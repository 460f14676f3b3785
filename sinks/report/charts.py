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
