"""What the check processes will find: torch, CUDA and its devices, torchvision, torchrun.

``describe()`` asks a fresh interpreter (the caller never imports torch) and returns an
``Environment``; ``python -m torch_dojo.runner.environment`` prints it as JSON.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass, field

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

    def to_json(self) -> dict:
        return asdict(self)


def describe(timeout: float = 60.0) -> Environment:
    try:
        done = subprocess.run([sys.executable, "-m", "torch_dojo.runner.environment"], capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL, env=child_environment())
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        return Environment(python=platform.python_version(), platform=platform.platform(),
                           torch_problem=f"importing torch took longer than {timeout:g} s")
    except (ValueError, IndexError):
        return Environment(python=platform.python_version(), platform=platform.platform(),
                           torch_problem="the environment probe failed: " + (done.stderr.strip()[-500:] or "no output"))
    return Environment(**data)


def _probe() -> Environment:
    env = Environment(python=platform.python_version(), platform=platform.platform())
    try:
        import torch
    except Exception as err:
        env.torch_problem = f"torch does not import: {err}. Install it: pip install torch"
        return env
    env.torch = torch.__version__
    env.cuda_build = torch.version.cuda or ""
    env.cuda_available = torch.cuda.is_available()
    if env.cuda_available:
        for index in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(index)
            env.devices.append(f"cuda:{index} {props.name} ({props.total_memory / 2**30:.0f} GiB)")
    mps = getattr(torch.backends, "mps", None)
    env.mps_available = bool(mps and mps.is_available())
    env.distributed = torch.distributed.is_available()
    if env.distributed:
        import importlib.util

        env.torchrun = importlib.util.find_spec("torch.distributed.run") is not None
        env.backends = [name for name, ok in (("gloo", torch.distributed.is_gloo_available()),
                                              ("nccl", torch.distributed.is_nccl_available())) if ok]
    from torch_dojo.runner.requirements import torchvision_problem

    env.torchvision_problem = torchvision_problem() or ""
    if not env.torchvision_problem:
        import torchvision

        env.torchvision = torchvision.__version__
    return env


if __name__ == "__main__":
    import contextlib
    import io

    with contextlib.redirect_stderr(io.StringIO()):
        found = _probe()
    print(json.dumps(found.to_json()))
