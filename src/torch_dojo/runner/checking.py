"""One check run, as every front end asks for it: ``check(exercise, file)`` → ``Verdict``.

Builds the check process's ``CheckSpec``, runs the process under the exercise's limits
(``runner.process``: cold, or forked from a warm supervisor) and concludes
(``runner.conclusion``). Unjudged, the check process is ``runner.check_process``;
judged, it is the judge of ``runner.judged``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Callable

from torch_dojo.pack import Exercise
from torch_dojo.verdict import Status, Verdict
from torch_dojo.runner import check_process, judged as judged_mode
from torch_dojo.runner.conclusion import conclude, verdict_of
from torch_dojo.runner.confinement import Wall
from torch_dojo.runner.isolation import set_dumpable
from torch_dojo.runner.process import run_child
from torch_dojo.runner.spec import CheckSpec
from torch_dojo.runner.supervisor import Supervisor


class Cancelled(Exception):
    """The check was called off before it ended (``cancelled()`` said so); no verdict."""


class NotStarted(Exception):
    """The warm supervisor could not start the check process: nothing ran, try cold."""


def check(exercise: Exercise, file: Path, *, reference: Path | None = None,
          time_limit: float | None = None, cancelled: Callable[[], bool] | None = None,
          supervisor: Supervisor | None = None, watch_cuda: bool = False, judged: bool = False,
          confinement: Wall | None = None) -> Verdict:
    """Judge ``file`` with ``exercise``'s checks, comparing against ``reference``.

    ``watch_cuda`` (for ``pack verify``): the verdict's ``data`` names the checks that started
    CUDA without being marked ``@requires("cuda")`` (``events.TOUCHED_CUDA``).

    ``judged``: the checks run in a process that never imports the learner's file; it
    talks to the learner's code in a process of its own (``runner.judged``), so nothing
    the file does can change the verdict but its answers. This process turns
    non-dumpable on a judged check: the learner's code could otherwise ptrace it.
    ``confinement`` (judged only): the wall the learner's code runs behind
    (``runner.confinement``).

    Raises ``Cancelled`` when ``cancelled()`` turned true while the checks ran. With a warm
    ``supervisor`` (``runner.warm``), the check process is forked from it; ``NotStarted``
    when it could not start one there.
    """
    file = Path(file).resolve()
    limit = time_limit or exercise.time_limit
    if not file.is_file():
        return verdict_of(exercise, file, Status.ERROR,
                          f"There is no file at {file}.",
                          hint=f"`torch-dojo reset {exercise.id}` puts a fresh copy of the starter there.")
    workdir = Path(tempfile.mkdtemp(prefix="torch-dojo-check-"))
    spec = CheckSpec(learner=str(file), reference=str(reference or exercise.solution),
                     checks=str(exercise.checks), workdir=str(workdir),
                     requires=tuple(sorted(exercise.requires)), watch_cuda=watch_cuda, judged=bool(judged),
                     confinement=confinement.rules(file, workdir, exercise.requires, exercise.memory_limit_mb,
                                                   exercise.checks) if judged and confinement else None)
    if judged:  # as the judge itself: the learner's code cannot ptrace this process
        set_dumpable(False)
    program = judged_mode.__name__ if judged else check_process.__name__  # python -m PROGRAM SPEC
    try:
        outcome = run_child(program, spec, cwd=workdir, time_limit=limit,
                            memory_limit_mb=exercise.memory_limit_mb, cancelled=cancelled,
                            supervisor=supervisor)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if outcome.ended_by == "cancelled":
        raise Cancelled(f"the check of {exercise.label} was called off")
    if supervisor is not None and not outcome.started:
        raise NotStarted(f"the warm supervisor could not start the check of {exercise.label}")
    verdict = conclude(exercise, file, outcome, limit)
    if not file.is_file():
        return verdict_of(exercise, file, Status.ERROR,
                          f"Your file {file.name} is gone: something your code ran deleted it while "
                          "the checks ran, so this run does not count.",
                          checks=list(verdict.checks),
                          hint=f"Your editor may still have the text; else `torch-dojo reset {exercise.id}` "
                               "puts a fresh starter there.",
                          output=verdict.output, output_truncated=verdict.output_truncated,
                          duration=verdict.duration, data=verdict.data)
    return verdict
