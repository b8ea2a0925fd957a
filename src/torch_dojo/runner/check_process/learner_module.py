"""The learner's code in this process: load their file, say why it did not load, wind down.

Used by the check process (``runner.check_process.main``), by the learner's process of
judged mode (``runner.judged.learner_server``) and by each torchrun rank
(``runner.check_process.rank``): the same file loads the same way, and fails with the
same words, wherever it runs.
"""

from __future__ import annotations

import atexit
import importlib.util
import io
import re
import sys
import threading
import time
import tokenize
from pathlib import Path
from types import ModuleType
from typing import Any

from torch_dojo.testing.compare import CheckFailure

THREAD_GRACE_SECONDS = 0.5  # for threads the learner started to finish after the last check
_MENTIONS_TORCH = re.compile(rb"\btorch\b(?![_-]dojo)")


def load_module(path: Path, name: str) -> ModuleType:
    """Import a file as a module called ``name`` (not ``__main__``: scripts' guards hold).

    The source is decoded as strictly as ``python FILE`` does (importlib alone lets bytes
    that are not UTF-8 pass in comments), and no bytecode is cached: a file saved twice in
    one second must never run as its older self.
    """
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        code = compile(_source(Path(path)), str(path), "exec", dont_inherit=True)
        exec(code, module.__dict__)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def _source(path: Path) -> str:
    data = path.read_bytes()
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        line_number = data.count(b"\n", 0, err.start) + 1
        line = data.split(b"\n")[line_number - 1].decode("utf-8", errors="replace")
        raise SyntaxError(f"Non-UTF-8 code starting with '\\x{data[err.start]:02x}'; save the file as UTF-8",
                          (str(path), line_number, None, line)) from None
    except SyntaxError as err:  # an encoding declaration Python does not know
        err.filename = str(path)
        raise


class MissingName(CheckFailure, AttributeError):
    """A name the exercise asks for is not in the learner's file (hasattr() still works)."""


def missing_name(name: str, path: Path) -> MissingName:
    return MissingName(
        f"Your file defines no `{name}`, and the exercise asks for it.",
        f"Define `{name}` at the top level of {path.name} (not inside another "
        "function), spelled exactly as in the task.",
    )


class Learner:
    """The learner's module, where a missing name fails the check with a clear message."""

    __slots__ = ("_module", "_path")

    @property
    def __dict__(self) -> dict:  # monkeypatch reads and restores entries here: the module's
        return vars(self._module)

    def __init__(self, module: ModuleType, path: Path):
        object.__setattr__(self, "_module", module)
        object.__setattr__(self, "_path", path)

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self._module, name)
        except AttributeError:
            raise missing_name(name, self._path) from None

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._module, name, value)

    def __repr__(self) -> str:  # as pytest explains an assert: "where … = <your file add.py>.add"
        return f"<your file {self._path.name}>"

    def __delattr__(self, name: str) -> None:
        delattr(self._module, name)


def wind_down(grace: float = THREAD_GRACE_SECONDS) -> list[str]:
    """What a normal exit does, short of waiting on the learner's threads: the atexit
    handlers (multiprocessing cleans up its workers) when no thread is left after
    ``grace``, then the output flushed. Returns the threads still running."""
    threads = threads_left_running(grace)
    if not threads:
        try:
            atexit._run_exitfuncs()
        except BaseException:
            pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    return threads


def threads_left_running(grace: float = THREAD_GRACE_SECONDS) -> list[str]:
    """The learner's threads still running after ``grace`` seconds (their names)."""
    deadline = time.monotonic() + grace
    left = []
    for thread in threading.enumerate():
        if thread is threading.main_thread() or thread.daemon:
            continue
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            left.append(thread.name)
    return left


def mentions_torch(*paths: str | Path) -> bool:
    """Whether a file names torch (then it is imported first, so that replacing its functions is seen)."""
    for path in paths:
        try:
            if _MENTIONS_TORCH.search(Path(path).read_bytes()):
                return True
        except OSError:
            pass
    return False


def import_failure(exc: BaseException, explained: str) -> str:
    """What a learner reads when their file did not import (``explained``: ``explain(exc)``)."""
    if isinstance(exc, SyntaxError):
        return explained
    if isinstance(exc, SystemExit):
        return ("Your file called sys.exit() while Python was loading it, so no check ran. "
                "Code at the top level runs on import: put it inside a function, or under "
                "`if __name__ == \"__main__\":`.")
    return ("Your file raised an error while Python was loading it, so no check ran. Code at "
            "the top level of the file runs on import:\n" + explained)
