"""Where each student's submission is, and which of its files is the one for an exercise."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from torch_dojo.grading.marks import MISSING, GradeError, Mark, Submission
from torch_dojo.pack import Exercise, Pack

SEARCH_DEPTH = 4  # how deep in a student's folder their files are looked for
_SKIPPED_DIRS = {".git", ".dojo", "__pycache__", ".venv", "venv", "node_modules", ".ipynb_checkpoints"}


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


def missing_mark(student: Submission, exercise: Exercise, found: list[Path]) -> Mark:
    """The mark of a student with no file for ``exercise`` (``found``: its candidates, 0 or
    several), with why and what to do."""
    names = [relative(student, p) for p in found]
    message = f"no {exercise.file} in the submission"
    if names:
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        message = (f"{len(names)} files could be {exercise.file} ({shown}), so none was graded: keep the one "
                   "to grade (delete or rename the others) and grade again")
    return Mark(student.student, exercise.id, exercise.slug, MISSING, 0.0, 0.0, message=message, candidates=names)


def relative(student: Submission, file: Path) -> str:
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
