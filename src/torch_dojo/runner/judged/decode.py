"""Reading what the learner's process sent (judged mode), into a fixed set of types only.

``decode`` reads the format ``judged.wire`` writes. It never unpickles and never looks a
name up anywhere but among the few types it knows; every count, size, stride and offset
is checked against the bytes that came, every tensor against its storage. Anything that
does not fit raises ``ProtocolError``: the judge then stops asking the learner's process.
References come through ``ctx`` (``judged.client.Client``): the judge's own objects, and
handles on objects that stay in the learner's process. Torch and NumPy are imported when
a value of theirs comes.
"""

from __future__ import annotations

import collections
import math
import struct
from typing import Any

from torch_dojo.runner.judged.wire import (_F64, _U32, _U64, DEVICE_TYPES, FACTORIES, MAX_DEPTH, MAX_DIMS, NUMPY_KINDS,
                                    TENSOR_DTYPES, ProtocolError)


class Decoder:
    """Reads one value. ``ctx`` (``judged.client``): judge_object(ref), judge_storage(kind, ref),
    handle(id, info), graph(id, info, tensor), mirror(id, tensor)."""

    def __init__(self, data: bytes, ctx):
        self.data, self.pos, self.ctx = memoryview(data), 0, ctx
        self.memo: list[Any] = []

    def decode(self) -> Any:
        try:
            value = self.value(0)
        except ProtocolError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, OverflowError, RuntimeError, MemoryError,
                UnicodeDecodeError, struct.error, RecursionError) as err:
            raise ProtocolError(f"{type(err).__name__}: {err}") from None
        if self.pos != len(self.data):
            raise ProtocolError("bytes left over after the value")
        return value

    def _take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise ProtocolError("the value ends early")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def _u32(self) -> int:
        return _U32.unpack(self._take(4))[0]

    def _u64(self) -> int:
        return _U64.unpack(self._take(8))[0]

    def _count(self) -> int:
        n = self._u32()
        if n > len(self.data) - self.pos:  # every item takes a byte at least
            raise ProtocolError("a count larger than the bytes that came")
        return n

    def _blob(self, tag: bytes) -> bytes:
        if bytes(self._take(1)) != tag:
            raise ProtocolError(f"expected {tag!r}")
        return bytes(self._take(self._u64()))

    def _str(self) -> str:
        return self._blob(b"S").decode("utf-8", "surrogatepass")

    def _typed(self, depth: int, kinds: tuple) -> Any:
        value = self.value(depth)
        if not isinstance(value, kinds) or isinstance(value, bool) and bool not in kinds:
            raise ProtocolError(f"expected {kinds}, got {type(value).__name__}")
        return value

    def _ints(self, depth: int, at_least: int = 0) -> tuple:
        value = self._typed(depth, (tuple,))
        if len(value) > MAX_DIMS or not all(type(n) is int and n >= at_least for n in value):
            raise ProtocolError("a bad shape or stride")
        return value

    def value(self, depth: int) -> Any:  # noqa: C901 - one branch per tag
        if depth > MAX_DEPTH:
            raise ProtocolError("a value nested too deep")
        depth += 1
        tag = bytes(self._take(1))
        if tag == b"N":
            return None
        if tag in (b"T", b"F"):
            return tag == b"T"
        if tag == b"I":
            size = self._u64()
            if size > 4096:
                raise ProtocolError("an int too large")
            return int.from_bytes(self._take(size), "big", signed=True)
        if tag == b"D":
            return _F64.unpack(self._take(8))[0]
        if tag == b"C":
            return complex(_F64.unpack(self._take(8))[0], _F64.unpack(self._take(8))[0])
        if tag in (b"S", b"B", b"Y"):
            data = bytes(self._take(self._u64()))
            return data.decode("utf-8", "surrogatepass") if tag == b"S" else data if tag == b"B" else bytearray(data)
        if tag == b".":
            return Ellipsis
        if tag == b"R":
            index = self._u32()
            if index >= len(self.memo) or self.memo[index] is _PENDING:
                raise ProtocolError("a reference to nothing sent before")
            return self.memo[index]
        if tag == b"J":
            return self.ctx.judge_object(self._u64())
        if tag == b"L":
            result: Any = []
            self.memo.append(result)
            for _ in range(self._count()):
                result.append(self.value(depth))
            return result
        if tag == b"U":
            return tuple(self.value(depth) for _ in range(self._count()))
        if tag in (b"M", b"O", b"Q"):
            if tag == b"Q":
                name = self._str()
                if name not in FACTORIES and name != "":
                    raise ProtocolError("a defaultdict factory not allowed")
                result = collections.defaultdict(FACTORIES.get(name))
            else:
                result = {} if tag == b"M" else collections.OrderedDict()
            self.memo.append(result)
            for _ in range(self._count()):
                key = self.value(depth)
                result[key] = self.value(depth)
            return result
        if tag in (b"E", b"Z"):
            if tag == b"E":
                result = set()
                self.memo.append(result)
                for _ in range(self._count()):
                    result.add(self.value(depth))
                return result
            return frozenset(self.value(depth) for _ in range(self._count()))
        if tag in (b"l", b"r"):
            start, stop, step = (self.value(depth) for _ in range(3))
            if tag == b"r":
                return range(*(_int(x) for x in (start, stop, step)))
            return slice(start, stop, step)
        if tag == b"P":
            return torch_dtype(self._str())
        if tag == b"V":
            return _device(self._str())
        if tag == b"W":
            items = [self.value(depth) for _ in range(self._count())]
            if not all(type(n) is int and n >= 0 for n in items):
                raise ProtocolError("a bad torch.Size")
            import torch

            return torch.Size(items)
        if tag == b"X":
            return self._tensor(depth)
        if tag == b"A":
            index = len(self.memo)
            self.memo.append(_PENDING)
            dtype = _numpy_dtype(self._str())
            shape = self._ints(depth)
            data = self._blob(b"B")
            if math.prod(shape) * dtype.itemsize != len(data):
                raise ProtocolError("an array's bytes do not match its shape")
            import numpy as np

            array = np.frombuffer(data, dtype=dtype).reshape(shape).copy()
            self.memo[index] = array
            return array
        if tag == b"a":
            dtype = _numpy_dtype(self._str())
            data = self._blob(b"B")
            if len(data) != dtype.itemsize:
                raise ProtocolError("a numpy scalar of the wrong size")
            import numpy as np

            return np.frombuffer(data, dtype=dtype)[0]
        if tag == b"e":
            return _numpy_dtype(self._str())
        if tag in (b"H", b"G"):
            handle = self._u64()
            info = checked_info(self.value(depth))
            if tag == b"H":
                return self.ctx.handle(handle, info)
            if bytes(self._take(1)) != b"X":
                raise ProtocolError("a graph tensor without its values")
            return self.ctx.graph(handle, info, self._tensor(depth))
        raise ProtocolError(f"an unknown tag {tag!r}")

    def _tensor(self, depth: int):
        import torch

        index = len(self.memo)
        self.memo.append(_PENDING)
        flags = self._take(1)[0]
        dtype = torch_dtype(self._str())
        device = _device(self._str())
        shape = self._ints(depth)
        stride = self._ints(depth)
        offset = self.value(depth)
        if len(stride) != len(shape) or type(offset) is not int or offset < 0:
            raise ProtocolError("a tensor's stride or offset does not fit its shape")
        if math.prod(shape) > 1 << 40:
            raise ProtocolError("a tensor too large")
        storage = self._storage_of(device)
        with torch.no_grad():
            if storage is None:
                if device.type != "meta":
                    raise ProtocolError("a tensor without values")
                tensor = torch.empty_strided(shape, stride, dtype=dtype, device="meta")
            else:
                check_bounds(shape, stride, offset, dtype, storage.nbytes())
                tensor = torch.empty(0, dtype=dtype, device=storage.device).set_(storage, offset, shape, stride)
                if device.type != tensor.device.type:
                    tensor = tensor.to(device)
        grad = self.value(depth)
        mirror = self._u64()
        if flags & 2:
            tensor = torch.nn.Parameter(tensor, requires_grad=bool(flags & 1))
        elif flags & 1:
            tensor.requires_grad_(True)
        if grad is not None:
            if not isinstance(grad, torch.Tensor) or grad.shape != tensor.shape:
                raise ProtocolError("a gradient that does not fit its tensor")
            tensor.grad = grad
        self.memo[index] = tensor
        if mirror:
            self.ctx.mirror(mirror, tensor)
        return tensor

    def _storage_of(self, device):
        import torch

        tag = bytes(self._take(1))
        if tag == b"n":
            return None
        if tag == b"R":
            index = self._u32()
            if index >= len(self.memo) or not isinstance(self.memo[index], torch.UntypedStorage):
                raise ProtocolError("a reference to a storage not sent before")
            return self.memo[index]
        if tag in (b"j", b"k"):
            storage = self.ctx.judge_storage(tag, self._u64())
        elif tag == b"s":
            data = bytes(self._take(self._u64()))
            storage = (torch.frombuffer(bytearray(data), dtype=torch.uint8).clone().untyped_storage()
                       if data else torch.UntypedStorage(0))
        else:
            raise ProtocolError(f"an unknown storage tag {tag!r}")
        self.memo.append(storage)
        return storage


