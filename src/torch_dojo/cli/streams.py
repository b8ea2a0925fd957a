"""The CLI's standard streams, made safe before any command runs.

Nothing here reads stdin, so the CLI runs the same with no terminal at all, and with stdin,
stdout or stderr closed, a console that cannot show UTF-8, or a current folder deleted.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

cwd_gone = False  # the current folder was deleted (or moved) under us: read as ``streams.cwd_gone``


class OutputError(OSError):
    """stdout could not be written (full, gone): not a problem with the learner's files."""


class Output:
    """stdout, whose write errors say they are stdout's (every other OSError is a file's)."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as err:
            raise OutputError(err.errno, err.strerror) from err

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as err:
            raise OutputError(err.errno, err.strerror) from err

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def guard() -> None:
    """Closed stdin, stdout or stderr (`<&-`, `>&-`) become /dev/null: no file we open can take
    their place, and nothing fails for writing to them. A console that cannot show a character
    gets '?' for it; write errors of stdout are told apart from those of the learner's files."""
    global cwd_gone
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))
    for stream in (sys.stdout, sys.stderr):
        if not utf8(stream) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if not isinstance(sys.stdout, Output) and not sys.stdout.isatty():  # the TUI writes to a terminal itself
        sys.stdout = Output(sys.stdout)
    try:
        os.getcwd()
        cwd_gone = False
    except OSError:  # deleted under us: work from a folder that exists (checks, doctor run processes)
        cwd_gone = True
        os.chdir(Path.home() if Path.home().is_dir() else "/")


def utf8(stream) -> bool:
    return (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def silence_stdout() -> None:
    """What stdout still buffers goes nowhere, so exiting does not fail on it again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass


def interactive() -> bool:
    """A person at a terminal (the workbook opens), not a pipe, CI or an editor's task runner."""
    return sys.stdin.isatty() and sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
