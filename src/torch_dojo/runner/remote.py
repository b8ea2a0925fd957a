"""The judge's side of judged mode: asking the learner's process, and what comes back.

``Client.request`` sends one request (pickled, with the changes of every pair since the
last one, the random generators' states, grad mode, default dtype and thread count) and
reads the answer with ``wire.decode``: plain values, the judge's own objects, tensors the
learner made (pairs), and proxies for everything else:

- ``RemoteObject``: an object that stays in the learner's process. Attributes, calls,
  ``len``, iteration, indexing, ``repr`` go there; ``==`` and ``hash`` stay identity here
  (an object of the learner's never equals one of the judge's), and ``isinstance`` sees
  the nearest class of torch's (or Python's) it derives from.
- ``GraphTensor``: a tensor with a graph: its values are here, ``grad_fn``, ``is_leaf``
  and ``backward()`` ask the learner's process.
- ``RemoteLearner``: the ``learner`` fixture; a name the file lacks is ``MissingName``.

An exception the learner's code raised comes back as the same builtin (or torch) class,
or as a class of that name derived from the nearest builtin one, with the lines of the
learner's file it passed through (``explain`` reads them). ``LearnerLost`` (a
BaseException: a check's ``except Exception`` cannot swallow it) when the learner's
process is gone or sent what cannot be read.
"""

from __future__ import annotations

import builtins
import random
import sys
import traceback
import weakref
from typing import Any

import numpy as np
import torch

from torch_dojo.runner import mirror, wire
from torch_dojo.testing.compare import CheckFailure

REPR_LIMIT = 300
_LOCAL = frozenset({"__class__", "__deepcopy__", "__copy__", "__reduce_ex__", "__reduce__", "__getstate__",
                    "__setstate__", "__weakref__", "__slots__", "__instancecheck__", "__subclasscheck__"})
_TRUSTED_ERRORS = {("torch_dojo.testing.compare", "CheckFailure"), ("torch_dojo.runner.plugin", "MissingName")}


class LearnerLost(BaseException):
    """The learner's process is gone, or sent what cannot be read: nothing more can be asked."""


class LearnerImportFailed(Exception):
    """The learner's file did not import: args are (message, hint), as the learner's process said."""


