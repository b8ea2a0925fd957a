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

import os
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
    is_class: bool = False
    size: int = 0  # of the class's dict: when it is the same, nothing was added


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
        """Every watched name that is now bound to something else, or gone; and methods
        added to a watched class (``Tensor.__eq__`` is inherited: setting it adds it)."""
        found = []
        missing = object()
        for space in self._namespaces:
            current = vars(space.owner)
            for key, value in space.saved.items():
                now = current.get(key, missing)
                if now is not value and not _wraps(now, value, space.label):
                    found.append(f"{space.label}.{key}")
            if space.is_class and len(current) != space.size:
                found += [f"{space.label}.{key}" for key, value in current.items()
                          if key not in space.saved and _method(value)]
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
            if space.is_class and len(current) != space.size:
                for key in [k for k, v in current.items() if k not in space.saved and _method(v)]:
                    try:
                        delattr(space.owner, key)
                    except (AttributeError, TypeError):
                        pass


def _wraps(new: Any, old: Any, label: str) -> bool:
    """A package's own wrapper around its own function (importing torch._dynamo wraps
    torch.manual_seed): the wrapper says so (``__wrapped__``) and its code is the package's."""
    if getattr(new, "__wrapped__", None) is not old:
        return False
    code = getattr(new, "__code__", None)
    package = sys.modules.get(label.split(".")[0])
    folder = os.path.dirname(getattr(package, "__file__", None) or "") + os.sep
    return code is not None and folder != os.sep and code.co_filename.startswith(folder)


def _defined_in(value: Any, module: str) -> bool:
    # In the packages watched whole, their own functions and classes: what they import
    # from elsewhere is watched where it is defined (and each name costs time in every check).
    return getattr(value, "__module__", None) == module


def _class(label: str, cls: type) -> _Namespace:
    # Methods and descriptors only: classes keep caches (__slotnames__, _abc_impl) in their dict.
    saved = {k: v for k, v in vars(cls).items() if _method(v)}
    return _Namespace(label, cls, saved, is_class=True, size=len(vars(cls)))


def _method(value: Any) -> bool:
    return callable(value) or hasattr(type(value), "__get__")
