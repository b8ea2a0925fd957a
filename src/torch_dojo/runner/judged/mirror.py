"""Objects that exist on both sides in judged mode, and keeping the two copies alike.

A check hands the learner's code its own objects: a model to train, tensors whose
``.grad`` it reads afterwards, a list a forward pass appends to. They travel to the
learner's process pickled (``JudgePickler``: tensors with their gradient, views keeping
their shared storage), and each object that can change (tensors, storages, arrays, lists,
dicts, sets, objects with a ``__dict__``) becomes a *pair*: the judge's object and the
copy there, under one number (``Pairs``). Both sides note a cheap fingerprint of every
pair (a tensor's version counter and layout, the identities of a container's items) and,
before each request (judge) and after it (learner), send the state of what changed
(``state_of``); the other side writes it into its own object in place (``apply``), so
identity holds: ``result is model``, ``w.grad`` after the learner's ``backward()``.
Tensors the learner's code made come back as pairs too (``mirror``), so that a check
writing into a parameter it read moves the learner's model. Pairs last until the check
ends (``clear``): a tensor the check dropped may still carry a change to send.
"""

from __future__ import annotations

import collections
import enum
import io
import pickle
import sys
import types
from typing import Any, Callable

from torch_dojo.runner.judged import decode, wire

_CONTAINERS = (list, dict, set, collections.OrderedDict, collections.defaultdict)
SCALARS = frozenset({int, float, str, bytes, bool, complex, type(None)})  # most of what a message holds
_NEVER_PAIRED = SCALARS | {tuple, frozenset}
_NOT_STATE = (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.ModuleType,
              enum.Enum)  # an enum member is a singleton, pickled by name


def _is_tensor(t: type) -> bool:
    """A plain tensor or a Parameter (torch is only looked at when it is imported)."""
    torch = sys.modules.get("torch")
    return torch is not None and (t is torch.Tensor or t is torch.nn.Parameter)


def _is_storage_or_array(t: type) -> bool:
    torch, np = sys.modules.get("torch"), sys.modules.get("numpy")
    return (torch is not None and t is torch.UntypedStorage) or (np is not None and t is np.ndarray)


