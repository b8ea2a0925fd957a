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
- ``@hint("…", then="…")``: the hint shown when this check does not pass: a nudge (the
  idea, at most an API's name, never the code). ``then`` (optional) is shown instead when
  the same check fails again on a later run, and may spell the code out.
- ``@points(3)``: what passing this check is worth when grading (``torch_dojo.scoring``).
- ``@same_process``: the check only works in the learner's own process (see below).

Judged runs (grading) call the learner's code in a process of its own: values come back
as copies, objects a check passes in come back changed in place, and ``monkeypatch`` or a
``TorchFunctionMode`` in the check does not reach the learner's code. For those, put the
part that must run beside the learner's code in a top-level function of the check file
and call it with ``in_learner_process(learner, fn, *args)``; what it returns is judged
here like any return value. ``@same_process`` marks a check that cannot be written so:
a judged run fails it with a message (keep it rare).

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


def hint(text: str, then: str = "") -> pytest.MarkDecorator:
    """Attach the hint a learner sees when this check does not pass, and (``then``) the one
    they see when it fails again on a later run."""
    return pytest.mark.hint(text, then) if then else pytest.mark.hint(text)


def points(value: float) -> pytest.MarkDecorator:
    """What passing this check is worth when grading: a number above 0 (one per case of a
    parametrized check). Once any check of an exercise carries points, the exercise scores
    the points of the checks it passed, and an unmarked check is worth 1."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"points({value!r}): a check's points are a number above 0, like points(2)")
    return pytest.mark.points(value)

same_process = pytest.mark.same_process
"""Mark a check that works only in the same process as the learner's code. Judged runs
(grading) fail it with a message saying so; prefer ``in_learner_process``."""


def in_learner_process(learner, fn, *args, **kwargs):
    """``fn(learner, *args, **kwargs)``, run where the learner's code runs.

    ``fn`` is a function at the top level of the check file. Use it for what must happen
    beside the learner's code: a ``monkeypatch`` of torch or of the learner's module, a
    ``TorchFunctionMode`` that watches the learner's operations, a graph built for the
    learner's code to walk. Unjudged it is a plain call; judged it runs in the learner's
    process, and its result (and the objects passed in) come back as a learner's return
    value does: what it observed there is what the learner's process reports.
    """
    run = getattr(type(learner), "_dojo_run", None)
    if run is not None:
        return run(learner, fn, args, kwargs)
    return fn(learner, *args, **kwargs)


__all__ = [
    "CheckFailure", "RankReport", "TorchrunResult", "assert_close", "assert_tensors_match",
    "describe", "fail", "hint", "hint_on", "points", "requires", "run_torchrun",
    "in_learner_process", "same_process",
]
