"""Compare what the learner's code returned with what was expected, and say how they differ.

Every helper raises ``CheckFailure`` with a message a learner can act on: the shape,
dtype, device or values that differ, and a few of the differing entries.
"""

from __future__ import annotations

import contextlib
import math
import re
from typing import Any, Iterator


class CheckFailure(AssertionError):
    """A check did not pass; ``hint`` (optional) is aimed at the likely mistake.

    ``hint`` is a nudge shown at once: the idea, at most an API's name, never the code.
    ``then`` (optional) is shown instead when this same check fails again on a later run:
    there the code may be spelled out.
    """

    def __init__(self, message: str, hint: str = "", then: str = ""):
        super().__init__(message)
        self.hint = hint
        self.then = then


def fail(message: str, hint: str = "", then: str = "") -> None:
    """End the check as failed with ``message`` and, optionally, a ``hint`` (a nudge) and
    ``then``, the hint for when the same check fails again on a later run."""
    raise CheckFailure(message, hint, then)


def describe(value: Any) -> str:
    """A short description of a value for a message: a tensor by shape, dtype and device."""
    import torch

    if value is None:
        return "None (does the function `return` its result?)"
    if isinstance(value, torch.Tensor):
        shape = tuple(value.shape)
        return f"a tensor of shape {shape}, dtype {value.dtype}, on {value.device.type}"
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{type(value).__name__} {text}"


def assert_tensors_match(actual: Any, expected: Any, what: str = "the result", *,
                         atol: float = 1e-6, rtol: float = 1e-5, check_dtype: bool = True,
                         check_device: bool = True, hint: str = "", then: str = "") -> None:
    """Fail unless ``actual`` is a tensor like ``expected``: shape, dtype, device, values."""
    import torch

    if not isinstance(actual, torch.Tensor):
        fail(f"{what} should be {describe(expected)}, but it is {describe(actual)}", hint, then)
    if actual.shape != expected.shape:
        fail(f"{what} has shape {tuple(actual.shape)}, expected {tuple(expected.shape)}", hint, then)
    if check_dtype and actual.dtype != expected.dtype:
        fail(f"{what} has dtype {actual.dtype}, expected {expected.dtype}", hint, then)
    if check_device and actual.device.type != expected.device.type:
        fail(f"{what} is on {actual.device.type}, expected {expected.device.type}", hint, then)
    got, want = actual.detach().cpu(), expected.detach().cpu()
    if got.dtype != want.dtype:
        got, want = got.double(), want.double()
    if got.is_floating_point() or got.is_complex():
        close = torch.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    else:
        close = got == want
    if bool(close.all()):
        return
    bad = (~close).nonzero()
    lines = []
    for index in bad[:4].tolist():
        at = tuple(index)
        lines.append(f"  at {list(at)}: got {_scalar(got[at])}, expected {_scalar(want[at])}")
    more = f"\n  … and {len(bad) - 4} more" if len(bad) > 4 else ""
    spread = ""
    if got.is_floating_point():
        spread = f" (largest difference {float((got - want).abs().nan_to_num(math.inf).max()):.4g})"
    fail(f"{what} has {len(bad)} of {got.numel()} values wrong{spread}:\n" + "\n".join(lines) + more, hint, then)


def assert_close(actual: Any, expected: float, what: str = "the result", *,
                 rel: float = 1e-5, abs: float = 1e-7, hint: str = "", then: str = "") -> None:
    """Fail unless ``actual`` is a Python number close to ``expected``."""
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        fail(f"{what} should be a Python number like {expected!r}, but it is {describe(actual)}", hint, then)
    if not math.isclose(actual, expected, rel_tol=rel, abs_tol=abs):
        fail(f"{what} is {actual!r}, expected {expected!r}", hint, then)


def _scalar(t: Any) -> str:
    value = t.item()
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


@contextlib.contextmanager
def hint_on(pattern: str, hint: str, message: str = "", then: str = "") -> Iterator[None]:
    """Turn an exception whose text matches ``pattern`` (a regex) into a failure with ``hint``.

    For mistakes that show up as an error rather than a wrong value::

        with hint_on("view size is not compatible", "view() needs contiguous memory …"):
            learner.flatten_any(t.T)
    """
    try:
        yield
    except CheckFailure:
        raise
    except Exception as err:
        if re.search(pattern, str(err)):
            err.dojo_hint = hint  # the runner reads it when it reports the error
            if then:
                err.dojo_then = then
            if message:
                err.dojo_message = message
        raise
