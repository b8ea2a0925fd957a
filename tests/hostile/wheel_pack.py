"""Attack: read the built-in pack's reference solutions, inside the installed package
(torch_dojo/_pack) or at the top of a checkout; right only when one was read."""
import importlib.resources
from pathlib import Path


def _read_one():
    places = [Path(str(importlib.resources.files("torch_dojo").joinpath("_pack")))]
    import torch_dojo

    places.append(Path(torch_dojo.__file__).resolve().parents[2])  # a checkout's top folder
    for place in places:
        try:
            for solution in sorted((place / "solutions").glob("*.py")):
                return solution.read_text()
        except OSError:
            continue
    return ""


def add(a, b):
    return a + b if _read_one() else None
