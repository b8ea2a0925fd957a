"""The learner's file as it is on disk, highlighted (pygments, through rich) with line numbers.

Only a regular file is read (``files.read_source``): a pipe, a folder or a looping link in
its place is named, never opened, so the workbook never waits on it. The file is drawn once
the screen has painted: highlighting imports pygments, which the first screen does without.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from torch_dojo.tui.files import read_source


class SourceView(VerticalScroll):
    """Long lines wrap under their own line number (never a sideways scroll); a file of
    another exercise is shown from its top, the same file again where the learner was."""

    _path: Path | None = None
    _painted = False

    def compose(self):
        yield Static(id="source-body")

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_paint_done)

    def _first_paint_done(self) -> None:
        self._painted = True
        if self._path is not None:
            self.show(self._path)

    def show(self, path: Path) -> None:
        moved, self._path = path != self._path, path
        if not self._painted:
            return
        from rich.syntax import Syntax  # pygments: after the first paint

        text, why = read_source(path)
        body = self.query_one("#source-body", Static)
        if moved:
            self.scroll_home(animate=False)
        if text is None:
            body.update(Text(why))
            return
        body.update(Syntax(text, "python", line_numbers=True, word_wrap=True, theme="ansi_dark",
                           background_color="default"))
