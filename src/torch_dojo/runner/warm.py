"""The warm runner: checks answered by a supervisor that imported torch and pytest once.

    warm = WarmRunner(); warm.start()       # returns at once; the supervisor boots meanwhile
    verdict = warm.check(exercise, file)    # as runner.check: same verdicts, same limits
    warm.close()                            # or `with WarmRunner() as warm:`
    warm.preloaded()                        # benchmarks, tests: wait for the later preload too

A cold check starts a fresh interpreter, which spends seconds importing torch before the
first check runs. The warm supervisor (``runner.supervisor_process --warm``) has imported torch, pytest
and the runner already, imports only: no torch op has run in it, so forking it is safe.
Each check is a process forked from it (ahead of time, while the supervisor waits: a standby),
with exactly the cold check process's isolation (its own session, stdin closed, the
output and event pipes, a fresh working directory; ``runner.isolation``) and the same
limits, watched by the same code (``runner.process``). What the supervisor does at boot,
and why each step is safe to fork after: ``runner.supervisor_process.warmup``.

A check goes cold (a fresh interpreter, as ``runner.check``; ``cold_reason`` says why) when

- this is not Linux: the supervisor relies on fork and on prctl to adopt orphans;
- ``TORCH_DOJO_WARM=0`` is set (a way out, should the supervisor ever misbehave);
- the exercise requires ``cuda``: a CUDA context belongs in a fresh process. (One that
  requires ``distributed`` forks as any other: ``run_torchrun`` starts torchrun's launcher
  as a fresh process of its own, and its ranks fork from that launcher.)
- on a machine where CUDA may exist (an NVIDIA, ROCm or WSL GPU device node is present),
  the checks, the reference or the learner's file mention "cuda" anywhere: such a check
  may touch CUDA (learners' files often do: ``"cuda" if torch.cuda.is_available()``).
  The supervisor itself never initialises CUDA, so a forked check that touches it in spite
  of the rule should still work (PyTorch refuses CUDA after a fork only when the parent
  had initialised it; not tried on a GPU yet); the rule keeps CUDA work in fresh processes;
- the supervisor is not ready within ``ready_timeout`` (about what a cold run takes here: both
  are mostly the import of torch), or it died: it is restarted for the next check, up to
  ``MAX_FAILED_BOOTS`` times in a row without ever becoming ready.

Thread-safe: one warm check at a time (a lock); cold checks run beside it.
"""

from __future__ import annotations

import functools
import glob
import os
import sys
import threading
from pathlib import Path
from typing import Callable

from torch_dojo import runner
from torch_dojo.pack import Exercise
from torch_dojo.verdict import Verdict
from torch_dojo.runner.confinement import Wall
from torch_dojo.runner.process import child_environment
from torch_dojo.runner.supervisor import Supervisor

READY_TIMEOUT = 5.0
MAX_FAILED_BOOTS = 3
COLD_REQUIREMENTS = ("cuda",)
_GPU_NODES = ("/dev/nvidiactl", "/dev/nvidia0", "/proc/driver/nvidia", "/dev/kfd", "/dev/dxg")