_PENDING = object()


def decode(data: bytes, ctx) -> Any:
    return Decoder(data, ctx).decode()


def _int(value: Any) -> int:
    if type(value) is not int:
        raise ProtocolError("expected an int")
    return value


def torch_dtype(name: str):
    import torch

    if name not in TENSOR_DTYPES:
        raise ProtocolError(f"a dtype not allowed: {name[:40]!r}")
    return getattr(torch, name)


def _device(text: str):
    import torch

    device = torch.device(text)
    if device.type not in DEVICE_TYPES:
        raise ProtocolError(f"a device not allowed: {text[:40]!r}")
    return device


def _numpy_dtype(text: str):
    import numpy as np

    if len(text) > 8:
        raise ProtocolError("a numpy dtype not allowed")
    dtype = np.dtype(text)
    if dtype.kind not in NUMPY_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise ProtocolError("a numpy dtype not allowed")
    return dtype


def check_bounds(shape: tuple, stride: tuple, offset: int, dtype, nbytes: int) -> None:
    """The elements the tensor reads lie inside the storage (set_ would grow it instead)."""
    if math.prod(shape) == 0:
        return
    last = offset + sum((n - 1) * s for n, s in zip(shape, stride))
    if (last + 1) * dtype.itemsize > nbytes:
        raise ProtocolError("a tensor reads past the end of its storage")


def checked_info(value: Any) -> tuple:
    """A handle's type information, checked: (module, qualname, mro, flags)."""
    if not (isinstance(value, tuple) and len(value) == 4 and type(value[0]) is str and type(value[1]) is str
            and isinstance(value[2], tuple) and type(value[3]) is int):
        raise ProtocolError("bad type information")
    mro = value[2]
    if len(mro) > 32 or not all(isinstance(m, tuple) and len(m) == 2 and all(type(s) is str for s in m)
                                 for m in mro):
        raise ProtocolError("bad type information")
    return (value[0][:200], value[1][:200], tuple((m[:200], q[:200]) for m, q in mro), value[3])

