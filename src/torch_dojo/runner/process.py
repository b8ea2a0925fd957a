"""Start a child process under limits and collect what it said.

The only place that starts processes that run learner code. The child gets stdin closed,
its own session (so the whole group can be ended), a pipe for events and a pipe for its
output, of which only a bounded tail is kept. Every process the child started is ended
when it is done, also those that left its process group.
"""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import psutil

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


class _Events:
    def __init__(self, fd: int):
        self._fd = fd
        self.events: list[dict] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with os.fdopen(self._fd, "r", encoding="utf-8", errors="replace") as pipe:
            for line in pipe:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict):
                    self.events.append(event)


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
    env.update(extra or {})
    return env


def run_child(module: str, spec: dict, *, cwd: Path, time_limit: float, memory_limit_mb: float,
              env: dict[str, str] | None = None, cancelled: Callable[[], bool] | None = None) -> ChildOutcome:
    """Run ``python -m module SPEC`` with ``spec['events_fd']`` filled in; wait within limits.

    ``cancelled`` is asked while waiting: when it says yes (a newer save in the TUI), the
    child and everything it started are ended at once.
    """
    events_r, events_w = os.pipe()
    output_r, output_w = os.pipe()
    spec = {**spec, "events_fd": events_w}
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", module, json.dumps(spec)],
            stdin=subprocess.DEVNULL, stdout=output_w, stderr=output_w, pass_fds=(events_w,),
            cwd=cwd, env=child_environment(env), start_new_session=True,
        )
    finally:
        os.close(events_w)
        os.close(output_w)
    events, tail = _Events(events_r), _Tail(output_r, OUTPUT_LIMIT)
    ended_by, family = "exit", {}
    limit_bytes = memory_limit_mb * 1024 * 1024
    while proc.poll() is None:
        if time.monotonic() - start > time_limit:
            ended_by = "timeout"
            break
        if _family_rss(proc.pid, family) > limit_bytes:
            ended_by = "memory"
            break
        if cancelled is not None and cancelled():
            ended_by = "cancelled"
            break
        time.sleep(POLL_SECONDS)
    duration = time.monotonic() - start
    _end_all(proc, family)
    events.thread.join(timeout=2)
    tail.thread.join(timeout=2)
    return ChildOutcome(events=list(events.events), output=tail.text(), output_truncated=tail.cut,
                        returncode=proc.returncode, ended_by=ended_by, duration=duration)


def _family_rss(pid: int, family: dict[int, psutil.Process]) -> float:
    """Resident memory of the child and all its descendants; remembers everyone seen."""
    total = 0.0
    try:
        root = psutil.Process(pid)
        members = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    for member in members:
        family.setdefault(member.pid, member)
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def _end_all(proc: subprocess.Popen, family: dict[int, psutil.Process]) -> None:
    """End the child, its process group, and every descendant ever seen; reap them all."""
    try:
        root = psutil.Process(proc.pid)
        for member in root.children(recursive=True):
            family.setdefault(member.pid, member)
    except psutil.Error:
        pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None and not _alive(family, proc.pid):
            break
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        for member in family.values():
            try:
                member.send_signal(sig)
            except psutil.Error:
                pass
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and (proc.poll() is None or _alive(family, proc.pid)):
            time.sleep(POLL_SECONDS)
    proc.wait()


def _alive(family: dict[int, psutil.Process], skip: int) -> bool:
    return any(_running(member) for pid, member in family.items() if pid != skip)


def _running(member: psutil.Process) -> bool:
    try:
        return member.is_running() and member.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
