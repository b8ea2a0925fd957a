"""Practice that comes back: when a passed exercise is due for review, and the fresh copy a
review is worked on.

The schedule: an exercise first passed today comes due tomorrow; each review that passes
moves the next one out (1, 3, 7, then 21 days; after that it stays at 21 days), and a review
that fails brings it back to tomorrow, the ladder started over. Dates are the learner's
local dates (``clock.today()``): "due" means due on or before today.

A review never touches the learner's solved file: it is worked on in a fresh copy of the
starter under ``.dojo/review/`` (another pack's under ``.dojo/review/PACK/``). A copy that
passed is moved to ``.dojo/backups/review/`` (nothing the learner wrote is deleted), so the
next review starts from the starter again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Iterable

from torch_dojo.filesafe import write_file
from torch_dojo.pack import Exercise
from torch_dojo.workspace import Workspace

INTERVALS = (1, 3, 7, 21)  # days until the next review, after 0, 1, 2, 3+ reviews passed in a row


def first(today: date) -> tuple[int, str]:
    """The step and due date (ISO) of an exercise first passed ``today``: tomorrow."""
    return 0, (today + timedelta(days=INTERVALS[0])).isoformat()


def after(step: int, passed: bool, today: date) -> tuple[int, str]:
    """The step and due date after a review ``today``: one rung up when it passed (staying on
    the last, 21 days), back to tomorrow when it failed."""
    step = min(step + 1, len(INTERVALS) - 1) if passed else 0
    return step, (today + timedelta(days=INTERVALS[step])).isoformat()


def due_date(text: str) -> date | None:
    """The due date progress keeps; None when none is set (never passed) or it is not a date."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def migrated_due(last_checked: str, today: date) -> str:
    """The first due date of an exercise passed before torch-dojo kept reviews: a day after it
    was last checked (today, when that is unknown), as if that had been its first pass."""
    try:
        passed = datetime.fromisoformat(last_checked).date() if last_checked else today
    except ValueError:
        passed = today
    return first(passed)[1]


@dataclass(frozen=True)
class Review:
    """One passed exercise on the schedule."""
    exercise: Exercise
    key: str  # its progress key (Workspace.key)
    due: date


def schedule(entries: Iterable[tuple[Exercise, str, str]], today: date) -> tuple[list[Review], list[Review]]:
    """(exercise, key, due date text) → what is due today or earlier (the longest overdue
    first), and what comes up later (the soonest first). Exercises with no date are not on it."""
    on = [Review(e, key, d) for e, key, text in entries if (d := due_date(text)) is not None]
    due = sorted((r for r in on if r.due <= today), key=lambda r: r.due)
    upcoming = sorted((r for r in on if r.due > today), key=lambda r: r.due)
    return due, upcoming


def when(day: date, today: date) -> str:
    """``day`` as a learner says it: today, tomorrow, in 3 days (2026-12-05)."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return f"tomorrow ({day.isoformat()})"
    if delta < 0:
        return f"{-delta} day{'s' if delta < -1 else ''} ago ({day.isoformat()})"
    return f"in {delta} days ({day.isoformat()})"


# The copy a review is worked on ---------------------------------------------------------------

def copy_for(found: Workspace, exercise: Exercise) -> Path:
    """Where the review copy of ``exercise`` is (whether or not there is one now)."""
    folder = found.state / "review"
    if found.folder_for(exercise.pack) != found.root:
        folder = folder / exercise.pack
    return folder / exercise.file


def start(found: Workspace, exercise: Exercise) -> Path:
    """A fresh copy of the starter to review on (a copy already there is kept: it is the
    learner's work in progress). Returns its path; OSError when it cannot be written."""
    copy = copy_for(found, exercise)
    copy.parent.mkdir(parents=True, exist_ok=True)
    if not os.path.lexists(copy):
        write_file(copy, exercise.starter.read_bytes(), replace=False)
    return copy


def untouched(copy: Path, exercise: Exercise) -> bool:
    """Whether the copy is still the starter, byte for byte (nothing to judge yet)."""
    try:
        return copy.read_bytes() == exercise.starter.read_bytes()
    except OSError:
        return False


def put_away(found: Workspace, copy: Path, when_: datetime) -> Path | None:
    """Move a copy that passed into the backups, so the next review starts afresh; returns
    where it went (None when it could not be moved: it is then simply reused next time)."""
    target = found.backups / "review" / copy.relative_to(found.state / "review")
    target = target.with_name(f"{target.stem}.{when_:%Y%m%d-%H%M%S}{target.suffix}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(copy, target)
    except OSError:
        return None
    return target
