"""The bytes from the learner's process to the judge, in judged mode.

The learner's process may send anything: its code can replace ours there. So what it sends
is never unpickled. ``encode`` (run there) writes a value in a small tagged format, and
``judged.decode`` (run in the judge) reads it back into a fixed set of types only: None, bools,
numbers, strings, bytes, lists, tuples, dicts (also ordered and default dicts of builtin
factories), sets, slices, ranges, tensors (dense, of an allowed dtype; a Parameter stays
one), NumPy arrays and scalars of plain dtypes, dtypes, devices and sizes. Every count,
size, stride and offset is checked against the bytes that came. Anything else is no value
but a reference: an object the judge sent (``J``, the judge's own object comes back), or a
handle on an object that stays in the learner's process (``H``; ``judged.client`` makes a
proxy of it), or a tensor with a graph (``G``: its values, and a handle on it).

Judge → learner messages are plain pickle (``judged.mirror``): the learner's side is the
untrusted one. Frames are an 8-byte length and the bytes. Torch and NumPy are used where
they are imported already: a pack whose code never imports them never pays for them.
"""

from __future__ import annotations

import collections
import struct
import sys
from typing import Any


class ProtocolError(Exception):
    """What the learner's process sent cannot be read safely (or at all)."""


_LEN = struct.Struct("!Q")
_U32 = struct.Struct("!I")
_U64 = struct.Struct("!Q")
_F64 = struct.Struct("!d")
MAX_FRAME = 1 << 33
_ONE_WRITE = 1 << 20  # frames up to this size are copied behind their header and written at once
MAX_DEPTH = 200
MAX_DIMS = 64
TENSOR_DTYPES = {
    "float16", "float32", "float64", "bfloat16", "complex64", "complex128", "uint8", "int8",
    "int16", "int32", "int64", "bool", "uint16", "uint32", "uint64",
}
DEVICE_TYPES = {"cpu", "cuda", "mps", "meta", "xpu"}
NUMPY_KINDS = set("biufc?")
FACTORIES = {"list": list, "dict": dict, "set": set, "int": int, "float": float}
# Flags of a handle: which protocols the object's type has (a proxy offers the same).
CALL, LEN, ITER, NEXT, GETITEM, SETITEM, DELITEM, CONTAINS, INDEX, FLOAT, INT, IS_TYPE = (1 << i for i in range(12))
_FLAG_METHODS = [(CALL, "__call__"), (LEN, "__len__"), (ITER, "__iter__"), (NEXT, "__next__"),
                 (GETITEM, "__getitem__"), (SETITEM, "__setitem__"), (DELITEM, "__delitem__"),
                 (CONTAINS, "__contains__"), (INDEX, "__index__"), (FLOAT, "__float__"), (INT, "__int__")]


# Frames ----------------------------------------------------------------------------------


def send_frame(sock, data: bytes) -> None:
    """One write for a frame that is not large: a header written apart wakes the other side
    for eight bytes, and it then waits again for the rest (two context switches more a request)."""
    if len(data) <= _ONE_WRITE:
        sock.sendall(_LEN.pack(len(data)) + data)
    else:
        sock.sendall(_LEN.pack(len(data)))
        sock.sendall(data)


def recv_frame(sock) -> bytes:
    """The next frame; EOFError when the other side is gone."""
    (size,) = _LEN.unpack(_recv_exact(sock, _LEN.size))
    if size > MAX_FRAME:
        raise ProtocolError(f"a frame of {size} bytes")
    return bytes(_recv_exact(sock, size))


def _recv_exact(sock, size: int) -> bytearray:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        try:
            count = sock.recv_into(view[got:])
        except OSError as err:
            raise EOFError(str(err)) from None
        if count == 0:
            raise EOFError("the other side closed the connection")
        got += count
    return buffer


# Writing (in the learner's process) --------------------------------------------------------


class Content:
    """Marks a tensor to be sent by value (its storage's bytes), never as a reference."""

    __slots__ = ("tensor",)

    def __init__(self, tensor):
        self.tensor = tensor


