"""The learner's record, in words: one exercise's (checks, first pass, the hints before it,
the next review) and a pack's summed up, as the workbook and the CLI say them.

The numbers are progress's (progress_schema.py): attempts are check runs of the learner's
file, by the CLI or the workbook; "time to pass" runs from when the exercise was first
opened in the workbook (or first checked or hinted from the CLI) to its first pass.
"""

from __future__ import annotations

from datetime import date, timedelta
from statistics import median
from typing import Sequence

from torch_dojo import clock, review
from torch_dojo.progress_schema import ExerciseProgress


def time_to_pass(entry: ExerciseProgress) -> timedelta | None:
    """From first open to first pass; None when either is not known."""
    opened, passed = clock.parse(entry.first_opened), clock.parse(entry.first_passed_at)
    return passed - opened if opened and passed and passed >= opened else None


def duration(span: timedelta) -> str:
    """``span`` as a learner says it: under a minute, 12 min, 2 h 5 min, 3 days."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h" + (f" {rest} min" if rest else "")
    return f"{minutes // (24 * 60)} days"


def _times(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def line(entry: ExerciseProgress, today: date | None = None) -> str:
    """One exercise's record in a sentence; "" before its first check."""
    checks = entry.attempt_count
    if entry.first_passed_at:
        took = time_to_pass(entry)
        parts = [f"First passed {entry.first_passed_at.replace('T', ' ')[:16]}",
                 f"on check {entry.attempts_to_pass}" if entry.attempts_to_pass else "",
                 f"{_times(entry.hints_before_pass, 'hint')} before it" if entry.hints_before_pass else "no hint",
                 f"{duration(took)} after you first opened it" if took is not None else ""]
        text = ", ".join(p for p in parts if p) + f" · {_times(checks, 'check')} in all"
    elif entry.ever_passed:
        text = "Passed before torch-dojo kept a record" + (f" · {_times(checks, 'check')} since" if checks else "")
    elif checks or entry.hints_shown:
        text = f"Not passed yet: {_times(checks, 'check')}, {_times(entry.hints_shown, 'hint')} so far"
    else:
        return ""
    due = review.due_date(entry.review_due)
    if due is not None:
        today = today or clock.today()
        text += " · review due " + ("now" if due <= today else review.when(due, today))
    return text


def summary(entries: Sequence[tuple[str, ExerciseProgress]]) -> list[str]:
    """A pack's record summed up, a sentence a line: (exercise label, its entry), in order."""
    if not entries:
        return []
    checks = sum(e.attempt_count for _, e in entries)
    hints = sum(e.hints_before_pass or 0 for _, e in entries)
    first_try = sum(e.attempts_to_pass == 1 for _, e in entries)
    lines = [f"{_times(checks, 'check')} in all; {first_try} of {len(entries)} passed on the first check; "
             f"{_times(hints, 'hint')} taken before passing."]
    took = [(t, label) for label, e in entries if (t := time_to_pass(e)) is not None]
    if took:
        longest, label = max(took)
        lines.append(f"Time from opening an exercise to passing it: {duration(median(t for t, _ in took))} "
                     f"typically; the longest was {label} ({duration(longest)}).")
    most = max(entries, key=lambda item: item[1].attempts_to_pass or 0)
    if (most[1].attempts_to_pass or 0) > 1:
        lines.append(f"The most checks to a pass: {most[0]} ({most[1].attempts_to_pass}).")
    return lines
