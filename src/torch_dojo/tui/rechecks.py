"""Which learner files changed since their last check, and which exercise to check next.

The workbook watches the whole workspace: a save to any exercise's file, not only the one
on screen, makes its last verdict stale. The session then says "changed" for it (its mark,
the "N of M passed" and what is left to do never count a pass of a file that changed since),
and it is checked again in the background, one check at a time: the exercise on screen
first, the others in the pack's order. A save to the exercise on screen cancels a background
check still running; that exercise stays "changed" and is checked again after.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from torch_dojo.pack import Exercise
from torch_dojo.session import Session

Signature = tuple[int, int]


def signature(path: Path) -> Signature | None:
    """What changes when a file is saved: its modification time and size."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def among(file: Path, paths: set[Path]) -> bool:
    """Whether ``paths`` (a watcher's) name ``file``, as given or where a link leads (a looping
    link is taken as it is)."""
    return file in paths or Path(os.path.realpath(file)) in paths


class Rechecks:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._checked: dict[Path, Signature | None] = {}  # file -> its signature when its last check started
        self._given_up: set[str] = set()  # keys whose background check failed on our side: checked on arrival only

    def started(self, exercise: Exercise) -> None:
        file = self.session.file_for(exercise)
        self._checked[file] = signature(file)
        self._given_up.discard(self.session.key(exercise))

    def forget(self, exercise: Exercise) -> None:
        """The file was replaced by us (a reset): its next save is new, whatever its signature."""
        self._checked.pop(self.session.file_for(exercise), None)

    def is_new(self, exercise: Exercise) -> bool:
        """Whether the file is there and is not the version its last check started on."""
        file = self.session.file_for(exercise)
        now = signature(file)
        return now is not None and now != self._checked.get(file)

    def saved(self, paths: set[Path]) -> list[Exercise]:
        """The exercises whose file is ``among`` ``paths`` and holds a version not checked yet."""
        touched = []
        for exercise in self.session.exercises:
            if among(self.session.file_for(exercise), paths) and self.is_new(exercise):
                touched.append(exercise)
        return touched

    def finished(self, exercise: Exercise) -> None:
        """A verdict arrived: unless the file changed again during the check, it is current."""
        if not self.is_new(exercise):
            self.session.changed.discard(self.session.key(exercise))

    def give_up(self, exercise: Exercise) -> None:
        """Its check failed on our side: not retried in the background (it would fail again)."""
        self._given_up.add(self.session.key(exercise))

    def next(self, current: Exercise) -> Exercise | None:
        """The exercise to check in the background now: the one on screen first."""
        waiting = self.session.changed - self._given_up
        return next((e for e in (current, *self.session.exercises) if self.session.key(e) in waiting), None)

    def changed_while_away(self) -> list[Exercise]:
        """Exercises whose file was saved after their last check as progress has it (the
        workbook was closed, or the check ran from the command line before the save)."""
        found = []
        for exercise in self.session.exercises:
            entry = self.session.state.of(self.session.key(exercise))
            now = signature(self.session.file_for(exercise))
            try:
                checked = datetime.fromisoformat(entry.last_checked).timestamp()
            except (TypeError, ValueError):
                continue
            # last_checked has whole seconds and is written after the check: 2 s of slack
            if now is not None and entry.status != "not tried" and now[0] / 1e9 > checked + 2:
                found.append(exercise)
        return found
