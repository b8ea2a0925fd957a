"""The learner's editor: $VISUAL, else $EDITOR, as a shell would split it ("code -w")."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path


class EditorError(Exception):
    """The editor is not set or could not start; the message says what to do."""


def command(file: Path) -> list[str]:
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:
                raise EditorError(f"${name} ({value!r}) has unbalanced quotes; fix it in your shell.") from None
            if not shutil.which(words[0]):
                raise EditorError(f"${name} names {words[0]!r}, which is not on your PATH: install it, or set "
                                  f"${name} to an editor you have, or open {file} in any editor: every save is "
                                  "checked.")
            return [*words, str(file)]
    raise EditorError(f"Set $EDITOR (for example `export EDITOR=nano`) to open files from here, "
                      f"or open {file} in any editor: every save is checked.")


def edit(file: Path) -> int:
    """Run the editor on ``file`` in this terminal and wait for it; its exit code."""
    return run(command(file))


def run(words: list[str]) -> int:
    """Run an editor's ``command`` in this terminal and wait for it; its exit code."""
    try:
        return subprocess.call(words)
    except OSError as err:
        raise EditorError(f"The editor could not start: {err.strerror or err}.") from None


def edit_in(app, file: Path) -> tuple[bool, str]:
    """Hand the terminal of ``app`` (a Textual app) to the editor on ``file`` and wait for it.

    Returns whether the editor had the terminal, and what went wrong, in words ("" when
    nothing did). The editor is found before the terminal is handed over, and whatever happens
    while it runs, the terminal comes back (Textual's suspend() does not resume after an exception)."""
    failed: BaseException | None = None
    code = 0
    try:
        words = command(file)
        with app.suspend():
            try:
                code = run(words)
            except (Exception, KeyboardInterrupt) as err:
                failed = err
    except EditorError as err:  # found before the terminal was handed over: it never was
        return False, str(err)
    except Exception as err:  # SuspendNotSupported and the like (e.g. in a web terminal)
        return False, f"Cannot open an editor from here ({err}). Open {file} in any editor; every save is checked."
    if failed is None and code != 0:
        return True, (f"The editor ({' '.join(words[:-1])}) stopped with exit code {code}. Your file is checked as "
                      f"it is on disk; if the editor did not open, set $EDITOR to one that does, or open {file} "
                      "in any editor: every save is checked.")
    if failed is None:
        return True, ""
    return True, str(failed) if isinstance(failed, EditorError) else f"The editor stopped: {failed!r}."

