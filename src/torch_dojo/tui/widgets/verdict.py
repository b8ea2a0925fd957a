"""The last verdict, check by check: name, passed or not, the message and the hint.

While a check of the file runs, the last verdict stays readable but is marked as the
verdict of the file as it was (``checking``): the learner never reads an old verdict as
the new one.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from torch_dojo.pack import Exercise
from torch_dojo.verdict import NOT_YOUR_FAULT, CheckRow, Status, Verdict, case_of, rows, tally
from torch_dojo.tui.widgets.exercise_list import MARKS


def hanging(mark: Text, text: Text) -> Table:
    """``mark`` then ``text``, its wrapped lines indented under the text, not the mark: a
    continuation never reads as a check of its own."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row(mark, text)
    return grid


def row_line(row: CheckRow) -> Table:
    mark, style = MARKS[row.status.value]
    line = Text(row.name)
    if len(row.cases) > 1:
        if row.failing:
            later = f"; not run for {', '.join(case_of(c.name) for c in row.not_run)}" if row.not_run else ""
            line.append(f"  (fails for {', '.join(case_of(c.name) for c in row.failing)}{later})", style="dim")
        else:
            line.append(f"  ({len(row.cases)} cases)", style="dim")
    return hanging(Text(mark, style=style), line)


def verdict_lines(verdict: Verdict) -> RenderableType:
    mark, style = MARKS[verdict.status.value]
    parts: list[RenderableType] = [Text.assemble(
        (f"{mark} {verdict.status.value.upper()}", f"bold {style}"),
        f"  {tally(verdict.checks).summary()}, {verdict.duration:.1f} s")]
    if verdict.message:
        parts.append(Padding(Text(verdict.message), (1, 0, 0, 2)))
    parts.append(Text(""))
    for row in rows(verdict.checks):
        parts.append(row_line(row))
        first = row.shown
        if row.status is Status.SKIPPED and first.message:
            parts.append(Padding(Text(f"skipped: {first.message}", style="dim"), (0, 0, 0, 4)))
        elif row.status is Status.NOT_RUN:
            parts.append(Padding(Text("not run", style="dim"), (0, 0, 0, 4)))
        elif row.failing:
            if first.message and first.message != verdict.message:
                parts.append(Padding(Text(first.message), (0, 0, 0, 4)))
            if first.blame == "check":  # the check's own bug: say so, whatever its hint
                parts.append(Padding(Text(first.hint or NOT_YOUR_FAULT, style="bold yellow"), (0, 0, 0, 4)))
            elif first.hint:
                label = "hint (second time): " if first.second_hint else "hint: "
                parts.append(Padding(Text.assemble((label, "bold cyan"), first.hint), (0, 0, 0, 4)))
    if verdict.hint and not any(c.hint == verdict.hint for c in verdict.checks):
        parts.append(Padding(Text.assemble(("hint: ", "bold cyan"), verdict.hint), (1, 0, 0, 2)))
    if verdict.passed:
        parts.append(Padding(Text("Passed! Press s to compare with the reference solution, n for the next "
                                  "exercise.", style="green"), (1, 0, 0, 0)))
    return Group(*parts)


class VerdictView(VerticalScroll):
    _shown = False  # a verdict is in the body (not the words of an exercise not checked yet)

    def compose(self):
        yield Static(id="verdict-checking")
        yield Static(id="verdict-body")

    def on_mount(self) -> None:
        self.query_one("#verdict-checking").display = False

    def show(self, exercise: Exercise, verdict: Verdict | None, status: str) -> None:
        body = self.query_one("#verdict-body", Static)
        self.query_one("#verdict-checking").display = False
        self.remove_class("-stale")
        body.display, self._shown = True, verdict is not None
        if verdict is not None:
            body.update(verdict_lines(verdict))
        elif status == "changed":
            body.update(Text(f"{exercise.file} changed since its last check: it is being checked again."))
        elif status == "not tried":
            body.update(Text(f"Not checked yet. Edit {exercise.file} and save it: the checks run on every "
                             "save. Press r to run them now."))
        else:
            body.update(Text(f"Last time it {status_phrase(status)}. Press r to check it again."))
        self.scroll_home(animate=False)

    def checking(self) -> None:
        """A check of the file runs: a verdict below is of the file as it was (dimmed); the
        words of an exercise not checked yet ("Not checked yet…") go."""
        note = self.query_one("#verdict-checking", Static)
        note.update(Text.assemble(("⟳ Checking your file as it is now…", "bold cyan"),
                                  "  What follows is the last verdict, of the file as it was before."
                                  if self._shown else ""))
        note.display = True
        self.query_one("#verdict-body").display = self._shown
        self.add_class("-stale")
        self.scroll_home(animate=False)


def status_phrase(status: str) -> str:
    return {"passed": "passed", "failed": "did not pass", "error": "did not run", "timeout": "ran out of time",
            "memory": "ran out of memory", "skipped": "was skipped"}.get(status, status)
