"""The floor for `tui_first_paint.py`: the smallest Textual app of the workbook's shape.

A header, a list with a row per exercise, a Markdown pane with the first exercise's task
under a title line, a footer; nothing of torch-dojo is imported.

    python benchmarks/first_paint_floor.py TITLE [TASK_MARKDOWN [ROW ...]]

shows TITLE in the title line (the benchmark waits for it, as it waits for the workbook's
title), TASK_MARKDOWN in the pane and one list row per ROW (21 rows when none are given).
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Label, ListItem, ListView, Markdown


class Floor(App):
    CSS = "ListView { width: 32; } #main { width: 1fr; }"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, title: str, task: str = "", rows: list[str] | None = None) -> None:
        super().__init__()
        self.marker, self.text = title, task or "Write the function its docstring asks for, then save."
        self.rows = rows or [f"· {n:02d} exercise {n}" for n in range(1, 22)]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield ListView(*(ListItem(Label(row)) for row in self.rows))
            with Vertical(id="main"):
                yield Label(f"01 · {self.marker}")
                yield Markdown(f"## 01 · {self.marker}\n\n{self.text}")
        yield Footer()


if __name__ == "__main__":
    args = sys.argv[1:]
    Floor(args[0] if args else "floor", args[1] if len(args) > 1 else "", args[2:]).run()
