"""The learner's process in judged mode: it imports the learner's file and answers the judge.

Forked by the judge (``judged.judge``) before the judge imports the reference or runs a
torch op; it waits for ``go`` (sent once the judge has read the checks and the reference
from disk), imports the learner's file, then answers one request at a time over its
socket: get or set an attribute, call, iterate, index, ``repr``, run a check's helper
beside the learner's code (``testing.in_learner_process``). Every answer is written with
``wire.encode``, with the state of every pair that changed (``judged.mirror``) and the
random generators' states when they moved. Nothing here is trusted by the judge: the
learner's code can replace this module's functions too, and the judge reads the answers
as the untrusted bytes they are.
"""

from __future__ import annotations

import copy
import importlib
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from torch_dojo.runner.check_process.explain import explain, known_hint, same_file
from torch_dojo.runner.check_process.learner_module import (
    Learner,
    import_failure,
    load_module,
    mentions_torch,
    wind_down,
)
from torch_dojo.runner.judged import generators, mirror, wire
from torch_dojo.runner.spec import CheckSpec

MIRROR_BASE = 1 << 62  # refs of tensors the learner's code made: apart from the judge's refs
MAX_MIRRORS = 4096  # tensors of the learner's code kept as pairs in one check (both sides hold them)


def serve(sock, spec: CheckSpec, refused: str = "") -> None:
    """Answer the judge until it is done (never returns). ``refused``: the confinement this
    process was to enter failed (``runner.confinement.not_entered``): the learner's file is
    not imported, and the judge is told why."""
    Server(sock, spec, refused).run()
    os._exit(0)


