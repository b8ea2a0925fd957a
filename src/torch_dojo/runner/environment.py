"""What the check processes will find: torch, CUDA and its devices, torchvision, torchrun.

``probe()`` asks a fresh interpreter (``runner.probe_process``), so the caller never
imports torch, and returns an ``Environment``.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass, field

from torch_dojo.runner import probe_process
from torch_dojo.runner.process import child_environment


@dataclass
class Environment:
    python: str = ""
    platform: str = ""
    torch: str = ""  # version, "" when torch does not import
    torch_problem: str = ""
    cuda_build: str = ""  # CUDA version torch was built for, "" for CPU builds
    cuda_available: bool = False
    devices: list[str] = field(default_factory=list)
    mps_available: bool = False
    torchvision: str = ""
    torchvision_problem: str = ""
    distributed: bool = False
    torchrun: bool = False
    backends: list[str] = field(default_factory=list)
    lacking: dict[str, str] = field(default_factory=dict)  # requirement -> why a check needing it is skipped

    def to_json(self) -> dict:
        return asdict(self)

    def missing(self, need: str) -> str | None:
        """``check_process.requirements.missing(need)`` as the check processes answer it, from here."""
        if self.torch_problem:
            return self.torch_problem
        return self.lacking.get(need) or None


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
