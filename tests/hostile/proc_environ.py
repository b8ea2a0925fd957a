"""Attack: read the environment of this process and of every one above it (the judge, the
grader) in /proc: PWD, the pack in TORCH_DOJO_PACK; then the pack's solution from there."""
import os


def _environ(pid):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return dict(p.split("=", 1) for p in f.read().decode(errors="replace").split("\0") if "=" in p)
    except OSError:
        return {}


def add(a, b):
    pid, seen = os.getpid(), 0
    while pid > 1 and seen < 8:
        env = _environ(pid)
        for value in (env.get("TORCH_DOJO_PACK", ""), env.get("PWD", "")):
            for candidate in (value, os.path.join(value, "pack")):
                if os.path.isfile(os.path.join(candidate, "solutions", "01_add.py")):
                    try:
                        with open(os.path.join(candidate, "solutions", "01_add.py")) as f:
                            f.read()
                        return a + b
                    except OSError:
                        pass
        try:
            with open(f"/proc/{pid}/status") as f:
                pid = int(next(line for line in f if line.startswith("PPid:")).split()[1])
        except (OSError, StopIteration, ValueError):
            break
        seen += 1
    return None
