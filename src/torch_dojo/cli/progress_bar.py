"""How far a long command is, for the person watching it: `grade` and `check --all`.

On a terminal (stderr one, and not TERM=dumb), a rich progress bar at the bottom: what is
done of the total, the latest student and exercise, the time elapsed and an estimate of
the time left; the lines a run says still scroll above it. Piped (CI, a log file, tests),
just those lines, as they always were: nothing redraws.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from torch_dojo.grading import Mark, number


def on_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):  # closed, or not a real stream
        return False


class ProgressBar:
    """A count of ``total`` steps, shown as a bar with an ETA when ``console`` is given (a
    rich Console on a terminal), else not at all; ``say`` prints a line either way."""

    def __init__(self, total: int, what: str, *, stream: TextIO | None = None, console=None,
                 shares_stdout: bool = False):
        """``shares_stdout``: the command prints on stdout while the bar shows, so the bar shows
        only where stdout is the terminal too (what it prints then scrolls above the bar)."""
        self.total, self.done, self.what = total, 0, what
        self._stream = stream
        self._bar = None
        if console is None and on_terminal(stream or sys.stderr) and (not shares_stdout or on_terminal(sys.stdout)):
            from rich.console import Console  # rich comes with Textual; only loaded on a terminal

            console = Console(file=stream or sys.stderr)
        if console is not None:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self._bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("elapsed"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                            console=console, transient=True, redirect_stdout=shares_stdout)
            self._task = self._bar.add_task(what, total=total)

    def __enter__(self) -> "ProgressBar":
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()

    def say(self, line: str) -> None:
        """A line of the run's log: above the bar on a terminal, else on the stream."""
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=self._stream or sys.stderr, flush=True)

    def now(self, description: str) -> None:
        """What is being done now (shown on the bar)."""
        if self._bar is not None:
            self._bar.update(self._task, description=description, refresh=True)

    def step(self, description: str = "") -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, description=description or self.what, refresh=True)


def mark_line(mark: Mark, reused: bool, done: int, total: int) -> str:
    """grade's line for one mark: ``[ 3/40] alice  01 add: passed 1/1``."""
    note = " (from the journal)" if reused else ""
    return (f"[{done:>{len(str(total))}}/{total}] {mark.student}  {mark.exercise_id} {mark.slug}: {mark.status} "
            f"{number(mark.earned)}/{number(mark.possible)}{note}")


class GradingBar(ProgressBar):
    """grade's progress: a line per mark, and on a terminal the bar with the latest mark."""

    def __init__(self, total: int, **kwargs):
        super().__init__(total, "judging the reference solutions first", **kwargs)

    def mark(self, mark: Mark, reused: bool) -> None:
        self.step(f"{mark.student} · {mark.exercise_id} {mark.slug}")
        self.say(mark_line(mark, reused, self.done, self.total))
