"""Plain-text rendering for the CLI: verdicts, the exercise list, doctor, pack verify.

Colour only on a terminal (and never with NO_COLOR); symbols fall back to ASCII where the
output cannot encode them.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, TextIO

from torch_dojo.pack import Pack
from torch_dojo.progress import Progress
from torch_dojo.verdict import NOT_YOUR_FAULT, Status, Verdict, case_of, grouped, tally
from torch_dojo.runner.environment import Environment

if TYPE_CHECKING:  # imported where used: `torch-dojo` alone, opening the workbook, needs neither
    from torch_dojo.grading import Grades
    from torch_dojo.verify import PackVerification

SHOWN_FAILURES = 3  # checks whose message and hint are printed in full, unless asked for all (check -v)
OUTPUT_LINES = 20

_COLOURS = {"green": "32", "red": "31", "yellow": "33", "dim": "2", "bold": "1", "cyan": "36"}
# The workbook's marks (MARKS in tui/widgets/exercise_list.py), each with a plain one for an
# output whose encoding cannot show it.
_SYMBOLS = {
    Status.PASSED: ("✓", "+", "green"), Status.FAILED: ("✗", "x", "red"),
    Status.ERROR: ("✗", "x", "red"), Status.TIMEOUT: ("⏱", "T", "red"),
    Status.MEMORY: ("M", "M", "red"), Status.SKIPPED: ("–", "-", "yellow"),
    Status.NOT_RUN: ("·", ".", "dim"),
}


class Style:
    def __init__(self, stream: TextIO):
        self.colour = stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        try:
            "✓✗⏱–·".encode(stream.encoding or "ascii")
            self.unicode = True
        except (UnicodeEncodeError, LookupError):
            self.unicode = False

    def __call__(self, text: str, colour: str) -> str:
        return f"\033[{_COLOURS[colour]}m{text}\033[0m" if self.colour else text

    def mark(self, status: Status) -> str:
        fancy, plain, colour = _SYMBOLS[status]
        return self(fancy if self.unicode else plain, colour)


def verdict(v: Verdict, style: Style, *, next_step: str = "", failures: int | None = SHOWN_FAILURES,
            all_failures: str = "") -> str:
    """``failures``: how many failing checks show their message and hint (None: all); when
    some are left out, a line says how many, and ``all_failures`` how to see them."""
    lines = []
    summary = tally(v.checks).summary()  # counted as the TUI counts: one per line below
    head = f"{style.mark(v.status)} {v.exercise_id} {v.slug}: {style(v.status.value.upper(), _SYMBOLS[v.status][2])}"
    lines.append(f"{style(head, 'bold')}  ({summary}, {v.duration:.1f} s)")
    if v.message:
        lines += ["", *_indent(v.message, 2)]
    shown = left_out = 0
    for name, cases in grouped(v.checks):
        failing = [c for c in cases if c.status not in (Status.PASSED, Status.SKIPPED, Status.NOT_RUN)]
        first = failing[0] if failing else next((c for c in cases if c.status is Status.NOT_RUN), cases[0])
        line = f"  {style.mark(first.status)} {name}"
        if len(cases) > 1:
            unreached = [case_of(c.name) for c in cases if c.status is Status.NOT_RUN]
            later = f"; not run for {', '.join(unreached)}" if failing and unreached else ""
            line += (f"  (fails for {', '.join(case_of(c.name) for c in failing)}{later})" if failing
                     else f"  ({len(cases)} cases)")
        lines.append(line)
        if first.status is Status.SKIPPED and first.message:
            lines.append(style(f"      skipped: {first.message}", "dim"))
        elif first.status is Status.NOT_RUN:
            lines.append(style("      not run", "dim"))
        elif failing and (failures is None or shown < failures):
            shown += 1
            if first.message and first.message != v.message:
                lines += _indent(first.message, 6)
            if first.blame == "check":  # the check's own bug: say so, whatever its hint
                lines += _indent(style(first.hint or NOT_YOUR_FAULT, "yellow"), 6)
            elif first.hint:
                label = "hint (second time): " if first.second_hint else "hint: "
                lines += _indent(style(label, "cyan") + first.hint, 6)
        elif failing:
            left_out += 1
    if left_out:
        how = f": {all_failures}" if all_failures else ""
        lines += ["", style(f"  The message and hint of {left_out} more failing check{'s' if left_out > 1 else ''} "
                            f"are left out{how}.", "dim")]
    if v.hint and not any(c.hint == v.hint for c in v.checks):
        lines += ["", *_indent(style("hint: ", "cyan") + v.hint, 2)]
    if v.output.strip():
        tail = v.output.rstrip().splitlines()[-OUTPUT_LINES:]
        cut = " (cut: only the end is kept)" if v.output_truncated else ""
        lines += ["", style(f"  What your code printed{cut}:", "dim"), *("    " + line for line in tail)]
    if next_step:
        lines += ["", next_step]
    return "\n".join(lines)


def check_all(rows: list[tuple[str, str, Verdict | None]], style: Style) -> str:
    """The end of `check --all`: one row per exercise (its address, slug, status, checks
    passed and time; a verdict of ``None``: not judged), then how many passed. Plain
    columns, so that it reads the same in a terminal, a pipe and a CI log."""
    table = [("", "id", "exercise", "status", "checks", "time")]
    for address, slug, v in rows:
        if v is None:
            table.append(("·" if style.unicode else "?", address, slug, "not judged", "", ""))
            continue
        count = tally(v.checks)  # counted as the verdict above it and the TUI count
        checks = (f"{count.passed} of {count.total}" if count.total else "none ran") + \
            (f", {count.not_run} not run" if count.not_run else "")
        table.append((style.mark(v.status), address, slug, v.status.value, checks, f"{v.duration:.1f} s"))
    widths = [max(_width(row[i]) for row in table) for i in range(len(table[0]))]
    lines = []
    for n, row in enumerate(table):
        line = "  ".join(_pad(cell, width, right=i == 5) for i, (cell, width) in enumerate(zip(row, widths)))
        lines.append(style(line.rstrip(), "dim") if n == 0 else line.rstrip())
    judged = [v for _, _, v in rows if v is not None]
    spent = sum(v.duration for v in judged)
    lines.append(f"\n{sum(v.passed for v in judged)} of {len(rows)} exercises passed ({spent:.1f} s of checks).")
    return "\n".join(lines)


def _width(cell: str) -> int:
    """How wide a cell shows: its colour codes take no room."""
    return len(re.sub(r"\033\[[0-9;]*m", "", cell))


def _pad(cell: str, width: int, *, right: bool = False) -> str:
    room = " " * (width - _width(cell))
    return room + cell if right else cell + room


def exercise_list(pack: Pack, progress: Progress | None, style: Style) -> str:
    lines = [style(pack.title, "bold")]
    chapter = None
    for exercise in pack.exercises:
        if exercise.chapter != chapter:
            chapter = exercise.chapter
            lines.append(f"\n  {style(chapter, 'bold')}")
        status = progress.of(exercise.slug).status if progress else ""
        needs = f" (needs {', '.join(sorted(exercise.requires))})" if exercise.requires else ""
        lines.append(f"    {exercise.id}  {exercise.slug:<22} {exercise.title}{needs}"
                     + (f"  {_status_word(status, style)}" if progress else ""))
    if progress:
        done = sum(progress.of(e.slug).status == "passed" for e in pack.exercises)
        lines.append(f"\n  {done} of {len(pack.exercises)} passed")
    return "\n".join(lines)


def _status_word(status: str, style: Style) -> str:
    colour = {"passed": "green", "not tried": "dim"}.get(status, "red")
    return style(f"[{status}]", colour)


def environment(env: Environment, style: Style) -> str:
    def row(label: str, ok: bool | None, text: str) -> str:
        mark = style.mark(Status.PASSED if ok else Status.SKIPPED if ok is None else Status.FAILED)
        return f"  {mark} {label:<12} {text}"

    if env.torch_problem:
        return "\n".join([row("python", True, env.python), row("torch", False, env.torch_problem)])
    cuda = (", ".join(env.devices) if env.cuda_available else
            f"not available ({'CPU-only build of torch' if not env.cuda_build else 'no usable GPU'}): "
            "CUDA checks are skipped, with the reason")
    return "\n".join([
        row("python", True, f"{env.python} on {env.platform}"),
        row("torch", True, env.torch + (f" (CUDA {env.cuda_build})" if env.cuda_build else "")),
        row("cuda", env.cuda_available or None, cuda),
        row("mps", env.mps_available or None, "available" if env.mps_available else "not available"),
        row("torchvision", not env.torchvision_problem or None, env.torchvision or env.torchvision_problem),
        row("torchrun", env.torchrun, ("python -m torch.distributed.run; backends: " + ", ".join(env.backends))
            if env.torchrun else "torch.distributed is not available in this torch"),
    ])


def verification(found_pack: PackVerification, style: Style) -> str:
    lines = [f"{style('problem:', 'red')} {p}" for p in found_pack.problems]
    results = found_pack.exercises
    for found in results:
        mark = style.mark(Status.PASSED if found.ok else Status.FAILED)
        proved = sum(m.outcome == "proved" for m in found.mistakes)
        mistakes = f", {proved} of {len(found.mistakes)} mistakes proved" if found.mistakes else ""
        lines.append(f"{mark} {found.exercise.id} {found.exercise.slug}: starter {found.starter.status}, "
                     f"solution {found.solution.status} ({found.solution.duration:.1f} s of "
                     f"{found.exercise.time_limit:g}){mistakes}")
        lines += [f"    {style('problem:', 'red')} {p}" for p in found.problems]
        lines += [style(f"    note: {n}", "dim") for n in found.notes]
    bad = sum(not f.ok for f in results)
    lines.append(f"\n{len(results) - bad} of {len(results)} exercises verified" + (f", {bad} with problems" if bad else ""))
    counts = found_pack.mistake_counts()
    if counts["run"]:
        skipped = f", {counts['skipped']} not run on this machine" if counts["skipped"] else ""
        wrong = f", {counts['problem']} with problems" if counts["problem"] else ""
        lines.append(f"{counts['proved']} of {counts['run']} mistake files proved{skipped}{wrong}")
    else:
        lines.append("no mistake files (mistakes/<exercise file stem>/*.py prove what the checks catch: "
                     "see docs/packs.md)")
    if found_pack.problems:
        lines.append(f"{len(found_pack.problems)} problem(s) with the pack as a whole")
    return "\n".join(lines)


def grades(found: Grades, style: Style) -> str:
    """A table: one row per student, one column per exercise (its mark, or its points when
    an exercise is worth more than one), the total; then how many passed each exercise."""
    from torch_dojo.grading import number

    exercises = found.pack.exercises
    name_width = max([len("student"), *(len(s.student) for s in found.students)])
    widths = [max(len(e.id), 3) for e in exercises]
    lines = ["  ".join(["student".ljust(name_width), *(e.id.rjust(w) for e, w in zip(exercises, widths)), "total"])]
    for student in found.students:
        cells = []
        for exercise, width in zip(exercises, widths):
            mark = found.of(student.student, exercise)
            cells.append(_grade_cell(mark, style, width))
        earned, possible = found.total(student.student)
        share = f" ({100 * earned / possible:.0f}%)" if possible else ""
        lines.append("  ".join([student.student.ljust(name_width), *cells, f"{number(earned)}/{number(possible)}{share}"]))
    passed = [sum(1 for s in found.students if (m := found.of(s.student, e)) and m.status == "passed") for e in exercises]
    lines.append("  ".join(["passed".ljust(name_width), *(str(n).rjust(w) for n, w in zip(passed, widths))]))
    missing = "?" if not style.unicode else "·"
    lines.append(style(f"\n{style.mark(Status.PASSED)} passed  {style.mark(Status.FAILED)} failed (or did not run)  "
                       f"{style.mark(Status.TIMEOUT)} timeout  "
                       f"{style.mark(Status.MEMORY)} memory  {style.mark(Status.SKIPPED)} skipped  "
                       f"{missing} missing; a number: the points earned", "dim"))
    return "\n".join(lines)


def _grade_cell(mark, style: Style, width: int) -> str:
    if mark is None:
        return " " * width
    if mark.status == "missing":
        return style(("·" if style.unicode else "?").rjust(width), "dim")
    from torch_dojo.grading import number

    status = Status(mark.status)
    if mark.possible != 1 and mark.earned:  # partial credit reads as points
        return style(number(mark.earned).rjust(width), _SYMBOLS[status][2])
    return " " * (width - 1) + style.mark(status)


def source(text: str, style: Style) -> str:
    """Python source, highlighted on a colour terminal."""
    if not style.colour:
        return text
    from pygments import highlight
    from pygments.formatters import TerminalFormatter
    from pygments.lexers import PythonLexer

    return highlight(text, PythonLexer(), TerminalFormatter())


def _indent(text: str, spaces: int) -> list[str]:
    return [" " * spaces + line for line in text.splitlines()]


def stdout_style() -> Style:
    return Style(sys.stdout)
