"""What the warm worker does before any check, so that each check starts with it done.

``preload`` imports torch, pytest and the runner (imports only: no torch op runs, so
forking stays safe), rehearses a throwaway check in-process (pytest's lazy imports and
caches), configures pytest and starts its session (``child.prepare``), and remembers
what the learner's code must not replace (``tamper.Guard``). A ``Standby`` is the next
check process, forked ahead of its check: forking a process that holds torch, and the
first copies of the pages it shares with the worker, cost milliseconds that no check waits for.
"""

from __future__ import annotations

import gc
import importlib
import inspect
import json
import os
import shutil
import socket
import sys
import tempfile
import traceback
import weakref
from dataclasses import dataclass
from typing import Any

from torch_dojo.runner.channel import Channel
from torch_dojo.runner.isolation import PR_SET_DUMPABLE, PR_SET_NAME, attach, detach, prctl

MODULES = [
    "numpy", "torch", "torch.nn", "torch.nn.functional", "torch.optim", "torch.utils.data",
    "torch.testing", "torch.distributed",
    "pytest", "torch_dojo.runner.child", "torch_dojo.runner.plugin", "torch_dojo.runner.explain",
    "torch_dojo.runner.requirements", "torch_dojo.runner.tamper", "torch_dojo.testing",
    "torch_dojo.runner.judge", "torch_dojo.runner.remote", "torch_dojo.runner.learner_server", "torch_dojo.runner.graphs",
    "faulthandler", "readline", "encodings.unicode_escape", "_pytest._argcomplete",
]
# Named so that no real check's module, nor a parent pytest makes up for it from the
# check's path (a pack under /check/... gives "check"), ever shares its name.
REHEARSAL_CHECKS = "torch_dojo_rehearsal_checks.py"
REHEARSAL = {
    "learner.py": "def double(x):\n    return 2 * x\n",
    REHEARSAL_CHECKS: (
        "import pytest\n"
        "from torch_dojo.testing import fail, hint\n\n"
        "@hint('h')\n@pytest.mark.parametrize('n', [1, 2])\n"
        "def test_passes(learner, reference, record, n):\n"
        "    \"\"\"a check that passes\"\"\"\n"
        "    record('n', n)\n"
        "    assert learner.double(n) == reference.double(n), 'same'\n\n"
        "def test_fails(learner):\n    assert learner.double(1) == 3, 'differs'\n\n"
        "def test_fails_with_a_message(learner):\n    fail('differs')\n\n"
        "def test_raises(learner):\n    learner.missing\n"
    ),
}


@dataclass
class Warmed:
    guard: Any  # tamper.Guard, taken before any learner code
    prepared: Any  # child.Prepared, or None where pytest's internals differ


def preload(folder: str) -> Warmed:
    """Import what every check imports, rehearse, configure pytest: what each fork finds done."""
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # a check that needs it will say why, as on the cold path
            pass
    try:
        from _pytest.config import default_plugins
    except ImportError:
        default_plugins = ()
    for name in default_plugins:
        try:
            importlib.import_module(f"_pytest.{name}")
        except Exception:
            pass
    _rehearse()
    from torch_dojo.runner import child
    from torch_dojo.runner.tamper import Guard

    prepared = child.prepare(folder)
    guard = Guard.snapshot()
    # What exists now stays: the collector never walks it again (fast checks) nor
    # writes to its pages (a forked check copies fewer of them).
    gc.freeze()
    return Warmed(guard, prepared)


def _rehearse() -> None:
    """Run a throwaway check once, in-process: pytest's lazy imports, caches and compiled
    patterns are then ready in every forked check. Pure Python, no torch op, no thread."""
    from torch_dojo.runner import child

    folder = tempfile.mkdtemp(prefix="torch-dojo-rehearsal-")
    path, modules, meta_path = list(sys.path), set(sys.modules), list(sys.meta_path)
    events = os.open(os.devnull, os.O_WRONLY)
    try:
        for name, text in REHEARSAL.items():
            with open(os.path.join(folder, name), "w", encoding="utf-8") as file:
                file.write(text)
        learner = os.path.join(folder, "learner.py")
        child.run({"learner": learner, "reference": learner, "checks": os.path.join(folder, REHEARSAL_CHECKS),
                   "requires": [], "workdir": folder, "events_fd": events})
    except BaseException:  # a rehearsal only: the real checks say what is wrong
        pass
    finally:
        sys.path[:], sys.meta_path[:] = path, meta_path
        for name in set(sys.modules) - modules:  # the learner, reference and check modules
            if folder in str(getattr(sys.modules[name], "__file__", None) or "") or name in ("learner", "reference"):
                del sys.modules[name]
                # inspect.getmodule() caches each module's file by name, and trips over a
                # later module of that name without a file (a namespace parent pytest made).
                inspect._filesbymodname.pop(name, None)
        shutil.rmtree(folder, ignore_errors=True)
        for name in ("last_type", "last_value", "last_traceback", "last_exc"):  # pytest keeps the last failure
            if hasattr(sys, name):
                delattr(sys, name)
        gc.collect()  # the rehearsal's objects, its event stream (and so its fd) among them


class Standby:
    """A check process forked ahead, waiting for its check (its pipes and spec)."""

    NAME = b"dojo-standby"  # as ps and top show it, until its check comes

    def __init__(self, pid: int, job: Channel):
        self.pid, self._job = pid, job

    @classmethod
    def fork(cls, control: Channel, warmed: Warmed) -> "Standby":
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        supervisor = os.getpid()
        pid = os.fork()
        if pid == 0:
            try:
                detach(supervisor, [control.sock, ours], cls.NAME)
                _wait_for_check(Channel(theirs), warmed)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(70)
        theirs.close()
        return cls(pid, Channel(ours))

    def start(self, message: dict, fds: list[int]) -> bool:
        """Hand it its check; False when it is gone (the caller forks another)."""
        try:
            self._job.send(message, tuple(fds))
            return True
        except EOFError:
            return False
        finally:
            self._job.close()


def _wait_for_check(job: Channel, warmed: Warmed) -> None:
    from torch_dojo.runner import child

    # The worker's objects have nothing to finalise in a check, and torch keeps a hundred
    # (its op libraries): running them at every check's exit costs tens of milliseconds.
    # Finalizers the learner's code makes still run at exit, as in a cold check.
    for info in getattr(weakref.finalize, "_registry", {}).values():
        info.atexit = False
    warmed.guard.changes()  # copies now the pages the check for tampering reads
    try:
        message, fds = job.receive()
    except EOFError:  # the worker is closing
        os._exit(0)
    job.close()
    prctl(PR_SET_NAME, b"dojo-check")
    if not message["spec"].get("judged"):
        prctl(PR_SET_DUMPABLE, 1)  # as a cold check process: learner code runs here, as any program

    events_fd, output_fd = fds
    attach(message["cwd"], output_fd)
    spec = {**message["spec"], "events_fd": events_fd}
    sys.argv = [child.__file__, json.dumps(spec)]
    sys.path[0] = message["cwd"]  # as for `python -m` started there
    child.main(sys.argv, guard=warmed.guard, prepared=warmed.prepared)  # ends the process
