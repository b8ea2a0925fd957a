"""The workbook, driven by keys through Textual's Pilot, on the torch-free mini pack.

Checks run for real (a child process per check); the machine probe is replaced by a fixed
answer so that no test waits for torch to import.
"""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path

import psutil
import pytest
from rich.console import Console
from textual.widgets import Markdown, OptionList, TabbedContent

from torch_dojo import progress, runner, workspace
from torch_dojo.report import Status, Verdict
from torch_dojo.runner.environment import Environment
from torch_dojo.tui import editor
from torch_dojo.tui.app import DojoApp
from torch_dojo.tui.screens.confirm import ConfirmScreen
from torch_dojo.tui.screens.message import MessageScreen
from torch_dojo.tui.screens.solution import SolutionScreen
from torch_dojo.tui.screens.workbook import WorkbookScreen
from torch_dojo.tui.widgets.charts import ChartView
from torch_dojo.tui.workbook import Workbook

GOOD_ADD = "def add(a, b):\n    return a + b\n"
WRONG_ADD = "def add(a, b):\n    return a - b\n"
CPU_ONLY = Environment(python="3.11", torch="2.13.0+cpu", distributed=True, torchrun=True,
                       torchvision_problem="needs torchvision, which is not installed")


@pytest.fixture
def found(tmp_path: Path, mini_pack) -> workspace.Workspace:
    return workspace.create(tmp_path / "torch-dojo", mini_pack)


@pytest.fixture
def make_app(mini_pack, found):
    def make(**kwargs) -> DojoApp:
        kwargs.setdefault("probe", lambda: CPU_ONLY)
        check = kwargs.pop("check", runner.check)

        def counted(*args, **kw):
            app.checks_started += 1
            return check(*args, **kw)

        app = DojoApp(Workbook.open(mini_pack, found), check=counted, **kwargs)
        app.checks_started = 0
        return app
    return make


async def save(pilot, path: Path, text: str) -> None:
    """Save ``path`` as an editor would, again each second until the workbook noticed.

    (The watcher starts after the first paint; on a busy machine the first save may come
    before it watches.)"""
    before = pilot.app.checks_started
    deadline = time.monotonic() + 30
    while pilot.app.checks_started == before:
        assert time.monotonic() < deadline, "the save was never noticed"
        path.write_text(text)
        for _ in range(20):
            await pilot.pause(0.05)
            if pilot.app.checks_started != before:
                break


