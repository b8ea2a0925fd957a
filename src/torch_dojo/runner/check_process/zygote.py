"""Ranks forked from a zygote: how a torchrun launch of ``run_torchrun`` starts its ranks.

A rank started as a fresh interpreter spends seconds importing torch (a launch on 3 ranks
was four imports of torch, 15.7 s here). A rank forked from torchrun's agent does not, but
the agent has threads by then (its TCPStore's, the rendezvous keep-alive timer): a rank
forked while one of them held a lock waits on it for ever (about 1 launch in 30 here,
under load). So a launch first forks a *zygote* (``start``), while it has one Python
thread and holds torch imported, and hands torchrun's agent a command: this file, run by
the interpreter without site (``python -I -S zygote.py FOLDER ARGS...``, milliseconds and
no torch). That *client* is the process the agent starts, watches and signals as a rank.
It sends the zygote its environment (``RANK``, ``WORLD_SIZE``, ``MASTER_PORT``: what the
agent gave it), working folder, arguments and standard streams; the zygote forks the rank,
which runs ``run(ARGS)`` with them. The zygote forks nothing else and starts no thread.

The client stands for its rank:

- a signal it gets (the agent's SIGTERM that ends a rank, a Ctrl-C) goes on to the rank;
- it ends as the rank ended: the same exit code, or killed by the same signal;
- killed itself (the agent's SIGKILL), the zygote sees its connection close and kills the rank;
- when the zygote goes (ended with its launch), its ranks die with it (PR_SET_PDEATHSIG)
  and the clients end.

The conversation, on a unix socket ``SOCKET`` in the launch's folder (named relative to
it: the folder's path may be longer than a socket address): the client sends one JSON
line, ``{"env", "cwd", "argv"}``, with its fds 0, 1 and 2; the zygote answers ``{"pid": P}``
when the rank is forked and ``{"status": S}`` (its wait status) when it ended.

This file imports nothing but the standard library at its top: the client runs it alone.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys

SOCKET = "zygote.sock"
FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)
KILLED_WITHOUT_CLIENT = 70  # a rank whose client went before it was forked


def available() -> bool:
    """Whether ranks can be forked here: fork, and pidfds to wait on them with (Linux 5.3)."""
    return hasattr(os, "fork") and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")


class Zygote:
    """A zygote forked by ``start``; ``command`` is what the agent runs for each rank."""

    def __init__(self, pid: int, folder: str):
        self.pid, self.folder = pid, folder

    def command(self, *args: str) -> tuple[str, list[str]]:
        """(entrypoint, arguments) of the client for a rank that runs ``run(args)``."""
        return sys.executable, ["-I", "-S", os.path.abspath(__file__), self.folder, *args]

    def stop(self) -> None:
        """End the zygote (its ranks die with it), once the launch is over."""
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def start(folder: str, run) -> Zygote:
    """Fork the zygote, listening in ``folder``, whose ranks run ``run(args) -> exit code``.
    Call it while this process has one thread: what the zygote holds, each rank holds."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    _in(folder, lambda: listener.bind(SOCKET))
    listener.listen(64)
    pid = _fork(lambda: _serve(listener, run))
    listener.close()
    return Zygote(pid, folder)


def _fork(body) -> int:
    """Fork a child that dies with this process and runs ``body() -> exit code``; its pid."""
    from torch_dojo.runner.isolation import die_with, fork  # the zygote's side holds torch_dojo

    def child(parent: int):
        die_with(parent)
        return body()

    return fork(child)


class _Rank:
    def __init__(self, conn: socket.socket, pid: int):
        self.conn, self.pid, self.pidfd = conn, pid, os.pidfd_open(pid)
        self.orphaned = False  # its client is gone: only its end is awaited


def _serve(listener: socket.socket, run) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):  # ended with its launch, whatever it inherited
        signal.signal(sig, signal.SIG_DFL)
    ranks: list[_Rank] = []
    while True:
        watched = [listener.fileno()] + [r.conn.fileno() for r in ranks if not r.orphaned] + [r.pidfd for r in ranks]
        ready = set(select.select(watched, [], [])[0])
        if listener.fileno() in ready:
            conn, _ = listener.accept()
            forked = _fork_rank(conn, listener, ranks, run)
            if forked is not None:
                ranks.append(forked)
        for rank in list(ranks):
            if rank.pidfd in ready:  # the rank ended: its client ends the same way
                _, status = os.waitpid(rank.pid, 0)
                _send(rank.conn, {"status": status})
                _forget(rank, ranks)
            elif not rank.orphaned and rank.conn.fileno() in ready and not _peek(rank.conn):
                rank.orphaned = True
                _signal(rank.pid, signal.SIGKILL)  # the client is gone (the agent killed it): so is its rank


