"""Every built-in learner file and solution, judged and unjudged: the verdicts must agree.

    PYTHONPATH=src python benchmarks/judged_parity.py [--only 07,13] [--times]

Runs each file twice through one warm runner (unjudged, then judged) and prints every
file whose overall status, or any check's status, differs; ``--times`` also prints the
seconds each took. Exercises this machine cannot run (torchvision) are left out. Exit
code 1 when anything differs. Too slow for the test suite (about 10 minutes on 2 cores);
tests/test_builtin_pack.py judges the solutions and a sample of mistakes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from torch_dojo.pack import load_builtin_pack
from torch_dojo.runner.check_process.requirements import missing
from torch_dojo.runner.warm import WarmRunner

ROOT = Path(__file__).resolve().parents[1]
LEARNER_FILES = ROOT / "mistakes"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="", help="exercise ids, comma-separated")
    parser.add_argument("--times", action="store_true")
    args = parser.parse_args()
    pack = load_builtin_pack()
    only = {i for i in args.only.split(",") if i}
    cases = []
    for exercise in pack.exercises:
        if only and exercise.id not in only:
            continue
        if any(missing(need) for need in exercise.requires if need != "distributed"):
            print(f"skip {exercise.label}: {[missing(n) for n in exercise.requires if missing(n)]}")
            continue
        cases.append((exercise, exercise.solution))
        cases += [(exercise, path) for path in sorted((LEARNER_FILES / f"{exercise.id}_{exercise.slug}").glob("*.py"))]
    differ = 0
    with WarmRunner() as warm:
        assert warm.ready(timeout=120)
        for exercise, path in cases:
            start = time.monotonic()
            plain = warm.check(exercise, path)
            middle = time.monotonic()
            judged = warm.check(exercise, path, judged=True)
            end = time.monotonic()
            label = "solution" if path == exercise.solution else path.stem
            label = f"{exercise.id} {label}"
            checks = [(a.name, a.status.value, b.status.value) for a, b in zip(plain.checks, judged.checks)
                      if a.status is not b.status or a.name != b.name]
            same = plain.status is judged.status and not checks and len(plain.checks) == len(judged.checks)
            if args.times:
                print(f"{label}: {plain.status.value} {middle - start:.2f} s, judged {judged.status.value} "
                      f"{end - middle:.2f} s")
            if not same:
                differ += 1
                print(f"DIFFERS {label}: {plain.status.value} / judged {judged.status.value}")
                for name, a, b in checks:
                    print(f"    {name}: {a} / judged {b}")
                for check in judged.checks:
                    if check.status.value not in ("passed", "skipped"):
                        print(f"    judged says: {check.name}: {check.message[:300]}")
                if judged.message:
                    print(f"    judged message: {judged.message[:500]}")
            sys.stdout.flush()
    print(f"{len(cases)} files, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
