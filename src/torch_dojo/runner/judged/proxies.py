"""Stand-ins, in the judge, for what lives in the learner's process (judged mode).

- ``RemoteObject``: an object that stays in the learner's process. Attributes, calls,
  ``len``, iteration, indexing, ``repr`` go there; ``==`` and ``hash`` stay identity here
  (an object of the learner's never equals one of the judge's), and ``isinstance`` sees
  the nearest class of torch's (or Python's) in its MRO (``_dojo_standin``). A class per
  remote type (``judged.client.Client``) offers the protocols that type has.
- ``judged.graphs.GraphTensor``: a tensor with a graph (in a module of its own: it needs
  torch, this module does not).
- ``RemoteLearner``: the ``learner`` fixture; a name the file lacks is ``MissingName``.
"""

from __future__ import annotations

import builtins
import sys
from typing import Any

from torch_dojo.runner.judged import wire

REPR_LIMIT = 300
_LOCAL = frozenset({"__class__", "__deepcopy__", "__copy__", "__reduce_ex__", "__reduce__", "__getstate__",
                    "__setstate__", "__weakref__", "__slots__", "__instancecheck__", "__subclasscheck__"})


class RemoteObject:
    """An object that lives in the learner's process (see the module docstring)."""

    _dojo_proxy = True
    _dojo_standin: type | None = None
    __slots__ = ("_dojo_client", "_dojo_id", "__weakref__")

    def __getattribute__(self, name: str) -> Any:
        if name in _LOCAL or name.startswith("_dojo_"):
            return object.__getattribute__(self, name)
        return _ask(self, "getattr", name)

    @property
    def __class__(self):  # isinstance() sees the nearest trusted class
        return type(self)._dojo_standin or type(self)

    def __setattr__(self, name: str, value: Any) -> None:
        _ask(self, "setattr", name, value)

    def __delattr__(self, name: str) -> None:
        _ask(self, "delattr", name)

    def __repr__(self) -> str:
        try:
            text = _ask(self, "repr")
        except Exception:  # noqa: BLE001 - a repr that fails is the learner's
            text = None
        if type(text) is not str:
            return f"<{type(self).__qualname__} object of your code>"
        return text if len(text) <= REPR_LIMIT else text[:REPR_LIMIT - 3] + "..."

    def __str__(self) -> str:
        text = _ask(self, "str")
        if type(text) is not str:
            raise TypeError("__str__ returned non-string")
        return text

    def __bool__(self) -> bool:
        return _typed(_ask(self, "bool"), bool)

    def __dir__(self) -> list:
        names = _ask(self, "dir")
        return [n for n in names if type(n) is str] if isinstance(names, list) else []

    def __deepcopy__(self, memo: dict) -> Any:
        return _ask(self, "deepcopy")

    def __copy__(self) -> Any:
        return _ask(self, "copy")

    def __reduce_ex__(self, protocol: int):
        raise TypeError("an object in the learner's process cannot be pickled here")

    def __instancecheck__(self, obj: Any) -> bool:
        return _typed(_ask(self, "isinstance", obj), bool)

    def __del__(self) -> None:
        try:
            object.__getattribute__(self, "_dojo_client").release(object.__getattribute__(self, "_dojo_id"))
        except Exception:  # noqa: BLE001 - at interpreter exit, or a half-made proxy
            pass


def _ask(proxy: Any, op: str, *fields: Any) -> Any:
    return object.__getattribute__(proxy, "_dojo_client").request(op, proxy, *fields)


def _typed(value: Any, kind: type) -> Any:
    if type(value) is not kind:
        raise TypeError(f"the learner's object gave {type(value).__name__} where {kind.__name__} is due")
    return value


def _call(self, *args, **kwargs):
    return _ask(self, "call", args, tuple(kwargs.items()))


def _len(self):
    n = _typed(_ask(self, "len"), int)
    if n < 0:
        raise ValueError("__len__() should return >= 0")
    return n


def _iter(self):
    return _ask(self, "iter")


def _next(self):
    return _ask(self, "next")


def _number(kind: type, op: str):
    def convert(self):
        return _typed(_ask(self, op), kind)
    return convert


_PROTOCOLS = [
    (wire.CALL, "__call__", _call), (wire.LEN, "__len__", _len), (wire.ITER, "__iter__", _iter),
    (wire.NEXT, "__next__", _next),
    (wire.GETITEM, "__getitem__", lambda self, key: _ask(self, "getitem", key)),
    (wire.SETITEM, "__setitem__", lambda self, key, value: _ask(self, "setitem", key, value)),
    (wire.DELITEM, "__delitem__", lambda self, key: _ask(self, "delitem", key)),
    (wire.CONTAINS, "__contains__", lambda self, item: _typed(_ask(self, "contains", item), bool)),
    (wire.INDEX, "__index__", _number(int, "index")), (wire.FLOAT, "__float__", _number(float, "float")),
    (wire.INT, "__int__", _number(int, "int")),
]


def _standin(mro: tuple) -> type | None:
    """The class isinstance() sees: the first class in the MRO that the judge has itself
    (torch's, or builtins'), found by name among modules imported here."""
    for module, qualname in mro:
        if (module == "builtins" or module == "torch" or module.startswith("torch.")) and qualname != "object":
            found = _resolve(module, qualname)
            if found is not None:
                return found
    return None


def _resolve(module: str, qualname: str) -> type | None:
    """A class by module and qualified name, only among modules already imported here, and
    only through classes (no attribute of a module that is not a class)."""
    owner: Any = builtins if module == "builtins" else sys.modules.get(module)
    if owner is None:
        return None
    parts = qualname.split(".")
    found = vars(owner).get(parts[0])
    for part in parts[1:]:
        if not isinstance(found, type):
            return None
        found = vars(found).get(part)
    return found if isinstance(found, type) and getattr(found, "__module__", None) == module else None


class RemoteLearner:
    """The ``learner`` fixture in judged mode: the learner's module, in its own process.

    A check may replace a name here (monkeypatch): the check then sees its replacement,
    the learner's own functions still call theirs (``testing.in_learner_process`` runs code
    where they are).
    """

    __slots__ = ("_client", "_path", "_overrides")

    def __init__(self, client, path):  # a judged.client.Client
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_overrides", {})

    @property
    def __dict__(self) -> dict:
        return self._overrides

    def __getattr__(self, name: str) -> Any:
        if name in self._overrides:
            return self._overrides[name]
        from torch_dojo.runner.check_process.learner_module import MissingName, missing_name

        try:
            return self._client.member(name)
        except MissingName:
            raise
        except AttributeError:
            raise missing_name(name, self._path) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._overrides[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self._overrides[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"<your file {self._path.name}>"  # as plugin.Learner

    def _dojo_run(self, fn, args: tuple, kwargs: dict) -> Any:
        return self._client.request("run", fn, args, tuple(kwargs.items()))
