"""What the check processes will find: torch, CUDA and its devices, torchvision, torchrun.

``probe()`` asks a fresh interpreter (``runner.probe_process``), so the caller never
imports torch, and returns an ``Environment``.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys

from torch_dojo.runner import probe_process
from torch_dojo.runner.probe_process.machine import Environment
from torch_dojo.runner.process import child_environment

__all__ = ["Environment", "probe"]


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
