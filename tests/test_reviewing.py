"""Reviews and the learner's record in the workbook, driven by keys through Textual's Pilot.

The check is a fake that judges at once by what the file says (the CLI's tests run the real
runner on a review copy); the day is told through $TORCH_DOJO_NOW.
"""

from __future__ import annotations

import io
import os
from datetime import datetime

import pytest
from rich.console import Console
from textual.widgets import Markdown, OptionList

from torch_dojo import progress, workspace
from torch_dojo.runner.environment import Environment
from torch_dojo.session import Session
from torch_dojo.tui import keys
from torch_dojo.tui.app import DojoApp
from torch_dojo.tui.screens.message import MessageScreen
from torch_dojo.tui.screens.workbook import WorkbookScreen
from torch_dojo.verdict import CheckResult, Status, Verdict

from test_tui import until

GOOD_ADD = "def add(a, b):\n    return a + b\n"
CPU_ONLY = Environment(python="3.11", torch="2.13.0+cpu", distributed=True, torchrun=True)
DAY0, DAY1 = "2026-12-01T10:00", "2026-12-02T10:00"


def by_content(exercise, file, **kwargs) -> Verdict:
    """Passes a file that returns ``a + b`` (or greets), fails any other at once."""
    text = file.read_text()
    passed = "a + b" in text or "Hello" in text
    status = Status.PASSED if passed else Status.FAILED
    check = CheckResult("sums", status, "" if passed else "add(1, 2) is -1, expected 3",
                        hint="" if passed else "Use the + operator.")
    return Verdict(exercise.id, exercise.slug, exercise.title, status, checks=(check,))


@pytest.fixture
def found(tmp_path, mini_pack, monkeypatch) -> workspace.Workspace:
    """A workspace whose 01 passed on DAY0 (one failed check, one hint before it); it is DAY1 now."""
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)
    monkeypatch.setenv("TORCH_DOJO_NOW", DAY0)
    progress.record_opened(found.progress_file, "add")
    progress.record_verdict(found.progress_file, "add", "failed", ["sums"])
    progress.reveal_hint(found.progress_file, "add", 2)
    progress.record_verdict(found.progress_file, "add", "passed")
    (found.root / "01_add.py").write_text(GOOD_ADD)
    written = datetime.fromisoformat(DAY0).timestamp() - 60  # saved on DAY0, before that pass
    os.utime(found.root / "01_add.py", (written, written))  # (or the workbook re-checks it)
    monkeypatch.setenv("TORCH_DOJO_NOW", DAY1)
    return found


def app_on(mini_pack, found) -> DojoApp:
    return DojoApp(Session.open(mini_pack, found), check=by_content, probe=lambda: CPU_ONLY)


def text_of(app, selector: str) -> str:
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(app.screen.query_one(selector).content)
    return console.export_text()


def message(app) -> str:
    return app.screen.query_one(Markdown).source if isinstance(app.screen, MessageScreen) else ""


def said(app, text: str) -> list[str]:
    return [n.message for n in app._notifications if text in n.message]


async def test_the_welcome_back_says_what_is_due_and_the_list_marks_it(mini_pack, found):
    app = app_on(mini_pack, found)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "Welcome back" in message(app))
        assert "1 is due" in message(app) and "**01** Add two numbers" in message(app) and "`v`" in message(app)
        await pilot.press("enter")
        assert isinstance(app.screen, WorkbookScreen)
        await until(pilot, lambda: not app.screen.running)
        assert str(app.screen.query_one(OptionList).get_option("add").prompt).startswith("↻")
        assert "1 ↻ due (v)" in text_of(app, "#pack-progress-label")


async def test_no_welcome_back_when_nothing_is_due(mini_pack, found, monkeypatch):
    monkeypatch.setenv("TORCH_DOJO_NOW", DAY0)  # passed today: due tomorrow, not today
    app = app_on(mini_pack, found)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        assert isinstance(app.screen, WorkbookScreen)
        assert str(app.screen.query_one(OptionList).get_option("add").prompt).startswith("✓")


async def test_v_starts_a_review_on_a_fresh_copy_and_v_again_checks_it(mini_pack, found):
    add = mini_pack.exercises[0]
    copy = found.state / "review" / add.file
    app = app_on(mini_pack, found)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "Welcome back" in message(app))
        await pilot.press("enter")
        assert app.screen.current == mini_pack.exercises[1]  # where the learner left off: v goes to what is due
        await pilot.press("v")
        await until(pilot, lambda: "# Review: 01" in message(app))
        assert str(copy) in message(app) and copy.read_bytes() == add.starter.read_bytes()
        assert (found.root / "01_add.py").read_text() == GOOD_ADD  # the solved file stays
        await pilot.press("enter")
        assert app.screen.current == add
        await pilot.press("v")
        assert said(app, "is still the starter")
        copy.write_text("def add(a, b):\n    return a - b\n")
        await pilot.press("v")
        await until(pilot, lambda: "Review not passed" in message(app))
        assert "comes back tomorrow (2026-12-03)" in message(app) and "Use the + operator" in message(app)
        await pilot.press("enter")
        copy.write_text(GOOD_ADD)
        await pilot.press("v")
        await until(pilot, lambda: "Review passed" in message(app))
        assert "in 3 days (2026-12-05)" in message(app)
    entry = progress.load(found.progress_file).of("add")
    assert (entry.review_due, entry.review_step) == ("2026-12-05", 1)
    assert not copy.exists() and (found.root / "01_add.py").read_text() == GOOD_ADD


async def test_v_before_any_pass_says_reviews_come_later(mini_pack, tmp_path):
    found = workspace.create(tmp_path / "fresh", mini_pack)
    app = app_on(mini_pack, found)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("v")
        assert said(app, "Nothing to review yet")
        assert not (found.state / "review").exists()


async def test_the_current_exercise_shows_its_record(mini_pack, found):
    app = app_on(mini_pack, found)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "Welcome back" in message(app))
        await pilot.press("enter")
        assert text_of(app, "#task-record").strip() == ""  # 02, where the learner left off: nothing yet
        # Once the workbook's start-up is done (the probe answers after it): a p before that
        # would make 01 the exercise "where you left off", checked again at start-up.
        await until(pilot, lambda: app.session.environment is not None)
        await pilot.press("p")
        shown = text_of(app, "#task-record")
        assert "First passed 2026-12-01 10:00, on check 2, 1 hint before it" in shown
        assert "2 checks in all" in shown and "review due now" in shown
        await pilot.press("r")
        await until(pilot, lambda: "3 checks in all" in text_of(app, "#task-record"))


async def test_the_finish_sums_up_the_record(mini_pack, found):
    (found.root / "02_greet.py").write_text('def greet(name):\n    return f"Hello, {name}!"\n')
    app = app_on(mini_pack, found)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "Welcome back" in message(app))
        await pilot.press("enter", "r")
        await until(pilot, lambda: "Every exercise passed" in message(app))
        text = message(app)
        assert "### Your record" in text and "1 of 2 passed on the first check" in text
        assert "1 hint taken before passing" in text and "comes back for review" in text


def test_the_review_key_is_in_the_palette_and_the_help():
    assert "Start a review" in [k.command for k in keys.commands()]
    assert "| `v` | review:" in keys.help_table()