def _fork_rank(conn: socket.socket, listener: socket.socket, ranks: list[_Rank], run) -> _Rank | None:
    """Read the client's request and fork its rank; None when the client said nothing usable."""
    conn.settimeout(30)
    try:
        data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
        while data and not data.endswith(b"\n"):
            more = conn.recv(1 << 20)
            if not more:
                break
            data += more
        request = json.loads(data)
        env, cwd, argv = dict(request["env"]), str(request["cwd"]), [str(a) for a in request["argv"]]
    except (OSError, ValueError, KeyError, TypeError):
        conn.close()
        return None
    conn.settimeout(None)

    def rank() -> int:
        for other in ranks:  # nothing of the zygote's: the rank runs the learner's code
            os.close(other.pidfd)
            os.close(other.conn.detach())
        os.close(listener.detach())
        os.close(conn.detach())
        for number, fd in enumerate(fds[:3]):
            os.dup2(fd, number)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        _fresh_streams()
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        import tempfile

        tempfile.tempdir = None  # found again from TMPDIR, as a fresh interpreter would
        return run(argv)

    pid = _fork(rank)
    for fd in fds:
        os.close(fd)
    _send(conn, {"pid": pid})
    return _Rank(conn, pid)


def _fresh_streams() -> None:
    """sys.stdin, stdout and stderr on fds 0, 1 and 2 (the client's), as a fresh interpreter has them."""
    for number, name in enumerate(("stdin", "stdout", "stderr")):
        setattr(sys, name, open(number, "r" if number == 0 else "w", closefd=False, errors="backslashreplace",
                                buffering=1 if number else -1))


def _forget(rank: _Rank, ranks: list[_Rank]) -> None:
    os.close(rank.pidfd)
    rank.conn.close()
    ranks.remove(rank)


def _peek(conn: socket.socket) -> bool:
    """Whether the client is still there (it says nothing after its request)."""
    try:
        return bool(conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
    except BlockingIOError:
        return True
    except OSError:
        return False


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except ProcessLookupError:
        pass


def _send(conn: socket.socket, message: dict) -> None:
    try:
        conn.sendall(json.dumps(message).encode() + b"\n")
    except OSError:  # the client is gone
        pass


def _in(folder: str, do) -> None:
    here = os.getcwd()
    os.chdir(folder)
    try:
        do()
    finally:
        os.chdir(here)


# The client: what torchrun's agent runs for each rank --------------------------------------

def client(argv: list[str]) -> int:
    folder, args = argv[0], argv[1:]
    # Until the rank is forked, a signal waits: then it is the rank's.
    signal.pthread_sigmask(signal.SIG_BLOCK, FORWARDED)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cwd = os.getcwd()
    try:
        _in(folder, lambda: sock.connect(SOCKET))
        request = json.dumps({"env": dict(os.environ), "cwd": cwd, "argv": args}).encode() + b"\n"
        socket.send_fds(sock, [request], [0, 1, 2])
        answers = sock.makefile("rb")
        pid = int(json.loads(answers.readline())["pid"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        print(f"torch-dojo: no rank was started (the launch's zygote: {err})", file=sys.stderr)
        return KILLED_WITHOUT_CLIENT
    for sig in FORWARDED:
        signal.signal(sig, lambda number, _frame: _signal(pid, number))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, FORWARDED)
    try:
        status = int(json.loads(answers.readline())["status"])
    except (OSError, ValueError, KeyError, TypeError):
        return 1  # the zygote went, and its ranks with it
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # killed: so is the client, by the same signal, as the agent would see the rank
        signal.signal(-code, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [-code])
        os.kill(os.getpid(), -code)
        return 128 - code
    return code


if __name__ == "__main__":
    sys.exit(client(sys.argv[1:]))
