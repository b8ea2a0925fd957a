"""Time from typing `torch-dojo` to the workbook's first paint, in a real pseudo-terminal,
beside the floor: a minimal Textual app of the same shape (`first_paint_floor.py`).

Each run starts `python -m torch_dojo` in a fresh pty (100×30) in a workspace that already
exists, reads what the app writes, and stops the clock when the current exercise's title
appears on the screen (the first frame that holds the workbook). Then it presses q. The
floor is timed the same way, run for run in turn with the workbook, so that both see the
same machine; the ratio is the median of the runs' ratios (workbook / floor).

    python benchmarks/tui_first_paint.py [--runs 15] [--json]
"""

from __future__ import annotations

import argparse
import compileall
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


FLOOR = Path(__file__).resolve().with_name("first_paint_floor.py")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) the process ``pid`` has used so far; 0 off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_paint(folder: Path, marker: bytes, command: list[str], timeout: float = 30.0) -> tuple[float, float]:
    """Seconds from the start to the first frame that shows ``marker``, wall clock and CPU."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a learner's shell typing `torch-dojo`
        os.chdir(folder)
        os.environ.update(TERM="xterm-256color", COLUMNS="100", LINES="30")
        os.execv(sys.executable, [sys.executable, *command])
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
        elapsed, cpu = time.perf_counter() - start, cpu_seconds(pid)
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
    return elapsed, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    # as an installed torch-dojo has them: bytecode of its own modules (PYTHONDONTWRITEBYTECODE
    # would otherwise have every start compile them, which the floor does not)
    compileall.compile_dir(ROOT / "src", quiet=1)
    pack = load_builtin_pack()
    with tempfile.TemporaryDirectory() as tmp:
        found = workspace.create(Path(tmp) / workspace.FOLDER, pack)
        title = pack.exercises[0].title
        workbook = ["-m", "torch_dojo"], title.encode()
        rows = [f"· {e.id} {e.title}" for e in pack.exercises]  # the same text as the workbook's
        floor = [str(FLOOR), title, pack.exercises[0].task, *rows], title.encode()
        for command, marker in (workbook, floor):  # warm the file cache once, as a second start would be
            first_paint(found.root, marker, command)
        pairs = [(first_paint(found.root, workbook[1], workbook[0]), first_paint(found.root, floor[1], floor[0]))
                 for _ in range(args.runs)]
    times, floors = sorted(w for (w, _), _ in pairs), sorted(f for _, (f, _) in pairs)
    result = {
        "runs": args.runs,
        "median_s": round(statistics.median(times), 3),
        "p90_s": round(times[int(0.9 * (len(times) - 1))], 3),
        "min_s": round(times[0], 3),
        "floor_median_s": round(statistics.median(floors), 3),
        "floor_min_s": round(floors[0], 3),
        "ratio_median": round(statistics.median(w / f for (w, _), (f, _) in pairs), 2),
        # CPU time to the first paint: what a busy machine (other processes on its cores) changes least
        "cpu_median_s": round(statistics.median(c for (_, c), _ in pairs), 3),
        "floor_cpu_median_s": round(statistics.median(c for _, (_, c) in pairs), 3),
        "cpu_ratio_median": round(statistics.median(c / max(fc, 0.01) for (_, c), (_, fc) in pairs), 2),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"first paint over {args.runs} runs: median {result['median_s']} s, p90 {result['p90_s']} s, "
              f"min {result['min_s']} s ({result['machine']})")
        print(f"floor (a minimal Textual app of the same shape): median {result['floor_median_s']} s, "
              f"min {result['floor_min_s']} s")
        print(f"ratio workbook / floor, median of the runs: {result['ratio_median']}×")
        print(f"CPU time to the first paint: median {result['cpu_median_s']} s, floor {result['floor_cpu_median_s']} s, "
              f"ratio {result['cpu_ratio_median']}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
