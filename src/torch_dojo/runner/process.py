"""Run a check process under limits and collect what it said.

The only place that starts processes that run learner code. Each runs under a
supervisor process (``runner.supervisor_process``, driven through ``runner.supervisor``):
a fresh one for a cold check, the warm one for a warm check. Either way the check process gets stdin
closed, its own session, a pipe for events and a pipe for its output, of which only a
bounded tail is kept; and this module watches the time limit, the memory limit (the
resident memory of every process under the supervisor) and cancelling, with the same
code. Every process the check started is ended when it is done, also those that left
its process group: the supervisor is their subreaper.
"""

from __future__ import annotations

import collections
import os
import secrets
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import psutil

from torch_dojo.runner.events import Reader
from torch_dojo.runner.spec import CheckSpec
from torch_dojo.runner.supervisor import Supervisor

OUTPUT_LIMIT = 64 * 1024  # characters of output kept (the tail)
POLL_SECONDS = 0.02
GRACE_SECONDS = 1.0  # between SIGTERM and SIGKILL


@dataclass
class ChildOutcome:
    events: list[dict]
    output: str
    output_truncated: bool
    returncode: int | None
    ended_by: str  # "exit", "timeout", "memory" or "cancelled"
    duration: float
    started: bool = True  # False: the supervisor never started the check process
    supervisor_lost: bool = False  # the supervisor died while the check ran (killed by it?)
    leftovers: list[str] = field(default_factory=list)  # processes still running after it ended


