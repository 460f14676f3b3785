"""Progress of a long command on the operator's terminal: a bar per phase, then a summary table.

``flows.runners.Progress`` for the command line, drawn with rich on standard error: counts, rate and
time left for each phase (files, unit-years, reports, demo units), so nobody stares at a silent
terminal. On a terminal that is not interactive (a log, CI) rich prints the finished bars only.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

CONSOLE = Console(stderr=True)


class RateColumn(ProgressColumn):
    """Items per second of the phase."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:6.1f}/dtk" if speed else "     -/dtk", style="progress.data.speed")


class Bars:
    """A rich bar per phase (``start`` adds one, ``advance`` moves it)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, int] = {}

    def start(self, phase: str, total: int) -> None:
        if phase in self.tasks:
            self.progress.update(self.tasks[phase], total=total, completed=0)
        else:
            self.tasks[phase] = self.progress.add_task(phase, total=total)

    def advance(self, phase: str, n: int = 1) -> None:
        if phase in self.tasks:
            self.progress.advance(self.tasks[phase], n)


@contextmanager
def bars() -> Iterator[Bars]:
    """Progress bars for the duration of a command."""
    columns = (TextColumn("{task.description:<11}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
               TextColumn("sisa"), TimeRemainingColumn(), TextColumn("lewat"), TimeElapsedColumn())
    with Progress(*columns, console=CONSOLE, transient=False) as progress:
        yield Bars(progress)


def summary(title: str, counts: Mapping[str, int]) -> None:
    """A closing table: one row per outcome and how many."""
    table = Table(title=title, show_header=True, header_style="bold")
    table.add_column("hasil")
    table.add_column("jumlah", justify="right")
    for name, count in counts.items():
        table.add_row(name, str(count))
    CONSOLE.print(table)
