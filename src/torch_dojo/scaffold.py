"""``pack new``: a new pack that works as created, to grow into the author's own.

It holds one exercise, with a starter that fails, checks with hints and a solution that
passes, one right and one wrong learner file under ``mistakes/`` that prove what the checks
accept and catch, so ``torch-dojo pack verify`` accepts it before the author changes a line,
and a README for whoever uses the pack. The folder is written whole or not at all.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

from torch_dojo import __version__
from torch_dojo.pack import _SLUG as NAME_RULE  # a pack's folder is named as the pack

MANIFEST = '''\
# The manifest of the pack "{name}": what each exercise asks, and in which order.
# Every field is described in torch-dojo's docs/packs.md. Check the pack with
#     torch-dojo pack verify {name}

[pack]
name = "{name}"
title = "{title}"
description = "What learners practise here, in one sentence."
requires_torch_dojo = ">={series}"   # the torch-dojo versions this pack works with

[[exercise]]
id = "01"
slug = "squares"
title = "Squares of the first n integers"
chapter = "Tensors"
file = "01_squares.py"        # exercises/, checks/ and solutions/ each have a file of this name
time_limit = 60
task = """
Write `squares(n)`: a float32 tensor of length n holding 0, 1, 4, 9, …, (n - 1)².
"""
hints = [
    "`torch.arange(n)` counts 0, 1, …, n - 1; square it.",
    "`torch.arange(n, dtype=torch.float32) ** 2`: ask for float32, arange gives int64 for ints.",
]
'''

STARTER = '''\
"""Exercise 01: squares of the first n integers.

Write squares(n): a float32 tensor of length n holding 0, 1, 4, 9, ..., (n - 1) ** 2.

    >>> squares(4)
    tensor([0., 1., 4., 9.])

Save the file, and torch-dojo checks it.
"""
import torch


def squares(n):
    # TODO
    raise NotImplementedError
'''

CHECKS = '''\
"""The hidden checks of exercise 01: plain pytest functions.

`learner` is the learner's file as a module, `reference` is solutions/01_squares.py.
A check's name (the first line of its docstring) says what is checked; its message says what
went wrong; its hint, shown at once, is a nudge; then=, shown when the same check fails again
on a later save, may show code.
"""
import torch

from torch_dojo.testing import assert_tensors_match, hint


@hint("Count from 0 with torch.arange, and square what it gives.",
      then="torch.arange(n, dtype=torch.float32) ** 2")
def test_squares_of_the_first_five(learner):
    """the squares of 0 to 4 are 0, 1, 4, 9 and 16"""
    assert_tensors_match(learner.squares(5), torch.tensor([0.0, 1.0, 4.0, 9.0, 16.0]), "squares(5)")


@hint("Ask for float32: arange gives int64 for whole numbers.",
      then="torch.arange(n, dtype=torch.float32) ** 2, or .float() on the result")
def test_squares_match_the_reference(learner, reference):
    """other lengths give float32 squares too"""
    for n in (1, 3, 10):
        assert_tensors_match(learner.squares(n), reference.squares(n), f"squares({n})")
'''

MISTAKE = '''\
"""Wrong on purpose: squares from integers, so the tensor is int64, not float32.

Must fail: "the squares of 0 to 4" and "other lengths".
Says: "dtype".
"""
import torch


def squares(n):
    return torch.arange(n) ** 2
'''

RIGHT = '''\
"""Right, written another way: a list of Python numbers made into a tensor. Must pass every check."""
import torch


def squares(n):
    return torch.tensor([float(i * i) for i in range(n)])
'''

SOLUTION = '''\
import torch


def squares(n):
    return torch.arange(n, dtype=torch.float32) ** 2
'''

README = '''\
# {title}

A [torch-dojo](https://pypi.org/project/torch-dojo/) exercise pack: each exercise is a
Python file to complete, judged by hidden checks the moment it is saved.

## Learners

    pip install torch-dojo
    torch-dojo --pack path/to/{name}

The first run creates your workspace (a folder with one file per exercise) and opens the
workbook. `torch-dojo --pack path/to/{name} check 01` judges one exercise without it.

## Authors

    {name}/
      pack.toml               the manifest: one [[exercise]] table per exercise
      exercises/01_x.py       the starter a learner copies and edits
      checks/01_x.py          the hidden checks (pytest)
      solutions/01_x.py       the reference solution
      mistakes/01_x/*.py      learner files, right and wrong, that the checks must judge as
                              their docstrings say ("Wrong on purpose: ..." / "Right, ...")

To add an exercise, add its table to pack.toml and its three files, and a mistake or two
for each way you expect learners to go wrong. Then

    torch-dojo pack verify {name}

proves the pack sound: every starter fails, every solution passes, every failing check
says why, every mistake file gets the verdict it declares, CUDA and torchvision checks are
marked. torch-dojo's docs/packs.md describes the
format, the check API, sharing and grading.
'''


class ScaffoldError(Exception):
    """The pack cannot be created; the message says why and what to do."""


def new_pack(name: str, parent: Path) -> Path:
    """Create the pack ``name`` in ``parent``/``name``; returns its folder."""
    if not NAME_RULE.match(name):
        raise ScaffoldError(_bad_name(name))
    root = Path(parent) / name
    if root.exists() or root.is_symlink():
        raise ScaffoldError(f"{root} exists already; pack new never writes over a folder. "
                            "Choose another name, or another place with --dir.")
    series = ".".join(__version__.split(".")[:2])
    files = {
        "pack.toml": MANIFEST.format(name=name, title=_title(name), series=series),
        "README.md": README.format(name=name, title=_title(name)),
        "exercises/01_squares.py": STARTER,
        "checks/01_squares.py": CHECKS,
        "solutions/01_squares.py": SOLUTION,
        "mistakes/01_squares/mistake_int64.py": MISTAKE,
        "mistakes/01_squares/ok_from_a_list.py": RIGHT,
    }
    Path(parent).mkdir(parents=True, exist_ok=True)
    building = Path(parent) / f".{name}.creating-{secrets.token_hex(4)}"  # mkdir, unlike mkdtemp, keeps the umask
    try:
        building.mkdir()
        for relative, text in files.items():
            (building / relative).parent.mkdir(parents=True, exist_ok=True)
            (building / relative).write_text(text, encoding="utf-8")
        os.rename(building, root)  # whole or not at all; fails if the name was taken meanwhile
    except OSError as err:
        shutil.rmtree(building, ignore_errors=True)
        raise ScaffoldError(f"could not create {root}: {err.strerror or err}") from None
    return root


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _bad_name(name: str) -> str:
    suggestion = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    suggestion = suggestion if suggestion[:1].isalpha() else f"pack_{suggestion}".rstrip("_")
    return (f"'{name}' cannot name a pack: a pack's name is lowercase letters, digits and _, starting "
            f"with a letter (it names the folder and the learners' progress). Try '{suggestion}'.")
