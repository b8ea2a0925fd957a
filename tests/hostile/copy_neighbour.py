"""Attack: copy a neighbour's passing file (listing the submissions, else guessing names)."""
import os
import runpy

NEIGHBOURS = ("alice", "bob")


def add(a, b):
    mine = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(mine)
    try:
        others = [n for n in os.listdir(root) if os.path.join(root, n) != mine]
    except OSError:
        others = list(NEIGHBOURS)
    for name in others:
        try:
            return runpy.run_path(os.path.join(root, name, "01_add.py"))["add"](a, b)
        except (OSError, KeyError):
            continue
    return None
