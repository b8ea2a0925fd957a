"""Turn an exception raised by learner code into a message that teaches.

A learner sees the error, the line of *their* file it came from, and, for the errors
every PyTorch beginner meets, a hint; never a traceback through torch-dojo or pytest.
"""

from __future__ import annotations

import os
import re
import traceback
from pathlib import Path

from torch_dojo.runner import confinement

# Errors that PyTorch learners meet again and again, with what usually fixes them.
KNOWN_ERRORS: list[tuple[str, str]] = [
    (r"view size is not compatible with input tensor's size and stride",
     "view() needs contiguous memory: a transposed tensor is not contiguous. Use "
     "reshape(), or call .contiguous() before .view()."),
    (r"Expected all tensors to be on the same device",
     "Every tensor in one operation must be on the same device: move the model "
     "with model.to(device) and each batch with x.to(device)."),
    (r"mat1 and mat2 shapes cannot be multiplied|size mismatch",
     "The inner sizes of a matrix product must agree: (a×b) @ (b×c). Print the shapes."),
    (r"Trying to backward through the graph a second time",
     "The graph is freed after backward()/grad(): ask for all gradients in one "
     "call (torch.autograd.grad(loss, [w1, b])), or pass retain_graph=True."),
    (r"does not require grad and does not have a grad_fn",
     "Only tensors made with requires_grad=True (or computed from one) have gradients."),
    (r"Default process group has not been initialized",
     "Call torch.distributed.init_process_group(...) (your ddp_setup) before using DDP or "
     "DistributedSampler."),
    (r"Distributed package doesn't have NCCL|NCCL.*(not available|requires)|ProcessGroupNCCL is only supported with GPUs",
     "NCCL only works with CUDA GPUs: use backend='nccl' if torch.cuda.is_available() else 'gloo'."),
    (r"Found dtype \w+ but expected \w+|expected scalar type",
     "The two tensors have different dtypes: convert one with .float() / .long() / .to(dtype)."),
]


def same_file(a: str | os.PathLike, b: str | os.PathLike | None) -> bool:
    if b is None:
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def known_hint(text: str) -> str:
    for pattern, hint in KNOWN_ERRORS:
        if re.search(pattern, text):
            return hint
    return ""


def explain(exc: BaseException, learner_file: str | Path | None) -> str:
    """One or two short paragraphs: what was raised and where in the learner's file."""
    if isinstance(exc, SyntaxError) and same_file(exc.filename or "", learner_file):
        return _syntax(exc)
    remote = getattr(exc, "_dojo_frames", None)  # judged: the lines the learner's process reported
    frames = remote if isinstance(remote, list) else traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if same_file(f.filename, learner_file)]
    if isinstance(exc, NotImplementedError) and mine:
        return f"`{mine[-1].name}` is not written yet: it still raises NotImplementedError " \
               f"(line {mine[-1].lineno} of your file)."
    text = _shorten(str(exc))
    head = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    head = confinement.refusal(exc) or head  # graded: what the wall refused, said as such
    if isinstance(exc, RecursionError):
        head += "\n(A function that calls itself without end: check the stopping case.)"
    if mine:
        where = mine[-1]
        line = (where.line or "").strip()
        head += f"\n  raised in your file, line {where.lineno}, in {where.name}(): {line}"
    return head


def _syntax(exc: SyntaxError) -> str:
    line = (exc.text or "").rstrip("\n")
    pointer = ""
    if line and exc.offset:
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        pointer = "\n    " + " " * max(exc.offset - 1 - indent, 0) + "^"
        line = stripped
    return (f"{type(exc).__name__} on line {exc.lineno} of your file: {exc.msg}\n    {line}{pointer}\n"
            "Python could not read the file, so no check ran. Fix this line (or the one above it).")


def _shorten(text: str, limit: int = 600) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
