"""Launch the learner's script under torchrun and collect what each rank reports.

``run_torchrun(learner_path, nproc=2)`` runs the file as ``__main__`` on every rank, the
way a learner runs it. With ``probe=fn`` each rank instead imports the file as a module
and calls ``fn(module)`` (a function defined at the top level of the check file), whose
JSON-able return value comes back as that rank's ``data``.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from torch_dojo.testing.compare import CheckFailure

# The launch: torchrun's launcher, configured as ``torchrun --standalone`` is, whose ranks run
# the learner's file (``python -m RANK_MODULE``). A name, not an import: the check API never
# imports the runner (the runner imports it); tests/test_layout.py holds it to the module's __name__.
RANK_MODULE = "torch_dojo.runner.check_process.rank"
# Graded, a confining judge leaves its wall in WALL_ENV: torchrun then starts behind it, through
# WALL_MODULE, so that it and every rank share one Landlock domain (held to __name__ the same way).
WALL_MODULE, WALL_ENV = "torch_dojo.runner.confinement", "TORCH_DOJO_WALL"
# A launcher forked ahead by the check process (runner.check_process.launcher), when there is one.
LAUNCHER_ENV = "TORCH_DOJO_LAUNCHER"


@dataclass
class RankReport:
    rank: int
    data: Any = None  # what the probe returned
    error: str = ""  # the learner's exception on this rank, explained
    output: str = ""  # what this rank printed


@dataclass
class TorchrunResult:
    returncode: int | None
    timed_out: bool
    ranks: list[RankReport] = field(default_factory=list)
    output: str = ""  # torchrun's own output (the tail)

    def rank(self, number: int) -> RankReport:
        for report in self.ranks:
            if report.rank == number:
                return report
        raise CheckFailure(
            f"rank {number} never reported: it died before the end (torchrun exit code {self.returncode}).\n"
            + self.output[-1500:]
        )

    def errors(self) -> str:
        """The first rank's error, for a failure message ("" when no rank raised)."""
        for report in sorted(self.ranks, key=lambda r: r.rank):
            if report.error:
                return f"rank {report.rank}: {report.error}"
        return ""


def run_torchrun(script: Path, nproc: int = 2, *, probe: Callable[[Any], Any] | None = None,
                 timeout: float = 60.0, hide_cuda: bool | None = None) -> TorchrunResult:
    """Run ``script`` with ``torchrun --standalone --nproc_per_node=nproc``.

    ``hide_cuda`` (default: when there are fewer GPUs than ranks) sets
    ``CUDA_VISIBLE_DEVICES=""`` so every rank runs on the CPU with gloo. A run that
    outlasts ``timeout`` is ended with all its processes and reported as timed out.
    """
    import torch

    if hide_cuda is None:
        hide_cuda = torch.cuda.device_count() < nproc
    script = Path(script).resolve()
    probe_name = f"{probe.__code__.co_filename}::{probe.__name__}" if probe is not None else ""
    if hide_cuda and os.environ.get(LAUNCHER_ENV):
        found = _by_the_launcher(os.environ[LAUNCHER_ENV], script, nproc, probe_name, timeout)
        if found is not None:
            return found
    out = Path(tempfile.mkdtemp(prefix="torch-dojo-ranks-"))
    command = [sys.executable, "-m", RANK_MODULE, f"--nproc={nproc}", "--out", str(out), "--file", str(script)]
    if probe is not None:
        command += ["--probe", probe_name]
    if os.environ.get(WALL_ENV):  # graded: torchrun and every rank behind the learner's wall
        also = ["--read", probe.__code__.co_filename] if probe is not None else []
        command = [sys.executable, "-m", WALL_MODULE, "--write", str(out), *also, "--", *command]
    # TMPDIR: what the launch writes there (torchrun's logs, torch's caches, the learner's
    # temporary files) goes with the reports.
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1", TMPDIR=str(out))
    env.pop(LAUNCHER_ENV, None)
    if hide_cuda:
        env["CUDA_VISIBLE_DEVICES"] = ""
    try:
        with open(out / "torchrun.log", "wb") as sink:
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
                                    env=env, cwd=out, start_new_session=True)
            timed_out = False
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
            _end_group(proc.pid, proc.poll)
            proc.wait()
        return _reported(out, nproc, proc.returncode, timed_out)
    finally:
        shutil.rmtree(out, ignore_errors=True)  # the reports are read: leave nothing in /tmp


def _by_the_launcher(where: str, script: Path, nproc: int, probe_name: str,
                     timeout: float) -> TorchrunResult | None:
    """The launch made by the launcher the check process forked ahead (runner.check_process.launcher);
    None when there is none to ask (gone, or not one)."""
    try:
        fd, folder = where.split(" ", 1)
        sock = socket.socket(fileno=os.dup(int(fd)))
    except (ValueError, OSError):
        return None
    out = Path(tempfile.mkdtemp(prefix="ranks-", dir=folder))
    reader = _Lines(sock)
    try:
        try:
            request = {"nproc": nproc, "out": str(out), "file": str(script), "probe": probe_name}
            sock.sendall(json.dumps(request).encode() + b"\n")
            pid = int(reader.next(deadline=time.monotonic() + 30)["pid"])
        except (OSError, EOFError, TimeoutError, ValueError, KeyError, TypeError):
            return None  # no launcher to ask, and nothing started: run_torchrun makes the launch itself
        if pid <= 1:
            return None
        timed_out, returncode = False, None
        try:
            returncode = int(reader.next(deadline=time.monotonic() + timeout)["returncode"])
        except TimeoutError:
            timed_out = True
        except (OSError, EOFError, ValueError, KeyError, TypeError):
            pass  # the launcher went away during the launch: what the ranks reported stands
        _end_group(pid, lambda: None)
        if timed_out:
            try:  # the launcher reaps the launch and says so
                returncode = int(reader.next(deadline=time.monotonic() + 30)["returncode"])
            except (OSError, EOFError, TimeoutError, ValueError, KeyError, TypeError):
                pass
        return _reported(out, nproc, returncode, timed_out)
    finally:
        sock.close()
        shutil.rmtree(out, ignore_errors=True)


class _Lines:
    """JSON objects, one per line, read from a socket before a deadline."""

    def __init__(self, sock: socket.socket):
        self.sock, self.buffer = sock, b""

    def next(self, *, deadline: float) -> dict:
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                raise TimeoutError("no answer from the launcher")
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the launcher is gone")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        found = json.loads(line)
        if not isinstance(found, dict):
            raise ValueError("the launcher said what is not an object")
        return found


def _reported(out: Path, nproc: int, returncode: int | None, timed_out: bool) -> TorchrunResult:
    ranks = []
    for number in range(nproc):
        report = out / f"rank{number}.json"
        if report.is_file():
            raw = json.loads(report.read_text(encoding="utf-8"))
            ranks.append(RankReport(rank=number, data=raw.get("data"), error=raw.get("error", ""),
                                    output=_read(out / f"rank{number}.out")))
    return TorchrunResult(returncode=returncode, timed_out=timed_out, ranks=ranks,
                          output=_read(out / "torchrun.log")[-4000:])


def _end_group(leader: int, reap: Callable[[], Any]) -> None:
    """End a launch and every rank it started (they share its process group, led by ``leader``)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not _group_alive(leader, reap):
            break
        os.killpg(leader, sig)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and _group_alive(leader, reap):
            time.sleep(0.05)


def _group_alive(leader: int, reap: Callable[[], Any]) -> bool:
    reap()  # reap the leader itself where it is our child, or it counts as alive
    try:
        os.killpg(leader, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-8000:]
    except OSError:
        return ""
