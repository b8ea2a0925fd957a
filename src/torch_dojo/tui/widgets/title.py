"""The line over the exercise: its id and title, then where its file is.

A path is never broken mid-name: the home folder reads as ``~``, the path goes to a line of
its own when it does not fit beside the title, and one longer than the whole line loses its
first folders ("…/torch-dojo/04_x.py"), never the file's name.
"""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual.widgets import Static


def shown_path(path: Path | str) -> str:
    """``path`` as the learner reads it: under the home folder, as ``~/…``."""
    text, home = str(path), os.path.expanduser("~")
    if home not in ("", "/", "~") and (text == home or text.startswith(home.rstrip("/") + "/")):
        return "~" + text[len(home.rstrip("/")):]
    return text


def fitted_path(path: str, width: int) -> str:
    """``path`` in ``width`` columns at most, cut at a folder boundary from the left."""
    if len(path) <= width:
        return path
    parts = path.split("/")
    for start in range(1, len(parts)):
        cut = "…/" + "/".join(parts[start:])
        if len(cut) <= width:
            return cut
    return "…/" + parts[-1] if len(parts) > 1 else path  # the name whole, even past the line


class ExerciseTitle(Static):
    """``show(heading, path)``; drawn again for the width it has, whenever that changes."""

    _heading = ""
    _path = ""

    def show(self, heading: str, path: Path | str) -> None:
        self._heading, self._path = heading, shown_path(path)
        self._draw()

    def _draw(self) -> None:
        width = self.content_region.width if self.size.width else 0
        if width <= 0:  # not laid out yet: drawn again on the first resize
            width = 10_000
        path = fitted_path(self._path, width)
        beside = len(self._heading) + 2 + len(path) <= width
        self.update(Text.assemble((self._heading, "bold"), "  " if beside else "\n", (path, "dim")))

    def on_resize(self) -> None:
        self._draw()
