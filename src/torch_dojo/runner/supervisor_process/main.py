"""The supervisor process: the process every check process runs under, cold or warm.

``python -m torch_dojo.runner.supervisor_process FD [--warm]``, started by
``runner.supervisor`` (for ``runner.process``) with one end of a Unix socket as FD. It never runs learner code itself. For each ``run`` request it
forks the check process, which gets its own session, stdin from /dev/null, stdout and
stderr into the output pipe, the event pipe (both pipes come over the socket), a fresh
working directory, and SIGKILL should the supervisor die. Then:

- cold: the check process execs ``python -m MODULE SPEC`` (``runner.check_process``, or
  ``runner.judged`` for a judged check), a fresh interpreter (CUDA and torch.distributed
  work as in any new process);
- warm (``--warm``): the supervisor imported torch, pytest and the runner once, imports
  only (no torch op ran, so forking is safe; ``supervisor_process.warmup``), and the check
  process, forked ahead while no check runs (a standby), calls ``check_process.main.main``
  directly: a verdict in tens of milliseconds instead of seconds.

On Linux the supervisor is a child subreaper: processes that the learner's code started
and orphaned, even ones that left its session (double fork and setsid), are re-parented to
the supervisor instead of init. So the main process still finds them among the
supervisor's descendants (for the memory limit and to end them), and ``clean`` kills and
reaps every child left. Time, memory and cancelling are watched by the main process
(``runner.process``), the same code for both paths. End of file on the socket (the main
process ended, however it ended) ends every child and then the supervisor.

Messages are JSON lines (``runner.channel``): main → supervisor ``run`` (with the two pipe
fds) and ``clean``; supervisor → main ``ready``, ``started``, ``exited``, ``cleaned``, ``error``,
and (warm, unasked, once ``warmup.later`` is done) ``preloaded``.
``ps`` and ``top`` show the processes as dojo-supervisor, dojo-standby and dojo-check
(``runner.isolation``).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time

from torch_dojo.runner.channel import Channel
from torch_dojo.runner.isolation import (
    CHECK_NAME,
    SUPERVISOR_NAME,
    attach,
    become_subreaper,
    detach,
    fork,
    name_process,
    set_dumpable,
)
from torch_dojo.runner.spec import CheckSpec

CLEAN_SECONDS = 5.0  # at most, to kill and reap what a check left behind


def main(argv: list[str]) -> int:
    channel = Channel(socket.socket(fileno=int(argv[1])))
    warm = "--warm" in argv[2:]
    subreaper = become_subreaper()
    # Non-dumpable: a judged check's learner code cannot ptrace the supervisor or open its
    # descriptors (it never runs learner code; an exec'd check process is dumpable again).
    set_dumpable(False)
    name_process(SUPERVISOR_NAME)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # and the finally below cleans up
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    folder = tempfile.mkdtemp(prefix="torch-dojo-supervisor-") if warm else None
    try:
        warmed, rest = None, None
        if folder:
            from torch_dojo.runner.supervisor_process.warmup import Standby, later, preload

            warmed = preload(folder)
            rest = later(warmed)
        channel.send({"op": "ready", "pid": os.getpid(), "warm": warm, "subreaper": subreaper})
        standby = Standby.fork(channel, warmed) if warmed else None
        while True:
            if rest is not None and not channel.pending():  # the rest of the preload, while no check waits
                if next(rest, None) is None:
                    rest = None
                    if standby is not None:  # forked before: it lacks what was imported since
                        standby.end()
                        standby = Standby.fork(channel, warmed)
                    channel.send({"op": "preloaded"})
                continue
            message, fds = channel.receive()
            if message.get("op") == "run":
                _run(channel, message, fds, warmed, standby)
                standby = None  # it took the check (or is gone)
            elif message.get("op") == "clean":
                channel.send({"op": "cleaned", "ended": _end_children()})
                if warmed and standby is None:
                    standby = Standby.fork(channel, warmed)
            else:
                for fd in fds:
                    os.close(fd)
    except EOFError:  # the main process is gone, or said goodbye
        pass
    finally:
        _end_children()
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def _run(channel: Channel, message: dict, fds: list[int], warmed, standby) -> None:
    if len(fds) != 2:
        for fd in fds:
            os.close(fd)
        channel.send({"op": "error", "message": f"a run request came with {len(fds)} file descriptors, not 2"})
        return
    try:
        if warmed is None:
            pid = _fork_exec(channel, message, *fds)
        else:
            from torch_dojo.runner.supervisor_process.warmup import Standby

            if standby is None or not standby.start(message, fds):
                standby = Standby.fork(channel, warmed)
                standby.start(message, fds)
            pid = standby.pid
    except OSError as err:
        channel.send({"op": "error", "message": f"could not start the check process: {err}"})
        return
    finally:
        for fd in fds:
            os.close(fd)
    channel.send({"op": "started", "pid": pid})
    status = _wait(channel, pid)
    channel.send({"op": "exited", "pid": pid, "returncode": os.waitstatus_to_exitcode(status)})


def _fork_exec(channel: Channel, message: dict, events_fd: int, output_fd: int) -> int:
    """Cold: a check process that is a fresh interpreter."""

    def check_process(supervisor: int) -> int:
        detach(supervisor, [channel.sock], CHECK_NAME)
        attach(message["cwd"], output_fd)
        spec = CheckSpec.from_json(message["spec"]).with_events(events_fd)
        os.set_inheritable(events_fd, True)
        os.execv(sys.executable, [sys.executable, "-m", message["module"], json.dumps(spec.to_json())])
        return 70  # not reached: execv returns only by raising

    return fork(check_process)


def _wait(channel: Channel, pid: int) -> int:
    """Wait for the check process to end; EOFError (after it is killed) when the main process goes."""
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    try:
        while True:
            waiting = [channel.fileno()] + ([pidfd] if pidfd is not None else [])
            readable, _, _ = select.select(waiting, [], [], None if pidfd is not None else 0.01)
            if channel.fileno() in readable:
                channel.receive(0)  # nothing is asked while a check runs; raises EOFError at the end
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _end_children() -> int:
    """Kill every child left (orphans re-parented here included) and reap them all."""
    ended: set[int] = set()
    deadline = time.monotonic() + CLEAN_SECONDS
    while True:
        children = _children()
        ended.update(pid for pid in children if _alive(pid))
        for pid in children:
            for kill in (os.killpg, os.kill):  # its group too: members become children when it dies
                try:
                    kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        _reap()
        if not children or time.monotonic() > deadline:
            return len(ended)
        time.sleep(0.002)


def _children() -> list[int]:
    try:
        with open(f"/proc/self/task/{os.getpid()}/children") as listing:
            return [int(pid) for pid in listing.read().split()]
    except OSError:
        import psutil

        try:
            return [child.pid for child in psutil.Process().children()]
        except psutil.Error:
            return []


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False

