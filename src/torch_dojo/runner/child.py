"""The check process: import the learner's file, run the hidden checks, report events.

Two ways in, one behaviour: the cold path execs ``python -m torch_dojo.runner.child SPEC``;
the warm worker (``runner.worker``), which imported torch and pytest once, forks and calls
``run(spec)``. Events go as JSON lines to a pipe of their own (``events_fd``); what the
learner's code prints goes to stdout, which the parent only ever shows, never parses.
"""

from __future__ import annotations

import atexit
import faulthandler
import importlib
import json
import os
import re
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PYTEST_ARGS = [
    "-p", "no:cacheprovider",  # nothing written next to the checks
    "-p", "no:terminal",  # the learner's output stays the learner's
    "-p", "no:warnings",
    "-p", "no:logging",  # the learner's log records go to stderr, as when they run the file
    # No gc.collect() at the end (slow with torch loaded), and plugins checks never use:
    # every plugin costs start-up time in each check.
    "-p", "no:unraisableexception", "-p", "no:threadexception", "-p", "no:unittest",
    "-p", "no:junitxml", "-p", "no:doctest", "-p", "no:pastebin", "-p", "no:stepwise",
    "-p", "no:setuponly", "-p", "no:setupplan", "-p", "no:legacypath", "-p", "no:debugging",
    "-p", "no:subtests",
    "-p", "no:faulthandler",  # run() enables it itself, on the output pipe
    "-s",  # the learner's prints go straight to our bounded stdout pipe
    "--import-mode=importlib",
]
THREAD_GRACE_SECONDS = 0.5  # for threads the learner started to finish after the last check
_MENTIONS_TORCH = re.compile(rb"\btorch\b(?![_-]dojo)")


@dataclass
class Prepared:
    """A pytest session made ready in the warm worker, before it forks; used once per fork."""

    config: Any  # pytest.Config: arguments parsed, plugins registered, configured
    session: Any  # pytest.Session, started: fixtures of every plugin known
    plugin: Any  # our DojoPlugin, waiting for its check (``bind``)


class _CheckBytecode:
    """While pytest collects (imports the checks), cache their bytecode in the worker's own
    folder: the next fork finds the assertion rewriting done. Never the learner's files: a
    file saved twice in one second must not run as its older self."""

    def __init__(self, folder: str):
        self._folder = folder

    @pytest.hookimpl(wrapper=True)
    def pytest_collection(self, session):
        before = sys.pycache_prefix, sys.dont_write_bytecode
        sys.pycache_prefix, sys.dont_write_bytecode = self._folder, False
        try:
            return (yield)
        finally:
            sys.pycache_prefix, sys.dont_write_bytecode = before


def pytest_args(checks: str, folder: str) -> list[str]:
    # An empty ini file of our own, so no pytest.ini, pyproject.toml or conftest.py of
    # whoever's folder changes how the checks run.
    return [checks, "-c", str(Path(folder) / "pytest.ini"), "--rootdir", folder, "--noconftest", *PYTEST_ARGS]