async def until(pilot, condition, timeout: float = 30.0) -> None:
    """Let the app run until ``condition()`` holds (a check takes a moment)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the app did not get there in time"
        await pilot.pause(0.05)


def text_of(app, selector: str) -> str:
    """What a Static or Label shows, as plain text."""
    content = app.screen.query_one(selector).content
    if isinstance(content, str):
        return content
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(content)
    return console.export_text()


def verdict_text(app) -> str:
    return text_of(app, "#verdict-body")


def status_in_progress(found, slug: str) -> str:
    return progress.load(found.progress_file).of(slug).status


async def test_it_opens_at_the_first_exercise_with_the_task_showing(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.current.slug == "add"
        assert app.screen.query_one(TabbedContent).active == "task"
        assert "Write `add(a, b)`." in app.screen.query_one("#task-body", Markdown).source
        assert "0 of 2 passed" in text_of(app, "#pack-progress-label")
        assert "torch 2.13.0+cpu" in app.sub_title and "no CUDA GPU" in app.sub_title


async def test_next_and_previous_move_between_exercises(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("n")
        assert app.screen.current.slug == "greet"
        assert "Greet someone" in text_of(app, "#title")
        await pilot.press("n")  # there is no third
        assert app.screen.current.slug == "greet"
        await pilot.press("p")
        assert app.screen.current.slug == "add"
        listing = app.screen.query_one(OptionList)
        assert listing.get_option_at_index(listing.highlighted).id == "add"


async def test_run_shows_the_verdict_check_by_check_and_keeps_progress(make_app, found):
    (found.root / "01_add.py").write_text(WRONG_ADD)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: "add" in app.screen.workbook.verdicts)
        await pilot.pause()
        text = verdict_text(app)
        assert "FAILED" in text
        assert "add(1, 2) is -1, expected 3" in text
        assert "hint: Use the + operator." in text
        assert app.screen.query_one(TabbedContent).active == "verdict"
        assert status_in_progress(found, "add") == "failed"
        assert "✗ 01" in str(app.screen.query_one(OptionList).get_option("add").prompt)


async def test_saving_the_file_on_disk_checks_it_again(make_app, found):
    app = make_app()
    async with app.run_test() as pilot:
        await save(pilot, found.root / "01_add.py", WRONG_ADD)
        await until(pilot, lambda: status_in_progress(found, "add") == "failed")
        await save(pilot, found.root / "01_add.py", GOOD_ADD)
        await until(pilot, lambda: status_in_progress(found, "add") == "passed")
        await until(pilot, lambda: "PASSED" in verdict_text(app))
        assert "1 of 2 passed" in text_of(app, "#pack-progress-label")
        assert "return a + b" in text_of(app, "#source-body")


async def test_a_newer_save_cancels_the_check_still_running(make_app, found):
    seen: list[str] = []

    def check(exercise, file, **kwargs):
        seen.append(Path(file).read_text())
        return runner.check(exercise, file, **kwargs)

    app = make_app(check=check)
    async with app.run_test() as pilot:
        await save(pilot, found.root / "01_add.py", "import time\ndef add(a, b):\n    time.sleep(60)\n")
        await until(pilot, lambda: app.screen.running == "add")
        await pilot.pause(0.5)
        await save(pilot, found.root / "01_add.py", GOOD_ADD)
        await until(pilot, lambda: "PASSED" in verdict_text(app))
        await pilot.pause(0.3)
        file = str(found.root / "01_add.py")
        still = [p for p in psutil.process_iter(["cmdline"]) if file in " ".join(p.info["cmdline"] or [])]
        assert still == []  # the sleeping check was ended, not left to its time limit
        assert seen[-1] == GOOD_ADD and len(seen) >= 2
        assert status_in_progress(found, "add") == "passed"


async def test_polling_is_said_and_still_notices_saves(make_app, found, monkeypatch):
    monkeypatch.setenv("TORCH_DOJO_POLL", "1")
    app = make_app()
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.screen.polling != "")
        assert "polling" in text_of(app, "#status")
        await save(pilot, found.root / "01_add.py", GOOD_ADD)
        await until(pilot, lambda: status_in_progress(found, "add") == "passed")


async def test_hints_come_one_at_a_time_in_order_and_are_remembered(make_app, mini_pack, found):
    first, second = mini_pack.find("add").hints
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("h")
        task = app.screen.query_one("#task-body", Markdown).source
        assert first in task and second not in task
        await pilot.press("h")
        task = app.screen.query_one("#task-body", Markdown).source
        assert task.index(first) < task.index(second)
        assert progress.load(found.progress_file).of("add").hints_shown == 2
        await pilot.press("h")  # none left: nothing more is counted
        assert progress.load(found.progress_file).of("add").hints_shown == 2
    again = make_app()
    async with again.run_test() as pilot:
        assert second in again.screen.query_one("#task-body", Markdown).source


async def test_the_solution_before_a_pass_asks_first(make_app):
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, WorkbookScreen)
        await pilot.press("s", "y")
        assert isinstance(app.screen, SolutionScreen)
        assert "return a + b" in text_of(app, "#solution-body")
        await pilot.press("escape")
        assert isinstance(app.screen, WorkbookScreen)


async def test_the_solution_after_a_pass_opens_at_once(make_app, found):
    (found.root / "01_add.py").write_text(GOOD_ADD)
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("r")
        await until(pilot, lambda: status_in_progress(found, "add") == "passed")
        await pilot.press("s")
        assert isinstance(app.screen, SolutionScreen)


async def test_reset_asks_first_then_backs_up_the_learners_file(make_app, mini_pack, found):
    mine = found.root / "01_add.py"
    mine.write_text(WRONG_ADD)
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # the focused answer keeps the file
        assert mine.read_text() == WRONG_ADD
        await pilot.press("x", "y")
        assert mine.read_text() == mini_pack.find("add").starter.read_text()
        backups = list(found.backups.glob("01_add.*.py"))
        assert [b.read_text() for b in backups] == [WRONG_ADD]
        assert any(str(backups[0]) in n.message for n in app._notifications)


async def test_edit_opens_the_editor_and_checks_what_it_saved(make_app, found, monkeypatch):
    opened: list[Path] = []

    def fake_editor(file: Path) -> int:
        opened.append(file)
        file.write_text(GOOD_ADD)
        return 0

    monkeypatch.setattr(editor, "edit", fake_editor)
    app = make_app()
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
    async with app.run_test() as pilot:
        await pilot.press("e")
        assert opened == [found.root / "01_add.py"]
        await until(pilot, lambda: status_in_progress(found, "add") == "passed")


async def test_edit_without_an_editor_says_how_to_set_one(make_app, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = make_app()
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
    async with app.run_test() as pilot:
        await pilot.press("e")
        assert any("Set $EDITOR" in n.message for n in app._notifications)


async def test_it_fits_80_by_24_and_follows_a_resize(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for selector in ("#exercises", "#title", "#status", "#tabs", "Footer"):
            region = app.screen.query_one(selector).region
            assert region.width > 0 and region.height > 0, selector
            assert region.right <= 80 and region.bottom <= 24, selector
        narrow = app.screen.query_one("#sidebar").region.width
        await pilot.resize_terminal(140, 45)
        await pilot.pause()
        assert app.screen.query_one("#tabs").region.right <= 140
        assert app.screen.query_one("#tabs").region.width > 80
        assert app.screen.query_one("#sidebar").region.width > narrow  # the list gets its room back


async def test_the_first_start_explains_the_dojo(make_app, found):
    app = make_app(first_run=True)
    async with app.run_test() as pilot:
        await until(pilot, lambda: isinstance(app.screen, MessageScreen) and app.screen.query(Markdown))
        assert str(found.root) in app.screen.query_one(Markdown).source
        await pilot.press("enter")
        assert isinstance(app.screen, WorkbookScreen)


async def test_passing_the_last_exercise_opens_the_finish(make_app, found):
    progress.update(found.progress_file, lambda s: s.record_verdict("greet", "passed"))
    (found.root / "01_add.py").write_text(GOOD_ADD)
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, MessageScreen) and app.screen.query(Markdown))
        assert "Every exercise passed" in app.screen.query_one(Markdown).source


async def test_the_filter_shows_only_what_is_left(make_app, found):
    progress.update(found.progress_file, lambda s: s.record_verdict("greet", "passed"))
    app = make_app()
    async with app.run_test() as pilot:
        listing = app.screen.query_one(OptionList)
        assert listing.get_option("greet")
        await pilot.press("f")
        assert [listing.get_option_at_index(i).id for i in range(listing.option_count)] == [None, "add"]


async def test_a_missing_requirement_is_named_in_the_list(tmp_path, mini_pack):
    import dataclasses

    needy = dataclasses.replace(mini_pack.exercises[1], requires=frozenset({"cuda"}))
    pack = dataclasses.replace(mini_pack, exercises=(mini_pack.exercises[0], needy))
    app = DojoApp(Workbook.open(pack, workspace.create(tmp_path / "ws", pack)), probe=lambda: CPU_ONLY)
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.workbook.environment is not None)
        await pilot.pause()
        assert "needs CUDA" in str(app.screen.query_one(OptionList).get_option("greet").prompt)


async def test_the_charts_draw_what_the_checks_recorded(make_app):
    def check(exercise, file, **kwargs) -> Verdict:
        data = {"timings": {"sizes": [64, 256, 1024], "cpu": [1e-5, 1e-3, 5e-2], "cuda": [1e-4, 2e-4, 3e-4]}}
        return Verdict(exercise.id, exercise.slug, exercise.title, Status.PASSED, data=data)

    app = make_app(check=check)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: "add" in app.workbook.verdicts)
        await pilot.press("5")
        await pilot.pause()
        chart = app.screen.query_one(ChartView)
        assert "the GPU wins from n = 256" in text_of(app, "#chart-note")
        assert len(chart.query(".chart")) == 1


async def test_a_failure_of_our_own_is_said_and_the_workbook_goes_on(make_app):
    def broken(exercise, file, **kwargs):
        raise RuntimeError("the runner fell over")

    app = make_app(check=broken)
    async with app.run_test() as pilot:
        await pilot.press("r")
        await until(pilot, lambda: any("could not run the checks" in n.message for n in app._notifications))
        assert app.screen.running == ""
        await pilot.press("n")
        assert app.screen.current.slug == "greet"


async def test_two_packs_are_listed_pack_by_pack_and_their_progress_kept_apart(tmp_path, mini_pack, found):
    from conftest import copy_of_mini

    from torch_dojo.pack import load_pack

    second = load_pack(copy_of_mini(tmp_path / "second", "second"))
    found, _ = workspace.add_pack(found, second)

    def counted(*args, **kw):
        app.checks_started += 1
        return runner.check(*args, **kw)

    app = DojoApp(Workbook.open((mini_pack, second), found), check=counted, probe=lambda: CPU_ONLY)
    app.checks_started = 0
    async with app.run_test(size=(100, 30)) as pilot:
        listing = app.screen.query_one(OptionList)
        options = [listing.get_option_at_index(i) for i in range(listing.option_count)]
        assert [o.id for o in options] == [None, None, "add", "greet", None, None, "second/add", "second/greet"]
        assert "Mini pack for tests  0/2" in str(options[0].prompt)
        assert "Basics" in str(options[5].prompt)
        await pilot.press("n", "n")
        assert (app.screen.current.pack, app.screen.current.slug) == ("second", "add")
        assert "second · 01" in text_of(app, "#title")
        await save(pilot, found.root / "second" / "01_add.py", GOOD_ADD)  # a save in the pack's subfolder
        await until(pilot, lambda: status_in_progress(found, "second/add") == "passed")
        await until(pilot, lambda: "1 of 4 passed" in text_of(app, "#pack-progress-label"))
        assert status_in_progress(found, "add") == "not tried"
        assert (found.root / "01_add.py").read_text() == mini_pack.find("add").starter.read_text()


async def test_a_checks_own_bug_says_not_your_fault_and_a_second_failure_its_second_hint(tmp_path):
    from torch_dojo.pack import load_pack

    blame = load_pack(Path(__file__).parent / "packs" / "blame")
    found = workspace.create(tmp_path / "blamed", blame)
    (found.root / "01_scale.py").write_text("def scale(xs, k):\n    return xs\n\ndef total(xs):\n    return sum(xs)\n")
    app = DojoApp(Workbook.open(blame, found), check=runner.check, probe=lambda: CPU_ONLY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: "scale" in app.screen.workbook.verdicts)
        await pilot.pause()
        text = verdict_text(app)
        assert "The check itself failed, not your code: checks/01_scale.py, line 21" in text
        assert "Not your fault: this check has a bug of its own" in text
        assert "hint: Each number is multiplied by k." in text
        first = app.screen.workbook.verdicts["scale"]
        await pilot.press("r")
        await until(pilot, lambda: app.screen.workbook.verdicts["scale"] is not first)
        await pilot.pause()
        text = verdict_text(app)
        assert "hint (second time): return [x * k for x in xs]" in text
        assert "Each number is multiplied by k." not in text
    assert progress.load(found.progress_file).of("scale").failing == [
        "scale multiplies every number by k", "the check's own code works"]


async def test_a_function_not_written_yet_shows_no_hint(make_app):
    app = make_app()  # the workspace holds the starter: `add` still raises NotImplementedError
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: "add" in app.screen.workbook.verdicts)
        await pilot.pause()
        text = verdict_text(app)
        assert "`add` is not written yet" in text
        assert "hint" not in text
