"""A screen that says one thing and waits for a key: the welcome, the finish, the help."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown


class MessageScreen(ModalScreen[None]):
    BINDINGS = [("escape,enter,q", "close", "Close")]
    button = "Continue"

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            with VerticalScroll():
                yield Markdown(self.text)
            yield Button(f"{self.button} (Enter)", variant="primary", id="close")

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_button_pressed(self) -> None:
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()
