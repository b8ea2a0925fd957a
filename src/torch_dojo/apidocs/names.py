"""An exercise's ``docs`` field: the APIs it teaches, by dotted name.

    docs = ["torch.Tensor.to", "torch.utils.data.DataLoader",
            "torchvision.transforms.v2.Compose",
            { name = "torch.cuda.memory.mem_get_info", requires = "cuda" }]

A name is PyTorch's (under ``torch`` or ``torchvision``). It may need what a machine lacks:
a name under ``torchvision.`` needs torchvision by itself, one under ``torch.distributed.``
needs torch.distributed; any other is marked with the table form. The mark sits on the name,
not on the exercise: an exercise on torchvision's transforms also names
``torch.Tensor.permute``, which ``pack verify`` proves on every machine, and where the
requirement is missing the learner reads "needs torchvision" for that one name alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TOPS = ("torch", "torchvision")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_IMPLIED = (("torchvision.", "torchvision"), ("torch.distributed.", "distributed"))
_KEYS = {"name", "requires"}


@dataclass(frozen=True)
class DocName:
    name: str
    requires: str = ""  # "" when every torch has it; else one of pack.REQUIREMENTS

    def __str__(self) -> str:
        return self.name


def implied(name: str) -> str:
    """What a name needs by where it lives ("" for most of torch)."""
    for prefix, need in _IMPLIED:
        if name.startswith(prefix) or name == prefix[:-1]:
            return need
    return ""


def parse(value: object, known: tuple[str, ...]) -> tuple[tuple[DocName, ...], list[str]]:
    """The names of a ``docs`` field, and what is wrong with it (messages, "" none)."""
    if value is None:
        return (), []
    rule = ('must be a list of dotted names like "torch.Tensor.to", or tables like '
            '{ name = "torch.cuda.mem_get_info", requires = "cuda" }')
    if not isinstance(value, list):
        return (), [rule]
    names, problems = [], []
    for number, entry in enumerate(value, start=1):
        requires = ""
        if isinstance(entry, dict):
            unknown = sorted(set(entry) - _KEYS)
            if unknown:
                problems.append(f"entry {number}: unknown key '{unknown[0]}'; a table has name and requires")
            requires, entry = entry.get("requires", ""), entry.get("name")
            if not isinstance(requires, str) or requires not in known:
                problems.append(f"entry {number}: requires = {requires!r} is not one of {', '.join(known)}")
                continue
        if not isinstance(entry, str):
            problems.append(f"entry {number}: {rule}")
            continue
        if not _DOTTED.match(entry) or entry.split(".")[0] not in TOPS:
            problems.append(f"entry {number}: '{entry}' is not a dotted name under torch or torchvision, "
                            'like "torch.nn.Linear"')
            continue
        if any(entry == n.name for n in names):
            problems.append(f"entry {number}: '{entry}' is named twice")
            continue
        names.append(DocName(entry, requires or implied(entry)))
    return tuple(names), problems
