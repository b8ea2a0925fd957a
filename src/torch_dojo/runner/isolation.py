"""How the runner's processes are kept apart: every prctl(2) and capability change.

A check process, cold or warm, before the learner's code runs (``detach``, ``attach``):
its own session (the whole group can be ended at once), SIGKILL when its supervisor
dies, no way to talk to the supervisor, signals as a fresh interpreter has them; then
stdin from /dev/null, stdout and stderr into the output pipe, a fresh working directory.

Who may look inside whom (``set_dumpable``, ``drop_capabilities``): the supervisor
process, a judged check's judge and the main process that asks for a judged check are
non-dumpable, so that the learner's code can neither ptrace them nor open their memory
or descriptors; a process that runs the learner's code is dumpable, as any program.
``fork`` starts each of the runner's children (standbys, judged learners, launchers,
zygotes and their ranks) the same way. ``how_it_ended`` words a process's end (a signal by its name) for the messages about it.
Standard library only: every process of the runner imports it.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import socket
import sys
import time
import traceback
from typing import Callable

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
_CAPABILITY_VERSION_3 = 0x20080522
PR_SET_NAME = 15
PR_SET_CHILD_SUBREAPER = 36

# What ps and top call each process of the runner (prctl allows 15 bytes).
SUPERVISOR_NAME = b"dojo-supervisor"  # runner.supervisor_process, cold and warm alike
STANDBY_NAME = b"dojo-standby"  # a check process forked ahead, waiting for its check
CHECK_NAME = b"dojo-check"  # a check process (judged: the judge)
LEARNER_NAME = b"dojo-learner"  # judged: the learner's process


def prctl(option: int, value: int | bytes) -> bool:
    """Linux's prctl(2); False where there is none or it fails."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        argument = ctypes.c_char_p(value) if isinstance(value, bytes) else ctypes.c_ulong(value)
        return libc.prctl(option, argument, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def set_dumpable(dumpable: bool) -> bool:
    """PR_SET_DUMPABLE: whether processes of the same user may ptrace this one and read its
    /proc/PID/fd and mem (False: the learner's code may not). False where there is no prctl."""
    return prctl(PR_SET_DUMPABLE, 1 if dumpable else 0)


def name_process(name: bytes) -> bool:
    """The name ``ps`` and ``top`` show (15 bytes at most)."""
    return prctl(PR_SET_NAME, name)


def drop_capabilities() -> bool:
    """Give up every Linux capability, for good: a process run by root can then no more
    ptrace or read the memory of a non-dumpable process of root's than any user can.
    The bounding set goes first, so that no program this process runs regains them.
    True when this process has none left (or never had any)."""
    if not sys.platform.startswith("linux"):
        return False
    if os.geteuid() != 0:
        return True
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in range(64):
            if libc.prctl(PR_CAPBSET_DROP, ctypes.c_ulong(cap), 0, 0, 0) != 0 and ctypes.get_errno() == 22:
                break  # EINVAL: no capability with this number (nor any above)
        header = (ctypes.c_uint32 * 2)(_CAPABILITY_VERSION_3, 0)
        data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable (twice: 64 bits): none
        return libc.capset(header, data) == 0
    except (OSError, AttributeError):
        return False


def become_subreaper() -> bool:
    """Orphans of this process's descendants are re-parented here, not to init."""
    return prctl(PR_SET_CHILD_SUBREAPER, 1)


def die_with(parent: int) -> None:
    """A forked child: SIGKILL when ``parent`` dies; ends at once if it died already."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the line above
        os._exit(70)


def fork(body: Callable[[int], "int | None"]) -> int:
    """Fork a child that runs ``body(parent's pid)`` and then ends at once (``os._exit``: no
    atexit handler or finalizer of the parent's runs twice) with its exit code: the one
    ``body`` returned (None: 0) or gave ``sys.exit``, 70 when it raised (after the traceback).
    Returns the child's pid, in the parent."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # what the parent printed is not printed again by the child
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        code = body(parent) or 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a closed or broken stream: nothing more to say
                pass
        os._exit(code)


def detach(supervisor: int, sockets: list[socket.socket], name: bytes) -> None:
    """Leave the supervisor's session and sockets; die with it. ``name``: for ps and top."""
    os.setsid()
    die_with(supervisor)
    name_process(name)
    for sock in sockets:
        os.close(sock.detach())  # detach: the socket object never closes a reused fd later
    for sig in (signal.SIGTERM, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def attach(cwd: str, output_fd: int) -> None:
    """Stdin from /dev/null, stdout and stderr into the output pipe, work in ``cwd``."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(output_fd)
    os.chdir(cwd)


def reap(pid: int, timeout: float) -> int | None:
    """Wait at most ``timeout`` seconds for a child to end: its wait status, or None when it
    still runs. On a pidfd (Linux 5.3): woken as it ends, not at the next poll."""
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):  # no pidfds here, or the child is already reaped
        pidfd = None
    deadline = time.monotonic() + timeout
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if pidfd is not None:
                select.select([pidfd], [], [], left)
            else:
                time.sleep(min(left, 0.005))
    finally:
        if pidfd is not None:
            os.close(pidfd)


def how_it_ended(returncode: int | None) -> str:
    """How a process ended, for a person: "exit code 1", "killed by SIGKILL"."""
    if returncode is not None and returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"
