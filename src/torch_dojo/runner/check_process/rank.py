"""A torchrun launch for ``run_torchrun``: torchrun's own launcher, and what each rank runs.

``launch`` configures a launch exactly as ``torchrun --standalone --nproc_per_node=N``
does (torchrun's own argument parser and ``config_from_args``) and runs torchrun's
launcher (``elastic_launch``: the same agent, rendezvous, environment per rank and
shutdown). Each rank runs ``run_rank``: the learner's file imported (or run as
``__main__``) after the rank started.

The ranks are forked from a zygote (``zygote``) that this process forks before the agent
starts a thread, and which holds torch, the parts of it a DDP script uses and our own
modules: a rank spends no seconds importing torch (a launch on 3 ranks was four imports of
torch, 15.7 s here). The agent starts, signals and watches a client per rank, a few
milliseconds of Python without torch, which stands for the rank the zygote forked.

The launching process is a fork of the launcher the check process forked ahead
(``launcher``), which imported all that once for the whole check; or, where there is none,
``python -m torch_dojo.runner.check_process.rank --nproc N --out DIR --file FILE [--probe
CHECKS::NAME]``, a fresh interpreter that imports it for this launch (``main``).

With a CUDA GPU visible the ranks are spawned instead (fresh interpreters, as torchrun's
command launch starts them): a CUDA context must never be inherited across a fork.

Each rank writes ``rank{RANK}.json`` (the probe's data or the error) and ``rank{RANK}.out``
(what it printed) into ``--out``. A rank whose learner code raised exits non-zero after
its report, so that torchrun's agent ends the other ranks, as it does for a command.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import runpy
import signal
import sys
import uuid
from pathlib import Path

from torch_dojo.runner.check_process import zygote

# What a DDP script and the checks' probe import, and what the first optimizer imports
# (torch._dynamo: a second per rank otherwise). Imported by the launcher, before the fork.
PRELOAD = [
    "torch", "torch.nn", "torch.nn.functional", "torch.optim", "torch._dynamo", "torch.distributed",
    "torch.nn.parallel", "torch.utils.data", "torch.utils.data.distributed",
    "torch.distributed.launcher.api", "pytest",
    "torch_dojo.runner.check_process.explain", "torch_dojo.runner.check_process.learner_module",
    "torch_dojo.runner.check_process.warned",
]
FRESH_SIGNALS = {"SIGTERM": signal.SIG_DFL, "SIGINT": signal.default_int_handler, "SIGHUP": signal.SIG_DFL,
                 "SIGQUIT": signal.SIG_DFL}
_PROBES: dict[str, object] = {}  # "CHECKS::NAME" -> the probe function, loaded once per process
# What the learner's code left (its globals, its exception and so its frames): kept until the
# rank's os._exit. Freed, a DDP model's reducer frees its gloo group, whose destructor joins a
# worker thread that may be waiting for the GIL this thread holds: a rank that never ends
# (``_no_context_for_device_threads`` keeps the learner's own code from that, on the CPU).
_KEPT: list[object] = []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m torch_dojo.runner.check_process.rank")
    parser.add_argument("--nproc", type=int, default=2)
    parser.add_argument("--out", required=True)
    parser.add_argument("--file", required=True)
    parser.add_argument("--probe", default="")
    args = parser.parse_args(argv)
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # a rank that needs it fails with the learner's own import error
            pass
    # no GPU can be touched: forking is safe
    fork = os.environ.get("CUDA_VISIBLE_DEVICES") == "" and zygote.available()
    return launch(args.nproc, args.out, args.file, args.probe, fork=fork)


def launch(nproc: int, out: str, file: str, probe: str, *, fork: bool) -> int:
    """One launch, as ``torchrun --standalone --nproc_per_node=NPROC`` makes it, of ``run_rank``;
    0 when every rank ended well. ``fork``: the ranks are forks of this process, else spawned."""
    if fork and probe:
        _probe(probe)  # loaded once here, found loaded by every rank
    from torch.distributed import run as torchrun
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.launcher.api import elastic_launch

    options = torchrun.parse_args(["--standalone", f"--nproc_per_node={nproc}", "--start-method=spawn", "rank"])
    # What torchrun's run() does for --standalone before configuring.
    options.rdzv_backend, options.rdzv_endpoint, options.rdzv_id = "c10d", "localhost:0", str(uuid.uuid4())
    config, _, _ = torchrun.config_from_args(options)
    # Forked: from a zygote forked now, before the agent starts a thread; the agent runs its client.
    forks = zygote.start(out, lambda args: run_rank(*args)) if fork else None
    entrypoint, args = forks.command(out, file, probe) if forks else (run_rank, [out, file, probe])
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        elastic_launch(config, entrypoint)(*args)
    except ChildFailedError as failed:
        print(failed.format_msg(), file=sys.stderr)
        return 1
    finally:
        if forks:
            forks.stop()
    return 0


def _no_context_for_device_threads() -> None:
    """Work around a hang in torch (2.13): every ``backward()`` stashes a copy of the
    contextvars in the thread's state (for compiled autograd's device threads), and the gloo
    work that DDP's reducer starts during the backward keeps that state. The gloo thread that
    frees the last work item must take the GIL to free the copy, while the learner's thread,
    freeing the DDP model (pybind11 keeps the GIL), waits for that gloo thread to end. A
    correct script that returns from ``main()`` after ``destroy_process_group()`` then hangs:
    8 of 30 launches here. On the CPU, backward runs in the caller's thread, with no device
    thread to give the context to, so the ranks keep none."""
    import torch

    stash = getattr(torch._C, "_stash_obj_in_tls", None)
    if stash is None or getattr(stash, "_dojo_no_context", False):
        return

    def stash_but_context(key, value):
        if key != "context":
            stash(key, value)

    stash_but_context._dojo_no_context = True
    torch._C._stash_obj_in_tls = stash_but_context


def run_rank(out_dir: str, file: str, probe_name: str) -> int:
    """One rank: the probe on the learner's module, or the file as ``__main__``; reported."""
    # A forked rank inherits the agent's handlers, which turn the SIGTERM that ends a rank
    # into an exception in the learner's code: a fresh interpreter's, as torchrun's ranks have.
    for name, default in FRESH_SIGNALS.items():
        signal.signal(getattr(signal, name), default)
    rank = int(os.environ.get("RANK", "0"))
    out = Path(out_dir)
    printed = os.open(out / f"rank{rank}.out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(printed, 1)
    os.dup2(printed, 2)
    os.close(printed)
    sys.path.insert(0, str(Path(file).parent))

    from torch_dojo.runner.check_process.explain import explain
    from torch_dojo.runner.check_process.learner_module import load_module
    from torch_dojo.runner.check_process.warned import show_at_learners_line

    show_at_learners_line(Path(file))

    if os.environ.get("CUDA_VISIBLE_DEVICES") == "":
        _no_context_for_device_threads()
    report: dict = {"rank": rank, "data": None, "error": ""}
    try:
        if probe_name:
            report["data"] = _probe(probe_name)(load_module(Path(file), "learner"))
        else:
            sys.argv = [file]  # as `torchrun FILE` gives it
            _KEPT.append(runpy.run_path(file, run_name="__main__"))
    except SystemExit as exc:
        _KEPT.append(exc)
        if exc.code not in (0, None):
            report["error"] = f"the script exited with sys.exit({exc.code!r})"
    except BaseException as exc:
        _KEPT.append(exc)
        report["error"] = explain(exc, file)
    finally:
        _leave_group()
        sys.stdout.flush()
        sys.stderr.flush()
        tmp = out / f"rank{rank}.json.tmp"
        tmp.write_text(json.dumps(report, default=repr), encoding="utf-8")
        tmp.replace(out / f"rank{rank}.json")
    if report["error"]:
        os._exit(1)  # a failed rank, as torchrun's agent sees one: it ends the others
    return 0


def _probe(name: str):
    if name not in _PROBES:
        from torch_dojo.runner.check_process.learner_module import load_module

        check_file, function = name.rsplit("::", 1)
        _PROBES[name] = getattr(load_module(Path(check_file), "dojo_checks"), function)
    return _PROBES[name]


def _leave_group() -> None:
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        try:
            dist.destroy_process_group()
        except Exception:
            pass


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Nothing of the launcher's is left to finish (its ranks are gone and reported), and the
    # interpreter's exit, with torch._dynamo loaded, takes seconds here.
    os._exit(code)
