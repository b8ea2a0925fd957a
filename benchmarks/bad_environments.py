"""The whole bad-environment sweep (tests/test_bad_environments.py) in one go, with a tally.

    python benchmarks/bad_environments.py [-k EXPR] [--json]

Each case runs the real CLI on the mini pack under one bad environment (read-only or full
tmpfs, chattr +i, unreadable files as nobody, FIFOs and broken links, closed or full
streams, a deleted current folder) and asserts no traceback, the right exit code, a message
naming what failed, and nothing lost. Cases this machine cannot stage (no root, no mount)
are skipped with the reason. Exit code: pytest's (0 when every case that ran passed).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", metavar="EXPR", help="only the cases whose name matches (pytest -k)")
    parser.add_argument("--json", action="store_true", help="print the tally as JSON")
    args = parser.parse_args()
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-rs", "--tb=short",
               str(ROOT / "tests" / "test_bad_environments.py")] + (["-k", args.k] if args.k else [])
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    took = time.monotonic() - started
    summary = next((line for line in reversed(done.stdout.splitlines()) if " in " in line and "=" not in line[:1]),
                   done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "")
    tally = {word: 0 for word in ("passed", "failed", "skipped", "error")}
    words = summary.replace(",", " ").split()
    for number, word in zip(words, words[1:]):
        if number.isdigit() and word.rstrip("s") in ("passed", "failed", "skipped", "error"):
            tally[word.rstrip("s") if word.startswith("error") else word] = int(number)
    if args.json:
        print(json.dumps({"cases": sum(tally.values()), **tally, "seconds": round(took, 1)}, indent=2))
    else:
        print(done.stdout[-6000:])
        print(f"{sum(tally.values())} cases: {tally['passed']} passed, {tally['failed']} failed, "
              f"{tally['skipped']} skipped, in {took:.0f} s")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
