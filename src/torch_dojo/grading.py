"""``torch-dojo grade``: every student's submission judged by the learners' own engine.

    SUBMISSIONS/
      alice/                 one folder per student: their workspace (a copy of it) or
        01_first.py …        just their files, at any depth (torch-dojo/, PACK/ …)
      bob/torch-dojo/…

Each exercise of the pack is looked up in each student's folder (``locate``) and judged
in judged mode: the checks run in a process the submission's code never ran in, so what
a submission prints, patches or fakes cannot raise its grade. A run never stops for one
submission: a missing file is "missing", a broken one gets its verdict, and a fault of the
grader itself is an "error" row that says so.

Resuming: with a journal (``Journal``), every mark is appended as soon as it is known,
with a fingerprint of everything it depends on (the submitted file, the exercise's
checks, solution and manifest entry, and torch-dojo's version). A later run reuses the
marks whose fingerprint still holds and judges only the rest: an interrupted run goes on
where it stopped, and a student who resubmits one file is judged again on that file only.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator

from torch_dojo import __version__
from torch_dojo.pack import Exercise, Pack
from torch_dojo.verdict import Status, Verdict
from torch_dojo.scoring import score

SCHEMA = "torch-dojo/grade@1"
JOURNAL_SCHEMA = "torch-dojo/grade-journal@1"
MISSING = "missing"
SEARCH_DEPTH = 4  # how deep in a student's folder their files are looked for
_SKIPPED_DIRS = {".git", ".dojo", "__pycache__", ".venv", "venv", "node_modules", ".ipynb_checkpoints"}

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
    expected: dict[str, Verdict] = field(default_factory=dict)  # each reference solution, judged here
    confinement: dict | None = None  # what confined the submissions' code (runner.confinement.Wall)

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


# Finding the students and their files ------------------------------------------------------

def find_submissions(folder: Path) -> list[Submission]:
    """Each subfolder of ``folder`` is one student, named after it (hidden ones are skipped)."""
    folder = Path(folder).expanduser()
    if not folder.exists():
        raise GradeError(f"no folder at {folder}: give the folder that holds one subfolder per student.")
    if not folder.is_dir():
        raise GradeError(f"{folder} is a file: give the folder that holds one subfolder per student.")
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as err:
        raise GradeError(f"cannot read {folder}: {err.strerror}.") from None
    students = [Submission(p.name, p.resolve()) for p in entries if p.is_dir() and not p.name.startswith(".")]
    if not students:
        loose = [p.name for p in entries if p.suffix == ".py"][:3]
        tip = (f" It holds files ({', '.join(loose)}…) directly: put each student's files in a folder "
               "of their own, e.g. SUBMISSIONS/alice/.") if loose else ""
        raise GradeError(f"no student folders in {folder}: each subfolder is one student's submission.{tip}")
    return students


def locate(submission: Submission, exercise: Exercise, pack: Pack) -> Path | None:
    """The student's file for ``exercise``, or None: none, or several (``candidates``)."""
    found = candidates(submission, exercise, pack)
    return found[0] if len(found) == 1 else None


def candidates(submission: Submission, exercise: Exercise, pack: Pack) -> list[Path]:
    """The files that could be the student's file for ``exercise``: the one at the top of
    their folder or in a workspace inside it (``torch-dojo/``, a pack's subfolder), else every
    file of that name anywhere below, else every file for the same slug under another number
    (a pack renumbered since). Several: which one counts is not ours to guess."""
    root = submission.root
    for candidate in (root / exercise.file, root / "torch-dojo" / exercise.file, root / pack.name / exercise.file,
                      root / "torch-dojo" / pack.name / exercise.file):
        if candidate.is_file():
            return [candidate]
    files = sorted(_python_files(root))
    for matches in ([p for p in files if p.name == exercise.file],
                    [p for p in files if p.name.endswith(f"_{exercise.slug}.py") or p.name == f"{exercise.slug}.py"]):
        if matches:
            return matches
    return []


def _missing(student: Submission, exercise: Exercise, found: list[Path]) -> Mark:
    """The mark of a student with no file for ``exercise`` (``found``: its candidates, 0 or
    several), with why and what to do."""
    names = [_relative(student, p) for p in found]
    message = f"no {exercise.file} in the submission"
    if names:
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        message = (f"{len(names)} files could be {exercise.file} ({shown}), so none was graded: keep the one "
                   "to grade (delete or rename the others) and grade again")
    return Mark(student.student, exercise.id, exercise.slug, MISSING, 0.0, 0.0, message=message, candidates=names)


