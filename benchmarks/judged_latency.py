"""Judged vs unjudged latency of warm checks: what grading pays for its second process.

    PYTHONPATH=src python benchmarks/judged_latency.py [--rounds 5] [--ids 02,03,04,13] [--json]

Each round checks every exercise's reference solution with one warm runner, unjudged then
judged, back to back; a floor (the mini pack's `add`, checks that do nearly nothing) shows
the runner's own cost. Prints the median and p90 of each, and judged / unjudged.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from torch_dojo.pack import load_builtin_pack, load_pack
from torch_dojo.runner.warm import WarmRunner

MINI = Path(__file__).resolve().parents[1] / "tests" / "packs" / "mini"


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--ids", default="02,03,04,13")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pack = load_builtin_pack()
    exercises = [pack.find(i) for i in args.ids.split(",")] + [load_pack(MINI).find("add")]
    times: dict[str, dict[bool, list[float]]] = {e.label: {False: [], True: []} for e in exercises}
    with WarmRunner() as warm:
        assert warm.ready(timeout=120)
        for exercise in exercises:  # once each way first: imports torch makes lazily, caches
            warm.check(exercise, exercise.solution)
            warm.check(exercise, exercise.solution, judged=True)
        for _ in range(args.rounds):
            for exercise in exercises:
                for judged in (False, True):
                    start = time.monotonic()
                    verdict = warm.check(exercise, exercise.solution, judged=judged)
                    times[exercise.label][judged].append(time.monotonic() - start)
                    assert verdict.passed and warm.last_was_warm, verdict.to_json()
    rows = {label: {"unjudged_median_s": statistics.median(t[False]), "unjudged_p90_s": p90(t[False]),
                    "judged_median_s": statistics.median(t[True]), "judged_p90_s": p90(t[True])}
            for label, t in times.items()}
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'exercise':28} {'unjudged median':>16} {'p90':>8} {'judged median':>14} {'p90':>8} {'ratio':>6}")
    for label, row in rows.items():
        print(f"{label:28} {row['unjudged_median_s'] * 1000:13.0f} ms {row['unjudged_p90_s'] * 1000:5.0f} ms "
              f"{row['judged_median_s'] * 1000:11.0f} ms {row['judged_p90_s'] * 1000:5.0f} ms "
              f"{row['judged_median_s'] / row['unjudged_median_s']:5.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