class _Tail:
    """Keeps the last ``limit`` bytes read from a pipe, and whether anything was cut."""

    def __init__(self, fd: int, limit: int):
        self._fd, self._limit = fd, limit
        self._chunks: collections.deque[bytes] = collections.deque()
        self._size = 0
        self.cut = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with os.fdopen(self._fd, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                self._chunks.append(chunk)
                self._size += len(chunk)
                while self._size - len(self._chunks[0]) >= self._limit:
                    self._size -= len(self._chunks.popleft())
                    self.cut = True

    def text(self) -> str:
        data = b"".join(self._chunks)
        if len(data) > self._limit:
            data, self.cut = data[-self._limit:], True
        return data.decode("utf-8", errors="replace")


def child_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    package_parent = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH", "")) if p)
    env.update({
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",  # no __pycache__ in the learner's folder
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",  # only our plugin, whatever else is installed
        "PYTHONIOENCODING": "utf-8",
    })
    # OpenMP's threads sleep as soon as their work is done, instead of spinning for it a while:
    # in judged mode the judge and the learner's process take turns, and threads spinning in
    # the one that waits take the cores from the one that works (check 10 judged: 183 ms
    # spinning, 111 ms passive, on 2 cores). Grading's parallel jobs gain the same way.
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    env.update(extra or {})
    return env


def run_child(module: str, spec: CheckSpec, *, cwd: Path, time_limit: float, memory_limit_mb: float,
              env: dict[str, str] | None = None, cancelled: Callable[[], bool] | None = None,
              supervisor: Supervisor | None = None) -> ChildOutcome:
    """Run ``python -m module SPEC`` (cold), or fork it from the warm ``supervisor``.

    The supervisor process fills in ``spec.events_fd`` for the child. ``cancelled`` is asked while waiting:
    when it says yes (a newer save in the TUI), the child and everything it started are
    ended at once.
    """
    start = time.monotonic()
    own = supervisor is None
    if own:
        supervisor = Supervisor(warm=False, env=child_environment(env))
    events_r, events_w = os.pipe()
    output_r, output_w = os.pipe()
    key = secrets.token_hex(16)  # code that writes fake events to file descriptors it guesses lacks it
    try:
        request = {"op": "run", "module": module, "spec": spec.with_key(key).to_json(), "cwd": str(cwd)}
        supervisor.send(request, (events_w, output_w))
    finally:
        os.close(events_w)
        os.close(output_w)
    events, tail = Reader(events_r, key), _Tail(output_r, OUTPUT_LIMIT)
    check = _Check(supervisor)
    ended_by, family, leftovers, ended = "exit", {}, [], False
    limit_bytes = memory_limit_mb * 1024 * 1024
    try:
        while check.running():
            if time.monotonic() - start > time_limit:
                ended_by = "timeout"
                break
            if _family_rss(supervisor.pid, family) > limit_bytes:
                ended_by = "memory"
                break
            if cancelled is not None and cancelled():
                ended_by = "cancelled"
                break
            check.wait(POLL_SECONDS)
        duration = time.monotonic() - start
        if ended_by == "exit" and check.started:
            leftovers = _still_running(supervisor.pid, family)
        _end_all(check, supervisor, family)
        ended = True
    finally:
        if not ended:  # interrupted here (Ctrl-C): the check still ends, with all it started
            _end_all(check, supervisor, family)
        if own or not supervisor.alive():
            supervisor.close()
    events.thread.join(timeout=2)
    tail.thread.join(timeout=2)
    return ChildOutcome(events=list(events.events), output=tail.text(), output_truncated=tail.cut,
                        returncode=check.returncode, ended_by=ended_by, duration=duration,
                        started=check.started, supervisor_lost=check.lost, leftovers=leftovers)


class _Check:
    """The check process as its supervisor reports it: started, then exited (or lost)."""

    def __init__(self, supervisor: Supervisor):
        self._supervisor = supervisor
        self.pid: int | None = None
        self.returncode: int | None = None
        self.started = False
        self.lost = False

    def running(self) -> bool:
        self.wait(0)
        return self.returncode is None and not self.lost

    def wait(self, seconds: float) -> None:
        """Take what the supervisor says, waiting at most ``seconds`` for a first word."""
        timeout = seconds
        while self.returncode is None and not self.lost:
            message = self._supervisor.receive(timeout)
            if message is None:
                self.lost = not self._supervisor.alive()
                return
            op = message.get("op")
            if op == "started":
                self.pid, self.started = int(message["pid"]), True
            elif op == "exited":
                self.returncode = int(message["returncode"])
            elif op == "error":
                self.lost = True
            timeout = 0


def _family_rss(root: int, family: dict[int, psutil.Process]) -> float:
    """Resident memory of every process under the supervisor; remembers everyone seen."""
    total = 0.0
    for member in _descendants(root, family):
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def _descendants(root: int, family: dict[int, psutil.Process]) -> list[psutil.Process]:
    """Every process under ``root`` now; remembers each in ``family``."""
    pids = _descendant_pids(root)
    if pids is None:  # no /proc/PID/task/TID/children here: ask psutil (it reads all of /proc)
        try:
            pids = [p.pid for p in psutil.Process(root).children(recursive=True)]
        except psutil.Error:
            pids = []
    members = []
    for pid in pids:
        member = family.get(pid)
        if member is None:
            try:
                member = family[pid] = psutil.Process(pid)
            except psutil.Error:
                continue
        members.append(member)
    return members


def _descendant_pids(root: int) -> list[int] | None:
    """Linux: walk the children lists, which costs as much as the family is big."""
    found: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{pid}/task/{task}/children") as listing:
                    children = [int(c) for c in listing.read().split()]
            except FileNotFoundError:
                if pid == root and not os.path.exists(f"/proc/{pid}/task/{task}/children"):
                    return None
                continue
            except OSError:
                continue
            found += children
            todo += children
    return found


def _still_running(root: int, family: dict[int, psutil.Process]) -> list[str]:
    """The processes the check left running when it ended on its own (their names)."""
    _descendants(root, family)
    names = []
    for member in family.values():
        if _running(member):
            try:
                names.append(member.name())
            except psutil.Error:
                names.append(str(member.pid))
    return names


def _end_all(check: _Check, supervisor: Supervisor, family: dict[int, psutil.Process]) -> None:
    """End the check process, its group, and everything under the supervisor; reap them all."""
    _descendants(supervisor.pid, family)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not check.running() and not _alive(family):
            break
        if check.pid is not None and check.running():  # its pid (= group id) is not reused yet
            try:
                os.killpg(check.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
        for member in family.values():
            try:
                member.send_signal(sig)
            except psutil.Error:
                pass
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and (check.running() or _alive(family)):
            check.wait(POLL_SECONDS)
            _descendants(supervisor.pid, family)
    supervisor.clean()


def _alive(family: dict[int, psutil.Process]) -> bool:
    return any(_running(member) for member in family.values())


def _running(member: psutil.Process) -> bool:
    try:
        return member.is_running() and member.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
