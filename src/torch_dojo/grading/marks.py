"""What grading produces: a student's mark on one exercise, and the table of every mark."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from torch_dojo.pack import Exercise, Pack
from torch_dojo.verdict import Status, Verdict

MISSING = "missing"
GRADER_FAULT = "the grader could not check this file"

Check = Callable[[Exercise, Path], Verdict]


class GradeError(Exception):
    """The grading run cannot start; the message says what to do."""


@dataclass(frozen=True)
class Submission:
    student: str
    root: Path


@dataclass
class Mark:
    """One student's result on one exercise."""

    student: str
    exercise_id: str
    slug: str
    status: str  # a verdict status, or "missing"
    earned: float
    possible: float
    file: str = ""  # relative to the student's folder
    message: str = ""  # the first lines of why, when it did not pass
    checks: list[dict] = field(default_factory=list)
    fingerprint: str = ""
    skipped: float = 0.0  # points of checks this machine could not run (scoring.Score)
    candidates: list[str] = field(default_factory=list)  # "missing": the several files it could be

    @property
    def key(self) -> tuple[str, str]:
        return self.student, self.slug


@dataclass
class Grades:
    pack: Pack
    students: list[Submission]
    marks: dict[tuple[str, str], Mark]
    reused: int = 0  # marks taken from the journal
    references_reused: int = 0  # reference verdicts taken from the cache (grading.references)
    expected: dict[str, Verdict] = field(default_factory=dict)  # each reference solution, judged here
    confinement: dict | None = None  # what confined the submissions' code (runner.confinement.Wall)
    graded_at: str = ""  # when the marks were judged, if not now (a table merged from shards)

    def of(self, student: str, exercise: Exercise) -> Mark | None:
        return self.marks.get((student, exercise.slug))

    def total(self, student: str) -> tuple[float, float]:
        earned = possible = 0.0
        for exercise in self.pack.exercises:
            mark = self.of(student, exercise)
            if mark is not None:
                earned += mark.earned
                possible += mark.possible
        return earned, possible

    @property
    def complete(self) -> bool:
        return all(self.of(s.student, e) is not None for s in self.students for e in self.pack.exercises)


def why(verdict: Verdict) -> str:
    failing = [c for c in verdict.checks if c.status not in (Status.PASSED, Status.SKIPPED, Status.NOT_RUN)]
    text = verdict.message or (f"{failing[0].name}: {failing[0].message}" if failing else str(verdict.status))
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " / ".join(lines[:2])[:300]
