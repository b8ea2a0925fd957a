"""What the warm supervisor process does before any check, so that each check starts with it done.

``preload`` imports torch, pytest and the runner (imports only: no torch op runs, so
forking stays safe), rehearses a throwaway check in-process (pytest's lazy imports and
caches), configures pytest and starts its session (``check_process.main.prepare``), and
remembers what the learner's code must not replace (``tamper.Guard``). Then, once the
supervisor has said it is ready, ``later`` imports what torch itself imports lazily the first
time a check makes an optimizer (``torch._dynamo``: a second or more, in every forked check
that did not find it done), or a DataLoader with workers, and what checks of the built-in pack
import beyond the first list: one module per step, so that a check that arrives meanwhile
waits at most for the import under way. A ``Standby`` is
the next check process, forked ahead of its check: forking a process that holds torch,
and the first copies of the pages it shares with the supervisor, cost milliseconds that
no check waits for.
"""

from __future__ import annotations

import gc
import importlib
import inspect
import json
import os
import pkgutil
import shutil
import signal
import socket
import sys
import tempfile
import weakref
from dataclasses import dataclass
from typing import Any, Iterator

from torch_dojo import testing
from torch_dojo.runner import check_process, judged
from torch_dojo.runner.channel import Channel
from torch_dojo.runner.isolation import CHECK_NAME, STANDBY_NAME, attach, detach, fork, name_process, set_dumpable
from torch_dojo.runner.spec import CheckSpec

# What checks import, other than ours (ours: every module of the packages below).
LIBRARIES = [
    "numpy", "torch", "torch.nn", "torch.nn.functional", "torch.optim", "torch.utils.data",
    "torch.testing", "torch.distributed", "pytest",
    "faulthandler", "readline", "encodings.unicode_escape", "_pytest._argcomplete",
]
# Imported after the supervisor is ready (``later``): they would delay the first check by
# seconds. torch._dynamo: the first optimizer (Optimizer.__init__ and step are wrapped by
# torch._disable_dynamo, which imports it on first call) and lr schedulers; torch.profiler:
# an optimizer's step; multiprocessing's: a DataLoader with num_workers > 0;
# torch.utils.serialization: the first torch.save; torch.utils.benchmark (and setuptools,
# which it imports): a timing check. Found by listing what each built-in check still imported.
LATER = [
    "torch._dynamo", "torch.profiler", "torch.profiler._cupti_monitor", "multiprocessing.popen_fork",
    "multiprocessing.queues", "multiprocessing.synchronize", "torch.utils.serialization", "torch.utils.checkpoint",
    "torch.nn.utils.prune", "torch.ao.quantization", "torch.nn.parallel", "torch.utils.data.distributed",
    "torch.overrides", "torch.amp", "torch.utils.benchmark",
]
PACKAGES = (check_process, judged)  # every check process imports the first, a judged one the second too
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
    prepared: Any  # check_process.main.Prepared, or None where pytest's internals differ


def modules() -> list[str]:
    """What ``preload`` imports, in order: the libraries, then every module of ours a check
    process runs (found in the packages, so that a module renamed or added is preloaded too)."""
    ours = [f"{package.__name__}.{info.name}" for package in PACKAGES
            for info in pkgutil.iter_modules(package.__path__) if info.name != "__main__"]
    return [*LIBRARIES, *ours, testing.__name__]


def preload(folder: str) -> Warmed:
    """Import what every check imports, rehearse, configure pytest: what each fork finds done."""
    for name in modules():
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
    from torch_dojo.runner.check_process.main import prepare
    from torch_dojo.runner.check_process.tamper import Guard

    prepared = prepare(folder)
    guard = Guard.snapshot()
    # What exists now stays: the collector never walks it again (fast checks) nor
    # writes to its pages (a forked check copies fewer of them).
    gc.freeze()
    return Warmed(guard, prepared)


