"""Charts of the report as PNG bytes (matplotlib, Agg backend, no display, no files).

Each function takes display-ready series (values already computed by the warehouse; labels and
colours chosen by the content builder) and returns a PNG at 200 dpi sized for an A4 text column
(16 cm wide), with Indonesian number formatting on the axes and value labels.
"""
from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from sinks.report import idformat as fmt  # noqa: E402

WIDTH_IN = 6.3
DPI = 200
plt.rcParams.update({"font.size": 8.5, "font.family": "DejaVu Sans", "axes.spines.top": False,
                     "axes.spines.right": False})


def _png(fig: plt.Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return buf.getvalue()


def _hex(colour: str) -> str:
    return colour if colour.startswith("#") else f"#{colour}"


def _legend(ax: plt.Axes, legend: Sequence[tuple[str, str]]) -> None:
    if legend:
        handles = [Patch(facecolor=_hex(c), label=label) for label, c in legend]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=min(4, len(handles)),
                  frameon=False, fontsize=7.5)


def score_bars(labels: Sequence[str], values: Sequence[float | None], colours: Sequence[str],
               legend: Sequence[tuple[str, str]] = (), ylabel: str = "Capaian (%)",
               reference: Sequence[float] = (100.0,), na_text: str = "NA") -> bytes:
    """Vertical bars (one per item) coloured by kriteria; missing values print ``na_text``."""
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 3.1))
    heights = [0.0 if fmt.is_missing(v) else float(v) for v in values]
    bars = ax.bar(range(len(labels)), heights, color=[_hex(c) for c in colours], edgecolor="#404040", linewidth=0.4)
    top = max(heights + [100.0]) * 1.15
    for bar, value in zip(bars, values):
        text = na_text if fmt.is_missing(value) else fmt.number(value)
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), xytext=(0, 2),
                    textcoords="offset points", ha="center", va="bottom", fontsize=7)
    for ref in reference:
        ax.axhline(ref, color="#404040", linewidth=0.7, linestyle="--")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylim(0, top)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, 0)))
    _legend(ax, legend)
    return _png(fig)


def absorption_lines(months: Sequence[str], planned_pct: Sequence[float | None],
                     actual_pct: Sequence[float | None], planned_label: str, actual_label: str) -> bytes:
    """Cumulative absorption (% of pagu) by month: the RPD plan against the realisation."""
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 3.0))
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
                        color="#1F5FA8")
    ax.set_xticks(x, months)
    ax.set_ylim(0, max([v for v in plan + real if v is not None] + [100.0]) * 1.1)
    ax.set_ylabel("Kumulatif (% dari pagu)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, 0) + "%"))
    ax.grid(axis="y", linewidth=0.3, color="#BFBFBF")
    ax.legend(loc="upper left", frameon=False, fontsize=7.5)
    return _png(fig)


def count_bars(labels: Sequence[str], counts: Sequence[int], colours: Sequence[str], ylabel: str) -> bytes:
    """Horizontal bars of counts (e.g. units per kriteria) with the count printed at each bar."""
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.45 * max(len(labels), 2) + 0.8))
    y = list(range(len(labels)))[::-1]
    bars = ax.barh(y, counts, color=[_hex(c) for c in colours], edgecolor="#404040", linewidth=0.4)
    for bar, count in zip(bars, counts):
        ax.annotate(fmt.integer(count), (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7.5)
    ax.set_yticks(y, labels)
    ax.set_xlabel(ylabel)
    ax.set_xlim(0, max(list(counts) + [1]) * 1.15)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, 0)))
    return _png(fig)
