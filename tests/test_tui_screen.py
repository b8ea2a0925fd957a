"""The workbook never shows a stale or hidden thing: what a check running, a timeout, grouped
cases, another terminal, a sampled run, a long line, 80×24 and a hint do to the screen.

Torch-free and child-free: the checks are judged at once by functions of this file (a
real check changes nothing of what is drawn), on the mini pack.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Markdown

from torch_dojo import progress, workspace
from torch_dojo.cli import render
from torch_dojo.runner.environment import Environment
from torch_dojo.session import Session
from torch_dojo.tui.app import DojoApp
from torch_dojo.tui.toasts import HINT_S, hint_markup
from torch_dojo.tui.widgets.charts import Losses
from torch_dojo.tui.widgets.title import fitted_path
from torch_dojo.verdict import CheckResult, Status, Verdict

CPU_ONLY = Environment(python="3.11", torch="2.13.0+cpu", distributed=True, torchrun=True)


def verdict_of(exercise, status: Status, checks=(), message: str = "", **extra) -> Verdict:
    return Verdict(exercise.id, exercise.slug, exercise.title, status, message=message, checks=tuple(checks),
                   duration=0.4, **extra)


@pytest.fixture
def found(tmp_path: Path, mini_pack, monkeypatch) -> workspace.Workspace:
    monkeypatch.setenv("HOME", str(tmp_path))  # the workspace reads as ~/torch-dojo
    return workspace.create(tmp_path / "torch-dojo", mini_pack)


@pytest.fixture
def app_with(mini_pack, found):
    def make(check) -> DojoApp:
        return DojoApp(Session.open(mini_pack, found), check=check, probe=lambda: CPU_ONLY)
    return make


async def until(pilot, condition, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the workbook did not get there in time")


def plain(renderable, width: int = 200) -> str:
    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(renderable)
    return console.export_text()


def shown(app, selector: str) -> str:
    widget = app.screen.query_one(selector)
    return plain(widget.content, widget.content_region.width or 200)


# A check that runs ---------------------------------------------------------------------------

async def test_while_a_check_runs_the_last_verdict_is_marked_as_of_the_file_before(app_with):
    release = threading.Event()
    runs = []

    def check(exercise, file, cancelled=None):
        runs.append(1)
        if len(runs) > 1:
            release.wait(10)
            return verdict_of(exercise, Status.PASSED, [CheckResult("adds", Status.PASSED)])
        return verdict_of(exercise, Status.FAILED, message="SyntaxError on line 2 of your file")

    app = app_with(check)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: "SyntaxError" in shown(app, "#verdict-body"))
        assert not app.screen.query_one("#verdict-checking").display
        await pilot.press("r")
        await until(pilot, lambda: app.screen.query_one("#verdict-checking").display)
        assert "Checking your file as it is now" in shown(app, "#verdict-checking")
        assert "of the file as it was before" in shown(app, "#verdict-checking")
        assert app.screen.query_one("VerdictView").has_class("-stale")
        release.set()
        await until(pilot, lambda: "PASSED" in shown(app, "#verdict-body"))
        assert not app.screen.query_one("#verdict-checking").display
        assert not app.screen.query_one("VerdictView").has_class("-stale")


# Counting ------------------------------------------------------------------------------------

TIMED_OUT = [CheckResult("first", Status.TIMEOUT, "Stopped after 20 s"),
             *(CheckResult(f"check {n}", Status.NOT_RUN, "not run: the run ended at the check 'first' (timeout)")
               for n in range(2, 6))]
GROUPED = [*(CheckResult(f"sums [{c}]", Status.PASSED) for c in ("ints", "floats", "empty")),
           CheckResult("shape [2x3]", Status.PASSED), CheckResult("shape [3x4]", Status.FAILED, "got (4, 3)"),
           CheckResult("dtype", Status.PASSED), CheckResult("device", Status.PASSED),
           CheckResult("grad", Status.FAILED, "no gradient"), CheckResult("on the GPU", Status.SKIPPED, "needs CUDA")]


@pytest.mark.parametrize("checks, says, lines", [
    (TIMED_OUT, "0 of 5 checks passed, 4 not run", 5),  # not "0 of 1" for a five-check exercise
    (GROUPED, "3 of 5 checks passed, 1 skipped", 6),  # 9 results, 6 lines: counted as the lines
], ids=["timeout", "grouped-cases"])
async def test_the_workbook_and_the_cli_count_the_checks_as_the_lines_they_show(app_with, checks, says, lines):
    status = Status.TIMEOUT if checks is TIMED_OUT else Status.FAILED
    app = app_with(lambda exercise, file, cancelled=None: verdict_of(exercise, status, checks))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: "add" in app.session.verdicts)
        await pilot.pause()
        text = shown(app, "#verdict-body")
        assert says in text
        assert sum(line[:1] in "✓✗⏱–·M" and line[:1] != " " for line in text.splitlines()[2:] if line) == lines
    cli = render.verdict(app.session.verdicts["add"], render.Style(io.StringIO()))
    assert says in cli


# Another terminal ----------------------------------------------------------------------------

async def test_a_hint_taken_from_the_command_line_shows_in_the_task_at_once(app_with, found):
    app = app_with(lambda exercise, file, cancelled=None: verdict_of(exercise, Status.FAILED))
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "2 more hints" in app.screen.query_one("#task-body", Markdown).source)
        progress.reveal_hint(found.progress_file, "add", 2)  # what `torch-dojo hint 01` does
        await until(pilot, lambda: "1 more hint:" in app.screen.query_one("#task-body", Markdown).source, 5)
        assert "Python has an operator for that." in app.screen.query_one("#task-body", Markdown).source
        progress.record_verdict(found.progress_file, "greet", "passed")  # `torch-dojo check 02`, passed
        await until(pilot, lambda: "1 of 2 passed" in shown(app, "#pack-progress-label"), 5)


# The chart -----------------------------------------------------------------------------------

def test_a_loss_curve_sampled_every_ten_steps_says_the_steps_of_the_run():
    sampled = Losses.from_data({"values": [1 / (n + 1) for n in range(30)], "every": 10, "steps": 300})
    assert sampled.steps[:3] == [1, 11, 21] and sampled.total == 300
    assert sampled.note().startswith("Training loss over 300 steps, drawn every 10 steps")
    every = Losses.from_data([3.0, 2.0, 1.0])
    assert every.steps == [1, 2, 3] and every.note().startswith("Training loss over 3 steps:")
    assert Losses.from_data({"values": "nope"}) is None and Losses.from_data([]) is None


# Long lines ----------------------------------------------------------------------------------

LONG = "x" * 40 + " " + "word " * 60


async def test_output_and_your_file_wrap_and_start_at_the_top_of_another_exercise(app_with, found):
    (found.root / "01_add.py").write_text("".join(f"# line {n} {LONG}\n" for n in range(60)))
    app = app_with(lambda exercise, file, cancelled=None: verdict_of(
        exercise, Status.FAILED, output="".join(f"printed {n} {LONG}\n" for n in range(60))))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: "add" in app.session.verdicts)
        for tab, view in (("4", "OutputView"), ("3", "SourceView")):
            await pilot.press(tab)
            await pilot.pause()
            scroll = app.screen.query_one(view)
            assert scroll.max_scroll_x == 0 and scroll.max_scroll_y > 0  # wrapped: long, never wide
            scroll.scroll_end(animate=False)
            await pilot.pause()
            assert scroll.scroll_y > 0
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one("SourceView").scroll_y == 0
        assert app.screen.query_one("OutputView").scroll_y == 0


# 80×24 ---------------------------------------------------------------------------------------

def screen_lines(app) -> list[str]:
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text().splitlines()


async def test_at_80_by_24_the_edges_keep_help_quit_the_machine_and_whole_paths(app_with):
    name = "the sum of two numbers is their sum, whatever numbers they are, ints or floats"
    app = app_with(lambda exercise, file, cancelled=None: verdict_of(
        exercise, Status.FAILED, [CheckResult(name, Status.FAILED, "add(1, 2) is -1")]))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "no CUDA GPU" in app.sub_title)
        await pilot.press("r")
        await until(pilot, lambda: "add" in app.session.verdicts)
        await pilot.pause()
        lines = screen_lines(app)
        assert "no CUDA GPU" in lines[0]
        assert "? Help" in lines[-1] and "q Quit" in lines[-1]
        assert any("~/torch-dojo/01_add.py" in line for line in lines)  # whole, on one line
        body = [line.split("▕", 1)[1] for line in lines if "▕" in line]
        start = next(n for n, line in enumerate(body) if "✗ the sum of two" in line)
        assert body[start + 1].startswith("   ") and "ints or floats" in body[start + 1]  # under the name, not the mark


def test_a_path_too_long_for_its_line_loses_its_first_folders_never_its_name():
    path = "~/courses/2026/spring/pytorch/torch-dojo/04_everyday_tensor_operations.py"
    assert fitted_path(path, 200) == path
    assert fitted_path(path, 50) == "…/torch-dojo/04_everyday_tensor_operations.py"
    assert fitted_path(path, 20) == "…/04_everyday_tensor_operations.py"  # the name, even over the line


async def test_at_110_columns_most_titles_of_the_built_in_pack_are_whole(tmp_path):
    from torch_dojo.pack import load_pack

    pack = load_pack(Path(__file__).parent.parent)
    app = DojoApp(Session.open(pack, workspace.create(tmp_path / "w", pack)), probe=lambda: CPU_ONLY)
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        rows = [line.split("▕", 1)[0].rstrip() for line in screen_lines(app)[1:-3]]
        titles = {e.title for e in pack.exercises}
        listed = [row for row in rows if row[:1] == "·"]
        assert len(listed) >= 15
        whole = [row for row in listed if row[5:] in titles]
        assert len(whole) >= 0.8 * len(listed), listed


# Hint toasts ---------------------------------------------------------------------------------

def toasts(app):
    from textual.widgets._toast import Toast

    return list(app.screen.query(Toast))


def test_a_hint_toast_draws_backticks_as_code_and_markup_as_written():
    from textual.content import Content

    content = Content.from_markup(hint_markup("Use `x.view(2, 3)`, not [red] `x.T`"))
    assert content.plain == "Use x.view(2, 3), not [red] x.T"
    coded = [content.plain[span.start:span.end] for span in content.spans]
    assert coded == ["x.view(2, 3)", "x.T"]


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_one_short_hint_toast_at_a_time_beside_the_hints_and_not_on_the_next_exercise(app_with, size):
    app = app_with(lambda exercise, file, cancelled=None: verdict_of(exercise, Status.FAILED))
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.press("h")
        await until(pilot, lambda: len(toasts(app)) == 1)
        await pilot.press("h")
        await pilot.pause(0.3)
        [toast] = toasts(app)
        assert toast.render().plain == "Hint 2 of 2\nreturn a + b"  # the second, its `code` as code
        assert toast._notification.timeout == HINT_S <= 6
        hints = [b for b in app.screen.query("MarkdownBlock") if "a + b" in (b.source or "")]
        assert hints and not any(toast.region.overlaps(b.region) for b in hints)
        await pilot.press("n")
        await until(pilot, lambda: not toasts(app))
