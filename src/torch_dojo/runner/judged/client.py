"""The judge's side of judged mode: asking the learner's process, and what comes back.

``Client.request`` sends one request (pickled, with the changes of every pair since the
last one, the random generators' states, grad mode, default dtype and thread count) and
reads the answer with ``judged.decode``: plain values, the judge's own objects, tensors
the learner made (pairs, ``judged.mirror``), and stand-ins for the rest
(``judged.proxies``).

An exception the learner's code raised comes back as a subclass of the same builtin (or
torch) class, or of the nearest builtin one it derives from, named as the learner's class,
with the lines of the learner's file it passed through (``explain`` reads them).
``LearnerLost`` (a BaseException: a check's ``except Exception`` cannot swallow it) when
the learner's process is gone or sent what cannot be read.
"""

from __future__ import annotations

import contextlib
import sys
import traceback
import weakref
from typing import Any

from torch_dojo.runner.check_process.learner_module import MissingName
from torch_dojo.runner.judged import decode, generators, mirror, wire
from torch_dojo.runner.judged.proxies import _PROTOCOLS, RemoteLearner, RemoteObject, _resolve, _standin
from torch_dojo.testing.compare import CheckFailure

# Raised in the learner's process they can only fail a check: raised here as themselves.
_TRUSTED_ERRORS = {(cls.__module__, cls.__qualname__): cls for cls in (CheckFailure, MissingName)}


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
        self.on_lost = None  # problem -> (message now, message for later checks) (judged.judge)
        self._releases: list[int] = []
        self._proxies: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self._types: dict[tuple, type] = {}
        self._rng_last: tuple | None = None
        self._forget = False  # the check ended: the learner's process forgets its pairs too
        self.stamp: int | None = None  # of the learner's module's names, as of the last answer
        self.members: dict[str, tuple[int, Any]] = {}  # name -> (stamp, handle): no request
        self._learner: Any = None  # the RemoteLearner (judged.judge sets it)

    # Asking --------------------------------------------------------------------------------

    def request(self, op: str, *fields: Any) -> Any:
        if self.lost:
            raise LearnerLost(self.lost)
        torch = sys.modules.get("torch")  # a check's TorchFunctionMode sees the check's ops only:
        with torch._C.DisableTorchFunction() if torch is not None else contextlib.nullcontext():
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
        message = (op, fields, self.next_ref, syncs, releases, self._state(), self._forget)
        try:
            data, memo, size = mirror.dumps(message, self._persistent)
        except Exception as err:
            self._releases[:0] = releases
            self._rng_last = None
            raise TypeError(f"The check passes the learner's code something that cannot be sent to "
                            f"its process ({type(err).__name__}: {err}); this is a fault in the pack's "
                            "checks, not in your file.") from None
        self._forget = False
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
        response = decode.decode(reply, self)
        if not (isinstance(response, tuple) and len(response) == 5 and response[0] in
                ("ok", "err", "stop", "ready", "import_error") and isinstance(response[2], tuple)
                and (response[4] is None or type(response[4]) is int)):
            raise wire.ProtocolError("an answer of the wrong shape")
        kind, payload, updates, rng, self.stamp = response
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
            except wire.ProtocolError:
                raise
            except Exception as err:  # noqa: BLE001 - whatever does not fit is the learner's process's doing
                raise wire.ProtocolError(f"an update that does not fit: {type(err).__name__}: {err}") from None
            self.pairs.rebase(ref)
        if rng is not None:
            _set_rng(rng)
            self._rng_last = rng
        return kind, payload

    def _lose(self, problem: str | None) -> LearnerLost:
        now, self.lost = self.on_lost(problem) if self.on_lost else (problem or "the learner's process is gone",) * 2
        return LearnerLost(now)

    def _state(self) -> tuple:
        rng = generators.rng_state()
        sent = None if rng == self._rng_last else rng
        self._rng_last = rng
        torch = sys.modules.get("torch")
        if torch is None:
            return (None, None, None, sent)
        return (torch.is_grad_enabled(), str(torch.get_default_dtype()).removeprefix("torch."),
                torch.get_num_threads(), sent)

    def _persistent(self, obj: Any) -> Any:
        cls = type(obj)
        if cls in mirror.SCALARS:  # most of what a message holds: never a pair, a proxy or the checks' own
            return None
        if getattr(cls, "_dojo_proxy", False) or getattr(cls, "_dojo_graph", False):
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

    def end_check(self) -> None:
        """Forget this check's pairs; the learner's process does with the next request."""
        self.pairs.clear()
        self._forget = True

    def member(self, name: str) -> Any:
        """A name of the learner's module. A function or class (a handle) is asked once while
        the module's names stay bound as they were."""
        cached = self.members.get(name)
        if cached is not None and self.stamp is not None and cached[0] == self.stamp:
            return cached[1]
        value = self.request("getattr", self._learner, name)
        if getattr(type(value), "_dojo_proxy", False) and self.stamp is not None:
            self.members[name] = (self.stamp, value)
        return value

    def release(self, handle: int) -> None:
        self._releases.append(handle)

    # What decode() calls -----------------------------------------------------------------

    def judge_object(self, ref: int) -> Any:
        obj = self.pairs.get(ref)
        if obj is None or mirror.is_storage(obj):
            raise wire.ProtocolError("a reference to an object the judge does not have")
        return obj

    def judge_storage(self, tag: bytes, ref: int):
        import numpy as np
        import torch

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

    def graph(self, handle: int, info: tuple, value):
        from torch_dojo.runner.judged.graphs import _graph_tensor

        return _graph_tensor(value, self.handle(handle, info))

    def mirror(self, ref: int, tensor) -> None:
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


