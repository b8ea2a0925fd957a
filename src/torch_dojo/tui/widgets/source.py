"""The learner's file as it is on disk, highlighted (pygments, through rich) with line numbers.

Only a regular file is read (``files.read_source``): a pipe, a folder or a looping link in
its place is named, never opened, so the workbook never waits on it.
"""

from __future__ import annotations

from pathlib import Path

from rich.syntax import Syntax
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from torch_dojo.tui.files import read_source


class SourceView(VerticalScroll):
    """Long lines wrap under their own line number (never a sideways scroll); a file of
    another exercise is shown from its top, the same file again where the learner was."""

    _path: Path | None = None

    def compose(self):
        yield Static(id="source-body")

    def show(self, path: Path) -> None:
        text, why = read_source(path)
        body = self.query_one("#source-body", Static)
        if path != self._path:
            self._path = path
            self.scroll_home(animate=False)
        if text is None:
            body.update(Text(why))
            return
        body.update(Syntax(text, "python", line_numbers=True, word_wrap=True, theme="ansi_dark",
                           background_color="default"))
