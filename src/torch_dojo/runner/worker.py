"""The supervisor: the process every check process runs under, cold or warm.

``python -m torch_dojo.runner.worker FD [--warm]``, started by ``runner.process`` with one
end of a Unix socket as FD. It never runs learner code itself. For each ``run`` request it
forks the check process, which gets its own session, stdin from /dev/null, stdout and
stderr into the output pipe, the event pipe (both pipes come over the socket), a fresh
working directory, and SIGKILL should the supervisor die. Then:

- cold: the check process execs ``python -m torch_dojo.runner.child SPEC``, a fresh
  interpreter (CUDA and torch.distributed work as in any new process);
- warm (``--warm``): the supervisor imported torch, pytest and the runner once, imports
  only (no torch op ran, so forking is safe), and the check process calls ``child.main``
  directly: a verdict in tens of milliseconds instead of seconds.

On Linux the supervisor is a child subreaper: processes that the learner's code started
and orphaned, even ones that left its session (double fork and setsid), are re-parented to
the supervisor instead of init. So the main process still finds them among the
supervisor's descendants (for the memory limit and to end them), and ``clean`` kills and
reaps every child left. Time, memory and cancelling are watched by the main process
(``runner.process``), the same code for both paths. End of file on the socket (the main
process ended, however it ended) ends every child and then the supervisor.

Messages are JSON lines (``runner.channel``): main → supervisor ``run`` (with the two pipe
fds) and ``clean``; supervisor → main ``ready``, ``started``, ``exited``, ``cleaned``, ``error``.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback
import weakref

from torch_dojo.runner.channel import Channel

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
CLEAN_SECONDS = 5.0  # at most, to kill and reap what a check left behind
WARM_MODULES = [
    "numpy", "torch", "torch.nn", "torch.nn.functional", "torch.optim", "torch.utils.data",
    "torch.testing", "torch.distributed",
    "pytest", "torch_dojo.runner.child", "torch_dojo.runner.plugin", "torch_dojo.runner.explain",
    "torch_dojo.runner.requirements", "torch_dojo.runner.tamper", "torch_dojo.testing",
    "faulthandler", "readline", "encodings.unicode_escape", "_pytest._argcomplete",
]


def main(argv: list[str]) -> int:
    channel = Channel(socket.socket(fileno=int(argv[1])))
    warm = "--warm" in argv[2:]
    subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # and the finally below cleans up
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    folder = tempfile.mkdtemp(prefix="torch-dojo-worker-") if warm else None
    try:
        warmed = _preload(folder) if folder else None
        channel.send({"op": "ready", "pid": os.getpid(), "warm": warm, "subreaper": subreaper})
        while True:
            message, fds = channel.receive()
            if message.get("op") == "run":
                _run(channel, message, fds, warmed)
            elif message.get("op") == "clean":
                channel.send({"op": "cleaned", "ended": _end_children()})
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


def prctl(option: int, value: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _preload(folder: str) -> tuple:
    """Import what every check imports, rehearse, configure pytest: what each fork finds done."""
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # a check that needs it will say why, as on the cold path
            pass
    try:
        from _pytest.config import default_plugins
    except ImportError:
        default_plugins = ()
    for name in default_plugins:
        try:
            importlib.import_module(f"_pytest.{name}")
        except Exception:
            pass
    _rehearse()
    from torch_dojo.runner import child
    from torch_dojo.runner.tamper import Guard

    prepared = child.prepare(folder)
    guard = Guard.snapshot()  # before any learner code, in every forked check
    # What exists now stays: the collector never walks it again (fast checks) nor
    # writes to its pages (a forked check copies fewer of them).
    gc.freeze()
    return guard, prepared


_REHEARSAL = {
    "learner.py": "def double(x):\n    return 2 * x\n",
    "check.py": (
        "import pytest\n"
        "from torch_dojo.testing import fail, hint\n\n"
        "@hint('h')\n@pytest.mark.parametrize('n', [1, 2])\n"
        "def test_passes(learner, reference, record, n):\n"
        "    \"\"\"a check that passes\"\"\"\n"
        "    record('n', n)\n"
        "    assert learner.double(n) == reference.double(n), 'same'\n\n"
        "def test_fails(learner):\n    assert learner.double(1) == 3, 'differs'\n\n"
        "def test_fails_with_a_message(learner):\n    fail('differs')\n\n"
        "def test_raises(learner):\n    learner.missing\n"
    ),
}


def _rehearse() -> None:
    """Run a throwaway check once, in-process: pytest's lazy imports, caches and compiled
    patterns are then ready in every forked check. Pure Python, no torch op, no thread."""
    from torch_dojo.runner import child

    folder = tempfile.mkdtemp(prefix="torch-dojo-rehearsal-")
    path, modules, meta_path = list(sys.path), set(sys.modules), list(sys.meta_path)
    events = os.open(os.devnull, os.O_WRONLY)
    try:
        for name, text in _REHEARSAL.items():
            with open(os.path.join(folder, name), "w", encoding="utf-8") as file:
                file.write(text)
        learner = os.path.join(folder, "learner.py")
        child.run({"learner": learner, "reference": learner, "checks": os.path.join(folder, "check.py"),
                   "requires": [], "workdir": folder, "events_fd": events})
    except BaseException:  # a rehearsal only: the real checks say what is wrong
        pass
    finally:
        sys.path[:], sys.meta_path[:] = path, meta_path
        for name in set(sys.modules) - modules:  # the learner, reference and check modules
            if folder in str(getattr(sys.modules[name], "__file__", None) or "") or name in ("learner", "reference"):
                del sys.modules[name]
        shutil.rmtree(folder, ignore_errors=True)
        for name in ("last_type", "last_value", "last_traceback", "last_exc"):  # pytest keeps the last failure
            if hasattr(sys, name):
                delattr(sys, name)
        gc.collect()  # the rehearsal's objects, its event stream (and so its fd) among them


def _run(channel: Channel, message: dict, fds: list[int], warmed: tuple | None) -> None:
    if len(fds) != 2:
        for fd in fds:
            os.close(fd)
        channel.send({"op": "error", "message": f"a run request came with {len(fds)} file descriptors, not 2"})
        return
    events_fd, output_fd = fds
    try:
        pid = _fork_check(channel, message, events_fd, output_fd, warmed)
    except OSError as err:
        channel.send({"op": "error", "message": f"could not start the check process: {err}"})
        return
    finally:
        os.close(events_fd)
        os.close(output_fd)
    channel.send({"op": "started", "pid": pid})
    status = _wait(channel, pid)
    channel.send({"op": "exited", "pid": pid, "returncode": os.waitstatus_to_exitcode(status)})


def _fork_check(channel: Channel, message: dict, events_fd: int, output_fd: int, warmed: tuple | None) -> int:
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    supervisor = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        _become_check_process(channel, supervisor, message["cwd"], output_fd)
        spec = {**message["spec"], "events_fd": events_fd}
        if warmed is None:  # cold: a fresh interpreter
            os.set_inheritable(events_fd, True)
            os.execv(sys.executable, [sys.executable, "-m", message["module"], json.dumps(spec)])
        from torch_dojo.runner import child

        sys.argv = [child.__file__, json.dumps(spec)]
        sys.path[0] = message["cwd"]  # as for `python -m` started there
        guard, prepared = warmed
        _forget_exit_finalizers()
        child.main(sys.argv, guard=guard, prepared=prepared)  # ends the process
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def _forget_exit_finalizers() -> None:
    # The worker's objects have nothing to finalise in a check, and torch keeps a hundred
    # (its op libraries): running them at every check's exit costs tens of milliseconds.
    # Finalizers the learner's code makes still run at exit, as in a cold check.
    for info in getattr(weakref.finalize, "_registry", {}).values():
        info.atexit = False


def _become_check_process(channel: Channel, supervisor: int, cwd: str, output_fd: int) -> None:
    os.setsid()  # its own session and group: the whole group can be ended at once
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != supervisor:  # the supervisor died before the line above
        os._exit(70)
    os.close(channel.sock.detach())  # the learner's code cannot talk to the supervisor
    for sig in (signal.SIGTERM, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(output_fd)
    os.chdir(cwd)


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


if __name__ == "__main__":
    sys.exit(main(sys.argv))
