"""What the progress file holds: one entry per exercise, each field checked as it is read,
and older schemas migrated (progress.py reads and writes the file itself).

Schema 2 added the learner's record (attempts, the first pass, the hints
before it) and the review schedule (review.py). Attempts are counted per device (the
progress file's random ``device`` id), so that progress carried between machines merges
without counting a check twice (transfer.py says how). A file of schema 1 is migrated as
it is read (``_migrate``), every field kept, and written in schema 2 at the next save.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field, fields
from typing import Any, Callable

from torch_dojo import clock, review

VERSION = 2


@dataclass
class ExerciseProgress:
    status: str = "not tried"  # the last verdict's status
    hints_shown: int = 0
    ever_passed: bool = False
    last_checked: str = ""
    failing: list[str] = field(default_factory=list)  # the checks that did not pass last time
    # the learner's record (schema 2): check runs of the learner's file, per device id
    attempts: dict[str, int] = field(default_factory=dict)
    first_opened: str = ""  # first shown in the workbook, or first checked or hinted
    first_passed_at: str = ""  # "" : not passed, or passed before torch-dojo kept the record
    attempts_to_pass: int | None = None  # the attempt that first passed (None: not known)
    hints_before_pass: int | None = None
    # the review schedule (review.py): due date (ISO), rung of review.INTERVALS, last review
    review_due: str = ""
    review_step: int = 0
    reviewed_at: str = ""
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # fields a newer version wrote

    @property
    def attempt_count(self) -> int:
        return sum(self.attempts.values())

    def to_json(self) -> dict:
        known = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        return {**self.extra, **known, "failing": list(self.failing), "attempts": dict(sorted(self.attempts.items()))}


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_names(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_counts(value: object) -> bool:
    return isinstance(value, dict) and all(_is_count(v) for v in value.values())


def _is_count_or_none(value: object) -> bool:
    return value is None or _is_count(value)


# each field's test; a value that fails it is reset to the default, alone
_VALID: dict[str, Callable[[object], bool]] = {
    "status": _is_str, "hints_shown": _is_count, "ever_passed": lambda v: isinstance(v, bool),
    "last_checked": _is_str, "failing": _is_names, "attempts": _is_counts, "first_opened": _is_str,
    "first_passed_at": _is_str, "attempts_to_pass": _is_count_or_none, "hints_before_pass": _is_count_or_none,
    "review_due": _is_str, "review_step": _is_count, "reviewed_at": _is_str,
}


@dataclass
class Progress:
    exercises: dict[str, ExerciseProgress] = field(default_factory=dict)
    warning: str = ""  # what was wrong with the file (set aside, fields reset, not writable): say it once
    read_only: str = ""  # why this progress must never be saved over the file ("" : it may be)
    version: int = VERSION
    device: str = ""  # this progress file's random id, which its attempts are counted under
    current: str = ""  # the key of the exercise the workbook showed last: it opens there again
    problems: list[str] = field(default_factory=list, repr=False, compare=False)  # each field reset as read
    extra: dict[str, Any] = field(default_factory=dict, repr=False)  # top-level fields a newer version wrote

    def of(self, key: str) -> ExerciseProgress:
        """The entry of a slug (or PACK/SLUG), a fresh one when there is none yet."""
        return self.exercises.setdefault(key, ExerciseProgress())

    def record_verdict(self, slug: str, status: str, failing: list[str] | tuple[str, ...] = ()) -> None:
        """A check of the learner's file: one more attempt; its first pass is recorded (with the
        attempts and hints it took) and comes due for review tomorrow."""
        entry, now = self.of(slug), clock.now()
        if not self.device:
            self.device = secrets.token_hex(4)
        entry.attempts[self.device] = entry.attempts.get(self.device, 0) + 1
        entry.first_opened = entry.first_opened or now.isoformat()
        if status == "passed" and not entry.ever_passed:
            entry.first_passed_at = now.isoformat()
            entry.attempts_to_pass, entry.hints_before_pass = entry.attempt_count, entry.hints_shown
        if status == "passed" and not entry.review_due:
            entry.review_step, entry.review_due = review.first(now.date())
        entry.status = status
        entry.failing = list(failing)
        entry.ever_passed = entry.ever_passed or status == "passed"
        entry.last_checked = now.isoformat()

    def record_opened(self, slug: str) -> bool:
        """The learner first saw the exercise now (the start of "time to pass"); False when that
        was known already."""
        entry = self.of(slug)
        if entry.first_opened:
            return False
        entry.first_opened = clock.stamp()
        return True

    def record_review(self, slug: str, passed: bool) -> None:
        """A review was judged: the schedule moves out (a pass) or back to tomorrow (a fail)."""
        entry, now = self.of(slug), clock.now()
        entry.review_step, entry.review_due = review.after(entry.review_step, passed, now.date())
        entry.reviewed_at = now.isoformat()

    def to_json(self) -> dict:
        device = {"device": self.device} if self.device else {}
        current = {"current": self.current} if self.current else {}
        return {**self.extra, "version": VERSION, **device, **current,
                "exercises": {k: v.to_json() for k, v in sorted(self.exercises.items())}}


class Unusable(ValueError):
    """The file is not progress at all (not JSON, not an object of exercises)."""


def parse(raw: bytes) -> Progress:
    """Progress from the file's bytes; raises Unusable when there is nothing to keep."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as err:
        raise Unusable(f"it is not JSON ({err})") from None
    if not isinstance(data, dict):
        raise Unusable(f"it holds a JSON {type(data).__name__}, not an object")
    entries = data.get("exercises", {})
    if not isinstance(entries, dict):
        raise Unusable(f"its \"exercises\" is a JSON {type(entries).__name__}, not an object")
    problems: list[str] = []
    version = data.get("version", VERSION)
    if not _is_count(version) or version == 0:
        problems.append(f"\"version\" was {json.dumps(version)}, read as {VERSION}")
        version = VERSION
    exercises = {}
    entries = _migrate(version, entries)
    for key, entry in entries.items():
        if not isinstance(entry, dict):
            problems.append(f"{key}: its entry was {json.dumps(entry)}, reset")
            exercises[key] = ExerciseProgress()
            continue
        values, extra = {}, {}
        for name, value in entry.items():
            if name not in _VALID:
                extra[name] = value
            elif _VALID[name](value):
                values[name] = list(value) if name == "failing" else dict(value) if name == "attempts" else value
            else:
                problems.append(f"{key}: \"{name}\" was {json.dumps(value)}, reset")
        exercises[key] = ExerciseProgress(**values, extra=extra)
    device = data.get("device", "")
    if not _is_str(device):
        problems.append(f"\"device\" was {json.dumps(device)}, reset")
        device = ""
    current = data.get("current", "")
    if not _is_str(current):
        problems.append(f"\"current\" was {json.dumps(current)}, reset")
        current = ""
    state = Progress(exercises, version=version, device=device, current=current, problems=problems,
                     extra={k: v for k, v in data.items() if k not in ("version", "exercises", "device", "current")})
    if problems:
        shown = "; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
        state.warning = (f"{_short(problems)} of your progress file had the wrong type and "
                         f"{'was' if len(problems) == 1 else 'were'} reset ({shown}); everything else is kept.")
    return state


def _migrate(version: int, entries: dict) -> dict:
    """The entries of an older schema, in this one; every field kept. Schema 1 kept no record
    and no reviews: what it passed is scheduled as if first passed when it was last checked
    (its first pass, attempts and hints before it stay unknown)."""
    if version >= 2:
        return entries
    today, migrated = clock.today(), {}
    for key, entry in entries.items():
        if isinstance(entry, dict) and entry.get("ever_passed") is True and not entry.get("review_due"):
            checked = entry.get("last_checked")
            entry = {**entry, "review_due": review.migrated_due(checked if _is_str(checked) else "", today)}
        migrated[key] = entry
    return migrated


def _short(problems: list[str]) -> str:
    return "One field" if len(problems) == 1 else f"{len(problems)} fields"
