"""Warnings raised while the learner's code is judged, shown at the learner's line.

Python shows a warning at the line its ``stacklevel`` points to. For a warning raised in
torch's C++ code or deep in a library, that is often torch's own file or the hidden check's
(``…/checks/12_losses_optimizers.py:186: UserWarning``): a path the learner cannot act on,
of a file they should not see. Here a warning is shown at the learner's line: the one Python
named when it is in their file, else the innermost line of their file on the stack. With no
line of theirs on the stack, the check's own code warned, and it says so, without a path.

Warnings go where Python sends them, stderr: the learner's output, which the verdict shows.
"""

from __future__ import annotations

import linecache
import sys
import warnings
from pathlib import Path
from types import FrameType

from torch_dojo.runner.check_process.explain import same_file


def show_at_learners_line(learner_path: Path) -> None:
    """From now on, this process (and those it forks) shows warnings as ``described`` says."""
    mine: dict[str, bool] = {}  # filename -> is it the learner's file (each is compared once)

    def is_learners(filename: str) -> bool:
        if filename not in mine:
            mine[filename] = same_file(filename, learner_path)
        return mine[filename]

    def showwarning(message, category, filename, lineno, file=None, line=None):
        try:  # whatever fails here would fail the learner's code that warned: a warning is not worth that
            text = described(message, category, filename, lineno, is_learners, sys._getframe(1))
            (file or sys.stderr).write(text)
        except Exception:  # noqa: BLE001 - stderr closed or replaced, a message whose str() raises
            pass

    warnings.showwarning = showwarning


def described(message, category: type, filename: str, lineno: int, is_learners, frame: FrameType | None) -> str:
    """A warning as the learner reads it: what was warned, and the line of theirs it came from."""
    head = f"{category.__name__}: {message}"
    frames = []  # the learner's frames on the stack, innermost first
    while frame is not None:
        if is_learners(frame.f_code.co_filename):
            frames.append(frame)
        frame = frame.f_back
    if is_learners(filename):  # Python named the learner's line itself (``stacklevel``): it stands
        where = next((f for f in frames if f.f_lineno == lineno), None)
        return head + _at(filename, lineno, where.f_code.co_name if where else "") + "\n"
    if frames:
        return head + _at(frames[0].f_code.co_filename, frames[0].f_lineno, frames[0].f_code.co_name) + "\n"
    return f"{category.__name__} (from the check's own code, not from yours): {message}\n"


def _at(filename: str, lineno: int, function: str) -> str:
    inside = f", in {function}()" if function and not function.startswith("<") else ""
    code = linecache.getline(filename, lineno).strip()
    return f"\n  warned in your file, line {lineno}{inside}" + (f": {code}" if code else "")
