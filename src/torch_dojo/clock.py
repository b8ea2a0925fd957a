"""What time it is, for the learner's record and reviews: the machine's local time, unless
``$TORCH_DOJO_NOW`` says otherwise.

Reviews come due days after a pass; a test (or a learner trying the schedule out) cannot
wait a day, so ``TORCH_DOJO_NOW=2026-12-03`` (a date, or a time: ``2026-12-03T09:30``)
makes every command run as if it were then. A value that is not an ISO date or time is
ignored: the clock is never a reason for a command to fail.
"""

from __future__ import annotations

import os
from datetime import date, datetime

NOW_VAR = "TORCH_DOJO_NOW"


def now() -> datetime:
    """Local time now (naive, to the second), or what $TORCH_DOJO_NOW says."""
    told = os.environ.get(NOW_VAR, "").strip()
    if told:
        try:
            return datetime.fromisoformat(told).replace(tzinfo=None, microsecond=0)
        except ValueError:
            pass
    return datetime.now().replace(microsecond=0)


def today() -> date:
    return now().date()


def stamp() -> str:
    """``now()`` as progress keeps it: ``2026-12-03T09:30:00``."""
    return now().isoformat(timespec="seconds")


def parse(text: str) -> datetime | None:
    """A timestamp progress kept, or None when there is none (or it is not one)."""
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None) if text else None
    except ValueError:
        return None
