"""The charts: PNG bytes drawn without pyplot or the global rcParams, so workers and threads can share a process."""
from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import matplotlib
from PIL import Image

from sinks.report import charts

LEGEND = (("Memenuhi Ekspektasi", "4E9A3A"), ("Belum Memenuhi Ekspektasi", "F2B705"))


def _bars() -> bytes:
    return charts.score_bars(["SK 1", "SK 2", "SK 3"], [106.86, None, 93.85], ["4E9A3A", "7F7F7F", "F2B705"], LEGEND,
                             ylabel="NPS")


def test_a_chart_is_an_opaque_png_at_the_report_resolution():
    image = Image.open(io.BytesIO(_bars()))
    assert image.format == "PNG" and round(image.info["dpi"][0]) == charts.DPI
    assert image.getchannel("A").getextrema() == (255, 255)  # the PDF embeds it without a soft mask


def test_charts_leave_the_global_matplotlib_settings_alone():
    before = dict(matplotlib.rcParams)
    _bars()
    charts.absorption_lines(["Jan", "Feb"], [10.0, 20.0], [8.0, None], "RPD", "Realisasi")
    charts.count_bars(["Memenuhi Ekspektasi"], [3], ["4E9A3A"], "Jumlah unit kerja")
    assert dict(matplotlib.rcParams) == before


def test_charts_drawn_in_threads_are_the_same_as_drawn_alone():
    alone = _bars()
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(lambda _: _bars(), range(8))) == {alone}
