"""The runner: the only code that runs learner code, and what it concludes.

``check(exercise, file)`` runs the exercise's hidden checks against ``file`` in a child
process under the exercise's limits and returns a ``Verdict``.
"""

from __future__ import annotations

import shutil
import signal
import tempfile
from pathlib import Path
from typing import Callable

from torch_dojo.pack import Exercise
from torch_dojo.report import CheckResult, Status, Verdict, first_hint, overall_status
from torch_dojo.runner.process import ChildOutcome, run_child


class Cancelled(Exception):
    """The check was called off before it ended (``cancelled()`` said so); no verdict."""


def check(exercise: Exercise, file: Path, *, reference: Path | None = None,
          time_limit: float | None = None, cancelled: Callable[[], bool] | None = None) -> Verdict:
    """Judge ``file`` with ``exercise``'s checks, comparing against ``reference``.

    Raises ``Cancelled`` when ``cancelled()`` turned true while the checks ran.
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
    }
    try:
        outcome = run_child("torch_dojo.runner.child", spec, cwd=workdir, time_limit=limit,
                            memory_limit_mb=exercise.memory_limit_mb, cancelled=cancelled)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if outcome.ended_by == "cancelled":
        raise Cancelled(f"the check of {exercise.label} was called off")
    return conclude(exercise, file, outcome, limit)


def conclude(exercise: Exercise, file: Path, outcome: ChildOutcome, time_limit: float) -> Verdict:
    """Turn what the child said (and how it ended) into the verdict."""
    names: list[str] = []  # every check, in the order they run
    results: list[CheckResult] = []  # those that finished, in the same order
    running = ""  # the check started last, when it has not finished
    fatal: dict | None = None
    data: dict = {}
    for event in outcome.events:
        kind = event.get("event")
        if kind == "collected":
            names = [str(n) for n in event.get("names", [])]
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
        checks = _with_unfinished(names, results, running, Status.TIMEOUT, why)
        return _verdict(exercise, file, Status.TIMEOUT, why, checks=checks, hint=first_hint(checks), **extra)
    if outcome.ended_by == "memory":
        why = (f"Stopped: your code used more than {exercise.memory_limit_mb} MB of memory{during}. Look "
               "for tensors far larger than the task needs, or a list that grows forever.")
        checks = _with_unfinished(names, results, running, Status.MEMORY, why)
        return _verdict(exercise, file, Status.MEMORY, why, checks=checks, hint=first_hint(checks), **extra)
    if not done:
        why = (f"The check process ended early{during} ({_how_it_ended(outcome.returncode)}). Your code "
               "ended Python itself: os._exit(), a crash inside a C extension, or a signal. A function "
               "should return its result and let the checks go on.")
        checks = _with_unfinished(names, results, running, Status.ERROR, why)
        return _verdict(exercise, file, Status.ERROR, why, checks=checks, **extra)
    if not results:
        return _verdict(exercise, file, Status.ERROR,
                        "The pack has no checks for this exercise, so there is nothing to pass.", **extra)
    status = overall_status(results)
    message = ""
    if status is Status.SKIPPED:
        message = "Every check of this exercise needs something this machine lacks: " + results[0].message
    return _verdict(exercise, file, status, message, checks=results, hint=first_hint(results), **extra)


def _with_unfinished(names: list[str], results: list[CheckResult], running: str,
                     status: Status, why: str) -> list[CheckResult]:
    """The finished checks, the one that was stopped, and the rest as not run."""
    checks = list(results)
    if running:
        checks.append(CheckResult(running, status, why))
    for name in names[len(checks):]:
        checks.append(CheckResult(name, Status.SKIPPED, "not run: an earlier check was stopped"))
    return checks


def _how_it_ended(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


def _verdict(exercise: Exercise, file: Path, status: Status, message: str, *,
             checks: list[CheckResult] | None = None, hint: str = "", **extra) -> Verdict:
    return Verdict(exercise_id=exercise.id, slug=exercise.slug, title=exercise.title, status=status,
                   message=message, checks=tuple(checks or ()), file=str(file), hint=hint, **extra)
