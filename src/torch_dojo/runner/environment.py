"""What the check processes will find: torch, CUDA and its devices, torchvision, torchrun;
and what the installed torch says of the APIs an exercise names.

``probe()`` asks a fresh interpreter (``runner.probe_process``), so the caller never
imports torch, and returns an ``Environment``; ``api_docs()`` asks another
(``runner.probe_process.docs``) for the docstrings of dotted names.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys

from torch_dojo.runner import probe_process
from torch_dojo.runner.probe_process.apis import ApiDoc
from torch_dojo.runner.probe_process.machine import Environment

__all__ = ["ApiDoc", "Environment", "api_docs", "probe"]


def child_environment() -> dict[str, str]:
    """The check processes' environment (imported here, late: the workbook paints before it)."""
    from torch_dojo.runner import process

    return process.child_environment()


def probe(timeout: float = 60.0) -> Environment:
    """What the check processes will find here, asked in a fresh interpreter."""
    try:
        done = subprocess.run([sys.executable, "-m", probe_process.__name__], capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL, env=child_environment())
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        return Environment(python=platform.python_version(), platform=platform.platform(),
                           torch_problem=f"importing torch took longer than {timeout:g} s")
    except (ValueError, IndexError):
        return Environment(python=platform.python_version(), platform=platform.platform(),
                           torch_problem="the environment probe failed: " + (done.stderr.strip()[-500:] or "no output"))
    return Environment(**data)


DOCS_MODULE = probe_process.__name__ + ".docs"


def api_docs(names: list[tuple[str, str]], timeout: float = 120.0) -> tuple[str, list[ApiDoc], str]:
    """``(torch version, an ApiDoc per name, problem)`` for ``(dotted name, requirement)``
    pairs, asked in a fresh interpreter; ``problem`` says why none could be asked ("" when
    they were)."""
    asked = json.dumps([{"name": name, "requires": needs} for name, needs in names])
    try:
        done = subprocess.run([sys.executable, "-m", DOCS_MODULE], input=asked, capture_output=True, text=True,
                              timeout=timeout, env=child_environment())
        data = json.loads(done.stdout.strip().splitlines()[-1])
        docs = [ApiDoc.from_json(one) for one in data["docs"]]
    except subprocess.TimeoutExpired:
        return "", [], f"asking torch for its docs took longer than {timeout:g} s"
    except (ValueError, IndexError, KeyError, TypeError):
        return "", [], "the docs process failed: " + (done.stderr.strip()[-500:] or "no output")
    return str(data.get("torch", "")), docs, str(data.get("problem", ""))
