"""What Landlock costs a graded check: judged warm checks with and without confinement.

    PYTHONPATH=src python benchmarks/grade_confinement.py [--rounds 7] [--ids 02,04,11,14] [--json]

Each round grades every exercise's reference solution (copied into a submissions folder, as
`grade` sees a student's file) with one warm runner, judged, unconfined then confined, back
to back; the mini pack's `add` is the floor. Prints the median and p90 of each and the
difference per mark (building the rules, walking the folders that hold closed ones, the
three Landlock syscalls, and every later access checked by the kernel).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from torch_dojo.pack import load_builtin_pack, load_pack
from torch_dojo.runner import confinement
from torch_dojo.runner.warm import WarmRunner

MINI = Path(__file__).resolve().parents[1] / "tests" / "packs" / "mini"


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--ids", default="02,04,11,14")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not confinement.abi():
        print(f"no Landlock here: {confinement.availability()}", file=sys.stderr)
        return 2
    builtin, mini = load_builtin_pack(), load_pack(MINI)
    chosen = [(builtin, builtin.find(i)) for i in args.ids.split(",")] + [(mini, mini.find("add"))]
    top = Path(tempfile.mkdtemp(prefix="dojo-bench-"))
    try:
        subs = top / "subs"
        (subs / "ref").mkdir(parents=True)
        runs = []
        for pack, exercise in chosen:
            file = subs / "ref" / exercise.solution.name
            shutil.copy(exercise.solution, file)
            wall = confinement.for_grading("require", pack_root=pack.root, submissions=subs,
                                           outputs=[top / "grades.csv"])
            runs.append((exercise, file, wall))
        times = {e.label: {False: [], True: []} for e, _, _ in runs}
        with WarmRunner() as warm:
            assert warm.ready(timeout=120)
            for exercise, file, wall in runs:  # once each way first: torch's lazy imports, caches
                warm.check(exercise, file, judged=True)
                warm.check(exercise, file, judged=True, confinement=wall)
            for _ in range(args.rounds):
                for exercise, file, wall in runs:
                    for confined in (False, True):
                        start = time.monotonic()
                        verdict = warm.check(exercise, file, judged=True, confinement=wall if confined else None)
                        times[exercise.label][confined].append(time.monotonic() - start)
                        assert verdict.passed and warm.last_was_warm, verdict.to_json()
    finally:
        shutil.rmtree(top, ignore_errors=True)
    rows = {label: {"open_median_s": statistics.median(t[False]), "open_p90_s": p90(t[False]),
                    "confined_median_s": statistics.median(t[True]), "confined_p90_s": p90(t[True])}
            for label, t in times.items()}
    if args.json:
        print(json.dumps({"landlock_abi": confinement.abi(), "exercises": rows}, indent=2))
        return 0
    print(f"Landlock ABI {confinement.abi()}, {args.rounds} rounds, judged warm checks")
    print(f"{'exercise':28} {'unconfined':>11} {'p90':>8} {'confined':>10} {'p90':>8} {'cost':>8}")
    for label, row in rows.items():
        cost = row["confined_median_s"] - row["open_median_s"]
        print(f"{label:28} {row['open_median_s'] * 1000:8.0f} ms {row['open_p90_s'] * 1000:5.0f} ms "
              f"{row['confined_median_s'] * 1000:7.0f} ms {row['confined_p90_s'] * 1000:5.0f} ms "
              f"{cost * 1000:+5.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
