"""Whose a check that did not pass is down to: the learner's code, or the check's own bug.

The learner's: their code raised (a frame of their file in the traceback; judged, an error
that came back from their process; an error the check anticipated with ``hint_on``), it
returned a wrong value (``CheckFailure``, ``AssertionError``), or it is not written yet.
The check's: the check file's own code (or a library it called) raised with no frame of the
learner's, and it crashes again with the reference solution in the learner's place (the
plugin tries that); or the reference solution itself does not load. A learner is never told "not your fault" for a value of
theirs that a check tripped over (a ``None`` where a tensor was due), and never blamed for a
check that cannot run at all.
"""

from __future__ import annotations

import contextlib
import io
import traceback
from pathlib import Path
from typing import Any

from torch_dojo.verdict import NOT_YOUR_FAULT  # noqa: F401 - the hint of a check blamed so
from torch_dojo.runner.check_process.explain import same_file

LEARNER = "learner"
CHECK = "check"


class ReferenceBroken(Exception):
    """The exercise's reference solution could not be loaded: no check that uses it can judge."""

    def __init__(self, error: BaseException, path: Path | None):
        super().__init__(f"{type(error).__name__}: {error}")
        self.error = error
        self.path = path


def learner_raised(exc: BaseException, learner_path: Path | None) -> bool:
    """Whether the learner's code raised ``exc`` (or the error it was raised while handling)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if hasattr(exc, "_dojo_frames") or getattr(exc, "dojo_hint", ""):
            return True  # judged: it came from the learner's process; or the check saw it coming
        if any(same_file(frame.f_code.co_filename, learner_path) for frame, _ in traceback.walk_tb(exc.__traceback__)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def passes_with(item: Any, learner: Any, learner_path: Path | None) -> bool:
    """Run a pytest check once more, its ``learner`` and ``learner_path`` fixtures replaced
    (the reference solution): one that passes so tripped over what the learner's code gave
    it (a ``None`` where a list was due, a function called with arguments it does not take),
    which is the learner's to fix; one that crashes again has a bug of its own. Fixtures
    built from the learner's code stay as they were; what it prints is dropped."""
    funcargs = getattr(item, "funcargs", None)
    if not isinstance(funcargs, dict) or not hasattr(item, "runtest"):
        return False
    saved = dict(funcargs)
    if "learner" in funcargs:
        funcargs["learner"] = learner
    if "learner_path" in funcargs:
        funcargs["learner_path"] = learner_path
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            item.runtest()
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001 - whatever it raises, it raises on the right answer too
        return False
    finally:
        funcargs.clear()
        funcargs.update(saved)
    return True


def check_crashed(exc: BaseException, check_file: Path) -> str:
    """What a learner reads when the check's own code raised: that the check failed, where
    (``checks/NN_x.py``, line) and what it raised."""
    return (f"The check itself failed, not your code: {_where(exc, check_file)} raised "
            f"{_raised(exc)}.")


def reference_broken(exc: ReferenceBroken, check_file: Path) -> str:
    error = exc.error
    root = check_file.parent.parent  # checks/ and solutions/ sit side by side in the pack
    where = ""
    if isinstance(error, SyntaxError) and error.filename and exc.path and same_file(error.filename, exc.path):
        where = f" ({_relative(Path(error.filename), root)}, line {error.lineno})"
    elif exc.path is not None:
        inside = [f for f in traceback.extract_tb(error.__traceback__) if same_file(f.filename, exc.path)]
        where = f" ({_relative(exc.path, root)}, line {inside[-1].lineno})" if inside else \
            f" ({_relative(exc.path, root)})"
    return (f"The check itself failed, not your code: the exercise's reference solution{where} "
            f"could not be loaded ({_raised(error)}), so this check cannot compare your file with it.")


def _where(exc: BaseException, check_file: Path) -> str:
    """The innermost frame of the pack's checks folder (the check file, or a helper beside it)."""
    root = check_file.parent.parent
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _inside(f.filename, check_file.parent)]
    if not frames:
        return f"the code of {_relative(check_file, root)}"
    frame = frames[-1]
    line = (frame.line or "").strip()
    shown = f": `{line}`" if line else ""
    return f"{_relative(Path(frame.filename), root)}, line {frame.lineno} (in {frame.name}{shown}),"


def _raised(exc: BaseException) -> str:
    text = str(exc).strip()
    if len(text) > 400:
        text = text[:399] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _inside(filename: str, folder: Path) -> bool:
    try:
        return Path(filename).resolve().parent == folder.resolve()
    except OSError:
        return False


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return Path(path).name