def prepare(folder: str) -> Prepared | None:
    """Do ahead what ``pytest.main`` does before it collects (some 30 ms of each check here):
    parse, register plugins, configure, start the session.

    Uses pytest's internals (those of ``pytest.main`` and ``wrap_session``): None when this
    pytest lacks them, and forked checks then call ``pytest.main`` as the cold path does.
    """
    from torch_dojo.runner.plugin import DojoPlugin

    try:
        from _pytest.config import ExitCode, _prepareconfig
        from _pytest.main import Failed, Session, _main

        Path(folder, "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        plugin = DojoPlugin(None, None, None, [], None)
        cache = _CheckBytecode(str(Path(folder) / "bytecode"))
        config = _prepareconfig(pytest_args(str(Path(folder) / "placeholder.py"), folder), [plugin, cache])
        if not (isinstance(getattr(config, "args", None), list) and callable(_main) and Failed):
            return None
        session = Session.from_config(config)
        session.exitstatus = ExitCode.OK
        config._do_configure()
        config.hook.pytest_sessionstart(session=session)
    except Exception:
        return None
    return Prepared(config, session, plugin)


class Emitter:
    def __init__(self, fd: int, key: str = ""):
        os.set_inheritable(fd, False)  # processes the learner starts cannot write here
        self._stream = os.fdopen(fd, "w", encoding="utf-8", buffering=1)
        self._token = key  # the parent reads only events that carry it

    def __call__(self, event: str, **fields: object) -> None:
        try:
            line = json.dumps({"event": event, **fields, "token": self._token})
        except (TypeError, ValueError):
            line = json.dumps({"event": event, **{k: repr(v) for k, v in fields.items()}, "token": self._token})
        self._stream.write(line + "\n")
        self._stream.flush()


def run(spec: dict, guard=None, prepared: Prepared | None = None) -> int:
    """Everything the check process does; returns its exit code.

    ``guard`` (a ``tamper.Guard``) is the warm worker's snapshot, taken before any learner
    code ran; the cold path takes its own here. ``prepared``: the warm worker's pytest
    configuration, else pytest is configured here, by ``pytest.main``. ``spec["judged"]``:
    the learner's file runs in a process of its own, never here (``runner.judge``).
    """
    if spec.get("judged"):
        from torch_dojo.runner import judge

        session = judge.start(spec)  # first: no torch op has run in this process yet
        return _run_judged(spec, session, prepared)
    emit = Emitter(spec["events_fd"], spec.get("key", ""))
    faulthandler.enable(file=sys.stderr)  # a crash in C code shows where Python was
    learner_path = Path(spec["learner"])
    sys.path.insert(0, str(learner_path.parent))  # the learner may import a helper beside it

    from torch_dojo.runner.explain import explain, known_hint
    from torch_dojo.runner.plugin import DojoPlugin, load_module
    from torch_dojo.runner.tamper import Guard

    pytest_main = pytest.main  # held before the learner's code could replace it
    if guard is None:
        if _mentions_torch(learner_path, spec["checks"]):
            importlib.import_module("torch")  # first, so that replacing its functions is seen
        guard = Guard.snapshot()
    try:
        learner = load_module(learner_path, "learner")
    except BaseException as exc:  # SystemExit and KeyboardInterrupt at import too
        emit("fatal", status="error",
             message=_import_failure(exc, explain(exc, learner_path)),
             hint=known_hint(str(exc)))
        return 0
    _report_tampering(guard, emit, "import")

    bound = (learner, learner_path, Path(spec["reference"]), spec["requires"], emit, bool(spec.get("watch_cuda")))
    if prepared is not None:
        prepared.plugin.bind(*bound)
        code = _run_prepared(prepared, spec["checks"], pytest.__version__)
    else:
        Path(spec["workdir"], "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        code = pytest_main(pytest_args(spec["checks"], spec["workdir"]), plugins=[DojoPlugin(*bound)])
    _report_tampering(guard, emit, "checks")
    threads = _threads_left_running()
    if threads:
        emit("lingering", threads=threads)
    emit("done", exit=int(code))
    return 0


def _run_judged(spec: dict, session, prepared: Prepared | None) -> int:
    emit = Emitter(spec["events_fd"], spec.get("key", ""))
    faulthandler.enable(file=sys.stderr)
    from torch_dojo.runner.plugin import DojoPlugin

    bound = (None, Path(spec["learner"]), Path(spec["reference"]), spec["requires"], emit, False, session)
    if prepared is not None:
        prepared.plugin.bind(*bound)
        code = _run_prepared(prepared, spec["checks"], pytest.__version__)
    else:
        Path(spec["workdir"], "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        code = pytest.main(pytest_args(spec["checks"], spec["workdir"]), plugins=[DojoPlugin(*bound)])
    session.finish(emit)
    emit("done", exit=int(code))
    return 0


def _run_prepared(prepared: Prepared, checks: str, version: str) -> int:
    """The rest of ``pytest.main`` (``wrap_session``) once the session has started."""
    import _pytest._code
    from _pytest.config import ExitCode
    from _pytest.main import Failed, _main
    from _pytest.outcomes import Exit

    config, session = prepared.config, prepared.session
    config.args = [checks]
    os.environ["PYTEST_VERSION"] = version
    try:
        try:
            session.exitstatus = _main(config, session) or 0
        except Failed:
            session.exitstatus = ExitCode.TESTS_FAILED
        except (KeyboardInterrupt, Exit):
            excinfo = _pytest._code.ExceptionInfo.from_current()
            config.hook.pytest_keyboard_interrupt(excinfo=excinfo)
            session.exitstatus = ExitCode.INTERRUPTED
        except BaseException:
            import traceback

            traceback.print_exc()
            session.exitstatus = ExitCode.INTERNAL_ERROR
    finally:
        try:
            config.hook.pytest_sessionfinish(session=session, exitstatus=session.exitstatus)
        except Exit:
            pass
        config._ensure_unconfigure()
    return int(session.exitstatus)


def finish(code: int) -> None:
    """End the check process at once: no waiting for threads the learner left running."""
    wind_down(grace=0)
    os._exit(code)


def wind_down(grace: float = THREAD_GRACE_SECONDS) -> list[str]:
    """What a normal exit does, short of waiting on the learner's threads: the atexit
    handlers (multiprocessing cleans up its workers) when no thread is left after
    ``grace``, then the output flushed. Returns the threads still running."""
    threads = _threads_left_running(grace)
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


def _report_tampering(guard, emit, when: str) -> None:
    replaced = guard.changes()
    if replaced:
        emit("tampered", names=replaced, when=when)
        guard.restore()  # later checks judge with the real functions


def _threads_left_running(grace: float = THREAD_GRACE_SECONDS) -> list[str]:
    deadline = time.monotonic() + grace
    left = []
    for thread in threading.enumerate():
        if thread is threading.main_thread() or thread.daemon:
            continue
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            left.append(thread.name)
    return left


def _mentions_torch(*paths: str | Path) -> bool:
    for path in paths:
        try:
            if _MENTIONS_TORCH.search(Path(path).read_bytes()):
                return True
        except OSError:
            pass
    return False


def _import_failure(exc: BaseException, explained: str) -> str:
    if isinstance(exc, SyntaxError):
        return explained
    if isinstance(exc, SystemExit):
        return ("Your file called sys.exit() while Python was loading it, so no check ran. "
                "Code at the top level runs on import: put it inside a function, or under "
                "`if __name__ == \"__main__\":`.")
    return ("Your file raised an error while Python was loading it, so no check ran. Code at "
            "the top level of the file runs on import:\n" + explained)


def main(argv: list[str], guard=None, prepared: Prepared | None = None) -> None:
    """Run the checks and end the process (never returns)."""
    try:
        code = run(json.loads(argv[1]), guard, prepared)
    except BaseException:  # a fault of ours, or learner code that got past pytest
        import traceback

        traceback.print_exc()
        code = 1
    finish(code)


if __name__ == "__main__":
    main(sys.argv)
