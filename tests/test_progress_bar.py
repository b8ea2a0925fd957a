"""How far `grade` and `check --all` are: plain lines when piped, a bar with an ETA on a terminal."""

from __future__ import annotations

import io
import re
import sys

from conftest import MINI
from rich.console import Console
from test_shards import CLASS, fake_runner, klass  # noqa: F401 - fixtures

from torch_dojo import cli
from torch_dojo.cli import progress_bar
from torch_dojo.grading import Mark

MARKS = [Mark("ana", "01", "add", "passed", 1, 1), Mark("ana", "02", "greet", "failed", 0, 1),
         Mark("ben", "01", "add", "passed", 1, 1), Mark("ben", "02", "greet", "missing", 0, 1)]


class Terminal(io.StringIO):
    """What a terminal would show, kept: a stream that says it is a TTY."""

    def isatty(self) -> bool:
        return True


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def test_piped_each_mark_is_one_line_as_before(capsys):
    with progress_bar.GradingBar(len(MARKS)) as shown:
        for number, mark in enumerate(MARKS):
            shown.mark(mark, reused=number == 0)
    err = capsys.readouterr().err
    assert err.splitlines() == ["[1/4] ana  01 add: passed 1/1 (from the journal)", "[2/4] ana  02 greet: failed 0/1",
                                "[3/4] ben  01 add: passed 1/1", "[4/4] ben  02 greet: missing 0/1"]
    assert "\x1b" not in err and "ETA" not in err


def test_on_a_terminal_the_bar_says_done_of_total_the_latest_mark_elapsed_and_eta():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120, color_system=None)
    with progress_bar.GradingBar(len(MARKS), console=console) as shown:
        for mark in MARKS[:3]:
            shown.mark(mark, reused=False)
    shown_text = plain(screen.getvalue())
    assert "[3/4] ben  01 add: passed 1/1" in shown_text  # the lines scroll above the bar
    assert re.search(r"ben · 01 add .*3/4 elapsed 0:00:0\d ETA", shown_text), shown_text


def test_a_terminal_is_a_tty_that_is_not_dumb(monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    assert progress_bar.on_terminal(Terminal()) and not progress_bar.on_terminal(io.StringIO())
    monkeypatch.setenv("TERM", "dumb")
    assert not progress_bar.on_terminal(Terminal())


def test_check_all_shows_no_bar_when_its_stdout_is_piped(monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr(sys, "stderr", Terminal())
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert progress_bar.ProgressBar(2, "checking", shares_stdout=True)._bar is None
    assert progress_bar.ProgressBar(2, "grading")._bar is not None


def test_grade_on_a_terminal_shows_the_bar_and_keeps_stdout_for_the_table(klass, fake_runner, monkeypatch, capsys):
    monkeypatch.setenv("TERM", "xterm-256color")
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    assert cli.main(["grade", str(klass), "--pack", str(MINI), "--jobs", "1"]) == 0
    shown = plain(screen.getvalue())
    total = len(CLASS) * 2
    # the marks come longest first (by the references' times): any of them may be the last
    assert re.search(rf"\[{total}/{total}\] \w+ +0[12] (add|greet): (passed|failed|missing)", shown), shown
    assert "ETA" in shown and "elapsed" in shown
    out = capsys.readouterr().out
    assert "total" in out and "ETA" not in out and "\x1b" not in out
