"""One learner's session: the packs, their workspace and progress, the last verdict of each
exercise, and what this machine lacks; what "next exercise" and "solution unlocked" mean.

Both front ends ask this object and tell it what happened (rustlings' ``AppState``): the
TUI's workbook keeps one open while it runs, each CLI command (`torch-dojo`, `check`,
`hint`, `solution`, `reset`) opens one for its run, so the two cannot disagree.

Exercises are told apart by their progress key (``Workspace.key``: the slug, or PACK/SLUG
for a pack beyond the workspace's first), so two packs may share slugs.

Progress is read and written through progress.py (atomic, locked), so a `torch-dojo check`
in another terminal is never lost.

The learner's record (checks, first pass) is kept by progress itself as verdicts are
recorded; reviews (review.py) are worked on a copy of the starter, never the learner's file.

A save that fails (a read-only or full disk, a workspace folder moved away) loses nothing
already shown: the verdict, the hint or the reset stands for this session, and ``not_saved``
says what could not be remembered and why. A workspace folder that moved or vanished is not
followed and never made again at its old place (``gone``).
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from torch_dojo import clock, progress, review, workspace
from torch_dojo.verdict import failing
from torch_dojo.pack import Exercise, Pack
from torch_dojo.verdict import Verdict
from torch_dojo.runner.environment import Environment
from torch_dojo.workspace import Workspace, WorkspaceError

NEEDS = {"cuda": "needs CUDA", "torchvision": "needs torchvision", "distributed": "needs torch.distributed"}


class WorkspaceGone(WorkspaceError):
    """The workspace folder was moved or deleted while the workbook was open; the text says so."""


@dataclass(frozen=True)
class Unsaved:
    """Progress that could not be saved: ``short`` for the status line, ``text`` to say it in full
    (what failed, why, what to do), ``what`` failed alone (the CLI adds what it means for its command)."""
    short: str
    text: str
    what: str = ""


def unsaved(err: OSError) -> Unsaved:
    """What a failed save (``progress.NotSaved`` or any OSError) means, and what to do."""
    cause = err.__cause__ if isinstance(err.__cause__, OSError) else err
    why = cause.strerror or str(cause)
    todo = {
        errno.EROFS: "The disk is read-only: remount it read-write, or copy the workspace somewhere "
                     "writable and start torch-dojo there.",
        errno.ENOSPC: "The disk is full: free some space, then press r to check (and save) again.",
        errno.EDQUOT: "Your disk quota is used up: free some space, then press r to check (and save) again.",
        errno.EACCES: "You may not write there: make the workspace's .dojo folder yours (chown, chmod u+w).",
        errno.EPERM: "Writing there is not allowed: the file may be immutable (lsattr shows an i; "
                     "chattr -i clears it).",
    }.get(cause.errno, "Fix that, then press r to check (and save) again.")
    said = str(err) if isinstance(err, progress.NotSaved) else f"progress could not be saved: {why}"
    return Unsaved(f"progress not saved: {why}",
                   f"{said.rstrip('.')}. What you see here stands, but it is not remembered. {todo}", said)


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(folder)
    except OSError:
        return None
    return info.st_dev, info.st_ino


@dataclass
class Session:
    packs: tuple[Pack, ...]
    workspace: Workspace
    state: progress.Progress = field(default_factory=progress.Progress)
    verdicts: dict[str, Verdict] = field(default_factory=dict)  # this session's last, by key
    environment: Environment | None = None  # None until the probe answered
    warning: str = ""  # said once: the progress file was unreadable
    not_saved: Unsaved | None = None  # why the last change could not be saved; None when it was
    changed: set[str] = field(default_factory=set)  # keys whose file was saved since its last verdict
    _root: tuple[int, int] | None = field(default=None, repr=False)  # the folder opened (device, inode)
    _said: set[str] = field(default_factory=set, repr=False)  # warnings said already
    _progress_seen: tuple[int, int, int] | None = field(default=None, repr=False)  # the file as last followed

    def __post_init__(self) -> None:
        if self._root is None:
            self._root = _identity(self.workspace.root)

    @classmethod
    def open(cls, packs: Pack | Sequence[Pack], found: Workspace) -> "Session":
        state = progress.load(found.progress_file)
        return cls((packs,) if isinstance(packs, Pack) else tuple(packs), found, state, warning=state.warning)

    # Reading --------------------------------------------------------------------------------

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        """Every exercise, pack after pack, each pack in its own order."""
        return tuple(e for pack in self.packs for e in pack.exercises)

    @property
    def title(self) -> str:
        return " + ".join(pack.title for pack in self.packs)

    def key(self, exercise: Exercise) -> str:
        return self.workspace.key(exercise)

    def file_for(self, exercise: Exercise) -> Path:
        return self.workspace.file_for(exercise)

    def status(self, exercise: Exercise) -> str:
        """"passed", "failed", "not tried", … as progress has it; "changed" while the file was
        saved since its last verdict (a pass of an older file is no pass: the front end checks
        it again). Progress keeps the last verdict and ``ever_passed`` all the while."""
        key = self.key(exercise)
        return "changed" if key in self.changed else self.state.of(key).status

    def missing(self, exercise: Exercise) -> str:
        """"needs CUDA" and the like when this machine lacks a requirement, else ""."""
        env = self.environment
        if env is None or env.torch_problem:
            return ""
        lacking = {"cuda": not env.cuda_available, "torchvision": bool(env.torchvision_problem),
                   "distributed": not env.distributed}
        return ", ".join(NEEDS[r] for r in sorted(exercise.requires) if lacking.get(r))

    def passed_count(self, pack: Pack | None = None) -> int:
        """Exercises passed, of every pack or of ``pack``."""
        return sum(self.status(e) == "passed" for e in (pack.exercises if pack else self.exercises))

    def all_passed(self) -> bool:
        return self.passed_count() == len(self.exercises)

    def pending(self) -> list[Exercise]:
        return [e for e in self.exercises if self.status(e) != "passed"]

    def next_to_do(self) -> Exercise | None:
        """The exercise to work on next: the first not passed, pack after pack; None when all are."""
        return next((e for e in self.exercises if self.status(e) != "passed"), None)

    def first_to_do(self) -> Exercise:
        """Where the learner left off: ``next_to_do`` (the last exercise when all passed)."""
        return self.next_to_do() or self.exercises[-1]

    def where_left_off(self) -> Exercise:
        """Where the workbook opens: the exercise it showed last (progress remembers it), else
        ``first_to_do``."""
        return next((e for e in self.exercises if self.key(e) == self.state.current), None) or self.first_to_do()

    def after(self, exercise: Exercise) -> Exercise | None:
        """The exercise that follows ``exercise`` in its own pack; None after the pack's last."""
        siblings = next(p for p in self.packs if exercise in p.exercises).exercises
        later = siblings[siblings.index(exercise) + 1:]
        return later[0] if later else None

    def next_open(self, exercise: Exercise) -> Exercise | None:
        """What to do once ``exercise`` passed: the next exercise of its pack not passed yet
        (after it, then before it), else the first not passed of another pack; None when every
        other exercise passed."""
        siblings = next(p for p in self.packs if exercise in p.exercises).exercises
        at = siblings.index(exercise)
        order = [*siblings[at + 1:], *siblings[:at], *(e for e in self.exercises if e not in siblings)]
        return next((e for e in order if self.status(e) != "passed"), None)

    def neighbour(self, exercise: Exercise, step: int, *, pending_only: bool = False) -> Exercise | None:
        every = self.exercises
        shown = self.pending() if pending_only else list(every)
        if exercise not in shown:
            shown = sorted({*shown, exercise}, key=every.index)
        index = shown.index(exercise) + step
        return shown[index] if 0 <= index < len(shown) else None

    def hints_shown(self, exercise: Exercise) -> list[str]:
        return list(exercise.hints[:self.state.of(self.key(exercise)).hints_shown])

    def solution_unlocked(self, exercise: Exercise) -> bool:
        """The reference opens once the learner's file passed (and stays open after a reset)."""
        return self.state.of(self.key(exercise)).ever_passed

    def as_seen(self, exercise: Exercise, verdict: Verdict) -> Verdict:
        """``verdict`` as the learner sees it: second hints where the same check failed last time."""
        return progress.as_seen(self.state, self.key(exercise), verdict)

    def record_of(self, exercise: Exercise) -> progress.ExerciseProgress:
        """The learner's record of the exercise: attempts, first pass, review schedule."""
        return self.state.of(self.key(exercise))

    def reviews(self) -> tuple[list[review.Review], list[review.Review]]:
        """The passed exercises due for review today (or earlier), and those due later."""
        return review.schedule(((e, self.key(e), self.record_of(e).review_due) for e in self.exercises),
                               clock.today())

    def is_due(self, exercise: Exercise) -> bool:
        due = review.due_date(self.record_of(exercise).review_due)
        return due is not None and due <= clock.today()

    def review_copy(self, exercise: Exercise) -> Path:
        """Where a review of the exercise is worked on (review.py): never the learner's file."""
        return review.copy_for(self.workspace, exercise)

    def gone(self) -> str:
        """What became of the workspace folder since the workbook opened it; "" when it is still there."""
        root, now = self.workspace.root, _identity(self.workspace.root)
        if now is not None and (self._root is None or now == self._root):
            return ""
        what = ("is no longer there: it was moved, renamed or deleted" if now is None else
                "was replaced by another folder of that name")
        return (f"Your workspace folder {root} {what} while the workbook was open. torch-dojo does not "
                "follow it and saves nothing at the old place. Quit (q) and start torch-dojo again "
                "where your workspace is now.")

    def unsaid_warning(self) -> str:
        """The progress file's warning (it was set aside as unreadable), once: "" when said already."""
        for text in (self.warning, self.state.warning):
            if text and text not in self._said:
                self._said.add(text)
                return text
        return ""

    def follow(self) -> bool:
        """Take up progress another torch-dojo wrote (`torch-dojo hint` or `check` in another
        terminal) since this session last looked; True when something changed. A verdict of
        this session that the file's status now contradicts is dropped, not shown as the last.
        Progress this session could not save is ahead of the file: then the file is not read."""
        try:
            info = os.stat(self.workspace.progress_file)
            seen = (info.st_mtime_ns, info.st_size, info.st_ino)
        except OSError:
            return False
        if seen == self._progress_seen or self.not_saved is not None:
            return False
        self._progress_seen = seen
        fresh = progress.load(self.workspace.progress_file)
        if fresh.warning or fresh.read_only or fresh.exercises == self.state.exercises:
            return False
        self.state = fresh
        for key, verdict in list(self.verdicts.items()):
            if fresh.of(key).status != verdict.status.value:
                del self.verdicts[key]
        return True

    # Changing -------------------------------------------------------------------------------

    def remember(self, exercise: Exercise, verdict: Verdict) -> Unsaved | None:
        """Save a verdict already shown (``as_seen``); returns why it was not saved, if it was not."""
        key = self.key(exercise)
        self.verdicts[key] = verdict
        self.not_saved = self._guard()
        if self.not_saved is None:
            try:
                self.state = progress.record_verdict(self.workspace.progress_file, key, verdict.status.value,
                                                     failing(verdict))
            except OSError as err:
                self.not_saved = unsaved(err)
        return self.not_saved

    def record(self, exercise: Exercise, verdict: Verdict) -> Verdict:
        """Keep a verdict as the learner sees it (a check that failed last time too shows its
        second hint) and return that; safe to call from a worker thread (the file is locked)."""
        key = self.key(exercise)
        shown, self.state = progress.record_checked(self.workspace.progress_file, key, verdict)
        self.verdicts[key] = shown
        return shown

    def keep(self, exercise: Exercise, verdict: Verdict) -> tuple[Verdict, Unsaved | None]:
        """``record`` a verdict where progress can be saved; safe from a worker thread. Returns
        the verdict as the learner sees it (second hints where due), and why progress was not
        saved, if it was not: the verdict stands for this session either way."""
        key = self.key(exercise)
        self.not_saved = self._guard()
        if self.not_saved is None:
            try:
                return self.record(exercise, verdict), None
            except OSError as err:
                self.not_saved = unsaved(err)
        shown = progress.as_seen(self.state, key, verdict)  # remembered in memory only, so the list shows it
        self.verdicts[key] = shown
        self.state.record_verdict(key, verdict.status.value, failing(verdict))
        return shown, self.not_saved

    def reveal_hint(self, exercise: Exercise) -> str | None:
        """The next hint (remembered in progress), or None when every hint is out already.
        Shown even when progress cannot be saved (``not_saved`` says so). Progress is saved
        either way: a file with fields that had to be reset is written back repaired."""
        key = self.key(exercise)
        out = self.state.of(key).hints_shown >= len(exercise.hints)
        self.not_saved = self._guard()
        if self.not_saved is None:
            try:
                self.state = progress.reveal_hint(self.workspace.progress_file, key, len(exercise.hints))
            except OSError as err:
                self.not_saved = unsaved(err)
        if out:
            return None
        if self.not_saved is not None:
            entry = self.state.of(key)
            entry.hints_shown = min(entry.hints_shown + 1, len(exercise.hints))
        return exercise.hints[self.state.of(key).hints_shown - 1]

    def remember_place(self, exercise: Exercise) -> None:
        """Remember ``exercise`` as the one to open next time. A save that fails is said by
        nothing: the place is a convenience, and what fails saving says so elsewhere."""
        key = self.key(exercise)
        if self.state.current == key or self._guard() is not None:
            return
        try:
            self.state = progress.set_current(self.workspace.progress_file, key)
        except OSError:
            self.state.current = key

    def reset(self, exercise: Exercise) -> Path | None:
        """A fresh starter in place; returns where the learner's file was saved.

        Raises ``WorkspaceGone`` or ``OSError`` when the file was not reset; once it is, a
        progress that cannot be saved only sets ``not_saved``."""
        gone = self.gone()
        if gone:
            raise WorkspaceGone(gone)
        backup = workspace.reset(self.workspace, exercise)
        key = self.key(exercise)
        self.verdicts.pop(key, None)
        self.changed.discard(key)
        self.not_saved = None
        try:
            self.state = progress.mark_reset(self.workspace.progress_file, key)
        except OSError as err:
            self.not_saved = unsaved(err)
            self.state.of(key).status = "not tried"
        return backup

    def opened(self, exercise: Exercise) -> None:
        """The learner sees the exercise: the first time is remembered (where "time to pass"
        starts). Nothing is said when it cannot be saved: it is only a note in the record."""
        key = self.key(exercise)
        if self.state.of(key).first_opened or self._guard() is not None:
            return
        try:
            self.state = progress.record_opened(self.workspace.progress_file, key)
        except OSError:
            self.state.record_opened(key)  # kept for this session

    def start_review(self, exercise: Exercise) -> Path:
        """A fresh copy of the starter to review on (one in progress is kept); OSError or
        WorkspaceGone when it cannot be made."""
        gone = self.gone()
        if gone:
            raise WorkspaceGone(gone)
        return review.start(self.workspace, exercise)

    def reviewed(self, exercise: Exercise, verdict: Verdict) -> Unsaved | None:
        """A review copy was judged: the schedule moves out (passed) or back to tomorrow, and a
        copy that passed is put away so the next review starts afresh. Returns why the new
        schedule was not saved, if it was not."""
        key = self.key(exercise)
        self.not_saved = self._guard()
        if self.not_saved is None:
            try:
                self.state = progress.record_review(self.workspace.progress_file, key, verdict.passed)
            except OSError as err:
                self.not_saved = unsaved(err)
        if self.not_saved is not None:
            self.state.record_review(key, verdict.passed)
        if verdict.passed and not self.gone():
            review.put_away(self.workspace, self.review_copy(exercise), clock.now())
        return self.not_saved

    def _guard(self) -> Unsaved | None:
        """Saving is refused when the workspace folder is gone: progress.py would make it again."""
        gone = self.gone()
        return Unsaved("progress not saved: the workspace folder moved or vanished", gone,
                       f"progress could not be saved: the workspace folder {self.workspace.root} moved or "
                       "vanished") if gone else None
