"""The runner: the only code that runs learner code, and what it concludes.

``check(exercise, file)`` runs the exercise's hidden checks against ``file`` in a child
process under the exercise's limits and returns a ``Verdict``. ``runner.warm.WarmRunner``
does the same from a worker that imported torch once: the same verdicts, in milliseconds.
``judged=True`` (grading) judges in a process the learner's code never runs in
(``runner.judge``); the default runs the file in the check process, as fast as it goes.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Callable

from torch_dojo.pack import Exercise
from torch_dojo.verdict import CheckResult, Status, Verdict, first_hint, overall_status
from torch_dojo.runner.confinement import Wall
from torch_dojo.runner.isolation import PR_SET_DUMPABLE, prctl
from torch_dojo.runner.process import ChildOutcome, how_it_ended, run_child
from torch_dojo.runner.supervisor import Supervisor

TOUCHED_CUDA = "torch_dojo.touched_cuda"  # data key: the checks that started CUDA unmarked (watch_cuda)


class Cancelled(Exception):
    """The check was called off before it ended (``cancelled()`` said so); no verdict."""


class WorkerLost(Exception):
    """The warm worker was gone before the check process started: nothing ran, try cold."""


def check(exercise: Exercise, file: Path, *, reference: Path | None = None,
          time_limit: float | None = None, cancelled: Callable[[], bool] | None = None,
          supervisor: Supervisor | None = None, watch_cuda: bool = False, judged: bool = False,
          confinement: Wall | None = None) -> Verdict:
    """Judge ``file`` with ``exercise``'s checks, comparing against ``reference``.

    ``watch_cuda`` (for ``pack verify``): the verdict's ``data`` names the checks that started
    CUDA without being marked ``@requires("cuda")`` (``TOUCHED_CUDA``).

    ``judged``: the checks run in a process that never imports the learner's file; it
    talks to the learner's code in a process of its own (``runner.judge``), so nothing
    the file does can change the verdict but its answers. This process turns
    non-dumpable (PR_SET_DUMPABLE 0) on a judged check: the learner's code could
    otherwise ptrace it. ``confinement`` (judged only): the wall the learner's code runs
    behind (``runner.confinement``).

    Raises ``Cancelled`` when ``cancelled()`` turned true while the checks ran. With a warm
    ``supervisor`` (``runner.warm``), the check process is forked from it; ``WorkerLost``
    when it could not start one there.
    """
    file = Path(file).resolve()
    limit = time_limit or exercise.time_limit
    if not file.is_file():
        return _verdict(exercise, file, Status.ERROR,
                        f"There is no file at {file}.",
                        hint=f"`torch-dojo reset {exercise.id}` puts a fresh copy of the starter there.")
    workdir = Path(tempfile.mkdtemp(prefix="torch-dojo-check-"))
    spec = {
        "learner": str(file),
        "reference": str(reference or exercise.solution),
        "checks": str(exercise.checks),
        "requires": sorted(exercise.requires),
        "workdir": str(workdir),
        "watch_cuda": watch_cuda,
        "judged": bool(judged),
    }
    if judged and confinement is not None:  # the learner's process enters it (runner.confinement)
        spec["confinement"] = confinement.rules(file, workdir, exercise.requires, exercise.memory_limit_mb,
                                                 exercise.checks)
    if judged:  # as the judge itself (runner.judge): the learner's code cannot ptrace this process
        prctl(PR_SET_DUMPABLE, 0)
    try:
        outcome = run_child("torch_dojo.runner.child", spec, cwd=workdir, time_limit=limit,
                            memory_limit_mb=exercise.memory_limit_mb, cancelled=cancelled,
                            supervisor=supervisor)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if outcome.ended_by == "cancelled":
        raise Cancelled(f"the check of {exercise.label} was called off")
    if supervisor is not None and not outcome.started:
        raise WorkerLost(f"the warm worker could not start the check of {exercise.label}")
    verdict = conclude(exercise, file, outcome, limit)
    if not file.is_file():
        return _verdict(exercise, file, Status.ERROR,
                        f"Your file {file.name} is gone: something your code ran deleted it while "
                        "the checks ran, so this run does not count.",
                        checks=list(verdict.checks),
                        hint=f"Your editor may still have the text; else `torch-dojo reset {exercise.id}` "
                             "puts a fresh starter there.",
                        output=verdict.output, output_truncated=verdict.output_truncated,
                        duration=verdict.duration, data=verdict.data)
    return verdict


def conclude(exercise: Exercise, file: Path, outcome: ChildOutcome, time_limit: float) -> Verdict:
    """Turn what the child said (and how it ended) into the verdict."""
    names: list[str] = []  # every check, in the order they run
    points: dict[str, float | None] = {}  # their @points, for the checks that never report
    results: list[CheckResult] = []  # those that finished, in the same order
    running = ""  # the check started last, when it has not finished
    fatal: dict | None = None
    data: dict = {}
    replaced: dict[str, str] = {}  # name -> when ("import" or "checks")
    interrupted = ""
    lost = ""  # judged: the learner's process ended or sent what cannot be read
    threads: list[str] = []
    for event in outcome.events:
        kind = event.get("event")
        if kind == "collected":
            names = [str(n) for n in event.get("names", [])]
            points = {str(k): _points(v) for k, v in (event.get("points") or {}).items()}
        elif kind == "start":
            running = str(event.get("name", ""))
        elif kind == "check":
            try:
                results.append(CheckResult.from_json(event))
            except (KeyError, ValueError):
                continue
            running = ""
        elif kind == "data":
            data[str(event.get("key"))] = event.get("value")
        elif kind == "fatal" and fatal is None:
            fatal = event
        elif kind == "tampered":
            for name in event.get("names", []):
                replaced.setdefault(str(name), str(event.get("when", "")))
        elif kind == "interrupted":
            interrupted = interrupted or str(event.get("error", ""))
        elif kind == "lingering":
            threads += [str(t) for t in event.get("threads", [])]
        elif kind == "learner_lost":
            lost = lost or str(event.get("message", ""))
    done = any(e.get("event") == "done" for e in outcome.events)
    extra = dict(output=outcome.output, output_truncated=outcome.output_truncated,
                 duration=outcome.duration, data=data)
    during = f" during the check '{running}'" if running else ""

    if fatal is not None and outcome.ended_by == "exit":
        return _verdict(exercise, file, Status(fatal.get("status", "error")), str(fatal.get("message", "")),
                        hint=str(fatal.get("hint", "")), **extra)
    if outcome.ended_by == "timeout":
        why = (f"Stopped after {time_limit:g} s: your code was still running{during}. Look for a loop "
               "that never ends, or code waiting for something that never comes.")
        checks = _with_unfinished(names, points, results, running, Status.TIMEOUT, why)
        return _verdict(exercise, file, Status.TIMEOUT, why, checks=checks, hint=first_hint(checks), **extra)
    if outcome.ended_by == "memory":
        why = (f"Stopped: your code used more than {exercise.memory_limit_mb} MB of memory{during}. Look "
               "for tensors far larger than the task needs, or a list that grows forever.")
        checks = _with_unfinished(names, points, results, running, Status.MEMORY, why)
        return _verdict(exercise, file, Status.MEMORY, why, checks=checks, hint=first_hint(checks), **extra)
    if outcome.supervisor_lost:  # whether or not the check process still got to say "done"
        why = (f"The checks stopped{during}: the process that supervised them was killed. Does your "
               "code end other processes (os.kill, os.killpg)? End only the processes your code started.")
        checks = _with_unfinished(names, points, results, running, Status.ERROR, why)
        return _verdict(exercise, file, Status.ERROR, why, checks=checks, **extra)
    if not done:
        how = how_it_ended(outcome.returncode)
        if not names and not running:  # the checks never started
            why = (f"Your file ended Python itself while it was being loaded ({how}), so no check ran: "
                   "os._exit(), a crash inside a C extension, or a signal. Code at the top level runs "
                   "on import: put it inside a function.")
        else:
            why = (f"The check process ended early{during} ({how}). Your code ended Python itself: "
                   "os._exit(), a crash inside a C extension, or a signal. A function should return its "
                   "result and let the checks go on.")
        checks = _with_unfinished(names, points, results, running, Status.ERROR, why)
        return _verdict(exercise, file, Status.ERROR, why, checks=checks, **extra)
    if lost:
        checks = _with_unfinished(names, points, results, running, Status.ERROR, lost)
        return _verdict(exercise, file, Status.ERROR, lost, checks=checks, **extra)
    if replaced:
        when = ("while Python loaded your file" if "import" in replaced.values()
                else "while the checks ran")
        shown = ", ".join(f"`{n}`" for n in sorted(replaced)[:4]) + (" and more" if len(replaced) > 4 else "")
        why = (f"Your code replaced {shown} {when}. The checks judge with these, so a file that "
               "changes them cannot pass.")
        return _verdict(exercise, file, Status.ERROR, why, checks=results,
                        hint="Compute the answer itself; leave torch, pytest and torch-dojo as they are.",
                        **extra)
    if interrupted or len(results) < len(names):
        cause = interrupted.splitlines()[0] if interrupted else "something that ends the whole run"
        why = (f"The checks stopped{during}: your code raised {cause}, which ends the whole run "
               "instead of one check, so the rest never ran. Let your functions return; do not "
               "raise KeyboardInterrupt or call pytest.exit().")
        checks = _with_unfinished(names, points, results, running, Status.ERROR, why)
        return _verdict(exercise, file, Status.ERROR, why, checks=checks, **extra)
    if not results:
        return _verdict(exercise, file, Status.ERROR,
                        "The pack has no checks for this exercise, so there is nothing to pass.", **extra)
    if threads or outcome.leftovers:
        left = ([f"{len(threads)} thread(s) ({', '.join(threads[:3])})"] if threads else []) + \
               ([f"{len(outcome.leftovers)} process(es) ({', '.join(outcome.leftovers[:3])})"]
                if outcome.leftovers else [])
        why = (f"Your code left {' and '.join(left)} running after the checks ended; they were "
               "stopped. Code that is checked must finish its work before it returns.")
        return _verdict(exercise, file, Status.ERROR, why, checks=results,
                        hint="Wait for what you start: thread.join(), process.wait(), or "
                             "`with subprocess.Popen(...) as p:`.", **extra)
    status = overall_status(results)
    message = ""
    if status is Status.SKIPPED:
        message = "Every check of this exercise needs something this machine lacks: " + results[0].message
    return _verdict(exercise, file, status, message, checks=results, hint=first_hint(results), **extra)


def _with_unfinished(names: list[str], points: dict[str, float | None], results: list[CheckResult],
                     running: str, status: Status, why: str) -> list[CheckResult]:
    """The finished checks, the one that was stopped, and the rest as not run (``NOT_RUN``,
    not ``SKIPPED``: nothing is missing on this machine). Each keeps its declared points."""
    checks = list(results)
    if running:
        checks.append(CheckResult(running, status, why, points=points.get(running), blame="learner"))  # ran over
    stopped = f"the check '{running}'" if running else "an earlier check"
    for name in names[len(checks):]:
        checks.append(CheckResult(name, Status.NOT_RUN, f"not run: the run ended at {stopped} ({status})",
                                  points=points.get(name)))
    return checks


def _points(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _verdict(exercise: Exercise, file: Path, status: Status, message: str, *,
             checks: list[CheckResult] | None = None, hint: str = "", **extra) -> Verdict:
    return Verdict(exercise_id=exercise.id, slug=exercise.slug, title=exercise.title, status=status,
                   message=message, checks=tuple(checks or ()), file=str(file), hint=hint, **extra)