def is_storage(obj: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and type(obj) is torch.UntypedStorage


def pairable(obj: Any) -> bool:
    """Whether an object can change in place, so that both sides must keep it alike."""
    t = type(obj)
    if t in _NEVER_PAIRED:
        return False
    if t in _CONTAINERS or _is_tensor(t) or _is_storage_or_array(t):
        return True
    torch = sys.modules.get("torch")
    if getattr(t, "_dojo_proxy", False) or isinstance(obj, _NOT_STATE) or \
            (torch is not None and isinstance(obj, torch.Tensor)):
        return False
    try:
        return type(vars(obj)) is dict
    except TypeError:
        return False


def fingerprint(obj: Any) -> tuple[Any, Any]:
    """(what is compared, what keeps the compared objects alive so that ids stay theirs)."""
    t = type(obj)
    if _is_tensor(t):
        grad = obj.grad if obj.is_leaf else None
        try:
            version = obj._version
        except RuntimeError:  # inference tensors keep no version: never synced
            return None, None
        storage = obj.untyped_storage()
        return ((version, id(storage), obj.storage_offset(), tuple(obj.shape), obj.stride(), obj.dtype,
                 obj.requires_grad, id(grad), grad._version if grad is not None else -1), (storage, grad))
    if t is list:
        items = tuple(obj)
        return tuple(map(id, items)), items
    if t in (dict, collections.OrderedDict, collections.defaultdict):
        items = tuple(obj.items())
        return tuple((id(k), id(v)) for k, v in items), items
    if t is set:
        items = tuple(obj)
        return frozenset(map(id, items)), items
    if _is_storage_or_array(t):
        return None, None
    items = tuple(vars(obj).items())
    return tuple((k, id(v)) for k, v in items), items


class Pairs:
    """ref -> the object on this side; each with the fingerprint last agreed on."""

    def __init__(self) -> None:
        self._objects: dict[int, Any] = {}
        self._ref_by_id: dict[int, int] = {}
        self._base: dict[int, tuple] = {}

    def __len__(self) -> int:
        return len(self._objects)

    def add(self, ref: int, obj: Any) -> None:
        old = self.ref_of(obj)
        if old is not None:
            self.drop([old])
        self._objects[ref] = obj
        self._ref_by_id[id(obj)] = ref
        self.rebase(ref)

    def get(self, ref: int) -> Any:
        return self._objects.get(ref)

    def base(self, ref: int) -> tuple | None:
        return self._base.get(ref)

    def ref_of(self, obj: Any) -> int | None:
        ref = self._ref_by_id.get(id(obj))
        return ref if ref is not None and self._objects.get(ref) is obj else None

    def rebase(self, ref: int) -> None:
        obj = self._objects.get(ref)
        if obj is not None:
            self._base[ref] = fingerprint(obj)

    def changed(self) -> list[tuple[int, Any]]:
        found = []
        for ref, obj in self._objects.items():
            key = self._base[ref][0]
            if key is not None and fingerprint(obj)[0] != key:
                found.append((ref, obj))
        return found

    def drop(self, refs) -> None:
        for ref in refs:
            obj = self._objects.pop(ref, None)
            self._base.pop(ref, None)
            if obj is not None and self._ref_by_id.get(id(obj)) == ref:
                del self._ref_by_id[id(obj)]

    def clear(self) -> None:
        self._objects.clear()
        self._ref_by_id.clear()
        self._base.clear()


# What changed, and writing it in -------------------------------------------------------------


def state_of(obj: Any, base: tuple | None) -> tuple:
    """The state to send for a changed pair (``base``: its last agreed fingerprint)."""
    t = type(obj)
    if _is_tensor(t):
        storage = obj.untyped_storage()
        key = base[0] if base else None
        data_changed = key is None or key[0] != obj._version or key[1] != id(storage)
        data = wire.storage_bytes(storage) if data_changed and obj.device.type != "meta" else None
        grad = obj.grad if obj.is_leaf else None
        return ("t", data, str(obj.dtype).removeprefix("torch."), obj.storage_offset(), tuple(obj.shape),
                tuple(obj.stride()), storage.nbytes(), obj.requires_grad,
                grad)
    if t is list:
        return ("l", tuple(obj))
    if t in (dict, collections.OrderedDict, collections.defaultdict):
        return ("d", tuple(obj.items()))
    if t is set:
        return ("s", tuple(obj))
    return ("o", tuple(vars(obj).items()))


def apply(obj: Any, state: tuple, allowed: Callable[[Any], bool] = lambda _: True) -> None:
    """Write ``state`` (from ``state_of`` on the other side) into ``obj`` in place.

    ``allowed(value)`` says which values may go into a container or an object's
    attributes (the judge keeps the learner's handles out of its own objects).
    """
    kind = state[0]
    if kind == "t":
        return _apply_tensor(obj, state)
    items = state[1]
    if not isinstance(items, tuple):
        raise wire.ProtocolError("bad state")
    if kind == "l" and type(obj) is list:
        if all(allowed(v) for v in items):
            obj[:] = items
    elif kind == "s" and type(obj) is set:
        obj.clear()
        obj.update(v for v in items if allowed(v))
    elif kind in ("d", "o") and (kind == "o" or isinstance(obj, dict)):
        target = obj if kind == "d" else vars(obj)
        old = dict(target)
        target.clear()
        for pair in items:
            if not (isinstance(pair, tuple) and len(pair) == 2) or (kind == "o" and type(pair[0]) is not str):
                raise wire.ProtocolError("bad state")
            key, value = pair
            if allowed(value) and allowed(key):
                target[key] = value
            elif key in old:
                target[key] = old[key]
    else:
        raise wire.ProtocolError(f"a state of kind {kind!r} for a {type(obj).__name__}")


def _apply_tensor(t, state: tuple) -> None:
    import torch

    if len(state) != 9:
        raise wire.ProtocolError("bad tensor state")
    _, data, dtype_name, offset, shape, stride, nbytes, requires_grad, grad = state
    dtype = decode.torch_dtype(dtype_name)
    if not (type(offset) is int and offset >= 0 and isinstance(shape, tuple) and isinstance(stride, tuple)
            and len(shape) == len(stride) and all(type(n) is int and n >= 0 for n in shape + stride)
            and type(nbytes) is int and nbytes >= 0 and type(requires_grad) is bool):
        raise wire.ProtocolError("bad tensor state")
    with torch.no_grad():
        storage = t.untyped_storage()
        if data is not None:
            if type(data) is not bytes or len(data) != nbytes:
                raise wire.ProtocolError("bad tensor data")
            if storage.nbytes() != nbytes:
                storage = _new_storage(data, t.device)
            elif nbytes:
                whole = torch.empty(0, dtype=torch.uint8, device=storage.device).set_(storage)
                whole.copy_(torch.frombuffer(bytearray(data), dtype=torch.uint8))
        if t.device.type != "meta":
            decode.check_bounds(shape, stride, offset, dtype, storage.nbytes())
        if (storage is not t.untyped_storage() or dtype != t.dtype or offset != t.storage_offset()
                or shape != tuple(t.shape) or stride != tuple(t.stride())):
            if t.device.type == "meta":
                t.data = torch.empty_strided(shape, stride, dtype=dtype, device="meta")
            else:
                t.data = torch.empty(0, dtype=dtype, device=storage.device).set_(storage, offset, shape, stride)
    if t.is_leaf:
        if t.requires_grad != requires_grad and (t.is_floating_point() or t.is_complex()):
            t.requires_grad_(requires_grad)
        if grad is not None and (not isinstance(grad, torch.Tensor) or grad.shape != t.shape):
            raise wire.ProtocolError("a gradient that does not fit its tensor")
        if grad is not t.grad:
            t.grad = grad


def _new_storage(data: bytes, device):
    import torch

    if not data:
        return torch.UntypedStorage(0, device=device)
    storage = torch.frombuffer(bytearray(data), dtype=torch.uint8).clone().untyped_storage()
    return storage if device.type == "cpu" else \
        torch.empty(0, dtype=torch.uint8).set_(storage).to(device).untyped_storage()


# Judge -> learner: pickle ---------------------------------------------------------------------


def build_storage(data: bytes, device: str):
    """Rebuilds a storage in the learner's process (called by pickle there)."""
    import torch

    return _new_storage(data, torch.device(device))


def build_tensor(storage, dtype_name: str, offset: int, shape: tuple, stride: tuple, requires_grad: bool,
                 grad, is_param: bool, device: str):
    """Rebuilds a tensor in the learner's process: a view of its storage, with its gradient."""
    import torch

    dtype = getattr(torch, dtype_name)
    with torch.no_grad():
        if storage is None:
            tensor = torch.empty_strided(shape, stride, dtype=dtype, device=device)
        else:
            tensor = torch.empty(0, dtype=dtype, device=storage.device).set_(storage, offset, shape, stride)
    if is_param:
        tensor = torch.nn.Parameter(tensor, requires_grad=requires_grad)
    elif requires_grad:
        tensor.requires_grad_(True)
    if grad is not None:
        tensor.grad = grad
    return tensor


def _reduce_tensor(t) -> tuple:
    import torch

    grad = t.grad if t.is_leaf else None
    storage = None if t.device.type == "meta" else t.untyped_storage()
    return (build_tensor, (storage, str(t.dtype).removeprefix("torch."), t.storage_offset(), tuple(t.shape),
                           tuple(t.stride()), t.requires_grad, grad, type(t) is torch.nn.Parameter, str(t.device)))


class JudgePickler(pickle.Pickler):
    """Pickles what the judge sends; ``persistent(obj)`` names objects the other side has."""

    def __init__(self, file, persistent: Callable[[Any], Any]):
        super().__init__(file, protocol=5)
        self._persistent = persistent

    def persistent_id(self, obj: Any) -> Any:
        return self._persistent(obj)

    def reducer_override(self, obj: Any) -> Any:
        t = type(obj)
        if _is_tensor(t):
            return _reduce_tensor(obj)
        torch = sys.modules.get("torch")
        if torch is not None and t is torch.UntypedStorage:
            return (build_storage, (wire.storage_bytes(obj), str(obj.device)))
        return NotImplemented


def dumps(message: Any, persistent: Callable[[Any], Any]) -> tuple[bytes, list[tuple[int, Any]], int]:
    """The pickled message, (memo index, object) of every object that may become a pair, and
    how many memo indices the message used."""
    buffer = io.BytesIO()
    pickler = JudgePickler(buffer, persistent)
    pickler.dump(message)
    memo = pickler.memo.copy().values()
    return buffer.getvalue(), [(index, obj) for index, obj in memo if pairable(obj)], len(memo)


class LearnerUnpickler(pickle.Unpickler):
    """In the learner's process: ``persistent(pid)`` gives the object a persistent id names."""

    def __init__(self, data: bytes, persistent: Callable[[Any], Any]):
        super().__init__(io.BytesIO(data))
        self._load = persistent

    def persistent_load(self, pid: Any) -> Any:
        return self._load(pid)


def loads(data: bytes, persistent: Callable[[Any], Any]) -> tuple[Any, dict[int, Any]]:
    """The message, and memo index -> object (the same indices as ``dumps`` gave)."""
    unpickler = LearnerUnpickler(data, persistent)
    message = unpickler.load()
    return message, dict(unpickler.memo.copy())
