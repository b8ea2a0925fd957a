"""Grading throughput: N synthetic students, marks per second per core, unsharded and sharded.

    PYTHONPATH=src python benchmarks/grade_throughput.py [--pack mini|builtin|PATH] [--students N]
        [--jobs 2] [--shards 3] [--json]

Each synthetic student holds every exercise's file: the reference solution for most, the
starter for every third (student i, exercise k: the starter when (i + k) % 3 == 0), so that
marks pass and fail as in a class. `torch-dojo grade` runs as an instructor runs it (a fresh
process, `--jobs`, `--out` JSON), twice: first with an empty reference cache (every reference
judged), then again, without the first run's journal, with the cache it filled (the references reused:
what every later run and every shard pays). Marks per second per core = marks / wall /
min(jobs, cores). Sharded (when this torch-dojo has `grade --shard`): the shards run at once,
`--jobs` split between them, then `grade --merge`; the wall is from the first shard's start to
the merge's end. Write the numbers, with the machine and the date, in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from torch_dojo.pack import load_builtin_pack, load_pack

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "packs" / "mini"


def students(folder: Path, pack, count: int) -> int:
    """Write ``count`` students into ``folder``; the number of marks they make."""
    for i in range(count):
        mine = folder / f"student{i:03d}"
        mine.mkdir(parents=True)
        for k, exercise in enumerate(pack.exercises):
            source = exercise.starter if (i + k) % 3 == 0 else exercise.solution
            shutil.copyfile(source, mine / exercise.file)
    return count * len(pack.exercises)


def grade(args: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "torch_dojo", "grade", *args], env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start, done


def has_shards(env: dict) -> bool:
    done = subprocess.run([sys.executable, "-m", "torch_dojo", "grade", "--help"], env=env, capture_output=True,
                          text=True)
    return "--shard" in done.stdout and "--merge" in done.stdout


def sharded(subs: Path, pack_arg: str, shards: int, jobs: int, out: Path, env: dict) -> float:
    per_shard = max(1, jobs // shards)
    start = time.perf_counter()
    running = [subprocess.Popen([sys.executable, "-m", "torch_dojo", "grade", str(subs), "--pack", pack_arg,
                                 "--shard", f"{i}/{shards}", "--out", str(out / f"shard-{i}.json"),
                                 "--jobs", str(per_shard)],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for i in range(1, shards + 1)]
    for process in running:
        process.wait()
    subprocess.run([sys.executable, "-m", "torch_dojo", "grade", "--merge",
                    *(str(out / f"shard-{i}.json") for i in range(1, shards + 1)), "--out", str(out / "merged.json")],
                   env=env, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", default="mini", help="mini (tests/packs/mini), builtin, or a pack folder")
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--shards", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pack_root = MINI if args.pack == "mini" else (load_builtin_pack().root if args.pack == "builtin" else Path(args.pack))
    pack = load_pack(pack_root)
    cores = min(args.jobs, os.cpu_count() or 1)
    found: dict = {"machine": f"{platform.node()}: {os.cpu_count()} cores, {platform.platform()}",
                   "date": time.strftime("%Y-%m-%d %H:%M"), "pack": pack.name, "exercises": len(pack.exercises),
                   "students": args.students, "jobs": args.jobs}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        marks = students(tmp / "subs", pack, args.students)
        env = {**os.environ, "CI": "true", "TORCH_DOJO_CACHE_DIR": str(tmp / "cache")}
        env.pop("TORCH_DOJO_PACK", None)
        common = [str(tmp / "subs"), "--pack", str(pack_root), "--out", str(tmp / "grades.json"),
                  "--jobs", str(args.jobs)]
        for label in ("references_judged", "references_cached"):
            (tmp / "grades.json.journal").unlink(missing_ok=True)  # every mark judged (--fresh: the references too)
            wall, done = grade(common, env)
            if done.returncode not in (0, 1):
                sys.exit(f"grade failed ({done.returncode}): {done.stderr[-2000:]}")
            found[label] = {"wall_s": round(wall, 2), "marks": marks,
                            "marks_per_s_per_core": round(marks / wall / cores, 3),
                            "s_per_student": round(wall / args.students, 2)}
        found["load_average"] = [round(x, 2) for x in os.getloadavg()]
        if args.shards > 1 and has_shards(env):
            wall = sharded(tmp / "subs", str(pack_root), args.shards, args.jobs, tmp, env)
            found["sharded"] = {"shards": args.shards, "wall_s": round(wall, 2),
                                "marks_per_s_per_core": round(marks / wall / cores, 3)}
        elif args.shards > 1:
            found["sharded"] = "not measured: this torch-dojo has no `grade --shard` (and --merge) yet"
    if args.json:
        print(json.dumps(found))
        return 0
    print(f"{found['machine']}; {found['date']}; load {found['load_average']}")
    print(f"pack {pack.name}: {args.students} students × {len(pack.exercises)} exercises = {marks} marks, "
          f"--jobs {args.jobs}")
    for label in ("references_judged", "references_cached"):
        row = found[label]
        print(f"  {label.replace('_', ' '):20} {row['wall_s']:7.1f} s  {row['marks_per_s_per_core']:.3f} marks/s/core"
              f"  {row['s_per_student']:.1f} s/student")
    sharding = found.get("sharded")
    if isinstance(sharding, dict):
        print(f"  {sharding['shards']} shards, merged  {sharding['wall_s']:7.1f} s  "
              f"{sharding['marks_per_s_per_core']:.3f} marks/s/core")
    elif sharding:
        print(f"  sharded: {sharding}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
