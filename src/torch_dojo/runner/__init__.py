"""The runner: the only code that runs learner code, and what it concludes.

``check(exercise, file)`` runs the exercise's hidden checks against ``file`` in a check
process under the exercise's limits and returns a ``Verdict``. ``runner.warm.WarmRunner``
does the same from a supervisor that imported torch once: the same verdicts, in
milliseconds. ``judged=True`` (grading) judges in a process the learner's code never runs
in (``runner.judged``); the default runs the file in the check process, as fast as it goes.

The tree says which process runs what. A module at the top of ``runner/`` runs in
torch-dojo's own process (the CLI, the TUI, the grader) and never imports torch or
pytest; ``spec``, ``events``, ``channel`` and ``isolation`` are the protocols and
primitives the processes share (standard library only). Each subpackage is another
process, run as ``python -m runner.<subpackage>`` or forked:

- ``supervisor_process``: every check process runs under one (cold: one per check; warm:
  one that imported torch once and forks the check processes);
- ``check_process``: imports the learner's file and runs the hidden checks under pytest;
  ``check_process.rank`` is a torchrun launch of ``run_torchrun``, and its ranks;
- ``judged``: judged mode, the judge (a check process that never runs the learner's
  code) and the learner's process it asks;
- ``probe_process``: what this machine offers, asked for ``environment.probe``.

This module only re-exports, and only when a name is first asked for (PEP 562): importing
a module of the runner (``runner.environment`` for the workbook's first screen) does not
import the check machinery (psutil, the processes' protocols) with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from torch_dojo.runner.checking import Cancelled, NotStarted, check
    from torch_dojo.runner.conclusion import conclude
    from torch_dojo.runner.events import TOUCHED_CUDA

_EXPORTS = {"Cancelled": "checking", "NotStarted": "checking", "check": "checking",
            "conclude": "conclusion", "TOUCHED_CUDA": "events"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value  # asked once
    return value
