"""Did the learner's code replace something the judging relies on?

The checks run in the same process as the learner's code, and judge with torch
(``torch.equal``, ``torch.allclose``, ``Tensor.__eq__``), pytest and torch-dojo itself. A
file could replace ``torch.allclose`` with a function that always says yes, or pytest's
``Function.runtest`` with one that does nothing. A ``Guard`` remembers, before the
learner's code runs, what every name in those modules and classes is bound to;
``changes()`` names the ones bound to something else since, and ``restore()`` puts the
originals back.

Replacing is found, not prevented: learner code runs in the judge's process, so code
that replaces a function and puts it back before anyone looks is not caught here.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any

# Packages watched whole (every module and every class defined in them) and single modules.
PACKAGES = ("torch_dojo", "pytest", "_pytest", "pluggy")
MODULES = ("builtins", "math", "operator", "torch", "torch.testing", "torch.testing._comparison",
           "torch.nn.functional")
# Module globals that the modules themselves rebind while they run.
_MODULE_NAMES_SKIPPED = {"_", "__warningregistry__", "__builtins__", "__loader__", "__spec__", "__cached__"}


@dataclass
class _Namespace:
    label: str  # "torch" or "torch.Tensor": how a learner would spell it
    owner: Any  # the module or class
    saved: dict[str, Any]


class Guard:
    def __init__(self, namespaces: list[_Namespace]):
        self._namespaces = namespaces

    @classmethod
    def snapshot(cls) -> "Guard":
        """Remember the watched modules that are imported now, and their classes."""
        namespaces: list[_Namespace] = []
        for name, module in list(sys.modules.items()):
            if not isinstance(module, ModuleType):
                continue
            whole = name.split(".")[0] in PACKAGES
            if not (whole or name in MODULES):
                continue
            saved = {k: v for k, v in vars(module).items()
                     if k not in _MODULE_NAMES_SKIPPED and (not whole or _defined_in(v, name))}
            namespaces.append(_Namespace(name, module, saved))
            if whole:
                namespaces += [_class(f"{name}.{k}", v) for k, v in saved.items() if isinstance(v, type)]
        torch = sys.modules.get("torch")
        if torch is not None:
            namespaces.append(_class("torch.Tensor", torch.Tensor))
            base = getattr(torch._C, "TensorBase", None) or getattr(torch._C, "_TensorBase", None)
            if isinstance(base, type):
                namespaces.append(_class("torch.Tensor", base))
        return cls(namespaces)

    def changes(self) -> list[str]:
        """Every watched name that is now bound to something else, or gone."""
        found = []
        missing = object()
        for space in self._namespaces:
            current = vars(space.owner)
            for key, value in space.saved.items():
                if current.get(key, missing) is not value:
                    found.append(f"{space.label}.{key}")
        return sorted(set(found))

    def restore(self) -> None:
        for space in self._namespaces:
            current = vars(space.owner)
            for key, value in space.saved.items():
                if current.get(key) is not value:
                    try:
                        setattr(space.owner, key, value)
                    except (AttributeError, TypeError):
                        pass


def _defined_in(value: Any, module: str) -> bool:
    # In the packages watched whole, their own functions and classes: what they import
    # from elsewhere is watched where it is defined (and each name costs time in every check).
    return getattr(value, "__module__", None) == module


def _class(label: str, cls: type) -> _Namespace:
    # Methods and descriptors only: classes keep caches (__slotnames__, _abc_impl) in their dict.
    saved = {k: v for k, v in vars(cls).items() if callable(v) or hasattr(type(v), "__get__")}
    return _Namespace(label, cls, saved)
