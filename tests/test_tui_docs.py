"""The workbook's Docs tab (key 6), driven through Textual's Pilot with a fake docs lookup.

The docs load only when the tab is shown, in a worker: the test holds the lookup back to see
the loading state, and makes it fail to see the error state.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time

import pytest
from textual.widgets import Markdown, TabbedContent

from test_apidocs import pack_with_docs

from torch_dojo import workspace
from torch_dojo.apidocs.lookup import Docs
from torch_dojo.apidocs.page import NONE_NAMED
from torch_dojo.pack import load_pack
from torch_dojo.runner.environment import ApiDoc, Environment
from torch_dojo.session import Session
from torch_dojo.tui import keys
from torch_dojo.tui.app import DojoApp
from torch_dojo.tui.widgets.docs import DocsView

CPU_ONLY = Environment(python="3.11", torch="2.13.0+cpu", distributed=True, torchrun=True)


class HeldLookup:
    """Answers once ``release`` is set; counts what it was asked."""

    def __init__(self, fails: bool = False):
        self.asked: list[list[str]] = []
        self.release = threading.Event()
        self.fails = fails

    def __call__(self, names):
        self.asked.append([n.name for n in names])
        assert self.release.wait(30)
        if self.fails:
            raise RuntimeError("the cache folder exploded")
        return Docs("2.13.0", tuple(ApiDoc(n.name, kind="function", doc=f"What {n.name} does.\n\nArgs:\n"
                                           "    input (Tensor): the input.") for n in names))


@pytest.fixture
def app_with(tmp_path):
    def make(lookup) -> DojoApp:
        pack = load_pack(pack_with_docs(tmp_path, '["torch.add", "torch.Tensor.add"]'))
        found = workspace.create(tmp_path / "torch-dojo", pack)
        return DojoApp(Session.open(pack, found), probe=lambda: CPU_ONLY, check=lambda *a, **k: None, docs=lookup)
    return make


def docs_text(app) -> str:
    return app.screen.query_one("#docs-body", Markdown).source


async def until(pilot, condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the app did not get there in time"
        await pilot.pause(0.05)


async def test_key_6_shows_the_docs_loading_then_pytorchs_text(app_with):
    lookup = HeldLookup()
    app = app_with(lookup)
    async with app.run_test(size=(110, 35)) as pilot:
        await pilot.pause()
        assert lookup.asked == [], "nothing is asked before the tab is shown"
        await pilot.press("6")
        assert app.screen.query_one(TabbedContent).active == "docs"
        await until(pilot, lambda: lookup.asked)
        assert "Asking the installed torch for its documentation of `torch.add` · `torch.Tensor.add`" in docs_text(app)
        lookup.release.set()
        await until(pilot, lambda: "## `torch.add` (function)" in docs_text(app))
        assert "- `input` (Tensor): the input." in docs_text(app)
        assert lookup.asked == [["torch.add", "torch.Tensor.add"]]
        await pilot.press("1", "6")  # shown again: the page stays, nothing is asked again
        await pilot.pause()
        assert lookup.asked == [["torch.add", "torch.Tensor.add"]]


async def test_an_exercise_without_names_says_so_and_asks_nothing(app_with):
    lookup = HeldLookup()
    app = app_with(lookup)
    async with app.run_test(size=(110, 35)) as pilot:
        await pilot.press("n", "6")
        await until(pilot, lambda: docs_text(app) == NONE_NAMED)
        assert lookup.asked == []


async def test_a_lookup_that_fails_is_said_and_asked_again_next_time(app_with):
    lookup = HeldLookup(fails=True)
    lookup.release.set()
    app = app_with(lookup)
    async with app.run_test(size=(110, 35)) as pilot:
        await pilot.press("6")
        await until(pilot, lambda: "could not gather the docs (RuntimeError: the cache folder exploded)"
                    in docs_text(app))
        assert app.is_running
        await pilot.press("1", "6")
        await until(pilot, lambda: len(lookup.asked) == 2)


async def test_moving_on_while_the_docs_load_shows_the_docs_of_the_exercise_shown(app_with):
    lookup = HeldLookup()
    app = app_with(lookup)
    async with app.run_test(size=(110, 35)) as pilot:
        await pilot.press("6")
        await until(pilot, lambda: lookup.asked)
        await pilot.press("n", "6")  # the second exercise names nothing
        await until(pilot, lambda: docs_text(app) == NONE_NAMED)
        lookup.release.set()
        await pilot.pause(0.3)
        assert docs_text(app) == NONE_NAMED
        assert app.screen.query_one(DocsView).loaded.slug == "greet"


def test_the_docs_key_is_in_the_bindings_and_the_help_table():
    assert "tab('docs')" in [b.action for b in keys.bindings() if b.key == "6"]
    assert "| `1 … 6` | task, verdict, your file, output, chart, docs |" in keys.help_table()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_in_a_real_terminal_the_docs_tab_shows_the_installed_torchs_text(tmp_path, monkeypatch):
    from tests.test_tui_tmux import Terminal

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))  # platformdirs' cache folder
    root = pack_with_docs(tmp_path, '["torch.Tensor.add", "torch.Tensor.too"]')
    term = Terminal(tmp_path, sys.executable, "-m", "torch_dojo", "--pack", str(root))
    try:
        term.wait_for("Continue (Enter)")
        term.keys("Enter")
        term.wait_for("01 · Add two numbers")
        term.keys("6")
        term.wait_for("Asking the installed torch", timeout=30)
        screen = term.wait_for("Add a scalar or tensor to", timeout=90)  # torch.Tensor.add's docstring
        assert "torch.Tensor.add (method)" in screen
        assert list((tmp_path / "xdg-cache" / "torch-dojo" / "docs").glob("torch-*.json"))
        term.keys("q")
        term.wait_for("EXITED 0")
    finally:
        term.close()
