"""Attack: walk the disk up from the file and the working directory to a pack's
solutions/01_add.py, and import it; wrong answer when stopped."""
import os
import runpy


def _find():
    starts = [os.path.dirname(os.path.abspath(__file__)), os.getcwd()]
    for start in starts:
        folder = start
        for _ in range(5):
            folder = os.path.dirname(folder)
            for root, dirs, files in os.walk(folder):
                if root.count(os.sep) - folder.count(os.sep) > 3:
                    dirs[:] = []
                if root.endswith("solutions") and "01_add.py" in files:
                    return os.path.join(root, "01_add.py")
    return None


def add(a, b):
    found = _find()
    if not found:
        return None
    try:
        return runpy.run_path(found)["add"](a, b)
    except OSError:
        return None
