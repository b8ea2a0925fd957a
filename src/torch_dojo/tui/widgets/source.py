"""The learner's file as it is on disk, highlighted (pygments, through rich) with line numbers."""

from __future__ import annotations

from pathlib import Path

from rich.syntax import Syntax
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

MAX_BYTES = 512 * 1024  # beyond this, the file is not drawn (it is still checked)


def read_source(path: Path) -> str | None:
    """The file's text, or None when there is nothing sensible to draw."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None


class SourceView(VerticalScroll):
    def compose(self):
        yield Static(id="source-body")

    def show(self, path: Path) -> None:
        text = read_source(path)
        body = self.query_one("#source-body", Static)
        if text is None:
            missing = not path.exists()
            body.update(Text(f"{path} is missing: press x to put a fresh starter there." if missing
                             else f"{path} cannot be shown here (too large or unreadable)."))
            return
        body.update(Syntax(text, "python", line_numbers=True, word_wrap=False, theme="ansi_dark",
                           background_color="default"))
