"""The learner's progress: one small JSON file, written atomically under a lock.

Keyed by exercise slug (stable when a pack renumbers its exercises); the exercises of a
pack beyond the workspace's first are keyed ``PACK/SLUG`` (``Workspace.key``), so two packs
never share an entry. Callers pass the key; this module does not care which. A file that cannot
be read is set aside (``progress.json.corrupt-…``) and progress starts afresh with a
warning: a broken file never stops the learner.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from torch_dojo import report

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; atomic replace still holds
    fcntl = None

VERSION = 1


class NotSaved(OSError):
    """Progress could not be written (a read-only or full disk, a file of a newer version…).
    Its text says what failed and why; front ends show the verdict first, then this."""


@dataclass
class ExerciseProgress:
    status: str = "not tried"  # the last verdict's status
    hints_shown: int = 0
    ever_passed: bool = False
    last_checked: str = ""
    failing: list[str] = field(default_factory=list)  # the checks that did not pass last time


@dataclass
class Progress:
    exercises: dict[str, ExerciseProgress] = field(default_factory=dict)
    warning: str = ""  # set when the file was unreadable and progress started afresh

    def of(self, key: str) -> ExerciseProgress:
        """The entry of a slug (or PACK/SLUG), a fresh one when there is none yet."""
        return self.exercises.setdefault(key, ExerciseProgress())

    def record_verdict(self, slug: str, status: str, failing: list[str] | tuple[str, ...] = ()) -> None:
        entry = self.of(slug)
        entry.status = status
        entry.failing = list(failing)
        entry.ever_passed = entry.ever_passed or status == "passed"
        entry.last_checked = datetime.now().isoformat(timespec="seconds")

    def to_json(self) -> dict:
        return {"version": VERSION, "exercises": {k: asdict(v) for k, v in sorted(self.exercises.items())}}


def load(path: Path) -> Progress:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Progress()
    try:
        data = json.loads(raw)
        entries = data["exercises"]
        known = ExerciseProgress.__dataclass_fields__
        exercises = {str(slug): ExerciseProgress(**{k: v for k, v in entry.items() if k in known})
                     for slug, entry in entries.items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        aside = path.with_name(f"{path.name}.corrupt-{datetime.now():%Y%m%d-%H%M%S}")
        os.replace(path, aside)
        return Progress(warning=f"Your progress file could not be read, so progress starts afresh "
                                f"(your exercise files are untouched). The old file is kept at {aside}.")
    return Progress(exercises=exercises)


def save(path: Path, progress: Progress) -> None:
    """Write the whole file to a temporary sibling, flush it to disk, then swap it in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            json.dump(progress.to_json(), stream, indent=1)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_UN)


def update(path: Path, change: Callable[[Progress], None]) -> Progress:
    """Load, change and save under the lock, so a TUI and a CLI never overwrite each other."""
    try:
        with _locked(path):
            progress = load(path)
            change(progress)
            save(path, progress)
    except NotSaved:
        raise
    except OSError as err:
        raise NotSaved(f"progress could not be saved to {path}: {err.strerror or err}") from err
    return progress


# The changes every front end makes (CLI and TUI alike), each one locked update. ----------

def record_verdict(path: Path, slug: str, status: str, failing: list[str] | tuple[str, ...] = ()) -> Progress:
    """The last verdict's status, and the names of its ``failing`` checks (for second hints)."""
    return update(path, lambda state: state.record_verdict(slug, status, failing))


def record_checked(path: Path, slug: str, verdict: report.Verdict) -> tuple[report.Verdict, Progress]:
    """Keep a verdict of the learner's file, and return it as the learner sees it: a check
    that failed on the last run too shows its second hint (``report.escalated``). The one
    rule the CLI and the workbook share; read and written under one lock."""
    before: list[str] = []

    def record(state: Progress) -> None:
        before.extend(state.of(slug).failing)
        state.record_verdict(slug, verdict.status.value, report.failing(verdict))

    state = update(path, record)
    return report.escalated(verdict, before), state


def reveal_hint(path: Path, slug: str, hints: int) -> Progress:
    """One more of the exercise's ``hints`` shown (never more than there are)."""
    def reveal(state: Progress) -> None:
        entry = state.of(slug)
        entry.hints_shown = min(entry.hints_shown + 1, hints)

    return update(path, reveal)


def mark_reset(path: Path, slug: str) -> Progress:
    """A fresh starter is in place: not tried again (hints and an earlier pass are kept)."""
    return update(path, lambda state: setattr(state.of(slug), "status", "not tried"))
