"""A real browser: Debian's headless Chromium loads the portal served by uvicorn, a steward logs in and
uploads a workbook with planted mistakes, and the problem table is shown; the centre's grid loads.

Screenshots go to ``SAKIP_PORTAL_SCREENSHOTS`` when set (``docs/portal-steward.png`` and
``docs/portal-centre.png`` were made that way), else to the test's folder. Skipped where Chromium is
not installed (``.ci/run`` installs it)."""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

import kupang
from portal_harness import PASSWORD, UNIT, Portal
from sinks.templates import write_workbook

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def kupang_built(kupang_sqlite):
    """The browser test runs on SQLite only: the HTTP tests (test_portal_http.py) cover both backends."""
    return kupang_sqlite


@pytest.fixture
def served(portal: Portal):
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(portal.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser():
    from cdp import Browser

    chromium = Browser()
    yield chromium
    chromium.close()


def _planted(tmp_path: Path) -> Path:
    """Kupang's June report with two typical steward mistakes: text in a number cell, a negative amount."""
    from openpyxl import load_workbook

    ident, frames = kupang.monthly_workbook(6)
    path = tmp_path / "Laporan Juni.xlsx"
    write_workbook("bulanan", ident, frames, path)
    book = load_workbook(path)
    book["Kinerja"]["B5"] = "sembilan puluh"
    book["Anggaran"]["C5"] = "-100"
    book.save(path)
    return path


def _login(browser, base: str, username: str) -> None:
    browser.goto(f"{base}/masuk")
    browser.evaluate(f"document.querySelector('#nama').value = '{username}';"
                     f"document.querySelector('#sandi').value = '{PASSWORD}';"
                     "document.querySelector('form[action=\"/masuk\"]').submit(); true")
    browser.wait_for("location.pathname !== '/masuk' && document.readyState === 'complete'")


def test_a_steward_uploads_in_a_browser_and_sees_the_problem_table(portal: Portal, served: str, browser,
                                                                   tmp_path: Path):
    shots = Path(os.environ.get("SAKIP_PORTAL_SCREENSHOTS", tmp_path))
    _login(browser, served, "maria")
    assert browser.evaluate("location.pathname") == f"/unit/{UNIT}"
    assert browser.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor") \
        == "rgb(11, 61, 110)"  # the stylesheet loaded
    browser.set_file("input[type=file]", _planted(tmp_path))
    browser.evaluate("document.querySelector('form[enctype] button').click(); true")
    browser.wait_for("document.querySelector('table.problems') !== null", timeout=60)
    rows = browser.evaluate("[...document.querySelectorAll('table.problems tbody tr')].map(r => r.innerText)")
    assert any("Kinerja" in r and "B5" in r and "sembilan puluh" in r for r in rows), rows
    assert any("Anggaran" in r and "C5" in r for r in rows), rows
    assert "Ditolak" in browser.evaluate("document.querySelector('#hasil h2').innerText")
    browser.screenshot(shots / "portal-steward.png")

    _login(browser, served, "pusat")  # another account in the same browser replaces the session
    assert browser.evaluate("location.pathname") == "/pusat"
    cells = browser.evaluate("document.querySelectorAll('table.grid td.cell').length")
    assert cells >= 100 * 12
    assert browser.evaluate("getComputedStyle(document.querySelector('td.cell.belum')).backgroundColor") \
        != browser.evaluate("getComputedStyle(document.querySelector('td.cell.nanti')).backgroundColor")
    browser.screenshot(shots / "portal-centre.png", max_height=1400)
