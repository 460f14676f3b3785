"""Rewrite ``tests/durations.json`` from the output of a run with ``--durations=0``.

    make test PYTEST_ARGS=--durations=0 | tee /tmp/run.log
    .venv/bin/python tests/update_durations.py < /tmp/run.log

Seconds per test file (setup + call + teardown of its tests), which the xdist scheduler in
``tests/conftest.py`` uses to hand out the longest files first. Only the order of the run depends on it.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

LINE = re.compile(r"^(?P<seconds>\d+(?:\.\d+)?)s\s+(?:setup|call|teardown)\s+(?P<file>[^:\s]+\.py)::")


def per_file(lines) -> dict[str, float]:
    """Seconds per test file from pytest's ``--durations`` lines."""
    seconds: dict[str, float] = {}
    for line in lines:
        match = LINE.match(line)
        if match:
            seconds[match["file"]] = seconds.get(match["file"], 0.0) + float(match["seconds"])
    return {file: round(total, 1) for file, total in sorted(seconds.items())}


if __name__ == "__main__":
    found = per_file(sys.stdin)
    if not found:
        sys.exit("no --durations lines in the input")
    Path(__file__).with_name("durations.json").write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    print(f"{len(found)} files, {sum(found.values()):.0f} s")
