"""The workbook's first screen imports only what it draws: what checks, highlights, charts or
watches comes after the first paint (benchmarks/tui_first_paint.py times it; this keeps it)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import MINI

# Each costs start-up time the first screen does not need. (pygments itself comes with
# Textual's Markdown; rich.syntax, which highlights the learner's file, is ours to defer.)
LATER = ["torch", "rich.syntax", "plotext", "textual_plotext", "psutil", "watchfiles", "pytest",
         "torch_dojo.runner.checking", "torch_dojo.runner.process", "torch_dojo.runner.warm",
         "torch_dojo.verify", "torch_dojo.checkscan", "torch_dojo.mistakes"]

FIRST_SCREEN = """
import asyncio, json, sys
from pathlib import Path
import torch_dojo.cli  # as `torch-dojo` imports it before opening the workbook
from torch_dojo import workspace
from torch_dojo.pack import load_pack
from torch_dojo.runner.environment import Environment
from torch_dojo.session import Session
from torch_dojo.tui.app import DojoApp
from torch_dojo.tui.screens.workbook import WorkbookScreen

seen = []
mounted = WorkbookScreen.on_mount
def on_mount(self):
    mounted(self)
    seen.extend(sys.modules)  # composed and shown: what the first frame is drawn from
    self.app.exit()
WorkbookScreen.on_mount = on_mount
pack = load_pack(Path(sys.argv[1]))
found = workspace.create(Path(sys.argv[2]), pack)
app = DojoApp(Session.open(pack, found), probe=lambda: Environment(python="3"))
async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
asyncio.run(main())
print(json.dumps(seen))
"""


def test_the_first_screen_imports_nothing_that_checks_highlights_or_charts(tmp_path):
    done = subprocess.run([sys.executable, "-c", FIRST_SCREEN, str(MINI), str(tmp_path / "ws")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    imported = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "torch_dojo.tui.screens.workbook" in imported and "textual" in imported
    early = sorted(m for m in imported if any(m == name or m.startswith(name + ".") for name in LATER))
    assert early == []
