"""Time from typing `torch-dojo` to the workbook's first paint, in a real pseudo-terminal.

Each run starts `python -m torch_dojo` in a fresh pty (100×30) in a workspace that already
exists, reads what the app writes, and stops the clock when the current exercise's title
appears on the screen (the first frame that holds the workbook). Then it presses q.

    python benchmarks/tui_first_paint.py [--runs 15] [--json]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from torch_dojo import workspace  # noqa: E402
from torch_dojo.pack import load_builtin_pack  # noqa: E402


def first_paint(folder: Path, marker: bytes, timeout: float = 30.0) -> float:
    pid, fd = pty.fork()
    if pid == 0:  # the child: a learner's shell typing `torch-dojo`
        os.chdir(folder)
        os.environ.update(TERM="xterm-256color", COLUMNS="100", LINES="30")
        os.execv(sys.executable, [sys.executable, "-m", "torch_dojo"])
    start = time.perf_counter()
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    seen = b""
    try:
        while marker not in seen:
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"no first paint after {timeout} s; last output: {seen[-300:]!r}")
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                seen += os.read(fd, 65536)
        elapsed = time.perf_counter() - start
        os.write(fd, b"q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    os.read(fd, 65536)
                except OSError:
                    pass
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
    finally:
        os.close(fd)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pack = load_builtin_pack()
    with tempfile.TemporaryDirectory() as tmp:
        found = workspace.create(Path(tmp) / workspace.FOLDER, pack)
        marker = pack.exercises[0].title.encode()
        first_paint(found.root, marker)  # warm the file cache once, as a second start would be
        times = sorted(first_paint(found.root, marker) for _ in range(args.runs))
    result = {
        "runs": args.runs,
        "median_s": round(statistics.median(times), 3),
        "p90_s": round(times[int(0.9 * (len(times) - 1))], 3),
        "min_s": round(times[0], 3),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"first paint over {args.runs} runs: median {result['median_s']} s, p90 {result['p90_s']} s, "
              f"min {result['min_s']} s ({result['machine']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
