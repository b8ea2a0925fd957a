"""The line between the main process and a supervisor (``runner.supervisor_process``).

JSON lines over a Unix stream socket; a message may carry file descriptors (the check's
event and output pipes), which travel with the bytes that carry the message. Both sides
use this: the main process in ``runner.process`` and the supervisor in ``runner.supervisor_process``.
"""

from __future__ import annotations

import json
import os
import select
import socket
import time


class Channel:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self._buffer = b""
        self._fds: list[int] = []

    def fileno(self) -> int:
        return self.sock.fileno()

    def send(self, message: dict, fds: tuple[int, ...] = ()) -> None:
        """Raises EOFError when the other side is gone."""
        data = json.dumps(message).encode() + b"\n"
        try:
            if fds:
                socket.send_fds(self.sock, [data], list(fds))
            else:
                self.sock.sendall(data)
        except (OSError, ValueError) as err:
            raise EOFError(str(err)) from None

    def receive(self, timeout: float | None = None) -> tuple[dict, list[int]] | None:
        """The next message and the fds that came with it; None when none came in time.

        Raises EOFError when the other side is gone (or the channel was closed).
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self._buffer:
            try:
                if deadline is not None:
                    ready, _, _ = select.select([self.sock], [], [], max(0.0, deadline - time.monotonic()))
                    if not ready:
                        return None
                data, fds, _, _ = socket.recv_fds(self.sock, 65536, 8)
            except (OSError, ValueError) as err:
                raise EOFError(str(err)) from None
            for fd in fds:
                os.set_inheritable(fd, False)
            self._fds += fds
            if not data:
                raise EOFError("the other side closed the channel")
            self._buffer += data
        line, self._buffer = self._buffer.split(b"\n", 1)
        fds, self._fds = self._fds, []  # one request at a time, so the fds are this message's
        return json.loads(line), fds

    def pending(self) -> bool:
        """Whether a message (or the end of the channel) waits to be received."""
        if b"\n" in self._buffer:
            return True
        try:
            return bool(select.select([self.sock], [], [], 0)[0])
        except (OSError, ValueError):
            return True  # receive() says what is wrong

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
