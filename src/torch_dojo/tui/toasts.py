"""The hint toast: one at a time, short, with `code` drawn as code, gone when the learner
moves to another exercise.

Textual's toasts stack and stay their whole timeout; a hint repeats what the Task tab now
lists, so a second hint replaces the first, and the toast of 04's hint never sits over 05.
(Textual dismisses a toast only through ``App._unnotify``, as a click on one does.)
"""

from __future__ import annotations

import re

from textual.app import App
from textual.markup import escape
from textual.notifications import Notification, Notify

HINT_S = 6.0  # seconds: the hint stays in the Task tab; the toast only says it arrived
_CODE = re.compile(r"`([^`\n]+)`")


def hint_markup(text: str) -> str:
    """Content markup for a hint: everything as written, `code` in bold on the accent colour."""
    parts = _CODE.split(text)  # text, code, text, code, …
    return "".join(escape(part) if n % 2 == 0 else f"[b $text-accent]{escape(part)}[/]"
                   for n, part in enumerate(parts))


class HintToast:
    def __init__(self, app: App) -> None:
        self.app = app
        self.shown: tuple[str, Notification] | None = None  # (the exercise's key, its toast)

    def show(self, key: str, hint: str, title: str) -> None:
        self.dismiss()
        toast = Notification(hint_markup(hint), title, "information", HINT_S, markup=True)
        self.app.post_message(Notify(toast))
        self.shown = (key, toast)

    def leave(self, key: str) -> None:
        """The learner is at the exercise ``key`` now: the toast of another one goes."""
        if self.shown is not None and self.shown[0] != key:
            self.dismiss()

    def dismiss(self) -> None:
        if self.shown is not None:
            self.app._unnotify(self.shown[1])
            self.shown = None
