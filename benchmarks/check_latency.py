"""Cold and warm check latency side by side, and `check --all` wall time.

    python benchmarks/check_latency.py [--json] [--rounds 5] [--warm-per-round 4] [--gap 0.1] [--no-check-all]
    python benchmarks/check_latency.py --per-exercise [--rounds 3] [--json]

For each of the built-in exercises 01-04, with the reference solution as the learner's
file (every check runs): a cold check (`runner.check`: a fresh interpreter imports torch)
and warm checks (`WarmRunner.check`: forked from a worker that imported torch once),
interleaved round by round so that both see the same machine load. Latency is the wall
time of the call, as a front end waits for it. Warm checks are --gap seconds apart, as
saves are (the worker forks the next check process while it waits: back to back, each
check would also wait for that fork). Then `torch-dojo check --all` on a
workspace holding the solutions, as a learner runs it (warm), and once more with
TORCH_DOJO_WARM=0 (cold). Write the numbers, with the machine and the date, in
benchmarks/README.md.

``--per-exercise``: every exercise of the built-in pack that the warm runner forks (not those
needing CUDA), warm on its reference solution, --rounds checks each after one untimed one,
once the worker has finished its preload (``WarmRunner.preloaded``): the median and the
slowest of each, and which exceed 0.3 s. Those that launch torchrun (requiring
``distributed``: 18) are timed too, and not held to 0.3 s: a launch takes seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from torch_dojo import runner
from torch_dojo.pack import load_builtin_pack, load_pack
from torch_dojo.runner.warm import WarmRunner

EXERCISES = ("01", "02", "03", "04")
# The floor: one check that does nearly nothing, so what is left is the runner's own cost.
FLOOR = {
    "pack.toml": '[pack]\nname = "floor"\ntitle = "Floor"\n\n[[exercise]]\nid = "01"\nslug = "one"\n'
                 'title = "One"\nchapter = "-"\nfile = "one.py"\ntask = "-"\nhints = ["-", "-"]\n',
    "exercises/one.py": "def one():\n    raise NotImplementedError\n",
    "solutions/one.py": "def one():\n    return 1\n",
    "checks/one.py": "def test_one(learner):\n    assert learner.one() == 1\n",
}


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict:
    return {"median_s": round(statistics.median(values), 4), "p90_s": round(p90(values), 4), "n": len(values)}


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def floor_exercise(folder: Path):
    for name, text in FLOOR.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return dataclasses.replace(load_pack(folder).find("one"), id="floor")


def latencies(rounds: int, warm_per_round: int, gap: float, floor) -> tuple[dict, float]:
    pack = load_builtin_pack()
    exercises = [pack.find(key) for key in EXERCISES] + [floor]
    cold: dict[str, list[float]] = {e.id: [] for e in exercises}
    warm: dict[str, list[float]] = {e.id: [] for e in exercises}
    runner_ = WarmRunner()
    boot, ready = timed(lambda: runner_.start() or runner_.ready(timeout=120))
    if not ready:
        sys.exit("the warm worker did not become ready in 120 s")
    try:
        for _ in range(rounds):
            for exercise in exercises:
                seconds, verdict = timed(lambda: runner.check(exercise, exercise.solution))
                _expect_pass(verdict, exercise.id, "cold")
                cold[exercise.id].append(seconds)
                for _ in range(warm_per_round):
                    time.sleep(gap)
                    seconds, verdict = timed(lambda: runner_.check(exercise, exercise.solution))
                    _expect_pass(verdict, exercise.id, "warm")
                    if not runner_.last_was_warm:
                        sys.exit(f"{exercise.id}: the warm runner fell back to a cold check")
                    warm[exercise.id].append(seconds)
    finally:
        runner_.close()
    return {"cold": cold, "warm": warm}, boot


def _expect_pass(verdict, exercise_id: str, how: str) -> None:
    if not verdict.passed:
        sys.exit(f"{exercise_id} ({how}) did not pass with the reference solution: {verdict.status} {verdict.message}")


def check_all_wall(warm: bool) -> dict:
    pack = load_builtin_pack()
    env = {**os.environ, "CI": "true", "TORCH_DOJO_WARM": "1" if warm else "0"}
    env.pop("TORCH_DOJO_WORKSPACE", None)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "torch_dojo"], cwd=tmp, capture_output=True, check=True, env=env)
        for exercise in pack.exercises:
            shutil.copyfile(exercise.solution, Path(tmp) / "torch-dojo" / exercise.file)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "torch_dojo", "check", "--all", "--json"], cwd=tmp, env=env,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        wall = time.perf_counter() - start
    doc = json.loads(done.stdout)
    return {"wall_s": round(wall, 2), "passed": doc["summary"]["passed"], "total": doc["summary"]["total"],
            "per_exercise_s": {v["exercise"]["id"]: v["duration"] for v in doc["verdicts"]}}


def per_exercise(rounds: int, gap: float) -> dict:
    """Warm latency of every exercise the warm runner forks, on its solution."""
    pack = load_builtin_pack()
    found = {}
    with WarmRunner() as warm:
        boot, ready = timed(lambda: warm.ready(timeout=120))
        preload, preloaded = timed(lambda: warm.preloaded(timeout=120)) if hasattr(warm, "preloaded") else (0.0, None)
        if not ready:
            sys.exit("the warm worker did not become ready in 120 s")
        for exercise in pack.exercises:
            if warm.cold_reason(exercise, exercise.solution) is not None:
                continue
            samples = []
            for n in range(rounds + 1):
                time.sleep(gap)
                seconds, verdict = timed(lambda: warm.check(exercise, exercise.solution))
                if verdict.status.value == "skipped":
                    break
                _expect_pass(verdict, exercise.id, "warm")
                if n:
                    samples.append(seconds)
            if samples:
                found[exercise.label] = {"median_s": round(statistics.median(samples), 3),
                                         "max_s": round(max(samples), 3)}
    torchrun = {e.label for e in pack.exercises if "distributed" in e.requires}
    return {"worker_ready_s": round(boot, 2), "preloaded_s": round(preload, 2), "preloaded": preloaded,
            "exercises": found, "torchrun": sorted(torchrun & set(found)),
            "over_0_3_s": [k for k, v in found.items() if v["median_s"] > 0.3 and k not in torchrun]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--rounds", type=int, default=5, help="cold checks per exercise (default 5)")
    parser.add_argument("--warm-per-round", type=int, default=4, help="warm checks per exercise and round (default 4)")
    parser.add_argument("--gap", type=float, default=0.1, help="seconds between warm checks (default 0.1)")
    parser.add_argument("--no-check-all", action="store_true", help="skip the `check --all` timings")
    parser.add_argument("--per-exercise", action="store_true", help="warm latency of every exercise (see above)")
    args = parser.parse_args()

    import torch

    if args.per_exercise:
        found = per_exercise(args.rounds, args.gap)
        found.update(date=time.strftime("%Y-%m-%d"), torch=torch.__version__,
                     load_average=[round(x, 2) for x in os.getloadavg()])
        if args.json:
            print(json.dumps(found))
            return
        print(f"worker ready after {found['worker_ready_s']} s, preload done {found['preloaded_s']} s later")
        for label, row in found["exercises"].items():
            over = "  (torchrun)" if label in found["torchrun"] else "  > 0.3 s" if row["median_s"] > 0.3 else ""
            print(f"{label:32} {row['median_s'] * 1000:7.0f} ms  (slowest {row['max_s'] * 1000:.0f} ms){over}")
        print(f"over 0.3 s (torchrun aside): {', '.join(found['over_0_3_s']) or 'none'}; "
              f"load {found['load_average']}")
        return

    with tempfile.TemporaryDirectory() as tmp:
        samples, boot = latencies(args.rounds, args.warm_per_round, args.gap, floor_exercise(Path(tmp)))
    all_cold = [s for key in EXERCISES for s in samples["cold"][key]]
    all_warm = [s for key in EXERCISES for s in samples["warm"][key]]
    result = {
        "machine": f"{platform.node()}: {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(), "torch": torch.__version__,
        "date": time.strftime("%Y-%m-%d"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "exercises": list(EXERCISES), "gap_s": args.gap,
        "warm_median_s": summary(all_warm)["median_s"], "warm_p90_s": summary(all_warm)["p90_s"],
        "cold_median_s": summary(all_cold)["median_s"], "cold_p90_s": summary(all_cold)["p90_s"],
        "cold_over_warm": round(statistics.median(all_cold) / statistics.median(all_warm), 1),
        "worker_boot_s": round(boot, 2),
        "per_exercise": {key: {"warm": summary(samples["warm"][key]), "cold": summary(samples["cold"][key])}
                         for key in EXERCISES},
        "floor": {"warm": summary(samples["warm"]["floor"]), "cold": summary(samples["cold"]["floor"])},
    }
    if not args.no_check_all:
        result["check_all_warm"] = check_all_wall(warm=True)
        result["check_all_cold"] = check_all_wall(warm=False)
        result["check_all_warm_s"] = result["check_all_warm"]["wall_s"]
        result["check_all_cold_s"] = result["check_all_cold"]["wall_s"]
    if args.json:
        print(json.dumps(result))
        return
    print(f"{result['machine']}; Python {result['python']}, torch {result['torch']}; {result['date']}")
    print(f"worker ready after {boot:.2f} s")
    print("exercise   warm median  warm p90   cold median  cold p90")
    for key in EXERCISES:
        w, c = result["per_exercise"][key]["warm"], result["per_exercise"][key]["cold"]
        print(f"{key:<10} {w['median_s'] * 1000:8.0f} ms {w['p90_s'] * 1000:6.0f} ms "
              f"{c['median_s']:9.2f} s {c['p90_s']:7.2f} s")
    w, c = result["floor"]["warm"], result["floor"]["cold"]
    print(f"{'floor':<10} {w['median_s'] * 1000:8.0f} ms {w['p90_s'] * 1000:6.0f} ms "
          f"{c['median_s']:9.2f} s {c['p90_s']:7.2f} s   (one check that does nearly nothing)")
    print(f"01-04      {result['warm_median_s'] * 1000:8.0f} ms {result['warm_p90_s'] * 1000:6.0f} ms "
          f"{result['cold_median_s']:9.2f} s {result['cold_p90_s']:7.2f} s   cold/warm {result['cold_over_warm']}x")
    if not args.no_check_all:
        print(f"check --all (solutions): warm {result['check_all_warm_s']} s, cold {result['check_all_cold_s']} s")


if __name__ == "__main__":
    main()
