"""The learner's progress: one small JSON file, written atomically under a lock.

Keyed by exercise slug (stable when a pack renumbers its exercises); the exercises of a
pack beyond the workspace's first are keyed ``PACK/SLUG`` (``Workspace.key``), so two packs
never share an entry. Callers pass the key; this module does not care which.

Nothing the file holds stops the learner, and nothing in it is lost:

- a file that is not JSON progress at all is set aside (``progress.json.corrupt-…``, a
  unique name, under the lock) and progress starts afresh, with a warning;
- a field of the wrong type (``"hints_shown": "1"``) is reset alone, with a warning naming it;
  fields and entries this version does not know are kept as they are;
- a file made by a newer torch-dojo (``"version"`` above ``VERSION``), or one that cannot be
  read at all (a folder, no permission), is shown as far as it can be and never written:
  every save raises ``NotSaved`` saying why;
- a file of an older schema is migrated as it is read, every field kept, and written in
  this schema at the next save.

What an entry holds, and how each field is checked and migrated: progress_schema.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

from torch_dojo import verdict as verdicts  # the module; "verdict" is the value
from torch_dojo.progress_schema import VERSION, ExerciseProgress, Progress, Unusable, parse

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; atomic replace still holds
    fcntl = None

_TEMP_PREFIX, _TEMP_SUFFIX = ".progress-", ".tmp"


class NotSaved(OSError):
    """Progress could not be written (a read-only or full disk, a file of a newer version…).
    Its text says what failed and why; front ends show the verdict first, then this."""


__all__ = ["VERSION", "ExerciseProgress", "NotSaved", "Progress", "load", "save", "update"]


def _read(path: Path) -> bytes | None:
    """The file's bytes, None when there is none; OSError when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _unreadable(path: Path, err: OSError) -> Progress:
    why = err.strerror or str(err)
    if isinstance(err, IsADirectoryError):
        todo = f"it is a folder, not a file: move it away ({path}) and torch-dojo starts a fresh one"
    elif isinstance(err, PermissionError):
        todo = f"give yourself read and write access to it (chmod u+rw {path})"
    else:
        todo = "fix what stops it being read, then run torch-dojo again"
    reason = f"your progress file {path} cannot be read ({why})"
    return Progress(warning=f"{reason}, so no progress is shown and none is saved until it can be: {todo}.",
                    read_only=f"{reason}; nothing was written over it")


def _newer(path: Path, state: Progress) -> Progress:
    reason = (f"your progress file {path} was made by a newer torch-dojo (schema {state.version}): upgrade "
              f"torch-dojo (pip install -U torch-dojo); this one knows schema {VERSION} only")
    state.warning = f"{reason}. It is shown as far as this version understands it, and never written."
    state.read_only = f"{reason}; the file is left as it was"
    return state


def load(path: Path) -> Progress:
    """The progress in ``path`` (empty when there is none). Never raises for what the file
    holds; a file that is not progress at all is set aside under the lock."""
    return _load(path, locked=False)


def _load(path: Path, *, locked: bool) -> Progress:
    try:
        raw = _read(path)
    except OSError as err:
        return _unreadable(path, err)
    if raw is None:
        return Progress()
    try:
        state = parse(raw)
    except Unusable as err:
        return _set_aside(path, raw, str(err), locked=locked)
    return _newer(path, state) if state.version > VERSION else state


def _set_aside(path: Path, raw: bytes, why: str, *, locked: bool) -> Progress:
    """Move the unusable file to a unique name, under the lock, if it is still the same file:
    another process may have saved good progress since it was read."""
    try:
        with contextlib.ExitStack() as stack:
            if not locked:
                stack.enter_context(_locked(path))
                try:
                    now = _read(path)
                except OSError as err:
                    return _unreadable(path, err)
                if now != raw:  # replaced meanwhile: read what is there now
                    return _load(path, locked=True)
            fd, aside = tempfile.mkstemp(prefix=f"{path.name}.corrupt-{datetime.now():%Y%m%d-%H%M%S}-",
                                         dir=path.parent)
            os.close(fd)
            try:
                os.replace(path, aside)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(aside)
                raise
    except OSError as err:
        reason = f"your progress file {path} could not be read ({why}) and could not be set aside ({err.strerror or err})"
        return Progress(warning=f"{reason}: no progress is shown and none is saved until it is fixed or moved away.",
                        read_only=f"{reason}; nothing was written over it")
    return Progress(warning=f"Your progress file could not be read ({why}), so progress starts afresh "
                            f"(your exercise files are untouched). The old file is kept at {aside}.")


def save(path: Path, progress: Progress) -> None:
    """Write the whole file to a temporary sibling, flush it to disk, then swap it in."""
    if progress.read_only:
        raise NotSaved(f"progress could not be saved: {progress.read_only}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=path.parent)
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


def _sweep_temporaries(path: Path) -> None:
    """Temporary files a save killed mid-way left behind (called under the lock: no save is running)."""
    with contextlib.suppress(OSError):
        for left in path.parent.glob(f"{_TEMP_PREFIX}*{_TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                left.unlink()


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
    """Load, change and save under the lock, so a TUI and a CLI never overwrite each other.

    Raises NotSaved when the file cannot be written (or must not be: ``Progress.read_only``);
    the file is then as it was."""
    try:
        with _locked(path):
            progress = _load(path, locked=True)
            if progress.read_only:
                raise NotSaved(f"progress could not be saved: {progress.read_only}")
            change(progress)
            _sweep_temporaries(path)
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


def record_checked(path: Path, slug: str, verdict: verdicts.Verdict) -> tuple[verdicts.Verdict, Progress]:
    """Keep a verdict of the learner's file, and return it as the learner sees it: a check
    that failed on the last run too shows its second hint (``verdict.escalated``). The one
    rule the CLI and the workbook share; read and written under one lock."""
    shown: list[verdicts.Verdict] = []

    def record(state: Progress) -> None:
        shown.append(as_seen(state, slug, verdict))
        state.record_verdict(slug, verdict.status.value, verdicts.failing(verdict))

    state = update(path, record)
    return shown[0], state


def as_seen(state: Progress, slug: str, verdict: verdicts.Verdict) -> verdicts.Verdict:
    """The verdict as the learner sees it after the run ``state`` remembers: a check that failed
    then and fails again shows its second hint (``verdict.escalated``)."""
    return verdicts.escalated(verdict, state.of(slug).failing)


def reveal_hint(path: Path, slug: str, hints: int) -> Progress:
    """One more of the exercise's ``hints`` shown (never more than there are)."""
    def reveal(state: Progress) -> None:
        entry = state.of(slug)
        entry.hints_shown = min(entry.hints_shown + 1, hints)
        state.record_opened(slug)  # a hint asked for: the exercise was open

    return update(path, reveal)


def record_opened(path: Path, slug: str) -> Progress:
    """The learner first saw the exercise (saved only the first time)."""
    return update(path, lambda state: state.record_opened(slug))


def record_review(path: Path, slug: str, passed: bool) -> Progress:
    return update(path, lambda state: state.record_review(slug, passed))


def set_current(path: Path, slug: str) -> Progress:
    """The exercise the workbook shows now, where it opens next time."""
    return update(path, lambda state: setattr(state, "current", slug))


def mark_reset(path: Path, slug: str) -> Progress:
    """A fresh starter is in place: not tried again (hints and an earlier pass are kept)."""
    return update(path, lambda state: setattr(state.of(slug), "status", "not tried"))
