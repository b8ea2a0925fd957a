"""The judge: a check process that never imports the learner's file (judged mode).

``python -m torch_dojo.runner.judged SPEC`` (cold), or forked from the warm supervisor
process: ``run`` forks the learner's process first (``start``), hardens itself, then runs
the checks under pytest as the check process does (``check_process.main.run_checks``),
the plugin asking the learner's code through the ``Session``. What this protects, and
what it does not: ``runner.judged``.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import socket
import sys
from pathlib import Path

from torch_dojo.runner.check_process.launcher import fork_launcher
from torch_dojo.runner.check_process.main import Prepared, run_checks
from torch_dojo.runner.check_process.warned import show_at_learners_line
from torch_dojo.runner.check_process.plugin import CheckRun
from torch_dojo.runner import confinement
from torch_dojo.runner.events import Emitter
from torch_dojo.runner.isolation import (
    LEARNER_NAME,
    die_with,
    drop_capabilities,
    fork,
    how_it_ended,
    name_process,
    reap,
    set_dumpable,
)
from torch_dojo.runner.spec import CheckSpec

REAP_SECONDS = 1.0


def run(spec: CheckSpec, guard=None, prepared: Prepared | None = None) -> int:
    """Everything the judge does; returns its exit code (``guard``: unused, nothing of the
    learner's runs here)."""
    show_at_learners_line(Path(spec.learner))  # here and in the learner's process, forked next
    session = start(spec)  # first: no torch op has run in this process yet
    emit = Emitter(spec.events_fd, spec.key)
    faulthandler.enable(file=sys.stderr)
    check_run = CheckRun(Path(spec.learner), Path(spec.reference), list(spec.requires), emit, judged=session)
    code = run_checks(spec, check_run, prepared)
    session.finish(emit)
    emit.done(int(code))
    return 0


def harden() -> None:
    """Make this process non-dumpable: code of the learner's cannot ptrace it or read its
    memory and file descriptors (``runner.check`` does the same for the process that asks
    for a judged check)."""
    set_dumpable(False)


def start(spec: CheckSpec) -> "Session":
    """Fork the learner's process (which waits for ``Session.go``) and ready the judge."""
    judge_end, learner_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    # Under root: no capability for the learner's process, nor for anything the judge starts
    # (torchrun's ranks run the learner's file), so that non-dumpable keeps them out.
    drop_capabilities()
    pid = fork(lambda judge: _become_learner(judge, judge_end, learner_end, spec) or 70)  # never returns
    learner_end.close()
    fork_launcher(spec)  # for torchrun's launches: as the learner's process, before the judge reads anything
    harden()
    confinement.remember(spec.confinement)  # for torchrun (testing.run_torchrun) and messages
    return Session(pid, judge_end, spec)


def _become_learner(judge: int, judge_end: socket.socket, learner_end: socket.socket, spec: CheckSpec) -> None:
    die_with(judge)
    name_process(LEARNER_NAME)
    set_dumpable(True)  # its own, as any process the learner runs
    os.close(judge_end.detach())
    try:
        os.close(spec.events_fd)  # the verdict's channel is the judge's alone
    except OSError:
        pass
    try:  # before the learner's file is imported; fails closed: the file is then never run
        confinement.enter(spec.confinement)
        refused = ""
    except Exception as err:  # noqa: BLE001 - whatever the kernel or binding says, said as the grader's
        refused = confinement.not_entered(err)
    from torch_dojo.runner.judged import learner_server

    learner_server.serve(learner_end, spec, refused=refused)


class Session:
    """The judge's handle on the learner's process, for the plugin and ``run``."""

    def __init__(self, pid: int, sock: socket.socket, spec: CheckSpec):
        from torch_dojo.runner.judged.client import Client, RemoteLearner

        self.pid = pid
        self.path = Path(spec.learner)
        self.client = Client(sock, spec.learner)
        self.client.on_lost = self._lost
        self.learner = RemoteLearner(self.client, self.path)
        self.client._learner = self.learner
        self.running = ""  # the check running now (the plugin says)
        self.started = False  # the learner's file was imported
        self.lost_message = ""
        self.reported = False
        self.returncode: int | None = None
        _no_cached_checks()
        cwd = os.getcwd()
        sys.path[:] = [p for p in sys.path if p not in ("", ".", cwd, str(self.path.parent))]

    def go(self) -> tuple[str, str] | None:
        """Let the learner's process import the file: None, or (message, hint) when it failed."""
        from torch_dojo.runner.judged.client import LearnerImportFailed, LearnerLost

        try:
            self.client.request("go")
        except LearnerImportFailed as failed:
            return failed.args[0], failed.args[1]
        except LearnerLost as lost:
            return str(lost), ""
        self.started = True
        return None

    def end_check(self) -> None:
        """Forget the pairs of the check that ended (the learner's process, with the next request)."""
        self.client.end_check()

    def report(self, emit) -> None:
        """Say (once) that the learner's process was lost: the verdict cannot pass."""
        if self.client.lost and not self.reported:
            self.reported = True
            emit.learner_lost(self.lost_message, self.running)

    def finish(self, emit) -> None:
        """Threads the learner's code left running, then end its process."""
        from torch_dojo.runner.judged.client import LearnerLost

        threads = []
        if not self.client.lost and self.started:
            try:
                threads = self.client.request("finish")
            except (LearnerLost, Exception):  # noqa: BLE001
                threads = []
        if isinstance(threads, list) and threads:
            emit.lingering([str(t)[:100] for t in threads[:20]])
        self.report(emit)
        self._end()

    def _end(self) -> str:
        """End the learner's process (if it still runs) and reap it: how it ended."""
        if self.returncode is None:
            try:
                status = reap(self.pid, REAP_SECONDS)
            except ChildProcessError:
                self.returncode = -1
                return how_it_ended(self.returncode)
            if status is None:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                os.waitpid(self.pid, 0)
                return "it stopped answering and was ended"
            self.returncode = os.waitstatus_to_exitcode(status)
        return how_it_ended(self.returncode)

    def _lost(self, problem: str | None) -> tuple[str, str]:
        """(the message for the check that lost it, the one for every later check)."""
        if problem:
            try:
                os.kill(self.pid, signal.SIGKILL)  # what it sends next cannot be trusted either
            except ProcessLookupError:
                pass
        how = self._end()
        during = f" during the check '{self.running}'" if self.running else ""
        if problem:
            self.lost_message = (
                f"Your code's process sent the checks something that cannot be read safely{during} "
                f"({problem[:200]}), so this run does not count. The checks take plain values from "
                "your code: numbers, strings, lists, dicts, tensors, arrays, objects.")
        elif not self.started:
            self.lost_message = (
                f"Your file ended Python itself while it was being loaded ({how}), so no check ran: "
                "os._exit(), a crash inside a C extension, or a signal. Code at the top level runs "
                "on import: put it inside a function.")
        else:
            self.lost_message = (
                f"Your code's process ended early{during} ({how}). Your code ended Python itself: "
                "os._exit(), a crash inside a C extension, or a signal. A function should return its "
                "result and let the checks go on.")
        later = f"Not run: your code's process ended{during}, so nothing more could be asked of it."
        return self.lost_message, later


def _no_cached_checks() -> None:
    """pytest reads a check file's rewritten bytecode from a cache beside it (or in the warm
    warm supervisor's folder) when one is there: a learner's code could have written it. Here the
    checks are always compiled from their source."""
    try:
        from _pytest.assertion import rewrite

        if callable(getattr(rewrite, "_read_pyc", None)):
            rewrite._read_pyc = lambda *args, **kwargs: None
    except ImportError:
        pass

