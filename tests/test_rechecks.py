"""A save to any exercise of the workspace, not only the one on screen, is checked again:
its mark and the "N of M passed" never show a pass of a file that changed since."""

from __future__ import annotations

import os
import threading
import time

from textual.widgets import OptionList

from torch_dojo import progress, runner
from tests.test_tui import GOOD_ADD, WRONG_ADD, found, make_app, save, status_in_progress, text_of, until  # noqa: F401


def mark_of(app, key: str) -> str:
    return str(app.screen.query_one(OptionList).get_option(key).prompt).split(" ")[0]


async def test_breaking_and_fixing_another_exercise_changes_its_mark_and_the_count(make_app, found):
    mine = found.root / "01_add.py"
    mine.write_text(GOOD_ADD)
    gate = threading.Event()
    gate.set()

    def check(exercise, file, **kwargs):
        gate.wait(30)  # held shut while the test looks at the screen during a check
        return runner.check(exercise, file, **kwargs)

    app = make_app(check=check)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: status_in_progress(found, "add") == "passed")
        await pilot.press("n")  # 02 on screen from now on
        assert app.screen.current.slug == "greet"
        await until(pilot, lambda: "1 of 2 passed" in text_of(app, "#pack-progress-label"))

        gate.clear()
        await save(pilot, mine, WRONG_ADD)  # 01 broken in the learner's editor
        assert mark_of(app, "add") != "✓"  # while its check runs: no pass of the broken file
        assert "0 of 2 passed" in text_of(app, "#pack-progress-label")
        gate.set()
        await until(pilot, lambda: mark_of(app, "add") == "✗")
        assert "0 of 2 passed" in text_of(app, "#pack-progress-label")
        assert app.screen.current.slug == "greet"  # the learner was not moved
        state = progress.load(found.progress_file).of("add")
        assert state.status == "failed" and state.ever_passed  # nothing of progress lost

        await save(pilot, mine, GOOD_ADD)
        await until(pilot, lambda: mark_of(app, "add") == "✓")
        assert "1 of 2 passed" in text_of(app, "#pack-progress-label")


async def test_a_file_saved_while_the_workbook_was_closed_is_checked_again_when_it_opens(make_app, found):
    mine = found.root / "01_add.py"
    mine.write_text(GOOD_ADD)
    first = make_app()
    async with first.run_test() as pilot:
        await pilot.press("r")
        await until(pilot, lambda: status_in_progress(found, "add") == "passed")
        await pilot.press("n")  # left at 02: it opens there
    mine.write_text(WRONG_ADD)
    later = time.time() + 10  # saved well after the check progress remembers
    os.utime(mine, (later, later))
    again = make_app()
    async with again.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: mark_of(again, "add") == "✗")
        assert again.screen.current.slug == "greet"
        assert "0 of 2 passed" in text_of(again, "#pack-progress-label")


async def test_arriving_at_an_exercise_saved_meanwhile_shows_no_old_pass(make_app, found):
    mine = found.root / "01_add.py"
    mine.write_text(GOOD_ADD)
    gate = threading.Event()
    gate.set()

    def check(exercise, file, **kwargs):
        gate.wait(30)
        return runner.check(exercise, file, **kwargs)

    app = make_app(check=check)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: status_in_progress(found, "add") == "passed")
        await pilot.press("n")
        gate.clear()
        await save(pilot, mine, WRONG_ADD)
        await pilot.press("p")  # back to 01 while its check is held
        await pilot.pause()
        assert "PASSED" not in text_of(app, "#verdict-body")
        gate.set()
        await until(pilot, lambda: "FAILED" in text_of(app, "#verdict-body"))
