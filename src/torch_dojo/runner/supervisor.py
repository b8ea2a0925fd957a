"""The main process's side of a supervisor process (``runner.supervisor_process``): start it, ask, listen.

A cold check starts a supervisor of its own and closes it afterwards; the warm runner
keeps one, booted with ``warm=True``, for many checks. One check at a time per
supervisor: the caller serialises (``runner.warm`` holds a lock).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

from torch_dojo.runner import supervisor_process
from torch_dojo.runner.channel import Channel

CLEAN_TIMEOUT = 10.0  # the supervisor gives up cleaning after 5 s itself


class Supervisor:
    def __init__(self, *, warm: bool, env: dict[str, str]):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", supervisor_process.__name__, str(theirs.fileno()),
                 *(["--warm"] if warm else [])],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, env=env, start_new_session=True, cwd=tempfile.gettempdir(),
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.warm = warm
        self.started_at = time.monotonic()
        self.ready = False
        self.preloaded = False  # warm: what torch imports lazily is imported too (``warmup.later``)
        self.lost = False  # the supervisor died, or the channel closed
        self._channel = Channel(ours)
        self._closing = threading.Event()

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return not self.lost and self.process.poll() is None

    def send(self, message: dict, fds: tuple[int, ...] = ()) -> bool:
        if self.lost:
            return False
        try:
            self._channel.send(message, fds)
            return True
        except EOFError:
            self.lost = True
            return False

    def receive(self, timeout: float | None) -> dict | None:
        """The next message (``ready`` and ``preloaded`` are noted and passed on); None when none
        came or the supervisor is lost."""
        if self.lost:
            return None
        try:
            got = self._channel.receive(timeout)
        except (EOFError, ValueError):
            self.lost = True
            return None
        if got is None:
            return None
        message, fds = got
        for fd in fds:  # nothing should come this way
            os.close(fd)
        if message.get("op") == "ready":
            self.ready = True
        elif message.get("op") == "preloaded":
            self.preloaded = True
        return message

    def wait_ready(self, timeout: float, cancelled=None) -> bool:
        deadline = time.monotonic() + timeout
        while not self.ready and not self.lost and time.monotonic() < deadline:
            if cancelled is not None and cancelled():
                return False
            self.receive(min(0.05, max(0.0, deadline - time.monotonic())))
        return self.ready

    def wait_preloaded(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self.preloaded and not self.lost and time.monotonic() < deadline:
            self.receive(min(0.05, max(0.0, deadline - time.monotonic())))
        return self.preloaded

    def clean(self) -> None:
        """Ask the supervisor to kill and reap whatever the last check left; wait for it."""
        if not self.send({"op": "clean"}):
            return
        deadline = time.monotonic() + CLEAN_TIMEOUT
        while time.monotonic() < deadline:
            message = self.receive(max(0.0, deadline - time.monotonic()))
            if message is None or message.get("op") == "cleaned":
                return

    def close(self) -> None:
        """End the supervisor (it kills and reaps its children first); nothing stays running."""
        if self._closing.is_set():
            return
        self._closing.set()
        self._channel.close()  # end of file: the supervisor cleans up and exits
        try:
            self.process.wait(timeout=CLEAN_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.lost = True
