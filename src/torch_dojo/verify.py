"""``pack verify``: prove a pack is sound with the same runner learners use.

Every starter must fail, every reference solution must pass (or be skipped for a
requirement this machine lacks, which is said), and every check that fails on a starter
must say why. The manifest (hints, fields, files) was validated when the pack loaded.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

from torch_dojo import runner
from torch_dojo.pack import Exercise, Pack
from torch_dojo.report import Status, Verdict
from torch_dojo.runner.warm import WarmRunner


@dataclass
class ExerciseVerification:
    exercise: Exercise
    starter: Verdict
    solution: Verdict
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {"id": self.exercise.id, "slug": self.exercise.slug, "ok": self.ok,
                "problems": self.problems, "notes": self.notes,
                "starter": self.starter.status.value, "solution": self.solution.status.value}


def verify_exercise(exercise: Exercise, check: Callable[..., Verdict] = runner.check) -> ExerciseVerification:
    starter = check(exercise, exercise.starter)
    solution = check(exercise, exercise.solution)
    found = ExerciseVerification(exercise, starter, solution)
    if starter.passed:
        found.problems.append(f"the starter exercises/{exercise.file} already passes its checks")
    for check in starter.checks:
        if check.status in (Status.FAILED, Status.ERROR) and not check.message.strip():
            found.problems.append(f"check '{check.name}' fails on the starter without a message")
    if solution.status is Status.SKIPPED:
        found.notes.append(f"solution not verified on this machine: {solution.message}")
    elif not solution.passed:
        failing = [c for c in solution.checks if c.status not in (Status.PASSED, Status.SKIPPED)]
        reasons = [f"{c.name}: {_first_line(c.message) or c.status}" for c in failing[:3]]
        found.problems.append(f"the solution solutions/{exercise.file} does not pass ({solution.status}): "
                              + ("; ".join(reasons) or _first_line(solution.message)))
    skipped = [c for c in solution.checks if c.status is Status.SKIPPED]
    if skipped and solution.status is not Status.SKIPPED:
        found.notes.append(f"{len(skipped)} check(s) skipped here: {skipped[0].message}")
    return found


def verify_pack(pack: Pack, jobs: int = 2) -> list[ExerciseVerification]:
    # The warm runner takes one check at a time, in milliseconds; checks that need a fresh
    # process (torchrun, CUDA) run cold, ``jobs`` at a time beside it.
    with WarmRunner() as warm, ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(partial(verify_exercise, check=warm.check), pack.exercises))


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""
