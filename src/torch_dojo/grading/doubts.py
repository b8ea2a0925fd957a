"""Whether a table of marks is a grade yet, and what its reader should know before using it.

A table is not a grade while a mark could not be judged through no fault of the student
(the grader failed: running the same command again judges it again), or while an
exercise's reference solution does not pass on this machine (its marks would say more
about the pack or the machine than about the students). A student's file that could be
several, and an exercise this machine skipped, are said but do not stop it.
"""

from __future__ import annotations

from dataclasses import dataclass

from torch_dojo.grading.marks import Grades, Mark
from torch_dojo.pack import Exercise
from torch_dojo.verdict import Status, Verdict


def reference_holds(verdict: Verdict) -> bool:
    """A reference solution that passed here (or that this machine could not run at all) is
    what students are measured against."""
    return verdict.status in (Status.PASSED, Status.SKIPPED)


@dataclass(frozen=True)
class Doubts:
    faults: tuple[Mark, ...]  # could not be judged, through no fault of the students
    unsure: tuple[Mark, ...]  # "missing": several files could be the one, sorted by student and exercise
    skipped: tuple[tuple[Exercise, tuple[Mark, ...]], ...]  # exercises skipped for some students here
    broken: tuple[Exercise, ...]  # exercises whose reference does not pass here

    @property
    def is_grade(self) -> bool:
        return not (self.faults or self.broken)

    def why_not(self) -> str:
        """Why the table is not a grade yet ("" when it is)."""
        return "; ".join(([f"{len(self.faults)} mark(s) could not be judged"] if self.faults else [])
                         + ([f"the reference of {', '.join(e.label for e in self.broken)} does not pass here"]
                            if self.broken else []))


def doubts(grades: Grades) -> Doubts:
    marks = grades.marks.values()
    skipped = []
    for exercise in grades.pack.exercises:
        some = tuple(m for s in grades.students if (m := grades.of(s.student, exercise)) and m.status == "skipped")
        if some:
            skipped.append((exercise, some))
    return Doubts(faults=tuple(m for m in marks if m.status == "error" and not m.fingerprint),
                  unsure=tuple(sorted((m for m in marks if m.candidates), key=lambda m: (m.student, m.exercise_id))),
                  skipped=tuple(skipped),
                  broken=tuple(e for e in grades.pack.exercises  # none judged: no student to measure (an empty shard)
                               if e.slug in grades.expected and not reference_holds(grades.expected[e.slug])))