# Exceptions ------------------------------------------------------------------------------------


class _Synthetic:
    """Mixin of the classes exceptions are raised as here: a subclass of the learner's
    exception's class where the judge has it (builtins, torch), else of the nearest
    builtin class it derives from; named as the learner's class, printing its message."""

    def __str__(self) -> str:
        return getattr(self, "_dojo_text", "")


_SYNTHETIC: dict[tuple, type] = {}


def rebuild_error(info: Any, learner_path) -> BaseException:
    if not (isinstance(info, tuple) and len(info) == 7):
        raise wire.ProtocolError("an error of the wrong shape")
    module, qualname, mro, args, message, frames, attrs = info
    module, qualname, mro, _ = decode.checked_info((module, qualname, mro, 0))
    if type(message) is not str or not isinstance(frames, tuple) or not isinstance(attrs, tuple):
        raise wire.ProtocolError("an error of the wrong shape")
    cls = _error_class(module, qualname, mro)
    exc = cls.__new__(cls)
    plain = isinstance(args, tuple) and all(type(a) in (str, int, float, bool, type(None)) for a in args)
    exc.args = args if plain else (message[:4000],)
    if issubclass(cls, CheckFailure):
        exc.args = (message[:4000],)
        exc.hint = exc.then = ""
    exc._dojo_text = message[:4000]
    exc._dojo_frames = [traceback.FrameSummary(str(learner_path), line, str(name)[:200], line=str(text)[:500])
                        for (_, line, name, text) in (f for f in frames[-20:] if _frame(f))]
    for pair in attrs:
        if isinstance(pair, tuple) and len(pair) == 2 and pair[0] in ("hint", "then", "dojo_hint", "dojo_then", "dojo_message") \
                and type(pair[1]) is str:
            setattr(exc, pair[0], pair[1][:2000])
    return exc


def _frame(frame: Any) -> bool:
    return isinstance(frame, tuple) and len(frame) == 4 and type(frame[1]) is int


def _error_class(module: str, qualname: str, mro: tuple) -> type:
    """The class to raise here (see ``_Synthetic``); CheckFailure and MissingName as themselves
    (raised in the learner's process they can only fail a check)."""
    trusted = _TRUSTED_ERRORS.get((module, qualname))
    if trusted is not None:
        return trusted
    base = None
    if module == "builtins" or module == "torch" or module.startswith("torch."):
        base = _resolve(module, qualname)
    if base is None or not issubclass(base, BaseException):
        base = next((c for m, q in mro if m == "builtins" and (c := _resolve(m, q)) is not None
                     and issubclass(c, BaseException)), Exception)
    key = (module, qualname, base)
    if key not in _SYNTHETIC:
        name = qualname.rsplit(".", 1)[-1] or "Error"
        namespace = {"__module__": module, "__qualname__": qualname}
        try:
            _SYNTHETIC[key] = type(name, (_Synthetic, base), namespace)
        except TypeError:
            _SYNTHETIC[key] = type(name, (_Synthetic, Exception), namespace)
    return _SYNTHETIC[key]


# Random generators -----------------------------------------------------------------------------


def _set_rng(state: Any) -> None:
    try:
        generators.set_rng_state(state, load=False)
    except Exception as err:  # noqa: BLE001 - the learner's process sent it
        raise wire.ProtocolError(f"a random generator state that does not fit: {err}") from None