def later(warmed: Warmed) -> Iterator[str]:
    """Import ``LATER``, one module per step (the caller goes on while no check waits); then
    take the guard again (importing torch._dynamo wraps torch.manual_seed) and freeze what
    exists, as ``preload`` does."""
    from torch_dojo.runner.check_process.tamper import Guard

    for name in LATER:
        try:
            importlib.import_module(name)
        except Exception:  # a check that needs it will say why
            pass
        yield name
    _no_library_teardown_at_exit()
    warmed.guard = Guard.snapshot()
    gc.freeze()


def _no_library_teardown_at_exit() -> None:
    """The operator libraries torch registered while imported (174 here) each unregister
    themselves at exit (a weakref.finalize run by atexit): 10-15 ms of every check's end, in a
    process that ends with os._exit right after. Those that exist now keep their operators;
    what a check's own code registers later is still undone at its exit."""
    library = sys.modules.get("torch.library")
    teardown = getattr(library, "_del_library", None)
    for finalizer in list(getattr(weakref.finalize, "_registry", {})):
        peeked = finalizer.peek()
        if peeked is not None and peeked[1] is teardown:
            finalizer.atexit = False


def _rehearse() -> None:
    """Run a throwaway check once, in-process: pytest's lazy imports, caches and compiled
    patterns are then ready in every forked check. Pure Python, no torch op, no thread."""
    from torch_dojo.runner.check_process.main import run

    folder = tempfile.mkdtemp(prefix="torch-dojo-rehearsal-")
    path, modules, meta_path = list(sys.path), set(sys.modules), list(sys.meta_path)
    events = os.open(os.devnull, os.O_WRONLY)
    try:
        for name, text in REHEARSAL.items():
            with open(os.path.join(folder, name), "w", encoding="utf-8") as file:
                file.write(text)
        learner = os.path.join(folder, "learner.py")
        run(CheckSpec(learner=learner, reference=learner, checks=os.path.join(folder, REHEARSAL_CHECKS),
                      workdir=folder, events_fd=events))
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

    def __init__(self, pid: int, job: Channel):
        self.pid, self._job = pid, job

    @classmethod
    def fork(cls, control: Channel, warmed: Warmed) -> "Standby":
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)

        def standby(supervisor: int) -> int:
            detach(supervisor, [control.sock, ours], STANDBY_NAME)
            _wait_for_check(Channel(theirs), warmed)  # ends the process
            return 70

        pid = fork(standby)
        theirs.close()
        return cls(pid, Channel(ours))

    def end(self) -> None:
        """Kill it before it took a check (one forked before ``later`` was done), and reap it."""
        self._job.close()
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass

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
    from torch_dojo.runner.check_process import main
    from torch_dojo.runner.judged import judge

    # The supervisor's objects have nothing to finalise in a check, and torch keeps a hundred
    # (its op libraries): running them at every check's exit costs tens of milliseconds.
    # Finalizers the learner's code makes still run at exit, as in a cold check.
    for info in getattr(weakref.finalize, "_registry", {}).values():
        info.atexit = False
    warmed.guard.changes()  # copies now the pages the check for tampering reads
    try:
        message, fds = job.receive()
    except EOFError:  # the supervisor is closing
        os._exit(0)
    job.close()
    name_process(CHECK_NAME)
    spec = CheckSpec.from_json(message["spec"])
    if not spec.judged:
        set_dumpable(True)  # as a cold check process: learner code runs here, as any program

    events_fd, output_fd = fds
    attach(message["cwd"], output_fd)
    spec = spec.with_events(events_fd)
    program = judged if spec.judged else check_process  # as the cold path runs it: python -m PROGRAM
    sys.argv = [os.path.join(os.path.dirname(program.__file__), "__main__.py"), json.dumps(spec.to_json())]
    sys.path[0] = message["cwd"]  # as for `python -m` started there
    main.main(sys.argv, guard=warmed.guard, prepared=warmed.prepared,
              run=judge.run if spec.judged else main.run)  # ends the process