class WarmRunner:
    def __init__(self, *, ready_timeout: float = READY_TIMEOUT):
        self.ready_timeout = ready_timeout
        self.last_was_warm = False  # whether the last check was forked from the supervisor
        self._state = threading.Lock()  # guards _supervisor; held only briefly
        self._busy = threading.Lock()  # one warm check at a time
        self._supervisor: Supervisor | None = None
        self._failed_boots = 0
        self._closed = False

    def __enter__(self) -> "WarmRunner":
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def start(self) -> None:
        """Boot the supervisor in the background, unless it runs already; returns at once."""
        if sys.platform.startswith("linux") and os.environ.get("TORCH_DOJO_WARM", "1") != "0":
            self._current()

    def ready(self, timeout: float | None = None) -> bool:
        """Wait (at most ``timeout``, default ``ready_timeout``) until the supervisor can take a
        check; ``ready(0)`` only asks. Boots a supervisor when there is none."""
        supervisor = self._current()
        if supervisor is None or supervisor.ready:
            return supervisor is not None
        timeout = self.ready_timeout if timeout is None else timeout
        if not self._busy.acquire(timeout=timeout):  # a check that waits for the supervisor reads its news
            return supervisor.ready
        try:
            return supervisor.wait_ready(timeout)
        finally:
            self._busy.release()

    def preloaded(self, timeout: float = 60.0) -> bool:
        """Wait (at most ``timeout``) until the supervisor has also imported what torch imports
        lazily (``supervisor_process.warmup.later``), for benchmarks and tests: checks never wait
        for it."""
        if not self.ready(timeout):
            return False
        supervisor = self._current()
        if supervisor is None:
            return False
        with self._busy:
            return supervisor.wait_preloaded(timeout)

    def check(self, exercise: Exercise, file: Path, *, reference: Path | None = None,
              time_limit: float | None = None, cancelled: Callable[[], bool] | None = None,
              watch_cuda: bool = False, judged: bool = False, confinement: Wall | None = None) -> Verdict:
        """As ``runner.check``: the verdict, or ``runner.Cancelled`` (also when ``close()``
        ended the supervisor during the check). ``judged``: as ``runner.check``."""
        if self.cold_reason(exercise, file, reference) is None:
            with self._busy:
                supervisor = self._ready_supervisor(cancelled)
                if supervisor is not None:
                    try:
                        verdict = runner.check(exercise, file, reference=reference, time_limit=time_limit,
                                               cancelled=cancelled, supervisor=supervisor, watch_cuda=watch_cuda, judged=judged,
                                               confinement=confinement)
                        if self._closed:  # close() ended the supervisor under this check: no verdict
                            raise runner.Cancelled("the warm runner was closed during the check")
                        self.last_was_warm = True
                        return verdict
                    except runner.NotStarted:
                        pass
                    finally:
                        if not supervisor.alive():
                            self._current()  # restarted for the next check
        self.last_was_warm = False
        return runner.check(exercise, file, reference=reference, time_limit=time_limit, cancelled=cancelled,
                            watch_cuda=watch_cuda, judged=judged, confinement=confinement)

    def cold_reason(self, exercise: Exercise, file: Path, reference: Path | None = None) -> str | None:
        """Why this check must take a fresh process, or None when the supervisor may fork it."""
        if not sys.platform.startswith("linux"):
            return "the warm runner works on Linux only"
        if os.environ.get("TORCH_DOJO_WARM", "1") == "0":
            return "TORCH_DOJO_WARM=0"
        needed = sorted(set(COLD_REQUIREMENTS) & set(exercise.requires))
        if needed:
            return f"the exercise requires {', '.join(needed)}"
        if cuda_may_exist() and _mentions_cuda(exercise.checks, reference or exercise.solution, file):
            return "its checks may touch CUDA, and this machine may have it"
        if self._closed:
            return "the warm runner is closed"
        return None

    def close(self) -> None:
        """End the supervisor and everything under it; later checks run cold."""
        with self._state:
            self._closed = True
            supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            supervisor.close()

    def _current(self) -> Supervisor | None:
        """The supervisor, booting a new one when there is none or it died."""
        with self._state:
            supervisor = self._supervisor
            if self._closed:
                return None
            if supervisor is not None and supervisor.alive():
                return supervisor
            if supervisor is not None:
                if not supervisor.ready:
                    self._failed_boots += 1
                supervisor.close()
                self._supervisor = None
            if self._failed_boots >= MAX_FAILED_BOOTS:
                return None
            self._supervisor = Supervisor(warm=True, env=child_environment())
            return self._supervisor

    def _ready_supervisor(self, cancelled: Callable[[], bool] | None) -> Supervisor | None:
        supervisor = self._current()
        if supervisor is None:
            return None
        if not supervisor.wait_ready(self.ready_timeout, cancelled):
            if cancelled is not None and cancelled():
                raise runner.Cancelled("the check was called off while the warm supervisor booted")
            if not supervisor.alive():
                self._current()  # counts the failed boot, starts another for next time
            return None
        self._failed_boots = 0
        return supervisor


@functools.cache
def cuda_may_exist() -> bool:
    """Whether a GPU device node is present, asked without importing torch."""
    return any(os.path.exists(node) for node in _GPU_NODES) or bool(glob.glob("/dev/nvidia[0-9]*"))


def _mentions_cuda(*paths: Path) -> bool:
    for path in paths:
        try:
            if b"cuda" in Path(path).read_bytes().lower():
                return True
        except OSError:
            pass
    return False
