"""The Textual app: the workbook screen, the stylesheet, the command palette's entries."""

from __future__ import annotations

from typing import Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen

from torch_dojo.runner.environment import probe
from torch_dojo.tui import keys
from torch_dojo.tui.commands import ExerciseCommands, system_commands
from torch_dojo.tui.screens.workbook import WorkbookScreen
from torch_dojo.session import Session


class DojoApp(App):
    CSS_PATH = "dojo.tcss"
    TITLE = "torch-dojo"
    COMMANDS = App.COMMANDS | {ExerciseCommands}

    def __init__(self, session: Session, *, check=None, probe=probe, warm_up=None,
                 first_run: bool = False, **screen_args) -> None:
        """``screen_args``: more of the workbook's (``docs``)."""
        super().__init__()
        self.session = session
        self.title = f"torch-dojo · {session.title}"
        self._screen_args = dict(check=check, probe=probe, warm_up=warm_up, first_run=first_run, **screen_args)

    def notify(self, message: str, *, markup: bool = False, **kwargs) -> None:
        """Every notification is plain text (``markup`` is ignored: widgets pass True): they carry
        paths, hints and errors, and a "[/]" in one would be read as markup and crash the app."""
        super().notify(message, markup=False, **kwargs)

    def get_default_screen(self) -> Screen:
        # The workbook is the first screen itself, not pushed over an empty one: one screen
        # less to compose and paint before the learner sees anything.
        return WorkbookScreen(self.session, **self._screen_args)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from system_commands(super().get_system_commands(screen))
        if isinstance(screen, WorkbookScreen):
            for key in keys.commands():
                yield SystemCommand(f"{key.command} ({key.typed})", key.explains,
                                    lambda action=key.action: self.run_action(action, screen))
