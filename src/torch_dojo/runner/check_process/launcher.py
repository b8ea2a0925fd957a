"""torchrun's launcher, forked ahead, for the checks of an exercise that launches torchrun.

A check process whose exercise requires ``distributed`` forks, first thing (``fork_launcher``:
before any torch op ran in it, and in judged mode right after the learner's process, before
the judge reads the checks or the reference), a *launcher*. It holds torch, torch._dynamo
and torchrun's launcher imported (the warm supervisor imported them already; a cold check
process's launcher imports them while the checks start) and waits on a socket.
``testing.run_torchrun`` finds it through ``LAUNCHER_ENV`` and asks it for each launch; the
launcher forks the launch, a session of its own that the caller ends whole on a timeout,
which runs ``rank.launch`` (torchrun's own launcher; the ranks forked by its zygote). No launch
imports torch: a launch on 3 ranks takes about a second here instead of six. Without a
launcher (the check API used elsewhere, a CUDA GPU the ranks may use, a launcher that is
gone), ``run_torchrun`` starts ``python -m torch_dojo.runner.check_process.rank``.

In judged mode the launcher enters the learner's wall before it serves: the ranks run the
learner's file, with the same rules as the learner's process (the check file readable for
the probe, the working folder, where the launches write, writable).

The conversation, one JSON object per line: ``{"nproc", "out", "file", "probe"}`` asks for a
launch; the launcher answers ``{"pid": P}`` (the launch's process and process group) at once
and ``{"returncode": C}`` when it ended.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import signal
import socket
import tempfile
from pathlib import Path

from torch_dojo.runner import confinement
from torch_dojo.runner.check_process import rank
from torch_dojo.runner.isolation import die_with, fork, name_process
from torch_dojo.runner.spec import CheckSpec

# The check API reads it (a name it holds too: tests/test_layout.py keeps the two the same).
LAUNCHER_ENV = "TORCH_DOJO_LAUNCHER"  # "FD FOLDER": the socket to the launcher, where launches write
LAUNCHER_NAME = b"dojo-launcher"
_held: list[tuple[socket.socket, int]] = []  # this process's end and the launcher, while the checks run


def fork_launcher(spec: CheckSpec) -> None:
    """Fork the launcher when the exercise launches torchrun; say where it is in LAUNCHER_ENV."""
    if "distributed" not in spec.requires or not hasattr(os, "fork"):
        return
    folder = tempfile.mkdtemp(prefix="launches-", dir=spec.workdir or None)
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)

    def launcher(parent: int) -> None:
        die_with(parent)
        name_process(LAUNCHER_NAME)
        # Only its socket and the output: not the verdict's channel, nor (judged) the
        # judge's socket to the learner's process. What of the check process's objects
        # held them stays uncollected, so that none closes a number reused since.
        gc.freeze()
        keep = theirs.fileno()
        os.closerange(3, keep)
        os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
        if spec.judged:
            try:
                confinement.enter(spec.confinement)
            except Exception:  # fails closed: no launcher, and run_torchrun's own launch says why
                return
        _serve(theirs)

    pid = fork(launcher)
    theirs.close()
    _held.append((ours, pid))
    os.environ[LAUNCHER_ENV] = f"{ours.fileno()} {folder}"


def end_launcher() -> None:
    """End the launcher, once the checks are done: before the check process ends, so that it
    is never taken for a process the learner's code left running."""
    os.environ.pop(LAUNCHER_ENV, None)
    while _held:
        sock, pid = _held.pop()
        sock.close()
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def _serve(sock: socket.socket) -> None:
    for name in rank.PRELOAD:  # imported already when forked from the warm supervisor
        try:
            importlib.import_module(name)
        except Exception:
            pass
    for line in sock.makefile("rb"):
        request = json.loads(line)

        def launch(_parent: int, request=request) -> int:
            os.close(sock.detach())  # the ranks run the learner's code: no way back to the check
            os.setsid()
            return _launch(request)

        pid = fork(launch)
        _send(sock, {"pid": pid})
        _, status = os.waitpid(pid, 0)
        _send(sock, {"returncode": os.waitstatus_to_exitcode(status)})


def _launch(request: dict) -> int:
    out = Path(request["out"])
    log = os.open(out / "torchrun.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    # What run_torchrun gives a launch it starts: one thread per rank, CUDA hidden, its own TMPDIR.
    os.environ.update(OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1", CUDA_VISIBLE_DEVICES="", TMPDIR=str(out))
    tempfile.tempdir = None
    import torch

    torch.set_num_threads(1)  # OpenMP read OMP_NUM_THREADS when torch was imported, before this
    return rank.launch(int(request["nproc"]), str(out), str(request["file"]), str(request.get("probe", "")),
                       fork=True)


def _send(sock: socket.socket, message: dict) -> None:
    try:
        sock.sendall(json.dumps(message).encode() + b"\n")
    except OSError:  # the check process is gone: the next read ends the loop
        pass
