"""The grading run: every reference solution judged, then every student on every exercise."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterable

from torch_dojo.grading.doubts import reference_holds
from torch_dojo.grading.journal import Journal, fingerprint
from torch_dojo.grading.marks import GRADER_FAULT, Check, Grades, Mark, Submission, why
from torch_dojo.grading.references import References
from torch_dojo.grading.submissions import candidates, missing_mark, relative
from torch_dojo.pack import Exercise, Pack
from torch_dojo.scoring import score
from torch_dojo.verdict import Status, Verdict


def grade(pack: Pack, students: list[Submission], *, checks: Iterable[Check], journal: Journal | None = None,
          on_mark: Callable[[Mark, bool], None] | None = None,
          on_reference: Callable[[Exercise, Verdict], None] | None = None,
          confinement: dict | None = None, references: References | None = None) -> Grades:
    """Judge every student on every exercise, one check at a time per ``checks`` entry (each
    a check function with its own worker: their number is how many run at once).

    Each exercise's reference solution is judged first, on this machine: its verdict lists
    every check with its points, so that every student is scored out of the same total
    (``scoring.score``), and a reference that does not pass here is said
    (``on_reference``) before anyone is marked down for it. With ``references``, a passing
    reference verdict judged by an earlier run (or shard) under the same key is reused, and
    one judged now is kept for the next. ``on_mark(mark, reused)`` is
    called as each mark is known, from one thread at a time. KeyboardInterrupt stops the
    run; what was judged is in the journal. One that comes once the last mark is known
    (in ``on_mark``, or while the workers wind down) changes nothing: the grades are returned.
    """
    earlier = journal.load() if journal else {}
    grades = Grades(pack, students, {}, confinement=confinement)
    report = threading.Lock()
    workers: queue.Queue[Check] = queue.Queue()
    for check in checks:
        workers.put(check)
    if workers.empty():
        raise ValueError("grade() needs at least one check function")

    def publish(mark: Mark, reused: bool) -> None:
        with report:
            grades.marks[mark.key] = mark
            if on_mark:
                on_mark(mark, reused)

    def judge_reference(exercise: Exercise) -> None:
        verdict = references.get(exercise) if references else None
        if verdict is not None:
            grades.references_reused += 1
        else:
            verdict = _with_worker(workers, lambda check: _judged(check, exercise, exercise.solution))
            if references:
                references.put(exercise, verdict)
        grades.expected[exercise.slug] = verdict
        if on_reference:
            with report:
                on_reference(exercise, verdict)

    def judge(student: Submission, exercise: Exercise, found: list[Path]) -> None:
        expected = grades.expected[exercise.slug]
        if len(found) != 1:
            publish(_scored(missing_mark(student, exercise, found), exercise, _missing_verdict(exercise), expected),
                    False)
            return
        file = found[0]
        stamp = fingerprint(exercise, file)
        known = earlier.get((student.student, exercise.slug))
        if known is not None and known.fingerprint == stamp:
            grades.reused += 1
            publish(known, True)
            return
        mark = _with_worker(workers, lambda check: _mark(student, exercise, file, stamp, check, expected))
        if journal:
            journal.append(mark)
        publish(mark, False)

    try:
        with ThreadPoolExecutor(max_workers=workers.qsize()) as pool:
            _all(pool, [pool.submit(judge_reference, exercise) for exercise in pack.exercises])
            # The longest first (by its reference's time): a long one started last would
            # leave the other workers idle at the end (exercise 18's torchrun, here).
            jobs = sorted(((student, exercise) for student in students for exercise in pack.exercises),
                          key=lambda job: -(grades.expected[job[1].slug].duration or 0.0))
            _all(pool, [pool.submit(judge, student, exercise, candidates(student, exercise, pack))
                        for student, exercise in jobs])
    except KeyboardInterrupt:
        if not grades.complete:
            raise
    return grades


def _all(pool: ThreadPoolExecutor, futures: list) -> None:
    """Wait for every job; on the first failure (Ctrl-C among them) call off the rest."""
    try:
        for future in futures:
            future.result()
    except BaseException:
        for future in futures:
            future.cancel()
        raise


def _with_worker(workers: queue.Queue[Check], job: Callable[[Check], object]):
    check = workers.get()
    try:
        return job(check)
    finally:
        workers.put(check)


def _judged(check: Check, exercise: Exercise, file: Path) -> Verdict:
    try:
        return check(exercise, file)
    except Exception as err:  # the grader's fault, not the student's: say so, and go on
        return Verdict(exercise.id, exercise.slug, exercise.title, Status.ERROR,
                       f"{GRADER_FAULT} ({type(err).__name__}: {err}); grade it again, and report it "
                       "if it happens again")


def _mark(student: Submission, exercise: Exercise, file: Path, stamp: str, check: Check,
          expected: Verdict) -> Mark:
    path = relative(student, file)
    verdict = _judged(check, exercise, file)
    if verdict.message.startswith(GRADER_FAULT):
        stamp = ""  # not a final mark: the journal does not keep it
    mark = Mark(student.student, exercise.id, exercise.slug, verdict.status.value, 0.0, 0.0, path,
                "" if verdict.passed else why(verdict),
                [{"name": c.name, "status": c.status.value, "points": c.points} for c in verdict.checks], stamp)
    return _scored(mark, exercise, verdict, expected)


def _scored(mark: Mark, exercise: Exercise, verdict: Verdict, expected: Verdict) -> Mark:
    found = score(exercise, verdict, expected if reference_holds(expected) else None)
    mark.earned, mark.possible, mark.skipped = found.earned, found.possible, found.skipped
    return mark


def _missing_verdict(exercise: Exercise) -> Verdict:
    return Verdict(exercise.id, exercise.slug, exercise.title, Status.FAILED)
