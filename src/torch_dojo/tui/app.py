"""The Textual app: the workbook screen, the stylesheet, the command palette's entries."""

from __future__ import annotations

from typing import Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen

from torch_dojo import runner
from torch_dojo.runner.environment import probe
from torch_dojo.tui import keys
from torch_dojo.tui.screens.workbook import WorkbookScreen
from torch_dojo.session import Session


class DojoApp(App):
    CSS_PATH = "dojo.tcss"
    TITLE = "torch-dojo"

    def __init__(self, session: Session, *, check=runner.check, probe=probe, warm_up=None,
                 first_run: bool = False, **screen_args) -> None:
        """``screen_args``: more of the workbook's (``docs``)."""
        super().__init__()
        self.session = session
        self._screen_args = dict(check=check, probe=probe, warm_up=warm_up, first_run=first_run, **screen_args)

    def notify(self, message: str, *, markup: bool = False, **kwargs) -> None:
        """Every notification is plain text (``markup`` is ignored: widgets pass True): they carry
        paths, hints and errors, and a "[/]" in one would be read as markup and crash the app."""
        super().notify(message, markup=False, **kwargs)

    def on_mount(self) -> None:
        self.title = f"torch-dojo · {self.session.title}"
        self.push_screen(WorkbookScreen(self.session, **self._screen_args))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, WorkbookScreen):
            for key in keys.commands():
                yield SystemCommand(f"{key.command} ({key.typed})", key.explains,
                                    lambda action=key.action: self.run_action(action, screen))
