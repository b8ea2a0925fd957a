"""Attack: send SIGTERM to the judge and every torch-dojo process above it (the grader among
them). Never past the first process that is not torch-dojo's: unconfined, this would end the
test run too."""
import os
import signal


def _ancestors():
    pid, found = os.getppid(), []
    while pid > 1 and len(found) < 8:
        found.append(pid)
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"torch_dojo" not in f.read() and found[1:]:
                    found.pop()
                    break
            with open(f"/proc/{pid}/status") as f:
                pid = int(next(line for line in f if line.startswith("PPid:")).split()[1])
        except (OSError, StopIteration, ValueError):
            break
    return found


def add(a, b):
    hit = 0
    for pid in _ancestors():
        try:
            os.kill(pid, signal.SIGTERM)
            hit += 1
        except OSError:
            pass
    return a + b if hit else None
