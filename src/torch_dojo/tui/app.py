"""The Textual app: the workbook screen, the stylesheet, the command palette's entries."""

from __future__ import annotations

from typing import Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen

from torch_dojo import runner
from torch_dojo.runner.environment import probe as describe
from torch_dojo.tui.screens.workbook import WorkbookScreen
from torch_dojo.tui.workbook import Workbook


class DojoApp(App):
    CSS_PATH = "dojo.tcss"
    TITLE = "torch-dojo"

    def __init__(self, workbook: Workbook, *, check=runner.check, probe=describe, warm_up=None,
                 first_run: bool = False) -> None:
        super().__init__()
        self.workbook = workbook
        self._screen_args = dict(check=check, probe=probe, warm_up=warm_up, first_run=first_run)

    def notify(self, message: str, *, markup: bool = False, **kwargs) -> None:
        """Every notification is plain text (``markup`` is ignored: widgets pass True): they carry
        paths, hints and errors, and a "[/]" in one would be read as markup and crash the app."""
        super().notify(message, markup=False, **kwargs)

    def on_mount(self) -> None:
        self.title = f"torch-dojo · {self.workbook.title}"
        self.push_screen(WorkbookScreen(self.workbook, **self._screen_args))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, WorkbookScreen):
            for key, action, title, help in (
                ("r", "run", "Run the checks", "Judge the current exercise's file now"),
                ("n", "move(1)", "Next exercise", "Move to the next exercise"),
                ("p", "move(-1)", "Previous exercise", "Move to the previous exercise"),
                ("h", "hint", "Next hint", "Reveal one more hint (remembered)"),
                ("s", "solution", "Show the solution", "The reference solution (asks first before a pass)"),
                ("e", "edit", "Open in editor", "Open the exercise's file in $VISUAL / $EDITOR"),
                ("x", "reset", "Reset the exercise", "A fresh starter; your file is backed up"),
                ("f", "filter", "Show what is left to do", "Toggle: only exercises not passed yet"),
                ("?", "help", "Keys", "Every key of the workbook"),
            ):
                yield SystemCommand(f"{title} ({key})", help,
                                    lambda action=action: self.run_action(action, screen))
