"""The last verdict, check by check: name, passed or not, the message and the hint."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from torch_dojo.pack import Exercise
from torch_dojo.verdict import NOT_YOUR_FAULT, Status, Verdict, case_of, grouped
from torch_dojo.tui.widgets.exercise_list import MARKS


def verdict_lines(verdict: Verdict) -> RenderableType:
    ran = [c for c in verdict.checks if c.status is not Status.SKIPPED]
    passed = sum(c.status is Status.PASSED for c in ran)
    mark, style = MARKS[verdict.status.value]
    summary = f"{passed} of {len(ran)} checks passed" if ran else "no check ran"
    parts: list[RenderableType] = [Text.assemble(
        (f"{mark} {verdict.status.value.upper()}", f"bold {style}"), f"  {summary}, {verdict.duration:.1f} s")]
    if verdict.message:
        parts.append(Padding(Text(verdict.message), (1, 0, 0, 2)))
    parts.append(Text(""))
    for name, cases in grouped(verdict.checks):
        failing = [c for c in cases if c.status not in (Status.PASSED, Status.SKIPPED)]
        first = failing[0] if failing else cases[0]
        mark, style = MARKS[first.status.value]
        line = Text.assemble((mark, style), " ", name)
        if len(cases) > 1:
            line.append(f"  (fails for {', '.join(case_of(c.name) for c in failing)})" if failing
                        else f"  ({len(cases)} cases)", style="dim")
        parts.append(line)
        if first.status is Status.SKIPPED and first.message:
            parts.append(Padding(Text(f"skipped: {first.message}", style="dim"), (0, 0, 0, 4)))
        elif failing:
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
    def compose(self):
        yield Static(id="verdict-body")

    def show(self, exercise: Exercise, verdict: Verdict | None, status: str) -> None:
        body = self.query_one("#verdict-body", Static)
        if verdict is not None:
            body.update(verdict_lines(verdict))
        elif status == "not tried":
            body.update(Text(f"Not checked yet. Edit {exercise.file} and save it: the checks run on every "
                             "save. Press r to run them now."))
        else:
            body.update(Text(f"Last time it {status_phrase(status)}. Press r to check it again."))
        self.scroll_home(animate=False)


def status_phrase(status: str) -> str:
    return {"passed": "passed", "failed": "did not pass", "error": "did not run", "timeout": "ran out of time",
            "memory": "ran out of memory", "skipped": "was skipped"}.get(status, status)