class Client:
    def __init__(self, sock, learner_path: str):
        self.sock = sock
        self.path = learner_path
        self.pairs = mirror.Pairs()
        self.next_ref = 1
        self.local_modules: dict[str, str] = {}  # module name -> file, for classes the checks define
        self.lost = ""  # what a check that asks now is told ("" while the learner's process answers)
        self.on_lost = None  # problem -> (message now, message for later checks) (runner.judge)
        self._releases: list[int] = []
        self._proxies: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self._types: dict[tuple, type] = {}
        self._rng_last: tuple | None = None

    # Asking --------------------------------------------------------------------------------

    def request(self, op: str, *fields: Any) -> Any:
        if self.lost:
            raise LearnerLost(self.lost)
        with torch._C.DisableTorchFunction():  # a check's TorchFunctionMode sees the check's ops only
            kind, payload = self._exchange(op, fields)
        if kind == "err":
            raise rebuild_error(payload, self.path)
        if kind == "stop":
            raise StopIteration
        if kind == "import_error":
            if not (isinstance(payload, tuple) and len(payload) == 2 and all(type(p) is str for p in payload)):
                raise self._lose("an import error of the wrong shape")
            raise LearnerImportFailed(payload[0][:6000], payload[1][:1000])
        return payload

    def _exchange(self, op: str, fields: tuple) -> tuple[str, Any]:
        syncs = tuple((ref, mirror.state_of(obj, self.pairs.base(ref))) for ref, obj in self.pairs.changed())
        releases, self._releases = tuple(self._releases), []
        message = (op, fields, self.next_ref, syncs, releases, self._state())
        try:
            data, memo, size = mirror.dumps(message, self._persistent)
        except Exception as err:
            self._releases[:0] = releases
            self._rng_last = None
            raise TypeError(f"The check passes the learner's code something that cannot be sent to "
                            f"its process ({type(err).__name__}: {err}); this is a fault in the pack's "
                            "checks, not in your file.") from None
        for index, obj in memo:
            self.pairs.add(self.next_ref + index, obj)
        self.next_ref += size
        for ref, _ in syncs:
            self.pairs.rebase(ref)
        try:
            wire.send_frame(self.sock, data)
            reply = wire.recv_frame(self.sock)
        except (EOFError, OSError):
            raise self._lose(None) from None
        except wire.ProtocolError as err:
            raise self._lose(str(err)) from None
        try:
            return self._read(reply)
        except wire.ProtocolError as err:
            raise self._lose(str(err)) from None

    def _read(self, reply: bytes) -> tuple[str, Any]:
        response = wire.decode(reply, self)
        if not (isinstance(response, tuple) and len(response) == 4 and response[0] in
                ("ok", "err", "stop", "ready", "import_error") and isinstance(response[2], tuple)):
            raise wire.ProtocolError("an answer of the wrong shape")
        kind, payload, updates, rng = response
        for update in updates:
            if not (isinstance(update, tuple) and len(update) == 2 and type(update[0]) is int
                    and isinstance(update[1], tuple) and update[1]):
                raise wire.ProtocolError("an update of the wrong shape")
            ref, state = update
            obj = self.pairs.get(ref)
            if obj is None:
                raise wire.ProtocolError("an update for an object the judge does not have")
            try:
                mirror.apply(obj, state, _allowed)
            except (TypeError, ValueError, RuntimeError, AttributeError) as err:
                raise wire.ProtocolError(f"an update that does not fit: {err}") from None
            self.pairs.rebase(ref)
        if rng is not None:
            _set_rng(rng)
            self._rng_last = rng
        return kind, payload

    def _lose(self, problem: str | None) -> LearnerLost:
        now, self.lost = self.on_lost(problem) if self.on_lost else (problem or "the learner's process is gone",) * 2
        return LearnerLost(now)

    def _state(self) -> tuple:
        rng = rng_state()
        sent = None if rng == self._rng_last else rng
        self._rng_last = rng
        return (torch.is_grad_enabled(), str(torch.get_default_dtype()).removeprefix("torch."),
                torch.get_num_threads(), sent)

    def _persistent(self, obj: Any) -> Any:
        cls = type(obj)
        if getattr(cls, "_dojo_proxy", False) or cls is GraphTensor:
            return ("h", object.__getattribute__(obj, "_dojo_id"))
        if cls is RemoteLearner:
            return ("h", 0)
        ref = self.pairs.ref_of(obj)
        if ref is not None:
            return ("r", ref)
        if isinstance(obj, type) or callable(obj) and hasattr(obj, "__code__"):
            path = self.local_modules.get(getattr(obj, "__module__", None))
            if path is not None:
                if "<locals>" in obj.__qualname__:
                    raise TypeError(f"{obj.__qualname__} is defined inside a function, so the learner's "
                                    "process cannot have it: define it at the top level of the check file")
                return ("m", path, obj.__qualname__)
        return None

    def release(self, handle: int) -> None:
        self._releases.append(handle)

    # What decode() calls -----------------------------------------------------------------

    def judge_object(self, ref: int) -> Any:
        obj = self.pairs.get(ref)
        if obj is None or isinstance(obj, torch.UntypedStorage):
            raise wire.ProtocolError("a reference to an object the judge does not have")
        return obj

    def judge_storage(self, tag: bytes, ref: int):
        obj = self.pairs.get(ref)
        if tag == b"j" and isinstance(obj, torch.UntypedStorage):
            return obj
        if tag == b"k" and type(obj) is np.ndarray and (obj.flags.c_contiguous or obj.flags.f_contiguous):
            return torch.from_numpy(obj).untyped_storage()
        raise wire.ProtocolError("a reference to a storage the judge does not have")

    def handle(self, handle: int, info: tuple) -> Any:
        proxy = self._proxies.get(handle)
        if proxy is not None:
            return proxy
        if handle in self._releases:
            self._releases.remove(handle)
        proxy = object.__new__(self._proxy_type(info))
        object.__setattr__(proxy, "_dojo_client", self)
        object.__setattr__(proxy, "_dojo_id", handle)
        self._proxies[handle] = proxy
        return proxy

    def graph(self, handle: int, info: tuple, value: torch.Tensor) -> torch.Tensor:
        return _graph_tensor(value, self.handle(handle, info))

    def mirror(self, ref: int, tensor: torch.Tensor) -> None:
        self.pairs.add(ref, tensor)

    def _proxy_type(self, info: tuple) -> type:
        module, qualname, mro, flags = info
        key = (module, qualname, mro, flags)
        if key not in self._types:
            name = qualname.rsplit(".", 1)[-1] or "object"
            namespace = {"__slots__": (), "__module__": module, "__qualname__": qualname,
                         "_dojo_standin": _standin(mro)}
            namespace.update({m: f for flag, m, f in _PROTOCOLS if flags & flag})
            self._types[key] = type(name, (RemoteObject,), namespace)
        return self._types[key]


