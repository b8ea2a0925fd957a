"""The reference solution, beside nothing: read it, compare, close it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from torch_dojo.pack import Exercise


class SolutionScreen(ModalScreen[None]):
    BINDINGS = [("escape,q,s", "dismiss", "Close")]

    def __init__(self, exercise: Exercise) -> None:
        super().__init__()
        self.exercise = exercise

    def compose(self) -> ComposeResult:
        from rich.syntax import Syntax  # pygments: only when a solution is opened

        try:
            code = self.exercise.solution.read_text(encoding="utf-8", errors="replace")
        except OSError as err:
            code = f"# The pack's solution cannot be read: {err.strerror or err}"
        with Vertical(classes="dialog full"):
            yield Label(f"Reference solution of {self.exercise.label}  (Esc closes)", classes="dialog-title",
                        markup=False)
            with VerticalScroll():
                yield Static(Syntax(code, "python", line_numbers=True, theme="ansi_dark",
                                    background_color="default"), id="solution-body")
