"""The workbook, driven by keys through Textual's Pilot, on the torch-free mini pack.

Checks run for real (a child process per check); the machine probe is replaced by a fixed
answer so that no test waits for torch to import.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import psutil
import pytest
from rich.console import Console
from textual.widgets import Markdown, OptionList, TabbedContent

from torch_dojo import progress, runner, workspace
from torch_dojo.verdict import CheckResult, Status, Verdict
from torch_dojo.runner.environment import Environment
from torch_dojo.tui import editor
from torch_dojo.tui.app import DojoApp
from torch_dojo.tui.screens.confirm import ConfirmScreen
from torch_dojo.tui.screens.message import MessageScreen
from torch_dojo.tui.screens.solution import SolutionScreen
from torch_dojo.tui.screens.workbook import WorkbookScreen
from torch_dojo.tui.widgets.charts import ChartView
from torch_dojo.session import Session

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

        app = DojoApp(Session.open(mini_pack, found), check=counted, **kwargs)
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
        await until(pilot, lambda: "torch" in app.sub_title and "…" not in app.sub_title)  # probed after the paint
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
        await until(pilot, lambda: "add" in app.screen.session.verdicts)
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
    opened: list[list[str]] = []

    def fake_editor(words: list[str]) -> int:
        opened.append(words)
        Path(words[-1]).write_text(GOOD_ADD)
        return 0

    monkeypatch.setenv("VISUAL", "true --wait")
    monkeypatch.setattr(editor, "run", fake_editor)
    app = make_app()
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
    async with app.run_test() as pilot:
        await pilot.press("e")
        assert opened == [["true", "--wait", str(found.root / "01_add.py")]]
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
        await until(pilot, lambda: isinstance(app.screen, MessageScreen) and app.screen.query(Markdown)
                    and app.screen.query_one(Markdown).source)
        assert str(found.root) in app.screen.query_one(Markdown).source
        await pilot.press("enter")
        assert isinstance(app.screen, WorkbookScreen)


async def test_passing_the_last_exercise_opens_the_finish(make_app, found):
    progress.update(found.progress_file, lambda s: s.record_verdict("greet", "passed"))
    (found.root / "01_add.py").write_text(GOOD_ADD)
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, MessageScreen) and app.screen.query(Markdown)
                    and app.screen.query_one(Markdown).source)  # (the Markdown is filled in after it mounts)
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
    app = DojoApp(Session.open(pack, workspace.create(tmp_path / "ws", pack)), probe=lambda: CPU_ONLY)
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.session.environment is not None)
        await pilot.pause()
        assert "needs CUDA" in str(app.screen.query_one(OptionList).get_option("greet").prompt)


async def test_the_charts_draw_what_the_checks_recorded(make_app):
    def check(exercise, file, **kwargs) -> Verdict:
        data = {"timings": {"sizes": [64, 256, 1024], "cpu": [1e-5, 1e-3, 5e-2], "cuda": [1e-4, 2e-4, 3e-4]}}
        return Verdict(exercise.id, exercise.slug, exercise.title, Status.PASSED, data=data)

    app = make_app(check=check)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: "add" in app.session.verdicts)
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

    app = DojoApp(Session.open((mini_pack, second), found), check=counted, probe=lambda: CPU_ONLY)
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


# Nothing lost, nothing thrown: the workbook under a bad environment --------------------------
#
# Filesystem failures are real where this machine allows: a tmpfs of its own, remounted
# read-only or filled up (root may mount here; elsewhere those tests skip and say why), an
# immutable progress file (chattr +i), real pipes, folders and symbolic links.

def flat(text: str) -> str:
    """``text`` with its line breaks (where a long path wrapped) as single spaces."""
    return " ".join(text.split())


def said(app, text: str) -> list[str]:
    """The notifications (title and message) that contain ``text``."""
    return [f"{n.title}: {n.message}" for n in app._notifications if text in f"{n.title}: {n.message}"]


def toasts(app) -> list[str]:
    """What the toasts on screen show (title and message), as plain text."""
    from textual.widgets._toast import Toast

    return [t.render().plain for t in app.screen.query(Toast)]


def judged(status: Status = Status.FAILED, message: str = "add(1, 2) is -1, expected 3",
           hint: str = "Use the + operator.", output: str = ""):
    """A check function that judges at once, with one check that says ``message``."""
    def check(exercise, file, **kwargs) -> Verdict:
        result = CheckResult("test_adds_small_numbers", status, "" if status is Status.PASSED else message,
                             hint="" if status is Status.PASSED else hint)
        return Verdict(exercise.id, exercise.slug, exercise.title, status, checks=(result,), output=output)
    return check


class Disk:
    """A tmpfs of its own at ``path``: ``read_only()`` remounts it so; ``fill()`` leaves no room."""

    def __init__(self, path: Path):
        self.path = path

    def read_only(self) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True, capture_output=True)

    def fill(self) -> Path:
        filler = self.path / "filler.bin"
        with contextlib.suppress(OSError), open(filler, "wb") as stream:
            while True:
                stream.write(b"\0" * 65536)
                stream.flush()
        return filler


@pytest.fixture
def disk(tmp_path: Path):
    point = tmp_path / "disk"
    point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a real read-only or full disk needs root and mount(8) to mount a tmpfs")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(point)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not allowed here: {made.stderr.strip()}")
    yield Disk(point)
    subprocess.run(["umount", "-l", str(point)], capture_output=True)


def app_on(pack, root: Path, **kwargs) -> DojoApp:
    """The workbook of a workspace made at ``root`` (checks counted in ``app.checks_started``)."""
    kwargs.setdefault("probe", lambda: CPU_ONLY)
    check = kwargs.pop("check", runner.check)
    found = workspace.open_at(root) if workspace.is_workspace(root) else workspace.create(root, pack)

    def counted(*args, **kw):
        app.checks_started += 1
        return check(*args, **kw)

    app = DojoApp(Session.open(pack, found), check=counted, **kwargs)
    app.checks_started = 0
    return app


async def test_on_a_read_only_disk_the_verdict_is_shown_then_that_progress_was_not_saved(mini_pack, disk):
    root = disk.path / "torch-dojo"
    workspace.create(root, mini_pack)
    (root / "01_add.py").write_text(WRONG_ADD)
    disk.read_only()
    app = app_on(mini_pack, root)  # real checks, run from the read-only folder
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: said(app, "Progress not saved"))
        await pilot.pause()
        text = verdict_text(app)
        assert "FAILED" in text and "add(1, 2) is -1, expected 3" in text  # the verdict, not hidden
        assert not said(app, "could not run the checks")
        [note] = said(app, "Progress not saved")
        assert "progress could not be saved" in note and "Read-only file system" in note
        assert "remount it read-write" in note  # what to do
        assert "progress not saved: Read-only file system" in text_of(app, "#status")
        assert "✗ 01" in str(app.screen.query_one(OptionList).get_option("add").prompt)  # this session knows

        first = mini_pack.find("add").hints[0]
        await pilot.press("h")  # the hint is shown, though not remembered
        assert first in app.screen.query_one("#task-body", Markdown).source
        assert len(said(app, "Progress not saved")) == 1  # the same reason is said once

        await pilot.press("x", "y")
        assert (root / "01_add.py").read_text() == WRONG_ADD
        [reset] = said(app, "Nothing was reset")
        assert "Read-only file system" in reset and "Your file is as it was" in reset

        await pilot.press("s")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, WorkbookScreen)
    assert not (root / ".dojo" / "progress.json").exists()


async def test_on_a_full_disk_the_verdict_is_shown_and_saving_resumes_once_there_is_room(mini_pack, disk):
    root = disk.path / "torch-dojo"
    workspace.create(root, mini_pack)
    filler = disk.fill()
    app = app_on(mini_pack, root, check=judged(Status.PASSED))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: said(app, "Progress not saved"))
        assert "PASSED" in verdict_text(app)
        [note] = said(app, "Progress not saved")
        assert "No space left on device" in note and "free some space" in note
        assert not list((root / ".dojo").glob(".progress-*"))  # a failed save leaves nothing behind
        filler.unlink()
        await pilot.press("r")
        await until(pilot, lambda: said(app, "saved again"))
        assert status_in_progress(workspace.open_at(root), "add") == "passed"
        assert "not saved" not in text_of(app, "#status")


@pytest.fixture
def immutable(tmp_path: Path):
    """chattr +i on a file (undone afterwards); skips where the filesystem cannot."""
    made: list[Path] = []

    def set_on(path: Path) -> None:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True) \
            if shutil.which("chattr") else None
        if done is None or done.returncode != 0:
            pytest.skip(f"chattr +i is not possible here: {done.stderr.strip() if done else 'no chattr'}")
        made.append(path)

    yield set_on
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)


async def test_a_reset_done_but_not_remembered_says_both(mini_pack, found, immutable):
    mine = found.root / "01_add.py"
    mine.write_text(WRONG_ADD)
    progress.update(found.progress_file, lambda s: s.record_verdict("add", "failed"))
    immutable(found.progress_file)
    app = app_on(mini_pack, found.root, check=judged())
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: said(app, "Progress not saved"))  # checked where the learner left off
        await pilot.press("x", "y")
        assert mine.read_text() == mini_pack.find("add").starter.read_text()
        assert said(app, "is a fresh starter again")
        note = said(app, "Progress not saved")[-1]
        assert "Operation not permitted" in note and "chattr -i" in note
    assert [b.read_text() for b in found.backups.glob("01_add.*.py")] == [WRONG_ADD]
    assert status_in_progress(found, "add") == "failed"  # the file on disk is as it was


async def test_a_read_only_dojo_folder_keeps_the_workbook_going(mini_pack, found):
    state = found.state
    bound = subprocess.run(["mount", "--bind", str(state), str(state)], capture_output=True, text=True)
    if bound.returncode != 0:
        pytest.skip(f"a read-only bind mount is not allowed here: {bound.stderr.strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(state)], check=True, capture_output=True)
        app = app_on(mini_pack, found.root, check=judged())
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("h")
            assert mini_pack.find("add").hints[0] in app.screen.query_one("#task-body", Markdown).source
            await pilot.press("r")
            await until(pilot, lambda: "add" in app.session.verdicts)
            await pilot.pause()
            assert "FAILED" in verdict_text(app)
            assert "Read-only file system" in said(app, "Progress not saved")[0]
    finally:
        subprocess.run(["umount", "-l", str(state)], capture_output=True)


async def test_the_progress_warning_is_said_once_and_again_for_a_new_one(make_app, found):
    found.progress_file.write_text("{x")
    app = make_app(check=judged())
    async with app.run_test() as pilot:
        await pilot.pause()
        assert len(said(app, "could not be read")) == 1
        await pilot.press("r")
        await until(pilot, lambda: "add" in app.session.verdicts)
        await pilot.press("h")
        await pilot.pause()
        assert len(said(app, "could not be read")) == 1  # saved twice since, said once
        await pilot.pause(1.1)  # a set-aside file of another second
        found.progress_file.write_text("{broken again")
        await pilot.press("r")
        await until(pilot, lambda: len(said(app, "could not be read")) == 2)
    assert len(list(found.state.glob("progress.json.corrupt*"))) == 2


MARKUP = "[/] [bold]not bold [draft]"


async def test_markup_in_paths_titles_hints_and_messages_is_shown_as_written(tmp_path):
    from conftest import copy_of_mini

    from torch_dojo.pack import load_pack

    folder = copy_of_mini(tmp_path / "pack")
    manifest = folder / "pack.toml"
    manifest.write_text(manifest.read_text().replace("Mini pack for tests", f"Pack {MARKUP}")
                        .replace("Add two numbers", f"Add {MARKUP}")
                        .replace("Python has an operator for that.", f"Hint {MARKUP}"))
    pack = load_pack(folder)
    root = tmp_path / "a[/]b [draft]" / "torch-dojo"
    app = app_on(pack, root, first_run=True,
                 check=judged(message=f"Message {MARKUP}", hint=f"Check hint {MARKUP}", output=f"Out {MARKUP}\n"))
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MessageScreen) and app.screen.query(Markdown)
                    and app.screen.query_one(Markdown).source)
        assert str(root) in app.screen.query_one(Markdown).source
        await pilot.press("enter")
        assert f"Add {MARKUP}" in text_of(app, "#title") and "a[/]b [draft]/torch-dojo/01_add.py" in text_of(app, "#title")
        assert f"Pack {MARKUP}" in app.title
        await pilot.press("r")
        await until(pilot, lambda: "add" in app.session.verdicts)
        await pilot.pause()
        assert f"Message {MARKUP}" in verdict_text(app) and f"Check hint {MARKUP}" in verdict_text(app)
        assert f"Out {MARKUP}" in text_of(app, "#output-body")
        await pilot.press("h")
        await pilot.pause()
        assert any(f"Hint {MARKUP}" in t for t in toasts(app))
        await pilot.press("x")
        assert str(root) in str(app.screen.query_one(".question").content)
        await pilot.press("n", "s", "y")
        assert isinstance(app.screen, SolutionScreen)
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, MessageScreen)


def fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def folder(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.mkdir()


def loop(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(path.name)


def dangling(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(path.parent / "nowhere.py")


def device(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(os.devnull)  # a character device


@contextlib.contextmanager
def readers_of(pipe: Path):
    """Yields a list that grows whenever something has the pipe open for reading (as a reader
    that waits for a writer does); a writer is then opened and closed, so that a reader waiting
    goes on: the test fails instead of hanging."""
    seen: list[float] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.05):
            try:
                fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)  # ENXIO while nobody reads
            except OSError:
                continue
            seen.append(time.monotonic())
            os.close(fd)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize("make, says, resets", [
    (fifo, "is a named pipe (FIFO)", False),
    (folder, "is a folder, not a Python file", False),
    (device, "is a device, not a Python file", False),
    (loop, "is a symbolic link that loops", True),
    (dangling, "which does not exist", True),
])
async def test_a_learner_file_that_is_not_a_file_is_named_and_never_opened(make_app, mini_pack, found,
                                                                             make, says, resets):
    mine = found.root / "01_add.py"
    make(mine)
    app = make_app(check=judged())
    with readers_of(mine) if make is fifo else contextlib.nullcontext([]) as readers:
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            assert says in flat(text_of(app, "#source-body"))
            await pilot.press("r")
            await until(pilot, lambda: "add" in app.session.verdicts)
            await pilot.pause()
            assert app.checks_started == 0  # nothing to judge: the runner is not asked
            assert "ERROR" in verdict_text(app) and says in flat(verdict_text(app))
            await pilot.press("x", "y")
            await pilot.pause()
            if resets:
                assert mine.read_text() == mini_pack.find("add").starter.read_text()
                assert said(app, "fresh starter again")
            else:
                assert says in said(app, "Nothing was reset")[0]
                assert not mine.is_file() and (mine.is_dir() or os.path.islink(mine) or mine.exists())
            await pilot.press("n")
            assert app.screen.current.slug == "greet"
            assert readers == []  # the pipe was never opened


@pytest.mark.parametrize("how", ["moved", "deleted"])
async def test_a_workspace_moved_away_is_said_and_never_made_again(make_app, found, tmp_path, how):
    app = make_app(check=judged())
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.screen.watcher._thread.is_alive())
        await pilot.pause(0.5)  # the watch is set up
        if how == "moved":
            found.root.rename(tmp_path / "elsewhere")
            (tmp_path / "elsewhere" / "01_add.py").write_text(GOOD_ADD)  # its events come under the old name
            moved = tmp_path / "elsewhere" / ".dojo" / "progress.json"  # (the first exercise shown was noted)
            as_moved = moved.read_bytes() if moved.exists() else None
        else:
            shutil.rmtree(found.root)
        await until(pilot, lambda: said(app, "is no longer there"))  # the watcher's event: no key pressed
        assert app.checks_started == 0
        await pilot.press("r", "h", "x")
        await pilot.pause(0.3)
        assert isinstance(app.screen, WorkbookScreen)
        assert "moved or vanished" in text_of(app, "#status")
        assert len(said(app, "is no longer there")) == 1
        assert app.checks_started == 0
    assert not found.root.exists()  # no ghost .dojo at the old place
    if how == "moved":  # nothing followed it there either
        assert (moved.read_bytes() if moved.exists() else None) == as_moved


async def test_a_workspace_that_goes_while_a_check_runs_is_not_made_again(make_app, found, tmp_path):
    def check(exercise, file, **kwargs) -> Verdict:
        found.root.rename(tmp_path / "elsewhere")
        return judged(Status.PASSED)(exercise, file)

    app = make_app(check=check)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: "add" in app.session.verdicts)
        await until(pilot, lambda: said(app, "is no longer there"))
        assert "PASSED" in verdict_text(app)
    assert not found.root.exists()


async def test_an_editor_that_cannot_run_never_takes_the_terminal(make_app, tmp_path, monkeypatch):
    taken: list[str] = []

    @contextlib.contextmanager
    def suspend():  # as Textual's: an exception inside leaves the terminal suspended
        taken.append("suspended")
        yield
        taken.append("resumed")

    app = make_app()
    monkeypatch.setattr(app, "suspend", suspend)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "no-such-editor-here")
    async with app.run_test() as pilot:
        await pilot.press("e")
        assert taken == [] and said(app, "not on your PATH")
        broken = tmp_path / "broken-editor"
        broken.write_text("#!/no/such/interpreter\n")
        broken.chmod(0o755)
        monkeypatch.setenv("EDITOR", str(broken))
        await pilot.press("e")
        assert taken == ["suspended", "resumed"]
        assert said(app, "The editor could not start")
        await pilot.press("n")
        assert app.screen.current.slug == "greet"


async def test_a_file_turned_into_a_looping_link_while_shown_is_named(make_app, found):
    judged_files: list[str] = []

    def check(exercise, file, **kwargs) -> Verdict:
        judged_files.append(Path(file).name)
        return judged()(exercise, file)

    app = make_app(check=check)
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: app.screen.watcher._thread.is_alive())
        await pilot.pause(0.5)
        loop(found.root / "01_add.py")
        await until(pilot, lambda: "loops" in flat(text_of(app, "#source-body")))
        (found.root / "02_greet.py").write_text("x = 1\n")  # another file's save: the shown one is looked up
        await until(pilot, lambda: "greet" in app.session.verdicts)  # and the other one checked
        assert app.is_running
        await pilot.press("r")
        await until(pilot, lambda: "add" in app.session.verdicts)
        assert judged_files == ["02_greet.py"] and "loops" in flat(verdict_text(app))


async def test_a_checks_own_bug_says_not_your_fault_and_a_second_failure_its_second_hint(tmp_path):
    from torch_dojo.pack import load_pack

    blame = load_pack(Path(__file__).parent / "packs" / "blame")
    found = workspace.create(tmp_path / "blamed", blame)
    (found.root / "01_scale.py").write_text("def scale(xs, k):\n    return xs\n\ndef total(xs):\n    return sum(xs)\n")
    app = DojoApp(Session.open(blame, found), check=runner.check, probe=lambda: CPU_ONLY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: "scale" in app.screen.session.verdicts)
        await pilot.pause()
        text = verdict_text(app)
        assert "The check itself failed, not your code: checks/01_scale.py, line 21" in text
        assert "Not your fault: this check has a bug of its own" in text
        assert "hint: Each number is multiplied by k." in text
        first = app.screen.session.verdicts["scale"]
        await pilot.press("r")
        await until(pilot, lambda: app.screen.session.verdicts["scale"] is not first)
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
        await until(pilot, lambda: "add" in app.screen.session.verdicts)
        await pilot.pause()
        text = verdict_text(app)
        assert "`add` is not written yet" in text
        assert "hint" not in text
