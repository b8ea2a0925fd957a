"""What each rank runs under torchrun for ``run_torchrun``: the learner's file, reported.

Each rank writes ``rank{RANK}.json`` (the probe's data or the error) and ``rank{RANK}.out``
(what it printed) into ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--file", required=True)
    parser.add_argument("--probe", default="")
    args = parser.parse_args()
    rank = int(os.environ.get("RANK", "0"))
    out = Path(args.out)
    printed = os.open(out / f"rank{rank}.out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(printed, 1)
    os.dup2(printed, 2)
    sys.path.insert(0, str(Path(args.file).parent))

    from torch_dojo.runner.check_process.explain import explain
    from torch_dojo.runner.check_process.learner_module import load_module
    from torch_dojo.runner.check_process.warned import show_at_learners_line

    show_at_learners_line(Path(args.file))

    report: dict = {"rank": rank, "data": None, "error": ""}
    try:
        if args.probe:
            check_file, name = args.probe.rsplit("::", 1)
            probe = getattr(load_module(Path(check_file), "dojo_checks"), name)
            report["data"] = probe(load_module(Path(args.file), "learner"))
        else:
            sys.argv = [args.file]  # as `torchrun FILE` gives it
            runpy.run_path(args.file, run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (0, None):
            report["error"] = f"the script exited with sys.exit({exc.code!r})"
    except BaseException as exc:
        report["error"] = explain(exc, args.file)
    finally:
        _leave_group()
        sys.stdout.flush()
        tmp = out / f"rank{rank}.json.tmp"
        tmp.write_text(json.dumps(report, default=repr), encoding="utf-8")
        tmp.replace(out / f"rank{rank}.json")
    return 1 if report["error"] else 0


def _leave_group() -> None:
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        try:
            dist.destroy_process_group()
        except Exception:
            pass


if __name__ == "__main__":
    sys.exit(main())
