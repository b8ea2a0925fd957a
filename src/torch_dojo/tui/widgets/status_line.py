"""One line under the exercise's title: checking (with the seconds so far), or the last result."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import Static

from torch_dojo.verdict import Verdict
from torch_dojo.tui.widgets.exercise_list import MARKS


class StatusLine(Static):
    _since: float | None = None
    _why = ""

    def on_mount(self) -> None:
        self._ticker = self.set_interval(0.1, self._tick, pause=True)

    def running(self, why: str) -> None:
        self._since, self._why = time.monotonic(), why
        self._ticker.resume()
        self._tick()

    def finished(self, verdict: Verdict | None, status: str = "not tried", note: str = "") -> None:
        self._since = None
        self._ticker.pause()
        if verdict is not None:
            mark, style = MARKS[verdict.status.value]
            text = Text.assemble((f"{mark} {verdict.status.value}", f"bold {style}"),
                                 f" in {verdict.duration:.1f} s")
        else:
            mark, style = MARKS.get(status, ("?", ""))
            text = Text.assemble((f"{mark} {status}", style))
        if note:
            text.append(f"  {note}", style="dim")
        self.update(text)

    def _tick(self) -> None:
        if self._since is not None:
            self.update(Text.assemble(("⟳ checking", "bold cyan"),
                                      f" {time.monotonic() - self._since:.1f} s", (f"  ({self._why})", "dim")))
