"""Portal upload benchmark: how long a steward waits for the answer to a typical monthly workbook.

Builds one unit's demo year (plan and months 1..M-1 collected into a fresh SQLite warehouse, as the
collection would), starts the portal with uvicorn on a free 127.0.0.1 port, logs in as that unit's
steward and uploads month M ``--n`` times through HTTP (httpx): each answer runs the collection's
checks against the warehouse, writes the annotated copy and renders the problem table. Prints the
median and the maximum answer time (the target is under 3 s). Local traffic only, bounded in count.

    .venv/bin/python -m bench.portal --n 20
"""
from __future__ import annotations

import argparse
import re
import socket
import statistics
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

UNIT, YEAR = "BPOM-KPG", 2023
PASSWORD = "bangku-uji-portal-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(root: Path, month: int):
    """A warehouse holding the unit's plan and months before ``month``; the month's workbook."""
    from demo.generator import generate_year
    from flows import run
    from flows.runners import local_runner
    from flows.select import select_years
    from portal import auth
    from sakip.settings import Settings
    from sinks.warehouse import db

    generate_year(YEAR, root / "demo", mistake_rate=0.0, units=[UNIT], months=range(1, month + 1), workers=1)
    settings = Settings(warehouse_url=f"sqlite:///{root / 'warehouse.sqlite'}", inbox=root / "inbox",
                        out=root / "out", workers=1)
    (root / "inbox" / UNIT).mkdir(parents=True)
    source = root / "demo" / UNIT
    target = source / f"{UNIT}_{YEAR}-{month:02d}.xlsx"
    for path in sorted(source.glob("*.xlsx")):
        if path != target:
            (root / "inbox" / UNIT / path.name).write_bytes(path.read_bytes())
    engine = db.open_warehouse(settings.warehouse_url)
    runner = local_runner(1)
    try:
        run.collect(engine, settings, select_years(settings, YEAR, YEAR), runner)
    finally:
        runner.close()
    auth.add_user(engine, "bangku", "Pengelola Uji", "steward", UNIT, PASSWORD)
    return engine, settings, target.read_bytes()


def main(argv: list[str] | None = None) -> None:
    import httpx
    import uvicorn

    from portal.app import create_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="uploads to time (at most 200)")
    parser.add_argument("--month", type=int, default=6, help="month uploaded (1-12)")
    args = parser.parse_args(argv)
    n = max(1, min(args.n, 200))
    with tempfile.TemporaryDirectory(prefix="sakip-bench-portal-") as folder:
        started = time.perf_counter()
        engine, settings, content = prepare(Path(folder), args.month)
        print(f"warehouse ready in {time.perf_counter() - started:.1f} s; workbook {len(content) / 1024:.0f} KB")
        # the answer is judged on the day after the month ends, before its deadline
        clock = (lambda: datetime(YEAR + args.month // 12, args.month % 12 + 1, 5, 3, tzinfo=timezone.utc))
        app = create_app(settings, engine=engine, clock=clock)
        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, follow_redirects=True, timeout=60) as client:
                token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/masuk").text)[1]
                page = client.post("/masuk", data={"csrf_token": token, "nama": "bangku", "sandi": PASSWORD})
                token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
                times, verdicts = [], set()
                for i in range(n):
                    began = time.perf_counter()
                    answer = client.post(f"/unit/{UNIT}/unggah", data={"csrf_token": token},
                                         files={"berkas": (f"laporan-{i}.xlsx", content, "application/octet-stream")})
                    times.append(time.perf_counter() - began)
                    answer.raise_for_status()
                    verdicts.add(re.search(r"Hasil pemeriksaan: ([^<]+)<", answer.text)[1])
        finally:
            server.should_exit = True
            thread.join(timeout=10)
        print(f"{n} uploads of {UNIT} {YEAR}-{args.month:02d} through HTTP ({', '.join(sorted(verdicts))}): "
              f"median {statistics.median(times):.2f} s, max {max(times):.2f} s (first {times[0]:.2f} s)")


if __name__ == "__main__":
    main()
