"""What a verdict is worth when grading: the points earned out of the points possible.

Two ways to count, chosen by the pack's checks (docs/packs.md, "Points"):

- **All or nothing** (no check of the exercise carries points): the exercise's ``points``
  from the manifest (default 1) when the verdict passed, else 0.
- **Per check** (at least one check carries ``@points(n)``): the sum of the points of the
  checks that passed; a check without ``@points`` is worth 1, each case of a parametrized
  check counts on its own, and the exercise's ``points`` is not used. A verdict in error
  as a whole (the file does not import, replaced what the checks judge with, left threads
  running; ``Status.ERROR``) earns nothing, whatever its checks said.

Checks skipped for a requirement this machine lacks (CUDA, torchvision…) count in neither
``earned`` nor ``possible``: they are in ``skipped``, so that a table can say what was not
graded here. An exercise whose every check was skipped scores 0 of 0.

A run cut short by a limit (``timeout``, ``memory``): per check, the checks that passed
before it keep their points; the check that was stopped and the checks never reached
(``Status.NOT_RUN``) count as possible, not earned. All or nothing: 0. A run ended by the
learner's code (a crash, an interrupt) is in error as a whole and earns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from torch_dojo.pack import Exercise
from torch_dojo.verdict import CheckResult, Status, Verdict

UNMARKED_CHECK_POINTS = 1.0  # a check without @points, once another check of its exercise has some


@dataclass(frozen=True)
class Score:
    earned: float
    possible: float
    skipped: float = 0.0  # the points of checks this machine could not run

    def __str__(self) -> str:
        return f"{self.earned:g}/{self.possible:g}"

    def to_json(self) -> dict:
        return {"earned": self.earned, "possible": self.possible, "skipped": self.skipped}


def score(exercise: Exercise, verdict: Verdict, expected: Verdict | None = None) -> Score:
    """The score of ``verdict``, a learner's file judged with ``exercise``'s checks.

    ``expected``: the verdict of the exercise's reference solution on the same machine.
    It lists every check with its points, so a file that stopped before its checks ran (a
    syntax error, a timeout) is scored out of the same total as one that passed. Graders
    should pass it; without it the checks of ``verdict`` itself are the measure.
    """
    basis = expected if expected is not None else verdict
    if not any(c.points is not None for c in basis.checks):
        if basis.status is Status.SKIPPED:
            return Score(0.0, 0.0, skipped=float(exercise.points))
        return Score(float(exercise.points) if verdict.passed else 0.0, float(exercise.points))
    outcome = {c.name: c.status for c in verdict.checks}
    earned = possible = skipped = 0.0
    for check in basis.checks:
        worth = _worth(check)
        if check.status is Status.SKIPPED:
            skipped += worth
            continue
        possible += worth
        if verdict.status is not Status.ERROR and outcome.get(check.name) is Status.PASSED:
            earned += worth
    return Score(earned, possible, skipped)


def _worth(check: CheckResult) -> float:
    return check.points if check.points is not None else UNMARKED_CHECK_POINTS