def _allowed(value: Any) -> bool:
    """What may go into the judge's own objects: no handle on an object of the learner's."""
    return not getattr(type(value), "_dojo_proxy", False)


# Proxies ---------------------------------------------------------------------------------------


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


class GraphTensor(torch.Tensor):
    """A tensor the learner's code computed with a graph. Its values are here; its graph
    (``grad_fn``, ``is_leaf``, ``backward()``) stays in the learner's process. An operation
    on it computes here, with the judge's torch; when its result has a graph, the same
    operation also runs there, so that the result's graph (and ``backward()``) goes on
    from the learner's graph. Values always come from here."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        with torch._C.DisableTorchFunctionSubclass():
            result = func(*args, **kwargs)
        if not (type(result) is torch.Tensor and result.grad_fn is not None and torch.is_grad_enabled()):
            return result
        remote = next((a for a in _flat(args, kwargs) if type(a) is GraphTensor), None)
        try:
            shadow = object.__getattribute__(remote._dojo_remote, "_dojo_client").request(
                "call", func, args, tuple(kwargs.items()))
        except Exception:  # noqa: BLE001 - an operation the learner's process cannot repeat: values only
            return result
        if type(shadow) is not GraphTensor:
            return result
        return _graph_tensor(result, shadow._dojo_remote)

    @property
    def grad_fn(self):
        return self._dojo_remote.grad_fn

    @property
    def is_leaf(self) -> bool:
        return False

    @property
    def grad(self):
        return self._dojo_remote.grad

    def backward(self, *args: Any, **kwargs: Any) -> None:
        self._dojo_remote.backward(*args, **kwargs)

    def retain_grad(self) -> None:
        self._dojo_remote.retain_grad()


def _graph_tensor(value: torch.Tensor, proxy: Any) -> GraphTensor:
    with torch._C.DisableTorchFunctionSubclass():
        tensor = torch.Tensor._make_subclass(GraphTensor, value.detach(), True)
    tensor._dojo_remote = proxy
    tensor._dojo_id = object.__getattribute__(proxy, "_dojo_id")
    return tensor


def _flat(args: tuple, kwargs: dict):
    for value in list(args) + list(kwargs.values()):
        if isinstance(value, (list, tuple)):
            yield from value
        else:
            yield value


class RemoteLearner:
    """The ``learner`` fixture in judged mode: the learner's module, in its own process.

    A check may replace a name here (monkeypatch): the check then sees its replacement,
    the learner's own functions still call theirs (``testing.in_learner_process`` runs code
    where they are).
    """

    __slots__ = ("_client", "_path", "_overrides")

    def __init__(self, client: Client, path):
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_overrides", {})

    @property
    def __dict__(self) -> dict:
        return self._overrides

    def __getattr__(self, name: str) -> Any:
        if name in self._overrides:
            return self._overrides[name]
        from torch_dojo.runner.plugin import MissingName, missing_name

        try:
            return self._client.request("getattr", self, name)
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
        return f"<the learner's module {self._path.name}, in its own process>"

    def _dojo_run(self, fn, args: tuple, kwargs: dict) -> Any:
        return self._client.request("run", fn, args, tuple(kwargs.items()))


# Exceptions ------------------------------------------------------------------------------------


class _Synthetic:
    """Mixin of the classes made for exceptions whose class the judge does not have."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


