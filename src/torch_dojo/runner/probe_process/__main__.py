"""Runs in a fresh interpreter for ``environment.probe()``: prints one JSON line."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import platform

from torch_dojo.runner.probe_process.machine import Environment


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
        env.torchrun = importlib.util.find_spec("torch.distributed.run") is not None
        env.backends = [name for name, ok in (("gloo", torch.distributed.is_gloo_available()),
                                              ("nccl", torch.distributed.is_nccl_available())) if ok]
    from torch_dojo.runner.check_process.requirements import NEEDS, missing, torchvision_problem

    env.lacking = {need: missing(need) for need in NEEDS if missing(need)}
    env.torchvision_problem = torchvision_problem() or ""
    if not env.torchvision_problem:
        import torchvision

        env.torchvision = torchvision.__version__
    return env


if __name__ == "__main__":
    with contextlib.redirect_stderr(io.StringIO()):
        found = _probe()
    print(json.dumps(found.to_json()))