class Server:
    def __init__(self, sock, spec: CheckSpec, refused: str = ""):
        self.sock = sock
        self.refused = refused
        self.path = Path(spec.learner)
        self.module: Any = None
        self.pairs = mirror.Pairs()
        self.arrays: dict[int, int] = {}  # data pointer -> ref, of the judge's contiguous arrays
        self.handles: dict[int, Any] = {}
        self.handle_ids: dict[int, int] = {}  # id(obj) -> handle
        self.next_handle = 1
        self.next_mirror = MIRROR_BASE
        self.mirrors = 0  # in this check: past MAX_MIRRORS, tensors go as plain copies
        self.new_mirrors: list[int] = []
        self.modules: dict[str, Any] = {}
        self.rng_last: tuple | None = None

    def run(self) -> None:
        if mentions_torch(self.path):
            importlib.import_module("torch.nn")  # while the judge reads the checks
        while True:
            try:
                data = wire.recv_frame(self.sock)
            except (EOFError, wire.ProtocolError):
                return
            reply, done = self.answer(data)
            try:
                wire.send_frame(self.sock, reply)
            except OSError:
                return
            if done:
                return

    # One request -----------------------------------------------------------------------------

    def answer(self, data: bytes) -> tuple[bytes, bool]:
        value, kind, done = None, "ok", False
        try:
            message, memo = mirror.loads(data, self._load)
            op, fields, base, syncs, releases, state, forget = message
            if forget:  # the judge's check ended: its pairs are gone there
                self.pairs.clear()
                self.arrays.clear()
                self.mirrors = 0
            for handle in releases:
                obj = self.handles.pop(handle, None)
                if obj is not None and self.handle_ids.get(id(obj)) == handle:
                    del self.handle_ids[id(obj)]
            for index, obj in memo.items():
                if mirror.pairable(obj):
                    self._pair(base + index, obj)
            for ref, obj_state in syncs:
                obj = self.pairs.get(ref)
                if obj is not None:
                    mirror.apply(obj, obj_state)
                    self.pairs.rebase(ref)
            self._set_state(state)
            kind, value, done = self._run(op, fields)
        except BaseException as exc:  # the learner's code raised (or ours): the judge says what
            kind, value = "err", self._error(exc)
        return self._reply(kind, value), done

    def _run(self, op: str, fields: tuple) -> tuple[str, Any, bool]:
        if op == "go":
            return self._import() + (False,)
        if op == "finish":
            return "ok", self._finish(), True
        if op == "next":
            try:
                return "ok", next(fields[0]), False
            except StopIteration:
                return "stop", None, False
        return "ok", OPS[op](self, *fields), False

    def _reply(self, kind: str, value: Any) -> bytes:
        changed = self.pairs.changed()
        rng = generators.rng_state()
        moved = None if rng == self.rng_last else rng
        updates: tuple = ()
        try:
            updates = tuple((ref, mirror.state_of(obj, self.pairs.base(ref))) for ref, obj in changed)
            reply = self._encode((kind, value, updates, moved, self._stamp()))
        except BaseException as exc:  # a value that cannot be written: say so instead
            try:
                reply = self._encode(("err", self._error(exc), updates, moved, self._stamp()))
            except BaseException as again:
                changed = []
                reply = self._encode(("err", self._error(again), (), moved, None))
        for ref, _ in changed:
            self.pairs.rebase(ref)
        self.rng_last = rng
        return reply

    def _stamp(self) -> int | None:
        """Changes when a name of the learner's module is bound to another object (the judge
        asks for a function again then)."""
        if self.module is None:
            return None
        names = vars(self.module)
        return hash((len(names), tuple(map(id, names.values())))) & ((1 << 62) - 1)

    def _encode(self, response: tuple) -> bytes:
        self.new_mirrors: list[int] = []
        try:
            return wire.encode(response, self)
        except BaseException:
            self.pairs.drop(self.new_mirrors)  # the judge never hears of them
            self.mirrors -= len(self.new_mirrors)
            raise

    def _set_state(self, state: tuple) -> None:
        """The judge's grad mode, default dtype, thread count (when it has torch), and its
        generators' states when they moved (torch and NumPy imported here for theirs)."""
        grad, dtype, threads, rng = state
        if grad is not None:
            import torch

            torch.set_grad_enabled(grad)
            if torch.get_default_dtype() != getattr(torch, dtype):
                torch.set_default_dtype(getattr(torch, dtype))
            if torch.get_num_threads() != threads:
                torch.set_num_threads(threads)
        if rng is not None:
            generators.set_rng_state(rng, load=True)
            self.rng_last = generators.rng_state()

    def _import(self) -> tuple[str, Any]:
        if self.refused:
            return "import_error", (self.refused, "")
        sys.path.insert(0, str(self.path.parent))  # the learner may import a helper beside it
        try:
            self.module = load_module(self.path, "learner")
        except BaseException as exc:  # SystemExit and KeyboardInterrupt at import too
            return "import_error", (import_failure(exc, explain(exc, self.path)), known_hint(str(exc)))
        self.handles[0] = self.module
        self.handle_ids[id(self.module)] = 0
        return "ready", None

    def _finish(self) -> list[str]:
        return wind_down()

    def _error(self, exc: BaseException) -> tuple:
        cls = type(exc)
        info = wire.type_info(exc)
        try:
            message = str(exc)
        except BaseException:
            message = f"<{cls.__name__} that cannot be printed>"
        frames = tuple((f.filename, f.lineno, f.name, f.line or "")
                       for f in traceback.extract_tb(exc.__traceback__) if same_file(f.filename, self.path))
        args = exc.args if isinstance(exc.args, tuple) else None
        attrs = tuple((name, getattr(exc, name)) for name in ("hint", "then", "dojo_hint", "dojo_then", "dojo_message")
                      if type(getattr(exc, name, None)) is str)
        return (info[0], info[1], info[2], args, message[:4000], frames[-20:], attrs)

    # What pickle and encode call -------------------------------------------------------------

    def _load(self, pid: tuple) -> Any:
        kind = pid[0]
        if kind == "h":
            return self.handles[pid[1]]
        if kind == "r":
            obj = self.pairs.get(pid[1])
            if obj is None:
                raise LookupError(f"the judge's object {pid[1]} is not here")
            return obj
        if kind == "m":
            return self._module_attribute(pid[1], pid[2])
        raise LookupError(f"unknown persistent id {kind!r}")

    def _module_attribute(self, path: str, qualname: str) -> Any:
        module = self.modules.get(path)
        if module is None:
            module = self.modules[path] = load_module(Path(path), f"dojo_checks_{len(self.modules)}")
        found = module
        for part in qualname.split("."):
            found = getattr(found, part)
        return found

    def _pair(self, ref: int, obj: Any) -> None:
        self.pairs.add(ref, obj)
        if type(obj).__name__ == "ndarray" and type(obj).__module__ == "numpy" and (obj.flags.c_contiguous or obj.flags.f_contiguous) and obj.size:
            self.arrays[obj.__array_interface__["data"][0]] = ref

    def judge_ref(self, obj: Any) -> int | None:
        return self.pairs.ref_of(obj)

    def storage_alias(self, t):
        storage = t.untyped_storage()
        ref = self.pairs.ref_of(storage)
        if ref is not None and ref < MIRROR_BASE:
            return (b"j", ref)
        ref = self.arrays.get(storage.data_ptr()) if t.device.type == "cpu" else None
        array = self.pairs.get(ref) if ref is not None else None
        if array is not None and storage.nbytes() <= array.nbytes:
            return (b"k", ref)
        return None

    def handle(self, obj: Any) -> int:
        handle = self.handle_ids.get(id(obj))
        if handle is not None and self.handles.get(handle) is obj:
            return handle
        handle, self.next_handle = self.next_handle, self.next_handle + 1
        self.handles[handle] = obj
        self.handle_ids[id(obj)] = handle
        return handle

    def mirror(self, tensor) -> int:
        if self.mirrors >= MAX_MIRRORS:
            return 0
        self.mirrors += 1
        ref, self.next_mirror = self.next_mirror, self.next_mirror + 1
        self.pairs.add(ref, tensor)
        self.new_mirrors.append(ref)
        return ref


def _kwargs(pairs: tuple) -> dict:
    return dict(pairs)


OPS = {
    "getattr": lambda s, obj, name: getattr(obj, name),
    "setattr": lambda s, obj, name, value: setattr(obj, name, value),
    "delattr": lambda s, obj, name: delattr(obj, name),
    "call": lambda s, fn, args, kwargs: fn(*args, **_kwargs(kwargs)),
    "run": lambda s, fn, args, kwargs: fn(_learner(s), *args, **_kwargs(kwargs)),
    "len": lambda s, obj: len(obj),
    "bool": lambda s, obj: bool(obj),
    "repr": lambda s, obj: repr(obj),
    "str": lambda s, obj: str(obj),
    "dir": lambda s, obj: list(dir(obj)),
    "iter": lambda s, obj: iter(obj),
    "getitem": lambda s, obj, key: obj[key],
    "setitem": lambda s, obj, key, value: obj.__setitem__(key, value),
    "delitem": lambda s, obj, key: obj.__delitem__(key),
    "contains": lambda s, obj, item: item in obj,
    "index": lambda s, obj: obj.__index__(),
    "int": lambda s, obj: int(obj),
    "float": lambda s, obj: float(obj),
    "isinstance": lambda s, obj, cls: isinstance(obj, cls),
    "deepcopy": lambda s, obj: copy.deepcopy(obj),
    "copy": lambda s, obj: copy.copy(obj),
}


def _learner(server: Server):
    return Learner(server.module, server.path)