def _relative(student: Submission, file: Path) -> str:
    return str(file.relative_to(student.root)) if file.is_relative_to(student.root) else str(file)


def _python_files(root: Path, depth: int = SEARCH_DEPTH) -> Iterator[Path]:
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_file() and entry.name.endswith(".py"):
                yield Path(entry.path)
            elif entry.is_dir(follow_symlinks=False) and depth > 1 and entry.name not in _SKIPPED_DIRS:
                yield from _python_files(Path(entry.path), depth - 1)
        except OSError:
            continue


# The journal -------------------------------------------------------------------------------

class Journal:
    """Marks as JSON lines, appended and flushed one by one, so an interrupted run loses none."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def load(self) -> dict[tuple[str, str], Mark]:
        """What earlier runs found; lines that do not read (a run killed mid-write) are skipped."""
        marks: dict[tuple[str, str], Mark] = {}
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return marks
        except (OSError, UnicodeDecodeError) as err:
            raise GradeError(f"cannot read the journal {self.path} ({err}): delete it to start over, "
                             "or run with --fresh.") from None
        for line in lines:
            try:
                data = json.loads(line)
                if data.pop("schema", None) != JOURNAL_SCHEMA:
                    continue
                mark = Mark(**data)
            except (ValueError, TypeError):
                continue
            marks[mark.key] = mark
        return marks

    def append(self, mark: Mark) -> None:
        line = json.dumps({"schema": JOURNAL_SCHEMA, **asdict(mark)}, ensure_ascii=False)
        with self._lock, open(self.path, "a", encoding="utf-8") as file:
            file.write(line + "\n")
            file.flush()
            os.fsync(file.fileno())

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def fingerprint(exercise: Exercise, file: Path | None) -> str:
    """Everything a mark depends on: when any of it changes, the mark is judged again."""
    rules = (exercise.id, exercise.file, sorted(exercise.requires), exercise.time_limit,
             exercise.memory_limit_mb, exercise.points)
    digest = hashlib.sha256(f"torch-dojo {__version__}\n{rules!r}\n".encode())
    for path in (exercise.checks, exercise.solution, file):
        digest.update(b"\0")
        if path is not None:
            try:
                digest.update(path.read_bytes())
            except OSError as err:
                digest.update(f"unreadable: {err}".encode())
    return digest.hexdigest()


# Grading ----------------------------------------------------------------------------------

def grade(pack: Pack, students: list[Submission], *, checks: Iterable[Check], journal: Journal | None = None,
          on_mark: Callable[[Mark, bool], None] | None = None,
          on_reference: Callable[[Exercise, Verdict], None] | None = None,
          confinement: dict | None = None) -> Grades:
    """Judge every student on every exercise, one check at a time per ``checks`` entry (each
    a check function with its own worker: their number is how many run at once).

    Each exercise's reference solution is judged first, on this machine: its verdict lists
    every check with its points, so that every student is scored out of the same total
    (``scoring.score``), and a reference that does not pass here is said
    (``on_reference``) before anyone is marked down for it. ``on_mark(mark, reused)`` is
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
        verdict = _with_worker(workers, lambda check: _judged(check, exercise, exercise.solution))
        grades.expected[exercise.slug] = verdict
        if on_reference:
            with report:
                on_reference(exercise, verdict)

    def judge(student: Submission, exercise: Exercise, found: list[Path]) -> None:
        expected = grades.expected[exercise.slug]
        if len(found) != 1:
            publish(_scored(_missing(student, exercise, found), exercise, _missing_verdict(exercise), expected),
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
            _all(pool, [pool.submit(judge, student, exercise, candidates(student, exercise, pack))
                        for student in students for exercise in pack.exercises])
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
    relative = _relative(student, file)
    verdict = _judged(check, exercise, file)
    if verdict.message.startswith(GRADER_FAULT):
        stamp = ""  # not a final mark: the journal does not keep it
    mark = Mark(student.student, exercise.id, exercise.slug, verdict.status.value, 0.0, 0.0, relative,
                "" if verdict.passed else why(verdict),
                [{"name": c.name, "status": c.status.value, "points": c.points} for c in verdict.checks], stamp)
    return _scored(mark, exercise, verdict, expected)


def _scored(mark: Mark, exercise: Exercise, verdict: Verdict, expected: Verdict) -> Mark:
    found = score(exercise, verdict, expected if expected.status in (Status.PASSED, Status.SKIPPED) else None)
    mark.earned, mark.possible, mark.skipped = found.earned, found.possible, found.skipped
    return mark


def _missing_verdict(exercise: Exercise) -> Verdict:
    return Verdict(exercise.id, exercise.slug, exercise.title, Status.FAILED)


def why(verdict: Verdict) -> str:
    failing = [c for c in verdict.checks if c.status not in (Status.PASSED, Status.SKIPPED, Status.NOT_RUN)]
    text = verdict.message or (f"{failing[0].name}: {failing[0].message}" if failing else str(verdict.status))
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " / ".join(lines[:2])[:300]


# Output -----------------------------------------------------------------------------------

def summary(grades: Grades) -> dict:
    exercises = {}
    for exercise in grades.pack.exercises:
        marks = [grades.of(s.student, exercise) for s in grades.students]
        counts: dict[str, int] = {}
        for mark in marks:
            if mark is not None:
                counts[mark.status] = counts.get(mark.status, 0) + 1
        exercises[exercise.id] = {"slug": exercise.slug, "passed": counts.get("passed", 0), "statuses": counts,
                                  "mean_points": _mean([m.earned for m in marks if m is not None])}
    totals = [grades.total(s.student) for s in grades.students]
    return {"students": len(grades.students), "complete": grades.complete,
            "mean_total": _mean([t[0] for t in totals]), "possible": max((t[1] for t in totals), default=0.0),
            "exercises": exercises}


def to_json(grades: Grades) -> dict:
    students = []
    for student in grades.students:
        earned, possible = grades.total(student.student)
        marks = {}
        for exercise in grades.pack.exercises:
            mark = grades.of(student.student, exercise)
            if mark is not None:
                marks[exercise.id] = {k: v for k, v in asdict(mark).items()
                                      if k not in ("student", "exercise_id", "fingerprint")}
        students.append({"student": student.student, "folder": str(student.root), "total": earned,
                         "possible": possible, "exercises": marks})
    return {"schema": SCHEMA, "pack": {"name": grades.pack.name, "title": grades.pack.title,
                                       "root": str(grades.pack.root)},
            "graded_at": datetime.now().isoformat(timespec="seconds"), "torch_dojo": __version__,
            "confinement": grades.confinement, "students": students, "summary": summary(grades)}


def to_csv(grades: Grades) -> str:
    """One row per student (status and points of each exercise, then the total), then one
    summary row: how many passed each exercise, and the mean points."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["student"]
    for exercise in grades.pack.exercises:
        header += [f"{exercise.id} {exercise.slug} status", f"{exercise.id} {exercise.slug} points"]
    writer.writerow(header + ["total", "possible", "percent"])
    for student in grades.students:
        row = [_cell(student.student)]
        for exercise in grades.pack.exercises:
            mark = grades.of(student.student, exercise)
            row += [mark.status, number(mark.earned)] if mark else ["not graded", ""]
        earned, possible = grades.total(student.student)
        writer.writerow(row + [number(earned), number(possible), _percent(earned, possible)])
    totals = summary(grades)
    row = ["(summary)"]
    for exercise in grades.pack.exercises:
        found = totals["exercises"][exercise.id]
        row += [f"{found['passed']}/{len(grades.students)} passed", number(found["mean_points"])]
    writer.writerow(row + [number(totals["mean_total"]), number(totals["possible"]),
                           _percent(totals["mean_total"], totals["possible"])])
    return out.getvalue()


def write(grades: Grades, path: Path) -> None:
    """CSV or JSON by the file's suffix, written whole or not at all."""
    text = to_csv(grades) if path.suffix.lower() == ".csv" else json.dumps(to_json(grades), indent=2,
                                                                           ensure_ascii=False) + "\n"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _cell(text: str) -> str:
    # A folder named "=HYPERLINK(…)" must stay text in a spreadsheet.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 3) if values else 0.0


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _percent(earned: float, possible: float) -> str:
    return f"{100 * earned / possible:.1f}" if possible else ""
