"""The real workbook in a real terminal (tmux), read from the screen as a learner sees it."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import MINI
from tests.test_tui import WRONG_ADD, disk  # noqa: F401  (disk: a tmpfs of its own, a fixture)
from torch_dojo import workspace
from torch_dojo.pack import load_pack

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    def __init__(self, cwd: Path, *command: str):
        self.socket = f"dojo-{uuid.uuid4().hex[:8]}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TORCH_DOJO_", "PYTEST", "CI"))}
        self._tmux("new-session", "-d", "-x", "80", "-y", "24", "-c", str(cwd),
                   " ".join([*command, "; echo EXITED $?; sleep 30"]), env=env)

    def _tmux(self, *args: str, env: dict | None = None) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                              env=env, check=True, timeout=30).stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p")

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", *keys)

    def wait_for(self, *texts: str, timeout: float = 60) -> str:
        """The screen once every one of texts is on it (a panel may be drawn before another)."""
        deadline = time.monotonic() + timeout
        while not all(text in (screen := self.screen()) for text in texts):
            assert time.monotonic() < deadline, f"{texts!r} never all showed; the screen:\n{screen}"
            time.sleep(0.2)
        return screen

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(tmp_path):
    opened: list[Terminal] = []

    def open_(*command: str) -> Terminal:
        opened.append(Terminal(tmp_path, *command))
        return opened[-1]

    yield open_
    for t in opened:
        t.close()


def test_a_learner_opens_the_workbook_saves_a_file_and_quits(terminal, tmp_path):
    term = terminal(sys.executable, "-m", "torch_dojo", "--pack", str(MINI))
    term.wait_for("Continue (Enter)")
    term.keys("Enter")
    screen = term.wait_for("01 · Add two numbers", "0 of 2 passed")
    assert "Welcome" not in screen
    mine = tmp_path / "torch-dojo" / "01_add.py"
    deadline = time.monotonic() + 30
    while "checking" not in term.screen() and "PASSED" not in term.screen():  # saved again until noticed
        assert time.monotonic() < deadline, term.screen()
        mine.write_text("def add(a, b):\n    return a + b\n")
        time.sleep(1)
    term.wait_for("PASSED", "1 of 2 passed")
    term.keys("q")
    term.wait_for("EXITED 0")


def test_a_learner_file_that_is_a_pipe_is_named_and_q_still_quits(terminal, tmp_path):
    root = workspace.create(tmp_path / "torch-dojo", load_pack(MINI), path=str(MINI)).root
    mine = root / "01_add.py"
    mine.unlink()
    os.mkfifo(mine)
    term = terminal(sys.executable, "-m", "torch_dojo")
    term.wait_for("01 · Add two numbers")
    term.keys("3")  # the file's tab: a reader of the pipe would wait for a writer forever
    term.wait_for("FIFO")
    term.keys("r")
    term.wait_for("ERROR")
    term.keys("q")
    term.wait_for("EXITED 0", timeout=20)
    assert stat.S_ISFIFO(os.lstat(mine).st_mode)  # left as it was


def test_a_read_only_workspace_shows_the_verdict_then_that_progress_was_not_saved(terminal, disk):
    root = workspace.create(disk.path / "torch-dojo", load_pack(MINI), path=str(MINI)).root
    (root / "01_add.py").write_text(WRONG_ADD)
    disk.read_only()
    term = terminal(sys.executable, "-m", "torch_dojo", "--workspace", str(root))
    term.wait_for("01 · Add two numbers")
    term.keys("r")
    screen = term.wait_for("Progress not saved")
    assert "FAILED" in screen and "could not run the checks" not in screen
    term.keys("h")
    term.wait_for("Python has an operator")
    term.keys("q")
    term.wait_for("EXITED 0", timeout=20)


def test_a_learner_back_the_next_day_is_told_what_is_due_and_starts_a_review(terminal, tmp_path):
    """Passed yesterday (as far as $TORCH_DOJO_NOW says): the welcome back counts it, the list
    marks it ↻, and v puts a fresh starter in .dojo/review/ beside the untouched solved file."""
    from torch_dojo import progress

    found = workspace.create(tmp_path / "torch-dojo", load_pack(MINI), path=str(MINI))
    os.environ["TORCH_DOJO_NOW"] = "2026-12-01T10:00"
    try:
        progress.record_verdict(found.progress_file, "add", "passed")
    finally:
        del os.environ["TORCH_DOJO_NOW"]
    solved = "def add(a, b):\n    return a + b\n"
    (found.root / "01_add.py").write_text(solved)
    term = terminal("env", "TORCH_DOJO_NOW=2026-12-02T10:00", sys.executable, "-m", "torch_dojo", "--pack", str(MINI))
    screen = term.wait_for("Welcome back")
    assert "1 is due" in screen
    term.keys("Enter")
    term.wait_for("02 · Greet someone", "↻ 01", "1 ↻ due")
    term.keys("v")
    term.wait_for("Review: 01")
    assert (found.state / "review" / "01_add.py").read_bytes() == (MINI / "exercises" / "01_add.py").read_bytes()
    assert (found.root / "01_add.py").read_text() == solved
    deadline = time.monotonic() + 30
    while "Review: 01" in term.screen():  # the workbook shows through the dialog: wait until it went
        assert time.monotonic() < deadline, term.screen()
        term.keys("Enter")
        time.sleep(0.5)
    term.keys("q")
    term.wait_for("EXITED 0")


def _editor_cases(tmp_path: Path) -> list[tuple[str, str]]:
    """(how the learner's shell sets the editor, what the workbook says), one per way it fails.
    (TORCH_DOJO_WARM=0: the mini pack's checks need no warm runner booting torch.)"""
    failing = tmp_path / "failing-editor"
    failing.write_text("#!/bin/sh\nexit 3\n")
    failing.chmod(0o755)
    return [
        ("env -u VISUAL -u EDITOR TORCH_DOJO_WARM=0", "Set $EDITOR"),  # none at all
        (f"env -u VISUAL TORCH_DOJO_WARM=0 EDITOR=nano PATH={tmp_path / 'empty'}", "'nano'"),  # ours, absent
        (f"env -u VISUAL TORCH_DOJO_WARM=0 EDITOR={failing}", "code 3"),  # one that starts and fails
    ]


@pytest.mark.slow
def test_e_without_a_usable_editor_leaves_the_workbook_on_screen_and_answering(terminal, tmp_path):
    workspace.create(tmp_path / "torch-dojo", load_pack(MINI), path=str(MINI))
    for shell, says in _editor_cases(tmp_path):
        term = terminal(shell, sys.executable, "-m", "torch_dojo")
        term.wait_for("01 · Add two numbers")
        term.keys("e")
        term.wait_for(says, timeout=20)
        assert "01 · Add two numbers" in term.screen()  # the workbook, not a blank terminal
        term.keys("n")
        term.wait_for("02 · Greet someone", timeout=20)  # and it answers keys
        term.keys("p")
        term.wait_for("01 · Add two numbers", timeout=20)
        term.keys("q")
        term.wait_for("EXITED 0", timeout=20)
        term.close()