def type_info(obj: Any) -> tuple:
    """(module, qualname, ((module, qualname) of each class in the MRO), flags) of obj's type."""
    cls = type(obj)
    flags = IS_TYPE if isinstance(obj, type) else 0
    for flag, name in _FLAG_METHODS:
        if getattr(cls, name, None) is not None:
            flags |= flag
    mro = tuple((_text(getattr(c, "__module__", "")), _text(getattr(c, "__qualname__", ""))) for c in cls.__mro__)
    return (_text(getattr(cls, "__module__", "")), _text(getattr(cls, "__qualname__", "")), mro[:32], flags)


def _text(value: Any) -> str:
    return value if type(value) is str else "?"


class Encoder:
    """Writes one value; ``ctx`` (``learner_server``) knows the judge's objects and handles.

    ctx.judge_ref(obj) -> int | None; ctx.storage_alias(tensor) -> (kind, ref) | None;
    ctx.handle(obj) -> int; ctx.mirror(tensor) -> int (0: none).
    """

    def __init__(self, ctx):
        self.ctx = ctx
        self.parts: list[bytes] = []
        self.memo: dict[int, int] = {}
        self.keep: list[Any] = []  # memoized objects stay alive while writing: ids stay theirs
        self.storages: dict[tuple, int] = {}

    def encode(self, value: Any) -> bytes:
        self.torch, self.np = sys.modules.get("torch"), sys.modules.get("numpy")  # no values of theirs else
        self.value(value)
        return b"".join(self.parts)

    def _memoize(self, obj: Any, key: Any = None) -> None:
        self.memo[id(obj) if key is None else key] = len(self.memo)
        self.keep.append(obj)

    def _count(self, tag: bytes, n: int) -> None:
        self.parts.append(tag + _U32.pack(n))

    def _bytes(self, tag: bytes, data: bytes) -> None:
        self.parts.append(tag + _U64.pack(len(data)))
        self.parts.append(data)

    def _str(self, text: str) -> None:
        self._bytes(b"S", text.encode("utf-8", "surrogatepass"))

    def value(self, v: Any) -> None:  # noqa: C901 - one branch per type, flat on purpose
        t = type(v)
        torch, np = self.torch, self.np
        if v is None:
            self.parts.append(b"N")
        elif v is True or v is False:
            self.parts.append(b"T" if v else b"F")
        elif t is int:
            data = v.to_bytes((v.bit_length() + 8) // 8 or 1, "big", signed=True)
            self._bytes(b"I", data)
        elif t is float:
            self.parts.append(b"D" + _F64.pack(v))
        elif t is complex:
            self.parts.append(b"C" + _F64.pack(v.real) + _F64.pack(v.imag))
        elif t is str:
            self._str(v)
        elif t is bytes:
            self._bytes(b"B", v)
        elif t is bytearray:
            self._bytes(b"Y", bytes(v))
        elif v is Ellipsis:
            self.parts.append(b".")
        elif t is Content:
            self._tensor(v.tensor, content=True)
        elif id(v) in self.memo:
            self.parts.append(b"R" + _U32.pack(self.memo[id(v)]))
        elif (ref := self.ctx.judge_ref(v)) is not None:
            self.parts.append(b"J" + _U64.pack(ref))
        elif t is list:
            self._memoize(v)
            self._count(b"L", len(v))
            for item in v:
                self.value(item)
        elif t is tuple:
            self._count(b"U", len(v))
            for item in v:
                self.value(item)
        elif t is dict or t is collections.OrderedDict:
            self._memoize(v)
            self._count(b"M" if t is dict else b"O", len(v))
            self._items(v)
        elif t is collections.defaultdict and v.default_factory in (None, *FACTORIES.values()):
            self._memoize(v)
            self.parts.append(b"Q")
            self._str(next((n for n, f in FACTORIES.items() if f is v.default_factory), ""))
            self.parts.append(_U32.pack(len(v)))
            self._items(v)
        elif t in (set, frozenset):
            if t is set:
                self._memoize(v)
            self._count(b"E" if t is set else b"Z", len(v))
            for item in v:
                self.value(item)
        elif t is slice:
            self.parts.append(b"l")
            for item in (v.start, v.stop, v.step):
                self.value(item)
        elif t is range:
            self.parts.append(b"r")
            for item in (v.start, v.stop, v.step):
                self.value(item)
        elif torch is not None and t is torch.dtype:
            self.parts.append(b"P")
            self._str(str(v).removeprefix("torch."))
        elif torch is not None and t is torch.device:
            self.parts.append(b"V")
            self._str(str(v))
        elif torch is not None and t is torch.Size:
            self._count(b"W", len(v))
            for item in v:
                self.value(int(item))
        elif torch is not None and isinstance(v, torch.Tensor) and not isinstance(v, type):
            self._tensor(v, content=False)
        elif np is not None and t is np.ndarray and v.dtype.kind in NUMPY_KINDS and v.dtype.fields is None:
            self._memoize(v)
            self.parts.append(b"A")
            self._str(v.dtype.str)
            self.value(tuple(int(n) for n in v.shape))
            self._bytes(b"B", np.ascontiguousarray(v).tobytes())
        elif np is not None and isinstance(v, np.generic) and t.__module__ == "numpy" and v.dtype.kind in NUMPY_KINDS:
            self.parts.append(b"a")
            self._str(v.dtype.str)
            self._bytes(b"B", v.tobytes())
        elif np is not None and t.__module__ == "numpy" and isinstance(v, np.dtype) and v.kind in NUMPY_KINDS and v.fields is None:
            self.parts.append(b"e")
            self._str(v.str)
        elif (plain := _plain(v)) is not None:  # torch.__version__, a namedtuple: their plain value
            self.value(plain)
        else:
            self._handle(b"H", v)

    def _items(self, mapping: dict) -> None:
        for key, item in mapping.items():
            self.value(key)
            self.value(item)

    def _handle(self, tag: bytes, v: Any) -> None:
        self.parts.append(tag + _U64.pack(self.ctx.handle(v)))
        self.value(type_info(v))

    def _tensor(self, t, content: bool) -> None:
        torch = self.torch
        with torch._C.DisableTorchFunctionSubclass():
            if t.layout is not torch.strided or t.is_quantized or t.is_nested or \
                    str(t.dtype).removeprefix("torch.") not in TENSOR_DTYPES:
                return self._handle(b"H", t)
            if not content and t.grad_fn is not None:  # its graph stays there; its values come along
                self._handle(b"G", t)
                return self._tensor(t.detach(), content=True)
            self._memoize(t, ("content", id(t)) if content else None)
            plain = torch.Tensor._make_subclass(torch.Tensor, t) if type(t) not in (torch.Tensor, torch.nn.Parameter) else t
            flags = (1 if t.requires_grad else 0) | (2 if type(t) is torch.nn.Parameter else 0)
            self.parts.append(b"X" + bytes([flags]))
            self._str(str(plain.dtype).removeprefix("torch."))
            self._str(str(plain.device))
            self.value(tuple(plain.shape))
            self.value(tuple(plain.stride()))
            self.value(plain.storage_offset())
            self._storage(plain, content)
            self.value(plain.grad if plain.is_leaf else None)
            self.parts.append(_U64.pack(0 if content else self.ctx.mirror(t)))

    def _storage(self, t, content: bool) -> None:
        if t.device.type == "meta":
            self.parts.append(b"n")
            return
        storage = t.untyped_storage()
        key = ("storage", storage.data_ptr(), storage.nbytes(), str(t.device))
        if key in self.memo:
            self.parts.append(b"R" + _U32.pack(self.memo[key]))
            return
        alias = None if content else self.ctx.storage_alias(t)
        self._memoize(storage, key)
        if alias is not None:
            kind, ref = alias
            self.parts.append(kind + _U64.pack(ref))
            return
        self._bytes(b"s", storage_bytes(storage))


def _plain(v: Any) -> Any:
    """The builtin value of an instance of a subclass of an immutable builtin type, read with
    the builtin type's own methods (the subclass's are never asked); None for other values."""
    if isinstance(v, str):
        return str.__str__(v)
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return int.__index__(v)
    if isinstance(v, float):
        return float.__float__(v)
    if isinstance(v, bytes):
        return bytes.__bytes__(v)
    if isinstance(v, complex):
        return complex(float.__float__(complex.real.__get__(v)), float.__float__(complex.imag.__get__(v)))
    if isinstance(v, tuple):
        return tuple.__getitem__(v, slice(None))
    return None


def storage_bytes(storage) -> bytes:
    import torch

    if storage.nbytes() == 0:
        return b""
    whole = torch.empty(0, dtype=torch.uint8, device=storage.device).set_(storage)
    return whole.cpu().numpy().tobytes()


def encode(value: Any, ctx) -> bytes:
    return Encoder(ctx).encode(value)