_SYNTHETIC: dict[tuple, type] = {}


def rebuild_error(info: Any, learner_path) -> BaseException:
    if not (isinstance(info, tuple) and len(info) == 7):
        raise wire.ProtocolError("an error of the wrong shape")
    module, qualname, mro, args, message, frames, attrs = info
    module, qualname, mro, _ = wire._info((module, qualname, mro, 0))
    if type(message) is not str or not isinstance(frames, tuple) or not isinstance(attrs, tuple):
        raise wire.ProtocolError("an error of the wrong shape")
    cls, exact = _error_class(module, qualname, mro)
    exc = cls.__new__(cls)
    if issubclass(cls, CheckFailure):
        exc.hint = ""
    plain = isinstance(args, tuple) and all(type(a) in (str, int, float, bool, type(None)) for a in args)
    exc.args = args if exact and plain else (message[:4000],)
    exc._dojo_frames = [traceback.FrameSummary(str(learner_path), line, str(name)[:200], line=str(text)[:500])
                        for (_, line, name, text) in (f for f in frames[-20:] if _frame(f))]
    for pair in attrs:
        if isinstance(pair, tuple) and len(pair) == 2 and pair[0] in ("hint", "dojo_hint", "dojo_message") \
                and type(pair[1]) is str:
            setattr(exc, pair[0], pair[1][:2000])
    return exc


def _frame(frame: Any) -> bool:
    return isinstance(frame, tuple) and len(frame) == 4 and type(frame[1]) is int


def _error_class(module: str, qualname: str, mro: tuple) -> tuple[type, bool]:
    """The class to raise here, and whether it is the learner's class itself."""
    if module == "builtins" or module == "torch" or module.startswith("torch.") or (module, qualname) in _TRUSTED_ERRORS:
        if (module, qualname) in _TRUSTED_ERRORS:
            from torch_dojo.runner.plugin import MissingName

            return (CheckFailure if qualname == "CheckFailure" else MissingName), False
        found = _resolve(module, qualname)
        if found is not None and issubclass(found, BaseException):
            return found, True
    base = next((c for m, q in mro if m == "builtins" and (c := _resolve(m, q)) is not None
                 and issubclass(c, BaseException)), Exception)
    key = (module, qualname, base)
    if key not in _SYNTHETIC:
        name = qualname.rsplit(".", 1)[-1] or "Error"
        try:
            _SYNTHETIC[key] = type(name, (_Synthetic, base), {"__module__": module, "__qualname__": qualname})
        except TypeError:
            _SYNTHETIC[key] = type(name, (_Synthetic, Exception), {"__module__": module, "__qualname__": qualname})
    return _SYNTHETIC[key], False


# Random generators -----------------------------------------------------------------------------


def rng_state() -> tuple:
    """The states of torch's, Python's and NumPy's global generators, as plain values."""
    torch_state = torch.get_rng_state().numpy().tobytes()
    name, keys, pos, has_gauss, cached = np.random.get_state(legacy=True)
    return (torch_state, random.getstate(), (name, keys.tobytes(), int(pos), int(has_gauss), float(cached)))


def _set_rng(state: Any) -> None:
    try:
        torch_state, python_state, numpy_state = state
        if type(torch_state) is not bytes or len(torch_state) != torch.get_rng_state().numel():
            raise ValueError("torch")
        torch.set_rng_state(torch.frombuffer(bytearray(torch_state), dtype=torch.uint8))
        random.setstate(python_state)
        name, keys, pos, has_gauss, cached = numpy_state
        if type(keys) is not bytes or len(keys) != 624 * 4:
            raise ValueError("numpy")
        np.random.set_state((name, np.frombuffer(keys, dtype=np.uint32).copy(), pos, has_gauss, cached))
    except (TypeError, ValueError, RuntimeError) as err:
        raise wire.ProtocolError(f"a random generator state that does not fit: {err}") from None
