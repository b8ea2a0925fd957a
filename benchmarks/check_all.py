"""How long `torch-dojo check --all` takes on the built-in pack, solved and unsolved.

    python benchmarks/check_all.py [--json]

Makes a throwaway workspace twice: once with the starters (everything fails), once with
the reference solutions copied in (everything passes), and times the CLI end to end.
Write the numbers, with the machine and the date, in benchmarks/README.md.
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

from torch_dojo.pack import load_builtin_pack


def timed_check_all(workspace_parent: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "torch_dojo", "check", "--all", "--json"], cwd=workspace_parent,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, env={**os.environ, "CI": "true"})
    return time.perf_counter() - start, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pack = load_builtin_pack()
    results = {"machine": f"{platform.node()} {os.cpu_count()} cores, {platform.platform()}",
               "date": time.strftime("%Y-%m-%d")}
    for kind in ("starters", "solutions"):
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, "-m", "torch_dojo"], cwd=tmp, capture_output=True, check=True)
            if kind == "solutions":
                for exercise in pack.exercises:
                    shutil.copyfile(exercise.solution, Path(tmp) / "torch-dojo" / exercise.file)
            wall, doc = timed_check_all(Path(tmp))
            results[kind] = {"wall_s": round(wall, 2), "passed": doc["summary"]["passed"],
                             "total": doc["summary"]["total"],
                             "per_exercise_s": {v["exercise"]["id"]: v["duration"] for v in doc["verdicts"]}}
    if args.json:
        print(json.dumps(results))
    else:
        for kind in ("starters", "solutions"):
            r = results[kind]
            print(f"check --all on the {kind}: {r['wall_s']} s, {r['passed']}/{r['total']} passed; "
                  + ", ".join(f"{k}: {v:.1f} s" for k, v in r["per_exercise_s"].items()))


if __name__ == "__main__":
    main()
