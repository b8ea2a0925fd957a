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
                raise EditorError(f"${name} names {words[0]!r}, which is not on your PATH.")
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
