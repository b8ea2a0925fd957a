"""Every event a check process sends the main process: the kinds, their fields, the line.

A check process (``runner.check_process``; judged, ``runner.judged``) says what happens
as JSON lines on a pipe of its own, each ``{"event": KIND, ...fields, "token": KEY}``;
``runner.process`` keeps those that carry this run's key (``Reader``) and
``runner.conclusion`` turns them into the verdict. The kinds, in the order they come:

- ``fatal``: no check can run (the learner's file does not import, the checks do not
  load, judged: the learner's process failed): ``status``, ``message``, ``hint``;
- ``tampered``: the learner's code replaced what the checks judge with (``names``,
  ``when``: "import" or "checks");
- ``collected``: every check, in order (``names``), and their ``@points`` (``points``);
- ``start``: a check begins (``name``);
- ``data``: ``record(key, value)`` of a check, or ``TOUCHED_CUDA`` (``key``, ``value``);
- ``check``: a check's result (``CheckResult.to_json()``'s fields);
- ``interrupted``: KeyboardInterrupt or ``pytest.exit()`` ended the run (``error``);
- ``lingering``: threads the learner's code left running (``threads``);
- ``learner_lost``: judged, the learner's process ended or sent what cannot be read
  (``message``, ``check``);
- ``done``: the run ended as it should (``exit``: pytest's exit code).

Standard library only: both sides import it.
"""

from __future__ import annotations

import json
import os
import threading

COLLECTED = "collected"
START = "start"
CHECK = "check"
DATA = "data"
FATAL = "fatal"
TAMPERED = "tampered"
INTERRUPTED = "interrupted"
LINGERING = "lingering"
LEARNER_LOST = "learner_lost"
DONE = "done"

TOUCHED_CUDA = "torch_dojo.touched_cuda"  # data key: the checks that started CUDA unmarked (watch_cuda)


class Emitter:
    """The check process's end of the event pipe: one method per kind."""

    def __init__(self, fd: int, key: str = ""):
        os.set_inheritable(fd, False)  # processes the learner starts cannot write here
        self._stream = os.fdopen(fd, "w", encoding="utf-8", buffering=1)
        self._token = key  # the parent reads only events that carry it

    def fatal(self, status: str, message: str, hint: str = "") -> None:
        self._send(FATAL, status=status, message=message, hint=hint)

    def tampered(self, names: list[str], when: str) -> None:
        self._send(TAMPERED, names=names, when=when)

    def collected(self, names: list[str], points: dict[str, float | None]) -> None:
        self._send(COLLECTED, names=names, points=points)

    def start(self, name: str) -> None:
        self._send(START, name=name)

    def data(self, key: str, value: object) -> None:
        self._send(DATA, key=key, value=value)

    def check(self, result: dict) -> None:
        self._send(CHECK, **result)

    def interrupted(self, error: str) -> None:
        self._send(INTERRUPTED, error=error)

    def lingering(self, threads: list[str]) -> None:
        self._send(LINGERING, threads=threads)

    def learner_lost(self, message: str, check: str) -> None:
        self._send(LEARNER_LOST, message=message, check=check)

    def done(self, exit: int) -> None:
        self._send(DONE, exit=exit)

    def _send(self, event: str, **fields: object) -> None:
        try:
            line = json.dumps({"event": event, **fields, "token": self._token})
        except (TypeError, ValueError):
            line = json.dumps({"event": event, **{k: repr(v) for k, v in fields.items()}, "token": self._token})
        self._stream.write(line + "\n")
        self._stream.flush()


class Reader:
    """The main process's end: the events that carry this run's key (others are not the child's)."""

    def __init__(self, fd: int, key: str):
        self._fd, self._key = fd, key
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
                if isinstance(event, dict) and event.pop("token", None) == self._key:
                    self.events.append(event)
