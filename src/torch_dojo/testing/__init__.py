"""The check API for pack authors: checks are plain pytest files.

Fixtures (provided by the runner, no import needed):

- ``learner``: the learner's module. A missing name fails the check with a message
  that names it ("your file defines no `float_tensor`").
- ``reference``: the exercise's reference solution, imported the same way.
- ``learner_path``: the learner's file as a ``pathlib.Path`` (for scripts and torchrun).
- ``record``: ``record(key, value)`` keeps JSON-able data in the verdict (loss curves,
  timings) for front ends to draw.

Markers, via the helpers below or ``pytest.mark``:

- ``@requires("cuda")`` (also ``"torchvision"``, ``"distributed"``): the check is
  skipped with the reason when this machine lacks it.
- ``@hint("…")``: the hint shown when this check does not pass.
- ``@points(3)``: what passing this check is worth when grading (``torch_dojo.scoring``).

Helpers raise ``CheckFailure`` with a message that says what differs.
"""

from __future__ import annotations

import pytest

from torch_dojo.testing.compare import (
    CheckFailure,
    assert_close,
    assert_tensors_match,
    describe,
    fail,
    hint_on,
)
from torch_dojo.testing.distributed import RankReport, TorchrunResult, run_torchrun


def requires(*names: str) -> pytest.MarkDecorator:
    """Mark a check as needing ``cuda``, ``torchvision`` or ``distributed``."""
    return pytest.mark.requires(*names)


def hint(text: str) -> pytest.MarkDecorator:
    """Attach the hint a learner sees when this check does not pass."""
    return pytest.mark.hint(text)


def points(value: float) -> pytest.MarkDecorator:
    """What passing this check is worth when grading: a number above 0 (one per case of a
    parametrized check). Once any check of an exercise carries points, the exercise scores
    the points of the checks it passed, and an unmarked check is worth 1."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"points({value!r}): a check's points are a number above 0, like points(2)")
    return pytest.mark.points(value)


__all__ = [
    "CheckFailure", "RankReport", "TorchrunResult", "assert_close", "assert_tensors_match",
    "describe", "fail", "hint", "hint_on", "points", "requires", "run_torchrun",
]
