"""Snapshots of the main screens (the welcome, a failed verdict, the chart, the help) at
100×30 and 80×24, compared as text: what a learner reads, character by character.

Textual's own screenshot export, rendered as text rather than SVG (pytest-textual-snapshot
1.1.0 pins syrupy 4.8, which wants pytest < 9). Colours are not compared; every word,
mark, wrap and cut is.

When a change to the screen is meant, write the snapshots again and read the diff:

    TORCH_DOJO_SNAPSHOTS=update .venv/bin/python -m pytest -q tests/test_tui_snapshots.py
    git diff tests/snapshots/

A snapshot that does not match fails with the difference, and leaves what was drawn
beside it as ``tests/snapshots/NAME.txt.new`` (ignored by git) to compare.
"""

from __future__ import annotations

import difflib
import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from torch_dojo import workspace
from torch_dojo.runner.environment import Environment
from torch_dojo.session import Session
from torch_dojo.tui.app import DojoApp
from torch_dojo.verdict import CheckResult, Status, Verdict

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("TORCH_DOJO_SNAPSHOTS") == "update"
CPU_ONLY = Environment(python="3.11", torch="2.13.0+cpu", distributed=True, torchrun=True)
SIZES = {"100x30": (100, 30), "80x24": (80, 24)}


def judged(exercise, file, cancelled=None) -> Verdict:
    """A failed verdict with what a learner meets: grouped cases, a long message, a hint in
    `code`, a skipped check, what the file printed, and a loss curve to draw."""
    checks = (
        CheckResult("adds two numbers [ints]", Status.PASSED),
        CheckResult("adds two numbers [floats]", Status.FAILED,
                    "add(0.5, 0.25) is 0.25, expected 0.75: the second number was taken away, not added",
                    "Use the `+` operator."),
        CheckResult("adds two numbers [negative]", Status.PASSED),
        CheckResult("returns a number, not a string, and leaves both arguments as they were", Status.PASSED),
        CheckResult("adds on the GPU", Status.SKIPPED, "needs CUDA: this machine has no CUDA GPU"),
    )
    return Verdict(exercise.id, exercise.slug, exercise.title, Status.FAILED, checks=checks, duration=0.4,
                   file=str(file), hint="Use the `+` operator.", output="adding 0.5 and 0.25\n",
                   data={"losses": {"values": [2.0 / (n + 1) for n in range(30)], "every": 10, "steps": 300}})


def screen_text(app) -> str:
    """The screen as text: ``App.export_screenshot`` without the SVG."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def assert_snapshot(name: str, drawn: str) -> None:
    path = SNAPSHOTS / f"{name}.txt"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(drawn, encoding="utf-8")
        return
    new = path.with_name(path.name + ".new")
    if not path.exists():
        new.write_text(drawn, encoding="utf-8")
        pytest.fail(f"no snapshot {path.name} yet: write it with TORCH_DOJO_SNAPSHOTS=update (see this "
                    "file's docstring), then read it")
    kept = path.read_text(encoding="utf-8")
    if drawn != kept:
        new.write_text(drawn, encoding="utf-8")
        diff = "".join(difflib.unified_diff(kept.splitlines(True), drawn.splitlines(True), str(path), "drawn now"))
        pytest.fail(f"the screen changed ({new} holds it); if that is meant, write the snapshots again "
                    f"with TORCH_DOJO_SNAPSHOTS=update:\n{diff}")
    new.unlink(missing_ok=True)


@pytest.fixture
def app_for(tmp_path, mini_pack, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # the workspace reads ~/torch-dojo on every machine
    found = workspace.create(tmp_path / "torch-dojo", mini_pack)

    def make(**kwargs) -> DojoApp:
        return DojoApp(Session.open(mini_pack, found), check=judged, probe=lambda: CPU_ONLY, **kwargs)
    return make


async def settle(pilot) -> None:
    for _ in range(100):
        if "no CUDA GPU" in pilot.app.sub_title:
            break
        await pilot.pause(0.05)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.2)
    await pilot.wait_for_scheduled_animations()


@pytest.mark.parametrize("size", SIZES)
async def test_welcome(app_for, size):
    app = app_for(first_run=True)
    async with app.run_test(size=SIZES[size]) as pilot:
        await settle(pilot)
        assert_snapshot(f"welcome-{size}", screen_text(app))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen, keys", [("failed-verdict", ""), ("chart", "5"), ("help", "question_mark")])
async def test_after_a_failed_check(app_for, size, screen, keys):
    app = app_for()
    async with app.run_test(size=SIZES[size]) as pilot:
        await pilot.press("r")
        for _ in range(100):
            if "add" in app.session.verdicts:
                break
            await pilot.pause(0.05)
        if keys:
            await pilot.press(keys)
        await settle(pilot)
        assert_snapshot(f"{screen}-{size}", screen_text(app))
