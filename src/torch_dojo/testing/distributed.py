"""Launch the learner's script under torchrun and collect what each rank reports.

``run_torchrun(learner_path, nproc=2)`` runs the file as ``__main__`` on every rank, the
way a learner runs it. With ``probe=fn`` each rank instead imports the file as a module
and calls ``fn(module)`` (a function defined at the top level of the check file), whose
JSON-able return value comes back as that rank's ``data``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from torch_dojo.testing.compare import CheckFailure

# What each rank runs (``torchrun -m``). A name, not an import: the check API never imports
# the runner (the runner imports it); tests/test_layout.py holds it to the module's __name__.
RANK_MODULE = "torch_dojo.runner.check_process.rank"
# Graded, a confining judge leaves its wall in WALL_ENV: torchrun then starts behind it, through
# WALL_MODULE, so that it and every rank share one Landlock domain (held to __name__ the same way).
WALL_MODULE, WALL_ENV = "torch_dojo.runner.confinement", "TORCH_DOJO_WALL"


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
    out = Path(tempfile.mkdtemp(prefix="torch-dojo-ranks-"))
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               f"--nproc_per_node={nproc}", "-m", RANK_MODULE,
               "--out", str(out), "--file", str(Path(script).resolve())]
    if probe is not None:
        command += ["--probe", f"{probe.__code__.co_filename}::{probe.__name__}"]
    if os.environ.get(WALL_ENV):  # graded: torchrun and every rank behind the learner's wall
        also = ["--read", probe.__code__.co_filename] if probe is not None else []
        command = [sys.executable, "-m", WALL_MODULE, "--write", str(out), *also, "--", *command]
    # TMPDIR: what the launch writes there (torchrun's torchelastic_* logs, torch's caches, the
    # learner's temporary files) goes with the reports.
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1", TMPDIR=str(out))
    if hide_cuda:
        env["CUDA_VISIBLE_DEVICES"] = ""
    log = out / "torchrun.log"
    try:
        with open(log, "wb") as sink:
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
                                    env=env, cwd=out, start_new_session=True)
            timed_out = False
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
            _end_group(proc)
        ranks = []
        for number in range(nproc):
            report = out / f"rank{number}.json"
            if report.is_file():
                raw = json.loads(report.read_text(encoding="utf-8"))
                ranks.append(RankReport(rank=number, data=raw.get("data"), error=raw.get("error", ""),
                                        output=_read(out / f"rank{number}.out")))
        return TorchrunResult(returncode=proc.returncode, timed_out=timed_out, ranks=ranks,
                              output=_read(log)[-4000:])
    finally:
        shutil.rmtree(out, ignore_errors=True)  # the reports are read: leave nothing in /tmp


def _end_group(proc: subprocess.Popen) -> None:
    """End torchrun and every rank it started (they share its process group)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not _group_alive(proc):
            break
        os.killpg(proc.pid, sig)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and _group_alive(proc):
            time.sleep(0.05)
    proc.wait()


def _group_alive(proc: subprocess.Popen) -> bool:
    proc.poll()  # reap torchrun itself, or it counts as alive
    try:
        os.killpg(proc.pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-8000:]
    except OSError:
        return ""
