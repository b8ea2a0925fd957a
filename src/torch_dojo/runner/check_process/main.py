"""The check process: import the learner's file, run the hidden checks, report events.

Two ways in, one behaviour: the cold path execs ``python -m torch_dojo.runner.check_process
SPEC``; the warm supervisor process, which imported torch and pytest once, forks and calls
``main``. Events go as JSON lines to a pipe of their own (``runner.events``); what the
learner's code prints goes to stdout, which the parent only ever shows, never parses.
Judged mode runs the same pytest session (``run_checks``) from ``runner.judged.judge``.
"""

from __future__ import annotations

import faulthandler
import importlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from torch_dojo.runner.check_process.explain import explain, known_hint
from torch_dojo.runner.check_process.launcher import end_launcher, fork_launcher
from torch_dojo.runner.check_process.learner_module import (
    import_failure,
    load_module,
    mentions_torch,
    threads_left_running,
    wind_down,
)
from torch_dojo.runner.check_process.plugin import CheckRun, DojoPlugin
from torch_dojo.runner.check_process.tamper import Guard
from torch_dojo.runner.check_process.warned import show_at_learners_line
from torch_dojo.runner.events import Emitter
from torch_dojo.runner.spec import CheckSpec

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


@dataclass
class Prepared:
    """A pytest session made ready in the warm supervisor process, before it forks; used once per fork."""

    config: Any  # pytest.Config: arguments parsed, plugins registered, configured
    session: Any  # pytest.Session, started: fixtures of every plugin known
    plugin: Any  # our DojoPlugin, waiting for its check (``bind``)


class _CheckBytecode:
    """While pytest collects (imports the checks), cache their bytecode in the supervisor's own
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
    try:
        from _pytest.config import ExitCode, _prepareconfig
        from _pytest.main import Failed, Session, _main

        Path(folder, "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        plugin = DojoPlugin()
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


def run(spec: CheckSpec, guard: Guard | None = None, prepared: Prepared | None = None) -> int:
    """Everything the check process does; returns its exit code.

    ``guard`` is the warm supervisor's snapshot, taken before any learner code ran; the
    cold path takes its own here. ``prepared``: the warm supervisor's pytest
    configuration, else pytest is configured here, by ``pytest.main``.
    """
    emit = Emitter(spec.events_fd, spec.key)
    faulthandler.enable(file=sys.stderr)  # a crash in C code shows where Python was
    learner_path = Path(spec.learner)
    sys.path.insert(0, str(learner_path.parent))  # the learner may import a helper beside it
    show_at_learners_line(learner_path)  # before the learner's file runs: it may warn on import
    pytest_main = pytest.main  # held before the learner's code could replace it
    if guard is None:
        if mentions_torch(learner_path, spec.checks):
            importlib.import_module("torch")  # first, so that replacing its functions is seen
        guard = Guard.snapshot()
    fork_launcher(spec)  # before the learner's file runs: no torch op has run here yet
    try:
        learner = load_module(learner_path, "learner")
    except BaseException as exc:  # SystemExit and KeyboardInterrupt at import too
        emit.fatal("error", import_failure(exc, explain(exc, learner_path)), known_hint(str(exc)))
        return 0
    _report_tampering(guard, emit, "import")
    check_run = CheckRun(learner_path, Path(spec.reference), list(spec.requires), emit, learner=learner,
                         watch_cuda=spec.watch_cuda)
    code = run_checks(spec, check_run, prepared, pytest_main)
    _report_tampering(guard, emit, "checks")
    threads = threads_left_running()
    if threads:
        emit.lingering(threads)
    emit.done(int(code))
    return 0


def run_checks(spec: CheckSpec, check_run: CheckRun, prepared: Prepared | None,
               pytest_main: Callable[..., Any] = pytest.main) -> int:
    """The exercise's checks under pytest, with our plugin bound to ``check_run``: pytest's exit code."""
    if prepared is not None:
        prepared.plugin.bind(check_run)
        return _run_prepared(prepared, spec.checks, pytest.__version__)
    Path(spec.workdir, "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return pytest_main(pytest_args(spec.checks, spec.workdir), plugins=[DojoPlugin(check_run)])


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
    end_launcher()
    wind_down(grace=0)
    os._exit(code)


def _report_tampering(guard: Guard, emit: Emitter, when: str) -> None:
    replaced = guard.changes()
    if replaced:
        emit.tampered(replaced, when)
        guard.restore()  # later checks judge with the real functions


Run = Callable[[CheckSpec, "Guard | None", "Prepared | None"], int]


def main(argv: list[str], guard: Guard | None = None, prepared: Prepared | None = None, *,
         run: Run = run) -> None:
    """Run the checks (``run``: this module's, or the judge's) and end the process (never returns).
    ``argv[1]``: the ``CheckSpec`` as JSON."""
    try:
        code = run(CheckSpec.from_json(argv[1]), guard, prepared)
    except BaseException:  # a fault of ours, or learner code that got past pytest
        import traceback

        traceback.print_exc()
        code = 1
    finish(code)
