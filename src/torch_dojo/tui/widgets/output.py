"""What the learner's code printed during the last check, wrapped to the width it has
(a long line is never scrolled sideways), from its start."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from torch_dojo.verdict import Verdict


class OutputView(VerticalScroll):
    def compose(self):
        yield Static(id="output-body")

    def show(self, verdict: Verdict | None) -> None:
        if verdict is None:
            text = Text("Nothing yet: what your code prints during a check shows here.")
        elif not verdict.output.strip():
            text = Text("Your code printed nothing.")
        else:
            text = Text(verdict.output.rstrip("\n"), overflow="fold")
            if verdict.output_truncated:
                text = Text.assemble(("[the output was long: only its end is kept]\n", "dim"), text)
        self.query_one("#output-body", Static).update(text)
        self.scroll_home(animate=False)
