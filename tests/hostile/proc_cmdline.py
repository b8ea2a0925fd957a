"""Attack: read the grader's command line in /proc, find `--pack PATH`, import the reference.

Every attack here answers `add(a, b)` right only when it got through: stopped, it is a wrong
answer's mark."""
import importlib.util
import os


def _reference():
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                words = f.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "--pack" in words:
            solution = os.path.join(words[words.index("--pack") + 1], "solutions", "01_add.py")
            spec = importlib.util.spec_from_file_location("stolen", solution)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    return None


def add(a, b):
    stolen = _reference()
    return stolen.add(a, b) if stolen else None
